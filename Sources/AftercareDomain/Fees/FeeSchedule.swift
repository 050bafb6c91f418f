import Foundation

/// how hard a job is, the second axis of the labour rate (A the simplest, D the hardest).
public enum JobDifficulty: String, CodedEnum {
    case a, b, c, d
}

/// whether a labour rate is charged by the hour or once per job.
public enum LabourBasis: String, CodedEnum {
    case perHour, perJob
}

/// how training is given, an axis of the training fee.
public enum TrainingMethod: String, CodedEnum {
    case onSite, classroom, remote
}

/// the labour rate of an engineer level at a job difficulty.
public struct LabourRate: Equatable, Sendable, Codable {
    public var level: Int
    public var difficulty: JobDifficulty
    public var basis: LabourBasis
    public var amountMinor: Int

    public init(level: Int, difficulty: JobDifficulty, basis: LabourBasis, amountMinor: Int) {
        self.level = level
        self.difficulty = difficulty
        self.basis = basis
        self.amountMinor = amountMinor
    }
}

/// the call-out and travel fee for a trip up to a distance; the last band may be open-ended (`upToKm` nil).
public struct TravelBand: Equatable, Sendable, Codable {
    public var upToKm: Int?
    public var amountMinor: Int

    public init(upToKm: Int?, amountMinor: Int) {
        self.upToKm = upToKm
        self.amountMinor = amountMinor
    }
}

/// the hourly fee of a training content given by a method, agreed with the customer beforehand.
public struct TrainingRate: Equatable, Sendable, Codable {
    /// A short code of the content (`operation`, `maintenance`), named on the schedule's page.
    public var content: String
    public var method: TrainingMethod
    public var perHourMinor: Int

    public init(content: String, method: TrainingMethod, perHourMinor: Int) {
        self.content = content
        self.method = method
        self.perHourMinor = perHourMinor
    }
}

/// where a published schedule stands on a day.
public enum FeeScheduleStanding: String, CodedEnum {
    case upcoming, current, ended
}

/// the unified, published fee schedule of an organisation unit, valid between two days. Parts carry their
/// own management-fee rate, so the schedule has none.
public struct FeeSchedule: Equatable, Sendable, Codable {
    public var currency: Currency
    public var validFrom: CalendarDate
    /// The last day it applies; nil while it is the current one.
    public var validTo: CalendarDate?
    public var labour: [LabourRate]
    /// In increasing distance.
    public var travel: [TravelBand]
    public var training: [TrainingRate]

    /// The engineer levels a rate may name (as engineers' levels, R-4.1).
    public static let levels = 1...5

    public init(
        currency: Currency, validFrom: CalendarDate, validTo: CalendarDate? = nil, labour: [LabourRate],
        travel: [TravelBand], training: [TrainingRate] = []
    ) {
        self.currency = currency
        self.validFrom = validFrom
        self.validTo = validTo
        self.labour = labour
        self.travel = travel
        self.training = training
    }

    /// Where the schedule stands on a day.
    public func standing(on day: CalendarDate) -> FeeScheduleStanding {
        if day < validFrom { return .upcoming }
        if let end = validTo, end < day { return .ended }
        return .current
    }

    public func isValid(on day: CalendarDate) -> Bool {
        standing(on: day) == .current
    }

    /// the rate for a level and difficulty. An engineer whose level the schedule does not list is paid at the
    /// highest level listed below theirs (a schedule may stop at level 3); nil when there is none.
    public func labourRate(level: Int, difficulty: JobDifficulty) -> LabourRate? {
        labour.filter { $0.difficulty == difficulty && $0.level <= level }.max { $0.level < $1.level }
    }

    /// the band a trip of `meters` falls in: the first whose limit it does not pass.
    public func travelBand(meters: Int) -> TravelBand? {
        travel.first { band in band.upToKm.map { meters <= $0 * 1000 } ?? true }
    }

    public func trainingRate(content: String, method: TrainingMethod) -> TrainingRate? {
        training.first { $0.content == content && $0.method == method }
    }

    /// Whether the schedule can be published: amounts within bounds, no rate twice, bands in increasing distance
    /// with at most the last one open, and the validity in order. Fields are named as the API names them.
    public func problems() -> [String: FieldProblem] {
        var problems: [String: FieldProblem] = [:]
        let amounts = 0...Money.maximumMinor
        if let end = validTo, end < validFrom { problems["validTo"] = .mustNotBeBefore(field: "validFrom") }
        if labour.isEmpty { problems["labour"] = .required }
        var seenRates: Set<String> = []
        for (index, rate) in labour.enumerated() {
            if !Self.levels.contains(rate.level) {
                problems["labour.\(index).level"] = .outOfRange(
                    min: Self.levels.lowerBound, max: Self.levels.upperBound)
            }
            if !amounts.contains(rate.amountMinor) {
                problems["labour.\(index).amount"] = .outOfRange(min: 0, max: Money.maximumMinor)
            }
            if !seenRates.insert("\(rate.level)-\(rate.difficulty.rawValue)").inserted {
                problems["labour.\(index).difficulty"] = .duplicate
            }
        }
        var previous: Int?
        for (index, band) in travel.enumerated() {
            if !amounts.contains(band.amountMinor) {
                problems["travel.\(index).amount"] = .outOfRange(min: 0, max: Money.maximumMinor)
            }
            if let limit = band.upToKm {
                if limit < 1 || limit > 10_000 {
                    problems["travel.\(index).upToKm"] = .outOfRange(min: 1, max: 10_000)
                } else {
                    if let previous, limit <= previous {
                        problems["travel.\(index).upToKm"] = .outOfRange(min: previous + 1, max: 10_000)
                    }
                    previous = limit
                }
            } else if index != travel.count - 1 {
                problems["travel.\(index).upToKm"] = .required
            }
        }
        var seenTraining: Set<String> = []
        for (index, rate) in training.enumerated() {
            let content = rate.content.trimmingCharacters(in: .whitespaces)
            if content.isEmpty { problems["training.\(index).content"] = .required }
            if content.count > 40 { problems["training.\(index).content"] = .tooLong(max: 40) }
            if !amounts.contains(rate.perHourMinor) {
                problems["training.\(index).amount"] = .outOfRange(min: 0, max: Money.maximumMinor)
            }
            if !seenTraining.insert(content + "\u{0}" + rate.method.rawValue).inserted {
                problems["training.\(index).method"] = .duplicate
            }
        }
        return problems
    }
}
