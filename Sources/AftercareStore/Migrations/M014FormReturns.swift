import FluentKit
import SQLKit

/// Post/redirect/get for failed forms: the refused page, kept for its browser for a few minutes.
struct M014FormReturns: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("form_returns")
            .field("token_digest", .string, .required)
            .field("user_id", .int64, .required)
            .field("path", .string, .required)
            .field("status", .int64, .required)
            .field("body", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "token_digest")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "form_returns_created").on("form_returns").column("created_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("form_returns").delete()
    }
}
