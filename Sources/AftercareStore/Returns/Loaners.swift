import AftercareDomain
import Foundation
import SQLKit

/// R-4.5: a loaner unit (周转机) of an organisation unit's pool, with its loan when it is out.
public struct LoanerView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var orgUnitId: Int
    public var orgUnitName: String
    public var modelId: Int
    public var modelCode: String
    public var modelName: String
    public var serialNumber: String
    public var status: LoanerStatus
    public var note: String?
    /// The loan while it is out.
    public var loan: LoanView?
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date
}

/// R-4.5: one loan of a loaner unit.
public struct LoanView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var loanerId: Int
    public var serialNumber: String
    public var modelCode: String
    public var customerId: Int
    public var customerName: String
    public var caseId: Int?
    public var caseNumber: String?
    public var visitId: Int?
    public var dueOn: CalendarDate
    /// Days past the due day on the store's today (0: not overdue, or back).
    public var daysOverdue: Int
    public var lentBy: String
    public var lentAt: Date
    public var note: String?
    public var returnedBy: String?
    public var returnedAt: Date?
    public var returnNote: String?
}

/// A new loaner of the pool.
public struct LoanerInput: Codable, Sendable, Equatable {
    public var orgUnitId: Int
    public var modelId: Int
    public var serialNumber: String
    public var note: String?

    public init(orgUnitId: Int, modelId: Int, serialNumber: String, note: String? = nil) {
        self.orgUnitId = orgUnitId
        self.modelId = modelId
        self.serialNumber = serialNumber
        self.note = note
    }
}

/// A loan: to a customer, with a return case or a visit, until a day.
public struct LoanInput: Codable, Sendable, Equatable {
    public var customerId: Int?
    public var caseId: Int?
    public var visitId: Int?
    public var dueOn: CalendarDate
    public var note: String?

    public init(
        customerId: Int? = nil, caseId: Int? = nil, visitId: Int? = nil, dueOn: CalendarDate, note: String? = nil
    ) {
        self.customerId = customerId
        self.caseId = caseId
        self.visitId = visitId
        self.dueOn = dueOn
        self.note = note
    }
}

/// A loaner that is not in the pool to lend (lent already, or retired).
public struct LoanerNotAvailable: Error, Equatable, Sendable {
    public var id: Int
    public var serialNumber: String
    public var status: LoanerStatus

    public init(id: Int, serialNumber: String, status: LoanerStatus) {
        self.id = id
        self.serialNumber = serialNumber
        self.status = status
    }
}

/// R-4.5: the loaner pools. A loaner is lent with a conditional update, so two dispatchers lending it at the same
/// moment cannot both succeed; loans past their day are listed, and escalated once by the sweep.
public struct Loaners: Sendable {
    public let store: Store

    public init(_ store: Store) {
        self.store = store
    }

    var today: CalendarDate { CalendarDate(store.now, in: store.timeZone) }

    static let loanColumns = """
        l.*, x.serial_number, m.code AS model_code, c.name AS customer_name, rc.number AS case_number
        """
    static let loanFrom = """
        FROM loans l JOIN loaners x ON x.id = l.loaner_id JOIN product_models m ON m.id = x.model_id \
        JOIN customers c ON c.id = l.customer_id LEFT JOIN return_cases rc ON rc.id = l.case_id
        """

    static func loan(_ row: any SQLRow, today: CalendarDate) throws -> LoanView {
        let due = try FeeScheduleRecord.day(try row.decode(column: "due_on", as: String.self), column: "due_on")
        let returnedAt = try row.decode(column: "returned_at", as: Date?.self)
        return LoanView(
            id: try row.decode(column: "id", as: Int.self), loanerId: try row.decode(column: "loaner_id", as: Int.self),
            serialNumber: try row.decode(column: "serial_number", as: String.self),
            modelCode: try row.decode(column: "model_code", as: String.self),
            customerId: try row.decode(column: "customer_id", as: Int.self),
            customerName: try row.decode(column: "customer_name", as: String.self),
            caseId: try row.decode(column: "case_id", as: Int?.self),
            caseNumber: try row.decode(column: "case_number", as: String?.self),
            visitId: try row.decode(column: "visit_id", as: Int?.self), dueOn: due,
            daysOverdue: returnedAt == nil ? LoanRule.daysOverdue(dueOn: due, today: today) : 0,
            lentBy: try row.decode(column: "lent_by", as: String.self),
            lentAt: try row.decode(column: "lent_at", as: Date.self),
            note: try row.decode(column: "note", as: String?.self),
            returnedBy: try row.decode(column: "returned_by", as: String?.self), returnedAt: returnedAt,
            returnNote: try row.decode(column: "return_note", as: String?.self))
    }

