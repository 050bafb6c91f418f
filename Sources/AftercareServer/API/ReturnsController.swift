import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// return cases and the organisation's return rules. Everyone who works returns reads them (viewReturns); the
/// desk opens cases (openReturns); which step a caller may take depends on the step (`Action.for(returnEvent:)`),
/// checked in `post`.
struct ReturnsController: Sendable {
    func register(_ api: any RoutesBuilder) {
        let cases = api.grouped("return-cases")
        cases.get(use: list).requires(.action(.viewReturns))
        cases.post(use: open).requires(.action(.openReturns))
        cases.get(":id", use: get).requires(.action(.viewReturns))
        cases.post(":id", "events", use: post).requires(.action(.viewReturns))
        cases.get(":id", "events", use: timeline).requires(.action(.viewReturns))
        cases.get(":id", "audit", use: audit).requires(.action(.viewAudit))
        api.get("service-requests", ":id", "return-cases", use: ofRequest).requires(.action(.viewReturns))
        api.get("return-rules", use: rules).requires(.action(.viewReturns))
        api.put("return-rules", use: setRules).requires(.action(.approveReturns))
    }

    static func id(_ req: Request) throws -> Int { try RecordController<FeeScheduleRecord>.id(req) }

    /// `GET /return-cases?status=&depotUnitId=&customerId=&requestId=`, newest first.
    @Sendable func list(_ req: Request) async throws -> Page<ReturnCaseView> {
        let q = QueryReader(req: req)
        let filter = ReturnCaseFilter(
            statuses: try q.list("status", ReturnStatus.self), depotUnitId: try q.int("depotUnitId"),
            customerId: try q.int("customerId"), requestId: try q.int("requestId"))
        return try await ReturnCases(req.store).list(filter, page: q.page())
    }

    /// `POST /return-cases {requestId | customerId + unitIds, reason, wish, shipping, …}`.
    @Sendable func open(_ req: Request) async throws -> Response {
        let input = try JSONBody.create(ReturnCaseInput.self, req)
        let view = try await ReturnCases(req.store).open(input, by: req.actor)
        let response = try await view.encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/return-cases/\(view.id)")
        return response
    }

    @Sendable func get(_ req: Request) async throws -> ReturnCaseView {
        try await ReturnCases(req.store).get(Self.id(req))
    }

    /// `POST /return-cases/{id}/events {event, note, expectedVersion, …what the step carries}`.
    @Sendable func post(_ req: Request) async throws -> ReturnCaseView {
        let id = try Self.id(req)
        // Another branch's case is not found, whatever the body says.
        _ = try await ReturnCases(req.store).get(id)
        let input = try JSONBody.create(ReturnStepInput.self, req)
        let needed = Action.for(returnEvent: input.event)
        guard try req.requirePrincipal().may(needed) else { throw Forbidden(action: needed) }
        return try await ReturnCases(req.store).post(input, to: id, by: req.actor)
    }

    @Sendable func timeline(_ req: Request) async throws -> [ReturnCaseEventView] {
        try await ReturnCases(req.store).timeline(Self.id(req))
    }

    @Sendable func audit(_ req: Request) async throws -> Page<AuditEntry> {
        try await ReturnCases(req.store).audit(Self.id(req), page: QueryReader(req: req).page())
    }

    @Sendable func ofRequest(_ req: Request) async throws -> [ReturnCaseView] {
        try await ReturnCases(req.store).of(request: Self.id(req))
    }

    @Sendable func rules(_ req: Request) async throws -> ReturnRules {
        try await ReturnCases(req.store).rules()
    }

    /// `PUT /return-rules {depotUnitId, approvalLimitMinor, currency, exchangeWarranty: {basis, months}}`.
    @Sendable func setRules(_ req: Request) async throws -> ReturnRules {
        let rules = try JSONBody.create(ReturnRules.self, req)
        return try await ReturnCases(req.store).setRules(rules, by: req.actor)
    }
}

extension ReturnCaseView: Content {}
extension ReturnCaseEventView: Content {}
extension ReturnRules: Content {}

/// R-8 item 4, R-8.4, R-4.5: the depot's repair orders, the nonconforming products and the loaner pools.
struct DepotController: Sendable {
    func register(_ api: any RoutesBuilder) {
        let cases = api.grouped("return-cases", ":id")
        cases.get("repair", use: repair).requires(.action(.viewReturns))
        cases.put("repair", use: writeRepair).requires(.action(.workDepot))
        cases.post("parts", use: useParts).requires(.action(.workDepot))
        cases.get("loans", use: caseLoans).requires(.action(.viewReturns))
        let loaners = api.grouped("loaners")
        loaners.get(use: pool).requires(.action(.viewReturns))
        loaners.post(use: createLoaner).requires(.action(.workDepot))
        loaners.get("overdue", use: overdue).requires(.action(.viewReturns))
        loaners.get(":id", use: loaner).requires(.action(.viewReturns))
        loaners.post(":id", "lend", use: lend).requires(.action(.lendLoaners))
        loaners.post(":id", "return", use: giveBack).requires(.action(.lendLoaners))
        loaners.post(":id", "retire", use: retire).requires(.action(.workDepot))
        let records = api.grouped("nonconformities")
        records.get(use: nonconformities).requires(.action(.viewReturns))
        records.get(":id", use: nonconformity).requires(.action(.viewReturns))
        records.patch(":id", use: updateNonconformity).requires(.action(.checkQuality))
        api.get("reports", "nonconformities", use: table).requires(.action(.viewReturns))
    }

