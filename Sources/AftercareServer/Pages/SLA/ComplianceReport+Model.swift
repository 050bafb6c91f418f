import AftercareDomain
import AftercareStore
import Foundation

extension SLAPages {
    // MARK: Compliance report: its model, from the store's rows alone

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

    /// the compliance report from the month of `from` to the month of `to` in the reader's language, with
    /// the link to the same months as CSV.
    static func reportModel(
        _ rows: [ComplianceRow], from: CalendarDate, to: CalendarDate, principal: Principal, _ l: Localizer
    ) -> ReportModel {
        func month(_ day: CalendarDate) -> String { String(day.description.prefix(7)) }
        return ReportModel(
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
    }
}
