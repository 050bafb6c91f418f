import AftercareDomain
import Foundation
import SQLKit

/// R-9: complaints. A complaint is not a service request: it has its own number, timeline and deadlines, and only the
/// complaint handlers and their supervisor read and work it (R-9.1). It belongs to the unit whose work it concerns
/// (scope and statistics), and to its customer, who follows it in the portal. The service department learns that a
/// complaint exists against its work (`notices`) and answers the investigator's questions (`Statements`), nothing
/// more. Every step is on the complaint's timeline and in the audit trail, in the same transaction as the change.
public struct Complaints: Sendable {
    public let store: Store

    public init(_ store: Store) {
        self.store = store
    }

    static let entity = "complaint"

    static let columns = """
        k.*, o.name AS org_unit_name, c.name AS customer_name, sr.number AS request_number, \
        eu.display_name AS engineer_name, u.serial_number AS unit_serial, m.name AS product_model_name, \
        su.display_name AS staff_name, hu.display_name AS handler_name
        """
    static let from = """
        FROM complaints k JOIN org_units o ON o.id = k.org_unit_id LEFT JOIN customers c ON c.id = k.customer_id \
        LEFT JOIN service_requests sr ON sr.id = k.request_id LEFT JOIN engineers e ON e.id = k.engineer_id \
        LEFT JOIN users eu ON eu.id = e.user_id LEFT JOIN units u ON u.id = k.unit_id \
        LEFT JOIN product_models m ON m.id = k.product_model_id LEFT JOIN users su ON su.id = k.staff_user_id \
        LEFT JOIN users hu ON hu.id = k.handler_user_id
        """

    /// R-14.2: the complaints `scope` sees: its units' complaints, or a customer's own.
    static func visible(to scope: Scope) -> SQLQueryString {
        guard let condition = ScopeSQL.ownedCondition(orgUnit: "k.org_unit_id", customer: "k.customer_id", scope)
        else { return "" }
        return " AND " + condition
    }

    static func views(_ rows: [any SQLRow]) throws -> [ComplaintView] {
        try rows.map { row in
            let status = try row.decodeStored("status", as: ComplaintStatus.self)
            return ComplaintView(
                id: try row.decode(column: "id", as: Int.self),
                number: try row.decode(column: "number", as: String.self),
                orgUnitId: try row.decode(column: "org_unit_id", as: Int.self),
                orgUnitName: try row.decode(column: "org_unit_name", as: String.self),
                customerId: try row.decode(column: "customer_id", as: Int?.self),
                customerName: try row.decode(column: "customer_name", as: String?.self),
                complainantName: try row.decode(column: "complainant_name", as: String.self),
                complainantPhone: try row.decode(column: "complainant_phone", as: String?.self),
                complainantEmail: try row.decode(column: "complainant_email", as: String?.self),
                channel: try row.decodeStored("channel", as: Channel.self),
                subject: try row.decodeStored("subject", as: ComplaintSubject.self),
                requestId: try row.decode(column: "request_id", as: Int?.self),
                requestNumber: try row.decode(column: "request_number", as: String?.self),
                visitId: try row.decode(column: "visit_id", as: Int?.self),
                engineerId: try row.decode(column: "engineer_id", as: Int?.self),
                engineerName: try row.decode(column: "engineer_name", as: String?.self),
                unitId: try row.decode(column: "unit_id", as: Int?.self),
                unitSerial: try row.decode(column: "unit_serial", as: String?.self),
                productModelId: try row.decode(column: "product_model_id", as: Int?.self),
                productModelName: try row.decode(column: "product_model_name", as: String?.self),
                staffUserId: try row.decode(column: "staff_user_id", as: Int?.self),
                staffName: try row.decode(column: "staff_name", as: String?.self),
                subjectText: try row.decode(column: "subject_text", as: String?.self),
                severity: try row.decodeStored("severity", as: ComplaintSeverity.self),
                wish: try row.decodeStored("wish", as: ComplaintWish.self),
                words: try row.decode(column: "words", as: String.self),
                wants: try row.decode(column: "wants", as: String?.self), status: status,
                allowedEvents: ComplaintLifecycle(status: status).allowedEvents,
                handlerUserId: try row.decode(column: "handler_user_id", as: Int?.self),
                handlerName: try row.decode(column: "handler_name", as: String?.self),
                supervisorOnly: try row.decode(column: "supervisor_only", as: Bool.self),
                cause: try row.decodeStored("cause", as: ComplaintCause?.self),
                responsibility: try row.decodeStored("responsibility", as: ComplaintResponsibility?.self),
                plan: try row.decode(column: "plan", as: String?.self),
                feedback: try row.decode(column: "feedback", as: String?.self),
                customerReply: try row.decode(column: "customer_reply", as: String?.self),
                compensation: Compensation(
                    kind: try row.decodeStored("compensation_kind", as: CompensationKind.self),
                    amountMinor: try row.decode(column: "compensation_minor", as: Int?.self),
                    currency: try row.decodeStored("currency", as: Currency.self),
                    note: try row.decode(column: "compensation_note", as: String?.self)),
                acknowledgementDueAt: try row.decode(column: "ack_due_at", as: Date.self),
                acknowledgedAt: try row.decode(column: "acknowledged_at", as: Date?.self),
                resolutionDueAt: try row.decode(column: "resolution_due_at", as: Date.self),
                resolvedAt: try row.decode(column: "resolved_at", as: Date?.self),
                closedAt: try row.decode(column: "closed_at", as: Date?.self),
                closedReason: try row.decode(column: "closed_reason", as: String?.self),
                reprocessed: try row.decode(column: "reprocessed", as: Int.self),
                review: try row.decode(column: "review", as: String?.self),
                reviewedBy: try row.decode(column: "reviewed_by", as: String?.self),
                reviewedAt: try row.decode(column: "reviewed_at", as: Date?.self),
                reviewNote: try row.decode(column: "review_note", as: String?.self),
                createdBy: try row.decode(column: "created_by", as: String.self),
                version: try row.decode(column: "version", as: Int.self),
                createdAt: try row.decode(column: "created_at", as: Date.self),
                updatedAt: try row.decode(column: "updated_at", as: Date.self))
        }
    }

