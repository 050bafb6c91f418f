import AftercareDispatch
import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension DispatchPages {
    // MARK: Visit

    /// Reads what the visit page shows for the caller: the recommendations only for a dispatcher and an open visit,
    /// the requisitions only for those who may see stock (an engineer-only caller's own, as on the worklist).
    static func visitData(_ req: Request, id: Int) async throws -> VisitData {
        let principal = try req.requirePrincipal()
        let store = req.store
        let visit = try await Visits(store).get(id)
        let lines = try await Self.lineNames(req)
        let own = try await Engineers(store).of(userId: principal.userId)
        let dispatcher = principal.may(.dispatchVisits)
        let engineers =
            dispatcher ? try await Records<EngineerRecord>(store).list(page: PageRequest(limit: 200)).items : []
        var candidates: [Recommendation] = []
        if dispatcher, visit.status.isOpen {
            candidates = (try? await DispatchPlanning(store).recommendations(for: id)) ?? []
        }
        var requisitions: [RequisitionView]?
        var warehouses: [WarehouseRecord.View] = []
        if principal.may(.viewStock) {
            var filter = RequisitionFilter(visitId: visit.id)
            if principal.ownRequisitionsOnly { filter.engineerId = own?.id ?? -1 }
            requisitions = try await Requisitions(store).list(filter, page: PageRequest(limit: 50)).items
            if Self.canRequestParts(visit, principal, engineer: own) {
                warehouses = try await req.warehouses(
                    kinds: WarehouseKind.allCases.filter { $0.issuable && ($0 != .emergencyReserve || visit.emergency) }
                )
            }
        }
        var filter = ReportFilter()
        filter.visitId = id
        return VisitData(
            visit: visit, lines: lines, own: own, engineers: engineers, candidates: candidates,
            requisitions: requisitions, warehouses: warehouses,
            units: try await ServiceRequests(store).get(visit.requestId).units,
            reports: try await req.reports.list(filter, page: PageRequest(limit: Limits.unitsPerRequest)).items)
    }

    func visitModel(
        _ req: Request, id: Int, typed: Typed? = nil, errors: [FieldMessage] = [],
        conflicts: [VisitModel.Conflict] = [], result: VisitEventResult? = nil, warehouseId: Int? = nil
    ) async throws -> VisitModel {
        Self.visitModel(
            try await Self.visitData(req, id: id), principal: try req.requirePrincipal(), req.localizer, typed: typed,
            errors: errors, conflicts: conflicts, result: result, warehouseId: warehouseId)
    }

    @Sendable func visit(_ req: Request) async throws -> Response {
        try await PageRenderer.render(
            "visit", title: "visit.title", try await visitModel(req, id: req.pageId()), for: req)
    }

    /// one event on a visit from a form: dispatchers take any; engineers the field events of their own
    /// visits, as the API allows.
    @Sendable func event(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        let l = req.localizer
        let store = req.store
        let visit = try await Visits(store).get(id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let event = form.value("event", VisitEventKind.self, into: &v)
        let engineerId = form.int("engineerId", into: &v)
        if let event, !principal.may(.dispatchVisits) {
            let needed = Action.for(visit: event)
            guard principal.may(needed) else { throw Forbidden(action: needed) }
            let engineer = try await Engineers(store).of(userId: principal.userId)
            guard let engineer, visit.engineerId == engineer.id else { throw Forbidden(action: .dispatchVisits) }
            if let engineerId, engineerId != engineer.id { throw Forbidden(action: .dispatchVisits) }
        }
        if event == nil, form.string("event") == nil { v.add("event", .required) }
        let recommended = form.int("recommendedEngineerId", into: &v)
        let zone = store.timeZone
        let start = form.localTime("windowStart", zone, into: &v)
        let end = form.localTime("windowEnd", zone, into: &v)
        let nextStep = form.value("nextStep", VisitNextStep.self, into: &v)
        let version = form.int("version", into: &v)
        let typed = Typed(
            engineerId: engineerId, windowStart: form.string("windowStart") ?? "",
            windowEnd: form.string("windowEnd") ?? "", reason: form.string("reason") ?? "")
        func failed(_ errors: [FieldMessage], conflicts: [VisitModel.Conflict] = [], _ status: HTTPStatus)
            async throws -> Response
        {
            let model = try await visitModel(req, id: id, typed: typed, errors: errors, conflicts: conflicts)
            return try await PageRenderer.render("visit", title: "visit.title", model, for: req, status: status)
        }
        return try await FormCycle.run(req, page: "/visits/\(id)", labels: .area("visit")) {
            try v.finish()
            guard let event else { throw ValidationError(["event": .required]) }
            let appointing: [VisitEventKind] = [.assign, .schedule, .reschedule]
            let input = VisitEventInput(
                event: event, engineerId: appointing.contains(event) ? engineerId : nil,
                windowStart: event == .assign ? nil : start, windowEnd: event == .assign ? nil : end,
                reason: form.string("reason"),
                customerConsent: event == .reschedule ? form.bool("customerConsent") : nil,
                nextStep: event == .reportIncomplete ? nextStep : nil,
                resolved: event == .complete ? form.bool("resolved") : nil,
                displace: event == .schedule && form.bool("displace") ? true : nil,
                recommendedEngineerId: appointing.contains(event) ? recommended : nil, note: form.string("note"))
            let result = try await Visits(store).post(input, to: id, expectedVersion: version, by: principal.actor)
            if !result.displaced.isEmpty || result.followUpVisitId != nil {
                let model = try await visitModel(req, id: id, result: result)
                return try await PageRenderer.render("visit", title: "visit.title", model, for: req)
            }
            return req.redirect(to: LocalRedirect.path(form.string("back")) ?? "/visits/\(id)")
        } again: { failure in
            guard let refused = failure.error as? AppointmentRefused else {
                return try await failed(failure.messages, failure.status)
            }
            let lines = try await Self.lineNames(req)
            var others: [Int: VisitView] = [:]
            for case .overlaps(let other) in refused.conflicts {
                others[other] = try? await Visits(store).get(other)
            }
            return try await failed(
                [],
                conflicts: refused.conflicts.map {
                    .init(code: $0.code, message: Self.conflict($0, lines: lines, others: others, l))
                }, failure.status)
        }
    }

    /// the likely parts of the visit's preparation list become a requisition for its engineer, from the
    /// chosen warehouse; a refusal (no catalogue part, a warehouse that does not issue…) is shown on the visit page.
    /// The visit is loaded first: another branch's visit answers 404 before the form is read.
    @Sendable func requestParts(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        let store = req.store
        let visit = try await Visits(store).get(id)
        let own = try await Engineers(store).of(userId: principal.userId)
        guard Self.mayRequestParts(visit, principal, engineer: own) else { throw Forbidden(action: .dispatchVisits) }
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let warehouseId = form.int("warehouseId", into: &v)
        if warehouseId == nil, form.string("warehouseId") == nil { v.add("warehouseId", .required) }
        return try await FormCycle.run(req, page: "/visits/\(id)", labels: .area("parts")) {
            try v.finish()
            let requisition = try await Requisitions(store).fromVisit(
                id, warehouseId: warehouseId ?? 0, by: principal.actor)
            return req.redirect(to: "/requisitions/\(requisition.id)")
        } again: { failure in
            let model = try await visitModel(req, id: id, errors: failure.messages, warehouseId: warehouseId)
            return try await PageRenderer.render("visit", title: "visit.title", model, for: req, status: failure.status)
        }
    }
}
