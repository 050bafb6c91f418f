import Foundation

extension RecordFilter where Kind == FeeScheduleRecord {
    /// the schedules of one organisation unit.
    public static func feeSchedules(orgUnitId: Int?) -> Self { equal([("org_unit_id", orgUnitId)]) }
}
