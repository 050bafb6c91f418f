import AftercareDomain
import Foundation
import Testing

/// The voice of the customer: questionnaires and answers, satisfaction figures, suggestions, the visit plan
/// and mystery shopping.
private let now = Date(timeIntervalSince1970: 1_770_000_000)

private func english(_ text: String) -> LocalizedText { ["en": text] }

private func choices(_ keys: [String]) -> [QuestionOption] {
    keys.map { QuestionOption(key: $0, text: english($0.capitalized)) }
}

@Suite("Questionnaires (R-10.2)")
struct QuestionnaireTests {
    static let title: LocalizedText = ["zh-Hans": "服务满意度", "en": "How did we do?"]

    static let valid = [
        Question(key: "overall", kind: .rating, text: english("How satisfied are you?")),
        Question(key: "recommend", kind: .nps, text: english("Would you recommend us?")),
        Question(
            key: "contact", kind: .single, text: english("How did you reach us?"), options: choices(["phone", "web"])),
        Question(
            key: "liked", kind: .multiple, text: english("What did you like?"), options: choices(["speed", "staff"]),
            required: false),
        Question(key: "comment", kind: .text, text: english("Anything else?"), required: false),
    ]

    @Test("a questionnaire of every kind of question, titled in two languages, has no problems")
    func valid() {
        #expect(Questionnaire.problems(title: Self.title, questions: Self.valid).isEmpty)
    }

    @Test("a key used twice is a duplicate on the second question; a malformed key is reported as such")
    func keys() {
        // given
        let questions = [
            Question(key: "overall", kind: .rating, text: english("One")),
            Question(key: "overall", kind: .text, text: english("Two")),
            Question(key: "Bad Key", kind: .text, text: english("Three")),
            Question(key: "", kind: .text, text: english("Four")),
        ]
        // when
        let problems = Questionnaire.problems(title: Self.title, questions: questions)
        // then
        let format = FieldProblem.invalidFormat(expected: "1 to 40 of a-z, 0-9, '_', '-'")
        #expect(
            problems.fields == ["questions[1].key": .duplicate, "questions[2].key": format, "questions[3].key": format])
    }

    @Test(
        "options belong to choice questions only",
        arguments: [QuestionKind.rating, .nps, .text])
    func optionsOnlyForChoices(kind: QuestionKind) {
        // given
        let question = Question(key: "q", kind: kind, text: english("Q"), options: choices(["a", "b"]))
        // when
        let problems = Questionnaire.problems(title: Self.title, questions: [question])
        // then
        #expect(problems.fields == ["questions[0].options": .invalidValue(allowed: ["only with single or multiple"])])
    }

    @Test(
        "a choice question has 2 to 12 options",
        arguments: [QuestionKind.single, .multiple], [0, 1, 2, 12, 13])
    func optionCount(kind: QuestionKind, count: Int) {
        // given
        let question = Question(
            key: "q", kind: kind, text: english("Q"), options: choices((0..<count).map { "o\($0)" }))
        // when
        let problems = Questionnaire.problems(title: Self.title, questions: [question])
        // then
        if (2...12).contains(count) {
            #expect(problems.isEmpty)
        } else {
            #expect(problems.fields == ["questions[0].options": .outOfRange(min: 2, max: 12)])
        }
    }

    @Test("an option key used twice is a duplicate")
    func duplicateOption() {
        // given
        let question = Question(
            key: "q", kind: .single, text: english("Q"),
            options: [QuestionOption(key: "a", text: english("A")), QuestionOption(key: "a", text: english("B"))])
        // then
        #expect(
            Questionnaire.problems(title: Self.title, questions: [question]).fields == [
                "questions[0].options[1].key": .duplicate
            ])
    }

    @Test("a text in a language the interface does not have is an unknown field, wherever it is")
    func unknownLanguage() {
        // given
        let title: LocalizedText = ["en": "Survey", "fr": "Enquête"]
        let question = Question(
            key: "q", kind: .single, text: ["de": "Frage"],
            options: [QuestionOption(key: "a", text: ["it": "A"]), QuestionOption(key: "b", text: english("B"))])
        // when
        let problems = Questionnaire.problems(title: title, questions: [question])
        // then
        #expect(
            problems.fields == [
                "title.fr": .unknownField, "questions[0].text.de": .unknownField,
                "questions[0].options[0].text.it": .unknownField,
            ])
    }

    @Test(
        "a title or a text blank in every language is required",
        arguments: [[:], ["en": "  "], ["en": "", "es": "\n"]] as [LocalizedText])
    func blankText(text: LocalizedText) {
        // when
        let problems = Questionnaire.problems(
            title: text, questions: [Question(key: "q", kind: .text, text: text)])
        // then
        #expect(problems.fields == ["title": .required, "questions[0].text": .required])
    }

    @Test("a text over the note limit is too long")
    func longText() {
        // given
        let long = String(repeating: "长", count: Limits.note + 1)
        // then
        #expect(
            Questionnaire.problems(title: ["zh-Hans": long], questions: Self.valid).fields == [
                "title.zh-Hans": .tooLong(max: Limits.note)
            ])
    }

    @Test("a questionnaire asks at most one NPS question")
    func oneNPS() {
        // given
        let second = Question(key: "recommend2", kind: .nps, text: english("Again?"))
        // then
        #expect(
            Questionnaire.problems(title: Self.title, questions: Self.valid + [second]).fields == [
                "questions": .invalidValue(allowed: ["at most one nps question"])
            ])
    }

    @Test("1 to 30 questions", arguments: [0, 1, 30, 31])
    func questionCount(count: Int) {
        // given
        let questions = (0..<count).map { Question(key: "q\($0)", kind: .text, text: english("Q\($0)")) }
        // when
        let problems = Questionnaire.problems(title: Self.title, questions: questions)
        // then
        switch count {
        case 0: #expect(problems.fields == ["questions": .required])
        case 31: #expect(problems.fields == ["questions": .outOfRange(min: 1, max: 30)])
        default: #expect(problems.isEmpty)
        }
    }
}

