import FluentKit
import FluentSQL
import Foundation
import SQLKit

/// the parts catalogue, warehouses and bins, the append-only stock ledger with its balance table, lots and
/// serials, requisitions, purchase orders with receipts, and stocktakes.
struct M011CreateParts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("parts")
            .recordColumns()
            .field("part_number", .string, .required)
            .field("name", .string, .required)
            .field("specification", .string)
            .field("unit", .string, .required)
            .field("part_class", .string, .required)
            .field("serial_tracked", .bool, .required)
            .field("shelf_life_days", .int64)
            .field("compatible_model_ids", .string, .required)
            .field("suppliers", .string, .required)
            .field("management_fee_percent", .double, .required)
            .field("last_price", .int64)
            .unique(on: "part_number")
            .create()
        try await database.schema("part_prices")
            .field("id", .int64, .identifier(auto: true))
            .field("part_id", .int64, .required, .references("parts", "id"))
            .field("supplier", .string, .required)
            .field("price", .int64, .required)
            .field("purchase_order_id", .int64)
            .field("at", .datetime, .required)
            .create()
        try await database.schema("warehouses")
            .recordColumns()
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("engineer_id", .int64, .references("engineers", "id"))
            .field("bins", .string, .required)
            .field("approval_limit", .int64, .required)
            .unique(on: "code")
            .create()
        try await database.schema("stock_rules")
            .recordColumns()
            .field("part_id", .int64, .required, .references("parts", "id"))
            .field("warehouse_id", .int64, .required, .references("warehouses", "id"))
            .field("bin", .string)
            .field("reorder_point", .int64, .required)
            .field("reorder_quantity", .int64, .required)
            .unique(on: "part_id", "warehouse_id")
            .create()
        try await database.schema("stock_ledger")
            .field("id", .int64, .identifier(auto: true))
            .field("at", .datetime, .required)
            .field("actor", .string, .required)
            .field("kind", .string, .required)
            .field("part_id", .int64, .required, .references("parts", "id"))
            .field("warehouse_id", .int64, .required, .references("warehouses", "id"))
            .field("on_hand_delta", .int64, .required)
            .field("reserved_delta", .int64, .required)
            .field("in_transit_delta", .int64, .required)
            .field("inspecting_delta", .int64, .required)
            .field("serial", .string)
            .field("faulty_serial", .string)
            .field("expires_on", .string)
            .field("unit_cost", .int64)
            .field("counterpart_warehouse_id", .int64)
            .field("requisition_id", .int64)
            .field("visit_id", .int64)
            .field("purchase_order_id", .int64)
            .field("transfer_id", .int64)
            .field("stocktake_id", .int64)
            .field("corrects_id", .int64, .references("stock_ledger", "id"))
            .field("reason", .string)
            .create()
        try await database.schema("stock_balances")
            .field("id", .int64, .identifier(auto: true))
            .field("part_id", .int64, .required, .references("parts", "id"))
            .field("warehouse_id", .int64, .required, .references("warehouses", "id"))
            .field("on_hand", .int64, .required)
            .field("reserved", .int64, .required)
            .field("in_transit", .int64, .required)
            .field("inspecting", .int64, .required)
            .field("last_movement_at", .datetime, .required)
            .field("last_issue_at", .datetime)
            .unique(on: "part_id", "warehouse_id")
            // The ledger's rule, kept by the database too: a movement that would break it fails as a whole.
            .constraint(
                .sql(
                    unsafeRaw:
                        "CHECK (on_hand >= 0 AND reserved >= 0 AND in_transit >= 0 AND inspecting >= 0 AND reserved <= on_hand)"
                )
            )
            .create()
        try await database.schema("stock_lots")
            .field("id", .int64, .identifier(auto: true))
            .field("part_id", .int64, .required, .references("parts", "id"))
            .field("warehouse_id", .int64, .required, .references("warehouses", "id"))
            .field("expires_on", .string, .required)
            .field("quantity", .int64, .required)
            .unique(on: "part_id", "warehouse_id", "expires_on")
            .constraint(.sql(unsafeRaw: "CHECK (quantity >= 0)"))
            .create()
        try await database.schema("stock_serials")
            .field("id", .int64, .identifier(auto: true))
            .field("part_id", .int64, .required, .references("parts", "id"))
            .field("serial", .string, .required)
            .field("status", .string, .required)
            .field("warehouse_id", .int64, .references("warehouses", "id"))
            .field("visit_id", .int64)
            .field("updated_at", .datetime, .required)
            .unique(on: "part_id", "serial")
            .create()
        try await database.schema("stock_outs")
            .field("id", .int64, .identifier(auto: true))
            .field("part_id", .int64, .required, .references("parts", "id"))
            .field("warehouse_id", .int64, .required, .references("warehouses", "id"))
            .field("visit_id", .int64)
            .field("requisition_id", .int64)
            .field("requested", .int64, .required)
            .field("available", .int64, .required)
            .field("actor", .string, .required)
            .field("at", .datetime, .required)
            .create()
        try await database.schema("stock_transfers")
            .field("id", .int64, .identifier(auto: true))
            .field("part_id", .int64, .required, .references("parts", "id"))
            .field("from_warehouse_id", .int64, .required, .references("warehouses", "id"))
            .field("to_warehouse_id", .int64, .required, .references("warehouses", "id"))
            .field("quantity", .int64, .required)
            .field("serials", .string, .required)
            .field("lots", .string, .required)
            .field("status", .string, .required)
            .field("shipped_by", .string, .required)
            .field("shipped_at", .datetime, .required)
            .field("received_at", .datetime)
            .create()
        try await database.schema("requisitions")
            .recordColumns()
            .field("number", .string, .required)
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("engineer_id", .int64, .required, .references("engineers", "id"))
            .field("warehouse_id", .int64, .required, .references("warehouses", "id"))
            .field("visit_id", .int64, .references("visits", "id"))
            .field("status", .string, .required)
            .field("value", .int64, .required)
            .field("approver_role", .string, .required)
            .field("requested_by", .string, .required)
            .field("note", .string)
            .unique(on: "number")
            .create()
        try await database.schema("requisition_lines")
            .field("id", .int64, .identifier(auto: true))
            .field("requisition_id", .int64, .required, .references("requisitions", "id"))
            .field("part_id", .int64, .required, .references("parts", "id"))
            .field("quantity", .int64, .required)
            .field("issued", .int64, .required)
            .field("consumed", .int64, .required)
            .field("returned", .int64, .required)
            .field("written_off", .int64, .required)
            .field("serials", .string, .required)
            .create()
        try await database.schema("requisition_events")
            .field("id", .int64, .identifier(auto: true))
            .field("requisition_id", .int64, .required, .references("requisitions", "id"))
            .field("at", .datetime, .required)
            .field("actor", .string, .required)
            .field("event", .string, .required)
            .field("from_status", .string, .required)
            .field("to_status", .string, .required)
            .field("reason", .string)
            .field("data", .string)
            .create()
        try await database.schema("purchase_orders")
            .recordColumns()
            .field("number", .string, .required)
            .field("supplier", .string, .required)
            .field("warehouse_id", .int64, .required, .references("warehouses", "id"))
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("status", .string, .required)
            .field("expected_on", .string)
            .field("note", .string)
            .unique(on: "number")
            .create()
        try await database.schema("purchase_order_lines")
            .field("id", .int64, .identifier(auto: true))
            .field("purchase_order_id", .int64, .required, .references("purchase_orders", "id"))
            .field("part_id", .int64, .required, .references("parts", "id"))
            .field("quantity", .int64, .required)
            .field("unit_price", .int64, .required)
            .field("received", .int64, .required)
            .field("accepted", .int64, .required)
            .field("rejected", .int64, .required)
            .create()
        try await database.schema("purchase_receipts")
            .field("id", .int64, .identifier(auto: true))
            .field("purchase_order_id", .int64, .required, .references("purchase_orders", "id"))
            .field("line_id", .int64, .required, .references("purchase_order_lines", "id"))
            .field("quantity", .int64, .required)
            .field("expires_on", .string)
            .field("serials", .string, .required)
            .field("status", .string, .required)
            .field("received_by", .string, .required)
            .field("received_at", .datetime, .required)
            .field("inspected_by", .string)
            .field("inspected_at", .datetime)
            .field("passed", .int64)
            .field("failed", .int64)
            .field("reason", .string)
            .create()
        try await database.schema("stocktakes")
            .field("id", .int64, .identifier(auto: true))
            .field("warehouse_id", .int64, .required, .references("warehouses", "id"))
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("status", .string, .required)
            .field("started_by", .string, .required)
            .field("started_at", .datetime, .required)
            .field("decided_by", .string)
            .field("decided_at", .datetime)
            .field("note", .string)
            .create()
        try await database.schema("stocktake_counts")
            .field("id", .int64, .identifier(auto: true))
            .field("stocktake_id", .int64, .required, .references("stocktakes", "id"))
            .field("part_id", .int64, .required, .references("parts", "id"))
            .field("book", .int64, .required)
            .field("counted", .int64, .required)
            .field("counted_by", .string, .required)
            .field("counted_at", .datetime, .required)
            .unique(on: "stocktake_id", "part_id")
            .create()
        let sql = database as! any SQLDatabase
        for (name, table, columns) in [
            ("warehouses_unit", "warehouses", ["org_unit_id"]),
            ("warehouses_engineer", "warehouses", ["engineer_id"]),
            ("stock_ledger_part", "stock_ledger", ["part_id", "warehouse_id", "id"]),
            ("stock_ledger_part_id", "stock_ledger", ["part_id", "id"]),
            ("stock_ledger_warehouse", "stock_ledger", ["warehouse_id", "id"]),
            ("stock_ledger_visit", "stock_ledger", ["visit_id"]),
            ("stock_ledger_requisition", "stock_ledger", ["requisition_id"]),
            ("stock_ledger_corrects", "stock_ledger", ["corrects_id"]),
            ("stock_balances_warehouse", "stock_balances", ["warehouse_id", "part_id"]),
            ("stock_outs_at", "stock_outs", ["at"]),
            ("stock_ledger_kind_at", "stock_ledger", ["kind", "at"]),
            ("stock_serials_place", "stock_serials", ["warehouse_id", "part_id"]),
            ("requisitions_queue", "requisitions", ["org_unit_id", "status", "id"]),
            ("requisitions_engineer", "requisitions", ["engineer_id", "id"]),
            ("requisitions_visit", "requisitions", ["visit_id"]),
            ("requisition_lines_requisition", "requisition_lines", ["requisition_id"]),
            ("requisition_lines_part", "requisition_lines", ["part_id"]),
            ("requisition_events_requisition", "requisition_events", ["requisition_id", "id"]),
            ("purchase_orders_unit", "purchase_orders", ["org_unit_id", "status", "id"]),
            ("purchase_order_lines_order", "purchase_order_lines", ["purchase_order_id"]),
            ("purchase_order_lines_part", "purchase_order_lines", ["part_id"]),
            ("purchase_receipts_order", "purchase_receipts", ["purchase_order_id"]),
            ("part_prices_part", "part_prices", ["part_id", "id"]),
            ("stocktakes_warehouse", "stocktakes", ["warehouse_id", "id"]),
        ] {
            var index = sql.create(index: SQLIdentifier(name)).on(table)
            for column in columns { index = index.column(column) }
            try await index.run()
        }
    }

    func revert(on database: any Database) async throws {
        for table in [
            "stocktake_counts", "stocktakes", "purchase_receipts", "purchase_order_lines", "purchase_orders",
            "requisition_events", "requisition_lines", "requisitions", "stock_transfers", "stock_serials",
            "stock_outs", "stock_lots", "stock_balances", "stock_ledger", "stock_rules", "warehouses", "part_prices",
            "parts",
        ] {
            try await database.schema(table).delete()
        }
    }
}
