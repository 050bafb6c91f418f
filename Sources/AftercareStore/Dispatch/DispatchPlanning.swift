import AftercareDispatch
import AftercareDomain
import Foundation
import SQLKit

/// R-4.2: one ranked candidate for a visit, with the parts of the score.
public struct Recommendation: Codable, Sendable, Equatable {
    public var engineerId: Int
    public var engineerName: String
    public var orgUnitId: Int
    public var external: Bool
    public var eligible: Bool
    public var blockers: [String]
    public var score: Double
    public var parts: [AssignmentScore.Part]
    public var travelSeconds: Int
    public var visitsThatDay: Int
}

/// One stop of a proposed route, in instants.
public struct RouteStopView: Codable, Sendable, Equatable {
    public var visitId: Int
    /// R-4.4: when to leave for it, so as to arrive a few minutes early.
    public var departure: Date
    public var arrival: Date
    public var serviceStart: Date
    public var serviceEnd: Date
    public var travelSeconds: Int
    public var latitude: Double
    public var longitude: Double
}

/// One engineer's day in a proposed plan.
public struct RouteView: Codable, Sendable, Equatable {
    public var engineerId: Int
    public var engineerName: String
    public var start: Date
    public var end: Date
    public var travelSeconds: Int
    public var homeLatitude: Double
    public var homeLongitude: Double
    public var stops: [RouteStopView]
}

/// A visit the plan leaves out, and why.
public struct UnplannedVisitView: Codable, Sendable, Equatable {
    public var visitId: Int
    public var reason: String
}

/// Where a route plan stands.
public enum RoutePlanStatus: String, CodedEnum {
    /// Proposed, nothing changed yet.
    case proposed
    /// Accepted for some engineers.
    case partial
    /// Accepted for every engineer.
    case accepted
}

/// R-4.4: a day's plan for a unit, proposed by the optimiser and accepted by the dispatcher as a whole or per
/// engineer.
public struct RoutePlanView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var orgUnitId: Int
    public var date: CalendarDate
    public var status: RoutePlanStatus
    public var seed: Int
    /// How long the optimiser ran.
    public var seconds: Double
    public var travelSeconds: Int
    public var routes: [RouteView]
    public var unassigned: [UnplannedVisitView]
    public var acceptedEngineerIds: [Int]
    public var createdBy: String
    public var createdAt: Date
    public var updatedAt: Date
}

/// What accepting a plan did.
public struct PlanAcceptance: Codable, Sendable, Equatable {
    public var plan: RoutePlanView
    /// Visits assigned and given their planned times.
    public var applied: [Int]
    /// Visits that changed since the plan was made (finished, cancelled, handed to someone else): left alone.
    public var skipped: [Int]
}

/// Asked for a plan of a day with nothing to plan.
public struct NothingToPlan: Error, Sendable, Equatable {
    public var reason: String
}

/// R-4.2, R-4.4: assignment recommendations and daily route plans.
public struct DispatchPlanning: Sendable {
    public let store: Store

    public init(_ store: Store) {
        self.store = store
    }

    /// The engineers who may serve visits of `orgUnitId`: those of its branch (the nearest branch or
    /// headquarters above it, itself included), within the caller's scope.
    static func engineers(for orgUnitId: Int, within scope: Scope, on db: any SQLDatabase) async throws
        -> [EngineerRecord.View]
    {
        let root = try await serviceArea(of: orgUnitId, on: db)
        var query = EngineerRecord.select(on: db).where(EngineerRecord.column("archived_at"), .is, SQLLiteral.null)
            .where(
                EngineerRecord.column("org_unit_id"), .in,
                SQLSubquery.select { $0.column("id").from("org_units").where("path", .like, root + "%") })
        query = EngineerRecord.restrict(query, to: scope).orderBy(EngineerRecord.column("id"))
        return try await query.all().map(Records<EngineerRecord>.view(of:))
    }

