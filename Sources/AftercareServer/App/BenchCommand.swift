import AftercareDispatch
import AftercareStore
import Foundation
import Vapor

/// `aftercare bench vrptw --dir D --seconds S [--objective distance|hierarchical] [--csv] [--solutions DIR]
/// [--seed N] [--threads N]` and `aftercare bench day [--seconds S] [--seed N] [--threads N]`.
///
/// `vrptw` solves every Solomon file in the folder within the time limit (one core unless `--threads`), checks each
/// result with the independent checker and compares it with `bks.csv` in the matching convention (distance: DIMACS,
/// hierarchical: exact Euclidean). `day` plans the realistic 300-visit, 20-engineer day and times emergency
/// insertions. Neither touches the database. `aftercare bench stock [--entries N] [--parts N]` measures the stock
/// ledger on the configured database (see `StockBench`); `aftercare bench billing [--entries N]` issues and pays N
/// fee documents (see `BillingBench`); `aftercare bench returns [--entries N]` reads the depot board and the
/// nonconformity table with N return cases (see `ReturnBench`); `aftercare bench voice [--entries N]` reads the complaint
/// statistics and survey results with N complaints and ten times as many answers, and answers through a survey link
/// (see `VoiceBench`).
struct BenchCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "benchmark", help: "vrptw (Solomon instances) or day (the realistic day)")
        var benchmark: String
        @Option(name: "dir", help: "vrptw: the folder with the Solomon files and bks.csv")
        var dir: String?
        @Option(name: "seconds", help: "time limit per instance in seconds (default 10)")
        var seconds: String?
        @Option(name: "objective", help: "vrptw: distance (default, DIMACS convention) or hierarchical")
        var objective: String?
        @Flag(name: "csv", help: "vrptw: one CSV row per instance")
        var csv: Bool
        @Option(name: "solutions", help: "vrptw: write NAME.txt route sets into this folder")
        var solutions: String?
        @Option(name: "seed", help: "random seed (default 1)")
        var seed: String?
        @Option(name: "threads", help: "parallel searches per instance (default 1)")
        var threads: String?
        @Option(
            name: "entries",
            help:
                "stock: ledger entries (default 10000000); billing: jobs (2000); returns: cases (100000); voice: complaints (50000)"
        )
        var entries: String?
        @Option(name: "parts", help: "stock: parts in the stocktake warehouse (default 20000)")
        var parts: String?
    }

    var help: String {
        "Benchmarks the route optimiser (vrptw: Solomon instances; day: a realistic day) or the stock ledger (stock)."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let console = context.console
        func fail(_ message: String) throws -> Never {
            console.error(message)
            throw ExitCode(1)
        }
        let seconds = Double(signature.seconds ?? "10") ?? -1
        guard seconds > 0 && seconds <= 86_400 else { try fail("--seconds must be a number of seconds above 0") }
        guard let seed = UInt64(signature.seed ?? "1") else { try fail("--seed must be a non-negative integer") }
        guard let threads = Int(signature.threads ?? "1"), (1...256).contains(threads) else {
            try fail("--threads must be an integer from 1 to 256")
        }
        switch signature.benchmark {
        case "vrptw":
            try runSolomon(console: console, signature: signature, seconds: seconds, seed: seed, threads: threads)
        case "day":
            let report = RealisticDay.run(seconds: seconds, seed: seed, threads: threads)
            console.print(report.description)
            if !report.violations.isEmpty || !report.insertsFeasible { throw ExitCode(1) }
        case "stock":
            guard let entries = Int(signature.entries ?? "10000000"), entries > 0,
                let parts = Int(signature.parts ?? "20000"), (200...1_000_000).contains(parts)
            else { try fail("--entries must be a positive integer and --parts from 200 to 1000000") }
            try await context.application.autoMigrate()
            do {
                try await StockBench.run(store: context.application.store, entries: entries, partCount: parts) {
                    console.print($0)
                }
            } catch let error as StockBench.Unprepared {
                try fail(error.description)
            }
        case "billing":
            guard let jobs = Int(signature.entries ?? "2000"), (2...1_000_000).contains(jobs) else {
                try fail("--entries (the jobs to bill) must be an integer from 2 to 1000000")
            }
            try await context.application.autoMigrate()
            do {
                try await BillingBench.run(store: context.application.store, jobs: jobs) { console.print($0) }
            } catch let error as BillingBench.Unprepared {
                try fail(error.description)
            }
        case "returns":
            guard let cases = Int(signature.entries ?? "100000"), (1...10_000_000).contains(cases) else {
                try fail("--entries (the return cases) must be an integer from 1 to 10000000")
            }
            try await context.application.autoMigrate()
            do {
                try await ReturnBench.run(store: context.application.store, cases: cases) { console.print($0) }
            } catch let error as ReturnBench.Unprepared {
                try fail(error.description)
            }
        case "voice":
            guard let complaints = Int(signature.entries ?? "50000"), (1...1_000_000).contains(complaints) else {
                try fail(
                    "--entries (the complaints; ten times as many survey answers) must be an integer from 1 to 1000000")
            }
            try await context.application.autoMigrate()
            do {
                try await VoiceBench.run(store: context.application.store, complaints: complaints) { console.print($0) }
            } catch let error as VoiceBench.Unprepared {
                try fail(error.description)
            }
        default:
            try fail("unknown benchmark \(signature.benchmark): use vrptw, day, stock, billing, returns or voice")
        }
    }

    private func runSolomon(
        console: any Console, signature: Signature, seconds: Double, seed: UInt64, threads: Int
    ) throws {
        guard let dir = signature.dir else {
            console.error("--dir is required: the folder with the Solomon files and bks.csv")
            throw ExitCode(1)
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else {
            console.error("\(dir) is not a folder")
            throw ExitCode(1)
        }
        guard let objective = RoutingObjective(rawValue: signature.objective ?? "distance") else {
            console.error("--objective must be distance or hierarchical")
            throw ExitCode(1)
        }
        if SolomonBenchmark.instances(in: dir).isEmpty {
            console.error("no Solomon instance files (*.txt) in \(dir)")
            throw ExitCode(1)
        }
        if let folder = signature.solutions {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                console.error("cannot create \(folder): \(error)")
                throw ExitCode(1)
            }
        }
        let convention = SolomonBenchmark.convention(for: objective)
        if signature.csv {
            console.print("instance,vehicles,distance,bks_distance,gap_percent,seconds,feasible")
        } else {
            console.print(
                "vrptw: objective \(objective.rawValue) (\(convention.rawValue) convention), \(seconds) s per instance, "
                    + "seed \(seed), threads \(threads)")
            console.print(SolomonBenchmark.header)
        }
        let csv = signature.csv
        let rows = SolomonBenchmark.run(
            directory: dir, seconds: seconds, objective: objective, seed: seed, threads: threads
        ) { row in
            if csv {
                console.print(SolomonBenchmark.csv([row]).split(separator: "\n").dropFirst().joined())
            } else {
                console.print(SolomonBenchmark.line(row))
            }
            if let folder = signature.solutions {
                let text =
                    "Instance name : \(row.instance)\nVehicles : \(row.vehicles)\nDistance : "
                    + String(format: "%.2f", row.distance) + "\nSolution\n" + SolomonSolution.text(row.routes)
                _ = FileManager.default.createFile(
                    atPath: folder + "/" + row.instance + ".txt", contents: Data(text.utf8))
            }
        }
        if !csv { console.print(SolomonBenchmark.summary(rows)) }
        if rows.contains(where: { !$0.feasible }) { throw ExitCode(1) }
    }
}
