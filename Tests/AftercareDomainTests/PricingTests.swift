import Foundation
import Testing

@testable import AftercareDomain

private let day = CalendarDate(year: 2026, month: 12, day: 7)!

/// A branch's schedule: levels 1–3 by the hour at difficulty A–B, level 3 per job at C, three travel bands (the last
/// open), one training content in two methods.
private let schedule = FeeSchedule(
    currency: .cny, validFrom: CalendarDate(year: 2026, month: 1, day: 1)!,
    validTo: CalendarDate(year: 2026, month: 12, day: 31)!,
    labour: [
        LabourRate(level: 1, difficulty: .a, basis: .perHour, amountMinor: 8_000),
        LabourRate(level: 1, difficulty: .b, basis: .perHour, amountMinor: 10_000),
        LabourRate(level: 2, difficulty: .a, basis: .perHour, amountMinor: 10_000),
        LabourRate(level: 2, difficulty: .b, basis: .perHour, amountMinor: 12_000),
        LabourRate(level: 3, difficulty: .a, basis: .perHour, amountMinor: 12_000),
        LabourRate(level: 3, difficulty: .b, basis: .perHour, amountMinor: 15_000),
        LabourRate(level: 3, difficulty: .c, basis: .perJob, amountMinor: 80_000),
    ],
    travel: [
        TravelBand(upToKm: 10, amountMinor: 5_000), TravelBand(upToKm: 30, amountMinor: 10_000),
        TravelBand(upToKm: nil, amountMinor: 20_000),
    ],
    training: [
        TrainingRate(content: "operation", method: .onSite, perHourMinor: 30_000),
        TrainingRate(content: "operation", method: .remote, perHourMinor: 15_000),
    ])

private func unit(_ id: Int, _ status: WarrantyStatus, _ reason: WarrantyReason, _ cause: FaultCause) -> PricingUnit {
    PricingUnit(unitId: id, status: status, reason: reason, cause: cause)
}

private let covered = unit(1, .inWarranty, .coveredCause, .qualityDefect)
private let damaged = unit(2, .outOfWarranty, .chargeableCause, .manMadeDamage)
private let expired = unit(3, .outOfWarranty, .expired, .qualityDefect)
private let undecided = unit(4, .undetermined, .causeNotDetermined, .unknown)

@Suite("Pricing (R-6)")
struct PricingTests {
    @Test(
        "R-6.1: each warranty decision gives the line's charge and reason",
        arguments: [
            (WarrantyStatus.inWarranty, WarrantyReason.coveredCause, Charge.free, LineReason.inWarranty),
            (.inWarranty, .beforeWarrantyStart, .free, .beforeWarrantyStart),
            (.outOfWarranty, .expired, .charged, .warrantyExpired),
            (.outOfWarranty, .chargeableCause, .charged, .chargeableCause),
            (.undetermined, .causeNotDetermined, .pending, .warrantyUndetermined),
            (.undetermined, .noWarrantyStart, .pending, .warrantyUndetermined),
        ])
    func entitlement(status: WarrantyStatus, reason: WarrantyReason, charge: Charge, line: LineReason) {
        let entitlement = unit(1, status, reason, .unknown).entitlement
        #expect(entitlement.charge == charge)
        #expect(entitlement.reason == line)
    }

    @Test(
        "Money rounds halves away from zero, to the minor unit",
        arguments: [
            (Int128(5), Int128(2), 3), (-5, 2, -3), (1, 3, 0), (2, 3, 1), (149, 100, 1), (150, 100, 2),
            (-150, 100, -2), (0, 7, 0), (1_000_000_000_000, 1, 1_000_000_000_000),
        ])
    func rounding(numerator: Int128, denominator: Int128, expected: Int) {
        #expect(roundedQuotient(numerator, denominator) == expected)
    }

    @Test("Money beyond the largest amount is refused, not wrapped")
    func roundingBound() {
        #expect(roundedQuotient(Int128(Money.maximumMinor) + 1, 1) == nil)
        #expect(roundedQuotient(Int128(Int.max) * 10, 3) == nil)
        #expect(Money(minor: 123_450, currency: .cny).decimalText == "1234.50")
        #expect(Money(minor: -5, currency: .eur).decimalText == "-0.05")
        #expect(Money(minor: 7, currency: .eur).decimalText == "0.07")
    }

