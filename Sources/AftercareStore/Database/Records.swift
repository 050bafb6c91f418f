import AftercareDomain
import Foundation
import SQLKit

/// The columns every record carries.
public struct RecordMeta: Codable, Sendable, Equatable {
    public var id: Int
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date
    public var archivedAt: Date?
}

/// A kind of record kept with the shared create / update / archive / audit rules.
///
/// `Input` is what a person may set (the same shape for create and update); `Fields` are the columns it is
/// written as; `View` is what the API returns.
public protocol RecordKind: Sendable {
    associatedtype Input: Codable & Sendable
    associatedtype Fields: Encodable & Sendable
    associatedtype Row: Decodable & Sendable
    associatedtype View: Codable & Sendable & Identifiable where View.ID == Int

    /// The table.
    static var table: String { get }
    /// The name in the audit trail and in errors.
    static var entity: String { get }
    /// Checks `input` and turns it into columns, or throws a `ValidationError` naming each bad field.
    static func validate(_ input: Input, id: Int?, on db: any SQLDatabase) async throws -> Fields
    /// The query that reads rows, with any joined columns `Row` needs (no query per row).
    static func select(on db: any SQLDatabase) -> SQLSelectBuilder
    /// What the API shows for a stored row.
    static func view(_ row: Row, meta: RecordMeta) throws -> View
    /// The editable part of a view, the base an update is applied to.
    static func input(from view: View) -> Input
    /// Side tables kept in step with the record, in the same transaction.
    static func afterWrite(id: Int, fields: Fields, on db: any SQLDatabase) async throws
    /// narrows a query of this kind to the rows `scope` may see.
    static func restrict(_ query: SQLSelectBuilder, to scope: Scope) -> SQLSelectBuilder
    /// The input field that ties a record to the caller's scope: a write that would leave the record outside
    /// the scope is refused as if this field named nothing.
    static var scopeField: String { get }
}

extension RecordKind {
    public static func afterWrite(id: Int, fields: Fields, on db: any SQLDatabase) async throws {}

    /// Shared records (the product catalogue) are visible to everyone allowed to read them.
    public static func restrict(_ query: SQLSelectBuilder, to scope: Scope) -> SQLSelectBuilder { query }
    public static var scopeField: String { "id" }

    public static func select(on db: any SQLDatabase) -> SQLSelectBuilder {
        db.select().column(SQLColumn(SQLLiteral.all, table: SQLIdentifier(table))).from(table)
    }

    /// A column of this kind's table, qualified so that joins stay unambiguous.
    public static func column(_ name: String) -> SQLColumn {
        SQLColumn(name, table: table)
    }
}

/// One refused field of one imported row.
public struct ImportProblem: Error, Equatable, Sendable, Comparable {
    public var line: Int
    public var field: String
    public var problem: FieldProblem

    public init(line: Int, field: String, problem: FieldProblem) {
        self.line = line
        self.field = field
        self.problem = problem
    }

    public static func < (lhs: ImportProblem, rhs: ImportProblem) -> Bool {
        (lhs.line, lhs.field) < (rhs.line, rhs.field)
    }
}

/// An import refused as a whole: nothing was written.
public struct ImportFailed: Error, Equatable, Sendable {
    public var problems: [ImportProblem]
}

/// A dry run ends by rolling back what it checked.
struct DryRunFinished: Error {
    var count: Int
}

/// A record that is not there (or not visible to the caller): the API answers 404.
public struct RecordNotFound: Error, Equatable, Sendable {
    public var entity: String
    public var id: Int

    public init(entity: String, id: Int) {
        self.entity = entity
        self.id = id
    }
}

/// The caller edited an older version than the stored one: the API answers 409 and nothing is written.
public struct StaleVersion: Error, Equatable, Sendable {
    public var entity: String
    public var id: Int
    public var expected: Int
    public var current: Int
}

/// The record is archived and cannot change any more.
public struct RecordArchived: Error, Equatable, Sendable {
    public var entity: String
    public var id: Int
}

/// Create, read, update, archive and list for any `RecordKind`, each write with its audit entry.
public struct Records<Kind: RecordKind>: Sendable {
    public let store: Store

