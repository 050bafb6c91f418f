import AftercareDomain
import AftercareStore
import Foundation

extension PartsPages {
    // MARK: My van: its model, from store views alone

    struct VanModel: Encodable {
        var hasProfile: Bool
        var hasVan: Bool
        var vanCode: String?
        var rows: [BalanceRow]
        var requisitions: [RequisitionRow]
    }

    /// What the engineer's van page shows, as read from the store for the caller.
    struct VanData {
        /// The caller's engineer profile, if they have one.
        var engineer: EngineerRecord.View?
        /// The engineer's van stock, if they have one.
        var van: WarehouseRecord.View?
        /// The balances of the engineer's van.
        var balances: [StockBalanceView] = []
        /// The engineer's open requisitions.
        var open: [RequisitionView] = []
    }

    /// the engineer's van on a phone in the reader's language: what it holds and the open
    /// requisitions.
    static func vanModel(_ data: VanData, principal: Principal, _ l: Localizer) -> VanModel {
        VanModel(
            hasProfile: data.engineer != nil, hasVan: data.van != nil,
            vanCode: data.van.map { "\($0.code) · \($0.name)" },
            rows: data.balances.filter { $0.onHand != 0 || $0.reserved != 0 || $0.inTransit != 0 }.map {
                Self.row($0, l)
            }, requisitions: data.open.map { RequisitionRow($0, l) })
    }
}
