import FluentKit
import SQLKit

/// Issue 15, R-5: the service report (售后服务报告单) and its quality checks.
/// - `fault_codes`: the fault-cause catalogue per product line (code, name, category), kept by managers.
/// - `service_reports`: one per finished visit and unit (`unit_key` is the unit's id, 0 for a visit without units):
///   the on-site record, the parts fitted as they were when submitted (`parts`, JSON), the customer's sign-off
///   (the signature image is a file named by `signature_sha256`), the repeat-repair link and the review.
/// - `service_report_events`: the report's timeline, addenda included (event `addAddendum` with its text).
/// - `spot_checks`: jobs sampled for the quality inspector, with the rework visit a failed check opened.
/// - `quality_settings`: a unit's repeat-repair window and spot-check share (the nearest ancestor's apply).
struct M019ServiceReports: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("fault_codes")
            .recordColumns()
            .field("product_line_id", .int64, .required, .references("product_lines", "id"))
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("category", .string, .required)
            .field("cause", .string)
            .unique(on: "product_line_id", "code")
            .create()
        try await database.schema("service_reports")
            .field("id", .int64, .identifier(auto: true))
            .field("visit_id", .int64, .required, .references("visits", "id"))
            .field("request_id", .int64, .required, .references("service_requests", "id"))
            .field("unit_id", .int64, .references("units", "id"))
            .field("unit_key", .int64, .required)
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("customer_id", .int64, .required, .references("customers", "id"))
            .field("engineer_id", .int64, .references("engineers", "id"))
            .field("status", .string, .required)
            .field("content", .string, .required)
            .field("fault_category", .string)
            .field("result", .string)
            .field("parts", .string, .required)
            .field("finished_at", .datetime)
            .field("submitted_at", .datetime)
            .field("signer_name", .string)
            .field("signature_sha256", .string)
            .field("no_signature_reason", .string)
            .field("signed_at", .datetime)
            .field("rating_attitude", .int64)
            .field("rating_quality", .int64)
            .field("rating_timeliness", .int64)
            .field("customer_remarks", .string)
            .field("repeat_of_report_id", .int64)
            .field("reviewed_by", .string)
            .field("reviewed_at", .datetime)
            .field("archived_by", .string)
            .field("archived_at", .datetime)
            .field("created_by", .string, .required)
            .field("version", .int64, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "visit_id", "unit_key")
            .create()
        try await database.schema("service_report_events")
            .field("id", .int64, .identifier(auto: true))
            .field("report_id", .int64, .required, .references("service_reports", "id"))
            .field("at", .datetime, .required)
            .field("actor", .string, .required)
            .field("author_name", .string, .required)
            .field("event", .string, .required)
            .field("from_status", .string, .required)
            .field("to_status", .string, .required)
            .field("text", .string)
            .create()
        try await database.schema("spot_checks")
            .field("id", .int64, .identifier(auto: true))
            .field("report_id", .int64, .required, .references("service_reports", "id"))
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("engineer_id", .int64)
            .field("status", .string, .required)
            .field("repeat_repair", .bool, .required)
            .field("selected_at", .datetime, .required)
            .field("checked_by", .string)
            .field("checked_at", .datetime)
            .field("reason", .string)
            .field("rework_visit_id", .int64)
            .unique(on: "report_id")
            .create()
        try await database.schema("quality_settings")
            .recordColumns()
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("repeat_window_days", .int64, .required)
            .field("spot_check_share", .int64, .required)
            .create()
        let sql = database as! any SQLDatabase
        for (name, table, columns) in [
            ("service_reports_queue", "service_reports", ["org_unit_id", "status", "id"]),
            ("service_reports_unit", "service_reports", ["unit_id", "finished_at"]),
            ("service_reports_request", "service_reports", ["request_id"]),
            ("service_reports_engineer", "service_reports", ["engineer_id", "id"]),
            ("service_report_events_report", "service_report_events", ["report_id", "id"]),
            ("spot_checks_queue", "spot_checks", ["org_unit_id", "status", "id"]),
            ("spot_checks_engineer", "spot_checks", ["engineer_id", "status"]),
            ("fault_codes_line", "fault_codes", ["product_line_id", "code"]),
        ] {
            var index = sql.create(index: name).on(table)
            for column in columns { index = index.column(column) }
            try await index.run()
        }
    }

    func revert(on database: any Database) async throws {
        for table in ["quality_settings", "spot_checks", "service_report_events", "service_reports", "fault_codes"] {
            try await database.schema(table).delete()
        }
    }
}
