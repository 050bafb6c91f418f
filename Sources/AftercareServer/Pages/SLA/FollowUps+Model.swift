import AftercareDomain
import AftercareStore
import Foundation

extension SLAPages {
    // MARK: Follow-ups: their models, from store views alone

    struct FollowUpsModel: Encodable {
        struct Row: Encodable {
            var id: Int
            var requestId: Int
            var requestNumber: String
            var customerName: String
            var contactName: String?
            var contactPhone: String?
            var trigger: String
            var due: String
            var overdue: Bool
            var attempts: String
            var status: String
        }

        var tabs: [QueueModel.Tab]
        var rows: [Row]
        var next: String?
    }

    enum WorklistView: String, CaseIterable {
        case mine, open, today
    }

    static func row(_ item: FollowUpView, now: Date, _ l: Localizer) -> FollowUpsModel.Row {
        .init(
            id: item.id, requestId: item.requestId, requestNumber: item.requestNumber, customerName: item.customerName,
            contactName: item.contactName, contactPhone: item.contactPhone,
            trigger: l.t("followUpTrigger.\(item.trigger.rawValue)"), due: l.dateTime(item.dueAt),
            overdue: item.status == .open && item.dueAt <= now, attempts: l.number(item.attempts),
            status: l.t("followUpStatus.\(item.status.rawValue)"))
    }

    /// R-10.1: the hotline's follow-up worklist (`view`: mine, open or due by tomorrow) in the reader's language;
    /// an open call due by `now` is overdue.
    static func followUpsModel(
        _ page: Page<FollowUpView>, view: WorklistView, now: Date, principal: Principal, _ l: Localizer
    ) -> FollowUpsModel {
        FollowUpsModel(
            tabs: WorklistView.allCases.map {
                .init(
                    label: l.t("followUps.\($0.rawValue)"), link: PageLink.make("/follow-ups", [("show", $0.rawValue)]),
                    selected: $0 == view)
            }, rows: page.items.map { Self.row($0, now: now, l) },
            next: page.nextCursor.map { PageLink.make("/follow-ups", [("show", view.rawValue), ("cursor", $0)]) })
    }

    struct FollowUpModel: Encodable {
        var item: FollowUpsModel.Row
        var version: Int
        var isOpen: Bool
        var requestStatus: String
        var requestType: String
        var faultDescription: String
        var warranty: String
        var serials: String
        var outcome: String?
        var channel: String?
        var attitudeRating: String?
        var qualityRating: String?
        var comment: String?
        var completed: String?
        var outcomeOptions: [SelectOption]
        var channelOptions: [SelectOption]
        var attitudeOptions: [SelectOption]
        var qualityOptions: [SelectOption]
        var typedComment: String
        var errors: [FieldMessage]
    }

    /// What one follow-up's page shows, as read from the store: the call and the request it follows.
    struct FollowUpData {
        var item: FollowUpView
        var request: ServiceRequestView
    }

    /// R-10.1: one follow-up call in the reader's language: the request it follows, the result recorded (or the
    /// result form as typed), overdue when open and due by `now`.
    static func followUpModel(
        _ data: FollowUpData, principal: Principal, _ l: Localizer, now: Date, typed: FollowUpResultInput? = nil,
        errors: [FieldMessage] = []
    ) -> FollowUpModel {
        let item = data.item
        let request = data.request
        func ratings(_ selected: Int?) -> [SelectOption] {
            (1...5).map { SelectOption(value: "\($0)", label: l.number($0), selected: $0 == selected) }
        }
        return FollowUpModel(
            item: Self.row(item, now: now, l), version: item.version, isOpen: item.status == .open,
            requestStatus: l.t("status.\(request.status.rawValue)"), requestType: l.t("type.\(request.type.rawValue)"),
            faultDescription: request.faultDescription,
            warranty: l.t("warranty.\(request.warrantyStatus.rawValue)"),
            serials: request.units.map(\.serialNumber).joined(separator: ", "),
            outcome: item.outcome.map { l.t("followUpOutcome.\($0.rawValue)") },
            channel: item.channel.map { l.t("followUpChannel.\($0.rawValue)") },
            attitudeRating: item.attitudeRating.map { l.number($0) },
            qualityRating: item.qualityRating.map { l.number($0) }, comment: item.comment,
            completed: item.completedAt.map { "\(l.dateTime($0)) · \(item.completedBy ?? "")" },
            outcomeOptions: SelectOption.of(
                FollowUpOutcome.self, prefix: "followUpOutcome", selected: typed?.outcome, l),
            channelOptions: SelectOption.of(
                FollowUpChannel.self, prefix: "followUpChannel", selected: typed?.channel ?? .phone, l),
            attitudeOptions: ratings(typed?.attitudeRating), qualityOptions: ratings(typed?.qualityRating),
            typedComment: typed?.comment ?? "", errors: errors)
    }
}
