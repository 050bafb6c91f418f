import Foundation

private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [(best: Individual?, any: Individual?, iterations: Int)]

    init(_ count: Int) { results = Array(repeating: (nil, nil, 0), count: count) }

    func set(_ index: Int, _ value: (best: Individual?, any: Individual?, iterations: Int)) {
        lock.lock()
        results[index] = value
        lock.unlock()
    }

    var all: [(best: Individual?, any: Individual?, iterations: Int)] {
        lock.lock()
        defer { lock.unlock() }
        return results
    }
}

/// Plans the day: a hybrid genetic search (see ``HybridGeneticSearch``) within the options' limits.
///
/// Deterministic for a given (seed, threads) when the iteration limit ends the run; with a wall-clock limit the
/// result depends on how many iterations fit in the time. With `threads > 1`, independent searches with derived
/// seeds run in parallel and the best plan wins. Mandatory visits that no vehicle can serve, or that cannot fit
/// into any feasible plan the search found, are listed as unassigned with a reason; the returned routes always
/// respect windows, shifts, skills, pins, capacity and visit limits.
public func solve(_ problem: RoutingProblem, options: SolverOptions) -> RoutingPlan {
    let deadline = ContinuousClock.now + .milliseconds(Int(max(0, options.timeLimit) * 1000))
    let inst = Compiled(problem, options: options)
    let threads = max(1, options.threads)
    let box = ResultBox(threads)
    let hierarchical = options.objective == .hierarchical
    let work: @Sendable (Int) -> Void = { index in
        let seed = options.seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15
        let search = HybridGeneticSearch(inst, seed: seed, hierarchical: hierarchical)
        search.run(until: deadline, iterationLimit: options.iterationLimit, stallLimit: options.stallLimit)
        box.set(index, (search.best, search.bestAny, search.iterations))
    }
    if threads == 1 {
        work(0)
    } else {
        DispatchQueue.concurrentPerform(iterations: threads, execute: work)
    }
    let results = box.all
    var chosen: Individual?
    for result in results {
        guard let candidate = result.best else { continue }
        if chosen == nil || candidate.key(hierarchical: hierarchical) < chosen!.key(hierarchical: hierarchical) {
            chosen = candidate
        }
    }
    let iterations = results.reduce(0) { $0 + $1.iterations }
    let routes: [[Int]]
    var failed: [Int] = []
    if let chosen {
        routes = chosen.routes
    } else {
        let fallback = results.compactMap(\.any).min {
            $0.penalised(load: 1000, warp: 1000, fixed: 0) < $1.penalised(load: 1000, warp: 1000, fixed: 0)
        }
        (routes, failed) = RouteRepair.feasible(fallback?.routes ?? Array(repeating: [], count: inst.m), inst)
    }
    return PlanBuilder.plan(problem, inst, routes: routes, failed: failed, options: options, iterations: iterations)
}

/// Inserts an emergency (or any new visit) into an existing plan: cheapest insertion, then a short local search
/// (at most 150 ms or the options' time limit) on the whole plan.
///
/// The visit is added to `problem` (see ``RoutingProblem/adding(_:)``); check the result against that problem.
/// Pinned visits stay on their vehicle and within their windows, and no visit the plan served is dropped unless it
/// is optional and leaving it out is the only way to make room; if the visit cannot be served feasibly the plan is
/// returned unchanged with the visit listed as unassigned.
public func insert(_ visit: RoutingVisit, into plan: RoutingPlan, problem: RoutingProblem, options: SolverOptions)
    -> RoutingPlan
{
    let deadline = ContinuousClock.now + .milliseconds(Int(min(0.15, max(0.01, options.timeLimit)) * 1000))
    let extended = problem.adding(visit)
    let inst = Compiled(extended, options: options)
    var client: [String: Int] = [:]
    for (c, index) in inst.visitIndex.enumerated() { client[extended.visits[index].id] = c }
    var vehicle: [String: Int] = [:]
    for (k, v) in extended.vehicles.enumerated() { vehicle[v.id] = k }
    var routes = Array(repeating: [Int](), count: inst.m)
    var planned = Set<Int>()
    for route in plan.routes {
        guard let k = vehicle[route.vehicleID] else { continue }
        for stop in route.stops {
            if let c = client[stop.visitID], !planned.contains(c) {
                routes[k].append(c)
                planned.insert(c)
            }
        }
    }
    var unchanged = plan
    guard let newClient = client[visit.id] else {
        let reason = inst.unroutable.first { extended.visits[$0.visit].id == visit.id }?.reason ?? "cannot be served"
        unchanged.unassigned.append(UnassignedVisit(visitID: visit.id, reason: reason))
        return unchanged
    }
    var search = LocalSearch(inst, seed: options.seed)
    search.reweigh(load: 10_000, warp: 1000)
    for c in 0..<inst.n where !planned.contains(c) && c != newClient && inst.penalty[c] < 0 { search.frozen[c] = true }
    search.load(routes)
    search.insertBest(newClient, everywhere: true, limit: Int.max)
    search.run(until: deadline)
    var result = Individual(search.nodes, inst)
    var failed: [Int] = []
    if !result.isFeasible {
        let repaired = RouteRepair.feasible(search.nodes, inst)
        failed = repaired.failed
        result = Individual(repaired.routes, inst)
    }
    var lostMandatory = failed.contains { $0 == newClient || (planned.contains($0) && inst.penalty[$0] < 0) }
    if lostMandatory, let ejected = RouteRepair.insertEjecting(newClient, into: routes, inst) {
        search.load(ejected)
        search.run(until: deadline)
        let polished = Individual(search.nodes, inst)
        result = polished.isFeasible ? polished : Individual(ejected, inst)
        failed = []
        lostMandatory = false
    }
    if lostMandatory {
        unchanged.unassigned.append(UnassignedVisit(visitID: visit.id, reason: "no feasible slot in the current plan"))
        return unchanged
    }
    return PlanBuilder.plan(extended, inst, routes: result.routes, failed: failed, options: options, iterations: 1)
}

