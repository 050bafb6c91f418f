import AftercareDomain
import Foundation

/// what is asked when a return case is opened: from a request (its customer and units), or on its own (a
/// return request is registered with it).
public struct ReturnCaseInput: Codable, Sendable, Equatable {
    /// The request the case belongs to; without one, a return request is registered for `customerId`.
    public var requestId: Int?
    public var customerId: Int?
    /// The units sent back: the request's own (all of them when not given), or the customer's.
    public var unitIds: [Int]?
    public var reason: String
    public var wish: ReturnWish
    public var shipping: ReturnShipping
    /// Where the unit leaves from (an address), when not the unit's site.
    public var shipFrom: String?
    public var carrier: String?
    public var trackingNumber: String?
    public var contactName: String?
    public var contactPhone: String?
    /// How the application came in, for a case without a request (a customer's own is `portal`).
    public var channel: Channel?

    public init(
        requestId: Int? = nil, customerId: Int? = nil, unitIds: [Int]? = nil, reason: String, wish: ReturnWish,
        shipping: ReturnShipping, shipFrom: String? = nil, carrier: String? = nil, trackingNumber: String? = nil,
        contactName: String? = nil, contactPhone: String? = nil, channel: Channel? = nil
    ) {
        self.requestId = requestId
        self.customerId = customerId
        self.unitIds = unitIds
        self.reason = reason
        self.wish = wish
        self.shipping = shipping
        self.shipFrom = shipFrom
        self.carrier = carrier
        self.trackingNumber = trackingNumber
        self.contactName = contactName
        self.contactPhone = contactPhone
        self.channel = channel
    }
}

/// one unit's receiving inspection as typed.
public struct UnitInspectionInput: Codable, Sendable, Equatable {
    public var unitId: Int
    /// Each checklist item (`InspectionItem`) answered yes or no.
    public var checklist: [String: Bool]
    public var findings: String?
    public var responsibility: Responsibility
    /// Whether the unit can be repaired to work again.
    public var usable: Bool

    public init(
        unitId: Int, checklist: [InspectionItem: Bool], findings: String? = nil, responsibility: Responsibility,
        usable: Bool
    ) {
        self.unitId = unitId
        self.checklist = Dictionary(uniqueKeysWithValues: checklist.map { ($0.key.rawValue, $0.value) })
        self.findings = findings
        self.responsibility = responsibility
        self.usable = usable
    }
}

/// the serial of the unit that replaces an exchanged one.
public struct ReplacementInput: Codable, Sendable, Equatable {
    public var unitId: Int
    public var serialNumber: String

    public init(unitId: Int, serialNumber: String) {
        self.unitId = unitId
        self.serialNumber = serialNumber
    }
}

/// One step on a return case, with what that step carries (the other fields must be absent).
public struct ReturnStepInput: Codable, Sendable, Equatable {
    public var event: ReturnEventKind
    /// Why (reject, cancel, send back, fail QA) or a note (any step).
    public var note: String?
    public var expectedVersion: Int?
    /// `ship` and `shipBack`: how the unit travels.
    public var carrier: String?
    public var trackingNumber: String?
    /// `receive`: the serials on the units that arrived.
    public var serials: [String]?
    /// `inspect`: each received unit's inspection.
    public var inspections: [UnitInspectionInput]?
    /// `decide`: the way out and the costs of the options.
    public var resolution: ReturnResolution?
    public var costs: ReturnCosts?
    /// `shipBack` of an exchange: the new units' serials.
    public var replacements: [ReplacementInput]?

    public init(
        _ event: ReturnEventKind, note: String? = nil, expectedVersion: Int? = nil, carrier: String? = nil,
        trackingNumber: String? = nil, serials: [String]? = nil, inspections: [UnitInspectionInput]? = nil,
        resolution: ReturnResolution? = nil, costs: ReturnCosts? = nil, replacements: [ReplacementInput]? = nil
    ) {
        self.event = event
        self.note = note
        self.expectedVersion = expectedVersion
        self.carrier = carrier
        self.trackingNumber = trackingNumber
        self.serials = serials
        self.inspections = inspections
        self.resolution = resolution
        self.costs = costs
        self.replacements = replacements
    }
}

/// One unit on a return case.
public struct ReturnCaseUnitView: Codable, Sendable, Equatable {
    public var unitId: Int
    public var serialNumber: String
    public var modelId: Int
    public var modelCode: String
    public var modelName: String
    public var receivedSerial: String?
    /// the receiving inspection (internal: not shown to the customer).
    public var checklist: InspectionAnswers?
    public var findings: String?
    public var responsibility: Responsibility?
    public var usable: Bool?
    public var inspectedBy: String?
    public var inspectedAt: Date?
    /// For an exchange: the unit that replaced this one.
    public var successorUnitId: Int?
    public var successorSerial: String?
}

