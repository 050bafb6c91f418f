import FluentKit
import SQLKit

/// Issue 16, R-8.4, R-4.5: the depot's repair orders, loaner units and nonconforming products.
/// - `depot_repairs`: one repair order per return case: diagnosis, actions, tests and labour (the repair report);
///   the parts it used are `stock_ledger` consumption entries naming the case (`return_case_id`).
/// - `loaners`: our own units lent while a customer's is away (周转机), per organisation unit, with their serials;
///   `loans`: each time one is lent (with a return case or a visit) and when it came back.
/// - `nonconformities`: every nonconforming product (a returned unit with a defect, a faulty part handed in) with its
///   cause, disposition, inspection record and cost: the rows of the 不合格品统计表; `nonconformity_months`: their
///   counts and costs by month, organisation unit, model, cause, responsibility and disposition, kept in step in the
///   same transactions, so that a year's table reads a few hundred rows, not every record.
struct M022DepotWork: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("depot_repairs")
            .field("id", .int64, .identifier(auto: true))
            .field("case_id", .int64, .required, .references("return_cases", "id"))
            .field("diagnosis", .string)
            .field("actions", .string)
            .field("tests", .string)
            .field("labour_minutes", .int64, .required)
            .field("technician", .string)
            .field("updated_by", .string, .required)
            .field("version", .int64, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "case_id")
            .create()
        try await database.schema("stock_ledger").field("return_case_id", .int64).update()
        try await database.schema("loaners")
            .recordColumns()
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("model_id", .int64, .required, .references("product_models", "id"))
            .field("serial_number", .string, .required)
            .field("status", .string, .required)
            .field("note", .string)
            .unique(on: "model_id", "serial_number")
            .create()
        try await database.schema("loans")
            .field("id", .int64, .identifier(auto: true))
            .field("loaner_id", .int64, .required, .references("loaners", "id"))
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("customer_id", .int64, .required, .references("customers", "id"))
            .field("case_id", .int64, .references("return_cases", "id"))
            .field("visit_id", .int64, .references("visits", "id"))
            .field("due_on", .string, .required)
            .field("lent_by", .string, .required)
            .field("lent_at", .datetime, .required)
            .field("note", .string)
            .field("returned_by", .string)
            .field("returned_at", .datetime)
            .field("return_note", .string)
            .field("escalated_at", .datetime)
            .create()
        try await database.schema("nonconformities")
            .field("id", .int64, .identifier(auto: true))
            .field("org_unit_id", .int64, .required, .references("org_units", "id"))
            .field("source", .string, .required)
            .field("case_id", .int64, .references("return_cases", "id"))
            .field("unit_id", .int64, .references("units", "id"))
            .field("ledger_entry_id", .int64, .references("stock_ledger", "id"))
            .field("model_id", .int64, .references("product_models", "id"))
            .field("part_id", .int64, .references("parts", "id"))
            .field("serial", .string)
            .field("responsibility", .string)
            .field("fault_code_id", .int64, .references("fault_codes", "id"))
            .field("analysis", .string)
            .field("disposition", .string)
            .field("inspection_record", .string)
            .field("cost_minor", .int64, .required)
            .field("currency", .string, .required)
            .field("status", .string, .required)
            .field("found_on", .string, .required)
            .field("created_by", .string, .required)
            .field("version", .int64, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        // The 不合格品统计表 by month, kept in step with the records (0 and '' stand for "not given").
        try await database.schema("nonconformity_months")
            .field("month", .string, .required)
            .field("org_unit_id", .int64, .required)
            .field("model_id", .int64, .required)
            .field("fault_code_id", .int64, .required)
            .field("responsibility", .string, .required)
            .field("disposition", .string, .required)
            .field("n", .int64, .required)
            .field("cost_minor", .int64, .required)
            .unique(on: "month", "org_unit_id", "model_id", "fault_code_id", "responsibility", "disposition")
            .create()
        let sql = database as! any SQLDatabase
        for (name, table, columns) in [
            ("stock_ledger_return_case", "stock_ledger", ["return_case_id"]),
            ("loaners_pool", "loaners", ["org_unit_id", "status", "id"]),
            ("loans_loaner", "loans", ["loaner_id", "id"]),
            ("loans_open", "loans", ["returned_at", "due_on"]),
            ("loans_case", "loans", ["case_id"]),
            // Covers the table's reads of the days around its whole months.
            (
                "nonconformities_table", "nonconformities",
                [
                    "found_on", "org_unit_id", "model_id", "fault_code_id", "responsibility", "disposition",
                    "cost_minor",
                ]
            ),
            ("nonconformities_case", "nonconformities", ["case_id"]),
        ] {
            var index = sql.create(index: name).on(table)
            for column in columns { index = index.column(column) }
            try await index.run()
        }
    }

    func revert(on database: any Database) async throws {
        for table in ["nonconformity_months", "nonconformities", "loans", "loaners", "depot_repairs"] {
            try await database.schema(table).delete()
        }
        try await database.schema("stock_ledger").deleteField("return_case_id").update()
    }
}
