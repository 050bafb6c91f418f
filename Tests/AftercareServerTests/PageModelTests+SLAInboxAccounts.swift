import AftercareDomain
import Foundation
import Testing

@testable import AftercareServer
@testable import AftercareStore

/// Store views of the SLA, inbox and account pages on the same morning at the East China branch, written out as
/// values.
enum SLAInboxAccountFixtures {
    typealias F = PageFixtures

    static func queueItem(_ number: String, state: ClockState, elapsed: Int, target: Int = 3600) -> QueueItem {
        QueueItem(
            requestId: 11, number: number, customerName: "上海浦江印务有限公司", priority: .high, status: .triaged,
            orgUnitId: 2, target: .onSite, state: state, dueAt: F.at(10), elapsedSeconds: elapsed,
            targetSeconds: target, basis: .business)
    }

    static func policy(_ id: Int, _ name: String, position: Int) -> SLAPolicyView {
        SLAPolicyView(
            id: id, name: name, position: position, isDefault: false, match: PolicyMatch(),
            targets: [TargetRule(target: .resolution, minutes: 1440, basis: .business)], version: 1,
            createdAt: F.at(0), updatedAt: F.at(0), archivedAt: nil)
    }

    static let nationalDay = CalendarException(
        date: CalendarDate(year: 2026, month: 10, day: 1)!, kind: .holiday, name: "国庆节")
    static let makeUpDay = CalendarException(
        date: CalendarDate(year: 2026, month: 9, day: 27)!, kind: .workingDay, name: "国庆调休")

    static func calendar(unit: Int) -> CalendarRecord.View {
        CalendarRecord.View(
            id: 4, orgUnitId: unit, name: "华东工作日",
            calendar: BusinessCalendar(timeZone: "Asia/Shanghai", exceptions: [nationalDay, makeUpDay]), version: 2,
            createdAt: F.at(0), updatedAt: F.at(0), archivedAt: nil)
    }

    static let followUp = FollowUpView(
        id: 21, requestId: 11, requestNumber: "SR-2026-000141", customerId: 5, customerName: "上海浦江印务有限公司",
        contactName: "陈经理", contactPhone: "13800000000", trigger: .resolved, orgUnitId: 2, assigneeId: 7,
        status: .open, dueAt: F.at(8), attempts: 1, channel: nil, outcome: nil, attitudeRating: nil,
        qualityRating: nil, comment: nil, completedAt: nil, completedBy: nil, version: 3, createdAt: F.at(0),
        updatedAt: F.at(0))

    static func rule(_ id: Int, _ trigger: FollowUpTrigger, delay: Int, basis: TimeBasis) -> FollowUpRuleRecord.View {
        FollowUpRuleRecord.View(
            id: id, trigger: trigger, delayMinutes: delay, windowMinutes: 120, basis: basis,
            retryMinutes: [120, 1440], enabled: true, version: 1, createdAt: F.at(0), updatedAt: F.at(0),
            archivedAt: nil)
    }

    static func notification(
        _ id: Int, _ kind: NotificationKind, level: Int = 0, followUpId: Int? = nil, read: Bool = false
    ) -> NotificationView {
        NotificationView(
            id: id, kind: kind, requestId: 11, requestNumber: "SR-2026-000141", followUpId: followUpId,
            target: kind == .followUpDue || kind == .accountLocked ? nil : .onSite, level: level,
            createdAt: F.at(8, id), readAt: read ? F.at(9) : nil)
    }

    static let token = AccessTokenView(
        id: 1, name: "ERP", prefix: "ac_12ab", roles: [.dispatcher], createdAt: F.at(8), expiresAt: F.at(8),
        lastUsedAt: nil, revokedAt: nil)

    static let user = UserRecord.View(
        id: 8, username: "zhao.min", email: nil, displayName: "赵敏", roles: [.hotlineAgent, .dispatcher],
        orgUnitId: 2, customerId: nil, locale: .zhHans, disabledAt: F.at(8), version: 1, createdAt: F.at(0),
        updatedAt: F.at(0), archivedAt: nil)
}

