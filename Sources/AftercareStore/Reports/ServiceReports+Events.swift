import AftercareDomain
import Foundation
import SQLKit

extension ServiceReports {
    /// takes a step on a report. Who may take it: the writer hands in and takes back; the visit's
    /// engineer (the customer signing on their phone) or the customer in the portal signs; the writer records that
    /// there is no signature; the department head reviews and archives; the writer or the head adds an addendum.
    /// A refused step writes nothing (a signature image it kept is an orphan the `files` sweep removes).
    public func post(_ input: ReportEventInput, to id: Int, expectedVersion: Int? = nil, by principal: Principal)
        async throws -> ServiceReportView
    {
        var v = Validator()
        v.text(
            "text", input.text, required: input.event == .addAddendum,
            max: input.event == .addAddendum ? Limits.longText : Limits.note)
        if input.event == .sign || input.event == .recordNoSignature {
            let signOff = input.signOff ?? ReportSignOff(signerName: nil, signature: nil)
            for (field, problem) in signOff.problems() { v.add(field, problem) }
            if input.event == .sign, signOff.signature == nil { v.add("signature", .required) }
            if input.event == .recordNoSignature, signOff.signature != nil {
                v.add("signature", .invalidValue(allowed: []))
            }
        } else if input.signOff != nil {
            v.add("signature", .invalidValue(allowed: ["only with sign or recordNoSignature"]))
        }
        try v.finish()
        let scope = store.scope
        let zone = store.timeZone
        let now = store.now
        let engineer = try await engineerId(of: principal)
        guard let visible = try await Self.load(id, within: scope, zone: zone, on: store.sql) else {
            throw RecordNotFound(entity: "serviceReport", id: id)
        }
        guard Self.may(input.event, on: visible, principal, engineerId: engineer, scope: scope) else {
            throw ReportNotYours(reportId: id, event: input.event)
        }
        let signatureDigest = try input.signOff?.signature.map { try vault.keep($0) }
        try await store.write { db in
            let before = try await Self.lockForWrite(
                id, expectedVersion: expectedVersion, within: scope, zone: zone, on: db)
            var lifecycle = ServiceReportLifecycle(status: before.status)
            let text = input.event == .recordNoSignature ? input.signOff?.noSignatureReason : input.text
            let effects = try lifecycle.apply(ServiceReportEvent(input.event, text: text), at: now) {
                ReportStepNotAllowed(reportId: id, event: input.event, status: $0)
            }
            var update = db.update("service_reports").set("status", to: lifecycle.status.rawValue)
                .set("version", to: before.version + 1).set("updated_at", to: now)
            switch input.event {
            case .submit:
                update = try await Self.submission(before, update: update, at: now, on: db)
            case .sign, .recordNoSignature:
                let signOff = input.signOff!
                update = update.set("signer_name", to: signOff.signerName?.trimmed.nilIfEmpty)
                    .set("signature_sha256", to: signatureDigest).set("signed_at", to: now)
                    .set("no_signature_reason", to: signOff.noSignatureReason?.trimmed.nilIfEmpty)
                    .set("rating_attitude", to: signOff.ratings?.attitude)
                    .set("rating_quality", to: signOff.ratings?.quality)
                    .set("rating_timeliness", to: signOff.ratings?.timeliness)
                    .set("customer_remarks", to: signOff.customerRemarks?.trimmed.nilIfEmpty)
            case .review:
                update = update.set("reviewed_by", to: principal.username).set("reviewed_at", to: now)
            case .archive:
                update = update.set("archived_by", to: principal.username).set("archived_at", to: now)
            case .reopen, .addAddendum:
                break
            }
            var repeatOf: Int?
            // The unit's repeat-repair window and spot-check share, read once for both checks.
            let quality =
                effects.contains(.checkRepeatRepair) || effects.contains(.sampleForSpotCheck)
                ? try await QualitySettingsRecord.effective(for: before.orgUnitId, on: db)
                : QualitySettingsRecord.defaults
            for effect in effects {
                switch effect {
                case .checkRepeatRepair:
                    repeatOf = try await Self.earlierRepair(
                        of: before, rule: RepeatRepairRule(windowDays: quality.repeatWindowDays), at: now, on: db)
                    if let repeatOf { update = update.set("repeat_of_report_id", to: repeatOf) }
                case .sampleForSpotCheck:
                    let sampling = SpotCheckSampling(
                        shareBasisPoints: quality.spotCheckShare, seed: ServiceReports.samplingSeed)
                    try await SpotChecks.sample(before, by: sampling, isRepeat: repeatOf != nil, at: now, on: db)
                case .freeze, .appendAddendum:
                    // The status freezes the content; the addendum is the timeline entry written below.
                    break
                }
            }
            try await update.where("id", .equal, id).run()
            try await db.insert(into: "service_report_events")
                .columns("report_id", "at", "actor", "author_name", "event", "from_status", "to_status", "text")
                .values(
                    SQLBind(id), SQLBind(now), SQLBind(principal.username),
                    SQLBind(String(principal.displayName.prefix(Limits.name))), SQLBind(input.event.rawValue),
                    SQLBind(before.status.rawValue), SQLBind(lifecycle.status.rawValue),
                    SQLBind(text?.trimmed.nilIfEmpty)
                ).run()
            let after = try await Self.load(id, within: .everything, zone: zone, on: db)
            try await AuditLog.append(
                on: db, entity: "serviceReport", id: id, action: .event, actor: principal.actor, at: now,
                before: before, after: after)
        }
        return try await get(id)
    }

