import AftercareStore
import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Vapor

struct StoreSettingsKey: StorageKey {
    typealias Value = StoreSettings
}

/// What every request's `Store` shares: the engine, the SQLite writer gate and the numbering zone.
struct StoreSettings: Sendable {
    var kind: DatabaseKind
    var gate: WriteGate?
    var timeZone: TimeZone
}

extension Application {
    /// The store on the application's database, for commands and start-up work.
    public var store: Store {
        let settings = storage[StoreSettingsKey.self]!
        return Store(database: db, kind: settings.kind, gate: settings.gate, timeZone: settings.timeZone)
    }
}

extension Request {
    /// Who is acting, for the audit trail: every API caller is `api` until accounts arrive (issue 3).
    var actor: Actor { Actor(name: "api") }

    /// The store on this request's database connection pool.
    var store: Store {
        let settings = application.storage[StoreSettingsKey.self]!
        return Store(database: db, kind: settings.kind, gate: settings.gate, timeZone: settings.timeZone)
    }
}

/// The one composition root (DESIGN 10): databases, migrations, JSON coding, errors, routes, commands.
public func configure(_ app: Application, config: AppConfig) async throws {
    switch config.database {
    case .sqlite(let path):
        app.databases.use(.sqlite(.file(path), sqlLogLevel: nil), as: .sqlite)
        app.storage[StoreSettingsKey.self] = StoreSettings(kind: .sqlite, gate: WriteGate(), timeZone: config.timeZone)
    case .sqliteMemory:
        app.databases.use(.sqlite(.memory, sqlLogLevel: nil), as: .sqlite)
        app.storage[StoreSettingsKey.self] = StoreSettings(kind: .sqlite, gate: WriteGate(), timeZone: config.timeZone)
    case .postgres(let url):
        try app.databases.use(.postgres(url: url, maxConnectionsPerEventLoop: 8), as: .psql)
        app.storage[StoreSettingsKey.self] = StoreSettings(kind: .postgres, gate: nil, timeZone: config.timeZone)
    }
    app.migrations.add(AftercareMigrations.all)
    if case .sqlite = config.database {
        try await preparePragmas(app)
    }

    let encoder = JSONEncoder()
    encoder.dateEncodingStrategy = .custom { date, encoder in
        var c = encoder.singleValueContainer()
        try c.encode(Timestamp.format(date))
    }
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    ContentConfiguration.global.use(encoder: encoder, for: .json)

    app.routes.defaultMaxBodySize = "1mb"
    app.middleware = Middlewares()
    app.middleware.use(APIErrorMiddleware())
    try routes(app)

    app.asyncCommands.use(MigrateCommand(), as: "migrate")
    app.asyncCommands.use(DemoCommand(), as: "demo")
    app.asyncCommands.use(ImportCommand(), as: "import")
    app.asyncCommands.use(ExportCommand(), as: "export")
}

/// durability on SQLite: write-ahead log, a full sync on every commit, foreign keys enforced, on
/// every pooled connection.
private func preparePragmas(_ app: Application) async throws {
    for eventLoop in app.eventLoopGroup.makeIterator() {
        let db = app.databases.database(.sqlite, logger: app.logger, on: eventLoop)! as! any SQLDatabase
        try await db.raw("PRAGMA journal_mode=WAL").run()
        try await db.raw("PRAGMA synchronous=FULL").run()
        try await db.raw("PRAGMA foreign_keys=ON").run()
    }
}