    static func id(_ req: Request) throws -> Int { try ReturnsController.id(req) }

    @Sendable func repair(_ req: Request) async throws -> DepotRepairView {
        try await ReturnCases(req.store).repair(Self.id(req))
    }

    /// `PUT /return-cases/{id}/repair {diagnosis, actions, tests, labourMinutes, technician, expectedVersion}`.
    @Sendable func writeRepair(_ req: Request) async throws -> DepotRepairView {
        _ = try await ReturnCases(req.store).get(Self.id(req))
        let input = try JSONBody.create(DepotRepairInput.self, req)
        return try await ReturnCases(req.store).writeRepair(Self.id(req), input, by: req.actor)
    }

    /// `POST /return-cases/{id}/parts {partId, quantity, warehouseId, serials}`.
    @Sendable func useParts(_ req: Request) async throws -> DepotRepairView {
        _ = try await ReturnCases(req.store).get(Self.id(req))
        let input = try JSONBody.create(DepotPartInput.self, req)
        return try await ReturnCases(req.store).useParts(Self.id(req), input, by: req.actor)
    }

    @Sendable func caseLoans(_ req: Request) async throws -> [LoanView] {
        try await Loaners(req.store).loans(ofCase: Self.id(req))
    }

    /// `GET /loaners?orgUnitId=&status=`.
    @Sendable func pool(_ req: Request) async throws -> Page<LoanerView> {
        let q = QueryReader(req: req)
        return try await Loaners(req.store).pool(
            orgUnitId: try q.int("orgUnitId"), status: try q.value("status", LoanerStatus.self), page: q.page())
    }

    @Sendable func createLoaner(_ req: Request) async throws -> Response {
        let view = try await Loaners(req.store).create(JSONBody.create(LoanerInput.self, req), by: req.actor)
        let response = try await view.encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/loaners/\(view.id)")
        return response
    }

    @Sendable func overdue(_ req: Request) async throws -> [LoanView] {
        try await Loaners(req.store).overdue()
    }

    @Sendable func loaner(_ req: Request) async throws -> LoanerView {
        try await Loaners(req.store).get(Self.id(req))
    }

    /// `POST /loaners/{id}/lend {customerId | caseId | visitId, dueOn, note}`.
    @Sendable func lend(_ req: Request) async throws -> LoanerView {
        _ = try await Loaners(req.store).get(Self.id(req))
        let input = try JSONBody.create(LoanInput.self, req)
        return try await Loaners(req.store).lend(Self.id(req), input, by: req.actor)
    }

    struct ReturnNote: Decodable {
        var note: String?
    }

    /// `POST /loaners/{id}/return {note}`.
    @Sendable func giveBack(_ req: Request) async throws -> LoanerView {
        _ = try await Loaners(req.store).get(Self.id(req))
        let body = req.body.data.map { $0.readableBytes > 0 } == true ? try JSONBody.create(ReturnNote.self, req) : nil
        return try await Loaners(req.store).giveBack(Self.id(req), note: body?.note, by: req.actor)
    }

    @Sendable func retire(_ req: Request) async throws -> LoanerView {
        try await Loaners(req.store).retire(Self.id(req), by: req.actor)
    }

    static func filter(_ q: QueryReader) throws -> NonconformityFilter {
        NonconformityFilter(
            from: try q.date("from"), to: try q.date("to"), status: try q.value("status", NonconformityStatus.self),
            caseId: try q.int("caseId"))
    }

    /// `GET /nonconformities?from=&to=&status=&caseId=`, newest first.
    @Sendable func nonconformities(_ req: Request) async throws -> Page<NonconformityView> {
        let q = QueryReader(req: req)
        return try await Nonconformities(req.store).list(Self.filter(q), page: q.page())
    }

    @Sendable func nonconformity(_ req: Request) async throws -> NonconformityView {
        try await Nonconformities(req.store).get(Self.id(req))
    }

    /// `PATCH /nonconformities/{id} {faultCodeId, analysis, disposition, inspectionRecord, costMinor, close}`.
    @Sendable func updateNonconformity(_ req: Request) async throws -> NonconformityView {
        _ = try await Nonconformities(req.store).get(Self.id(req))
        let input = try JSONBody.create(NonconformityInput.self, req)
        return try await Nonconformities(req.store).update(Self.id(req), input, by: req.actor)
    }

    /// `GET /reports/nonconformities?by=model|cause|responsibility|disposition|month&from=&to=`: the 不合格品统计表.
    @Sendable func table(_ req: Request) async throws -> [NonconformityRow] {
        let q = QueryReader(req: req)
        let by = try q.value("by", NonconformityDimension.self) ?? .model
        return try await Nonconformities(req.store).table(Self.filter(q), by: by)
    }
}

extension DepotRepairView: Content {}
extension LoanerView: Content {}
extension LoanView: Content {}
extension NonconformityView: Content {}
extension NonconformityRow: Content {}
