import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// the customer's side of returns in the portal: they apply to send units back and follow the case;
/// once it is authorised they record how they sent it, and until the unit arrives they may cancel. The store is
/// scoped to the customer: another customer's case is not found, and the case comes without the internal
/// inspection, costs and decision notes.
struct PortalReturnPages: Sendable {
    func register(_ root: any RoutesBuilder) {
        root.get("portal", "returns", use: list).requires(.action(.usePortal))
        root.post("portal", "returns", use: apply).requires(.action(.usePortal))
        root.get("portal", "returns", ":id", use: detail).requires(.action(.usePortal))
        root.post("portal", "returns", ":id", "events", use: step).requires(.action(.usePortal))
        root.on(
            .POST, "portal", "returns", ":id", "photos",
            body: .collect(maxSize: ByteCount(value: ReportIntake.maxUpload)),
            use: photos
        ).requires(.action(.usePortal)).accepts(upTo: ReportIntake.maxUpload)
        root.get("portal", "returns", "photos", ":id", use: photo).requires(.action(.usePortal))
    }

    /// `returns.field.…`, then `field.…`.
    static let labels = FieldLabels.area("returns")

    // MARK: The list and the application

    /// Reads the customer's cases (a page of them, and those still open) and units; `typed` is the application as
    /// typed, or nil for a fresh form with the account's contact filled in.
    func listModel(_ req: Request, typed: ApplyForm?, unitId: Int? = nil, errors: [FieldMessage] = []) async throws
        -> ListModel
    {
        let principal = try req.requirePrincipal()
        let cases = ReturnCases(req.store)
        let page = try QueryReader(req: req).page()
        let list = try await cases.list(ReturnCaseFilter(), page: PageRequest(limit: 20, afterId: page.afterId))
        let open = try await cases.list(
            ReturnCaseFilter(statuses: ReturnStatus.allCases.filter(\.isOpen)), page: PageRequest(limit: 200)
        ).items
        let units = try await Records<UnitRecord>(req.store).list(page: PageRequest(limit: 200)).items
        var form = typed ?? ApplyForm()
        if typed == nil {
            let contact = await Self.contact(req, principal)
            form.contactName = contact?.name ?? principal.displayName
            form.contactPhone = contact?.phones.first ?? ""
            form.unitIds = unitId.map { [$0] } ?? []
        }
        return Self.listModel(
            ListData(cases: list, units: units, openCases: open), principal: principal, req.localizer, form: form,
            errors: errors)
    }

    /// The customer's contact that the account is (nil when the account names no customer the store sees).
    static func contact(_ req: Request, _ principal: Principal) async -> Contact? {
        guard let id = principal.customerId,
            let customer = try? await Records<CustomerRecord>(req.store).get(id)
        else { return nil }
        return PortalPages.contact(of: principal, in: customer)
    }

    @Sendable func list(_ req: Request) async throws -> Response {
        let unitId = try? req.query.get(Int.self, at: "unit")
        return try await PageRenderer.render(
            "portal-returns", title: "portalReturns.title", try await listModel(req, typed: nil, unitId: unitId),
            for: req)
    }

