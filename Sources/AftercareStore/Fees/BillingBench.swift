import AftercareDomain
import Foundation
import SQLKit

/// `aftercare bench billing [--entries N]`: issuing a fee document and recording its payment (issue 15: ≥ 200 per
/// second on SQLite), through `FeeDocuments` as the pages and the API call it, on the configured database. Run it on a
/// fresh one after `aftercare demo --requests 1000` (customers, units and published fee schedules).
///
/// `N` new requests are registered for the demo's customers (not timed); each is then billed for an hour's labour
/// and a trip on its unit (damage done by the customer, so charged) and paid in full. For half of them every invoice
/// is issued one after the other, then every payment recorded; the rest are issued and paid by 8 concurrent clients.
/// Each step's latency is kept for p50/p99.
public enum BillingBench {
    public struct Unprepared: Error, CustomStringConvertible {
        public var description: String {
            "no customer with a unit under a published fee schedule: run `aftercare demo --requests 1000` first"
        }
    }

    public static func run(store: Store, jobs: Int, report: (String) -> Void) async throws {
        let db = store.sql
        let actor = Actor(name: "bench")
        // Customers with a unit, in units whose fee schedule applies today (the demo's).
        let pairs = try await db.raw(
            """
            SELECT c.id AS customer, MIN(u.id) AS unit FROM customers c JOIN units u ON u.customer_id = c.id \
            WHERE c.archived_at IS NULL GROUP BY c.id ORDER BY c.id LIMIT 200
            """
        ).all().map { (try $0.decode(column: "customer", as: Int.self), try $0.decode(column: "unit", as: Int.self)) }
        var usable: [(customer: Int, unit: Int)] = []
        let fees = FeeSchedules(store)
        for (customer, unit) in pairs {
            let probe = PricingRequest(
                orgUnitId: nil, units: [.init(unitId: unit, cause: .manMadeDamage)],
                labour: [LabourWork(unitId: unit, level: 3, difficulty: .b, minutes: 60)])
            if (try? await fees.price(probe)) != nil { usable.append((customer, unit)) }
        }
        guard !usable.isEmpty else { throw Unprepared() }
        var clock = ContinuousClock.now
        let requests = ServiceRequests(store)
        var made: [(request: Int, unit: Int)] = []
        for i in 0..<jobs {
            let pair = usable[i % usable.count]
            let request = try await requests.register(
                ServiceRequestInput(
                    customerId: pair.customer, contactName: "测试", unitIds: [pair.unit], channel: .phone,
                    type: .repair, faultDescription: "计费基准测试 \(i)"), by: actor)
            made.append((request.id, pair.unit))
        }
        report("setup: \(made.count) requests for \(usable.count) customers in \(seconds(since: clock)) s")

        let documents = FeeDocuments(store)
        @Sendable func issue(_ job: (request: Int, unit: Int)) async throws -> (FeeDocumentView, Double) {
            let started = ContinuousClock.now
            let pricing = PricingRequest(
                orgUnitId: nil, units: [.init(unitId: job.unit, cause: .manMadeDamage)],
                labour: [LabourWork(unitId: job.unit, level: 3, difficulty: .b, minutes: 60)],
                travel: [TravelWork(meters: 15_000)])
            let invoice = try await documents.issue(for: job.request, pricing: pricing, by: actor)
            return (invoice, seconds(since: started))
        }
        @Sendable func pay(_ invoice: FeeDocumentView) async throws -> Double {
            let started = ContinuousClock.now
            _ = try await documents.pay(
                invoice.id, PaymentInput(method: .bankTransfer, amountMinor: invoice.billedMinor, reference: "BENCH"),
                by: actor)
            return seconds(since: started)
        }
        // Half of the jobs one after the other: first every invoice, then every payment.
        let half = made.count / 2
        var invoices: [FeeDocumentView] = []
        var times: [Double] = []
        clock = .now
        for job in made[..<half] {
            let (invoice, time) = try await issue(job)
            invoices.append(invoice)
            times.append(time)
        }
        report(line("issuing, sequential", count: half, rate: Double(half) / seconds(since: clock), latencies: times))
        times = []
        clock = .now
        for invoice in invoices { times.append(try await pay(invoice)) }
        report(line("paying, sequential", count: half, rate: Double(half) / seconds(since: clock), latencies: times))
        // The rest from 8 clients, each issuing and paying its jobs.
        let rest = Array(made[half...])
        clock = .now
        let concurrent = try await withThrowingTaskGroup(of: [Double].self) { group in
            for client in 0..<8 {
                group.addTask {
                    var times: [Double] = []
                    for index in stride(from: client, to: rest.count, by: 8) {
                        let (invoice, issued) = try await issue(rest[index])
                        times.append(issued + (try await pay(invoice)))
                    }
                    return times
                }
            }
            return try await group.reduce(into: [Double]()) { $0 += $1 }
        }
        report(
            line(
                "issuing and paying, 8 clients", count: rest.count, rate: Double(rest.count) / seconds(since: clock),
                latencies: concurrent))
    }

    static func line(_ name: String, count: Int, rate: Double, latencies: [Double]) -> String {
        let sorted = latencies.sorted()
        func at(_ share: Double) -> Double {
            sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * share))] * 1000
        }
        return String(
            format: "%@: %d in %.2f s = %.0f documents/s (p50 %.1f ms, p99 %.1f ms)", name, count,
            Double(count) / rate, rate, at(0.5), at(0.99))
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
