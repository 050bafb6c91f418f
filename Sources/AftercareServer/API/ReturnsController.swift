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
