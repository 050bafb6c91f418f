import AftercareDomain
import Foundation
import SQLKit

/// requests for a statement. The investigator asks a unit of the service department a question about a
/// complaint against its work; the unit's staff see the question with the complaint's number, subject and status
/// (never the customer's words, the handler's notes or findings) and answer it. They cannot change the complaint.
public struct Statements: Sendable {
    public let store: Store

    public init(_ store: Store) {
        self.store = store
    }

    /// How long the unit has to answer, when the investigator gives no date.
    public static let answerDays = 2

    static func views(_ tail: SQLQueryString, on db: any SQLDatabase) async throws -> [StatementView] {
        let sql: SQLQueryString =
            """
            SELECT s.*, o.name AS org_unit_name, k.number, k.subject, k.status AS complaint_status, \
            k.created_at AS complaint_created_at, ko.name AS complaint_unit_name FROM complaint_statements s \
            JOIN org_units o ON o.id = s.org_unit_id JOIN complaints k ON k.id = s.complaint_id \
            JOIN org_units ko ON ko.id = k.org_unit_id 
            """ + tail
        return try await db.raw(sql).all().map { row in
            StatementView(
                id: try row.decode(column: "id", as: Int.self),
                complaint: ComplaintNotice(
                    id: try row.decode(column: "complaint_id", as: Int.self),
                    number: try row.decode(column: "number", as: String.self),
                    subject: try row.decodeStored("subject", as: ComplaintSubject.self),
                    status: try row.decodeStored("complaint_status", as: ComplaintStatus.self),
                    orgUnitName: try row.decode(column: "complaint_unit_name", as: String.self),
                    createdAt: try row.decode(column: "complaint_created_at", as: Date.self)),
                orgUnitId: try row.decode(column: "org_unit_id", as: Int.self),
                orgUnitName: try row.decode(column: "org_unit_name", as: String.self),
                question: try row.decode(column: "question", as: String.self),
                askedBy: try row.decode(column: "asked_by", as: String.self),
                askedAt: try row.decode(column: "asked_at", as: Date.self),
                dueAt: try row.decode(column: "due_at", as: Date.self),
                status: try row.decodeStored("status", as: StatementStatus.self),
                answer: try row.decode(column: "answer", as: String?.self),
                answeredBy: try row.decode(column: "answered_by", as: String?.self),
                answeredAt: try row.decode(column: "answered_at", as: Date?.self))
        }
    }

    /// the statements a caller sees: the handlers those of the complaints in their scope (the supervisor's
    /// alone included only for the supervisor), the service department those asked of the units in its scope.
    static func visible(to principal: Principal, within scope: Scope) -> SQLQueryString? {
        guard principal.handlesComplaints else { return ScopeSQL.orgUnitCondition("s.org_unit_id", scope) }
        let hidden: SQLQueryString? = principal.supervises ? nil : "k.supervisor_only = \(bind: false)"
        switch (ScopeSQL.orgUnitCondition("k.org_unit_id", scope), hidden) {
        case (let a?, let b?): return a + " AND " + b
        case (let a?, nil): return a
        case (nil, let b?): return b
        case (nil, nil): return nil
        }
    }

    /// The statements a unit of the service department is asked for (its subtree's), or every one for the
    /// complaint handlers; newest first.
    public func list(status: StatementStatus?, for principal: Principal, page: PageRequest) async throws -> Page<
        StatementView
    > {
        var tail: SQLQueryString = "WHERE 1 = 1"
        if let condition = Self.visible(to: principal, within: store.scope) { tail = tail + " AND " + condition }
        if let status { tail = tail + " AND s.status = \(bind: status.rawValue)" }
        if let afterId = page.afterId { tail = tail + " AND s.id < \(bind: afterId)" }
        tail = tail + " ORDER BY s.id DESC LIMIT \(unsafeRaw: String(page.limit + 1))"
        let rows = try await Self.views(tail, on: store.sql)
        return Page(rows: rows, limit: page.limit) { $0 }
    }

    /// One statement, for the unit asked (within the caller's scope) or a handler.
    public func get(_ id: Int, for principal: Principal) async throws -> StatementView {
        var tail: SQLQueryString = "WHERE s.id = \(bind: id)"
        if let condition = Self.visible(to: principal, within: store.scope) { tail = tail + " AND " + condition }
        guard let view = try await Self.views(tail, on: store.sql).first,
            principal.handlesComplaints || Permissions.allows(principal.roles, .answerStatements)
        else { throw RecordNotFound(entity: "statement", id: id) }
        return view
    }

