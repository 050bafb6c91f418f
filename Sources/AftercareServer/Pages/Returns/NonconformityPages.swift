import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// the nonconforming products: the 不合格品统计表 of a period grouped by a dimension (on screen, as CSV and
/// printed), the causes that keep coming back, the records themselves, and one record with the quality inspector's
/// analysis, disposition and inspection record. The same use cases as `DepotController`, through the caller's scoped
/// store.
struct NonconformityPages: Sendable {
    func register(_ root: any RoutesBuilder) {
        root.get("nonconformities", use: table).requires(.action(.viewReturns))
        root.get("nonconformities", "export.csv", use: export).requires(.action(.viewReturns))
        root.get("nonconformities", "print", use: printTable).requires(.action(.viewReturns))
        root.get("nonconformities", ":id", use: record).requires(.action(.viewReturns))
        root.post("nonconformities", ":id", use: update).requires(.action(.checkQuality))
    }

    static let labels = FieldLabels.area("returns")

    /// A cause counted this often in the period is listed for the quality inspector, unless `threshold` asks otherwise.
    static let defaultThreshold = 3

    // MARK: The table

    /// `from`, `to` (this month by default), `dimension` (by model by default) and `threshold` as asked, with what is
    /// wrong with them.
    static func tableQuery(_ req: Request) throws -> (TableQuery, AftercareDomain.Validator) {
        let q = QueryReader(req: req)
        let today = req.store.today
        let first = CalendarDate(year: today.year, month: today.month, day: 1) ?? today
        var query = TableQuery(
            fromText: try q.string("from") ?? first.description,
            toText: try q.string("to") ?? first.adding(months: 1).adding(days: -1).description,
            dimension: .model, threshold: defaultThreshold)
        var v = AftercareDomain.Validator()
        query.from = CalendarDate(iso: query.fromText)
        query.to = CalendarDate(iso: query.toText)
        if query.from == nil { v.add("from", .invalidFormat(expected: "YYYY-MM-DD")) }
        if query.to == nil { v.add("to", .invalidFormat(expected: "YYYY-MM-DD")) }
        if let from = query.from, let to = query.to, to < from { v.add("to", .mustNotBeBefore(field: "from")) }
        if let text = try q.string("dimension") {
            if let dimension = NonconformityDimension(rawValue: text) {
                query.dimension = dimension
            } else {
                v.add("dimension", .invalidValue(allowed: NonconformityDimension.allowedValues))
            }
        }
        if let text = try q.string("threshold") {
            query.thresholdText = text
            if let threshold = Int(text), (1...10_000).contains(threshold) {
                query.threshold = threshold
            } else {
                v.add("threshold", .outOfRange(min: 1, max: 10_000))
            }
        }
        return (query, v)
    }

    /// The grouped rows of the period, the rows by cause (for the frequent causes) and the currency of its records.
    static func grouped(_ query: TableQuery, store: Store) async throws
        -> (rows: [NonconformityRow], causes: [NonconformityRow], currency: Currency)
    {
        let records = Nonconformities(store)
        let filter = query.filter
        let rows = try await records.table(filter, by: query.dimension)
        let causes = query.dimension == .cause ? rows : try await records.table(filter, by: .cause)
        let currency = try await records.list(filter, page: PageRequest(limit: 1)).items.first?.currency ?? .cny
        return (rows, causes, currency)
    }

    /// Reads the table, its records and the problems of the query, which the page shows instead of the table.
    static func tableData(_ req: Request) async throws -> (TableData, HTTPStatus) {
        let (query, v) = try tableQuery(req)
        var data = TableData(query: query, rows: [], causes: [], records: Page(items: [], nextCursor: nil))
        do {
            try v.finish()
            let records = try await Nonconformities(req.store).list(
                query.filter, page: try QueryReader(req: req).page(defaultLimit: 25))
            let table = try await Self.grouped(query, store: req.store)
            data.rows = table.rows
            data.causes = table.causes
            data.records = records
            data.currency = records.items.first?.currency ?? table.currency
            return (data, .ok)
        } catch {
            guard let failure = PageError.from(error, req.localizer, labels: labels) else { throw error }
            data.errors = failure.messages
            return (data, failure.status)
        }
    }

    /// `/nonconformities?from=&to=&dimension=&threshold=&cursor=`.
    @Sendable func table(_ req: Request) async throws -> Response {
        let (data, status) = try await Self.tableData(req)
        return try await PageRenderer.render(
            "nonconformities", title: "nonconformities.title", Self.tableModel(data, req.localizer), for: req,
            status: status)
    }

