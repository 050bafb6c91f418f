import AftercareDomain
import AftercareStore
import Foundation

extension SurveyPages {
    // MARK: A questionnaire's page: the builder of a draft, or the questionnaire with its status and rounds

    /// The "send a round" form as typed.
    struct RoundForm: Equatable {
        var name = ""
        var tier = ""
        var sampleSize = "100"
    }

    /// What the page shows, as read from the store, with any refused form.
    struct SurveyPageData {
        /// Nil for a new questionnaire.
        var survey: SurveyView?
        /// The builder (a new questionnaire, a draft), as typed or as stored.
        var builder: BuilderForm?
        var builderErrors: [FieldMessage] = []
        /// Problems of the status buttons (or of a form the page no longer offers).
        var errors: [FieldMessage] = []
        var round = RoundForm()
        var roundErrors: [FieldMessage] = []
        /// How many customers the round just sent invited.
        var sent: Int?
    }

    /// A line of facts; `id` names the element for the browser tests, `link` the page of what it names.
    struct Fact: Encodable {
        var label: String
        var value: String
        var id: String
        var link: String? = nil
    }

    /// A question as the customer will read it, in the reader's language.
    struct QuestionPreview: Encodable {
        var heading: String
        var key: String
        var kind: String
        var text: String
        var required: Bool
        var options: [String]
    }

    /// A status button: activate a draft, retire an active questionnaire.
    struct StatusButton: Encodable {
        var status: String
        var label: String
        var hint: String?
        var id: String
    }

    struct RoundModel: Encodable {
        var name: String
        var tierOptions: [SelectOption]
        var sampleSize: String
        var sampleMax: Int
        var nameMax: Int
        var errors: [FieldMessage]
    }

    struct SurveyPageModel: Encodable {
        var heading: String
        var isNew: Bool
        /// The form actions' base, `/surveys/<id>`.
        var base: String?
        var status: String?
        var statusCode: String?
        var facts: [Fact]
        var notice: String?
        var errors: [FieldMessage]
        var builder: BuilderModel?
        /// The questions of an active or retired questionnaire, read-only.
        var questions: [QuestionPreview]
        var statusButtons: [StatusButton]
        var round: RoundModel?
        var resultsLink: String?
    }

    /// the questionnaire's page. A new questionnaire or a draft: the builder, and a draft may be activated.
    /// An active or retired one is not edited: its questions as the customer reads them; an active one may be
    /// retired, and an active periodic one sent in a round to a sample of customers.
    static func surveyPageModel(_ data: SurveyPageData, principal: Principal, _ l: Localizer) -> SurveyPageModel {
        guard let survey = data.survey else {
            return SurveyPageModel(
                heading: l.t("surveys.newTitle"), isNew: true, base: nil, status: nil, statusCode: nil, facts: [],
                notice: nil, errors: data.errors,
                builder: builderModel(data.builder ?? emptyBuilder(), surveyId: nil, errors: data.builderErrors, l),
                questions: [], statusButtons: [], round: nil, resultsLink: nil)
        }
        let language = l.language.rawValue
        var buttons: [StatusButton] = []
        switch survey.status {
        case .draft:
            buttons.append(
                StatusButton(
                    status: SurveyStatus.active.rawValue, label: l.t("surveys.activate"),
                    hint: survey.purpose == .perJob ? l.t("surveys.activatePerJobHint") : nil, id: "survey-activate"))
        case .active:
            buttons.append(
                StatusButton(
                    status: SurveyStatus.retired.rawValue, label: l.t("surveys.retire"),
                    hint: l.t("surveys.retireHint"),
                    id: "survey-retire"))
        case .retired:
            break
        }
        var round: RoundModel?
        var errors = data.errors
        if survey.status == .active, survey.purpose == .periodic {
            let tier = CustomerTier(rawValue: data.round.tier)
            round = RoundModel(
                name: data.round.name,
                tierOptions: [SelectOption(value: "", label: l.t("surveys.allTiers"), selected: tier == nil)]
                    + SelectOption.of(CustomerTier.self, prefix: "tier", selected: tier, l),
                sampleSize: data.round.sampleSize, sampleMax: Surveys.maximumSample, nameMax: Limits.shortText,
                errors: data.roundErrors)
        } else {
            errors += data.roundErrors
        }
        var builder: BuilderModel?
        if survey.status == .draft {
            builder = builderModel(
                data.builder ?? builderForm(survey), surveyId: survey.id, errors: data.builderErrors, l)
        } else {
            errors += data.builderErrors
        }
        let notice = data.sent.map { sent in
            sent == 0
                ? l.t("surveys.roundNone")
                : l.t("surveys.roundSent").replacingOccurrences(of: "{n}", with: l.number(sent))
        }
        return SurveyPageModel(
            heading: title(survey.title, l), isNew: false, base: "/surveys/\(survey.id)",
            status: l.t("surveyStatus.\(survey.status.rawValue)"), statusCode: survey.status.rawValue,
            facts: [
                Fact(
                    label: l.t("surveys.field.purpose"), value: l.t("surveyPurpose.\(survey.purpose.rawValue)"),
                    id: "survey-purpose"),
                Fact(label: l.t("surveys.questions"), value: l.number(survey.questions.count), id: "survey-questions"),
                Fact(label: l.t("surveys.invited"), value: l.number(survey.invited), id: "survey-invited"),
                Fact(label: l.t("surveys.answered"), value: l.number(survey.answered), id: "survey-answered"),
                Fact(
                    label: l.t("surveys.createdBy"), value: "\(survey.createdBy) · \(l.dateTime(survey.createdAt))",
                    id: "survey-created"),
            ],
            notice: notice, errors: errors, builder: builder,
            questions: survey.status == .draft
                ? []
                : survey.questions.enumerated().map { (index, question) -> QuestionPreview in
                    QuestionPreview(
                        heading: questionHeading(index + 1, l), key: question.key,
                        kind: l.t("questionKind.\(question.kind.rawValue)"),
                        text: Questionnaire.text(question.text, in: language), required: question.required,
                        options: question.options.map { Questionnaire.text($0.text, in: language) })
                },
            statusButtons: principal.may(.manageSurveys) ? buttons : [],
            round: principal.may(.manageSurveys) ? round : nil,
            resultsLink: principal.may(.viewSurveyResults)
                ? PageLink.make("/surveys/results", [("surveyId", String(survey.id))]) : nil)
    }
}
