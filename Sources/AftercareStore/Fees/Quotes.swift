import AftercareDomain
import Foundation
import SQLKit

/// quotes before out-of-warranty work. The desk prices the job as planned (the same pricing as everything
/// else), sends it; the customer accepts or rejects it in the portal, or an agent records the answer and how it came.
/// Work on a request whose type needs a quote waits for an accepted one (`requireAccepted`); a rejected quote ends
/// in a documented outcome on the request's timeline.
public struct Quotes: Sendable {
    public let store: Store

    public init(_ store: Store) {
        self.store = store
    }

    static let columns = "q.*, sr.number AS request_number, c.name AS customer_name"
    static let from = """
        FROM quotes q JOIN service_requests sr ON sr.id = q.request_id JOIN customers c ON c.id = q.customer_id
        """

    static func view(_ row: any SQLRow, today: CalendarDate) throws -> QuoteView {
        var status = try row.decodeStored("status", as: QuoteStatus.self)
        let validUntil = try FeeScheduleRecord.day(
            try row.decode(column: "valid_until", as: String.self), column: "valid_until")
        // An answer that did not come in time: the quote has expired, whoever looks.
        if status == .sent, today > validUntil { status = .expired }
        return QuoteView(
            id: try row.decode(column: "id", as: Int.self),
            requestId: try row.decode(column: "request_id", as: Int.self),
            requestNumber: try row.decode(column: "request_number", as: String.self),
            orgUnitId: try row.decode(column: "org_unit_id", as: Int.self),
            customerId: try row.decode(column: "customer_id", as: Int.self),
            customerName: try row.decode(column: "customer_name", as: String.self), status: status,
            allowedEvents: QuoteLifecycle(status: status).allowedEvents.filter { $0 != .expire },
            currency: try row.decodeStored("currency", as: Currency.self),
            pricing: try JSONText.decode(PricingRequest.self, from: try row.decode(column: "pricing", as: String.self)),
            priced: try JSONText.decode(PricedJob.self, from: try row.decode(column: "priced", as: String.self)),
            scheduleId: try row.decode(column: "schedule_id", as: Int.self),
            chargedMinor: try row.decode(column: "charged_minor", as: Int.self),
            freeMinor: try row.decode(column: "free_minor", as: Int.self), validUntil: validUntil,
            note: try row.decode(column: "note", as: String?.self),
            sentAt: try row.decode(column: "sent_at", as: Date?.self),
            answeredAt: try row.decode(column: "answered_at", as: Date?.self),
            answeredBy: try row.decode(column: "answered_by", as: String?.self),
            answerChannel: try row.decode(column: "answer_channel", as: String?.self).flatMap(Channel.init(rawValue:)),
            reason: try row.decode(column: "reason", as: String?.self),
            createdBy: try row.decode(column: "created_by", as: String.self),
            version: try row.decode(column: "version", as: Int.self),
            createdAt: try row.decode(column: "created_at", as: Date.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }

    /// the quotes `scope` sees, by the quote's own unit and customer; a customer sees only quotes that were
    /// sent to them (never a draft, even one withdrawn before it was sent).
    static func visible(to scope: Scope) -> SQLQueryString {
        guard let condition = ScopeSQL.ownedCondition(orgUnit: "q.org_unit_id", customer: "q.customer_id", scope)
        else { return "" }
        if case .customer = scope { return " AND " + condition + " AND q.sent_at IS NOT NULL" }
        return " AND " + condition
    }

    static func load(_ id: Int, within scope: Scope, today: CalendarDate, on db: any SQLDatabase) async throws
        -> QuoteView?
    {
        let sql: SQLQueryString =
            "SELECT \(unsafeRaw: columns) \(unsafeRaw: from) WHERE q.id = \(bind: id)" + visible(to: scope)
        return try await db.raw(sql).first().map { try view($0, today: today) }
    }

    var today: CalendarDate { CalendarDate(store.now, in: store.timeZone) }

    public func get(_ id: Int) async throws -> QuoteView {
        guard let view = try await Self.load(id, within: store.scope, today: today, on: store.sql) else {
            throw RecordNotFound(entity: "quote", id: id)
        }
        return view
    }

    /// The quotes of a request the scope sees, newest first.
    public func of(request requestId: Int) async throws -> [QuoteView] {
        guard try await ServiceRequests.load(requestId, within: store.scope, on: store.sql) != nil else {
            throw RecordNotFound(entity: "serviceRequest", id: requestId)
        }
        let sql: SQLQueryString =
            "SELECT \(unsafeRaw: Self.columns) \(unsafeRaw: Self.from) WHERE q.request_id = \(bind: requestId)"
            + Self.visible(to: store.scope) + " ORDER BY q.id DESC LIMIT 100"
        let today = today
        return try await store.sql.raw(sql).all().map { try Self.view($0, today: today) }
    }

    /// The quotes waiting for the customer's answer (sent, not yet expired), oldest first.
    public func waiting(page: PageRequest) async throws -> Page<QuoteView> {
        let today = today
        var sql: SQLQueryString =
            "SELECT \(unsafeRaw: Self.columns) \(unsafeRaw: Self.from) WHERE q.status = \(bind: QuoteStatus.sent.rawValue)"
            + " AND q.valid_until >= \(bind: today.description)" + Self.visible(to: store.scope)
        if let afterId = page.afterId { sql = sql + " AND q.id > \(bind: afterId)" }
        sql = sql + " ORDER BY q.id LIMIT \(unsafeRaw: String(page.limit + 1))"
        return try Page(rows: try await store.sql.raw(sql).all(), limit: page.limit) {
            try $0.map { try Self.view($0, today: today) }
        }
    }

    public func audit(_ id: Int, page: PageRequest) async throws -> Page<AuditEntry> {
        _ = try await get(id)
        return try await AuditLog.entries(of: "quote", id: id, page: page, on: store.sql)
    }

    /// drafts a quote for an open request from the job as planned, priced by the schedule that applies.
    public func draft(for requestId: Int, _ input: QuoteInput, by actor: Actor) async throws -> QuoteView {
        var v = Validator()
        v.range("validDays", input.validDays, 1...90)
        v.text("note", input.note, max: Limits.note)
        try v.finish()
        guard let request = try await ServiceRequests.load(requestId, within: store.scope, on: store.sql) else {
            throw RecordNotFound(entity: "serviceRequest", id: requestId)
        }
        guard request.status.isOpen else { throw RequestNotEditable(status: request.status) }
        var pricing = try FeeDocuments.confine(input.pricing, to: request)
        if (pricing.units ?? []).isEmpty {
            pricing.units = request.units.map { .init(unitId: $0.unitId, cause: request.faultCause) }
        }
        let quote = try await FeeSchedules(store).price(pricing)
        let asked = pricing
        let now = store.now
        let validDays = input.validDays ?? QuoteInput.defaultValidDays
        let validUntil = CalendarDate(now, in: store.timeZone).adding(days: validDays)
        let scope = store.scope
        let id = try await store.write { db in
            // The request is locked and still open; a quote still waiting on it is replaced by this one.
            let locked = try await ServiceRequests.lockForWrite(requestId, expectedVersion: nil, within: scope, on: db)
            guard locked.status.isOpen else { throw RequestNotEditable(status: locked.status) }
            let open = try await db.raw(
                """
                SELECT id FROM quotes WHERE request_id = \(bind: requestId) \
                AND status IN (\(bind: QuoteStatus.draft.rawValue), \(bind: QuoteStatus.sent.rawValue))
                """
            ).all().map { try $0.decode(column: "id", as: Int.self) }
            for earlier in open {
                let before = try await Self.load(earlier, within: .everything, today: validUntil, on: db)
                try await db.update("quotes").set("status", to: QuoteStatus.withdrawn.rawValue)
                    .set("reason", to: "replaced by a new quote").set("version", to: (before?.version ?? 0) + 1)
                    .set("updated_at", to: now).where("id", .equal, earlier).run()
                let after = try await Self.load(earlier, within: .everything, today: validUntil, on: db)
                try await AuditLog.append(
                    on: db, entity: "quote", id: earlier, action: .event, actor: actor, at: now, before: before,
                    after: after)
            }
            let id = try await db.insert(into: "quotes")
                .columns(
                    "request_id", "org_unit_id", "customer_id", "status", "currency", "pricing", "priced",
                    "schedule_id", "charged_minor", "free_minor", "valid_until", "note", "created_by", "version",
                    "created_at", "updated_at"
                )
                .values(
                    SQLBind(requestId), SQLBind(request.orgUnitId), SQLBind(request.customerId),
                    SQLBind(QuoteStatus.draft.rawValue), SQLBind(quote.priced.currency.rawValue),
                    SQLBind(try JSONText.encode(asked)), SQLBind(try JSONText.encode(quote.priced)),
                    SQLBind(quote.scheduleId), SQLBind(quote.priced.chargedMinor), SQLBind(quote.priced.freeMinor),
                    SQLBind(validUntil.description), SQLBind(input.note?.trimmed.nilIfEmpty), SQLBind(actor.name),
                    SQLBind(1), SQLBind(now), SQLBind(now)
                )
                .returning("id").first(decodingColumn: "id", as: Int.self)!
            let after = try await Self.load(id, within: .everything, today: validUntil, on: db)
            try await AuditLog.append(
                on: db, entity: "quote", id: id, action: .create, actor: actor, at: now, before: QuoteView?.none,
                after: after)
            return id
        }
        return try await get(id)
    }

    /// a step on a quote. A customer (scope `.customer`) only accepts or rejects a sent quote of their own, in
    /// the portal; staff record the customer's answer with the channel it came by. A rejection needs the reason and
    /// is written on the request's timeline.
    public func post(_ input: QuoteEventInput, to id: Int, by actor: Actor) async throws -> QuoteView {
        var v = Validator()
        v.text("reason", input.reason, required: input.event.requiresReason, max: Limits.note)
        let customer: Bool
        if case .customer = store.scope { customer = true } else { customer = false }
        if customer, ![.accept, .reject].contains(input.event) {
            v.add("event", .invalidValue(allowed: [QuoteEventKind.accept.rawValue, QuoteEventKind.reject.rawValue]))
        }
        if input.event == .expire { v.add("event", .invalidValue(allowed: [])) }
        try v.finish()
        let scope = store.scope
        let now = store.now
        let today = today
        let zone = store.timeZone
        try await store.write { db in
            if db.dialect.name != "sqlite" {
                try await db.raw("SELECT id FROM quotes WHERE id = \(bind: id) FOR UPDATE").run()
            }
            guard let before = try await Self.load(id, within: scope, today: today, on: db) else {
                throw RecordNotFound(entity: "quote", id: id)
            }
            if let expected = input.expectedVersion, expected != before.version {
                throw StaleVersion(entity: "quote", id: id, expected: expected, current: before.version)
            }
            var lifecycle = QuoteLifecycle(status: before.status)
            let event = QuoteEvent(
                input.event, reason: input.reason?.trimmed.nilIfEmpty,
                channel: customer ? .portal : input.channel)
            let effects = try lifecycle.apply(event, at: now) { status in
                QuoteStepNotAllowed(
                    id: id, status: status, event: input.event,
                    allowed: QuoteLifecycle(status: status).allowedEvents.filter { $0 != .expire })
            }
            var update = db.update("quotes").set("status", to: lifecycle.status.rawValue)
                .set("version", to: before.version + 1).set("updated_at", to: now)
            switch input.event {
            case .send:
                update = update.set("sent_at", to: now)
                // The customer has the quote's days from the day it is sent.
                let days = max(1, before.validUntil.dayNumber - CalendarDate(before.createdAt, in: zone).dayNumber)
                update = update.set("valid_until", to: today.adding(days: days).description)
            case .accept, .reject:
                update = update.set("answered_at", to: now).set("answered_by", to: actor.name)
                    .set("answer_channel", to: (event.channel ?? .phone).rawValue)
                    .set("reason", to: event.reason)
            case .withdraw, .expire:
                update = update.set("reason", to: event.reason)
            }
            try await update.where("id", .equal, id).run()
            // the answer is on the request's timeline; a rejection there is the documented outcome.
            let step: TimelineEvent? =
                switch input.event {
                case .send: .quoteSent
                case .accept: .quoteAccepted
                case .reject: effects.contains(.documentOutcome) ? .quoteRejected : nil
                case .withdraw, .expire: nil
                }
            if let step {
                try await ServiceRequests.appendStep(
                    step, requestId: before.requestId, note: event.reason, by: actor, at: now, on: db)
            }
            let after = try await Self.load(id, within: .everything, today: today, on: db)
            try await AuditLog.append(
                on: db, entity: "quote", id: id, action: .event, actor: actor, at: now, before: before, after: after)
        }
        return try await get(id)
    }

    // MARK: The gate

    /// the request types that need an accepted quote before work starts.
    public func rules() async throws -> [QuoteRule] {
        let set = try await Self.requiredTypes(on: store.sql)
        return RequestType.allCases.map { QuoteRule(type: $0, quoteRequired: set.contains($0)) }
    }

    /// Sets whether `type` needs a quote.
    public func setRule(_ rule: QuoteRule, by actor: Actor) async throws -> [QuoteRule] {
        try await setRules([rule], by: actor)
    }

    /// Sets several types at once, in one transaction; each change is in the audit trail.
    public func setRules(_ rules: [QuoteRule], by actor: Actor) async throws -> [QuoteRule] {
        let now = store.now
        try await store.write { db in
            let required = try await Self.requiredTypes(on: db)
            for rule in rules where required.contains(rule.type) != rule.quoteRequired {
                try await Self.write(rule, before: required.contains(rule.type), by: actor, at: now, on: db)
            }
        }
        return try await self.rules()
    }

    static func write(_ rule: QuoteRule, before: Bool, by actor: Actor, at now: Date, on db: any SQLDatabase)
        async throws
    {
        try await db.raw(
            """
            INSERT INTO quote_rules (request_type, quote_required, updated_by, updated_at) \
            VALUES (\(bind: rule.type.rawValue), \(bind: rule.quoteRequired), \(bind: actor.name), \(bind: now)) \
            ON CONFLICT (request_type) DO UPDATE SET quote_required = \(bind: rule.quoteRequired), \
            updated_by = \(bind: actor.name), updated_at = \(bind: now)
            """
        ).run()
        try await AuditLog.append(
            on: db, entity: "quoteRule", id: RequestType.allCases.firstIndex(of: rule.type)! + 1, action: .update,
            actor: actor, at: now, before: QuoteRule(type: rule.type, quoteRequired: before), after: rule)
    }

    static func requiredTypes(on db: any SQLDatabase) async throws -> Set<RequestType> {
        let rows = try await db.raw("SELECT request_type FROM quote_rules WHERE quote_required = \(bind: true)").all()
        return Set(
            try rows.compactMap { RequestType(rawValue: try $0.decode(column: "request_type", as: String.self)) })
    }

    /// throws `QuoteNeeded` when work on the request may not start yet: its type needs a quote, one of its
    /// units is not free (out of warranty, or not decided yet), and its latest quote is not accepted. In the caller's
    /// transaction.
    static func requireAccepted(request: ServiceRequestView, on db: any SQLDatabase) async throws {
        guard try await requiredTypes(on: db).contains(request.type) else { return }
        let charges = request.units.map { unit -> Charge in
            switch unit.warrantyStatus ?? .undetermined {
            case .inWarranty: .free
            case .outOfWarranty: .charged
            case .undetermined: .pending
            }
        }
        let required = QuoteGate.required(charges: charges.isEmpty ? [.pending] : charges, typeNeedsQuote: true)
        guard required else { return }
        // The latest quote the service still stands by (a withdrawn one answers nothing).
        let latest = try await db.raw(
            """
            SELECT status FROM quotes WHERE request_id = \(bind: request.id) \
            AND status <> \(bind: QuoteStatus.withdrawn.rawValue) ORDER BY id DESC LIMIT 1
            """
        ).first(decodingColumn: "status", as: String.self).flatMap(QuoteStatus.init(rawValue:))
        if !QuoteGate.mayStart(required: required, latest: latest) {
            throw QuoteNeeded(requestId: request.id, latest: latest)
        }
    }
}
