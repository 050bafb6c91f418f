import Foundation

/// where a return case stands, from the customer's application to the unit's delivery back.
public enum ReturnStatus: String, CodedEnum {
    /// The customer (or an agent for them) asked to send the unit back.
    case applied
    /// The service agreed: the unit may be sent (or is picked up by our engineer).
    case authorised
    /// On its way to the depot, with the carrier and tracking number.
    case inTransit
    /// At the depot: the turnaround clock runs.
    case received
    /// Checked on arrival, the responsibility determined.
    case inspected
    /// A way out is chosen and waits for a service manager's approval (its value is above the limit).
    case decided
    /// The decision stands; an exchange or a rejected unit waits to be shipped.
    case approved
    /// The depot repairs the unit (repair and return, or spare replacement + depot repair).
    case inRepair
    /// Repaired, waiting for the quality inspection before shipment.
    case repaired
    /// The quality inspection passed: the unit may go back.
    case qaPassed
    /// On its way back to the customer (the repaired, exchanged or rejected unit).
    case shippedBack
    /// The customer has it.
    case delivered
    case closed
    /// The application was refused, with the reason.
    case rejected
    /// Given up before the unit reached the depot, with the reason.
    case cancelled

    /// Whether the case still has work to do.
    public var isOpen: Bool { ![.closed, .rejected, .cancelled].contains(self) }

    /// Whether the unit is at the depot.
    public var atDepot: Bool {
        [.received, .inspected, .decided, .approved, .inRepair, .repaired, .qaPassed].contains(self)
    }
}

/// what can happen to a return case.
public enum ReturnEventKind: String, CodedEnum {
    case authorise
    /// The customer (or our engineer) sent the unit: carrier and tracking number.
    case ship
    /// The unit arrived at the depot; its serial is checked against the case.
    case receive
    /// the receiving inspection and the responsibility.
    case inspect
    /// the way out, with the costs of the options beside it.
    case decide
    /// a service manager approves a decision above the limit (or the decider's own within it).
    case approve
    /// The approver sends the decision back to be taken again, with the reason.
    case sendBack
    case finishRepair
    /// The quality inspection before shipment passed…
    case passQA
    /// …or failed: back to repair, with the reason.
    case failQA
    /// The unit (or its replacement) goes back: carrier and tracking number.
    case shipBack
    case deliver
    case close
    /// The application is refused (out of scope, not ours), with the reason.
    case reject
    /// Given up before the unit reached the depot, with the reason.
    case cancel

    /// Events that must say why.
    public var requiresReason: Bool { [.reject, .cancel, .sendBack, .failQA].contains(self) }
}

/// R-8.3: the ways out of a return case. Repair comes first where the unit is usable: "returns and exchanges carry
/// a considerable cost" (`004`).
public enum ReturnResolution: String, CodedEnum {
    /// Repaired at the depot and sent back.
    case repair
    /// 备件替代返修: a spare goes to the customer now, the faulty unit is repaired at the depot and comes back.
    case spareAndRepair
    /// The unit is unusable: a new one replaces it in the installed base.
    case exchange
    /// The money back, through a credit note; the unit stays with us.
    case refund
    /// Not covered (man-made damage, out of scope) or no fault found: the unit goes back as it came.
    case reject

    /// Whether the depot repairs the unit.
    public var repairs: Bool { self == .repair || self == .spareAndRepair }

    /// Whether the customer gets a unit back (and a follow-up call about it).
    public var returnsUnit: Bool { self != .refund }
}

/// What a return case event carries.
public struct ReturnEvent: LifecycleEvent, Equatable {
    public var kind: ReturnEventKind
    public var reason: String?
    /// The way out, for `decide`.
    public var resolution: ReturnResolution?

    public init(_ kind: ReturnEventKind, reason: String? = nil, resolution: ReturnResolution? = nil) {
        self.kind = kind
        self.reason = reason
        self.resolution = resolution
    }
}