@Suite("Survey answers (R-10.2)")
struct SurveyAnswersTests {
    static let questions = QuestionnaireTests.valid

    static let complete: [String: Answer] = [
        "overall": Answer(number: 4), "recommend": Answer(number: 9), "contact": Answer(options: ["phone"]),
        "liked": Answer(options: ["speed", "staff"]), "comment": Answer(text: "快"),
    ]

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        /// Changes to the complete answers: nil removes the answer.
        var changes: [String: Answer?]
        var expected: [String: FieldProblem]

        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "complete", changes: [:], expected: [:]),
        Case(name: "optional ones left out", changes: ["liked": nil, "comment": nil], expected: [:]),
        Case(name: "a required answer missing", changes: ["overall": nil], expected: ["answers.overall": .required]),
        Case(
            name: "a required answer blank",
            changes: ["contact": Answer(options: [], text: "  ")], expected: ["answers.contact": .required]),
        Case(name: "a rating of 1", changes: ["overall": Answer(number: 1)], expected: [:]),
        Case(name: "a rating of 5", changes: ["overall": Answer(number: 5)], expected: [:]),
        Case(
            name: "a rating of 0", changes: ["overall": Answer(number: 0)],
            expected: ["answers.overall": .outOfRange(min: 1, max: 5)]),
        Case(
            name: "a rating of 6", changes: ["overall": Answer(number: 6)],
            expected: ["answers.overall": .outOfRange(min: 1, max: 5)]),
        Case(
            name: "a rating given as text", changes: ["overall": Answer(text: "good")],
            expected: ["answers.overall": .outOfRange(min: 1, max: 5)]),
        Case(name: "an NPS of 0", changes: ["recommend": Answer(number: 0)], expected: [:]),
        Case(name: "an NPS of 10", changes: ["recommend": Answer(number: 10)], expected: [:]),
        Case(
            name: "an NPS of -1", changes: ["recommend": Answer(number: -1)],
            expected: ["answers.recommend": .outOfRange(min: 0, max: 10)]),
        Case(
            name: "an NPS of 11", changes: ["recommend": Answer(number: 11)],
            expected: ["answers.recommend": .outOfRange(min: 0, max: 10)]),
        Case(
            name: "an unknown option", changes: ["contact": Answer(options: ["fax"])],
            expected: ["answers.contact": .invalidValue(allowed: ["phone", "web"])]),
        Case(
            name: "a single choice with two options", changes: ["contact": Answer(options: ["phone", "web"])],
            expected: ["answers.contact": .invalidValue(allowed: ["phone", "web"])]),
        Case(
            name: "a single choice given only a number", changes: ["contact": Answer(number: 1)],
            expected: ["answers.contact": .invalidValue(allowed: ["phone", "web"])]),
        Case(name: "a multiple choice with one option", changes: ["liked": Answer(options: ["staff"])], expected: [:]),
        Case(
            name: "a multiple choice naming an option twice", changes: ["liked": Answer(options: ["staff", "staff"])],
            expected: ["answers.liked": .invalidValue(allowed: ["speed", "staff"])]),
        Case(
            name: "a multiple choice with an unknown option", changes: ["liked": Answer(options: ["speed", "price"])],
            expected: ["answers.liked": .invalidValue(allowed: ["speed", "staff"])]),
        Case(
            name: "a text over the limit", changes: ["comment": Answer(text: String(repeating: "a", count: 4001))],
            expected: ["answers.comment": .tooLong(max: Limits.longText)]),
        Case(
            name: "an answer to a question not asked", changes: ["extra": Answer(number: 3)],
            expected: ["answers.extra": .unknownField]),
    ]

    @Test("answers are checked against their questions", arguments: cases)
    func problems(_ testCase: Case) {
        // given
        var answers = Self.complete
        for (key, answer) in testCase.changes { answers[key] = answer }
        // when
        let problems = SurveyAnswers.problems(answers, to: Self.questions)
        // then
        #expect(problems.fields == testCase.expected)
    }

    @Test("no answers at all: every required question is required")
    func empty() {
        #expect(
            SurveyAnswers.problems([:], to: Self.questions).fields == [
                "answers.overall": .required, "answers.recommend": .required, "answers.contact": .required,
            ])
    }

    @Test("the scores are the first rating answered and the NPS answer")
    func scores() {
        // given: two rating questions, the first left out
        let questions = [
            Question(key: "first", kind: .rating, text: english("First"), required: false),
            Question(key: "second", kind: .rating, text: english("Second")),
            Question(key: "recommend", kind: .nps, text: english("Recommend")),
        ]
        // when
        let some = SurveyAnswers.scores(["second": Answer(number: 2), "recommend": Answer(number: 7)], of: questions)
        let both = SurveyAnswers.scores(["first": Answer(number: 5), "second": Answer(number: 2)], of: questions)
        let none = SurveyAnswers.scores([:], of: questions)
        let noNPSQuestion = SurveyAnswers.scores(["first": Answer(number: 3)], of: Array(questions.prefix(2)))
        // then
        #expect(some.csat == 2 && some.nps == 7)
        #expect(both.csat == 5 && both.nps == nil)
        #expect(none.csat == nil && none.nps == nil)
        #expect(noNPSQuestion.csat == 3 && noNPSQuestion.nps == nil)
    }
}

