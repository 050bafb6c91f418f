import AftercareDomain
import FluentKit
import SQLKit

/// R-2.7: a visit's steps on its request's timeline name the visit by its number and purpose in columns, so that
/// the pages say it in the reader's language; the English notes earlier versions wrote ("visit #1",
/// "#1 diagnosis") become those columns.
struct M013TimelineVisits: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column a statement: SQLite adds one at a time.
        try await database.schema("request_events").field("visit_sequence", .int64).update()
        try await database.schema("request_events").field("visit_purpose", .string).update()
        let sql = database as! any SQLDatabase
        // "visit #3" on a step a visit caused.
        try await sql.raw(
            """
            UPDATE request_events SET visit_sequence = CAST(SUBSTR(note, 8) AS INTEGER), note = NULL \
            WHERE note LIKE 'visit #%' AND event <> 'register'
            """
        ).run()
        // "#3 diagnosis" on a planned visit.
        for purpose in VisitPurpose.allCases {
            let suffix = " " + purpose.rawValue
            try await sql.raw(
                """
                UPDATE request_events SET visit_purpose = \(bind: purpose.rawValue), \
                visit_sequence = CAST(SUBSTR(note, 2, LENGTH(note) - \(unsafeRaw: String(suffix.count + 1))) AS INTEGER), \
                note = NULL WHERE event = 'visitPlanned' AND note LIKE \(bind: "#%" + suffix)
                """
            ).run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("request_events").deleteField("visit_purpose").update()
        try await database.schema("request_events").deleteField("visit_sequence").update()
    }
}
