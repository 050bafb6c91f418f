import AftercareDomain
import AftercareStore
import Foundation

extension PublicSurveyPages {
    // MARK: The questionnaire behind a signed link: its models, without a principal and without our records

    /// The closed-link and thanks pages show nothing but their words.
    struct ClosedModel: Encodable {}

    struct FormModel: Encodable {
        var title: String
        /// "Please answer by 30 Dec 2026."
        var expires: String
        /// Where the form posts: the link's own address.
        var action: String
        var questions: [SurveyAnswerForm.QuestionModel]
        var errors: [FieldMessage]
    }

    /// the questionnaire in the reader's language: its title, its questions and until when, with what was
    /// chosen and the problems found. Nothing of the customer, the job or the engineer.
    static func formModel(
        _ form: InvitationForm, action: String, typed: SurveyAnswerForm.Typed, errors: [FieldMessage], _ l: Localizer
    ) -> FormModel {
        let title = Questionnaire.text(form.invitation.surveyTitle, in: l.language.rawValue)
        return FormModel(
            title: title.isEmpty ? l.t("publicSurvey.title") : title,
            expires: l.t("publicSurvey.until").replacingOccurrences(
                of: "{date}", with: l.date(form.invitation.expiresAt)),
            action: action,
            questions: SurveyAnswerForm.questions(form.questions, typed: typed, errors: errors, l),
            errors: SurveyAnswerForm.unplaced(errors, questions: form.questions))
    }
}
