import Foundation

/// the request's own coarse states. Field visits and depot repairs are separate records under a
/// request (later issues); the request stays `inService` while they run.
public enum RequestStatus: String, CodedEnum {
    case registered, triaged, inService, waitingOnCustomer, resolved, closed, cancelled

    /// Open requests still need work; resolved ones await follow-up and closing.
    public var isOpen: Bool {
        switch self {
        case .registered, .triaged, .inService, .waitingOnCustomer: true
        case .resolved, .closed, .cancelled: false
        }
    }
}

/// what can happen to a request.
public enum RequestEventKind: String, CodedEnum {
    /// Checked for scope, warranty, priority and category.
    case triage
    /// Work begins: a visit, remote session or depot repair is under way.
    case startService
    /// solved by phone or remote guidance, no visit.
    case resolveRemotely
    case resolve
    /// The clock waits for the customer (information, access, approval of a quote).
    case waitForCustomer
    case customerResponded
    case close
    /// The fix did not hold.
    case reopen
    case cancel

    /// Events that must say why.
    public var requiresNote: Bool {
        self == .cancel || self == .reopen
    }

    /// Events that may carry a decision: a fault cause, a priority, a category.
    public var carriesDecision: Bool {
        self == .triage || self == .resolve || self == .resolveRemotely
    }
}

/// Where an event leads: a fixed state, or back to the state held before waiting.
public enum LifecycleTarget: Equatable, Sendable {
    case to(RequestStatus)
    case resumePrevious
}

/// An event refused in the current state (the API answers 409 naming `allowed`).
public enum LifecycleError: Error, Equatable, Sendable {
    case notAllowed(event: RequestEventKind, from: RequestStatus, allowed: [RequestEventKind])
    case noteRequired(event: RequestEventKind)
}

/// one event on a request, with what it carries.
public struct RequestEvent: LifecycleEvent, Equatable {
    public var kind: RequestEventKind
    public var note: String?
    /// The event sets a fault cause (triage or resolution), so the units' warranty is decided again.
    public var setsFaultCause: Bool

    public init(_ kind: RequestEventKind, note: String? = nil, setsFaultCause: Bool = false) {
        self.kind = kind
        self.note = note
        self.setsFaultCause = setsFaultCause
    }
}

/// What the store must do after a request changes state.
public enum RequestEffect: Equatable, Sendable {
    /// every change of state may start, pause, resume or stop one of the request's clocks.
    case refreshClocks
    /// each unit's warranty is decided again from the (new) fault cause.
    case decideWarranty
    /// a follow-up call is due, counted from `from`.
    case scheduleFollowUp(FollowUpTrigger, from: Date)
    /// the closed job's customer is invited to the per-job satisfaction survey.
    case inviteToSurvey
}

/// the lifecycle of a service request as a state machine value.
public struct RequestLifecycle: Lifecycle {
    public private(set) var status: RequestStatus
    /// While waiting on the customer: the state to resume.
    public private(set) var resumeStatus: RequestStatus?

    public init(status: RequestStatus = .registered, resumeStatus: RequestStatus? = nil) {
        self.status = status
        self.resumeStatus = status == .waitingOnCustomer ? (resumeStatus ?? .triaged) : nil
    }

    /// The one transition table.
    public static let transitions: [RequestStatus: [RequestEventKind: LifecycleTarget]] = [
        .registered: [
            .triage: .to(.triaged), .resolveRemotely: .to(.resolved), .waitForCustomer: .to(.waitingOnCustomer),
            .cancel: .to(.cancelled),
        ],
        .triaged: [
            .triage: .to(.triaged), .startService: .to(.inService), .resolveRemotely: .to(.resolved),
            .waitForCustomer: .to(.waitingOnCustomer), .cancel: .to(.cancelled),
        ],
        .inService: [
            .resolve: .to(.resolved), .waitForCustomer: .to(.waitingOnCustomer), .cancel: .to(.cancelled),
        ],
        .waitingOnCustomer: [.customerResponded: .resumePrevious, .cancel: .to(.cancelled)],
        .resolved: [.close: .to(.closed), .reopen: .to(.inService)],
        .closed: [.reopen: .to(.inService)],
        .cancelled: [:],
    ]

    /// Applies an event or throws without changing anything.
    public mutating func apply(_ event: RequestEvent, at now: Date) throws -> [RequestEffect] {
        guard let target = target(of: event.kind) else {
            throw LifecycleError.notAllowed(event: event.kind, from: status, allowed: allowedEvents)
        }
        if event.kind.requiresNote, event.note.isBlank { throw LifecycleError.noteRequired(event: event.kind) }
        let from = status
        let to: RequestStatus
        switch target {
        case .to(let next): to = next
        case .resumePrevious: to = resumeStatus ?? .triaged
        }
        resumeStatus = to == .waitingOnCustomer ? from : nil
        status = to
        var effects: [RequestEffect] = event.kind == .triage || event.setsFaultCause ? [.decideWarranty] : []
        effects.append(.refreshClocks)
        if let trigger = FollowUpTrigger.after(event.kind) { effects.append(.scheduleFollowUp(trigger, from: now)) }
        if event.kind == .close { effects.append(.inviteToSurvey) }
        return effects
    }
}

/// A state change as recorded on the timeline, for derived durations.
public struct StatusChange: Equatable, Sendable {
    public var at: Date
    public var from: RequestStatus?
    public var to: RequestStatus

    public init(at: Date, from: RequestStatus?, to: RequestStatus) {
        self.at = at
        self.from = from
        self.to = to
    }
}

/// age and time in each state, computed from the timeline and the clock, never stored.
public struct RequestDurations: Equatable, Sendable {
    public var age: TimeInterval
    public var secondsInStatus: [RequestStatus: TimeInterval]
    public var waitingOnCustomer: TimeInterval { secondsInStatus[.waitingOnCustomer] ?? 0 }

    /// `changes` in time order, the first being the registration (`from == nil`).
    public static func of(createdAt: Date, changes: [StatusChange], now: Date) -> RequestDurations {
        var spent: [RequestStatus: TimeInterval] = [:]
        var current = RequestStatus.registered
        var since = createdAt
        for change in changes where change.from != nil {
            spent[current, default: 0] += max(0, change.at.timeIntervalSince(since))
            current = change.to
            since = change.at
        }
        let end = current == .closed || current == .cancelled ? since : now
        spent[current, default: 0] += max(0, end.timeIntervalSince(since))
        let age = max(0, (current == .closed || current == .cancelled ? since : now).timeIntervalSince(createdAt))
        return RequestDurations(age: age, secondsInStatus: spent)
    }
}
