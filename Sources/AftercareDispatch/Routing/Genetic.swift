import Foundation

/// One solution of the genetic search: routes indexed by vehicle, with its cost components.
struct Individual {
    var routes: [[Int]]
    var travel = 0
    var timeWarp = 0
    var excessLoad = 0
    var dropped = 0
    var used = 0
    var missingMandatory = 0
    var successor: [Int32]
    var predecessor: [Int32]

    init(_ routes: [[Int]], _ inst: Compiled) {
        self.routes = routes
        successor = Array(repeating: -2, count: inst.n)
        predecessor = Array(repeating: -2, count: inst.n)
        var served = Array(repeating: false, count: inst.n)
        for (k, route) in routes.enumerated() where !route.isEmpty {
            used += 1
            var s = inst.startSegment[k]
            for (i, c) in route.enumerated() {
                s = inst.join(s, inst.clientSegment[c])
                served[c] = true
                predecessor[c] = i == 0 ? -1 : Int32(route[i - 1])
                successor[c] = i + 1 == route.count ? -1 : Int32(route[i + 1])
            }
            s = inst.join(s, inst.endSegment[k])
            travel += s.cost
            timeWarp += s.timeWarp
            excessLoad += max(0, s.load - inst.capacity[k])
        }
        for c in 0..<inst.n where !served[c] {
            if inst.penalty[c] < 0 { missingMandatory += 1 } else { dropped += inst.penalty[c] }
        }
    }

    var isFeasible: Bool { timeWarp == 0 && excessLoad == 0 && missingMandatory == 0 }

    func penalised(load: Int, warp: Int, fixed: Int) -> Int {
        travel + dropped + load * excessLoad + warp * timeWarp + fixed * used + missingMandatory * (fixed + 1) * 1000
    }

    /// The objective for comparing feasible solutions: (vehicles or 0, cost).
    func key(hierarchical: Bool) -> (Int, Int) { (hierarchical ? used : 0, travel + dropped) }

    /// Broken-pairs distance (share of client adjacencies that differ), in [0, 1].
    func distance(to other: Individual) -> Double {
        let n = successor.count
        if n == 0 { return 0 }
        var differ = 0
        for i in 0..<n {
            let s = successor[i]
            let p = predecessor[i]
            if s != other.successor[i] && s != other.predecessor[i] { differ += 1 }
            if p != other.predecessor[i] && p != other.successor[i] { differ += 1 }
        }
        return Double(differ) / Double(2 * n)
    }
}

/// Feasible or infeasible members with their pairwise distances (for the diversity part of the fitness).
struct SubPopulation {
    var members: [Individual] = []
    var distances: [[Double]] = []

    mutating func add(_ individual: Individual) {
        var row: [Double] = []
        row.reserveCapacity(members.count + 1)
        for i in members.indices {
            let d = individual.distance(to: members[i])
            row.append(d)
            distances[i].append(d)
        }
        row.append(0)
        members.append(individual)
        distances.append(row)
    }

    mutating func remove(at index: Int) {
        members.remove(at: index)
        distances.remove(at: index)
        for i in distances.indices { distances[i].remove(at: index) }
    }

    mutating func removeAll() {
        members.removeAll()
        distances.removeAll()
    }

    /// Biased fitness (Vidal 2012): rank by penalised cost plus weighted rank by diversity; lower is better.
    func fitness(load: Int, warp: Int, fixed: Int, elite: Int, close: Int) -> [Double] {
        let size = members.count
        if size <= 1 { return Array(repeating: 0, count: size) }
        let costs = members.map { $0.penalised(load: load, warp: warp, fixed: fixed) }
        var diversity: [Double] = []
        var buffer: [Double] = []
        for i in 0..<size {
            buffer.removeAll(keepingCapacity: true)
            for j in 0..<size where j != i { buffer.append(distances[i][j]) }
            buffer.sort()
            let count = min(close, buffer.count)
            diversity.append(buffer.prefix(count).reduce(0, +) / Double(max(1, count)))
        }
        let byCost = (0..<size).sorted { costs[$0] < costs[$1] || (costs[$0] == costs[$1] && $0 < $1) }
        let byDiversity = (0..<size).sorted {
            diversity[$0] > diversity[$1] || (diversity[$0] == diversity[$1] && $0 < $1)
        }
        var costRank = Array(repeating: 0.0, count: size)
        var diversityRank = Array(repeating: 0.0, count: size)
        for (rank, i) in byCost.enumerated() { costRank[i] = Double(rank) / Double(size - 1) }
        for (rank, i) in byDiversity.enumerated() { diversityRank[i] = Double(rank) / Double(size - 1) }
        let weight = 1 - Double(min(elite, size)) / Double(size)
        return (0..<size).map { costRank[$0] + weight * diversityRank[$0] }
    }

