import AftercareDomain
import AftercareStore
import Vapor

/// `aftercare migrate`: brings the configured database to the current schema, without asking.
struct MigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Migrates the configured database (SQLITE_PATH or DATABASE_URL)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await context.application.autoMigrate()
        context.console.print("migrated")
    }
}

/// `aftercare demo [--requests N]`: loads the demo data; running it again adds nothing.
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "requests", help: "How many service requests in all (default 1000).")
        var requests: Int?
    }

    var help: String { "Loads demo data into the configured database; --requests N scales the requests." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let requests = signature.requests ?? 1000
        guard (0...20_000_000).contains(requests) else {
            context.console.error("--requests must be between 0 and 20000000")
            throw ExitCode(1)
        }
        try await context.application.autoMigrate()
        let console = context.console
        let began = Date()
        let added = try await DemoData(context.application.store).load(requests: requests) { line in
            console.print(line)
        }
        console.print("demo: \(added) requests added in \(String(format: "%.1f", Date().timeIntervalSince(began))) s")
        let logins = try await DemoUsers.load(
            into: context.application.store, hasher: context.application.storage[AuthSettingsKey.self]!.hasher)
        try await DemoDispatch.load(into: context.application.store)
        try await DemoParts.load(into: context.application.store)
        try await DemoReports.load(into: context.application.store, vault: context.application.vault)
        try await DemoBilling.load(into: context.application.store)
        try await DemoReturns.load(into: context.application.store)
        try await DemoComplaints.load(into: context.application.store)
        try await DemoSurveys.load(into: context.application.store)
        try await DemoVoice.load(into: context.application.store)
        console.print("demo: \(logins.count) logins, password \(DemoUsers.password)")
    }
}

/// Ends the command with a non-zero status after it has said why.
struct ExitCode: Error {
    var code: Int32
    init(_ code: Int32) { self.code = code }
}

/// `aftercare import customers|units|parts|balances FILE.csv [--dry-run] [--valid-rows-only]`: all rows or none
/// (R-1.5); parts and opening balances (R-7) may import the valid rows only when asked.
struct ImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "kind", help: "customers, units, parts (the catalogue) or balances (opening stock)")
        var kind: String
        @Argument(name: "file", help: "a UTF-8 CSV file whose first row names the columns")
        var file: String
        @Flag(name: "dry-run", help: "check every row and write nothing")
        var dryRun: Bool
        @Flag(name: "valid-rows-only", help: "parts, balances: import the valid rows and report the others")
        var validRowsOnly: Bool
    }

    var help: String {
        "Imports customers, units, parts or opening balances from CSV; any refused row refuses the file."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let data = FileManager.default.contents(atPath: signature.file) else {
            context.console.error("cannot read \(signature.file)")
            throw ExitCode(1)
        }
        let text: String
        do {
            text = try CSV.text(utf8: data)
        } catch let error as CSV.ParseError {
            context.console.error("nothing imported: line \(error.line): \(error.reason)")
            throw ExitCode(1)
        }
        try await context.application.autoMigrate()
        let transfer = ArchiveTransfer(context.application.store)
        let actor = Actor(name: "import")
        do {
            let count: Int
            switch signature.kind {
            case "customers": count = try await transfer.importCustomers(text, by: actor, dryRun: signature.dryRun)
            case "units": count = try await transfer.importUnits(text, by: actor, dryRun: signature.dryRun)
            case "parts", "balances":
                let parts = PartsTransfer(context.application.store)
                let mode: ImportMode = signature.validRowsOnly ? .validRowsOnly : .allOrNothing
                let outcome =
                    signature.kind == "parts"
                    ? try await parts.importCatalogue(text, mode: mode, dryRun: signature.dryRun, by: actor)
                    : try await parts.importBalances(text, mode: mode, dryRun: signature.dryRun, by: actor)
                for problem in outcome.problems {
                    context.console.error(
                        "line \(problem.line), \(problem.field): \(problem.problem.message) (skipped)")
                }
                count = outcome.imported
            default:
                context.console.error("kind must be customers, units, parts or balances")
                throw ExitCode(1)
            }
            context.console.print("\(signature.dryRun ? "checked" : "imported") \(count) \(signature.kind)")
        } catch let failed as ImportFailed {
            for problem in failed.problems {
                context.console.error("line \(problem.line), \(problem.field): \(problem.problem.message)")
            }
            context.console.error("nothing imported: \(failed.problems.count) problem(s)")
            throw ExitCode(1)
        }
    }
}

