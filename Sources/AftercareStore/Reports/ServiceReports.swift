import AftercareDomain
import Foundation
import SQLKit

/// service reports. The engineer opens one per finished visit and unit, writes it, adds photos
/// and hands it in; the customer signs it (on the engineer's phone or in the portal) or the engineer records why
/// there is no signature, which freezes it, checks it for a repeat repair and offers it to the spot check; the
/// department head reviews and archives it; addenda are added to a frozen report. Each step is one transaction with
/// its timeline entry and audit entry.
public struct ServiceReports: Sendable {
    public let store: Store
    public let vault: FileVault

    public init(_ store: Store, vault: FileVault = .temporary) {
        self.store = store
        self.vault = vault
    }

    static let owner = "service_reports"
    /// A seed of the spot check's sampling, the same in every deployment so the choice can be reproduced.
    static let samplingSeed: UInt64 = 0x5EED_2026

    static let columns = """
        r.*, v.sequence AS visit_sequence, v.arrived_at, v.address, sr.number AS request_number, \
        c.name AS customer_name, un.serial_number AS unit_serial, pm.name AS model_name, \
        pm.product_line_id, u.display_name AS engineer_name, e.level AS engineer_level, \
        e.certifications AS engineer_certifications, rr.request_id AS repeat_request_id, \
        rsr.number AS repeat_request_number, rr.finished_at AS repeat_finished_at
        """

    static let from = """
        FROM service_reports r JOIN visits v ON v.id = r.visit_id \
        JOIN service_requests sr ON sr.id = r.request_id JOIN customers c ON c.id = r.customer_id \
        LEFT JOIN units un ON un.id = r.unit_id LEFT JOIN product_models pm ON pm.id = un.model_id \
        LEFT JOIN engineers e ON e.id = r.engineer_id LEFT JOIN users u ON u.id = e.user_id \
        LEFT JOIN service_reports rr ON rr.id = r.repeat_of_report_id \
        LEFT JOIN service_requests rsr ON rsr.id = rr.request_id
        """

