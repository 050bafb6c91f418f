import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension PartsPages {
    // MARK: Purchasing

    struct PurchasingModel: Encodable {
        struct Suggestion: Encodable {
            var key: String
            var partId: Int
            var partNumber: String
            var partName: String
            var warehouseCode: String
            var available: String
            var onOrder: String
            var openDemand: String
            var position: String
            var reorderPoint: String
            var suggested: String
            var suggestedInput: String
            var unit: String
            var supplier: String?
            var price: String
        }

        struct Order: Encodable {
            var id: Int
            var number: String
            var supplier: String
            var warehouseCode: String
            var status: String
            var statusCode: String
            var expectedOn: String?
            var total: String
            var created: String
        }

        var canOrder: Bool
        var suggestions: [Suggestion]
        var orders: [Order]
        var next: String?
        var errors: [FieldMessage]
    }

    static func key(_ s: PurchaseSuggestion) -> String { "\(s.partId)-\(s.warehouseId)" }

    func purchasingModel(_ req: Request, errors: [FieldMessage] = []) async throws -> PurchasingModel {
        let l = req.localizer
        let principal = try req.requirePrincipal()
        let suggestions = try await Purchasing(req.store).suggestions()
        let orders = try await Purchasing(req.store).list(status: [], page: try QueryReader(req: req).page())
        return PurchasingModel(
            canOrder: principal.may(.managePurchasing),
            suggestions: suggestions.map { s in
                .init(
                    key: Self.key(s), partId: s.partId, partNumber: s.partNumber, partName: s.partName,
                    warehouseCode: s.warehouseCode, available: l.quantity(s.available),
                    onOrder: l.quantity(s.onOrder),
                    openDemand: l.quantity(s.openDemand), position: l.quantity(s.position),
                    reorderPoint: l.quantity(s.reorderPoint), suggested: l.quantity(s.suggested),
                    suggestedInput: s.suggested.formatted(.number.precision(.fractionLength(0...3)).grouping(.never)),
                    unit: l.unit(s.unit), supplier: s.supplier,
                    price: s.lastPrice.map {
                        (Double($0) / 100).formatted(.number.precision(.fractionLength(2)).grouping(.never))
                    } ?? "")
            },
            orders: orders.items.map { o in
                .init(
                    id: o.id, number: o.number, supplier: o.supplier, warehouseCode: o.warehouseCode,
                    status: l.t("purchaseStatus.\(o.status.rawValue)"), statusCode: o.status.rawValue,
                    expectedOn: o.expectedOn, total: l.money(o.total) ?? "", created: l.dateTime(o.createdAt))
            }, next: orders.nextCursor.map { PageLink.make("/purchasing", [("cursor", $0)]) + "#orders" },
            errors: errors)
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
        return try await FormCycle.run(req, labels: Self.labels) {
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

    struct OrderModel: Encodable {
        struct Line: Encodable {
            var id: Int
            var partId: Int
            var partNumber: String
            var partName: String
            var unit: String
            var quantity: String
            var unitPrice: String
            var received: String
            var accepted: String
            var rejected: String
            var open: String
            var openInput: String
        }

        struct Receipt: Encodable {
            var id: Int
            var partNumber: String
            var quantity: String
            var quantityInput: String
            var expiresOn: String?
            var serials: String
            var status: String
            var inspecting: Bool
            var received: String
            var inspected: String?
            var passed: String?
            var failed: String?
            var reason: String?
        }

        var id: Int
        var number: String
        var supplier: String
        var warehouseCode: String
        var status: String
        var statusCode: String
        var expectedOn: String?
        var note: String?
        var total: String
        var lines: [Line]
        var receipts: [Receipt]
        var canManage: Bool
        var canReceive: Bool
        var errors: [FieldMessage]
    }

    func orderModel(_ req: Request, _ o: PurchaseOrderView, errors: [FieldMessage] = []) throws -> OrderModel {
        let l = req.localizer
        let principal = try req.requirePrincipal()
        let numbers = Dictionary(o.lines.map { ($0.id, $0.partNumber) }, uniquingKeysWith: { a, _ in a })
        let open = o.status == .open || o.status == .partiallyReceived
        return OrderModel(
            id: o.id, number: o.number, supplier: o.supplier, warehouseCode: o.warehouseCode,
            status: l.t("purchaseStatus.\(o.status.rawValue)"), statusCode: o.status.rawValue, expectedOn: o.expectedOn,
            note: o.note, total: l.money(o.total) ?? "",
            lines: o.lines.map { line in
                let rest = max(0, line.quantity - line.received)
                return .init(
                    id: line.id, partId: line.partId, partNumber: line.partNumber, partName: line.partName,
                    unit: l.unit(line.unit), quantity: l.quantity(line.quantity),
                    unitPrice: l.money(line.unitPrice) ?? "", received: l.quantity(line.received),
                    accepted: l.quantity(line.accepted), rejected: l.quantity(line.rejected), open: l.quantity(rest),
                    openInput: rest.formatted(.number.precision(.fractionLength(0...3)).grouping(.never)))
            },
            receipts: o.receipts.map { r in
                .init(
                    id: r.id, partNumber: numbers[r.lineId] ?? "#\(r.lineId)", quantity: l.quantity(r.quantity),
                    quantityInput: r.quantity.formatted(.number.precision(.fractionLength(0...3)).grouping(.never)),
                    expiresOn: r.expiresOn, serials: r.serials.joined(separator: ", "),
                    status: l.t("receiptStatus.\(r.status == "inspecting" ? "inspecting" : "inspected")"),
                    inspecting: r.status == "inspecting", received: "\(l.dateTime(r.receivedAt)) · \(r.receivedBy)",
                    inspected: r.inspectedAt.map { "\(l.dateTime($0)) · \(r.inspectedBy ?? "")" },
                    passed: r.passed.map { l.quantity($0) }, failed: r.failed.map { l.quantity($0) },
                    reason: r.reason)
            }, canManage: principal.may(.managePurchasing), canReceive: open && principal.may(.managePurchasing),
            errors: errors)
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
        return try await FormCycle.run(req, labels: Self.labels) {
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
        return try await FormCycle.run(req, labels: Self.labels) {
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
        return try await FormCycle.run(req, labels: Self.labels) {
            _ = try await Purchasing(req.store).close(id, by: principal.actor)
            return req.redirect(to: "/purchasing/orders/\(id)")
        } again: { failure in
            try await orderFailed(req, id, failure)
        }
    }
}
