import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// R-7: the pages of spare parts: stock balances with expiry warnings, a part's detail with its ledger, the
/// engineer's van on a phone, requisitions (worklist, detail with their steps, printable form, new), purchasing
/// (suggestions, orders, receipts and inspection) and stocktakes (count entry, variance, approval). They call the
/// same use cases as `PartsController`, through the caller's scoped store.
struct PartsPages: Sendable {
    func register(_ root: any RoutesBuilder) {
        root.get("stock", use: stock).requires(.action(.viewStock))
        root.get("parts", ":id", use: part).requires(.action(.viewStock))
        root.get("my", "van", use: van).requires(.action(.requestParts))
        root.get("requisitions", use: requisitions).requires(.action(.viewStock))
        root.get("requisitions", "new", use: newRequisition).requires(.action(.requestParts))
        root.post("requisitions", "new", use: createRequisition).requires(.action(.requestParts))
        root.get("requisitions", ":id", use: requisition).requires(.action(.viewStock))
        root.get("requisitions", ":id", "print", use: printRequisition).requires(.action(.viewStock))
        root.post("requisitions", ":id", "events", use: requisitionEvent).requires(.action(.viewStock))
        root.get("purchasing", use: purchasing).requires(.action(.viewStock))
        root.post("purchasing", "orders", use: createOrder).requires(.action(.managePurchasing))
        root.get("purchasing", "orders", ":id", use: order).requires(.action(.viewStock))
        root.post("purchasing", "orders", ":id", "receive", use: receiveOrder).requires(.action(.managePurchasing))
        root.post("purchasing", "orders", ":id", "receipts", ":receiptId", "inspection", use: inspectReceipt)
            .requires(.action(.managePurchasing))
        root.post("purchasing", "orders", ":id", "close", use: closeOrder).requires(.action(.managePurchasing))
        root.get("stocktakes", use: stocktakes).requires(.action(.viewStock))
        root.post("stocktakes", use: startStocktake).requires(.action(.moveStock))
        root.get("stocktakes", ":id", use: stocktake).requires(.action(.viewStock))
        root.post("stocktakes", ":id", "counts", use: count).requires(.action(.moveStock))
        root.post("stocktakes", ":id", "approve", use: approveStocktake).requires(.action(.approveStocktakes))
        root.post("stocktakes", ":id", "cancel", use: cancelStocktake).requires(.action(.moveStock))
    }

    // MARK: Reading typed amounts

    /// A decimal amount as typed (`12.5`, `12,50`) in minor units.
    static func minor(_ text: String?) -> Int? {
        guard let text, let value = Double(text.replacingOccurrences(of: ",", with: ".")), value >= 0,
            value.isFinite, value * 100 <= Double(Int32.max) * 1000
        else { return nil }
        return Int((value * 100).rounded())
    }

    static func decimal(_ text: String?) -> Double? {
        guard let text else { return nil }
        return Double(text.replacingOccurrences(of: ",", with: "."))
    }

    /// Serials as typed: separated by commas, semicolons, spaces or lines.
    static func serials(_ text: String?) -> [String]? {
        guard let text else { return nil }
        let list = text.split(whereSeparator: { ",;，； \n\r\t".contains($0) }).map(String.init)
        return list.isEmpty ? nil : list
    }

    /// How the parts pages name their fields (`parts.field.…`, then `field.…`).
    static let labels = FieldLabels.area("parts")

    /// The caller's warehouses of these kinds (all but vans by default: one per engineer, they would crowd the
    /// lists), chosen in SQL before the page limit.
    static func warehouses(
        _ req: Request, kinds: [WarehouseKind] = WarehouseKind.allCases.filter { $0 != .van }
    ) async throws -> [WarehouseRecord.View] {
        try await Records<WarehouseRecord>(req.store).list(
            page: PageRequest(limit: 200), filter: .warehouses(kinds: kinds)
        ).items
    }

    static func warehouseOptions(_ list: [WarehouseRecord.View], selected: Int?, _ l: Localizer) -> [SelectOption] {
        list.map {
            SelectOption(
                value: "\($0.id)", label: "\($0.code) · \($0.name) · \(l.t("warehouseKind.\($0.kind.rawValue)"))",
                selected: $0.id == selected)
        }
    }

    struct BalanceRow: Encodable {
        var partId: Int
        var partNumber: String
        var partName: String
        var warehouseId: Int
        var warehouseCode: String
        var warehouseName: String
        var kind: String
        var onHand: String
        var reserved: String
        var available: String
        var inTransit: String
        var inspecting: String
        var unit: String
        var bin: String?
        var reorderPoint: String?
        var low: Bool
    }

    static func row(_ b: StockBalanceView, _ l: Localizer) -> BalanceRow {
        BalanceRow(
            partId: b.partId, partNumber: b.partNumber, partName: b.partName, warehouseId: b.warehouseId,
            warehouseCode: b.warehouseCode, warehouseName: b.warehouseName,
            kind: l.t("warehouseKind.\(b.warehouseKind.rawValue)"), onHand: l.quantity(b.onHand),
            reserved: l.quantity(b.reserved), available: l.quantity(b.available), inTransit: l.quantity(b.inTransit),
            inspecting: l.quantity(b.inspecting), unit: l.unit(b.unit), bin: b.bin,
            reorderPoint: b.reorderPoint.map { l.quantity($0) }, low: b.low)
    }

    struct ExpiryRow: Encodable {
        var partId: Int
        var partNumber: String
        var partName: String
        var warehouseCode: String
        var expiresOn: String
        var quantity: String
        var expired: Bool
    }

    // MARK: Stock

    struct StockModel: Encodable {
        struct Match: Encodable {
            var id: Int
            var partNumber: String
            var name: String
            var link: String
        }

        var q: String
        var partId: Int?
        var low: Bool
        var warehouseOptions: [SelectOption]
        var rows: [BalanceRow]
        var matches: [Match]
        var noMatch: Bool
        var next: String?
        var expiring: [ExpiryRow]
    }

