import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import NIOCore
import Testing
import Vapor
import VaporTesting

@testable import AftercareServer

/// Issue 12: what an attacker found, each with a test that failed before the fix.
@Suite("Security findings: reset links, redirects, password checks, paths, bodies, proxies (issue 12)")
struct SecurityFindingsTests {
    func accounts(_ app: Application) -> Accounts {
        Accounts(app.store, hasher: app.storage[AuthSettingsKey.self]!.hasher)
    }

    func resetToken(_ app: Application, user: Int) async throws -> String {
        let issued = try await app.api(.POST, "/api/v1/users/\(user)/reset-link")
        #expect(issued.status == .created)
        return String((issued.json["path"] as? String ?? "").dropFirst("/reset/".count))
    }

    // MARK: 1. Stale reset links

    @Test(
        "a newer reset link revokes the older one, and the older one neither opens nor sets a password",
        arguments: TestDatabase.all)
    func newerLinkRevokesOlder(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given
            let fixture = try await Fixture.make(app.store)
            let made = try await makeUser(app, "forgetful", roles: [.dispatcher], unit: fixture.branch.id)
            let first = try await resetToken(app, user: made.user.id)
            let second = try await resetToken(app, user: made.user.id)
            // when
            let firstPage = try await app.testing().sendRequest(.GET, "/reset/\(first)")
            let firstUse = try await postSignedOut(
                app, "/reset/\(first)", [("newPassword", "taken-over-1"), ("confirmPassword", "taken-over-1")])
            let secondUse = try await postSignedOut(
                app, "/reset/\(second)", [("newPassword", "rightful-1x"), ("confirmPassword", "rightful-1x")])
            // then
            #expect(firstPage.status == .notFound)
            #expect(firstUse.status == .notFound)
            #expect(secondUse.status == .seeOther)
            #expect(
                try await accounts(app).signIn(login: "forgetful", password: "taken-over-1", address: "r") == .refused)
            guard
                case .signedIn = try await accounts(app).signIn(
                    login: "forgetful", password: "rightful-1x", address: "r")
            else {
                Issue.record("the newest link should have set the password")
                return
            }
            // and only digests are stored
            let stored = try await app.store.sql.raw("SELECT token_hash FROM password_resets").all(
                decodingColumn: "token_hash", as: String.self)
            #expect(stored.count == 2)
            #expect(!stored.contains(first) && !stored.contains(second))
            #expect(Set(stored) == [Secret.digest(first), Secret.digest(second)])
        }
    }

    @Test(
        "a link dies when the password changes by any path and when the account is disabled",
        arguments: TestDatabase.all)
    func passwordChangeAndDisableRevoke(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given
            let fixture = try await Fixture.make(app.store)
            let made = try await makeUser(app, "victim", roles: [.dispatcher], unit: fixture.branch.id)
            // when: the user changes their own password after a link was issued
            let beforeOwnChange = try await resetToken(app, user: made.user.id)
            let browser = try await Browser.signIn(app, "victim")
            let changed = try await browser.post(
                "/account/password",
                [
                    ("currentPassword", "password-123"), ("newPassword", "victims-new-1"),
                    ("confirmPassword", "victims-new-1"),
                ])
            #expect(changed.status == .seeOther)
            // then
            #expect(try await app.testing().sendRequest(.GET, "/reset/\(beforeOwnChange)").status == .notFound)
            await #expect(throws: ResetLinkInvalid.self) {
                try await accounts(app).consumeReset(beforeOwnChange, newPassword: "taken-over-2")
            }
            // when: an administrator sets the password after a link was issued
            let beforeAdminSet = try await resetToken(app, user: made.user.id)
            try await accounts(app).setPassword(made.user.id, to: "admin-set-pass-3", by: .system)
            // then
            #expect(try await accounts(app).resetTarget(beforeAdminSet) == nil)
            // when: the account is disabled after a link was issued, and enabled again
            let beforeDisable = try await resetToken(app, user: made.user.id)
            _ = try await accounts(app).setDisabled(made.user.id, true, by: Actor(name: "testadmin"))
            let whileDisabled = try await app.testing().sendRequest(.GET, "/reset/\(beforeDisable)")
            _ = try await accounts(app).setDisabled(made.user.id, false, by: Actor(name: "testadmin"))
            // then: the link stays dead
            #expect(whileDisabled.status == .notFound)
            await #expect(throws: ResetLinkInvalid.self) {
                try await accounts(app).consumeReset(beforeDisable, newPassword: "taken-over-4")
            }
            guard
                case .signedIn = try await accounts(app).signIn(
                    login: "victim", password: "admin-set-pass-3", address: "r")
            else {
                Issue.record("the administrator's password should still be the one that works")
                return
            }
        }
    }

    // MARK: 2, 3. Open redirect and header injection

    @Test("after sign-in and the language switch, a next target that is not a local path goes home")
    func openRedirect() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let fixture = try await Fixture.make(app.store)
            try await makeUser(app, "redirected", roles: [.dispatcher], unit: fixture.branch.id)
            // when
            let form = try await app.testing().sendRequest(.GET, "/login?next=/%09/evil.example/x")
            let signedIn = try await postSignedOut(
                app, "/login", [("login", "redirected"), ("password", "password-123"), ("next", "/\t/evil.example/x")])
            let carriageReturn = try await postSignedOut(
                app, "/language", [("lang", "en"), ("next", "/\rSet-Cookie: evil=1")])
            let tab = try await postSignedOut(app, "/language", [("lang", "en"), ("next", "/\t/evil.example/x")])
            let kept = try await postSignedOut(
                app, "/language", [("lang", "en"), ("next", "/requests?status=triaged")])
            // then
            #expect(form.status == .ok)
            #expect(!form.body.string.contains("evil.example"))
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers.first(name: .location) == Landing.for([.dispatcher]).path, "the dispatcher's home")
            #expect(carriageReturn.headers.first(name: .location) == "/")
            #expect(carriageReturn.headers[.setCookie].allSatisfy { !$0.contains("evil") })
            #expect(tab.headers.first(name: .location) == "/")
            #expect(kept.headers.first(name: .location) == "/requests?status=triaged")
        }
    }

    // MARK: 4. The current-password check is throttled

    @Test(
        "wrong current passwords lock the check like sign-in: the right one is then refused and the owner is told",
        arguments: TestDatabase.all)
    func currentPasswordThrottled(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given
            let fixture = try await Fixture.make(app.store)
            let made = try await makeUser(app, "owner", roles: [.dispatcher], unit: fixture.branch.id)
            let thief = try await Browser.signIn(app, "owner")
            // when: twelve wrong guesses, then the right password
            var statuses: [HTTPResponseStatus] = []
            for i in 1...12 {
                let answer = try await thief.post(
                    "/account/password",
                    [
                        ("currentPassword", "guess-\(i)-xyz"), ("newPassword", "stolen-acct-1"),
                        ("confirmPassword", "stolen-acct-1"),
                    ])
                statuses.append(answer.status)
            }
            let right = try await thief.post(
                "/account/password",
                [
                    ("currentPassword", "password-123"), ("newPassword", "stolen-acct-1"),
                    ("confirmPassword", "stolen-acct-1"),
                ])
            // then
            #expect(statuses.prefix(4).allSatisfy { $0 == .unprocessableEntity })
            #expect(statuses.dropFirst(4).allSatisfy { $0 == .tooManyRequests })
            #expect(right.status == .tooManyRequests)
            if case .signedIn = try await accounts(app).signIn(login: "owner", password: "stolen-acct-1", address: "o")
            {
                Issue.record("the thief's password must not have been set")
            }
            let inbox = try await Inbox(store: app.store, userId: made.user.id).list(
                unreadOnly: true, page: PageRequest(limit: 50))
            #expect(inbox.items.map(\.kind) == [.accountLocked])
            // and the owner's session still works: nothing was changed
            #expect(try await thief.get("/account").status == .ok)
        }
    }

    // MARK: 5. Long and odd paths

    @Test("long paths answer 414 or 404 before the file system is asked, on pages and the API")
    func longPaths() async throws {
        try await withTestApp(.sqlite) { app in
            let cases: [(String, HTTPResponseStatus)] = [
                ("/" + String(repeating: "a", count: 256), .notFound),
                ("/css/" + String(repeating: "a", count: 300) + ".css", .notFound),
                ("/reset/" + String(repeating: "a", count: 5000), .uriTooLong),
                ("/api/v1/customers/" + String(repeating: "a", count: 5000), .uriTooLong),
                ("/css/app.css/x", .notFound),
                ("/css/app.css/", .notFound),
                ("/js/app.js/..", .notFound),
                ("/css/app.css", .ok),
            ]
            for (path, expected) in cases {
                let answer = try await app.testing().sendRequest(.GET, path)
                #expect(answer.status == expected, "\(path.prefix(40))… answered \(answer.status)")
            }
            let api = try await app.testing().sendRequest(
                .GET, "/api/v1/customers/" + String(repeating: "a", count: 5000))
            #expect(api.errorBody?.error.code == "uri_too_long")
        }
    }

    @Test("random long and odd paths never answer 5xx")
    func randomPathsNever5xx() async throws {
        try await withTestApp(.sqlite) { app in
            // given: random pieces; a failure lists the paths that failed, so it can be replayed
            var random = SystemRandomNumberGenerator()
            let pieces = [
                "a", "..", ".", "%2e%2e", "%00", "%ff", "%", "%2F", "%5C", "css", "js", "api", "v1", "customers",
                "reset", "requests", "1", "-1", "99999999999999999999999", "%E6%89%93", "~", "'", "\"", "<x>",
                ";", "%0d%0a", "app.css", "css/app.css", "js/app.js", "login", "portal", "%c0%ae", "..%2f", "%252e",
            ]
            // when
            var failures: [String] = []
            for _ in 0..<300 {
                let count = Int.random(in: 1...8, using: &random)
                var path = ""
                for _ in 0..<count {
                    var piece = pieces.randomElement(using: &random)!
                    if Int.random(in: 0..<6, using: &random) == 0 {
                        piece = String(repeating: piece, count: Int.random(in: 50...1200, using: &random))
                    }
                    path += "/" + piece
                }
                let method: HTTPMethod = [.GET, .HEAD, .POST][Int.random(in: 0..<3, using: &random)]
                let answer = try await app.testing().sendRequest(method, path)
                if answer.status.code >= 500 { failures.append("\(method) \(path.prefix(80)) → \(answer.status.code)") }
            }
            // then
            #expect(failures.isEmpty, "\(failures.prefix(5))")
        }
    }

    // MARK: 6. Number and string decoding errors name the field

    @Test(
        "a fractional or huge integer and a lone surrogate name the field and say why",
        arguments: [
            (#""customerId": 2.5"#, "customerId", "integer"),
            (#""customerId": 12345678901234567890123456"#, "customerId", "too large"),
            (#""customerId": 1, "faultDescription": "\ud800""#, "faultDescription", "Unicode"),
            (#""customerId": 1, "faultDescription": "ok\udc00""#, "faultDescription", "Unicode"),
        ])
    func decodingErrorsNameTheField(body: String, field: String, reason: String) async throws {
        try await withTestApp(.sqlite) { app in
            // when
            let answer = try await app.api(.POST, "/api/v1/service-requests") {
                $0.json(#"{"# + body + #", "channel": "phone", "type": "repair"}"#)
            }
            // then
            #expect(answer.status == .badRequest)
            let fields = answer.errorBody?.error.fields ?? [:]
            #expect(fields.keys.sorted() == [field], "\(answer.body.string)")
            #expect(fields[field]?.message.contains(reason) == true, "\(answer.body.string)")
        }
    }

    // MARK: 7. Behind a reverse proxy

    @Test("the configured forwarding header names the client only when the peer is a trusted proxy")
    func trustedProxies() async throws {
        let proxies = try TrustedProxies.parse("127.0.0.1")
        let behindProxy: (inout AppConfig) -> Void = { $0.trustedProxies = proxies }
        try await withTestApp(.sqlite, adjust: behindProxy) { app in
            func request(peer: String, headers: HTTPHeaders) throws -> Request {
                Request(
                    application: app, method: .GET, url: "/", headers: headers,
                    remoteAddress: try SocketAddress(ipAddress: peer, port: 40000), on: app.eventLoopGroup.next())
            }
            // when
            let forwarded = try request(peer: "127.0.0.1", headers: ["X-Forwarded-For": "198.51.100.7"])
            let spoofed = try request(
                peer: "127.0.0.1", headers: ["Forwarded": "for=192.0.2.66", "X-Forwarded-For": "198.51.100.8"])
            let untrusted = try request(peer: "203.0.113.5", headers: ["X-Forwarded-For": "198.51.100.7"])
            let proxiedTLS = try request(peer: "127.0.0.1", headers: ["X-Forwarded-Proto": "https"])
            let claimedTLS = try request(peer: "203.0.113.5", headers: ["X-Forwarded-Proto": "https"])
            // then
            #expect(forwarded.clientAddress == "198.51.100.7")
            #expect(spoofed.clientAddress == "198.51.100.8", "a Forwarded header passed through is not read")
            #expect(untrusted.clientAddress == "203.0.113.5")
            #expect(proxiedTLS.isSecure)
            #expect(!claimedTLS.isSecure)
        }
    }

    @Test(
        "one person guessing from a shared address does not lock out colleagues whose browsers signed in before",
        arguments: TestDatabase.all)
    func sharedAddressLockout(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given: every in-memory test request shares one address, like users behind one proxy
            let fixture = try await Fixture.make(app.store)
            let colleagueUser = try await makeUser(app, "colleague", roles: [.dispatcher], unit: fixture.branch.id)
            let first = try await makeUser(app, "firsttimer", roles: [.dispatcher], unit: fixture.branch.id)
            let earlier = try await postSignedOut(
                app, "/login", [("login", "colleague"), ("password", "password-123")])
            let device = earlier.headers.setCookie?[Cookies.device]?.string ?? ""
            #expect(!device.isEmpty)
            // when: 21 wrong sign-ins from the same address
            for i in 1...21 {
                _ = try await postSignedOut(app, "/login", [("login", "guess\(i)"), ("password", "guess-guess")])
            }
            let colleague = try await postSignedOut(
                app, "/login", [("login", "colleague"), ("password", "password-123")],
                cookies: [Cookies.device: device])
            // a cookie naming firsttimer with a MAC the server did not make
            let forged = try await postSignedOut(
                app, "/login", [("login", "firsttimer"), ("password", "password-123")],
                cookies: [Cookies.device: "\(first.user.id)-99999999999.bm90LWEtcmVhbC1tYWM"])
            // the colleague's genuine cookie, used to sign in as someone else
            let borrowed = try await postSignedOut(
                app, "/login", [("login", "firsttimer"), ("password", "password-123")],
                cookies: [Cookies.device: device])
            // then
            #expect(colleague.status == .seeOther)
            #expect(forged.status == .tooManyRequests)
            #expect(borrowed.status == .tooManyRequests)
            #expect(colleagueUser.user.id != first.user.id)
        }
    }

    @Test(
        "parallel guesses cannot all pass the lock: at most five passwords are compared per account",
        arguments: TestDatabase.all)
    func parallelGuesses(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given
            let fixture = try await Fixture.make(app.store)
            try await makeUser(app, "besieged", roles: [.dispatcher], unit: fixture.branch.id)
            let count = ComparisonCount()
            let counting = Accounts(
                app.store, hasher: CountingHasher(inner: app.storage[AuthSettingsKey.self]!.hasher, count: count))
            let session = try await AftercareServerTests.signIn(app, "besieged")
            let principal = try #require(try await counting.principal(sessionToken: session))
            let before = await count.value
            // when: 24 sign-ins and 24 current-password checks, all wrong, all at once
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<24 {
                    group.addTask {
                        _ = try await counting.signIn(
                            login: "besieged", password: "guess-\(i)-abc", address: "198.51.100.\(i)")
                    }
                    group.addTask {
                        _ = try? await counting.changeOwnPassword(
                            principal, current: "guess-\(i)-xyz", new: "stolen-pass-1")
                    }
                }
                try await group.waitForAll()
            }
            // then: the one account key allows five comparisons whichever way they come
            let compared = await count.value - before
            #expect(compared <= 5, "\(compared) comparisons")
            #expect(compared >= 1)
        }
    }

    @Test("before sign-in, a form posted from another site is refused even with a genuine planted token")
    func crossSiteSignIn() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let fixture = try await Fixture.make(app.store)
            try await makeUser(app, "planted", roles: [.dispatcher], unit: fixture.branch.id)
            let genuine = try await preSignInCSRF(app)
            func post(_ headers: [(String, String)]) async throws -> TestingHTTPResponse {
                try await app.testing().sendRequest(.POST, "/login") { req in
                    req.headers.contentType = .urlEncodedForm
                    req.headers.cookie = [Cookies.csrf: .init(string: genuine)]
                    for (name, value) in headers { req.headers.replaceOrAdd(name: name, value: value) }
                    req.body = ByteBuffer(
                        string: formBody([("_csrf", genuine), ("login", "planted"), ("password", "password-123")]))
                }
            }
            // when
            let crossSite = try await post([("Sec-Fetch-Site", "cross-site")])
            let sameSiteOtherHost = try await post([("Sec-Fetch-Site", "same-site")])
            let otherOrigin = try await post([("Origin", "https://evil.example"), ("Host", "service.example")])
            let sameOrigin = try await post([("Sec-Fetch-Site", "same-origin")])
            // then
            #expect(crossSite.status == .forbidden)
            #expect(sameSiteOtherHost.status == .forbidden)
            #expect(otherOrigin.status == .forbidden)
            #expect(sameOrigin.status == .seeOther)
        }
    }

    @Test("a pre-sign-in token expires after twelve hours and is never a device cookie")
    func signedTokenLifetimes() {
        let signing = SignedTokens(key: SymmetricKey(size: .bits256))
        let now = Date()
        let token = signing.makeCSRF(now: now)
        #expect(signing.isCSRF(token, now: now.addingTimeInterval(11 * 3600)))
        #expect(!signing.isCSRF(token, now: now.addingTimeInterval(13 * 3600)))
        #expect(!signing.isCSRF(token + "x", now: now))
        #expect(!SignedTokens(key: SymmetricKey(size: .bits256)).isCSRF(token, now: now))
        #expect(signing.deviceUser(token, now: now) == nil)
        let device = signing.device(userId: 7, expires: now.addingTimeInterval(60))
        #expect(signing.deviceUser(device, now: now) == 7)
        #expect(signing.deviceUser(device, now: now.addingTimeInterval(120)) == nil)
        #expect(!signing.isCSRF(device, now: now))
    }

    // MARK: 8. The smaller findings

    @Test(
        "idempotency keys belong to their user: another user's key neither replays nor reveals",
        arguments: TestDatabase.all)
    func idempotencyPerUser(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given
            let fixture = try await Fixture.make(app.store)
            let other = try await makeUser(app, "other.agent", roles: [.hotlineAgent], unit: fixture.headquarters.id)
            func register(_ token: String?, _ fault: String) async throws -> TestingHTTPResponse {
                try await app.api(.POST, "/api/v1/service-requests", token: token) {
                    $0.headers.replaceOrAdd(name: "Idempotency-Key", value: "shared-key-1")
                    $0.json(
                        #"{"customerId":\#(fixture.customer.id),"unitIds":[\#(fixture.unit.id)],"channel":"phone","type":"repair","faultDescription":"\#(fault)"}"#
                    )
                }
            }
            // when
            let first = try await register(nil, "卡纸")
            let repeated = try await register(nil, "卡纸")
            let otherUser = try await register(other.token, "打印模糊")
            // then
            #expect(first.status == .created)
            #expect(repeated.status == .created)
            #expect(repeated.json["id"] as? Int == first.json["id"] as? Int)
            #expect(otherUser.status == .created, "\(otherUser.body.string)")
            #expect(otherUser.json["id"] as? Int != first.json["id"] as? Int)
        }
    }

    @Test(
        "a CSV import with invalid UTF-8 is refused, naming the line, and writes nothing", arguments: TestDatabase.all)
    func csvInvalidUTF8(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given: a Latin-1 "é" on line 3
            var body = ByteBuffer(string: "partNumber,name,unit,price\nA-1,first,piece,100\nA-2,caf")
            body.writeBytes([0xE9])
            body.writeString(",piece,100\n")
            // when
            let answer = try await app.api(.POST, "/api/v1/parts/import?mode=validRowsOnly") {
                $0.headers.contentType = HTTPMediaType(type: "text", subType: "csv")
                $0.body = body
            }
            // then
            #expect(answer.status == .unprocessableEntity)
            #expect(answer.errorBody?.error.fields.keys.sorted() == ["line 3: file"])
            let count = try await app.store.sql.raw("SELECT COUNT(*) AS n FROM parts").first(
                decodingColumn: "n", as: Int.self)
            #expect(count == 0)
        }
    }

    @Test("before sign-in, a CSRF cookie the client chose is refused; the server's signed one works")
    func signedPreSignInCSRF() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let fixture = try await Fixture.make(app.store)
            try await makeUser(app, "csrf.user", roles: [.dispatcher], unit: fixture.branch.id)
            let chosen = String(repeating: "c", count: 43)
            // when
            let forged = try await app.testing().sendRequest(.POST, "/login") { req in
                req.headers.contentType = .urlEncodedForm
                req.headers.cookie = [Cookies.csrf: .init(string: chosen)]
                req.body = ByteBuffer(
                    string: formBody([("_csrf", chosen), ("login", "csrf.user"), ("password", "password-123")]))
            }
            let issued = try await postSignedOut(app, "/login", [("login", "csrf.user"), ("password", "password-123")])
            // then
            #expect(forged.status == .forbidden)
            #expect(issued.status == .seeOther)
        }
    }

    @Test("over TLS the cookies are named __Host- and Secure, and only that name is read")
    func hostPrefixedCookies() async throws {
        let overTLS: (inout AppConfig) -> Void = { $0.secureCookies = true }
        try await withTestApp(.sqlite, adjust: overTLS) { app in
            // given
            let fixture = try await Fixture.make(app.store)
            try await makeUser(app, "tls.user", roles: [.dispatcher], unit: fixture.branch.id)
            // when
            let page = try await app.testing().sendRequest(.GET, "/login")
            let csrf = page.headers.setCookie?["__Host-" + Cookies.csrf]
            let signedIn = try await app.testing().sendRequest(.POST, "/login") { req in
                req.headers.contentType = .urlEncodedForm
                req.headers.cookie = ["__Host-" + Cookies.csrf: .init(string: csrf?.string ?? "")]
                req.body = ByteBuffer(
                    string: formBody([
                        ("_csrf", csrf?.string ?? ""), ("login", "tls.user"), ("password", "password-123"),
                    ]))
            }
            let session = signedIn.headers.setCookie?["__Host-" + Cookies.session]
            let withPrefix = try await app.testing().sendRequest(.GET, "/account") { req in
                req.headers.cookie = ["__Host-" + Cookies.session: .init(string: session?.string ?? "")]
            }
            let withoutPrefix = try await app.testing().sendRequest(.GET, "/account") { req in
                req.headers.cookie = [Cookies.session: .init(string: session?.string ?? "")]
            }
            // then
            #expect(csrf?.isSecure == true)
            #expect(page.headers.setCookie?[Cookies.csrf] == nil)
            #expect(signedIn.status == .seeOther)
            #expect(session?.isSecure == true && session?.isHTTPOnly == true && session?.path == "/")
            #expect(session?.domain == nil)
            #expect(withPrefix.status == .ok)
            #expect(withoutPrefix.status == .seeOther)
        }
    }
}