    static func load(_ id: Int, within scope: Scope, on db: any SQLDatabase) async throws -> ComplaintView? {
        let sql: SQLQueryString =
            "SELECT \(unsafeRaw: columns) \(unsafeRaw: from) WHERE k.id = \(bind: id)" + visible(to: scope)
        guard let row = try await db.raw(sql).first() else { return nil }
        return try views([row]).first
    }

    /// R-9.1: a complaint about a complaint handler is hidden from the other handlers.
    static func hidden(_ view: ComplaintView, from principal: Principal) -> Bool {
        view.supervisorOnly && !principal.supervises
    }

    /// The complaint as `principal` may see it: whole for its handlers and the supervisor, without the investigation
    /// for its customer; anyone else finds nothing (404), like a missing one.
    public func get(_ id: Int, for principal: Principal) async throws -> ComplaintView {
        guard let view = try await Self.load(id, within: store.scope, on: store.sql),
            principal.handlesComplaints || (principal.customerId != nil && principal.customerId == view.customerId),
            !Self.hidden(view, from: principal)
        else { throw RecordNotFound(entity: Self.entity, id: id) }
        return principal.handlesComplaints ? view : view.forCustomer()
    }

    /// The complaint with its timeline, notes (handlers only), statements and corrective actions.
    public func file(_ id: Int, for principal: Principal) async throws -> ComplaintFile {
        let complaint = try await get(id, for: principal)
        let db = store.sql
        let events = try await db.raw(
            "SELECT * FROM complaint_events WHERE complaint_id = \(bind: id) ORDER BY id LIMIT 1000"
        ).all().map { row in
            ComplaintEventView(
                id: try row.decode(column: "id", as: Int.self), at: try row.decode(column: "at", as: Date.self),
                actor: try row.decode(column: "actor", as: String.self),
                event: try row.decode(column: "event", as: String.self),
                from: try row.decodeStored("from_status", as: ComplaintStatus?.self),
                to: try row.decodeStored("to_status", as: ComplaintStatus.self),
                note: try row.decode(column: "note", as: String?.self))
        }
        guard principal.handlesComplaints else {
            // The customer sees the steps, with the notes meant for them (the plan, the result, their own answers).
            let told: Set<String> = [
                "open", ComplaintEventKind.acknowledge.rawValue, ComplaintEventKind.agreePlan.rawValue,
                ComplaintEventKind.resolve.rawValue, ComplaintEventKind.confirmSatisfied.rawValue,
                ComplaintEventKind.reportNotSatisfied.rawValue, ComplaintEventKind.withdraw.rawValue,
            ]
            let shown = events.map { event in
                var event = event
                if !told.contains(event.event) { event.note = nil }
                if event.event == ComplaintEventKind.reopen.rawValue {
                    event.event = ComplaintEventKind.reprocess.rawValue
                }
                return event
            }
            return ComplaintFile(complaint: complaint, events: shown, notes: [], statements: [], actions: [])
        }
        let notes = try await db.raw(
            "SELECT * FROM complaint_notes WHERE complaint_id = \(bind: id) ORDER BY id LIMIT 1000"
        ).all().map { row in
            ComplaintNoteView(
                id: try row.decode(column: "id", as: Int.self), at: try row.decode(column: "at", as: Date.self),
                author: try row.decode(column: "author", as: String.self),
                body: try row.decode(column: "body", as: String.self))
        }
        let statements = try await Statements.views(
            "WHERE s.complaint_id = \(bind: id) ORDER BY s.id LIMIT 200", on: db)
        let actions = try await db.raw(
            "SELECT * FROM complaint_actions WHERE complaint_id = \(bind: id) ORDER BY id LIMIT 200"
        ).all().map { row in
            CorrectiveActionView(
                id: try row.decode(column: "id", as: Int.self),
                description: try row.decode(column: "description", as: String.self),
                owner: try row.decode(column: "owner", as: String.self),
                dueOn: try row.decodeDay("due_on"),
                doneAt: try row.decode(column: "done_at", as: Date?.self),
                doneBy: try row.decode(column: "done_by", as: String?.self),
                createdBy: try row.decode(column: "created_by", as: String.self),
                createdAt: try row.decode(column: "created_at", as: Date.self))
        }
        return ComplaintFile(
            complaint: complaint, events: events, notes: notes, statements: statements, actions: actions)
    }

