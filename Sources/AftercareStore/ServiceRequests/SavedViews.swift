import AftercareDomain
import Foundation
import SQLKit

/// Issue 14: one saved view of the request list: a name, the list's query as filtered, its owner and the owner's
/// unit, and whether everyone of that unit sees it.
public struct SavedView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var name: String
    /// The request list's query, only its filters, in a fixed order and percent-encoded (`status=open&q=...`);
    /// empty for the list without filters.
    public var query: String
    public var shared: Bool
    public var ownerId: Int
    /// The owner's display name, for a view shared by someone else.
    public var ownerName: String
    public var orgUnitId: Int
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date
    public var archivedAt: Date?
}

/// Issue 14: saved views of the request list, personal or shared with the owner's unit (as Zammad's overviews,
/// RT's saved searches, Odoo's favourite filters). Each create and archive is one transaction with its audit entry;
/// nothing is deleted.
public struct SavedViews: Sendable {
    public static let entity = "savedView"
    /// The longest name.
    public static let nameLimit = 60
    /// The longest stored query.
    public static let queryLimit = 2000
    /// The most views a list shows.
    public static let listLimit = 50
    /// The filters of the request list that a view keeps, in the order it keeps them (`QueryReader.requestFilter`);
    /// paging (`cursor`, `limit`) and anything else is dropped.
    public static let parameters = [
        "q", "status", "type", "priority", "channel", "faultCause", "customerTier", "orgUnitId", "customerId",
        "unitId", "customer", "phone", "serial", "createdFrom", "createdBefore", "emergency", "createdBy", "sort",
    ]

    public let store: Store

    public init(_ store: Store) {
        self.store = store
    }

