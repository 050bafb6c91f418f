import AftercareDomain
import AftercareStore
import Foundation

extension BillingPages {
    // MARK: Models, from store views alone

    struct Fact: Encodable {
        var label: String
        var value: String
        var link: String?
    }

    struct ListModel: Encodable {
        struct Row: Encodable {
            var id: Int
            var number: String
            var kind: String
            var customer: String
            var request: String
            var requestId: Int
            var issued: String
            var billed: String
            var received: String
            var outstanding: String
            var standing: String
            var standingCode: String
        }

        var rows: [Row]
        var outstandingOnly: Bool
        var kindOptions: [SelectOption]
        var next: String?
        var canBill: Bool
        var exportQuery: String
        /// quotes sent and waiting for the customer's answer, the longest waiting first.
        var waiting: [QuoteRow]
        /// which request types need an accepted quote before work; editable by fee managers.
        var rules: [SelectOption]
        var canEditRules: Bool
        var errors: [FieldMessage]
    }

    struct QuoteRow: Encodable {
        var id: Int
        var request: String
        var customer: String
        var charged: String
        var sent: String
        var validUntil: String
        var status: String
    }

    struct ListData {
        var page: Page<FeeDocumentView>
        var filter: FeeDocumentFilter
        var waiting: [QuoteView] = []
        var rules: [QuoteRule] = []
        var canBill: Bool
        var canEditRules: Bool
        var errors: [FieldMessage] = []
    }

    static func listModel(_ data: ListData, _ l: Localizer) -> ListModel {
        let page = data.page
        let filter = data.filter
        let canBill = data.canBill
        let query: [(String, String?)] = [
            ("outstanding", filter.outstandingOnly ? "1" : nil), ("kind", filter.kind?.rawValue),
        ]
        return ListModel(
            rows: page.items.map { d in
                ListModel.Row(
                    id: d.id, number: d.number, kind: l.t("feeDocumentKind.\(d.kind.rawValue)"),
                    customer: d.customerName, request: d.requestNumber, requestId: d.requestId,
                    issued: l.dateTime(d.issuedAt), billed: l.amount(d.billedMinor, d.currency),
                    received: d.kind == .invoice ? l.amount(d.balance.receivedMinor, d.currency) : "—",
                    outstanding: d.kind == .invoice ? l.amount(d.balance.outstandingMinor, d.currency) : "—",
                    standing: d.kind == .invoice ? l.t("standing.\(d.standing.rawValue)") : "—",
                    standingCode: d.kind == .invoice ? d.standing.rawValue : "credit")
            }, outstandingOnly: filter.outstandingOnly,
            kindOptions: [SelectOption(value: "", label: l.t("requests.any"), selected: filter.kind == nil)]
                + SelectOption.of(FeeDocumentKind.self, prefix: "feeDocumentKind", selected: filter.kind, l),
            next: page.nextCursor.map { PageLink.make("/billing", query + [("cursor", $0)]) }, canBill: canBill,
            exportQuery: PageLink.make("", query),
            waiting: data.waiting.map { q in
                QuoteRow(
                    id: q.id, request: q.requestNumber, customer: q.customerName,
                    charged: l.amount(q.chargedMinor, q.currency), sent: q.sentAt.map(l.dateTime) ?? "—",
                    validUntil: q.validUntil.description, status: l.t("quoteStatus.\(q.status.rawValue)"))
            },
            rules: data.rules.map {
                SelectOption(
                    value: $0.type.rawValue, label: l.t("type.\($0.type.rawValue)"), selected: $0.quoteRequired)
            }, canEditRules: data.canEditRules, errors: data.errors)
    }

    struct PaymentRow: Encodable {
        var date: String
        var kind: String
        var method: String
        var amount: String
        var reference: String
        var note: String?
        var recordedBy: String
    }

    struct PaymentForm: Encodable {
        var kindOptions: [SelectOption]
        var methodOptions: [SelectOption]
        var amount: String
        var reference: String
        var receivedOn: String
        var note: String
        var overpayment: Bool
    }

    struct CreditForm: Encodable {
        var amount: String
        var reason: String
    }

    /// An invoice or credit note, as its page and its print form show it.
    struct DocumentModel: Encodable {
        var id: Int
        var heading: String
        var number: String
        var kindCode: String
        var standing: String?
        var standingCode: String
        var facts: [Fact]
        var lines: [FeePages.PriceModel.Line]
        var charged: String
        var free: String
        var creditNotes: [Fact]
        var payments: [PaymentRow]
        var balance: [Fact]
        var paymentForm: PaymentForm?
        var creditForm: CreditForm?
        var errors: [FieldMessage]
        var back: String
        var printLink: String
    }

