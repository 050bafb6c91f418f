import AftercareDomain
import Foundation
import SQLKit

/// Filters of the request list (R-2, R-1.4); every one is optional and they combine with AND.
public struct RequestFilter: Sendable, Equatable {
    public var statuses: [RequestStatus] = []
    public var types: [RequestType] = []
    public var priorities: [Priority] = []
    public var channels: [Channel] = []
    /// The unit and its whole subtree.
    public var orgUnitId: Int?
    public var customerId: Int?
    public var unitId: Int?
    public var modelId: Int?
    public var projectId: Int?
    public var createdFrom: Date?
    public var createdBefore: Date?
    public var emergency: Bool?
    public var includeArchived = false
    /// Exact request number, `SR-2026-000123`.
    public var number: String?
    /// Exact serial number of one of the request's units.
    public var serialNumber: String?
    /// Digits of the caller's phone or of any phone of the customer.
    public var phone: String?
    /// Part of the customer's name.
    public var customerName: String?
    /// Part of the fault description, any language.
    public var text: String?
    /// The search box: a request matches any meaning of what was typed (`SearchTerms`).
    public var search: SearchTerms?
    /// The fault's cause as triage or resolution decided it.
    public var faultCauses: [FaultCause] = []
    /// The customer's tier.
    public var customerTiers: [CustomerTier] = []
    /// The user who registered the request.
    public var createdBy: String?
    public var sort: RequestSort = .newest

    public init() {}
}

/// The orders a request list can be read in, each keyset-paged by (sort value, id).
public enum RequestSort: String, CodedEnum {
    case newest, oldest, recentlyUpdated, status
}

/// R-2: service requests: registration, editing, lifecycle events, lists, search and history.
public struct ServiceRequests: Sendable {
    public let store: Store

    public init(_ store: Store) {
        self.store = store
    }

    static let columns = """
        sr.id, sr.number, sr.org_unit_id, sr.customer_id, c.name AS customer_name, sr.project_id, sr.contact_name,
        sr.contact_phone, sr.channel, sr.type, sr.fault_description, sr.customer_request, sr.preferred_time,
        sr.priority, sr.emergency, sr.category, sr.fault_cause, sr.status, sr.resume_status, sr.created_by,
        sr.version, sr.created_at, sr.updated_at, sr.archived_at, sr.intake_flag
        """

    // MARK: Reading

    public func get(_ id: Int) async throws -> ServiceRequestView {
        guard var view = try await Self.load(id, within: store.scope, on: store.sql) else {
            throw RecordNotFound(entity: "serviceRequest", id: id)
        }
        let timeline = try await store.sql.select().column("*").from("request_events")
            .where("request_id", .equal, id).orderBy("id").all(decoding: TimelineRow.self, with: RowCoding.decoder)
            .map { try $0.entry() }
        let durations = RequestDurations.of(
            createdAt: view.createdAt, changes: timeline.map { StatusChange(at: $0.at, from: $0.from, to: $0.to) },
            now: store.now)
        view.timeline = timeline
        view.durations = DurationsView(
            ageSeconds: Int(durations.age), waitingOnCustomerSeconds: Int(durations.waitingOnCustomer),
            secondsInStatus: Dictionary(uniqueKeysWithValues: durations.secondsInStatus.map { ($0.rawValue, Int($1)) }))
        return view
    }

    static func load(_ id: Int, within scope: Scope, on db: any SQLDatabase) async throws -> ServiceRequestView? {
        var query: SQLQueryString =
            "SELECT \(unsafeRaw: columns) FROM service_requests sr JOIN customers c ON c.id = sr.customer_id WHERE sr.id = \(bind: id)"
        if let visible = visible(to: scope) { query += " AND " + visible }
        guard let row = try await db.raw(query).first(decoding: ServiceRequestRow.self, with: RowCoding.decoder)
        else { return nil }
        return try await views(of: [row], on: db).first
    }

    /// R-14.2: the requests a scope sees: those handled by its organisation subtree, or a customer's own.
    static func visible(to scope: Scope) -> SQLQueryString? {
        switch scope {
        case .everything: nil
        case .orgSubtree(_, let path):
            "sr.org_unit_id IN (SELECT id FROM org_units WHERE path LIKE \(bind: path + "%"))"
        case .customer(let id): "sr.customer_id = \(bind: id)"
        }
    }

    /// Views for rows with their units, in one more query for the whole page (no query per row).
    static func views(of rows: [ServiceRequestRow], on db: any SQLDatabase) async throws -> [ServiceRequestView] {
        guard !rows.isEmpty else { return [] }
        let units = try await UnitRecord.select(on: db)
            .column(SQLColumn("request_id", table: "sru"))
            .column(SQLColumn("warranty_status", table: "sru"), as: "request_warranty_status")
            .column(SQLColumn("warranty_reason", table: "sru"), as: "request_warranty_reason")
            .join(
                SQLAlias(SQLIdentifier("service_request_units"), as: SQLIdentifier("sru")),
                on: SQLColumn("unit_id", table: "sru"), .equal, SQLColumn("id", table: "units")
            )
            .where(SQLColumn("request_id", table: "sru"), .in, SQLBind.group(rows.map(\.id)))
            .orderBy(SQLColumn("unit_id", table: "sru")).all()
        var byRequest: [Int: [RequestUnitView]] = [:]
        for row in units {
            let unit = try Records<UnitRecord>.view(of: row)
            let requestId = try row.decode(column: "request_id", as: Int.self)
            byRequest[requestId, default: []].append(
                RequestUnitView(
                    unitId: unit.id, serialNumber: unit.serialNumber, modelId: unit.modelId, modelCode: unit.modelCode,
                    warranty: unit.warranty,
                    warrantyStatus: try row.decode(column: "request_warranty_status", as: String?.self)
                        .flatMap(WarrantyStatus.init),
                    warrantyReason: try row.decode(column: "request_warranty_reason", as: String?.self)
                        .flatMap(WarrantyReason.init)))
        }
        return try rows.map { try $0.view(units: byRequest[$0.id] ?? []) }
    }

