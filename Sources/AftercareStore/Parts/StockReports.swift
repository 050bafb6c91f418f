import AftercareDomain
import Foundation
import SQLKit

/// How consumption is grouped.
public enum ConsumptionDimension: String, CodedEnum {
    case model, faultCategory, engineer
}

/// One group of consumed parts.
public struct ConsumptionRow: Codable, Sendable, Equatable {
    public var group: String
    public var partNumber: String
    public var partName: String
    public var quantity: Double
    /// At the latest price, in minor units.
    public var value: Int
    public var visits: Int
}

public struct StockValueRow: Codable, Sendable, Equatable {
    public var warehouseId: Int
    public var warehouseCode: String
    public var warehouseKind: WarehouseKind
    public var parts: Int
    public var value: Int
}

public struct SlowMover: Codable, Sendable, Equatable {
    public var partId: Int
    public var partNumber: String
    public var partName: String
    public var warehouseCode: String
    public var onHand: Double
    public var value: Int
    /// When it last left the warehouse (issue, consumption, transfer); `nil`: never.
    public var lastIssueAt: Date?
}

public struct StockOutRow: Codable, Sendable, Equatable {
    public var at: Date
    public var partNumber: String
    public var warehouseCode: String
    public var requested: Double
    public var available: Double
    public var visitId: Int?
    public var requestNumber: String?
    public var requisitionId: Int?
    /// The visit's state now: was it held up (incomplete, or still open)?
    public var visitStatus: String?
}

/// what the ledger says about use and stock: consumption by model, fault category and engineer; stock value;
/// slow movers; stock-outs that held up a visit.
public struct StockReports: Sendable {
    public let store: Store

    public init(_ store: Store) {
        self.store = store
    }

    public func consumption(by dimension: ConsumptionDimension, from: Date, to: Date) async throws -> [ConsumptionRow] {
        let group: String
        var joins = ""
        switch dimension {
        case .model:
            group = "COALESCE(pm.name, '-')"
            joins = """
                LEFT JOIN visits v ON v.id = l.visit_id LEFT JOIN (SELECT request_id, MIN(model_id) AS model_id \
                FROM service_request_units GROUP BY request_id) m ON m.request_id = v.request_id \
                LEFT JOIN product_models pm ON pm.id = m.model_id
                """
        case .faultCategory:
            group = "COALESCE(sr.category, '-')"
            joins = "LEFT JOIN visits v ON v.id = l.visit_id LEFT JOIN service_requests sr ON sr.id = v.request_id"
        case .engineer:
            group = "COALESCE(u.display_name, w.code)"
            joins = "LEFT JOIN engineers e ON e.id = w.engineer_id LEFT JOIN users u ON u.id = e.user_id"
        }
        var sql: SQLQueryString = """
            SELECT \(unsafeRaw: group) AS grp, p.part_number, p.name, CAST(SUM(-l.on_hand_delta) AS BIGINT) AS quantity, \
            CAST(SUM(-l.on_hand_delta * COALESCE(p.last_price, 0)) AS BIGINT) AS value, COUNT(DISTINCT l.visit_id) AS visits \
            FROM stock_ledger l JOIN parts p ON p.id = l.part_id JOIN warehouses w ON w.id = l.warehouse_id \
            \(unsafeRaw: joins) WHERE l.kind = 'consumption' AND l.at >= \(bind: from) AND l.at < \(bind: to)
            """
        if let condition = ScopeSQL.orgUnitCondition("w.org_unit_id", store.scope) { sql = sql + " AND " + condition }
        sql = sql + " GROUP BY \(unsafeRaw: group), p.part_number, p.name ORDER BY grp, p.part_number LIMIT 2000"
        return try await store.sql.raw(sql).all().map {
            ConsumptionRow(
                group: try $0.decode(column: "grp", as: String.self),
                partNumber: try $0.decode(column: "part_number", as: String.self),
                partName: try $0.decode(column: "name", as: String.self),
                quantity: Quantity.units(try $0.decode(column: "quantity", as: Int.self)),
                value: try $0.decode(column: "value", as: Int.self) / Quantity.scale,
                visits: try $0.decode(column: "visits", as: Int.self))
        }
    }