    /// Removes members (clones first, then the worst biased fitness) until `size` remain.
    mutating func survivors(_ size: Int, load: Int, warp: Int, fixed: Int, elite: Int, close: Int) {
        while members.count > size {
            let fit = fitness(load: load, warp: warp, fixed: fixed, elite: elite, close: close)
            var worst = -1
            var worstClone = false
            for i in members.indices {
                var clone = false
                for j in members.indices where j != i && distances[i][j] == 0 {
                    clone = true
                    break
                }
                if worst < 0 || (clone && !worstClone) || (clone == worstClone && fit[i] > fit[worst]) {
                    worst = i
                    worstClone = clone
                }
            }
            remove(at: worst)
        }
    }
}

/// Parameters of the hybrid genetic search (the same for every instance).
struct GeneticParameters {
    var populationSize = 25
    var generationSize = 40
    var elite = 4
    var close = 5
    var targetFeasible = 0.43
    var penaltyUpdateInterval = 50
    var repairProbability = 0.5
    var restartAfter = 20_000
    var initialMultiplier = 4
}

/// Hybrid genetic search with route-based crossover (SREX) and granular local search (Vidal 2013/2022, PyVRP).
final class HybridGeneticSearch {
    let inst: Compiled
    let parameters: GeneticParameters
    let hierarchical: Bool
    private var rng: SplitMixRandom
    private var search: LocalSearch
    private var feasible = SubPopulation()
    private var infeasible = SubPopulation()
    private var loadWeight: Int
    private var warpWeight = 10
    private var loadHistory: [Bool] = []
    private var warpHistory: [Bool] = []
    private(set) var best: Individual?
    private(set) var bestAny: Individual?
    private(set) var iterations = 0

    init(_ inst: Compiled, seed: UInt64, hierarchical: Bool, parameters: GeneticParameters = GeneticParameters()) {
        self.inst = inst
        self.parameters = parameters
        self.hierarchical = hierarchical
        rng = SplitMixRandom(seed: seed)
        search = LocalSearch(inst, seed: seed &+ 0x5851_F42D_4C95_7F2D)
        var maxCost = 1
        for c in 0..<inst.n {
            for d in 0..<inst.n { maxCost = max(maxCost, inst.cost[inst.place[c] * inst.places + inst.place[d]]) }
        }
        let maxDemand = max(1, inst.demand.max() ?? 1)
        loadWeight = max(1, min(1000, maxCost / maxDemand))
    }

    private func better(_ a: Individual, than b: Individual?) -> Bool {
        guard let b else { return true }
        let ka = a.key(hierarchical: hierarchical)
        let kb = b.key(hierarchical: hierarchical)
        return ka < kb
    }

    /// A random solution: clients in random order, each appended to the current vehicle while it stays feasible.
    private func randomRoutes() -> (routes: [[Int]], missing: [Int]) {
        var order = Array(0..<inst.n)
        rng.shuffle(&order)
        var vehicles = Array(0..<inst.m)
        rng.shuffle(&vehicles)
        var routes = Array(repeating: [Int](), count: inst.m)
        var missing: [Int] = []
        var slot = 0
        var segment = inst.startSegment[vehicles[0]]
        for c in order {
            var placed = false
            while slot < inst.m {
                let k = vehicles[slot]
                if inst.isAllowed(c, k) && routes[k].count < inst.maxVisits[k] {
                    let next = inst.join(segment, inst.clientSegment[c])
                    let closed = inst.join(next, inst.endSegment[k])
                    if (closed.timeWarp == 0 && closed.load <= inst.capacity[k]) || routes[k].isEmpty {
                        routes[k].append(c)
                        segment = next
                        placed = true
                        break
                    }
                }
                if !inst.isAllowed(c, k) { break }
                slot += 1
                if slot < inst.m { segment = inst.startSegment[vehicles[slot]] }
            }
            if !placed { missing.append(c) }
        }
        return (routes, missing)
    }

    private func centroidAngle(_ route: [Int]) -> Double {
        var sx = 0.0
        var sy = 0.0
        for c in route {
            sx += inst.x[inst.place[c]]
            sy += inst.y[inst.place[c]]
        }
        let count = Double(max(1, route.count))
        return atan2(sy / count - inst.centerY, sx / count - inst.centerX)
    }

