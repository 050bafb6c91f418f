import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// the pages of spare parts: stock balances with expiry warnings, a part's detail with its ledger, the
/// engineer's van on a phone, requisitions (worklist, detail with their steps, printable form, new), purchasing
/// (suggestions, orders, receipts and inspection) and stocktakes (count entry, variance, approval). They call the
/// same use cases as `PartsController`, through the caller's scoped store.
struct PartsPages: Sendable {
    func register(_ root: any RoutesBuilder) {
        root.get("stock", use: stock).requires(.action(.viewStock))
        root.get("parts", ":id", use: part).requires(.action(.viewStock))
        root.get("my", "van", use: van).requires(.action(.requestParts))
        root.get("requisitions", use: requisitions).requires(.action(.viewStock))
        root.get("requisitions", "new", use: newRequisition).requires(.action(.requestParts))
        root.post("requisitions", "new", use: createRequisition).requires(.action(.requestParts))
        root.get("requisitions", ":id", use: requisition).requires(.action(.viewStock))
        root.get("requisitions", ":id", "print", use: printRequisition).requires(.action(.viewStock))
        root.post("requisitions", ":id", "events", use: requisitionEvent).requires(.action(.viewStock))
        root.get("purchasing", use: purchasing).requires(.action(.viewStock))
        root.post("purchasing", "orders", use: createOrder).requires(.action(.managePurchasing))
        root.get("purchasing", "orders", ":id", use: order).requires(.action(.viewStock))
        root.post("purchasing", "orders", ":id", "receive", use: receiveOrder).requires(.action(.managePurchasing))
        root.post("purchasing", "orders", ":id", "receipts", ":receiptId", "inspection", use: inspectReceipt)
            .requires(.action(.managePurchasing))
        root.post("purchasing", "orders", ":id", "close", use: closeOrder).requires(.action(.managePurchasing))
        root.get("stocktakes", use: stocktakes).requires(.action(.viewStock))
        root.post("stocktakes", use: startStocktake).requires(.action(.moveStock))
        root.get("stocktakes", ":id", use: stocktake).requires(.action(.viewStock))
        root.post("stocktakes", ":id", "counts", use: count).requires(.action(.moveStock))
        root.post("stocktakes", ":id", "approve", use: approveStocktake).requires(.action(.approveStocktakes))
        root.post("stocktakes", ":id", "cancel", use: cancelStocktake).requires(.action(.moveStock))
    }

    // MARK: Reading typed amounts

    /// A decimal amount as typed (`12.5`, `12,50`) in minor units (`Money.minor(parsing:)`).
    static func minor(_ text: String?) -> Int? {
        text.flatMap(Money.minor(parsing:))
    }

    static func decimal(_ text: String?) -> Double? {
        TypedNumber.decimal(text)
    }

    /// Serials as typed: separated by commas, semicolons, spaces or lines.
    static func serials(_ text: String?) -> [String]? {
        guard let text else { return nil }
        let list = text.split(whereSeparator: { ",;，； \n\r\t".contains($0) }).map(String.init)
        return list.isEmpty ? nil : list
    }

    /// How the parts pages name their fields (`parts.field.…`, then `field.…`).
    static let labels = FieldLabels.area("parts")

    struct BalanceRow: Encodable {
        var partId: Int
        var partNumber: String
        var partName: String
        var warehouseId: Int
        var warehouseCode: String
        var warehouseName: String
        var kind: String
        var onHand: String
        var reserved: String
        var available: String
        var inTransit: String
        var inspecting: String
        var unit: String
        var bin: String?
        var reorderPoint: String?
        var low: Bool
    }

    static func row(_ b: StockBalanceView, _ l: Localizer) -> BalanceRow {
        BalanceRow(
            partId: b.partId, partNumber: b.partNumber, partName: b.partName, warehouseId: b.warehouseId,
            warehouseCode: b.warehouseCode, warehouseName: b.warehouseName,
            kind: l.t("warehouseKind.\(b.warehouseKind.rawValue)"), onHand: l.quantity(b.onHand),
            reserved: l.quantity(b.reserved), available: l.quantity(b.available), inTransit: l.quantity(b.inTransit),
            inspecting: l.quantity(b.inspecting), unit: l.unit(b.unit), bin: b.bin,
            reorderPoint: b.reorderPoint.map { l.quantity($0) }, low: b.low)
    }

    struct ExpiryRow: Encodable {
        var partId: Int
        var partNumber: String
        var partName: String
        var warehouseCode: String
        var expiresOn: String
        var quantity: String
        var expired: Bool
    }
}
