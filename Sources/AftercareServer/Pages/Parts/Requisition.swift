import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension PartsPages {
    // MARK: Requisition

    /// The page's model; the engineer's visits (those that held time, newest first) are read only when the caller
    /// may record a consumption, to choose the visit it was used on.
    func requisitionModel(_ req: Request, _ r: RequisitionView, errors: [FieldMessage] = []) async throws
        -> RequisitionModel
    {
        let principal = try req.requirePrincipal()
        var visits: [VisitView] = []
        if Self.events(r, principal).contains(.consume) {
            var filter = VisitFilter()
            filter.engineerId = r.engineerId
            filter.statuses = VisitStatus.allCases.filter(\.holdsTime)
            visits = try await Visits(req.store).list(filter, page: PageRequest(limit: 30)).items
        }
        return Self.requisitionModel(r, principal: principal, req.localizer, visits: visits, errors: errors)
    }

    @Sendable func requisition(_ req: Request) async throws -> Response {
        let view = try await Requisitions(req.store).get(req.pageId(), for: req.requirePrincipal())
        return try await PageRenderer.render(
            "requisition", title: "requisition.title", try await requisitionModel(req, view), for: req)
    }

    /// One step on a requisition from a form; a refusal of the store is shown on the page, nothing changed.
    @Sendable func requisitionEvent(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        let view = try await Requisitions(req.store).get(id, for: req.requirePrincipal())
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let event = form.value("event", RequisitionEventKind.self, into: &v)
        if event == nil, form.string("event") == nil { v.add("event", .required) }
        if let event, !principal.may(requisition: event) {
            throw Forbidden(action: Action.for(requisition: event))
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
        return try await FormCycle.run(req, page: "/requisitions/\(id)", labels: Self.labels) {
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
                "requisition", title: "requisition.title",
                try await requisitionModel(req, fresh, errors: failure.messages),
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
        let view = try await Requisitions(req.store).get(req.pageId(), for: req.requirePrincipal())
        let model = try await requisitionModel(req, view)
        return try await PageRenderer.render(
            "requisition-print", title: "requisition.printTitle",
            PrintModel(
                id: view.id, number: view.number, engineer: view.engineerName, warehouseCode: view.warehouseCode,
                status: model.status, requestNumber: view.requestNumber, requestedBy: view.requestedBy,
                created: model.created, value: model.value, note: view.note, lines: model.lines,
                printedAt: l.dateTime(req.store.now)), for: req)
    }
}
