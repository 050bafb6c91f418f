import AftercareDomain
import Foundation
import SQLKit

/// Everything the SLA calculator needs about one request, read in three queries for any number of requests.
struct ClockSubject: Sendable {
    var id: Int
    var orgUnitId: Int
    var path: [Int]
    /// R-8.5: the path of the depot the request's latest return case went to (empty: none); the depot turnaround
    /// runs on that unit's calendar.
    var depotPath: [Int] = []
    var status: RequestStatus
    var facts: RequestFacts
    var timeline: ClockTimeline
}

/// R-3: a request's clocks with everything that explains them: the policy and why it applies, the calendar and
/// whose it is, and per target the elapsed time, the pauses, the due instant and the checkpoints.
public struct SLAExplanation: Codable, Sendable, Equatable {
    public struct PolicyRef: Codable, Sendable, Equatable {
        public var id: Int
        public var name: String
        public var isDefault: Bool
        /// The conditions that matched (`priority=emergency`); empty for the default policy.
        public var conditions: [String]
    }

    public struct CalendarRef: Codable, Sendable, Equatable {
        /// `nil` for the built-in office week (no unit on the path has a calendar).
        public var id: Int?
        public var orgUnitId: Int
        public var name: String
        public var timeZone: String
        public var alwaysOpen: Bool
    }

    public struct Target: Codable, Sendable, Equatable {
        public var clock: TargetClock
        public var warnPercent: Int
        public var escalationPercents: [Int]
    }

    public var requestId: Int
    public var computedAt: Date
    /// `nil` when no policy applies (no default policy is configured).
    public var policy: PolicyRef?
    public var calendar: CalendarRef
    public var targets: [Target]
}

/// R-3: computes request clocks with the Domain calculator and keeps the `sla_clocks` cache in step. The cache is
/// only ever written here, from the same function the explanation uses.
public enum SLAClocks {
    /// Reads the subjects of `ids` (requests that do not exist are left out).
    static func subjects(_ ids: [Int], on db: any SQLDatabase) async throws -> [ClockSubject] {
        guard !ids.isEmpty else { return [] }
        let idList = SQLList(ids.map { SQLBind($0) })
        let requestRows = try await db.raw(
            """
            SELECT sr.id, sr.org_unit_id, sr.type, sr.priority, sr.emergency, sr.status, sr.created_at, c.tier, ou.path \
            FROM service_requests sr JOIN customers c ON c.id = sr.customer_id \
            JOIN org_units ou ON ou.id = sr.org_unit_id WHERE sr.id IN (\(idList)) ORDER BY sr.id
            """
        ).all()
        var units: [Int: (models: Set<Int>, lines: Set<Int>, families: Set<ServiceFamily>)] = [:]
        for row in try await db.raw(
            """
            SELECT sru.request_id, pm.id AS model_id, pm.product_line_id, pm.service_families \
            FROM service_request_units sru JOIN product_models pm ON pm.id = sru.model_id \
            WHERE sru.request_id IN (\(idList))
            """
        ).all() {
            let request = try row.decode(column: "request_id", as: Int.self)
            var entry = units[request] ?? ([], [], [])
            entry.models.insert(try row.decode(column: "model_id", as: Int.self))
            entry.lines.insert(try row.decode(column: "product_line_id", as: Int.self))
            for family in try row.decode(column: "service_families", as: String.self).split(separator: ",") {
                if let value = ServiceFamily(rawValue: String(family)) { entry.families.insert(value) }
            }
            units[request] = entry
        }
        var events: [Int: [ClockEvent]] = [:]
        for row in try await db.raw(
            """
            SELECT request_id, at, event, to_status FROM request_events \
            WHERE request_id IN (\(idList)) AND event <> 'register' ORDER BY request_id, id
            """
        ).all() {
            let request = try row.decode(column: "request_id", as: Int.self)
            events[request, default: []].append(
                ClockEvent(
                    at: try row.decode(column: "at", as: Date.self),
                    event: try row.decode(column: "event", as: String.self),
                    to: try row.decodeStored("to_status", as: RequestStatus.self)))
        }
        var depots: [Int: [Int]] = [:]
        for row in try await db.raw(
            """
            SELECT rc.request_id, ou.path FROM return_cases rc JOIN org_units ou ON ou.id = rc.depot_unit_id \
            WHERE rc.request_id IN (\(idList)) ORDER BY rc.id
            """
        ).all() {
            depots[try row.decode(column: "request_id", as: Int.self)] =
                try row.decode(column: "path", as: String.self).split(separator: "/").compactMap { Int($0) }
        }
        return try requestRows.map { row in
            let id = try row.decode(column: "id", as: Int.self)
            let path = try row.decode(column: "path", as: String.self).split(separator: "/").compactMap { Int($0) }
            let unit = units[id] ?? ([], [], [])
            let facts = RequestFacts(
                type: try row.decodeStored("type", as: RequestType.self),
                priority: try row.decodeStored("priority", as: Priority.self),
                emergency: try row.decode(column: "emergency", as: Bool.self), serviceFamilies: unit.families,
                productLineIds: unit.lines, productModelIds: unit.models,
                customerTier: try row.decodeStored("tier", as: CustomerTier.self),
                orgUnitPath: path)
            return ClockSubject(
                id: id, orgUnitId: try row.decode(column: "org_unit_id", as: Int.self), path: path,
                depotPath: depots[id] ?? [],
                status: try row.decodeStored("status", as: RequestStatus.self),
                facts: facts,
                timeline: ClockTimeline(
                    registeredAt: try row.decode(column: "created_at", as: Date.self), events: events[id] ?? []))
        }
    }

