import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension DeskPages {
    // MARK: Registration

    /// Reads what the registration page shows: what the search finds, and the chosen customer with their units and
    /// open requests, within the caller's scope.
    static func registrationData(_ req: Request, query: String, form: RegistrationForm) async throws
        -> RegistrationData
    {
        var data = RegistrationData()
        if !query.isEmpty {
            data.customers = try await Records<CustomerRecord>(req.store).list(
                page: PageRequest(limit: 20), filter: .lookup(query)
            ).items
            data.units = try await Self.unitsBySerialPrefix(query, req: req, limit: 10)
        }
        if let customerId = form.customerId {
            data.customer = try await Records<CustomerRecord>(req.store).get(customerId)
            data.owned = try await Records<UnitRecord>(req.store).list(
                page: PageRequest(limit: 200), filter: .units(customerId: customerId)
            ).items
            var open = RequestFilter()
            open.customerId = customerId
            open.statuses = RequestStatus.allCases.filter(\.isOpen)
            data.openRequests = try await ServiceRequests(req.store).list(open, page: PageRequest(limit: 200)).items
        }
        return data
    }

    func newModel(
        _ req: Request, query: String, form: RegistrationForm, duplicates: [String] = [], errors: [FieldMessage] = []
    ) async throws -> NewModel {
        let principal = try req.requirePrincipal()
        return Self.newModel(
            try await Self.registrationData(req, query: query, form: form), principal: principal, req.localizer,
            query: query, form: form, today: req.store.today,
            duplicates: duplicates, errors: errors, nonce: Secret.make().text)
    }

    /// Units whose serial starts with `prefix`, within the caller's scope (typeahead and the customer search).
    static func unitsBySerialPrefix(_ prefix: String, req: Request, limit: Int) async throws -> [UnitRecord.View] {
        let cleaned = prefix.trimmingCharacters(in: .whitespaces)
        guard cleaned.count >= 2 else { return [] }
        // Serials are codes (letters, digits, '-', '_', '.', '/'): LIKE's wildcards are dropped, not escaped.
        guard cleaned.filter({ $0 != "%" && $0 != "_" && $0 != "\\" }).count >= 2 else { return [] }
        return try await Records<UnitRecord>(req.store).list(
            page: PageRequest(limit: limit), filter: .units(serialPrefix: cleaned)
        ).items
    }

    @Sendable func newRequest(_ req: Request) async throws -> Response {
        var form = RegistrationForm()
        form.customerId = try? req.query.get(Int.self, at: "customerId")
        if let unit = try? req.query.get(Int.self, at: "unitId") { form.unitIds = [unit] }
        let query = ((try? req.query.get(String.self, at: "customerQuery")) ?? "").trimmingCharacters(in: .whitespaces)
        let model = try await newModel(req, query: String(query.prefix(100)), form: form)
        return try await PageRenderer.render("request-new", title: "register.title", model, for: req)
    }

    /// Creates a customer from the registration page (name, kind, phone) in the caller's own unit.
    @Sendable func newCustomer(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let kind = form.value("kind", CustomerKind.self, into: &v) ?? .company
        return try await FormCycle.run(req, page: "/requests/new") {
            try v.finish()
            let phone = form.string("phone")
            let input = CustomerRecord.Input(
                orgUnitId: principal.orgUnitId, name: form.string("name") ?? "", kind: kind, tier: .regular,
                contacts: [
                    Contact(
                        name: form.string("contactName") ?? form.string("name") ?? "", phones: phone.map { [$0] } ?? [])
                ])
            let created = try await Records<CustomerRecord>(req.store).create(input, by: principal.actor)
            return req.redirect(to: "/requests/new?customerId=\(created.id)")
        } again: { failure in
            let model = try await newModel(req, query: "", form: RegistrationForm(), errors: failure.messages)
            return try await PageRenderer.render(
                "request-new", title: "register.title", model, for: req, status: failure.status)
        }
    }

    @Sendable func registerRequest(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let reader = try FormReader(req)
        var v = AftercareDomain.Validator()
        var form = RegistrationForm()
        form.customerId = reader.int("customerId", into: &v)
        form.unitIds = reader.all("unitIds").compactMap { Int($0) }
        if reader.all("unitIds").count != form.unitIds.count { v.add("unitIds", .invalidFormat(expected: "unit ids")) }
        form.channel = reader.value("channel", AftercareDomain.Channel.self, into: &v) ?? .phone
        form.type = reader.value("type", RequestType.self, into: &v) ?? .repair
        form.priority = reader.value("priority", Priority.self, into: &v) ?? .normal
        form.faultDescription = reader.string("faultDescription") ?? ""
        form.customerRequest = reader.string("customerRequest") ?? ""
        form.preferredTime = reader.string("preferredTime") ?? ""
        form.contactName = reader.string("contactName") ?? ""
        form.contactPhone = reader.string("contactPhone") ?? ""
        form.emergency = reader.bool("emergency")
        return try await FormCycle.run(
            req, page: PageLink.make("/requests/new", [("customerId", form.customerId.map { "\($0)" })])
        ) {
            guard let customerId = form.customerId else { throw ValidationError(["customerId": .required]) }
            try v.finish()
            // A unit with an open request: say so and ask for confirmation before registering another.
            if !form.unitIds.isEmpty, !reader.bool("confirmDuplicate") {
                var open = RequestFilter()
                open.customerId = customerId
                open.statuses = RequestStatus.allCases.filter(\.isOpen)
                let existing = try await ServiceRequests(req.store).list(open, page: PageRequest(limit: 200)).items
                    .filter { request in request.units.contains { form.unitIds.contains($0.unitId) } }
                if !existing.isEmpty {
                    let model = try await newModel(req, query: "", form: form, duplicates: existing.map(\.number))
                    // Shown at the form's own address, as every refused form (post/redirect/get).
                    return try await FormReturn.redirect(
                        try await PageRenderer.render(
                            "request-new", title: "register.title", model, for: req, status: .conflict),
                        to: PageLink.make("/requests/new", [("customerId", "\(customerId)")]), for: req)
                }
            }
            let input = ServiceRequestInput(
                customerId: customerId, contactName: form.contactName.nilIfEmpty,
                contactPhone: form.contactPhone.nilIfEmpty, unitIds: form.unitIds, channel: form.channel,
                type: form.type, faultDescription: form.faultDescription,
                customerRequest: form.customerRequest.nilIfEmpty, preferredTime: form.preferredTime.nilIfEmpty,
                priority: form.priority, emergency: form.emergency ? true : nil)
            let key = reader.nonceKey("/requests", for: principal)
            let view = try await req.registerServiceRequest(input, key: key)
            return req.redirect(to: "/requests/\(view.id)")
        } again: { failure in
            let model = try await newModel(req, query: "", form: form, errors: failure.messages)
            return try await PageRenderer.render(
                "request-new", title: "register.title", model, for: req, status: failure.status)
        }
    }
}
