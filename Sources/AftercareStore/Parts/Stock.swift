import AftercareDomain
import Foundation
import SQLKit

/// stock as the ledger tells it: balances, the ledger itself, the proof that they agree, and the movements
/// a keeper posts directly (receipts, issues, returns, write-offs, transfers, corrections).
public struct Stock: Sendable {
    public let store: Store

    public init(_ store: Store) {
        self.store = store
    }

    // MARK: Reading

    static let balanceColumns = """
        b.id AS balance_id, b.part_id, p.part_number, p.name AS part_name, p.unit, b.warehouse_id, \
        w.code AS warehouse_code, w.name AS warehouse_name, w.kind AS warehouse_kind, w.org_unit_id, b.on_hand, \
        b.reserved, b.in_transit, b.inspecting, b.last_movement_at, r.bin, r.reorder_point
        """

    static let balanceFrom = """
        FROM stock_balances b JOIN parts p ON p.id = b.part_id JOIN warehouses w ON w.id = b.warehouse_id \
        LEFT JOIN stock_rules r ON r.part_id = b.part_id AND r.warehouse_id = b.warehouse_id \
        AND r.archived_at IS NULL
        """

    static func balanceView(_ row: any SQLRow) throws -> StockBalanceView {
        let level = StockLevel(
            onHand: try row.decode(column: "on_hand", as: Int.self),
            reserved: try row.decode(column: "reserved", as: Int.self),
            inTransit: try row.decode(column: "in_transit", as: Int.self),
            inspecting: try row.decode(column: "inspecting", as: Int.self))
        let point = try row.decode(column: "reorder_point", as: Int?.self)
        return StockBalanceView(
            partId: try row.decode(column: "part_id", as: Int.self),
            partNumber: try row.decode(column: "part_number", as: String.self),
            partName: try row.decode(column: "part_name", as: String.self),
            unit: try row.decodeStored("unit", as: UnitOfMeasure.self),
            warehouseId: try row.decode(column: "warehouse_id", as: Int.self),
            warehouseCode: try row.decode(column: "warehouse_code", as: String.self),
            warehouseName: try row.decode(column: "warehouse_name", as: String.self),
            warehouseKind: try row.decodeStored("warehouse_kind", as: WarehouseKind.self),
            orgUnitId: try row.decode(column: "org_unit_id", as: Int.self),
            onHand: Quantity.units(level.onHand), reserved: Quantity.units(level.reserved),
            available: Quantity.units(level.available), inTransit: Quantity.units(level.inTransit),
            inspecting: Quantity.units(level.inspecting), bin: try row.decode(column: "bin", as: String?.self),
            reorderPoint: point.map(Quantity.units),
            low: point.map { Reorder.position(level, onOrder: 0, openDemand: 0) <= $0 } ?? false,
            lastMovementAt: try row.decode(column: "last_movement_at", as: Date.self))
    }

    /// Balances, keyset-paged by balance row.
    public func balances(_ filter: BalanceFilter, page: PageRequest) async throws -> Page<StockBalanceView> {
        var sql: SQLQueryString = "SELECT \(unsafeRaw: Self.balanceColumns) \(unsafeRaw: Self.balanceFrom) WHERE 1 = 1"
        if let condition = ScopeSQL.orgUnitCondition("w.org_unit_id", store.scope) { sql = sql + " AND " + condition }
        if let part = filter.partId { sql = sql + " AND b.part_id = \(bind: part)" }
        if let warehouse = filter.warehouseId { sql = sql + " AND b.warehouse_id = \(bind: warehouse)" }
        if let kind = filter.kind { sql = sql + " AND w.kind = \(bind: kind.rawValue)" }
        if let engineer = filter.engineerId { sql = sql + " AND w.engineer_id = \(bind: engineer)" }
        if filter.low {
            sql =
                sql
                + " AND r.reorder_point IS NOT NULL AND b.on_hand - b.reserved + b.in_transit + b.inspecting <= r.reorder_point"
        }
        if let after = page.afterId { sql = sql + " AND b.id > \(bind: after)" }
        sql = sql + " ORDER BY b.id LIMIT \(unsafeRaw: String(page.limit + 1))"
        let rows = try await store.sql.raw(sql).all()
        // The cursor is the balance row's id, which the view does not carry: read it from the last row on the page.
        let lastId = try rows.prefix(page.limit).last?.decode(column: "balance_id", as: Int.self) ?? 0
        return try Page(
            rows: rows, limit: page.limit, cursor: { _ in PageCursor.encode(lastId) },
            view: { try $0.map(Self.balanceView) })
    }

