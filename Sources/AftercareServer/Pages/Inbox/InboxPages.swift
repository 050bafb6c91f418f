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

    struct InboxModel: Encodable {
        struct Row: Encodable {
            var id: Int
            var unread: Bool
            var kind: String
            var target: String?
            var link: String?
            var subject: String?
            var at: String
        }

        var rows: [Row]
        var unread: Bool
        var next: String?
    }

    @Sendable func inbox(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let l = req.localizer
        let inbox = Inbox(store: req.store, userId: principal.userId)
        let page = try await inbox.list(unreadOnly: false, page: try QueryReader(req: req).page())
        // Unread first, each part newest first.
        let ordered = page.items.filter { $0.readAt == nil } + page.items.filter { $0.readAt != nil }
        let model = InboxModel(
            rows: ordered.map { item in
                var link: String?
                if item.kind == .accountLocked {
                    link = "/account"
                } else if let followUp = item.followUpId, item.kind == .followUpDue {
                    link = "/follow-ups/\(followUp)"
                } else if let request = item.requestId {
                    link = "/requests/\(request)"
                }
                var kind = l.t("notification.\(item.kind.rawValue)")
                if item.kind == .slaEscalated {
                    kind += " · " + l.t("sla.level").replacingOccurrences(of: "{n}", with: l.number(item.level))
                }
                return .init(
                    id: item.id, unread: item.readAt == nil, kind: kind,
                    target: item.target.map { l.t("slaTarget.\($0.rawValue)") }, link: link,
                    subject: item.requestNumber, at: l.dateTime(item.createdAt))
            }, unread: try await inbox.unreadCount(cap: 1) > 0,
            next: page.nextCursor.map { PageLink.make("/inbox", [("cursor", $0)]) })
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
