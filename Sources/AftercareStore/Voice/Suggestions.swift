import AftercareDomain
import Foundation
import SQLKit

/// customers' suggestions. Anyone suggests: on the public form a branch's QR code opens (no account), in the
/// portal, or by phone through an agent. A suggestion belongs to a unit (scope) and, when it names one, to its
/// customer, who follows it in the portal. It is acknowledged within a deadline (two working days on the unit's
/// calendar), evaluated, adopted (with what will be done) or declined (with the reason), and an adopted one is
/// rewarded: a reward (points, a gift or an amount) is proposed and approved by a manager who did not propose it.
/// Every change is on the suggestion's timeline and in the audit trail, in the same transaction as the change.
public struct Suggestions: Sendable {
    public let store: Store

    public init(_ store: Store) {
        self.store = store
    }

    static let entity = "suggestion"
    static let rewardEntity = "suggestionReward"

    static let columns = """
        s.*, o.name AS org_unit_name, c.name AS customer_name, r.id AS reward_id, r.kind AS reward_kind, \
        r.points AS reward_points, r.amount_minor AS reward_amount_minor, r.currency AS reward_currency, \
        r.description AS reward_description, r.status AS reward_status, r.proposed_by AS reward_proposed_by, \
        r.proposed_at AS reward_proposed_at, r.decided_by AS reward_decided_by, r.decided_at AS reward_decided_at, \
        r.decision_note AS reward_decision_note
        """
    /// The suggestion with its unit, its customer and its latest reward.
    static let from = """
        FROM suggestions s JOIN org_units o ON o.id = s.org_unit_id LEFT JOIN customers c ON c.id = s.customer_id \
        LEFT JOIN suggestion_rewards r ON r.id = \
        (SELECT MAX(x.id) FROM suggestion_rewards x WHERE x.suggestion_id = s.id)
        """

    /// the suggestions `scope` sees: its units' suggestions, or a customer's own.
    static func visible(to scope: Scope) -> SQLQueryString {
        guard let condition = ScopeSQL.ownedCondition(orgUnit: "s.org_unit_id", customer: "s.customer_id", scope)
        else { return "" }
        return " AND " + condition
    }

    /// A reward from a row: the `suggestion_rewards` row itself (`prefix` empty) or the joined latest one
    /// (`reward_…`); nil when the joined suggestion has none.
    static func reward(_ row: any SQLRow, prefix: String = "", suggestionId: Int) throws -> SuggestionRewardView? {
        guard let id = try row.decode(column: prefix + "id", as: Int?.self) else { return nil }
        return SuggestionRewardView(
            id: id, suggestionId: suggestionId, kind: try row.decodeStored(prefix + "kind", as: RewardKind.self),
            points: try row.decode(column: prefix + "points", as: Int?.self),
            amountMinor: try row.decode(column: prefix + "amount_minor", as: Int?.self),
            currency: try row.decodeStored(prefix + "currency", as: Currency.self),
            description: try row.decode(column: prefix + "description", as: String.self).nilIfEmpty,
            status: try row.decodeStored(prefix + "status", as: RewardStatus.self),
            proposedBy: try row.decode(column: prefix + "proposed_by", as: String.self),
            proposedAt: try row.decode(column: prefix + "proposed_at", as: Date.self),
            decidedBy: try row.decode(column: prefix + "decided_by", as: String?.self),
            decidedAt: try row.decode(column: prefix + "decided_at", as: Date?.self),
            decisionNote: try row.decode(column: prefix + "decision_note", as: String?.self))
    }

