import AftercareDomain
import Foundation
import SQLKit

/// how a unit watches its repairs: the repeat-repair window and the share of fixed jobs spot-checked. A unit
/// without settings uses its nearest ancestor's, else the defaults (90 days, 10 %).
public enum QualitySettingsRecord: RecordKind {
    public struct Input: Codable, Sendable, Equatable {
        public var orgUnitId: Int
        public var repeatWindowDays: Int
        /// The share of fixed jobs sampled, in basis points (1/100 of a percent).
        public var spotCheckShare: Int

        public init(orgUnitId: Int, repeatWindowDays: Int, spotCheckShare: Int) {
            self.orgUnitId = orgUnitId
            self.repeatWindowDays = repeatWindowDays
            self.spotCheckShare = spotCheckShare
        }
    }

    public typealias Fields = Input
    public typealias Row = Input

    public struct View: Codable, Sendable, Equatable, Identifiable {
        public var id: Int
        public var orgUnitId: Int
        public var repeatWindowDays: Int
        public var spotCheckShare: Int
        public var version: Int
        public var createdAt: Date
        public var updatedAt: Date
        public var archivedAt: Date?
    }

    public static let table = "quality_settings"
    public static let entity = "qualitySettings"
    public static let defaults = Input(orgUnitId: 0, repeatWindowDays: 90, spotCheckShare: 1000)

    public static func validate(_ input: Input, id: Int?, on db: any SQLDatabase) async throws -> Fields {
        var v = Validator()
        for (field, problem) in RepeatRepairRule.problems(windowDays: input.repeatWindowDays) { v.add(field, problem) }
        for (field, problem) in SpotCheckSampling.problems(shareBasisPoints: input.spotCheckShare) {
            v.add(field, problem)
        }
        v.reference("orgUnitId", try await Checks.reference(OrgUnitRecord.table, input.orgUnitId, on: db))
        if try await Checks.taken(table, [("org_unit_id", input.orgUnitId)], except: id, on: db) {
            v.add("orgUnitId", .duplicate)
        }
        try v.finish()
        return input
    }

    public static func view(_ row: Row, meta: RecordMeta) throws -> View {
        View(
            id: meta.id, orgUnitId: row.orgUnitId, repeatWindowDays: row.repeatWindowDays,
            spotCheckShare: row.spotCheckShare, version: meta.version, createdAt: meta.createdAt,
            updatedAt: meta.updatedAt, archivedAt: meta.archivedAt)
    }

    public static func input(from view: View) -> Input {
        Input(orgUnitId: view.orgUnitId, repeatWindowDays: view.repeatWindowDays, spotCheckShare: view.spotCheckShare)
    }

    /// The settings that apply to a unit: its own, else the nearest ancestor's, else the defaults.
    static func effective(for orgUnitId: Int, on db: any SQLDatabase) async throws -> Input {
        try await OrgUnitPaths.nearest(
            table, columns: "repeat_window_days, spot_check_share", for: orgUnitId, on: db
        ) { row in
            Input(
                orgUnitId: try row.decode(column: "org_unit_id", as: Int.self),
                repeatWindowDays: try row.decode(column: "repeat_window_days", as: Int.self),
                spotCheckShare: try row.decode(column: "spot_check_share", as: Int.self))
        } ?? defaults
    }
}

extension QualitySettingsRecord: OwnedByOrgUnit {}

extension RecordFilter where Kind == QualitySettingsRecord {
    /// a unit's own settings (at most one).
    public static func qualitySettings(orgUnitId: Int) -> Self { equal([("org_unit_id", orgUnitId)]) }
}
