import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import AftercareServer

/// Runs `body` against a fresh, migrated server on the given database.
func withTestApp(
    _ database: TestDatabase, adjust: (inout AppConfig) -> Void = { _ in },
    _ body: (Application) async throws -> Void
) async throws {
    var drop: (@Sendable () async throws -> Void)?
    var config: AppConfig
    switch database {
    case .sqlite:
        config = AppConfig(database: .sqliteMemory, bcryptCost: 4)
    case .postgres:
        let created = try await TestDatabase.createPostgresDatabase()
        drop = created.drop
        config = AppConfig(database: .postgres(url: created.url), bcryptCost: 4)
    }
    adjust(&config)
    do {
        try await withApp(
            configure: { app in
                try await configure(app, config: config)
                try await app.autoMigrate()
                app.storage[AdminTokenKey.self] = try await makeTestAdmin(app)
            },
            { app in try await body(app) })
    } catch {
        try await drop?()
        throw error
    }
    try await drop?()
}

struct AdminTokenKey: StorageKey {
    typealias Value = String
}

/// An administrator at a root unit of its own (so it sees everything), with a personal access token.
func makeTestAdmin(_ app: Application) async throws -> String {
    let root = try await Records<OrgUnitRecord>(app.store).create(
        .init(code: "TEST-ROOT", name: "Test root", kind: .headquarters), by: .system)
    return try await makeUser(app, "testadmin", roles: [.administrator], unit: root.id).token
}

/// A user with a password (`password-123`) and a personal access token with all its roles.
@discardableResult
func makeUser(
    _ app: Application, _ username: String, roles: [Role], unit: Int, customer: Int? = nil,
    displayName: String? = nil
) async throws -> (user: UserRecord.View, token: String) {
    let accounts = Accounts(app.store, hasher: app.storage[AuthSettingsKey.self]!.hasher)
    let user = try await accounts.create(
        .init(
            username: username, displayName: displayName ?? username, roles: roles, orgUnitId: unit,
            customerId: customer),
        password: "password-123", by: .system)
    let principal = try await accounts.principal(sessionToken: try await signIn(app, username))!
    let token = try await accounts.createToken(for: principal, name: "test", roles: nil, expiresInDays: nil)
    return (user, token.secret)
}

/// Signs `username` in with the test password; returns the session token.
func signIn(_ app: Application, _ username: String) async throws -> String {
    let accounts = Accounts(app.store, hasher: app.storage[AuthSettingsKey.self]!.hasher)
    guard
        case .signedIn(_, let token) = try await accounts.signIn(
            login: username, password: "password-123", address: "test")
    else { throw Abort(.unauthorized) }
    return token
}

extension Application {
    /// Sends a request with a bearer token: the test administrator's unless another is given.
    func api(
        _ method: HTTPMethod, _ path: String, token: String? = nil,
        _ before: (inout TestingHTTPRequest) async throws -> Void = { _ in }
    ) async throws -> TestingHTTPResponse {
        let bearer = token ?? storage[AdminTokenKey.self]!
        return try await testing().sendRequest(method, path) { request in
            request.headers.bearerAuthorization = BearerAuthorization(token: bearer)
            try await before(&request)
        }
    }
}

extension TestingHTTPRequest {
    /// Sets a raw JSON body.
    mutating func json(_ text: String) {
        headers.contentType = .json
        body = ByteBuffer(string: text)
    }
}

extension TestingHTTPResponse {
    var errorBody: APIErrorBody? { try? JSONDecoder().decode(APIErrorBody.self, from: Data(body.readableBytesView)) }
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
    }
}

/// A signed-in browser: a session cookie and its CSRF token.
struct Browser {
    let app: Application
    let session: String
    let csrf: String

    static func signIn(_ app: Application, _ username: String) async throws -> Browser {
        let session = try await AftercareServerTests.signIn(app, username)
        let accounts = Accounts(app.store, hasher: app.storage[AuthSettingsKey.self]!.hasher)
        let principal = try await accounts.principal(sessionToken: session)!
        return Browser(app: app, session: session, csrf: principal.csrfToken!)
    }

    func get(_ path: String, headers: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(.GET, path) { request in
            request.headers.cookie = [Cookies.session: .init(string: session)]
            for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        }
    }

