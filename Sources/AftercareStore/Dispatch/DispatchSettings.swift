import AftercareDispatch
import AftercareDomain
import Foundation
import SQLKit

/// how a branch turns distance into travel time (great-circle distance × road factor ÷ speed) and how early
/// its engineers aim to arrive. A unit without settings uses its nearest ancestor's, else the defaults.
public enum DispatchSettingsRecord: RecordKind {
    public struct Input: Codable, Sendable, Equatable {
        public var orgUnitId: Int
        /// Average door-to-door speed, km/h.
        public var speedKmh: Double
        /// Road distance ÷ straight-line distance.
        public var roadFactor: Double
        /// arrive this many minutes early (`002`: 5–10).
        public var bufferMinutes: Int

        public init(orgUnitId: Int, speedKmh: Double, roadFactor: Double, bufferMinutes: Int) {
            self.orgUnitId = orgUnitId
            self.speedKmh = speedKmh
            self.roadFactor = roadFactor
            self.bufferMinutes = bufferMinutes
        }
    }

    public typealias Fields = Input
    public typealias Row = Input

    public struct View: Codable, Sendable, Equatable, Identifiable {
        public var id: Int
        public var orgUnitId: Int
        public var speedKmh: Double
        public var roadFactor: Double
        public var bufferMinutes: Int
        public var version: Int
        public var createdAt: Date
        public var updatedAt: Date
        public var archivedAt: Date?
    }

    public static let table = "dispatch_settings"
    public static let entity = "dispatchSettings"
    /// The defaults: city traffic at 35 km/h, roads 1.3 times the straight line, 10 minutes early.
    public static let defaults = Input(orgUnitId: 0, speedKmh: 35, roadFactor: 1.3, bufferMinutes: 10)

    public static func validate(_ input: Input, id: Int?, on db: any SQLDatabase) async throws -> Fields {
        var v = Validator()
        if !(5...130).contains(input.speedKmh) || input.speedKmh.isNaN {
            v.add("speedKmh", .outOfRange(min: 5, max: 130))
        }
        if !(1...3).contains(input.roadFactor) || input.roadFactor.isNaN {
            v.add("roadFactor", .outOfRange(min: 1, max: 3))
        }
        v.range("bufferMinutes", input.bufferMinutes, 0...60)
        v.reference("orgUnitId", try await Checks.reference(OrgUnitRecord.table, input.orgUnitId, on: db))
        var taken = db.select().column("id").from(table).where("org_unit_id", .equal, input.orgUnitId)
            .where("archived_at", .is, SQLLiteral.null)
        if let id { taken = taken.where("id", .notEqual, id) }
        if try await taken.first() != nil { v.add("orgUnitId", .duplicate) }
        try v.finish()
        return input
    }

    public static func view(_ row: Row, meta: RecordMeta) throws -> View {
        View(
            id: meta.id, orgUnitId: row.orgUnitId, speedKmh: row.speedKmh, roadFactor: row.roadFactor,
            bufferMinutes: row.bufferMinutes, version: meta.version, createdAt: meta.createdAt,
            updatedAt: meta.updatedAt, archivedAt: meta.archivedAt)
    }

    public static func input(from view: View) -> Input {
        Input(
            orgUnitId: view.orgUnitId, speedKmh: view.speedKmh, roadFactor: view.roadFactor,
            bufferMinutes: view.bufferMinutes)
    }

    /// The settings that apply to a unit: its own, else the nearest ancestor's, else the defaults.
    static func effective(for orgUnitId: Int, on db: any SQLDatabase) async throws -> Input {
        try await OrgUnitPaths.nearest(
            table, columns: "speed_kmh, road_factor, buffer_minutes", for: orgUnitId, on: db
        ) { row in
            Input(
                orgUnitId: try row.decode(column: "org_unit_id", as: Int.self),
                speedKmh: try row.decode(column: "speed_kmh", as: Double.self),
                roadFactor: try row.decode(column: "road_factor", as: Double.self),
                bufferMinutes: try row.decode(column: "buffer_minutes", as: Int.self))
        } ?? defaults
    }
}

extension DispatchSettingsRecord: OwnedByOrgUnit {}

extension DispatchSettingsRecord.Input {
    /// The travel-time source of these settings.
    var travel: GreatCircleTravel { GreatCircleTravel(roadFactor: roadFactor, speedKmh: speedKmh) }
}
