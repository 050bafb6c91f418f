import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import SQLKit
import Testing

@Suite("Depot repair, nonconforming products and loaner units in the store (R-8.4, R-8.5, R-4.5)")
struct DepotStoreTests {
    /// A repair case in repair at the headquarters' depot, decided within the limit.
    static func inRepair(_ store: Store) async throws -> (Fixture, ReturnCaseView) {
        let fixture = try await ReturnStoreTests.world(store)
        let inspected = try await ReturnStoreTests.inspected(
            fixture, store, responsibility: .manufacturingDefect, usable: true)
        let decided = try await ReturnCases(at(store, hour(12))).post(
            ReturnStepInput(
                .decide, resolution: .repair, costs: ReturnCosts(repairMinor: 40_000, newUnitMinor: 600_000)),
            to: inspected.id, by: ReturnStoreTests.depot)
        return (fixture, decided)
    }

    static func depotWarehouse(_ fixture: Fixture, _ store: Store) async throws -> WarehouseRecord.View {
        try await Records<WarehouseRecord>(store).create(
            .init(code: "HQ-DEPOT", name: "总部返修库", kind: .headquarters, orgUnitId: fixture.headquarters.id),
            by: tester)
    }

    @Test(
        "a depot repair takes parts from the depot's warehouse through the ledger, needs its report before QA, and is counted as a nonconformity",
        arguments: TestDatabase.all)
    func repairOrder(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: a case in repair, a part in the depot's warehouse and in a branch warehouse
            let (fixture, repairing) = try await Self.inRepair(store)
            #expect(repairing.status == .inRepair)
            let depot = try await Self.depotWarehouse(fixture, store)
            let branch = try await PartsWorkflowStoreTests.warehouse("BR-EC-01", fixture, store)
            let board = try await PartsWorkflowStoreTests.part("PWR-200", store, price: 12_000)
            try await PartsWorkflowStoreTests.receive(board, 5, into: depot, store)
            try await PartsWorkflowStoreTests.receive(board, 5, into: branch, store)
            let cases = ReturnCases(at(store, hour(13)))
            // then: the returned unit is a nonconformity of the depot, disposed of by repair at the estimate
            let records = try await Nonconformities(store).list(
                NonconformityFilter(caseId: repairing.id), page: PageRequest())
            #expect(records.items.map(\.disposition) == [.repair])
            #expect(records.items.map(\.costMinor) == [40_000])
            #expect(records.items.map(\.orgUnitId) == [fixture.headquarters.id])
            // when: parts are taken from a warehouse that is not the depot's, or more than there is
            await #expect(throws: ValidationError.self) {
                try await cases.useParts(
                    repairing.id, DepotPartInput(partId: board.id, quantity: 1, warehouseId: branch.id),
                    by: ReturnStoreTests.depot)
            }
            await #expect(throws: StockShortage.self) {
                try await cases.useParts(
                    repairing.id, DepotPartInput(partId: board.id, quantity: 9, warehouseId: depot.id),
                    by: ReturnStoreTests.depot)
            }
            #expect(try await PartsWorkflowStoreTests.balance(store, board.id, depot.id)?.onHand == 5)
            // when: two are fitted
            let used = try await cases.useParts(
                repairing.id, DepotPartInput(partId: board.id, quantity: 2, warehouseId: depot.id),
                by: ReturnStoreTests.depot)
            // then: the ledger has the consumption naming the case
            #expect(used.parts.map(\.quantity) == [2])
            #expect(used.parts.map(\.partNumber) == ["PWR-200"])
            #expect(used.partsMinor == 24_000)
            #expect(try await PartsWorkflowStoreTests.balance(store, board.id, depot.id)?.onHand == 3)
            // then: the repair is not finished without its report
            await #expect(throws: ValidationError(["repair.actions": .required])) {
                try await cases.post(ReturnStepInput(.finishRepair), to: repairing.id, by: ReturnStoreTests.depot)
            }
            let report = try await cases.writeRepair(
                repairing.id,
                DepotRepairInput(
                    diagnosis: "电源板 C12 电容鼓包", actions: "更换电源板", tests: "连续复印 500 张", labourMinutes: 90,
                    technician: "周工"), by: ReturnStoreTests.depot)
            #expect(report.version == 1)
            let repaired = try await cases.post(
                ReturnStepInput(.finishRepair), to: repairing.id, by: ReturnStoreTests.depot)
            #expect(repaired.status == .repaired)
            // and once repaired, the order is closed to changes
            await #expect(throws: ReturnStepNotAllowed.self) {
                try await cases.writeRepair(repairing.id, DepotRepairInput(actions: "x"), by: ReturnStoreTests.depot)
            }
            // when: the quality inspector closes the record, which needs the disposition and the inspection record
            let record = records.items[0]
            let quality = Nonconformities(store)
            await #expect(throws: ValidationError(["inspectionRecord": .required])) {
                try await quality.update(
                    record.id, NonconformityInput(disposition: .repair, close: true), by: ReturnStoreTests.manager)
            }
            let closed = try await quality.update(
                record.id,
                NonconformityInput(
                    analysis: "电容批次不良", disposition: .repair, inspectionRecord: "复检合格", costMinor: 33_000,
                    close: true), by: ReturnStoreTests.manager)
            #expect(closed.status == .closed)
            // then: the 不合格品统计表 counts it by model, responsibility and month
            let filter = NonconformityFilter(from: CalendarDate(iso: "2026-11-01"), to: CalendarDate(iso: "2026-11-30"))
            #expect(
                try await quality.table(filter, by: .model)
                    == [NonconformityRow(key: "AC-200", name: "数码复印机 AC-200", count: 1, costMinor: 33_000)])
            #expect(
                try await quality.table(filter, by: .responsibility).map(\.key) == [
                    Responsibility.manufacturingDefect.rawValue
                ])
            #expect(try await quality.table(filter, by: .month).map(\.key) == ["2026-11"])
            // the same from the records alone (days before a whole month, a status filter), and with whole months around
            for period in [
                NonconformityFilter(from: CalendarDate(iso: "2026-11-15"), to: CalendarDate(iso: "2026-12-31")),
                NonconformityFilter(
                    from: CalendarDate(iso: "2026-10-01"), to: CalendarDate(iso: "2026-12-31"), status: .closed),
                NonconformityFilter(from: CalendarDate(iso: "2026-10-01"), to: CalendarDate(iso: "2027-01-31")),
            ] {
                #expect(try await quality.table(period, by: .model).map(\.costMinor) == [33_000], "\(period)")
            }
            #expect(
                try await quality.table(
                    NonconformityFilter(from: CalendarDate(iso: "2026-11-24"), to: CalendarDate(iso: "2026-12-31")),
                    by: .model
                ).isEmpty)
        }
    }

    @Test("the depot turnaround runs on the depot's calendar, across its holiday", arguments: TestDatabase.all)
    func depotCalendar(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: the headquarters' depot is closed on Tuesday 2026-11-24; the branch has no calendar
            let fixture = try await ReturnStoreTests.world(store)
            let calendar = try await Records<CalendarRecord>(store).create(
                .init(
                    orgUnitId: fixture.headquarters.id, name: "总部",
                    calendar: BusinessCalendar(
                        timeZone: "Asia/Shanghai",
                        exceptions: [
                            CalendarException(date: CalendarDate(iso: "2026-11-24")!, kind: .holiday, name: "检修日")
                        ])), by: tester)
            // when: the unit arrives on Monday at 10:00
            let received = try await ReturnStoreTests.inspected(
                fixture, store, responsibility: .manufacturingDefect, usable: true)
            // then: five working days of 8 hours end on Tuesday 1 December at 10:00 (not Monday 30 November)
            let row = try #require(
                try await store.sql.raw(
                    """
                    SELECT due_at, calendar_id FROM sla_clocks WHERE request_id = \(bind: received.requestId) \
                    AND target = 'depotTurnaround'
                    """
                ).first())
            #expect(try row.decode(column: "due_at", as: Date?.self) == hour(10 + 8 * 24))
            #expect(try row.decode(column: "calendar_id", as: Int?.self) == calendar.id)
        }
    }

    @Test(
        "a loaner is lent once even by two at the same moment, is listed and escalated once when overdue, and comes back",
        arguments: TestDatabase.all)
    func loaners(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: a loaner of the depot's pool, a keeper there, and an open case
            let fixture = try await ReturnStoreTests.world(store)
            let keeper = try await staff("keeper", [.warehouseKeeper], unit: fixture.headquarters.id, store)
            let pool = Loaners(at(store, hour(9)))
            let loaner = try await pool.create(
                LoanerInput(orgUnitId: fixture.headquarters.id, modelId: fixture.model.id, serialNumber: "LN-0001"),
                by: ReturnStoreTests.depot)
            await #expect(throws: ValidationError(["serialNumber": .duplicate])) {
                try await pool.create(
                    LoanerInput(orgUnitId: fixture.headquarters.id, modelId: fixture.model.id, serialNumber: "LN-0001"),
                    by: ReturnStoreTests.depot)
            }
            let opened = try await ReturnStoreTests.inspected(
                fixture, store, responsibility: .manufacturingDefect, usable: true)
            let due = CalendarDate(iso: "2026-11-30")!
            // then: a loan of more than six months is refused
            await #expect(throws: ValidationError.self) {
                try await pool.lend(
                    loaner.id, LoanInput(caseId: opened.id, dueOn: CalendarDate(iso: "2027-12-01")!),
                    by: ReturnStoreTests.depot)
            }
            // when: two dispatchers lend it at the same moment
            async let first = Result {
                try await pool.lend(loaner.id, LoanInput(caseId: opened.id, dueOn: due), by: Actor(name: "a"))
            }
            async let second = Result {
                try await pool.lend(
                    loaner.id, LoanInput(customerId: fixture.customer.id, dueOn: due), by: Actor(name: "b"))
            }
            let results = await [first, second]
            // then: exactly one succeeds; the other is told it is lent
            #expect(results.filter { (try? $0.get()) != nil }.count == 1)
            #expect(
                results.contains {
                    if case .failure(let error) = $0, let refused = error as? LoanerNotAvailable {
                        refused.status == .lent
                    } else {
                        false
                    }
                })
            let lent = try await pool.get(loaner.id)
            #expect(lent.status == .lent)
            #expect(lent.loan?.customerId == fixture.customer.id)
            // when: three days past the due day
            let later = at(store, hour(9 + 24 * 10))
            let overdue = try await Loaners(later).overdue()
            #expect(overdue.map(\.daysOverdue) == [3])
            // then: the sweep tells the keeper once
            #expect(try await LoanSweep.run(store: later, now: hour(9 + 24 * 10)).created == 1)
            #expect(try await LoanSweep.run(store: later, now: hour(9 + 24 * 11)).created == 0)
            let told = try await Inbox(store: store, userId: keeper).list(unreadOnly: true, page: PageRequest())
            #expect(told.items.map(\.kind) == [.loanerOverdue])
            // when: it comes back
            let back = try await Loaners(later).giveBack(loaner.id, note: "外观完好", by: ReturnStoreTests.depot)
            #expect(back.status == .available)
            #expect(back.loan == nil)
            #expect(try await Loaners(later).overdue().isEmpty)
            await #expect(throws: LoanerNotAvailable.self) {
                try await Loaners(later).giveBack(loaner.id, note: nil, by: ReturnStoreTests.depot)
            }
        }
    }
}

extension Result where Failure == any Error {
    /// The result of an async throwing body.
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
