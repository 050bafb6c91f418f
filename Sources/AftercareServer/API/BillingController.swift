import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// quotes, fee documents, payments, the fee report and the exports. Everyone who reads fees reads
/// quotes and documents (viewFees); the desk prices and sends quotes (quoteJobs); the desk and accounts issue
/// documents and read the report (billFees); only accounts staff and managers record money and credit notes
/// (recordPayments).
struct BillingController: Sendable {
    func register(_ api: any RoutesBuilder) {
        let requests = api.grouped("service-requests", ":id")
        requests.get("quotes", use: requestQuotes).requires(.action(.viewFees))
        requests.post("quotes", use: draft).requires(.action(.quoteJobs))
        requests.post("fee-documents", use: issue).requires(.action(.billFees))
        let quotes = api.grouped("quotes")
        quotes.get(use: waiting).requires(.action(.viewFees))
        quotes.get(":id", use: quote).requires(.action(.viewFees))
        quotes.post(":id", "events", use: quoteEvent).requires(.action(.quoteJobs))
        quotes.get(":id", "audit", use: quoteAudit).requires(.action(.viewAudit))
        api.get("quote-rules", use: rules).requires(.action(.viewFees))
        api.put("quote-rules", use: setRule).requires(.action(.manageFees))
        let documents = api.grouped("fee-documents")
        documents.get(use: list).requires(.action(.viewFees))
        documents.get("export", use: exportDocuments).requires(.action(.billFees))
        documents.get(":id", use: document).requires(.action(.viewFees))
        documents.post(":id", "payments", use: pay).requires(.action(.recordPayments))
        documents.post(":id", "credit-notes", use: credit).requires(.action(.recordPayments))
        documents.get(":id", "audit", use: documentAudit).requires(.action(.viewAudit))
        api.get("payments", "export", use: exportPayments).requires(.action(.billFees))
        api.get("reports", "fees", use: report).requires(.action(.billFees))
    }

    static func id(_ req: Request) throws -> Int { try RecordController<FeeScheduleRecord>.id(req) }

    static func created<T: Content & Identifiable>(_ value: T, at path: String, for req: Request) async throws
        -> Response where T.ID == Int
    {
        let response = try await value.encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/\(path)/\(value.id)")
        return response
    }

    // MARK: Quotes

    @Sendable func requestQuotes(_ req: Request) async throws -> [QuoteView] {
        try await Quotes(req.store).of(request: Self.id(req))
    }

    /// `POST /service-requests/{id}/quotes {pricing, validDays, note}`: a draft priced from the job as planned.
    @Sendable func draft(_ req: Request) async throws -> Response {
        _ = try await ServiceRequests(req.store).get(Self.id(req))
        let input = try JSONBody.create(QuoteInput.self, req)
        let view = try await Quotes(req.store).draft(for: Self.id(req), input, by: req.actor)
        return try await Self.created(view, at: "quotes", for: req)
    }

    /// `GET /quotes`: the quotes sent and waiting for the customer's answer, oldest first.
    @Sendable func waiting(_ req: Request) async throws -> Page<QuoteView> {
        try await Quotes(req.store).waiting(page: QueryReader(req: req).page())
    }

    @Sendable func quote(_ req: Request) async throws -> QuoteView {
        try await Quotes(req.store).get(Self.id(req))
    }

    /// `POST /quotes/{id}/events {event, reason, channel, expectedVersion}`.
    @Sendable func quoteEvent(_ req: Request) async throws -> QuoteView {
        _ = try await Quotes(req.store).get(Self.id(req))
        let input = try JSONBody.create(QuoteEventInput.self, req)
        return try await Quotes(req.store).post(input, to: Self.id(req), by: req.actor)
    }

    @Sendable func quoteAudit(_ req: Request) async throws -> Page<AuditEntry> {
        try await Quotes(req.store).audit(Self.id(req), page: QueryReader(req: req).page())
    }

    @Sendable func rules(_ req: Request) async throws -> [QuoteRule] {
        try await Quotes(req.store).rules()
    }

    /// `PUT /quote-rules {type, quoteRequired}`.
    @Sendable func setRule(_ req: Request) async throws -> [QuoteRule] {
        let rule = try JSONBody.create(QuoteRule.self, req)
        return try await Quotes(req.store).setRule(rule, by: req.actor)
    }

    // MARK: Fee documents

    /// `POST /service-requests/{id}/fee-documents [pricing]`: the invoice of the request's work: the job given, or
    /// (no body) the handed-in reports, else the accepted quote.
    @Sendable func issue(_ req: Request) async throws -> Response {
        _ = try await ServiceRequests(req.store).get(Self.id(req))
        let pricing =
            req.body.data.map { $0.readableBytes > 0 } == true ? try JSONBody.create(PricingRequest.self, req) : nil
        let view = try await FeeDocuments(req.store).issue(for: Self.id(req), pricing: pricing, by: req.actor)
        return try await Self.created(view, at: "fee-documents", for: req)
    }

    static func filter(_ q: QueryReader, zone: TimeZone) throws -> FeeDocumentFilter {
        var filter = FeeDocumentFilter()
        filter.requestId = try q.int("requestId")
        filter.customerId = try q.int("customerId")
        filter.orgUnitId = try q.int("orgUnitId")
        filter.kind = try q.value("kind", FeeDocumentKind.self)
        filter.outstandingOnly = try q.bool("outstanding") ?? false
        filter.issuedFrom = try q.date("from")?.startOfDay(in: zone)
        filter.issuedBefore = try q.date("to")?.adding(days: 1).startOfDay(in: zone)
        return filter
    }

