import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension SLAPages {
    // MARK: Compliance report

    @Sendable func report(_ req: Request) async throws -> Response {
        let (from, to) = try QueryReader(req: req).months()
        let rows = try await SLAReports(req.store).compliance(fromMonth: from, toMonth: to)
        let model = Self.reportModel(rows, from: from, to: to, principal: try req.requirePrincipal(), req.localizer)
        return try await PageRenderer.render("sla-report", title: "sla.reportTitle", model, for: req)
    }
}
