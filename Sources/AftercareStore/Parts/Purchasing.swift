import AftercareDomain
import Foundation
import SQLKit

/// R-7.5: a suggested order line: where the stock position has fallen to the reorder point.
public struct PurchaseSuggestion: Codable, Sendable, Equatable {
    public var partId: Int
    public var partNumber: String
    public var partName: String
    public var unit: UnitOfMeasure
    public var warehouseId: Int
    public var warehouseCode: String
    public var available: Double
    public var inTransit: Double
    public var inspecting: Double
    public var onOrder: Double
    /// Requested on requisitions, not yet approved.
    public var openDemand: Double
    public var position: Double
    public var reorderPoint: Double
    public var reorderQuantity: Double
    public var suggested: Double
    public var supplier: String?
    public var lastPrice: Int?
}

public struct PurchaseOrderInput: Codable, Sendable, Equatable {
    public struct Line: Codable, Sendable, Equatable {
        public var partId: Int
        public var quantity: Double
        /// Minor units per unit of measure.
        public var unitPrice: Int

        public init(partId: Int, quantity: Double, unitPrice: Int) {
            self.partId = partId
            self.quantity = quantity
            self.unitPrice = unitPrice
        }
    }

    public var supplier: String
    public var warehouseId: Int
    public var expectedOn: CalendarDate?
    public var lines: [Line]
    public var note: String?

    public init(supplier: String, warehouseId: Int, expectedOn: CalendarDate? = nil, lines: [Line], note: String? = nil)
    {
        self.supplier = supplier
        self.warehouseId = warehouseId
        self.expectedOn = expectedOn
        self.lines = lines
        self.note = note
    }
}

/// `POST /purchase-orders/{id}/receipts`: goods delivered against some lines; they wait for incoming inspection.
public struct ReceiptLinesInput: Codable, Sendable, Equatable {
    public struct Line: Codable, Sendable, Equatable {
        public var lineId: Int
        public var quantity: Double
        public var expiresOn: CalendarDate?
        public var serials: [String]?

        public init(lineId: Int, quantity: Double, expiresOn: CalendarDate? = nil, serials: [String]? = nil) {
            self.lineId = lineId
            self.quantity = quantity
            self.expiresOn = expiresOn
            self.serials = serials
        }
    }

    public var lines: [Line]

    public init(lines: [Line]) { self.lines = lines }
}

/// `POST /purchase-orders/{id}/receipts/{receiptId}/inspection`: how many passed; the rest go to quarantine.
public struct InspectionInput: Codable, Sendable, Equatable {
    public var passed: Double
    public var failed: Double
    /// For serial-tracked parts: which serials failed.
    public var failedSerials: [String]?
    public var reason: String?

    public init(passed: Double, failed: Double, failedSerials: [String]? = nil, reason: String? = nil) {
        self.passed = passed
        self.failed = failed
        self.failedSerials = failedSerials
        self.reason = reason
    }
}

public struct PurchaseOrderLineView: Codable, Sendable, Equatable {
    public var id: Int
    public var partId: Int
    public var partNumber: String
    public var partName: String
    public var unit: UnitOfMeasure
    public var quantity: Double
    public var unitPrice: Int
    public var received: Double
    public var accepted: Double
    public var rejected: Double
}

public struct PurchaseReceiptView: Codable, Sendable, Equatable {
    public var id: Int
    public var lineId: Int
    public var quantity: Double
    public var expiresOn: String?
    public var serials: [String]
    /// `inspecting` until inspected, then `inspected`.
    public var status: String
    public var receivedBy: String
    public var receivedAt: Date
    public var inspectedBy: String?
    public var inspectedAt: Date?
    public var passed: Double?
    public var failed: Double?
    public var reason: String?
}

public struct PurchaseOrderView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var number: String
    public var supplier: String
    public var warehouseId: Int
    public var warehouseCode: String
    public var orgUnitId: Int
    public var status: PurchaseOrderStatus
    public var expectedOn: String?
    public var note: String?
    /// In minor units.
    public var total: Int
    public var lines: [PurchaseOrderLineView]
    public var receipts: [PurchaseReceiptView]
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date
}

