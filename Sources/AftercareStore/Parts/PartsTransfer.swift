import AftercareDomain
import Foundation
import SQLKit

/// How an import treats refused rows.
public enum ImportMode: String, CodedEnum {
    /// Nothing is written unless every row is clean (the default).
    case allOrNothing
    /// The clean rows are written; the refused ones are reported with their lines.
    case validRowsOnly
}

/// What an import did: rows written, and the problems of the rows it left out (valid-rows-only mode).
public struct ImportOutcome: Codable, Sendable, Equatable {
    public var imported: Int
    public var refusedLines: [Int]
    public var problems: [ImportProblem]
}

extension ImportProblem: Codable {
    enum CodingKeys: String, CodingKey {
        case line, field, code, message
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            line: try c.decode(Int.self, forKey: .line), field: try c.decode(String.self, forKey: .field),
            problem: .invalidFormat(expected: try c.decode(String.self, forKey: .message)))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(line, forKey: .line)
        try c.encode(field, forKey: .field)
        try c.encode(problem.code, forKey: .code)
        try c.encode(problem.message, forKey: .message)
    }
}

/// A dry run's outcome, carried out of the transaction it rolls back.
private struct RolledBack: Error {
    var outcome: ImportOutcome
}

/// the catalogue and opening balances in from CSV, the ledger out as CSV.
public struct PartsTransfer: Sendable {
    public let store: Store

    public init(_ store: Store) {
        self.store = store
    }

    public static let catalogueColumns = [
        "partNumber", "name", "specification", "unit", "partClass", "serialTracked", "shelfLifeDays",
        "compatibleModels", "supplier", "supplierPartNumber", "leadTimeDays", "managementFeePercent", "price",
    ]
    public static let balanceColumns = [
        "partNumber", "warehouseCode", "quantity", "unitCost", "expiresOn", "serials", "bin",
    ]
    public static let ledgerColumns = [
        "id", "at", "kind", "partNumber", "warehouseCode", "onHand", "reserved", "inTransit", "inspecting", "serial",
        "faultySerial", "expiresOn", "unitCost", "counterpartWarehouseId", "requisitionId", "visitId",
        "purchaseOrderId", "transferId", "stocktakeId", "correctsId", "reason", "actor",
    ]

    /// Imports parts. Compatible models are product-model codes separated by `;`.
    public func importCatalogue(_ text: String, mode: ImportMode = .allOrNothing, dryRun: Bool = false, by actor: Actor)
        async throws -> ImportOutcome
    {
        let table = try ArchiveTransfer.table(text, required: ["partNumber", "name"], known: Self.catalogueColumns)
        let models = try await ArchiveTransfer(store).codes(table: ProductModelRecord.table, column: "code")
        var rows: [(line: Int, input: PartRecord.Input?, problems: [ImportProblem])] = []
        for (line, row) in table.rows {
            var reader = RowReader(line: line, row: row)
            let unit = reader.value("unit", UnitOfMeasure.self) ?? .piece
            let partClass = reader.value("partClass", PartClass.self)
            var tracked: Bool?
            if let text = row["serialTracked"] {
                tracked = ["true", "yes", "1"].contains(text.lowercased())
                if !["true", "yes", "1", "false", "no", "0"].contains(text.lowercased()) {
                    reader.problems.append(
                        .init(line: line, field: "serialTracked", problem: .invalidValue(allowed: ["true", "false"])))
                }
            }
            var modelIds: [Int] = []
            for code in (row["compatibleModels"] ?? "").split(separator: ";").map({ String($0).trimmed })
            where !code.isEmpty {
                if let id = models[code] {
                    modelIds.append(id)
                } else {
                    reader.problems.append(.init(line: line, field: "compatibleModels", problem: .notFound))
                }
            }
            let supplier = row["supplier"].map {
                PartSupplier(
                    name: $0, supplierPartNumber: row["supplierPartNumber"],
                    leadTimeDays: reader.integer("leadTimeDays"))
            }
            let input = PartRecord.Input(
                partNumber: row["partNumber"] ?? "", name: row["name"] ?? "", specification: row["specification"],
                unit: unit, partClass: partClass, serialTracked: tracked,
                shelfLifeDays: reader.integer("shelfLifeDays"),
                compatibleModelIds: modelIds, suppliers: supplier.map { [$0] },
                managementFeePercent: reader.number("managementFeePercent"), lastPrice: reader.integer("price"))
            rows.append((line, reader.problems.isEmpty ? input : nil, reader.problems))
        }
        let now = store.now
        return try await run(rows, mode: mode, dryRun: dryRun) { input, db in
            _ = try await Records<PartRecord>.insert(input, by: actor, at: now, within: .everything, on: db)
        }
    }

