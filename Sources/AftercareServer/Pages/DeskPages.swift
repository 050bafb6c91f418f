import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// The web service desk (R-2, R-1.4, R-14.4): home per role, request list, detail with the allowed actions,
/// registration, customer and unit pages, the printable registration form. Pages call the same use cases as
/// the JSON API, through the caller's scoped store.
struct DeskPages: Sendable {
    static let countCap = 1000
    static let rowsPerPage = 25

    func register(_ root: any RoutesBuilder) {
        root.get(use: home).requires(.signedIn)
        root.get("requests", use: list).requires(.action(.viewRequests))
        root.get("requests", "new", use: newRequest).requires(.action(.registerRequests))
        root.post("requests", "new", "customer", use: newCustomer).requires(.action(.manageCustomers))
        root.post("requests", use: registerRequest).requires(.action(.registerRequests))
        root.get("requests", ":id", use: detail).requires(.action(.viewRequests))
        root.post("requests", ":id", "events", use: event).requires(.action(.viewRequests))
        root.get("requests", ":id", "print", use: printForm).requires(.action(.viewRequests))
        root.get("customers", ":id", use: customer).requires(.action(.viewCustomers))
        root.get("units", ":id", use: unit).requires(.action(.viewInstalledBase))
        root.get("lookup", "units", use: lookupUnits).requires(.action(.viewInstalledBase))
    }

    static func id(_ req: Request) throws -> Int {
        guard let text = req.parameters.get("id"), let id = Int(text), id > 0 else {
            throw RecordNotFound(entity: "record", id: 0)
        }
        return id
    }

    // MARK: Home

    struct HomeModel: Encodable {
        struct Figure: Encodable {
            var label: String
            var value: String
        }

        var sections: [RowList]
        var today: [Figure]
    }

    @Sendable func home(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        if principal.roles.contains(.customer) { return req.redirect(to: "/portal") }
        let l = req.localizer
        let requests = ServiceRequests(req.store)
        var sections: [RowList] = []
        func section(_ id: String, _ title: String, _ filter: RequestFilter, more: String) async throws {
            let page = try await requests.list(filter, page: PageRequest(limit: 10))
            sections.append(
                RowList(id: id, title: l.t(title), rows: page.items.map { RequestRowModel($0, l) }, more: more))
        }
        if principal.may(.registerRequests) {
            var new = RequestFilter()
            new.statuses = [.registered]
            try await section("home-new", "home.new", new, more: "/requests?status=registered")
            var mine = RequestFilter()
            mine.createdBy = principal.username
            let me = principal.username.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            try await section("home-mine", "home.mine", mine, more: "/requests?createdBy=\(me)")
        }
        if principal.may(.triageRequests) {
            var unassigned = RequestFilter()
            unassigned.statuses = [.triaged]
            try await section("home-unassigned", "home.unassigned", unassigned, more: "/requests?status=triaged")
            var urgent = RequestFilter()
            urgent.statuses = RequestStatus.allCases.filter(\.isOpen)
            urgent.priorities = [.emergency, .high]
            try await section("home-urgent", "home.urgent", urgent, more: "/requests?priority=emergency,high")
        }
        var today: [HomeModel.Figure] = []
        if principal.roles.contains(.serviceManager) || principal.roles.contains(.administrator) {
            let start = Calendar.startOfDay(req.store.now, in: req.store.timeZone)
            var registered = RequestFilter()
            registered.createdFrom = start
            today.append(
                .init(
                    label: l.t("home.registeredToday"),
                    value: l.capped(try await requests.count(registered, cap: 10_000), cap: 10_000)))
            let resolved = try await requests.eventCount(["resolve", "resolveRemotely"], since: start, cap: 10_000)
            today.append(.init(label: l.t("home.resolvedToday"), value: l.capped(resolved, cap: 10_000)))
            for status in RequestStatus.allCases where status.isOpen {
                var open = RequestFilter()
                open.statuses = [status]
                today.append(
                    .init(
                        label: l.t("home.openNow") + " · " + l.t("status.\(status.rawValue)"),
                        value: l.capped(try await requests.count(open, cap: 10_000), cap: 10_000)))
            }
        }
        if sections.isEmpty && principal.may(.viewRequests) {
            try await section("home-recent", "home.recent", RequestFilter(), more: "/requests")
        }
        return try await PageRenderer.render(
            "home", title: "home.title", HomeModel(sections: sections, today: today), for: req)
    }

