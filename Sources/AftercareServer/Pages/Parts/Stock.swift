import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension PartsPages {
    // MARK: Stock

    /// Reads what the stock page shows for the query.
    static func stockData(_ req: Request) async throws -> StockData {
        let store = req.store
        let q = QueryReader(req: req)
        let partId = try q.int("partId")
        let text = try q.string("q")
        let warehouseId = try q.int("warehouse")
        let low = try q.bool("low") ?? false
        var data = StockData(q: text, partId: partId, warehouseId: warehouseId, low: low)
        var page = try q.page()
        var partIds: [Int] = []
        if data.partId == nil, let text = data.q {
            let found = try await Records<PartRecord>(store).list(
                page: PageRequest(limit: 20), filter: .parts(containing: text)
            ).items
            if found.count == 1 {
                data.partId = found[0].id
            } else {
                partIds = found.map(\.id)
                data.noMatch = found.isEmpty
                data.matches = found
            }
        }
        let stock = Stock(store)
        if data.noMatch {
            data.balances = []
        } else if data.partId == nil, !partIds.isEmpty {
            page = PageRequest(limit: 50)
            for id in partIds {
                data.balances += try await stock.balances(
                    BalanceFilter(partId: id, warehouseId: data.warehouseId, low: data.low), page: page
                ).items
            }
        } else {
            let result = try await stock.balances(
                BalanceFilter(partId: data.partId, warehouseId: data.warehouseId, low: data.low), page: page)
            data.balances = result.items
            data.nextCursor = result.nextCursor
        }
        data.expiring = try await stock.expiring(within: 30, warehouseId: data.warehouseId)
        data.warehouses = try await req.warehouses()
        return data
    }

    @Sendable func stock(_ req: Request) async throws -> Response {
        let model = Self.stockModel(try await Self.stockData(req), principal: try req.requirePrincipal(), req.localizer)
        return try await PageRenderer.render("stock", title: "stock.title", model, for: req)
    }
}
