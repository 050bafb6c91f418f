import Foundation

/// whether a priced line is owed by the customer.
public enum Charge: String, CodedEnum {
    /// Covered: its value is shown, nothing is owed.
    case free
    case charged
    /// Priced, but the warranty is not decided yet: no fee document can be issued until it is.
    case pending
}

/// why a line is free, charged or pending: every line says it.
public enum LineReason: String, CodedEnum {
    /// In warranty with a cause that is ours (quality, manufacturing, assembly or material defect; our installation).
    case inWarranty
    /// Before the warranty starts, the supplier still owes a working unit.
    case beforeWarrantyStart
    /// The unit's warranty had ended.
    case warrantyExpired
    /// Man-made damage, misuse or force majeure: charged in or out of warranty.
    case chargeableCause
    /// The warranty is not decided yet (cause unknown, or no date to count it from).
    case warrantyUndetermined
    /// A trip or work shared by several units that served at least one unit whose work is free.
    case servedFreeUnit
    /// A trip or work shared by several units that served only charged units.
    case servedChargedUnits
    /// Training, sold and agreed beforehand.
    case trainingAgreed
    /// Labour or a part not tied to a unit, on a job whose units are not all free or all charged: it waits until the
    /// unit it was for is named.
    case unitNotNamed
}

/// what a line prices.
public enum LineKind: String, CodedEnum {
    case labour, travel, part, training
}

/// a unit on the job and its warranty decision, which decides whether its work is charged.
public struct PricingUnit: Equatable, Sendable {
    public var unitId: Int
    public var status: WarrantyStatus
    public var reason: WarrantyReason
    public var cause: FaultCause

    public init(unitId: Int, status: WarrantyStatus, reason: WarrantyReason, cause: FaultCause) {
        self.unitId = unitId
        self.status = status
        self.reason = reason
        self.cause = cause
    }

    public init(unitId: Int, decision: WarrantyDecision) {
        self.init(unitId: unitId, status: decision.status, reason: decision.reason, cause: decision.cause)
    }

    /// in warranty is free; out of it (expired, or a cause that is charged anyway) is charged; undecided
    /// waits for the decision.
    public var entitlement: (charge: Charge, reason: LineReason) {
        switch status {
        case .inWarranty: (.free, reason == .beforeWarrantyStart ? .beforeWarrantyStart : .inWarranty)
        case .outOfWarranty: (.charged, reason == .expired ? .warrantyExpired : .chargeableCause)
        case .undetermined: (.pending, .warrantyUndetermined)
        }
    }
}

/// time an engineer worked, on one unit or (unit nil) for every unit of the job; a per-job rate is charged
/// once for the entry whatever its minutes.
public struct LabourWork: Equatable, Sendable, Codable {
    public var unitId: Int?
    /// The engineer's level on the unit's product line.
    public var level: Int
    public var difficulty: JobDifficulty
    public var minutes: Int

    public init(unitId: Int?, level: Int, difficulty: JobDifficulty, minutes: Int) {
        self.unitId = unitId
        self.level = level
        self.difficulty = difficulty
        self.minutes = minutes
    }
}

/// one trip to the customer, and the units it served (empty: every unit of the job).
public struct TravelWork: Equatable, Sendable, Codable {
    public var meters: Int
    public var unitIds: [Int]

    public init(meters: Int, unitIds: [Int] = []) {
        self.meters = meters
        self.unitIds = unitIds
    }

    enum CodingKeys: String, CodingKey {
        case meters, unitIds
    }

    /// `unitIds` may be left out: the trip then served every unit of the job.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        meters = try c.decode(Int.self, forKey: .meters)
        unitIds = try c.decodeIfPresent([Int].self, forKey: .unitIds) ?? []
    }
}

