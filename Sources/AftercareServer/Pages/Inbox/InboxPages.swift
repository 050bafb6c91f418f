import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// each user's in-app inbox: SLA warnings and escalations, follow-ups due, their own account's
/// locks. Unread first; marking read one by one or all at once.
struct InboxPages: Sendable {
    func register(_ root: any RoutesBuilder) {
        root.get("inbox", use: inbox).requires(.signedIn)
        root.post("inbox", "read-all", use: readAll).requires(.signedIn)
        root.post("inbox", ":id", "read", use: read).requires(.signedIn)
    }

    /// Reads what the inbox shows: the caller's own notifications only.
    static func inboxData(_ req: Request, principal: Principal) async throws -> InboxData {
        let inbox = Inbox(store: req.store, userId: principal.userId)
        let page = try await inbox.list(unreadOnly: false, page: try QueryReader(req: req).page())
        return InboxData(page: page, unread: try await inbox.unreadCount(cap: 1) > 0)
    }

    @Sendable func inbox(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let model = Self.inboxModel(
            try await Self.inboxData(req, principal: principal), principal: principal, req.localizer)
        return try await PageRenderer.render("inbox", title: "inbox.title", model, for: req)
    }

    @Sendable func read(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        try await Inbox(store: req.store, userId: principal.userId).markRead(req.pageId())
        return req.redirect(to: "/inbox")
    }

    @Sendable func readAll(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        _ = try await Inbox(store: req.store, userId: principal.userId).markAllRead()
        return req.redirect(to: "/inbox")
    }
}
