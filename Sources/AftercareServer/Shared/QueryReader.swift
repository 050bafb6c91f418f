import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// Reads query parameters strictly, naming the parameter that is wrong.
struct QueryReader {
    let req: Request

    func string(_ name: String, max: Int = Limits.shortText) throws -> String? {
        guard let value = try? req.query.get(String.self, at: name) else { return nil }
        guard value.count <= max else { throw APIError.badRequest(name, "must be at most \(max) characters") }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw APIError.badRequest(name, "must not contain control characters")
        }
        return value.isEmpty ? nil : value
    }

    func int(_ name: String) throws -> Int? {
        guard let text = try string(name) else { return nil }
        guard let value = Int(text), value > 0 else { throw APIError.badRequest(name, "must be a positive integer") }
        return value
    }

    func bool(_ name: String) throws -> Bool? {
        guard let text = try string(name) else { return nil }
        switch text {
        case "true", "1": return true
        case "false", "0": return false
        default: throw APIError.badRequest(name, "must be true or false")
        }
    }

    /// A comma-separated list of enum values.
    func list<T: CodedEnum>(_ name: String, _: T.Type) throws -> [T] {
        guard let text = try string(name, max: 1000) else { return [] }
        return try text.split(separator: ",").map {
            guard let value = T(rawValue: String($0)) else {
                throw APIError.badRequest(name, "must be one or more of: \(T.allowedValues.joined(separator: ", "))")
            }
            return value
        }
    }

    func value<T: CodedEnum>(_ name: String, _: T.Type) throws -> T? {
        guard let text = try string(name) else { return nil }
        guard let value = T(rawValue: text) else {
            throw APIError.badRequest(name, "must be one of: \(T.allowedValues.joined(separator: ", "))")
        }
        return value
    }

    /// An instant, or a day (its start in `timeZone`).
    func instant(_ name: String, timeZone: TimeZone) throws -> Date? {
        guard let text = try string(name) else { return nil }
        if let day = CalendarDate(iso: text) {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            return calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))
        }
        guard let date = Timestamp.parse(text) else {
            throw APIError.badRequest(name, "must be a date (YYYY-MM-DD) or an ISO 8601 instant")
        }
        return date
    }

    func date(_ name: String) throws -> CalendarDate? {
        guard let text = try string(name) else { return nil }
        guard let day = CalendarDate(iso: text) else { throw APIError.badRequest(name, "must be a date as YYYY-MM-DD") }
        return day
    }

    /// `limit` (1–200, default 50) and the opaque `cursor`.
    func page(defaultLimit: Int = 50) throws -> PageRequest {
        var page = PageRequest(limit: defaultLimit)
        if let text = try string("limit") {
            guard let limit = Int(text), Limits.listPage.contains(limit) else {
                throw APIError.badRequest("limit", "must be an integer from 1 to 200")
            }
            page.limit = limit
        }
        if let cursor = try string("cursor") {
            guard let next = page.following(cursor) else {
                throw APIError.badRequest("cursor", "is not a cursor from this list; start again without it")
            }
            page = next
        }
        return page
    }
}

extension QueryReader {
    /// A report's months, `from` and `to` as YYYY-MM: this month when not given, `from` not after `to`, at most
    /// 24 months apart.
    func months() throws -> (CalendarDate, CalendarDate) {
        func month(_ name: String) throws -> CalendarDate? {
            guard let text = try string(name) else { return nil }
            guard let day = CalendarDate(iso: text + "-01") else {
                throw APIError.badRequest(name, "must be a month as YYYY-MM")
            }
            return day
        }
        let today = req.store.today
        let to = try month("to") ?? CalendarDate(year: today.year, month: today.month, day: 1)!
        let from = try month("from") ?? to
        guard from <= to else { throw APIError.badRequest("from", "must not be after to") }
        guard from.adding(months: 24) >= to else {
            throw APIError.badRequest("to", "must be at most 24 months after from")
        }
        return (from, to)
    }
}
