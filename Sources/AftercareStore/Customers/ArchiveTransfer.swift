import AftercareDomain
import Foundation
import SQLKit

/// customers, units and request history in and out as CSV, Chinese text included.
///
/// Imports are all-or-nothing: every row is checked by the same rules as the API, in one transaction, and
/// any refused row refuses the file with the line and field of each problem. Exports stream in keyset pages,
/// archived records included, so they stay flat in memory at millions of rows.
public struct ArchiveTransfer: Sendable {
    public let store: Store

    public init(_ store: Store) {
        self.store = store
    }

    public static let customerColumns = [
        "id", "name", "kind", "tier", "orgUnitCode", "contactName", "contactPhone", "contactEmail", "contactRole",
        "address", "latitude", "longitude", "notes", "archived",
    ]
    public static let unitColumns = [
        "id", "serialNumber", "modelCode", "customerId", "customerName", "projectNumber", "siteAddress", "latitude",
        "longitude", "saleDate", "deliveryDate", "installationDate", "acceptanceDate", "warrantyOverrideMonths",
        "warrantyOverrideEnd", "status", "warrantyStart", "warrantyEnd", "archived",
    ]
    public static let requestColumns = [
        "number", "createdAt", "status", "type", "channel", "priority", "emergency", "orgUnitId", "customerId",
        "customerName", "serialNumbers", "contactName", "contactPhone", "faultDescription", "customerRequest",
        "category", "faultCause", "warrantyStatus",
    ]

    // MARK: Import

    /// Imports customers: one contact and one address per row; several phones separated by `;`.
    public func importCustomers(_ text: String, by actor: Actor, dryRun: Bool = false) async throws -> Int {
        let table = try Self.table(text, required: ["name", "orgUnitCode"], known: Self.customerColumns)
        let units = try await codes(table: OrgUnitRecord.table, column: "code")
        var problems: [ImportProblem] = []
        var inputs: [(line: Int, input: CustomerRecord.Input)] = []
        for (line, row) in table.rows {
            var reader = RowReader(line: line, row: row)
            let orgUnit = reader.lookup("orgUnitCode", in: units)
            let kind = reader.value("kind", CustomerKind.self) ?? .company
            let tier = reader.value("tier", CustomerTier.self) ?? .regular
            let latitude = reader.number("latitude")
            let longitude = reader.number("longitude")
            let contact = row["contactName"].map {
                Contact(
                    name: $0,
                    phones: (row["contactPhone"] ?? "").split(separator: ";").map {
                        $0.trimmingCharacters(in: .whitespaces)
                    }, email: row["contactEmail"], role: row["contactRole"])
            }
            let address = row["address"].map { Address(text: $0, latitude: latitude, longitude: longitude) }
            problems += reader.problems
            guard reader.problems.isEmpty, let orgUnit else { continue }
            inputs.append(
                (
                    line,
                    CustomerRecord.Input(
                        orgUnitId: orgUnit, name: row["name"] ?? "", kind: kind, tier: tier,
                        contacts: contact.map { [$0] } ?? [], addresses: address.map { [$0] } ?? [],
                        notes: row["notes"])
                ))
        }
        return try await create(CustomerRecord.self, inputs, problems: problems, by: actor, dryRun: dryRun)
    }

    /// Imports installed units; the customer is named by `customerId` or by its exact `customerName`.
    public func importUnits(_ text: String, by actor: Actor, dryRun: Bool = false) async throws -> Int {
        let table = try Self.table(text, required: ["serialNumber", "modelCode"], known: Self.unitColumns)
        let models = try await codes(table: ProductModelRecord.table, column: "code")
        let projects = try await codes(table: ProjectRecord.table, column: "number")
        let customers = try await codes(table: CustomerRecord.table, column: "name", unique: true)
        var problems: [ImportProblem] = []
        var inputs: [(line: Int, input: UnitRecord.Input)] = []
        for (line, row) in table.rows {
            var reader = RowReader(line: line, row: row)
            let model = reader.lookup("modelCode", in: models)
            let customer =
                row["customerId"] != nil ? reader.integer("customerId") : reader.lookup("customerName", in: customers)
            if customer == nil, row["customerId"] == nil, row["customerName"] == nil {
                reader.problems.append(.init(line: line, field: "customerName", problem: .required))
            }
            let project = row["projectNumber"] != nil ? reader.lookup("projectNumber", in: projects) : nil
            let dates = UnitDates(
                sale: reader.date("saleDate"), delivery: reader.date("deliveryDate"),
                installation: reader.date("installationDate"), acceptance: reader.date("acceptanceDate"))
            let input = UnitRecord.Input(
                serialNumber: row["serialNumber"] ?? "", modelId: model ?? 0, customerId: customer ?? 0,
                projectId: project, siteAddress: row["siteAddress"], latitude: reader.number("latitude"),
                longitude: reader.number("longitude"), dates: dates,
                warrantyOverrideMonths: reader.integer("warrantyOverrideMonths"),
                warrantyOverrideEnd: reader.date("warrantyOverrideEnd"), status: reader.value("status", UnitStatus.self)
            )
            problems += reader.problems
            if reader.problems.isEmpty { inputs.append((line, input)) }
        }
        return try await create(UnitRecord.self, inputs, problems: problems, by: actor, dryRun: dryRun)
    }

