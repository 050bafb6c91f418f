import AftercareDomain
import AftercareStore
import Foundation

extension PortalSurveyPages {
    // MARK: The customer's surveys: their models, from store views alone

    /// What the list shows, as read from the store scoped to the customer.
    struct ListData {
        var pending: [InvitationView]
        var answered: [InvitationView]
        /// The customer just answered one.
        var thanks: Bool
    }

    struct Row: Encodable {
        var title: String
        /// The job it asks about, by its number, and the customer's page of it.
        var request: String?
        var requestLink: String?
        var date: String
        /// The questionnaire's page, while it can be answered.
        var link: String?
        var id: String
    }

    struct ListModel: Encodable {
        var pending: [Row]
        var answered: [Row]
        var thanks: Bool
    }

    /// A questionnaire's title in the reader's language.
    static func title(_ text: LocalizedText, _ l: Localizer) -> String {
        let title = Questionnaire.text(text, in: l.language.rawValue)
        return title.isEmpty ? l.t("surveys.untitled") : title
    }

    /// the customer's pending questionnaires (to answer, with until when) and those answered.
    static func listModel(_ data: ListData, _ l: Localizer) -> ListModel {
        ListModel(
            pending: data.pending.enumerated().map { (index, i) -> Row in
                Row(
                    title: title(i.surveyTitle, l), request: i.requestNumber,
                    requestLink: i.requestId.map { "/portal/requests/\($0)" },
                    date: l.t("portalSurveys.until").replacingOccurrences(of: "{date}", with: l.date(i.expiresAt)),
                    link: "/portal/surveys/\(i.id)", id: "pending-survey-\(index + 1)")
            },
            answered: data.answered.enumerated().map { (index, i) -> Row in
                Row(
                    title: title(i.surveyTitle, l), request: i.requestNumber,
                    requestLink: i.requestId.map { "/portal/requests/\($0)" },
                    date: l.t("portalSurveys.answeredOn").replacingOccurrences(
                        of: "{date}", with: l.date(i.answeredAt ?? i.createdAt)),
                    link: nil, id: "answered-survey-\(index + 1)")
            }, thanks: data.thanks)
    }

    // MARK: One questionnaire to answer

    struct DetailData {
        var form: InvitationForm
        var now: Date
        var typed: SurveyAnswerForm.Typed = [:]
        var errors: [FieldMessage] = []
    }

    struct DetailModel: Encodable {
        var title: String
        var request: String?
        var requestLink: String?
        var expires: String
        var open: Bool
        /// "This survey can no longer be answered.", when it cannot (answered, expired or cancelled).
        var closedText: String?
        var action: String
        var questions: [SurveyAnswerForm.QuestionModel]
        var errors: [FieldMessage]
    }

    /// the questionnaire as a form in the reader's language, or why it can no longer be answered.
    static func detailModel(_ data: DetailData, _ l: Localizer) -> DetailModel {
        let i = data.form.invitation
        let open = i.open(at: data.now)
        let questions = data.form.questions
        return DetailModel(
            title: title(i.surveyTitle, l), request: i.requestNumber,
            requestLink: i.requestId.map { "/portal/requests/\($0)" },
            expires: l.t("portalSurveys.until").replacingOccurrences(of: "{date}", with: l.date(i.expiresAt)),
            open: open, closedText: open ? nil : l.t("surveys.error.closed"),
            action: "/portal/surveys/\(i.id)/answers",
            questions: open ? SurveyAnswerForm.questions(questions, typed: data.typed, errors: data.errors, l) : [],
            errors: open
                ? SurveyAnswerForm.unplaced(data.errors, questions: questions)
                : data.errors.filter { $0.message != l.t("surveys.error.closed") })
    }
}
