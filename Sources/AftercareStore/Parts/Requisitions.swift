import AftercareDomain
import Foundation
import SQLKit

/// `POST /requisitions`: parts an engineer asks for, from one warehouse, optionally for a visit.
public struct RequisitionInput: Codable, Sendable, Equatable {
    public struct Line: Codable, Sendable, Equatable {
        public var partId: Int
        public var quantity: Double

        public init(partId: Int, quantity: Double) {
            self.partId = partId
            self.quantity = quantity
        }
    }

    /// Whose van the parts go into; an engineer's own requisition leaves it out.
    public var engineerId: Int?
    public var warehouseId: Int
    public var visitId: Int?
    public var lines: [Line]
    public var note: String?

    public init(engineerId: Int? = nil, warehouseId: Int, visitId: Int? = nil, lines: [Line], note: String? = nil) {
        self.engineerId = engineerId
        self.warehouseId = warehouseId
        self.visitId = visitId
        self.lines = lines
        self.note = note
    }
}

/// `POST /requisitions/{id}/events`: one step. What a step needs beyond its name depends on the step.
public struct RequisitionEventInput: Codable, Sendable, Equatable {
    public var event: RequisitionEventKind
    public var reason: String?
    /// consume, returnUnused, returnFaulty, writeOff: which part and how much.
    public var partId: Int?
    public var quantity: Double?
    /// issue: the serials per part; consume: the new part's serial; returnUnused / writeOff: the serials moved.
    public var serials: [String]?
    public var issueSerials: [String: [String]]?
    /// consume: the serial of the faulty part taken out; returnFaulty: the faulty serials handed in.
    public var faultySerial: String?
    /// consume: the visit the part was fitted on (default: the requisition's).
    public var visitId: Int?

    public init(
        event: RequisitionEventKind, reason: String? = nil, partId: Int? = nil, quantity: Double? = nil,
        serials: [String]? = nil, issueSerials: [String: [String]]? = nil, faultySerial: String? = nil,
        visitId: Int? = nil
    ) {
        self.event = event
        self.reason = reason
        self.partId = partId
        self.quantity = quantity
        self.serials = serials
        self.issueSerials = issueSerials
        self.faultySerial = faultySerial
        self.visitId = visitId
    }
}

public struct RequisitionLineView: Codable, Sendable, Equatable {
    public var id: Int
    public var partId: Int
    public var partNumber: String
    public var partName: String
    public var unit: UnitOfMeasure
    public var quantity: Double
    public var issued: Double
    public var consumed: Double
    public var returned: Double
    public var writtenOff: Double
    public var outstanding: Double
    public var serials: [String]
    public var unitPrice: Int?
}

public struct RequisitionTimelineEntry: Codable, Sendable, Equatable {
    public var id: Int
    public var at: Date
    public var actor: String
    public var event: RequisitionEventKind
    public var from: RequisitionStatus
    public var to: RequisitionStatus
    public var reason: String?
    public var detail: String?
}

public struct RequisitionView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var number: String
    public var orgUnitId: Int
    public var engineerId: Int
    public var engineerName: String
    public var warehouseId: Int
    public var warehouseCode: String
    public var visitId: Int?
    public var requestNumber: String?
    public var status: RequisitionStatus
    public var allowedEvents: [RequisitionEventKind]
    /// In minor units, at the parts' latest prices.
    public var value: Int
    /// R-7.4: who must approve it: `warehouseKeeper` or `serviceManager`.
    public var approverRole: Role
    public var requestedBy: String
    public var note: String?
    public var lines: [RequisitionLineView]
    public var timeline: [RequisitionTimelineEntry]
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date
}

public struct RequisitionFilter: Sendable, Equatable {
    public var statuses: [RequisitionStatus] = []
    public var engineerId: Int?
    public var warehouseId: Int?
    public var visitId: Int?

    public init(
        statuses: [RequisitionStatus] = [], engineerId: Int? = nil, warehouseId: Int? = nil, visitId: Int? = nil
    ) {
        self.statuses = statuses
        self.engineerId = engineerId
        self.warehouseId = warehouseId
        self.visitId = visitId
    }
}

/// The caller's roles do not allow approving this requisition (R-7.4 rules).
public struct ApprovalNotAllowed: Error, Equatable, Sendable {
    public var needed: Role
    public var value: Int
}

