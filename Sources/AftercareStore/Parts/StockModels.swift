import AftercareDomain
import Foundation

/// One balance row as the API shows it: quantities in units.
public struct StockBalanceView: Codable, Sendable, Equatable {
    public var partId: Int
    public var partNumber: String
    public var partName: String
    public var unit: UnitOfMeasure
    public var warehouseId: Int
    public var warehouseCode: String
    public var warehouseName: String
    public var warehouseKind: WarehouseKind
    public var orgUnitId: Int
    public var onHand: Double
    public var reserved: Double
    public var available: Double
    public var inTransit: Double
    public var inspecting: Double
    public var bin: String?
    public var reorderPoint: Double?
    /// At or below the reorder point.
    public var low: Bool
    public var lastMovementAt: Date
}

/// A part's stock everywhere the caller may see, with the totals.
public struct PartStockView: Codable, Sendable, Equatable {
    public var partId: Int
    public var onHand: Double
    public var reserved: Double
    public var available: Double
    public var inTransit: Double
    public var inspecting: Double
    public var warehouses: [StockBalanceView]
}

/// One ledger entry.
public struct LedgerEntryView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var at: Date
    public var actor: String
    public var kind: MovementKind
    public var partId: Int
    public var partNumber: String
    public var warehouseId: Int
    public var warehouseCode: String
    public var onHand: Double
    public var reserved: Double
    public var inTransit: Double
    public var inspecting: Double
    public var serial: String?
    public var faultySerial: String?
    public var expiresOn: String?
    public var unitCost: Int?
    public var counterpartWarehouseId: Int?
    public var requisitionId: Int?
    public var visitId: Int?
    public var purchaseOrderId: Int?
    public var transferId: Int?
    public var stocktakeId: Int?
    public var correctsId: Int?
    public var reason: String?
}

/// Which ledger entries to list.
public struct LedgerFilter: Sendable, Equatable {
    public var partId: Int?
    public var warehouseId: Int?
    public var kinds: [MovementKind] = []
    public var from: Date?
    public var to: Date?

    public init(
        partId: Int? = nil, warehouseId: Int? = nil, kinds: [MovementKind] = [], from: Date? = nil, to: Date? = nil
    ) {
        self.partId = partId
        self.warehouseId = warehouseId
        self.kinds = kinds
        self.from = from
        self.to = to
    }
}

/// Which balances to list.
public struct BalanceFilter: Sendable, Equatable {
    public var partId: Int?
    public var warehouseId: Int?
    public var kind: WarehouseKind?
    public var engineerId: Int?
    /// Only balances at or below their reorder point.
    public var low = false

    public init(
        partId: Int? = nil, warehouseId: Int? = nil, kind: WarehouseKind? = nil, engineerId: Int? = nil,
        low: Bool = false
    ) {
        self.partId = partId
        self.warehouseId = warehouseId
        self.kind = kind
        self.engineerId = engineerId
        self.low = low
    }
}

/// A balance row that differs from the sum of its ledger entries (the proof that should always be empty).
public struct BalanceMismatch: Codable, Sendable, Equatable {
    public var partId: Int
    public var warehouseId: Int
    public var balance: StockLevel
    public var ledger: StockLevel
}

/// `POST /stock/receipts`: goods received without a purchase order (opening balances, returns from a supplier's
/// exchange), straight into stock.
public struct ReceiptInput: Codable, Sendable, Equatable {
    public var partId: Int
    public var warehouseId: Int
    public var quantity: Double
    public var unitCost: Int?
    public var serials: [String]?
    public var expiresOn: CalendarDate?
    public var reason: String?

    public init(
        partId: Int, warehouseId: Int, quantity: Double, unitCost: Int? = nil, serials: [String]? = nil,
        expiresOn: CalendarDate? = nil, reason: String? = nil
    ) {
        self.partId = partId
        self.warehouseId = warehouseId
        self.quantity = quantity
        self.unitCost = unitCost
        self.serials = serials
        self.expiresOn = expiresOn
        self.reason = reason
    }
}

/// `POST /stock/issues`, `/stock/returns`, `/stock/write-offs`, `/stock/transfers`: a movement of one part.
public struct MovementInput: Codable, Sendable, Equatable {
    public var partId: Int
    public var quantity: Double
    /// The warehouse the parts leave (issue, write-off, transfer) or come back to (return).
    public var warehouseId: Int
    /// Issue and return: whose van.
    public var engineerId: Int?
    /// Transfer: where to.
    public var toWarehouseId: Int?
    public var serials: [String]?
    /// Write-off: which dated lot (otherwise first expiring first, expired lots included).
    public var expiresOn: CalendarDate?
    public var reason: String?

    public init(
        partId: Int, quantity: Double, warehouseId: Int, engineerId: Int? = nil, toWarehouseId: Int? = nil,
        serials: [String]? = nil, expiresOn: CalendarDate? = nil, reason: String? = nil
    ) {
        self.partId = partId
        self.quantity = quantity
        self.warehouseId = warehouseId
        self.engineerId = engineerId
        self.toWarehouseId = toWarehouseId
        self.serials = serials
        self.expiresOn = expiresOn
        self.reason = reason
    }
}

/// What a movement appended.
public struct MovementResult: Codable, Sendable, Equatable {
    public var entries: [LedgerEntryView]
    public var transferId: Int?
}

/// A transfer between warehouses, shipped and then received.
public struct TransferView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var partId: Int
    public var partNumber: String
    public var fromWarehouseId: Int
    public var toWarehouseId: Int
    public var quantity: Double
    public var serials: [String]
    public var status: String
    public var shippedBy: String
    public var shippedAt: Date
    public var receivedAt: Date?
}

/// Where a serial-tracked part is.
public struct SerialView: Codable, Sendable, Equatable {
    public var partId: Int
    public var serial: String
    public var status: SerialStatus
    public var warehouseId: Int?
    public var visitId: Int?
    public var updatedAt: Date
}

/// a dated lot that has expired or expires soon.
public struct ExpiryWarning: Codable, Sendable, Equatable {
    public var partId: Int
    public var partNumber: String
    public var partName: String
    public var warehouseId: Int
    public var warehouseCode: String
    public var expiresOn: String
    public var quantity: Double
    public var expired: Bool
}
