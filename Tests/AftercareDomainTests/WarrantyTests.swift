import AftercareDomain
import Foundation
import Testing

/// Where a request date falls relative to a warranty period.
enum DayInPeriod: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case beforeStart, firstDay, middle, lastDay, dayAfterEnd

    var testDescription: String { rawValue }

    func date(in period: WarrantyPeriod) -> CalendarDate {
        switch self {
        case .beforeStart: period.start.adding(days: -1)
        case .firstDay: period.start
        case .middle: period.start.adding(days: 100)
        case .lastDay: period.end
        case .dayAfterEnd: period.end.adding(days: 1)
        }
    }
}

/// A period counted from acceptance under the model's rule.
func modelPeriod(acceptance: String, months: Int) -> WarrantyPeriod {
    let terms = WarrantyTerms(months: months, startsFrom: .acceptance)
    guard let period = WarrantyPeriod.of(UnitDates(acceptance: day(acceptance)), terms: terms) else {
        fatalError("expected a period")
    }
    return period
}

/// One row of the decision table.
struct DecisionRow: Sendable, CustomTestStringConvertible {
    var cause: FaultCause
    var position: DayInPeriod
    var status: WarrantyStatus
    var reason: WarrantyReason

    init(_ cause: FaultCause, _ position: DayInPeriod, _ status: WarrantyStatus, _ reason: WarrantyReason) {
        self.cause = cause
        self.position = position
        self.status = status
        self.reason = reason
    }

    var testDescription: String { "\(cause) on \(position) → \(status)/\(reason)" }
}

@Suite("Warranty decision (R-2.4, R-6.1)")
struct WarrantyDecisionTests {
    /// The decision table: every cause at every position relative to the period.
    static let table: [DecisionRow] = [
        DecisionRow(.qualityDefect, .beforeStart, .inWarranty, .beforeWarrantyStart),
        DecisionRow(.qualityDefect, .firstDay, .inWarranty, .coveredCause),
        DecisionRow(.qualityDefect, .middle, .inWarranty, .coveredCause),
        DecisionRow(.qualityDefect, .lastDay, .inWarranty, .coveredCause),
        DecisionRow(.qualityDefect, .dayAfterEnd, .outOfWarranty, .expired),

        DecisionRow(.installation, .beforeStart, .inWarranty, .beforeWarrantyStart),
        DecisionRow(.installation, .firstDay, .inWarranty, .coveredCause),
        DecisionRow(.installation, .middle, .inWarranty, .coveredCause),
        DecisionRow(.installation, .lastDay, .inWarranty, .coveredCause),
        DecisionRow(.installation, .dayAfterEnd, .outOfWarranty, .expired),

        DecisionRow(.manMadeDamage, .beforeStart, .outOfWarranty, .chargeableCause),
        DecisionRow(.manMadeDamage, .firstDay, .outOfWarranty, .chargeableCause),
        DecisionRow(.manMadeDamage, .middle, .outOfWarranty, .chargeableCause),
        DecisionRow(.manMadeDamage, .lastDay, .outOfWarranty, .chargeableCause),
        DecisionRow(.manMadeDamage, .dayAfterEnd, .outOfWarranty, .expired),

        DecisionRow(.misuse, .beforeStart, .outOfWarranty, .chargeableCause),
        DecisionRow(.misuse, .firstDay, .outOfWarranty, .chargeableCause),
        DecisionRow(.misuse, .middle, .outOfWarranty, .chargeableCause),
        DecisionRow(.misuse, .lastDay, .outOfWarranty, .chargeableCause),
        DecisionRow(.misuse, .dayAfterEnd, .outOfWarranty, .expired),

        DecisionRow(.forceMajeure, .beforeStart, .outOfWarranty, .chargeableCause),
        DecisionRow(.forceMajeure, .firstDay, .outOfWarranty, .chargeableCause),
        DecisionRow(.forceMajeure, .middle, .outOfWarranty, .chargeableCause),
        DecisionRow(.forceMajeure, .lastDay, .outOfWarranty, .chargeableCause),
        DecisionRow(.forceMajeure, .dayAfterEnd, .outOfWarranty, .expired),

        // Before the start an unknown cause stays open, as inside the period: damage is charged even then.
        DecisionRow(.unknown, .beforeStart, .undetermined, .causeNotDetermined),
        DecisionRow(.unknown, .firstDay, .undetermined, .causeNotDetermined),
        DecisionRow(.unknown, .middle, .undetermined, .causeNotDetermined),
        DecisionRow(.unknown, .lastDay, .undetermined, .causeNotDetermined),
        DecisionRow(.unknown, .dayAfterEnd, .outOfWarranty, .expired),
    ]

