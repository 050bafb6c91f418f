import Foundation

/// why an engineer goes to the customer. A request may need several visits.
public enum VisitPurpose: String, CodedEnum {
    case diagnosis, repair, secondVisit, installation, inspection, training
}

/// where a visit stands.
public enum VisitStatus: String, CodedEnum {
    /// Waiting for an engineer and an agreed time window (the dispatcher's queue).
    case planned
    /// An engineer and a time window agreed with the customer.
    case scheduled
    case enRoute
    case onSite
    case completed
    /// Finished without fixing the fault; the visit names the next step.
    case incomplete
    case cancelled

    /// Visits still to be done.
    public var isOpen: Bool {
        switch self {
        case .planned, .scheduled, .enRoute, .onSite: true
        case .completed, .incomplete, .cancelled: false
        }
    }

    /// Visits that hold a place in an engineer's day.
    public var holdsTime: Bool {
        switch self {
        case .scheduled, .enRoute, .onSite, .completed, .incomplete: true
        case .planned, .cancelled: false
        }
    }
}

/// what an incomplete visit leads to.
public enum VisitNextStep: String, CodedEnum {
    /// Another visit, planned at once (for example with the part that was missing).
    case secondVisit
    /// The unit goes to the workshop (拉修).
    case depotRepair
    /// A senior engineer or technical support takes over.
    case escalate
}

/// what can happen to a visit.
public enum VisitEventKind: String, CodedEnum {
    /// The dispatcher names (or changes) the engineer; the visit stays in the queue until a window is agreed.
    case assign
    /// A time window agreed with the customer, with an engineer.
    case schedule
    /// a new window; needs a reason and the customer's consent.
    case reschedule
    /// the engineer cannot make it; the visit returns to the dispatcher's queue without an engineer.
    case handBack
    case depart
    case arrive
    case complete
    case reportIncomplete
    case cancel

    /// Events that must say why.
    public var requiresReason: Bool {
        switch self {
        case .reschedule, .handBack, .cancel, .reportIncomplete: true
        default: false
        }
    }
}

/// A visit event refused in the current state (the API answers 409 naming `allowed`).
public enum VisitLifecycleError: Error, Equatable, Sendable {
    case notAllowed(event: VisitEventKind, from: VisitStatus, allowed: [VisitEventKind])
    case reasonRequired(event: VisitEventKind)
    /// a reschedule without the customer's consent.
    case consentRequired
    /// `reportIncomplete` without a next step.
    case nextStepRequired
}

/// one event on a visit, with what it carries.
public struct VisitEvent: LifecycleEvent, Equatable {
    public var kind: VisitEventKind
    public var reason: String?
    /// the customer agreed to the new window.
    public var customerConsent: Bool
    public var nextStep: VisitNextStep?

    public init(
        _ kind: VisitEventKind, reason: String? = nil, customerConsent: Bool = false, nextStep: VisitNextStep? = nil
    ) {
        self.kind = kind
        self.reason = reason
        self.customerConsent = customerConsent
        self.nextStep = nextStep
    }
}

/// The moments a visit records.
public enum VisitMoment: String, Sendable {
    case departed, arrived, finished
}

/// What the store must do after a visit changes state.
public enum VisitEffect: Equatable, Sendable {
    /// The moment is recorded on the visit.
    case record(VisitMoment)
    /// the engineer and the place in their route are given up; the visit waits in the queue.
    case releaseEngineer
    /// the next visit is planned at once, under the same request.
    case planSecondVisit
}

/// the lifecycle of a visit as a state machine value.
public struct VisitLifecycle: Lifecycle {
    public private(set) var status: VisitStatus

    public init(status: VisitStatus = .planned) {
        self.status = status
    }

    /// The one transition table.
    public static let transitions: [VisitStatus: [VisitEventKind: VisitStatus]] = [
        .planned: [.assign: .planned, .schedule: .scheduled, .cancel: .cancelled],
        .scheduled: [
            .assign: .scheduled, .reschedule: .scheduled, .handBack: .planned, .depart: .enRoute,
            .arrive: .onSite, .cancel: .cancelled,
        ],
        .enRoute: [.arrive: .onSite, .handBack: .planned, .cancel: .cancelled],
        .onSite: [.complete: .completed, .reportIncomplete: .incomplete],
        .completed: [:],
        .incomplete: [:],
        .cancelled: [:],
    ]

    /// Applies an event or throws without changing anything.
    public mutating func apply(_ event: VisitEvent, at now: Date) throws -> [VisitEffect] {
        guard let to = target(of: event.kind) else {
            throw VisitLifecycleError.notAllowed(event: event.kind, from: status, allowed: allowedEvents)
        }
        if event.kind.requiresReason, event.reason.isBlank {
            throw VisitLifecycleError.reasonRequired(event: event.kind)
        }
        if event.kind == .reschedule, !event.customerConsent { throw VisitLifecycleError.consentRequired }
        if event.kind == .reportIncomplete, event.nextStep == nil { throw VisitLifecycleError.nextStepRequired }
        status = to
        switch event.kind {
        case .assign, .schedule, .reschedule: return []
        case .handBack: return [.releaseEngineer]
        case .depart: return [.record(.departed)]
        case .arrive: return [.record(.arrived)]
        case .complete, .cancel: return [.record(.finished)]
        case .reportIncomplete: return [.record(.finished)] + (event.nextStep == .secondVisit ? [.planSecondVisit] : [])
        }
    }
}

/// how the request follows its visits. Returns the request event to post, if any.
public enum RequestFollowsVisits {
    /// - Parameters:
    ///   - event: the visit event just applied.
    ///   - requestStatus: the request's status now.
    ///   - resolved: for `complete`, whether the fault is fixed.
    ///   - otherOpenVisits: the request's other visits still open.
    public static func requestEvent(
        after event: VisitEventKind, requestStatus: RequestStatus, resolved: Bool, otherOpenVisits: Int
    ) -> RequestEventKind? {
        switch event {
        case .arrive:
            // arriving on site starts the service (and meets the on-site target).
            return requestStatus == .triaged ? .startService : nil
        case .complete:
            guard resolved, otherOpenVisits == 0 else { return nil }
            if requestStatus == .triaged { return .startService }
            return requestStatus == .inService ? .resolve : nil
        default:
            return nil
        }
    }

    /// The request states in which visits may be added.
    public static let requestAcceptsVisits: Set<RequestStatus> = [
        .registered, .triaged, .inService, .waitingOnCustomer,
    ]
}

/// the default duration of a visit, from its purpose and the number of units.
public enum VisitEstimate {
    public static func minutes(purpose: VisitPurpose, units: Int) -> Int {
        let base: Int
        switch purpose {
        case .diagnosis, .inspection, .secondVisit: base = 60
        case .repair: base = 90
        case .installation, .training: base = 120
        }
        return base + max(0, units - 1) * 30
    }
}
