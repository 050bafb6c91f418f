import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// the pages of quotes, fee documents and payments: the documents' worklist, one document with its
/// payments and the accounts staff's forms, the printable invoice, receipt or credit note and quote (in the reader's
/// language, `?lang=` for another), the fee report and the exports. They call the same use cases as
/// `BillingController`, through the caller's scoped store.
struct BillingPages: Sendable {
    func register(_ root: any RoutesBuilder) {
        root.get("billing", use: list).requires(.action(.viewFees))
        root.get("billing", "report", use: report).requires(.action(.billFees))
        root.post("billing", "quote-rules", use: setRules).requires(.action(.manageFees))
        root.get("billing", "export", "documents.csv", use: BillingController().exportDocuments)
            .requires(.action(.billFees))
        root.get("billing", "export", "payments.csv", use: BillingController().exportPayments)
            .requires(.action(.billFees))
        root.get("billing", ":id", use: document).requires(.action(.viewFees))
        root.get("billing", ":id", "print", use: printDocument).requires(.action(.viewFees))
        root.post("billing", ":id", "payments", use: pay).requires(.action(.recordPayments))
        root.post("billing", ":id", "credit-notes", use: credit).requires(.action(.recordPayments))
        root.post("requests", ":id", "fee-documents", use: issue).requires(.action(.billFees))
        root.post("requests", ":id", "quotes", use: draftQuote).requires(.action(.quoteJobs))
        root.get("quotes", ":id", use: quote).requires(.action(.viewFees))
        root.get("quotes", ":id", "print", use: printQuote).requires(.action(.viewFees))
        root.post("quotes", ":id", "events", use: quoteEvent).requires(.action(.quoteJobs))
        root.post("portal", "quotes", ":id", use: portalAnswer).requires(.action(.usePortal))
        root.get("portal", "quotes", ":id", "print", use: printQuote).requires(.action(.usePortal))
        root.get("portal", "billing", ":id", "print", use: printDocument).requires(.action(.usePortal))
    }

    static let labels = FieldLabels.area("billing")

    // MARK: Documents

    /// `/billing?outstanding=1&kind=`: fee documents, newest first.
    @Sendable func list(_ req: Request) async throws -> Response {
        try await renderList(req)
    }

    func renderList(_ req: Request, errors: [FieldMessage] = [], status: HTTPStatus = .ok) async throws -> Response {
        let principal = try req.requirePrincipal()
        let q = QueryReader(req: req)
        var filter = FeeDocumentFilter()
        filter.outstandingOnly = try q.bool("outstanding") ?? false
        filter.kind = try q.value("kind", FeeDocumentKind.self)
        let quotes = Quotes(req.store)
        let data = ListData(
            page: try await FeeDocuments(req.store).list(filter, page: try q.page(defaultLimit: 25)), filter: filter,
            waiting: try await quotes.waiting(page: PageRequest(limit: 10)).items, rules: try await quotes.rules(),
            canBill: principal.may(.billFees), canEditRules: principal.may(.manageFees), errors: errors)
        return try await PageRenderer.render(
            "billing", title: "billing.listTitle", Self.listModel(data, req.localizer), for: req, status: status)
    }

    /// the request types that need an accepted quote: the ticked ones.
    @Sendable func setRules(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        var ticked: Set<RequestType> = []
        for raw in form.all("quoteRequired") {
            if let type = RequestType(rawValue: raw) {
                ticked.insert(type)
            } else {
                v.add("quoteRequired", .invalidValue(allowed: RequestType.allCases.map(\.rawValue)))
            }
        }
        return try await FormCycle.run(req, page: "/billing", labels: Self.labels) {
            try v.finish()
            _ = try await Quotes(req.store).setRules(
                RequestType.allCases.map { QuoteRule(type: $0, quoteRequired: ticked.contains($0)) },
                by: principal.actor)
            return req.redirect(to: "/billing#quote-rules")
        } again: { failure in
            try await renderList(req, errors: failure.messages, status: failure.status)
        }
    }

    func documentData(_ req: Request, id: Int) async throws -> DocumentData {
        let document = try await FeeDocuments(req.store).get(id)
        let portal: Bool
        if case .customer = req.store.scope { portal = true } else { portal = false }
        return DocumentData(
            document: document, names: try await PricedLines.names(document.lines, store: req.store), portal: portal,
            canPay: !portal && (req.principal?.may(.recordPayments) ?? false),
            today: CalendarDate(req.store.now, in: req.store.timeZone))
    }

