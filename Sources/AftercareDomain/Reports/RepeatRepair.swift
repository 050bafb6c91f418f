import Foundation

/// one finished repair of a unit, as the repeat-repair rule sees it.
public struct RepairRecord: Equatable, Sendable {
    public var id: Int
    public var unitId: Int
    /// The fault category; compared trimmed and without regard to case.
    public var faultCategory: String
    public var result: ServiceReportResult
    public var finishedAt: Date

    public init(id: Int, unitId: Int, faultCategory: String, result: ServiceReportResult, finishedAt: Date) {
        self.id = id
        self.unitId = unitId
        self.faultCategory = faultCategory
        self.result = result
        self.finishedAt = finishedAt
    }
}

/// R-5.4 "no repeated repair of the same problem" (`004`): a repair is a repeat when the same unit was
/// repaired, and fixed, for the same fault category within the window before it.
public struct RepeatRepairRule: Equatable, Sendable {
    /// The allowed window, in days.
    public static let windowRange = 1...3650

    /// How far back an earlier fixed repair makes this one a repeat, in days of 86 400 s.
    public var windowDays: Int

    public init(windowDays: Int = 90) {
        self.windowDays = windowDays
    }

    /// The problems by field ("repeatWindowDays"): a window outside 1...3650 days.
    public static func problems(windowDays: Int) -> [String: FieldProblem] {
        var v = Validator()
        v.range("repeatWindowDays", windowDays, windowRange)
        return v.error.fields
    }

    /// The problems of this rule, by field.
    public func problems() -> [String: FieldProblem] {
        Self.problems(windowDays: windowDays)
    }

    /// the most recent earlier repair that makes `repair` a repeat, or nil: another record (other id) of
    /// the same unit and fault category, fixed, finished not after `repair` and at most `windowDays` × 86 400 s
    /// before it (the edge included). A blank fault category matches nothing. Of two finished at the same
    /// moment, the higher id.
    public func earlier(for repair: RepairRecord, among history: [RepairRecord]) -> RepairRecord? {
        let category = Self.normalized(repair.faultCategory)
        guard !category.isEmpty else { return nil }
        let window = TimeInterval(windowDays) * 86_400
        return
            history
            .filter { record in
                let age = repair.finishedAt.timeIntervalSince(record.finishedAt)
                return record.id != repair.id && record.unitId == repair.unitId && record.result == .fixed
                    && age >= 0 && age <= window && Self.normalized(record.faultCategory) == category
            }
            .max { ($0.finishedAt, $0.id) < ($1.finishedAt, $1.id) }
    }

    /// A fault category as compared: trimmed, lower case.
    static func normalized(_ category: String) -> String {
        category.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}
