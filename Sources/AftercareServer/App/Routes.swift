import AftercareDomain
import AftercareStore
import Vapor

/// Every route of the server. `docs/openapi.yaml` describes each of them (a test keeps the two in step).
func routes(_ app: Application) throws {
    let root = app.grouped(AccessMiddleware())
    root.get("healthz") { req async throws -> Response in
        try await req.store.ping()
        let body = ["status": "ok", "database": req.store.kind.rawValue]
        return try await body.encodeResponse(for: req)
    }.requires(.open)
    root.get("openapi.yaml") { req async throws -> Response in
        let text = try OpenAPIDocument.text()
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "yaml", parameters: ["charset": "utf-8"])
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }.requires(.open)

    let api = root.grouped("api", "v1")
    RecordController<OrgUnitRecord>(path: "org-units", read: .viewOrgUnits, write: .manageOrgUnits) { _, q in
        .orgUnits(kind: try q.value("kind", OrgUnitKind.self), parentId: try q.int("parentId"), name: try q.string("q"))
    }.register(api)
    RecordController<CustomerRecord>(path: "customers", read: .viewCustomers, write: .manageCustomers) { _, q in
        .customers(
            tier: try q.value("tier", CustomerTier.self), kind: try q.value("kind", CustomerKind.self),
            name: try q.string("q"), orgUnitId: try q.int("orgUnitId"),
            phoneDigits: try q.string("phone", max: Limits.phone).map(PhoneNumber.digits))
    }.register(api)
    RecordController<ProductLineRecord>(path: "product-lines", read: .viewCatalogue, write: .manageCatalogue) { _, _ in
        .all
    }.register(api)
    RecordController<ProductModelRecord>(path: "product-models", read: .viewCatalogue, write: .manageCatalogue) {
        _, q in .productModels(lineId: try q.int("productLineId"))
    }.register(api)
    RecordController<ProjectRecord>(path: "projects", read: .viewInstalledBase, write: .manageInstalledBase) {
        _, q in .projects(customerId: try q.int("customerId"))
    }.register(api)
    RecordController<UnitRecord>(path: "units", read: .viewInstalledBase, write: .manageInstalledBase) { _, q in
        .units(
            customerId: try q.int("customerId"), modelId: try q.int("modelId"), projectId: try q.int("projectId"),
            serial: try q.string("serial", max: Limits.code))
    }.register(api)
    ServiceRequestController().register(api)
    AccountController().register(api)
    SLAController().register(api)
    DispatchController().register(api)
    PartsController().register(api)
    WebhookController().register(api)
    MailgateController().register(api)
    FeeController().register(api)
    BillingController().register(api)
    ReturnsController().register(api)
    DepotController().register(api)
    ReportController().register(api)
    ComplaintsController().register(api)
    SurveysController().register(api)
    SuggestionsController().register(api)
    VoiceController().register(api)

    // the archive as CSV.
    api.get("customers", "export.csv") { req async throws -> Response in
        let store = req.store
        return CSVResponse.make(filename: "customers.csv") { emit in
            try await ArchiveTransfer(store).exportCustomers(emit)
        }
    }.requires(.action(.exportArchive))
    api.get("units", "export.csv") { req async throws -> Response in
        let store = req.store
        return CSVResponse.make(filename: "units.csv") { emit in try await ArchiveTransfer(store).exportUnits(emit) }
    }.requires(.action(.exportArchive))

    // the whole history of a customer and of a unit.
    api.get("customers", ":id", "history") { req async throws -> Page<HistoryEntry> in
        let id = try RecordController<CustomerRecord>.id(req)
        _ = try await Records<CustomerRecord>(req.store).get(id)
        return try await ServiceRequests(req.store).history(of: .customer(id), page: QueryReader(req: req).page())
    }.requires(.action(.viewRequests))
    api.get("units", ":id", "history") { req async throws -> Page<HistoryEntry> in
        let id = try RecordController<UnitRecord>.id(req)
        _ = try await Records<UnitRecord>(req.store).get(id)
        return try await ServiceRequests(req.store).history(of: .unit(id), page: QueryReader(req: req).page())
    }.requires(.action(.viewRequests))
    // would a fault on this unit, on this day, from this cause, be covered?
    api.get("units", ":id", "warranty") { req async throws -> WarrantyDecision in
        let unit = try await Records<UnitRecord>(req.store).get(RecordController<UnitRecord>.id(req))
        let q = QueryReader(req: req)
        let day = try q.date("date") ?? req.store.today
        let cause = try q.value("cause", FaultCause.self) ?? .unknown
        return UnitRecord.decision(for: unit, on: day, cause: cause)
    }.requires(.action(.viewInstalledBase))

    AccountPages().register(root)
    DeskPages().register(root)
    PortalPages().register(root)
    AdminPages().register(root)
    MailPages().register(root)
    FeePages().register(root)
    BillingPages().register(root)
    ReturnPages().register(root)
    PortalReturnPages().register(root)
    PortalComplaintPages().register(root)
    PublicComplaintPages().register(root)
    ComplaintPages().register(root)
    StatementPages().register(root)
    ComplaintStatsPages().register(root)
    SuggestionPages().register(root)
    PortalSuggestionPages().register(root)
    PublicSuggestionPages().register(root)
    SurveyPages().register(root)
    PortalSurveyPages().register(root)
    PublicSurveyPages().register(root)
    CustomerVisitPages().register(root)
    MysteryShoppingPages().register(root)
    ReportPages().register(root)
    QualitySetupPages().register(root)
    SLAPages().register(root)
    InboxPages().register(root)
    DispatchPages().register(root)
    PartsPages().register(root)
    FollowUpRulePages().register(root)
}

/// The API description, read from `docs/openapi.yaml` of the package.
enum OpenAPIDocument {
    static func text() throws -> String {
        let candidates = [
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("docs/openapi.yaml"),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs/openapi.yaml"),
        ]
        for url in candidates {
            if let text = try? String(contentsOf: url, encoding: .utf8) { return text }
        }
        throw APIError(status: .notFound, code: "not_found", message: "docs/openapi.yaml is not installed")
    }
}
