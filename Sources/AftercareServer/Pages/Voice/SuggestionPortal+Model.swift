import AftercareDomain
import AftercareStore
import Foundation

extension PortalSuggestionPages {
    // MARK: The customer's suggestions: their models, from store views alone

    /// One of the customer's suggestions as their list shows it.
    struct Row: Encodable {
        var number: String
        var received: String
        var topic: String
        var status: String
        var statusCode: String
        /// What will be done, or why not, once decided.
        var decision: String?
        /// The approved reward in words.
        var reward: String?
    }

    struct ListModel: Encodable {
        /// "Thank you: your suggestion SUG-… is received", after one was sent.
        var sent: String?
        var rows: [Row]
        var next: String?
    }

    /// What the list shows, as read from the store scoped to the customer (customer views).
    struct ListData {
        var suggestions: Page<SuggestionView>
        var sent: String?
    }

    /// the customer's suggestions in the reader's language, newest first.
    static func listModel(_ data: ListData, _ l: Localizer) -> ListModel {
        ListModel(
            sent: data.sent.map { l.t("portalSuggestions.sent").replacingOccurrences(of: "{number}", with: $0) },
            rows: data.suggestions.items.map { s in
                Row(
                    number: s.number, received: l.dateTime(s.createdAt), topic: SuggestionPages.topic(s),
                    status: l.t("suggestion.status.\(s.status.rawValue)"), statusCode: s.status.rawValue,
                    decision: s.decision,
                    reward: s.reward.flatMap { $0.status == .approved ? SuggestionPages.rewardValue($0, l) : nil })
            },
            next: data.suggestions.nextCursor.map { PageLink.make("/portal/suggestions", [("cursor", $0)]) })
    }

    /// The form as typed.
    struct NewForm {
        var topic = ""
        var text = ""
    }

    struct NewModel: Encodable {
        var topic: String
        var text: String
        var errors: [FieldMessage]
    }

    static func newModel(_ form: NewForm, errors: [FieldMessage]) -> NewModel {
        NewModel(topic: form.topic, text: form.text, errors: errors)
    }
}
