import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension DispatchPages {
    // MARK: The visit's service reports: a panel of the visit page, and the form that opens a report

    struct ReportsPanel: Encodable {
        struct Row: Encodable {
            var unitId: Int?
            var unit: String
            var reportId: Int?
            var status: String?
            var statusCode: String?
            var repeatRepair: Bool
            var canOpen: Bool
        }

        var rows: [Row]
        /// The visit is not finished yet: reports are written once it is.
        var waiting: Bool
    }

    /// One row per unit of the request (one row when it has none): its report, or the button that opens it for
    /// whoever writes the visit's reports.
    static func reportsPanel(
        _ visit: VisitView, units: [RequestUnitView], reports: [ServiceReportView], principal: Principal,
        engineer: EngineerRecord.View?, _ l: Localizer
    ) -> ReportsPanel {
        let finished = visit.status == .completed || visit.status == .incomplete
        let writes = ServiceReports.writes(visitEngineer: visit.engineerId, principal, engineerId: engineer?.id)
        let targets: [(Int?, String)] =
            units.isEmpty
            ? [(nil, l.t("reports.wholeVisit"))] : units.map { ($0.unitId, "\($0.modelCode) · \($0.serialNumber)") }
        return ReportsPanel(
            rows: targets.map { unitId, label in
                let report = reports.first { $0.unitId == unitId }
                return .init(
                    unitId: unitId, unit: label, reportId: report?.id,
                    status: report.map { l.t("reportStatus.\($0.status.rawValue)") },
                    statusCode: report?.status.rawValue, repeatRepair: report?.repeatOf != nil,
                    canOpen: report == nil && finished && writes)
            }, waiting: !finished)
    }

    /// `POST /visits/{id}/reports` (`unitId`): opens the report and goes to it; a refusal stays on the visit.
    @Sendable func openReport(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        _ = try await Visits(req.store).get(id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let unitId = form.int("unitId", into: &v)
        return try await FormCycle.run(req, page: "/visits/\(id)", labels: .area("reports")) {
            try v.finish()
            let report = try await req.reports.open(visitId: id, unitId: unitId, by: principal)
            return req.redirect(to: "/reports/\(report.id)")
        } again: { failure in
            try await PageRenderer.render(
                "visit", title: "visit.title", try await visitModel(req, id: id, errors: failure.messages), for: req,
                status: failure.status)
        }
    }
}