    /// The path of the unit whose engineers serve `orgUnitId`: the nearest branch or headquarters above it.
    static func serviceArea(of orgUnitId: Int, on db: any SQLDatabase) async throws -> String {
        guard let path = try await OrgUnitPaths.path(of: orgUnitId, on: db) else {
            throw ValidationError(["orgUnitId": .notFound])
        }
        let ids = path.split(separator: "/").compactMap { Int($0) }
        let rows = try await db.raw(
            "SELECT id, kind, path FROM org_units WHERE id IN (\(SQLList(ids.map { SQLBind($0) })))"
        ).all()
        var byId: [Int: (kind: String, path: String)] = [:]
        for row in rows {
            byId[try row.decode(column: "id", as: Int.self)] = (
                try row.decode(column: "kind", as: String.self), try row.decode(column: "path", as: String.self)
            )
        }
        for id in ids.reversed() {
            if let unit = byId[id],
                unit.kind == OrgUnitKind.branch.rawValue || unit.kind == OrgUnitKind.headquarters.rawValue
            {
                return unit.path
            }
        }
        return path
    }

    /// Where an engineer starts: the home base, else the unit's coordinates.
    static func home(of engineer: EngineerRecord.View, units: [Int: Coordinate]) -> Coordinate? {
        if let lat = engineer.homeLatitude, let lon = engineer.homeLongitude {
            return Coordinate(latitude: lat, longitude: lon)
        }
        return units[engineer.orgUnitId]
    }

    static func unitCoordinates(on db: any SQLDatabase) async throws -> [Int: Coordinate] {
        var result: [Int: Coordinate] = [:]
        for row in try await db.raw(
            "SELECT id, latitude, longitude FROM org_units WHERE latitude IS NOT NULL AND longitude IS NOT NULL"
        ).all() {
            result[try row.decode(column: "id", as: Int.self)] = Coordinate(
                latitude: try row.decode(column: "latitude", as: Double.self),
                longitude: try row.decode(column: "longitude", as: Double.self))
        }
        return result
    }

    /// R-4.2: the candidates for a visit, best first, each with the parts of its score.
    public func recommendations(for visitId: Int) async throws -> [Recommendation] {
        let db = store.sql
        let now = store.now
        guard let visit = try await Visits.load(visitId, within: store.scope, on: db) else {
            throw RecordNotFound(entity: "visit", id: visitId)
        }
        let engineers = try await Self.engineers(for: visit.orgUnitId, within: store.scope, on: db)
        let travel = try await DispatchSettingsRecord.effective(for: visit.orgUnitId, on: db).travel
        let units = try await Self.unitCoordinates(on: db)
        let target = visit.windowStart ?? now
        let date = CalendarDate(target, in: store.timeZone)
        let site = visit.latitude.flatMap { lat in visit.longitude.map { Coordinate(latitude: lat, longitude: $0) } }
        let due = try await db.raw(
            """
            SELECT due_at FROM sla_clocks WHERE request_id = \(bind: visit.requestId) \
            AND target IN ('onSite', 'resolution') AND state = 'running' AND due_at IS NOT NULL ORDER BY due_at
            """
        ).first(decodingColumn: "due_at", as: Date.self)
        var candidates: [AssignmentCandidate] = []
        var counts: [Int: Int] = [:]
        var travels: [Int: Int] = [:]
        let booked = try await EngineerDays.days(
            engineerIds: engineers.map(\.id), on: date, zone: store.timeZone, except: visit.id, on: db)
        for engineer in engineers {
            let profile = engineer.profile
            var blockers: [String] = profile.missing(visit.requiredSkills).map {
                "needs level \($0.minimumLevel) on product line \($0.productLineId)"
            }
            blockers += profile.missingCertifications(visit.requiredCertifications, on: date).map {
                "no valid certification \($0)"
            }
            if let absence = profile.absence(on: date) { blockers.append("away: \(absence.reason)") }
            let bookings = booked.bookings[engineer.id] ?? []
            let before = bookings.filter { $0.end <= target }.max { $0.end < $1.end }
            let from = before.flatMap { booked.places[$0.visitId] } ?? Self.home(of: engineer, units: units)
            let leg = from.flatMap { a in site.map { travel.travel(from: a, to: $0) } } ?? Leg(seconds: 3600, meters: 0)
            let free = max(
                now, before?.end ?? now, target > now ? target.addingTimeInterval(-Double(leg.seconds)) : now)
            let earliest = Int(free.timeIntervalSince(now)) + leg.seconds
            let level = visit.requiredSkills.map { profile.level(on: $0.productLineId) - $0.minimumLevel }.min() ?? 2
            counts[engineer.id] = bookings.count
            travels[engineer.id] = leg.seconds
            candidates.append(
                AssignmentCandidate(
                    engineerId: engineer.id, blockers: blockers, levelMargin: level, travelSeconds: leg.seconds,
                    visitsThatDay: bookings.count, maxVisitsPerDay: engineer.maxVisitsPerDay,
                    earliestArrivalSeconds: earliest, external: engineer.external))
        }
        let job = AssignmentJob(
            urgent: Urgency.isUrgent(priority: visit.priority, emergency: visit.emergency),
            dueInSeconds: due.map { Int($0.timeIntervalSince(now)) })
        let byId = Dictionary(uniqueKeysWithValues: engineers.map { ($0.id, $0) })
        return AssignmentScoring.rank(candidates, for: job).map { score in
            let engineer = byId[score.engineerId]!
            return Recommendation(
                engineerId: score.engineerId, engineerName: engineer.name, orgUnitId: engineer.orgUnitId,
                external: engineer.external, eligible: score.eligible, blockers: score.blockers, score: score.total,
                parts: score.parts, travelSeconds: travels[score.engineerId] ?? 0,
                visitsThatDay: counts[score.engineerId] ?? 0)
        }
    }