    /// R-2, R-1.4: filtered and searched, in the chosen order, keyset-paged.
    ///
    /// The search box's text is first looked up by what it can exactly be (a number, a serial, a phone); only when
    /// that finds nothing is it read as words (names, fault text), so that a serial never waits for a text search.
    public func list(_ filter: RequestFilter, page: PageRequest) async throws -> Page<ServiceRequestView> {
        if let search = filter.search, search.words != nil, let exact = search.exactOnly {
            var first = filter
            first.search = exact
            let found = try await listed(first, page: page)
            if !found.items.isEmpty { return found }
            var words = filter
            words.search = search.wordsOnly
            return try await listed(words, page: page)
        }
        return try await listed(filter, page: page)
    }

    func listed(_ filter: RequestFilter, page: PageRequest) async throws -> Page<ServiceRequestView> {
        let db = store.sql
        if let lookup = Self.lookup(filter), filter.sort == .newest {
            return try await driven(by: lookup, filter, page: page)
        }
        var conditions = try await Self.conditions(filter, scope: store.scope, on: db)
        // A cursor carries a sort value exactly when the order needs one; any other is from another order.
        let keyed = filter.sort == .recentlyUpdated || filter.sort == .status
        if page.afterId != nil,
            (page.afterKey != nil) != keyed
                || (filter.sort == .recentlyUpdated && page.afterKey.flatMap(Timestamp.parse) == nil)
                || (filter.sort == .status && page.afterKey.flatMap(RequestStatus.init) == nil)
        {
            throw CursorMismatch()
        }
        let order: String
        switch filter.sort {
        case .newest:
            if let after = page.afterId { conditions.append("sr.id < \(bind: after)") }
            order = "sr.id DESC"
        case .oldest:
            if let after = page.afterId { conditions.append("sr.id > \(bind: after)") }
            order = "sr.id ASC"
        case .recentlyUpdated:
            if let after = page.afterId, let key = page.afterKey.flatMap(Timestamp.parse) {
                // Instants are stored to the millisecond; SQLite keeps them as floating seconds, which a parsed
                // cursor may miss by a rounding error, so "the same instant" is anything within half a millisecond.
                let low = key.addingTimeInterval(-0.0005)
                let high = key.addingTimeInterval(0.0005)
                conditions.append(
                    """
                    (sr.updated_at < \(bind: low) OR (sr.updated_at >= \(bind: low) AND sr.updated_at <= \(bind: high) \
                    AND sr.id < \(bind: after)))
                    """)
            }
            order = "sr.updated_at DESC, sr.id DESC"
        case .status:
            if let after = page.afterId, let key = page.afterKey {
                conditions.append("(sr.status > \(bind: key) OR (sr.status = \(bind: key) AND sr.id < \(bind: after)))")
            }
            order = "sr.status ASC, sr.id DESC"
        }
        var query: SQLQueryString =
            "SELECT \(unsafeRaw: Self.columns) FROM service_requests sr JOIN customers c ON c.id = sr.customer_id"
        if !conditions.isEmpty { query += " WHERE " + conditions.joined(separator: " AND ") }
        query += " ORDER BY \(unsafeRaw: order) LIMIT \(literal: page.limit + 1)"
        let rows = try await db.raw(query).all(decoding: ServiceRequestRow.self, with: RowCoding.decoder)
        let sort = filter.sort
        return try await Page(
            rows: rows, limit: page.limit,
            cursor: { last in
                let key: String? =
                    switch sort {
                    case .newest, .oldest: nil
                    case .recentlyUpdated: Timestamp.format(last.updatedAt)
                    case .status: last.status.rawValue
                    }
                return PageCursor.encode(last.id, key: key)
            }, view: { try await Self.views(of: $0, on: db) })
    }

    /// One way of naming request ids by an index: a select of `id` whose WHERE clause the batch extends.
    struct IdSource {
        var select: SQLQueryString
        /// The id column as the select names it.
        var column: String

        /// At most `batch` of its ids below `before`, newest first.
        func batch(before: Int?, _ batch: Int) -> SQLQueryString {
            var query = select
            if let before { query += " AND \(unsafeRaw: column) < \(bind: before)" }
            return query + " ORDER BY \(unsafeRaw: column) DESC LIMIT \(literal: batch)"
        }
    }

    /// The id sources of an exact lookup, when the filter has exactly one (a number, serial or phone, typed in the
    /// box or as a filter): a list driven by them reads a few hundred ids and rows, not every request of a
    /// customer with ten thousand.
    static func lookup(_ filter: RequestFilter) -> [IdSource]? {
        var sets: [[IdSource]] = []
        if let serial = filter.serialNumber { sets.append([serialIds([serial.trimmed])]) }
        if let phone = filter.phone { sets.append(phoneIds(PhoneNumber.digits(phone))) }
        if let search = filter.search {
            guard search.words == nil else { return nil }
            var any: [IdSource] = []
            if !search.numbers.isEmpty {
                any.append(
                    IdSource(
                        select: "SELECT id FROM service_requests WHERE number IN ("
                            + search.numbers.map { "\(bind: $0)" as SQLQueryString }.joined(separator: ", ") + ")",
                        column: "id"))
            }
            if !search.serials.isEmpty { any.append(serialIds(search.serials)) }
            if let digits = search.phoneDigits { any += phoneIds(digits) }
            guard !any.isEmpty else { return nil }
            sets.append(any)
        }
        return sets.count == 1 ? sets[0] : nil
    }

