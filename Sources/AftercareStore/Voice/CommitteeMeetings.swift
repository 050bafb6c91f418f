import AftercareDomain
import Foundation
import SQLKit

/// one decision of a customer committee meeting: what was decided, who sees to it, by when, and whether it
/// is done.
public struct CommitteeDecision: Codable, Sendable, Equatable {
    public var text: String
    public var owner: String
    public var dueOn: CalendarDate?
    public var done: Bool
    public var doneBy: String?
    public var doneAt: Date?

    public init(
        text: String, owner: String, dueOn: CalendarDate? = nil, done: Bool = false, doneBy: String? = nil,
        doneAt: Date? = nil
    ) {
        self.text = text
        self.owner = owner
        self.dueOn = dueOn
        self.done = done
        self.doneBy = doneBy
        self.doneAt = doneAt
    }
}

/// A decision as recorded with its meeting.
public struct CommitteeDecisionInput: Codable, Sendable, Equatable {
    public var text: String
    public var owner: String
    public var dueOn: CalendarDate?
    /// Already done when the minutes are written.
    public var done: Bool?

    public init(text: String, owner: String, dueOn: CalendarDate? = nil, done: Bool? = nil) {
        self.text = text
        self.owner = owner
        self.dueOn = dueOn
        self.done = done
    }
}

/// a customer committee meeting as recorded: the unit that held it, when and where, who attended, the
/// minutes and the decisions.
public struct CommitteeMeetingInput: Codable, Sendable, Equatable {
    public var orgUnitId: Int
    public var heldOn: CalendarDate
    public var place: String?
    /// Who attended, customers' representatives and ours, as written (one a line).
    public var attendees: String
    public var minutes: String
    public var decisions: [CommitteeDecisionInput]

    public init(
        orgUnitId: Int, heldOn: CalendarDate, place: String? = nil, attendees: String, minutes: String,
        decisions: [CommitteeDecisionInput] = []
    ) {
        self.orgUnitId = orgUnitId
        self.heldOn = heldOn
        self.place = place
        self.attendees = attendees
        self.minutes = minutes
        self.decisions = decisions
    }
}

public struct CommitteeMeetingView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var orgUnitId: Int
    public var orgUnitName: String
    public var heldOn: CalendarDate
    public var place: String?
    public var attendees: String
    public var minutes: String
    public var decisions: [CommitteeDecision]
    public var createdBy: String
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    /// Decisions not yet done.
    public var openDecisions: Int { decisions.filter { !$0.done }.count }
}

extension CustomerVisits {
    static let meetingEntity = "committeeMeeting"

    /// The most decisions one meeting records.
    public static let maximumDecisions = 50

    static let meetingColumns = "m.*, o.name AS org_unit_name"
    static let meetingFrom = "FROM committee_meetings m JOIN org_units o ON o.id = m.org_unit_id"

