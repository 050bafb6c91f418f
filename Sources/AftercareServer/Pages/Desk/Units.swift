import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension DeskPages {
    // MARK: The unit list and the unit form

    /// The catalogue's models, for choices and names (the catalogue is shared, not scoped).
    static func allModels(_ req: Request) async throws -> [ProductModelRecord.View] {
        try await Records<ProductModelRecord>(req.store).list(page: PageRequest(limit: 500)).items
    }

    /// The unit list's filters from the query, strictly: a parameter that cannot be read is named.
    static func unitListQuery(_ req: Request) -> UnitListQuery {
        var query = UnitListQuery()
        let reader = QueryReader(req: req)
        var invalid: [String] = []
        query.serial = String(echo(req, "serial").trimmingCharacters(in: .whitespaces).prefix(Limits.code))
        query.customer = String(echo(req, "customer").trimmingCharacters(in: .whitespaces).prefix(Limits.shortText))
        do { query.customerId = try reader.int("customerId") } catch { invalid.append("customerId") }
        do { query.modelId = try reader.int("modelId") } catch { invalid.append("modelId") }
        query.invalid = invalid.isEmpty ? nil : invalid
        return query
    }

    @Sendable func units(_ req: Request) async throws -> Response {
        var query = Self.unitListQuery(req)
        var page = PageRequest(limit: Self.rowsPerPage)
        do {
            page = try QueryReader(req: req).page(defaultLimit: Self.rowsPerPage)
        } catch {
            query.invalid = (query.invalid ?? []) + ["cursor"]
        }
        let result = try await Records<UnitRecord>(req.store).list(page: page, filter: query.filter)
        let ids = Array(Set(result.items.map(\.customerId)))
        let principal = try req.requirePrincipal()
        let found = try await Records<CustomerRecord>(req.store).list(
            page: PageRequest(limit: max(ids.count, 1)), includeArchived: true, filter: .customers(ids: ids))
        let customers = Dictionary(found.items.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var owner: CustomerRecord.View?
        if let id = query.customerId {
            owner = try await Self.visible { try await Records<CustomerRecord>(req.store).get(id) }
        }
        let model = Self.unitListModel(
            UnitListData(page: result, customers: customers, models: try await Self.allModels(req), owner: owner),
            query: query, principal: principal, req.localizer, today: req.store.today)
        return try await PageRenderer.render(
            "units", title: "units.title", model, for: req, status: model.error == nil ? .ok : .badRequest)
    }

    /// The field labels of the unit form.
    static let unitLabels = FieldLabels.area("units")

    /// Reads the unit form; what the form itself cannot hold goes to `v`, the rest the use case checks.
    static func readUnit(
        _ reader: FormReader, existing: UnitRecord.View?, into v: inout AftercareDomain.Validator
    ) -> (form: UnitForm, input: UnitRecord.Input) {
        var form = UnitForm()
        form.serialNumber = reader.string("serialNumber") ?? ""
        form.modelId = reader.int("modelId", into: &v)
        form.customerId = reader.int("customerId", into: &v)
        form.projectId = reader.int("projectId", into: &v)
        form.siteAddress = reader.string("siteAddress") ?? ""
        form.latitude = reader.string("latitude") ?? ""
        form.longitude = reader.string("longitude") ?? ""
        form.saleDate = reader.string("saleDate") ?? ""
        form.deliveryDate = reader.string("deliveryDate") ?? ""
        form.installationDate = reader.string("installationDate") ?? ""
        form.acceptanceDate = reader.string("acceptanceDate") ?? ""
        form.warrantyOverrideMonths = reader.string("warrantyOverrideMonths") ?? ""
        form.warrantyOverrideEnd = reader.string("warrantyOverrideEnd") ?? ""
        form.status = reader.value("status", UnitStatus.self, into: &v) ?? existing?.status ?? .inService
        if form.modelId == nil, reader.string("modelId") == nil { v.add("modelId", .required) }
        if form.customerId == nil, reader.string("customerId") == nil { v.add("customerId", .required) }
        func date(_ field: String, _ text: String) -> CalendarDate? {
            guard !text.isEmpty else { return nil }
            guard let day = CalendarDate(iso: text) else {
                v.add(field, .invalidFormat(expected: "YYYY-MM-DD"))
                return nil
            }
            return day
        }
        let dates = UnitDates(
            sale: date("saleDate", form.saleDate), delivery: date("deliveryDate", form.deliveryDate),
            installation: date("installationDate", form.installationDate),
            acceptance: date("acceptanceDate", form.acceptanceDate))
        let overrideEnd = date("warrantyOverrideEnd", form.warrantyOverrideEnd)
        let overrideMonths = reader.int("warrantyOverrideMonths", into: &v)
        let latitude = coordinate("latitude", form.latitude, into: &v)
        let longitude = coordinate("longitude", form.longitude, into: &v)
        // The unit keeps its organisation unit while its owner stays; a new owner's unit is taken otherwise.
        let orgUnitId = existing.flatMap { $0.customerId == form.customerId ? $0.orgUnitId : nil }
        let input = UnitRecord.Input(
            serialNumber: form.serialNumber, modelId: form.modelId ?? 0, customerId: form.customerId ?? 0,
            orgUnitId: orgUnitId, projectId: form.projectId, siteAddress: form.siteAddress.nilIfEmpty,
            latitude: latitude, longitude: longitude, dates: dates, warrantyOverrideMonths: overrideMonths,
            warrantyOverrideEnd: overrideEnd, status: form.status)
        return (form, input)
    }

    func renderUnitForm(
        _ req: Request, form: UnitForm, unit: UnitRecord.View?, customerQuery: String = "",
        errors: [FieldMessage] = [], status: HTTPStatus = .ok
    ) async throws -> Response {
        var data = UnitFormData(unit: unit, customer: nil, models: try await Self.allModels(req), projects: [])
        if let id = form.customerId {
            data.customer = try await Self.visible { try await Records<CustomerRecord>(req.store).get(id) }
        }
        if let customer = data.customer {
            data.projects = try await Records<ProjectRecord>(req.store).list(
                page: PageRequest(limit: 200), filter: .projects(customerId: customer.id)
            ).items
        } else if unit == nil {
            // No owner yet: search the customers by name or phone.
            data.customerQuery = customerQuery
            if !customerQuery.isEmpty {
                data.customerChoices = try await Records<CustomerRecord>(req.store).list(
                    page: PageRequest(limit: 20), filter: .lookup(customerQuery)
                ).items
                data.branches = try await req.orgUnitChoices().names
            }
        }
        let model = Self.unitFormModel(
            data, req.localizer, form: form, errors: errors, nonce: unit == nil ? Secret.make().text : nil)
        return try await PageRenderer.render("unit-form", title: "units.formTitle", model, for: req, status: status)
    }

    @Sendable func newUnitPage(_ req: Request) async throws -> Response {
        var form = UnitForm()
        var invalid = false
        do { form.customerId = try QueryReader(req: req).int("customerId") } catch { invalid = true }
        let query = String(
            Self.echo(req, "customerQuery").trimmingCharacters(in: .whitespaces).prefix(Limits.shortText))
        let errors =
            invalid
            ? [
                FieldMessage(
                    field: "customerId", label: req.localizer.t("units.field.customerId"),
                    message: req.localizer.t("problem.invalid_format"))
            ]
            : []
        return try await renderUnitForm(
            req, form: form, unit: nil, customerQuery: query, errors: errors, status: invalid ? .badRequest : .ok)
    }

    @Sendable func createUnit(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        var v = AftercareDomain.Validator()
        let reader = try FormReader(req)
        let (form, input) = Self.readUnit(reader, existing: nil, into: &v)
        let page = PageLink.make("/units/new", [("customerId", form.customerId.map { "\($0)" })])
        return try await FormCycle.run(req, page: page, labels: Self.unitLabels) {
            try v.finish()
            let unit = try await Records<UnitRecord>(req.store).create(
                input, by: principal.actor, idempotency: reader.nonceKey("unit", for: principal))
            return req.redirect(to: "/units/\(unit.id)")
        } again: { failure in
            try await renderUnitForm(req, form: form, unit: nil, errors: failure.messages, status: failure.status)
        }
    }

    @Sendable func editUnit(_ req: Request) async throws -> Response {
        let unit = try await Records<UnitRecord>(req.store).get(req.pageId())
        // An archived unit is not edited any more: its page says so.
        guard unit.archivedAt == nil else { return req.redirect(to: "/units/\(unit.id)") }
        return try await renderUnitForm(req, form: Self.unitForm(from: unit), unit: unit)
    }

    @Sendable func updateUnit(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let records = Records<UnitRecord>(req.store)
        let unit = try await records.get(req.pageId())
        let reader = try FormReader(req)
        var v = AftercareDomain.Validator()
        let (form, input) = Self.readUnit(reader, existing: unit, into: &v)
        let version = reader.int("version", into: &v)
        return try await FormCycle.run(req, page: "/units/\(unit.id)/edit", labels: Self.unitLabels) {
            try v.finish()
            _ = try await records.update(unit.id, expectedVersion: version ?? 0, by: principal.actor) { _ in input }
            return req.redirect(to: "/units/\(unit.id)")
        } again: { failure in
            // Someone else saved meanwhile: the form shows the unit as it now stands, with its version.
            if failure.error is StaleVersion {
                let current = try await records.get(unit.id)
                return try await renderUnitForm(
                    req, form: Self.unitForm(from: current), unit: current, errors: failure.messages,
                    status: failure.status)
            }
            return try await renderUnitForm(
                req, form: form, unit: unit, errors: failure.messages, status: failure.status)
        }
    }

    /// archives the unit; nothing is deleted, the page stays readable by its address.
    @Sendable func archiveUnit(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let records = Records<UnitRecord>(req.store)
        let unit = try await records.get(req.pageId())
        return try await FormCycle.run(req, page: "/units/\(unit.id)", labels: Self.unitLabels) {
            _ = try await records.archive(unit.id, by: principal.actor)
            return req.redirect(to: "/units/\(unit.id)")
        } again: { failure in
            let data = try await Self.unitData(req, principal: principal, id: unit.id)
            let model = Self.unitModel(
                data, principal: principal, req.localizer, today: req.store.today, errors: failure.messages)
            return try await PageRenderer.render("unit", title: "unit.title", model, for: req, status: failure.status)
        }
    }
}
