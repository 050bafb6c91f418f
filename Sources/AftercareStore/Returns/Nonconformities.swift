import AftercareDomain
import Foundation
import SQLKit

/// a nonconforming product.
public struct NonconformityView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var orgUnitId: Int
    public var source: NonconformitySource
    public var caseId: Int?
    public var caseNumber: String?
    public var unitId: Int?
    public var modelId: Int?
    public var modelCode: String?
    public var partId: Int?
    public var partNumber: String?
    public var serial: String?
    public var responsibility: Responsibility?
    public var faultCodeId: Int?
    public var faultCode: String?
    public var faultName: String?
    public var analysis: String?
    public var disposition: Disposition?
    public var inspectionRecord: String?
    public var costMinor: Int
    public var currency: Currency
    public var status: NonconformityStatus
    public var foundOn: CalendarDate
    public var createdBy: String
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date
}

/// the quality inspector's cause analysis, disposition and inspection record.
public struct NonconformityInput: Codable, Sendable, Equatable {
    public var faultCodeId: Int?
    public var analysis: String?
    public var disposition: Disposition?
    public var inspectionRecord: String?
    public var costMinor: Int?
    /// Closes the record: it then needs its disposition and inspection record.
    public var close: Bool?
    public var expectedVersion: Int?

    public init(
        faultCodeId: Int? = nil, analysis: String? = nil, disposition: Disposition? = nil,
        inspectionRecord: String? = nil, costMinor: Int? = nil, close: Bool? = nil, expectedVersion: Int? = nil
    ) {
        self.faultCodeId = faultCodeId
        self.analysis = analysis
        self.disposition = disposition
        self.inspectionRecord = inspectionRecord
        self.costMinor = costMinor
        self.close = close
        self.expectedVersion = expectedVersion
    }
}

/// How the 不合格品统计表 groups its rows.
public enum NonconformityDimension: String, CodedEnum {
    case model, cause, responsibility, disposition, month
}

/// One row of the 不合格品统计表: a key (a model code, a fault code, a responsibility, a disposition or a month
/// `YYYY-MM`; nil: not given yet), how many and what they cost.
public struct NonconformityRow: Codable, Sendable, Equatable {
    public var key: String?
    public var name: String?
    public var count: Int
    public var costMinor: Int

    public init(key: String?, name: String?, count: Int, costMinor: Int) {
        self.key = key
        self.name = name
        self.count = count
        self.costMinor = costMinor
    }
}

/// The nonconformities listed.
public struct NonconformityFilter: Sendable, Equatable {
    public var from: CalendarDate?
    public var to: CalendarDate?
    public var status: NonconformityStatus?
    public var caseId: Int?

    public init(
        from: CalendarDate? = nil, to: CalendarDate? = nil, status: NonconformityStatus? = nil, caseId: Int? = nil
    ) {
        self.from = from
        self.to = to
        self.status = status
        self.caseId = caseId
    }
}

/// nonconforming products: written when the depot inspects a returned unit with a defect and when an engineer
/// hands in a faulty part; analysed, disposed of and closed by the quality inspector; counted in the table.
public struct Nonconformities: Sendable {
    public let store: Store

    public init(_ store: Store) {
        self.store = store
    }

    static let columns = """
        n.*, rc.number AS case_number, m.code AS model_code, p.part_number, f.code AS fault_code, \
        f.name AS fault_name
        """
    static let from = """
        FROM nonconformities n LEFT JOIN return_cases rc ON rc.id = n.case_id \
        LEFT JOIN product_models m ON m.id = n.model_id LEFT JOIN parts p ON p.id = n.part_id \
        LEFT JOIN fault_codes f ON f.id = n.fault_code_id
        """

