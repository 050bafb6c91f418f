import Foundation

/// a complaint's number, `CMP-YYYY-NNNNNN`, gap-free per year and separate from the requests'.
public struct ComplaintNumber: Hashable, Sendable, CustomStringConvertible {
    public let year: Int
    public let sequence: Int

    public init(year: Int, sequence: Int) {
        self.year = year
        self.sequence = sequence
    }

    /// Parses `CMP-YYYY-NNNNNN` (six digits or more).
    public init?(_ text: String) {
        guard let (year, sequence) = YearlyNumber.parse(text, prefix: "CMP") else { return nil }
        self.init(year: year, sequence: sequence)
    }

    /// The name of the counter this number is drawn from.
    public static func sequenceName(year: Int) -> String { "CMP-\(year)" }

    public var description: String { YearlyNumber.format(prefix: "CMP", year: year, sequence: sequence) }
}

/// what a complaint is about. Each kind but `policy` and `other` names its record.
public enum ComplaintSubject: String, CodedEnum {
    case request, visit, engineer, unit, product, staff, policy, other

    /// The field of the complaint that names the record, or nil for a policy or anything else.
    public var recordField: String? {
        switch self {
        case .request: "requestId"
        case .visit: "visitId"
        case .engineer: "engineerId"
        case .unit: "unitId"
        case .product: "productModelId"
        case .staff: "staffUserId"
        case .policy, .other: nil
        }
    }
}

/// how serious a complaint is; it chooses the deadlines like a request's priority.
public enum ComplaintSeverity: String, CodedEnum {
    case critical, high, normal, low

    /// The priority the SLA policies match a complaint of this severity with.
    public var priority: Priority {
        switch self {
        case .critical: .emergency
        case .high: .high
        case .normal: .normal
        case .low: .low
        }
    }
}

/// what the customer wants.
public enum ComplaintWish: String, CodedEnum {
    case apology, explanation, repair, replacement, refund, compensation, other
}

/// the complaint-cause catalogue, counted periodically.
public enum ComplaintCause: String, CodedEnum {
    case attitude, delay, repeatedFailure, feeDispute, productQuality, brokenPromise, workmanship, partsShortage
    case communication, policy, other
}

/// who the investigation found responsible.
public enum ComplaintResponsibility: String, CodedEnum {
    case engineer, branch, headquarters, product, supplier, customer, unfounded
}

/// what the customer was given to make amends.
public enum CompensationKind: String, CodedEnum {
    case none, money, freeService, gift
}

/// why a handler may not work a complaint.
public enum ComplaintConflict: Error, Equatable, Sendable {
    /// Only complaint handlers (and their supervisor) work complaints.
    case notHandler
    /// The complaint is about this person.
    case subjectPerson
    /// The handler worked on a request the complaint concerns (a step on its timeline, a visit or its report).
    case workedOn(requestNumbers: [String])
    /// A complaint about a complaint handler goes to the supervisor.
    case aboutHandler
}

/// the handler's ties to what a complaint is about, as the store found them.
public struct HandlerLinks: Equatable, Sendable {
    /// The complaint names this person (the staff member, or the engineer's own account).
    public var isSubjectPerson: Bool
    /// Requests of the subject (the request, the visit's request, the unit's requests) on whose timeline, visits or
    /// service reports the handler appears.
    public var workedOnRequests: [String]
    /// The person the complaint is about is a complaint handler.
    public var subjectIsHandler: Bool

    public init(isSubjectPerson: Bool = false, workedOnRequests: [String] = [], subjectIsHandler: Bool = false) {
        self.isSubjectPerson = isSubjectPerson
        self.workedOnRequests = workedOnRequests
        self.subjectIsHandler = subjectIsHandler
    }
}

/// the independence of complaint handling. Whoever works a complaint is a complaint handler or their
/// supervisor (neither may hold an after-sales role, `RoleConflict`), is not the person complained about, never
/// worked on what the complaint is about, and a complaint about a handler is the supervisor's alone.
public enum ComplaintIndependence {
    public static func conflict(roles: Set<Role>, links: HandlerLinks) -> ComplaintConflict? {
        let supervisor = roles.contains(.complaintSupervisor)
        guard supervisor || roles.contains(.complaintHandler) else { return .notHandler }
        if links.isSubjectPerson { return .subjectPerson }
        if !links.workedOnRequests.isEmpty { return .workedOn(requestNumbers: links.workedOnRequests.sorted()) }
        if links.subjectIsHandler, !supervisor { return .aboutHandler }
        return nil
    }
}

/// the supervisor re-checks closed complaints: every one closed without the customer's satisfaction, every
/// one that paid compensation, and a random share of the rest.
public enum ComplaintReview {
    /// The share of other closed complaints drawn for review, in percent.
    public static let samplePercent = 20

    /// Whether a complaint closed now is reviewed; `roll` is a random number in 0..<100.
    public static func selects(closedFrom: ComplaintStatus, compensated: Bool, roll: Int) -> Bool {
        closedFrom != .satisfied || compensated || roll < samplePercent
    }
}

/// the supervisor's finding on a reviewed complaint.
public enum ReviewVerdict: String, CodedEnum {
    /// Handled well.
    case upheld
    /// Handled acceptably, with remarks for the handler.
    case remarks
    /// Handled badly: the complaint is reopened and handled again.
    case reopened
}

/// the state of a statement the investigator asked of the service department.
public enum StatementStatus: String, CodedEnum {
    case asked, answered, withdrawn
}

/// an improvement action's state.
public enum ImprovementStatus: String, CodedEnum {
    case open, done, cancelled
}

/// which complaint causes are frequent enough to need an improvement action.
public enum FrequentCauses {
    /// A cause is flagged when it has at least this many complaints in the period…
    public static let minimumCount = 3
    /// …and is among the causes that together make up this share of the period's complaints (the Pareto head).
    public static let headPercent = 80

    /// The causes of `counts` flagged as frequent, the most frequent first.
    public static func flagged<Cause: CodedEnum>(_ counts: [Cause: Int]) -> [Cause] {
        let total = counts.values.reduce(0, +)
        guard total > 0 else { return [] }
        var flagged: [Cause] = []
        var cumulative = 0
        for (cause, count) in counts.sorted(by: { ($1.value, $0.key.rawValue) < ($0.value, $1.key.rawValue) }) {
            guard cumulative * 100 < total * headPercent else { break }
            cumulative += count
            if count >= minimumCount { flagged.append(cause) }
        }
        return flagged
    }
}

/// the deadlines of a complaint when no SLA policy of the complaint family applies: acknowledged within
/// one working day, resolved within five.
public enum ComplaintDeadlines {
    public static let acknowledgementMinutes = 8 * 60
    public static let resolutionMinutes = 5 * 8 * 60
}

extension Action {
    /// the action a complaint step needs: the supervisor reopens after a review; handlers take the rest.
    public static func `for`(complaint event: ComplaintEventKind) -> Action {
        event == .reopen ? .superviseComplaints : .handleComplaints
    }
}