/// Makes routes feasible by removing visits (optional ones first) from violating routes, then reinserting what
/// fits elsewhere.
enum RouteRepair {
    static func evaluate(_ route: [Int], _ k: Int, _ inst: Compiled) -> Segment {
        var s = inst.startSegment[k]
        for c in route { s = inst.join(s, inst.clientSegment[c]) }
        return inst.join(s, inst.endSegment[k])
    }

    static func violation(_ route: [Int], _ k: Int, _ inst: Compiled) -> Int {
        let s = evaluate(route, k, inst)
        return s.timeWarp + max(0, s.load - inst.capacity[k]) + max(0, route.count - inst.maxVisits[k])
    }

    /// Inserts `client` where it is cheapest once optional visits of that route are taken out to make room
    /// (travel delta plus the penalties of the visits taken out). Nil when no route can take it.
    static func insertEjecting(_ client: Int, into routes: [[Int]], _ inst: Compiled) -> [[Int]]? {
        var best: (k: Int, route: [Int], cost: Int)?
        for k in inst.allowedVehicles[client] {
            let before = evaluate(routes[k], k, inst).cost
            for at in 0...routes[k].count {
                var trial = routes[k]
                trial.insert(client, at: at)
                var penalties = 0
                while violation(trial, k, inst) > 0 {
                    var pick = -1
                    var pickScore = (Int.max, Int.max)
                    for i in trial.indices where trial[i] != client && inst.penalty[trial[i]] >= 0 {
                        var shorter = trial
                        shorter.remove(at: i)
                        let score = (violation(shorter, k, inst), inst.penalty[trial[i]])
                        if score < pickScore {
                            pickScore = score
                            pick = i
                        }
                    }
                    if pick < 0 { break }
                    penalties += inst.penalty[trial[pick]]
                    trial.remove(at: pick)
                }
                if violation(trial, k, inst) > 0 { continue }
                let cost = evaluate(trial, k, inst).cost - before + penalties
                if best == nil || cost < best!.cost { best = (k, trial, cost) }
            }
        }
        guard let best else { return nil }
        var result = routes
        result[best.k] = best.route
        return result
    }

