import AftercareDomain
import Foundation
import SQLKit

/// R-10.1: how the customer was reached.
public enum FollowUpChannel: String, CodedEnum {
    case phone, online, visit
}

/// R-10.1: when each kind of follow-up falls due and how unanswered calls are retried.
public enum FollowUpRuleRecord: RecordKind {
    public struct Input: Codable, Sendable, Equatable {
        public var trigger: FollowUpTrigger
        /// From the trigger to the moment the call appears on the worklist.
        public var delayMinutes: Int
        /// How long after that the call is due.
        public var windowMinutes: Int
        public var basis: TimeBasis
        /// Waits before each retry of an unanswered call; after the last the follow-up is given up.
        public var retryMinutes: [Int]
        public var enabled: Bool

        public init(
            trigger: FollowUpTrigger, delayMinutes: Int, windowMinutes: Int, basis: TimeBasis, retryMinutes: [Int],
            enabled: Bool
        ) {
            self.trigger = trigger
            self.delayMinutes = delayMinutes
            self.windowMinutes = windowMinutes
            self.basis = basis
            self.retryMinutes = retryMinutes
            self.enabled = enabled
        }
    }

    public struct Fields: Codable, Sendable {
        var trigger: String
        var delayMinutes: Int
        var windowMinutes: Int
        var basis: String
        var retryMinutes: String
        var enabled: Bool
    }

    public typealias Row = Fields

    public struct View: Codable, Sendable, Equatable, Identifiable {
        public var id: Int
        public var trigger: FollowUpTrigger
        public var delayMinutes: Int
        public var windowMinutes: Int
        public var basis: TimeBasis
        public var retryMinutes: [Int]
        public var enabled: Bool
        public var version: Int
        public var createdAt: Date
        public var updatedAt: Date
        public var archivedAt: Date?
    }

    public static let table = "follow_up_rules"
    public static let entity = "followUpRule"

    /// The seeds' rules (`002`, `004`): 2 h after phone guidance, the next working day after a resolution, 3–4
    /// days after a depot repair is shipped back; unanswered calls retried after 2 h, 1 day and 2 days.
    public static let defaults: [Input] = [
        Input(
            trigger: .phoneGuidance, delayMinutes: 120, windowMinutes: 60, basis: .calendar,
            retryMinutes: [120, 1440, 2880], enabled: true),
        Input(
            trigger: .resolved, delayMinutes: 480, windowMinutes: 480, basis: .business,
            retryMinutes: [120, 1440, 2880], enabled: true),
        Input(
            trigger: .depotReturn, delayMinutes: 3 * 1440, windowMinutes: 1440, basis: .calendar,
            retryMinutes: [120, 1440, 2880], enabled: true),
    ]

    /// Checks `input` against the stored rules, read through `store`.
    public static func validate(_ input: Input, id: Int?, in store: Store) async throws -> Fields {
        try await validate(input, id: id, on: store.sql)
    }

    public static func validate(_ input: Input, id: Int?, on db: any SQLDatabase) async throws -> Fields {
        var v = Validator()
        v.range("delayMinutes", input.delayMinutes, 0...(60 * 24 * 60))
        v.range("windowMinutes", input.windowMinutes, 0...(30 * 24 * 60))
        if input.retryMinutes.count > 10 { v.add("retryMinutes", .outOfRange(min: 0, max: 10)) }
        for (index, minutes) in input.retryMinutes.enumerated() {
            v.range("retryMinutes.\(index)", minutes, 1...(30 * 24 * 60))
        }
        if try await Checks.taken(table, [("trigger", input.trigger.rawValue)], except: id, on: db) {
            v.add("trigger", .duplicate)
        }
        try v.finish()
        return Fields(
            trigger: input.trigger.rawValue, delayMinutes: input.delayMinutes, windowMinutes: input.windowMinutes,
            basis: input.basis.rawValue, retryMinutes: try JSONText.encode(input.retryMinutes), enabled: input.enabled)
    }

    public static func view(_ row: Fields, meta: RecordMeta) throws -> View {
        View(
            id: meta.id, trigger: try FollowUpTrigger.stored(row.trigger, column: "follow_up_rules.trigger"),
            delayMinutes: row.delayMinutes,
            windowMinutes: row.windowMinutes, basis: try TimeBasis.stored(row.basis, column: "follow_up_rules.basis"),
            retryMinutes: try JSONText.decode([Int].self, from: row.retryMinutes), enabled: row.enabled,
            version: meta.version, createdAt: meta.createdAt, updatedAt: meta.updatedAt, archivedAt: meta.archivedAt)
    }