    /// A plain year, and a year whose last day is a leap day.
    static let periods: [WarrantyPeriod] = [
        modelPeriod(acceptance: "2025-03-10", months: 12),
        modelPeriod(acceptance: "2023-03-01", months: 12),
    ]

    @Test("the decision table names every cause at every position exactly once")
    func tableIsComplete() {
        // given
        let expected = Set(FaultCause.allCases.flatMap { cause in DayInPeriod.allCases.map { "\(cause)/\($0)" } })
        // when
        let rows = Self.table.map { "\($0.cause)/\($0.position)" }
        // then
        #expect(Set(rows) == expected)
        #expect(rows.count == expected.count)
    }

    @Test("decision by cause and request date", arguments: table, periods)
    func decision(
        row: DecisionRow, period: WarrantyPeriod
    ) {
        // given
        let requestDate = row.position.date(in: period)
        // when
        let decision = WarrantyDecision.decide(period: period, requestDate: requestDate, cause: row.cause)
        // then
        #expect(decision.status == row.status)
        #expect(decision.reason == row.reason)
        #expect(decision.cause == row.cause)
        #expect(decision.requestDate == requestDate)
        #expect(decision.period == period)
    }

    @Test("the leap-day period covers 29 February and ends there")
    func leapDayPeriodBoundaries() {
        // given a year counted from 2023-03-01
        let period = Self.periods[1]
        // when
        let onLeapDay = WarrantyDecision.decide(period: period, requestDate: day("2024-02-29"), cause: .qualityDefect)
        let dayAfter = WarrantyDecision.decide(period: period, requestDate: day("2024-03-01"), cause: .qualityDefect)
        // then
        #expect(period.end == day("2024-02-29"))
        #expect(onLeapDay.status == .inWarranty && onLeapDay.reason == .coveredCause)
        #expect(dayAfter.status == .outOfWarranty && dayAfter.reason == .expired)
    }

    @Test(
        "without a period only a chargeable cause decides (it is charged); otherwise nothing can be decided",
        arguments: FaultCause.allCases)
    func noPeriod(cause: FaultCause) {
        // given no warranty period (no usable date on the unit)
        let requestDate = day("2026-03-15")
        // when
        let decision = WarrantyDecision.decide(period: nil, requestDate: requestDate, cause: cause)
        // then
        let chargeable = cause.isCoveredByWarranty == false
        #expect(decision.status == (chargeable ? .outOfWarranty : .undetermined))
        #expect(decision.reason == (chargeable ? .chargeableCause : .noWarrantyStart))
        #expect(decision.cause == cause)
        #expect(decision.requestDate == requestDate)
        #expect(decision.period == nil)
    }

    @Test(
        "expiry outranks the cause: after the end everything is charged", arguments: FaultCause.allCases, [1, 30, 3650])
    func expiryOutranksCause(cause: FaultCause, daysAfterEnd: Int) {
        // given a period and a request after its end
        let period = modelPeriod(acceptance: "2024-06-01", months: 24)
        let requestDate = period.end.adding(days: daysAfterEnd)
        // when
        let decision = WarrantyDecision.decide(period: period, requestDate: requestDate, cause: cause)
        // then
        #expect(decision.status == .outOfWarranty)
        #expect(decision.reason == .expired)
    }

    @Test(
        "R-6.1: quality and installation faults are ours, damage, misuse and force majeure are chargeable",
        arguments: [
            (FaultCause.qualityDefect, true), (.installation, true), (.manMadeDamage, false), (.misuse, false),
            (.forceMajeure, false), (.unknown, nil),
        ] as [(FaultCause, Bool?)])
    func causeCover(cause: FaultCause, covered: Bool?) {
        // given a cause
        // when
        let result = cause.isCoveredByWarranty
        // then
        #expect(result == covered)
    }

    @Test("a decision survives a JSON round trip")
    func decisionCodable() throws {
        // given
        let decision = WarrantyDecision.decide(
            period: modelPeriod(acceptance: "2025-01-31", months: 1), requestDate: day("2025-02-27"), cause: .misuse)
        // when
        let decoded = try JSONDecoder().decode(WarrantyDecision.self, from: JSONEncoder().encode(decision))
        // then
        #expect(decoded == decision)
    }
}

