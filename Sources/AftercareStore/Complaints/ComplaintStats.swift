import AftercareDomain
import Foundation
import SQLKit

/// R-9.3: complaints of a period counted by cause (frequent causes flagged, with their improvement actions), by
/// product line, branch, engineer and month, with the share acknowledged and resolved on time and satisfied.
public struct ComplaintStatistics: Codable, Sendable, Equatable {
    public struct Count: Codable, Sendable, Equatable {
        /// The record's id (a product line, a unit, an engineer), or nil for "not known".
        public var id: Int?
        public var name: String?
        public var count: Int
    }

    public struct CauseCount: Codable, Sendable, Equatable {
        /// Nil: not yet classified.
        public var cause: ComplaintCause?
        public var count: Int
        /// R-9.3: among the few causes that make up most complaints, often enough to need an improvement.
        public var frequent: Bool
        /// Improvement actions for this cause that are still open, and done.
        public var improvementsOpen: Int
        public var improvementsDone: Int
    }

    public struct MonthCount: Codable, Sendable, Equatable {
        /// The first day of the month.
        public var month: CalendarDate
        public var count: Int
    }

    public var from: CalendarDate
    public var to: CalendarDate
    public var orgUnitId: Int?
    public var total: Int
    public var open: Int
    public var acknowledgedOnTime: Int
    public var resolvedOnTime: Int
    /// Resolved (whatever came after), for the on-time share.
    public var resolved: Int
    /// Closed with the customer satisfied.
    public var satisfied: Int
    /// Handled again at least once.
    public var reprocessed: Int
    public var byCause: [CauseCount]
    public var byProductLine: [Count]
    public var byBranch: [Count]
    public var byEngineer: [Count]
    public var byMonth: [MonthCount]
}

/// R-9.3: an improvement decided for a frequent complaint cause, tracked to done.
public struct ImprovementActionView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var cause: ComplaintCause
    public var title: String
    public var owner: String
    public var dueOn: CalendarDate
    public var status: ImprovementStatus
    /// The period whose complaints it answers, and how many of this cause it had.
    public var periodFrom: CalendarDate
    public var periodTo: CalendarDate
    public var complaintCount: Int
    public var outcome: String?
    public var createdBy: String
    public var createdAt: Date
    public var closedBy: String?
    public var closedAt: Date?
    public var version: Int
}

/// What an improvement action is opened with.
public struct ImprovementInput: Codable, Sendable, Equatable {
    public var cause: ComplaintCause
    public var title: String
    public var owner: String
    public var dueOn: CalendarDate
    public var periodFrom: CalendarDate
    public var periodTo: CalendarDate

    public init(
        cause: ComplaintCause, title: String, owner: String, dueOn: CalendarDate, periodFrom: CalendarDate,
        periodTo: CalendarDate
    ) {
        self.cause = cause
        self.title = title
        self.owner = owner
        self.dueOn = dueOn
        self.periodFrom = periodFrom
        self.periodTo = periodTo
    }
}

/// An improvement action that is no longer open.
public struct ImprovementClosed: Error, Equatable, Sendable {
    public var id: Int
    public var status: ImprovementStatus
}

public struct ComplaintStats: Sendable {
    public let store: Store

    public init(_ store: Store) {
        self.store = store
    }

    /// The longest period counted at once (two years), so that a month table stays a page.
    public static let maximumDays = 731

    static func checkPeriod(_ from: CalendarDate, _ to: CalendarDate) throws {
        if to < from { throw ValidationError(["to": .invalidValue(allowed: ["on or after from"])]) }
        if to.dayNumber - from.dayNumber >= maximumDays {
            throw ValidationError(["to": .outOfRange(min: 0, max: maximumDays)])
        }
    }

