import AftercareDomain
import Foundation
import Testing

@testable import AftercareServer
@testable import AftercareStore

/// The parts and portal page models as values: given store views, the acting principal and a localizer, what the
/// page holds. No database, no request.
@Suite("Page models: parts and portal")
struct PartsPortalPageModelTests {
    typealias F = PageFixtures

    @Test("stock: the balances of the part chosen, the lots expiring of that part, and the next page's link")
    func stock() {
        // given the feed roller chosen in the main warehouse, low stock only, with another page to come
        let l = F.localizer(.en)
        let data = PartsPages.StockData(
            q: "FR", partId: 11, warehouseId: 4, low: true, balances: [F.balance], nextCursor: "c2",
            expiring: [F.expiring(partId: 11), F.expiring(partId: 12)], warehouses: [F.mainWarehouse])
        // when
        let model = PartsPages.stockModel(data, principal: F.principal([.warehouseKeeper]), l)
        // then: the text is not repeated in the link once a part is chosen
        #expect(model.next == "/stock?partId=11&warehouse=4&low=1&cursor=c2")
        #expect(model.rows.map(\.partNumber) == ["FR-200"])
        #expect(model.rows.first?.kind == l.t("warehouseKind.branch"))
        #expect(model.rows.first?.available == "10" && model.rows.first?.low == true)
        #expect(model.expiring.map(\.partNumber) == ["FR-200"])
        #expect(model.warehouseOptions.map(\.selected) == [true])
        #expect(model.q == "FR" && !model.noMatch && model.matches.isEmpty)
    }

    @Test("stock: a search that names several parts lists them with links, and keeps its text in the next link")
    func stockMatches() {
        let data = PartsPages.StockData(
            q: "进纸", partId: nil, warehouseId: nil, low: false, matches: [F.part, F.partRecord(13, "FR-210")],
            nextCursor: "c3", expiring: [F.expiring(partId: 11), F.expiring(partId: 12)])
        let model = PartsPages.stockModel(data, principal: F.principal([.hotlineAgent]), F.localizer(.zhHans))
        #expect(model.matches.map(\.link) == ["/stock?partId=11", "/stock?partId=13"])
        #expect(model.next == PageLink.make("/stock", [("q", "进纸"), ("cursor", "c3")]))
        #expect(model.expiring.count == 2)
    }

    @Test("part: the catalogue entry, its stock, its prices and its ledger in the reader's terms")
    func part() {
        let l = F.localizer(.en)
        let data = PartsPages.PartData(
            part: F.part, stock: F.partStock,
            prices: [PartPriceView(supplier: "上海精密", price: 64_000, purchaseOrderId: 3, at: F.at(9))],
            ledger: Page(items: [F.ledgerEntry], nextCursor: "l2"))
        let model = PartsPages.partModel(data, principal: F.principal([.warehouseKeeper]), l)
        #expect(model.partClass == "A")
        #expect(model.managementFee == l.number(12.5, digits: 1) + " %")
        #expect(model.suppliers == ["上海精密 · SP-88"])
        #expect(model.onHand == "12" && model.available == "10")
        #expect(model.prices.first?.price == l.money(64_000))
        #expect(model.ledger.first?.kind == l.t("movement.issue") && model.ledger.first?.kindCode == "issue")
        #expect(model.ledger.first?.serial == "S-1")
        #expect(model.next == "/parts/11?cursor=l2#ledger")
    }

    @Test("my van: only the lines with stock, and the open requisitions; no profile, nothing to show")
    func van() {
        var empty = F.balance
        empty.onHand = 0
        empty.reserved = 0
        empty.inTransit = 0
        let data = PartsPages.VanData(
            engineer: F.engineer, van: F.mainWarehouse, balances: [F.balance, empty], open: [F.requisition])
        let model = PartsPages.vanModel(data, principal: F.principal([.fieldEngineer]), F.localizer(.en))
        #expect(model.hasProfile && model.hasVan)
        #expect(model.vanCode == "EC-MAIN · 华东主仓")
        #expect(model.rows.count == 1)
        #expect(model.requisitions.map(\.number) == ["RQ-2026-000021"])
        let none = PartsPages.vanModel(
            PartsPages.VanData(), principal: F.principal([.fieldEngineer]), F.localizer(.en))
        #expect(!none.hasProfile && !none.hasVan && none.vanCode == nil)
    }

