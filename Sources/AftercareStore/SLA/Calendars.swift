import AftercareDomain
import Foundation
import SQLKit

/// an organisation unit's business calendar. Units without one use their parent's, up to headquarters;
/// a tree without any uses office hours in the unit's own time zone.
public enum CalendarRecord: RecordKind {
    public struct Input: Codable, Sendable, Equatable {
        public var orgUnitId: Int
        public var name: String
        public var calendar: BusinessCalendar

        public init(orgUnitId: Int, name: String, calendar: BusinessCalendar) {
            self.orgUnitId = orgUnitId
            self.name = name
            self.calendar = calendar
        }
    }

    public struct Fields: Codable, Sendable {
        var orgUnitId: Int
        var name: String
        var timeZone: String
        var alwaysOpen: Bool
        var week: String
        var makeUpHours: String
        var exceptions: String
    }

    public typealias Row = Fields

    public struct View: Codable, Sendable, Equatable, Identifiable {
        public var id: Int
        public var orgUnitId: Int
        public var name: String
        public var calendar: BusinessCalendar
        public var version: Int
        public var createdAt: Date
        public var updatedAt: Date
        public var archivedAt: Date?
    }

    public static let table = "business_calendars"
    public static let entity = "calendar"

    public static func validate(_ input: Input, id: Int?, on db: any SQLDatabase) async throws -> Fields {
        var v = Validator()
        v.text("name", input.name, required: true, max: Limits.name)
        for (field, problem) in input.calendar.problems().fields { v.add("calendar.\(field)", problem) }
        if let unit = try await Records<OrgUnitRecord>.load(input.orgUnitId, within: .everything, on: db) {
            if unit.archivedAt != nil { v.add("orgUnitId", .archived) }
        } else {
            v.add("orgUnitId", .notFound)
        }
        var taken = db.select().column("id").from(table).where("org_unit_id", .equal, input.orgUnitId)
            .where("archived_at", .is, SQLLiteral.null)
        if let id { taken = taken.where("id", .notEqual, id) }
        if try await taken.first() != nil { v.add("orgUnitId", .duplicate) }
        try v.finish()
        let c = input.calendar
        return Fields(
            orgUnitId: input.orgUnitId, name: input.name.trimmed, timeZone: c.timeZone, alwaysOpen: c.alwaysOpen,
            week: try JSONText.encode(c.week), makeUpHours: try JSONText.encode(c.makeUpHours),
            exceptions: try JSONText.encode(c.exceptions.sorted { $0.date < $1.date }))
    }

    public static func view(_ row: Fields, meta: RecordMeta) throws -> View {
        let calendar = BusinessCalendar(
            timeZone: row.timeZone, alwaysOpen: row.alwaysOpen,
            week: try JSONText.decodeRemembered([[WorkingPeriod]].self, from: row.week),
            makeUpHours: try JSONText.decodeRemembered([WorkingPeriod].self, from: row.makeUpHours),
            exceptions: try JSONText.decodeRemembered([CalendarException].self, from: row.exceptions))
        return View(
            id: meta.id, orgUnitId: row.orgUnitId, name: row.name, calendar: calendar, version: meta.version,
            createdAt: meta.createdAt, updatedAt: meta.updatedAt, archivedAt: meta.archivedAt)
    }

    public static func input(from view: View) -> Input {
        Input(orgUnitId: view.orgUnitId, name: view.name, calendar: view.calendar)
    }

    /// A calendar edit re-plans the open requests' clocks in the background.
    public static func afterWrite(id: Int, fields: Fields, on db: any SQLDatabase) async throws {
        try await Replans.request(reason: "calendar \(id)", on: db)
    }

}

/// the calendar that governs a unit, found by walking up its path.
public struct EffectiveCalendar: Sendable {
    /// The stored calendar, `nil` for the built-in office week.
    public var calendarId: Int?
    /// The unit whose calendar this is (the unit itself or an ancestor).
    public var orgUnitId: Int
    public var name: String
    public var workingTime: WorkingTime
}

/// All active calendars and units, read once per sweep pass or write, to resolve each request's calendar without a
/// query per request.
public struct CalendarBook: Sendable {
    var byUnit: [Int: (id: Int, name: String, time: WorkingTime)] = [:]
    var unitZones: [Int: String] = [:]

    /// Reads the active calendars and time zones of `units`.
    public static func load(forUnits units: Set<Int>, on db: any SQLDatabase) async throws -> CalendarBook {
        var book = CalendarBook()
        guard !units.isEmpty else { return book }
        let ids = Array(units)
        let rows = try await CalendarRecord.select(on: db).where("archived_at", .is, SQLLiteral.null)
            .where("org_unit_id", .in, ids).all()
        for row in rows {
            let meta = try row.decode(model: RecordMeta.self, with: RowCoding.decoder)
            let view = try CalendarRecord.view(
                row.decode(model: CalendarRecord.Fields.self, with: RowCoding.decoder), meta: meta)
            if let time = Self.prepared(view.calendar) { book.byUnit[view.orgUnitId] = (view.id, view.name, time) }
        }
        for row in try await db.select().column("id").column("time_zone").from("org_units").where("id", .in, ids).all()
        {
            book.unitZones[try row.decode(column: "id", as: Int.self)] = try row.decode(
                column: "time_zone", as: String.self)
        }
        return book
    }

    /// Calendars prepared for arithmetic, kept across writes (at most 256; then it starts again).
    private static let lock = NSLock()
    nonisolated(unsafe) private static var preparedCalendars: [BusinessCalendar: WorkingTime] = [:]

    static func prepared(_ calendar: BusinessCalendar) -> WorkingTime? {
        lock.lock()
        defer { lock.unlock() }
        if let known = preparedCalendars[calendar] { return known }
        guard let time = WorkingTime(calendar) else { return nil }
        if preparedCalendars.count >= 256 { preparedCalendars.removeAll(keepingCapacity: true) }
        preparedCalendars[calendar] = time
        return time
    }

    /// The calendar of the deepest unit on `path` that has one, else office hours in the unit's time zone.
    public func calendar(forPath path: [Int]) -> EffectiveCalendar {
        for unit in path.reversed() {
            if let found = byUnit[unit] {
                return EffectiveCalendar(
                    calendarId: found.id, orgUnitId: unit, name: found.name, workingTime: found.time)
            }
        }
        let unit = path.last ?? 0
        let zone = unitZones[unit] ?? OrgUnitRecord.defaultTimeZone
        let time =
            Self.prepared(BusinessCalendar(timeZone: zone))
            ?? Self.prepared(BusinessCalendar(timeZone: OrgUnitRecord.defaultTimeZone))!
        return EffectiveCalendar(calendarId: nil, orgUnitId: unit, name: "", workingTime: time)
    }
}
