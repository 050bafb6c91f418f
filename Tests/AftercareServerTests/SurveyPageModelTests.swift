import AftercareDomain
import Foundation
import Testing

@testable import AftercareServer
@testable import AftercareStore

/// Issue 17: the survey pages' models as values: the builder read from what was typed (four languages, options one a
/// line, rows skipped when empty, lines that do not match refused), the results in words (NPS, CSAT, empty groups,
/// the month chart), and the questionnaire as a form to answer (staff, portal, signed link). No database, no request.
@Suite("Page models: surveys")
struct SurveyPageModelTests {
    typealias F = PageFixtures
    typealias P = SurveyPages

    // MARK: Fixtures

    static let title: LocalizedText = [
        "zh-Hans": "服务满意度调查", "zh-Hant": "服務滿意度調查", "en": "Service satisfaction survey",
        "es": "Encuesta de satisfacción",
    ]

    /// The per-job questionnaire: a rating (CSAT), the NPS question, a single choice, a multiple choice and a comment.
    static let questions: [Question] = [
        Question(
            key: "q1", kind: .rating, text: ["zh-Hans": "您对本次服务满意吗？", "en": "How satisfied are you with the service?"]),
        Question(key: "recommend", kind: .nps, text: ["en": "How likely are you to recommend us?"]),
        Question(
            key: "ontime", kind: .single, text: ["zh-Hans": "工程师是否准时到达？", "en": "Did the engineer arrive on time?"],
            options: [
                QuestionOption(key: "o1", text: ["zh-Hans": "是", "en": "Yes"]),
                QuestionOption(key: "o2", text: ["zh-Hans": "否", "en": "No"]),
            ]),
        Question(
            key: "liked", kind: .multiple, text: ["en": "What did you like?"],
            options: [
                QuestionOption(key: "o1", text: ["en": "Speed"]), QuestionOption(key: "o2", text: ["en": "Courtesy"]),
                QuestionOption(key: "o3", text: ["en": "Price"]),
            ], required: false),
        Question(key: "comment", kind: .text, text: ["zh-Hans": "其他意见", "en": "Anything else?"], required: false),
    ]

    static func survey(_ status: SurveyStatus = .draft, purpose: SurveyPurpose = .perJob) -> SurveyView {
        SurveyView(
            id: 4, title: title, purpose: purpose, status: status, questions: questions, invited: 40, answered: 10,
            createdBy: "wang.li", version: 3, createdAt: F.at(8), updatedAt: F.at(9))
    }

    static func invitation(
        _ status: InvitationStatus = .pending, expires: Date = F.at(9).addingTimeInterval(86400 * 20)
    )
        -> InvitationView
    {
        InvitationView(
            id: 31, surveyId: 4, surveyTitle: title, customerId: 9, customerName: "上海浦江印务有限公司", requestId: 42,
            requestNumber: "SR-2026-000137", orgUnitId: 2, orgUnitName: "华东分公司", engineerId: 3, engineerName: "孙海涛",
            tier: .key, round: nil, status: status, expiresAt: expires, createdAt: F.at(8),
            answeredAt: status == .answered ? F.at(9) : nil)
    }

    /// A builder as posted: `fields` by name, "" for the others (as `FormReader.raw` gives them).
    static func posted(_ fields: [String: String]) -> P.BuilderForm {
        P.builderForm { fields[$0] ?? "" }
    }

    // MARK: The builder

