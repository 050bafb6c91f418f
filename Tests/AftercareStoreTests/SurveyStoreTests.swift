import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import SQLKit
import Testing

/// Issue 17: satisfaction surveys in the store: questionnaires drafted, checked, edited and activated (one
/// per-job survey at a time); the invitation a closed request sends its customer, once; answers given once, checked
/// by question, by the customer alone and before the invitation expires; periodic rounds to a sample of a tier that
/// ask no one twice within 90 days; and the results by branch, engineer, product line, channel and month.
@Suite("Satisfaction surveys, invitations, answers and results in the store (R-10.2)")
struct SurveyStoreTests {
    /// The service manager who writes the questionnaires.
    static let manager = Actor(name: "svc.manager")
    /// The hotline agent who types answers given by phone or by letter.
    static let agent = Actor(name: "agent")
    /// The fixture customer's portal account.
    static let renji = Actor(name: "renji.wang")

    /// A text in the two languages the tests write.
    static func text(_ hans: String, _ en: String) -> LocalizedText { ["zh-Hans": hans, "en": en] }

    /// The per-job questionnaire: the overall rating (the CSAT), the NPS, whether it was fixed the first time, and
    /// what to improve (optional).
    static let questions: [Question] = [
        Question(
            key: "overall", kind: .rating,
            text: text("您对本次服务的总体满意度如何？", "How satisfied are you with this service overall?")),
        Question(
            key: "recommend", kind: .nps,
            text: text("您有多大可能向同事推荐我们？", "How likely are you to recommend us to a colleague?")),
        Question(
            key: "fixed", kind: .single, text: text("问题是否一次解决？", "Was the problem fixed the first time?"),
            options: [
                QuestionOption(key: "yes", text: text("是", "Yes")), QuestionOption(key: "no", text: text("否", "No")),
            ]),
        Question(
            key: "comment", kind: .text, text: text("您希望我们改进什么？", "What should we improve?"), required: false),
    ]

    static let perJob = SurveyInput(
        title: text("服务满意度回访", "Service satisfaction follow-up"), purpose: .perJob, questions: questions)

    static let periodic = SurveyInput(
        title: text("重点客户年度满意度调查", "Annual key-customer satisfaction survey"), purpose: .periodic,
        questions: [
            Question(
                key: "overall", kind: .rating,
                text: text("过去一年您对我们的服务满意吗？", "How satisfied were you with our service this year?")),
            Question(
                key: "recommend", kind: .nps,
                text: text("您有多大可能向同行推荐我们？", "How likely are you to recommend us to a peer?")),
        ])

    /// The fixture, a second branch with a customer of its own, and the per-job questionnaire, active since 09:00.
    struct World {
        var fixture: Fixture
        var south: OrgUnitRecord.View
        var southCustomer: CustomerRecord.View
        var survey: SurveyView

        static func make(_ store: Store) async throws -> World {
            let fixture = try await Fixture.make(store)
            let south = try await Records<OrgUnitRecord>(store).create(
                .init(code: "BR-SC", name: "华南分公司", kind: .branch, parentId: fixture.headquarters.id), by: tester)
            let southCustomer = try await Records<CustomerRecord>(store).create(
                .init(orgUnitId: south.id, name: "广州白云机场", kind: .company, tier: .regular), by: tester)
            let surveys = Surveys(at(store, monday9))
            let draft = try await surveys.create(SurveyStoreTests.perJob, by: SurveyStoreTests.manager)
            let survey = try await surveys.setStatus(draft.id, to: .active, by: SurveyStoreTests.manager)
            return World(fixture: fixture, south: south, southCustomer: southCustomer, survey: survey)
        }
    }

    /// Request `id` (registered at 09:00 on Monday) taken through its lifecycle: triaged two hours before `time`,
    /// solved by phone an hour before, closed at `time`.
    @discardableResult
    static func close(_ id: Int, at time: Date, _ store: Store) async throws -> ServiceRequestView {
        _ = try await ServiceRequests(at(store, time.addingTimeInterval(-7200))).post(
            .init(event: .triage), to: id, by: tester)
        _ = try await ServiceRequests(at(store, time.addingTimeInterval(-3600))).post(
            .init(event: .resolveRemotely, note: "电话指导客户清洁电晕丝后恢复正常"), to: id, by: tester)
        return try await ServiceRequests(at(store, time)).post(.init(event: .close), to: id, by: tester)
    }

