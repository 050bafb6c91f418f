import AftercareDomain
import Foundation
import SQLKit

/// The complaint is not assigned to the one who tries to work it.
public struct NotTheHandler: Error, Equatable, Sendable {
    public var id: Int
    public var handler: String?
}

/// The complaint no longer takes findings, notes of that kind or actions (closed or withdrawn).
public struct ComplaintNotEditable: Error, Equatable, Sendable {
    public var id: Int
    public var status: ComplaintStatus
}

extension Complaints {
    /// Locks the complaint's row and reads it within the caller's scope, hidden ones included as missing.
    static func lock(_ id: Int, for principal: Principal, within scope: Scope, on db: any SQLDatabase) async throws
        -> ComplaintView
    {
        if db.dialect.name != "sqlite" {
            try await db.raw("SELECT id FROM complaints WHERE id = \(bind: id) FOR UPDATE").run()
        }
        guard let view = try await load(id, within: scope, on: db), !hidden(view, from: principal) else {
            throw RecordNotFound(entity: entity, id: id)
        }
        return view
    }

    /// the ties of a user to what the complaint is about: is it about them, did they work on its requests.
    static func links(of view: ComplaintView, userId: Int, username: String, on db: any SQLDatabase) async throws
        -> HandlerLinks
    {
        var person = view.staffUserId == userId
        if let engineer = view.engineerId {
            let user = try await db.raw("SELECT user_id FROM engineers WHERE id = \(bind: engineer)").first(
                decodingColumn: "user_id", as: Int.self)
            if user == userId { person = true }
        }
        var requests: SQLQueryString?
        if let visit = view.visitId {
            let user = try await db.raw(
                "SELECT e.user_id FROM visits v JOIN engineers e ON e.id = v.engineer_id WHERE v.id = \(bind: visit)"
            ).first(decodingColumn: "user_id", as: Int.self)
            if user == userId { person = true }
            requests = "SELECT request_id FROM visits WHERE id = \(bind: visit)"
        }
        if let unit = view.unitId {
            requests = "SELECT request_id FROM service_request_units WHERE unit_id = \(bind: unit)"
        }
        if let request = view.requestId {
            requests = requests.map { $0 + " UNION SELECT \(bind: request)" } ?? "SELECT \(bind: request)"
        }
        var worked: [String] = []
        if let requests {
            worked = try await db.raw(
                """
                SELECT sr.number FROM service_requests sr WHERE sr.id IN (\(requests)) AND (sr.created_by = \(bind: username) \
                OR EXISTS (SELECT 1 FROM request_events e WHERE e.request_id = sr.id AND e.actor = \(bind: username)) \
                OR EXISTS (SELECT 1 FROM visits v JOIN engineers en ON en.id = v.engineer_id \
                WHERE v.request_id = sr.id AND en.user_id = \(bind: userId))) ORDER BY sr.number LIMIT 20
                """
            ).all().map { try $0.decode(column: "number", as: String.self) }
        }
        return HandlerLinks(isSubjectPerson: person, workedOnRequests: worked, subjectIsHandler: view.supervisorOnly)
    }

    /// refuses a user who may not work `view`.
    static func requireIndependent(
        _ view: ComplaintView, userId: Int, username: String, roles: Set<Role>, on db: any SQLDatabase
    ) async throws {
        let links = try await links(of: view, userId: userId, username: username, on: db)
        if let conflict = ComplaintIndependence.conflict(roles: roles, links: links) {
            throw NotIndependent(id: view.id, conflict: conflict)
        }
    }

    /// the handler working the complaint: its assigned handler or the supervisor; an unassigned complaint is
    /// taken by whoever works it first, if they are independent of it.
    static func requireHandler(_ view: ComplaintView, _ principal: Principal, on db: any SQLDatabase) async throws
        -> Bool
    {
        guard principal.handlesComplaints else { throw RecordNotFound(entity: entity, id: view.id) }
        try await requireIndependent(
            view, userId: principal.userId, username: principal.username, roles: principal.roles, on: db)
        if let handler = view.handlerUserId, handler != principal.userId, !principal.supervises {
            throw NotTheHandler(id: view.id, handler: view.handlerName)
        }
        return view.handlerUserId == nil
    }

    // MARK: Assignment

