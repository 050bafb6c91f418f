import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// the pages of service reports: one report (written on My day's phone, signed on its canvas, reviewed), its
/// print form (售后服务报告单), the review worklist and the quality spot checks. They call the same use cases as
/// `ReportController`, through the caller's scoped store.
struct ReportPages: Sendable {
    func register(_ root: any RoutesBuilder) {
        root.get("reports", use: list).requires(.action(.viewVisits))
        root.get("reports", "files", ":id", use: ReportIntake.file).requires(.action(.viewVisits))
        root.get("reports", ":id", use: report).requires(.action(.viewVisits))
        root.get("reports", ":id", "print", use: print).requires(.action(.viewVisits))
        root.get("reports", ":id", "signature", use: ReportIntake.signatureImage).requires(.action(.viewVisits))
        root.post("reports", ":id", use: save).requires(.action(.viewVisits))
        root.on(
            .POST, "reports", ":id", "photos", body: .collect(maxSize: ByteCount(value: ReportIntake.maxUpload)),
            use: photos
        ).requires(.action(.viewVisits)).accepts(upTo: ReportIntake.maxUpload)
        root.on(
            .POST, "reports", ":id", "sign", body: .collect(maxSize: ByteCount(value: ReportIntake.maxSignOff)),
            use: sign
        ).requires(.action(.viewVisits)).accepts(upTo: ReportIntake.maxSignOff)
        root.post("reports", ":id", "events", use: event).requires(.action(.viewVisits))
        root.get("quality", "spot-checks", use: spotChecks).requires(.action(.checkQuality))
        root.post("quality", "spot-checks", ":id", use: verdict).requires(.action(.checkQuality))
    }

    /// The report form's fields under `reports.field.…`; a photo's problem names the photo (`files.2` → "photo 3").
    static let labels = FieldLabels.area("reports") { field, l in
        let parts = field.split(separator: ".")
        guard parts.count == 2, parts[0] == "files", let index = Int(parts[1]) else { return nil }
        return l.t("reports.photoN").replacingOccurrences(of: "{n}", with: l.number(index + 1))
    }

    // MARK: Reading

    static func reportData(_ req: Request, id: Int) async throws -> ServiceReportPage.Data {
        let principal = try req.requirePrincipal()
        let reports = req.reports
        let report = try await reports.get(id)
        let engineer = try await Engineers(req.store).of(userId: principal.userId)?.id
        var codes: [FaultCodeRecord.View] = []
        var consumption: [ReportPart] = []
        if report.status == .draft, ServiceReports.writes(report, principal, engineerId: engineer) {
            if let line = report.productLineId {
                codes = try await Records<FaultCodeRecord>(req.store).list(
                    page: PageRequest(limit: 200), filter: .faultCodes(productLineId: line)
                ).items
            }
            consumption = try await reports.consumption(of: report)
        }
        let schedule = try await FeeSchedules(req.store).applicable(
            to: report.orgUnitId, at: report.finishedAt ?? req.store.now)
        return ServiceReportPage.Data(
            report: report, engineerId: engineer, codes: codes, consumption: consumption, schedule: schedule)
    }

    @Sendable func report(_ req: Request) async throws -> Response {
        try await render(req, id: req.pageId())
    }

    func render(
        _ req: Request, id: Int, typed: ServiceReportPage.ReportForm? = nil, signOff: SignOffForm = SignOffForm(),
        addendum: String = "",
        errors: [FieldMessage] = [], status: HTTPStatus = .ok
    ) async throws -> Response {
        let data = try await Self.reportData(req, id: id)
        let model = ServiceReportPage.model(
            data, paths: .staff(data.report), principal: try req.requirePrincipal(), req.localizer, typed: typed,
            signOff: signOff, addendum: addendum, errors: errors)
        return try await PageRenderer.render("report", title: "reports.title", model, for: req, status: status)
    }

    @Sendable func print(_ req: Request) async throws -> Response {
        req.usePrintLanguage()
        let data = try await Self.reportData(req, id: req.pageId())
        let model = ServiceReportPage.model(
            data, paths: .staff(data.report), principal: try req.requirePrincipal(), req.localizer)
        return try await PageRenderer.render("report-print", title: "reports.printTitle", model, for: req)
    }

    // MARK: Writing

