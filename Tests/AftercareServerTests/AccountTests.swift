import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import AftercareServer

/// A real bcrypt hasher that counts its comparisons, to show that unknown users cost one too.
actor ComparisonCount {
    var value = 0
    func add() { value += 1 }
}

struct CountingHasher: AftercareStore.PasswordHasher {
    let inner: any AftercareStore.PasswordHasher
    let count: ComparisonCount
    func hash(_ password: String) async throws -> String { try await inner.hash(password) }
    func verify(_ password: String, against hash: String) async throws -> Bool {
        await count.add()
        return try await inner.verify(password, against: hash)
    }
}

@Suite("Accounts: sign-in, lockout, sessions, tokens, resets (R-14.2)")
struct AccountTests {
    func accounts(_ app: Application, _ store: Store? = nil) -> Accounts {
        Accounts(store ?? app.store, hasher: app.storage[AuthSettingsKey.self]!.hasher)
    }

    @Test(
        "an unknown user and a wrong password get the same answer, and both cost a bcrypt comparison",
        arguments: TestDatabase.all)
    func unknownLikeWrong(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given
            let fixture = try await Fixture.make(app.store)
            try await makeUser(app, "li.agent", roles: [.hotlineAgent], unit: fixture.branch.id)
            let count = ComparisonCount()
            let counting = Accounts(
                app.store, hasher: CountingHasher(inner: app.storage[AuthSettingsKey.self]!.hasher, count: count))
            // when
            let wrong = try await counting.signIn(login: "li.agent", password: "not-the-password", address: "a1")
            let unknown = try await counting.signIn(login: "nobody.here", password: "not-the-password", address: "a2")
            // then
            #expect(wrong == .refused)
            #expect(unknown == .refused)
            #expect(await count.value == 2)
            // and over HTTP the two pages are the same but for the user name echoed back
            let csrf = try await preSignInCSRF(app)
            let pageWrong = try await postSignedOut(
                app, "/login", [("login", "li.agent"), ("password", "x-wrong-pass")], csrf: csrf)
            let pageUnknown = try await postSignedOut(
                app, "/login", [("login", "ghost.user"), ("password", "x-wrong-pass")], csrf: csrf)
            #expect(pageWrong.status == .unauthorized)
            #expect(pageUnknown.status == .unauthorized)
            #expect(
                pageWrong.body.string.replacingOccurrences(of: "li.agent", with: "X")
                    == pageUnknown.body.string.replacingOccurrences(of: "ghost.user", with: "X"))
        }
    }

    @Test(
        "five wrong passwords lock the account: even the right one is refused until the lock ends",
        arguments: TestDatabase.all)
    func bruteForce(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given
            let fixture = try await Fixture.make(app.store)
            try await makeUser(app, "target", roles: [.dispatcher], unit: fixture.branch.id)
            let clock = TestClock(Date())
            let store = app.store.withClock(clock.now)
            // when
            for _ in 1...5 {
                _ = try await accounts(app, store).signIn(login: "target", password: "guess-guess", address: "x")
            }
            let locked = try await accounts(app, store).signIn(login: "target", password: "password-123", address: "y")
            clock.advance(61)
            let later = try await accounts(app, store).signIn(login: "target", password: "password-123", address: "y")
            // then
            guard case .locked = locked else {
                Issue.record("expected a lock, got \(locked)")
                return
            }
            guard case .signedIn = later else {
                Issue.record("expected a sign-in after the lock, got \(later)")
                return
            }
        }
    }

    @Test(
        "twenty failures from one address lock it for new browsers, never for a browser the account used before",
        arguments: TestDatabase.all)
    func addressLockout(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given
            let fixture = try await Fixture.make(app.store)
            let innocent = try await makeUser(app, "innocent", roles: [.dispatcher], unit: fixture.branch.id)
            try await makeUser(app, "newcomer", roles: [.dispatcher], unit: fixture.branch.id)
            // when
            for i in 1...20 {
                _ = try await accounts(app).signIn(login: "user\(i)", password: "guess-guess", address: "10.9.9.9")
            }
            let knownBrowser = try await accounts(app).signIn(
                login: "innocent", password: "password-123", address: "10.9.9.9", knownDevice: innocent.user.id)
            let otherAccountsDevice = try await accounts(app).signIn(
                login: "newcomer", password: "password-123", address: "10.9.9.9", knownDevice: innocent.user.id)
            let newBrowser = try await accounts(app).signIn(
                login: "newcomer", password: "password-123", address: "10.9.9.9")
            let elsewhere = try await accounts(app).signIn(
                login: "newcomer", password: "password-123", address: "10.1.1.1")
            // then
            guard case .signedIn = knownBrowser else {
                Issue.record("a browser the account signed in from before is not locked out by the address")
                return
            }
            guard case .locked = otherAccountsDevice, case .locked = newBrowser else {
                Issue.record("another account's device cookie and a new browser stay behind the address lock")
                return
            }
            guard case .signedIn = elsewhere else {
                Issue.record("expected another address to work")
                return
            }
        }
    }

    @Test("disabling an account ends its live session and its tokens at once", arguments: TestDatabase.all)
    func disabledSession(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given
            let fixture = try await Fixture.make(app.store)
            let made = try await makeUser(app, "leaver", roles: [.hotlineAgent], unit: fixture.branch.id)
            let browser = try await Browser.signIn(app, "leaver")
            #expect(try await browser.get("/requests").status == .ok)
            #expect(try await app.api(.GET, "/api/v1/me", token: made.token).status == .ok)
            // when
            let disabled = try await app.api(.POST, "/api/v1/users/\(made.user.id)/disable")
            // then
            #expect(disabled.status == .ok)
            let page = try await browser.get("/requests")
            #expect(page.status == .seeOther)
            #expect(page.headers.first(name: .location)?.hasPrefix("/login") == true)
            #expect(try await app.api(.GET, "/api/v1/me", token: made.token).status == .unauthorized)
            #expect(try await accounts(app).signIn(login: "leaver", password: "password-123", address: "z") == .refused)
        }
    }

    @Test(
        "changing the password ends other sessions and tokens; the new password works, the old does not",
        arguments: TestDatabase.all)
    func changePassword(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let fixture = try await Fixture.make(app.store)
            let made = try await makeUser(app, "mover", roles: [.dispatcher], unit: fixture.branch.id)
            let other = try await Browser.signIn(app, "mover")
            let browser = try await Browser.signIn(app, "mover")
            // a wrong current password changes nothing
            let refused = try await browser.post(
                "/account/password",
                [
                    ("currentPassword", "wrong-one-1"), ("newPassword", "brand-new-pass"),
                    ("confirmPassword", "brand-new-pass"),
                ])
            #expect(refused.status == .unprocessableEntity)
            #expect(try await other.get("/account").status == .ok)
            // the right one changes it
            let changed = try await browser.post(
                "/account/password",
                [
                    ("currentPassword", "password-123"), ("newPassword", "brand-new-pass"),
                    ("confirmPassword", "brand-new-pass"),
                ])
            #expect(changed.status == .seeOther)
            #expect(changed.headers.setCookie?[Cookies.session] != nil)
            #expect(try await other.get("/account").status == .seeOther)
            #expect(try await app.api(.GET, "/api/v1/me", token: made.token).status == .unauthorized)
            #expect(try await accounts(app).signIn(login: "mover", password: "password-123", address: "q") == .refused)
            guard
                case .signedIn = try await accounts(app).signIn(
                    login: "mover", password: "brand-new-pass", address: "q")
            else {
                Issue.record("the new password should work")
                return
            }
        }
    }

    @Test("a reset link works once, and not after a day", arguments: TestDatabase.all)
    func resetLink(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given
            let fixture = try await Fixture.make(app.store)
            let made = try await makeUser(app, "forgetful", roles: [.dispatcher], unit: fixture.branch.id)
            let issued = try await app.api(.POST, "/api/v1/users/\(made.user.id)/reset-link")
            #expect(issued.status == .created)
            let path = issued.json["path"] as? String ?? ""
            let token = String(path.dropFirst("/reset/".count))
            // when
            try await accounts(app).consumeReset(token, newPassword: "after-reset-1")
            // then: the second use is refused, and the page says not found
            await #expect(throws: ResetLinkInvalid.self) {
                try await accounts(app).consumeReset(token, newPassword: "again-reset-2")
            }
            #expect(try await app.testing().sendRequest(.GET, path).status == .notFound)
            guard
                case .signedIn = try await accounts(app).signIn(
                    login: "forgetful", password: "after-reset-1", address: "r")
            else {
                Issue.record("the reset password should work")
                return
            }
            // and a fresh link expires after 24 hours
            let late = try await accounts(app).issueReset(for: made.user.id, by: .system)
            let clock = TestClock(Date().addingTimeInterval(25 * 3600))
            await #expect(throws: ResetLinkInvalid.self) {
                try await accounts(app, app.store.withClock(clock.now)).consumeReset(late, newPassword: "too-late-pass")
            }
        }
    }

    @Test("a token carries only the roles it was given, never more than its user's", arguments: TestDatabase.all)
    func tokenRoles(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let fixture = try await Fixture.make(app.store)
            try await makeUser(app, "both", roles: [.dispatcher, .warehouseKeeper], unit: fixture.branch.id)
            let session = try await signIn(app, "both")
            let principal = try await accounts(app).principal(sessionToken: session)!
            let narrow = try await accounts(app).createToken(
                for: principal, name: "read only", roles: [.warehouseKeeper], expiresInDays: 30)
            await #expect(throws: ValidationError.self) {
                try await accounts(app).createToken(
                    for: principal, name: "too much", roles: [.administrator], expiresInDays: nil)
            }
            let asToken = try await accounts(app).principal(accessToken: narrow.secret)!
            #expect(asToken.roles == [.warehouseKeeper])
            // the narrow token may read requests but not triage them
            #expect(try await app.api(.GET, "/api/v1/service-requests", token: narrow.secret).status == .ok)
            #expect(
                try await app.api(.POST, "/api/v1/customers", token: narrow.secret) { $0.json("{}") }.status
                    == .forbidden)
            // revoked, it stops working
            #expect(
                try await app.api(.POST, "/api/v1/tokens/\(narrow.token.id)/revoke", token: narrow.secret).status
                    == .noContent)
            #expect(try await app.api(.GET, "/api/v1/me", token: narrow.secret).status == .unauthorized)
        }
    }

    @Test(
        "R-9.1: giving a complaint handler a service role is refused, over the API and the CLI's use case",
        arguments: TestDatabase.all)
    func separation(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let fixture = try await Fixture.make(app.store)
            let response = try await app.api(.POST, "/api/v1/users") {
                $0.json(
                    #"{"username":"judge","displayName":"J","roles":["complaintHandler","dispatcher"],"orgUnitId":\#(fixture.headquarters.id)}"#
                )
            }
            #expect(response.status == .unprocessableEntity)
            #expect(response.errorBody?.error.fields["roles"] != nil)
            let made = try await makeUser(app, "judge", roles: [.complaintHandler], unit: fixture.headquarters.id)
            let patched = try await app.api(.PATCH, "/api/v1/users/\(made.user.id)") {
                $0.json(#"{"roles":["complaintHandler","hotlineAgent"],"version":1}"#)
            }
            #expect(patched.status == .unprocessableEntity)
        }
    }
}

