import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import SQLKit
import Testing

/// on both databases: every movement is appended, balances follow in the same transaction and never go
/// negative, serial-tracked parts are in one place, dated lots leave first expiring first.
@Suite("The stock ledger in the store (R-7.3)")
struct StockLedgerStoreTests {
    @Test("a receipt and an issue move the stock into the engineer's van, entry by entry", arguments: TestDatabase.all)
    func receiptAndIssue(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: ten drums in the branch warehouse
            let fixture = try await Fixture.make(store)
            let stock = Stock(store)
            let drum = try await Self.part("DRUM-200", store)
            let branch = try await Self.warehouse("WH-EC", fixture, store)
            let li = try await engineer("li", level: 3, home: (31.2, 121.4), fixture, store)
            _ = try await stock.receive(.init(partId: drum.id, warehouseId: branch.id, quantity: 10), by: tester)
            #expect(try await stock.van(engineerId: li.id) == nil)
            // when
            let issued = try await stock.issue(
                .init(partId: drum.id, quantity: 3, warehouseId: branch.id, engineerId: li.id), by: tester)
            // then: three fewer in the warehouse, three in Li's new van
            let van = try #require(try await stock.van(engineerId: li.id))
            #expect(van.kind == .van)
            #expect(van.engineerId == li.id)
            #expect(van.orgUnitId == fixture.branch.id)
            #expect(try await Self.balance(stock, drum.id, branch.id)?.onHand == 7)
            #expect(try await Self.balance(stock, drum.id, van.id)?.onHand == 3)
            #expect(issued.entries.map(\.warehouseId) == [branch.id, van.id])
            #expect(issued.entries.map(\.onHand) == [-3, 3])
            let total = try await stock.of(partId: drum.id)
            #expect(total.onHand == 10)
            #expect(Set(total.warehouses.map(\.warehouseId)) == [branch.id, van.id])
            let entries = try await Self.entries(stock, part: drum.id)
            #expect(entries.map(\.kind) == [.receipt, .issue, .issue])
            #expect(entries.allSatisfy { $0.actor == tester.name })
            #expect(try await stock.verify().isEmpty)
        }
    }

    @Test(
        "an issue beyond what is available is refused, names what is missing and writes nothing",
        arguments: TestDatabase.all)
    func shortage(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let stock = Stock(store)
            let drum = try await Self.part("DRUM-200", store)
            let branch = try await Self.warehouse("WH-EC", fixture, store)
            let li = try await engineer("li", level: 3, home: (31.2, 121.4), fixture, store)
            _ = try await stock.receive(.init(partId: drum.id, warehouseId: branch.id, quantity: 10), by: tester)
            let entriesBefore = try await count("stock_ledger", store)
            let balancesBefore = try await stock.balances(BalanceFilter(), page: PageRequest()).items
            // when
            let refused = await #expect(throws: StockShortage.self) {
                try await stock.issue(
                    .init(partId: drum.id, quantity: 15, warehouseId: branch.id, engineerId: li.id), by: tester)
            }
            // then
            let message = try #require(refused?.message)
            #expect(message.contains("not enough"))
            #expect(message.contains("DRUM-200"))
            #expect(message.contains("WH-EC"))
            #expect(message.contains("15"))
            #expect(message.contains("10"))
            #expect(refused?.shortfall == StockShortfall(of: .available, requested: 15_000, present: 10_000))
            #expect(try await count("stock_ledger", store) == entriesBefore)
            #expect(try await stock.balances(BalanceFilter(), page: PageRequest()).items == balancesBefore)
            #expect(try await Self.balance(stock, drum.id, branch.id)?.onHand == 10)
            #expect(try await stock.verify().isEmpty)
        }
    }

    @Test(
        "concurrent issues and returns neither lose, double nor overdraw stock, and the ledger proves it",
        arguments: TestDatabase.all)
    func concurrentMovements(database: TestDatabase) async throws {
        let seconds = ProcessInfo.processInfo.environment["AFTERCARE_STOCK_STRESS_SECONDS"].flatMap(Double.init) ?? 5
        try await database.withStore { store in
            // given: three parts, twenty of each in one warehouse, five engineers whose vans already exist
            let fixture = try await Fixture.make(store)
            let stock = Stock(store)
            let branch = try await Self.warehouse("WH-EC", fixture, store)
            var received: [Int] = []
            for number in ["DRUM-200", "FUSER-200", "ROLLER-200"] {
                let part = try await Self.part(number, store)
                _ = try await stock.receive(.init(partId: part.id, warehouseId: branch.id, quantity: 20), by: tester)
                received.append(part.id)
            }
            let parts = received
            var engineers: [Int] = []
            for index in 0..<5 {
                let person = try await engineer("e\(index)", level: 3, home: (31.2, 121.4), fixture, store)
                _ = try await Records<WarehouseRecord>(store).create(
                    .init(
                        code: "VAN-E\(index)", name: "van \(index)", kind: .van, orgUnitId: fixture.branch.id,
                        engineerId: person.id), by: tester)
                engineers.append(person.id)
            }
            let entriesBefore = try await count("stock_ledger", store)
            let started = ContinuousClock.now
            let deadline = started + .milliseconds(Int(seconds * 1000))
            // when: 50 workers issue 1 or 2 and return 1, while a monitor samples every balance
            let tally = try await withThrowingTaskGroup(of: Tally.self) { group in
                group.addTask {
                    var tally = Tally()
                    while ContinuousClock.now < deadline {
                        let rows = try await stock.balances(BalanceFilter(), page: PageRequest(limit: 100)).items
                        tally.samples += 1
                        for row in rows
                        where row.onHand < 0 || row.reserved < 0 || row.inTransit < 0 || row.reserved > row.onHand {
                            tally.violations.append(
                                "\(row.partNumber) in \(row.warehouseCode): on hand \(row.onHand), reserved \(row.reserved)"
                            )
                        }
                        try await Task.sleep(for: .milliseconds(50))
                    }
                    return tally
                }
                for worker in 0..<50 {
                    let engineerId = engineers[worker % engineers.count]
                    group.addTask {
                        var tally = Tally()
                        while ContinuousClock.now < deadline {
                            let part = parts.randomElement()!
                            do {
                                _ = try await stock.issue(
                                    .init(
                                        partId: part, quantity: Double(Int.random(in: 1...2)), warehouseId: branch.id,
                                        engineerId: engineerId), by: tester)
                                tally.issues += 1
                            } catch let refused as StockShortage {
                                tally.refuse(refused)
                            }
                            do {
                                _ = try await stock.returnUnused(
                                    .init(partId: part, quantity: 1, warehouseId: branch.id, engineerId: engineerId),
                                    by: tester)
                                tally.returns += 1
                            } catch let refused as StockShortage {
                                tally.refuse(refused)
                            }
                        }
                        return tally
                    }
                }
                return try await group.reduce(into: Tally()) { $0.add($1) }
            }
            let elapsed = ContinuousClock.now - started
            print(
                "stock stress on \(database): \(elapsed), \(tally.issues) issues, \(tally.returns) returns, "
                    + "\(tally.refusals) refusals, \(tally.samples) balance samples")
            // then: never a negative or over-reserved balance, and the ledger sums to every balance
            #expect(tally.samples > 0)
            #expect(tally.violations.isEmpty, "\(tally.violations.prefix(5))")
            #expect(tally.issues > 0)
            #expect(tally.returns > 0)
            #expect(tally.unexpectedMessages.isEmpty, "\(tally.unexpectedMessages.prefix(5))")
            #expect(try await stock.verify().isEmpty)
            for part in parts {
                let everywhere = try await stock.of(partId: part)
                #expect(everywhere.onHand == 20)
                #expect(everywhere.warehouses.allSatisfy { $0.onHand >= 0 && $0.reserved == 0 && $0.inTransit == 0 })
            }
            #expect(try await count("stock_ledger", store) - entriesBefore == 2 * (tally.issues + tally.returns))
        }
    }

    @Test("a serial-tracked part is in one place only, and its serials match its quantity", arguments: TestDatabase.all)
    func serials(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: two boards with serials S1 and S2
            let fixture = try await Fixture.make(store)
            let stock = Stock(store)
            let board = try await Self.part("BOARD-200", store, serialTracked: true)
            let branch = try await Self.warehouse("WH-EC", fixture, store)
            let li = try await engineer("li", level: 3, home: (31.2, 121.4), fixture, store)
            let received = try await stock.receive(
                .init(partId: board.id, warehouseId: branch.id, quantity: 2, serials: ["S1", "S2"]), by: tester)
            #expect(received.entries.map(\.serial) == ["S1", "S2"])
            #expect(received.entries.map(\.onHand) == [1, 1])
            // when: S1 goes to Li's van
            let issued = try await stock.issue(
                .init(partId: board.id, quantity: 1, warehouseId: branch.id, engineerId: li.id, serials: ["S1"]),
                by: tester)
            #expect(issued.entries.map(\.serial) == ["S1", "S1"])
            // then: it cannot go again, be received again, and an unknown serial cannot be issued
            let twice = await #expect(throws: SerialNotAvailable.self) {
                try await stock.issue(
                    .init(partId: board.id, quantity: 1, warehouseId: branch.id, engineerId: li.id, serials: ["S1"]),
                    by: tester)
            }
            #expect(twice?.serial == "S1")
            #expect(twice?.message.contains("WH-EC") == true)
            let again = await #expect(throws: SerialNotAvailable.self) {
                try await stock.receive(
                    .init(partId: board.id, warehouseId: branch.id, quantity: 1, serials: ["S1"]), by: tester)
            }
            #expect(again?.serial == "S1")
            await #expect(throws: SerialNotAvailable.self) {
                try await stock.issue(
                    .init(partId: board.id, quantity: 1, warehouseId: branch.id, engineerId: li.id, serials: ["S9"]),
                    by: tester)
            }
            // and the quantity must be one piece per serial
            let mismatch = await #expect(throws: ValidationError.self) {
                try await stock.issue(
                    .init(partId: board.id, quantity: 2, warehouseId: branch.id, engineerId: li.id, serials: ["S2"]),
                    by: tester)
            }
            #expect(mismatch?.fields["serials"] != nil)
            let missing = await #expect(throws: ValidationError.self) {
                try await stock.issue(
                    .init(partId: board.id, quantity: 1, warehouseId: branch.id, engineerId: li.id), by: tester)
            }
            #expect(missing?.fields["serials"] != nil)
            // where each serial is
            let van = try #require(try await stock.van(engineerId: li.id))
            let s1 = try #require(try await stock.serial(partId: board.id, serial: "S1"))
            #expect(s1.warehouseId == van.id)
            #expect(s1.status == .inStock)
            #expect(try await stock.serial(partId: board.id, serial: "S2")?.warehouseId == branch.id)
            #expect(try await stock.serial(partId: board.id, serial: "S9") == nil)
            #expect(try await Self.balance(stock, board.id, branch.id)?.onHand == 1)
            #expect(try await Self.balance(stock, board.id, van.id)?.onHand == 1)
            #expect(try await stock.verify().isEmpty)
        }
    }

    @Test("quantities that make no sense for the unit are refused on the quantity field", arguments: TestDatabase.all)
    func quantities(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let stock = Stock(store)
            let drum = try await Self.part("DRUM-200", store)
            let cable = try await Self.part("CABLE-1", store, unit: .metre)
            let branch = try await Self.warehouse("WH-EC", fixture, store)
            let range = FieldProblem.outOfRange(min: 1, max: Quantity.maximum)
            // when / then
            for (part, quantity, problem) in [
                (drum.id, 0.0, range),
                (drum.id, -1, range),
                (drum.id, 1.5, .invalidFormat(expected: "a whole number of pieces")),
                (drum.id, 2_000_000, range),
                (cable.id, 0.0001, .invalidFormat(expected: "a number with at most 3 decimals")),
            ] as [(Int, Double, FieldProblem)] {
                let refused = await #expect(throws: ValidationError.self, "\(quantity)") {
                    try await stock.receive(.init(partId: part, warehouseId: branch.id, quantity: quantity), by: tester)
                }
                #expect(refused?.fields["quantity"] == problem, "\(quantity)")
            }
            #expect(try await count("stock_ledger", store) == 0)
            // and a metre and a half of cable is fine, kept as 1500 thousandths
            let cut = try await stock.receive(
                .init(partId: cable.id, warehouseId: branch.id, quantity: 1.5), by: tester)
            #expect(cut.entries.map(\.onHand) == [1.5])
            #expect(try await Self.balance(stock, cable.id, branch.id)?.onHand == 1.5)
            let stored = try await store.sql.raw(
                "SELECT on_hand FROM stock_balances WHERE part_id = \(bind: cable.id)"
            ).first(decodingColumn: "on_hand", as: Int.self)
            #expect(stored == 1500)
        }
    }

    @Test("dated lots go first expiring first; expired lots stay and are reported", arguments: TestDatabase.all)
    func firstExpiringFirst(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: on Monday 2026-11-23, toner lots expiring 2027-03-01 (5), 2027-01-01 (5) and 2026-11-01 (3)
            let store = at(store, monday9)
            let fixture = try await Fixture.make(store)
            let stock = Stock(store)
            let toner = try await Self.part("TONER-200", store, shelfLifeDays: 365)
            let branch = try await Self.warehouse("WH-EC", fixture, store)
            let li = try await engineer("li", level: 3, home: (31.2, 121.4), fixture, store)
            for (iso, quantity) in [("2027-03-01", 5.0), ("2027-01-01", 5), ("2026-11-01", 3)] {
                _ = try await stock.receive(
                    .init(partId: toner.id, warehouseId: branch.id, quantity: quantity, expiresOn: .init(iso: iso)),
                    by: tester)
            }
            // when
            let issued = try await stock.issue(
                .init(partId: toner.id, quantity: 7, warehouseId: branch.id, engineerId: li.id), by: tester)
            // then: five of the January lot, two of the March lot, and the van's lots follow
            let van = try #require(try await stock.van(engineerId: li.id))
            let out = issued.entries.filter { $0.warehouseId == branch.id }
            #expect(out.map(\.expiresOn) == ["2027-01-01", "2027-03-01"])
            #expect(out.map(\.onHand) == [-5, -2])
            let into = issued.entries.filter { $0.warehouseId == van.id }
            #expect(into.map(\.expiresOn) == ["2027-01-01", "2027-03-01"])
            #expect(into.map(\.onHand) == [5, 2])
            // and the expired lot is not issued though it is on hand
            #expect(try await Self.balance(stock, toner.id, branch.id)?.onHand == 6)
            let refused = await #expect(throws: StockShortage.self) {
                try await stock.issue(
                    .init(partId: toner.id, quantity: 4, warehouseId: branch.id, engineerId: li.id), by: tester)
            }
            #expect(refused?.shortfall.present == 3_000)
            // but it is reported, with nothing else expiring within 30 days
            let warnings = try await stock.expiring(within: 30)
            #expect(warnings.count == 1)
            let expired = try #require(warnings.first)
            #expect(expired.expiresOn == "2026-11-01")
            #expect(expired.warehouseId == branch.id)
            #expect(expired.quantity == 3)
            #expect(expired.expired)
            #expect(try await stock.verify().isEmpty)
        }
    }

    @Test("a transfer is in transit at the receiver until received, and is received once", arguments: TestDatabase.all)
    func transfer(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let stock = Stock(store)
            let drum = try await Self.part("DRUM-200", store)
            let a = try await Self.warehouse("WH-A", fixture, store)
            let b = try await Self.warehouse("WH-B", fixture, store)
            _ = try await stock.receive(.init(partId: drum.id, warehouseId: a.id, quantity: 10), by: tester)
            // when
            let shipped = try await stock.transfer(
                .init(partId: drum.id, quantity: 4, warehouseId: a.id, toWarehouseId: b.id), by: tester)
            // then
            let transferId = try #require(shipped.transferId)
            #expect(try await Self.balance(stock, drum.id, a.id)?.onHand == 6)
            let inTransit = try #require(try await Self.balance(stock, drum.id, b.id))
            #expect(inTransit.inTransit == 4)
            #expect(inTransit.onHand == 0)
            #expect(try await stock.of(partId: drum.id).inTransit == 4)
            // when
            let received = try await stock.receiveTransfer(transferId, by: tester)
            // then
            #expect(received.entries.map(\.kind) == [.transferIn])
            let arrived = try #require(try await Self.balance(stock, drum.id, b.id))
            #expect(arrived.onHand == 4)
            #expect(arrived.inTransit == 0)
            let entriesBefore = try await count("stock_ledger", store)
            let twice = await #expect(throws: TransferAlreadyReceived.self) {
                try await stock.receiveTransfer(transferId, by: tester)
            }
            #expect(twice?.id == transferId)
            #expect(try await count("stock_ledger", store) == entriesBefore)
            #expect(try await Self.balance(stock, drum.id, b.id)?.onHand == 4)
            #expect(try await stock.of(partId: drum.id).onHand == 10)
            #expect(try await stock.verify().isEmpty)
        }
    }

    @Test("a correction is a new entry naming the one it undoes; entries never change", arguments: TestDatabase.all)
    func correction(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: a receipt of 5 typed by mistake
            let fixture = try await Fixture.make(store)
            let stock = Stock(store)
            let drum = try await Self.part("DRUM-200", store)
            let branch = try await Self.warehouse("WH-EC", fixture, store)
            let li = try await engineer("li", level: 3, home: (31.2, 121.4), fixture, store)
            let mistake = try #require(
                try await stock.receive(.init(partId: drum.id, warehouseId: branch.id, quantity: 5), by: tester)
                    .entries.first)
            // when
            let corrected = try await stock.correct(entryId: mistake.id, reason: "received twice", by: tester)
            // then
            let entry = try #require(corrected.entries.first)
            #expect(corrected.entries.count == 1)
            #expect(entry.kind == .correction)
            #expect(entry.correctsId == mistake.id)
            #expect(entry.onHand == -5)
            #expect(entry.reason == "received twice")
            #expect(try await Self.balance(stock, drum.id, branch.id)?.onHand == 0)
            // and neither it nor the correction may be corrected again
            let again = await #expect(throws: ValidationError.self) {
                try await stock.correct(entryId: mistake.id, reason: "once more", by: tester)
            }
            #expect(again?.fields["entryId"] != nil)
            await #expect(throws: ValidationError.self) {
                try await stock.correct(entryId: entry.id, reason: "undo the undo", by: tester)
            }
            let noReason = await #expect(throws: ValidationError.self) {
                try await stock.correct(entryId: mistake.id, reason: " ", by: tester)
            }
            #expect(noReason?.fields["reason"] == .required)
            // when: a receipt whose parts have already gone into a van
            let gone = try #require(
                try await stock.receive(.init(partId: drum.id, warehouseId: branch.id, quantity: 5), by: tester)
                    .entries.first)
            _ = try await stock.issue(
                .init(partId: drum.id, quantity: 5, warehouseId: branch.id, engineerId: li.id), by: tester)
            let entriesBefore = try await count("stock_ledger", store)
            // then: undoing it would make the stock negative
            await #expect(throws: StockShortage.self) {
                try await stock.correct(entryId: gone.id, reason: "wrong delivery", by: tester)
            }
            #expect(try await count("stock_ledger", store) == entriesBefore)
            #expect(try await Self.balance(stock, drum.id, branch.id)?.onHand == 0)
            // and the corrected entries read back exactly as they were written
            let entries = try await Self.entries(stock, part: drum.id)
            #expect(entries.first { $0.id == mistake.id } == mistake)
            #expect(entries.first { $0.id == gone.id } == gone)
            #expect(entries.map(\.kind) == [.receipt, .correction, .receipt, .issue, .issue])
            #expect(try await stock.verify().isEmpty)
        }
    }

    @Test("a write-off needs a reason", arguments: TestDatabase.all)
    func writeOffReason(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let stock = Stock(store)
            let drum = try await Self.part("DRUM-200", store)
            let branch = try await Self.warehouse("WH-EC", fixture, store)
            _ = try await stock.receive(.init(partId: drum.id, warehouseId: branch.id, quantity: 5), by: tester)
            // when / then
            for reason in [nil, "", "   "] as [String?] {
                let refused = await #expect(throws: ValidationError.self, "\(String(describing: reason))") {
                    try await stock.writeOff(
                        .init(partId: drum.id, quantity: 1, warehouseId: branch.id, reason: reason), by: tester)
                }
                #expect(refused?.fields["reason"] == .required, "\(String(describing: reason))")
            }
            #expect(try await Self.balance(stock, drum.id, branch.id)?.onHand == 5)
            let written = try await stock.writeOff(
                .init(partId: drum.id, quantity: 2, warehouseId: branch.id, reason: "cracked in transport"), by: tester)
            #expect(written.entries.map(\.kind) == [.writeOff])
            #expect(written.entries.map(\.onHand) == [-2])
            #expect(written.entries.first?.reason == "cracked in transport")
            #expect(try await Self.balance(stock, drum.id, branch.id)?.onHand == 3)
            #expect(try await stock.verify().isEmpty)
        }
    }
}