    @Sendable func stock(_ req: Request) async throws -> Response {
        let l = req.localizer
        let store = req.store
        let q = QueryReader(req: req)
        var partId = try q.int("partId")
        let text = try q.string("q")
        let warehouseId = try q.int("warehouse")
        let low = try q.bool("low") ?? false
        var page = try q.page()
        var matches: [StockModel.Match] = []
        var partIds: [Int] = []
        var noMatch = false
        if partId == nil, let text {
            let found = try await Records<PartRecord>(store).list(
                page: PageRequest(limit: 20), filter: .parts(containing: text)
            ).items
            if found.count == 1 {
                partId = found[0].id
            } else {
                partIds = found.map(\.id)
                noMatch = found.isEmpty
                matches = found.map {
                    .init(
                        id: $0.id, partNumber: $0.partNumber, name: $0.name,
                        link: SLAPages.link("/stock", [("partId", "\($0.id)")]))
                }
            }
        }
        let stock = Stock(store)
        var rows: [StockBalanceView] = []
        var next: String?
        if noMatch {
            rows = []
        } else if partId == nil, !partIds.isEmpty {
            page = PageRequest(limit: 50)
            for id in partIds {
                rows += try await stock.balances(
                    BalanceFilter(partId: id, warehouseId: warehouseId, low: low), page: page
                ).items
            }
        } else {
            let result = try await stock.balances(
                BalanceFilter(partId: partId, warehouseId: warehouseId, low: low), page: page)
            rows = result.items
            next = result.nextCursor.map { cursor in
                SLAPages.link(
                    "/stock",
                    [
                        ("partId", partId.map { "\($0)" }), ("q", partId == nil ? text : nil),
                        ("warehouse", warehouseId.map { "\($0)" }), ("low", low ? "1" : nil), ("cursor", cursor),
                    ])
            }
        }
        let expiring = try await stock.expiring(within: 30, warehouseId: warehouseId)
        let model = StockModel(
            q: text ?? "", partId: partId, low: low,
            warehouseOptions: Self.warehouseOptions(try await Self.warehouses(req), selected: warehouseId, l),
            rows: rows.map { Self.row($0, l) }, matches: matches, noMatch: noMatch, next: next,
            expiring: expiring.filter { partId == nil || $0.partId == partId }.map {
                .init(
                    partId: $0.partId, partNumber: $0.partNumber, partName: $0.partName,
                    warehouseCode: $0.warehouseCode, expiresOn: $0.expiresOn, quantity: l.quantity($0.quantity),
                    expired: $0.expired)
            })
        return try await PageRenderer.render("stock", title: "stock.title", model, for: req)
    }

    // MARK: Part

    struct PartModel: Encodable {
        struct Price: Encodable {
            var supplier: String
            var price: String
            var purchaseOrderId: Int?
            var at: String
        }

        struct Entry: Encodable {
            var id: Int
            var at: String
            var actor: String
            var kind: String
            var kindCode: String
            var warehouseCode: String
            var onHand: String
            var reserved: String
            var inTransit: String
            var inspecting: String
            var serial: String?
            var expiresOn: String?
            var requisitionId: Int?
            var purchaseOrderId: Int?
            var stocktakeId: Int?
            var reason: String?
        }

        var id: Int
        var partNumber: String
        var name: String
        var specification: String?
        var unit: String
        var partClass: String
        var serialTracked: Bool
        var shelfLifeDays: String?
        var lastPrice: String?
        var managementFee: String
        var suppliers: [String]
        var archived: Bool
        var onHand: String
        var reserved: String
        var available: String
        var inTransit: String
        var inspecting: String
        var warehouses: [BalanceRow]
        var prices: [Price]
        var ledger: [Entry]
        var next: String?
    }

    @Sendable func part(_ req: Request) async throws -> Response {
        let l = req.localizer
        let store = req.store
        let id = try DeskPages.id(req)
        let part = try await Records<PartRecord>(store).get(id)
        let stock = try await Stock(store).of(partId: id)
        let prices = try await Purchasing(store).prices(partId: id)
        let ledger = try await Stock(store).ledger(
            LedgerFilter(partId: id), page: try QueryReader(req: req).page(defaultLimit: 30))
        let model = PartModel(
            id: part.id, partNumber: part.partNumber, name: part.name, specification: part.specification,
            unit: l.unit(part.unit), partClass: part.partClass.rawValue.uppercased(),
            serialTracked: part.serialTracked, shelfLifeDays: part.shelfLifeDays.map { l.number($0) },
            lastPrice: l.money(part.lastPrice),
            managementFee: DispatchPages.number(part.managementFeePercent, digits: 1, l) + " %",
            suppliers: part.suppliers.map { supplier in
                [supplier.name, supplier.supplierPartNumber].compactMap { $0 }.joined(separator: " · ")
            }, archived: part.archivedAt != nil, onHand: l.quantity(stock.onHand),
            reserved: l.quantity(stock.reserved), available: l.quantity(stock.available),
            inTransit: l.quantity(stock.inTransit), inspecting: l.quantity(stock.inspecting),
            warehouses: stock.warehouses.map { Self.row($0, l) },
            prices: prices.map {
                .init(
                    supplier: $0.supplier, price: l.money($0.price) ?? "", purchaseOrderId: $0.purchaseOrderId,
                    at: l.dateTime($0.at))
            },
            ledger: ledger.items.map { e in
                .init(
                    id: e.id, at: l.dateTime(e.at), actor: e.actor, kind: l.t("movement.\(e.kind.rawValue)"),
                    kindCode: e.kind.rawValue, warehouseCode: e.warehouseCode, onHand: l.quantity(e.onHand),
                    reserved: l.quantity(e.reserved), inTransit: l.quantity(e.inTransit),
                    inspecting: l.quantity(e.inspecting), serial: e.serial ?? e.faultySerial, expiresOn: e.expiresOn,
                    requisitionId: e.requisitionId, purchaseOrderId: e.purchaseOrderId, stocktakeId: e.stocktakeId,
                    reason: e.reason)
            },
            next: ledger.nextCursor.map { SLAPages.link("/parts/\(id)", [("cursor", $0)]) + "#ledger" })
        return try await PageRenderer.render("part", title: "part.title", model, for: req)
    }

