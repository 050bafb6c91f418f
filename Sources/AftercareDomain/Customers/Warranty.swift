/// The life event a model's warranty counts from.
public enum WarrantyStart: String, CodedEnum {
    case acceptance, installation, delivery, sale
}

/// The dated events in an installed unit's life.
public struct UnitDates: Equatable, Sendable, Codable {
    public var sale: CalendarDate?
    public var delivery: CalendarDate?
    public var installation: CalendarDate?
    public var acceptance: CalendarDate?

    public init(
        sale: CalendarDate? = nil, delivery: CalendarDate? = nil, installation: CalendarDate? = nil,
        acceptance: CalendarDate? = nil
    ) {
        self.sale = sale
        self.delivery = delivery
        self.installation = installation
        self.acceptance = acceptance
    }

    public func date(of event: WarrantyStart) -> CalendarDate? {
        switch event {
        case .sale: sale
        case .delivery: delivery
        case .installation: installation
        case .acceptance: acceptance
        }
    }

    /// the events happen in order sale → delivery → installation → acceptance.
    /// Each date out of order is named with the latest earlier date it must not precede.
    public func orderProblems() -> [String: FieldProblem] {
        let ordered: [(String, CalendarDate?)] = [
            ("saleDate", sale), ("deliveryDate", delivery), ("installationDate", installation),
            ("acceptanceDate", acceptance),
        ]
        var problems: [String: FieldProblem] = [:]
        for (index, (field, date)) in ordered.enumerated() {
            guard let date else { continue }
            let earlier = ordered[..<index].compactMap { name, day in day.map { (name, $0) } }
            if let latest = earlier.max(by: { $0.1 <= $1.1 }), date < latest.1 {
                problems[field] = .mustNotBeBefore(field: latest.0)
            }
        }
        return problems
    }
}

/// A model's warranty rule and a unit's contract override.
public struct WarrantyTerms: Equatable, Sendable {
    public var months: Int
    public var startsFrom: WarrantyStart
    /// A contract may set its own length in months…
    public var overrideMonths: Int?
    /// …or a fixed last day, which wins over any length.
    public var overrideEnd: CalendarDate?

    public init(months: Int, startsFrom: WarrantyStart, overrideMonths: Int? = nil, overrideEnd: CalendarDate? = nil) {
        self.months = months
        self.startsFrom = startsFrom
        self.overrideMonths = overrideMonths
        self.overrideEnd = overrideEnd
    }
}

/// The warranty period of one unit, derived, never typed in.
public struct WarrantyPeriod: Equatable, Sendable, Codable {
    /// The first covered day.
    public var start: CalendarDate
    /// The last covered day.
    public var end: CalendarDate
    /// The event the period counts from; differs from the model's rule when that date is not known yet.
    public var startedBy: WarrantyStart
    /// `model` or `contract`.
    public var source: String

    /// the period from the model rule or the contract override. When the unit lacks the date of the
    /// rule's event, the period counts from the latest earlier event that is known (an unaccepted unit is
    /// covered from installation, delivery or sale); with no usable date there is no period yet.
    public static func of(_ dates: UnitDates, terms: WarrantyTerms) -> WarrantyPeriod? {
        let chain: [WarrantyStart] = [.acceptance, .installation, .delivery, .sale]
        let index = chain.firstIndex(of: terms.startsFrom)!
        guard let event = chain[index...].first(where: { dates.date(of: $0) != nil }),
            let start = dates.date(of: event)
        else { return nil }
        if let fixed = terms.overrideEnd {
            return WarrantyPeriod(start: start, end: fixed, startedBy: event, source: "contract")
        }
        let months = terms.overrideMonths ?? terms.months
        let end = start.adding(months: months).adding(days: -1)
        return WarrantyPeriod(
            start: start, end: end, startedBy: event, source: terms.overrideMonths == nil ? "model" : "contract")
    }

    public func covers(_ day: CalendarDate) -> Bool {
        start <= day && day <= end
    }
}

