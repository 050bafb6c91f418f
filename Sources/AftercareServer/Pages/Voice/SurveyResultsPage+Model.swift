import AftercareDomain
import AftercareStore
import Foundation

extension SurveyPages {
    // MARK: The results: their model, from store views alone

    /// The period, questionnaire and unit as asked (the dates as typed, for the form).
    struct ResultsQuery: Equatable {
        var fromText: String
        var toText: String
        var surveyId: Int?
        var orgUnitId: Int?

        var from: CalendarDate? { CalendarDate(iso: fromText) }
        var to: CalendarDate? { CalendarDate(iso: toText) }

        /// What is wrong with the dates: not a day as YYYY-MM-DD, or `to` before `from`.
        func validator() -> AftercareDomain.Validator {
            var v = AftercareDomain.Validator()
            if from == nil { v.add("from", .invalidFormat(expected: "YYYY-MM-DD")) }
            if to == nil { v.add("to", .invalidFormat(expected: "YYYY-MM-DD")) }
            if let from, let to, to < from { v.add("to", .mustNotBeBefore(field: "from")) }
            return v
        }
    }

    struct ResultsData {
        var query: ResultsQuery
        /// Nil when the period is wrong (`errors` says why).
        var results: SurveyResults?
        /// The questionnaires, to look at one.
        var surveys: [SurveyView]
        /// The organisation units the caller sees, to look at one unit's answers.
        var units: [OrgUnitRecord.View]
        var errors: [FieldMessage] = []
    }

    struct ResultsModel: Encodable {
        struct Total: Encodable {
            var id: String
            var label: String
            var value: String
            var detail: String?
        }

        /// A branch, engineer or product line: its answers, CSAT, average rating and NPS, with two bars: CSAT (0 to
        /// 100) and NPS drawn from the middle (−100 to the left, 100 to the right).
        struct GroupRow: Encodable {
            var name: String
            var responses: String
            var csat: String
            var average: String
            var nps: String
            var npsSplit: String
            var hasCsat: Bool
            var csatWidth: String
            var hasNps: Bool
            var npsX: String
            var npsWidth: String
            var npsNegative: Bool
        }

        struct MonthRow: Encodable {
            var code: String
            var responses: String
            var csat: String
            var average: String
            var nps: String
        }

        struct ChannelRow: Encodable {
            var code: String
            var name: String
            var count: String
            var share: String
            var width: String
        }

        struct Comment: Encodable {
            var when: String
            var customer: String
            var branch: String
            var engineer: String?
            var scores: String?
            var text: String
        }

        var from: String
        var to: String
        var surveyOptions: [SelectOption]
        var unitOptions: [SelectOption]
        var hasResults: Bool
        /// The period and questionnaire counted, in words.
        var period: String
        var totals: [Total]
        var branches: [GroupRow]
        var engineers: [GroupRow]
        var productLines: [GroupRow]
        var months: [MonthRow]
        var chart: TrendChart?
        var channels: [ChannelRow]
        var comments: [Comment]
        var errors: [FieldMessage]
    }

    // MARK: Figures in words

    /// NPS as a signed whole number ("+35", "-20", "0"); "—" without answers.
    static func npsText(_ value: Int?, _ l: Localizer) -> String {
        guard let value else { return "—" }
        return value > 0 ? "+" + l.number(value) : l.number(value)
    }

    /// CSAT as a percentage ("85%"); "—" without ratings.
    static func csatText(_ value: Int?, _ l: Localizer) -> String {
        value.map { l.number($0) + "%" } ?? "—"
    }

    /// The average rating to one decimal ("4.2"); "—" without ratings.
    static func averageText(_ tenths: Int?, _ l: Localizer) -> String {
        tenths.map { l.number(Double($0) / 10, digits: 1) } ?? "—"
    }

    /// "12 promoters · 5 passives · 3 detractors".
    static func npsSplit(_ score: SatisfactionScore, _ l: Localizer) -> String {
        l.t("surveyResults.npsSplit").replacingOccurrences(of: "{promoters}", with: l.number(score.promoters))
            .replacingOccurrences(of: "{passives}", with: l.number(score.passives))
            .replacingOccurrences(of: "{detractors}", with: l.number(score.detractors))
    }

    /// A length for the SVG (a dot for the decimals, whatever the language).
    static func svgNumber(_ value: Double) -> String { String(format: "%.1f", value) }

    /// A bar's length: `count` against `longest` (0–100).
    static func width(_ count: Int, longest: Int) -> String {
        longest <= 0 ? "0" : svgNumber(Double(count) * 100 / Double(longest))
    }

