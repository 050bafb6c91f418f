import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// the loaner pool (周转机) of the units the caller sees: each loaner with its loan, the loans past their day
/// first; the depot adds and retires loaners, and whoever lends them takes them back. The same use cases as
/// `DepotController`, through the caller's scoped store.
struct LoanerPages: Sendable {
    func register(_ root: any RoutesBuilder) {
        root.get("loaners", use: pool).requires(.action(.viewReturns))
        root.post("loaners", use: create).requires(.action(.workDepot))
        root.post("loaners", ":id", "return", use: giveBack).requires(.action(.lendLoaners))
        root.post("loaners", ":id", "retire", use: retire).requires(.action(.workDepot))
    }

    static let labels = FieldLabels.area("returns")

    // MARK: Reading

    /// `/loaners?orgUnitId=&status=&cursor=`: the pool (retired loaners only when asked for), and the overdue loans.
    static func poolData(_ req: Request, principal: Principal) async throws -> PoolData {
        let q = QueryReader(req: req)
        let unitId = try q.int("orgUnitId")
        let status = try q.value("status", LoanerStatus.self)
        let loaners = Loaners(req.store)
        let page = try await loaners.pool(orgUnitId: unitId, status: status, page: try q.page(defaultLimit: 50))
        let overdue = try await loaners.overdue(limit: 50)
        let models =
            principal.may(.workDepot)
            ? try await Records<ProductModelRecord>(req.store).list(page: PageRequest(limit: 200)).items : []
        return PoolData(
            page: page, overdue: overdue, models: models, units: try await req.orgUnitChoices().options,
            orgUnitId: unitId, status: status)
    }

    func render(
        _ req: Request, failed: FailedForm? = nil, status: HTTPStatus = .ok
    ) async throws -> Response {
        let principal = try req.requirePrincipal()
        var data = try await Self.poolData(req, principal: principal)
        data.failed = failed
        return try await PageRenderer.render(
            "loaners", title: "loaners.title", Self.poolModel(data, principal: principal, req.localizer), for: req,
            status: status)
    }

    @Sendable func pool(_ req: Request) async throws -> Response {
        try await render(req)
    }

    // MARK: Forms

    /// A new loaner of a pool: its model, the organisation unit whose pool it joins, its serial and a note.
    @Sendable func create(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let modelId = form.int("modelId", into: &v)
        let unitId = form.int("orgUnitId", into: &v)
        if form.string("modelId") == nil { v.add("modelId", .required) }
        if form.string("orgUnitId") == nil { v.add("orgUnitId", .required) }
        return try await FormCycle.run(req, page: "/loaners", labels: Self.labels) {
            try v.finish()
            let loaner = try await Loaners(req.store).create(
                LoanerInput(
                    orgUnitId: unitId ?? 0, modelId: modelId ?? 0, serialNumber: form.string("serialNumber") ?? "",
                    note: form.string("note")),
                by: principal.actor)
            return req.redirect(to: "/loaners#loaner-\(loaner.id)")
        } again: { failure in
            try await render(
                req,
                failed: FailedForm(
                    form: .add, typed: form.typed(["modelId", "orgUnitId", "serialNumber", "note"]),
                    messages: failure.messages),
                status: failure.status)
        }
    }

    /// the loaner came back: its loan ends, with a note on how it came back.
    @Sendable func giveBack(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        _ = try await Loaners(req.store).get(id)
        let form = try FormReader(req)
        return try await FormCycle.run(req, page: "/loaners", labels: Self.labels) {
            _ = try await Loaners(req.store).giveBack(id, note: form.string("note"), by: principal.actor)
            return req.redirect(to: "/loaners#loaner-\(id)")
        } again: { failure in
            try await render(
                req, failed: FailedForm(form: .giveBack(id), typed: form.typed(["note"]), messages: failure.messages),
                status: failure.status)
        }
    }

    /// Takes an available loaner out of the pool for good.
    @Sendable func retire(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        _ = try await Loaners(req.store).get(id)
        return try await FormCycle.run(req, page: "/loaners", labels: Self.labels) {
            _ = try await Loaners(req.store).retire(id, by: principal.actor)
            return req.redirect(to: "/loaners")
        } again: { failure in
            try await render(
                req, failed: FailedForm(form: .retire(id), typed: [:], messages: failure.messages),
                status: failure.status)
        }
    }
}
