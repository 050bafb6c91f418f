import AftercareDomain
import Crypto
import Foundation
import Logging
import SQLKit

/// an organisation unit's webhook for escalation events, signed with HMAC-SHA256.
///
/// The signing secret is made by the server when the webhook is created (or its secret rotated) and returned
/// that once. Views, lists and the audit trail show only `secretFingerprint`, never the secret.
public enum WebhookRecord: RecordKind {
    public struct Input: Codable, Sendable, Equatable {
        /// The unit whose requests (and whose descendants' requests) the webhook hears about.
        public var orgUnitId: Int
        public var name: String
        public var url: String
        /// `WebhookEvent` names, one or more.
        public var events: [String]
        /// Whether deliveries may go to loopback and private addresses (and plain http); only an administrator
        /// may turn it on. Absent: false.
        public var allowPrivate: Bool?

        public init(orgUnitId: Int, name: String, url: String, events: [String], allowPrivate: Bool? = nil) {
            self.orgUnitId = orgUnitId
            self.name = name
            self.url = url
            self.events = events
            self.allowPrivate = allowPrivate
        }
    }

    public struct Fields: Codable, Sendable {
        var orgUnitId: Int
        var name: String
        var url: String
        var events: String
        var allowPrivate: Bool
    }

    public struct Row: Codable, Sendable {
        var orgUnitId: Int
        var name: String
        var url: String
        var events: String
        var allowPrivate: Bool
        /// Read only to compute the fingerprint.
        var secret: String
    }

    public struct View: Codable, Sendable, Equatable, Identifiable {
        public var id: Int
        public var orgUnitId: Int
        public var name: String
        public var url: String
        public var events: [WebhookEvent]
        public var allowPrivate: Bool
        /// The first 16 hex digits of SHA-256 of the secret: tells which secret is configured (and shows a rotation
        /// in the audit trail) without revealing it.
        public var secretFingerprint: String
        public var version: Int
        public var createdAt: Date
        public var updatedAt: Date
        public var archivedAt: Date?
    }

    public static let table = "webhooks"
    public static let entity = "webhook"

    public static func select(on db: any SQLDatabase) -> SQLSelectBuilder {
        db.select().columns(
            [
                "id", "version", "created_at", "updated_at", "archived_at", "org_unit_id", "name", "url", "events",
                "allow_private", "secret",
            ].map { SQLColumn($0, table: table) }
        ).from(table)
    }

    public static func validate(_ input: Input, id: Int?, on db: any SQLDatabase) async throws -> Fields {
        var v = Validator()
        v.text("name", input.name, required: true, max: Limits.name)
        let allowPrivate = input.allowPrivate ?? false
        if let problem = WebhookRules.urlProblem(input.url, allowPrivate: allowPrivate) { v.add("url", problem) }
        let events = input.events.compactMap(WebhookEvent.init(rawValue:))
        if input.events.isEmpty {
            v.add("events", .required)
        } else if events.count != input.events.count {
            v.add("events", .invalidValue(allowed: WebhookEvent.allowedValues))
        }
        v.reference("orgUnitId", try await Checks.reference(OrgUnitRecord.table, input.orgUnitId, on: db))
        try v.finish()
        return Fields(
            orgUnitId: input.orgUnitId, name: input.name.trimmed, url: input.url, events: CommaSet.encode(events),
            allowPrivate: allowPrivate)
    }

    public static func view(_ row: Row, meta: RecordMeta) throws -> View {
        View(
            id: meta.id, orgUnitId: row.orgUnitId, name: row.name, url: row.url, events: CommaSet.decode(row.events),
            allowPrivate: row.allowPrivate, secretFingerprint: fingerprint(row.secret), version: meta.version,
            createdAt: meta.createdAt, updatedAt: meta.updatedAt, archivedAt: meta.archivedAt)
    }

    public static func input(from view: View) -> Input {
        Input(
            orgUnitId: view.orgUnitId, name: view.name, url: view.url, events: view.events.map(\.rawValue),
            allowPrivate: view.allowPrivate)
    }

    /// The first 16 hex digits of SHA-256 of a secret.
    public static func fingerprint(_ secret: String) -> String {
        String(Secret.digest(secret).prefix(16))
    }
}