    /// Posts a form, with the CSRF token unless `csrf` is false. A refused form answers `303` to its page's own
    /// address with the refusal kept (post/redirect/get): as a browser does, the redirect is followed, and the page
    /// it shows is returned.
    func post(
        _ path: String, _ fields: [(String, String)] = [], csrf: Bool = true, headers: HTTPHeaders = [:]
    ) async throws -> TestingHTTPResponse {
        let posted = try await app.testing().sendRequest(.POST, path) { request in
            request.headers.cookie = [Cookies.session: .init(string: session)]
            for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
            request.headers.contentType = .urlEncodedForm
            let all = (csrf ? [(CSRF.field, self.csrf)] : []) + fields
            request.body = ByteBuffer(string: formBody(all))
        }
        guard posted.status == .seeOther, let kept = posted.headers.setCookie?[FormReturn.cookie],
            let location = posted.headers.first(name: .location)
        else { return posted }
        return try await app.testing().sendRequest(.GET, location) { request in
            for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
            request.headers.cookie = [Cookies.session: .init(string: session), FormReturn.cookie: kept]
        }
    }
}

/// A pre-sign-in CSRF token as the server issues it (the double-submit cookie of the sign-in page).
func preSignInCSRF(_ app: Application) async throws -> String {
    let page = try await app.testing().sendRequest(.GET, "/login")
    return page.headers.setCookie?[Cookies.csrf]?.string ?? ""
}

/// Posts a form before signing in, with a server-issued CSRF token (and its cookie) and any other cookies.
func postSignedOut(
    _ app: Application, _ path: String, _ fields: [(String, String)], cookies: [String: String] = [:],
    csrf given: String? = nil
) async throws -> TestingHTTPResponse {
    let csrf: String
    if let given { csrf = given } else { csrf = try await preSignInCSRF(app) }
    return try await app.testing().sendRequest(.POST, path) { req in
        req.headers.contentType = .urlEncodedForm
        var jar: HTTPCookies = [Cookies.csrf: .init(string: csrf)]
        for (name, value) in cookies { jar[name] = .init(string: value) }
        req.headers.cookie = jar
        req.body = ByteBuffer(string: formBody([("_csrf", csrf)] + fields))
    }
}

/// `a=1&b=x%20y`, encoded as a browser does.
func formBody(_ fields: [(String, String)]) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return fields.map {
        "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)"
    }.joined(separator: "&")
}

/// Two branches, each with a customer, a unit and an open request, and a customer account for each customer.
struct TwoBranches {
    var fixture: Fixture
    var south: OrgUnitRecord.View
    var southCustomer: CustomerRecord.View
    var southUnit: UnitRecord.View
    var eastRequest: ServiceRequestView
    var southRequest: ServiceRequestView

    static let southFault = "南方独有的故障描述 ZX-SOUTH-ONLY"

    static func make(_ app: Application) async throws -> TwoBranches {
        let store = app.store
        let fixture = try await Fixture.make(store)
        let south = try await Records<OrgUnitRecord>(store).create(
            .init(code: "BR-SC", name: "华南分公司", kind: .branch, parentId: fixture.headquarters.id), by: .system)
        let southCustomer = try await Records<CustomerRecord>(store).create(
            .init(
                orgUnitId: south.id, name: "广州南方客户", contacts: [Contact(name: "陈工", phones: ["139-2000-3000"])]),
            by: .system)
        let southUnit = try await Records<UnitRecord>(store).create(
            .init(serialNumber: "SN-SOUTH-1", modelId: fixture.model.id, customerId: southCustomer.id), by: .system)
        let requests = ServiceRequests(store)
        let east = try await requests.register(
            .init(
                customerId: fixture.customer.id, unitIds: [fixture.unit.id], channel: .phone, type: .repair,
                faultDescription: "华东的故障"), by: .system)
        let southRequest = try await requests.register(
            .init(
                customerId: southCustomer.id, contactPhone: "13920003000", unitIds: [southUnit.id], channel: .phone,
                type: .repair, faultDescription: southFault), by: .system)
        return TwoBranches(
            fixture: fixture, south: south, southCustomer: southCustomer, southUnit: southUnit, eastRequest: east,
            southRequest: southRequest)
    }
}