    func create<Kind: RecordKind>(
        _: Kind.Type, _ inputs: [(line: Int, input: Kind.Input)], problems: [ImportProblem], by actor: Actor,
        dryRun: Bool
    ) async throws -> Int {
        if problems.isEmpty { return try await Records<Kind>(store).createAll(inputs, by: actor, dryRun: dryRun) }
        var all = problems
        do {
            _ = try await Records<Kind>(store).createAll(inputs, by: actor, dryRun: true)
        } catch let failed as ImportFailed {
            all += failed.problems
        }
        throw ImportFailed(problems: all.sorted())
    }

    static func table(_ text: String, required: [String], known: [String]) throws -> CSVTable {
        let table: CSVTable
        do {
            table = try CSVTable(text)
        } catch let error as CSV.ParseError {
            throw ImportFailed(
                problems: [.init(line: error.line, field: "file", problem: .invalidFormat(expected: error.reason))])
        }
        var problems: [ImportProblem] = []
        for column in required where !table.header.contains(column) {
            problems.append(.init(line: 1, field: column, problem: .required))
        }
        for column in table.header where !known.contains(column) {
            problems.append(.init(line: 1, field: column, problem: .unknownField))
        }
        if !problems.isEmpty { throw ImportFailed(problems: problems) }
        return table
    }

    /// Live records by a text column; with `unique`, names used twice are left out (ambiguous).
    func codes(table: String, column: String, unique: Bool = false) async throws -> [String: Int] {
        var result: [String: Int] = [:]
        var seen: Set<String> = []
        let rows = try await store.sql.select().column("id").column(column).from(table)
            .where("archived_at", .is, SQLLiteral.null).all()
        for row in rows {
            let key = try row.decode(column: column, as: String.self)
            if unique, seen.contains(key) {
                result[key] = nil
            } else {
                result[key] = try row.decode(column: "id", as: Int.self)
            }
            seen.insert(key)
        }
        return result
    }

    // MARK: Export

    /// Writes every customer (archived ones too) as CSV, page by page.
    public func exportCustomers(_ emit: @Sendable (String) async throws -> Void) async throws {
        let units = try await codes(table: OrgUnitRecord.table, column: "code")
        let codeOf = Dictionary(units.map { ($0.value, $0.key) }, uniquingKeysWith: { a, _ in a })
        try await emit(CSV.byteOrderMark + CSV.line(Self.customerColumns))
        try await eachPage(Records<CustomerRecord>(store)) { customer in
            let contact = customer.contacts.first
            let address = customer.addresses.first
            return CSV.line([
                "\(customer.id)", customer.name, customer.kind.rawValue, customer.tier.rawValue,
                codeOf[customer.orgUnitId] ?? "", contact?.name ?? "", contact?.phones.joined(separator: ";") ?? "",
                contact?.email ?? "", contact?.role ?? "", address?.text ?? "", address?.latitude.map { "\($0)" } ?? "",
                address?.longitude.map { "\($0)" } ?? "", customer.notes ?? "", customer.archivedAt == nil ? "" : "yes",
            ])
        } emit: {
            try await emit($0)
        }
    }

