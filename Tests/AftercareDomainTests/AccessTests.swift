import AftercareDomain
import Foundation
import Testing

@Suite("Roles, permissions and scope rules (R-14.2, R-9.1)")
struct AccessTests {
    @Test("an administrator may do everything but use the portal; a customer may only use the portal")
    func extremes() {
        for action in Action.allCases {
            #expect(Permissions.allows([.administrator], action) == (action != .usePortal))
            #expect(Permissions.allows([.customer], action) == (action == .usePortal))
        }
    }

    @Test("every role has a row in the table, and only customers reach the portal", arguments: Role.allCases)
    func everyRole(role: Role) {
        #expect(Permissions.table[role] != nil)
        #expect(Permissions.allows([role], .usePortal) == (role == .customer))
    }

    @Test("field engineers work requests but cannot register, triage, close or cancel them")
    func engineer() {
        #expect(Permissions.allows([.fieldEngineer], .workRequests))
        for action in [Action.registerRequests, .triageRequests, .closeRequests, .cancelRequests, .manageUsers] {
            #expect(!Permissions.allows([.fieldEngineer], action))
        }
    }

    @Test("several roles allow the union of their actions")
    func union() {
        #expect(!Permissions.allows([.warehouseKeeper], .triageRequests))
        #expect(Permissions.allows([.warehouseKeeper, .dispatcher], .triageRequests))
    }

    @Test("each lifecycle event needs one action, and the offered events are those the roles allow")
    func events() {
        #expect(Action.for(.triage) == .triageRequests)
        #expect(Action.for(.resolve) == .workRequests)
        #expect(Action.for(.cancel) == .cancelRequests)
        let allowed: [RequestEventKind] = [.triage, .resolveRemotely, .waitForCustomer, .cancel]
        #expect(Permissions.events(allowed, for: [.fieldEngineer]) == [.resolveRemotely, .waitForCustomer])
        #expect(Permissions.events(allowed, for: [.dispatcher]) == allowed)
        #expect(Permissions.events(allowed, for: [.customer]) == [])
    }

    @Test(
        "R-9.1: a complaint handler holds no after-sales service role", arguments: Array(Role.afterSalesService))
    func complaintSeparation(service: Role) {
        #expect(RoleConflict.check([.complaintHandler, service]) == .complaintHandlerInService([service]))
        #expect(RoleConflict.check([.complaintHandler, .qualityInspector]) == nil)
    }

    @Test("a customer account holds no other role, and an account holds at least one role")
    func customerAlone() {
        #expect(RoleConflict.check([.customer, .hotlineAgent]) == .customerWithStaffRole([.hotlineAgent]))
        #expect(RoleConflict.check([]) == .empty)
        #expect(RoleConflict.check([.customer]) == nil)
        #expect(RoleConflict.check([.dispatcher, .hotlineAgent]) == nil)
    }

    @Test(
        "phone numbers are masked to the first three and last four digits",
        arguments: [
            ("13812341234", "138****1234"), ("+86 138-1234-1234", "861****1234"), ("0512-6666-8888", "051****8888"),
            ("12345", "1****2345"), ("1234", "****"),
        ])
    func mask(phone: String, masked: String) {
        #expect(PhoneMask.mask(phone) == masked)
    }
}

@Suite("Languages, sign-in throttling and passwords")
struct AccountRuleTests {
    @Test(
        "Accept-Language picks the best of our four languages",
        arguments: [
            ("zh-CN,zh;q=0.9,en;q=0.8", Language.zhHans), ("zh-TW,zh;q=0.9", .zhHant), ("zh-Hant-HK", .zhHant),
            ("es-MX,es;q=0.9", .es), ("fr-FR,fr;q=0.9,en;q=0.5", .en), ("en;q=0.2,es;q=0.8", .es),
            ("de, fr", nil), ("", nil), ("zh-HK;q=0, es", .es),
        ])
    func negotiate(header: String, expected: Language?) {
        #expect(Language.negotiate(acceptLanguage: header) == expected)
    }

    @Test("an account is locked after five failures, for one minute, doubling up to fifteen")
    func accountLockout() {
        let rule = LoginThrottle.account
        let start = Date(timeIntervalSince1970: 1_000_000)
        var state: LoginThrottle.State?
        for i in 1...4 {
            state = rule.failed(state, at: start.addingTimeInterval(Double(i)))
            #expect(state?.isLocked(at: start.addingTimeInterval(Double(i))) == false)
        }
        state = rule.failed(state, at: start.addingTimeInterval(5))
        #expect(state?.lockedUntil == start.addingTimeInterval(65))
        state = rule.failed(state, at: start.addingTimeInterval(6))
        #expect(state?.lockedUntil == start.addingTimeInterval(126))
        for i in 7...30 { state = rule.failed(state, at: start.addingTimeInterval(Double(i))) }
        #expect(state?.lockedUntil == start.addingTimeInterval(30 + 900))
    }

    @Test("failures older than the window are forgotten once no lock is running")
    func window() {
        let rule = LoginThrottle.account
        let start = Date(timeIntervalSince1970: 1_000_000)
        var state = rule.failed(nil, at: start)
        state = rule.failed(state, at: start.addingTimeInterval(1000))
        #expect(state.failures == 1)
        #expect(state.firstFailureAt == start.addingTimeInterval(1000))
    }

    @Test(
        "passwords need ten characters, at most 72 bytes, no control characters",
        arguments: [
            ("short", FieldProblem?.some(.tooShort(min: 10))), ("long enough", nil),
            (String(repeating: "密", count: 25), .tooLong(max: 72)),
            ("tab\there-123", .invalidFormat(expected: "printable characters")),
        ])
    func password(text: String, problem: FieldProblem?) {
        #expect(PasswordPolicy.problem(text) == problem)
    }
}
