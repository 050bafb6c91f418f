import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import SQLKit
import Testing
import Vapor

@testable import AftercareServer

@Suite("The sweep timer inside serve (DESIGN 11)")
struct SweepRunnerTests {
    static func pendingReplans(_ app: Application) async throws -> Int {
        try await app.store.sql.raw("SELECT COUNT(*) AS n FROM sla_replans WHERE done_at IS NULL")
            .first(decodingColumn: "n", as: Int.self)!
    }

    static func policy(_ app: Application, _ name: String) async throws {
        _ = try await Records<SLAPolicyRecord>(app.store).create(
            .init(name: name, position: 1, targets: [TargetRule(target: .resolution, minutes: 60, basis: .business)]),
            by: .system)
    }

    @Test("runs passes on its timer, and after shutdown runs no more", arguments: TestDatabase.all)
    func timerAndShutdown(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given: a policy change waiting to be re-planned
            try await Self.policy(app, "first")
            #expect(try await Self.pendingReplans(app) > 0)
            let runner = SweepRunner(interval: 0.2)
            // when: the timer runs
            try await runner.didBootAsync(app)
            var waited = 0
            while try await Self.pendingReplans(app) > 0, waited < 100 {
                try await Task.sleep(nanoseconds: 100_000_000)
                waited += 1
            }
            // then: the re-plan was done by the timer
            #expect(try await Self.pendingReplans(app) == 0)
            // when: the server shuts down (SIGTERM), then another change comes in
            await runner.shutdownAsync(app)
            try await Self.policy(app, "second")
            try await Task.sleep(nanoseconds: 600_000_000)
            // then: nothing sweeps any more
            #expect(try await Self.pendingReplans(app) == 1)
        }
    }
}
