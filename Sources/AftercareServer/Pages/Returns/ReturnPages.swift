import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// the pages of returns and depot repair: the depot's board, opening a case, the case with its allowed steps,
/// the repair order and loans, and the printable return form; the loaner pool and the nonconformity table have their
/// own files. They call the same use cases as `ReturnsController` and `DepotController`, through the caller's scoped
/// store.
struct ReturnPages: Sendable {
    func register(_ root: any RoutesBuilder) {
        root.get("returns", use: board).requires(.action(.viewReturns))
        root.get("returns", "new", use: newCase).requires(.action(.openReturns))
        root.post("returns", use: open).requires(.action(.openReturns))
        root.post("returns", "rules", use: setRules).requires(.action(.approveReturns))
        root.get("returns", ":id", use: detail).requires(.action(.viewReturns))
        root.get("returns", ":id", "print", use: printForm).requires(.action(.viewReturns))
        // Which step a caller may take depends on the step (`Action.for(returnEvent:)`), checked in `step`.
        root.post("returns", ":id", "events", use: step).requires(.action(.viewReturns))
        root.post("returns", ":id", "repair", use: writeRepair).requires(.action(.workDepot))
        root.post("returns", ":id", "parts", use: useParts).requires(.action(.workDepot))
        root.post("returns", ":id", "loans", use: lend).requires(.action(.lendLoaners))
        // Photos: for those who take a step on cases (checked in `photos`), and served to whoever sees the case.
        root.on(
            .POST, "returns", ":id", "photos", body: .collect(maxSize: ByteCount(value: ReportIntake.maxUpload)),
            use: photos
        ).requires(.action(.viewReturns)).accepts(upTo: ReportIntake.maxUpload)
        root.get("returns", "photos", ":id", use: photo).requires(.action(.viewReturns))
        LoanerPages().register(root)
        NonconformityPages().register(root)
    }

    static let labels = FieldLabels.area("returns")
}

extension ReturnPages {
    // MARK: The board

    /// `/returns?status=`: the depot's open cases, the overdue first; the counts by status; the return rules.
    @Sendable func board(_ req: Request) async throws -> Response {
        try await renderBoard(req)
    }

    func renderBoard(
        _ req: Request, errors: [FieldMessage] = [], typed: [String: String] = [:], status: HTTPStatus = .ok
    ) async throws -> Response {
        let principal = try req.requirePrincipal()
        let q = QueryReader(req: req)
        let statuses = try q.list("status", ReturnStatus.self)
        let cases = ReturnCases(req.store)
        let canSetRules = principal.may(.approveReturns)
        let data = BoardData(
            board: try await cases.board(statuses: statuses), statuses: statuses, rules: try await cases.rules(),
            units: canSetRules ? try await req.orgUnitChoices().options : [], canOpen: principal.may(.openReturns),
            canSetRules: canSetRules, now: req.store.now, errors: errors, typed: typed)
        return try await PageRenderer.render(
            "returns", title: "returns.boardTitle", Self.boardModel(data, req.localizer), for: req, status: status)
    }

    /// the depot, the approval limit and the exchanged unit's warranty.
    @Sendable func setRules(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let depot = form.int("depotUnitId", into: &v)
        let basis = form.value("exchangeBasis", ExchangeWarranty.Basis.self, into: &v)
        let months = form.int("exchangeMonths", into: &v)
        let limit = form.string("approvalLimit").flatMap(Money.minor(parsing:))
        if limit == nil { v.add("approvalLimitMinor", .invalidFormat(expected: "an amount")) }
        if basis == nil { v.add("exchangeBasis", .required) }
        if months == nil { v.add("exchangeMonths", .required) }
        return try await FormCycle.run(req, page: "/returns", labels: Self.labels) {
            try v.finish()
            let current = try await ReturnCases(req.store).rules()
            _ = try await ReturnCases(req.store).setRules(
                ReturnRules(
                    depotUnitId: depot, approvalLimitMinor: limit!, currency: current.currency,
                    exchangeWarranty: ExchangeWarranty(basis: basis!, months: months!)), by: principal.actor)
            return req.redirect(to: "/returns#return-rules")
        } again: { failure in
            try await renderBoard(
                req, errors: failure.messages,
                typed: form.typed(["depotUnitId", "approvalLimit", "exchangeBasis", "exchangeMonths"]),
                status: failure.status)
        }
    }

    // MARK: Opening a case

    /// `/returns/new?request=`: the units of a request sent to the depot.
    @Sendable func newCase(_ req: Request) async throws -> Response {
        guard let id = try QueryReader(req: req).int("request") else { throw Abort(.notFound) }
        let request = try await ServiceRequests(req.store).get(id)
        let model = Self.newModel(request, typed: [:], ticked: nil, errors: [], req.localizer)
        return try await PageRenderer.render("return-new", title: "returns.newTitle", model, for: req)
    }

    @Sendable func open(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        guard let requestId = form.int("requestId", into: &v) else { throw Abort(.notFound) }
        let request = try await ServiceRequests(req.store).get(requestId)
        let wish = form.value("wish", ReturnWish.self, into: &v)
        let shipping = form.value("shipping", ReturnShipping.self, into: &v)
        let ticked = form.all("unitId").compactMap(Int.init)
        if wish == nil { v.add("wish", .required) }
        if shipping == nil { v.add("shipping", .required) }
        if ticked.isEmpty { v.add("unitIds", .required) }
        return try await FormCycle.run(req, page: "/returns/new?request=\(requestId)", labels: Self.labels) {
            try v.finish()
            let opened = try await ReturnCases(req.store).open(
                ReturnCaseInput(
                    requestId: requestId, unitIds: ticked, reason: form.string("reason") ?? "", wish: wish!,
                    shipping: shipping!, shipFrom: form.string("shipFrom"), carrier: form.string("carrier"),
                    trackingNumber: form.string("trackingNumber"), contactName: form.string("contactName"),
                    contactPhone: form.string("contactPhone")), by: principal.actor)
            return req.redirect(to: "/returns/\(opened.id)")
        } again: { failure in
            let typed = form.typed([
                "reason", "wish", "shipping", "shipFrom", "carrier", "trackingNumber", "contactName", "contactPhone",
            ])
            let model = Self.newModel(
                request, typed: typed, ticked: Set(ticked), errors: failure.messages, req.localizer)
            return try await PageRenderer.render(
                "return-new", title: "returns.newTitle", model, for: req, status: failure.status)
        }
    }
}
