import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension DeskPages {
    // MARK: Home

    struct HomeModel: Encodable {
        struct Figure: Encodable {
            var label: String
            var value: String
        }

        var sections: [RowList]
        var today: [Figure]
    }

    @Sendable func home(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        if principal.roles.contains(.customer) { return req.redirect(to: "/portal") }
        let l = req.localizer
        let requests = ServiceRequests(req.store)
        var sections: [RowList] = []
        func section(_ id: String, _ title: String, _ filter: RequestFilter, more: String) async throws {
            let page = try await requests.list(filter, page: PageRequest(limit: 10))
            sections.append(
                RowList(id: id, title: l.t(title), rows: page.items.map { RequestRowModel($0, l) }, more: more))
        }
        if principal.may(.registerRequests) {
            var new = RequestFilter()
            new.statuses = [.registered]
            try await section("home-new", "home.new", new, more: "/requests?status=registered")
            var mine = RequestFilter()
            mine.createdBy = principal.username
            let me = principal.username.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            try await section("home-mine", "home.mine", mine, more: "/requests?createdBy=\(me)")
        }
        if principal.may(.triageRequests) {
            var unassigned = RequestFilter()
            unassigned.statuses = [.triaged]
            try await section("home-unassigned", "home.unassigned", unassigned, more: "/requests?status=triaged")
            var urgent = RequestFilter()
            urgent.statuses = RequestStatus.allCases.filter(\.isOpen)
            urgent.priorities = [.emergency, .high]
            try await section("home-urgent", "home.urgent", urgent, more: "/requests?priority=emergency,high")
        }
        var today: [HomeModel.Figure] = []
        if principal.roles.contains(.serviceManager) || principal.roles.contains(.administrator) {
            let start = Calendar.startOfDay(req.store.now, in: req.store.timeZone)
            var registered = RequestFilter()
            registered.createdFrom = start
            today.append(
                .init(
                    label: l.t("home.registeredToday"),
                    value: l.capped(try await requests.count(registered, cap: 10_000), cap: 10_000)))
            let resolved = try await requests.eventCount(["resolve", "resolveRemotely"], since: start, cap: 10_000)
            today.append(.init(label: l.t("home.resolvedToday"), value: l.capped(resolved, cap: 10_000)))
            for status in RequestStatus.allCases where status.isOpen {
                var open = RequestFilter()
                open.statuses = [status]
                today.append(
                    .init(
                        label: l.t("home.openNow") + " · " + l.t("status.\(status.rawValue)"),
                        value: l.capped(try await requests.count(open, cap: 10_000), cap: 10_000)))
            }
        }
        if sections.isEmpty && principal.may(.viewRequests) {
            try await section("home-recent", "home.recent", RequestFilter(), more: "/requests")
        }
        return try await PageRenderer.render(
            "home", title: "home.title", HomeModel(sections: sections, today: today), for: req)
    }
}
