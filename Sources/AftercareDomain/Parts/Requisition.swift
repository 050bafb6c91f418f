import Foundation

/// a requisition (配件领用单) from request to close.
public enum RequisitionStatus: String, CodedEnum {
    case requested, approved, rejected, issued, closed, cancelled

    public var isOpen: Bool { self == .requested || self == .approved || self == .issued }
}

/// the steps on a requisition's own timeline.
public enum RequisitionEventKind: String, CodedEnum {
    case request, approve, reject, issue, consume, returnUnused, returnFaulty, writeOff, close, cancel

    /// The steps the engineer holding the parts takes; the others are the warehouse's.
    public var byEngineer: Bool {
        switch self {
        case .request, .consume, .returnUnused, .returnFaulty, .cancel: true
        case .approve, .reject, .issue, .writeOff, .close: false
        }
    }
}

/// A step that the requisition's state does not allow.
public struct RequisitionEventNotAllowed: Error, Equatable, Sendable {
    public var event: RequisitionEventKind
    public var status: RequisitionStatus

    public init(event: RequisitionEventKind, status: RequisitionStatus) {
        self.event = event
        self.status = status
    }
}

/// one step on a requisition, with its reason.
public struct RequisitionEvent: LifecycleEvent, Equatable {
    public var kind: RequisitionEventKind
    public var reason: String?

    public init(_ kind: RequisitionEventKind, reason: String? = nil) {
        self.kind = kind
        self.reason = reason
    }
}

/// What the store must do after a requisition step.
public enum RequisitionEffect: Equatable, Sendable {
    /// Approval reserves the requested parts in the warehouse.
    case reserve
    /// A cancelled approval gives the reservation back.
    case releaseReservation
    /// The reserved parts move into the engineer's van.
    case issueToVan
    /// One part of the issue is accounted for: fitted, returned, handed in faulty or written off.
    case account
    /// Closing needs every issued part accounted for.
    case requireSettled
}

/// The one table of requisition steps.
public struct RequisitionLifecycle: Lifecycle {
    public private(set) var status: RequisitionStatus

    public init(status: RequisitionStatus = .requested) {
        self.status = status
    }

    public static let transitions: [RequisitionStatus: [RequisitionEventKind: RequisitionStatus]] = [
        .requested: [.approve: .approved, .reject: .rejected, .cancel: .cancelled],
        .approved: [.issue: .issued, .cancel: .cancelled],
        .issued: [
            .consume: .issued, .returnUnused: .issued, .returnFaulty: .issued, .writeOff: .issued, .close: .closed,
        ],
        .rejected: [:], .closed: [:], .cancelled: [:],
    ]

    /// Applies a step or throws without changing anything. A rejection and a write-off say why.
    public mutating func apply(_ event: RequisitionEvent, at now: Date) throws -> [RequisitionEffect] {
        guard let to = target(of: event.kind) else {
            throw RequisitionEventNotAllowed(event: event.kind, status: status)
        }
        if event.kind == .reject || event.kind == .writeOff, event.reason.isBlank {
            throw ValidationError(["reason": .required])
        }
        let from = status
        status = to
        switch event.kind {
        case .request, .reject: return []
        case .approve: return [.reserve]
        case .cancel: return from == .approved ? [.releaseReservation] : []
        case .issue: return [.issueToVan]
        case .consume, .returnUnused, .returnFaulty, .writeOff: return [.account]
        case .close: return [.requireSettled]
        }
    }
}

/// What has become of the quantity issued on one requisition line, in thousandths.
public struct RequisitionLineAccount: Sendable, Equatable, Codable {
    public var requested: Int
    public var issued: Int
    public var consumed: Int
    public var returned: Int
    public var writtenOff: Int

    public init(requested: Int, issued: Int = 0, consumed: Int = 0, returned: Int = 0, writtenOff: Int = 0) {
        self.requested = requested
        self.issued = issued
        self.consumed = consumed
        self.returned = returned
        self.writtenOff = writtenOff
    }

    /// Still with the engineer: issued and not yet consumed, returned or written off.
    public var outstanding: Int { issued - consumed - returned - writtenOff }

    /// 核销: a requisition closes when every line is accounted for.
    public var settled: Bool { outstanding == 0 }
}

/// one counted line of a stocktake. The book figure is read when the count is entered, so that movements
/// during the count do not make a variance: the adjustment is what was counted minus what the book said then.
public struct StocktakeLine: Sendable, Equatable, Codable {
    public var book: Int
    public var counted: Int

    public init(book: Int, counted: Int) {
        self.book = book
        self.counted = counted
    }

    public var variance: Int { counted - book }
}
