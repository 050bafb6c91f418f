import AftercareDomain
import Foundation
import SQLKit

/// a supplier of a part.
public struct PartSupplier: Codable, Sendable, Equatable {
    public var name: String
    public var supplierPartNumber: String?
    public var leadTimeDays: Int?

    public init(name: String, supplierPartNumber: String? = nil, leadTimeDays: Int? = nil) {
        self.name = name
        self.supplierPartNumber = supplierPartNumber
        self.leadTimeDays = leadTimeDays
    }
}

/// a spare part in the catalogue, shared by every unit.
public enum PartRecord: RecordKind {
    public struct Input: Codable, Sendable, Equatable {
        public var partNumber: String
        public var name: String
        public var specification: String?
        public var unit: UnitOfMeasure
        public var partClass: PartClass?
        public var serialTracked: Bool?
        public var shelfLifeDays: Int?
        public var compatibleModelIds: [Int]?
        public var suppliers: [PartSupplier]?
        /// the management fee added when the part is sold to a customer, in percent.
        public var managementFeePercent: Double?
        /// The latest purchase price in minor units; receipts keep it current.
        public var lastPrice: Int?

        public init(
            partNumber: String, name: String, specification: String? = nil, unit: UnitOfMeasure = .piece,
            partClass: PartClass? = nil, serialTracked: Bool? = nil, shelfLifeDays: Int? = nil,
            compatibleModelIds: [Int]? = nil, suppliers: [PartSupplier]? = nil, managementFeePercent: Double? = nil,
            lastPrice: Int? = nil
        ) {
            self.partNumber = partNumber
            self.name = name
            self.specification = specification
            self.unit = unit
            self.partClass = partClass
            self.serialTracked = serialTracked
            self.shelfLifeDays = shelfLifeDays
            self.compatibleModelIds = compatibleModelIds
            self.suppliers = suppliers
            self.managementFeePercent = managementFeePercent
            self.lastPrice = lastPrice
        }
    }

    public struct Fields: Codable, Sendable {
        var partNumber: String
        var name: String
        var specification: String?
        var unit: UnitOfMeasure
        var partClass: PartClass
        var serialTracked: Bool
        var shelfLifeDays: Int?
        var compatibleModelIds: String
        var suppliers: String
        var managementFeePercent: Double
        var lastPrice: Int?
    }

    public typealias Row = Fields

    public struct View: Codable, Sendable, Equatable, Identifiable {
        public var id: Int
        public var partNumber: String
        public var name: String
        public var specification: String?
        public var unit: UnitOfMeasure
        public var partClass: PartClass
        public var serialTracked: Bool
        public var shelfLifeDays: Int?
        public var compatibleModelIds: [Int]
        public var suppliers: [PartSupplier]
        public var managementFeePercent: Double
        public var lastPrice: Int?
        public var version: Int
        public var createdAt: Date
        public var updatedAt: Date
        public var archivedAt: Date?
    }

    public static let table = "parts"
    public static let entity = "part"

