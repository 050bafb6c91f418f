import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import SQLKit
import Testing

@Suite("Customers, organisation and installed base in the store")
struct InstalledBaseStoreTests {
    @Test("a serial number is unique per model and refused twice without writing", arguments: TestDatabase.all)
    func duplicateSerial(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let units = try await count("units", store)
            // when
            let error = await #expect(throws: ValidationError.self) {
                try await Records<UnitRecord>(store).create(
                    .init(
                        serialNumber: fixture.unit.serialNumber, modelId: fixture.model.id,
                        customerId: fixture.customer.id),
                    by: tester)
            }
            // then
            #expect(error?.fields["serialNumber"] == .duplicate)
            #expect(try await count("units", store) == units)
        }
    }

    @Test("life dates must be in order: acceptance before delivery is refused", arguments: TestDatabase.all)
    func datesInOrder(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            // when
            let error = await #expect(throws: ValidationError.self) {
                try await Records<UnitRecord>(store).create(
                    .init(
                        serialNumber: "SN-2", modelId: fixture.model.id, customerId: fixture.customer.id,
                        dates: .init(delivery: .init(iso: "2026-03-01"), acceptance: .init(iso: "2026-02-01"))),
                    by: tester)
            }
            // then
            #expect(error?.fields["acceptanceDate"] == .mustNotBeBefore(field: "deliveryDate"))
        }
    }

    @Test("the warranty period is derived from the model rule or the contract override", arguments: TestDatabase.all)
    func warrantyDerived(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            // then: 12 months from acceptance 2026-01-15
            #expect(fixture.unit.warranty?.start == CalendarDate(iso: "2026-01-15"))
            #expect(fixture.unit.warranty?.end == CalendarDate(iso: "2027-01-14"))
            // when
            let extended = try await Records<UnitRecord>(store).update(
                fixture.unit.id, expectedVersion: fixture.unit.version, by: tester
            ) {
                var input = $0
                input.warrantyOverrideMonths = 36
                return input
            }
            // then
            #expect(extended.warranty?.end == CalendarDate(iso: "2029-01-14"))
            #expect(extended.warranty?.source == "contract")
        }
    }

    @Test("org units form a tree whose subtree scopes lists; cycles are refused", arguments: TestDatabase.all)
    func orgTree(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let orgs = Records<OrgUnitRecord>(store)
            let outlet = try await orgs.create(
                .init(code: "OU-SZ", name: "苏州服务网点", kind: .outlet, parentId: fixture.branch.id), by: tester)
            // then
            #expect(outlet.path == [fixture.headquarters.id, fixture.branch.id, outlet.id])
            let subtree = try await OrgUnitRecord.subtree(of: fixture.branch.id, on: store.sql)
            #expect(Set(subtree) == [fixture.branch.id, outlet.id])
            // when: an outlet cannot hold a branch
            let error = await #expect(throws: ValidationError.self) {
                try await orgs.create(.init(code: "BR-X", name: "X", kind: .branch, parentId: outlet.id), by: tester)
            }
            #expect(error?.fields["parentId"] != nil)
        }
    }

    @Test(
        "moving a unit moves its whole subtree; a kind that cannot hold its children is refused",
        arguments: TestDatabase.all)
    func orgMove(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: a second headquarters with an outlet of its own
            let fixture = try await Fixture.make(store)
            let orgs = Records<OrgUnitRecord>(store)
            let second = try await orgs.create(.init(code: "HQ-2", name: "Second", kind: .headquarters), by: tester)
            let outlet = try await orgs.create(
                .init(code: "OU-2", name: "Outlet", kind: .outlet, parentId: second.id), by: tester)
            // when: it becomes a branch under the first headquarters
            let moved = try await orgs.update(second.id, expectedVersion: 1, by: tester) {
                var input = $0
                input.kind = .branch
                input.parentId = fixture.headquarters.id
                return input
            }
            // then: the unit and its subtree carry the new path
            #expect(moved.path == [fixture.headquarters.id, second.id])
            #expect(try await orgs.get(outlet.id).path == [fixture.headquarters.id, second.id, outlet.id])
            let subtree = try await OrgUnitRecord.subtree(of: fixture.headquarters.id, on: store.sql)
            #expect(Set(subtree).isSuperset(of: [second.id, outlet.id]))
            // when: the branch would become an outlet, which holds nothing
            let error = await #expect(throws: ValidationError.self) {
                try await orgs.update(second.id, expectedVersion: 2, by: tester) {
                    var input = $0
                    input.kind = .outlet
                    return input
                }
            }
            // then: refused, and nothing changed
            #expect(error?.fields["kind"] != nil)
            #expect(try await orgs.get(second.id).kind == .branch)
        }
    }

    @Test("archiving keeps the record, hides it from lists and refuses new references", arguments: TestDatabase.all)
    func archive(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let customers = Records<CustomerRecord>(store)
            // when
            let archived = try await customers.archive(fixture.customer.id, by: tester)
            // then
            #expect(archived.archivedAt != nil)
            #expect(try await customers.get(fixture.customer.id).archivedAt != nil)
            #expect(try await customers.list(page: .init()).items.isEmpty)
            #expect(try await customers.list(page: .init(), includeArchived: true).items.count == 1)
            let error = await #expect(throws: ValidationError.self) {
                try await ServiceRequests(store).register(repair(fixture), by: tester)
            }
            #expect(error?.fields["customerId"] == .archived)
            await #expect(throws: RecordArchived.self) { try await customers.archive(fixture.customer.id, by: tester) }
            #expect(
                try await customers.audit(fixture.customer.id, page: .init()).items.map(\.action) == [
                    .archive, .create,
                ])
        }
    }

    @Test("demo data loads once: a second load adds nothing", arguments: TestDatabase.all)
    func demoIsIdempotent(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let demo = DemoData(store)
            // when
            let first = try await demo.load(requests: 300)
            let customers = try await count("customers", store)
            let second = try await demo.load(requests: 300)
            // then
            #expect(first == 300)
            #expect(second == 0)
            #expect(try await count("customers", store) == customers)
            #expect(try await count("service_requests", store) == 300)
            // numbers stay gap-free: a new registration continues the year's counter
            let fixtureCustomer = try await Records<CustomerRecord>(store).list(page: .init(limit: 1)).items[0]
            let created = try await ServiceRequests(store).register(
                .init(customerId: fixtureCustomer.id, channel: .web, type: .consultation, faultDescription: "咨询"),
                by: tester)
            let year = CalendarDate(store.now, in: store.timeZone).year
            let sameYear = try await store.sql.raw(
                "SELECT COUNT(*) AS n FROM service_requests WHERE number LIKE \(bind: "SR-\(year)-%")"
            ).first(decodingColumn: "n", as: Int.self)!
            #expect(created.number == ServiceRequestNumber(year: year, sequence: sameYear).description)
        }
    }
}
