import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// periodic customer visits (the plan's rules, the generator, the visits held or cancelled),
/// customer committee meetings, and mystery-shopping inspections with their trends. Visits and meetings are for
/// those who plan customer visits (account managers, service managers, administrators); mystery shopping for
/// management only, and never for the unit inspected (the store decides which inspections a caller sees).
struct VoiceController: Sendable {
    func register(_ api: any RoutesBuilder) {
        let plan = api.grouped("visit-plan")
        plan.get("rules", use: rules).requires(.action(.planCustomerVisits))
        plan.put("rules", use: setRules).requires(.action(.planCustomerVisits))
        plan.post("run", use: run).requires(.action(.planCustomerVisits))
        let visits = api.grouped("customer-visits")
        visits.get(use: list).requires(.action(.planCustomerVisits))
        visits.post(":id", "record", use: record).requires(.action(.planCustomerVisits))
        visits.post(":id", "cancel", use: cancel).requires(.action(.planCustomerVisits))
        let meetings = api.grouped("committee-meetings")
        meetings.get(use: meetingList).requires(.action(.planCustomerVisits))
        meetings.post(use: recordMeeting).requires(.action(.planCustomerVisits))
        meetings.post(":id", "decisions", ":index", "done", use: decisionDone).requires(.action(.planCustomerVisits))
        let mystery = api.grouped("mystery-inspections")
        mystery.get(use: inspections).requires(.action(.mysteryShopping))
        mystery.post(use: recordInspection).requires(.action(.mysteryShopping))
        mystery.get(":id", use: inspection).requires(.action(.mysteryShopping))
        api.get("reports", "mystery-shopping", use: trends).requires(.action(.mysteryShopping))
    }

    static func id(_ req: Request) throws -> Int { try RecordController<FeeScheduleRecord>.id(req) }

    // MARK: The plan

    /// The visit plan: which tiers are visited, by whom, how often (months).
    struct RulesBody: Content {
        var rules: [VisitPlanRule]
    }

    /// `GET /visit-plan/rules`: the plan set, or the seeds' while none was.
    @Sendable func rules(_ req: Request) async throws -> RulesBody {
        RulesBody(rules: try await CustomerVisits(req.store).rules())
    }

    /// `PUT /visit-plan/rules {rules: [{tier, visitor, months}]}`.
    @Sendable func setRules(_ req: Request) async throws -> RulesBody {
        let body = try JSONBody.create(RulesBody.self, req)
        return RulesBody(rules: try await CustomerVisits(req.store).setRules(body.rules, by: req.actor))
    }

    struct RunResult: Content {
        /// How many visits were planned now (0 when the plan was up to date).
        var planned: Int
    }

    /// `POST /visit-plan/run`: plans the visits due within the horizon for the customers the caller sees.
    @Sendable func run(_ req: Request) async throws -> RunResult {
        RunResult(planned: try await CustomerVisits(req.store).plan(today: req.store.today, by: req.actor))
    }

    // MARK: Visits

    /// `GET /customer-visits?status=&overdue=true&visitor=&customerId=`: by due day, held and cancelled ones latest
    /// first.
    @Sendable func list(_ req: Request) async throws -> Page<CustomerVisitView> {
        let q = QueryReader(req: req)
        let filter = CustomerVisitFilter(
            status: try q.value("status", CustomerVisitStatus.self), overdue: try q.bool("overdue") ?? false,
            visitor: try q.value("visitor", Visitor.self), customerId: try q.int("customerId"))
        return try await CustomerVisits(req.store).list(filter, page: q.page())
    }

    /// `POST /customer-visits/{id}/record {heldOn, visitedBy, metWith, topics, satisfaction, opportunities, notes,
    /// expectedVersion}`.
    @Sendable func record(_ req: Request) async throws -> CustomerVisitView {
        let visits = CustomerVisits(req.store)
        _ = try await visits.get(Self.id(req))
        let input = try JSONBody.create(CustomerVisitRecordInput.self, req)
        return try await visits.record(Self.id(req), input, by: req.actor)
    }

    struct CancelInput: Codable {
        var reason: String
        var expectedVersion: Int?
    }

    /// `POST /customer-visits/{id}/cancel {reason}`.
    @Sendable func cancel(_ req: Request) async throws -> CustomerVisitView {
        let visits = CustomerVisits(req.store)
        _ = try await visits.get(Self.id(req))
        let input = try JSONBody.create(CancelInput.self, req)
        return try await visits.cancel(
            Self.id(req), reason: input.reason, expectedVersion: input.expectedVersion, by: req.actor)
    }

    // MARK: Committee meetings

    /// `GET /committee-meetings`: the latest held first.
    @Sendable func meetingList(_ req: Request) async throws -> Page<CommitteeMeetingView> {
        try await CustomerVisits(req.store).meetings(page: QueryReader(req: req).page())
    }

    /// `POST /committee-meetings {orgUnitId, heldOn, place, attendees, minutes, decisions: [{text, owner, dueOn,
    /// done}]}`.
    @Sendable func recordMeeting(_ req: Request) async throws -> Response {
        let input = try JSONBody.create(CommitteeMeetingInput.self, req)
        let view = try await CustomerVisits(req.store).recordMeeting(input, by: req.actor)
        return try await view.encodeResponse(status: .created, for: req)
    }

    /// `POST /committee-meetings/{id}/decisions/{index}/done`: the decision (from 0, as recorded) is done.
    @Sendable func decisionDone(_ req: Request) async throws -> CommitteeMeetingView {
        let visits = CustomerVisits(req.store)
        let id = try Self.id(req)
        _ = try await visits.meeting(id)
        guard let index = req.parameters.get("index", as: Int.self), index >= 0 else {
            throw APIError.badRequest("index", "must be a whole number from 0")
        }
        return try await visits.markDecisionDone(id, index: index, by: req.actor)
    }

    // MARK: Mystery shopping

    /// `GET /mystery-inspections?orgUnitId=`: the inspections the caller may see, the latest first.
    @Sendable func inspections(_ req: Request) async throws -> Page<MysteryInspectionView> {
        let q = QueryReader(req: req)
        return try await MysteryShopping(req.store).list(
            orgUnitId: try q.int("orgUnitId"), page: q.page(), for: req.requirePrincipal())
    }

    /// `POST /mystery-inspections {orgUnitId, engineerId, inspectedOn, scenario, scores: {criterion: 1–5}, findings,
    /// inspector}`.
    @Sendable func recordInspection(_ req: Request) async throws -> Response {
        let input = try JSONBody.create(MysteryInspectionInput.self, req)
        let view = try await MysteryShopping(req.store).record(input, by: req.requirePrincipal())
        let response = try await view.encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/mystery-inspections/\(view.id)")
        return response
    }

    @Sendable func inspection(_ req: Request) async throws -> MysteryInspectionView {
        try await MysteryShopping(req.store).get(Self.id(req), for: req.requirePrincipal())
    }

    /// `GET /reports/mystery-shopping?from=&to=`: per unit and month, by default the last twelve months.
    @Sendable func trends(_ req: Request) async throws -> MysteryTrends {
        let q = QueryReader(req: req)
        let to = try q.date("to") ?? req.store.today
        let from = try q.date("from") ?? to.adding(months: -12).adding(days: 1)
        return try await MysteryShopping(req.store).trends(from: from, to: to, for: req.requirePrincipal())
    }
}

extension CustomerVisitView: Content {}
extension CommitteeMeetingView: Content {}
extension MysteryInspectionView: Content {}
extension MysteryTrends: Content {}
