import Foundation

/// A day on the calendar, without a time or a time zone ("2026-03-15").
///
/// Sale, delivery, installation and acceptance dates and warranty ends are days, not instants:
/// keeping them as days avoids a unit falling out of warranty a few hours early in another time zone.
public struct CalendarDate: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Creates a date when the parts name a real day, otherwise `nil`.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...CalendarDate.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD` strictly.
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The day an instant falls on in a time zone.
    public init(_ instant: Date, in timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: instant)
        self.year = c.year!
        self.month = c.month!
        self.day = c.day!
    }

    public var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// The same day `months` later; the 31st becomes the month's last day when the month is shorter.
    /// The first and last representable days; arithmetic stops there instead of failing.
    public static let earliest = CalendarDate(year: 1, month: 1, day: 1)!
    public static let latest = CalendarDate(year: 9999, month: 12, day: 31)!

    public func adding(months: Int) -> CalendarDate {
        let total = year * 12 + (month - 1) + months
        if total >= 10_000 * 12 { return .latest }
        if total < 12 { return .earliest }
        let y = total / 12
        let m = total % 12 + 1
        return CalendarDate(year: y, month: m, day: min(day, CalendarDate.daysIn(month: m, year: y)))!
    }

    /// The next (positive) or an earlier (negative) day.
    public func adding(days: Int) -> CalendarDate {
        if days > 0, self >= CalendarDate(year: 9999, month: 12, day: 31 - min(days, 30))! { return .latest }
        if days < 0, self <= CalendarDate(year: 1, month: 1, day: 1 + min(-days, 30))! { return .earliest }
        var y = year
        var m = month
        var d = day + days
        while d > CalendarDate.daysIn(month: m, year: y) {
            d -= CalendarDate.daysIn(month: m, year: y)
            m += 1
            if m > 12 {
                m = 1
                y += 1
            }
        }
        while d < 1 {
            m -= 1
            if m < 1 {
                m = 12
                y -= 1
            }
            d += CalendarDate.daysIn(month: m, year: y)
        }
        return CalendarDate(year: y, month: m, day: d)!
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CalendarDate(iso: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "expected a date as YYYY-MM-DD"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
