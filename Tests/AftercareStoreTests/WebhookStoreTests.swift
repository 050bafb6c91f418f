import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import SQLKit
import Testing

private let admin = Actor(name: "webhook-admin")

/// What the fake transport was asked to send.
private actor Sent {
    var deliveries: [(url: String, headers: [(String, String)], body: Data)] = []

    func add(_ url: String, _ headers: [(String, String)], _ body: Data) {
        deliveries.append((url, headers, body))
    }

    var deliveryIds: [String] {
        deliveries.compactMap { $0.headers.first { $0.0 == WebhookRules.Header.delivery }?.1 }
    }
}

/// A transport that answers from a table instead of the network.
private struct FakeTransport: WebhookTransport {
    let sent = Sent()
    var delay: Duration = .zero
    var answer: @Sendable (String) throws -> Int = { _ in 200 }

    func send(url: String, headers: [(String, String)], body: Data, allowPrivate: Bool) async throws -> Int {
        if delay > .zero { try await Task.sleep(for: delay) }
        await sent.add(url, headers, body)
        return try answer(url)
    }
}

private func hook(
    _ store: Store, unit: Int, events: [WebhookEvent], url: String = "https://hooks.example.com/aftercare"
) async throws -> WebhookWithSecret {
    try await Webhooks(store).create(
        .init(orgUnitId: unit, name: "Ops \(unit)", url: url, events: events.map(\.rawValue)), by: admin,
        mayAllowPrivate: true)
}

private func enqueue(
    _ store: Store, _ event: WebhookEvent, path: [Int], key: String, at now: Date
) async throws {
    try await store.write { db in
        try await WebhookOutbox.enqueue(
            event: event, payload: ["requestId": 7], orgUnitPath: path, dedupeKey: key, at: now, on: db)
    }
}

private func deliveries(_ store: Store) async throws -> [(webhookId: Int, status: String, attempts: Int)] {
    try await store.sql.select().columns("webhook_id", "status", "attempts").from("webhook_deliveries")
        .orderBy("id").all().map {
            (
                try $0.decode(column: "webhook_id", as: Int.self), try $0.decode(column: "status", as: String.self),
                try $0.decode(column: "attempts", as: Int.self)
            )
        }
}

