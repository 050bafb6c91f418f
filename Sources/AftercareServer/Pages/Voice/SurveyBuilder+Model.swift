import AftercareDomain
import AftercareStore
import Foundation

extension SurveyPages {
    // MARK: The builder: the form as typed, read into a questionnaire

    /// The question rows the builder shows at least. A draft with more questions shows all of them and two empty rows;
    /// the builder never shows more than a questionnaire may have.
    static let rowsShown = 8

    static func rowCount(filled: Int) -> Int {
        min(Questionnaire.maximumQuestions, max(rowsShown, filled + 2))
    }

    /// One question row as typed: `q<n>.key`, `q<n>.kind`, `q<n>.required`, `q<n>.text.<language>` and
    /// `q<n>.options.<language>` (one option a line).
    struct BuilderRow: Equatable {
        var number: Int
        var key = ""
        /// The kind as posted (its raw value).
        var kind = QuestionKind.rating.rawValue
        var required = true
        /// Language → the question's text.
        var text: [String: String] = [:]
        /// Language → the options, one a line.
        var options: [String: String] = [:]

        /// A row left empty is skipped: no key, no text, no options.
        var isEmpty: Bool {
            SurveyAnswerForm.clean(key).isEmpty
                && text.values.allSatisfy { SurveyAnswerForm.clean($0).isEmpty }
                && options.values.allSatisfy { SurveyAnswerForm.clean($0).isEmpty }
        }
    }

    /// The builder as typed: `title.<language>`, `purpose`, the rows and the version the form was given out at.
    struct BuilderForm: Equatable {
        var title: [String: String] = [:]
        var purpose = SurveyPurpose.perJob.rawValue
        var rows: [BuilderRow]
        var version = ""
    }

    /// A new questionnaire's empty builder.
    static func emptyBuilder() -> BuilderForm {
        BuilderForm(rows: (1...rowCount(filled: 0)).map { BuilderRow(number: $0) })
    }

    /// A draft's builder, filled with its questions (options one a line in each language that has them).
    static func builderForm(_ survey: SurveyView) -> BuilderForm {
        var rows = survey.questions.enumerated().map { (index, question) -> BuilderRow in
            var options: [String: String] = [:]
            for language in SurveyLanguages.all
            where question.options.contains(where: { !($0.text[language] ?? "").isEmpty }) {
                options[language] = question.options.map { $0.text[language] ?? "" }.joined(separator: "\n")
            }
            return BuilderRow(
                number: index + 1, key: question.key, kind: question.kind.rawValue, required: question.required,
                text: question.text, options: options)
        }
        let count = rowCount(filled: rows.count)
        if rows.count < count { rows += (rows.count + 1...count).map { BuilderRow(number: $0) } }
        return BuilderForm(
            title: survey.title, purpose: survey.purpose.rawValue, rows: rows, version: String(survey.version))
    }

    /// Reads the posted builder; `value` gives a field's raw text ("" when absent). Rows after the last one filled
    /// in are kept only as far as the builder shows empty rows; an empty row gets the defaults back.
    static func builderForm(_ value: (String) -> String) -> BuilderForm {
        let clean = SurveyAnswerForm.clean
        var rows: [BuilderRow] = (1...Questionnaire.maximumQuestions).map { n in
            var row = BuilderRow(number: n)
            row.key = clean(value("q\(n).key"))
            row.kind = clean(value("q\(n).kind"))
            row.required = ["1", "on", "true", "yes"].contains(value("q\(n).required"))
            for language in SurveyLanguages.all {
                row.text[language] = clean(value("q\(n).text.\(language)"))
                row.options[language] = clean(value("q\(n).options.\(language)"))
            }
            if row.isEmpty {
                let kind = row.kind
                row = BuilderRow(number: n)
                if QuestionKind(rawValue: kind) != nil { row.kind = kind }
            }
            return row
        }
        let filled = (rows.lastIndex { !$0.isEmpty } ?? -1) + 1
        rows = Array(rows.prefix(rowCount(filled: filled)))
        var title: [String: String] = [:]
        for language in SurveyLanguages.all { title[language] = clean(value("title." + language)) }
        return BuilderForm(
            title: title, purpose: clean(value("purpose")), rows: rows, version: clean(value("version")))
    }

    /// The texts given, without the languages left empty.
    static func localized(_ typed: [String: String]) -> LocalizedText {
        var text: LocalizedText = [:]
        for language in SurveyLanguages.all {
            let value = SurveyAnswerForm.clean(typed[language] ?? "")
            if !value.isEmpty { text[language] = value }
        }
        return text
    }

