import Foundation

/// a customer's suggestion, numbered `SUG-YYYY-NNNNNN`.
public struct SuggestionNumber: Hashable, Sendable, CustomStringConvertible {
    public let year: Int
    public let sequence: Int

    public init(year: Int, sequence: Int) {
        self.year = year
        self.sequence = sequence
    }

    public init?(_ text: String) {
        guard let (year, sequence) = YearlyNumber.parse(text, prefix: "SUG") else { return nil }
        self.init(year: year, sequence: sequence)
    }

    public static func sequenceName(year: Int) -> String { "SUG-\(year)" }

    public var description: String { YearlyNumber.format(prefix: "SUG", year: year, sequence: sequence) }
}

/// where a suggestion stands: acknowledged within a deadline, evaluated, adopted or declined with the reason.
public enum SuggestionStatus: String, CodedEnum {
    case received, acknowledged, evaluating, adopted, declined

    public var isOpen: Bool { self != .adopted && self != .declined }
}

/// what can happen to a suggestion.
public enum SuggestionEventKind: String, CodedEnum {
    /// The customer is thanked and told it will be evaluated.
    case acknowledge
    case evaluate
    /// Adopted, with what will be done.
    case adopt
    /// Declined, with the reason.
    case decline

    public var requiresNote: Bool { self == .adopt || self == .decline }
}

public struct SuggestionEvent: LifecycleEvent, Equatable {
    public var kind: SuggestionEventKind
    public var note: String?

    public init(_ kind: SuggestionEventKind, note: String? = nil) {
        self.kind = kind
        self.note = note
    }
}

/// What the store must do after a suggestion step.
public enum SuggestionEffect: Equatable, Sendable {
    /// The acknowledgement deadline is met (or missed) now.
    case acknowledged
}

/// A suggestion step without the note it needs.
public struct SuggestionNoteRequired: Error, Equatable, Sendable {
    public var event: SuggestionEventKind
}

/// the lifecycle of a suggestion.
public struct SuggestionLifecycle: Lifecycle {
    public private(set) var status: SuggestionStatus

    public init(status: SuggestionStatus = .received) {
        self.status = status
    }

    public static let transitions: [SuggestionStatus: [SuggestionEventKind: SuggestionStatus]] = [
        .received: [.acknowledge: .acknowledged, .decline: .declined],
        .acknowledged: [.evaluate: .evaluating, .adopt: .adopted, .decline: .declined],
        .evaluating: [.adopt: .adopted, .decline: .declined],
        .adopted: [:],
        .declined: [:],
    ]

    public mutating func apply(_ event: SuggestionEvent, at now: Date) throws -> [SuggestionEffect] {
        let target = try next(event.kind)
        if event.kind.requiresNote, event.note.isBlank { throw SuggestionNoteRequired(event: event.kind) }
        let from = status
        status = target
        return from == .received ? [.acknowledged] : []
    }
}

/// what a suggestion is rewarded with.
public enum RewardKind: String, CodedEnum {
    case points, gift, amount
}

/// a reward is proposed, then approved (or refused) by a service manager.
public enum RewardStatus: String, CodedEnum {
    case proposed, approved, refused
}

/// how long the service has to acknowledge a suggestion: two working days.
public enum SuggestionDeadline {
    public static let acknowledgementMinutes = 2 * 8 * 60
}
