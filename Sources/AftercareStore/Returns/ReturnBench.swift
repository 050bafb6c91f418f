import AftercareDomain
import Foundation
import SQLKit

/// `aftercare bench returns [--entries N]`: the depot board's first page and the nonconformity table for a year
/// (issue 16: p95 ≤ 50 ms at 8 clients on SQLite with 100,000 cases and 1,000,000 requests), through `ReturnCases`
/// and `Nonconformities` as the pages call them, read by the headquarters' depot (its organisation scope). Run it on a
/// demo database (`aftercare demo --requests 1000000`).
///
/// Setup (not timed): `N` return cases are written in bulk for the first requests with units: one in fifty open (2,000
/// of 100,000: a depot receiving 80 units a working day with a 5-day turnaround has 400 to 800 open), in every status,
/// the rest closed; each case's units; a nonconformity for seven cases in ten, all found over the last year (the
/// worst case for the table: a whole history in one year). Then 8 clients each read the board and the table by model, cause,
/// responsibility, disposition and month for the last 365 days; every read's latency is kept.
public enum ReturnBench {
    public struct Unprepared: Error, CustomStringConvertible {
        public var description: String { "no request with units and no headquarters: run `aftercare demo` first" }
    }

    public static func run(store: Store, cases: Int, rounds: Int = 40, report: (String) -> Void) async throws {
        let db = store.sql
        guard
            let hq = try await db.raw("SELECT id, path FROM org_units WHERE code = 'HQ'").first(),
            try await db.raw("SELECT request_id FROM service_request_units LIMIT 1").first() != nil
        else { throw Unprepared() }
        let hqId = try hq.decode(column: "id", as: Int.self)
        let hqPath = try hq.decode(column: "path", as: String.self)
        var clock = ContinuousClock.now
        let open = ReturnStatus.allCases.filter(\.isOpen)
        let now = store.now
        let today = CalendarDate(now, in: store.timeZone)
        let existing =
            try await db.raw("SELECT COUNT(*) AS n FROM return_cases").first(decodingColumn: "n", as: Int.self) ?? 0
        if existing < cases {
            try await store.write { db in
                // Case i: closed when i % 50 != 0; otherwise one of the open statuses in turn.
                let status =
                    "CASE WHEN sr.id % 50 <> 0 THEN 'closed' ELSE CASE (sr.id / 50) % \(open.count) "
                    + open.enumerated().map { "WHEN \($0.offset) THEN '\($0.element.rawValue)'" }.joined(separator: " ")
                    + " END END"
                try await db.raw(
                    """
                    INSERT INTO return_cases (number, request_id, org_unit_id, depot_unit_id, customer_id, status, \
                    wish, reason, shipping, currency, created_by, version, created_at, updated_at) \
                    SELECT 'RMA-B-' || sr.id, sr.id, sr.org_unit_id, \(bind: hqId), sr.customer_id, \
                    \(unsafeRaw: status), 'repair', sr.fault_description, 'customerSends', 'CNY', 'bench', 1, \
                    sr.created_at, sr.created_at FROM service_requests sr \
                    WHERE sr.id IN (SELECT request_id FROM service_request_units) \
                    AND sr.id NOT IN (SELECT request_id FROM return_cases) \
                    ORDER BY sr.id LIMIT \(unsafeRaw: String(cases - existing))
                    """
                ).run()
                try await db.raw(
                    """
                    INSERT INTO return_case_units (case_id, unit_id, model_id, serial_number) \
                    SELECT rc.id, sru.unit_id, sru.model_id, u.serial_number FROM return_cases rc \
                    JOIN service_request_units sru ON sru.request_id = rc.request_id JOIN units u ON u.id = sru.unit_id \
                    WHERE rc.created_by = 'bench' AND rc.id NOT IN (SELECT case_id FROM return_case_units)
                    """
                ).run()
                let responsibilities = Responsibility.allCases.filter { $0 != .noFaultFound }
                let dispositions = Disposition.allCases
                let responsibility =
                    "CASE rc.id % \(responsibilities.count) "
                    + responsibilities.enumerated().map { "WHEN \($0.offset) THEN '\($0.element.rawValue)'" }
                    .joined(separator: " ") + " END"
                let disposition =
                    "CASE rc.id % \(dispositions.count + 1) "
                    + dispositions.enumerated().map { "WHEN \($0.offset) THEN '\($0.element.rawValue)'" }
                    .joined(separator: " ") + " ELSE NULL END"
                // Found on one of the last 365 days, spread by the case's id.
                var days: [String] = []
                for offset in 0..<365 { days.append("WHEN \(offset) THEN '\(today.adding(days: -offset))'") }
                try await db.raw(
                    """
                    INSERT INTO nonconformities (org_unit_id, source, case_id, unit_id, model_id, serial, \
                    responsibility, disposition, cost_minor, currency, status, found_on, created_by, version, \
                    created_at, updated_at) \
                    SELECT \(bind: hqId), 'returnedUnit', rc.id, u.unit_id, u.model_id, u.serial_number, \
                    \(unsafeRaw: responsibility), \(unsafeRaw: disposition), (rc.id % 50) * 1000, 'CNY', \
                    CASE WHEN rc.status = 'closed' THEN 'closed' ELSE 'open' END, \
                    CASE rc.id % 365 \(unsafeRaw: days.joined(separator: " ")) END, 'bench', 1, \(bind: now), \
                    \(bind: now) FROM return_cases rc JOIN return_case_units u ON u.case_id = rc.id \
                    WHERE rc.created_by = 'bench' AND rc.id % 10 < 7 \
                    AND rc.id NOT IN (SELECT case_id FROM nonconformities WHERE case_id IS NOT NULL)
                    """
                ).run()
                // The monthly counts, as the store keeps them for every record it writes.
                try await db.raw("DELETE FROM nonconformity_months").run()
                try await db.raw(
                    """
                    INSERT INTO nonconformity_months (month, org_unit_id, model_id, fault_code_id, responsibility, \
                    disposition, n, cost_minor) SELECT SUBSTR(found_on, 1, 7), org_unit_id, COALESCE(model_id, 0), \
                    COALESCE(fault_code_id, 0), COALESCE(responsibility, ''), COALESCE(disposition, ''), COUNT(*), \
                    SUM(cost_minor) FROM nonconformities GROUP BY 1, 2, 3, 4, 5, 6
                    """
                ).run()
            }
        }
        let counts = try await db.raw(
            """
            SELECT (SELECT COUNT(*) FROM return_cases) AS cases, (SELECT COUNT(*) FROM nonconformities) AS records, \
            (SELECT COUNT(*) FROM service_requests) AS requests
            """
        ).first()
        report(
            "setup: \(try counts?.decode(column: "cases", as: Int.self) ?? 0) return cases, "
                + "\(try counts?.decode(column: "records", as: Int.self) ?? 0) nonconformities, "
                + "\(try counts?.decode(column: "requests", as: Int.self) ?? 0) requests "
                + "in \(String(format: "%.1f", BillingBench.seconds(since: clock))) s")
        // The depot's staff at headquarters read through their organisation scope.
        let depot = store.seen(within: .orgSubtree(unitId: hqId, path: hqPath))
        let year = NonconformityFilter(from: today.adding(days: -364), to: today)
        let board = try await ReturnCases(depot).board()
        report("board: \(board.items.count) cases on the first page, \(board.counts.count) statuses counted")
        typealias Read = @Sendable () async throws -> Void
        var reads: [(String, Read)] = [
            ("depot board, first page", { @Sendable in _ = try await ReturnCases(depot).board() })
        ]
        for dimension in NonconformityDimension.allCases {
            let read: Read = { @Sendable in _ = try await Nonconformities(depot).table(year, by: dimension) }
            reads.append(("nonconformity table by \(dimension.rawValue), one year", read))
        }
        for (name, read) in reads {
            clock = .now
            let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        var times: [Double] = []
                        for _ in 0..<rounds {
                            let started = ContinuousClock.now
                            try await read()
                            times.append(BillingBench.seconds(since: started))
                        }
                        return times
                    }
                }
                return try await group.reduce(into: [Double]()) { $0 += $1 }
            }
            let elapsed = BillingBench.seconds(since: clock)
            let sorted = latencies.sorted()
            func at(_ share: Double) -> Double {
                sorted[min(sorted.count - 1, Int(Double(sorted.count) * share))] * 1000
            }
            report(
                String(
                    format: "%@, 8 clients: %d reads in %.2f s = %.0f/s (p50 %.1f ms, p95 %.1f ms, p99 %.1f ms)", name,
                    sorted.count, elapsed, Double(sorted.count) / elapsed, at(0.5), at(0.95), at(0.99)))
        }
    }
}
