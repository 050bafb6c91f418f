import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import SQLKit
import Testing

let tester = Actor(name: "test")

func repair(_ fixture: Fixture, _ text: String = "复印件打印模糊，有黑色条纹", phone: String? = "13800138000")
    -> ServiceRequestInput
{
    ServiceRequestInput(
        customerId: fixture.customer.id, contactName: "王先生", contactPhone: phone, unitIds: [fixture.unit.id],
        channel: .phone, type: .repair, faultDescription: text)
}

func count(_ table: String, _ store: Store) async throws -> Int {
    try await store.sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first(decodingColumn: "n", as: Int.self)!
}

@Suite("Service requests in the store")
struct ServiceRequestStoreTests {
    @Test("concurrent registrations get unique, gap-free numbers of the year", arguments: TestDatabase.all)
    func numbersAreGapFree(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            // when
            let numbers = try await withThrowingTaskGroup(of: String.self) { group in
                for i in 0..<24 {
                    group.addTask {
                        try await ServiceRequests(store).register(repair(fixture, "故障 \(i)"), by: tester).number
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            // then
            let year = CalendarDate(store.now, in: store.timeZone).year
            #expect(Set(numbers) == Set((1...24).map { ServiceRequestNumber(year: year, sequence: $0).description }))
        }
    }

    @Test("a repeated Idempotency-Key returns the first request, even when sent at once", arguments: TestDatabase.all)
    func idempotentRegistration(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let key = IdempotencyKey(key: "k-1", scope: "POST /api/v1/service-requests", fingerprint: "same")
            // when
            let ids = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        try await ServiceRequests(store).register(repair(fixture), by: tester, idempotency: key).id
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            // then
            #expect(Set(ids).count == 1)
            #expect(try await count("service_requests", store) == 1)
            let reused = IdempotencyKey(key: "k-1", scope: key.scope, fingerprint: "different")
            await #expect(throws: IdempotencyKeyReused.self) {
                try await ServiceRequests(store).register(repair(fixture), by: tester, idempotency: reused)
            }
        }
    }

