import AftercareDomain
import AftercareStore
import Foundation

extension DeskPages {
    // MARK: List: its model, from store views alone

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

    /// The request list's query as typed: the address asked for, each filter's text, and the filters that could
    /// not be read.
    struct ListForm {
        /// The address of the list as asked for, whose query the sort and next-page links keep.
        var url = "/requests"
        var q = ""
        var customer = ""
        var phone = ""
        var serial = ""
        var channel = ""
        var createdFrom = ""
        var createdBefore = ""
        var emergency = ""
        /// The names of the filters that could not be read; nil when the query was read.
        var invalid: [String]?
    }

    /// What the request list shows, as read from the store.
    struct ListData {
        /// The filter the rows were read with (the empty filter when the filters could not be read).
        var filter: RequestFilter
        var page: Page<ServiceRequestView>
        /// How many requests match, up to `countCap`.
        var count: Int
    }

    /// R-2: the request list for `principal` in the reader's language: one page of rows with links to re-sort and
    /// to the next page, the filter form as typed, and why the query could not be read.
    static func listModel(_ data: ListData, principal: Principal, _ l: Localizer, form: ListForm) -> ListModel {
        let filter = data.filter
        let result = data.page
        var error: String?
        if let invalid = form.invalid {
            error = invalid.sorted().map {
                "\(l.catalogue.has("field.\($0)") ? l.t("field.\($0)") : $0): \(l.t("problem.invalid_format"))"
            }.joined(separator: "; ")
            if error?.isEmpty ?? true { error = l.t("problem.invalid_format") }
        }
        var components = URLComponents(string: form.url) ?? URLComponents()
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
        let extra = [
            form.customer, form.phone, form.serial, form.channel, form.createdFrom, form.createdBefore, form.emergency,
        ]
        return ListModel(
            lists: [
                RowList(
                    id: "requests", tableId: "request-list", rows: result.items.map { RequestRowModel($0, l) },
                    sorts: sorts)
            ],
            count: l.capped(data.count, cap: Self.countCap), next: next,
            q: form.q, customer: form.customer, phone: form.phone, serial: form.serial,
            createdFrom: form.createdFrom, createdBefore: form.createdBefore, emergency: filter.emergency == true,
            moreOpen: extra.contains { !$0.isEmpty },
            channelOptions: SelectOption.of(
                AftercareDomain.Channel.self, prefix: "channel", selected: filter.channels.first, l),
            statusOptions: SelectOption.of(RequestStatus.self, prefix: "status", selected: filter.statuses.first, l),
            priorityOptions: SelectOption.of(Priority.self, prefix: "priority", selected: filter.priorities.first, l),
            typeOptions: SelectOption.of(RequestType.self, prefix: "type", selected: filter.types.first, l),
            error: error)
    }
}