/// The SLA, inbox and account page models as values: given store views, the acting principal and a localizer,
/// what the page holds. No database, no request.
@Suite("Page models: SLA, inbox, accounts")
struct PageModelSLAInboxAccountTests {
    typealias F = PageFixtures
    typealias G = SLAInboxAccountFixtures

    @Test("SLA queue: remaining or overdue time in words, tabs of the states, paging that keeps the unit")
    func queue() {
        // given a breached and an at-risk clock, read by a service manager in English
        let l = F.localizer(.en)
        let page = Page(
            items: [
                G.queueItem("SR-1", state: .breached, elapsed: 5400),
                G.queueItem("SR-2", state: .running, elapsed: 1800),
            ], nextCursor: "c1")
        // when
        let model = SLAPages.queueModel(
            page, state: .breached, orgUnitId: 2, principal: F.principal([.serviceManager]), l)
        // then
        #expect(model.state == "breached")
        #expect(model.tabs.map(\.selected) == QueueState.allCases.map { $0 == .breached })
        #expect(model.tabs.first { $0.selected }?.label == "Breached")
        #expect(model.rows[0].overdue == "30 min" && model.rows[0].remaining == nil)
        #expect(model.rows[1].remaining == "30 min" && model.rows[1].overdue == nil)
        #expect(model.rows[0].priority == "High" && model.rows[0].target == "On site")
        #expect(model.rows[0].due == l.dateTime(F.at(10)))
        #expect(model.rows.allSatisfy { $0.basis == "Business hours" })
        #expect(model.next == "/sla/queue?state=breached&orgUnitId=2&cursor=c1")
    }

    @Test("compliance report: months, percent with one decimal, the CSV link of the same months")
    func report() {
        let l = F.localizer(.en)
        let row = ComplianceRow(
            month: "2026-11", branchId: 2, branchName: "华东分公司", policyId: 1, policyName: "标准", target: .resolution,
            met: 1234, breached: 5, compliancePercent: 99.596)
        // when
        let model = SLAPages.reportModel(
            [row], from: CalendarDate(year: 2026, month: 10, day: 1)!, to: F.day,
            principal: F.principal([.serviceManager]), l)
        // then
        #expect(model.from == "2026-10" && model.to == "2026-11")
        #expect(model.rows.first?.met == l.number(1234))
        #expect(model.rows.first?.percent == "99.6 %")
        #expect(model.rows.first?.target == "Resolution")
        #expect(model.csv == "/api/v1/sla/compliance.csv?from=2026-10&to=2026-11")
    }

    @Test("SLA policies: in the order tried, targets and conditions in words; the form as typed")
    func policies() {
        let l = F.localizer(.en)
        let admin = F.principal([.administrator])
        // when
        let list = SLAPages.policiesModel(
            Page(items: [G.policy(1, "Later", position: 20), G.policy(2, "First", position: 10)], nextCursor: nil),
            principal: admin, l)
        // then
        #expect(list.rows.map(\.name) == ["First", "Later"])
        #expect(list.rows.first?.targets == "Resolution \(l.duration(seconds: 1440 * 60))")
        #expect(list.rows.first?.conditions == "every request")
        #expect(list.next == nil)
        // given a new policy's form for the branch, with only the resolution target
        var form = SLAPages.PolicyForm()
        form.match.orgUnitId = 2
        form.targets[.resolution] = ("1440", .calendar, "80", "100,200")
        let data = SLAPages.PolicyData(policy: nil, lines: [], models: [], units: [F.branch])
        // when
        let model = SLAPages.policyModel(data, principal: admin, l, form: form)
        // then
        #expect(model.id == nil && !model.canArchive && !model.archived)
        #expect(model.unitOptions.map(\.label) == ["EC · 华东分公司"] && model.unitOptions.map(\.selected) == [true])
        #expect(model.targets.map(\.target) == SLATarget.allCases.map(\.rawValue))
        let resolution = model.targets.first { $0.target == "resolution" }
        #expect(resolution?.enabled == true && resolution?.warnPercent == "80" && resolution?.escalations == "100,200")
        #expect(resolution?.basisOptions.first { $0.selected }?.value == "calendar")
        #expect(model.targets.filter(\.enabled).count == 1)
        #expect(model.emergencyOptions.map(\.selected) == [false, false])
    }

