import AftercareDomain
import Foundation
import SQLKit

/// R-6.3: fee documents and the money against them. After the work an invoice is issued from the request's priced
/// work (the handed-in service reports, else the accepted quote), numbered gap-free per organisation unit and year;
/// payments and refunds are recorded against it; a mistake is corrected by a credit note that references it. Nothing
/// here is ever edited: the document's standing is what its sums say.
public struct FeeDocuments: Sendable {
    public let store: Store

    public init(_ store: Store) {
        self.store = store
    }

    static let columns = """
        d.*, sr.number AS request_number, c.name AS customer_name, o.name AS org_unit_name, \
        cd.number AS credits_number, \
        CAST((SELECT COALESCE(SUM(p.amount_minor), 0) FROM payments p WHERE p.document_id = d.id) AS BIGINT) \
        AS received_minor, \
        CAST((SELECT COALESCE(SUM(cn.billed_minor), 0) FROM fee_documents cn WHERE cn.credits_document_id = d.id) \
        AS BIGINT) AS credited_minor
        """

    static let from = """
        FROM fee_documents d JOIN service_requests sr ON sr.id = d.request_id \
        JOIN customers c ON c.id = d.customer_id JOIN org_units o ON o.id = d.org_unit_id \
        LEFT JOIN fee_documents cd ON cd.id = d.credits_document_id
        """

    static func view(_ row: any SQLRow) throws -> FeeDocumentView {
        let kind = try row.decodeStored("kind", as: FeeDocumentKind.self)
        let billed = try row.decode(column: "billed_minor", as: Int.self)
        let balance =
            kind == .invoice
            ? FeeBalance(
                billedMinor: billed, creditedMinor: try row.decode(column: "credited_minor", as: Int.self),
                receivedMinor: try row.decode(column: "received_minor", as: Int.self))
            : FeeBalance(billedMinor: billed, receivedMinor: billed)
        return FeeDocumentView(
            id: try row.decode(column: "id", as: Int.self), number: try row.decode(column: "number", as: String.self),
            kind: kind, requestId: try row.decode(column: "request_id", as: Int.self),
            requestNumber: try row.decode(column: "request_number", as: String.self),
            orgUnitId: try row.decode(column: "org_unit_id", as: Int.self),
            orgUnitName: try row.decode(column: "org_unit_name", as: String.self),
            customerId: try row.decode(column: "customer_id", as: Int.self),
            customerName: try row.decode(column: "customer_name", as: String.self),
            creditsDocumentId: try row.decode(column: "credits_document_id", as: Int?.self),
            creditsNumber: try row.decode(column: "credits_number", as: String?.self),
            quoteId: try row.decode(column: "quote_id", as: Int?.self),
            scheduleId: try row.decode(column: "schedule_id", as: Int?.self),
            currency: try row.decodeStored("currency", as: Currency.self), billedMinor: billed,
            freeMinor: try row.decode(column: "free_minor", as: Int.self),
            lines: try JSONText.decode([PricedLine].self, from: try row.decode(column: "lines", as: String.self)),
            reason: try row.decode(column: "reason", as: String?.self),
            issuedBy: try row.decode(column: "issued_by", as: String.self),
            issuedAt: try row.decode(column: "issued_at", as: Date.self), balance: balance, standing: balance.standing)
    }

    /// R-14.2: the documents `scope` sees, by the document's own unit and customer (a request moved to another unit
    /// later leaves its documents where they were issued).
    static func visible(to scope: Scope) -> SQLQueryString {
        ScopeSQL.ownedCondition(orgUnit: "d.org_unit_id", customer: "d.customer_id", scope).map { " AND " + $0 } ?? ""
    }

    static func load(_ id: Int, within scope: Scope, on db: any SQLDatabase) async throws -> FeeDocumentView? {
        var sql: SQLQueryString = "SELECT \(unsafeRaw: columns) \(unsafeRaw: from) WHERE d.id = \(bind: id)"
        sql = sql + visible(to: scope)
        return try await db.raw(sql).first().map(Self.view)
    }

