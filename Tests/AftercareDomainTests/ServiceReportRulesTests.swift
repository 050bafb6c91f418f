import AftercareDomain
import Foundation
import Testing

/// The service report and spot check lifecycles written out independently of the production tables, and the
/// rules of as values.
private let now = Date(timeIntervalSince1970: 1_770_000_000)
private let day: TimeInterval = 86_400

@Suite("Service report lifecycle (R-5.1, R-5.2, R-5.4)")
struct ServiceReportLifecycleTests {
    static let frozen: [ServiceReportEffect] = [.freeze, .checkRepeatRepair, .sampleForSpotCheck]
    static let expected: [ServiceReportStatus: [ServiceReportEventKind: (ServiceReportStatus, [ServiceReportEffect])]] =
        [
            .draft: [.submit: (.submitted, [])],
            .submitted: [.reopen: (.draft, []), .sign: (.signed, frozen), .recordNoSignature: (.signed, frozen)],
            .signed: [.review: (.reviewed, []), .addAddendum: (.signed, [.appendAddendum])],
            .reviewed: [.archive: (.archived, []), .addAddendum: (.reviewed, [.appendAddendum])],
            .archived: [.addAddendum: (.archived, [.appendAddendum])],
        ]

    @Test("the table has a row for every status")
    func rows() {
        #expect(Set(ServiceReportLifecycle.transitions.keys) == Set(ServiceReportStatus.allCases))
    }

    @Test(
        "every event in every status: applied with its effects exactly when allowed",
        arguments: ServiceReportStatus.allCases, ServiceReportEventKind.allCases)
    func everyPair(status: ServiceReportStatus, event: ServiceReportEventKind) throws {
        // given a report in `status`
        var lifecycle = ServiceReportLifecycle(status: status)
        let allowed = ServiceReportEventKind.allCases.filter { Self.expected[status]?[$0] != nil }
        // when / then
        if let (target, effects) = Self.expected[status]?[event] {
            #expect(try lifecycle.apply(ServiceReportEvent(event, text: "customer not present"), at: now) == effects)
            #expect(lifecycle.status == target)
        } else {
            #expect(
                throws: EventNotAllowed<ServiceReportStatus, ServiceReportEventKind>(
                    event: event, from: status, allowed: allowed)
            ) {
                try lifecycle.apply(ServiceReportEvent(event, text: "customer not present"), at: now)
            }
            #expect(lifecycle.status == status)
        }
        #expect(ServiceReportLifecycle.allowed(in: status) == allowed)
    }

    @Test(
        "a report closed without a signature says why, an addendum has a text, and nothing changes without",
        arguments: [
            (ServiceReportStatus.submitted, ServiceReportEventKind.recordNoSignature), (.signed, .addAddendum),
            (.reviewed, .addAddendum), (.archived, .addAddendum),
        ], [nil, "", "  \n"] as [String?])
    func reasonRequired(pair: (ServiceReportStatus, ServiceReportEventKind), text: String?) {
        // given
        var lifecycle = ServiceReportLifecycle(status: pair.0)
        // when / then
        #expect(throws: ServiceReportError.reasonRequired(event: pair.1)) {
            try lifecycle.apply(ServiceReportEvent(pair.1, text: text), at: now)
        }
        #expect(lifecycle.status == pair.0)
    }

    @Test(
        "which events need a reason or a text",
        arguments: [
            (ServiceReportEventKind.submit, false), (.reopen, false), (.sign, false), (.recordNoSignature, true),
            (.review, false), (.archive, false), (.addAddendum, true),
        ])
    func requiresReason(event: ServiceReportEventKind, required: Bool) {
        #expect(event.requiresReason == required)
    }

    @Test("an event the table refuses is refused as such, even without its reason")
    func refusalFirst() {
        // given a draft
        var lifecycle = ServiceReportLifecycle()
        // when / then
        #expect(
            throws: EventNotAllowed<ServiceReportStatus, ServiceReportEventKind>(
                event: .recordNoSignature, from: .draft, allowed: [.submit])
        ) {
            try lifecycle.apply(ServiceReportEvent(.recordNoSignature), at: now)
        }
        #expect(lifecycle.status == .draft)
    }

    @Test("the engineer takes a submitted report back without a reason, and may then edit it")
    func reopen() throws {
        // given a submitted report
        var lifecycle = ServiceReportLifecycle(status: .submitted)
        #expect(!ServiceReportLifecycle.isEditable(lifecycle.status))
        // when
        let effects = try lifecycle.apply(ServiceReportEvent(.reopen), at: now)
        // then
        #expect(effects.isEmpty)
        #expect(lifecycle.status == .draft)
        #expect(ServiceReportLifecycle.isEditable(lifecycle.status))
    }

    @Test(
        "only a draft is editable",
        arguments: [
            (ServiceReportStatus.draft, true), (.submitted, false), (.signed, false), (.reviewed, false),
            (.archived, false),
        ])
    func editable(status: ServiceReportStatus, editable: Bool) {
        #expect(ServiceReportLifecycle.isEditable(status) == editable)
    }
}