    /// Selective route exchange (Nagata & Kobayashi; as in PyVRP): replace a run of adjacent routes of A (by polar
    /// angle) with the nearest run of routes of B; two ways of removing duplicates; missing clients reinserted.
    private func crossover(_ a: Individual, _ b: Individual) -> [[Int]] {
        let routesA = a.routes.indices.filter { !a.routes[$0].isEmpty }
        let routesB = b.routes.indices.filter { !b.routes[$0].isEmpty }
        if routesA.isEmpty || routesB.isEmpty { return a.routes }
        let anglesA = routesA.map { centroidAngle(a.routes[$0]) }
        let anglesB = routesB.map { centroidAngle(b.routes[$0]) }
        let sortedA = routesA.indices.sorted { anglesA[$0] < anglesA[$1] }.map { routesA[$0] }
        let sortedB = routesB.indices.sorted { anglesB[$0] < anglesB[$1] }.map { routesB[$0] }
        let moved = 1 + rng.below(min(sortedA.count, sortedB.count))
        let startA = rng.below(sortedA.count)
        let angle = centroidAngle(a.routes[sortedA[startA]])
        var startB = 0
        var closest = Double.infinity
        for (i, k) in sortedB.enumerated() {
            var d = abs(centroidAngle(b.routes[k]) - angle)
            d = min(d, 2 * Double.pi - d)
            if d < closest {
                closest = d
                startB = i
            }
        }
        startB = (startB - rng.below(moved) + sortedB.count) % sortedB.count
        var selectedA = Array(repeating: false, count: inst.m)
        for i in 0..<moved { selectedA[sortedA[(startA + i) % sortedA.count]] = true }
        let selectedB = (0..<moved).map { sortedB[(startB + $0) % sortedB.count] }
        var inB = Array(repeating: false, count: inst.n)
        for k in selectedB { for c in b.routes[k] { inB[c] = true } }
        var inKeptA = Array(repeating: false, count: inst.n)
        for k in 0..<inst.m where !selectedA[k] { for c in a.routes[k] { inKeptA[c] = true } }

        var best: [[Int]] = []
        var bestCost = Int.max
        for variant in 0..<2 {
            var routes = Array(repeating: [Int](), count: inst.m)
            var free = Array(repeating: true, count: inst.m)
            for k in 0..<inst.m where !selectedA[k] && !a.routes[k].isEmpty {
                routes[k] = variant == 0 ? a.routes[k].filter { !inB[$0] } : a.routes[k]
                free[k] = false
            }
            var missing: [Int] = []
            for k in selectedB {
                let clients = variant == 0 ? b.routes[k] : b.routes[k].filter { !inKeptA[$0] }
                var target = free[k] ? k : -1
                if target < 0 {
                    for j in 0..<inst.m where free[j] && selectedA[j] {
                        target = j
                        break
                    }
                }
                if target < 0 {
                    for j in 0..<inst.m where free[j] {
                        target = j
                        break
                    }
                }
                if target < 0 {
                    missing.append(contentsOf: clients)
                    continue
                }
                free[target] = false
                for c in clients {
                    if inst.isAllowed(c, target) && routes[target].count < inst.maxVisits[target] {
                        routes[target].append(c)
                    } else {
                        missing.append(c)
                    }
                }
            }
            var present = Array(repeating: false, count: inst.n)
            for route in routes { for c in route { present[c] = true } }
            for k in 0..<inst.m where selectedA[k] { for c in a.routes[k] where !present[c] { missing.append(c) } }
            for c in 0..<inst.n where !present[c] && inst.penalty[c] < 0 && !missing.contains(c) { missing.append(c) }
            search.reweigh(load: loadWeight, warp: warpWeight)
            search.load(routes)
            rng.shuffle(&missing)
            for c in missing where search.routeOf[c] < 0 {
                search.insertBest(c, everywhere: true, limit: inst.penalty[c] < 0 ? Int.max : inst.penalty[c])
            }
            let cost = search.penalisedCost
            if cost < bestCost {
                bestCost = cost
                best = search.nodes
            }
        }
        return best
    }

    private func tournament(_ fitF: [Double], _ fitI: [Double]) -> Individual {
        let total = feasible.members.count + infeasible.members.count
        func pick() -> (Individual, Double) {
            let i = rng.below(total)
            if i < feasible.members.count { return (feasible.members[i], fitF[i]) }
            return (infeasible.members[i - feasible.members.count], fitI[i - feasible.members.count])
        }
        let first = pick()
        let second = pick()
        return first.1 <= second.1 ? first.0 : second.0
    }