/// what caused the fault, as far as it is known.
public enum FaultCause: String, CodedEnum {
    case qualityDefect, installation, manMadeDamage, misuse, forceMajeure, unknown

    /// quality, manufacturing, assembly and material defects and our own installation are free.
    public var isCoveredByWarranty: Bool? {
        switch self {
        case .qualityDefect, .installation: true
        case .manMadeDamage, .misuse, .forceMajeure: false
        case .unknown: nil
        }
    }
}

/// The answer to "is this covered?".
public enum WarrantyStatus: String, CodedEnum {
    case inWarranty, outOfWarranty, undetermined

    /// a request's warranty from its units' decisions: all in → in, all out → out; otherwise (mixed,
    /// a unit not decided yet, or no units) undetermined.
    public static func summary(of decisions: [WarrantyStatus?]) -> WarrantyStatus {
        guard let first = decisions.first, let first, decisions.allSatisfy({ $0 == first }) else {
            return .undetermined
        }
        return first
    }
}

/// Why the warranty decision came out as it did.
public enum WarrantyReason: String, CodedEnum {
    /// Within the period and the cause is ours.
    case coveredCause
    /// Within the period but the cause is chargeable (man-made damage, misuse, force majeure).
    case chargeableCause
    /// Within the period, cause not known yet: decide after diagnosis.
    case causeNotDetermined
    /// The period ended before the request date.
    case expired
    /// Before the period starts the supplier still owes a working unit.
    case beforeWarrantyStart
    /// No date to count the period from.
    case noWarrantyStart
}

/// The decision and everything needed to explain it.
public struct WarrantyDecision: Equatable, Sendable, Codable {
    public var status: WarrantyStatus
    public var reason: WarrantyReason
    public var cause: FaultCause
    public var requestDate: CalendarDate
    public var period: WarrantyPeriod?

    /// decides cover from the unit's warranty period, the request date and the cause.
    /// Expiry outranks the cause: out of the period everything is charged. Man-made damage, misuse and force
    /// majeure are charged whatever the period; an unknown cause inside or before the period stays undetermined.
    public static func decide(period: WarrantyPeriod?, requestDate: CalendarDate, cause: FaultCause)
        -> WarrantyDecision
    {
        let (status, reason): (WarrantyStatus, WarrantyReason)
        if let period {
            if requestDate > period.end {
                (status, reason) = (.outOfWarranty, .expired)
            } else if requestDate < period.start {
                switch cause.isCoveredByWarranty {
                case true?: (status, reason) = (.inWarranty, .beforeWarrantyStart)
                case false?: (status, reason) = (.outOfWarranty, .chargeableCause)
                case nil: (status, reason) = (.undetermined, .causeNotDetermined)
                }
            } else {
                switch cause.isCoveredByWarranty {
                case true?: (status, reason) = (.inWarranty, .coveredCause)
                case false?: (status, reason) = (.outOfWarranty, .chargeableCause)
                case nil: (status, reason) = (.undetermined, .causeNotDetermined)
                }
            }
        } else if cause.isCoveredByWarranty == false {
            (status, reason) = (.outOfWarranty, .chargeableCause)
        } else {
            (status, reason) = (.undetermined, .noWarrantyStart)
        }
        return WarrantyDecision(status: status, reason: reason, cause: cause, requestDate: requestDate, period: period)
    }
}

/// where a unit's warranty period stands on a day, before any fault is known: what the unit's
/// page, the customer's page and the registration form show (the decision for a request waits for the cause).
public enum WarrantyStanding: String, CodedEnum {
    /// Within the period: covered until its last day.
    case covered
    /// The period ended.
    case expired
    /// The period has not begun (the supplier still owes a working unit).
    case notStarted
    /// No date to count a period from.
    case unknown

    public static func of(_ period: WarrantyPeriod?, on day: CalendarDate) -> WarrantyStanding {
        guard let period else { return .unknown }
        if day > period.end { return .expired }
        if day < period.start { return .notStarted }
        return .covered
    }
}