@Suite("Service report outcome and ratings (R-5.2)")
struct ServiceReportOutcomeTests {
    @Test(
        "a result is required; a job not fixed names its next step, a fixed one none",
        arguments: [
            (nil, nil, ["result": .required]),
            (nil, .secondVisit, ["result": .required]),
            (.fixed, nil, [:]),
            (.fixed, .secondVisit, ["nextStep": .invalidValue(allowed: [])]),
            (.fixed, .escalate, ["nextStep": .invalidValue(allowed: [])]),
            (.notFixed, nil, ["nextStep": .required]),
            (.notFixed, .secondVisit, [:]),
            (.notFixed, .depotRepair, [:]),
            (.notFixed, .escalate, [:]),
        ] as [(ServiceReportResult?, VisitNextStep?, [String: FieldProblem])])
    func outcome(result: ServiceReportResult?, nextStep: VisitNextStep?, problems: [String: FieldProblem]) {
        #expect(ReportOutcome(result: result, nextStep: nextStep).problems() == problems)
    }

    @Test(
        "each rating is from 1 to 5, and every one out of range is named",
        arguments: [
            (1, 1, 1, [:]),
            (5, 5, 5, [:]),
            (3, 4, 2, [:]),
            (0, 3, 3, ["attitude": .outOfRange(min: 1, max: 5)]),
            (3, 6, 3, ["quality": .outOfRange(min: 1, max: 5)]),
            (3, 3, -1, ["timeliness": .outOfRange(min: 1, max: 5)]),
            (
                0, 0, 6,
                [
                    "attitude": .outOfRange(min: 1, max: 5), "quality": .outOfRange(min: 1, max: 5),
                    "timeliness": .outOfRange(min: 1, max: 5),
                ]
            ),
        ] as [(Int, Int, Int, [String: FieldProblem])])
    func ratings(attitude: Int, quality: Int, timeliness: Int, problems: [String: FieldProblem]) {
        #expect(ServiceRatings.problems(attitude: attitude, quality: quality, timeliness: timeliness) == problems)
        #expect(ServiceRatings(attitude: attitude, quality: quality, timeliness: timeliness).problems() == problems)
    }
}

/// One repeat-repair case: the earlier records of the unit and which one (by id) flags the repair.
struct RepeatRepairCase: Sendable, CustomTestStringConvertible {
    var name: String
    var history: [RepairRecord]
    var flaggedBy: Int?
    var windowDays = 90

    var testDescription: String { name }
}

@Suite("Repeat repairs (R-5.4)")
struct RepeatRepairTests {
    /// The repair under test: unit 7, the compressor, fixed now.
    static let repair = RepairRecord(id: 100, unitId: 7, faultCategory: "Compressor", result: .fixed, finishedAt: now)

    static func record(
        _ id: Int, unit: Int = 7, category: String = "Compressor", result: ServiceReportResult = .fixed,
        ago: TimeInterval
    ) -> RepairRecord {
        RepairRecord(id: id, unitId: unit, faultCategory: category, result: result, finishedAt: now - ago)
    }

