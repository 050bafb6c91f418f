import AftercareDomain
import Foundation
import SQLKit

/// A file to attach, as received.
public struct NewAttachment: Sendable {
    public var fileName: String
    public var bytes: [UInt8]

    public init(fileName: String, bytes: [UInt8]) {
        self.fileName = fileName
        self.bytes = bytes
    }
}

/// A message to post on a request's conversation.
public struct MessageInput: Sendable {
    public var kind: MessageKind
    public var source: MessageSource
    public var body: String
    /// The name shown as its author: a person's display name, or an e-mail sender's.
    public var authorName: String
    public var attachments: [NewAttachment]
    /// The `Message-ID` of the e-mail it came in or went out as.
    public var emailMessageId: String?

    public init(
        kind: MessageKind, source: MessageSource, body: String, authorName: String,
        attachments: [NewAttachment] = [], emailMessageId: String? = nil
    ) {
        self.kind = kind
        self.source = source
        self.body = body
        self.authorName = authorName
        self.attachments = attachments
        self.emailMessageId = emailMessageId
    }
}

/// A file kept on a record.
public struct AttachmentView: Codable, Sendable, Equatable {
    public var id: Int
    public var fileName: String
    public var kind: FileKind
    public var size: Int
    public var createdAt: Date
}

/// One message of a request's conversation.
public struct MessageView: Codable, Sendable, Equatable {
    public var id: Int
    public var requestId: Int
    public var kind: MessageKind
    public var source: MessageSource
    public var authorName: String
    public var body: String
    public var createdAt: Date
    public var attachments: [AttachmentView]
}

/// A kept file with its bytes, for those who may see its record.
public struct AttachmentFile: Sendable {
    public var view: AttachmentView
    public var data: Data
}

/// the conversation on a request. Replies go to the customer, internal notes stay among staff,
/// the customer's messages come from the portal and e-mail; any of them may carry files. Reads for the customer
/// (`includeInternal: false`) never return an internal note or its files.
public struct Conversations: Sendable {
    public let store: Store
    public let vault: FileVault

    public init(_ store: Store, vault: FileVault = .temporary) {
        self.store = store
        self.vault = vault
    }

    static let owner = "request_messages"
    /// The most messages a page shows.
    public static let pageSize = 200

    /// Checks a message and its files; the problems by field (`body`, `attachments`, `attachments.<n>`).
    public static func problems(_ input: MessageInput) -> [String: FieldProblem] {
        var problems: [String: FieldProblem] = [:]
        let body = input.body.trimmingCharacters(in: .whitespacesAndNewlines)
        if body.isEmpty && input.attachments.isEmpty { problems["body"] = .required }
        if input.body.count > Limits.longText { problems["body"] = .tooLong(max: Limits.longText) }
        if input.attachments.count > AttachmentRules.maxCount {
            problems["attachments"] = .tooMany(max: AttachmentRules.maxCount)
        }
        for (index, file) in input.attachments.enumerated() {
            do {
                _ = try AttachmentRules.check(file.bytes)
            } catch {
                switch error {
                case .empty: problems["attachments.\(index)"] = .required
                case .tooLarge(let max): problems["attachments.\(index)"] = .fileTooLarge(maxBytes: max)
                case .tooMany(let max): problems["attachments"] = .tooMany(max: max)
                case .typeNotAllowed: problems["attachments.\(index)"] = .fileTypeNotAllowed
                }
            }
        }
        return problems
    }

    /// Posts `input` on the request `requestId` as `actor`. The request must be visible in the store's scope (else
    /// not found) and not archived; the files are kept first, then the message, its files' rows and the audit
    /// entry are written in one transaction. A refused message writes nothing.
    public func post(_ input: MessageInput, to requestId: Int, by actor: Actor) async throws -> MessageView {
        let problems = Self.problems(input)
        guard problems.isEmpty else { throw ValidationError(problems) }
        let scope = store.scope
        // Visible and open to messages before any file is written.
        guard try await ServiceRequests.load(requestId, within: scope, on: store.sql) != nil else {
            throw RecordNotFound(entity: "serviceRequest", id: requestId)
        }
        let files = try keep(input.attachments)
        let now = store.now
        let id = try await store.write { db in
            _ = try await ServiceRequests.lockForWrite(requestId, expectedVersion: nil, within: scope, on: db)
            return try await Self.insert(input, files: files, on: requestId, by: actor, at: now, on: db)
        }
        return try await Self.messages(requestId, only: id, includeInternal: true, on: store.sql).first!
    }

    /// Keeps the files of a checked message in the vault, before the transaction that names them.
    func keep(_ attachments: [NewAttachment]) throws -> [KeptFile] {
        try attachments.map { file in
            KeptFile(
                name: AttachmentRules.safeName(file.fileName), kind: try AttachmentRules.check(file.bytes),
                size: file.bytes.count, digest: try vault.keep(file.bytes))
        }
    }

