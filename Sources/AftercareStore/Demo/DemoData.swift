import AftercareDomain
import Foundation
import SQLKit

/// A small, fast, seeded random source so the demo data is the same on every machine.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &self)] }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
}

/// Loads realistic demo data (R-1, R-2), multilingual, from the seeds' industries. Loading twice adds nothing.
public struct DemoData: Sendable {
    public let store: Store
    let actor = Actor(name: "demo")

    public init(_ store: Store) {
        self.store = store
    }

    /// Whether the demo organisation is already there.
    public func isLoaded() async throws -> Bool {
        try await store.sql.select().column("id").from("org_units").where("code", .equal, DemoCatalog.orgUnits[0].code)
            .first() != nil
    }

    /// Loads the organisation, catalogue, customers and units when missing, then adds requests until there
    /// are `requests` of them. Returns how many requests were added.
    @discardableResult
    public func load(requests: Int = 1000, progress: @escaping @Sendable (String) -> Void = { _ in }) async throws
        -> Int
    {
        var random = SeededRandom(state: 20_261_123)
        if try await !isLoaded() {
            try await loadBase(random: &random)
            progress("demo: organisation, \(DemoCatalog.productLines.count) product lines, customers and units loaded")
        }
        try await DemoCommitments.load(store)
        let existing =
            try await store.sql.raw("SELECT COUNT(*) AS n FROM service_requests")
            .first(decodingColumn: "n", as: Int.self) ?? 0
        guard requests > existing else { return 0 }
        let added = try await addRequests(requests - existing, random: &random, progress: progress)
        try await computeClocks(progress: progress)
        return added
    }

    /// R-3: the clocks of the demo's requests: every request of a small demo (so the compliance report has
    /// history), only the open ones of a large one (the re-plan sweep's work).
    func computeClocks(progress: @escaping @Sendable (String) -> Void) async throws {
        let now = store.now
        // R-10.1: the demo's resolved requests are due a follow-up call, from their latest resolution.
        try await store.write { db in
            try await db.raw(
                """
                INSERT INTO follow_up_triggers (request_id, trigger, fire_at, created_at)                 SELECT e.request_id, CASE e.event WHEN 'resolveRemotely' THEN 'phoneGuidance' ELSE 'resolved' END,                 e.at, e.at FROM request_events e JOIN service_requests sr ON sr.id = e.request_id                 WHERE sr.status = 'resolved' AND e.id = (SELECT MAX(e2.id) FROM request_events e2                 WHERE e2.request_id = e.request_id AND e2.event IN ('resolve', 'resolveRemotely'))                 AND NOT EXISTS (SELECT 1 FROM follow_up_triggers t WHERE t.request_id = e.request_id)
                """
            ).run()
        }
        let total =
            try await store.sql.raw("SELECT COUNT(*) AS n FROM service_requests")
            .first(decodingColumn: "n", as: Int.self) ?? 0
        if total <= 20_000 {
            var after = 0
            while true {
                let ids = try await store.sql.select().column("id").from("service_requests").where(
                    "id", .greaterThan, after
                )
                .orderBy("id").limit(500).all(decodingColumn: "id", as: Int.self)
                guard let last = ids.last else { break }
                try await store.write { db in try await SLAClocks.refresh(ids, now: now, on: db) }
                after = last
            }
        } else {
            try await store.write { db in try await Replans.request(reason: "demo", on: db) }
            let report = try await ReplanSweep.run(store: store, now: now)
            progress("demo: SLA clocks of \(report.items) open requests planned")
        }
    }

