import AftercareDomain
import AftercareStore
import Vapor

/// parts, warehouses and stock rules; stock, the ledger and movements; requisitions; purchasing; stocktakes;
/// reports. Thin: decode, check who may, call the store, encode.
struct PartsController {
    func register(_ api: any RoutesBuilder) {
        RecordController<PartRecord>(path: "parts", read: .viewStock, write: .manageParts) { _, q in
            .parts(containing: try q.string("q"))
        }.register(api)
        RecordController<WarehouseRecord>(path: "warehouses", read: .viewStock, write: .manageParts) { _, q in
            .warehouses(
                kinds: try q.value("kind", WarehouseKind.self).map { [$0] } ?? [], orgUnitId: try q.int("orgUnitId"))
        }.register(api)
        RecordController<StockRuleRecord>(path: "stock-rules", read: .viewStock, write: .manageParts) { _, q in
            .stockRules(partId: try q.int("partId"), warehouseId: try q.int("warehouseId"))
        }.register(api)

        api.get("parts", ":id", "stock", use: partStock).requires(.action(.viewStock))
        api.get("parts", ":id", "prices", use: prices).requires(.action(.viewStock))
        api.post("parts", "import", use: importCatalogue).requires(.action(.manageParts))

        let stock = api.grouped("stock")
        stock.get(use: balances).requires(.action(.viewStock))
        stock.get("ledger", use: ledger).requires(.action(.viewStock))
        stock.get("ledger.csv", use: ledgerCSV).requires(.action(.viewStock))
        stock.get("ledger", ":id", use: ledgerEntry).requires(.action(.viewStock))
        stock.post("ledger", ":id", "correct", use: correct).requires(.action(.moveStock))
        // The proof reads the whole ledger: for those who keep the stock, not for every reader.
        stock.get("verify", use: verify).requires(.action(.manageParts))
        stock.get("expiring", use: expiring).requires(.action(.viewStock))
        stock.get("serials", use: serial).requires(.action(.viewStock))
        stock.post("receipts", use: receive).requires(.action(.moveStock))
        stock.post("issues", use: issue).requires(.action(.moveStock))
        stock.post("returns", use: giveBack).requires(.action(.moveStock))
        stock.post("write-offs", use: writeOff).requires(.action(.moveStock))
        stock.get("transfers", use: transfers).requires(.action(.viewStock))
        stock.post("transfers", use: transfer).requires(.action(.moveStock))
        stock.post("transfers", ":id", "receive", use: receiveTransfer).requires(.action(.moveStock))
        stock.post("opening-balances", "import", use: importBalances).requires(.action(.moveStock))

        let requisitions = api.grouped("requisitions")
        requisitions.get(use: requisitionList).requires(.action(.viewStock))
        requisitions.post(use: requisitionCreate).requires(.action(.requestParts))
        requisitions.get(":id", use: requisition).requires(.action(.viewStock))
        requisitions.post(":id", "events", use: requisitionEvent).requires(.action(.viewStock))
        api.post("visits", ":id", "requisitions", use: requisitionFromVisit).requires(.action(.requestParts))

        api.get("purchase-suggestions", use: suggestions).requires(.action(.viewStock))
        let orders = api.grouped("purchase-orders")
        orders.get(use: orderList).requires(.action(.viewStock))
        orders.post(use: orderCreate).requires(.action(.managePurchasing))
        orders.get(":id", use: order).requires(.action(.viewStock))
        orders.post(":id", "receipts", use: orderReceive).requires(.action(.managePurchasing))
        orders.post(":id", "receipts", ":receiptId", "inspection", use: orderInspect)
            .requires(.action(.managePurchasing))
        orders.post(":id", "close", use: orderClose).requires(.action(.managePurchasing))

        let takes = api.grouped("stocktakes")
        takes.get(use: stocktakeList).requires(.action(.viewStock))
        takes.post(use: stocktakeStart).requires(.action(.moveStock))
        takes.get(":id", use: stocktake).requires(.action(.viewStock))
        takes.get(":id", "variance", use: variance).requires(.action(.viewStock))
        takes.post(":id", "counts", use: count).requires(.action(.moveStock))
        takes.post(":id", "approve", use: stocktakeApprove).requires(.action(.approveStocktakes))
        takes.post(":id", "cancel", use: stocktakeCancel).requires(.action(.moveStock))

        let reports = api.grouped("reports", "parts")
        reports.get("consumption", use: consumption).requires(.action(.viewStock))
        reports.get("value", use: stockValue).requires(.action(.viewStock))
        reports.get("slow-movers", use: slowMovers).requires(.action(.viewStock))
        reports.get("stock-outs", use: stockOuts).requires(.action(.viewStock))
    }

