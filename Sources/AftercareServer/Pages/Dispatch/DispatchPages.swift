import AftercareDispatch
import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// the pages of dispatch: the board of a unit's day with the route planner and its map, the visit page with
/// recommendations and the visit's events, the engineer's day on a phone and the
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
        root.post("visits", ":id", "reports", use: openReport).requires(.action(.viewVisits))
        root.post("visits", ":id", "requisitions", use: requestParts).requires(.action(.requestParts))
        root.get("my-day", use: myDay).requires(.action(.workVisits))
        root.get("admin", "engineers", use: engineers).requires(.action(.manageEngineers))
        root.get("admin", "engineers", "new", use: newEngineer).requires(.action(.manageEngineers))
        root.post("admin", "engineers", use: createEngineer).requires(.action(.manageEngineers))
        root.get("admin", "engineers", ":id", use: editEngineer).requires(.action(.manageEngineers))
        root.post("admin", "engineers", ":id", use: updateEngineer).requires(.action(.manageEngineers))
    }

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
}
