import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension SuggestionPages {
    /// Reads what the suggestion page shows: the suggestion's file, for the one who reads it.
    func caseData(_ req: Request, id: Int) async throws -> CaseData {
        let principal = try req.requirePrincipal()
        let file = try await Suggestions(req.store).file(id, for: principal)
        return CaseData(file: file, principal: principal, now: req.store.now)
    }

    @Sendable func detail(_ req: Request) async throws -> Response {
        try await renderCase(req, data: try await caseData(req, id: req.pageId()))
    }

    func renderCase(_ req: Request, data: CaseData, status: HTTPStatus = .ok) async throws -> Response {
        try await PageRenderer.render(
            "suggestion", title: "suggestions.caseTitle", Self.caseModel(data, req.localizer), for: req,
            status: status)
    }

    /// A refused form on the suggestion page: the page again with the messages and what was typed.
    func again(_ req: Request, id: Int, form: FormReader, names: [String], failure: PageFailure) async throws
        -> Response
    {
        var data = try await caseData(req, id: id)
        data.errors = failure.messages
        data.typed = form.typed(names)
        return try await renderCase(req, data: data, status: failure.status)
    }

    // MARK: Steps

    /// one step: the event, its note (what will be done, the reason) and the version the page showed.
    @Sendable func step(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        _ = try await Suggestions(req.store).get(id, for: principal)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        guard let event = form.value("event", SuggestionEventKind.self, into: &v) else { throw Abort(.badRequest) }
        let version = form.int("expectedVersion", into: &v)
        return try await FormCycle.run(req, page: "/suggestions/\(id)", labels: Self.labels) {
            try v.finish()
            _ = try await Suggestions(req.store).post(
                SuggestionStepInput(event: event, note: form.string("note"), expectedVersion: version), to: id,
                by: principal)
            return req.redirect(to: "/suggestions/\(id)")
        } again: { failure in
            try await again(req, id: id, form: form, names: ["event", "note"], failure: failure)
        }
    }

    // MARK: Rewards

    /// a reward proposed for an adopted suggestion: points, a gift or an amount (typed as a sum, `12.50`).
    @Sendable func proposeReward(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        _ = try await Suggestions(req.store).get(id, for: principal)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let kind = form.value("kind", RewardKind.self, into: &v)
        if form.string("kind") == nil { v.add("kind", .required) }
        let points = kind == .points ? form.int("points", into: &v) : nil
        let amountText = kind == .amount ? form.string("amount") : nil
        let amount = amountText.flatMap(Money.minor(parsing:))
        if amountText != nil, amount == nil { v.add("amountMinor", .invalidFormat(expected: "an amount")) }
        return try await FormCycle.run(req, page: "/suggestions/\(id)#rewards", labels: Self.labels) {
            try v.finish()
            _ = try await Suggestions(req.store).proposeReward(
                SuggestionRewardInput(
                    kind: kind ?? .points, points: points, amountMinor: amount, description: form.string("description")),
                on: id, by: principal)
            return req.redirect(to: "/suggestions/\(id)#rewards")
        } again: { failure in
            try await again(
                req, id: id, form: form, names: ["kind", "points", "amount", "description"], failure: failure)
        }
    }

    /// The decision's note is the reason for refusing.
    static let decisionLabels = FieldLabels.area(
        "suggestions", special: { path, l in path == "note" ? l.t("suggestions.field.decisionNote") : nil })

    /// a manager approves or refuses a proposed reward (the reason needed to refuse); the proposer may not.
    @Sendable func decideReward(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        let rewardId = try req.pageId("rewardId")
        // The reward is one of this suggestion's (another's is not found here, like a missing one).
        let file = try await Suggestions(req.store).file(id, for: principal)
        guard file.rewards.contains(where: { $0.id == rewardId }) else {
            throw RecordNotFound(entity: "suggestionReward", id: rewardId)
        }
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let decision = form.string("decision")
        if decision == nil {
            v.add("decision", .required)
        } else if decision != "approve", decision != "refuse" {
            v.add("decision", .invalidValue(allowed: ["approve", "refuse"]))
        }
        return try await FormCycle.run(req, page: "/suggestions/\(id)#rewards", labels: Self.decisionLabels) {
            try v.finish()
            _ = try await Suggestions(req.store).decideReward(
                rewardId, approve: decision == "approve", note: form.string("decisionNote"), by: principal)
            return req.redirect(to: "/suggestions/\(id)#rewards")
        } again: { failure in
            try await again(req, id: id, form: form, names: ["decision", "decisionNote"], failure: failure)
        }
    }
}