/// a part used on a unit (nil: on the job, not tied to one of several units), at its purchase cost plus the
/// part's management fee.
public struct PartWork: Equatable, Sendable, Codable {
    public var unitId: Int?
    public var partId: Int
    /// Thousandths of the part's unit of measure, as the stock ledger counts (`Quantity`).
    public var quantityMilli: Int
    public var unitCost: Money
    /// The management fee on the cost, in hundredths of a percent (15 % is 1500).
    public var feeBasisPoints: Int

    public init(unitId: Int?, partId: Int, quantityMilli: Int, unitCost: Money, feeBasisPoints: Int) {
        self.unitId = unitId
        self.partId = partId
        self.quantityMilli = quantityMilli
        self.unitCost = unitCost
        self.feeBasisPoints = feeBasisPoints
    }
}

/// training given, by content, method and duration.
public struct TrainingWork: Equatable, Sendable, Codable {
    public var content: String
    public var method: TrainingMethod
    public var minutes: Int

    public init(content: String, method: TrainingMethod, minutes: Int) {
        self.content = content
        self.method = method
        self.minutes = minutes
    }
}

/// everything a job's price depends on: the units with their warranty, the work recorded (or, for a quote,
/// expected) and the day whose fee schedule applies.
public struct PricingJob: Equatable, Sendable {
    public var day: CalendarDate
    public var units: [PricingUnit]
    public var labour: [LabourWork]
    public var travel: [TravelWork]
    public var parts: [PartWork]
    public var training: [TrainingWork]

    public init(
        day: CalendarDate, units: [PricingUnit], labour: [LabourWork] = [], travel: [TravelWork] = [],
        parts: [PartWork] = [], training: [TrainingWork] = []
    ) {
        self.day = day
        self.units = units
        self.labour = labour
        self.travel = travel
        self.parts = parts
        self.training = training
    }
}

/// one priced line, with what priced it and why it is free, charged or pending.
public struct PricedLine: Equatable, Sendable, Codable {
    public var kind: LineKind
    /// The unit the line is for; nil for a trip or work shared by the job's units, and for training.
    public var unitId: Int?
    public var cause: FaultCause?
    public var charge: Charge
    public var reason: LineReason
    /// The price of one: an hour, a job, a trip, one of a part's unit of measure.
    public var unitPriceMinor: Int
    /// What the line is worth, owed or not.
    public var amountMinor: Int
    /// Hourly labour and training: the minutes worked.
    public var minutes: Int?
    /// Parts: thousandths of the unit of measure; every other line counts one (1000) unless it is by the minute.
    public var quantityMilli: Int?
    /// Labour: the level whose rate applied (the engineer's, or the highest listed below it), the difficulty and
    /// whether by the hour or per job.
    public var level: Int?
    public var difficulty: JobDifficulty?
    public var basis: LabourBasis?
    /// Travel: the distance and the band's limit (nil: the open band).
    public var meters: Int?
    public var bandUpToKm: Int?
    /// Parts: which part, its purchase cost and the management fee applied.
    public var partId: Int?
    public var unitCostMinor: Int?
    public var feeBasisPoints: Int?
    /// Training: the content and method.
    public var content: String?
    public var method: TrainingMethod?

    init(
        kind: LineKind, unitId: Int?, cause: FaultCause?, entitlement: (Charge, LineReason), unitPrice: Int, amount: Int
    ) {
        self.kind = kind
        self.unitId = unitId
        self.cause = cause
        (charge, reason) = entitlement
        unitPriceMinor = unitPrice
        amountMinor = amount
    }

    /// What the customer owes for the line.
    public var chargedMinor: Int { charge == .charged ? amountMinor : 0 }
}

/// a priced job: its lines and what they add up to.
public struct PricedJob: Equatable, Sendable, Codable {
    public var currency: Currency
    public var lines: [PricedLine]
    /// What the customer owes.
    public var chargedMinor: Int
    /// The value of the work done free (R-6.3 reports it as free-in-warranty value).
    public var freeMinor: Int
    /// The value still waiting for a warranty decision.
    public var pendingMinor: Int

    /// Whether a fee document may be issued: no line waits for a warranty decision.
    public var isFinal: Bool { pendingMinor == 0 && !lines.contains { $0.charge == .pending } }
}

