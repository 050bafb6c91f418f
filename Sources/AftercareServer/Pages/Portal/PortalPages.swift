import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// the customer portal. A customer account sees its own units and requests only (the store is scoped to
/// the customer), submits a request for one of its units, and follows it without internal notes.
struct PortalPages: Sendable {
    func register(_ root: any RoutesBuilder) {
        root.get("portal", use: home).requires(.action(.usePortal))
        root.get("portal", "requests", "new", use: newRequest).requires(.action(.usePortal))
        root.post("portal", "requests", use: submit).requires(.action(.usePortal))
        root.get("portal", "requests", ":id", use: detail).requires(.action(.usePortal))
    }

    struct HomeModel: Encodable {
        var customerName: String
        var units: [UnitRowModel]
        var requests: [RequestRowModel]
        var next: String?
    }

    @Sendable func home(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let l = req.localizer
        let customer = try await Records<CustomerRecord>(req.store).get(principal.customerId ?? 0)
        let units = try await Records<UnitRecord>(req.store).list(page: PageRequest(limit: 200))
        let page = try QueryReader(req: req).page()
        let requests = try await ServiceRequests(req.store).list(
            RequestFilter(), page: PageRequest(limit: 20, afterId: page.afterId))
        let today = CalendarDate(req.store.now, in: req.store.timeZone)
        let model = HomeModel(
            customerName: customer.name,
            units: units.items.map { UnitRowModel($0, today: today, l) },
            requests: requests.items.map { RequestRowModel($0, l) },
            next: requests.nextCursor.map { "/portal?cursor=\($0)" })
        return try await PageRenderer.render("portal-home", title: "portal.title", model, for: req)
    }

    struct NewModel: Encodable {
        var units: [SelectOption]
        var faultDescription: String
        var preferredTime: String
        var customerRequest: String
        var errors: [FieldMessage]
        var nonce: String
    }

    func newModel(_ req: Request, unitId: Int?, form: FormReader? = nil, errors: [FieldMessage] = []) async throws
        -> NewModel
    {
        let units = try await Records<UnitRecord>(req.store).list(page: PageRequest(limit: 200))
        return NewModel(
            units: units.items.map {
                SelectOption(
                    value: "\($0.id)", label: "\($0.modelCode) · \($0.serialNumber)", selected: $0.id == unitId)
            },
            faultDescription: form?.string("faultDescription") ?? "",
            preferredTime: form?.string("preferredTime") ?? "",
            customerRequest: form?.string("customerRequest") ?? "", errors: errors, nonce: Secret.make().text)
    }

    @Sendable func newRequest(_ req: Request) async throws -> Response {
        let unitId = try? req.query.get(Int.self, at: "unitId")
        return try await PageRenderer.render(
            "portal-new", title: "portal.newTitle", try await newModel(req, unitId: unitId), for: req)
    }

    @Sendable func submit(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let unitId = form.int("unitId", into: &v)
        return try await FormCycle.run(req) {
            try v.finish()
            guard let unitId else { throw ValidationError(["unitId": .required]) }
            // Another customer's unit is not found: the scoped store does not see it.
            guard (try? await Records<UnitRecord>(req.store).get(unitId)) != nil else {
                throw ValidationError(["unitId": .notFound])
            }
            let input = ServiceRequestInput(
                customerId: principal.customerId ?? 0, unitIds: [unitId], channel: .portal, type: .repair,
                faultDescription: form.string("faultDescription") ?? "",
                customerRequest: form.string("customerRequest"), preferredTime: form.string("preferredTime"))
            let key = form.nonceKey("/portal/requests", for: principal)
            let view = try await req.registerServiceRequest(input, key: key)
            return req.redirect(to: "/portal/requests/\(view.id)")
        } again: { failure in
            let model = try await newModel(req, unitId: unitId, form: form, errors: failure.messages)
            return try await PageRenderer.render(
                "portal-new", title: "portal.newTitle", model, for: req, status: failure.status)
        }
    }

    struct DetailModel: Encodable {
        var number: String
        var status: String
        var statusCode: String
        var nextStep: String
        var type: String
        var faultDescription: String
        var preferredTime: String?
        var created: String
        var units: [UnitLineModel]
        var timeline: [TimelineModel]
    }

    @Sendable func detail(_ req: Request) async throws -> Response {
        let l = req.localizer
        let view = try await ServiceRequests(req.store).get(req.pageId())
        let model = DetailModel(
            number: view.number, status: l.t("status.\(view.status.rawValue)"), statusCode: view.status.rawValue,
            nextStep: l.t(NextStep.key(for: view.status)), type: l.t("type.\(view.type.rawValue)"),
            faultDescription: view.faultDescription, preferredTime: view.preferredTime,
            created: l.dateTime(view.createdAt),
            units: view.units.map { UnitLineModel($0, l) },
            timeline: (view.timeline ?? []).map { TimelineModel($0, l, showNotes: false) })
        return try await PageRenderer.render("portal-request", title: "portal.requestTitle", model, for: req)
    }
}
