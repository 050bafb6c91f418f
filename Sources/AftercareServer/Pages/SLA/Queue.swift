import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension SLAPages {
    // MARK: Queue

    struct QueueModel: Encodable {
        struct Row: Encodable {
            var requestId: Int
            var number: String
            var customerName: String
            var priority: String
            var priorityCode: String
            var status: String
            var target: String
            var state: String
            var due: String
            var remaining: String?
            var overdue: String?
        }

        struct Tab: Encodable {
            var label: String
            var link: String
            var selected: Bool
        }

        var state: String
        var tabs: [Tab]
        var rows: [Row]
        var next: String?
    }

    @Sendable func queue(_ req: Request) async throws -> Response {
        let l = req.localizer
        let q = QueryReader(req: req)
        let state = try q.value("state", QueueState.self) ?? .breached
        let orgUnitId = try q.int("orgUnitId")
        let page = try await SLAReports(req.store).queue(
            state, orgUnitId: orgUnitId, page: try q.page(defaultLimit: Self.rowsPerPage))
        let unit = orgUnitId.map(String.init)
        let model = QueueModel(
            state: state.rawValue,
            tabs: QueueState.allCases.map {
                .init(
                    label: l.t("queueState.\($0.rawValue)"),
                    link: PageLink.make("/sla/queue", [("state", $0.rawValue), ("orgUnitId", unit)]),
                    selected: $0 == state)
            },
            rows: page.items.map { item in
                let remaining = item.targetSeconds - item.elapsedSeconds
                return .init(
                    requestId: item.requestId, number: item.number, customerName: item.customerName,
                    priority: l.t("priority.\(item.priority.rawValue)"), priorityCode: item.priority.rawValue,
                    status: l.t("status.\(item.status.rawValue)"), target: l.t("slaTarget.\(item.target.rawValue)"),
                    state: l.t("clockState.\(item.state.rawValue)"), due: l.dateTime(item.dueAt),
                    remaining: remaining > 0 ? l.duration(seconds: remaining) : nil,
                    overdue: remaining > 0 ? nil : l.duration(seconds: -remaining))
            },
            next: page.nextCursor.map {
                PageLink.make("/sla/queue", [("state", state.rawValue), ("orgUnitId", unit), ("cursor", $0)])
            })
        return try await PageRenderer.render("sla-queue", title: "sla.queueTitle", model, for: req)
    }
}
