import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// the public suggestion form a branch's QR code opens (`/suggest?unit=…`): anyone, without an account,
/// suggests in their own words and gets the suggestion's number. It names no record of ours but the unit of the code
/// (an unknown or closed one is ignored: the suggestion goes to headquarters). Robots are kept out like on the public
/// complaint form (`PublicFormGuard`: the hidden field, the signed form time, the limit per address); the page carries
/// the pre-sign-in CSRF token and speaks the language of the cookie or the browser.
struct PublicSuggestionPages: Sendable {
    func register(_ root: any RoutesBuilder) {
        root.get("suggest", use: form).requires(.open)
        root.post("suggest", use: submit).requires(.open)
        root.get("suggest", "thanks", use: thanks).requires(.open)
    }

    /// Who the audit trail names for the public forms.
    static let actor = Actor(name: "public")

    static let labels = FieldLabels.area("suggestions")

    /// Renders the form with a fresh signed form time, naming the unit of the code when there is one.
    func page(_ req: Request, _ typed: PublicForm, errors: [FieldMessage] = [], status: HTTPStatus = .ok) async throws
        -> Response
    {
        let issued = PublicFormGuard.issue(at: req.store.now, signing: req.authSettings.signing)
        var unitName: String?
        if let unit = typed.unit { unitName = try await Suggestions(req.store).unitName(forPublicLink: unit) }
        return try await PageRenderer.render(
            "suggest", title: "publicSuggestion.title",
            Self.formModel(typed, unitName: unitName, issued: issued, req.localizer, errors: errors), for: req,
            status: status)
    }

    /// The form, empty, for the unit of a QR code. A customer signed in suggests in the portal.
    @Sendable func form(_ req: Request) async throws -> Response {
        if let principal = req.principal, principal.roles.contains(.customer), principal.may(.usePortal) {
            return req.redirect(to: "/portal/suggestions/new")
        }
        var typed = PublicForm()
        typed.unit = Self.unit(try? req.query.get(String.self, at: "unit"))
        return try await page(req, typed)
    }

    /// a public suggestion: screened (`PublicFormGuard`: a filled hidden field is answered as if accepted and
    /// nothing is written; a bad form time or an address over its limit shows the form again with what was typed),
    /// then checked and recorded by the store (`source: .publicForm`) through the one form cycle; the browser goes to
    /// the thanks page with the number (303).
    @Sendable func submit(_ req: Request) async throws -> Response {
        let form = try FormReader(req)
        let typed = Self.typed(form)
        switch try await PublicFormGuard.screen(req, form, prefix: "publicSuggestion", what: "suggestion") {
        case .robot: return req.redirect(to: "/suggest/thanks")
        case .refused(let message, let status): return try await page(req, typed, errors: [message], status: status)
        case .admitted: break
        }
        return try await FormCycle.run(req, page: Self.here(typed), labels: Self.labels) {
            let view = try await Suggestions(req.store).submit(
                SuggestionInput(
                    name: typed.name, phone: typed.phone.nilIfEmpty, email: typed.email.nilIfEmpty,
                    topic: typed.topic.nilIfEmpty, text: typed.text, orgUnitId: typed.unit),
                source: .publicForm, by: Self.actor)
            return req.redirect(to: PageLink.make("/suggest/thanks", [("number", view.number)]))
        } again: { failure in
            try await page(req, typed, errors: failure.messages, status: failure.status)
        }
    }

    /// The thanks page: the number, when the address carries one in the right form, and nothing else of our records.
    @Sendable func thanks(_ req: Request) async throws -> Response {
        let number = try? req.query.get(String.self, at: "number")
        return try await PageRenderer.render(
            "suggest-thanks", title: "publicSuggestion.thanksTitle", Self.thanksModel(number: number), for: req)
    }
}
