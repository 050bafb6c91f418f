import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// the complaint statistics of a period: the totals (received, open, acknowledged and resolved on time,
/// satisfied, handled again), the complaints by cause with the frequent causes flagged and their improvement actions,
/// by product line, branch, engineer and month; and the improvement actions themselves, opened for a frequent cause
/// and closed as done or cancelled. The same use cases as `ComplaintsController`, through the caller's scoped store.
struct ComplaintStatsPages: Sendable {
    func register(_ root: any RoutesBuilder) {
        root.get("complaints", "statistics", use: statistics).requires(.action(.viewComplaintStats))
        root.post("improvement-actions", use: openImprovement).requires(.action(.manageImprovements))
        root.post("improvement-actions", ":id", "close", use: closeImprovement)
            .requires(.action(.manageImprovements))
    }

    static let labels = FieldLabels.area("complaints")

    /// How many open improvement actions the page lists, and how many of the latest closed ones below them.
    static let openLimit = 100
    static let closedLimit = 25

    // MARK: The period

    /// The default period: the last twelve months to today, from the first day of the month eleven months back (so
    /// that the month table has twelve rows, this month's so far the last).
    static func defaultPeriod(today: CalendarDate) -> (from: CalendarDate, to: CalendarDate) {
        let first = CalendarDate(year: today.year, month: today.month, day: 1) ?? today
        return (first.adding(months: -11), today)
    }

    /// `/complaints/statistics?from=&to=&orgUnitId=` as asked (the dates as typed, for the form).
    static func statsQuery(_ req: Request) throws -> StatsQuery {
        let q = QueryReader(req: req)
        let period = defaultPeriod(today: req.store.today)
        return StatsQuery(
            fromText: try q.string("from") ?? period.from.description,
            toText: try q.string("to") ?? period.to.description, orgUnitId: try q.int("orgUnitId"))
    }

