import AftercareDomain
import AftercareStore
import Vapor

/// The JSON API of one kind of record: list, create, read, update, archive and its audit trail.
/// Thin on purpose (DESIGN 7): decode, call the store, encode.
struct RecordController<Kind: RecordKind>: Sendable where Kind.View: Content {
    /// The path under `/api/v1`, e.g. `customers`.
    let path: String
    /// what reading and what changing these records requires.
    let read: Action
    let write: Action
    /// The list's filters from the query string.
    let filter: @Sendable (Request, QueryReader) async throws -> RecordFilter<Kind>

    func register(_ api: any RoutesBuilder) {
        let group = api.grouped(path.pathComponents)
        group.get(use: list).requires(.action(read))
        group.post(use: create).requires(.action(write))
        group.get(":id", use: get).requires(.action(read))
        group.patch(":id", use: update).requires(.action(write))
        group.post(":id", "archive", use: archive).requires(.action(write))
        group.get(":id", "audit", use: audit).requires(.action(.viewAudit))
    }

    static func id(_ req: Request) throws -> Int {
        guard let text = req.parameters.get("id"), let id = Int(text), id > 0 else {
            throw APIError(status: .notFound, code: "not_found", message: "no record with that id")
        }
        return id
    }

    @Sendable func list(_ req: Request) async throws -> Page<Kind.View> {
        let query = QueryReader(req: req)
        let page = try query.page()
        let includeArchived = try query.bool("includeArchived") ?? false
        let narrow = try await filter(req, query)
        return try await Records<Kind>(req.store).list(page: page, includeArchived: includeArchived, filter: narrow)
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let input = try JSONBody.create(Kind.Input.self, req)
        let key = try JSONBody.idempotencyKey(req, scope: "POST /api/v1/\(path)")
        let view = try await Records<Kind>(req.store).create(input, by: req.actor, idempotency: key)
        let response = try await view.encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/\(path)/\(view.id)")
        return response
    }

    @Sendable func get(_ req: Request) async throws -> Kind.View {
        try await Records<Kind>(req.store).get(Self.id(req))
    }

    @Sendable func update(_ req: Request) async throws -> Kind.View {
        let id = try Self.id(req)
        let body = try JSONBody.object(req)
        let version = try JSONBody.expectedVersion(req, body: body)
        let patch = try JSONSerialization.data(withJSONObject: body)
        return try await Records<Kind>(req.store).update(id, expectedVersion: version, by: req.actor) { current in
            try JSONBody.merge(current, patch: patch)
        }
    }

    @Sendable func archive(_ req: Request) async throws -> Kind.View {
        try await Records<Kind>(req.store).archive(Self.id(req), by: req.actor)
    }

    @Sendable func audit(_ req: Request) async throws -> Page<AuditEntry> {
        try await Records<Kind>(req.store).audit(Self.id(req), page: QueryReader(req: req).page())
    }
}

extension Page: Content, RequestDecodable, ResponseEncodable, AsyncRequestDecodable, AsyncResponseEncodable
where Item: Content {}
extension AuditEntry: Content {}
extension HistoryEntry: Content {}
extension ServiceRequestView: Content {}
extension MessageView: Content {}
extension InboundMailEntry: Content {}
extension OutboxEntry: Content {}
extension WarrantyDecision: Content {}
extension OrgUnitRecord.View: Content {}
extension CustomerRecord.View: Content {}
extension ProductLineRecord.View: Content {}
extension ProductModelRecord.View: Content {}
extension ProjectRecord.View: Content {}
extension UnitRecord.View: Content {}
