import AftercareDomain
import AftercareStore
import Foundation

extension ReturnPages {
    // MARK: Models, from store views alone

    struct Fact: Encodable {
        var label: String
        var value: String
        var link: String?
    }

    // MARK: The board

    struct BoardModel: Encodable {
        struct Row: Encodable {
            var id: Int
            var number: String
            var customer: String
            var units: String
            var status: String
            var statusCode: String
            var request: String
            var requestId: Int
            var depot: String
            var clock: String
            var overdue: Bool
            var opened: String
        }

        struct Chip: Encodable {
            var label: String
            var count: String
            var link: String
            var selected: Bool
        }

        var rows: [Row]
        var chips: [Chip]
        var canOpen: Bool
        var rules: RulesForm?
        var errors: [FieldMessage]
    }

    struct RulesForm: Encodable {
        var depotOptions: [SelectOption]
        var limit: String
        var basisOptions: [SelectOption]
        var months: String
    }

    struct BoardData {
        var board: ReturnBoard
        var statuses: [ReturnStatus]
        var rules: ReturnRules
        var units: [OrgUnitRecord.View]
        var canOpen: Bool
        var canSetRules: Bool
        var now: Date
        var errors: [FieldMessage] = []
        var typed: [String: String] = [:]
    }

    /// The clock of a case on the board, in words: its due time, overdue, met, or not started.
    static func clock(_ item: ReturnBoardItem, now: Date, _ l: Localizer) -> (text: String, overdue: Bool) {
        guard let due = item.dueAt else {
            // No depot target applies to the request: the times the case itself keeps.
            let c = item.returnCase
            if let back = c.shippedBackAt { return (l.t("returns.shippedBackAt") + " " + l.dateTime(back), false) }
            if let received = c.receivedAt { return (l.t("returns.receivedAt") + " " + l.dateTime(received), false) }
            return (l.t("returns.clockNotStarted"), false)
        }
        if let done = item.completedAt {
            return (l.t(done <= due ? "returns.clockMet" : "returns.clockLate") + " " + l.dateTime(done), false)
        }
        if due < now { return (l.t("returns.clockOverdue") + " " + l.dateTime(due), true) }
        return (l.t("returns.clockDue") + " " + l.dateTime(due), false)
    }

    static func boardModel(_ data: BoardData, _ l: Localizer) -> BoardModel {
        let open = ReturnStatus.allCases.filter(\.isOpen)
        var chips = [
            BoardModel.Chip(
                label: l.t("returns.allOpen"),
                count: l.number(open.reduce(0) { $0 + (data.board.counts[$1.rawValue] ?? 0) }),
                link: "/returns", selected: data.statuses.isEmpty)
        ]
        chips += open.map { status in
            BoardModel.Chip(
                label: l.t("returnStatus.\(status.rawValue)"), count: l.number(data.board.counts[status.rawValue] ?? 0),
                link: PageLink.make("/returns", [("status", status.rawValue)]), selected: data.statuses == [status])
        }
        let rules = data.rules
        return BoardModel(
            rows: data.board.items.map { item in
                let c = item.returnCase
                let clock = clock(item, now: data.now, l)
                return BoardModel.Row(
                    id: c.id, number: c.number, customer: c.customerName, units: c.unitsLine,
                    status: l.t("returnStatus.\(c.status.rawValue)"), statusCode: c.status.rawValue,
                    request: c.requestNumber, requestId: c.requestId, depot: c.depotUnitName, clock: clock.text,
                    overdue: clock.overdue, opened: l.dateTime(c.createdAt))
            }, chips: chips, canOpen: data.canOpen,
            rules: data.canSetRules
                ? RulesForm(
                    depotOptions: [
                        SelectOption(value: "", label: l.t("returns.depotOwnUnit"), selected: rules.depotUnitId == nil)
                    ]
                        + data.units.map {
                            SelectOption(
                                value: "\($0.id)", label: $0.name,
                                selected: (data.typed["depotUnitId"].flatMap(Int.init) ?? rules.depotUnitId) == $0.id)
                        },
                    limit: data.typed["approvalLimit"]
                        ?? Money(minor: rules.approvalLimitMinor, currency: rules.currency).decimalText,
                    basisOptions: SelectOption.of(
                        ExchangeWarranty.Basis.self, prefix: "exchangeBasis",
                        selected: data.typed["exchangeBasis"].flatMap(ExchangeWarranty.Basis.init(rawValue:))
                            ?? rules.exchangeWarranty.basis, l),
                    months: data.typed["exchangeMonths"] ?? "\(rules.exchangeWarranty.months)") : nil,
            errors: data.errors)
    }

    // MARK: Opening a case

    struct NewModel: Encodable {
        struct UnitChoice: Encodable {
            var id: Int
            var label: String
            var checked: Bool
        }

        var requestId: Int
        var request: String
        var customer: String
        var units: [UnitChoice]
        var reason: String
        var wishOptions: [SelectOption]
        var shippingOptions: [SelectOption]
        var shipFrom: String
        var carrier: String
        var trackingNumber: String
        var contactName: String
        var contactPhone: String
        var errors: [FieldMessage]
    }

    static func newModel(
        _ request: ServiceRequestView, typed: [String: String], ticked: Set<Int>?, errors: [FieldMessage],
        _ l: Localizer
    ) -> NewModel {
        NewModel(
            requestId: request.id, request: request.number, customer: request.customerName,
            units: request.units.map {
                NewModel.UnitChoice(
                    id: $0.unitId, label: "\($0.modelCode) \($0.serialNumber)",
                    checked: ticked?.contains($0.unitId) ?? true)
            }, reason: typed["reason"] ?? request.faultDescription,
            wishOptions: SelectOption.of(
                ReturnWish.self, prefix: "returnWish",
                selected: typed["wish"].flatMap(ReturnWish.init(rawValue:)) ?? .repair, l),
            shippingOptions: SelectOption.of(
                ReturnShipping.self, prefix: "returnShipping",
                selected: typed["shipping"].flatMap(ReturnShipping.init(rawValue:)) ?? .customerSends, l),
            shipFrom: typed["shipFrom"] ?? "", carrier: typed["carrier"] ?? "",
            trackingNumber: typed["trackingNumber"] ?? "",
            contactName: typed["contactName"] ?? request.contactName ?? "",
            contactPhone: typed["contactPhone"] ?? request.contactPhone ?? "", errors: errors)
    }
}
