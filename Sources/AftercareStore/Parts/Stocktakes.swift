import AftercareDomain
import Foundation
import SQLKit

public struct StocktakeInput: Codable, Sendable, Equatable {
    public var warehouseId: Int
    public var note: String?

    public init(warehouseId: Int, note: String? = nil) {
        self.warehouseId = warehouseId
        self.note = note
    }
}

/// `POST /stocktakes/{id}/counts`: a count typed in (`set`) or scanned one label at a time (`add`).
public struct CountInput: Codable, Sendable, Equatable {
    public enum Mode: String, CodedEnum {
        case set, add
    }

    /// The part, by id or by the number on its label.
    public var partId: Int?
    public var partNumber: String?
    public var quantity: Double
    public var mode: Mode?

    public init(partId: Int? = nil, partNumber: String? = nil, quantity: Double, mode: Mode? = nil) {
        self.partId = partId
        self.partNumber = partNumber
        self.quantity = quantity
        self.mode = mode
    }
}

public struct StocktakeView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var warehouseId: Int
    public var warehouseCode: String
    public var orgUnitId: Int
    public var status: StocktakeStatus
    public var startedBy: String
    public var startedAt: Date
    public var decidedBy: String?
    public var decidedAt: Date?
    public var note: String?
    public var counted: Int
}

/// One line of the variance report.
public struct VarianceLine: Codable, Sendable, Equatable {
    public var partId: Int
    public var partNumber: String
    public var partName: String
    public var unit: UnitOfMeasure
    public var bin: String?
    /// What the book said when the part was counted (now, when it was not counted yet).
    public var book: Double
    public var counted: Double?
    public var variance: Double?
    /// The variance at the latest price, in minor units.
    public var varianceValue: Int?
    public var countedBy: String?
    public var countedAt: Date?
}

public struct VarianceReport: Codable, Sendable, Equatable {
    public var stocktake: StocktakeView
    public var lines: [VarianceLine]
    public var countedLines: Int
    public var uncountedLines: Int
    public var linesWithVariance: Int
    /// Sum of the variances' values, in minor units (gains minus losses).
    public var netValue: Int
    /// Sum of the absolute values.
    public var grossValue: Int
}

/// Another count of the same warehouse is open.
public struct StocktakeOpen: Error, Equatable, Sendable {
    public var warehouseId: Int
}

/// The stocktake has been approved or cancelled.
public struct StocktakeClosed: Error, Equatable, Sendable {
    public var id: Int
    public var status: StocktakeStatus
}

/// R-7.6: periodic stocktaking (账实相符). Nothing is frozen: each count keeps the book figure of its moment, so
/// the adjustment is what was counted minus what the book said then, and movements during the count stay.
public struct Stocktakes: Sendable {
    public let store: Store

    public init(_ store: Store) {
        self.store = store
    }

    static func view(_ row: any SQLRow) throws -> StocktakeView {
        StocktakeView(
            id: try row.decode(column: "id", as: Int.self),
            warehouseId: try row.decode(column: "warehouse_id", as: Int.self),
            warehouseCode: try row.decode(column: "warehouse_code", as: String.self),
            orgUnitId: try row.decode(column: "org_unit_id", as: Int.self),
            status: try row.decodeStored("status", as: StocktakeStatus.self),
            startedBy: try row.decode(column: "started_by", as: String.self),
            startedAt: try row.decode(column: "started_at", as: Date.self),
            decidedBy: try row.decode(column: "decided_by", as: String?.self),
            decidedAt: try row.decode(column: "decided_at", as: Date?.self),
            note: try row.decode(column: "note", as: String?.self),
            counted: try row.decode(column: "counted", as: Int.self))
    }

    static let select = """
        SELECT s.*, w.code AS warehouse_code, (SELECT COUNT(*) FROM stocktake_counts c WHERE c.stocktake_id = s.id) \
        AS counted FROM stocktakes s JOIN warehouses w ON w.id = s.warehouse_id
        """

    static func load(_ id: Int, within scope: Scope, on db: any SQLDatabase) async throws -> StocktakeView? {
        var sql: SQLQueryString = "\(unsafeRaw: select) WHERE s.id = \(bind: id)"
        if let condition = ScopeSQL.orgUnitCondition("s.org_unit_id", scope) { sql = sql + " AND " + condition }
        return try await db.raw(sql).first().map(view)
    }