    @Test("requisitions: the status chosen, the next page with it, and the request button by role")
    func requisitions() {
        let data = PartsPages.RequisitionsData(
            status: .issued, page: Page(items: [F.requisition], nextCursor: "r2"))
        let l = F.localizer(.en)
        let engineer = PartsPages.requisitionsModel(data, principal: F.principal([.fieldEngineer]), l)
        let agent = PartsPages.requisitionsModel(data, principal: F.principal([.hotlineAgent]), l)
        #expect(engineer.canRequest && !agent.canRequest)
        #expect(engineer.next == "/requisitions?status=issued&cursor=r2")
        #expect(engineer.statusOptions.first { $0.selected }?.value == "issued")
        #expect(engineer.rows.first?.status == "Issued")
    }

    @Test("new requisition: an engineer requests for themselves; a keeper chooses the engineer; five lines at least")
    func newRequisition() {
        let data = PartsPages.NewRequisitionData(
            own: F.engineer, warehouses: [F.mainWarehouse], engineers: [], visits: [F.visit], parts: [F.part])
        var typed = PartsPages.TypedRequisition()
        typed.visitId = 55
        typed.lines = [("FR-200", "2")]
        let l = F.localizer(.en)
        let engineer = PartsPages.newRequisitionModel(data, principal: F.principal([.fieldEngineer]), l, typed: typed)
        #expect(engineer.hasProfile && !engineer.choosesEngineer)
        #expect(engineer.visitOptions.map(\.label) == ["SR-2026-000137 · 上海浦江印务有限公司"])
        #expect(engineer.visitOptions.map(\.selected) == [true])
        #expect(engineer.lines.count == 5 && engineer.lines.first?.quantity == "2")
        #expect(engineer.parts.map(\.partNumber) == ["FR-200"])
        var others = data
        others.own = nil
        others.engineers = [F.engineer]
        let keeper = PartsPages.newRequisitionModel(others, principal: F.principal([.warehouseKeeper]), l)
        #expect(keeper.hasProfile && keeper.choosesEngineer)
        #expect(keeper.engineerOptions.map(\.selected) == [false])
        let stranger = PartsPages.newRequisitionModel(others, principal: F.principal([.fieldEngineer]), l)
        #expect(!stranger.hasProfile)
    }

    @Test("purchasing: the suggestions with their form values, the orders, ordering by role")
    func purchasing() {
        let l = F.localizer(.en)
        let data = PartsPages.PurchasingData(
            suggestions: [F.suggestion], orders: Page(items: [F.order], nextCursor: "o2"))
        let keeper = PartsPages.purchasingModel(data, principal: F.principal([.warehouseKeeper]), l)
        let agent = PartsPages.purchasingModel(data, principal: F.principal([.hotlineAgent]), l)
        #expect(keeper.canOrder && !agent.canOrder)
        #expect(keeper.suggestions.first?.key == "11-4")
        #expect(keeper.suggestions.first?.suggestedInput == "6")
        #expect(keeper.suggestions.first?.price == "640.00")
        #expect(keeper.orders.first?.status == "Partly received")
        #expect(keeper.next == "/purchasing?cursor=o2#orders")
    }

    @Test("purchase order: what is still open, the receipts under inspection, receiving by role and status")
    func order() {
        let l = F.localizer(.en)
        let keeper = PartsPages.orderModel(F.order, principal: F.principal([.warehouseKeeper]), l)
        #expect(keeper.canManage && keeper.canReceive)
        #expect(keeper.lines.first?.open == "4" && keeper.lines.first?.openInput == "4")
        #expect(keeper.receipts.first?.partNumber == "FR-200")
        #expect(keeper.receipts.first?.inspecting == true)
        #expect(keeper.receipts.first?.status == l.t("receiptStatus.inspecting"))
        var closed = F.order
        closed.status = .closed
        let later = PartsPages.orderModel(closed, principal: F.principal([.warehouseKeeper]), l)
        #expect(later.canManage && !later.canReceive)
        #expect(!PartsPages.orderModel(F.order, principal: F.principal([.dispatcher]), l).canManage)
    }

