import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// R-10.3 (issue 17): the suggestion pages of those who work suggestions: the worklist with the acknowledgements past
/// their deadline marked, the form an agent records a suggestion with (a customer's, or a named person's, taken by
/// phone), one suggestion with its steps, its rewards (proposed by whoever works it, approved or refused by a manager
/// who did not propose it) and its timeline, and the printable sheet of QR codes, one per branch and outlet, that
/// open the public suggestion form. They call the same use cases as `SuggestionsController`, through the caller's
/// scoped store.
struct SuggestionPages: Sendable {
    func register(_ root: any RoutesBuilder) {
        root.get("suggestions", use: worklist).requires(.action(.handleSuggestions))
        root.get("suggestions", "new", use: newSuggestion).requires(.action(.handleSuggestions))
        root.post("suggestions", use: submit).requires(.action(.handleSuggestions))
        root.get("suggestions", "qr", use: qrSheet).requires(.action(.handleSuggestions))
        root.get("suggestions", ":id", use: detail).requires(.action(.handleSuggestions))
        root.post("suggestions", ":id", "events", use: step).requires(.action(.handleSuggestions))
        root.post("suggestions", ":id", "rewards", use: proposeReward).requires(.action(.handleSuggestions))
        root.post("suggestions", ":id", "rewards", ":rewardId", "decision", use: decideReward)
            .requires(.action(.approveRewards))
    }

    static let labels = FieldLabels.area("suggestions")
}

extension SuggestionPages {
    // MARK: The worklist

    /// `/suggestions?show=&status=&cursor=`: the suggestions of the caller's units, newest first; open ones by
    /// default.
    @Sendable func worklist(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let q = QueryReader(req: req)
        let show = try q.value("show", WorklistShow.self) ?? .open
        let status = try q.value("status", SuggestionStatus.self)
        let page = try await Suggestions(req.store).list(
            Self.filter(show: show, status: status), for: principal, page: try q.page(defaultLimit: 50))
        let data = WorklistData(
            page: page, show: show, status: status, now: req.store.now)
        return try await PageRenderer.render(
            "suggestions", title: "suggestions.title", Self.worklistModel(data, req.localizer), for: req)
    }

    // MARK: Recording a suggestion

    /// `/suggestions/new?customer=`: an agent records a suggestion taken by phone, for a customer (from the
    /// customer's page) or for a person who is none.
    @Sendable func newSuggestion(_ req: Request) async throws -> Response {
        let q = QueryReader(req: req)
        var typed: [String: String] = [:]
        if let customer = try q.int("customer") { typed["customerId"] = "\(customer)" }
        return try await renderNew(req, typed: typed, errors: [])
    }

    func renderNew(_ req: Request, typed: [String: String], errors: [FieldMessage], status: HTTPStatus = .ok)
        async throws -> Response
    {
        let units = try await Suggestions(req.store).qrUnits()
        let model = Self.newModel(NewData(units: units), typed: typed, errors: errors, req.localizer)
        return try await PageRenderer.render(
            "suggestion-new", title: "suggestions.newTitle", model, for: req, status: status)
    }

    /// The form's fields, given back as typed after a refusal.
    static let newFields = ["customerId", "name", "phone", "email", "channel", "topic", "text", "orgUnitId"]

    /// records the suggestion and goes on to it.
    @Sendable func submit(_ req: Request) async throws -> Response {
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let channel = form.value("channel", AftercareDomain.Channel.self, into: &v)
        let input = SuggestionInput(
            customerId: form.int("customerId", into: &v), name: form.string("name"), phone: form.string("phone"),
            email: form.string("email"), channel: channel ?? .phone, topic: form.string("topic"),
            text: form.string("text") ?? "", orgUnitId: form.int("orgUnitId", into: &v))
        return try await FormCycle.run(req, page: "/suggestions/new", labels: Self.labels) {
            try v.finish()
            let view = try await Suggestions(req.store).submit(input, source: .staff, by: req.actor)
            return req.redirect(to: "/suggestions/\(view.id)")
        } again: { failure in
            try await renderNew(
                req, typed: form.typed(Self.newFields), errors: failure.messages, status: failure.status)
        }
    }
}
