import AftercareStore
import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Leaf
import NIOPosix
import Vapor

struct StoreSettingsKey: StorageKey {
    typealias Value = StoreSettings
}

/// What every request's `Store` shares: the engine, the SQLite writer gate and the numbering zone.
struct StoreSettings: Sendable {
    var kind: DatabaseKind
    var gate: WriteGate?
    var timeZone: TimeZone
    /// where kept files live.
    var vault: FileVault = .temporary
}

extension Application {
    /// The store on the application's database, for commands and start-up work.
    public var store: Store {
        let settings = storage[StoreSettingsKey.self]!
        return Store(database: db, kind: settings.kind, gate: settings.gate, timeZone: settings.timeZone)
    }
}

extension Application {
    /// where this server keeps files.
    var vault: FileVault { storage[StoreSettingsKey.self]!.vault }
}

extension Request {
    /// the conversations of requests, with this server's kept files, seen within the caller's scope.
    var conversations: Conversations { Conversations(store, vault: application.vault) }

    /// service reports, with this server's kept files, seen within the caller's scope.
    var reports: ServiceReports { ServiceReports(store, vault: application.vault) }

    /// the photos of return cases, with this server's kept files, seen within the caller's scope.
    var returnPhotos: ReturnPhotos { ReturnPhotos(store, vault: application.vault) }

    /// Who is acting, for the audit trail: the signed-in user (routes that write require one).
    var actor: Actor { principal?.actor ?? Actor(name: "anonymous") }

    /// The store on this request's database connection pool, seen within the caller's scope: every
    /// read and write through it is narrowed to what the caller may see. Before sign-in it sees nothing scoped.
    var store: Store {
        let settings = application.storage[StoreSettingsKey.self]!
        let store = Store(database: db, kind: settings.kind, gate: settings.gate, timeZone: settings.timeZone)
        return store.seen(within: principal?.scope ?? .customer(id: 0))
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
    app.storage[StoreSettingsKey.self]?.vault = FileVault(directory: config.effectiveDataDirectory)
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

    // Pages: Leaf templates and the four catalogues from the package's `Resources`, static files from `Public`.
    let resources = ResourceDirectory.root()
    app.directory = DirectoryConfiguration(workingDirectory: resources.path + "/")
    app.views.use(.leaf)
    app.leaf.cache = TemplateCache()
    let catalogue = try Catalogue.load(from: resources.appendingPathComponent("Resources/Locales"))
    app.storage[CatalogueKey.self] = catalogue
    app.leaf.tags["t"] = TranslateTag(catalogue: catalogue)
    app.storage[PageSettingsKey.self] = PageSettings(defaultLanguage: config.defaultLanguage)
    // bcrypt gets threads of its own: on the shared pool a burst of sign-ins would stall SQLite's queries.
    let passwords = NIOThreadPool(numberOfThreads: max(1, System.coreCount / 2))
    passwords.start()
    app.lifecycle.use(ThreadPoolShutdown(pool: passwords))
    app.storage[AuthSettingsKey.self] = AuthSettings(
        hasher: BcryptPasswords(cost: config.bcryptCost, pool: passwords), secureCookies: config.secureCookies,
        trustedProxies: config.trustedProxies,
        signing: SignedTokens(
            key: config.secretKey.map { SymmetricKey(data: SHA256.hash(data: Data($0.utf8))) }
                ?? SymmetricKey(size: .bits256)))

    // webhook deliveries go out through the real HTTP transport, from the sweeps.
    let store = app.store
    let transport = WebhookHTTPTransport()
    app.storage[WebhookSweepKey.self] = { now in
        try await WebhookDeliverySweep(store: store, transport: transport).run(now: now, limit: 200)
    }

    app.useMail(config, catalogue: catalogue)

    app.routes.defaultMaxBodySize = "1mb"
    app.middleware = Middlewares()
    app.middleware.use(RequestLogMiddleware())
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(ErrorPagesMiddleware())
    app.middleware.use(StaticFilesMiddleware(publicDirectory: app.directory.publicDirectory))
    app.middleware.use(AuthenticateMiddleware())
    app.middleware.use(FormReturnMiddleware())
    try routes(app)

    app.asyncCommands.use(MigrateCommand(), as: "migrate")
    app.asyncCommands.use(DemoCommand(), as: "demo")
    app.asyncCommands.use(ImportCommand(), as: "import")
    app.asyncCommands.use(ExportCommand(), as: "export")
    app.asyncCommands.use(UserCommand(), as: "user")
    app.asyncCommands.use(SweepCommand(), as: "sweep")
    app.asyncCommands.use(PlanCommand(), as: "plan")
    app.asyncCommands.use(BenchCommand(), as: "bench")
}

/// Stops a thread pool of ours when the application shuts down.
struct ThreadPoolShutdown: LifecycleHandler {
    let pool: NIOThreadPool

    func shutdownAsync(_ application: Application) async {
        try? await pool.shutdownGracefully()
    }
}

/// The folder that holds `Resources/` and `Public/`: the working directory when it has them (a checkout or an
/// installed copy), else the package this binary was built from.
enum ResourceDirectory {
    static func root() -> URL {
        let working = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        if FileManager.default.fileExists(atPath: working.appendingPathComponent("Resources/Views").path) {
            return working
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }
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
