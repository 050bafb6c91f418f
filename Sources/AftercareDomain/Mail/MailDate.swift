import Foundation

/// RFC 5322 dates: `Tue, 3 Mar 2026 10:15:00 +0800`.
enum MailDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let zones: [String: Int] = [
        "ut": 0, "utc": 0, "gmt": 0, "z": 0, "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6,
        "pst": -8, "pdt": -7,
    ]

    /// The instant a date header names, leniently: the weekday is optional, comments are ignored, two-digit years
    /// are 1950-2049, a missing zone is UTC, the parts may come in the asctime order (`Mar 3 10:15:00 2026`).
    static func parse(_ raw: String) -> Date? {
        var text = String.UnicodeScalarView()
        var depth = 0
        for scalar in raw.unicodeScalars {
            if scalar == "(" {
                depth += 1
            } else if scalar == ")" {
                depth = max(0, depth - 1)
            } else if depth == 0 {
                text.append(scalar == "," ? " " : scalar)
            }
        }
        var day: Int?
        var month: Int?
        var year: Int?
        var time: (hour: Int, minute: Int, second: Int)?
        var offset: Int?
        for token in String(text).split(whereSeparator: { $0.isWhitespace }) {
            let word = token.lowercased()
            let digits = word.dropFirst().filter { $0 != ":" }
            if let sign = word.first, sign == "+" || sign == "-", digits.count == 4, let value = Int(digits) {
                offset = (sign == "-" ? -1 : 1) * ((value / 100) * 3600 + (value % 100) * 60)
            } else if word.contains(":") {
                guard time == nil else { continue }
                let parts = word.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
                guard parts.count >= 2, let hour = parts[0], let minute = parts[1] else { return nil }
                time = (hour, minute, parts.count > 2 ? (parts[2] ?? 0) : 0)
            } else if let value = Int(word) {
                if day == nil, word.count <= 2, (1...31).contains(value) {
                    day = value
                } else if year == nil {
                    switch word.count {
                    case ...2: year = value < 50 ? 2000 + value : 1900 + value
                    case 3: year = 1900 + value
                    default: year = value
                    }
                }
            } else if let index = months.firstIndex(where: { word.hasPrefix($0) }), month == nil {
                month = index + 1
            } else if let hours = zones[word], offset == nil {
                offset = hours * 3600
            }
        }
        guard let day, let month, let year, let time, (1...9999).contains(year), (0...23).contains(time.hour),
            (0...59).contains(time.minute), (0...60).contains(time.second)
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + time.hour * 3600 + time.minute * 60 + min(time.second, 59) - (offset ?? 0)
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// `Tue, 03 Mar 2026 02:15:00 +0000`, always in UTC.
    static func format(_ date: Date) -> String {
        let total = Int(date.timeIntervalSince1970.rounded(.down))
        let days = Int((Double(total) / 86_400).rounded(.down))
        let seconds = total - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        let weekday = weekdays[((days % 7) + 11) % 7]
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let monthName = months[month - 1].capitalized
        let clock = "\(two(seconds / 3600)):\(two(seconds % 3600 / 60)):\(two(seconds % 60))"
        return "\(weekday), \(two(day)) \(monthName) \(year) \(clock) +0000"
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let shifted = month <= 2 ? year - 1 : year
        let era = (shifted >= 0 ? shifted : shifted - 399) / 400
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date `days` after 1970-01-01.
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (month <= 2 ? yearOfEra + era * 400 + 1 : yearOfEra + era * 400, month, day)
    }
}