/// Why a job could not be priced; `field` names the input as the API does (`parts.2.quantity`).
public enum PricingError: Error, Equatable, Sendable {
    case invalid(field: String, problem: FieldProblem)
    /// The schedule does not apply on the job's day.
    case scheduleNotValid(day: CalendarDate)
    case noLabourRate(field: String, level: Int, difficulty: JobDifficulty)
    case noTravelBand(field: String, meters: Int)
    case noTrainingRate(field: String, content: String, method: TrainingMethod)
    case currencyMismatch(field: String, expected: Currency, found: Currency)
    /// A line or the total would be larger than `Money.maximumMinor`.
    case tooLarge(field: String)
}

extension PricingError {
    /// The refusal as field problems, the one shape the API and the pages explain: a missing rate names what the
    /// schedule does offer.
    public func problems(in schedule: FeeSchedule) -> [String: FieldProblem] {
        switch self {
        case .invalid(let field, let problem): return [field: problem]
        case .scheduleNotValid: return ["date": .outOfRange(min: 0, max: 0)]
        case .noLabourRate(let field, let level, _):
            let offered = JobDifficulty.allCases.filter { schedule.labourRate(level: level, difficulty: $0) != nil }
            return ["\(field).difficulty": .invalidValue(allowed: offered.map(\.rawValue))]
        case .noTravelBand(let field, _):
            return [
                "\(field).meters": .outOfRange(min: 0, max: (schedule.travel.compactMap(\.upToKm).max() ?? 0) * 1000)
            ]
        case .noTrainingRate(let field, _, let method):
            let offered = schedule.training.filter { $0.method == method }.map(\.content)
            return ["\(field).content": .invalidValue(allowed: offered)]
        case .currencyMismatch(let field, let expected, _):
            return [field: .invalidValue(allowed: [expected.rawValue])]
        case .tooLarge(let field): return [field: .outOfRange(min: 0, max: Money.maximumMinor)]
        }
    }
}

/// prices a job from the fee schedule and the units' warranty. Pure: the same job and schedule give the
/// same lines. Work on a unit follows the unit's entitlement; a trip shared by several units is free when any unit it
/// served is free (the trip was needed for warranty work anyway), pending when none is free but one is undecided, and
/// charged otherwise; labour or a part not tied to a unit is free or charged only when all units agree, and waits for
/// the unit to be named otherwise; training is charged as agreed. Amounts are rounded per line, halves away from
/// zero (`roundedQuotient`): a part's unit price to the minor unit first, then times its quantity.
public enum Pricing {
    /// Upper bounds of the inputs, so that every product stays far inside 64 bits.
    public static let maximumMinutes = 14_400
    public static let maximumMeters = 10_000_000

    public static func price(_ job: PricingJob, schedule: FeeSchedule) throws(PricingError) -> PricedJob {
        guard schedule.isValid(on: job.day) else { throw .scheduleNotValid(day: job.day) }
        let units = try unitsById(job.units)
        var lines: [PricedLine] = []
        lines.reserveCapacity(job.labour.count + job.travel.count + job.parts.count + job.training.count)
        for (index, work) in job.labour.enumerated() {
            lines.append(try labourLine(work, field: "labour.\(index)", units: units, job: job, schedule: schedule))
        }
        for (index, trip) in job.travel.enumerated() {
            lines.append(try travelLine(trip, field: "travel.\(index)", units: units, job: job, schedule: schedule))
        }
        for (index, part) in job.parts.enumerated() {
            lines.append(try partLine(part, field: "parts.\(index)", units: units, job: job, schedule: schedule))
        }
        for (index, training) in job.training.enumerated() {
            lines.append(try trainingLine(training, field: "training.\(index)", schedule: schedule))
        }
        var charged = 0
        var free = 0
        var pending = 0
        for line in lines {
            switch line.charge {
            case .charged: charged += line.amountMinor
            case .free: free += line.amountMinor
            case .pending: pending += line.amountMinor
            }
            // Each line is at most `Money.maximumMinor`, so no sum overflows before this check.
            guard max(charged, free, pending) <= Money.maximumMinor else { throw .tooLarge(field: "total") }
        }
        return PricedJob(
            currency: schedule.currency, lines: lines, chargedMinor: charged, freeMinor: free, pendingMinor: pending)
    }