/// a return case.
public struct ReturnCaseView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var number: String
    public var requestId: Int
    public var requestNumber: String
    public var orgUnitId: Int
    public var depotUnitId: Int
    public var depotUnitName: String
    public var customerId: Int
    public var customerName: String
    public var status: ReturnStatus
    public var allowedEvents: [ReturnEventKind]
    public var wish: ReturnWish
    public var reason: String
    public var contactName: String?
    public var contactPhone: String?
    public var shipping: ReturnShipping
    public var shipFrom: String?
    public var carrier: String?
    public var trackingNumber: String?
    public var resolution: ReturnResolution?
    /// what the depot's rule proposed, and the costs the decision was taken on (internal).
    public var proposal: ReturnResolution?
    public var currency: Currency
    public var costs: ReturnCosts?
    public var decisionNote: String?
    /// Why the decision needed a service manager's approval (nil: within the decider's limit).
    public var approvalReason: ReturnDecisionRule.ApprovalReason?
    public var decidedBy: String?
    public var approvedBy: String?
    /// the credit note of a refund.
    public var creditDocumentId: Int?
    public var creditDocumentNumber: String?
    public var returnCarrier: String?
    public var returnTrackingNumber: String?
    public var receivedAt: Date?
    public var shippedBackAt: Date?
    public var deliveredAt: Date?
    /// Why the case was rejected or cancelled.
    public var closedReason: String?
    public var units: [ReturnCaseUnitView]
    public var createdBy: String
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    /// What the customer sees of their case: no inspection notes, costs or internal decision.
    public func forCustomer() -> ReturnCaseView {
        var copy = self
        copy.proposal = nil
        copy.costs = nil
        copy.decisionNote = nil
        copy.approvalReason = nil
        copy.decidedBy = nil
        copy.approvedBy = nil
        copy.units = units.map { unit in
            var unit = unit
            unit.checklist = nil
            unit.findings = nil
            unit.inspectedBy = nil
            return unit
        }
        return copy
    }
}

/// One step on a return case's own timeline.
public struct ReturnCaseEventView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var at: Date
    public var actor: String
    /// A `ReturnEventKind`, or `open` for the application.
    public var event: String
    public var from: ReturnStatus?
    public var to: ReturnStatus
    public var note: String?
}

/// the organisation's return rules.
public struct ReturnRules: Codable, Sendable, Equatable {
    /// The organisation unit whose depot receives returned units.
    public var depotUnitId: Int?
    /// a decision that costs more than this needs a service manager's approval.
    public var approvalLimitMinor: Int
    public var currency: Currency
    /// the warranty an exchanged unit gets.
    public var exchangeWarranty: ExchangeWarranty

    public init(depotUnitId: Int?, approvalLimitMinor: Int, currency: Currency, exchangeWarranty: ExchangeWarranty) {
        self.depotUnitId = depotUnitId
        self.approvalLimitMinor = approvalLimitMinor
        self.currency = currency
        self.exchangeWarranty = exchangeWarranty
    }

    /// Until set: no depot chosen (the case's own organisation unit receives), approvals above 5,000.00, an exchanged
    /// unit keeps the rest of the old warranty and at least 3 months.
    public static let defaults = ReturnRules(
        depotUnitId: nil, approvalLimitMinor: 500_000, currency: .cny,
        exchangeWarranty: ExchangeWarranty(basis: .remainder, months: 3))
}

/// The return cases a list shows.
public struct ReturnCaseFilter: Sendable, Equatable {
    public var statuses: [ReturnStatus] = []
    public var depotUnitId: Int?
    public var customerId: Int?
    public var requestId: Int?

    public init(
        statuses: [ReturnStatus] = [], depotUnitId: Int? = nil, customerId: Int? = nil, requestId: Int? = nil
    ) {
        self.statuses = statuses
        self.depotUnitId = depotUnitId
        self.customerId = customerId
        self.requestId = requestId
    }
}

/// A return case step its status does not allow.
public struct ReturnStepNotAllowed: Error, Equatable, Sendable {
    public var id: Int
    public var status: ReturnStatus
    public var event: ReturnEventKind
    public var allowed: [ReturnEventKind]

    public init(id: Int, status: ReturnStatus, event: ReturnEventKind, allowed: [ReturnEventKind]) {
        self.id = id
        self.status = status
        self.event = event
        self.allowed = allowed
    }
}

/// a received serial that is not one of the case's units.
public struct ReturnSerialMismatch: Error, Equatable, Sendable {
    public var received: String
    public var expected: [String]

    public init(received: String, expected: [String]) {
        self.received = received
        self.expected = expected
    }
}
