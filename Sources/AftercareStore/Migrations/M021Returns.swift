import FluentKit
import SQLKit

/// Issue 16, R-8: return cases and depot repair.
/// - `return_cases`: one return of one or more units, from the application to the delivery back, numbered gap-free
///   per year; it belongs to its service request (and that request's unit, for scope) and to the depot it goes to.
///   It keeps how the unit travels each way, the decision with the costs it was taken on, and the approval;
///   `depot_due_at` is the due time of its request's running depot clock (the board's order), kept by the clocks.
/// - `return_case_units`: each unit on a case: the serial expected and the one received, the receiving inspection
///   (`checklist`, JSON of item → answer), the responsibility and whether the unit is usable; for an exchange the
///   new unit that replaced it.
/// - `return_case_events`: the case's own timeline.
/// - `return_rules`: the organisation's return settings (one row): the depot, the approval limit and the exchanged
///   unit's warranty.
/// - `units.replaced_by_unit_id`: an exchanged unit names its successor.
struct M021Returns: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("return_cases")
            .field("id", .int64, .identifier(auto: true))
            .field("number", .string, .required)
            .field("request_id", .int64, .required, .references("service_requests", "id"))
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("depot_unit_id", .int64, .required, .references("org_units", "id"))
            .field("customer_id", .int64, .required, .references("customers", "id"))
            .field("status", .string, .required)
            .field("wish", .string, .required)
            .field("reason", .string, .required)
            .field("contact_name", .string)
            .field("contact_phone", .string)
            .field("shipping", .string, .required)
            .field("ship_from", .string)
            .field("carrier", .string)
            .field("tracking_number", .string)
            .field("resolution", .string)
            .field("proposal", .string)
            .field("currency", .string, .required)
            .field("repair_minor", .int64)
            .field("new_unit_minor", .int64)
            .field("refund_minor", .int64)
            .field("decision_note", .string)
            .field("approval_reason", .string)
            .field("decided_by", .string)
            .field("approved_by", .string)
            .field("credit_document_id", .int64, .references("fee_documents", "id"))
            .field("return_carrier", .string)
            .field("return_tracking_number", .string)
            .field("received_at", .datetime)
            .field("shipped_back_at", .datetime)
            .field("delivered_at", .datetime)
            .field("closed_reason", .string)
            .field("depot_due_at", .datetime)
            .field("created_by", .string, .required)
            .field("version", .int64, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "number")
            .create()
        try await database.schema("return_case_units")
            .field("id", .int64, .identifier(auto: true))
            .field("case_id", .int64, .required, .references("return_cases", "id"))
            .field("unit_id", .int64, .required, .references("units", "id"))
            .field("model_id", .int64, .required, .references("product_models", "id"))
            .field("serial_number", .string, .required)
            .field("received_serial", .string)
            .field("checklist", .string)
            .field("findings", .string)
            .field("responsibility", .string)
            .field("usable", .bool)
            .field("inspected_by", .string)
            .field("inspected_at", .datetime)
            .field("successor_unit_id", .int64, .references("units", "id"))
            .unique(on: "case_id", "unit_id")
            .create()
        try await database.schema("return_case_events")
            .field("id", .int64, .identifier(auto: true))
            .field("case_id", .int64, .required, .references("return_cases", "id"))
            .field("at", .datetime, .required)
            .field("actor", .string, .required)
            .field("event", .string, .required)
            .field("from_status", .string)
            .field("to_status", .string, .required)
            .field("note", .string)
            .create()
        try await database.schema("return_rules")
            .field("id", .int64, .identifier(auto: false))
            .field("depot_unit_id", .int64, .references("org_units", "id"))
            .field("approval_limit_minor", .int64, .required)
            .field("currency", .string, .required)
            .field("exchange_basis", .string, .required)
            .field("exchange_months", .int64, .required)
            .field("updated_by", .string, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("units").field("replaced_by_unit_id", .int64).update()
        let sql = database as! any SQLDatabase
        for (name, table, columns) in [
            ("return_cases_board", "return_cases", ["depot_unit_id", "status", "id"]),
            ("return_cases_unit", "return_cases", ["org_unit_id", "status", "id"]),
            ("return_cases_status", "return_cases", ["status", "id"]),
            ("return_cases_due", "return_cases", ["depot_due_at", "id"]),
            ("return_cases_customer", "return_cases", ["customer_id", "id"]),
            ("return_cases_request", "return_cases", ["request_id"]),
            ("return_case_units_case", "return_case_units", ["case_id"]),
            ("return_case_units_unit", "return_case_units", ["unit_id"]),
            ("return_case_events_case", "return_case_events", ["case_id", "id"]),
        ] {
            var index = sql.create(index: name).on(table)
            for column in columns { index = index.column(column) }
            try await index.run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("units").deleteField("replaced_by_unit_id").update()
        for table in ["return_rules", "return_case_events", "return_case_units", "return_cases"] {
            try await database.schema(table).delete()
        }
    }
}