@Suite("Satisfaction figures (R-10.2, R-13.4)")
struct SatisfactionScoreTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var ratings: [Int]
        var npsAnswers: [Int]
        var nps: Int?
        var csatPercent: Int?
        var averageTenths: Int?

        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "no answers", ratings: [], npsAnswers: [], nps: nil, csatPercent: nil, averageTenths: nil),
        Case(
            name: "5 promoters, 3 passives, 2 detractors", ratings: [],
            npsAnswers: [9, 10, 9, 10, 9, 7, 8, 7, 0, 6], nps: 30, csatPercent: nil, averageTenths: nil),
        Case(
            name: "all detractors", ratings: [], npsAnswers: [0, 3, 6], nps: -100, csatPercent: nil,
            averageTenths: nil),
        Case(name: "all promoters", ratings: [], npsAnswers: [9, 10], nps: 100, csatPercent: nil, averageTenths: nil),
        Case(name: "all passives", ratings: [], npsAnswers: [7, 8], nps: 0, csatPercent: nil, averageTenths: nil),
        Case(
            name: "1 of 3 promoters", ratings: [], npsAnswers: [9, 7, 8], nps: 33, csatPercent: nil, averageTenths: nil),
        Case(
            name: "2 of 3 promoters", ratings: [], npsAnswers: [9, 10, 8], nps: 67, csatPercent: nil, averageTenths: nil
        ),
        Case(
            name: "a half rounds away from zero", ratings: [], npsAnswers: [10, 7, 7, 7, 7, 7, 7, 7], nps: 13,
            csatPercent: nil, averageTenths: nil),
        Case(
            name: "a negative half rounds away from zero", ratings: [], npsAnswers: [6, 7, 7, 7, 7, 7, 7, 7], nps: -13,
            csatPercent: nil, averageTenths: nil),
        Case(
            name: "ratings 1 to 5", ratings: [5, 4, 3, 2, 1], npsAnswers: [], nps: nil, csatPercent: 40,
            averageTenths: 30),
        Case(
            name: "ratings 5, 4, 4", ratings: [5, 4, 4], npsAnswers: [], nps: nil, csatPercent: 100, averageTenths: 43),
        Case(
            name: "ratings 5, 5, 4", ratings: [5, 5, 4], npsAnswers: [], nps: nil, csatPercent: 100, averageTenths: 47),
        Case(name: "ratings 1, 2", ratings: [1, 2], npsAnswers: [], nps: nil, csatPercent: 0, averageTenths: 15),
        Case(
            name: "ratings 4, 3, 3", ratings: [4, 3, 3], npsAnswers: [], nps: nil, csatPercent: 33, averageTenths: 33),
        Case(name: "both", ratings: [5, 3], npsAnswers: [10, 2], nps: 0, csatPercent: 50, averageTenths: 40),
    ]

    @Test("NPS, CSAT and the average of a group of answers", arguments: cases)
    func figures(_ testCase: Case) {
        // given
        var score = SatisfactionScore()
        for index in 0..<max(testCase.ratings.count, testCase.npsAnswers.count) {
            score.add(
                csat: index < testCase.ratings.count ? testCase.ratings[index] : nil,
                nps: index < testCase.npsAnswers.count ? testCase.npsAnswers[index] : nil)
        }
        // then
        #expect(score.nps == testCase.nps)
        #expect(score.csatPercent == testCase.csatPercent)
        #expect(score.averageTenths == testCase.averageTenths)
        #expect(score.npsAnswers == testCase.npsAnswers.count)
        #expect(score.ratings == testCase.ratings.count)
        #expect(score.ratingSum == testCase.ratings.reduce(0, +))
    }

    @Test("promoters are 9–10, passives 7–8, detractors 0–6; satisfied is a rating of 4 or 5")
    func groups() {
        // given
        var score = SatisfactionScore()
        // when
        for value in 0...10 { score.add(csat: nil, nps: value) }
        for rating in 1...5 { score.add(csat: rating, nps: nil) }
        // then
        #expect(
            score
                == SatisfactionScore(
                    ratings: 5, ratingSum: 15, satisfied: 2, promoters: 2, passives: 2, detractors: 7))
    }
}