    static func loaners(_ rows: [any SQLRow], today: CalendarDate, on db: any SQLDatabase) async throws
        -> [LoanerView]
    {
        guard !rows.isEmpty else { return [] }
        let ids = try rows.map { try $0.decode(column: "id", as: Int.self) }
        var open: [Int: LoanView] = [:]
        for row in try await db.raw(
            """
            SELECT \(unsafeRaw: loanColumns) \(unsafeRaw: loanFrom) \
            WHERE l.loaner_id IN (\(SQLList(ids.map { SQLBind($0) }))) AND l.returned_at IS NULL
            """
        ).all() {
            let loan = try loan(row, today: today)
            open[loan.loanerId] = loan
        }
        return try rows.map { row in
            let id = try row.decode(column: "id", as: Int.self)
            return LoanerView(
                id: id, orgUnitId: try row.decode(column: "org_unit_id", as: Int.self),
                orgUnitName: try row.decode(column: "org_unit_name", as: String.self),
                modelId: try row.decode(column: "model_id", as: Int.self),
                modelCode: try row.decode(column: "model_code", as: String.self),
                modelName: try row.decode(column: "model_name", as: String.self),
                serialNumber: try row.decode(column: "serial_number", as: String.self),
                status: try row.decodeStored("status", as: LoanerStatus.self),
                note: try row.decode(column: "note", as: String?.self), loan: open[id],
                version: try row.decode(column: "version", as: Int.self),
                createdAt: try row.decode(column: "created_at", as: Date.self),
                updatedAt: try row.decode(column: "updated_at", as: Date.self))
        }
    }

    static let columns = "x.*, o.name AS org_unit_name, m.code AS model_code, m.name AS model_name"
    static let from = """
        FROM loaners x JOIN org_units o ON o.id = x.org_unit_id JOIN product_models m ON m.id = x.model_id
        """

    static func visible(_ scope: Scope) -> SQLQueryString {
        ScopeSQL.orgUnitCondition("x.org_unit_id", scope).map { " AND " + $0 } ?? ""
    }

    static func load(_ id: Int, within scope: Scope, today: CalendarDate, on db: any SQLDatabase) async throws
        -> LoanerView?
    {
        let sql: SQLQueryString =
            "SELECT \(unsafeRaw: columns) \(unsafeRaw: from) WHERE x.id = \(bind: id)" + visible(scope)
        guard let row = try await db.raw(sql).first() else { return nil }
        return try await loaners([row], today: today, on: db).first
    }

    public func get(_ id: Int) async throws -> LoanerView {
        guard let view = try await Self.load(id, within: store.scope, today: today, on: store.sql) else {
            throw RecordNotFound(entity: "loaner", id: id)
        }
        return view
    }

    /// The pool the scope sees: retired loaners left out unless asked for, by organisation unit and serial.
    public func pool(orgUnitId: Int? = nil, status: LoanerStatus? = nil, page: PageRequest) async throws
        -> Page<LoanerView>
    {
        var sql: SQLQueryString =
            "SELECT \(unsafeRaw: Self.columns) \(unsafeRaw: Self.from) WHERE 1 = 1"
            + Self.visible(store.scope)
        if let orgUnitId { sql = sql + " AND x.org_unit_id = \(bind: orgUnitId)" }
        if let status {
            sql = sql + " AND x.status = \(bind: status.rawValue)"
        } else {
            sql = sql + " AND x.status <> \(bind: LoanerStatus.retired.rawValue)"
        }
        if let afterId = page.afterId { sql = sql + " AND x.id > \(bind: afterId)" }
        sql = sql + " ORDER BY x.id LIMIT \(unsafeRaw: String(page.limit + 1))"
        let rows = try await store.sql.raw(sql).all()
        let today = today
        let db = store.sql
        return try await Page(rows: rows, limit: page.limit) { try await Self.loaners($0, today: today, on: db) }
    }

