import AftercareDomain
import Foundation
import Testing

@Suite("Fee documents, payments and quotes as values (R-6.2, R-6.3)")
struct FeeDocumentTests {
    @Test(
        "numbers print and parse per kind, unit and year; anything else is not a number",
        arguments: [
            ("INV-BR-EC-2026-000017", FeeDocumentNumber(kind: .invoice, unitCode: "BR-EC", year: 2026, sequence: 17)),
            ("CN-HQ-2027-000002", FeeDocumentNumber(kind: .creditNote, unitCode: "HQ", year: 2027, sequence: 2)),
            ("INV-BR-EC-2026-17", nil), ("XX-BR-EC-2026-000017", nil), ("INV-2026-000017", nil),
            ("INV-BR-EC-2026-000000", nil), ("INV--2026-000001", nil),
        ] as [(String, FeeDocumentNumber?)])
    func numbers(text: String, number: FeeDocumentNumber?) {
        #expect(FeeDocumentNumber(text) == number)
        if let number { #expect(number.description == text) }
    }

    @Test(
        "a document's standing is what its sums say",
        arguments: [
            (FeeBalance(billedMinor: 0), FeeDocumentStanding.free),
            (FeeBalance(billedMinor: 10_000), .unpaid),
            (FeeBalance(billedMinor: 10_000, receivedMinor: 4_000), .partiallyPaid),
            (FeeBalance(billedMinor: 10_000, receivedMinor: 10_000), .paid),
            (FeeBalance(billedMinor: 10_000, receivedMinor: 12_000), .overpaid),
            (FeeBalance(billedMinor: 10_000, creditedMinor: 10_000), .cancelled),
            (FeeBalance(billedMinor: 10_000, creditedMinor: 4_000, receivedMinor: 6_000), .paid),
            (FeeBalance(billedMinor: 10_000, creditedMinor: 10_000, receivedMinor: 2_000), .overpaid),
            (FeeBalance(billedMinor: 0, receivedMinor: 500), .overpaid),
        ])
    func standing(balance: FeeBalance, standing: FeeDocumentStanding) {
        #expect(balance.standing == standing)
    }

    @Test("a payment is positive, in the document's currency, and at most what is outstanding unless overpaid")
    func payments() {
        let balance = FeeBalance(billedMinor: 10_000, receivedMinor: 4_000)
        func problems(
            _ amount: Int, kind: PaymentEntryKind = .payment, currency: Currency = .cny,
            document: FeeDocumentKind = .invoice, balance: FeeBalance = balance, overpayment: Bool = false
        ) -> [String: FieldProblem] {
            PaymentRules.problems(
                kind: kind, amountMinor: amount, currency: currency, documentKind: document, documentCurrency: .cny,
                balance: balance, overpayment: overpayment)
        }
        #expect(problems(6_000).isEmpty)
        #expect(problems(6_001) == ["amount": .outOfRange(min: 1, max: 6_000)])
        #expect(problems(6_001, overpayment: true).isEmpty)
        #expect(
            problems(100, balance: FeeBalance(billedMinor: 0), overpayment: true) == [
                "amount": .outOfRange(min: 1, max: 0)
            ])
        #expect(problems(0) == ["amount": .outOfRange(min: 1, max: PaymentRules.maximumMinor)])
        #expect(problems(-5) == ["amount": .outOfRange(min: 1, max: PaymentRules.maximumMinor)])
        #expect(problems(100, currency: .eur) == ["currency": .invalidValue(allowed: ["CNY"])])
        #expect(problems(100, document: .creditNote) == ["document": .invalidValue(allowed: ["invoice"])])
        #expect(
            problems(100, balance: FeeBalance(billedMinor: 10_000, creditedMinor: 10_000))
                == ["document": .archived, "amount": .outOfRange(min: 1, max: 0)])
        #expect(problems(4_000, kind: .refund).isEmpty)
        #expect(problems(4_001, kind: .refund) == ["amount": .outOfRange(min: 1, max: 4_000)])
    }

    @Test("a credit note takes back at most what is still billed")
    func credits() {
        let balance = FeeBalance(billedMinor: 10_000, creditedMinor: 3_000)
        #expect(PaymentRules.creditProblems(amountMinor: 7_000, balance: balance).isEmpty)
        #expect(
            PaymentRules.creditProblems(amountMinor: 7_001, balance: balance) == [
                "amount": .outOfRange(min: 1, max: 7_000)
            ])
        #expect(
            PaymentRules.creditProblems(amountMinor: 0, balance: balance) == ["amount": .outOfRange(min: 1, max: 7_000)]
        )
    }

    @Test(
        "every quote event in every status: applied with its effects exactly when allowed",
        arguments: QuoteStatus.allCases)
    func quoteTable(status: QuoteStatus) throws {
        let expected: [QuoteStatus: [QuoteEventKind: (QuoteStatus, [QuoteEffect])]] = [
            .draft: [.send: (.sent, [.freeze]), .withdraw: (.withdrawn, [])],
            .sent: [
                .accept: (.accepted, [.releaseWork]), .reject: (.rejected, [.documentOutcome]),
                .withdraw: (.withdrawn, []), .expire: (.expired, []),
            ],
        ]
        for kind in QuoteEventKind.allCases {
            var quote = QuoteLifecycle(status: status)
            let event = QuoteEvent(kind, reason: "价格太高", channel: .phone)
            if let (target, effects) = expected[status]?[kind] {
                #expect(try quote.apply(event, at: Date()) == effects)
                #expect(quote.status == target)
            } else {
                #expect(throws: EventNotAllowed<QuoteStatus, QuoteEventKind>.self) {
                    try quote.apply(event, at: Date())
                }
                #expect(quote.status == status)
            }
        }
    }

    @Test("a refusal and a withdrawal say why")
    func reasons() {
        var quote = QuoteLifecycle(status: .sent)
        #expect(throws: QuoteError.reasonRequired(event: .reject)) { try quote.apply(QuoteEvent(.reject), at: Date()) }
        #expect(quote.status == .sent)
    }

    @Test("work waits for an accepted quote only when the type asks for one and something is charged")
    func gate() {
        #expect(QuoteGate.required(charges: [.free, .charged], typeNeedsQuote: true))
        #expect(QuoteGate.required(charges: [.pending], typeNeedsQuote: true))
        #expect(!QuoteGate.required(charges: [.free, .free], typeNeedsQuote: true))
        #expect(!QuoteGate.required(charges: [.charged], typeNeedsQuote: false))
        #expect(QuoteGate.mayStart(required: false, latest: nil))
        #expect(!QuoteGate.mayStart(required: true, latest: .sent))
        #expect(QuoteGate.mayStart(required: true, latest: .accepted))
    }
}
