import Foundation

/// the kinds of question a questionnaire asks.
public enum QuestionKind: String, CodedEnum {
    /// 1 (very poor) to 5 (very good): the first rating question of a survey is its CSAT.
    case rating
    /// 0 to 10, "how likely are you to recommend us": the survey's NPS.
    case nps
    case single, multiple, text

    /// Whether answers carry options.
    public var hasOptions: Bool { self == .single || self == .multiple }
}

/// A text in the four languages of the interface; at least the deployment's first language is required.
public typealias LocalizedText = [String: String]

/// One choice of a single- or multiple-choice question.
public struct QuestionOption: Codable, Sendable, Equatable {
    public var key: String
    public var text: LocalizedText

    public init(key: String, text: LocalizedText) {
        self.key = key
        self.text = text
    }
}

/// one question of a questionnaire.
public struct Question: Codable, Sendable, Equatable {
    /// Stable within the survey: answers are stored by it.
    public var key: String
    public var kind: QuestionKind
    public var text: LocalizedText
    public var options: [QuestionOption]
    public var required: Bool

    public init(
        key: String, kind: QuestionKind, text: LocalizedText, options: [QuestionOption] = [], required: Bool = true
    ) {
        self.key = key
        self.kind = kind
        self.text = text
        self.options = options
        self.required = required
    }
}

/// what a survey is for.
public enum SurveyPurpose: String, CodedEnum {
    /// Sent after every closed job.
    case perJob
    /// Sent in rounds to a sample of customers by tier.
    case periodic
}

/// a questionnaire is drafted, then active (sent and answered), then retired; an active one is not edited.
public enum SurveyStatus: String, CodedEnum {
    case draft, active, retired
}

/// how an answer came in.
public enum SurveyChannel: String, CodedEnum {
    /// An agent typed the customer's answers during a call.
    case phone
    /// The customer answered through the signed link (no account needed) or in the portal.
    case online
    /// Entered from a letter the customer sent back.
    case letter
}

/// where an invitation stands.
public enum InvitationStatus: String, CodedEnum {
    case pending, answered, expired, cancelled
}

/// The languages a questionnaire's texts are written in.
public enum SurveyLanguages {
    public static let all = ["zh-Hans", "zh-Hant", "en", "es"]
}

/// a questionnaire's shape, checked before it is saved.
public enum Questionnaire {
    public static let maximumQuestions = 30
    public static let maximumOptions = 12

    /// The problems of a title and its questions, by field.
    public static func problems(title: LocalizedText, questions: [Question]) -> ValidationError {
        var v = Validator()
        check("title", title, into: &v)
        if questions.isEmpty { v.add("questions", .required) }
        if questions.count > maximumQuestions { v.add("questions", .outOfRange(min: 1, max: maximumQuestions)) }
        var keys = Set<String>()
        for (i, question) in questions.enumerated() {
            let prefix = "questions[\(i)]"
            if !validKey(question.key) {
                v.add("\(prefix).key", .invalidFormat(expected: "1 to 40 of a-z, 0-9, '_', '-'"))
            } else if !keys.insert(question.key).inserted {
                v.add("\(prefix).key", .duplicate)
            }
            check("\(prefix).text", question.text, into: &v)
            if question.kind.hasOptions {
                if question.options.count < 2 || question.options.count > maximumOptions {
                    v.add("\(prefix).options", .outOfRange(min: 2, max: maximumOptions))
                }
                var optionKeys = Set<String>()
                for (j, option) in question.options.enumerated() {
                    if !validKey(option.key) {
                        v.add("\(prefix).options[\(j)].key", .invalidFormat(expected: "1 to 40 of a-z, 0-9, '_', '-'"))
                    } else if !optionKeys.insert(option.key).inserted {
                        v.add("\(prefix).options[\(j)].key", .duplicate)
                    }
                    check("\(prefix).options[\(j)].text", option.text, into: &v)
                }
            } else if !question.options.isEmpty {
                v.add("\(prefix).options", .invalidValue(allowed: ["only with single or multiple"]))
            }
        }
        if questions.filter({ $0.kind == .nps }).count > 1 {
            v.add("questions", .invalidValue(allowed: ["at most one nps question"]))
        }
        return v.error
    }

    static func validKey(_ key: String) -> Bool {
        (1...40).contains(key.count)
            && key.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
    }

    static func check(_ field: String, _ text: LocalizedText, into v: inout Validator) {
        if text.values.allSatisfy({ $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) {
            v.add(field, .required)
        }
        for (language, value) in text {
            if !SurveyLanguages.all.contains(language) {
                v.add("\(field).\(language)", .unknownField)
            } else if value.count > Limits.note {
                v.add("\(field).\(language)", .tooLong(max: Limits.note))
            }
        }
    }

    /// The text in `language`, else in the first language that has one.
    public static func text(_ text: LocalizedText, in language: String) -> String {
        if let own = text[language], !own.isEmpty { return own }
        for other in SurveyLanguages.all { if let value = text[other], !value.isEmpty { return value } }
        return ""
    }
}

/// One answer as given: a number (rating, NPS), option keys, or text.
public struct Answer: Codable, Sendable, Equatable {
    public var number: Int?
    public var options: [String]?
    public var text: String?

