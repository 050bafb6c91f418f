import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import SQLKit
import Testing

/// A job that was done and reported: the fixture's unit damaged by the customer (so charged), an hour of a level-3
/// engineer at difficulty B and a 12 km trip, handed in; priced by the headquarters' schedule (120.00 an hour at
/// level 3 · B, 50.00 up to 20 km).
func reportedJob(_ store: Store) async throws -> (fixture: Fixture, requestId: Int) {
    let fixture = try await Fixture.make(store)
    _ = try await FeeSchedules(store).publish(
        FeeStoreTests.input(fixture.headquarters.id, from: "2026-01-01"), by: FeeStoreTests.actor)
    let li = try await engineer("li", level: 3, home: (31.2, 121.4), fixture, store)
    let visit = try await finishedVisit(fixture, store, by: li, start: hour(10))
    let engineerLi = signedIn(li.userId, "li", [.fieldEngineer])
    let reports = ServiceReports(at(store, hour(11.5)))
    let report = try await reports.open(visitId: visit.id, unitId: fixture.unit.id, by: engineerLi)
    var content = written(nil)
    content.cause = .manMadeDamage
    _ = try await reports.update(report.id, content: content, expectedVersion: nil, by: engineerLi)
    _ = try await reports.post(ReportEventInput(.submit), to: report.id, by: engineerLi)
    return (fixture, visit.requestId)
}

@Suite("Quotes, fee documents and payments in the store (R-6.2, R-6.3)")
struct BillingStoreTests {
    static let accounts = Actor(name: "accounts")

