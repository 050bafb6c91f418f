import AftercareDomain
import Foundation
import SQLKit

// MARK: The archive's pages: the filters of the customer and unit lists

extension RecordFilter where Kind == CustomerRecord {
    /// Customers with one of `ids` (the names of the customers a page of units shows).
    public static func customers(ids: [Int]) -> Self {
        Self { query, _ in query.where(Kind.column("id"), .in, SQLBind.group(ids.isEmpty ? [-1] : ids)) }
    }
}

extension RecordFilter where Kind == ProductModelRecord {
    /// Models with one of `ids`.
    public static func productModels(ids: [Int]) -> Self {
        Self { query, _ in query.where(Kind.column("id"), .in, SQLBind.group(ids.isEmpty ? [-1] : ids)) }
    }
}

extension RecordFilter where Kind == UnitRecord {
    /// The unit list's filters together: owner, model, a serial starting with `serialPrefix`, and an owner whose
    /// name contains `customerName`.
    public static func unitList(
        customerId: Int? = nil, modelId: Int? = nil, serialPrefix: String? = nil, customerName: String? = nil
    ) -> Self {
        let equal = Self.units(customerId: customerId, modelId: modelId)
        let prefix = serialPrefix.map { Self.units(serialPrefix: $0) }
        return Self { query, db in
            var query = try await equal.apply(query, db)
            if let prefix { query = try await prefix.apply(query, db) }
            if let customerName {
                query = query.where(
                    Kind.column("customer_id"), .in,
                    SQLSubquery.select {
                        $0.column("id").from(CustomerRecord.table)
                            .where(TextMatch.column(SQLColumn("name"), contains: customerName, on: db))
                    })
            }
            return query
        }
    }
}