    /// One page of the requests `lookup` names that pass the other conditions, newest first: each source's newest
    /// 200 ids below the last seen (an index range each), merged; then no more rows than the page still needs, by
    /// primary key; again below the batch's oldest id until the page is full or the sources are spent.
    func driven(by lookup: [IdSource], _ filter: RequestFilter, page: PageRequest) async throws
        -> Page<ServiceRequestView>
    {
        let db = store.sql
        var unlooked = filter
        unlooked.serialNumber = nil
        unlooked.phone = nil
        unlooked.search = nil
        let conditions = try await Self.conditions(unlooked, scope: store.scope, on: db)
        let batch = 200
        var before = page.afterId
        var rows: [ServiceRequestRow] = []
        while rows.count <= page.limit {
            var found: Set<Int> = []
            var spent = true
            for source in lookup {
                let ids = try await db.raw(source.batch(before: before, batch)).all(decodingColumn: "id", as: Int.self)
                if ids.count == batch { spent = false }
                found.formUnion(ids)
            }
            // Below the oldest id every source still has, nothing was skipped.
            let ordered = found.sorted(by: >)
            let taken = spent ? ordered : Array(ordered.prefix(batch))
            guard let last = taken.last else { break }
            var query: SQLQueryString = """
                SELECT \(unsafeRaw: Self.columns) FROM service_requests sr JOIN customers c ON c.id = sr.customer_id \
                WHERE sr.id IN (
                """
            query += taken.map { "\(bind: $0)" as SQLQueryString }.joined(separator: ", ") + ")"
            for condition in conditions { query += " AND " + condition }
            // Only the rows the page still needs: the batch's ids are walked newest first by primary key.
            query += " ORDER BY sr.id DESC LIMIT \(literal: page.limit + 1 - rows.count)"
            rows += try await db.raw(query).all(decoding: ServiceRequestRow.self, with: RowCoding.decoder)
            before = last
            if spent { break }
        }
        return try await Page(
            rows: Array(rows.prefix(page.limit + 1)), limit: page.limit,
            cursor: { PageCursor.encode($0.id, key: nil) }, view: { try await Self.views(of: $0, on: db) })
    }

    /// How many requests match, counted no further than `cap` so that a page view never counts millions of
    /// rows; `cap + 1` means "more than `cap`". The search box counts as it lists: its exact meanings first.
    public func count(_ filter: RequestFilter, cap: Int) async throws -> Int {
        if let search = filter.search, search.words != nil, let exact = search.exactOnly {
            var first = filter
            first.search = exact
            let found = try await counted(first, cap: cap)
            if found > 0 { return found }
            var words = filter
            words.search = search.wordsOnly
            return try await counted(words, cap: cap)
        }
        return try await counted(filter, cap: cap)
    }

    func counted(_ filter: RequestFilter, cap: Int) async throws -> Int {
        let db = store.sql
        let conditions = try await Self.conditions(filter, scope: store.scope, on: db)
        var query: SQLQueryString =
            "SELECT COUNT(*) AS n FROM (SELECT 1 FROM service_requests sr JOIN customers c ON c.id = sr.customer_id"
        if !conditions.isEmpty { query += " WHERE " + conditions.joined(separator: " AND ") }
        query += " LIMIT \(literal: cap + 1)) capped"
        return try await db.raw(query).first(decodingColumn: "n", as: Int.self) ?? 0
    }

    /// How many lifecycle events of these kinds happened since `since` on requests in the caller's scope, capped
    /// like `count`.
    public func eventCount(_ events: [String], since: Date, cap: Int) async throws -> Int {
        var query: SQLQueryString = """
            SELECT COUNT(*) AS n FROM (SELECT 1 FROM request_events e JOIN service_requests sr ON sr.id = e.request_id \
            WHERE e.at >= \(bind: since) AND e.event IN (
            """
        query += events.map { "\(bind: $0)" as SQLQueryString }.joined(separator: ", ") + ")"
        if let visible = Self.visible(to: store.scope) { query += " AND " + visible }
        query += " LIMIT \(literal: cap + 1)) capped"
        return try await store.sql.raw(query).first(decodingColumn: "n", as: Int.self) ?? 0
    }