    /// The complaints of `filter` that `principal` may see, newest first.
    public func list(_ filter: ComplaintFilter, for principal: Principal, page: PageRequest) async throws -> Page<
        ComplaintView
    > {
        var sql: SQLQueryString =
            "SELECT \(unsafeRaw: Self.columns) \(unsafeRaw: Self.from) WHERE 1 = 1" + Self.visible(to: store.scope)
        if !principal.handlesComplaints {
            guard let customer = principal.customerId else { return Page(items: [], nextCursor: nil) }
            sql = sql + " AND k.customer_id = \(bind: customer)"
        } else if !principal.supervises {
            sql = sql + " AND k.supervisor_only = \(bind: false)"
        }
        if !filter.statuses.isEmpty {
            sql = sql + " AND k.status IN (\(SQLList(filter.statuses.map { SQLBind($0.rawValue) })))"
        }
        if let handler = filter.handlerUserId { sql = sql + " AND k.handler_user_id = \(bind: handler)" }
        if let customer = filter.customerId { sql = sql + " AND k.customer_id = \(bind: customer)" }
        if let request = filter.requestId { sql = sql + " AND k.request_id = \(bind: request)" }
        if filter.reviewPending { sql = sql + " AND k.review = \(bind: "pending")" }
        if filter.overdue {
            let now = store.now
            let running = ComplaintStatus.allCases.filter(\.resolutionRuns).map { SQLBind($0.rawValue) }
            sql =
                sql
                    + """
                     AND ((k.acknowledged_at IS NULL AND k.status = \(bind: ComplaintStatus.received.rawValue) \
                    AND k.ack_due_at < \(bind: now)) OR (k.status IN (\(SQLList(running))) AND k.resolution_due_at < \(bind: now)))
                    """
        }
        if let afterId = page.afterId { sql = sql + " AND k.id < \(bind: afterId)" }
        sql = sql + " ORDER BY k.id DESC LIMIT \(unsafeRaw: String(page.limit + 1))"
        let rows = try await store.sql.raw(sql).all()
        let customer = !principal.handlesComplaints
        return try Page(rows: rows, limit: page.limit) { rows in
            try Self.views(rows).map { customer ? $0.forCustomer() : $0 }
        }
    }

    /// R-9.1: what the service department sees of the complaints against a request's work: that they exist, their
    /// subject and where they stand (404 for a request the scope does not see).
    public func notices(ofRequest requestId: Int) async throws -> [ComplaintNotice] {
        guard try await ServiceRequests.load(requestId, within: store.scope, on: store.sql) != nil else {
            throw RecordNotFound(entity: "serviceRequest", id: requestId)
        }
        return try await store.sql.raw(
            """
            SELECT k.id, k.number, k.subject, k.status, k.created_at, o.name AS org_unit_name FROM complaints k \
            JOIN org_units o ON o.id = k.org_unit_id WHERE k.request_id = \(bind: requestId) \
            OR k.visit_id IN (SELECT id FROM visits WHERE request_id = \(bind: requestId)) ORDER BY k.id LIMIT 50
            """
        ).all().map(Self.notice)
    }

    static func notice(_ row: any SQLRow) throws -> ComplaintNotice {
        ComplaintNotice(
            id: try row.decode(column: "id", as: Int.self), number: try row.decode(column: "number", as: String.self),
            subject: try row.decodeStored("subject", as: ComplaintSubject.self),
            status: try row.decodeStored("status", as: ComplaintStatus.self),
            orgUnitName: try row.decode(column: "org_unit_name", as: String.self),
            createdAt: try row.decode(column: "created_at", as: Date.self))
    }

    public func audit(_ id: Int, for principal: Principal, page: PageRequest) async throws -> Page<AuditEntry> {
        guard principal.handlesComplaints else { throw RecordNotFound(entity: Self.entity, id: id) }
        _ = try await get(id, for: principal)
        return try await AuditLog.entries(of: Self.entity, id: id, page: page, on: store.sql)
    }

    static func appendEvent(
        _ id: Int, event: String, from: ComplaintStatus?, to: ComplaintStatus, note: String?, by actor: Actor,
        at now: Date, on db: any SQLDatabase
    ) async throws {
        try await db.insert(into: "complaint_events")
            .columns("complaint_id", "at", "actor", "event", "from_status", "to_status", "note")
            .values(
                SQLBind(id), SQLBind(now), SQLBind(actor.name), SQLBind(event), SQLBind(from?.rawValue),
                SQLBind(to.rawValue), SQLBind(note)
            ).run()
    }
}

extension Principal {
    /// R-9.1: whether this user reads and works complaints.
    public var handlesComplaints: Bool { Permissions.allows(roles, .handleComplaints) }
    /// R-9.1: whether this user supervises the complaint handlers.
    public var supervises: Bool { Permissions.allows(roles, .superviseComplaints) }
}