    public func get(_ id: Int) async throws -> StocktakeView {
        guard let view = try await Self.load(id, within: store.scope, on: store.sql) else {
            throw RecordNotFound(entity: "stocktake", id: id)
        }
        return view
    }

    public func list(warehouseId: Int?, page: PageRequest) async throws -> Page<StocktakeView> {
        var sql: SQLQueryString = "\(unsafeRaw: Self.select) WHERE 1 = 1"
        if let condition = ScopeSQL.orgUnitCondition("s.org_unit_id", store.scope) { sql = sql + " AND " + condition }
        if let warehouseId { sql = sql + " AND s.warehouse_id = \(bind: warehouseId)" }
        if let after = page.afterId { sql = sql + " AND s.id < \(bind: after)" }
        sql = sql + " ORDER BY s.id DESC LIMIT \(unsafeRaw: String(page.limit + 1))"
        let rows = try await store.sql.raw(sql).all()
        return try Page(rows: rows, limit: page.limit) { try $0.map(Self.view) }
    }

    /// Starts a count; one open count per warehouse.
    public func start(_ input: StocktakeInput, by actor: Actor) async throws -> StocktakeView {
        let now = store.now
        let scope = store.scope
        return try await store.write { db in
            var v = Validator()
            v.text("note", input.note, max: Limits.note)
            let warehouse = try await Stock.warehouse(input.warehouseId, field: "warehouseId", scope, on: db, into: &v)
            try v.finish()
            if db.dialect.name != "sqlite" {
                _ = try await db.raw("SELECT id FROM warehouses WHERE id = \(bind: warehouse!.id) FOR UPDATE").first()
            }
            let open = try await db.raw(
                "SELECT id FROM stocktakes WHERE warehouse_id = \(bind: warehouse!.id) AND status = 'counting'"
            ).first()
            if open != nil { throw StocktakeOpen(warehouseId: warehouse!.id) }
            let id = try await db.raw(
                """
                INSERT INTO stocktakes (warehouse_id, org_unit_id, status, started_by, started_at, note) VALUES \
                (\(bind: warehouse!.id), \(bind: warehouse!.orgUnitId), 'counting', \(bind: actor.name), \(bind: now), \
                \(bind: input.note)) RETURNING id
                """
            ).first(decodingColumn: "id", as: Int.self)!
            let view = try await Self.load(id, within: .everything, on: db)!
            try await AuditLog.append(
                on: db, entity: "stocktake", id: id, action: .create, actor: actor, at: now,
                before: StocktakeView?.none,
                after: view)
            return view
        }
    }

    /// Records a count. The book figure is read in the same transaction, so later movements do not make a
    /// variance. A scan (`add`) adds to the count so far.
    public func count(_ input: CountInput, stocktake id: Int, by actor: Actor) async throws -> VarianceLine {
        let now = store.now
        let scope = store.scope
        return try await store.write { db in
            guard var take = try await Self.load(id, within: scope, on: db) else {
                throw RecordNotFound(entity: "stocktake", id: id)
            }
            // Counts of one stocktake are written one at a time (two scanners on the same part add up), and not
            // after an approval that committed meanwhile.
            if db.dialect.name != "sqlite" {
                _ = try await db.raw("SELECT id FROM stocktakes WHERE id = \(bind: id) FOR UPDATE").first()
                take = try await Self.load(id, within: scope, on: db) ?? take
            }
            var lifecycle = StocktakeLifecycle(status: take.status)
            _ = try lifecycle.apply(.count, at: now) { StocktakeClosed(id: id, status: $0) }
            var partId = input.partId
            if partId == nil, let number = input.partNumber {
                partId = try await db.raw("SELECT id FROM parts WHERE part_number = \(bind: number)").first(
                    decodingColumn: "id", as: Int.self)
                if partId == nil { throw ValidationError(["partNumber": .notFound]) }
            }
            guard let partId else { throw ValidationError(["partId": .required]) }
            let part = try await Stock.part(partId, field: "partId", on: db)
            var v = Validator()
            let q = StockQuantities.check("quantity", input.quantity, part.unit, allowZero: true, into: &v)
            try v.finish()
            let book = try await StockLedger.level(partId: partId, warehouseId: take.warehouseId, on: db)?.onHand ?? 0
            let existing = try await db.raw(
                "SELECT counted FROM stocktake_counts WHERE stocktake_id = \(bind: id) AND part_id = \(bind: partId)"
            ).first(decodingColumn: "counted", as: Int.self)
            if let existing {
                let counted = input.mode == .add ? existing + q : q
                if counted > Quantity.maximum * Quantity.scale {
                    throw ValidationError(["quantity": .outOfRange(min: 0, max: Quantity.maximum)])
                }
                // A recount reads the book again; a scan keeps the book of the first scan.
                let bookSQL: SQLQueryString = input.mode == .add ? "book" : "\(bind: book)"
                try await db.raw(
                    """
                    UPDATE stocktake_counts SET counted = \(bind: counted), book = \(bookSQL), \
                    counted_by = \(bind: actor.name), counted_at = \(bind: now) WHERE stocktake_id = \(bind: id) \
                    AND part_id = \(bind: partId)
                    """
                ).run()
            } else {
                try await db.raw(
                    """
                    INSERT INTO stocktake_counts (stocktake_id, part_id, book, counted, counted_by, counted_at) VALUES \
                    (\(bind: id), \(bind: partId), \(bind: book), \(bind: q), \(bind: actor.name), \(bind: now))
                    """
                ).run()
            }
            return try await Self.lines(take, onlyPart: partId, on: db).first!
        }
    }

