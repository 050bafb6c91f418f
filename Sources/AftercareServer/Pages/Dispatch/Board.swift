import AftercareDispatch
import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension DispatchPages {
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
        PageLink.make("/dispatch", [("unit", "\(unit)"), ("date", date.description)])
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
        let id = try req.pageId()
        let planning = DispatchPlanning(req.store)
        let proposal = try await planning.get(id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let engineerId = form.int("engineerId", into: &v)
        return try await FormCycle.run(req, labels: .area("dispatch")) {
            try v.finish()
            let result = try await planning.accept(id, engineerIds: engineerId.map { [$0] }, by: principal.actor)
            return req.redirect(
                to: PageLink.make(
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
        let id = try req.pageId()
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
}