    /// `query` (with or without its `?`, as a browser sends it: `+` for a space) reduced to the list's filters:
    /// the known parameters with a value, the first of each, in `parameters` order, percent-encoded.
    public static func normalized(_ query: String) -> String {
        var text = Substring(query)
        if let mark = text.firstIndex(of: "?") { text = text[text.index(after: mark)...] }
        var values: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            let name = decode(parts[0])
            let value = parts.count > 1 ? decode(parts[1]).trimmingCharacters(in: .whitespacesAndNewlines) : ""
            guard parameters.contains(name), !value.isEmpty, values[name] == nil else { continue }
            values[name] = value
        }
        return parameters.compactMap { name in values[name].map { "\(name)=\(encode($0))" } }.joined(separator: "&")
    }

    /// ASCII letters, digits and `-._~,` stay; everything else is percent-encoded (UTF-8).
    static func encode(_ value: String) -> String {
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        allowed.insert(charactersIn: "-._~,")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// Saves the list's `query` (reduced to its filters) as `name` for the user `userId`, in that user's unit,
    /// shared with the unit when `shared`. A blank or too long name, or a name the owner already uses, is refused
    /// and nothing is written.
    public func create(name: String, query: String, shared: Bool, by userId: Int) async throws -> SavedView {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        let query = Self.normalized(query)
        var v = Validator()
        v.text("name", name, required: true, max: Self.nameLimit)
        if query.count > Self.queryLimit { v.add("query", .tooLong(max: Self.queryLimit)) }
        try v.finish()
        let now = store.now
        return try await store.write { db in
            let owner = try await Self.owner(userId, on: db)
            let taken = try await db.select().column("id").from("saved_views")
                .where("owner_id", .equal, userId).where("name", .equal, name)
                .where("archived_at", .is, SQLLiteral.null).first()
            if taken != nil { throw ValidationError(["name": .duplicate]) }
            let id = try await db.insert(into: "saved_views")
                .columns(
                    "version", "created_at", "updated_at", "name", "query", "shared", "owner_id", "org_unit_id"
                )
                .values(
                    SQLBind(1), SQLBind(now), SQLBind(now), SQLBind(name), SQLBind(query), SQLBind(shared),
                    SQLBind(userId), SQLBind(owner.orgUnitId)
                )
                .returning("id").first(decodingColumn: "id", as: Int.self)!
            let view = try await Self.load(id, on: db)!
            try await AuditLog.append(
                on: db, entity: Self.entity, id: id, action: .create, actor: owner.actor, at: now,
                before: SavedView?.none, after: view)
            return view
        }
    }

    /// The views `userId` may use on the request list: their own, then those others of `orgUnitId` share; each
    /// group by name, at most `listLimit` in all. Archived views are not listed.
    public func list(for userId: Int, orgUnitId: Int) async throws -> [SavedView] {
        let own = try await Self.select(on: store.sql)
            .where(SQLColumn("owner_id", table: "saved_views"), .equal, SQLBind(userId))
            .orderBy(SQLColumn("name", table: "saved_views")).orderBy(SQLColumn("id", table: "saved_views"))
            .limit(Self.listLimit).all(decoding: SavedView.self, with: RowCoding.decoder)
        guard own.count < Self.listLimit else { return Self.byName(own) }
        let shared = try await Self.select(on: store.sql)
            .where(SQLColumn("owner_id", table: "saved_views"), .notEqual, SQLBind(userId))
            .where(SQLColumn("org_unit_id", table: "saved_views"), .equal, SQLBind(orgUnitId))
            .where(SQLColumn("shared", table: "saved_views"), .equal, SQLBind(true))
            .orderBy(SQLColumn("name", table: "saved_views")).orderBy(SQLColumn("id", table: "saved_views"))
            .limit(Self.listLimit - own.count).all(decoding: SavedView.self, with: RowCoding.decoder)
        return Self.byName(own) + Self.byName(shared)
    }

    /// Removes the view `id` from the lists: it is archived, not deleted. Only its owner may; anyone else, like
    /// an unknown or already archived view, gets `RecordNotFound`.
    public func archive(_ id: Int, by userId: Int) async throws -> SavedView {
        let now = store.now
        return try await store.write { db in
            var query = db.select().columns("id", "version").from("saved_views")
                .where("id", .equal, id).where("owner_id", .equal, userId).where("archived_at", .is, SQLLiteral.null)
            if db.dialect.name != "sqlite" { query = query.for(.update) }
            guard let row = try await query.first(), let before = try await Self.load(id, on: db) else {
                throw RecordNotFound(entity: Self.entity, id: id)
            }
            let owner = try await Self.owner(userId, on: db)
            let version = try row.decode(column: "version", as: Int.self)
            try await db.update("saved_views").set("archived_at", to: now).set("updated_at", to: now)
                .set("version", to: version + 1).where("id", .equal, id).run()
            let after = try await Self.load(id, on: db, includeArchived: true)!
            try await AuditLog.append(
                on: db, entity: Self.entity, id: id, action: .archive, actor: owner.actor, at: now, before: before,
                after: after)
            return after
        }
    }

    /// The live views with their owners' names.
    static func select(on db: any SQLDatabase, includeArchived: Bool = false) -> SQLSelectBuilder {
        var query = db.select().column(SQLColumn(SQLLiteral.all, table: SQLIdentifier("saved_views")))
            .column(SQLColumn("display_name", table: "users"), as: "owner_name")
            .from("saved_views")
            .join("users", on: SQLColumn("owner_id", table: "saved_views"), .equal, SQLColumn("id", table: "users"))
        if !includeArchived {
            query = query.where(SQLColumn("archived_at", table: "saved_views"), .is, SQLLiteral.null)
        }
        return query
    }

    static func load(_ id: Int, on db: any SQLDatabase, includeArchived: Bool = false) async throws -> SavedView? {
        try await select(on: db, includeArchived: includeArchived)
            .where(SQLColumn("id", table: "saved_views"), .equal, SQLBind(id))
            .first(decoding: SavedView.self, with: RowCoding.decoder)
    }

    /// The same order on both databases, whatever their collations.
    static func byName(_ views: [SavedView]) -> [SavedView] {
        views.sorted { ($0.name, $0.id) < ($1.name, $1.id) }
    }

    /// The owner's unit and name in the audit trail.
    static func owner(_ userId: Int, on db: any SQLDatabase) async throws -> (orgUnitId: Int, actor: Actor) {
        guard
            let row = try await db.select().columns("username", "org_unit_id").from("users")
                .where("id", .equal, userId).first()
        else { throw RecordNotFound(entity: "user", id: userId) }
        return (
            try row.decode(column: "org_unit_id", as: Int.self),
            Actor(name: try row.decode(column: "username", as: String.self))
        )
    }
}
