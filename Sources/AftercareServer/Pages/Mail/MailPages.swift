import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// what went out by e-mail and what came in, for administrators: the outbox with each message's status,
/// attempts and last error (and, with no mail server configured, the text of every held message), and every message
/// the gateway received with what became of it; a received message can be downloaded as it arrived.
struct MailPages: Sendable {
    func register(_ root: any RoutesBuilder) {
        root.get("admin", "mail", use: show).requires(.action(.manageMail))
        root.get("admin", "mail", "inbound", ":id", "raw", use: raw).requires(.action(.manageMail))
    }

    @Sendable func show(_ req: Request) async throws -> Response {
        let q = QueryReader(req: req)
        let tab = try q.string("tab") == "inbound" ? MailTab.inbound : .outbox
        let page = try q.page(defaultLimit: 50)
        let db = req.application.store.sql
        let model: Model
        switch tab {
        case .outbox:
            let status = try q.value("status", OutboxStatus.self)
            let entries = try await MailOutbox.list(status: status, within: req.store.scope, page: page, on: db)
            model = Self.model(
                outbox: entries, status: status?.rawValue, smtp: req.application.mailSettings.smtpConfigured,
                req.localizer)
        case .inbound:
            let status = try q.value("status", InboundMailStatus.self)
            let entries = try await MailIntake.list(status: status, within: req.store.scope, page: page, on: db)
            model = Self.model(
                inbound: entries, status: status?.rawValue, smtp: req.application.mailSettings.smtpConfigured,
                req.localizer)
        }
        return try await PageRenderer.render("admin-mail", title: "mail.title", model, for: req)
    }

    /// The message as received, to download: never shown as a page.
    @Sendable func raw(_ req: Request) async throws -> Response {
        let id = try req.pageId()
        let intake = MailIntake(req.application.store, vault: req.application.vault)
        let data = try await intake.raw(id, within: req.store.scope)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "application/octet-stream")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"message-\(id).eml\"")
        headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        headers.replaceOrAdd(name: "Content-Security-Policy", value: "default-src 'none'; sandbox")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}

enum MailTab: String {
    case outbox, inbound
}