    struct DocumentData {
        var document: FeeDocumentView
        var names: FeePages.PriceNames
        var portal: Bool
        var canPay: Bool
        var typed: [String: String] = [:]
        var errors: [FieldMessage] = []
        var today: CalendarDate
    }

    static func documentModel(_ data: DocumentData, _ l: Localizer) -> DocumentModel {
        let d = data.document
        let money = { (minor: Int) in l.amount(minor, d.currency) }
        var facts = [
            Fact(
                label: l.t("field.request"), value: d.requestNumber,
                link: data.portal ? "/portal/requests/\(d.requestId)" : "/requests/\(d.requestId)"),
            Fact(label: l.t("field.customer"), value: d.customerName),
            Fact(label: l.t("billing.issuedBy"), value: d.orgUnitName),
            Fact(label: l.t("billing.issuedAt"), value: l.dateTime(d.issuedAt)),
            Fact(label: l.t("billing.currency"), value: l.t("currency.\(d.currency.rawValue)")),
        ]
        if let credits = d.creditsNumber, let id = d.creditsDocumentId {
            facts.append(
                Fact(
                    label: l.t("billing.credits"), value: credits,
                    link: data.portal ? "/portal/billing/\(id)/print" : "/billing/\(id)"))
        }
        if let reason = d.reason { facts.append(Fact(label: l.t("billing.reason"), value: reason)) }
        let open = d.kind == .invoice && d.standing != .cancelled && d.standing != .free
        let typed = data.typed
        return DocumentModel(
            id: d.id, heading: l.t("feeDocumentKind.\(d.kind.rawValue)"), number: d.number, kindCode: d.kind.rawValue,
            standing: d.kind == .invoice ? l.t("standing.\(d.standing.rawValue)") : nil,
            standingCode: d.standing.rawValue, facts: facts,
            lines: PricedLines.rows(d.lines, names: data.names, l),
            charged: money(d.kind == .invoice ? d.billedMinor : -d.billedMinor), free: money(d.freeMinor),
            creditNotes: (d.creditNotes ?? []).map {
                Fact(
                    label: "\($0.number) · \(l.date($0.issuedAt))",
                    value: "−\(money($0.amountMinor))" + ($0.reason.map { " · \($0)" } ?? ""),
                    link: data.portal ? "/portal/billing/\($0.id)/print" : "/billing/\($0.id)")
            },
            payments: (d.payments ?? []).map { p in
                PaymentRow(
                    date: p.receivedOn.description, kind: l.t("paymentKind.\(p.kind.rawValue)"),
                    method: l.t("paymentMethod.\(p.method.rawValue)"), amount: money(p.amountMinor),
                    reference: p.reference ?? "", note: data.portal ? nil : p.note, recordedBy: p.recordedBy)
            },
            balance: d.kind == .invoice
                ? [
                    Fact(label: l.t("billing.billed"), value: money(d.balance.billedMinor)),
                    Fact(label: l.t("billing.credited"), value: money(d.balance.creditedMinor)),
                    Fact(label: l.t("billing.received"), value: money(d.balance.receivedMinor)),
                    Fact(label: l.t("billing.outstanding"), value: money(d.balance.outstandingMinor)),
                ] : [],
            paymentForm: data.canPay && open
                ? PaymentForm(
                    kindOptions: SelectOption.of(
                        PaymentEntryKind.self, prefix: "paymentKind",
                        selected: PaymentEntryKind(rawValue: typed["kind"] ?? "") ?? .payment, l),
                    methodOptions: SelectOption.of(
                        PaymentMethod.self, prefix: "paymentMethod",
                        selected: PaymentMethod(rawValue: typed["method"] ?? "") ?? .cash, l),
                    amount: typed["amount"]
                        ?? (d.balance.outstandingMinor > 0
                            ? Money(minor: d.balance.outstandingMinor, currency: d.currency).decimalText : ""),
                    reference: typed["reference"] ?? "", receivedOn: typed["receivedOn"] ?? data.today.description,
                    note: typed["note"] ?? "", overpayment: typed["overpayment"] != nil) : nil,
            creditForm: data.canPay && d.kind == .invoice && d.balance.dueMinor > 0
                ? CreditForm(amount: typed["creditAmount"] ?? "", reason: typed["reason"] ?? "") : nil,
            errors: data.errors, back: data.portal ? "/portal/requests/\(d.requestId)" : "/billing/\(d.id)",
            printLink: data.portal ? "/portal/billing/\(d.id)/print" : "/billing/\(d.id)/print")
    }

    /// A quote, as its page and its print form show it.
    struct QuoteModel: Encodable {
        var id: Int
        var version: Int
        var heading: String
        var status: String
        var statusCode: String
        var facts: [Fact]
        var lines: [FeePages.PriceModel.Line]
        var charged: String
        var free: String
        var note: String?
        var canSend: Bool
        var canWithdraw: Bool
        var canRecordAnswer: Bool
        var channelOptions: [SelectOption]
        var answerOptions: [SelectOption]
        var reason: String
        var errors: [FieldMessage]
        var back: String
        var printLink: String
        var portalAnswer: String?
    }

