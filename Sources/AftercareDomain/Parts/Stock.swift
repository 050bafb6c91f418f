/// how a part is counted. Countable units take whole numbers only.
public enum UnitOfMeasure: String, CodedEnum {
    case piece, set, box, pair, metre, litre, kilogram

    /// Whether a quantity must be a whole number.
    public var isCountable: Bool {
        switch self {
        case .piece, .set, .box, .pair: true
        case .metre, .litre, .kilogram: false
        }
    }
}

/// the ABC class of a part. Class A parts (expensive or controlled) always need a manager's approval.
public enum PartClass: String, CodedEnum {
    case a, b, c
}

/// where stock is kept.
public enum WarehouseKind: String, CodedEnum {
    case headquarters, branch, van, emergencyReserve, quarantine

    /// Stock here may be issued to engineers. Quarantined parts (failed inspection, returned faulty) may not.
    public var issuable: Bool { self != .quarantine && self != .van }
}

/// what a ledger entry records. Every movement of stock is one or more appended entries.
public enum MovementKind: String, CodedEnum {
    /// 采购入库: goods received against a purchase order (awaiting inspection), or a direct receipt / opening balance.
    case receipt
    /// Incoming inspection: passed goods become stock; failed ones go to quarantine.
    case inspectionPass, inspectionFail
    /// Between warehouses, through in-transit.
    case transferOut, transferIn
    /// Set aside for an approved requisition, or released again.
    case reserve, release
    /// 领用出库: from a warehouse into the engineer's van.
    case issue
    /// Fitted on a visit.
    case consumption
    /// 退回: unused parts back from the van.
    case returnUnused
    /// The removed faulty part handed in, into quarantine.
    case faultyReturn
    /// 核销 / 报废: written off with a reason.
    case writeOff
    /// 账实相符: the stocktake's counted minus book.
    case stocktakeAdjustment
    /// The reversal of an earlier entry, which it names.
    case correction
}

/// Quantities are kept in thousandths so that sums are exact: 1.5 m is 1500.
public enum Quantity {
    public static let scale = 1000
    /// The most one movement may move, in units.
    public static let maximum = 1_000_000

    /// The quantity in thousandths, or why it is refused: zero, negative, too large, too fine, or fractional for a
    /// countable unit.
    public static func milli(_ value: Double, unit: UnitOfMeasure, allowZero: Bool = false) -> Checked {
        guard value.isFinite else { return .refused(.outOfRange(min: 1, max: maximum)) }
        if value < 0 || (value == 0 && !allowZero) || value > Double(maximum) {
            return .refused(.outOfRange(min: allowZero ? 0 : 1, max: maximum))
        }
        let scaled = (value * Double(scale)).rounded()
        if abs(scaled - value * Double(scale)) > 1e-6 {
            return .refused(.invalidFormat(expected: "a number with at most 3 decimals"))
        }
        let milli = Int(scaled)
        if unit.isCountable && milli % scale != 0 {
            return .refused(.invalidFormat(expected: "a whole number of \(unit.rawValue)s"))
        }
        return .accepted(milli)
    }

    /// A quantity accepted in thousandths, or refused with the reason.
    public enum Checked: Sendable, Equatable {
        case accepted(Int)
        case refused(FieldProblem)
    }

    /// Thousandths back to units, for the API.
    public static func units(_ milli: Int) -> Double {
        Double(milli) / Double(scale)
    }

    /// Units as the API gives them back (already checked) in thousandths.
    public static func milli(units: Double) -> Int {
        Int((units * Double(scale)).rounded())
    }

    /// Thousandths as a person reads them: `2`, `1.5`.
    public static func text(_ milli: Int) -> String {
        milli % scale == 0 ? String(milli / scale) : String(units(milli))
    }
}

/// how one entry changes one balance row, in thousandths of a unit.
public struct StockDelta: Sendable, Equatable, Codable {
    public var onHand: Int
    public var reserved: Int
    public var inTransit: Int
    public var inspecting: Int

    public init(onHand: Int = 0, reserved: Int = 0, inTransit: Int = 0, inspecting: Int = 0) {
        self.onHand = onHand
        self.reserved = reserved
        self.inTransit = inTransit
        self.inspecting = inspecting
    }

    /// The entry that undoes this one.
    public var reversed: StockDelta {
        StockDelta(onHand: -onHand, reserved: -reserved, inTransit: -inTransit, inspecting: -inspecting)
    }
}

/// One balance: on hand, reserved (for approved requisitions), in transit towards this warehouse, and received but
/// still in incoming inspection. Available is on hand less reserved.
public struct StockLevel: Sendable, Equatable, Codable {
    public var onHand: Int
    public var reserved: Int
    public var inTransit: Int
    public var inspecting: Int