    /// a part's stock in every warehouse the caller may see, with totals. One indexed query.
    public func of(partId: Int) async throws -> PartStockView {
        _ = try await Records<PartRecord>(store).get(partId)
        var sql: SQLQueryString =
            "SELECT \(unsafeRaw: Self.balanceColumns) \(unsafeRaw: Self.balanceFrom) WHERE b.part_id = \(bind: partId)"
        if let condition = ScopeSQL.orgUnitCondition("w.org_unit_id", store.scope) { sql = sql + " AND " + condition }
        let rows = try await store.sql.raw(sql + " ORDER BY w.code").all().map(Self.balanceView)
        func total(_ key: KeyPath<StockBalanceView, Double>) -> Double {
            Quantity.units(rows.reduce(0) { $0 + Quantity.milli(units: $1[keyPath: key]) })
        }
        return PartStockView(
            partId: partId, onHand: total(\.onHand), reserved: total(\.reserved), available: total(\.available),
            inTransit: total(\.inTransit), inspecting: total(\.inspecting), warehouses: rows)
    }

    static func entryView(_ row: any SQLRow) throws -> LedgerEntryView {
        LedgerEntryView(
            id: try row.decode(column: "id", as: Int.self), at: try row.decode(column: "at", as: Date.self),
            actor: try row.decode(column: "actor", as: String.self),
            kind: try row.decodeStored("kind", as: MovementKind.self),
            partId: try row.decode(column: "part_id", as: Int.self),
            partNumber: try row.decode(column: "part_number", as: String.self),
            warehouseId: try row.decode(column: "warehouse_id", as: Int.self),
            warehouseCode: try row.decode(column: "warehouse_code", as: String.self),
            onHand: Quantity.units(try row.decode(column: "on_hand_delta", as: Int.self)),
            reserved: Quantity.units(try row.decode(column: "reserved_delta", as: Int.self)),
            inTransit: Quantity.units(try row.decode(column: "in_transit_delta", as: Int.self)),
            inspecting: Quantity.units(try row.decode(column: "inspecting_delta", as: Int.self)),
            serial: try row.decode(column: "serial", as: String?.self),
            faultySerial: try row.decode(column: "faulty_serial", as: String?.self),
            expiresOn: try row.decode(column: "expires_on", as: String?.self),
            unitCost: try row.decode(column: "unit_cost", as: Int?.self),
            counterpartWarehouseId: try row.decode(column: "counterpart_warehouse_id", as: Int?.self),
            requisitionId: try row.decode(column: "requisition_id", as: Int?.self),
            visitId: try row.decode(column: "visit_id", as: Int?.self),
            purchaseOrderId: try row.decode(column: "purchase_order_id", as: Int?.self),
            transferId: try row.decode(column: "transfer_id", as: Int?.self),
            stocktakeId: try row.decode(column: "stocktake_id", as: Int?.self),
            correctsId: try row.decode(column: "corrects_id", as: Int?.self),
            reason: try row.decode(column: "reason", as: String?.self))
    }

    static let entryFrom = """
        SELECT l.*, p.part_number, w.code AS warehouse_code FROM stock_ledger l JOIN parts p ON p.id = l.part_id \
        JOIN warehouses w ON w.id = l.warehouse_id
        """

    static func ledgerQuery(_ filter: LedgerFilter, scope: Scope) -> SQLQueryString {
        var sql: SQLQueryString = "\(unsafeRaw: entryFrom) WHERE 1 = 1"
        if let condition = ScopeSQL.orgUnitCondition("w.org_unit_id", scope) { sql = sql + " AND " + condition }
        if let part = filter.partId { sql = sql + " AND l.part_id = \(bind: part)" }
        if let warehouse = filter.warehouseId { sql = sql + " AND l.warehouse_id = \(bind: warehouse)" }
        if !filter.kinds.isEmpty {
            sql = sql + " AND l.kind IN (\(SQLList(filter.kinds.map { SQLBind($0.rawValue) })))"
        }
        if let from = filter.from { sql = sql + " AND l.at >= \(bind: from)" }
        if let to = filter.to { sql = sql + " AND l.at < \(bind: to)" }
        return sql
    }

    /// The ledger, newest first, keyset-paged by entry id.
    public func ledger(_ filter: LedgerFilter, page: PageRequest) async throws -> Page<LedgerEntryView> {
        var sql = Self.ledgerQuery(filter, scope: store.scope)
        if let after = page.afterId { sql = sql + " AND l.id < \(bind: after)" }
        sql = sql + " ORDER BY l.id DESC LIMIT \(unsafeRaw: String(page.limit + 1))"
        let rows = try await store.sql.raw(sql).all()
        return try Page(rows: rows, limit: page.limit) { try $0.map(Self.entryView) }
    }

    /// The ledger in id order for the CSV export, a chunk at a time.
    public func ledgerChunk(_ filter: LedgerFilter, after id: Int, limit: Int) async throws -> [LedgerEntryView] {
        let sql =
            Self.ledgerQuery(filter, scope: store.scope)
            + " AND l.id > \(bind: id) ORDER BY l.id LIMIT \(unsafeRaw: String(limit))"
        return try await store.sql.raw(sql).all().map(Self.entryView)
    }

