import Foundation

/// where a complaint stands, from its receipt to its closing. A complaint is not a service request: it has its
/// own number, its own handlers (independent of the service department, R-9.1) and its own deadlines.
public enum ComplaintStatus: String, CodedEnum {
    /// Recorded: the time, the customer and their words. The acknowledgement deadline runs.
    case received
    /// The customer has been told the complaint was accepted and who handles it.
    case acknowledged
    /// The handler investigates: notes, statements asked of the service department, the cause.
    case investigating
    /// The resolution plan is agreed (with the customer where it concerns them).
    case planAgreed
    /// The plan was carried out and the customer was told the result.
    case resolved
    /// The customer says they are satisfied.
    case satisfied
    /// The customer is not satisfied with the result, with their reason.
    case notSatisfied
    /// Handled again after the customer was not satisfied (or after the supervisor's review reopened it).
    case reprocessing
    case closed
    /// The customer withdrew the complaint before it was resolved, with the reason.
    case withdrawn

    /// Whether the complaint still has work to do.
    public var isOpen: Bool { self != .closed && self != .withdrawn }

    /// Whether the resolution deadline still runs: from receipt until resolved, and again while re-processed.
    public var resolutionRuns: Bool {
        [.received, .acknowledged, .investigating, .planAgreed, .reprocessing].contains(self)
    }
}

/// what can happen to a complaint.
public enum ComplaintEventKind: String, CodedEnum {
    /// The customer is told the complaint was accepted (stops the acknowledgement deadline).
    case acknowledge
    case investigate
    /// The resolution plan, in the note.
    case agreePlan
    /// The result as told to the customer, in the note (stops the resolution deadline).
    case resolve
    /// The customer's answer to the result: satisfied…
    case confirmSatisfied
    /// …or not, with their reason.
    case reportNotSatisfied
    /// The complaint is handled again, with what will be done differently.
    case reprocess
    /// Closed: as satisfied, or with the reason why it ends without the customer's satisfaction.
    case close
    /// The customer withdrew it, with the reason.
    case withdraw
    /// the supervisor's review found the handling wanting: the complaint is handled again, with the findings.
    case reopen

    /// Events that must carry a note: the plan, the feedback, the customer's reason, the reason for closing without
    /// satisfaction, the findings.
    public var requiresNote: Bool {
        [.agreePlan, .resolve, .reportNotSatisfied, .reprocess, .withdraw, .reopen].contains(self)
    }

    /// The customer's own answers, which they may give in the portal.
    public var isCustomerAnswer: Bool { [.confirmSatisfied, .reportNotSatisfied, .withdraw].contains(self) }
}

/// What a complaint event carries.
public struct ComplaintEvent: LifecycleEvent, Equatable {
    public var kind: ComplaintEventKind
    public var note: String?

    public init(_ kind: ComplaintEventKind, note: String? = nil) {
        self.kind = kind
        self.note = note
    }
}

/// A complaint event the lifecycle refuses for what it carries. (A refusal by the table is
/// `EventNotAllowed<ComplaintStatus, ComplaintEventKind>`.)
public enum ComplaintError: Error, Equatable, Sendable {
    case noteRequired(event: ComplaintEventKind)
    /// Closing a complaint whose customer is not (or not yet) satisfied must say why.
    case closingReasonRequired
}

/// What the store must do after a complaint step.
public enum ComplaintEffect: Equatable, Sendable {
    /// The acknowledgement deadline is met (or missed) now.
    case stopAcknowledgementClock
    /// The resolution deadline is met (or missed) now.
    case stopResolutionClock
    /// Re-processing gets a new resolution deadline from now.
    case restartResolutionClock
    /// a closed complaint may be drawn for the supervisor's review (`ComplaintReview`).
    case considerReview
}

/// the lifecycle of a complaint.
public struct ComplaintLifecycle: Lifecycle {
    public private(set) var status: ComplaintStatus

    public init(status: ComplaintStatus = .received) {
        self.status = status
    }

    /// The one transition table.
    public static let transitions: [ComplaintStatus: [ComplaintEventKind: ComplaintStatus]] = [
        .received: [.acknowledge: .acknowledged, .withdraw: .withdrawn],
        .acknowledged: [.investigate: .investigating, .withdraw: .withdrawn],
        .investigating: [.agreePlan: .planAgreed, .withdraw: .withdrawn],
        .planAgreed: [.resolve: .resolved, .withdraw: .withdrawn],
        .resolved: [.confirmSatisfied: .satisfied, .reportNotSatisfied: .notSatisfied, .close: .closed],
        .satisfied: [.close: .closed],
        .notSatisfied: [.reprocess: .reprocessing, .close: .closed],
        .reprocessing: [.agreePlan: .planAgreed, .withdraw: .withdrawn],
        .closed: [.reopen: .reprocessing],
        .withdrawn: [:],
    ]

    /// Applies an event or throws without changing anything.
    public mutating func apply(_ event: ComplaintEvent, at now: Date) throws -> [ComplaintEffect] {
        let target = try next(event.kind)
        if event.kind.requiresNote, event.note.isBlank { throw ComplaintError.noteRequired(event: event.kind) }
        if event.kind == .close, status != .satisfied, event.note.isBlank { throw ComplaintError.closingReasonRequired }
        let from = status
        status = target
        switch event.kind {
        case .acknowledge: return [.stopAcknowledgementClock]
        case .resolve: return [.stopResolutionClock]
        case .reprocess, .reopen: return [.restartResolutionClock]
        case .close: return [.considerReview]
        case .withdraw:
            return from == .received ? [.stopAcknowledgementClock, .stopResolutionClock] : [.stopResolutionClock]
        default: return []
        }
    }
}