    @Test(
        "R-6.2: a level the schedule does not list is paid at the highest level listed below it",
        arguments: [
            (1, JobDifficulty.a, Int?(8_000)), (3, .b, 15_000), (5, .b, 15_000), (4, .c, 80_000), (2, .c, nil),
            (1, .d, nil),
        ])
    func labourRate(level: Int, difficulty: JobDifficulty, amount: Int?) {
        #expect(schedule.labourRate(level: level, difficulty: difficulty)?.amountMinor == amount)
    }

    @Test(
        "R-6.2: a trip falls in the first band whose limit it does not pass",
        arguments: [(0, 5_000), (10_000, 5_000), (10_001, 10_000), (30_000, 10_000), (30_001, 20_000)])
    func travelBand(meters: Int, amount: Int) {
        #expect(schedule.travelBand(meters: meters)?.amountMinor == amount)
        let closed = FeeSchedule(
            currency: .cny, validFrom: day, labour: schedule.labour, travel: [TravelBand(upToKm: 10, amountMinor: 1)])
        #expect(closed.travelBand(meters: 10_001) == nil)
    }

    @Test("R-6.3: a schedule is published only when it is consistent, naming each field that is not")
    func scheduleProblems() {
        #expect(schedule.problems().isEmpty)
        var bad = schedule
        bad.validTo = CalendarDate(year: 2025, month: 12, day: 31)!
        bad.labour.append(LabourRate(level: 3, difficulty: .b, basis: .perJob, amountMinor: 1))
        bad.labour.append(LabourRate(level: 6, difficulty: .a, basis: .perHour, amountMinor: -1))
        bad.travel = [
            TravelBand(upToKm: 30, amountMinor: 1), TravelBand(upToKm: 10, amountMinor: 1),
            TravelBand(upToKm: nil, amountMinor: 1), TravelBand(upToKm: 50, amountMinor: 1),
        ]
        bad.training.append(TrainingRate(content: " operation ", method: .remote, perHourMinor: 1))
        bad.training.append(TrainingRate(content: "  ", method: .classroom, perHourMinor: 1))
        #expect(
            bad.problems() == [
                "validTo": .mustNotBeBefore(field: "validFrom"),
                "labour.7.difficulty": .duplicate,
                "labour.8.level": .outOfRange(min: 1, max: 5),
                "labour.8.amount": .outOfRange(min: 0, max: Money.maximumMinor),
                "travel.1.upToKm": .outOfRange(min: 31, max: 10_000),
                "travel.2.upToKm": .required,
                "training.2.method": .duplicate,
                "training.3.content": .required,
            ])
        // A limit out of range is named and not compared with the next one (no overflow).
        var huge = schedule
        huge.travel = [TravelBand(upToKm: Int.max, amountMinor: 1), TravelBand(upToKm: 5, amountMinor: 1)]
        #expect(huge.problems() == ["travel.0.upToKm": .outOfRange(min: 1, max: 10_000)])
        #expect(schedule.isValid(on: day))
        #expect(!schedule.isValid(on: CalendarDate(year: 2027, month: 1, day: 1)!))
        #expect(!schedule.isValid(on: CalendarDate(year: 2025, month: 12, day: 31)!))
    }

    @Test(
        "R-6.1: a one-unit repair is free in warranty and charged out of it, explained on every line",
        arguments: [
            (covered, Charge.free, LineReason.inWarranty, LineReason.servedFreeUnit, [0, 38_316, 0]),
            (damaged, .charged, .chargeableCause, .servedChargedUnits, [38_316, 0, 0]),
            (expired, .charged, .warrantyExpired, .servedChargedUnits, [38_316, 0, 0]),
            (undecided, .pending, .warrantyUndetermined, .warrantyUndetermined, [0, 0, 38_316]),
        ])
    func oneUnit(unit: PricingUnit, charge: Charge, reason: LineReason, trip: LineReason, sums: [Int]) throws {
        // 95 min at level 2 × B (120.00/h) = 190.00; 12 km = 100.00; 2 × 40.00 + 15 % = 92.00; 1.5 m × 0.77 + 0 % = 1.155
        // → 1.16 (rounded half up per line, not 1.15).
        let job = PricingJob(
            day: day, units: [unit],
            labour: [LabourWork(unitId: unit.unitId, level: 2, difficulty: .b, minutes: 95)],
            travel: [TravelWork(meters: 12_000)],
            parts: [
                PartWork(
                    unitId: unit.unitId, partId: 7, quantityMilli: 2_000, unitCost: Money(minor: 4_000, currency: .cny),
                    feeBasisPoints: 1_500),
                PartWork(
                    unitId: unit.unitId, partId: 8, quantityMilli: 1_500, unitCost: Money(minor: 77, currency: .cny),
                    feeBasisPoints: 0),
            ])
        let priced = try Pricing.price(job, schedule: schedule)
        #expect(priced.lines.map(\.amountMinor) == [19_000, 10_000, 9_200, 116])
        #expect(priced.lines.allSatisfy { $0.charge == charge })
        #expect(priced.lines.map(\.reason) == [reason, trip, reason, reason])
        #expect([priced.chargedMinor, priced.freeMinor, priced.pendingMinor] == sums)
        #expect(priced.isFinal == (charge != .pending))
        let labour = priced.lines[0]
        #expect(labour.level == 2 && labour.difficulty == .b && labour.basis == .perHour && labour.minutes == 95)
        #expect(labour.unitPriceMinor == 12_000 && labour.cause == unit.cause && labour.unitId == unit.unitId)
        #expect(priced.lines[1].meters == 12_000 && priced.lines[1].bandUpToKm == 30)
        #expect(priced.lines[2].unitPriceMinor == 4_600 && priced.lines[2].quantityMilli == 2_000)
        #expect(priced.lines[2].unitCostMinor == 4_000 && priced.lines[2].feeBasisPoints == 1_500)
        #expect(priced.lines[3].unitPriceMinor == 77)
    }

    @Test("R-6.1: a mixed multi-unit job prices each unit by its own warranty and shares the trip fairly")
    func mixedUnits() throws {
        let job = PricingJob(
            day: day, units: [covered, damaged, expired],
            labour: [
                LabourWork(unitId: 1, level: 3, difficulty: .b, minutes: 60),
                LabourWork(unitId: 2, level: 3, difficulty: .b, minutes: 30),
                LabourWork(unitId: 3, level: 4, difficulty: .c, minutes: 200),
                LabourWork(unitId: nil, level: 1, difficulty: .a, minutes: 45),
            ],
            travel: [TravelWork(meters: 8_000), TravelWork(meters: 40_000, unitIds: [2, 3])],
            parts: [
                PartWork(
                    unitId: 2, partId: 1, quantityMilli: 1_000, unitCost: Money(minor: 1_999, currency: .cny),
                    feeBasisPoints: 1_500)
            ],
            training: [TrainingWork(content: "operation", method: .remote, minutes: 90)])
        let priced = try Pricing.price(job, schedule: schedule)
        let expected: [(LineKind, Int?, Charge, LineReason, Int)] = [
            (.labour, 1, .free, .inWarranty, 15_000),
            (.labour, 2, .charged, .chargeableCause, 7_500),
            // Level 4 at C: the level-3 per-job rate, whatever the minutes.
            (.labour, 3, .charged, .warrantyExpired, 80_000),
            // Not tied to a unit, on a job whose units are not all covered alike: waits for the unit to be named.
            // 45 min × 80.00/h = 60.00.
            (.labour, nil, .pending, .unitNotNamed, 6_000),
            (.travel, nil, .free, .servedFreeUnit, 5_000),
            (.travel, nil, .charged, .servedChargedUnits, 20_000),
            // 19.99 + 15 % = 22.9885 → 22.99.
            (.part, 2, .charged, .chargeableCause, 2_299),
            (.training, nil, .charged, .trainingAgreed, 22_500),
        ]
        #expect(priced.lines.count == expected.count)
        for (line, want) in zip(priced.lines, expected) {
            #expect(line.kind == want.0 && line.unitId == want.1 && line.charge == want.2, "\(line)")
            #expect(line.reason == want.3 && line.amountMinor == want.4, "\(line)")
        }
        #expect(priced.lines[2].level == 3 && priced.lines[2].basis == .perJob && priced.lines[2].minutes == nil)
        #expect(priced.lines[2].quantityMilli == 1_000)
        #expect(priced.lines[7].content == "operation" && priced.lines[7].method == .remote)
        #expect(priced.chargedMinor == 7_500 + 80_000 + 20_000 + 2_299 + 22_500)
        #expect(priced.freeMinor == 15_000 + 5_000)
        #expect(priced.pendingMinor == 6_000)
        #expect(!priced.isFinal)
        #expect(priced.currency == .cny)
    }

    @Test(
        "R-6.1: a part not tied to a unit is free or charged only when all units agree",
        arguments: [
            ([covered], Charge.free, LineReason.servedFreeUnit), ([damaged, expired], .charged, .servedChargedUnits),
            ([covered, damaged], .pending, .unitNotNamed), ([undecided], .pending, .warrantyUndetermined),
            ([PricingUnit](), .charged, .servedChargedUnits),
        ])
    func untiedPart(units: [PricingUnit], charge: Charge, reason: LineReason) throws {
        let part = PartWork(
            unitId: nil, partId: 1, quantityMilli: 1_000, unitCost: Money(minor: 100, currency: .cny), feeBasisPoints: 0
        )
        let line = try Pricing.price(PricingJob(day: day, units: units, parts: [part]), schedule: schedule).lines[0]
        #expect(line.charge == charge && line.reason == reason && line.unitId == nil)
    }

    @Test("R-6.1: shared work waits for a decision when no unit it served is free but one is undecided")
    func sharedPending() throws {
        let job = PricingJob(
            day: day, units: [damaged, undecided],
            travel: [TravelWork(meters: 1_000), TravelWork(meters: 1, unitIds: [2])]
        )
        let priced = try Pricing.price(job, schedule: schedule)
        #expect(priced.lines.map(\.charge) == [.pending, .charged])
        #expect(priced.pendingMinor == 5_000 && priced.chargedMinor == 5_000 && !priced.isFinal)
        // A job with no units (training, or a trip before any unit is known) is charged.
        let trip = try Pricing.price(
            PricingJob(day: day, units: [], travel: [TravelWork(meters: 0)]), schedule: schedule)
        #expect(trip.lines.map(\.reason) == [.servedChargedUnits])
    }

    @Test(
        "Bad input is refused naming the field, and nothing is priced",
        arguments: [
            (
                PricingJob(day: day, units: [covered, covered]),
                PricingError.invalid(field: "units.1.unitId", problem: .duplicate)
            ),
            (
                PricingJob(
                    day: day, units: [covered], labour: [LabourWork(unitId: 9, level: 1, difficulty: .a, minutes: 5)]),
                .invalid(field: "labour.0.unitId", problem: .notFound)
            ),
            (
                PricingJob(
                    day: day, units: [covered], labour: [LabourWork(unitId: 1, level: 1, difficulty: .a, minutes: 0)]),
                .invalid(field: "labour.0.minutes", problem: .outOfRange(min: 1, max: 14_400))
            ),
            (
                PricingJob(
                    day: day, units: [covered], labour: [LabourWork(unitId: 1, level: 0, difficulty: .a, minutes: 5)]),
                .invalid(field: "labour.0.level", problem: .outOfRange(min: 1, max: 5))
            ),
            (
                PricingJob(
                    day: day, units: [covered], labour: [LabourWork(unitId: 1, level: 2, difficulty: .d, minutes: 5)]),
                .noLabourRate(field: "labour.0", level: 2, difficulty: .d)
            ),
            (
                PricingJob(day: day, units: [covered], travel: [TravelWork(meters: -1)]),
                .invalid(field: "travel.0.meters", problem: .outOfRange(min: 0, max: 10_000_000))
            ),
            (
                PricingJob(day: day, units: [covered], travel: [TravelWork(meters: 5, unitIds: [1, 4])]),
                .invalid(field: "travel.0.unitIds.1", problem: .notFound)
            ),
            (
                PricingJob(
                    day: day, units: [covered],
                    parts: [
                        PartWork(
                            unitId: 1, partId: 1, quantityMilli: 1_000, unitCost: Money(minor: 1, currency: .eur),
                            feeBasisPoints: 0)
                    ]),
                .currencyMismatch(field: "parts.0.unitCost", expected: .cny, found: .eur)
            ),
            (
                PricingJob(
                    day: day, units: [covered],
                    parts: [
                        PartWork(
                            unitId: 1, partId: 1, quantityMilli: 0, unitCost: Money(minor: 1, currency: .cny),
                            feeBasisPoints: 0)
                    ]),
                .invalid(field: "parts.0.quantity", problem: .outOfRange(min: 1, max: 1_000_000))
            ),
            (
                PricingJob(
                    day: day, units: [covered],
                    parts: [
                        PartWork(
                            unitId: 1, partId: 1, quantityMilli: 1_000, unitCost: Money(minor: -1, currency: .cny),
                            feeBasisPoints: 0)
                    ]),
                .invalid(field: "parts.0.unitCost", problem: .outOfRange(min: 0, max: Money.maximumMinor))
            ),
            (
                PricingJob(
                    day: day, units: [covered],
                    parts: [
                        PartWork(
                            unitId: 1, partId: 1, quantityMilli: 1_000, unitCost: Money(minor: 1, currency: .cny),
                            feeBasisPoints: 10_001)
                    ]),
                .invalid(field: "parts.0.managementFee", problem: .outOfRange(min: 0, max: 10_000))
            ),
            (
                PricingJob(
                    day: day, units: [covered],
                    parts: [
                        PartWork(
                            unitId: 1, partId: 1, quantityMilli: 1_000_000_000,
                            unitCost: Money(minor: Money.maximumMinor, currency: .cny), feeBasisPoints: 0)
                    ]),
                .tooLarge(field: "parts.0")
            ),
            (
                PricingJob(
                    day: day, units: [], training: [TrainingWork(content: "repair", method: .onSite, minutes: 60)]),
                .noTrainingRate(field: "training.0", content: "repair", method: .onSite)
            ),
            (
                PricingJob(day: CalendarDate(year: 2027, month: 1, day: 1)!, units: [covered]),
                .scheduleNotValid(day: CalendarDate(year: 2027, month: 1, day: 1)!)
            ),
        ])
    func refusals(job: PricingJob, error: PricingError) {
        #expect(throws: error) { try Pricing.price(job, schedule: schedule) }
    }

    @Test("A total beyond the largest amount is refused even when every line is within it")
    func totalBound() {
        let part = PartWork(
            unitId: 2, partId: 1, quantityMilli: 1_000, unitCost: Money(minor: Money.maximumMinor, currency: .cny),
            feeBasisPoints: 0)
        let job = PricingJob(day: day, units: [damaged], parts: [part, part])
        #expect(throws: PricingError.tooLarge(field: "total")) { try Pricing.price(job, schedule: schedule) }
    }

    @Test("A part of an hour is rounded to the cent once, on the line")
    func hourRounding() throws {
        let job = PricingJob(
            day: day, units: [covered, damaged],
            labour: [LabourWork(unitId: 2, level: 2, difficulty: .a, minutes: 7)], travel: [TravelWork(meters: 3)])
        // 7 min × 100.00/h = 11.666… → 11.67.
        #expect(try Pricing.price(job, schedule: schedule).lines[0].amountMinor == 1_167)
    }
}

