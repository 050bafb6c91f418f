import AftercareDomain
import Foundation
import Testing

@testable import AftercareServer
@testable import AftercareStore

/// Issue 13: the page models as values: given store views, the acting principal and a localizer, what the page
/// holds. No database, no request.
@Suite("Page models")
struct PageModelTests {
    typealias F = PageFixtures

    @Test("request page: the steps the roles allow, its panels, and names instead of codes")
    func requestDetail() {
        // given a triaged request with one visit, read by a dispatcher in English
        let data = DeskPages.DetailData(
            view: F.request, customerVisible: true, audit: [], sla: nil, visits: [F.visit])
        let dispatcher = F.principal([.dispatcher])
        // when
        let model = DeskPages.detailModel(data, principal: dispatcher, F.localizer(.en))
        // then: the allowed steps the dispatcher may take, each with what its form asks
        #expect(
            model.events.map(\.event) == ["triage", "startService", "resolveRemotely", "waitForCustomer", "cancel"])
        let triage = model.events.first { $0.event == "triage" }
        #expect(triage?.asksCause == true && triage?.asksPriority == true && triage?.needsNote == false)
        #expect(model.events.first { $0.event == "cancel" }?.needsNote == true)
        #expect(model.status == "Triaged" && model.statusCode == "triaged")
        #expect(model.priority == "High")
        #expect(model.created == F.localizer(.en).dateTime(F.at(8, 12)))
        #expect(model.age == F.localizer(.en).duration(seconds: 2880))
        #expect(model.customerName == "上海浦江印务有限公司" && model.customerVisible)
        // the visits panel, with the add form for a dispatcher
        #expect(model.visits?.rows.map(\.sequence) == [1])
        #expect(model.visits?.rows.first?.engineer == "孙海涛")
        #expect(model.visits?.rows.first?.window == F.localizer(.en).window(F.at(14), F.at(16)))
        #expect(model.visits?.canAdd == true)
        #expect(model.sla == nil)
    }

    @Test("request page: an engineer gets only the steps of their work; no visit panel when none was read")
    func requestDetailEngineer() {
        // given the same request for a field engineer, in Chinese, without the visits panel
        let data = DeskPages.DetailData(view: F.request, customerVisible: false, audit: [], sla: nil, visits: nil)
        // when
        let model = DeskPages.detailModel(data, principal: F.principal([.fieldEngineer]), F.localizer(.zhHans))
        // then
        #expect(model.events.map(\.event) == ["startService", "resolveRemotely", "waitForCustomer"])
        #expect(model.status == F.localizer(.zhHans).t("status.triaged"))
        #expect(model.status != "triaged")
        #expect(model.visits == nil)
        #expect(!model.customerVisible)
    }

    @Test("dispatch board: lanes of the unit's engineers, bars on the day's time line, the queue")
    func board() {
        // given the East China board with one scheduled visit and one emergency waiting
        let l = F.localizer(.en)
        // when
        let model = DispatchPages.boardModel(F.board, principal: F.principal([.dispatcher]), l)
        // then: one lane, its visit as a bar from 14:20 (7 h 20 min after 07:00 = 440 min) for 90 min
        #expect(model.lanes.map(\.name) == ["孙海涛"])
        #expect(model.lanes[0].bars.map(\.x) == ["440.0"])
        #expect(model.lanes[0].bars.map(\.width) == ["90.0"])
        #expect(model.lanes[0].items.map(\.time) == [l.clock(F.at(14, 20))])
        #expect(model.hours.first == "07" && model.hours.last == "19")
        // the emergency waits in the queue, by name
        #expect(model.queue.map(\.customerName) == ["苏州吴中包装材料厂"])
        #expect(model.queue.first?.emergency == true)
        #expect(model.queue.first?.priority == "Emergency")
        // links to the neighbouring days, the unit chosen, dispatching allowed
        #expect(model.previous == "/dispatch?unit=2&date=2026-11-29")
        #expect(model.next == "/dispatch?unit=2&date=2026-12-01")
        #expect(model.unitOptions.map(\.selected) == [true])
        #expect(model.canDispatch)
        #expect(model.plan == nil && !model.mapOfPlan)
    }

    @Test("dispatch board: a reader who may not dispatch sees the board without the planner")
    func boardReadOnly() {
        let model = DispatchPages.boardModel(F.board, principal: F.principal([.hotlineAgent]), F.localizer(.es))
        #expect(!model.canDispatch)
        #expect(model.lanes.count == 1)
    }

    @Test("requisition: an issued requisition offers the keeper's steps and the engineer's, by role")
    func requisition() {
        // given an issued requisition
        let l = F.localizer(.en)
        // when read by a warehouse keeper and by the engineer
        let keeper = PartsPages.requisitionModel(F.requisition, principal: F.principal([.warehouseKeeper]), l)
        let engineer = PartsPages.requisitionModel(F.requisition, principal: F.principal([.fieldEngineer]), l)
        // then the keeper may also take the engineer's steps (they move stock); the engineer not the keeper's
        #expect(keeper.forms.map(\.event) == ["consume", "returnUnused", "returnFaulty", "writeOff", "close"])
        #expect(engineer.forms.map(\.event) == ["consume", "returnUnused", "returnFaulty"])
        #expect(keeper.forms.first { $0.event == "writeOff" }?.needsReason == true)
        #expect(engineer.forms.first { $0.event == "consume" }?.asksVisit == true)
        // quantities, money and names in the reader's terms
        #expect(keeper.lines.first?.outstanding == "1")
        #expect(keeper.lines.first?.unitPrice == l.money(64_000))
        #expect(keeper.value == l.money(128_000))
        #expect(keeper.approver == l.t("role.warehouseKeeper"))
        #expect(keeper.timeline.map(\.event) == ["request", "approve", "issue"].map { l.t("requisitionEvent.\($0)") })
        #expect(keeper.lineOptions.map(\.label) == ["FR-200 · 进纸轮"])
    }

    @Test("stocktake: the variance report line by line, the steps by role, and the count form as typed")
    func stocktake() {
        // given a count in progress with a shortage, a surplus and an uncounted line
        let l = F.localizer(.en)
        let typed = PartsPages.CountForm(partNumber: "BLT-90", quantity: "4", mode: .add, lastCounted: "INK-K1")
        // when read by a keeper and by a manager
        let keeper = PartsPages.stocktakeModel(F.stocktake, principal: F.principal([.warehouseKeeper]), l, form: typed)
        let manager = PartsPages.stocktakeModel(F.stocktake, principal: F.principal([.serviceManager]), l)
        // then
        #expect(keeper.lines.map(\.varianceCode) == ["short", "over", "uncounted"])
        #expect(keeper.lines.map(\.variance) == ["-1", "+0.5", nil])
        #expect(keeper.lines[1].book == l.quantity(20.5))
        #expect(keeper.netValue == l.money(-59_500))
        #expect(keeper.uncountedLines == "1")
        #expect(keeper.canCount && !keeper.canApprove && keeper.canCancel)
        #expect(manager.canApprove)
        #expect(keeper.partNumber == "BLT-90" && keeper.quantity == "4" && keeper.lastCounted == "INK-K1")
        #expect(keeper.modeOptions.first { $0.selected }?.value == "add")
        #expect(manager.modeOptions.first { $0.selected }?.value == "set")
    }

    @Test("stocktake: a decided count offers no steps")
    func stocktakeDecided() {
        var report = F.stocktake
        report.stocktake.status = .approved
        let model = PartsPages.stocktakeModel(report, principal: F.principal([.serviceManager]), F.localizer(.en))
        #expect(!model.counting && !model.canCount && !model.canApprove && !model.canCancel)
    }
}
