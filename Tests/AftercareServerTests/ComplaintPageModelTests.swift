import AftercareDomain
import Foundation
import Testing

@testable import AftercareServer
@testable import AftercareStore

/// Issue 17: the complaint pages' models as values: given a complaint's file, the acting principal and a localizer,
/// what the page holds: the steps the lifecycle and the roles allow, the review for the supervisor, the subject in
/// words and the reader's language. No database, no request.
@Suite("Page models: complaints")
struct ComplaintPageModelTests {
    typealias F = PageFixtures
    typealias P = ComplaintPages

    // MARK: Fixtures

    /// CMP-2026-000017: the customer of SR-2026-000137 complains that the engineer came two hours late. Received at
    /// 08:30, to be acknowledged by 17:00.
    static func complaint(
        _ status: ComplaintStatus = .received, handler: Int? = nil, review: String? = nil,
        subject: ComplaintSubject = .request
    ) -> ComplaintView {
        ComplaintView(
            id: 17, number: "CMP-2026-000017", orgUnitId: 2, orgUnitName: "华东分公司", customerId: 9,
            customerName: "上海浦江印务有限公司", complainantName: "陈建国", complainantPhone: "021 6435 2210",
            complainantEmail: nil, channel: .phone, subject: subject, requestId: 42, requestNumber: "SR-2026-000137",
            visitId: nil, engineerId: subject == .engineer ? 3 : nil, engineerName: subject == .engineer ? "孙海涛" : nil,
            unitId: nil, unitSerial: nil, productModelId: nil, productModelName: nil, staffUserId: nil, staffName: nil,
            subjectText: subject == .policy ? "保修期从发货日起算" : nil, severity: .high, wish: .apology,
            words: "工程师迟到两个小时，也没有提前打电话。", wants: "希望公司道歉并说明原因", status: status,
            allowedEvents: ComplaintLifecycle(status: status).allowedEvents, handlerUserId: handler,
            handlerName: handler.map { $0 == 7 ? "王丽" : "刘洋" }, supervisorOnly: false,
            cause: status.isOpen ? nil : .delay, responsibility: status.isOpen ? nil : .branch, plan: nil,
            feedback: nil, customerReply: nil,
            compensation: Compensation(kind: .none, amountMinor: nil, currency: .cny, note: nil),
            acknowledgementDueAt: F.at(17), acknowledgedAt: status == .received ? nil : F.at(9),
            resolutionDueAt: F.at(17).addingTimeInterval(4 * 86400), resolvedAt: status.isOpen ? nil : F.at(16),
            closedAt: status == .closed ? F.at(16, 30) : nil, closedReason: nil, reprocessed: 0, review: review,
            reviewedBy: nil, reviewedAt: nil, reviewNote: nil, createdBy: "zhao.min", version: 2,
            createdAt: F.at(8, 30), updatedAt: F.at(8, 30))
    }

    static func file(_ complaint: ComplaintView) -> ComplaintFile {
        ComplaintFile(
            complaint: complaint,
            events: [
                ComplaintEventView(
                    id: 1, at: F.at(8, 30), actor: "zhao.min", event: "open", from: nil, to: .received, note: nil),
                ComplaintEventView(
                    id: 2, at: F.at(9), actor: "wang.li", event: "acknowledge", from: .received, to: .acknowledged,
                    note: nil),
            ],
            notes: [ComplaintNoteView(id: 1, at: F.at(9, 5), author: "wang.li", body: "已致电客户，约定明天回电")],
            statements: [
                StatementView(
                    id: 5,
                    complaint: ComplaintNotice(
                        id: 17, number: "CMP-2026-000017", subject: .request, status: complaint.status,
                        orgUnitName: "华东分公司", createdAt: F.at(8, 30)),
                    orgUnitId: 2, orgUnitName: "华东分公司", question: "请说明 11 月 29 日上门迟到的原因", askedBy: "wang.li",
                    askedAt: F.at(9, 10), dueAt: F.at(8), status: .asked, answer: nil, answeredBy: nil, answeredAt: nil)
            ],
            actions: [
                CorrectiveActionView(
                    id: 3, description: "派工前电话确认到达时间", owner: "华东分公司调度组", dueOn: F.day.adding(days: 7),
                    doneAt: nil, doneBy: nil, createdBy: "wang.li", createdAt: F.at(9, 20))
            ])
    }