    /// a handler takes an unassigned complaint, or the supervisor assigns it to a handler; either way the
    /// handler must be independent of what it is about.
    public func assign(_ id: Int, to handlerId: Int?, expectedVersion: Int?, by principal: Principal) async throws
        -> ComplaintView
    {
        let scope = store.scope
        let now = store.now
        try await store.write { db in
            let before = try await Self.lock(id, for: principal, within: scope, on: db)
            if let expectedVersion, expectedVersion != before.version {
                throw StaleVersion(entity: Self.entity, id: id, expected: expectedVersion, current: before.version)
            }
            guard principal.handlesComplaints else { throw RecordNotFound(entity: Self.entity, id: id) }
            guard before.status.isOpen else { throw ComplaintNotEditable(id: id, status: before.status) }
            let target = handlerId ?? principal.userId
            if target != principal.userId || before.handlerUserId != nil {
                guard principal.supervises else { throw NotTheHandler(id: id, handler: before.handlerName) }
            }
            guard
                let user = try await db.raw(
                    """
                    SELECT username, roles FROM users WHERE id = \(bind: target) AND disabled_at IS NULL \
                    AND customer_id IS NULL
                    """
                ).first()
            else { throw ValidationError(["handlerUserId": .notFound]) }
            let roles = Set(CommaSet.decode(try user.decode(column: "roles", as: String.self)) as [Role])
            try await Self.requireIndependent(
                before, userId: target, username: try user.decode(column: "username", as: String.self), roles: roles,
                on: db)
            try await db.update("complaints").set("handler_user_id", to: target).set("version", to: before.version + 1)
                .set("updated_at", to: now).where("id", .equal, id).run()
            let after = try await Self.load(id, within: .everything, on: db)
            try await Self.appendEvent(
                id, event: "assign", from: before.status, to: before.status, note: after?.handlerName,
                by: principal.actor, at: now, on: db)
            try await AuditLog.append(
                on: db, entity: Self.entity, id: id, action: .update, actor: principal.actor, at: now, before: before,
                after: after)
        }
        return try await get(id, for: principal)
    }

    // MARK: Steps

    /// one step on a complaint. The lifecycle decides whether it is allowed now; the handler (or the
    /// supervisor) takes it, independent of the subject; the customer gives their own answers (satisfied, not
    /// satisfied, withdrawn) in the portal. Resolving needs the cause and the responsibility. What the step carries is
    /// written with it, and its effects (the deadlines, the draw for review) in the same transaction.
    public func post(_ step: ComplaintStepInput, to id: Int, by principal: Principal) async throws -> ComplaintView {
        var v = Validator()
        v.text("note", step.note, required: step.event.requiresNote, max: Limits.note)
        try v.finish()
        let scope = store.scope
        let now = store.now
        try await store.write { db in
            let before = try await Self.lock(id, for: principal, within: scope, on: db)
            if let expected = step.expectedVersion, expected != before.version {
                throw StaleVersion(entity: Self.entity, id: id, expected: expected, current: before.version)
            }
            try await Self.apply(step, to: before, by: principal, at: now, roll: Int.random(in: 0..<100), on: db)
        }
        return try await get(id, for: principal)
    }

    /// Applies one step to a locked complaint (the review's reopening uses it too).
    static func apply(
        _ step: ComplaintStepInput, to before: ComplaintView, by principal: Principal, at now: Date, roll: Int,
        on db: any SQLDatabase
    ) async throws {
        let id = before.id
        var takes = false
        if principal.customerId != nil {
            guard principal.customerId == before.customerId, step.event.isCustomerAnswer else {
                throw RecordNotFound(entity: entity, id: id)
            }
        } else if step.event == .reopen {
            guard principal.supervises else { throw RecordNotFound(entity: entity, id: id) }
        } else {
            takes = try await requireHandler(before, principal, on: db)
        }
        if step.event == .resolve {
            var missing: [String: FieldProblem] = [:]
            if before.cause == nil { missing["cause"] = .required }
            if before.responsibility == nil { missing["responsibility"] = .required }
            try ValidationError(missing).throwIfAny()
        }
        var lifecycle = ComplaintLifecycle(status: before.status)
        let note = step.note?.trimmed.nilIfEmpty
        let effects: [ComplaintEffect]
        do {
            effects = try lifecycle.apply(ComplaintEvent(step.event, note: note), at: now) { status in
                ComplaintStepNotAllowed(
                    id: id, status: status, event: step.event, allowed: ComplaintLifecycle.allowed(in: status))
            }
        } catch is ComplaintError {
            // The note the step needs (the plan, the feedback, the reason for closing unsatisfied) is missing.
            throw ValidationError(["note": .required])
        }
        var update = db.update("complaints").set("status", to: lifecycle.status.rawValue)
            .set("version", to: before.version + 1).set("updated_at", to: now)
        if takes { update = update.set("handler_user_id", to: principal.userId) }
        switch step.event {
        case .agreePlan: update = update.set("plan", to: note)
        case .resolve: update = update.set("feedback", to: note).set("resolved_at", to: now)
        case .confirmSatisfied, .reportNotSatisfied: update = update.set("customer_reply", to: SQLBind(note))
        case .close, .withdraw:
            update = update.set("closed_at", to: now).set("closed_reason", to: SQLBind(note))
        case .reprocess, .reopen:
            update = update.set("reprocessed", to: before.reprocessed + 1).set("resolved_at", to: SQLLiteral.null)
                .set("closed_at", to: SQLLiteral.null).set("closed_reason", to: SQLLiteral.null)
        default: break
        }
        for effect in effects {
            switch effect {
            case .stopAcknowledgementClock:
                if before.acknowledgedAt == nil { update = update.set("acknowledged_at", to: now) }
            case .stopResolutionClock:
                if step.event == .withdraw { update = update.set("resolved_at", to: now) }
            case .restartResolutionClock:
                let tier =
                    try await before.customerId.asyncMap { customer in
                        try await Records<CustomerRecord>.load(customer, within: .everything, on: db)?.tier
                    } ?? nil
                let deadlines = try await deadlines(
                    orgUnitId: before.orgUnitId, severity: before.severity, tier: tier ?? .regular, from: now, on: db)
                update = update.set("resolution_due_at", to: deadlines.resolution)
            case .considerReview:
                if ComplaintReview.selects(
                    closedFrom: before.status, compensated: before.compensation.kind != .none, roll: roll)
                {
                    update = update.set("review", to: "pending").set("reviewed_by", to: SQLLiteral.null)
                        .set("reviewed_at", to: SQLLiteral.null).set("review_note", to: SQLLiteral.null)
                }
            }
        }
        try await update.where("id", .equal, id).run()
        try await appendEvent(
            id, event: step.event.rawValue, from: before.status, to: lifecycle.status, note: note, by: principal.actor,
            at: now, on: db)
        try await AuditLog.append(
            on: db, entity: entity, id: id, action: .update, actor: principal.actor, at: now, before: before,
            after: try await load(id, within: .everything, on: db))
    }