    static let cases: [RepeatRepairCase] = [
        RepeatRepairCase(
            name: "same unit and category within the window: the most recent fixed one",
            history: [record(1, ago: 60 * day), record(2, ago: 10 * day), record(3, result: .notFixed, ago: 5 * day)],
            flaggedBy: 2),
        RepeatRepairCase(
            name: "the category compared trimmed and without case",
            history: [record(1, category: "  compressor\n", ago: 10 * day)], flaggedBy: 1),
        RepeatRepairCase(
            name: "another unit", history: [record(1, unit: 8, ago: 10 * day)], flaggedBy: nil),
        RepeatRepairCase(
            name: "another category", history: [record(1, category: "Display", ago: 10 * day)], flaggedBy: nil),
        RepeatRepairCase(
            name: "the earlier repair did not fix it", history: [record(1, result: .notFixed, ago: 10 * day)],
            flaggedBy: nil),
        RepeatRepairCase(
            name: "one second outside the window", history: [record(1, ago: 90 * day + 1)], flaggedBy: nil),
        RepeatRepairCase(
            name: "exactly at the window's edge", history: [record(1, ago: 90 * day)], flaggedBy: 1),
        RepeatRepairCase(
            name: "a later repair", history: [record(1, ago: -1)], flaggedBy: nil),
        RepeatRepairCase(
            name: "finished at the same moment", history: [record(1, ago: 0)], flaggedBy: 1),
        RepeatRepairCase(
            name: "the repair itself", history: [repair], flaggedBy: nil),
        RepeatRepairCase(
            name: "no history", history: [], flaggedBy: nil),
        RepeatRepairCase(
            name: "a shorter window", history: [record(1, ago: 31 * day), record(2, ago: 30 * day)], flaggedBy: 2,
            windowDays: 30),
        RepeatRepairCase(
            name: "outside a shorter window", history: [record(1, ago: 31 * day)], flaggedBy: nil, windowDays: 30),
    ]

    @Test("a repair is flagged by the most recent earlier fixed repair of the same fault", arguments: cases)
    func flagged(example: RepeatRepairCase) {
        // given
        let rule = RepeatRepairRule(windowDays: example.windowDays)
        // when
        let earlier = rule.earlier(for: Self.repair, among: example.history)
        // then
        #expect(earlier?.id == example.flaggedBy)
    }

    @Test("a blank fault category flags nothing")
    func blankCategory() {
        let repair = RepairRecord(id: 100, unitId: 7, faultCategory: " ", result: .fixed, finishedAt: now)
        #expect(RepeatRepairRule().earlier(for: repair, among: [Self.record(1, category: "", ago: day)]) == nil)
    }

    @Test(
        "the window is from 1 to 3650 days",
        arguments: [
            (0, ["repeatWindowDays": .outOfRange(min: 1, max: 3650)]), (1, [:]), (90, [:]), (3650, [:]),
            (3651, ["repeatWindowDays": .outOfRange(min: 1, max: 3650)]),
        ] as [(Int, [String: FieldProblem])])
    func window(days: Int, problems: [String: FieldProblem]) {
        #expect(RepeatRepairRule.problems(windowDays: days) == problems)
        #expect(RepeatRepairRule(windowDays: days).problems() == problems)
    }

    @Test("the default window is 90 days")
    func defaultWindow() {
        #expect(RepeatRepairRule().windowDays == 90)
    }
}

@Suite("Spot-check sampling (R-5.4)")
struct SpotCheckSamplingTests {
    static let ids = Array(1...1000)

    @Test("a share of 0 selects no fixed job")
    func none() {
        let sampling = SpotCheckSampling(shareBasisPoints: 0, seed: 42)
        #expect(!Self.ids.contains { sampling.selects(reportId: $0, isRepeatRepair: false, result: .fixed) })
    }

    @Test("a share of 10 000 selects every fixed job")
    func all() {
        let sampling = SpotCheckSampling(shareBasisPoints: 10_000, seed: 42)
        #expect(Self.ids.allSatisfy { sampling.selects(reportId: $0, isRepeatRepair: false, result: .fixed) })
    }

    @Test(
        "every repeat repair is selected, whatever the share and the result",
        arguments: [0, 1500, 10_000], [ServiceReportResult.fixed, .notFixed])
    func repeatRepair(share: Int, result: ServiceReportResult) {
        let sampling = SpotCheckSampling(shareBasisPoints: share, seed: 7)
        #expect(Self.ids.allSatisfy { sampling.selects(reportId: $0, isRepeatRepair: true, result: result) })
    }

    @Test("a job not fixed is never sampled")
    func notFixed() {
        let sampling = SpotCheckSampling(shareBasisPoints: 10_000, seed: 7)
        #expect(!Self.ids.contains { sampling.selects(reportId: $0, isRepeatRepair: false, result: .notFixed) })
    }