    static func meetingView(_ row: any SQLRow) throws -> CommitteeMeetingView {
        CommitteeMeetingView(
            id: try row.decode(column: "id", as: Int.self),
            orgUnitId: try row.decode(column: "org_unit_id", as: Int.self),
            orgUnitName: try row.decode(column: "org_unit_name", as: String.self),
            heldOn: try row.decodeDay("held_on"), place: try row.decode(column: "place", as: String?.self),
            attendees: try row.decode(column: "attendees", as: String.self),
            minutes: try row.decode(column: "minutes", as: String.self),
            decisions: try JSONText.decode(
                [CommitteeDecision].self, from: try row.decode(column: "decisions", as: String.self)),
            createdBy: try row.decode(column: "created_by", as: String.self),
            version: try row.decode(column: "version", as: Int.self),
            createdAt: try row.decode(column: "created_at", as: Date.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }

    static func loadMeeting(_ id: Int, within scope: Scope, on db: any SQLDatabase) async throws
        -> CommitteeMeetingView?
    {
        var sql: SQLQueryString =
            "SELECT \(unsafeRaw: meetingColumns) \(unsafeRaw: meetingFrom) WHERE m.id = \(bind: id)"
        if let scoped = ScopeSQL.orgUnitCondition("m.org_unit_id", scope) { sql = sql + " AND " + scoped }
        return try await db.raw(sql).first().map(meetingView)
    }

    /// The meeting, when the caller's scope sees the unit that held it; otherwise not found, like a missing one.
    public func meeting(_ id: Int) async throws -> CommitteeMeetingView {
        guard let view = try await Self.loadMeeting(id, within: store.scope, on: store.sql) else {
            throw RecordNotFound(entity: Self.meetingEntity, id: id)
        }
        return view
    }

    /// the customer committee meetings of the units the caller's scope sees, the latest held first.
    public func meetings(page: PageRequest) async throws -> Page<CommitteeMeetingView> {
        var sql: SQLQueryString = "SELECT \(unsafeRaw: Self.meetingColumns) \(unsafeRaw: Self.meetingFrom) WHERE 1 = 1"
        if let scoped = ScopeSQL.orgUnitCondition("m.org_unit_id", store.scope) { sql = sql + " AND " + scoped }
        if let afterId = page.afterId {
            guard let key = page.afterKey, CalendarDate(iso: key) != nil else { throw CursorMismatch() }
            sql = sql + " AND (m.held_on < \(bind: key) OR (m.held_on = \(bind: key) AND m.id < \(bind: afterId)))"
        }
        sql = sql + " ORDER BY m.held_on DESC, m.id DESC LIMIT \(unsafeRaw: String(page.limit + 1))"
        let rows = try await store.sql.raw(sql).all()
        return try Page(
            rows: rows, limit: page.limit, cursor: { PageCursor.encode($0.id, key: $0.heldOn.description) },
            view: { try $0.map(Self.meetingView) })
    }

    /// records a customer committee meeting held by a unit the caller's scope sees, with its decisions.
    public func recordMeeting(_ input: CommitteeMeetingInput, by actor: Actor) async throws -> CommitteeMeetingView {
        let today = store.today
        var v = Validator()
        if input.heldOn > today { v.add("heldOn", .invalidValue(allowed: ["on or before today"])) }
        v.text("place", input.place, max: Limits.shortText)
        v.text("attendees", input.attendees, required: true, max: Limits.note)
        v.text("minutes", input.minutes, required: true, max: Limits.longText)
        if input.decisions.count > Self.maximumDecisions {
            v.add("decisions", .tooMany(max: Self.maximumDecisions))
        }
        for (i, decision) in input.decisions.prefix(Self.maximumDecisions).enumerated() {
            v.text("decisions[\(i)].text", decision.text, required: true, max: Limits.note)
            v.text("decisions[\(i)].owner", decision.owner, required: true, max: Limits.name)
        }
        try v.finish()
        let scope = store.scope
        let now = store.now
        let decisions = input.decisions.map { d in
            CommitteeDecision(
                text: d.text.trimmingCharacters(in: .whitespacesAndNewlines),
                owner: d.owner.trimmingCharacters(in: .whitespacesAndNewlines), dueOn: d.dueOn,
                done: d.done ?? false, doneBy: d.done == true ? actor.name : nil, doneAt: d.done == true ? now : nil)
        }
        let decisionsText = try JSONText.encode(decisions)
        let id = try await store.write { db in
            guard let unit = try await Records<OrgUnitRecord>.load(input.orgUnitId, within: scope, on: db) else {
                throw ValidationError(["orgUnitId": .notFound])
            }
            if unit.archivedAt != nil { throw ValidationError(["orgUnitId": .archived]) }
            let id = try await db.insert(into: "committee_meetings")
                .columns(
                    "org_unit_id", "held_on", "place", "attendees", "minutes", "decisions", "created_by", "version",
                    "created_at", "updated_at"
                )
                .values(
                    SQLBind(input.orgUnitId), SQLBind(input.heldOn.description), SQLBind(Self.text(input.place)),
                    SQLBind(input.attendees.trimmingCharacters(in: .whitespacesAndNewlines)),
                    SQLBind(input.minutes.trimmingCharacters(in: .whitespacesAndNewlines)), SQLBind(decisionsText),
                    SQLBind(actor.name), SQLBind(1), SQLBind(now), SQLBind(now)
                ).returning("id").first(decodingColumn: "id", as: Int.self)!
            try await AuditLog.append(
                on: db, entity: Self.meetingEntity, id: id, action: .create, actor: actor, at: now,
                before: CommitteeMeetingView?.none, after: try await Self.loadMeeting(id, within: .everything, on: db))
            return id
        }
        return try await meeting(id)
    }

    /// decision `index` (from 0, in the order recorded) of a meeting is done. Done already: nothing changes.
    public func markDecisionDone(_ meetingId: Int, index: Int, by actor: Actor) async throws -> CommitteeMeetingView {
        let scope = store.scope
        let now = store.now
        try await store.write { db in
            if db.dialect.name != "sqlite" {
                try await db.raw("SELECT id FROM committee_meetings WHERE id = \(bind: meetingId) FOR UPDATE").run()
            }
            guard let before = try await Self.loadMeeting(meetingId, within: scope, on: db) else {
                throw RecordNotFound(entity: Self.meetingEntity, id: meetingId)
            }
            guard before.decisions.indices.contains(index) else {
                throw ValidationError(["index": .outOfRange(min: 0, max: max(0, before.decisions.count - 1))])
            }
            guard !before.decisions[index].done else { return }
            var decisions = before.decisions
            decisions[index].done = true
            decisions[index].doneBy = actor.name
            decisions[index].doneAt = now
            try await db.update("committee_meetings").set("decisions", to: try JSONText.encode(decisions))
                .set("version", to: before.version + 1).set("updated_at", to: now)
                .where("id", .equal, meetingId).run()
            try await AuditLog.append(
                on: db, entity: Self.meetingEntity, id: meetingId, action: .update, actor: actor, at: now,
                before: before, after: try await Self.loadMeeting(meetingId, within: .everything, on: db))
        }
        return try await meeting(meetingId)
    }
}