    /// The application as typed; a field that is not one of the choices is a problem in `v`.
    static func typed(_ form: FormReader, into v: inout AftercareDomain.Validator) -> ApplyForm {
        var unitIds: [Int] = []
        for text in form.all("unitIds") where !text.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let id = Int(text.trimmingCharacters(in: .whitespaces)) else {
                v.add("unitIds", .invalidFormat(expected: "a whole number"))
                continue
            }
            unitIds.append(id)
        }
        return ApplyForm(
            unitIds: unitIds, reason: form.string("reason") ?? "",
            wish: form.value("wish", ReturnWish.self, into: &v) ?? .repair,
            shipping: form.value("shipping", ReturnShipping.self, into: &v) ?? .customerSends,
            shipFrom: form.string("shipFrom") ?? "", carrier: form.string("carrier") ?? "",
            trackingNumber: form.string("trackingNumber") ?? "", contactName: form.string("contactName") ?? "",
            contactPhone: form.string("contactPhone") ?? "")
    }

    /// the customer applies to send units back; the case (and its return request) is opened for them.
    @Sendable func apply(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let typed = Self.typed(form, into: &v)
        if form.string("wish") == nil { v.add("wish", .required) }
        if form.string("shipping") == nil { v.add("shipping", .required) }
        return try await FormCycle.run(req, page: "/portal/returns", labels: Self.labels) {
            try v.finish()
            // Who to call: as typed, else the contact the account is, so the depot never gets a case without a name.
            let contact = await Self.contact(req, principal)
            let view = try await ReturnCases(req.store).open(
                ReturnCaseInput(
                    customerId: nil, unitIds: typed.unitIds, reason: typed.reason, wish: typed.wish,
                    shipping: typed.shipping, shipFrom: typed.shipFrom.nilIfEmpty, carrier: typed.carrier.nilIfEmpty,
                    trackingNumber: typed.trackingNumber.nilIfEmpty,
                    contactName: typed.contactName.nilIfEmpty ?? contact?.name ?? principal.displayName,
                    contactPhone: typed.contactPhone.nilIfEmpty ?? contact?.phones.first, channel: .portal),
                by: principal.actor)
            return req.redirect(to: "/portal/returns/\(view.id)")
        } again: { failure in
            try await PageRenderer.render(
                "portal-returns", title: "portalReturns.title",
                try await listModel(req, typed: typed, errors: failure.messages), for: req, status: failure.status)
        }
    }

    // MARK: One case

    func detailModel(_ req: Request, id: Int, typed: StepForm = StepForm(), errors: [FieldMessage] = []) async throws
        -> DetailModel
    {
        let cases = ReturnCases(req.store)
        let view = try await cases.get(id)
        let timeline = try await cases.timeline(id)
        return Self.detailModel(
            DetailData(view: view, timeline: timeline, photos: try await req.returnPhotos.of(id)),
            principal: try req.requirePrincipal(), req.localizer,
            typed: typed, errors: errors)
    }

    @Sendable func detail(_ req: Request) async throws -> Response {
        try await PageRenderer.render(
            "portal-return", title: "portalReturns.caseTitle", try await detailModel(req, id: req.pageId()), for: req)
    }

    /// the customer's photos of the unit, while the case is open.
    @Sendable func photos(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        _ = try await ReturnCases(req.store).get(id)
        return try await FormCycle.run(req, page: "/portal/returns/\(id)#photos", labels: Self.labels) {
            let files: [NewAttachment]
            do {
                files = try ReportIntake.files(req)
            } catch {
                throw ValidationError(["files": .invalidFormat(expected: "photos chosen in the form")])
            }
            _ = try await req.returnPhotos.add(files, to: id, by: principal.actor)
            return req.redirect(to: "/portal/returns/\(id)#photos")
        } again: { failure in
            try await PageRenderer.render(
                "portal-return", title: "portalReturns.caseTitle",
                try await detailModel(req, id: id, errors: failure.messages), for: req, status: failure.status)
        }
    }

    /// A photo of the customer's own case.
    @Sendable func photo(_ req: Request) async throws -> Response {
        FileResponse.make(try await req.returnPhotos.file(req.pageId()))
    }

    /// The customer records how they sent the unit (`ship`) or cancels with the reason (`cancel`); the store takes
    /// no other step from a customer. Another customer's case is not found, before the form is read.
    @Sendable func step(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        _ = try await ReturnCases(req.store).get(id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let event = form.value("event", ReturnEventKind.self, into: &v)
        if form.string("event") == nil { v.add("event", .required) }
        let version = form.int("version", into: &v)
        let typed = StepForm(
            event: event, carrier: form.string("carrier"), trackingNumber: form.string("trackingNumber"),
            note: form.string("note"))
        return try await FormCycle.run(req, page: "/portal/returns/\(id)", labels: Self.labels) {
            try v.finish()
            guard let event else { throw ValidationError(["event": .required]) }
            _ = try await ReturnCases(req.store).post(
                ReturnStepInput(
                    event, note: typed.note, expectedVersion: version, carrier: typed.carrier,
                    trackingNumber: typed.trackingNumber), to: id, by: principal.actor)
            return req.redirect(to: "/portal/returns/\(id)")
        } again: { failure in
            try await PageRenderer.render(
                "portal-return", title: "portalReturns.caseTitle",
                try await detailModel(req, id: id, typed: typed, errors: failure.messages), for: req,
                status: failure.status)
        }
    }
}
