import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension ReturnPages {
    /// Reads what the case page shows: the repair order once decided, the loans, and what the caller's roles need.
    func caseData(_ req: Request, id: Int) async throws -> CaseData {
        let principal = try req.requirePrincipal()
        let cases = ReturnCases(req.store)
        let view = try await cases.get(id)
        // The repair order once the decision to repair stands.
        let repairs = view.resolution?.repairs == true && view.status != .decided
        let loaners = Loaners(req.store)
        return CaseData(
            returnCase: view, timeline: try await cases.timeline(id),
            repair: repairs ? try await cases.repair(id) : nil, loans: try await loaners.loans(ofCase: id),
            // A loaner stands in for a unit of the same model.
            loaners: principal.may(.lendLoaners) && view.status.isOpen
                ? try await loaners.pool(orgUnitId: view.depotUnitId, status: .available, page: PageRequest(limit: 100))
                    .items.filter { loaner in view.units.contains { $0.modelId == loaner.modelId } } : [],
            warehouses: repairs && view.status == .inRepair && principal.may(.workDepot)
                ? try await Records<WarehouseRecord>(req.store).list(
                    page: PageRequest(limit: 50),
                    filter: .warehouses(
                        kinds: WarehouseKind.allCases.filter(\.issuable), orgUnitId: view.depotUnitId)
                ).items : [],
            photos: try await req.returnPhotos.of(id),
            canAddPhotos: view.status.isOpen
                && [.openReturns, .inspectReturns, .workDepot].contains(where: principal.may),
            principal: principal, today: req.store.today,
            followUpAt: view.shippedBackAt == nil || !principal.may(.viewRequests)
                ? nil : try await FollowUps(req.store).scheduled(requestId: view.requestId, trigger: .depotReturn))
    }

    @Sendable func detail(_ req: Request) async throws -> Response {
        try await renderCase(req, data: try await caseData(req, id: req.pageId()))
    }

    func renderCase(_ req: Request, data: CaseData, status: HTTPStatus = .ok) async throws -> Response {
        try await PageRenderer.render(
            "return-case", title: "returns.caseTitle", Self.caseModel(data, req.localizer), for: req, status: status)
    }

    /// A refused form on the case page: the page again with the messages and what was typed.
    func again(_ req: Request, id: Int, form: FormReader, names: [String], failure: PageFailure) async throws
        -> Response
    {
        var data = try await caseData(req, id: id)
        data.errors = failure.messages
        data.typed = form.typed(names)
        return try await renderCase(req, data: data, status: failure.status)
    }

    /// the return form (退换货单): the product, the reason, the inspection, the responsibility, the opinion
    /// and the approvals, in the reader's language (`?lang=` for another).
    @Sendable func printForm(_ req: Request) async throws -> Response {
        req.usePrintLanguage()
        let data = try await caseData(req, id: req.pageId())
        return try await PageRenderer.render(
            "return-print", title: "returns.formTitle", Self.caseModel(data, req.localizer), for: req)
    }

    /// One step: the event and what it carries, as the case page's forms post them.
    @Sendable func step(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        let view = try await ReturnCases(req.store).get(id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        guard let event = form.value("event", ReturnEventKind.self, into: &v) else {
            throw Abort(.badRequest)
        }
        let needed = Action.for(returnEvent: event)
        guard principal.may(needed) else { throw Forbidden(action: needed) }
        let version = form.int("version", into: &v)
        var input = ReturnStepInput(event, note: form.string("note"), expectedVersion: version)
        switch event {
        case .ship, .shipBack:
            input.carrier = form.string("carrier")
            input.trackingNumber = form.string("trackingNumber")
            if event == .shipBack, view.resolution == .exchange {
                input.replacements = view.units.map {
                    ReplacementInput(unitId: $0.unitId, serialNumber: form.string("replacement.\($0.unitId)") ?? "")
                }
            }
        case .receive:
            input.serials = form.all("serial").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case .inspect:
            input.inspections = view.units.map { unit in
                let ticked = Set(form.all("check.\(unit.unitId)"))
                let responsibility =
                    form.value("responsibility.\(unit.unitId)", Responsibility.self, into: &v) ?? .noFaultFound
                return UnitInspectionInput(
                    unitId: unit.unitId,
                    checklist: Dictionary(
                        uniqueKeysWithValues: InspectionItem.allCases.map { ($0, ticked.contains($0.rawValue)) }),
                    findings: form.string("findings.\(unit.unitId)"), responsibility: responsibility,
                    usable: form.bool("usable.\(unit.unitId)"))
            }
        case .decide:
            input.resolution = form.value("resolution", ReturnResolution.self, into: &v)
            var costs = ReturnCosts()
            for (name, key) in [
                ("repairCost", \ReturnCosts.repairMinor), ("newUnitCost", \.newUnitMinor),
                ("refundAmount", \.refundMinor),
            ] {
                guard let text = form.string(name) else { continue }
                if let minor = Money.minor(parsing: text) {
                    costs[keyPath: key] = minor
                } else {
                    v.add(name, .invalidFormat(expected: "an amount"))
                }
            }
            input.costs = costs
        default: break
        }
        return try await FormCycle.run(req, page: "/returns/\(id)", labels: Self.labels) {
            try v.finish()
            _ = try await ReturnCases(req.store).post(input, to: id, by: principal.actor)
            return req.redirect(to: "/returns/\(id)")
        } again: { failure in
            try await again(
                req, id: id, form: form,
                names: ["note", "carrier", "trackingNumber", "repairCost", "newUnitCost", "refundAmount"],
                failure: failure)
        }
    }

    /// The repair order's report and labour.
    @Sendable func writeRepair(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        _ = try await ReturnCases(req.store).get(id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let labour = form.int("labourMinutes", into: &v) ?? 0
        let version = form.int("version", into: &v)
        return try await FormCycle.run(req, page: "/returns/\(id)#repair", labels: Self.labels) {
            try v.finish()
            _ = try await ReturnCases(req.store).writeRepair(
                id,
                DepotRepairInput(
                    diagnosis: form.string("diagnosis"), actions: form.string("actions"), tests: form.string("tests"),
                    labourMinutes: labour, technician: form.string("technician"), expectedVersion: version),
                by: principal.actor)
            return req.redirect(to: "/returns/\(id)#repair")
        } again: { failure in
            try await again(
                req, id: id, form: form, names: ["diagnosis", "actions", "tests", "labourMinutes", "technician"],
                failure: failure)
        }
    }

    /// Parts for the repair, by part number, from one of the depot's warehouses.
    @Sendable func useParts(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        _ = try await ReturnCases(req.store).get(id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let warehouse = form.int("warehouseId", into: &v)
        let quantity = TypedNumber.decimal(form.string("quantity"))
        if quantity == nil { v.add("quantity", .invalidFormat(expected: "a number")) }
        if warehouse == nil { v.add("warehouseId", .required) }
        var partId: Int?
        if let number = form.string("partNumber") {
            partId = try await Records<PartRecord>(req.store).list(
                page: PageRequest(limit: 1), filter: .parts(number: number)
            ).items.first?.id
            if partId == nil { v.add("partId", .notFound) }
        } else {
            v.add("partId", .required)
        }
        let serials = (form.string("serials") ?? "").split(whereSeparator: { $0 == "," || $0.isWhitespace })
            .map(String.init)
        return try await FormCycle.run(req, page: "/returns/\(id)#repair", labels: Self.labels) {
            try v.finish()
            _ = try await ReturnCases(req.store).useParts(
                id,
                DepotPartInput(
                    partId: partId!, quantity: quantity!, warehouseId: warehouse!,
                    serials: serials.isEmpty ? nil : serials), by: principal.actor)
            return req.redirect(to: "/returns/\(id)#repair")
        } again: { failure in
            try await again(
                req, id: id, form: form, names: ["partNumber", "quantity", "warehouseId", "serials"], failure: failure)
        }
    }

    /// photos of the unit, for those who open, inspect or work cases.
    @Sendable func photos(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        _ = try await ReturnCases(req.store).get(id)
        guard [.openReturns, .inspectReturns, .workDepot].contains(where: principal.may) else {
            throw Forbidden(action: .inspectReturns)
        }
        return try await FormCycle.run(req, page: "/returns/\(id)#photos", labels: Self.labels) {
            let files: [NewAttachment]
            do {
                files = try ReportIntake.files(req)
            } catch {
                throw ValidationError(["files": .invalidFormat(expected: "photos chosen in the form")])
            }
            _ = try await req.returnPhotos.add(files, to: id, by: principal.actor)
            return req.redirect(to: "/returns/\(id)#photos")
        } again: { failure in
            var data = try await caseData(req, id: id)
            data.errors = failure.messages
            return try await renderCase(req, data: data, status: failure.status)
        }
    }

    /// A photo of a case the reader sees.
    @Sendable func photo(_ req: Request) async throws -> Response {
        FileResponse.make(try await req.returnPhotos.file(req.pageId()))
    }

    /// a loaner of the depot's pool goes to the case's customer until a day.
    @Sendable func lend(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        _ = try await ReturnCases(req.store).get(id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let loaner = form.int("loanerId", into: &v)
        let due = form.string("dueOn").flatMap(CalendarDate.init(iso:))
        if loaner == nil { v.add("loanerId", .required) }
        if due == nil { v.add("dueOn", .invalidFormat(expected: "YYYY-MM-DD")) }
        return try await FormCycle.run(req, page: "/returns/\(id)#loans", labels: Self.labels) {
            try v.finish()
            _ = try await Loaners(req.store).lend(
                loaner!, LoanInput(caseId: id, dueOn: due!, note: form.string("loanNote")), by: principal.actor)
            return req.redirect(to: "/returns/\(id)#loans")
        } again: { failure in
            try await again(req, id: id, form: form, names: ["dueOn", "loanNote"], failure: failure)
        }
    }
}
