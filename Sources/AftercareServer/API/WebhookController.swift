import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// the JSON API of an organisation's escalation webhooks and their delivery log (the manageWebhooks
/// action: administrators). The signing secret is in the answers to create and rotate-secret only.
struct WebhookController: Sendable {
    func register(_ api: any RoutesBuilder) {
        let hooks = api.grouped("webhooks")
        hooks.get(use: list).requires(.action(.manageWebhooks))
        hooks.post(use: create).requires(.action(.manageWebhooks))
        hooks.get(":id", use: get).requires(.action(.manageWebhooks))
        hooks.patch(":id", use: update).requires(.action(.manageWebhooks))
        hooks.post(":id", "archive", use: archive).requires(.action(.manageWebhooks))
        hooks.post(":id", "rotate-secret", use: rotateSecret).requires(.action(.manageWebhooks))
        hooks.get(":id", "deliveries", use: deliveries).requires(.action(.manageWebhooks))
        hooks.get(":id", "audit", use: audit).requires(.action(.manageWebhooks))
    }

    static func id(_ req: Request) throws -> Int {
        try RecordController<WebhookRecord>.id(req)
    }

    /// Only an administrator may let deliveries reach loopback and private addresses.
    static func mayAllowPrivate(_ req: Request) throws -> Bool {
        try req.requirePrincipal().roles.contains(.administrator)
    }

    @Sendable func list(_ req: Request) async throws -> Page<WebhookRecord.View> {
        let q = QueryReader(req: req)
        return try await Records<WebhookRecord>(req.store).list(
            page: try q.page(), includeArchived: try q.bool("includeArchived") ?? false)
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let input = try JSONBody.create(WebhookRecord.Input.self, req)
        let made = try await Webhooks(req.store).create(
            input, by: req.actor, mayAllowPrivate: try Self.mayAllowPrivate(req))
        let response = try await made.encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/webhooks/\(made.webhook.id)")
        return response
    }

    @Sendable func get(_ req: Request) async throws -> WebhookRecord.View {
        try await Records<WebhookRecord>(req.store).get(Self.id(req))
    }

    @Sendable func update(_ req: Request) async throws -> WebhookRecord.View {
        let id = try Self.id(req)
        let body = try JSONBody.object(req)
        let version = try JSONBody.expectedVersion(req, body: body)
        let patch = try JSONSerialization.data(withJSONObject: body)
        return try await Webhooks(req.store).update(
            id, expectedVersion: version, by: req.actor, mayAllowPrivate: try Self.mayAllowPrivate(req)
        ) { current in
            try JSONBody.merge(current, patch: patch)
        }
    }

    @Sendable func archive(_ req: Request) async throws -> WebhookRecord.View {
        try await Webhooks(req.store).archive(Self.id(req), by: req.actor)
    }

    @Sendable func rotateSecret(_ req: Request) async throws -> WebhookWithSecret {
        try await Webhooks(req.store).rotateSecret(Self.id(req), by: req.actor)
    }

    @Sendable func deliveries(_ req: Request) async throws -> Page<WebhookDeliveryView> {
        try await Webhooks(req.store).deliveries(of: Self.id(req), page: QueryReader(req: req).page())
    }

    @Sendable func audit(_ req: Request) async throws -> Page<AuditEntry> {
        try await Records<WebhookRecord>(req.store).audit(Self.id(req), page: QueryReader(req: req).page())
    }
}

extension WebhookRecord.View: Content {}
extension WebhookWithSecret: Content {}
extension WebhookDeliveryView: Content {}
