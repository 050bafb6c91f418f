import AftercareDomain
import Foundation
import SQLKit

// the lists of the parts catalogue, warehouses and stock rules.

extension RecordFilter where Kind == PartRecord {
    /// Parts whose number or name contains `text`, or whose number is `number` as typed or upper-cased (part
    /// numbers are codes, written in capitals: "rl-pick" finds RL-PICK).
    public static func parts(containing text: String? = nil, number: String? = nil) -> Self {
        Self { query, db in
            var query = query
            if let number {
                query = query.where(
                    Kind.column("part_number"), .in, SQLBind.group(Array(Set([number, number.uppercased()]))))
            }
            if let text, !text.isEmpty {
                let like = "%" + text + "%"
                query = query.where {
                    $0.where(Kind.column("part_number"), .like, SQLBind(like))
                        .orWhere(Kind.column("name"), .like, SQLBind(like))
                }
            }
            return query
        }
    }
}

extension RecordFilter where Kind == WarehouseRecord {
    /// Warehouses of one of `kinds` (all when empty), owned by `orgUnitId`.
    public static func warehouses(kinds: [WarehouseKind] = [], orgUnitId: Int? = nil) -> Self {
        let owner = Self.equal([("org_unit_id", orgUnitId)])
        return Self { query, db in
            var query = try await owner.apply(query, db)
            if !kinds.isEmpty {
                query = query.where(
                    Kind.column("kind"), .in, SQLGroupExpression(SQLList(kinds.map { SQLBind($0.rawValue) })))
            }
            return query
        }
    }
}

extension RecordFilter where Kind == StockRuleRecord {
    public static func stockRules(partId: Int?, warehouseId: Int?) -> Self {
        equal([("part_id", partId), ("warehouse_id", warehouseId)])
    }
}
