import AftercareDomain
import Foundation
import Logging
import SQLKit

/// Who a message goes to, and the language it is written in (the deployment's default when not known).
public struct MailRecipient: Sendable, Equatable {
    public var address: String
    public var name: String?
    public var language: Language?

    public init(address: String, name: String? = nil, language: Language? = nil) {
        self.address = address
        self.name = name
        self.language = language
    }
}

/// What a message to a customer says.
public enum OutgoingMailKind: String, CodedEnum {
    /// The request was received, with its number.
    case acknowledgement
    /// A reply on the request's conversation.
    case reply
    /// The engineer and the agreed window of a visit.
    case appointment
}

/// Where a message of the outbox stands.
public enum OutboxStatus: String, CodedEnum {
    /// Waiting for its next attempt.
    case pending
    /// Accepted by the mail server.
    case sent
    /// Given up: refused by the mail server, or every retry failed.
    case failed
    /// Kept here, because no mail server is configured.
    case held
}

/// What the server needs to write one message of the outbox in the recipient's language.
public struct OutboxItem: Sendable, Equatable {
    public var id: Int
    public var kind: OutgoingMailKind
    public var to: MailRecipient
    public var requestNumber: String
    public var customerName: String
    public var contactName: String?
    public var faultDescription: String
    /// The reply's text (replies only).
    public var reply: String?
    /// The visit's engineer and agreed window (appointments only).
    public var engineerName: String?
    public var windowStart: Date?
    public var windowEnd: Date?
    /// The `Message-ID` of the customer's last e-mail on the request, which this message answers.
    public var inReplyTo: String?
    public var createdAt: Date
}

/// One message of the outbox, as administrators see it.
public struct OutboxEntry: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var kind: OutgoingMailKind
    public var requestId: Int?
    public var requestNumber: String?
    public var toAddress: String
    public var toName: String?
    public var subject: String?
    public var body: String?
    public var status: OutboxStatus
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastError: String?
    public var createdAt: Date
    public var sentAt: Date?
}

/// R-2.1, R-2.7: the messages to customers, written in the transaction of what they report (a request registered,
/// a reply posted, a visit scheduled) and sent by `MailSweep`. Internal notes never come here: only replies are
/// queued from the conversation.
public enum MailOutbox {
    /// The recipient of mail about a request: the sender of the customer's last e-mail on it; otherwise the
    /// customer's contact named on the request, when that contact has an address; otherwise the customer's only
    /// contact with an address when the request names none. `nil` when there is nobody to write to.
    static func recipient(requestId: Int, on db: any SQLDatabase) async throws -> MailRecipient? {
        guard
            let request = try await db.raw(
                """
                SELECT sr.contact_name, c.contacts FROM service_requests sr JOIN customers c ON c.id = sr.customer_id \
                WHERE sr.id = \(bind: requestId)
                """
            ).first()
        else { return nil }
        let contacts = try JSONText.decode([Contact].self, from: request.decode(column: "contacts", as: String.self))
        let contactName = try request.decode(column: "contact_name", as: String?.self)?.trimmed
        let sender = try await db.raw(
            """
            SELECT sender FROM inbound_mail WHERE request_id = \(bind: requestId) \
            AND status IN (\(bind: InboundMailStatus.joined.rawValue), \(bind: InboundMailStatus.opened.rawValue)) \
            AND sender IS NOT NULL ORDER BY id DESC LIMIT 1
            """
        ).first(decodingColumn: "sender", as: String.self)
        if let sender {
            let contact = contacts.first { $0.email?.trimmed.lowercased() == sender }
            return MailRecipient(address: sender, name: contact?.name ?? contactName, language: contact?.language)
        }
        let withAddress = contacts.filter { !($0.email?.trimmed.isEmpty ?? true) }
        let named =
            contactName.flatMap { name in
                withAddress.first { $0.name.trimmed.lowercased() == name.lowercased() }
            } ?? (contactName.isBlank && withAddress.count == 1 ? withAddress.first : nil)
        guard let named, let address = named.email?.trimmed.lowercased() else { return nil }
        return MailRecipient(address: address, name: named.name, language: named.language)
    }

    /// Queues the acknowledgement of a newly registered request, to `recipient` or the request's contact.
    static func acknowledge(
        _ request: ServiceRequestView, to recipient: MailRecipient?, at now: Date, on db: any SQLDatabase
    ) async throws {
        guard let to = try await recipientOrFound(recipient, requestId: request.id, on: db) else { return }
        try await enqueue(
            .acknowledgement, requestId: request.id, to: to, dedupeKey: "acknowledgement:\(request.id)", at: now,
            on: db)
    }