    static func feasible(_ start: [[Int]], _ inst: Compiled) -> (routes: [[Int]], failed: [Int]) {
        var routes = start
        var removed: [Int] = []
        for k in routes.indices {
            while violation(routes[k], k, inst) > 0 || routes[k].contains(where: { !inst.isAllowed($0, k) }) {
                var bestIndex = 0
                var bestScore = Int.max
                for i in routes[k].indices {
                    var trial = routes[k]
                    trial.remove(at: i)
                    let c = routes[k][i]
                    let allowedPenalty = inst.isAllowed(c, k) ? 0 : -1_000_000_000
                    let optionalBonus = inst.penalty[c] >= 0 ? 0 : 1_000_000
                    let score = violation(trial, k, inst) + optionalBonus + allowedPenalty
                    if score < bestScore {
                        bestScore = score
                        bestIndex = i
                    }
                }
                removed.append(routes[k].remove(at: bestIndex))
            }
        }
        let present = Set(routes.joined())
        for c in 0..<inst.n where !present.contains(c) && !removed.contains(c) && inst.penalty[c] < 0 {
            removed.append(c)
        }
        var failed: [Int] = []
        for c in removed.sorted(by: { (inst.penalty[$0] < 0 ? 0 : 1, $0) < (inst.penalty[$1] < 0 ? 0 : 1, $1) }) {
            var best: (k: Int, at: Int, cost: Int)?
            for k in inst.allowedVehicles[c] where routes[k].count < inst.maxVisits[k] {
                let before = evaluate(routes[k], k, inst).cost
                for at in 0...routes[k].count {
                    var trial = routes[k]
                    trial.insert(c, at: at)
                    if violation(trial, k, inst) > 0 { continue }
                    let delta = evaluate(trial, k, inst).cost - before
                    if best == nil || delta < best!.cost { best = (k, at, delta) }
                }
            }
            if let best, inst.penalty[c] < 0 || best.cost < inst.penalty[c] {
                routes[best.k].insert(c, at: best.at)
            } else if inst.penalty[c] < 0 {
                failed.append(c)
            }
        }
        return (routes, failed)
    }
}

/// Turns solver routes into a ``RoutingPlan`` with times (earliest schedule, R-4.4 departures).
enum PlanBuilder {
    static func plan(
        _ problem: RoutingProblem, _ inst: Compiled, routes: [[Int]], failed: [Int], options: SolverOptions,
        iterations: Int
    ) -> RoutingPlan {
        var planRoutes: [PlannedRoute] = []
        var served = Set<Int>()
        var totalSeconds = 0
        var totalMeters = 0
        var used = 0
        for (k, vehicle) in problem.vehicles.enumerated() {
            let route = k < routes.count ? routes[k] : []
            var stops: [PlannedStop] = []
            var previous = problem.startPlace[k]
            var free = vehicle.shift.lowerBound
            var seconds = 0
            var meters = 0
            var load = 0
            for c in route {
                let visitIndex = inst.visitIndex[c]
                let visit = problem.visits[visitIndex]
                served.insert(visitIndex)
                let here = problem.visitPlace[visitIndex]
                let leg = problem.leg(previous, here)
                let start = max(free + leg.seconds, visit.window.lowerBound)
                let leave = departureTime(
                    arrivalTarget: start, travelSeconds: leg.seconds, bufferSeconds: options.bufferSeconds,
                    notBefore: free)
                let end = start + visit.serviceSeconds
                stops.append(
                    PlannedStop(
                        visitID: visit.id, departure: leave, arrival: leave + leg.seconds, serviceStart: start,
                        serviceEnd: end, travelSeconds: leg.seconds, travelMeters: leg.meters))
                seconds += leg.seconds
                meters += leg.meters
                load += visit.demand
                free = end
                previous = here
            }
            let back = problem.leg(previous, problem.endPlace[k])
            if !route.isEmpty {
                seconds += back.seconds
                meters += back.meters
                used += 1
            }
            planRoutes.append(
                PlannedRoute(
                    vehicleID: vehicle.id, stops: stops, start: stops.first?.departure ?? vehicle.shift.lowerBound,
                    end: route.isEmpty ? vehicle.shift.lowerBound : free + back.seconds, travelSeconds: seconds,
                    travelMeters: meters, load: load))
            totalSeconds += seconds
            totalMeters += meters
        }
        var unassigned: [UnassignedVisit] = []
        let failedVisits = Set(failed.map { inst.visitIndex[$0] })
        var reasons: [Int: String] = [:]
        for (visit, reason) in inst.unroutable { reasons[visit] = reason }
        var penalties = 0
        for (index, visit) in problem.visits.enumerated() where !served.contains(index) {
            let reason: String
            if let known = reasons[index] {
                reason = known
            } else if failedVisits.contains(index) {
                reason = "no feasible slot within the windows, shifts and capacities"
            } else if case .optional = visit.priority {
                reason = "optional: left for another day because serving it costs more than its penalty"
            } else {
                reason = "no feasible slot within the windows, shifts and capacities"
            }
            if case .optional(let penalty) = visit.priority { penalties += penalty }
            unassigned.append(UnassignedVisit(visitID: visit.id, reason: reason))
        }
        let travel = options.cost == .seconds ? totalSeconds : totalMeters
        return RoutingPlan(
            routes: planRoutes, unassigned: unassigned, totalTravelSeconds: totalSeconds,
            totalTravelMeters: totalMeters, objectiveValue: travel + penalties, vehiclesUsed: used,
            iterations: iterations)
    }
}