@Suite("Warranty period (R-1.3)")
struct WarrantyPeriodTests {
    @Test(
        "the end is the start plus the months, minus one day",
        arguments: [
            ("2025-03-10", 12, "2026-03-09"), ("2025-01-01", 12, "2025-12-31"), ("2025-01-31", 1, "2025-02-27"),
            ("2024-01-31", 1, "2024-02-28"), ("2024-02-29", 12, "2025-02-27"), ("2024-02-29", 1, "2024-03-28"),
            ("2023-03-01", 12, "2024-02-29"), ("2024-03-01", 1, "2024-03-31"), ("2025-12-01", 1, "2025-12-31"),
            ("2025-12-15", 24, "2027-12-14"), ("2025-05-31", 6, "2025-11-29"), ("2025-08-31", 18, "2027-02-27"),
            ("2027-03-01", 36, "2030-02-28"),
        ])
    func endFromMonths(start: String, months: Int, expectedEnd: String) throws {
        // given a unit accepted on `start` and a model warranty of `months`
        let dates = UnitDates(acceptance: day(start))
        let terms = WarrantyTerms(months: months, startsFrom: .acceptance)
        // when
        let period = try #require(WarrantyPeriod.of(dates, terms: terms))
        // then
        #expect(period.start == day(start))
        #expect(period.end == day(expectedEnd))
        #expect(period.end == day(start).adding(months: months).adding(days: -1))
        #expect(period.startedBy == .acceptance)
        #expect(period.source == "model")
    }

    @Test("the period counts from the model's start event", arguments: WarrantyStart.allCases)
    func startsFromRuleEvent(event: WarrantyStart) throws {
        // given a unit with every date known, each different
        let dates = UnitDates(
            sale: day("2025-01-05"), delivery: day("2025-01-20"), installation: day("2025-02-03"),
            acceptance: day("2025-02-10"))
        let terms = WarrantyTerms(months: 12, startsFrom: event)
        // when
        let period = try #require(WarrantyPeriod.of(dates, terms: terms))
        // then
        let start = try #require(dates.date(of: event))
        #expect(period.startedBy == event)
        #expect(period.start == start)
        #expect(period.end == start.adding(months: 12).adding(days: -1))
        #expect(period.source == "model")
    }

    @Test("a contract's own length in months replaces the model's")
    func overrideMonths() throws {
        // given a model warranty of 12 months and a contract of 36
        let dates = UnitDates(installation: day("2025-04-15"))
        let terms = WarrantyTerms(months: 12, startsFrom: .installation, overrideMonths: 36)
        // when
        let period = try #require(WarrantyPeriod.of(dates, terms: terms))
        // then
        #expect(period.start == day("2025-04-15"))
        #expect(period.end == day("2028-04-14"))
        #expect(period.startedBy == .installation)
        #expect(period.source == "contract")
    }

    @Test("a contract's fixed last day wins over any length")
    func overrideEnd() throws {
        // given a model warranty, a contract length and a contract end
        let dates = UnitDates(installation: day("2025-04-15"))
        let terms = WarrantyTerms(
            months: 12, startsFrom: .installation, overrideMonths: 36, overrideEnd: day("2027-12-31"))
        // when
        let period = try #require(WarrantyPeriod.of(dates, terms: terms))
        // then
        #expect(period.start == day("2025-04-15"))
        #expect(period.end == day("2027-12-31"))
        #expect(period.startedBy == .installation)
        #expect(period.source == "contract")
    }

    @Test("a contract end is used even without a contract length")
    func overrideEndAlone() throws {
        // given
        let dates = UnitDates(sale: day("2025-01-10"))
        let terms = WarrantyTerms(months: 12, startsFrom: .sale, overrideEnd: day("2025-06-30"))
        // when
        let period = try #require(WarrantyPeriod.of(dates, terms: terms))
        // then
        #expect(period.start == day("2025-01-10"))
        #expect(period.end == day("2025-06-30"))
        #expect(period.source == "contract")
    }