/// A purchase order that no longer takes deliveries.
public struct PurchaseOrderClosed: Error, Equatable, Sendable {
    public var id: Int
    public var status: PurchaseOrderStatus
}

/// A delivery inspected already.
public struct ReceiptAlreadyInspected: Error, Equatable, Sendable {
    public var id: Int
}

/// R-7.5: suggestions from reorder points and demand; purchase orders with partial receipts, incoming inspection
/// (failures to quarantine) and the price history used for costing.
public struct Purchasing: Sendable {
    public let store: Store

    public init(_ store: Store) {
        self.store = store
    }

    /// Every stock rule whose position is at or below its point, with the quantity to order. One query.
    public func suggestions(warehouseId: Int? = nil) async throws -> [PurchaseSuggestion] {
        var sql: SQLQueryString = """
            SELECT r.part_id, p.part_number, p.name, p.unit, p.suppliers, p.last_price, r.warehouse_id, w.code, \
            r.reorder_point, r.reorder_quantity, COALESCE(b.on_hand, 0) AS on_hand, COALESCE(b.reserved, 0) AS reserved, \
            COALESCE(b.in_transit, 0) AS in_transit, COALESCE(b.inspecting, 0) AS inspecting, \
            COALESCE((SELECT CAST(SUM(ol.quantity - ol.received) AS BIGINT) FROM purchase_order_lines ol JOIN purchase_orders o \
            ON o.id = ol.purchase_order_id WHERE ol.part_id = r.part_id AND o.warehouse_id = r.warehouse_id \
            AND o.status IN ('open', 'partiallyReceived') AND ol.quantity > ol.received), 0) AS on_order, \
            COALESCE((SELECT CAST(SUM(rl.quantity) AS BIGINT) FROM requisition_lines rl JOIN requisitions q ON q.id = rl.requisition_id \
            WHERE rl.part_id = r.part_id AND q.warehouse_id = r.warehouse_id AND q.status = 'requested'), 0) AS demand \
            FROM stock_rules r JOIN parts p ON p.id = r.part_id JOIN warehouses w ON w.id = r.warehouse_id \
            LEFT JOIN stock_balances b ON b.part_id = r.part_id AND b.warehouse_id = r.warehouse_id \
            WHERE r.archived_at IS NULL AND p.archived_at IS NULL AND w.archived_at IS NULL
            """
        if let condition = ScopeSQL.orgUnitCondition("w.org_unit_id", store.scope) { sql = sql + " AND " + condition }
        if let warehouseId { sql = sql + " AND r.warehouse_id = \(bind: warehouseId)" }
        sql = sql + " ORDER BY w.code, p.part_number"
        return try await store.sql.raw(sql).all().compactMap { row in
            let level = StockLevel(
                onHand: try row.decode(column: "on_hand", as: Int.self),
                reserved: try row.decode(column: "reserved", as: Int.self),
                inTransit: try row.decode(column: "in_transit", as: Int.self),
                inspecting: try row.decode(column: "inspecting", as: Int.self))
            let onOrder = try row.decode(column: "on_order", as: Int.self)
            let demand = try row.decode(column: "demand", as: Int.self)
            let point = try row.decode(column: "reorder_point", as: Int.self)
            let lot = try row.decode(column: "reorder_quantity", as: Int.self)
            let position = Reorder.position(level, onOrder: onOrder, openDemand: demand)
            guard let suggested = Reorder.suggestion(position: position, point: point, lot: lot) else { return nil }
            let suppliers = try JSONText.decodeRemembered(
                [PartSupplier].self, from: try row.decode(column: "suppliers", as: String.self))
            return PurchaseSuggestion(
                partId: try row.decode(column: "part_id", as: Int.self),
                partNumber: try row.decode(column: "part_number", as: String.self),
                partName: try row.decode(column: "name", as: String.self),
                unit: try row.decodeStored("unit", as: UnitOfMeasure.self),
                warehouseId: try row.decode(column: "warehouse_id", as: Int.self),
                warehouseCode: try row.decode(column: "code", as: String.self),
                available: Quantity.units(level.available), inTransit: Quantity.units(level.inTransit),
                inspecting: Quantity.units(level.inspecting), onOrder: Quantity.units(onOrder),
                openDemand: Quantity.units(demand), position: Quantity.units(position),
                reorderPoint: Quantity.units(point), reorderQuantity: Quantity.units(lot),
                suggested: Quantity.units(suggested), supplier: suppliers.first?.name,
                lastPrice: try row.decode(column: "last_price", as: Int?.self))
        }
    }