/// What the workers and the monitor of the concurrency test saw.
private struct Tally: Sendable {
    var issues = 0
    var returns = 0
    var refusals = 0
    var unexpectedMessages: [String] = []
    var samples = 0
    var violations: [String] = []

    mutating func refuse(_ shortage: StockShortage) {
        refusals += 1
        if !shortage.message.contains("not enough") { unexpectedMessages.append(shortage.message) }
    }

    mutating func add(_ other: Tally) {
        issues += other.issues
        returns += other.returns
        refusals += other.refusals
        unexpectedMessages += other.unexpectedMessages
        samples += other.samples
        violations += other.violations
    }
}

extension StockLedgerStoreTests {
    /// A catalogue part.
    fileprivate static func part(
        _ number: String, _ store: Store, unit: UnitOfMeasure = .piece, serialTracked: Bool? = nil,
        shelfLifeDays: Int? = nil
    ) async throws -> PartRecord.View {
        try await Records<PartRecord>(store).create(
            .init(
                partNumber: number, name: "part \(number)", unit: unit, serialTracked: serialTracked,
                shelfLifeDays: shelfLifeDays), by: tester)
    }

    /// A branch warehouse of the fixture's branch.
    fileprivate static func warehouse(_ code: String, _ fixture: Fixture, _ store: Store) async throws
        -> WarehouseRecord.View
    {
        try await Records<WarehouseRecord>(store).create(
            .init(code: code, name: "warehouse \(code)", kind: .branch, orgUnitId: fixture.branch.id), by: tester)
    }

    /// The balance of a part in a warehouse, if it has one.
    fileprivate static func balance(_ stock: Stock, _ partId: Int, _ warehouseId: Int) async throws
        -> StockBalanceView?
    {
        try await stock.balances(BalanceFilter(partId: partId, warehouseId: warehouseId), page: PageRequest()).items
            .first
    }

    /// A part's ledger, oldest first.
    fileprivate static func entries(_ stock: Stock, part: Int) async throws -> [LedgerEntryView] {
        try await stock.ledger(LedgerFilter(partId: part), page: PageRequest(limit: 200)).items.reversed()
    }
}
