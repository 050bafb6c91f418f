import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// the customer's side of complaints in the portal: they complain about their own requests, units and
/// products (or a policy, or anything else), follow the complaint to its result, and answer it: satisfied, not
/// satisfied with why, or withdrawn with the reason. The store is scoped to the customer: another customer's complaint
/// is not found, and the complaint comes without the investigation, the handler's notes and the review.
struct PortalComplaintPages: Sendable {
    func register(_ root: any RoutesBuilder) {
        root.get("portal", "complaints", use: list).requires(.action(.usePortal))
        root.get("portal", "complaints", "new", use: newForm).requires(.action(.usePortal))
        root.post("portal", "complaints", use: submit).requires(.action(.usePortal))
        root.get("portal", "complaints", ":id", use: detail).requires(.action(.usePortal))
        root.post("portal", "complaints", ":id", "events", use: answer).requires(.action(.usePortal))
    }

    /// `complaints.field.…`, then `field.…`; the records and the free text by the names the form gives them (the
    /// customer chooses a request, not its id).
    static let labels = FieldLabels.area(
        "complaints",
        special: { path, l in
            let own = [
                "subjectText": "complaints.field.about", "requestId": "portalComplaints.request",
                "unitId": "portalComplaints.unit", "productModelId": "portalComplaints.product",
            ]
            return own[path].map { l.t($0) }
        })

    // MARK: The list

    @Sendable func list(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let page = try QueryReader(req: req).page()
        let complaints = try await Complaints(req.store).list(
            ComplaintFilter(), for: principal, page: PageRequest(limit: 20, afterId: page.afterId))
        return try await PageRenderer.render(
            "portal-complaints", title: "portalComplaints.title",
            Self.listModel(ListData(complaints: complaints), principal: principal, req.localizer), for: req)
    }

    // MARK: A new complaint

    /// Reads what the form offers: the customer's requests and units (the same reads as the portal's home and the
    /// returns page).
    func newModel(_ req: Request, form: NewForm, errors: [FieldMessage] = []) async throws -> NewModel {
        let principal = try req.requirePrincipal()
        let requests = try await ServiceRequests(req.store).list(RequestFilter(), page: PageRequest(limit: 100)).items
        let units = try await Records<UnitRecord>(req.store).list(page: PageRequest(limit: 200)).items
        return Self.newModel(
            NewData(requests: requests, units: units), principal: principal, req.localizer, form: form, errors: errors)
    }

    /// `?requestId=` or `?unitId=` (a link from the request or the unit) chooses the subject and its record.
    @Sendable func newForm(_ req: Request) async throws -> Response {
        var form = NewForm()
        if let requestId = try? req.query.get(Int.self, at: "requestId"), requestId > 0 {
            form.subject = .request
            form.requestId = requestId
        } else if let unitId = try? req.query.get(Int.self, at: "unitId"), unitId > 0 {
            form.subject = .unit
            form.unitId = unitId
        }
        return try await PageRenderer.render(
            "portal-complaint-new", title: "portalComplaints.newTitle", try await newModel(req, form: form), for: req)
    }

    /// The form as typed; a field that is not one of the choices is a problem in `v`.
    static func typed(_ form: FormReader, into v: inout AftercareDomain.Validator) -> NewForm {
        let subject = form.value("subject", ComplaintSubject.self, into: &v)
        if form.string("subject") == nil { v.add("subject", .required) }
        let wish = form.value("wish", ComplaintWish.self, into: &v)
        if form.string("wish") == nil { v.add("wish", .required) }
        return NewForm(
            subject: subject, requestId: form.int("requestId", into: &v), unitId: form.int("unitId", into: &v),
            productModelId: form.int("productModelId", into: &v), about: form.string("about") ?? "",
            severity: form.value("severity", ComplaintSeverity.self, into: &v) ?? .normal, wish: wish,
            words: form.string("words") ?? "", wants: form.string("wants") ?? "")
    }

    /// The customer's contact that the account is (nil when the account names no customer the store sees).
    static func contact(_ req: Request, _ principal: Principal) async -> Contact? {
        guard let id = principal.customerId,
            let customer = try? await Records<CustomerRecord>(req.store).get(id)
        else { return nil }
        return PortalPages.contact(of: principal, in: customer)
    }