    public static func input(from view: View) -> Input {
        Input(
            trigger: view.trigger, delayMinutes: view.delayMinutes, windowMinutes: view.windowMinutes,
            basis: view.basis,
            retryMinutes: view.retryMinutes, enabled: view.enabled)
    }

    static func rule(_ trigger: FollowUpTrigger, on db: any SQLDatabase) async throws -> View? {
        guard
            let row = try await select(on: db).where("trigger", .equal, trigger.rawValue)
                .where("archived_at", .is, SQLLiteral.null).first()
        else { return nil }
        return try view(
            row.decode(model: Fields.self, with: RowCoding.decoder),
            meta: row.decode(model: RecordMeta.self, with: RowCoding.decoder))
    }
}

/// A follow-up as the API shows it.
public struct FollowUpView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var requestId: Int
    public var requestNumber: String
    public var customerId: Int
    public var customerName: String
    public var contactName: String?
    public var contactPhone: String?
    public var trigger: FollowUpTrigger
    public var orgUnitId: Int
    public var assigneeId: Int?
    public var status: FollowUpStatus
    public var dueAt: Date
    public var attempts: Int
    public var channel: FollowUpChannel?
    public var outcome: FollowUpOutcome?
    public var attitudeRating: Int?
    public var qualityRating: Int?
    public var comment: String?
    public var completedAt: Date?
    public var completedBy: String?
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date
}

/// R-10.1: the result of one follow-up call.
public struct FollowUpResultInput: Codable, Sendable, Equatable {
    public var outcome: FollowUpOutcome
    public var channel: FollowUpChannel?
    /// 1 (poor) to 5 (excellent).
    public var attitudeRating: Int?
    public var qualityRating: Int?
    public var comment: String?

    public init(
        outcome: FollowUpOutcome, channel: FollowUpChannel? = nil, attitudeRating: Int? = nil,
        qualityRating: Int? = nil, comment: String? = nil
    ) {
        self.outcome = outcome
        self.channel = channel
        self.attitudeRating = attitudeRating
        self.qualityRating = qualityRating
        self.comment = comment
    }
}

/// The worklist's filters.
public struct FollowUpFilter: Sendable, Equatable {
    public var statuses: [FollowUpStatus] = [.open]
    public var assigneeId: Int?
    public var dueBefore: Date?
    public var requestId: Int?

    public init() {}
}

/// R-10.1: follow-ups: scheduled by lifecycle events, generated by the sweep when due, worked by the hotline.
public struct FollowUps: Sendable {
    public let store: Store

    public init(_ store: Store) {
        self.store = store
    }

    /// Schedules a follow-up trigger in the caller's transaction, per the enabled rule.
    static func schedule(_ trigger: FollowUpTrigger, requestId: Int, at now: Date, on db: any SQLDatabase) async throws
    {
        guard let rule = try await FollowUpRuleRecord.rule(trigger, on: db), rule.enabled else { return }
        let fireAt: Date
        if rule.basis == .business {
            let path =
                try await db.raw(
                    """
                    SELECT ou.path FROM service_requests sr JOIN org_units ou ON ou.id = sr.org_unit_id \
                    WHERE sr.id = \(bind: requestId)
                    """
                ).first(decodingColumn: "path", as: String.self)?.split(separator: "/").compactMap { Int($0) } ?? []
            let book = try await CalendarBook.load(forUnits: Set(path), on: db)
            fireAt =
                book.calendar(forPath: path).workingTime.adding(Double(rule.delayMinutes * 60), to: now)
                ?? now.addingTimeInterval(Double(rule.delayMinutes * 60))
        } else {
            fireAt = now.addingTimeInterval(Double(rule.delayMinutes * 60))
        }
        try await db.insert(into: "follow_up_triggers").columns("request_id", "trigger", "fire_at", "created_at")
            .values(SQLBind(requestId), SQLBind(trigger.rawValue), SQLBind(fireAt), SQLBind(now)).run()
    }

    static let columns = """
        f.*, sr.number AS request_number, sr.customer_id, c.name AS customer_name, sr.contact_name, sr.contact_phone
        """

    static func select(on db: any SQLDatabase) -> String {
        """
        SELECT \(columns) FROM follow_ups f JOIN service_requests sr ON sr.id = f.request_id \
        JOIN customers c ON c.id = sr.customer_id
        """
    }

