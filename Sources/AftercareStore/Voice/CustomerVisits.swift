import AftercareDomain
import Foundation
import SQLKit

/// a periodic visit to a customer, planned by the generator, then held (with its record) or cancelled.
public struct CustomerVisitView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var customerId: Int
    public var customerName: String
    public var tier: CustomerTier
    /// The customer's organisation unit (the visit's scope), and its name.
    public var orgUnitId: Int
    public var orgUnitName: String
    public var visitor: Visitor
    public var dueOn: CalendarDate
    public var status: CustomerVisitStatus
    /// Who is to pay the visit: the account manager of the customer's unit (or the nearest above it), or a service
    /// manager at headquarters for the general manager's visits; nil when the organisation has none.
    public var assigneeUserId: Int?
    public var assigneeName: String?
    public var heldOn: CalendarDate?
    public var visitedBy: String?
    public var metWith: String?
    public var topics: String?
    /// 1 (very dissatisfied) to 5 (very satisfied), as the customer put it during the visit.
    public var satisfaction: Int?
    /// Sales or service opportunities the visit found.
    public var opportunities: String?
    public var notes: String?
    public var cancelReason: String?
    public var createdBy: String
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    /// Still planned, and its day has passed.
    public func overdue(today: CalendarDate) -> Bool { status == .planned && dueOn < today }
}

/// What a held visit's record says.
public struct CustomerVisitRecordInput: Codable, Sendable, Equatable {
    public var heldOn: CalendarDate
    public var visitedBy: String
    public var metWith: String
    public var topics: String
    public var satisfaction: Int
    public var opportunities: String?
    public var notes: String?
    public var expectedVersion: Int?

    public init(
        heldOn: CalendarDate, visitedBy: String, metWith: String, topics: String, satisfaction: Int,
        opportunities: String? = nil, notes: String? = nil, expectedVersion: Int? = nil
    ) {
        self.heldOn = heldOn
        self.visitedBy = visitedBy
        self.metWith = metWith
        self.topics = topics
        self.satisfaction = satisfaction
        self.opportunities = opportunities
        self.notes = notes
        self.expectedVersion = expectedVersion
    }
}

/// The visit list's filter.
public struct CustomerVisitFilter: Sendable, Equatable {
    public var status: CustomerVisitStatus?
    /// Planned, and due before today.
    public var overdue: Bool
    public var visitor: Visitor?
    public var customerId: Int?

    public init(
        status: CustomerVisitStatus? = nil, overdue: Bool = false, visitor: Visitor? = nil, customerId: Int? = nil
    ) {
        self.status = status
        self.overdue = overdue
        self.visitor = visitor
        self.customerId = customerId
    }
}

/// A visit that is no longer planned: it takes no record and no cancellation.
public struct CustomerVisitClosed: Error, Equatable, Sendable {
    public var id: Int
    public var status: CustomerVisitStatus

    public init(id: Int, status: CustomerVisitStatus) {
        self.id = id
        self.status = status
    }
}

/// periodic customer visits and customer committee meetings. The plan (which tiers are visited by whom, how
/// often) is one row of settings; the generator plans the visits due within `VisitPlan.horizonDays` for the customers
/// the caller's scope sees; each visit is then held with its record, or cancelled with the reason. Visits are scoped
/// by their customer's organisation unit. Every change is in the audit trail, in the same transaction.
public struct CustomerVisits: Sendable {
    public let store: Store

    public init(_ store: Store) {
        self.store = store
    }

    static let entity = "customerVisit"

    static let columns = """
        v.id, v.customer_id, v.visitor, v.due_on, v.status, v.assignee_user_id, v.held_on, v.visited_by, \
        v.met_with, v.topics, v.satisfaction, v.opportunities, v.notes, v.cancel_reason, v.created_by, v.version, \
        v.created_at, v.updated_at, c.name AS customer_name, c.tier AS customer_tier, \
        c.org_unit_id AS customer_unit_id, o.name AS org_unit_name, u.display_name AS assignee_name
        """
    static let from = """
        FROM customer_visits v JOIN customers c ON c.id = v.customer_id JOIN org_units o ON o.id = c.org_unit_id \
        LEFT JOIN users u ON u.id = v.assignee_user_id
        """

    /// the visits of the customers `scope` sees.
    static func visible(to scope: Scope) -> SQLQueryString {
        guard let condition = ScopeSQL.orgUnitCondition("c.org_unit_id", scope) else { return "" }
        return " AND " + condition
    }

