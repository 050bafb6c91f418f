import AftercareDispatch
import AftercareDomain
import Foundation
import Testing

@testable import AftercareServer
@testable import AftercareStore

/// More store views of the East China morning, for the dispatch and desk pages beyond those of `PageFixtures`.
enum DispatchDeskFixtures {
    typealias F = PageFixtures

    static let customer = CustomerRecord.View(
        id: 9, orgUnitId: 2, name: "上海浦江印务有限公司", kind: .company, tier: .key,
        contacts: [Contact(name: "陈建国", phones: ["021 6435 2210", "139 1234 5678"], role: "设备主管")],
        addresses: [Address(label: "厂区", text: "上海市徐汇区漕宝路 1200 号")], notes: "夜班不接待", version: 1,
        createdAt: F.at(0), updatedAt: F.at(0), archivedAt: nil)

    static let warehouse = WarehouseRecord.View(
        id: 4, code: "EC-MAIN", name: "华东总库", kind: .branch, orgUnitId: 2, engineerId: nil, bins: [],
        approvalLimit: 500_000, version: 1, createdAt: F.at(0), updatedAt: F.at(0), archivedAt: nil)

    static let line = ProductLineRecord.View(
        id: 1, code: "OFF", name: "胶印机", version: 1, createdAt: F.at(0), updatedAt: F.at(0), archivedAt: nil)

    static func user(_ id: Int, _ name: String, _ roles: [Role]) -> UserRecord.View {
        UserRecord.View(
            id: id, username: name, email: nil, displayName: name, roles: roles, orgUnitId: 2, customerId: nil,
            locale: nil, disabledAt: nil, version: 1, createdAt: F.at(0), updatedAt: F.at(0), archivedAt: nil)
    }

    static func recommendation(_ id: Int, _ name: String, eligible: Bool, blockers: [String] = [])
        -> Recommendation
    {
        Recommendation(
            engineerId: id, engineerName: name, orgUnitId: 2, external: false, eligible: eligible, blockers: blockers,
            score: eligible ? 82.5 : 0, parts: [], travelSeconds: 1200, visitsThatDay: 2)
    }
}

/// The dispatch and desk page models as values: given store views, the acting principal and a localizer, what the
/// page holds. No database, no request.
@Suite("Page models: dispatch and desk")
struct DispatchDeskPageModelTests {
    typealias F = PageFixtures
    typealias D = DispatchDeskFixtures

    @Test("visit page: a dispatcher gets every allowed event, the ranked engineers and the parts panel")
    func visitDispatcher() {
        // given the scheduled visit, two candidates (one away) and one requisition, read by a dispatcher
        let l = F.localizer(.en)
        let data = DispatchPages.VisitData(
            visit: F.visit, lines: [:], own: nil, engineers: [F.engineer],
            candidates: [
                D.recommendation(3, "孙海涛", eligible: true),
                D.recommendation(4, "李强", eligible: false, blockers: ["away: 年假"]),
            ], requisitions: [F.requisition], warehouses: [D.warehouse])
        // when
        let model = DispatchPages.visitModel(data, principal: F.principal([.dispatcher]), l, warehouseId: 4)
        // then: the events the state allows (assigning happens on the board), the first eligible engineer on top
        #expect(model.forms.map(\.event) == F.visit.allowedEvents.filter { $0 != .assign }.map(\.rawValue))
        #expect(model.showRecommendations && model.recommendedEngineerId == 3)
        #expect(model.candidates.map(\.top) == [true, false])
        #expect(model.candidates[1].blockers == ["Away: 年假"])
        #expect(model.engineerOptions.map(\.selected) == [true])
        // the window in the deployment's zone, the contact as a link, words instead of codes
        #expect(model.windowStart == LocalTime.input(F.at(14), F.zone))
        #expect(model.tel == PageLink.tel("021 6435 2210"))
        #expect(model.status == l.t("visitStatus.scheduled") && model.statusCode == "scheduled")
        #expect(model.parts == ["FR-200 进纸轮 × 1"])
        // the parts panel: the requisition, and the chosen warehouse to turn the likely parts into another
        #expect(model.partsPanel?.rows.count == 1)
        #expect(model.partsPanel?.canRequest == true)
        #expect(model.partsPanel?.warehouseOptions.map(\.selected) == [true])
    }