    /// the proof: every balance row equals the sum of its ledger entries, and no entries lack a row.
    public func verify() async throws -> [BalanceMismatch] {
        func level(_ row: any SQLRow, _ prefix: String) throws -> StockLevel {
            StockLevel(
                onHand: try row.decode(column: prefix + "on_hand", as: Int.self),
                reserved: try row.decode(column: prefix + "reserved", as: Int.self),
                inTransit: try row.decode(column: prefix + "in_transit", as: Int.self),
                inspecting: try row.decode(column: prefix + "inspecting", as: Int.self))
        }
        var sums: [[Int]: StockLevel] = [:]
        for row in try await store.sql.raw(
            """
            SELECT part_id, warehouse_id, CAST(SUM(on_hand_delta) AS BIGINT) AS on_hand, CAST(SUM(reserved_delta) AS BIGINT) AS reserved, \
            CAST(SUM(in_transit_delta) AS BIGINT) AS in_transit, CAST(SUM(inspecting_delta) AS BIGINT) AS inspecting FROM stock_ledger \
            GROUP BY part_id, warehouse_id
            """
        ).all() {
            let key = [
                try row.decode(column: "part_id", as: Int.self), try row.decode(column: "warehouse_id", as: Int.self),
            ]
            sums[key] = try level(row, "")
        }
        var mismatches: [BalanceMismatch] = []
        for row in try await store.sql.raw(
            "SELECT part_id, warehouse_id, on_hand, reserved, in_transit, inspecting FROM stock_balances"
        ).all() {
            let key = [
                try row.decode(column: "part_id", as: Int.self), try row.decode(column: "warehouse_id", as: Int.self),
            ]
            let balance = try level(row, "")
            let ledger = sums.removeValue(forKey: key) ?? StockLevel()
            if balance != ledger {
                mismatches.append(
                    BalanceMismatch(partId: key[0], warehouseId: key[1], balance: balance, ledger: ledger))
            }
        }
        for (key, ledger) in sums where ledger != StockLevel() {
            mismatches.append(
                BalanceMismatch(partId: key[0], warehouseId: key[1], balance: StockLevel(), ledger: ledger))
        }
        return mismatches.sorted { ($0.partId, $0.warehouseId) < ($1.partId, $1.warehouseId) }
    }

    /// Where a serial-tracked part is, when it is in one of the caller's warehouses or fitted at a customer.
    public func serial(partId: Int, serial: String) async throws -> SerialView? {
        var sql: SQLQueryString = """
            SELECT s.* FROM stock_serials s LEFT JOIN warehouses w ON w.id = s.warehouse_id \
            WHERE s.part_id = \(bind: partId) AND s.serial = \(bind: serial)
            """
        if let condition = ScopeSQL.orgUnitCondition("w.org_unit_id", store.scope) {
            sql = sql + " AND (s.warehouse_id IS NULL OR " + condition + ")"
        }
        return try await store.sql.raw(sql).first().map(Self.serialView)
    }

    /// The serials of a part in a warehouse (in stock there).
    public func serials(partId: Int, warehouseId: Int) async throws -> [SerialView] {
        _ = try await Records<WarehouseRecord>(store).get(warehouseId)
        return try await store.sql.raw(
            """
            SELECT * FROM stock_serials WHERE part_id = \(bind: partId) AND warehouse_id = \(bind: warehouseId) \
            ORDER BY serial LIMIT 1000
            """
        ).all().map(Self.serialView)
    }

