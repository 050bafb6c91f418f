import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import SQLKit
import Testing

/// Requisitions, purchasing, stocktakes, imports and reports over the stock ledger. Every test runs
/// with the store's clock at Monday 10:00 (`hour(10)`), so that reports can be asked for a known window.
@Suite("Parts workflows in the store: requisitions, purchasing, stocktakes, imports, reports (R-7.4–R-7.6)")
struct PartsWorkflowStoreTests {
    static let keeper: Set<Role> = [.warehouseKeeper]
    static let manager: Set<Role> = [.serviceManager]

    // MARK: Helpers

    static func part(
        _ number: String, _ store: Store, unit: UnitOfMeasure = .piece, price: Int? = nil, partClass: PartClass? = nil,
        tracked: Bool? = nil, shelfLifeDays: Int? = nil, suppliers: [PartSupplier]? = nil
    ) async throws -> PartRecord.View {
        try await Records<PartRecord>(store).create(
            .init(
                partNumber: number, name: "part \(number)", unit: unit, partClass: partClass, serialTracked: tracked,
                shelfLifeDays: shelfLifeDays, suppliers: suppliers, lastPrice: price), by: tester)
    }

    static func warehouse(
        _ code: String, _ fixture: Fixture, _ store: Store, kind: WarehouseKind = .branch
    ) async throws -> WarehouseRecord.View {
        try await Records<WarehouseRecord>(store).create(
            .init(code: code, name: "warehouse \(code)", kind: kind, orgUnitId: fixture.branch.id), by: tester)
    }

    static func receive(
        _ part: PartRecord.View, _ quantity: Double, into warehouse: WarehouseRecord.View, _ store: Store,
        serials: [String]? = nil
    ) async throws {
        _ = try await Stock(store).receive(
            .init(partId: part.id, warehouseId: warehouse.id, quantity: quantity, serials: serials), by: tester)
    }

    /// The balance of a part in a warehouse, `nil` when it has never had a movement there.
    static func balance(_ store: Store, _ partId: Int, _ warehouseId: Int) async throws -> StockBalanceView? {
        try await Stock(store).balances(BalanceFilter(partId: partId, warehouseId: warehouseId), page: PageRequest())
            .items.first
    }

    static func lines(_ parts: [(PartRecord.View, Double)]) -> [RequisitionInput.Line] {
        parts.map { RequisitionInput.Line(partId: $0.0.id, quantity: $0.1) }
    }

    /// A triaged request with one visit whose preparation lists `parts`, optionally assigned to an engineer.
    static func preparedVisit(
        _ fixture: Fixture, _ store: Store, parts: [VisitPreparation.Part], engineerId: Int?, category: String? = nil
    ) async throws -> VisitView {
        let requests = ServiceRequests(at(store, monday9))
        let request = try await requests.register(repair(fixture), by: tester)
        _ = try await requests.post(.init(event: .triage, category: category), to: request.id, by: tester)
        let visits = Visits(at(store, monday9))
        let visit = try await visits.create(
            VisitInput(
                purpose: .repair, preparation: VisitPreparation(tools: [], parts: parts, loanerUnit: false),
                latitude: 31.23, longitude: 121.47), requestId: request.id, by: tester)
        guard let engineerId else { return visit }
        return try await visits.post(.init(event: .assign, engineerId: engineerId), to: visit.id, by: tester).visit
    }

    // MARK: Requisitions