    @Test("calendars: units by name, the form's week and exceptions, this year from now in the deployment's zone")
    func calendars() {
        let l = F.localizer(.en)
        let admin = F.principal([.administrator])
        // when
        let list = SLAPages.calendarsModel(
            Page(items: [G.calendar(unit: 2), G.calendar(unit: 9)], nextCursor: "c2"),
            unitNames: [2: "EC · 华东分公司"], principal: admin, l)
        // then: a unit not seen is its id
        #expect(list.rows.map(\.unit) == ["EC · 华东分公司", "#9"])
        #expect(list.rows.first?.exceptions == "2")
        #expect(list.next == "/admin/sla/calendars?cursor=c2")
        // when: the stored calendar's form
        let calendar = G.calendar(unit: 2)
        let model = SLAPages.calendarModel(
            SLAPages.CalendarData(calendar: calendar, units: [F.branch]), principal: admin, l, now: F.morning,
            form: SLAPages.form(from: calendar))
        // then
        #expect(model.id == 4 && model.version == 2)
        #expect(model.days.map(\.label).first == "Monday")
        #expect(model.days.first?.periods == "08:30-12:00 13:30-18:00")
        #expect(model.days.last?.periods == "")
        #expect(model.exceptions.map(\.date) == ["2026-09-27", "2026-10-01"])
        #expect(model.exceptions.map(\.kind) == ["Make-up working day", "Holiday"])
        #expect(model.year == "2026" && model.holidaysCSV == "")
        #expect(model.download == "/api/v1/sla/calendars/4/holidays.csv")
        #expect(model.unitOptions.map(\.selected) == [true])
        // a failed import keeps what was typed
        let again = SLAPages.calendarModel(
            SLAPages.CalendarData(calendar: calendar, units: [F.branch]), principal: admin, l, now: F.morning,
            form: SLAPages.form(from: calendar), holidays: SLAPages.HolidayForm(csv: "x", year: "1900"))
        #expect(again.year == "1900" && again.holidaysCSV == "x")
    }

    @Test("follow-ups: overdue when open and due by now, the tabs, one call with its request")
    func followUps() {
        let l = F.localizer(.en)
        let agent = F.principal([.hotlineAgent])
        // when
        let list = SLAPages.followUpsModel(
            Page(items: [G.followUp], nextCursor: "c3"), view: .today, now: F.morning, principal: agent, l)
        // then
        #expect(list.tabs.map(\.selected) == [false, false, true])
        #expect(list.tabs.last?.label == "Due today")
        #expect(list.rows.first?.overdue == true)
        #expect(list.rows.first?.trigger == "After resolution" && list.rows.first?.status == "Open")
        #expect(list.next == "/follow-ups?show=today&cursor=c3")
        // when: the call's page, before it is due
        let model = SLAPages.followUpModel(
            SLAPages.FollowUpData(item: G.followUp, request: F.request), principal: agent, l, now: F.at(7))
        // then
        #expect(model.item.overdue == false && model.isOpen && model.version == 3)
        #expect(model.requestStatus == "Triaged")
        #expect(model.outcome == nil && model.completed == nil)
        #expect(model.channelOptions.first { $0.selected }?.value == "phone")
        #expect(model.attitudeOptions.map(\.value) == ["1", "2", "3", "4", "5"])
        #expect(model.typedComment == "")
    }

