import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension DeskPages {
    // MARK: List

    struct ListModel: Encodable {
        var lists: [RowList]
        var count: String
        var next: String?
        var q: String
        /// The other filters of the API, echoed back into the form.
        var customer: String
        var phone: String
        var serial: String
        var createdFrom: String
        var createdBefore: String
        var emergency: Bool
        /// Whether any of the extra filters is in use, so their section starts open.
        var moreOpen: Bool
        var channelOptions: [SelectOption]
        var statusOptions: [SelectOption]
        var priorityOptions: [SelectOption]
        var typeOptions: [SelectOption]
        var error: String?
    }

    @Sendable func list(_ req: Request) async throws -> Response {
        let l = req.localizer
        var filter = RequestFilter()
        var page = PageRequest(limit: Self.rowsPerPage)
        var error: String?
        do {
            filter = try QueryReader(req: req).requestFilter()
            // 25 rows a screen, as service desks show them; `limit` asks for more (up to 200).
            page = try QueryReader(req: req).page(defaultLimit: Self.rowsPerPage)
        } catch let problem as APIError {
            error = problem.fields.keys.sorted().map {
                "\(l.catalogue.has("field.\($0)") ? l.t("field.\($0)") : $0): \(l.t("problem.invalid_format"))"
            }.joined(separator: "; ")
            if error?.isEmpty ?? true { error = l.t("problem.invalid_format") }
        }
        let result = try await ServiceRequests(req.store).list(filter, page: page)
        let count = try await ServiceRequests(req.store).count(filter, cap: Self.countCap)
        var components = URLComponents(string: req.url.string) ?? URLComponents()
        var items = (components.queryItems ?? []).filter { $0.name != "cursor" }
        func link(_ changes: [String: String?]) -> String {
            var query = items.filter { changes[$0.name] == nil }
            for (name, value) in changes.sorted(by: { $0.key < $1.key }) {
                if let value { query.append(URLQueryItem(name: name, value: value)) }
            }
            components.queryItems = query.isEmpty ? nil : query
            components.path = "/requests"
            return components.string ?? "/requests"
        }
        let next = result.nextCursor.map { link(["cursor": $0]) }
        items = items.filter { $0.name != "sort" }
        let sorts = RowList.Sorts(
            number: link(["sort": filter.sort == .newest ? RequestSort.oldest.rawValue : RequestSort.newest.rawValue]),
            status: link(["sort": RequestSort.status.rawValue]),
            updated: link(["sort": RequestSort.recentlyUpdated.rawValue]))
        let model = ListModel(
            lists: [
                RowList(
                    id: "requests", tableId: "request-list", rows: result.items.map { RequestRowModel($0, l) },
                    sorts: sorts)
            ],
            count: l.capped(count, cap: Self.countCap), next: next,
            q: Self.echo(req, "q"), customer: Self.echo(req, "customer"), phone: Self.echo(req, "phone"),
            serial: Self.echo(req, "serial"), createdFrom: Self.echo(req, "createdFrom"),
            createdBefore: Self.echo(req, "createdBefore"), emergency: filter.emergency == true,
            moreOpen: ["customer", "phone", "serial", "channel", "createdFrom", "createdBefore", "emergency"].contains {
                !Self.echo(req, $0).isEmpty
            },
            channelOptions: SelectOption.of(
                AftercareDomain.Channel.self, prefix: "channel", selected: filter.channels.first, l),
            statusOptions: SelectOption.of(RequestStatus.self, prefix: "status", selected: filter.statuses.first, l),
            priorityOptions: SelectOption.of(Priority.self, prefix: "priority", selected: filter.priorities.first, l),
            typeOptions: SelectOption.of(RequestType.self, prefix: "type", selected: filter.types.first, l),
            error: error)
        return try await PageRenderer.render(
            "requests", title: "requests.title", model, for: req, status: error == nil ? .ok : .badRequest)
    }

    /// A query parameter as typed, for the filter form.
    static func echo(_ req: Request, _ name: String) -> String {
        String(((try? req.query.get(String.self, at: name)) ?? "").prefix(100))
    }
}