    public init(number: Int? = nil, options: [String]? = nil, text: String? = nil) {
        self.number = number
        self.options = options
        self.text = text
    }
}

/// the answers to a questionnaire, checked against its questions.
public enum SurveyAnswers {
    /// The problems of `answers` (question key → answer), by field `answers.<key>`.
    public static func problems(_ answers: [String: Answer], to questions: [Question]) -> ValidationError {
        var v = Validator()
        let known = Dictionary(uniqueKeysWithValues: questions.map { ($0.key, $0) })
        for key in answers.keys.sorted() where known[key] == nil { v.add("answers.\(key)", .unknownField) }
        for question in questions {
            let field = "answers.\(question.key)"
            let answer = answers[question.key]
            let empty =
                answer == nil
                || (answer!.number == nil && (answer!.options ?? []).isEmpty
                    && (answer!.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
            if empty {
                if question.required { v.add(field, .required) }
                continue
            }
            switch question.kind {
            case .rating:
                guard let n = answer!.number, (1...5).contains(n) else {
                    v.add(field, .outOfRange(min: 1, max: 5))
                    continue
                }
            case .nps:
                guard let n = answer!.number, (0...10).contains(n) else {
                    v.add(field, .outOfRange(min: 0, max: 10))
                    continue
                }
            case .single, .multiple:
                let chosen = answer!.options ?? []
                let allowed = Set(question.options.map(\.key))
                if chosen.contains(where: { !allowed.contains($0) }) || Set(chosen).count != chosen.count
                    || (question.kind == .single && chosen.count != 1)
                {
                    v.add(field, .invalidValue(allowed: question.options.map(\.key)))
                }
            case .text:
                if (answer!.text ?? "").count > Limits.longText { v.add(field, .tooLong(max: Limits.longText)) }
            }
        }
        return v.error
    }

    /// The CSAT rating (the first rating question answered) and the NPS score of a set of answers.
    public static func scores(_ answers: [String: Answer], of questions: [Question]) -> (csat: Int?, nps: Int?) {
        let rating = questions.first { $0.kind == .rating && answers[$0.key]?.number != nil }
        let nps = questions.first { $0.kind == .nps }
        return (rating.flatMap { answers[$0.key]?.number }, nps.flatMap { answers[$0.key]?.number })
    }
}

/// satisfaction figures of a group of answers.
public struct SatisfactionScore: Codable, Sendable, Equatable {
    /// Answers with a rating (1–5), and the ratings' sum.
    public var ratings: Int
    public var ratingSum: Int
    /// Ratings of 4 or 5.
    public var satisfied: Int
    /// Answers with an NPS score (0–10): promoters (9–10), passives (7–8), detractors (0–6).
    public var promoters: Int
    public var passives: Int
    public var detractors: Int

    public init(
        ratings: Int = 0, ratingSum: Int = 0, satisfied: Int = 0, promoters: Int = 0, passives: Int = 0,
        detractors: Int = 0
    ) {
        self.ratings = ratings
        self.ratingSum = ratingSum
        self.satisfied = satisfied
        self.promoters = promoters
        self.passives = passives
        self.detractors = detractors
    }

    /// Adds one answer's rating and NPS score.
    public mutating func add(csat: Int?, nps: Int?) {
        if let csat {
            ratings += 1
            ratingSum += csat
            if csat >= 4 { satisfied += 1 }
        }
        if let nps {
            if nps >= 9 {
                promoters += 1
            } else if nps >= 7 {
                passives += 1
            } else {
                detractors += 1
            }
        }
    }

    public var npsAnswers: Int { promoters + passives + detractors }

    /// Net promoter score: the share of promoters minus the share of detractors, in whole percent (−100…100); nil
    /// without answers.
    public var nps: Int? {
        guard npsAnswers > 0 else { return nil }
        let value = Double(promoters - detractors) * 100 / Double(npsAnswers)
        return Int(value.rounded())
    }

    /// CSAT: the share of ratings of 4 or 5, in whole percent; nil without ratings.
    public var csatPercent: Int? {
        guard ratings > 0 else { return nil }
        return Int((Double(satisfied) * 100 / Double(ratings)).rounded())
    }

    /// The average rating to one decimal, as tenths (42 is 4.2); nil without ratings.
    public var averageTenths: Int? {
        guard ratings > 0 else { return nil }
        return Int((Double(ratingSum) * 10 / Double(ratings)).rounded())
    }
}