    public init(_ store: Store) {
        self.store = store
    }

    public func get(_ id: Int) async throws -> Kind.View {
        guard let view = try await Self.load(id, within: store.scope, on: store.sql) else {
            throw RecordNotFound(entity: Kind.entity, id: id)
        }
        return view
    }

    static func load(_ id: Int, within scope: Scope, on db: any SQLDatabase) async throws -> Kind.View? {
        let query = Kind.restrict(Kind.select(on: db).where(Kind.column("id"), .equal, SQLBind(id)), to: scope)
        guard let row = try await query.first() else { return nil }
        return try view(of: row)
    }

    /// The record as the caller sees it after a write; a write that puts it out of the caller's sight is
    /// refused (and rolled back) as if its scope field named nothing.
    static func reload(_ id: Int, within scope: Scope, on db: any SQLDatabase) async throws -> Kind.View {
        guard let view = try await load(id, within: scope, on: db) else {
            throw ValidationError([Kind.scopeField: .notFound])
        }
        return view
    }

    static func view(of row: any SQLRow) throws -> Kind.View {
        let meta = try row.decode(model: RecordMeta.self, with: RowCoding.decoder)
        let typed = try row.decode(model: Kind.Row.self, with: RowCoding.decoder)
        return try Kind.view(typed, meta: meta)
    }

    /// inserts a new record and its audit entry in one transaction.
    public func create(_ input: Kind.Input, by actor: Actor, idempotency: IdempotencyKey? = nil) async throws
        -> Kind.View
    {
        let now = store.now
        let scope = store.scope
        return try await Idempotency.run(
            key: idempotency, store: store, id: \.id,
            replay: { id, db in try await Self.reload(id, within: scope, on: db) },
            body: { db in try await Self.insert(input, by: actor, at: now, within: scope, on: db) })
    }

    /// Creates many records in one transaction: all of them, or none when any row is refused. A refused row's
    /// problems are reported with its position (R-1.5 imports).
    public func createAll(_ inputs: [(line: Int, input: Kind.Input)], by actor: Actor, dryRun: Bool = false)
        async throws -> Int
    {
        let now = store.now
        let scope = store.scope
        do {
            return try await store.write { db in
                var problems: [ImportProblem] = []
                for (line, input) in inputs {
                    do {
                        _ = try await Self.insert(input, by: actor, at: now, within: scope, on: db)
                    } catch let error as ValidationError {
                        problems += error.fields.map { ImportProblem(line: line, field: $0.key, problem: $0.value) }
                    }
                }
                if !problems.isEmpty { throw ImportFailed(problems: problems.sorted()) }
                if dryRun { throw DryRunFinished(count: inputs.count) }
                return inputs.count
            }
        } catch let finished as DryRunFinished {
            return finished.count
        }
    }

    static func insert(
        _ input: Kind.Input, by actor: Actor, at now: Date, within scope: Scope, on db: any SQLDatabase
    ) async throws -> Kind.View {
        let fields = try await Kind.validate(input, id: nil, on: db)
        var pairs = try RowCoding.encoder.encode(fields)
        pairs += [("version", SQLBind(1)), ("created_at", SQLBind(now)), ("updated_at", SQLBind(now))]
        let id = try await db.insert(into: Kind.table).columns(pairs.map(\.0)).values(pairs.map(\.1))
            .returning("id").first(decodingColumn: "id", as: Int.self)!
        try await Kind.afterWrite(id: id, fields: fields, on: db)
        let view = try await Self.reload(id, within: scope, on: db)
        try await AuditLog.append(
            on: db, entity: Kind.entity, id: id, action: .create, actor: actor, at: now, before: Kind.View?.none,
            after: view)
        return view
    }

