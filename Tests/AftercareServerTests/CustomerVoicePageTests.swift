import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import AftercareServer

/// Issue 17: the customer's voice through its pages: the hotline's complaint intake and the handler's complaint page
/// (R-9.1, R-9.2), the service department's statements, the public complaint form and its guard, the survey link
/// (R-10.2), mystery shopping (R-10.5), the CSRF token on every form, and every staff page in four languages.
@Suite("Pages: complaints, statements, suggestions, surveys and mystery shopping")
struct CustomerVoicePageTests {
    struct Setup {
        var fixture: Fixture
        var request: ServiceRequestView
        /// The hotline at the branch: records complaints, never reads them.
        var agent: Browser
        /// A complaint handler at headquarters, independent of the service department.
        var handler: Browser
        var handlerPrincipal: Principal
    }

    /// The fixture's repair request (registered by `system`, so the handler never worked on it), a hotline agent and a
    /// dispatcher (`disp`) of the branch, and a complaint handler at headquarters.
    static func setup(_ app: Application) async throws -> Setup {
        let fixture = try await Fixture.make(app.store)
        try await makeUser(app, "desk", roles: [.hotlineAgent], unit: fixture.branch.id, displayName: "林晓")
        try await makeUser(app, "disp", roles: [.dispatcher], unit: fixture.branch.id, displayName: "孙调度")
        try await makeUser(
            app, "cmp.zhao", roles: [.complaintHandler], unit: fixture.headquarters.id, displayName: "赵敏")
        let request = try await ServiceRequests(app.store).register(
            ServiceRequestInput(
                customerId: fixture.customer.id, contactName: "王先生", contactPhone: "13800138000",
                unitIds: [fixture.unit.id], channel: .phone, type: .repair, faultDescription: "复印机卡纸，无法打印"),
            by: .system)
        return Setup(
            fixture: fixture, request: request, agent: try await Browser.signIn(app, "desk"),
            handler: try await Browser.signIn(app, "cmp.zhao"), handlerPrincipal: try await principal(app, "cmp.zhao"))
    }

    /// The principal the store's use cases take for `username`, signed in with the test password.
    static func principal(_ app: Application, _ username: String) async throws -> Principal {
        let accounts = Accounts(app.store, hasher: app.storage[AuthSettingsKey.self]!.hasher)
        return try #require(try await accounts.principal(sessionToken: try await signIn(app, username)))
    }

    /// The customer's complaint about the setup's request, as the hotline records it.
    static func fileComplaint(_ app: Application, _ setup: Setup, words: String) async throws -> ComplaintView {
        try await Complaints(app.store).open(
            ComplaintInput(
                customerId: setup.fixture.customer.id, channel: .phone, subject: .request,
                requestId: setup.request.id, severity: .high, wish: .apology, words: words),
            source: .staff, by: .system)
    }

    /// Every complaint the handler sees, newest first.
    static func complaints(_ app: Application, _ handler: Principal) async throws -> [ComplaintView] {
        try await Complaints(app.store).list(ComplaintFilter(), for: handler, page: PageRequest()).items
    }

    /// The hotline's intake form about the setup's request, as a browser posts it.
    static func intakeForm(_ setup: Setup, words: String) -> [(String, String)] {
        [
            ("customerId", "\(setup.fixture.customer.id)"), ("channel", "phone"), ("subject", "request"),
            ("requestId", "\(setup.request.id)"), ("severity", "high"), ("wish", "apology"), ("words", words),
            ("wants", "道歉，并尽快修好"),
        ]
    }

    /// The whole number right after `marker` in `body` (an id in a form's action).
    static func number(after marker: String, in body: String) -> Int? {
        guard let found = body.range(of: marker) else { return nil }
        return Int(String(body[found.upperBound...].prefix(while: { $0.isASCII && $0.isNumber })))
    }

