import AftercareDomain
import Foundation
import SQLKit

/// R-8, issue 16 item 4: the depot's repair order of a case as typed: the repair report's text and the labour.
public struct DepotRepairInput: Codable, Sendable, Equatable {
    public var diagnosis: String?
    public var actions: String?
    public var tests: String?
    public var labourMinutes: Int
    public var technician: String?
    public var expectedVersion: Int?

    public init(
        diagnosis: String? = nil, actions: String? = nil, tests: String? = nil, labourMinutes: Int = 0,
        technician: String? = nil, expectedVersion: Int? = nil
    ) {
        self.diagnosis = diagnosis
        self.actions = actions
        self.tests = tests
        self.labourMinutes = labourMinutes
        self.technician = technician
        self.expectedVersion = expectedVersion
    }
}

/// Parts a depot repair takes from one of the depot's warehouses.
public struct DepotPartInput: Codable, Sendable, Equatable {
    public var partId: Int
    public var quantity: Double
    public var warehouseId: Int
    public var serials: [String]?

    public init(partId: Int, quantity: Double, warehouseId: Int, serials: [String]? = nil) {
        self.partId = partId
        self.quantity = quantity
        self.warehouseId = warehouseId
        self.serials = serials
    }
}

/// One part used by a depot repair: a consumption entry of the stock ledger.
public struct DepotPartUse: Codable, Sendable, Equatable {
    public var entryId: Int
    public var partId: Int
    public var partNumber: String
    public var partName: String
    public var warehouseId: Int
    public var warehouseCode: String
    public var quantity: Double
    public var serial: String?
    /// The part's last purchase price per unit (minor units), when known.
    public var unitPriceMinor: Int?
    public var at: Date
    public var actor: String
}

/// the depot's repair order and report of a case.
public struct DepotRepairView: Codable, Sendable, Equatable {
    public var diagnosis: String?
    public var actions: String?
    public var tests: String?
    public var labourMinutes: Int
    public var technician: String?
    public var updatedBy: String?
    public var updatedAt: Date?
    public var version: Int
    public var parts: [DepotPartUse]

    /// The parts' value at their last purchase price.
    public var partsMinor: Int {
        parts.reduce(0) { $0 + Int((Double($1.unitPriceMinor ?? 0) * $1.quantity).rounded()) }
    }
}

extension ReturnCases {
    /// The repair order of a case (an empty one until written).
    static func repair(of caseId: Int, on db: any SQLDatabase) async throws -> DepotRepairView {
        let parts = try await db.raw(
            """
            SELECT l.id, l.part_id, p.part_number, p.name, p.last_price, l.warehouse_id, w.code, l.on_hand_delta, \
            l.serial, l.at, l.actor FROM stock_ledger l JOIN parts p ON p.id = l.part_id \
            JOIN warehouses w ON w.id = l.warehouse_id \
            WHERE l.return_case_id = \(bind: caseId) AND l.kind = \(bind: MovementKind.consumption.rawValue) \
            ORDER BY l.id
            """
        ).all().map { row in
            DepotPartUse(
                entryId: try row.decode(column: "id", as: Int.self),
                partId: try row.decode(column: "part_id", as: Int.self),
                partNumber: try row.decode(column: "part_number", as: String.self),
                partName: try row.decode(column: "name", as: String.self),
                warehouseId: try row.decode(column: "warehouse_id", as: Int.self),
                warehouseCode: try row.decode(column: "code", as: String.self),
                quantity: Quantity.units(-(try row.decode(column: "on_hand_delta", as: Int.self))),
                serial: try row.decode(column: "serial", as: String?.self),
                unitPriceMinor: try row.decode(column: "last_price", as: Int?.self),
                at: try row.decode(column: "at", as: Date.self), actor: try row.decode(column: "actor", as: String.self)
            )
        }
        guard let row = try await db.raw("SELECT * FROM depot_repairs WHERE case_id = \(bind: caseId)").first() else {
            return DepotRepairView(labourMinutes: 0, version: 0, parts: parts)
        }
        return DepotRepairView(
            diagnosis: try row.decode(column: "diagnosis", as: String?.self),
            actions: try row.decode(column: "actions", as: String?.self),
            tests: try row.decode(column: "tests", as: String?.self),
            labourMinutes: try row.decode(column: "labour_minutes", as: Int.self),
            technician: try row.decode(column: "technician", as: String?.self),
            updatedBy: try row.decode(column: "updated_by", as: String?.self),
            updatedAt: try row.decode(column: "updated_at", as: Date?.self),
            version: try row.decode(column: "version", as: Int.self), parts: parts)
    }

    /// The repair order of a case the scope sees.
    public func repair(_ id: Int) async throws -> DepotRepairView {
        _ = try await get(id)
        return try await Self.repair(of: id, on: store.sql)
    }