    static func quoteModel(
        _ q: QuoteView, names: FeePages.PriceNames, portal: Bool, canQuote: Bool, _ l: Localizer,
        typed: [String: String] = [:], errors: [FieldMessage] = []
    ) -> QuoteModel {
        var facts = [
            Fact(
                label: l.t("field.request"), value: q.requestNumber,
                link: portal ? "/portal/requests/\(q.requestId)" : "/requests/\(q.requestId)"),
            Fact(label: l.t("field.customer"), value: q.customerName),
            Fact(label: l.t("billing.validUntil"), value: q.validUntil.description),
        ]
        if let sent = q.sentAt { facts.append(Fact(label: l.t("billing.sentAt"), value: l.dateTime(sent))) }
        if let answered = q.answeredAt {
            let channel = q.answerChannel.map { " · " + l.t("channel.\($0.rawValue)") } ?? ""
            facts.append(Fact(label: l.t("billing.answeredAt"), value: l.dateTime(answered) + channel))
        }
        if let reason = q.reason { facts.append(Fact(label: l.t("billing.reason"), value: reason)) }
        let canAnswer = q.allowedEvents.contains(.accept)
        return QuoteModel(
            id: q.id, version: q.version, heading: l.t("billing.quoteTitle"),
            status: l.t("quoteStatus.\(q.status.rawValue)"), statusCode: q.status.rawValue, facts: facts,
            lines: PricedLines.rows(q.priced.lines, names: names, l),
            charged: l.amount(q.chargedMinor, q.currency), free: l.amount(q.freeMinor, q.currency), note: q.note,
            canSend: !portal && canQuote && q.allowedEvents.contains(.send),
            canWithdraw: !portal && canQuote && q.allowedEvents.contains(.withdraw),
            canRecordAnswer: !portal && canQuote && canAnswer,
            channelOptions: SelectOption.of(
                AftercareDomain.Channel.self, prefix: "channel",
                selected: AftercareDomain.Channel(rawValue: typed["channel"] ?? "") ?? .phone, l),
            answerOptions: [QuoteEventKind.accept, .reject].map {
                SelectOption(
                    value: $0.rawValue, label: l.t("quoteEvent.\($0.rawValue)"), selected: typed["event"] == $0.rawValue
                )
            }, reason: typed["reason"] ?? "", errors: errors,
            back: portal ? "/portal/requests/\(q.requestId)" : "/quotes/\(q.id)",
            printLink: portal ? "/portal/quotes/\(q.id)/print" : "/quotes/\(q.id)/print",
            portalAnswer: portal && canAnswer ? "/portal/quotes/\(q.id)" : nil)
    }

    struct ReportModel: Encodable {
        struct Row: Encodable {
            var name: String
            var documents: String
            var billed: String
            var free: String
            var credited: String
            var collected: String
            var outstanding: String
        }

        var from: String
        var to: String
        var unitOptions: [SelectOption]
        var byUnit: [Row]
        var byLine: [Row]
        var byCause: [Row]
        var errors: [FieldMessage]
        var exportQuery: String
    }

    static func reportModel(
        _ report: FeeReport?, from: String, to: String, unitId: Int?, units: [OrgUnitRecord.View], _ l: Localizer,
        errors: [FieldMessage] = []
    ) -> ReportModel {
        func rows(_ rows: [FeeReport.Row], name: (FeeReport.Row) -> String) -> [ReportModel.Row] {
            rows.map { r in
                ReportModel.Row(
                    name: name(r), documents: l.number(r.documents), billed: l.amount(r.billedMinor, r.currency),
                    free: l.amount(r.freeMinor, r.currency), credited: l.amount(r.creditedMinor, r.currency),
                    collected: l.amount(r.collectedMinor, r.currency),
                    outstanding: l.amount(r.outstandingMinor, r.currency))
            }
        }
        return ReportModel(
            from: from, to: to,
            unitOptions: [SelectOption(value: "", label: l.t("requests.any"), selected: unitId == nil)]
                + units.map {
                    SelectOption(value: "\($0.id)", label: "\($0.code) · \($0.name)", selected: $0.id == unitId)
                },
            byUnit: rows(report?.byOrgUnit ?? []) { $0.name },
            byLine: rows(report?.byProductLine ?? []) { $0.name.isEmpty ? l.t("billing.noProductLine") : $0.name },
            byCause: rows(report?.byCause ?? []) { $0.key.isEmpty ? l.t("billing.noCause") : l.t("cause.\($0.key)") },
            errors: errors, exportQuery: PageLink.make("", [("from", from), ("to", to)]))
    }
}
