import AftercareDomain
import Foundation

/// Times of day, windows and `datetime-local` fields, in the reader's language and the deployment's zone.
extension Localizer {
    /// A time of day.
    func clock(_ date: Date) -> String {
        date.formatted(Date.FormatStyle(date: .omitted, time: .shortened, locale: locale, timeZone: timeZone))
    }

    /// A window: its start with the date, its end as a time.
    func window(_ start: Date?, _ end: Date?) -> String? {
        guard let start else { return nil }
        guard let end else { return dateTime(start) }
        return "\(dateTime(start)) – \(clock(end))"
    }
}

enum LocalTime {
    /// The value of a `datetime-local` input for `date` in `zone`.
    static func input(_ date: Date?, _ zone: TimeZone) -> String {
        guard let date else { return "" }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }
}

extension FormReader {
    /// A `datetime-local` field (`2026-05-01T09:30`, seconds allowed) as an instant in `zone`.
    func localTime(_ name: String, _ zone: TimeZone, into v: inout AftercareDomain.Validator) -> Date? {
        guard let text = string(name) else { return nil }
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
}

extension PageLink {
    /// A `tel:` link for a phone number as typed, or nil when it has no digits.
    static func tel(_ phone: String?) -> String? {
        guard let phone else { return nil }
        let digits = phone.filter { $0.isNumber || $0 == "+" }
        return digits.isEmpty ? nil : "tel:\(digits)"
    }
}
