import AftercareDispatch
import AftercareDomain
import AftercareStore
import Foundation

extension DispatchPages {
    // MARK: Board: its model, from store views alone

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

    /// What the board of a unit's day shows, as read from the store.
    struct BoardData {
        var unitId: Int
        var date: CalendarDate
        /// The units the caller sees, to choose from.
        var units: [OrgUnitRecord.View]
        /// The unit and the units under it: their engineers have a lane.
        var subtree: Set<Int>
        /// The unit's visits of the day.
        var day: [VisitView]
        /// Visits waiting for an engineer, for the day or without a window.
        var queue: [VisitView]
        var engineers: [EngineerRecord.View]
        /// The latest proposal for the unit's day.
        var plan: RoutePlanView?
    }

    /// What a failed form on the board held, and the notice after an accepted plan.
    struct BoardForm {
        var seconds = "2"
        var notice: String?
        var errors: [FieldMessage] = []
    }

    /// R-4.4: the board for `principal` in the reader's language (and the deployment's zone, `l.timeZone`).
    static func boardModel(_ data: BoardData, principal: Principal, _ l: Localizer, form: BoardForm = BoardForm())
        -> BoardModel
    {
        let unitId = data.unitId
        let date = data.date
        let day = data.day
        let queue = data.queue
        let zone = l.timeZone
        var visitsById: [Int: VisitView] = [:]
        for visit in day + queue { visitsById[visit.id] = visit }
        let booked = Set(day.compactMap(\.engineerId))
        let shown = data.engineers.filter { data.subtree.contains($0.orgUnitId) || booked.contains($0.id) }
        // The time line: minutes since 07:00 across 13 hours.
        let axisStart = date.interval(in: zone).start.addingTimeInterval(Double(Self.firstHour) * 3600)
        let axisMinutes = Double((Self.lastHour - Self.firstHour) * 60)
        func start(_ visit: VisitView) -> Date? { visit.plannedArrival ?? visit.windowStart }
        func item(_ visit: VisitView) -> BoardModel.Item {
            .init(
                id: visit.id, time: start(visit).map { l.clock($0) } ?? "—", customerName: visit.customerName,
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
                    "\(l.clock(begin)) \(visit.customerName) · \(l.t("visitStatus.\(visit.status.rawValue)"))"
                return .init(
                    id: visit.id, x: String(format: "%.1f", left), width: String(format: "%.1f", max(right - left, 4)),
                    emergency: visit.emergency, statusCode: visit.status.rawValue, title: title)
            }
            return .init(
                engineerId: engineer.id, name: engineer.name, external: engineer.external, bars: bars,
                items: mine.map(item))
        }
        // The latest proposal of this unit's day, and its map; without one, the map of the day as assigned.
        let latest = data.plan
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
                        span: "\(l.clock(route.start)) – \(l.clock(route.end))",
                        travel: l.duration(seconds: route.travelSeconds),
                        stops: route.stops.enumerated().map { order, stop in
                            .init(
                                order: order + 1, visitId: stop.visitId,
                                customerName: visitsById[stop.visitId]?.customerName ?? "#\(stop.visitId)",
                                departure: l.clock(stop.departure), arrival: l.clock(stop.arrival),
                                work: "\(l.clock(stop.serviceStart)) – \(l.clock(stop.serviceEnd))")
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
                                "\(l.clock(stop.serviceStart)) \(visitsById[stop.visitId]?.customerName ?? "#\(stop.visitId)")"
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
                            return (lat, lon, "\(start(visit).map { l.clock($0) } ?? "") \(visit.customerName)")
                        }
                    return Track(name: engineer.name, home: home, stops: stops)
                })
        }
        return BoardModel(
            unitId: unitId, date: date.description,
            previous: Self.boardLink(unit: unitId, date: Self.shifted(date, days: -1, zone)),
            next: Self.boardLink(unit: unitId, date: Self.shifted(date, days: 1, zone)),
            unitOptions: data.units.map {
                SelectOption(value: "\($0.id)", label: "\($0.code) · \($0.name)", selected: $0.id == unitId)
            }, canDispatch: principal.may(.dispatchVisits),
            hours: (Self.firstHour..<Self.lastHour).map { String(format: "%02d", $0) }, lanes: lanes,
            queue: queue.map { visit in
                .init(
                    id: visit.id, requestNumber: visit.requestNumber, customerName: visit.customerName,
                    purpose: l.t("visitPurpose.\(visit.purpose.rawValue)"),
                    window: l.window(visit.windowStart, visit.windowEnd), address: visit.address,
                    priority: l.t("priority.\(visit.priority.rawValue)"), priorityCode: visit.priority.rawValue,
                    emergency: visit.emergency)
            }, plan: plan, map: map, mapOfPlan: latest != nil, seconds: form.seconds, notice: form.notice,
            errors: form.errors)
    }

}
