import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension PartsPages {
    // MARK: Requisition

    struct RequisitionModel: Encodable {
        struct Line: Encodable {
            var partId: Int
            var partNumber: String
            var partName: String
            var unit: String
            var quantity: String
            var issued: String
            var consumed: String
            var returned: String
            var writtenOff: String
            var outstanding: String
            var serials: String
            var unitPrice: String?
        }

        struct Entry: Encodable {
            var at: String
            var actor: String
            var event: String
            var status: String
            var reason: String?
            var detail: String?
        }

        struct EventForm: Encodable {
            var event: String
            var label: String
            var asksReason: Bool
            var needsReason: Bool
            var asksLine: Bool
            var asksVisit: Bool
            var asksSerials: Bool
            var asksFaultySerial: Bool
            var asksIssueSerials: Bool
            var secondary: Bool
        }

        var id: Int
        var number: String
        var engineer: String
        var warehouseCode: String
        var status: String
        var statusCode: String
        var requestNumber: String?
        var visitId: Int?
        var value: String
        var approver: String
        var requestedBy: String
        var created: String
        var note: String?
        var lines: [Line]
        var timeline: [Entry]
        var forms: [EventForm]
        var lineOptions: [SelectOption]
        var errors: [FieldMessage]
    }

    /// The steps `principal` may take now: the state allows them and the roles do (engineer steps also for those
    /// who move stock, as the API allows).
    static func events(_ r: RequisitionView, _ principal: Principal) -> [RequisitionEventKind] {
        r.allowedEvents.filter { $0 != .request && PartsController.may(principal, $0) }
    }

    func requisitionModel(_ req: Request, _ r: RequisitionView, errors: [FieldMessage] = []) throws
        -> RequisitionModel
    {
        let l = req.localizer
        let principal = try req.requirePrincipal()
        let forms = Self.events(r, principal).map { event -> RequisitionModel.EventForm in
            let line: Set<RequisitionEventKind> = [.consume, .returnUnused, .returnFaulty, .writeOff]
            return .init(
                event: event.rawValue, label: l.t("requisitionEvent.\(event.rawValue)"),
                asksReason: [.reject, .writeOff, .cancel].contains(event),
                needsReason: event == .reject || event == .writeOff, asksLine: line.contains(event),
                asksVisit: event == .consume, asksSerials: event == .consume || event == .returnUnused,
                asksFaultySerial: event == .consume || event == .returnFaulty, asksIssueSerials: event == .issue,
                secondary: [.reject, .cancel, .writeOff].contains(event))
        }
        return RequisitionModel(
            id: r.id, number: r.number, engineer: r.engineerName, warehouseCode: r.warehouseCode,
            status: l.t("requisitionStatus.\(r.status.rawValue)"), statusCode: r.status.rawValue,
            requestNumber: r.requestNumber, visitId: r.visitId, value: l.money(r.value) ?? "",
            approver: l.t("role.\(r.approverRole.rawValue)"), requestedBy: r.requestedBy,
            created: l.dateTime(r.createdAt), note: r.note,
            lines: r.lines.map {
                .init(
                    partId: $0.partId, partNumber: $0.partNumber, partName: $0.partName, unit: l.unit($0.unit),
                    quantity: l.quantity($0.quantity), issued: l.quantity($0.issued),
                    consumed: l.quantity($0.consumed), returned: l.quantity($0.returned),
                    writtenOff: l.quantity($0.writtenOff), outstanding: l.quantity($0.outstanding),
                    serials: $0.serials.joined(separator: ", "), unitPrice: l.money($0.unitPrice))
            },
            timeline: r.timeline.map {
                .init(
                    at: l.dateTime($0.at), actor: $0.actor, event: l.t("requisitionEvent.\($0.event.rawValue)"),
                    status: l.t("requisitionStatus.\($0.to.rawValue)"), reason: $0.reason, detail: $0.detail)
            }, forms: forms,
            lineOptions: r.lines.map {
                SelectOption(value: "\($0.partId)", label: "\($0.partNumber) · \($0.partName)", selected: false)
            }, errors: errors)
    }

    /// A requisition the caller may see: engineer-only callers only their own (404 for others).
    static func visibleRequisition(_ req: Request, _ id: Int) async throws -> RequisitionView {
        let view = try await Requisitions(req.store).get(id)
        try await PartsController.checkOwn(view, req)
        return view
    }

    @Sendable func requisition(_ req: Request) async throws -> Response {
        let view = try await Self.visibleRequisition(req, req.pageId())
        return try await PageRenderer.render(
            "requisition", title: "requisition.title", try requisitionModel(req, view), for: req)
    }

    /// One step on a requisition from a form; a refusal of the store is shown on the page, nothing changed.
    @Sendable func requisitionEvent(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        let view = try await Self.visibleRequisition(req, id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let event = form.value("event", RequisitionEventKind.self, into: &v)
        if event == nil, form.string("event") == nil { v.add("event", .required) }
        if let event, !PartsController.may(principal, event) {
            throw Forbidden(action: PartsController.action(for: event))
        }
        let partId = form.int("partId", into: &v)
        let visitId = form.int("visitId", into: &v)
        var quantity: Double?
        if let text = form.string("quantity") {
            quantity = Self.decimal(text)
            if quantity == nil { v.add("quantity", .invalidFormat(expected: "a number")) }
        }
        var issueSerials: [String: [String]] = [:]
        for line in view.lines {
            if let serials = Self.serials(form.string("issueSerials.\(line.partNumber)")) {
                issueSerials[line.partNumber] = serials
            }
        }
        return try await FormCycle.run(req, labels: Self.labels) {
            try v.finish()
            guard let event else { throw ValidationError(["event": .required]) }
            let input = RequisitionEventInput(
                event: event, reason: form.string("reason"), partId: partId, quantity: quantity,
                serials: Self.serials(form.string("serials")), issueSerials: issueSerials.isEmpty ? nil : issueSerials,
                faultySerial: form.string("faultySerial"), visitId: visitId)
            _ = try await Requisitions(req.store).post(input, to: id, roles: principal.roles, by: principal.actor)
            return req.redirect(to: LocalRedirect.path(form.string("back")) ?? "/requisitions/\(id)")
        } again: { failure in
            let fresh = try await Requisitions(req.store).get(id)
            return try await PageRenderer.render(
                "requisition", title: "requisition.title", try requisitionModel(req, fresh, errors: failure.messages),
                for: req, status: failure.status)
        }
    }

    struct PrintModel: Encodable {
        var id: Int
        var number: String
        var engineer: String
        var warehouseCode: String
        var status: String
        var requestNumber: String?
        var requestedBy: String
        var created: String
        var value: String
        var note: String?
        var lines: [RequisitionModel.Line]
        var printedAt: String
    }

    /// 配件领用单: one requisition, print-friendly, with signature lines.
    @Sendable func printRequisition(_ req: Request) async throws -> Response {
        let l = req.localizer
        let view = try await Self.visibleRequisition(req, req.pageId())
        let model = try requisitionModel(req, view)
        return try await PageRenderer.render(
            "requisition-print", title: "requisition.printTitle",
            PrintModel(
                id: view.id, number: view.number, engineer: view.engineerName, warehouseCode: view.warehouseCode,
                status: model.status, requestNumber: view.requestNumber, requestedBy: view.requestedBy,
                created: model.created, value: model.value, note: view.note, lines: model.lines,
                printedAt: l.dateTime(req.store.now)), for: req)
    }
}