    // MARK: List

    struct ListModel: Encodable {
        var lists: [RowList]
        var count: String
        var next: String?
        var q: String
        /// The other filters of the API, echoed back into the form.
        var customer: String
        var phone: String
        var serial: String
        var createdFrom: String
        var createdBefore: String
        var emergency: Bool
        /// Whether any of the extra filters is in use, so their section starts open.
        var moreOpen: Bool
        var channelOptions: [SelectOption]
        var statusOptions: [SelectOption]
        var priorityOptions: [SelectOption]
        var typeOptions: [SelectOption]
        var error: String?
    }

    @Sendable func list(_ req: Request) async throws -> Response {
        let l = req.localizer
        var filter = RequestFilter()
        var page = PageRequest(limit: Self.rowsPerPage)
        var error: String?
        do {
            filter = try ServiceRequestController.filter(req)
            // 25 rows a screen, as service desks show them; `limit` asks for more (up to 200).
            page = try QueryReader(req: req).page(defaultLimit: Self.rowsPerPage)
        } catch let problem as APIError {
            error = problem.fields.keys.sorted().map {
                "\(l.catalogue.has("field.\($0)") ? l.t("field.\($0)") : $0): \(l.t("problem.invalid_format"))"
            }.joined(separator: "; ")
            if error?.isEmpty ?? true { error = l.t("problem.invalid_format") }
        }
        let result = try await ServiceRequests(req.store).list(filter, page: page)
        let count = try await ServiceRequests(req.store).count(filter, cap: Self.countCap)
        var components = URLComponents(string: req.url.string) ?? URLComponents()
        var items = (components.queryItems ?? []).filter { $0.name != "cursor" }
        func link(_ changes: [String: String?]) -> String {
            var query = items.filter { changes[$0.name] == nil }
            for (name, value) in changes.sorted(by: { $0.key < $1.key }) {
                if let value { query.append(URLQueryItem(name: name, value: value)) }
            }
            components.queryItems = query.isEmpty ? nil : query
            components.path = "/requests"
            return components.string ?? "/requests"
        }
        let next = result.nextCursor.map { link(["cursor": $0]) }
        items = items.filter { $0.name != "sort" }
        let sorts = RowList.Sorts(
            number: link(["sort": filter.sort == .newest ? RequestSort.oldest.rawValue : RequestSort.newest.rawValue]),
            status: link(["sort": RequestSort.status.rawValue]),
            updated: link(["sort": RequestSort.recentlyUpdated.rawValue]))
        let model = ListModel(
            lists: [
                RowList(
                    id: "requests", tableId: "request-list", rows: result.items.map { RequestRowModel($0, l) },
                    sorts: sorts)
            ],
            count: l.capped(count, cap: Self.countCap), next: next,
            q: Self.echo(req, "q"), customer: Self.echo(req, "customer"), phone: Self.echo(req, "phone"),
            serial: Self.echo(req, "serial"), createdFrom: Self.echo(req, "createdFrom"),
            createdBefore: Self.echo(req, "createdBefore"), emergency: filter.emergency == true,
            moreOpen: ["customer", "phone", "serial", "channel", "createdFrom", "createdBefore", "emergency"].contains {
                !Self.echo(req, $0).isEmpty
            },
            channelOptions: SelectOption.of(
                AftercareDomain.Channel.self, prefix: "channel", selected: filter.channels.first, l),
            statusOptions: SelectOption.of(RequestStatus.self, prefix: "status", selected: filter.statuses.first, l),
            priorityOptions: SelectOption.of(Priority.self, prefix: "priority", selected: filter.priorities.first, l),
            typeOptions: SelectOption.of(RequestType.self, prefix: "type", selected: filter.types.first, l),
            error: error)
        return try await PageRenderer.render(
            "requests", title: "requests.title", model, for: req, status: error == nil ? .ok : .badRequest)
    }

    /// A query parameter as typed, for the filter form.
    static func echo(_ req: Request, _ name: String) -> String {
        String(((try? req.query.get(String.self, at: name)) ?? "").prefix(100))
    }