    /// Writes every unit as CSV with its derived warranty period.
    public func exportUnits(_ emit: @Sendable (String) async throws -> Void) async throws {
        let projects = try await codes(table: ProjectRecord.table, column: "number")
        let numberOf = Dictionary(projects.map { ($0.value, $0.key) }, uniquingKeysWith: { a, _ in a })
        try await emit(CSV.byteOrderMark + CSV.line(Self.unitColumns))
        try await eachPage(Records<UnitRecord>(store)) { unit in
            CSV.line([
                "\(unit.id)", unit.serialNumber, unit.modelCode, "\(unit.customerId)", "",
                unit.projectId.flatMap { numberOf[$0] } ?? "", unit.siteAddress ?? "",
                unit.latitude.map { "\($0)" } ?? "", unit.longitude.map { "\($0)" } ?? "",
                unit.saleDate?.description ?? "", unit.deliveryDate?.description ?? "",
                unit.installationDate?.description ?? "", unit.acceptanceDate?.description ?? "",
                unit.warrantyOverrideMonths.map { "\($0)" } ?? "", unit.warrantyOverrideEnd?.description ?? "",
                unit.status.rawValue, unit.warranty?.start.description ?? "", unit.warranty?.end.description ?? "",
                unit.archivedAt == nil ? "" : "yes",
            ])
        } emit: {
            try await emit($0)
        }
    }

    /// Writes the requests that match `filter` as CSV, newest first.
    public func exportRequests(_ filter: RequestFilter, _ emit: @Sendable (String) async throws -> Void) async throws {
        try await emit(CSV.byteOrderMark + CSV.line(Self.requestColumns))
        var page = PageRequest(limit: 200)
        while true {
            let result = try await ServiceRequests(store).list(filter, page: page)
            var chunk = ""
            for r in result.items {
                chunk += CSV.line([
                    r.number, Timestamp.format(r.createdAt), r.status.rawValue, r.type.rawValue, r.channel.rawValue,
                    r.priority.rawValue, r.emergency ? "yes" : "", "\(r.orgUnitId)", "\(r.customerId)", r.customerName,
                    r.units.map(\.serialNumber).joined(separator: ";"), r.contactName ?? "", r.contactPhone ?? "",
                    r.faultDescription, r.customerRequest ?? "", r.category ?? "", r.faultCause.rawValue,
                    r.warrantyStatus.rawValue,
                ])
            }
            if !chunk.isEmpty { try await emit(chunk) }
            guard let cursor = result.nextCursor, let next = page.following(cursor) else { return }
            page = next
        }
    }

    func eachPage<Kind: RecordKind>(
        _ records: Records<Kind>, line: (Kind.View) -> String, emit: (String) async throws -> Void
    ) async throws {
        var page = PageRequest(limit: 500)
        while true {
            let result = try await records.list(page: page, includeArchived: true)
            if !result.items.isEmpty { try await emit(result.items.map(line).joined()) }
            guard let cursor = result.nextCursor, let next = page.following(cursor) else { return }
            page = next
        }
    }
}

/// Reads one CSV row's typed values, collecting a problem per bad field.
struct RowReader {
    let line: Int
    let row: [String: String]
    var problems: [ImportProblem] = []

    mutating func value<T: CodedEnum>(_ column: String, _: T.Type) -> T? {
        guard let text = row[column] else { return nil }
        guard let value = T(rawValue: text) else {
            problems.append(.init(line: line, field: column, problem: .invalidValue(allowed: T.allowedValues)))
            return nil
        }
        return value
    }

    mutating func number(_ column: String) -> Double? {
        guard let text = row[column] else { return nil }
        guard let value = Double(text) else {
            problems.append(.init(line: line, field: column, problem: .invalidFormat(expected: "a number")))
            return nil
        }
        return value
    }

    mutating func integer(_ column: String) -> Int? {
        guard let text = row[column] else { return nil }
        guard let value = Int(text) else {
            problems.append(.init(line: line, field: column, problem: .invalidFormat(expected: "an integer")))
            return nil
        }
        return value
    }

    mutating func date(_ column: String) -> CalendarDate? {
        guard let text = row[column] else { return nil }
        guard let value = CalendarDate(iso: text) else {
            problems.append(.init(line: line, field: column, problem: .invalidFormat(expected: "a date as YYYY-MM-DD")))
            return nil
        }
        return value
    }

    mutating func lookup(_ column: String, in table: [String: Int]) -> Int? {
        guard let text = row[column] else {
            problems.append(.init(line: line, field: column, problem: .required))
            return nil
        }
        guard let id = table[text] else {
            problems.append(.init(line: line, field: column, problem: .notFound))
            return nil
        }
        return id
    }
}