    /// applies `change` to the stored editable fields when the stored version is `expectedVersion`.
    /// A stale version, an archived record or a validation failure writes nothing.
    public func update(
        _ id: Int, expectedVersion: Int, by actor: Actor,
        change: @escaping @Sendable (Kind.Input) throws -> Kind.Input
    ) async throws -> Kind.View {
        let now = store.now
        let scope = store.scope
        return try await store.write { db in
            guard let row = try await Self.lockedRow(id, within: scope, on: db) else {
                throw RecordNotFound(entity: Kind.entity, id: id)
            }
            let meta = try row.decode(model: RecordMeta.self, with: RowCoding.decoder)
            guard meta.archivedAt == nil else { throw RecordArchived(entity: Kind.entity, id: id) }
            guard meta.version == expectedVersion else {
                throw StaleVersion(entity: Kind.entity, id: id, expected: expectedVersion, current: meta.version)
            }
            let before = try Self.view(of: row)
            let input = try change(Kind.input(from: before))
            let fields = try await Kind.validate(input, id: id, on: db)
            let updated = try await db.update(Kind.table).set(model: fields, with: RowCoding.encoder)
                .set("version", to: meta.version + 1).set("updated_at", to: now)
                .where("id", .equal, id).where("version", .equal, meta.version)
                .returning("id").all()
            guard !updated.isEmpty else {
                throw StaleVersion(entity: Kind.entity, id: id, expected: expectedVersion, current: meta.version + 1)
            }
            try await Kind.afterWrite(id: id, fields: fields, on: db)
            let after = try await Self.reload(id, within: scope, on: db)
            try await AuditLog.append(
                on: db, entity: Kind.entity, id: id, action: .update, actor: actor, at: now, before: before,
                after: after)
            return after
        }
    }

    /// records are archived, never deleted. Archiving twice is refused.
    public func archive(_ id: Int, by actor: Actor) async throws -> Kind.View {
        let now = store.now
        let scope = store.scope
        return try await store.write { db in
            guard let row = try await Self.lockedRow(id, within: scope, on: db) else {
                throw RecordNotFound(entity: Kind.entity, id: id)
            }
            let meta = try row.decode(model: RecordMeta.self, with: RowCoding.decoder)
            guard meta.archivedAt == nil else { throw RecordArchived(entity: Kind.entity, id: id) }
            let before = try Self.view(of: row)
            try await db.update(Kind.table).set("archived_at", to: now).set("updated_at", to: now)
                .set("version", to: meta.version + 1).where("id", .equal, id).run()
            let after = try await Self.reload(id, within: scope, on: db)
            try await AuditLog.append(
                on: db, entity: Kind.entity, id: id, action: .archive, actor: actor, at: now, before: before,
                after: after)
            return after
        }
    }

    /// The row, locked for the rest of the transaction on PostgreSQL (SQLite writers are serialised already).
    static func lockedRow(_ id: Int, within scope: Scope, on db: any SQLDatabase) async throws -> (any SQLRow)? {
        var query = Kind.restrict(Kind.select(on: db).where(Kind.column("id"), .equal, SQLBind(id)), to: scope)
        if db.dialect.name != "sqlite" { query = query.for(.update) }
        return try await query.first()
    }

    /// A keyset-paged list in id order; `filter` narrows it.
    public func list(
        page: PageRequest, includeArchived: Bool = false, descending: Bool = false, filter: RecordFilter<Kind> = .all
    ) async throws -> Page<Kind.View> {
        var query = Kind.restrict(try await filter.apply(Kind.select(on: store.sql), store.sql), to: store.scope)
        if !includeArchived { query = query.where(Kind.column("archived_at"), .is, SQLLiteral.null) }
        if let after = page.afterId {
            query = query.where(Kind.column("id"), descending ? .lessThan : .greaterThan, SQLBind(after))
        }
        let order = SQLOrderBy(
            expression: Kind.column("id"), direction: descending ? SQLDirection.descending : .ascending)
        let rows = try await query.orderBy(order).limit(page.limit + 1).all()
        return try Page(rows: rows, limit: page.limit) { try $0.map(Self.view(of:)) }
    }

    /// The audit trail of one record, even when it is archived.
    public func audit(_ id: Int, page: PageRequest) async throws -> Page<AuditEntry> {
        _ = try await get(id)
        return try await AuditLog.entries(of: Kind.entity, id: id, page: page, on: store.sql)
    }
}
