import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension PartsPages {
    // MARK: New requisition

    /// Reads what the new requisition form offers the caller: the engineers only to those who request for others,
    /// the open visits of the engineer typed or of the caller.
    static func newRequisitionData(_ req: Request, typed: TypedRequisition) async throws -> NewRequisitionData {
        let store = req.store
        let (ownOnly, own) = try await Self.ownEngineer(req)
        let issuable = try await req.warehouses(kinds: WarehouseKind.allCases.filter(\.issuable))
        let engineers =
            ownOnly ? [] : try await Records<EngineerRecord>(store).list(page: PageRequest(limit: 200)).items
        let engineerId = typed.engineerId ?? own?.id
        var visits: [VisitView] = []
        if let engineerId {
            var filter = VisitFilter()
            filter.engineerId = engineerId
            filter.statuses = VisitStatus.allCases.filter(\.isOpen)
            visits = try await Visits(store).list(filter, page: PageRequest(limit: 100)).items
        }
        let parts = try await Records<PartRecord>(store).list(page: PageRequest(limit: 200)).items
        return NewRequisitionData(own: own, warehouses: issuable, engineers: engineers, visits: visits, parts: parts)
    }

    func newRequisitionModel(_ req: Request, typed: TypedRequisition = .init(), errors: [FieldMessage] = [])
        async throws -> NewRequisitionModel
    {
        Self.newRequisitionModel(
            try await Self.newRequisitionData(req, typed: typed), principal: try req.requirePrincipal(),
            req.localizer, typed: typed, errors: errors)
    }

    @Sendable func newRequisition(_ req: Request) async throws -> Response {
        var typed = TypedRequisition()
        typed.visitId = try QueryReader(req: req).int("visitId")
        return try await PageRenderer.render(
            "requisition-new", title: "requisition.newTitle", try await newRequisitionModel(req, typed: typed),
            for: req)
    }

    @Sendable func createRequisition(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let store = req.store
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        var typed = TypedRequisition()
        typed.engineerId = form.int("engineerId", into: &v)
        typed.warehouseId = form.int("warehouseId", into: &v)
        typed.visitId = form.int("visitId", into: &v)
        typed.note = form.string("note") ?? ""
        let numbers = form.all("partNumber")
        let quantities = form.all("quantity")
        var lines: [RequisitionInput.Line] = []
        for (index, raw) in numbers.enumerated() {
            let number = raw.trimmingCharacters(in: .whitespaces)
            let text = index < quantities.count ? quantities[index].trimmingCharacters(in: .whitespaces) : ""
            if number.isEmpty && text.isEmpty { continue }
            typed.lines.append((number, text))
            let row = typed.lines.count - 1
            let found = try await Records<PartRecord>(store).list(
                page: PageRequest(limit: 1), filter: .parts(number: number)
            ).items.first
            guard let found else {
                v.add("lines.\(row).partNumber", number.isEmpty ? .required : .notFound)
                continue
            }
            guard let quantity = Self.decimal(text) else {
                v.add("lines.\(row).quantity", text.isEmpty ? .required : .invalidFormat(expected: "a number"))
                continue
            }
            lines.append(.init(partId: found.id, quantity: quantity))
        }
        if typed.lines.isEmpty { v.add("lines", .required) }
        if typed.warehouseId == nil { v.add("warehouseId", .required) }
        // A line's problem names the line and the part number as typed: "Line 2, part number ab-77".
        let typedLines = typed.lines
        let labels = FieldLabels.area("parts") { path, l in
            let parts = path.split(separator: ".")
            guard parts.count == 3, parts[0] == "lines", let row = Int(parts[1]), row < typedLines.count else {
                return nil
            }
            let field = l.t("parts.field.\(parts[2])")
            return l.t("requisition.lineLabel").replacingOccurrences(of: "{n}", with: l.number(row + 1))
                .replacingOccurrences(of: "{field}", with: field)
                .replacingOccurrences(
                    of: "{value}", with: parts[2] == "partNumber" ? typedLines[row].0 : typedLines[row].1)
        }
        return try await FormCycle.run(req, page: "/requisitions/new", labels: labels) {
            try v.finish()
            let (ownOnly, own) = try await Self.ownEngineer(req)
            var engineerId = typed.engineerId ?? own?.id
            if ownOnly {
                if let other = typed.engineerId, other != own?.id { throw Forbidden(action: .dispatchVisits) }
                engineerId = own?.id
            }
            let view = try await Requisitions(store).create(
                RequisitionInput(
                    engineerId: engineerId, warehouseId: typed.warehouseId ?? 0, visitId: typed.visitId, lines: lines,
                    note: form.string("note")), by: principal.actor)
            return req.redirect(to: "/requisitions/\(view.id)")
        } again: { failure in
            return try await PageRenderer.render(
                "requisition-new", title: "requisition.newTitle",
                try await newRequisitionModel(req, typed: typed, errors: failure.messages), for: req,
                status: failure.status)
        }
    }
}