    @Test("the choice is the same for the same seed, and another seed chooses otherwise")
    func deterministic() {
        // given
        let sampling = SpotCheckSampling(shareBasisPoints: 1500, seed: 2026)
        let again = SpotCheckSampling(shareBasisPoints: 1500, seed: 2026)
        let other = SpotCheckSampling(shareBasisPoints: 1500, seed: 2027)
        // when
        let first = Self.ids.map { sampling.selects(reportId: $0, isRepeatRepair: false, result: .fixed) }
        let second = Self.ids.map { again.selects(reportId: $0, isRepeatRepair: false, result: .fixed) }
        let third = Self.ids.map { other.selects(reportId: $0, isRepeatRepair: false, result: .fixed) }
        // then
        #expect(first == second)
        #expect(first != third)
    }

    @Test("a share of 1500 basis points selects 15 % of 10 000 fixed jobs, within 2 points", arguments: [0, 1, 42])
    func share(seed: UInt64) {
        // given
        let sampling = SpotCheckSampling(shareBasisPoints: 1500, seed: seed)
        // when
        let selected = (1...10_000).filter { sampling.selects(reportId: $0, isRepeatRepair: false, result: .fixed) }
        // then
        #expect((1300...1700).contains(selected.count))
    }

    @Test(
        "the share is from 0 to 10 000 basis points",
        arguments: [
            (-1, ["spotCheckShare": .outOfRange(min: 0, max: 10_000)]), (0, [:]), (1500, [:]), (10_000, [:]),
            (10_001, ["spotCheckShare": .outOfRange(min: 0, max: 10_000)]),
        ] as [(Int, [String: FieldProblem])])
    func validation(share: Int, problems: [String: FieldProblem]) {
        #expect(SpotCheckSampling.problems(shareBasisPoints: share) == problems)
        #expect(SpotCheckSampling(shareBasisPoints: share, seed: 1).problems() == problems)
    }
}

@Suite("Spot-check lifecycle (R-5.4)")
struct SpotCheckLifecycleTests {
    static let expected: [SpotCheckStatus: [SpotCheckEventKind: (SpotCheckStatus, [SpotCheckEffect])]] = [
        .pending: [.pass: (.passed, []), .fail: (.failed, [.openRework, .countAgainstJob])],
        .passed: [:], .failed: [:],
    ]

    @Test("the table has a row for every status")
    func rows() {
        #expect(Set(SpotCheckLifecycle.transitions.keys) == Set(SpotCheckStatus.allCases))
    }

    @Test(
        "every result in every status: applied with its effects exactly when allowed",
        arguments: SpotCheckStatus.allCases, SpotCheckEventKind.allCases)
    func everyPair(status: SpotCheckStatus, event: SpotCheckEventKind) throws {
        // given a spot check in `status`
        var lifecycle = SpotCheckLifecycle(status: status)
        // when / then
        if let (target, effects) = Self.expected[status]?[event] {
            #expect(try lifecycle.apply(SpotCheckEvent(event, reason: "fault came back"), at: now) == effects)
            #expect(lifecycle.status == target)
        } else {
            #expect(
                throws: EventNotAllowed<SpotCheckStatus, SpotCheckEventKind>(event: event, from: status, allowed: [])
            ) {
                try lifecycle.apply(SpotCheckEvent(event, reason: "fault came back"), at: now)
            }
            #expect(lifecycle.status == status)
        }
    }

    @Test("a failed check says why, and nothing changes without a reason", arguments: [nil, "", " \t\n"] as [String?])
    func reasonRequired(reason: String?) {
        // given
        var lifecycle = SpotCheckLifecycle()
        // when / then
        #expect(throws: SpotCheckError.reasonRequired(event: .fail)) {
            try lifecycle.apply(SpotCheckEvent(.fail, reason: reason), at: now)
        }
        #expect(lifecycle.status == .pending)
        #expect(SpotCheckEventKind.fail.requiresReason)
        #expect(!SpotCheckEventKind.pass.requiresReason)
    }

    @Test("a pass needs no reason")
    func pass() throws {
        var lifecycle = SpotCheckLifecycle()
        #expect(try lifecycle.apply(SpotCheckEvent(.pass), at: now).isEmpty)
        #expect(lifecycle.status == .passed)
    }
}
