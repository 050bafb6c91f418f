import Foundation

/// A day of the week, Monday first (ISO 8601).
public enum Weekday: String, CodedEnum {
    case monday, tuesday, wednesday, thursday, friday, saturday, sunday

    /// 0 for Monday … 6 for Sunday.
    public var index: Int { Self.allCases.firstIndex(of: self)! }

    /// The weekday of a date.
    public static func of(_ date: CalendarDate) -> Weekday { of(dayNumber: date.dayNumber) }

    static func of(dayNumber: Int) -> Weekday {
        // 1970-01-01 was a Thursday (index 3).
        allCases[((dayNumber + 3) % 7 + 7) % 7]
    }
}

/// A stretch of working time within one local day, in minutes after midnight: `08:30-12:00` is 510..<720.
public struct WorkingPeriod: Hashable, Sendable, Codable, CustomStringConvertible {
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    /// Parses `HH:MM-HH:MM`; `24:00` ends a day.
    public init?(_ text: String) {
        let halves = text.split(separator: "-", omittingEmptySubsequences: false)
        guard halves.count == 2, let start = Self.minutes(halves[0]), let end = Self.minutes(halves[1]), start < end
        else { return nil }
        self.init(start: start, end: end)
    }

    static func minutes(_ text: Substring) -> Int? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
            (0...24).contains(h), (0...59).contains(m), h * 60 + m <= 1440
        else { return nil }
        return h * 60 + m
    }

    public var description: String {
        String(format: "%02d:%02d-%02d:%02d", start / 60, start % 60, end / 60, end % 60)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let period = WorkingPeriod(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "expected HH:MM-HH:MM"))
        }
        self = period
    }
}

/// a day that departs from the weekly pattern: a public holiday, or a make-up working day (调休) on which
/// the calendar's `makeUpHours` are worked.
public struct CalendarException: Hashable, Sendable, Codable {
    public enum Kind: String, CodedEnum {
        case holiday, workingDay
    }

    public var date: CalendarDate
    public var kind: Kind
    public var name: String

    public init(date: CalendarDate, kind: Kind, name: String) {
        self.date = date
        self.kind = kind
        self.name = name
    }
}

/// when a branch works: hours per weekday (a day may be split by a lunch break), the time zone, holidays and
/// make-up working days; or 7×24.
public struct BusinessCalendar: Hashable, Sendable, Codable {
    public var timeZone: String
    /// 7×24: every second counts.
    public var alwaysOpen: Bool
    /// Seven entries, Monday first.
    public var week: [[WorkingPeriod]]
    /// The hours of a make-up working day; Monday's when empty.
    public var makeUpHours: [WorkingPeriod]
    public var exceptions: [CalendarException]

    public init(
        timeZone: String, alwaysOpen: Bool = false, week: [[WorkingPeriod]] = BusinessCalendar.officeWeek,
        makeUpHours: [WorkingPeriod] = [], exceptions: [CalendarException] = []
    ) {
        self.timeZone = timeZone
        self.alwaysOpen = alwaysOpen
        self.week = week
        self.makeUpHours = makeUpHours
        self.exceptions = exceptions
    }

    /// Monday to Friday, 08:30–12:00 and 13:30–18:00.
    public static let officeWeek: [[WorkingPeriod]] = {
        let day = [WorkingPeriod(start: 510, end: 720), WorkingPeriod(start: 810, end: 1080)]
        return [day, day, day, day, day, [], []]
    }()

    /// A 7×24 calendar in a time zone.
    public static func sevenByTwentyFour(timeZone: String) -> BusinessCalendar {
        BusinessCalendar(timeZone: timeZone, alwaysOpen: true, week: Array(repeating: [], count: 7))
    }

