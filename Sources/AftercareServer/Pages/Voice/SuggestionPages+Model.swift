import AftercareDomain
import AftercareStore
import Foundation

extension SuggestionPages {
    // MARK: Words shared by the suggestion pages

    /// the acknowledgement deadline in words: due until acknowledged, then when it was; marked when missed.
    struct Deadline: Encodable, Equatable {
        var text: String
        /// "Overdue" while it runs past its time, "Late" once met after it; nil when in time.
        var mark: String?
        /// Not acknowledged yet and past its time.
        var overdue: Bool
    }

    static func acknowledgement(_ s: SuggestionView, now: Date, _ l: Localizer) -> Deadline {
        if let done = s.acknowledgedAt {
            return Deadline(
                text: l.t("suggestions.acknowledgedAt") + " " + l.dateTime(done),
                mark: s.acknowledgementLate(at: now) ? l.t("suggestions.late") : nil, overdue: false)
        }
        let overdue = s.acknowledgementOverdue(at: now)
        return Deadline(
            text: l.t("suggestions.dueAt") + " " + l.dateTime(s.acknowledgementDueAt),
            mark: overdue ? l.t("suggestions.overdue") : nil, overdue: overdue)
    }

    /// a reward in words: "500 points", "¥200.00", or the gift; with the description when there is one.
    static func rewardValue(_ r: SuggestionRewardView, _ l: Localizer) -> String {
        let value: String? =
            switch r.kind {
            case .points:
                r.points.map { l.t("suggestions.pointsValue").replacingOccurrences(of: "{n}", with: l.number($0)) }
            case .amount: r.amountMinor.map { l.amount($0, r.currency) }
            case .gift: nil
            }
        return ([l.t("reward.kind.\(r.kind.rawValue)")] + [value, r.description].compactMap { $0?.nilIfEmpty })
            .joined(separator: " · ")
    }

    /// The reward's state in words: "Awaiting approval", "Approved", "Refused".
    static func rewardState(_ r: SuggestionRewardView, _ l: Localizer) -> String {
        l.t("reward.status.\(r.status.rawValue)")
    }

    // MARK: The worklist

    /// The worklist's views: open suggestions (the default), those whose acknowledgement is overdue, those with a
    /// reward waiting for approval, the decided ones, all.
    enum WorklistShow: String, CodedEnum {
        case open, overdue, rewards, decided, all
    }

    /// The store's filter of a view, or of one status.
    static func filter(show: WorklistShow, status: SuggestionStatus?) -> SuggestionFilter {
        if let status { return SuggestionFilter(statuses: [status]) }
        switch show {
        case .open: return SuggestionFilter(statuses: SuggestionStatus.allCases.filter(\.isOpen))
        case .overdue: return SuggestionFilter(overdueAcknowledgement: true)
        case .rewards: return SuggestionFilter(rewardPending: true)
        case .decided: return SuggestionFilter(statuses: SuggestionStatus.allCases.filter { !$0.isOpen })
        case .all: return SuggestionFilter()
        }
    }

    struct WorklistData {
        var page: Page<SuggestionView>
        var show: WorklistShow
        var status: SuggestionStatus?
        var now: Date
    }

    struct WorklistModel: Encodable {
        struct Row: Encodable {
            var id: Int
            var number: String
            var name: String
            /// The customer, when it names one whose name is not the person's.
            var customer: String?
            var customerLink: String?
            var topic: String
            var unit: String
            var channel: String
            var status: String
            var statusCode: String
            var acknowledgement: Deadline
            var overdue: Bool
            /// The latest reward and its state, if any.
            var reward: String?
            var rewardPending: Bool
            var received: String
        }

        struct Chip: Encodable {
            var label: String
            var link: String
            var selected: Bool
            var id: String
        }

        var rows: [Row]
        var views: [Chip]
        var statuses: [Chip]
        var next: String?
    }