    public func value() async throws -> [StockValueRow] {
        var sql: SQLQueryString = """
            SELECT w.id, w.code, w.kind, COUNT(*) AS parts, CAST(SUM(b.on_hand * COALESCE(p.last_price, 0)) AS BIGINT) AS value \
            FROM stock_balances b JOIN parts p ON p.id = b.part_id JOIN warehouses w ON w.id = b.warehouse_id \
            WHERE b.on_hand > 0
            """
        if let condition = ScopeSQL.orgUnitCondition("w.org_unit_id", store.scope) { sql = sql + " AND " + condition }
        return try await store.sql.raw(sql + " GROUP BY w.id, w.code, w.kind ORDER BY w.code").all().map {
            StockValueRow(
                warehouseId: try $0.decode(column: "id", as: Int.self),
                warehouseCode: try $0.decode(column: "code", as: String.self),
                warehouseKind: try $0.decodeStored("kind", as: WarehouseKind.self),
                parts: try $0.decode(column: "parts", as: Int.self),
                value: try $0.decode(column: "value", as: Int.self) / Quantity.scale)
        }
    }

    /// Stock that has not left its warehouse for `days`, most valuable first.
    public func slowMovers(days: Int) async throws -> [SlowMover] {
        let cutoff = store.now.addingTimeInterval(-Double(days) * 86400)
        var sql: SQLQueryString = """
            SELECT b.part_id, p.part_number, p.name, w.code, b.on_hand, b.on_hand * COALESCE(p.last_price, 0) AS value, \
            b.last_issue_at FROM stock_balances b JOIN parts p ON p.id = b.part_id JOIN warehouses w ON w.id = b.warehouse_id \
            WHERE b.on_hand > 0 AND (b.last_issue_at IS NULL OR b.last_issue_at < \(bind: cutoff)) \
            AND w.kind <> 'quarantine'
            """
        if let condition = ScopeSQL.orgUnitCondition("w.org_unit_id", store.scope) { sql = sql + " AND " + condition }
        return try await store.sql.raw(sql + " ORDER BY value DESC, p.part_number LIMIT 500").all().map {
            SlowMover(
                partId: try $0.decode(column: "part_id", as: Int.self),
                partNumber: try $0.decode(column: "part_number", as: String.self),
                partName: try $0.decode(column: "name", as: String.self),
                warehouseCode: try $0.decode(column: "code", as: String.self),
                onHand: Quantity.units(try $0.decode(column: "on_hand", as: Int.self)),
                value: try $0.decode(column: "value", as: Int.self) / Quantity.scale,
                lastIssueAt: try $0.decode(column: "last_issue_at", as: Date?.self))
        }
    }

    /// Stock-outs recorded when a requisition for a visit could not be approved or issued.
    public func stockOuts(from: Date, to: Date) async throws -> [StockOutRow] {
        var sql: SQLQueryString = """
            SELECT s.at, p.part_number, w.code, s.requested, s.available, s.visit_id, s.requisition_id, \
            sr.number AS request_number, v.status AS visit_status FROM stock_outs s JOIN parts p ON p.id = s.part_id \
            JOIN warehouses w ON w.id = s.warehouse_id LEFT JOIN visits v ON v.id = s.visit_id \
            LEFT JOIN service_requests sr ON sr.id = v.request_id WHERE s.at >= \(bind: from) AND s.at < \(bind: to)
            """
        if let condition = ScopeSQL.orgUnitCondition("w.org_unit_id", store.scope) { sql = sql + " AND " + condition }
        return try await store.sql.raw(sql + " ORDER BY s.at DESC LIMIT 1000").all().map {
            StockOutRow(
                at: try $0.decode(column: "at", as: Date.self),
                partNumber: try $0.decode(column: "part_number", as: String.self),
                warehouseCode: try $0.decode(column: "code", as: String.self),
                requested: Quantity.units(try $0.decode(column: "requested", as: Int.self)),
                available: Quantity.units(try $0.decode(column: "available", as: Int.self)),
                visitId: try $0.decode(column: "visit_id", as: Int?.self),
                requestNumber: try $0.decode(column: "request_number", as: String?.self),
                requisitionId: try $0.decode(column: "requisition_id", as: Int?.self),
                visitStatus: try $0.decode(column: "visit_status", as: String?.self))
        }
    }
}