    /// (rule, which dates are known as "S D I A" letters, expected start event or nil)
    static let fallbacks: [(WarrantyStart, String, WarrantyStart?)] = [
        (.acceptance, "SDIA", .acceptance),
        (.acceptance, "SDI", .installation),
        (.acceptance, "SD", .delivery),
        (.acceptance, "S", .sale),
        (.acceptance, "SD A", .acceptance),
        (.acceptance, "S I", .installation),
        (.acceptance, "D", .delivery),
        (.acceptance, "", nil),
        (.installation, "SDIA", .installation),
        (.installation, "SD A", .delivery),
        (.installation, "S  A", .sale),
        (.installation, "   A", nil),
        (.installation, "", nil),
        (.delivery, "SDIA", .delivery),
        (.delivery, "S IA", .sale),
        (.delivery, "  IA", nil),
        (.sale, "SDIA", .sale),
        (.sale, " DIA", nil),
        (.sale, "", nil),
    ]

    @Test(
        "a missing start date falls back to the latest earlier known event, never to a later one",
        arguments: fallbacks)
    func fallback(rule: WarrantyStart, known: String, expected: WarrantyStart?) {
        // given a unit with only some dates known
        let all = UnitDates(
            sale: day("2025-01-05"), delivery: day("2025-01-20"), installation: day("2025-02-03"),
            acceptance: day("2025-02-10"))
        let dates = UnitDates(
            sale: known.contains("S") ? all.sale : nil, delivery: known.contains("D") ? all.delivery : nil,
            installation: known.contains("I") ? all.installation : nil,
            acceptance: known.contains("A") ? all.acceptance : nil)
        let terms = WarrantyTerms(months: 12, startsFrom: rule)
        // when
        let period = WarrantyPeriod.of(dates, terms: terms)
        // then
        #expect(period?.startedBy == expected)
        if let expected {
            #expect(period?.start == all.date(of: expected))
            #expect(period?.end == all.date(of: expected)?.adding(months: 12).adding(days: -1))
            #expect(period?.source == "model")
        }
    }

    @Test("no usable date means no period, even with contract overrides", arguments: WarrantyStart.allCases)
    func noDateNoPeriod(rule: WarrantyStart) {
        // given a unit without any date
        let terms = WarrantyTerms(months: 12, startsFrom: rule, overrideMonths: 24, overrideEnd: day("2030-01-01"))
        // when
        let period = WarrantyPeriod.of(UnitDates(), terms: terms)
        // then
        #expect(period == nil)
    }

    @Test("the fallback event also starts a contract period")
    func fallbackWithContract() throws {
        // given an unaccepted unit, a rule counting from acceptance and a contract length
        let dates = UnitDates(sale: day("2025-01-05"), installation: day("2025-02-03"))
        let terms = WarrantyTerms(months: 12, startsFrom: .acceptance, overrideMonths: 6)
        // when
        let period = try #require(WarrantyPeriod.of(dates, terms: terms))
        // then
        #expect(period.startedBy == .installation)
        #expect(period.start == day("2025-02-03"))
        #expect(period.end == day("2025-08-02"))
        #expect(period.source == "contract")
    }

    @Test(
        "covers includes the first and last day only",
        arguments: [
            ("2025-03-09", false), ("2025-03-10", true), ("2025-09-30", true), ("2026-03-09", true),
            ("2026-03-10", false),
        ])
    func covers(date: String, covered: Bool) {
        // given 2025-03-10 … 2026-03-09
        let period = modelPeriod(acceptance: "2025-03-10", months: 12)
        // when
        let result = period.covers(day(date))
        // then
        #expect(result == covered)
    }
}

@Suite("Unit date order (R-1.3)")
struct UnitDatesOrderTests {
    @Test("dates in order, or on the same day, have no problems")
    func inOrder() {
        // given
        let ordered = UnitDates(
            sale: day("2025-01-05"), delivery: day("2025-01-20"), installation: day("2025-02-03"),
            acceptance: day("2025-02-10"))
        let sameDay = UnitDates(
            sale: day("2025-01-05"), delivery: day("2025-01-05"), installation: day("2025-01-05"),
            acceptance: day("2025-01-05"))
        // when / then
        #expect(ordered.orderProblems().isEmpty)
        #expect(sameDay.orderProblems().isEmpty)
        #expect(UnitDates().orderProblems().isEmpty)
        #expect(UnitDates(acceptance: day("2020-01-01")).orderProblems().isEmpty)
        #expect(UnitDates(sale: day("2025-03-01"), acceptance: day("2025-03-01")).orderProblems().isEmpty)
    }