    /// Writes a checked message, its files' rows, the reply's e-mail and the audit entry in the caller's
    /// transaction; returns the message's id.
    static func insert(
        _ input: MessageInput, files: [KeptFile], on requestId: Int, by actor: Actor, at now: Date,
        on db: any SQLDatabase
    ) async throws -> Int {
        let id = try await db.insert(into: "request_messages")
            .columns("request_id", "kind", "source", "actor", "author_name", "body", "email_message_id", "created_at")
            .values(
                SQLBind(requestId), SQLBind(input.kind.rawValue), SQLBind(input.source.rawValue), SQLBind(actor.name),
                SQLBind(String(input.authorName.prefix(Limits.name))), SQLBind(input.body),
                SQLBind(input.emailMessageId), SQLBind(now)
            )
            .returning("id").first(decodingColumn: "id", as: Int.self)!
        try await Attachments.insert(files, owner: owner, ownerId: id, requestId: requestId, by: actor, at: now, on: db)
        // A reply goes to the customer by e-mail too; an internal note never leaves.
        if input.kind == .reply { try await MailOutbox.reply(requestId: requestId, messageId: id, at: now, on: db) }
        let message = try await messages(requestId, only: id, includeInternal: true, on: db).first!
        try await AuditLog.append(
            on: db, entity: "requestMessage", id: id, action: .create, actor: actor, at: now,
            before: MessageView?.none, after: message)
        return id
    }

    /// The request's conversation, oldest first, each message with its files; without internal notes for a customer.
    /// The request must be visible in the store's scope.
    public func list(_ requestId: Int, includeInternal: Bool) async throws -> [MessageView] {
        guard try await ServiceRequests.load(requestId, within: store.scope, on: store.sql) != nil else {
            throw RecordNotFound(entity: "serviceRequest", id: requestId)
        }
        return try await Self.messages(requestId, only: nil, includeInternal: includeInternal, on: store.sql)
    }

    /// Messages and their files in two queries.
    static func messages(_ requestId: Int, only id: Int?, includeInternal: Bool, on db: any SQLDatabase)
        async throws -> [MessageView]
    {
        var sql: SQLQueryString = """
            SELECT id, request_id, kind, source, author_name, body, created_at FROM request_messages \
            WHERE request_id = \(bind: requestId)
            """
        if let id { sql = sql + " AND id = \(bind: id)" }
        if !includeInternal { sql = sql + " AND kind <> \(bind: MessageKind.internalNote.rawValue)" }
        sql = sql + " ORDER BY id LIMIT \(unsafeRaw: String(pageSize))"
        var messages = try await db.raw(sql).all().map { row in
            MessageView(
                id: try row.decode(column: "id", as: Int.self),
                requestId: try row.decode(column: "request_id", as: Int.self),
                kind: try row.decodeStored("kind", as: MessageKind.self),
                source: try row.decodeStored("source", as: MessageSource.self),
                authorName: try row.decode(column: "author_name", as: String.self),
                body: try row.decode(column: "body", as: String.self),
                createdAt: try row.decode(column: "created_at", as: Date.self), attachments: [])
        }
        guard !messages.isEmpty else { return [] }
        let files = try await Attachments.of(owner: owner, ids: messages.map(\.id), on: db)
        for index in messages.indices { messages[index].attachments = files[messages[index].id] ?? [] }
        return messages
    }

    /// A kept file, for someone who may see its message: its request visible in the scope, and, for a customer
    /// (`includeInternal: false`), a message that is not an internal note. Anything else is not found.
    public func file(_ id: Int, includeInternal: Bool) async throws -> AttachmentFile {
        var sql: SQLQueryString = """
            SELECT a.id, a.owner_id, a.file_name, a.kind, a.size, a.sha256, a.created_at, m.request_id, m.kind AS \
            message_kind FROM attachments a JOIN request_messages m ON m.id = a.owner_id \
            WHERE a.owner = \(bind: Self.owner) AND a.id = \(bind: id)
            """
        if !includeInternal { sql = sql + " AND m.kind <> \(bind: MessageKind.internalNote.rawValue)" }
        guard let row = try await store.sql.raw(sql).first(),
            try await ServiceRequests.load(
                try row.decode(column: "request_id", as: Int.self), within: store.scope, on: store.sql) != nil
        else { throw RecordNotFound(entity: "attachment", id: id) }
        return AttachmentFile(
            view: try Attachments.view(row), data: try vault.read(try row.decode(column: "sha256", as: String.self)))
    }

