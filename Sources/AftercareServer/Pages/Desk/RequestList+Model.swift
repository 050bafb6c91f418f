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
        /// Issue 14: the saved views strip and the form that saves the list as it is filtered.
        var views: SavedViewsModel
    }

    /// The saved views above the list: each a link to its query, the one in use marked; the form to save the list
    /// as filtered, shown when it has a filter; a refused save with what was typed.
    struct SavedViewsModel: Encodable {
        struct Link: Encodable {
            var name: String
            var href: String
            var current: Bool
            /// Someone else's view shared with the unit: "shared by" its owner's display name.
            var owner: String?
            /// One's own view that the unit sees too.
            var shared: Bool
            /// Where one's own view is removed; nil for others' views.
            var archive: String?
            /// The remove button's name for screen readers, with the view's name.
            var removeLabel: String
        }

        var links: [Link]
        var hasLinks: Bool
        /// The list's filters as a saved view keeps them, for the save and remove forms.
        var query: String
        /// Whether the list has a filter worth saving.
        var canSave: Bool
        var name: String
        var shared: Bool
        var errors: [FieldMessage]
        /// A refused save opens the form.
        var open: Bool
    }

    /// The save form as typed, and why it was refused.
    struct SaveViewForm {
        var name = ""
        var shared = false
        var errors: [FieldMessage] = []
    }

    /// The list's address for a saved view's `query` (already reduced by `SavedViews.normalized`).
    static func requestsLink(_ query: String) -> String {
        query.isEmpty ? "/requests" : "/requests?\(query)"
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
        /// The save-this-view form as typed.
        var save = SaveViewForm()
    }

    /// What the request list shows, as read from the store.
    struct ListData {
        /// The filter the rows were read with (the empty filter when the filters could not be read).
        var filter: RequestFilter
        var page: Page<ServiceRequestView>
        /// How many requests match, up to `countCap`.
        var count: Int
        /// Issue 14: the reader's own views and those shared in their unit, own first.
        var views: [SavedView] = []
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
            error: error, views: savedViewsModel(data.views, principal: principal, l, form: form))
    }

    /// Issue 14: the saved views strip for `principal` on the list at `form.url`.
    static func savedViewsModel(
        _ views: [SavedView], principal: Principal, _ l: Localizer, form: ListForm
    ) -> SavedViewsModel {
        let query = SavedViews.normalized(form.url)
        // A filter that could not be read is not saved; a stale page cursor does not matter.
        let readable = Set(form.invalid ?? []).isDisjoint(with: SavedViews.parameters)
        let links = views.map { view in
            let own = view.ownerId == principal.userId
            return SavedViewsModel.Link(
                name: view.name, href: requestsLink(view.query), current: view.query == query,
                owner: own ? nil : l.t("savedViews.sharedBy").replacingOccurrences(of: "{name}", with: view.ownerName),
                shared: own && view.shared, archive: own ? "/requests/views/\(view.id)/archive" : nil,
                removeLabel: l.t("savedViews.removeLabel").replacingOccurrences(of: "{name}", with: view.name))
        }
        return SavedViewsModel(
            links: links, hasLinks: !links.isEmpty, query: query,
            canSave: (!query.isEmpty && readable) || !form.save.errors.isEmpty, name: form.save.name,
            shared: form.save.shared, errors: form.save.errors, open: !form.save.errors.isEmpty)
    }
}