    /// A document with its payments and (for an invoice) its credit notes. A customer does not see the accounts
    /// staff's notes on payments.
    public func get(_ id: Int) async throws -> FeeDocumentView {
        guard var view = try await Self.load(id, within: store.scope, on: store.sql) else {
            throw RecordNotFound(entity: "feeDocument", id: id)
        }
        var payments = try await Self.payments(where: "p.document_id = \(bind: id)", on: store.sql)
        if case .customer = store.scope {
            for index in payments.indices { payments[index].note = nil }
        }
        view.payments = payments
        let notes = try await store.sql.raw(
            """
            SELECT id, number, billed_minor, reason, issued_at FROM fee_documents \
            WHERE credits_document_id = \(bind: id) ORDER BY id
            """
        ).all()
        view.creditNotes = try notes.map {
            CreditNoteRef(
                id: try $0.decode(column: "id", as: Int.self), number: try $0.decode(column: "number", as: String.self),
                amountMinor: try $0.decode(column: "billed_minor", as: Int.self),
                reason: try $0.decode(column: "reason", as: String?.self),
                issuedAt: try $0.decode(column: "issued_at", as: Date.self))
        }
        return view
    }

    /// Documents, newest first, keyset-paged by id.
    public func list(_ filter: FeeDocumentFilter, page: PageRequest) async throws -> Page<FeeDocumentView> {
        var sql: SQLQueryString = "SELECT \(unsafeRaw: Self.columns) \(unsafeRaw: Self.from) WHERE 1 = 1"
        sql = sql + Self.visible(to: store.scope) + Self.conditions(filter)
        if let afterId = page.afterId { sql = sql + " AND d.id < \(bind: afterId)" }
        sql = sql + " ORDER BY d.id DESC LIMIT \(unsafeRaw: String(page.limit + 1))"
        return try Page(rows: try await store.sql.raw(sql).all(), limit: page.limit) { try $0.map(Self.view) }
    }

    static func conditions(_ filter: FeeDocumentFilter) -> SQLQueryString {
        var sql: SQLQueryString = ""
        if let request = filter.requestId { sql = sql + " AND d.request_id = \(bind: request)" }
        if let customer = filter.customerId { sql = sql + " AND d.customer_id = \(bind: customer)" }
        if let unit = filter.orgUnitId {
            sql =
                sql
                + " AND d.org_unit_id IN (SELECT id FROM org_units WHERE path LIKE (SELECT path FROM org_units WHERE id = \(bind: unit)) || '%')"
        }
        if let kind = filter.kind { sql = sql + " AND d.kind = \(bind: kind.rawValue)" }
        if let from = filter.issuedFrom { sql = sql + " AND d.issued_at >= \(bind: from)" }
        if let before = filter.issuedBefore { sql = sql + " AND d.issued_at < \(bind: before)" }
        if filter.outstandingOnly {
            sql =
                sql + """
                     AND d.kind = 'invoice' AND d.billed_minor \
                    - (SELECT COALESCE(SUM(cn.billed_minor), 0) FROM fee_documents cn WHERE cn.credits_document_id = d.id) \
                    - (SELECT COALESCE(SUM(p.amount_minor), 0) FROM payments p WHERE p.document_id = d.id) > 0
                    """
        }
        return sql
    }

    public func audit(_ id: Int, page: PageRequest) async throws -> Page<AuditEntry> {
        guard try await Self.load(id, within: store.scope, on: store.sql) != nil else {
            throw RecordNotFound(entity: "feeDocument", id: id)
        }
        return try await AuditLog.entries(of: "feeDocument", id: id, page: page, on: store.sql)
    }

    // MARK: Payments

    static let paymentColumns = "p.*, d.number AS document_number"
    static let paymentFrom = "FROM payments p JOIN fee_documents d ON d.id = p.document_id"

