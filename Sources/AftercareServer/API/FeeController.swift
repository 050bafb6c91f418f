import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// the JSON API of fee schedules and pricing. Everyone who works requests reads the schedules and prices jobs
/// (viewFees); service managers publish and withdraw schedules (manageFees).
struct FeeController: Sendable {
    func register(_ api: any RoutesBuilder) {
        let schedules = api.grouped("fee-schedules")
        schedules.get(use: list).requires(.action(.viewFees))
        schedules.post(use: publish).requires(.action(.manageFees))
        schedules.get("applicable", use: applicable).requires(.action(.viewFees))
        schedules.get(":id", use: get).requires(.action(.viewFees))
        schedules.post(":id", "withdraw", use: withdraw).requires(.action(.manageFees))
        schedules.get(":id", "audit", use: audit).requires(.action(.viewAudit))
        api.post("pricing", use: price).requires(.action(.viewFees))
    }

    static func id(_ req: Request) throws -> Int {
        try RecordController<FeeScheduleRecord>.id(req)
    }

    @Sendable func list(_ req: Request) async throws -> Page<FeeScheduleRecord.View> {
        let q = QueryReader(req: req)
        return try await Records<FeeScheduleRecord>(req.store).list(
            page: try q.page(), includeArchived: try q.bool("includeArchived") ?? false, descending: true,
            filter: .feeSchedules(orgUnitId: try q.int("orgUnitId")))
    }

    @Sendable func publish(_ req: Request) async throws -> Response {
        let input = try JSONBody.create(FeeScheduleRecord.Input.self, req)
        let made = try await FeeSchedules(req.store).publish(input, by: req.actor)
        let response = try await made.encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/fee-schedules/\(made.id)")
        return response
    }

    @Sendable func get(_ req: Request) async throws -> FeeScheduleRecord.View {
        try await Records<FeeScheduleRecord>(req.store).get(Self.id(req))
    }

    /// The schedule that applies to a unit on a day (today in the unit's time zone by default).
    @Sendable func applicable(_ req: Request) async throws -> FeeScheduleRecord.View {
        let q = QueryReader(req: req)
        guard let unitId = try q.int("orgUnitId") else {
            throw APIError.badRequest("orgUnitId", "is required", code: "required")
        }
        let fees = FeeSchedules(req.store)
        guard try await fees.sees(unitId) else { throw RecordNotFound(entity: OrgUnitRecord.entity, id: unitId) }
        let day = try await fees.day(try q.date("date"), of: unitId)
        guard let schedule = try await fees.applicable(to: unitId, on: day) else {
            throw NoFeeSchedule(orgUnitId: unitId, date: day)
        }
        return schedule
    }

    @Sendable func withdraw(_ req: Request) async throws -> FeeScheduleRecord.View {
        try await FeeSchedules(req.store).withdraw(Self.id(req), by: req.actor)
    }

    @Sendable func audit(_ req: Request) async throws -> Page<AuditEntry> {
        try await Records<FeeScheduleRecord>(req.store).audit(Self.id(req), page: QueryReader(req: req).page())
    }

    @Sendable func price(_ req: Request) async throws -> PricingQuote {
        let input = try JSONBody.create(PricingRequest.self, req)
        return try await FeeSchedules(req.store).price(input)
    }
}

extension FeeScheduleRecord.View: Content {}
extension PricingQuote: Content {}
