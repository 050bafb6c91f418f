import AftercareDomain
import AftercareStore
import Foundation

extension SLAPages {
    // MARK: Queue: its model, from the store's page alone

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
            /// Whether the time left or over counts working hours or all hours.
            var basis: String
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

    /// the at-risk or breached queue (`state`, optionally of one unit) in the reader's language, with the
    /// tabs of the other states and the link to the next page.
    static func queueModel(
        _ page: Page<QueueItem>, state: QueueState, orgUnitId: Int?, principal: Principal, _ l: Localizer
    ) -> QueueModel {
        let unit = orgUnitId.map(String.init)
        return QueueModel(
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
                    overdue: remaining > 0 ? nil : l.duration(seconds: -remaining),
                    basis: l.t("basis.\(item.basis.rawValue)"))
            },
            next: page.nextCursor.map {
                PageLink.make("/sla/queue", [("state", state.rawValue), ("orgUnitId", unit), ("cursor", $0)])
            })
    }
}