    /// The topic, or the start of the words when there is none.
    static func topic(_ s: SuggestionView) -> String {
        if let topic = s.topic?.nilIfEmpty { return topic }
        let words = s.text.replacingOccurrences(of: "\n", with: " ")
        return words.count > 60 ? String(words.prefix(60)) + "…" : words
    }

    static func worklistRow(_ s: SuggestionView, now: Date, _ l: Localizer) -> WorklistModel.Row {
        let acknowledgement = Self.acknowledgement(s, now: now, l)
        let customer = s.customerName.flatMap { $0 == s.name ? nil : $0 }
        return WorklistModel.Row(
            id: s.id, number: s.number, name: s.name, customer: customer,
            customerLink: customer == nil ? nil : s.customerId.map { "/customers/\($0)" }, topic: topic(s),
            unit: s.orgUnitName, channel: l.t("channel.\(s.channel.rawValue)"),
            status: l.t("suggestion.status.\(s.status.rawValue)"), statusCode: s.status.rawValue,
            acknowledgement: acknowledgement, overdue: acknowledgement.overdue,
            reward: s.reward.map { rewardValue($0, l) + " · " + rewardState($0, l) },
            rewardPending: s.reward?.status == .proposed, received: l.dateTime(s.createdAt))
    }

    static func worklistModel(_ data: WorklistData, _ l: Localizer) -> WorklistModel {
        var query: [(String, String?)] = [("show", data.show == .open ? nil : data.show.rawValue)]
        if let status = data.status { query = [("status", status.rawValue)] }
        return WorklistModel(
            rows: data.page.items.map { worklistRow($0, now: data.now, l) },
            views: WorklistShow.allCases.map { show in
                WorklistModel.Chip(
                    label: l.t("suggestions.show.\(show.rawValue)"),
                    link: show == .open ? "/suggestions" : PageLink.make("/suggestions", [("show", show.rawValue)]),
                    selected: data.status == nil && data.show == show, id: "show-\(show.rawValue)")
            },
            statuses: SuggestionStatus.allCases.map { status in
                WorklistModel.Chip(
                    label: l.t("suggestion.status.\(status.rawValue)"),
                    link: PageLink.make("/suggestions", [("status", status.rawValue)]), selected: data.status == status,
                    id: "status-\(status.rawValue)")
            },
            next: data.page.nextCursor.map { PageLink.make("/suggestions", query + [("cursor", $0)]) })
    }

    // MARK: Recording a suggestion

    /// What the form offers: the units a suggestion may be for.
    struct NewData {
        var units: [SuggestionUnitView]
    }

    struct NewModel: Encodable {
        var customerId: String
        var name: String
        var phone: String
        var email: String
        var channelOptions: [SelectOption]
        var unitOptions: [SelectOption]
        var topic: String
        var text: String
        var errors: [FieldMessage]
    }

    /// the agent's form in the reader's language, with what was typed.
    static func newModel(_ data: NewData, typed: [String: String], errors: [FieldMessage], _ l: Localizer) -> NewModel {
        let channel = typed["channel"].flatMap(AftercareDomain.Channel.init(rawValue:)) ?? .phone
        let unit = typed["orgUnitId"].flatMap { Int($0) }
        return NewModel(
            customerId: typed["customerId"] ?? "", name: typed["name"] ?? "", phone: typed["phone"] ?? "",
            email: typed["email"] ?? "",
            channelOptions: Suggestions.staffChannels.map {
                SelectOption(value: $0.rawValue, label: l.t("channel.\($0.rawValue)"), selected: $0 == channel)
            },
            unitOptions: [SelectOption(value: "", label: l.t("suggestions.unitDefault"), selected: unit == nil)]
                + data.units.map {
                    SelectOption(value: "\($0.id)", label: "\($0.code) · \($0.name)", selected: $0.id == unit)
                },
            topic: typed["topic"] ?? "", text: typed["text"] ?? "", errors: errors)
    }
}