    public static func validate(_ input: Input, id: Int?, on db: any SQLDatabase) async throws -> Fields {
        var v = Validator()
        Checks.code("partNumber", input.partNumber, into: &v)
        v.text("name", input.name, required: true, max: Limits.name)
        v.text("specification", input.specification, max: Limits.shortText)
        v.range("shelfLifeDays", input.shelfLifeDays, 1...3650)
        v.range("lastPrice", input.lastPrice, 0...Money.maximumPriceMinor)
        if let fee = input.managementFeePercent, !(0...100).contains(fee) || fee.isNaN {
            v.add("managementFeePercent", .outOfRange(min: 0, max: 100))
        }
        if input.serialTracked == true && input.unit != .piece {
            v.add("serialTracked", .invalidFormat(expected: "false unless the unit is piece"))
        }
        if input.serialTracked == true && input.shelfLifeDays != nil {
            v.add("shelfLifeDays", .invalidFormat(expected: "empty for a serial-tracked part"))
        }
        // What stock is counted in cannot change under stock that exists.
        if let id,
            let stored = try await db.raw(
                """
                SELECT unit, serial_tracked, shelf_life_days FROM parts p WHERE id = \(bind: id) AND EXISTS \
                (SELECT 1 FROM stock_balances b WHERE b.part_id = p.id AND (b.on_hand <> 0 OR b.in_transit <> 0 \
                OR b.inspecting <> 0))
                """
            ).first()
        {
            let held = "unchanged while the part has stock"
            if try stored.decode(column: "unit", as: String.self) != input.unit.rawValue {
                v.add("unit", .invalidFormat(expected: held))
            }
            if try stored.decode(column: "serial_tracked", as: Bool.self) != (input.serialTracked ?? false) {
                v.add("serialTracked", .invalidFormat(expected: held))
            }
            if try (stored.decode(column: "shelf_life_days", as: Int?.self) == nil) != (input.shelfLifeDays == nil) {
                v.add("shelfLifeDays", .invalidFormat(expected: held))
            }
        }
        let models = input.compatibleModelIds ?? []
        if models.count > 200 { v.add("compatibleModelIds", .outOfRange(min: 0, max: 200)) }
        if Set(models).count != models.count { v.add("compatibleModelIds", .duplicate) }
        for (index, model) in models.prefix(200).enumerated() {
            v.reference(
                "compatibleModelIds.\(index)", try await Checks.reference(ProductModelRecord.table, model, on: db))
        }
        let suppliers = input.suppliers ?? []
        if suppliers.count > 20 { v.add("suppliers", .outOfRange(min: 0, max: 20)) }
        for (index, supplier) in suppliers.enumerated() {
            v.text("suppliers.\(index).name", supplier.name, required: true, max: Limits.name)
            v.text("suppliers.\(index).supplierPartNumber", supplier.supplierPartNumber, max: Limits.code)
            v.range("suppliers.\(index).leadTimeDays", supplier.leadTimeDays, 0...365)
        }
        if try await Checks.taken(table, [("part_number", input.partNumber)], except: id, on: db) {
            v.add("partNumber", .duplicate)
        }
        try v.finish()
        return Fields(
            partNumber: input.partNumber, name: input.name.trimmed, specification: input.specification?.trimmed,
            unit: input.unit, partClass: input.partClass ?? .c, serialTracked: input.serialTracked ?? false,
            shelfLifeDays: input.shelfLifeDays, compatibleModelIds: try JSONText.encode(models.sorted()),
            suppliers: try JSONText.encode(suppliers), managementFeePercent: input.managementFeePercent ?? 0,
            lastPrice: input.lastPrice)
    }

    public static func view(_ row: Row, meta: RecordMeta) throws -> View {
        View(
            id: meta.id, partNumber: row.partNumber, name: row.name, specification: row.specification,
            unit: row.unit, partClass: row.partClass, serialTracked: row.serialTracked,
            shelfLifeDays: row.shelfLifeDays,
            compatibleModelIds: try JSONText.decodeRemembered([Int].self, from: row.compatibleModelIds),
            suppliers: try JSONText.decodeRemembered([PartSupplier].self, from: row.suppliers),
            managementFeePercent: row.managementFeePercent, lastPrice: row.lastPrice, version: meta.version,
            createdAt: meta.createdAt, updatedAt: meta.updatedAt, archivedAt: meta.archivedAt)
    }

    public static func input(from view: View) -> Input {
        Input(
            partNumber: view.partNumber, name: view.name, specification: view.specification, unit: view.unit,
            partClass: view.partClass, serialTracked: view.serialTracked, shelfLifeDays: view.shelfLifeDays,
            compatibleModelIds: view.compatibleModelIds, suppliers: view.suppliers,
            managementFeePercent: view.managementFeePercent, lastPrice: view.lastPrice)
    }
}

/// a warehouse of an organisation unit: headquarters, branch, an engineer's van, the emergency reserve or
/// quarantine, with its bins.
public enum WarehouseRecord: RecordKind {
    public struct Input: Codable, Sendable, Equatable {
        public var code: String
        public var name: String
        public var kind: WarehouseKind
        public var orgUnitId: Int
        /// The engineer whose van this is (vans only).
        public var engineerId: Int?
        /// Bin or shelf codes (`A-01-03`).
        public var bins: [String]?
        /// a keeper approves requisitions up to this value, in minor units.
        public var approvalLimit: Int?

        public init(
            code: String, name: String, kind: WarehouseKind, orgUnitId: Int, engineerId: Int? = nil,
            bins: [String]? = nil, approvalLimit: Int? = nil
        ) {
            self.code = code
            self.name = name
            self.kind = kind
            self.orgUnitId = orgUnitId
            self.engineerId = engineerId
            self.bins = bins
            self.approvalLimit = approvalLimit
        }
    }

