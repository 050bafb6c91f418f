import AftercareDomain
import Foundation
import SQLKit

/// quality spot checks. Every repeat repair and a share of the fixed jobs are sampled when their report is
/// signed; the quality inspector passes or fails each; a failed check opens rework (a new visit under the request,
/// reopening it when it was resolved) and counts against the job and its engineer.
public struct SpotChecks: Sendable {
    public let store: Store

    public init(_ store: Store) {
        self.store = store
    }

    static let columns = """
        s.*, r.request_id, sr.number AS request_number, c.name AS customer_name, un.serial_number AS unit_serial, \
        u.display_name AS engineer_name, r.fault_category, r.finished_at
        """

    static let from = """
        FROM spot_checks s JOIN service_reports r ON r.id = s.report_id \
        JOIN service_requests sr ON sr.id = r.request_id JOIN customers c ON c.id = r.customer_id \
        LEFT JOIN units un ON un.id = r.unit_id LEFT JOIN engineers e ON e.id = s.engineer_id \
        LEFT JOIN users u ON u.id = e.user_id
        """

    static func view(_ row: any SQLRow) throws -> SpotCheckView {
        let status = try row.decodeStored("status", as: SpotCheckStatus.self)
        return SpotCheckView(
            id: try row.decode(column: "id", as: Int.self), reportId: try row.decode(column: "report_id", as: Int.self),
            orgUnitId: try row.decode(column: "org_unit_id", as: Int.self),
            engineerId: try row.decode(column: "engineer_id", as: Int?.self), status: status,
            allowedEvents: SpotCheckLifecycle(status: status).allowedEvents,
            repeatRepair: try row.decode(column: "repeat_repair", as: Bool.self),
            selectedAt: try row.decode(column: "selected_at", as: Date.self),
            checkedBy: try row.decode(column: "checked_by", as: String?.self),
            checkedAt: try row.decode(column: "checked_at", as: Date?.self),
            reason: try row.decode(column: "reason", as: String?.self),
            reworkVisitId: try row.decode(column: "rework_visit_id", as: Int?.self),
            requestId: try row.decode(column: "request_id", as: Int.self),
            requestNumber: try row.decode(column: "request_number", as: String.self),
            customerName: try row.decode(column: "customer_name", as: String.self),
            unitSerial: try row.decode(column: "unit_serial", as: String?.self),
            engineerName: try row.decode(column: "engineer_name", as: String?.self),
            faultCategory: try row.decode(column: "fault_category", as: String?.self),
            finishedAt: try row.decode(column: "finished_at", as: Date?.self))
    }

    /// The spot check of a report, if it was sampled and `scope` sees it.
    static func load(reportId: Int, within scope: Scope, on db: any SQLDatabase) async throws -> SpotCheckView? {
        try await load(where: "s.report_id = \(bind: reportId)", within: scope, on: db)
    }

    static func load(_ id: Int, within scope: Scope, on db: any SQLDatabase) async throws -> SpotCheckView? {
        try await load(where: "s.id = \(bind: id)", within: scope, on: db)
    }

    static func load(where condition: SQLQueryString, within scope: Scope, on db: any SQLDatabase) async throws
        -> SpotCheckView?
    {
        var sql: SQLQueryString = "SELECT \(unsafeRaw: columns) \(unsafeRaw: from) WHERE " + condition
        if let visible = ServiceRequests.visible(to: scope) { sql = sql + " AND " + visible }
        return try await db.raw(sql).first().map(Self.view)
    }

    /// offers a signed report's job to the spot check (`sampling` with the unit's share), in the signing
    /// transaction.
    static func sample(
        _ report: ServiceReportView, by sampling: SpotCheckSampling, isRepeat: Bool, at now: Date,
        on db: any SQLDatabase
    ) async throws {
        guard let result = report.content.result else { return }
        guard sampling.selects(reportId: report.id, isRepeatRepair: isRepeat, result: result) else { return }
        try await db.insert(into: "spot_checks")
            .columns("report_id", "org_unit_id", "engineer_id", "status", "repeat_repair", "selected_at")
            .values(
                SQLBind(report.id), SQLBind(report.orgUnitId), SQLBind(report.engineerId),
                SQLBind(SpotCheckStatus.pending.rawValue), SQLBind(isRepeat), SQLBind(now)
            ).run()
    }

