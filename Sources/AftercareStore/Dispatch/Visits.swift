import AftercareDispatch
import AftercareDomain
import Foundation
import SQLKit

/// R-4: visits under a request: created, assigned, scheduled with the customer, worked and finished, each step on
/// the visit's own timeline, the request's timeline and the audit trail, in one transaction.
public struct Visits: Sendable {
    public let store: Store

    public init(_ store: Store) {
        self.store = store
    }

    static let columns = """
        v.*, sr.number AS request_number, sr.status AS request_status, sr.priority, sr.customer_id, \
        c.name AS customer_name, sr.contact_name, sr.contact_phone, u.display_name AS engineer_name
        """

    static let from = """
        FROM visits v JOIN service_requests sr ON sr.id = v.request_id JOIN customers c ON c.id = sr.customer_id \
        LEFT JOIN engineers e ON e.id = v.engineer_id LEFT JOIN users u ON u.id = e.user_id
        """

    static func view(_ row: any SQLRow) throws -> VisitView {
        let status = try row.decodeStored("status", as: VisitStatus.self)
        return VisitView(
            id: try row.decode(column: "id", as: Int.self),
            requestId: try row.decode(column: "request_id", as: Int.self),
            requestNumber: try row.decode(column: "request_number", as: String.self),
            requestStatus: try row.decodeStored("request_status", as: RequestStatus.self),
            customerId: try row.decode(column: "customer_id", as: Int.self),
            customerName: try row.decode(column: "customer_name", as: String.self),
            contactName: try row.decode(column: "contact_name", as: String?.self),
            contactPhone: try row.decode(column: "contact_phone", as: String?.self),
            orgUnitId: try row.decode(column: "org_unit_id", as: Int.self),
            sequence: try row.decode(column: "sequence", as: Int.self),
            purpose: try row.decodeStored("purpose", as: VisitPurpose.self),
            status: status, allowedEvents: VisitLifecycle(status: status).allowedEvents,
            priority: try row.decodeStored("priority", as: Priority.self),
            emergency: try row.decode(column: "emergency", as: Bool.self),
            engineerId: try row.decode(column: "engineer_id", as: Int?.self),
            engineerName: try row.decode(column: "engineer_name", as: String?.self),
            windowStart: try row.decode(column: "window_start", as: Date?.self),
            windowEnd: try row.decode(column: "window_end", as: Date?.self),
            plannedArrival: try row.decode(column: "planned_arrival", as: Date?.self),
            departureAt: try row.decode(column: "departure_at", as: Date?.self),
            routeOrder: try row.decode(column: "route_order", as: Int?.self),
            durationMinutes: try row.decode(column: "duration_minutes", as: Int.self),
            requiredSkills: try JSONText.decodeRemembered(
                [SkillRequirement].self, from: try row.decode(column: "required_skills", as: String.self)),
            requiredCertifications: try JSONText.decodeRemembered(
                [String].self, from: try row.decode(column: "required_certifications", as: String.self)),
            preparation: try JSONText.decode(
                VisitPreparation.self, from: try row.decode(column: "preparation", as: String.self)),
            address: try row.decode(column: "address", as: String?.self),
            latitude: try row.decode(column: "latitude", as: Double?.self),
            longitude: try row.decode(column: "longitude", as: Double?.self),
            departedAt: try row.decode(column: "departed_at", as: Date?.self),
            arrivedAt: try row.decode(column: "arrived_at", as: Date?.self),
            finishedAt: try row.decode(column: "finished_at", as: Date?.self),
            nextStep: try row.decode(column: "next_step", as: String?.self).flatMap(VisitNextStep.init),
            note: try row.decode(column: "note", as: String?.self),
            version: try row.decode(column: "version", as: Int.self),
            createdAt: try row.decode(column: "created_at", as: Date.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }

    static func load(_ id: Int, within scope: Scope, on db: any SQLDatabase) async throws -> VisitView? {
        var sql: SQLQueryString = "SELECT \(unsafeRaw: columns) \(unsafeRaw: from) WHERE v.id = \(bind: id)"
        if let condition = ScopeSQL.orgUnitCondition("v.org_unit_id", scope) { sql = sql + " AND " + condition }
        return try await db.raw(sql).first().map(Self.view)
    }

    static func timeline(_ id: Int, on db: any SQLDatabase) async throws -> [VisitTimelineEntry] {
        try await db.raw("SELECT * FROM visit_events WHERE visit_id = \(bind: id) ORDER BY id").all().map { row in
            let data = try row.decode(column: "data", as: String?.self).map {
                try JSONText.decode(EventData.self, from: $0)
            }
            return VisitTimelineEntry(
                id: try row.decode(column: "id", as: Int.self), at: try row.decode(column: "at", as: Date.self),
                actor: try row.decode(column: "actor", as: String.self),
                event: try row.decodeStored("event", as: VisitEventKind.self),
                from: try row.decodeStored("from_status", as: VisitStatus.self),
                to: try row.decodeStored("to_status", as: VisitStatus.self),
                engineerId: try row.decode(column: "engineer_id", as: Int?.self),
                windowStart: try row.decode(column: "window_start", as: Date?.self),
                windowEnd: try row.decode(column: "window_end", as: Date?.self),
                reason: try row.decode(column: "reason", as: String?.self),
                customerConsent: try row.decode(column: "customer_consent", as: Bool?.self),
                recommendedEngineerId: data?.recommendedEngineerId,
                followedRecommendation: data?.followedRecommendation, displacedVisitIds: data?.displaced)
        }
    }

    /// What a visit event keeps beside its columns.
    struct EventData: Codable, Equatable {
        var recommendedEngineerId: Int?
        var followedRecommendation: Bool?
        var displaced: [Int]?
    }

    public func get(_ id: Int) async throws -> VisitView {
        guard var view = try await Self.load(id, within: store.scope, on: store.sql) else {
            throw RecordNotFound(entity: "visit", id: id)
        }
        view.timeline = try await Self.timeline(id, on: store.sql)
        return view
    }

    /// Visits, newest first, keyset-paged by id. A date keeps the visits planned or agreed for that local day.
    public func list(_ filter: VisitFilter, page: PageRequest) async throws -> Page<VisitView> {
        var sql: SQLQueryString = "SELECT \(unsafeRaw: Self.columns) \(unsafeRaw: Self.from) WHERE 1 = 1"
        if let condition = ScopeSQL.orgUnitCondition("v.org_unit_id", store.scope) { sql = sql + " AND " + condition }
        if !filter.statuses.isEmpty {
            sql = sql + " AND v.status IN (\(SQLList(filter.statuses.map { SQLBind($0.rawValue) })))"
        }
        if let engineer = filter.engineerId { sql = sql + " AND v.engineer_id = \(bind: engineer)" }
        if let request = filter.requestId { sql = sql + " AND v.request_id = \(bind: request)" }
        if filter.unassigned { sql = sql + " AND v.engineer_id IS NULL" }
        if let unit = filter.orgUnitId {
            let path = try await OrgUnitPaths.path(of: unit, on: store.sql) ?? "-"
            sql = sql + " AND v.org_unit_id IN (SELECT id FROM org_units WHERE path LIKE \(bind: path + "%"))"
        }
        if let date = filter.date {
            let day = date.interval(in: store.timeZone)
            sql =
                sql
                + " AND COALESCE(v.planned_arrival, v.window_start) >= \(bind: day.start)"
                + " AND COALESCE(v.planned_arrival, v.window_start) < \(bind: day.end)"
        }
        if let afterId = page.afterId { sql = sql + " AND v.id < \(bind: afterId)" }
        sql = sql + " ORDER BY v.id DESC LIMIT \(unsafeRaw: String(page.limit + 1))"
        let rows = try await store.sql.raw(sql).all()
        return try Page(rows: rows, limit: page.limit) { try $0.map(Self.view) }
    }

    /// R-4: adds a visit to a request, filling what is left out from the request and its units.
    public func create(_ input: VisitInput, requestId: Int, by actor: Actor) async throws -> VisitView {
        var v = Validator()
        v.range("durationMinutes", input.durationMinutes, 5...(24 * 60))
        for (index, skill) in (input.requiredSkills ?? []).enumerated() {
            v.range("requiredSkills.\(index).minimumLevel", skill.minimumLevel, 1...5)
        }
        for (index, name) in (input.requiredCertifications ?? []).enumerated() {
            v.text("requiredCertifications.\(index)", name, required: true, max: Limits.shortText)
        }
        Self.checkPreparation(input.preparation, into: &v)
        Self.checkWindow(input.windowStart, input.windowEnd, into: &v)
        v.text("address", input.address, max: Limits.note)
        v.text("note", input.note, max: Limits.note)
        Checks.coordinates("", input.latitude, input.longitude, into: &v)
        try v.finish()
        let now = store.now
        let scope = store.scope
        return try await store.write { db in
            let request = try await ServiceRequests.lockForWrite(requestId, expectedVersion: nil, within: scope, on: db)
            guard RequestFollowsVisits.requestAcceptsVisits.contains(request.status) else {
                throw RequestNotEditable(status: request.status)
            }
            var lines: [Int] = []
            for line in (input.requiredSkills ?? []).map(\.productLineId) {
                if try await Checks.reference(ProductLineRecord.table, line, on: db) != nil {
                    throw ValidationError(["requiredSkills": .notFound])
                }
                lines.append(line)
            }
            let site = try await Self.site(of: request, on: db)
            let skills =
                input.requiredSkills
                ?? site.lines.map {
                    SkillRequirement(productLineId: $0, minimumLevel: input.purpose == .diagnosis ? 1 : 2)
                }
            let sequence =
                try await db.raw(
                    "SELECT COALESCE(MAX(sequence), 0) AS n FROM visits WHERE request_id = \(bind: requestId)"
                )
                .first(decodingColumn: "n", as: Int.self) ?? 0
            let id = try await db.insert(into: "visits")
                .columns(
                    "request_id", "org_unit_id", "sequence", "purpose", "status", "emergency", "window_start",
                    "window_end", "duration_minutes", "required_skills", "required_certifications", "preparation",
                    "address", "latitude", "longitude", "note", "version", "created_at", "updated_at"
                )
                .values(
                    SQLBind(requestId), SQLBind(request.orgUnitId), SQLBind(sequence + 1),
                    SQLBind(input.purpose.rawValue), SQLBind(VisitStatus.planned.rawValue),
                    SQLBind(input.emergency ?? request.emergency), SQLBind(input.windowStart),
                    SQLBind(input.windowEnd),
                    SQLBind(input.durationMinutes ?? VisitEstimate.minutes(purpose: input.purpose, units: site.units)),
                    SQLBind(try JSONText.encode(skills)),
                    SQLBind(try JSONText.encode(input.requiredCertifications ?? [])),
                    SQLBind(try JSONText.encode(input.preparation ?? VisitPreparation())),
                    SQLBind(input.address ?? site.address), SQLBind(input.latitude ?? site.latitude),
                    SQLBind(input.longitude ?? site.longitude), SQLBind(input.note), SQLBind(1), SQLBind(now),
                    SQLBind(now)
                )
                .returning("id").first(decodingColumn: "id", as: Int.self)!
            try await ServiceRequests.appendTimeline(
                requestId: requestId, at: now, actor: actor, event: .visitPlanned, from: request.status,
                to: request.status, note: nil, visit: TimelineVisit(sequence: sequence + 1, purpose: input.purpose),
                on: db)
            guard let after = try await Self.load(id, within: scope, on: db) else {
                throw RecordNotFound(entity: "visit", id: id)
            }
            try await AuditLog.append(
                on: db, entity: "visit", id: id, action: .create, actor: actor, at: now, before: VisitView?.none,
                after: after)
            return after
        }
    }

    static func checkPreparation(_ preparation: VisitPreparation?, into v: inout Validator) {
        guard let preparation else { return }
        if preparation.tools.count > 50 { v.add("preparation.tools", .outOfRange(min: 0, max: 50)) }
        for (index, tool) in preparation.tools.enumerated() {
            v.text("preparation.tools.\(index)", tool, required: true, max: Limits.shortText)
        }
        if preparation.parts.count > 50 { v.add("preparation.parts", .outOfRange(min: 0, max: 50)) }
        for (index, part) in preparation.parts.enumerated() {
            v.text("preparation.parts.\(index).name", part.name, required: true, max: Limits.shortText)
            v.text("preparation.parts.\(index).partNumber", part.partNumber, max: Limits.shortText)
            v.range("preparation.parts.\(index).quantity", part.quantity, 1...999)
        }
        v.text("preparation.notes", preparation.notes, max: Limits.note)
    }

    static func checkWindow(_ start: Date?, _ end: Date?, into v: inout Validator) {
        switch (start, end) {
        case (nil, nil): return
        case (nil, _): v.add("windowStart", .required)
        case (_, nil): v.add("windowEnd", .required)
        case (let start?, let end?):
            if end <= start {
                v.add("windowEnd", .mustNotBeBefore(field: "windowStart"))
            } else if end.timeIntervalSince(start) > 24 * 3600 {
                v.add("windowEnd", .outOfRange(min: 0, max: 24 * 60))
            }
        }
    }

    /// Where the request's units are, and their product lines.
    static func site(of request: ServiceRequestView, on db: any SQLDatabase) async throws -> (
        address: String?, latitude: Double?, longitude: Double?, lines: [Int], units: Int
    ) {
        let ids = request.units.map(\.unitId)
        guard !ids.isEmpty else { return (nil, nil, nil, [], 0) }
        let rows = try await db.raw(
            """
            SELECT un.id, un.site_address, un.latitude, un.longitude, pm.product_line_id FROM units un \
            JOIN product_models pm ON pm.id = un.model_id WHERE un.id IN (\(SQLList(ids.map { SQLBind($0) }))) \
            ORDER BY un.id
            """
        ).all()
        var lines: [Int] = []
        for row in rows {
            let line = try row.decode(column: "product_line_id", as: Int.self)
            if !lines.contains(line) { lines.append(line) }
        }
        let located = try rows.first { try $0.decode(column: "latitude", as: Double?.self) != nil } ?? rows.first
        return (
            try located?.decode(column: "site_address", as: String?.self),
            try located?.decode(column: "latitude", as: Double?.self),
            try located?.decode(column: "longitude", as: Double?.self), lines, ids.count
        )
    }

    /// R-4.2–R-4.3: applies an event to a visit. Appointments are checked for conflicts before anything is saved;
    /// an emergency may displace ordinary visits (handed back, their customers listed for a call); the request
    /// follows its visits (arrival starts the service, the last fixing visit resolves it).
    public func post(_ input: VisitEventInput, to id: Int, expectedVersion: Int? = nil, by actor: Actor)
        async throws -> VisitEventResult
    {
        var v = Validator()
        v.text("reason", input.reason, max: Limits.note)
        v.text("note", input.note, max: Limits.note)
        Self.checkWindow(input.windowStart, input.windowEnd, into: &v)
        switch input.event {
        case .assign:
            if input.engineerId == nil { v.add("engineerId", .required) }
        case .schedule, .reschedule:
            if input.windowStart == nil { v.add("windowStart", .required) }
            if input.windowEnd == nil { v.add("windowEnd", .required) }
        default:
            for (field, value) in [
                ("engineerId", input.engineerId as Any?), ("windowStart", input.windowStart),
                ("windowEnd", input.windowEnd),
            ] where value != nil {
                v.add(field, .invalidValue(allowed: ["only with assign, schedule or reschedule"]))
            }
        }
        if input.nextStep != nil, input.event != .reportIncomplete {
            v.add("nextStep", .invalidValue(allowed: ["only with reportIncomplete"]))
        }
        if input.resolved != nil, input.event != .complete {
            v.add("resolved", .invalidValue(allowed: ["only with complete"]))
        }
        try v.finish()
        let now = store.now
        let scope = store.scope
        let timeZone = store.timeZone
        return try await store.write { db in
            try await Self.apply(
                input, to: id, expectedVersion: expectedVersion, by: actor, at: now, timeZone: timeZone, within: scope,
                on: db)
        }
    }

    /// The body of `post`, in the caller's transaction (accepting a route plan assigns many visits at once; its
    /// plan is feasible by construction, so it skips the appointment check).
    static func apply(
        _ input: VisitEventInput, to id: Int, expectedVersion: Int?, by actor: Actor, at now: Date, timeZone: TimeZone,
        within scope: Scope, checkConflicts: Bool = true, on db: any SQLDatabase
    ) async throws -> VisitEventResult {
        let before = try await lockForWrite(id, expectedVersion: expectedVersion, within: scope, on: db)
        var lifecycle = VisitLifecycle(status: before.status)
        let effects = try lifecycle.apply(
            VisitEvent(
                input.event, reason: input.reason, customerConsent: input.customerConsent ?? false,
                nextStep: input.nextStep), at: now)
        // R-6.2: the engineer sets out only for work the customer agreed to pay for, where a quote is needed.
        if input.event == .depart || input.event == .arrive,
            let request = try await ServiceRequests.load(before.requestId, within: .everything, on: db)
        {
            try await Quotes.requireAccepted(request: request, on: db)
        }
        var update = db.update("visits").set("status", to: lifecycle.status.rawValue)
            .set("version", to: before.version + 1).set("updated_at", to: now)
        var engineerId = before.engineerId
        var windowStart = before.windowStart
        var windowEnd = before.windowEnd
        var displaced: [DisplacedVisit] = []
        var data = EventData()
        switch input.event {
        case .assign, .schedule, .reschedule:
            if let chosen = input.engineerId {
                guard
                    let engineer = try await Records<EngineerRecord>.load(chosen, within: scope, on: db),
                    engineer.archivedAt == nil
                else { throw ValidationError(["engineerId": .notFound]) }
                engineerId = engineer.id
                if let recommended = input.recommendedEngineerId {
                    data.recommendedEngineerId = recommended
                    data.followedRecommendation = recommended == chosen
                }
            }
            guard let engineerId else { throw ValidationError(["engineerId": .required]) }
            if input.event != .assign, let start = input.windowStart, let end = input.windowEnd {
                windowStart = start
                windowEnd = end
                let conflicts =
                    !checkConflicts
                    ? (conflicts: [], bookings: [])
                    : try await Self.conflicts(
                        visit: before, engineerId: engineerId, start: start, end: end, timeZone: timeZone, on: db)
                if !conflicts.conflicts.isEmpty {
                    guard before.emergency, input.displace == true,
                        let ids = Appointments.displaceable(conflicts.conflicts, bookings: conflicts.bookings)
                    else { throw AppointmentRefused(conflicts: conflicts.conflicts) }
                    for other in ids {
                        let handed = try await apply(
                            VisitEventInput(event: .handBack, reason: "displaced by emergency visit \(id)"), to: other,
                            expectedVersion: nil, by: actor, at: now, timeZone: timeZone, within: .everything, on: db)
                        displaced.append(
                            DisplacedVisit(
                                visitId: other, requestNumber: handed.visit.requestNumber,
                                customerName: handed.visit.customerName, contactName: handed.visit.contactName,
                                contactPhone: handed.visit.contactPhone, windowStart: handed.visit.windowStart,
                                windowEnd: handed.visit.windowEnd))
                    }
                    data.displaced = ids
                }
                update = update.set("window_start", to: start).set("window_end", to: end)
                if input.event == .reschedule || before.plannedArrival.map({ !($0 >= start && $0 <= end) }) ?? false {
                    update = update.set("planned_arrival", to: SQLLiteral.null).set("departure_at", to: SQLLiteral.null)
                        .set("route_order", to: SQLLiteral.null)
                }
            }
            if engineerId != before.engineerId {
                update = update.set("engineer_id", to: engineerId)
            }
        case .complete, .reportIncomplete, .cancel:
            if let step = input.nextStep { update = update.set("next_step", to: step.rawValue) }
            if let note = input.note ?? input.reason { update = update.set("note", to: note) }
        case .handBack, .depart, .arrive:
            break
        }
        var planSecondVisit = false
        for effect in effects {
            switch effect {
            case .releaseEngineer:
                engineerId = nil
                update = update.set("engineer_id", to: SQLLiteral.null).set("planned_arrival", to: SQLLiteral.null)
                    .set("departure_at", to: SQLLiteral.null).set("route_order", to: SQLLiteral.null)
            case .record(let moment):
                let column =
                    switch moment {
                    case .departed: "departed_at"
                    case .arrived: "arrived_at"
                    case .finished: "finished_at"
                    }
                update = update.set(column, to: now)
            case .planSecondVisit:
                planSecondVisit = true
            }
        }
        try await update.where("id", .equal, id).run()
        try await db.insert(into: "visit_events")
            .columns(
                "visit_id", "request_id", "at", "actor", "event", "from_status", "to_status", "engineer_id",
                "window_start", "window_end", "reason", "customer_consent", "data"
            )
            .values(
                SQLBind(id), SQLBind(before.requestId), SQLBind(now), SQLBind(actor.name),
                SQLBind(input.event.rawValue), SQLBind(before.status.rawValue), SQLBind(lifecycle.status.rawValue),
                SQLBind(engineerId), SQLBind(windowStart), SQLBind(windowEnd), SQLBind(input.reason),
                SQLBind(input.customerConsent),
                SQLBind(data == EventData() ? nil : try JSONText.encode(data))
            ).run()
        if input.event == .schedule || input.event == .reschedule {
            try await MailOutbox.appointment(
                requestId: before.requestId, visitId: id, version: before.version + 1, at: now, on: db)
        }
        // The request follows its visits.
        let otherOpen =
            try await db.raw(
                """
                SELECT COUNT(*) AS n FROM visits WHERE request_id = \(bind: before.requestId) AND id <> \(bind: id) \
                AND status IN (\(SQLList(VisitStatus.allCases.filter(\.isOpen).map { SQLBind($0.rawValue) })))
                """
            ).first(decodingColumn: "n", as: Int.self) ?? 0
        var status = try await ServiceRequests.lockForWrite(
            before.requestId, expectedVersion: nil, within: .everything, on: db
        ).status
        var followed = false
        while let event = RequestFollowsVisits.requestEvent(
            after: input.event, requestStatus: status, resolved: input.resolved ?? true, otherOpenVisits: otherOpen)
        {
            status =
                try await ServiceRequests.apply(
                    ServiceRequestEventInput(event: event), to: before.requestId, by: actor, expectedVersion: nil,
                    at: now, timeZone: timeZone, within: .everything, visit: TimelineVisit(sequence: before.sequence),
                    on: db
                ).status
            followed = true
        }
        if !followed {
            try await ServiceRequests.appendTimeline(
                requestId: before.requestId, at: now, actor: actor, event: TimelineEvent(visit: input.event),
                from: status, to: status, note: nil, visit: TimelineVisit(sequence: before.sequence), on: db)
            if input.event == .arrive { try await SLAClocks.refresh([before.requestId], now: now, on: db) }
        }
        var followUpVisitId: Int?
        if planSecondVisit {
            followUpVisitId = try await Self.insertSecondVisit(after: before, at: now, on: db)
        }
        guard var after = try await load(id, within: .everything, on: db) else {
            throw RecordNotFound(entity: "visit", id: id)
        }
        try await AuditLog.append(
            on: db, entity: "visit", id: id, action: .event, actor: actor, at: now, before: before, after: after)
        after.timeline = try await timeline(id, on: db)
        return VisitEventResult(visit: after, displaced: displaced, followUpVisitId: followUpVisitId)
    }

    /// How a visit event is named on its request's timeline; arrival is the SLA's on-site event (R-3.1).
    static func insertSecondVisit(after visit: VisitView, at now: Date, on db: any SQLDatabase) async throws -> Int {
        let sequence =
            try await db.raw("SELECT MAX(sequence) AS n FROM visits WHERE request_id = \(bind: visit.requestId)")
            .first(decodingColumn: "n", as: Int.self) ?? visit.sequence
        return try await db.insert(into: "visits")
            .columns(
                "request_id", "org_unit_id", "sequence", "purpose", "status", "emergency", "duration_minutes",
                "required_skills", "required_certifications", "preparation", "address", "latitude", "longitude",
                "version", "created_at", "updated_at"
            )
            .values(
                SQLBind(visit.requestId), SQLBind(visit.orgUnitId), SQLBind(sequence + 1),
                SQLBind(VisitPurpose.secondVisit.rawValue), SQLBind(VisitStatus.planned.rawValue),
                SQLBind(visit.emergency), SQLBind(visit.durationMinutes),
                SQLBind(try JSONText.encode(visit.requiredSkills)),
                SQLBind(try JSONText.encode(visit.requiredCertifications)),
                SQLBind(try JSONText.encode(visit.preparation)), SQLBind(visit.address), SQLBind(visit.latitude),
                SQLBind(visit.longitude), SQLBind(1), SQLBind(now), SQLBind(now)
            )
            .returning("id").first(decodingColumn: "id", as: Int.self)!
    }

    static func lockForWrite(_ id: Int, expectedVersion: Int?, within scope: Scope, on db: any SQLDatabase)
        async throws -> VisitView
    {
        if db.dialect.name != "sqlite" {
            try await db.raw("SELECT id FROM visits WHERE id = \(bind: id) FOR UPDATE").run()
        }
        guard let view = try await load(id, within: scope, on: db) else {
            throw RecordNotFound(entity: "visit", id: id)
        }
        if let expectedVersion, expectedVersion != view.version {
            throw StaleVersion(entity: "visit", id: id, expected: expectedVersion, current: view.version)
        }
        return view
    }

    /// R-4.3: the conflicts of booking `engineerId` for the visit in `[start, end]` (the arrival window; the work
    /// takes the visit's duration from the window's start at the earliest).
    static func conflicts(
        visit: VisitView, engineerId: Int, start: Date, end: Date, timeZone: TimeZone, on db: any SQLDatabase
    ) async throws -> (conflicts: [AppointmentConflict], bookings: [Booking]) {
        guard let engineer = try await Records<EngineerRecord>.load(engineerId, within: .everything, on: db) else {
            throw ValidationError(["engineerId": .notFound])
        }
        let working = try await EngineerDays.workingTime(of: engineer, on: db)
        let date = CalendarDate(start, in: working.zone)
        let bookings = try await EngineerDays.bookings(
            engineerId: engineerId, on: date, zone: working.zone, except: visit.id, on: db)
        // The time the visit holds: with a planned arrival inside the agreed window (an accepted route), the work
        // from that arrival, as the engineer's other visits are booked; otherwise the window, and at least the work
        // from its start. Arrival windows of consecutive stops may overlap; the work may not.
        let duration = Double(visit.durationMinutes * 60)
        let held: (start: Date, end: Date)
        if let arrival = visit.plannedArrival, start <= arrival, arrival < end {
            held = (arrival, arrival.addingTimeInterval(duration))
        } else {
            held = (start, max(end, start.addingTimeInterval(duration)))
        }
        let conflicts = Appointments.conflicts(
            engineer: engineer.profile, start: held.start, end: held.end, date: date,
            shifts: working.time.shifts(on: date), bookings: bookings, requirements: visit.requiredSkills)
        return (conflicts, bookings)
    }
}

/// R-4.1: an engineer's working day: the calendar (the engineer's own, else the unit's), and the visits booked.
enum EngineerDays {
    static func workingTime(of engineer: EngineerRecord.View, on db: any SQLDatabase) async throws -> (
        time: WorkingTime, zone: TimeZone
    ) {
        let time: WorkingTime
        if let id = engineer.calendarId,
            let own = try await Records<CalendarRecord>.load(id, within: .everything, on: db),
            let working = WorkingTime(own.calendar)
        {
            time = working
        } else {
            let path = try await OrgUnitPaths.path(of: engineer.orgUnitId, on: db) ?? ""
            let units = path.split(separator: "/").compactMap { Int($0) }
            time = try await CalendarBook.load(forUnits: Set(units), on: db).calendar(forPath: units).workingTime
        }
        return (time, TimeZone(identifier: time.calendar.timeZone) ?? .gmt)
    }

    /// The engineer's visits holding time on `date` (by window or planned arrival), except `except`.
    static func bookings(engineerId: Int, on date: CalendarDate, zone: TimeZone, except: Int?, on db: any SQLDatabase)
        async throws -> [Booking]
    {
        try await days(engineerIds: [engineerId], on: date, zone: zone, except: except, on: db).bookings[engineerId]
            ?? []
    }

    /// Several engineers' days in one query: their bookings, and where each booked visit is.
    static func days(
        engineerIds: [Int], on date: CalendarDate, zone: TimeZone, except: Int?, on db: any SQLDatabase
    ) async throws -> (bookings: [Int: [Booking]], places: [Int: Coordinate]) {
        guard !engineerIds.isEmpty else { return ([:], [:]) }
        let day = date.interval(in: zone)
        let holding = VisitStatus.allCases.filter(\.holdsTime).map { SQLBind($0.rawValue) }
        var sql: SQLQueryString = """
            SELECT id, engineer_id, window_start, window_end, planned_arrival, duration_minutes, emergency, latitude, \
            longitude FROM visits WHERE engineer_id IN (\(SQLList(engineerIds.map { SQLBind($0) }))) \
            AND status IN (\(SQLList(holding))) \
            AND COALESCE(planned_arrival, window_start) >= \(bind: day.start) \
            AND COALESCE(planned_arrival, window_start) < \(bind: day.end)
            """
        if let except { sql = sql + " AND id <> \(bind: except)" }
        var bookings: [Int: [Booking]] = [:]
        var places: [Int: Coordinate] = [:]
        for row in try await db.raw(sql).all() {
            guard
                let start = try row.decode(column: "planned_arrival", as: Date?.self)
                    ?? row.decode(column: "window_start", as: Date?.self)
            else { continue }
            // A planned start (from an accepted route) holds the work itself; an agreed window holds the window,
            // and at least the work from its start.
            let planned = try row.decode(column: "planned_arrival", as: Date?.self) != nil
            let windowEnd = planned ? start : try row.decode(column: "window_end", as: Date?.self) ?? start
            let minutes = try row.decode(column: "duration_minutes", as: Int.self)
            let id = try row.decode(column: "id", as: Int.self)
            bookings[try row.decode(column: "engineer_id", as: Int.self), default: []].append(
                Booking(
                    visitId: id, start: start, end: max(windowEnd, start.addingTimeInterval(Double(minutes * 60))),
                    emergency: try row.decode(column: "emergency", as: Bool.self)))
            if let lat = try row.decode(column: "latitude", as: Double?.self),
                let lon = try row.decode(column: "longitude", as: Double?.self)
            {
                places[id] = Coordinate(latitude: lat, longitude: lon)
            }
        }
        return (bookings, places)
    }
}

/// Materialised paths of organisation units.
enum OrgUnitPaths {
    static func path(of unit: Int, on db: any SQLDatabase) async throws -> String? {
        try await db.raw("SELECT path FROM org_units WHERE id = \(bind: unit)").first(
            decodingColumn: "path", as: String.self)
    }

    /// A unit's settings of one kind (`table`, one live row per unit): its own, else its nearest ancestor's; nil
    /// when neither it nor any ancestor has any.
    static func nearest<T>(
        _ table: String, columns: String, for orgUnitId: Int, on db: any SQLDatabase,
        _ read: (any SQLRow) throws -> T
    ) async throws -> T? {
        let units = (try await path(of: orgUnitId, on: db) ?? "").split(separator: "/").compactMap { Int($0) }
        guard !units.isEmpty else { return nil }
        var found: [Int: T] = [:]
        for row in try await db.raw(
            """
            SELECT org_unit_id, \(unsafeRaw: columns) FROM \(unsafeRaw: table) \
            WHERE archived_at IS NULL AND org_unit_id IN (\(SQLList(units.map { SQLBind($0) })))
            """
        ).all() {
            found[try row.decode(column: "org_unit_id", as: Int.self)] = try read(row)
        }
        return units.reversed().lazy.compactMap { found[$0] }.first
    }
}

extension CalendarDate {
    /// The instants of this local day in `zone`: from midnight to the next midnight.
    public func interval(in zone: TimeZone) -> DateInterval {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let start = calendar.date(from: DateComponents(year: year, month: month, day: day))!
        let end = calendar.date(byAdding: .day, value: 1, to: start)!
        return DateInterval(start: start, end: end)
    }
}