    /// The conditions of a filter within a scope, over `sr` (requests) and `c` (their customers).
    static func conditions(_ filter: RequestFilter, scope: Scope, on db: any SQLDatabase) async throws
        -> [SQLQueryString]
    {
        var conditions: [SQLQueryString] = []
        if let visible = Self.visible(to: scope) { conditions.append(visible) }
        func anyOf<T: RawRepresentable<String>>(_ column: String, _ values: [T]) {
            guard !values.isEmpty else { return }
            conditions.append(
                "sr.\(unsafeRaw: column) IN ("
                    + values.map { "\(bind: $0.rawValue)" as SQLQueryString }
                    .joined(separator: ", ") + ")")
        }
        anyOf("status", filter.statuses)
        anyOf("type", filter.types)
        anyOf("priority", filter.priorities)
        anyOf("channel", filter.channels)
        anyOf("fault_cause", filter.faultCauses)
        if !filter.customerTiers.isEmpty {
            conditions.append(
                "sr.customer_id IN (SELECT id FROM customers WHERE tier IN ("
                    + filter.customerTiers.map { "\(bind: $0.rawValue)" as SQLQueryString }.joined(separator: ", ")
                    + "))")
        }
        if let id = filter.orgUnitId {
            let subtree = try await OrgUnitRecord.subtree(of: id, on: db)
            conditions.append(
                "sr.org_unit_id IN ("
                    + (subtree.isEmpty ? [-1] : subtree).map { "\(bind: $0)" as SQLQueryString }
                    .joined(separator: ", ") + ")")
        }
        if let id = filter.customerId { conditions.append("sr.customer_id = \(bind: id)") }
        if let id = filter.projectId { conditions.append("sr.project_id = \(bind: id)") }
        if let id = filter.unitId {
            conditions.append("sr.id IN (SELECT request_id FROM service_request_units WHERE unit_id = \(bind: id))")
        }
        if let id = filter.modelId {
            conditions.append("sr.id IN (SELECT request_id FROM service_request_units WHERE model_id = \(bind: id))")
        }
        if let from = filter.createdFrom { conditions.append("sr.created_at >= \(bind: from)") }
        if let before = filter.createdBefore { conditions.append("sr.created_at < \(bind: before)") }
        if let emergency = filter.emergency { conditions.append("sr.emergency = \(bind: emergency)") }
        if !filter.includeArchived { conditions.append("sr.archived_at IS NULL") }
        if let number = filter.number { conditions.append("sr.number = \(bind: number.trimmed.uppercased())") }
        if let serial = filter.serialNumber { conditions.append(Self.withSerial(in: [serial.trimmed])) }
        if let phone = filter.phone { conditions.append(Self.withPhone(PhoneNumber.digits(phone))) }
        if let name = filter.customerName?.trimmed, !name.isEmpty {
            conditions.append(Self.ofCustomerNamed(name, on: db))
        }
        if let text = filter.text?.trimmed, !text.isEmpty {
            conditions.append(TextMatch.faultDescription(containing: text, on: db))
        }
        if let createdBy = filter.createdBy { conditions.append("sr.created_by = \(bind: createdBy)") }
        if let search = filter.search { conditions.append(Self.matching(search, on: db)) }
        return conditions
    }

    /// R-2, R-14: a request that matches any meaning of the search box's text, each looked up by its index: the
    /// number, a unit's serial, the caller's or the customer's phone, the customer's or the contact's name, the
    /// fault text.
    static func matching(_ search: SearchTerms, on db: any SQLDatabase) -> SQLQueryString {
        func list(_ values: [String]) -> SQLQueryString {
            values.map { "\(bind: $0)" as SQLQueryString }.joined(separator: ", ")
        }
        var any: [SQLQueryString] = []
        if !search.numbers.isEmpty { any.append("sr.number IN (" + list(search.numbers) + ")") }
        if !search.serials.isEmpty { any.append(Self.withSerial(in: search.serials)) }
        if let digits = search.phoneDigits { any.append(Self.withPhone(digits)) }
        if let words = search.words?.trimmed, !words.isEmpty {
            any.append(Self.ofCustomerNamed(words, on: db))
            any.append(TextMatch.column(SQLColumn("contact_name", table: "sr"), contains: words, on: db))
            any.append(TextMatch.faultDescription(containing: words, on: db))
        }
        guard !any.isEmpty else { return "1 = 0" }
        return "(" + any.joined(separator: " OR ") + ")"
    }

    /// Requests with a unit of one of these serials.
    static func withSerial(in serials: [String]) -> SQLQueryString {
        "sr.id IN (" + serialIds(serials).select + ")"
    }

    /// The ids of the requests with a unit of one of these serials.
    static func serialIds(_ serials: [String]) -> IdSource {
        IdSource(
            select: """
                SELECT sru.request_id AS id FROM service_request_units sru JOIN units u ON u.id = sru.unit_id \
                WHERE u.serial_number IN (
                """ + serials.map { "\(bind: $0)" as SQLQueryString }.joined(separator: ", ") + ")",
            column: "sru.request_id")
    }

    /// Requests whose caller or customer has this phone. A union of two covering index scans: an OR of the two
    /// columns made SQLite sort every request of a customer before the LIMIT (378 ms at 10,000 requests per
    /// customer; ~10 ms this way).
    static func withPhone(_ digits: String) -> SQLQueryString {
        let sources = phoneIds(digits)
        return "sr.id IN (" + sources[0].select + " UNION " + sources[1].select + ")"
    }

    /// The ids of the requests whose caller has this phone, and of those whose customer has it: two index ranges.
    static func phoneIds(_ digits: String) -> [IdSource] {
        [
            IdSource(
                select: "SELECT id FROM service_requests WHERE contact_phone_digits = \(bind: digits)", column: "id"),
            IdSource(
                select: """
                    SELECT id FROM service_requests WHERE customer_id IN \
                    (SELECT customer_id FROM customer_phones WHERE digits = \(bind: digits))
                    """, column: "id"),
        ]
    }

    /// Requests of a customer whose name contains `name`.
    static func ofCustomerNamed(_ name: String, on db: any SQLDatabase) -> SQLQueryString {
        "sr.customer_id IN (SELECT id FROM customers WHERE "
            + TextMatch.column(SQLColumn("name"), contains: name, on: db) + ")"
    }

    /// Whose history: a customer's requests or a unit's.
    public enum HistoryOwner: Sendable {
        case customer(Int)
        case unit(Int)
    }

    /// R-1.4: every step of every request of a customer or a unit, newest first.
    public func history(of owner: HistoryOwner, page: PageRequest) async throws -> Page<HistoryEntry> {
        var query: SQLQueryString = """
            SELECT e.id, e.request_id, sr.number, sr.type, e.at, e.actor, e.event, e.from_status, e.to_status, e.note, \
            e.visit_sequence, e.visit_purpose FROM request_events e JOIN service_requests sr ON sr.id = e.request_id WHERE 
            """
        switch owner {
        case .customer(let id):
            query += "sr.customer_id = \(bind: id)"
        case .unit(let id):
            query += "e.request_id IN (SELECT request_id FROM service_request_units WHERE unit_id = \(bind: id))"
        }
        if let visible = Self.visible(to: store.scope) { query += " AND " + visible }
        if let after = page.afterId { query += " AND e.id < \(bind: after)" }
        query += " ORDER BY e.id DESC LIMIT \(literal: page.limit + 1)"
        let rows = try await store.sql.raw(query).all(decoding: HistoryRow.self, with: RowCoding.decoder)
        return try Page(rows: rows, limit: page.limit) { try $0.map { try $0.entry() } }
    }