    static func view(_ row: any SQLRow) throws -> FollowUpView {
        FollowUpView(
            id: try row.decode(column: "id", as: Int.self),
            requestId: try row.decode(column: "request_id", as: Int.self),
            requestNumber: try row.decode(column: "request_number", as: String.self),
            customerId: try row.decode(column: "customer_id", as: Int.self),
            customerName: try row.decode(column: "customer_name", as: String.self),
            contactName: try row.decode(column: "contact_name", as: String?.self),
            contactPhone: try row.decode(column: "contact_phone", as: String?.self),
            trigger: try row.decodeStored("trigger", as: FollowUpTrigger.self),
            orgUnitId: try row.decode(column: "org_unit_id", as: Int.self),
            assigneeId: try row.decode(column: "assignee_id", as: Int?.self),
            status: try row.decodeStored("status", as: FollowUpStatus.self),
            dueAt: try row.decode(column: "due_at", as: Date.self),
            attempts: try row.decode(column: "attempts", as: Int.self),
            channel: try row.decode(column: "channel", as: String?.self).flatMap(FollowUpChannel.init),
            outcome: try row.decode(column: "outcome", as: String?.self).flatMap(FollowUpOutcome.init),
            attitudeRating: try row.decode(column: "attitude_rating", as: Int?.self),
            qualityRating: try row.decode(column: "quality_rating", as: Int?.self),
            comment: try row.decode(column: "comment", as: String?.self),
            completedAt: try row.decode(column: "completed_at", as: Date?.self),
            completedBy: try row.decode(column: "completed_by", as: String?.self),
            version: try row.decode(column: "version", as: Int.self),
            createdAt: try row.decode(column: "created_at", as: Date.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }

    static func load(_ id: Int, within scope: Scope, on db: any SQLDatabase) async throws -> FollowUpView? {
        var sql: SQLQueryString = "\(unsafeRaw: select(on: db)) WHERE f.id = \(bind: id)"
        if let condition = ScopeSQL.orgUnitCondition("f.org_unit_id", scope) { sql = sql + " AND " + condition }
        return try await db.raw(sql).first().map(Self.view)
    }

    public func get(_ id: Int) async throws -> FollowUpView {
        guard let view = try await Self.load(id, within: store.scope, on: store.sql) else {
            throw RecordNotFound(entity: "followUp", id: id)
        }
        return view
    }

    /// The worklist: due first, keyset-paged by (due instant, id).
    /// When the latest follow-up call of `trigger` on a request the scope sees falls due: its trigger's time, or the
    /// due time of the follow-up it became; nil when none is scheduled.
    public func scheduled(requestId: Int, trigger: FollowUpTrigger) async throws -> Date? {
        guard try await ServiceRequests.load(requestId, within: store.scope, on: store.sql) != nil else { return nil }
        let made = try await store.sql.raw(
            """
            SELECT due_at FROM follow_ups WHERE request_id = \(bind: requestId) AND trigger = \(bind: trigger.rawValue) \
            ORDER BY id DESC LIMIT 1
            """
        ).first(decodingColumn: "due_at", as: Date.self)
        if let made { return made }
        return try await store.sql.raw(
            """
            SELECT fire_at FROM follow_up_triggers WHERE request_id = \(bind: requestId) \
            AND trigger = \(bind: trigger.rawValue) ORDER BY id DESC LIMIT 1
            """
        ).first(decodingColumn: "fire_at", as: Date.self)
    }

    public func list(_ filter: FollowUpFilter, page: PageRequest) async throws -> Page<FollowUpView> {
        var sql: SQLQueryString = "\(unsafeRaw: Self.select(on: store.sql)) WHERE 1 = 1"
        if let condition = ScopeSQL.orgUnitCondition("f.org_unit_id", store.scope) { sql = sql + " AND " + condition }
        if !filter.statuses.isEmpty {
            sql = sql + " AND f.status IN (\(SQLList(filter.statuses.map { SQLBind($0.rawValue) })))"
        }
        if let assignee = filter.assigneeId { sql = sql + " AND f.assignee_id = \(bind: assignee)" }
        if let before = filter.dueBefore { sql = sql + " AND f.due_at < \(bind: before)" }
        if let request = filter.requestId { sql = sql + " AND f.request_id = \(bind: request)" }
        if let afterId = page.afterId, let key = page.afterKey, let due = Timestamp.parse(key) {
            sql = sql + " AND (f.due_at > \(bind: due) OR (f.due_at = \(bind: due) AND f.id > \(bind: afterId)))"
        }
        sql = sql + " ORDER BY f.due_at, f.id LIMIT \(unsafeRaw: String(page.limit + 1))"
        let rows = try await store.sql.raw(sql).all()
        return try Page(
            rows: rows, limit: page.limit, cursor: { PageCursor.encode($0.id, key: Timestamp.format($0.dueAt)) },
            view: { try $0.map(Self.view) })
    }

    /// R-10.1: records a call. Solved closes a resolved request; not solved reopens it; unreachable retries on
    /// the rule's schedule and gives up after the last retry. All in one transaction with the audit entry.
    public func record(_ result: FollowUpResultInput, for id: Int, expectedVersion: Int, by actor: Actor) async throws
        -> FollowUpView
    {
        var v = Validator()
        v.range("attitudeRating", result.attitudeRating, 1...5)
        v.range("qualityRating", result.qualityRating, 1...5)
        v.text("comment", result.comment, max: Limits.note)
        if result.outcome == .notSolved, result.comment.isBlank { v.add("comment", .required) }
        try v.finish()
        let now = store.now
        let scope = store.scope
        let timeZone = store.timeZone
        return try await store.write { db in
            if db.dialect.name != "sqlite" {
                try await db.raw("SELECT id FROM follow_ups WHERE id = \(bind: id) FOR UPDATE").run()
            }
            guard let before = try await Self.load(id, within: scope, on: db) else {
                throw RecordNotFound(entity: "followUp", id: id)
            }
            guard before.version == expectedVersion else {
                throw StaleVersion(entity: "followUp", id: id, expected: expectedVersion, current: before.version)
            }
            let attempts = before.attempts + 1
            let retries =
                result.outcome == .unreachable
                ? try await FollowUpRuleRecord.rule(before.trigger, on: db)?.retryMinutes ?? [] : []
            var lifecycle = FollowUpLifecycle(status: before.status)
            let effects = try lifecycle.apply(
                .call(result.outcome, attempt: attempts, retries: retries), at: now,
                refusedAs: { FollowUpClosed(status: $0) })
            var due = before.dueAt
            for effect in effects {
                switch effect {
                case .closeRequest:
                    let request = try await ServiceRequests.load(before.requestId, within: scope, on: db)
                    if request?.status == .resolved {
                        _ = try await ServiceRequests.apply(
                            ServiceRequestEventInput(event: .close, note: result.comment), to: before.requestId,
                            by: actor, expectedVersion: nil, at: now, timeZone: timeZone, within: scope, on: db)
                    }
                case .reopenRequest:
                    let request = try await ServiceRequests.load(before.requestId, within: scope, on: db)
                    if let request, request.allowedEvents.contains(.reopen) {
                        _ = try await ServiceRequests.apply(
                            ServiceRequestEventInput(event: .reopen, note: result.comment), to: before.requestId,
                            by: actor, expectedVersion: nil, at: now, timeZone: timeZone, within: scope, on: db)
                    }
                case .dueAgain(let at):
                    due = at
                }
            }
            let status = lifecycle.status
            try await db.update("follow_ups").set("status", to: status.rawValue).set("due_at", to: due)
                .set("attempts", to: attempts).set("channel", to: SQLBind(result.channel?.rawValue))
                .set("outcome", to: result.outcome.rawValue).set("attitude_rating", to: SQLBind(result.attitudeRating))
                .set("quality_rating", to: SQLBind(result.qualityRating)).set("comment", to: SQLBind(result.comment))
                .set("completed_at", to: SQLBind(status == .open ? nil : now))
                .set("completed_by", to: SQLBind(status == .open ? nil : actor.name))
                .set("version", to: before.version + 1).set("updated_at", to: now).where("id", .equal, id).run()
            let after = try await Self.load(id, within: scope, on: db)!
            try await AuditLog.append(
                on: db, entity: "followUp", id: id, action: .update, actor: actor, at: now, before: before, after: after
            )
            return after
        }
    }
}

/// A follow-up already finished cannot be recorded again (409).
public struct FollowUpClosed: Error, Equatable, Sendable {
    public var status: FollowUpStatus
}

/// R-10.1: turns due triggers into follow-ups on the hotline's worklist: assigned to the agent who registered
/// the request when they are an active hotline agent, else to the unit's hotline; each assignee is notified.
/// A request reopened or cancelled since its trigger gets none.
public enum FollowUpSweep {
    public static func run(
        store: Store, now: Date, batchSize: Int = 500, shouldStop: @escaping @Sendable () -> Bool = { false }
    ) async throws -> SweepReport {
        try await Sweeps.drain(size: batchSize, shouldStop: shouldStop) {
            try await store.write { db in try await batch(now: now, size: batchSize, on: db) }
        }
    }

    static func batch(now: Date, size: Int, on db: any SQLDatabase) async throws -> SweepReport {
        let rows = try await db.raw(
            """
            SELECT t.id, t.request_id, t.trigger, t.fire_at, sr.status, sr.org_unit_id, sr.created_by, ou.path \
            FROM follow_up_triggers t JOIN service_requests sr ON sr.id = t.request_id \
            JOIN org_units ou ON ou.id = sr.org_unit_id \
            WHERE t.processed_at IS NULL AND t.fire_at <= \(bind: now) ORDER BY t.fire_at, t.id \
            LIMIT \(unsafeRaw: String(size))\(unsafeRaw: db.dialect.name == "sqlite" ? "" : " FOR UPDATE OF t SKIP LOCKED")
            """
        ).all()
        guard !rows.isEmpty else { return SweepReport() }
        let creators = Set(try rows.map { try $0.decode(column: "created_by", as: String.self) })
        var agents: [String: Int] = [:]
        for row in try await db.select().column("id").column("username").from("users")
            .where("username", .in, Array(creators)).where("disabled_at", .is, SQLLiteral.null)
            .where("archived_at", .is, SQLLiteral.null).where("roles", .like, "%,\(Role.hotlineAgent.rawValue),%").all()
        {
            agents[try row.decode(column: "username", as: String.self)] = try row.decode(column: "id", as: Int.self)
        }
        var paths: [Int: [Int]] = [:]
        for row in rows {
            paths[try row.decode(column: "id", as: Int.self)] =
                try row.decode(column: "path", as: String.self).split(separator: "/").compactMap { Int($0) }
        }
        let recipients = try await Recipients.load(units: Set(paths.values.flatMap { $0 }), on: db)
        var windows: [String: Int] = [:]
        for trigger in FollowUpTrigger.allCases {
            windows[trigger.rawValue] = try await FollowUpRuleRecord.rule(trigger, on: db)?.windowMinutes ?? 0
        }
        var notifications: [NewNotification] = []
        var created = 0
        for row in rows {
            let triggerId = try row.decode(column: "id", as: Int.self)
            let status = RequestStatus(rawValue: try row.decode(column: "status", as: String.self))
            if status == .resolved || status == .closed {
                let trigger = try row.decode(column: "trigger", as: String.self)
                let due = try row.decode(column: "fire_at", as: Date.self)
                    .addingTimeInterval(Double((windows[trigger] ?? 0) * 60))
                let assignee = agents[try row.decode(column: "created_by", as: String.self)]
                let followUp = try await db.insert(into: "follow_ups")
                    .columns(
                        "request_id", "trigger_id", "trigger", "org_unit_id", "assignee_id", "status", "due_at",
                        "attempts", "version", "created_at", "updated_at"
                    )
                    .values(
                        SQLBind(try row.decode(column: "request_id", as: Int.self)), SQLBind(triggerId),
                        SQLBind(trigger), SQLBind(try row.decode(column: "org_unit_id", as: Int.self)),
                        SQLBind(assignee),
                        SQLBind(FollowUpStatus.open.rawValue), SQLBind(due), SQLBind(0), SQLBind(1), SQLBind(now),
                        SQLBind(now)
                    )
                    .ignoringConflicts(with: ["trigger_id"]).returning("id").first(decodingColumn: "id", as: Int.self)
                if let followUp {
                    created += 1
                    let users =
                        assignee.map { [$0] }
                        ?? recipients.users(
                            for: [Recipient(role: .hotlineAgent, reach: .nearest)], path: paths[triggerId] ?? [])
                    for user in users {
                        notifications.append(
                            NewNotification(
                                userId: user, kind: .followUpDue,
                                requestId: try row.decode(column: "request_id", as: Int.self),
                                followUpId: followUp, target: nil, level: 0, dedupeKey: "followUp:\(followUp):\(user)"))
                    }
                }
            }
            try await db.update("follow_up_triggers").set("processed_at", to: now).where("id", .equal, triggerId).run()
        }
        _ = try await NewNotification.insert(notifications, at: now, on: db)
        return SweepReport(items: rows.count, created: created)
    }
}
