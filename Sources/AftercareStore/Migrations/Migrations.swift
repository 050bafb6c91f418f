import FluentKit
import SQLKit

/// Every migration in order. Numbered, small, never edited once landed (DESIGN 9).
public enum AftercareMigrations {
    public static let all: [any Migration] = [
        M001CreateOrganisation(),
        M002CreateCustomers(),
        M003CreateProductCatalogue(),
        M004CreateInstalledBase(),
        M005CreateServiceRequests(),
        M006CreateAuditAndKeys(),
        M007CreateTextSearch(),
        M008CreateAccounts(),
        M009CreateCommitments(),
        M010CreateDispatch(),
        M011CreateParts(),
        M012RevocableResetLinks(),
        M013TimelineVisits(),
        M014FormReturns(),
        M015SavedViews(),
        M016Conversation(),
        M017Mail(),
        M018FeeSchedules(),
        M019ServiceReports(),
        M020Billing(),
        M021Returns(),
        M022DepotWork(),
        M023Complaints(),
        M024CustomerVoice(),
    ]
}

extension SchemaBuilder {
    /// The columns every record has: a database-generated id, optimistic-lock version, timestamps, archive mark.
    func recordColumns() -> Self {
        self.field("id", .int64, .identifier(auto: true))
            .field("version", .int64, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("archived_at", .datetime)
    }
}

struct M001CreateOrganisation: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("org_units")
            .recordColumns()
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("parent_id", .int64, .references("org_units", "id"))
            .field("path", .string, .required, .custom(SQLColumnConstraintAlgorithm.default("")))
            .field("time_zone", .string, .required)
            .field("latitude", .double)
            .field("longitude", .double)
            .unique(on: "code")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "org_units_path").on("org_units").column("path").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("org_units").delete()
    }
}

struct M002CreateCustomers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("customers")
            .recordColumns()
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("tier", .string, .required)
            .field("contacts", .string, .required)
            .field("addresses", .string, .required)
            .field("notes", .string)
            .create()
        try await database.schema("customer_phones")
            .field("customer_id", .int64, .required, .references("customers", "id"))
            .field("digits", .string, .required)
            .unique(on: "customer_id", "digits")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "customers_org_unit").on("customers").column("org_unit_id").column("id").run()
        try await sql.create(index: "customers_name").on("customers").column("name").run()
        try await sql.create(index: "customer_phones_digits").on("customer_phones").column("digits").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("customer_phones").delete()
        try await database.schema("customers").delete()
    }
}

struct M003CreateProductCatalogue: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("product_lines")
            .recordColumns()
            .field("code", .string, .required)
            .field("name", .string, .required)
            .unique(on: "code")
            .create()
        try await database.schema("product_models")
            .recordColumns()
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("product_line_id", .int64, .required, .references("product_lines", "id"))
            .field("warranty_months", .int64, .required)
            .field("warranty_starts_from", .string, .required)
            .field("service_level", .string, .required)
            .field("service_families", .string, .required)
            .unique(on: "code")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("product_models").delete()
        try await database.schema("product_lines").delete()
    }
}

struct M004CreateInstalledBase: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("projects")
            .recordColumns()
            .field("number", .string, .required)
            .field("name", .string, .required)
            .field("customer_id", .int64, .required, .references("customers", "id"))
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("site", .string)
            .unique(on: "number")
            .create()
        try await database.schema("units")
            .recordColumns()
            .field("serial_number", .string, .required)
            .field("model_id", .int64, .required, .references("product_models", "id"))
            .field("customer_id", .int64, .required, .references("customers", "id"))
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("project_id", .int64, .references("projects", "id"))
            .field("site_address", .string)
            .field("latitude", .double)
            .field("longitude", .double)
            .field("sale_date", .string)
            .field("delivery_date", .string)
            .field("installation_date", .string)
            .field("acceptance_date", .string)
            .field("warranty_override_months", .int64)
            .field("warranty_override_end", .string)
            .field("status", .string, .required)
            .unique(on: "model_id", "serial_number")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "projects_customer").on("projects").column("customer_id").run()
        try await sql.create(index: "units_serial").on("units").column("serial_number").run()
        try await sql.create(index: "units_customer").on("units").column("customer_id").column("id").run()
        try await sql.create(index: "units_project").on("units").column("project_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("units").delete()
        try await database.schema("projects").delete()
    }
}

