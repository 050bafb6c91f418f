import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension PartsPages {
    // MARK: Stocktakes

    /// Reads what the stocktake list shows.
    static func stocktakesData(_ req: Request) async throws -> StocktakesData {
        let page = try await Stocktakes(req.store).list(warehouseId: nil, page: try QueryReader(req: req).page())
        let countable = try await req.warehouses()
        return StocktakesData(page: page, warehouses: countable)
    }

    func stocktakesModel(_ req: Request, selected: Int? = nil, errors: [FieldMessage] = []) async throws
        -> StocktakesModel
    {
        let principal = try req.requirePrincipal()
        return Self.stocktakesModel(
            try await Self.stocktakesData(req), principal: principal, req.localizer, selected: selected,
            errors: errors)
    }

    @Sendable func stocktakes(_ req: Request) async throws -> Response {
        try await PageRenderer.render(
            "stocktakes", title: "stocktake.listTitle", try await stocktakesModel(req), for: req)
    }

    @Sendable func startStocktake(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let warehouseId = form.int("warehouseId", into: &v)
        if warehouseId == nil { v.add("warehouseId", .required) }
        return try await FormCycle.run(req, page: "/stocktakes", labels: Self.labels) {
            try v.finish()
            let take = try await Stocktakes(req.store).start(
                StocktakeInput(warehouseId: warehouseId ?? 0, note: form.string("note")), by: principal.actor)
            return req.redirect(to: "/stocktakes/\(take.id)")
        } again: { failure in
            return try await PageRenderer.render(
                "stocktakes", title: "stocktake.listTitle",
                try await stocktakesModel(req, selected: warehouseId, errors: failure.messages), for: req,
                status: failure.status)
        }
    }

    func stocktakeModel(_ req: Request, _ id: Int, form: CountForm = CountForm(), errors: [FieldMessage] = [])
        async throws -> StocktakeModel
    {
        Self.stocktakeModel(
            try await Stocktakes(req.store).variance(id), principal: try req.requirePrincipal(), req.localizer,
            form: form, errors: errors)
    }

    @Sendable func stocktake(_ req: Request) async throws -> Response {
        let id = try req.pageId()
        let last = try QueryReader(req: req).string("counted")
        return try await PageRenderer.render(
            "stocktake", title: "stocktake.title",
            try await stocktakeModel(req, id, form: CountForm(lastCounted: last)), for: req)
    }

    /// One count: a part number (typed or scanned), a quantity, set or add.
    @Sendable func count(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        _ = try await Stocktakes(req.store).get(id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let number = form.string("partNumber")
        let text = form.string("quantity")
        let mode = form.value("mode", CountInput.Mode.self, into: &v) ?? .set
        if number == nil { v.add("partNumber", .required) }
        let quantity = Self.decimal(text)
        if quantity == nil { v.add("quantity", text == nil ? .required : .invalidFormat(expected: "a number")) }
        return try await FormCycle.run(req, page: "/stocktakes/\(id)", labels: Self.labels) {
            try v.finish()
            let line = try await Stocktakes(req.store).count(
                CountInput(partNumber: number, quantity: quantity ?? 0, mode: mode), stocktake: id,
                by: principal.actor)
            return req.redirect(to: PageLink.make("/stocktakes/\(id)", [("counted", line.partNumber)]))
        } again: { failure in
            let typed = CountForm(partNumber: number ?? "", quantity: text ?? "", mode: mode)
            let model = try await stocktakeModel(req, id, form: typed, errors: failure.messages)
            return try await PageRenderer.render(
                "stocktake", title: "stocktake.title", model, for: req, status: failure.status)
        }
    }

    func decide(_ req: Request, approve: Bool) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        return try await FormCycle.run(req, page: "/stocktakes/\(id)", labels: Self.labels) {
            if approve {
                _ = try await Stocktakes(req.store).approve(id, by: principal.actor)
            } else {
                _ = try await Stocktakes(req.store).cancel(id, by: principal.actor)
            }
            return req.redirect(to: "/stocktakes/\(id)")
        } again: { failure in
            let model = try await stocktakeModel(req, id, errors: failure.messages)
            return try await PageRenderer.render(
                "stocktake", title: "stocktake.title", model, for: req, status: failure.status)
        }
    }

    @Sendable func approveStocktake(_ req: Request) async throws -> Response { try await decide(req, approve: true) }

    @Sendable func cancelStocktake(_ req: Request) async throws -> Response { try await decide(req, approve: false) }
}