    /// The policy, calendar and clocks of one subject.
    /// R-8.5: the depot turnaround is counted on the depot's calendar when the request went to a depot.
    static func evaluate(_ subject: ClockSubject, policies: [SLAPolicy], book: CalendarBook, now: Date) -> (
        policy: SLAPolicy?, calendar: EffectiveCalendar, clocks: [TargetClock], depotCalendar: EffectiveCalendar?
    ) {
        let calendar = book.calendar(forPath: subject.path)
        guard let policy = SLAPolicy.choose(from: policies, for: subject.facts) else {
            return (nil, calendar, [], nil)
        }
        var clocks = SLAClock.evaluate(
            policy, timeline: subject.timeline, workingTime: calendar.workingTime, now: now)
        guard !subject.depotPath.isEmpty, let index = clocks.firstIndex(where: { $0.target == .depotTurnaround })
        else { return (policy, calendar, clocks, nil) }
        let depot = book.calendar(forPath: subject.depotPath)
        if let clock = SLAClock.evaluate(
            policy, timeline: subject.timeline, workingTime: depot.workingTime, now: now
        ).first(where: { $0.target == .depotTurnaround }) {
            clocks[index] = clock
        }
        return (policy, calendar, clocks, depot)
    }

    /// R-3: the explanation of a request's clocks, computed now from its timeline (not read from the cache).
    /// The explanation of one request's clocks, read through `store`.
    public static func explain(_ requestId: Int, now: Date, in store: Store) async throws -> SLAExplanation? {
        try await explain(requestId, now: now, on: store.sql)
    }

    public static func explain(_ requestId: Int, now: Date, on db: any SQLDatabase) async throws -> SLAExplanation? {
        guard let subject = try await subjects([requestId], on: db).first else { return nil }
        let policies = try await SLAPolicy.active(on: db)
        let book = try await CalendarBook.load(forUnits: Set(subject.path + subject.depotPath), on: db)
        let (policy, calendar, clocks, _) = evaluate(subject, policies: policies, book: book, now: now)
        let rules = Dictionary(uniqueKeysWithValues: (policy?.targets ?? []).map { ($0.target, $0) })
        let stored = calendar.workingTime.calendar
        return SLAExplanation(
            requestId: requestId, computedAt: now,
            policy: policy.map {
                .init(id: $0.id, name: $0.name, isDefault: $0.isDefault, conditions: $0.match.conditions)
            },
            calendar: .init(
                id: calendar.calendarId, orgUnitId: calendar.orgUnitId, name: calendar.name,
                timeZone: stored.timeZone, alwaysOpen: stored.alwaysOpen),
            targets: clocks.map { clock in
                let rule = rules[clock.target]!
                return .init(
                    clock: clock, warnPercent: rule.warnPercent, escalationPercents: rule.escalations.map(\.percent))
            })
    }

