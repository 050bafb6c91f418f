import Foundation

extension RecordFilter where Kind == CalendarRecord {
    /// the calendars of one organisation unit.
    public static func calendars(orgUnitId: Int?) -> Self { equal([("org_unit_id", orgUnitId)]) }
}
