import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// customers' suggestions. Hotline agents, account managers, complaint handlers and managers
/// (handleSuggestions) record, list and work them and propose rewards; service managers and administrators
/// (approveRewards) approve or refuse a reward, never their own proposal. The public form's JSON twin is open and
/// rate-limited, and answers only the number.
struct SuggestionsController: Sendable {
    func register(_ api: any RoutesBuilder) {
        let suggestions = api.grouped("suggestions")
        suggestions.get(use: list).requires(.action(.handleSuggestions))
        suggestions.post(use: submit).requires(.action(.handleSuggestions))
        suggestions.get(":id", use: get).requires(.action(.handleSuggestions))
        suggestions.get(":id", "file", use: file).requires(.action(.handleSuggestions))
        suggestions.post(":id", "events", use: post).requires(.action(.handleSuggestions))
        suggestions.post(":id", "rewards", use: propose).requires(.action(.handleSuggestions))
        api.post("suggestion-rewards", ":id", "decision", use: decide).requires(.action(.approveRewards))
        api.post("public", "suggestions", use: publicSuggestion).requires(.open)
    }

    static func id(_ req: Request) throws -> Int { try RecordController<FeeScheduleRecord>.id(req) }

    /// `GET /suggestions?status=&customerId=&overdue=true&rewardPending=true`, newest first.
    @Sendable func list(_ req: Request) async throws -> Page<SuggestionView> {
        let q = QueryReader(req: req)
        let filter = SuggestionFilter(
            statuses: try q.list("status", SuggestionStatus.self), customerId: try q.int("customerId"),
            overdueAcknowledgement: try q.bool("overdue") ?? false, rewardPending: try q.bool("rewardPending") ?? false)
        return try await Suggestions(req.store).list(filter, for: req.requirePrincipal(), page: q.page())
    }

    /// `POST /suggestions {customerId | name + phone/email, channel, topic, text, orgUnitId}`: recorded by staff.
    @Sendable func submit(_ req: Request) async throws -> Response {
        let input = try JSONBody.create(SuggestionInput.self, req)
        let view = try await Suggestions(req.store).submit(input, source: .staff, by: req.actor)
        let response = try await view.encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/suggestions/\(view.id)")
        return response
    }

    @Sendable func get(_ req: Request) async throws -> SuggestionView {
        try await Suggestions(req.store).get(Self.id(req), for: req.requirePrincipal())
    }

    @Sendable func file(_ req: Request) async throws -> SuggestionFile {
        try await Suggestions(req.store).file(Self.id(req), for: req.requirePrincipal())
    }

    /// `POST /suggestions/{id}/events {event, note, expectedVersion}`.
    @Sendable func post(_ req: Request) async throws -> SuggestionView {
        let principal = try req.requirePrincipal()
        let id = try Self.id(req)
        _ = try await Suggestions(req.store).get(id, for: principal)
        let input = try JSONBody.create(SuggestionStepInput.self, req)
        return try await Suggestions(req.store).post(input, to: id, by: principal)
    }

    /// `POST /suggestions/{id}/rewards {kind, points | amountMinor, description}`: proposed, for a manager to approve.
    @Sendable func propose(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try Self.id(req)
        _ = try await Suggestions(req.store).get(id, for: principal)
        let input = try JSONBody.create(SuggestionRewardInput.self, req)
        let reward = try await Suggestions(req.store).proposeReward(input, on: id, by: principal)
        return try await reward.encodeResponse(status: .created, for: req)
    }

    struct DecisionInput: Codable {
        var approve: Bool
        var note: String?
    }

    /// `POST /suggestion-rewards/{id}/decision {approve, note}`: refusing needs the note.
    @Sendable func decide(_ req: Request) async throws -> SuggestionRewardView {
        let principal = try req.requirePrincipal()
        let id = try Self.id(req)
        // Another branch's reward is not found, whatever the body says.
        _ = try await Suggestions(req.store).reward(id)
        let input = try JSONBody.create(DecisionInput.self, req)
        return try await Suggestions(req.store).decideReward(
            id, approve: input.approve, note: input.note, by: principal)
    }

    /// What the public suggestion form takes: no record of ours but the unit of the QR code.
    struct PublicInput: Codable {
        var name: String
        var phone: String?
        var email: String?
        var topic: String?
        var text: String
        var orgUnitId: Int?
    }

    /// What a public submission answers: the number to quote, nothing of our records.
    struct PublicReceipt: Content {
        var number: String
    }

    /// `POST /public/suggestions`: anyone, rate-limited per address.
    @Sendable func publicSuggestion(_ req: Request) async throws -> Response {
        let input = try JSONBody.create(PublicInput.self, req)
        try await PublicForms.admit(address: req.clientAddress, at: req.store.now, in: req.store)
        let view = try await Suggestions(req.store).submit(
            SuggestionInput(
                name: input.name, phone: input.phone, email: input.email, topic: input.topic, text: input.text,
                orgUnitId: input.orgUnitId), source: .publicForm, by: Actor(name: ComplaintsController.publicActor))
        return try await PublicReceipt(number: view.number).encodeResponse(status: .created, for: req)
    }
}

extension SuggestionView: Content {}
extension SuggestionFile: Content {}
extension SuggestionRewardView: Content {}
