import AftercareDispatch
import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension DispatchPages {
    // MARK: Board

    struct BoardQuery {
        var unitId: Int
        var date: CalendarDate
    }

    static func boardQuery(_ req: Request) throws -> BoardQuery {
        let q = QueryReader(req: req)
        return BoardQuery(
            unitId: try q.int("unit") ?? req.requirePrincipal().orgUnitId, date: try q.date("date") ?? req.store.today)
    }

    static func boardLink(unit: Int, date: CalendarDate) -> String {
        PageLink.make("/dispatch", [("unit", "\(unit)"), ("date", date.description)])
    }

    /// Reads what the board of `unitId`'s day shows.
    static func boardData(_ req: Request, unitId: Int, date: CalendarDate) async throws -> BoardData {
        let store = req.store
        let zone = store.timeZone
        let units = try await Records<OrgUnitRecord>(store).list(page: PageRequest(limit: 200)).items
        let subtree = Set(try await Records<OrgUnitRecord>(store).subtree(of: unitId))
        var filter = VisitFilter()
        filter.orgUnitId = unitId
        filter.date = date
        let day = try await Visits(store).list(filter, page: PageRequest(limit: 200)).items
        var waiting = VisitFilter()
        waiting.orgUnitId = unitId
        waiting.unassigned = true
        waiting.statuses = [.planned]
        let queue = try await Visits(store).list(waiting, page: PageRequest(limit: 200)).items.filter { visit in
            visit.windowStart.map { CalendarDate($0, in: zone) == date } ?? true
        }
        let engineers = try await Records<EngineerRecord>(store).list(page: PageRequest(limit: 200)).items
        let plan = try await DispatchPlanning(store).plans(orgUnitId: unitId, date: date).first
        return BoardData(
            unitId: unitId, date: date, units: units, subtree: subtree, day: day, queue: queue, engineers: engineers,
            plan: plan)
    }

    /// The board again after a failed form, with what was typed and why it failed.
    func boardAgain(
        _ req: Request, unitId: Int, date: CalendarDate, seconds: String = "2", failure: PageFailure
    ) async throws -> Response {
        let model = try await boardModel(req, unitId: unitId, date: date, seconds: seconds, errors: failure.messages)
        return try await PageRenderer.render(
            "dispatch-board", title: "dispatch.title", model, for: req, status: failure.status)
    }

    func boardModel(
        _ req: Request, unitId: Int, date: CalendarDate, seconds: String = "2", notice: String? = nil,
        errors: [FieldMessage] = []
    ) async throws -> BoardModel {
        Self.boardModel(
            try await Self.boardData(req, unitId: unitId, date: date), principal: try req.requirePrincipal(),
            req.localizer, form: BoardForm(seconds: seconds, notice: notice, errors: errors))
    }

    @Sendable func board(_ req: Request) async throws -> Response {
        let query = try Self.boardQuery(req)
        let q = QueryReader(req: req)
        var notice: String?
        if let applied = try q.string("applied"), let count = Int(applied) {
            let skipped = Int(try q.string("skipped") ?? "0") ?? 0
            notice = req.localizer.t("dispatch.acceptedNotice")
                .replacingOccurrences(of: "{n}", with: req.localizer.number(count))
                .replacingOccurrences(of: "{skipped}", with: req.localizer.number(skipped))
        }
        let model = try await boardModel(req, unitId: query.unitId, date: query.date, notice: notice)
        return try await PageRenderer.render("dispatch-board", title: "dispatch.title", model, for: req)
    }

    /// "Plan the day": runs the optimiser for the unit's day and shows its proposal.
    @Sendable func plan(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let unitId = form.int("unit", into: &v) ?? principal.orgUnitId
        var date = req.store.today
        if let text = form.string("date") {
            if let day = CalendarDate(iso: text) {
                date = day
            } else {
                v.add("date", .invalidFormat(expected: "YYYY-MM-DD"))
            }
        }
        let secondsText = form.string("seconds") ?? "2"
        let seconds = Int(secondsText)
        if seconds == nil || !(1...10).contains(seconds!) { v.add("seconds", .outOfRange(min: 1, max: 10)) }
        return try await FormCycle.run(req, page: Self.boardLink(unit: unitId, date: date), labels: .area("dispatch")) {
            try v.finish()
            _ = try await DispatchPlanning(req.store).propose(
                orgUnitId: unitId, date: date, seconds: Double(seconds ?? 2), seed: 1, threads: 1, by: principal.actor)
            return req.redirect(to: Self.boardLink(unit: unitId, date: date) + "#proposal")
        } again: { failure in
            try await boardAgain(req, unitId: unitId, date: date, seconds: secondsText, failure: failure)
        }
    }

    /// accepts the proposal for all its engineers or for one.
    @Sendable func accept(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        let planning = DispatchPlanning(req.store)
        let proposal = try await planning.get(id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let engineerId = form.int("engineerId", into: &v)
        return try await FormCycle.run(
            req, page: Self.boardLink(unit: proposal.orgUnitId, date: proposal.date), labels: .area("dispatch")
        ) {
            try v.finish()
            let result = try await planning.accept(id, engineerIds: engineerId.map { [$0] }, by: principal.actor)
            return req.redirect(
                to: PageLink.make(
                    "/dispatch",
                    [
                        ("unit", "\(proposal.orgUnitId)"), ("date", proposal.date.description),
                        ("applied", "\(result.applied.count)"), ("skipped", "\(result.skipped.count)"),
                    ]) + "#proposal")
        } again: { failure in
            try await boardAgain(req, unitId: proposal.orgUnitId, date: proposal.date, failure: failure)
        }
    }

    /// puts an emergency from the queue into the proposal; the result is shown as the new proposal.
    @Sendable func insert(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        let planning = DispatchPlanning(req.store)
        let proposal = try await planning.get(id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let visitId = form.int("visitId", into: &v)
        if visitId == nil { v.add("visitId", .required) }
        return try await FormCycle.run(
            req, page: Self.boardLink(unit: proposal.orgUnitId, date: proposal.date), labels: .area("dispatch")
        ) {
            try v.finish()
            _ = try await planning.insert(visitId: visitId ?? 0, into: id, by: principal.actor)
            return req.redirect(to: Self.boardLink(unit: proposal.orgUnitId, date: proposal.date) + "#proposal")
        } again: { failure in
            try await boardAgain(req, unitId: proposal.orgUnitId, date: proposal.date, failure: failure)
        }
    }
}