    /// R-4.4: the skills the optimiser matches: an engineer at level L on a line holds `line:<id>:1` … `line:<id>:L`,
    /// and each valid certification `cert:<name>`; a visit asks for `line:<id>:<minimum>` and `cert:<name>`.
    static func skillTokens(of engineer: EngineerProfile, on date: CalendarDate) -> Set<String> {
        var tokens = Set<String>()
        for skill in engineer.skills where skill.level >= 1 {
            for level in 1...skill.level { tokens.insert("line:\(skill.productLineId):\(level)") }
        }
        for certification in engineer.certifications where certification.isValid(on: date) {
            tokens.insert("cert:\(certification.name)")
        }
        return tokens
    }

    static func skillTokens(of visit: VisitView) -> Set<String> {
        Set(visit.requiredSkills.map { "line:\($0.productLineId):\($0.minimumLevel)" })
            .union(visit.requiredCertifications.map { "cert:\($0)" })
    }

    /// The day's problem for a unit: its engineers' shifts and the open visits of that day (agreed ones pinned to
    /// their engineer, unscheduled ones anywhere in the day).
    struct DayProblem {
        var problem: RoutingProblem
        var dayStart: Date
        var engineers: [Int: EngineerRecord.View]
        var visits: [Int: VisitView]
        var homes: [Int: Coordinate]
        var excluded: [UnplannedVisitView]
    }

