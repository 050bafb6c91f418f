import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension DeskPages {
    // MARK: Registration

    struct NewModel: Encodable {
        struct Found: Encodable {
            var link: String
            var label: String
            var detail: String
        }

        struct UnitChoice: Encodable {
            var id: Int
            var serial: String
            var model: String
            var warranty: String
            var checked: Bool
            var openRequests: [String]
        }

        var customerQuery: String
        var found: [Found]
        var searched: Bool
        var customerId: Int?
        var customerName: String?
        var units: [UnitChoice]
        var channelOptions: [SelectOption]
        var typeOptions: [SelectOption]
        var priorityOptions: [SelectOption]
        var kindOptions: [SelectOption]
        var faultDescription: String
        var customerRequest: String
        var preferredTime: String
        var contactName: String
        var contactPhone: String
        var emergency: Bool
        var duplicates: [String]
        var errors: [FieldMessage]
        var nonce: String
        var canCreateCustomer: Bool
    }

    struct RegistrationForm {
        var customerId: Int?
        var unitIds: [Int] = []
        var channel: AftercareDomain.Channel = .phone
        var type: RequestType = .repair
        var priority: Priority = .normal
        var faultDescription = ""
        var customerRequest = ""
        var preferredTime = ""
        var contactName = ""
        var contactPhone = ""
        var emergency = false
    }

    func newModel(
        _ req: Request, query: String, form: RegistrationForm, duplicates: [String] = [], errors: [FieldMessage] = []
    ) async throws -> NewModel {
        let principal = try req.requirePrincipal()
        let l = req.localizer
        var found: [NewModel.Found] = []
        let searched = !query.isEmpty
        if searched {
            let customers = try await Records<CustomerRecord>(req.store).list(
                page: PageRequest(limit: 20), filter: .lookup(query))
            found += customers.items.map {
                .init(
                    link: "/requests/new?customerId=\($0.id)", label: $0.name, detail: l.t("tier.\($0.tier.rawValue)"))
            }
            let units = try await Self.unitsBySerialPrefix(query, req: req, limit: 10)
            found += units.map {
                .init(
                    link: "/requests/new?customerId=\($0.customerId)&unitId=\($0.id)", label: $0.serialNumber,
                    detail: $0.modelCode)
            }
        }
        var customerName: String?
        var units: [NewModel.UnitChoice] = []
        if let customerId = form.customerId {
            let customer = try await Records<CustomerRecord>(req.store).get(customerId)
            customerName = customer.name
            let owned = try await Records<UnitRecord>(req.store).list(
                page: PageRequest(limit: 200), filter: .units(customerId: customerId))
            var open = RequestFilter()
            open.customerId = customerId
            open.statuses = RequestStatus.allCases.filter(\.isOpen)
            let openRequests = try await ServiceRequests(req.store).list(open, page: PageRequest(limit: 200)).items
            let today = CalendarDate(req.store.now, in: req.store.timeZone)
            units = owned.items.map { unit in
                let decision = UnitRecord.decision(for: unit, on: today, cause: .unknown)
                return NewModel.UnitChoice(
                    id: unit.id, serial: unit.serialNumber, model: unit.modelCode,
                    warranty: l.t("warranty.\(decision.status.rawValue)"), checked: form.unitIds.contains(unit.id),
                    openRequests: openRequests.filter { $0.units.contains { $0.unitId == unit.id } }.map(\.number))
            }
        }
        return NewModel(
            customerQuery: query, found: found, searched: searched, customerId: form.customerId,
            customerName: customerName, units: units,
            channelOptions: SelectOption.of(AftercareDomain.Channel.self, prefix: "channel", selected: form.channel, l),
            typeOptions: SelectOption.of(RequestType.self, prefix: "type", selected: form.type, l),
            priorityOptions: SelectOption.of(Priority.self, prefix: "priority", selected: form.priority, l),
            kindOptions: SelectOption.of(CustomerKind.self, prefix: "customerKind", selected: .company, l),
            faultDescription: form.faultDescription, customerRequest: form.customerRequest,
            preferredTime: form.preferredTime, contactName: form.contactName, contactPhone: form.contactPhone,
            emergency: form.emergency, duplicates: duplicates, errors: errors, nonce: Secret.make().text,
            canCreateCustomer: principal.may(.manageCustomers))
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
        return try await FormCycle.run(req) {
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
        return try await FormCycle.run(req) {
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
                    return try await PageRenderer.render(
                        "request-new", title: "register.title", model, for: req, status: .conflict)
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
