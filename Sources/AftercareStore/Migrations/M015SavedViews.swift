import FluentKit
import SQLKit

/// Issue 14: saved views of the request list: a named query of the list, its owner, the owner's unit, and whether
/// the unit shares it. Archived, never deleted.
struct M015SavedViews: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("saved_views")
            .recordColumns()
            .field("name", .string, .required)
            .field("query", .string, .required)
            .field("shared", .bool, .required)
            .field("owner_id", .int64, .required, .references("users", "id"))
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "saved_views_owner").on("saved_views").column("owner_id").column("name").run()
        try await sql.create(index: "saved_views_unit").on("saved_views").column("org_unit_id").column("shared").run()
        // One live view of a name per owner; archived ones keep theirs. Partial indexes read the same on both.
        try await sql.raw(
            "CREATE UNIQUE INDEX saved_views_live_name ON saved_views (owner_id, name) WHERE archived_at IS NULL"
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("saved_views").delete()
    }
}
