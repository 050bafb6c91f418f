import AftercareDomain
import AftercareStore
import Foundation

/// a questionnaire as a form to answer. Three pages of the area show it: staff typing the answers a customer
/// gave by phone or in a letter (`SurveyPages`), the customer in the portal (`PortalSurveyPages`) and anyone with the
/// invitation's signed link (`PublicSurveyPages`); one model and one reading of the posted form serve the three.
/// Each question's answer is posted as `a.<key>`: a number (1–5 for a rating, 0–10 for the NPS question), the keys of
/// the options chosen (one, or several for a multiple choice) or text. The store checks the answers against the
/// questions (`SurveyAnswers.problems`); the form only turns what was posted into answers.
enum SurveyAnswerForm {
    /// The name of a question's field.
    static func field(_ key: String) -> String { "a." + key }

    /// The answers as typed, by question key: the values posted in its field (to give a refused form back).
    typealias Typed = [String: [String]]

    /// One radio button or checkbox of a question.
    struct Choice: Encodable, Equatable {
        var value: String
        var label: String
        var checked: Bool
        /// The input's element id, `answer-<key>-<value>`.
        var id: String
    }

    struct QuestionModel: Encodable {
        /// The question's element id, `question-<key>`.
        var id: String
        var key: String
        /// The name of its field, `a.<key>`.
        var field: String
        var kind: String
        /// "3." before the text.
        var number: String
        var text: String
        var required: Bool
        /// Rating (1–5) and NPS (0–10): radio buttons laid out as a scale of big tap targets.
        var isScale: Bool
        /// Single and multiple choice: radio buttons or checkboxes, one option a line.
        var isChoice: Bool
        var isText: Bool
        /// `radio` or `checkbox`.
        var inputType: String
        var choices: [Choice]
        /// What the ends of a scale mean ("1 = very poor · 5 = very good").
        var hint: String?
        var typedText: String
        var textMax: Int
        var errors: [FieldMessage]
    }

    /// The field the store names an answer's problems by, `answers.<key>`.
    static func answerField(_ key: String) -> String { "answers." + key }

    static func clean(_ text: String) -> String { text.trimmingCharacters(in: .whitespacesAndNewlines) }

    /// The values a question's answer may take on a scale.
    static func scale(_ kind: QuestionKind) -> ClosedRange<Int>? {
        switch kind {
        case .rating: 1...5
        case .nps: 0...10
        default: nil
        }
    }

    /// The questions of a questionnaire as form fields in the reader's language, with what was typed and each
    /// question's own problems (`answers.<key>`).
    static func questions(_ questions: [Question], typed: Typed, errors: [FieldMessage], _ l: Localizer)
        -> [QuestionModel]
    {
        let language = l.language.rawValue
        return questions.enumerated().map { (index, question) -> QuestionModel in
            let chosen = Set(typed[question.key] ?? [])
            let choices: [Choice]
            var hint: String?
            if let range = scale(question.kind) {
                choices = range.map {
                    Choice(
                        value: String($0), label: l.number($0), checked: chosen.contains(String($0)),
                        id: "answer-\(question.key)-\($0)")
                }
                hint = l.t(question.kind == .nps ? "surveys.npsHint" : "surveys.ratingHint")
            } else if question.kind.hasOptions {
                choices = question.options.map {
                    Choice(
                        value: $0.key, label: Questionnaire.text($0.text, in: language),
                        checked: chosen.contains($0.key), id: "answer-\(question.key)-\($0.key)")
                }
            } else {
                choices = []
            }
            return QuestionModel(
                id: "question-\(question.key)", key: question.key, field: field(question.key),
                kind: question.kind.rawValue, number: "\(l.number(index + 1)).",
                text: Questionnaire.text(question.text, in: language), required: question.required,
                isScale: scale(question.kind) != nil, isChoice: question.kind.hasOptions,
                isText: question.kind == .text, inputType: question.kind == .multiple ? "checkbox" : "radio",
                choices: choices, hint: hint,
                typedText: question.kind == .text ? (typed[question.key]?.first ?? "") : "",
                textMax: Limits.longText, errors: errors.filter { $0.field == answerField(question.key) })
        }
    }

    /// The problems that belong to no question (the channel, the invitation), for the top of the page.
    static func unplaced(_ errors: [FieldMessage], questions: [Question]) -> [FieldMessage] {
        let fields = Set(questions.map { answerField($0.key) })
        return errors.filter { !fields.contains($0.field) }
    }

    /// Reads the posted form (`values` gives every value of a field) into answers by question key, what was typed,
    /// and the problems of what is not an answer at all (a scale value that is not a whole number). A question left
    /// blank has no answer: the store refuses it when the question is required.
    static func read(_ values: (String) -> [String], questions: [Question]) -> (
        answers: [String: Answer], typed: Typed, problems: ValidationError
    ) {
        var answers: [String: Answer] = [:]
        var typed: Typed = [:]
        var v = AftercareDomain.Validator()
        for question in questions {
            let raw = values(field(question.key))
            let given = raw.map(clean).filter { !$0.isEmpty }
            switch question.kind {
            case .rating, .nps:
                guard let first = given.first else { continue }
                typed[question.key] = [first]
                guard let number = Int(first) else {
                    v.add(answerField(question.key), .invalidFormat(expected: "a whole number"))
                    continue
                }
                answers[question.key] = Answer(number: number)
            case .single:
                guard !given.isEmpty else { continue }
                typed[question.key] = given
                // More than one value is not an answer to a single choice: the store says so.
                answers[question.key] = Answer(options: given)
            case .multiple:
                var seen = Set<String>()
                let unique = given.filter { seen.insert($0).inserted }
                guard !unique.isEmpty else { continue }
                typed[question.key] = unique
                answers[question.key] = Answer(options: unique)
            case .text:
                let text = clean(raw.first ?? "")
                guard !text.isEmpty else { continue }
                typed[question.key] = [text]
                answers[question.key] = Answer(text: text)
            }
        }
        return (answers, typed, v.error)
    }

    /// The area's field names, an answer named by its question ("3. How likely …").
    static func labels(_ questions: [Question]) -> FieldLabels {
        FieldLabels.area(
            "surveys",
            special: { path, l in
                guard path.hasPrefix("answers.") else { return nil }
                let key = String(path.dropFirst("answers.".count))
                guard let index = questions.firstIndex(where: { $0.key == key }) else { return nil }
                return "\(l.number(index + 1)). " + Questionnaire.text(questions[index].text, in: l.language.rawValue)
            })
    }
}