    static func load(_ id: Int, within scope: Scope, forUpdate: Bool = false, on db: any SQLDatabase) async throws
        -> PurchaseOrderView?
    {
        var sql: SQLQueryString = """
            SELECT o.*, w.code AS warehouse_code FROM purchase_orders o JOIN warehouses w ON w.id = o.warehouse_id \
            WHERE o.id = \(bind: id)
            """
        if let condition = ScopeSQL.orgUnitCondition("o.org_unit_id", scope) { sql = sql + " AND " + condition }
        if forUpdate && db.dialect.name != "sqlite" { sql = sql + " FOR UPDATE OF o" }
        guard let row = try await db.raw(sql).first() else { return nil }
        return try await views([row], on: db).first
    }

    /// The orders of `rows` with their lines and receipts: three queries whatever the number of orders.
    static func views(_ rows: [any SQLRow], on db: any SQLDatabase) async throws -> [PurchaseOrderView] {
        let ids = try rows.map { try $0.decode(column: "id", as: Int.self) }
        guard !ids.isEmpty else { return [] }
        let list = SQLList(ids.map { SQLBind($0) })
        var lines: [Int: [PurchaseOrderLineView]] = [:]
        for l in try await db.raw(
            """
            SELECT l.*, p.part_number, p.name, p.unit FROM purchase_order_lines l JOIN parts p ON p.id = l.part_id \
            WHERE l.purchase_order_id IN (\(list)) ORDER BY l.id
            """
        ).all() {
            lines[try l.decode(column: "purchase_order_id", as: Int.self), default: []].append(
                PurchaseOrderLineView(
                    id: try l.decode(column: "id", as: Int.self), partId: try l.decode(column: "part_id", as: Int.self),
                    partNumber: try l.decode(column: "part_number", as: String.self),
                    partName: try l.decode(column: "name", as: String.self),
                    unit: try l.decodeStored("unit", as: UnitOfMeasure.self),
                    quantity: Quantity.units(try l.decode(column: "quantity", as: Int.self)),
                    unitPrice: try l.decode(column: "unit_price", as: Int.self),
                    received: Quantity.units(try l.decode(column: "received", as: Int.self)),
                    accepted: Quantity.units(try l.decode(column: "accepted", as: Int.self)),
                    rejected: Quantity.units(try l.decode(column: "rejected", as: Int.self))))
        }
        var receipts: [Int: [PurchaseReceiptView]] = [:]
        for r in try await db.raw(
            "SELECT * FROM purchase_receipts WHERE purchase_order_id IN (\(list)) ORDER BY id"
        ).all() {
            receipts[try r.decode(column: "purchase_order_id", as: Int.self), default: []].append(
                PurchaseReceiptView(
                    id: try r.decode(column: "id", as: Int.self), lineId: try r.decode(column: "line_id", as: Int.self),
                    quantity: Quantity.units(try r.decode(column: "quantity", as: Int.self)),
                    expiresOn: try r.decode(column: "expires_on", as: String?.self),
                    serials: try JSONText.decode([String].self, from: try r.decode(column: "serials", as: String.self)),
                    status: try r.decode(column: "status", as: String.self),
                    receivedBy: try r.decode(column: "received_by", as: String.self),
                    receivedAt: try r.decode(column: "received_at", as: Date.self),
                    inspectedBy: try r.decode(column: "inspected_by", as: String?.self),
                    inspectedAt: try r.decode(column: "inspected_at", as: Date?.self),
                    passed: try r.decode(column: "passed", as: Int?.self).map(Quantity.units),
                    failed: try r.decode(column: "failed", as: Int?.self).map(Quantity.units),
                    reason: try r.decode(column: "reason", as: String?.self)))
        }
        return try zip(ids, rows).map { id, row in
            let orderLines = lines[id] ?? []
            return PurchaseOrderView(
                id: id, number: try row.decode(column: "number", as: String.self),
                supplier: try row.decode(column: "supplier", as: String.self),
                warehouseId: try row.decode(column: "warehouse_id", as: Int.self),
                warehouseCode: try row.decode(column: "warehouse_code", as: String.self),
                orgUnitId: try row.decode(column: "org_unit_id", as: Int.self),
                status: try row.decodeStored("status", as: PurchaseOrderStatus.self),
                expectedOn: try row.decode(column: "expected_on", as: String?.self),
                note: try row.decode(column: "note", as: String?.self),
                total: orderLines.reduce(0) { $0 + Int(($1.quantity * Double($1.unitPrice)).rounded()) },
                lines: orderLines, receipts: receipts[id] ?? [],
                version: try row.decode(column: "version", as: Int.self),
                createdAt: try row.decode(column: "created_at", as: Date.self),
                updatedAt: try row.decode(column: "updated_at", as: Date.self))
        }
    }

