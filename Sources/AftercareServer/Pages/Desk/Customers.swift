import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension DeskPages {
    // MARK: The customer list and the customer form

    /// The customer list's filters from the query, strictly: a parameter that cannot be read is named.
    static func customerListQuery(_ req: Request) -> CustomerListQuery {
        var query = CustomerListQuery()
        let reader = QueryReader(req: req)
        var invalid: [String] = []
        query.q = String(echo(req, "q").prefix(Limits.shortText))
        do { query.tier = try reader.value("tier", CustomerTier.self) } catch { invalid.append("tier") }
        do { query.kind = try reader.value("kind", CustomerKind.self) } catch { invalid.append("kind") }
        do { query.orgUnitId = try reader.int("orgUnitId") } catch { invalid.append("orgUnitId") }
        query.invalid = invalid.isEmpty ? nil : invalid
        return query
    }

    @Sendable func customers(_ req: Request) async throws -> Response {
        var query = Self.customerListQuery(req)
        var page = PageRequest(limit: Self.rowsPerPage)
        do {
            page = try QueryReader(req: req).page(defaultLimit: Self.rowsPerPage)
        } catch {
            query.invalid = (query.invalid ?? []) + ["cursor"]
        }
        let result = try await Records<CustomerRecord>(req.store).list(page: page, filter: query.filter)
        let branches = try await req.orgUnitChoices().options
        let model = Self.customerListModel(
            CustomerListData(page: result, branches: branches), query: query, principal: try req.requirePrincipal(),
            req.localizer)
        return try await PageRenderer.render(
            "customers", title: "customers.title", model, for: req, status: model.error == nil ? .ok : .badRequest)
    }

    /// Reads the customer form; what the form itself cannot hold goes to `v`, the rest the use case checks.
    /// Blank rows are dropped, so that a problem's row number is the row the form shows again.
    static func readCustomer(
        _ reader: FormReader, principal: Principal, into v: inout AftercareDomain.Validator
    ) -> (form: CustomerForm, input: CustomerRecord.Input) {
        var form = CustomerForm()
        form.name = reader.string("name") ?? ""
        form.kind = reader.value("kind", CustomerKind.self, into: &v) ?? .company
        form.tier = reader.value("tier", CustomerTier.self, into: &v) ?? .regular
        form.orgUnitId = reader.int("orgUnitId", into: &v)
        form.notes = reader.string("notes") ?? ""
        // A row's field: `contacts.0.name` (no brackets: those are the form decoder's nesting).
        func field(_ group: String, _ index: Int, _ name: String) -> String {
            [group, String(index), name].joined(separator: ".")
        }
        func rows(_ name: String, limit: Int) -> Int {
            min(max(Int(reader.string(name) ?? "") ?? 0, 0), limit + blankRows)
        }
        for i in 0..<rows("contactRows", limit: Limits.contactsPerCustomer) {
            let row = CustomerForm.ContactRow(
                name: reader.string(field("contacts", i, "name")) ?? "",
                role: reader.string(field("contacts", i, "role")) ?? "",
                phones: reader.string(field("contacts", i, "phones")) ?? "",
                email: reader.string(field("contacts", i, "email")) ?? "",
                language: reader.string(field("contacts", i, "language")) ?? "")
            if !row.isBlank { form.contacts.append(row) }
        }
        for i in 0..<rows("addressRows", limit: Limits.addressesPerCustomer) {
            let row = CustomerForm.AddressRow(
                label: reader.string(field("addresses", i, "label")) ?? "",
                text: reader.string(field("addresses", i, "text")) ?? "",
                latitude: reader.string(field("addresses", i, "latitude")) ?? "",
                longitude: reader.string(field("addresses", i, "longitude")) ?? "")
            if !row.isBlank { form.addresses.append(row) }
        }
        let addresses = form.addresses.enumerated().map { i, row in
            Address(
                label: row.label.nilIfEmpty, text: row.text,
                latitude: coordinate("addresses[\(i)].latitude", row.latitude, into: &v),
                longitude: coordinate("addresses[\(i)].longitude", row.longitude, into: &v))
        }
        let input = CustomerRecord.Input(
            orgUnitId: form.orgUnitId ?? principal.orgUnitId, name: form.name, kind: form.kind, tier: form.tier,
            contacts: form.contacts.map {
                Contact(
                    name: $0.name, phones: phones($0.phones), email: $0.email.nilIfEmpty, role: $0.role.nilIfEmpty,
                    language: Language(rawValue: $0.language))
            }, addresses: addresses, notes: form.notes.nilIfEmpty)
        return (form, input)
    }

    /// A latitude or longitude as typed (a decimal comma is read as a point); nil when blank.
    static func coordinate(_ field: String, _ text: String, into v: inout AftercareDomain.Validator) -> Double? {
        guard !text.isEmpty else { return nil }
        guard let value = Double(text.replacingOccurrences(of: ",", with: ".")), value.isFinite else {
            v.add(field, .invalidFormat(expected: "a decimal number"))
            return nil
        }
        return value
    }

    func renderCustomerForm(
        _ req: Request, form: CustomerForm, customer: CustomerRecord.View?, errors: [FieldMessage] = [],
        status: HTTPStatus = .ok
    ) async throws -> Response {
        let units = try await req.orgUnitChoices().options
        let model = Self.customerFormModel(
            CustomerFormData(customer: customer, units: units), req.localizer, form: form, errors: errors,
            nonce: customer == nil ? Secret.make().text : nil)
        return try await PageRenderer.render(
            "customer-form", title: "customers.formTitle", model, for: req, status: status)
    }

    @Sendable func newCustomerPage(_ req: Request) async throws -> Response {
        var form = CustomerForm()
        form.orgUnitId = try req.requirePrincipal().orgUnitId
        return try await renderCustomerForm(req, form: form, customer: nil)
    }

    @Sendable func createCustomer(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        var v = AftercareDomain.Validator()
        let reader = try FormReader(req)
        let (form, input) = Self.readCustomer(reader, principal: principal, into: &v)
        return try await FormCycle.run(req, page: "/customers/new", labels: Self.customerLabels) {
            try v.finish()
            let customer = try await Records<CustomerRecord>(req.store).create(
                input, by: principal.actor, idempotency: reader.nonceKey("customer", for: principal))
            return req.redirect(to: "/customers/\(customer.id)")
        } again: { failure in
            try await renderCustomerForm(
                req, form: form, customer: nil, errors: failure.messages, status: failure.status)
        }
    }

    @Sendable func editCustomer(_ req: Request) async throws -> Response {
        let customer = try await Records<CustomerRecord>(req.store).get(req.pageId())
        // An archived customer is not edited any more: its page says so.
        guard customer.archivedAt == nil else { return req.redirect(to: "/customers/\(customer.id)") }
        return try await renderCustomerForm(req, form: Self.customerForm(from: customer), customer: customer)
    }

    @Sendable func updateCustomer(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let records = Records<CustomerRecord>(req.store)
        let customer = try await records.get(req.pageId())
        let reader = try FormReader(req)
        var v = AftercareDomain.Validator()
        let (form, input) = Self.readCustomer(reader, principal: principal, into: &v)
        let version = reader.int("version", into: &v)
        return try await FormCycle.run(req, page: "/customers/\(customer.id)/edit", labels: Self.customerLabels) {
            try v.finish()
            _ = try await records.update(customer.id, expectedVersion: version ?? 0, by: principal.actor) { _ in input }
            return req.redirect(to: "/customers/\(customer.id)")
        } again: { failure in
            // Someone else saved meanwhile: the form shows the record as it now stands, with its version.
            if failure.error is StaleVersion {
                let current = try await records.get(customer.id)
                return try await renderCustomerForm(
                    req, form: Self.customerForm(from: current), customer: current, errors: failure.messages,
                    status: failure.status)
            }
            return try await renderCustomerForm(
                req, form: form, customer: customer, errors: failure.messages, status: failure.status)
        }
    }

    /// archives the customer; nothing is deleted, the page stays readable by its address.
    @Sendable func archiveCustomer(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let records = Records<CustomerRecord>(req.store)
        let customer = try await records.get(req.pageId())
        return try await FormCycle.run(req, page: "/customers/\(customer.id)", labels: Self.customerLabels) {
            _ = try await records.archive(customer.id, by: principal.actor)
            return req.redirect(to: "/customers/\(customer.id)")
        } again: { failure in
            let data = try await Self.customerData(req, principal: principal, id: customer.id)
            let model = Self.customerModel(
                data, principal: principal, req.localizer, today: req.store.today, errors: failure.messages)
            return try await PageRenderer.render(
                "customer", title: "customer.title", model, for: req, status: failure.status)
        }
    }
}