    static func id(_ req: Request, _ name: String = "id") throws -> Int {
        guard let text = req.parameters.get(name), let id = Int(text), id > 0 else {
            throw APIError(status: .notFound, code: "not_found", message: "no record with that id")
        }
        return id
    }

    static func created<T: Content & Identifiable>(_ view: T, _ path: String, _ req: Request) async throws -> Response
    where T.ID == Int {
        let response = try await view.encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/\(path)/\(view.id)")
        return response
    }

    // MARK: Parts and stock

    @Sendable func partStock(_ req: Request) async throws -> PartStockView {
        try await Stock(req.store).of(partId: Self.id(req))
    }

    @Sendable func prices(_ req: Request) async throws -> [PartPriceView] {
        try await Purchasing(req.store).prices(partId: Self.id(req))
    }

    /// `POST /parts/import?mode=allOrNothing|validRowsOnly&dryRun=`: a CSV body.
    @Sendable func importCatalogue(_ req: Request) async throws -> ImportOutcome {
        let (text, mode, dryRun) = try Self.importRequest(req)
        return try await PartsTransfer(req.store).importCatalogue(text, mode: mode, dryRun: dryRun, by: req.actor)
    }

    @Sendable func importBalances(_ req: Request) async throws -> ImportOutcome {
        let (text, mode, dryRun) = try Self.importRequest(req)
        return try await PartsTransfer(req.store).importBalances(text, mode: mode, dryRun: dryRun, by: req.actor)
    }

    static func importRequest(_ req: Request) throws -> (String, ImportMode, Bool) {
        let q = QueryReader(req: req)
        guard let buffer = req.body.data, buffer.readableBytes > 0 else {
            throw APIError.badRequest("body", "must be a UTF-8 CSV file", code: "invalid_body")
        }
        // Invalid UTF-8 refuses the file, naming the line (never replaced by U+FFFD and stored damaged).
        let text = try CSV.text(utf8: buffer.readableBytesView)
        return (text, try q.value("mode", ImportMode.self) ?? .allOrNothing, try q.bool("dryRun") ?? false)
    }

    /// `GET /stock?partId=&warehouseId=&kind=&engineerId=&low=&mine=`.
    @Sendable func balances(_ req: Request) async throws -> Page<StockBalanceView> {
        let q = QueryReader(req: req)
        var filter = BalanceFilter(
            partId: try q.int("partId"), warehouseId: try q.int("warehouseId"),
            kind: try q.value("kind", WarehouseKind.self),
            engineerId: try q.int("engineerId"), low: try q.bool("low") ?? false)
        if try q.bool("mine") == true {
            let engineer = try await Engineers(req.store).of(userId: req.requirePrincipal().userId)
            filter.engineerId = engineer?.id ?? -1
        }
        return try await Stock(req.store).balances(filter, page: q.page())
    }

    static func ledgerFilter(_ req: Request) throws -> LedgerFilter {
        let q = QueryReader(req: req)
        return LedgerFilter(
            partId: try q.int("partId"), warehouseId: try q.int("warehouseId"),
            kinds: try q.list("kind", MovementKind.self),
            from: try q.instant("from", timeZone: req.store.timeZone),
            to: try q.instant("to", timeZone: req.store.timeZone))
    }

    @Sendable func ledger(_ req: Request) async throws -> Page<LedgerEntryView> {
        try await Stock(req.store).ledger(Self.ledgerFilter(req), page: QueryReader(req: req).page())
    }