    static func view(_ row: any SQLRow) throws -> NonconformityView {
        NonconformityView(
            id: try row.decode(column: "id", as: Int.self),
            orgUnitId: try row.decode(column: "org_unit_id", as: Int.self),
            source: try row.decodeStored("source", as: NonconformitySource.self),
            caseId: try row.decode(column: "case_id", as: Int?.self),
            caseNumber: try row.decode(column: "case_number", as: String?.self),
            unitId: try row.decode(column: "unit_id", as: Int?.self),
            modelId: try row.decode(column: "model_id", as: Int?.self),
            modelCode: try row.decode(column: "model_code", as: String?.self),
            partId: try row.decode(column: "part_id", as: Int?.self),
            partNumber: try row.decode(column: "part_number", as: String?.self),
            serial: try row.decode(column: "serial", as: String?.self),
            responsibility: try row.decodeStored("responsibility", as: Responsibility?.self),
            faultCodeId: try row.decode(column: "fault_code_id", as: Int?.self),
            faultCode: try row.decode(column: "fault_code", as: String?.self),
            faultName: try row.decode(column: "fault_name", as: String?.self),
            analysis: try row.decode(column: "analysis", as: String?.self),
            disposition: try row.decodeStored("disposition", as: Disposition?.self),
            inspectionRecord: try row.decode(column: "inspection_record", as: String?.self),
            costMinor: try row.decode(column: "cost_minor", as: Int.self),
            currency: try row.decodeStored("currency", as: Currency.self),
            status: try row.decodeStored("status", as: NonconformityStatus.self),
            foundOn: try FeeScheduleRecord.day(try row.decode(column: "found_on", as: String.self), column: "found_on"),
            createdBy: try row.decode(column: "created_by", as: String.self),
            version: try row.decode(column: "version", as: Int.self),
            createdAt: try row.decode(column: "created_at", as: Date.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }

    static func visible(_ scope: Scope) -> SQLQueryString {
        ScopeSQL.orgUnitCondition("n.org_unit_id", scope).map { " AND " + $0 } ?? ""
    }

    static func load(_ id: Int, within scope: Scope, on db: any SQLDatabase) async throws -> NonconformityView? {
        let sql: SQLQueryString =
            "SELECT \(unsafeRaw: columns) \(unsafeRaw: from) WHERE n.id = \(bind: id)" + visible(scope)
        return try await db.raw(sql).first().map(view)
    }

    public func get(_ id: Int) async throws -> NonconformityView {
        guard let view = try await Self.load(id, within: store.scope, on: store.sql) else {
            throw RecordNotFound(entity: "nonconformity", id: id)
        }
        return view
    }

    static func conditions(_ filter: NonconformityFilter, _ scope: Scope) -> SQLQueryString {
        var sql: SQLQueryString = "WHERE 1 = 1" + visible(scope)
        if let from = filter.from { sql = sql + " AND n.found_on >= \(bind: from.description)" }
        if let to = filter.to { sql = sql + " AND n.found_on <= \(bind: to.description)" }
        if let status = filter.status { sql = sql + " AND n.status = \(bind: status.rawValue)" }
        if let caseId = filter.caseId { sql = sql + " AND n.case_id = \(bind: caseId)" }
        return sql
    }

    /// The records of `filter`, newest first.
    public func list(_ filter: NonconformityFilter, page: PageRequest) async throws -> Page<NonconformityView> {
        var sql: SQLQueryString =
            "SELECT \(unsafeRaw: Self.columns) \(unsafeRaw: Self.from) " + Self.conditions(filter, store.scope)
        if let afterId = page.afterId { sql = sql + " AND n.id < \(bind: afterId)" }
        sql = sql + " ORDER BY n.id DESC LIMIT \(unsafeRaw: String(page.limit + 1))"
        return try Page(rows: try await store.sql.raw(sql).all(), limit: page.limit) { try $0.map(Self.view) }
    }

    /// the 不合格品统计表: counts and cost of the period's records by `dimension`, most first. The whole months
    /// of the period are read from the monthly counts; the days before the first and after the last whole month (or a
    /// period filtered by status or case) from the records.
    public func table(_ filter: NonconformityFilter, by dimension: NonconformityDimension) async throws
        -> [NonconformityRow]
    {
        var totals: [String: (n: Int, cost: Int)] = [:]
        func add(_ rows: [(String, Int, Int)]) {
            for (key, n, cost) in rows {
                let sum = totals[key] ?? (0, 0)
                totals[key] = (sum.n + n, sum.cost + cost)
            }
        }
        let months = Self.wholeMonths(from: filter.from, to: filter.to)
        if filter.status == nil, filter.caseId == nil, let first = months.first, let last = months.last {
            add(try await monthly(months, by: dimension))
            var before = filter
            before.to = first.adding(days: -1)
            if let from = filter.from, from < first { add(try await recorded(before, by: dimension)) }
            var after = filter
            after.from = last.adding(months: 1)
            if let to = filter.to, let start = after.from, start <= to { add(try await recorded(after, by: dimension)) }
        } else {
            add(try await recorded(filter, by: dimension))
        }
        return try await Self.named(totals, by: dimension, on: store.sql)
    }

    /// The first days of the months wholly inside [from, to], in order.
    static func wholeMonths(from: CalendarDate?, to: CalendarDate?) -> [CalendarDate] {
        guard let from, let to, from <= to,
            var month = CalendarDate(year: from.year, month: from.month, day: 1)
        else { return [] }
        if month < from { month = month.adding(months: 1) }
        var months: [CalendarDate] = []
        while month.adding(months: 1).adding(days: -1) <= to, months.count < 1200 {
            months.append(month)
            month = month.adding(months: 1)
        }
        return months
    }

    /// The key column of a dimension in the monthly counts and in the records ("" or 0: not given).
    static func key(_ dimension: NonconformityDimension, monthly: Bool) -> String {
        let t = monthly ? "t" : "n"
        return switch dimension {
        case .model: "CAST(COALESCE(\(t).model_id, 0) AS TEXT)"
        case .cause: "CAST(COALESCE(\(t).fault_code_id, 0) AS TEXT)"
        case .responsibility: "COALESCE(\(t).responsibility, '')"
        case .disposition: "COALESCE(\(t).disposition, '')"
        case .month: monthly ? "t.month" : "SUBSTR(n.found_on, 1, 7)"
        }
    }

    func monthly(_ months: [CalendarDate], by dimension: NonconformityDimension) async throws -> [(String, Int, Int)] {
        let names = months.map { String($0.description.prefix(7)) }
        var sql: SQLQueryString =
            """
            SELECT \(unsafeRaw: Self.key(dimension, monthly: true)) AS k, CAST(SUM(t.n) AS BIGINT) AS n, \
            CAST(SUM(t.cost_minor) AS BIGINT) AS cost FROM nonconformity_months t \
            WHERE t.month IN (\(SQLList(names.map { SQLBind($0) })))
            """
        if let condition = ScopeSQL.orgUnitCondition("t.org_unit_id", store.scope) { sql = sql + " AND " + condition }
        return try await store.sql.raw(sql + " GROUP BY 1").all().map {
            (
                try $0.decode(column: "k", as: String.self), try $0.decode(column: "n", as: Int.self),
                try $0.decode(column: "cost", as: Int.self)
            )
        }
    }

    func recorded(_ filter: NonconformityFilter, by dimension: NonconformityDimension) async throws
        -> [(String, Int, Int)]
    {
        let sql: SQLQueryString =
            """
            SELECT \(unsafeRaw: Self.key(dimension, monthly: false)) AS k, COUNT(*) AS n, \
            CAST(COALESCE(SUM(n.cost_minor), 0) AS BIGINT) AS cost FROM nonconformities n 
            """ + Self.conditions(filter, store.scope) + " GROUP BY 1"
        return try await store.sql.raw(sql).all().map {
            (
                try $0.decode(column: "k", as: String.self), try $0.decode(column: "n", as: Int.self),
                try $0.decode(column: "cost", as: Int.self)
            )
        }
    }

    /// The rows in words: a model's or fault code's code and name, the others as they are; most first.
    static func named(
        _ totals: [String: (n: Int, cost: Int)], by dimension: NonconformityDimension, on db: any SQLDatabase
    )
        async throws -> [NonconformityRow]
    {
        var names: [String: (code: String, name: String)] = [:]
        let table: String? =
            switch dimension {
            case .model: "product_models"
            case .cause: "fault_codes"
            default: nil
            }
        let ids = totals.keys.compactMap(Int.init).filter { $0 > 0 }
        if let table, !ids.isEmpty {
            for row in try await db.raw(
                "SELECT id, code, name FROM \(unsafeRaw: table) WHERE id IN (\(SQLList(ids.map { SQLBind($0) })))"
            ).all() {
                names[String(try row.decode(column: "id", as: Int.self))] = (
                    try row.decode(column: "code", as: String.self), try row.decode(column: "name", as: String.self)
                )
            }
        }
        return totals.map { key, sum in
            let given = !(key.isEmpty || key == "0")
            let named = table == nil ? nil : names[key]
            return NonconformityRow(
                key: given ? (table == nil ? key : named?.code) : nil,
                name: given ? (table == nil ? key : named?.name) : nil, count: sum.n, costMinor: sum.cost)
        }.sorted { ($0.count, $1.key ?? "") > ($1.count, $0.key ?? "") }
    }

    /// A record's place in the monthly counts.
    struct Tally: Equatable {
        var month: String
        var orgUnitId: Int
        var modelId: Int
        var faultCodeId: Int
        var responsibility: String
        var disposition: String
        var costMinor: Int

        init(_ view: NonconformityView) {
            month = String(view.foundOn.description.prefix(7))
            orgUnitId = view.orgUnitId
            modelId = view.modelId ?? 0
            faultCodeId = view.faultCodeId ?? 0
            responsibility = view.responsibility?.rawValue ?? ""
            disposition = view.disposition?.rawValue ?? ""
            costMinor = view.costMinor
        }
    }

    /// Keeps the monthly counts in step with a record that was written (`before` nil), or changed.
    static func recount(before: NonconformityView?, after: NonconformityView?, on db: any SQLDatabase) async throws {
        let old = before.map(Tally.init)
        let new = after.map(Tally.init)
        guard old != new else { return }
        for (tally, sign) in [(old, -1), (new, 1)] {
            guard let tally else { continue }
            try await db.raw(
                """
                INSERT INTO nonconformity_months (month, org_unit_id, model_id, fault_code_id, responsibility, \
                disposition, n, cost_minor) VALUES (\(bind: tally.month), \(bind: tally.orgUnitId), \(bind: tally.modelId), \
                \(bind: tally.faultCodeId), \(bind: tally.responsibility), \(bind: tally.disposition), \(bind: sign), \
                \(bind: sign * tally.costMinor)) ON CONFLICT (month, org_unit_id, model_id, fault_code_id, responsibility, \
                disposition) DO UPDATE SET n = nonconformity_months.n + excluded.n, \
                cost_minor = nonconformity_months.cost_minor + excluded.cost_minor
                """
            ).run()
        }
    }

    /// the quality inspector's analysis, disposition and inspection record; closing needs both of the latter.
    public func update(_ id: Int, _ input: NonconformityInput, by actor: Actor) async throws -> NonconformityView {
        var v = Validator()
        v.text("analysis", input.analysis, max: Limits.longText)
        v.text("inspectionRecord", input.inspectionRecord, max: Limits.longText)
        v.range("costMinor", input.costMinor, 0...Money.maximumMinor)
        if input.close == true {
            if input.disposition == nil { v.add("disposition", .required) }
            if input.inspectionRecord.isBlank { v.add("inspectionRecord", .required) }
        }
        try v.finish()
        let scope = store.scope
        let now = store.now
        try await store.write { db in
            if db.dialect.name != "sqlite" {
                try await db.raw("SELECT id FROM nonconformities WHERE id = \(bind: id) FOR UPDATE").run()
            }
            guard let before = try await Self.load(id, within: scope, on: db) else {
                throw RecordNotFound(entity: "nonconformity", id: id)
            }
            if let expected = input.expectedVersion, expected != before.version {
                throw StaleVersion(entity: "nonconformity", id: id, expected: expected, current: before.version)
            }
            if let code = input.faultCodeId,
                try await Records<FaultCodeRecord>.load(code, within: .everything, on: db) == nil
            {
                throw ValidationError(["faultCodeId": .notFound])
            }
            try await db.update("nonconformities").set("fault_code_id", to: SQLBind(input.faultCodeId))
                .set("analysis", to: SQLBind(input.analysis?.trimmed.nilIfEmpty))
                .set("disposition", to: SQLBind(input.disposition?.rawValue))
                .set("inspection_record", to: SQLBind(input.inspectionRecord?.trimmed.nilIfEmpty))
                .set("cost_minor", to: input.costMinor ?? before.costMinor)
                .set("status", to: (input.close == true ? NonconformityStatus.closed : before.status).rawValue)
                .set("version", to: before.version + 1).set("updated_at", to: now).where("id", .equal, id).run()
            let after = try await Self.load(id, within: .everything, on: db)
            try await Self.recount(before: before, after: after, on: db)
            try await AuditLog.append(
                on: db, entity: "nonconformity", id: id, action: .update, actor: actor, at: now, before: before,
                after: after)
        }
        return try await get(id)
    }

    /// A new record in the caller's transaction.
    static func insert(
        orgUnitId: Int, source: NonconformitySource, caseId: Int?, unitId: Int?, ledgerEntryId: Int?, modelId: Int?,
        partId: Int?, serial: String?, responsibility: Responsibility?, disposition: Disposition?, costMinor: Int,
        currency: Currency, foundOn: CalendarDate, faultCodeId: Int? = nil, analysis: String? = nil, by actor: Actor,
        at now: Date, on db: any SQLDatabase
    ) async throws {
        let id = try await db.insert(into: "nonconformities")
            .columns(
                "org_unit_id", "source", "case_id", "unit_id", "ledger_entry_id", "model_id", "part_id", "serial",
                "responsibility", "disposition", "cost_minor", "currency", "status", "found_on", "created_by",
                "version", "created_at", "updated_at", "fault_code_id", "analysis"
            )
            .values(
                SQLBind(orgUnitId), SQLBind(source.rawValue), SQLBind(caseId), SQLBind(unitId), SQLBind(ledgerEntryId),
                SQLBind(modelId), SQLBind(partId), SQLBind(serial), SQLBind(responsibility?.rawValue),
                SQLBind(disposition?.rawValue), SQLBind(costMinor), SQLBind(currency.rawValue),
                SQLBind(NonconformityStatus.open.rawValue), SQLBind(foundOn.description), SQLBind(actor.name),
                SQLBind(1), SQLBind(now), SQLBind(now), SQLBind(faultCodeId), SQLBind(analysis)
            )
            .returning("id").first(decodingColumn: "id", as: Int.self)!
        let after = try await load(id, within: .everything, on: db)
        try await recount(before: nil, after: after, on: db)
        try await AuditLog.append(
            on: db, entity: "nonconformity", id: id, action: .create, actor: actor, at: now,
            before: NonconformityView?.none, after: after)
    }

    /// a returned unit found defective at the receiving inspection becomes (or stays) a nonconformity of the
    /// depot; "no fault found" makes none.
    static func inspected(
        _ view: ReturnCaseView, unitId: Int, responsibility: Responsibility, by actor: Actor, at now: Date,
        today: CalendarDate, on db: any SQLDatabase
    ) async throws {
        let existing = try await db.raw(
            "SELECT id FROM nonconformities WHERE case_id = \(bind: view.id) AND unit_id = \(bind: unitId)"
        ).first(decodingColumn: "id", as: Int.self)
        if let existing {
            let before = try await load(existing, within: .everything, on: db)
            try await db.update("nonconformities").set("responsibility", to: responsibility.rawValue)
                .set("updated_at", to: now).where("id", .equal, existing).run()
            try await recount(before: before, after: try await load(existing, within: .everything, on: db), on: db)
            return
        }
        guard NonconformityRule.isNonconforming(responsibility),
            let unit = view.units.first(where: { $0.unitId == unitId })
        else { return }
        try await insert(
            orgUnitId: view.depotUnitId, source: .returnedUnit, caseId: view.id, unitId: unitId, ledgerEntryId: nil,
            modelId: unit.modelId, partId: nil, serial: unit.serialNumber, responsibility: responsibility,
            disposition: nil, costMinor: 0, currency: view.currency, foundOn: today, by: actor, at: now, on: db)
    }

    /// an approved decision gives the case's open records the disposition it implies and its estimated cost,
    /// shared between the units.
    static func decided(_ view: ReturnCaseView, at now: Date, on db: any SQLDatabase) async throws {
        guard let resolution = view.resolution else { return }
        let cost = view.costs?.cost(of: resolution) ?? 0
        let share = view.units.isEmpty ? 0 : cost / view.units.count
        let ids = try await db.raw(
            """
            SELECT id FROM nonconformities WHERE case_id = \(bind: view.id) \
            AND status = \(bind: NonconformityStatus.open.rawValue) ORDER BY id
            """
        ).all().map { try $0.decode(column: "id", as: Int.self) }
        for id in ids {
            let before = try await load(id, within: .everything, on: db)
            try await db.update("nonconformities")
                .set("disposition", to: SQLBind(Disposition.implied(by: resolution)?.rawValue))
                .set("cost_minor", to: share).set("updated_at", to: now).where("id", .equal, id).run()
            try await recount(before: before, after: try await load(id, within: .everything, on: db), on: db)
        }
    }

}