    static func payment(_ row: any SQLRow) throws -> PaymentView {
        PaymentView(
            id: try row.decode(column: "id", as: Int.self),
            documentId: try row.decode(column: "document_id", as: Int.self),
            documentNumber: try row.decode(column: "document_number", as: String.self),
            kind: try row.decodeStored("kind", as: PaymentEntryKind.self),
            method: try row.decodeStored("method", as: PaymentMethod.self),
            amountMinor: try row.decode(column: "amount_minor", as: Int.self),
            currency: try row.decodeStored("currency", as: Currency.self),
            overpayment: try row.decode(column: "overpayment", as: Bool.self),
            reference: try row.decode(column: "reference", as: String?.self),
            note: try row.decode(column: "note", as: String?.self),
            receivedOn: try FeeScheduleRecord.day(
                try row.decode(column: "received_on", as: String.self), column: "received_on"),
            recordedBy: try row.decode(column: "recorded_by", as: String.self),
            recordedAt: try row.decode(column: "recorded_at", as: Date.self))
    }

    static func payments(where condition: SQLQueryString, on db: any SQLDatabase) async throws -> [PaymentView] {
        let sql: SQLQueryString =
            "SELECT \(unsafeRaw: paymentColumns) \(unsafeRaw: paymentFrom) WHERE " + condition + " ORDER BY p.id"
        return try await db.raw(sql).all().map(Self.payment)
    }

    /// Payments and refunds recorded in a period, oldest first, keyset-paged by id (the export).
    public func payments(recordedFrom from: Date?, before: Date?, page: PageRequest) async throws -> Page<PaymentView> {
        var sql: SQLQueryString =
            "SELECT \(unsafeRaw: Self.paymentColumns) \(unsafeRaw: Self.paymentFrom) WHERE 1 = 1"
        sql = sql + Self.visible(to: store.scope)
        if let from { sql = sql + " AND p.recorded_at >= \(bind: from)" }
        if let before { sql = sql + " AND p.recorded_at < \(bind: before)" }
        if let afterId = page.afterId { sql = sql + " AND p.id > \(bind: afterId)" }
        sql = sql + " ORDER BY p.id LIMIT \(unsafeRaw: String(page.limit + 1))"
        return try Page(rows: try await store.sql.raw(sql).all(), limit: page.limit) { try $0.map(Self.payment) }
    }

    // MARK: Issuing

    /// What the request's work was, to bill: the handed-in service reports (units and their causes, labour by the
    /// engineer's level, one trip per visit, the parts fitted), priced on the day of the first report's visit; nil
    /// when no report was handed in.
    static func reportedWork(of request: ServiceRequestView, on db: any SQLDatabase, zone: TimeZone) async throws
        -> PricingRequest?
    {
        let rows = try await db.raw(
            """
            SELECT r.visit_id, r.unit_id, r.content, r.parts, r.finished_at, e.level FROM service_reports r \
            LEFT JOIN engineers e ON e.id = r.engineer_id \
            WHERE r.request_id = \(bind: request.id) AND r.status <> \(bind: ServiceReportStatus.draft.rawValue) \
            ORDER BY r.id
            """
        ).all()
        guard !rows.isEmpty else { return nil }
        var pricing = PricingRequest(orgUnitId: request.orgUnitId, units: [], labour: [], travel: [], parts: [])
        var trips: [Int: (meters: Int, units: [Int])] = [:]
        var visitOrder: [Int] = []
        var firstDay: Date?
        for row in rows {
            let unitId = try row.decode(column: "unit_id", as: Int?.self)
            let visitId = try row.decode(column: "visit_id", as: Int.self)
            let content = try JSONText.decode(
                ServiceReportContent.self, from: try row.decode(column: "content", as: String.self))
            let parts = try JSONText.decode([ReportPart].self, from: try row.decode(column: "parts", as: String.self))
            let level = max(1, try row.decode(column: "level", as: Int?.self) ?? 1)
            if let finished = try row.decode(column: "finished_at", as: Date?.self) {
                firstDay = min(firstDay ?? finished, finished)
            }
            if let unitId, !(pricing.units ?? []).contains(where: { $0.unitId == unitId }) {
                pricing.units?.append(.init(unitId: unitId, cause: content.cause ?? request.faultCause))
            }
            if let minutes = content.labourMinutes, minutes > 0 {
                pricing.labour?.append(
                    LabourWork(unitId: unitId, level: level, difficulty: content.difficulty ?? .b, minutes: minutes))
            }
            if !visitOrder.contains(visitId) { visitOrder.append(visitId) }
            var trip = trips[visitId] ?? (0, [])
            trip.meters = max(trip.meters, (content.travelKm ?? 0) * 1000)
            if let unitId { trip.units.append(unitId) }
            trips[visitId] = trip
            for part in parts {
                pricing.parts?.append(
                    .init(
                        unitId: unitId, partId: part.partId, quantity: part.quantity, unitCostMinor: part.unitCostMinor)
                )
            }
        }
        pricing.travel = visitOrder.compactMap { visit in
            guard let trip = trips[visit], trip.meters > 0 else { return nil }
            return TravelWork(meters: trip.meters, unitIds: trip.units)
        }
        pricing.date = firstDay.map { CalendarDate($0, in: zone) }
        return pricing
    }