    // MARK: Detail

    struct DetailModel: Encodable {
        struct Audit: Encodable {
            var at: String
            var actor: String
            var action: String
        }

        struct EventForm: Encodable {
            var event: String
            var label: String
            var needsNote: Bool
            var asksCause: Bool
            var asksPriority: Bool
        }

        var id: Int
        var number: String
        var version: Int
        var status: String
        var statusCode: String
        var type: String
        var channel: String
        var priority: String
        var emergency: Bool
        var faultDescription: String
        var customerRequest: String?
        var preferredTime: String?
        var contactName: String?
        var contactPhone: String?
        var customerId: Int
        var customerName: String
        var customerVisible: Bool
        var warranty: String
        var faultCause: String
        var created: String
        var createdBy: String
        var age: String
        var units: [UnitLineModel]
        var timeline: [TimelineModel]
        var audit: [Audit]
        var events: [EventForm]
        var causeOptions: [SelectOption]
        var priorityOptions: [SelectOption]
        var errors: [String]
        /// R-3: the SLA panel, for those who may see it.
        var sla: SLAPanelModel?
        /// R-4: the request's visits, for those who may see visits.
        var visits: DispatchPages.RequestVisitsModel?
    }

    func detailModel(_ req: Request, id: Int, errors: [String] = []) async throws -> DetailModel {
        let principal = try req.requirePrincipal()
        let l = req.localizer
        let view = try await ServiceRequests(req.store).get(id)
        let customerVisible =
            principal.may(.viewCustomers)
            ? (try? await Records<CustomerRecord>(req.store).get(view.customerId)) != nil : false
        var audit: [DetailModel.Audit] = []
        if principal.may(.viewAudit) {
            audit = try await ServiceRequests(req.store).audit(id, page: PageRequest(limit: 20)).items.map {
                .init(at: l.dateTime($0.at), actor: $0.actor, action: l.t("audit.\($0.action.rawValue)"))
            }
        }
        let events = Permissions.events(view.allowedEvents, for: principal.roles).map { event in
            DetailModel.EventForm(
                event: event.rawValue, label: l.t("event.\(event.rawValue)"),
                needsNote: event == .cancel || event == .reopen,
                asksCause: ([.triage, .resolve, .resolveRemotely] as [RequestEventKind]).contains(event),
                asksPriority: event == .triage)
        }
        var sla: SLAPanelModel?
        if principal.may(.viewSLA),
            let explanation = try await SLAClocks.explain(view.id, now: req.store.now, in: req.store)
        {
            sla = SLAPanelModel(explanation, l)
        }
        var model = DetailModel(
            id: view.id, number: view.number, version: view.version, status: l.t("status.\(view.status.rawValue)"),
            statusCode: view.status.rawValue, type: l.t("type.\(view.type.rawValue)"),
            channel: l.t("channel.\(view.channel.rawValue)"), priority: l.t("priority.\(view.priority.rawValue)"),
            emergency: view.emergency, faultDescription: view.faultDescription, customerRequest: view.customerRequest,
            preferredTime: view.preferredTime, contactName: view.contactName,
            contactPhone: view.contactPhone, customerId: view.customerId, customerName: view.customerName,
            customerVisible: customerVisible, warranty: l.t("warranty.\(view.warrantyStatus.rawValue)"),
            faultCause: l.t("cause.\(view.faultCause.rawValue)"), created: l.dateTime(view.createdAt),
            createdBy: view.createdBy, age: l.duration(seconds: view.durations?.ageSeconds ?? 0),
            units: view.units.map { UnitLineModel($0, l) },
            timeline: (view.timeline ?? []).map { TimelineModel($0, l, showNotes: true) }, audit: audit,
            events: events,
            causeOptions: SelectOption.of(FaultCause.self, prefix: "cause", selected: view.faultCause, l),
            priorityOptions: SelectOption.of(Priority.self, prefix: "priority", selected: view.priority, l),
            errors: errors, sla: sla)
        model.visits = try await DispatchPages.requestVisits(req, requestId: view.id)
        return model
    }

    @Sendable func detail(_ req: Request) async throws -> Response {
        let model = try await detailModel(req, id: Self.id(req))
        return try await PageRenderer.render("request", title: "request.title", model, for: req)
    }