    /// The problems that make this calendar unusable, by field.
    public func problems() -> ValidationError {
        var v = Validator()
        if TimeZone(identifier: timeZone) == nil { v.add("timeZone", .invalidFormat(expected: "an IANA time zone")) }
        if week.count != 7 {
            v.add("week", .invalidFormat(expected: "seven days of periods, Monday first"))
        } else {
            for (index, periods) in week.enumerated() where !Self.ordered(periods) {
                v.add("week.\(Weekday.allCases[index].rawValue)", .invalidFormat(expected: "periods in order, apart"))
            }
        }
        if !Self.ordered(makeUpHours) { v.add("makeUpHours", .invalidFormat(expected: "periods in order, apart")) }
        if exceptions.count > 1000 { v.add("exceptions", .outOfRange(min: 0, max: 1000)) }
        var seen = Set<CalendarDate>()
        for (index, exception) in exceptions.enumerated() {
            v.text("exceptions.\(index).name", exception.name, max: Limits.shortText)
            if !seen.insert(exception.date).inserted { v.add("exceptions.\(index).date", .duplicate) }
        }
        if !alwaysOpen, week.count == 7, week.allSatisfy(\.isEmpty),
            !exceptions.contains(where: { $0.kind == .workingDay })
        {
            v.add("week", .invalidValue(allowed: ["at least one working period, or alwaysOpen"]))
        }
        return v.error
    }

    static func ordered(_ periods: [WorkingPeriod]) -> Bool {
        zip(periods, periods.dropFirst()).allSatisfy { $0.end <= $1.start }
            && periods.allSatisfy { 0 <= $0.start && $0.start < $0.end && $0.end <= 1440 }
    }
}

/// a calendar prepared for arithmetic: counts working seconds between instants and finds the instant a
/// number of working seconds after another, day by day in the calendar's own time zone, so daylight-saving changes
/// give the real length of each working period.
public struct WorkingTime: Sendable {
    public let calendar: BusinessCalendar
    let zone: ZoneOffsets
    let week: [[(start: Int, end: Int)]]
    let makeUp: [(start: Int, end: Int)]
    /// The exceptions as a table over the days from `firstException`: 0 none, 1 holiday, 2 make-up working day.
    let firstException: Int
    let exceptionKinds: [UInt8]
    /// Working seconds of a week without exceptions or clock changes.
    let weekSeconds: Double
    /// How far the search for working time goes before it gives up (a calendar with almost no working days).
    static let horizonDays = 3 * 366

    public init?(_ calendar: BusinessCalendar) {
        guard calendar.problems().isEmpty, let zone = ZoneOffsets.of(calendar.timeZone) else { return nil }
        self.calendar = calendar
        self.zone = zone
        func seconds(_ periods: [WorkingPeriod]) -> [(start: Int, end: Int)] {
            periods.map { (start: $0.start * 60, end: $0.end * 60) }
        }
        week = calendar.week.map(seconds)
        makeUp = seconds(calendar.makeUpHours.isEmpty ? calendar.week[0] : calendar.makeUpHours)
        let days = calendar.exceptions.map(\.date.dayNumber)
        firstException = days.min() ?? 0
        var kinds = [UInt8](repeating: 0, count: days.isEmpty ? 0 : (days.max()! - firstException + 1))
        for exception in calendar.exceptions {
            kinds[exception.date.dayNumber - firstException] = exception.kind == .holiday ? 1 : 2
        }
        exceptionKinds = kinds
        weekSeconds = Double(week.joined().map { $0.end - $0.start }.reduce(0, +))
    }

    /// Whether days `from...to` follow the weekly pattern with one time-zone offset.
    func plainDays(_ from: Int, _ to: Int) -> Bool {
        let low = max(from, firstException) - firstException
        let high = min(to, firstException + exceptionKinds.count - 1) - firstException
        if low <= high, exceptionKinds[low...high].contains(where: { $0 != 0 }) { return false }
        return zone.offset(at: Double(from * 86_400) - 50_400) == zone.offset(at: Double((to + 1) * 86_400) + 50_400)
    }

    /// The working periods of one local day (days since 1970-01-01).
    func periods(ofDay day: Int) -> [(start: Int, end: Int)] {
        let offset = day - firstException
        if offset >= 0, offset < exceptionKinds.count, exceptionKinds[offset] != 0 {
            return exceptionKinds[offset] == 1 ? [] : makeUp
        }
        return week[((day + 3) % 7 + 7) % 7]
    }