    // MARK: Writing

    /// R-2.1, R-2.2: registers a request with the next number of the year, its units, the first timeline step
    /// and the audit entry, all in one transaction.
    public func register(_ input: ServiceRequestInput, by actor: Actor, idempotency: IdempotencyKey? = nil)
        async throws -> ServiceRequestView
    {
        let now = store.now
        let year = CalendarDate(now, in: store.timeZone).year
        let kind = store.kind
        let scope = store.scope
        return try await Idempotency.run(
            key: idempotency, store: store, id: \.id,
            replay: { id, db in try await Self.reloaded(id, within: scope, on: db) },
            body: { db in
                try await Self.insert(input, by: actor, at: now, year: year, kind: kind, within: scope, on: db)
            })
    }

    /// The body of `register`, in the caller's transaction: the request, its units, the first step, the text index,
    /// the clocks, the audit entry and the customer's acknowledgement (to `mailTo`, or the request's contact when
    /// that contact has an e-mail address). `intakeFlag` marks a request opened from an unknown sender's e-mail.
    static func insert(
        _ input: ServiceRequestInput, by actor: Actor, at now: Date, year: Int, kind: DatabaseKind,
        within scope: Scope, intakeFlag: IntakeFlag? = nil, mailTo: MailRecipient? = nil, on db: any SQLDatabase
    ) async throws -> ServiceRequestView {
        let checked = try await Self.validate(input, existing: nil, within: scope, on: db)
        let sequence = try await db.raw(
            """
            INSERT INTO sequences (name, value) VALUES (\(bind: ServiceRequestNumber.sequenceName(year: year)), 1) \
            ON CONFLICT (name) DO UPDATE SET value = sequences.value + 1 RETURNING value
            """
        ).first(decodingColumn: "value", as: Int.self)!
        let number = ServiceRequestNumber(year: year, sequence: sequence).description
        let id = try await db.insert(into: "service_requests")
            .columns(
                "number", "org_unit_id", "customer_id", "project_id", "contact_name", "contact_phone",
                "contact_phone_digits", "channel", "type", "fault_description", "customer_request",
                "preferred_time",
                "priority", "emergency", "category", "fault_cause", "status", "created_by", "version",
                "created_at", "updated_at", "intake_flag"
            )
            .values(
                SQLBind(number), SQLBind(checked.orgUnitId), SQLBind(input.customerId),
                SQLBind(input.projectId),
                SQLBind(input.contactName), SQLBind(input.contactPhone),
                SQLBind(input.contactPhone.map(PhoneNumber.digits)), SQLBind(input.channel.rawValue),
                SQLBind(input.type.rawValue), SQLBind(input.faultDescription.trimmed),
                SQLBind(input.customerRequest), SQLBind(input.preferredTime),
                SQLBind(checked.priority.rawValue),
                SQLBind(checked.emergency), SQLBind(input.category), SQLBind(FaultCause.unknown.rawValue),
                SQLBind(RequestStatus.registered.rawValue), SQLBind(actor.name), SQLBind(1), SQLBind(now),
                SQLBind(now), SQLBind(intakeFlag?.rawValue)
            )
            .returning("id").first(decodingColumn: "id", as: Int.self)!
        try await Self.writeUnits(checked.units, requestId: id, on: db)
        try await Self.appendTimeline(
            requestId: id, at: now, actor: actor, event: .register, from: nil, to: .registered, note: nil,
            on: db)
        try await TextMatch.index(
            requestId: id, text: input.faultDescription.trimmed, kind: kind, replacing: false, on: db)
        try await SLAClocks.refresh([id], now: now, on: db)
        let view = try await Self.reloaded(id, within: scope, on: db)
        try await AuditLog.append(
            on: db, entity: "serviceRequest", id: id, action: .create, actor: actor, at: now,
            before: ServiceRequestView?.none, after: view)
        try await MailOutbox.acknowledge(view, to: mailTo, at: now, on: db)
        return view
    }

    /// Edits the editable fields when `expectedVersion` is current; closed and cancelled requests stay as they are.
    public func update(
        _ id: Int, expectedVersion: Int, by actor: Actor,
        change: @escaping @Sendable (ServiceRequestInput) throws -> ServiceRequestInput
    ) async throws -> ServiceRequestView {
        let now = store.now
        let kind = store.kind
        let scope = store.scope
        return try await store.write { db in
            let before = try await Self.lockForWrite(id, expectedVersion: expectedVersion, within: scope, on: db)
            guard before.status != .closed, before.status != .cancelled else {
                throw RequestNotEditable(status: before.status)
            }
            let input = try change(Self.input(from: before))
            if input.customerId != before.customerId {
                throw ValidationError(["customerId": .invalidValue(allowed: ["\(before.customerId)"])])
            }
            let checked = try await Self.validate(input, existing: before, within: scope, on: db)
            try await db.update("service_requests")
                .set("org_unit_id", to: checked.orgUnitId).set("project_id", to: SQLBind(input.projectId))
                .set("contact_name", to: SQLBind(input.contactName)).set(
                    "contact_phone", to: SQLBind(input.contactPhone)
                )
                .set("contact_phone_digits", to: SQLBind(input.contactPhone.map(PhoneNumber.digits)))
                .set("channel", to: input.channel.rawValue).set("type", to: input.type.rawValue)
                .set("fault_description", to: input.faultDescription.trimmed)
                .set("customer_request", to: SQLBind(input.customerRequest))
                .set("preferred_time", to: SQLBind(input.preferredTime)).set("priority", to: checked.priority.rawValue)
                .set("emergency", to: checked.emergency).set("category", to: SQLBind(input.category))
                .set("version", to: before.version + 1).set("updated_at", to: now)
                .where("id", .equal, id).run()
            if Set(checked.units.map(\.id)) != Set(before.units.map(\.unitId)) {
                try await db.delete(from: "service_request_units").where("request_id", .equal, id).run()
                try await Self.writeUnits(checked.units, requestId: id, on: db)
            }
            if input.faultDescription.trimmed != before.faultDescription {
                try await TextMatch.index(
                    requestId: id, text: input.faultDescription.trimmed, kind: kind, replacing: true, on: db)
            }
            try await SLAClocks.refresh([id], now: now, on: db)
            let after = try await Self.reloaded(id, within: scope, on: db)
            try await AuditLog.append(
                on: db, entity: "serviceRequest", id: id, action: .update, actor: actor, at: now, before: before,
                after: after)
            return after
        }
    }