    /// The text after `marker` up to the next double quote (an attribute's value).
    static func attribute(after marker: String, in body: String) -> String? {
        guard let found = body.range(of: marker) else { return nil }
        let rest = body[found.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// A periodic questionnaire in the four languages: the overall rating and an optional comment.
    static let questionnaire = SurveyInput(
        title: [
            "zh-Hans": "季度服务满意度调查", "zh-Hant": "季度服務滿意度調查", "en": "Quarterly service survey",
            "es": "Encuesta trimestral de servicio",
        ],
        purpose: .periodic,
        questions: [
            Question(
                key: "overall", kind: .rating,
                text: [
                    "zh-Hans": "您对我们的服务满意吗？", "zh-Hant": "您對我們的服務滿意嗎？",
                    "en": "Are you satisfied with our service?", "es": "¿Está satisfecho con nuestro servicio?",
                ]),
            Question(
                key: "comment", kind: .text,
                text: [
                    "zh-Hans": "您希望我们改进什么？", "zh-Hant": "您希望我們改進什麼？", "en": "What should we improve?",
                    "es": "¿Qué deberíamos mejorar?",
                ],
                required: false),
        ])

    /// The questionnaire, active, sent in a round to the branch's customers: the fixture customer's invitation.
    static func invitation(_ app: Application, _ setup: Setup) async throws -> InvitationView {
        let surveys = Surveys(app.store)
        let draft = try await surveys.create(questionnaire, by: .system)
        _ = try await surveys.setStatus(draft.id, to: .active, by: .system)
        let invited = try await surveys.sendRound(
            draft.id, RoundInput(name: "2026 年第二季度回访", orgUnitId: setup.fixture.branch.id, sampleSize: 1),
            by: .system)
        #expect(invited == 1)
        return try #require(
            try await surveys.invitations(status: .pending, surveyId: draft.id, customerId: nil, page: PageRequest())
                .items.first)
    }

    static let findings = "前台未登记来访，报价时未出示收费标准 MS-FINDINGS-EC"

    /// A mystery-shopping inspection of `unit` on `day`, every criterion scored 3.
    static func inspection(of unit: Int, on day: CalendarDate) -> MysteryInspectionInput {
        MysteryInspectionInput(
            orgUnitId: unit, inspectedOn: day, scenario: "以客户身份致电热线报修复印机卡纸",
            scores: Dictionary(uniqueKeysWithValues: MysteryCriterion.allCases.map { ($0.rawValue, 3) }),
            findings: findings, inspector: "第三方暗访机构")
    }

    // MARK: Complaints

    @Test("the hotline records a complaint and gets its number, not the complaint; the handler reads it, escaped")
    func intake() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Self.setup(app)
            let words = "工程师两次爽约 <script>alert(1)</script>"
            #expect(try await setup.agent.get("/complaints/new?request=\(setup.request.id)").status == .ok)
            // when
            let filed = try await setup.agent.post("/complaints", Self.intakeForm(setup, words: words))
            // then: recorded as typed, and the agent is sent back to a blank form that names the number
            #expect(filed.status == .seeOther)
            let complaints = try await Self.complaints(app, setup.handlerPrincipal)
            #expect(complaints.count == 1)
            let complaint = try #require(complaints.first)
            #expect(complaint.words == words && complaint.createdBy == "desk")
            #expect(complaint.subject == .request && complaint.requestId == setup.request.id)
            let location = try #require(filed.headers.first(name: .location))
            #expect(location == PageLink.make("/complaints/new", [("filed", complaint.number)]))
            let blank = try await setup.agent.get(location)
            #expect(blank.status == .ok)
            #expect(
                blank.body.string.contains("id=\"complaint-filed\"") && blank.body.string.contains(complaint.number))
            // and the agent may not open it nor the desk
            #expect(try await setup.agent.get("/complaints/\(complaint.id)").status == .forbidden)
            #expect(try await setup.agent.get("/complaints").status == .forbidden)
            // the handler does, with the customer's words escaped
            let page = try await setup.handler.get("/complaints/\(complaint.id)")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("id=\"complaint-number\">\(complaint.number)<"))
            #expect(page.body.string.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!page.body.string.contains("<script>alert(1)</script>"))
        }
    }

    @Test("a form posted without its CSRF token is refused and writes nothing")
    func csrf() async throws {
        try await withTestApp(.sqlite) { app in
            // given: a complaint nobody has taken yet
            let setup = try await Self.setup(app)
            let existing = try await Self.fileComplaint(app, setup, words: "工程师两次爽约")
            let aged = PublicFormGuard.issue(
                at: Date().addingTimeInterval(-10), signing: app.storage[AuthSettingsKey.self]!.signing)
            // when: the intake, a step and a note without the token; the public form without its token or cookie
            let intake = try await setup.agent.post(
                "/complaints", Self.intakeForm(setup, words: "无令牌的投诉"), csrf: false)
            let step = try await setup.handler.post(
                "/complaints/\(existing.id)/events", [("event", "acknowledge")], csrf: false)
            let note = try await setup.handler.post(
                "/complaints/\(existing.id)/notes", [("body", "无令牌的笔记")], csrf: false)
            let anonymous = try await app.testing().sendRequest(.POST, "/complain") { req in
                req.headers.contentType = .urlEncodedForm
                req.body = ByteBuffer(
                    string: formBody([
                        ("issued", aged), ("name", "李女士"), ("phone", "13900001111"), ("wish", "apology"),
                        ("words", "无令牌的公开投诉"),
                    ]))
            }
            // then
            #expect(intake.status == .forbidden)
            #expect(step.status == .forbidden)
            #expect(note.status == .forbidden)
            #expect(anonymous.status == .forbidden)
            #expect(try await Self.complaints(app, setup.handlerPrincipal).map(\.id) == [existing.id])
            let after = try await Complaints(app.store).get(existing.id, for: setup.handlerPrincipal)
            #expect(after.status == .received && after.version == existing.version && after.handlerUserId == nil)
            let file = try await setup.handler.get("/complaints/\(existing.id)").body.string
            #expect(!file.contains("无令牌的笔记"))
        }
    }

    @Test("the handler asks the branch for a statement; its dispatcher answers and never reads the handler's notes")
    func statements() async throws {
        try await withTestApp(.sqlite) { app in
            // given: a complaint about the branch's request, with an investigation note
            let setup = try await Self.setup(app)
            let dispatcher = try await Browser.signIn(app, "disp")
            let words = "客户原话 WORDS-ONLY-FOR-HANDLERS：工程师两次爽约"
            let complaint = try await Self.fileComplaint(app, setup, words: words)
            let note = "调查笔记 NOTE-ONLY-FOR-HANDLERS：怀疑改约未通知客户"
            let question = "请说明 3 月 12 日两次改约的原因，以及如何通知客户"
            let answer = "3 月 12 日备件未到，已电话通知客户改约，通话记录见工单"
            #expect(
                try await setup.handler.post("/complaints/\(complaint.id)/notes", [("body", note)]).status
                    == .seeOther)
            // when: the handler asks the branch
            let asked = try await setup.handler.post(
                "/complaints/\(complaint.id)/statements",
                [("orgUnitId", "\(setup.fixture.branch.id)"), ("question", question)])
            // then: the branch's dispatcher sees the question with the complaint's number, not the notes or words
            #expect(asked.status == .seeOther)
            let worklist = try await dispatcher.get("/statements")
            let open = worklist.body.string
            #expect(worklist.status == .ok)
            #expect(open.contains(question) && open.contains(complaint.number))
            #expect(!open.contains("NOTE-ONLY-FOR-HANDLERS") && !open.contains("WORDS-ONLY-FOR-HANDLERS"))
            let statementId = try #require(Self.number(after: "action=\"/statements/", in: open))
            // when: the dispatcher answers
            let answered = try await dispatcher.post("/statements/\(statementId)/answer", [("answer", answer)])
            // then: neither the statements nor the request page shows the notes; the complaint stays closed to them
            #expect(answered.status == .seeOther)
            for path in ["/statements", "/requests/\(setup.request.id)"] {
                let page = try await dispatcher.get(path)
                let body = page.body.string
                #expect(page.status == .ok, "\(path)")
                #expect(body.contains(complaint.number), "\(path)")
                #expect(!body.contains("NOTE-ONLY-FOR-HANDLERS"), "\(path)")
                #expect(!body.contains("WORDS-ONLY-FOR-HANDLERS"), "\(path)")
            }
            #expect(try await dispatcher.get("/statements").body.string.contains(answer))
            #expect(try await dispatcher.get("/complaints/\(complaint.id)").status == .forbidden)
            // and the handler reads the answer beside the note
            let file = try await setup.handler.get("/complaints/\(complaint.id)").body.string
            #expect(file.contains(answer) && file.contains(note))
        }
    }

    @Test("resolving without cause and responsibility gives the complaint page back, in the reader's language")
    func refusedResolution() async throws {
        try await withTestApp(.sqlite) { app in
            // given: a complaint acknowledged, investigated and planned through its forms, with no findings
            let setup = try await Self.setup(app)
            let complaint = try await Self.fileComplaint(app, setup, words: "工程师两次爽约")
            let path = "/complaints/\(complaint.id)/events"
            #expect(try await setup.handler.post(path, [("event", "acknowledge")]).status == .seeOther)
            #expect(try await setup.handler.post(path, [("event", "investigate")]).status == .seeOther)
            #expect(
                try await setup.handler.post(path, [("event", "agreePlan"), ("note", "周三前派高级工程师上门")])
                    .status == .seeOther)
            let before = try await Complaints(app.store).get(complaint.id, for: setup.handlerPrincipal)
            #expect(before.status == .planAgreed && before.cause == nil && before.responsibility == nil)
            let catalogue = app.storage[CatalogueKey.self]!
            for language in Language.allCases {
                // when
                let refused = try await setup.handler.post(
                    path, [("event", "resolve"), ("note", "已更换定影组件")],
                    headers: ["Accept-Language": language.rawValue])
                // then: the complaint page again, each missing finding named in the reader's language
                let body = refused.body.string
                let words = catalogue.strings[language]!
                #expect(refused.status == .unprocessableEntity, "\(language.rawValue)")
                #expect(body.contains("<html lang=\"\(language.rawValue)\">"), "\(language.rawValue)")
                #expect(body.contains("id=\"complaint-number\">\(complaint.number)<"), "\(language.rawValue)")
                for field in ["cause", "responsibility"] {
                    let message =
                        "data-field=\"\(field)\">\(words["complaints.field.\(field)"]!): \(words["problem.required"]!)<"
                    #expect(body.contains(message), "\(language.rawValue): \(field)")
                }
            }
            // and nothing changed
            let after = try await Complaints(app.store).get(complaint.id, for: setup.handlerPrincipal)
            #expect(after.status == .planAgreed && after.version == before.version)
            #expect(after.resolvedAt == nil && after.feedback == nil)
        }
    }

    @Test("the public complaint form: a robot is thanked and ignored, a hasty post comes back, a real one is recorded")
    func publicForm() async throws {
        try await withTestApp(.sqlite) { app in
            // given: the form as a visitor gets it, and a form time given out ten seconds ago
            let setup = try await Self.setup(app)
            let form = try await app.testing().sendRequest(.GET, "/complain")
            #expect(form.status == .ok)
            // The page gives out a signed form time; a post "straight after" is made with one signed a minute ahead,
            // so that no pause of a loaded machine between the two can make it old enough.
            _ = try #require(Self.attribute(after: "name=\"issued\" value=\"", in: form.body.string))
            let fresh = PublicFormGuard.issue(
                at: Date().addingTimeInterval(60), signing: app.storage[AuthSettingsKey.self]!.signing)
            let aged = PublicFormGuard.issue(
                at: Date().addingTimeInterval(-10), signing: app.storage[AuthSettingsKey.self]!.signing)
            let typed = [
                ("name", "李女士"), ("phone", "13900001111"), ("about", "上周的维修"), ("wish", "apology"),
                ("words", "维修后第二天又坏了"), ("wants", "免费重修"),
            ]
            // when: the hidden field is filled
            let robot = try await postSignedOut(
                app, "/complain", typed + [("issued", aged), ("website", "https://spam.example")])
            // then: thanked as if accepted, nothing written
            #expect(robot.status == .seeOther)
            #expect(robot.headers.first(name: .location) == "/complain/thanks")
            #expect(try await Self.complaints(app, setup.handlerPrincipal).isEmpty)
            // when: sent straight after the form was given out
            let hasty = try await postSignedOut(app, "/complain", typed + [("issued", fresh)])
            // then: the form again with the reason and what was typed, nothing written
            let again = hasty.body.string
            let tooQuick = app.storage[CatalogueKey.self]!.strings[.zhHans]!["publicComplaint.error.tooQuick"]!
            #expect(hasty.status == .unprocessableEntity)
            #expect(again.contains("data-field=\"issued\"") && again.contains(tooQuick))
            #expect(again.contains("value=\"李女士\"") && again.contains(">维修后第二天又坏了</textarea>"))
            #expect(try await Self.complaints(app, setup.handlerPrincipal).isEmpty)
            // when: sent after a while
            let accepted = try await postSignedOut(app, "/complain", typed + [("issued", aged)])
            // then: recorded from the web, naming no record of ours, and the thanks page gives its number
            #expect(accepted.status == .seeOther)
            let complaints = try await Self.complaints(app, setup.handlerPrincipal)
            #expect(complaints.count == 1)
            let filed = try #require(complaints.first)
            #expect(filed.words == "维修后第二天又坏了" && filed.complainantName == "李女士")
            #expect(filed.channel == .web && filed.customerId == nil && filed.createdBy == "public")
            let location = try #require(accepted.headers.first(name: .location))
            #expect(location == PageLink.make("/complain/thanks", [("number", filed.number)]))
            let thanks = try await app.testing().sendRequest(.GET, location)
            #expect(thanks.status == .ok)
            #expect(thanks.body.string.contains("id=\"complaint-number\">\(filed.number)<"))
        }
    }

    // MARK: Every page in four languages

    @Test(
        "the staff pages of the customer's voice render in every language without English left over or raw keys",
        arguments: Language.allCases)
    func languages(language: Language) async throws {
        try await withTestApp(.sqlite) { app in
            // given: an administrator at headquarters (every action), a complaint with a statement asked, a
            // suggestion, a survey invitation and a mystery-shopping inspection of the branch
            let setup = try await Self.setup(app)
            try await makeUser(app, "voice.admin", roles: [.administrator], unit: setup.fixture.headquarters.id)
            let admin = try await Browser.signIn(app, "voice.admin")
            let complaint = try await Self.fileComplaint(app, setup, words: "工程师两次爽约")
            _ = try await Statements(app.store).ask(
                about: complaint.id, of: setup.fixture.branch.id, question: "请说明改约原因", dueAt: nil,
                by: setup.handlerPrincipal)
            let suggestion = try await Suggestions(app.store).submit(
                SuggestionInput(
                    customerId: setup.fixture.customer.id, channel: .phone, topic: "维修进度",
                    text: "希望能在微信上查看维修进度"), source: .staff, by: .system)
            let invitation = try await Self.invitation(app, setup)
            _ = try await MysteryShopping(app.store).record(
                Self.inspection(of: setup.fixture.branch.id, on: app.store.today),
                by: try await Self.principal(app, "voice.admin"))
            let catalogue = app.storage[CatalogueKey.self]!
            let english = catalogue.strings[.en]!
            let local = catalogue.strings[language]!
            let paths = [
                "/complaints", "/complaints/new", "/complaints/statistics", "/complaints/\(complaint.id)",
                "/statements", "/suggestions", "/suggestions/\(suggestion.id)", "/suggestions/qr", "/surveys",
                "/surveys/results", "/surveys/invitations", "/surveys/invitations/\(invitation.id)",
                "/customer-visits", "/committee-meetings", "/mystery-shopping",
            ]
            for path in paths {
                // when
                let response = try await admin.get(path, headers: ["Accept-Language": language.rawValue])
                // then
                let body = response.body.string
                #expect(response.status == .ok, "\(path)")
                #expect(body.contains("<html lang=\"\(language.rawValue)\">"), "\(path)")
                let leftover = english.filter { key, text in
                    language != .en && text.contains(" ") && text.count > 8 && local[key] != text
                        && body.contains(">\(text)<")
                }
                #expect(leftover.isEmpty, "\(path) in \(language.rawValue) shows English: \(leftover.values.sorted())")
                let raw = english.keys.filter { $0.contains(".") && body.contains(">\($0)<") }
                #expect(raw.isEmpty, "\(path) shows raw keys: \(raw.sorted())")
            }
        }
    }

    // MARK: Mystery shopping

    @Test("mystery shopping: a branch's manager never sees the inspections of their own branch; headquarters does")
    func mysteryShopping() async throws {
        try await withTestApp(.sqlite) { app in
            // given: an inspection of the branch, recorded by headquarters
            let fixture = try await Fixture.make(app.store)
            try await makeUser(app, "hq.boss", roles: [.serviceManager], unit: fixture.headquarters.id)
            try await makeUser(app, "ec.boss", roles: [.serviceManager], unit: fixture.branch.id)
            let recorded = try await MysteryShopping(app.store).record(
                Self.inspection(of: fixture.branch.id, on: app.store.today),
                by: try await Self.principal(app, "hq.boss"))
            let branchManager = try await Browser.signIn(app, "ec.boss")
            let headquarters = try await Browser.signIn(app, "hq.boss")
            // when: the branch's manager looks, filtered to their branch or not
            for path in ["/mystery-shopping", "/mystery-shopping?unit=\(fixture.branch.id)"] {
                let page = try await branchManager.get(path)
                // then: the page, without the inspection
                #expect(page.status == .ok, "\(path)")
                #expect(!page.body.string.contains(Self.findings), "\(path)")
                #expect(!page.body.string.contains("id=\"inspection-\(recorded.id)\""), "\(path)")
            }
            // and headquarters sees it
            let seen = try await headquarters.get("/mystery-shopping")
            #expect(seen.status == .ok)
            #expect(seen.body.string.contains("id=\"inspection-\(recorded.id)\""))
            #expect(seen.body.string.contains(Self.findings))
        }
    }

    // MARK: Surveys

    @Test("a survey link is answered once: the thanks page, then the closed page with 404")
    func surveyLink() async throws {
        try await withTestApp(.sqlite) { app in
            // given: an invitation and its signed link, which the hotline sees on the invitation's page
            let setup = try await Self.setup(app)
            let invitation = try await Self.invitation(app, setup)
            let token = PublicLink.surveyToken(
                Request(application: app, on: app.eventLoopGroup.next()), invitationId: invitation.id)
            let staff = try await setup.agent.get("/surveys/invitations/\(invitation.id)")
            #expect(staff.status == .ok && staff.body.string.contains("/s/\(token)"))
            let form = try await app.testing().sendRequest(.GET, "/s/\(token)")
            #expect(form.status == .ok)
            #expect(form.body.string.contains("id=\"survey-form\"") && form.body.string.contains("季度服务满意度调查"))
            // when: answered through the link
            let first = try await postSignedOut(app, "/s/\(token)", [("a.overall", "5"), ("a.comment", "工程师很专业")])
            // then: the thanks page
            #expect(first.status == .seeOther)
            #expect(first.headers.first(name: .location) == "/s/thanks")
            let thanks = try await app.testing().sendRequest(.GET, "/s/thanks")
            #expect(thanks.status == .ok && thanks.body.string.contains("id=\"survey-thanks\""))
            // when: answered again
            let second = try await postSignedOut(app, "/s/\(token)", [("a.overall", "1")])
            // then: the closed page, the link as dead as a forged one, and one answer kept
            #expect(second.status == .notFound)
            #expect(second.body.string.contains("id=\"survey-link-closed\""))
            #expect(!second.body.string.contains("id=\"survey-form\""))
            let reopened = try await app.testing().sendRequest(.GET, "/s/\(token)")
            let forged = try await app.testing().sendRequest(.GET, "/s/\(invitation.id).forged")
            #expect(reopened.status == .notFound && forged.status == .notFound)
            #expect(forged.body.string.contains("id=\"survey-link-closed\""))
            let answered = try await Surveys(app.store).invitations(
                status: .answered, surveyId: invitation.surveyId, customerId: nil, page: PageRequest())
            #expect(answered.items.map(\.id) == [invitation.id])
            #expect(try await Surveys(app.store).get(invitation.surveyId).answered == 1)
        }
    }
}