    static func views(_ rows: [any SQLRow]) throws -> [SuggestionView] {
        try rows.map { row in
            let id = try row.decode(column: "id", as: Int.self)
            let status = try row.decodeStored("status", as: SuggestionStatus.self)
            return SuggestionView(
                id: id, number: try row.decode(column: "number", as: String.self),
                orgUnitId: try row.decode(column: "org_unit_id", as: Int.self),
                orgUnitName: try row.decode(column: "org_unit_name", as: String.self),
                customerId: try row.decode(column: "customer_id", as: Int?.self),
                customerName: try row.decode(column: "customer_name", as: String?.self),
                name: try row.decode(column: "name", as: String.self),
                phone: try row.decode(column: "phone", as: String?.self),
                email: try row.decode(column: "email", as: String?.self),
                channel: try row.decodeStored("channel", as: Channel.self),
                topic: try row.decode(column: "topic", as: String?.self),
                text: try row.decode(column: "text", as: String.self), status: status,
                allowedEvents: SuggestionLifecycle(status: status).allowedEvents,
                acknowledgementDueAt: try row.decode(column: "ack_due_at", as: Date.self),
                acknowledgedAt: try row.decode(column: "acknowledged_at", as: Date?.self),
                decision: try row.decode(column: "decision", as: String?.self),
                decidedBy: try row.decode(column: "decided_by", as: String?.self),
                decidedAt: try row.decode(column: "decided_at", as: Date?.self),
                reward: try Self.reward(row, prefix: "reward_", suggestionId: id),
                createdBy: try row.decode(column: "created_by", as: String.self),
                version: try row.decode(column: "version", as: Int.self),
                createdAt: try row.decode(column: "created_at", as: Date.self),
                updatedAt: try row.decode(column: "updated_at", as: Date.self))
        }
    }

    static func load(_ id: Int, within scope: Scope, on db: any SQLDatabase) async throws -> SuggestionView? {
        let sql: SQLQueryString =
            "SELECT \(unsafeRaw: columns) \(unsafeRaw: from) WHERE s.id = \(bind: id)" + visible(to: scope)
        guard let row = try await db.raw(sql).first() else { return nil }
        return try views([row]).first
    }

    /// The suggestion as `principal` may see it: whole for those who work suggestions, the customer's view for its
    /// own customer (a suggestion that names no customer is nobody's in the portal); anyone else finds nothing (404),
    /// like a missing one.
    public func get(_ id: Int, for principal: Principal) async throws -> SuggestionView {
        guard let view = try await Self.load(id, within: store.scope, on: store.sql),
            principal.handlesSuggestions || (principal.customerId != nil && principal.customerId == view.customerId)
        else { throw RecordNotFound(entity: Self.entity, id: id) }
        return principal.handlesSuggestions ? view : view.forCustomer()
    }

    /// The suggestion with its timeline and rewards. The customer sees the steps with the decision's reason (not the
    /// staff's other notes) and only the approved reward.
    public func file(_ id: Int, for principal: Principal) async throws -> SuggestionFile {
        let suggestion = try await get(id, for: principal)
        let db = store.sql
        var events = try await db.raw(
            "SELECT * FROM suggestion_events WHERE suggestion_id = \(bind: id) ORDER BY id LIMIT 1000"
        ).all().map { row in
            SuggestionEventView(
                id: try row.decode(column: "id", as: Int.self), at: try row.decode(column: "at", as: Date.self),
                actor: try row.decode(column: "actor", as: String.self),
                event: try row.decode(column: "event", as: String.self),
                from: try row.decodeStored("from_status", as: SuggestionStatus?.self),
                to: try row.decodeStored("to_status", as: SuggestionStatus.self),
                note: try row.decode(column: "note", as: String?.self))
        }
        var rewards = try await db.raw(
            "SELECT * FROM suggestion_rewards WHERE suggestion_id = \(bind: id) ORDER BY id LIMIT 100"
        ).all().compactMap { try Self.reward($0, suggestionId: id) }
        if !principal.handlesSuggestions {
            let told: Set<String> = [
                "open", SuggestionEventKind.acknowledge.rawValue, SuggestionEventKind.evaluate.rawValue,
                SuggestionEventKind.adopt.rawValue, SuggestionEventKind.decline.rawValue, "rewardApproved",
            ]
            let reasons: Set<String> = [SuggestionEventKind.adopt.rawValue, SuggestionEventKind.decline.rawValue]
            events = events.filter { told.contains($0.event) }.map { event in
                var event = event
                if !reasons.contains(event.event) { event.note = nil }
                event.actor = ""
                return event
            }
            rewards = rewards.filter { $0.status == .approved }.map { $0.forCustomer() }
        }
        return SuggestionFile(suggestion: suggestion, events: events, rewards: rewards)
    }

