import AftercareDomain
import AftercareStore
import Foundation

extension SuggestionPages {
    /// What the suggestion page shows: the suggestion's file and who reads it.
    struct CaseData {
        var file: SuggestionFile
        var principal: Principal
        var now: Date
        var errors: [FieldMessage] = []
        var typed: [String: String] = [:]
    }

    struct CaseModel: Encodable {
        /// A line of facts: its label, its value and where it leads; `id` names the element for the browser tests.
        struct Fact: Encodable {
            var label: String
            var value: String
            var link: String?
            var id: String?
        }

        /// One step the reader may take now, with its note (required to adopt and to decline).
        struct Step: Encodable {
            var event: String
            var label: String
            var noteLabel: String
            var required: Bool
            var note: String
        }

        struct Reward: Encodable {
            var id: Int
            var value: String
            var state: String
            var stateCode: String
            /// "Proposed 2026-11-30 10:00 · wang.li".
            var proposed: String
            /// "Approved 2026-11-30 11:00 · zhou.qiang", once decided.
            var decided: String?
            var note: String?
            /// The reader approves rewards and did not propose this one, which waits for a decision.
            var canDecide: Bool
            /// The reader approves rewards but proposed this one: another manager decides.
            var ownProposal: Bool
            var decisionNote: String
        }

        struct RewardForm: Encodable {
            var kindOptions: [SelectOption]
            var points: String
            var amount: String
            var description: String
        }

        struct Event: Encodable {
            var at: String
            var actor: String
            var event: String
            /// "Received → Acknowledged"; nil when the step left the status as it was.
            var change: String?
            var note: String?
        }

        var id: Int
        var number: String
        var version: Int
        var status: String
        var statusCode: String
        var facts: [Fact]
        var topic: String?
        var text: String
        var acknowledgement: Deadline
        /// What will be done, or why not, with who decided and when.
        var decision: String?
        var decided: String?
        var steps: [Step]
        var rewards: [Reward]
        var rewardForm: RewardForm?
        /// Why no reward can be proposed yet (an open suggestion is adopted first).
        var rewardHint: String?
        var timeline: [Event]
        var errors: [FieldMessage]
    }

    /// The header's facts: who suggested it and how to reach them, the customer, the unit, how it came in and when.
    static func facts(_ s: SuggestionView, _ l: Localizer) -> [CaseModel.Fact] {
        var facts = [CaseModel.Fact(label: l.t("suggestions.field.name"), value: s.name, id: "suggestion-name")]
        if let phone = s.phone {
            facts.append(
                CaseModel.Fact(
                    label: l.t("suggestions.field.phone"), value: phone, link: PageLink.tel(phone),
                    id: "suggestion-phone"))
        }
        if let email = s.email { facts.append(CaseModel.Fact(label: l.t("suggestions.field.email"), value: email)) }
        if let customer = s.customerName {
            facts.append(
                CaseModel.Fact(
                    label: l.t("field.customer"), value: customer, link: s.customerId.map { "/customers/\($0)" },
                    id: "suggestion-customer"))
        }
        facts += [
            CaseModel.Fact(label: l.t("suggestions.unit"), value: s.orgUnitName, id: "suggestion-unit"),
            CaseModel.Fact(label: l.t("field.channel"), value: l.t("channel.\(s.channel.rawValue)")),
            CaseModel.Fact(label: l.t("suggestions.received"), value: l.dateTime(s.createdAt) + " · " + s.createdBy),
        ]
        return facts
    }

    /// the steps the lifecycle allows now, for those who work suggestions; each with its note.
    static func steps(_ data: CaseData, _ l: Localizer) -> [CaseModel.Step] {
        let s = data.file.suggestion
        guard data.principal.handlesSuggestions else { return [] }
        return s.allowedEvents.map { event in
            CaseModel.Step(
                event: event.rawValue, label: l.t("suggestion.event.\(event.rawValue)"),
                noteLabel: l.t("suggestions.note.\(event.rawValue)"), required: event.requiresNote,
                note: data.typed["event"] == event.rawValue ? data.typed["note"] ?? "" : "")
        }
    }

    /// every reward proposed, with the decision form for a manager who did not propose it.
    static func rewards(_ data: CaseData, _ l: Localizer) -> [CaseModel.Reward] {
        let principal = data.principal
        return data.file.rewards.map { r in
            let waiting = r.status == .proposed
            let own = r.proposedBy == principal.username
            return CaseModel.Reward(
                id: r.id, value: rewardValue(r, l), state: rewardState(r, l), stateCode: r.status.rawValue,
                proposed: ([l.t("suggestions.proposedAt"), l.dateTime(r.proposedAt)].joined(separator: " ")
                    + (r.proposedBy.isEmpty ? "" : " · " + r.proposedBy)),
                decided: r.decidedAt.map { at in
                    ([l.t("reward.status.\(r.status.rawValue)"), l.dateTime(at)].joined(separator: " "))
                        + (r.decidedBy.map { " · " + $0 } ?? "")
                }, note: r.decisionNote, canDecide: waiting && principal.approvesRewards && !own,
                ownProposal: waiting && principal.approvesRewards && own,
                decisionNote: data.typed["decisionNote"] ?? "")
        }
    }

    /// the form to propose a reward: for an adopted suggestion without a reward proposed or approved.
    static func rewardForm(_ data: CaseData, _ l: Localizer) -> CaseModel.RewardForm? {
        let s = data.file.suggestion
        let standing = data.file.rewards.contains { $0.status != .refused }
        guard data.principal.handlesSuggestions, s.status == .adopted, !standing else { return nil }
        let kind = data.typed["kind"].flatMap(RewardKind.init(rawValue:)) ?? .points
        return CaseModel.RewardForm(
            kindOptions: SelectOption.of(RewardKind.self, prefix: "reward.kind", selected: kind, l),
            points: data.typed["points"] ?? "", amount: data.typed["amount"] ?? "",
            description: data.typed["description"] ?? "")
    }

    static func timeline(_ events: [SuggestionEventView], _ l: Localizer) -> [CaseModel.Event] {
        events.map { e in
            CaseModel.Event(
                at: l.dateTime(e.at), actor: e.actor, event: l.t("suggestion.event.\(e.event)"),
                change: e.from.flatMap { from in
                    from == e.to
                        ? nil
                        : l.t("suggestion.status.\(from.rawValue)") + " → " + l.t("suggestion.status.\(e.to.rawValue)")
                }, note: e.note)
        }
    }

    static func caseModel(_ data: CaseData, _ l: Localizer) -> CaseModel {
        let s = data.file.suggestion
        let form = rewardForm(data, l)
        return CaseModel(
            id: s.id, number: s.number, version: s.version, status: l.t("suggestion.status.\(s.status.rawValue)"),
            statusCode: s.status.rawValue, facts: facts(s, l), topic: s.topic, text: s.text,
            acknowledgement: acknowledgement(s, now: data.now, l), decision: s.decision,
            decided: s.decidedAt.map { at in
                ([l.t("suggestion.status.\(s.status.rawValue)"), l.dateTime(at)].joined(separator: " "))
                    + (s.decidedBy.map { " · " + $0 } ?? "")
            }, steps: steps(data, l), rewards: rewards(data, l), rewardForm: form,
            rewardHint: form == nil && s.status.isOpen ? l.t("suggestions.rewardAfterAdoption") : nil,
            timeline: timeline(data.file.events, l), errors: data.errors)
    }
}