    public func get(_ id: Int) async throws -> PurchaseOrderView {
        guard let view = try await Self.load(id, within: store.scope, on: store.sql) else {
            throw RecordNotFound(entity: "purchaseOrder", id: id)
        }
        return view
    }

    /// Purchase orders, newest first, keyset-paged.
    public func list(status: [PurchaseOrderStatus], page: PageRequest) async throws -> Page<PurchaseOrderView> {
        var sql: SQLQueryString = """
            SELECT o.*, w.code AS warehouse_code FROM purchase_orders o JOIN warehouses w ON w.id = o.warehouse_id \
            WHERE 1 = 1
            """
        if let condition = ScopeSQL.orgUnitCondition("o.org_unit_id", store.scope) { sql = sql + " AND " + condition }
        if !status.isEmpty { sql = sql + " AND o.status IN (\(SQLList(status.map { SQLBind($0.rawValue) })))" }
        if let after = page.afterId { sql = sql + " AND o.id < \(bind: after)" }
        sql = sql + " ORDER BY o.id DESC LIMIT \(unsafeRaw: String(page.limit + 1))"
        let rows = try await store.sql.raw(sql).all()
        return try await Page(rows: rows, limit: page.limit) { try await Self.views($0, on: store.sql) }
    }

    public func create(_ input: PurchaseOrderInput, by actor: Actor) async throws -> PurchaseOrderView {
        let now = store.now
        let scope = store.scope
        return try await store.write { db in
            var v = Validator()
            v.text("supplier", input.supplier, required: true, max: Limits.name)
            v.text("note", input.note, max: Limits.note)
            let warehouse = try await Stock.warehouse(input.warehouseId, field: "warehouseId", scope, on: db, into: &v)
            if let warehouse, warehouse.kind == .van || warehouse.kind == .quarantine {
                v.add("warehouseId", .invalidFormat(expected: "a warehouse that takes deliveries"))
            }
            if input.lines.isEmpty { v.add("lines", .required) }
            if input.lines.count > 200 { v.add("lines", .outOfRange(min: 1, max: 200)) }
            var lines: [(Int, Int, Int)] = []
            for (index, line) in input.lines.prefix(200).enumerated() {
                guard let part = try await Records<PartRecord>.load(line.partId, within: .everything, on: db),
                    part.archivedAt == nil
                else {
                    v.add("lines.\(index).partId", .notFound)
                    continue
                }
                let q = StockQuantities.check("lines.\(index).quantity", line.quantity, part.unit, into: &v)
                v.range("lines.\(index).unitPrice", line.unitPrice, 0...Money.maximumPriceMinor)
                lines.append((part.id, q, line.unitPrice))
            }
            try v.finish()
            let id = try await db.insert(into: "purchase_orders")
                .columns(
                    "number", "supplier", "warehouse_id", "org_unit_id", "status", "expected_on", "note", "version",
                    "created_at", "updated_at"
                )
                .values(
                    SQLBind("PO-pending-\(UUID().uuidString)"), SQLBind(input.supplier.trimmed), SQLBind(warehouse!.id),
                    SQLBind(warehouse!.orgUnitId), SQLBind(PurchaseOrderStatus.open.rawValue),
                    SQLBind(input.expectedOn?.description), SQLBind(input.note), SQLBind(1), SQLBind(now), SQLBind(now)
                )
                .returning("id").first(decodingColumn: "id", as: Int.self)!
            try await db.raw(
                "UPDATE purchase_orders SET number = \(bind: String(format: "PO%06d", id)) WHERE id = \(bind: id)"
            ).run()
            for (part, q, price) in lines {
                try await db.raw(
                    """
                    INSERT INTO purchase_order_lines (purchase_order_id, part_id, quantity, unit_price, received, \
                    accepted, rejected) VALUES (\(bind: id), \(bind: part), \(bind: q), \(bind: price), 0, 0, 0)
                    """
                ).run()
            }
            let view = try await Self.load(id, within: .everything, on: db)!
            try await AuditLog.append(
                on: db, entity: "purchaseOrder", id: id, action: .create, actor: actor, at: now,
                before: PurchaseOrderView?.none, after: view)
            return view
        }
    }