    // MARK: Findings, notes, corrective actions

    /// records what the investigation found (cause, responsibility, severity, the customer it turned out to
    /// be, the compensation), while the complaint is open.
    public func record(_ findings: ComplaintFindingsInput, on id: Int, by principal: Principal) async throws
        -> ComplaintView
    {
        var v = Validator()
        v.text("compensationNote", findings.compensationNote, max: Limits.note)
        if let amount = findings.compensationMinor { v.range("compensationMinor", amount, 0...Money.maximumMinor) }
        if findings.compensationKind == .money, (findings.compensationMinor ?? 0) <= 0 {
            v.add("compensationMinor", .required)
        }
        if findings.compensationKind == CompensationKind.none, findings.compensationMinor != nil {
            v.add("compensationMinor", .invalidValue(allowed: ["only with a compensation"]))
        }
        try v.finish()
        let scope = store.scope
        let now = store.now
        try await store.write { db in
            let before = try await Self.lock(id, for: principal, within: scope, on: db)
            if let expected = findings.expectedVersion, expected != before.version {
                throw StaleVersion(entity: Self.entity, id: id, expected: expected, current: before.version)
            }
            let takes = try await Self.requireHandler(before, principal, on: db)
            guard before.status.isOpen else { throw ComplaintNotEditable(id: id, status: before.status) }
            var update = db.update("complaints").set("version", to: before.version + 1).set("updated_at", to: now)
            if takes { update = update.set("handler_user_id", to: principal.userId) }
            if let cause = findings.cause { update = update.set("cause", to: cause.rawValue) }
            if let responsibility = findings.responsibility {
                update = update.set("responsibility", to: responsibility.rawValue)
            }
            if let severity = findings.severity { update = update.set("severity", to: severity.rawValue) }
            if let customer = findings.customerId {
                guard try await Records<CustomerRecord>.load(customer, within: scope, on: db) != nil else {
                    throw ValidationError(["customerId": .notFound])
                }
                update = update.set("customer_id", to: customer)
            }
            if let kind = findings.compensationKind {
                update = update.set("compensation_kind", to: kind.rawValue)
                    .set("compensation_minor", to: SQLBind(kind == .none ? nil : findings.compensationMinor))
                    .set("compensation_note", to: SQLBind(findings.compensationNote?.trimmed.nilIfEmpty))
            }
            try await update.where("id", .equal, id).run()
            try await AuditLog.append(
                on: db, entity: Self.entity, id: id, action: .update, actor: principal.actor, at: now, before: before,
                after: try await Self.load(id, within: .everything, on: db))
        }
        return try await get(id, for: principal)
    }

