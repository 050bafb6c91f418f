import FluentKit
import SQLKit

/// Issue 15, R-6.2–: quotes, fee documents and payments.
/// - `quotes`: a price given to the customer before out-of-warranty work: what was asked (`pricing`, JSON) and the
///   answer priced from it (`priced`, JSON, frozen when sent), its validity and the customer's answer.
/// - `quote_rules`: which request types need an accepted quote before work starts (one row per type that was set).
/// - `fee_documents`: invoices and credit notes, append-only, numbered gap-free per kind, organisation unit and
///   year; an invoice keeps its priced lines (`lines`, JSON) as issued, a credit note the invoice it corrects.
/// - `fee_document_lines`: each invoice line's figures by product line and cause, for the fee report.
/// - `payments`: money received against an invoice (refunds negative), append-only.
struct M020Billing: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("quotes")
            .field("id", .int64, .identifier(auto: true))
            .field("request_id", .int64, .required, .references("service_requests", "id"))
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("customer_id", .int64, .required, .references("customers", "id"))
            .field("status", .string, .required)
            .field("currency", .string, .required)
            .field("pricing", .string, .required)
            .field("priced", .string, .required)
            .field("schedule_id", .int64, .required)
            .field("charged_minor", .int64, .required)
            .field("free_minor", .int64, .required)
            .field("valid_until", .string, .required)
            .field("note", .string)
            .field("sent_at", .datetime)
            .field("answered_at", .datetime)
            .field("answered_by", .string)
            .field("answer_channel", .string)
            .field("reason", .string)
            .field("created_by", .string, .required)
            .field("version", .int64, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("quote_rules")
            .field("request_type", .string, .identifier(auto: false))
            .field("quote_required", .bool, .required)
            .field("updated_by", .string, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("fee_documents")
            .field("id", .int64, .identifier(auto: true))
            .field("number", .string, .required)
            .field("kind", .string, .required)
            .field("request_id", .int64, .required, .references("service_requests", "id"))
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("customer_id", .int64, .required, .references("customers", "id"))
            .field("credits_document_id", .int64, .references("fee_documents", "id"))
            .field("quote_id", .int64, .references("quotes", "id"))
            .field("schedule_id", .int64)
            .field("currency", .string, .required)
            .field("billed_minor", .int64, .required)
            .field("free_minor", .int64, .required)
            .field("lines", .string, .required)
            .field("reason", .string)
            .field("issued_by", .string, .required)
            .field("issued_at", .datetime, .required)
            .unique(on: "number")
            .create()
        try await database.schema("fee_document_lines")
            .field("id", .int64, .identifier(auto: true))
            .field("document_id", .int64, .required, .references("fee_documents", "id"))
            .field("org_unit_id", .int64, .required)
            .field("issued_at", .datetime, .required)
            .field("kind", .string, .required)
            .field("unit_id", .int64)
            .field("product_line_id", .int64)
            .field("cause", .string)
            .field("charge", .string, .required)
            .field("amount_minor", .int64, .required)
            .create()
        try await database.schema("payments")
            .field("id", .int64, .identifier(auto: true))
            .field("document_id", .int64, .required, .references("fee_documents", "id"))
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("kind", .string, .required)
            .field("method", .string, .required)
            .field("amount_minor", .int64, .required)
            .field("currency", .string, .required)
            .field("overpayment", .bool, .required)
            .field("reference", .string)
            .field("note", .string)
            .field("received_on", .string, .required)
            .field("recorded_by", .string, .required)
            .field("recorded_at", .datetime, .required)
            .create()
        let sql = database as! any SQLDatabase
        for (name, table, columns) in [
            ("quotes_request", "quotes", ["request_id", "id"]),
            ("quotes_queue", "quotes", ["org_unit_id", "status", "id"]),
            ("fee_documents_request", "fee_documents", ["request_id", "id"]),
            ("fee_documents_unit", "fee_documents", ["org_unit_id", "id"]),
            ("fee_documents_issued", "fee_documents", ["issued_at", "id"]),
            ("fee_documents_credits", "fee_documents", ["credits_document_id"]),
            ("fee_document_lines_report", "fee_document_lines", ["issued_at", "org_unit_id"]),
            ("fee_document_lines_document", "fee_document_lines", ["document_id"]),
            ("payments_document", "payments", ["document_id", "id"]),
            ("payments_recorded", "payments", ["recorded_at", "id"]),
        ] {
            var index = sql.create(index: name).on(table)
            for column in columns { index = index.column(column) }
            try await index.run()
        }
    }

    func revert(on database: any Database) async throws {
        for table in ["payments", "fee_document_lines", "fee_documents", "quote_rules", "quotes"] {
            try await database.schema(table).delete()
        }
    }
}
