import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension PartsPages {
    // MARK: My van

    /// Reads what the caller's van page shows.
    static func vanData(_ req: Request) async throws -> VanData {
        let principal = try req.requirePrincipal()
        var data = VanData(engineer: try await Engineers(req.store).of(userId: principal.userId))
        if let engineer = data.engineer {
            data.van = try await Stock(req.store).van(engineerId: engineer.id)
            data.balances = try await Stock(req.store).balances(
                BalanceFilter(engineerId: engineer.id), page: PageRequest(limit: 200)
            ).items
            data.open = try await Requisitions(req.store).list(
                RequisitionFilter(statuses: [.requested, .approved, .issued], engineerId: engineer.id),
                page: PageRequest(limit: 100)
            ).items
        }
        return data
    }

    @Sendable func van(_ req: Request) async throws -> Response {
        let model = Self.vanModel(try await Self.vanData(req), principal: try req.requirePrincipal(), req.localizer)
        return try await PageRenderer.render("my-van", title: "van.title", model, for: req)
    }
}
