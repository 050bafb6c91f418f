import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import Testing

/// Collects streamed CSV text.
actor Collected {
    var text = ""
    func add(_ chunk: String) { text += chunk }
}

@Suite("CSV import and export (R-1.5)")
struct ArchiveTransferTests {
    @Test("an import with one bad row writes nothing and names every problem by line", arguments: TestDatabase.all)
    func allOrNothing(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            _ = try await Fixture.make(store)
            let before = try await count("customers", store)
            let text = """
                name,orgUnitCode,tier,contactName,contactPhone
                新客户甲,BR-EC,key,李工,13900001111
                坏客户,NOPE,vip,王工,not-a-phone
                """
            // when
            let failed = await #expect(throws: ImportFailed.self) {
                try await ArchiveTransfer(store).importCustomers(text, by: tester)
            }
            // then
            #expect(failed?.problems.map(\.line) == [3, 3])
            #expect(Set(failed?.problems.map(\.field) ?? []) == ["orgUnitCode", "tier"])
            #expect(try await count("customers", store) == before)
        }
    }

    @Test("database rules apply to imported rows too, and a dry run writes nothing", arguments: TestDatabase.all)
    func validationAndDryRun(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let units = try await count("units", store)
            let duplicate =
                "serialNumber,modelCode,customerId\n\(fixture.unit.serialNumber),AC-200,\(fixture.customer.id)\n"
            let good = "serialNumber,modelCode,customerName,acceptanceDate\nSN-9,AC-200,上海仁济医院,2026-02-01\n"
            // when
            let failed = await #expect(throws: ImportFailed.self) {
                try await ArchiveTransfer(store).importUnits(duplicate, by: tester)
            }
            let checked = try await ArchiveTransfer(store).importUnits(good, by: tester, dryRun: true)
            // then
            #expect(failed?.problems == [ImportProblem(line: 2, field: "serialNumber", problem: .duplicate)])
            #expect(checked == 1)
            #expect(try await count("units", store) == units)
            #expect(try await ArchiveTransfer(store).importUnits(good, by: tester) == 1)
            #expect(try await count("units", store) == units + 1)
        }
    }

    @Test("exported customers and units import again unchanged", arguments: TestDatabase.all)
    func roundTrip(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let exported = Collected()
            // when
            try await ArchiveTransfer(store).exportCustomers { await exported.add($0) }
            let text = await exported.text
            // then
            #expect(text.hasPrefix(CSV.byteOrderMark + "id,name,"))
            let table = try CSVTable(text)
            #expect(table.rows.count == 1)
            #expect(table.rows[0].values["name"] == fixture.customer.name)
            #expect(table.rows[0].values["contactPhone"] == "138-0013-8000")
            try await Records<CustomerRecord>(store).archive(fixture.customer.id, by: tester)
            let renamed = text.replacingOccurrences(of: fixture.customer.name, with: "上海仁济医院东院")
            let rows = try CSVTable(renamed).rows
            #expect(rows[0].values["orgUnitCode"] == "BR-EC")
            #expect(try await ArchiveTransfer(store).importCustomers(renamed, by: tester) == 1)
            let units = Collected()
            try await ArchiveTransfer(store).exportUnits { await units.add($0) }
            let unitRow = try CSVTable(await units.text).rows[0].values
            #expect(unitRow["warrantyEnd"] == fixture.unit.warranty?.end.description)
        }
    }
}
