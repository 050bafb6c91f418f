import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension PartsPages {
    // MARK: Requisitions

    /// The engineer profile of the caller, when the caller works only as an engineer (sees only their own).
    static func ownEngineer(_ req: Request) async throws -> (ownOnly: Bool, engineer: EngineerRecord.View?) {
        let principal = try req.requirePrincipal()
        let engineer = try await Engineers(req.store).of(userId: principal.userId)
        return (principal.ownRequisitionsOnly, engineer)
    }

    // MARK: Requisition worklist

    /// Reads the requisitions the caller may see: someone who works only their own sees only their own.
    static func requisitionsData(_ req: Request) async throws -> RequisitionsData {
        let principal = try req.requirePrincipal()
        let q = QueryReader(req: req)
        let status = try q.value("status", RequisitionStatus.self)
        var filter = RequisitionFilter(statuses: status.map { [$0] } ?? [])
        if principal.ownRequisitionsOnly {
            filter.engineerId = try await Engineers(req.store).of(userId: principal.userId)?.id ?? -1
        }
        let page = try await Requisitions(req.store).list(filter, page: try q.page())
        return RequisitionsData(status: status, page: page)
    }

    @Sendable func requisitions(_ req: Request) async throws -> Response {
        let model = Self.requisitionsModel(
            try await Self.requisitionsData(req), principal: try req.requirePrincipal(), req.localizer)
        return try await PageRenderer.render("requisitions", title: "requisition.listTitle", model, for: req)
    }
}
