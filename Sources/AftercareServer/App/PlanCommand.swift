import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// `aftercare plan --unit CODE --date YYYY-MM-DD [--seconds N] [--seed N] [--threads N] [--accept]`: plans a
/// unit's day with the route optimiser (R-4.4), prints each engineer's route and keeps it as a proposal; with
/// `--accept` it is accepted at once.
struct PlanCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "unit", help: "the organisation unit's code (or id)")
        var unit: String?
        @Option(name: "date", help: "the day to plan, YYYY-MM-DD (default today)")
        var date: String?
        @Option(name: "seconds", help: "how long the optimiser may search (default 10)")
        var seconds: Double?
        @Option(name: "seed", help: "the random seed (default 1); the same seed gives the same plan")
        var seed: Int?
        @Option(name: "threads", help: "parallel searches (default: every core)")
        var threads: Int?
        @Flag(name: "accept", help: "accept the plan for every engineer")
        var accept: Bool
    }

    var help: String { "Plans a unit's day of visits with the route optimiser and prints the routes." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let console = context.console
        guard let unitText = signature.unit, !unitText.isEmpty else {
            console.error("--unit is required (an organisation unit's code or id)")
            throw ExitCode(1)
        }
        let store = context.application.store
        let date: CalendarDate
        if let text = signature.date {
            guard let parsed = CalendarDate(iso: text) else {
                console.error("--date must be a date as YYYY-MM-DD")
                throw ExitCode(1)
            }
            date = parsed
        } else {
            date = store.today
        }
        let seconds = signature.seconds ?? 10
        guard (1...120).contains(seconds) else {
            console.error("--seconds must be between 1 and 120")
            throw ExitCode(1)
        }
        let threads = signature.threads ?? ProcessInfo.processInfo.activeProcessorCount
        guard (1...64).contains(threads), (signature.seed ?? 1) >= 0 else {
            console.error("--threads must be between 1 and 64 and --seed not negative")
            throw ExitCode(1)
        }
        try await context.application.autoMigrate()
        guard let unit = try await Records<OrgUnitRecord>(store).find(codeOrId: unitText) else {
            console.error("no organisation unit with code or id \(unitText)")
            throw ExitCode(1)
        }
        let actor = Actor(name: "plan")
        let planning = DispatchPlanning(store)
        let plan: RoutePlanView
        do {
            plan = try await planning.propose(
                orgUnitId: unit.id, date: date, seconds: seconds, seed: UInt64(signature.seed ?? 1), threads: threads,
                by: actor)
        } catch let error as NothingToPlan {
            console.error("nothing to plan: \(error.reason)")
            throw ExitCode(1)
        }
        let clock = DateFormatter()
        clock.timeZone = store.timeZone
        clock.dateFormat = "HH:mm"
        let unitName = unit.name
        console.print(
            "plan \(plan.id) for \(unitName) on \(date): \(plan.routes.count) engineers, "
                + "travel \(plan.travelSeconds / 60) min, searched \(String(format: "%.1f", plan.seconds)) s")
        for route in plan.routes {
            console.print(
                "\(route.engineerName): out \(clock.string(from: route.start)), back \(clock.string(from: route.end)), "
                    + "travel \(route.travelSeconds / 60) min")
            for (index, stop) in route.stops.enumerated() {
                console.print(
                    "  \(index + 1). visit \(stop.visitId): leave \(clock.string(from: stop.departure)), "
                        + "arrive \(clock.string(from: stop.arrival)), work \(clock.string(from: stop.serviceStart))–"
                        + "\(clock.string(from: stop.serviceEnd))")
            }
        }
        for item in plan.unassigned { console.print("not planned: visit \(item.visitId) (\(item.reason))") }
        if signature.accept {
            let accepted = try await planning.accept(plan.id, engineerIds: nil, by: actor)
            console.print("accepted: \(accepted.applied.count) visits assigned, \(accepted.skipped.count) skipped")
        }
    }
}
