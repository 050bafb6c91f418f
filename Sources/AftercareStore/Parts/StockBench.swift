import AftercareDomain
import Foundation
import SQLKit

/// `aftercare bench stock [--entries N] [--parts N]`: the stock ledger's three figures (issue 6), on the configured
/// database (run it on a fresh one after `aftercare demo --requests 1000`, which provides the organisation units):
///
/// 1. posting: movements per second through `Stock` (each one transaction, its ledger entries and balance rows),
///    sequentially and from 8 concurrent clients, and many to one transaction (an opening-balance import);
/// 2. on hand for a part across all warehouses (`Stock.of(partId:)`) with `--entries` ledger entries, p50/p95/p99;
/// 3. the variance report of a full stocktake of a `--parts`-part warehouse, median of 5.
public enum StockBench {
    /// The database has no organisation unit to own the benchmark's warehouses.
    public struct Unprepared: Error, CustomStringConvertible {
        public var description: String {
            "no organisation unit: run `aftercare demo --requests 1000` on this database first"
        }
    }

    /// Runs the three measurements, reporting each figure as a line through `report`.
    public static func run(store: Store, entries: Int, partCount: Int, report: (String) -> Void) async throws {
        let db = store.sql
        guard
            let unit = try await db.raw("SELECT id FROM org_units ORDER BY id LIMIT 1").first(
                decodingColumn: "id", as: Int.self)
        else { throw Unprepared() }
        let actor = Actor(name: "bench")
        let tag = String(Int(Date().timeIntervalSince1970) % 1_000_000)
        // Warehouses: one big store (the stocktake) and 19 more.
        var created: [Int] = []
        for i in 0..<20 {
            created.append(
                try await Records<WarehouseRecord>(store).create(
                    .init(
                        code: "B\(tag)-\(i)", name: "bench \(i)", kind: i == 0 ? .headquarters : .branch,
                        orgUnitId: unit),
                    by: actor
                ).id)
        }
        let warehouses = created
        let engineerId = try await db.raw("SELECT id FROM engineers ORDER BY id LIMIT 1").first(
            decodingColumn: "id", as: Int.self)
        // Parts in bulk.
        var clock = ContinuousClock.now
        let now = store.now
        try await store.write { db in
            for chunk in stride(from: 0, to: partCount, by: 500) {
                var values: [SQLQueryString] = []
                for i in chunk..<min(partCount, chunk + 500) {
                    values.append(
                        "(\(bind: "P\(tag)-\(i)"), \(bind: "bench part \(i)"), 'piece', 'c', \(bind: false), '[]', '[]', 0, \(bind: 100 + i % 1000), 1, \(bind: now), \(bind: now))"
                    )
                }
                try await db.raw(
                    """
                    INSERT INTO parts (part_number, name, unit, part_class, serial_tracked, compatible_model_ids, \
                    suppliers, management_fee_percent, last_price, version, created_at, updated_at) VALUES \
                    \(values.dropFirst().reduce(values[0]) { $0 + ", " + $1 })
                    """
                ).run()
            }
        }
        let partIds = try await db.raw(
            "SELECT id FROM parts WHERE part_number LIKE \(bind: "P\(tag)-%") ORDER BY id"
        ).all().map { try $0.decode(column: "id", as: Int.self) }
        report("setup: \(partIds.count) parts, \(warehouses.count) warehouses in \(seconds(since: clock)) s")

        // 1. Posting.
        let stock = Stock(store)
        let postings = 3000
        clock = .now
        for i in 0..<postings {
            _ = try await stock.receive(
                ReceiptInput(partId: partIds[i % 200], warehouseId: warehouses[1 + i % 19], quantity: 5), by: actor)
        }
        let sequential = Double(postings) / seconds(since: clock)
        // The same posting, many movements to one transaction (one commit, one fsync): an opening-balance import.
        var csv = "partNumber,warehouseCode,quantity\n"
        for i in 0..<5000 { csv += "P\(tag)-\(i % partCount),B\(tag)-\(1 + i % 19),2\n" }
        clock = .now
        let imported = try await PartsTransfer(store).importBalances(csv, by: actor)
        let batched = Double(imported.imported) / seconds(since: clock)
        report(
            String(
                format: "posting, %d receipts in one transaction (opening-balance import): %.2f s = %.0f movements/s",
                imported.imported, Double(imported.imported) / batched, batched))
        report(
            String(
                format: "posting, sequential receipts: %d in %.2f s = %.0f movements/s", postings,
                Double(postings) / sequential, sequential))
        if let engineerId {
            clock = .now
            let perClient = 500
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in 0..<8 {
                    group.addTask {
                        for i in 0..<perClient {
                            let input = MovementInput(
                                partId: partIds[(client * 7 + i) % 200], quantity: 1,
                                warehouseId: warehouses[1 + (client + i) % 19],
                                engineerId: engineerId)
                            if i % 2 == 0 {
                                _ = try? await stock.issue(input, by: actor)
                            } else {
                                _ = try? await stock.receive(
                                    ReceiptInput(partId: input.partId, warehouseId: input.warehouseId, quantity: 1),
                                    by: actor)
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let concurrent = Double(8 * perClient) / seconds(since: clock)
            report(
                String(
                    format: "posting, 8 clients issuing and receiving: %d in %.2f s = %.0f movements/s", 8 * perClient,
                    Double(8 * perClient) / concurrent, concurrent))
        }

        // 2. The ledger grows to `entries`; balances follow in one statement.
        clock = .now
        let start =
            try await db.raw("SELECT COALESCE(MAX(id), 0) AS n FROM stock_ledger").first(
                decodingColumn: "n", as: Int.self) ?? 0
        var random = SystemRandomNumberGenerator()
        var written =
            try await db.raw("SELECT COUNT(*) AS n FROM stock_ledger").first(decodingColumn: "n", as: Int.self) ?? 0
        let at = Timestamp.format(now)
        while written < entries {
            let batch = min(100_000, entries - written)
            let done = written
            try await store.write { db in
                var random = SystemRandomNumberGenerator()
                var left = batch
                while left > 0 {
                    let rows = min(1000, left)
                    var text = ""
                    for r in 0..<rows {
                        // Every part is in the stocktake warehouse; the rest spread over all of them.
                        let part =
                            done + batch - left + r < partIds.count
                            ? partIds[done + batch - left + r]
                            : partIds[Int.random(in: 0..<partIds.count, using: &random)]
                        let warehouse =
                            done + batch - left + r < partIds.count
                            ? warehouses[0] : warehouses[Int.random(in: 0..<warehouses.count, using: &random)]
                        if r > 0 { text += "," }
                        text +=
                            "('\(at)','bench','receipt',\(part),\(warehouse),\(Int.random(in: 1...9, using: &random) * 1000),0,0,0)"
                    }
                    try await db.raw(
                        """
                        INSERT INTO stock_ledger (at, actor, kind, part_id, warehouse_id, on_hand_delta, reserved_delta, \
                        in_transit_delta, inspecting_delta) VALUES \(unsafeRaw: text)
                        """
                    ).run()
                    left -= rows
                }
            }
            written += batch
        }
        try await store.write { db in
            try await db.raw(
                """
                INSERT INTO stock_balances (part_id, warehouse_id, on_hand, reserved, in_transit, inspecting, \
                last_movement_at) SELECT part_id, warehouse_id, SUM(on_hand_delta), 0, 0, 0, \(bind: now) \
                FROM stock_ledger WHERE id > \(bind: start) GROUP BY part_id, warehouse_id \
                ON CONFLICT (part_id, warehouse_id) DO UPDATE SET on_hand = stock_balances.on_hand + excluded.on_hand
                """
            ).run()
        }
        report("ledger: \(written) entries (grown in \(seconds(since: clock)) s)")
        clock = .now
        let mismatches = try await stock.verify()
        report(
            String(
                format: "verify (balances = ledger sums) over %d entries: %.1f s, %d mismatches", written,
                seconds(since: clock), mismatches.count))

        var timings: [Double] = []
        for _ in 0..<2000 {
            let part = partIds[Int.random(in: 0..<partIds.count, using: &random)]
            let t = ContinuousClock.now
            _ = try await stock.of(partId: part)
            timings.append(seconds(since: t) * 1000)
        }
        timings.sort()
        report(
            String(
                format: "on hand across warehouses, 2000 parts: p50 %.2f ms, p95 %.2f ms, p99 %.2f ms", timings[999],
                timings[1899], timings[1979]))

        // 3. A full stocktake of the big store.
        let take = try await Stocktakes(store).start(StocktakeInput(warehouseId: warehouses[0]), by: actor)
        try await store.write { db in
            try await db.raw(
                """
                INSERT INTO stocktake_counts (stocktake_id, part_id, book, counted, counted_by, counted_at) \
                SELECT \(bind: take.id), part_id, on_hand, on_hand + (CASE WHEN part_id % 10 = 0 THEN -1000 ELSE 0 END), \
                'bench', \(bind: now) FROM stock_balances WHERE warehouse_id = \(bind: warehouses[0])
                """
            ).run()
        }
        var reports: [Double] = []
        var lines = 0
        for _ in 0..<5 {
            let t = ContinuousClock.now
            let report = try await Stocktakes(store).variance(take.id)
            reports.append(seconds(since: t))
            lines = report.lines.count
        }
        reports.sort()
        report(
            String(
                format: "stocktake variance report, %d lines: median %.3f s (min %.3f, max %.3f)", lines, reports[2],
                reports[0], reports[4]))
        clock = .now
        let approved = try await Stocktakes(store).approve(take.id, by: actor)
        report(
            String(
                format: "stocktake approval posting %d adjustments: %.2f s", approved.linesWithVariance,
                seconds(since: clock)))
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