    /// The request's invoice that still stands (not fully credited), if any: a request is billed once.
    static func standingInvoice(of requestId: Int, on db: any SQLDatabase) async throws -> String? {
        try await db.raw(
            """
            SELECT d.number FROM fee_documents d WHERE d.request_id = \(bind: requestId) AND d.kind = 'invoice' \
            AND (d.billed_minor = 0 OR d.billed_minor > \
            (SELECT COALESCE(SUM(cn.billed_minor), 0) FROM fee_documents cn WHERE cn.credits_document_id = d.id))
            """
        ).first(decodingColumn: "number", as: String.self)
    }

    /// A job priced for a request is priced by the request's own unit and names only the request's units.
    static func confine(_ pricing: PricingRequest, to request: ServiceRequestView) throws -> PricingRequest {
        var pricing = pricing
        pricing.orgUnitId = request.orgUnitId
        let own = Set(request.units.map(\.unitId))
        var v = Validator()
        for (index, unit) in (pricing.units ?? []).enumerated() where !own.contains(unit.unitId) {
            v.add("units.\(index).unitId", .invalidValue(allowed: own.sorted().map(String.init)))
        }
        try v.finish()
        return pricing
    }

    /// R-6.3: issues the request's invoice from `pricing`, or (nil) from its handed-in reports, else from the quote
    /// the customer accepted, as it was accepted. Every line must be decided (free or charged); a request with a
    /// standing invoice is not billed again.
    public func issue(for requestId: Int, pricing asked: PricingRequest? = nil, by actor: Actor) async throws
        -> FeeDocumentView
    {
        guard let request = try await ServiceRequests.load(requestId, within: store.scope, on: store.sql) else {
            throw RecordNotFound(entity: "serviceRequest", id: requestId)
        }
        if let number = try await Self.standingInvoice(of: requestId, on: store.sql) {
            throw NotBillable(requestId: requestId, reason: .alreadyBilled, number: number)
        }
        var pricing = try asked.map { try Self.confine($0, to: request) }
        if pricing == nil {
            pricing = try await Self.reportedWork(of: request, on: store.sql, zone: store.timeZone)
        }
        let priced: PricedJob
        let scheduleId: Int
        var quoteId: Int?
        if let pricing {
            let quote = try await FeeSchedules(store).price(pricing)
            (priced, scheduleId) = (quote.priced, quote.scheduleId)
        } else if let row = try await store.sql.raw(
            """
            SELECT id, priced, schedule_id FROM quotes WHERE request_id = \(bind: requestId) \
            AND status = \(bind: QuoteStatus.accepted.rawValue) ORDER BY id DESC LIMIT 1
            """
        ).first() {
            quoteId = try row.decode(column: "id", as: Int.self)
            priced = try JSONText.decode(PricedJob.self, from: try row.decode(column: "priced", as: String.self))
            scheduleId = try row.decode(column: "schedule_id", as: Int.self)
        } else {
            throw NotBillable(requestId: requestId, reason: .nothingDone, number: nil)
        }
        guard priced.isFinal else { throw NotBillable(requestId: requestId, reason: .warrantyPending, number: nil) }
        let fromQuote = quoteId
        let scope = store.scope
        let now = store.now
        let year = CalendarDate(now, in: store.timeZone).year
        let id = try await store.write { db in
            let locked = try await ServiceRequests.lockForWrite(requestId, expectedVersion: nil, within: scope, on: db)
            if let number = try await Self.standingInvoice(of: requestId, on: db) {
                throw NotBillable(requestId: requestId, reason: .alreadyBilled, number: number)
            }
            let id = try await Self.insert(
                kind: .invoice, owner: (locked.id, locked.orgUnitId, locked.customerId), credits: nil,
                quoteId: fromQuote, scheduleId: scheduleId, currency: priced.currency, billedMinor: priced.chargedMinor,
                freeMinor: priced.freeMinor, lines: priced.lines, reason: nil, by: actor, at: now, year: year, on: db)
            try await Self.writeLines(priced.lines, document: id, orgUnitId: locked.orgUnitId, at: now, on: db)
            let after = try await Self.load(id, within: .everything, on: db)
            try await ServiceRequests.appendStep(
                .feeDocumentIssued, requestId: requestId, note: after?.number, by: actor, at: now, on: db)
            try await AuditLog.append(
                on: db, entity: "feeDocument", id: id, action: .create, actor: actor, at: now,
                before: FeeDocumentView?.none, after: after)
            return id
        }
        return try await get(id)
    }