    /// The report form: `action=save` keeps the draft; `action=submit` keeps it and hands it in.
    @Sendable func save(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        // Another branch's report is not found, whatever the form holds.
        _ = try await req.reports.get(id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let (typed, content) = Self.read(form, into: &v)
        let version = form.int("version", into: &v)
        return try await FormCycle.run(req, page: "/reports/\(id)", labels: Self.labels) {
            try v.finish()
            let saved = try await req.reports.update(id, content: content, expectedVersion: version, by: principal)
            if form.string("action") == "submit" {
                _ = try await req.reports.post(
                    ReportEventInput(.submit), to: id, expectedVersion: saved.version, by: principal)
            }
            return req.redirect(to: "/reports/\(id)")
        } again: { failure in
            try await render(req, id: id, typed: typed, errors: failure.messages, status: failure.status)
        }
    }

    /// The form as typed and the content it asks for; a malformed number is a problem of its field.
    static func read(_ form: FormReader, into v: inout AftercareDomain.Validator) -> (
        ServiceReportPage.ReportForm, ServiceReportContent
    ) {
        var typed = ServiceReportPage.ReportForm()
        typed.faultFound = form.string("faultFound") ?? ""
        typed.cause = form.string("cause") ?? ""
        typed.faultCodeId = form.string("faultCodeId") ?? ""
        typed.actions = form.string("actions") ?? ""
        typed.tests = form.string("tests") ?? ""
        typed.result = form.string("result") ?? ""
        typed.nextStep = form.string("nextStep") ?? ""
        typed.engineerRemarks = form.string("engineerRemarks") ?? ""
        typed.labourMinutes = form.string("labourMinutes") ?? ""
        typed.difficulty = form.string("difficulty") ?? ""
        typed.travelKm = form.string("travelKm") ?? ""
        let entries = form.all("partEntryIds").compactMap { Int($0) }
        typed.partEntryIds = form.bool("partsListed") ? entries : nil
        let content = ServiceReportContent(
            faultFound: typed.faultFound.isEmpty ? nil : typed.faultFound,
            cause: form.value("cause", FaultCause.self, into: &v), faultCodeId: form.int("faultCodeId", into: &v),
            actions: typed.actions.isEmpty ? nil : typed.actions, tests: typed.tests.isEmpty ? nil : typed.tests,
            result: form.value("result", ServiceReportResult.self, into: &v),
            nextStep: form.value("nextStep", VisitNextStep.self, into: &v),
            engineerRemarks: typed.engineerRemarks.isEmpty ? nil : typed.engineerRemarks,
            labourMinutes: form.int("labourMinutes", into: &v),
            difficulty: form.value("difficulty", JobDifficulty.self, into: &v),
            travelKm: form.int("travelKm", into: &v), partEntryIds: typed.partEntryIds)
        return (typed, content)
    }

    @Sendable func photos(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        _ = try await req.reports.get(id)
        return try await FormCycle.run(req, page: "/reports/\(id)", labels: Self.labels) {
            let files: [NewAttachment]
            do {
                files = try ReportIntake.files(req)
            } catch {
                throw ValidationError(["files": .invalidFormat(expected: "photos chosen in the form")])
            }
            _ = try await req.reports.addPhotos(files, to: id, by: principal)
            return req.redirect(to: "/reports/\(id)#photos")
        } again: { failure in
            try await render(req, id: id, errors: failure.messages, status: failure.status)
        }
    }

    /// The sign-off: `action=sign` with the canvas's image, or `action=noSignature` with the reason.
    @Sendable func sign(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        // Another branch's report is not found, whatever the form holds.
        _ = try await req.reports.get(id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let (typed, signOff) = ReportIntake.signOff(form, signing: form.string("action") != "noSignature", into: &v)
        return try await FormCycle.run(req, page: "/reports/\(id)", labels: Self.labels) {
            try v.finish()
            _ = try await req.reports.post(ReportEventInput(signOff.event, signOff: signOff), to: id, by: principal)
            return req.redirect(to: "/reports/\(id)")
        } again: { failure in
            try await render(req, id: id, signOff: typed, errors: failure.messages, status: failure.status)
        }
    }

    /// Reopen, review, archive, or an addendum (`text`).
    @Sendable func event(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        // Another branch's report is not found, whatever the form holds.
        _ = try await req.reports.get(id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let event = form.value("event", ServiceReportEventKind.self, into: &v)
        if form.string("event") == nil { v.add("event", .required) }
        let text = form.string("text")
        return try await FormCycle.run(req, page: "/reports/\(id)", labels: Self.labels) {
            try v.finish()
            guard let event, event != .sign, event != .recordNoSignature else {
                throw ValidationError(["event": .invalidValue(allowed: ["reopen", "review", "archive", "addAddendum"])])
            }
            _ = try await req.reports.post(ReportEventInput(event, text: text), to: id, by: principal)
            return req.redirect(to: "/reports/\(id)")
        } again: { failure in
            try await render(req, id: id, addendum: text ?? "", errors: failure.messages, status: failure.status)
        }
    }
}
