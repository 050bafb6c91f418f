import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import Logging
import Testing
import Vapor
import VaporTesting

@testable import AftercareServer

/// Collects every log line of the application, to check what never reaches it.
final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ line: String) { lock.withLock { lines.append(line) } }
    var text: String { lock.withLock { lines.joined(separator: "\n") } }
}

struct CapturingLogHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        capture.add("\(event.level) \(event.message) \(all.map { "\($0)=\($1)" }.sorted().joined(separator: " "))")
    }
}

@Suite("Pages: escaping, CSRF, logs")
struct PageTests {
    static let payload = #"<script>alert('x')</script>"><img src=x onerror=alert(1)>"#

    static func assertEscaped(_ body: String, _ page: String) {
        #expect(!body.contains("<script>alert"), "\(page) has a raw script")
        #expect(!body.contains("<img src=x"), "\(page) has a raw img")
        #expect(body.contains("&lt;script&gt;alert("), "\(page) does not show the escaped text")
    }

    @Test(
        "stored script and HTML in every writable text field come back escaped on every page and the printable form",
        arguments: TestDatabase.all)
    func storedXSS(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given: the payload in names, contacts, addresses, unit site, request texts, notes and a user's name
            let p = Self.payload
            let store = app.store
            let fixture = try await Fixture.make(store)
            let customer = try await Records<CustomerRecord>(store).create(
                .init(
                    orgUnitId: fixture.branch.id, name: "客户 " + p,
                    contacts: [Contact(name: "联系人 " + p, phones: ["13800001111"], email: nil, role: p)],
                    addresses: [Address(label: p, text: "地址 " + p)], notes: p), by: .system)
            let unit = try await Records<UnitRecord>(store).create(
                .init(
                    serialNumber: "SN-XSS-1", modelId: fixture.model.id, customerId: customer.id, siteAddress: "现场 " + p
                ),
                by: .system)
            let request = try await ServiceRequests(store).register(
                .init(
                    customerId: customer.id, contactName: "报修人 " + p, unitIds: [unit.id], channel: .phone,
                    type: .repair,
                    faultDescription: "故障 " + p, customerRequest: "诉求 " + p, preferredTime: "时间 " + p), by: .system)
            _ = try await ServiceRequests(store).post(
                .init(event: .triage, note: "备注 " + p), to: request.id, by: .system)
            let admin = try await makeUser(app, "xss.admin", roles: [.administrator], unit: fixture.headquarters.id)
            _ = try await Accounts(store, hasher: app.storage[AuthSettingsKey.self]!.hasher).update(
                admin.user.id, expectedVersion: admin.user.version, by: .system
            ) { input in
                var changed = input
                changed.displayName = "管理员 " + p
                return changed
            }
            try await makeUser(app, "xss.customer", roles: [.customer], unit: fixture.branch.id, customer: customer.id)
            // when / then
            let staff = try await Browser.signIn(app, "xss.admin")
            for path in [
                "/", "/requests", "/requests/\(request.id)", "/requests/\(request.id)/print",
                "/requests/\(request.id)/print?lang=en", "/customers/\(customer.id)", "/units/\(unit.id)",
                "/requests/new?customerId=\(customer.id)", "/admin/users", "/admin/users/\(admin.user.id)", "/account",
                "/requests/new?customerQuery=%E5%AE%A2%E6%88%B7",
            ] {
                let response = try await staff.get(path)
                #expect(response.status == .ok, "\(path)")
                Self.assertEscaped(response.body.string, path)
            }
            let portal = try await Browser.signIn(app, "xss.customer")
            for path in ["/portal", "/portal/requests/\(request.id)", "/portal/requests/new"] {
                let response = try await portal.get(path)
                #expect(response.status == .ok, "\(path)")
                #expect(!response.body.string.contains("<script>alert"), "\(path)")
                #expect(!response.body.string.contains("<img src=x"), "\(path)")
            }
            // and the portal never shows the internal note
            #expect(!(try await portal.get("/portal/requests/\(request.id)")).body.string.contains("备注"))
        }
    }

    @Test("every state-changing form without a valid token is refused and changes nothing", arguments: TestDatabase.all)
    func csrf(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given
            let fixture = try await Fixture.make(app.store)
            try await makeUser(app, "csrf.admin", roles: [.administrator], unit: fixture.headquarters.id)
            let browser = try await Browser.signIn(app, "csrf.admin")
            func counts() async throws -> [Int] {
                var result: [Int] = []
                for table in ["service_requests", "customers", "users", "api_tokens", "audit_log", "password_resets"] {
                    result.append(
                        try await app.store.sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first(
                            decodingColumn: "n", as: Int.self)!)
                }
                return result
            }
            let before = try await counts()
            let forms: [(String, [(String, String)])] = [
                (
                    "/requests",
                    [
                        ("customerId", "\(fixture.customer.id)"), ("channel", "phone"), ("type", "repair"),
                        ("faultDescription", "x"),
                    ]
                ),
                ("/requests/new/customer", [("name", "新客户"), ("kind", "company")]),
                ("/account/tokens", [("name", "t")]),
                (
                    "/admin/users",
                    [
                        ("username", "sneaky"), ("displayName", "S"), ("roles", "dispatcher"),
                        ("orgUnitId", "\(fixture.branch.id)"),
                    ]
                ),
                ("/language", [("lang", "es")]), ("/logout", []),
            ]
            let postRoutes = app.routes.all.filter { $0.method == .POST && $0.path.first?.description != "api" }
            // when: every POST page route, without a token and with a wrong one
            for route in postRoutes {
                let path =
                    "/"
                    + route.path.map { if case .parameter = $0 { "1" } else { $0.description } }.joined(separator: "/")
                let fields = forms.first { $0.0 == path }?.1 ?? []
                let missing = try await browser.post(path, fields, csrf: false)
                #expect(missing.status == .forbidden, "\(path) without a token: \(missing.status.code)")
                let wrong = try await browser.post(path, [("_csrf", "wrong-token")] + fields, csrf: false)
                #expect(wrong.status == .forbidden, "\(path) with a wrong token: \(wrong.status.code)")
            }
            // then
            #expect(try await counts() == before)
            #expect(try await browser.get("/account").status == .ok, "the session survived: /logout was refused too")
            // and the sign-in form needs its double-submit token
            let login = try await app.testing().sendRequest(.POST, "/login") { req in
                req.headers.contentType = .urlEncodedForm
                req.body = ByteBuffer(string: formBody([("login", "csrf.admin"), ("password", "password-123")]))
            }
            #expect(login.status == .forbidden)
        }
    }

    @Test("logs never contain passwords, tokens, session ids, reset links or full phone numbers")
    func logsStayClean() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let capture = LogCapture()
            app.logger = Logger(label: "test") { _ in CapturingLogHandler(capture: capture) }
            let fixture = try await Fixture.make(app.store)
            let made = try await makeUser(
                app, "log.agent", roles: [.hotlineAgent, .administrator], unit: fixture.headquarters.id)
            // when: a sign-in through the form, a registration with a phone, a token, a reset link used
            let loginPage = try await app.testing().sendRequest(.GET, "/login")
            let csrf = loginPage.headers.setCookie?[Cookies.csrf]?.string ?? ""
            let signedIn = try await app.testing().sendRequest(.POST, "/login") { req in
                req.headers.contentType = .urlEncodedForm
                req.headers.cookie = [Cookies.csrf: .init(string: csrf)]
                req.body = ByteBuffer(
                    string: formBody([("_csrf", csrf), ("login", "log.agent"), ("password", "password-123")]))
            }
            let session = signedIn.headers.setCookie?[Cookies.session]?.string ?? ""
            _ = try await app.testing().sendRequest(.POST, "/login") { req in
                req.headers.contentType = .urlEncodedForm
                req.headers.cookie = [Cookies.csrf: .init(string: csrf)]
                req.body = ByteBuffer(
                    string: formBody([("_csrf", csrf), ("login", "log.agent"), ("password", "wrong-secret-77")]))
            }
            _ = try await app.api(.POST, "/api/v1/service-requests", token: made.token) {
                $0.json(
                    #"{"customerId":\#(fixture.customer.id),"contactPhone":"13812345678","channel":"phone","type":"repair","faultDescription":"x"}"#
                )
            }
            _ = try await app.api(.GET, "/api/v1/service-requests?phone=13812345678", token: made.token)
            let reset =
                try await app.api(.POST, "/api/v1/users/\(made.user.id)/reset-link", token: made.token).json["path"]
                as? String ?? ""
            _ = try await app.testing().sendRequest(.GET, reset)
            _ = try await app.api(.GET, "/api/v1/me", token: "act_not-a-real-token")
            // then
            let log = capture.text
            #expect(!log.isEmpty)
            for secret in [
                "password-123", "wrong-secret-77", made.token, session, String(reset.dropFirst(7)), "13812345678", csrf,
            ] where !secret.isEmpty {
                #expect(!log.contains(secret), "the log contains a secret: \(secret.prefix(4))…")
            }
            #expect(log.contains("/reset/:token"), "requests are logged by route pattern")
            #expect(log.contains("138****5678"), "the caller's phone is logged masked")
        }
    }
}
