// Issue 15's Domain figure: 20-line multi-unit jobs priced per second (four units, in and out of warranty and one
// undecided; hourly and per-job labour, shared labour, two trips, parts with management fees, training). Built by
// ../pricing.sh with the Domain sources.
import Foundation

let day = CalendarDate(year: 2026, month: 12, day: 7)!
let schedule = FeeSchedule(
    currency: .cny, validFrom: CalendarDate(year: 2026, month: 1, day: 1)!,
    labour: (1...5).flatMap { level in
        JobDifficulty.allCases.map { difficulty in
            LabourRate(
                level: level, difficulty: difficulty, basis: difficulty == .d ? .perJob : .perHour,
                amountMinor: 6_000 + level * 2_000 + JobDifficulty.allCases.firstIndex(of: difficulty)! * 1_000)
        }
    },
    travel: [
        TravelBand(upToKm: 10, amountMinor: 5_000), TravelBand(upToKm: 30, amountMinor: 10_000),
        TravelBand(upToKm: 80, amountMinor: 20_000), TravelBand(upToKm: nil, amountMinor: 40_000),
    ],
    training: [TrainingRate(content: "operation", method: .onSite, perHourMinor: 30_000)])
let units = [
    PricingUnit(unitId: 1, status: .inWarranty, reason: .coveredCause, cause: .qualityDefect),
    PricingUnit(unitId: 2, status: .outOfWarranty, reason: .chargeableCause, cause: .manMadeDamage),
    PricingUnit(unitId: 3, status: .outOfWarranty, reason: .expired, cause: .qualityDefect),
    PricingUnit(unitId: 4, status: .undetermined, reason: .causeNotDetermined, cause: .unknown),
]
let jobs = (0..<1000).map { i -> PricingJob in
    PricingJob(
        day: day, units: units,
        labour: (0..<8).map { k in
            LabourWork(
                unitId: k == 7 ? nil : 1 + (i + k) % 4, level: 1 + (i + k) % 5,
                difficulty: JobDifficulty.allCases[(i + k) % 4], minutes: 15 + (i * 7 + k * 13) % 300)
        },
        travel: [TravelWork(meters: (i * 997) % 120_000), TravelWork(meters: 25_000, unitIds: [2, 3])],
        parts: (0..<9).map { k in
            PartWork(
                unitId: 1 + (i + k) % 4, partId: 100 + k, quantityMilli: 1_000 * (1 + k % 3) + (k == 4 ? 500 : 0),
                unitCost: Money(minor: 199 + (i * 31 + k * 977) % 250_000, currency: .cny),
                feeBasisPoints: [0, 1_000, 1_500, 2_000][k % 4])
        },
        training: [TrainingWork(content: "operation", method: .onSite, minutes: 90)])
}
precondition(jobs.allSatisfy { $0.labour.count + $0.travel.count + $0.parts.count + $0.training.count == 20 })
var rates: [Double] = []
var sink = 0
for _ in 0..<7 {
    let began = Date()
    for _ in 0..<100 {
        for job in jobs {
            let priced = try! Pricing.price(job, schedule: schedule)
            sink &+= priced.chargedMinor &+ priced.lines.count
        }
    }
    rates.append(100_000 / Date().timeIntervalSince(began))
}
rates.sort()
print(
    "pricing: \(Int(rates[3])) jobs/s median of 7 runs (min \(Int(rates[0])), max \(Int(rates[6]))), checksum \(sink)")
