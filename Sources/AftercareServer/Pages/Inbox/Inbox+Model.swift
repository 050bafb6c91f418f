import AftercareDomain
import AftercareStore
import Foundation

extension InboxPages {
    // MARK: Inbox: its model, from the store's views alone

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

    /// What the inbox shows, as read from the store for its owner: one page of their notifications, and whether
    /// any is unread.
    struct InboxData {
        var page: Page<NotificationView>
        var unread: Bool
    }

    /// the inbox in the reader's language, unread first, each notification linked to what it is
    /// about.
    static func inboxModel(_ data: InboxData, principal: Principal, _ l: Localizer) -> InboxModel {
        let page = data.page
        // Unread first, each part newest first.
        let ordered = page.items.filter { $0.readAt == nil } + page.items.filter { $0.readAt != nil }
        return InboxModel(
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
            }, unread: data.unread,
            next: page.nextCursor.map { PageLink.make("/inbox", [("cursor", $0)]) })
    }
}