/// One delivery of one event to one webhook, as the delivery log shows it.
public struct WebhookDeliveryView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var webhookId: Int
    /// A `WebhookEvent` name.
    public var event: String
    public var status: WebhookDeliveryStatus
    /// Attempts made (or under way).
    public var attempts: Int
    /// When the next attempt is due, while `pending`.
    public var nextAttemptAt: Date?
    /// The receiver's HTTP status of the last attempt that got an answer.
    public var lastStatusCode: Int?
    /// Why the last attempt failed.
    public var lastError: String?
    public var createdAt: Date
    public var deliveredAt: Date?
    /// The event's data, as sent under `data`.
    public var payload: JSONValue
}

struct WebhookDeliveryRow: Codable, Sendable {
    var id: Int
    var webhookId: Int
    var event: String
    var payload: String
    var status: String
    var attempts: Int
    var nextAttemptAt: Date?
    var lastStatusCode: Int?
    var lastError: String?
    var createdAt: Date
    var deliveredAt: Date?
}

/// A webhook was created or its secret rotated: the secret, shown this once.
public struct WebhookWithSecret: Codable, Sendable {
    public var secret: String
    public var webhook: WebhookRecord.View
}

/// the webhooks of the caller's organisation: create, edit, archive, rotate the secret, the delivery log.
/// Reads go through `Records<WebhookRecord>`; every write is audited without the secret.
public struct Webhooks: Sendable {
    public let store: Store

    public init(_ store: Store) {
        self.store = store
    }

    /// Refuses `allowPrivate` from someone who may not set it.
    static func checkAllowPrivate(_ input: WebhookRecord.Input, was: Bool, mayAllowPrivate: Bool) throws {
        if input.allowPrivate == true, !was, !mayAllowPrivate {
            throw ValidationError([
                "allowPrivate": .invalidValue(allowed: ["false (only an administrator may allow private addresses)"])
            ])
        }
    }

    /// Creates a webhook with a new secret; the secret is returned this once.
    public func create(_ input: WebhookRecord.Input, by actor: Actor, mayAllowPrivate: Bool) async throws
        -> WebhookWithSecret
    {
        try Self.checkAllowPrivate(input, was: false, mayAllowPrivate: mayAllowPrivate)
        let now = store.now
        let scope = store.scope
        let secret = Secret.make(prefix: "whsec_").text
        return try await store.write { db in
            let fields = try await WebhookRecord.validate(input, id: nil, on: db)
            var pairs = try RowCoding.encoder.encode(fields)
            pairs += [
                ("secret", SQLBind(secret)), ("version", SQLBind(1)), ("created_at", SQLBind(now)),
                ("updated_at", SQLBind(now)),
            ]
            let id = try await db.insert(into: WebhookRecord.table).columns(pairs.map(\.0))
                .values(pairs.map(\.1)).returning("id").first(decodingColumn: "id", as: Int.self)!
            let view = try await Records<WebhookRecord>.reload(id, within: scope, on: db)
            try await AuditLog.append(
                on: db, entity: WebhookRecord.entity, id: id, action: .create, actor: actor, at: now,
                before: WebhookRecord.View?.none, after: view)
            return WebhookWithSecret(secret: secret, webhook: view)
        }
    }

    /// edits a webhook at `expectedVersion` (the secret is untouched).
    public func update(
        _ id: Int, expectedVersion: Int, by actor: Actor, mayAllowPrivate: Bool,
        change: @escaping @Sendable (WebhookRecord.Input) throws -> WebhookRecord.Input
    ) async throws -> WebhookRecord.View {
        try await Records<WebhookRecord>(store).update(id, expectedVersion: expectedVersion, by: actor) { current in
            let changed = try change(current)
            try Self.checkAllowPrivate(
                changed, was: current.allowPrivate == true, mayAllowPrivate: mayAllowPrivate)
            return changed
        }
    }

    /// archives a webhook; its pending deliveries fail at their next attempt.
    public func archive(_ id: Int, by actor: Actor) async throws -> WebhookRecord.View {
        try await Records<WebhookRecord>(store).archive(id, by: actor)
    }

