import AftercareDomain
import Foundation
import SQLKit

/// Any JSON value, to carry before/after images of records without knowing their type.
public enum JSONValue: Codable, Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? c.decode(Double.self) {
            self = .number(n)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let n):
            if n == n.rounded(), abs(n) < 1e15 { try c.encode(Int64(n)) } else { try c.encode(n) }
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}

/// What happened to a record.
public enum AuditAction: String, CodedEnum {
    case create, update, archive, event
    /// Accounts: a user disabled or enabled, a password set or reset, a token issued or revoked.
    case disable, enable, passwordChange, passwordResetIssued, tokenCreate, tokenRevoke
}

/// one change of one record, with who, when, and the record before and after.
public struct AuditEntry: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var entity: String
    public var entityId: Int
    public var action: AuditAction
    public var actor: String
    public var at: Date
    public var before: JSONValue?
    public var after: JSONValue?
}

struct AuditRow: Codable, Sendable {
    var id: Int
    var entity: String
    var entityId: Int
    var action: String
    var actor: String
    var at: Date
    var before: String?
    var after: String?
}

/// The audit trail: appended in the same transaction as the change it describes, never updated.
public enum AuditLog {
    static func append(
        on db: any SQLDatabase, entity: String, id: Int, action: AuditAction, actor: Actor, at: Date,
        before: (some Encodable)?, after: (some Encodable)?
    ) async throws {
        let beforeText: String? = try before.map { try JSONText.encode($0) }
        let afterText: String? = try after.map { try JSONText.encode($0) }
        try await db.insert(into: "audit_log")
            .columns("entity", "entity_id", "action", "actor", "at", "before", "after")
            .values(
                SQLBind(entity), SQLBind(id), SQLBind(action.rawValue), SQLBind(actor.name), SQLBind(at),
                SQLBind(beforeText), SQLBind(afterText)
            )
            .run()
    }

    /// The changes of one record, newest first, keyset-paged.
    public static func entries(
        of entity: String, id: Int, page: PageRequest, on db: any SQLDatabase
    ) async throws -> Page<AuditEntry> {
        var query = db.select().column("*").from("audit_log")
            .where("entity", .equal, entity).where("entity_id", .equal, id)
        if let after = page.afterId { query = query.where("id", .lessThan, after) }
        let rows = try await query.orderBy("id", .descending).limit(page.limit + 1)
            .all(decoding: AuditRow.self, with: RowCoding.decoder)
        return try Page(rows: rows, limit: page.limit) { try $0.map(Self.entry) }
    }

    static func entry(_ row: AuditRow) throws -> AuditEntry {
        return AuditEntry(
            id: row.id, entity: row.entity, entityId: row.entityId,
            action: try AuditAction.stored(row.action, column: "audit_log.action"), actor: row.actor, at: row.at,
            before: try row.before.map { try JSONText.decode(JSONValue.self, from: $0) },
            after: try row.after.map { try JSONText.decode(JSONValue.self, from: $0) })
    }
}

/// Which page of a list: at most `limit` items after the cursor's position.
public struct PageRequest: Sendable, Equatable {
    public var limit: Int
    /// The last id of the previous page, from the opaque cursor.
    public var afterId: Int?
    /// The last sort value of the previous page, for orders other than by id.
    public var afterKey: String?

    public init(limit: Int = 50, afterId: Int? = nil, afterKey: String? = nil) {
        self.limit = limit
        self.afterId = afterId
        self.afterKey = afterKey
    }

    /// The next page: the same size, after `cursor`; `nil` when the cursor is not one this server made.
    public func following(_ cursor: String) -> PageRequest? {
        guard let position = PageCursor.decodeKeyed(cursor) else { return nil }
        return PageRequest(limit: limit, afterId: position.id, afterKey: position.key)
    }
}

/// A cursor made for another order of the list: starting again without it is the only sensible answer.
public struct CursorMismatch: Error, Equatable, Sendable {
    public init() {}
}

/// The opaque cursor of keyset paging: the last id seen, so the next page starts after it.
public enum PageCursor {
    public static func encode(_ id: Int, key: String? = nil) -> String {
        let plain = key.map { "k2:\(id):\($0)" } ?? "k1:\(id)"
        return Data(plain.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The id and, for orders other than by id, the sort value of a cursor; `nil` when the text is not a cursor
    /// this server made.
    public static func decodeKeyed(_ text: String) -> (id: Int, key: String?)? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let plain = String(data: data, encoding: .utf8) else {
            return nil
        }
        if plain.hasPrefix("k1:"), let id = Int(plain.dropFirst(3)), id >= 0 { return (id, nil) }
        let parts = plain.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "k2", let id = Int(parts[1]), id >= 0 else { return nil }
        return (id, String(parts[2]))
    }
}

/// One page of a keyset-paged list (no total count: counting millions of rows per page view is not free).
public struct Page<Item: Codable & Sendable>: Codable, Sendable {
    public var items: [Item]
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    public func map<T>(_ transform: (Item) throws -> T) rethrows -> Page<T> {
        Page<T>(items: try items.map(transform), nextCursor: nextCursor)
    }

    /// The page of a keyset query that fetched up to `limit + 1` rows: the first `limit` rows become the items
    /// (through `view`); the extra row only tells that another page follows, after `cursor` of the last item.
    /// Every keyset-paged list in the store ends here.
    public init<Row>(rows: [Row], limit: Int, cursor: (Item) -> String, view: ([Row]) throws -> [Item]) rethrows {
        let items = try view(Array(rows.prefix(limit)))
        self.init(items: items, nextCursor: rows.count > limit ? items.last.map(cursor) : nil)
    }

    /// The same, for views that need further queries.
    public init<Row>(rows: [Row], limit: Int, cursor: (Item) -> String, view: ([Row]) async throws -> [Item])
        async rethrows
    {
        let items = try await view(Array(rows.prefix(limit)))
        self.init(items: items, nextCursor: rows.count > limit ? items.last.map(cursor) : nil)
    }
}

extension Page where Item: Identifiable, Item.ID == Int {
    /// A keyset page of records in id order: the cursor is the last id.
    public init<Row>(rows: [Row], limit: Int, view: ([Row]) throws -> [Item]) rethrows {
        try self.init(rows: rows, limit: limit, cursor: { PageCursor.encode($0.id) }, view: view)
    }

    /// The same, for views that need further queries.
    public init<Row>(rows: [Row], limit: Int, view: ([Row]) async throws -> [Item]) async rethrows {
        try await self.init(rows: rows, limit: limit, cursor: { PageCursor.encode($0.id) }, view: view)
    }
}