    /// Inserts a document for `owner` (its request, organisation unit and customer) with the next number of its kind,
    /// unit and year.
    static func insert(
        kind: FeeDocumentKind, owner: (request: Int, orgUnit: Int, customer: Int), credits: Int?, quoteId: Int?,
        scheduleId: Int?,
        currency: Currency, billedMinor: Int, freeMinor: Int, lines: [PricedLine], reason: String?, by actor: Actor,
        at now: Date, year: Int, on db: any SQLDatabase
    ) async throws -> Int {
        guard
            let code = try await db.raw("SELECT code FROM org_units WHERE id = \(bind: owner.orgUnit)")
                .first(decodingColumn: "code", as: String.self)
        else { throw RecordNotFound(entity: "orgUnit", id: owner.orgUnit) }
        let name = FeeDocumentNumber.sequenceName(kind: kind, unitCode: code, year: year)
        let sequence = try await db.raw(
            """
            INSERT INTO sequences (name, value) VALUES (\(bind: name), 1) \
            ON CONFLICT (name) DO UPDATE SET value = sequences.value + 1 RETURNING value
            """
        ).first(decodingColumn: "value", as: Int.self)!
        let number = FeeDocumentNumber(kind: kind, unitCode: code, year: year, sequence: sequence).description
        return try await db.insert(into: "fee_documents")
            .columns(
                "number", "kind", "request_id", "org_unit_id", "customer_id", "credits_document_id", "quote_id",
                "schedule_id", "currency", "billed_minor", "free_minor", "lines", "reason", "issued_by", "issued_at"
            )
            .values(
                SQLBind(number), SQLBind(kind.rawValue), SQLBind(owner.request), SQLBind(owner.orgUnit),
                SQLBind(owner.customer), SQLBind(credits), SQLBind(quoteId), SQLBind(scheduleId),
                SQLBind(currency.rawValue), SQLBind(billedMinor), SQLBind(freeMinor),
                SQLBind(try JSONText.encode(lines)),
                SQLBind(reason), SQLBind(actor.name), SQLBind(now)
            )
            .returning("id").first(decodingColumn: "id", as: Int.self)!
    }

