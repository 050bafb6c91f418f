import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension SLAPages {
    // MARK: Follow-ups

    @Sendable func followUps(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let q = QueryReader(req: req)
        guard let view = WorklistView(rawValue: try q.string("show") ?? "mine") else {
            throw APIError.badRequest("show", "must be mine, open or today")
        }
        var filter = FollowUpFilter()
        switch view {
        case .mine: filter.assigneeId = principal.userId
        case .open: break
        case .today:
            let midnight = Calendar.startOfDay(req.store.now, in: req.store.timeZone)
            filter.dueBefore = Calendar.startOfDay(midnight.addingTimeInterval(36 * 3600), in: req.store.timeZone)
        }
        let page = try await FollowUps(req.store).list(filter, page: try q.page(defaultLimit: Self.rowsPerPage))
        let model = Self.followUpsModel(page, view: view, now: req.store.now, principal: principal, req.localizer)
        return try await PageRenderer.render("follow-ups", title: "followUps.title", model, for: req)
    }

    /// Reads what one follow-up's page shows.
    static func followUpData(_ req: Request, id: Int) async throws -> FollowUpData {
        let item = try await FollowUps(req.store).get(id)
        let request = try await ServiceRequests(req.store).get(item.requestId)
        return FollowUpData(item: item, request: request)
    }

    func followUpModel(
        _ req: Request, id: Int, typed: FollowUpResultInput? = nil, errors: [FieldMessage] = []
    ) async throws -> FollowUpModel {
        Self.followUpModel(
            try await Self.followUpData(req, id: id), principal: try req.requirePrincipal(), req.localizer,
            now: req.store.now, typed: typed, errors: errors)
    }

    @Sendable func followUp(_ req: Request) async throws -> Response {
        try await PageRenderer.render(
            "follow-up", title: "followUps.itemTitle", try await followUpModel(req, id: req.pageId()), for: req)
    }

    /// the result of a call, from the form; not solved reopens the request, so it needs that permission.
    @Sendable func recordFollowUp(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let outcome = form.value("outcome", FollowUpOutcome.self, into: &v)
        if outcome == nil, form.string("outcome") == nil { v.add("outcome", .required) }
        let input = FollowUpResultInput(
            outcome: outcome ?? .solved, channel: form.value("channel", FollowUpChannel.self, into: &v),
            attitudeRating: form.int("attitudeRating", into: &v), qualityRating: form.int("qualityRating", into: &v),
            comment: form.string("comment"))
        let version = form.int("version", into: &v)
        func failed(_ errors: [FieldMessage], _ status: HTTPStatus) async throws -> Response {
            try await PageRenderer.render(
                "follow-up", title: "followUps.itemTitle",
                try await followUpModel(req, id: id, typed: input, errors: errors), for: req, status: status)
        }
        return try await FormCycle.run(req, page: "/follow-ups/\(id)", labels: Self.labels()) {
            try v.finish()
            if input.outcome == .notSolved, !principal.may(.reopenRequests) {
                throw Forbidden(action: .reopenRequests)
            }
            _ = try await FollowUps(req.store).record(
                input, for: id, expectedVersion: version ?? 0, by: principal.actor)
            return req.redirect(to: "/follow-ups/\(id)")
        } again: { failure in
            try await failed(failure.messages, failure.status)
        }
    }
}