    /// R-9.3: the complaints received from `from` to `to` (whole days in the deployment's zone) that the caller's
    /// scope sees, under `orgUnitId` when given. A few grouped queries, whatever the number of complaints.
    public func statistics(from: CalendarDate, to: CalendarDate, orgUnitId: Int?) async throws -> ComplaintStatistics {
        try Self.checkPeriod(from, to)
        let zone = store.timeZone
        let db = store.sql
        let start = from.startOfDay(in: zone)
        let end = to.adding(days: 1).startOfDay(in: zone)
        var condition: SQLQueryString = "k.created_at >= \(bind: start) AND k.created_at < \(bind: end)"
        if let scoped = ScopeSQL.orgUnitCondition("k.org_unit_id", store.scope) {
            condition = condition + " AND " + scoped
        }
        if let orgUnitId {
            guard
                let path = try await db.raw("SELECT path FROM org_units WHERE id = \(bind: orgUnitId)").first(
                    decodingColumn: "path", as: String.self)
            else { throw ValidationError(["orgUnitId": .notFound]) }
            condition =
                condition + " AND k.org_unit_id IN (SELECT id FROM org_units WHERE path LIKE \(bind: path + "%"))"
        }
        // The months of the period, each counted by a CASE over the same scan as the totals.
        var months: [CalendarDate] = []
        var month = CalendarDate(year: from.year, month: from.month, day: 1)!
        while month <= to {
            months.append(month)
            month = month.adding(months: 1)
        }
        let open = ComplaintStatus.allCases.filter(\.isOpen).map { SQLBind($0.rawValue) }
        var totals: SQLQueryString =
            """
            SELECT COUNT(*) AS total, \
            SUM(CASE WHEN k.status IN (\(SQLList(open))) THEN 1 ELSE 0 END) AS open_count, \
            SUM(CASE WHEN k.acknowledged_at IS NOT NULL AND k.acknowledged_at <= k.ack_due_at THEN 1 ELSE 0 END) AS ack_on_time, \
            SUM(CASE WHEN k.resolved_at IS NOT NULL AND k.status <> \(bind: ComplaintStatus.withdrawn.rawValue) THEN 1 ELSE 0 END) AS resolved_count, \
            SUM(CASE WHEN k.resolved_at IS NOT NULL AND k.status <> \(bind: ComplaintStatus.withdrawn.rawValue) \
            AND k.resolved_at <= k.resolution_due_at THEN 1 ELSE 0 END) AS resolved_on_time, \
            SUM(CASE WHEN k.status = \(bind: ComplaintStatus.satisfied.rawValue) OR (k.status = \(bind: ComplaintStatus.closed.rawValue) \
            AND k.closed_reason IS NULL) THEN 1 ELSE 0 END) AS satisfied_count, \
            SUM(CASE WHEN k.reprocessed > 0 THEN 1 ELSE 0 END) AS reprocessed_count
            """
        for (i, first) in months.enumerated() {
            let monthStart = max(first.startOfDay(in: zone), start)
            let monthEnd = min(first.adding(months: 1).startOfDay(in: zone), end)
            totals =
                totals
                + ", SUM(CASE WHEN k.created_at >= \(bind: monthStart) AND k.created_at < \(bind: monthEnd) THEN 1 ELSE 0 END) AS m\(unsafeRaw: String(i))"
        }
        totals = totals + " FROM complaints k WHERE " + condition
        let row = try await db.raw(totals).first()
        func sum(_ column: String) throws -> Int { try row?.decode(column: column, as: Int?.self) ?? 0 }
        let causeRows = try await db.raw(
            "SELECT k.cause, COUNT(*) AS n FROM complaints k WHERE " + condition + " GROUP BY k.cause"
        ).all()
        var causeCounts: [ComplaintCause: Int] = [:]
        var unclassified = 0
        for row in causeRows {
            let n = try row.decode(column: "n", as: Int.self)
            if let cause = try row.decodeStored("cause", as: ComplaintCause?.self) {
                causeCounts[cause] = n
            } else {
                unclassified = n
            }
        }
        let frequent = Set(FrequentCauses.flagged(causeCounts))
        var improvements: [ComplaintCause: (open: Int, done: Int)] = [:]
        for row in try await db.raw(
            """
            SELECT cause, status, COUNT(*) AS n FROM improvement_actions \
            WHERE status <> \(bind: ImprovementStatus.cancelled.rawValue) GROUP BY cause, status
            """
        ).all() {
            let cause = try row.decodeStored("cause", as: ComplaintCause.self)
            let n = try row.decode(column: "n", as: Int.self)
            if try row.decodeStored("status", as: ImprovementStatus.self) == .open {
                improvements[cause, default: (0, 0)].open += n
            } else {
                improvements[cause, default: (0, 0)].done += n
            }
        }
        var byCause = causeCounts.sorted { ($1.value, $0.key.rawValue) < ($0.value, $1.key.rawValue) }.map {
            ComplaintStatistics.CauseCount(
                cause: $0.key, count: $0.value, frequent: frequent.contains($0.key),
                improvementsOpen: improvements[$0.key]?.open ?? 0, improvementsDone: improvements[$0.key]?.done ?? 0)
        }
        if unclassified > 0 {
            byCause.append(
                ComplaintStatistics.CauseCount(
                    cause: nil, count: unclassified, frequent: false, improvementsOpen: 0, improvementsDone: 0))
        }
        func counts(_ sql: SQLQueryString) async throws -> [ComplaintStatistics.Count] {
            try await db.raw(sql).all().map {
                ComplaintStatistics.Count(
                    id: try $0.decode(column: "id", as: Int?.self),
                    name: try $0.decode(column: "name", as: String?.self),
                    count: try $0.decode(column: "n", as: Int.self))
            }.sorted { ($1.count, $0.name ?? "") < ($0.count, $1.name ?? "") }
        }
        let byProductLine = try await counts(
            """
            SELECT pl.id, pl.name, COUNT(*) AS n FROM complaints k LEFT JOIN units u ON u.id = k.unit_id \
            LEFT JOIN product_models m ON m.id = COALESCE(k.product_model_id, u.model_id) \
            LEFT JOIN product_lines pl ON pl.id = m.product_line_id WHERE 
            """ + condition + " GROUP BY pl.id, pl.name")
        let byBranch = try await counts(
            "SELECT o.id, o.name, COUNT(*) AS n FROM complaints k JOIN org_units o ON o.id = k.org_unit_id WHERE "
                + condition + " GROUP BY o.id, o.name")
        let byEngineer = try await counts(
            """
            SELECT e.id, eu.display_name AS name, COUNT(*) AS n FROM complaints k LEFT JOIN visits v ON v.id = k.visit_id \
            JOIN engineers e ON e.id = COALESCE(k.engineer_id, v.engineer_id) JOIN users eu ON eu.id = e.user_id WHERE 
            """ + condition + " GROUP BY e.id, eu.display_name")
        return ComplaintStatistics(
            from: from, to: to, orgUnitId: orgUnitId, total: try sum("total"), open: try sum("open_count"),
            acknowledgedOnTime: try sum("ack_on_time"), resolvedOnTime: try sum("resolved_on_time"),
            resolved: try sum("resolved_count"), satisfied: try sum("satisfied_count"),
            reprocessed: try sum("reprocessed_count"), byCause: byCause, byProductLine: byProductLine,
            byBranch: byBranch, byEngineer: byEngineer,
            byMonth: try months.enumerated().map { i, month in
                ComplaintStatistics.MonthCount(month: month, count: try sum("m\(i)"))
            })
    }

