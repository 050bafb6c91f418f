import Foundation

/// the commitments a request's clock can measure.
public enum SLATarget: String, CodedEnum {
    /// From registration to the first step anyone takes on it (8 h response, answer within 24 h).
    case firstResponse
    /// From registration to the engineer on site (on site within 24 h).
    case onSite
    /// From registration to resolution, resuming when reopened (software solved within 24 h).
    case resolution
    /// From the unit's arrival at the depot to its shipment back (5 working days, R-8.5).
    case depotTurnaround
}

/// Whether a target counts the calendar's working time or every hour of the clock.
public enum TimeBasis: String, CodedEnum {
    case business, calendar
}

/// Who hears of a warning or an escalation: users holding `role` in the request's own branch (the nearest unit
/// on its path that has such users) or at headquarters.
public struct Recipient: Hashable, Sendable, Codable {
    public enum Reach: String, CodedEnum {
        case nearest, headquarters
    }

    public var role: Role
    public var reach: Reach

    public init(role: Role, reach: Reach) {
        self.role = role
        self.reach = reach
    }
}

/// one step of escalation: when the elapsed time reaches `percent` of the target, `notify` hear of it.
public struct EscalationLevel: Hashable, Sendable, Codable {
    public var percent: Int
    public var notify: [Recipient]

    public init(percent: Int, notify: [Recipient]) {
        self.percent = percent
        self.notify = notify
    }
}

/// one target of a policy.
public struct TargetRule: Hashable, Sendable, Codable {
    public var target: SLATarget
    public var minutes: Int
    public var basis: TimeBasis
    /// Warn when this share of the target has passed, e.g. 75.
    public var warnPercent: Int
    public var warn: [Recipient]
    /// In rising order; the first is usually the breach itself (100 %).
    public var escalations: [EscalationLevel]

    public init(
        target: SLATarget, minutes: Int, basis: TimeBasis, warnPercent: Int = 75,
        warn: [Recipient] = [Recipient(role: .dispatcher, reach: .nearest)],
        escalations: [EscalationLevel] = TargetRule.standardEscalation
    ) {
        self.target = target
        self.minutes = minutes
        self.basis = basis
        self.warnPercent = warnPercent
        self.warn = warn
        self.escalations = escalations
    }

    /// dispatcher at the breach, then the department head, then the general manager.
    public static let standardEscalation = [
        EscalationLevel(percent: 100, notify: [Recipient(role: .dispatcher, reach: .nearest)]),
        EscalationLevel(percent: 150, notify: [Recipient(role: .serviceManager, reach: .nearest)]),
        EscalationLevel(percent: 200, notify: [Recipient(role: .serviceManager, reach: .headquarters)]),
    ]

    /// The checkpoints of this target in order: the warning, then each escalation level.
    public var checkpoints: [(percent: Int, notify: [Recipient])] {
        [(warnPercent, warn)] + escalations.map { ($0.percent, $0.notify) }
    }

    static let maxMinutes = 366 * 24 * 60

    func problems(prefix: String, into v: inout Validator) {
        v.range("\(prefix).minutes", minutes, 1...Self.maxMinutes)
        v.range("\(prefix).warnPercent", warnPercent, 1...99)
        if escalations.count > 5 { v.add("\(prefix).escalations", .outOfRange(min: 0, max: 5)) }
        var previous = warnPercent
        for (index, level) in escalations.enumerated() {
            if level.percent <= previous || level.percent > 1000 {
                v.add(
                    "\(prefix).escalations.\(index).percent",
                    .invalidValue(allowed: ["more than the level before, at most 1000"]))
            }
            previous = level.percent
        }
    }
}

/// the facts of a request a policy rule can match.
public struct RequestFacts: Sendable, Equatable {
    public var type: RequestType
    public var priority: Priority
    public var emergency: Bool
    public var serviceFamilies: Set<ServiceFamily>
    public var productLineIds: Set<Int>
    public var productModelIds: Set<Int>
    public var customerTier: CustomerTier
    /// The request's organisation unit and its ancestors.
    public var orgUnitPath: [Int]

    public init(
        type: RequestType, priority: Priority, emergency: Bool, serviceFamilies: Set<ServiceFamily> = [],
        productLineIds: Set<Int> = [], productModelIds: Set<Int> = [], customerTier: CustomerTier = .regular,
        orgUnitPath: [Int] = []
    ) {
        self.type = type
        self.priority = priority
        self.emergency = emergency
        self.serviceFamilies = serviceFamilies
        self.productLineIds = productLineIds
        self.productModelIds = productModelIds
        self.customerTier = customerTier
        self.orgUnitPath = orgUnitPath
    }
}

