import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension DeskPages {
    // MARK: The search box

    /// one box for whatever the desk has (a number or its tail, a serial, a phone, a name, fault words):
    /// the hits grouped by requests, customers and units, each read through the caller's scoped store and only
    /// where the caller may see that kind of record.
    @Sendable func search(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let store = req.store
        let q = try QueryReader(req: req).string("q", max: Limits.shortText) ?? ""
        var data = SearchData(q: q, requests: nil, customers: [], units: [])
        let terms = SearchTerms(q, thisYear: store.today.year)
        if !terms.isEmpty {
            let page = PageRequest(limit: Self.searchHits)
            if principal.may(.viewRequests) {
                var filter = RequestFilter()
                filter.search = terms
                data.requests = try await ServiceRequests(store).list(filter, page: page)
            }
            if principal.may(.viewCustomers) {
                data.customers = try await Records<CustomerRecord>(store).list(
                    page: page, filter: .customers(matching: terms)
                ).items
            }
            if principal.may(.viewInstalledBase) {
                data.units = try await Records<UnitRecord>(store).list(page: page, filter: .units(matching: terms))
                    .items
            }
        }
        let model = Self.searchModel(data, principal: principal, req.localizer, today: store.today)
        return try await PageRenderer.render("search", title: "search.title", model, for: req)
    }
}