    /// Who may take `event` on `report`.
    public static func may(
        _ event: ServiceReportEventKind, on report: ServiceReportView, _ principal: Principal, engineerId: Int?,
        scope: Scope
    ) -> Bool {
        let writer = writes(report, principal, engineerId: engineerId)
        let ownEngineer = isEngineer(of: report.engineerId, principal, engineerId: engineerId)
        let customer = principal.may(.usePortal) && scope == .customer(id: report.customerId)
        switch event {
        case .submit, .reopen, .recordNoSignature: return writer
        case .sign: return ownEngineer || customer
        case .review, .archive: return principal.may(.reviewReports)
        case .addAddendum: return writer || principal.may(.reviewReports)
        }
    }

    /// what handing in checks and keeps: everything a finished report says, a fault code when the unit's
    /// product line has a catalogue, and the parts fitted as the ledger has them now.
    static func submission(
        _ report: ServiceReportView, update: SQLUpdateBuilder, at now: Date, on db: any SQLDatabase
    ) async throws -> SQLUpdateBuilder {
        let content = report.content
        var problems = content.problems(submitting: true)
        if content.faultCodeId == nil, let line = report.productLineId,
            try await db.raw(
                """
                SELECT id FROM fault_codes WHERE product_line_id = \(bind: line) AND archived_at IS NULL \
                LIMIT 1
                """
            ).first() != nil
        {
            problems["faultCodeId"] = .required
        }
        guard problems.isEmpty else { throw ValidationError(problems) }
        let category = try await checkFaultCode(content, report: report, on: db)
        let parts = try await fittedParts(report, on: db)
        return update.set("parts", to: try JSONText.encode(parts)).set("fault_category", to: category)
            .set("submitted_at", to: now)
    }

    /// The parts the ledger has as fitted on the report's visit, for the engineer to choose from.
    public func consumption(of report: ServiceReportView) async throws -> [ReportPart] {
        try await Self.consumption(ofVisit: report.visitId, on: store.sql)
    }

    /// The visit's consumption chosen for this unit: the entries named, or, when none are named and the request has
    /// at most one unit, all of them.
    static func fittedParts(_ report: ServiceReportView, on db: any SQLDatabase) async throws -> [ReportPart] {
        let all = try await consumption(ofVisit: report.visitId, on: db)
        guard let chosen = report.content.partEntryIds else {
            let units =
                try await db.raw(
                    "SELECT COUNT(*) AS n FROM service_request_units WHERE request_id = \(bind: report.requestId)"
                ).first(decodingColumn: "n", as: Int.self) ?? 0
            return units <= 1 ? all : []
        }
        let known = Set(all.map(\.entryId))
        if chosen.contains(where: { !known.contains($0) }) {
            throw ValidationError(["partEntryIds": .invalidValue(allowed: all.map { String($0.entryId) })])
        }
        return all.filter { chosen.contains($0.entryId) }
    }