    /// the investigator asks a unit of the service department for a statement on the complaint.
    public func ask(
        about complaintId: Int, of orgUnitId: Int, question: String, dueAt: Date?, by principal: Principal
    ) async throws -> StatementView {
        var v = Validator()
        v.text("question", question, required: true, max: Limits.note)
        let now = store.now
        if let dueAt, dueAt <= now { v.add("dueAt", .invalidValue(allowed: ["a time in the future"])) }
        try v.finish()
        let scope = store.scope
        let id = try await store.write { db in
            let complaint = try await Complaints.lock(complaintId, for: principal, within: scope, on: db)
            _ = try await Complaints.requireHandler(complaint, principal, on: db)
            guard complaint.status.isOpen else {
                throw ComplaintNotEditable(id: complaintId, status: complaint.status)
            }
            guard let unit = try await Records<OrgUnitRecord>.load(orgUnitId, within: .everything, on: db) else {
                throw ValidationError(["orgUnitId": .notFound])
            }
            if unit.archivedAt != nil { throw ValidationError(["orgUnitId": .archived]) }
            let due = dueAt ?? now.addingTimeInterval(Double(Self.answerDays) * 86400)
            let id = try await db.insert(into: "complaint_statements")
                .columns("complaint_id", "org_unit_id", "question", "asked_by", "asked_at", "due_at", "status")
                .values(
                    SQLBind(complaintId), SQLBind(orgUnitId), SQLBind(question.trimmed), SQLBind(principal.actor.name),
                    SQLBind(now), SQLBind(due), SQLBind(StatementStatus.asked.rawValue)
                ).returning("id").first(decodingColumn: "id", as: Int.self)!
            try await Complaints.appendEvent(
                complaintId, event: "askStatement", from: complaint.status, to: complaint.status, note: unit.name,
                by: principal.actor, at: now, on: db)
            let after = try await Self.views("WHERE s.id = \(bind: id)", on: db).first
            try await AuditLog.append(
                on: db, entity: "statement", id: id, action: .create, actor: principal.actor, at: now,
                before: StatementView?.none, after: after)
            return id
        }
        return try await get(id, for: principal)
    }

    /// the unit asked answers; the answer goes on the complaint for the investigator.
    public func answer(_ id: Int, with text: String, by principal: Principal) async throws -> StatementView {
        var v = Validator()
        v.text("answer", text, required: true, max: Limits.longText)
        try v.finish()
        guard Permissions.allows(principal.roles, .answerStatements) else {
            throw RecordNotFound(entity: "statement", id: id)
        }
        let scope = store.scope
        let now = store.now
        try await store.write { db in
            if db.dialect.name != "sqlite" {
                try await db.raw("SELECT id FROM complaint_statements WHERE id = \(bind: id) FOR UPDATE").run()
            }
            var tail: SQLQueryString = "WHERE s.id = \(bind: id)"
            if let condition = ScopeSQL.orgUnitCondition("s.org_unit_id", scope) { tail = tail + " AND " + condition }
            guard let before = try await Self.views(tail, on: db).first else {
                throw RecordNotFound(entity: "statement", id: id)
            }
            guard before.status == .asked else { throw StatementClosed(id: id, status: before.status) }
            try await db.update("complaint_statements").set("status", to: StatementStatus.answered.rawValue)
                .set("answer", to: text.trimmed).set("answered_by", to: principal.actor.name)
                .set("answered_at", to: now).where("id", .equal, id).run()
            try await Complaints.appendEvent(
                before.complaint.id, event: "statementAnswered", from: before.complaint.status,
                to: before.complaint.status, note: before.orgUnitName, by: principal.actor, at: now, on: db)
            try await AuditLog.append(
                on: db, entity: "statement", id: id, action: .update, actor: principal.actor, at: now, before: before,
                after: try await Self.views("WHERE s.id = \(bind: id)", on: db).first)
        }
        return try await get(id, for: principal)
    }

    /// The investigator withdraws a question no longer needed.
    public func withdraw(_ id: Int, by principal: Principal) async throws -> StatementView {
        let scope = store.scope
        let now = store.now
        try await store.write { db in
            guard let before = try await Self.views("WHERE s.id = \(bind: id)", on: db).first else {
                throw RecordNotFound(entity: "statement", id: id)
            }
            let complaint = try await Complaints.lock(before.complaint.id, for: principal, within: scope, on: db)
            _ = try await Complaints.requireHandler(complaint, principal, on: db)
            guard before.status == .asked else { throw StatementClosed(id: id, status: before.status) }
            try await db.update("complaint_statements").set("status", to: StatementStatus.withdrawn.rawValue)
                .where("id", .equal, id).run()
            try await AuditLog.append(
                on: db, entity: "statement", id: id, action: .update, actor: principal.actor, at: now, before: before,
                after: try await Self.views("WHERE s.id = \(bind: id)", on: db).first)
        }
        return try await get(id, for: principal)
    }
}
