import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension DeskPages {
    // MARK: List

    /// The request list's query as typed, and the names of the filters that could not be read.
    static func listForm(_ req: Request, invalid: [String]?) -> ListForm {
        ListForm(
            url: req.url.string, q: echo(req, "q"), customer: echo(req, "customer"), phone: echo(req, "phone"),
            serial: echo(req, "serial"), channel: echo(req, "channel"), createdFrom: echo(req, "createdFrom"),
            createdBefore: echo(req, "createdBefore"), emergency: echo(req, "emergency"), invalid: invalid)
    }

    @Sendable func list(_ req: Request) async throws -> Response {
        try await listPage(req, save: SaveViewForm())
    }

    /// The request list at the address of `req`, with the saved views strip and its save form as typed; `status`
    /// for a refused save.
    func listPage(_ req: Request, save: SaveViewForm, status: HTTPStatus? = nil) async throws -> Response {
        let principal = try req.requirePrincipal()
        var filter = RequestFilter()
        var page = PageRequest(limit: Self.rowsPerPage)
        var invalid: [String]?
        do {
            filter = try QueryReader(req: req).requestFilter()
            // 25 rows a screen, as service desks show them; `limit` asks for more (up to 200).
            page = try QueryReader(req: req).page(defaultLimit: Self.rowsPerPage)
        } catch let problem as APIError {
            invalid = Array(problem.fields.keys)
        }
        let result = try await ServiceRequests(req.store).list(filter, page: page)
        let count = try await ServiceRequests(req.store).count(filter, cap: Self.countCap)
        let views = try await SavedViews(req.store).list(for: principal.userId, orgUnitId: principal.orgUnitId)
        var form = Self.listForm(req, invalid: invalid)
        form.save = save
        let model = Self.listModel(
            ListData(filter: filter, page: result, count: count, views: views), principal: principal,
            req.localizer, form: form)
        return try await PageRenderer.render(
            "requests", title: "requests.title", model, for: req,
            status: status ?? (model.error == nil ? .ok : .badRequest))
    }

    // MARK: Saved views (issue 14)

    static let savedViewLabels = FieldLabels.area("savedViews")

    /// Saves the list as filtered (the form's `query`, reduced to the list's filters) under a name, personal or
    /// shared with the unit, and opens it. A refused name is shown on the same list.
    @Sendable func saveView(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = try FormReader(req)
        let query = SavedViews.normalized(form.raw("query"))
        let name = form.raw("name")
        let shared = form.string("shared") != nil
        // Built here from the known filters alone, percent-encoded: always a local address.
        let page = Self.requestsLink(query)
        return try await FormCycle.run(req, page: page, labels: Self.savedViewLabels) {
            let view = try await SavedViews(req.store).create(
                name: name, query: query, shared: shared, by: principal.userId)
            return req.redirect(to: Self.requestsLink(view.query))
        } again: { failure in
            // The list is shown for the query that was being saved, not for the form's address.
            req.url = URI(string: page)
            return try await listPage(
                req, save: SaveViewForm(name: String(name.prefix(100)), shared: shared, errors: failure.messages),
                status: failure.status)
        }
    }

    /// Removes one's own saved view (archived, not deleted) and goes back to the list as it was filtered;
    /// another person's view answers 404.
    @Sendable func archiveView(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        let form = try FormReader(req)
        let page = Self.requestsLink(SavedViews.normalized(form.raw("query")))
        return try await FormCycle.run(req, page: page, labels: Self.savedViewLabels) {
            _ = try await SavedViews(req.store).archive(id, by: principal.userId)
            return req.redirect(to: page)
        } again: { failure in
            req.url = URI(string: page)
            return try await listPage(req, save: SaveViewForm(errors: failure.messages), status: failure.status)
        }
    }

    /// A query parameter as typed, for the filter form.
    static func echo(_ req: Request, _ name: String) -> String {
        String(((try? req.query.get(String.self, at: name)) ?? "").prefix(100))
    }
}
