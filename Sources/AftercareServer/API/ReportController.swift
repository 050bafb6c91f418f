import AftercareDomain
import AftercareStore
import Vapor

/// service reports, their photos and sign-off, the review, the spot checks, the fault-code catalogue and the
/// quality settings. Reading needs `viewVisits`; who may write, sign, review is decided by the store per report.
struct ReportController {
    func register(_ api: any RoutesBuilder) {
        RecordController<FaultCodeRecord>(path: "fault-codes", read: .viewCatalogue, write: .manageCatalogue) { _, q in
            .faultCodes(productLineId: try q.int("productLineId"))
        }.register(api)
        RecordController<QualitySettingsRecord>(path: "quality/settings", read: .viewVisits, write: .reviewReports) {
            _, _ in .all
        }.register(api)

        api.post("visits", ":id", "reports", use: open).requires(.action(.viewVisits))
        let reports = api.grouped("service-reports")
        reports.get(use: list).requires(.action(.viewVisits))
        reports.get(":id", use: get).requires(.action(.viewVisits))
        reports.patch(":id", use: update).requires(.action(.viewVisits))
        reports.on(
            .POST, ":id", "events", body: .collect(maxSize: ByteCount(value: ReportIntake.maxSignOff)), use: post
        )
        .requires(.action(.viewVisits)).accepts(upTo: ReportIntake.maxSignOff)
        reports.on(
            .POST, ":id", "photos", body: .collect(maxSize: ByteCount(value: ReportIntake.maxUpload)), use: photos
        ).requires(.action(.viewVisits)).accepts(upTo: ReportIntake.maxUpload)
        reports.get(":id", "signature", use: ReportIntake.signatureImage).requires(.action(.viewVisits))
        reports.get(":id", "audit", use: audit).requires(.action(.viewAudit))
        api.get("service-report-files", ":id", use: ReportIntake.file).requires(.action(.viewVisits))
        api.get("engineers", ":id", "quality", use: quality).requires(.action(.viewVisits))

        let checks = api.grouped("spot-checks")
        checks.get(use: checkList).requires(.action(.checkQuality))
        checks.get(":id", use: check).requires(.action(.checkQuality))
        checks.post(":id", "events", use: checkEvent).requires(.action(.checkQuality))
    }

    static func id(_ req: Request) throws -> Int { try RecordController<FaultCodeRecord>.id(req) }

    struct OpenInput: Codable {
        var unitId: Int?
    }

    /// `POST /visits/{id}/reports {unitId}`: the report of a finished visit for one unit, opened or as it is.
    @Sendable func open(_ req: Request) async throws -> Response {
        let visitId = try Self.id(req)
        _ = try await Visits(req.store).get(visitId)
        let input =
            req.body.data.map { $0.readableBytes > 0 } == true
            ? try JSONBody.create(OpenInput.self, req) : OpenInput()
        let view = try await req.reports.open(visitId: visitId, unitId: input.unitId, by: req.requirePrincipal())
        let response = try await view.encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/service-reports/\(view.id)")
        return response
    }

    /// `GET /service-reports?status=&engineerId=&requestId=&visitId=&unitId=&repeat=`.
    @Sendable func list(_ req: Request) async throws -> Page<ServiceReportView> {
        let q = QueryReader(req: req)
        var filter = ReportFilter()
        filter.statuses = try q.list("status", ServiceReportStatus.self)
        filter.engineerId = try q.int("engineerId")
        filter.requestId = try q.int("requestId")
        filter.visitId = try q.int("visitId")
        filter.unitId = try q.int("unitId")
        filter.repeatOnly = try q.bool("repeat") ?? false
        return try await req.reports.list(filter, page: q.page())
    }

    @Sendable func get(_ req: Request) async throws -> ServiceReportView {
        try await req.reports.get(Self.id(req))
    }

    /// `PATCH /service-reports/{id}`: the draft's content, merged over what it holds, with the version.
    @Sendable func update(_ req: Request) async throws -> ServiceReportView {
        let id = try Self.id(req)
        let current = try await req.reports.get(id)
        let body = try JSONBody.object(req)
        let version = try JSONBody.expectedVersion(req, body: body)
        var patch = body
        patch.removeValue(forKey: "version")
        let content = try JSONBody.merge(current.content, patch: try JSONSerialization.data(withJSONObject: patch))
        return try await req.reports.update(
            id, content: content, expectedVersion: version, by: req.requirePrincipal())
    }

