import AftercareDomain
import AftercareStore
import Foundation

extension ReportPages {
    // MARK: The review worklist and the spot checks: their models, from store views alone

    struct ListModel: Encodable {
        struct Row: Encodable {
            var id: Int
            var title: String
            var customer: String
            var engineer: String
            var finished: String
            var status: String
            var statusCode: String
            var result: String
            var repeatRepair: Bool
        }

        var rows: [Row]
        var statusOptions: [SelectOption]
        var repeatOnly: Bool
        var next: String?
    }

    struct ListData {
        var page: Page<ServiceReportView>
        var status: ServiceReportStatus?
        var repeatOnly: Bool
    }

    /// reports newest first, by default those signed and waiting for the department head's review.
    static func listModel(_ data: ListData, _ l: Localizer) -> ListModel {
        ListModel(
            rows: data.page.items.map { report in
                ListModel.Row(
                    id: report.id,
                    title: [report.requestNumber, report.unitSerial].compactMap { $0 }.joined(separator: " · "),
                    customer: report.customerName, engineer: report.engineerName ?? "—",
                    finished: report.finishedAt.map(l.dateTime) ?? "—",
                    status: l.t("reportStatus.\(report.status.rawValue)"), statusCode: report.status.rawValue,
                    result: report.content.result.map { l.t("reportResult.\($0.rawValue)") } ?? "—",
                    repeatRepair: report.repeatOf != nil)
            },
            statusOptions: [SelectOption(value: "", label: l.t("requests.any"), selected: data.status == nil)]
                + ServiceReportStatus.allCases.map {
                    SelectOption(
                        value: $0.rawValue, label: l.t("reportStatus.\($0.rawValue)"), selected: $0 == data.status)
                }, repeatOnly: data.repeatOnly,
            next: data.page.nextCursor.map {
                PageLink.make(
                    "/reports",
                    [("status", data.status?.rawValue ?? ""), ("repeat", data.repeatOnly ? "1" : nil), ("cursor", $0)])
            })
    }

    struct ChecksModel: Encodable {
        struct Row: Encodable {
            var id: Int
            var reportId: Int
            var title: String
            var customer: String
            var engineer: String
            var category: String
            var finished: String
            var why: String
            var status: String
            var statusCode: String
            var reason: String?
            var reworkLink: String?
            var open: Bool
        }

        var rows: [Row]
        var pendingOnly: Bool
        var next: String?
        var errors: [FieldMessage]
    }

    /// the quality inspector's worklist: the longest-waiting sampled job first, why it was taken, and the
    /// verdict forms of those still pending.
    static func checksModel(
        _ page: Page<SpotCheckView>, pendingOnly: Bool, _ l: Localizer, errors: [FieldMessage] = []
    ) -> ChecksModel {
        ChecksModel(
            rows: page.items.map { check in
                ChecksModel.Row(
                    id: check.id, reportId: check.reportId,
                    title: [check.requestNumber, check.unitSerial].compactMap { $0 }.joined(separator: " · "),
                    customer: check.customerName, engineer: check.engineerName ?? "—",
                    category: check.faultCategory ?? "—", finished: check.finishedAt.map(l.dateTime) ?? "—",
                    why: l.t(check.repeatRepair ? "spotChecks.whyRepeat" : "spotChecks.whySample"),
                    status: l.t("spotCheckStatus.\(check.status.rawValue)"), statusCode: check.status.rawValue,
                    reason: check.reason, reworkLink: check.reworkVisitId.map { "/visits/\($0)" },
                    open: check.status == .pending)
            }, pendingOnly: pendingOnly,
            next: page.nextCursor.map {
                PageLink.make("/quality/spot-checks", [("all", pendingOnly ? nil : "1"), ("cursor", $0)])
            }, errors: errors)
    }
}