    @Sendable func ledgerCSV(_ req: Request) async throws -> Response {
        let filter = try Self.ledgerFilter(req)
        let store = req.store
        return CSVResponse.make(filename: "stock-ledger.csv") { emit in
            try await PartsTransfer(store).exportLedger(filter, emit)
        }
    }

    struct CorrectionInput: Codable {
        var reason: String
    }

    @Sendable func correct(_ req: Request) async throws -> MovementResult {
        let id = try Self.id(req)
        _ = try await Stock(req.store).entry(id)
        let input = try JSONBody.create(CorrectionInput.self, req)
        return try await Stock(req.store).correct(entryId: id, reason: input.reason, by: req.actor)
    }

    struct Verification: Content {
        var consistent: Bool
        var mismatches: [BalanceMismatch]
    }

    @Sendable func verify(_ req: Request) async throws -> Verification {
        let mismatches = try await Stock(req.store).verify()
        return Verification(consistent: mismatches.isEmpty, mismatches: mismatches)
    }

    @Sendable func expiring(_ req: Request) async throws -> [ExpiryWarning] {
        let q = QueryReader(req: req)
        let days = try q.int("days") ?? 30
        guard (0...3650).contains(days) else { throw APIError.badRequest("days", "must be between 0 and 3650") }
        return try await Stock(req.store).expiring(within: days, warehouseId: try q.int("warehouseId"))
    }

    @Sendable func serial(_ req: Request) async throws -> SerialView {
        let q = QueryReader(req: req)
        guard let part = try q.int("partId") else { throw APIError.badRequest("partId", "is required") }
        guard let serial = try q.string("serial", max: Limits.code) else {
            throw APIError.badRequest("serial", "is required")
        }
        guard let view = try await Stock(req.store).serial(partId: part, serial: serial) else {
            throw APIError(status: .notFound, code: "not_found", message: "no serial \(serial) of part \(part)")
        }
        return view
    }

    @Sendable func receive(_ req: Request) async throws -> Response {
        let input = try JSONBody.create(ReceiptInput.self, req)
        return try await Stock(req.store).receive(input, by: req.actor).encodeResponse(status: .created, for: req)
    }

    @Sendable func issue(_ req: Request) async throws -> Response {
        let input = try JSONBody.create(MovementInput.self, req)
        return try await Stock(req.store).issue(input, by: req.actor).encodeResponse(status: .created, for: req)
    }

    @Sendable func giveBack(_ req: Request) async throws -> Response {
        let input = try JSONBody.create(MovementInput.self, req)
        return try await Stock(req.store).returnUnused(input, by: req.actor).encodeResponse(status: .created, for: req)
    }

    @Sendable func writeOff(_ req: Request) async throws -> Response {
        let input = try JSONBody.create(MovementInput.self, req)
        return try await Stock(req.store).writeOff(input, by: req.actor).encodeResponse(status: .created, for: req)
    }

    @Sendable func transfer(_ req: Request) async throws -> Response {
        let input = try JSONBody.create(MovementInput.self, req)
        return try await Stock(req.store).transfer(input, by: req.actor).encodeResponse(status: .created, for: req)
    }

    @Sendable func ledgerEntry(_ req: Request) async throws -> LedgerEntryView {
        try await Stock(req.store).entry(Self.id(req))
    }

    @Sendable func receiveTransfer(_ req: Request) async throws -> MovementResult {
        try await Stock(req.store).receiveTransfer(Self.id(req), by: req.actor)
    }

    @Sendable func transfers(_ req: Request) async throws -> Page<TransferView> {
        let q = QueryReader(req: req)
        let status = try q.string("status")
        if let status, !["shipped", "received"].contains(status) {
            throw APIError.badRequest("status", "must be one of: shipped, received")
        }
        return try await Stock(req.store).transfers(status: status, page: q.page())
    }

    // MARK: Requisitions

