import FluentKit
import Foundation
import SQLKit

/// engineers, the visits under a request with their timeline, and the route plans proposed for a day.
struct M010CreateDispatch: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("engineers")
            .recordColumns()
            .field("user_id", .int64, .required, .references("users", "id"))
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("external", .bool, .required)
            .field("level", .int64, .required)
            .field("skills", .string, .required)
            .field("certifications", .string, .required)
            .field("absences", .string, .required)
            .field("max_visits_per_day", .int64, .required)
            .field("home_latitude", .double)
            .field("home_longitude", .double)
            .field("calendar_id", .int64, .references("business_calendars", "id"))
            .create()
        try await database.schema("visits")
            .recordColumns()
            .field("request_id", .int64, .required, .references("service_requests", "id"))
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("sequence", .int64, .required)
            .field("purpose", .string, .required)
            .field("status", .string, .required)
            .field("emergency", .bool, .required)
            .field("engineer_id", .int64, .references("engineers", "id"))
            .field("window_start", .datetime)
            .field("window_end", .datetime)
            .field("planned_arrival", .datetime)
            .field("departure_at", .datetime)
            .field("route_order", .int64)
            .field("duration_minutes", .int64, .required)
            .field("required_skills", .string, .required)
            .field("required_certifications", .string, .required)
            .field("preparation", .string, .required)
            .field("address", .string)
            .field("latitude", .double)
            .field("longitude", .double)
            .field("departed_at", .datetime)
            .field("arrived_at", .datetime)
            .field("finished_at", .datetime)
            .field("next_step", .string)
            .field("note", .string)
            .unique(on: "request_id", "sequence")
            .create()
        try await database.schema("visit_events")
            .field("id", .int64, .identifier(auto: true))
            .field("visit_id", .int64, .required, .references("visits", "id"))
            .field("request_id", .int64, .required)
            .field("at", .datetime, .required)
            .field("actor", .string, .required)
            .field("event", .string, .required)
            .field("from_status", .string, .required)
            .field("to_status", .string, .required)
            .field("engineer_id", .int64)
            .field("window_start", .datetime)
            .field("window_end", .datetime)
            .field("reason", .string)
            .field("customer_consent", .bool)
            .field("data", .string)
            .create()
        try await database.schema("route_plans")
            .field("id", .int64, .identifier(auto: true))
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("plan_date", .string, .required)
            .field("status", .string, .required)
            .field("seed", .int64, .required)
            .field("seconds", .double, .required)
            .field("travel_seconds", .int64, .required)
            .field("routes", .string, .required)
            .field("unassigned", .string, .required)
            .field("accepted_engineers", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("dispatch_settings")
            .recordColumns()
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("speed_kmh", .double, .required)
            .field("road_factor", .double, .required)
            .field("buffer_minutes", .int64, .required)
            .create()
        let sql = database as! any SQLDatabase
        for (name, table, columns) in [
            ("engineers_unit", "engineers", ["org_unit_id"]),
            ("engineers_user", "engineers", ["user_id"]),
            ("visits_queue", "visits", ["org_unit_id", "status", "id"]),
            ("visits_engineer_day", "visits", ["engineer_id", "window_start"]),
            ("visits_request", "visits", ["request_id"]),
            ("visit_events_visit", "visit_events", ["visit_id", "id"]),
            ("route_plans_day", "route_plans", ["org_unit_id", "plan_date", "id"]),
        ] {
            var index = sql.create(index: SQLIdentifier(name)).on(table)
            for column in columns { index = index.column(column) }
            try await index.run()
        }
    }

    func revert(on database: any Database) async throws {
        for table in ["dispatch_settings", "route_plans", "visit_events", "visits", "engineers"] {
            try await database.schema(table).delete()
        }
    }
}
