import AftercareDomain
import Foundation
import Testing

@testable import AftercareServer
@testable import AftercareStore

/// Issue 17, R-10.3: the suggestion pages' models as values: given store views, the acting principal and a
/// localizer, what the pages hold: the overdue acknowledgements marked, the steps and reward forms the roles allow
/// (never the proposer's own approval), the QR cards, and what the customer sees. No database, no request.
@Suite("Page models: suggestions")
struct SuggestionPageModelTests {
    typealias F = PageFixtures
    typealias P = SuggestionPages

    // MARK: Fixtures

    /// SUG-2026-000012: a customer suggests a charging socket in the waiting room; received at 08:30, to be
    /// acknowledged by 17:00.
    static func suggestion(
        _ status: SuggestionStatus = .received, acknowledgedAt: Date? = nil, reward: SuggestionRewardView? = nil
    ) -> SuggestionView {
        SuggestionView(
            id: 12, number: "SUG-2026-000012", orgUnitId: 2, orgUnitName: "华东分公司", customerId: 9,
            customerName: "上海浦江印务有限公司", name: "陈建国", phone: "021 6435 2210", email: nil, channel: .phone,
            topic: "等候区", text: "希望在等候区提供手机充电插座。", status: status,
            allowedEvents: SuggestionLifecycle(status: status).allowedEvents, acknowledgementDueAt: F.at(17),
            acknowledgedAt: acknowledgedAt, decision: status == .adopted ? "下月起加装充电插座" : nil,
            decidedBy: status == .adopted ? "zhou.qiang" : nil, decidedAt: status == .adopted ? F.at(11) : nil,
            reward: reward, createdBy: "li.na", version: 3, createdAt: F.at(8, 30), updatedAt: F.at(8, 30))
    }

    static func reward(_ status: RewardStatus = .proposed, by proposer: String = "zhou.qiang") -> SuggestionRewardView {
        SuggestionRewardView(
            id: 5, suggestionId: 12, kind: .points, points: 500, amountMinor: nil, currency: .cny,
            description: "感谢建议", status: status, proposedBy: proposer, proposedAt: F.at(12),
            decidedBy: status == .proposed ? nil : "chen.gang", decidedAt: status == .proposed ? nil : F.at(13),
            decisionNote: nil)
    }

    static func data(_ s: SuggestionView, _ roles: Set<Role>, rewards: [SuggestionRewardView] = []) -> P.CaseData {
        P.CaseData(
            file: SuggestionFile(
                suggestion: s,
                events: [
                    SuggestionEventView(
                        id: 1, at: F.at(8, 30), actor: "li.na", event: "open", from: nil, to: .received, note: nil)
                ], rewards: rewards), principal: F.principal(roles), now: F.at(10))
    }

    // MARK: The worklist

    @Test("the worklist marks an acknowledgement past its deadline, and a reward waiting for approval")
    func worklistOverdue() {
        let l = F.localizer(.en)
        let late = Self.suggestion()
        let rewarded = Self.suggestion(.adopted, acknowledgedAt: F.at(9), reward: Self.reward())
        let model = P.worklistModel(
            P.WorklistData(
                page: Page(items: [late, rewarded], nextCursor: "c2"), show: .open, status: nil,
                now: F.at(18)), l)
        #expect(model.rows.map(\.overdue) == [true, false])
        #expect(model.rows.first?.acknowledgement.mark == l.t("suggestions.overdue"))
        #expect(model.rows.last?.acknowledgement.mark == nil)
        #expect(model.rows.last?.rewardPending == true)
        #expect(model.rows.last?.reward?.contains("500") == true)
        #expect(model.rows.first?.customer == "上海浦江印务有限公司")
        #expect(model.views.map(\.id) == ["show-open", "show-overdue", "show-rewards", "show-decided", "show-all"])
        #expect(model.views.first?.selected == true)
        #expect(model.next?.hasPrefix("/suggestions?cursor=") == true)
        #expect(P.filter(show: .overdue, status: nil) == SuggestionFilter(overdueAcknowledgement: true))
        #expect(P.filter(show: .rewards, status: nil) == SuggestionFilter(rewardPending: true))
    }

    // MARK: One suggestion

    @Test("whoever works suggestions takes the steps the status allows; adopting and declining need the note")
    func steps() {
        let l = F.localizer(.en)
        let model = P.caseModel(Self.data(Self.suggestion(), [.hotlineAgent]), l)
        #expect(model.steps.map(\.event) == ["acknowledge", "decline"])
        #expect(model.steps.map(\.required) == [false, true])
        #expect(model.steps.last?.noteLabel == l.t("suggestions.note.decline"))
        #expect(model.rewardForm == nil)
        #expect(model.rewardHint == l.t("suggestions.rewardAfterAdoption"))
        #expect(model.facts.map(\.id).contains("suggestion-phone"))
        let evaluating = P.caseModel(
            Self.data(Self.suggestion(.evaluating, acknowledgedAt: F.at(9)), [.hotlineAgent]), l)
        #expect(evaluating.steps.map(\.event) == ["adopt", "decline"])
        #expect(evaluating.steps.allSatisfy { $0.required })
    }