    static func data(_ complaint: ComplaintView, _ roles: Set<Role>, now: Date = F.at(10)) -> P.CaseData {
        P.CaseData(
            file: file(complaint), principal: F.principal(roles), now: now, today: F.day, units: [F.branch])
    }

    // MARK: The complaint page

    @Test("a handler sees the steps the lifecycle allows now, takes an unassigned complaint, and works it")
    func handlerSteps() {
        // given a received complaint nobody has taken yet
        let l = F.localizer(.en)
        let model = P.caseModel(Self.data(Self.complaint(), [.complaintHandler]), l)
        // then: acknowledge (a button) and withdraw (with the customer's reason), nothing else
        #expect(model.steps.map(\.event) == ["acknowledge", "withdraw"])
        #expect(model.steps.map(\.withNote) == [false, true])
        #expect(model.steps.last?.required == true)
        #expect(model.steps.first?.label == l.t("complaint.event.acknowledge"))
        #expect(model.handler.canTake && !model.handler.canAssign && model.handler.elsewhere == nil)
        #expect(model.findings != nil && model.ask != nil && model.actionForm != nil && model.canAddNote)
        #expect(model.ask?.unitOptions.map(\.selected) == [true])
        #expect(model.reviewForm == nil && model.review == nil)
    }

    @Test("a handler's steps follow the status: resolving carries the result; closing a resolved one a reason")
    func handlerStepsResolved() {
        let planned = P.caseModel(
            Self.data(Self.complaint(.planAgreed, handler: 7), [.complaintHandler]), F.localizer(.en))
        #expect(planned.steps.map(\.event) == ["resolve", "withdraw"])
        #expect(planned.steps.first?.withNote == true && planned.steps.first?.required == true)
        #expect(!planned.handler.canTake)
        let resolved = P.caseModel(
            Self.data(Self.complaint(.resolved, handler: 7), [.complaintHandler]), F.localizer(.en))
        #expect(resolved.steps.map(\.event) == ["confirmSatisfied", "reportNotSatisfied", "close"])
        #expect(resolved.steps.last?.withNote == true && resolved.steps.last?.required == true)
        let satisfied = P.caseModel(
            Self.data(Self.complaint(.satisfied, handler: 7), [.complaintHandler]), F.localizer(.en))
        #expect(satisfied.steps.map(\.event) == ["close"])
        #expect(satisfied.steps.first?.required == false)
    }

    @Test("another handler's complaint: no forms, and who has it")
    func otherHandler() {
        let l = F.localizer(.zhHans)
        let model = P.caseModel(Self.data(Self.complaint(.investigating, handler: 12), [.complaintHandler]), l)
        #expect(model.steps.isEmpty && model.findings == nil && model.ask == nil && model.actionForm == nil)
        #expect(!model.canAddNote && !model.handler.canTake)
        #expect(model.handler.elsewhere?.contains("刘洋") == true)
        #expect(model.actions.first?.canFinish == false)
    }

    @Test("a closed complaint: the handler has no step; the supervisor may reopen it with the findings")
    func closedReopen() {
        let handler = P.caseModel(Self.data(Self.complaint(.closed, handler: 7), [.complaintHandler]), F.localizer(.en))
        #expect(handler.steps.isEmpty && handler.findings == nil && handler.ask == nil)
        let supervisor = P.caseModel(
            Self.data(Self.complaint(.closed, handler: 12), [.complaintSupervisor]), F.localizer(.en))
        #expect(supervisor.steps.map(\.event) == ["reopen"])
        #expect(supervisor.steps.first?.required == true)
        #expect(supervisor.handler.elsewhere == nil && !supervisor.handler.canAssign)
    }

