import AftercareDomain
import Foundation
import SQLKit

/// Checks that need the database: references to other records and uniqueness.
enum Checks {
    /// `nil` when `id` names a live record of `table`; otherwise why not.
    static func reference(_ table: String, _ id: Int?, on db: any SQLDatabase) async throws -> FieldProblem? {
        guard let id else { return nil }
        guard
            let row = try await db.select().column("archived_at").from(table).where("id", .equal, id).first()
        else { return .notFound }
        return try row.decodeNil(column: "archived_at") ? nil : .archived
    }

    /// Whether another row (not `id`) already has these column values.
    static func taken(
        _ table: String, _ values: [(String, any Encodable & Sendable)], except id: Int?, on db: any SQLDatabase
    ) async throws -> Bool {
        var query = db.select().column("id").from(table)
        for (column, value) in values { query = query.where(column, .equal, value) }
        if let id { query = query.where("id", .notEqual, id) }
        return try await query.first() != nil
    }

    /// Codes are short ASCII words: letters, digits, `-`, `_`, `.`, `/` and spaces inside.
    static func code(_ field: String, _ value: String, into v: inout Validator, max: Int = Limits.code) {
        v.text(field, value, required: true, max: max)
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_./ ")
        if !value.allSatisfy({ allowed.contains($0) }) || value.hasPrefix(" ") || value.hasSuffix(" ") {
            v.add(field, .invalidFormat(expected: "letters, digits, '-', '_', '.', '/'"))
        }
    }

    /// Latitude and longitude come together and within range.
    static func coordinates(_ prefix: String, _ latitude: Double?, _ longitude: Double?, into v: inout Validator) {
        let lat = prefix.isEmpty ? "latitude" : "\(prefix).latitude"
        let lon = prefix.isEmpty ? "longitude" : "\(prefix).longitude"
        if let latitude, !(-90...90).contains(latitude) || latitude.isNaN { v.add(lat, .outOfRange(min: -90, max: 90)) }
        if let longitude, !(-180...180).contains(longitude) || longitude.isNaN {
            v.add(lon, .outOfRange(min: -180, max: 180))
        }
        if (latitude == nil) != (longitude == nil) { v.add(latitude == nil ? lat : lon, .required) }
    }
}

extension Validator {
    /// Records a reference problem, if any.
    mutating func reference(_ field: String, _ problem: FieldProblem?) {
        if let problem { add(field, problem) }
    }
}