    // MARK: Improvement actions

    static func improvement(_ row: any SQLRow) throws -> ImprovementActionView {
        ImprovementActionView(
            id: try row.decode(column: "id", as: Int.self),
            cause: try row.decodeStored("cause", as: ComplaintCause.self),
            title: try row.decode(column: "title", as: String.self),
            owner: try row.decode(column: "owner", as: String.self),
            dueOn: try row.decodeDay("due_on"), status: try row.decodeStored("status", as: ImprovementStatus.self),
            periodFrom: try row.decodeDay("period_from"), periodTo: try row.decodeDay("period_to"),
            complaintCount: try row.decode(column: "complaint_count", as: Int.self),
            outcome: try row.decode(column: "outcome", as: String?.self),
            createdBy: try row.decode(column: "created_by", as: String.self),
            createdAt: try row.decode(column: "created_at", as: Date.self),
            closedBy: try row.decode(column: "closed_by", as: String?.self),
            closedAt: try row.decode(column: "closed_at", as: Date?.self),
            version: try row.decode(column: "version", as: Int.self))
    }

    /// The improvement actions, newest first.
    public func improvements(status: ImprovementStatus?, cause: ComplaintCause?, page: PageRequest) async throws
        -> Page<ImprovementActionView>
    {
        var sql: SQLQueryString = "SELECT * FROM improvement_actions WHERE 1 = 1"
        if let status { sql = sql + " AND status = \(bind: status.rawValue)" }
        if let cause { sql = sql + " AND cause = \(bind: cause.rawValue)" }
        if let afterId = page.afterId { sql = sql + " AND id < \(bind: afterId)" }
        sql = sql + " ORDER BY id DESC LIMIT \(unsafeRaw: String(page.limit + 1))"
        let rows = try await store.sql.raw(sql).all()
        return try Page(rows: rows, limit: page.limit) { try $0.map(Self.improvement) }
    }

