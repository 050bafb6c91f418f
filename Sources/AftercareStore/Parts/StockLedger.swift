import AftercareDomain
import Foundation
import SQLKit

/// A movement refused because the stock is not there: the API answers 409 and names the part, the warehouse,
/// what was asked for and what there is.
public struct StockShortage: Error, Equatable, Sendable {
    public var partId: Int
    public var partNumber: String
    public var warehouseId: Int
    public var warehouseCode: String
    public var shortfall: StockShortfall
    public var unit: UnitOfMeasure

    public var message: String {
        let what =
            switch shortfall.of {
            case .available: "available"
            case .reserved: "reserved"
            case .inTransit: "in transit"
            case .inspecting: "in inspection"
            }
        return
            "not enough \(partNumber) in \(warehouseCode): \(Quantity.text(shortfall.requested)) \(unit.rawValue) requested, \(Quantity.text(shortfall.present)) \(what)"
    }
}

/// A serial-tracked part that is not where the movement needs it.
public struct SerialNotAvailable: Error, Equatable, Sendable {
    public var partNumber: String
    public var serial: String
    /// Where it should have been (a warehouse code) and what it should have been (`inStock`, `installed`…).
    public var expected: String

    public var message: String { "serial \(serial) of \(partNumber) is not \(expected)" }
}

/// Where a serial-tracked part is.
public enum SerialStatus: String, CodedEnum {
    case inspecting, inStock, inTransit, installed, faulty, writtenOff
}

/// One entry to append to the ledger.
struct StockEntry: Sendable {
    var kind: MovementKind
    var partId: Int
    var warehouseId: Int
    var delta: StockDelta
    var serial: String? = nil
    var faultySerial: String? = nil
    var expiresOn: CalendarDate? = nil
    var unitCost: Int? = nil
    var counterpartWarehouseId: Int? = nil
    var requisitionId: Int? = nil
    var visitId: Int? = nil
    var purchaseOrderId: Int? = nil
    var transferId: Int? = nil
    var stocktakeId: Int? = nil
    var correctsId: Int? = nil
    var reason: String? = nil
    /// a part used by a depot repair names its return case.
    var returnCaseId: Int? = nil
}

/// the ledger and its balance table. Every movement appends entries and moves the balance row in the same
/// transaction, with a conditional update: a movement that would make any figure negative (or reserve what is not
/// on hand) changes no row and is refused as a whole. The database's CHECK constraint holds the same rule.
enum StockLedger {
    /// Appends `entries` in order; returns their ids. Throws `StockShortage` (nothing of the caller's
    /// transaction is kept) when one does not fit.
    @discardableResult
    static func post(_ entries: [StockEntry], by actor: Actor, at now: Date, on db: any SQLDatabase) async throws
        -> [Int]
    {
        // Balance rows are locked in one order (part, then warehouse) by every transaction, so that an issue
        // (warehouse, then van) and a return (van, then warehouse) cannot deadlock on PostgreSQL. A stable sort keeps
        // the order of the entries on the same row.
        let order = entries.indices.sorted {
            (entries[$0].partId, entries[$0].warehouseId, $0) < (entries[$1].partId, entries[$1].warehouseId, $1)
        }
        for index in order {
            let entry = entries[index]
            try await move(entry, at: now, on: db)
            if let expiry = entry.expiresOn, entry.delta.onHand != 0 {
                try await moveLot(entry, expiry: expiry, on: db)
            }
        }
        var ids: [Int] = []
        for entry in entries {
            let id = try await db.insert(into: "stock_ledger")
                .columns(
                    "at", "actor", "kind", "part_id", "warehouse_id", "on_hand_delta", "reserved_delta",
                    "in_transit_delta", "inspecting_delta", "serial", "faulty_serial", "expires_on", "unit_cost",
                    "counterpart_warehouse_id", "requisition_id", "visit_id", "purchase_order_id", "transfer_id",
                    "stocktake_id", "corrects_id", "reason", "return_case_id"
                )
                .values(
                    SQLBind(now), SQLBind(actor.name), SQLBind(entry.kind.rawValue), SQLBind(entry.partId),
                    SQLBind(entry.warehouseId), SQLBind(entry.delta.onHand), SQLBind(entry.delta.reserved),
                    SQLBind(entry.delta.inTransit), SQLBind(entry.delta.inspecting), SQLBind(entry.serial),
                    SQLBind(entry.faultySerial), SQLBind(entry.expiresOn?.description), SQLBind(entry.unitCost),
                    SQLBind(entry.counterpartWarehouseId), SQLBind(entry.requisitionId), SQLBind(entry.visitId),
                    SQLBind(entry.purchaseOrderId), SQLBind(entry.transferId), SQLBind(entry.stocktakeId),
                    SQLBind(entry.correctsId), SQLBind(entry.reason), SQLBind(entry.returnCaseId)
                )
                .returning("id").first(decodingColumn: "id", as: Int.self)!
            ids.append(id)
        }
        return ids
    }