    @Test(
        "a requisition goes from request to close: reserved, issued into the van, consumed, returned, written off",
        arguments: TestDatabase.all)
    func requisitionLife(database: TestDatabase) async throws {
        try await database.withStore { base in
            // given: drums and toner in the branch warehouse, a quarantine warehouse, Li and a visit
            let store = at(base, hour(10))
            let fixture = try await Fixture.make(store)
            let stock = Stock(store)
            let drum = try await Self.part("DRUM-300", store, price: 20_000)
            let toner = try await Self.part("TONER-300", store, price: 5_000)
            let branch = try await Self.warehouse("WH-EC", fixture, store)
            #expect(branch.approvalLimit == WarehouseRecord.defaultApprovalLimit)
            let quarantine = try await Self.warehouse("WH-EC-Q", fixture, store, kind: .quarantine)
            try await Self.receive(drum, 10, into: branch, store)
            try await Self.receive(toner, 5, into: branch, store)
            let li = try await engineer("li", level: 3, home: (31.2, 121.4), fixture, store)
            let visit = try await triagedVisit(fixture, store)
            let requisitions = Requisitions(store)
            // when: requested
            let requested = try await requisitions.create(
                RequisitionInput(
                    engineerId: li.id, warehouseId: branch.id, visitId: visit.id,
                    lines: Self.lines([(drum, 2), (toner, 1)])), by: tester)
            // then
            #expect(requested.status == .requested)
            #expect(requested.number.hasPrefix("RQ"))
            #expect(requested.value == 45_000)
            #expect(requested.approverRole == .warehouseKeeper)
            #expect(requested.visitId == visit.id)
            #expect(requested.lines.map(\.partNumber) == ["DRUM-300", "TONER-300"])
            #expect(requested.lines.map(\.quantity) == [2, 1])
            // when: approved by the keeper
            let approved = try await requisitions.post(
                .init(event: .approve), to: requested.id, roles: Self.keeper, by: tester)
            // then: reserved, not yet moved
            #expect(approved.status == .approved)
            let reservedDrum = try #require(try await Self.balance(store, drum.id, branch.id))
            #expect(reservedDrum.onHand == 10)
            #expect(reservedDrum.reserved == 2)
            #expect(reservedDrum.available == 8)
            #expect(try await Self.balance(store, toner.id, branch.id)?.available == 4)
            #expect(try await stock.van(engineerId: li.id) == nil)
            // when: issued
            let issued = try await requisitions.post(
                .init(event: .issue), to: requested.id, roles: Self.keeper, by: tester)
            // then: out of the warehouse (and its reservation), into Li's new van
            #expect(issued.status == .issued)
            let van = try #require(try await stock.van(engineerId: li.id))
            #expect(van.kind == .van)
            let afterIssue = try #require(try await Self.balance(store, drum.id, branch.id))
            #expect(afterIssue.onHand == 8)
            #expect(afterIssue.reserved == 0)
            #expect(try await Self.balance(store, drum.id, van.id)?.onHand == 2)
            #expect(try await Self.balance(store, toner.id, van.id)?.onHand == 1)
            #expect(issued.lines.map(\.issued) == [2, 1])
            #expect(issued.lines.map(\.outstanding) == [2, 1])
            // when: one drum fitted (the old one, not serial-tracked, had a serial on it), the toner comes back unused,
            // the faulty drum is handed in
            let consumed = try await requisitions.post(
                .init(event: .consume, partId: drum.id, quantity: 1, faultySerial: "OLD-DRUM-1"), to: requested.id,
                roles: [], by: tester)
            let returned = try await requisitions.post(
                .init(event: .returnUnused, partId: toner.id, quantity: 1), to: requested.id, roles: [], by: tester)
            let handedIn = try await requisitions.post(
                .init(event: .returnFaulty, partId: drum.id, quantity: 1, faultySerial: "OLD-DRUM-1"),
                to: requested.id, roles: [], by: tester)
            // then
            #expect(consumed.lines.first?.consumed == 1)
            #expect(returned.lines.last?.returned == 1)
            #expect(handedIn.lines.first?.outstanding == 1)
            let consumption = try await stock.ledger(
                LedgerFilter(partId: drum.id, kinds: [.consumption]), page: PageRequest()
            ).items
            #expect(consumption.count == 1)
            #expect(consumption.first?.faultySerial == "OLD-DRUM-1")
            #expect(consumption.first?.visitId == visit.id)
            #expect(consumption.first?.requisitionId == requested.id)
            #expect(consumption.first?.warehouseId == van.id)
            #expect(try await Self.balance(store, drum.id, van.id)?.onHand == 1)
            #expect(try await Self.balance(store, toner.id, van.id)?.onHand == 0)
            #expect(try await Self.balance(store, toner.id, branch.id)?.onHand == 5)
            #expect(try await Self.balance(store, drum.id, quarantine.id)?.onHand == 1)
            // when: closing while a drum is still with Li
            let unsettled = await #expect(throws: RequisitionNotSettled.self) {
                try await requisitions.post(.init(event: .close), to: requested.id, roles: Self.keeper, by: tester)
            }
            // then
            #expect(unsettled?.outstanding == ["DRUM-300 × 1"])
            #expect(try await requisitions.get(requested.id).status == .issued)
            // when: a write-off needs a reason; with one, the requisition settles and closes
            await #expect(throws: ValidationError(["reason": .required])) {
                try await requisitions.post(
                    .init(event: .writeOff, partId: drum.id, quantity: 1), to: requested.id, roles: Self.keeper,
                    by: tester)
            }
            _ = try await requisitions.post(
                .init(event: .writeOff, reason: "dropped and cracked", partId: drum.id, quantity: 1), to: requested.id,
                roles: Self.keeper, by: tester)
            let closed = try await requisitions.post(
                .init(event: .close), to: requested.id, roles: Self.keeper, by: tester)
            // then
            #expect(closed.status == .closed)
            #expect(closed.allowedEvents.isEmpty)
            #expect(closed.lines.allSatisfy { $0.outstanding == 0 })
            #expect(closed.lines.first?.writtenOff == 1)
            #expect(
                closed.timeline.map(\.event) == [
                    .request, .approve, .issue, .consume, .returnUnused, .returnFaulty, .writeOff, .close,
                ])
            #expect(closed.timeline.last?.from == .issued)
            #expect(closed.timeline.last?.to == .closed)
            #expect(closed.timeline.first { $0.event == .writeOff }?.reason == "dropped and cracked")
            #expect(try await Self.balance(store, drum.id, van.id)?.onHand == 0)
            let writeOffs = try await stock.ledger(
                LedgerFilter(partId: drum.id, kinds: [.writeOff]), page: PageRequest()
            ).items
            #expect(writeOffs.map(\.reason) == ["dropped and cracked"])
            let audited = try await store.sql.raw(
                """
                SELECT COUNT(*) AS n FROM audit_log WHERE entity = 'requisition' AND entity_id = \(bind: requested.id)
                """
            ).first(decodingColumn: "n", as: Int.self)
            #expect(audited == 8)
            #expect(try await stock.verify().isEmpty)
        }
    }

    @Test(
        "beyond the keeper's limit or with a class A part a manager approves; steps out of turn are refused",
        arguments: TestDatabase.all)
    func approvalRules(database: TestDatabase) async throws {
        try await database.withStore { base in
            // given: an expensive board, a cheap class A sensor and a cheap class C roller
            let store = at(base, hour(10))
            let fixture = try await Fixture.make(store)
            let board = try await Self.part("BOARD-300", store, price: 150_000)
            let sensor = try await Self.part("SENSOR-300", store, price: 1_000, partClass: .a)
            let roller = try await Self.part("ROLLER-300", store, price: 1_000)
            let branch = try await Self.warehouse("WH-EC", fixture, store)
            for part in [board, sensor, roller] { try await Self.receive(part, 5, into: branch, store) }
            let li = try await engineer("li", level: 3, home: (31.2, 121.4), fixture, store)
            let requisitions = Requisitions(store)
            func request(_ part: PartRecord.View, _ quantity: Double) async throws -> RequisitionView {
                try await requisitions.create(
                    RequisitionInput(engineerId: li.id, warehouseId: branch.id, lines: Self.lines([(part, quantity)])),
                    by: tester)
            }
            let expensive = try await request(board, 2)
            let classA = try await request(sensor, 1)
            let ordinary = try await request(roller, 1)
            // then: the approver follows the value (300 000 > 200 000) and the class
            #expect(expensive.value == 300_000)
            #expect(expensive.approverRole == .serviceManager)
            #expect(classA.approverRole == .serviceManager)
            #expect(ordinary.approverRole == .warehouseKeeper)
            // when / then: the keeper may not approve the first two, and nothing changes
            let notAllowed = await #expect(throws: ApprovalNotAllowed.self) {
                try await requisitions.post(.init(event: .approve), to: expensive.id, roles: Self.keeper, by: tester)
            }
            #expect(notAllowed?.needed == .serviceManager)
            #expect(notAllowed?.value == 300_000)
            await #expect(throws: ApprovalNotAllowed.self) {
                try await requisitions.post(.init(event: .approve), to: classA.id, roles: Self.keeper, by: tester)
            }
            let unchanged = try await requisitions.get(expensive.id)
            #expect(unchanged.status == .requested)
            #expect(unchanged.version == expensive.version)
            #expect(unchanged.timeline.map(\.event) == [.request])
            #expect(try await Self.balance(store, board.id, branch.id)?.reserved == 0)
            // when: the manager approves them, the keeper the ordinary one
            let approved = try await requisitions.post(
                .init(event: .approve), to: expensive.id, roles: Self.manager, by: tester)
            let approvedA = try await requisitions.post(
                .init(event: .approve), to: classA.id, roles: Self.manager, by: tester)
            let approvedC = try await requisitions.post(
                .init(event: .approve), to: ordinary.id, roles: Self.keeper, by: tester)
            // then
            #expect([approved.status, approvedA.status, approvedC.status] == [.approved, .approved, .approved])
            #expect(try await Self.balance(store, board.id, branch.id)?.reserved == 2)
            // and steps the state does not allow are refused
            let fresh = try await request(roller, 1)
            let outOfTurn = await #expect(throws: RequisitionEventNotAllowed.self) {
                try await requisitions.post(.init(event: .issue), to: fresh.id, roles: Self.keeper, by: tester)
            }
            #expect(outOfTurn?.event == .issue)
            #expect(outOfTurn?.status == .requested)
            let outOfTurn2 = await #expect(throws: RequisitionEventNotAllowed.self) {
                try await requisitions.post(.init(event: .approve), to: approved.id, roles: Self.manager, by: tester)
            }
            #expect(outOfTurn2?.event == .approve)
            #expect(outOfTurn2?.status == .approved)
            let outOfTurn3 = await #expect(throws: RequisitionEventNotAllowed.self) {
                try await requisitions.post(
                    .init(event: .consume, partId: board.id, quantity: 1), to: approved.id, roles: [], by: tester)
            }
            #expect(outOfTurn3?.event == .consume)
            #expect(outOfTurn3?.status == .approved)
            #expect(try await requisitions.get(fresh.id).status == .requested)
            // a rejection needs a reason
            await #expect(throws: ValidationError(["reason": .required])) {
                try await requisitions.post(.init(event: .reject), to: fresh.id, roles: Self.keeper, by: tester)
            }
            let rejected = try await requisitions.post(
                .init(event: .reject, reason: "use the refurbished stock"), to: fresh.id, roles: Self.keeper,
                by: tester)
            #expect(rejected.status == .rejected)
            #expect(try await Stock(store).verify().isEmpty)
        }
    }

    @Test(
        "approving more than is available is refused, names the part and records a stock-out for the visit",
        arguments: TestDatabase.all)
    func shortageOnApproval(database: TestDatabase) async throws {
        try await database.withStore { base in
            // given: two fusers, a requisition for five
            let store = at(base, hour(10))
            let fixture = try await Fixture.make(store)
            let fuser = try await Self.part("FUSER-300", store, price: 1_000)
            let branch = try await Self.warehouse("WH-EC", fixture, store)
            try await Self.receive(fuser, 2, into: branch, store)
            let li = try await engineer("li", level: 3, home: (31.2, 121.4), fixture, store)
            let visit = try await triagedVisit(fixture, store)
            let requisitions = Requisitions(store)
            let requested = try await requisitions.create(
                RequisitionInput(
                    engineerId: li.id, warehouseId: branch.id, visitId: visit.id, lines: Self.lines([(fuser, 5)])),
                by: tester)
            #expect(try await StockReports(store).stockOuts(from: hour(9), to: hour(11)).isEmpty)
            // when
            let refused = await #expect(throws: StockShortage.self) {
                try await requisitions.post(.init(event: .approve), to: requested.id, roles: Self.keeper, by: tester)
            }
            // then
            #expect(refused?.partNumber == "FUSER-300")
            #expect(refused?.warehouseCode == "WH-EC")
            #expect(refused?.shortfall == StockShortfall(of: .available, requested: 5_000, present: 2_000))
            let after = try await requisitions.get(requested.id)
            #expect(after.status == .requested)
            #expect(after.timeline.map(\.event) == [.request])
            #expect(try await Self.balance(store, fuser.id, branch.id)?.reserved == 0)
            let outs = try await StockReports(store).stockOuts(from: hour(9), to: hour(11))
            #expect(outs.count == 1)
            #expect(outs.first?.partNumber == "FUSER-300")
            #expect(outs.first?.warehouseCode == "WH-EC")
            #expect(outs.first?.visitId == visit.id)
            #expect(outs.first?.requestNumber == visit.requestNumber)
            #expect(outs.first?.requisitionId == requested.id)
            #expect(outs.first?.requested == 5)
            #expect(outs.first?.available == 2)
            #expect(try await Stock(store).verify().isEmpty)
        }
    }

    @Test(
        "serial-tracked parts are issued by serial and consumed only with a serial that is in the van",
        arguments: TestDatabase.all)
    func serialTracked(database: TestDatabase) async throws {
        try await database.withStore { base in
            // given: two laser units with serials
            let store = at(base, hour(10))
            let fixture = try await Fixture.make(store)
            let stock = Stock(store)
            let laser = try await Self.part("LASER-300", store, price: 10_000, tracked: true)
            let branch = try await Self.warehouse("WH-EC", fixture, store)
            try await Self.receive(laser, 2, into: branch, store, serials: ["LS-1", "LS-2"])
            let li = try await engineer("li", level: 3, home: (31.2, 121.4), fixture, store)
            let visit = try await triagedVisit(fixture, store)
            let requisitions = Requisitions(store)
            let requested = try await requisitions.create(
                RequisitionInput(
                    engineerId: li.id, warehouseId: branch.id, visitId: visit.id, lines: Self.lines([(laser, 1)])),
                by: tester)
            _ = try await requisitions.post(.init(event: .approve), to: requested.id, roles: Self.keeper, by: tester)
            // when / then: issuing without naming the serial is refused
            await #expect(throws: ValidationError.self) {
                try await requisitions.post(.init(event: .issue), to: requested.id, roles: Self.keeper, by: tester)
            }
            // when
            let issued = try await requisitions.post(
                .init(event: .issue, issueSerials: ["LASER-300": ["LS-1"]]), to: requested.id, roles: Self.keeper,
                by: tester)
            // then
            let van = try #require(try await stock.van(engineerId: li.id))
            #expect(issued.lines.first?.serials == ["LS-1"])
            let inVan = try await stock.serial(partId: laser.id, serial: "LS-1")
            #expect(inVan?.warehouseId == van.id)
            #expect(inVan?.status == .inStock)
            #expect(try await stock.serial(partId: laser.id, serial: "LS-2")?.warehouseId == branch.id)
            // when / then: the serial left in the warehouse cannot be fitted from the van
            let wrong = await #expect(throws: SerialNotAvailable.self) {
                try await requisitions.post(
                    .init(event: .consume, partId: laser.id, quantity: 1, serials: ["LS-2"]), to: requested.id,
                    roles: [], by: tester)
            }
            #expect(wrong?.serial == "LS-2")
            #expect(wrong?.partNumber == "LASER-300")
            #expect(try await requisitions.get(requested.id).lines.first?.consumed == 0)
            // when
            let consumed = try await requisitions.post(
                .init(event: .consume, partId: laser.id, quantity: 1, serials: ["LS-1"]), to: requested.id, roles: [],
                by: tester)
            // then
            #expect(consumed.lines.first?.consumed == 1)
            let installed = try await stock.serial(partId: laser.id, serial: "LS-1")
            #expect(installed?.status == .installed)
            #expect(installed?.visitId == visit.id)
            #expect(installed?.warehouseId == nil)
            #expect(try await Self.balance(store, laser.id, van.id)?.onHand == 0)
            let entry = try await stock.ledger(
                LedgerFilter(partId: laser.id, kinds: [.consumption]), page: PageRequest()
            ).items
            #expect(entry.map(\.serial) == ["LS-1"])
            #expect(try await stock.verify().isEmpty)
        }
    }

    @Test("the emergency reserve is only for emergency visits (R-2.8)", arguments: TestDatabase.all)
    func emergencyReserve(database: TestDatabase) async throws {
        try await database.withStore { base in
            // given
            let store = at(base, hour(10))
            let fixture = try await Fixture.make(store)
            let fuser = try await Self.part("FUSER-300", store, price: 1_000)
            let reserve = try await Self.warehouse("WH-EC-ER", fixture, store, kind: .emergencyReserve)
            try await Self.receive(fuser, 2, into: reserve, store)
            let li = try await engineer("li", level: 3, home: (31.2, 121.4), fixture, store)
            let ordinary = try await triagedVisit(fixture, store)
            let urgent = try await triagedVisit(fixture, store, emergency: true)
            #expect(urgent.emergency)
            let requisitions = Requisitions(store)
            let before = try await count("requisitions", store)
            // when / then: for an ordinary visit, or for no visit, refused
            for visitId in [ordinary.id, nil] {
                let refused = await #expect(throws: ValidationError.self) {
                    try await requisitions.create(
                        RequisitionInput(
                            engineerId: li.id, warehouseId: reserve.id, visitId: visitId,
                            lines: Self.lines([(fuser, 1)])),
                        by: tester)
                }
                #expect(refused?.fields["warehouseId"] != nil)
            }
            #expect(try await count("requisitions", store) == before)
            // when: for the emergency visit, accepted
            let accepted = try await requisitions.create(
                RequisitionInput(
                    engineerId: li.id, warehouseId: reserve.id, visitId: urgent.id, lines: Self.lines([(fuser, 1)])),
                by: tester)
            // then
            #expect(accepted.status == .requested)
            #expect(accepted.warehouseId == reserve.id)
            #expect(accepted.visitId == urgent.id)
        }
    }

    @Test("a visit's likely parts become a requisition for its engineer (R-4.5)", arguments: TestDatabase.all)
    func fromVisit(database: TestDatabase) async throws {
        try await database.withStore { base in
            // given: a visit whose preparation lists a catalogue part, an unknown number and a part without one
            let store = at(base, hour(10))
            let fixture = try await Fixture.make(store)
            let drum = try await Self.part("DRUM-300", store, price: 1_000)
            let branch = try await Self.warehouse("WH-EC", fixture, store)
            let li = try await engineer("li", level: 3, home: (31.2, 121.4), fixture, store)
            let parts: [VisitPreparation.Part] = [
                .init(partNumber: "DRUM-300", name: "drum", quantity: 2),
                .init(partNumber: "NOT-IN-CATALOGUE", name: "gasket", quantity: 1),
                .init(name: "screws", quantity: 4),
            ]
            let unassigned = try await Self.preparedVisit(fixture, store, parts: parts, engineerId: nil)
            let assigned = try await Self.preparedVisit(fixture, store, parts: parts, engineerId: li.id)
            #expect(assigned.engineerId == li.id)
            let requisitions = Requisitions(store)
            // when / then: without an engineer there is no one to requisition for
            let refused = await #expect(throws: ValidationError.self) {
                try await requisitions.fromVisit(unassigned.id, warehouseId: branch.id, by: tester)
            }
            #expect(refused?.fields["visitId"] != nil)
            // when
            let made = try await requisitions.fromVisit(assigned.id, warehouseId: branch.id, by: tester)
            // then
            #expect(made.status == .requested)
            #expect(made.engineerId == li.id)
            #expect(made.visitId == assigned.id)
            #expect(made.warehouseId == branch.id)
            #expect(made.lines.map(\.partId) == [drum.id])
            #expect(made.lines.map(\.quantity) == [2])
            #expect(made.note?.contains("NOT-IN-CATALOGUE") == true)
            #expect(made.note?.contains("screws") == true)
        }
    }

    // MARK: Purchasing

    @Test(
        "reorder suggestions, a purchase order received in parts, incoming inspection and the price history (R-7.5)",
        arguments: TestDatabase.all)
    func purchasing(database: TestDatabase) async throws {
        try await database.withStore { base in
            // given: three rollers against a reorder point of 5, lots of 10
            let store = at(base, hour(10))
            let fixture = try await Fixture.make(store)
            let purchasing = Purchasing(store)
            let roller = try await Self.part("ROLLER-300", store, suppliers: [PartSupplier(name: "Acme")])
            let branch = try await Self.warehouse("WH-EC", fixture, store)
            let quarantine = try await Self.warehouse("WH-EC-Q", fixture, store, kind: .quarantine)
            _ = try await Records<StockRuleRecord>(store).create(
                .init(partId: roller.id, warehouseId: branch.id, reorderPoint: 5, reorderQuantity: 10), by: tester)
            try await Self.receive(roller, 3, into: branch, store)
            let li = try await engineer("li", level: 3, home: (31.2, 121.4), fixture, store)
            // when / then: position 3 ≤ 5, one lot lifts it above
            let first = try await purchasing.suggestions()
            #expect(first.count == 1)
            #expect(first.first?.partId == roller.id)
            #expect(first.first?.warehouseId == branch.id)
            #expect(first.first?.available == 3)
            #expect(first.first?.position == 3)
            #expect(first.first?.suggested == 10)
            #expect(first.first?.supplier == "Acme")
            // when: nine more are requested (not yet approved)
            _ = try await Requisitions(store).create(
                RequisitionInput(engineerId: li.id, warehouseId: branch.id, lines: Self.lines([(roller, 9)])),
                by: tester)
            // then: open demand lowers the position to -6; two lots lift it above 5
            let withDemand = try #require(try await purchasing.suggestions(warehouseId: branch.id).first)
            #expect(withDemand.openDemand == 9)
            #expect(withDemand.position == -6)
            #expect(withDemand.suggested == 20)
            // when: ordered
            let order = try await purchasing.create(
                PurchaseOrderInput(
                    supplier: "Acme", warehouseId: branch.id,
                    lines: [.init(partId: roller.id, quantity: withDemand.suggested, unitPrice: 1_200)]), by: tester)
            // then: what is on order counts
            #expect(order.status == .open)
            #expect(order.number.hasPrefix("PO"))
            #expect(order.total == 24_000)
            #expect(try await purchasing.suggestions().isEmpty)
            // when: six delivered
            let lineId = try #require(order.lines.first?.id)
            let partial = try await purchasing.receive(
                ReceiptLinesInput(lines: [.init(lineId: lineId, quantity: 6)]), order: order.id, by: tester)
            // then: in inspection, not yet on hand; the price is the part's latest
            #expect(partial.status == .partiallyReceived)
            #expect(partial.lines.first?.received == 6)
            #expect(partial.receipts.map(\.status) == ["inspecting"])
            let inspecting = try #require(try await Self.balance(store, roller.id, branch.id))
            #expect(inspecting.onHand == 3)
            #expect(inspecting.inspecting == 6)
            #expect(try await Records<PartRecord>(store).get(roller.id).lastPrice == 1_200)
            let prices = try await purchasing.prices(partId: roller.id)
            #expect(prices.map(\.price) == [1_200])
            #expect(prices.first?.supplier == "Acme")
            #expect(prices.first?.purchaseOrderId == order.id)
            // when / then: a failed piece needs a reason
            let receiptId = try #require(partial.receipts.first?.id)
            await #expect(throws: ValidationError(["reason": .required])) {
                try await purchasing.inspect(
                    .init(passed: 5, failed: 1), receipt: receiptId, order: order.id, by: tester)
            }
            await #expect(throws: ValidationError.self) {
                try await purchasing.inspect(
                    .init(passed: 4, failed: 1, reason: "scratched"), receipt: receiptId, order: order.id, by: tester)
            }
            // when
            let inspected = try await purchasing.inspect(
                .init(passed: 5, failed: 1, reason: "scratched roller"), receipt: receiptId, order: order.id,
                by: tester)
            // then: five on hand, one in quarantine
            #expect(inspected.receipts.first?.status == "inspected")
            #expect(inspected.receipts.first?.passed == 5)
            #expect(inspected.receipts.first?.failed == 1)
            #expect(inspected.lines.first?.accepted == 5)
            #expect(inspected.lines.first?.rejected == 1)
            let passed = try #require(try await Self.balance(store, roller.id, branch.id))
            #expect(passed.onHand == 8)
            #expect(passed.inspecting == 0)
            #expect(try await Self.balance(store, roller.id, quarantine.id)?.onHand == 1)
            // when / then: inspected once only
            let again = await #expect(throws: ReceiptAlreadyInspected.self) {
                try await purchasing.inspect(
                    .init(passed: 6, failed: 0), receipt: receiptId, order: order.id, by: tester)
            }
            #expect(again?.id == receiptId)
            // when / then: more than is still open is refused
            let tooMany = await #expect(throws: ValidationError.self) {
                try await purchasing.receive(
                    ReceiptLinesInput(lines: [.init(lineId: lineId, quantity: 15)]), order: order.id, by: tester)
            }
            #expect(tooMany?.fields["lines.0.quantity"] != nil)
            #expect(try await purchasing.get(order.id).lines.first?.received == 6)
            // when: the rest delivered
            let complete = try await purchasing.receive(
                ReceiptLinesInput(lines: [.init(lineId: lineId, quantity: 14)]), order: order.id, by: tester)
            // then
            #expect(complete.status == .received)
            #expect(complete.receipts.count == 2)
            #expect(try await Self.balance(store, roller.id, branch.id)?.inspecting == 14)
            let closedOrder = await #expect(throws: PurchaseOrderClosed.self) {
                try await purchasing.receive(
                    ReceiptLinesInput(lines: [.init(lineId: lineId, quantity: 1)]), order: order.id, by: tester)
            }
            #expect(closedOrder?.id == order.id)
            #expect(closedOrder?.status == .received)
            // and a part with a shelf life needs its expiry date on receipt
            let grease = try await Self.part("GREASE-300", store, shelfLifeDays: 365)
            let greaseOrder = try await purchasing.create(
                PurchaseOrderInput(
                    supplier: "Acme", warehouseId: branch.id,
                    lines: [.init(partId: grease.id, quantity: 4, unitPrice: 300)]),
                by: tester)
            let greaseLine = try #require(greaseOrder.lines.first?.id)
            let undated = await #expect(throws: ValidationError.self) {
                try await purchasing.receive(
                    ReceiptLinesInput(lines: [.init(lineId: greaseLine, quantity: 4)]), order: greaseOrder.id,
                    by: tester)
            }
            #expect(undated?.fields["lines.0.expiresOn"] == .required)
            let dated = try await purchasing.receive(
                ReceiptLinesInput(
                    lines: [
                        .init(lineId: greaseLine, quantity: 4, expiresOn: CalendarDate(year: 2027, month: 6, day: 1))
                    ]),
                order: greaseOrder.id, by: tester)
            #expect(dated.receipts.first?.expiresOn == "2027-06-01")
            #expect(try await Stock(store).verify().isEmpty)
        }
    }

    // MARK: Stocktakes

    @Test(
        "a stocktake counts against the book of its moment, so movements during the count make no variance (R-7.6)",
        arguments: TestDatabase.all)
    func stocktake(database: TestDatabase) async throws {
        try await database.withStore { base in
            // given: A 5, B 4, C 3, D 2 in the branch warehouse
            let store = at(base, hour(10))
            let fixture = try await Fixture.make(store)
            let stock = Stock(store)
            let branch = try await Self.warehouse("WH-EC", fixture, store)
            let a = try await Self.part("ST-A", store, price: 100)
            let b = try await Self.part("ST-B", store, price: 250)
            let c = try await Self.part("ST-C", store, price: 100)
            let d = try await Self.part("ST-D", store, price: 100)
            for (part, quantity) in [(a, 5.0), (b, 4), (c, 3), (d, 2)] {
                try await Self.receive(part, quantity, into: branch, store)
            }
            let li = try await engineer("li", level: 3, home: (31.2, 121.4), fixture, store)
            let stocktakes = Stocktakes(store)
            // when
            let take = try await stocktakes.start(.init(warehouseId: branch.id), by: tester)
            // then: one open count per warehouse
            #expect(take.status == .counting)
            let open = await #expect(throws: StocktakeOpen.self) {
                try await stocktakes.start(.init(warehouseId: branch.id), by: tester)
            }
            #expect(open?.warehouseId == branch.id)
            // when: A counted as booked, B scanned twice (1 + 2 = 3 against 4), C counted at 3 and then one issued
            let countedA = try await stocktakes.count(.init(partId: a.id, quantity: 5), stocktake: take.id, by: tester)
            _ = try await stocktakes.count(
                .init(partNumber: "ST-B", quantity: 1, mode: .add), stocktake: take.id, by: tester)
            let countedB = try await stocktakes.count(
                .init(partNumber: "ST-B", quantity: 2, mode: .add), stocktake: take.id, by: tester)
            _ = try await stocktakes.count(.init(partId: c.id, quantity: 3), stocktake: take.id, by: tester)
            _ = try await stock.issue(
                .init(partId: c.id, quantity: 1, warehouseId: branch.id, engineerId: li.id), by: tester)
            // then
            #expect(countedA.variance == 0)
            #expect(countedB.counted == 3)
            #expect(countedB.book == 4)
            #expect(countedB.variance == -1)
            let report = try await stocktakes.variance(take.id)
            #expect(report.lines.map(\.partNumber) == ["ST-A", "ST-B", "ST-C", "ST-D"])
            let byNumber = Dictionary(uniqueKeysWithValues: report.lines.map { ($0.partNumber, $0) })
            #expect(byNumber["ST-C"]?.book == 3)
            #expect(byNumber["ST-C"]?.counted == 3)
            #expect(byNumber["ST-C"]?.variance == 0)
            #expect(byNumber["ST-B"]?.variance == -1)
            #expect(byNumber["ST-B"]?.varianceValue == -250)
            #expect(byNumber["ST-D"]?.counted == nil)
            #expect(byNumber["ST-D"]?.variance == nil)
            #expect(byNumber["ST-D"]?.book == 2)
            #expect(report.countedLines == 3)
            #expect(report.uncountedLines == 1)
            #expect(report.linesWithVariance == 1)
            #expect(report.netValue == -250)
            #expect(report.grossValue == 250)
            // when
            let approved = try await stocktakes.approve(take.id, by: tester)
            // then: one adjustment, for B only; B is what was counted, C keeps its issue
            #expect(approved.stocktake.status == .approved)
            let adjustments = try await stock.ledger(
                LedgerFilter(kinds: [.stocktakeAdjustment]), page: PageRequest()
            ).items
            #expect(adjustments.map(\.partId) == [b.id])
            #expect(adjustments.map(\.onHand) == [-1])
            #expect(adjustments.first?.stocktakeId == take.id)
            #expect(try await Self.balance(store, b.id, branch.id)?.onHand == 3)
            #expect(try await Self.balance(store, c.id, branch.id)?.onHand == 2)
            #expect(try await Self.balance(store, a.id, branch.id)?.onHand == 5)
            #expect(try await Self.balance(store, d.id, branch.id)?.onHand == 2)
            // and a closed count takes no more counts or decisions
            let closed = await #expect(throws: StocktakeClosed.self) {
                try await stocktakes.count(.init(partId: d.id, quantity: 2), stocktake: take.id, by: tester)
            }
            #expect(closed?.id == take.id)
            #expect(closed?.status == .approved)
            let closed2 = await #expect(throws: StocktakeClosed.self) {
                try await stocktakes.approve(take.id, by: tester)
            }
            #expect(closed2?.id == take.id)
            #expect(closed2?.status == .approved)
            // a new count may start now
            #expect(try await stocktakes.start(.init(warehouseId: branch.id), by: tester).status == .counting)
            #expect(try await stock.verify().isEmpty)
        }
    }

    // MARK: Imports

    @Test(
        "catalogue and balance imports name the refused lines; all-or-nothing, valid rows only, dry run",
        arguments: TestDatabase.all)
    func imports(database: TestDatabase) async throws {
        try await database.withStore { base in
            // given: line 3 has an unknown unit, line 4 repeats line 2's part number
            let store = at(base, hour(10))
            let fixture = try await Fixture.make(store)
            _ = try await Self.warehouse("WH-IMP", fixture, store)
            let transfer = PartsTransfer(store)
            let catalogue = """
                partNumber,name,unit,partClass,price
                IMP-1,Drum,piece,b,1200
                IMP-2,Toner,bucket,c,300
                IMP-1,Drum again,piece,b,1300
                IMP-3,Oil,litre,c,50

                """
            let partsBefore = try await count("parts", store)
            // when / then: all or nothing
            let failed = await #expect(throws: ImportFailed.self) {
                try await transfer.importCatalogue(catalogue, by: tester)
            }
            let problems = try #require(failed?.problems)
            #expect(problems.map(\.line) == [3, 4])
            #expect(problems.map(\.field) == ["unit", "partNumber"])
            #expect(problems.last?.problem == .duplicate)
            #expect(try await count("parts", store) == partsBefore)
            // when: a dry run of the clean rows writes nothing
            let dry = try await transfer.importCatalogue(catalogue, mode: .validRowsOnly, dryRun: true, by: tester)
            #expect(dry.imported == 2)
            #expect(dry.refusedLines == [3, 4])
            #expect(try await count("parts", store) == partsBefore)
            // when: the clean rows for real
            let outcome = try await transfer.importCatalogue(catalogue, mode: .validRowsOnly, by: tester)
            // then
            #expect(outcome.imported == 2)
            #expect(outcome.refusedLines == [3, 4])
            #expect(outcome.problems.map(\.line) == [3, 4])
            #expect(try await count("parts", store) == partsBefore + 2)
            let numbers = try await store.sql.raw("SELECT part_number, name, unit FROM parts ORDER BY part_number")
                .all()
                .map {
                    [
                        try $0.decode(column: "part_number", as: String.self),
                        try $0.decode(column: "name", as: String.self), try $0.decode(column: "unit", as: String.self),
                    ]
                }
            #expect(numbers == [["IMP-1", "Drum", "piece"], ["IMP-3", "Oil", "litre"]])
            // and opening balances: a fractional quantity of a piece part is refused with its line
            let balances = """
                partNumber,warehouseCode,quantity
                IMP-1,WH-IMP,1.5
                IMP-3,WH-IMP,2.5

                """
            let entriesBefore = try await count("stock_ledger", store)
            let refused = await #expect(throws: ImportFailed.self) {
                try await transfer.importBalances(balances, by: tester)
            }
            #expect(refused?.problems.map(\.line) == [2])
            #expect(refused?.problems.map(\.field) == ["quantity"])
            #expect(try await count("stock_ledger", store) == entriesBefore)
            let partial = try await transfer.importBalances(balances, mode: .validRowsOnly, by: tester)
            #expect(partial.imported == 1)
            #expect(partial.refusedLines == [2])
            #expect(try await count("stock_ledger", store) == entriesBefore + 1)
        }
    }

    // MARK: Reports

    @Test(
        "consumption by engineer, model and fault category; stock value; slow movers (R-7)", arguments: TestDatabase.all
    )
    func reports(database: TestDatabase) async throws {
        try await database.withStore { base in
            // given: ten drums (10.00 each) and four rollers (5.00) received; two drums fitted on a visit
            let store = at(base, hour(10))
            let fixture = try await Fixture.make(store)
            let drum = try await Self.part("RP-DRUM", store, price: 1_000)
            let roller = try await Self.part("RP-ROLLER", store, price: 500)
            let branch = try await Self.warehouse("WH-EC", fixture, store)
            try await Self.receive(drum, 10, into: branch, store)
            try await Self.receive(roller, 4, into: branch, store)
            let li = try await engineer("li", level: 3, home: (31.2, 121.4), fixture, store)
            let visit = try await Self.preparedVisit(
                fixture, store, parts: [], engineerId: li.id, category: "imageQuality")
            let requisitions = Requisitions(store)
            let requested = try await requisitions.create(
                RequisitionInput(
                    engineerId: li.id, warehouseId: branch.id, visitId: visit.id, lines: Self.lines([(drum, 3)])),
                by: tester)
            _ = try await requisitions.post(.init(event: .approve), to: requested.id, roles: Self.keeper, by: tester)
            _ = try await requisitions.post(.init(event: .issue), to: requested.id, roles: Self.keeper, by: tester)
            _ = try await requisitions.post(
                .init(event: .consume, partId: drum.id, quantity: 2), to: requested.id, roles: [], by: tester)
            let van = try #require(try await Stock(store).van(engineerId: li.id))
            let reports = StockReports(at(store, hour(12)))
            // when / then: consumption
            for (dimension, group) in [
                (ConsumptionDimension.engineer, "li"), (.model, fixture.model.name), (.faultCategory, "imageQuality"),
            ] {
                let rows = try await reports.consumption(by: dimension, from: hour(9), to: hour(11))
                #expect(rows.count == 1, "\(dimension)")
                #expect(rows.first?.group == group, "\(dimension)")
                #expect(rows.first?.partNumber == "RP-DRUM", "\(dimension)")
                #expect(rows.first?.quantity == 2, "\(dimension)")
                #expect(rows.first?.value == 2_000, "\(dimension)")
                #expect(rows.first?.visits == 1, "\(dimension)")
            }
            #expect(try await reports.consumption(by: .engineer, from: hour(11), to: hour(12)).isEmpty)
            // value: on hand × latest price, per warehouse
            let value = try await reports.value()
            let byWarehouse = Dictionary(uniqueKeysWithValues: value.map { ($0.warehouseId, $0) })
            #expect(byWarehouse[branch.id]?.value == 7 * 1_000 + 4 * 500)
            #expect(byWarehouse[branch.id]?.parts == 2)
            #expect(byWarehouse[van.id]?.value == 1_000)
            #expect(byWarehouse[van.id]?.warehouseKind == .van)
            // slow movers: the rollers never left the warehouse; the drums did an hour ago
            let slow = try await reports.slowMovers(days: 30)
            let roller30 = slow.first { $0.partNumber == "RP-ROLLER" && $0.warehouseCode == "WH-EC" }
            #expect(roller30 != nil)
            #expect(roller30?.lastIssueAt == nil)
            #expect(roller30?.onHand == 4)
            #expect(roller30?.value == 2_000)
            #expect(!slow.contains { $0.partNumber == "RP-DRUM" && $0.warehouseCode == "WH-EC" })
        }
    }
}
