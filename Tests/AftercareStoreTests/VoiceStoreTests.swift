import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import Testing

/// Issue 17: periodic customer visits and committee meetings, mystery shopping in the store: the
/// visit plan generator (from the customer's first day, by tier, idempotent, moved on by a visit held), the overdue
/// list, the visit's record and cancellation, the meetings' decisions, and who sees a mystery-shopping record.
@Suite("Customer visits, committee meetings and mystery shopping in the store (R-10.4, R-10.5)")
struct VoiceStoreTests {
    static let zone = TimeZone(identifier: "Asia/Shanghai")!

    /// The day the fixture's customers became ours (`monday9`, 2026-11-23 in Shanghai).
    static let since = CalendarDate(year: 2026, month: 11, day: 23)!

    /// Noon of `day` in Shanghai, for the store's clock.
    static func noon(_ day: CalendarDate) -> Date {
        day.startOfDay(in: zone).addingTimeInterval(12 * 3600)
    }

    static func day(_ iso: String) -> CalendarDate { CalendarDate(iso: iso)! }

    /// A user written through the users' records, signed in: the principal the store's use cases take.
    static func person(
        _ username: String, _ name: String, _ roles: [Role], at unit: OrgUnitRecord.View, _ store: Store
    ) async throws -> Principal {
        let user = try await Records<UserRecord>(store).create(
            .init(username: username, displayName: name, roles: roles, orgUnitId: unit.id), by: tester)
        return Principal(
            userId: user.id, username: user.username, displayName: user.displayName, roles: Set(roles),
            orgUnitId: unit.id, orgUnitPath: "/" + unit.path.map { String($0) }.joined(separator: "/") + "/",
            customerId: nil, locale: nil)
    }

    /// The store as `principal` sees it, with its clock at noon of `day`.
    static func seen(_ store: Store, on day: CalendarDate, by principal: Principal) -> Store {
        at(store, noon(day)).seen(within: principal.scope)
    }

    static func visitRecord(heldOn: CalendarDate) -> CustomerVisitRecordInput {
        CustomerVisitRecordInput(
            heldOn: heldOn, visitedBy: "李经理", metWith: "王主任（设备科）",
            topics: "复印机使用情况；明年扩容计划", satisfaction: 4, opportunities: "新院区需要 6 台复印机", notes: nil)
    }

