import Foundation

/// One shape for every lifecycle in Aftercare: the service request, the visit, the requisition, the purchase
/// order, the stocktake and the follow-up, and every area still to come (see CONTRIBUTING.md).
///
/// - `Status` is where the record stands and `Event.Kind` what can happen to it.
/// - `transitions` is the one table: for each status, the events allowed and where each leads. Nothing else
///   decides whether an event is allowed.
/// - `apply(_:at:)` takes one event: it moves the status and returns the effects, or throws without changing
///   anything. Effects name what must happen next (refresh the clocks, schedule a follow-up, release a
///   reservation); the store carries them out in the same transaction as the change of status.
public protocol Lifecycle: Equatable, Sendable {
    associatedtype Status: CodedEnum
    /// What happened, with what it carries (a note, a reason); the table is keyed by its `kind`.
    associatedtype Event: LifecycleEvent
    /// Where an allowed event leads: a status, or for the request also "back to where it was".
    associatedtype Target: Equatable & Sendable
    associatedtype Effect: Equatable & Sendable

    static var transitions: [Status: [Event.Kind: Target]] { get }
    var status: Status { get }

    /// Moves the status or throws without changing anything; returns what the store must do next.
    mutating func apply(_ event: Event, at now: Date) throws -> [Effect]
}

/// An event with the kind the transition table is keyed by. A plain kind is an event carrying nothing.
public protocol LifecycleEvent: Sendable {
    associatedtype Kind: CodedEnum
    var kind: Kind { get }
}

extension Lifecycle {
    /// The events allowed in `status`, in declaration order.
    public static func allowed(in status: Status) -> [Event.Kind] {
        let row = transitions[status] ?? [:]
        return Event.Kind.allCases.filter { row[$0] != nil }
    }

    /// The events allowed now, in declaration order.
    public var allowedEvents: [Event.Kind] { Self.allowed(in: status) }

    /// Where `kind` leads from the current status, or nil when the table does not allow it.
    public func target(of kind: Event.Kind) -> Target? {
        Self.transitions[status]?[kind]
    }
}

extension Optional where Wrapped == String {
    /// Whether a reason or note was given: blank text counts as none.
    public var isBlank: Bool {
        (self ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    }
}

/// An event the transition table does not allow in the current status. Lifecycles with errors of their own
/// (the request's, the visit's, the requisition's) throw those; the others throw this, and their store names
/// the record.
public struct EventNotAllowed<Status: CodedEnum, Kind: CodedEnum>: Error, Equatable, Sendable {
    public var event: Kind
    public var from: Status
    public var allowed: [Kind]

    public init(event: Kind, from: Status, allowed: [Kind]) {
        self.event = event
        self.from = from
        self.allowed = allowed
    }
}

extension Lifecycle {
    /// The status `kind` leads to, or the refusal naming what is allowed now.
    public func next(_ kind: Event.Kind) throws -> Target {
        guard let target = target(of: kind) else {
            throw EventNotAllowed(event: kind, from: status, allowed: allowedEvents)
        }
        return target
    }
}

extension Lifecycle {
    /// Applies `event`; a refusal by the table is thrown as the error `refusal` makes of the current status
    /// (the store's error naming the record).
    public mutating func apply(_ event: Event, at now: Date, refusedAs refusal: (Status) -> any Error) throws
        -> [Effect]
    {
        do {
            return try apply(event, at: now)
        } catch is EventNotAllowed<Status, Event.Kind> {
            throw refusal(status)
        }
    }
}
