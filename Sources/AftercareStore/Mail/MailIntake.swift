import AftercareDomain
import Foundation
import Logging
import SQLKit

/// What became of a message the mail gateway received.
public enum InboundMailStatus: String, CodedEnum {
    /// Added to the conversation of the request it answers.
    case joined
    /// Opened a new request (from a customer's contact, or, marked for triage, from an unknown sender).
    case opened
    /// An auto-reply, a bounce or a list message: kept, never answered, nothing opened.
    case automatic
    /// The same message (`Message-ID` and sender) was received before.
    case duplicate
    /// Too large to read: kept as received.
    case refused
    /// No sender could be read from it: kept as received, for an administrator.
    case unreadable
}

/// One message the gateway received, as administrators see it.
public struct InboundMailEntry: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var receivedAt: Date
    public var sender: String?
    public var subject: String?
    public var status: InboundMailStatus
    public var requestId: Int?
    public var requestNumber: String?
    public var size: Int
    /// What could not be read, in words for an administrator (unknown charsets, malformed parts, files not kept).
    public var problems: String?
}

/// Where messages from unknown senders go, and which address is our own (never answered, to stop loops).
public struct MailIntakeSettings: Sendable, Equatable {
    /// The unit, by code, that owns customers made from unknown senders; the first top unit when nil or unknown.
    public var orgUnitCode: String?
    /// The address the outbox sends from.
    public var ownAddress: String?

    public init(orgUnitCode: String? = nil, ownAddress: String? = nil) {
        self.orgUnitCode = orgUnitCode
        self.ownAddress = ownAddress
    }
}

/// incoming e-mail. Every message is kept raw in the file vault and logged in `inbound_mail` before it is
/// read, so nothing the gateway accepted is lost. Then:
/// - an answer (its subject carries a request number, or `In-Reply-To`/`References` name a message of that
///   request) joins the request's conversation, but only when the sender is a contact of that request's customer;
/// - otherwise a message from a customer's contact opens a request with channel `email`, acknowledged with its
///   number;
/// - otherwise the sender is unknown: a customer is made from the sender and the request is marked for triage;
/// - auto-replies, bounces and list mail (and our own messages coming back) are kept and never answered.
public struct MailIntake: Sendable {
    public let store: Store
    public let vault: FileVault
    public let settings: MailIntakeSettings
    let logger: Logger

    public static let actor = Actor(name: "mailgate")

    public init(
        _ store: Store, vault: FileVault, settings: MailIntakeSettings = MailIntakeSettings(),
        logger: Logger = Logger(label: "aftercare.mailgate")
    ) {
        self.store = store.seen(within: .everything)
        self.vault = vault
        self.settings = settings
        self.logger = logger
    }

    /// The largest message kept; a larger one is refused before it is read.
    public static let maxKeptBytes = 40 * 1024 * 1024

