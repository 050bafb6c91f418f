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
        try await DemoFees.load(store)
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
                    latitude: unit.latitude, longitude: unit.longitude,
                    currency: DemoCatalog.language(ofUnit: unit.code) == .es ? .eur : .cny), by: actor)
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
        let modelIds = Dictionary(uniqueKeysWithValues: models.map { ($0.model.code, $0.id) })
        let units = Dictionary(uniqueKeysWithValues: DemoCatalog.orgUnits.map { ($0.code, $0) })
        let today = store.today
        var serial = 100_000
        var index = 0
        for city in DemoCatalog.cities {
            guard let unit = units[city.unitCode], let orgUnitId = orgIds[city.unitCode] else { continue }
            let language = city.language
            // Each street is one place: every customer at that address shares its point, a few km from the centre.
            let points = city.streets.map { _ in
                (
                    latitude: unit.latitude + Double.random(in: -0.045...0.045, using: &random),
                    longitude: unit.longitude + Double.random(in: -0.055...0.055, using: &random)
                )
            }
            let customers =
                city.companies.map { (name: $0.name, sector: $0.sector, kind: CustomerKind.company) }
                + city.people.map { (name: $0, sector: DemoSector.household, kind: CustomerKind.person) }
            for entry in customers {
                index += 1
                let company = entry.kind == .company
                let tier: CustomerTier = company && index % 7 == 1 ? .key : (index % 3 == 0 ? .longTerm : .regular)
                var names: [String] = []
                for _ in 0..<(company ? Int.random(in: 1...3, using: &random) : 1) {
                    var name = company ? random.pick(city.contacts) : entry.name
                    while company, names.contains(name) { name = random.pick(city.contacts) }
                    names.append(name)
                }
                let contacts = names.enumerated().map { i, name in
                    // The first contact of a company has the office line and a mobile; the others a mobile.
                    let office = i == 0 && (company || random.chance(0.3))
                    let mobile = DemoCatalog.phone(city.phones, office: false, random: &random)
                    return Contact(
                        name: name,
                        phones: office
                            ? [DemoCatalog.phone(city.phones, office: true, random: &random), mobile] : [mobile],
                        email: i == 0 && company ? "service\(index)@example.com" : nil,
                        role: company ? random.pick(DemoCatalog.contactRoles(language)) : nil,
                        language: i == 0 && company ? language : nil)
                }
                let street = random.pick(DemoCatalog.streets(of: city, for: entry.name))
                let (lat, lon) = points[street]
                let address = Address(label: nil, text: city.streets[street], latitude: lat, longitude: lon)
                let customer = try await Records<CustomerRecord>(store).create(
                    .init(
                        orgUnitId: orgUnitId, name: entry.name, kind: entry.kind, tier: tier, contacts: contacts,
                        addresses: [address],
                        notes: random.chance(0.3) ? random.pick(DemoCatalog.notes(language)) : nil), by: actor)
                var projectId: Int?
                if company, random.chance(0.4) {
                    projectId = try await Records<ProjectRecord>(store).create(
                        .init(
                            number: "PRJ-\(2023 + index % 4)-\(String(format: "%03d", index))",
                            name: DemoCatalog.projectName(entry.name, purchase: random.chance(0.5), in: language),
                            customerId: customer.id, site: address.text), by: actor
                    ).id
                }
                let separator = language == .es ? ", " : " "
                for _ in 0..<(company ? Int.random(in: 2...5, using: &random) : 1) {
                    guard let line = DemoCatalog.productLine(random.pick(entry.sector.productLines)) else { continue }
                    let model = random.pick(line.models.filter(entry.sector.owns))
                    serial += Int.random(in: 1...97, using: &random)
                    let sale = today.adding(days: -Int.random(in: 30...1500, using: &random))
                    let delivery = sale.adding(days: Int.random(in: 0...30, using: &random))
                    let installation = delivery.adding(days: Int.random(in: 0...14, using: &random))
                    let accepted = random.chance(0.85)
                    _ = try await Records<UnitRecord>(store).create(
                        .init(
                            serialNumber: model.serialPrefix + String(serial), modelId: modelIds[model.code]!,
                            customerId: customer.id, projectId: projectId,
                            siteAddress: address.text + separator + random.pick(entry.sector.sites(language)),
                            latitude: lat, longitude: lon,
                            dates: UnitDates(
                                sale: sale, delivery: delivery, installation: installation,
                                acceptance: accepted
                                    ? installation.adding(days: Int.random(in: 0...14, using: &random)) : nil
                            ),
                            warrantyOverrideMonths: random.chance(0.1) ? 36 : nil), by: actor)
                }
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
        /// The language the customer writes in: its city's.
        var language: Language
        /// A key customer: served first.
        var key: Bool
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
        var languages: [Int: Language] = [:]
        for row in try await db.select().columns("id", "code").from("org_units").all() {
            languages[try row.decode(column: "id", as: Int.self)] = DemoCatalog.language(
                ofUnit: try row.decode(column: "code", as: String.self))
        }
        return customers.map {
            CustomerPick(
                id: $0.id, orgUnitId: $0.orgUnitId, language: languages[$0.orgUnitId] ?? .zhHans, key: $0.tier == .key,
                contactName: $0.contacts.first?.name, contactPhone: $0.contacts.first?.phones.first,
                units: units[$0.id] ?? [])
        }
    }

    /// A request's whole course (R-2.7), from registration to its end; how far it has come depends on its age.
    static let courses: [(weight: Int, events: [RequestEventKind], partsOnOrder: Bool)] = [
        (40, [.triage, .startService, .resolve, .close], false),
        // Repaired once the part ordered on the first visit arrives, days later.
        (10, [.triage, .startService, .resolve, .close], true),
        (24, [.triage, .resolveRemotely, .close], false),
        (16, [.triage, .startService, .waitForCustomer, .customerResponded, .resolve, .close], false),
        (7, [.triage, .waitForCustomer, .customerResponded, .startService, .resolve, .close], false),
        (3, [.triage, .startService, .resolve, .reopen, .resolve, .close], false),
        (5, [.triage, .cancel], false),
        (2, [.triage, .waitForCustomer, .cancel], false),
        (1, [.cancel], false),
    ]

    /// How long after the step before `event` is taken, in seconds: minutes to triage, a day or two to be on site,
    /// mostly the same day to repair (days when a part is on order), days for the customer to answer, and the
    /// follow-up call before closing.
    static func delay(of event: RequestEventKind, after previous: RequestEventKind?, _ random: inout SeededRandom)
        -> Double
    {
        let hour = 3600.0
        let day = 86_400.0
        func spread(_ ranges: [(share: Double, range: ClosedRange<Double>)]) -> Double {
            var roll = Double.random(in: 0..<1, using: &random)
            for entry in ranges {
                if roll < entry.share { return Double.random(in: entry.range, using: &random) }
                roll -= entry.share
            }
            return Double.random(in: ranges[ranges.count - 1].range, using: &random)
        }
        switch event {
        case .triage: return spread([(0.8, 180...1800), (0.17, 1800...hour), (0.03, hour...4 * hour)])
        case .resolveRemotely: return spread([(1, 900...6 * hour)])
        case .startService:
            return spread([(0.7, 2 * hour...18 * hour), (0.22, 18 * hour...36 * hour), (0.08, 36 * hour...3 * day)])
        case .waitForCustomer: return spread([(1, hour...10 * hour)])
        case .customerResponded:
            return spread([
                (0.45, day...5 * day), (0.4, 5 * day...20 * day), (0.13, 20 * day...45 * day),
                (0.02, 45 * day...100 * day),
            ])
        case .resolve where previous == .reopen: return spread([(1, 4 * hour...3 * day)])
        case .resolve: return spread([(0.55, hour...8 * hour), (0.35, 8 * hour...2 * day), (0.1, 2 * day...6 * day)])
        case .reopen: return spread([(1, 2 * day...12 * day)])
        case .close: return spread([(1, 2 * day...7 * day)])
        case .cancel: return spread([(1, hour...3 * day)])
        }
    }

    /// Adds `count` requests in bulk (batched multi-row inserts in few transactions), oldest first, numbered
    /// on from each year's counter, with units, timelines and the search index.
    ///
    /// The requests come in over the last `days` days, more of them lately, in working hours (08:00–20:00 in the
    /// deployment's zone), so that the newest arrived today; each follows its course as far as it has come by now:
    /// most are closed, the last weeks' are open or resolved, a few long waits are older, and some are due today.
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
        let nowDate = store.now
        let now = nowDate.timeIntervalSince1970
        // Working hours, by arithmetic on the zone's offset (fast enough for a million requests).
        let offset = Double(store.timeZone.secondsFromGMT(for: nowDate))
        let dayStart = 8 * 3600.0
        let dayLength = 12 * 3600.0
        let days = 180.0
        let localNow = now + offset
        let today = (localNow / 86_400).rounded(.down)
        let workedToday = min(max(localNow - today * 86_400 - dayStart, 0), dayLength)
        let firstDay = today - days
        let workingSpan = days * dayLength + workedToday
        /// The instant `t`, or the start of the next working hours (and a little) when it falls outside them.
        func inWorkingHours(_ t: Double, _ random: inout SeededRandom) -> Double {
            let local = t + offset
            let second = local - (local / 86_400).rounded(.down) * 86_400
            let late = Double.random(in: 0...5400, using: &random).rounded(.down)
            if second < dayStart { return t + dayStart - second + late }
            if second >= dayStart + dayLength { return t + 86_400 - second + dayStart + late }
            return t
        }
        let weights = Self.courses.flatMap { course in Array(repeating: course, count: course.weight) }
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
                // More requests lately than half a year ago (the installed base grows): the rate rises from half
                // the average to one and a half times it.
                let x = workingSpan * ((0.25 + 2 * Double(i) / Double(count)).squareRoot() - 0.5)
                let day = (x / dayLength).rounded(.down)
                let created = Date(
                    timeIntervalSince1970: ((firstDay + day) * 86_400 + dayStart + x - day * dayLength - offset)
                        .rounded(.down))
                let year = CalendarDate(created, in: store.timeZone).year
                counters[year, default: 0] += 1
                let number = ServiceRequestNumber(year: year, sequence: counters[year]!).description
                let customer = customers[Int.random(in: 0..<customers.count, using: &random)]
                let language = customer.language
                let unit = customer.units.isEmpty || random.chance(0.1) ? nil : random.pick(customer.units)
                let line =
                    unit?.line
                    ?? (customer.units.isEmpty
                        ? random.pick(DemoCatalog.productLines) : random.pick(customer.units).line)
                let fault = random.pick(line.faults(language))
                let emergency = random.chance(0.03)
                let priority: Priority =
                    emergency ? .emergency : random.pick([.high, .normal, .normal, .normal, .low])
                var lifecycle = RequestLifecycle()
                var at = created.timeIntervalSince1970
                eventRows.append([
                    SQLBind(id), SQLBind(created), SQLBind("demo"), SQLBind("register"), SQLLiteral.null,
                    SQLBind(RequestStatus.registered.rawValue), SQLLiteral.null,
                ])
                var taken: [RequestEventKind] = []
                let course = random.pick(weights)
                for event in course.events {
                    var wait =
                        course.partsOnOrder && event == .resolve
                        ? Double.random(in: 3 * 86_400...12 * 86_400, using: &random)
                        : Self.delay(of: event, after: taken.last, &random)
                    // Emergencies and key customers are answered, visited and repaired first.
                    if emergency || customer.key, [.triage, .startService, .resolve].contains(event) { wait *= 0.4 }
                    let next = inWorkingHours(at + wait.rounded(.down), &random)
                    // What lies ahead of now has not happened yet.
                    guard next < now else { break }
                    at = next
                    let note: String? =
                        switch event {
                        case .cancel: random.pick(DemoCatalog.cancelReasons(language))
                        case .reopen: random.pick(DemoCatalog.reopenReasons(language))
                        case .waitForCustomer: random.pick(DemoCatalog.waitReasons(language))
                        case .resolve, .resolveRemotely: random.pick(line.resolutions(language))
                        default: nil
                        }
                    let from = lifecycle.status
                    // The bulk load refreshes every clock at the end; generated history schedules no follow-ups.
                    _ = try lifecycle.apply(RequestEvent(event, note: note), at: Date(timeIntervalSince1970: at))
                    eventRows.append([
                        SQLBind(id), SQLBind(Date(timeIntervalSince1970: at)), SQLBind("demo"),
                        SQLBind(event.rawValue), SQLBind(from.rawValue), SQLBind(lifecycle.status.rawValue),
                        SQLBind(note),
                    ])
                    taken.append(event)
                }
                let events = taken
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
                    SQLBind(fault), SQLBind(random.pick(line.customerRequests(language))), SQLBind(priority.rawValue),
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