    /// A day stored as ISO text in a nullable column.
    static func day(_ row: any SQLRow, _ column: String) throws -> CalendarDate? {
        guard let raw = try row.decode(column: column, as: String?.self) else { return nil }
        guard let day = CalendarDate(iso: raw) else {
            throw UnknownStoredValue(column: column, value: String(raw.prefix(100)))
        }
        return day
    }

    /// A text as stored: trimmed, nil when blank.
    static func text(_ value: String?) -> String? {
        guard let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else {
            return nil
        }
        return trimmed
    }

    static func view(_ row: any SQLRow) throws -> CustomerVisitView {
        CustomerVisitView(
            id: try row.decode(column: "id", as: Int.self),
            customerId: try row.decode(column: "customer_id", as: Int.self),
            customerName: try row.decode(column: "customer_name", as: String.self),
            tier: try row.decodeStored("customer_tier", as: CustomerTier.self),
            orgUnitId: try row.decode(column: "customer_unit_id", as: Int.self),
            orgUnitName: try row.decode(column: "org_unit_name", as: String.self),
            visitor: try row.decodeStored("visitor", as: Visitor.self), dueOn: try row.decodeDay("due_on"),
            status: try row.decodeStored("status", as: CustomerVisitStatus.self),
            assigneeUserId: try row.decode(column: "assignee_user_id", as: Int?.self),
            assigneeName: try row.decode(column: "assignee_name", as: String?.self),
            heldOn: try day(row, "held_on"), visitedBy: try row.decode(column: "visited_by", as: String?.self),
            metWith: try row.decode(column: "met_with", as: String?.self),
            topics: try row.decode(column: "topics", as: String?.self),
            satisfaction: try row.decode(column: "satisfaction", as: Int?.self),
            opportunities: try row.decode(column: "opportunities", as: String?.self),
            notes: try row.decode(column: "notes", as: String?.self),
            cancelReason: try row.decode(column: "cancel_reason", as: String?.self),
            createdBy: try row.decode(column: "created_by", as: String.self),
            version: try row.decode(column: "version", as: Int.self),
            createdAt: try row.decode(column: "created_at", as: Date.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }

    static func load(_ id: Int, within scope: Scope, on db: any SQLDatabase) async throws -> CustomerVisitView? {
        let sql: SQLQueryString =
            "SELECT \(unsafeRaw: columns) \(unsafeRaw: from) WHERE v.id = \(bind: id)" + visible(to: scope)
        return try await db.raw(sql).first().map(view)
    }

    /// The visit, when the caller's scope sees its customer; otherwise not found, like a missing one.
    public func get(_ id: Int) async throws -> CustomerVisitView {
        guard let view = try await Self.load(id, within: store.scope, on: store.sql) else {
            throw RecordNotFound(entity: Self.entity, id: id)
        }
        return view
    }

    // MARK: The plan's rules

    public func rules() async throws -> [VisitPlanRule] {
        try await Self.rules(on: store.sql)
    }

    /// The stored plan, or the seeds' (`VisitPlanRule.standard`) while none was set.
    static func rules(on db: any SQLDatabase) async throws -> [VisitPlanRule] {
        guard
            let text = try await db.raw("SELECT rules FROM visit_plan_rules WHERE id = 1").first(
                decodingColumn: "rules", as: String.self)
        else { return VisitPlanRule.standard }
        return try JSONText.decode([VisitPlanRule].self, from: text)
    }

    /// sets the visit plan (an empty plan plans nothing); the change is in the audit trail.
    public func setRules(_ rules: [VisitPlanRule], by actor: Actor) async throws -> [VisitPlanRule] {
        try VisitPlanRule.problems(rules).throwIfAny()
        let now = store.now
        let text = try JSONText.encode(rules)
        try await store.write { db in
            let before = try await Self.rules(on: db)
            try await db.raw(
                """
                INSERT INTO visit_plan_rules (id, rules, updated_by, updated_at) VALUES (1, \(bind: text), \
                \(bind: actor.name), \(bind: now)) ON CONFLICT (id) DO UPDATE SET rules = \(bind: text), \
                updated_by = \(bind: actor.name), updated_at = \(bind: now)
                """
            ).run()
            try await AuditLog.append(
                on: db, entity: "visitPlanRules", id: 1, action: .update, actor: actor, at: now, before: before,
                after: rules)
        }
        return try await self.rules()
    }

    // MARK: The generator

    /// Any number, the same for every instance: concurrent runs of the generator on PostgreSQL take turns.
    static let planLock = 1_004_017

    /// What the generator knows of one candidate customer besides `VisitCandidate`.
    struct Candidate {
        var orgUnitId: Int
        /// The customer's unit's path, from the root down.
        var path: [Int]
    }

    /// plans the visits due within `VisitPlan.horizonDays` of `today` (or overdue) for the customers the
    /// caller's scope sees, of the tiers the plan names, not archived; returns how many were planned. A customer's
    /// next visit by each visitor is due one interval after the last one held (or after the customer became ours);
    /// a visitor who already has a visit planned gets none. Three set-based reads, whatever the number of customers,
    /// so running it again plans nothing new.
    @discardableResult
    public func plan(today: CalendarDate, by actor: Actor) async throws -> Int {
        let scope = store.scope
        let zone = store.timeZone
        let now = store.now
        return try await store.write { db in
            if db.dialect.name != "sqlite" {
                try await db.raw("SELECT pg_advisory_xact_lock(\(unsafeRaw: String(Self.planLock)))").run()
            }
            let rules = try await Self.rules(on: db)
            let tiers = Set(rules.map(\.tier)).map(\.rawValue).sorted()
            guard !tiers.isEmpty else { return 0 }
            var narrow: SQLQueryString =
                " AND c.archived_at IS NULL AND c.tier IN (\(SQLList(tiers.map { SQLBind($0) })))"
            if let scoped = ScopeSQL.orgUnitCondition("c.org_unit_id", scope) { narrow = narrow + " AND " + scoped }
            // 1. The customers.
            var candidates: [VisitCandidate] = []
            var known: [Int: Candidate] = [:]
            for row in try await db.raw(
                """
                SELECT c.id, c.tier, c.created_at, c.org_unit_id, o.path FROM customers c \
                JOIN org_units o ON o.id = c.org_unit_id WHERE 1 = 1
                """ + narrow + " ORDER BY c.id"
            ).all() {
                let id = try row.decode(column: "id", as: Int.self)
                candidates.append(
                    VisitCandidate(
                        customerId: id, tier: try row.decodeStored("tier", as: CustomerTier.self),
                        since: CalendarDate(try row.decode(column: "created_at", as: Date.self), in: zone)))
                known[id] = Candidate(
                    orgUnitId: try row.decode(column: "org_unit_id", as: Int.self),
                    path: try row.decode(column: "path", as: String.self).split(separator: "/").compactMap {
                        Int($0)
                    })
            }
            guard !candidates.isEmpty else { return 0 }
            // 2. Their last visit held by each visitor.
            var lastHeld: [Int: [Visitor: CalendarDate]] = [:]
            for row in try await db.raw(
                """
                SELECT v.customer_id, v.visitor, MAX(v.held_on) AS last_held FROM customer_visits v \
                JOIN customers c ON c.id = v.customer_id \
                WHERE v.status = \(bind: CustomerVisitStatus.held.rawValue) AND v.held_on IS NOT NULL
                """ + narrow + " GROUP BY v.customer_id, v.visitor"
            ).all() {
                guard let last = try Self.day(row, "last_held") else { continue }
                let customer = try row.decode(column: "customer_id", as: Int.self)
                lastHeld[customer, default: [:]][try row.decodeStored("visitor", as: Visitor.self)] = last
            }
            // 3. The visitors who already have a visit planned.
            var planned: [Int: Set<Visitor>] = [:]
            for row in try await db.raw(
                """
                SELECT DISTINCT v.customer_id, v.visitor FROM customer_visits v \
                JOIN customers c ON c.id = v.customer_id \
                WHERE v.status = \(bind: CustomerVisitStatus.planned.rawValue)
                """ + narrow
            ).all() {
                let customer = try row.decode(column: "customer_id", as: Int.self)
                planned[customer, default: []].insert(try row.decodeStored("visitor", as: Visitor.self))
            }
            for i in candidates.indices {
                candidates[i].lastHeld = lastHeld[candidates[i].customerId] ?? [:]
                candidates[i].planned = planned[candidates[i].customerId] ?? []
            }
            let due = VisitPlan.due(candidates, rules: rules, today: today)
            guard !due.isEmpty else { return 0 }
            let assignees = try await Self.assignees(
                accountManagers: due.contains { $0.rule.visitor == .accountManager },
                generalManagers: due.contains { $0.rule.visitor == .generalManager }, on: db)
            var ids: [Int] = []
            for visit in due {
                guard let customer = known[visit.customerId] else { continue }
                let assignee: Int? =
                    switch visit.rule.visitor {
                    case .accountManager:
                        customer.path.reversed().first { assignees.accountManagers[$0] != nil }.flatMap {
                            assignees.accountManagers[$0]
                        }
                    case .generalManager: customer.path.first.flatMap { assignees.generalManagers[$0] }
                    }
                let id = try await db.insert(into: "customer_visits")
                    .columns(
                        "customer_id", "org_unit_id", "visitor", "due_on", "status", "assignee_user_id",
                        "created_by", "version", "created_at", "updated_at"
                    )
                    .values(
                        SQLBind(visit.customerId), SQLBind(customer.orgUnitId), SQLBind(visit.rule.visitor.rawValue),
                        SQLBind(visit.dueOn.description), SQLBind(CustomerVisitStatus.planned.rawValue),
                        SQLBind(assignee), SQLBind(actor.name), SQLBind(1), SQLBind(now), SQLBind(now)
                    ).returning("id").first(decodingColumn: "id", as: Int.self)!
                ids.append(id)
            }
            // The new visits' audit entries, read back a few hundred at a time.
            var start = 0
            while start < ids.count {
                let chunk = Array(ids[start..<min(start + 500, ids.count)])
                start += chunk.count
                let list = SQLList(chunk.map { SQLBind($0) })
                let views = try await db.raw(
                    "SELECT \(unsafeRaw: Self.columns) \(unsafeRaw: Self.from) WHERE v.id IN (\(list)) ORDER BY v.id"
                ).all().map(Self.view)
                for view in views {
                    try await AuditLog.append(
                        on: db, entity: Self.entity, id: view.id, action: .create, actor: actor, at: now,
                        before: CustomerVisitView?.none, after: view)
                }
            }
            return ids.count
        }
    }

    /// Who pays the planned visits: per organisation unit, its first active account manager; per root unit
    /// (headquarters), its first active service manager, who stands for the general manager. Two reads at most.
    static func assignees(accountManagers: Bool, generalManagers: Bool, on db: any SQLDatabase) async throws -> (
        accountManagers: [Int: Int], generalManagers: [Int: Int]
    ) {
        var managers: [Int: Int] = [:]
        if accountManagers {
            let role = "%,\(Role.accountManager.rawValue),%"
            for row in try await db.raw(
                """
                SELECT u.id, u.org_unit_id FROM users u WHERE u.roles LIKE \(bind: role) \
                AND u.disabled_at IS NULL AND u.archived_at IS NULL ORDER BY u.id
                """
            ).all() {
                let unit = try row.decode(column: "org_unit_id", as: Int.self)
                if managers[unit] == nil { managers[unit] = try row.decode(column: "id", as: Int.self) }
            }
        }
        var general: [Int: Int] = [:]
        if generalManagers {
            let role = "%,\(Role.serviceManager.rawValue),%"
            for row in try await db.raw(
                """
                SELECT u.id, u.org_unit_id FROM users u JOIN org_units o ON o.id = u.org_unit_id \
                WHERE o.parent_id IS NULL AND u.roles LIKE \(bind: role) \
                AND u.disabled_at IS NULL AND u.archived_at IS NULL ORDER BY u.id
                """
            ).all() {
                let unit = try row.decode(column: "org_unit_id", as: Int.self)
                if general[unit] == nil { general[unit] = try row.decode(column: "id", as: Int.self) }
            }
        }
        return (managers, general)
    }

    // MARK: The visits

    /// The visits of `filter` that the caller's scope sees: by due day, the earliest first (so overdue visits lead
    /// the plan); held and cancelled visits the latest first. Keyset-paged on the due day and the id.
    public func list(_ filter: CustomerVisitFilter, page: PageRequest) async throws -> Page<CustomerVisitView> {
        var sql: SQLQueryString =
            "SELECT \(unsafeRaw: Self.columns) \(unsafeRaw: Self.from) WHERE 1 = 1" + Self.visible(to: store.scope)
        if let status = filter.status { sql = sql + " AND v.status = \(bind: status.rawValue)" }
        if filter.overdue {
            let today = store.today.description
            sql = sql + " AND v.status = \(bind: CustomerVisitStatus.planned.rawValue) AND v.due_on < \(bind: today)"
        }
        if let visitor = filter.visitor { sql = sql + " AND v.visitor = \(bind: visitor.rawValue)" }
        if let customer = filter.customerId { sql = sql + " AND v.customer_id = \(bind: customer)" }
        let latestFirst = filter.status == .held || filter.status == .cancelled
        if let afterId = page.afterId {
            guard let key = page.afterKey, CalendarDate(iso: key) != nil else { throw CursorMismatch() }
            if latestFirst {
                sql = sql + " AND (v.due_on < \(bind: key) OR (v.due_on = \(bind: key) AND v.id < \(bind: afterId)))"
            } else {
                sql = sql + " AND (v.due_on > \(bind: key) OR (v.due_on = \(bind: key) AND v.id > \(bind: afterId)))"
            }
        }
        if latestFirst {
            sql = sql + " ORDER BY v.due_on DESC, v.id DESC"
        } else {
            sql = sql + " ORDER BY v.due_on, v.id"
        }
        sql = sql + " LIMIT \(unsafeRaw: String(page.limit + 1))"
        let rows = try await store.sql.raw(sql).all()
        return try Page(
            rows: rows, limit: page.limit, cursor: { PageCursor.encode($0.id, key: $0.dueOn.description) },
            view: { try $0.map(Self.view) })
    }

    /// The visit locked for a change (PostgreSQL), as the caller's scope sees it, still planned.
    static func planned(_ id: Int, expectedVersion: Int?, within scope: Scope, on db: any SQLDatabase) async throws
        -> CustomerVisitView
    {
        if db.dialect.name != "sqlite" {
            try await db.raw("SELECT id FROM customer_visits WHERE id = \(bind: id) FOR UPDATE").run()
        }
        guard let before = try await load(id, within: scope, on: db) else {
            throw RecordNotFound(entity: entity, id: id)
        }
        if let expectedVersion, expectedVersion != before.version {
            throw StaleVersion(entity: entity, id: id, expected: expectedVersion, current: before.version)
        }
        guard before.status == .planned else { throw CustomerVisitClosed(id: id, status: before.status) }
        return before
    }

    /// the visit was held: when, by whom, whom they met, what was discussed, how satisfied the customer is
    /// (1–5), the opportunities found and any notes. The customer's next visit by the same visitor is then due one
    /// interval after `heldOn`.
    public func record(_ id: Int, _ input: CustomerVisitRecordInput, by actor: Actor) async throws -> CustomerVisitView
    {
        let today = store.today
        var v = Validator()
        if input.heldOn > today { v.add("heldOn", .invalidValue(allowed: ["on or before today"])) }
        v.text("visitedBy", input.visitedBy, required: true, max: Limits.name)
        v.text("metWith", input.metWith, required: true, max: Limits.shortText)
        v.text("topics", input.topics, required: true, max: Limits.note)
        v.range("satisfaction", input.satisfaction, 1...5)
        v.text("opportunities", input.opportunities, max: Limits.note)
        v.text("notes", input.notes, max: Limits.note)
        try v.finish()
        let scope = store.scope
        let now = store.now
        try await store.write { db in
            let before = try await Self.planned(id, expectedVersion: input.expectedVersion, within: scope, on: db)
            try await db.update("customer_visits")
                .set("status", to: CustomerVisitStatus.held.rawValue)
                .set("held_on", to: input.heldOn.description)
                .set("visited_by", to: input.visitedBy.trimmingCharacters(in: .whitespacesAndNewlines))
                .set("met_with", to: input.metWith.trimmingCharacters(in: .whitespacesAndNewlines))
                .set("topics", to: input.topics.trimmingCharacters(in: .whitespacesAndNewlines))
                .set("satisfaction", to: input.satisfaction)
                .set("opportunities", to: Self.text(input.opportunities))
                .set("notes", to: Self.text(input.notes))
                .set("version", to: before.version + 1).set("updated_at", to: now)
                .where("id", .equal, id).run()
            try await AuditLog.append(
                on: db, entity: Self.entity, id: id, action: .update, actor: actor, at: now, before: before,
                after: try await Self.load(id, within: .everything, on: db))
        }
        return try await get(id)
    }

    /// the planned visit will not take place, for `reason`. The generator plans the customer's next one.
    public func cancel(_ id: Int, reason: String, expectedVersion: Int? = nil, by actor: Actor) async throws
        -> CustomerVisitView
    {
        var v = Validator()
        v.text("reason", reason, required: true, max: Limits.note)
        try v.finish()
        let scope = store.scope
        let now = store.now
        try await store.write { db in
            let before = try await Self.planned(id, expectedVersion: expectedVersion, within: scope, on: db)
            try await db.update("customer_visits")
                .set("status", to: CustomerVisitStatus.cancelled.rawValue)
                .set("cancel_reason", to: reason.trimmingCharacters(in: .whitespacesAndNewlines))
                .set("version", to: before.version + 1).set("updated_at", to: now)
                .where("id", .equal, id).run()
            try await AuditLog.append(
                on: db, entity: Self.entity, id: id, action: .update, actor: actor, at: now, before: before,
                after: try await Self.load(id, within: .everything, on: db))
        }
        return try await get(id)
    }
}