    /// The invoice's lines by product line and cause, for the fee report.
    static func writeLines(
        _ lines: [PricedLine], document: Int, orgUnitId: Int, at now: Date, on db: any SQLDatabase
    ) async throws {
        guard !lines.isEmpty else { return }
        let unitIds = Set(lines.compactMap(\.unitId))
        var productLines: [Int: Int] = [:]
        if !unitIds.isEmpty {
            let rows = try await db.raw(
                """
                SELECT u.id, m.product_line_id FROM units u JOIN product_models m ON m.id = u.model_id \
                WHERE u.id IN (\(SQLList(unitIds.sorted().map { SQLBind($0) })))
                """
            ).all()
            for row in rows {
                productLines[try row.decode(column: "id", as: Int.self)] = try row.decode(
                    column: "product_line_id", as: Int.self)
            }
        }
        var insert = db.insert(into: "fee_document_lines").columns(
            "document_id", "org_unit_id", "issued_at", "kind", "unit_id", "product_line_id", "cause", "charge",
            "amount_minor")
        for line in lines {
            insert = insert.values(
                SQLBind(document), SQLBind(orgUnitId), SQLBind(now), SQLBind(line.kind.rawValue), SQLBind(line.unitId),
                SQLBind(line.unitId.flatMap { productLines[$0] }), SQLBind(line.cause?.rawValue),
                SQLBind(line.charge.rawValue), SQLBind(line.amountMinor))
        }
        try await insert.run()
    }

    /// The rules name the amount `amount`; the input calls it `amountMinor`.
    static func named(_ problems: [String: FieldProblem]) -> ValidationError {
        ValidationError(
            Dictionary(
                problems.map { ($0.key == "amount" ? "amountMinor" : $0.key, $0.value) },
                uniquingKeysWith: { first, _ in first }))
    }

    /// Locks an invoice for a money step and reads it with its sums.
    static func lockInvoice(_ id: Int, within scope: Scope, on db: any SQLDatabase) async throws -> FeeDocumentView {
        if db.dialect.name != "sqlite" {
            try await db.raw("SELECT id FROM fee_documents WHERE id = \(bind: id) FOR UPDATE").run()
        }
        guard let document = try await load(id, within: scope, on: db) else {
            throw RecordNotFound(entity: "feeDocument", id: id)
        }
        return document
    }

    /// R-6.3: corrects an invoice with a credit note of `amountMinor` (everything still billed when not given).
    public func credit(_ id: Int, _ input: CreditNoteInput, by actor: Actor) async throws -> FeeDocumentView {
        var v = Validator()
        v.text("reason", input.reason, required: true, max: Limits.note)
        try v.finish()
        let scope = store.scope
        let now = store.now
        let year = CalendarDate(now, in: store.timeZone).year
        let noteId = try await store.write { db in
            let invoice = try await Self.lockInvoice(id, within: scope, on: db)
            guard invoice.kind == .invoice else {
                throw ValidationError(["document": .invalidValue(allowed: [FeeDocumentKind.invoice.rawValue])])
            }
            let amount = input.amountMinor ?? invoice.balance.dueMinor
            let problems = PaymentRules.creditProblems(amountMinor: amount, balance: invoice.balance)
            guard problems.isEmpty else { throw Self.named(problems) }
            // The credit note belongs where its invoice does, whatever became of the request since.
            let noteId = try await Self.insert(
                kind: .creditNote, owner: (invoice.requestId, invoice.orgUnitId, invoice.customerId), credits: id,
                quoteId: nil, scheduleId: invoice.scheduleId,
                currency: invoice.currency, billedMinor: amount, freeMinor: 0, lines: [],
                reason: input.reason.trimmed, by: actor, at: now, year: year, on: db)
            let note = try await Self.load(noteId, within: .everything, on: db)
            try await ServiceRequests.appendStep(
                .creditNoteIssued, requestId: invoice.requestId, note: note.map { "\($0.number) → \(invoice.number)" },
                by: actor, at: now, on: db)
            try await AuditLog.append(
                on: db, entity: "feeDocument", id: noteId, action: .create, actor: actor, at: now,
                before: FeeDocumentView?.none, after: note)
            let after = try await Self.load(id, within: .everything, on: db)
            try await AuditLog.append(
                on: db, entity: "feeDocument", id: id, action: .event, actor: actor, at: now, before: invoice,
                after: after)
            return noteId
        }
        return try await get(noteId)
    }

