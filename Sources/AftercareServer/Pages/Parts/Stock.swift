import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension PartsPages {
    // MARK: Stock

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

    @Sendable func stock(_ req: Request) async throws -> Response {
        let l = req.localizer
        let store = req.store
        let q = QueryReader(req: req)
        var partId = try q.int("partId")
        let text = try q.string("q")
        let warehouseId = try q.int("warehouse")
        let low = try q.bool("low") ?? false
        var page = try q.page()
        var matches: [StockModel.Match] = []
        var partIds: [Int] = []
        var noMatch = false
        if partId == nil, let text {
            let found = try await Records<PartRecord>(store).list(
                page: PageRequest(limit: 20), filter: .parts(containing: text)
            ).items
            if found.count == 1 {
                partId = found[0].id
            } else {
                partIds = found.map(\.id)
                noMatch = found.isEmpty
                matches = found.map {
                    .init(
                        id: $0.id, partNumber: $0.partNumber, name: $0.name,
                        link: PageLink.make("/stock", [("partId", "\($0.id)")]))
                }
            }
        }
        let stock = Stock(store)
        var rows: [StockBalanceView] = []
        var next: String?
        if noMatch {
            rows = []
        } else if partId == nil, !partIds.isEmpty {
            page = PageRequest(limit: 50)
            for id in partIds {
                rows += try await stock.balances(
                    BalanceFilter(partId: id, warehouseId: warehouseId, low: low), page: page
                ).items
            }
        } else {
            let result = try await stock.balances(
                BalanceFilter(partId: partId, warehouseId: warehouseId, low: low), page: page)
            rows = result.items
            next = result.nextCursor.map { cursor in
                PageLink.make(
                    "/stock",
                    [
                        ("partId", partId.map { "\($0)" }), ("q", partId == nil ? text : nil),
                        ("warehouse", warehouseId.map { "\($0)" }), ("low", low ? "1" : nil), ("cursor", cursor),
                    ])
            }
        }
        let expiring = try await stock.expiring(within: 30, warehouseId: warehouseId)
        let model = StockModel(
            q: text ?? "", partId: partId, low: low,
            warehouseOptions: SelectOption.warehouses(try await req.warehouses(), selected: warehouseId, l),
            rows: rows.map { Self.row($0, l) }, matches: matches, noMatch: noMatch, next: next,
            expiring: expiring.filter { partId == nil || $0.partId == partId }.map {
                .init(
                    partId: $0.partId, partNumber: $0.partNumber, partName: $0.partName,
                    warehouseCode: $0.warehouseCode, expiresOn: $0.expiresOn, quantity: l.quantity($0.quantity),
                    expired: $0.expired)
            })
        return try await PageRenderer.render("stock", title: "stock.title", model, for: req)
    }
}