    /// Recomputes and stores the clocks of `ids`, in the caller's transaction. Notification progress (`stage`)
    /// is kept; the next check is the first checkpoint not yet notified.
    public static func refresh(_ ids: [Int], now: Date, on db: any SQLDatabase) async throws {
        let subjects = try await subjects(ids, on: db)
        guard !subjects.isEmpty else { return }
        let policies = try await SLAPolicy.active(on: db)
        let book = try await CalendarBook.load(forUnits: Set(subjects.flatMap { $0.path + $0.depotPath }), on: db)
        try await store(subjects, policies: policies, book: book, now: now, on: db)
    }

    static func store(
        _ subjects: [ClockSubject], policies: [SLAPolicy], book: CalendarBook, now: Date, on db: any SQLDatabase
    ) async throws {
        let idList = SQLList(subjects.map { SQLBind($0.id) })
        let lock = db.dialect.name == "sqlite" ? "" : " FOR UPDATE"
        var stages: [String: Int] = [:]
        for row in try await db.raw(
            "SELECT request_id, target, stage FROM sla_clocks WHERE request_id IN (\(idList))\(unsafeRaw: lock)"
        ).all() {
            let key =
                "\(try row.decode(column: "request_id", as: Int.self)):\(try row.decode(column: "target", as: String.self))"
            stages[key] = try row.decode(column: "stage", as: Int.self)
        }
        var rows: [[any SQLExpression]] = []
        var keep: [Int: [String]] = [:]
        var depotClocks: [Int: TargetClock] = [:]
        for subject in subjects {
            let (policy, calendar, clocks, depotCalendar) = evaluate(
                subject, policies: policies, book: book, now: now)
            guard let policy else { continue }
            for clock in clocks {
                if clock.target == .depotTurnaround { depotClocks[subject.id] = clock }
                keep[subject.id, default: []].append(clock.target.rawValue)
                let stage = stages["\(subject.id):\(clock.target.rawValue)"] ?? 0
                let next: Date? =
                    clock.state.isOpen && stage < clock.checkpoints.count ? clock.checkpoints[stage] : nil
                rows.append([
                    SQLBind(subject.id), SQLBind(clock.target.rawValue), SQLBind(subject.orgUnitId), SQLBind(policy.id),
                    SQLBind(
                        clock.target == .depotTurnaround
                            ? (depotCalendar ?? calendar).calendarId : calendar.calendarId),
                    SQLBind(clock.state.rawValue), SQLBind(clock.basis.rawValue),
                    SQLBind(clock.targetSeconds), SQLBind(clock.elapsedSeconds), SQLBind(clock.startedAt),
                    SQLBind(clock.completedAt), SQLBind(clock.dueAt), SQLBind(clock.warnAt),
                    SQLBind(try JSONText.encode(clock.checkpoints)), SQLBind(stage), SQLBind(next), SQLBind(now),
                ])
            }
        }
        // R-8.5: a request that went to a depot keeps its running depot clock's due time on its return cases, the
        // order of the depot's board.
        for subject in subjects where !subject.depotPath.isEmpty {
            let clock = depotClocks[subject.id]
            let due = clock?.startedAt != nil && clock?.completedAt == nil ? clock?.dueAt : nil
            try await db.update("return_cases").set("depot_due_at", to: SQLBind(due))
                .where("request_id", .equal, subject.id).run()
        }
        // Targets the policy no longer has (or no policy at all) are dropped from the cache.
        for subject in subjects {
            var delete = db.delete(from: "sla_clocks").where("request_id", .equal, subject.id)
            if let targets = keep[subject.id] { delete = delete.where("target", .notIn, targets) }
            try await delete.run()
        }
        guard !rows.isEmpty else { return }
        let columns = [
            "request_id", "target", "org_unit_id", "policy_id", "calendar_id", "state", "basis", "target_seconds",
            "elapsed_seconds", "started_at", "completed_at", "due_at", "warn_at", "checkpoints", "stage",
            "next_check_at", "computed_at",
        ]
        for chunk in stride(from: 0, to: rows.count, by: 200) {
            var insert = db.insert(into: "sla_clocks").columns(columns)
            for row in rows[chunk..<min(rows.count, chunk + 200)] { insert = insert.values(row) }
            try await insert.onConflict(with: ["request_id", "target"]) { update in
                var update = update
                for column in columns.dropFirst(2) { update = update.set(excludedValueOf: column) }
                return update
            }.run()
        }
    }
}