    @Test("invalid input is refused field by field and writes nothing", arguments: TestDatabase.all)
    func invalidInputWritesNothing(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let auditBefore = try await count("audit_log", store)
            var input = repair(fixture, "  ", phone: "call me")
            input.unitIds = [fixture.unit.id, 9999]
            input.customerRequest = String(repeating: "长", count: Limits.longText + 1)
            // when
            let error = await #expect(throws: ValidationError.self) {
                try await ServiceRequests(store).register(input, by: tester)
            }
            // then
            #expect(error?.fields["faultDescription"] == .required)
            #expect(error?.fields["contactPhone"] != nil)
            #expect(error?.fields["unitIds[1]"] == .notFound)
            #expect(error?.fields["customerRequest"] == .tooLong(max: Limits.longText))
            #expect(try await count("service_requests", store) == 0)
            #expect(try await count("sequences", store) == 0)
            #expect(try await count("audit_log", store) == auditBefore)
        }
    }

    @Test(
        "triage takes the warranty decision of each unit and the timeline records every step",
        arguments: TestDatabase.all)
    func triageDecidesWarranty(database: TestDatabase) async throws {
        let clock: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_780_000_000) }  // 2026-05-28
        try await database.withStore(clock: clock) { store in
            // given
            let fixture = try await Fixture.make(store)
            let requests = ServiceRequests(store)
            let registered = try await requests.register(repair(fixture), by: tester)
            // when
            _ = try await requests.post(
                .init(event: .triage, faultCause: .qualityDefect, priority: .high), to: registered.id, by: tester)
            let triaged = try await requests.get(registered.id)
            // then
            #expect(triaged.status == .triaged)
            #expect(triaged.priority == .high)
            #expect(triaged.units.first?.warrantyStatus == .inWarranty)
            #expect(triaged.units.first?.warrantyReason == .coveredCause)
            #expect(triaged.warrantyStatus == .inWarranty)
            #expect(triaged.timeline?.map(\.event) == ["register", "triage"])
            #expect(triaged.allowedEvents == RequestLifecycle(status: .triaged).allowedEvents)
        }
    }

    @Test("an event not allowed now changes nothing and names the allowed ones", arguments: TestDatabase.all)
    func eventNotAllowed(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let requests = ServiceRequests(store)
            let registered = try await requests.register(repair(fixture), by: tester)
            // when
            await #expect(
                throws: LifecycleError.notAllowed(
                    event: .close, from: .registered, allowed: RequestLifecycle().allowedEvents)
            ) {
                try await requests.post(.init(event: .close), to: registered.id, by: tester)
            }
            await #expect(throws: LifecycleError.noteRequired(event: .cancel)) {
                try await requests.post(.init(event: .cancel), to: registered.id, by: tester)
            }
            // then
            let after = try await requests.get(registered.id)
            #expect(after.status == .registered)
            #expect(after.version == registered.version)
            #expect(after.timeline?.count == 1)
        }
    }

    @Test("waiting on the customer resumes the state held before and is counted", arguments: TestDatabase.all)
    func waitingResumes(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let requests = ServiceRequests(store)
            let id = try await requests.register(repair(fixture), by: tester).id
            _ = try await requests.post(.init(event: .triage), to: id, by: tester)
            _ = try await requests.post(.init(event: .startService), to: id, by: tester)
            // when
            _ = try await requests.post(.init(event: .waitForCustomer, note: "等客户确认报价"), to: id, by: tester)
            let resumed = try await requests.post(.init(event: .customerResponded), to: id, by: tester)
            // then
            #expect(resumed.status == .inService)
            let view = try await requests.get(id)
            #expect(view.durations?.secondsInStatus.keys.contains("waitingOnCustomer") == true)
        }
    }

    @Test("a stale version is refused and the newer edit stays", arguments: TestDatabase.all)
    func staleVersionRefused(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let requests = ServiceRequests(store)
            let created = try await requests.register(repair(fixture), by: tester)
            _ = try await requests.update(created.id, expectedVersion: created.version, by: tester) {
                var input = $0
                input.priority = .high
                return input
            }
            // when
            await #expect(throws: StaleVersion.self) {
                try await requests.update(created.id, expectedVersion: created.version, by: tester) {
                    var input = $0
                    input.priority = .low
                    return input
                }
            }
            // then
            let after = try await requests.get(created.id)
            #expect(after.priority == .high)
            #expect(after.version == created.version + 1)
        }
    }

    @Test("every write is in the audit trail with before and after", arguments: TestDatabase.all)
    func auditTrail(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let requests = ServiceRequests(store)
            let created = try await requests.register(repair(fixture), by: tester)
            // when
            _ = try await requests.update(created.id, expectedVersion: 1, by: tester) {
                var input = $0
                input.category = "硬件故障"
                return input
            }
            _ = try await requests.post(.init(event: .triage), to: created.id, by: tester)
            let entries = try await requests.audit(created.id, page: .init()).items
            // then
            #expect(entries.map(\.action) == [.event, .update, .create])
            #expect(entries.allSatisfy { $0.actor == "test" })
            #expect(entries.last?.before == nil)
            guard case .object(let before)? = entries[1].before, case .object(let after)? = entries[1].after else {
                Issue.record("update entry lacks before/after images")
                return
            }
            #expect(before["category"] == nil || before["category"] == .null)
            #expect(after["category"] == .string("硬件故障"))
        }
    }

    @Test("search finds Chinese substrings, numbers, serials, phones and customer names", arguments: TestDatabase.all)
    func search(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let requests = ServiceRequests(store)
            let blurred = try await requests.register(repair(fixture, "复印件打印模糊"), by: tester)
            let jammed = try await requests.register(repair(fixture, "频繁卡纸", phone: nil), by: tester)
            _ = try await requests.register(
                ServiceRequestInput(
                    customerId: fixture.customer.id, channel: .email, type: .consultation,
                    faultDescription: "la pantalla muestra líneas verticales"), by: tester)
            func find(_ configure: (inout RequestFilter) -> Void) async throws -> [Int] {
                var filter = RequestFilter()
                configure(&filter)
                return try await requests.list(filter, page: .init()).items.map(\.id)
            }
            // then
            #expect(try await find { $0.text = "打印模糊" } == [blurred.id])
            #expect(try await find { $0.text = "卡纸" } == [jammed.id])
            #expect(try await find { $0.text = "PANTALLA" }.count == 1)
            #expect(try await find { $0.text = "100%" }.isEmpty)
            #expect(try await find { $0.number = blurred.number } == [blurred.id])
            #expect(try await find { $0.serialNumber = fixture.unit.serialNumber }.count == 2)
            #expect(try await find { $0.phone = "138 0013 8000" }.count == 3)
            #expect(try await find { $0.customerName = "仁济" }.count == 3)
            #expect(try await find { $0.statuses = [.closed] }.isEmpty)
        }
    }

    @Test(
        "the search box finds by number tail, serial in any case, phone with separators, name or fault words, in scope",
        arguments: TestDatabase.all)
    func searchBox(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given a second customer in another branch
            let fixture = try await Fixture.make(store)
            let south = try await Records<OrgUnitRecord>(store).create(
                .init(code: "BR-S", name: "华南分公司", kind: .branch, parentId: fixture.headquarters.id), by: tester)
            let other = try await Records<CustomerRecord>(store).create(
                .init(
                    orgUnitId: south.id, name: "广州白云机场", kind: .company, tier: .regular,
                    contacts: [Contact(name: "李工", phones: ["020-3606-6999"])]), by: tester)
            let requests = ServiceRequests(store)
            let blurred = try await requests.register(repair(fixture, "复印件打印模糊"), by: tester)
            let jammed = try await requests.register(repair(fixture, "频繁卡纸", phone: "0731-8888-1234"), by: tester)
            let airport = try await requests.register(
                ServiceRequestInput(
                    customerId: other.id, channel: .phone, type: .repair, faultDescription: "大屏打印模糊"), by: tester)
            let year = store.today.year
            func find(_ text: String, in scope: Scope = .everything) async throws -> Set<Int> {
                var filter = RequestFilter()
                filter.search = SearchTerms(text, thisYear: year)
                return Set(
                    try await ServiceRequests(store.seen(within: scope)).list(filter, page: .init()).items.map(\.id))
            }
            let tail = String(blurred.number.suffix(6))
            // then
            #expect(try await find(tail) == [blurred.id])
            #expect(try await find(String(Int(tail)!)) == [blurred.id])
            #expect(try await find(blurred.number.lowercased()) == [blurred.id])
            #expect(try await find(fixture.unit.serialNumber.lowercased()) == [blurred.id, jammed.id])
            #expect(try await find("0731 8888 1234") == [jammed.id])
            #expect(try await find("(0731) 8888-1234") == [jammed.id])
            #expect(try await find("13800138000") == [blurred.id, jammed.id])
            #expect(try await find("仁济") == [blurred.id, jammed.id])
            #expect(try await find("王先生") == [blurred.id, jammed.id])
            #expect(try await find("打印模糊") == [blurred.id, airport.id])
            #expect(try await find("卡纸") == [jammed.id])
            #expect(try await find("no such thing") == [])
            // the east branch never sees the airport's request
            let east = Scope.orgSubtree(
                unitId: fixture.branch.id, path: "/\(fixture.headquarters.id)/\(fixture.branch.id)/")
            #expect(try await find("打印模糊", in: east) == [blurred.id])
            #expect(try await find("020-3606-6999", in: east) == [])
            #expect(try await find("020-3606-6999") == [airport.id])
        }
    }

    @Test(
        "the box reads a serial as a serial before words; a lookup pages newest first within scope",
        arguments: TestDatabase.all)
    func exactFirst(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: seven requests on the unit, and one whose text merely quotes its serial
            let fixture = try await Fixture.make(store)
            let requests = ServiceRequests(store)
            var onUnit: [Int] = []
            for i in 0..<7 { onUnit.append(try await requests.register(repair(fixture, "卡纸 \(i)"), by: tester).id) }
            var quoting = repair(fixture, "客户说另一台 \(fixture.unit.serialNumber) 也坏了")
            quoting.unitIds = []
            let quoted = try await requests.register(quoting, by: tester)
            var box = RequestFilter()
            box.search = SearchTerms(fixture.unit.serialNumber.lowercased(), thisYear: store.today.year)
            // when: three at a time
            var pages: [[Int]] = []
            var cursor: PageRequest = .init(limit: 3)
            while true {
                let page = try await requests.list(box, page: cursor)
                pages.append(page.items.map(\.id))
                guard let next = page.nextCursor else { break }
                cursor = .init(limit: 3, afterId: try #require(PageCursor.decodeKeyed(next)).id)
            }
            // then: the unit's requests, newest first, never the one that only quotes the serial
            #expect(pages == [Array(onUnit.reversed()[0..<3]), Array(onUnit.reversed()[3..<6]), [onUnit[0]]])
            #expect(try await requests.count(box, cap: 100) == 7)
            // words are read when the text is no serial of ours
            box.search = SearchTerms("另一台", thisYear: store.today.year)
            #expect(try await requests.list(box, page: .init()).items.map(\.id) == [quoted.id])
            // a lookup keeps the other filters and the scope
            var closed = RequestFilter()
            closed.serialNumber = fixture.unit.serialNumber
            closed.statuses = [.closed]
            #expect(try await requests.list(closed, page: .init()).items.isEmpty)
            let elsewhere = Scope.orgSubtree(unitId: 999_999, path: "/999999/")
            #expect(try await ServiceRequests(store.seen(within: elsewhere)).list(box, page: .init()).items.isEmpty)
        }
    }

    @Test("keyset pages cover every request once, newest first", arguments: TestDatabase.all)
    func keysetPaging(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let requests = ServiceRequests(store)
            var created: [Int] = []
            for i in 0..<7 { created.append(try await requests.register(repair(fixture, "第\(i)号故障"), by: tester).id) }
            // when
            var seen: [Int] = []
            var page = PageRequest(limit: 3)
            while true {
                let result = try await requests.list(RequestFilter(), page: page)
                seen += result.items.map(\.id)
                guard let cursor = result.nextCursor else { break }
                page = page.following(cursor)!
            }
            // then
            #expect(seen == created.reversed())
        }
    }

    @Test(
        "every order pages through every request once, and a cursor of another order is refused",
        arguments: TestDatabase.all)
    func sortedPaging(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: requests in several states
            let fixture = try await Fixture.make(store)
            let requests = ServiceRequests(store)
            var created: [Int] = []
            for i in 0..<9 {
                let view = try await requests.register(
                    .init(customerId: fixture.customer.id, channel: .phone, type: .repair, faultDescription: "第\(i)台"),
                    by: tester)
                if i % 3 == 0 { _ = try await requests.post(.init(event: .triage), to: view.id, by: tester) }
                created.append(view.id)
            }
            for sort in RequestSort.allCases {
                // when
                var filter = RequestFilter()
                filter.sort = sort
                var seen: [Int] = []
                var page = PageRequest(limit: 2)
                var cursors: [String] = []
                while true {
                    let result = try await requests.list(filter, page: page)
                    seen += result.items.map(\.id)
                    guard let cursor = result.nextCursor else { break }
                    cursors.append(cursor)
                    page = page.following(cursor)!
                }
                // then
                #expect(seen.sorted() == created, "\(sort)")
                // a cursor from this order used with another one
                var other = RequestFilter()
                other.sort = sort == .newest || sort == .oldest ? .status : .newest
                await #expect(throws: CursorMismatch.self, "\(sort)") {
                    try await requests.list(other, page: PageRequest(limit: 2).following(cursors[0])!)
                }
            }
        }
    }
}