/// A clock a test moves by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    init(_ start: Date) { current = start }
    func advance(_ seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
    var now: @Sendable () -> Date { { [self] in lock.withLock { current } } }
}

@Suite("Administrators cannot lock themselves out")
struct SelfLockoutTests {
    @Test(
        "disabling, archiving or demoting one's own account is refused; another admin's is not",
        arguments: TestDatabase.all)
    func notYourself(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let fixture = try await Fixture.make(app.store)
            let me = try await makeUser(app, "self.admin", roles: [.administrator], unit: fixture.headquarters.id)
            let other = try await makeUser(app, "other.admin", roles: [.administrator], unit: fixture.headquarters.id)
            for path in ["disable", "archive"] {
                let response = try await app.api(.POST, "/api/v1/users/\(me.user.id)/\(path)", token: me.token)
                #expect(response.status == .unprocessableEntity, "\(path)")
            }
            let demoted = try await app.api(.PATCH, "/api/v1/users/\(me.user.id)", token: me.token) {
                $0.json(#"{"roles":["dispatcher"],"version":\#(me.user.version)}"#)
            }
            #expect(demoted.status == .unprocessableEntity)
            #expect(try await app.api(.GET, "/api/v1/me", token: me.token).status == .ok)
            #expect(try await app.api(.POST, "/api/v1/users/\(other.user.id)/disable", token: me.token).status == .ok)
        }
    }
}