    /// The suggestions of `filter` that `principal` may see, newest first: those who work suggestions see their
    /// units'; a customer only their own.
    public func list(_ filter: SuggestionFilter, for principal: Principal, page: PageRequest) async throws -> Page<
        SuggestionView
    > {
        var sql: SQLQueryString =
            "SELECT \(unsafeRaw: Self.columns) \(unsafeRaw: Self.from) WHERE 1 = 1" + Self.visible(to: store.scope)
        if !principal.handlesSuggestions {
            guard let customer = principal.customerId else { return Page(items: [], nextCursor: nil) }
            sql = sql + " AND s.customer_id = \(bind: customer)"
        }
        if !filter.statuses.isEmpty {
            sql = sql + " AND s.status IN (\(SQLList(filter.statuses.map { SQLBind($0.rawValue) })))"
        }
        if let customer = filter.customerId { sql = sql + " AND s.customer_id = \(bind: customer)" }
        if filter.overdueAcknowledgement {
            sql =
                sql
                    + """
                     AND s.acknowledged_at IS NULL AND s.status = \(bind: SuggestionStatus.received.rawValue) \
                    AND s.ack_due_at < \(bind: store.now)
                    """
        }
        if filter.rewardPending {
            sql =
                sql
                    + """
                     AND EXISTS (SELECT 1 FROM suggestion_rewards p WHERE p.suggestion_id = s.id \
                    AND p.status = \(bind: RewardStatus.proposed.rawValue))
                    """
        }
        if let afterId = page.afterId { sql = sql + " AND s.id < \(bind: afterId)" }
        sql = sql + " ORDER BY s.id DESC LIMIT \(unsafeRaw: String(page.limit + 1))"
        let rows = try await store.sql.raw(sql).all()
        let customer = !principal.handlesSuggestions
        return try Page(rows: rows, limit: page.limit) { rows in
            try Self.views(rows).map { customer ? $0.forCustomer() : $0 }
        }
    }

    /// The changes of one suggestion, for those who work suggestions.
    public func audit(_ id: Int, for principal: Principal, page: PageRequest) async throws -> Page<AuditEntry> {
        guard principal.handlesSuggestions else { throw RecordNotFound(entity: Self.entity, id: id) }
        _ = try await get(id, for: principal)
        return try await AuditLog.entries(of: Self.entity, id: id, page: page, on: store.sql)
    }

    /// the units a suggestion QR code is printed for: the active branches and outlets the caller sees, in
    /// the order of the organisation tree (at most `limit`).
    public func qrUnits(limit: Int = 500) async throws -> [SuggestionUnitView] {
        var sql: SQLQueryString = """
            SELECT u.id, u.code, u.name, u.kind FROM org_units u WHERE u.archived_at IS NULL \
            AND u.kind IN (\(bind: OrgUnitKind.branch.rawValue), \(bind: OrgUnitKind.outlet.rawValue))
            """
        if let condition = ScopeSQL.orgUnitCondition("u.id", store.scope) { sql = sql + " AND " + condition }
        sql = sql + " ORDER BY u.path, u.id LIMIT \(unsafeRaw: String(max(1, min(limit, 2000))))"
        return try await store.sql.raw(sql).all().map { row in
            SuggestionUnitView(
                id: try row.decode(column: "id", as: Int.self), code: try row.decode(column: "code", as: String.self),
                name: try row.decode(column: "name", as: String.self),
                kind: try row.decodeStored("kind", as: OrgUnitKind.self))
        }
    }

    /// The name of the active unit a public link names (a QR code's `?unit=`), or nil: only its name, for the public
    /// form to say where the suggestion goes.
    public func unitName(forPublicLink id: Int) async throws -> String? {
        guard id > 0 else { return nil }
        return try await store.sql.raw(
            "SELECT name FROM org_units WHERE id = \(bind: id) AND archived_at IS NULL"
        ).first(decodingColumn: "name", as: String.self)
    }

    static func appendEvent(
        _ id: Int, event: String, from: SuggestionStatus?, to: SuggestionStatus, note: String?, by actor: Actor,
        at now: Date, on db: any SQLDatabase
    ) async throws {
        try await db.insert(into: "suggestion_events")
            .columns("suggestion_id", "at", "actor", "event", "from_status", "to_status", "note")
            .values(
                SQLBind(id), SQLBind(now), SQLBind(actor.name), SQLBind(event), SQLBind(from?.rawValue),
                SQLBind(to.rawValue), SQLBind(note)
            ).run()
    }
}

extension Principal {
    /// whether this user works suggestions (acknowledge, evaluate, adopt or decline, propose rewards).
    public var handlesSuggestions: Bool { Permissions.allows(roles, .handleSuggestions) }
    /// whether this user approves rewards.
    public var approvesRewards: Bool { Permissions.allows(roles, .approveRewards) }
}