@Suite("Suggestion lifecycle (R-10.3)")
struct SuggestionLifecycleTests {
    /// written out independently of the production table.
    static let expected: [SuggestionStatus: [SuggestionEventKind: SuggestionStatus]] = [
        .received: [.acknowledge: .acknowledged, .decline: .declined],
        .acknowledged: [.evaluate: .evaluating, .adopt: .adopted, .decline: .declined],
        .evaluating: [.adopt: .adopted, .decline: .declined],
        .adopted: [:], .declined: [:],
    ]

    static let allowed: [SuggestionStatus: [SuggestionEventKind]] = [
        .received: [.acknowledge, .decline], .acknowledged: [.evaluate, .adopt, .decline],
        .evaluating: [.adopt, .decline], .adopted: [], .declined: [],
    ]

    @Test("the table has a row for every status and matches R-10.3")
    func table() {
        #expect(Set(SuggestionLifecycle.transitions.keys) == Set(SuggestionStatus.allCases))
        #expect(SuggestionLifecycle.transitions == Self.expected)
        #expect(SuggestionLifecycle().status == .received)
    }

    @Test(
        "every event in every status: applied exactly when allowed, acknowledged when leaving received",
        arguments: SuggestionStatus.allCases, SuggestionEventKind.allCases)
    func everyPair(status: SuggestionStatus, event: SuggestionEventKind) throws {
        // given
        var lifecycle = SuggestionLifecycle(status: status)
        // when / then
        if let target = Self.expected[status]?[event] {
            let effects = try lifecycle.apply(SuggestionEvent(event, note: "we will fit a new filter"), at: now)
            #expect(lifecycle.status == target)
            #expect(effects == (status == .received ? [.acknowledged] : []))
        } else {
            #expect(
                throws: EventNotAllowed<SuggestionStatus, SuggestionEventKind>(
                    event: event, from: status, allowed: Self.allowed[status]!)
            ) {
                try lifecycle.apply(SuggestionEvent(event, note: "we will fit a new filter"), at: now)
            }
            #expect(lifecycle.status == status)
        }
        #expect(SuggestionLifecycle.allowed(in: status) == Self.allowed[status])
    }

    @Test(
        "adopting and declining need a note, and change nothing without one",
        arguments: [
            (SuggestionStatus.received, SuggestionEventKind.decline), (.acknowledged, .adopt),
            (.acknowledged, .decline),
            (.evaluating, .adopt), (.evaluating, .decline),
        ], [nil, "", " \n\t"] as [String?])
    func noteRequired(pair: (SuggestionStatus, SuggestionEventKind), note: String?) {
        // given
        var lifecycle = SuggestionLifecycle(status: pair.0)
        // when / then
        let error = #expect(throws: SuggestionNoteRequired.self) {
            try lifecycle.apply(SuggestionEvent(pair.1, note: note), at: now)
        }
        #expect(error?.event == pair.1)
        #expect(lifecycle.status == pair.0)
    }

    @Test("acknowledging and evaluating need no note")
    func noNoteNeeded() throws {
        // given
        var lifecycle = SuggestionLifecycle()
        // when
        let acknowledged = try lifecycle.apply(SuggestionEvent(.acknowledge), at: now)
        let evaluating = try lifecycle.apply(SuggestionEvent(.evaluate), at: now)
        // then
        #expect(acknowledged == [.acknowledged])
        #expect(evaluating == [])
        #expect(lifecycle.status == .evaluating)
        #expect(SuggestionEventKind.allCases.filter(\.requiresNote) == [.adopt, .decline])
    }

    @Test("a step the table refuses is refused as such even without its note")
    func refusalBeforeNote() {
        // given
        var lifecycle = SuggestionLifecycle(status: .received)
        // then
        #expect(
            throws: EventNotAllowed<SuggestionStatus, SuggestionEventKind>(
                event: .adopt, from: .received, allowed: [.acknowledge, .decline])
        ) {
            try lifecycle.apply(SuggestionEvent(.adopt), at: now)
        }
    }

    @Test("only adopted and declined suggestions are closed")
    func open() {
        #expect(SuggestionStatus.allCases.filter { !$0.isOpen } == [.adopted, .declined])
    }
}

