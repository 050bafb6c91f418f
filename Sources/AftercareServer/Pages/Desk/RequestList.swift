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
        let model = Self.listModel(
            ListData(filter: filter, page: result, count: count), principal: try req.requirePrincipal(),
            req.localizer, form: Self.listForm(req, invalid: invalid))
        return try await PageRenderer.render(
            "requests", title: "requests.title", model, for: req, status: model.error == nil ? .ok : .badRequest)
    }

    /// A query parameter as typed, for the filter form.
    static func echo(_ req: Request, _ name: String) -> String {
        String(((try? req.query.get(String.self, at: name)) ?? "").prefix(100))
    }
}
