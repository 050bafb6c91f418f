import AftercareDomain
import Foundation
import SQLKit

/// a product line (copiers, LED screens, pump trucks…).
public enum ProductLineRecord: RecordKind {
    public struct Input: Codable, Sendable, Equatable {
        public var code: String
        public var name: String

        public init(code: String, name: String) {
            self.code = code
            self.name = name
        }
    }

    public typealias Fields = Input
    public typealias Row = Input

    public struct View: Codable, Sendable, Equatable, Identifiable {
        public var id: Int
        public var code: String
        public var name: String
        public var version: Int
        public var createdAt: Date
        public var updatedAt: Date
        public var archivedAt: Date?
    }

    public static let table = "product_lines"
    public static let entity = "productLine"

    public static func validate(_ input: Input, id: Int?, on db: any SQLDatabase) async throws -> Fields {
        var v = Validator()
        Checks.code("code", input.code, into: &v)
        v.text("name", input.name, required: true, max: Limits.name)
        if try await Checks.taken(table, [("code", input.code)], except: id, on: db) { v.add("code", .duplicate) }
        try v.finish()
        return Input(code: input.code, name: input.name.trimmed)
    }

    public static func view(_ row: Row, meta: RecordMeta) throws -> View {
        View(
            id: meta.id, code: row.code, name: row.name, version: meta.version, createdAt: meta.createdAt,
            updatedAt: meta.updatedAt, archivedAt: meta.archivedAt)
    }

    public static func input(from view: View) -> Input { Input(code: view.code, name: view.name) }
}

/// a product model and its service plan (一品一案): warranty rule, service level, service families.
public enum ProductModelRecord: RecordKind {
    public struct Input: Codable, Sendable, Equatable {
        public var code: String
        public var name: String
        public var productLineId: Int
        public var warrantyMonths: Int
        public var warrantyStartsFrom: WarrantyStart
        public var serviceLevel: ServiceLevel
        public var serviceFamilies: [ServiceFamily]

        public init(
            code: String, name: String, productLineId: Int, warrantyMonths: Int = 12,
            warrantyStartsFrom: WarrantyStart = .acceptance, serviceLevel: ServiceLevel = .meets,
            serviceFamilies: [ServiceFamily] = []
        ) {
            self.code = code
            self.name = name
            self.productLineId = productLineId
            self.warrantyMonths = warrantyMonths
            self.warrantyStartsFrom = warrantyStartsFrom
            self.serviceLevel = serviceLevel
            self.serviceFamilies = serviceFamilies
        }
    }

    public struct Fields: Codable, Sendable {
        var code: String
        var name: String
        var productLineId: Int
        var warrantyMonths: Int
        var warrantyStartsFrom: String
        var serviceLevel: String
        var serviceFamilies: String
    }

    public typealias Row = Fields

    public struct View: Codable, Sendable, Equatable, Identifiable {
        public var id: Int
        public var code: String
        public var name: String
        public var productLineId: Int
        public var warrantyMonths: Int
        public var warrantyStartsFrom: WarrantyStart
        public var serviceLevel: ServiceLevel
        public var serviceFamilies: [ServiceFamily]
        public var version: Int
        public var createdAt: Date
        public var updatedAt: Date
        public var archivedAt: Date?
    }

    public static let table = "product_models"
    public static let entity = "productModel"
    public static let warrantyMonthsRange = 0...240

    public static func validate(_ input: Input, id: Int?, on db: any SQLDatabase) async throws -> Fields {
        var v = Validator()
        Checks.code("code", input.code, into: &v)
        v.text("name", input.name, required: true, max: Limits.name)
        v.range("warrantyMonths", input.warrantyMonths, warrantyMonthsRange)
        v.reference("productLineId", try await Checks.reference(ProductLineRecord.table, input.productLineId, on: db))
        if try await Checks.taken(table, [("code", input.code)], except: id, on: db) { v.add("code", .duplicate) }
        if input.serviceFamilies.contains(.complaint) {
            v.add("serviceFamilies", .invalidValue(allowed: ServiceFamily.productFamilies.map(\.rawValue)))
        }
        try v.finish()
        let families = ServiceFamily.productFamilies.filter(input.serviceFamilies.contains)
        return Fields(
            code: input.code, name: input.name.trimmed, productLineId: input.productLineId,
            warrantyMonths: input.warrantyMonths, warrantyStartsFrom: input.warrantyStartsFrom.rawValue,
            serviceLevel: input.serviceLevel.rawValue, serviceFamilies: families.map(\.rawValue).joined(separator: ","))
    }

    public static func view(_ row: Row, meta: RecordMeta) throws -> View {
        View(
            id: meta.id, code: row.code, name: row.name, productLineId: row.productLineId,
            warrantyMonths: row.warrantyMonths,
            warrantyStartsFrom: try WarrantyStart.stored(
                row.warrantyStartsFrom, column: "product_models.warranty_starts_from"),
            serviceLevel: try ServiceLevel.stored(row.serviceLevel, column: "product_models.service_level"),
            serviceFamilies: row.serviceFamilies.split(separator: ",").compactMap {
                ServiceFamily(rawValue: String($0))
            },
            version: meta.version, createdAt: meta.createdAt, updatedAt: meta.updatedAt, archivedAt: meta.archivedAt)
    }

    public static func input(from view: View) -> Input {
        Input(
            code: view.code, name: view.name, productLineId: view.productLineId, warrantyMonths: view.warrantyMonths,
            warrantyStartsFrom: view.warrantyStartsFrom, serviceLevel: view.serviceLevel,
            serviceFamilies: view.serviceFamilies)
    }
}
