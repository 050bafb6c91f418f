import AftercareDispatch
import AftercareDomain
import AftercareStore
import Foundation

extension DispatchPages {
    // MARK: My day: its model, from store views alone

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
            /// finished: the service report is written now.
            var finished: Bool
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

    /// What the engineer's day shows, as read from the store.
    struct MyDayData {
        var date: CalendarDate
        /// The signed-in user's engineer record; nil when they are not an engineer.
        var engineer: EngineerRecord.View?
        /// The engineer's visits of the day, as listed.
        var visits: [VisitView]
    }

    /// the signed-in engineer's visits of a day in route order (cancelled ones left out), with what to take
    /// and the next steps `principal` may take, in the reader's language and the deployment's zone (`l.timeZone`).
    static func myDayModel(_ data: MyDayData, principal: Principal, _ l: Localizer) -> MyDayModel {
        let zone = l.timeZone
        let date = data.date
        let engineer = data.engineer
        let visits = data.visits.filter { $0.status != .cancelled }
            .sorted { a, b in
                let left = (a.routeOrder ?? Int.max, a.plannedArrival ?? a.windowStart ?? .distantFuture, a.id)
                let right = (b.routeOrder ?? Int.max, b.plannedArrival ?? b.windowStart ?? .distantFuture, b.id)
                if left.0 != right.0 { return left.0 < right.0 }
                if left.1 != right.1 { return left.1 < right.1 }
                return left.2 < right.2
            }
        func link(_ day: CalendarDate) -> String { PageLink.make("/my-day", [("date", day.description)]) }
        return MyDayModel(
            date: date.description, previous: link(Self.shifted(date, days: -1, zone)),
            next: link(Self.shifted(date, days: 1, zone)), back: link(date), engineer: engineer?.name,
            stops: visits.enumerated().map { index, visit in
                let allowed = Self.events(visit, principal, engineer: engineer)
                let site = visit.latitude.flatMap { lat in visit.longitude.map { (lat, $0) } }
                return .init(
                    id: visit.id, version: visit.version, order: visit.routeOrder ?? index + 1,
                    leaveAt: visit.departureAt.map { l.clock($0) },
                    arrival: visit.plannedArrival.map { l.clock($0) },
                    window: l.window(visit.windowStart, visit.windowEnd), customerName: visit.customerName,
                    requestNumber: visit.requestNumber, contactName: visit.contactName,
                    contactPhone: visit.contactPhone, tel: PageLink.tel(visit.contactPhone), address: visit.address,
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
                    finished: visit.status == .completed || visit.status == .incomplete,
                    canSchedule: allowed.contains(.schedule) && visit.engineerId == engineer?.id,
                    suggestStart: LocalTime.input(visit.plannedArrival.map { $0.addingTimeInterval(-1800) }, zone),
                    suggestEnd: LocalTime.input(visit.plannedArrival.map { $0.addingTimeInterval(5400) }, zone))
            }, nextStepOptions: SelectOption.of(VisitNextStep.self, prefix: "visitNextStep", selected: nil, l))
    }
}