    public struct Fields: Codable, Sendable {
        var code: String
        var name: String
        var kind: WarehouseKind
        var orgUnitId: Int
        var engineerId: Int?
        var bins: String
        var approvalLimit: Int
    }

    public typealias Row = Fields

    public struct View: Codable, Sendable, Equatable, Identifiable {
        public var id: Int
        public var code: String
        public var name: String
        public var kind: WarehouseKind
        public var orgUnitId: Int
        public var engineerId: Int?
        public var bins: [String]
        public var approvalLimit: Int
        public var version: Int
        public var createdAt: Date
        public var updatedAt: Date
        public var archivedAt: Date?
    }

    public static let table = "warehouses"
    public static let entity = "warehouse"
    /// Keepers approve up to 2,000.00 unless the warehouse says otherwise.
    public static let defaultApprovalLimit = 200_000

    public static func validate(_ input: Input, id: Int?, on db: any SQLDatabase) async throws -> Fields {
        var v = Validator()
        Checks.code("code", input.code, into: &v)
        v.text("name", input.name, required: true, max: Limits.name)
        v.range("approvalLimit", input.approvalLimit, 0...Money.maximumPriceMinor)
        let bins = input.bins ?? []
        if bins.count > 2000 { v.add("bins", .outOfRange(min: 0, max: 2000)) }
        if Set(bins).count != bins.count { v.add("bins", .duplicate) }
        for (index, bin) in bins.prefix(2000).enumerated() { Checks.code("bins.\(index)", bin, into: &v) }
        v.reference("orgUnitId", try await Checks.reference(OrgUnitRecord.table, input.orgUnitId, on: db))
        if input.kind == .van {
            if let engineer = input.engineerId {
                v.reference("engineerId", try await Checks.reference(EngineerRecord.table, engineer, on: db))
                var taken = db.select().column("id").from(table).where("engineer_id", .equal, engineer)
                    .where("archived_at", .is, SQLLiteral.null)
                if let id { taken = taken.where("id", .notEqual, id) }
                if try await taken.first() != nil { v.add("engineerId", .duplicate) }
            } else {
                v.add("engineerId", .required)
            }
        } else if input.engineerId != nil {
            v.add("engineerId", .invalidFormat(expected: "empty unless the warehouse is a van"))
        }
        if try await Checks.taken(table, [("code", input.code)], except: id, on: db) { v.add("code", .duplicate) }
        try v.finish()
        return Fields(
            code: input.code, name: input.name.trimmed, kind: input.kind, orgUnitId: input.orgUnitId,
            engineerId: input.engineerId, bins: try JSONText.encode(bins),
            approvalLimit: input.approvalLimit ?? defaultApprovalLimit)
    }

    public static func view(_ row: Row, meta: RecordMeta) throws -> View {
        View(
            id: meta.id, code: row.code, name: row.name, kind: row.kind, orgUnitId: row.orgUnitId,
            engineerId: row.engineerId, bins: try JSONText.decodeRemembered([String].self, from: row.bins),
            approvalLimit: row.approvalLimit, version: meta.version, createdAt: meta.createdAt,
            updatedAt: meta.updatedAt, archivedAt: meta.archivedAt)
    }

    public static func input(from view: View) -> Input {
        Input(
            code: view.code, name: view.name, kind: view.kind, orgUnitId: view.orgUnitId, engineerId: view.engineerId,
            bins: view.bins, approvalLimit: view.approvalLimit)
    }
}

extension WarehouseRecord: OwnedByOrgUnit {}

/// where a part lives in a warehouse, and when and how much to reorder.
public enum StockRuleRecord: RecordKind {
    public struct Input: Codable, Sendable, Equatable {
        public var partId: Int
        public var warehouseId: Int
        public var bin: String?
        public var reorderPoint: Double
        public var reorderQuantity: Double

        public init(partId: Int, warehouseId: Int, bin: String? = nil, reorderPoint: Double, reorderQuantity: Double) {
            self.partId = partId
            self.warehouseId = warehouseId
            self.bin = bin
            self.reorderPoint = reorderPoint
            self.reorderQuantity = reorderQuantity
        }
    }

    public struct Fields: Codable, Sendable {
        var partId: Int
        var warehouseId: Int
        var bin: String?
        var reorderPoint: Int
        var reorderQuantity: Int
    }