@Suite("Money as typed (R-6)")
struct MoneyParsingTests {
    @Test(
        "an amount is read exactly, to the cent, or refused",
        arguments: [
            ("120", Int?(12_000)), ("120.5", 12_050), ("120,50", 12_050), (" 1 200.00 ", 120_000), (".5", 50),
            ("0", 0), ("7.", 700), ("10000000000", 1_000_000_000_000), ("10000000000.01", nil), ("1.234", nil),
            ("-1", nil), ("", nil), (".", nil), ("1e3", nil), ("１２", nil), ("12.3.4", nil), ("abc", nil),
            ("99999999999999999999", nil),
        ])
    func parse(text: String, minor: Int?) {
        #expect(Money.minor(parsing: text) == minor)
    }

    @Test("a schedule is upcoming, current or ended on a day")
    func standing() {
        let schedule = FeeSchedule(
            currency: .cny, validFrom: CalendarDate(year: 2026, month: 1, day: 1)!,
            validTo: CalendarDate(year: 2026, month: 6, day: 30)!, labour: [], travel: [])
        #expect(schedule.standing(on: CalendarDate(year: 2025, month: 12, day: 31)!) == .upcoming)
        #expect(schedule.standing(on: CalendarDate(year: 2026, month: 1, day: 1)!) == .current)
        #expect(schedule.standing(on: CalendarDate(year: 2026, month: 6, day: 30)!) == .current)
        #expect(schedule.standing(on: CalendarDate(year: 2026, month: 7, day: 1)!) == .ended)
    }
}
