import Foundation

/// where a quote for out-of-warranty work stands.
public enum QuoteStatus: String, CodedEnum {
    /// Priced from the job as planned; the agent may still change it.
    case draft
    /// Sent to the customer (portal and print); waiting for the answer.
    case sent
    /// The customer agreed: the work may start.
    case accepted
    /// The customer refused: the request ends in a documented outcome.
    case rejected
    /// Replaced by a new quote or given up by the service before an answer.
    case withdrawn
    /// Not answered in time.
    case expired

    /// Whether the answer is still to come.
    public var isOpen: Bool { self == .draft || self == .sent }
}

/// what can happen to a quote.
public enum QuoteEventKind: String, CodedEnum {
    case send
    /// The customer's yes, in the portal or recorded by an agent with the channel.
    case accept
    /// The customer's no, with the reason.
    case reject
    /// The service takes the quote back (a new price, the job changed); needs the reason.
    case withdraw
    /// The answer did not come before the quote's validity ended (the sweep).
    case expire

    /// Events that must say why.
    public var requiresReason: Bool { self == .reject || self == .withdraw }
}

/// A quote event without the reason it needs. (A refusal by the table is
/// `EventNotAllowed<QuoteStatus, QuoteEventKind>`.)
public enum QuoteError: Error, Equatable, Sendable {
    case reasonRequired(event: QuoteEventKind)
}

/// one event on a quote, with what it carries.
public struct QuoteEvent: LifecycleEvent, Equatable {
    public var kind: QuoteEventKind
    public var reason: String?
    /// How the customer answered (portal, phone, e-mail…), for `accept` and `reject`.
    public var channel: Channel?

    public init(_ kind: QuoteEventKind, reason: String? = nil, channel: Channel? = nil) {
        self.kind = kind
        self.reason = reason
        self.channel = channel
    }
}

/// What the store must do after a quote step.
public enum QuoteEffect: Equatable, Sendable {
    /// The quote's lines are frozen as sent: what the customer sees is what they answer.
    case freeze
    /// the work the quote gates may start.
    case releaseWork
    /// a refused quote ends the request with a documented outcome (the reason on its timeline).
    case documentOutcome
}

/// the lifecycle of a quote.
public struct QuoteLifecycle: Lifecycle {
    public private(set) var status: QuoteStatus

    public init(status: QuoteStatus = .draft) {
        self.status = status
    }

    /// The one transition table.
    public static let transitions: [QuoteStatus: [QuoteEventKind: QuoteStatus]] = [
        .draft: [.send: .sent, .withdraw: .withdrawn],
        .sent: [.accept: .accepted, .reject: .rejected, .withdraw: .withdrawn, .expire: .expired],
        .accepted: [:],
        .rejected: [:],
        .withdrawn: [:],
        .expired: [:],
    ]

    /// Applies an event or throws without changing anything.
    public mutating func apply(_ event: QuoteEvent, at now: Date) throws -> [QuoteEffect] {
        let to = try next(event.kind)
        if event.kind.requiresReason, event.reason.isBlank {
            throw QuoteError.reasonRequired(event: event.kind)
        }
        status = to
        switch event.kind {
        case .send: return [.freeze]
        case .accept: return [.releaseWork]
        case .reject: return [.documentOutcome]
        case .withdraw, .expire: return []
        }
    }
}

/// whether work must wait for an accepted quote: the job has something to charge (a line the customer
/// pays, or one whose charge waits for the warranty decision), and the request's type asks for quotes.
public enum QuoteGate {
    public static func required(charges: [Charge], typeNeedsQuote: Bool) -> Bool {
        typeNeedsQuote && charges.contains { $0 != .free }
    }

    /// Whether work may start: no quote is needed, or the latest one is accepted.
    public static func mayStart(required: Bool, latest: QuoteStatus?) -> Bool {
        !required || latest == .accepted
    }
}
