import AftercareDomain
import Foundation
import SQLKit

/// What one pass of a sweep did.
public struct SweepReport: Codable, Sendable, Equatable {
    /// Items claimed and processed (clock checkpoints, re-planned requests, follow-up triggers).
    public var items: Int = 0
    /// Notifications, follow-ups or deliveries created.
    public var created: Int = 0

    public init(items: Int = 0, created: Int = 0) {
        self.items = items
        self.created = created
    }

    static func + (a: SweepReport, b: SweepReport) -> SweepReport {
        SweepReport(items: a.items + b.items, created: a.created + b.created)
    }
}

/// DESIGN 11: periodic work as idempotent sweeps. Each batch is claimed and done in one transaction; with
/// several instances on PostgreSQL `FOR UPDATE SKIP LOCKED` gives every item to one of them. A pass stopped midway
/// (crash, SIGTERM) leaves the unfinished batches as they were, to be claimed again.
public enum Sweeps {
    /// ` FOR UPDATE SKIP LOCKED` where the database has it; SQLite serialises writers already.
    static func claimClause(_ db: any SQLDatabase) -> String {
        db.dialect.name == "sqlite" ? "" : " FOR UPDATE SKIP LOCKED"
    }

    /// Runs `batch` until it reports fewer items than `size`, or `shouldStop` says so between batches.
    static func drain(
        size: Int, shouldStop: @Sendable () -> Bool, _ batch: () async throws -> SweepReport
    ) async throws -> SweepReport {
        var total = SweepReport()
        while !shouldStop() {
            let report = try await batch()
            total = total + report
            if report.items < size { break }
        }
        return total
    }
}

/// warnings, breaches and escalations. Claims the clocks whose next checkpoint has passed, notifies the
/// recipients of every checkpoint passed (once: a dedupe key per request, target, level and user), queues the
/// organisation's webhooks and moves the clock's stage on.
public enum SLASweep {
    public static func run(
        store: Store, now: Date, batchSize: Int = 500, shouldStop: @escaping @Sendable () -> Bool = { false }
    ) async throws -> SweepReport {
        try await Sweeps.drain(size: batchSize, shouldStop: shouldStop) {
            try await store.write { db in try await batch(now: now, size: batchSize, on: db) }
        }
    }

    static func batch(now: Date, size: Int, on db: any SQLDatabase) async throws -> SweepReport {
        let rows = try await db.raw(
            """
            SELECT request_id, target, stage, checkpoints, policy_id, org_unit_id FROM sla_clocks \
            WHERE next_check_at <= \(bind: now) ORDER BY next_check_at LIMIT \(unsafeRaw: String(size))\(unsafeRaw: Sweeps.claimClause(db))
            """
        ).all()
        guard !rows.isEmpty else { return SweepReport() }
        struct Item {
            var request: Int
            var target: SLATarget
            var stage: Int
            var checkpoints: [Date?]
            var policy: Int
            var unit: Int
        }
        let items = try rows.map { row in
            Item(
                request: try row.decode(column: "request_id", as: Int.self),
                target: try row.decodeStored("target", as: SLATarget.self),
                stage: try row.decode(column: "stage", as: Int.self),
                checkpoints: try JSONText.decode(
                    [Date?].self, from: try row.decode(column: "checkpoints", as: String.self)),
                policy: try row.decode(column: "policy_id", as: Int.self),
                unit: try row.decode(column: "org_unit_id", as: Int.self))
        }
        let policies = Dictionary(
            uniqueKeysWithValues: try await SLAPolicyRecord.select(on: db).all().map { row in
                let meta = try row.decode(model: RecordMeta.self, with: RowCoding.decoder)
                let view = try SLAPolicyRecord.view(
                    row.decode(model: SLAPolicyRecord.Fields.self, with: RowCoding.decoder), meta: meta)
                return (view.id, view.policy)
            })
        var paths: [Int: [Int]] = [:]
        for row in try await db.select().column("id").column("path").from("org_units")
            .where("id", .in, Array(Set(items.map(\.unit)))).all()
        {
            paths[try row.decode(column: "id", as: Int.self)] =
                try row.decode(column: "path", as: String.self).split(separator: "/").compactMap { Int($0) }
        }
        let recipients = try await Recipients.load(units: Set(paths.values.flatMap { $0 }), on: db)
        // Units with a live webhook, so the outbox is asked only about requests that have one on their path.
        let hooked = Set(
            try await db.select().distinct().column("org_unit_id").from("webhooks")
                .where("archived_at", .is, SQLLiteral.null).all(decodingColumn: "org_unit_id", as: Int.self))
        var moves: [String: (stage: Int, next: Date?, keys: [(Int, String)])] = [:]
        var notifications: [NewNotification] = []
        var webhooks: [(event: WebhookEvent, payload: SLAWebhookPayload, path: [Int], key: String)] = []
        for item in items {
            let path = paths[item.unit] ?? []
            var stage = item.stage
            if let rule = policies[item.policy]?.rule(for: item.target) {
                let spec = rule.checkpoints
                while stage < min(spec.count, item.checkpoints.count), let at = item.checkpoints[stage], at <= now {
                    let kind: NotificationKind = stage == 0 ? .slaWarning : stage == 1 ? .slaBreached : .slaEscalated
                    let key = "sla:\(item.request):\(item.target.rawValue):\(stage)"
                    for user in recipients.users(for: spec[stage].notify, path: path) {
                        notifications.append(
                            NewNotification(
                                userId: user, kind: kind, requestId: item.request, followUpId: nil, target: item.target,
                                level: stage, dedupeKey: "\(key):\(user)"))
                    }
                    let event: WebhookEvent = stage == 0 ? .slaWarning : stage == 1 ? .slaBreached : .slaEscalated
                    if path.contains(where: hooked.contains) {
                        webhooks.append(
                            (
                                event,
                                SLAWebhookPayload(
                                    requestId: item.request, target: item.target, level: stage,
                                    percent: spec[stage].percent, checkpointAt: at),
                                path, key
                            ))
                    }
                    stage += 1
                }
            } else {
                stage = item.checkpoints.count
            }
            let next: Date? = stage < item.checkpoints.count ? item.checkpoints[stage] : nil
            let group = "\(stage)|\(next?.timeIntervalSince1970 ?? -1)"
            moves[group, default: (stage, next, [])].keys.append((item.request, item.target.rawValue))
        }
        // One update per (stage, next check) rather than one per clock.
        for move in moves.values {
            for chunk in stride(from: 0, to: move.keys.count, by: 250) {
                let keys = move.keys[chunk..<min(move.keys.count, chunk + 250)].map {
                    SQLGroupExpression([SQLBind($0.0), SQLBind($0.1)])
                }
                try await db.update("sla_clocks").set("stage", to: move.stage)
                    .set("next_check_at", to: SQLBind(move.next))
                    .where(
                        SQLGroupExpression([SQLIdentifier("request_id"), SQLIdentifier("target")]), .in,
                        SQLGroupExpression(keys)
                    )
                    .run()
            }
        }
        let created = try await NewNotification.insert(notifications, at: now, on: db)
        for hook in webhooks {
            try await WebhookOutbox.enqueue(
                event: hook.event, payload: hook.payload, orgUnitPath: hook.path, dedupeKey: hook.key, at: now, on: db)
        }
        return SweepReport(items: items.count, created: created)
    }
}