    static func dayProblem(
        orgUnitId: Int, date: CalendarDate, timeZone: TimeZone, scope: Scope, travel: any TravelTimeSource,
        on db: any SQLDatabase
    ) async throws -> DayProblem {
        let day = date.interval(in: timeZone)
        let units = try await unitCoordinates(on: db)
        var vehicles: [RoutingVehicle] = []
        var engineersById: [Int: EngineerRecord.View] = [:]
        var homes: [Int: Coordinate] = [:]
        for engineer in try await engineers(for: orgUnitId, within: scope, on: db) {
            guard engineer.profile.absence(on: date) == nil, let home = home(of: engineer, units: units) else {
                continue
            }
            let shifts = try await EngineerDays.workingTime(of: engineer, on: db).time.shifts(on: date)
            guard let first = shifts.first, let last = shifts.last else { continue }
            let open = Int(first.start.timeIntervalSince(day.start))
            let close = Int(last.end.timeIntervalSince(day.start))
            engineersById[engineer.id] = engineer
            homes[engineer.id] = home
            vehicles.append(
                RoutingVehicle(
                    id: String(engineer.id), start: home, end: home, shift: open...close,
                    skills: skillTokens(of: engineer.profile, on: date), maxVisits: engineer.maxVisitsPerDay))
        }
        let area = try await serviceArea(of: orgUnitId, on: db)
        var sql: SQLQueryString = """
            SELECT \(unsafeRaw: Visits.columns) \(unsafeRaw: Visits.from) \
            WHERE v.org_unit_id IN (SELECT id FROM org_units WHERE path LIKE \(bind: area + "%")) \
            AND ((v.status = 'planned' AND (v.window_start IS NULL OR (v.window_start >= \(bind: day.start) \
            AND v.window_start < \(bind: day.end)))) \
            OR (v.status = 'scheduled' AND v.window_start >= \(bind: day.start) AND v.window_start < \(bind: day.end)))
            """
        if let condition = ScopeSQL.orgUnitCondition("v.org_unit_id", scope) { sql = sql + " AND " + condition }
        sql = sql + " ORDER BY v.id LIMIT 5000"
        var routingVisits: [RoutingVisit] = []
        var visits: [Int: VisitView] = [:]
        var excluded: [UnplannedVisitView] = []
        for row in try await db.raw(sql).all() {
            let visit = try Visits.view(row)
            guard let lat = visit.latitude, let lon = visit.longitude else {
                excluded.append(UnplannedVisitView(visitId: visit.id, reason: "no coordinates"))
                continue
            }
            let pinned = visit.engineerId.flatMap { engineersById[$0] != nil ? String($0) : nil }
            if visit.engineerId != nil, pinned == nil, visit.status == .scheduled {
                excluded.append(UnplannedVisitView(visitId: visit.id, reason: "its engineer is not working that day"))
                continue
            }
            let window: ClosedRange<Int>
            if let start = visit.windowStart, let end = visit.windowEnd {
                window = Int(start.timeIntervalSince(day.start))...Int(end.timeIntervalSince(day.start))
            } else {
                window = 0...86_400
            }
            let agreed = visit.status == .scheduled
            let priority: VisitPriority =
                agreed || Urgency.isUrgent(priority: visit.priority, emergency: visit.emergency)
                ? .mandatory : .optional(penalty: visit.priority == .low ? 3 * 3600 : 8 * 3600)
            visits[visit.id] = visit
            routingVisits.append(
                RoutingVisit(
                    id: String(visit.id), location: Coordinate(latitude: lat, longitude: lon),
                    serviceSeconds: visit.durationMinutes * 60, window: window,
                    requiredSkills: skillTokens(of: visit), priority: priority, pinnedVehicle: pinned))
        }
        return DayProblem(
            problem: RoutingProblem(visits: routingVisits, vehicles: vehicles, travel: travel), dayStart: day.start,
            engineers: engineersById, visits: visits, homes: homes, excluded: excluded)
    }

    /// Iterations without a better plan after which a day's search stops before its time limit: a branch's
    /// dozen visits are settled in well under a second; a 300-visit day uses its whole limit.
    static let stallLimit = 3000

