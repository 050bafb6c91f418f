import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension SurveyPages {
    // MARK: The results of a period

    /// The default period: the last twelve months to today, from the first day of the month eleven months back (the
    /// month table has twelve rows, this month's so far the last).
    static func defaultPeriod(today: CalendarDate) -> (from: CalendarDate, to: CalendarDate) {
        let first = CalendarDate(year: today.year, month: today.month, day: 1) ?? today
        return (first.adding(months: -11), today)
    }

    /// `/surveys/results?from=&to=&surveyId=&orgUnitId=` as asked (the dates as typed, for the form).
    static func resultsQuery(_ req: Request) throws -> ResultsQuery {
        let q = QueryReader(req: req)
        let period = defaultPeriod(today: req.store.today)
        return ResultsQuery(
            fromText: try q.string("from") ?? period.from.description,
            toText: try q.string("to") ?? period.to.description,
            surveyId: try q.int("surveyId"), orgUnitId: try q.int("orgUnitId"))
    }

    /// The results of the period (none when the period is wrong: its problems instead), the questionnaires and the
    /// units to filter by.
    static func resultsData(_ req: Request, query: ResultsQuery) async throws -> (ResultsData, HTTPStatus) {
        let surveys = Surveys(req.store)
        var data = ResultsData(
            query: query, results: nil, surveys: try await surveys.list(),
            units: try await req.orgUnitChoices().options)
        let l = req.localizer
        do {
            try query.validator().finish()
            guard let from = query.from, let to = query.to else { return (data, .unprocessableEntity) }
            if to.dayNumber - from.dayNumber >= ComplaintStats.maximumDays {
                data.errors = [
                    FieldMessage(
                        field: "to", label: labels.label("to", l),
                        message: l.t("surveyResults.periodTooLong").replacingOccurrences(
                            of: "{n}", with: l.number(ComplaintStats.maximumDays)))
                ]
                return (data, .unprocessableEntity)
            }
            data.results = try await surveys.results(
                from: from, to: to, surveyId: query.surveyId, orgUnitId: query.orgUnitId)
            return (data, .ok)
        } catch {
            guard let failure = PageError.from(error, l, labels: labels) else { throw error }
            data.errors = failure.messages
            return (data, failure.status)
        }
    }

    /// `/surveys/results`: bad dates give the page with what is wrong with them.
    @Sendable func results(_ req: Request) async throws -> Response {
        let (data, status) = try await Self.resultsData(req, query: try Self.resultsQuery(req))
        return try await PageRenderer.render(
            "survey-results", title: "surveyResults.title", Self.resultsModel(data, req.localizer), for: req,
            status: status)
    }
}