    /// R-7.6: the variance report: every part with stock in the warehouse or counted, in part-number order. Two
    /// queries whatever the size.
    public func variance(_ id: Int) async throws -> VarianceReport {
        let take = try await get(id)
        let lines = try await Self.lines(take, onlyPart: nil, on: store.sql)
        let counted = lines.filter { $0.counted != nil }
        return VarianceReport(
            stocktake: take, lines: lines, countedLines: counted.count, uncountedLines: lines.count - counted.count,
            linesWithVariance: counted.filter { $0.variance != 0 }.count,
            netValue: counted.reduce(0) { $0 + ($1.varianceValue ?? 0) },
            grossValue: counted.reduce(0) { $0 + abs($1.varianceValue ?? 0) })
    }

    static func lines(_ take: StocktakeView, onlyPart: Int?, on db: any SQLDatabase) async throws -> [VarianceLine] {
        let part: SQLQueryString = onlyPart.map { " AND p.id = \(bind: $0)" } ?? ""
        var counts: [Int: (book: Int, counted: Int, by: String, at: Date)] = [:]
        for row in try await db.raw(
            """
            SELECT c.part_id, c.book, c.counted, c.counted_by, c.counted_at FROM stocktake_counts c \
            JOIN parts p ON p.id = c.part_id WHERE c.stocktake_id = \(bind: take.id)\(part)
            """
        ).all() {
            counts[try row.decode(column: "part_id", as: Int.self)] = (
                try row.decode(column: "book", as: Int.self), try row.decode(column: "counted", as: Int.self),
                try row.decode(column: "counted_by", as: String.self),
                try row.decode(column: "counted_at", as: Date.self)
            )
        }
        let rows = try await db.raw(
            """
            SELECT p.id, p.part_number, p.name, p.unit, p.last_price, r.bin, COALESCE(b.on_hand, 0) AS on_hand \
            FROM parts p LEFT JOIN stock_balances b ON b.part_id = p.id AND b.warehouse_id = \(bind: take.warehouseId) \
            LEFT JOIN stock_rules r ON r.part_id = p.id AND r.warehouse_id = \(bind: take.warehouseId) \
            AND r.archived_at IS NULL WHERE (b.on_hand > 0 OR p.id IN (SELECT part_id FROM stocktake_counts \
            WHERE stocktake_id = \(bind: take.id)))\(part) ORDER BY p.part_number
            """
        ).all()
        return try rows.map { row in
            let id = try row.decode(column: "id", as: Int.self)
            let price = try row.decode(column: "last_price", as: Int?.self) ?? 0
            let count = counts[id]
            let line = count.map { StocktakeLine(book: $0.book, counted: $0.counted) }
            let onHand = try row.decode(column: "on_hand", as: Int.self)
            return VarianceLine(
                partId: id, partNumber: try row.decode(column: "part_number", as: String.self),
                partName: try row.decode(column: "name", as: String.self),
                unit: try row.decodeStored("unit", as: UnitOfMeasure.self),
                bin: try row.decode(column: "bin", as: String?.self),
                book: Quantity.units(line?.book ?? onHand),
                counted: line.map { Quantity.units($0.counted) }, variance: line.map { Quantity.units($0.variance) },
                varianceValue: line.map { $0.variance * price / Quantity.scale }, countedBy: count?.by,
                countedAt: count?.at)
        }
    }

