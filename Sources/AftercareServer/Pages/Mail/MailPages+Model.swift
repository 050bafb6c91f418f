import AftercareDomain
import AftercareStore
import Foundation

extension MailPages {
    struct Row: Encodable {
        var id: Int
        var at: String
        var kind: String
        var address: String
        var subject: String
        var status: String
        var statusCode: String
        var requestId: Int?
        var requestNumber: String?
        var detail: String?
        var body: String?
        var raw: String?
    }

    struct Model: Encodable {
        var tab: String
        var smtpConfigured: Bool
        var statuses: [SelectOption]
        var rows: [Row]
        var next: String?
    }

    /// The outbox in the reader's language, newest first.
    static func model(outbox: Page<OutboxEntry>, status: String?, smtp: Bool, _ l: Localizer) -> Model {
        Model(
            tab: MailTab.outbox.rawValue, smtpConfigured: smtp,
            statuses: options(OutboxStatus.allCases.map(\.rawValue), prefix: "mail.outboxStatus", status, l),
            rows: outbox.items.map { entry in
                var detail: [String] = [l.t("mail.attempts") + " " + l.number(entry.attempts)]
                if let next = entry.nextAttemptAt { detail.append(l.t("mail.nextAttempt") + " " + l.dateTime(next)) }
                if let sent = entry.sentAt { detail.append(l.t("mail.sentAt") + " " + l.dateTime(sent)) }
                if let error = entry.lastError { detail.append(error) }
                return Row(
                    id: entry.id, at: l.dateTime(entry.createdAt), kind: l.t("mail.kind.\(entry.kind.rawValue)"),
                    address: entry.toName.map { "\($0) <\(entry.toAddress)>" } ?? entry.toAddress,
                    subject: entry.subject ?? l.t("mail.notWrittenYet"),
                    status: l.t("mail.outboxStatus.\(entry.status.rawValue)"), statusCode: entry.status.rawValue,
                    requestId: entry.requestId, requestNumber: entry.requestNumber,
                    detail: detail.joined(separator: " · "), body: entry.body, raw: nil)
            },
            next: outbox.nextCursor.map {
                "/admin/mail?tab=outbox&cursor=\($0)" + (status.map { "&status=\($0)" } ?? "")
            })
    }

    /// The messages received in the reader's language, newest first.
    static func model(inbound: Page<InboundMailEntry>, status: String?, smtp: Bool, _ l: Localizer) -> Model {
        Model(
            tab: MailTab.inbound.rawValue, smtpConfigured: smtp,
            statuses: options(InboundMailStatus.allCases.map(\.rawValue), prefix: "mail.inboundStatus", status, l),
            rows: inbound.items.map { entry in
                Row(
                    id: entry.id, at: l.dateTime(entry.receivedAt), kind: l.fileSize(entry.size),
                    address: entry.sender ?? l.t("mail.noSender"),
                    subject: entry.subject.flatMap {
                        $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0
                    } ?? l.t("mail.noSubject"),
                    status: l.t("mail.inboundStatus.\(entry.status.rawValue)"), statusCode: entry.status.rawValue,
                    requestId: entry.requestId, requestNumber: entry.requestNumber, detail: entry.problems, body: nil,
                    raw: "/admin/mail/inbound/\(entry.id)/raw")
            },
            next: inbound.nextCursor.map {
                "/admin/mail?tab=inbound&cursor=\($0)" + (status.map { "&status=\($0)" } ?? "")
            })
    }

    static func options(_ values: [String], prefix: String, _ selected: String?, _ l: Localizer) -> [SelectOption] {
        [SelectOption(value: "", label: l.t("requests.any"), selected: selected == nil)]
            + values.map { SelectOption(value: $0, label: l.t("\(prefix).\($0)"), selected: $0 == selected) }
    }
}