struct M005CreateServiceRequests: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("service_requests")
            .recordColumns()
            .field("number", .string, .required)
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("customer_id", .int64, .required, .references("customers", "id"))
            .field("project_id", .int64, .references("projects", "id"))
            .field("contact_name", .string)
            .field("contact_phone", .string)
            .field("contact_phone_digits", .string)
            .field("channel", .string, .required)
            .field("type", .string, .required)
            .field("fault_description", .string, .required)
            .field("customer_request", .string)
            .field("preferred_time", .string)
            .field("priority", .string, .required)
            .field("emergency", .bool, .required)
            .field("category", .string)
            .field("fault_cause", .string, .required)
            .field("status", .string, .required)
            .field("resume_status", .string)
            .field("created_by", .string, .required)
            .unique(on: "number")
            .create()
        try await database.schema("service_request_units")
            .field("request_id", .int64, .required, .references("service_requests", "id"))
            .field("unit_id", .int64, .required, .references("units", "id"))
            .field("model_id", .int64, .required, .references("product_models", "id"))
            .field("warranty_status", .string)
            .field("warranty_reason", .string)
            .compositeIdentifier(over: "request_id", "unit_id")
            .create()
        try await database.schema("request_events")
            .field("id", .int64, .identifier(auto: true))
            .field("request_id", .int64, .required, .references("service_requests", "id"))
            .field("at", .datetime, .required)
            .field("actor", .string, .required)
            .field("event", .string, .required)
            .field("from_status", .string)
            .field("to_status", .string, .required)
            .field("note", .string)
            .create()
        let sql = database as! any SQLDatabase
        for (name, columns) in [
            ("sr_status", ["status", "id"]), ("sr_org_unit", ["org_unit_id", "id"]),
            ("sr_customer", ["customer_id", "id"]), ("sr_priority", ["priority", "id"]),
            ("sr_created", ["created_at"]), ("sr_phone", ["contact_phone_digits"]), ("sr_project", ["project_id"]),
        ] {
            var index = sql.create(index: name).on("service_requests")
            for column in columns { index = index.column(column) }
            try await index.run()
        }
        try await sql.create(index: "sru_unit").on("service_request_units").column("unit_id").column("request_id")
            .run()
        try await sql.create(index: "sru_model").on("service_request_units").column("model_id").column("request_id")
            .run()
        try await sql.create(index: "request_events_request").on("request_events").column("request_id").column("id")
            .run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("request_events").delete()
        try await database.schema("service_request_units").delete()
        try await database.schema("service_requests").delete()
    }
}

struct M006CreateAuditAndKeys: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("audit_log")
            .field("id", .int64, .identifier(auto: true))
            .field("entity", .string, .required)
            .field("entity_id", .int64, .required)
            .field("action", .string, .required)
            .field("actor", .string, .required)
            .field("at", .datetime, .required)
            .field("before", .string)
            .field("after", .string)
            .create()
        try await database.schema("sequences")
            .field("name", .string, .identifier(auto: false))
            .field("value", .int64, .required)
            .create()
        try await database.schema("idempotency_keys")
            .field("key", .string, .identifier(auto: false))
            .field("request_hash", .string, .required)
            .field("status", .int64, .required)
            .field("body", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "audit_log_entity").on("audit_log").column("entity").column("entity_id")
            .column("id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("idempotency_keys").delete()
        try await database.schema("sequences").delete()
        try await database.schema("audit_log").delete()
    }
}

/// Substring search over fault descriptions, Chinese included: an FTS5 trigram index on SQLite,
/// a pg_trgm GIN index on PostgreSQL. Terms shorter than three characters fall back to a scan (see
/// `RequestSearch`).
struct M007CreateTextSearch: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        if sql.dialect.name == "sqlite" {
            try await sql.raw(
                "CREATE VIRTUAL TABLE request_text USING fts5(body, tokenize='trigram', content='', contentless_delete=1)"
            ).run()
        } else {
            try await sql.raw("CREATE EXTENSION IF NOT EXISTS pg_trgm").run()
            try await sql.raw(
                "CREATE INDEX sr_fault_trgm ON service_requests USING gin (fault_description gin_trgm_ops)"
            ).run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        if sql.dialect.name == "sqlite" {
            try await sql.raw("DROP TABLE request_text").run()
        } else {
            try await sql.raw("DROP INDEX sr_fault_trgm").run()
        }
    }
}

/// users, their sessions, personal access tokens, one-time reset links and sign-in throttling.
struct M008CreateAccounts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("users")
            .recordColumns()
            .field("username", .string, .required)
            .field("email", .string)
            .field("display_name", .string, .required)
            .field("roles", .string, .required)
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("customer_id", .int64, .references("customers", "id"))
            .field("locale", .string)
            .field("password_hash", .string)
            .field("disabled_at", .datetime)
            .unique(on: "username")
            .unique(on: "email")
            .create()
        try await database.schema("sessions")
            .field("id", .int64, .identifier(auto: true))
            .field("token_hash", .string, .required)
            .field("user_id", .int64, .required, .references("users", "id"))
            .field("csrf_token", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await database.schema("api_tokens")
            .field("id", .int64, .identifier(auto: true))
            .field("token_hash", .string, .required)
            .field("user_id", .int64, .required, .references("users", "id"))
            .field("name", .string, .required)
            .field("prefix", .string, .required)
            .field("roles", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime)
            .field("last_used_at", .datetime)
            .field("revoked_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await database.schema("password_resets")
            .field("id", .int64, .identifier(auto: true))
            .field("token_hash", .string, .required)
            .field("user_id", .int64, .required, .references("users", "id"))
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await database.schema("login_throttle")
            .field("key", .string, .identifier(auto: false))
            .field("failures", .int64, .required)
            .field("first_failure_at", .datetime, .required)
            .field("locked_until", .datetime)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "users_org_unit").on("users").column("org_unit_id").column("id").run()
        try await sql.create(index: "sessions_user").on("sessions").column("user_id").run()
        try await sql.create(index: "api_tokens_user").on("api_tokens").column("user_id").run()
        try await sql.create(index: "password_resets_user").on("password_resets").column("user_id").run()
        // The desk's home pages and sorts: my requests, recently updated, today's resolutions.
        try await sql.create(index: "sr_created_by").on("service_requests").column("created_by").column("id").run()
        try await sql.create(index: "sr_updated").on("service_requests").column("updated_at").column("id").run()
        try await sql.create(index: "request_events_at").on("request_events").column("at").run()
    }

    func revert(on database: any Database) async throws {
        for table in ["login_throttle", "password_resets", "api_tokens", "sessions", "users"] {
            try await database.schema(table).delete()
        }
    }
}
