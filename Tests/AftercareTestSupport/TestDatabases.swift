import AftercareStore
import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import NIOPosix

/// The databases every store and API test runs on: SQLite always, PostgreSQL when
/// `AFTERCARE_TEST_POSTGRES_URL` is set (CI sets it; see `.ci/run`).
public enum TestDatabase: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite, postgres

    public static var all: [TestDatabase] {
        postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    public static var postgresURL: String? {
        let url = ProcessInfo.processInfo.environment["AFTERCARE_TEST_POSTGRES_URL"]
        return url?.isEmpty == false ? url : nil
    }

    public var description: String { rawValue }

    /// A fresh PostgreSQL database of its own for one test, so tests can run in parallel; returns its URL.
    public static func createPostgresDatabase() async throws -> (url: String, drop: @Sendable () async throws -> Void) {
        let admin = postgresURL!
        let name = "aftercare_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try await withDatabases(.postgres(url: admin)) { db in
            try await (db as! any SQLDatabase).raw("CREATE DATABASE \(unsafeRaw: name)").run()
        }
        var components = URLComponents(string: admin)!
        components.path = "/" + name
        // A backend the test role may not terminate (an autovacuum worker on the new database) makes the forced
        // drop fail now and then; it is retried, and a database that still will not go is left to the throwaway
        // cluster rather than turned into the failure of a test that passed.
        let drop: @Sendable () async throws -> Void = {
            for attempt in 1...5 {
                do {
                    try await withDatabases(.postgres(url: admin)) { db in
                        try await (db as! any SQLDatabase).raw(
                            "DROP DATABASE IF EXISTS \(unsafeRaw: name) WITH (FORCE)"
                        )
                        .run()
                    }
                    return
                } catch {
                    if attempt == 5 { return }
                    try await Task.sleep(for: .milliseconds(300 * attempt))
                }
            }
        }
        return (components.string!, drop)
    }

    static func withDatabases(
        _ factory: DatabaseConfigurationFactory, _ body: (any Database) async throws -> Void
    ) async throws {
        let databases = Databases(threadPool: NIOThreadPool.singleton, on: MultiThreadedEventLoopGroup.singleton)
        databases.use(factory, as: .init(string: "admin"))
        defer { Task { await databases.shutdownAsync() } }
        let db = databases.database(
            .init(string: "admin"), logger: Logger(label: "test"), on: MultiThreadedEventLoopGroup.singleton.any())!
        try await body(db)
    }

    /// Runs `body` with a migrated, empty store on this database, then throws the database away.
    public func withStore(
        timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai")!,
        clock: @escaping @Sendable () -> Date = Store.systemClock,
        _ body: (Store) async throws -> Void
    ) async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let databases = Databases(threadPool: NIOThreadPool.singleton, on: group)
        var drop: (@Sendable () async throws -> Void)?
        switch self {
        case .sqlite:
            databases.use(.sqlite(.memory, sqlLogLevel: nil), as: .sqlite)
        case .postgres:
            let created = try await Self.createPostgresDatabase()
            drop = created.drop
            databases.use(
                try .postgres(url: created.url, maxConnectionsPerEventLoop: 8, connectionPoolTimeout: .seconds(60)),
                as: .psql)
        }
        let logger = Logger(label: "test")
        let migrations = Migrations()
        migrations.add(AftercareMigrations.all)
        let migrator = Migrator(databases: databases, migrations: migrations, logger: logger, on: group.any())
        do {
            try await migrator.setupIfNeeded().get()
            try await migrator.prepareBatch().get()
            let db = databases.database(logger: logger, on: group.any())!
            let store = Store(
                database: db, kind: self == .sqlite ? .sqlite : .postgres, gate: self == .sqlite ? WriteGate() : nil,
                timeZone: timeZone, clock: clock)
            try await body(store)
        } catch {
            await databases.shutdownAsync()
            try await drop?()
            throw error
        }
        await databases.shutdownAsync()
        try await drop?()
    }
}

/// Small records every test needs: a headquarters, a branch, a customer with a phone, a model, a unit.
public struct Fixture: Sendable {
    public var headquarters: OrgUnitRecord.View
    public var branch: OrgUnitRecord.View
    public var customer: CustomerRecord.View
    public var model: ProductModelRecord.View
    public var unit: UnitRecord.View

    public static func make(_ store: Store, serial: String = "SN-0001") async throws -> Fixture {
        let actor = Actor(name: "test")
        let hq = try await Records<OrgUnitRecord>(store).create(
            .init(code: "HQ", name: "总部", kind: .headquarters), by: actor)
        let branch = try await Records<OrgUnitRecord>(store).create(
            .init(code: "BR-EC", name: "华东分公司", kind: .branch, parentId: hq.id), by: actor)
        let customer = try await Records<CustomerRecord>(store).create(
            .init(
                orgUnitId: branch.id, name: "上海仁济医院", kind: .company, tier: .key,
                contacts: [Contact(name: "王先生", phones: ["138-0013-8000"], email: "wang@example.com")]), by: actor)
        let line = try await Records<ProductLineRecord>(store).create(.init(code: "COPIER", name: "复印机"), by: actor)
        let model = try await Records<ProductModelRecord>(store).create(
            .init(
                code: "AC-200", name: "数码复印机 AC-200", productLineId: line.id, warrantyMonths: 12,
                warrantyStartsFrom: .acceptance), by: actor)
        let unit = try await Records<UnitRecord>(store).create(
            .init(
                serialNumber: serial, modelId: model.id, customerId: customer.id,
                dates: .init(
                    sale: .init(iso: "2026-01-05"), delivery: .init(iso: "2026-01-10"),
                    installation: .init(iso: "2026-01-12"), acceptance: .init(iso: "2026-01-15"))), by: actor)
        return Fixture(headquarters: hq, branch: branch, customer: customer, model: model, unit: unit)
    }
}