/// What an escalation webhook carries.
public struct SLAWebhookPayload: Codable, Sendable, Equatable {
    public var requestId: Int
    public var target: SLATarget
    public var level: Int
    public var percent: Int
    public var checkpointAt: Date
}

/// re-plans the open requests' clocks after a policy or calendar change, a batch per transaction, so the
/// change itself returns at once and the API keeps answering meanwhile. The newest pending re-plan covers the
/// older ones.
public enum ReplanSweep {
    public static let openStatuses = [
        RequestStatus.registered, .triaged, .inService, .waitingOnCustomer,
    ].map(\.rawValue)

    public static func run(
        store: Store, now: Date, batchSize: Int = 500, shouldStop: @escaping @Sendable () -> Bool = { false }
    ) async throws -> SweepReport {
        try await Sweeps.drain(size: batchSize, shouldStop: shouldStop) {
            try await store.write { db in try await batch(now: now, size: batchSize, on: db) }
        }
    }

    static func batch(now: Date, size: Int, on db: any SQLDatabase) async throws -> SweepReport {
        guard
            let replan = try await db.raw(
                """
                SELECT id, after_request_id FROM sla_replans WHERE done_at IS NULL \
                ORDER BY id DESC LIMIT 1\(unsafeRaw: Sweeps.claimClause(db))
                """
            ).first()
        else { return SweepReport() }
        let id = try replan.decode(column: "id", as: Int.self)
        let after = try replan.decode(column: "after_request_id", as: Int.self)
        if after == 0 {
            try await db.update("sla_replans").set("done_at", to: now).where("id", .lessThan, id)
                .where("done_at", .is, SQLLiteral.null).run()
        }
        let ids = try await db.select().column("id").from("service_requests")
            .where("status", .in, openStatuses).where("id", .greaterThan, after)
            .orderBy("id").limit(size).all(decodingColumn: "id", as: Int.self)
        try await SLAClocks.refresh(ids, now: now, on: db)
        var update = db.update("sla_replans").set("after_request_id", to: ids.last ?? after)
        if ids.count < size { update = update.set("done_at", to: now) }
        try await update.where("id", .equal, id).run()
        // A full batch keeps the pass going; the last one ends it.
        return SweepReport(items: ids.count < size ? ids.count : size, created: 0)
    }
}
