import AftercareDomain
import Foundation
import SQLKit

/// R-6.2–R-6.3: the demo's fees in the East China branch: the invoices of the jobs whose service reports were handed
/// in (free ones for quality defects, charged ones for misuse and damage), paid in full, in part or not yet; a quote
/// waiting for the customer's answer and one accepted; value-added services and training need an accepted quote.
/// Written through the same use cases as the pages, by the branch's accounts staff. Runs once.
public enum DemoBilling {
    public static func load(into store: Store) async throws {
        let db = store.sql
        guard try await db.raw("SELECT id FROM fee_documents").first() == nil,
            try await db.raw("SELECT id FROM quotes").first() == nil,
            let branch = try await db.raw("SELECT path FROM org_units WHERE code = 'BR-EC'").first(
                decodingColumn: "path", as: String.self)
        else { return }
        let finance = Actor(name: "finance")
        let quotes = Quotes(store)
        for type in [RequestType.valueAdded, .training] {
            _ = try await quotes.setRule(QuoteRule(type: type, quoteRequired: true), by: Actor(name: "manager"))
        }
        // The invoices of the reported jobs, issued the day after the report and paid over the following days.
        let reported = try await db.raw(
            """
            SELECT r.request_id, MAX(r.finished_at) AS finished FROM service_reports r \
            WHERE r.status <> \(bind: ServiceReportStatus.draft.rawValue) GROUP BY r.request_id ORDER BY r.request_id
            """
        ).all()
        // Billable invoices in turn: unpaid, paid, part paid (the first is unpaid, however few jobs were reported).
        var billed = 0
        for row in reported {
            let request = try row.decode(column: "request_id", as: Int.self)
            let finished = try row.decode(column: "finished", as: Date?.self) ?? store.now.addingTimeInterval(-86_400)
            let issuedAt = min(finished.addingTimeInterval(20 * 3600), store.now.addingTimeInterval(-3600))
            guard
                let invoice = try? await FeeDocuments(store.withClock { issuedAt }).issue(for: request, by: finance),
                invoice.billedMinor > 0
            else { continue }
            let index = billed
            billed += 1
            let paidAt = min(issuedAt.addingTimeInterval(Double(1 + index % 3) * 86_400), store.now)
            let money = FeeDocuments(store.withClock { paidAt })
            switch index % 3 {
            case 1:
                _ = try await money.pay(
                    invoice.id,
                    PaymentInput(
                        method: .bankTransfer, amountMinor: invoice.billedMinor,
                        reference: "HX" + String(format: "%08d", 20_261_000 + invoice.id)), by: finance)
            case 2:
                _ = try await money.pay(
                    invoice.id, PaymentInput(method: .cash, amountMinor: invoice.billedMinor / 2), by: finance)
            default:
                break
            }
        }
        // Quotes for open out-of-warranty jobs: one waiting for the customer, one accepted on the phone.
        let open = try await db.raw(
            """
            SELECT sr.id, sr.status FROM service_requests sr JOIN service_request_units sru ON sru.request_id = sr.id \
            WHERE sr.status IN ('triaged', 'inService') AND sru.warranty_status <> 'inWarranty' \
            AND sr.org_unit_id IN (SELECT id FROM org_units WHERE path LIKE \(bind: branch + "%")) \
            GROUP BY sr.id, sr.status ORDER BY CASE sr.status WHEN 'triaged' THEN 0 ELSE 1 END, sr.id DESC LIMIT 2
            """
        ).all().map { try $0.decode(column: "id", as: Int.self) }
        for (index, request) in open.enumerated() {
            let job = PricingRequest(
                orgUnitId: nil, labour: [LabourWork(unitId: nil, level: 3, difficulty: .b, minutes: 120)],
                travel: [TravelWork(meters: 26_000)])
            let quote = try await quotes.draft(
                for: request,
                QuoteInput(pricing: job, validDays: 10, note: "上门维修报价：含工时及差旅费，配件以实际更换为准。"),
                by: Actor(name: "agent"))
            _ = try await quotes.post(QuoteEventInput(event: .send), to: quote.id, by: Actor(name: "agent"))
            if index == 1 {
                _ = try await quotes.post(
                    QuoteEventInput(event: .accept, channel: .phone), to: quote.id, by: Actor(name: "agent"))
            }
        }
    }
}