    @Test(
        "a reported job is billed once, paid in part, overpaid only when allowed, refunded, credited and reported",
        arguments: TestDatabase.all)
    func invoiceToPaid(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: a reported, chargeable job
            let (_, requestId) = try await reportedJob(store)
            let fees = FeeDocuments(at(store, hour(14)))
            // when: the invoice is issued from the report
            let invoice = try await fees.issue(for: requestId, by: Self.accounts)
            // then: numbered in the branch's sequence, every line charged and explained
            #expect(invoice.number == "INV-BR-EC-2026-000001")
            #expect(invoice.kind == .invoice)
            #expect(invoice.lines.map(\.kind) == [.labour, .travel])
            #expect(invoice.lines.allSatisfy { $0.charge == .charged })
            #expect(invoice.billedMinor == 12_000 + 5_000)
            #expect(invoice.standing == .unpaid)
            // and the request is not billed twice
            await #expect(throws: NotBillable.self) { try await fees.issue(for: requestId, by: Self.accounts) }
            // when: part is paid
            var paid = try await fees.pay(
                invoice.id, PaymentInput(method: .cash, amountMinor: 7_000), by: Self.accounts)
            #expect(paid.standing == .partiallyPaid)
            #expect(paid.balance.outstandingMinor == 10_000)
            // then: more than is due, another currency or nothing are refused, naming the field, writing nothing
            for (input, field) in [
                (PaymentInput(method: .card, amountMinor: 20_000), "amountMinor"),
                (PaymentInput(method: .card, amountMinor: 1_000, currency: .eur), "currency"),
                (PaymentInput(method: .card, amountMinor: 0), "amountMinor"),
                (PaymentInput(kind: .refund, method: .cash, amountMinor: 8_000), "amountMinor"),
            ] {
                let error = await #expect(throws: ValidationError.self) {
                    try await fees.pay(invoice.id, input, by: Self.accounts)
                }
                #expect(error?.fields[field] != nil, "\(field)")
            }
            #expect(try await fees.get(invoice.id).payments?.count == 1)
            // when: the rest and more is paid as an overpayment, then refunded
            paid = try await fees.pay(
                invoice.id,
                PaymentInput(method: .bankTransfer, amountMinor: 12_000, overpayment: true, reference: "HX1"),
                by: Self.accounts)
            #expect(paid.standing == .overpaid)
            #expect(paid.payments?.last?.overpayment == true)
            paid = try await fees.pay(
                invoice.id, PaymentInput(kind: .refund, method: .bankTransfer, amountMinor: 2_000), by: Self.accounts)
            #expect(paid.standing == .paid)
            #expect(paid.payments?.map(\.amountMinor) == [7_000, 12_000, -2_000])
            // when: a credit note corrects 10.00 of it
            let note = try await fees.credit(
                invoice.id, CreditNoteInput(amountMinor: 1_000, reason: "工时按 50 分钟计"), by: Self.accounts)
            #expect(note.number == "CN-BR-EC-2026-000001")
            #expect(note.creditsNumber == invoice.number)
            let credited = try await fees.get(invoice.id)
            #expect(credited.balance.creditedMinor == 1_000)
            #expect(credited.standing == .overpaid)
            #expect(credited.creditNotes?.map(\.number) == [note.number])
            // and a credit of more than is still billed is refused
            await #expect(throws: ValidationError.self) {
                try await fees.credit(invoice.id, CreditNoteInput(amountMinor: 20_000, reason: "x"), by: Self.accounts)
            }
            // then: the request's timeline and the audit trail show each step
            let steps = try await ServiceRequests(store).get(requestId).timeline?.map(\.event) ?? []
            #expect(steps.filter { $0 == "paymentRecorded" }.count == 3)
            #expect(steps.contains("feeDocumentIssued"))
            #expect(steps.contains("creditNoteIssued"))
            #expect(try await fees.audit(invoice.id, page: PageRequest()).items.count == 5)
            // and the fee report adds it up by unit and by cause
            let report = try await fees.report(
                from: CalendarDate(iso: "2026-11-01")!, to: CalendarDate(iso: "2026-11-30")!)
            let unit = try #require(report.byOrgUnit.first)
            #expect(report.byOrgUnit.count == 1)
            #expect(unit.billedMinor == 17_000)
            #expect(unit.creditedMinor == 1_000)
            #expect(unit.collectedMinor == 17_000)
            #expect(unit.outstandingMinor == -1_000)
            #expect(report.byCause.first { $0.key == "manMadeDamage" }?.billedMinor == 12_000)
            // and another month is empty
            #expect(
                try await fees.report(from: CalendarDate(iso: "2026-10-01")!, to: CalendarDate(iso: "2026-10-31")!)
                    .byOrgUnit.isEmpty)
        }
    }

    @Test("two payments that together exceed what is due: exactly one succeeds", arguments: TestDatabase.all)
    func concurrentPayments(database: TestDatabase) async throws {
        try await database.withStore { store in
            let (_, requestId) = try await reportedJob(store)
            let fees = FeeDocuments(at(store, hour(14)))
            let invoice = try await fees.issue(for: requestId, by: Self.accounts)
            // when: two cashiers record 100.00 each on a 170.00 invoice at the same time
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        do {
                            _ = try await fees.pay(
                                invoice.id, PaymentInput(method: .cash, amountMinor: 10_000), by: Self.accounts)
                            return true
                        } catch is ValidationError {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            // then
            #expect(outcomes.filter { $0 }.count == 1)
            let after = try await fees.get(invoice.id)
            #expect(after.balance.receivedMinor == 10_000)
            #expect(after.payments?.count == 1)
        }
    }

    @Test(
        "work that needs a quote waits for the customer's yes; a no is on the request's timeline",
        arguments: TestDatabase.all)
    func quoteGate(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: repairs need a quote; a repair of damage done by the customer is out of warranty
            let fixture = try await Fixture.make(store)
            _ = try await FeeSchedules(store).publish(
                FeeStoreTests.input(fixture.headquarters.id, from: "2026-01-01"), by: FeeStoreTests.actor)
            let quotes = Quotes(at(store, monday9))
            _ = try await quotes.setRule(QuoteRule(type: .repair, quoteRequired: true), by: tester)
            let requests = ServiceRequests(at(store, monday9))
            let request = try await requests.register(repair(fixture), by: tester)
            _ = try await requests.post(.init(event: .triage, faultCause: .manMadeDamage), to: request.id, by: tester)
            let li = try await engineer("li", level: 3, home: (31.2, 121.4), fixture, store)
            let visit = try await Visits(at(store, monday9)).create(
                VisitInput(purpose: .repair, latitude: 31.23, longitude: 121.47), requestId: request.id, by: tester)
            _ = try await Visits(at(store, monday9)).post(
                .init(event: .schedule, engineerId: li.id, windowStart: hour(10), windowEnd: hour(12)), to: visit.id,
                by: tester)
            // then: the engineer cannot set out, and the request cannot start, without a quote
            await #expect(throws: QuoteNeeded.self) {
                try await Visits(at(store, hour(10))).post(.init(event: .depart), to: visit.id, by: tester)
            }
            await #expect(throws: QuoteNeeded.self) {
                try await requests.post(.init(event: .startService), to: request.id, by: tester)
            }
            // when: a quote is priced and sent; a draft is not shown to the customer
            let job = PricingRequest(
                orgUnitId: nil, labour: [LabourWork(unitId: nil, level: 3, difficulty: .b, minutes: 90)])
            let draft = try await quotes.draft(for: request.id, QuoteInput(pricing: job, validDays: 7), by: tester)
            #expect(draft.status == .draft)
            #expect(draft.chargedMinor == 18_000)
            let customerStore = at(store, monday9).seen(within: .customer(id: fixture.customer.id))
            #expect(try await Quotes(customerStore).of(request: request.id).isEmpty)
            let sent = try await quotes.post(QuoteEventInput(event: .send), to: draft.id, by: tester)
            #expect(sent.validUntil == CalendarDate(monday9, in: store.timeZone).adding(days: 7))
            await #expect(throws: QuoteNeeded.self) {
                try await Visits(at(store, hour(10))).post(.init(event: .depart), to: visit.id, by: tester)
            }
            // then: the customer may only answer, and says no with a reason
            await #expect(throws: ValidationError.self) {
                try await Quotes(customerStore).post(
                    QuoteEventInput(event: .withdraw, reason: "x"), to: sent.id, by: tester)
            }
            await #expect(throws: ValidationError.self) {
                try await Quotes(customerStore).post(QuoteEventInput(event: .reject), to: sent.id, by: tester)
            }
            let rejected = try await Quotes(customerStore).post(
                QuoteEventInput(event: .reject, reason: "价格太高"), to: sent.id, by: Actor(name: "customer"))
            #expect(rejected.status == .rejected)
            #expect(rejected.answerChannel == .portal)
            let timeline = try await requests.get(request.id).timeline ?? []
            #expect(timeline.contains { $0.event == "quoteRejected" && $0.note == "价格太高" })
            // and an answered quote takes no further answer
            await #expect(throws: QuoteStepNotAllowed.self) {
                try await quotes.post(QuoteEventInput(event: .accept, channel: .phone), to: sent.id, by: tester)
            }
            // when: a second quote is accepted on the phone
            let second = try await quotes.draft(for: request.id, QuoteInput(pricing: job), by: tester)
            _ = try await quotes.post(QuoteEventInput(event: .send), to: second.id, by: tester)
            let accepted = try await quotes.post(
                QuoteEventInput(event: .accept, channel: .phone), to: second.id, by: tester)
            #expect(accepted.answerChannel == .phone)
            // then: the engineer sets out
            let departed = try await Visits(at(store, hour(10))).post(.init(event: .depart), to: visit.id, by: tester)
            #expect(departed.visit.status == .enRoute)
            // and with no report, the request is billed from the accepted quote
            let invoice = try await FeeDocuments(at(store, hour(12))).issue(for: request.id, by: tester)
            #expect(invoice.quoteId == second.id)
            #expect(invoice.billedMinor == 18_000)
            #expect(invoice.lines == accepted.priced.lines)
            // when: a quote is drafted and withdrawn before it is sent, then one is sent and replaced by another
            let unsent = try await quotes.draft(for: request.id, QuoteInput(pricing: job), by: tester)
            _ = try await quotes.post(QuoteEventInput(event: .withdraw, reason: "价格有误"), to: unsent.id, by: tester)
            let third = try await quotes.draft(for: request.id, QuoteInput(pricing: job), by: tester)
            _ = try await quotes.post(QuoteEventInput(event: .send), to: third.id, by: tester)
            let fourth = try await quotes.draft(for: request.id, QuoteInput(pricing: job), by: tester)
            // then: the customer never saw the unsent one, and the sent one is withdrawn in favour of the new one
            let seen = try await Quotes(customerStore).of(request: request.id).map(\.id)
            #expect(!seen.contains(unsent.id) && seen.contains(third.id) && !seen.contains(fourth.id))
            #expect(try await quotes.get(third.id).status == .withdrawn)
            // and a job naming a unit of no request of this customer is refused
            let stranger = PricingRequest(orgUnitId: nil, units: [.init(unitId: 999_999, cause: .misuse)])
            await #expect(throws: ValidationError.self) {
                try await quotes.draft(for: request.id, QuoteInput(pricing: stranger), by: tester)
            }
        }
    }
}