    private static func unitsById(_ units: [PricingUnit]) throws(PricingError) -> [Int: PricingUnit] {
        var byId: [Int: PricingUnit] = [:]
        for (index, unit) in units.enumerated() {
            guard byId.updateValue(unit, forKey: unit.unitId) == nil else {
                throw .invalid(field: "units.\(index).unitId", problem: .duplicate)
            }
        }
        return byId
    }

    private static func unit(_ id: Int, field: String, in units: [Int: PricingUnit]) throws(PricingError) -> PricingUnit
    {
        guard let unit = units[id] else { throw .invalid(field: field, problem: .notFound) }
        return unit
    }

    /// The entitlement of a trip shared by `served` units: free when it served any unit whose work is free (the trip
    /// was needed for warranty work anyway), pending when none is free but one is undecided, charged otherwise.
    private static func shared(_ served: [PricingUnit]) -> (Charge, LineReason) {
        let charges = served.map(\.entitlement.charge)
        if charges.contains(.free) { return (.free, .servedFreeUnit) }
        if charges.contains(.pending) { return (.pending, .warrantyUndetermined) }
        return (.charged, .servedChargedUnits)
    }

    /// The entitlement of labour or a part not tied to a unit: a part is used by one unit, so it is free only when
    /// every unit is free and charged only when every unit is charged; otherwise it waits for the unit to be named.
    private static func untied(_ units: [PricingUnit]) -> (Charge, LineReason) {
        let charges = Set(units.map(\.entitlement.charge))
        if charges == [.free] { return (.free, .servedFreeUnit) }
        if charges.isEmpty || charges == [.charged] { return (.charged, .servedChargedUnits) }
        return (.pending, charges == [.pending] ? .warrantyUndetermined : .unitNotNamed)
    }

    private static func minutes(_ value: Int, field: String) throws(PricingError) -> Int {
        guard (1...maximumMinutes).contains(value) else {
            throw .invalid(field: field, problem: .outOfRange(min: 1, max: maximumMinutes))
        }
        return value
    }

    private static func hourly(_ rate: Int, minutes: Int, field: String) throws(PricingError) -> Int {
        guard let amount = roundedQuotient(Int128(rate) * Int128(minutes), 60) else { throw .tooLarge(field: field) }
        return amount
    }

    private static func labourLine(
        _ work: LabourWork, field: String, units: [Int: PricingUnit], job: PricingJob, schedule: FeeSchedule
    ) throws(PricingError) -> PricedLine {
        guard FeeSchedule.levels.contains(work.level) else {
            throw .invalid(
                field: "\(field).level",
                problem: .outOfRange(min: FeeSchedule.levels.lowerBound, max: FeeSchedule.levels.upperBound))
        }
        let minutes = try minutes(work.minutes, field: "\(field).minutes")
        guard let rate = schedule.labourRate(level: work.level, difficulty: work.difficulty) else {
            throw .noLabourRate(field: field, level: work.level, difficulty: work.difficulty)
        }
        var line: PricedLine
        let amount =
            rate.basis == .perHour ? try hourly(rate.amountMinor, minutes: minutes, field: field) : rate.amountMinor
        if let unitId = work.unitId {
            let unit = try self.unit(unitId, field: "\(field).unitId", in: units)
            line = PricedLine(
                kind: .labour, unitId: unitId, cause: unit.cause, entitlement: unit.entitlement,
                unitPrice: rate.amountMinor, amount: amount)
        } else {
            line = PricedLine(
                kind: .labour, unitId: nil, cause: nil, entitlement: untied(job.units), unitPrice: rate.amountMinor,
                amount: amount)
        }
        line.level = rate.level
        line.difficulty = rate.difficulty
        line.basis = rate.basis
        if rate.basis == .perHour { line.minutes = minutes } else { line.quantityMilli = Quantity.scale }
        return line
    }