    /// Receives one raw message. Throws only when it could not be kept (the gateway then asks the mail server to
    /// try again later).
    @discardableResult
    public func receive(_ raw: [UInt8]) async throws -> InboundMailEntry {
        let now = store.now
        let digest = try vault.keep(raw)
        guard raw.count <= MailMessage.maxBytes else {
            return try await log(
                digest: digest, size: raw.count, message: nil, status: .refused, requestId: nil, messageId: nil,
                problems: ["the message is larger than \(MailMessage.maxBytes / 1_048_576) MB"], at: now)
        }
        let message = MailMessage.parse(raw)
        var problems = message.problems.map(Self.describe)
        if message.to.count + message.cc.count > MailMessage.maxRecipients {
            problems.append("\(message.to.count + message.cc.count) recipients; only the sender is answered")
        }
        guard let sender = message.from?.address, CustomerRecord.looksLikeEmail(sender) else {
            return try await log(
                digest: digest, size: raw.count, message: message, status: .unreadable, requestId: nil,
                messageId: nil, problems: problems + ["no sender address"], at: now)
        }
        if let messageId = message.messageId,
            try await store.sql.raw(
                """
                SELECT id FROM inbound_mail WHERE email_message_id = \(bind: messageId) \
                AND sender = \(bind: sender) LIMIT 1
                """
            ).first() != nil
        {
            return try await log(
                digest: digest, size: raw.count, message: message, status: .duplicate, requestId: nil, messageId: nil,
                problems: problems, at: now)
        }
        if message.isAutomatic || sender == settings.ownAddress?.lowercased() {
            return try await log(
                digest: digest, size: raw.count, message: message, status: .automatic, requestId: nil, messageId: nil,
                problems: problems, at: now)
        }
        // The files the conversation may keep; the others are named, and stay in the raw message.
        var files: [NewAttachment] = []
        for attachment in message.attachments {
            let file = NewAttachment(fileName: attachment.filename, bytes: attachment.data)
            if files.count < AttachmentRules.maxCount, (try? AttachmentRules.check(file.bytes)) != nil {
                files.append(file)
            } else {
                problems.append("file not attached: \(AttachmentRules.safeName(attachment.filename))")
            }
        }
        let conversations = Conversations(store, vault: vault)
        let kept = try conversations.keep(files)
        let author = message.from?.name.flatMap { $0.trimmed.isEmpty ? nil : $0 } ?? sender
        let text = message.replyText.isEmpty ? message.text : message.replyText
        let input = MessageInput(
            kind: .customerMessage, source: .email, body: String(text.prefix(Limits.longText)), authorName: author,
            attachments: files, emailMessageId: message.messageId)
        let candidates = try await referencedRequests(message)
        let noted = problems
        let settings = settings
        let timeZone = store.timeZone
        let kind = store.kind
        return try await store.write { db in
            // An answer to a request of a customer whose contact the sender is.
            if !candidates.isEmpty,
                let requestId = try await db.raw(
                    """
                    SELECT sr.id FROM service_requests sr JOIN customer_emails e ON e.customer_id = sr.customer_id \
                    WHERE sr.id IN (\(SQLList(candidates.map { SQLBind($0) }))) AND e.address = \(bind: sender) \
                    AND sr.archived_at IS NULL ORDER BY sr.id DESC LIMIT 1
                    """
                ).first(decodingColumn: "id", as: Int.self)
            {
                let status = try await ServiceRequests.lockForWrite(
                    requestId, expectedVersion: nil, within: .everything, on: db
                ).status
                let messageId = try await Conversations.insert(
                    input, files: kept, on: requestId, by: Self.actor, at: now, on: db)
                if status == .waitingOnCustomer {
                    _ = try await ServiceRequests.apply(
                        ServiceRequestEventInput(event: .customerResponded), to: requestId, by: Self.actor,
                        expectedVersion: nil, at: now, timeZone: timeZone, within: .everything, on: db)
                }
                return try await Self.log(
                    digest: digest, size: raw.count, message: message, status: .joined, requestId: requestId,
                    messageId: messageId, problems: noted, at: now, on: db)
            }
            // A new request, from a known contact or, for triage, from a customer made from the sender.
            var customer = try await Self.customer(of: sender, on: db)
            var flag: IntakeFlag?
            if customer == nil {
                customer = try await Self.makeCustomer(
                    for: message, address: sender, settings: settings, at: now, on: db)
                flag = .unknownSender
            }
            guard let customer else { throw RecordNotFound(entity: "customer", id: 0) }
            let contact = customer.contacts.first { $0.email?.trimmed.lowercased() == sender }
            let subject = message.subject.trimmed
            var description = subject.isEmpty ? text : subject + "\n\n" + text
            if description.trimmed.isEmpty { description = "(\(sender))" }
            let request = try await ServiceRequests.insert(
                ServiceRequestInput(
                    customerId: customer.id, contactName: contact?.name ?? author,
                    contactPhone: contact?.phones.first, channel: .email, type: .repair,
                    faultDescription: String(description.trimmed.prefix(Limits.longText))),
                by: Self.actor, at: now, year: CalendarDate(now, in: timeZone).year, kind: kind, within: .everything,
                intakeFlag: flag,
                mailTo: MailRecipient(address: sender, name: contact?.name ?? author, language: contact?.language),
                on: db)
            let messageId = try await Conversations.insert(
                input, files: kept, on: request.id, by: Self.actor, at: now, on: db)
            return try await Self.log(
                digest: digest, size: raw.count, message: message, status: .opened, requestId: request.id,
                messageId: messageId, problems: noted, at: now, on: db)
        }
    }