    /// The criteria scored in their order (`MysteryCriterion.allCases`); fewer values leave the last ones out.
    static func scores(_ values: [Int]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: zip(MysteryCriterion.allCases.map(\.rawValue), values))
    }

    // MARK: The generator

    @Test(
        "the generator plans a key customer from the day it became ours, nothing for a regular one, nothing twice",
        arguments: TestDatabase.all)
    func generator(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: the fixture's key customer and a regular one, both ours since 2026-11-23; an account manager at
            // the branch and a service manager at headquarters (the general manager's visits)
            let fixture = try await Fixture.make(at(store, monday9))
            let regular = try await Records<CustomerRecord>(at(store, monday9)).create(
                .init(orgUnitId: fixture.branch.id, name: "徐汇社区诊所", tier: .regular), by: tester)
            let manager = try await Self.person("am.li", "李经理", [.accountManager], at: fixture.branch, store)
            let general = try await Self.person("gm.chen", "陈总", [.serviceManager], at: fixture.headquarters, store)
            let today = Self.since.adding(months: 6).adding(days: -21)
            let visits = CustomerVisits(at(store, Self.noon(today)))
            #expect(try await visits.rules() == VisitPlanRule.standard)
            // when: the plan runs three weeks before the account manager's half-yearly visit is due
            let planned = try await visits.plan(today: today, by: tester)
            // then: one visit, the account manager's, due six months after the customer became ours, assigned to the
            // branch's account manager; the yearly visit is not yet within the horizon, the regular customer has none
            #expect(planned == 1)
            let list = try await visits.list(CustomerVisitFilter(status: .planned), page: PageRequest()).items
            #expect(list.count == 1)
            let visit = try #require(list.first)
            #expect(visit.customerId == fixture.customer.id)
            #expect(visit.customerName == "上海仁济医院")
            #expect(visit.tier == .key)
            #expect(visit.orgUnitId == fixture.branch.id)
            #expect(visit.visitor == .accountManager)
            #expect(visit.dueOn == Self.since.adding(months: 6))
            #expect(visit.status == .planned)
            #expect(visit.assigneeUserId == manager.userId)
            #expect(visit.assigneeName == "李经理")
            #expect(visit.createdBy == "test")
            #expect(visit.version == 1)
            #expect(!list.contains { $0.customerId == regular.id })
            let audit = try await AuditLog.entries(
                of: "customerVisit", id: visit.id, page: PageRequest(), on: store.sql)
            #expect(audit.items.map(\.action) == [.create])
            // when: the plan runs again the same day
            #expect(try await visits.plan(today: today, by: tester) == 0)
            // then: nothing new
            #expect(try await visits.list(CustomerVisitFilter(), page: PageRequest()).items.map(\.id) == [visit.id])
            // when: ten days before the customer's first year is out
            let later = Self.since.adding(months: 12).adding(days: -10)
            #expect(try await CustomerVisits(at(store, Self.noon(later))).plan(today: later, by: tester) == 1)
            // then: the general manager's yearly visit, assigned to the service manager at headquarters; the account
            // manager's visit still planned is not planned again
            let yearly = try await visits.list(CustomerVisitFilter(visitor: .generalManager), page: PageRequest())
            #expect(yearly.items.map(\.dueOn) == [Self.since.adding(months: 12)])
            #expect(yearly.items.first?.assigneeUserId == general.userId)
            #expect(try await visits.list(CustomerVisitFilter(), page: PageRequest()).items.count == 2)
            let regulars = try await visits.list(CustomerVisitFilter(customerId: regular.id), page: PageRequest())
            #expect(regulars.items.isEmpty)
        }
    }

    @Test("the plan's rules: validated, audited, and a tier without rules plans nothing", arguments: TestDatabase.all)
    func rules(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            _ = try await Fixture.make(at(store, monday9))
            let visits = CustomerVisits(at(store, Self.noon(Self.since.adding(months: 6))))
            // when: a duplicate rule and a month count out of range
            await #expect(throws: ValidationError.self) {
                try await visits.setRules(
                    [
                        VisitPlanRule(tier: .key, visitor: .accountManager, months: 6),
                        VisitPlanRule(tier: .key, visitor: .accountManager, months: 3),
                    ], by: tester)
            }
            await #expect(throws: ValidationError(["rules[0].months": .outOfRange(min: 1, max: 60)])) {
                try await visits.setRules([VisitPlanRule(tier: .key, visitor: .accountManager, months: 0)], by: tester)
            }
            // then: the seeds' plan still holds
            #expect(try await visits.rules() == VisitPlanRule.standard)
            // when: only long-term customers are visited
            let set = try await visits.setRules(
                [VisitPlanRule(tier: .longTerm, visitor: .accountManager, months: 12)], by: tester)
            // then: stored and audited; the key customer is no longer planned
            #expect(set == [VisitPlanRule(tier: .longTerm, visitor: .accountManager, months: 12)])
            #expect(try await visits.rules() == set)
            let audit = try await AuditLog.entries(of: "visitPlanRules", id: 1, page: PageRequest(), on: store.sql)
            #expect(audit.items.count == 1)
            #expect(try await visits.plan(today: Self.since.adding(months: 6), by: tester) == 0)
        }
    }

    // MARK: Visits held, cancelled and overdue

    @Test(
        "a visit held moves the next one on; overdue visits are listed; a held visit takes no second record",
        arguments: TestDatabase.all)
    func heldAndOverdue(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: the account manager's visit planned, due 2027-05-23
            let fixture = try await Fixture.make(at(store, monday9))
            let south = try await Records<OrgUnitRecord>(store).create(
                .init(code: "BR-SC", name: "华南分公司", kind: .branch, parentId: fixture.headquarters.id),
                by: tester)
            let southManager = try await Self.person("am.huang", "黄经理", [.accountManager], at: south, store)
            let planOn = Self.day("2027-05-10")
            #expect(try await CustomerVisits(at(store, Self.noon(planOn))).plan(today: planOn, by: tester) == 1)
            let visit = try #require(
                try await CustomerVisits(store).list(CustomerVisitFilter(), page: PageRequest()).items.first)
            #expect(visit.dueOn == Self.day("2027-05-23"))
            // then: not overdue on its day, overdue the day after
            let onTheDay = CustomerVisits(at(store, Self.noon(Self.day("2027-05-23"))))
            #expect(try await onTheDay.list(CustomerVisitFilter(overdue: true), page: PageRequest()).items.isEmpty)
            #expect(!visit.overdue(today: Self.day("2027-05-23")))
            let june = CustomerVisits(at(store, Self.noon(Self.day("2027-06-02"))))
            let overdue = try await june.list(CustomerVisitFilter(overdue: true), page: PageRequest()).items
            #expect(overdue.map(\.id) == [visit.id])
            #expect(overdue.first?.overdue(today: Self.day("2027-06-02")) == true)
            // and a branch of its own does not see the visit: not found, like a missing one
            let southStore = CustomerVisits(Self.seen(store, on: Self.day("2027-06-02"), by: southManager))
            #expect(try await southStore.list(CustomerVisitFilter(), page: PageRequest()).items.isEmpty)
            await #expect(throws: RecordNotFound.self) {
                try await southStore.record(visit.id, Self.visitRecord(heldOn: Self.day("2027-06-02")), by: tester)
            }
            // when: a visit "held" tomorrow is refused; then it is held today
            await #expect(throws: ValidationError.self) {
                try await june.record(visit.id, Self.visitRecord(heldOn: Self.day("2027-06-03")), by: tester)
            }
            let held = try await june.record(visit.id, Self.visitRecord(heldOn: Self.day("2027-06-02")), by: tester)
            // then
            #expect(held.status == .held)
            #expect(held.heldOn == Self.day("2027-06-02"))
            #expect(held.visitedBy == "李经理")
            #expect(held.metWith == "王主任（设备科）")
            #expect(held.satisfaction == 4)
            #expect(held.opportunities == "新院区需要 6 台复印机")
            #expect(held.notes == nil)
            #expect(held.version == visit.version + 1)
            #expect(try await june.list(CustomerVisitFilter(overdue: true), page: PageRequest()).items.isEmpty)
            // and it takes no second record, nor a cancellation
            await #expect(throws: CustomerVisitClosed(id: visit.id, status: .held)) {
                try await june.record(visit.id, Self.visitRecord(heldOn: Self.day("2027-06-02")), by: tester)
            }
            await #expect(throws: CustomerVisitClosed(id: visit.id, status: .held)) {
                try await june.cancel(visit.id, reason: "客户改期", by: tester)
            }
            // when: the plan runs at the end of October: the general manager's first yearly visit (due 2027-11-23)
            // is planned; the next half-yearly one is due six months after the visit held (2027-12-02), not after the
            // one planned (2027-11-23), so it is not yet within the horizon
            let october = Self.day("2027-10-28")
            let autumn = CustomerVisits(at(store, Self.noon(october)))
            #expect(try await autumn.plan(today: october, by: tester) == 1)
            #expect(
                try await autumn.list(
                    CustomerVisitFilter(status: .planned, visitor: .accountManager), page: PageRequest()
                ).items.isEmpty)
            // then in November it is planned, on its new day
            let november = Self.day("2027-11-15")
            let later = CustomerVisits(at(store, Self.noon(november)))
            #expect(try await later.plan(today: november, by: tester) == 1)
            let next = try await later.list(
                CustomerVisitFilter(status: .planned, visitor: .accountManager), page: PageRequest()
            ).items
            #expect(next.map(\.dueOn) == [Self.day("2027-12-02")])
            // when: the general manager's visit is cancelled: a reason is needed
            let yearly = try #require(
                try await later.list(CustomerVisitFilter(visitor: .generalManager), page: PageRequest()).items.first)
            await #expect(throws: ValidationError(["reason": .required])) {
                try await later.cancel(yearly.id, reason: "  ", by: tester)
            }
            let cancelled = try await later.cancel(
                yearly.id, reason: "客户年底停业整顿，改至明年", by: tester)
            #expect(cancelled.status == .cancelled)
            #expect(cancelled.cancelReason == "客户年底停业整顿，改至明年")
            // and the held and cancelled lists, latest first
            #expect(
                try await later.list(CustomerVisitFilter(status: .held), page: PageRequest()).items.map(\.id)
                    == [visit.id])
            #expect(
                try await later.list(CustomerVisitFilter(status: .cancelled), page: PageRequest()).items.map(\.id)
                    == [yearly.id])
        }
    }

    @Test("the visit list pages by due day without losing or repeating a visit", arguments: TestDatabase.all)
    func paging(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: five key customers, each with its two visits planned
            let fixture = try await Fixture.make(at(store, monday9))
            for i in 1...4 {
                _ = try await Records<CustomerRecord>(at(store, monday9.addingTimeInterval(Double(i) * 86400))).create(
                    .init(orgUnitId: fixture.branch.id, name: "重点客户 \(i)", tier: .key), by: tester)
            }
            let today = Self.day("2027-11-20")
            let visits = CustomerVisits(at(store, Self.noon(today)))
            #expect(try await visits.plan(today: today, by: tester) == 10)
            // when: read three at a time
            var seen: [CustomerVisitView] = []
            var page = PageRequest(limit: 3)
            while true {
                let result = try await visits.list(CustomerVisitFilter(status: .planned), page: page)
                seen += result.items
                guard let cursor = result.nextCursor, let next = page.following(cursor) else { break }
                page = next
            }
            // then: every visit once, by due day
            #expect(seen.count == 10)
            #expect(Set(seen.map(\.id)).count == 10)
            #expect(seen.map(\.dueOn) == seen.map(\.dueOn).sorted())
        }
    }

    // MARK: Committee meetings

    @Test("a committee meeting with its decisions, one then done", arguments: TestDatabase.all)
    func meetings(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(at(store, monday9))
            let visits = CustomerVisits(at(store, monday9))
            // when: recorded with two decisions (blank text refused first)
            await #expect(throws: ValidationError(["decisions[0].text": .required])) {
                try await visits.recordMeeting(
                    CommitteeMeetingInput(
                        orgUnitId: fixture.branch.id, heldOn: Self.since, attendees: "王主任；李经理",
                        minutes: "纪要",
                        decisions: [CommitteeDecisionInput(text: " ", owner: "李经理")]), by: tester)
            }
            let meeting = try await visits.recordMeeting(
                CommitteeMeetingInput(
                    orgUnitId: fixture.branch.id, heldOn: Self.since, place: "上海仁济医院会议室",
                    attendees: "王主任（设备科）\n李经理",
                    minutes: "客户反映维修响应偏慢，讨论了驻场工程师方案。",
                    decisions: [
                        CommitteeDecisionInput(
                            text: "试行驻场工程师三个月", owner: "李经理", dueOn: Self.day("2026-12-31")),
                        CommitteeDecisionInput(text: "每月发送服务报告", owner: "客服部"),
                    ]), by: tester)
            // then
            #expect(meeting.orgUnitName == "华东分公司")
            #expect(meeting.decisions.map(\.text) == ["试行驻场工程师三个月", "每月发送服务报告"])
            #expect(meeting.openDecisions == 2)
            // when: the second decision is done, then done again, then one that is not there
            let done = try await visits.markDecisionDone(meeting.id, index: 1, by: tester)
            #expect(done.decisions[1].done)
            #expect(done.decisions[1].doneBy == "test")
            #expect(done.decisions[1].doneAt == monday9)
            #expect(!done.decisions[0].done)
            #expect(done.version == meeting.version + 1)
            #expect(try await visits.markDecisionDone(meeting.id, index: 1, by: tester).version == done.version)
            await #expect(throws: ValidationError.self) {
                try await visits.markDecisionDone(meeting.id, index: 2, by: tester)
            }
            // and the list, the latest held first
            let page = try await visits.meetings(page: PageRequest())
            #expect(page.items.map(\.id) == [meeting.id])
            #expect(page.items.first?.openDecisions == 1)
        }
    }

    // MARK: Mystery shopping

    /// Headquarters, its branch and the branch's outlet, with a service manager at each.
    struct Shops {
        var fixture: Fixture
        var outlet: OrgUnitRecord.View
        var headquarters: Principal
        var branch: Principal
        var outletManager: Principal

        static func make(_ store: Store) async throws -> Shops {
            let fixture = try await Fixture.make(at(store, monday9))
            let outlet = try await Records<OrgUnitRecord>(store).create(
                .init(code: "OUT-PD", name: "浦东网点", kind: .outlet, parentId: fixture.branch.id), by: tester)
            return Shops(
                fixture: fixture, outlet: outlet,
                headquarters: try await VoiceStoreTests.person(
                    "sm.hq", "总部经理", [.serviceManager], at: fixture.headquarters, store),
                branch: try await VoiceStoreTests.person(
                    "sm.ec", "华东经理", [.serviceManager], at: fixture.branch, store),
                outletManager: try await VoiceStoreTests.person(
                    "sm.pd", "浦东网点经理", [.serviceManager], at: outlet, store))
        }
    }

    static func inspection(of unit: Int, on day: CalendarDate, _ values: [Int]) -> MysteryInspectionInput {
        MysteryInspectionInput(
            orgUnitId: unit, inspectedOn: day, scenario: "电话报修复印机卡纸，询问保外收费",
            scores: scores(values), findings: "接线员未主动告知收费标准。",
            inspector: "第三方暗访公司")
    }

    @Test(
        "a mystery-shopping record of an outlet is seen by headquarters and its branch, never by the outlet",
        arguments: TestDatabase.all)
    func mysteryVisibility(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let shops = try await Shops.make(store)
            let today = Self.since
            let hq = MysteryShopping(Self.seen(store, on: today, by: shops.headquarters))
            // when: headquarters records an inspection of the outlet (a score missing refused first)
            await #expect(throws: ValidationError(["scores.environment": .required])) {
                try await hq.record(
                    Self.inspection(of: shops.outlet.id, on: today, [5, 4, 4, 3, 5]), by: shops.headquarters)
            }
            let recorded = try await hq.record(
                Self.inspection(of: shops.outlet.id, on: today, [5, 5, 5, 4, 4, 4]), by: shops.headquarters)
            // then: the total out of 100
            #expect(recorded.total == 90)
            #expect(recorded.orgUnitName == "浦东网点")
            #expect(recorded.scores["greeting"] == 5)
            let audit = try await AuditLog.entries(
                of: "mysteryInspection", id: recorded.id, page: PageRequest(), on: store.sql)
            #expect(audit.items.map(\.action) == [.create])
            // and headquarters and the branch see it
            #expect(try await hq.get(recorded.id, for: shops.headquarters) == recorded)
            #expect(
                try await hq.list(orgUnitId: nil, page: PageRequest(), for: shops.headquarters).items.map(\.id)
                    == [recorded.id])
            let branch = MysteryShopping(Self.seen(store, on: today, by: shops.branch))
            #expect(try await branch.get(recorded.id, for: shops.branch) == recorded)
            #expect(
                try await branch.list(orgUnitId: shops.outlet.id, page: PageRequest(), for: shops.branch).items.map(
                    \.id) == [recorded.id])
            // but the outlet inspected does not: not found, like a missing one
            let outlet = MysteryShopping(Self.seen(store, on: today, by: shops.outletManager))
            await #expect(throws: RecordNotFound(entity: "mysteryInspection", id: recorded.id)) {
                try await outlet.get(recorded.id, for: shops.outletManager)
            }
            #expect(try await outlet.list(orgUnitId: nil, page: PageRequest(), for: shops.outletManager).items.isEmpty)
            // nor may the outlet record one of itself, nor the branch one of itself
            await #expect(throws: ValidationError(["orgUnitId": .notFound])) {
                try await outlet.record(
                    Self.inspection(of: shops.outlet.id, on: today, [5, 5, 5, 5, 5, 5]), by: shops.outletManager)
            }
            await #expect(throws: ValidationError(["orgUnitId": .notFound])) {
                try await branch.record(
                    Self.inspection(of: shops.fixture.branch.id, on: today, [5, 5, 5, 5, 5, 5]), by: shops.branch)
            }
            // and someone who does no mystery shopping sees none, even at headquarters
            let agent = try await Self.person(
                "am.hq", "总部客户经理", [.accountManager], at: shops.fixture.headquarters, store)
            await #expect(throws: RecordNotFound.self) {
                try await MysteryShopping(Self.seen(store, on: today, by: agent)).get(recorded.id, for: agent)
            }
        }
    }

    @Test("the trends: per unit and month, how many inspections and their average total", arguments: TestDatabase.all)
    func mysteryTrends(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: two inspections of the outlet in October (80 and 90), one of the branch in November (100)
            let shops = try await Shops.make(store)
            let hq = MysteryShopping(Self.seen(store, on: Self.since, by: shops.headquarters))
            for (unit, day, values) in [
                (shops.outlet.id, "2026-10-12", [4, 4, 4, 4, 4, 4]),
                (shops.outlet.id, "2026-10-20", [5, 5, 5, 4, 4, 4]),
                (shops.fixture.branch.id, "2026-11-05", [5, 5, 5, 5, 5, 5]),
                (shops.outlet.id, "2026-09-30", [1, 1, 1, 1, 1, 1]),
            ] {
                _ = try await hq.record(Self.inspection(of: unit, on: Self.day(day), values), by: shops.headquarters)
            }
            // when: headquarters reads October and November
            let trends = try await hq.trends(
                from: Self.day("2026-10-01"), to: Self.day("2026-11-30"), for: shops.headquarters)
            // then: one row per unit and month, September's inspection outside the period
            #expect(trends.rows.count == 2)
            let october = try #require(trends.rows.first { $0.orgUnitId == shops.outlet.id })
            #expect(october.month == Self.day("2026-10-01"))
            #expect(october.count == 2)
            #expect(october.averageTotal == 85)
            let november = try #require(trends.rows.first { $0.orgUnitId == shops.fixture.branch.id })
            #expect(november.month == Self.day("2026-11-01"))
            #expect(november.count == 1)
            #expect(november.averageTotal == 100)
            // and the branch sees its outlet's row, not its own
            let branch = try await MysteryShopping(Self.seen(store, on: Self.since, by: shops.branch)).trends(
                from: Self.day("2026-10-01"), to: Self.day("2026-11-30"), for: shops.branch)
            #expect(branch.rows.map(\.orgUnitId) == [shops.outlet.id])
            // and a period that ends before it starts is refused
            await #expect(throws: ValidationError(["to": .mustNotBeBefore(field: "from")])) {
                try await hq.trends(from: Self.day("2026-11-30"), to: Self.day("2026-10-01"), for: shops.headquarters)
            }
        }
    }
}
