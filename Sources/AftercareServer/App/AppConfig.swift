import AftercareDomain
import AftercareStore
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
    /// bcrypt's cost: 2^cost rounds. Chosen so that one sign-in costs well under 100 ms here (see Benchmarks).
    public var bcryptCost: Int
    /// The language of pages when neither the user nor the browser names one of ours.
    public var defaultLanguage: Language
    /// Mark cookies `Secure`: set when the server is reached through TLS.
    public var secureCookies: Bool
    /// Seconds between two passes of the background sweeps inside `serve`; 0 leaves them to `aftercare sweep`.
    public var sweepInterval: Int = 30
    /// The reverse proxies whose `X-Forwarded-For`, `Forwarded` and `X-Forwarded-Proto` are believed.
    public var trustedProxies = TrustedProxies()
    /// The key that signs pre-sign-in CSRF tokens and known-device cookies; `nil` makes a random one per process
    /// (several servers behind one balancer need the same key).
    public var secretKey: String?
    /// Where kept files (attachments) live: `AFTERCARE_DATA_DIR`; by default `aftercare-data` beside the SQLite
    /// file, in the working directory for PostgreSQL, and a temporary directory for an in-memory database.
    public var dataDirectory: URL?
    /// the mail server that sends the outbox (`AFTERCARE_SMTP_URL`); without one, messages are held in the
    /// outbox for administrators to read.
    public var smtpURL: String?
    /// The address mail to customers comes from and their answers go to (`AFTERCARE_MAIL_FROM`).
    public var mailFrom = "service@aftercare.localhost"
    /// The name shown with that address (`AFTERCARE_MAIL_NAME`).
    public var mailName = "Aftercare"
    /// The secret the mail gateway presents (`AFTERCARE_MAILGATE_TOKEN`, at least 24 characters); without it the
    /// gateway's endpoint answers 404.
    public var mailgateToken: String?
    /// The unit, by code, that owns customers made from unknown senders (`AFTERCARE_MAIL_UNIT`); the top unit by
    /// default.
    public var mailUnitCode: String?

    /// The data directory in effect.
    public var effectiveDataDirectory: URL {
        if let dataDirectory { return dataDirectory }
        switch database {
        case .sqlite(let path):
            return URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("aftercare-data")
        case .postgres:
            return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(
                "aftercare-data")
        case .sqliteMemory: return FileVault.temporary.directory
        }
    }

    public init(
        database: DatabaseChoice, timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai")!, bcryptCost: Int = 10,
        defaultLanguage: Language = .zhHans, secureCookies: Bool = false
    ) {
        self.database = database
        self.timeZone = timeZone
        self.bcryptCost = bcryptCost
        self.defaultLanguage = defaultLanguage
        self.secureCookies = secureCookies
    }

    /// A setting that is present but unusable; start-up stops with this message.
    public struct Invalid: Error, CustomStringConvertible {
        public var name: String
        public var reason: String
        public var description: String { "configuration: \(name) \(reason)" }
    }

    /// `DATABASE_URL=postgres://…` selects PostgreSQL; otherwise SQLite at `SQLITE_PATH` (default
    /// `aftercare.sqlite` in the working directory). `AFTERCARE_TIME_ZONE` sets the numbering zone,
    /// `AFTERCARE_BCRYPT_COST` the password hashing cost, `AFTERCARE_LANGUAGE` the default page language and
    /// `AFTERCARE_SECURE_COOKIES=1` marks cookies Secure (behind TLS), `AFTERCARE_TRUSTED_PROXIES` lists the
    /// reverse proxies (addresses or CIDR ranges) whose forwarding header (`AFTERCARE_FORWARDED_HEADER`:
    /// `x-forwarded-for`, the default, or `forwarded`) names the client, and
    /// `AFTERCARE_SECRET_KEY` (at least 32 characters) is the signing key shared by every server.
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
        if let text = env["AFTERCARE_BCRYPT_COST"], !text.isEmpty {
            guard let cost = Int(text), (4...16).contains(cost) else {
                throw Invalid(name: "AFTERCARE_BCRYPT_COST", reason: "must be a whole number from 4 to 16")
            }
            config.bcryptCost = cost
        }
        if let text = env["AFTERCARE_LANGUAGE"], !text.isEmpty {
            guard let language = Language(rawValue: text) else {
                throw Invalid(name: "AFTERCARE_LANGUAGE", reason: "must be one of zh-Hans, zh-Hant, en, es")
            }
            config.defaultLanguage = language
        }
        if let text = env["AFTERCARE_SECURE_COOKIES"], !text.isEmpty {
            guard ["0", "1"].contains(text) else {
                throw Invalid(name: "AFTERCARE_SECURE_COOKIES", reason: "must be 0 or 1")
            }
            config.secureCookies = text == "1"
        }
        var header = TrustedProxies.Header.xForwardedFor
        if let text = env["AFTERCARE_FORWARDED_HEADER"], !text.isEmpty {
            guard let chosen = TrustedProxies.Header(rawValue: text.lowercased()) else {
                throw Invalid(name: "AFTERCARE_FORWARDED_HEADER", reason: "must be x-forwarded-for or forwarded")
            }
            header = chosen
        }
        if let text = env["AFTERCARE_TRUSTED_PROXIES"], !text.isEmpty {
            do {
                config.trustedProxies = try TrustedProxies.parse(text, header: header)
            } catch let error as TrustedProxies.InvalidEntry {
                throw Invalid(
                    name: "AFTERCARE_TRUSTED_PROXIES",
                    reason: "must list addresses or CIDR ranges such as 127.0.0.1, 10.0.0.0/8, ::1; "
                        + "\"\(error.entry.prefix(60))\" is neither")
            }
        }
        if let text = env["AFTERCARE_SECRET_KEY"], !text.isEmpty {
            guard text.count >= 32 else {
                throw Invalid(name: "AFTERCARE_SECRET_KEY", reason: "must be at least 32 characters")
            }
            config.secretKey = text
        }
        if let text = env["AFTERCARE_DATA_DIR"], !text.isEmpty {
            config.dataDirectory = URL(fileURLWithPath: text, isDirectory: true)
        }
        if let text = env["AFTERCARE_SMTP_URL"], !text.isEmpty {
            if case .failure(let invalid) = SMTPTransport.parse(text, heloName: "localhost") { throw invalid }
            config.smtpURL = text
        }
        if let text = env["AFTERCARE_MAIL_FROM"], !text.isEmpty {
            guard CustomerRecord.looksLikeEmail(text) else {
                throw Invalid(
                    name: "AFTERCARE_MAIL_FROM", reason: "must be an e-mail address such as service@example.com")
            }
            config.mailFrom = text.lowercased()
        }
        if let text = env["AFTERCARE_MAIL_NAME"], !text.isEmpty { config.mailName = text }
        if let text = env["AFTERCARE_MAILGATE_TOKEN"], !text.isEmpty {
            guard text.count >= 24 else {
                throw Invalid(name: "AFTERCARE_MAILGATE_TOKEN", reason: "must be at least 24 characters")
            }
            config.mailgateToken = text
        }
        if let text = env["AFTERCARE_MAIL_UNIT"], !text.isEmpty { config.mailUnitCode = text }
        if let text = env["AFTERCARE_SWEEP_INTERVAL"], !text.isEmpty {
            guard let seconds = Int(text), (0...86_400).contains(seconds) else {
                throw Invalid(name: "AFTERCARE_SWEEP_INTERVAL", reason: "must be seconds from 0 to 86400")
            }
            config.sweepInterval = seconds
        }
        return config
    }
}
