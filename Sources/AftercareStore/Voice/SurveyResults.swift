import AftercareDomain
import Foundation
import SQLKit

extension Surveys {
    /// The sums a `SatisfactionScore` is made of, as SQL over `survey_responses r`.
    static let scoreColumns = """
        COUNT(*) AS responses, COUNT(r.csat) AS ratings, CAST(COALESCE(SUM(r.csat), 0) AS BIGINT) AS rating_sum, \
        SUM(CASE WHEN r.csat >= 4 THEN 1 ELSE 0 END) AS satisfied, \
        SUM(CASE WHEN r.nps >= 9 THEN 1 ELSE 0 END) AS promoters, \
        SUM(CASE WHEN r.nps >= 7 AND r.nps <= 8 THEN 1 ELSE 0 END) AS passives, \
        SUM(CASE WHEN r.nps <= 6 THEN 1 ELSE 0 END) AS detractors
        """

    static func score(_ row: any SQLRow) throws -> SatisfactionScore {
        func int(_ column: String) throws -> Int { try row.decode(column: column, as: Int?.self) ?? 0 }
        return SatisfactionScore(
            ratings: try int("ratings"), ratingSum: try int("rating_sum"), satisfied: try int("satisfied"),
            promoters: try int("promoters"), passives: try int("passives"), detractors: try int("detractors"))
    }

