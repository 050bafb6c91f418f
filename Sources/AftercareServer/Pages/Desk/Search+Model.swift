import AftercareDomain
import AftercareStore
import Foundation

extension DeskPages {
    // MARK: The search box's page: its model, from store views alone

    struct SearchModel: Encodable {
        struct CustomerHit: Encodable {
            var id: Int
            var name: String
            var kind: String
            var contact: String?
        }

        var q: String
        var searched: Bool
        var requests: [RowList]
        /// The request list filtered by the same text, for more than the first hits.
        var moreRequests: String?
        var customers: [CustomerHit]
        var units: [UnitRowModel]
        var nothing: Bool
    }

    /// What the search found, each group only for those who may see it (empty otherwise).
    struct SearchData {
        var q: String
        var requests: Page<ServiceRequestView>?
        var customers: [CustomerRecord.View]
        var units: [UnitRecord.View]
    }

    static let searchHits = 10

    /// the hits of the search box, grouped: requests, customers, units; the units' warranty as it stands
    /// `today`.
    static func searchModel(_ data: SearchData, principal: Principal, _ l: Localizer, today: CalendarDate)
        -> SearchModel
    {
        let requests = data.requests?.items ?? []
        let searched = !Optional(data.q).isBlank
        return SearchModel(
            q: data.q, searched: searched,
            requests: requests.isEmpty
                ? []
                : [
                    RowList(
                        id: "search-requests", tableId: "search-requests-table", title: l.t("search.requests"),
                        rows: requests.map { RequestRowModel($0, l) })
                ],
            moreRequests: data.requests?.nextCursor == nil ? nil : PageLink.make("/requests", [("q", data.q)]),
            customers: data.customers.map {
                .init(
                    id: $0.id, name: $0.name, kind: l.t("customerKind.\($0.kind.rawValue)"),
                    contact: $0.contacts.first.map(\.name))
            },
            units: data.units.map { UnitRowModel($0, today: today, l) },
            nothing: searched && requests.isEmpty && data.customers.isEmpty && data.units.isEmpty)
    }
}