    /// R-4.4: plans a unit's day with the optimiser and keeps the result as a proposal; nothing else changes.
    public func propose(
        orgUnitId: Int, date: CalendarDate, seconds: Double = 5, seed: UInt64 = 1, threads: Int = 1, by actor: Actor
    ) async throws -> RoutePlanView {
        var v = Validator()
        if !(1...120).contains(seconds) { v.add("seconds", .outOfRange(min: 1, max: 120)) }
        if !(1...64).contains(threads) { v.add("threads", .outOfRange(min: 1, max: 64)) }
        try v.finish()
        let db = store.sql
        let now = store.now
        guard try await Records<OrgUnitRecord>.load(orgUnitId, within: store.scope, on: db) != nil else {
            throw ValidationError(["orgUnitId": .notFound])
        }
        let settings = try await DispatchSettingsRecord.effective(for: orgUnitId, on: db)
        let day = try await Self.dayProblem(
            orgUnitId: orgUnitId, date: date, timeZone: store.timeZone, scope: store.scope, travel: settings.travel,
            on: db)
        guard !day.problem.vehicles.isEmpty else { throw NothingToPlan(reason: "no engineer works that day") }
        let began = Date()
        let plan = solve(
            day.problem,
            options: SolverOptions(
                seed: seed, timeLimit: seconds, stallLimit: Self.stallLimit, threads: threads, objective: .distance,
                bufferSeconds: settings.bufferMinutes * 60))
        let elapsed = Date().timeIntervalSince(began)
        let routes = Self.routes(of: plan, day: day)
        let unassigned =
            day.excluded
            + plan.unassigned.compactMap { item in
                Int(item.visitID).map { UnplannedVisitView(visitId: $0, reason: item.reason) }
            }
        let id = try await store.write { db in
            try await db.insert(into: "route_plans")
                .columns(
                    "org_unit_id", "plan_date", "status", "seed", "seconds", "travel_seconds", "routes", "unassigned",
                    "accepted_engineers", "created_by", "created_at", "updated_at"
                )
                .values(
                    SQLBind(orgUnitId), SQLBind(date.description), SQLBind(RoutePlanStatus.proposed.rawValue),
                    SQLBind(Int(truncatingIfNeeded: seed)), SQLBind(elapsed), SQLBind(plan.totalTravelSeconds),
                    SQLBind(try JSONText.encode(routes)), SQLBind(try JSONText.encode(unassigned)),
                    SQLBind(try JSONText.encode([Int]())), SQLBind(actor.name), SQLBind(now), SQLBind(now)
                )
                .returning("id").first(decodingColumn: "id", as: Int.self)!
        }
        return try await get(id)
    }

    /// R-4.3, R-4.4: puts one more visit (an emergency) into a proposal with the least change: cheapest insertion
    /// and a short local search, the other visits kept, agreed ones on their engineer. The result is a new proposal.
    public func insert(visitId: Int, into planId: Int, by actor: Actor) async throws -> RoutePlanView {
        let db = store.sql
        let now = store.now
        let base = try await get(planId)
        guard let visit = try await Visits.load(visitId, within: store.scope, on: db) else {
            throw ValidationError(["visitId": .notFound])
        }
        guard visit.status == .planned || visit.status == .scheduled else {
            throw ValidationError(["visitId": .invalidValue(allowed: ["a planned or scheduled visit"])])
        }
        if base.routes.contains(where: { $0.stops.contains { $0.visitId == visitId } }) {
            throw ValidationError(["visitId": .duplicate])
        }
        let settings = try await DispatchSettingsRecord.effective(for: base.orgUnitId, on: db)
        let day = try await Self.dayProblem(
            orgUnitId: base.orgUnitId, date: base.date, timeZone: store.timeZone, scope: store.scope,
            travel: settings.travel, on: db)
        guard let routing = day.problem.visits.first(where: { $0.id == String(visitId) }) else {
            throw ValidationError(["visitId": .invalidValue(allowed: ["a visit of this unit and day with a place"])])
        }
        // The proposal's other visits that are still open; anything new since stays out, as in the proposal.
        let kept = Set(base.routes.flatMap { $0.stops.map { String($0.visitId) } })
            .intersection(day.problem.visits.map(\.id))
        let problem = RoutingProblem(
            visits: day.problem.visits.filter { kept.contains($0.id) }, vehicles: day.problem.vehicles,
            travel: settings.travel)
        let skeleton = RoutingPlan(
            orders: base.routes.map { route in
                (String(route.engineerId), route.stops.map { String($0.visitId) }.filter { kept.contains($0) })
            })
        let began = Date()
        let plan = AftercareDispatch.insert(
            routing, into: skeleton, problem: problem,
            options: SolverOptions(
                seed: UInt64(max(0, base.seed)), timeLimit: 0.15, objective: .distance,
                bufferSeconds: settings.bufferMinutes * 60))
        let elapsed = Date().timeIntervalSince(began)
        let routes = Self.routes(of: plan, day: day)
        let unassigned =
            base.unassigned.filter { $0.visitId != visitId }
            + plan.unassigned.compactMap { item in
                Int(item.visitID).map { UnplannedVisitView(visitId: $0, reason: item.reason) }
            }
        let id = try await store.write { db in
            try await db.insert(into: "route_plans")
                .columns(
                    "org_unit_id", "plan_date", "status", "seed", "seconds", "travel_seconds", "routes", "unassigned",
                    "accepted_engineers", "created_by", "created_at", "updated_at"
                )
                .values(
                    SQLBind(base.orgUnitId), SQLBind(base.date.description),
                    SQLBind(RoutePlanStatus.proposed.rawValue), SQLBind(base.seed), SQLBind(elapsed),
                    SQLBind(plan.totalTravelSeconds), SQLBind(try JSONText.encode(routes)),
                    SQLBind(try JSONText.encode(unassigned)), SQLBind(try JSONText.encode([Int]())),
                    SQLBind(actor.name), SQLBind(now), SQLBind(now)
                )
                .returning("id").first(decodingColumn: "id", as: Int.self)!
        }
        return try await get(id)
    }

