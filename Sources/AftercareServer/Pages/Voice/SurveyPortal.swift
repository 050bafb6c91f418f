import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// the customer's side of satisfaction surveys in the portal: the questionnaires they are asked to
/// answer (pending, newest first) and those they answered; each pending one opens as a form, answered once (channel
/// online). The store is scoped to the customer: another customer's invitation is not found.
struct PortalSurveyPages: Sendable {
    func register(_ root: any RoutesBuilder) {
        root.get("portal", "surveys", use: list).requires(.action(.usePortal))
        root.get("portal", "surveys", ":id", use: detail).requires(.action(.usePortal))
        root.post("portal", "surveys", ":id", "answers", use: answer).requires(.action(.usePortal))
    }

    /// How many of each list the page shows.
    static let pendingLimit = 50
    static let answeredLimit = 20

    /// `/portal/surveys?answered=1`: after an answer, a thank-you above the lists.
    @Sendable func list(_ req: Request) async throws -> Response {
        let surveys = Surveys(req.store)
        let pending = try await surveys.invitations(
            status: .pending, surveyId: nil, customerId: nil, page: PageRequest(limit: Self.pendingLimit))
        let answered = try await surveys.invitations(
            status: .answered, surveyId: nil, customerId: nil, page: PageRequest(limit: Self.answeredLimit))
        let data = ListData(
            pending: pending.items, answered: answered.items,
            thanks: (try? req.query.get(String.self, at: "answered")) == "1")
        return try await PageRenderer.render(
            "portal-surveys", title: "portalSurveys.title", Self.listModel(data, req.localizer), for: req)
    }

    func render(
        _ req: Request, form: InvitationForm, typed: SurveyAnswerForm.Typed = [:], errors: [FieldMessage] = [],
        status: HTTPStatus = .ok
    ) async throws -> Response {
        let data = DetailData(form: form, now: req.store.now, typed: typed, errors: errors)
        return try await PageRenderer.render(
            "portal-survey", title: "portalSurveys.surveyTitle", Self.detailModel(data, req.localizer), for: req,
            status: status)
    }

    @Sendable func detail(_ req: Request) async throws -> Response {
        try await render(req, form: try await Surveys(req.store).form(req.pageId()))
    }

    /// the customer's answers, once, while the invitation can be answered (channel online).
    @Sendable func answer(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let surveys = Surveys(req.store)
        let form = try await surveys.form(req.pageId())
        let id = form.invitation.id
        let reader = try FormReader(req)
        let read = SurveyAnswerForm.read({ reader.all($0) }, questions: form.questions)
        return try await FormCycle.run(
            req, page: "/portal/surveys/\(id)", labels: SurveyAnswerForm.labels(form.questions)
        ) {
            try read.problems.throwIfAny()
            _ = try await surveys.answer(
                id, ResponseInput(answers: read.answers, channel: .online), by: principal.actor)
            return req.redirect(to: PageLink.make("/portal/surveys", [("answered", "1")]))
        } again: { failure in
            try await render(
                req, form: try await surveys.form(id), typed: read.typed, errors: failure.messages,
                status: failure.status)
        }
    }
}
