import AftercareDomain
import AftercareStore
import Vapor

/// The JSON API of service requests: register, read with timeline, edit, post events, list and search.
struct ServiceRequestController: Sendable {
    func register(_ api: any RoutesBuilder) {
        let group = api.grouped("service-requests")
        group.get(use: list).requires(.action(.viewRequests))
        group.get("export.csv", use: export).requires(.action(.exportArchive))
        group.post(use: create).requires(.action(.registerRequests))
        group.get(":id", use: get).requires(.action(.viewRequests))
        group.patch(":id", use: update).requires(.action(.editRequests))
        // Which step a caller may take depends on the step (`Action.for`), checked in `post`.
        group.post(":id", "events", use: post).requires(.action(.viewRequests))
        group.post(":id", "archive", use: archive).requires(.action(.archiveRequests))
        group.get(":id", "audit", use: audit).requires(.action(.viewAudit))
        // the conversation; a reply needs `workRequests`, checked in `postMessage`.
        group.get(":id", "messages", use: messages).requires(.action(.viewRequests))
        group.post(":id", "messages", use: postMessage).requires(.action(.viewRequests))
    }

    /// A message posted through the API: a reply to the customer or an internal note, text only (files come
    /// through the pages).
    struct MessageBody: Decodable {
        var kind: MessageKind
        var body: String
    }

    @Sendable func messages(_ req: Request) async throws -> [MessageView] {
        try await req.conversations.list(Self.id(req), includeInternal: true)
    }

    @Sendable func postMessage(_ req: Request) async throws -> Response {
        let id = try Self.id(req)
        let principal = try req.requirePrincipal()
        // Another branch's request is not found, whatever the body says.
        _ = try await ServiceRequests(req.store).get(id)
        let input = try JSONBody.decode(MessageBody.self, from: try JSONBody.object(req))
        let allowed = ConversationIntake.staffKinds(principal)
        guard allowed.contains(input.kind) else {
            throw ValidationError(["kind": .invalidValue(allowed: allowed.map(\.rawValue))])
        }
        let message = try await req.conversations.post(
            MessageInput(kind: input.kind, source: .api, body: input.body, authorName: principal.displayName),
            to: id, by: req.actor)
        return try await message.encodeResponse(status: .created, for: req)
    }

    static func id(_ req: Request) throws -> Int {
        guard let text = req.parameters.get("id"), let id = Int(text), id > 0 else {
            throw APIError(status: .notFound, code: "not_found", message: "no service request with that id")
        }
        return id
    }

    @Sendable func list(_ req: Request) async throws -> Page<ServiceRequestView> {
        try await ServiceRequests(req.store).list(
            QueryReader(req: req).requestFilter(), page: QueryReader(req: req).page())
    }

    /// the requests that match the list's filters, as CSV.
    @Sendable func export(_ req: Request) async throws -> Response {
        let filter = try QueryReader(req: req).requestFilter()
        let store = req.store
        return CSVResponse.make(filename: "service-requests.csv") { emit in
            try await ArchiveTransfer(store).exportRequests(filter, emit)
        }
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let input = try JSONBody.create(ServiceRequestInput.self, req)
        let key = try JSONBody.idempotencyKey(req, scope: "POST /api/v1/service-requests")
        let view = try await req.registerServiceRequest(input, key: key)
        let response = try await view.encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/service-requests/\(view.id)")
        return response
    }

    @Sendable func get(_ req: Request) async throws -> Response {
        let view = try await ServiceRequests(req.store).get(Self.id(req))
        let response = try await view.encodeResponse(for: req)
        response.headers.replaceOrAdd(name: .eTag, value: "\"\(view.version)\"")
        return response
    }

    @Sendable func update(_ req: Request) async throws -> ServiceRequestView {
        let id = try Self.id(req)
        let body = try JSONBody.object(req)
        let version = try JSONBody.expectedVersion(req, body: body)
        let patch = try JSONSerialization.data(withJSONObject: body)
        return try await ServiceRequests(req.store).update(id, expectedVersion: version, by: req.actor) { current in
            try JSONBody.merge(current, patch: patch)
        }
    }

    /// `POST /service-requests/{id}/events`: a lifecycle step; `version` (or If-Match) is optional here,
    /// the state machine guards the rest.
    @Sendable func post(_ req: Request) async throws -> ServiceRequestView {
        let id = try Self.id(req)
        let body = try JSONBody.object(req)
        let event = try JSONBody.decode(ServiceRequestEventInput.self, from: body, ignoring: ["version"])
        guard try req.requirePrincipal().may(.for(event.event)) else { throw Forbidden(action: .for(event.event)) }
        let version =
            body["version"] != nil || req.headers.first(name: .ifMatch) != nil
            ? try JSONBody.expectedVersion(req, body: body) : nil
        return try await ServiceRequests(req.store).post(event, to: id, by: req.actor, expectedVersion: version)
    }

    @Sendable func archive(_ req: Request) async throws -> ServiceRequestView {
        try await ServiceRequests(req.store).archive(Self.id(req), by: req.actor)
    }

    @Sendable func audit(_ req: Request) async throws -> Page<AuditEntry> {
        try await ServiceRequests(req.store).audit(Self.id(req), page: QueryReader(req: req).page())
    }
}
