import Foundation

/// what makes a follow-up call due.
public enum FollowUpTrigger: String, CodedEnum {
    /// 2 hours after a request is solved by phone guidance (`002`).
    case phoneGuidance
    /// After every request resolved by a visit or service.
    case resolved
    /// 3–4 days after a repaired unit is shipped back from the depot (`004`; posted by the returns issue).
    case depotReturn

    /// The trigger a request event starts.
    public static func after(_ event: RequestEventKind) -> FollowUpTrigger? {
        switch event {
        case .resolveRemotely: .phoneGuidance
        case .resolve: .resolved
        default: nil
        }
    }
}

/// Where a follow-up stands.
public enum FollowUpStatus: String, CodedEnum {
    case open, done, unreachable, cancelled
}

/// what the call found.
public enum FollowUpOutcome: String, CodedEnum {
    /// The problem is gone: the request is closed.
    case solved
    /// The fix did not hold: the request is reopened.
    case notSolved
    /// Nobody answered: the call is retried on the rule's schedule, then given up.
    case unreachable
}

/// what a recorded call does to the follow-up.
public enum FollowUpEventKind: String, CodedEnum {
    case solved, notSolved
    /// Unanswered, with retries left.
    case retry
    /// Unanswered, and the retries are used up.
    case giveUp
}

/// one recorded call.
public struct FollowUpEvent: LifecycleEvent, Equatable {
    public var outcome: FollowUpOutcome
    /// For an unanswered call: the wait before the next try, or nil when the retries are used up.
    public var retryAfterMinutes: Int?

    public init(_ outcome: FollowUpOutcome, retryAfterMinutes: Int? = nil) {
        self.outcome = outcome
        self.retryAfterMinutes = outcome == .unreachable ? retryAfterMinutes : nil
    }

    /// What the `attempt`-th call (counting from 1) means under the retry schedule `retries` (the waits
    /// before each retry).
    public static func call(_ outcome: FollowUpOutcome, attempt: Int, retries: [Int]) -> FollowUpEvent {
        FollowUpEvent(outcome, retryAfterMinutes: attempt >= 1 && attempt <= retries.count ? retries[attempt - 1] : nil)
    }

    public var kind: FollowUpEventKind {
        switch outcome {
        case .solved: .solved
        case .notSolved: .notSolved
        case .unreachable: retryAfterMinutes == nil ? .giveUp : .retry
        }
    }
}

/// What the store must do after a follow-up call.
public enum FollowUpEffect: Equatable, Sendable {
    /// The customer confirmed the fix: a resolved request is closed.
    case closeRequest
    /// The fix did not hold: the request is reopened.
    case reopenRequest
    /// Nobody answered: the call is due again at this time.
    case dueAgain(at: Date)
}

/// the lifecycle of a follow-up: open until a call settles it or the retries are used up.
public struct FollowUpLifecycle: Lifecycle {
    public private(set) var status: FollowUpStatus

    public init(status: FollowUpStatus = .open) {
        self.status = status
    }

    public static let transitions: [FollowUpStatus: [FollowUpEventKind: FollowUpStatus]] = [
        .open: [.solved: .done, .notSolved: .done, .retry: .open, .giveUp: .unreachable],
        .done: [:],
        .unreachable: [:],
        .cancelled: [:],
    ]

    public mutating func apply(_ event: FollowUpEvent, at now: Date) throws -> [FollowUpEffect] {
        status = try next(event.kind)
        switch event.kind {
        case .solved: return [.closeRequest]
        case .notSolved: return [.reopenRequest]
        case .retry: return [.dueAgain(at: now.addingTimeInterval(Double((event.retryAfterMinutes ?? 0) * 60)))]
        case .giveUp: return []
        }
    }
}