    /// R-10.2, R-13.4: the answers given from `from` to `to` (whole days in the deployment's zone) that the caller's
    /// scope sees, of one survey or all, under `orgUnitId` when given: CSAT and NPS in total and by branch, engineer,
    /// product line, channel and month, and the latest free-text answers. A few grouped queries, whatever the number of
    /// answers.
    public func results(from: CalendarDate, to: CalendarDate, surveyId: Int?, orgUnitId: Int?) async throws
        -> SurveyResults
    {
        if to < from { throw ValidationError(["to": .invalidValue(allowed: ["on or after from"])]) }
        if to.dayNumber - from.dayNumber >= ComplaintStats.maximumDays {
            throw ValidationError(["to": .outOfRange(min: 0, max: ComplaintStats.maximumDays)])
        }
        let zone = store.timeZone
        let db = store.sql
        let start = from.startOfDay(in: zone)
        let end = to.adding(days: 1).startOfDay(in: zone)
        var condition: SQLQueryString = "r.answered_at >= \(bind: start) AND r.answered_at < \(bind: end)"
        if let scoped = ScopeSQL.ownedCondition(orgUnit: "r.org_unit_id", customer: "r.customer_id", store.scope) {
            condition = condition + " AND " + scoped
        }
        if let surveyId { condition = condition + " AND r.survey_id = \(bind: surveyId)" }
        var invitedCondition: SQLQueryString = "i.created_at >= \(bind: start) AND i.created_at < \(bind: end)"
        if let scoped = ScopeSQL.ownedCondition(orgUnit: "i.org_unit_id", customer: "i.customer_id", store.scope) {
            invitedCondition = invitedCondition + " AND " + scoped
        }
        if let surveyId { invitedCondition = invitedCondition + " AND i.survey_id = \(bind: surveyId)" }
        if let orgUnitId {
            guard
                let path = try await db.raw("SELECT path FROM org_units WHERE id = \(bind: orgUnitId)").first(
                    decodingColumn: "path", as: String.self)
            else { throw ValidationError(["orgUnitId": .notFound]) }
            condition =
                condition + " AND r.org_unit_id IN (SELECT id FROM org_units WHERE path LIKE \(bind: path + "%"))"
            invitedCondition =
                invitedCondition
                + " AND i.org_unit_id IN (SELECT id FROM org_units WHERE path LIKE \(bind: path + "%"))"
        }
        let invited =
            try await db.raw("SELECT COUNT(*) AS n FROM survey_invitations i WHERE " + invitedCondition).first(
                decodingColumn: "n", as: Int.self) ?? 0
        let totalRow = try await db.raw(
            "SELECT \(unsafeRaw: Self.scoreColumns) FROM survey_responses r WHERE " + condition
        ).first()
        func groups(_ sql: SQLQueryString) async throws -> [SurveyResults.Group] {
            try await db.raw(sql).all().map {
                SurveyResults.Group(
                    id: try $0.decode(column: "id", as: Int?.self),
                    name: try $0.decode(column: "name", as: String?.self),
                    responses: try $0.decode(column: "responses", as: Int.self), score: try Self.score($0))
            }.sorted { ($1.responses, $0.name ?? "") < ($0.responses, $1.name ?? "") }
        }
        let byBranch = try await groups(
            """
            SELECT o.id, o.name, \(unsafeRaw: Self.scoreColumns) FROM survey_responses r \
            JOIN org_units o ON o.id = r.org_unit_id WHERE 
            """ + condition + " GROUP BY o.id, o.name")
        let byEngineer = try await groups(
            """
            SELECT e.id, eu.display_name AS name, \(unsafeRaw: Self.scoreColumns) FROM survey_responses r \
            JOIN engineers e ON e.id = r.engineer_id JOIN users eu ON eu.id = e.user_id WHERE 
            """ + condition + " GROUP BY e.id, eu.display_name")
        let byProductLine = try await groups(
            """
            SELECT pl.id, pl.name, \(unsafeRaw: Self.scoreColumns) FROM survey_responses r \
            LEFT JOIN product_lines pl ON pl.id = r.product_line_id WHERE 
            """ + condition + " GROUP BY pl.id, pl.name")
        var byChannel: [String: Int] = [:]
        for row in try await db.raw(
            "SELECT r.channel, COUNT(*) AS n FROM survey_responses r WHERE " + condition + " GROUP BY r.channel"
        ).all() {
            byChannel[try row.decode(column: "channel", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        var months: [SurveyResults.Month] = []
        var month = CalendarDate(year: from.year, month: from.month, day: 1)!
        while month <= to {
            let monthStart = max(month.startOfDay(in: zone), start)
            let monthEnd = min(month.adding(months: 1).startOfDay(in: zone), end)
            // One grouped scan per month over the answered-at index: a year is twelve index ranges.
            let row = try await db.raw(
                """
                SELECT \(unsafeRaw: Self.scoreColumns) FROM survey_responses r WHERE \(condition) \
                AND r.answered_at >= \(bind: monthStart) AND r.answered_at < \(bind: monthEnd)
                """
            ).first()
            months.append(
                SurveyResults.Month(
                    month: month, responses: try row?.decode(column: "responses", as: Int.self) ?? 0,
                    score: try row.map(Self.score) ?? SatisfactionScore()))
            month = month.adding(months: 1)
        }
        let comments = try await db.raw(
            """
            SELECT r.answered_at, r.csat, r.nps, r.comment, c.name AS customer_name, o.name AS org_unit_name, \
            eu.display_name AS engineer_name FROM survey_responses r JOIN customers c ON c.id = r.customer_id \
            JOIN org_units o ON o.id = r.org_unit_id LEFT JOIN engineers e ON e.id = r.engineer_id \
            LEFT JOIN users eu ON eu.id = e.user_id WHERE \(condition) AND r.comment IS NOT NULL \
            ORDER BY r.answered_at DESC LIMIT 50
            """
        ).all().map {
            SurveyResults.Comment(
                answeredAt: try $0.decode(column: "answered_at", as: Date.self),
                customerName: try $0.decode(column: "customer_name", as: String.self),
                orgUnitName: try $0.decode(column: "org_unit_name", as: String.self),
                engineerName: try $0.decode(column: "engineer_name", as: String?.self),
                csat: try $0.decode(column: "csat", as: Int?.self), nps: try $0.decode(column: "nps", as: Int?.self),
                text: try $0.decode(column: "comment", as: String.self))
        }
        return SurveyResults(
            from: from, to: to, surveyId: surveyId, invited: invited,
            responses: try totalRow?.decode(column: "responses", as: Int.self) ?? 0,
            total: try totalRow.map(Self.score) ?? SatisfactionScore(), byBranch: byBranch, byEngineer: byEngineer,
            byProductLine: byProductLine, byChannel: byChannel, byMonth: months, comments: comments)
    }
}
