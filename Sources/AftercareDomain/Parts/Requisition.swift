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
}

/// The one table of requisition steps.
public enum RequisitionLifecycle {
    public static let transitions: [RequisitionStatus: [RequisitionEventKind: RequisitionStatus]] = [
        .requested: [.approve: .approved, .reject: .rejected, .cancel: .cancelled],
        .approved: [.issue: .issued, .cancel: .cancelled],
        .issued: [
            .consume: .issued, .returnUnused: .issued, .returnFaulty: .issued, .writeOff: .issued, .close: .closed,
        ],
        .rejected: [:], .closed: [:], .cancelled: [:],
    ]

    public static func next(_ status: RequisitionStatus, _ event: RequisitionEventKind) throws -> RequisitionStatus {
        guard let to = transitions[status]?[event] else {
            throw RequisitionEventNotAllowed(event: event, status: status)
        }
        return to
    }

    public static func allowed(_ status: RequisitionStatus) -> [RequisitionEventKind] {
        RequisitionEventKind.allCases.filter { transitions[status]?[$0] != nil }
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
