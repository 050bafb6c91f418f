import AftercareDomain
import AftercareStore
import Foundation

extension DeskPages {
    // MARK: Home: its model, from store views alone

    struct HomeModel: Encodable {
        struct Figure: Encodable {
            var label: String
            var value: String
        }

        /// An SLA target at risk now: the request, its customer, the target and the time left.
        struct AtRisk: Encodable {
            var requestId: Int
            var number: String
            var customerName: String
            var target: String
            var due: String
            var remaining: String
        }

        var sections: [RowList]
        var today: [Figure]
        var atRisk: [AtRisk]?
    }

    /// The figures of the day, for managers and administrators.
    struct HomeFigures {
        var registeredToday: Int
        var resolvedToday: Int
        /// Open requests now, per open status in the lifecycle's order.
        var openNow: [(status: RequestStatus, count: Int)]
    }

    /// What the home page shows, as read from the store for the caller: the lists their roles call for (nil when
    /// not read) and the figures of the day.
    struct HomeData {
        /// For those who register requests: requests just registered, and those the caller registered.
        var new: [ServiceRequestView]?
        var mine: [ServiceRequestView]?
        /// For those who triage: triaged requests waiting for an engineer, and urgent open ones.
        var unassigned: [ServiceRequestView]?
        var urgent: [ServiceRequestView]?
        /// The latest requests, when no other list was read and the caller may see requests.
        var recent: [ServiceRequestView]?
        /// For quality inspectors: requests whose fault was a quality defect.
        var qualityDefects: [ServiceRequestView]?
        /// For complaint handlers and account managers: key customers' open requests.
        var keyCustomers: [ServiceRequestView]?
        /// For managers and complaint handlers: SLA targets at risk now, the soonest due first.
        var atRisk: [QueueItem]?
        var figures: HomeFigures?
    }

    /// The home page for `principal` in the reader's language: the lists for their roles, each with a link to the
    /// whole list, and the figures of the day.
    static func homeModel(_ data: HomeData, principal: Principal, _ l: Localizer) -> HomeModel {
        var sections: [RowList] = []
        func section(_ id: String, _ title: String, _ rows: [ServiceRequestView]?, more: String) {
            guard let rows else { return }
            sections.append(RowList(id: id, title: l.t(title), rows: rows.map { RequestRowModel($0, l) }, more: more))
        }
        section("home-new", "home.new", data.new, more: "/requests?status=registered")
        let me = principal.username.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        section("home-mine", "home.mine", data.mine, more: "/requests?createdBy=\(me)")
        section("home-unassigned", "home.unassigned", data.unassigned, more: "/requests?status=triaged")
        section("home-urgent", "home.urgent", data.urgent, more: "/requests?priority=emergency,high")
        var today: [HomeModel.Figure] = []
        if let figures = data.figures {
            today.append(
                .init(label: l.t("home.registeredToday"), value: l.capped(figures.registeredToday, cap: 10_000)))
            today.append(.init(label: l.t("home.resolvedToday"), value: l.capped(figures.resolvedToday, cap: 10_000)))
            for (status, count) in figures.openNow {
                today.append(
                    .init(
                        label: l.t("home.openNow") + " · " + l.t("status.\(status.rawValue)"),
                        value: l.capped(count, cap: 10_000)))
            }
        }
        section("home-defects", "home.qualityDefects", data.qualityDefects, more: "/requests?faultCause=qualityDefect")
        section(
            "home-key", "home.keyCustomers", data.keyCustomers,
            more: "/requests?customerTier=key&status=registered,triaged,inService,waitingOnCustomer")
        section("home-recent", "home.recent", data.recent, more: "/requests")
        let atRisk = data.atRisk.map { items in
            items.map { item in
                HomeModel.AtRisk(
                    requestId: item.requestId, number: item.number, customerName: item.customerName,
                    target: l.t("slaTarget.\(item.target.rawValue)"), due: l.dateTime(item.dueAt),
                    remaining: l.duration(seconds: max(0, item.targetSeconds - item.elapsedSeconds)) + " ("
                        + l.t("basis.\(item.basis.rawValue)") + ")")
            }
        }
        return HomeModel(sections: sections, today: today, atRisk: atRisk)
    }
}
