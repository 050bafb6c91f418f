import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension SLAPages {
    // MARK: Queue

    @Sendable func queue(_ req: Request) async throws -> Response {
        let q = QueryReader(req: req)
        let state = try q.value("state", QueueState.self) ?? .atRisk
        let orgUnitId = try q.int("orgUnitId")
        let page = try await SLAReports(req.store).queue(
            state, orgUnitId: orgUnitId, page: try q.page(defaultLimit: Self.rowsPerPage))
        let model = Self.queueModel(
            page, state: state, orgUnitId: orgUnitId, principal: try req.requirePrincipal(), req.localizer)
        return try await PageRenderer.render("sla-queue", title: "sla.queueTitle", model, for: req)
    }
}
