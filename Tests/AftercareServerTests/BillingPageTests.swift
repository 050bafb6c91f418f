import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import AftercareServer

/// the pages of quotes, fee documents and payments: the accounts staff's worklist and payment form, the
/// printed receipt, the customer's quotes and receipts in the portal, the request page's fees.
@Suite("Pages: quotes, fee documents and payments")
struct BillingPageTests {
    struct Setup {
        var fixture: Fixture
        var requestId: Int
        var invoice: FeeDocumentView
        var quote: QuoteView
        var cashier: Browser
        var agent: Browser
        var customer: Browser
        var otherCustomer: Browser
    }

    /// A repair of the fixture's unit damaged by the customer (charged), billed 170.00 for an hour of level-3 labour
    /// and a 12 km trip, and a quote of 180.00 sent for the next job.
    static func setup(_ app: Application) async throws -> Setup {
        let store = app.store
        let fixture = try await Fixture.make(store)
        let branch = fixture.branch.id
        _ = try await FeeSchedules(store).publish(
            .init(
                orgUnitId: fixture.headquarters.id, validFrom: CalendarDate(iso: "2026-01-01")!,
                labour: [LabourRate(level: 3, difficulty: .b, basis: .perHour, amountMinor: 12_000)],
                travel: [TravelBand(upToKm: 20, amountMinor: 5_000), TravelBand(upToKm: nil, amountMinor: 15_000)]),
            by: .system)
        try await makeUser(app, "cashier", roles: [.accountant], unit: branch, displayName: "周雅琴")
        try await makeUser(app, "desk", roles: [.hotlineAgent], unit: branch)
        try await makeUser(app, "renji", roles: [.customer], unit: branch, customer: fixture.customer.id)
        let other = try await Records<CustomerRecord>(store).create(
            .init(orgUnitId: branch, name: "其他客户", kind: .company), by: .system)
        try await makeUser(app, "other", roles: [.customer], unit: branch, customer: other.id)
        let request = try await ServiceRequests(store).register(
            ServiceRequestInput(
                customerId: fixture.customer.id, contactName: "王先生", contactPhone: "13800138000",
                unitIds: [fixture.unit.id], channel: .phone, type: .repair, faultDescription: "外壳被叉车撞裂"),
            by: .system)
        _ = try await ServiceRequests(store).post(
            .init(event: .triage, faultCause: .manMadeDamage), to: request.id, by: .system)
        let unit = fixture.unit.id
        let invoice = try await FeeDocuments(store).issue(
            for: request.id,
            pricing: PricingRequest(
                orgUnitId: nil, units: [.init(unitId: unit, cause: .manMadeDamage)],
                labour: [LabourWork(unitId: unit, level: 3, difficulty: .b, minutes: 60)],
                travel: [TravelWork(meters: 12_000)]), by: .system)
        let draft = try await Quotes(store).draft(
            for: request.id,
            QuoteInput(
                pricing: PricingRequest(
                    orgUnitId: nil, labour: [LabourWork(unitId: nil, level: 3, difficulty: .b, minutes: 90)]),
                note: "更换外壳，工时 1.5 小时"), by: .system)
        let quote = try await Quotes(store).post(QuoteEventInput(event: .send), to: draft.id, by: .system)
        return Setup(
            fixture: fixture, requestId: request.id, invoice: invoice, quote: quote,
            cashier: try await Browser.signIn(app, "cashier"), agent: try await Browser.signIn(app, "desk"),
            customer: try await Browser.signIn(app, "renji"), otherCustomer: try await Browser.signIn(app, "other"))
    }