    /// Removes kept files that no row names, written more than `age` ago (a crash between the file and its row,
    /// or an upload refused after its files were kept). Returns how many were removed.
    public func removeOrphans(olderThan age: TimeInterval = 3600) async throws -> Int {
        let cutoff = store.now.addingTimeInterval(-age)
        let candidates = vault.kept().filter { $0.modified < cutoff }
        guard !candidates.isEmpty else { return 0 }
        var removed = 0
        for batch in stride(from: 0, to: candidates.count, by: 500) {
            let slice = Array(candidates[batch..<min(batch + 500, candidates.count)])
            let digests = slice.map(\.name).filter { !$0.hasPrefix(".") }
            var known: Set<String> = []
            if !digests.isEmpty {
                // Files of attachments, the raw messages the mail gateway received and the customers' signatures.
                let list = SQLList(digests.map { SQLBind($0) })
                known = Set(
                    try await store.sql.raw(
                        """
                        SELECT sha256 FROM attachments WHERE sha256 IN (\(list)) \
                        UNION SELECT sha256 FROM inbound_mail WHERE sha256 IN (\(list)) \
                        UNION SELECT signature_sha256 AS sha256 FROM service_reports \
                        WHERE signature_sha256 IN (\(list))
                        """
                    ).all().map { try $0.decode(column: "sha256", as: String.self) })
            }
            for file in slice where !known.contains(file.name) {
                try? FileManager.default.removeItem(at: file.url)
                removed += 1
            }
        }
        return removed
    }
}

/// A file kept in the vault, waiting for its row.
struct KeptFile: Sendable {
    var name: String
    var kind: FileKind
    var size: Int
    var digest: String

    /// refuses an upload of photos and videos that is empty, too large a batch, or holds a file that is not
    /// a whole photo or video, naming the file.
    static func checkMedia(_ files: [NewAttachment]) throws {
        var problems: [String: FieldProblem] = [:]
        if files.isEmpty { problems["files"] = .required }
        if files.count > ReportMedia.maxPerUpload { problems["files"] = .tooMany(max: ReportMedia.maxPerUpload) }
        for (index, file) in files.enumerated() {
            if let problem = ReportMedia.problem(file.bytes) { problems["files.\(index)"] = problem }
        }
        guard problems.isEmpty else { throw ValidationError(problems) }
    }

    /// Writes checked photos and videos to the vault, before the transaction that names them.
    static func keepMedia(_ files: [NewAttachment], in vault: FileVault) throws -> [KeptFile] {
        try files.map { file in
            KeptFile(
                name: AttachmentRules.safeName(file.fileName, fallback: "photo"),
                kind: AttachmentRules.kind(of: file.bytes)!, size: file.bytes.count, digest: try vault.keep(file.bytes))
        }
    }
}

/// the rows of kept files (`attachments`), for every area that keeps them, each naming its owner
/// (`request_messages`, `service_reports`) and the request it belongs to.
enum Attachments {
    /// Writes the rows of files already kept in the vault, in the caller's transaction.
    static func insert(
        _ files: [KeptFile], owner: String, ownerId: Int, requestId: Int?, by actor: Actor, at now: Date,
        on db: any SQLDatabase
    ) async throws {
        for file in files {
            try await db.insert(into: "attachments")
                .columns(
                    "owner", "owner_id", "request_id", "file_name", "kind", "size", "sha256", "actor", "created_at"
                )
                .values(
                    SQLBind(owner), SQLBind(ownerId), SQLBind(requestId), SQLBind(file.name),
                    SQLBind(file.kind.rawValue), SQLBind(file.size), SQLBind(file.digest), SQLBind(actor.name),
                    SQLBind(now)
                ).run()
        }
    }

    /// The files of these owners, oldest first, by owner id, in one query.
    static func of(owner: String, ids: [Int], on db: any SQLDatabase) async throws -> [Int: [AttachmentView]] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await db.raw(
            """
            SELECT id, owner_id, file_name, kind, size, created_at FROM attachments WHERE owner = \(bind: owner) \
            AND owner_id IN (\(SQLList(ids.map { SQLBind($0) }))) ORDER BY id
            """
        ).all()
        var files: [Int: [AttachmentView]] = [:]
        for row in rows {
            files[try row.decode(column: "owner_id", as: Int.self), default: []].append(try view(row))
        }
        return files
    }

    static func view(_ row: any SQLRow) throws -> AttachmentView {
        AttachmentView(
            id: try row.decode(column: "id", as: Int.self),
            fileName: try row.decode(column: "file_name", as: String.self),
            kind: try row.decodeStored("kind", as: FileKind.self), size: try row.decode(column: "size", as: Int.self),
            createdAt: try row.decode(column: "created_at", as: Date.self))
    }
}
