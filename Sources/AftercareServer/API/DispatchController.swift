import AftercareDomain
import AftercareStore
import Vapor

/// engineers, visits and their events, assignment recommendations and daily route plans.
struct DispatchController {
    func register(_ api: any RoutesBuilder) {
        RecordController<EngineerRecord>(path: "engineers", read: .viewVisits, write: .manageEngineers) { _, q in
            .engineers(orgUnitId: try q.int("orgUnitId"))
        }.register(api)
        RecordController<DispatchSettingsRecord>(
            path: "dispatch/settings", read: .viewVisits, write: .manageEngineers
        ) { _, _ in .all }.register(api)

        api.post("service-requests", ":id", "visits", use: create).requires(.action(.dispatchVisits))
        let visits = api.grouped("visits")
        visits.get(use: list).requires(.action(.viewVisits))
        visits.get(":id", use: get).requires(.action(.viewVisits))
        visits.post(":id", "events", use: post).requires(.action(.viewVisits))
        visits.get(":id", "recommendations", use: recommendations).requires(.action(.dispatchVisits))

        let routePlans = api.grouped("dispatch", "plans")
        routePlans.get(use: plans).requires(.action(.viewVisits))
        routePlans.post(use: propose).requires(.action(.dispatchVisits))
        routePlans.get(":id", use: plan).requires(.action(.viewVisits))
        routePlans.post(":id", "accept", use: accept).requires(.action(.dispatchVisits))
        routePlans.post(":id", "insert", use: insert).requires(.action(.dispatchVisits))
    }

    static func id(_ req: Request) throws -> Int { try RecordController<EngineerRecord>.id(req) }

    /// `POST /service-requests/{id}/visits`.
    @Sendable func create(_ req: Request) async throws -> Response {
        let requestId = try ServiceRequestController.id(req)
        // Outside the caller's scope answers 404 before anything about the body is said.
        _ = try await ServiceRequests(req.store).get(requestId)
        let input = try JSONBody.create(VisitInput.self, req)
        let view = try await Visits(req.store).create(input, requestId: requestId, by: req.actor)
        let response = try await view.encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/visits/\(view.id)")
        return response
    }

    /// `GET /visits?status=&engineerId=&requestId=&orgUnitId=&date=&unassigned=&mine=`.
    @Sendable func list(_ req: Request) async throws -> Page<VisitView> {
        let q = QueryReader(req: req)
        var filter = VisitFilter()
        filter.statuses = try q.list("status", VisitStatus.self)
        filter.engineerId = try q.int("engineerId")
        filter.requestId = try q.int("requestId")
        filter.orgUnitId = try q.int("orgUnitId")
        filter.date = try q.date("date")
        filter.unassigned = try q.bool("unassigned") ?? false
        if try q.bool("mine") == true {
            let engineer = try await Engineers(req.store).of(userId: req.requirePrincipal().userId)
            // A user who is not an engineer has no visits of their own.
            filter.engineerId = engineer?.id ?? -1
        }
        return try await Visits(req.store).list(filter, page: q.page())
    }

    @Sendable func get(_ req: Request) async throws -> VisitView {
        try await Visits(req.store).get(Self.id(req))
    }

    /// `POST /visits/{id}/events`: dispatchers take any event; engineers the field events of their own visits.
    @Sendable func post(_ req: Request) async throws -> VisitEventResult {
        let id = try Self.id(req)
        let visit = try await Visits(req.store).get(id)
        let body = try JSONBody.object(req)
        let input = try JSONBody.decode(VisitEventInput.self, from: body, ignoring: ["version"])
        let principal = try req.requirePrincipal()
        let needed = Action.for(visit: input.event)
        if !principal.may(.dispatchVisits) {
            guard principal.may(needed) else { throw Forbidden(action: needed) }
            let engineer = try await Engineers(req.store).of(userId: principal.userId)
            guard let engineer, visit.engineerId == engineer.id else { throw Forbidden(action: .dispatchVisits) }
            if let other = input.engineerId, other != engineer.id { throw Forbidden(action: .dispatchVisits) }
        }
        let version =
            body["version"] != nil || req.headers.first(name: .ifMatch) != nil
            ? try JSONBody.expectedVersion(req, body: body) : nil
        return try await Visits(req.store).post(input, to: id, expectedVersion: version, by: req.actor)
    }

    @Sendable func recommendations(_ req: Request) async throws -> [Recommendation] {
        try await DispatchPlanning(req.store).recommendations(for: Self.id(req))
    }

    /// `GET /dispatch/plans?orgUnitId=&date=`.
    @Sendable func plans(_ req: Request) async throws -> [RoutePlanView] {
        let q = QueryReader(req: req)
        guard let unit = try q.int("orgUnitId") else { throw APIError.badRequest("orgUnitId", "is required") }
        guard let date = try q.date("date") else { throw APIError.badRequest("date", "is required") }
        return try await DispatchPlanning(req.store).plans(orgUnitId: unit, date: date)
    }

    struct ProposeInput: Codable {
        var orgUnitId: Int
        var date: CalendarDate
        var seconds: Double?
        var seed: Int?
    }

    /// `POST /dispatch/plans`: runs the optimiser for a unit's day and keeps the proposal.
    @Sendable func propose(_ req: Request) async throws -> Response {
        let input = try JSONBody.create(ProposeInput.self, req)
        var v = Validator()
        if let seed = input.seed, seed < 0 { v.add("seed", .outOfRange(min: 0, max: Int.max)) }
        // The API plans in at most 5 s so that a request never waits long; `aftercare plan` may search longer.
        if let seconds = input.seconds, !(1...5).contains(seconds) { v.add("seconds", .outOfRange(min: 1, max: 5)) }
        try v.finish()
        let plan = try await DispatchPlanning(req.store).propose(
            orgUnitId: input.orgUnitId, date: input.date, seconds: input.seconds ?? 3,
            seed: UInt64(input.seed ?? 1), threads: 1, by: req.actor)
        let response = try await plan.encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/dispatch/plans/\(plan.id)")
        return response
    }

    @Sendable func plan(_ req: Request) async throws -> RoutePlanView {
        try await DispatchPlanning(req.store).get(Self.id(req))
    }

    struct InsertInput: Codable {
        var visitId: Int
    }

    struct AcceptInput: Codable {
        /// The engineers whose routes to accept; all when left out.
        var engineerIds: [Int]?
    }

    /// `POST /dispatch/plans/{id}/insert {visitId}`: an emergency into a proposal, as a new proposal.
    @Sendable func insert(_ req: Request) async throws -> Response {
        let id = try Self.id(req)
        _ = try await DispatchPlanning(req.store).get(id)
        let input = try JSONBody.create(InsertInput.self, req)
        let plan = try await DispatchPlanning(req.store).insert(visitId: input.visitId, into: id, by: req.actor)
        let response = try await plan.encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/dispatch/plans/\(plan.id)")
        return response
    }

    @Sendable func accept(_ req: Request) async throws -> PlanAcceptance {
        let id = try Self.id(req)
        _ = try await DispatchPlanning(req.store).get(id)
        let input = try JSONBody.create(AcceptInput.self, req)
        return try await DispatchPlanning(req.store).accept(id, engineerIds: input.engineerIds, by: req.actor)
    }
}

extension EngineerRecord.View: Content {}
extension DispatchSettingsRecord.View: Content {}
extension VisitView: Content {}
extension VisitEventResult: Content {}
extension Recommendation: Content {}
extension RoutePlanView: Content {}
extension PlanAcceptance: Content {}