    @Test("stocktakes: the list, the warehouse chosen, starting by role")
    func stocktakes() {
        let data = PartsPages.StocktakesData(
            page: Page(items: [F.stocktake.stocktake], nextCursor: "s2"), warehouses: [F.mainWarehouse])
        let l = F.localizer(.en)
        let keeper = PartsPages.stocktakesModel(data, principal: F.principal([.warehouseKeeper]), l, selected: 4)
        let agent = PartsPages.stocktakesModel(data, principal: F.principal([.hotlineAgent]), l)
        #expect(keeper.canStart && !agent.canStart)
        #expect(keeper.warehouseOptions.map(\.selected) == [true])
        #expect(agent.warehouseOptions.map(\.selected) == [false])
        #expect(keeper.rows.first?.counted == "2" && keeper.rows.first?.statusCode == "counting")
        #expect(keeper.next == "/stocktakes?cursor=s2")
    }

    @Test("portal: the customer's units and requests, the new request form as typed, a request without notes")
    func portal() {
        let l = F.localizer(.zhHant)
        let customer = F.principal([.customer], name: "chen.jianguo", display: "陳建國")
        let home = PortalPages.homeModel(
            PortalPages.HomeData(
                customer: F.customer, units: [F.unit], requests: Page(items: [F.request], nextCursor: "p2")),
            principal: customer, l, today: F.day)
        #expect(home.customerName == "上海浦江印务有限公司")
        #expect(home.units.map(\.serial) == ["HX-5200-0419"])
        #expect(home.units.first?.warranty == UnitRowModel(F.unit, today: F.day, l).warranty)
        #expect(home.requests.map(\.number) == ["SR-2026-000137"])
        #expect(home.next == "/portal?cursor=p2")
        let typed = PortalPages.NewForm(
            unitId: 31, faultDescription: "卡纸", contactName: "陳建國", contactPhone: "021 6435 2210")
        let idle = PortalPages.newModel(
            PortalPages.NewData(units: [F.unit], openRequests: []), principal: customer, l, form: typed, nonce: "n1")
        #expect(idle.units.map(\.label) == ["HX-5200 · HX-5200-0419"] && idle.openRequests.isEmpty)
        #expect(idle.units.map(\.selected) == [true])
        #expect(idle.faultDescription == "卡纸" && idle.nonce == "n1")
        #expect(idle.contactName == "陳建國" && idle.contactPhone == "021 6435 2210")
        // the unit already has a request under way: the form says so before a second one is opened
        let busy = PortalPages.newModel(
            PortalPages.NewData(units: [F.unit], openRequests: [F.request]), principal: customer, l, form: typed,
            nonce: "n1")
        #expect(busy.openRequests.map(\.number) == ["SR-2026-000137"])
        #expect(busy.units.first?.label.contains("服務單 SR-2026-000137 處理中") == true)
        // the customer's own words, and who comes when once a visit is agreed
        let appointment = CustomerAppointment(
            sequence: 1, purpose: .repair, status: .scheduled, engineerName: "孙海涛", windowStart: F.at(10),
            windowEnd: F.at(12), plannedArrival: nil)
        let detail = PortalPages.detailModel(F.request, appointments: [appointment], principal: customer, l)
        #expect(detail.nextStep == l.t("next.triaged"))
        #expect(detail.timeline.count == 2)
        #expect(detail.units.count == 1)
        #expect(detail.faultDescription == F.request.faultDescription)
        #expect(detail.appointments.map(\.engineer) == ["孙海涛"])
        #expect(detail.appointments.first?.when == l.window(F.at(10), F.at(12)))
        #expect(detail.appointments.first?.title == l.visit(TimelineVisit(sequence: 1, purpose: .repair)))
        // R-5.3: the engineer's qualification and the schedule he charges by, once a visit is planned
        #expect(detail.appointments.first?.qualification == nil && detail.tables == nil)
        var qualified = appointment
        qualified.engineerLevel = 3
        qualified.certifications = [
            Certification(name: "电工证", expiresOn: CalendarDate(year: 2027, month: 5, day: 1)),
            Certification(name: "HX 系列认证"),
        ]
        let conduct = PortalPages.detailModel(
            F.request, appointments: [qualified], schedule: F.feeSchedule, principal: customer, l)
        #expect(
            conduct.appointments.first?.qualification
                == "\(l.t("portal.engineerLevel").replacingOccurrences(of: "{n}", with: "3")) · "
                + l.t("portal.certificateUntil").replacingOccurrences(of: "{name}", with: "电工证")
                .replacingOccurrences(of: "{date}", with: "2027-05-01") + " · HX 系列认证")
        #expect(conduct.tables?.unit == "华东分公司" && conduct.tables?.labour.count == 2)
        #expect(conduct.tables?.travel.map(\.amount) == [l.money(5_000) ?? "", l.money(20_000) ?? ""])
        let unplanned = PortalPages.detailModel(F.request, schedule: F.feeSchedule, principal: customer, l)
        #expect(unplanned.tables == nil, "the schedule is shown once a visit is planned")
    }
}

