import FluentKit
import SQLKit

/// Issue 15, R-6: fees.
/// - `org_units.currency`: the currency a unit bills in (ISO 4217); every unit kept so far bills in yuan.
/// - `fee_schedules`: a unit's published fee schedule with the days it applies: labour rates by engineer level
///   and job difficulty, travel bands and training rates, as JSON (they are read and priced together, never queried
///   one by one). A published schedule is not edited: a later one ends it, and one not yet in effect is withdrawn.
///   `ended_by` names the schedule whose publishing ended this one and `ended_from` the end it had before, so that
///   withdrawing that schedule gives back exactly what it took.
struct M018FeeSchedules: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("org_units")
            .field("currency", .string, .required, .custom(SQLColumnConstraintAlgorithm.default("CNY")))
            .update()
        try await database.schema("fee_schedules")
            .field("id", .int64, .identifier(auto: true))
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("currency", .string, .required)
            .field("valid_from", .string, .required)
            .field("valid_to", .string)
            .field("labour", .string, .required)
            .field("travel", .string, .required)
            .field("training", .string, .required)
            .field("note", .string)
            .field("ended_by", .int64)
            .field("ended_from", .string)
            .field("version", .int64, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("archived_at", .datetime)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "fee_schedules_unit").on("fee_schedules").column("org_unit_id")
            .column("valid_from").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("fee_schedules").delete()
        try await database.schema("org_units").deleteField("currency").update()
    }
}
