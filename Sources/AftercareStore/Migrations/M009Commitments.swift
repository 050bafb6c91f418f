import FluentKit
import Foundation
import SQLKit

/// business calendars, SLA policies and the clocks cached from them, notifications, webhooks,
/// follow-ups and the work queues the sweeps claim.
struct M009CreateCommitments: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("business_calendars")
            .field("id", .int64, .identifier(auto: true))
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("name", .string, .required)
            .field("time_zone", .string, .required)
            .field("always_open", .bool, .required)
            .field("week", .string, .required)
            .field("make_up_hours", .string, .required)
            .field("exceptions", .string, .required)
            .field("version", .int64, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("archived_at", .datetime)
            .create()
        try await database.schema("sla_policies")
            .field("id", .int64, .identifier(auto: true))
            .field("name", .string, .required)
            .field("position", .int64, .required)
            .field("is_default", .bool, .required)
            .field("match", .string, .required)
            .field("targets", .string, .required)
            .field("version", .int64, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("archived_at", .datetime)
            .create()
        // The cached clock of each target of each request: recomputed from the timeline by the Domain calculator
        // whenever the request, its policy or its calendar changes. `stage` counts the checkpoints already
        // notified; `next_check_at` is the instant of the next one, for the sweep.
        try await database.schema("sla_clocks")
            .field("request_id", .int64, .required, .references("service_requests", "id"))
            .field("target", .string, .required)
            .field("org_unit_id", .int64, .required)
            .field("policy_id", .int64, .required)
            .field("calendar_id", .int64)
            .field("state", .string, .required)
            .field("basis", .string, .required)
            .field("target_seconds", .int64, .required)
            .field("elapsed_seconds", .int64, .required)
            .field("started_at", .datetime)
            .field("completed_at", .datetime)
            .field("due_at", .datetime)
            .field("warn_at", .datetime)
            .field("checkpoints", .string, .required)
            .field("stage", .int64, .required)
            .field("next_check_at", .datetime)
            .field("computed_at", .datetime, .required)
            .compositeIdentifier(over: "request_id", "target")
            .create()
        try await database.schema("sla_replans")
            .field("id", .int64, .identifier(auto: true))
            .field("reason", .string, .required)
            .field("requested_at", .datetime, .required)
            .field("after_request_id", .int64, .required)
            .field("done_at", .datetime)
            .create()
        try await database.schema("notifications")
            .field("id", .int64, .identifier(auto: true))
            .field("user_id", .int64, .required, .references("users", "id"))
            .field("kind", .string, .required)
            .field("request_id", .int64)
            .field("follow_up_id", .int64)
            .field("target", .string)
            .field("level", .int64, .required)
            .field("dedupe_key", .string, .required)
            .field("created_at", .datetime, .required)
            .field("read_at", .datetime)
            .unique(on: "dedupe_key")
            .create()
        try await database.schema("webhooks")
            .field("id", .int64, .identifier(auto: true))
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("name", .string, .required)
            .field("url", .string, .required)
            .field("secret", .string, .required)
            .field("events", .string, .required)
            .field("allow_private", .bool, .required)
            .field("version", .int64, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("archived_at", .datetime)
            .create()
        try await database.schema("webhook_deliveries")
            .field("id", .int64, .identifier(auto: true))
            .field("webhook_id", .int64, .required, .references("webhooks", "id"))
            .field("event", .string, .required)
            .field("payload", .string, .required)
            .field("status", .string, .required)
            .field("attempts", .int64, .required)
            .field("next_attempt_at", .datetime)
            .field("last_status_code", .int64)
            .field("last_error", .string)
            .field("dedupe_key", .string, .required)
            .field("created_at", .datetime, .required)
            .field("delivered_at", .datetime)
            .unique(on: "dedupe_key")
            .create()
        try await database.schema("follow_up_rules")
            .field("id", .int64, .identifier(auto: true))
            .field("trigger", .string, .required)
            .field("delay_minutes", .int64, .required)
            .field("window_minutes", .int64, .required)
            .field("basis", .string, .required)
            .field("retry_minutes", .string, .required)
            .field("enabled", .bool, .required)
            .field("version", .int64, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("archived_at", .datetime)
            .unique(on: "trigger")
            .create()
        try await database.schema("follow_up_triggers")
            .field("id", .int64, .identifier(auto: true))
            .field("request_id", .int64, .required, .references("service_requests", "id"))
            .field("trigger", .string, .required)
            .field("fire_at", .datetime, .required)
            .field("created_at", .datetime, .required)
            .field("processed_at", .datetime)
            .create()
        try await database.schema("follow_ups")
            .field("id", .int64, .identifier(auto: true))
            .field("request_id", .int64, .required, .references("service_requests", "id"))
            .field("trigger_id", .int64, .required, .references("follow_up_triggers", "id"))
            .field("trigger", .string, .required)
            .field("org_unit_id", .int64, .required)
            .field("assignee_id", .int64, .references("users", "id"))
            .field("status", .string, .required)
            .field("due_at", .datetime, .required)
            .field("attempts", .int64, .required)
            .field("channel", .string)
            .field("outcome", .string)
            .field("attitude_rating", .int64)
            .field("quality_rating", .int64)
            .field("comment", .string)
            .field("completed_at", .datetime)
            .field("completed_by", .string)
            .field("version", .int64, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "trigger_id")
            .create()
        let sql = database as! any SQLDatabase
        for (name, table, columns) in [
            ("business_calendars_unit", "business_calendars", ["org_unit_id"]),
            ("sla_clocks_next_check", "sla_clocks", ["next_check_at"]),
            ("sla_clocks_due", "sla_clocks", ["state", "due_at", "request_id"]),
            ("sla_clocks_completed", "sla_clocks", ["completed_at"]),
            ("sla_replans_pending", "sla_replans", ["done_at", "id"]),
            ("notifications_user", "notifications", ["user_id", "id"]),
            ("notifications_unread", "notifications", ["user_id", "read_at"]),
            ("webhooks_unit", "webhooks", ["org_unit_id"]),
            ("webhook_deliveries_due", "webhook_deliveries", ["status", "next_attempt_at"]),
            ("webhook_deliveries_hook", "webhook_deliveries", ["webhook_id", "id"]),
            ("follow_up_triggers_due", "follow_up_triggers", ["processed_at", "fire_at"]),
            ("follow_up_triggers_request", "follow_up_triggers", ["request_id"]),
            ("follow_ups_due", "follow_ups", ["status", "due_at", "id"]),
            ("follow_ups_assignee", "follow_ups", ["assignee_id", "status", "due_at"]),
            ("follow_ups_request", "follow_ups", ["request_id"]),
        ] {
            var index = sql.create(index: SQLIdentifier(name)).on(table)
            for column in columns { index = index.column(column) }
            try await index.run()
        }
        let now = Date()
        for rule in FollowUpRuleRecord.defaults {
            try await sql.insert(into: "follow_up_rules")
                .columns(
                    "trigger", "delay_minutes", "window_minutes", "basis", "retry_minutes", "enabled", "version",
                    "created_at", "updated_at"
                )
                .values(
                    SQLBind(rule.trigger.rawValue), SQLBind(rule.delayMinutes), SQLBind(rule.windowMinutes),
                    SQLBind(rule.basis.rawValue), SQLBind(try JSONText.encode(rule.retryMinutes)),
                    SQLBind(rule.enabled),
                    SQLBind(1), SQLBind(now), SQLBind(now)
                ).run()
        }
        // Requests registered before this migration get their clocks from the first re-plan.
        try await Replans.request(reason: "migration", on: sql)
    }

    func revert(on database: any Database) async throws {
        for table in [
            "follow_ups", "follow_up_triggers", "follow_up_rules", "webhook_deliveries", "webhooks", "notifications",
            "sla_replans", "sla_clocks", "sla_policies", "business_calendars",
        ] {
            try await database.schema(table).delete()
        }
    }
}