    // MARK: Requisitions

    struct RequisitionRow: Encodable {
        var id: Int
        var number: String
        var engineer: String
        var warehouseCode: String
        var status: String
        var statusCode: String
        var lines: String
        var requestNumber: String?
        var visitId: Int?
        var value: String
        var created: String
    }

    static func requisitionRow(_ r: RequisitionView, _ l: Localizer) -> RequisitionRow {
        RequisitionRow(
            id: r.id, number: r.number, engineer: r.engineerName, warehouseCode: r.warehouseCode,
            status: l.t("requisitionStatus.\(r.status.rawValue)"), statusCode: r.status.rawValue,
            lines: r.lines.map { "\($0.partNumber) × \(l.quantity($0.quantity))" }.joined(separator: ", "),
            requestNumber: r.requestNumber, visitId: r.visitId, value: l.money(r.value) ?? "",
            created: l.dateTime(r.createdAt))
    }

    /// The engineer profile of the caller, when the caller works only as an engineer (sees only their own).
    static func ownEngineer(_ req: Request) async throws -> (ownOnly: Bool, engineer: EngineerRecord.View?) {
        let principal = try req.requirePrincipal()
        let engineer = try await Engineers(req.store).of(userId: principal.userId)
        return (PartsController.ownOnly(principal), engineer)
    }

    // MARK: My van

    struct VanModel: Encodable {
        var hasProfile: Bool
        var hasVan: Bool
        var vanCode: String?
        var rows: [BalanceRow]
        var requisitions: [RequisitionRow]
    }

    @Sendable func van(_ req: Request) async throws -> Response {
        let l = req.localizer
        let principal = try req.requirePrincipal()
        let engineer = try await Engineers(req.store).of(userId: principal.userId)
        var rows: [StockBalanceView] = []
        var open: [RequisitionView] = []
        var van: WarehouseRecord.View?
        if let engineer {
            van = try await Stock(req.store).van(engineerId: engineer.id)
            rows = try await Stock(req.store).balances(
                BalanceFilter(engineerId: engineer.id), page: PageRequest(limit: 200)
            ).items
            open = try await Requisitions(req.store).list(
                RequisitionFilter(statuses: [.requested, .approved, .issued], engineerId: engineer.id),
                page: PageRequest(limit: 100)
            ).items
        }
        let model = VanModel(
            hasProfile: engineer != nil, hasVan: van != nil, vanCode: van.map { "\($0.code) · \($0.name)" },
            rows: rows.filter { $0.onHand != 0 || $0.reserved != 0 || $0.inTransit != 0 }.map { Self.row($0, l) },
            requisitions: open.map { Self.requisitionRow($0, l) })
        return try await PageRenderer.render("my-van", title: "van.title", model, for: req)
    }

    // MARK: Requisition worklist

    struct RequisitionsModel: Encodable {
        var statusOptions: [SelectOption]
        var rows: [RequisitionRow]
        var next: String?
        var canRequest: Bool
    }

    @Sendable func requisitions(_ req: Request) async throws -> Response {
        let l = req.localizer
        let principal = try req.requirePrincipal()
        let q = QueryReader(req: req)
        let status = try q.value("status", RequisitionStatus.self)
        var filter = RequisitionFilter(statuses: status.map { [$0] } ?? [])
        if PartsController.ownOnly(principal) {
            filter.engineerId = try await Engineers(req.store).of(userId: principal.userId)?.id ?? -1
        }
        let page = try await Requisitions(req.store).list(filter, page: try q.page())
        let model = RequisitionsModel(
            statusOptions: SelectOption.of(RequisitionStatus.self, prefix: "requisitionStatus", selected: status, l),
            rows: page.items.map { Self.requisitionRow($0, l) },
            next: page.nextCursor.map {
                SLAPages.link("/requisitions", [("status", status?.rawValue), ("cursor", $0)])
            }, canRequest: principal.may(.requestParts))
        return try await PageRenderer.render("requisitions", title: "requisition.listTitle", model, for: req)
    }

    // MARK: Requisition

    struct RequisitionModel: Encodable {
        struct Line: Encodable {
            var partId: Int
            var partNumber: String
            var partName: String
            var unit: String
            var quantity: String
            var issued: String
            var consumed: String
            var returned: String
            var writtenOff: String
            var outstanding: String
            var serials: String
            var unitPrice: String?
        }

        struct Entry: Encodable {
            var at: String
            var actor: String
            var event: String
            var status: String
            var reason: String?
            var detail: String?
        }

        struct EventForm: Encodable {
            var event: String
            var label: String
            var asksReason: Bool
            var needsReason: Bool
            var asksLine: Bool
            var asksVisit: Bool
            var asksSerials: Bool
            var asksFaultySerial: Bool
            var asksIssueSerials: Bool
            var secondary: Bool
        }

        var id: Int
        var number: String
        var engineer: String
        var warehouseCode: String
        var status: String
        var statusCode: String
        var requestNumber: String?
        var visitId: Int?
        var value: String
        var approver: String
        var requestedBy: String
        var created: String
        var note: String?
        var lines: [Line]
        var timeline: [Entry]
        var forms: [EventForm]
        var lineOptions: [SelectOption]
        var errors: [FieldMessage]
    }

    /// The steps `principal` may take now: the state allows them and the roles do (engineer steps also for those
    /// who move stock, as the API allows).
    static func events(_ r: RequisitionView, _ principal: Principal) -> [RequisitionEventKind] {
        r.allowedEvents.filter { $0 != .request && PartsController.may(principal, $0) }
    }