    /// the customer files a complaint about their own records; the store makes it theirs (customer, channel)
    /// and refuses another customer's request or unit as not found. Only the record of the chosen subject is sent (a
    /// unit chosen and then a subject changed is left out); the request goes along with any subject, as its context.
    @Sendable func submit(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let typed = Self.typed(form, into: &v)
        return try await FormCycle.run(req, page: "/portal/complaints/new", labels: Self.labels) {
            try v.finish()
            guard let subject = typed.subject, let wish = typed.wish else {
                throw ValidationError(["subject": .required])
            }
            // Who to call back: the contact the account is; a phone on file the store would refuse is left out (the
            // customer's own complaint needs none).
            let contact = await Self.contact(req, principal)
            let phone = contact?.phones.first(where: { PhoneNumber.isValid($0) })
            let view = try await Complaints(req.store).open(
                ComplaintInput(
                    complainantName: contact?.name ?? principal.displayName, complainantPhone: phone,
                    subject: subject, requestId: typed.requestId, unitId: subject == .unit ? typed.unitId : nil,
                    productModelId: subject == .product ? typed.productModelId : nil,
                    subjectText: typed.about.nilIfEmpty, severity: typed.severity, wish: wish, words: typed.words,
                    wants: typed.wants.nilIfEmpty),
                source: .portal, by: principal.actor)
            return req.redirect(to: "/portal/complaints/\(view.id)")
        } again: { failure in
            try await PageRenderer.render(
                "portal-complaint-new", title: "portalComplaints.newTitle",
                try await newModel(req, form: typed, errors: failure.messages), for: req, status: failure.status)
        }
    }

    // MARK: One complaint

    func detailModel(_ req: Request, id: Int, typed: StepForm = StepForm(), errors: [FieldMessage] = []) async throws
        -> DetailModel
    {
        let principal = try req.requirePrincipal()
        let file = try await Complaints(req.store).file(id, for: principal)
        return Self.detailModel(
            DetailData(file: file), principal: principal, req.localizer, typed: typed, errors: errors)
    }

    @Sendable func detail(_ req: Request) async throws -> Response {
        try await PageRenderer.render(
            "portal-complaint", title: "portalComplaints.caseTitle", try await detailModel(req, id: req.pageId()),
            for: req)
    }

    /// The name of the note in the customer's words, by the answer it goes with.
    static func noteKey(_ event: ComplaintEventKind?) -> String {
        switch event {
        case .reportNotSatisfied?: "portalComplaints.notSatisfiedWhy"
        case .withdraw?: "portalComplaints.withdrawReason"
        default: "portalComplaints.satisfiedNote"
        }
    }

    /// the customer's answer: satisfied (a note if they like), not satisfied (why) or withdrawn (the reason).
    /// The store takes no other step from a customer. Another customer's complaint is not found, before the form is
    /// read.
    @Sendable func answer(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        _ = try await Complaints(req.store).get(id, for: principal)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let event = form.value("event", ComplaintEventKind.self, into: &v)
        if form.string("event") == nil { v.add("event", .required) }
        if let event, !event.isCustomerAnswer {
            v.add(
                "event",
                .invalidValue(allowed: ComplaintEventKind.allCases.filter(\.isCustomerAnswer).map(\.rawValue)))
        }
        let version = form.int("version", into: &v)
        let typed = StepForm(event: event, note: form.string("note"))
        let key = Self.noteKey(event)
        let labels = FieldLabels.area(
            "complaints",
            special: { path, l in
                path == "note" ? l.t(key) : nil
            })
        return try await FormCycle.run(req, page: "/portal/complaints/\(id)", labels: labels) {
            try v.finish()
            guard let event else { throw ValidationError(["event": .required]) }
            _ = try await Complaints(req.store).post(
                ComplaintStepInput(event: event, note: typed.note, expectedVersion: version), to: id, by: principal)
            return req.redirect(to: "/portal/complaints/\(id)")
        } again: { failure in
            try await PageRenderer.render(
                "portal-complaint", title: "portalComplaints.caseTitle",
                try await detailModel(req, id: id, typed: typed, errors: failure.messages), for: req,
                status: failure.status)
        }
    }
}
