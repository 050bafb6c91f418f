import AftercareDomain
import Foundation
import SQLKit

/// Which requests the at-risk queue shows.
public enum QueueState: String, CodedEnum {
    /// Running and past the warning, not yet due.
    case atRisk
    /// Running or paused and past the due instant.
    case breached
}

/// One line of the at-risk/breached queue (R-3.2).
public struct QueueItem: Codable, Sendable, Equatable {
    public var requestId: Int
    public var number: String
    public var customerName: String
    public var priority: Priority
    public var status: RequestStatus
    public var orgUnitId: Int
    public var target: SLATarget
    public var state: ClockState
    public var dueAt: Date
    public var elapsedSeconds: Int
    public var targetSeconds: Int
    /// Whether `elapsedSeconds` and `targetSeconds` count working time or all time.
    public var basis: TimeBasis
}

/// One line of the compliance report (R-3.2): targets completed in a month, by branch, policy and target.
public struct ComplianceRow: Codable, Sendable, Equatable {
    /// `2026-11`.
    public var month: String
    public var branchId: Int
    public var branchName: String
    public var policyId: Int
    public var policyName: String
    public var target: SLATarget
    public var met: Int
    public var breached: Int
    /// Met share in percent, one decimal.
    public var compliancePercent: Double
}

/// R-3.2: the queues and reports read from the clock cache.
public struct SLAReports: Sendable {
    public let store: Store

    public init(_ store: Store) {
        self.store = store
    }

    /// The at-risk or breached requests, soonest due first, keyset-paged by (due instant, request, target).
    public func queue(_ state: QueueState, orgUnitId: Int? = nil, page: PageRequest) async throws -> Page<QueueItem> {
        let now = store.now
        var sql: SQLQueryString = """
            SELECT k.request_id, k.target, k.state, k.due_at, k.elapsed_seconds, k.target_seconds, k.basis, \
            k.org_unit_id, \
            sr.number, sr.priority, sr.status, c.name AS customer_name FROM sla_clocks k \
            JOIN service_requests sr ON sr.id = k.request_id JOIN customers c ON c.id = sr.customer_id WHERE 
            """
        switch state {
        case .atRisk:
            sql = sql + "k.state = 'running' AND k.warn_at <= \(bind: now) AND k.due_at > \(bind: now)"
        case .breached:
            sql = sql + "k.state IN ('running', 'paused') AND k.due_at <= \(bind: now)"
        }
        if let condition = ScopeSQL.orgUnitCondition("k.org_unit_id", store.scope) { sql = sql + " AND " + condition }
        if let orgUnitId {
            let path =
                try await store.sql.select().column("path").from("org_units").where("id", .equal, orgUnitId)
                .first(decodingColumn: "path", as: String.self) ?? "/none/"
            sql = sql + " AND k.org_unit_id IN (SELECT id FROM org_units WHERE path LIKE \(bind: path + "%"))"
        }
        // At risk: the soonest due first. Breached: the latest breach first, so today's are on the first page and
        // a breach months old is at the end.
        let after = state == .atRisk ? ">" : "<"
        let order = state == .atRisk ? "" : " DESC"
        if let afterId = page.afterId, let key = page.afterKey {
            let parts = key.split(separator: "|", maxSplits: 1).map(String.init)
            guard parts.count == 2, let due = Timestamp.parse(parts[0]), SLATarget(rawValue: parts[1]) != nil else {
                throw CursorMismatch()
            }
            sql =
                sql
                    + """
                     AND (k.due_at \(unsafeRaw: after) \(bind: due) OR (k.due_at = \(bind: due) AND \
                    (k.request_id \(unsafeRaw: after) \(bind: afterId) \
                    OR (k.request_id = \(bind: afterId) AND k.target \(unsafeRaw: after) \(bind: parts[1])))))
                    """
        }
        sql =
            sql
            + " ORDER BY k.due_at\(unsafeRaw: order), k.request_id\(unsafeRaw: order), k.target\(unsafeRaw: order) "
            + "LIMIT \(unsafeRaw: String(page.limit + 1))"
        let rows = try await store.sql.raw(sql).all()
        let cursor: (QueueItem) -> String = {
            PageCursor.encode($0.requestId, key: Timestamp.format($0.dueAt) + "|" + $0.target.rawValue)
        }
        return try Page(rows: rows, limit: page.limit, cursor: cursor) { try $0.map(Self.queueItem) }
    }

