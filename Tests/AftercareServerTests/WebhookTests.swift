import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import AftercareServer

/// A real HTTP receiver on 127.0.0.1: records what arrives and answers with `status`.
private actor Receiver {
    struct Arrival {
        var headers: HTTPHeaders
        var body: Data
    }

    var arrivals: [Arrival] = []
    var status: HTTPResponseStatus = .ok

    func arrived(_ headers: HTTPHeaders, _ body: Data) -> HTTPResponseStatus {
        arrivals.append(Arrival(headers: headers, body: body))
        return status
    }

    func answer(_ status: HTTPResponseStatus) { self.status = status }

    /// Runs `body` with a receiver listening on an ephemeral port of 127.0.0.1.
    static func running(_ body: (Int, Receiver) async throws -> Void) async throws {
        let receiver = Receiver()
        let app = try await Application.make(.testing)
        app.logger.logLevel = .error
        app.post("hook") { req async -> HTTPStatus in
            let data = req.body.data.map { Data($0.readableBytesView) } ?? Data()
            return await receiver.arrived(req.headers, data)
        }
        do {
            try await app.asyncBoot()
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = app.http.server.shared.localAddress!.port!
            try await body(port, receiver)
        } catch {
            await app.server.shutdown()
            try await app.asyncShutdown()
            throw error
        }
        await app.server.shutdown()
        try await app.asyncShutdown()
    }
}