    /// The page a form of the statistics page goes back to: the period it was posted from (its hidden fields); a
    /// period the page could not show falls back to the default.
    static func postedQuery(_ form: FormReader, from: CalendarDate?, to: CalendarDate?, today: CalendarDate)
        -> StatsQuery
    {
        let period = defaultPeriod(today: today)
        let orgUnitId = form.string("orgUnitId").flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }
        var from = from ?? period.from
        var to = to ?? period.to
        if to < from || to.dayNumber - from.dayNumber >= ComplaintStats.maximumDays {
            from = period.from
            to = period.to
        }
        return StatsQuery(fromText: from.description, toText: to.description, orgUnitId: orgUnitId)
    }

    static func link(_ query: StatsQuery) -> String {
        PageLink.make("/complaints/statistics", query.items)
    }

    // MARK: Reading

    /// The statistics of the period (none when the period is wrong: its problems instead), the improvement actions
    /// (the open ones first, then the latest closed) and the units to filter by.
    static func statsData(_ req: Request, query: StatsQuery) async throws -> (StatsData, HTTPStatus) {
        let stats = ComplaintStats(req.store)
        let open = try await stats.improvements(status: .open, cause: nil, page: PageRequest(limit: openLimit))
        let done = try await stats.improvements(status: .done, cause: nil, page: PageRequest(limit: closedLimit))
        let cancelled = try await stats.improvements(
            status: .cancelled, cause: nil, page: PageRequest(limit: closedLimit))
        let closed = (done.items + cancelled.items).sorted {
            ($0.closedAt ?? $0.createdAt, $0.id) > ($1.closedAt ?? $1.createdAt, $1.id)
        }
        var data = StatsData(
            query: query, stats: nil, improvements: open.items + closed.prefix(closedLimit),
            moreImprovements: open.nextCursor != nil || closed.count > closedLimit,
            units: try await req.orgUnitChoices().options, today: req.store.today)
        do {
            try query.validator().finish()
            guard let from = query.from, let to = query.to else { return (data, .unprocessableEntity) }
            if to.dayNumber - from.dayNumber >= ComplaintStats.maximumDays {
                let l = req.localizer
                data.errors = [
                    FieldMessage(
                        field: "to", label: labels.label("to", l),
                        message: l.t("complaintStats.periodTooLong").replacingOccurrences(
                            of: "{n}", with: l.number(ComplaintStats.maximumDays)))
                ]
                return (data, .unprocessableEntity)
            }
            data.stats = try await stats.statistics(from: from, to: to, orgUnitId: query.orgUnitId)
            return (data, .ok)
        } catch {
            guard let failure = PageError.from(error, req.localizer, labels: labels) else { throw error }
            data.errors = failure.messages
            return (data, failure.status)
        }
    }

    func render(
        _ req: Request, query: StatsQuery, failed: FailedForm? = nil, status: HTTPStatus = .ok
    ) async throws -> Response {
        let principal = try req.requirePrincipal()
        let read = try await Self.statsData(req, query: query)
        var data = read.0
        data.failed = failed
        let model = Self.statsModel(data, principal: principal, req.localizer)
        return try await PageRenderer.render(
            "complaint-stats", title: "complaintStats.title", model, for: req, status: failed == nil ? read.1 : status)
    }

    /// `/complaints/statistics?from=&to=&orgUnitId=`: bad dates give the page with what is wrong with them.
    @Sendable func statistics(_ req: Request) async throws -> Response {
        try await render(req, query: try Self.statsQuery(req))
    }

    // MARK: Improvement actions

    /// A date field of a form: required, as YYYY-MM-DD.
    static func day(_ form: FormReader, _ name: String, into v: inout AftercareDomain.Validator) -> CalendarDate? {
        guard let text = form.string(name) else {
            v.add(name, .required)
            return nil
        }
        guard let day = CalendarDate(iso: text) else {
            v.add(name, .invalidFormat(expected: "YYYY-MM-DD"))
            return nil
        }
        return day
    }

    /// an improvement action for a (frequent) cause of the period shown: its title, owner and due day.
    @Sendable func openImprovement(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        if form.string("cause") == nil { v.add("cause", .required) }
        let cause = form.value("cause", ComplaintCause.self, into: &v)
        v.text("title", form.string("title"), required: true, max: Limits.note)
        v.text("owner", form.string("owner"), required: true, max: Limits.name)
        let dueOn = Self.day(form, "dueOn", into: &v)
        let periodFrom = Self.day(form, "periodFrom", into: &v)
        let periodTo = Self.day(form, "periodTo", into: &v)
        if let periodFrom, let periodTo, periodTo < periodFrom {
            v.add("periodTo", .mustNotBeBefore(field: "periodFrom"))
        }
        let query = Self.postedQuery(form, from: periodFrom, to: periodTo, today: req.store.today)
        let page = Self.link(query)
        return try await FormCycle.run(req, page: page, labels: Self.labels) {
            try v.finish()
            guard let cause, let dueOn, let periodFrom, let periodTo else { throw v.error }
            let action = try await ComplaintStats(req.store).openImprovement(
                ImprovementInput(
                    cause: cause, title: form.string("title") ?? "", owner: form.string("owner") ?? "", dueOn: dueOn,
                    periodFrom: periodFrom, periodTo: periodTo),
                by: principal.actor)
            return req.redirect(to: page + "#improvement-\(action.id)")
        } again: { failure in
            try await render(
                req, query: query,
                failed: FailedForm(
                    form: .open(cause: form.string("cause") ?? ""), typed: form.typed(["title", "owner", "dueOn"]),
                    messages: failure.messages),
                status: failure.status)
        }
    }

    /// the improvement action is done (with what it changed) or cancelled (with the reason).
    @Sendable func closeImprovement(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        _ = try await ComplaintStats(req.store).improvement(id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        if form.string("status") == nil { v.add("status", .required) }
        let closing = form.value("status", ImprovementStatus.self, into: &v)
        if closing == .open { v.add("status", .invalidValue(allowed: ["done", "cancelled"])) }
        v.text("outcome", form.string("outcome"), required: true, max: Limits.note)
        let query = Self.postedQuery(
            form, from: form.string("from").flatMap { CalendarDate(iso: $0) },
            to: form.string("to").flatMap { CalendarDate(iso: $0) }, today: req.store.today)
        let page = Self.link(query)
        return try await FormCycle.run(req, page: page, labels: Self.labels) {
            try v.finish()
            guard let closing else { throw v.error }
            _ = try await ComplaintStats(req.store).closeImprovement(
                id, as: closing, outcome: form.string("outcome") ?? "", by: principal.actor)
            return req.redirect(to: page + "#improvement-\(id)")
        } again: { failure in
            try await render(
                req, query: query,
                failed: FailedForm(
                    form: .close(id: id), typed: form.typed(["status", "outcome"]), messages: failure.messages),
                status: failure.status)
        }
    }
}