    /// A delivery: each line's quantity waits in inspection at the order's warehouse; the price is recorded.
    public func receive(_ input: ReceiptLinesInput, order id: Int, by actor: Actor) async throws -> PurchaseOrderView {
        try await change(id, by: actor) { db, order, now in
            var lifecycle = PurchaseOrderLifecycle(status: order.status)
            _ = try lifecycle.apply(.receive, at: now) { PurchaseOrderClosed(id: id, status: $0) }
            var v = Validator()
            if input.lines.isEmpty { v.add("lines", .required) }
            if input.lines.count > 200 { v.add("lines", .outOfRange(min: 1, max: 200)) }
            if Set(input.lines.map(\.lineId)).count != input.lines.count { v.add("lines", .duplicate) }
            try v.finish()
            var entries: [StockEntry] = []
            for (index, item) in input.lines.prefix(200).enumerated() {
                guard let line = order.lines.first(where: { $0.id == item.lineId }) else {
                    v.add("lines.\(index).lineId", .notFound)
                    continue
                }
                let part = try await Stock.part(line.partId, field: "lines.\(index).lineId", on: db)
                let q = StockQuantities.check("lines.\(index).quantity", item.quantity, part.unit, into: &v)
                let open = Quantity.milli(units: line.quantity) - Quantity.milli(units: line.received)
                if q > open { v.add("lines.\(index).quantity", .outOfRange(min: 0, max: open / Quantity.scale)) }
                Serials.check(
                    "lines.\(index).serials", item.serials, quantity: q, tracked: part.serialTracked, into: &v)
                if part.shelfLifeDays != nil && item.expiresOn == nil { v.add("lines.\(index).expiresOn", .required) }
                if part.shelfLifeDays == nil && item.expiresOn != nil {
                    v.add("lines.\(index).expiresOn", .invalidFormat(expected: "empty for a part without a shelf life"))
                }
                try v.finish()
                let serials = item.serials ?? []
                try await Serials.add(serials, partId: part.id, at: order.warehouseId, .inspecting, at: now, on: db)
                let receipt = try await db.raw(
                    """
                    INSERT INTO purchase_receipts (purchase_order_id, line_id, quantity, expires_on, serials, status, \
                    received_by, received_at) VALUES (\(bind: id), \(bind: line.id), \(bind: q), \
                    \(bind: item.expiresOn?.description), \(bind: try JSONText.encode(serials)), 'inspecting', \
                    \(bind: actor.name), \(bind: now)) RETURNING id
                    """
                ).first(decodingColumn: "id", as: Int.self)!
                try await db.raw(
                    "UPDATE purchase_order_lines SET received = received + \(bind: q) WHERE id = \(bind: line.id)"
                ).run()
                try await db.raw(
                    """
                    INSERT INTO part_prices (part_id, supplier, price, purchase_order_id, at) VALUES (\(bind: part.id), \
                    \(bind: order.supplier), \(bind: line.unitPrice), \(bind: id), \(bind: now))
                    """
                ).run()
                try await db.raw("UPDATE parts SET last_price = \(bind: line.unitPrice) WHERE id = \(bind: part.id)")
                    .run()
                entries += Stock.perSerial(
                    StockEntry(
                        kind: .receipt, partId: part.id, warehouseId: order.warehouseId,
                        delta: StockDelta(inspecting: q),
                        unitCost: line.unitPrice, purchaseOrderId: id, reason: "receipt \(receipt)"), serials)
            }
            try v.finish()
            try await StockLedger.post(entries, by: actor, at: now, on: db)
            let remaining =
                try await db.raw(
                    """
                    SELECT COUNT(*) AS n FROM purchase_order_lines WHERE purchase_order_id = \(bind: id) \
                    AND received < quantity
                    """
                ).first(decodingColumn: "n", as: Int.self) ?? 0
            if remaining == 0 {
                _ = try lifecycle.apply(.receiveInFull, at: now) { PurchaseOrderClosed(id: id, status: $0) }
            }
            return lifecycle.status
        }
    }