    @Test("a recommendation's deadline part is said in the reader's language, before or after the due time")
    func deadlineInWords() {
        let r = D.recommendation(3, "孙海涛", eligible: true)
        func part(_ seconds: Int, againstDue: Bool) -> AssignmentScore.Part {
            .init(
                factor: "deadline", points: 50, weight: 0.15, detail: "English", seconds: seconds,
                againstDue: againstDue)
        }
        for language in Language.allCases {
            let l = F.localizer(language)
            let late = DispatchPages.partDetail(part(-30_780, againstDue: true), r, max: nil, l)
            let early = DispatchPages.partDetail(part(3600, againstDue: true), r, max: nil, l)
            let soon = DispatchPages.partDetail(part(1800, againstDue: false), r, max: nil, l)
            #expect(
                late
                    == l.t("recommendation.afterDue").replacingOccurrences(
                        of: "{time}", with: l.duration(seconds: 30_780)))
            #expect(early.contains(l.duration(seconds: 3600)) && early != late && soon != early)
            #expect(
                ![late, early, soon].contains { (text: String) in text.contains("English") || text.contains("{time}") })
        }
    }

    @Test("visit page: the engineer of the visit gets the field events and what was typed, no recommendations")
    func visitEngineer() {
        // given the same visit, read by its engineer after a failed reschedule
        let data = DispatchPages.VisitData(
            visit: F.visit, lines: [:], own: F.engineer, engineers: [], candidates: [], requisitions: [],
            warehouses: [])
        let typed = DispatchPages.Typed(windowStart: "2026-11-30T15:00", windowEnd: "bad", reason: "客户改期")
        let engineer = F.principal([.fieldEngineer])
        // when
        let model = DispatchPages.visitModel(data, principal: engineer, F.localizer(.zhHans), typed: typed)
        // then
        let field = F.visit.allowedEvents.filter { $0 != .assign && engineer.may(Action.for(visit: $0)) }
        #expect(model.forms.map(\.event) == field.map(\.rawValue))
        #expect(model.forms.allSatisfy { !$0.asksEngineer })
        #expect(!model.showRecommendations && model.candidates.isEmpty && model.engineerOptions.isEmpty)
        #expect(model.windowStart == "2026-11-30T15:00" && model.windowEnd == "bad" && model.reason == "客户改期")
        #expect(model.partsPanel?.rows.isEmpty == true)
    }

    @Test("my day: the engineer's visits in route order, cancelled ones left out, with the steps allowed")
    func myDay() {
        // given three visits of the day: one second on the route, one first, one cancelled
        var first = F.visit
        first.id = 57
        first.routeOrder = 1
        var second = F.visit
        second.routeOrder = 2
        var cancelled = F.visit
        cancelled.id = 58
        cancelled.status = .cancelled
        let data = DispatchPages.MyDayData(date: F.day, engineer: F.engineer, visits: [second, cancelled, first])
        // when
        let model = DispatchPages.myDayModel(data, principal: F.principal([.fieldEngineer]), F.localizer(.en))
        // then
        #expect(model.stops.map(\.id) == [57, 55])
        #expect(model.stops.map(\.order) == [1, 2])
        #expect(model.engineer == "孙海涛")
        #expect(model.previous == "/my-day?date=2026-11-29" && model.next == "/my-day?date=2026-12-01")
        #expect(model.stops[0].leaveAt == F.localizer(.en).clock(F.at(13, 50)))
        #expect(model.stops[0].suggestStart == LocalTime.input(F.at(13, 50), F.zone))
        #expect(model.stops[0].canDepart)
    }

    @Test("engineers: unit and skills by name, who is away today; the form offers only free field engineers")
    func engineers() {
        // given an engineer away today with one skill
        var engineer = F.engineer
        engineer.skills = [EngineerSkill(productLineId: 1, level: 4)]
        engineer.absences = [Absence(from: F.day, to: F.day, reason: "年假")]
        let data = DispatchPages.EngineersData(
            page: Page(items: [engineer], nextCursor: "c2"), units: [2: "EC · 华东分公司"], lines: [D.line])
        // when
        let list = DispatchPages.engineersModel(
            data, principal: F.principal([.administrator]), F.localizer(.en), today: F.day)
        // then
        #expect(list.rows.map(\.unit) == ["EC · 华东分公司"])
        #expect(list.rows.map(\.skills) == ["OFF 4"])
        #expect(list.rows.map(\.away) == ["年假"])
        #expect(list.next == "/admin/engineers?cursor=c2")
        // given users for a new engineer: one free field engineer, one already an engineer, one dispatcher
        let users = [
            D.user(12, "sun.haitao", [.fieldEngineer]), D.user(13, "li.qiang", [.fieldEngineer]),
            D.user(14, "zhou.jie", [.dispatcher]),
        ]
        let form = DispatchPages.EngineerFormData(
            engineer: nil, units: [F.branch], lines: [D.line], users: users, taken: [12])
        var typed = DispatchPages.EngineerForm()
        typed.orgUnitId = 2
        typed.skills = [1: 3]
        // when
        let model = DispatchPages.engineerModel(
            form, principal: F.principal([.administrator]), F.localizer(.en), form: typed)
        // then
        #expect(model.userOptions.map(\.value) == ["13"])
        #expect(model.unitOptions.map(\.selected) == [true])
        #expect(model.skills.first?.options.first { $0.selected }?.value == "3")
        #expect(model.id == nil && model.name == nil)
    }

    @Test("home: the lists read for the roles, each with its link, and the figures of the day")
    func home() {
        // given the lists of a hotline agent and the figures of a manager
        let l = F.localizer(.en)
        let data = DeskPages.HomeData(
            new: [F.request], mine: [],
            figures: .init(registeredToday: 12, resolvedToday: 10_000, openNow: [(.registered, 3), (.triaged, 1)]))
        // when
        let model = DeskPages.homeModel(data, principal: F.principal([.hotlineAgent]), l)
        // then
        #expect(model.sections.map(\.id) == ["home-new", "home-mine"])
        #expect(model.sections.map(\.more) == ["/requests?status=registered", "/requests?createdBy=wang%2Eli"])
        #expect(model.sections[0].title == "New requests")
        #expect(model.sections[0].rows.count == 1)
        #expect(model.today.map(\.value) == ["12", l.capped(10_000, cap: 10_000), "3", "1"])
        #expect(model.today[0].label == "Registered today")
        #expect(model.today[2].label == "\(l.t("home.openNow")) · \(l.t("status.registered"))")
        // with no list read but the recent one
        let recent = DeskPages.homeModel(
            DeskPages.HomeData(recent: [F.request]), principal: F.principal([.qualityInspector]), l)
        #expect(recent.sections.map(\.id) == ["home-recent"] && recent.today.isEmpty)
    }

    @Test("request list: links keep the query without the cursor, the filters as typed, a query it could not read")
    func requestList() {
        // given a list asked for triaged requests sorted oldest first, on its second page
        let l = F.localizer(.en)
        var filter = RequestFilter()
        filter.statuses = [.triaged]
        filter.sort = .oldest
        let data = DeskPages.ListData(filter: filter, page: Page(items: [F.request], nextCursor: "n3"), count: 1001)
        var form = DeskPages.ListForm(url: "/requests?status=triaged&cursor=n2&sort=oldest")
        form.serial = "HX-52"
        // when
        let model = DeskPages.listModel(data, principal: F.principal([.hotlineAgent]), l, form: form)
        // then
        #expect(model.next == "/requests?status=triaged&sort=oldest&cursor=n3")
        #expect(model.lists[0].sorts?.number == "/requests?status=triaged&sort=newest")
        #expect(model.lists[0].rows.count == 1)
        #expect(model.count == l.capped(1001, cap: DeskPages.countCap))
        #expect(model.serial == "HX-52" && model.moreOpen)
        #expect(model.statusOptions.first { $0.selected }?.value == "triaged")
        #expect(model.error == nil)
        // a date it could not read: said with the field's name
        form.invalid = ["createdFrom"]
        let failed = DeskPages.listModel(data, principal: F.principal([.hotlineAgent]), l, form: form)
        #expect(failed.error == "Registered from: is not in the expected form")
        form.invalid = []
        #expect(
            DeskPages.listModel(data, principal: F.principal([.hotlineAgent]), l, form: form).error
                == "is not in the expected form")
    }

    @Test("registration: what the search found, the chosen customer's units with their open requests")
    func registration() {
        // given a search for "HX" and the customer chosen, whose press has an open request
        let data = DeskPages.RegistrationData(
            customers: [D.customer], units: [F.unit], customer: D.customer, owned: [F.unit], openRequests: [F.request])
        var form = DeskPages.RegistrationForm()
        form.customerId = 9
        form.unitIds = [31]
        // when
        let l = F.localizer(.en)
        let model = DeskPages.newModel(
            data, principal: F.principal([.hotlineAgent]), l, query: "HX", form: form, today: F.day, nonce: "n-1")
        // then
        #expect(
            model.searched
                && model.found.map(\.link) == ["/requests/new?customerId=9", "/requests/new?customerId=9&unitId=31"])
        #expect(model.customerName == "上海浦江印务有限公司")
        #expect(model.units.map(\.openRequests) == [["SR-2026-000137"]])
        #expect(model.units.map(\.checked) == [true])
        // the warranty as it stands today, with its last day: not "to be determined" while the dates are known
        #expect(model.units.first?.warranty == "In warranty until \(F.unit.warranty!.end)")
        #expect(model.nonce == "n-1")
    }

    @Test("print form: the customer's contact and address where the request has none, printed now")
    func printForm() {
        var view = F.request
        view.contactName = nil
        view.contactPhone = nil
        let l = F.localizer(.zhHans)
        let model = DeskPages.printModel(
            DeskPages.PrintData(view: view, customer: D.customer), principal: F.principal([.hotlineAgent]), l,
            now: F.morning)
        #expect(model.contactName == "陈建国" && model.contactPhone == "021 6435 2210")
        #expect(model.address == "上海市徐汇区漕宝路 1200 号")
        #expect(model.printedAt == l.dateTime(F.morning))
        #expect(model.units.count == 1)
    }

    @Test("customer and unit pages: contacts, units with their warranty today, and the history")
    func customerAndUnit() {
        let l = F.localizer(.en)
        let customer = DeskPages.customerModel(
            DeskPages.CustomerData(customer: D.customer, units: [F.unit], requests: [F.request]),
            principal: F.principal([.hotlineAgent]), l, today: F.day)
        #expect(customer.contacts.map(\.phones) == ["021 6435 2210, 139 1234 5678"])
        #expect(customer.addresses == ["厂区: 上海市徐汇区漕宝路 1200 号"])
        #expect(customer.units.count == 1 && customer.lists[0].rows.count == 1)
        #expect(customer.tier == l.t("tier.key"))
        let unit = DeskPages.unitModel(
            DeskPages.UnitData(unit: F.unit, requests: []), principal: F.principal([.hotlineAgent]), l, today: F.day)
        #expect(unit.warranty == "In warranty until \(F.unit.warranty!.end)")
        #expect(customer.units.first?.warranty == unit.warranty)
        let expired = DeskPages.unitModel(
            DeskPages.UnitData(unit: F.unit, requests: []), principal: F.principal([.hotlineAgent]),
            F.localizer(.zhHans), today: F.unit.warranty!.end.adding(days: 1))
        #expect(expired.warranty == "已过保（\(F.unit.warranty!.end) 到期）")
        #expect(unit.dates.map(\.value) == ["2025-02-10", "—", "—", "2025-03-18"])
        #expect(unit.lists[0].tableId == "unit-history" && unit.lists[0].rows.isEmpty)
    }
}