    /// Moves one balance row, or refuses.
    private static func move(_ entry: StockEntry, at now: Date, on db: any SQLDatabase) async throws {
        let d = entry.delta
        let issues = d.onHand < 0 && [.issue, .consumption, .transferOut].contains(entry.kind)
        let lastIssue: SQLQueryString = issues ? ", last_issue_at = \(bind: now)" : ""
        let updated = try await db.raw(
            """
            UPDATE stock_balances SET on_hand = on_hand + \(bind: d.onHand), reserved = reserved + \(bind: d.reserved), \
            in_transit = in_transit + \(bind: d.inTransit), inspecting = inspecting + \(bind: d.inspecting), \
            last_movement_at = \(bind: now)\(lastIssue) \
            WHERE part_id = \(bind: entry.partId) AND warehouse_id = \(bind: entry.warehouseId) \
            AND on_hand + \(bind: d.onHand) >= 0 AND reserved + \(bind: d.reserved) >= 0 \
            AND in_transit + \(bind: d.inTransit) >= 0 AND inspecting + \(bind: d.inspecting) >= 0 \
            AND reserved + \(bind: d.reserved) <= on_hand + \(bind: d.onHand) \
            RETURNING id
            """
        ).first()
        if updated != nil { return }
        let current = try await level(partId: entry.partId, warehouseId: entry.warehouseId, on: db)
        if current == nil, StockLevel().shortage(for: d) == nil {
            let inserted = try await db.raw(
                """
                INSERT INTO stock_balances (part_id, warehouse_id, on_hand, reserved, in_transit, inspecting, \
                last_movement_at, last_issue_at) VALUES (\(bind: entry.partId), \(bind: entry.warehouseId), \
                \(bind: d.onHand), \(bind: d.reserved), \(bind: d.inTransit), \(bind: d.inspecting), \(bind: now), \
                \(bind: issues ? now : nil)) ON CONFLICT (part_id, warehouse_id) DO NOTHING RETURNING id
                """
            ).first()
            if inserted != nil { return }
            // Another transaction created the row first: move it like any other.
            return try await move(entry, at: now, on: db)
        }
        let present = current ?? StockLevel()
        let shortfall =
            present.shortage(for: d)
            ?? StockShortfall(of: .available, requested: d.reserved - d.onHand, present: present.available)
        throw try await shortage(entry.partId, entry.warehouseId, shortfall, on: db)
    }

    /// Dated quantities of shelf-life parts move with the on-hand figure.
    private static func moveLot(_ entry: StockEntry, expiry: CalendarDate, on db: any SQLDatabase) async throws {
        let q = entry.delta.onHand
        let updated = try await db.raw(
            """
            UPDATE stock_lots SET quantity = quantity + \(bind: q) WHERE part_id = \(bind: entry.partId) \
            AND warehouse_id = \(bind: entry.warehouseId) AND expires_on = \(bind: expiry.description) \
            AND quantity + \(bind: q) >= 0 RETURNING id
            """
        ).first()
        if updated != nil { return }
        guard q > 0 else {
            throw try await shortage(
                entry.partId, entry.warehouseId, StockShortfall(of: .available, requested: -q, present: 0), on: db)
        }
        try await db.raw(
            """
            INSERT INTO stock_lots (part_id, warehouse_id, expires_on, quantity) VALUES (\(bind: entry.partId), \
            \(bind: entry.warehouseId), \(bind: expiry.description), \(bind: q))
            """
        ).run()
    }

    static func shortage(_ partId: Int, _ warehouseId: Int, _ shortfall: StockShortfall, on db: any SQLDatabase)
        async throws -> StockShortage
    {
        let row = try await db.raw(
            """
            SELECT p.part_number, p.unit, w.code FROM parts p, warehouses w WHERE p.id = \(bind: partId) \
            AND w.id = \(bind: warehouseId)
            """
        ).first()
        return StockShortage(
            partId: partId, partNumber: try row?.decode(column: "part_number", as: String.self) ?? "#\(partId)",
            warehouseId: warehouseId,
            warehouseCode: try row?.decode(column: "code", as: String.self) ?? "#\(warehouseId)",
            shortfall: shortfall,
            unit: UnitOfMeasure(rawValue: try row?.decode(column: "unit", as: String.self) ?? "") ?? .piece)
    }