    /// Replaces the secret with a new one, returned this once. Deliveries signed from now on use it.
    public func rotateSecret(_ id: Int, by actor: Actor) async throws -> WebhookWithSecret {
        let now = store.now
        let scope = store.scope
        let secret = Secret.make(prefix: "whsec_").text
        return try await store.write { db in
            guard let row = try await Records<WebhookRecord>.lockedRow(id, within: scope, on: db) else {
                throw RecordNotFound(entity: WebhookRecord.entity, id: id)
            }
            let meta = try row.decode(model: RecordMeta.self, with: RowCoding.decoder)
            guard meta.archivedAt == nil else { throw RecordArchived(entity: WebhookRecord.entity, id: id) }
            let before = try Records<WebhookRecord>.view(of: row)
            try await db.update(WebhookRecord.table).set("secret", to: secret).set("updated_at", to: now)
                .set("version", to: meta.version + 1).where("id", .equal, id).run()
            let after = try await Records<WebhookRecord>.reload(id, within: scope, on: db)
            try await AuditLog.append(
                on: db, entity: WebhookRecord.entity, id: id, action: .update, actor: actor, at: now, before: before,
                after: after)
            return WebhookWithSecret(secret: secret, webhook: after)
        }
    }

    /// The delivery log of one webhook, newest first, keyset-paged.
    public func deliveries(of id: Int, page: PageRequest) async throws -> Page<WebhookDeliveryView> {
        _ = try await Records<WebhookRecord>(store).get(id)
        var query = store.sql.select().column("*").from("webhook_deliveries").where("webhook_id", .equal, id)
        if let after = page.afterId { query = query.where("id", .lessThan, after) }
        let rows = try await query.orderBy("id", .descending).limit(page.limit + 1)
            .all(decoding: WebhookDeliveryRow.self, with: RowCoding.decoder)
        return try Page(rows: rows, limit: page.limit) { try $0.map(Self.deliveryView) }
    }

    static func deliveryView(_ row: WebhookDeliveryRow) throws -> WebhookDeliveryView {
        return WebhookDeliveryView(
            id: row.id, webhookId: row.webhookId, event: row.event,
            status: try WebhookDeliveryStatus.stored(row.status, column: "webhook_deliveries.status"),
            attempts: row.attempts,
            nextAttemptAt: row.status == WebhookDeliveryStatus.pending.rawValue ? row.nextAttemptAt : nil,
            lastStatusCode: row.lastStatusCode, lastError: row.lastError, createdAt: row.createdAt,
            deliveredAt: row.deliveredAt, payload: try JSONText.decode(JSONValue.self, from: row.payload))
    }
}

/// the outbox of webhook deliveries, written in the same transaction as the escalation it reports.
public enum WebhookOutbox {
    /// Queues `event` for every live webhook of a unit on `orgUnitPath` (the request's unit and its ancestors)
    /// that listens to it: one `pending` delivery each, due at `now`. The delivery of webhook `w` is keyed
    /// `dedupeKey + ":" + w`, so enqueuing the same thing again adds nothing. Runs on `db` as given (inside the
    /// caller's transaction); opens none of its own.
    public static func enqueue(
        event: WebhookEvent, payload: some Encodable & Sendable, orgUnitPath: [Int], dedupeKey: String,
        at now: Date, on db: any SQLDatabase
    ) async throws {
        guard !orgUnitPath.isEmpty else { return }
        let hooks = try await db.select().column("id").from(WebhookRecord.table)
            .where("archived_at", .is, SQLLiteral.null)
            .where("org_unit_id", .in, SQLBind.group(orgUnitPath))
            .where("events", .like, SQLBind("%,\(event.rawValue),%"))
            .orderBy("id").all(decodingColumn: "id", as: Int.self)
        guard !hooks.isEmpty else { return }
        let body = try JSONText.encode(payload)
        var insert = db.insert(into: "webhook_deliveries").columns(
            "webhook_id", "event", "payload", "status", "attempts", "next_attempt_at", "dedupe_key", "created_at")
        for hook in hooks {
            insert = insert.values(
                SQLBind(hook), SQLBind(event.rawValue), SQLBind(body), SQLBind(WebhookDeliveryStatus.pending.rawValue),
                SQLBind(0), SQLBind(now), SQLBind("\(dedupeKey):\(hook)"), SQLBind(now))
        }
        try await insert.ignoringConflicts(with: "dedupe_key").run()
    }
}

/// Sends one delivery over HTTP (supplied by the server). Returns the receiver's status code; throws
/// `WebhookTargetRefused` when the target may not be reached, any other error when it could not be.
public protocol WebhookTransport: Sendable {
    func send(url: String, headers: [(String, String)], body: Data, allowPrivate: Bool) async throws -> Int
}

/// The target of a delivery is not allowed (a loopback or private address without `allowPrivate`, or not a
/// valid URL): the delivery fails at once, without retries.
public struct WebhookTargetRefused: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}