    /// an investigation note; only handlers and the supervisor ever read it.
    public func addNote(_ body: String, to id: Int, by principal: Principal) async throws -> ComplaintNoteView {
        var v = Validator()
        v.text("body", body, required: true, max: Limits.note)
        try v.finish()
        let scope = store.scope
        let now = store.now
        return try await store.write { db in
            let before = try await Self.lock(id, for: principal, within: scope, on: db)
            _ = try await Self.requireHandler(before, principal, on: db)
            let noteId = try await db.insert(into: "complaint_notes").columns("complaint_id", "at", "author", "body")
                .values(SQLBind(id), SQLBind(now), SQLBind(principal.actor.name), SQLBind(body.trimmed))
                .returning("id").first(decodingColumn: "id", as: Int.self)!
            let note = ComplaintNoteView(id: noteId, at: now, author: principal.actor.name, body: body.trimmed)
            try await AuditLog.append(
                on: db, entity: "complaintNote", id: noteId, action: .create, actor: principal.actor, at: now,
                before: ComplaintNoteView?.none, after: note)
            return note
        }
    }

    /// a corrective action with its owner and due date.
    public func addAction(
        _ description: String, owner: String, dueOn: CalendarDate, to id: Int, by principal: Principal
    ) async throws -> CorrectiveActionView {
        var v = Validator()
        v.text("description", description, required: true, max: Limits.note)
        v.text("owner", owner, required: true, max: Limits.name)
        try v.finish()
        let scope = store.scope
        let now = store.now
        return try await store.write { db in
            let before = try await Self.lock(id, for: principal, within: scope, on: db)
            _ = try await Self.requireHandler(before, principal, on: db)
            let actionId = try await db.insert(into: "complaint_actions")
                .columns("complaint_id", "description", "owner", "due_on", "created_by", "created_at")
                .values(
                    SQLBind(id), SQLBind(description.trimmed), SQLBind(owner.trimmed), SQLBind(dueOn.description),
                    SQLBind(principal.actor.name), SQLBind(now)
                ).returning("id").first(decodingColumn: "id", as: Int.self)!
            let action = CorrectiveActionView(
                id: actionId, description: description.trimmed, owner: owner.trimmed, dueOn: dueOn, doneAt: nil,
                doneBy: nil, createdBy: principal.actor.name, createdAt: now)
            try await AuditLog.append(
                on: db, entity: "complaintAction", id: actionId, action: .create, actor: principal.actor, at: now,
                before: CorrectiveActionView?.none, after: action)
            return action
        }
    }

    /// marks a corrective action done.
    public func finishAction(_ actionId: Int, of id: Int, by principal: Principal) async throws {
        let scope = store.scope
        let now = store.now
        try await store.write { db in
            let before = try await Self.lock(id, for: principal, within: scope, on: db)
            _ = try await Self.requireHandler(before, principal, on: db)
            guard
                let row = try await db.raw(
                    "SELECT done_at FROM complaint_actions WHERE id = \(bind: actionId) AND complaint_id = \(bind: id)"
                ).first()
            else { throw RecordNotFound(entity: "complaintAction", id: actionId) }
            if try row.decode(column: "done_at", as: Date?.self) != nil { return }
            try await db.update("complaint_actions").set("done_at", to: now).set("done_by", to: principal.actor.name)
                .where("id", .equal, actionId).run()
            try await AuditLog.append(
                on: db, entity: "complaintAction", id: actionId, action: .update, actor: principal.actor, at: now,
                before: ["done": false], after: ["done": true])
        }
    }

    // MARK: Supervision

    /// the supervisor's verdict on a complaint drawn for review; `reopened` handles it again with the findings.
    public func review(_ id: Int, verdict: ReviewVerdict, note: String?, by principal: Principal) async throws
        -> ComplaintView
    {
        var v = Validator()
        v.text("note", note, required: verdict != .upheld, max: Limits.note)
        try v.finish()
        let scope = store.scope
        let now = store.now
        try await store.write { db in
            let before = try await Self.lock(id, for: principal, within: scope, on: db)
            guard principal.supervises else { throw RecordNotFound(entity: Self.entity, id: id) }
            guard before.review == "pending" else {
                throw ValidationError(["verdict": .invalidValue(allowed: ["only for a complaint drawn for review"])])
            }
            if verdict == .reopened {
                try await Self.apply(
                    ComplaintStepInput(event: .reopen, note: note), to: before, by: principal, at: now, roll: 100,
                    on: db)
            }
            try await db.update("complaints").set("review", to: verdict.rawValue)
                .set("version", to: before.version + 1).set("reviewed_by", to: principal.actor.name).set(
                    "reviewed_at", to: now
                )
                .set("review_note", to: SQLBind(note?.trimmed.nilIfEmpty)).where("id", .equal, id).run()
            try await AuditLog.append(
                on: db, entity: Self.entity, id: id, action: .update, actor: principal.actor, at: now, before: before,
                after: try await Self.load(id, within: .everything, on: db))
        }
        return try await get(id, for: principal)
    }
}