    func requisitionModel(_ req: Request, _ r: RequisitionView, errors: [FieldMessage] = []) throws
        -> RequisitionModel
    {
        let l = req.localizer
        let principal = try req.requirePrincipal()
        let forms = Self.events(r, principal).map { event -> RequisitionModel.EventForm in
            let line: Set<RequisitionEventKind> = [.consume, .returnUnused, .returnFaulty, .writeOff]
            return .init(
                event: event.rawValue, label: l.t("requisitionEvent.\(event.rawValue)"),
                asksReason: [.reject, .writeOff, .cancel].contains(event),
                needsReason: event == .reject || event == .writeOff, asksLine: line.contains(event),
                asksVisit: event == .consume, asksSerials: event == .consume || event == .returnUnused,
                asksFaultySerial: event == .consume || event == .returnFaulty, asksIssueSerials: event == .issue,
                secondary: [.reject, .cancel, .writeOff].contains(event))
        }
        return RequisitionModel(
            id: r.id, number: r.number, engineer: r.engineerName, warehouseCode: r.warehouseCode,
            status: l.t("requisitionStatus.\(r.status.rawValue)"), statusCode: r.status.rawValue,
            requestNumber: r.requestNumber, visitId: r.visitId, value: l.money(r.value) ?? "",
            approver: l.t("role.\(r.approverRole.rawValue)"), requestedBy: r.requestedBy,
            created: l.dateTime(r.createdAt), note: r.note,
            lines: r.lines.map {
                .init(
                    partId: $0.partId, partNumber: $0.partNumber, partName: $0.partName, unit: l.unit($0.unit),
                    quantity: l.quantity($0.quantity), issued: l.quantity($0.issued),
                    consumed: l.quantity($0.consumed), returned: l.quantity($0.returned),
                    writtenOff: l.quantity($0.writtenOff), outstanding: l.quantity($0.outstanding),
                    serials: $0.serials.joined(separator: ", "), unitPrice: l.money($0.unitPrice))
            },
            timeline: r.timeline.map {
                .init(
                    at: l.dateTime($0.at), actor: $0.actor, event: l.t("requisitionEvent.\($0.event.rawValue)"),
                    status: l.t("requisitionStatus.\($0.to.rawValue)"), reason: $0.reason, detail: $0.detail)
            }, forms: forms,
            lineOptions: r.lines.map {
                SelectOption(value: "\($0.partId)", label: "\($0.partNumber) · \($0.partName)", selected: false)
            }, errors: errors)
    }

    /// A requisition the caller may see: engineer-only callers only their own (404 for others).
    static func visibleRequisition(_ req: Request, _ id: Int) async throws -> RequisitionView {
        let view = try await Requisitions(req.store).get(id)
        try await PartsController.checkOwn(view, req)
        return view
    }

    @Sendable func requisition(_ req: Request) async throws -> Response {
        let view = try await Self.visibleRequisition(req, DeskPages.id(req))
        return try await PageRenderer.render(
            "requisition", title: "requisition.title", try requisitionModel(req, view), for: req)
    }