    /// `GET /fee-documents?requestId=&customerId=&orgUnitId=&kind=&outstanding=&from=&to=`, newest first.
    @Sendable func list(_ req: Request) async throws -> Page<FeeDocumentView> {
        let q = QueryReader(req: req)
        return try await FeeDocuments(req.store).list(Self.filter(q, zone: req.store.timeZone), page: q.page())
    }

    @Sendable func document(_ req: Request) async throws -> FeeDocumentView {
        try await FeeDocuments(req.store).get(Self.id(req))
    }

    /// `POST /fee-documents/{id}/payments {kind, method, amountMinor, currency, overpayment, reference, note,
    /// receivedOn}`.
    @Sendable func pay(_ req: Request) async throws -> Response {
        _ = try await FeeDocuments(req.store).get(Self.id(req))
        let input = try JSONBody.create(PaymentInput.self, req)
        let view = try await FeeDocuments(req.store).pay(Self.id(req), input, by: req.actor)
        return try await view.encodeResponse(status: .created, for: req)
    }

    /// `POST /fee-documents/{id}/credit-notes {amountMinor, reason}`: the credit note.
    @Sendable func credit(_ req: Request) async throws -> Response {
        _ = try await FeeDocuments(req.store).get(Self.id(req))
        let input = try JSONBody.create(CreditNoteInput.self, req)
        let view = try await FeeDocuments(req.store).credit(Self.id(req), input, by: req.actor)
        return try await Self.created(view, at: "fee-documents", for: req)
    }

    @Sendable func documentAudit(_ req: Request) async throws -> Page<AuditEntry> {
        try await FeeDocuments(req.store).audit(Self.id(req), page: QueryReader(req: req).page())
    }

    /// `GET /reports/fees?from=&to=&orgUnitId=`: the fee report (this month by default).
    @Sendable func report(_ req: Request) async throws -> FeeReport {
        let q = QueryReader(req: req)
        let month = Self.thisMonth(req.store)
        return try await FeeDocuments(req.store).report(
            from: try q.date("from") ?? month.from, to: try q.date("to") ?? month.to, orgUnitId: try q.int("orgUnitId"))
    }

    /// The fee report's period when none is asked for: this month to today, in the deployment's time zone.
    static func thisMonth(_ store: Store) -> (from: CalendarDate, to: CalendarDate) {
        let today = CalendarDate(store.now, in: store.timeZone)
        return (CalendarDate(year: today.year, month: today.month, day: 1)!, today)
    }

    // MARK: Exports

    /// `GET /fee-documents/export` with the list's filters: every document as CSV, streamed page by page.
    @Sendable func exportDocuments(_ req: Request) async throws -> Response {
        let filter = try Self.filter(QueryReader(req: req), zone: req.store.timeZone)
        let documents = FeeDocuments(req.store)
        return CSVResponse.make(filename: "fee-documents.csv") { write in
            try await write(
                CSV.line([
                    "number", "kind", "credits", "request", "customer", "orgUnit", "issuedAt", "currency", "billed",
                    "free", "credited", "received", "outstanding", "standing",
                ]))
            var page = PageRequest(limit: 200)
            while true {
                let found = try await documents.list(filter, page: page)
                var text = ""
                for d in found.items {
                    text += CSV.line([
                        d.number, d.kind.rawValue, d.creditsNumber ?? "", d.requestNumber, d.customerName,
                        d.orgUnitName, Timestamp.format(d.issuedAt), d.currency.rawValue,
                        Money(minor: d.billedMinor, currency: d.currency).decimalText,
                        Money(minor: d.freeMinor, currency: d.currency).decimalText,
                        Money(minor: d.balance.creditedMinor, currency: d.currency).decimalText,
                        d.kind == .invoice
                            ? Money(minor: d.balance.receivedMinor, currency: d.currency).decimalText : "",
                        Money(minor: d.kind == .invoice ? d.balance.outstandingMinor : 0, currency: d.currency)
                            .decimalText,
                        d.kind == .invoice ? d.standing.rawValue : "",
                    ])
                }
                try await write(text)
                guard let cursor = found.nextCursor, let next = page.following(cursor) else { break }
                page = next
            }
        }
    }

    /// `GET /payments/export?from=&to=`: payments and refunds recorded in the period as CSV.
    @Sendable func exportPayments(_ req: Request) async throws -> Response {
        let q = QueryReader(req: req)
        let zone = req.store.timeZone
        let from = try q.date("from")?.startOfDay(in: zone)
        let before = try q.date("to")?.adding(days: 1).startOfDay(in: zone)
        let documents = FeeDocuments(req.store)
        return CSVResponse.make(filename: "payments.csv") { write in
            try await write(
                CSV.line([
                    "document", "kind", "method", "amount", "currency", "overpayment", "reference", "receivedOn",
                    "recordedBy", "recordedAt",
                ]))
            var page = PageRequest(limit: 200)
            while true {
                let found = try await documents.payments(recordedFrom: from, before: before, page: page)
                var text = ""
                for p in found.items {
                    text += CSV.line([
                        p.documentNumber, p.kind.rawValue, p.method.rawValue,
                        Money(minor: p.amountMinor, currency: p.currency).decimalText, p.currency.rawValue,
                        p.overpayment ? "yes" : "no", p.reference ?? "", p.receivedOn.description, p.recordedBy,
                        Timestamp.format(p.recordedAt),
                    ])
                }
                try await write(text)
                guard let cursor = found.nextCursor, let next = page.following(cursor) else { break }
                page = next
            }
        }
    }
}

extension QuoteView: Content {}
extension QuoteRule: Content {}
extension FeeDocumentView: Content {}
extension FeeReport: Content {}