    /// R-2.7: applies a lifecycle event, appends it to the timeline and the audit trail. At triage (and when a
    /// resolution names the cause) the warranty decision of every unit is taken (R-2.4).
    public func post(_ event: ServiceRequestEventInput, to id: Int, by actor: Actor, expectedVersion: Int? = nil)
        async throws -> ServiceRequestView
    {
        let now = store.now
        let timeZone = store.timeZone
        var v = Validator()
        v.text("note", event.note, max: Limits.note)
        v.text("category", event.category, max: Limits.shortText)
        if !event.event.carriesDecision {
            for (field, value) in [
                ("faultCause", event.faultCause as Any?), ("priority", event.priority), ("category", event.category),
                ("emergency", event.emergency),
            ] where value != nil {
                v.add(field, .invalidValue(allowed: ["only with triage, resolve or resolveRemotely"]))
            }
        }
        try v.finish()
        let scope = store.scope
        return try await store.write { db in
            try await Self.apply(
                event, to: id, by: actor, expectedVersion: expectedVersion, at: now, timeZone: timeZone, within: scope,
                on: db)
        }
    }

    /// The body of `post`, in the caller's transaction (a follow-up's outcome closes or reopens its request).
    static func apply(
        _ event: ServiceRequestEventInput, to id: Int, by actor: Actor, expectedVersion: Int?, at now: Date,
        timeZone: TimeZone, within scope: Scope, visit: TimelineVisit? = nil, on db: any SQLDatabase
    ) async throws -> ServiceRequestView {
        let before = try await Self.lockForWrite(id, expectedVersion: expectedVersion, within: scope, on: db)
        var lifecycle = RequestLifecycle(status: before.status, resumeStatus: nil)
        if before.status == .waitingOnCustomer {
            let row = try await db.select().column("resume_status").from("service_requests").where("id", .equal, id)
                .first()!
            lifecycle = RequestLifecycle(
                status: .waitingOnCustomer,
                resumeStatus: try row.decode(column: "resume_status", as: String?.self).flatMap(RequestStatus.init))
        }
        let effects = try lifecycle.apply(
            RequestEvent(event.event, note: event.note, setsFaultCause: event.faultCause != nil), at: now)
        // R-6.2: work starts only once a needed quote is accepted.
        if event.event == .startService { try await Quotes.requireAccepted(request: before, on: db) }
        let priority = Urgency.changed(priority: event.priority, emergency: event.emergency, before: before.priority)
        let cause = event.faultCause ?? before.faultCause
        var update = db.update("service_requests")
        // Triage is the look an unknown sender's request waited for.
        if event.event == .triage { update = update.set("intake_flag", to: SQLLiteral.null) }
        try await update
            .set("status", to: lifecycle.status.rawValue)
            .set("resume_status", to: SQLBind(lifecycle.resumeStatus?.rawValue))
            .set("priority", to: priority.rawValue)
            .set("emergency", to: event.emergency ?? before.emergency)
            .set("category", to: SQLBind(event.category ?? before.category))
            .set("fault_cause", to: cause.rawValue)
            .set("version", to: before.version + 1).set("updated_at", to: now)
            .where("id", .equal, id).run()
        try await Self.appendTimeline(
            requestId: id, at: now, actor: actor, event: TimelineEvent(event.event), from: before.status,
            to: lifecycle.status, note: event.note, visit: visit, on: db)
        for effect in effects {
            switch effect {
            case .decideWarranty:
                let day = CalendarDate(before.createdAt, in: timeZone)
                for unit in before.units {
                    try await Self.decideWarranty(of: unit, requestId: id, day: day, cause: cause, on: db)
                }
            case .refreshClocks:
                try await SLAClocks.refresh([id], now: now, on: db)
            case .scheduleFollowUp(let trigger, let from):
                try await FollowUps.schedule(trigger, requestId: id, at: from, on: db)
            case .inviteToSurvey:
                try await Surveys.invite(afterClosing: id, at: now, on: db)
            }
        }
        let after = try await Self.reloaded(id, within: scope, on: db)
        try await AuditLog.append(
            on: db, entity: "serviceRequest", id: id, action: .event, actor: actor, at: now, before: before,
            after: after)
        return after
    }

