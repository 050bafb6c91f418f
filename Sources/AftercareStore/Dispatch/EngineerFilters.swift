import Foundation

extension RecordFilter where Kind == EngineerRecord {
    /// the engineers of one organisation unit.
    public static func engineers(orgUnitId: Int?) -> Self { equal([("org_unit_id", orgUnitId)]) }
}
