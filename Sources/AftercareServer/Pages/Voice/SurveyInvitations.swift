import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension SurveyPages {
    // MARK: The invitations to call

    /// `/surveys/invitations?status=&cursor=`: the invitations the caller's scope sees, of one status (pending by
    /// default: whom to call), newest first.
    @Sendable func invitations(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let q = QueryReader(req: req)
        let status = try q.value("status", InvitationStatus.self) ?? .pending
        let page = try await Surveys(req.store).invitations(
            status: status, surveyId: nil, customerId: nil, page: try q.page(defaultLimit: 50))
        let data = WorklistData(
            page: page, status: status, canViewRequests: principal.may(.viewRequests),
            canViewCustomers: principal.may(.viewCustomers), now: req.store.now)
        return try await PageRenderer.render(
            "survey-invitations", title: "surveys.invitationsTitle", Self.worklistModel(data, req.localizer),
            for: req)
    }

    // MARK: One invitation: its link, typing its answers, cancelling it

    func renderInvitation(
        _ req: Request, form: InvitationForm, typed: SurveyAnswerForm.Typed = [:], channel: SurveyChannel = .phone,
        errors: [FieldMessage] = [], status: HTTPStatus = .ok
    ) async throws -> Response {
        let principal = try req.requirePrincipal()
        let now = req.store.now
        let data = InvitationData(
            form: form,
            link: form.invitation.open(at: now) ? PublicLink.survey(req, invitationId: form.invitation.id) : nil,
            now: now, canViewRequests: principal.may(.viewRequests), canViewCustomers: principal.may(.viewCustomers),
            typed: typed, channel: channel, errors: errors)
        return try await PageRenderer.render(
            "survey-invitation", title: "surveys.invitationTitle", Self.invitationModel(data, req.localizer), for: req,
            status: status)
    }

    /// `/surveys/invitations/<id>`: another unit's invitation is not found.
    @Sendable func invitation(_ req: Request) async throws -> Response {
        try await renderInvitation(req, form: try await Surveys(req.store).form(req.pageId()))
    }

    /// the answers a customer gave by phone or in a letter, typed by staff; once, while the invitation can be
    /// answered. Another unit's invitation is not found, before the form is read.
    @Sendable func recordAnswers(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let surveys = Surveys(req.store)
        let form = try await surveys.form(req.pageId())
        let id = form.invitation.id
        let reader = try FormReader(req)
        let read = SurveyAnswerForm.read({ reader.all($0) }, questions: form.questions)
        var v = AftercareDomain.Validator()
        if reader.string("channel") == nil { v.add("channel", .required) }
        let channel = reader.value("channel", SurveyChannel.self, into: &v)
        if let channel, !Self.staffChannels.contains(channel) {
            v.add("channel", .invalidValue(allowed: Self.staffChannels.map(\.rawValue)))
        }
        var problems = v.error
        for (field, problem) in read.problems.fields where problems.fields[field] == nil {
            problems.fields[field] = problem
        }
        let page = "/surveys/invitations/\(id)"
        return try await FormCycle.run(req, page: page, labels: SurveyAnswerForm.labels(form.questions)) {
            try problems.throwIfAny()
            guard let channel else { throw ValidationError(["channel": .required]) }
            _ = try await surveys.answer(
                id, ResponseInput(answers: read.answers, channel: channel), by: principal.actor)
            return req.redirect(to: page)
        } again: { failure in
            try await renderInvitation(
                req, form: try await surveys.form(id), typed: read.typed,
                channel: channel.flatMap { Self.staffChannels.contains($0) ? $0 : nil } ?? .phone,
                errors: failure.messages, status: failure.status)
        }
    }

    /// a pending invitation cancelled (the customer asked not to be surveyed, a wrong number).
    @Sendable func cancelInvitation(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let surveys = Surveys(req.store)
        let id = try await surveys.form(req.pageId()).invitation.id
        let page = "/surveys/invitations/\(id)"
        return try await FormCycle.run(req, page: page, labels: Self.labels) {
            _ = try await surveys.cancel(id, by: principal.actor)
            return req.redirect(to: page)
        } again: { failure in
            try await renderInvitation(
                req, form: try await surveys.form(id), errors: failure.messages, status: failure.status)
        }
    }
}