    /// R-2.4: one unit's warranty decision on a request, from the day the request came and the cause of the fault.
    static func decideWarranty(
        of unit: RequestUnitView, requestId: Int, day: CalendarDate, cause: FaultCause, on db: any SQLDatabase
    ) async throws {
        let decision = WarrantyDecision.decide(period: unit.warranty, requestDate: day, cause: cause)
        try await db.update("service_request_units")
            .set("warranty_status", to: decision.status.rawValue)
            .set("warranty_reason", to: decision.reason.rawValue)
            .where("request_id", .equal, requestId).where("unit_id", .equal, unit.unitId).run()
    }

    /// R-8.2: the depot found the cause of some units' fault: their warranty is decided again with it, and a request
    /// whose cause was not known takes the first one. In the caller's transaction, audited.
    static func decideWarranty(
        _ requestId: Int, causes: [(unitId: Int, cause: FaultCause)], by actor: Actor, at now: Date,
        timeZone: TimeZone, on db: any SQLDatabase
    ) async throws {
        guard !causes.isEmpty, let before = try await load(requestId, within: .everything, on: db) else { return }
        let day = CalendarDate(before.createdAt, in: timeZone)
        for (unitId, cause) in causes {
            guard let unit = before.units.first(where: { $0.unitId == unitId }) else { continue }
            try await decideWarranty(of: unit, requestId: requestId, day: day, cause: cause, on: db)
        }
        var update = db.update("service_requests").set("version", to: before.version + 1).set("updated_at", to: now)
        if before.faultCause == .unknown { update = update.set("fault_cause", to: causes[0].cause.rawValue) }
        try await update.where("id", .equal, requestId).run()
        let after = try await load(requestId, within: .everything, on: db)
        try await AuditLog.append(
            on: db, entity: "serviceRequest", id: requestId, action: .update, actor: actor, at: now, before: before,
            after: after)
    }

    /// Archives a finished request (closed or cancelled); nothing is deleted (R-14.1).
    public func archive(_ id: Int, by actor: Actor) async throws -> ServiceRequestView {
        let now = store.now
        let scope = store.scope
        return try await store.write { db in
            let before = try await Self.lockForWrite(id, expectedVersion: nil, within: scope, on: db)
            guard before.status == .closed || before.status == .cancelled else {
                throw RequestNotEditable(status: before.status)
            }
            try await db.update("service_requests").set("archived_at", to: now).set("updated_at", to: now)
                .set("version", to: before.version + 1).where("id", .equal, id).run()
            let after = try await Self.reloaded(id, within: scope, on: db)
            try await AuditLog.append(
                on: db, entity: "serviceRequest", id: id, action: .archive, actor: actor, at: now, before: before,
                after: after)
            return after
        }
    }

    public func audit(_ id: Int, page: PageRequest) async throws -> Page<AuditEntry> {
        guard try await Self.load(id, within: store.scope, on: store.sql) != nil else {
            throw RecordNotFound(entity: "serviceRequest", id: id)
        }
        return try await AuditLog.entries(of: "serviceRequest", id: id, page: page, on: store.sql)
    }

    // MARK: Rules

    struct Checked {
        var orgUnitId: Int
        var priority: Priority
        var emergency: Bool
        var units: [(id: Int, modelId: Int)]
    }

    static func validate(
        _ input: ServiceRequestInput, existing: ServiceRequestView?, within scope: Scope, on db: any SQLDatabase
    ) async throws -> Checked {
        var v = Validator()
        v.text("faultDescription", input.faultDescription, required: true, max: Limits.longText)
        v.text("customerRequest", input.customerRequest, max: Limits.longText)
        v.text("preferredTime", input.preferredTime, max: Limits.shortText)
        v.text("contactName", input.contactName, max: Limits.shortText)
        v.text("category", input.category, max: Limits.shortText)
        if let phone = input.contactPhone, !PhoneNumber.isValid(phone) {
            v.add("contactPhone", .invalidFormat(expected: "a phone number of 3 to 20 digits"))
        }
        if existing == nil {
            var problem = try await Checks.reference(CustomerRecord.table, input.customerId, on: db)
            if problem == nil, try await Records<CustomerRecord>.load(input.customerId, within: scope, on: db) == nil {
                problem = .notFound
            }
            v.reference("customerId", problem)
        }
        var unitProblem = try await Checks.reference(OrgUnitRecord.table, input.orgUnitId, on: db)
        if unitProblem == nil, let unit = input.orgUnitId,
            try await Records<OrgUnitRecord>.load(unit, within: scope, on: db) == nil
        {
            unitProblem = .notFound
        }
        v.reference("orgUnitId", unitProblem)
        v.reference("projectId", try await Checks.reference(ProjectRecord.table, input.projectId, on: db))
        if let projectId = input.projectId, v.error.fields["projectId"] == nil,
            try await !Checks.taken(
                ProjectRecord.table, [("id", projectId), ("customer_id", input.customerId)], except: nil, on: db)
        {
            v.add("projectId", .invalidValue(allowed: ["a project of the same customer"]))
        }
        let unitIds = input.unitIds ?? []
        var units: [(id: Int, modelId: Int)] = []
        if unitIds.count > Limits.unitsPerRequest {
            v.add("unitIds", .outOfRange(min: 0, max: Limits.unitsPerRequest))
        } else if Set(unitIds).count != unitIds.count {
            v.add("unitIds", .duplicate)
        } else if !unitIds.isEmpty {
            let rows = try await db.select().column("id").column("model_id").column("customer_id").column("archived_at")
                .from(UnitRecord.table).where("id", .in, unitIds).all()
            var found: [Int: (modelId: Int, customerId: Int, archived: Bool)] = [:]
            for row in rows {
                found[try row.decode(column: "id", as: Int.self)] = (
                    try row.decode(column: "model_id", as: Int.self),
                    try row.decode(column: "customer_id", as: Int.self),
                    !(try row.decodeNil(column: "archived_at"))
                )
            }
            let kept = Set(existing?.units.map(\.unitId) ?? [])
            for (i, unitId) in unitIds.enumerated() {
                guard let unit = found[unitId] else {
                    v.add("unitIds[\(i)]", .notFound)
                    continue
                }
                if unit.archived && !kept.contains(unitId) {
                    v.add("unitIds[\(i)]", .archived)
                } else if unit.customerId != input.customerId {
                    v.add("unitIds[\(i)]", .invalidValue(allowed: ["a unit of the same customer"]))
                }
                units.append((unitId, unit.modelId))
            }
        }
        try v.finish()
        var orgUnitId = input.orgUnitId ?? 0
        if input.orgUnitId == nil {
            orgUnitId = try await ProjectRecord.owningUnit(ofCustomer: input.customerId, on: db)
        }
        let urgency = Urgency.registered(priority: input.priority, emergency: input.emergency)
        return Checked(orgUnitId: orgUnitId, priority: urgency.priority, emergency: urgency.emergency, units: units)
    }

