import AftercareDomain
import AftercareStore
import Foundation

extension SurveyPages {
    // MARK: The questionnaires: their model, from store views alone

    struct ListData {
        var surveys: [SurveyView]
    }

    struct ListModel: Encodable {
        struct Row: Encodable {
            var title: String
            var purpose: String
            var status: String
            var statusCode: String
            var questions: String
            var invited: String
            var answered: String
            /// Answered of invited, as a percentage.
            var rate: String
            var updated: String
            var resultsLink: String
            /// The questionnaire's page (its builder while a draft), for those who manage surveys.
            var link: String?
            /// The row's element id, `survey-<n>` by position (no internal id as text).
            var id: String
        }

        var rows: [Row]
        var canManage: Bool
        var canRecord: Bool
    }

    /// A share as a whole percentage with one decimal, "—" when there is nothing to divide by.
    static func percent(_ part: Int, of whole: Int, _ l: Localizer) -> String {
        whole == 0 ? "—" : l.number(Double(part) * 100 / Double(whole), digits: 1) + "%"
    }

    /// A questionnaire's title in the reader's language (else the first language that has one).
    static func title(_ text: LocalizedText, _ l: Localizer) -> String {
        let title = Questionnaire.text(text, in: l.language.rawValue)
        return title.isEmpty ? l.t("surveys.untitled") : title
    }

    /// the questionnaires in the reader's language: title, purpose, status, invited and answered.
    static func listModel(_ data: ListData, principal: Principal, _ l: Localizer) -> ListModel {
        let canManage = principal.may(.manageSurveys)
        return ListModel(
            rows: data.surveys.enumerated().map { (index, survey) -> ListModel.Row in
                ListModel.Row(
                    title: title(survey.title, l), purpose: l.t("surveyPurpose.\(survey.purpose.rawValue)"),
                    status: l.t("surveyStatus.\(survey.status.rawValue)"), statusCode: survey.status.rawValue,
                    questions: l.number(survey.questions.count), invited: l.number(survey.invited),
                    answered: l.number(survey.answered), rate: percent(survey.answered, of: survey.invited, l),
                    updated: l.date(survey.updatedAt),
                    resultsLink: PageLink.make("/surveys/results", [("surveyId", String(survey.id))]),
                    link: canManage ? "/surveys/\(survey.id)/edit" : nil, id: "survey-\(index + 1)")
            }, canManage: canManage, canRecord: principal.may(.recordSurveyAnswers))
    }
}