    /// The balance row of a part in a warehouse.
    static func level(partId: Int, warehouseId: Int, on db: any SQLDatabase) async throws -> StockLevel? {
        try await db.raw(
            """
            SELECT on_hand, reserved, in_transit, inspecting FROM stock_balances \
            WHERE part_id = \(bind: partId) AND warehouse_id = \(bind: warehouseId)
            """
        ).first().map {
            StockLevel(
                onHand: try $0.decode(column: "on_hand", as: Int.self),
                reserved: try $0.decode(column: "reserved", as: Int.self),
                inTransit: try $0.decode(column: "in_transit", as: Int.self),
                inspecting: try $0.decode(column: "inspecting", as: Int.self))
        }
    }

    /// Splits an outgoing on-hand movement of a shelf-life part over its dated lots, first expiring first; what the
    /// lots do not cover comes from the undated rest. Expired lots go only when `includeExpired` (write-offs).
    static func firstExpiringFirst(
        _ entry: StockEntry, today: CalendarDate, includeExpired: Bool = false, on db: any SQLDatabase
    ) async throws -> [StockEntry] {
        let q = -entry.delta.onHand
        guard q > 0, entry.expiresOn == nil else { return [entry] }
        let lots = try await db.raw(
            """
            SELECT expires_on, quantity FROM stock_lots WHERE part_id = \(bind: entry.partId) \
            AND warehouse_id = \(bind: entry.warehouseId) AND quantity > 0 ORDER BY expires_on
            """
        ).all().map {
            FEFO.Lot(
                expiresOn: CalendarDate(iso: try $0.decode(column: "expires_on", as: String.self)),
                quantity: try $0.decode(column: "quantity", as: Int.self))
        }
        guard !lots.isEmpty else { return [entry] }
        let onHand = try await level(partId: entry.partId, warehouseId: entry.warehouseId, on: db)?.onHand ?? 0
        let dated = lots.reduce(0) { $0 + $1.quantity }
        let undated = FEFO.Lot(expiresOn: nil, quantity: max(0, onHand - dated))
        let cutoff = includeExpired ? CalendarDate(year: 1970, month: 1, day: 1)! : today
        guard let picks = FEFO.pick(q, from: lots + [undated], today: cutoff) else {
            let usable = (lots + [undated]).filter { !($0.expiresOn.map { $0 < cutoff } ?? false) }
            throw try await shortage(
                entry.partId, entry.warehouseId,
                StockShortfall(of: .available, requested: q, present: usable.reduce(0) { $0 + $1.quantity }), on: db)
        }
        let all = lots + [undated]
        return picks.map { pick in
            var part = entry
            part.delta.onHand = -pick.take
            if entry.delta.reserved != 0 { part.delta.reserved = -pick.take }
            part.expiresOn = all[pick.index].expiresOn
            return part
        }
    }

    /// Records that a movement for a visit or requisition found too little stock (the stock-out report), in its own
    /// transaction after the refused one rolled back.
    static func recordStockOut(
        _ shortage: StockShortage, visitId: Int?, requisitionId: Int?, by actor: Actor, store: Store
    ) async {
        let now = store.now
        _ = try? await store.write { db in
            try await db.raw(
                """
                INSERT INTO stock_outs (part_id, warehouse_id, visit_id, requisition_id, requested, available, actor, at) \
                VALUES (\(bind: shortage.partId), \(bind: shortage.warehouseId), \(bind: visitId), \
                \(bind: requisitionId), \(bind: shortage.shortfall.requested), \(bind: shortage.shortfall.present), \
                \(bind: actor.name), \(bind: now))
                """
            ).run()
        }
    }
}

/// serial-tracked parts are in exactly one place: one row per part and serial, moved by conditional
/// updates that name where the part must be.
enum Serials {
    /// Checks a movement's serials against its quantity: one distinct serial per piece for tracked parts, none
    /// otherwise.
    static func check(
        _ field: String, _ serials: [String]?, quantity: Int, tracked: Bool, into v: inout Validator
    ) {
        let serials = serials ?? []
        guard tracked else {
            if !serials.isEmpty { v.add(field, .invalidFormat(expected: "empty for a part without serial numbers")) }
            return
        }
        if serials.count * Quantity.scale != quantity {
            v.add(field, .invalidFormat(expected: "one serial number per piece (\(quantity / Quantity.scale))"))
        }
        if Set(serials).count != serials.count { v.add(field, .duplicate) }
        for (index, serial) in serials.enumerated() { Checks.code("\(field).\(index)", serial, into: &v) }
    }