/// A requisition cannot close while parts are still with the engineer.
public struct RequisitionNotSettled: Error, Equatable, Sendable {
    public var outstanding: [String]
    public var message: String { "still with the engineer: \(outstanding.joined(separator: ", "))" }
}

/// R-7.4: requisitions (配件领用单): requested, approved (stock reserved), issued into the van, consumed on visits,
/// unused parts returned, faulty parts handed in, the rest written off, closed. Every step is on the requisition's
/// timeline and in the audit trail, with its ledger entries, in one transaction.
public struct Requisitions: Sendable {
    public let store: Store

    public init(_ store: Store) {
        self.store = store
    }

    static let columns = """
        r.*, u.display_name AS engineer_name, w.code AS warehouse_code, sr.number AS request_number
        """
    static let from = """
        FROM requisitions r JOIN engineers e ON e.id = r.engineer_id JOIN users u ON u.id = e.user_id \
        JOIN warehouses w ON w.id = r.warehouse_id LEFT JOIN visits v ON v.id = r.visit_id \
        LEFT JOIN service_requests sr ON sr.id = v.request_id
        """

    static func view(_ row: any SQLRow, lines: [RequisitionLineView], timeline: [RequisitionTimelineEntry]) throws
        -> RequisitionView
    {
        let status = try row.decodeStored("status", as: RequisitionStatus.self)
        return RequisitionView(
            id: try row.decode(column: "id", as: Int.self), number: try row.decode(column: "number", as: String.self),
            orgUnitId: try row.decode(column: "org_unit_id", as: Int.self),
            engineerId: try row.decode(column: "engineer_id", as: Int.self),
            engineerName: try row.decode(column: "engineer_name", as: String.self),
            warehouseId: try row.decode(column: "warehouse_id", as: Int.self),
            warehouseCode: try row.decode(column: "warehouse_code", as: String.self),
            visitId: try row.decode(column: "visit_id", as: Int?.self),
            requestNumber: try row.decode(column: "request_number", as: String?.self), status: status,
            allowedEvents: RequisitionLifecycle.allowed(in: status),
            value: try row.decode(column: "value", as: Int.self),
            approverRole: try row.decodeStored("approver_role", as: Role.self),
            requestedBy: try row.decode(column: "requested_by", as: String.self),
            note: try row.decode(column: "note", as: String?.self), lines: lines, timeline: timeline,
            version: try row.decode(column: "version", as: Int.self),
            createdAt: try row.decode(column: "created_at", as: Date.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }

    static func lines(of ids: [Int], on db: any SQLDatabase) async throws -> [Int: [RequisitionLineView]] {
        guard !ids.isEmpty else { return [:] }
        var byRequisition: [Int: [RequisitionLineView]] = [:]
        for row in try await db.raw(
            """
            SELECT l.*, p.part_number, p.name, p.unit, p.last_price FROM requisition_lines l \
            JOIN parts p ON p.id = l.part_id WHERE l.requisition_id IN (\(SQLList(ids.map { SQLBind($0) }))) ORDER BY l.id
            """
        ).all() {
            let account = RequisitionLineAccount(
                requested: try row.decode(column: "quantity", as: Int.self),
                issued: try row.decode(column: "issued", as: Int.self),
                consumed: try row.decode(column: "consumed", as: Int.self),
                returned: try row.decode(column: "returned", as: Int.self),
                writtenOff: try row.decode(column: "written_off", as: Int.self))
            let line = RequisitionLineView(
                id: try row.decode(column: "id", as: Int.self), partId: try row.decode(column: "part_id", as: Int.self),
                partNumber: try row.decode(column: "part_number", as: String.self),
                partName: try row.decode(column: "name", as: String.self),
                unit: try row.decodeStored("unit", as: UnitOfMeasure.self),
                quantity: Quantity.units(account.requested), issued: Quantity.units(account.issued),
                consumed: Quantity.units(account.consumed), returned: Quantity.units(account.returned),
                writtenOff: Quantity.units(account.writtenOff), outstanding: Quantity.units(account.outstanding),
                serials: try JSONText.decode([String].self, from: try row.decode(column: "serials", as: String.self)),
                unitPrice: try row.decode(column: "last_price", as: Int?.self))
            byRequisition[try row.decode(column: "requisition_id", as: Int.self), default: []].append(line)
        }
        return byRequisition
    }

    static func timeline(_ id: Int, on db: any SQLDatabase) async throws -> [RequisitionTimelineEntry] {
        try await db.raw("SELECT * FROM requisition_events WHERE requisition_id = \(bind: id) ORDER BY id").all().map {
            RequisitionTimelineEntry(
                id: try $0.decode(column: "id", as: Int.self), at: try $0.decode(column: "at", as: Date.self),
                actor: try $0.decode(column: "actor", as: String.self),
                event: try $0.decodeStored("event", as: RequisitionEventKind.self),
                from: try $0.decodeStored("from_status", as: RequisitionStatus.self),
                to: try $0.decodeStored("to_status", as: RequisitionStatus.self),
                reason: try $0.decode(column: "reason", as: String?.self),
                detail: try $0.decode(column: "data", as: String?.self))
        }
    }

    static func load(_ id: Int, within scope: Scope, forUpdate: Bool = false, on db: any SQLDatabase) async throws
        -> RequisitionView?
    {
        var sql: SQLQueryString = "SELECT \(unsafeRaw: columns) \(unsafeRaw: from) WHERE r.id = \(bind: id)"
        if let condition = ScopeSQL.orgUnitCondition("r.org_unit_id", scope) { sql = sql + " AND " + condition }
        if forUpdate && db.dialect.name != "sqlite" { sql = sql + " FOR UPDATE OF r" }
        guard let row = try await db.raw(sql).first() else { return nil }
        return try view(
            row, lines: try await lines(of: [id], on: db)[id] ?? [], timeline: try await timeline(id, on: db))
    }

    /// A requisition as `principal` may see it: someone who works only their own requisitions gets a 404 for
    /// another engineer's, as for a missing id.
    public func get(_ id: Int, for principal: Principal) async throws -> RequisitionView {
        let view = try await get(id)
        if principal.ownRequisitionsOnly, try await Engineers(store).of(userId: principal.userId)?.id != view.engineerId
        {
            throw RecordNotFound(entity: "requisition", id: id)
        }
        return view
    }

    public func get(_ id: Int) async throws -> RequisitionView {
        guard let view = try await Self.load(id, within: store.scope, on: store.sql) else {
            throw RecordNotFound(entity: "requisition", id: id)
        }
        return view
    }

    /// The worklist: newest first, keyset-paged; lines included, timelines not.
    public func list(_ filter: RequisitionFilter, page: PageRequest) async throws -> Page<RequisitionView> {
        var sql: SQLQueryString = "SELECT \(unsafeRaw: Self.columns) \(unsafeRaw: Self.from) WHERE 1 = 1"
        if let condition = ScopeSQL.orgUnitCondition("r.org_unit_id", store.scope) { sql = sql + " AND " + condition }
        if !filter.statuses.isEmpty {
            sql = sql + " AND r.status IN (\(SQLList(filter.statuses.map { SQLBind($0.rawValue) })))"
        }
        if let engineer = filter.engineerId { sql = sql + " AND r.engineer_id = \(bind: engineer)" }
        if let warehouse = filter.warehouseId { sql = sql + " AND r.warehouse_id = \(bind: warehouse)" }
        if let visit = filter.visitId { sql = sql + " AND r.visit_id = \(bind: visit)" }
        if let after = page.afterId { sql = sql + " AND r.id < \(bind: after)" }
        sql = sql + " ORDER BY r.id DESC LIMIT \(unsafeRaw: String(page.limit + 1))"
        let rows = Array(try await store.sql.raw(sql).all().prefix(page.limit + 1))
        return try await Page(rows: rows, limit: page.limit) { rows in
            let ids = try rows.map { try $0.decode(column: "id", as: Int.self) }
            let lines = try await Self.lines(of: ids, on: store.sql)
            return try rows.map { row in
                try Self.view(row, lines: lines[try row.decode(column: "id", as: Int.self)] ?? [], timeline: [])
            }
        }
    }

    /// R-7.4: a new requisition, priced at the parts' latest prices, with the approver its value and classes need.
    /// Parts from the emergency reserve are only for emergency visits (R-2.8).
    public func create(_ input: RequisitionInput, by actor: Actor) async throws -> RequisitionView {
        let now = store.now
        let scope = store.scope
        return try await store.write { db in
            var v = Validator()
            v.text("note", input.note, max: Limits.note)
            let warehouse = try await Stock.warehouse(input.warehouseId, field: "warehouseId", scope, on: db, into: &v)
            if let warehouse, !warehouse.kind.issuable {
                v.add("warehouseId", .invalidFormat(expected: "a warehouse parts are issued from"))
            }
            guard let engineerId = input.engineerId else { throw ValidationError(["engineerId": .required]) }
            guard let engineer = try await Records<EngineerRecord>.load(engineerId, within: scope, on: db),
                engineer.archivedAt == nil
            else { throw ValidationError(["engineerId": .notFound]) }
            var visitEmergency = false
            if let visitId = input.visitId {
                if let visit = try await Visits.load(visitId, within: scope, on: db) {
                    visitEmergency = visit.emergency
                } else {
                    v.add("visitId", .notFound)
                }
            }
            if warehouse?.kind == .emergencyReserve && !visitEmergency {
                v.add(
                    "warehouseId", .invalidFormat(expected: "not the emergency reserve unless for an emergency visit"))
            }
            if input.lines.isEmpty { v.add("lines", .required) }
            if input.lines.count > 100 { v.add("lines", .outOfRange(min: 1, max: 100)) }
            var parts: [(PartRecord.View, Int)] = []
            var seen = Set<Int>()
            for (index, line) in input.lines.prefix(100).enumerated() {
                guard let part = try await Records<PartRecord>.load(line.partId, within: .everything, on: db),
                    part.archivedAt == nil
                else {
                    v.add("lines.\(index).partId", .notFound)
                    continue
                }
                if !seen.insert(part.id).inserted { v.add("lines.\(index).partId", .duplicate) }
                let q = StockQuantities.check("lines.\(index).quantity", line.quantity, part.unit, into: &v)
                parts.append((part, q))
            }
            try v.finish()
            let value = parts.reduce(0) { sum, item in sum + (item.0.lastPrice ?? 0) * item.1 / Quantity.scale }
            let approver = RequisitionApproval.approver(
                value: value, classes: Set(parts.map(\.0.partClass)), keeperLimit: warehouse!.approvalLimit)
            let id = try await db.insert(into: "requisitions")
                .columns(
                    "number", "org_unit_id", "engineer_id", "warehouse_id", "visit_id", "status", "value",
                    "approver_role", "requested_by", "note", "version", "created_at", "updated_at"
                )
                .values(
                    SQLBind("RQ-pending-\(UUID().uuidString)"), SQLBind(warehouse!.orgUnitId), SQLBind(engineerId),
                    SQLBind(warehouse!.id), SQLBind(input.visitId), SQLBind(RequisitionStatus.requested.rawValue),
                    SQLBind(value), SQLBind(approver.rawValue), SQLBind(actor.name), SQLBind(input.note), SQLBind(1),
                    SQLBind(now), SQLBind(now)
                )
                .returning("id").first(decodingColumn: "id", as: Int.self)!
            try await db.raw(
                "UPDATE requisitions SET number = \(bind: Self.number(id)) WHERE id = \(bind: id)"
            ).run()
            for (part, q) in parts {
                try await db.raw(
                    """
                    INSERT INTO requisition_lines (requisition_id, part_id, quantity, issued, consumed, returned, \
                    written_off, serials) VALUES (\(bind: id), \(bind: part.id), \(bind: q), 0, 0, 0, 0, '[]')
                    """
                ).run()
            }
            try await Self.appendEvent(
                id, .request, from: .requested, to: .requested, reason: nil, detail: nil, by: actor, at: now, on: db)
            let view = try await Self.load(id, within: .everything, on: db)!
            try await AuditLog.append(
                on: db, entity: "requisition", id: id, action: .create, actor: actor, at: now,
                before: RequisitionView?.none, after: view)
            return view
        }
    }

    /// R-4.5: a requisition for a visit's likely parts (those on its preparation list with a known part number).
    public func fromVisit(_ visitId: Int, warehouseId: Int, by actor: Actor) async throws -> RequisitionView {
        guard let visit = try await Visits.load(visitId, within: store.scope, on: store.sql) else {
            throw RecordNotFound(entity: "visit", id: visitId)
        }
        guard let engineerId = visit.engineerId else {
            throw ValidationError(["visitId": .invalidFormat(expected: "a visit with an engineer")])
        }
        var lines: [RequisitionInput.Line] = []
        var unknown: [String] = []
        for part in visit.preparation.parts {
            guard let number = part.partNumber,
                let id = try await store.sql.raw("SELECT id FROM parts WHERE part_number = \(bind: number)").first(
                    decodingColumn: "id", as: Int.self)
            else {
                unknown.append(part.partNumber ?? part.name)
                continue
            }
            lines.append(.init(partId: id, quantity: Double(part.quantity)))
        }
        guard !lines.isEmpty else {
            throw ValidationError([
                "visitId": .invalidFormat(expected: "a visit whose likely parts name catalogue parts")
            ])
        }
        return try await create(
            RequisitionInput(
                engineerId: engineerId, warehouseId: warehouseId, visitId: visitId, lines: lines,
                note: unknown.isEmpty ? nil : "not in the catalogue: " + unknown.joined(separator: ", ")),
            by: actor)
    }

    /// `RQ000042`.
    static func number(_ id: Int) -> String { String(format: "RQ%06d", id) }

    static func appendEvent(
        _ id: Int, _ event: RequisitionEventKind, from: RequisitionStatus, to: RequisitionStatus, reason: String?,
        detail: String?, by actor: Actor, at now: Date, on db: any SQLDatabase
    ) async throws {
        try await db.raw(
            """
            INSERT INTO requisition_events (requisition_id, at, actor, event, from_status, to_status, reason, data) \
            VALUES (\(bind: id), \(bind: now), \(bind: actor.name), \(bind: event.rawValue), \(bind: from.rawValue), \
            \(bind: to.rawValue), \(bind: reason), \(bind: detail))
            """
        ).run()
    }

    /// R-7.4: one step. `roles` are the caller's (approval rules); an engineer acts only on their own requisitions,
    /// which the caller checks before.
    public func post(_ input: RequisitionEventInput, to id: Int, roles: Set<Role>, by actor: Actor) async throws
        -> RequisitionView
    {
        let now = store.now
        let scope = store.scope
        let today = CalendarDate(now, in: store.timeZone)
        do {
            return try await store.write { db in
                guard let before = try await Self.load(id, within: scope, forUpdate: true, on: db) else {
                    throw RecordNotFound(entity: "requisition", id: id)
                }
                var lifecycle = RequisitionLifecycle(status: before.status)
                let effects = try lifecycle.apply(RequisitionEvent(input.event, reason: input.reason), at: now)
                let to = lifecycle.status
                var v = Validator()
                v.text("reason", input.reason, max: Limits.note)
                try v.finish()
                var detail: String?
                for effect in effects {
                    detail = try await self.perform(
                        effect, input, to: before, roles: roles, today: today, by: actor, at: now, on: db)
                }
                try await db.raw(
                    """
                    UPDATE requisitions SET status = \(bind: to.rawValue), version = version + 1, \
                    updated_at = \(bind: now) WHERE id = \(bind: id)
                    """
                ).run()
                try await Self.appendEvent(
                    id, input.event, from: before.status, to: to, reason: input.reason, detail: detail, by: actor,
                    at: now, on: db)
                let after = try await Self.load(id, within: .everything, on: db)!
                try await AuditLog.append(
                    on: db, entity: "requisition", id: id, action: .update, actor: actor, at: now, before: before,
                    after: after)
                return after
            }
        } catch let shortage as StockShortage {
            if input.event == .approve || input.event == .issue {
                let visit = try? await Self.load(id, within: scope, on: store.sql)?.visitId
                await StockLedger.recordStockOut(
                    shortage, visitId: visit ?? nil, requisitionId: id, by: actor, store: store)
            }
            throw shortage
        }
    }

    /// The ledger side of a step; returns a short description for the timeline.
    private func perform(
        _ effect: RequisitionEffect, _ input: RequisitionEventInput, to r: RequisitionView, roles: Set<Role>,
        today: CalendarDate, by actor: Actor, at now: Date, on db: any SQLDatabase
    ) async throws -> String? {
        switch effect {
        case .requireSettled:
            let open = r.lines.filter { $0.outstanding != 0 }.map {
                "\($0.partNumber) × \(Quantity.text(Quantity.milli(units: $0.outstanding)))"
            }
            if !open.isEmpty { throw RequisitionNotSettled(outstanding: open) }
            return nil
        case .reserve:
            let classes = try await Self.classes(of: r, on: db)
            let limit = try await Self.limit(r.warehouseId, on: db)
            guard RequisitionApproval.mayApprove(roles, value: r.value, classes: classes, keeperLimit: limit) else {
                throw ApprovalNotAllowed(
                    needed: RequisitionApproval.approver(value: r.value, classes: classes, keeperLimit: limit),
                    value: r.value)
            }
            try await StockLedger.post(
                r.lines.map {
                    StockEntry(
                        kind: .reserve, partId: $0.partId, warehouseId: r.warehouseId,
                        delta: StockDelta(reserved: Quantity.milli(units: $0.quantity)), requisitionId: r.id)
                }, by: actor, at: now, on: db)
            return nil
        case .releaseReservation:
            try await StockLedger.post(
                r.lines.map {
                    StockEntry(
                        kind: .release, partId: $0.partId, warehouseId: r.warehouseId,
                        delta: StockDelta(reserved: -Quantity.milli(units: $0.quantity)), requisitionId: r.id)
                }, by: actor, at: now, on: db)
            return nil
        case .issueToVan:
            let van = try await Stock.van(of: r.engineerId, scope: .everything, at: now, on: db)
            var entries: [StockEntry] = []
            var v = Validator()
            for line in r.lines {
                let part = try await Stock.part(line.partId, field: "partId", on: db)
                let q = Quantity.milli(units: line.quantity)
                let serials = input.issueSerials?[part.partNumber] ?? []
                Serials.check(
                    "issueSerials.\(part.partNumber)", serials, quantity: q, tracked: part.serialTracked, into: &v)
                try v.finish()
                entries += try await Stock.issueEntries(
                    part: part, from: r.warehouseId, to: van, quantity: q, reserved: true, serials: serials,
                    requisitionId: r.id, today: today, at: now, on: db)
                try await db.raw(
                    """
                    UPDATE requisition_lines SET issued = \(bind: q), serials = \(bind: try JSONText.encode(serials)) \
                    WHERE id = \(bind: line.id)
                    """
                ).run()
            }
            try await StockLedger.post(entries, by: actor, at: now, on: db)
            return nil
        case .account:
            return try await account(input, r, today: today, by: actor, at: now, on: db)
        }
    }

    /// Consumption, return, faulty hand-in and write-off of one part of an issued requisition.
    private func account(
        _ input: RequisitionEventInput, _ r: RequisitionView, today: CalendarDate, by actor: Actor, at now: Date,
        on db: any SQLDatabase
    ) async throws -> String {
        guard let partId = input.partId else { throw ValidationError(["partId": .required]) }
        guard let line = r.lines.first(where: { $0.partId == partId }) else {
            throw ValidationError(["partId": .invalidFormat(expected: "a part of this requisition")])
        }
        let part = try await Stock.part(partId, field: "partId", on: db)
        var v = Validator()
        let q = StockQuantities.check("quantity", input.quantity ?? 0, part.unit, into: &v)
        let van = try await Stock.van(of: r.engineerId, scope: .everything, at: now, on: db)
        let serials = input.serials ?? []
        if input.event != .returnFaulty {
            if q > Quantity.milli(units: line.outstanding) {
                v.add("quantity", .outOfRange(min: 0, max: Int(line.outstanding)))
            }
            Serials.check("serials", serials, quantity: q, tracked: part.serialTracked, into: &v)
        }
        v.text("faultySerial", input.faultySerial, max: Limits.code)
        try v.finish()
        var entries: [StockEntry]
        let column: String
        switch input.event {
        case .consume:
            let visitId = input.visitId ?? r.visitId
            guard let visitId, try await Visits.load(visitId, within: store.scope, on: db) != nil else {
                throw ValidationError(["visitId": visitId == nil ? .required : .notFound])
            }
            try await Serials.move(
                serials, partId: partId, from: van, status: .inStock, to: nil, .installed, visitId: visitId, at: now,
                on: db)
            if let faulty = input.faultySerial {
                try await Serials.removeFaulty(faulty, partId: partId, into: van, at: now, on: db)
            }
            let out = StockEntry(
                kind: .consumption, partId: partId, warehouseId: van, delta: StockDelta(onHand: -q),
                faultySerial: input.faultySerial, requisitionId: r.id, visitId: visitId)
            entries =
                serials.isEmpty
                ? try await StockLedger.firstExpiringFirst(out, today: today, includeExpired: true, on: db)
                : Stock.perSerial(out, serials)
            if let faulty = input.faultySerial, entries.count > 1 {
                for index in entries.indices.dropFirst() { entries[index].faultySerial = nil }
                entries[0].faultySerial = faulty
            }
            column = "consumed"
        case .returnUnused:
            entries = try await Stock.returnEntries(
                part: part, van: van, to: r.warehouseId, quantity: q, serials: serials, requisitionId: r.id,
                today: today, at: now, on: db)
            column = "returned"
        case .writeOff:
            let reason = input.reason ?? ""
            entries = try await Stock.writeOffEntries(
                part: part, warehouse: van, quantity: q, serials: serials, expiresOn: nil, reason: reason,
                requisitionId: r.id, today: today, at: now, on: db)
            column = "written_off"
        default:
            // The faulty part taken out of the customer's unit goes into quarantine: at most one for each part
            // fitted on this requisition.
            let handedIn =
                try await db.raw(
                    """
                    SELECT COALESCE(CAST(SUM(on_hand_delta) AS BIGINT), 0) AS n FROM stock_ledger \
                    WHERE requisition_id = \(bind: r.id) AND part_id = \(bind: partId) AND kind = 'faultyReturn'
                    """
                ).first(decodingColumn: "n", as: Int.self) ?? 0
            let fitted = Quantity.milli(units: line.consumed)
            if q + handedIn > fitted {
                let left = Quantity.text(max(0, fitted - handedIn))
                throw ValidationError([
                    "quantity": .invalidFormat(
                        expected: "at most the \(left) fitted on this requisition and not handed in")
                ])
            }
            let quarantine = try await Stock.quarantine(for: r.orgUnitId, on: db)
            var faulty = serials
            if let one = input.faultySerial { faulty.append(one) }
            if part.serialTracked {
                var w = Validator()
                Serials.check("serials", faulty, quantity: q, tracked: true, into: &w)
                try w.finish()
            }
            for serial in faulty {
                try await Serials.move(
                    [serial], partId: partId, from: van, status: .faulty, to: quarantine, .faulty, at: now, on: db)
            }
            entries = Stock.perSerial(
                StockEntry(
                    kind: .faultyReturn, partId: partId, warehouseId: quarantine, delta: StockDelta(onHand: q),
                    counterpartWarehouseId: van, requisitionId: r.id, reason: input.reason),
                part.serialTracked ? faulty : [])
            let ids = try await StockLedger.post(entries, by: actor, at: now, on: db)
            // R-8.4: every faulty part handed in from the field is a nonconforming product of the requisition's unit.
            let currency = try await ReturnCases.currency(ofUnit: r.orgUnitId, on: db)
            for (entry, id) in zip(entries, ids) {
                try await Nonconformities.insert(
                    orgUnitId: r.orgUnitId, source: .fieldPart, caseId: nil, unitId: nil, ledgerEntryId: id,
                    modelId: nil, partId: partId, serial: entry.serial ?? input.faultySerial, responsibility: nil,
                    disposition: nil,
                    costMinor: Int((Double(part.lastPrice ?? 0) * Quantity.units(entry.delta.onHand)).rounded()),
                    currency: currency, foundOn: today, by: actor, at: now, on: db)
            }
            return "\(part.partNumber) × \(Quantity.text(q)) faulty"
        }
        try await StockLedger.post(entries, by: actor, at: now, on: db)
        try await db.raw(
            "UPDATE requisition_lines SET \(unsafeRaw: column) = \(unsafeRaw: column) + \(bind: q) WHERE id = \(bind: line.id)"
        ).run()
        return "\(part.partNumber) × \(Quantity.text(q))"
            + (serials.isEmpty ? "" : " [\(serials.joined(separator: ", "))]")
            + (input.faultySerial.map { " faulty \($0)" } ?? "")
    }

    static func classes(of r: RequisitionView, on db: any SQLDatabase) async throws -> Set<PartClass> {
        let ids = r.lines.map(\.partId)
        guard !ids.isEmpty else { return [] }
        return Set(
            try await db.raw("SELECT part_class FROM parts WHERE id IN (\(SQLList(ids.map { SQLBind($0) })))").all()
                .compactMap {
                    PartClass(rawValue: try $0.decode(column: "part_class", as: String.self))
                })
    }

    static func limit(_ warehouseId: Int, on db: any SQLDatabase) async throws -> Int {
        try await db.raw("SELECT approval_limit FROM warehouses WHERE id = \(bind: warehouseId)").first(
            decodingColumn: "approval_limit", as: Int.self) ?? 0
    }
}