    /// The table on paper, in the language its links ask for (`?lang=`).
    @Sendable func printTable(_ req: Request) async throws -> Response {
        req.usePrintLanguage()
        let (query, v) = try Self.tableQuery(req)
        try v.finish()
        let grouped = try await Self.grouped(query, store: req.store)
        var data = TableData(
            query: query, rows: grouped.rows, causes: grouped.causes, records: Page(items: [], nextCursor: nil))
        data.currency = grouped.currency
        var model = Self.tableModel(data, req.localizer)
        model.printedAt = req.localizer.dateTime(req.store.now)
        return try await PageRenderer.render("nonconformities-print", title: "nonconformities.title", model, for: req)
    }

    /// The period's grouped rows as CSV, the headers and the keys in the reader's language, and the total.
    @Sendable func export(_ req: Request) async throws -> Response {
        let (query, v) = try Self.tableQuery(req)
        try v.finish()
        let grouped = try await Self.grouped(query, store: req.store)
        let l = req.localizer
        let currency = grouped.currency
        let amount = { (minor: Int) in Money(minor: minor, currency: currency).decimalText }
        var text =
            CSV.byteOrderMark
            + CSV.line([
                l.t("nonconformityDimension.\(query.dimension.rawValue)"), l.t("nonconformities.code"),
                l.t("nonconformities.count"), l.t("nonconformities.cost"), l.t("nonconformities.currency"),
            ])
        for row in grouped.rows {
            text += CSV.line([
                Self.keyText(row, query.dimension, l), row.key ?? "", String(row.count), amount(row.costMinor),
                currency.rawValue,
            ])
        }
        text += CSV.line([
            l.t("nonconformities.total"), "", String(grouped.rows.reduce(0) { $0 + $1.count }),
            amount(grouped.rows.reduce(0) { $0 + $1.costMinor }), currency.rawValue,
        ])
        let body = text
        return CSVResponse.make(
            filename: "nonconformities-\(query.dimension.rawValue)-\(query.fromText)-\(query.toText).csv"
        ) { write in try await write(body) }
    }

    // MARK: One record

    func recordData(_ req: Request, id: Int) async throws -> RecordData {
        let principal = try req.requirePrincipal()
        let record = try await Nonconformities(req.store).get(id)
        var codes: [FaultCodeRecord.View] = []
        if principal.may(.checkQuality) {
            // The fault codes of the record's model's product line; all of them for a part or an unknown model.
            var line: Int?
            if let modelId = record.modelId {
                line = try? await Records<ProductModelRecord>(req.store).get(modelId).productLineId
            }
            codes = try await Records<FaultCodeRecord>(req.store).list(
                page: PageRequest(limit: 200), filter: .faultCodes(productLineId: line)
            ).items
        }
        return RecordData(record: record, codes: codes)
    }

    func renderRecord(
        _ req: Request, id: Int, typed: [String: String]? = nil, errors: [FieldMessage] = [],
        status: HTTPStatus = .ok
    ) async throws -> Response {
        var data = try await recordData(req, id: id)
        data.typed = typed
        data.errors = errors
        let model = Self.recordModel(data, principal: try req.requirePrincipal(), req.localizer)
        return try await PageRenderer.render(
            "nonconformity", title: "nonconformities.recordTitle", model, for: req, status: status)
    }

    @Sendable func record(_ req: Request) async throws -> Response {
        try await renderRecord(req, id: req.pageId())
    }

    /// the quality inspector's fault code, analysis, disposition, inspection record and cost; "close" closes it.
    @Sendable func update(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        _ = try await Nonconformities(req.store).get(id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let faultCodeId = form.int("faultCodeId", into: &v)
        let disposition = form.value("disposition", Disposition.self, into: &v)
        let version = form.int("version", into: &v)
        let cost = form.string("cost").flatMap(Money.minor(parsing:))
        if form.string("cost") != nil, cost == nil { v.add("costMinor", .invalidFormat(expected: "an amount")) }
        return try await FormCycle.run(req, page: "/nonconformities/\(id)", labels: Self.labels) {
            try v.finish()
            _ = try await Nonconformities(req.store).update(
                id,
                NonconformityInput(
                    faultCodeId: faultCodeId, analysis: form.string("analysis"), disposition: disposition,
                    inspectionRecord: form.string("inspectionRecord"), costMinor: cost, close: form.bool("close"),
                    expectedVersion: version),
                by: principal.actor)
            return req.redirect(to: "/nonconformities/\(id)")
        } again: { failure in
            try await renderRecord(
                req, id: id,
                typed: form.typed(["faultCodeId", "analysis", "disposition", "inspectionRecord", "cost", "close"]),
                errors: failure.messages, status: failure.status)
        }
    }
}