@Suite("Customer visit plan (R-10.4)")
struct VisitPlanTests {
    static let today = day("2026-03-15")
    static let keyByManager = VisitPlanRule(tier: .key, visitor: .accountManager, months: 6)
    static let keyByGeneral = VisitPlanRule(tier: .key, visitor: .generalManager, months: 12)
    static let longTerm = VisitPlanRule(tier: .longTerm, visitor: .accountManager, months: 12)

    /// A `DueVisit` as the test writes it.
    struct Due: Equatable, Sendable, CustomStringConvertible {
        var customerId: Int
        var rule: VisitPlanRule
        var dueOn: CalendarDate

        init(_ customerId: Int, _ rule: VisitPlanRule, _ dueOn: String) {
            self.customerId = customerId
            self.rule = rule
            self.dueOn = day(dueOn)
        }

        init(_ visit: DueVisit) {
            customerId = visit.customerId
            rule = visit.rule
            dueOn = visit.dueOn
        }

        var description: String { "\(customerId) \(rule.tier)/\(rule.visitor) \(dueOn)" }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var candidate: VisitCandidate
        var expected: [Due]

        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "key customer, account manager 7 months ago: overdue",
            candidate: VisitCandidate(
                customerId: 1, tier: .key, since: day("2020-01-01"),
                lastHeld: [.accountManager: day("2025-08-15"), .generalManager: day("2025-08-15")]),
            expected: [Due(1, keyByManager, "2026-02-15")]),
        Case(
            name: "key customer, both visited 2 months ago: nothing due",
            candidate: VisitCandidate(
                customerId: 2, tier: .key, since: day("2020-01-01"),
                lastHeld: [.accountManager: day("2026-01-15"), .generalManager: day("2026-01-15")]),
            expected: []),
        Case(
            name: "key customer, general manager 13 months ago: due for the general manager only",
            candidate: VisitCandidate(
                customerId: 3, tier: .key, since: day("2020-01-01"),
                lastHeld: [.accountManager: day("2026-01-15"), .generalManager: day("2025-02-15")]),
            expected: [Due(3, keyByGeneral, "2026-02-15")]),
        Case(
            name: "regular customer never visited: never due",
            candidate: VisitCandidate(customerId: 4, tier: .regular, since: day("2001-01-01")),
            expected: []),
        Case(
            name: "a visitor with a planned visit is skipped, the other is not",
            candidate: VisitCandidate(
                customerId: 5, tier: .key, since: day("2020-01-01"),
                lastHeld: [.accountManager: day("2025-01-01"), .generalManager: day("2025-01-01")],
                planned: [.accountManager]),
            expected: [Due(5, keyByGeneral, "2026-01-01")]),
        Case(
            name: "both visitors planned: nothing",
            candidate: VisitCandidate(
                customerId: 6, tier: .key, since: day("2020-01-01"), planned: [.accountManager, .generalManager]),
            expected: []),
        Case(
            name: "never visited: one interval after becoming a customer",
            candidate: VisitCandidate(customerId: 7, tier: .key, since: day("2025-09-20")),
            expected: [Due(7, keyByManager, "2026-03-20")]),
        Case(
            name: "long-term customer for a year less five days: due in five days",
            candidate: VisitCandidate(customerId: 8, tier: .longTerm, since: day("2025-03-20")),
            expected: [Due(8, longTerm, "2026-03-20")]),
        Case(
            name: "long-term customer since six months: not yet",
            candidate: VisitCandidate(customerId: 9, tier: .longTerm, since: day("2025-09-15")),
            expected: []),
        Case(
            name: "due today",
            candidate: VisitCandidate(
                customerId: 10, tier: .longTerm, since: day("2020-01-01"),
                lastHeld: [.accountManager: day("2025-03-15")]),
            expected: [Due(10, longTerm, "2026-03-15")]),
        Case(
            name: "due in 30 days: within the horizon",
            candidate: VisitCandidate(
                customerId: 11, tier: .longTerm, since: day("2020-01-01"),
                lastHeld: [.accountManager: day("2025-04-14")]),
            expected: [Due(11, longTerm, "2026-04-14")]),
        Case(
            name: "due in 31 days: beyond the horizon",
            candidate: VisitCandidate(
                customerId: 12, tier: .longTerm, since: day("2020-01-01"),
                lastHeld: [.accountManager: day("2025-04-15")]),
            expected: []),
        Case(
            name: "the 31st six months on is the month's last day",
            candidate: VisitCandidate(
                customerId: 13, tier: .key, since: day("2020-01-01"),
                lastHeld: [.accountManager: day("2025-08-31"), .generalManager: day("2026-01-01")]),
            expected: [Due(13, keyByManager, "2026-02-28")]),
        Case(
            name: "a general manager's visit does not count for the account manager",
            candidate: VisitCandidate(
                customerId: 14, tier: .key, since: day("2025-01-01"), lastHeld: [.generalManager: day("2026-03-01")]),
            expected: [Due(14, keyByManager, "2025-07-01")]),
    ]

    @Test("what each customer is due under the standard plan on 2026-03-15", arguments: cases)
    func due(_ testCase: Case) {
        // when
        let due = VisitPlan.due([testCase.candidate], rules: VisitPlanRule.standard, today: Self.today)
        // then
        #expect(due.map { Due($0) } == testCase.expected)
    }

    @Test("the standard plan: key customers every 6 and 12 months, long-term every 12")
    func standard() {
        #expect(VisitPlanRule.standard == [Self.keyByManager, Self.keyByGeneral, Self.longTerm])
        #expect(VisitPlan.horizonDays == 30)
    }

    @Test("customers in order, each with their rules in the plan's order; a plan without a tier's rule plans nothing")
    func order() {
        // given
        let candidates = [
            VisitCandidate(customerId: 21, tier: .longTerm, since: day("2020-01-01")),
            VisitCandidate(customerId: 22, tier: .key, since: day("2020-01-01")),
        ]
        // when
        let due = VisitPlan.due(candidates, rules: VisitPlanRule.standard, today: Self.today)
        let keyOnly = VisitPlan.due(candidates, rules: [Self.keyByGeneral], today: Self.today)
        // then
        #expect(
            due.map { Due($0) } == [
                Due(21, Self.longTerm, "2021-01-01"), Due(22, Self.keyByManager, "2020-07-01"),
                Due(22, Self.keyByGeneral, "2021-01-01"),
            ])
        #expect(keyOnly.map { Due($0) } == [Due(22, Self.keyByGeneral, "2021-01-01")])
    }

    @Test("a plan's months are 1 to 60", arguments: [0, 1, 60, 61])
    func months(months: Int) {
        // when
        let problems = VisitPlanRule.problems([VisitPlanRule(tier: .key, visitor: .accountManager, months: months)])
        // then
        if (1...60).contains(months) {
            #expect(problems.isEmpty)
        } else {
            #expect(problems.fields == ["rules[0].months": .outOfRange(min: 1, max: 60)])
        }
    }

    @Test("a tier and visitor appear once in a plan; the standard plan has no problems")
    func duplicates() {
        // given
        let rules = VisitPlanRule.standard + [VisitPlanRule(tier: .key, visitor: .generalManager, months: 24)]
        // then
        #expect(VisitPlanRule.problems(VisitPlanRule.standard).isEmpty)
        #expect(VisitPlanRule.problems([]).isEmpty)
        #expect(VisitPlanRule.problems(rules).fields == ["rules[3]": .duplicate])
    }

    @Test("a plan has at most 20 rules")
    func tooManyRules() {
        // given: 21 rules, which also repeat tiers and visitors
        let rules = (1...21).map { VisitPlanRule(tier: .key, visitor: .accountManager, months: $0) }
        // when
        let problems = VisitPlanRule.problems(rules)
        // then
        #expect(problems.fields["rules"] == .outOfRange(min: 0, max: 20))
        #expect(problems.fields["rules[1]"] == .duplicate)
    }
}