    @Test("the builder reads four languages, skips empty rows, keys rows q<n> and options o<n> by line")
    func builderFourLanguages() {
        let form = Self.posted([
            "title.zh-Hans": "服务满意度调查", "title.zh-Hant": "服務滿意度調查", "title.en": "Service satisfaction",
            "title.es": "  Satisfacción con el servicio ", "purpose": "perJob",
            "q1.kind": "rating", "q1.required": "1", "q1.text.zh-Hans": "您对本次服务满意吗？", "q1.text.zh-Hant": "您對本次服務滿意嗎？",
            "q1.text.en": "How satisfied are you?", "q1.text.es": "¿Está satisfecho?",
            "q2.key": "recommend", "q2.kind": "nps", "q2.required": "1", "q2.text.en": "Would you recommend us?",
            "q3.kind": "single", "q3.required": "1", "q3.text.en": "On time?", "q3.options.en": "Yes\r\nNo\n\n",
            "q3.options.zh-Hans": "是\n  否  ",
            // row 4 is left empty (its kind select still posts), row 5 is a comment
            "q4.kind": "text", "q5.kind": "text", "q5.text.en": "Anything else?",
        ])
        #expect(form.rows.count == P.rowsShown)
        let checked = P.check(form)
        #expect(checked.problems.isEmpty)
        #expect(checked.rows == [1, 2, 3, 5])
        #expect(checked.input.purpose == .perJob)
        #expect(checked.input.title.count == 4 && checked.input.title["es"] == "Satisfacción con el servicio")
        let questions = checked.input.questions
        #expect(questions.map(\.key) == ["q1", "recommend", "q3", "q5"])
        #expect(questions.map(\.kind) == [.rating, .nps, .single, .text])
        #expect(questions.map(\.required) == [true, true, true, false])
        #expect(questions[0].text.count == 4)
        #expect(questions[2].options.map(\.key) == ["o1", "o2"])
        #expect(questions[2].options[1].text == ["en": "No", "zh-Hans": "否"])
        #expect(questions[3].options.isEmpty)
        // what the builder makes is a questionnaire the domain accepts
        #expect(Questionnaire.problems(title: checked.input.title, questions: questions).isEmpty)
    }

    @Test("options whose languages have different numbers of lines are refused, and say so in plain words")
    func mismatchedLines() {
        let l = F.localizer(.en)
        let form = Self.posted([
            "title.en": "Visit survey", "purpose": "periodic",
            "q1.kind": "multiple", "q1.text.en": "What did you like?", "q1.options.en": "Speed\nCourtesy\nPrice",
            "q1.options.es": "Rapidez\nCortesía",
            "q2.kind": "rating", "q2.text.en": "Rate us", "q2.options.en": "Good\nBad",
        ])
        let checked = P.check(form)
        #expect(checked.problems.fields["q1.options"] != nil)
        #expect(checked.problems.fields["q2.options"] != nil)
        #expect(checked.input.purpose == .periodic)
        let messages = PageError.messages(checked.problems, l, labels: P.builderLabels)
        #expect(messages.first { $0.field == "q1.options" }?.label == P.builderLabel("q1.options", l))
        let model = P.builderModel(form, surveyId: nil, errors: messages, l)
        let expected = l.t("surveys.error.optionLines").replacingOccurrences(
            of: "{counts}", with: "English 3 · Español 2")
        #expect(model.rows[0].errors.map(\.message) == [expected])
        #expect(model.rows[1].errors.map(\.message) == [l.t("surveys.error.optionsNotAllowed")])
        #expect(model.rows[0].open && model.rows[1].open && !model.rows[2].open)
        // the typed options come back as typed
        #expect(model.rows[0].options.first { $0.code == "es" }?.value == "Rapidez\nCortesía")
        #expect(model.errors.isEmpty)
    }

    @Test("the store's problems are named by the builder's rows; a kind that is not a choice is refused")
    func renumbered() {
        let error = ValidationError([
            "questions[1].text": .required, "questions[0].options[1].key": .duplicate, "title": .required,
        ])
        let renumbered = P.renumbered(error, rows: [2, 6])
        #expect(Set(renumbered.fields.keys) == ["q6.text", "q2.options[1].key", "title"])
        let l = F.localizer(.en)
        #expect(P.builderLabel("q6.text", l) == P.questionHeading(6, l) + " · " + l.t("surveys.field.text"))
        #expect(P.builderLabel("title.es", l) == l.t("surveys.field.title") + " · Español")
        #expect(P.builderLabel("purpose", l) == nil)
        let odd = P.check(Self.posted(["title.en": "T", "purpose": "weekly", "q1.kind": "stars", "q1.text.en": "?"]))
        #expect(odd.problems.fields["q1.kind"] != nil && odd.problems.fields["purpose"] != nil)
    }

