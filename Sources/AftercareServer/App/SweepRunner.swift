import AftercareStore
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// The sweeps of DESIGN 11, in the order one pass runs them: re-plans first (so checkpoints are current), then
/// warnings and escalations, then follow-ups, then overdue loaners, then webhook deliveries, then the mail outbox, then kept files no
/// record names.
enum SweepKind: String, CaseIterable, Sendable {
    case replan, sla, followUps, loans, webhooks, mail, files
}

/// One pass of every sweep (or some), as the timer and `aftercare sweep` run it.
struct SweepPass: Sendable {
    let store: Store
    let webhooks: (@Sendable (Date) async throws -> Int)?
    var mail: (@Sendable (Date) async throws -> Int)? = nil
    var vault: FileVault = .temporary

    /// The pass of this application: its store, its webhook and mail senders and its kept files.
    init(_ app: Application) {
        self.init(store: app.store, webhooks: app.webhookSweep, mail: app.mailSweep, vault: app.vault)
    }

    init(
        store: Store, webhooks: (@Sendable (Date) async throws -> Int)?,
        mail: (@Sendable (Date) async throws -> Int)? = nil, vault: FileVault = .temporary
    ) {
        self.store = store
        self.webhooks = webhooks
        self.mail = mail
        self.vault = vault
    }

    func run(_ kinds: [SweepKind] = SweepKind.allCases, shouldStop: @escaping @Sendable () -> Bool = { false })
        async throws -> [(kind: SweepKind, report: SweepReport, seconds: Double)]
    {
        var reports: [(kind: SweepKind, report: SweepReport, seconds: Double)] = []
        for kind in kinds where !shouldStop() {
            let now = store.now
            let began = Date()
            let report: SweepReport
            switch kind {
            case .replan: report = try await ReplanSweep.run(store: store, now: now, shouldStop: shouldStop)
            case .sla: report = try await SLASweep.run(store: store, now: now, shouldStop: shouldStop)
            case .followUps: report = try await FollowUpSweep.run(store: store, now: now, shouldStop: shouldStop)
            case .loans: report = try await LoanSweep.run(store: store, now: now, shouldStop: shouldStop)
            case .webhooks:
                let sent = try await webhooks?(now) ?? 0
                report = SweepReport(items: sent, created: 0)
            case .mail:
                let sent = try await mail?(now) ?? 0
                report = SweepReport(items: sent, created: 0)
            case .files:
                let removed = try await Conversations(store, vault: vault).removeOrphans()
                report = SweepReport(items: removed, created: 0)
            }
            reports.append((kind, report, Date().timeIntervalSince(began)))
        }
        return reports
    }
}

/// Runs a sweep pass every `interval` inside `aftercare serve`. On shutdown (SIGTERM) it stops between batches and
/// waits for the batch in hand, whose transaction either commits or rolls back whole.
final class SweepRunner: LifecycleHandler, Sendable {
    let interval: TimeInterval
    let stopping = NIOLockedValueBox(false)
    let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(interval: TimeInterval) {
        self.interval = interval
    }

    func didBootAsync(_ application: Application) async throws {
        let pass = SweepPass(application)
        let logger = application.logger
        let interval = interval
        let stopping = stopping
        task.withLockedValue {
            $0 = Task.detached {
                while !stopping.withLockedValue({ $0 }) {
                    do {
                        let reports = try await pass.run { stopping.withLockedValue { $0 } }
                        for (kind, report, seconds) in reports where report.items > 0 {
                            logger.info(
                                "sweep",
                                metadata: [
                                    "sweep": "\(kind.rawValue)", "items": "\(report.items)",
                                    "created": "\(report.created)", "seconds": "\(String(format: "%.3f", seconds))",
                                ])
                        }
                    } catch {
                        logger.warning("sweep failed", metadata: ["error": "\(String(reflecting: type(of: error)))"])
                    }
                    var waited = 0.0
                    while waited < interval, !stopping.withLockedValue({ $0 }) {
                        try? await Task.sleep(nanoseconds: 200_000_000)
                        waited += 0.2
                    }
                }
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        stopping.withLockedValue { $0 = true }
        let running = task.withLockedValue { $0 }
        await running?.value
    }
}

/// `aftercare sweep [--only replan,sla,followUps,webhooks]`: one pass for cron; safe to run beside the servers.
struct SweepCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(
            name: "only", help: "comma-separated sweeps: replan, sla, followUps, webhooks, mail, files (default: all)")
        var only: String?
    }

    var help: String {
        "Runs one pass of the background sweeps (re-plans, SLA warnings, follow-ups, webhooks, mail, orphaned files)."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        var kinds = SweepKind.allCases
        if let only = signature.only {
            let names = only.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let chosen = names.compactMap(SweepKind.init(rawValue:))
            guard chosen.count == names.count, !chosen.isEmpty else {
                context.console.error("--only takes \(SweepKind.allCases.map(\.rawValue).joined(separator: ", "))")
                throw ExitCode(1)
            }
            kinds = chosen
        }
        try await context.application.autoMigrate()
        let app = context.application
        let reports = try await SweepPass(app).run(kinds)
        for (kind, report, seconds) in reports {
            context.console.print(
                "sweep \(kind.rawValue): \(report.items) items, \(report.created) created in "
                    + String(format: "%.3f s", seconds))
        }
    }
}

/// The webhook delivery sweep, set up by `configure`.
struct WebhookSweepKey: StorageKey {
    typealias Value = @Sendable (Date) async throws -> Int
}

/// The mail outbox sweep, set up by `configure`.
struct MailSweepKey: StorageKey {
    typealias Value = @Sendable (Date) async throws -> Int
}

extension Application {
    var webhookSweep: (@Sendable (Date) async throws -> Int)? { storage[WebhookSweepKey.self] }
    var mailSweep: (@Sendable (Date) async throws -> Int)? { storage[MailSweepKey.self] }
}
