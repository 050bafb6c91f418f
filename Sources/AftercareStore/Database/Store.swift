import AftercareDomain
import FluentKit
import Foundation
import SQLKit

/// Which database engine holds the data.
public enum DatabaseKind: String, Sendable {
    case sqlite, postgres
}

/// Who is doing something, for the audit trail. Accounts arrive with the people-and-pages issue.
public struct Actor: Sendable, Equatable, Codable {
    public var name: String

    public init(name: String) {
        self.name = name
    }

    public static let system = Actor(name: "system")
}

/// The entry point to the data: a database handle, its kind, the clock, and the writer gate.
///
/// Every write runs as one transaction (DESIGN: one use case, one transaction). On SQLite the writes of this
/// process go through one gate, so concurrent requests queue instead of failing with `SQLITE_BUSY`;
/// PostgreSQL takes them in parallel and relies on row locks.
public struct Store: Sendable {
    public let database: any Database
    public let kind: DatabaseKind
    public let timeZone: TimeZone
    let gate: WriteGate?
    var clock: @Sendable () -> Date
    /// what the caller may see. Every read and write of scoped records is narrowed to it.
    public private(set) var scope: Scope = .everything

    public init(
        database: any Database, kind: DatabaseKind, gate: WriteGate?, timeZone: TimeZone,
        clock: @escaping @Sendable () -> Date = Store.systemClock
    ) {
        self.database = database
        self.kind = kind
        self.gate = gate
        self.timeZone = timeZone
        self.clock = clock
    }

    /// The same store, seen by someone who may see only `scope`.
    public func seen(within scope: Scope) -> Store {
        var copy = self
        copy.scope = scope
        return copy
    }

    /// The same store on another clock (tests of time-bound rules: lockouts, link expiry).
    public func withClock(_ clock: @escaping @Sendable () -> Date) -> Store {
        var copy = self
        copy.clock = clock
        return copy
    }

    /// The current instant, to the millisecond, so that what is stored reads back equal on both databases.
    public var now: Date {
        let t = clock().timeIntervalSince1970
        return Date(timeIntervalSince1970: (t * 1000).rounded(.down) / 1000)
    }

    /// Today in the deployment's time zone.
    public var today: CalendarDate { CalendarDate(now, in: timeZone) }

    public static let systemClock: @Sendable () -> Date = { Date() }

    /// The database for reads.
    public var sql: any SQLDatabase { database as! any SQLDatabase }

    /// Runs `body` in one transaction: all of it is written or none of it.
    public func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let run: @Sendable () async throws -> T = {
            try await database.transaction { db in try await body(db as! any SQLDatabase) }
        }
        if let gate { return try await gate.run(run) }
        return try await run()
    }
}

/// A first-in, first-out lock for the one SQLite writer.
public actor WriteGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init() {}

    private func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty {
            busy = false
        } else {
            waiters.removeFirst().resume()
        }
    }

    /// Runs `body` alone.
    public func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        do {
            let result = try await body()
            release()
            return result
        } catch {
            release()
            throw error
        }
    }
}

/// Row coding shared by every table: snake_case columns, NULL written for nil on update.
///
/// The column names are computed by `SnakeCaseKey` rather than SQLKit's snake-case strategies, which look up
/// Unicode properties for every character of every key of every row: a quarter of the time of a list page.
enum RowCoding {
    static let decoder = SQLRowDecoder(keyDecodingStrategy: .custom({ SnakeCaseKey($0.last!) }))
    static let encoder = SQLQueryEncoder(
        keyEncodingStrategy: .custom({ SnakeCaseKey($0.last!) }), nilEncodingStrategy: .asNil)
}

/// `warrantyStartsFrom` → `warranty_starts_from`; our property names are ASCII.
struct SnakeCaseKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ key: any CodingKey) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(key.stringValue.utf8.count + 4)
        for byte in key.stringValue.utf8 {
            if (65...90).contains(byte) {
                bytes.append(95)
                bytes.append(byte + 32)
            } else {
                bytes.append(byte)
            }
        }
        stringValue = String(decoding: bytes, as: UTF8.self)
    }

    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// JSON text columns (contacts, before/after images) are written with sorted keys so they compare stably.
enum JSONText {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(Timestamp.format(date))
        }
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// `decode`, remembering the result for the same text: for configuration read on every write (policies,
    /// calendars), whose JSON rarely changes. Keyed by the text itself, so a changed row is decoded anew.
    static func decodeRemembered<T: Decodable & Sendable>(_ type: T.Type, from text: String) throws -> T {
        let key = "\(T.self)|" + text
        if let known = RememberedJSON.shared.value(for: key) as? T { return known }
        let value = try decode(type, from: text)
        RememberedJSON.shared.remember(value, for: key)
        return value
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "bad instant"))
            }
            return date
        }
        return try decoder.decode(T.self, from: Data(text.utf8))
    }
}

/// Instants in the API: ISO 8601 in UTC with milliseconds, `2026-11-23T08:00:00.000Z`.
public enum Timestamp {
    public static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    public static func parse(_ text: String) -> Date? {
        (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
            ?? (try? Date(text, strategy: Date.ISO8601FormatStyle()))
    }
}

/// The values `JSONText.decodeRemembered` has decoded, at most 512 (then it starts again).
final class RememberedJSON: @unchecked Sendable {
    static let shared = RememberedJSON()
    private let lock = NSLock()
    private var values: [String: any Sendable] = [:]

    func value(for key: String) -> (any Sendable)? {
        lock.lock()
        defer { lock.unlock() }
        return values[key]
    }

    func remember(_ value: any Sendable, for key: String) {
        lock.lock()
        defer { lock.unlock() }
        if values.count >= 512 { values.removeAll(keepingCapacity: true) }
        values[key] = value
    }
}

extension Store {
    /// Answers when the database does (the health check).
    public func ping() async throws {
        _ = try await sql.raw("SELECT 1 AS ok").first()
    }
}