    private func register(_ individual: Individual) {
        let limit = parameters.populationSize + parameters.generationSize
        if individual.isFeasible {
            feasible.add(individual)
            if feasible.members.count > limit {
                feasible.survivors(
                    parameters.populationSize, load: loadWeight, warp: warpWeight, fixed: inst.fixedCost,
                    elite: parameters.elite, close: parameters.close)
            }
        } else {
            infeasible.add(individual)
            if infeasible.members.count > limit {
                infeasible.survivors(
                    parameters.populationSize, load: loadWeight, warp: warpWeight, fixed: inst.fixedCost,
                    elite: parameters.elite, close: parameters.close)
            }
        }
    }

    /// Educates the routes currently loaded in the local search, registers the result, and repairs it sometimes.
    /// Returns whether a new best feasible solution was found.
    private func educateLoaded(until deadline: ContinuousClock.Instant) -> Bool {
        search.reweigh(load: loadWeight, warp: warpWeight)
        search.run(until: deadline)
        let child = Individual(search.nodes, inst)
        loadHistory.append(child.excessLoad == 0)
        warpHistory.append(child.timeWarp == 0)
        register(child)
        var improved = false
        if child.isFeasible {
            if better(child, than: best) {
                best = child
                improved = true
            }
        } else if rng.unit() < parameters.repairProbability && !search.timedOut {
            search.reweigh(load: loadWeight * 10, warp: warpWeight * 10)
            search.run(until: deadline)
            let repaired = Individual(search.nodes, inst)
            if repaired.isFeasible {
                register(repaired)
                if better(repaired, than: best) {
                    best = repaired
                    improved = true
                }
            }
        }
        if bestAny == nil
            || child.penalised(load: 1000, warp: 1000, fixed: 0)
                < bestAny!.penalised(load: 1000, warp: 1000, fixed: 0)
        {
            bestAny = child
        }
        return improved
    }

    private func updatePenalties() {
        func adjust(_ weight: Int, _ history: [Bool]) -> Int {
            let share = Double(history.filter { $0 }.count) / Double(max(1, history.count))
            if share < parameters.targetFeasible - 0.05 { return min(100_000_000, max(weight + 1, weight * 13 / 10)) }
            if share > parameters.targetFeasible + 0.05 { return max(1, weight * 85 / 100) }
            return weight
        }
        loadWeight = adjust(loadWeight, loadHistory)
        warpWeight = adjust(warpWeight, warpHistory)
        loadHistory.removeAll(keepingCapacity: true)
        warpHistory.removeAll(keepingCapacity: true)
    }

    private func initialPopulation(until deadline: ContinuousClock.Instant, limit: Int) {
        for _ in 0..<(parameters.initialMultiplier * parameters.populationSize) {
            if ContinuousClock.now >= deadline || iterations >= limit { return }
            let start = randomRoutes()
            search.reweigh(load: loadWeight, warp: warpWeight)
            search.load(start.routes)
            for c in start.missing {
                search.insertBest(c, everywhere: true, limit: inst.penalty[c] < 0 ? Int.max : inst.penalty[c])
            }
            _ = educateLoaded(until: deadline)
            iterations += 1
            if iterations % parameters.penaltyUpdateInterval == 0 { updatePenalties() }
        }
    }

    /// Runs until the deadline or the iteration limit.
    func run(until deadline: ContinuousClock.Instant, iterationLimit: Int?, stallLimit: Int? = nil) {
        let limit = iterationLimit ?? Int.max
        if inst.n == 0 {
            best = Individual(Array(repeating: [], count: inst.m), inst)
            return
        }
        initialPopulation(until: deadline, limit: limit)
        var sinceImprovement = 0
        while ContinuousClock.now < deadline && iterations < limit {
            if feasible.members.count + infeasible.members.count < 2 {
                initialPopulation(until: deadline, limit: limit)
                continue
            }
            let fitF = feasible.fitness(
                load: loadWeight, warp: warpWeight, fixed: inst.fixedCost, elite: parameters.elite,
                close: parameters.close)
            let fitI = infeasible.fitness(
                load: loadWeight, warp: warpWeight, fixed: inst.fixedCost, elite: parameters.elite,
                close: parameters.close)
            let first = tournament(fitF, fitI)
            let second = tournament(fitF, fitI)
            let child = crossover(first, second)
            search.load(child)
            let improved = educateLoaded(until: deadline)
            iterations += 1
            sinceImprovement = improved ? 0 : sinceImprovement + 1
            if let stallLimit, sinceImprovement >= stallLimit, best != nil { break }
            if iterations % parameters.penaltyUpdateInterval == 0 {
                updatePenalties()
            }
            if sinceImprovement >= parameters.restartAfter {
                feasible.removeAll()
                infeasible.removeAll()
                sinceImprovement = 0
                initialPopulation(until: deadline, limit: limit)
            }
        }
    }
}
