import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension SLAPages {
    // MARK: Compliance report

    struct ReportModel: Encodable {
        struct Row: Encodable {
            var month: String
            var branch: String
            var policy: String
            var target: String
            var met: String
            var breached: String
            var percent: String
        }

        var from: String
        var to: String
        var rows: [Row]
        var csv: String
    }

    @Sendable func report(_ req: Request) async throws -> Response {
        let l = req.localizer
        let (from, to) = try QueryReader(req: req).months()
        let rows = try await SLAReports(req.store).compliance(fromMonth: from, toMonth: to)
        func month(_ day: CalendarDate) -> String { String(day.description.prefix(7)) }
        let model = ReportModel(
            from: month(from), to: month(to),
            rows: rows.map {
                .init(
                    month: $0.month, branch: $0.branchName, policy: $0.policyName,
                    target: l.t("slaTarget.\($0.target.rawValue)"), met: l.number($0.met),
                    breached: l.number($0.breached),
                    percent: $0.compliancePercent.formatted(
                        .number.precision(.fractionLength(1)).locale(l.locale)) + " %")
            },
            csv: PageLink.make("/api/v1/sla/compliance.csv", [("from", month(from)), ("to", month(to))]))
        return try await PageRenderer.render("sla-report", title: "sla.reportTitle", model, for: req)
    }
}