    /// A lifecycle step from the detail page; the role must allow that step (R-14.2), the state machine the rest.
    @Sendable func event(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try Self.id(req)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let event = form.value("event", RequestEventKind.self, into: &v)
        let cause = form.value("faultCause", FaultCause.self, into: &v)
        let priority = form.value("priority", Priority.self, into: &v)
        let version = form.int("version", into: &v)
        return try await FormCycle.run(req) {
            try v.finish()
            guard let event else { throw ValidationError(["event": .required]) }
            guard principal.may(.for(event)) else { throw Forbidden(action: .for(event)) }
            let carries = ([.triage, .resolve, .resolveRemotely] as [RequestEventKind]).contains(event)
            let input = ServiceRequestEventInput(
                event: event, note: form.string("note"), faultCause: carries ? cause : nil,
                priority: event == .triage ? priority : nil)
            _ = try await ServiceRequests(req.store).post(input, to: id, by: principal.actor, expectedVersion: version)
            return req.redirect(to: "/requests/\(id)")
        } again: { failure in
            // The request page lists plain lines; a stale version is said without naming the field.
            let lines = failure.error is StaleVersion ? failure.messages.map(\.message) : failure.messages.map(\.line)
            return try await PageRenderer.render(
                "request", title: "request.title", try await detailModel(req, id: id, errors: lines), for: req,
                status: failure.status)
        }
    }

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
            let view = try await ServiceRequestController.register(input, key: key, req)
            return req.redirect(to: "/requests/\(view.id)")
        } again: { failure in
            let model = try await newModel(req, query: "", form: form, errors: failure.messages)
            return try await PageRenderer.render(
                "request-new", title: "register.title", model, for: req, status: failure.status)
        }
    }

    // MARK: Printable registration form (R-14.4)

    struct PrintModel: Encodable {
        var id: Int
        var number: String
        var date: String
        var customerName: String
        var contactName: String?
        var contactPhone: String?
        var address: String?
        var channel: String
        var type: String
        var priority: String
        var emergency: Bool
        var faultDescription: String
        var customerRequest: String?
        var preferredTime: String?
        var units: [UnitLineModel]
        var printedAt: String
    }

    /// 售后服务登记表: one request, one or several units, in the chosen language (`?lang=`), print-friendly.
    @Sendable func printForm(_ req: Request) async throws -> Response {
        if let chosen = (try? req.query.get(String.self, at: "lang")).flatMap(Language.init) {
            req.principal?.locale = chosen
        }
        let l = req.localizer
        let view = try await ServiceRequests(req.store).get(Self.id(req))
        let customer = try? await Records<CustomerRecord>(req.store.seen(within: .everything)).get(view.customerId)
        let model = PrintModel(
            id: view.id, number: view.number, date: l.date(view.createdAt), customerName: view.customerName,
            contactName: view.contactName ?? customer?.contacts.first?.name,
            contactPhone: view.contactPhone ?? customer?.contacts.first?.phones.first,
            address: customer?.addresses.first?.text, channel: l.t("channel.\(view.channel.rawValue)"),
            type: l.t("type.\(view.type.rawValue)"), priority: l.t("priority.\(view.priority.rawValue)"),
            emergency: view.emergency, faultDescription: view.faultDescription,
            customerRequest: view.customerRequest, preferredTime: view.preferredTime,
            units: view.units.map { UnitLineModel($0, l) }, printedAt: l.dateTime(req.store.now))
        return try await PageRenderer.render("print-registration", title: "print.title", model, for: req)
    }

    // MARK: Customer and unit pages (R-1.4)

    struct CustomerModel: Encodable {
        struct ContactLine: Encodable {
            var name: String
            var role: String?
            var phones: String
            var email: String?
        }

        struct UnitRow: Encodable {
            var id: Int
            var serial: String
            var model: String
            var site: String?
            var warranty: String
        }

        var id: Int
        var name: String
        var kind: String
        var tier: String
        var notes: String?
        var contacts: [ContactLine]
        var addresses: [String]
        var units: [UnitRow]
        var lists: [RowList]
        var canRegister: Bool
    }

    @Sendable func customer(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let l = req.localizer
        let customer = try await Records<CustomerRecord>(req.store).get(Self.id(req))
        let units = try await Records<UnitRecord>(req.store).list(
            page: PageRequest(limit: 200), filter: .units(customerId: customer.id))
        var filter = RequestFilter()
        filter.customerId = customer.id
        let requests =
            principal.may(.viewRequests)
            ? try await ServiceRequests(req.store).list(filter, page: PageRequest(limit: 50)).items : []
        let today = CalendarDate(req.store.now, in: req.store.timeZone)
        let model = CustomerModel(
            id: customer.id, name: customer.name, kind: l.t("customerKind.\(customer.kind.rawValue)"),
            tier: l.t("tier.\(customer.tier.rawValue)"), notes: customer.notes,
            contacts: customer.contacts.map {
                .init(name: $0.name, role: $0.role, phones: $0.phones.joined(separator: ", "), email: $0.email)
            },
            addresses: customer.addresses.map { [$0.label, $0.text].compactMap { $0 }.joined(separator: ": ") },
            units: units.items.map {
                .init(
                    id: $0.id, serial: $0.serialNumber, model: $0.modelCode, site: $0.siteAddress,
                    warranty: l.t(
                        "warranty.\(UnitRecord.decision(for: $0, on: today, cause: .unknown).status.rawValue)"))
            },
            lists: [RowList(id: "history", tableId: "customer-history", rows: requests.map { RequestRowModel($0, l) })],
            canRegister: principal.may(.registerRequests))
        return try await PageRenderer.render("customer", title: "customer.title", model, for: req)
    }

    struct UnitModel: Encodable {
        struct DateLine: Encodable {
            var label: String
            var value: String
        }

        var id: Int
        var serial: String
        var model: String
        var customerId: Int
        var site: String?
        var status: String
        var dates: [DateLine]
        var warranty: String
        var warrantyPeriod: String?
        var lists: [RowList]
    }

    @Sendable func unit(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let l = req.localizer
        let unit = try await Records<UnitRecord>(req.store).get(Self.id(req))
        var filter = RequestFilter()
        filter.unitId = unit.id
        let requests =
            principal.may(.viewRequests)
            ? try await ServiceRequests(req.store).list(filter, page: PageRequest(limit: 50)).items : []
        let today = CalendarDate(req.store.now, in: req.store.timeZone)
        let decision = UnitRecord.decision(for: unit, on: today, cause: .unknown)
        let dates: [(String, CalendarDate?)] = [
            ("unit.saleDate", unit.saleDate), ("unit.deliveryDate", unit.deliveryDate),
            ("unit.installationDate", unit.installationDate), ("unit.acceptanceDate", unit.acceptanceDate),
        ]
        let model = UnitModel(
            id: unit.id, serial: unit.serialNumber, model: unit.modelCode, customerId: unit.customerId,
            site: unit.siteAddress, status: l.t("unitStatus.\(unit.status.rawValue)"),
            dates: dates.map { .init(label: l.t($0.0), value: $0.1?.description ?? "—") },
            warranty: l.t("warranty.\(decision.status.rawValue)"),
            warrantyPeriod: unit.warranty.map { "\($0.start) – \($0.end)" },
            lists: [RowList(id: "history", tableId: "unit-history", rows: requests.map { RequestRowModel($0, l) })])
        return try await PageRenderer.render("unit", title: "unit.title", model, for: req)
    }

    /// Typeahead: units by serial prefix, within the caller's scope, as JSON.
    @Sendable func lookupUnits(_ req: Request) async throws -> Response {
        struct Hit: Content {
            var id: Int
            var serial: String
            var model: String
            var customerId: Int
        }
        let query = String(((try? req.query.get(String.self, at: "q")) ?? "").prefix(64))
        let hits = try await Self.unitsBySerialPrefix(query, req: req, limit: 10).map {
            Hit(id: $0.id, serial: $0.serialNumber, model: $0.modelCode, customerId: $0.customerId)
        }
        return try await hits.encodeResponse(for: req)
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}

extension Calendar {
    /// Midnight of `date`'s day in `zone`.
    static func startOfDay(_ date: Date, in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.startOfDay(for: date)
    }
}
