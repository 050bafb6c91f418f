import Foundation

/// who pays a periodic visit to a customer.
public enum Visitor: String, CodedEnum {
    /// The customer's account manager (accountManager role in the customer's branch).
    case accountManager
    /// The general manager (a service manager at headquarters).
    case generalManager
}

/// one rule of the visit plan: customers of `tier` are visited by `visitor` at least every `months`.
public struct VisitPlanRule: Codable, Sendable, Equatable, Hashable {
    public var tier: CustomerTier
    public var visitor: Visitor
    public var months: Int

    public init(tier: CustomerTier, visitor: Visitor, months: Int) {
        self.tier = tier
        self.visitor = visitor
        self.months = months
    }

    /// The seeds' plan: key customers by their account manager every six months and by the general manager every
    /// year; long-term customers every year (`001`, `000`).
    public static let standard = [
        VisitPlanRule(tier: .key, visitor: .accountManager, months: CustomerTier.key.visitIntervalMonths ?? 6),
        VisitPlanRule(tier: .key, visitor: .generalManager, months: 12),
        VisitPlanRule(
            tier: .longTerm, visitor: .accountManager, months: CustomerTier.longTerm.visitIntervalMonths ?? 12),
    ]

    /// Problems of a whole plan, by field `rules[i]…`.
    public static func problems(_ rules: [VisitPlanRule]) -> ValidationError {
        var v = Validator()
        var seen = Set<String>()
        for (i, rule) in rules.enumerated() {
            v.range("rules[\(i)].months", rule.months, 1...60)
            if !seen.insert("\(rule.tier.rawValue)/\(rule.visitor.rawValue)").inserted {
                v.add("rules[\(i)]", .duplicate)
            }
        }
        if rules.count > 20 { v.add("rules", .outOfRange(min: 0, max: 20)) }
        return v.error
    }
}

/// a periodic visit is planned, then held (with its record) or cancelled with the reason.
public enum CustomerVisitStatus: String, CodedEnum {
    case planned, held, cancelled
}

/// the visit a customer is due under one rule.
public struct DueVisit: Equatable, Sendable {
    public var customerId: Int
    public var rule: VisitPlanRule
    public var dueOn: CalendarDate
}

/// what the plan needs to know of a customer.
public struct VisitCandidate: Equatable, Sendable {
    public var customerId: Int
    public var tier: CustomerTier
    /// When the customer became ours (their record's day): the first visit is due one interval after it.
    public var since: CalendarDate
    /// The last visit held by each kind of visitor.
    public var lastHeld: [Visitor: CalendarDate]
    /// Visitors who already have a visit planned for this customer.
    public var planned: Set<Visitor>

    public init(
        customerId: Int, tier: CustomerTier, since: CalendarDate, lastHeld: [Visitor: CalendarDate] = [:],
        planned: Set<Visitor> = []
    ) {
        self.customerId = customerId
        self.tier = tier
        self.since = since
        self.lastHeld = lastHeld
        self.planned = planned
    }
}

/// the visit plan generator. For each customer and each rule of their tier without a planned visit, the
/// next visit is due one interval after the last one held (or after the customer became ours); a visit due within
/// `horizonDays` of `today`, or already overdue, is planned now.
public enum VisitPlan {
    public static let horizonDays = 30

    public static func due(_ candidates: [VisitCandidate], rules: [VisitPlanRule], today: CalendarDate) -> [DueVisit] {
        var result: [DueVisit] = []
        for candidate in candidates {
            for rule in rules where rule.tier == candidate.tier && !candidate.planned.contains(rule.visitor) {
                let from = candidate.lastHeld[rule.visitor] ?? candidate.since
                let dueOn = from.adding(months: rule.months)
                if dueOn.dayNumber - today.dayNumber <= horizonDays {
                    result.append(DueVisit(customerId: candidate.customerId, rule: rule, dueOn: dueOn))
                }
            }
        }
        return result
    }
}