/// A return case event the lifecycle refuses for what it carries. (A refusal by the table is
/// `EventNotAllowed<ReturnStatus, ReturnEventKind>`.)
public enum ReturnCaseError: Error, Equatable, Sendable {
    case reasonRequired(event: ReturnEventKind)
    /// `decide` without the way out.
    case resolutionRequired
}

/// What the store must do after a return case step.
public enum ReturnEffect: Equatable, Sendable {
    /// the unit is at the depot: the request's depot clock starts (`depotReceived` on its timeline).
    case startDepotClock
    /// the unit left the depot: the clock stops (`depotShipped`).
    case stopDepotClock
    /// the new unit replaces the old one in the installed base.
    case exchangeUnit
    /// the money goes back through a credit note; the returned unit leaves the customer's installed base.
    case refund
    /// the follow-up call 3–4 days after the depot returns a unit (`004`).
    case scheduleFollowUp
}

/// Where a return case event leads: a status, or for `approve` the status the decision leads to.
public enum ReturnTarget: Equatable, Sendable {
    case to(ReturnStatus)
    /// Repair → in repair; exchange or reject → approved (waiting to ship); refund → closed.
    case byResolution
}

/// the lifecycle of a return case.
public struct ReturnCaseLifecycle: Lifecycle {
    public private(set) var status: ReturnStatus
    /// The way out, once decided.
    public private(set) var resolution: ReturnResolution?

    public init(status: ReturnStatus = .applied, resolution: ReturnResolution? = nil) {
        self.status = status
        self.resolution = resolution
    }

    /// The one transition table.
    public static let transitions: [ReturnStatus: [ReturnEventKind: ReturnTarget]] = [
        .applied: [.authorise: .to(.authorised), .reject: .to(.rejected), .cancel: .to(.cancelled)],
        .authorised: [
            .ship: .to(.inTransit), .receive: .to(.received), .reject: .to(.rejected), .cancel: .to(.cancelled),
        ],
        .inTransit: [.receive: .to(.received), .cancel: .to(.cancelled)],
        .received: [.inspect: .to(.inspected)],
        .inspected: [.inspect: .to(.inspected), .decide: .to(.decided)],
        .decided: [.approve: .byResolution, .sendBack: .to(.inspected)],
        .approved: [.shipBack: .to(.shippedBack)],
        .inRepair: [.finishRepair: .to(.repaired)],
        .repaired: [.passQA: .to(.qaPassed), .failQA: .to(.inRepair)],
        .qaPassed: [.shipBack: .to(.shippedBack)],
        .shippedBack: [.deliver: .to(.delivered)],
        .delivered: [.close: .to(.closed)],
        .closed: [:],
        .rejected: [:],
        .cancelled: [:],
    ]

    /// The status an approved decision leads to.
    public static func approved(_ resolution: ReturnResolution) -> ReturnStatus {
        switch resolution {
        case .repair, .spareAndRepair: .inRepair
        case .exchange, .reject: .approved
        case .refund: .closed
        }
    }

    /// Applies an event or throws without changing anything.
    public mutating func apply(_ event: ReturnEvent, at now: Date) throws -> [ReturnEffect] {
        let target = try next(event.kind)
        if event.kind.requiresReason, event.reason.isBlank {
            throw ReturnCaseError.reasonRequired(event: event.kind)
        }
        if event.kind == .decide, event.resolution == nil { throw ReturnCaseError.resolutionRequired }
        if event.kind == .decide { resolution = event.resolution }
        switch target {
        case .to(let to): status = to
        case .byResolution:
            guard let resolution else { throw ReturnCaseError.resolutionRequired }
            status = Self.approved(resolution)
        }
        switch event.kind {
        case .receive: return [.startDepotClock]
        case .approve: return resolution == .refund ? [.refund] : []
        case .shipBack:
            var effects: [ReturnEffect] = [.stopDepotClock]
            if resolution == .exchange { effects.append(.exchangeUnit) }
            if resolution != .reject { effects.append(.scheduleFollowUp) }
            return effects
        case .sendBack:
            resolution = nil
            return []
        default: return []
        }
    }
}