/// how deliveries are signed. The receiver recomputes the signature with its copy of the secret.
public enum WebhookSignature {
    /// `sha256=` and the hex of HMAC-SHA256, keyed with the secret's UTF-8 bytes (all of it, `whsec_` included),
    /// over the timestamp, a dot and the body.
    public static func sign(secret: String, timestamp: Int, body: Data) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: WebhookRules.signedContent(timestamp: timestamp, body: body),
            using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// The headers of one attempt.
    public static func headers(event: String, deliveryId: Int, timestamp: Int, body: Data, secret: String)
        -> [(String, String)]
    {
        [
            ("Content-Type", "application/json"),
            (WebhookRules.Header.event, event),
            (WebhookRules.Header.delivery, String(deliveryId)),
            (WebhookRules.Header.timestamp, String(timestamp)),
            (WebhookRules.Header.signature, sign(secret: secret, timestamp: timestamp, body: body)),
        ]
    }

    /// The body of a delivery: `{"data": payload, "deliveryId", "event", "occurredAt"}`.
    public static func body(deliveryId: Int, event: String, occurredAt: Date, payload: String) -> Data {
        let event = (try? JSONText.encode(event)) ?? "\"\""
        let at = (try? JSONText.encode(Timestamp.format(occurredAt))) ?? "\"\""
        return Data(
            "{\"data\":\(payload),\"deliveryId\":\(deliveryId),\"event\":\(event),\"occurredAt\":\(at)}".utf8)
    }
}

/// sends due webhook deliveries and records each outcome; an idempotent sweep (DESIGN 11).
///
/// Deliveries are claimed a few at a time in a short transaction (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so
/// that several instances never claim the same one; SQLite writers are serialised already): the claim counts
/// the attempt and moves `next_attempt_at` past a lease, so a crash mid-send retries after the lease. The HTTP
/// calls run outside any transaction; each outcome is written in a transaction of its own, and only if no one
/// else has claimed the delivery since.
public struct WebhookDeliverySweep: Sendable {
    public let store: Store
    public let transport: any WebhookTransport
    /// How long a claim holds a delivery; longer than one attempt can take.
    public var lease: TimeInterval
    /// Deliveries sent at the same time.
    public var concurrency: Int
    let logger: Logger

    public init(
        store: Store, transport: any WebhookTransport, lease: TimeInterval = 120, concurrency: Int = 4,
        logger: Logger = Logger(label: "aftercare.webhooks")
    ) {
        self.store = store
        self.transport = transport
        self.lease = lease
        self.concurrency = max(1, concurrency)
        self.logger = logger
    }

    struct Claimed: Sendable {
        var id: Int
        var webhookId: Int
        var event: String
        var payload: String
        /// Attempts including this one.
        var attempts: Int
        var createdAt: Date
        var url: String?
        var secret: String?
        var allowPrivate: Bool
        var live: Bool
    }

    enum Outcome: Sendable, Equatable {
        case delivered(Int)
        case rejected(Int)
        case unreachable(String)
        case refused(String)
    }

    /// Attempts up to `limit` deliveries due at `now`; returns how many were attempted.
    public func run(now: Date, limit: Int) async throws -> Int {
        var attempted = 0
        while attempted < limit {
            let batch = try await claim(now: now, limit: min(concurrency, limit - attempted))
            if batch.isEmpty { break }
            await withTaskGroup(of: Void.self) { group in
                for claimed in batch {
                    group.addTask { await self.attempt(claimed, now: now) }
                }
            }
            attempted += batch.count
        }
        return attempted
    }

