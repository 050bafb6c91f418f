import FluentKit
import SQLKit

/// a conversation on every request (replies, internal notes, the customer's messages) and the files
/// attached to them. The files themselves live in the data directory, content-addressed; the database keeps their
/// checksum and metadata. `attachments` serves every area that keeps files (service reports, returns, articles).
struct M016Conversation: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("request_messages")
            .field("id", .int64, .identifier(auto: true))
            .field("request_id", .int64, .required, .references("service_requests", "id"))
            .field("kind", .string, .required)
            .field("source", .string, .required)
            .field("actor", .string, .required)
            .field("author_name", .string, .required)
            .field("body", .string, .required)
            .field("email_message_id", .string)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("attachments")
            .field("id", .int64, .identifier(auto: true))
            .field("owner", .string, .required)
            .field("owner_id", .int64, .required)
            .field("request_id", .int64)
            .field("file_name", .string, .required)
            .field("kind", .string, .required)
            .field("size", .int64, .required)
            .field("sha256", .string, .required)
            .field("actor", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "request_messages_request").on("request_messages").column("request_id").column("id")
            .run()
        try await sql.create(index: "request_messages_email").on("request_messages").column("email_message_id").run()
        try await sql.create(index: "attachments_owner").on("attachments").column("owner").column("owner_id").run()
        try await sql.create(index: "attachments_sha256").on("attachments").column("sha256").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("attachments").delete()
        try await database.schema("request_messages").delete()
    }
}