    /// R-6.3: records a payment or a refund against an invoice. Under the invoice's lock, so that two payments that
    /// together exceed what is due cannot both pass the check.
    public func pay(_ id: Int, _ input: PaymentInput, by actor: Actor) async throws -> FeeDocumentView {
        var v = Validator()
        v.text("reference", input.reference, max: Limits.shortText)
        v.text("note", input.note, max: Limits.note)
        let today = CalendarDate(store.now, in: store.timeZone)
        if let day = input.receivedOn, day > today || day < today.adding(days: -366) {
            v.add("receivedOn", .outOfRange(min: -366, max: 0))
        }
        if input.amountMinor <= 0 || input.amountMinor > PaymentRules.maximumMinor {
            v.add("amountMinor", .outOfRange(min: 1, max: PaymentRules.maximumMinor))
        }
        try v.finish()
        let scope = store.scope
        let now = store.now
        try await store.write { db in
            let before = try await Self.lockInvoice(id, within: scope, on: db)
            let kind = input.kind ?? .payment
            let problems = PaymentRules.problems(
                kind: kind, amountMinor: input.amountMinor, currency: input.currency ?? before.currency,
                documentKind: before.kind, documentCurrency: before.currency, balance: before.balance,
                overpayment: input.overpayment ?? false)
            guard problems.isEmpty else { throw Self.named(problems) }
            let signed = kind == .refund ? -input.amountMinor : input.amountMinor
            let overpaid = kind == .payment && input.amountMinor > max(0, before.balance.outstandingMinor)
            try await db.insert(into: "payments")
                .columns(
                    "document_id", "org_unit_id", "kind", "method", "amount_minor", "currency", "overpayment",
                    "reference", "note", "received_on", "recorded_by", "recorded_at"
                )
                .values(
                    SQLBind(id), SQLBind(before.orgUnitId), SQLBind(kind.rawValue), SQLBind(input.method.rawValue),
                    SQLBind(signed), SQLBind(before.currency.rawValue), SQLBind(overpaid),
                    SQLBind(input.reference?.trimmed.nilIfEmpty), SQLBind(input.note?.trimmed.nilIfEmpty),
                    SQLBind((input.receivedOn ?? today).description), SQLBind(actor.name), SQLBind(now)
                ).run()
            let after = try await Self.load(id, within: .everything, on: db)
            try await ServiceRequests.appendStep(
                .paymentRecorded, requestId: before.requestId, note: before.number, by: actor, at: now, on: db)
            try await AuditLog.append(
                on: db, entity: "feeDocument", id: id, action: .event, actor: actor, at: now, before: before,
                after: after)
        }
        return try await get(id)
    }
}

extension FeeDocuments {
    /// What priced lines name, for people: the units' serials and the parts' numbers and names, by id, in two
    /// queries whatever the number of lines.
    public func names(of lines: [PricedLine]) async throws -> (serials: [Int: String], parts: [Int: String]) {
        var serials: [Int: String] = [:]
        var parts: [Int: String] = [:]
        let unitIds = Set(lines.compactMap(\.unitId))
        if !unitIds.isEmpty {
            for row in try await store.sql.raw(
                "SELECT id, serial_number FROM units WHERE id IN (\(SQLList(unitIds.sorted().map { SQLBind($0) })))"
            ).all() {
                serials[try row.decode(column: "id", as: Int.self)] = try row.decode(
                    column: "serial_number", as: String.self)
            }
        }
        let partIds = Set(lines.compactMap(\.partId))
        if !partIds.isEmpty {
            for row in try await store.sql.raw(
                "SELECT id, part_number, name FROM parts WHERE id IN (\(SQLList(partIds.sorted().map { SQLBind($0) })))"
            ).all() {
                parts[try row.decode(column: "id", as: Int.self)] =
                    "\(try row.decode(column: "part_number", as: String.self)) \(try row.decode(column: "name", as: String.self))"
            }
        }
        return (serials, parts)
    }
}
