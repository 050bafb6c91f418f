import AftercareDomain
import Foundation
import SQLKit

/// SLA policies. They apply across the organisation (a rule may name a unit's subtree); changing one
/// re-plans the open requests in the background.
public enum SLAPolicyRecord: RecordKind {
    public struct Input: Codable, Sendable, Equatable {
        public var name: String
        public var position: Int
        public var isDefault: Bool?
        public var match: PolicyMatch?
        public var targets: [TargetRule]

        public init(
            name: String, position: Int, isDefault: Bool? = nil, match: PolicyMatch? = nil, targets: [TargetRule]
        ) {
            self.name = name
            self.position = position
            self.isDefault = isDefault
            self.match = match
            self.targets = targets
        }
    }

    public struct Fields: Codable, Sendable {
        var name: String
        var position: Int
        var isDefault: Bool
        var match: String
        var targets: String
    }

    public typealias Row = Fields
    public typealias View = SLAPolicyView

    public static let table = "sla_policies"
    public static let entity = "slaPolicy"

    public static func validate(_ input: Input, id: Int?, on db: any SQLDatabase) async throws -> Fields {
        let policy = SLAPolicy(
            id: id ?? 0, name: input.name, position: input.position, isDefault: input.isDefault ?? false,
            match: input.match ?? PolicyMatch(), targets: input.targets)
        var v = Validator()
        for (field, problem) in policy.problems().fields { v.add(field, problem) }
        let match = policy.match
        for (field, table, value) in [
            ("match.productLineId", "product_lines", match.productLineId),
            ("match.productModelId", "product_models", match.productModelId),
            ("match.orgUnitId", "org_units", match.orgUnitId),
        ] {
            if let value, try await db.select().column("id").from(table).where("id", .equal, value).first() == nil {
                v.add(field, .notFound)
            }
        }
        if policy.isDefault {
            var other = db.select().column("id").from(table).where("is_default", .equal, true)
                .where("archived_at", .is, SQLLiteral.null)
            if let id { other = other.where("id", .notEqual, id) }
            if try await other.first() != nil { v.add("isDefault", .duplicate) }
        }
        try v.finish()
        return Fields(
            name: policy.name.trimmed, position: policy.position, isDefault: policy.isDefault,
            match: try JSONText.encode(policy.match), targets: try JSONText.encode(policy.targets))
    }

    public static func view(_ row: Fields, meta: RecordMeta) throws -> View {
        SLAPolicyView(
            id: meta.id, name: row.name, position: row.position, isDefault: row.isDefault,
            match: try JSONText.decodeRemembered(PolicyMatch.self, from: row.match),
            targets: try JSONText.decodeRemembered([TargetRule].self, from: row.targets), version: meta.version,
            createdAt: meta.createdAt, updatedAt: meta.updatedAt, archivedAt: meta.archivedAt)
    }

    public static func input(from view: View) -> Input {
        Input(
            name: view.name, position: view.position, isDefault: view.isDefault, match: view.match,
            targets: view.targets)
    }

    public static func afterWrite(id: Int, fields: Fields, on db: any SQLDatabase) async throws {
        try await Replans.request(reason: "policy \(id)", on: db)
    }
}

/// A stored SLA policy as the API shows it.
public struct SLAPolicyView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var name: String
    public var position: Int
    public var isDefault: Bool
    public var match: PolicyMatch
    public var targets: [TargetRule]
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date
    public var archivedAt: Date?

    public var policy: SLAPolicy {
        SLAPolicy(id: id, name: name, position: position, isDefault: isDefault, match: match, targets: targets)
    }
}

extension SLAPolicy {
    /// Every active policy.
    static func active(on db: any SQLDatabase) async throws -> [SLAPolicy] {
        try await SLAPolicyRecord.select(on: db).where("archived_at", .is, SQLLiteral.null).all().map { row in
            let meta = try row.decode(model: RecordMeta.self, with: RowCoding.decoder)
            return try SLAPolicyRecord.view(
                row.decode(model: SLAPolicyRecord.Fields.self, with: RowCoding.decoder), meta: meta
            )
            .policy
        }
    }
}

/// a request to recompute the open requests' clocks after a policy or calendar changed. The replan sweep
/// works through it in batches, so the change itself returns at once.
enum Replans {
    static func request(reason: String, on db: any SQLDatabase) async throws {
        try await db.insert(into: "sla_replans").columns("reason", "requested_at", "after_request_id")
            .values(SQLBind(String(reason.prefix(200))), SQLBind(Date()), SQLBind(0)).run()
    }
}
