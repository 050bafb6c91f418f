import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// the customer's suggestions in the portal: they suggest, and follow each one to its outcome:
/// acknowledged, evaluated, adopted with what will be done or declined with the reason, and the reward once a manager
/// approved it. The store is scoped to the customer: another customer's suggestion is not there, and none shows who
/// worked it or a reward not yet approved.
struct PortalSuggestionPages: Sendable {
    func register(_ root: any RoutesBuilder) {
        root.get("portal", "suggestions", use: list).requires(.action(.usePortal))
        root.get("portal", "suggestions", "new", use: newForm).requires(.action(.usePortal))
        root.post("portal", "suggestions", use: submit).requires(.action(.usePortal))
    }

    static let labels = FieldLabels.area("suggestions")

    /// `/portal/suggestions?sent=&cursor=`: the customer's suggestions, newest first; after one was sent, its number.
    @Sendable func list(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let q = QueryReader(req: req)
        let page = try q.page()
        let suggestions = try await Suggestions(req.store).list(
            SuggestionFilter(), for: principal, page: PageRequest(limit: 20, afterId: page.afterId))
        let sent = try q.string("sent").flatMap { SuggestionNumber($0) }?.description
        return try await PageRenderer.render(
            "portal-suggestions", title: "portalSuggestions.title",
            Self.listModel(ListData(suggestions: suggestions, sent: sent), req.localizer), for: req)
    }

    @Sendable func newForm(_ req: Request) async throws -> Response {
        try await PageRenderer.render(
            "portal-suggestion-new", title: "portalSuggestions.newTitle", Self.newModel(NewForm(), errors: []),
            for: req)
    }

    /// the customer suggests; the store makes it theirs (customer, channel portal, their unit).
    @Sendable func submit(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = try FormReader(req)
        let typed = NewForm(topic: form.string("topic") ?? "", text: form.string("text") ?? "")
        return try await FormCycle.run(req, page: "/portal/suggestions/new", labels: Self.labels) {
            let view = try await Suggestions(req.store).submit(
                SuggestionInput(name: principal.displayName, topic: typed.topic.nilIfEmpty, text: typed.text),
                source: .portal, by: principal.actor)
            return req.redirect(to: PageLink.make("/portal/suggestions", [("sent", view.number)]))
        } again: { failure in
            try await PageRenderer.render(
                "portal-suggestion-new", title: "portalSuggestions.newTitle",
                Self.newModel(typed, errors: failure.messages), for: req, status: failure.status)
        }
    }
}