    func loadBase(random: inout SeededRandom) async throws {
        let orgs = Records<OrgUnitRecord>(store)
        var orgIds: [String: Int] = [:]
        for unit in DemoCatalog.orgUnits {
            let view = try await orgs.create(
                .init(
                    code: unit.code, name: unit.name, kind: OrgUnitKind(rawValue: unit.kind) ?? .outlet,
                    parentId: unit.parentCode.flatMap { orgIds[$0] }, timeZone: unit.timeZone,
                    latitude: unit.latitude, longitude: unit.longitude), by: actor)
            orgIds[unit.code] = view.id
        }
        var models: [(id: Int, line: DemoProductLine, model: DemoModel)] = []
        for line in DemoCatalog.productLines {
            let lineView = try await Records<ProductLineRecord>(store).create(
                .init(code: line.code, name: line.name), by: actor)
            for model in line.models {
                let view = try await Records<ProductModelRecord>(store).create(
                    .init(
                        code: model.code, name: model.name, productLineId: lineView.id,
                        warrantyMonths: model.warrantyMonths,
                        warrantyStartsFrom: WarrantyStart(rawValue: model.warrantyStartsFrom) ?? .acceptance,
                        serviceLevel: ServiceLevel(rawValue: model.serviceLevel) ?? .meets,
                        serviceFamilies: model.serviceFamilies.compactMap(ServiceFamily.init)), by: actor)
                models.append((view.id, line, model))
            }
        }
        let owners = DemoCatalog.orgUnits.filter { $0.kind != "headquarters" }
        let names =
            DemoCatalog.companyNames.prefix(72).map { ($0, CustomerKind.company) }
            + DemoCatalog.personNames.prefix(28).map { ($0, CustomerKind.person) }
        let today = store.today
        var serial = 100_000
        for (index, (name, kind)) in names.enumerated() {
            let owner = random.pick(owners)
            let tier: CustomerTier = index % 7 == 0 ? .key : (index % 3 == 0 ? .longTerm : .regular)
            let contacts = (0..<(kind == .company ? Int.random(in: 1...3, using: &random) : 1)).map { i in
                Contact(
                    name: kind == .person ? name : random.pick(DemoCatalog.contactNames),
                    phones: ["1" + String(Int.random(in: 3_000_000_000...8_999_999_999, using: &random))],
                    email: i == 0 && kind == .company ? "service\(index)@example.com" : nil,
                    role: kind == .company ? random.pick(DemoCatalog.contactRoles) : nil)
            }
            let lat = owner.latitude + Double.random(in: -0.2...0.2, using: &random)
            let lon = owner.longitude + Double.random(in: -0.2...0.2, using: &random)
            let address = Address(
                label: nil, text: owner.city + " " + random.pick(DemoCatalog.streets), latitude: lat, longitude: lon)
            let customer = try await Records<CustomerRecord>(store).create(
                .init(
                    orgUnitId: orgIds[owner.code]!, name: name, kind: kind, tier: tier, contacts: contacts,
                    addresses: [address], notes: random.chance(0.3) ? random.pick(DemoCatalog.notes) : nil), by: actor)
            var projectId: Int?
            if kind == .company, random.chance(0.4) {
                projectId = try await Records<ProjectRecord>(store).create(
                    .init(
                        number: "PRJ-\(2023 + index % 4)-\(String(format: "%03d", index))",
                        name: name + " " + (random.chance(0.5) ? "设备采购项目" : "售后服务合同"),
                        customerId: customer.id, site: address.text), by: actor
                ).id
            }
            for _ in 0..<(kind == .company ? Int.random(in: 2...5, using: &random) : 1) {
                let entry = random.pick(models)
                serial += Int.random(in: 1...97, using: &random)
                let sale = today.adding(days: -Int.random(in: 30...1500, using: &random))
                let delivery = sale.adding(days: Int.random(in: 0...30, using: &random))
                let installation = delivery.adding(days: Int.random(in: 0...14, using: &random))
                let accepted = random.chance(0.85)
                _ = try await Records<UnitRecord>(store).create(
                    .init(
                        serialNumber: entry.model.serialPrefix + String(serial), modelId: entry.id,
                        customerId: customer.id, projectId: projectId,
                        siteAddress: address.text + " " + random.pick(entry.line.siteKinds), latitude: lat,
                        longitude: lon,
                        dates: UnitDates(
                            sale: sale, delivery: delivery, installation: installation,
                            acceptance: accepted
                                ? installation.adding(days: Int.random(in: 0...14, using: &random)) : nil
                        ),
                        warrantyOverrideMonths: random.chance(0.1) ? 36 : nil), by: actor)
            }
        }
    }

    struct UnitPick {
        var id: Int
        var modelId: Int
        var line: DemoProductLine
        var warranty: WarrantyPeriod?
    }

    struct CustomerPick {
        var id: Int
        var orgUnitId: Int
        var contactName: String?
        var contactPhone: String?
        var units: [UnitPick]
    }

    func customers() async throws -> [CustomerPick] {
        let db = store.sql
        let customers = try await Records<CustomerRecord>(store).list(page: .init(limit: 200)).items
        let lines = Dictionary(
            uniqueKeysWithValues: DemoCatalog.productLines.flatMap { line in
                line.models.map { ($0.code, line) }
            })
        var units: [Int: [UnitPick]] = [:]
        let rows = try await UnitRecord.select(on: db).all()
        for row in rows {
            let unit = try Records<UnitRecord>.view(of: row)
            guard let line = lines[unit.modelCode] else { continue }
            units[unit.customerId, default: []].append(
                UnitPick(id: unit.id, modelId: unit.modelId, line: line, warranty: unit.warranty))
        }
        return customers.map {
            CustomerPick(
                id: $0.id, orgUnitId: $0.orgUnitId, contactName: $0.contacts.first?.name,
                contactPhone: $0.contacts.first?.phones.first, units: units[$0.id] ?? [])
        }
    }