    /// R-4.5: loans still out past their day, the longest overdue first.
    public func overdue(limit: Int = 200) async throws -> [LoanView] {
        let today = today
        var sql: SQLQueryString =
            "SELECT \(unsafeRaw: Self.loanColumns) \(unsafeRaw: Self.loanFrom) WHERE l.returned_at IS NULL "
            + "AND l.due_on < \(bind: today.description)"
        if let condition = ScopeSQL.orgUnitCondition("l.org_unit_id", store.scope) { sql = sql + " AND " + condition }
        sql = sql + " ORDER BY l.due_on, l.id LIMIT \(unsafeRaw: String(limit))"
        return try await store.sql.raw(sql).all().map { try Self.loan($0, today: today) }
    }

    /// The loans of a return case.
    public func loans(ofCase caseId: Int) async throws -> [LoanView] {
        _ = try await ReturnCases(store).get(caseId)
        let today = today
        return try await store.sql.raw(
            "SELECT \(unsafeRaw: Self.loanColumns) \(unsafeRaw: Self.loanFrom) WHERE l.case_id = \(bind: caseId) ORDER BY l.id"
        ).all().map { try Self.loan($0, today: today) }
    }

    /// Adds a loaner to an organisation unit's pool.
    public func create(_ input: LoanerInput, by actor: Actor) async throws -> LoanerView {
        var v = Validator()
        Checks.code("serialNumber", input.serialNumber, into: &v)
        v.text("note", input.note, max: Limits.note)
        try v.finish()
        let scope = store.scope
        let now = store.now
        let today = today
        let id = try await store.write { db in
            var problems: [String: FieldProblem] = [:]
            if try await Records<OrgUnitRecord>.load(input.orgUnitId, within: scope, on: db) == nil {
                problems["orgUnitId"] = .notFound
            }
            if try await Records<ProductModelRecord>.load(input.modelId, within: .everything, on: db) == nil {
                problems["modelId"] = .notFound
            }
            if try await Checks.taken(
                "loaners", [("model_id", input.modelId), ("serial_number", input.serialNumber.trimmed)], except: nil,
                on: db)
            {
                problems["serialNumber"] = .duplicate
            }
            try ValidationError(problems).throwIfAny()
            let id = try await db.insert(into: "loaners")
                .columns(
                    "org_unit_id", "model_id", "serial_number", "status", "note", "version", "created_at",
                    "updated_at"
                )
                .values(
                    SQLBind(input.orgUnitId), SQLBind(input.modelId), SQLBind(input.serialNumber.trimmed),
                    SQLBind(LoanerStatus.available.rawValue), SQLBind(input.note?.trimmed.nilIfEmpty), SQLBind(1),
                    SQLBind(now), SQLBind(now)
                )
                .returning("id").first(decodingColumn: "id", as: Int.self)!
            let after = try await Self.load(id, within: .everything, today: today, on: db)
            try await AuditLog.append(
                on: db, entity: "loaner", id: id, action: .create, actor: actor, at: now, before: LoanerView?.none,
                after: after)
            return id
        }
        return try await get(id)
    }