    func claim(now: Date, limit: Int) async throws -> [Claimed] {
        let lease = now.addingTimeInterval(self.lease)
        return try await store.write { db in
            struct Due: Decodable {
                var id: Int
                var webhookId: Int
                var event: String
                var payload: String
                var attempts: Int
                var createdAt: Date
            }
            struct Hook: Decodable {
                var id: Int
                var url: String
                var secret: String
                var allowPrivate: Bool
                var archivedAt: Date?
            }
            var query = db.select().columns("id", "webhook_id", "event", "payload", "attempts", "created_at")
                .from("webhook_deliveries")
                .where("status", .equal, WebhookDeliveryStatus.pending.rawValue)
                .where("next_attempt_at", .lessThanOrEqual, SQLBind(now))
                .orderBy("next_attempt_at").orderBy("id").limit(limit)
            if db.dialect.name != "sqlite" { query = query.lockingClause(SQLRaw("FOR UPDATE SKIP LOCKED")) }
            let due = try await query.all(decoding: Due.self, with: RowCoding.decoder)
            guard !due.isEmpty else { return [] }
            try await db.update("webhook_deliveries")
                .set("attempts", to: SQLBinaryExpression(SQLColumn("attempts"), .add, SQLLiteral.numeric("1")))
                .set("next_attempt_at", to: SQLBind(lease))
                .where("id", .in, SQLBind.group(due.map(\.id))).run()
            let hooks = try await db.select().columns("id", "url", "secret", "allow_private", "archived_at")
                .from(WebhookRecord.table).where("id", .in, SQLBind.group(Array(Set(due.map(\.webhookId)))))
                .all(decoding: Hook.self, with: RowCoding.decoder)
            let byId = Dictionary(hooks.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            return due.map { row in
                let hook = byId[row.webhookId]
                return Claimed(
                    id: row.id, webhookId: row.webhookId, event: row.event, payload: row.payload,
                    attempts: row.attempts + 1, createdAt: row.createdAt, url: hook?.url, secret: hook?.secret,
                    allowPrivate: hook?.allowPrivate ?? false, live: hook != nil && hook?.archivedAt == nil)
            }
        }
    }

    func attempt(_ claimed: Claimed, now: Date) async {
        let outcome: Outcome
        if !claimed.live {
            outcome = .refused("the webhook is archived")
        } else if let url = claimed.url, let secret = claimed.secret {
            let body = WebhookSignature.body(
                deliveryId: claimed.id, event: claimed.event, occurredAt: claimed.createdAt, payload: claimed.payload)
            let timestamp = Int(store.now.timeIntervalSince1970)
            let headers = WebhookSignature.headers(
                event: claimed.event, deliveryId: claimed.id, timestamp: timestamp, body: body, secret: secret)
            do {
                let status = try await transport.send(
                    url: url, headers: headers, body: body, allowPrivate: claimed.allowPrivate)
                outcome = (200..<300).contains(status) ? .delivered(status) : .rejected(status)
            } catch let refused as WebhookTargetRefused {
                outcome = .refused(refused.reason)
            } catch {
                outcome = .unreachable(String(String(describing: error).prefix(300)))
            }
        } else {
            outcome = .refused("the webhook is missing")
        }
        do {
            try await record(claimed, outcome, now: now)
        } catch {
            logger.error(
                "webhook delivery outcome not recorded",
                metadata: ["delivery": .stringConvertible(claimed.id), "error": .string("\(type(of: error))")])
        }
    }

    func record(_ claimed: Claimed, _ outcome: Outcome, now: Date) async throws {
        var status = WebhookDeliveryStatus.pending
        var next: Date?
        var code: Int?
        var error: String?
        var deliveredAt: Date?
        switch outcome {
        case .delivered(let c):
            status = .delivered
            code = c
            deliveredAt = now
        case .rejected(let c):
            code = c
            error = "the receiver answered HTTP \(c)"
            next = WebhookRules.nextAttempt(after: claimed.attempts, from: now)
        case .unreachable(let reason):
            error = "not delivered: \(reason)"
            next = WebhookRules.nextAttempt(after: claimed.attempts, from: now)
        case .refused(let reason):
            error = "refused: \(reason)"
        }
        if status == .pending && next == nil { status = .failed }
        let (finalStatus, finalNext, finalCode, finalError, finalDelivered) = (status, next, code, error, deliveredAt)
        try await store.write { db in
            var update = db.update("webhook_deliveries").set("status", to: finalStatus.rawValue)
                .set("next_attempt_at", to: finalNext.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null)
                .set("last_error", to: finalError.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null)
                .set("delivered_at", to: finalDelivered.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null)
            if let finalCode { update = update.set("last_status_code", to: finalCode) }
            try await update.where("id", .equal, claimed.id).where("attempts", .equal, claimed.attempts)
                .where("status", .equal, WebhookDeliveryStatus.pending.rawValue).run()
        }
        logger.log(
            level: finalStatus == .failed ? .warning : .info, "webhook delivery attempted",
            metadata: [
                "delivery": .stringConvertible(claimed.id), "webhook": .stringConvertible(claimed.webhookId),
                "event": .string(claimed.event), "attempt": .stringConvertible(claimed.attempts),
                "status": .string(finalStatus.rawValue), "code": .string(finalCode.map(String.init) ?? "-"),
            ])
    }
}