    /// The event chains that lead to each state, in order (R-2.7).
    static let paths: [(weight: Int, events: [RequestEventKind])] = [
        (3, []),
        (3, [.triage]),
        (4, [.triage, .startService]),
        (2, [.triage, .waitForCustomer]),
        (2, [.triage, .startService, .waitForCustomer]),
        (4, [.triage, .resolveRemotely]),
        (3, [.triage, .startService, .resolve]),
        (40, [.triage, .startService, .resolve, .close]),
        (20, [.triage, .resolveRemotely, .close]),
        (2, [.triage, .startService, .resolve, .reopen, .resolve, .close]),
        (3, [.triage, .cancel]),
        (1, [.cancel]),
    ]

    /// Adds `count` requests in bulk (batched multi-row inserts in few transactions), oldest first, numbered
    /// on from each year's counter, with units, timelines and the search index.
    func addRequests(_ count: Int, random: inout SeededRandom, progress: @escaping @Sendable (String) -> Void)
        async throws -> Int
    {
        let customers = try await customers()
        guard !customers.isEmpty else { return 0 }
        let db = store.sql
        let maxRow = try await db.raw("SELECT MAX(id) AS m FROM service_requests").first()
        let firstId = (try maxRow?.decode(column: "m", as: Int?.self) ?? 0) + 1
        var counters: [Int: Int] = [:]
        for row in try await db.select().column("name").column("value").from("sequences").all() {
            let name = try row.decode(column: "name", as: String.self)
            if name.hasPrefix("SR-"), let year = Int(name.dropFirst(3)) {
                counters[year] = try row.decode(column: "value", as: Int.self)
            }
        }
        let now = store.now.timeIntervalSince1970
        let span = 2 * 365 * 86_400.0
        let start = now - span
        let weights = Self.paths.flatMap { path in Array(repeating: path.events, count: path.weight) }
        let batch = 500
        let perTransaction = 10_000
        var made = 0
        let began = Date()
        while made < count {
            let chunk = min(perTransaction, count - made)
            var requestRows: [[any SQLExpression]] = []
            var unitRows: [[any SQLExpression]] = []
            var eventRows: [[any SQLExpression]] = []
            var textRows: [[any SQLExpression]] = []
            for k in 0..<chunk {
                let i = made + k
                let id = firstId + i
                let created = Date(
                    timeIntervalSince1970: (start + span * Double(i) / Double(count)).rounded(.down))
                let year = CalendarDate(created, in: store.timeZone).year
                counters[year, default: 0] += 1
                let number = ServiceRequestNumber(year: year, sequence: counters[year]!).description
                let customer = customers[Int.random(in: 0..<customers.count, using: &random)]
                let unit = customer.units.isEmpty || random.chance(0.1) ? nil : random.pick(customer.units)
                let line = unit?.line ?? random.pick(DemoCatalog.productLines)
                let fault = random.pick(line.faults)
                let emergency = random.chance(0.03)
                let priority: Priority =
                    emergency ? .emergency : random.pick([.high, .normal, .normal, .normal, .low])
                let age = now - created.timeIntervalSince1970
                var events = random.pick(weights)
                if age < 3 * 86_400, events.count > 3 {
                    events = Array(events.prefix(Int.random(in: 0...2, using: &random)))
                }
                var lifecycle = RequestLifecycle()
                var at = created.timeIntervalSince1970
                let stepMax = max(60, min(age / Double(events.count + 1), 3 * 86_400))
                eventRows.append([
                    SQLBind(id), SQLBind(created), SQLBind("demo"), SQLBind("register"), SQLLiteral.null,
                    SQLBind(RequestStatus.registered.rawValue), SQLLiteral.null,
                ])
                for event in events {
                    let note: String? =
                        switch event {
                        case .cancel: random.pick(DemoCatalog.cancelReasons)
                        case .reopen: "故障复发 / the fault came back"
                        case .resolve, .resolveRemotely: random.pick(DemoCatalog.resolutions)
                        default: nil
                        }
                    at += Double.random(in: 30...stepMax, using: &random).rounded(.down)
                    let from = lifecycle.status
                    // The bulk load refreshes every clock at the end; generated history schedules no follow-ups.
                    _ = try lifecycle.apply(RequestEvent(event, note: note), at: Date(timeIntervalSince1970: at))
                    eventRows.append([
                        SQLBind(id), SQLBind(Date(timeIntervalSince1970: at)), SQLBind("demo"),
                        SQLBind(event.rawValue), SQLBind(from.rawValue), SQLBind(lifecycle.status.rawValue),
                        SQLBind(note),
                    ])
                }
                let triaged = !events.isEmpty && events[0] == .triage
                let cause: FaultCause =
                    triaged
                    ? random.pick([.qualityDefect, .qualityDefect, .installation, .manMadeDamage, .unknown]) : .unknown
                requestRows.append([
                    SQLBind(id), SQLBind(number), SQLBind(customer.orgUnitId), SQLBind(customer.id),
                    SQLBind(customer.contactName), SQLBind(customer.contactPhone),
                    SQLBind(customer.contactPhone.map(PhoneNumber.digits)),
                    SQLBind(random.pick(Channel.allCases).rawValue),
                    SQLBind(
                        random.pick([
                            RequestType.repair, .repair, .repair, .consultation, .technicalSupport,
                            .inspection, .installation, .returnExchange,
                        ]).rawValue),
                    SQLBind(fault), SQLBind(random.pick(line.customerRequests)), SQLBind(priority.rawValue),
                    SQLBind(emergency), SQLBind(triaged ? random.pick(line.categories) : nil), SQLBind(cause.rawValue),
                    SQLBind(lifecycle.status.rawValue), SQLBind(lifecycle.resumeStatus?.rawValue), SQLBind("demo"),
                    SQLBind(1 + events.count), SQLBind(created), SQLBind(Date(timeIntervalSince1970: at)),
                ])
                if let unit {
                    let decision =
                        triaged
                        ? WarrantyDecision.decide(
                            period: unit.warranty, requestDate: CalendarDate(created, in: store.timeZone), cause: cause)
                        : nil
                    unitRows.append([
                        SQLBind(id), SQLBind(unit.id), SQLBind(unit.modelId), SQLBind(decision?.status.rawValue),
                        SQLBind(decision?.reason.rawValue),
                    ])
                }
                textRows.append([SQLBind(id), SQLBind(fault)])
            }
            let kind = store.kind
            let batchRows = (requests: requestRows, units: unitRows, events: eventRows, texts: textRows)
            let yearCounters = counters
            try await store.write { db in
                for rows in batchRows.requests.chunked(batch) {
                    try await db.insert(into: "service_requests")
                        .columns(
                            "id", "number", "org_unit_id", "customer_id", "contact_name", "contact_phone",
                            "contact_phone_digits", "channel", "type", "fault_description", "customer_request",
                            "priority", "emergency", "category", "fault_cause", "status", "resume_status", "created_by",
                            "version", "created_at", "updated_at"
                        ).rows(rows).run()
                }
                for rows in batchRows.units.chunked(batch) {
                    try await db.insert(into: "service_request_units")
                        .columns("request_id", "unit_id", "model_id", "warranty_status", "warranty_reason").rows(rows)
                        .run()
                }
                for rows in batchRows.events.chunked(batch * 2) {
                    try await db.insert(into: "request_events")
                        .columns("request_id", "at", "actor", "event", "from_status", "to_status", "note").rows(rows)
                        .run()
                }
                if kind == .sqlite {
                    for rows in batchRows.texts.chunked(batch) {
                        try await db.insert(into: "request_text").columns("rowid", "body").rows(rows).run()
                    }
                }
                for (year, value) in yearCounters {
                    try await db.raw(
                        """
                        INSERT INTO sequences (name, value) VALUES (\(bind: ServiceRequestNumber.sequenceName(year: year)), \(bind: value)) \
                        ON CONFLICT (name) DO UPDATE SET value = excluded.value
                        """
                    ).run()
                }
            }
            made += chunk
            if count >= 50_000 || made == count {
                progress(
                    "demo: \(made) of \(count) requests (\(Int(Date().timeIntervalSince(began))) s)")
            }
        }
        try await store.write { db in
            if kind == .postgres {
                try await db.raw(
                    "SELECT setval(pg_get_serial_sequence('service_requests', 'id'), (SELECT MAX(id) FROM service_requests))"
                ).run()
            }
            try await AuditLog.append(
                on: db, entity: "demoImport", id: firstId, action: .create, actor: actor, at: store.now,
                before: String?.none, after: ["requests": count, "firstId": firstId])
        }
        return count
    }

    var kind: DatabaseKind { store.kind }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
