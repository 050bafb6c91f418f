import AftercareDispatch
import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// R-4: the pages of dispatch: the board of a unit's day with the route planner and its map, the visit page with
/// recommendations and the visit's events, the request page's visits panel, the engineer's day on a phone and the
/// engineers' administration. They call the same use cases as `DispatchController`, through the caller's scoped
/// store.
struct DispatchPages: Sendable {
    /// The board's time line: 07:00 to 20:00.
    static let firstHour = 7
    static let lastHour = 20
    /// Route colours of the map and its legend, distinct from each other.
    static let colours = ["#1f5fbf", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"]

    func register(_ root: any RoutesBuilder) {
        root.get("dispatch", use: board).requires(.action(.viewVisits))
        root.post("dispatch", "plan", use: plan).requires(.action(.dispatchVisits))
        root.post("dispatch", "plans", ":id", "accept", use: accept).requires(.action(.dispatchVisits))
        root.post("dispatch", "plans", ":id", "insert", use: insert).requires(.action(.dispatchVisits))
        root.get("visits", ":id", use: visit).requires(.action(.viewVisits))
        root.post("visits", ":id", "events", use: event).requires(.action(.viewVisits))
        root.post("visits", ":id", "requisitions", use: requestParts).requires(.action(.requestParts))
        root.post("requests", ":id", "visits", use: addVisit).requires(.action(.dispatchVisits))
        root.get("my-day", use: myDay).requires(.action(.workVisits))
        root.get("admin", "engineers", use: engineers).requires(.action(.manageEngineers))
        root.get("admin", "engineers", "new", use: newEngineer).requires(.action(.manageEngineers))
        root.post("admin", "engineers", use: createEngineer).requires(.action(.manageEngineers))
        root.get("admin", "engineers", ":id", use: editEngineer).requires(.action(.manageEngineers))
        root.post("admin", "engineers", ":id", use: updateEngineer).requires(.action(.manageEngineers))
    }

    // MARK: Formatting

    /// A time of day in the reader's language and the deployment's zone.
    static func clock(_ date: Date, _ l: Localizer) -> String {
        date.formatted(Date.FormatStyle(date: .omitted, time: .shortened, locale: l.locale, timeZone: l.timeZone))
    }

    /// A visit's window: its start with the date, its end as a time.
    static func window(_ start: Date?, _ end: Date?, _ l: Localizer) -> String? {
        guard let start else { return nil }
        guard let end else { return l.dateTime(start) }
        return "\(l.dateTime(start)) – \(clock(end, l))"
    }

    /// The value of a `datetime-local` input for `date` in `zone`.
    static func localInput(_ date: Date?, _ zone: TimeZone) -> String {
        guard let date else { return "" }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }

    /// A `datetime-local` field (`2026-05-01T09:30`, seconds allowed) as an instant in `zone`.
    static func localTime(
        _ form: FormReader, _ name: String, _ zone: TimeZone, into v: inout AftercareDomain.Validator
    ) -> Date? {
        guard let text = form.string(name) else { return nil }
        let parts = text.split(separator: "T", maxSplits: 1)
        let day = parts.first.flatMap { CalendarDate(iso: String($0)) }
        let time = parts.count == 2 ? parts[1].split(separator: ":").map { Int($0) } : []
        guard let day, time.count >= 2, time.count <= 3, let hour = time[0], let minute = time[1],
            (0...23).contains(hour), (0...59).contains(minute)
        else {
            v.add(name, .invalidFormat(expected: "YYYY-MM-DDTHH:MM"))
            return nil
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(
            from: DateComponents(year: day.year, month: day.month, day: day.day, hour: hour, minute: minute))
    }

    static func number(_ value: Double, digits: Int, _ l: Localizer) -> String {
        value.formatted(.number.precision(.fractionLength(digits)).locale(l.locale))
    }

    static func tel(_ phone: String?) -> String? {
        guard let phone else { return nil }
        let digits = phone.filter { $0.isNumber || $0 == "+" }
        return digits.isEmpty ? nil : "tel:\(digits)"
    }

    static func today(_ req: Request) -> CalendarDate { CalendarDate(req.store.now, in: req.store.timeZone) }

    static func shifted(_ date: CalendarDate, days: Int, _ zone: TimeZone) -> CalendarDate {
        let noon = date.interval(in: zone).start.addingTimeInterval(12 * 3600 + Double(days) * 86_400)
        return CalendarDate(noon, in: zone)
    }

    static func productLines(_ req: Request) async throws -> [ProductLineRecord.View] {
        try await Records<ProductLineRecord>(req.store).list(page: PageRequest(limit: 200)).items
    }

    static func lineNames(_ req: Request) async throws -> [Int: String] {
        Dictionary(
            try await productLines(req).map { ($0.id, "\($0.code) · \($0.name)") }, uniquingKeysWith: { a, _ in a })
    }

    // MARK: Map

    /// One engineer's way on the map: from home through the stops and back.
    struct Track {
        var name: String
        var home: (latitude: Double, longitude: Double)?
        var stops: [(latitude: Double, longitude: Double, title: String)]
    }

    struct MapModel: Encodable {
        struct Stop: Encodable {
            var x: String
            var y: String
            var number: Int
            var title: String
        }

        struct Route: Encodable {
            var name: String
            var colour: String
            var points: String
            var homeX: String?
            var homeY: String?
            var stops: [Stop]
        }

        var width: Int
        var height: Int
        var routes: [Route]
    }

    /// R-4.4: an inline map: coordinates projected into the view box with padding (longitudes shrunk by the
    /// cosine of the middle latitude), one polyline per engineer, numbered stops and homes.
    static func map(_ tracks: [Track], width: Double = 640, height: Double = 420, padding: Double = 28) -> MapModel? {
        let points = tracks.flatMap { track in
            (track.home.map { [$0] } ?? []) + track.stops.map { ($0.latitude, $0.longitude) }
        }
        guard !points.isEmpty, tracks.contains(where: { !$0.stops.isEmpty }) else { return nil }
        let latitudes = points.map(\.0)
        let longitudes = points.map(\.1)
        let minLat = latitudes.min()!
        let maxLat = latitudes.max()!
        let minLon = longitudes.min()!
        let maxLon = longitudes.max()!
        let shrink = cos((minLat + maxLat) / 2 * Double.pi / 180)
        let spanX = max((maxLon - minLon) * shrink, 0.005)
        let spanY = max(maxLat - minLat, 0.005)
        let innerW = width - 2 * padding
        let innerH = height - 2 * padding
        let scale = min(innerW / spanX, innerH / spanY)
        let offsetX = padding + (innerW - spanX * scale) / 2
        let offsetY = padding + (innerH - spanY * scale) / 2
        func x(_ lon: Double) -> String { String(format: "%.1f", offsetX + (lon - minLon) * shrink * scale) }
        func y(_ lat: Double) -> String { String(format: "%.1f", height - offsetY - (lat - minLat) * scale) }
        let routes = tracks.enumerated().map { index, track -> MapModel.Route in
            var line = track.stops.map { "\(x($0.longitude)),\(y($0.latitude))" }
            if let home = track.home {
                let at = "\(x(home.longitude)),\(y(home.latitude))"
                line = [at] + line + [at]
            }
            return MapModel.Route(
                name: track.name, colour: colours[index % colours.count], points: line.joined(separator: " "),
                homeX: track.home.map { x($0.longitude) }, homeY: track.home.map { y($0.latitude) },
                stops: track.stops.enumerated().map { number, stop in
                    .init(x: x(stop.longitude), y: y(stop.latitude), number: number + 1, title: stop.title)
                })
        }
        return MapModel(width: Int(width), height: Int(height), routes: routes)
    }

    // MARK: Board

    struct BoardModel: Encodable {
        struct Bar: Encodable {
            var id: Int
            var x: String
            var width: String
            var emergency: Bool
            var statusCode: String
            var title: String
        }

        struct Item: Encodable {
            var id: Int
            var time: String
            var customerName: String
            var requestNumber: String
            var purpose: String
            var status: String
            var statusCode: String
            var emergency: Bool
        }

        struct Lane: Encodable {
            var engineerId: Int
            var name: String
            var external: Bool
            var bars: [Bar]
            var items: [Item]
        }

        struct QueueRow: Encodable {
            var id: Int
            var requestNumber: String
            var customerName: String
            var purpose: String
            var window: String?
            var address: String?
            var priority: String
            var priorityCode: String
            var emergency: Bool
        }

        struct Stop: Encodable {
            var order: Int
            var visitId: Int
            var customerName: String
            var departure: String
            var arrival: String
            var work: String
        }

        struct Route: Encodable {
            var engineerId: Int
            var name: String
            var colour: String
            var accepted: Bool
            var span: String
            var travel: String
            var stops: [Stop]
        }

        struct Unplanned: Encodable {
            var visitId: Int
            var customerName: String
            var reason: String
        }

        struct Plan: Encodable {
            var id: Int
            var status: String
            var statusCode: String
            var created: String
            var travel: String
            var open: Bool
            var routes: [Route]
            var unplanned: [Unplanned]
        }

        var unitId: Int
        var date: String
        var previous: String
        var next: String
        var unitOptions: [SelectOption]
        var canDispatch: Bool
        var hours: [String]
        var lanes: [Lane]
        var queue: [QueueRow]
        var plan: Plan?
        var map: MapModel?
        var mapOfPlan: Bool
        var seconds: String
        var notice: String?
        var errors: [FieldMessage]
    }

    struct BoardQuery {
        var unitId: Int
        var date: CalendarDate
    }

    static func boardQuery(_ req: Request) throws -> BoardQuery {
        let q = QueryReader(req: req)
        return BoardQuery(
            unitId: try q.int("unit") ?? req.requirePrincipal().orgUnitId, date: try q.date("date") ?? today(req))
    }

    static func boardLink(unit: Int, date: CalendarDate) -> String {
        SLAPages.link("/dispatch", [("unit", "\(unit)"), ("date", date.description)])
    }

    func boardModel(
        _ req: Request, unitId: Int, date: CalendarDate, seconds: String = "2", notice: String? = nil,
        errors: [FieldMessage] = []
    ) async throws -> BoardModel {
        let principal = try req.requirePrincipal()
        let l = req.localizer
        let store = req.store
        let zone = store.timeZone
        let units = try await Records<OrgUnitRecord>(store).list(page: PageRequest(limit: 200)).items
        let subtree = Set(try await Records<OrgUnitRecord>(store).subtree(of: unitId))
        var filter = VisitFilter()
        filter.orgUnitId = unitId
        filter.date = date
        let day = try await Visits(store).list(filter, page: PageRequest(limit: 200)).items
        var waiting = VisitFilter()
        waiting.orgUnitId = unitId
        waiting.unassigned = true
        waiting.statuses = [.planned]
        let queue = try await Visits(store).list(waiting, page: PageRequest(limit: 200)).items.filter { visit in
            visit.windowStart.map { CalendarDate($0, in: zone) == date } ?? true
        }
        var visitsById: [Int: VisitView] = [:]
        for visit in day + queue { visitsById[visit.id] = visit }
        let engineers = try await Records<EngineerRecord>(store).list(page: PageRequest(limit: 200)).items
        let booked = Set(day.compactMap(\.engineerId))
        let shown = engineers.filter { subtree.contains($0.orgUnitId) || booked.contains($0.id) }
        // The time line: minutes since 07:00 across 13 hours.
        let axisStart = date.interval(in: zone).start.addingTimeInterval(Double(Self.firstHour) * 3600)
        let axisMinutes = Double((Self.lastHour - Self.firstHour) * 60)
        func start(_ visit: VisitView) -> Date? { visit.plannedArrival ?? visit.windowStart }
        func item(_ visit: VisitView) -> BoardModel.Item {
            .init(
                id: visit.id, time: start(visit).map { Self.clock($0, l) } ?? "—", customerName: visit.customerName,
                requestNumber: visit.requestNumber, purpose: l.t("visitPurpose.\(visit.purpose.rawValue)"),
                status: l.t("visitStatus.\(visit.status.rawValue)"), statusCode: visit.status.rawValue,
                emergency: visit.emergency)
        }
        let lanes = shown.map { engineer -> BoardModel.Lane in
            let mine = day.filter { $0.engineerId == engineer.id && $0.status != .cancelled }
                .sorted { (start($0) ?? .distantFuture) < (start($1) ?? .distantFuture) }
            let bars = mine.compactMap { visit -> BoardModel.Bar? in
                guard let begin = start(visit) else { return nil }
                let minutes = Double(visit.durationMinutes)
                let from = begin.timeIntervalSince(axisStart) / 60
                let left = min(max(from, 0), axisMinutes)
                let right = min(max(from + minutes, 0), axisMinutes)
                guard right > left else { return nil }
                let title =
                    "\(Self.clock(begin, l)) \(visit.customerName) · \(l.t("visitStatus.\(visit.status.rawValue)"))"
                return .init(
                    id: visit.id, x: String(format: "%.1f", left), width: String(format: "%.1f", max(right - left, 4)),
                    emergency: visit.emergency, statusCode: visit.status.rawValue, title: title)
            }
            return .init(
                engineerId: engineer.id, name: engineer.name, external: engineer.external, bars: bars,
                items: mine.map(item))
        }
        // The latest proposal of this unit's day, and its map; without one, the map of the day as assigned.
        let latest = try await DispatchPlanning(store).plans(orgUnitId: unitId, date: date).first
        var plan: BoardModel.Plan?
        var map: MapModel?
        if let latest {
            let accepted = Set(latest.acceptedEngineerIds)
            plan = .init(
                id: latest.id, status: l.t("planStatus.\(latest.status.rawValue)"),
                statusCode: latest.status.rawValue, created: "\(l.dateTime(latest.createdAt)) · \(latest.createdBy)",
                travel: l.duration(seconds: latest.travelSeconds), open: latest.status != .accepted,
                routes: latest.routes.enumerated().map { index, route in
                    .init(
                        engineerId: route.engineerId, name: route.engineerName,
                        colour: Self.colours[index % Self.colours.count], accepted: accepted.contains(route.engineerId),
                        span: "\(Self.clock(route.start, l)) – \(Self.clock(route.end, l))",
                        travel: l.duration(seconds: route.travelSeconds),
                        stops: route.stops.enumerated().map { order, stop in
                            .init(
                                order: order + 1, visitId: stop.visitId,
                                customerName: visitsById[stop.visitId]?.customerName ?? "#\(stop.visitId)",
                                departure: Self.clock(stop.departure, l), arrival: Self.clock(stop.arrival, l),
                                work: "\(Self.clock(stop.serviceStart, l)) – \(Self.clock(stop.serviceEnd, l))")
                        })
                },
                unplanned: latest.unassigned.map {
                    .init(
                        visitId: $0.visitId, customerName: visitsById[$0.visitId]?.customerName ?? "#\($0.visitId)",
                        reason: Self.unplannedReason($0.reason, l))
                })
            map = Self.map(
                latest.routes.map { route in
                    Track(
                        name: route.engineerName, home: (route.homeLatitude, route.homeLongitude),
                        stops: route.stops.map { stop in
                            (
                                stop.latitude, stop.longitude,
                                "\(Self.clock(stop.serviceStart, l)) \(visitsById[stop.visitId]?.customerName ?? "#\(stop.visitId)")"
                            )
                        })
                })
        } else {
            map = Self.map(
                shown.map { engineer in
                    let home = engineer.homeLatitude.flatMap { lat in engineer.homeLongitude.map { (lat, $0) } }
                    let stops = day.filter { $0.engineerId == engineer.id && $0.status != .cancelled }
                        .sorted { (start($0) ?? .distantFuture) < (start($1) ?? .distantFuture) }
                        .compactMap { visit -> (Double, Double, String)? in
                            guard let lat = visit.latitude, let lon = visit.longitude else { return nil }
                            return (lat, lon, "\(start(visit).map { Self.clock($0, l) } ?? "") \(visit.customerName)")
                        }
                    return Track(name: engineer.name, home: home, stops: stops)
                })
        }
        return BoardModel(
            unitId: unitId, date: date.description,
            previous: Self.boardLink(unit: unitId, date: Self.shifted(date, days: -1, zone)),
            next: Self.boardLink(unit: unitId, date: Self.shifted(date, days: 1, zone)),
            unitOptions: units.map {
                SelectOption(value: "\($0.id)", label: "\($0.code) · \($0.name)", selected: $0.id == unitId)
            }, canDispatch: principal.may(.dispatchVisits),
            hours: (Self.firstHour..<Self.lastHour).map { String(format: "%02d", $0) }, lanes: lanes,
            queue: queue.map { visit in
                .init(
                    id: visit.id, requestNumber: visit.requestNumber, customerName: visit.customerName,
                    purpose: l.t("visitPurpose.\(visit.purpose.rawValue)"),
                    window: Self.window(visit.windowStart, visit.windowEnd, l), address: visit.address,
                    priority: l.t("priority.\(visit.priority.rawValue)"), priorityCode: visit.priority.rawValue,
                    emergency: visit.emergency)
            }, plan: plan, map: map, mapOfPlan: latest != nil, seconds: seconds, notice: notice, errors: errors)
    }

    @Sendable func board(_ req: Request) async throws -> Response {
        let query = try Self.boardQuery(req)
        let q = QueryReader(req: req)
        var notice: String?
        if let applied = try q.string("applied"), let count = Int(applied) {
            let skipped = Int(try q.string("skipped") ?? "0") ?? 0
            notice = req.localizer.t("dispatch.acceptedNotice")
                .replacingOccurrences(of: "{n}", with: req.localizer.number(count))
                .replacingOccurrences(of: "{skipped}", with: req.localizer.number(skipped))
        }
        let model = try await boardModel(req, unitId: query.unitId, date: query.date, notice: notice)
        return try await PageRenderer.render("dispatch-board", title: "dispatch.title", model, for: req)
    }

    /// R-4.4: "Plan the day": runs the optimiser for the unit's day and shows its proposal.
    @Sendable func plan(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let unitId = form.int("unit", into: &v) ?? principal.orgUnitId
        var date = Self.today(req)
        if let text = form.string("date") {
            if let day = CalendarDate(iso: text) {
                date = day
            } else {
                v.add("date", .invalidFormat(expected: "YYYY-MM-DD"))
            }
        }
        let secondsText = form.string("seconds") ?? "2"
        let seconds = Int(secondsText)
        if seconds == nil || !(1...10).contains(seconds!) { v.add("seconds", .outOfRange(min: 1, max: 10)) }
        func failed(_ errors: [FieldMessage], _ status: HTTPStatus) async throws -> Response {
            let model = try await boardModel(req, unitId: unitId, date: date, seconds: secondsText, errors: errors)
            return try await PageRenderer.render(
                "dispatch-board", title: "dispatch.title", model, for: req, status: status)
        }
        return try await FormCycle.run(req, labels: .area("dispatch")) {
            try v.finish()
            _ = try await DispatchPlanning(req.store).propose(
                orgUnitId: unitId, date: date, seconds: Double(seconds ?? 2), seed: 1, threads: 1, by: principal.actor)
            return req.redirect(to: Self.boardLink(unit: unitId, date: date) + "#proposal")
        } again: { failure in
            try await failed(failure.messages, failure.status)
        }
    }

    /// R-4.4: accepts the proposal for all its engineers or for one.
    @Sendable func accept(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try DeskPages.id(req)
        let planning = DispatchPlanning(req.store)
        let proposal = try await planning.get(id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let engineerId = form.int("engineerId", into: &v)
        return try await FormCycle.run(req, labels: .area("dispatch")) {
            try v.finish()
            let result = try await planning.accept(id, engineerIds: engineerId.map { [$0] }, by: principal.actor)
            return req.redirect(
                to: SLAPages.link(
                    "/dispatch",
                    [
                        ("unit", "\(proposal.orgUnitId)"), ("date", proposal.date.description),
                        ("applied", "\(result.applied.count)"), ("skipped", "\(result.skipped.count)"),
                    ]) + "#proposal")
        } again: { failure in
            let model = try await boardModel(
                req, unitId: proposal.orgUnitId, date: proposal.date, errors: failure.messages)
            return try await PageRenderer.render(
                "dispatch-board", title: "dispatch.title", model, for: req, status: failure.status)
        }
    }

    /// R-4.3, R-4.4: puts an emergency from the queue into the proposal; the result is shown as the new proposal.
    @Sendable func insert(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try DeskPages.id(req)
        let planning = DispatchPlanning(req.store)
        let proposal = try await planning.get(id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let visitId = form.int("visitId", into: &v)
        if visitId == nil { v.add("visitId", .required) }
        return try await FormCycle.run(req, labels: .area("dispatch")) {
            try v.finish()
            _ = try await planning.insert(visitId: visitId ?? 0, into: id, by: principal.actor)
            return req.redirect(to: Self.boardLink(unit: proposal.orgUnitId, date: proposal.date) + "#proposal")
        } again: { failure in
            let model = try await boardModel(
                req, unitId: proposal.orgUnitId, date: proposal.date, errors: failure.messages)
            return try await PageRenderer.render(
                "dispatch-board", title: "dispatch.title", model, for: req, status: failure.status)
        }
    }

    // MARK: Visit

    struct VisitModel: Encodable {
        struct Entry: Encodable {
            var at: String
            var actor: String
            var event: String
            var status: String
            var detail: String?
        }

        struct Part: Encodable {
            var factor: String
            var points: String
            var weight: String
            var detail: String
        }

        struct Candidate: Encodable {
            var engineerId: Int
            var name: String
            var external: Bool
            var eligible: Bool
            var top: Bool
            var score: String
            var parts: [Part]
            var blockers: [String]
        }

        struct EventForm: Encodable {
            var event: String
            var label: String
            var asksEngineer: Bool
            var asksWindow: Bool
            var asksReason: Bool
            var asksConsent: Bool
            var asksResolved: Bool
            var asksNextStep: Bool
            var asksDisplace: Bool
        }

        struct Conflict: Encodable {
            var code: String
            var message: String
        }

        struct Displaced: Encodable {
            var visitId: Int
            var requestNumber: String
            var customerName: String
            var contactName: String?
            var contactPhone: String?
            var tel: String?
            var window: String?
        }

        var id: Int
        var version: Int
        var sequence: Int
        var requestId: Int
        var requestNumber: String
        var customerName: String
        var contactName: String?
        var contactPhone: String?
        var tel: String?
        var address: String?
        var geo: String?
        var osm: String?
        var window: String?
        var plannedArrival: String?
        var departure: String?
        var engineer: String?
        var status: String
        var statusCode: String
        var purpose: String
        var priority: String
        var priorityCode: String
        var emergency: Bool
        var duration: String
        var tools: [String]
        var parts: [String]
        var loanerUnit: Bool
        var preparationNotes: String?
        var skills: [String]
        var certifications: [String]
        var nextStep: String?
        var note: String?
        var timeline: [Entry]
        var showRecommendations: Bool
        var candidates: [Candidate]
        var recommendedEngineerId: Int?
        var forms: [EventForm]
        var engineerOptions: [SelectOption]
        var nextStepOptions: [SelectOption]
        var windowStart: String
        var windowEnd: String
        var reason: String
        var errors: [FieldMessage]
        var conflicts: [Conflict]
        var displaced: [Displaced]
        var followUpVisitId: Int?
        var partsPanel: PartsPanel?
    }

    /// R-4.5: the visit's requisitions and, for those who may ask, the form that turns its likely parts into one.
    struct PartsPanel: Encodable {
        var rows: [PartsPages.RequisitionRow]
        var canRequest: Bool
        var warehouseOptions: [SelectOption]
    }

    /// What was typed into an event form that failed.
    struct Typed {
        var engineerId: Int?
        var windowStart = ""
        var windowEnd = ""
        var reason = ""
    }

    /// The events `principal` may take on `visit` now: a dispatcher any allowed one; an engineer the field events
    /// of their own visits.
    static func events(_ visit: VisitView, _ principal: Principal, engineer: EngineerRecord.View?) -> [VisitEventKind] {
        if principal.may(.dispatchVisits) { return visit.allowedEvents }
        guard let engineer, visit.engineerId == engineer.id else { return [] }
        return visit.allowedEvents.filter { principal.may(Action.for(visit: $0)) }
    }

    /// An appointment conflict in the reader's language.
    static func conflict(_ conflict: AppointmentConflict, lines: [Int: String], _ l: Localizer) -> String {
        let text = l.t("conflict.\(conflict.code)")
        switch conflict {
        case .overlaps(let id): return text.replacingOccurrences(of: "{id}", with: "\(id)")
        case .outsideWorkingHours: return text
        case .absent(let reason): return text.replacingOccurrences(of: "{reason}", with: reason)
        case .dayFull(let limit): return text.replacingOccurrences(of: "{n}", with: l.number(limit))
        case .lacksSkill(let line, let level, let required):
            return text.replacingOccurrences(of: "{line}", with: lines[line] ?? "#\(line)")
                .replacingOccurrences(of: "{level}", with: l.number(level))
                .replacingOccurrences(of: "{required}", with: l.number(required))
        }
    }

    /// Why the planner left a visit out, in the reader's language where the page knows the planner's words.
    static func unplannedReason(_ reason: String, _ l: Localizer) -> String {
        let known: [(String, String)] = [
            ("no feasible slot", "noSlot"), ("optional:", "optional"), ("no engineer has the skills", "skills"),
            ("the window lies outside", "window"), ("no coordinates", "noCoordinates"),
            ("its engineer is not working", "engineerAway"), ("no vehicle", "capacity"), ("demand", "capacity"),
            ("pinned vehicle", "engineerAway"),
        ]
        guard let code = known.first(where: { reason.hasPrefix($0.0) })?.1 else { return reason }
        return l.t("unplanned.\(code)")
    }

    /// A recommendation's blocker in the reader's language where the page knows the planner's words.
    static func blocker(_ text: String, lines: [Int: String], _ l: Localizer) -> String {
        let words = text.split(separator: " ").map(String.init)
        if text.hasPrefix("needs level"), words.count == 7, let level = Int(words[2]), let line = Int(words[6]) {
            return l.t("blocker.skill").replacingOccurrences(of: "{level}", with: l.number(level))
                .replacingOccurrences(of: "{line}", with: lines[line] ?? "#\(line)")
        }
        if text.hasPrefix("no valid certification ") {
            return l.t("blocker.certification").replacingOccurrences(
                of: "{name}", with: String(text.dropFirst("no valid certification ".count)))
        }
        if text.hasPrefix("away: ") {
            return l.t("blocker.away").replacingOccurrences(
                of: "{reason}", with: String(text.dropFirst("away: ".count)))
        }
        return text
    }

    /// A score part's fact in the reader's language where the page knows it, else as the planner said it.
    static func partDetail(_ part: AssignmentScore.Part, _ r: Recommendation, max: Int?, _ l: Localizer) -> String {
        switch part.factor {
        case "travel":
            return l.t("recommendation.travel").replacingOccurrences(
                of: "{time}", with: l.duration(seconds: r.travelSeconds))
        case "load":
            guard let max else { return part.detail }
            return l.t("recommendation.load").replacingOccurrences(of: "{n}", with: l.number(r.visitsThatDay))
                .replacingOccurrences(of: "{max}", with: l.number(max))
        case "partner": return l.t("recommendation.partner")
        case "skill":
            let words = part.detail.split(separator: " ")
            if part.detail.hasPrefix("level "), words.count > 1, let margin = Int(words[1]) {
                return l.t("recommendation.skillMargin").replacingOccurrences(of: "{n}", with: l.number(margin))
            }
            return part.detail.hasPrefix("below") ? l.t("recommendation.skillBelow") : part.detail
        default: return part.detail
        }
    }

    /// R-4.5: whether `principal` may turn `visit`'s likely parts into a requisition, as the API allows: an engineer
    /// only on their own visit; a dispatcher (or whoever does more than an engineer) on any visit they can see.
    static func mayRequestParts(_ visit: VisitView, _ principal: Principal, engineer: EngineerRecord.View?) -> Bool {
        guard principal.may(.requestParts) else { return false }
        guard PartsController.ownOnly(principal) else { return true }
        guard let engineer else { return false }
        return visit.engineerId == engineer.id
    }

    /// R-4.5: the visit page's parts panel, for those who may see stock; `nil` for the others. Engineer-only callers
    /// see only their own requisitions, as on the worklist.
    static func partsPanel(
        _ req: Request, _ visit: VisitView, engineer: EngineerRecord.View?, warehouseId: Int? = nil
    ) async throws -> PartsPanel? {
        let principal = try req.requirePrincipal()
        guard principal.may(.viewStock) else { return nil }
        let l = req.localizer
        var filter = RequisitionFilter(visitId: visit.id)
        if PartsController.ownOnly(principal) { filter.engineerId = engineer?.id ?? -1 }
        let requisitions = try await Requisitions(req.store).list(filter, page: PageRequest(limit: 50)).items
        let canRequest =
            mayRequestParts(visit, principal, engineer: engineer) && visit.engineerId != nil
            && visit.preparation.parts.contains { !($0.partNumber ?? "").isEmpty }
        var warehouses: [WarehouseRecord.View] = []
        if canRequest {
            warehouses = try await PartsPages.warehouses(
                req,
                kinds: WarehouseKind.allCases.filter { $0.issuable && ($0 != .emergencyReserve || visit.emergency) })
        }
        return PartsPanel(
            rows: requisitions.map { PartsPages.requisitionRow($0, l) }, canRequest: canRequest,
            warehouseOptions: PartsPages.warehouseOptions(warehouses, selected: warehouseId, l))
    }

    func visitModel(
        _ req: Request, id: Int, typed: Typed? = nil, errors: [FieldMessage] = [],
        conflicts: [VisitModel.Conflict] = [], result: VisitEventResult? = nil, warehouseId: Int? = nil
    ) async throws -> VisitModel {
        let principal = try req.requirePrincipal()
        let l = req.localizer
        let store = req.store
        let zone = store.timeZone
        let visit = try await Visits(store).get(id)
        let lines = try await Self.lineNames(req)
        let own = try await Engineers(store).of(userId: principal.userId)
        let dispatcher = principal.may(.dispatchVisits)
        let engineers =
            dispatcher ? try await Records<EngineerRecord>(store).list(page: PageRequest(limit: 200)).items : []
        var candidates: [Recommendation] = []
        if dispatcher, visit.status.isOpen {
            candidates = (try? await DispatchPlanning(store).recommendations(for: id)) ?? []
        }
        let top = candidates.first { $0.eligible }?.engineerId
        let maxima = Dictionary(engineers.map { ($0.id, $0.maxVisitsPerDay) }, uniquingKeysWith: { a, _ in a })
        let forms = Self.events(visit, principal, engineer: own).filter { $0 != .assign }.map { event in
            VisitModel.EventForm(
                event: event.rawValue, label: l.t("visitEvent.\(event.rawValue)"),
                asksEngineer: dispatcher && (event == .schedule || event == .reschedule),
                asksWindow: event == .schedule || event == .reschedule, asksReason: event.requiresReason,
                asksConsent: event == .reschedule, asksResolved: event == .complete,
                asksNextStep: event == .reportIncomplete, asksDisplace: event == .schedule && visit.emergency)
        }
        let chosen = typed?.engineerId ?? visit.engineerId ?? top
        let prep = visit.preparation
        let site = visit.latitude.flatMap { lat in visit.longitude.map { (lat, $0) } }
        return VisitModel(
            id: visit.id, version: visit.version, sequence: visit.sequence, requestId: visit.requestId,
            requestNumber: visit.requestNumber, customerName: visit.customerName, contactName: visit.contactName,
            contactPhone: visit.contactPhone, tel: Self.tel(visit.contactPhone), address: visit.address,
            geo: site.map { "geo:\($0.0),\($0.1)" },
            osm: site.map { "https://www.openstreetmap.org/?mlat=\($0.0)&mlon=\($0.1)" },
            window: Self.window(visit.windowStart, visit.windowEnd, l),
            plannedArrival: visit.plannedArrival.map { l.dateTime($0) },
            departure: visit.departureAt.map { Self.clock($0, l) }, engineer: visit.engineerName,
            status: l.t("visitStatus.\(visit.status.rawValue)"), statusCode: visit.status.rawValue,
            purpose: l.t("visitPurpose.\(visit.purpose.rawValue)"),
            priority: l.t("priority.\(visit.priority.rawValue)"),
            priorityCode: visit.priority.rawValue, emergency: visit.emergency,
            duration: l.duration(seconds: visit.durationMinutes * 60), tools: prep.tools,
            parts: prep.parts.map { part in
                [part.partNumber, part.name, "× \(l.number(part.quantity))"].compactMap { $0 }.joined(separator: " ")
            }, loanerUnit: prep.loanerUnit, preparationNotes: prep.notes,
            skills: visit.requiredSkills.map {
                "\(lines[$0.productLineId] ?? "#\($0.productLineId)") ≥ \(l.number($0.minimumLevel))"
            }, certifications: visit.requiredCertifications,
            nextStep: visit.nextStep.map { l.t("visitNextStep.\($0.rawValue)") }, note: visit.note,
            timeline: (visit.timeline ?? []).map { entry in
                var detail: [String] = []
                if let start = entry.windowStart { detail.append(Self.window(start, entry.windowEnd, l) ?? "") }
                if let reason = entry.reason { detail.append(reason) }
                if let followed = entry.followedRecommendation {
                    detail.append(l.t(followed ? "visit.followedRecommendation" : "visit.overrodeRecommendation"))
                }
                return .init(
                    at: l.dateTime(entry.at), actor: entry.actor, event: l.t("visitEvent.\(entry.event.rawValue)"),
                    status: l.t("visitStatus.\(entry.to.rawValue)"),
                    detail: detail.isEmpty ? nil : detail.joined(separator: " · "))
            }, showRecommendations: dispatcher && visit.status.isOpen,
            candidates: candidates.map { r in
                .init(
                    engineerId: r.engineerId, name: r.engineerName, external: r.external, eligible: r.eligible,
                    top: r.engineerId == top, score: Self.number(r.score, digits: 1, l),
                    parts: r.parts.map { part in
                        .init(
                            factor: l.catalogue.has("factor.\(part.factor)")
                                ? l.t("factor.\(part.factor)") : part.factor,
                            points: Self.number(part.points, digits: 0, l),
                            weight: Self.number(part.weight, digits: 2, l),
                            detail: Self.partDetail(part, r, max: maxima[r.engineerId], l))
                    }, blockers: r.blockers.map { Self.blocker($0, lines: lines, l) })
            }, recommendedEngineerId: top,
            forms: forms,
            engineerOptions: engineers.map {
                SelectOption(value: "\($0.id)", label: $0.name, selected: $0.id == chosen)
            },
            nextStepOptions: SelectOption.of(VisitNextStep.self, prefix: "visitNextStep", selected: nil, l),
            windowStart: typed?.windowStart ?? Self.localInput(visit.windowStart, zone),
            windowEnd: typed?.windowEnd ?? Self.localInput(visit.windowEnd, zone), reason: typed?.reason ?? "",
            errors: errors, conflicts: conflicts,
            displaced: (result?.displaced ?? []).map {
                .init(
                    visitId: $0.visitId, requestNumber: $0.requestNumber, customerName: $0.customerName,
                    contactName: $0.contactName, contactPhone: $0.contactPhone, tel: Self.tel($0.contactPhone),
                    window: Self.window($0.windowStart, $0.windowEnd, l))
            }, followUpVisitId: result?.followUpVisitId,
            partsPanel: try await Self.partsPanel(req, visit, engineer: own, warehouseId: warehouseId))
    }

    @Sendable func visit(_ req: Request) async throws -> Response {
        try await PageRenderer.render(
            "visit", title: "visit.title", try await visitModel(req, id: DeskPages.id(req)), for: req)
    }

    /// R-4.2–R-4.3: one event on a visit from a form: dispatchers take any; engineers the field events of their own
    /// visits, as the API allows.
    @Sendable func event(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try DeskPages.id(req)
        let l = req.localizer
        let store = req.store
        let visit = try await Visits(store).get(id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let event = form.value("event", VisitEventKind.self, into: &v)
        let engineerId = form.int("engineerId", into: &v)
        if let event, !principal.may(.dispatchVisits) {
            let needed = Action.for(visit: event)
            guard principal.may(needed) else { throw Forbidden(action: needed) }
            let engineer = try await Engineers(store).of(userId: principal.userId)
            guard let engineer, visit.engineerId == engineer.id else { throw Forbidden(action: .dispatchVisits) }
            if let engineerId, engineerId != engineer.id { throw Forbidden(action: .dispatchVisits) }
        }
        if event == nil, form.string("event") == nil { v.add("event", .required) }
        let recommended = form.int("recommendedEngineerId", into: &v)
        let zone = store.timeZone
        let start = Self.localTime(form, "windowStart", zone, into: &v)
        let end = Self.localTime(form, "windowEnd", zone, into: &v)
        let nextStep = form.value("nextStep", VisitNextStep.self, into: &v)
        let version = form.int("version", into: &v)
        let typed = Typed(
            engineerId: engineerId, windowStart: form.string("windowStart") ?? "",
            windowEnd: form.string("windowEnd") ?? "", reason: form.string("reason") ?? "")
        func failed(_ errors: [FieldMessage], conflicts: [VisitModel.Conflict] = [], _ status: HTTPStatus)
            async throws -> Response
        {
            let model = try await visitModel(req, id: id, typed: typed, errors: errors, conflicts: conflicts)
            return try await PageRenderer.render("visit", title: "visit.title", model, for: req, status: status)
        }
        return try await FormCycle.run(req, labels: .area("visit")) {
            try v.finish()
            guard let event else { throw ValidationError(["event": .required]) }
            let appointing: [VisitEventKind] = [.assign, .schedule, .reschedule]
            let input = VisitEventInput(
                event: event, engineerId: appointing.contains(event) ? engineerId : nil,
                windowStart: event == .assign ? nil : start, windowEnd: event == .assign ? nil : end,
                reason: form.string("reason"),
                customerConsent: event == .reschedule ? form.bool("customerConsent") : nil,
                nextStep: event == .reportIncomplete ? nextStep : nil,
                resolved: event == .complete ? form.bool("resolved") : nil,
                displace: event == .schedule && form.bool("displace") ? true : nil,
                recommendedEngineerId: appointing.contains(event) ? recommended : nil, note: form.string("note"))
            let result = try await Visits(store).post(input, to: id, expectedVersion: version, by: principal.actor)
            if !result.displaced.isEmpty || result.followUpVisitId != nil {
                let model = try await visitModel(req, id: id, result: result)
                return try await PageRenderer.render("visit", title: "visit.title", model, for: req)
            }
            return req.redirect(to: LocalRedirect.path(form.string("back")) ?? "/visits/\(id)")
        } again: { failure in
            guard let refused = failure.error as? AppointmentRefused else {
                return try await failed(failure.messages, failure.status)
            }
            let lines = try await Self.lineNames(req)
            return try await failed(
                [],
                conflicts: refused.conflicts.map { .init(code: $0.code, message: Self.conflict($0, lines: lines, l)) },
                failure.status)
        }
    }

    /// R-4.5: the likely parts of the visit's preparation list become a requisition for its engineer, from the
    /// chosen warehouse; a refusal (no catalogue part, a warehouse that does not issue…) is shown on the visit page.
    /// The visit is loaded first: another branch's visit answers 404 before the form is read.
    @Sendable func requestParts(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try DeskPages.id(req)
        let store = req.store
        let visit = try await Visits(store).get(id)
        let own = try await Engineers(store).of(userId: principal.userId)
        guard Self.mayRequestParts(visit, principal, engineer: own) else { throw Forbidden(action: .dispatchVisits) }
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let warehouseId = form.int("warehouseId", into: &v)
        if warehouseId == nil, form.string("warehouseId") == nil { v.add("warehouseId", .required) }
        return try await FormCycle.run(req, labels: .area("parts")) {
            try v.finish()
            let requisition = try await Requisitions(store).fromVisit(
                id, warehouseId: warehouseId ?? 0, by: principal.actor)
            return req.redirect(to: "/requisitions/\(requisition.id)")
        } again: { failure in
            let model = try await visitModel(req, id: id, errors: failure.messages, warehouseId: warehouseId)
            return try await PageRenderer.render("visit", title: "visit.title", model, for: req, status: failure.status)
        }
    }

    // MARK: Request page: visits panel

    struct RequestVisitsModel: Encodable {
        struct Row: Encodable {
            var id: Int
            var sequence: Int
            var purpose: String
            var status: String
            var statusCode: String
            var engineer: String?
            var window: String?
        }

        var rows: [Row]
        var canAdd: Bool
        var purposeOptions: [SelectOption]
        var durationMinutes: String
        var windowStart: String
        var windowEnd: String
        var tools: String
        var parts: String
        var loanerUnit: Bool
    }

    /// What the add-visit form held.
    struct VisitForm {
        var purpose: VisitPurpose?
        var durationMinutes = ""
        var windowStart = ""
        var windowEnd = ""
        var tools = ""
        var parts = ""
        var loanerUnit = false
    }

    /// R-4: the request page's visits, for those who may see visits; `nil` for the others.
    static func requestVisits(_ req: Request, requestId: Int, form: VisitForm = VisitForm()) async throws
        -> RequestVisitsModel?
    {
        let principal = try req.requirePrincipal()
        guard principal.may(.viewVisits) else { return nil }
        let l = req.localizer
        var filter = VisitFilter()
        filter.requestId = requestId
        let visits = try await Visits(req.store).list(filter, page: PageRequest(limit: 100)).items
        return RequestVisitsModel(
            rows: visits.sorted { $0.sequence < $1.sequence }.map {
                .init(
                    id: $0.id, sequence: $0.sequence, purpose: l.t("visitPurpose.\($0.purpose.rawValue)"),
                    status: l.t("visitStatus.\($0.status.rawValue)"), statusCode: $0.status.rawValue,
                    engineer: $0.engineerName, window: Self.window($0.windowStart, $0.windowEnd, l))
            }, canAdd: principal.may(.dispatchVisits),
            purposeOptions: SelectOption.of(
                VisitPurpose.self, prefix: "visitPurpose", selected: form.purpose ?? .repair, l),
            durationMinutes: form.durationMinutes, windowStart: form.windowStart, windowEnd: form.windowEnd,
            tools: form.tools, parts: form.parts, loanerUnit: form.loanerUnit)
    }

    /// Parts as typed, one a line: `name`, `name × 2` or `part number; name; quantity`.
    static func parts(_ text: String, into v: inout AftercareDomain.Validator) -> [VisitPreparation.Part] {
        var parts: [VisitPreparation.Part] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(omittingEmptySubsequences: false, whereSeparator: { $0 == ";" || $0 == "；" })
                .map { $0.trimmingCharacters(in: .whitespaces) }
            if fields.count == 1 {
                let name = fields[0]
                guard !name.isEmpty else { continue }
                // `name × 2` (or `x 2`, `* 2`): a quantity at the end.
                if let range = name.range(of: #"(\s+[xX*]\s*|\s*×\s*)[0-9]+$"#, options: .regularExpression),
                    range.lowerBound > name.startIndex,
                    let quantity = Int(name[range].filter(\.isNumber))
                {
                    parts.append(.init(name: String(name[..<range.lowerBound]), quantity: quantity))
                } else {
                    parts.append(.init(name: name, quantity: 1))
                }
            } else if fields.count == 3, let quantity = Int(fields[2]) {
                parts.append(
                    .init(partNumber: fields[0].isEmpty ? nil : fields[0], name: fields[1], quantity: quantity))
            } else {
                v.add("preparation.parts", .invalidFormat(expected: "part number; name; quantity"))
            }
        }
        return parts
    }

    /// R-4: a new visit from the request page.
    @Sendable func addVisit(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try DeskPages.id(req)
        let reader = try FormReader(req)
        var v = AftercareDomain.Validator()
        let zone = req.store.timeZone
        var typed = VisitForm()
        typed.purpose = reader.value("purpose", VisitPurpose.self, into: &v)
        if typed.purpose == nil, reader.string("purpose") == nil { v.add("purpose", .required) }
        typed.durationMinutes = reader.string("durationMinutes") ?? ""
        typed.windowStart = reader.string("windowStart") ?? ""
        typed.windowEnd = reader.string("windowEnd") ?? ""
        typed.tools = reader.raw("tools")
        typed.parts = reader.raw("parts")
        typed.loanerUnit = reader.bool("loanerUnit")
        let duration = reader.int("durationMinutes", into: &v)
        let start = Self.localTime(reader, "windowStart", zone, into: &v)
        let end = Self.localTime(reader, "windowEnd", zone, into: &v)
        let tools = typed.tools.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        let parts = Self.parts(typed.parts, into: &v)
        let input = VisitInput(
            purpose: typed.purpose ?? .repair, durationMinutes: duration,
            preparation: VisitPreparation(
                tools: tools, parts: parts, loanerUnit: typed.loanerUnit, notes: reader.string("preparationNotes")),
            windowStart: start, windowEnd: end, note: reader.string("note"))
        func failed(_ messages: [String], _ status: HTTPStatus) async throws -> Response {
            var model = try await DeskPages().detailModel(req, id: id, errors: messages)
            model.visits = try await Self.requestVisits(req, requestId: id, form: typed)
            return try await PageRenderer.render("request", title: "request.title", model, for: req, status: status)
        }
        return try await FormCycle.run(req, labels: .area("visit")) {
            try v.finish()
            let visit = try await Visits(req.store).create(input, requestId: id, by: principal.actor)
            return req.redirect(to: "/visits/\(visit.id)")
        } again: { failure in
            try await failed(failure.messages.map(\.line), failure.status)
        }
    }

    // MARK: My day

    struct MyDayModel: Encodable {
        struct Stop: Encodable {
            var id: Int
            var version: Int
            var order: Int
            var leaveAt: String?
            var arrival: String?
            var window: String?
            var customerName: String
            var requestNumber: String
            var contactName: String?
            var contactPhone: String?
            var tel: String?
            var address: String?
            var geo: String?
            var osm: String?
            var purpose: String
            var status: String
            var statusCode: String
            var emergency: Bool
            var tools: [String]
            var parts: [String]
            var loanerUnit: Bool
            var notes: String?
            var canDepart: Bool
            var canArrive: Bool
            var canComplete: Bool
            var canHandBack: Bool
            var canReportIncomplete: Bool
            /// A planned visit of this engineer: agree a window with the customer (`002`), suggested around the
            /// planned arrival.
            var canSchedule: Bool
            var suggestStart: String
            var suggestEnd: String
        }

        var date: String
        var previous: String
        var next: String
        var back: String
        var engineer: String?
        var stops: [Stop]
        var nextStepOptions: [SelectOption]
    }

    /// R-4.5: the signed-in engineer's visits of a day, in route order, with what to take and the next steps.
    @Sendable func myDay(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let l = req.localizer
        let zone = req.store.timeZone
        let date = try QueryReader(req: req).date("date") ?? Self.today(req)
        let engineer = try await Engineers(req.store).of(userId: principal.userId)
        var visits: [VisitView] = []
        if let engineer {
            var filter = VisitFilter()
            filter.engineerId = engineer.id
            filter.date = date
            visits = try await Visits(req.store).list(filter, page: PageRequest(limit: 100)).items
                .filter { $0.status != .cancelled }
                .sorted { a, b in
                    let left = (a.routeOrder ?? Int.max, a.plannedArrival ?? a.windowStart ?? .distantFuture, a.id)
                    let right = (b.routeOrder ?? Int.max, b.plannedArrival ?? b.windowStart ?? .distantFuture, b.id)
                    if left.0 != right.0 { return left.0 < right.0 }
                    if left.1 != right.1 { return left.1 < right.1 }
                    return left.2 < right.2
                }
        }
        func link(_ day: CalendarDate) -> String { SLAPages.link("/my-day", [("date", day.description)]) }
        let model = MyDayModel(
            date: date.description, previous: link(Self.shifted(date, days: -1, zone)),
            next: link(Self.shifted(date, days: 1, zone)), back: link(date), engineer: engineer?.name,
            stops: visits.enumerated().map { index, visit in
                let allowed = Self.events(visit, principal, engineer: engineer)
                let site = visit.latitude.flatMap { lat in visit.longitude.map { (lat, $0) } }
                return .init(
                    id: visit.id, version: visit.version, order: visit.routeOrder ?? index + 1,
                    leaveAt: visit.departureAt.map { Self.clock($0, l) },
                    arrival: visit.plannedArrival.map { Self.clock($0, l) },
                    window: Self.window(visit.windowStart, visit.windowEnd, l), customerName: visit.customerName,
                    requestNumber: visit.requestNumber, contactName: visit.contactName,
                    contactPhone: visit.contactPhone, tel: Self.tel(visit.contactPhone), address: visit.address,
                    geo: site.map { "geo:\($0.0),\($0.1)" },
                    osm: site.map { "https://www.openstreetmap.org/?mlat=\($0.0)&mlon=\($0.1)" },
                    purpose: l.t("visitPurpose.\(visit.purpose.rawValue)"),
                    status: l.t("visitStatus.\(visit.status.rawValue)"), statusCode: visit.status.rawValue,
                    emergency: visit.emergency, tools: visit.preparation.tools,
                    parts: visit.preparation.parts.map { "\($0.name) × \(l.number($0.quantity))" },
                    loanerUnit: visit.preparation.loanerUnit, notes: visit.preparation.notes,
                    canDepart: allowed.contains(.depart), canArrive: allowed.contains(.arrive),
                    canComplete: allowed.contains(.complete), canHandBack: allowed.contains(.handBack),
                    canReportIncomplete: allowed.contains(.reportIncomplete),
                    canSchedule: allowed.contains(.schedule) && visit.engineerId == engineer?.id,
                    suggestStart: Self.localInput(visit.plannedArrival.map { $0.addingTimeInterval(-1800) }, zone),
                    suggestEnd: Self.localInput(visit.plannedArrival.map { $0.addingTimeInterval(5400) }, zone))
            }, nextStepOptions: SelectOption.of(VisitNextStep.self, prefix: "visitNextStep", selected: nil, l))
        return try await PageRenderer.render("my-day", title: "myDay.title", model, for: req)
    }

    // MARK: Engineers

    struct EngineersModel: Encodable {
        struct Row: Encodable {
            var id: Int
            var name: String
            var username: String
            var unit: String
            var level: String
            var skills: String
            var maxVisits: String
            var external: Bool
            var away: String?
        }

        var rows: [Row]
        var next: String?
    }

    @Sendable func engineers(_ req: Request) async throws -> Response {
        let l = req.localizer
        let page = try await Records<EngineerRecord>(req.store).list(page: try QueryReader(req: req).page())
        let units = try await SLAPages.unitNames(req).names
        let lines = try await Self.productLines(req)
        let codes = Dictionary(lines.map { ($0.id, $0.code) }, uniquingKeysWith: { a, _ in a })
        let today = Self.today(req)
        let model = EngineersModel(
            rows: page.items.map { engineer in
                .init(
                    id: engineer.id, name: engineer.name, username: engineer.username,
                    unit: units[engineer.orgUnitId] ?? "#\(engineer.orgUnitId)", level: l.number(engineer.level),
                    skills: engineer.skills.map { "\(codes[$0.productLineId] ?? "#\($0.productLineId)") \($0.level)" }
                        .joined(separator: ", "),
                    maxVisits: l.number(engineer.maxVisitsPerDay), external: engineer.external,
                    away: engineer.profile.absence(on: today)?.reason)
            }, next: page.nextCursor.map { SLAPages.link("/admin/engineers", [("cursor", $0)]) })
        return try await PageRenderer.render("admin-engineers", title: "engineers.title", model, for: req)
    }

    struct EngineerFormModel: Encodable {
        struct Skill: Encodable {
            var lineId: Int
            var label: String
            var options: [SelectOption]
        }

        var id: Int?
        var version: Int?
        var name: String?
        var userOptions: [SelectOption]
        var unitOptions: [SelectOption]
        var level: String
        var maxVisitsPerDay: String
        var external: Bool
        var homeLatitude: String
        var homeLongitude: String
        var skills: [Skill]
        var certifications: String
        var absences: String
        var errors: [FieldMessage]
    }

    /// The engineer form as typed.
    struct EngineerForm {
        var userId: Int?
        var orgUnitId: Int?
        var level = "2"
        var maxVisitsPerDay = "8"
        var external = false
        var homeLatitude = ""
        var homeLongitude = ""
        var skills: [Int: Int] = [:]
        var certifications = ""
        var absences = ""
    }

    static func form(from engineer: EngineerRecord.View) -> EngineerForm {
        func text(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
        return EngineerForm(
            userId: engineer.userId, orgUnitId: engineer.orgUnitId, level: "\(engineer.level)",
            maxVisitsPerDay: "\(engineer.maxVisitsPerDay)", external: engineer.external,
            homeLatitude: text(engineer.homeLatitude), homeLongitude: text(engineer.homeLongitude),
            skills: Dictionary(engineer.skills.map { ($0.productLineId, $0.level) }, uniquingKeysWith: max),
            certifications: engineer.certifications.map { c in
                [c.name, c.number ?? "", c.expiresOn?.description ?? ""].joined(separator: "; ")
            }.joined(separator: "\n"),
            absences: engineer.absences.map { "\($0.from); \($0.to); \($0.reason)" }.joined(separator: "\n"))
    }

    func engineerModel(
        _ req: Request, form: EngineerForm, engineer: EngineerRecord.View? = nil, errors: [FieldMessage] = []
    ) async throws -> EngineerFormModel {
        let l = req.localizer
        let units = try await SLAPages.unitNames(req).options
        let lines = try await Self.productLines(req)
        var users: [UserRecord.View] = []
        if engineer == nil {
            let taken = Set(
                try await Records<EngineerRecord>(req.store).list(page: PageRequest(limit: 200)).items.map(\.userId))
            users = try await Records<UserRecord>(req.store).list(page: PageRequest(limit: 200)).items.filter {
                $0.roles.contains(.fieldEngineer) && !taken.contains($0.id)
            }
        }
        return EngineerFormModel(
            id: engineer?.id, version: engineer?.version,
            name: engineer.map { "\($0.name) (\($0.username))" },
            userOptions: users.map {
                SelectOption(
                    value: "\($0.id)", label: "\($0.displayName) (\($0.username))", selected: $0.id == form.userId)
            },
            unitOptions: units.map {
                SelectOption(value: "\($0.id)", label: "\($0.code) · \($0.name)", selected: $0.id == form.orgUnitId)
            }, level: form.level, maxVisitsPerDay: form.maxVisitsPerDay, external: form.external,
            homeLatitude: form.homeLatitude, homeLongitude: form.homeLongitude,
            skills: lines.map { line in
                let level = form.skills[line.id] ?? 0
                return .init(
                    lineId: line.id, label: "\(line.code) · \(line.name)",
                    options: (0...5).map {
                        SelectOption(
                            value: "\($0)", label: $0 == 0 ? l.t("engineers.noSkill") : l.number($0),
                            selected: $0 == level)
                    })
            }, certifications: form.certifications, absences: form.absences, errors: errors)
    }

    /// Reads the engineer form; what the form itself cannot hold goes to `v`, the rest the use case checks.
    static func readEngineer(
        _ reader: FormReader, existing: EngineerRecord.View?, lines: [Int], into v: inout AftercareDomain.Validator
    ) -> (form: EngineerForm, input: EngineerRecord.Input) {
        var form = EngineerForm()
        form.userId = existing?.userId ?? reader.int("userId", into: &v)
        if form.userId == nil, reader.string("userId") == nil { v.add("userId", .required) }
        form.orgUnitId = reader.int("orgUnitId", into: &v)
        if form.orgUnitId == nil, reader.string("orgUnitId") == nil { v.add("orgUnitId", .required) }
        form.level = reader.string("level") ?? ""
        form.maxVisitsPerDay = reader.string("maxVisitsPerDay") ?? ""
        form.external = reader.bool("external")
        form.homeLatitude = reader.string("homeLatitude") ?? ""
        form.homeLongitude = reader.string("homeLongitude") ?? ""
        form.certifications = reader.raw("certifications")
        form.absences = reader.raw("absences")
        let level = reader.int("level", into: &v)
        if level == nil, form.level.isEmpty { v.add("level", .required) }
        let maxVisits = reader.int("maxVisitsPerDay", into: &v)
        func coordinate(_ name: String, _ text: String) -> Double? {
            guard !text.isEmpty else { return nil }
            guard let value = Double(text.replacingOccurrences(of: ",", with: ".")) else {
                v.add(name, .invalidFormat(expected: "a decimal number"))
                return nil
            }
            return value
        }
        let latitude = coordinate("homeLatitude", form.homeLatitude)
        let longitude = coordinate("homeLongitude", form.homeLongitude)
        var skills: [EngineerSkill] = []
        for line in lines {
            guard let text = reader.string("skill.\(line)") else { continue }
            guard let level = Int(text), (0...5).contains(level) else {
                v.add("skills", .outOfRange(min: 0, max: 5))
                continue
            }
            form.skills[line] = level
            if level > 0 { skills.append(EngineerSkill(productLineId: line, level: level)) }
        }
        var certifications: [Certification] = []
        for line in form.certifications.split(whereSeparator: \.isNewline) {
            let fields = line.split(omittingEmptySubsequences: false, whereSeparator: { $0 == ";" || $0 == "；" })
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard !fields.allSatisfy(\.isEmpty) else { continue }
            let expires = fields.count > 2 && !fields[2].isEmpty ? CalendarDate(iso: fields[2]) : nil
            if fields.count > 3 || (fields.count > 2 && !fields[2].isEmpty && expires == nil) {
                v.add("certifications", .invalidFormat(expected: "name; number; YYYY-MM-DD"))
                continue
            }
            certifications.append(
                Certification(
                    name: fields[0], number: fields.count > 1 && !fields[1].isEmpty ? fields[1] : nil,
                    expiresOn: expires))
        }
        var absences: [Absence] = []
        for line in form.absences.split(whereSeparator: \.isNewline) {
            let fields = line.split(maxSplits: 2, whereSeparator: { $0 == ";" || $0 == "；" })
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard !fields.allSatisfy(\.isEmpty) else { continue }
            guard fields.count == 3, let from = CalendarDate(iso: fields[0]), let to = CalendarDate(iso: fields[1])
            else {
                v.add("absences", .invalidFormat(expected: "YYYY-MM-DD; YYYY-MM-DD; reason"))
                continue
            }
            absences.append(Absence(from: from, to: to, reason: fields[2]))
        }
        let input = EngineerRecord.Input(
            userId: form.userId ?? 0, orgUnitId: form.orgUnitId ?? 0, external: form.external, level: level ?? 0,
            skills: skills, certifications: certifications, absences: absences, maxVisitsPerDay: maxVisits,
            homeLatitude: latitude, homeLongitude: longitude, calendarId: existing?.calendarId)
        return (form, input)
    }

    @Sendable func newEngineer(_ req: Request) async throws -> Response {
        var form = EngineerForm()
        form.orgUnitId = try req.requirePrincipal().orgUnitId
        return try await PageRenderer.render(
            "admin-engineer", title: "engineers.itemTitle", try await engineerModel(req, form: form), for: req)
    }

    @Sendable func createEngineer(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        var v = AftercareDomain.Validator()
        let lines = try await Self.productLines(req).map(\.id)
        let (form, input) = Self.readEngineer(try FormReader(req), existing: nil, lines: lines, into: &v)
        return try await FormCycle.run(req, labels: .area("engineers")) {
            try v.finish()
            let engineer = try await Records<EngineerRecord>(req.store).create(input, by: principal.actor)
            return req.redirect(to: "/admin/engineers/\(engineer.id)")
        } again: { failure in
            let model = try await engineerModel(req, form: form, errors: failure.messages)
            return try await PageRenderer.render(
                "admin-engineer", title: "engineers.itemTitle", model, for: req, status: failure.status)
        }
    }

    @Sendable func editEngineer(_ req: Request) async throws -> Response {
        let engineer = try await Records<EngineerRecord>(req.store).get(DeskPages.id(req))
        return try await PageRenderer.render(
            "admin-engineer", title: "engineers.itemTitle",
            try await engineerModel(req, form: Self.form(from: engineer), engineer: engineer), for: req)
    }

    @Sendable func updateEngineer(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let records = Records<EngineerRecord>(req.store)
        let engineer = try await records.get(DeskPages.id(req))
        let reader = try FormReader(req)
        var v = AftercareDomain.Validator()
        let lines = try await Self.productLines(req).map(\.id)
        let (form, input) = Self.readEngineer(reader, existing: engineer, lines: lines, into: &v)
        let version = reader.int("version", into: &v)
        return try await FormCycle.run(req, labels: .area("engineers")) {
            try v.finish()
            _ = try await records.update(engineer.id, expectedVersion: version ?? 0, by: principal.actor) { _ in input }
            return req.redirect(to: "/admin/engineers/\(engineer.id)")
        } again: { failure in
            let model = try await engineerModel(req, form: form, engineer: engineer, errors: failure.messages)
            return try await PageRenderer.render(
                "admin-engineer", title: "engineers.itemTitle", model, for: req, status: failure.status)
        }
    }
}