    static func totals(_ r: SurveyResults, _ l: Localizer) -> [ResultsModel.Total] {
        let s = r.total
        return [
            ResultsModel.Total(id: "results-invited", label: l.t("surveyResults.invited"), value: l.number(r.invited)),
            ResultsModel.Total(
                id: "results-responses", label: l.t("surveyResults.responses"), value: l.number(r.responses)),
            ResultsModel.Total(
                id: "results-rate", label: l.t("surveyResults.responseRate"),
                value: percent(r.responses, of: r.invited, l)),
            ResultsModel.Total(
                id: "results-csat", label: l.t("surveyResults.csat"), value: csatText(s.csatPercent, l),
                detail: l.t("surveyResults.csatDetail").replacingOccurrences(of: "{n}", with: l.number(s.satisfied))
                    .replacingOccurrences(of: "{total}", with: l.number(s.ratings))),
            ResultsModel.Total(
                id: "results-average", label: l.t("surveyResults.average"), value: averageText(s.averageTenths, l),
                detail: l.t("surveyResults.averageDetail")),
            ResultsModel.Total(
                id: "results-nps", label: l.t("surveyResults.nps"), value: npsText(s.nps, l),
                detail: npsSplit(s, l)),
        ]
    }

    static func group(_ g: SurveyResults.Group, _ l: Localizer) -> ResultsModel.GroupRow {
        let nps = g.score.nps ?? 0
        return ResultsModel.GroupRow(
            name: g.name?.nilIfEmpty ?? l.t("surveyResults.notKnown"), responses: l.number(g.responses),
            csat: csatText(g.score.csatPercent, l), average: averageText(g.score.averageTenths, l),
            nps: npsText(g.score.nps, l), npsSplit: npsSplit(g.score, l), hasCsat: g.score.csatPercent != nil,
            csatWidth: svgNumber(Double(g.score.csatPercent ?? 0)), hasNps: g.score.nps != nil,
            npsX: svgNumber(nps >= 0 ? 50 : 50 + Double(nps) / 2), npsWidth: svgNumber(Double(abs(nps)) / 2),
            npsNegative: nps < 0)
    }

    /// "2026-05".
    static func monthCode(_ month: CalendarDate) -> String {
        String(format: "%04d-%02d", month.year, month.month)
    }

    static func channels(_ r: SurveyResults, _ l: Localizer) -> [ResultsModel.ChannelRow] {
        let counts = SurveyChannel.allCases.map { r.byChannel[$0.rawValue] ?? 0 }
        let longest = counts.max() ?? 0
        return zip(SurveyChannel.allCases, counts).map { channel, count in
            ResultsModel.ChannelRow(
                code: channel.rawValue, name: l.t("surveyChannel.\(channel.rawValue)"), count: l.number(count),
                share: percent(count, of: r.responses, l), width: width(count, longest: longest))
        }
    }

    static func comment(_ c: SurveyResults.Comment, _ l: Localizer) -> ResultsModel.Comment {
        let scores = [
            c.csat.map { l.t("surveyResults.commentRating").replacingOccurrences(of: "{n}", with: l.number($0)) },
            c.nps.map { l.t("surveyResults.commentNps").replacingOccurrences(of: "{n}", with: l.number($0)) },
        ].compactMap { $0 }
        return ResultsModel.Comment(
            when: l.dateTime(c.answeredAt), customer: c.customerName, branch: c.orgUnitName,
            engineer: c.engineerName, scores: scores.isEmpty ? nil : scores.joined(separator: " · "), text: c.text)
    }

    /// R-10.2, R-13.4: the results of the period in the reader's language.
    static func resultsModel(_ data: ResultsData, _ l: Localizer) -> ResultsModel {
        let query = data.query
        let chosen = data.surveys.first { $0.id == query.surveyId }
        let results = data.results
        let period = results.map { r in
            "\(r.from.description) – \(r.to.description) · "
                + (chosen.map { title($0.title, l) } ?? l.t("surveyResults.allSurveys"))
        }
        return ResultsModel(
            from: query.fromText, to: query.toText,
            surveyOptions: [
                SelectOption(value: "", label: l.t("surveyResults.allSurveys"), selected: query.surveyId == nil)
            ]
                + data.surveys.map {
                    SelectOption(
                        value: String($0.id),
                        label: "\(title($0.title, l)) · \(l.t("surveyStatus.\($0.status.rawValue)"))",
                        selected: $0.id == query.surveyId)
                },
            unitOptions: [
                SelectOption(value: "", label: l.t("surveyResults.allUnits"), selected: query.orgUnitId == nil)
            ]
                + data.units.map {
                    SelectOption(
                        value: String($0.id), label: "\($0.code) · \($0.name)", selected: $0.id == query.orgUnitId)
                },
            hasResults: results != nil, period: period ?? "", totals: results.map { totals($0, l) } ?? [],
            branches: results?.byBranch.map { group($0, l) } ?? [],
            engineers: results?.byEngineer.map { group($0, l) } ?? [],
            productLines: results?.byProductLine.map { group($0, l) } ?? [],
            months: results?.byMonth.map { m in
                ResultsModel.MonthRow(
                    code: monthCode(m.month), responses: l.number(m.responses), csat: csatText(m.score.csatPercent, l),
                    average: averageText(m.score.averageTenths, l), nps: npsText(m.score.nps, l))
            } ?? [],
            chart: results.flatMap { $0.byMonth.isEmpty ? nil : trendChart($0.byMonth, l) },
            channels: results.map { channels($0, l) } ?? [], comments: results?.comments.map { comment($0, l) } ?? [],
            errors: data.errors)
    }
}