    /// A repair of the fixture's unit registered at 09:00 on Monday.
    static func registered(_ fixture: Fixture, _ store: Store, _ text: String = "复印件打印模糊，有黑色条纹") async throws
        -> ServiceRequestView
    {
        try await ServiceRequests(at(store, monday9)).register(repair(fixture, text), by: tester)
    }

    /// Every invitation, newest first, as headquarters sees them.
    static func invitations(_ store: Store, survey: Int? = nil) async throws -> [InvitationView] {
        try await Surveys(at(store, monday9)).invitations(
            status: nil, surveyId: survey, customerId: nil, page: PageRequest(limit: 200)
        ).items
    }

    /// The one invitation of request `id`.
    static func invitation(ofRequest id: Int, _ store: Store) async throws -> InvitationView {
        let found = try await invitations(store).filter { $0.requestId == id }
        #expect(found.count == 1)
        return try #require(found.first)
    }

    /// Answers to the per-job questionnaire; `nil` leaves a question out.
    static func answers(_ overall: Int?, _ recommend: Int?, fixed: String? = "yes", comment: String? = nil)
        -> [String: Answer]
    {
        var answers: [String: Answer] = [:]
        if let overall { answers["overall"] = Answer(number: overall) }
        if let recommend { answers["recommend"] = Answer(number: recommend) }
        if let fixed { answers["fixed"] = Answer(options: [fixed]) }
        if let comment { answers["comment"] = Answer(text: comment) }
        return answers
    }

    /// The surveys as the customer `id` sees them in the portal (R-14.2: their own records only), at `time`.
    static func portal(_ store: Store, _ time: Date, customer id: Int) -> Surveys {
        Surveys(at(store, time).seen(within: .customer(id: id)))
    }

    /// Answers to invitation `id` typed by the hotline at `time`.
    @discardableResult
    static func typed(
        _ id: Int, _ answers: [String: Answer], _ channel: SurveyChannel, at time: Date, _ store: Store
    ) async throws -> InvitationView {
        try await Surveys(at(store, time)).answer(id, ResponseInput(answers: answers, channel: channel), by: agent)
    }

    static func audited(_ entity: String, _ id: Int, _ store: Store) async throws -> Int {
        try await store.sql.raw(
            "SELECT COUNT(*) AS n FROM audit_log WHERE entity = \(bind: entity) AND entity_id = \(bind: id)"
        ).first(decodingColumn: "n", as: Int.self) ?? 0
    }

