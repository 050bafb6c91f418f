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
    }
}

struct ExitCode: Error {
    var code: Int32
    init(_ code: Int32) { self.code = code }
}