    /// Queues a reply posted on the request's conversation.
    static func reply(requestId: Int, messageId: Int, at now: Date, on db: any SQLDatabase) async throws {
        guard let to = try await recipient(requestId: requestId, on: db) else { return }
        try await enqueue(
            .reply, requestId: requestId, messageId: messageId, to: to, dedupeKey: "reply:\(messageId)", at: now,
            on: db)
    }

    /// Queues the confirmation of a visit's agreed window (each scheduling of it once).
    static func appointment(requestId: Int, visitId: Int, version: Int, at now: Date, on db: any SQLDatabase)
        async throws
    {
        guard let to = try await recipient(requestId: requestId, on: db) else { return }
        try await enqueue(
            .appointment, requestId: requestId, visitId: visitId, to: to,
            dedupeKey: "appointment:\(visitId):\(version)", at: now, on: db)
    }

    static func recipientOrFound(_ given: MailRecipient?, requestId: Int, on db: any SQLDatabase) async throws
        -> MailRecipient?
    {
        if let given { return given }
        return try await recipient(requestId: requestId, on: db)
    }

    static func enqueue(
        _ kind: OutgoingMailKind, requestId: Int, visitId: Int? = nil, messageId: Int? = nil, to: MailRecipient,
        dedupeKey: String, at now: Date, on db: any SQLDatabase
    ) async throws {
        try await db.insert(into: "mail_outbox")
            .columns(
                "kind", "request_id", "visit_id", "request_message_id", "to_address", "to_name", "language",
                "email_message_id", "status", "attempts", "next_attempt_at", "dedupe_key", "created_at"
            )
            .values(
                SQLBind(kind.rawValue), SQLBind(requestId), SQLBind(visitId), SQLBind(messageId),
                SQLBind(String(to.address.prefix(Limits.email))),
                SQLBind(to.name.map { String($0.prefix(Limits.name)) }),
                SQLBind(to.language?.rawValue), SQLBind(""), SQLBind(OutboxStatus.pending.rawValue), SQLBind(0),
                SQLBind(now), SQLBind(dedupeKey), SQLBind(now)
            )
            .ignoringConflicts(with: "dedupe_key").run()
    }

    // MARK: Message ids

    /// The `Message-ID` a message of the outbox is sent with: stable across retries, and naming the message, so
    /// that a customer's answer (`In-Reply-To`) finds its request.
    public static func messageId(outboxId: Int, createdAt: Date, domain: String) -> String {
        "aftercare.\(outboxId).\(Int(createdAt.timeIntervalSince1970))@\(domain)"
    }

    /// The outbox message a `Message-ID` of ours names, or nil.
    public static func outboxId(inMessageId id: String) -> Int? {
        let parts = id.split(separator: "@", maxSplits: 1)[0].split(separator: ".")
        guard parts.count == 3, parts[0] == "aftercare" else { return nil }
        return Int(parts[1])
    }

    // MARK: Reading

    /// R-14.2: mail about requests of the scope's units; mail about no request (an unreadable message, a bounce)
    /// only for a scope over the whole organisation.
    static func scopeCondition(_ scope: Scope, request: String) -> SQLQueryString? {
        switch scope {
        case .everything: return nil
        case .customer: return "1 = 0"
        case .orgSubtree(_, let path):
            let units: SQLQueryString =
                "sr.org_unit_id IN (SELECT id FROM org_units WHERE path LIKE \(bind: path + "%"))"
            guard path.split(separator: "/").count <= 1 else { return units }
            return "(\(unsafeRaw: request) IS NULL OR " + units + ")"
        }
    }

    /// The outbox, newest first, optionally of one status or one request, within `scope`; keyset paging on the id.
    public static func list(
        status: OutboxStatus? = nil, requestId: Int? = nil, within scope: Scope = .everything, page: PageRequest,
        on db: any SQLDatabase
    ) async throws -> Page<OutboxEntry> {
        var sql: SQLQueryString = """
            SELECT m.id, m.kind, m.request_id, sr.number AS request_number, m.to_address, m.to_name, m.subject, m.body, \
            m.status, m.attempts, m.next_attempt_at, m.last_error, m.created_at, m.sent_at FROM mail_outbox m \
            LEFT JOIN service_requests sr ON sr.id = m.request_id WHERE 1 = 1
            """
        if let status { sql = sql + " AND m.status = \(bind: status.rawValue)" }
        if let requestId { sql = sql + " AND m.request_id = \(bind: requestId)" }
        if let condition = scopeCondition(scope, request: "m.request_id") { sql = sql + " AND " + condition }
        if let after = page.afterId { sql = sql + " AND m.id < \(bind: after)" }
        sql = sql + " ORDER BY m.id DESC LIMIT \(unsafeRaw: String(page.limit + 1))"
        let rows = try await db.raw(sql).all()
        return try Page(rows: rows, limit: page.limit) { rows in
            try rows.map { row in
                let status = try row.decodeStored("status", as: OutboxStatus.self)
                return OutboxEntry(
                    id: try row.decode(column: "id", as: Int.self),
                    kind: try row.decodeStored("kind", as: OutgoingMailKind.self),
                    requestId: try row.decode(column: "request_id", as: Int?.self),
                    requestNumber: try row.decode(column: "request_number", as: String?.self),
                    toAddress: try row.decode(column: "to_address", as: String.self),
                    toName: try row.decode(column: "to_name", as: String?.self),
                    subject: try row.decode(column: "subject", as: String?.self),
                    body: try row.decode(column: "body", as: String?.self), status: status,
                    attempts: try row.decode(column: "attempts", as: Int.self),
                    nextAttemptAt: status == .pending ? try row.decode(column: "next_attempt_at", as: Date?.self) : nil,
                    lastError: try row.decode(column: "last_error", as: String?.self),
                    createdAt: try row.decode(column: "created_at", as: Date.self),
                    sentAt: try row.decode(column: "sent_at", as: Date?.self))
            }
        }
    }
}

