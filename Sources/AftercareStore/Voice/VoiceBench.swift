import AftercareDomain
import Foundation
import SQLKit

/// `aftercare bench voice [--entries N]`: the complaint statistics and the survey results for a year, read by
/// headquarters, and the public survey link's two steps (reading the questionnaire, answering), through `ComplaintStats`
/// and `Surveys` as the pages call them (issue 17: p95 ≤ 100 ms on SQLite with 1,000,000 requests, 50,000 complaints
/// and 500,000 survey answers; the survey page and its submission ≥ 300 a second). Run it on a demo database
/// (`aftercare demo --requests 1000000`).
///
/// Setup (not timed): `N` complaints (default 50,000) and ten times as many answered invitations, written in bulk from
/// the first requests, spread over the last 365 days, causes and scores in rotation, engineers and product lines in
/// turn; then 2,000 pending invitations for the answering test. Every read's latency is kept; the answering test
/// answers each pending invitation once.
public enum VoiceBench {
    public struct Unprepared: Error, CustomStringConvertible {
        public var description: String { "no requests, engineers or headquarters: run `aftercare demo` first" }
    }

    public static func run(store: Store, complaints: Int, rounds: Int = 40, report: (String) -> Void) async throws {
        let db = store.sql
        guard let hq = try await db.raw("SELECT id, path FROM org_units WHERE code = 'HQ'").first() else {
            throw Unprepared()
        }
        let hqId = try hq.decode(column: "id", as: Int.self)
        let hqPath = try hq.decode(column: "path", as: String.self)
        let engineers = try await db.raw("SELECT id FROM engineers ORDER BY id LIMIT 40").all().map {
            try $0.decode(column: "id", as: Int.self)
        }
        let lines = try await db.raw("SELECT id FROM product_lines ORDER BY id").all().map {
            try $0.decode(column: "id", as: Int.self)
        }
        guard !engineers.isEmpty, !lines.isEmpty else { throw Unprepared() }
        let answers = complaints * 10
        var clock = ContinuousClock.now
        let now = store.now
        // One of the last 365 days, by a row's id.
        let days = (0..<365).map { now.addingTimeInterval(-Double($0) * 86_400 - 3_600) }
        @Sendable func day(_ column: String) -> SQLQueryString {
            var sql: SQLQueryString = "CASE \(unsafeRaw: column) % 365"
            for (offset, date) in days.enumerated() {
                sql = sql + " WHEN \(unsafeRaw: String(offset)) THEN \(bind: date)"
            }
            return sql + " END"
        }
        @Sendable func rotate(_ column: String, _ values: [String]) -> String {
            "CASE \(column) % \(values.count) "
                + values.enumerated().map { "WHEN \($0.offset) THEN \($0.element)" }.joined(separator: " ") + " END"
        }
        let survey: Int
        if let existing = try await db.raw("SELECT id FROM surveys WHERE created_by = 'bench'").first(
            decodingColumn: "id", as: Int.self)
        {
            survey = existing
        } else {
            survey = try await Surveys(store).create(
                SurveyInput(
                    title: ["zh-Hans": "服务满意度回访", "en": "Service satisfaction"], purpose: .perJob,
                    questions: [
                        Question(key: "overall", kind: .rating, text: ["zh-Hans": "总体满意度", "en": "Overall"]),
                        Question(key: "nps", kind: .nps, text: ["zh-Hans": "推荐意愿", "en": "Recommend us"]),
                        Question(
                            key: "comment", kind: .text, text: ["zh-Hans": "意见建议", "en": "Comments"], required: false
                        ),
                    ]), by: Actor(name: "bench")
            ).id
            try await db.raw("UPDATE surveys SET created_by = 'bench', status = 'active' WHERE id = \(bind: survey)")
                .run()
        }
        let haveComplaints =
            try await db.raw("SELECT COUNT(*) AS n FROM complaints WHERE created_by = 'bench'").first(
                decodingColumn: "n", as: Int.self) ?? 0
        if haveComplaints < complaints {
            try await store.write { db in
                let causes = ComplaintCause.allCases.map { "'\($0.rawValue)'" }
                try await db.raw(
                    """
                    INSERT INTO complaints (number, org_unit_id, customer_id, complainant_name, channel, subject, \
                    request_id, severity, wish, words, status, supervisor_only, cause, responsibility, \
                    compensation_kind, currency, ack_due_at, acknowledged_at, resolution_due_at, resolved_at, \
                    closed_at, reprocessed, created_by, version, created_at, updated_at) \
                    SELECT 'CMP-B-' || sr.id, sr.org_unit_id, sr.customer_id, 'bench', 'phone', 'request', sr.id, \
                    'normal', 'apology', sr.fault_description, \
                    CASE WHEN sr.id % 25 = 0 THEN 'investigating' ELSE 'closed' END, \(bind: false), \
                    \(unsafeRaw: rotate("sr.id", causes)), 'branch', 'none', 'CNY', \(day("sr.id")), \(day("sr.id")), \
                    \(day("sr.id")), CASE WHEN sr.id % 25 = 0 THEN NULL ELSE \(day("sr.id")) END, \
                    CASE WHEN sr.id % 25 = 0 THEN NULL ELSE \(day("sr.id")) END, sr.id % 7 / 6, 'bench', 1, \
                    \(day("sr.id")), \(day("sr.id")) FROM service_requests sr \
                    WHERE sr.id NOT IN (SELECT request_id FROM complaints WHERE request_id IS NOT NULL) \
                    ORDER BY sr.id LIMIT \(unsafeRaw: String(complaints - haveComplaints))
                    """
                ).run()
            }
        }
        let haveAnswers =
            try await db.raw("SELECT COUNT(*) AS n FROM survey_responses WHERE recorded_by = 'bench'").first(
                decodingColumn: "n", as: Int.self) ?? 0
        if haveAnswers < answers {
            try await store.write { db in
                let engineerCase = rotate("sr.id", engineers.map(String.init))
                let lineCase = rotate("sr.id", lines.map(String.init))
                try await db.raw(
                    """
                    INSERT INTO survey_invitations (survey_id, customer_id, request_id, org_unit_id, engineer_id, \
                    product_line_id, tier, expires_at, status, created_by, created_at, answered_at) \
                    SELECT \(bind: survey), sr.customer_id, sr.id, sr.org_unit_id, \(unsafeRaw: engineerCase), \
                    \(unsafeRaw: lineCase), 'regular', \(bind: now), 'answered', 'bench', \(day("sr.id")), \
                    \(day("sr.id")) FROM service_requests sr \
                    WHERE sr.id NOT IN (SELECT request_id FROM survey_invitations WHERE request_id IS NOT NULL) \
                    ORDER BY sr.id LIMIT \(unsafeRaw: String(answers - haveAnswers))
                    """
                ).run()
                // Ratings 5,5,4,4,3 and NPS 10,9,9,8,7,6,3 in turn: CSAT 80 %, NPS about 29.
                try await db.raw(
                    """
                    INSERT INTO survey_responses (invitation_id, survey_id, customer_id, org_unit_id, engineer_id, \
                    product_line_id, channel, csat, nps, comment, recorded_by, answered_at) \
                    SELECT i.id, i.survey_id, i.customer_id, i.org_unit_id, i.engineer_id, i.product_line_id, \
                    CASE i.id % 3 WHEN 0 THEN 'phone' WHEN 1 THEN 'online' ELSE 'letter' END, \
                    \(unsafeRaw: rotate("i.id", ["5", "5", "4", "4", "3"])), \
                    \(unsafeRaw: rotate("i.id", ["10", "9", "9", "8", "7", "6", "3"])), \
                    CASE WHEN i.id % 20 = 0 THEN '工程师很专业' ELSE NULL END, 'bench', i.answered_at \
                    FROM survey_invitations i WHERE i.created_by = 'bench' AND i.status = 'answered' \
                    AND i.id NOT IN (SELECT invitation_id FROM survey_responses)
                    """
                ).run()
            }
        }
        // Pending invitations for the answering test, on requests without one.
        try await db.raw(
            """
            INSERT INTO survey_invitations (survey_id, customer_id, request_id, org_unit_id, tier, expires_at, status, \
            created_by, created_at) SELECT \(bind: survey), sr.customer_id, sr.id, sr.org_unit_id, 'regular', \
            \(bind: now.addingTimeInterval(30 * 86_400)), 'pending', 'bench-open', \(bind: now) FROM service_requests sr \
            WHERE sr.id NOT IN (SELECT request_id FROM survey_invitations WHERE request_id IS NOT NULL) \
            ORDER BY sr.id DESC LIMIT 2000
            """
        ).run()
        let counts = try await db.raw(
            """
            SELECT (SELECT COUNT(*) FROM complaints) AS complaints, (SELECT COUNT(*) FROM survey_responses) AS answers, \
            (SELECT COUNT(*) FROM service_requests) AS requests
            """
        ).first()
        report(
            "setup: \(try counts?.decode(column: "complaints", as: Int.self) ?? 0) complaints, "
                + "\(try counts?.decode(column: "answers", as: Int.self) ?? 0) survey answers, "
                + "\(try counts?.decode(column: "requests", as: Int.self) ?? 0) requests "
                + "in \(String(format: "%.1f", BillingBench.seconds(since: clock))) s")
        let office = store.seen(within: .orgSubtree(unitId: hqId, path: hqPath))
        let today = CalendarDate(now, in: store.timeZone)
        let from = today.adding(days: -364)
        typealias Read = @Sendable () async throws -> Void
        let reads: [(String, Read)] = [
            (
                "complaint statistics, one year",
                { @Sendable in _ = try await ComplaintStats(office).statistics(from: from, to: today, orgUnitId: nil) }
            ),
            (
                "survey results (NPS and CSAT by branch, engineer, line, month), one year",
                { @Sendable in
                    _ = try await Surveys(office).results(from: from, to: today, surveyId: nil, orgUnitId: nil)
                }
            ),
        ]
        for (name, read) in reads {
            try await measure(name, clients: 8, rounds: rounds, report: report, read)
        }
        // The public link: the questionnaire read, then answered once per pending invitation.
        let pending = try await db.raw(
            "SELECT id FROM survey_invitations WHERE created_by = 'bench-open' AND status = 'pending' ORDER BY id"
        ).all().map { try $0.decode(column: "id", as: Int.self) }
        let everything = store.seen(within: .everything)
        let sample = pending
        try await measure("survey link: questionnaire read", clients: 8, rounds: rounds, report: report) {
            @Sendable in _ = try await Surveys(everything).form(sample[Int.random(in: 0..<sample.count)])
        }
        let perClient = max(1, pending.count / 8)
        clock = .now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for client in 0..<8 {
                let mine = Array(pending.dropFirst(client * perClient).prefix(perClient))
                group.addTask {
                    var times: [Double] = []
                    for (n, id) in mine.enumerated() {
                        let started = ContinuousClock.now
                        _ = try await Surveys(everything).answer(
                            id,
                            ResponseInput(
                                answers: [
                                    "overall": Answer(number: 4 + n % 2), "nps": Answer(number: 6 + n % 5),
                                ], channel: .online), by: Actor(name: "public"))
                        times.append(BillingBench.seconds(since: started))
                    }
                    return times
                }
            }
            return try await group.reduce(into: [Double]()) { $0 += $1 }
        }
        summarize("survey link: answer (one transaction each)", latencies, since: clock, report: report)
    }

    static func measure(
        _ name: String, clients: Int, rounds: Int, report: (String) -> Void,
        _ read: @escaping @Sendable () async throws -> Void
    ) async throws {
        let clock = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for _ in 0..<clients {
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
        summarize(name, latencies, since: clock, report: report)
    }

    static func summarize(
        _ name: String, _ latencies: [Double], since clock: ContinuousClock.Instant, report: (String) -> Void
    ) {
        let elapsed = BillingBench.seconds(since: clock)
        let sorted = latencies.sorted()
        guard !sorted.isEmpty else { return report("\(name): nothing measured") }
        func at(_ share: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * share))] * 1000 }
        report(
            String(
                format: "%@, 8 clients: %d in %.2f s = %.0f/s (p50 %.1f ms, p95 %.1f ms, p99 %.1f ms)", name,
                sorted.count, elapsed, Double(sorted.count) / elapsed, at(0.5), at(0.95), at(0.99)))
    }
}
