import Foundation

/// where a stocktake stands.
public enum StocktakeStatus: String, CodedEnum {
    case counting, approved, cancelled
}

/// what can happen to a stocktake.
public enum StocktakeEventKind: String, CodedEnum, LifecycleEvent {
    /// A count typed in or scanned.
    case count
    /// The variance is accepted and posted.
    case approve
    case cancel

    public var kind: Self { self }
}

/// What the store must do after a stocktake step.
public enum StocktakeEffect: Equatable, Sendable {
    /// Each line's variance is posted to the ledger as an adjustment.
    case postAdjustments
}

/// the lifecycle of a stocktake: counts while counting, then one decision.
public struct StocktakeLifecycle: Lifecycle {
    public private(set) var status: StocktakeStatus

    public init(status: StocktakeStatus = .counting) {
        self.status = status
    }

    public static let transitions: [StocktakeStatus: [StocktakeEventKind: StocktakeStatus]] = [
        .counting: [.count: .counting, .approve: .approved, .cancel: .cancelled],
        .approved: [:],
        .cancelled: [:],
    ]

    public mutating func apply(_ event: StocktakeEventKind, at now: Date) throws -> [StocktakeEffect] {
        status = try next(event)
        return event == .approve ? [.postAdjustments] : []
    }
}
