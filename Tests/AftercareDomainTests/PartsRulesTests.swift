import AftercareDomain
import Testing

@Suite("Quantities in thousandths (R-7.1)")
struct QuantityTests {
    @Test(
        "accepted quantities become exact thousandths",
        arguments: [
            (1.0, UnitOfMeasure.piece, 1000), (2.0, .set, 2000), (1.5, .metre, 1500), (0.001, .litre, 1),
            (1_000_000.0, .piece, 1_000_000_000), (2.125, .kilogram, 2125),
        ])
    func accepted(value: Double, unit: UnitOfMeasure, milli: Int) {
        #expect(Quantity.milli(value, unit: unit) == .accepted(milli))
    }

    @Test(
        "zero, negative, too large, too fine, fractional pieces and non-numbers are refused with the reason",
        arguments: [
            (0.0, UnitOfMeasure.piece, FieldProblem.outOfRange(min: 1, max: 1_000_000)),
            (-1.0, .metre, .outOfRange(min: 1, max: 1_000_000)),
            (1_000_001.0, .piece, .outOfRange(min: 1, max: 1_000_000)),
            (0.0001, .metre, .invalidFormat(expected: "a number with at most 3 decimals")),
            (1.5, .piece, .invalidFormat(expected: "a whole number of pieces")),
            (Double.nan, .litre, .outOfRange(min: 1, max: 1_000_000)),
            (Double.infinity, .litre, .outOfRange(min: 1, max: 1_000_000)),
        ])
    func refused(value: Double, unit: UnitOfMeasure, problem: FieldProblem) {
        #expect(Quantity.milli(value, unit: unit) == .refused(problem))
    }

    @Test("zero is allowed where asked (a stocktake count), and the text reads as people write it")
    func zeroAndText() {
        #expect(Quantity.milli(0, unit: .piece, allowZero: true) == .accepted(0))
        #expect(Quantity.text(2000) == "2")
        #expect(Quantity.text(1500) == "1.5")
        #expect(Quantity.milli(units: Quantity.units(1234)) == 1234)
    }
}

@Suite("Stock levels and shortages (R-7.3)")
struct StockLevelTests {
    @Test("available is on hand less reserved; a movement that fits has no shortage")
    func fits() {
        // given
        let level = StockLevel(onHand: 5000, reserved: 2000)
        // when
        let issue = StockDelta(onHand: -3000)
        // then
        #expect(level.available == 3000)
        #expect(level.shortage(for: issue) == nil)
        #expect(level.applying(issue) == StockLevel(onHand: 2000, reserved: 2000))
    }

    @Test(
        "each shortfall is named in the reader's terms",
        arguments: [
            (StockDelta(onHand: -4000), StockShortfall(of: .available, requested: 4000, present: 3000)),
            (StockDelta(reserved: 4000), StockShortfall(of: .available, requested: 4000, present: 3000)),
            (StockDelta(reserved: -3000), StockShortfall(of: .reserved, requested: 3000, present: 2000)),
            (StockDelta(inTransit: -1000), StockShortfall(of: .inTransit, requested: 1000, present: 0)),
            (StockDelta(inspecting: -1), StockShortfall(of: .inspecting, requested: 1, present: 0)),
        ])
    func shortfalls(delta: StockDelta, expected: StockShortfall) {
        let level = StockLevel(onHand: 5000, reserved: 2000)
        #expect(level.shortage(for: delta) == expected)
        #expect(!level.applying(delta).isValid)
    }

    @Test("a reversed delta undoes the movement")
    func reversal() {
        let delta = StockDelta(onHand: 1000, reserved: -500, inTransit: 200, inspecting: -100)
        let level = StockLevel(onHand: 3000, reserved: 1000, inTransit: 0, inspecting: 100)
        #expect(level.applying(delta).applying(delta.reversed) == level)
    }
}

@Suite("Who approves a requisition (R-7.4)")
struct RequisitionApprovalTests {
    @Test(
        "a keeper approves up to the limit and never class A; beyond, a service manager or an administrator",
        arguments: [
            (Set<Role>([.warehouseKeeper]), 50_000, Set<PartClass>([.b, .c]), true),
            (Set<Role>([.warehouseKeeper]), 50_001, Set<PartClass>([.c]), false),
            (Set<Role>([.warehouseKeeper]), 100, Set<PartClass>([.a]), false),
            (Set<Role>([.serviceManager]), 900_000, Set<PartClass>([.a]), true),
            (Set<Role>([.administrator]), 900_000, Set<PartClass>([.a]), true),
            (Set<Role>([.fieldEngineer]), 1, Set<PartClass>([.c]), false),
            (Set<Role>([.dispatcher]), 1, Set<PartClass>([.c]), false),
        ])
    func mayApprove(roles: Set<Role>, value: Int, classes: Set<PartClass>, allowed: Bool) {
        #expect(RequisitionApproval.mayApprove(roles, value: value, classes: classes, keeperLimit: 50_000) == allowed)
    }

    @Test("the approver named is the keeper within the limit, else the service manager")
    func approver() {
        #expect(RequisitionApproval.approver(value: 10, classes: [.c], keeperLimit: 100) == .warehouseKeeper)
        #expect(RequisitionApproval.approver(value: 101, classes: [.c], keeperLimit: 100) == .serviceManager)
        #expect(RequisitionApproval.approver(value: 1, classes: [.a, .c], keeperLimit: 100) == .serviceManager)
    }
}

@Suite("Urgency: the emergency flag and the priority (R-2.5, R-2.8)")
struct UrgencyTests {
    @Test(
        "at registration each implies the other, and neither is normal",
        arguments: [
            (Priority?.none, Bool?.none, Priority.normal, false),
            (.emergency, nil, .emergency, true),
            (nil, true, .emergency, true),
            (.high, true, .high, true),
            (.emergency, false, .emergency, false),
            (.low, nil, .low, false),
        ])
    func registered(priority: Priority?, emergency: Bool?, expected: Priority, expectedEmergency: Bool) {
        let urgency = Urgency.registered(priority: priority, emergency: emergency)
        #expect(urgency.priority == expected)
        #expect(urgency.emergency == expectedEmergency)
    }

    @Test("later, a given priority wins, an emergency raises, otherwise it stays")
    func changed() {
        #expect(Urgency.changed(priority: .low, emergency: true, before: .normal) == .low)
        #expect(Urgency.changed(priority: nil, emergency: true, before: .normal) == .emergency)
        #expect(Urgency.changed(priority: nil, emergency: false, before: .high) == .high)
        #expect(Urgency.changed(priority: nil, emergency: nil, before: .low) == .low)
    }

    @Test("urgent work: an emergency, or the emergency or high priority")
    func urgent() {
        #expect(Urgency.isUrgent(priority: .normal, emergency: true))
        #expect(Urgency.isUrgent(priority: .high, emergency: false))
        #expect(Urgency.isUrgent(priority: .emergency, emergency: false))
        #expect(!Urgency.isUrgent(priority: .normal, emergency: false))
        #expect(!Urgency.isUrgent(priority: .low, emergency: false))
    }
}