    @Test("the supervisor sees the review form only while the complaint is drawn for review")
    func reviewForm() {
        let l = F.localizer(.en)
        let pending = P.caseModel(
            Self.data(Self.complaint(.closed, handler: 12, review: "pending"), [.complaintSupervisor]), l)
        #expect(pending.reviewForm?.verdictOptions.map(\.value) == ["upheld", "remarks", "reopened"])
        #expect(pending.reviewForm?.verdictOptions.first?.label == l.t("complaint.review.upheld"))
        #expect(pending.review?.state == l.t("complaint.review.pending"))
        let upheld = P.caseModel(
            Self.data(Self.complaint(.closed, handler: 12, review: "upheld"), [.complaintSupervisor]), l)
        #expect(upheld.reviewForm == nil && upheld.review?.stateCode == "upheld")
        let handler = P.caseModel(
            Self.data(Self.complaint(.closed, handler: 7, review: "pending"), [.complaintHandler]), l)
        #expect(handler.reviewForm == nil && handler.review != nil)
        let none = P.caseModel(Self.data(Self.complaint(.closed, handler: 12), [.complaintSupervisor]), l)
        #expect(none.reviewForm == nil && none.review == nil)
    }

    @Test("the subject in words, with the page of the record it names")
    func subjectInWords() {
        let l = F.localizer(.zhHans)
        let request = P.subject(Self.complaint(), l)
        #expect(request.text == l.t("complaint.subject.request") + " SR-2026-000137")
        #expect(request.link == "/requests/42")
        let engineer = P.subject(Self.complaint(subject: .engineer), l)
        #expect(engineer.text == l.t("complaint.subject.engineer") + " 孙海涛" && engineer.link == nil)
        let policy = P.subject(Self.complaint(subject: .policy), l)
        #expect(policy.text == l.t("complaint.subject.policy") + " · 保修期从发货日起算")
        // the request of an engineer complaint is a fact of its own, with its link
        let model = P.caseModel(Self.data(Self.complaint(subject: .engineer), [.complaintHandler]), l)
        #expect(model.facts.contains { $0.link == "/requests/42" && $0.value == "SR-2026-000137" })
        #expect(model.facts.contains { $0.id == "complaint-phone" && $0.link == "tel:02164352210" })
        #expect(model.facts.contains { $0.link == "/customers/9" })
    }