@Suite("Webhooks in the store (R-3.2)")
struct WebhookStoreTests {
    @Test(
        "an event is queued once for each live webhook on the unit's path that listens to it",
        arguments: TestDatabase.all)
    func enqueueByPathAndEvent(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let south = try await Records<OrgUnitRecord>(store).create(
                .init(code: "BR-SC", name: "华南", kind: .branch, parentId: fixture.headquarters.id), by: admin)
            let atHQ = try await hook(store, unit: fixture.headquarters.id, events: [.slaBreached])
            let atBranch = try await hook(store, unit: fixture.branch.id, events: [.slaWarning, .slaBreached])
            _ = try await hook(store, unit: fixture.branch.id, events: [.followUpDue])
            _ = try await hook(store, unit: south.id, events: [.slaBreached])
            let archived = try await hook(store, unit: fixture.headquarters.id, events: [.slaBreached])
            _ = try await Webhooks(store).archive(archived.webhook.id, by: admin)
            let now = store.now
            let path = [fixture.headquarters.id, fixture.branch.id]
            // when
            try await enqueue(store, .slaBreached, path: path, key: "sla:1:resolution:breached", at: now)
            try await enqueue(store, .slaBreached, path: path, key: "sla:1:resolution:breached", at: now)
            // then
            let queued = try await deliveries(store)
            #expect(queued.map(\.webhookId).sorted() == [atHQ.webhook.id, atBranch.webhook.id].sorted())
            #expect(queued.allSatisfy { $0.status == "pending" && $0.attempts == 0 })
            // when another event happens
            try await enqueue(store, .slaBreached, path: path, key: "sla:2:resolution:breached", at: now)
            // then
            #expect(try await deliveries(store).count == 4)
        }
    }

    @Test(
        "the secret is shown at creation and rotation only, never in views or the audit trail",
        arguments: TestDatabase.all)
    func secretShownOnce(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let made = try await hook(store, unit: fixture.branch.id, events: [.slaEscalated])
            // when
            let rotated = try await Webhooks(store).rotateSecret(made.webhook.id, by: admin)
            // then
            #expect(made.secret.hasPrefix("whsec_") && made.secret.count > 40)
            #expect(rotated.secret != made.secret)
            #expect(rotated.webhook.secretFingerprint != made.webhook.secretFingerprint)
            #expect(rotated.webhook.version == 2)
            let audit = try await Records<WebhookRecord>(store).audit(made.webhook.id, page: PageRequest())
            #expect(audit.items.map(\.action) == [.update, .create])
            let trail = String(decoding: try JSONEncoder().encode(audit.items), as: UTF8.self)
            let view = String(
                decoding: try JSONEncoder().encode(try await Records<WebhookRecord>(store).get(made.webhook.id)),
                as: UTF8.self)
            for secret in [made.secret, rotated.secret] {
                #expect(!trail.contains(secret) && !view.contains(secret))
                #expect(!trail.contains(String(secret.dropFirst(6).prefix(20))))
            }
        }
    }

    @Test("only an administrator may allow private addresses", arguments: TestDatabase.all)
    func allowPrivateNeedsAdministrator(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let input = WebhookRecord.Input(
                orgUnitId: fixture.branch.id, name: "LAN", url: "http://10.0.0.5/hook", events: ["sla.breached"],
                allowPrivate: true)
            // when
            let refused = await #expect(throws: ValidationError.self) {
                try await Webhooks(store).create(input, by: admin, mayAllowPrivate: false)
            }
            let allowed = try await Webhooks(store).create(input, by: admin, mayAllowPrivate: true)
            // then
            #expect(refused?.fields["allowPrivate"] != nil)
            #expect(allowed.webhook.allowPrivate)
            // and without allowPrivate the private URL itself is refused
            let plain = await #expect(throws: ValidationError.self) {
                try await Webhooks(store).update(
                    allowed.webhook.id, expectedVersion: 1, by: admin, mayAllowPrivate: false
                ) {
                    var input = $0
                    input.allowPrivate = false
                    return input
                }
            }
            #expect(plain?.fields["url"] != nil)
            let unknown = await #expect(throws: ValidationError.self) {
                try await Webhooks(store).create(
                    .init(
                        orgUnitId: fixture.branch.id, name: "X", url: "https://hooks.example.com/",
                        events: ["sla.nope"]), by: admin, mayAllowPrivate: false)
            }
            #expect(unknown?.fields["events"] == .invalidValue(allowed: WebhookEvent.allowedValues))
        }
    }

    @Test("deliveries are signed with HMAC-SHA256 over the timestamp, a dot and the body (a fixed vector)")
    func signatureVector() {
        // given: computed independently with Python's hmac module
        let body = Data(#"{"event":"sla.breached"}"#.utf8)
        // when
        let signature = WebhookSignature.sign(secret: "whsec_test-secret", timestamp: 1_700_000_000, body: body)
        // then
        #expect(signature == "sha256=899b27ba414bcfcb92fe7c5e68f60118b067f2f5f372a08bf7c8dd5f8c188cdc")
    }

    @Test(
        "a 2xx delivers; a 500 retries on the schedule until the sixth attempt fails; a refusal fails at once",
        arguments: TestDatabase.all)
    func outcomes(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let good = try await hook(
                store, unit: fixture.branch.id, events: [.slaBreached], url: "https://ok.example/")
            let bad = try await hook(
                store, unit: fixture.branch.id, events: [.slaBreached], url: "https://down.example/")
            let refused = try await hook(
                store, unit: fixture.branch.id, events: [.slaBreached], url: "https://refused.example/")
            let transport = FakeTransport { url in
                if url.contains("down") { return 500 }
                if url.contains("refused") { throw WebhookTargetRefused("refused.example is a loopback address") }
                return 204
            }
            let sweep = WebhookDeliverySweep(store: store, transport: transport)
            let now = store.now
            try await enqueue(store, .slaBreached, path: [fixture.branch.id], key: "k", at: now)
            // when
            let attempted = try await sweep.run(now: now, limit: 10)
            // then
            #expect(attempted == 3)
            let goodLog = try await Webhooks(store).deliveries(of: good.webhook.id, page: PageRequest()).items
            #expect(goodLog.map(\.status) == [.delivered])
            #expect(goodLog.first?.lastStatusCode == 204 && goodLog.first?.deliveredAt != nil)
            let refusedLog = try await Webhooks(store).deliveries(of: refused.webhook.id, page: PageRequest()).items
            #expect(refusedLog.map(\.status) == [.failed])
            #expect(refusedLog.first?.lastError?.contains("loopback") == true)
            var badLog = try await Webhooks(store).deliveries(of: bad.webhook.id, page: PageRequest()).items
            #expect(badLog.first?.status == .pending && badLog.first?.attempts == 1)
            #expect(badLog.first?.lastStatusCode == 500)
            #expect(abs(badLog.first!.nextAttemptAt!.timeIntervalSince(now) - 60) < 0.002)
            #expect(badLog.first?.payload == .object(["requestId": .number(7)]))
            // when it is not yet due, nothing is sent; then each retry at its time
            #expect(try await sweep.run(now: now.addingTimeInterval(59), limit: 10) == 0)
            var at = now
            for _ in 2...6 {
                // (a millisecond later: an instant read back from SQLite may round a hair below the stored one)
                at = badLog.first!.nextAttemptAt!.addingTimeInterval(0.001)
                #expect(try await sweep.run(now: at, limit: 10) == 1)
                badLog = try await Webhooks(store).deliveries(of: bad.webhook.id, page: PageRequest()).items
                if badLog.first?.status != .pending { break }
            }
            // then
            #expect(badLog.first?.status == .failed && badLog.first?.attempts == 6)
            #expect(abs(at.timeIntervalSince(now) - (60 + 300 + 1800 + 7200 + 43200)) < 0.01)
            #expect(await transport.sent.deliveries.count == 8)
        }
    }

    @Test(
        "two sweeps at once send every due delivery exactly once (FOR UPDATE SKIP LOCKED on PostgreSQL)",
        arguments: TestDatabase.all)
    func concurrentSweeps(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            for _ in 0..<3 { _ = try await hook(store, unit: fixture.branch.id, events: [.slaWarning]) }
            let now = store.now
            for i in 0..<10 {
                try await enqueue(store, .slaWarning, path: [fixture.branch.id], key: "w:\(i)", at: now)
            }
            let transport = FakeTransport(delay: .milliseconds(5))
            // when
            let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        try await WebhookDeliverySweep(store: store, transport: transport, concurrency: 3)
                            .run(now: now, limit: 100)
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            // then
            let ids = await transport.sent.deliveryIds
            #expect(counts.reduce(0, +) == 30)
            #expect(ids.count == 30 && Set(ids).count == 30)
            #expect(try await deliveries(store).allSatisfy { $0.status == "delivered" && $0.attempts == 1 })
        }
    }

    @Test("the delivery log is keyset-paged, newest first", arguments: TestDatabase.all)
    func deliveryLogPaging(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let made = try await hook(store, unit: fixture.branch.id, events: [.followUpDue])
            for i in 0..<5 {
                try await enqueue(store, .followUpDue, path: [fixture.branch.id], key: "f:\(i)", at: store.now)
            }
            // when
            let first = try await Webhooks(store).deliveries(of: made.webhook.id, page: PageRequest(limit: 3))
            let second = try await Webhooks(store).deliveries(
                of: made.webhook.id, page: PageRequest(limit: 3).following(first.nextCursor!)!)
            // then
            let ids = (first.items + second.items).map(\.id)
            #expect(ids == ids.sorted(by: >) && Set(ids).count == 5)
            #expect(second.nextCursor == nil)
        }
    }
}
