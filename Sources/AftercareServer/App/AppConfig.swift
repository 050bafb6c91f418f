import Foundation

/// Everything the server reads from the environment, read once at start-up (DESIGN 10).
public struct AppConfig: Sendable, Equatable {
    public enum DatabaseChoice: Sendable, Equatable {
        /// An SQLite file (WAL, synchronous=FULL, foreign keys on).
        case sqlite(path: String)
        /// A private in-memory SQLite database, for tests.
        case sqliteMemory
        /// PostgreSQL, the production database.
        case postgres(url: String)
    }

    public var database: DatabaseChoice
    /// The zone whose calendar year numbers service requests.
    public var timeZone: TimeZone

    public init(database: DatabaseChoice, timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai")!) {
        self.database = database
        self.timeZone = timeZone
    }

    /// A setting that is present but unusable; start-up stops with this message.
    public struct Invalid: Error, CustomStringConvertible {
        public var name: String
        public var reason: String
        public var description: String { "configuration: \(name) \(reason)" }
    }

    /// `DATABASE_URL=postgres://…` selects PostgreSQL; otherwise SQLite at `SQLITE_PATH` (default
    /// `aftercare.sqlite` in the working directory). `AFTERCARE_TIME_ZONE` sets the numbering zone.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws
        -> AppConfig
    {
        var config = AppConfig(database: .sqlite(path: "aftercare.sqlite"))
        if let url = env["DATABASE_URL"], !url.isEmpty {
            guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://"), URL(string: url)?.host != nil else {
                throw Invalid(name: "DATABASE_URL", reason: "must be postgres://user:password@host:port/database")
            }
            config.database = .postgres(url: url)
        } else if let path = env["SQLITE_PATH"], !path.isEmpty {
            config.database = .sqlite(path: path)
        }
        if let zone = env["AFTERCARE_TIME_ZONE"], !zone.isEmpty {
            guard let timeZone = TimeZone(identifier: zone) else {
                throw Invalid(name: "AFTERCARE_TIME_ZONE", reason: "must be an IANA time zone such as Asia/Shanghai")
            }
            config.timeZone = timeZone
        }
        return config
    }
}