    @Test("the reader's language: statuses, events, deadlines and statements in Chinese and in English")
    func readersLanguage() {
        for language in [Language.zhHans, .en] {
            let l = F.localizer(language)
            // at 17:30 the acknowledgement is overdue
            let model = P.caseModel(Self.data(Self.complaint(), [.complaintHandler], now: F.at(17, 30)), l)
            #expect(model.status == l.t("complaint.status.received") && model.status != "complaint.status.received")
            #expect(model.severity == l.t("complaint.severity.high") && model.severity != "complaint.severity.high")
            #expect(model.acknowledgement.overdue && model.acknowledgement.mark == l.t("complaints.overdue"))
            #expect(model.acknowledgement.text == l.t("complaints.dueAt") + " " + l.dateTime(F.at(17)))
            #expect(!model.resolution.overdue && model.resolution.mark == nil)
            #expect(model.timeline.map(\.event) == [l.t("complaint.event.open"), l.t("complaint.event.acknowledge")])
            #expect(model.timeline.allSatisfy { !$0.event.hasPrefix("complaint.") })
            #expect(
                model.timeline.last?.change
                    == l.t("complaint.status.received") + " → " + l.t("complaint.status.acknowledged"))
            #expect(model.statements.first?.status == l.t("statement.status.asked"))
            #expect(model.statements.first?.overdue == true)
            #expect(model.compensation == l.t("complaint.compensation.none"))
            #expect(model.findings?.causeOptions.first?.label == l.t("complaints.notYet"))
        }
        #expect(
            P.caseModel(Self.data(Self.complaint(), [.complaintHandler]), F.localizer(.zhHans)).status
                != P.caseModel(Self.data(Self.complaint(), [.complaintHandler]), F.localizer(.en)).status)
    }

    @Test("the findings form gives the compensation back as an amount, and a refused form as typed")
    func findingsForm() {
        var c = Self.complaint(.investigating, handler: 7)
        c.compensation = Compensation(kind: .money, amountMinor: 20_000, currency: .cny, note: "上门费全免")
        c.cause = .delay
        var data = Self.data(c, [.complaintHandler])
        let l = F.localizer(.en)
        let model = P.caseModel(data, l)
        #expect(model.findings?.amount == "200.00")
        #expect(model.findings?.causeOptions.first { $0.selected }?.value == "delay")
        #expect(model.findings?.linkCustomer == false)
        #expect(model.compensation == l.t("complaint.compensation.money") + " · " + l.amount(20_000, .cny) + " · 上门费全免")
        data.typed = ["compensationAmount": "abc", "event": "agreePlan", "note": "补派工程师"]
        let again = P.caseModel(data, l)
        #expect(again.findings?.amount == "abc")
        #expect(again.steps.first { $0.event == "agreePlan" }?.note == "补派工程师")
    }

    // MARK: The desk

    @Test("the desk: rows in words, the views the reader has, overdue marks and the next page")
    func desk() {
        let l = F.localizer(.zhHans)
        let supervisor = F.principal([.complaintSupervisor])
        #expect(P.filter(show: .mine, status: nil, principal: supervisor).handlerUserId == 7)
        #expect(P.filter(show: .review, status: nil, principal: supervisor).reviewPending)
        #expect(P.filter(show: .overdue, status: .received, principal: supervisor).statuses == [.received])
        #expect(P.filter(show: .open, status: nil, principal: supervisor).statuses.allSatisfy { $0.isOpen })
        let data = P.DeskData(
            page: Page(items: [Self.complaint(), Self.complaint(.investigating, handler: 7)], nextCursor: "n2"),
            show: .mine, status: nil, canFile: true, supervises: false, now: F.at(17, 30))
        let model = P.deskModel(data, l)
        #expect(model.views.map(\.id) == ["show-open", "show-mine", "show-overdue", "show-closed", "show-all"])
        #expect(model.views.filter(\.selected).map(\.id) == ["show-mine"])
        #expect(model.next == "/complaints?show=mine&cursor=n2")
        #expect(model.rows.first?.handler == l.t("complaints.unassigned") && model.rows.first?.assigned == false)
        #expect(model.rows.first?.overdue == true && model.rows.last?.overdue == false)
        #expect(model.rows.first?.subject == l.t("complaint.subject.request") + " SR-2026-000137")
        #expect(model.rows.first?.customer == "上海浦江印务有限公司")
        #expect(model.rows.last?.status == l.t("complaint.status.investigating"))
        #expect(model.canFile)
    }

    @Test("the intake form: the hotline agent's confirmation, and the record fields of each subject")
    func intake() {
        let l = F.localizer(.en)
        let model = P.newModel(typed: [:], filed: "CMP-2026-000018", errors: [], l)
        #expect(model.filed?.contains("CMP-2026-000018") == true && model.filed?.contains("{number}") == false)
        #expect(
            model.recordFields.map(\.name)
                == ["requestId", "visitId", "engineerId", "unitId", "productModelId", "staffUserId"])
        #expect(model.subjectOptions.first?.value == "" && model.subjectOptions.first?.selected == true)
        #expect(model.channelOptions.first { $0.selected }?.value == "phone")
        let typed = P.newModel(typed: ["subject": "unit", "unitId": "31", "words": "设备又坏了"], filed: nil, errors: [], l)
        #expect(typed.subjectOptions.first { $0.selected }?.value == "unit")
        #expect(typed.recordFields.first { $0.name == "unitId" }?.value == "31" && typed.words == "设备又坏了")
    }
}
