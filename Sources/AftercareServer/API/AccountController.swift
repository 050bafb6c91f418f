import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// The JSON API of accounts: who am I, my personal access tokens, and user administration.
struct AccountController: Sendable {
    func register(_ api: any RoutesBuilder) {
        api.get("me", use: me).requires(.signedIn)
        api.get("tokens", use: tokens).requires(.signedIn)
        api.post("tokens", use: createToken).requires(.signedIn)
        api.post("tokens", ":id", "revoke", use: revokeToken).requires(.signedIn)
        let users = api.grouped("users")
        users.get(use: list).requires(.action(.manageUsers))
        users.post(use: create).requires(.action(.manageUsers))
        users.get(":id", use: get).requires(.action(.manageUsers))
        users.patch(":id", use: update).requires(.action(.manageUsers))
        users.post(":id", "archive", use: archive).requires(.action(.manageUsers))
        users.get(":id", "audit", use: audit).requires(.action(.manageUsers))
        users.post(":id", "disable", use: disable).requires(.action(.manageUsers))
        users.post(":id", "enable", use: enable).requires(.action(.manageUsers))
        users.post(":id", "reset-link", use: resetLink).requires(.action(.manageUsers))
    }

    struct Me: Content {
        var id: Int
        var username: String
        var displayName: String
        var roles: [Role]
        var orgUnitId: Int
        var customerId: Int?
        var locale: Language?
        /// Everything the caller's roles allow.
        var actions: [Action]
    }

    @Sendable func me(_ req: Request) async throws -> Me {
        let p = try req.requirePrincipal()
        return Me(
            id: p.userId, username: p.username, displayName: p.displayName,
            roles: p.roles.sorted { $0.rawValue < $1.rawValue }, orgUnitId: p.orgUnitId, customerId: p.customerId,
            locale: p.locale, actions: Action.allCases.filter(p.may))
    }

    struct TokenInput: Codable {
        var name: String
        var roles: [Role]?
        var expiresInDays: Int?
    }

    struct NewToken: Content {
        /// The secret, shown this once; only its digest is stored.
        var secret: String
        var token: AccessTokenView
    }

    @Sendable func tokens(_ req: Request) async throws -> [AccessTokenView] {
        try await req.accounts.tokens(of: try req.requirePrincipal().userId)
    }

    @Sendable func createToken(_ req: Request) async throws -> Response {
        let input = try JSONBody.create(TokenInput.self, req)
        let made = try await req.accounts.createToken(
            for: try req.requirePrincipal(), name: input.name, roles: input.roles, expiresInDays: input.expiresInDays)
        return try await NewToken(secret: made.secret, token: made.token).encodeResponse(status: .created, for: req)
    }

    @Sendable func revokeToken(_ req: Request) async throws -> HTTPStatus {
        guard let id = req.parameters.get("id", as: Int.self) else { throw RecordNotFound(entity: "token", id: 0) }
        try await req.accounts.revokeToken(id, of: try req.requirePrincipal())
        return .noContent
    }

    /// A new user: the editable fields and, optionally, a first password.
    struct UserCreateInput: Codable {
        var username: String
        var email: String?
        var displayName: String
        var roles: [Role]
        var orgUnitId: Int
        var customerId: Int?
        var locale: Language?
        var password: String?

        var record: UserRecord.Input {
            UserRecord.Input(
                username: username, email: email, displayName: displayName, roles: roles, orgUnitId: orgUnitId,
                customerId: customerId, locale: locale)
        }
    }

    @Sendable func list(_ req: Request) async throws -> Page<UserRecord.View> {
        let q = QueryReader(req: req)
        return try await Records<UserRecord>(req.store).list(
            page: try q.page(), includeArchived: try q.bool("includeArchived") ?? false)
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let input = try JSONBody.create(UserCreateInput.self, req)
        let view = try await req.accounts.create(input.record, password: input.password, by: req.actor)
        let response = try await view.encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/users/\(view.id)")
        return response
    }

    @Sendable func get(_ req: Request) async throws -> UserRecord.View {
        try await Records<UserRecord>(req.store).get(RecordController<UserRecord>.id(req))
    }

    @Sendable func update(_ req: Request) async throws -> UserRecord.View {
        let id = try RecordController<UserRecord>.id(req)
        let body = try JSONBody.object(req)
        let version = try JSONBody.expectedVersion(req, body: body)
        let patch = try JSONSerialization.data(withJSONObject: body)
        return try await req.accounts.update(id, expectedVersion: version, by: req.actor) { current in
            try JSONBody.merge(current, patch: patch)
        }
    }

    @Sendable func archive(_ req: Request) async throws -> UserRecord.View {
        try await req.accounts.archive(RecordController<UserRecord>.id(req), by: req.actor)
    }

    @Sendable func audit(_ req: Request) async throws -> Page<AuditEntry> {
        try await Records<UserRecord>(req.store).audit(
            RecordController<UserRecord>.id(req), page: QueryReader(req: req).page())
    }

    @Sendable func disable(_ req: Request) async throws -> UserRecord.View {
        try await req.accounts.setDisabled(RecordController<UserRecord>.id(req), true, by: req.actor)
    }

    @Sendable func enable(_ req: Request) async throws -> UserRecord.View {
        try await req.accounts.setDisabled(RecordController<UserRecord>.id(req), false, by: req.actor)
    }

    struct ResetLink: Content {
        /// The one-time path to open in a browser (valid 24 hours, once).
        var path: String
        var expiresInSeconds: Int
    }

    @Sendable func resetLink(_ req: Request) async throws -> Response {
        let token = try await req.accounts.issueReset(for: RecordController<UserRecord>.id(req), by: req.actor)
        return try await ResetLink(path: "/reset/\(token)", expiresInSeconds: Int(Accounts.resetLifetime))
            .encodeResponse(status: .created, for: req)
    }
}

extension UserRecord.View: Content {}
extension AccessTokenView: Content {}