    /// R-4.5: lends an available loaner to a customer (the case's or the visit's when one is named). Exactly one of
    /// two lendings at the same moment succeeds: the other finds it lent and is refused.
    public func lend(_ id: Int, _ input: LoanInput, by actor: Actor) async throws -> LoanerView {
        var v = Validator()
        v.text("note", input.note, max: Limits.note)
        let today = today
        let days = input.dueOn.dayNumber - today.dayNumber
        if !LoanRule.days.contains(days) {
            v.add("dueOn", .outOfRange(min: LoanRule.days.lowerBound, max: LoanRule.days.upperBound))
        }
        if input.customerId == nil, input.caseId == nil, input.visitId == nil { v.add("customerId", .required) }
        try v.finish()
        let scope = store.scope
        let now = store.now
        try await store.write { db in
            guard let before = try await Self.load(id, within: scope, today: today, on: db) else {
                throw RecordNotFound(entity: "loaner", id: id)
            }
            // Who gets it: the case's customer, the visit's request's, or the one named.
            var customerId = input.customerId
            var returnCase: ReturnCaseView?
            if let caseId = input.caseId {
                guard let found = try await ReturnCases.load(caseId, within: scope, on: db) else {
                    throw ValidationError(["caseId": .notFound])
                }
                guard found.status.isOpen else {
                    throw ValidationError(["caseId": .invalidFormat(expected: "an open return case")])
                }
                if let customerId, customerId != found.customerId {
                    throw ValidationError(["customerId": .invalidValue(allowed: ["\(found.customerId)"])])
                }
                customerId = found.customerId
                returnCase = found
            }
            if let visitId = input.visitId {
                guard let visit = try await Visits.load(visitId, within: scope, on: db),
                    let request = try await ServiceRequests.load(visit.requestId, within: .everything, on: db)
                else { throw ValidationError(["visitId": .notFound]) }
                if let customerId, customerId != request.customerId {
                    throw ValidationError(["customerId": .invalidValue(allowed: ["\(request.customerId)"])])
                }
                customerId = request.customerId
            }
            guard let customerId,
                try await Records<CustomerRecord>.load(customerId, within: scope, on: db) != nil
            else { throw ValidationError(["customerId": .notFound]) }
            let taken = try await db.raw(
                """
                UPDATE loaners SET status = \(bind: LoanerStatus.lent.rawValue), version = version + 1, \
                updated_at = \(bind: now) WHERE id = \(bind: id) AND status = \(bind: LoanerStatus.available.rawValue) \
                RETURNING id
                """
            ).all()
            guard !taken.isEmpty else {
                let status = try await db.raw("SELECT status FROM loaners WHERE id = \(bind: id)")
                    .first(decodingColumn: "status", as: String.self).flatMap(LoanerStatus.init(rawValue:))
                throw LoanerNotAvailable(id: id, serialNumber: before.serialNumber, status: status ?? before.status)
            }
            try await db.insert(into: "loans")
                .columns(
                    "loaner_id", "org_unit_id", "customer_id", "case_id", "visit_id", "due_on", "lent_by", "lent_at",
                    "note"
                )
                .values(
                    SQLBind(id), SQLBind(before.orgUnitId), SQLBind(customerId), SQLBind(input.caseId),
                    SQLBind(input.visitId), SQLBind(input.dueOn.description), SQLBind(actor.name), SQLBind(now),
                    SQLBind(input.note?.trimmed.nilIfEmpty)
                ).run()
            if let found = returnCase {
                try await ReturnCases.appendEvent(
                    found.id, event: "loanerLent", from: found.status, to: found.status,
                    note: "\(before.modelCode) \(before.serialNumber) → \(input.dueOn)", by: actor, at: now, on: db)
            }
            let after = try await Self.load(id, within: .everything, today: today, on: db)
            try await AuditLog.append(
                on: db, entity: "loaner", id: id, action: .event, actor: actor, at: now, before: before, after: after)
        }
        return try await get(id)
    }

    /// R-4.5: the loaner came back: the loan ends and the loaner is available again.
    public func giveBack(_ id: Int, note: String?, by actor: Actor) async throws -> LoanerView {
        var v = Validator()
        v.text("note", note, max: Limits.note)
        try v.finish()
        let scope = store.scope
        let now = store.now
        let today = today
        try await store.write { db in
            if db.dialect.name != "sqlite" {
                try await db.raw("SELECT id FROM loaners WHERE id = \(bind: id) FOR UPDATE").run()
            }
            guard let before = try await Self.load(id, within: scope, today: today, on: db) else {
                throw RecordNotFound(entity: "loaner", id: id)
            }
            guard let loan = before.loan, before.status == .lent else {
                throw LoanerNotAvailable(id: id, serialNumber: before.serialNumber, status: before.status)
            }
            try await db.update("loans").set("returned_at", to: now).set("returned_by", to: actor.name)
                .set("return_note", to: SQLBind(note?.trimmed.nilIfEmpty)).where("id", .equal, loan.id).run()
            try await db.update("loaners").set("status", to: LoanerStatus.available.rawValue)
                .set("version", to: before.version + 1).set("updated_at", to: now).where("id", .equal, id).run()
            if let caseId = loan.caseId, let found = try await ReturnCases.load(caseId, within: .everything, on: db) {
                try await ReturnCases.appendEvent(
                    caseId, event: "loanerReturned", from: found.status, to: found.status,
                    note: "\(before.modelCode) \(before.serialNumber)", by: actor, at: now, on: db)
            }
            let after = try await Self.load(id, within: .everything, today: today, on: db)
            try await AuditLog.append(
                on: db, entity: "loaner", id: id, action: .event, actor: actor, at: now, before: before, after: after)
        }
        return try await get(id)
    }