    static func serialView(_ row: any SQLRow) throws -> SerialView {
        SerialView(
            partId: try row.decode(column: "part_id", as: Int.self),
            serial: try row.decode(column: "serial", as: String.self),
            status: try row.decodeStored("status", as: SerialStatus.self),
            warehouseId: try row.decode(column: "warehouse_id", as: Int?.self),
            visitId: try row.decode(column: "visit_id", as: Int?.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }

    /// dated lots expired or expiring within `days`, soonest first.
    public func expiring(within days: Int, warehouseId: Int? = nil) async throws -> [ExpiryWarning] {
        let today = store.today
        let until = today.adding(days: days)
        var sql: SQLQueryString = """
            SELECT l.part_id, p.part_number, p.name, l.warehouse_id, w.code, l.expires_on, l.quantity FROM stock_lots l \
            JOIN parts p ON p.id = l.part_id JOIN warehouses w ON w.id = l.warehouse_id \
            WHERE l.quantity > 0 AND l.expires_on <= \(bind: until.description)
            """
        if let condition = ScopeSQL.orgUnitCondition("w.org_unit_id", store.scope) { sql = sql + " AND " + condition }
        if let warehouseId { sql = sql + " AND l.warehouse_id = \(bind: warehouseId)" }
        return try await store.sql.raw(sql + " ORDER BY l.expires_on, p.part_number LIMIT 500").all().map { row in
            let expires = try row.decode(column: "expires_on", as: String.self)
            return ExpiryWarning(
                partId: try row.decode(column: "part_id", as: Int.self),
                partNumber: try row.decode(column: "part_number", as: String.self),
                partName: try row.decode(column: "name", as: String.self),
                warehouseId: try row.decode(column: "warehouse_id", as: Int.self),
                warehouseCode: try row.decode(column: "code", as: String.self), expiresOn: expires,
                quantity: Quantity.units(try row.decode(column: "quantity", as: Int.self)),
                expired: CalendarDate(iso: expires).map { $0 < today } ?? false)
        }
    }

    /// The van of an engineer the caller may see, if it exists.
    public func van(engineerId: Int) async throws -> WarehouseRecord.View? {
        try await WarehouseRecord.restrict(
            WarehouseRecord.select(on: store.sql).where(
                WarehouseRecord.column("engineer_id"), .equal, SQLBind(engineerId)
            )
            .where(WarehouseRecord.column("archived_at"), .is, SQLLiteral.null), to: store.scope
        ).first().map(Records<WarehouseRecord>.view(of:))
    }

    /// One ledger entry the caller may see.
    public func entry(_ id: Int) async throws -> LedgerEntryView {
        var sql: SQLQueryString = "\(unsafeRaw: Self.entryFrom) WHERE l.id = \(bind: id)"
        if let condition = ScopeSQL.orgUnitCondition("w.org_unit_id", store.scope) { sql = sql + " AND " + condition }
        guard let row = try await store.sql.raw(sql).first() else {
            throw RecordNotFound(entity: "ledgerEntry", id: id)
        }
        return try Self.entryView(row)
    }

    // MARK: Posting

    /// A receipt straight into stock (opening balance, a delivery already inspected).
    public func receive(_ input: ReceiptInput, by actor: Actor) async throws -> MovementResult {
        let now = store.now
        let scope = store.scope
        return try await store.write { db in
            let ids = try await Self.receipt(input, by: actor, at: now, within: scope, on: db)
            return MovementResult(entries: try await Self.entries(ids, on: db))
        }
    }

    /// Checks and posts a receipt inside the caller's transaction.
    @discardableResult
    static func receipt(
        _ input: ReceiptInput, by actor: Actor, at now: Date, within scope: Scope, on db: any SQLDatabase
    )
        async throws -> [Int]
    {
        let part = try await part(input.partId, field: "partId", live: true, on: db)
        var v = Validator()
        let warehouse = try await warehouse(input.warehouseId, field: "warehouseId", scope, on: db, into: &v)
        let q = StockQuantities.check("quantity", input.quantity, part.unit, into: &v)
        Serials.check("serials", input.serials, quantity: q, tracked: part.serialTracked, into: &v)
        v.range("unitCost", input.unitCost, 0...Money.maximumPriceMinor)
        v.text("reason", input.reason, max: Limits.note)
        if input.expiresOn != nil && part.shelfLifeDays == nil {
            v.add("expiresOn", .invalidFormat(expected: "empty for a part without a shelf life"))
        }
        if warehouse?.kind == .van { v.add("warehouseId", .invalidFormat(expected: "not a van (issue parts instead)")) }
        try v.finish()
        let serials = input.serials ?? []
        try await Serials.add(serials, partId: part.id, at: warehouse!.id, .inStock, at: now, on: db)
        let base = StockEntry(
            kind: .receipt, partId: part.id, warehouseId: warehouse!.id, delta: StockDelta(onHand: q),
            expiresOn: input.expiresOn, unitCost: input.unitCost, reason: input.reason)
        return try await StockLedger.post(perSerial(base, serials), by: actor, at: now, on: db)
    }

    /// 领用出库 without a requisition: from a warehouse into the engineer's van.
    public func issue(_ input: MovementInput, by actor: Actor) async throws -> MovementResult {
        try await post(input, by: actor) { db, part, warehouse, q, now in
            guard let engineerId = input.engineerId else { throw ValidationError(["engineerId": .required]) }
            guard warehouse.kind.issuable else {
                throw ValidationError(["warehouseId": .invalidFormat(expected: "a warehouse parts are issued from")])
            }
            let van = try await Self.van(of: engineerId, scope: self.store.scope, at: now, on: db)
            return try await Self.issueEntries(
                part: part, from: warehouse.id, to: van, quantity: q, reserved: false, serials: input.serials ?? [],
                requisitionId: nil, today: CalendarDate(now, in: self.store.timeZone), at: now, on: db)
        }
    }

    /// 退回: unused parts from the engineer's van back into a warehouse.
    public func returnUnused(_ input: MovementInput, by actor: Actor) async throws -> MovementResult {
        try await post(input, by: actor) { db, part, warehouse, q, now in
            guard let engineerId = input.engineerId else { throw ValidationError(["engineerId": .required]) }
            guard warehouse.kind.issuable else {
                throw ValidationError(["warehouseId": .invalidFormat(expected: "a warehouse parts are returned to")])
            }
            let van = try await Self.van(of: engineerId, scope: self.store.scope, at: now, on: db)
            return try await Self.returnEntries(
                part: part, van: van, to: warehouse.id, quantity: q, serials: input.serials ?? [], requisitionId: nil,
                today: CalendarDate(now, in: self.store.timeZone), at: now, on: db)
        }
    }

    /// 核销 / 报废: stock written off with a reason; dated lots go first expiring first, expired ones included.
    public func writeOff(_ input: MovementInput, by actor: Actor) async throws -> MovementResult {
        try await post(input, by: actor) { db, part, warehouse, q, now in
            guard let reason = input.reason, !reason.trimmed.isEmpty else {
                throw ValidationError(["reason": .required])
            }
            return try await Self.writeOffEntries(
                part: part, warehouse: warehouse.id, quarantine: warehouse.kind == .quarantine, quantity: q,
                serials: input.serials ?? [],
                expiresOn: input.expiresOn, reason: reason, requisitionId: nil,
                today: CalendarDate(now, in: self.store.timeZone), at: now, on: db)
        }
    }

    /// A transfer between warehouses: out of the sender at once, in transit at the receiver until received.
    public func transfer(_ input: MovementInput, by actor: Actor) async throws -> MovementResult {
        try await post(input, by: actor) { db, part, warehouse, q, now in
            var v = Validator()
            guard let toId = input.toWarehouseId else { throw ValidationError(["toWarehouseId": .required]) }
            let to = try await Self.warehouse(toId, field: "toWarehouseId", .everything, on: db, into: &v)
            if toId == warehouse.id { v.add("toWarehouseId", .invalidFormat(expected: "another warehouse")) }
            try v.finish()
            let serials = input.serials ?? []
            let transferId = try await db.raw(
                """
                INSERT INTO stock_transfers (part_id, from_warehouse_id, to_warehouse_id, quantity, serials, lots, \
                status, shipped_by, shipped_at) VALUES (\(bind: part.id), \(bind: warehouse.id), \(bind: toId), \
                \(bind: q), \(bind: try JSONText.encode(serials)), '[]', 'shipped', \(bind: actor.name), \(bind: now)) \
                RETURNING id
                """
            ).first(decodingColumn: "id", as: Int.self)!
            try await Serials.move(
                serials, partId: part.id, from: warehouse.id, status: .inStock, to: to!.id, .inTransit, at: now, on: db)
            let out = StockEntry(
                kind: .transferOut, partId: part.id, warehouseId: warehouse.id, delta: StockDelta(onHand: -q),
                counterpartWarehouseId: toId, transferId: transferId, reason: input.reason)
            let outs = try await StockLedger.firstExpiringFirst(
                out, today: CalendarDate(now, in: self.store.timeZone), on: db)
            // Dated lots travel with their dates: in transit per lot, and received per lot.
            let lots = outs.map { TransferLot(expiresOn: $0.expiresOn, quantity: -$0.delta.onHand) }
            try await db.raw(
                "UPDATE stock_transfers SET lots = \(bind: try JSONText.encode(lots)) WHERE id = \(bind: transferId)"
            ).run()
            return outs
                + lots.map {
                    StockEntry(
                        kind: .transferOut, partId: part.id, warehouseId: toId,
                        delta: StockDelta(inTransit: $0.quantity),
                        expiresOn: $0.expiresOn, counterpartWarehouseId: warehouse.id, transferId: transferId,
                        reason: input.reason)
                }
        }
    }

    /// Receives a transfer at its destination: in transit becomes on hand.
    public func receiveTransfer(_ id: Int, by actor: Actor) async throws -> MovementResult {
        let now = store.now
        let scope = store.scope
        return try await store.write { db in
            guard
                let row = try await db.raw("SELECT * FROM stock_transfers WHERE id = \(bind: id)").first(),
                let to = try await Records<WarehouseRecord>.load(
                    try row.decode(column: "to_warehouse_id", as: Int.self), within: scope, on: db)
            else { throw RecordNotFound(entity: "transfer", id: id) }
            let moved = try await db.raw(
                """
                UPDATE stock_transfers SET status = 'received', received_at = \(bind: now) WHERE id = \(bind: id) \
                AND status = 'shipped' RETURNING id
                """
            ).first()
            guard moved != nil else { throw TransferAlreadyReceived(id: id) }
            let partId = try row.decode(column: "part_id", as: Int.self)
            let q = try row.decode(column: "quantity", as: Int.self)
            let from = try row.decode(column: "from_warehouse_id", as: Int.self)
            let serials = try JSONText.decode([String].self, from: try row.decode(column: "serials", as: String.self))
            var lots = try JSONText.decode([TransferLot].self, from: try row.decode(column: "lots", as: String.self))
            if lots.isEmpty { lots = [TransferLot(expiresOn: nil, quantity: q)] }
            try await Serials.move(
                serials, partId: partId, from: to.id, status: .inTransit, to: to.id, .inStock, at: now, on: db)
            let ids = try await StockLedger.post(
                lots.map {
                    StockEntry(
                        kind: .transferIn, partId: partId, warehouseId: to.id,
                        delta: StockDelta(onHand: $0.quantity, inTransit: -$0.quantity), expiresOn: $0.expiresOn,
                        counterpartWarehouseId: from, transferId: id)
                }, by: actor, at: now, on: db)
            return MovementResult(entries: try await Self.entries(ids, on: db), transferId: id)
        }
    }

    /// Transfers shipped towards or from the warehouses the caller may see, newest first.
    public func transfers(status: String?, page: PageRequest) async throws -> Page<TransferView> {
        var sql: SQLQueryString = """
            SELECT t.*, p.part_number FROM stock_transfers t JOIN parts p ON p.id = t.part_id \
            JOIN warehouses f ON f.id = t.from_warehouse_id JOIN warehouses w ON w.id = t.to_warehouse_id WHERE 1 = 1
            """
        if let a = ScopeSQL.orgUnitCondition("w.org_unit_id", store.scope),
            let b = ScopeSQL.orgUnitCondition("f.org_unit_id", store.scope)
        {
            sql = sql + " AND (" + a + " OR " + b + ")"
        }
        if let status { sql = sql + " AND t.status = \(bind: status)" }
        if let after = page.afterId { sql = sql + " AND t.id < \(bind: after)" }
        sql = sql + " ORDER BY t.id DESC LIMIT \(unsafeRaw: String(page.limit + 1))"
        let rows = try await store.sql.raw(sql).all().map { row in
            TransferView(
                id: try row.decode(column: "id", as: Int.self), partId: try row.decode(column: "part_id", as: Int.self),
                partNumber: try row.decode(column: "part_number", as: String.self),
                fromWarehouseId: try row.decode(column: "from_warehouse_id", as: Int.self),
                toWarehouseId: try row.decode(column: "to_warehouse_id", as: Int.self),
                quantity: Quantity.units(try row.decode(column: "quantity", as: Int.self)),
                serials: try JSONText.decode([String].self, from: try row.decode(column: "serials", as: String.self)),
                status: try row.decode(column: "status", as: String.self),
                shippedBy: try row.decode(column: "shipped_by", as: String.self),
                shippedAt: try row.decode(column: "shipped_at", as: Date.self),
                receivedAt: try row.decode(column: "received_at", as: Date?.self))
        }
        return Page(rows: rows, limit: page.limit) { $0 }
    }

    /// entries are never changed; a mis-keyed receipt or write-off is undone by a new entry that names it and
    /// moves the opposite way. Movements that belong to a document (a requisition, a transfer, a purchase order, a
    /// stocktake) or to a serial-tracked part are undone by the opposite movement instead, so that the document and the
    /// serials stay in step with the stock.
    public func correct(entryId: Int, reason: String, by actor: Actor) async throws -> MovementResult {
        var v = Validator()
        v.text("reason", reason, required: true, max: Limits.note)
        try v.finish()
        let now = store.now
        let scope = store.scope
        return try await store.write { db in
            var sql: SQLQueryString = "\(unsafeRaw: Self.entryFrom) WHERE l.id = \(bind: entryId)"
            if let condition = ScopeSQL.orgUnitCondition("w.org_unit_id", scope) { sql = sql + " AND " + condition }
            guard let row = try await db.raw(sql).first() else {
                throw RecordNotFound(entity: "ledgerEntry", id: entryId)
            }
            let entry = try Self.entryView(row)
            let tracked =
                try await db.raw("SELECT serial_tracked FROM parts WHERE id = \(bind: entry.partId)").first(
                    decodingColumn: "serial_tracked", as: Bool.self) ?? true
            let standalone =
                [.receipt, .writeOff].contains(entry.kind) && entry.requisitionId == nil
                && entry.purchaseOrderId == nil && entry.transferId == nil && entry.stocktakeId == nil
            if tracked || !standalone {
                throw ValidationError([
                    "entryId": .invalidFormat(
                        expected: "a receipt or write-off of a part without serial numbers, outside any document")
                ])
            }
            // Two corrections of one entry at once: the second waits here and then finds the first.
            if db.dialect.name != "sqlite" {
                _ = try await db.raw("SELECT id FROM stock_ledger WHERE id = \(bind: entryId) FOR UPDATE").first()
            }
            let corrected = try await db.raw(
                "SELECT id FROM stock_ledger WHERE corrects_id = \(bind: entryId)"
            ).first()
            if corrected != nil || entry.kind == .correction {
                throw ValidationError(["entryId": .invalidFormat(expected: "an entry not corrected before")])
            }
            let delta = StockDelta(
                onHand: try row.decode(column: "on_hand_delta", as: Int.self),
                reserved: try row.decode(column: "reserved_delta", as: Int.self),
                inTransit: try row.decode(column: "in_transit_delta", as: Int.self),
                inspecting: try row.decode(column: "inspecting_delta", as: Int.self))
            let ids = try await StockLedger.post(
                [
                    StockEntry(
                        kind: .correction, partId: entry.partId, warehouseId: entry.warehouseId, delta: delta.reversed,
                        expiresOn: entry.expiresOn.flatMap(CalendarDate.init(iso:)), correctsId: entryId, reason: reason
                    )
                ], by: actor, at: now, on: db)
            return MovementResult(entries: try await Self.entries(ids, on: db))
        }
    }

    // MARK: Shared steps (also used by requisitions, purchasing and stocktakes)

    /// Decodes, checks and posts a one-part movement from `input.warehouseId`.
    private func post(
        _ input: MovementInput, by actor: Actor,
        _ entries:
            @escaping @Sendable (any SQLDatabase, PartRecord.View, WarehouseRecord.View, Int, Date) async throws
            -> [StockEntry]
    ) async throws -> MovementResult {
        let now = store.now
        let scope = store.scope
        return try await store.write { db in
            let part = try await Self.part(input.partId, field: "partId", on: db)
            var v = Validator()
            let warehouse = try await Self.warehouse(input.warehouseId, field: "warehouseId", scope, on: db, into: &v)
            let q = StockQuantities.check("quantity", input.quantity, part.unit, into: &v)
            Serials.check("serials", input.serials, quantity: q, tracked: part.serialTracked, into: &v)
            v.text("reason", input.reason, max: Limits.note)
            try v.finish()
            let ids = try await StockLedger.post(
                try await entries(db, part, warehouse!, q, now), by: actor, at: now, on: db)
            let views = try await Self.entries(ids, on: db)
            return MovementResult(entries: views, transferId: views.first?.transferId)
        }
    }

    static func entries(_ ids: [Int], on db: any SQLDatabase) async throws -> [LedgerEntryView] {
        guard !ids.isEmpty else { return [] }
        return try await db.raw(
            "\(unsafeRaw: entryFrom) WHERE l.id IN (\(SQLList(ids.map { SQLBind($0) }))) ORDER BY l.id"
        ).all().map(entryView)
    }

    /// A live part, or a validation problem on `field`.
    /// A part, or a validation problem on `field`. An archived part's stock can still be issued, returned, counted and
    /// written off (its open requisitions must close); only `live` movements that bring new stock refuse it.
    static func part(_ id: Int, field: String, live: Bool = false, on db: any SQLDatabase) async throws
        -> PartRecord.View
    {
        guard let part = try await Records<PartRecord>.load(id, within: .everything, on: db) else {
            throw ValidationError([field: .notFound])
        }
        if live && part.archivedAt != nil { throw ValidationError([field: .archived]) }
        return part
    }

    /// A live warehouse the caller may see, or a problem on `field`.
    static func warehouse(
        _ id: Int, field: String, _ scope: Scope, on db: any SQLDatabase, into v: inout Validator
    ) async throws -> WarehouseRecord.View? {
        guard let warehouse = try await Records<WarehouseRecord>.load(id, within: scope, on: db) else {
            v.add(field, .notFound)
            return nil
        }
        if warehouse.archivedAt != nil { v.add(field, .archived) }
        return warehouse
    }

    /// The engineer's van, created with the engineer's unit the first time parts go into it.
    static func van(of engineerId: Int, scope: Scope, at now: Date, on db: any SQLDatabase) async throws -> Int {
        guard let engineer = try await Records<EngineerRecord>.load(engineerId, within: scope, on: db),
            engineer.archivedAt == nil
        else { throw ValidationError(["engineerId": .notFound]) }
        func existing() async throws -> Int? {
            try await db.raw(
                "SELECT id FROM warehouses WHERE engineer_id = \(bind: engineerId) AND archived_at IS NULL"
            ).first(decodingColumn: "id", as: Int.self)
        }
        if let id = try await existing() { return id }
        // Two first issues at once: the engineer's row makes the second wait and then find the first's van.
        if db.dialect.name != "sqlite" {
            _ = try await db.raw("SELECT id FROM engineers WHERE id = \(bind: engineerId) FOR UPDATE").first()
            if let id = try await existing() { return id }
        }
        // An archived van keeps its code: a later one is numbered after it.
        let earlier =
            try await db.raw("SELECT COUNT(*) AS n FROM warehouses WHERE engineer_id = \(bind: engineerId)").first(
                decodingColumn: "n", as: Int.self) ?? 0
        return try await Records<WarehouseRecord>.insert(
            .init(
                code: earlier == 0 ? "VAN-\(engineerId)" : "VAN-\(engineerId)-\(earlier + 1)",
                name: engineer.name, kind: .van, orgUnitId: engineer.orgUnitId, engineerId: engineerId),
            by: .system, at: now, within: .everything, on: db
        ).id
    }

    /// The quarantine warehouse for a unit: its own, else the nearest above it.
    static func quarantine(for orgUnitId: Int, on db: any SQLDatabase) async throws -> Int {
        let row = try await db.raw(
            """
            SELECT w.id FROM warehouses w JOIN org_units u ON u.id = w.org_unit_id, org_units mine \
            WHERE mine.id = \(bind: orgUnitId) AND w.kind = 'quarantine' AND w.archived_at IS NULL \
            AND mine.path LIKE u.path || '%' ORDER BY LENGTH(u.path) DESC LIMIT 1
            """
        ).first(decodingColumn: "id", as: Int.self)
        guard let row else {
            throw ValidationError(["warehouseId": .invalidFormat(expected: "a unit with a quarantine warehouse")])
        }
        return row
    }

    /// One entry per serial for tracked parts (so that each serial's history is one line), else the entry itself.
    static func perSerial(_ entry: StockEntry, _ serials: [String]) -> [StockEntry] {
        guard !serials.isEmpty else { return [entry] }
        func piece(_ x: Int) -> Int { x.signum() * Quantity.scale }
        let d = entry.delta
        return serials.map { serial in
            var one = entry
            one.serial = serial
            one.delta = StockDelta(
                onHand: piece(d.onHand), reserved: piece(d.reserved), inTransit: piece(d.inTransit),
                inspecting: piece(d.inspecting))
            return one
        }
    }

    /// Warehouse → van: out of the warehouse (from its reservation when `reserved`), into the van.
    static func issueEntries(
        part: PartRecord.View, from warehouse: Int, to van: Int, quantity q: Int, reserved: Bool, serials: [String],
        requisitionId: Int?, today: CalendarDate, at now: Date, on db: any SQLDatabase
    ) async throws -> [StockEntry] {
        try await Serials.move(
            serials, partId: part.id, from: warehouse, status: .inStock, to: van, .inStock, at: now, on: db)
        let out = StockEntry(
            kind: .issue, partId: part.id, warehouseId: warehouse,
            delta: StockDelta(onHand: -q, reserved: reserved ? -q : 0),
            counterpartWarehouseId: van, requisitionId: requisitionId)
        let outs =
            serials.isEmpty
            ? try await StockLedger.firstExpiringFirst(out, today: today, on: db) : perSerial(out, serials)
        // The van's dated lots follow the parts.
        let ins = outs.map { o in
            StockEntry(
                kind: .issue, partId: part.id, warehouseId: van, delta: StockDelta(onHand: -o.delta.onHand),
                serial: o.serial, expiresOn: o.expiresOn, counterpartWarehouseId: warehouse,
                requisitionId: requisitionId)
        }
        return outs + ins
    }

    /// Van → warehouse.
    static func returnEntries(
        part: PartRecord.View, van: Int, to warehouse: Int, quantity q: Int, serials: [String], requisitionId: Int?,
        today: CalendarDate, at now: Date, on db: any SQLDatabase
    ) async throws -> [StockEntry] {
        try await Serials.move(
            serials, partId: part.id, from: van, status: .inStock, to: warehouse, .inStock, at: now, on: db)
        let out = StockEntry(
            kind: .returnUnused, partId: part.id, warehouseId: van, delta: StockDelta(onHand: -q),
            counterpartWarehouseId: warehouse, requisitionId: requisitionId)
        let outs =
            serials.isEmpty
            ? try await StockLedger.firstExpiringFirst(out, today: today, includeExpired: true, on: db)
            : perSerial(out, serials)
        let ins = outs.map { o in
            StockEntry(
                kind: .returnUnused, partId: part.id, warehouseId: warehouse,
                delta: StockDelta(onHand: -o.delta.onHand),
                serial: o.serial, expiresOn: o.expiresOn, counterpartWarehouseId: van, requisitionId: requisitionId)
        }
        return outs + ins
    }

    /// Out of a warehouse (or a van) for good, with the reason; in quarantine, faulty parts too.
    static func writeOffEntries(
        part: PartRecord.View, warehouse: Int, quarantine: Bool = false, quantity q: Int, serials: [String],
        expiresOn: CalendarDate?, reason: String, requisitionId: Int?, today: CalendarDate, at now: Date,
        on db: any SQLDatabase
    ) async throws -> [StockEntry] {
        try await Serials.move(
            serials, partId: part.id, from: warehouse, status: .inStock, orFaulty: quarantine, to: nil, .writtenOff,
            at: now, on: db)
        let out = StockEntry(
            kind: .writeOff, partId: part.id, warehouseId: warehouse, delta: StockDelta(onHand: -q),
            expiresOn: expiresOn,
            requisitionId: requisitionId, reason: reason)
        return serials.isEmpty
            ? try await StockLedger.firstExpiringFirst(out, today: today, includeExpired: true, on: db)
            : perSerial(out, serials)
    }
}

/// The part of a transfer from one dated lot (or the undated rest), in thousandths.
struct TransferLot: Codable, Sendable, Equatable {
    var expiresOn: CalendarDate?
    var quantity: Int
}

/// A transfer is received once.
public struct TransferAlreadyReceived: Error, Equatable, Sendable {
    public var id: Int
}