    @Test(
        "accounts record a payment: a refused amount keeps what was typed; the receipt prints in the chosen language")
    func payment() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Self.setup(app)
            let id = setup.invoice.id
            let list = try await setup.cashier.get("/billing?outstanding=1")
            #expect(list.status == .ok)
            #expect(list.body.string.contains(setup.invoice.number) && list.body.string.contains("未付款"))
            // when: an amount that is not one, then more than is due
            let typo = try await setup.cashier.post(
                "/billing/\(id)/payments",
                [("kind", "payment"), ("method", "cash"), ("amount", "1七0"), ("reference", "HX-<1>")])
            // then: the page stays, names the field, keeps and escapes what was typed, and nothing is written
            #expect(typo.status == .unprocessableEntity)
            #expect(typo.body.string.contains("data-field=\"amountMinor\"") && typo.body.string.contains("金额"))
            #expect(typo.body.string.contains("HX-&lt;1&gt;"))
            let over = try await setup.cashier.post(
                "/billing/\(id)/payments", [("kind", "payment"), ("method", "cash"), ("amount", "9999")])
            #expect(over.status == .unprocessableEntity)
            #expect(try await FeeDocuments(app.store).get(id).payments?.isEmpty == true)
            // when: the amount due, by bank transfer
            let paid = try await setup.cashier.post(
                "/billing/\(id)/payments",
                [("kind", "payment"), ("method", "bankTransfer"), ("amount", "170.00"), ("reference", "HX-20261207")])
            #expect(paid.status == .seeOther)
            #expect(try await FeeDocuments(app.store).get(id).standing == .paid)
            // then: the receipt prints in English on asking, with the payment
            let print = try await setup.cashier.get("/billing/\(id)/print?lang=en").body.string
            #expect(print.contains("Invoice and receipt") && print.contains("Bank transfer"))
            #expect(print.contains("HX-20261207") && print.contains("¥170.00"))
            // and the desk may read documents but not record money
            let refused = try await setup.agent.post(
                "/billing/\(id)/payments", [("method", "cash"), ("amount", "1")])
            #expect(refused.status == .forbidden)
            // and the exports and the report carry it
            let csv = try await setup.cashier.get("/billing/export/documents.csv").body.string
            #expect(csv.contains(setup.invoice.number) && csv.contains(",paid"))
            let payments = try await setup.cashier.get("/billing/export/payments.csv").body.string
            #expect(payments.contains("HX-20261207") && payments.contains("170.00"))
            let today = CalendarDate(app.store.now, in: app.store.timeZone)
            let report = try await setup.cashier.get(
                "/billing/report?from=\(today.adding(days: -1))&to=\(today.adding(days: 1))"
            ).body.string
            #expect(report.contains("¥170.00") && report.contains("人为损坏"))
            // and a period that ends before it begins is refused on the page
            let backwards = try await setup.cashier.get("/billing/report?from=2026-12-01&to=2026-11-01")
            #expect(backwards.status == .unprocessableEntity && backwards.body.string.contains("data-field=\"to\""))
        }
    }

    @Test("the customer answers the quote in the portal and prints the receipt without the accounts' notes")
    func portal() async throws {
        try await withTestApp(.sqlite) { app in
            // given: a part payment with an internal note
            let setup = try await Self.setup(app)
            _ = try await FeeDocuments(app.store).pay(
                setup.invoice.id, PaymentInput(method: .cash, amountMinor: 5_000, note: "内部：余款月底结清"),
                by: .system)
            // when: the customer opens the request
            let page = try await setup.customer.get("/portal/requests/\(setup.requestId)").body.string
            // then: the quote waits for an answer and the document is there to print
            #expect(page.contains("待客户答复") && page.contains("quote-accept"))
            #expect(page.contains(setup.invoice.number) && page.contains("部分付款"))
            let receipt = try await setup.customer.get("/portal/billing/\(setup.invoice.id)/print")
            #expect(receipt.status == .ok && receipt.body.string.contains("¥50.00"))
            #expect(!receipt.body.string.contains("余款月底结清"))
            // and another customer finds neither
            #expect(try await setup.otherCustomer.get("/portal/billing/\(setup.invoice.id)/print").status == .notFound)
            #expect(try await setup.otherCustomer.get("/portal/quotes/\(setup.quote.id)/print").status == .notFound)
            let stranger = try await setup.otherCustomer.post(
                "/portal/quotes/\(setup.quote.id)", [("event", "accept")])
            #expect(stranger.status == .notFound)
            // when: a no without a reason, then a yes
            let bare = try await setup.customer.post("/portal/quotes/\(setup.quote.id)", [("event", "reject")])
            #expect(bare.status == .unprocessableEntity && bare.body.string.contains("原因"))
            let yes = try await setup.customer.post("/portal/quotes/\(setup.quote.id)", [("event", "accept")])
            #expect(yes.status == .seeOther)
            let answered = try await Quotes(app.store).get(setup.quote.id)
            #expect(answered.status == .accepted && answered.answerChannel == .portal)
        }
    }

    @Test("the request page offers a quote and the invoice; nothing to bill stays on the request with the reason")
    func requestPage() async throws {
        try await withTestApp(.sqlite) { app in
            // given: a second request with no work reported and no quote
            let setup = try await Self.setup(app)
            let fresh = try await ServiceRequests(app.store).register(
                ServiceRequestInput(
                    customerId: setup.fixture.customer.id, contactName: "王先生", unitIds: [setup.fixture.unit.id],
                    channel: .phone, type: .repair, faultDescription: "面板按键失灵"), by: .system)
            let page = try await setup.agent.get("/requests/\(fresh.id)").body.string
            #expect(page.contains("id=\"price-quote\"") && page.contains("id=\"issue-document\""))
            // when: the invoice is asked for
            let refused = try await setup.agent.post("/requests/\(fresh.id)/fee-documents")
            // then
            #expect(refused.status == .conflict)
            #expect(refused.body.string.contains("暂无可收费内容"))
            // when: a quote is priced in the calculator and saved for the request
            let query = "request=\(fresh.id)&price=1&units.0.serial=SN-0001&units.0.cause=misuse&labour.0.minutes=60"
            let calculator = try await setup.agent.get("/fees/price?\(query)").body.string
            #expect(calculator.contains("id=\"save-quote\"") && calculator.contains(fresh.number))
            let saved = try await setup.agent.post("/requests/\(fresh.id)/quotes?\(query)", [("validDays", "5")])
            #expect(saved.status == .seeOther)
            let location = try #require(saved.headers.first(name: .location))
            let quoteId = try #require(Int(location.replacingOccurrences(of: "/quotes/", with: "")))
            let draft = try await Quotes(app.store).get(quoteId)
            #expect(draft.status == .draft && draft.chargedMinor == 12_000)
            // and sent from its page
            let sent = try await setup.agent.post(
                "/quotes/\(quoteId)/events", [("event", "send"), ("version", "\(draft.version)")])
            #expect(sent.status == .seeOther)
            #expect(try await Quotes(app.store).get(quoteId).status == .sent)
            // and a stale version is refused on the page
            let stale = try await setup.agent.post(
                "/quotes/\(quoteId)/events",
                [("event", "accept"), ("channel", "phone"), ("version", "\(draft.version)")])
            #expect(stale.status == .conflict)
        }
    }

    @Test("the fee manager sets which request types wait for a quote; the desk sees the rule and the waiting quotes")
    func rules() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Self.setup(app)
            try await makeUser(app, "boss", roles: [.serviceManager], unit: setup.fixture.branch.id)
            let boss = try await Browser.signIn(app, "boss")
            // when: repairs and training are ticked
            let saved = try await boss.post(
                "/billing/quote-rules", [("quoteRequired", "repair"), ("quoteRequired", "training")])
            // then
            #expect(saved.status == .seeOther)
            let rules = try await Quotes(app.store).rules().filter(\.quoteRequired).map(\.type)
            #expect(Set(rules) == [.repair, .training])
            // and a type that does not exist is refused, changing nothing
            let wrong = try await boss.post("/billing/quote-rules", [("quoteRequired", "teleport")])
            #expect(wrong.status == .unprocessableEntity)
            #expect(
                Set(try await Quotes(app.store).rules().filter(\.quoteRequired).map(\.type)) == [.repair, .training])
            // and the desk reads the rule and the quote waiting, without the form
            let page = try await setup.agent.get("/billing").body.string
            #expect(page.contains("waiting-quote") && !page.contains("quote-rules-form"))
            #expect(
                try await setup.agent.post("/billing/quote-rules", [("quoteRequired", "repair")]).status == .forbidden)
        }
    }
}