    static func queueItem(_ row: any SQLRow) throws -> QueueItem {
        return QueueItem(
            requestId: try row.decode(column: "request_id", as: Int.self),
            number: try row.decode(column: "number", as: String.self),
            customerName: try row.decode(column: "customer_name", as: String.self),
            priority: try row.decodeStored("priority", as: Priority.self),
            status: try row.decodeStored("status", as: RequestStatus.self),
            orgUnitId: try row.decode(column: "org_unit_id", as: Int.self),
            target: try row.decodeStored("target", as: SLATarget.self),
            state: try row.decodeStored("state", as: ClockState.self),
            dueAt: try row.decode(column: "due_at", as: Date.self),
            elapsedSeconds: try row.decode(column: "elapsed_seconds", as: Int.self),
            targetSeconds: try row.decode(column: "target_seconds", as: Int.self),
            basis: try row.decodeStored("basis", as: TimeBasis.self))
    }

    /// R-3.2: met and breached targets completed in each month from `from` to `to` (inclusive, `YYYY-MM`),
    /// grouped by branch (the second level of the organisation tree, or headquarters itself), policy and target.
    /// One grouped query per month over the completion index.
    public func compliance(fromMonth from: CalendarDate, toMonth to: CalendarDate) async throws -> [ComplianceRow] {
        let zone = store.timeZone
        var result: [ComplianceRow] = []
        var units: [Int: (path: [Int], name: String)] = [:]
        for row in try await store.sql.select().column("id").column("path").column("name").from("org_units").all() {
            units[try row.decode(column: "id", as: Int.self)] = (
                try row.decode(column: "path", as: String.self).split(separator: "/").compactMap { Int($0) },
                try row.decode(column: "name", as: String.self)
            )
        }
        var policies: [Int: String] = [:]
        for row in try await store.sql.select().column("id").column("name").from("sla_policies").all() {
            policies[try row.decode(column: "id", as: Int.self)] = try row.decode(column: "name", as: String.self)
        }
        var month = CalendarDate(year: from.year, month: from.month, day: 1)!
        let last = CalendarDate(year: to.year, month: to.month, day: 1)!
        var months = 0
        while month <= last, months < 36 {
            let next = month.adding(months: 1)
            let start = month.startOfDay(in: zone)
            let end = next.startOfDay(in: zone)
            var sql: SQLQueryString = """
                SELECT k.org_unit_id, k.policy_id, k.target, k.state, COUNT(*) AS n FROM sla_clocks k \
                WHERE k.completed_at >= \(bind: start) AND k.completed_at < \(bind: end) \
                AND k.state IN ('met', 'breached')
                """
            if let condition = ScopeSQL.orgUnitCondition("k.org_unit_id", store.scope) {
                sql = sql + " AND " + condition
            }
            sql = sql + " GROUP BY k.org_unit_id, k.policy_id, k.target, k.state"
            var groups: [String: ComplianceRow] = [:]
            for row in try await store.sql.raw(sql).all() {
                let unit = try row.decode(column: "org_unit_id", as: Int.self)
                let path = units[unit]?.path ?? [unit]
                let branch = path.count > 1 ? path[1] : path.first ?? unit
                let policy = try row.decode(column: "policy_id", as: Int.self)
                let target = try row.decodeStored("target", as: SLATarget.self)
                let key = "\(branch):\(policy):\(target.rawValue)"
                var entry =
                    groups[key]
                    ?? ComplianceRow(
                        month: String(month.description.prefix(7)), branchId: branch,
                        branchName: units[branch]?.name ?? "", policyId: policy, policyName: policies[policy] ?? "",
                        target: target, met: 0, breached: 0, compliancePercent: 0)
                let count = try row.decode(column: "n", as: Int.self)
                if try row.decode(column: "state", as: String.self) == "met" {
                    entry.met += count
                } else {
                    entry.breached += count
                }
                groups[key] = entry
            }
            result += groups.values.map { row in
                var row = row
                row.compliancePercent = (Double(row.met * 1000) / Double(max(1, row.met + row.breached))).rounded() / 10
                return row
            }.sorted {
                ($0.branchName, $0.policyName, $0.target.rawValue) < ($1.branchName, $1.policyName, $1.target.rawValue)
            }
            month = next
            months += 1
        }
        return result
    }

    /// The compliance report as CSV lines (header first).
    public static func csv(_ rows: [ComplianceRow]) -> String {
        var text = CSV.line([
            "month", "branch_id", "branch", "policy_id", "policy", "target", "met", "breached", "compliance_percent",
        ])
        for row in rows {
            text += CSV.line([
                row.month, "\(row.branchId)", row.branchName, "\(row.policyId)", row.policyName, row.target.rawValue,
                "\(row.met)", "\(row.breached)", String(format: "%.1f", row.compliancePercent),
            ])
        }
        return text
    }
}

extension CalendarDate {
    /// Local midnight of this day in `zone`.
    public func startOfDay(in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(from: DateComponents(year: year, month: month, day: day)) ?? Date(timeIntervalSince1970: 0)
    }
}
