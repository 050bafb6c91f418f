import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import SQLKit
import Testing

/// The rules that keep documents, serials and dated lots in step with the stock.
@Suite("Stock rules that keep documents, serials and lots in step")
struct StockRulesStoreTests {
    typealias W = PartsWorkflowStoreTests

    @Test(
        "only a standalone receipt or write-off of an untracked part can be corrected, and only once",
        arguments: TestDatabase.all)
    func corrections(database: TestDatabase) async throws {
        try await database.withStore { store in
            let fixture = try await Fixture.make(store)
            let part = try await W.part("CR-1", store)
            let tracked = try await W.part("CR-2", store, tracked: true)
            let a = try await W.warehouse("WH-A", fixture, store)
            let b = try await W.warehouse("WH-B", fixture, store)
            let stock = Stock(store)
            _ = try await stock.receive(.init(partId: part.id, warehouseId: a.id, quantity: 5), by: tester)
            let sent = try await stock.transfer(
                .init(partId: part.id, quantity: 2, warehouseId: a.id, toWarehouseId: b.id), by: tester)
            let serial = try await stock.receive(
                .init(partId: tracked.id, warehouseId: a.id, quantity: 1, serials: ["T-1"]), by: tester)
            // the transfer's entries and the tracked part's receipt are not corrected by reversal
            for entry in sent.entries + serial.entries {
                await #expect(throws: ValidationError.self) {
                    try await stock.correct(entryId: entry.id, reason: "typo", by: tester)
                }
            }
            // a mis-keyed plain receipt is, once
            let receipt = try await stock.receive(.init(partId: part.id, warehouseId: a.id, quantity: 1), by: tester)
            let corrected = try await stock.correct(entryId: receipt.entries[0].id, reason: "typo", by: tester)
            #expect(corrected.entries.map(\.correctsId) == [receipt.entries[0].id])
            await #expect(throws: ValidationError.self) {
                try await stock.correct(entryId: receipt.entries[0].id, reason: "again", by: tester)
            }
            #expect(try await stock.verify().isEmpty)
        }
    }

    @Test("a transfer keeps the expiry dates of the lots it moves", arguments: TestDatabase.all)
    func transferKeepsLots(database: TestDatabase) async throws {
        try await database.withStore { base in
            let store = at(base, monday9)
            let fixture = try await Fixture.make(store)
            let oil = try await W.part("OIL-1", store, unit: .litre, shelfLifeDays: 365)
            let a = try await W.warehouse("WH-A", fixture, store)
            let b = try await W.warehouse("WH-B", fixture, store)
            let stock = Stock(store)
            let soon = CalendarDate(year: 2026, month: 12, day: 10)!
            _ = try await stock.receive(
                .init(partId: oil.id, warehouseId: a.id, quantity: 2.5, expiresOn: soon), by: tester)
            let sent = try await stock.transfer(
                .init(partId: oil.id, quantity: 2.5, warehouseId: a.id, toWarehouseId: b.id), by: tester)
            _ = try await stock.receiveTransfer(sent.transferId!, by: tester)
            let warnings = try await stock.expiring(within: 30)
            #expect(warnings.map(\.warehouseCode) == ["WH-B"])
            #expect(warnings.first?.quantity == 2.5)
            #expect(warnings.first?.expiresOn == "2026-12-10")
            #expect(try await stock.verify().isEmpty)
        }
    }

    @Test(
        "faulty parts handed in are capped by what was fitted; quarantined faulty serials can be written off",
        arguments: TestDatabase.all)
    func faultyParts(database: TestDatabase) async throws {
        try await database.withStore { base in
            let store = at(base, monday9)
            let fixture = try await Fixture.make(store)
            let board = try await W.part("PCB-1", store, tracked: true)
            let branch = try await W.warehouse("WH-EC", fixture, store)
            let quarantine = try await W.warehouse("WH-Q", fixture, store, kind: .quarantine)
            try await W.receive(board, 1, into: branch, store, serials: ["NEW-1"])
            let li = try await engineer("li", level: 3, home: (31.2, 121.4), fixture, store)
            let visit = try await triagedVisit(fixture, store)
            let requisitions = Requisitions(store)
            let r = try await requisitions.create(
                .init(engineerId: li.id, warehouseId: branch.id, visitId: visit.id, lines: W.lines([(board, 1)])),
                by: tester)
            _ = try await requisitions.post(.init(event: .approve), to: r.id, roles: W.keeper, by: tester)
            _ = try await requisitions.post(
                .init(event: .issue, issueSerials: ["PCB-1": ["NEW-1"]]), to: r.id, roles: W.keeper, by: tester)
            // nothing fitted yet: nothing faulty to hand in
            await #expect(throws: ValidationError.self) {
                try await requisitions.post(
                    .init(event: .returnFaulty, partId: board.id, quantity: 1, faultySerial: "OLD-1"), to: r.id,
                    roles: W.keeper, by: tester)
            }
            _ = try await requisitions.post(
                .init(event: .consume, partId: board.id, quantity: 1, serials: ["NEW-1"], faultySerial: "OLD-1"),
                to: r.id, roles: W.keeper, by: tester)
            _ = try await requisitions.post(
                .init(event: .returnFaulty, partId: board.id, quantity: 1, faultySerial: "OLD-1"), to: r.id,
                roles: W.keeper, by: tester)
            // a second faulty part for one fitted is refused
            await #expect(throws: ValidationError.self) {
                try await requisitions.post(
                    .init(event: .returnFaulty, partId: board.id, quantity: 1, faultySerial: "OLD-2"), to: r.id,
                    roles: W.keeper, by: tester)
            }
            #expect(try await Stock(store).serial(partId: board.id, serial: "OLD-1")?.status == .faulty)
            // scrapped from quarantine
            _ = try await Stock(store).writeOff(
                .init(partId: board.id, quantity: 1, warehouseId: quarantine.id, serials: ["OLD-1"], reason: "scrap"),
                by: tester)
            #expect(try await Stock(store).serial(partId: board.id, serial: "OLD-1")?.status == .writtenOff)
            #expect(try await W.balance(store, board.id, quarantine.id)?.onHand == 0)
            #expect(try await Stock(store).verify().isEmpty)
        }
    }

    @Test(
        "what stock is counted in cannot change under existing stock; tracked parts have no shelf life",
        arguments: TestDatabase.all)
    func catalogueChanges(database: TestDatabase) async throws {
        try await database.withStore { store in
            let fixture = try await Fixture.make(store)
            let part = try await W.part("CH-1", store)
            let parts = Records<PartRecord>(store)
            // no stock yet: the unit may change
            let metres = try await parts.update(part.id, expectedVersion: 1, by: tester) {
                var input = $0
                input.unit = .metre
                return input
            }
            try await W.receive(metres, 1.5, into: try await W.warehouse("WH-A", fixture, store), store)
            await #expect(throws: ValidationError.self) {
                try await parts.update(part.id, expectedVersion: 2, by: tester) {
                    var input = $0
                    input.unit = .piece
                    return input
                }
            }
            await #expect(throws: ValidationError.self) {
                try await parts.create(
                    .init(partNumber: "CH-2", name: "both", serialTracked: true, shelfLifeDays: 30), by: tester)
            }
        }
    }

    @Test(
        "a stocktake variance on a serial-tracked part is refused on approval; a delivery cannot list a line twice",
        arguments: TestDatabase.all)
    func trackedCountsAndDuplicateLines(database: TestDatabase) async throws {
        try await database.withStore { store in
            let fixture = try await Fixture.make(store)
            let board = try await W.part("PCB-2", store, tracked: true)
            let branch = try await W.warehouse("WH-EC", fixture, store)
            try await W.receive(board, 2, into: branch, store, serials: ["S-1", "S-2"])
            let takes = Stocktakes(store)
            let take = try await takes.start(.init(warehouseId: branch.id), by: tester)
            _ = try await takes.count(.init(partId: board.id, quantity: 1), stocktake: take.id, by: tester)
            await #expect(throws: ValidationError.self) { try await takes.approve(take.id, by: tester) }
            #expect(try await W.balance(store, board.id, branch.id)?.onHand == 2)
            #expect(try await takes.get(take.id).status == .counting)
            // purchasing: the same line twice in one delivery
            let roller = try await W.part("RL-2", store)
            let order = try await Purchasing(store).create(
                .init(
                    supplier: "s", warehouseId: branch.id, lines: [.init(partId: roller.id, quantity: 3, unitPrice: 1)]),
                by: tester)
            let line = order.lines[0].id
            await #expect(throws: ValidationError.self) {
                try await Purchasing(store).receive(
                    .init(lines: [.init(lineId: line, quantity: 2), .init(lineId: line, quantity: 2)]), order: order.id,
                    by: tester)
            }
            #expect(try await Purchasing(store).get(order.id).lines[0].received == 0)
        }
    }
}