extension PageFixtures {
    // MARK: Parts and portal

    static let mainWarehouse = WarehouseRecord.View(
        id: 4, code: "EC-MAIN", name: "华东主仓", kind: .branch, orgUnitId: 2, engineerId: nil, bins: ["A-03"],
        approvalLimit: 500_000, version: 1, createdAt: at(0), updatedAt: at(0), archivedAt: nil)

    static let balance = StockBalanceView(
        partId: 11, partNumber: "FR-200", partName: "进纸轮", unit: .piece, warehouseId: 4, warehouseCode: "EC-MAIN",
        warehouseName: "华东主仓", warehouseKind: .branch, orgUnitId: 2, onHand: 12, reserved: 2, available: 10,
        inTransit: 0, inspecting: 0, bin: "A-03", reorderPoint: 10, low: true, lastMovementAt: at(8))

    static func expiring(partId: Int) -> ExpiryWarning {
        ExpiryWarning(
            partId: partId, partNumber: partId == 11 ? "FR-200" : "INK-K1", partName: "—", warehouseId: 4,
            warehouseCode: "EC-MAIN", expiresOn: "2026-12-20", quantity: 3, expired: false)
    }

    static func partRecord(_ id: Int, _ number: String) -> PartRecord.View {
        PartRecord.View(
            id: id, partNumber: number, name: "进纸轮", specification: "Ø42", unit: .piece, partClass: .a,
            serialTracked: true, shelfLifeDays: nil, compatibleModelIds: [4],
            suppliers: [PartSupplier(name: "上海精密", supplierPartNumber: "SP-88")], managementFeePercent: 12.5,
            lastPrice: 64_000, version: 1, createdAt: at(0), updatedAt: at(0), archivedAt: nil)
    }

    static let part = partRecord(11, "FR-200")

    static let partStock = PartStockView(
        partId: 11, onHand: 12, reserved: 2, available: 10, inTransit: 0, inspecting: 0, warehouses: [balance])

    static let ledgerEntry = LedgerEntryView(
        id: 90, at: at(9, 40), actor: "qian.wei", kind: .issue, partId: 11, partNumber: "FR-200", warehouseId: 4,
        warehouseCode: "EC-MAIN", onHand: -2, reserved: -2, inTransit: 0, inspecting: 0, serial: "S-1",
        faultySerial: nil, expiresOn: nil, unitCost: 64_000, counterpartWarehouseId: nil, requisitionId: 8,
        visitId: 55, purchaseOrderId: nil, transferId: nil, stocktakeId: nil, correctsId: nil, reason: nil)

    static let suggestion = PurchaseSuggestion(
        partId: 11, partNumber: "FR-200", partName: "进纸轮", unit: .piece, warehouseId: 4, warehouseCode: "EC-MAIN",
        available: 4, inTransit: 0, inspecting: 0, onOrder: 0, openDemand: 0, position: 4, reorderPoint: 10,
        reorderQuantity: 6, suggested: 6, supplier: "上海精密", lastPrice: 64_000)

    static let order = PurchaseOrderView(
        id: 3, number: "PO-2026-000007", supplier: "上海精密", warehouseId: 4, warehouseCode: "EC-MAIN", orgUnitId: 2,
        status: .partiallyReceived, expectedOn: "2026-12-05", note: nil, total: 640_000,
        lines: [
            PurchaseOrderLineView(
                id: 1, partId: 11, partNumber: "FR-200", partName: "进纸轮", unit: .piece, quantity: 10,
                unitPrice: 64_000, received: 6, accepted: 0, rejected: 0)
        ],
        receipts: [
            PurchaseReceiptView(
                id: 2, lineId: 1, quantity: 6, expiresOn: nil, serials: [], status: "inspecting",
                receivedBy: "qian.wei",
                receivedAt: at(8, 30), inspectedBy: nil, inspectedAt: nil, passed: nil, failed: nil, reason: nil)
        ], version: 2, createdAt: at(8), updatedAt: at(8, 30))

    static let customer = CustomerRecord.View(
        id: 9, orgUnitId: 2, name: "上海浦江印务有限公司", kind: .company, tier: .key, contacts: [], addresses: [],
        notes: nil, version: 1, createdAt: at(0), updatedAt: at(0), archivedAt: nil)
}
