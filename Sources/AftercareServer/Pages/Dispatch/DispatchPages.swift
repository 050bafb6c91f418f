import AftercareDispatch
import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// the pages of dispatch: the board of a unit's day with the route planner and its map, the visit page with
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
}
