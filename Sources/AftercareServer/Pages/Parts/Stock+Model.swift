import AftercareDomain
import AftercareStore
import Foundation

extension PartsPages {
    // MARK: Stock: its model, from store views alone

    struct StockModel: Encodable {
        struct Match: Encodable {
            var id: Int
            var partNumber: String
            var name: String
            var link: String
        }

        var q: String
        var partId: Int?
        var low: Bool
        var warehouseOptions: [SelectOption]
        var rows: [BalanceRow]
        var matches: [Match]
        var noMatch: Bool
        var next: String?
        var expiring: [ExpiryRow]
    }

    /// What the stock page shows: the query, as read from the store for it.
    struct StockData {
        /// The text searched for, as typed.
        var q: String?
        /// The part chosen, or the one part the text names.
        var partId: Int?
        var warehouseId: Int?
        var low: Bool
        /// The parts the text names when it names more than one.
        var matches: [PartRecord.View] = []
        /// The text names no part.
        var noMatch = false
        var balances: [StockBalanceView] = []
        var nextCursor: String?
        /// Lots expired or expiring within 30 days in the warehouse chosen.
        var expiring: [ExpiryWarning] = []
        /// The warehouses to choose from.
        var warehouses: [WarehouseRecord.View] = []
    }

    /// the stock balances in the reader's language, the parts a search names, and the lots expiring.
    static func stockModel(_ data: StockData, principal: Principal, _ l: Localizer) -> StockModel {
        let partId = data.partId
        let next = data.nextCursor.map { cursor in
            PageLink.make(
                "/stock",
                [
                    ("partId", partId.map { "\($0)" }), ("q", partId == nil ? data.q : nil),
                    ("warehouse", data.warehouseId.map { "\($0)" }), ("low", data.low ? "1" : nil),
                    ("cursor", cursor),
                ])
        }
        return StockModel(
            q: data.q ?? "", partId: partId, low: data.low,
            warehouseOptions: SelectOption.warehouses(data.warehouses, selected: data.warehouseId, l),
            rows: data.balances.map { Self.row($0, l) },
            matches: data.matches.map {
                .init(
                    id: $0.id, partNumber: $0.partNumber, name: $0.name,
                    link: PageLink.make("/stock", [("partId", "\($0.id)")]))
            }, noMatch: data.noMatch, next: next,
            expiring: data.expiring.filter { partId == nil || $0.partId == partId }.map {
                .init(
                    partId: $0.partId, partNumber: $0.partNumber, partName: $0.partName,
                    warehouseCode: $0.warehouseCode, expiresOn: $0.expiresOn, quantity: l.quantity($0.quantity),
                    expired: $0.expired)
            })
    }
}
