import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// user administration within the administrator's own subtree: create, edit roles and unit, disable,
/// enable, and issue one-time reset links.
struct AdminPages: Sendable {
    func register(_ root: any RoutesBuilder) {
        root.get("admin", "users", use: list).requires(.action(.manageUsers))
        root.get("admin", "users", "new", use: newUser).requires(.action(.manageUsers))
        root.post("admin", "users", use: create).requires(.action(.manageUsers))
        root.get("admin", "users", ":id", use: edit).requires(.action(.manageUsers))
        root.post("admin", "users", ":id", use: update).requires(.action(.manageUsers))
        root.post("admin", "users", ":id", "disable", use: disable).requires(.action(.manageUsers))
        root.post("admin", "users", ":id", "enable", use: enable).requires(.action(.manageUsers))
        root.post("admin", "users", ":id", "reset", use: reset).requires(.action(.manageUsers))
    }

    @Sendable func list(_ req: Request) async throws -> Response {
        let page = try await Records<UserRecord>(req.store).list(page: try QueryReader(req: req).page())
        let model = Self.listModel(page, principal: try req.requirePrincipal(), req.localizer)
        return try await PageRenderer.render("admin-users", title: "admin.usersTitle", model, for: req)
    }

    func formModel(
        _ req: Request, user: UserRecord.Input?, id: Int? = nil, version: Int? = nil, disabled: Bool = false,
        resetLink: String? = nil, errors: [FieldMessage] = []
    ) async throws -> FormModel {
        let units = try await Records<OrgUnitRecord>(req.store).list(page: PageRequest(limit: 200))
        return Self.formModel(
            units: units.items, principal: try req.requirePrincipal(), req.localizer, user: user, id: id,
            version: version, disabled: disabled, resetLink: resetLink, errors: errors)
    }

    @Sendable func newUser(_ req: Request) async throws -> Response {
        try await PageRenderer.render(
            "admin-user", title: "admin.userTitle", try await formModel(req, user: nil), for: req)
    }

    static func input(_ form: FormReader, into v: inout AftercareDomain.Validator) -> UserRecord.Input {
        let roles = form.all("roles").compactMap(Role.init)
        if roles.count != form.all("roles").count { v.add("roles", .invalidValue(allowed: Role.allowedValues)) }
        return UserRecord.Input(
            username: form.string("username") ?? "", email: form.string("email"),
            displayName: form.string("displayName") ?? "", roles: roles,
            orgUnitId: form.int("orgUnitId", into: &v) ?? 0,
            customerId: form.int("customerId", into: &v), locale: form.value("locale", Language.self, into: &v))
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let input = Self.input(form, into: &v)
        return try await FormCycle.run(req, page: "/admin/users/new") {
            try v.finish()
            let password = form.raw("password")
            let user = try await req.accounts.create(
                input, password: password.isEmpty ? nil : password, by: principal.actor)
            return req.redirect(to: "/admin/users/\(user.id)")
        } again: { failure in
            let model = try await formModel(req, user: input, errors: failure.messages)
            return try await PageRenderer.render(
                "admin-user", title: "admin.userTitle", model, for: req, status: failure.status)
        }
    }

    func show(
        _ req: Request, id: Int, resetLink: String? = nil, errors: [FieldMessage] = [], input: UserRecord.Input? = nil,
        status: HTTPStatus = .ok
    ) async throws -> Response {
        let user = try await Records<UserRecord>(req.store).get(id)
        let model = try await formModel(
            req, user: input ?? UserRecord.input(from: user), id: user.id, version: user.version,
            disabled: user.disabledAt != nil, resetLink: resetLink, errors: errors)
        return try await PageRenderer.render("admin-user", title: "admin.userTitle", model, for: req, status: status)
    }

    @Sendable func edit(_ req: Request) async throws -> Response {
        try await show(req, id: try req.pageId())
    }

    @Sendable func update(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let input = Self.input(form, into: &v)
        let version = form.int("version", into: &v)
        return try await FormCycle.run(req, page: "/admin/users/\(id)") {
            try v.finish()
            _ = try await req.accounts.update(id, expectedVersion: version ?? 0, by: principal.actor) { _ in input }
            return req.redirect(to: "/admin/users/\(id)")
        } again: { failure in
            // A stale edit shows the record as it now is; a refused one shows what was typed.
            try await show(
                req, id: id, errors: failure.messages, input: failure.error is StaleVersion ? nil : input,
                status: failure.status)
        }
    }

    @Sendable func disable(_ req: Request) async throws -> Response {
        let id = try req.pageId()
        _ = try await req.accounts.setDisabled(id, true, by: try req.requirePrincipal().actor)
        return req.redirect(to: "/admin/users/\(id)")
    }

    @Sendable func enable(_ req: Request) async throws -> Response {
        let id = try req.pageId()
        _ = try await req.accounts.setDisabled(id, false, by: try req.requirePrincipal().actor)
        return req.redirect(to: "/admin/users/\(id)")
    }

    /// Issues a one-time reset link and shows it to the administrator once.
    @Sendable func reset(_ req: Request) async throws -> Response {
        let id = try req.pageId()
        let token = try await req.accounts.issueReset(for: id, by: try req.requirePrincipal().actor)
        // The Host header is the client's word: only a plain host[:port] is echoed into the link.
        let sent = req.headers.first(name: .host) ?? ""
        let plainHost =
            !sent.isEmpty && sent.count <= 255
            && sent.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || ".-:[]".unicodeScalars.contains($0))
            }
        let host = plainHost ? sent : "127.0.0.1:8080"
        let scheme = req.isSecure ? "https" : "http"
        return try await show(req, id: id, resetLink: "\(scheme)://\(host)/reset/\(token)")
    }
}