    /// A row's options: each language with at least one line, its lines (blank lines left out).
    static func optionLines(_ row: BuilderRow) -> [String: [String]] {
        var lines: [String: [String]] = [:]
        for language in SurveyLanguages.all {
            let given = (row.options[language] ?? "").split(whereSeparator: \.isNewline)
                .map { SurveyAnswerForm.clean(String($0)) }.filter { !$0.isEmpty }
            if !given.isEmpty { lines[language] = given }
        }
        return lines
    }

    /// Whether the languages given have different numbers of option lines.
    static func linesDiffer(_ lines: [String: [String]]) -> Bool {
        Set(lines.values.map(\.count)).count > 1
    }

    /// The builder read into a questionnaire: empty rows skipped, a key left empty is `q<n>` of its row, options
    /// keyed `o1`, `o2`… by line. `rows` gives the row of each question (to name the store's problems by row);
    /// `problems` are what the builder itself refuses: a kind or purpose that is not one of the choices, options whose
    /// languages have different numbers of lines, options on a question that has none.
    static func check(_ form: BuilderForm) -> (input: SurveyInput, rows: [Int], problems: ValidationError) {
        var v = AftercareDomain.Validator()
        let purpose = SurveyPurpose(rawValue: form.purpose)
        if purpose == nil {
            v.add("purpose", form.purpose.isEmpty ? .required : .invalidValue(allowed: SurveyPurpose.allowedValues))
        }
        var questions: [Question] = []
        var rows: [Int] = []
        for row in form.rows where !row.isEmpty {
            let prefix = "q\(row.number)"
            guard let kind = QuestionKind(rawValue: row.kind) else {
                v.add("\(prefix).kind", .invalidValue(allowed: QuestionKind.allowedValues))
                continue
            }
            let lines = optionLines(row)
            var options: [QuestionOption] = []
            if kind.hasOptions {
                if linesDiffer(lines) {
                    v.add("\(prefix).options", .invalidFormat(expected: "the same number of lines in every language"))
                } else {
                    let count = lines.values.first?.count ?? 0
                    options = (0..<count).map { j in
                        QuestionOption(key: "o\(j + 1)", text: lines.mapValues { $0[j] })
                    }
                }
            } else if !lines.isEmpty {
                v.add("\(prefix).options", .invalidValue(allowed: ["only with single or multiple"]))
            }
            let key = SurveyAnswerForm.clean(row.key)
            questions.append(
                Question(
                    key: key.isEmpty ? prefix : key, kind: kind, text: localized(row.text), options: options,
                    required: row.required))
            rows.append(row.number)
        }
        return (
            SurveyInput(title: localized(form.title), purpose: purpose ?? .perJob, questions: questions), rows, v.error
        )
    }

    /// The store's problems named by the builder's rows: `questions[2].text` is `q5.text` when the third question
    /// came from the fifth row.
    static func renumbered(_ error: ValidationError, rows: [Int]) -> ValidationError {
        var fields: [String: FieldProblem] = [:]
        for (path, problem) in error.fields { fields[renumber(path, rows: rows)] = problem }
        return ValidationError(fields)
    }

    static func renumber(_ path: String, rows: [Int]) -> String {
        let head = "questions["
        guard path.hasPrefix(head), let close = path.firstIndex(of: "]") else { return path }
        let start = path.index(path.startIndex, offsetBy: head.count)
        guard let index = Int(path[start..<close]), rows.indices.contains(index) else { return path }
        return "q\(rows[index])" + path[path.index(after: close)...]
    }

    /// The builder's fields by name: a title by its language ("Title · English"), a row's fields by the row
    /// ("Question 3 · Options").
    static let builderLabels = FieldLabels.area("surveys", special: { path, l in builderLabel(path, l) })

    static func builderLabel(_ path: String, _ l: Localizer) -> String? {
        if path.hasPrefix("title."), let language = Language(rawValue: String(path.dropFirst("title.".count))) {
            return l.t("surveys.field.title") + " · " + language.nativeName
        }
        guard path.hasPrefix("q"), let dot = path.firstIndex(of: "."),
            let n = Int(path[path.index(after: path.startIndex)..<dot])
        else { return nil }
        let rest = path[path.index(after: dot)...]
        let part = rest.split(whereSeparator: { $0 == "." || $0 == "[" }).first.map(String.init) ?? ""
        let name = l.catalogue.has("surveys.field.\(part)") ? l.t("surveys.field.\(part)") : part
        return questionHeading(n, l) + " · " + name
    }

    static func questionHeading(_ n: Int, _ l: Localizer) -> String {
        l.t("surveys.questionNumber").replacingOccurrences(of: "{n}", with: l.number(n))
    }