    private static func travelLine(
        _ trip: TravelWork, field: String, units: [Int: PricingUnit], job: PricingJob, schedule: FeeSchedule
    ) throws(PricingError) -> PricedLine {
        guard (0...maximumMeters).contains(trip.meters) else {
            throw .invalid(field: "\(field).meters", problem: .outOfRange(min: 0, max: maximumMeters))
        }
        guard let band = schedule.travelBand(meters: trip.meters) else {
            throw .noTravelBand(field: field, meters: trip.meters)
        }
        var served: [PricingUnit] = []
        for (index, id) in trip.unitIds.enumerated() {
            served.append(try self.unit(id, field: "\(field).unitIds.\(index)", in: units))
        }
        var line = PricedLine(
            kind: .travel, unitId: nil, cause: nil, entitlement: shared(served.isEmpty ? job.units : served),
            unitPrice: band.amountMinor, amount: band.amountMinor)
        line.quantityMilli = Quantity.scale
        line.meters = trip.meters
        line.bandUpToKm = band.upToKm
        return line
    }

    private static func partLine(
        _ part: PartWork, field: String, units: [Int: PricingUnit], job: PricingJob, schedule: FeeSchedule
    ) throws(PricingError) -> PricedLine {
        var unit: PricingUnit?
        if let id = part.unitId { unit = try self.unit(id, field: "\(field).unitId", in: units) }
        let maximumMilli = Quantity.maximum * Quantity.scale
        guard (1...maximumMilli).contains(part.quantityMilli) else {
            throw .invalid(field: "\(field).quantity", problem: .outOfRange(min: 1, max: Quantity.maximum))
        }
        guard part.unitCost.currency == schedule.currency else {
            throw .currencyMismatch(
                field: "\(field).unitCost", expected: schedule.currency, found: part.unitCost.currency)
        }
        guard (0...Money.maximumMinor).contains(part.unitCost.minor) else {
            throw .invalid(field: "\(field).unitCost", problem: .outOfRange(min: 0, max: Money.maximumMinor))
        }
        guard (0...10_000).contains(part.feeBasisPoints) else {
            throw .invalid(field: "\(field).managementFee", problem: .outOfRange(min: 0, max: 10_000))
        }
        guard
            let unitPrice = roundedQuotient(
                Int128(part.unitCost.minor) * Int128(10_000 + part.feeBasisPoints), 10_000),
            let amount = roundedQuotient(Int128(unitPrice) * Int128(part.quantityMilli), Int128(Quantity.scale))
        else { throw .tooLarge(field: field) }
        var line = PricedLine(
            kind: .part, unitId: unit?.unitId, cause: unit?.cause, entitlement: unit?.entitlement ?? untied(job.units),
            unitPrice: unitPrice, amount: amount)
        line.quantityMilli = part.quantityMilli
        line.partId = part.partId
        line.unitCostMinor = part.unitCost.minor
        line.feeBasisPoints = part.feeBasisPoints
        return line
    }

    private static func trainingLine(_ training: TrainingWork, field: String, schedule: FeeSchedule)
        throws(PricingError) -> PricedLine
    {
        let minutes = try minutes(training.minutes, field: "\(field).minutes")
        guard let rate = schedule.trainingRate(content: training.content, method: training.method) else {
            throw .noTrainingRate(field: field, content: training.content, method: training.method)
        }
        var line = PricedLine(
            kind: .training, unitId: nil, cause: nil, entitlement: (.charged, .trainingAgreed),
            unitPrice: rate.perHourMinor, amount: try hourly(rate.perHourMinor, minutes: minutes, field: field))
        line.minutes = minutes
        line.content = rate.content
        line.method = rate.method
        return line
    }
}