    static func input(from view: ServiceRequestView) -> ServiceRequestInput {
        ServiceRequestInput(
            customerId: view.customerId, orgUnitId: view.orgUnitId, projectId: view.projectId,
            contactName: view.contactName, contactPhone: view.contactPhone, unitIds: view.units.map(\.unitId),
            channel: view.channel, type: view.type, faultDescription: view.faultDescription,
            customerRequest: view.customerRequest, preferredTime: view.preferredTime, priority: view.priority,
            emergency: view.emergency, category: view.category)
    }

    /// Loads the request for a write, locking its row on PostgreSQL, and checks the version and the archive mark.
    static func lockForWrite(_ id: Int, expectedVersion: Int?, within scope: Scope, on db: any SQLDatabase)
        async throws -> ServiceRequestView
    {
        if db.dialect.name != "sqlite" {
            try await db.raw("SELECT id FROM service_requests WHERE id = \(bind: id) FOR UPDATE").run()
        }
        guard let view = try await load(id, within: scope, on: db) else {
            throw RecordNotFound(entity: "serviceRequest", id: id)
        }
        guard view.archivedAt == nil else { throw RecordArchived(entity: "serviceRequest", id: id) }
        if let expectedVersion, expectedVersion != view.version {
            throw StaleVersion(entity: "serviceRequest", id: id, expected: expectedVersion, current: view.version)
        }
        return view
    }

    /// The request as the caller sees it after a write that must leave it visible to them.
    static func reloaded(_ id: Int, within scope: Scope, on db: any SQLDatabase) async throws -> ServiceRequestView {
        guard let view = try await load(id, within: scope, on: db) else {
            throw ValidationError(["orgUnitId": .notFound])
        }
        return view
    }

    static func writeUnits(_ units: [(id: Int, modelId: Int)], requestId: Int, on db: any SQLDatabase) async throws {
        guard !units.isEmpty else { return }
        var insert = db.insert(into: "service_request_units").columns("request_id", "unit_id", "model_id")
        for unit in units { insert = insert.values(SQLBind(requestId), SQLBind(unit.id), SQLBind(unit.modelId)) }
        try await insert.run()
    }

    /// A step of another record (a quote, a fee document) on the request's timeline, its status unchanged.
    static func appendStep(
        _ event: TimelineEvent, requestId: Int, note: String?, by actor: Actor, at now: Date, on db: any SQLDatabase
    ) async throws {
        guard
            let status = try await db.raw("SELECT status FROM service_requests WHERE id = \(bind: requestId)")
                .first(decodingColumn: "status", as: String.self).flatMap(RequestStatus.init(rawValue:))
        else { throw RecordNotFound(entity: "serviceRequest", id: requestId) }
        try await appendTimeline(
            requestId: requestId, at: now, actor: actor, event: event, from: status, to: status, note: note, on: db)
    }

    static func appendTimeline(
        requestId: Int, at: Date, actor: Actor, event: TimelineEvent, from: RequestStatus?, to: RequestStatus,
        note: String?, visit: TimelineVisit? = nil, on db: any SQLDatabase
    ) async throws {
        try await db.insert(into: "request_events")
            .columns(
                "request_id", "at", "actor", "event", "from_status", "to_status", "note", "visit_sequence",
                "visit_purpose"
            )
            .values(
                SQLBind(requestId), SQLBind(at), SQLBind(actor.name), SQLBind(event.rawValue), SQLBind(from?.rawValue),
                SQLBind(to.rawValue), SQLBind(note), SQLBind(visit?.sequence), SQLBind(visit?.purpose?.rawValue)
            )
            .run()
    }
}

/// One line of a customer's or unit's history (R-1.4).
public struct HistoryEntry: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var requestId: Int
    public var number: String
    public var type: RequestType
    public var at: Date
    public var actor: String
    public var event: String
    public var from: RequestStatus?
    public var to: RequestStatus
    public var note: String?
    public var visit: TimelineVisit?
}

/// A timeline row with the number and type of its request.
struct HistoryRow: Decodable, Sendable {
    var step: TimelineRow
    var number: String
    var type: String

    init(from decoder: any Decoder) throws {
        step = try TimelineRow(from: decoder)
        let c = try decoder.container(keyedBy: Keys.self)
        number = try c.decode(String.self, forKey: .number)
        type = try c.decode(String.self, forKey: .type)
    }

    enum Keys: String, CodingKey {
        case number, type
    }

    func entry() throws -> HistoryEntry {
        let e = try step.entry()
        return HistoryEntry(
            id: e.id, requestId: step.requestId, number: number,
            type: try RequestType.stored(type, column: "service_requests.type"),
            at: e.at, actor: e.actor, event: e.event, from: e.from, to: e.to, note: e.note, visit: e.visit)
    }
}