    /// Approval posts each counted variance as a stocktake adjustment and closes the count. A variance that the
    /// stock can no longer absorb (it was issued meanwhile) is refused with the shortage; nothing is posted then.
    public func approve(_ id: Int, by actor: Actor) async throws -> VarianceReport {
        try await decide(id, .approve, by: actor)
    }

    public func cancel(_ id: Int, by actor: Actor) async throws -> VarianceReport {
        try await decide(id, .cancel, by: actor)
    }

    /// The adjustments of an approved count, in its transaction.
    private func postAdjustments(of take: StocktakeView, by actor: Actor, at now: Date, on db: any SQLDatabase)
        async throws
    {
        let id = take.id
        let rows = try await db.raw(
            """
            SELECT c.part_id, c.book, c.counted, p.part_number, p.serial_tracked FROM stocktake_counts c \
            JOIN parts p ON p.id = c.part_id WHERE c.stocktake_id = \(bind: id) AND c.book <> c.counted \
            ORDER BY c.part_id
            """
        ).all()
        // A serial-tracked part's variance names serials that are missing or found: it is settled by writing
        // off or receiving those serials (and counting again), not by an adjustment without them.
        let tracked = try rows.filter { try $0.decode(column: "serial_tracked", as: Bool.self) }.map {
            try $0.decode(column: "part_number", as: String.self)
        }
        if !tracked.isEmpty {
            throw ValidationError([
                "counts": .invalidFormat(
                    expected:
                        "no variance on serial-tracked parts (\(tracked.joined(separator: ", "))): write off the missing serials or receive the found ones, then count again"
                )
            ])
        }
        var entries: [StockEntry] = []
        for row in rows {
            let line = StocktakeLine(
                book: try row.decode(column: "book", as: Int.self),
                counted: try row.decode(column: "counted", as: Int.self))
            let entry = StockEntry(
                kind: .stocktakeAdjustment, partId: try row.decode(column: "part_id", as: Int.self),
                warehouseId: take.warehouseId, delta: StockDelta(onHand: line.variance), stocktakeId: id,
                reason: "stocktake \(id)")
            entries += try await StockLedger.firstExpiringFirst(
                entry, today: CalendarDate(now, in: self.store.timeZone), includeExpired: true, on: db)
        }
        try await StockLedger.post(entries, by: actor, at: now, on: db)
    }

    /// Approves or cancels a count: the decision is claimed (two at once: one wins), then its effects run.
    private func decide(_ id: Int, _ event: StocktakeEventKind, by actor: Actor) async throws -> VarianceReport {
        let now = store.now
        let scope = store.scope
        try await store.write { db in
            guard let before = try await Self.load(id, within: scope, on: db) else {
                throw RecordNotFound(entity: "stocktake", id: id)
            }
            var lifecycle = StocktakeLifecycle(status: before.status)
            let effects = try lifecycle.apply(event, at: now) { StocktakeClosed(id: id, status: $0) }
            let claimed = try await db.raw(
                """
                UPDATE stocktakes SET status = \(bind: lifecycle.status.rawValue), decided_by = \(bind: actor.name), \
                decided_at = \(bind: now) WHERE id = \(bind: id) AND status = 'counting' RETURNING id
                """
            ).first()
            guard claimed != nil else { throw StocktakeClosed(id: id, status: before.status) }
            for effect in effects {
                switch effect {
                case .postAdjustments: try await self.postAdjustments(of: before, by: actor, at: now, on: db)
                }
            }
            let after = try await Self.load(id, within: .everything, on: db)!
            try await AuditLog.append(
                on: db, entity: "stocktake", id: id, action: .update, actor: actor, at: now, before: before,
                after: after)
        }
        return try await variance(id)
    }
}
