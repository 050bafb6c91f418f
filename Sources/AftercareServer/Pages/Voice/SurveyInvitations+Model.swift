import AftercareDomain
import AftercareStore
import Foundation

extension SurveyPages {
    // MARK: The invitations to call, and one invitation's answers: their models, from store views alone

    struct WorklistData {
        var page: Page<InvitationView>
        var status: InvitationStatus
        var canViewRequests: Bool
        var canViewCustomers: Bool
        var now: Date
    }

    struct Chip: Encodable {
        var label: String
        var link: String
        var selected: Bool
        var id: String
    }

    struct WorklistModel: Encodable {
        struct Row: Encodable {
            /// The invitation's page (its answers), the customer's name as the link's text.
            var link: String
            var customer: String
            var survey: String
            var request: String?
            var requestLink: String?
            var engineer: String
            var branch: String
            var round: String?
            var expires: String
            /// Pending and expiring within three days.
            var soon: Bool
            var status: String
            var statusCode: String
            var answered: String?
        }

        var chips: [Chip]
        var rows: [Row]
        var hint: String
        var next: String?
    }

    /// The worklist's order of views: the pending ones first, to call.
    static let worklistStatuses: [InvitationStatus] = [.pending, .answered, .expired, .cancelled]

    static func worklistLink(_ status: InvitationStatus, cursor: String? = nil) -> String {
        PageLink.make(
            "/surveys/invitations", [("status", status == .pending ? nil : status.rawValue), ("cursor", cursor)])
    }

    /// the invitations of one status (pending by default), newest first: whom to call, about which job, who
    /// did it, until when.
    static func worklistModel(_ data: WorklistData, _ l: Localizer) -> WorklistModel {
        WorklistModel(
            chips: worklistStatuses.map { status in
                Chip(
                    label: l.t("invitationStatus.\(status.rawValue)"), link: worklistLink(status),
                    selected: status == data.status, id: "invitations-\(status.rawValue)")
            },
            rows: data.page.items.map { i -> WorklistModel.Row in
                let status = i.open(at: data.now) || i.status != .pending ? i.status : .expired
                return WorklistModel.Row(
                    link: "/surveys/invitations/\(i.id)", customer: i.customerName, survey: title(i.surveyTitle, l),
                    request: i.requestNumber,
                    requestLink: data.canViewRequests ? i.requestId.map { "/requests/\($0)" } : nil,
                    engineer: i.engineerName ?? "—", branch: i.orgUnitName, round: i.round,
                    expires: l.date(i.expiresAt),
                    soon: status == .pending && i.expiresAt.timeIntervalSince(data.now) < 3 * 86400,
                    status: l.t("invitationStatus.\(status.rawValue)"), statusCode: status.rawValue,
                    answered: i.answeredAt.map { l.dateTime($0) })
            },
            hint: l.t("surveys.worklistHint"),
            next: data.page.nextCursor.map { worklistLink(data.status, cursor: $0) })
    }

    // MARK: One invitation

    struct InvitationData {
        var form: InvitationForm
        /// The signed link to send the customer, while the invitation can be answered.
        var link: String?
        var now: Date
        var canViewRequests: Bool
        var canViewCustomers: Bool
        /// The answers as typed, the channel chosen, and the problems, after a refused post.
        var typed: SurveyAnswerForm.Typed = [:]
        var channel: SurveyChannel = .phone
        var errors: [FieldMessage] = []
    }

    struct InvitationModel: Encodable {
        var title: String
        var status: String
        var statusCode: String
        var facts: [Fact]
        /// The invitation can still be answered.
        var open: Bool
        /// Why it can no longer be answered, when it cannot.
        var closedText: String?
        var link: String?
        var answersAction: String
        var cancelAction: String
        var canCancel: Bool
        var channelOptions: [SelectOption]
        var questions: [SurveyAnswerForm.QuestionModel]
        var errors: [FieldMessage]
    }

    /// The channels staff type answers from: a call or a letter (online answers come from the customer).
    static let staffChannels: [SurveyChannel] = [.phone, .letter]

    /// one invitation: whom it asks about which job, the link to send them, and the questionnaire as a form
    /// to type the answers they give by phone or in a letter; a pending one may be cancelled.
    static func invitationModel(_ data: InvitationData, _ l: Localizer) -> InvitationModel {
        let i = data.form.invitation
        let open = i.open(at: data.now)
        let status = open || i.status != .pending ? i.status : .expired
        var facts = [
            Fact(
                label: l.t("surveys.customer"), value: i.customerName, id: "invitation-customer",
                link: data.canViewCustomers ? "/customers/\(i.customerId)" : nil),
            Fact(
                label: l.t("surveys.request"), value: i.requestNumber ?? "—", id: "invitation-request",
                link: data.canViewRequests ? i.requestId.map { "/requests/\($0)" } : nil),
            Fact(label: l.t("surveys.engineer"), value: i.engineerName ?? "—", id: "invitation-engineer"),
            Fact(label: l.t("surveys.branch"), value: i.orgUnitName, id: "invitation-branch"),
            Fact(label: l.t("surveys.tier"), value: l.t("tier.\(i.tier.rawValue)"), id: "invitation-tier"),
        ]
        if let round = i.round { facts.append(Fact(label: l.t("surveys.round"), value: round, id: "invitation-round")) }
        facts.append(Fact(label: l.t("surveys.sent"), value: l.dateTime(i.createdAt), id: "invitation-sent"))
        facts.append(Fact(label: l.t("surveys.expires"), value: l.dateTime(i.expiresAt), id: "invitation-expires"))
        if let answered = i.answeredAt {
            facts.append(Fact(label: l.t("surveys.answeredAt"), value: l.dateTime(answered), id: "invitation-answered"))
        }
        let questions = data.form.questions
        return InvitationModel(
            title: title(i.surveyTitle, l), status: l.t("invitationStatus.\(status.rawValue)"),
            statusCode: status.rawValue, facts: facts, open: open,
            closedText: open ? nil : l.t("surveys.closed.\(status.rawValue)"), link: open ? data.link : nil,
            answersAction: "/surveys/invitations/\(i.id)/answers", cancelAction: "/surveys/invitations/\(i.id)/cancel",
            canCancel: open,
            channelOptions: staffChannels.map {
                SelectOption(
                    value: $0.rawValue, label: l.t("surveyChannel.\($0.rawValue)"), selected: $0 == data.channel)
            },
            questions: open
                ? SurveyAnswerForm.questions(questions, typed: data.typed, errors: data.errors, l) : [],
            errors: open ? SurveyAnswerForm.unplaced(data.errors, questions: questions) : data.errors)
    }
}
