import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension PartsPages {
    // MARK: Part

    /// Reads what the page of part `id` shows.
    static func partData(_ req: Request, id: Int) async throws -> PartData {
        let store = req.store
        let part = try await Records<PartRecord>(store).get(id)
        let stock = try await Stock(store).of(partId: id)
        let prices = try await Purchasing(store).prices(partId: id)
        let ledger = try await Stock(store).ledger(
            LedgerFilter(partId: id), page: try QueryReader(req: req).page(defaultLimit: 30))
        return PartData(part: part, stock: stock, prices: prices, ledger: ledger)
    }

    @Sendable func part(_ req: Request) async throws -> Response {
        let data = try await Self.partData(req, id: try req.pageId())
        let model = Self.partModel(data, principal: try req.requirePrincipal(), req.localizer)
        return try await PageRenderer.render("part", title: "part.title", model, for: req)
    }
}
