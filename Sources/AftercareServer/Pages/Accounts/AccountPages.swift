import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// Signing in and out, the language switch, the user's own account (password, language, access tokens) and
/// one-time reset links.
struct AccountPages: Sendable {
    func register(_ root: any RoutesBuilder) {
        root.get("login", use: loginForm).requires(.open)
        root.post("login", use: login).requires(.open)
        root.post("logout", use: logout).requires(.signedIn)
        root.post("language", use: language).requires(.open)
        root.get("account", use: account).requires(.signedIn)
        root.post("account", "password", use: changePassword).requires(.signedIn)
        root.post("account", "tokens", use: createToken).requires(.signedIn)
        root.post("account", "tokens", ":id", "revoke", use: revokeToken).requires(.signedIn)
        root.get("reset", ":token", use: resetForm).requires(.open)
        root.post("reset", ":token", use: reset).requires(.open)
    }

    struct LoginModel: Encodable {
        var login: String
        var next: String
        var error: String?
    }

    @Sendable func loginForm(_ req: Request) async throws -> Response {
        if let principal = req.principal { return req.redirect(to: Self.home(of: principal)) }
        let next = LocalRedirect.path(try? req.query.get(String.self, at: "next")) ?? ""
        return try await PageRenderer.render("login", title: "login.title", LoginModel(login: "", next: next), for: req)
    }

    static func home(of principal: Principal) -> String { Landing.for(principal.roles).path }

    @Sendable func login(_ req: Request) async throws -> Response {
        let form = try FormReader(req)
        let name = form.string("login") ?? ""
        let next = LocalRedirect.path(form.string("next"))
        let signing = req.authSettings.signing
        let now = req.store.now
        let result = try await req.accounts.signIn(
            login: name, password: form.raw("password"), address: req.clientAddress,
            knownDevice: req.cookieValue(Cookies.device).flatMap { signing.deviceUser($0, now: now) })
        let l = req.localizer
        switch result {
        case .signedIn(let principal, let token):
            req.logger.info("signed in", metadata: ["user": .string(principal.username)])
            let target = principal.roles.contains(.customer) ? "/portal" : (next ?? Self.home(of: principal))
            let response = req.redirect(to: target)
            req.setCookie(Cookies.session, token, maxAge: Int(Accounts.sessionLifetime), on: response)
            let device = signing.device(
                userId: principal.userId, expires: now.addingTimeInterval(SignedTokens.deviceLifetime))
            req.setCookie(Cookies.device, device, maxAge: Int(SignedTokens.deviceLifetime), on: response)
            return response
        case .refused:
            // The name typed is not logged: people type their password into it by mistake.
            req.logger.notice("sign-in refused")
            return try await PageRenderer.render(
                "login", title: "login.title",
                LoginModel(login: name, next: next ?? "", error: l.t("login.refused")), for: req, status: .unauthorized)
        case .locked(let until):
            req.logger.notice("sign-in locked")
            return try await PageRenderer.render(
                "login", title: "login.title",
                LoginModel(
                    login: name, next: next ?? "",
                    error: l.t("login.locked").replacingOccurrences(of: "{time}", with: l.dateTime(until))),
                for: req, status: .tooManyRequests)
        }
    }

    @Sendable func logout(_ req: Request) async throws -> Response {
        if let token = req.cookieValue(Cookies.session) { try await req.accounts.signOut(sessionToken: token) }
        let response = req.redirect(to: "/login")
        req.setCookie(Cookies.session, "", maxAge: 0, on: response)
        return response
    }

    /// the language switch; remembered on the account when signed in, in a cookie always.
    @Sendable func language(_ req: Request) async throws -> Response {
        let form = try FormReader(req)
        guard let language = form.string("lang").flatMap(Language.init) else {
            throw ValidationError(["lang": .invalidValue(allowed: Language.allowedValues)])
        }
        if let principal = req.principal { try await req.accounts.setLocale(principal, language) }
        let response = req.redirect(to: LocalRedirect.path(form.string("next")) ?? "/")
        req.setCookie(Cookies.language, language.rawValue, maxAge: 365 * 86400, on: response)
        return response
    }

