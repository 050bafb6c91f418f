import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// the mail gateway's door. `aftercare mailgate`, run by the mail server for each incoming message, posts the
/// raw message here with the shared secret (`X-Aftercare-Mailgate-Token`); the server keeps it and reads it
/// (`MailIntake`). Off (404) until `AFTERCARE_MAILGATE_TOKEN` is set. Administrators read what came in and what went
/// out.
struct MailgateController: Sendable {
    static let tokenHeader = "X-Aftercare-Mailgate-Token"

    func register(_ api: any RoutesBuilder) {
        api.on(
            .POST, "mail", "inbound", body: .collect(maxSize: ByteCount(value: MailIntake.maxKeptBytes)), use: receive
        )
        .requires(.open).accepts(upTo: MailIntake.maxKeptBytes)
        api.get("mail", "inbound", use: inbound).requires(.action(.manageMail))
        api.get("mail", "outbox", use: outbox).requires(.action(.manageMail))
    }

    /// The messages received, newest first, within the caller's scope.
    @Sendable func inbound(_ req: Request) async throws -> Page<InboundMailEntry> {
        let q = QueryReader(req: req)
        return try await MailIntake.list(
            status: try q.value("status", InboundMailStatus.self), within: req.store.scope, page: try q.page(),
            on: req.store.sql)
    }

    /// The outbox, newest first, within the caller's scope.
    @Sendable func outbox(_ req: Request) async throws -> Page<OutboxEntry> {
        let q = QueryReader(req: req)
        return try await MailOutbox.list(
            status: try q.value("status", OutboxStatus.self), requestId: try q.int("requestId"),
            within: req.store.scope, page: try q.page(), on: req.store.sql)
    }

    struct Received: Content {
        var id: Int
        var status: InboundMailStatus
        var requestNumber: String?
    }

    @Sendable func receive(_ req: Request) async throws -> Response {
        let settings = req.application.mailSettings
        guard let token = settings.token else {
            throw APIError(status: .notFound, code: "not_found", message: "the mail gateway is not configured")
        }
        guard let sent = req.headers.first(name: Self.tokenHeader), CSRF.constantTimeEqual(sent, token) else {
            throw APIError(
                status: .unauthorized, code: "unauthorized",
                message: "\(Self.tokenHeader) must carry the gateway's secret (AFTERCARE_MAILGATE_TOKEN)")
        }
        guard let body = req.body.data, body.readableBytes > 0 else {
            throw APIError.badRequest("body", "must be one message as received (message/rfc822)", code: "required")
        }
        let intake = MailIntake(
            req.application.store, vault: req.application.vault,
            settings: MailIntakeSettings(orgUnitCode: settings.unitCode, ownAddress: settings.ownAddress),
            logger: req.logger)
        let entry: InboundMailEntry
        do {
            entry = try await intake.receive(Array(body.readableBytesView))
        } catch {
            // Not kept: the mail server keeps it in its queue and tries again.
            req.logger.error("mail not kept", metadata: ["error": .string(String(reflecting: type(of: error)))])
            throw APIError(status: .serviceUnavailable, code: "not_kept", message: "the message was not kept; retry")
        }
        req.logger.info(
            "mail received",
            metadata: [
                "inbound": .stringConvertible(entry.id), "status": .string(entry.status.rawValue),
                "request": .string(entry.requestNumber ?? "-"), "bytes": .stringConvertible(entry.size),
            ])
        let response = try await Received(id: entry.id, status: entry.status, requestNumber: entry.requestNumber)
            .encodeResponse(for: req)
        response.status = .accepted
        return response
    }
}