    @Test("a draft's builder gives its questionnaire back unchanged, and more rows than it has questions")
    func draftRoundTrip() {
        let form = P.builderForm(Self.survey())
        #expect(form.version == "3" && form.rows.count == P.rowsShown)
        let checked = P.check(form)
        #expect(checked.problems.isEmpty)
        #expect(checked.input.questions == Self.questions && checked.input.title == Self.title)
        // a row filled in far down keeps the rows before it and two empty ones after
        let long = Self.posted(["q12.kind": "text", "q12.text.en": "Late question"])
        #expect(long.rows.count == 14 && long.rows[11].text["en"] == "Late question")
        #expect(P.emptyBuilder().rows.allSatisfy { $0.isEmpty && $0.required && $0.kind == "rating" })
    }

    @Test(
        "the questionnaire's page: a draft has its builder and may be activated; an active periodic one is sent in rounds"
    )
    func questionnairePage() {
        let l = F.localizer(.zhHans)
        let manager = F.principal([.serviceManager])
        let draft = P.surveyPageModel(P.SurveyPageData(survey: Self.survey()), principal: manager, l)
        #expect(draft.builder?.action == "/surveys/4" && draft.builder?.version == "3")
        #expect(draft.statusButtons.map(\.status) == ["active"] && draft.round == nil && draft.questions.isEmpty)
        #expect(draft.heading == "服务满意度调查" && draft.status == l.t("surveyStatus.draft"))
        let active = P.surveyPageModel(
            P.SurveyPageData(survey: Self.survey(.active, purpose: .periodic), sent: 25), principal: manager, l)
        #expect(active.builder == nil && active.questions.count == 5)
        #expect(
            active.questions[2].options == ["是", "否"]
                && active.questions[1].text == "How likely are you to recommend us?")
        #expect(active.statusButtons.map(\.status) == ["retired"])
        #expect(active.round?.tierOptions.first?.selected == true && active.round?.sampleSize == "100")
        #expect(active.notice == l.t("surveys.roundSent").replacingOccurrences(of: "{n}", with: l.number(25)))
        let perJob = P.surveyPageModel(P.SurveyPageData(survey: Self.survey(.active)), principal: manager, l)
        #expect(perJob.round == nil)
        let new = P.surveyPageModel(P.SurveyPageData(survey: nil, builder: P.emptyBuilder()), principal: manager, l)
        #expect(new.isNew && new.builder?.action == "/surveys" && new.builder?.titles.count == 4)
        #expect(new.builder?.rows.first?.kindOptions.map(\.value) == ["rating", "nps", "single", "multiple", "text"])
    }

    @Test("the list: titles in the reader's language, the new link only for those who manage surveys")
    func list() {
        let data = P.ListData(surveys: [Self.survey(.active), Self.survey(.retired)])
        let l = F.localizer(.zhHant)
        let manager = P.listModel(data, principal: F.principal([.serviceManager]), l)
        #expect(manager.canManage && manager.rows.first?.title == "服務滿意度調查")
        #expect(manager.rows.first?.link == "/surveys/4/edit")
        #expect(manager.rows.first?.resultsLink == "/surveys/results?surveyId=4")
        #expect(manager.rows.first?.rate == l.number(25.0, digits: 1) + "%")
        let inspector = P.listModel(data, principal: F.principal([.qualityInspector]), l)
        #expect(!inspector.canManage && !inspector.canRecord && inspector.rows.allSatisfy { $0.link == nil })
    }

    // MARK: The results

    static func results() -> SurveyResults {
        let total = SatisfactionScore(
            ratings: 10, ratingSum: 42, satisfied: 8, promoters: 6, passives: 2, detractors: 2)
        let poor = SatisfactionScore(ratings: 2, ratingSum: 4, satisfied: 0, promoters: 1, passives: 0, detractors: 3)
        let from = CalendarDate(year: 2026, month: 9, day: 1)!
        return SurveyResults(
            from: from, to: F.day, surveyId: nil, invited: 40, responses: 10, total: total,
            byBranch: [SurveyResults.Group(id: 2, name: "华东分公司", responses: 10, score: total)],
            byEngineer: [SurveyResults.Group(id: 3, name: "孙海涛", responses: 4, score: poor)],
            byProductLine: [SurveyResults.Group(id: nil, name: nil, responses: 1, score: SatisfactionScore())],
            byChannel: ["phone": 6, "online": 4],
            byMonth: [
                SurveyResults.Month(month: from, responses: 4, score: total),
                SurveyResults.Month(month: from.adding(months: 1), responses: 0, score: SatisfactionScore()),
                SurveyResults.Month(month: from.adding(months: 2), responses: 3, score: total),
                SurveyResults.Month(month: from.adding(months: 3), responses: 3, score: poor),
            ],
            comments: [
                SurveyResults.Comment(
                    answeredAt: F.at(10), customerName: "上海浦江印务有限公司", orgUnitName: "华东分公司", engineerName: "孙海涛",
                    csat: 2, nps: 3, text: "来得太晚")
            ])
    }

    static func resultsData(_ results: SurveyResults?) -> P.ResultsData {
        P.ResultsData(
            query: P.ResultsQuery(fromText: "2026-09-01", toText: "2026-11-30", surveyId: 4, orgUnitId: nil),
            results: results, surveys: [Self.survey(.active)], units: [F.branch])
    }

    @Test("NPS and CSAT in words: signed NPS, CSAT as a share, the average to one decimal, dashes without answers")
    func scoresInWords() {
        let l = F.localizer(.en)
        #expect(P.npsText(40, l) == "+40" && P.npsText(0, l) == "0" && P.npsText(-20, l) == l.number(-20))
        #expect(P.npsText(nil, l) == "—" && P.csatText(nil, l) == "—" && P.averageText(nil, l) == "—")
        #expect(P.csatText(80, l) == "80%" && P.averageText(42, l) == "4.2")
        let model = P.resultsModel(Self.resultsData(Self.results()), l)
        #expect(model.hasResults)
        let totals = Dictionary(uniqueKeysWithValues: model.totals.map { ($0.id, $0.value) })
        #expect(totals["results-invited"] == "40" && totals["results-responses"] == "10")
        #expect(totals["results-rate"] == "25.0%" && totals["results-csat"] == "80%")
        #expect(totals["results-average"] == "4.2" && totals["results-nps"] == "+40")
        #expect(model.totals.last?.detail == P.npsSplit(Self.results().total, l))
        #expect(model.period.hasSuffix(" · Service satisfaction survey"))
        // a branch above zero, an engineer below it: the NPS bar runs right or left from the middle
        #expect(model.branches.first?.nps == "+40" && model.branches.first?.npsX == "50.0")
        #expect(model.branches.first?.npsWidth == "20.0" && model.branches.first?.npsNegative == false)
        #expect(model.branches.first?.csatWidth == "80.0")
        let engineer = model.engineers.first
        #expect(engineer?.nps == l.number(-50) && engineer?.npsNegative == true)
        #expect(engineer?.npsX == "25.0" && engineer?.npsWidth == "25.0" && engineer?.csat == "0%")
    }

    @Test("empty groups and months: no figures, no bars; the chart breaks its lines where a month has no answers")
    func emptyGroups() {
        let l = F.localizer(.zhHans)
        let model = P.resultsModel(Self.resultsData(Self.results()), l)
        let line = model.productLines.first
        #expect(line?.name == l.t("surveyResults.notKnown"))
        #expect(line?.csat == "—" && line?.nps == "—" && line?.average == "—")
        #expect(line?.hasCsat == false && line?.hasNps == false)
        #expect(model.months.map(\.code) == ["2026-09", "2026-10", "2026-11", "2026-12"])
        #expect(model.months[1].nps == "—" && model.months[1].responses == "0")
        let chart = model.chart
        #expect(chart?.npsPoints.count == 3 && chart?.csatPoints.count == 3)
        // September stands alone (October has no answers): one line, from November to December
        #expect(chart?.npsLines.count == 1 && chart?.npsLines.first?.split(separator: " ").count == 2)
        #expect(chart?.npsPoints.first?.title.hasPrefix("2026-09 · ") == true)
        #expect(chart?.gridlines.map(\.zero) == [false, false, true, false, false])
        #expect(chart?.title == l.t("surveyResults.chartTitle"))
        #expect(model.channels.map(\.code) == ["phone", "online", "letter"])
        #expect(
            model.channels.map(\.share) == [P.percent(6, of: 10, l), P.percent(4, of: 10, l), P.percent(0, of: 10, l)])
        #expect(model.channels.last?.count == "0" && model.channels.last?.width == "0.0")
        let scores = [
            l.t("surveyResults.commentRating").replacingOccurrences(of: "{n}", with: l.number(2)),
            l.t("surveyResults.commentNps").replacingOccurrences(of: "{n}", with: l.number(3)),
        ].joined(separator: " · ")
        #expect(model.comments.first?.scores == scores && model.comments.first?.engineer == "孙海涛")
        // a period the page could not count: the form, no figures
        let none = P.resultsModel(Self.resultsData(nil), l)
        #expect(!none.hasResults && none.totals.isEmpty && none.chart == nil && none.months.isEmpty)
        #expect(none.surveyOptions.first { $0.selected }?.value == "4")
    }

    @Test("the period as asked: dates as YYYY-MM-DD, the end not before the start")
    func resultsQuery() {
        let good = P.ResultsQuery(fromText: "2026-01-01", toText: "2026-11-30", surveyId: nil, orgUnitId: nil)
        #expect(good.validator().error.isEmpty)
        let bad = P.ResultsQuery(fromText: "2026-12-01", toText: "2026-11-30", surveyId: nil, orgUnitId: nil)
        #expect(bad.validator().error.fields["to"] == .mustNotBeBefore(field: "from"))
        let typed = P.ResultsQuery(fromText: "yesterday", toText: "2026-11-30", surveyId: nil, orgUnitId: nil)
        #expect(typed.validator().error.fields["from"] != nil)
        #expect(P.defaultPeriod(today: F.day).from == CalendarDate(year: 2025, month: 12, day: 1))
    }

    // MARK: The answer form

    @Test("the answer form: 1–5 and 0–10 as scales, choices in the reader's language, what was typed kept")
    func answerFormModel() {
        let l = F.localizer(.zhHans)
        let typed: SurveyAnswerForm.Typed = ["q1": ["4"], "liked": ["o1", "o3"], "comment": ["很好"]]
        let errors = [
            FieldMessage(field: "answers.recommend", label: "2.", message: "required"),
            FieldMessage(field: "channel", label: "", message: "required"),
        ]
        let form = SurveyAnswerForm.questions(Self.questions, typed: typed, errors: errors, l)
        #expect(form.map(\.field) == ["a.q1", "a.recommend", "a.ontime", "a.liked", "a.comment"])
        #expect(form[0].isScale && form[0].choices.map(\.value) == ["1", "2", "3", "4", "5"])
        #expect(form[0].choices.filter(\.checked).map(\.value) == ["4"] && form[0].hint == l.t("surveys.ratingHint"))
        #expect(form[0].text == "您对本次服务满意吗？" && form[0].number == "1.")
        #expect(form[1].choices.map(\.value) == (0...10).map { String($0) } && form[1].hint == l.t("surveys.npsHint"))
        // a text only written in English is shown in English to a Chinese reader
        #expect(form[1].text == "How likely are you to recommend us?")
        #expect(form[1].errors.map(\.message) == ["required"])
        #expect(form[2].isChoice && form[2].inputType == "radio" && form[2].choices.map(\.label) == ["是", "否"])
        #expect(form[2].choices.first?.id == "answer-ontime-o1")
        #expect(form[3].inputType == "checkbox" && form[3].choices.filter(\.checked).map(\.value) == ["o1", "o3"])
        #expect(form[4].isText && form[4].typedText == "很好" && !form[4].required)
        #expect(SurveyAnswerForm.unplaced(errors, questions: Self.questions).map(\.field) == ["channel"])
        let labels = SurveyAnswerForm.labels(Self.questions)
        #expect(labels.label("answers.ontime", l) == "3. 工程师是否准时到达？")
        #expect(labels.label("channel", l) == l.t("surveys.field.channel"))
    }

    @Test("the answer form read: numbers, one option, several options once each, text; blanks are no answer")
    func answerRead() {
        let posted: [String: [String]] = [
            "a.q1": ["4"], "a.recommend": ["9"], "a.ontime": ["o2"], "a.liked": ["o1", "o3", "o1"],
            "a.comment": ["  很好  "], "a.unknown": ["x"],
        ]
        let read = SurveyAnswerForm.read({ posted[$0] ?? [] }, questions: Self.questions)
        #expect(read.problems.isEmpty)
        #expect(read.answers["q1"] == Answer(number: 4) && read.answers["recommend"] == Answer(number: 9))
        #expect(read.answers["ontime"] == Answer(options: ["o2"]))
        #expect(read.answers["liked"] == Answer(options: ["o1", "o3"]))
        #expect(read.answers["comment"] == Answer(text: "很好") && read.answers["unknown"] == nil)
        #expect(SurveyAnswers.problems(read.answers, to: Self.questions).isEmpty)
        let blank = SurveyAnswerForm.read(
            { ["a.q1": ["ten"], "a.comment": ["   "]][$0] ?? [] }, questions: Self.questions)
        #expect(blank.problems.fields["answers.q1"] != nil && blank.answers["comment"] == nil)
        #expect(blank.typed["q1"] == ["ten"])
    }

    @Test("an invitation: its link and the form while open; closed ones say why and offer nothing")
    func invitationModel() {
        let l = F.localizer(.en)
        let open = P.invitationModel(
            P.InvitationData(
                form: InvitationForm(invitation: Self.invitation(), questions: Self.questions),
                link: "https://service.example.com/s/31.abc", now: F.at(10), canViewRequests: true,
                canViewCustomers: false),
            l)
        #expect(open.open && open.link == "https://service.example.com/s/31.abc" && open.canCancel)
        #expect(open.questions.count == 5 && open.channelOptions.map(\.value) == ["phone", "letter"])
        #expect(open.facts.first { $0.id == "invitation-request" }?.link == "/requests/42")
        #expect(open.facts.first { $0.id == "invitation-customer" }?.link == nil)
        #expect(open.answersAction == "/surveys/invitations/31/answers")
        let expired = P.invitationModel(
            P.InvitationData(
                form: InvitationForm(invitation: Self.invitation(expires: F.at(9)), questions: Self.questions),
                link: nil, now: F.at(10), canViewRequests: true, canViewCustomers: true),
            l)
        #expect(!expired.open && expired.statusCode == "expired" && expired.questions.isEmpty && expired.link == nil)
        #expect(expired.closedText == l.t("surveys.closed.expired"))
        let worklist = P.worklistModel(
            P.WorklistData(
                page: Page(items: [Self.invitation(), Self.invitation(expires: F.at(9))], nextCursor: "c2"),
                status: .pending, canViewRequests: false, canViewCustomers: false, now: F.at(10)),
            l)
        #expect(
            worklist.chips.map(\.id) == [
                "invitations-pending", "invitations-answered", "invitations-expired", "invitations-cancelled",
            ])
        #expect(worklist.rows.first?.requestLink == nil && worklist.rows.first?.request == "SR-2026-000137")
        #expect(worklist.rows.last?.statusCode == "expired" && worklist.next == "/surveys/invitations?cursor=c2")
    }

    @Test("the signed link's page shows the questionnaire and nothing of the customer or the job")
    func publicForm() throws {
        let l = F.localizer(.es)
        let form = InvitationForm(invitation: Self.invitation(), questions: Self.questions)
        let model = PublicSurveyPages.formModel(form, action: "/s/31.abc", typed: [:], errors: [], l)
        #expect(model.title == "Encuesta de satisfacción" && model.action == "/s/31.abc")
        let json = String(decoding: try JSONEncoder().encode(model), as: UTF8.self)
        for secret in ["上海浦江印务有限公司", "SR-2026-000137", "孙海涛", "华东分公司"] { #expect(!json.contains(secret)) }
    }

    @Test("the portal: pending questionnaires to answer, answered ones without a form")
    func portal() {
        let l = F.localizer(.zhHans)
        let list = PortalSurveyPages.listModel(
            PortalSurveyPages.ListData(
                pending: [Self.invitation()], answered: [Self.invitation(.answered)], thanks: true),
            l)
        #expect(list.pending.first?.link == "/portal/surveys/31" && list.answered.first?.link == nil)
        #expect(list.pending.first?.requestLink == "/portal/requests/42" && list.thanks)
        let closed = PortalSurveyPages.detailModel(
            PortalSurveyPages.DetailData(
                form: InvitationForm(invitation: Self.invitation(.answered), questions: Self.questions), now: F.at(10)),
            l)
        #expect(!closed.open && closed.questions.isEmpty && closed.closedText == l.t("surveys.error.closed"))
    }
}