    static func routes(of plan: RoutingPlan, day: DayProblem) -> [RouteView] {
        func at(_ seconds: Int) -> Date { day.dayStart.addingTimeInterval(Double(seconds)) }
        return plan.routes.compactMap { route in
            guard let id = Int(route.vehicleID), let engineer = day.engineers[id], let home = day.homes[id],
                !route.stops.isEmpty
            else { return nil }
            return RouteView(
                engineerId: id, engineerName: engineer.name, start: at(route.start), end: at(route.end),
                travelSeconds: route.travelSeconds, homeLatitude: home.latitude, homeLongitude: home.longitude,
                stops: route.stops.compactMap { stop in
                    guard let visitId = Int(stop.visitID), let visit = day.visits[visitId] else { return nil }
                    return RouteStopView(
                        visitId: visitId, departure: at(stop.departure), arrival: at(stop.arrival),
                        serviceStart: at(stop.serviceStart), serviceEnd: at(stop.serviceEnd),
                        travelSeconds: stop.travelSeconds, latitude: visit.latitude ?? 0,
                        longitude: visit.longitude ?? 0)
                })
        }
    }

    static func view(_ row: any SQLRow) throws -> RoutePlanView {
        RoutePlanView(
            id: try row.decode(column: "id", as: Int.self),
            orgUnitId: try row.decode(column: "org_unit_id", as: Int.self),
            date: CalendarDate(iso: try row.decode(column: "plan_date", as: String.self))!,
            status: try row.decodeStored("status", as: RoutePlanStatus.self),
            seed: try row.decode(column: "seed", as: Int.self),
            seconds: try row.decode(column: "seconds", as: Double.self),
            travelSeconds: try row.decode(column: "travel_seconds", as: Int.self),
            routes: try JSONText.decode([RouteView].self, from: try row.decode(column: "routes", as: String.self)),
            unassigned: try JSONText.decode(
                [UnplannedVisitView].self, from: try row.decode(column: "unassigned", as: String.self)),
            acceptedEngineerIds: try JSONText.decode(
                [Int].self, from: try row.decode(column: "accepted_engineers", as: String.self)),
            createdBy: try row.decode(column: "created_by", as: String.self),
            createdAt: try row.decode(column: "created_at", as: Date.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }

    static func load(_ id: Int, within scope: Scope, on db: any SQLDatabase) async throws -> RoutePlanView? {
        var sql: SQLQueryString = "SELECT * FROM route_plans p WHERE p.id = \(bind: id)"
        if let condition = ScopeSQL.orgUnitCondition("p.org_unit_id", scope) { sql = sql + " AND " + condition }
        return try await db.raw(sql).first().map(Self.view)
    }

    public func get(_ id: Int) async throws -> RoutePlanView {
        guard let plan = try await Self.load(id, within: store.scope, on: store.sql) else {
            throw RecordNotFound(entity: "routePlan", id: id)
        }
        return plan
    }

    /// The plans of a unit's day, newest first.
    public func plans(orgUnitId: Int, date: CalendarDate) async throws -> [RoutePlanView] {
        var sql: SQLQueryString = """
            SELECT * FROM route_plans p WHERE p.org_unit_id = \(bind: orgUnitId) AND p.plan_date = \(bind: date.description)
            """
        if let condition = ScopeSQL.orgUnitCondition("p.org_unit_id", store.scope) { sql = sql + " AND " + condition }
        return try await store.sql.raw(sql + " ORDER BY p.id DESC LIMIT 20").all().map(Self.view)
    }

    /// R-4.4: accepts a proposal for all its engineers or the ones named: each visit is assigned to its engineer
    /// and gets its order, planned arrival and departure time. Visits that changed since (finished, cancelled,
    /// under way, or agreed with another engineer) are left alone; a planned visit goes to the plan's engineer.
    public func accept(_ id: Int, engineerIds: [Int]?, by actor: Actor) async throws -> PlanAcceptance {
        let now = store.now
        let scope = store.scope
        let timeZone = store.timeZone
        return try await store.write { db in
            guard let plan = try await Self.load(id, within: scope, on: db) else {
                throw RecordNotFound(entity: "routePlan", id: id)
            }
            let inPlan = Set(plan.routes.map(\.engineerId))
            let chosen = engineerIds.map(Set.init) ?? inPlan
            if engineerIds?.isEmpty == true { throw ValidationError(["engineerIds": .required]) }
            if !chosen.isSubset(of: inPlan) {
                throw ValidationError(["engineerIds": .invalidValue(allowed: inPlan.sorted().map(String.init))])
            }
            var applied: [Int] = []
            var skipped: [Int] = []
            for route in plan.routes where chosen.contains(route.engineerId) {
                for (order, stop) in route.stops.enumerated() {
                    guard let visit = try await Visits.load(stop.visitId, within: scope, on: db),
                        visit.status == .planned || (visit.status == .scheduled && visit.engineerId == route.engineerId)
                    else {
                        skipped.append(stop.visitId)
                        continue
                    }
                    // A visit with the customer's window becomes an appointment with its engineer; one without
                    // stays planned, assigned, for the engineer to agree a window with the customer (`002`).
                    if visit.status == .planned, let start = visit.windowStart, let end = visit.windowEnd {
                        _ = try await Visits.apply(
                            VisitEventInput(
                                event: .schedule, engineerId: route.engineerId, windowStart: start, windowEnd: end,
                                note: "route plan \(id)"),
                            to: visit.id, expectedVersion: nil, by: actor, at: now, timeZone: timeZone, within: scope,
                            checkConflicts: false, on: db)
                    } else if visit.engineerId != route.engineerId {
                        _ = try await Visits.apply(
                            VisitEventInput(event: .assign, engineerId: route.engineerId, note: "route plan \(id)"),
                            to: visit.id, expectedVersion: nil, by: actor, at: now, timeZone: timeZone, within: scope,
                            on: db)
                    }
                    try await db.update("visits").set("planned_arrival", to: stop.serviceStart)
                        .set("departure_at", to: stop.departure).set("route_order", to: order + 1)
                        .set("version", to: SQLRaw("version + 1")).set("updated_at", to: now).where(
                            "id", .equal, visit.id
                        ).run()
                    applied.append(visit.id)
                }
            }
            let accepted = Set(plan.acceptedEngineerIds).union(chosen)
            let status: RoutePlanStatus = accepted.isSuperset(of: inPlan) ? .accepted : .partial
            try await db.update("route_plans").set("status", to: status.rawValue)
                .set("accepted_engineers", to: try JSONText.encode(accepted.sorted())).set("updated_at", to: now)
                .where("id", .equal, id).run()
            guard let after = try await Self.load(id, within: scope, on: db) else {
                throw RecordNotFound(entity: "routePlan", id: id)
            }
            try await AuditLog.append(
                on: db, entity: "routePlan", id: id, action: .event, actor: actor, at: now, before: plan, after: after)
            return PlanAcceptance(plan: after, applied: applied, skipped: skipped)
        }
    }
}