    public func improvement(_ id: Int) async throws -> ImprovementActionView {
        guard let row = try await store.sql.raw("SELECT * FROM improvement_actions WHERE id = \(bind: id)").first()
        else { throw RecordNotFound(entity: "improvementAction", id: id) }
        return try Self.improvement(row)
    }

    /// R-9.3: opens an improvement action for a cause, counting the period's complaints of that cause.
    public func openImprovement(_ input: ImprovementInput, by actor: Actor) async throws -> ImprovementActionView {
        var v = Validator()
        v.text("title", input.title, required: true, max: Limits.note)
        v.text("owner", input.owner, required: true, max: Limits.name)
        if input.periodTo < input.periodFrom { v.add("periodTo", .invalidValue(allowed: ["on or after periodFrom"])) }
        try v.finish()
        let zone = store.timeZone
        let now = store.now
        let scope = store.scope
        let id = try await store.write { db in
            var count: SQLQueryString =
                """
                SELECT COUNT(*) AS n FROM complaints k WHERE k.cause = \(bind: input.cause.rawValue) \
                AND k.created_at >= \(bind: input.periodFrom.startOfDay(in: zone)) \
                AND k.created_at < \(bind: input.periodTo.adding(days: 1).startOfDay(in: zone))
                """
            if let scoped = ScopeSQL.orgUnitCondition("k.org_unit_id", scope) { count = count + " AND " + scoped }
            let n = try await db.raw(count).first(decodingColumn: "n", as: Int.self) ?? 0
            let id = try await db.insert(into: "improvement_actions")
                .columns(
                    "cause", "title", "owner", "due_on", "status", "period_from", "period_to", "complaint_count",
                    "created_by", "created_at", "version"
                )
                .values(
                    SQLBind(input.cause.rawValue), SQLBind(input.title.trimmed), SQLBind(input.owner.trimmed),
                    SQLBind(input.dueOn.description), SQLBind(ImprovementStatus.open.rawValue),
                    SQLBind(input.periodFrom.description), SQLBind(input.periodTo.description), SQLBind(n),
                    SQLBind(actor.name), SQLBind(now), SQLBind(1)
                ).returning("id").first(decodingColumn: "id", as: Int.self)!
            let after = try await db.raw("SELECT * FROM improvement_actions WHERE id = \(bind: id)").first().map(
                Self.improvement)
            try await AuditLog.append(
                on: db, entity: "improvementAction", id: id, action: .create, actor: actor, at: now,
                before: ImprovementActionView?.none, after: after)
            return id
        }
        return try await improvement(id)
    }

    /// R-9.3: the improvement is done (with what it changed) or dropped (with the reason).
    public func closeImprovement(_ id: Int, as status: ImprovementStatus, outcome: String, by actor: Actor)
        async throws -> ImprovementActionView
    {
        var v = Validator()
        v.text("outcome", outcome, required: true, max: Limits.note)
        if status == .open { v.add("status", .invalidValue(allowed: ["done", "cancelled"])) }
        try v.finish()
        let now = store.now
        try await store.write { db in
            if db.dialect.name != "sqlite" {
                try await db.raw("SELECT id FROM improvement_actions WHERE id = \(bind: id) FOR UPDATE").run()
            }
            guard
                let before = try await db.raw("SELECT * FROM improvement_actions WHERE id = \(bind: id)").first().map(
                    Self.improvement)
            else { throw RecordNotFound(entity: "improvementAction", id: id) }
            guard before.status == .open else { throw ImprovementClosed(id: id, status: before.status) }
            try await db.update("improvement_actions").set("status", to: status.rawValue)
                .set("outcome", to: outcome.trimmed).set("closed_by", to: actor.name).set("closed_at", to: now)
                .set("version", to: before.version + 1).where("id", .equal, id).run()
            try await AuditLog.append(
                on: db, entity: "improvementAction", id: id, action: .update, actor: actor, at: now, before: before,
                after: try await db.raw("SELECT * FROM improvement_actions WHERE id = \(bind: id)").first().map(
                    Self.improvement))
        }
        return try await improvement(id)
    }
}