    /// R-7.5: incoming inspection of one delivery: passed goods become stock (dated lots for shelf-life parts);
    /// failed goods go to the unit's quarantine warehouse.
    public func inspect(_ input: InspectionInput, receipt receiptId: Int, order id: Int, by actor: Actor) async throws
        -> PurchaseOrderView
    {
        try await change(id, by: actor) { db, order, now in
            guard
                let row = try await db.raw(
                    "SELECT * FROM purchase_receipts WHERE id = \(bind: receiptId) AND purchase_order_id = \(bind: id)"
                ).first()
            else { throw RecordNotFound(entity: "receipt", id: receiptId) }
            let claimed = try await db.raw(
                """
                UPDATE purchase_receipts SET status = 'inspected' WHERE id = \(bind: receiptId) \
                AND status = 'inspecting' RETURNING id
                """
            ).first()
            guard claimed != nil else { throw ReceiptAlreadyInspected(id: receiptId) }
            var lifecycle = PurchaseOrderLifecycle(status: order.status)
            _ = try lifecycle.apply(.inspect, at: now) { PurchaseOrderClosed(id: id, status: $0) }
            let lineId = try row.decode(column: "line_id", as: Int.self)
            let line = order.lines.first { $0.id == lineId }!
            let part = try await Stock.part(line.partId, field: "lineId", on: db)
            let received = try row.decode(column: "quantity", as: Int.self)
            let serials = try JSONText.decode([String].self, from: try row.decode(column: "serials", as: String.self))
            let expiry = try row.decode(column: "expires_on", as: String?.self).flatMap(CalendarDate.init(iso:))
            var v = Validator()
            let passed = StockQuantities.check("passed", input.passed, part.unit, allowZero: true, into: &v)
            let failed = StockQuantities.check("failed", input.failed, part.unit, allowZero: true, into: &v)
            if passed + failed != received {
                v.add("failed", .invalidFormat(expected: "passed + failed = \(Quantity.units(received))"))
            }
            let failedSerials = input.failedSerials ?? []
            if part.serialTracked {
                if failedSerials.count * Quantity.scale != failed || !Set(failedSerials).isSubset(of: serials) {
                    v.add(
                        "failedSerials",
                        .invalidFormat(expected: "the serials of the failed pieces, from this delivery"))
                }
            } else if !failedSerials.isEmpty {
                v.add("failedSerials", .invalidFormat(expected: "empty for a part without serial numbers"))
            }
            v.text("reason", input.reason, max: Limits.note)
            if failed > 0 && input.reason.isBlank { v.add("reason", .required) }
            try v.finish()
            let passedSerials = serials.filter { !failedSerials.contains($0) }
            var entries: [StockEntry] = []
            if passed > 0 {
                try await Serials.move(
                    passedSerials, partId: part.id, from: order.warehouseId, status: .inspecting, to: order.warehouseId,
                    .inStock, at: now, on: db)
                entries += Stock.perSerial(
                    StockEntry(
                        kind: .inspectionPass, partId: part.id, warehouseId: order.warehouseId,
                        delta: StockDelta(onHand: passed, inspecting: -passed), expiresOn: expiry,
                        unitCost: line.unitPrice,
                        purchaseOrderId: id), passedSerials)
            }
            if failed > 0 {
                let quarantine = try await Stock.quarantine(for: order.orgUnitId, on: db)
                try await Serials.move(
                    failedSerials, partId: part.id, from: order.warehouseId, status: .inspecting, to: quarantine,
                    .faulty,
                    at: now, on: db)
                entries += Stock.perSerial(
                    StockEntry(
                        kind: .inspectionFail, partId: part.id, warehouseId: order.warehouseId,
                        delta: StockDelta(inspecting: -failed), counterpartWarehouseId: quarantine, purchaseOrderId: id,
                        reason: input.reason), failedSerials)
                entries += Stock.perSerial(
                    StockEntry(
                        kind: .inspectionFail, partId: part.id, warehouseId: quarantine,
                        delta: StockDelta(onHand: failed),
                        counterpartWarehouseId: order.warehouseId, purchaseOrderId: id, reason: input.reason),
                    failedSerials)
            }
            try await StockLedger.post(entries, by: actor, at: now, on: db)
            try await db.raw(
                """
                UPDATE purchase_receipts SET inspected_by = \(bind: actor.name), inspected_at = \(bind: now), \
                passed = \(bind: passed), failed = \(bind: failed), reason = \(bind: input.reason) WHERE id = \(bind: receiptId)
                """
            ).run()
            try await db.raw(
                """
                UPDATE purchase_order_lines SET accepted = accepted + \(bind: passed), rejected = rejected + \(bind: failed) \
                WHERE id = \(bind: lineId)
                """
            ).run()
            return lifecycle.status
        }
    }