    /// The local day of an instant.
    func localDay(of instant: Double) -> Int {
        let local = instant + Double(zone.offset(at: instant))
        return Int((local / 86_400).rounded(.down))
    }

    /// The instants of one day's local times: one offset for the whole day unless the clocks change that day.
    struct DayClock {
        let day: Int
        /// The day's one offset; `nil` on a day the clocks change, when each time is looked up in `zone`.
        let offset: Int?
        let zone: ZoneOffsets

        func callAsFunction(_ second: Int) -> Double {
            if let offset { return Double(day * 86_400 + second - offset) }
            let local = Double(day * 86_400 + second)
            return local - Double(zone.offset(at: local - Double(zone.offset(at: local))))
        }
    }

    func clock(ofDay day: Int) -> DayClock {
        let midnight = Double(day * 86_400)
        let early = zone.offset(at: midnight - 50_400)
        let late = zone.offset(at: midnight + 136_800)
        return DayClock(day: day, offset: early == late ? early : nil, zone: zone)
    }

    /// Working seconds in `[from, to)`.
    public func seconds(from: Date, to: Date) -> Double {
        let a = from.timeIntervalSince1970
        let b = to.timeIntervalSince1970
        guard b > a else { return 0 }
        if calendar.alwaysOpen { return b - a }
        var total = 0.0
        let first = localDay(of: a)
        var day = first
        let last = localDay(of: b)
        while day <= last {
            // Whole weeks strictly inside the span count at once.
            if day > first, day + 7 <= last, plainDays(day, day + 6) {
                total += weekSeconds
                day += 7
                continue
            }
            let periods = periods(ofDay: day)
            if !periods.isEmpty {
                let at = clock(ofDay: day)
                for period in periods {
                    let start = max(a, at(period.start))
                    let end = min(b, at(period.end))
                    if end > start { total += end - start }
                }
            }
            day += 1
        }
        return total
    }

    /// The instant at which `seconds` of working time have passed since `from`: `from` itself for zero, the start
    /// of the next working period when `from` is outside working hours. `nil` when the calendar offers no working
    /// time within three years.
    public func adding(_ seconds: Double, to from: Date) -> Date? {
        adding([seconds], to: from)[0]
    }

    /// `adding(_:to:)` for several amounts at once, in one walk over the days: `amounts` in rising order.
    public func adding(_ amounts: [Double], to from: Date) -> [Date?] {
        let a = from.timeIntervalSince1970
        if calendar.alwaysOpen { return amounts.map { Date(timeIntervalSince1970: a + max(0, $0)) } }
        var result = [Date?](repeating: nil, count: amounts.count)
        var next = 0
        while next < amounts.count, amounts[next] <= 0 {
            result[next] = from
            next += 1
        }
        var used = 0.0
        let first = localDay(of: a)
        for day in first...(first + Self.horizonDays) {
            if next == amounts.count { break }
            let periods = periods(ofDay: day)
            if periods.isEmpty { continue }
            let at = clock(ofDay: day)
            for period in periods where next < amounts.count {
                let end = at(period.end)
                guard end > a else { continue }
                let start = max(a, at(period.start))
                let available = end - start
                while next < amounts.count, amounts[next] - used <= available {
                    result[next] = Date(timeIntervalSince1970: start + amounts[next] - used)
                    next += 1
                }
                used += available
            }
        }
        return result
    }

    /// the working periods of one local date as instants (the whole day for 7×24); empty on a day off.
    public func shifts(on date: CalendarDate) -> [DateInterval] {
        let day = date.dayNumber
        let at = clock(ofDay: day)
        let periods = calendar.alwaysOpen ? [(start: 0, end: 86_400)] : periods(ofDay: day)
        return periods.map {
            DateInterval(
                start: Date(timeIntervalSince1970: at($0.start)), end: Date(timeIntervalSince1970: at($0.end)))
        }
    }