    /// Every part the ledger has as consumed on the visit, oldest first.
    static func consumption(ofVisit visitId: Int, on db: any SQLDatabase) async throws -> [ReportPart] {
        let rows = try await db.raw(
            """
            SELECT l.id, l.part_id, p.part_number, p.name, l.on_hand_delta, l.serial, l.faulty_serial, l.unit_cost \
            FROM stock_ledger l JOIN parts p ON p.id = l.part_id \
            WHERE l.visit_id = \(bind: visitId) AND l.kind = 'consumption' ORDER BY l.id
            """
        ).all()
        return try rows.map { row in
            ReportPart(
                entryId: try row.decode(column: "id", as: Int.self),
                partId: try row.decode(column: "part_id", as: Int.self),
                partNumber: try row.decode(column: "part_number", as: String.self),
                name: try row.decode(column: "name", as: String.self),
                quantity: Double(-(try row.decode(column: "on_hand_delta", as: Int.self))) / 1000,
                serial: try row.decode(column: "serial", as: String?.self),
                removedSerial: try row.decode(column: "faulty_serial", as: String?.self),
                unitCostMinor: try row.decode(column: "unit_cost", as: Int?.self))
        }
    }

    /// the earlier fixed repair of the same unit and fault category within the rule's window, if any.
    static func earlierRepair(
        of report: ServiceReportView, rule: RepeatRepairRule, at now: Date, on db: any SQLDatabase
    ) async throws -> Int? {
        guard let unitId = report.unitId, let category = report.faultCategory, let result = report.content.result
        else { return nil }
        let finished = report.finishedAt ?? now
        let since = finished.addingTimeInterval(-Double(rule.windowDays) * 86_400)
        let frozen = [ServiceReportStatus.signed, .reviewed, .archived].map { SQLBind($0.rawValue) }
        let history = try await db.raw(
            """
            SELECT id, fault_category, result, finished_at FROM service_reports WHERE unit_id = \(bind: unitId) \
            AND id <> \(bind: report.id) AND status IN (\(SQLList(frozen))) AND finished_at >= \(bind: since) \
            AND finished_at <= \(bind: finished)
            """
        ).all().map { row in
            RepairRecord(
                id: try row.decode(column: "id", as: Int.self), unitId: unitId,
                faultCategory: try row.decode(column: "fault_category", as: String?.self) ?? "",
                result: try row.decode(column: "result", as: String?.self).flatMap(ServiceReportResult.init)
                    ?? .notFixed, finishedAt: try row.decode(column: "finished_at", as: Date.self))
        }
        let this = RepairRecord(
            id: report.id, unitId: unitId, faultCategory: category, result: result, finishedAt: finished)
        return rule.earlier(for: this, among: history)?.id
    }

    /// an engineer's quality record, from their reports and spot checks.
    public func quality(ofEngineer engineerId: Int) async throws -> EngineerQuality {
        let frozen = [ServiceReportStatus.signed, .reviewed, .archived].map { SQLBind($0.rawValue) }
        let row = try await store.sql.raw(
            """
            SELECT COUNT(*) AS reports, COUNT(repeat_of_report_id) AS repeats, COUNT(rating_attitude) AS rated, \
            CAST(SUM(rating_attitude) AS BIGINT) AS attitude, CAST(SUM(rating_quality) AS BIGINT) AS quality, \
            CAST(SUM(rating_timeliness) AS BIGINT) AS timeliness FROM service_reports \
            WHERE engineer_id = \(bind: engineerId) AND status IN (\(SQLList(frozen)))
            """
        ).first()
        let checks = try await store.sql.raw(
            """
            SELECT status, COUNT(*) AS n FROM spot_checks WHERE engineer_id = \(bind: engineerId) GROUP BY status
            """
        ).all()
        var counts: [String: Int] = [:]
        for check in checks {
            counts[try check.decode(column: "status", as: String.self)] = try check.decode(column: "n", as: Int.self)
        }
        let rated = try row?.decode(column: "rated", as: Int.self) ?? 0
        func average(_ column: String) throws -> Int? {
            guard rated > 0, let sum = try row?.decode(column: column, as: Int?.self) else { return nil }
            return (sum * 100 + rated / 2) / rated
        }
        return EngineerQuality(
            reports: try row?.decode(column: "reports", as: Int.self) ?? 0,
            repeatRepairs: try row?.decode(column: "repeats", as: Int.self) ?? 0,
            spotChecksPassed: counts[SpotCheckStatus.passed.rawValue] ?? 0,
            spotChecksFailed: counts[SpotCheckStatus.failed.rawValue] ?? 0, attitude: try average("attitude"),
            quality: try average("quality"), timeliness: try average("timeliness"))
    }
}

extension String {
    /// Nil for an empty string.
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
