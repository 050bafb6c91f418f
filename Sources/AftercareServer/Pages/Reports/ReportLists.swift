import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension ReportPages {
    /// `/reports?status=&repeat=`: signed reports waiting for review unless another status is asked for (`status=`
    /// empty: all).
    @Sendable func list(_ req: Request) async throws -> Response {
        let q = QueryReader(req: req)
        let raw = req.query[String.self, at: "status"]
        let status: ServiceReportStatus? =
            raw == nil ? .signed : raw!.isEmpty ? nil : try q.list("status", ServiceReportStatus.self).first
        var filter = ReportFilter()
        filter.statuses = status.map { [$0] } ?? []
        filter.repeatOnly = try q.bool("repeat") ?? false
        let page = try await req.reports.list(filter, page: try q.page(defaultLimit: 25))
        let model = Self.listModel(ListData(page: page, status: status, repeatOnly: filter.repeatOnly), req.localizer)
        return try await PageRenderer.render("reports", title: "reports.listTitle", model, for: req)
    }

    @Sendable func spotChecks(_ req: Request) async throws -> Response {
        try await renderChecks(req)
    }

    func renderChecks(_ req: Request, errors: [FieldMessage] = [], status: HTTPStatus = .ok) async throws -> Response {
        let q = QueryReader(req: req)
        let pendingOnly = !(try q.bool("all") ?? false)
        var filter = SpotCheckFilter()
        if pendingOnly { filter.statuses = [.pending] }
        let page = try await SpotChecks(req.store).list(filter, page: try q.page(defaultLimit: 25))
        let model = Self.checksModel(page, pendingOnly: pendingOnly, req.localizer, errors: errors)
        return try await PageRenderer.render(
            "spot-checks", title: "spotChecks.title", model, for: req, status: status)
    }

    /// A verdict: `event=pass`, or `event=fail` with the reason (which opens rework).
    @Sendable func verdict(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        _ = try await SpotChecks(req.store).get(id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let event = form.value("event", SpotCheckEventKind.self, into: &v)
        if form.string("event") == nil { v.add("event", .required) }
        return try await FormCycle.run(req, page: "/quality/spot-checks", labels: .area("spotChecks")) {
            try v.finish()
            _ = try await SpotChecks(req.store).post(
                SpotCheckEvent(event!, reason: form.string("reason")), to: id, by: principal.actor)
            return req.redirect(to: "/quality/spot-checks")
        } again: { failure in
            try await renderChecks(req, errors: failure.messages, status: failure.status)
        }
    }
}