    /// Moves each serial from (`warehouseId`, `status`) to (`toWarehouse`, `toStatus`), or refuses naming the
    /// first one that is not there.
    /// Serials are moved in sorted order, so that two movements of the same serials cannot deadlock. In quarantine
    /// (`orFaulty`) a part may also be a faulty one.
    static func move(
        _ serials: [String], partId: Int, from warehouseId: Int?, status: SerialStatus, orFaulty: Bool = false,
        to toWarehouse: Int?, _ toStatus: SerialStatus, visitId: Int? = nil, at now: Date, on db: any SQLDatabase
    ) async throws {
        let statuses = orFaulty ? [status.rawValue, SerialStatus.faulty.rawValue] : [status.rawValue]
        for serial in serials.sorted() {
            let place: SQLQueryString =
                warehouseId.map { "warehouse_id = \(bind: $0)" } ?? "warehouse_id IS NULL"
            let moved = try await db.raw(
                """
                UPDATE stock_serials SET warehouse_id = \(bind: toWarehouse), status = \(bind: toStatus.rawValue), \
                visit_id = \(bind: visitId), updated_at = \(bind: now) WHERE part_id = \(bind: partId) \
                AND serial = \(bind: serial) AND \(place) \
                AND status IN (\(SQLList(statuses.map { SQLBind($0) }))) RETURNING id
                """
            ).first()
            if moved == nil {
                throw try await notAvailable(serial, partId: partId, warehouseId: warehouseId, status: status, on: db)
            }
        }
    }

    /// Adds new serials (received goods); a serial already known is refused.
    static func add(
        _ serials: [String], partId: Int, at warehouseId: Int, _ status: SerialStatus, at now: Date,
        on db: any SQLDatabase
    ) async throws {
        // All of them are checked before any is written, so that a refused row of a valid-rows-only import leaves none.
        if !serials.isEmpty {
            let known = try await db.raw(
                """
                SELECT serial FROM stock_serials WHERE part_id = \(bind: partId) \
                AND serial IN (\(SQLList(serials.map { SQLBind($0) }))) ORDER BY serial
                """
            ).first(decodingColumn: "serial", as: String.self)
            if let known {
                let number = try await partNumber(partId, on: db)
                throw SerialNotAvailable(partNumber: number, serial: known, expected: "new (it is already recorded)")
            }
        }
        for serial in serials {
            let inserted = try await db.raw(
                """
                INSERT INTO stock_serials (part_id, serial, status, warehouse_id, updated_at) VALUES \
                (\(bind: partId), \(bind: serial), \(bind: status.rawValue), \(bind: warehouseId), \(bind: now)) \
                ON CONFLICT (part_id, serial) DO NOTHING RETURNING id
                """
            ).first()
            if inserted == nil {
                let number = try await partNumber(partId, on: db)
                throw SerialNotAvailable(partNumber: number, serial: serial, expected: "new (it is already recorded)")
            }
        }
    }

    /// A faulty part taken out of a customer's unit: known serials must be installed; unknown ones are recorded.
    static func removeFaulty(
        _ serial: String, partId: Int, into van: Int, at now: Date, on db: any SQLDatabase
    ) async throws {
        let row = try await db.raw(
            "SELECT status FROM stock_serials WHERE part_id = \(bind: partId) AND serial = \(bind: serial)"
        ).first()
        if row == nil {
            try await add([serial], partId: partId, at: van, .faulty, at: now, on: db)
        } else {
            try await move([serial], partId: partId, from: nil, status: .installed, to: van, .faulty, at: now, on: db)
        }
    }

    static func notAvailable(
        _ serial: String, partId: Int, warehouseId: Int?, status: SerialStatus, on db: any SQLDatabase
    ) async throws -> SerialNotAvailable {
        let number = try await partNumber(partId, on: db)
        var place = "installed at a customer"
        if let warehouseId {
            let code =
                try await db.raw("SELECT code FROM warehouses WHERE id = \(bind: warehouseId)").first(
                    decodingColumn: "code", as: String.self) ?? "#\(warehouseId)"
            place = "\(status.rawValue) in \(code)"
        }
        return SerialNotAvailable(partNumber: number, serial: serial, expected: place)
    }

    static func partNumber(_ partId: Int, on db: any SQLDatabase) async throws -> String {
        try await db.raw("SELECT part_number FROM parts WHERE id = \(bind: partId)").first(
            decodingColumn: "part_number", as: String.self) ?? "#\(partId)"
    }
}
