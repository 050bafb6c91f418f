import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// the customer's service reports in the portal: read, print, and sign (with the ratings) a
/// report the engineer handed in. The store shows a customer only their own reports, never a draft, never the
/// quality spot check.
extension PortalPages {
    func registerReports(_ root: any RoutesBuilder) {
        root.get("portal", "reports", "files", ":id", use: ReportIntake.file).requires(.action(.usePortal))
        root.get("portal", "reports", ":id", use: report).requires(.action(.usePortal))
        root.get("portal", "reports", ":id", "print", use: printReport).requires(.action(.usePortal))
        root.get("portal", "reports", ":id", "signature", use: ReportIntake.signatureImage).requires(
            .action(.usePortal))
        root.on(
            .POST, "portal", "reports", ":id", "sign",
            body: .collect(maxSize: ByteCount(value: ReportIntake.maxSignOff)), use: signReport
        ).requires(.action(.usePortal)).accepts(upTo: ReportIntake.maxSignOff)
    }

    func reportModel(
        _ req: Request, id: Int, signOff: SignOffForm = SignOffForm(), errors: [FieldMessage] = []
    ) async throws -> ServiceReportPage.Model {
        let report = try await req.reports.get(id)
        let data = ServiceReportPage.Data(
            report: report, engineerId: nil, codes: [], consumption: [],
            schedule: try await FeeSchedules(req.store).applicable(
                to: report.orgUnitId, at: report.finishedAt ?? req.store.now))
        return ServiceReportPage.model(
            data, paths: .portal(report), principal: try req.requirePrincipal(), req.localizer, signOff: signOff,
            errors: errors)
    }

    @Sendable func report(_ req: Request) async throws -> Response {
        try await PageRenderer.render(
            "report", title: "reports.title", try await reportModel(req, id: req.pageId()), for: req)
    }

    @Sendable func printReport(_ req: Request) async throws -> Response {
        req.usePrintLanguage()
        return try await PageRenderer.render(
            "report-print", title: "reports.printTitle", try await reportModel(req, id: req.pageId()), for: req)
    }

    /// The customer signs their report and rates the service.
    @Sendable func signReport(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        _ = try await req.reports.get(id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let (typed, signOff) = ReportIntake.signOff(form, signing: true, into: &v)
        return try await FormCycle.run(req, page: "/portal/reports/\(id)", labels: .area("reports")) {
            try v.finish()
            _ = try await req.reports.post(ReportEventInput(.sign, signOff: signOff), to: id, by: principal)
            return req.redirect(to: "/portal/reports/\(id)")
        } again: { failure in
            try await PageRenderer.render(
                "report", title: "reports.title",
                try await reportModel(req, id: id, signOff: typed, errors: failure.messages),
                for: req, status: failure.status)
        }
    }
}