/// `aftercare export customers|units|requests [FILE]`: CSV to a file or standard output (R-1.5).
struct ExportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "kind", help: "customers, units or requests")
        var kind: String
        @Option(name: "output", short: "o", help: "the file to write (default: standard output)")
        var output: String?
    }

    var help: String { "Exports customers, units or requests as CSV." }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await context.application.autoMigrate()
        let transfer = ArchiveTransfer(context.application.store)
        let path = signature.output
        if let path { FileManager.default.createFile(atPath: path, contents: nil) }
        let handle = path.flatMap { FileHandle(forWritingAtPath: $0) } ?? FileHandle.standardOutput
        let emit: @Sendable (String) async throws -> Void = { handle.write(Data($0.utf8)) }
        switch signature.kind {
        case "customers": try await transfer.exportCustomers(emit)
        case "units": try await transfer.exportUnits(emit)
        case "requests": try await transfer.exportRequests(RequestFilter(), emit)
        default:
            context.console.error("kind must be customers, units or requests")
            throw ExitCode(1)
        }
        if path != nil { try handle.close() }
    }
}

/// `aftercare user create --username U --name N --role R[,R…] --unit CODE|ID [--customer ID] [--email E]`:
/// creates a user. The password is read from standard input (one line) with `--password-stdin`, or generated
/// and printed once.
/// `aftercare user token --username U --name N [--days D]`: issues a personal access token for U with all of
/// U's roles and prints it (for scripts and CI; the token is shown this once).
struct UserCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "create")
        var action: String
        @Option(name: "username", help: "The sign-in name.")
        var username: String?
        @Option(name: "name", help: "The display name (default: the username).")
        var name: String?
        @Option(name: "role", help: "One role or several, comma-separated, e.g. hotlineAgent,dispatcher.")
        var role: String?
        @Option(name: "unit", help: "The organisation unit, by code or id.")
        var unit: String?
        @Option(name: "customer", help: "The customer id of a customer account.")
        var customer: Int?
        @Option(name: "email", help: "The email address.")
        var email: String?
        @Flag(name: "password-stdin", help: "Read the password from standard input.")
        var passwordStdin: Bool
        @Option(name: "days", help: "token: days until the token expires (default: never).")
        var days: Int?
    }

    var help: String { "Creates a user: user create --username U --role R --unit CODE [--password-stdin]" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        let store = app.store
        let accounts = Accounts(store, hasher: app.storage[AuthSettingsKey.self]!.hasher)
        switch signature.action {
        case "create": break
        case "token":
            guard let principal = try await accounts.principal(username: signature.username ?? "") else {
                context.console.error("username: no active user \(signature.username ?? "")")
                throw ExitCode(1)
            }
            do {
                let made = try await accounts.createToken(
                    for: principal, name: signature.name ?? "cli", roles: nil, expiresInDays: signature.days)
                context.console.print(made.secret)
            } catch let error as ValidationError {
                try Self.fail(error, context)
            }
            return
        default:
            context.console.error("action: must be create or token")
            throw ExitCode(2)
        }
        var unitId: Int?
        if let unit = signature.unit {
            unitId =
                try await store.sql.select().column("id").from("org_units").where("code", .equal, unit).first(
                    decodingColumn: "id", as: Int.self) ?? Int(unit)
        }
        let roles = (signature.role ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let unknown = roles.filter { Role(rawValue: $0) == nil }
        guard unknown.isEmpty else {
            context.console.error(
                "role: unknown \(unknown.joined(separator: ", ")); allowed: \(Role.allowedValues.joined(separator: ", "))"
            )
            throw ExitCode(2)
        }
        var password = Secret.make().text.prefix(16).description
        var generated = true
        if signature.passwordStdin {
            password = readLine(strippingNewline: true) ?? ""
            generated = false
        }
        let username = signature.username ?? ""
        let input = UserRecord.Input(
            username: username, email: signature.email, displayName: signature.name ?? username,
            roles: roles.compactMap(Role.init), orgUnitId: unitId ?? 0, customerId: signature.customer)
        do {
            let user = try await accounts.create(input, password: password, by: Actor(name: "cli"))
            context.console.print("user \(user.username) created (id \(user.id))")
            if generated { context.console.print("password (shown once): \(password)") }
        } catch let error as ValidationError {
            try Self.fail(error, context)
        }
    }

    /// Names each refused field, then ends the command with status 1.
    static func fail(_ error: ValidationError, _ context: CommandContext) throws -> Never {
        for (field, problem) in error.fields.sorted(by: { $0.key < $1.key }) {
            context.console.error("\(field): \(problem.message)")
        }
        throw ExitCode(1)
    }
}