    /// The requests a message answers: those whose number its subject carries, and those of the messages its
    /// `In-Reply-To` and `References` name (ours sent from the outbox, or the customer's earlier ones).
    func referencedRequests(_ message: MailMessage) async throws -> [Int] {
        var ids: Set<Int> = []
        if let number = RequestTag.number(in: message.subject),
            let id = try await store.sql.raw(
                "SELECT id FROM service_requests WHERE number = \(bind: number)"
            ).first(decodingColumn: "id", as: Int.self)
        {
            ids.insert(id)
        }
        let named = Array(Set(message.inReplyTo + message.references).prefix(50))
        let outbox = named.compactMap(MailOutbox.outboxId(inMessageId:))
        if !outbox.isEmpty {
            ids.formUnion(
                try await store.sql.raw(
                    """
                    SELECT request_id FROM mail_outbox WHERE id IN (\(SQLList(outbox.map { SQLBind($0) }))) \
                    AND request_id IS NOT NULL
                    """
                ).all(decodingColumn: "request_id", as: Int.self))
        }
        if !named.isEmpty {
            ids.formUnion(
                try await store.sql.raw(
                    """
                    SELECT request_id FROM inbound_mail WHERE email_message_id IN \
                    (\(SQLList(named.map { SQLBind($0) }))) AND request_id IS NOT NULL
                    """
                ).all(decodingColumn: "request_id", as: Int.self))
        }
        return ids.sorted()
    }

    /// The live customer with a contact at `address` (the oldest when several have one).
    static func customer(of address: String, on db: any SQLDatabase) async throws -> CustomerRecord.View? {
        guard
            let id = try await db.raw(
                """
                SELECT c.id FROM customer_emails e JOIN customers c ON c.id = e.customer_id \
                WHERE e.address = \(bind: address) AND c.archived_at IS NULL ORDER BY c.id LIMIT 1
                """
            ).first(decodingColumn: "id", as: Int.self)
        else { return nil }
        return try await Records<CustomerRecord>.reload(id, within: .everything, on: db)
    }

    /// A customer made from an unknown sender: a person named as the message signs, with the address as contact.
    static func makeCustomer(
        for message: MailMessage, address: String, settings: MailIntakeSettings, at now: Date, on db: any SQLDatabase
    ) async throws -> CustomerRecord.View {
        var unit: Int?
        if let code = settings.orgUnitCode {
            unit = try await db.raw(
                "SELECT id FROM org_units WHERE code = \(bind: code) AND archived_at IS NULL"
            ).first(decodingColumn: "id", as: Int.self)
        }
        if unit == nil {
            unit = try await db.raw(
                "SELECT id FROM org_units WHERE archived_at IS NULL ORDER BY path, id LIMIT 1"
            ).first(decodingColumn: "id", as: Int.self)
        }
        guard let unit else { throw RecordNotFound(entity: "orgUnit", id: 0) }
        let name = message.from?.name.flatMap { $0.trimmed.isEmpty ? nil : String($0.trimmed.prefix(Limits.shortText)) }
        return try await Records<CustomerRecord>.insert(
            CustomerRecord.Input(
                orgUnitId: unit, name: name ?? address, kind: .person,
                contacts: [Contact(name: name ?? String(address.prefix(Limits.shortText)), email: address)]),
            by: actor, at: now, within: .everything, on: db)
    }

    func log(
        digest: String, size: Int, message: MailMessage?, status: InboundMailStatus, requestId: Int?, messageId: Int?,
        problems: [String], at now: Date
    ) async throws -> InboundMailEntry {
        let entry = try await store.write { db in
            try await Self.log(
                digest: digest, size: size, message: message, status: status, requestId: requestId,
                messageId: messageId, problems: problems, at: now, on: db)
        }
        return entry
    }