private func createHook(
    _ app: Application, unit: Int, url: String, allowPrivate: Bool?, token: String? = nil
) async throws -> TestingHTTPResponse {
    let allow = allowPrivate.map { #", "allowPrivate": \#($0)"# } ?? ""
    return try await app.api(.POST, "/api/v1/webhooks", token: token) {
        $0.json(#"{"orgUnitId": \#(unit), "name": "Ops", "url": "\#(url)", "events": ["sla.breached"]\#(allow)}"#)
    }
}

private func breach(_ app: Application, path: [Int], key: String) async throws {
    let now = app.store.now
    try await app.store.write { db in
        try await WebhookOutbox.enqueue(
            event: .slaBreached, payload: ["requestId": 42, "target": 1], orgUnitPath: path, dedupeKey: key, at: now,
            on: db)
    }
}

private func log(_ app: Application, _ id: Int) async throws -> [[String: Any]] {
    try await app.api(.GET, "/api/v1/webhooks/\(id)/deliveries").json["items"] as? [[String: Any]] ?? []
}

@Suite("Webhooks over HTTP (R-3.2)")
struct WebhookTests {
    @Test("a receiver on 127.0.0.1 gets a signed delivery whose signature verifies", arguments: TestDatabase.all)
    func signedDelivery(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            try await Receiver.running { port, receiver in
                // given
                let fixture = try await Fixture.make(app.store)
                let created = try await createHook(
                    app, unit: fixture.headquarters.id, url: "http://127.0.0.1:\(port)/hook", allowPrivate: true)
                #expect(created.status == .created)
                let secret = try #require(created.json["secret"] as? String)
                let id = try #require((created.json["webhook"] as? [String: Any])?["id"] as? Int)
                try await breach(app, path: [fixture.headquarters.id, fixture.branch.id], key: "sla:42:breached")
                // when
                let attempted = try await app.webhookDeliverySweep.run(now: app.store.now, limit: 10)
                // then
                #expect(attempted == 1)
                let arrivals = await receiver.arrivals
                #expect(arrivals.count == 1)
                let arrival = try #require(arrivals.first)
                let timestamp = try #require(arrival.headers.first(name: "X-Aftercare-Timestamp").flatMap { Int($0) })
                let expected = HMAC<SHA256>.authenticationCode(
                    for: Data("\(timestamp).".utf8) + arrival.body, using: SymmetricKey(data: Data(secret.utf8)))
                let hex = expected.map { String(format: "%02x", $0) }.joined()
                #expect(arrival.headers.first(name: "X-Aftercare-Signature") == "sha256=\(hex)")
                #expect(arrival.headers.first(name: "X-Aftercare-Event") == "sla.breached")
                #expect(arrival.headers.first(name: "Content-Type") == "application/json")
                #expect(abs(Date().timeIntervalSince1970 - Double(timestamp)) < 60)
                let body = try #require(try JSONSerialization.jsonObject(with: arrival.body) as? [String: Any])
                #expect((body["data"] as? [String: Any])?["requestId"] as? Int == 42)
                #expect(body["event"] as? String == "sla.breached")
                let entries = try await log(app, id)
                #expect(entries.first?["status"] as? String == "delivered")
                #expect("\(entries.first?["id"] ?? "")" == arrival.headers.first(name: "X-Aftercare-Delivery"))
            }
        }
    }

    @Test("a 500 from the receiver schedules a retry a minute later", arguments: TestDatabase.all)
    func retryAfterServerError(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            try await Receiver.running { port, receiver in
                // given
                await receiver.answer(.internalServerError)
                let fixture = try await Fixture.make(app.store)
                let created = try await createHook(
                    app, unit: fixture.branch.id, url: "http://127.0.0.1:\(port)/hook", allowPrivate: true)
                let id = try #require((created.json["webhook"] as? [String: Any])?["id"] as? Int)
                try await breach(app, path: [fixture.headquarters.id, fixture.branch.id], key: "sla:43:breached")
                let now = app.store.now
                // when
                _ = try await app.webhookDeliverySweep.run(now: now, limit: 10)
                // then
                #expect(await receiver.arrivals.count == 1)
                let entry = try #require(try await log(app, id).first)
                #expect(entry["status"] as? String == "pending")
                #expect(entry["attempts"] as? Int == 1)
                #expect(entry["lastStatusCode"] as? Int == 500)
                let next = try #require((entry["nextAttemptAt"] as? String).flatMap(Timestamp.parse))
                #expect(abs(next.timeIntervalSince(now) - 60) < 0.01)
            }
        }
    }

    @Test(
        "a host that resolves to loopback is refused at delivery without allowPrivate, and the delivery fails",
        arguments: TestDatabase.all)
    func loopbackRefused(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            try await Receiver.running { port, receiver in
                // given: a literal loopback address is refused at once
                let fixture = try await Fixture.make(app.store)
                let literal = try await createHook(
                    app, unit: fixture.branch.id, url: "https://127.0.0.1:\(port)/hook", allowPrivate: nil)
                #expect(literal.status == .unprocessableEntity)
                #expect(literal.errorBody?.error.fields["url"] != nil)
                // a name is checked when it is resolved, at delivery
                let named = try await createHook(
                    app, unit: fixture.branch.id, url: "https://localhost:\(port)/hook", allowPrivate: nil)
                #expect(named.status == .created)
                let id = try #require((named.json["webhook"] as? [String: Any])?["id"] as? Int)
                try await breach(app, path: [fixture.branch.id], key: "sla:44:breached")
                // when
                _ = try await app.webhookDeliverySweep.run(now: app.store.now, limit: 10)
                // then
                #expect(await receiver.arrivals.isEmpty)
                let entry = try #require(try await log(app, id).first)
                #expect(entry["status"] as? String == "failed")
                let error = entry["lastError"] as? String ?? ""
                #expect(error.contains("localhost") && error.contains("loopback") && error.contains("allowPrivate"))
            }
        }
    }

    @Test("webhooks are for administrators: other roles get 403", arguments: TestDatabase.all)
    func administratorsOnly(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given
            let fixture = try await Fixture.make(app.store)
            let manager = try await makeUser(app, "wh-manager", roles: [.serviceManager], unit: fixture.headquarters.id)
            // when
            let list = try await app.api(.GET, "/api/v1/webhooks", token: manager.token)
            let create = try await createHook(
                app, unit: fixture.branch.id, url: "https://hooks.example.com/", allowPrivate: nil,
                token: manager.token)
            // then
            #expect(list.status == .forbidden)
            #expect(create.status == .forbidden)
            #expect(create.errorBody?.error.code == "forbidden")
        }
    }

    @Test(
        "the secret is in the create and rotate answers only, never in reads, lists or the audit trail",
        arguments: TestDatabase.all)
    func secretNeverShownAgain(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given
            let fixture = try await Fixture.make(app.store)
            let created = try await createHook(
                app, unit: fixture.branch.id, url: "https://hooks.example.com/a", allowPrivate: nil)
            let secret = try #require(created.json["secret"] as? String)
            let id = try #require((created.json["webhook"] as? [String: Any])?["id"] as? Int)
            #expect(created.headers.first(name: .location) == "/api/v1/webhooks/\(id)")
            // when
            let edited = try await app.api(.PATCH, "/api/v1/webhooks/\(id)") {
                $0.headers.replaceOrAdd(name: .ifMatch, value: "\"1\"")
                $0.json(#"{"name": "Escalations", "events": ["sla.breached", "sla.escalated"]}"#)
            }
            let rotated = try await app.api(.POST, "/api/v1/webhooks/\(id)/rotate-secret")
            let newSecret = try #require(rotated.json["secret"] as? String)
            let stale = try await app.api(.PATCH, "/api/v1/webhooks/\(id)") { $0.json(#"{"name": "X", "version": 1}"#) }
            let reads = [
                try await app.api(.GET, "/api/v1/webhooks"), try await app.api(.GET, "/api/v1/webhooks/\(id)"),
                try await app.api(.GET, "/api/v1/webhooks/\(id)/audit"), edited,
            ]
            // then
            #expect(edited.status == .ok)
            #expect(edited.json["events"] as? [String] == ["sla.breached", "sla.escalated"])
            #expect(rotated.status == .ok && newSecret != secret)
            #expect(stale.status == .conflict)
            for response in reads {
                #expect(response.status == .ok)
                #expect(!response.body.string.contains(secret) && !response.body.string.contains(newSecret))
            }
            let audit = reads[2].json["items"] as? [[String: Any]] ?? []
            #expect(audit.count == 3)
            #expect(reads[1].json["secretFingerprint"] as? String == WebhookRecord.fingerprint(newSecret))
        }
    }
}
