import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// questionnaires, invitations, answers and results; the invitation's signed link answers without an account
/// (open, rate-limited per address, and telling nothing about an invitation that cannot be answered).
struct SurveysController: Sendable {
    func register(_ api: any RoutesBuilder) {
        let surveys = api.grouped("surveys")
        surveys.get(use: list).requires(.action(.viewSurveyResults))
        surveys.post(use: create).requires(.action(.manageSurveys))
        surveys.get(":id", use: get).requires(.action(.viewSurveyResults))
        surveys.put(":id", use: update).requires(.action(.manageSurveys))
        surveys.post(":id", "status", use: setStatus).requires(.action(.manageSurveys))
        surveys.post(":id", "rounds", use: sendRound).requires(.action(.manageSurveys))
        let invitations = api.grouped("survey-invitations")
        invitations.get(use: invitationList).requires(.action(.recordSurveyAnswers))
        invitations.get(":id", use: invitation).requires(.action(.recordSurveyAnswers))
        invitations.get(":id", "link", use: link).requires(.action(.recordSurveyAnswers))
        invitations.post(":id", "answers", use: answer).requires(.action(.recordSurveyAnswers))
        invitations.post(":id", "cancel", use: cancel).requires(.action(.recordSurveyAnswers))
        api.get("reports", "surveys", use: results).requires(.action(.viewSurveyResults))
        api.get("public", "surveys", ":token", use: publicForm).requires(.open)
        api.post("public", "surveys", ":token", use: publicAnswer).requires(.open)
    }

    static func id(_ req: Request) throws -> Int { try RecordController<FeeScheduleRecord>.id(req) }

    @Sendable func list(_ req: Request) async throws -> [SurveyView] {
        try await Surveys(req.store).list()
    }

    /// `POST /surveys {title: {lang: text}, purpose, questions}`: a draft.
    @Sendable func create(_ req: Request) async throws -> Response {
        let input = try JSONBody.create(SurveyInput.self, req)
        let view = try await Surveys(req.store).create(input, by: req.actor)
        let response = try await view.encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/surveys/\(view.id)")
        return response
    }

    @Sendable func get(_ req: Request) async throws -> SurveyView {
        try await Surveys(req.store).get(Self.id(req))
    }

    struct UpdateInput: Codable {
        var title: LocalizedText
        var purpose: SurveyPurpose
        var questions: [Question]
        var expectedVersion: Int?
    }

    /// `PUT /surveys/{id}`: rewrites a draft.
    @Sendable func update(_ req: Request) async throws -> SurveyView {
        _ = try await Surveys(req.store).get(Self.id(req))
        let input = try JSONBody.create(UpdateInput.self, req)
        return try await Surveys(req.store).update(
            Self.id(req), SurveyInput(title: input.title, purpose: input.purpose, questions: input.questions),
            expectedVersion: input.expectedVersion, by: req.actor)
    }

    struct StatusInput: Codable {
        var status: SurveyStatus
    }

    @Sendable func setStatus(_ req: Request) async throws -> SurveyView {
        _ = try await Surveys(req.store).get(Self.id(req))
        let input = try JSONBody.create(StatusInput.self, req)
        return try await Surveys(req.store).setStatus(Self.id(req), to: input.status, by: req.actor)
    }

    struct RoundResult: Content {
        var invited: Int
    }

    /// `POST /surveys/{id}/rounds {name, tier, orgUnitId, sampleSize}`.
    @Sendable func sendRound(_ req: Request) async throws -> RoundResult {
        _ = try await Surveys(req.store).get(Self.id(req))
        let input = try JSONBody.create(RoundInput.self, req)
        return RoundResult(invited: try await Surveys(req.store).sendRound(Self.id(req), input, by: req.actor))
    }

    /// `GET /survey-invitations?status=&surveyId=&customerId=`, newest first.
    @Sendable func invitationList(_ req: Request) async throws -> Page<InvitationView> {
        let q = QueryReader(req: req)
        return try await Surveys(req.store).invitations(
            status: try q.value("status", InvitationStatus.self), surveyId: try q.int("surveyId"),
            customerId: try q.int("customerId"), page: q.page())
    }

