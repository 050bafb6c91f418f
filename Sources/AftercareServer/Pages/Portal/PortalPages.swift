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
        root.on(
            .POST, "portal", "requests", ":id", "messages",
            body: .collect(maxSize: ByteCount(value: ConversationIntake.maxBody)), use: postMessage
        ).requires(.action(.usePortal)).accepts(upTo: ConversationIntake.maxBody)
        registerReports(root)
    }

    /// the customer writes on their own request, with files (another customer's request is not found).
    @Sendable func postMessage(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        _ = try await ServiceRequests(req.store).get(id)
        let form = try ConversationIntake.read(req)
        return try await FormCycle.run(req, page: "/portal/requests/\(id)#conversation", labels: .area("conversation"))
        {
            _ = try await req.conversations.post(
                MessageInput(
                    kind: .customerMessage, source: .portal, body: form.body, authorName: principal.displayName,
                    attachments: form.files), to: id, by: principal.actor)
            return req.redirect(to: "/portal/requests/\(id)#conversation")
        } again: { failure in
            var model = try await detailModel(req, id: id)
            model.conversation.errors = failure.messages
            model.conversation.typed = form.body
            return try await PageRenderer.render(
                "portal-request", title: "portal.requestTitle", model, for: req, status: failure.status)
        }
    }

    func detailModel(_ req: Request, id: Int) async throws -> DetailModel {
        let view = try await ServiceRequests(req.store).get(id)
        let appointments = try await Visits(req.store).appointments(ofRequest: view.id)
        let messages = try await req.conversations.list(view.id, includeInternal: false)
        // the schedule the engineer charges by, as published for the request's unit today.
        let fees = FeeSchedules(req.store)
        let schedule = try await fees.applicable(to: view.orgUnitId, on: fees.today(of: view.orgUnitId))
        var filter = ReportFilter()
        filter.requestId = view.id
        let reports = try await req.reports.list(filter, page: PageRequest(limit: Limits.unitsPerRequest)).items
        var documents = FeeDocumentFilter()
        documents.requestId = view.id
        return Self.detailModel(
            view, appointments: appointments, messages: messages, schedule: schedule, reports: reports,
            quotes: try await Quotes(req.store).of(request: view.id),
            documents: try await FeeDocuments(req.store).list(documents, page: PageRequest(limit: 50)).items,
            principal: try req.requirePrincipal(), req.localizer)
    }

    @Sendable func home(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let l = req.localizer
        let customer = try await Records<CustomerRecord>(req.store).get(principal.customerId ?? 0)
        let units = try await Records<UnitRecord>(req.store).list(page: PageRequest(limit: 200))
        let page = try QueryReader(req: req).page()
        let requests = try await ServiceRequests(req.store).list(
            RequestFilter(), page: PageRequest(limit: 20, afterId: page.afterId))
        let today = req.store.today
        let model = Self.homeModel(
            HomeData(customer: customer, units: units.items, requests: requests), principal: principal, l,
            today: today)
        return try await PageRenderer.render("portal-home", title: "portal.title", model, for: req)
    }

    /// Reads what the new request form offers: the customer's units, their open requests (to warn before a second
    /// one), and the contact the account is (to fill in who to call).
    func newModel(_ req: Request, unitId: Int?, form: FormReader? = nil, errors: [FieldMessage] = []) async throws
        -> NewModel
    {
        let principal = try req.requirePrincipal()
        let units = try await Records<UnitRecord>(req.store).list(page: PageRequest(limit: 200))
        var open = RequestFilter()
        open.statuses = RequestStatus.allCases.filter(\.isOpen)
        let openRequests = try await ServiceRequests(req.store).list(open, page: PageRequest(limit: 200)).items
        let customer = try await Records<CustomerRecord>(req.store).get(principal.customerId ?? 0)
        let contact = Self.contact(of: principal, in: customer)
        let typed = NewForm(
            unitId: unitId, faultDescription: form?.string("faultDescription") ?? "",
            preferredTime: form?.string("preferredTime") ?? "",
            customerRequest: form?.string("customerRequest") ?? "",
            contactName: form?.string("contactName") ?? contact?.name ?? principal.displayName,
            contactPhone: form?.string("contactPhone") ?? contact?.phones.first ?? "")
        return Self.newModel(
            NewData(units: units.items, openRequests: openRequests), principal: principal, req.localizer, form: typed,
            nonce: Secret.make().text, errors: errors)
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
        return try await FormCycle.run(req, page: "/portal/requests/new") {
            try v.finish()
            guard let unitId else { throw ValidationError(["unitId": .required]) }
            // Another customer's unit is not found: the scoped store does not see it.
            guard (try? await Records<UnitRecord>(req.store).get(unitId)) != nil else {
                throw ValidationError(["unitId": .notFound])
            }
            // Who to call: as typed, else the contact the account is, so the desk never gets a portal request
            // without a name and a phone.
            let customer = try await Records<CustomerRecord>(req.store).get(principal.customerId ?? 0)
            let contact = Self.contact(of: principal, in: customer)
            let input = ServiceRequestInput(
                customerId: principal.customerId ?? 0,
                contactName: form.string("contactName") ?? contact?.name ?? principal.displayName,
                contactPhone: form.string("contactPhone") ?? contact?.phones.first, unitIds: [unitId],
                channel: .portal, type: .repair, faultDescription: form.string("faultDescription") ?? "",
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

    @Sendable func detail(_ req: Request) async throws -> Response {
        let model = try await detailModel(req, id: req.pageId())
        return try await PageRenderer.render("portal-request", title: "portal.requestTitle", model, for: req)
    }
}