    public init(onHand: Int = 0, reserved: Int = 0, inTransit: Int = 0, inspecting: Int = 0) {
        self.onHand = onHand
        self.reserved = reserved
        self.inTransit = inTransit
        self.inspecting = inspecting
    }

    public var available: Int { onHand - reserved }

    /// The rule the balance table also enforces: nothing negative, and nothing reserved that is not on hand.
    public var isValid: Bool { onHand >= 0 && reserved >= 0 && inTransit >= 0 && inspecting >= 0 && reserved <= onHand }

    public func applying(_ delta: StockDelta) -> StockLevel {
        StockLevel(
            onHand: onHand + delta.onHand, reserved: reserved + delta.reserved, inTransit: inTransit + delta.inTransit,
            inspecting: inspecting + delta.inspecting)
    }

    /// How much of what `delta` needs is missing, in the terms a person reads: available, in transit or in
    /// inspection. `nil` when the movement fits.
    public func shortage(for delta: StockDelta) -> StockShortfall? {
        let after = applying(delta)
        if after.isValid { return nil }
        if after.inTransit < 0 {
            return StockShortfall(of: .inTransit, requested: -delta.inTransit, present: inTransit)
        }
        if after.inspecting < 0 {
            return StockShortfall(of: .inspecting, requested: -delta.inspecting, present: inspecting)
        }
        if after.reserved < 0 { return StockShortfall(of: .reserved, requested: -delta.reserved, present: reserved) }
        // On hand short, or reserving more than is free: both are a lack of available stock.
        return StockShortfall(of: .available, requested: delta.reserved - delta.onHand, present: max(0, available))
    }
}

/// What a refused movement lacked.
public struct StockShortfall: Sendable, Equatable, Codable {
    public enum Measure: String, CodedEnum {
        case available, reserved, inTransit, inspecting
    }

    public var of: Measure
    public var requested: Int
    public var present: Int

    public init(of: Measure, requested: Int, present: Int) {
        self.of = of
        self.requested = requested
        self.present = present
    }
}

/// who may approve a requisition. A keeper approves up to the warehouse's limit and never class A parts;
/// beyond that it takes a service manager (or an administrator).
public enum RequisitionApproval {
    public static func approver(value: Int, classes: Set<PartClass>, keeperLimit: Int) -> Role {
        classes.contains(.a) || value > keeperLimit ? .serviceManager : .warehouseKeeper
    }

    public static func mayApprove(
        _ roles: Set<Role>, value: Int, classes: Set<PartClass>, keeperLimit: Int
    ) -> Bool {
        if roles.contains(.administrator) || roles.contains(.serviceManager) { return true }
        return approver(value: value, classes: classes, keeperLimit: keeperLimit) == .warehouseKeeper
            && roles.contains(.warehouseKeeper)
    }
}

/// how much to order so that the stock position rises above the reorder point, in whole reorder lots.
public enum Reorder {
    /// The position: available + in transit + in inspection + on order − demand not yet reserved.
    public static func position(_ level: StockLevel, onOrder: Int, openDemand: Int) -> Int {
        level.available + level.inTransit + level.inspecting + onOrder - openDemand
    }

    /// `nil` when the position is above the point; otherwise the multiple of `lot` that lifts it above.
    public static func suggestion(position: Int, point: Int, lot: Int) -> Int? {
        guard position <= point, lot > 0 else { return nil }
        let missing = point - position + 1
        return (missing + lot - 1) / lot * lot
    }
}

/// first expiring, first out. Lots without an expiry date go last; expired lots are not issued.
public enum FEFO {
    public struct Lot: Sendable, Equatable {
        public var expiresOn: CalendarDate?
        public var quantity: Int

        public init(expiresOn: CalendarDate?, quantity: Int) {
            self.expiresOn = expiresOn
            self.quantity = quantity
        }
    }

    /// How much to take from each lot (by index into `lots`), or `nil` when the usable lots hold too little.
    public static func pick(_ quantity: Int, from lots: [Lot], today: CalendarDate) -> [(index: Int, take: Int)]? {
        let order = lots.indices.filter { lots[$0].quantity > 0 && !(lots[$0].expiresOn.map { $0 < today } ?? false) }
            .sorted { a, b in
                switch (lots[a].expiresOn, lots[b].expiresOn) {
                case (let x?, let y?): x == y ? a < b : x < y
                case (.some, nil): true
                case (nil, .some): false
                case (nil, nil): a < b
                }
            }
        var left = quantity
        var picks: [(index: Int, take: Int)] = []
        for index in order where left > 0 {
            let take = min(left, lots[index].quantity)
            picks.append((index, take))
            left -= take
        }
        return left == 0 ? picks : nil
    }
}
