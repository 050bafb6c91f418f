import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import AftercareServer

@Suite("The JSON API")
struct APITests {
    static let actor = Actor(name: "test")

    @Test("health answers with the database in use", arguments: TestDatabase.all)
    func health(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let response = try await app.api(.GET, "/healthz")
            #expect(response.status == .ok)
            #expect(response.json["database"] as? String == database.rawValue)
        }
    }

    @Test(
        "a request is registered, read with its timeline, and moved through its lifecycle", arguments: TestDatabase.all)
    func registerAndFollow(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given
            let fixture = try await Fixture.make(app.store)
            // when
            let created = try await app.api(.POST, "/api/v1/service-requests") {
                $0.json(
                    #"{"customerId":\#(fixture.customer.id),"unitIds":[\#(fixture.unit.id)],"channel":"phone","type":"repair","faultDescription":"复印件打印模糊","contactPhone":"13800138000"}"#
                )
            }
            // then
            #expect(created.status == .created)
            let id = try #require(created.json["id"] as? Int)
            #expect((created.json["number"] as? String)?.hasPrefix("SR-") == true)
            #expect(created.headers.first(name: .location) == "/api/v1/service-requests/\(id)")
            let triaged = try await app.api(.POST, "/api/v1/service-requests/\(id)/events") {
                $0.json(#"{"event":"triage","faultCause":"manMadeDamage"}"#)
            }
            #expect(triaged.status == .ok)
            #expect(triaged.json["status"] as? String == "triaged")
            let read = try await app.api(.GET, "/api/v1/service-requests/\(id)")
            #expect(read.headers.first(name: .eTag) == "\"2\"")
            #expect((read.json["timeline"] as? [[String: Any]])?.count == 2)
            #expect(read.json["warrantyStatus"] as? String == "outOfWarranty")
        }
    }

    @Test(
        "bad bodies get a 4xx naming each field and write nothing",
        arguments: [
            (#"{"#, "body", 400),
            (#"[1,2]"#, "body", 400),
            (#"{"customerId":1,"channel":"fax","type":"repair","faultDescription":"x"}"#, "channel", 400),
            (#"{"customerId":"one","channel":"phone","type":"repair","faultDescription":"x"}"#, "customerId", 400),
            (#"{"channel":"phone","type":"repair","faultDescription":"x"}"#, "customerId", 400),
            (
                #"{"customerId":1,"channel":"phone","type":"repair","faultDescription":"x","colour":"red"}"#, "colour",
                400
            ),
            (#"{"customerId":999,"channel":"phone","type":"repair","faultDescription":"x"}"#, "customerId", 422),
            (#"{"customerId":1,"channel":"phone","type":"repair","faultDescription":""}"#, "faultDescription", 422),
        ])
    func badBodies(body: String, field: String, status: Int) async throws {
        try await withTestApp(.sqlite) { app in
            // given
            _ = try await Fixture.make(app.store)
            // when
            let response = try await app.api(.POST, "/api/v1/service-requests") { $0.json(body) }
            // then
            #expect(response.status.code == UInt(status))
            #expect(response.errorBody?.error.fields[field] != nil, "\(response.body.string)")
            let list = try await app.api(.GET, "/api/v1/service-requests")
            #expect((list.json["items"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("an event not allowed now answers 409 with the allowed events", arguments: TestDatabase.all)
    func eventConflict(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given
            let fixture = try await Fixture.make(app.store)
            let created = try await ServiceRequests(app.store).register(
                .init(customerId: fixture.customer.id, channel: .web, type: .consultation, faultDescription: "咨询"),
                by: Self.actor)
            // when
            let response = try await app.api(.POST, "/api/v1/service-requests/\(created.id)/events") {
                $0.json(#"{"event":"close"}"#)
            }
            // then
            #expect(response.status == .conflict)
            #expect(response.errorBody?.error.code == "event_not_allowed")
            #expect(response.errorBody?.error.allowedEvents == RequestLifecycle().allowedEvents.map(\.rawValue))
        }
    }

    @Test("updates need the version; a stale one answers 409 and a missing one 428", arguments: TestDatabase.all)
    func optimisticConcurrency(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given
            let fixture = try await Fixture.make(app.store)
            let path = "/api/v1/customers/\(fixture.customer.id)"
            // when
            let missing = try await app.api(.PATCH, path) { $0.json(#"{"name":"新名称"}"#) }
            let fresh = try await app.api(.PATCH, path) {
                $0.headers.replaceOrAdd(name: .ifMatch, value: "\"1\"")
                $0.json(#"{"name":"新名称"}"#)
            }
            let stale = try await app.api(.PATCH, path) { $0.json(#"{"name":"旧名称","version":1}"#) }
            // then
            #expect(missing.status == .preconditionRequired)
            #expect(fresh.status == .ok)
            #expect(fresh.json["version"] as? Int == 2)
            #expect(stale.status == .conflict)
            let read = try await app.api(.GET, path)
            #expect(read.json["name"] as? String == "新名称")
        }
    }

    @Test("unknown ids answer 404 with the error body")
    func unknownIds() async throws {
        try await withTestApp(.sqlite) { app in
            for path in [
                "/api/v1/customers/42", "/api/v1/units/42", "/api/v1/service-requests/42", "/api/v1/org-units/abc",
                "/api/v1/units/42/history",
            ] {
                let response = try await app.api(.GET, path)
                #expect(response.status == .notFound, "\(path)")
                #expect(response.errorBody?.error.code == "not_found", "\(path)")
            }
        }
    }

    @Test("bad query parameters answer 400 naming the parameter")
    func badQuery() async throws {
        try await withTestApp(.sqlite) { app in
            for (query, name) in [
                ("limit=0", "limit"), ("limit=abc", "limit"), ("cursor=zzz", "cursor"), ("status=open", "status"),
                ("emergency=maybe", "emergency"), ("createdFrom=yesterday", "createdFrom"), ("q=a%00b", "q"),
            ] {
                let response = try await app.api(.GET, "/api/v1/service-requests?\(query)")
                #expect(response.status == .badRequest, "\(query)")
                #expect(response.errorBody?.error.fields[name] != nil, "\(query)")
            }
        }
    }

    @Test("a repeated Idempotency-Key returns the first result over HTTP", arguments: TestDatabase.all)
    func idempotencyOverHTTP(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given
            let body = #"{"code":"PL-1","name":"复印机"}"#
            // when
            let first = try await app.api(.POST, "/api/v1/product-lines") {
                $0.headers.replaceOrAdd(name: "Idempotency-Key", value: "abc-123")
                $0.json(body)
            }
            let again = try await app.api(.POST, "/api/v1/product-lines") {
                $0.headers.replaceOrAdd(name: "Idempotency-Key", value: "abc-123")
                $0.json(body)
            }
            let different = try await app.api(.POST, "/api/v1/product-lines") {
                $0.headers.replaceOrAdd(name: "Idempotency-Key", value: "abc-123")
                $0.json(#"{"code":"PL-2","name":"显示屏"}"#)
            }
            // then
            #expect(first.status == .created)
            #expect(again.json["id"] as? Int == first.json["id"] as? Int)
            #expect(different.status == .unprocessableEntity)
            let list = try await app.api(.GET, "/api/v1/product-lines")
            #expect((list.json["items"] as? [Any])?.count == 1)
        }
    }

    @Test("customer and unit history list every step of their requests (R-1.4)", arguments: TestDatabase.all)
    func history(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given
            let fixture = try await Fixture.make(app.store)
            let requests = ServiceRequests(app.store)
            let created = try await requests.register(
                .init(
                    customerId: fixture.customer.id, unitIds: [fixture.unit.id], channel: .phone, type: .repair,
                    faultDescription: "频繁卡纸"), by: Self.actor)
            _ = try await requests.post(.init(event: .triage), to: created.id, by: Self.actor)
            // when
            let customer = try await app.api(.GET, "/api/v1/customers/\(fixture.customer.id)/history")
            let unit = try await app.api(.GET, "/api/v1/units/\(fixture.unit.id)/history")
            // then
            let customerEvents = (customer.json["items"] as? [[String: Any]])?.compactMap { $0["event"] as? String }
            #expect(customerEvents == ["triage", "register"])
            #expect((unit.json["items"] as? [Any])?.count == 2)
        }
    }
}

@Suite("CSV downloads")
struct CSVDownloadTests {
    @Test("requests export as CSV with the list's filters", arguments: TestDatabase.all)
    func exportRequests(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given
            let fixture = try await Fixture.make(app.store)
            for text in ["复印件打印模糊", "频繁卡纸"] {
                _ = try await ServiceRequests(app.store).register(
                    .init(customerId: fixture.customer.id, channel: .phone, type: .repair, faultDescription: text),
                    by: APITests.actor)
            }
            // when
            let all = try await app.api(.GET, "/api/v1/service-requests/export.csv")
            let filtered = try await app.api(
                .GET, "/api/v1/service-requests/export.csv?q=%E5%8D%A1%E7%BA%B8")
            // then
            #expect(all.status == .ok)
            #expect(all.headers.contentType?.subType == "csv")
            let rows = try CSV.parse(all.body.string)
            #expect(rows.count == 3)
            #expect(rows[0].first?.hasSuffix("number") == true)
            #expect(try CSV.parse(filtered.body.string).count == 2)
            let customers = try await app.api(.GET, "/api/v1/customers/export.csv")
            #expect(try CSV.parse(customers.body.string).count == 2)
        }
    }
}
