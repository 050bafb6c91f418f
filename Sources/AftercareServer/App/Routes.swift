import AftercareDomain
import AftercareStore
import SQLKit
import Vapor

/// Every route of the server. `docs/openapi.yaml` describes each of them (a test keeps the two in step).
func routes(_ app: Application) throws {
    let root = app.grouped(AccessMiddleware())
    root.get("healthz") { req async throws -> Response in
        _ = try await (req.db as! any SQLDatabase).raw("SELECT 1 AS ok").first()
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
    RecordController<OrgUnitRecord>(path: "org-units", read: .viewOrgUnits, write: .manageOrgUnits) { req, q in
        let kind = try q.value("kind", OrgUnitKind.self)
        let parentId = try q.int("parentId")
        let name = try q.string("q")
        return { query in
            var query = query
            if let kind { query = query.where(OrgUnitRecord.column("kind"), .equal, SQLBind(kind.rawValue)) }
            if let parentId { query = query.where(OrgUnitRecord.column("parent_id"), .equal, SQLBind(parentId)) }
            if let name {
                query = query.where(TextMatch.column(OrgUnitRecord.column("name"), contains: name, on: req.store.sql))
            }
            return query
        }
    }.register(api)
    RecordController<CustomerRecord>(path: "customers", read: .viewCustomers, write: .manageCustomers) { req, q in
        let tier = try q.value("tier", CustomerTier.self)
        let kind = try q.value("kind", CustomerKind.self)
        let name = try q.string("q")
        let phone = try q.string("phone", max: Limits.phone).map(PhoneNumber.digits)
        var subtree: [Int]?
        if let unit = try q.int("orgUnitId") { subtree = try await OrgUnitRecord.subtree(of: unit, on: req.store.sql) }
        return { query in
            var query = query
            if let tier { query = query.where(CustomerRecord.column("tier"), .equal, SQLBind(tier.rawValue)) }
            if let kind { query = query.where(CustomerRecord.column("kind"), .equal, SQLBind(kind.rawValue)) }
            if let name {
                query = query.where(TextMatch.column(CustomerRecord.column("name"), contains: name, on: req.store.sql))
            }
            if let subtree = subtree {
                query = query.where(
                    CustomerRecord.column("org_unit_id"), .in, SQLBind.group(subtree.isEmpty ? [-1] : subtree))
            }
            if let phone {
                query = query.where(
                    CustomerRecord.column("id"), .in,
                    SQLSubquery.select {
                        $0.column("customer_id").from("customer_phones").where("digits", .equal, phone)
                    })
            }
            return query
        }
    }.register(api)
    RecordController<ProductLineRecord>(path: "product-lines", read: .viewCatalogue, write: .manageCatalogue) { _, _ in
        { $0 }
    }.register(api)
    RecordController<ProductModelRecord>(path: "product-models", read: .viewCatalogue, write: .manageCatalogue) {
        _, q in
        let line = try q.int("productLineId")
        return { query in
            guard let line else { return query }
            return query.where(ProductModelRecord.column("product_line_id"), .equal, SQLBind(line))
        }
    }.register(api)
    RecordController<ProjectRecord>(path: "projects", read: .viewInstalledBase, write: .manageInstalledBase) {
        _, q in
        let customer = try q.int("customerId")
        return { query in
            guard let customer else { return query }
            return query.where(ProjectRecord.column("customer_id"), .equal, SQLBind(customer))
        }
    }.register(api)
    RecordController<UnitRecord>(path: "units", read: .viewInstalledBase, write: .manageInstalledBase) { _, q in
        let customer = try q.int("customerId")
        let model = try q.int("modelId")
        let project = try q.int("projectId")
        let serial = try q.string("serial", max: Limits.code)
        return { query in
            var query = query
            if let customer { query = query.where(UnitRecord.column("customer_id"), .equal, SQLBind(customer)) }
            if let model { query = query.where(UnitRecord.column("model_id"), .equal, SQLBind(model)) }
            if let project { query = query.where(UnitRecord.column("project_id"), .equal, SQLBind(project)) }
            if let serial { query = query.where(UnitRecord.column("serial_number"), .equal, SQLBind(serial)) }
            return query
        }
    }.register(api)
    ServiceRequestController().register(api)
    AccountController().register(api)
    SLAController().register(api)
    DispatchController().register(api)
    PartsController().register(api)
    WebhookController().register(api)

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
        let day = try q.date("date") ?? CalendarDate(req.store.now, in: req.store.timeZone)
        let cause = try q.value("cause", FaultCause.self) ?? .unknown
        return UnitRecord.decision(for: unit, on: day, cause: cause)
    }.requires(.action(.viewInstalledBase))

    AccountPages().register(root)
    DeskPages().register(root)
    PortalPages().register(root)
    AdminPages().register(root)
    SLAPages().register(root)
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