    @Test(
        "an out-of-order date names the latest earlier known field it must not precede",
        arguments: [
            // sale, delivery, installation, acceptance → expected problems
            ("2025-01-10", "2025-01-05", nil, nil, ["deliveryDate": "saleDate"]),
            ("2025-01-10", nil, "2025-01-05", nil, ["installationDate": "saleDate"]),
            ("2025-01-10", nil, nil, "2025-01-05", ["acceptanceDate": "saleDate"]),
            (nil, "2025-01-10", "2025-01-09", nil, ["installationDate": "deliveryDate"]),
            (nil, "2025-01-10", nil, "2025-01-09", ["acceptanceDate": "deliveryDate"]),
            ("2025-01-01", "2025-01-10", nil, "2025-01-05", ["acceptanceDate": "deliveryDate"]),
            ("2025-01-01", "2025-01-10", "2025-01-12", "2025-01-05", ["acceptanceDate": "installationDate"]),
            ("2025-01-01", "2025-01-10", "2025-01-12", "2025-01-11", ["acceptanceDate": "installationDate"]),
            (nil, nil, "2025-01-12", "2025-01-11", ["acceptanceDate": "installationDate"]),
            (
                "2025-01-10", "2025-01-05", "2025-01-20", "2025-01-15",
                ["deliveryDate": "saleDate", "acceptanceDate": "installationDate"]
            ),
            (
                "2025-01-10", "2025-01-09", "2025-01-08", "2025-01-07",
                ["deliveryDate": "saleDate", "installationDate": "saleDate", "acceptanceDate": "saleDate"]
            ),
            // Each date is compared with the latest of all earlier known dates: installation (01-07) is after the
            // refused delivery (01-05) but still before the sale (01-10), so both are named.
            (
                "2025-01-10", "2025-01-05", "2025-01-07", nil,
                ["deliveryDate": "saleDate", "installationDate": "saleDate"]
            ),
        ] as [(String?, String?, String?, String?, [String: String])])
    func outOfOrder(
        sale: String?, delivery: String?, installation: String?, acceptance: String?, expected: [String: String]
    ) {
        // given
        let dates = UnitDates(
            sale: sale.map(day), delivery: delivery.map(day), installation: installation.map(day),
            acceptance: acceptance.map(day))
        // when
        let problems = dates.orderProblems()
        // then
        #expect(problems == expected.mapValues { FieldProblem.mustNotBeBefore(field: $0) })
    }

    @Test("the problem reads as a machine code and an English message")
    func problemText() {
        // given
        let dates = UnitDates(installation: day("2025-02-03"), acceptance: day("2025-02-01"))
        // when
        let problem = dates.orderProblems()["acceptanceDate"]
        // then
        #expect(problem?.code == "must_not_be_before")
        #expect(problem?.message == "must not be before installationDate")
    }

    @Test("date(of:) reads the matching field", arguments: WarrantyStart.allCases)
    func dateOfEvent(event: WarrantyStart) {
        // given
        let dates = UnitDates(
            sale: day("2025-01-01"), delivery: day("2025-01-02"), installation: day("2025-01-03"),
            acceptance: day("2025-01-04"))
        let expected: [WarrantyStart: String] = [
            .sale: "2025-01-01", .delivery: "2025-01-02", .installation: "2025-01-03", .acceptance: "2025-01-04",
        ]
        // when
        let date = dates.date(of: event)
        // then
        #expect(date == expected[event].map(day))
    }
}

@Suite("A request's warranty from its units (R-1.2)")
struct WarrantySummaryTests {
    @Test(
        "all in is in, all out is out, anything else is undetermined",
        arguments: [
            ([WarrantyStatus?.some(.inWarranty)], WarrantyStatus.inWarranty),
            ([.inWarranty, .inWarranty], .inWarranty),
            ([.outOfWarranty, .outOfWarranty], .outOfWarranty),
            ([.inWarranty, .outOfWarranty], .undetermined),
            ([.inWarranty, nil], .undetermined),
            ([nil, nil], .undetermined),
            ([.undetermined, .undetermined], .undetermined),
            ([], .undetermined),
        ] as [([WarrantyStatus?], WarrantyStatus)])
    func summary(decisions: [WarrantyStatus?], expected: WarrantyStatus) {
        // given the units' decisions
        // when
        let summary = WarrantyStatus.summary(of: decisions)
        // then
        #expect(summary == expected)
    }
}