    @Test("follow-up rules: in the order of triggers, delays in working or calendar time, the form as typed")
    func followUpRules() {
        let l = F.localizer(.en)
        let admin = F.principal([.administrator])
        // when
        let list = FollowUpRulePages.rulesModel(
            [
                G.rule(2, .resolved, delay: 480, basis: .business),
                G.rule(1, .phoneGuidance, delay: 90, basis: .calendar),
            ],
            principal: admin, l)
        // then
        #expect(list.rows.map(\.trigger) == ["After phone guidance", "After resolution"])
        #expect(list.rows[1].delay == "1 working day = 480 working minutes")
        #expect(list.rows[0].delay == "1 h 30 min (90 min)")
        #expect(list.rows[0].window == "2 h (120 min)")
        #expect(list.rows[0].retries == "2 h · 1 d")
        #expect(list.rows[0].state == "Active" && list.rows[0].basis == "Calendar hours")
        // when: a form typed with another basis
        let rule = G.rule(2, .resolved, delay: 480, basis: .business)
        var form = FollowUpRulePages.RuleForm(rule)
        form.basis = .calendar
        form.delayMinutes = "abc"
        let model = FollowUpRulePages.ruleModel(rule, principal: admin, l, form: form)
        // then: the form as typed, the stored rule in words
        #expect(model.delayMinutes == "abc" && model.retryMinutes == "120, 1440")
        #expect(model.basisOptions.first { $0.selected }?.value == "calendar")
        #expect(model.delay == "1 working day = 480 working minutes")
        #expect(model.trigger == "After resolution" && !model.archived)
    }

    @Test("inbox: unread first, each linked to what it is about, escalations with their level")
    func inbox() {
        let l = F.localizer(.en)
        let data = InboxPages.InboxData(
            page: Page(
                items: [
                    G.notification(4, .slaWarning, read: true), G.notification(3, .slaEscalated, level: 2),
                    G.notification(2, .followUpDue, followUpId: 21), G.notification(1, .accountLocked),
                ], nextCursor: "c4"), unread: true)
        // when
        let model = InboxPages.inboxModel(data, principal: F.principal([.dispatcher]), l)
        // then
        #expect(model.rows.map(\.id) == [3, 2, 1, 4])
        #expect(model.rows.map(\.unread) == [true, true, true, false])
        #expect(model.rows[0].kind == "SLA escalated · level 2" && model.rows[0].target == "On site")
        #expect(model.rows.map(\.link) == ["/requests/11", "/follow-ups/21", "/account", "/requests/11"])
        #expect(model.rows[0].at == l.dateTime(F.at(8, 3)))
        #expect(model.unread && model.next == "/inbox?cursor=c4")
    }

    @Test("account: the principal's roles by name, their tokens, a new token's secret once")
    func account() {
        let l = F.localizer(.en)
        // when
        let model = AccountPages.accountModel(
            [G.token], principal: F.principal([.dispatcher, .administrator]), l, newToken: "secret")
        // then
        #expect(model.username == "wang.li" && model.displayName == "王丽")
        #expect(model.roles == ["Administrator", "Dispatcher"])
        #expect(model.roleOptions.map(\.selected) == [true, true])
        #expect(model.tokens.first?.roles == "Dispatcher")
        #expect(model.tokens.first?.expires == l.date(F.at(8)) && model.tokens.first?.lastUsed == nil)
        #expect(model.newToken == "secret" && !model.passwordChanged && model.errors.isEmpty)
    }

    @Test("users: roles by name and paging; the form with the user's roles, unit and language chosen")
    func admin() {
        let l = F.localizer(.en)
        let admin = F.principal([.administrator])
        // when
        let list = AdminPages.listModel(Page(items: [G.user], nextCursor: "c5"), principal: admin, l)
        // then
        #expect(list.rows.first?.roles == "Hotline agent, Dispatcher" && list.rows.first?.disabled == true)
        #expect(list.next == "/admin/users?cursor=c5")
        // when
        let model = AdminPages.formModel(
            units: [F.branch], principal: admin, l, user: UserRecord.input(from: G.user), id: 8, version: 1,
            disabled: true)
        // then
        #expect(model.username == "zhao.min" && model.email == "" && model.customerId == "")
        #expect(Set(model.roleOptions.filter(\.selected).map(\.value)) == ["hotlineAgent", "dispatcher"])
        #expect(model.unitOptions.map(\.selected) == [true])
        #expect(model.localeOptions.filter(\.selected).map(\.value) == ["zh-Hans"])
        #expect(model.disabled && model.resetLink == nil)
    }
}
