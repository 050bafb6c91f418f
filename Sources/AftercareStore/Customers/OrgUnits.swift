import AftercareDomain
import Foundation
import SQLKit

/// An organisation unit: headquarters, branch, outlet or commissioned agent (R-4.6, `001`).
public enum OrgUnitRecord: RecordKind {
    public struct Input: Codable, Sendable, Equatable {
        public var code: String
        public var name: String
        public var kind: OrgUnitKind
        public var parentId: Int?
        public var timeZone: String?
        public var latitude: Double?
        public var longitude: Double?
        /// the currency the unit bills in; yuan when not given.
        public var currency: Currency?

        public init(
            code: String, name: String, kind: OrgUnitKind, parentId: Int? = nil, timeZone: String? = nil,
            latitude: Double? = nil, longitude: Double? = nil, currency: Currency? = nil
        ) {
            self.code = code
            self.name = name
            self.kind = kind
            self.parentId = parentId
            self.timeZone = timeZone
            self.latitude = latitude
            self.longitude = longitude
            self.currency = currency
        }
    }

    public struct Fields: Codable, Sendable {
        var code: String
        var name: String
        var kind: String
        var parentId: Int?
        var timeZone: String
        var latitude: Double?
        var longitude: Double?
        var currency: String
    }

    public struct Row: Codable, Sendable {
        var code: String
        var name: String
        var kind: String
        var parentId: Int?
        var path: String
        var timeZone: String
        var latitude: Double?
        var longitude: Double?
        var currency: String
    }

    public struct View: Codable, Sendable, Equatable, Identifiable {
        public var id: Int
        public var code: String
        public var name: String
        public var kind: OrgUnitKind
        public var parentId: Int?
        /// Ids from the root down to this unit, for subtree scoping.
        public var path: [Int]
        public var timeZone: String
        public var latitude: Double?
        public var longitude: Double?
        public var currency: Currency
        public var version: Int
        public var createdAt: Date
        public var updatedAt: Date
        public var archivedAt: Date?
    }

    public static let table = "org_units"
    public static let entity = "orgUnit"
    public static let defaultTimeZone = "Asia/Shanghai"

    public static func validate(_ input: Input, id: Int?, on db: any SQLDatabase) async throws -> Fields {
        var v = Validator()
        Checks.code("code", input.code, into: &v)
        v.text("name", input.name, required: true, max: Limits.name)
        let zone = input.timeZone ?? defaultTimeZone
        if TimeZone(identifier: zone) == nil { v.add("timeZone", .invalidFormat(expected: "an IANA time zone")) }
        Checks.coordinates("", input.latitude, input.longitude, into: &v)
        if try await Checks.taken(table, [("code", input.code)], except: id, on: db) { v.add("code", .duplicate) }
        if input.kind == .headquarters {
            if input.parentId != nil { v.add("parentId", .invalidValue(allowed: ["null for headquarters"])) }
        } else if let parentId = input.parentId {
            if let parent = try await Records<Self>.load(parentId, within: .everything, on: db) {
                if parent.archivedAt != nil {
                    v.add("parentId", .archived)
                } else if !parent.kind.allowedChildren.contains(input.kind) {
                    v.add(
                        "parentId",
                        .invalidValue(
                            allowed: OrgUnitKind.allCases.filter {
                                $0.allowedChildren.contains(input.kind)
                            }.map(\.rawValue)))
                } else if let id, parent.path.contains(id) {
                    v.add("parentId", .invalidValue(allowed: ["a unit outside this unit's own subtree"]))
                }
            } else {
                v.add("parentId", .notFound)
            }
        } else {
            v.add("parentId", .required)
        }
        if let id {
            let childKinds = try await db.select().distinct().column("kind").from(table)
                .where("parent_id", .equal, id).all(decodingColumn: "kind", as: String.self)
                .compactMap(OrgUnitKind.init(rawValue:))
            if !childKinds.allSatisfy(input.kind.allowedChildren.contains) {
                v.add(
                    "kind",
                    .invalidValue(
                        allowed: OrgUnitKind.allCases.filter { $0.allowedChildren.isSuperset(of: childKinds) }
                            .map(\.rawValue)))
            }
        }
        try v.finish()
        return Fields(
            code: input.code, name: input.name.trimmed, kind: input.kind.rawValue, parentId: input.parentId,
            timeZone: zone, latitude: input.latitude, longitude: input.longitude,
            currency: (input.currency ?? .cny).rawValue)
    }