    /// Takes a loaner out of the pool for good (not while it is lent).
    public func retire(_ id: Int, by actor: Actor) async throws -> LoanerView {
        let scope = store.scope
        let now = store.now
        let today = today
        try await store.write { db in
            guard let before = try await Self.load(id, within: scope, today: today, on: db) else {
                throw RecordNotFound(entity: "loaner", id: id)
            }
            let updated = try await db.raw(
                """
                UPDATE loaners SET status = \(bind: LoanerStatus.retired.rawValue), version = version + 1, \
                updated_at = \(bind: now), archived_at = \(bind: now) WHERE id = \(bind: id) \
                AND status = \(bind: LoanerStatus.available.rawValue) RETURNING id
                """
            ).all()
            guard !updated.isEmpty else {
                throw LoanerNotAvailable(id: id, serialNumber: before.serialNumber, status: before.status)
            }
            let after = try await Self.load(id, within: .everything, today: today, on: db)
            try await AuditLog.append(
                on: db, entity: "loaner", id: id, action: .archive, actor: actor, at: now, before: before,
                after: after)
        }
        return try await get(id)
    }
}

/// R-4.5: loans past their day are escalated once: the warehouse keepers and service managers nearest the pool's
/// unit are told in their inbox.
public enum LoanSweep {
    public static func run(
        store: Store, now: Date, batchSize: Int = 200, shouldStop: @escaping @Sendable () -> Bool = { false }
    ) async throws -> SweepReport {
        let today = CalendarDate(now, in: store.timeZone)
        return try await Sweeps.drain(size: batchSize, shouldStop: shouldStop) {
            try await store.write { db in try await batch(today: today, now: now, size: batchSize, on: db) }
        }
    }

    static func batch(today: CalendarDate, now: Date, size: Int, on db: any SQLDatabase) async throws -> SweepReport {
        let rows = try await db.raw(
            """
            SELECT l.id, l.org_unit_id, rc.request_id, o.path FROM loans l JOIN org_units o ON o.id = l.org_unit_id \
            LEFT JOIN return_cases rc ON rc.id = l.case_id WHERE l.returned_at IS NULL \
            AND l.escalated_at IS NULL AND l.due_on < \(bind: today.description) \
            ORDER BY l.id LIMIT \(unsafeRaw: String(size))\(unsafeRaw: db.dialect.name == "sqlite" ? "" : " FOR UPDATE OF l SKIP LOCKED")
            """
        ).all()
        guard !rows.isEmpty else { return SweepReport() }
        var paths: [Int: [Int]] = [:]
        var requests: [Int: Int] = [:]
        for row in rows {
            let id = try row.decode(column: "id", as: Int.self)
            paths[id] = try row.decode(column: "path", as: String.self).split(separator: "/").compactMap { Int($0) }
            requests[id] = try row.decode(column: "request_id", as: Int?.self)
        }
        let recipients = try await Recipients.load(units: Set(paths.values.flatMap { $0 }), on: db)
        let who = [
            Recipient(role: .warehouseKeeper, reach: .nearest), Recipient(role: .serviceManager, reach: .nearest),
        ]
        var items: [NewNotification] = []
        for (loan, path) in paths {
            for user in recipients.users(for: who, path: path) {
                items.append(
                    NewNotification(
                        userId: user, kind: .loanerOverdue, requestId: requests[loan] ?? nil, followUpId: nil,
                        target: nil, level: 0, dedupeKey: "loan:\(loan):\(user)"))
            }
        }
        let created = try await NewNotification.insert(items, at: now, on: db)
        try await db.update("loans").set("escalated_at", to: now).where("id", .in, Array(paths.keys)).run()
        return SweepReport(items: rows.count, created: created)
    }
}