    @Sendable func invitation(_ req: Request) async throws -> InvitationForm {
        try await Surveys(req.store).form(Self.id(req))
    }

    struct LinkView: Content {
        var url: String
        var expiresAt: Date
    }

    /// The address to send the customer (by text message or e-mail) to answer without an account.
    @Sendable func link(_ req: Request) async throws -> LinkView {
        let form = try await Surveys(req.store).form(Self.id(req))
        return LinkView(
            url: PublicLink.survey(req, invitationId: form.invitation.id), expiresAt: form.invitation.expiresAt)
    }

    struct StaffAnswerInput: Codable {
        var answers: [String: Answer]
        var channel: SurveyChannel
    }

    /// `POST /survey-invitations/{id}/answers {answers, channel: phone|letter}`: typed by staff.
    @Sendable func answer(_ req: Request) async throws -> InvitationView {
        _ = try await Surveys(req.store).form(Self.id(req))
        let input = try JSONBody.create(StaffAnswerInput.self, req)
        if input.channel == .online {
            throw ValidationError(["channel": .invalidValue(allowed: ["phone", "letter"])])
        }
        return try await Surveys(req.store).answer(
            Self.id(req), ResponseInput(answers: input.answers, channel: input.channel), by: req.actor)
    }

    @Sendable func cancel(_ req: Request) async throws -> InvitationView {
        _ = try await Surveys(req.store).form(Self.id(req))
        return try await Surveys(req.store).cancel(Self.id(req), by: req.actor)
    }

    /// `GET /reports/surveys?from=&to=&surveyId=&orgUnitId=`: by default the last twelve months.
    @Sendable func results(_ req: Request) async throws -> SurveyResults {
        let q = QueryReader(req: req)
        let to = try q.date("to") ?? req.store.today
        let from = try q.date("from") ?? to.adding(months: -12).adding(days: 1)
        return try await Surveys(req.store).results(
            from: from, to: to, surveyId: try q.int("surveyId"), orgUnitId: try q.int("orgUnitId"))
    }

    /// What the link shows: the questionnaire, nothing of the customer or the job.
    struct PublicSurvey: Content {
        var title: LocalizedText
        var questions: [Question]
        var expiresAt: Date
    }

    /// The invitation a link names, when it can still be answered; anything else (forged, unknown, answered,
    /// cancelled, expired) is the same 404.
    static func openInvitation(_ req: Request) async throws -> InvitationForm {
        let refused = APIError(
            status: .notFound, code: "not_found", message: "this survey link is unknown, used or expired")
        guard let token = req.parameters.get("token"), let id = PublicLink.surveyInvitation(req, token: token),
            let form = try? await Surveys(req.store.seen(within: .everything)).form(id),
            form.invitation.open(at: req.store.now)
        else { throw refused }
        return form
    }

    @Sendable func publicForm(_ req: Request) async throws -> PublicSurvey {
        let form = try await Self.openInvitation(req)
        return PublicSurvey(
            title: form.invitation.surveyTitle, questions: form.questions, expiresAt: form.invitation.expiresAt)
    }

    struct PublicAnswerInput: Codable {
        var answers: [String: Answer]
    }

    struct Thanks: Content {
        var answered: Bool
    }

    /// `POST /public/surveys/{token} {answers}`: once, rate-limited per address.
    @Sendable func publicAnswer(_ req: Request) async throws -> Response {
        let input = try JSONBody.create(PublicAnswerInput.self, req)
        try await PublicForms.admit(address: req.clientAddress, at: req.store.now, in: req.store)
        let form = try await Self.openInvitation(req)
        do {
            _ = try await Surveys(req.store.seen(within: .everything)).answer(
                form.invitation.id, ResponseInput(answers: input.answers, channel: .online),
                by: Actor(name: ComplaintsController.publicActor))
        } catch is InvitationClosed {
            throw APIError(
                status: .notFound, code: "not_found", message: "this survey link is unknown, used or expired")
        }
        return try await Thanks(answered: true).encodeResponse(status: .created, for: req)
    }
}

extension SurveyView: Content {}
extension InvitationView: Content {}
extension InvitationForm: Content {}
extension SurveyResults: Content {}