/// the conditions of a policy; each one set must hold, an empty match holds for every request.
public struct PolicyMatch: Hashable, Sendable, Codable {
    public var serviceFamily: ServiceFamily?
    public var requestType: RequestType?
    public var priority: Priority?
    public var emergency: Bool?
    public var productLineId: Int?
    public var productModelId: Int?
    public var customerTier: CustomerTier?
    /// The unit and everything under it.
    public var orgUnitId: Int?

    public init(
        serviceFamily: ServiceFamily? = nil, requestType: RequestType? = nil, priority: Priority? = nil,
        emergency: Bool? = nil, productLineId: Int? = nil, productModelId: Int? = nil,
        customerTier: CustomerTier? = nil, orgUnitId: Int? = nil
    ) {
        self.serviceFamily = serviceFamily
        self.requestType = requestType
        self.priority = priority
        self.emergency = emergency
        self.productLineId = productLineId
        self.productModelId = productModelId
        self.customerTier = customerTier
        self.orgUnitId = orgUnitId
    }

    public func holds(for facts: RequestFacts) -> Bool {
        (serviceFamily.map(facts.serviceFamilies.contains) ?? true)
            && (requestType.map { $0 == facts.type } ?? true)
            && (priority.map { $0 == facts.priority } ?? true)
            && (emergency.map { $0 == facts.emergency } ?? true)
            && (productLineId.map(facts.productLineIds.contains) ?? true)
            && (productModelId.map(facts.productModelIds.contains) ?? true)
            && (customerTier.map { $0 == facts.customerTier } ?? true)
            && (orgUnitId.map(facts.orgUnitPath.contains) ?? true)
    }

    /// The conditions that are set, as `name=value` for explanations.
    public var conditions: [String] {
        var result: [String] = []
        if let serviceFamily { result.append("serviceFamily=\(serviceFamily.rawValue)") }
        if let requestType { result.append("requestType=\(requestType.rawValue)") }
        if let priority { result.append("priority=\(priority.rawValue)") }
        if let emergency { result.append("emergency=\(emergency)") }
        if let productLineId { result.append("productLineId=\(productLineId)") }
        if let productModelId { result.append("productModelId=\(productModelId)") }
        if let customerTier { result.append("customerTier=\(customerTier.rawValue)") }
        if let orgUnitId { result.append("orgUnitId=\(orgUnitId)") }
        return result
    }
}

/// a named set of targets for the requests its match holds for.
public struct SLAPolicy: Hashable, Sendable, Codable, Identifiable {
    public var id: Int
    public var name: String
    /// Rules are tried in rising position; the default comes last whatever its position.
    public var position: Int
    public var isDefault: Bool
    public var match: PolicyMatch
    public var targets: [TargetRule]

    public init(
        id: Int, name: String, position: Int, isDefault: Bool = false, match: PolicyMatch = PolicyMatch(),
        targets: [TargetRule]
    ) {
        self.id = id
        self.name = name
        self.position = position
        self.isDefault = isDefault
        self.match = match
        self.targets = targets
    }

    public func rule(for target: SLATarget) -> TargetRule? { targets.first { $0.target == target } }

    /// Field problems of the policy's own values.
    public func problems() -> ValidationError {
        var v = Validator()
        v.text("name", name, required: true, max: Limits.name)
        v.range("position", position, 0...1_000_000)
        if isDefault && match != PolicyMatch() {
            v.add("match", .invalidValue(allowed: ["no conditions on the default policy"]))
        }
        if targets.isEmpty { v.add("targets", .required) }
        var seen = Set<SLATarget>()
        for (index, rule) in targets.enumerated() {
            if !seen.insert(rule.target).inserted { v.add("targets.\(index).target", .duplicate) }
            rule.problems(prefix: "targets.\(index)", into: &v)
        }
        return v.error
    }

    /// the first policy whose match holds, in position order, else the default.
    public static func choose(from policies: [SLAPolicy], for facts: RequestFacts) -> SLAPolicy? {
        let ordered = policies.sorted { ($0.position, $0.id) < ($1.position, $1.id) }
        return ordered.first { !$0.isDefault && $0.match.holds(for: facts) } ?? ordered.first(where: \.isDefault)
    }
}