    @Sendable func document(_ req: Request) async throws -> Response {
        let model = Self.documentModel(try await documentData(req, id: req.pageId()), req.localizer)
        return try await PageRenderer.render("billing-document", title: "billing.documentTitle", model, for: req)
    }

    @Sendable func printDocument(_ req: Request) async throws -> Response {
        req.usePrintLanguage()
        let model = Self.documentModel(try await documentData(req, id: req.pageId()), req.localizer)
        return try await PageRenderer.render("billing-print", title: "billing.documentTitle", model, for: req)
    }

    /// A payment or refund: amount as typed ("1,280.50" or "1280.5"), method, reference, day received.
    @Sendable func pay(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        var data = try await documentData(req, id: id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let kind = form.value("kind", PaymentEntryKind.self, into: &v)
        let method = form.value("method", PaymentMethod.self, into: &v)
        let amount = form.string("amount").flatMap(Money.minor(parsing:))
        if form.string("amount") == nil {
            v.add("amountMinor", .required)
        } else if amount == nil {
            v.add("amountMinor", .invalidFormat(expected: "an amount"))
        }
        if method == nil, form.string("method") == nil { v.add("method", .required) }
        var receivedOn: CalendarDate?
        if let text = form.string("receivedOn") {
            receivedOn = CalendarDate(iso: text)
            if receivedOn == nil { v.add("receivedOn", .invalidFormat(expected: "YYYY-MM-DD")) }
        }
        return try await FormCycle.run(req, page: "/billing/\(id)", labels: Self.labels) {
            try v.finish()
            _ = try await FeeDocuments(req.store).pay(
                id,
                PaymentInput(
                    kind: kind, method: method!, amountMinor: amount!, overpayment: form.string("overpayment") != nil,
                    reference: form.string("reference"), note: form.string("note"), receivedOn: receivedOn),
                by: principal.actor)
            return req.redirect(to: "/billing/\(id)")
        } again: { failure in
            data.errors = failure.messages
            data.typed = form.typed(["kind", "method", "amount", "reference", "receivedOn", "note", "overpayment"])
            return try await PageRenderer.render(
                "billing-document", title: "billing.documentTitle", Self.documentModel(data, req.localizer), for: req,
                status: failure.status)
        }
    }

    /// A credit note: the amount (everything still billed when left empty) and the reason.
    @Sendable func credit(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        var data = try await documentData(req, id: id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let amount = form.string("creditAmount").flatMap(Money.minor(parsing:))
        if form.string("creditAmount") != nil, amount == nil {
            v.add("amountMinor", .invalidFormat(expected: "an amount"))
        }
        return try await FormCycle.run(req, page: "/billing/\(id)", labels: Self.labels) {
            try v.finish()
            let note = try await FeeDocuments(req.store).credit(
                id, CreditNoteInput(amountMinor: amount, reason: form.string("reason") ?? ""), by: principal.actor)
            return req.redirect(to: "/billing/\(note.id)")
        } again: { failure in
            data.errors = failure.messages
            data.typed = form.typed(["creditAmount", "reason"])
            return try await PageRenderer.render(
                "billing-document", title: "billing.documentTitle", Self.documentModel(data, req.localizer), for: req,
                status: failure.status)
        }
    }

    /// From the request page: the invoice of the request's handed-in reports (else its accepted quote).
    @Sendable func issue(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        _ = try await ServiceRequests(req.store).get(id)
        return try await FormCycle.run(req, page: "/requests/\(id)", labels: Self.labels) {
            let document = try await FeeDocuments(req.store).issue(for: id, by: principal.actor)
            return req.redirect(to: "/billing/\(document.id)")
        } again: { failure in
            try await PageRenderer.render(
                "request", title: "request.title",
                try await DeskPages().detailModel(req, id: id, errors: failure.messages.map(\.line)), for: req,
                status: failure.status)
        }
    }

    // MARK: Quotes

    func quoteModel(
        _ req: Request, id: Int, typed: [String: String] = [:], errors: [FieldMessage] = []
    ) async throws -> QuoteModel {
        let quote = try await Quotes(req.store).get(id)
        let portal: Bool
        if case .customer = req.store.scope { portal = true } else { portal = false }
        return Self.quoteModel(
            quote, names: try await PricedLines.names(quote.priced.lines, store: req.store), portal: portal,
            canQuote: req.principal?.may(.quoteJobs) ?? false, req.localizer, typed: typed, errors: errors)
    }

    @Sendable func quote(_ req: Request) async throws -> Response {
        try await PageRenderer.render(
            "quote", title: "billing.quoteTitle", try await quoteModel(req, id: req.pageId()), for: req)
    }

    @Sendable func printQuote(_ req: Request) async throws -> Response {
        req.usePrintLanguage()
        return try await PageRenderer.render(
            "quote-print", title: "billing.quoteTitle", try await quoteModel(req, id: req.pageId()), for: req)
    }

    /// Send, withdraw (with the reason), or record the customer's answer with the channel it came by.
    @Sendable func quoteEvent(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        _ = try await Quotes(req.store).get(id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let event = form.value("event", QuoteEventKind.self, into: &v)
        if form.string("event") == nil { v.add("event", .required) }
        let channel = form.value("channel", AftercareDomain.Channel.self, into: &v)
        let version = form.int("version", into: &v)
        return try await FormCycle.run(req, page: "/quotes/\(id)", labels: Self.labels) {
            try v.finish()
            _ = try await Quotes(req.store).post(
                QuoteEventInput(
                    event: event!, reason: form.string("reason"), channel: channel, expectedVersion: version),
                to: id, by: principal.actor)
            return req.redirect(to: "/quotes/\(id)")
        } again: { failure in
            try await PageRenderer.render(
                "quote", title: "billing.quoteTitle",
                try await quoteModel(
                    req, id: id, typed: form.typed(["event", "channel", "reason"]), errors: failure.messages),
                for: req, status: failure.status)
        }
    }

    /// The customer's yes or no in the portal (a no with the reason).
    @Sendable func portalAnswer(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        _ = try await Quotes(req.store).get(id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let event = form.value("event", QuoteEventKind.self, into: &v)
        if form.string("event") == nil { v.add("event", .required) }
        return try await FormCycle.run(req, page: "/portal/quotes/\(id)/print", labels: Self.labels) {
            try v.finish()
            let quote = try await Quotes(req.store).post(
                QuoteEventInput(event: event!, reason: form.string("reason")), to: id, by: principal.actor)
            return req.redirect(to: "/portal/requests/\(quote.requestId)")
        } again: { failure in
            try await PageRenderer.render(
                "quote-print", title: "billing.quoteTitle",
                try await quoteModel(
                    req, id: id, typed: form.typed(["event", "reason"]), errors: failure.messages),
                for: req, status: failure.status)
        }
    }

    /// From the price calculator (`/fees/price?request=…`): the job priced there becomes the request's draft quote.
    /// The form's fields travel in the query, read by the calculator's own reader.
    @Sendable func draftQuote(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        _ = try await ServiceRequests(req.store).get(id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let validDays = form.int("validDays", into: &v)
        do {
            let (pricing, _) = try await FeePages.askedPricing(req, home: principal.orgUnitId)
            try v.finish()
            let quote = try await Quotes(req.store).draft(
                for: id, QuoteInput(pricing: pricing, validDays: validDays, note: form.string("note")),
                by: principal.actor)
            return req.redirect(to: "/quotes/\(quote.id)")
        } catch {
            guard let failure = PageError.from(error, req.localizer, labels: FeePages.calculatorLabels()) else {
                throw error
            }
            return try await FeePages().renderCalculator(req, extra: failure)
        }
    }

    // MARK: The report

    /// `/billing/report?from=&to=&orgUnitId=`: this month by default.
    @Sendable func report(_ req: Request) async throws -> Response {
        let q = QueryReader(req: req)
        let month = BillingController.thisMonth(req.store)
        let fromText = try q.string("from") ?? month.from.description
        let toText = try q.string("to") ?? month.to.description
        let unitId = try q.int("orgUnitId")
        var v = AftercareDomain.Validator()
        let from = CalendarDate(iso: fromText)
        let to = CalendarDate(iso: toText)
        if from == nil { v.add("from", .invalidFormat(expected: "YYYY-MM-DD")) }
        if to == nil { v.add("to", .invalidFormat(expected: "YYYY-MM-DD")) }
        var report: FeeReport?
        var errors: [FieldMessage] = []
        var status = HTTPStatus.ok
        do {
            try v.finish()
            report = try await FeeDocuments(req.store).report(from: from!, to: to!, orgUnitId: unitId)
        } catch {
            guard let failure = PageError.from(error, req.localizer, labels: Self.labels) else { throw error }
            errors = failure.messages
            status = failure.status
        }
        let model = Self.reportModel(
            report, from: fromText, to: toText, unitId: unitId, units: try await req.orgUnitChoices().options,
            req.localizer, errors: errors)
        return try await PageRenderer.render(
            "billing-report", title: "billing.reportTitle", model, for: req, status: status)
    }
}
