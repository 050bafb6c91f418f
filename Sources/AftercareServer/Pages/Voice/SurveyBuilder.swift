import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension SurveyPages {
    // MARK: The builder and the questionnaire's page

    func renderSurvey(_ req: Request, _ data: SurveyPageData, status: HTTPStatus = .ok) async throws -> Response {
        let principal = try req.requirePrincipal()
        return try await PageRenderer.render(
            "survey-builder", title: data.survey == nil ? "surveys.newTitle" : "surveys.surveyTitle",
            Self.surveyPageModel(data, principal: principal, req.localizer), for: req, status: status)
    }

    /// The page of a questionnaire as it now stands, with problems: the builder of a draft as stored.
    func renderCurrent(
        _ req: Request, _ survey: SurveyView, errors: [FieldMessage], builderErrors: [FieldMessage] = [],
        status: HTTPStatus
    ) async throws -> Response {
        try await renderSurvey(
            req,
            SurveyPageData(
                survey: survey, builder: survey.status == .draft ? Self.builderForm(survey) : nil,
                builderErrors: builderErrors, errors: errors),
            status: status)
    }

    /// `/surveys/new`: an empty builder.
    @Sendable func newSurvey(_ req: Request) async throws -> Response {
        try await renderSurvey(req, SurveyPageData(survey: nil, builder: Self.emptyBuilder()))
    }

    /// a new questionnaire, as a draft; the browser goes on to its page.
    @Sendable func create(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let reader = try FormReader(req)
        let form = Self.builderForm { reader.raw($0) }
        let checked = Self.check(form)
        return try await FormCycle.run(req, page: "/surveys/new", labels: Self.builderLabels) {
            try checked.problems.throwIfAny()
            let view: SurveyView
            do {
                view = try await Surveys(req.store).create(checked.input, by: principal.actor)
            } catch let error as ValidationError {
                throw Self.renumbered(error, rows: checked.rows)
            }
            return req.redirect(to: "/surveys/\(view.id)/edit")
        } again: { failure in
            try await renderSurvey(
                req, SurveyPageData(survey: nil, builder: form, builderErrors: failure.messages),
                status: failure.status)
        }
    }

    /// `/surveys/<id>/edit?sent=`: the questionnaire's page; after a round, how many were invited.
    @Sendable func edit(_ req: Request) async throws -> Response {
        let survey = try await Surveys(req.store).get(req.pageId())
        let sent = (try? req.query.get(Int.self, at: "sent")).flatMap { $0 >= 0 ? $0 : nil }
        return try await renderSurvey(
            req,
            SurveyPageData(
                survey: survey, builder: survey.status == .draft ? Self.builderForm(survey) : nil, sent: sent))
    }

    /// a draft rewritten whole. Someone else saved meanwhile, or the questionnaire is no longer a draft: the
    /// page as it now stands, with why.
    @Sendable func update(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let surveys = Surveys(req.store)
        let survey = try await surveys.get(req.pageId())
        let reader = try FormReader(req)
        let form = Self.builderForm { reader.raw($0) }
        let checked = Self.check(form)
        var v = AftercareDomain.Validator()
        let version = reader.int("version", into: &v)
        let page = "/surveys/\(survey.id)/edit"
        return try await FormCycle.run(req, page: page, labels: Self.builderLabels) {
            try v.finish()
            try checked.problems.throwIfAny()
            do {
                _ = try await surveys.update(survey.id, checked.input, expectedVersion: version, by: principal.actor)
            } catch let error as ValidationError {
                throw Self.renumbered(error, rows: checked.rows)
            }
            return req.redirect(to: page)
        } again: { failure in
            let current = try await surveys.get(survey.id)
            if failure.error is StaleVersion {
                return try await renderCurrent(
                    req, current, errors: [], builderErrors: failure.messages, status: failure.status)
            }
            if current.status != .draft {
                return try await renderCurrent(req, current, errors: failure.messages, status: failure.status)
            }
            return try await renderSurvey(
                req, SurveyPageData(survey: current, builder: form, builderErrors: failure.messages),
                status: failure.status)
        }
    }

    /// a draft activated (an active per-job questionnaire is retired by the store: one is active at a time),
    /// an active one retired.
    @Sendable func setStatus(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let surveys = Surveys(req.store)
        let survey = try await surveys.get(req.pageId())
        let reader = try FormReader(req)
        var v = AftercareDomain.Validator()
        if reader.string("status") == nil { v.add("status", .required) }
        let status = reader.value("status", SurveyStatus.self, into: &v)
        let page = "/surveys/\(survey.id)/edit"
        return try await FormCycle.run(req, page: page, labels: Self.labels) {
            try v.finish()
            guard let status else { throw v.error }
            _ = try await surveys.setStatus(survey.id, to: status, by: principal.actor)
            return req.redirect(to: page)
        } again: { failure in
            try await renderCurrent(
                req, try await surveys.get(survey.id), errors: failure.messages, status: failure.status)
        }
    }

    /// a periodic round: a random sample of customers (of a tier, when chosen) invited to an active periodic
    /// questionnaire; the page then says how many were invited.
    @Sendable func sendRound(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let surveys = Surveys(req.store)
        let survey = try await surveys.get(req.pageId())
        let reader = try FormReader(req)
        var v = AftercareDomain.Validator()
        let typed = RoundForm(
            name: reader.string("name") ?? "", tier: reader.string("tier") ?? "",
            sampleSize: reader.string("sampleSize") ?? "")
        let tier = reader.value("tier", CustomerTier.self, into: &v)
        if reader.string("sampleSize") == nil { v.add("sampleSize", .required) }
        let sampleSize = reader.int("sampleSize", into: &v)
        let page = "/surveys/\(survey.id)/edit"
        return try await FormCycle.run(req, page: page, labels: Self.labels) {
            try v.finish()
            let invited = try await surveys.sendRound(
                survey.id, RoundInput(name: typed.name, tier: tier, sampleSize: sampleSize ?? 0), by: principal.actor)
            return req.redirect(to: PageLink.make(page, [("sent", String(invited))]))
        } again: { failure in
            let current = try await surveys.get(survey.id)
            return try await renderSurvey(
                req,
                SurveyPageData(
                    survey: current, builder: current.status == .draft ? Self.builderForm(current) : nil,
                    round: typed, roundErrors: failure.messages),
                status: failure.status)
        }
    }
}