    /// Whether the caller works only as an engineer: then only their own requisitions and engineer steps.
    @Sendable func requisitionList(_ req: Request) async throws -> Page<RequisitionView> {
        let q = QueryReader(req: req)
        var filter = RequisitionFilter(
            statuses: try q.list("status", RequisitionStatus.self), engineerId: try q.int("engineerId"),
            warehouseId: try q.int("warehouseId"), visitId: try q.int("visitId"))
        let principal = try req.requirePrincipal()
        if try q.bool("mine") == true || principal.ownRequisitionsOnly {
            filter.engineerId = try await Engineers(req.store).of(userId: principal.userId)?.id ?? -1
        }
        return try await Requisitions(req.store).list(filter, page: q.page())
    }

    @Sendable func requisitionCreate(_ req: Request) async throws -> Response {
        var input = try JSONBody.create(RequisitionInput.self, req)
        let principal = try req.requirePrincipal()
        if principal.ownRequisitionsOnly || input.engineerId == nil {
            let own = try await Engineers(req.store).of(userId: principal.userId)
            if principal.ownRequisitionsOnly, let other = input.engineerId, other != own?.id {
                throw Forbidden(action: .dispatchVisits)
            }
            input.engineerId = input.engineerId ?? own?.id
        }
        let view = try await Requisitions(req.store).create(input, by: req.actor)
        return try await Self.created(view, "requisitions", req)
    }

    struct FromVisitInput: Codable {
        var warehouseId: Int
    }

    @Sendable func requisitionFromVisit(_ req: Request) async throws -> Response {
        let visitId = try Self.id(req)
        let visit = try await Visits(req.store).get(visitId)
        let input = try JSONBody.create(FromVisitInput.self, req)
        let principal = try req.requirePrincipal()
        if principal.ownRequisitionsOnly {
            let own = try await Engineers(req.store).of(userId: principal.userId)
            guard let own, visit.engineerId == own.id else { throw Forbidden(action: .dispatchVisits) }
        }
        let view = try await Requisitions(req.store).fromVisit(visitId, warehouseId: input.warehouseId, by: req.actor)
        return try await Self.created(view, "requisitions", req)
    }

    @Sendable func requisition(_ req: Request) async throws -> RequisitionView {
        try await Requisitions(req.store).get(Self.id(req), for: req.requirePrincipal())
    }

    @Sendable func requisitionEvent(_ req: Request) async throws -> RequisitionView {
        let id = try Self.id(req)
        _ = try await Requisitions(req.store).get(id, for: req.requirePrincipal())
        let input = try JSONBody.create(RequisitionEventInput.self, req)
        let principal = try req.requirePrincipal()
        guard principal.may(requisition: input.event) else {
            throw Forbidden(action: Action.for(requisition: input.event))
        }
        return try await Requisitions(req.store).post(input, to: id, roles: principal.roles, by: req.actor)
    }

    // MARK: Purchasing

    @Sendable func suggestions(_ req: Request) async throws -> [PurchaseSuggestion] {
        try await Purchasing(req.store).suggestions(warehouseId: QueryReader(req: req).int("warehouseId"))
    }

    @Sendable func orderList(_ req: Request) async throws -> Page<PurchaseOrderView> {
        let q = QueryReader(req: req)
        return try await Purchasing(req.store).list(
            status: try q.list("status", PurchaseOrderStatus.self), page: q.page())
    }

    @Sendable func orderCreate(_ req: Request) async throws -> Response {
        let input = try JSONBody.create(PurchaseOrderInput.self, req)
        return try await Self.created(
            try await Purchasing(req.store).create(input, by: req.actor), "purchase-orders", req)
    }

    @Sendable func order(_ req: Request) async throws -> PurchaseOrderView {
        try await Purchasing(req.store).get(Self.id(req))
    }

    @Sendable func orderReceive(_ req: Request) async throws -> PurchaseOrderView {
        let id = try Self.id(req)
        _ = try await Purchasing(req.store).get(id)
        let input = try JSONBody.create(ReceiptLinesInput.self, req)
        return try await Purchasing(req.store).receive(input, order: id, by: req.actor)
    }

    @Sendable func orderInspect(_ req: Request) async throws -> PurchaseOrderView {
        let id = try Self.id(req)
        let receipt = try Self.id(req, "receiptId")
        _ = try await Purchasing(req.store).get(id)
        let input = try JSONBody.create(InspectionInput.self, req)
        return try await Purchasing(req.store).inspect(input, receipt: receipt, order: id, by: req.actor)
    }