    struct EventBody: Codable {
        var event: ServiceReportEventKind
        var text: String?
        var signerName: String?
        /// The signature, a PNG in base64 (a `data:` address is accepted too).
        var signaturePng: String?
        var noSignatureReason: String?
        var ratings: ServiceRatings?
        var customerRemarks: String?
    }

    /// `POST /service-reports/{id}/events`.
    @Sendable func post(_ req: Request) async throws -> ServiceReportView {
        let id = try Self.id(req)
        _ = try await req.reports.get(id)
        let body = try JSONBody.object(req)
        let input = try JSONBody.decode(EventBody.self, from: body, ignoring: ["version"])
        let signOff: ReportSignOff? =
            input.event == .sign || input.event == .recordNoSignature
            ? ReportSignOff(
                signerName: input.signerName,
                signature: try ReportIntake.signature(input.signaturePng, field: "signaturePng"),
                noSignatureReason: input.noSignatureReason, ratings: input.ratings,
                customerRemarks: input.customerRemarks)
            : nil
        let version =
            body["version"] != nil || req.headers.first(name: .ifMatch) != nil
            ? try JSONBody.expectedVersion(req, body: body) : nil
        return try await req.reports.post(
            ReportEventInput(input.event, text: input.text, signOff: signOff), to: id, expectedVersion: version,
            by: req.requirePrincipal())
    }

    /// `POST /service-reports/{id}/photos` (`multipart/form-data`, field `files`).
    @Sendable func photos(_ req: Request) async throws -> Response {
        let id = try Self.id(req)
        _ = try await req.reports.get(id)
        guard req.headers.contentType?.type == "multipart" else {
            throw APIError(
                status: .unsupportedMediaType, code: "unsupported_media_type",
                message: "the body must be multipart/form-data with the files in 'files[]'")
        }
        let files: [NewAttachment]
        do {
            files = try ReportIntake.files(req)
        } catch {
            throw APIError.badRequest("files", "is not a readable multipart form", code: "invalid_body")
        }
        let view = try await req.reports.addPhotos(files, to: id, by: req.requirePrincipal())
        return try await view.encodeResponse(status: .created, for: req)
    }

    @Sendable func audit(_ req: Request) async throws -> Page<AuditEntry> {
        try await req.reports.audit(Self.id(req), page: QueryReader(req: req).page())
    }

    @Sendable func quality(_ req: Request) async throws -> EngineerQuality {
        let id = try Self.id(req)
        _ = try await Records<EngineerRecord>(req.store).get(id)
        return try await req.reports.quality(ofEngineer: id)
    }

    /// `GET /spot-checks?status=&engineerId=`.
    @Sendable func checkList(_ req: Request) async throws -> Page<SpotCheckView> {
        let q = QueryReader(req: req)
        var filter = SpotCheckFilter()
        filter.statuses = try q.list("status", SpotCheckStatus.self)
        filter.engineerId = try q.int("engineerId")
        return try await SpotChecks(req.store).list(filter, page: q.page())
    }

    @Sendable func check(_ req: Request) async throws -> SpotCheckView {
        try await SpotChecks(req.store).get(Self.id(req))
    }

    struct CheckBody: Codable {
        var event: SpotCheckEventKind
        var reason: String?
    }

    @Sendable func checkEvent(_ req: Request) async throws -> SpotCheckView {
        let id = try Self.id(req)
        _ = try await SpotChecks(req.store).get(id)
        let input = try JSONBody.create(CheckBody.self, req)
        return try await SpotChecks(req.store).post(
            SpotCheckEvent(input.event, reason: input.reason), to: id, by: req.actor)
    }
}

extension ServiceReportView: Content {}
extension SpotCheckView: Content {}
extension EngineerQuality: Content {}
extension FaultCodeRecord.View: Content {}
extension QualitySettingsRecord.View: Content {}