    public struct Row: Decodable, Sendable {
        var fields: Fields
        var orgUnitId: Int

        public init(from decoder: any Decoder) throws {
            fields = try Fields(from: decoder)
            orgUnitId = try decoder.container(keyedBy: Keys.self).decode(Int.self, forKey: .orgUnitId)
        }

        enum Keys: String, CodingKey {
            case orgUnitId = "org_unit_id"
        }
    }

    public struct View: Codable, Sendable, Equatable, Identifiable {
        public var id: Int
        public var partId: Int
        public var warehouseId: Int
        public var orgUnitId: Int
        public var bin: String?
        public var reorderPoint: Double
        public var reorderQuantity: Double
        public var version: Int
        public var createdAt: Date
        public var updatedAt: Date
        public var archivedAt: Date?
    }

    public static let table = "stock_rules"
    public static let entity = "stockRule"
    public static var scopeField: String { "warehouseId" }

    public static func select(on db: any SQLDatabase) -> SQLSelectBuilder {
        db.select().column(SQLColumn(SQLLiteral.all, table: SQLIdentifier(table)))
            .column(SQLColumn("org_unit_id", table: "w"))
            .from(table)
            .join(
                SQLAlias(SQLIdentifier("warehouses"), as: SQLIdentifier("w")), on: SQLColumn("id", table: "w"),
                .equal, column("warehouse_id"))
    }

    public static func restrict(_ query: SQLSelectBuilder, to scope: Scope) -> SQLSelectBuilder {
        query.where(
            optional: ScopeSQL.condition(
                scope,
                orgUnit: { SQLBinaryExpression(SQLColumn("org_unit_id", table: "w"), .in, ScopeSQL.unitsUnder($0)) },
                customer: { _ in nil }))
    }

    public static func validate(_ input: Input, id: Int?, on db: any SQLDatabase) async throws -> Fields {
        var v = Validator()
        v.reference("partId", try await Checks.reference(PartRecord.table, input.partId, on: db))
        v.reference("warehouseId", try await Checks.reference(WarehouseRecord.table, input.warehouseId, on: db))
        if let bin = input.bin { Checks.code("bin", bin, into: &v) }
        let unit = try await StockQuantities.unit(of: input.partId, on: db) ?? .piece
        let point = StockQuantities.check("reorderPoint", input.reorderPoint, unit, allowZero: true, into: &v)
        let lot = StockQuantities.check("reorderQuantity", input.reorderQuantity, unit, into: &v)
        if try await Checks.taken(
            table, [("part_id", input.partId), ("warehouse_id", input.warehouseId)], except: id, on: db)
        {
            v.add("partId", .duplicate)
        }
        try v.finish()
        return Fields(
            partId: input.partId, warehouseId: input.warehouseId, bin: input.bin, reorderPoint: point,
            reorderQuantity: lot)
    }

    public static func view(_ row: Row, meta: RecordMeta) throws -> View {
        let f = row.fields
        return View(
            id: meta.id, partId: f.partId, warehouseId: f.warehouseId, orgUnitId: row.orgUnitId, bin: f.bin,
            reorderPoint: Quantity.units(f.reorderPoint), reorderQuantity: Quantity.units(f.reorderQuantity),
            version: meta.version, createdAt: meta.createdAt, updatedAt: meta.updatedAt, archivedAt: meta.archivedAt)
    }

    public static func input(from view: View) -> Input {
        Input(
            partId: view.partId, warehouseId: view.warehouseId, bin: view.bin, reorderPoint: view.reorderPoint,
            reorderQuantity: view.reorderQuantity)
    }
}

/// Quantities as the API gives them, checked against the part's unit and turned into thousandths.
enum StockQuantities {
    static func unit(of partId: Int, on db: any SQLDatabase) async throws -> UnitOfMeasure? {
        try await db.select().column("unit").from(PartRecord.table).where("id", .equal, partId).first()
            .flatMap { UnitOfMeasure(rawValue: try $0.decode(column: "unit", as: String.self)) }
    }

    /// The quantity in thousandths (0 when refused, with the problem recorded).
    static func check(
        _ field: String, _ value: Double, _ unit: UnitOfMeasure, allowZero: Bool = false, into v: inout Validator
    ) -> Int {
        switch Quantity.milli(value, unit: unit, allowZero: allowZero) {
        case .accepted(let milli): return milli
        case .refused(let problem):
            v.add(field, problem)
            return 0
        }
    }
}