    @Sendable func orderClose(_ req: Request) async throws -> PurchaseOrderView {
        try await Purchasing(req.store).close(Self.id(req), by: req.actor)
    }

    // MARK: Stocktakes

    @Sendable func stocktakeList(_ req: Request) async throws -> Page<StocktakeView> {
        let q = QueryReader(req: req)
        return try await Stocktakes(req.store).list(warehouseId: try q.int("warehouseId"), page: q.page())
    }

    @Sendable func stocktakeStart(_ req: Request) async throws -> Response {
        let input = try JSONBody.create(StocktakeInput.self, req)
        return try await Self.created(try await Stocktakes(req.store).start(input, by: req.actor), "stocktakes", req)
    }

    @Sendable func stocktake(_ req: Request) async throws -> StocktakeView {
        try await Stocktakes(req.store).get(Self.id(req))
    }

    @Sendable func variance(_ req: Request) async throws -> VarianceReport {
        try await Stocktakes(req.store).variance(Self.id(req))
    }

    @Sendable func count(_ req: Request) async throws -> VarianceLine {
        let id = try Self.id(req)
        _ = try await Stocktakes(req.store).get(id)
        let input = try JSONBody.create(CountInput.self, req)
        return try await Stocktakes(req.store).count(input, stocktake: id, by: req.actor)
    }

    @Sendable func stocktakeApprove(_ req: Request) async throws -> VarianceReport {
        try await Stocktakes(req.store).approve(Self.id(req), by: req.actor)
    }

    @Sendable func stocktakeCancel(_ req: Request) async throws -> VarianceReport {
        try await Stocktakes(req.store).cancel(Self.id(req), by: req.actor)
    }

    // MARK: Reports

    static func period(_ req: Request) throws -> (Date, Date) {
        let q = QueryReader(req: req)
        let to = try q.instant("to", timeZone: req.store.timeZone) ?? req.store.now
        let from = try q.instant("from", timeZone: req.store.timeZone) ?? to.addingTimeInterval(-90 * 86400)
        guard from < to else { throw APIError.badRequest("from", "must be before to") }
        return (from, to)
    }

    @Sendable func consumption(_ req: Request) async throws -> [ConsumptionRow] {
        let (from, to) = try Self.period(req)
        let by = try QueryReader(req: req).value("by", ConsumptionDimension.self) ?? .model
        return try await StockReports(req.store).consumption(by: by, from: from, to: to)
    }

    @Sendable func stockValue(_ req: Request) async throws -> [StockValueRow] {
        try await StockReports(req.store).value()
    }

    @Sendable func slowMovers(_ req: Request) async throws -> [SlowMover] {
        let days = try QueryReader(req: req).int("days") ?? 180
        guard (1...3650).contains(days) else { throw APIError.badRequest("days", "must be between 1 and 3650") }
        return try await StockReports(req.store).slowMovers(days: days)
    }

    @Sendable func stockOuts(_ req: Request) async throws -> [StockOutRow] {
        let (from, to) = try Self.period(req)
        return try await StockReports(req.store).stockOuts(from: from, to: to)
    }
}

extension PartRecord.View: Content {}
extension WarehouseRecord.View: Content {}
extension StockRuleRecord.View: Content {}
extension StockBalanceView: Content {}
extension PartStockView: Content {}
extension LedgerEntryView: Content {}
extension MovementResult: Content {}
extension TransferView: Content {}
extension SerialView: Content {}
extension ExpiryWarning: Content {}
extension RequisitionView: Content {}
extension PurchaseSuggestion: Content {}
extension PurchaseOrderView: Content {}
extension PartPriceView: Content {}
extension StocktakeView: Content {}
extension VarianceReport: Content {}
extension VarianceLine: Content {}
extension ImportOutcome: Content {}
extension ConsumptionRow: Content {}
extension StockValueRow: Content {}
extension SlowMover: Content {}
extension StockOutRow: Content {}