    public func get(_ id: Int) async throws -> SpotCheckView {
        guard let view = try await Self.load(id, within: store.scope, on: store.sql) else {
            throw RecordNotFound(entity: "spotCheck", id: id)
        }
        return view
    }

    /// The worklist, oldest first (the longest waiting on top), keyset-paged by id.
    public func list(_ filter: SpotCheckFilter, page: PageRequest) async throws -> Page<SpotCheckView> {
        var sql: SQLQueryString = "SELECT \(unsafeRaw: Self.columns) \(unsafeRaw: Self.from) WHERE 1 = 1"
        if let condition = ServiceRequests.visible(to: store.scope) { sql = sql + " AND " + condition }
        if !filter.statuses.isEmpty {
            sql = sql + " AND s.status IN (\(SQLList(filter.statuses.map { SQLBind($0.rawValue) })))"
        }
        if let engineer = filter.engineerId { sql = sql + " AND s.engineer_id = \(bind: engineer)" }
        if let afterId = page.afterId { sql = sql + " AND s.id > \(bind: afterId)" }
        sql = sql + " ORDER BY s.id LIMIT \(unsafeRaw: String(page.limit + 1))"
        let rows = try await store.sql.raw(sql).all()
        return try Page(rows: rows, limit: page.limit) { try $0.map(Self.view) }
    }

    /// the inspector's verdict. A failure needs the reason and opens rework: a new visit under the job's
    /// request (reopened when it was resolved or closed), prepared like the job's visit, with the reason in its notes.
    public func post(_ event: SpotCheckEvent, to id: Int, by actor: Actor) async throws -> SpotCheckView {
        var v = Validator()
        v.text("reason", event.reason, required: event.kind.requiresReason, max: Limits.note)
        try v.finish()
        let scope = store.scope
        let zone = store.timeZone
        let now = store.now
        try await store.write { db in
            if db.dialect.name != "sqlite" {
                try await db.raw("SELECT id FROM spot_checks WHERE id = \(bind: id) FOR UPDATE").run()
            }
            guard let before = try await Self.load(id, within: scope, on: db) else {
                throw RecordNotFound(entity: "spotCheck", id: id)
            }
            var lifecycle = SpotCheckLifecycle(status: before.status)
            let effects = try lifecycle.apply(event, at: now) { SpotCheckClosed(id: id, status: $0) }
            var update = db.update("spot_checks").set("status", to: lifecycle.status.rawValue)
                .set("checked_by", to: actor.name).set("checked_at", to: now)
                .set("reason", to: event.reason?.trimmed.nilIfEmpty)
            for effect in effects {
                switch effect {
                case .openRework:
                    let visitId = try await Self.openRework(
                        for: before, reason: event.reason ?? "", by: actor, at: now, zone: zone, on: db)
                    update = update.set("rework_visit_id", to: visitId)
                case .countAgainstJob:
                    // The failed check itself is the count: the engineer's quality record reads it.
                    break
                }
            }
            try await update.where("id", .equal, id).run()
            let after = try await Self.load(id, within: .everything, on: db)
            try await AuditLog.append(
                on: db, entity: "spotCheck", id: id, action: .event, actor: actor, at: now, before: before,
                after: after)
        }
        return try await get(id)
    }

    static func openRework(
        for check: SpotCheckView, reason: String, by actor: Actor, at now: Date, zone: TimeZone, on db: any SQLDatabase
    ) async throws -> Int {
        guard
            let visitId = try await db.raw("SELECT visit_id FROM service_reports WHERE id = \(bind: check.reportId)")
                .first(decodingColumn: "visit_id", as: Int.self),
            var visit = try await Visits.load(visitId, within: .everything, on: db)
        else { throw RecordNotFound(entity: "visit", id: check.reportId) }
        let request = try await ServiceRequests.lockForWrite(
            check.requestId, expectedVersion: nil, within: .everything, on: db)
        let note = "rework after a failed quality check: \(reason)"
        if !RequestFollowsVisits.requestAcceptsVisits.contains(request.status) {
            _ = try await ServiceRequests.apply(
                ServiceRequestEventInput(event: .reopen, note: note), to: check.requestId, by: actor,
                expectedVersion: nil, at: now, timeZone: zone, within: .everything, visit: nil, on: db)
        }
        let notes = [visit.preparation.notes, note].compactMap { $0 }.joined(separator: "\n")
        visit.preparation.notes = String(notes.prefix(Limits.note))
        return try await Visits.insertSecondVisit(after: visit, at: now, on: db)
    }
}