    static func view(_ row: any SQLRow, zone: TimeZone) throws -> ServiceReportView {
        let status = try row.decodeStored("status", as: ServiceReportStatus.self)
        let finishedAt = try row.decode(column: "finished_at", as: Date?.self)
        let day = CalendarDate(finishedAt ?? Date(), in: zone)
        let certifications = try row.decode(column: "engineer_certifications", as: String?.self).map {
            try JSONText.decode([Certification].self, from: $0)
        }
        let attitude = try row.decode(column: "rating_attitude", as: Int?.self)
        let quality = try row.decode(column: "rating_quality", as: Int?.self)
        let timeliness = try row.decode(column: "rating_timeliness", as: Int?.self)
        let repeatOf = try row.decode(column: "repeat_of_report_id", as: Int?.self)
        return ServiceReportView(
            id: try row.decode(column: "id", as: Int.self), visitId: try row.decode(column: "visit_id", as: Int.self),
            visitSequence: try row.decode(column: "visit_sequence", as: Int.self),
            requestId: try row.decode(column: "request_id", as: Int.self),
            requestNumber: try row.decode(column: "request_number", as: String.self),
            customerId: try row.decode(column: "customer_id", as: Int.self),
            customerName: try row.decode(column: "customer_name", as: String.self),
            orgUnitId: try row.decode(column: "org_unit_id", as: Int.self),
            unitId: try row.decode(column: "unit_id", as: Int?.self),
            unitSerial: try row.decode(column: "unit_serial", as: String?.self),
            modelName: try row.decode(column: "model_name", as: String?.self),
            productLineId: try row.decode(column: "product_line_id", as: Int?.self),
            address: try row.decode(column: "address", as: String?.self),
            engineerId: try row.decode(column: "engineer_id", as: Int?.self),
            engineerName: try row.decode(column: "engineer_name", as: String?.self),
            engineerLevel: try row.decode(column: "engineer_level", as: Int?.self),
            certifications: (certifications ?? []).filter { $0.isValid(on: day) }, status: status,
            allowedEvents: ServiceReportLifecycle(status: status).allowedEvents,
            content: try JSONText.decode(
                ServiceReportContent.self, from: try row.decode(column: "content", as: String.self)),
            faultCode: nil, faultCategory: try row.decode(column: "fault_category", as: String?.self),
            parts: try JSONText.decode([ReportPart].self, from: try row.decode(column: "parts", as: String.self)),
            arrivedAt: try row.decode(column: "arrived_at", as: Date?.self), finishedAt: finishedAt,
            submittedAt: try row.decode(column: "submitted_at", as: Date?.self),
            signerName: try row.decode(column: "signer_name", as: String?.self),
            signed: try row.decode(column: "signature_sha256", as: String?.self) != nil,
            signedAt: try row.decode(column: "signed_at", as: Date?.self),
            noSignatureReason: try row.decode(column: "no_signature_reason", as: String?.self),
            ratings: attitude.flatMap { a in
                quality.flatMap { q in timeliness.map { ServiceRatings(attitude: a, quality: q, timeliness: $0) } }
            },
            customerRemarks: try row.decode(column: "customer_remarks", as: String?.self),
            repeatOf: try repeatOf.map {
                RepeatLink(
                    reportId: $0, requestId: try row.decode(column: "repeat_request_id", as: Int.self),
                    requestNumber: try row.decode(column: "repeat_request_number", as: String.self),
                    finishedAt: try row.decode(column: "repeat_finished_at", as: Date?.self))
            },
            reviewedBy: try row.decode(column: "reviewed_by", as: String?.self),
            reviewedAt: try row.decode(column: "reviewed_at", as: Date?.self),
            archivedBy: try row.decode(column: "archived_by", as: String?.self),
            archivedAt: try row.decode(column: "archived_at", as: Date?.self),
            createdBy: try row.decode(column: "created_by", as: String.self),
            version: try row.decode(column: "version", as: Int.self),
            createdAt: try row.decode(column: "created_at", as: Date.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }

    /// the reports `scope` sees: those of the requests it sees; a customer never sees a draft.
    static func visible(to scope: Scope) -> SQLQueryString {
        guard let condition = ServiceRequests.visible(to: scope) else { return "" }
        if case .customer = scope {
            return " AND " + condition + " AND r.status <> \(bind: ServiceReportStatus.draft.rawValue)"
        }
        return " AND " + condition
    }

    /// A report if `scope` sees its request (a customer: their own), with its fault code.
    static func load(_ id: Int, within scope: Scope, zone: TimeZone, on db: any SQLDatabase) async throws
        -> ServiceReportView?
    {
        var sql: SQLQueryString = "SELECT \(unsafeRaw: columns) \(unsafeRaw: from) WHERE r.id = \(bind: id)"
        sql = sql + Self.visible(to: scope)
        guard var view = try await db.raw(sql).first().map({ try Self.view($0, zone: zone) }) else { return nil }
        if let code = view.content.faultCodeId {
            view.faultCode = try await Records<FaultCodeRecord>.load(code, within: .everything, on: db)
        }
        return view
    }

    static func lockForWrite(
        _ id: Int, expectedVersion: Int?, within scope: Scope, zone: TimeZone, on db: any SQLDatabase
    ) async throws -> ServiceReportView {
        if db.dialect.name != "sqlite" {
            try await db.raw("SELECT id FROM service_reports WHERE id = \(bind: id) FOR UPDATE").run()
        }
        guard let view = try await load(id, within: scope, zone: zone, on: db) else {
            throw RecordNotFound(entity: "serviceReport", id: id)
        }
        if let expectedVersion, expectedVersion != view.version {
            throw StaleVersion(entity: "serviceReport", id: id, expected: expectedVersion, current: view.version)
        }
        return view
    }

    /// A report with its photos, timeline and spot check.
    public func get(_ id: Int) async throws -> ServiceReportView {
        guard var view = try await Self.load(id, within: store.scope, zone: store.timeZone, on: store.sql) else {
            throw RecordNotFound(entity: "serviceReport", id: id)
        }
        view.photos = try await Attachments.of(owner: Self.owner, ids: [id], on: store.sql)[id] ?? []
        view.timeline = try await Self.timeline(of: id, on: store.sql)
        view.spotCheck = try await SpotChecks.load(reportId: id, within: .everything, on: store.sql)
        return view
    }

    /// Reports, newest first, keyset-paged by id.
    public func list(_ filter: ReportFilter, page: PageRequest) async throws -> Page<ServiceReportView> {
        var sql: SQLQueryString = "SELECT \(unsafeRaw: Self.columns) \(unsafeRaw: Self.from) WHERE 1 = 1"
        sql = sql + Self.visible(to: store.scope)
        if !filter.statuses.isEmpty {
            sql = sql + " AND r.status IN (\(SQLList(filter.statuses.map { SQLBind($0.rawValue) })))"
        }
        if let engineer = filter.engineerId { sql = sql + " AND r.engineer_id = \(bind: engineer)" }
        if let request = filter.requestId { sql = sql + " AND r.request_id = \(bind: request)" }
        if let visit = filter.visitId { sql = sql + " AND r.visit_id = \(bind: visit)" }
        if let unit = filter.unitId { sql = sql + " AND r.unit_id = \(bind: unit)" }
        if filter.repeatOnly { sql = sql + " AND r.repeat_of_report_id IS NOT NULL" }
        if let afterId = page.afterId { sql = sql + " AND r.id < \(bind: afterId)" }
        sql = sql + " ORDER BY r.id DESC LIMIT \(unsafeRaw: String(page.limit + 1))"
        let rows = try await store.sql.raw(sql).all()
        let zone = store.timeZone
        return try Page(rows: rows, limit: page.limit) { try $0.map { try Self.view($0, zone: zone) } }
    }

    /// The audit trail of a report the store's scope sees.
    public func audit(_ id: Int, page: PageRequest) async throws -> Page<AuditEntry> {
        guard try await Self.load(id, within: store.scope, zone: store.timeZone, on: store.sql) != nil else {
            throw RecordNotFound(entity: "serviceReport", id: id)
        }
        return try await AuditLog.entries(of: "serviceReport", id: id, page: page, on: store.sql)
    }

    // MARK: Writing

    /// Whether `principal` (whose engineer record is `engineerId`) is the engineer of a visit done by
    /// `visitEngineer`.
    static func isEngineer(of visitEngineer: Int?, _ principal: Principal, engineerId: Int?) -> Bool {
        principal.may(.workVisits) && engineerId != nil && engineerId == visitEngineer
    }

    /// Whether `principal` opens and writes the reports of a visit done by `visitEngineer`: that engineer, or someone
    /// who dispatches (a paper report typed in by the office).
    public static func writes(visitEngineer: Int?, _ principal: Principal, engineerId: Int?) -> Bool {
        principal.may(.dispatchVisits) || isEngineer(of: visitEngineer, principal, engineerId: engineerId)
    }

    /// Whether `principal` writes this report.
    public static func writes(_ report: ServiceReportView, _ principal: Principal, engineerId: Int?) -> Bool {
        writes(visitEngineer: report.engineerId, principal, engineerId: engineerId)
    }

    func engineerId(of principal: Principal) async throws -> Int? {
        try await Engineers(store).of(userId: principal.userId)?.id
    }

    /// opens the report of a finished visit for one of its request's units (none when the request has none),
    /// filled from the visit: the result (fixed when completed, not fixed with the visit's next step when not), the
    /// labour time on site shared among the units, and the cause the desk recorded. An existing report of that
    /// visit and unit is returned as it is.
    public func open(visitId: Int, unitId: Int?, by principal: Principal) async throws -> ServiceReportView {
        let scope = store.scope
        let zone = store.timeZone
        let now = store.now
        let engineer = try await engineerId(of: principal)
        let id = try await store.write { db -> Int in
            let visit = try await Visits.lockForWrite(visitId, expectedVersion: nil, within: scope, on: db)
            guard Self.writes(visitEngineer: visit.engineerId, principal, engineerId: engineer) else {
                throw ReportNotYours(reportId: 0, event: nil)
            }
            guard visit.status == .completed || visit.status == .incomplete else {
                throw VisitNotFinished(visitId: visitId, status: visit.status)
            }
            let units = try await db.raw(
                "SELECT unit_id FROM service_request_units WHERE request_id = \(bind: visit.requestId)"
            ).all().map { try $0.decode(column: "unit_id", as: Int.self) }
            if let unitId, !units.contains(unitId) { throw ValidationError(["unitId": .notFound]) }
            if unitId == nil, !units.isEmpty { throw ValidationError(["unitId": .required]) }
            if let existing = try await db.raw(
                """
                SELECT id FROM service_reports WHERE visit_id = \(bind: visitId) AND unit_key = \(bind: unitId ?? 0)
                """
            ).first(decodingColumn: "id", as: Int.self) {
                return existing
            }
            let cause = try await db.raw(
                "SELECT fault_cause FROM service_requests WHERE id = \(bind: visit.requestId)"
            ).first(decodingColumn: "fault_cause", as: String.self).flatMap(FaultCause.init)
            var content = ServiceReportContent()
            content.cause = cause == .unknown ? nil : cause
            content.result = visit.status == .completed ? .fixed : .notFixed
            content.nextStep = visit.status == .incomplete ? visit.nextStep : nil
            if let arrived = visit.arrivedAt, let finished = visit.finishedAt {
                let minutes = Int(finished.timeIntervalSince(arrived) / 60) / max(1, units.count)
                content.labourMinutes = min(max(0, minutes), ServiceReportContent.labourRange.upperBound)
            }
            let id = try await db.insert(into: "service_reports")
                .columns(
                    "visit_id", "request_id", "unit_id", "unit_key", "org_unit_id", "customer_id", "engineer_id",
                    "status", "content", "result", "parts", "finished_at", "created_by", "version", "created_at",
                    "updated_at"
                )
                .values(
                    SQLBind(visitId), SQLBind(visit.requestId), SQLBind(unitId), SQLBind(unitId ?? 0),
                    SQLBind(visit.orgUnitId), SQLBind(visit.customerId), SQLBind(visit.engineerId),
                    SQLBind(ServiceReportStatus.draft.rawValue), SQLBind(try JSONText.encode(content)),
                    SQLBind(content.result?.rawValue), SQLBind("[]"), SQLBind(visit.finishedAt),
                    SQLBind(principal.username), SQLBind(1), SQLBind(now), SQLBind(now)
                )
                .returning("id").first(decodingColumn: "id", as: Int.self)!
            let after = try await Self.load(id, within: .everything, zone: zone, on: db)
            try await AuditLog.append(
                on: db, entity: "serviceReport", id: id, action: .create, actor: principal.actor, at: now,
                before: ServiceReportView?.none, after: after)
            return id
        }
        return try await get(id)
    }

    /// changes a draft's content. Only a draft changes, and only by whoever writes it.
    public func update(
        _ id: Int, content: ServiceReportContent, expectedVersion: Int?, by principal: Principal
    ) async throws -> ServiceReportView {
        let problems = content.problems(submitting: false)
        guard problems.isEmpty else { throw ValidationError(problems) }
        let scope = store.scope
        let zone = store.timeZone
        let now = store.now
        let engineer = try await engineerId(of: principal)
        try await store.write { db in
            let before = try await Self.lockForWrite(
                id, expectedVersion: expectedVersion, within: scope, zone: zone, on: db)
            guard Self.writes(before, principal, engineerId: engineer) else {
                throw ReportNotYours(reportId: id, event: nil)
            }
            guard ServiceReportLifecycle.isEditable(before.status) else {
                throw ReportFrozen(reportId: id, status: before.status)
            }
            let category = try await Self.checkFaultCode(content, report: before, on: db)
            try await db.update("service_reports").set("content", to: try JSONText.encode(content))
                .set("result", to: content.result?.rawValue).set("fault_category", to: category)
                .set("version", to: before.version + 1).set("updated_at", to: now).where("id", .equal, id).run()
            let after = try await Self.load(id, within: .everything, zone: zone, on: db)
            try await AuditLog.append(
                on: db, entity: "serviceReport", id: id, action: .update, actor: principal.actor, at: now,
                before: before, after: after)
        }
        return try await get(id)
    }

    /// The fault code must be one of the unit's product line; returns its category.
    static func checkFaultCode(_ content: ServiceReportContent, report: ServiceReportView, on db: any SQLDatabase)
        async throws -> String?
    {
        guard let codeId = content.faultCodeId else { return nil }
        guard let code = try await Records<FaultCodeRecord>.load(codeId, within: .everything, on: db),
            code.archivedAt == nil, report.productLineId == nil || code.productLineId == report.productLineId
        else { throw ValidationError(["faultCodeId": .notFound]) }
        return code.category
    }

    /// keeps photos and videos on a report not yet signed. The files are checked, written to the vault and
    /// flushed before the transaction that names them; a refused upload writes no row (a file it left is an orphan
    /// the `files` sweep removes).
    public func addPhotos(_ files: [NewAttachment], to id: Int, by principal: Principal) async throws
        -> ServiceReportView
    {
        try KeptFile.checkMedia(files)
        let scope = store.scope
        let zone = store.timeZone
        let now = store.now
        let engineer = try await engineerId(of: principal)
        guard let visible = try await Self.load(id, within: scope, zone: zone, on: store.sql) else {
            throw RecordNotFound(entity: "serviceReport", id: id)
        }
        guard Self.writes(visible, principal, engineerId: engineer) else {
            throw ReportNotYours(reportId: id, event: nil)
        }
        let kept = try KeptFile.keepMedia(files, in: vault)
        try await store.write { db in
            let before = try await Self.lockForWrite(id, expectedVersion: nil, within: scope, zone: zone, on: db)
            guard before.status == .draft || before.status == .submitted else {
                throw ReportFrozen(reportId: id, status: before.status)
            }
            let count =
                try await db.raw(
                    "SELECT COUNT(*) AS n FROM attachments WHERE owner = \(bind: Self.owner) AND owner_id = \(bind: id)"
                ).first(decodingColumn: "n", as: Int.self) ?? 0
            if count + kept.count > ReportMedia.maxPerReport {
                throw ValidationError(["files": .tooMany(max: ReportMedia.maxPerReport - count)])
            }
            try await Attachments.insert(
                kept, owner: Self.owner, ownerId: id, requestId: before.requestId, by: principal.actor, at: now, on: db)
            try await db.update("service_reports").set("version", to: before.version + 1).set("updated_at", to: now)
                .where("id", .equal, id).run()
            try await AuditLog.append(
                on: db, entity: "serviceReport", id: id, action: .update, actor: principal.actor, at: now,
                before: ["photos": count], after: ["photos": count + kept.count])
        }
        return try await get(id)
    }

    static func timeline(of id: Int, on db: any SQLDatabase) async throws -> [ReportTimelineEntry] {
        try await db.raw("SELECT * FROM service_report_events WHERE report_id = \(bind: id) ORDER BY id").all().map {
            row in
            ReportTimelineEntry(
                id: try row.decode(column: "id", as: Int.self), at: try row.decode(column: "at", as: Date.self),
                actor: try row.decode(column: "actor", as: String.self),
                authorName: try row.decode(column: "author_name", as: String.self),
                event: try row.decodeStored("event", as: ServiceReportEventKind.self),
                from: try row.decodeStored("from_status", as: ServiceReportStatus.self),
                to: try row.decodeStored("to_status", as: ServiceReportStatus.self),
                text: try row.decode(column: "text", as: String?.self))
        }
    }

    /// A photo or video of a report the store's scope sees.
    public func file(_ attachmentId: Int) async throws -> AttachmentFile {
        guard
            let row = try await store.sql.raw(
                """
                SELECT id, owner_id, file_name, kind, size, sha256, created_at FROM attachments \
                WHERE owner = \(bind: Self.owner) AND id = \(bind: attachmentId)
                """
            ).first(),
            try await Self.load(
                try row.decode(column: "owner_id", as: Int.self), within: store.scope, zone: store.timeZone,
                on: store.sql) != nil
        else { throw RecordNotFound(entity: "attachment", id: attachmentId) }
        return AttachmentFile(
            view: try Attachments.view(row),
            data: try vault.read(try row.decode(column: "sha256", as: String.self)))
    }

    /// The customer's signature image of a report the store's scope sees.
    public func signature(of id: Int) async throws -> Data {
        guard try await Self.load(id, within: store.scope, zone: store.timeZone, on: store.sql) != nil,
            let digest = try await store.sql.raw(
                "SELECT signature_sha256 FROM service_reports WHERE id = \(bind: id)"
            ).first(decodingColumn: "signature_sha256", as: String?.self) ?? nil
        else { throw RecordNotFound(entity: "signature", id: id) }
        return try vault.read(digest)
    }
}