    /// Closes an order: nothing more is expected (what was not delivered is cancelled).
    public func close(_ id: Int, by actor: Actor) async throws -> PurchaseOrderView {
        try await change(id, by: actor) { _, order, now in
            var lifecycle = PurchaseOrderLifecycle(status: order.status)
            _ = try lifecycle.apply(.close, at: now) { PurchaseOrderClosed(id: id, status: $0) }
            return lifecycle.status
        }
    }

    /// Locks the order, runs `body`, stores the status it returns, and audits the change.
    private func change(
        _ id: Int, by actor: Actor,
        _ body: @escaping @Sendable (any SQLDatabase, PurchaseOrderView, Date) async throws -> PurchaseOrderStatus
    ) async throws -> PurchaseOrderView {
        let now = store.now
        let scope = store.scope
        return try await store.write { db in
            guard let before = try await Self.load(id, within: scope, forUpdate: true, on: db) else {
                throw RecordNotFound(entity: "purchaseOrder", id: id)
            }
            let status = try await body(db, before, now)
            try await db.raw(
                """
                UPDATE purchase_orders SET status = \(bind: status.rawValue), version = version + 1, \
                updated_at = \(bind: now) WHERE id = \(bind: id)
                """
            ).run()
            let after = try await Self.load(id, within: .everything, on: db)!
            try await AuditLog.append(
                on: db, entity: "purchaseOrder", id: id, action: .update, actor: actor, at: now, before: before,
                after: after)
            return after
        }
    }

    /// A part's purchase prices, newest first.
    public func prices(partId: Int) async throws -> [PartPriceView] {
        _ = try await Records<PartRecord>(store).get(partId)
        return try await store.sql.raw(
            "SELECT * FROM part_prices WHERE part_id = \(bind: partId) ORDER BY id DESC LIMIT 100"
        ).all().map {
            PartPriceView(
                supplier: try $0.decode(column: "supplier", as: String.self),
                price: try $0.decode(column: "price", as: Int.self),
                purchaseOrderId: try $0.decode(column: "purchase_order_id", as: Int?.self),
                at: try $0.decode(column: "at", as: Date.self))
        }
    }
}

/// One purchase price of a part.
public struct PartPriceView: Codable, Sendable, Equatable {
    public var supplier: String
    public var price: Int
    public var purchaseOrderId: Int?
    public var at: Date
}
