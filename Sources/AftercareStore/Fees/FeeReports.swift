import AftercareDomain
import Foundation
import SQLKit

extension FeeDocuments {
    /// the fee report of the invoices issued from `from` to `to` (whole days in the deployment's time zone)
    /// under `orgUnitId` (the caller's whole scope when nil): by organisation unit what they billed, gave free, and
    /// what was credited and collected on them (payments less refunds, to date) and is outstanding; by product line
    /// and by cause what was charged and given free. Three grouped queries, whatever the number of documents.
    public func report(from: CalendarDate, to: CalendarDate, orgUnitId: Int? = nil) async throws -> FeeReport {
        var v = Validator()
        if to < from { v.add("to", .mustNotBeBefore(field: "from")) }
        if to.dayNumber - from.dayNumber > 3660 { v.add("to", .outOfRange(min: 0, max: 3660)) }
        try v.finish()
        let zone = store.timeZone
        let start = from.startOfDay(in: zone)
        let end = to.adding(days: 1).startOfDay(in: zone)
        var scope: SQLQueryString = ""
        if let condition = ScopeSQL.orgUnitCondition("d.org_unit_id", store.scope) { scope = " AND " + condition }
        if let orgUnitId {
            guard try await FeeSchedules.sees(orgUnitId, within: store.scope, on: store.sql) else {
                throw ValidationError(["orgUnitId": .notFound])
            }
            scope =
                scope
                + " AND d.org_unit_id IN (SELECT id FROM org_units WHERE path LIKE (SELECT path FROM org_units WHERE id = \(bind: orgUnitId)) || '%')"
        }
        let period: SQLQueryString = " AND d.issued_at >= \(bind: start) AND d.issued_at < \(bind: end)"
        // By unit: the period's invoices with their free value, and what was credited and paid on them to date.
        let units = try await store.sql.raw(
            """
            SELECT d.org_unit_id AS key, o.name, d.currency, COUNT(*) AS documents, \
            CAST(SUM(d.billed_minor) AS BIGINT) AS billed, CAST(SUM(d.free_minor) AS BIGINT) AS free, \
            CAST(SUM((SELECT COALESCE(SUM(cn.billed_minor), 0) FROM fee_documents cn \
            WHERE cn.credits_document_id = d.id)) AS BIGINT) AS credited, \
            CAST(SUM((SELECT COALESCE(SUM(p.amount_minor), 0) FROM payments p WHERE p.document_id = d.id)) AS BIGINT) \
            AS collected \
            FROM fee_documents d JOIN org_units o ON o.id = d.org_unit_id \
            WHERE d.kind = 'invoice'
            """ + period + scope + " GROUP BY d.org_unit_id, o.name, d.currency ORDER BY o.name, d.currency"
        ).all()
        var byUnit: [FeeReport.Row] = []
        for row in units {
            let billed = try row.decode(column: "billed", as: Int.self)
            let credited = try row.decode(column: "credited", as: Int.self)
            let collected = try row.decode(column: "collected", as: Int.self)
            byUnit.append(
                FeeReport.Row(
                    key: String(try row.decode(column: "key", as: Int.self)),
                    name: try row.decode(column: "name", as: String.self),
                    currency: try row.decodeStored("currency", as: Currency.self),
                    documents: try row.decode(column: "documents", as: Int.self), billedMinor: billed,
                    freeMinor: try row.decode(column: "free", as: Int.self), creditedMinor: credited,
                    collectedMinor: collected, outstandingMinor: billed - credited - collected))
        }
        func lines(_ group: String, name: String, join: String) async throws -> [FeeReport.Row] {
            let rows = try await store.sql.raw(
                """
                SELECT \(unsafeRaw: group) AS key, \(unsafeRaw: name) AS name, d.currency, \
                COUNT(DISTINCT d.id) AS documents, \
                CAST(SUM(CASE WHEN l.charge = 'charged' THEN l.amount_minor ELSE 0 END) AS BIGINT) AS billed, \
                CAST(SUM(CASE WHEN l.charge = 'free' THEN l.amount_minor ELSE 0 END) AS BIGINT) AS free \
                FROM fee_document_lines l JOIN fee_documents d ON d.id = l.document_id \(unsafeRaw: join) \
                WHERE 1 = 1
                """ + period + scope
                    + " GROUP BY \(unsafeRaw: group), \(unsafeRaw: name), d.currency ORDER BY 5 DESC"
            ).all()
            return try rows.map {
                FeeReport.Row(
                    key: try $0.decode(column: "key", as: String?.self) ?? "",
                    name: try $0.decode(column: "name", as: String?.self) ?? "",
                    currency: try $0.decodeStored("currency", as: Currency.self),
                    documents: try $0.decode(column: "documents", as: Int.self),
                    billedMinor: try $0.decode(column: "billed", as: Int.self),
                    freeMinor: try $0.decode(column: "free", as: Int.self), creditedMinor: 0, collectedMinor: 0,
                    outstandingMinor: 0)
            }
        }
        let byLine = try await lines(
            "CAST(l.product_line_id AS TEXT)", name: "pl.name",
            join: "LEFT JOIN product_lines pl ON pl.id = l.product_line_id")
        let byCause = try await lines("l.cause", name: "l.cause", join: "")
        return FeeReport(from: from, to: to, byOrgUnit: byUnit, byProductLine: byLine, byCause: byCause)
    }
}