    @Test(
        "an adopted suggestion: the reward form until a reward stands; a manager decides, never on their own proposal")
    func rewards() {
        let l = F.localizer(.en)
        let adopted = Self.suggestion(.adopted, acknowledgedAt: F.at(9))
        let bare = P.caseModel(Self.data(adopted, [.hotlineAgent]), l)
        #expect(bare.steps.isEmpty)
        #expect(bare.rewardForm?.kindOptions.map(\.value) == ["points", "gift", "amount"])
        #expect(bare.decision == "下月起加装充电插座")
        // a proposed reward: no second form; another manager decides it, the proposer may not, an agent neither
        let proposed = [Self.reward()]
        let manager = P.caseModel(Self.data(adopted, [.serviceManager], rewards: proposed), l)
        #expect(manager.rewardForm == nil)
        #expect(manager.rewards.first?.canDecide == true)
        #expect(manager.rewards.first?.ownProposal == false)
        #expect(manager.rewards.first?.state == l.t("reward.status.proposed"))
        let proposer = P.caseModel(
            Self.data(adopted, [.serviceManager], rewards: [Self.reward(by: "wang.li")]), l)
        #expect(proposer.rewards.first?.canDecide == false)
        #expect(proposer.rewards.first?.ownProposal == true)
        let agent = P.caseModel(Self.data(adopted, [.hotlineAgent], rewards: proposed), l)
        #expect(agent.rewards.first?.canDecide == false && agent.rewards.first?.ownProposal == false)
        // a refused one lets another be proposed
        let refused = P.caseModel(Self.data(adopted, [.serviceManager], rewards: [Self.reward(.refused)]), l)
        #expect(refused.rewardForm != nil)
        #expect(refused.rewards.first?.canDecide == false)
    }

    // MARK: The QR sheet

    @Test("the QR sheet: one card per unit with its public link and the code as an image")
    func qrSheet() throws {
        let l = F.localizer(.zhHans)
        #expect(P.baseURL(host: "Service.Example.com:8443", secure: true) == "https://service.example.com:8443")
        #expect(P.baseURL(host: "evil.example/<script>", secure: false) == "http://127.0.0.1:8080")
        #expect(P.baseURL(host: nil, secure: false) == "http://127.0.0.1:8080")
        let model = P.qrModel(
            P.QRData(
                units: [SuggestionUnitView(id: 2, code: "BR-EC", name: "华东分公司", kind: .branch)],
                base: "https://service.example.com", now: F.at(10)), l)
        let card = try #require(model.cards.first)
        #expect(card.element == "qr-card-BR-EC")
        #expect(card.link == "https://service.example.com/suggest?unit=2")
        #expect(card.kind == l.t("suggestions.unitKind.branch"))
        #expect(card.image.hasPrefix("data:image/svg+xml;base64,"))
        let svg = try #require(
            Data(base64Encoded: String(card.image.dropFirst("data:image/svg+xml;base64,".count)))
                .map { String(decoding: $0, as: UTF8.self) })
        #expect(svg.contains("<svg") && svg.contains("xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(card.imageAlt.contains("华东分公司"))
    }

    // MARK: The public form and the portal

    @Test("the public form keeps the unit of the code and shows only a suggestion number")
    func publicForm() {
        #expect(PublicSuggestionPages.unit(" 7 ") == 7)
        #expect(PublicSuggestionPages.unit("-3") == nil)
        #expect(PublicSuggestionPages.unit("abc") == nil)
        #expect(PublicSuggestionPages.thanksModel(number: "SUG-2026-000012").number == "SUG-2026-000012")
        #expect(PublicSuggestionPages.thanksModel(number: "CMP-2026-000012").number == nil)
        #expect(PublicSuggestionPages.thanksModel(number: "<b>x</b>").number == nil)
        #expect(PublicSuggestionPages.here(.init(unit: 4)) == "/suggest?unit=4")
        let l = F.localizer(.en)
        let model = PublicSuggestionPages.formModel(.init(unit: 4), unitName: "华东分公司", issued: "t", l)
        #expect(model.unitLine?.contains("华东分公司") == true)
        #expect(model.unit == "4")
    }

    @Test("the portal shows the outcome with its reason, and a reward only once approved")
    func portal() {
        let l = F.localizer(.zhHans)
        let waiting = Self.suggestion(.adopted, acknowledgedAt: F.at(9), reward: Self.reward()).forCustomer()
        let approved = Self.suggestion(.adopted, acknowledgedAt: F.at(9), reward: Self.reward(.approved)).forCustomer()
        let model = PortalSuggestionPages.listModel(
            .init(suggestions: Page(items: [waiting, approved], nextCursor: nil), sent: "SUG-2026-000012"), l)
        #expect(model.rows.map(\.reward) == [nil, P.rewardValue(Self.reward(.approved), l)])
        #expect(model.rows.first?.decision == "下月起加装充电插座")
        #expect(model.rows.first?.status == l.t("suggestion.status.adopted"))
        #expect(model.sent?.contains("SUG-2026-000012") == true)
    }
}
