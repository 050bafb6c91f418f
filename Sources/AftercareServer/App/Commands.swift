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

/// Ends the command with a non-zero status after it has said why.
struct ExitCode: Error {
    var code: Int32
    init(_ code: Int32) { self.code = code }
}

/// `aftercare import customers|units FILE.csv [--dry-run]`: all rows or none (R-1.5).
struct ImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "kind", help: "customers or units")
        var kind: String
        @Argument(name: "file", help: "a UTF-8 CSV file whose first row names the columns")
        var file: String
        @Flag(name: "dry-run", help: "check every row and write nothing")
        var dryRun: Bool
    }

    var help: String { "Imports customers or units from CSV; any refused row refuses the whole file." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let data = FileManager.default.contents(atPath: signature.file),
            let text = String(data: data, encoding: .utf8)
        else {
            context.console.error("cannot read \(signature.file) as UTF-8 text")
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
            default:
                context.console.error("kind must be customers or units")
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