    @Test(
        "a questionnaire is checked by field, edited as a draft, activated; a second per-job one retires the first",
        arguments: TestDatabase.all)
    func questionnaires(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let surveys = Surveys(at(store, monday9))
            let bad = SurveyInput(
                title: Self.text("服务满意度回访", "Service satisfaction follow-up"), purpose: .perJob,
                questions: [
                    Question(
                        key: "overall", kind: .rating, text: Self.text("总体满意度", "Overall"),
                        options: [
                            QuestionOption(key: "good", text: Self.text("好", "Good")),
                            QuestionOption(key: "bad", text: Self.text("差", "Bad")),
                        ]),
                    Question(key: "overall", kind: .nps, text: Self.text("推荐意愿", "Recommend")),
                ])
            let problems = ValidationError([
                "questions[0].options": .invalidValue(allowed: ["only with single or multiple"]),
                "questions[1].key": .duplicate,
            ])
            // then: options on a rating and a key used twice are refused by field, and nothing is written
            await #expect(throws: problems) { try await surveys.create(bad, by: Self.manager) }
            #expect(try await count("surveys", store) == 0)
            // when: the questionnaire with a rating, an NPS, a single choice and a text question in two languages
            let draft = try await surveys.create(Self.perJob, by: Self.manager)
            // then: a draft, as written
            #expect(draft.status == .draft)
            #expect(draft.purpose == .perJob)
            #expect(draft.title == Self.perJob.title)
            #expect(draft.questions == Self.questions)
            #expect(draft.questions.map(\.kind) == [.rating, .nps, .single, .text])
            #expect(draft.questions.map(\.required) == [true, true, true, false])
            #expect(draft.invited == 0)
            #expect(draft.answered == 0)
            #expect(draft.createdBy == "svc.manager")
            #expect(draft.version == 1)
            #expect(draft.createdAt == monday9)
            // when: edited while a draft, adding a rating of the response speed
            let speed = Question(
                key: "speed", kind: .rating, text: Self.text("您对响应速度满意吗？", "How satisfied are you with our speed?"))
            let edited = SurveyInput(title: Self.perJob.title, purpose: .perJob, questions: Self.questions + [speed])
            let rewritten = try await Surveys(at(store, hour(10))).update(
                draft.id, edited, expectedVersion: 1, by: Self.manager)
            // then
            #expect(rewritten.questions == edited.questions)
            #expect(rewritten.status == .draft)
            #expect(rewritten.version == 2)
            #expect(rewritten.updatedAt == hour(10))
            #expect(rewritten.createdAt == monday9)
            // an edit of an older version, or a bad one, is refused and changes nothing
            let stale = await #expect(throws: StaleVersion.self) {
                try await Surveys(at(store, hour(10))).update(
                    draft.id, Self.perJob, expectedVersion: 1, by: Self.manager)
            }
            #expect(stale?.current == 2)
            await #expect(throws: problems) {
                try await Surveys(at(store, hour(10))).update(draft.id, bad, expectedVersion: 2, by: Self.manager)
            }
            #expect(try await surveys.get(draft.id) == rewritten)
            // when: activated
            let active = try await Surveys(at(store, hour(11))).setStatus(draft.id, to: .active, by: Self.manager)
            // then
            #expect(active.status == .active)
            #expect(active.version == 3)
            #expect(active.questions == edited.questions)
            // and an active questionnaire is kept as it is asked: not edited, not activated again
            let frozen = await #expect(throws: SurveyNotEditable.self) {
                try await Surveys(at(store, hour(12))).update(
                    draft.id, Self.perJob, expectedVersion: nil, by: Self.manager)
            }
            #expect(frozen?.id == draft.id)
            #expect(frozen?.status == .active)
            await #expect(throws: SurveyNotEditable.self) {
                try await Surveys(at(store, hour(12))).setStatus(draft.id, to: .active, by: Self.manager)
            }
            #expect(try await surveys.get(draft.id) == active)
            #expect(try await Self.audited("survey", draft.id, store) == 3)
            // when: a second per-job questionnaire is activated
            let second = try await surveys.create(
                SurveyInput(
                    title: Self.text("服务满意度回访（新版）", "Service follow-up (new)"), purpose: .perJob,
                    questions: Self.questions), by: Self.manager)
            let secondActive = try await Surveys(at(store, hour(13))).setStatus(
                second.id, to: .active, by: Self.manager)
            // then: it is the one active, the first is retired
            #expect(secondActive.status == .active)
            #expect(try await surveys.get(draft.id).status == .retired)
            // and a periodic one activated beside it retires nothing
            let round = try await surveys.create(Self.periodic, by: Self.manager)
            _ = try await Surveys(at(store, hour(14))).setStatus(round.id, to: .active, by: Self.manager)
            #expect(try await surveys.get(second.id).status == .active)
            let listed = try await surveys.list()
            #expect(listed.map(\.id) == [round.id, second.id, draft.id])
            #expect(listed.map(\.status) == [.active, .active, .retired])
            // and a retired questionnaire does not come back
            let retired = await #expect(throws: SurveyNotEditable.self) {
                try await Surveys(at(store, hour(15))).setStatus(draft.id, to: .active, by: Self.manager)
            }
            #expect(retired?.status == .retired)
        }
    }

    @Test(
        "closing a request invites its customer to the active per-job survey once, reopened and closed again or not",
        arguments: TestDatabase.all)
    func invitationOnClosing(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: the questionnaire, still a draft, and a request closed meanwhile
            let fixture = try await Fixture.make(store)
            let draft = try await Surveys(at(store, monday9)).create(Self.perJob, by: Self.manager)
            let early = try await Self.registered(fixture, store, "卡纸")
            try await Self.close(early.id, at: hour(11), store)
            // then: no survey is active, so nobody is invited
            #expect(try await count("survey_invitations", store) == 0)
            // when: the survey is active and a request goes through triage, a remote fix and closing
            let survey = try await Surveys(at(store, hour(11.5))).setStatus(draft.id, to: .active, by: Self.manager)
            let request = try await Self.registered(fixture, store)
            let closed = try await Self.close(request.id, at: hour(12), store)
            #expect(closed.status == .closed)
            // then: exactly one invitation, pending, for the request's customer and branch, answerable 30 days
            #expect(try await count("survey_invitations", store) == 1)
            let pending = try await Surveys(at(store, hour(12))).invitations(
                status: .pending, surveyId: survey.id, customerId: fixture.customer.id, page: PageRequest()
            ).items
            #expect(pending.count == 1)
            let invitation = try #require(pending.first)
            #expect(invitation.surveyId == survey.id)
            #expect(invitation.surveyTitle == Self.perJob.title)
            #expect(invitation.requestId == request.id)
            #expect(invitation.requestNumber == request.number)
            #expect(invitation.customerId == fixture.customer.id)
            #expect(invitation.customerName == "上海仁济医院")
            #expect(invitation.orgUnitId == fixture.branch.id)
            #expect(invitation.orgUnitId == request.orgUnitId)
            #expect(invitation.orgUnitName == "华东分公司")
            #expect(invitation.tier == .key)
            #expect(invitation.round == nil)
            // no visit, so no engineer is named
            #expect(invitation.engineerId == nil)
            #expect(invitation.engineerName == nil)
            #expect(invitation.status == .pending)
            #expect(invitation.createdAt == hour(12))
            #expect(invitation.expiresAt == hour(12).addingTimeInterval(Double(Surveys.answerDays) * 86400))
            #expect(invitation.answeredAt == nil)
            #expect(invitation.open(at: hour(12)))
            #expect(try await Surveys(store).get(survey.id).invited == 1)
            // when: the fix did not hold: reopened, repaired and closed again
            _ = try await ServiceRequests(at(store, hour(14))).post(
                .init(event: .reopen, note: "客户来电：复印件又出现条纹"), to: request.id, by: tester)
            _ = try await ServiceRequests(at(store, hour(15))).post(.init(event: .resolve), to: request.id, by: tester)
            let again = try await ServiceRequests(at(store, hour(16))).post(
                .init(event: .close), to: request.id, by: tester)
            // then: closed, and still the one invitation of the first closing
            #expect(again.status == .closed)
            #expect(try await count("survey_invitations", store) == 1)
            #expect(try await Self.invitations(store) == [invitation])
        }
    }

    @Test(
        "the customer answers once, online, in time; a wrong answer, another customer or an expired link writes nothing",
        arguments: TestDatabase.all)
    func answeredOnce(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: two of the customer's requests closed at noon, and another customer
            let world = try await World.make(store)
            let customer = world.fixture.customer.id
            let first = try await Self.registered(world.fixture, store)
            let second = try await Self.registered(world.fixture, store, "双面器不进纸")
            try await Self.close(first.id, at: hour(12), store)
            try await Self.close(second.id, at: hour(12), store)
            let invitation = try await Self.invitation(ofRequest: first.id, store)
            let later = try await Self.invitation(ofRequest: second.id, store)
            let stranger = try await Records<CustomerRecord>(store).create(
                .init(orgUnitId: world.fixture.branch.id, name: "苏州精密机械", kind: .company, tier: .regular),
                by: tester)
            let portal = Self.portal(store, hour(13), customer: customer)
            // then: the customer reads the questionnaire of their invitation
            let form = try await portal.form(invitation.id)
            #expect(form.invitation.id == invitation.id)
            #expect(form.invitation.requestNumber == first.number)
            #expect(form.questions == Self.questions)
            // and another customer finds neither the form nor the invitation to answer
            let other = Self.portal(store, hour(13), customer: stranger.id)
            let missing = RecordNotFound(entity: "surveyInvitation", id: invitation.id)
            await #expect(throws: missing) { try await other.form(invitation.id) }
            await #expect(throws: missing) {
                try await other.answer(
                    invitation.id, ResponseInput(answers: Self.answers(5, 10), channel: .online),
                    by: Actor(name: "szjm.chen"))
            }
            #expect(
                try await other.invitations(status: nil, surveyId: nil, customerId: nil, page: PageRequest()).items
                    .isEmpty)
            // and wrong answers are refused by question: an NPS of 11, an option not offered, a required rating left
            // out, a question not asked
            let wrong: [([String: Answer], ValidationError)] = [
                (Self.answers(5, 11), ValidationError(["answers.recommend": .outOfRange(min: 0, max: 10)])),
                (
                    Self.answers(5, 9, fixed: "maybe"),
                    ValidationError(["answers.fixed": .invalidValue(allowed: ["yes", "no"])])
                ),
                (Self.answers(nil, 9), ValidationError(["answers.overall": .required])),
                (
                    Self.answers(5, 9).merging(["colour": Answer(text: "红色")]) { $1 },
                    ValidationError(["answers.colour": .unknownField])
                ),
            ]
            for (answers, problems) in wrong {
                await #expect(throws: problems) {
                    try await portal.answer(
                        invitation.id, ResponseInput(answers: answers, channel: .online), by: Self.renji)
                }
            }
            // and nothing is written
            #expect(try await count("survey_responses", store) == 0)
            #expect(try await count("survey_answers", store) == 0)
            #expect(try await Self.audited("surveyInvitation", invitation.id, store) == 0)
            #expect(try await portal.form(invitation.id).invitation.status == .pending)
            // when: the customer answers online, with a comment
            let answered = try await portal.answer(
                invitation.id,
                ResponseInput(
                    answers: Self.answers(5, 9, comment: "  工程师电话指导很耐心，问题当场解决  "), channel: .online),
                by: Self.renji)
            // then: answered now, the scores and the trimmed comment kept with the branch and the customer
            #expect(answered.id == invitation.id)
            #expect(answered.status == .answered)
            #expect(answered.answeredAt == hour(13))
            #expect(!answered.open(at: hour(13)))
            #expect(try await count("survey_responses", store) == 1)
            let response = try #require(
                try await store.sql.raw(
                    """
                    SELECT invitation_id, customer_id, org_unit_id, engineer_id, channel, csat, nps, comment, \
                    recorded_by, answered_at FROM survey_responses
                    """
                ).first())
            #expect(try response.decode(column: "invitation_id", as: Int.self) == invitation.id)
            #expect(try response.decode(column: "customer_id", as: Int.self) == customer)
            #expect(try response.decode(column: "org_unit_id", as: Int.self) == world.fixture.branch.id)
            #expect(try response.decode(column: "engineer_id", as: Int?.self) == nil)
            #expect(try response.decode(column: "channel", as: String.self) == "online")
            #expect(try response.decode(column: "csat", as: Int?.self) == 5)
            #expect(try response.decode(column: "nps", as: Int?.self) == 9)
            #expect(try response.decode(column: "comment", as: String?.self) == "工程师电话指导很耐心，问题当场解决")
            #expect(try response.decode(column: "recorded_by", as: String.self) == "renji.wang")
            #expect(try response.decode(column: "answered_at", as: Date.self) == hour(13))
            let kept = try await store.sql.raw(
                "SELECT question_key, number, options, text FROM survey_answers ORDER BY question_key"
            ).all()
            #expect(
                try kept.map { try $0.decode(column: "question_key", as: String.self) } == [
                    "comment", "fixed", "overall", "recommend",
                ])
            #expect(try kept.map { try $0.decode(column: "number", as: Int?.self) } == [nil, nil, 5, 9])
            #expect(try kept.map { try $0.decode(column: "options", as: String?.self) } == [nil, "yes", nil, nil])
            #expect(try await Surveys(store).get(world.survey.id).answered == 1)
            #expect(try await Self.audited("surveyInvitation", invitation.id, store) == 1)
            // when: answered a second time, by the customer or typed by the hotline
            let twice = await #expect(throws: InvitationClosed.self) {
                try await Self.portal(store, hour(14), customer: customer).answer(
                    invitation.id, ResponseInput(answers: Self.answers(1, 0), channel: .online), by: Self.renji)
            }
            #expect(twice?.id == invitation.id)
            await #expect(throws: InvitationClosed.self) {
                try await Self.typed(invitation.id, Self.answers(1, 0), .phone, at: hour(14), store)
            }
            // then: the first answer stands, and nothing more is written
            #expect(try await count("survey_responses", store) == 1)
            #expect(try await count("survey_answers", store) == 4)
            #expect(try await Self.audited("surveyInvitation", invitation.id, store) == 1)
            #expect(
                try await store.sql.raw("SELECT csat FROM survey_responses").first(decodingColumn: "csat", as: Int.self)
                    == 5)
            // when: the other invitation is still open a day before it expires, but answered a day after
            let expiry = later.expiresAt
            #expect(
                try await Self.portal(store, expiry.addingTimeInterval(-86400), customer: customer).form(later.id)
                    .invitation.open(at: expiry.addingTimeInterval(-86400)))
            let expired = await #expect(throws: InvitationClosed.self) {
                try await Self.portal(store, expiry.addingTimeInterval(86400), customer: customer).answer(
                    later.id, ResponseInput(answers: Self.answers(4, 8), channel: .online), by: Self.renji)
            }
            // then: refused as closed, nothing written, and it is listed as expired rather than pending
            #expect(expired?.id == later.id)
            #expect(try await count("survey_responses", store) == 1)
            #expect(try await Self.audited("surveyInvitation", later.id, store) == 0)
            let afterwards = Surveys(at(store, expiry.addingTimeInterval(86400)))
            #expect(
                try await afterwards.invitations(status: .expired, surveyId: nil, customerId: nil, page: PageRequest())
                    .items.map(\.id) == [later.id])
            #expect(
                try await afterwards.invitations(status: .pending, surveyId: nil, customerId: nil, page: PageRequest())
                    .items.isEmpty)
        }
    }

    @Test(
        "a periodic round invites a sample of one tier, and no customer twice within 90 days",
        arguments: TestDatabase.all)
    func periodicRounds(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: five key customers and three others
            let fixture = try await Fixture.make(store)
            let records = Records<CustomerRecord>(store)
            var keys: Set<Int> = [fixture.customer.id]
            for name in ["上海瑞金医院", "苏州精密机械", "杭州钢铁集团", "南京地铁运营"] {
                keys.insert(
                    try await records.create(
                        .init(orgUnitId: fixture.branch.id, name: name, kind: .company, tier: .key), by: tester
                    ).id)
            }
            let others: [(String, CustomerKind, CustomerTier)] = [
                ("上海小杨烘焙", .company, .regular), ("苏州印务", .company, .longTerm), ("李女士", .person, .regular),
            ]
            for (name, kind, tier) in others {
                _ = try await records.create(
                    .init(orgUnitId: fixture.branch.id, name: name, kind: kind, tier: tier), by: tester)
            }
            let surveys = Surveys(at(store, monday9))
            let draft = try await surveys.create(Self.periodic, by: Self.manager)
            let round = RoundInput(name: "2026 年度重点客户调查", tier: .key, sampleSize: 3)
            // then: a draft is not sent, nor a round of no one
            let notYet = await #expect(throws: SurveyNotEditable.self) {
                try await surveys.sendRound(draft.id, round, by: Self.manager)
            }
            #expect(notYet?.status == .draft)
            let survey = try await surveys.setStatus(draft.id, to: .active, by: Self.manager)
            await #expect(
                throws: ValidationError(["sampleSize": .outOfRange(min: 1, max: Surveys.maximumSample)])
            ) {
                try await surveys.sendRound(
                    survey.id, RoundInput(name: "空", tier: .key, sampleSize: 0), by: Self.manager)
            }
            #expect(try await count("survey_invitations", store) == 0)
            // when: a round of three to key customers
            let sent = try await surveys.sendRound(survey.id, round, by: Self.manager)
            // then: three key customers, each once, in the round, about no request
            #expect(sent == 3)
            let first = try await Self.invitations(store, survey: survey.id)
            #expect(first.count == 3)
            #expect(Set(first.map(\.customerId)).count == 3)
            #expect(Set(first.map(\.customerId)).isSubset(of: keys))
            #expect(first.allSatisfy { $0.tier == .key })
            #expect(first.allSatisfy { $0.round == "2026 年度重点客户调查" })
            #expect(first.allSatisfy { $0.requestId == nil && $0.engineerId == nil })
            #expect(first.allSatisfy { $0.status == .pending && $0.createdAt == monday9 })
            #expect(first.allSatisfy { $0.expiresAt == monday9.addingTimeInterval(Double(Surveys.answerDays) * 86400) })
            #expect(try await Self.audited("survey", survey.id, store) == 3)
            // when: a second round a month later, of up to ten
            let month = Surveys(at(store, hour(9 + 24 * 30)))
            let more = try await month.sendRound(
                survey.id, RoundInput(name: "2026 年度补充", tier: .key, sampleSize: 10), by: Self.manager)
            // then: only the two key customers not yet asked
            #expect(more == 2)
            let both = try await Self.invitations(store, survey: survey.id)
            #expect(both.count == 5)
            #expect(Set(both.map(\.customerId)) == keys)
            // and a third round the day after asks no one
            let none = try await Surveys(at(store, hour(9 + 24 * 31))).sendRound(
                survey.id, RoundInput(name: "2026 年度再补充", tier: .key, sampleSize: 10), by: Self.manager)
            #expect(none == 0)
            #expect(try await count("survey_invitations", store) == 5)
            // when: 91 days after the first round
            let next = try await Surveys(at(store, hour(9 + 24 * 91))).sendRound(
                survey.id, RoundInput(name: "2027 年第一季度", tier: .key, sampleSize: 10), by: Self.manager)
            // then: the first round's customers may be asked again, the second round's not yet
            #expect(next == 3)
            let latest = try await Self.invitations(store, survey: survey.id).filter { $0.round == "2027 年第一季度" }
            #expect(Set(latest.map(\.customerId)) == Set(first.map(\.customerId)))
            #expect(try await Surveys(store).get(survey.id).invited == 8)
        }
    }

    @Test(
        "results: NPS and CSAT in total, by branch, by the engineer who came, by product line, channel and month",
        arguments: TestDatabase.all)
    func results(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: Wu repaired the fixture's unit on site on Monday and Tuesday; two of the East China branch's
            // requests and one of the South China branch's were solved by phone; each closed, inviting its customer
            let world = try await World.make(store)
            let fixture = world.fixture
            let wu = try await engineer("wu.gong", level: 3, home: (31.2, 121.4), fixture, store)
            func repairedByWu(_ start: Date) async throws -> Int {
                let visit = try await finishedVisit(fixture, store, by: wu, start: start)
                #expect(visit.requestStatus == .resolved)
                _ = try await ServiceRequests(at(store, start.addingTimeInterval(7200))).post(
                    .init(event: .close), to: visit.requestId, by: tester)
                return visit.requestId
            }
            let monday = try await repairedByWu(hour(10))
            let tuesday = try await repairedByWu(hour(10 + 24))
            let byPhone = try await Self.registered(fixture, store, "卡纸频繁")
            try await Self.close(byPhone.id, at: hour(16), store)
            let late = try await Self.registered(fixture, store, "开机报错 E-302")
            try await Self.close(late.id, at: hour(9 + 24 * 10), store)
            let south = try await ServiceRequests(at(store, monday9)).register(
                ServiceRequestInput(
                    customerId: world.southCustomer.id, contactName: "黄经理", contactPhone: "13900000000",
                    channel: .phone, type: .repair, faultDescription: "登机口显示屏黑屏"), by: tester)
            try await Self.close(south.id, at: hour(9 + 24 * 10), store)
            let a = try await Self.invitation(ofRequest: monday, store)
            let e = try await Self.invitation(ofRequest: tuesday, store)
            let b = try await Self.invitation(ofRequest: byPhone.id, store)
            let c = try await Self.invitation(ofRequest: late.id, store)
            let d = try await Self.invitation(ofRequest: south.id, store)
            // the invitations of Wu's jobs name him; the others name no engineer
            #expect([a, e].map(\.engineerId) == [wu.id, wu.id])
            #expect(a.engineerName == "wu.gong")
            #expect([b, c, d].allSatisfy { $0.engineerId == nil })
            #expect(d.orgUnitId == world.south.id)
            // when: answered in November (three) and December (two), online, by phone and by letter
            let customer = fixture.customer.id
            _ = try await Self.portal(store, hour(13), customer: customer).answer(
                a.id,
                ResponseInput(answers: Self.answers(5, 10, comment: "工程师很专业，一次就修好了"), channel: .online),
                by: Self.renji)
            try await Self.typed(e.id, Self.answers(4, 7), .phone, at: hour(13 + 24), store)
            try await Self.typed(b.id, Self.answers(4, 8, fixed: "no"), .letter, at: hour(9 + 24 * 5), store)
            _ = try await Self.portal(store, hour(10 + 24 * 10), customer: customer).answer(
                c.id,
                ResponseInput(
                    answers: Self.answers(2, 3, fixed: "no", comment: "等了三天才有人联系，希望响应再快一些"),
                    channel: .online), by: Self.renji)
            try await Self.typed(d.id, Self.answers(5, 9), .phone, at: hour(9 + 24 * 11), store)
            let report = Surveys(at(store, hour(9 + 24 * 12)))
            let november = CalendarDate(iso: "2026-11-01")!
            let december = CalendarDate(iso: "2026-12-01")!
            let yearEnd = CalendarDate(iso: "2026-12-31")!
            let results = try await report.results(
                from: november, to: yearEnd, surveyId: world.survey.id, orgUnitId: nil)
            // then: five asked, five answered; ratings 5 4 4 2 5 (four of five satisfied: CSAT 80 %), NPS answers
            // 10 7 8 3 9 (two promoters, two passives, one detractor: NPS 20)
            #expect(results.surveyId == world.survey.id)
            #expect(results.invited == 5)
            #expect(results.responses == 5)
            #expect(
                results.total
                    == SatisfactionScore(
                        ratings: 5, ratingSum: 20, satisfied: 4, promoters: 2, passives: 2, detractors: 1))
            #expect(results.total.nps == 20)
            #expect(results.total.csatPercent == 80)
            #expect(results.total.averageTenths == 40)
            // by branch, most answers first
            #expect(results.byBranch.map(\.id) == [fixture.branch.id, world.south.id])
            #expect(results.byBranch.map(\.name) == ["华东分公司", "华南分公司"])
            #expect(results.byBranch.map(\.responses) == [4, 1])
            #expect(
                results.byBranch.map(\.score) == [
                    SatisfactionScore(
                        ratings: 4, ratingSum: 15, satisfied: 3, promoters: 1, passives: 2, detractors: 1),
                    SatisfactionScore(ratings: 1, ratingSum: 5, satisfied: 1, promoters: 1),
                ])
            #expect(results.byBranch.map(\.score.nps) == [0, 100])
            #expect(results.byBranch.map(\.score.csatPercent) == [75, 100])
            // by engineer: only Wu's two visits; the jobs solved by phone name no one and are in no group
            #expect(results.byEngineer.map(\.id) == [wu.id])
            #expect(results.byEngineer.map(\.name) == ["wu.gong"])
            #expect(results.byEngineer.map(\.responses) == [2])
            #expect(
                results.byEngineer.first?.score
                    == SatisfactionScore(ratings: 2, ratingSum: 9, satisfied: 2, promoters: 1, passives: 1))
            #expect(results.byEngineer.first?.score.nps == 50)
            #expect(results.byEngineer.first?.score.csatPercent == 100)
            // by product line: the fixture's copier, and the request without a unit under none
            #expect(results.byProductLine.map(\.id) == [fixture.model.productLineId, nil])
            #expect(results.byProductLine.map(\.responses) == [4, 1])
            // by channel
            #expect(results.byChannel == ["online": 2, "phone": 2, "letter": 1])
            // by month, adding up to the total
            #expect(results.byMonth.map(\.month) == [november, december])
            #expect(results.byMonth.map(\.responses) == [3, 2])
            #expect(results.byMonth.map(\.responses).reduce(0, +) == results.responses)
            #expect(
                results.byMonth.map(\.score) == [
                    SatisfactionScore(ratings: 3, ratingSum: 13, satisfied: 3, promoters: 1, passives: 2),
                    SatisfactionScore(ratings: 2, ratingSum: 7, satisfied: 1, promoters: 1, detractors: 1),
                ])
            #expect(results.byMonth.map(\.score.nps) == [33, 0])
            // the comments, newest first, with who gave them and the engineer when one came
            #expect(results.comments.map(\.text) == ["等了三天才有人联系，希望响应再快一些", "工程师很专业，一次就修好了"])
            #expect(results.comments.map(\.engineerName) == [nil, "wu.gong"])
            #expect(results.comments.map(\.customerName) == ["上海仁济医院", "上海仁济医院"])
            #expect(results.comments.map(\.orgUnitName) == ["华东分公司", "华东分公司"])
            #expect(results.comments.map(\.csat) == [2, 5])
            #expect(results.comments.map(\.nps) == [3, 10])
            #expect(results.comments.map(\.answeredAt) == [hour(10 + 24 * 10), hour(13)])
            // under a branch: its own answers only
            let southOnly = try await report.results(
                from: november, to: yearEnd, surveyId: nil, orgUnitId: world.south.id)
            #expect(southOnly.responses == 1)
            #expect(southOnly.invited == 1)
            #expect(southOnly.byBranch.map(\.id) == [world.south.id])
            #expect(southOnly.comments.isEmpty)
            #expect(
                try await report.results(
                    from: november, to: yearEnd, surveyId: nil, orgUnitId: fixture.headquarters.id
                ).responses == 5)
            // December alone: the two late answers, neither from a visit, so no engineer group at all
            let lastMonth = try await report.results(
                from: december, to: yearEnd, surveyId: world.survey.id, orgUnitId: nil)
            #expect(lastMonth.responses == 2)
            #expect(lastMonth.byMonth.map(\.month) == [december])
            #expect(lastMonth.byEngineer.isEmpty)
            #expect(lastMonth.total.nps == 0)
            #expect(lastMonth.total.csatPercent == 50)
        }
    }
}
