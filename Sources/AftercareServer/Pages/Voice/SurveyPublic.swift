import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// the questionnaire behind an invitation's signed link (`/s/<token>`, sent by text message or e-mail):
/// anyone holding the link answers without an account, once, before it expires. The link is the server's signature of
/// the invitation (`PublicLink.surveyInvitation`); the store, seen within everything, decides whether the invitation
/// can still be answered. A forged, unknown, expired, answered or cancelled link gets the same page, "this link can no
/// longer be used", with 404: it tells nothing of the invitation, the customer or the job. The page names none of
/// them either: the questionnaire's title, its questions and until when. Answers are limited per address
/// (`PublicForms.admit`, before any link is looked at: a run of guesses is slowed down) and carry the pre-sign-in CSRF
/// token; the page speaks the language of the cookie or the browser, and the questionnaire's texts follow it.
struct PublicSurveyPages: Sendable {
    func register(_ root: any RoutesBuilder) {
        root.get("s", "thanks", use: thanks).requires(.open)
        root.get("s", ":token", use: form).requires(.open)
        root.post("s", ":token", use: submit).requires(.open)
    }

    /// Who the audit trail names for answers through the link.
    static let actor = Actor(name: "public")

    /// The invitation the link names, when this server signed it and it can still be answered; nil for anything
    /// else, whatever the reason.
    static func openInvitation(_ req: Request) async throws -> (token: String, form: InvitationForm)? {
        guard let token = req.parameters.get("token"), let id = PublicLink.surveyInvitation(req, token: token) else {
            return nil
        }
        let form: InvitationForm
        do {
            form = try await Surveys(req.store.seen(within: .everything)).form(id)
        } catch is RecordNotFound {
            return nil
        }
        guard form.invitation.open(at: req.store.now) else { return nil }
        return (token: token, form: form)
    }

    /// The one answer to a link that cannot be used.
    func closed(_ req: Request) async throws -> Response {
        try await PageRenderer.render(
            "survey-closed", title: "publicSurvey.closedTitle", Self.ClosedModel(), for: req, status: .notFound)
    }

    func show(
        _ req: Request, token: String, form: InvitationForm, typed: SurveyAnswerForm.Typed = [:],
        errors: [FieldMessage] = [], status: HTTPStatus = .ok
    ) async throws -> Response {
        try await PageRenderer.render(
            "survey-answer", title: "publicSurvey.title",
            Self.formModel(form, action: "/s/\(token)", typed: typed, errors: errors, req.localizer), for: req,
            status: status)
    }

    /// `/s/<token>`: the questionnaire, or the one page of a link that cannot be used.
    @Sendable func form(_ req: Request) async throws -> Response {
        guard let found = try await Self.openInvitation(req) else { return try await closed(req) }
        return try await show(req, token: found.token, form: found.form)
    }

    /// the answers through the link, once (channel online). In this order: the address over its limit → the
    /// form again (429) with when to try again (or the closed page when the link cannot be used); a link that cannot
    /// be used → the closed page (404); then the store checks and records the answers through the form cycle (a
    /// refusal gives the form back with what was chosen, 422), and the browser goes to the thanks page (303). The
    /// invitation answered meanwhile (two tabs, a second phone) is the closed page too.
    @Sendable func submit(_ req: Request) async throws -> Response {
        let reader = try FormReader(req)
        let l = req.localizer
        var limited: PublicFormLimited?
        do {
            try await PublicForms.admit(address: req.clientAddress, at: req.store.now, in: req.store)
        } catch let error as PublicFormLimited {
            limited = error
        }
        guard let found = try await Self.openInvitation(req) else { return try await closed(req) }
        let form = found.form
        let read = SurveyAnswerForm.read({ reader.all($0) }, questions: form.questions)
        if let limited {
            req.logger.notice("public survey answer refused: too many from one address")
            let message = l.t("publicSurvey.error.limited").replacingOccurrences(
                of: "{time}", with: l.dateTime(limited.until))
            return try await show(
                req, token: found.token, form: form, typed: read.typed,
                errors: [FieldMessage(field: "form", label: "", message: message)], status: .tooManyRequests)
        }
        return try await FormCycle.run(
            req, page: "/s/\(found.token)", labels: SurveyAnswerForm.labels(form.questions)
        ) {
            try read.problems.throwIfAny()
            do {
                _ = try await Surveys(req.store.seen(within: .everything)).answer(
                    form.invitation.id, ResponseInput(answers: read.answers, channel: .online), by: Self.actor)
            } catch is InvitationClosed {
                return try await closed(req)
            } catch is RecordNotFound {
                return try await closed(req)
            }
            return req.redirect(to: "/s/thanks")
        } again: { failure in
            try await show(
                req, token: found.token, form: form, typed: read.typed, errors: failure.messages,
                status: failure.status)
        }
    }

    /// The thanks page: nothing of our records.
    @Sendable func thanks(_ req: Request) async throws -> Response {
        try await PageRenderer.render("survey-thanks", title: "publicSurvey.thanksTitle", Self.ClosedModel(), for: req)
    }
}
