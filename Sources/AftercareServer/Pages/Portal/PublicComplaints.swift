import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// the public complaint form: anyone, without an account, complains in their own words and gets the
/// complaint's number. It names no record of ours (the handler links the customer and what it is about); a branch's
/// printed link carries the branch (`/complain?unit=…`). Spam is kept out without third parties: a field people do not
/// see (`website`) that only robots fill, a signed form time (not sent in under three seconds, nor after two hours),
/// and a limit of submissions per address (`PublicForms.admit`). The page carries the pre-sign-in CSRF token like the
/// sign-in page, and speaks the language of the cookie or the browser.
struct PublicComplaintPages: Sendable {
    func register(_ root: any RoutesBuilder) {
        root.get("complain", use: form).requires(.open)
        root.post("complain", use: submit).requires(.open)
        root.get("complain", "thanks", use: thanks).requires(.open)
    }

    /// Who the audit trail names for the public forms.
    static let actor = Actor(name: "public")

    /// `complaints.field.…`, then `field.…`; the store's complainant fields by the names the form gives them.
    static let labels = FieldLabels.area(
        "complaints",
        special: { path, l in
            let own = [
                "complainantName": "name", "complainantPhone": "phone", "complainantEmail": "email",
                "subjectText": "about",
            ]
            return own[path].map { l.t("complaints.field.\($0)") }
        })

    /// Renders the form with a fresh signed form time.
    func page(
        _ req: Request, _ typed: PublicComplaintPages.PublicForm, errors: [FieldMessage] = [], status: HTTPStatus = .ok
    ) async throws -> Response {
        let issued = PublicFormGuard.issue(at: req.store.now, signing: req.authSettings.signing)
        return try await PageRenderer.render(
            "complain", title: "publicComplaint.title",
            Self.formModel(typed, issued: issued, req.localizer, errors: errors), for: req, status: status)
    }

    /// The form, empty, for the branch of a printed link (an id that does not parse is ignored). A customer signed in
    /// complains in the portal, about their own records.
    @Sendable func form(_ req: Request) async throws -> Response {
        if let principal = req.principal, principal.roles.contains(.customer), principal.may(.usePortal) {
            return req.redirect(to: "/portal/complaints/new")
        }
        var typed = PublicForm()
        typed.unit = Self.unit(try? req.query.get(String.self, at: "unit"))
        return try await page(req, typed)
    }

    /// The form as typed (a wish that is not one of the choices is a problem in `v`).
    static func typed(_ form: FormReader, into v: inout AftercareDomain.Validator) -> PublicForm {
        let wish = form.value("wish", ComplaintWish.self, into: &v)
        if form.string("wish") == nil { v.add("wish", .required) }
        return PublicForm(
            name: form.string("name") ?? "", phone: form.string("phone") ?? "", email: form.string("email") ?? "",
            about: form.string("about") ?? "", wish: wish, words: form.string("words") ?? "",
            wants: form.string("wants") ?? "", unit: unit(form.string("unit")))
    }

    /// a public complaint. In this order: the hidden field filled → answered as if accepted, nothing written;
    /// the signed form time missing, forged, too old or too young → the form again (422) with what was typed; the
    /// address over its limit → the form again (429) with when to try again; then the store checks and records it
    /// (`source: .publicForm`), and the browser goes to the thanks page with the number (303).
    ///
    /// The store's refusals go through `FormCycle` like every form: it does not need a signed-in user (without a
    /// session `FormReturn` keeps nothing and the refused page is shown where it was posted, as on the sign-in and
    /// reset pages; a signed-in member of staff trying the form gets the usual post/redirect/get to `/complain`). The
    /// anti-spam refusals above come before it and render the form directly with their status, since they are not the
    /// store's and `PageError` has nothing to say about them.
    @Sendable func submit(_ req: Request) async throws -> Response {
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let typed = Self.typed(form, into: &v)
        switch try await PublicFormGuard.screen(req, form, prefix: "publicComplaint", what: "complaint") {
        case .robot: return req.redirect(to: "/complain/thanks")
        case .refused(let message, let status): return try await page(req, typed, errors: [message], status: status)
        case .admitted: break
        }
        return try await FormCycle.run(req, page: "/complain", labels: Self.labels) {
            try v.finish()
            guard let wish = typed.wish else { throw ValidationError(["wish": .required]) }
            var input = ComplaintInput(
                complainantName: typed.name, complainantPhone: typed.phone.nilIfEmpty,
                complainantEmail: typed.email.nilIfEmpty, subject: .other, subjectText: typed.about.nilIfEmpty,
                wish: wish, words: typed.words, wants: typed.wants.nilIfEmpty, orgUnitId: typed.unit)
            let complaints = Complaints(req.store)
            let view: ComplaintView
            do {
                view = try await complaints.open(input, source: .publicForm, by: Self.actor)
            } catch let error as ValidationError where input.orgUnitId != nil && error.fields["orgUnitId"] != nil {
                // A printed link of a branch that is gone (or a made-up one): the complaint still counts; it goes to
                // headquarters like any other that names no branch. The store checks the branch last, so nothing
                // else was wrong.
                input.orgUnitId = nil
                view = try await complaints.open(input, source: .publicForm, by: Self.actor)
            }
            return req.redirect(to: PageLink.make("/complain/thanks", [("number", view.number)]))
        } again: { failure in
            try await page(req, typed, errors: failure.messages, status: failure.status)
        }
    }

    /// The thanks page: the number, when the address carries one in the right form, and nothing else of our records.
    @Sendable func thanks(_ req: Request) async throws -> Response {
        let number = try? req.query.get(String.self, at: "number")
        return try await PageRenderer.render(
            "complain-thanks", title: "publicComplaint.thanksTitle", Self.thanksModel(number: number), for: req)
    }
}
