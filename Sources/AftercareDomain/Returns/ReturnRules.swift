import Foundation

/// what the customer asks for when they send a unit back.
public enum ReturnWish: String, CodedEnum {
    case repair, exchange, refund
}

/// how the unit travels to the depot.
public enum ReturnShipping: String, CodedEnum {
    /// The customer sends it with a carrier (carrier and tracking number).
    case customerSends
    /// Our engineer picks it up on site.
    case engineerPickup
    /// The customer brings it to the depot.
    case dropOff
}

/// who is responsible for the fault, as the technical support and the quality inspector determine it
/// (`004` 3.2, 4.2).
public enum Responsibility: String, CodedEnum {
    case manufacturingDefect, design, transport, installation, customerMisuse, manMadeDamage, forceMajeure
    case noFaultFound

    /// Whether the fault is ours (the product, its transport or our installation): free under warranty.
    public var isOurs: Bool { [.manufacturingDefect, .design, .transport, .installation].contains(self) }

    /// the fault cause the pricing rule reads (nil: nothing to repair).
    public var faultCause: FaultCause? {
        switch self {
        case .manufacturingDefect, .design, .transport: .qualityDefect
        case .installation: .installation
        case .customerMisuse: .misuse
        case .manMadeDamage: .manMadeDamage
        case .forceMajeure: .forceMajeure
        case .noFaultFound: nil
        }
    }
}

/// the receiving inspection's checklist. Each item is answered yes or no; `expected` is the answer of a unit
/// that arrived as it should.
public enum InspectionItem: String, CodedEnum {
    case packagingIntact, sealsIntact, accessoriesPresent, documentsPresent, openedByCustomer, physicalDamage
    case serialMatches

    /// The answer of a unit that arrived as it should.
    public var expected: Bool { self != .openedByCustomer && self != .physicalDamage }
}

/// one unit's receiving inspection.
public struct InspectionAnswers: Equatable, Sendable, Codable {
    public var answers: [String: Bool]

    public init(_ answers: [InspectionItem: Bool]) {
        self.answers = Dictionary(uniqueKeysWithValues: answers.map { ($0.key.rawValue, $0.value) })
    }

    /// The answers as stored or typed, keyed by the item's name.
    public init(answers: [String: Bool]) {
        self.answers = answers
    }

    public func answer(_ item: InspectionItem) -> Bool? { answers[item.rawValue] }

    /// The items of `checklist` not answered.
    public func missing(in checklist: [InspectionItem]) -> [InspectionItem] {
        checklist.filter { answers[$0.rawValue] == nil }
    }

    /// The items answered otherwise than a unit that arrived as it should: the findings a return form lists.
    public var deviations: [InspectionItem] {
        InspectionItem.allCases.filter { item in answers[item.rawValue].map { $0 != item.expected } ?? false }
    }
}

/// a return case's number, gap-free per year: `RMA-2026-000123`.
public struct ReturnCaseNumber: Hashable, Sendable, CustomStringConvertible {
    public let year: Int
    public let sequence: Int

    public init(year: Int, sequence: Int) {
        self.year = year
        self.sequence = sequence
    }

    /// Parses `RMA-YYYY-NNNNNN` (six digits or more).
    public init?(_ text: String) {
        guard let (year, sequence) = YearlyNumber.parse(text, prefix: "RMA") else { return nil }
        self.init(year: year, sequence: sequence)
    }

    /// The name of the counter this number is drawn from.
    public static func sequenceName(year: Int) -> String { "RMA-\(year)" }

    public var description: String { YearlyNumber.format(prefix: "RMA", year: year, sequence: sequence) }
}

/// what each way out would cost the service, side by side (minor units of one currency). A figure not
/// estimated is nil.
public struct ReturnCosts: Equatable, Sendable, Codable {
    /// Parts and labour from the depot's estimate.
    public var repairMinor: Int?
    /// A new unit of the model.
    public var newUnitMinor: Int?
    /// The money the customer would get back.
    public var refundMinor: Int?