    // MARK: The builder's model

    /// One text of the builder in one language.
    struct LanguageField: Encodable {
        var code: String
        var name: String
        var field: String
        var value: String
        var id: String
    }

    struct BuilderRowModel: Encodable {
        var heading: String
        /// `q<n>`: the prefix of the row's fields and element ids.
        var prefix: String
        var key: String
        var keyPlaceholder: String
        var kindOptions: [SelectOption]
        var required: Bool
        var texts: [LanguageField]
        var options: [LanguageField]
        var errors: [FieldMessage]
        /// Shown unfolded: filled in, refused, or the first row.
        var open: Bool
    }

    struct BuilderModel: Encodable {
        /// Where the form posts: `/surveys` or `/surveys/<id>`.
        var action: String
        var version: String
        var titles: [LanguageField]
        var purposeOptions: [SelectOption]
        var rows: [BuilderRowModel]
        /// The problems of no row (the title, the purpose, the questions as a whole).
        var errors: [FieldMessage]
        var textMax: Int
        var keyMax: Int
        var optionsHint: String
        var submitLabel: String
    }

    /// "English 3 · Español 2": how many option lines each language has.
    static func lineCounts(_ lines: [String: [String]], _ l: Localizer) -> String {
        SurveyLanguages.all.compactMap { language in
            lines[language].map { "\(Language(rawValue: language)?.nativeName ?? language) \(l.number($0.count))" }
        }.joined(separator: " · ")
    }

    /// A row's problems in plain words: options whose languages have different numbers of lines, or options on a
    /// question that takes none, say so.
    static func rowErrors(_ row: BuilderRow, _ errors: [FieldMessage], _ l: Localizer) -> [FieldMessage] {
        let prefix = "q\(row.number)."
        let lines = optionLines(row)
        return errors.filter { $0.field.hasPrefix(prefix) }.map { message in
            guard message.field == "\(prefix)options" else { return message }
            var plain = message
            if QuestionKind(rawValue: row.kind)?.hasOptions == true, linesDiffer(lines) {
                plain.message = l.t("surveys.error.optionLines").replacingOccurrences(
                    of: "{counts}", with: lineCounts(lines, l))
            } else if QuestionKind(rawValue: row.kind)?.hasOptions == false, !lines.isEmpty {
                plain.message = l.t("surveys.error.optionsNotAllowed")
            }
            return plain
        }
    }

    /// The questionnaire's builder in the reader's language, with what was typed and each problem next to its row.
    static func builderModel(_ form: BuilderForm, surveyId: Int?, errors: [FieldMessage], _ l: Localizer)
        -> BuilderModel
    {
        func fields(_ name: String, _ values: [String: String]) -> [LanguageField] {
            SurveyLanguages.all.map { code in
                LanguageField(
                    code: code, name: Language(rawValue: code)?.nativeName ?? code, field: "\(name).\(code)",
                    value: values[code] ?? "", id: "\(name.replacingOccurrences(of: ".", with: "-"))-\(code)")
            }
        }
        let rowPrefixes = form.rows.map { "q\($0.number)." }
        let rows = form.rows.map { row -> BuilderRowModel in
            let prefix = "q\(row.number)"
            let kind = QuestionKind(rawValue: row.kind)
            let mine = rowErrors(row, errors, l)
            return BuilderRowModel(
                heading: questionHeading(row.number, l), prefix: prefix, key: row.key, keyPlaceholder: prefix,
                kindOptions: SelectOption.of(QuestionKind.self, prefix: "questionKind", selected: kind ?? .rating, l),
                required: row.required, texts: fields("\(prefix).text", row.text),
                options: fields("\(prefix).options", row.options), errors: mine,
                open: !row.isEmpty || !mine.isEmpty || row.number == 1)
        }
        return BuilderModel(
            action: surveyId.map { "/surveys/\($0)" } ?? "/surveys", version: form.version,
            titles: fields("title", form.title),
            purposeOptions: SelectOption.of(
                SurveyPurpose.self, prefix: "surveyPurpose", selected: SurveyPurpose(rawValue: form.purpose), l),
            rows: rows,
            errors: errors.filter { message in !rowPrefixes.contains { message.field.hasPrefix($0) } },
            textMax: Limits.note, keyMax: 40,
            optionsHint: l.t("surveys.optionsHint").replacingOccurrences(
                of: "{max}", with: l.number(Questionnaire.maximumOptions)),
            submitLabel: l.t(surveyId == nil ? "surveys.createDraft" : "surveys.saveDraft"))
    }
}
