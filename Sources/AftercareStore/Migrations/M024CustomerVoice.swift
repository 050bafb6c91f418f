import FluentKit
import SQLKit

/// Issue 17, R-10.2–: the customer's voice beyond complaints.
/// - `surveys`: a questionnaire (title and questions as JSON in four languages), per job or periodic, drafted →
///   active → retired.
/// - `survey_invitations`: one customer asked to answer one survey: about a closed request (per job) or in a periodic
///   round, until it expires; answered once. Its online link is signed by the server (nothing secret is stored).
/// - `survey_responses`: the answer to an invitation (one at most: `invitation_id` is unique), with what the results
///   group by (branch, engineer, product line, tier) and the two scores (`csat` 1–5, `nps` 0–10) copied out of the
///   answers; `survey_answers`: each question's answer.
/// - `suggestions`: a customer's (or anyone's) suggestion, numbered per year, acknowledged within a deadline,
///   evaluated, adopted or declined; `suggestion_events` its timeline; `suggestion_rewards` the reward proposed and
///   approved by a manager.
/// - `visit_plan_rules`: the periodic-visit plan by tier and visitor (JSON, one row); `customer_visits`: each visit
///   planned, held (with its record) or cancelled; `committee_meetings`: customer committee meetings with attendees,
///   minutes and decisions (JSON, each with an owner).
/// - `mystery_inspections`: mystery-shopping records of a unit (or one engineer of it), with their scores.
struct M024CustomerVoice: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("surveys")
            .field("id", .int64, .identifier(auto: true))
            .field("title", .string, .required)
            .field("purpose", .string, .required)
            .field("status", .string, .required)
            .field("questions", .string, .required)
            .field("created_by", .string, .required)
            .field("version", .int64, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("survey_invitations")
            .field("id", .int64, .identifier(auto: true))
            .field("survey_id", .int64, .required, .references("surveys", "id"))
            .field("customer_id", .int64, .required, .references("customers", "id"))
            .field("request_id", .int64, .references("service_requests", "id"))
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("engineer_id", .int64, .references("engineers", "id"))
            .field("product_line_id", .int64, .references("product_lines", "id"))
            .field("tier", .string, .required)
            .field("round", .string)
            .field("expires_at", .datetime, .required)
            .field("status", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .field("answered_at", .datetime)
            .create()
        try await database.schema("survey_responses")
            .field("id", .int64, .identifier(auto: true))
            .field("invitation_id", .int64, .required, .references("survey_invitations", "id"))
            .field("survey_id", .int64, .required, .references("surveys", "id"))
            .field("customer_id", .int64, .required, .references("customers", "id"))
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("engineer_id", .int64)
            .field("product_line_id", .int64)
            .field("channel", .string, .required)
            .field("csat", .int64)
            .field("nps", .int64)
            .field("comment", .string)
            .field("recorded_by", .string, .required)
            .field("answered_at", .datetime, .required)
            .unique(on: "invitation_id")
            .create()
        try await database.schema("survey_answers")
            .field("response_id", .int64, .required, .references("survey_responses", "id"))
            .field("question_key", .string, .required)
            .field("number", .int64)
            .field("options", .string)
            .field("text", .string)
            .compositeIdentifier(over: "response_id", "question_key")
            .create()
        try await database.schema("suggestions")
            .field("id", .int64, .identifier(auto: true))
            .field("number", .string, .required)
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("customer_id", .int64, .references("customers", "id"))
            .field("name", .string, .required)
            .field("phone", .string)
            .field("email", .string)
            .field("channel", .string, .required)
            .field("topic", .string)
            .field("text", .string, .required)
            .field("status", .string, .required)
            .field("ack_due_at", .datetime, .required)
            .field("acknowledged_at", .datetime)
            .field("decision", .string)
            .field("decided_by", .string)
            .field("decided_at", .datetime)
            .field("created_by", .string, .required)
            .field("version", .int64, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "number")
            .create()
        try await database.schema("suggestion_events")
            .field("id", .int64, .identifier(auto: true))
            .field("suggestion_id", .int64, .required, .references("suggestions", "id"))
            .field("at", .datetime, .required)
            .field("actor", .string, .required)
            .field("event", .string, .required)
            .field("from_status", .string)
            .field("to_status", .string, .required)
            .field("note", .string)
            .create()
        try await database.schema("suggestion_rewards")
            .field("id", .int64, .identifier(auto: true))
            .field("suggestion_id", .int64, .required, .references("suggestions", "id"))
            .field("kind", .string, .required)
            .field("points", .int64)
            .field("amount_minor", .int64)
            .field("currency", .string, .required)
            .field("description", .string, .required)
            .field("status", .string, .required)
            .field("proposed_by", .string, .required)
            .field("proposed_at", .datetime, .required)
            .field("decided_by", .string)
            .field("decided_at", .datetime)
            .field("decision_note", .string)
            .create()
        try await database.schema("visit_plan_rules")
            .field("id", .int64, .identifier(auto: false))
            .field("rules", .string, .required)
            .field("updated_by", .string, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("customer_visits")
            .field("id", .int64, .identifier(auto: true))
            .field("customer_id", .int64, .required, .references("customers", "id"))
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("visitor", .string, .required)
            .field("due_on", .string, .required)
            .field("status", .string, .required)
            .field("assignee_user_id", .int64, .references("users", "id"))
            .field("held_on", .string)
            .field("visited_by", .string)
            .field("met_with", .string)
            .field("topics", .string)
            .field("satisfaction", .int64)
            .field("opportunities", .string)
            .field("notes", .string)
            .field("cancel_reason", .string)
            .field("created_by", .string, .required)
            .field("version", .int64, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("committee_meetings")
            .field("id", .int64, .identifier(auto: true))
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("held_on", .string, .required)
            .field("place", .string)
            .field("attendees", .string, .required)
            .field("minutes", .string, .required)
            .field("decisions", .string, .required)
            .field("created_by", .string, .required)
            .field("version", .int64, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("mystery_inspections")
            .field("id", .int64, .identifier(auto: true))
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("engineer_id", .int64, .references("engineers", "id"))
            .field("inspected_on", .string, .required)
            .field("scenario", .string, .required)
            .field("scores", .string, .required)
            .field("total", .int64, .required)
            .field("findings", .string, .required)
            .field("inspector", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        let sql = database as! any SQLDatabase
        for (name, table, columns) in [
            ("survey_invitations_request", "survey_invitations", ["request_id"]),
            ("survey_invitations_customer", "survey_invitations", ["customer_id", "status", "id"]),
            ("survey_invitations_status", "survey_invitations", ["status", "id"]),
            ("survey_responses_answered", "survey_responses", ["answered_at", "org_unit_id"]),
            ("survey_responses_engineer", "survey_responses", ["engineer_id", "answered_at"]),
            ("survey_responses_survey", "survey_responses", ["survey_id", "id"]),
            ("suggestions_status", "suggestions", ["status", "id"]),
            ("suggestions_customer", "suggestions", ["customer_id", "id"]),
            ("suggestions_unit", "suggestions", ["org_unit_id", "id"]),
            ("suggestion_events_suggestion", "suggestion_events", ["suggestion_id", "id"]),
            ("suggestion_rewards_suggestion", "suggestion_rewards", ["suggestion_id", "id"]),
            ("customer_visits_customer", "customer_visits", ["customer_id", "status"]),
            ("customer_visits_due", "customer_visits", ["status", "due_on"]),
            ("committee_meetings_unit", "committee_meetings", ["org_unit_id", "held_on"]),
            ("mystery_inspections_unit", "mystery_inspections", ["org_unit_id", "inspected_on"]),
        ] {
            var index = sql.create(index: name).on(table)
            for column in columns { index = index.column(column) }
            try await index.run()
        }
    }

    func revert(on database: any Database) async throws {
        for table in [
            "mystery_inspections", "committee_meetings", "customer_visits", "visit_plan_rules", "suggestion_rewards",
            "suggestion_events", "suggestions", "survey_answers", "survey_responses", "survey_invitations", "surveys",
        ] {
            try await database.schema(table).delete()
        }
    }
}
