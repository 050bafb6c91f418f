import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// R-13.4 (issue 17): the staff's pages of satisfaction surveys: the questionnaires and their builder (four
/// languages, a plain form without script), activating and retiring them and sending a periodic round; the results of
/// a period (CSAT, NPS, by branch, by engineer as the survey side of the engineer scorecard, by product line, month and
/// channel, the latest comments); and the worklist of invitations to call, where the answers a customer gives by phone
/// or in a letter are typed in. The same use cases as `SurveysController`, through the caller's scoped store.
struct SurveyPages: Sendable {
    func register(_ root: any RoutesBuilder) {
        root.get("surveys", use: list).requires(.action(.viewSurveyResults))
        root.get("surveys", "new", use: newSurvey).requires(.action(.manageSurveys))
        root.post("surveys", use: create).requires(.action(.manageSurveys))
        root.get("surveys", "results", use: results).requires(.action(.viewSurveyResults))
        root.get("surveys", "invitations", use: invitations).requires(.action(.recordSurveyAnswers))
        root.get("surveys", "invitations", ":id", use: invitation).requires(.action(.recordSurveyAnswers))
        root.post("surveys", "invitations", ":id", "answers", use: recordAnswers)
            .requires(.action(.recordSurveyAnswers))
        root.post("surveys", "invitations", ":id", "cancel", use: cancelInvitation)
            .requires(.action(.recordSurveyAnswers))
        root.get("surveys", ":id", "edit", use: edit).requires(.action(.manageSurveys))
        root.post("surveys", ":id", use: update).requires(.action(.manageSurveys))
        root.post("surveys", ":id", "status", use: setStatus).requires(.action(.manageSurveys))
        root.post("surveys", ":id", "rounds", use: sendRound).requires(.action(.manageSurveys))
    }

    /// `surveys.field.…`, then `field.…`.
    static let labels = FieldLabels.area("surveys")

    // MARK: The questionnaires

    /// `/surveys`: every questionnaire, active ones first, with how many were asked and answered.
    @Sendable func list(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let surveys = try await Surveys(req.store).list()
        return try await PageRenderer.render(
            "surveys", title: "surveys.title",
            Self.listModel(ListData(surveys: surveys), principal: principal, req.localizer), for: req)
    }
}