    /// Imports opening balances: each row is a receipt into a warehouse the caller may see (serials `;`-separated).
    public func importBalances(_ text: String, mode: ImportMode = .allOrNothing, dryRun: Bool = false, by actor: Actor)
        async throws -> ImportOutcome
    {
        let table = try ArchiveTransfer.table(
            text, required: ["partNumber", "warehouseCode", "quantity"], known: Self.balanceColumns)
        let transfer = ArchiveTransfer(store)
        let parts = try await transfer.codes(table: PartRecord.table, column: "part_number")
        let warehouses = try await transfer.codes(table: WarehouseRecord.table, column: "code")
        var rows: [(line: Int, input: ReceiptInput?, problems: [ImportProblem])] = []
        for (line, row) in table.rows {
            var reader = RowReader(line: line, row: row)
            let part = reader.lookup("partNumber", in: parts)
            let warehouse = reader.lookup("warehouseCode", in: warehouses)
            let quantity = reader.number("quantity")
            if row["quantity"] == nil {
                reader.problems.append(.init(line: line, field: "quantity", problem: .required))
            }
            let input = ReceiptInput(
                partId: part ?? 0, warehouseId: warehouse ?? 0, quantity: quantity ?? 0,
                unitCost: reader.integer("unitCost"),
                serials: row["serials"].map { $0.split(separator: ";").map { String($0).trimmed } },
                expiresOn: reader.date("expiresOn"), reason: "opening balance")
            rows.append((line, reader.problems.isEmpty ? input : nil, reader.problems))
        }
        let now = store.now
        let scope = store.scope
        return try await run(rows, mode: mode, dryRun: dryRun) { input, db in
            try await Stock.receipt(input, by: actor, at: now, within: scope, on: db)
        }
    }

    /// Writes the clean rows in one transaction; a row's checks failing are its problems. In all-or-nothing mode
    /// any problem rolls everything back and throws `ImportFailed`; a dry run always rolls back.
    private func run<Input: Sendable>(
        _ rows: [(line: Int, input: Input?, problems: [ImportProblem])], mode: ImportMode, dryRun: Bool,
        _ write: @escaping @Sendable (Input, any SQLDatabase) async throws -> Void
    ) async throws -> ImportOutcome {
        do {
            return try await store.write { db in
                var problems = rows.flatMap(\.problems)
                var refused = Set(rows.filter { !$0.problems.isEmpty }.map(\.line))
                var imported = 0
                for row in rows {
                    guard let input = row.input else { continue }
                    do {
                        try await write(input, db)
                        imported += 1
                    } catch let error as ValidationError {
                        problems += error.fields.map { ImportProblem(line: row.line, field: $0.key, problem: $0.value) }
                        refused.insert(row.line)
                    } catch let error as SerialNotAvailable {
                        problems.append(
                            ImportProblem(
                                line: row.line, field: "serials", problem: .invalidFormat(expected: error.message)))
                        refused.insert(row.line)
                    }
                }
                problems.sort()
                if mode == .allOrNothing && !problems.isEmpty { throw ImportFailed(problems: problems) }
                let outcome = ImportOutcome(imported: imported, refusedLines: refused.sorted(), problems: problems)
                if dryRun { throw RolledBack(outcome: outcome) }
                return outcome
            }
        } catch let rolledBack as RolledBack {
            return rolledBack.outcome
        }
    }

    /// The ledger as CSV, in entry order, a thousand entries at a time.
    public func exportLedger(_ filter: LedgerFilter, _ emit: @Sendable (String) async throws -> Void) async throws {
        try await emit(CSV.byteOrderMark + CSV.line(Self.ledgerColumns))
        let stock = Stock(store)
        var after = 0
        while true {
            let chunk = try await stock.ledgerChunk(filter, after: after, limit: 1000)
            guard let last = chunk.last else { return }
            var text = ""
            for e in chunk {
                func n(_ x: Double) -> String { Quantity.text(Quantity.milli(units: x)) }
                text += CSV.line([
                    "\(e.id)", Timestamp.format(e.at), e.kind.rawValue, e.partNumber, e.warehouseCode, n(e.onHand),
                    n(e.reserved), n(e.inTransit), n(e.inspecting), e.serial ?? "", e.faultySerial ?? "",
                    e.expiresOn ?? "", e.unitCost.map(String.init) ?? "",
                    e.counterpartWarehouseId.map(String.init) ?? "",
                    e.requisitionId.map(String.init) ?? "", e.visitId.map(String.init) ?? "",
                    e.purchaseOrderId.map(String.init) ?? "", e.transferId.map(String.init) ?? "",
                    e.stocktakeId.map(String.init) ?? "", e.correctsId.map(String.init) ?? "", e.reason ?? "", e.actor,
                ])
            }
            try await emit(text)
            after = last.id
        }
    }
}
