import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import SQLKit
import Testing

/// Monday 2026-11-23 09:00 in Shanghai.
let monday9 = Date(timeIntervalSince1970: 1_795_395_600)

/// A store whose clock reads `instant`.
func at(_ store: Store, _ instant: Date) -> Store { store.withClock { instant } }

/// One default policy: answer in 1 working hour, resolve in 8, standard escalation.
func standardPolicy(_ store: Store) async throws -> SLAPolicyView {
    try await Records<SLAPolicyRecord>(store).create(
        .init(
            name: "standard", position: 100, isDefault: true,
            targets: [
                TargetRule(target: .firstResponse, minutes: 60, basis: .business),
                TargetRule(target: .resolution, minutes: 480, basis: .business),
            ]), by: tester)
}

/// A staff user with `roles` at `unit`, written directly (no password needed here).
func staff(_ name: String, _ roles: [Role], unit: Int, _ store: Store) async throws -> Int {
    try await store.sql.insert(into: "users")
        .columns("username", "display_name", "roles", "org_unit_id", "version", "created_at", "updated_at")
        .values(
            SQLBind(name), SQLBind(name), SQLBind("," + roles.map(\.rawValue).joined(separator: ",") + ","),
            SQLBind(unit), SQLBind(1), SQLBind(Date()), SQLBind(Date())
        )
        .returning("id").first(decodingColumn: "id", as: Int.self)!
}

/// The cached clock rows of a request, by target.
func cached(_ id: Int, _ store: Store) async throws -> [String: (state: String, due: Date?, elapsed: Int, stage: Int)] {
    var result: [String: (String, Date?, Int, Int)] = [:]
    for row in try await store.sql.select().columns("target", "state", "due_at", "elapsed_seconds", "stage")
        .from("sla_clocks").where("request_id", .equal, id).all()
    {
        result[try row.decode(column: "target", as: String.self)] = (
            try row.decode(column: "state", as: String.self), try row.decode(column: "due_at", as: Date?.self),
            try row.decode(column: "elapsed_seconds", as: Int.self), try row.decode(column: "stage", as: Int.self)
        )
    }
    return result
}

