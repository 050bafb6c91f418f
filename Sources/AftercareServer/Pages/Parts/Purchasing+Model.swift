import AftercareDomain
import AftercareStore
import Foundation

extension PartsPages {
    // MARK: Purchasing: its models, from store views alone

    struct PurchasingModel: Encodable {
        struct Suggestion: Encodable {
            var key: String
            var partId: Int
            var partNumber: String
            var partName: String
            var warehouseCode: String
            var available: String
            var onOrder: String
            var openDemand: String
            var position: String
            var reorderPoint: String
            var suggested: String
            var suggestedInput: String
            var unit: String
            var supplier: String?
            var price: String
        }

        struct Order: Encodable {
            var id: Int
            var number: String
            var supplier: String
            var warehouseCode: String
            var status: String
            var statusCode: String
            var expectedOn: String?
            var total: String
            var created: String
        }

        var canOrder: Bool
        var suggestions: [Suggestion]
        var orders: [Order]
        var next: String?
        var errors: [FieldMessage]
    }

    /// A suggestion's key in the purchasing form: its part and warehouse.
    static func key(_ s: PurchaseSuggestion) -> String { "\(s.partId)-\(s.warehouseId)" }

    /// What the purchasing page shows (R-7.5), as read from the store.
    struct PurchasingData {
        /// What to order, from stock levels and demand.
        var suggestions: [PurchaseSuggestion]
        /// A page of the purchase orders.
        var orders: Page<PurchaseOrderView>
    }

    /// R-7.5: the purchasing page for `principal` in the reader's language: the suggestions to order from and the
    /// orders.
    static func purchasingModel(
        _ data: PurchasingData, principal: Principal, _ l: Localizer, errors: [FieldMessage] = []
    ) -> PurchasingModel {
        PurchasingModel(
            canOrder: principal.may(.managePurchasing),
            suggestions: data.suggestions.map { s in
                .init(
                    key: Self.key(s), partId: s.partId, partNumber: s.partNumber, partName: s.partName,
                    warehouseCode: s.warehouseCode, available: l.quantity(s.available),
                    onOrder: l.quantity(s.onOrder),
                    openDemand: l.quantity(s.openDemand), position: l.quantity(s.position),
                    reorderPoint: l.quantity(s.reorderPoint), suggested: l.quantity(s.suggested),
                    suggestedInput: s.suggested.formatted(.number.precision(.fractionLength(0...3)).grouping(.never)),
                    unit: l.unit(s.unit), supplier: s.supplier,
                    price: s.lastPrice.map {
                        (Double($0) / 100).formatted(.number.precision(.fractionLength(2)).grouping(.never))
                    } ?? "")
            },
            orders: data.orders.items.map { o in
                .init(
                    id: o.id, number: o.number, supplier: o.supplier, warehouseCode: o.warehouseCode,
                    status: l.t("purchaseStatus.\(o.status.rawValue)"), statusCode: o.status.rawValue,
                    expectedOn: o.expectedOn, total: l.money(o.total) ?? "", created: l.dateTime(o.createdAt))
            }, next: data.orders.nextCursor.map { PageLink.make("/purchasing", [("cursor", $0)]) + "#orders" },
            errors: errors)
    }

    struct OrderModel: Encodable {
        struct Line: Encodable {
            var id: Int
            var partId: Int
            var partNumber: String
            var partName: String
            var unit: String
            var quantity: String
            var unitPrice: String
            var received: String
            var accepted: String
            var rejected: String
            var open: String
            var openInput: String
        }

        struct Receipt: Encodable {
            var id: Int
            var partNumber: String
            var quantity: String
            var quantityInput: String
            var expiresOn: String?
            var serials: String
            var status: String
            var inspecting: Bool
            var received: String
            var inspected: String?
            var passed: String?
            var failed: String?
            var reason: String?
        }

        var id: Int
        var number: String
        var supplier: String
        var warehouseCode: String
        var status: String
        var statusCode: String
        var expectedOn: String?
        var note: String?
        var total: String
        var lines: [Line]
        var receipts: [Receipt]
        var canManage: Bool
        var canReceive: Bool
        var errors: [FieldMessage]
    }

    /// R-7.5: a purchase order for `principal` in the reader's language: its lines, its receipts and their
    /// inspection, and whether they may receive.
    static func orderModel(
        _ o: PurchaseOrderView, principal: Principal, _ l: Localizer, errors: [FieldMessage] = []
    ) -> OrderModel {
        let numbers = Dictionary(o.lines.map { ($0.id, $0.partNumber) }, uniquingKeysWith: { a, _ in a })
        let open = o.status == .open || o.status == .partiallyReceived
        return OrderModel(
            id: o.id, number: o.number, supplier: o.supplier, warehouseCode: o.warehouseCode,
            status: l.t("purchaseStatus.\(o.status.rawValue)"), statusCode: o.status.rawValue, expectedOn: o.expectedOn,
            note: o.note, total: l.money(o.total) ?? "",
            lines: o.lines.map { line in
                let rest = max(0, line.quantity - line.received)
                return .init(
                    id: line.id, partId: line.partId, partNumber: line.partNumber, partName: line.partName,
                    unit: l.unit(line.unit), quantity: l.quantity(line.quantity),
                    unitPrice: l.money(line.unitPrice) ?? "", received: l.quantity(line.received),
                    accepted: l.quantity(line.accepted), rejected: l.quantity(line.rejected), open: l.quantity(rest),
                    openInput: rest.formatted(.number.precision(.fractionLength(0...3)).grouping(.never)))
            },
            receipts: o.receipts.map { r in
                .init(
                    id: r.id, partNumber: numbers[r.lineId] ?? "#\(r.lineId)", quantity: l.quantity(r.quantity),
                    quantityInput: r.quantity.formatted(.number.precision(.fractionLength(0...3)).grouping(.never)),
                    expiresOn: r.expiresOn, serials: r.serials.joined(separator: ", "),
                    status: l.t("receiptStatus.\(r.status == "inspecting" ? "inspecting" : "inspected")"),
                    inspecting: r.status == "inspecting", received: "\(l.dateTime(r.receivedAt)) · \(r.receivedBy)",
                    inspected: r.inspectedAt.map { "\(l.dateTime($0)) · \(r.inspectedBy ?? "")" },
                    passed: r.passed.map { l.quantity($0) }, failed: r.failed.map { l.quantity($0) },
                    reason: r.reason)
            }, canManage: principal.may(.managePurchasing), canReceive: open && principal.may(.managePurchasing),
            errors: errors)
    }
}
