import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import SQLKit
import Testing

@Suite("Return cases and depot repair in the store (R-8)")
struct ReturnStoreTests {
    static let agent = Actor(name: "agent")
    static let depot = Actor(name: "depot")
    static let manager = Actor(name: "manager")

    /// Every checklist item answered as for a unit that arrived as it should.
    static let clean = Dictionary(uniqueKeysWithValues: InspectionItem.allCases.map { ($0, $0.expected) })

    /// The fixture, a depot at headquarters with approvals above 5,000.00, and a policy with the 5-working-day depot
    /// target.
    static func world(_ store: Store) async throws -> Fixture {
        let fixture = try await Fixture.make(store)
        _ = try await ReturnCases(store).setRules(
            ReturnRules(
                depotUnitId: fixture.headquarters.id, approvalLimitMinor: 500_000, currency: .cny,
                exchangeWarranty: ExchangeWarranty(basis: .remainder, months: 3)), by: manager)
        _ = try await Records<SLAPolicyRecord>(store).create(
            .init(
                name: "depot", position: 100, isDefault: true,
                targets: [TargetRule(target: .depotTurnaround, minutes: 5 * 8 * 60, basis: .business)]), by: tester)
        return fixture
    }

    /// A case opened by the desk for the fixture's unit, received and inspected at the depot.
    static func inspected(
        _ fixture: Fixture, _ store: Store, wish: ReturnWish = .repair, responsibility: Responsibility,
        usable: Bool
    ) async throws -> ReturnCaseView {
        let cases = ReturnCases(at(store, hour(9)))
        let opened = try await cases.open(
            ReturnCaseInput(
                customerId: fixture.customer.id, unitIds: [fixture.unit.id], reason: "不开机", wish: wish,
                shipping: .dropOff), by: agent)
        _ = try await cases.post(ReturnStepInput(.authorise), to: opened.id, by: agent)
        _ = try await ReturnCases(at(store, hour(10))).post(
            ReturnStepInput(.receive, serials: [fixture.unit.serialNumber]), to: opened.id, by: depot)
        return try await ReturnCases(at(store, hour(11))).post(
            ReturnStepInput(
                .inspect,
                inspections: [
                    UnitInspectionInput(
                        unitId: fixture.unit.id, checklist: clean, findings: "主板烧毁",
                        responsibility: responsibility, usable: usable)
                ]), to: opened.id, by: depot)
    }

    static func timeline(_ store: Store, _ requestId: Int) async throws -> [String] {
        try await store.sql.raw("SELECT event FROM request_events WHERE request_id = \(bind: requestId) ORDER BY id")
            .all().map { try $0.decode(column: "event", as: String.self) }
    }

