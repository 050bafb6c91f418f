import AftercareDomain
import AftercareStore
import Foundation

extension PartsPages {
    // MARK: Part: its model, from store views alone

    struct PartModel: Encodable {
        struct Price: Encodable {
            var supplier: String
            var price: String
            var purchaseOrderId: Int?
            var at: String
        }

        struct Entry: Encodable {
            var id: Int
            var at: String
            var actor: String
            var kind: String
            var kindCode: String
            var warehouseCode: String
            var onHand: String
            var reserved: String
            var inTransit: String
            var inspecting: String
            var serial: String?
            var expiresOn: String?
            var requisitionId: Int?
            var purchaseOrderId: Int?
            var stocktakeId: Int?
            var reason: String?
        }

        var id: Int
        var partNumber: String
        var name: String
        var specification: String?
        var unit: String
        var partClass: String
        var serialTracked: Bool
        var shelfLifeDays: String?
        var lastPrice: String?
        var managementFee: String
        var suppliers: [String]
        var archived: Bool
        var onHand: String
        var reserved: String
        var available: String
        var inTransit: String
        var inspecting: String
        var warehouses: [BalanceRow]
        var prices: [Price]
        var ledger: [Entry]
        var next: String?
    }

    /// What a part's page shows, as read from the store.
    struct PartData {
        var part: PartRecord.View
        /// Its stock in every warehouse.
        var stock: PartStockView
        /// The prices it was bought at.
        var prices: [PartPriceView]
        /// A page of its ledger.
        var ledger: Page<LedgerEntryView>
    }

    /// a part in the reader's language: the catalogue entry, its stock, its prices and its ledger.
    static func partModel(_ data: PartData, principal: Principal, _ l: Localizer) -> PartModel {
        let part = data.part
        let stock = data.stock
        let prices = data.prices
        let ledger = data.ledger
        return PartModel(
            id: part.id, partNumber: part.partNumber, name: part.name, specification: part.specification,
            unit: l.unit(part.unit), partClass: part.partClass.rawValue.uppercased(),
            serialTracked: part.serialTracked, shelfLifeDays: part.shelfLifeDays.map { l.number($0) },
            lastPrice: l.money(part.lastPrice),
            managementFee: l.number(part.managementFeePercent, digits: 1) + " %",
            suppliers: part.suppliers.map { supplier in
                [supplier.name, supplier.supplierPartNumber].compactMap { $0 }.joined(separator: " · ")
            }, archived: part.archivedAt != nil, onHand: l.quantity(stock.onHand),
            reserved: l.quantity(stock.reserved), available: l.quantity(stock.available),
            inTransit: l.quantity(stock.inTransit), inspecting: l.quantity(stock.inspecting),
            warehouses: stock.warehouses.map { Self.row($0, l) },
            prices: prices.map {
                .init(
                    supplier: $0.supplier, price: l.money($0.price) ?? "", purchaseOrderId: $0.purchaseOrderId,
                    at: l.dateTime($0.at))
            },
            ledger: ledger.items.map { e in
                .init(
                    id: e.id, at: l.dateTime(e.at), actor: e.actor, kind: l.t("movement.\(e.kind.rawValue)"),
                    kindCode: e.kind.rawValue, warehouseCode: e.warehouseCode, onHand: l.quantity(e.onHand),
                    reserved: l.quantity(e.reserved), inTransit: l.quantity(e.inTransit),
                    inspecting: l.quantity(e.inspecting), serial: e.serial ?? e.faultySerial, expiresOn: e.expiresOn,
                    requisitionId: e.requisitionId, purchaseOrderId: e.purchaseOrderId, stocktakeId: e.stocktakeId,
                    reason: e.reason)
            },
            next: ledger.nextCursor.map { PageLink.make("/parts/\(part.id)", [("cursor", $0)]) + "#ledger" })
    }
}