@Suite("Mystery shopping (R-10.5)")
struct MysteryShoppingTests {
    static func scores(_ values: [Int]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: zip(MysteryCriterion.allCases.map(\.rawValue), values))
    }

    @Test("every criterion scored 1 to 5 has no problems")
    func valid() {
        #expect(MysteryScores.problems(Self.scores([1, 2, 3, 4, 5, 5])).isEmpty)
    }

    @Test("a criterion left out is required, out of 1…5 is out of range, an unknown one is an unknown field")
    func problems() {
        // given
        var scores = Self.scores([0, 6, 3, 4, 5, 5])
        scores["pricing"] = nil
        scores["smile"] = 5
        // then
        #expect(
            MysteryScores.problems(scores).fields == [
                "scores.greeting": .outOfRange(min: 1, max: 5), "scores.professionalism": .outOfRange(min: 1, max: 5),
                "scores.pricing": .required, "scores.smile": .unknownField,
            ])
        #expect(
            MysteryScores.problems([:]).fields
                == Dictionary(
                    uniqueKeysWithValues: MysteryCriterion.allCases.map {
                        ("scores.\($0.rawValue)", FieldProblem.required)
                    }))
    }

    @Test(
        "the total out of 100 is the sum over 30, rounded",
        arguments: [
            ([5, 5, 5, 5, 5, 5], 100), ([1, 1, 1, 1, 1, 1], 20), ([3, 3, 3, 3, 3, 3], 60), ([5, 4, 3, 5, 4, 3], 80),
            ([5, 5, 4, 4, 4, 3], 83), ([5, 5, 5, 4, 4, 3], 87), ([], 0),
        ])
    func total(values: [Int], total: Int) {
        #expect(MysteryScores.total(Self.scores(values)) == total)
    }

    @Test(
        "management sees the units below it, never its own unit nor a sibling",
        arguments: [
            ("/1/", "/1/4/", true),  // headquarters sees a branch
            ("/1/", "/1/4/9/", true),  // and an outlet
            ("/1/4/", "/1/4/9/", true),  // a branch sees its outlet
            ("/1/", "/1/", false),  // a unit never sees its own
            ("/1/4/", "/1/4/", false),
            ("/1/4/9/", "/1/4/9/", false),
            ("/1/4/", "/1/5/", false),  // a sibling never
            ("/1/4/", "/1/5/12/", false),  // nor a sibling's outlet
            ("/1/4/9/", "/1/4/", false),  // an outlet does not see its branch
            ("/1/4/", "/1/", false),
            ("/1/4/", "/1/41/", false),  // a path that merely starts with the same digits
        ])
    func visibility(viewer: String, inspected: String, sees: Bool) {
        #expect(MysteryVisibility.sees(viewerPath: viewer, inspectedPath: inspected) == sees)
    }
}
