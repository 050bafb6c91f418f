import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// R-10.5 (issue 17): mystery shopping (暗访). `/mystery-shopping` lists the inspections the caller may see (of units
/// strictly below their own: management sees them, the unit inspected never does), records a new one with the six
/// criteria scored 1 to 5, and shows the trends: per unit inspected and month, how many inspections and their
/// average total. The same use cases as `VoiceController`, through the caller's scoped store.
struct MysteryShoppingPages: Sendable {
    func register(_ root: any RoutesBuilder) {
        root.get("mystery-shopping", use: inspections).requires(.action(.mysteryShopping))
        root.post("mystery-shopping", use: record).requires(.action(.mysteryShopping))
    }

    static let labels = FieldLabels.area("voice")

    static let pageSize = 50

    /// The fields of the record form, given back as typed after a refusal.
    static let recordFields =
        ["orgUnitId", "engineerId", "inspectedOn", "scenario", "findings", "inspector"]
        + MysteryCriterion.allCases.map { "scores.\($0.rawValue)" }

    /// The default period of the trends: the last twelve months to today, from the first day of the month eleven
    /// months back (twelve months in the table, this one's so far the last).
    static func defaultPeriod(today: CalendarDate) -> (from: CalendarDate, to: CalendarDate) {
        let first = CalendarDate(year: today.year, month: today.month, day: 1) ?? today
        return (first.adding(months: -11), today)
    }

    /// `/mystery-shopping?unit=&from=&to=&cursor=` as asked (the dates as typed, for the form).
    static func mysteryQuery(_ req: Request) throws -> (MysteryQuery, PageRequest) {
        let q = QueryReader(req: req)
        let period = defaultPeriod(today: req.store.today)
        let query = MysteryQuery(
            unit: try q.int("unit"), fromText: try q.string("from") ?? period.from.description,
            toText: try q.string("to") ?? period.to.description)
        return (query, try q.page(defaultLimit: pageSize))
    }

    /// The page a record form goes back to: the list and the period it was posted from (its hidden fields).
    static func postedQuery(_ form: FormReader, today: CalendarDate) -> MysteryQuery {
        let period = defaultPeriod(today: today)
        return MysteryQuery(
            unit: form.string("unit").flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil },
            fromText: form.string("from").flatMap { CalendarDate(iso: $0)?.description } ?? period.from.description,
            toText: form.string("to").flatMap { CalendarDate(iso: $0)?.description } ?? period.to.description)
    }

    static func link(_ query: MysteryQuery) -> String {
        PageLink.make("/mystery-shopping", query.items)
    }

    // MARK: Reading

    func render(
        _ req: Request, query: MysteryQuery, page: PageRequest = PageRequest(limit: MysteryShoppingPages.pageSize),
        failed: MysteryFailed? = nil, status: HTTPStatus = .ok
    ) async throws -> Response {
        let principal = try req.requirePrincipal()
        let mystery = MysteryShopping(req.store)
        var data = MysteryData(
            query: query,
            page: try await mystery.list(orgUnitId: query.unit, page: page, for: principal),
            units: try await req.orgUnitChoices().options,
            engineers: try await Records<EngineerRecord>(req.store).list(page: PageRequest(limit: 200)).items,
            today: req.store.today, failed: failed)
        var v = query.validator()
        if let from = query.from, let to = query.to, to.dayNumber - from.dayNumber >= MysteryShopping.maximumDays {
            v.add("to", .outOfRange(min: 0, max: MysteryShopping.maximumDays))
        }
        do {
            try v.finish()
            if let from = query.from, let to = query.to {
                data.trends = try await mystery.trends(from: from, to: to, for: principal)
            }
        } catch {
            guard let failure = PageError.from(error, req.localizer, labels: Self.labels) else { throw error }
            data.trendErrors = failure.messages
        }
        let model = Self.mysteryModel(data, principal: principal, req.localizer)
        return try await PageRenderer.render(
            "mystery-shopping", title: "voice.mysteryTitle", model, for: req, status: status)
    }

    /// The inspections the caller may see, the latest first; the form of a new one; the trends of the period.
    @Sendable func inspections(_ req: Request) async throws -> Response {
        let (query, page) = try Self.mysteryQuery(req)
        return try await render(req, query: query, page: page)
    }

    // MARK: Recording

    /// records an inspection of a unit below the caller's own, each criterion scored 1 to 5.
    @Sendable func record(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = try FormReader(req)
        let query = Self.postedQuery(form, today: req.store.today)
        var v = AftercareDomain.Validator()
        let orgUnitId = VoiceForms.number(form, "orgUnitId", into: &v)
        let engineerId = form.int("engineerId", into: &v)
        let inspectedOn = VoiceForms.day(form, "inspectedOn", into: &v)
        var scores: [String: Int] = [:]
        for criterion in MysteryCriterion.allCases {
            let field = "scores.\(criterion.rawValue)"
            guard let text = form.string(field) else { continue }
            guard let score = Int(text) else {
                v.add(field, .invalidFormat(expected: "a whole number from 1 to 5"))
                continue
            }
            scores[criterion.rawValue] = score
        }
        // Every criterion's problem at once, with those of the other fields.
        for (field, problem) in MysteryScores.problems(scores).fields { v.add(field, problem) }
        let page = Self.link(query)
        return try await FormCycle.run(req, page: page, labels: Self.labels) {
            try v.finish()
            guard let orgUnitId, let inspectedOn else { throw v.error }
            let inspection = try await MysteryShopping(req.store).record(
                MysteryInspectionInput(
                    orgUnitId: orgUnitId, engineerId: engineerId, inspectedOn: inspectedOn,
                    scenario: form.string("scenario") ?? "", scores: scores, findings: form.string("findings") ?? "",
                    inspector: form.string("inspector") ?? ""),
                by: principal)
            return req.redirect(to: page + "#inspection-\(inspection.id)")
        } again: { failure in
            try await render(
                req, query: query,
                failed: MysteryFailed(typed: form.typed(Self.recordFields), messages: failure.messages),
                status: failure.status)
        }
    }
}
