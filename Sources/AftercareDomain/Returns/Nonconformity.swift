import Foundation

/// where a nonconforming product was found.
public enum NonconformitySource: String, CodedEnum {
    /// A unit received at the depot with a defect.
    case returnedUnit
    /// A faulty part an engineer handed in from the field.
    case fieldPart
}

/// what is done with a nonconforming product (`004` 4.2).
public enum Disposition: String, CodedEnum {
    case rework, repair, scrap, returnToSupplier

    /// The disposition a return case's way out implies for the returned unit, when it implies one: a repaired unit is
    /// repaired; a refunded or exchanged one still waits for the quality inspector's call.
    public static func implied(by resolution: ReturnResolution) -> Disposition? {
        resolution.repairs ? .repair : nil
    }
}

/// a nonconformity is open until its disposition and inspection record are written.
public enum NonconformityStatus: String, CodedEnum {
    case open, closed
}

/// whether a returned unit is nonconforming: it has a fault that is someone's (not "no fault found").
public enum NonconformityRule {
    public static func isNonconforming(_ responsibility: Responsibility) -> Bool {
        responsibility != .noFaultFound
    }

    /// the causes (`key`) whose count in the period reaches `threshold`, most frequent first, for the quality
    /// inspector.
    public static func frequent<Key: Hashable>(_ counts: [Key: Int], threshold: Int) -> [(key: Key, count: Int)] {
        counts.filter { $0.value >= max(1, threshold) }.map { (key: $0.key, count: $0.value) }
            .sorted { $0.count > $1.count }
    }
}

/// where a loaner unit (周转机) stands.
public enum LoanerStatus: String, CodedEnum {
    case available, lent, retired
}

/// loans of loaner units.
public enum LoanRule {
    /// Days past the due day (0: not overdue).
    public static func daysOverdue(dueOn: CalendarDate, today: CalendarDate) -> Int {
        max(0, today.dayNumber - dueOn.dayNumber)
    }

    /// A loan runs between 1 day and 6 months.
    public static let days = 1...183
}
