import AftercareDomain
import FluentKit
import SQLKit

/// Issue 14, R-2.1: e-mail in and out.
/// - `customer_emails`: every contact address of a customer, lower-cased, so that a sender is found by one indexed
///   lookup (as `customer_phones` does for phones). Filled here from the customers already kept.
/// - `mail_outbox`: the messages to send (acknowledgements, replies, appointment confirmations), written in the
///   transaction of what they report and sent by the sweep with retries; kept as the log of what went out.
/// - `inbound_mail`: every message the gateway received, its raw bytes kept in the file vault, and what became of
///   it (joined a request, opened one, ignored as automatic, refused, or not understood).
/// - `service_requests.intake_flag`: a request opened from a message of an unknown sender waits for triage.
struct M017Mail: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("customer_emails")
            .field("customer_id", .int64, .required, .references("customers", "id"))
            .field("address", .string, .required)
            .unique(on: "customer_id", "address")
            .create()
        try await database.schema("mail_outbox")
            .field("id", .int64, .identifier(auto: true))
            .field("kind", .string, .required)
            .field("request_id", .int64, .references("service_requests", "id"))
            .field("visit_id", .int64)
            .field("request_message_id", .int64)
            .field("to_address", .string, .required)
            .field("to_name", .string)
            .field("language", .string)
            .field("subject", .string)
            .field("body", .string)
            .field("email_message_id", .string, .required)
            .field("in_reply_to", .string)
            .field("status", .string, .required)
            .field("attempts", .int64, .required)
            .field("next_attempt_at", .datetime)
            .field("last_error", .string)
            .field("dedupe_key", .string, .required)
            .field("created_at", .datetime, .required)
            .field("sent_at", .datetime)
            .unique(on: "dedupe_key")
            .create()
        try await database.schema("inbound_mail")
            .field("id", .int64, .identifier(auto: true))
            .field("received_at", .datetime, .required)
            .field("sha256", .string, .required)
            .field("size", .int64, .required)
            .field("sender", .string)
            .field("subject", .string)
            .field("email_message_id", .string)
            .field("status", .string, .required)
            .field("request_id", .int64)
            .field("request_message_id", .int64)
            .field("problems", .string)
            .create()
        try await database.schema("service_requests").field("intake_flag", .string).update()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "customer_emails_address").on("customer_emails").column("address").run()
        try await sql.create(index: "mail_outbox_due").on("mail_outbox").column("status").column("next_attempt_at")
            .run()
        try await sql.create(index: "mail_outbox_request").on("mail_outbox").column("request_id").column("id").run()
        try await sql.create(index: "mail_outbox_message").on("mail_outbox").column("email_message_id").run()
        try await sql.create(index: "inbound_mail_message").on("inbound_mail").column("email_message_id").run()
        try await sql.create(index: "inbound_mail_request").on("inbound_mail").column("request_id").column("id").run()
        try await sql.create(index: "inbound_mail_status").on("inbound_mail").column("status").column("id").run()
        // The addresses of the customers kept so far, a thousand customers at a time.
        var after = 0
        while true {
            let rows = try await sql.raw(
                "SELECT id, contacts FROM customers WHERE id > \(bind: after) ORDER BY id LIMIT 1000"
            ).all()
            guard let last = rows.last else { break }
            after = try last.decode(column: "id", as: Int.self)
            var insert = sql.insert(into: "customer_emails").columns("customer_id", "address")
            var any = false
            for row in rows {
                let id = try row.decode(column: "id", as: Int.self)
                let contacts = try JSONText.decode(
                    [Contact].self, from: row.decode(column: "contacts", as: String.self))
                for address in CustomerRecord.emailAddresses(contacts) {
                    insert = insert.values(SQLBind(id), SQLBind(address))
                    any = true
                }
            }
            if any { try await insert.run() }
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("service_requests").deleteField("intake_flag").update()
        try await database.schema("inbound_mail").delete()
        try await database.schema("mail_outbox").delete()
        try await database.schema("customer_emails").delete()
    }
}