    static func log(
        digest: String, size: Int, message: MailMessage?, status: InboundMailStatus, requestId: Int?, messageId: Int?,
        problems: [String], at now: Date, on db: any SQLDatabase
    ) async throws -> InboundMailEntry {
        let sender = message?.from?.address.prefix(Limits.email).description
        let subject = message.map { String($0.subject.prefix(Limits.shortText * 2)) }
        let text = problems.isEmpty ? nil : String(problems.joined(separator: "; ").prefix(Limits.note))
        let id = try await db.insert(into: "inbound_mail")
            .columns(
                "received_at", "sha256", "size", "sender", "subject", "email_message_id", "status", "request_id",
                "request_message_id", "problems"
            )
            .values(
                SQLBind(now), SQLBind(digest), SQLBind(size), SQLBind(sender), SQLBind(subject),
                SQLBind(message?.messageId.map { String($0.prefix(Limits.email * 2)) }), SQLBind(status.rawValue),
                SQLBind(requestId), SQLBind(messageId), SQLBind(text)
            )
            .returning("id").first(decodingColumn: "id", as: Int.self)!
        return try await list(page: PageRequest(limit: 1, afterId: id + 1), on: db).items[0]
    }

    static func describe(_ problem: MailProblem) -> String {
        switch problem {
        case .unknownCharset(let name): "unknown character set \(name)"
        default: String(describing: problem)
        }
    }

    // MARK: Reading

    /// The messages received, newest first, optionally of one status, within `scope` (see
    /// `MailOutbox.scopeCondition`); keyset paging on the id.
    public static func list(
        status: InboundMailStatus? = nil, within scope: Scope = .everything, page: PageRequest, on db: any SQLDatabase
    ) async throws -> Page<InboundMailEntry> {
        var sql: SQLQueryString = """
            SELECT i.id, i.received_at, i.sender, i.subject, i.status, i.request_id, sr.number AS request_number, \
            i.size, i.problems FROM inbound_mail i LEFT JOIN service_requests sr ON sr.id = i.request_id WHERE 1 = 1
            """
        if let status { sql = sql + " AND i.status = \(bind: status.rawValue)" }
        if let condition = MailOutbox.scopeCondition(scope, request: "i.request_id") { sql = sql + " AND " + condition }
        if let after = page.afterId { sql = sql + " AND i.id < \(bind: after)" }
        sql = sql + " ORDER BY i.id DESC LIMIT \(unsafeRaw: String(page.limit + 1))"
        let rows = try await db.raw(sql).all()
        return try Page(rows: rows, limit: page.limit) { rows in
            try rows.map { row in
                InboundMailEntry(
                    id: try row.decode(column: "id", as: Int.self),
                    receivedAt: try row.decode(column: "received_at", as: Date.self),
                    sender: try row.decode(column: "sender", as: String?.self),
                    subject: try row.decode(column: "subject", as: String?.self),
                    status: try row.decodeStored("status", as: InboundMailStatus.self),
                    requestId: try row.decode(column: "request_id", as: Int?.self),
                    requestNumber: try row.decode(column: "request_number", as: String?.self),
                    size: try row.decode(column: "size", as: Int.self),
                    problems: try row.decode(column: "problems", as: String?.self))
            }
        }
    }

    /// The raw bytes of a received message, for an administrator whose scope holds it.
    public func raw(_ id: Int, within scope: Scope = .everything) async throws -> Data {
        var sql: SQLQueryString =
            "SELECT i.sha256 FROM inbound_mail i LEFT JOIN service_requests sr ON sr.id = i.request_id "
            + "WHERE i.id = \(bind: id)"
        if let condition = MailOutbox.scopeCondition(scope, request: "i.request_id") { sql = sql + " AND " + condition }
        guard let digest = try await store.sql.raw(sql).first(decodingColumn: "sha256", as: String.self) else {
            throw RecordNotFound(entity: "inboundMail", id: id)
        }
        return try vault.read(digest)
    }
}