    public init(repairMinor: Int? = nil, newUnitMinor: Int? = nil, refundMinor: Int? = nil) {
        self.repairMinor = repairMinor
        self.newUnitMinor = newUnitMinor
        self.refundMinor = refundMinor
    }

    /// What `resolution` costs; a reject costs nothing.
    public func cost(of resolution: ReturnResolution) -> Int? {
        switch resolution {
        case .repair, .spareAndRepair: repairMinor
        case .exchange: newUnitMinor
        case .refund: refundMinor
        case .reject: 0
        }
    }
}

/// the way out the depot proposes, and whether a decision needs a service manager's approval.
public enum ReturnDecisionRule {
    /// The proposal: a fault that is not ours (or no fault) goes back as it came; a usable unit is repaired unless the
    /// repair costs as much as a new unit; an unusable one is exchanged, or refunded when the customer asked for
    /// their money back.
    public static func proposal(
        responsibility: Responsibility, usable: Bool, wish: ReturnWish, costs: ReturnCosts
    ) -> ReturnResolution {
        if !responsibility.isOurs { return .reject }
        if usable {
            if let repair = costs.repairMinor, let new = costs.newUnitMinor, repair >= new { return .exchange }
            return .repair
        }
        return wish == .refund ? .refund : .exchange
    }

    /// The proposal for a case of several units: the fault counts as ours when it is ours on any unit, and the units
    /// count as usable when every one is.
    public static func proposal(
        units: [(responsibility: Responsibility, usable: Bool)], wish: ReturnWish, costs: ReturnCosts
    ) -> ReturnResolution {
        let responsibility =
            units.first(where: { $0.responsibility.isOurs })?.responsibility ?? units.first?.responsibility
            ?? .noFaultFound
        return proposal(
            responsibility: responsibility, usable: units.allSatisfy(\.usable), wish: wish, costs: costs)
    }

    /// Why a decision needs approval, or nil when the decider may take it: its cost is above the limit, its cost is
    /// not known (for an exchange or a refund), or it is dearer than the proposal.
    public static func approvalReason(
        _ resolution: ReturnResolution, proposal: ReturnResolution, costs: ReturnCosts, limitMinor: Int
    ) -> ApprovalReason? {
        let cost = costs.cost(of: resolution)
        if cost == nil, resolution == .exchange || resolution == .refund { return .costUnknown }
        if let cost, cost > limitMinor { return .aboveLimit }
        if resolution != proposal, let cost, let proposed = costs.cost(of: proposal), cost > proposed {
            return .dearerThanProposal
        }
        return nil
    }

    public enum ApprovalReason: String, CodedEnum {
        case aboveLimit, costUnknown, dearerThanProposal
    }
}

/// the warranty an exchanged unit gets.
public struct ExchangeWarranty: Equatable, Sendable, Codable {
    public enum Basis: String, CodedEnum {
        /// What was left of the old unit's warranty, and at least `months`.
        case remainder
        /// A new term of `months` from the exchange.
        case newTerm
    }

    public var basis: Basis
    public var months: Int

    public init(basis: Basis, months: Int) {
        self.basis = basis
        self.months = months
    }

    /// The last day of the new unit's warranty, given the old unit's last day (nil: it had none left to speak of).
    public func end(oldEnd: CalendarDate?, exchangedOn day: CalendarDate) -> CalendarDate {
        let term = day.adding(months: months).adding(days: -1)
        switch basis {
        case .newTerm: return term
        case .remainder:
            guard let oldEnd else { return months > 0 ? term : day }
            return months > 0 ? max(oldEnd, term) : max(oldEnd, day)
        }
    }
}

extension Action {
    /// the action a return case step needs.
    public static func `for`(returnEvent event: ReturnEventKind) -> Action {
        switch event {
        case .authorise, .ship, .reject, .cancel: .openReturns
        case .receive, .finishRepair, .shipBack, .deliver, .close: .workDepot
        case .inspect, .decide: .inspectReturns
        case .approve, .sendBack: .approveReturns
        case .passQA, .failQA: .checkQuality
        }
    }
}