    /// Locks a case for a depot step and checks it is in repair.
    static func lockInRepair(_ id: Int, within scope: Scope, on db: any SQLDatabase) async throws -> ReturnCaseView {
        if db.dialect.name != "sqlite" {
            try await db.raw("SELECT id FROM return_cases WHERE id = \(bind: id) FOR UPDATE").run()
        }
        guard let view = try await load(id, within: scope, on: db) else {
            throw RecordNotFound(entity: "returnCase", id: id)
        }
        guard view.status == .inRepair else {
            throw ReturnStepNotAllowed(id: id, status: view.status, event: .finishRepair, allowed: view.allowedEvents)
        }
        return view
    }

    /// Writes the repair order while the unit is in repair; the change is in the audit trail.
    public func writeRepair(_ id: Int, _ input: DepotRepairInput, by actor: Actor) async throws -> DepotRepairView {
        var v = Validator()
        for (field, value) in [("diagnosis", input.diagnosis), ("actions", input.actions), ("tests", input.tests)] {
            v.text(field, value, max: Limits.longText)
        }
        v.text("technician", input.technician, max: Limits.shortText)
        v.range("labourMinutes", input.labourMinutes, 0...(60 * 24 * 30))
        try v.finish()
        let scope = store.scope
        let now = store.now
        try await store.write { db in
            _ = try await Self.lockInRepair(id, within: scope, on: db)
            let before = try await Self.repair(of: id, on: db)
            if let expected = input.expectedVersion, expected != before.version {
                throw StaleVersion(entity: "depotRepair", id: id, expected: expected, current: before.version)
            }
            let values: [(String, any SQLExpression)] = [
                ("diagnosis", SQLBind(input.diagnosis?.trimmed.nilIfEmpty)),
                ("actions", SQLBind(input.actions?.trimmed.nilIfEmpty)),
                ("tests", SQLBind(input.tests?.trimmed.nilIfEmpty)), ("labour_minutes", SQLBind(input.labourMinutes)),
                ("technician", SQLBind(input.technician?.trimmed.nilIfEmpty)), ("updated_by", SQLBind(actor.name)),
                ("version", SQLBind(before.version + 1)), ("updated_at", SQLBind(now)),
            ]
            if before.version == 0 {
                try await db.insert(into: "depot_repairs").columns(["case_id", "created_at"] + values.map(\.0))
                    .values([SQLBind(id), SQLBind(now)] + values.map(\.1)).run()
            } else {
                var update = db.update("depot_repairs")
                for (column, value) in values { update = update.set(SQLIdentifier(column), to: value) }
                try await update.where("case_id", .equal, id).run()
            }
            let after = try await Self.repair(of: id, on: db)
            try await AuditLog.append(
                on: db, entity: "returnCase", id: id, action: .update, actor: actor, at: now, before: before,
                after: after)
        }
        return try await repair(id)
    }

    /// the depot takes parts for the repair from one of its own warehouses; the consumption is in the stock
    /// ledger, naming the case, in the same transaction; a shortage refuses it whole.
    public func useParts(_ id: Int, _ input: DepotPartInput, by actor: Actor) async throws -> DepotRepairView {
        let scope = store.scope
        let now = store.now
        let today = CalendarDate(now, in: store.timeZone)
        try await store.write { db in
            let view = try await Self.lockInRepair(id, within: scope, on: db)
            let part = try await Stock.part(input.partId, field: "partId", on: db)
            var v = Validator()
            let q = StockQuantities.check("quantity", input.quantity, part.unit, into: &v)
            let serials = input.serials ?? []
            Serials.check("serials", serials, quantity: q, tracked: part.serialTracked, into: &v)
            let warehouse = try await Records<WarehouseRecord>.load(input.warehouseId, within: .everything, on: db)
            if warehouse == nil || warehouse?.archivedAt != nil {
                v.add("warehouseId", .notFound)
            } else if warehouse?.orgUnitId != view.depotUnitId || warehouse?.kind.issuable != true {
                v.add("warehouseId", .invalidFormat(expected: "a warehouse of the depot \(view.depotUnitName)"))
            }
            try v.finish()
            try await Serials.move(
                serials, partId: part.id, from: input.warehouseId, status: .inStock, to: nil, .installed, at: now,
                on: db)
            let out = StockEntry(
                kind: .consumption, partId: part.id, warehouseId: input.warehouseId, delta: StockDelta(onHand: -q),
                reason: view.number, returnCaseId: id)
            let entries =
                serials.isEmpty
                ? try await StockLedger.firstExpiringFirst(out, today: today, includeExpired: false, on: db)
                : Stock.perSerial(out, serials)
            try await StockLedger.post(entries, by: actor, at: now, on: db)
            try await Self.appendEvent(
                id, event: "partsUsed", from: view.status, to: view.status,
                note: "\(part.partNumber) × \(Quantity.text(q))", by: actor, at: now, on: db)
        }
        return try await repair(id)
    }
}
