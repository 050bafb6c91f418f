import Foundation

/// where a purchase order stands.
public enum PurchaseOrderStatus: String, CodedEnum {
    case open, partiallyReceived, received, closed
}

/// what can happen to a purchase order.
public enum PurchaseOrderEventKind: String, CodedEnum, LifecycleEvent {
    /// A delivery arrives: its goods wait in incoming inspection.
    case receive
    /// The last delivery left nothing outstanding.
    case receiveInFull
    /// A delivery is inspected: passed goods become stock, failed goods go to quarantine.
    case inspect
    /// Nothing more is expected (what was not delivered is cancelled).
    case close

    public var kind: Self { self }
}

/// A purchase order's steps start nothing beyond their own use case (the receipt, the inspection), so there
/// are no effects.
public enum PurchaseOrderEffect: Equatable, Sendable {}

/// the lifecycle of a purchase order. Deliveries inspected after the close are still inspected.
public struct PurchaseOrderLifecycle: Lifecycle {
    public private(set) var status: PurchaseOrderStatus

    public init(status: PurchaseOrderStatus = .open) {
        self.status = status
    }

    public static let transitions: [PurchaseOrderStatus: [PurchaseOrderEventKind: PurchaseOrderStatus]] = [
        .open: [.receive: .partiallyReceived, .close: .closed],
        .partiallyReceived: [
            .receive: .partiallyReceived, .receiveInFull: .received, .inspect: .partiallyReceived, .close: .closed,
        ],
        .received: [.inspect: .received, .close: .closed],
        .closed: [.inspect: .closed],
    ]

    public mutating func apply(_ event: PurchaseOrderEventKind, at now: Date) throws -> [PurchaseOrderEffect] {
        status = try next(event)
        return []
    }
}
