import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension PartsPages {
    // MARK: Purchasing

    /// Reads what the purchasing page shows.
    static func purchasingData(_ req: Request) async throws -> PurchasingData {
        let suggestions = try await Purchasing(req.store).suggestions()
        let orders = try await Purchasing(req.store).list(status: [], page: try QueryReader(req: req).page())
        return PurchasingData(suggestions: suggestions, orders: orders)
    }

    func purchasingModel(_ req: Request, errors: [FieldMessage] = []) async throws -> PurchasingModel {
        let principal = try req.requirePrincipal()
        return Self.purchasingModel(
            try await Self.purchasingData(req), principal: principal, req.localizer, errors: errors)
    }

    @Sendable func purchasing(_ req: Request) async throws -> Response {
        try await PageRenderer.render("purchasing", title: "purchasing.title", try await purchasingModel(req), for: req)
    }

    /// A purchase order from the checked suggestions: one supplier, one warehouse.
    @Sendable func createOrder(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let l = req.localizer
        let form = try FormReader(req)
        let suggestions = try await Purchasing(req.store).suggestions()
        let picked = Set(form.all("pick"))
        let chosen = suggestions.filter { picked.contains(Self.key($0)) }
        var v = AftercareDomain.Validator()
        var errors: [FieldMessage] = []
        var lines: [PurchaseOrderInput.Line] = []
        for s in chosen {
            let key = Self.key(s)
            guard let quantity = Self.decimal(form.string("quantity.\(key)")) else {
                v.add("quantity", .invalidFormat(expected: "a number"))
                continue
            }
            guard let price = Self.minor(form.string("price.\(key)")) else {
                v.add("unitPrice", .invalidFormat(expected: "an amount"))
                continue
            }
            lines.append(.init(partId: s.partId, quantity: quantity, unitPrice: price))
        }
        if chosen.isEmpty {
            errors.append(PageError.message("lines", "purchasing.error.nothingChecked", [:], Self.labels, l))
        }
        let supplier = form.string("supplier") ?? chosen.first?.supplier
        let suppliers = Set(chosen.map { $0.supplier ?? "" })
        if form.string("supplier") == nil, suppliers.count > 1 {
            errors.append(PageError.message("supplier", "purchasing.error.mixedSupplier", [:], Self.labels, l))
        }
        if Set(chosen.map(\.warehouseId)).count > 1 {
            errors.append(PageError.message("warehouseId", "purchasing.error.mixedWarehouse", [:], Self.labels, l))
        }
        if supplier == nil, !chosen.isEmpty { v.add("supplier", .required) }
        var expected: CalendarDate?
        if let text = form.string("expectedOn") {
            expected = CalendarDate(iso: text)
            if expected == nil { v.add("expectedOn", .invalidFormat(expected: "YYYY-MM-DD")) }
        }
        return try await FormCycle.run(req, page: "/purchasing", labels: Self.labels) {
            if !errors.isEmpty { throw ValidationError([:]) }
            try v.finish()
            let order = try await Purchasing(req.store).create(
                PurchaseOrderInput(
                    supplier: supplier ?? "", warehouseId: chosen[0].warehouseId, expectedOn: expected, lines: lines,
                    note: form.string("note")), by: principal.actor)
            return req.redirect(to: "/purchasing/orders/\(order.id)")
        } again: { failure in
            return try await PageRenderer.render(
                "purchasing", title: "purchasing.title",
                try await purchasingModel(req, errors: errors + failure.messages),
                for: req, status: errors.isEmpty ? failure.status : .unprocessableEntity)
        }
    }

    func orderModel(_ req: Request, _ o: PurchaseOrderView, errors: [FieldMessage] = []) throws -> OrderModel {
        Self.orderModel(o, principal: try req.requirePrincipal(), req.localizer, errors: errors)
    }

    @Sendable func order(_ req: Request) async throws -> Response {
        let view = try await Purchasing(req.store).get(req.pageId())
        return try await PageRenderer.render(
            "purchase-order", title: "purchasing.orderTitle", try orderModel(req, view), for: req)
    }

    func orderFailed(_ req: Request, _ id: Int, _ failure: PageFailure) async throws -> Response {
        let view = try await Purchasing(req.store).get(id)
        return try await PageRenderer.render(
            "purchase-order", title: "purchasing.orderTitle", try orderModel(req, view, errors: failure.messages),
            for: req, status: failure.status)
    }

    @Sendable func receiveOrder(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        let view = try await Purchasing(req.store).get(id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        var lines: [ReceiptLinesInput.Line] = []
        for line in view.lines {
            guard let text = form.string("quantity.\(line.id)") else { continue }
            guard let quantity = Self.decimal(text) else {
                v.add("quantity", .invalidFormat(expected: "a number"))
                continue
            }
            if quantity == 0 { continue }
            var expires: CalendarDate?
            if let date = form.string("expiresOn.\(line.id)") {
                expires = CalendarDate(iso: date)
                if expires == nil { v.add("expiresOn", .invalidFormat(expected: "YYYY-MM-DD")) }
            }
            lines.append(
                .init(
                    lineId: line.id, quantity: quantity, expiresOn: expires,
                    serials: Self.serials(form.string("serials.\(line.id)"))))
        }
        if lines.isEmpty { v.add("quantity", .required) }
        return try await FormCycle.run(req, page: "/purchasing/orders/\(id)", labels: Self.labels) {
            try v.finish()
            _ = try await Purchasing(req.store).receive(ReceiptLinesInput(lines: lines), order: id, by: principal.actor)
            return req.redirect(to: "/purchasing/orders/\(id)#receipts")
        } again: { failure in
            try await orderFailed(req, id, failure)
        }
    }

    @Sendable func inspectReceipt(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        let receipt = try req.pageId("receiptId")
        _ = try await Purchasing(req.store).get(id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let passed = Self.decimal(form.string("passed") ?? "0")
        let failed = Self.decimal(form.string("failed") ?? "0")
        if passed == nil { v.add("passed", .invalidFormat(expected: "a number")) }
        if failed == nil { v.add("failed", .invalidFormat(expected: "a number")) }
        return try await FormCycle.run(req, page: "/purchasing/orders/\(id)", labels: Self.labels) {
            try v.finish()
            _ = try await Purchasing(req.store).inspect(
                InspectionInput(
                    passed: passed ?? 0, failed: failed ?? 0, failedSerials: Self.serials(form.string("failedSerials")),
                    reason: form.string("reason")), receipt: receipt, order: id, by: principal.actor)
            return req.redirect(to: "/purchasing/orders/\(id)#receipts")
        } again: { failure in
            try await orderFailed(req, id, failure)
        }
    }

    @Sendable func closeOrder(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        return try await FormCycle.run(req, page: "/purchasing/orders/\(id)", labels: Self.labels) {
            _ = try await Purchasing(req.store).close(id, by: principal.actor)
            return req.redirect(to: "/purchasing/orders/\(id)")
        } again: { failure in
            try await orderFailed(req, id, failure)
        }
    }
}
