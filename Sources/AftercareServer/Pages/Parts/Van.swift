import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension PartsPages {
    // MARK: My van

    struct VanModel: Encodable {
        var hasProfile: Bool
        var hasVan: Bool
        var vanCode: String?
        var rows: [BalanceRow]
        var requisitions: [RequisitionRow]
    }

    @Sendable func van(_ req: Request) async throws -> Response {
        let l = req.localizer
        let principal = try req.requirePrincipal()
        let engineer = try await Engineers(req.store).of(userId: principal.userId)
        var rows: [StockBalanceView] = []
        var open: [RequisitionView] = []
        var van: WarehouseRecord.View?
        if let engineer {
            van = try await Stock(req.store).van(engineerId: engineer.id)
            rows = try await Stock(req.store).balances(
                BalanceFilter(engineerId: engineer.id), page: PageRequest(limit: 200)
            ).items
            open = try await Requisitions(req.store).list(
                RequisitionFilter(statuses: [.requested, .approved, .issued], engineerId: engineer.id),
                page: PageRequest(limit: 100)
            ).items
        }
        let model = VanModel(
            hasProfile: engineer != nil, hasVan: van != nil, vanCode: van.map { "\($0.code) · \($0.name)" },
            rows: rows.filter { $0.onHand != 0 || $0.reserved != 0 || $0.inTransit != 0 }.map { Self.row($0, l) },
            requisitions: open.map { RequisitionRow($0, l) })
        return try await PageRenderer.render("my-van", title: "van.title", model, for: req)
    }
}