    func accountModel(
        _ req: Request, newToken: String? = nil, passwordChanged: Bool = false, errors: [FieldMessage] = []
    )
        async throws -> AccountModel
    {
        let principal = try req.requirePrincipal()
        let tokens = try await req.accounts.tokens(of: principal.userId)
        return Self.accountModel(
            tokens, principal: principal, req.localizer, newToken: newToken, passwordChanged: passwordChanged,
            errors: errors)
    }

    @Sendable func account(_ req: Request) async throws -> Response {
        let changed = (try? req.query.get(String.self, at: "changed")) == "1"
        return try await PageRenderer.render(
            "account", title: "account.title", try await accountModel(req, passwordChanged: changed), for: req)
    }

    @Sendable func changePassword(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = try FormReader(req)
        return try await FormCycle.run(req, page: "/account") {
            guard form.raw("newPassword") == form.raw("confirmPassword") else {
                throw ValidationError(["confirmPassword": .invalidValue(allowed: ["the same as the new password"])])
            }
            let token = try await req.accounts.changeOwnPassword(
                principal, current: form.raw("currentPassword"), new: form.raw("newPassword"))
            let response = req.redirect(to: "/account?changed=1")
            req.setCookie(Cookies.session, token, maxAge: Int(Accounts.sessionLifetime), on: response)
            return response
        } again: { failure in
            if failure.error is PasswordCheckLocked { req.logger.notice("current-password check locked") }
            return try await PageRenderer.render(
                "account", title: "account.title", try await accountModel(req, errors: failure.messages), for: req,
                status: failure.status)
        }
    }

    @Sendable func createToken(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let days = form.int("expiresInDays", into: &v)
        let roles = form.all("roles").compactMap(Role.init)
        return try await FormCycle.run(req, page: "/account") {
            try v.finish()
            let made = try await req.accounts.createToken(
                for: principal, name: form.string("name") ?? "", roles: roles.isEmpty ? nil : roles, expiresInDays: days
            )
            return try await PageRenderer.render(
                "account", title: "account.title", try await accountModel(req, newToken: made.secret), for: req)
        } again: { failure in
            try await PageRenderer.render(
                "account", title: "account.title", try await accountModel(req, errors: failure.messages), for: req,
                status: failure.status)
        }
    }

    @Sendable func revokeToken(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        guard let id = req.parameters.get("id", as: Int.self) else { throw RecordNotFound(entity: "token", id: 0) }
        try await req.accounts.revokeToken(id, of: principal)
        return req.redirect(to: "/account")
    }

    struct ResetModel: Encodable {
        var username: String
        var token: String
        var errors: [FieldMessage]
    }

    @Sendable func resetForm(_ req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        guard let user = try await req.accounts.resetTarget(token) else { throw ResetLinkInvalid() }
        return try await PageRenderer.render(
            "reset", title: "reset.title", ResetModel(username: user.username, token: token, errors: []), for: req)
    }

    @Sendable func reset(_ req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        let form = try FormReader(req)
        guard let user = try await req.accounts.resetTarget(token) else { throw ResetLinkInvalid() }
        return try await FormCycle.run(req, page: req.url.path) {
            guard form.raw("newPassword") == form.raw("confirmPassword") else {
                throw ValidationError(["confirmPassword": .invalidValue(allowed: ["the same as the new password"])])
            }
            try await req.accounts.consumeReset(token, newPassword: form.raw("newPassword"))
            return req.redirect(to: "/login")
        } again: { failure in
            try await PageRenderer.render(
                "reset", title: "reset.title",
                ResetModel(username: user.username, token: token, errors: failure.messages),
                for: req, status: failure.status)
        }
    }
}
