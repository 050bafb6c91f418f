import FluentKit
import SQLKit

/// Issue 17, R-9: complaints, handled apart from the service department.
/// - `complaints`: one complaint, numbered gap-free per year (`CMP-…`): who complained (a customer, or a person the
///   public form could not match), how it came in, what it is about (one subject record), the customer's words and
///   wish, the handler, the investigation's outcome (cause, responsibility, plan, feedback, compensation), the
///   deadlines from the complaint family's SLA policy and the supervisor's review. `org_unit_id` is the branch whose
///   work it concerns (scope and statistics); `supervisor_only` marks a complaint about a complaint handler.
/// - `complaint_events`: the complaint's own timeline.
/// - `complaint_notes`: the handler's investigation notes, never shown to the service department or the customer.
/// - `complaint_statements`: questions the investigator put to a unit of the service department, and its answers.
/// - `complaint_actions`: corrective actions of one complaint, with an owner and a due date.
/// - `improvement_actions`: improvements decided for a frequent cause, tracked to done.
struct M023Complaints: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("complaints")
            .field("id", .int64, .identifier(auto: true))
            .field("number", .string, .required)
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("customer_id", .int64, .references("customers", "id"))
            .field("complainant_name", .string, .required)
            .field("complainant_phone", .string)
            .field("complainant_email", .string)
            .field("channel", .string, .required)
            .field("subject", .string, .required)
            .field("request_id", .int64, .references("service_requests", "id"))
            .field("visit_id", .int64, .references("visits", "id"))
            .field("engineer_id", .int64, .references("engineers", "id"))
            .field("unit_id", .int64, .references("units", "id"))
            .field("product_model_id", .int64, .references("product_models", "id"))
            .field("staff_user_id", .int64, .references("users", "id"))
            .field("subject_text", .string)
            .field("severity", .string, .required)
            .field("wish", .string, .required)
            .field("words", .string, .required)
            .field("wants", .string)
            .field("status", .string, .required)
            .field("handler_user_id", .int64, .references("users", "id"))
            .field("supervisor_only", .bool, .required)
            .field("cause", .string)
            .field("responsibility", .string)
            .field("plan", .string)
            .field("feedback", .string)
            .field("customer_reply", .string)
            .field("compensation_kind", .string, .required)
            .field("compensation_minor", .int64)
            .field("currency", .string, .required)
            .field("compensation_note", .string)
            .field("policy_id", .int64)
            .field("ack_due_at", .datetime, .required)
            .field("acknowledged_at", .datetime)
            .field("resolution_due_at", .datetime, .required)
            .field("resolved_at", .datetime)
            .field("closed_at", .datetime)
            .field("closed_reason", .string)
            .field("reprocessed", .int64, .required)
            .field("review", .string)
            .field("reviewed_by", .string)
            .field("reviewed_at", .datetime)
            .field("review_note", .string)
            .field("created_by", .string, .required)
            .field("version", .int64, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "number")
            .create()
        try await database.schema("complaint_events")
            .field("id", .int64, .identifier(auto: true))
            .field("complaint_id", .int64, .required, .references("complaints", "id"))
            .field("at", .datetime, .required)
            .field("actor", .string, .required)
            .field("event", .string, .required)
            .field("from_status", .string)
            .field("to_status", .string, .required)
            .field("note", .string)
            .create()
        try await database.schema("complaint_notes")
            .field("id", .int64, .identifier(auto: true))
            .field("complaint_id", .int64, .required, .references("complaints", "id"))
            .field("at", .datetime, .required)
            .field("author", .string, .required)
            .field("body", .string, .required)
            .create()
        try await database.schema("complaint_statements")
            .field("id", .int64, .identifier(auto: true))
            .field("complaint_id", .int64, .required, .references("complaints", "id"))
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("question", .string, .required)
            .field("asked_by", .string, .required)
            .field("asked_at", .datetime, .required)
            .field("due_at", .datetime, .required)
            .field("status", .string, .required)
            .field("answer", .string)
            .field("answered_by", .string)
            .field("answered_at", .datetime)
            .create()
        try await database.schema("complaint_actions")
            .field("id", .int64, .identifier(auto: true))
            .field("complaint_id", .int64, .required, .references("complaints", "id"))
            .field("description", .string, .required)
            .field("owner", .string, .required)
            .field("due_on", .string, .required)
            .field("done_at", .datetime)
            .field("done_by", .string)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("improvement_actions")
            .field("id", .int64, .identifier(auto: true))
            .field("cause", .string, .required)
            .field("title", .string, .required)
            .field("owner", .string, .required)
            .field("due_on", .string, .required)
            .field("status", .string, .required)
            .field("period_from", .string, .required)
            .field("period_to", .string, .required)
            .field("complaint_count", .int64, .required)
            .field("outcome", .string)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .field("closed_by", .string)
            .field("closed_at", .datetime)
            .field("version", .int64, .required)
            .create()
        let sql = database as! any SQLDatabase
        for (name, table, columns) in [
            ("complaints_unit", "complaints", ["org_unit_id", "id"]),
            ("complaints_status", "complaints", ["status", "id"]),
            ("complaints_customer", "complaints", ["customer_id", "id"]),
            ("complaints_handler", "complaints", ["handler_user_id", "status"]),
            ("complaints_created", "complaints", ["created_at", "cause", "org_unit_id"]),
            ("complaints_request", "complaints", ["request_id"]),
            ("complaints_review", "complaints", ["review", "id"]),
            ("complaint_events_complaint", "complaint_events", ["complaint_id", "id"]),
            ("complaint_notes_complaint", "complaint_notes", ["complaint_id", "id"]),
            ("complaint_statements_complaint", "complaint_statements", ["complaint_id", "id"]),
            ("complaint_statements_unit", "complaint_statements", ["org_unit_id", "status", "id"]),
            ("complaint_actions_complaint", "complaint_actions", ["complaint_id", "id"]),
            ("improvement_actions_status", "improvement_actions", ["status", "id"]),
        ] {
            var index = sql.create(index: name).on(table)
            for column in columns { index = index.column(column) }
            try await index.run()
        }
    }

    func revert(on database: any Database) async throws {
        for table in [
            "improvement_actions", "complaint_actions", "complaint_statements", "complaint_notes", "complaint_events",
            "complaints",
        ] {
            try await database.schema(table).delete()
        }
    }
}