    @Test(
        "spare + depot repair from the application to the delivery: serials checked, depot clock, QA, follow-up",
        arguments: TestDatabase.all)
    func spareAndRepair(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: the customer's unit sent back by the desk, with a return request registered for it
            let fixture = try await Self.world(store)
            let cases = ReturnCases(at(store, hour(9)))
            let opened = try await cases.open(
                ReturnCaseInput(
                    customerId: fixture.customer.id, unitIds: [fixture.unit.id], reason: "卡纸后不开机", wish: .exchange,
                    shipping: .customerSends, contactPhone: "13800138000"), by: Self.agent)
            #expect(opened.number == "RMA-2026-000001")
            #expect(opened.status == .applied)
            #expect(opened.depotUnitId == fixture.headquarters.id)
            #expect(opened.units.map(\.serialNumber) == ["SN-0001"])
            let request = try await ServiceRequests(store).get(opened.requestId)
            #expect(request.type == .returnExchange)
            // when: authorised and shipped with the carrier's tracking number
            _ = try await cases.post(ReturnStepInput(.authorise), to: opened.id, by: Self.agent)
            let shipped = try await cases.post(
                ReturnStepInput(.ship, carrier: "顺丰", trackingNumber: "SF1234567890"), to: opened.id, by: Self.agent)
            #expect(shipped.status == .inTransit)
            #expect(shipped.trackingNumber == "SF1234567890")
            // then: a unit that is not the case's is refused naming both serials, and nothing changes
            let depotAt10 = ReturnCases(at(store, hour(10)))
            await #expect(throws: ReturnSerialMismatch(received: "SN-9999", expected: ["SN-0001"])) {
                try await depotAt10.post(ReturnStepInput(.receive, serials: ["SN-9999"]), to: opened.id, by: Self.depot)
            }
            #expect(try await cases.get(opened.id).version == shipped.version)
            // when: the right unit arrives (the serial typed in lower case)
            let received = try await depotAt10.post(
                ReturnStepInput(.receive, serials: ["sn-0001"]), to: opened.id, by: Self.depot)
            #expect(received.status == .received)
            #expect(received.units[0].receivedSerial == "sn-0001")
            // then: the depot clock runs from the arrival
            let clock = try #require(
                try await store.sql.raw(
                    """
                    SELECT state, started_at FROM sla_clocks WHERE request_id = \(bind: opened.requestId) \
                    AND target = 'depotTurnaround'
                    """
                ).first())
            #expect(try clock.decode(column: "started_at", as: Date?.self) == hour(10))
            // and the board puts it first, with its due time, before a case still on its way
            _ = try await cases.open(
                ReturnCaseInput(
                    customerId: fixture.customer.id,
                    unitIds: [
                        try await Records<UnitRecord>(store).create(
                            .init(serialNumber: "SN-0002", modelId: fixture.model.id, customerId: fixture.customer.id),
                            by: tester
                        ).id
                    ], reason: "同样故障", wish: .repair, shipping: .dropOff), by: Self.agent)
            let board = try await ReturnCases(at(store, hour(11))).board()
            #expect(board.items.map(\.returnCase.number) == ["RMA-2026-000001", "RMA-2026-000002"])
            #expect(board.items.first?.dueAt != nil && board.items.first?.clockState == .running)
            #expect(board.counts == ["received": 1, "applied": 1])
            // when: inspected (ours, usable) and decided: spare + depot repair, within the limit
            let depotAt11 = ReturnCases(at(store, hour(11)))
            _ = try await depotAt11.post(
                ReturnStepInput(
                    .inspect,
                    inspections: [
                        UnitInspectionInput(
                            unitId: fixture.unit.id, checklist: Self.clean, findings: "电源板虚焊",
                            responsibility: .manufacturingDefect, usable: true)
                    ]), to: opened.id, by: Self.depot)
            let decided = try await depotAt11.post(
                ReturnStepInput(
                    .decide, note: "客户产线不能停", resolution: .spareAndRepair,
                    costs: ReturnCosts(repairMinor: 80_000, newUnitMinor: 600_000)), to: opened.id, by: Self.depot)
            // then: the proposal was repair, and the decision is approved with it and goes to repair
            #expect(decided.proposal == .repair)
            #expect(decided.approvalReason == nil)
            #expect(decided.approvedBy == "depot")
            #expect(decided.status == .inRepair)
            // when: repaired (with the repair report), failed at QA (which needs the reason), repaired again and passed
            _ = try await depotAt11.writeRepair(
                opened.id, DepotRepairInput(diagnosis: "电源板虚焊", actions: "补焊电源板", labourMinutes: 60),
                by: Self.depot)
            _ = try await depotAt11.post(ReturnStepInput(.finishRepair), to: opened.id, by: Self.depot)
            await #expect(throws: ValidationError.self) {
                try await depotAt11.post(ReturnStepInput(.failQA), to: opened.id, by: Self.depot)
            }
            _ = try await depotAt11.post(ReturnStepInput(.failQA, note: "走纸异响"), to: opened.id, by: Self.depot)
            _ = try await depotAt11.post(ReturnStepInput(.finishRepair), to: opened.id, by: Self.depot)
            let passed = try await depotAt11.post(ReturnStepInput(.passQA), to: opened.id, by: Self.depot)
            #expect(passed.allowedEvents == [.shipBack])
            // when: shipped back on the third day
            let back = try await ReturnCases(at(store, hour(9 + 48))).post(
                ReturnStepInput(.shipBack, carrier: "顺丰", trackingNumber: "SF0987654321"), to: opened.id,
                by: Self.depot)
            #expect(back.status == .shippedBack)
            #expect(back.returnTrackingNumber == "SF0987654321")
            // then: the clock stopped, and the follow-up call 3–4 days after the depot return is scheduled
            let stopped = try await store.sql.raw(
                """
                SELECT completed_at FROM sla_clocks WHERE request_id = \(bind: opened.requestId) \
                AND target = 'depotTurnaround'
                """
            ).first(decodingColumn: "completed_at", as: Date?.self)
            #expect(stopped == hour(9 + 48))
            let triggers = try await store.sql.raw(
                "SELECT trigger FROM follow_up_triggers WHERE request_id = \(bind: opened.requestId)"
            ).all().map { try $0.decode(column: "trigger", as: String.self) }
            #expect(triggers == ["depotReturn"])
            // when: delivered and closed
            _ = try await depotAt11.post(ReturnStepInput(.deliver), to: opened.id, by: Self.depot)
            let closed = try await depotAt11.post(ReturnStepInput(.close), to: opened.id, by: Self.depot)
            #expect(closed.status == .closed)
            // then: every step is on the case's timeline and the request's, and in the audit trail
            let steps = try await cases.timeline(opened.id).map(\.event)
            #expect(
                steps == [
                    "open", "authorise", "ship", "receive", "inspect", "decide", "approve", "finishRepair", "failQA",
                    "finishRepair", "passQA", "shipBack", "deliver", "close",
                ])
            #expect(
                try await Self.timeline(store, opened.requestId) == [
                    "register", "returnOpened", "returnAuthorised", "returnShipped", "depotReceived",
                    "returnInspected", "returnDecided", "returnApproved", "returnRepaired", "returnQAFailed",
                    "returnRepaired", "returnQAPassed", "depotShipped", "returnDelivered", "returnClosed",
                ])
            // (the decision and its approval within the limit are one step)
            // (and the repair order's one edit)
            #expect(try await cases.audit(opened.id, page: PageRequest(limit: 50)).items.count == 14)
        }
    }

    @Test(
        "an exchange above the limit waits for approval, then replaces the unit in the installed base",
        arguments: TestDatabase.all)
    func exchange(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: an unusable unit with a manufacturing defect
            let fixture = try await Self.world(store)
            let inspected = try await Self.inspected(
                fixture, store, wish: .exchange, responsibility: .manufacturingDefect, usable: false)
            let cases = ReturnCases(at(store, hour(12)))
            // when: the depot decides an exchange dearer than the limit
            let decided = try await cases.post(
                ReturnStepInput(.decide, resolution: .exchange, costs: ReturnCosts(newUnitMinor: 600_000)),
                to: inspected.id, by: Self.depot)
            // then: the depot's finding decided the unit's warranty on the request: a defect, in warranty
            let request = try await ServiceRequests(store).get(inspected.requestId)
            #expect(request.faultCause == .qualityDefect)
            #expect(request.units.map(\.warrantyStatus) == [.inWarranty])
            // then: it waits for a manager, who approves it
            #expect(decided.status == .decided)
            #expect(decided.approvalReason == .aboveLimit)
            #expect(decided.allowedEvents == [.approve, .sendBack])
            let approved = try await cases.post(ReturnStepInput(.approve), to: inspected.id, by: Self.manager)
            #expect(approved.status == .approved)
            #expect(approved.approvedBy == "manager")
            // then: shipping the exchange needs the new serial, and an existing serial is refused; nothing changes
            await #expect(throws: ValidationError(["replacements": .invalidValue(allowed: ["SN-0001"])])) {
                try await cases.post(ReturnStepInput(.shipBack, replacements: []), to: inspected.id, by: Self.depot)
            }
            await #expect(throws: ValidationError.self) {
                try await cases.post(
                    ReturnStepInput(
                        .shipBack, replacements: [ReplacementInput(unitId: fixture.unit.id, serialNumber: "SN-0001")]),
                    to: inspected.id, by: Self.depot)
            }
            #expect(try await Records<UnitRecord>(store).get(fixture.unit.id).status == .inService)
            #expect(try await cases.get(inspected.id).version == approved.version)
            // when: shipped with the new unit's serial
            let shipped = try await cases.post(
                ReturnStepInput(
                    .shipBack, replacements: [ReplacementInput(unitId: fixture.unit.id, serialNumber: "SN-9001")]),
                to: inspected.id, by: Self.depot)
            // then: the old unit is retired with a link to its successor, which keeps the old one's place
            let successor = try #require(shipped.units[0].successorUnitId)
            #expect(shipped.units[0].successorSerial == "SN-9001")
            let old = try await Records<UnitRecord>(store).get(fixture.unit.id)
            #expect(old.status == .retired)
            let replacedBy = try await store.sql.raw(
                "SELECT replaced_by_unit_id FROM units WHERE id = \(bind: fixture.unit.id)"
            ).first(decodingColumn: "replaced_by_unit_id", as: Int?.self)
            #expect(replacedBy == successor)
            let new = try await Records<UnitRecord>(store).get(successor)
            #expect(new.customerId == fixture.customer.id)
            #expect(new.modelId == fixture.model.id)
            #expect(new.status == .inService)
            // the rest of the old warranty (to 2027-01-14) and at least 3 months from the exchange (2026-11-23)
            #expect(new.warrantyOverrideEnd == CalendarDate(iso: "2027-02-22"))
            #expect(
                try await Self.timeline(store, inspected.requestId).suffix(3) == [
                    "returnDecided", "returnApproved", "depotShipped",
                ])
        }
    }

    @Test("a refund issues a credit note and takes the unit out of the installed base", arguments: TestDatabase.all)
    func refund(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Self.world(store)
            let inspected = try await Self.inspected(
                fixture, store, wish: .refund, responsibility: .design, usable: false)
            // then: a refund without its amount is refused by name
            await #expect(throws: ValidationError(["costs.refundMinor": .required])) {
                try await ReturnCases(store).post(
                    ReturnStepInput(.decide, resolution: .refund), to: inspected.id, by: Self.depot)
            }
            // when: a refund within the limit is decided
            let closed = try await ReturnCases(at(store, hour(12))).post(
                ReturnStepInput(.decide, resolution: .refund, costs: ReturnCosts(refundMinor: 300_000)),
                to: inspected.id, by: Self.depot)
            // then: approved with it, closed, the money credited and the unit retired
            #expect(closed.proposal == .refund)
            #expect(closed.status == .closed)
            let document = try await FeeDocuments(store).get(try #require(closed.creditDocumentId))
            #expect(document.kind == .creditNote)
            #expect(document.number == closed.creditDocumentNumber)
            #expect(document.billedMinor == 300_000)
            #expect(try await Records<UnitRecord>(store).get(fixture.unit.id).status == .retired)
        }
    }

    @Test(
        "refused steps change nothing; a unit is on one open case; a rejected unit may be sent again",
        arguments: TestDatabase.all)
    func refusals(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Self.world(store)
            let cases = ReturnCases(at(store, hour(9)))
            let input = ReturnCaseInput(
                customerId: fixture.customer.id, unitIds: [fixture.unit.id], reason: "外壳破裂", wish: .repair,
                shipping: .engineerPickup)
            let opened = try await cases.open(input, by: Self.agent)
            // then: a step the status does not allow names what is allowed
            await #expect(
                throws: ReturnStepNotAllowed(
                    id: opened.id, status: .applied, event: .receive, allowed: [.authorise, .reject, .cancel])
            ) {
                try await cases.post(ReturnStepInput(.receive, serials: ["SN-0001"]), to: opened.id, by: Self.depot)
            }
            // a field another step carries is refused by name
            await #expect(throws: ValidationError.self) {
                try await cases.post(ReturnStepInput(.authorise, resolution: .repair), to: opened.id, by: Self.agent)
            }
            // the same unit cannot go on a second open case
            await #expect(throws: ValidationError(["unitIds[0]": .duplicate])) {
                try await cases.open(input, by: Self.agent)
            }
            #expect(try await cases.get(opened.id).version == 1)
            // when: the application is refused with its reason
            await #expect(throws: ValidationError(["note": .required])) {
                try await cases.post(ReturnStepInput(.reject), to: opened.id, by: Self.agent)
            }
            let rejected = try await cases.post(
                ReturnStepInput(.reject, note: "人为摔坏，不在退货范围"), to: opened.id, by: Self.agent)
            #expect(rejected.status == .rejected)
            #expect(rejected.closedReason == "人为摔坏，不在退货范围")
            #expect(rejected.allowedEvents.isEmpty)
            // then: the unit may be sent again on a new case, numbered next
            #expect(try await cases.open(input, by: Self.agent).number == "RMA-2026-000002")
        }
    }

    @Test(
        "a customer sees their own cases without the internal inspection and costs, and only ships or cancels",
        arguments: TestDatabase.all)
    func customerScope(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: a case inspected and decided
            let fixture = try await Self.world(store)
            let inspected = try await Self.inspected(
                fixture, store, responsibility: .manMadeDamage, usable: true)
            _ = try await ReturnCases(at(store, hour(12))).post(
                ReturnStepInput(.decide, note: "内部：跌落痕迹", resolution: .reject), to: inspected.id, by: Self.depot)
            let other = try await Records<CustomerRecord>(store).create(
                .init(orgUnitId: fixture.branch.id, name: "苏州精密机械", kind: .company, tier: .regular),
                by: tester)
            // when: the customer reads their case
            let own = ReturnCases(at(store, hour(13)).seen(within: .customer(id: fixture.customer.id)))
            let seen = try await own.get(inspected.id)
            // then: the decision shows, the inspection notes and costs do not
            #expect(seen.resolution == .reject)
            #expect(seen.decisionNote == nil)
            #expect(seen.units[0].findings == nil)
            #expect(seen.units[0].checklist == nil)
            #expect(try await own.list(ReturnCaseFilter(), page: PageRequest()).items.map(\.id) == [inspected.id])
            // another customer gets 404, and a customer takes no depot step
            let stranger = ReturnCases(store.seen(within: .customer(id: other.id)))
            await #expect(throws: RecordNotFound.self) { try await stranger.get(inspected.id) }
            await #expect(throws: ValidationError.self) {
                try await own.post(ReturnStepInput(.approve), to: inspected.id, by: Actor(name: "customer"))
            }
            // a customer opens a case for their own unit only
            await #expect(throws: ValidationError.self) {
                try await stranger.open(
                    ReturnCaseInput(
                        unitIds: [fixture.unit.id], reason: "x", wish: .repair, shipping: .customerSends),
                    by: Actor(name: "stranger"))
            }
        }
    }
}