    /// Whether `instant` falls in working time.
    public func isWorking(at moment: Date) -> Bool {
        if calendar.alwaysOpen { return true }
        let t = moment.timeIntervalSince1970
        let day = localDay(of: t)
        let at = clock(ofDay: day)
        return periods(ofDay: day).contains { at($0.start) <= t && t < at($0.end) }
    }
}

/// A time zone's offsets from UTC as a table of its changes from 1970 to 2100, built once per zone and shared:
/// looking an offset up is a binary search instead of a call into the time-zone database.
final class ZoneOffsets: @unchecked Sendable {
    /// The instants (seconds since 1970) from which `offsets` apply; the first is -infinity.
    let starts: [Double]
    let offsets: [Int]

    init(_ zone: TimeZone) {
        var starts = [-Double.infinity]
        var offsets = [zone.secondsFromGMT(for: Date(timeIntervalSince1970: 0))]
        var cursor = Date(timeIntervalSince1970: 0)
        let end = Date(timeIntervalSince1970: 4_102_444_800)
        while let change = zone.nextDaylightSavingTimeTransition(after: cursor), change < end, starts.count < 1000 {
            starts.append(change.timeIntervalSince1970)
            offsets.append(zone.secondsFromGMT(for: change))
            cursor = change
        }
        self.starts = starts
        self.offsets = offsets
    }

    /// The offset in effect at `instant` (seconds since 1970).
    func offset(at instant: Double) -> Int {
        var low = 0
        var high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= instant { low = middle } else { high = middle - 1 }
        }
        return offsets[low]
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var cache: [String: ZoneOffsets] = [:]

    /// The shared table of a zone, `nil` for an unknown identifier.
    static func of(_ identifier: String) -> ZoneOffsets? {
        lock.lock()
        defer { lock.unlock() }
        if let known = cache[identifier] { return known }
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        let table = ZoneOffsets(zone)
        cache[identifier] = table
        return table
    }
}

/// a year of holidays and make-up working days as CSV: `date,kind,name`.
public enum HolidayCSV {
    public static let header = ["date", "kind", "name"]

    /// The exceptions of `year` as CSV text, in date order.
    public static func export(_ exceptions: [CalendarException], year: Int? = nil) -> String {
        let rows = exceptions.filter { year == nil || $0.date.year == year }.sorted { $0.date < $1.date }
        return ([CSV.line(header)] + rows.map { CSV.line([$0.date.description, $0.kind.rawValue, $0.name]) })
            .joined()
    }

    /// Reads exceptions from CSV text with the header line; problems are named by line and column.
    public static func parse(_ text: String) throws -> [CalendarException] {
        let rows = try CSV.numberedRows(text)
        guard let head = rows.first, head.fields.map({ $0.lowercased() }) == header else {
            throw CSV.ParseError(line: 1, reason: "the header must be date,kind,name")
        }
        var result: [CalendarException] = []
        var seen = Set<CalendarDate>()
        for row in rows.dropFirst() {
            if row.fields.allSatisfy({ $0.isEmpty }) { continue }
            guard row.fields.count == 3 else {
                throw CSV.ParseError(line: row.line, reason: "expected 3 columns, found \(row.fields.count)")
            }
            guard let date = CalendarDate(iso: row.fields[0]) else {
                throw CSV.ParseError(line: row.line, reason: "date: must be YYYY-MM-DD")
            }
            guard let kind = CalendarException.Kind(rawValue: row.fields[1]) else {
                throw CSV.ParseError(line: row.line, reason: "kind: must be holiday or workingDay")
            }
            let name = row.fields[2].trimmingCharacters(in: .whitespaces)
            guard name.count <= Limits.shortText else {
                throw CSV.ParseError(line: row.line, reason: "name: must be at most \(Limits.shortText) characters")
            }
            guard seen.insert(date).inserted else {
                throw CSV.ParseError(line: row.line, reason: "date: \(date) appears twice")
            }
            result.append(CalendarException(date: date, kind: kind, name: name))
        }
        return result
    }
}
