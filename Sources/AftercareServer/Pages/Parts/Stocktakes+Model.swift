import AftercareDomain
import AftercareStore
import Foundation

extension PartsPages {
    // MARK: Stocktakes: the list's model, from store views alone

    struct StocktakeRow: Encodable {
        var id: Int
        var warehouseCode: String
        var status: String
        var statusCode: String
        var started: String
        var decided: String?
        var counted: String
        var note: String?
    }

    static func stocktakeRow(_ s: StocktakeView, _ l: Localizer) -> StocktakeRow {
        StocktakeRow(
            id: s.id, warehouseCode: s.warehouseCode, status: l.t("stocktakeStatus.\(s.status.rawValue)"),
            statusCode: s.status.rawValue, started: "\(l.dateTime(s.startedAt)) · \(s.startedBy)",
            decided: s.decidedAt.map { "\(l.dateTime($0)) · \(s.decidedBy ?? "")" }, counted: l.number(s.counted),
            note: s.note)
    }

    struct StocktakesModel: Encodable {
        var canStart: Bool
        var warehouseOptions: [SelectOption]
        var rows: [StocktakeRow]
        var next: String?
        var errors: [FieldMessage]
    }

    /// What the stocktake list shows (R-7.6), as read from the store.
    struct StocktakesData {
        /// A page of the stocktakes.
        var page: Page<StocktakeView>
        /// The warehouses a count may be started in.
        var warehouses: [WarehouseRecord.View]
    }

    /// R-7.6: the stocktakes for `principal` in the reader's language, and the form to start one with the warehouse
    /// chosen.
    static func stocktakesModel(
        _ data: StocktakesData, principal: Principal, _ l: Localizer, selected: Int? = nil,
        errors: [FieldMessage] = []
    ) -> StocktakesModel {
        StocktakesModel(
            canStart: principal.may(.moveStock),
            warehouseOptions: SelectOption.warehouses(data.warehouses, selected: selected, l),
            rows: data.page.items.map { Self.stocktakeRow($0, l) },
            next: data.page.nextCursor.map { PageLink.make("/stocktakes", [("cursor", $0)]) }, errors: errors)
    }
}