@Suite("SLA clocks, sweeps and follow-ups in the store (R-3, R-10.1)")
struct SLAStoreTests {
    @Test(
        "the cached clock is the calculator's: after each step and after a policy change", arguments: TestDatabase.all)
    func cacheAgrees(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let policy = try await standardPolicy(store)
            let request = try await ServiceRequests(at(store, monday9)).register(repair(fixture), by: tester)
            // when: triaged at 09:30, waiting on the customer 10:00 to next morning 09:00
            for (minutes, event) in [
                (30, RequestEventKind.triage), (60, .waitForCustomer), (24 * 60, .customerResponded),
            ] {
                _ = try await ServiceRequests(at(store, monday9.addingTimeInterval(Double(minutes * 60))))
                    .post(.init(event: event), to: request.id, by: tester)
            }
            let now = monday9.addingTimeInterval(25 * 3600)
            // then: the cache written at the last step holds the calculator's figures
            let explanation = try #require(try await SLAClocks.explain(request.id, now: now, on: store.sql))
            let rows = try await cached(request.id, store)
            #expect(explanation.policy?.name == "standard")
            for target in explanation.targets {
                #expect(rows[target.clock.target.rawValue]?.state == target.clock.state.rawValue)
                #expect(rows[target.clock.target.rawValue]?.due == target.clock.dueAt)
            }
            let resolution = try #require(explanation.targets.first { $0.clock.target == .resolution }?.clock)
            #expect(resolution.pauses.count == 1)
            // 09:00–10:00 Monday and 09:00–10:00 Tuesday
            #expect(resolution.elapsedSeconds == 2 * 3600)
            // when: the policy halves the resolution target, and the re-plan sweep runs
            _ = try await Records<SLAPolicyRecord>(store).update(policy.id, expectedVersion: 1, by: tester) {
                var input = $0
                input.targets[1].minutes = 240
                return input
            }
            let replanned = try await ReplanSweep.run(store: store, now: now)
            // then
            #expect(replanned.items >= 1)
            let after = try #require(try await SLAClocks.explain(request.id, now: now, on: store.sql))
            let due = try #require(after.targets.first { $0.clock.target == .resolution }?.clock.dueAt)
            #expect(try await cached(request.id, store)["resolution"]?.due == due)
            // 2 h spent, 2 h left from Tuesday 10:00: 12:00
            #expect(due == monday9.addingTimeInterval(27 * 3600))
        }
    }

    @Test("the sweep warns and escalates once per checkpoint, to the nearest dispatcher", arguments: TestDatabase.all)
    func sweepNotifiesOnce(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: a dispatcher at the branch and one at headquarters
            let fixture = try await Fixture.make(store)
            _ = try await standardPolicy(store)
            let branchDispatcher = try await staff("d.branch", [.dispatcher], unit: fixture.branch.id, store)
            _ = try await staff("d.hq", [.dispatcher], unit: fixture.headquarters.id, store)
            let request = try await ServiceRequests(at(store, monday9)).register(repair(fixture), by: tester)
            // when: 75 % of the first hour has passed, then the hour itself
            let warned = try await SLASweep.run(store: store, now: monday9.addingTimeInterval(50 * 60))
            let again = try await SLASweep.run(store: store, now: monday9.addingTimeInterval(50 * 60))
            let breached = try await SLASweep.run(store: store, now: monday9.addingTimeInterval(61 * 60))
            // then
            #expect(warned.created == 1)
            #expect(again.items == 0)
            #expect(breached.created == 1)
            let inbox = try await Inbox(store: store, userId: branchDispatcher).list(
                unreadOnly: true, page: PageRequest())
            #expect(inbox.items.map(\.kind) == [.slaBreached, .slaWarning])
            #expect(inbox.items.allSatisfy { $0.requestId == request.id && $0.target == .firstResponse })
            #expect(try await count("notifications", store) == 2)
            #expect(try await cached(request.id, store)["firstResponse"]?.stage == 2)
            // when: the request is answered; the clock is met and nothing further is due
            _ = try await ServiceRequests(at(store, monday9.addingTimeInterval(62 * 60)))
                .post(.init(event: .triage), to: request.id, by: tester)
            #expect(try await cached(request.id, store)["firstResponse"]?.state == "breached")
            let later = try await SLASweep.run(store: store, now: monday9.addingTimeInterval(5 * 3600))
            #expect(later.created == 0)
            _ = try await Inbox(store: store, userId: branchDispatcher).markAllRead()
            #expect(try await Inbox(store: store, userId: branchDispatcher).unreadCount(cap: 10) == 0)
        }
    }

    @Test(
        "phone guidance brings a follow-up 2 h later; its outcome closes, reopens or retries",
        arguments: TestDatabase.all)
    func followUps(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let agent = try await staff("agent", [.hotlineAgent], unit: fixture.branch.id, store)
            let requests = ServiceRequests(at(store, monday9))
            let solved = try await requests.register(repair(fixture), by: Actor(name: "agent"))
            let unsolved = try await requests.register(repair(fixture, "卡纸"), by: Actor(name: "agent"))
            for id in [solved.id, unsolved.id] {
                _ = try await requests.post(.init(event: .resolveRemotely), to: id, by: tester)
            }
            // when: an hour later nothing is due; three hours later both are, once
            let early = try await FollowUpSweep.run(store: store, now: monday9.addingTimeInterval(3600))
            let due = try await FollowUpSweep.run(store: store, now: monday9.addingTimeInterval(3 * 3600))
            let repeated = try await FollowUpSweep.run(store: store, now: monday9.addingTimeInterval(3 * 3600))
            // then
            #expect(early.items == 0)
            #expect(due.created == 2)
            #expect(repeated.items == 0)
            var filter = FollowUpFilter()
            filter.assigneeId = agent
            let list = try await FollowUps(store).list(filter, page: PageRequest())
            #expect(list.items.count == 2)
            #expect(list.items.allSatisfy { $0.dueAt == monday9.addingTimeInterval(3 * 3600) })
            #expect(try await Inbox(store: store, userId: agent).unreadCount(cap: 10) == 2)
            let first = try #require(list.items.first { $0.requestId == solved.id })
            let second = try #require(list.items.first { $0.requestId == unsolved.id })
            // when: the first customer is satisfied, the second is unreachable twice and then says it failed
            let later = FollowUps(at(store, monday9.addingTimeInterval(4 * 3600)))
            let done = try await later.record(
                .init(outcome: .solved, channel: .phone, attitudeRating: 5, qualityRating: 4), for: first.id,
                expectedVersion: 1, by: tester)
            let retry = try await later.record(
                .init(outcome: .unreachable), for: second.id, expectedVersion: 1, by: tester)
            let notSolvedNote = await #expect(throws: ValidationError.self) {
                try await later.record(.init(outcome: .notSolved), for: second.id, expectedVersion: 2, by: tester)
            }
            let reopened = try await later.record(
                .init(outcome: .notSolved, comment: "还是卡纸"), for: second.id, expectedVersion: 2, by: tester)
            // then
            #expect(done.status == .done)
            #expect(try await ServiceRequests(store).get(solved.id).status == .closed)
            #expect(retry.status == .open)
            #expect(retry.dueAt == monday9.addingTimeInterval(6 * 3600))
            #expect(notSolvedNote?.fields["comment"] == .required)
            #expect(reopened.status == .done)
            #expect(try await ServiceRequests(store).get(unsolved.id).status == .inService)
            await #expect(throws: FollowUpClosed.self) {
                try await later.record(.init(outcome: .solved), for: first.id, expectedVersion: 2, by: tester)
            }
        }
    }

    @Test("three sweep workers over 10,000 due items: each is processed once", arguments: TestDatabase.all)
    func concurrentWorkers(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: 2,500 requests × 4 targets, every clock past two checkpoints, and 2,500 due follow-up triggers
            let fixture = try await Fixture.make(store)
            let policy = try await Records<SLAPolicyRecord>(store).create(
                .init(
                    name: "four", position: 1, isDefault: true,
                    targets: SLATarget.allCases.map { TargetRule(target: $0, minutes: 60, basis: .calendar) }),
                by: tester)
            _ = try await staff("d", [.dispatcher], unit: fixture.branch.id, store)
            let now = monday9.addingTimeInterval(86_400)
            let customer = fixture.customer.id
            try await store.write { db in
                for chunk in 0..<25 {
                    var insert = db.insert(into: "service_requests").columns(
                        "number", "org_unit_id", "customer_id", "channel", "type", "fault_description", "priority",
                        "emergency", "fault_cause", "status", "created_by", "version", "created_at", "updated_at")
                    for i in 0..<100 {
                        insert = insert.values(
                            SQLBind("SR-2026-\(String(format: "%06d", chunk * 100 + i + 1))"),
                            SQLBind(fixture.branch.id), SQLBind(customer), SQLBind("phone"), SQLBind("repair"),
                            SQLBind("x"), SQLBind("normal"), SQLBind(false), SQLBind("unknown"), SQLBind("resolved"),
                            SQLBind("test"), SQLBind(1), SQLBind(monday9), SQLBind(monday9))
                    }
                    try await insert.run()
                }
            }
            let ids = try await store.sql.select().column("id").from("service_requests").orderBy("id").all(
                decodingColumn: "id", as: Int.self)
            #expect(ids.count == 2500)
            let checkpoints = "[\"2026-11-23T02:00:00.000Z\",\"2026-11-23T03:00:00.000Z\"]"
            try await store.write { db in
                for chunk in stride(from: 0, to: ids.count, by: 100) {
                    var clocks = db.insert(into: "sla_clocks").columns(
                        "request_id", "target", "org_unit_id", "policy_id", "state", "basis", "target_seconds",
                        "elapsed_seconds", "checkpoints", "stage", "next_check_at", "computed_at")
                    var triggers = db.insert(into: "follow_up_triggers").columns(
                        "request_id", "trigger", "fire_at", "created_at")
                    for id in ids[chunk..<min(ids.count, chunk + 100)] {
                        for target in SLATarget.allCases {
                            clocks = clocks.values(
                                SQLBind(id), SQLBind(target.rawValue), SQLBind(fixture.branch.id), SQLBind(policy.id),
                                SQLBind("running"), SQLBind("calendar"), SQLBind(3600), SQLBind(0),
                                SQLBind(checkpoints),
                                SQLBind(0), SQLBind(monday9), SQLBind(monday9))
                        }
                        triggers = triggers.values(SQLBind(id), SQLBind("resolved"), SQLBind(monday9), SQLBind(monday9))
                    }
                    try await clocks.run()
                    try await triggers.run()
                }
            }
            // when: three workers sweep at once, in batches small enough to interleave
            let reports = try await withThrowingTaskGroup(of: (SweepReport, SweepReport).self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        let sla = try await SLASweep.run(store: store, now: now, batchSize: 100)
                        let followUps = try await FollowUpSweep.run(store: store, now: now, batchSize: 100)
                        return (sla, followUps)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // then: every clock and every trigger was claimed by exactly one worker
            #expect(reports.map(\.0.items).reduce(0, +) == 10_000)
            #expect(reports.map(\.1.items).reduce(0, +) == 2_500)
            #expect(try await count("notifications WHERE kind <> 'followUpDue'", store) == 20_000)
            #expect(reports.map(\.0.created).reduce(0, +) == 20_000)
            #expect(try await count("follow_ups", store) == 2_500)
            #expect(reports.map(\.1.created).reduce(0, +) == 2_500)
            #expect(try await count("sla_clocks WHERE stage = 2 AND next_check_at IS NULL", store) == 10_000)
            #expect(try await count("follow_up_triggers WHERE processed_at IS NULL", store) == 0)
        }
    }
}