/// Sends one rendered message to a mail server (supplied by the server: SMTP). Throws `MailRefused` when the server
/// refuses it for good (a 5xx answer), any other error when it could not be sent now.
public protocol MailTransport: Sendable {
    func send(from: String, to: String, message: [UInt8]) async throws
}

/// The mail server refused a message for good.
public struct MailRefused: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}

/// R-2.1: sends the outbox and records each outcome; an idempotent sweep (DESIGN 11), claimed as webhook
/// deliveries are (a short transaction counts the attempt and leases the message, the sending runs outside it,
/// the outcome is written only if nobody claimed the message since). Without a transport every due message is
/// written out and held, for administrators to read.
public struct MailSweep: Sendable {
    public let store: Store
    public let transport: (any MailTransport)?
    public let sender: MailAddress
    /// The subject and text of a message in its recipient's language.
    public let render: @Sendable (OutboxItem) -> (subject: String, text: String)
    public var lease: TimeInterval = 300
    public var concurrency = 2
    let logger: Logger

    public init(
        store: Store, transport: (any MailTransport)?, sender: MailAddress,
        render: @escaping @Sendable (OutboxItem) -> (subject: String, text: String),
        logger: Logger = Logger(label: "aftercare.mail")
    ) {
        self.store = store
        self.transport = transport
        self.sender = sender
        self.render = render
        self.logger = logger
    }

    var domain: String {
        let parts = sender.address.split(separator: "@")
        return parts.count == 2 ? String(parts[1]) : "aftercare.invalid"
    }

    struct Claimed: Sendable {
        var item: OutboxItem
        var attempts: Int
    }

    /// Sends (or holds) up to `limit` messages due at `now`; returns how many were handled.
    public func run(now: Date, limit: Int) async throws -> Int {
        var handled = 0
        while handled < limit {
            let batch = try await claim(now: now, limit: min(concurrency, limit - handled))
            if batch.isEmpty { break }
            await withTaskGroup(of: Void.self) { group in
                for claimed in batch {
                    group.addTask { await self.attempt(claimed, now: now) }
                }
            }
            handled += batch.count
        }
        return handled
    }

