import AftercareDomain
import AftercareStore
import Foundation

/// the fees of a request as its page shows them, to staff and (with the portal's links) to the
/// customer: the quotes with where each stands, and the fee documents with what is still to pay.
struct FeesPanelModel: Encodable {
    struct QuoteRow: Encodable {
        var id: Int
        var link: String
        var printLink: String
        var title: String
        var status: String
        var statusCode: String
        var charged: String
        var validUntil: String
        /// The customer may accept or reject it here (portal, sent and not expired).
        var answerAction: String?
    }

    struct DocumentRow: Encodable {
        var id: Int
        var link: String
        var printLink: String
        var number: String
        var kind: String
        var standing: String
        var standingCode: String
        var billed: String
        var outstanding: String
    }

    var quotes: [QuoteRow]
    var documents: [DocumentRow]
    /// Staff who quote: the calculator, filled with the request's units.
    var priceLink: String?
    /// Staff who bill: issue the invoice from the handed-in reports.
    var issueAction: String?

    var isEmpty: Bool { quotes.isEmpty && documents.isEmpty && priceLink == nil && issueAction == nil }

    /// `portal`: the customer's links (print forms in the portal, answers to sent quotes).
    init(
        requestId: Int, quotes: [QuoteView], documents: [FeeDocumentView], portal: Bool, canQuote: Bool,
        canBill: Bool, _ l: Localizer
    ) {
        self.quotes = quotes.map { quote in
            QuoteRow(
                id: quote.id, link: portal ? "/portal/quotes/\(quote.id)/print" : "/quotes/\(quote.id)",
                printLink: portal ? "/portal/quotes/\(quote.id)/print" : "/quotes/\(quote.id)/print",
                title: l.t("billing.quoteOf").replacingOccurrences(of: "{date}", with: l.date(quote.createdAt)),
                status: l.t("quoteStatus.\(quote.status.rawValue)"), statusCode: quote.status.rawValue,
                charged: l.amount(quote.chargedMinor, quote.currency), validUntil: quote.validUntil.description,
                answerAction: portal && quote.allowedEvents.contains(.accept) ? "/portal/quotes/\(quote.id)" : nil)
        }
        self.documents = documents.map { document in
            DocumentRow(
                id: document.id, link: portal ? "/portal/billing/\(document.id)/print" : "/billing/\(document.id)",
                printLink: portal ? "/portal/billing/\(document.id)/print" : "/billing/\(document.id)/print",
                number: document.number, kind: l.t("feeDocumentKind.\(document.kind.rawValue)"),
                standing: document.kind == .invoice ? l.t("standing.\(document.standing.rawValue)") : "",
                standingCode: document.standing.rawValue,
                billed: l.amount(document.billedMinor, document.currency),
                outstanding: document.kind == .invoice
                    ? l.amount(max(0, document.balance.outstandingMinor), document.currency) : "")
        }
        priceLink = canQuote ? "/fees/price?request=\(requestId)" : nil
        issueAction =
            canBill && !documents.contains(where: \.stands)
            ? "/requests/\(requestId)/fee-documents" : nil
    }
}

extension Localizer {
    /// An amount with its currency's sign: "¥1,234.50", "€80.00", "-¥120.00".
    func amount(_ minor: Int, _ currency: Currency) -> String {
        let sign =
            switch currency {
            case .cny: "¥"
            case .eur: "€"
            }
        return (minor < 0 ? "-" : "") + sign + (money(abs(minor)) ?? "")
    }
}

/// priced lines as a quote, a fee document and their print forms show them, each with why it is free
/// or charged.
enum PricedLines {
    static func rows(_ lines: [PricedLine], names: FeePages.PriceNames, _ l: Localizer) -> [FeePages.PriceModel.Line] {
        lines.map { line in
            FeePages.PriceModel.Line(
                what: FeePages.what(line, names: names, l), unit: line.unitId.flatMap { names.serials[$0] } ?? "",
                amount: l.money(line.amountMinor) ?? "", charge: l.t("charge.\(line.charge.rawValue)"),
                chargeCode: line.charge.rawValue,
                why: l.t("lineReason.\(line.reason.rawValue)").replacingOccurrences(
                    of: "{cause}", with: l.t("cause.\((line.cause ?? .unknown).rawValue)")))
        }
    }

    static func names(_ lines: [PricedLine], store: Store) async throws -> FeePages.PriceNames {
        let found = try await FeeDocuments(store).names(of: lines)
        return FeePages.PriceNames(serials: found.serials, parts: found.parts)
    }
}