    /// One step on a requisition from a form; a refusal of the store is shown on the page, nothing changed.
    @Sendable func requisitionEvent(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try DeskPages.id(req)
        let view = try await Self.visibleRequisition(req, id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let event = form.value("event", RequisitionEventKind.self, into: &v)
        if event == nil, form.string("event") == nil { v.add("event", .required) }
        if let event, !PartsController.may(principal, event) {
            throw Forbidden(action: PartsController.action(for: event))
        }
        let partId = form.int("partId", into: &v)
        let visitId = form.int("visitId", into: &v)
        var quantity: Double?
        if let text = form.string("quantity") {
            quantity = Self.decimal(text)
            if quantity == nil { v.add("quantity", .invalidFormat(expected: "a number")) }
        }
        var issueSerials: [String: [String]] = [:]
        for line in view.lines {
            if let serials = Self.serials(form.string("issueSerials.\(line.partNumber)")) {
                issueSerials[line.partNumber] = serials
            }
        }
        return try await FormCycle.run(req, labels: Self.labels) {
            try v.finish()
            guard let event else { throw ValidationError(["event": .required]) }
            let input = RequisitionEventInput(
                event: event, reason: form.string("reason"), partId: partId, quantity: quantity,
                serials: Self.serials(form.string("serials")), issueSerials: issueSerials.isEmpty ? nil : issueSerials,
                faultySerial: form.string("faultySerial"), visitId: visitId)
            _ = try await Requisitions(req.store).post(input, to: id, roles: principal.roles, by: principal.actor)
            return req.redirect(to: LocalRedirect.path(form.string("back")) ?? "/requisitions/\(id)")
        } again: { failure in
            let fresh = try await Requisitions(req.store).get(id)
            return try await PageRenderer.render(
                "requisition", title: "requisition.title", try requisitionModel(req, fresh, errors: failure.messages),
                for: req, status: failure.status)
        }
    }

    struct PrintModel: Encodable {
        var id: Int
        var number: String
        var engineer: String
        var warehouseCode: String
        var status: String
        var requestNumber: String?
        var requestedBy: String
        var created: String
        var value: String
        var note: String?
        var lines: [RequisitionModel.Line]
        var printedAt: String
    }

    /// 配件领用单: one requisition, print-friendly, with signature lines.
    @Sendable func printRequisition(_ req: Request) async throws -> Response {
        let l = req.localizer
        let view = try await Self.visibleRequisition(req, DeskPages.id(req))
        let model = try requisitionModel(req, view)
        return try await PageRenderer.render(
            "requisition-print", title: "requisition.printTitle",
            PrintModel(
                id: view.id, number: view.number, engineer: view.engineerName, warehouseCode: view.warehouseCode,
                status: model.status, requestNumber: view.requestNumber, requestedBy: view.requestedBy,
                created: model.created, value: model.value, note: view.note, lines: model.lines,
                printedAt: l.dateTime(req.store.now)), for: req)
    }

    // MARK: New requisition

    struct NewRequisitionModel: Encodable {
        struct Line: Encodable {
            var partNumber: String
            var quantity: String
        }

        struct Part: Encodable {
            var partNumber: String
            var name: String
        }

        var hasProfile: Bool
        var choosesEngineer: Bool
        var engineerOptions: [SelectOption]
        var warehouseOptions: [SelectOption]
        var visitOptions: [SelectOption]
        var parts: [Part]
        var lines: [Line]
        var note: String
        var errors: [FieldMessage]
    }

    struct TypedRequisition {
        var engineerId: Int?
        var warehouseId: Int?
        var visitId: Int?
        var lines: [(String, String)] = []
        var note = ""
    }

    func newRequisitionModel(_ req: Request, typed: TypedRequisition = .init(), errors: [FieldMessage] = [])
        async throws -> NewRequisitionModel
    {
        let l = req.localizer
        let store = req.store
        let (ownOnly, own) = try await Self.ownEngineer(req)
        let issuable = try await Self.warehouses(req, kinds: WarehouseKind.allCases.filter(\.issuable))
        let engineers =
            ownOnly ? [] : try await Records<EngineerRecord>(store).list(page: PageRequest(limit: 200)).items
        let engineerId = typed.engineerId ?? own?.id
        var visits: [VisitView] = []
        if let engineerId {
            var filter = VisitFilter()
            filter.engineerId = engineerId
            filter.statuses = VisitStatus.allCases.filter(\.isOpen)
            visits = try await Visits(store).list(filter, page: PageRequest(limit: 100)).items
        }
        let parts = try await Records<PartRecord>(store).list(page: PageRequest(limit: 200)).items
        var lines = typed.lines.map { NewRequisitionModel.Line(partNumber: $0.0, quantity: $0.1) }
        while lines.count < 5 { lines.append(.init(partNumber: "", quantity: "")) }
        return NewRequisitionModel(
            hasProfile: own != nil || !ownOnly, choosesEngineer: !ownOnly,
            engineerOptions: engineers.map {
                SelectOption(value: "\($0.id)", label: $0.name, selected: $0.id == engineerId)
            },
            warehouseOptions: Self.warehouseOptions(issuable, selected: typed.warehouseId, l),
            visitOptions: visits.map {
                SelectOption(
                    value: "\($0.id)", label: "\($0.requestNumber) · \($0.customerName)",
                    selected: $0.id == typed.visitId)
            }, parts: parts.map { .init(partNumber: $0.partNumber, name: $0.name) }, lines: lines, note: typed.note,
            errors: errors)
    }

    @Sendable func newRequisition(_ req: Request) async throws -> Response {
        var typed = TypedRequisition()
        typed.visitId = try QueryReader(req: req).int("visitId")
        return try await PageRenderer.render(
            "requisition-new", title: "requisition.newTitle", try await newRequisitionModel(req, typed: typed),
            for: req)
    }

    @Sendable func createRequisition(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let store = req.store
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        var typed = TypedRequisition()
        typed.engineerId = form.int("engineerId", into: &v)
        typed.warehouseId = form.int("warehouseId", into: &v)
        typed.visitId = form.int("visitId", into: &v)
        typed.note = form.string("note") ?? ""
        let numbers = form.all("partNumber")
        let quantities = form.all("quantity")
        var lines: [RequisitionInput.Line] = []
        for (index, raw) in numbers.enumerated() {
            let number = raw.trimmingCharacters(in: .whitespaces)
            let text = index < quantities.count ? quantities[index].trimmingCharacters(in: .whitespaces) : ""
            if number.isEmpty && text.isEmpty { continue }
            typed.lines.append((number, text))
            let found = try await Records<PartRecord>(store).list(
                page: PageRequest(limit: 1), filter: .parts(number: number)
            ).items.first
            guard let found else {
                v.add("lines.\(lines.count).partNumber", number.isEmpty ? .required : .notFound)
                continue
            }
            guard let quantity = Self.decimal(text) else {
                v.add("lines.\(lines.count).quantity", text.isEmpty ? .required : .invalidFormat(expected: "a number"))
                continue
            }
            lines.append(.init(partId: found.id, quantity: quantity))
        }
        if typed.lines.isEmpty { v.add("lines", .required) }
        if typed.warehouseId == nil { v.add("warehouseId", .required) }
        return try await FormCycle.run(req, labels: Self.labels) {
            try v.finish()
            let (ownOnly, own) = try await Self.ownEngineer(req)
            var engineerId = typed.engineerId ?? own?.id
            if ownOnly {
                if let other = typed.engineerId, other != own?.id { throw Forbidden(action: .dispatchVisits) }
                engineerId = own?.id
            }
            let view = try await Requisitions(store).create(
                RequisitionInput(
                    engineerId: engineerId, warehouseId: typed.warehouseId ?? 0, visitId: typed.visitId, lines: lines,
                    note: form.string("note")), by: principal.actor)
            return req.redirect(to: "/requisitions/\(view.id)")
        } again: { failure in
            return try await PageRenderer.render(
                "requisition-new", title: "requisition.newTitle",
                try await newRequisitionModel(req, typed: typed, errors: failure.messages), for: req,
                status: failure.status)
        }
    }

    // MARK: Purchasing

    struct PurchasingModel: Encodable {
        struct Suggestion: Encodable {
            var key: String
            var partId: Int
            var partNumber: String
            var partName: String
            var warehouseCode: String
            var available: String
            var onOrder: String
            var openDemand: String
            var position: String
            var reorderPoint: String
            var suggested: String
            var suggestedInput: String
            var unit: String
            var supplier: String?
            var price: String
        }

        struct Order: Encodable {
            var id: Int
            var number: String
            var supplier: String
            var warehouseCode: String
            var status: String
            var statusCode: String
            var expectedOn: String?
            var total: String
            var created: String
        }

        var canOrder: Bool
        var suggestions: [Suggestion]
        var orders: [Order]
        var next: String?
        var errors: [FieldMessage]
    }

    static func key(_ s: PurchaseSuggestion) -> String { "\(s.partId)-\(s.warehouseId)" }

    func purchasingModel(_ req: Request, errors: [FieldMessage] = []) async throws -> PurchasingModel {
        let l = req.localizer
        let principal = try req.requirePrincipal()
        let suggestions = try await Purchasing(req.store).suggestions()
        let orders = try await Purchasing(req.store).list(status: [], page: try QueryReader(req: req).page())
        return PurchasingModel(
            canOrder: principal.may(.managePurchasing),
            suggestions: suggestions.map { s in
                .init(
                    key: Self.key(s), partId: s.partId, partNumber: s.partNumber, partName: s.partName,
                    warehouseCode: s.warehouseCode, available: l.quantity(s.available),
                    onOrder: l.quantity(s.onOrder),
                    openDemand: l.quantity(s.openDemand), position: l.quantity(s.position),
                    reorderPoint: l.quantity(s.reorderPoint), suggested: l.quantity(s.suggested),
                    suggestedInput: s.suggested.formatted(.number.precision(.fractionLength(0...3)).grouping(.never)),
                    unit: l.unit(s.unit), supplier: s.supplier,
                    price: s.lastPrice.map {
                        (Double($0) / 100).formatted(.number.precision(.fractionLength(2)).grouping(.never))
                    } ?? "")
            },
            orders: orders.items.map { o in
                .init(
                    id: o.id, number: o.number, supplier: o.supplier, warehouseCode: o.warehouseCode,
                    status: l.t("purchaseStatus.\(o.status.rawValue)"), statusCode: o.status.rawValue,
                    expectedOn: o.expectedOn, total: l.money(o.total) ?? "", created: l.dateTime(o.createdAt))
            }, next: orders.nextCursor.map { SLAPages.link("/purchasing", [("cursor", $0)]) + "#orders" },
            errors: errors)
    }

    @Sendable func purchasing(_ req: Request) async throws -> Response {
        try await PageRenderer.render("purchasing", title: "purchasing.title", try await purchasingModel(req), for: req)
    }

    /// A purchase order from the checked suggestions: one supplier, one warehouse.
    @Sendable func createOrder(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let l = req.localizer
        let form = try FormReader(req)
        let suggestions = try await Purchasing(req.store).suggestions()
        let picked = Set(form.all("pick"))
        let chosen = suggestions.filter { picked.contains(Self.key($0)) }
        var v = AftercareDomain.Validator()
        var errors: [FieldMessage] = []
        var lines: [PurchaseOrderInput.Line] = []
        for s in chosen {
            let key = Self.key(s)
            guard let quantity = Self.decimal(form.string("quantity.\(key)")) else {
                v.add("quantity", .invalidFormat(expected: "a number"))
                continue
            }
            guard let price = Self.minor(form.string("price.\(key)")) else {
                v.add("unitPrice", .invalidFormat(expected: "an amount"))
                continue
            }
            lines.append(.init(partId: s.partId, quantity: quantity, unitPrice: price))
        }
        if chosen.isEmpty {
            errors.append(PageError.message("lines", "purchasing.error.nothingChecked", [:], Self.labels, l))
        }
        let supplier = form.string("supplier") ?? chosen.first?.supplier
        let suppliers = Set(chosen.map { $0.supplier ?? "" })
        if form.string("supplier") == nil, suppliers.count > 1 {
            errors.append(PageError.message("supplier", "purchasing.error.mixedSupplier", [:], Self.labels, l))
        }
        if Set(chosen.map(\.warehouseId)).count > 1 {
            errors.append(PageError.message("warehouseId", "purchasing.error.mixedWarehouse", [:], Self.labels, l))
        }
        if supplier == nil, !chosen.isEmpty { v.add("supplier", .required) }
        var expected: CalendarDate?
        if let text = form.string("expectedOn") {
            expected = CalendarDate(iso: text)
            if expected == nil { v.add("expectedOn", .invalidFormat(expected: "YYYY-MM-DD")) }
        }
        return try await FormCycle.run(req, labels: Self.labels) {
            if !errors.isEmpty { throw ValidationError([:]) }
            try v.finish()
            let order = try await Purchasing(req.store).create(
                PurchaseOrderInput(
                    supplier: supplier ?? "", warehouseId: chosen[0].warehouseId, expectedOn: expected, lines: lines,
                    note: form.string("note")), by: principal.actor)
            return req.redirect(to: "/purchasing/orders/\(order.id)")
        } again: { failure in
            return try await PageRenderer.render(
                "purchasing", title: "purchasing.title",
                try await purchasingModel(req, errors: errors + failure.messages),
                for: req, status: errors.isEmpty ? failure.status : .unprocessableEntity)
        }
    }

    struct OrderModel: Encodable {
        struct Line: Encodable {
            var id: Int
            var partId: Int
            var partNumber: String
            var partName: String
            var unit: String
            var quantity: String
            var unitPrice: String
            var received: String
            var accepted: String
            var rejected: String
            var open: String
            var openInput: String
        }

        struct Receipt: Encodable {
            var id: Int
            var partNumber: String
            var quantity: String
            var quantityInput: String
            var expiresOn: String?
            var serials: String
            var status: String
            var inspecting: Bool
            var received: String
            var inspected: String?
            var passed: String?
            var failed: String?
            var reason: String?
        }

        var id: Int
        var number: String
        var supplier: String
        var warehouseCode: String
        var status: String
        var statusCode: String
        var expectedOn: String?
        var note: String?
        var total: String
        var lines: [Line]
        var receipts: [Receipt]
        var canManage: Bool
        var canReceive: Bool
        var errors: [FieldMessage]
    }

    func orderModel(_ req: Request, _ o: PurchaseOrderView, errors: [FieldMessage] = []) throws -> OrderModel {
        let l = req.localizer
        let principal = try req.requirePrincipal()
        let numbers = Dictionary(o.lines.map { ($0.id, $0.partNumber) }, uniquingKeysWith: { a, _ in a })
        let open = o.status == .open || o.status == .partiallyReceived
        return OrderModel(
            id: o.id, number: o.number, supplier: o.supplier, warehouseCode: o.warehouseCode,
            status: l.t("purchaseStatus.\(o.status.rawValue)"), statusCode: o.status.rawValue, expectedOn: o.expectedOn,
            note: o.note, total: l.money(o.total) ?? "",
            lines: o.lines.map { line in
                let rest = max(0, line.quantity - line.received)
                return .init(
                    id: line.id, partId: line.partId, partNumber: line.partNumber, partName: line.partName,
                    unit: l.unit(line.unit), quantity: l.quantity(line.quantity),
                    unitPrice: l.money(line.unitPrice) ?? "", received: l.quantity(line.received),
                    accepted: l.quantity(line.accepted), rejected: l.quantity(line.rejected), open: l.quantity(rest),
                    openInput: rest.formatted(.number.precision(.fractionLength(0...3)).grouping(.never)))
            },
            receipts: o.receipts.map { r in
                .init(
                    id: r.id, partNumber: numbers[r.lineId] ?? "#\(r.lineId)", quantity: l.quantity(r.quantity),
                    quantityInput: r.quantity.formatted(.number.precision(.fractionLength(0...3)).grouping(.never)),
                    expiresOn: r.expiresOn, serials: r.serials.joined(separator: ", "),
                    status: l.t("receiptStatus.\(r.status == "inspecting" ? "inspecting" : "inspected")"),
                    inspecting: r.status == "inspecting", received: "\(l.dateTime(r.receivedAt)) · \(r.receivedBy)",
                    inspected: r.inspectedAt.map { "\(l.dateTime($0)) · \(r.inspectedBy ?? "")" },
                    passed: r.passed.map { l.quantity($0) }, failed: r.failed.map { l.quantity($0) },
                    reason: r.reason)
            }, canManage: principal.may(.managePurchasing), canReceive: open && principal.may(.managePurchasing),
            errors: errors)
    }

    @Sendable func order(_ req: Request) async throws -> Response {
        let view = try await Purchasing(req.store).get(DeskPages.id(req))
        return try await PageRenderer.render(
            "purchase-order", title: "purchasing.orderTitle", try orderModel(req, view), for: req)
    }

    func orderFailed(_ req: Request, _ id: Int, _ failure: PageFailure) async throws -> Response {
        let view = try await Purchasing(req.store).get(id)
        return try await PageRenderer.render(
            "purchase-order", title: "purchasing.orderTitle", try orderModel(req, view, errors: failure.messages),
            for: req, status: failure.status)
    }

    @Sendable func receiveOrder(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try DeskPages.id(req)
        let view = try await Purchasing(req.store).get(id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        var lines: [ReceiptLinesInput.Line] = []
        for line in view.lines {
            guard let text = form.string("quantity.\(line.id)") else { continue }
            guard let quantity = Self.decimal(text) else {
                v.add("quantity", .invalidFormat(expected: "a number"))
                continue
            }
            if quantity == 0 { continue }
            var expires: CalendarDate?
            if let date = form.string("expiresOn.\(line.id)") {
                expires = CalendarDate(iso: date)
                if expires == nil { v.add("expiresOn", .invalidFormat(expected: "YYYY-MM-DD")) }
            }
            lines.append(
                .init(
                    lineId: line.id, quantity: quantity, expiresOn: expires,
                    serials: Self.serials(form.string("serials.\(line.id)"))))
        }
        if lines.isEmpty { v.add("quantity", .required) }
        return try await FormCycle.run(req, labels: Self.labels) {
            try v.finish()
            _ = try await Purchasing(req.store).receive(ReceiptLinesInput(lines: lines), order: id, by: principal.actor)
            return req.redirect(to: "/purchasing/orders/\(id)#receipts")
        } again: { failure in
            try await orderFailed(req, id, failure)
        }
    }

    @Sendable func inspectReceipt(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try DeskPages.id(req)
        let receipt = try PartsController.id(req, "receiptId")
        _ = try await Purchasing(req.store).get(id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let passed = Self.decimal(form.string("passed") ?? "0")
        let failed = Self.decimal(form.string("failed") ?? "0")
        if passed == nil { v.add("passed", .invalidFormat(expected: "a number")) }
        if failed == nil { v.add("failed", .invalidFormat(expected: "a number")) }
        return try await FormCycle.run(req, labels: Self.labels) {
            try v.finish()
            _ = try await Purchasing(req.store).inspect(
                InspectionInput(
                    passed: passed ?? 0, failed: failed ?? 0, failedSerials: Self.serials(form.string("failedSerials")),
                    reason: form.string("reason")), receipt: receipt, order: id, by: principal.actor)
            return req.redirect(to: "/purchasing/orders/\(id)#receipts")
        } again: { failure in
            try await orderFailed(req, id, failure)
        }
    }

    @Sendable func closeOrder(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try DeskPages.id(req)
        return try await FormCycle.run(req, labels: Self.labels) {
            _ = try await Purchasing(req.store).close(id, by: principal.actor)
            return req.redirect(to: "/purchasing/orders/\(id)")
        } again: { failure in
            try await orderFailed(req, id, failure)
        }
    }

    // MARK: Stocktakes

    struct StocktakeRow: Encodable {
        var id: Int
        var warehouseCode: String
        var status: String
        var statusCode: String
        var started: String
        var decided: String?
        var counted: String
        var note: String?
    }

    static func stocktakeRow(_ s: StocktakeView, _ l: Localizer) -> StocktakeRow {
        StocktakeRow(
            id: s.id, warehouseCode: s.warehouseCode, status: l.t("stocktakeStatus.\(s.status.rawValue)"),
            statusCode: s.status.rawValue, started: "\(l.dateTime(s.startedAt)) · \(s.startedBy)",
            decided: s.decidedAt.map { "\(l.dateTime($0)) · \(s.decidedBy ?? "")" }, counted: l.number(s.counted),
            note: s.note)
    }

    struct StocktakesModel: Encodable {
        var canStart: Bool
        var warehouseOptions: [SelectOption]
        var rows: [StocktakeRow]
        var next: String?
        var errors: [FieldMessage]
    }

    func stocktakesModel(_ req: Request, selected: Int? = nil, errors: [FieldMessage] = []) async throws
        -> StocktakesModel
    {
        let l = req.localizer
        let principal = try req.requirePrincipal()
        let page = try await Stocktakes(req.store).list(warehouseId: nil, page: try QueryReader(req: req).page())
        let countable = try await Self.warehouses(req)
        return StocktakesModel(
            canStart: principal.may(.moveStock),
            warehouseOptions: Self.warehouseOptions(countable, selected: selected, l),
            rows: page.items.map { Self.stocktakeRow($0, l) },
            next: page.nextCursor.map { SLAPages.link("/stocktakes", [("cursor", $0)]) }, errors: errors)
    }

    @Sendable func stocktakes(_ req: Request) async throws -> Response {
        try await PageRenderer.render(
            "stocktakes", title: "stocktake.listTitle", try await stocktakesModel(req), for: req)
    }

    @Sendable func startStocktake(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let warehouseId = form.int("warehouseId", into: &v)
        if warehouseId == nil { v.add("warehouseId", .required) }
        return try await FormCycle.run(req, labels: Self.labels) {
            try v.finish()
            let take = try await Stocktakes(req.store).start(
                StocktakeInput(warehouseId: warehouseId ?? 0, note: form.string("note")), by: principal.actor)
            return req.redirect(to: "/stocktakes/\(take.id)")
        } again: { failure in
            return try await PageRenderer.render(
                "stocktakes", title: "stocktake.listTitle",
                try await stocktakesModel(req, selected: warehouseId, errors: failure.messages), for: req,
                status: failure.status)
        }
    }

    struct StocktakeModel: Encodable {
        struct Line: Encodable {
            var partId: Int
            var partNumber: String
            var partName: String
            var unit: String
            var bin: String?
            var book: String
            var counted: String?
            var variance: String?
            var varianceCode: String
            var varianceValue: String?
            var countedBy: String?
        }

        var id: Int
        var warehouseCode: String
        var status: String
        var statusCode: String
        var started: String
        var decided: String?
        var note: String?
        var counting: Bool
        var canCount: Bool
        var canApprove: Bool
        var canCancel: Bool
        var lines: [Line]
        var countedLines: String
        var uncountedLines: String
        var linesWithVariance: String
        var netValue: String
        var grossValue: String
        var partNumber: String
        var quantity: String
        var modeOptions: [SelectOption]
        var lastCounted: String?
        var errors: [FieldMessage]
    }

    func stocktakeModel(
        _ req: Request, _ id: Int, partNumber: String = "", quantity: String = "", mode: CountInput.Mode = .set,
        lastCounted: String? = nil, errors: [FieldMessage] = []
    ) async throws -> StocktakeModel {
        let l = req.localizer
        let principal = try req.requirePrincipal()
        let report = try await Stocktakes(req.store).variance(id)
        let take = report.stocktake
        let counting = take.status == .counting
        return StocktakeModel(
            id: take.id, warehouseCode: take.warehouseCode, status: l.t("stocktakeStatus.\(take.status.rawValue)"),
            statusCode: take.status.rawValue, started: "\(l.dateTime(take.startedAt)) · \(take.startedBy)",
            decided: take.decidedAt.map { "\(l.dateTime($0)) · \(take.decidedBy ?? "")" }, note: take.note,
            counting: counting, canCount: counting && principal.may(.moveStock),
            canApprove: counting && principal.may(.approveStocktakes), canCancel: counting && principal.may(.moveStock),
            lines: report.lines.map { line in
                let code =
                    line.variance.map { $0 == 0 ? "none" : ($0 > 0 ? "over" : "short") } ?? "uncounted"
                return .init(
                    partId: line.partId, partNumber: line.partNumber, partName: line.partName,
                    unit: l.unit(line.unit), bin: line.bin, book: l.quantity(line.book),
                    counted: line.counted.map { l.quantity($0) },
                    variance: line.variance.map { ($0 > 0 ? "+" : "") + l.quantity($0) }, varianceCode: code,
                    varianceValue: l.money(line.varianceValue), countedBy: line.countedBy)
            }, countedLines: l.number(report.countedLines), uncountedLines: l.number(report.uncountedLines),
            linesWithVariance: l.number(report.linesWithVariance), netValue: l.money(report.netValue) ?? "",
            grossValue: l.money(report.grossValue) ?? "", partNumber: partNumber, quantity: quantity,
            modeOptions: SelectOption.of(CountInput.Mode.self, prefix: "stocktake.mode", selected: mode, l),
            lastCounted: lastCounted, errors: errors)
    }

    @Sendable func stocktake(_ req: Request) async throws -> Response {
        let id = try DeskPages.id(req)
        let last = try QueryReader(req: req).string("counted")
        return try await PageRenderer.render(
            "stocktake", title: "stocktake.title", try await stocktakeModel(req, id, lastCounted: last), for: req)
    }

    /// One count: a part number (typed or scanned), a quantity, set or add.
    @Sendable func count(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try DeskPages.id(req)
        _ = try await Stocktakes(req.store).get(id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let number = form.string("partNumber")
        let text = form.string("quantity")
        let mode = form.value("mode", CountInput.Mode.self, into: &v) ?? .set
        if number == nil { v.add("partNumber", .required) }
        let quantity = Self.decimal(text)
        if quantity == nil { v.add("quantity", text == nil ? .required : .invalidFormat(expected: "a number")) }
        return try await FormCycle.run(req, labels: Self.labels) {
            try v.finish()
            let line = try await Stocktakes(req.store).count(
                CountInput(partNumber: number, quantity: quantity ?? 0, mode: mode), stocktake: id,
                by: principal.actor)
            return req.redirect(to: SLAPages.link("/stocktakes/\(id)", [("counted", line.partNumber)]))
        } again: { failure in
            let model = try await stocktakeModel(
                req, id, partNumber: number ?? "", quantity: text ?? "", mode: mode, errors: failure.messages)
            return try await PageRenderer.render(
                "stocktake", title: "stocktake.title", model, for: req, status: failure.status)
        }
    }

    func decide(_ req: Request, approve: Bool) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try DeskPages.id(req)
        return try await FormCycle.run(req, labels: Self.labels) {
            if approve {
                _ = try await Stocktakes(req.store).approve(id, by: principal.actor)
            } else {
                _ = try await Stocktakes(req.store).cancel(id, by: principal.actor)
            }
            return req.redirect(to: "/stocktakes/\(id)")
        } again: { failure in
            let model = try await stocktakeModel(req, id, errors: failure.messages)
            return try await PageRenderer.render(
                "stocktake", title: "stocktake.title", model, for: req, status: failure.status)
        }
    }

    @Sendable func approveStocktake(_ req: Request) async throws -> Response { try await decide(req, approve: true) }

    @Sendable func cancelStocktake(_ req: Request) async throws -> Response { try await decide(req, approve: false) }
}