    func claim(now: Date, limit: Int) async throws -> [Claimed] {
        let lease = now.addingTimeInterval(self.lease)
        return try await store.write { db in
            var query = db.select().column("id").from("mail_outbox")
                .where("status", .equal, OutboxStatus.pending.rawValue)
                .where("next_attempt_at", .lessThanOrEqual, SQLBind(now))
                .orderBy("next_attempt_at").orderBy("id").limit(limit)
            if db.dialect.name != "sqlite" { query = query.lockingClause(SQLRaw("FOR UPDATE SKIP LOCKED")) }
            let ids = try await query.all(decodingColumn: "id", as: Int.self)
            guard !ids.isEmpty else { return [] }
            try await db.update("mail_outbox")
                .set("attempts", to: SQLBinaryExpression(SQLColumn("attempts"), .add, SQLLiteral.numeric("1")))
                .set("next_attempt_at", to: SQLBind(lease))
                .where("id", .in, SQLBind.group(ids)).run()
            let rows = try await db.raw(
                """
                SELECT m.id, m.kind, m.to_address, m.to_name, m.language, m.attempts, m.created_at, sr.number, \
                c.name AS customer_name, sr.contact_name, sr.fault_description, msg.body AS reply, \
                u.display_name AS engineer_name, v.window_start, v.window_end, \
                (SELECT i.email_message_id FROM inbound_mail i WHERE i.request_id = m.request_id \
                AND i.email_message_id IS NOT NULL ORDER BY i.id DESC LIMIT 1) AS in_reply_to \
                FROM mail_outbox m JOIN service_requests sr ON sr.id = m.request_id \
                JOIN customers c ON c.id = sr.customer_id \
                LEFT JOIN request_messages msg ON msg.id = m.request_message_id \
                LEFT JOIN visits v ON v.id = m.visit_id LEFT JOIN engineers e ON e.id = v.engineer_id \
                LEFT JOIN users u ON u.id = e.user_id \
                WHERE m.id IN (\(SQLList(ids.map { SQLBind($0) }))) ORDER BY m.id
                """
            ).all()
            return try rows.map { row in
                Claimed(
                    item: OutboxItem(
                        id: try row.decode(column: "id", as: Int.self),
                        kind: try row.decodeStored("kind", as: OutgoingMailKind.self),
                        to: MailRecipient(
                            address: try row.decode(column: "to_address", as: String.self),
                            name: try row.decode(column: "to_name", as: String?.self),
                            language: try row.decode(column: "language", as: String?.self).flatMap(Language.init)),
                        requestNumber: try row.decode(column: "number", as: String.self),
                        customerName: try row.decode(column: "customer_name", as: String.self),
                        contactName: try row.decode(column: "contact_name", as: String?.self),
                        faultDescription: try row.decode(column: "fault_description", as: String.self),
                        reply: try row.decode(column: "reply", as: String?.self),
                        engineerName: try row.decode(column: "engineer_name", as: String?.self),
                        windowStart: try row.decode(column: "window_start", as: Date?.self),
                        windowEnd: try row.decode(column: "window_end", as: Date?.self),
                        inReplyTo: try row.decode(column: "in_reply_to", as: String?.self),
                        createdAt: try row.decode(column: "created_at", as: Date.self)),
                    attempts: try row.decode(column: "attempts", as: Int.self))
            }
        }
    }

    /// The message as it goes out: the request's number in the subject, our `Message-ID`, and, except for replies
    /// a person wrote, marked as sent automatically so that auto-responders stay silent.
    func compose(_ item: OutboxItem, at now: Date) -> (subject: String, text: String, messageId: String, raw: [UInt8]) {
        let (subject, text) = render(item)
        let tagged = RequestTag.tagged(subject, number: item.requestNumber)
        let messageId = MailOutbox.messageId(outboxId: item.id, createdAt: item.createdAt, domain: domain)
        let mail = OutgoingMail(
            from: sender, to: MailAddress(name: item.to.name, address: item.to.address), subject: tagged,
            text: text, messageId: messageId, inReplyTo: item.inReplyTo,
            references: item.inReplyTo.map { [$0] } ?? [], automatic: item.kind != .reply, date: now)
        return (tagged, text, messageId, mail.rendered())
    }

    func attempt(_ claimed: Claimed, now: Date) async {
        let item = claimed.item
        let message = compose(item, at: now)
        var status = OutboxStatus.sent
        var next: Date?
        var error: String?
        if let transport {
            do {
                try await transport.send(from: sender.address, to: item.to.address, message: message.raw)
            } catch let refused as MailRefused {
                status = .failed
                error = "refused: \(refused.reason)"
            } catch let failure {
                error = "not sent: \(String(String(describing: failure).prefix(300)))"
                next = WebhookRules.nextAttempt(after: claimed.attempts, from: now)
                status = next == nil ? .failed : .pending
            }
        } else {
            status = .held
        }
        let (finalStatus, finalNext, finalError) = (status, next, error)
        do {
            try await store.write { db in
                try await db.update("mail_outbox").set("status", to: finalStatus.rawValue)
                    .set("subject", to: String(message.subject.prefix(Limits.longText)))
                    .set("body", to: message.text).set("email_message_id", to: message.messageId)
                    .set("next_attempt_at", to: finalNext.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null)
                    .set("last_error", to: finalError.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null)
                    .set(
                        "sent_at",
                        to: finalStatus == .sent ? SQLBind(now) as any SQLExpression : SQLLiteral.null
                    )
                    .where("id", .equal, item.id).where("attempts", .equal, claimed.attempts)
                    .where("status", .equal, OutboxStatus.pending.rawValue).run()
            }
        } catch {
            logger.error(
                "mail outcome not recorded",
                metadata: ["outbox": .stringConvertible(item.id), "error": .string("\(type(of: error))")])
        }
        logger.log(
            level: finalStatus == .failed ? .warning : .info, "mail attempted",
            metadata: [
                "outbox": .stringConvertible(item.id), "kind": .string(item.kind.rawValue),
                "attempt": .stringConvertible(claimed.attempts), "status": .string(finalStatus.rawValue),
                "error": .string(finalError ?? "-"),
            ])
    }
}