    /// Keeps the materialised path (`/1/4/9/`) of the unit and its whole subtree in step with the parent.
    public static func afterWrite(id: Int, fields: Fields, on db: any SQLDatabase) async throws {
        var parentPath = "/"
        if let parentId = fields.parentId,
            let row = try await db.select().column("path").from(table).where("id", .equal, parentId).first()
        {
            parentPath = try row.decode(column: "path", as: String.self)
        }
        let newPath = parentPath + "\(id)/"
        let old = try await db.select().column("path").from(table).where("id", .equal, id).first()!
            .decode(column: "path", as: String.self)
        guard old != newPath else { return }
        if old.isEmpty {
            try await db.update(table).set("path", to: newPath).where("id", .equal, id).run()
        } else {
            // SQLKit's `.concatenate` writes nothing; `||` is concatenation on both SQLite and PostgreSQL.
            try await db.update(table)
                .set(
                    "path",
                    to: SQLBinaryExpression(
                        left: SQLBind(newPath), op: SQLRaw("||"),
                        right: SQLFunction(
                            "substr", args: SQLIdentifier("path"), SQLLiteral.numeric("\(old.count + 1)"))
                    )
                )
                .where("path", .like, old + "%").run()
        }
    }

    public static func view(_ row: Row, meta: RecordMeta) throws -> View {
        View(
            id: meta.id, code: row.code, name: row.name,
            kind: try OrgUnitKind.stored(row.kind, column: "org_units.kind"),
            parentId: row.parentId, path: row.path.split(separator: "/").compactMap { Int($0) },
            timeZone: row.timeZone, latitude: row.latitude, longitude: row.longitude,
            currency: try Currency.stored(row.currency, column: "org_units.currency"), version: meta.version,
            createdAt: meta.createdAt, updatedAt: meta.updatedAt, archivedAt: meta.archivedAt)
    }

    public static func input(from view: View) -> Input {
        Input(
            code: view.code, name: view.name, kind: view.kind, parentId: view.parentId, timeZone: view.timeZone,
            latitude: view.latitude, longitude: view.longitude, currency: view.currency)
    }

    /// The ids of a unit and everything under it (R-14.2: a unit sees its subtree).
    public static func subtree(of id: Int, on db: any SQLDatabase) async throws -> [Int] {
        guard let row = try await db.select().column("path").from(table).where("id", .equal, id).first() else {
            return []
        }
        let path = try row.decode(column: "path", as: String.self)
        return try await db.select().column("id").from(table).where("path", .like, path + "%")
            .all(decodingColumn: "id", as: Int.self)
    }
}

extension String {
    /// Without leading and trailing white space.
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}

extension Records where Kind == OrgUnitRecord {
    /// The ids of `id` and every unit below it.
    public func subtree(of id: Int) async throws -> [Int] {
        try await OrgUnitRecord.subtree(of: id, on: store.sql)
    }

    /// A unit by its code, or by its id written as text (the CLI's `--unit`).
    public func find(codeOrId text: String) async throws -> OrgUnitRecord.View? {
        let row = try await store.sql.raw(
            "SELECT id FROM org_units WHERE code = \(bind: text) OR CAST(id AS TEXT) = \(bind: text)"
        ).first()
        guard let id = try row?.decode(column: "id", as: Int.self) else { return nil }
        return try await get(id)
    }
}
