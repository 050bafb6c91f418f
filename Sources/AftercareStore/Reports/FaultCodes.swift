import AftercareDomain
import Foundation
import SQLKit

/// the fault-cause catalogue of a product line: a code the engineer picks on the report, its name, the category
/// the repeat-repair rule compares, and the warranty cause it usually means. Kept by managers; shared by all.
public enum FaultCodeRecord: RecordKind {
    public struct Input: Codable, Sendable, Equatable {
        public var productLineId: Int
        public var code: String
        public var name: String
        /// The fault category (for example "液压系统"), compared by the repeat-repair rule.
        public var category: String
        /// The warranty cause this fault usually has; the engineer may choose another.
        public var cause: FaultCause?

        public init(productLineId: Int, code: String, name: String, category: String, cause: FaultCause? = nil) {
            self.productLineId = productLineId
            self.code = code
            self.name = name
            self.category = category
            self.cause = cause
        }
    }

    public typealias Fields = Input
    public typealias Row = Input

    public struct View: Codable, Sendable, Equatable, Identifiable {
        public var id: Int
        public var productLineId: Int
        public var code: String
        public var name: String
        public var category: String
        public var cause: FaultCause?
        public var version: Int
        public var createdAt: Date
        public var updatedAt: Date
        public var archivedAt: Date?
    }

    public static let table = "fault_codes"
    public static let entity = "faultCode"

    public static func validate(_ input: Input, id: Int?, on db: any SQLDatabase) async throws -> Fields {
        var v = Validator()
        Checks.code("code", input.code, into: &v)
        v.text("name", input.name, required: true, max: Limits.name)
        v.text("category", input.category, required: true, max: Limits.shortText)
        v.reference("productLineId", try await Checks.reference(ProductLineRecord.table, input.productLineId, on: db))
        if try await Checks.taken(
            table, [("product_line_id", input.productLineId), ("code", input.code)], except: id, on: db)
        {
            v.add("code", .duplicate)
        }
        try v.finish()
        var fields = input
        fields.name = input.name.trimmed
        fields.category = input.category.trimmed
        return fields
    }

    public static func view(_ row: Row, meta: RecordMeta) throws -> View {
        View(
            id: meta.id, productLineId: row.productLineId, code: row.code, name: row.name, category: row.category,
            cause: row.cause, version: meta.version, createdAt: meta.createdAt, updatedAt: meta.updatedAt,
            archivedAt: meta.archivedAt)
    }

    public static func input(from view: View) -> Input {
        Input(
            productLineId: view.productLineId, code: view.code, name: view.name, category: view.category,
            cause: view.cause)
    }
}

extension RecordFilter where Kind == FaultCodeRecord {
    /// The codes of a product line (all when nil).
    public static func faultCodes(productLineId: Int?) -> Self {
        Self.equal([("product_line_id", productLineId)])
    }
}
