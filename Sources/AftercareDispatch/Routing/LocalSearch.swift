import Foundation

/// Granular local search over penalised route costs (the "education" of the genetic search).
///
/// Routes are indexed by vehicle. Every route keeps its prefix segments (start depot + first i clients) and suffix
/// segments (clients from i on, without the end depot), so an inter-route move is evaluated in O(1). Moves for a
/// client `u` and each of its granular neighbours `v`: relocate u (and u,x, also reversed) after v, swap u/v,
/// (u,x)/v, (u,x)/(v,y), 2-opt* between routes, 2-opt and relocations within a route, moves into an empty vehicle,
/// and inserting or removing optional clients. First improvement; the loop ends when no move improves.
struct LocalSearch {
    let inst: Compiled
    private(set) var loadWeight = 1
    private(set) var warpWeight = 1
    /// Positions per route in the flat arrays (n + 2).
    private let stride: Int
    /// Route r's clients are `sequence[r * stride ..< r * stride + length[r]]`.
    private var sequence: [Int]
    private var length: [Int]
    /// `pre[r * stride + i]`: start depot and the first i clients of route r.
    private var pre: [Segment]
    /// `suf[r * stride + i]`: the clients of route r from position i on (without the end depot).
    private var suf: [Segment]
    /// Places of the clients in `sequence`, and the travel costs of the prefixes and suffixes (for quick bounds).
    private var sequencePlace: [Int]
    private var preCost: [Int]
    private var sufCost: [Int]
    private(set) var routeCost: [Int]
    /// The penalty part of each route's cost (time warp and excess load, weighted).
    private var routePenalty: [Int]
    private(set) var routeOf: [Int]
    private var posOf: [Int]
    private var lastModified: [Int]
    private var lastTested: [Int]
    private var moveCount = 1
    var rng: SplitMixRandom
    private var order: [Int]
    private var bufA: [Int] = []
    private var bufB: [Int] = []
    private(set) var timedOut = false
    /// Clients the search leaves alone while they are unassigned (e.g. visits an existing plan could not serve).
    var frozen: [Bool]

    init(_ inst: Compiled, seed: UInt64) {
        self.inst = inst
        stride = inst.n + 2
        sequence = Array(repeating: -1, count: inst.m * stride)
        length = Array(repeating: 0, count: inst.m)
        pre = Array(repeating: Segment.empty, count: inst.m * stride)
        suf = Array(repeating: Segment.empty, count: inst.m * stride)
        sequencePlace = Array(repeating: -1, count: inst.m * stride)
        preCost = Array(repeating: 0, count: inst.m * stride)
        sufCost = Array(repeating: 0, count: inst.m * stride)
        routeCost = Array(repeating: 0, count: inst.m)
        routePenalty = Array(repeating: 0, count: inst.m)
        routeOf = Array(repeating: -1, count: inst.n)
        posOf = Array(repeating: -1, count: inst.n)
        lastModified = Array(repeating: 0, count: inst.m)
        lastTested = Array(repeating: -1, count: inst.n)
        rng = SplitMixRandom(seed: seed)
        order = Array(0..<inst.n)
        frozen = Array(repeating: false, count: inst.n)
    }

    /// The routes, indexed by vehicle.
    var nodes: [[Int]] { (0..<inst.m).map { route($0) } }

    func route(_ r: Int) -> [Int] { Array(sequence[(r * stride)..<(r * stride + length[r])]) }

    /// Replaces the current solution (routes indexed by vehicle; clients not listed are unassigned).
    mutating func load(_ routes: [[Int]]) {
        for c in 0..<inst.n { routeOf[c] = -1 }
        moveCount += 1
        for r in 0..<inst.m {
            bufA.removeAll(keepingCapacity: true)
            if r < routes.count { bufA.append(contentsOf: routes[r]) }
            store(r, bufA)
            lastModified[r] = moveCount
        }
        for c in 0..<inst.n { lastTested[c] = -1 }
    }

    /// Changes the penalty weights and recomputes the route costs with them.
    mutating func reweigh(load: Int, warp: Int) {
        loadWeight = load
        warpWeight = warp
        for r in 0..<inst.m {
            let count = length[r]
            let full = inst.join(pre[r * stride + count], inst.endSegment[r])
            routeCost[r] = penalised(full, r, count)
            routePenalty[r] = routeCost[r] - full.cost - (count > 0 ? inst.fixedCost : 0)
        }
        moveCount += 1
        for r in 0..<inst.m { lastModified[r] = moveCount }
    }

    /// The penalised cost of the whole solution, including the penalties of unassigned clients.
    var penalisedCost: Int {
        var total = routeCost.reduce(0, +)
        for c in 0..<inst.n where routeOf[c] < 0 { total += inst.penalty[c] < 0 ? inst.fixedCost + 1 : inst.penalty[c] }
        return total
    }

    @inline(__always)
    private func penalised(_ s: Segment, _ k: Int, _ count: Int) -> Int {
        var c = s.cost &+ warpWeight &* s.timeWarp
        let excess = s.load &- inst.capacity[k]
        if excess > 0 { c = c &+ loadWeight &* excess }
        if count > 0 { c = c &+ inst.fixedCost }
        return c
    }

    /// Writes route r and recomputes its segments.
    private mutating func store(_ r: Int, _ clients: [Int]) {
        let base = r * stride
        let count = clients.count
        length[r] = count
        var s = inst.startSegment[r]
        pre[base] = s
        preCost[base] = 0
        for i in 0..<count {
            let c = clients[i]
            sequence[base + i] = c
            sequencePlace[base + i] = inst.place[c]
            s = inst.join(s, inst.clientSegment[c])
            pre[base + i + 1] = s
            preCost[base + i + 1] = s.cost
            routeOf[c] = r
            posOf[c] = i
        }
        var t = Segment.empty
        suf[base + count] = t
        sufCost[base + count] = 0
        var i = count - 1
        while i >= 0 {
            t = inst.join(inst.clientSegment[clients[i]], t)
            suf[base + i] = t
            sufCost[base + i] = t.cost
            i -= 1
        }
        let full = inst.join(pre[base + count], inst.endSegment[r])
        routeCost[r] = penalised(full, r, count)
        routePenalty[r] = routeCost[r] - full.cost - (count > 0 ? inst.fixedCost : 0)
    }

    private mutating func replace(_ r: Int, _ clients: [Int]) {
        store(r, clients)
        lastModified[r] = moveCount
    }

    @inline(__always)
    private func client(_ r: Int, _ i: Int) -> Int { sequence[r &* stride &+ i] }

    /// The travel cost between positions i and j of route r (-1: the start depot, length: the end depot).
    @inline(__always)
    private func arc(_ r: Int, _ i: Int, _ j: Int) -> Int {
        let count = length[r]
        let from = i < 0 ? inst.startPlace[r] : (i >= count ? inst.endPlace[r] : inst.place[client(r, i)])
        let to = j < 0 ? inst.startPlace[r] : (j >= count ? inst.endPlace[r] : inst.place[client(r, j)])
        return inst.cost[from &* inst.places &+ to]
    }

    @inline(__always)
    private func proposal(
        _ k: Int, _ prefix: Segment, _ m0: Int, _ m1: Int, _ mids: Int, _ suffix: Segment, _ count: Int
    ) -> Int {
        var s = prefix
        if mids > 0 { s = inst.join(s, inst.clientSegment[m0]) }
        if mids > 1 { s = inst.join(s, inst.clientSegment[m1]) }
        s = inst.join(s, suffix)
        s = inst.join(s, inst.endSegment[k])
        return penalised(s, k, count)
    }

    /// Travel cost (and fixed cost) of a proposal, a lower bound of its penalised cost.
    @inline(__always)
    private func arcCost(
        _ k: Int, _ prefix: Segment, _ m0: Int, _ m1: Int, _ mids: Int, _ suffix: Segment, _ count: Int
    ) -> Int {
        let p = inst.places
        var c = prefix.cost
        var last = prefix.last
        if mids > 0 {
            let at = inst.place[m0]
            c = c &+ inst.cost[last &* p &+ at]
            last = at
        }
        if mids > 1 {
            let at = inst.place[m1]
            c = c &+ inst.cost[last &* p &+ at]
            last = at
        }
        if suffix.first >= 0 {
            c = c &+ inst.cost[last &* p &+ suffix.first] &+ suffix.cost
            last = suffix.last
        }
        c = c &+ inst.cost[last &* p &+ inst.endPlace[k]]
        if count > 0 { c = c &+ inst.fixedCost }
        return c
    }

    /// `arcCost` from the flat cost arrays, without loading segments.
    @inline(__always)
    private func quickCost(
        _ k: Int, _ i1: Int, _ m0: Int, _ m1: Int, _ mids: Int, _ source: Int, _ j1: Int, _ count: Int
    ) -> Int {
        let p = inst.places
        let base = k &* stride
        var c = preCost[base &+ i1]
        var last = i1 == 0 ? inst.startPlace[k] : sequencePlace[base &+ i1 &- 1]
        if mids > 0 {
            let at = inst.place[m0]
            c = c &+ inst.cost[last &* p &+ at]
            last = at
        }
        if mids > 1 {
            let at = inst.place[m1]
            c = c &+ inst.cost[last &* p &+ at]
            last = at
        }
        let sourceBase = source &* stride
        let sourceLength = length[source]
        if j1 < sourceLength {
            c = c &+ inst.cost[last &* p &+ sequencePlace[sourceBase &+ j1]] &+ sufCost[sourceBase &+ j1]
            last = sequencePlace[sourceBase &+ sourceLength &- 1]
        }
        c = c &+ inst.cost[last &* p &+ inst.endPlace[k]]
        if count > 0 { c = c &+ inst.fixedCost }
        return c
    }

    private func fits(_ r: Int, _ m0: Int, _ m1: Int, _ mids: Int, _ source: Int, _ from: Int) -> Bool {
        if mids > 0 && !inst.isAllowed(m0, r) { return false }
        if mids > 1 && !inst.isAllowed(m1, r) { return false }
        if source != r {
            var i = from
            while i < length[source] {
                if !inst.isAllowed(client(source, i), r) { return false }
                i += 1
            }
        }
        return true
    }

    /// Tries the two new routes `ru' = ru[0..<i1] + a + s1[j1...]` and `rv' = rv[0..<i2] + b + s2[j2...]`.
    private mutating func tryInter(
        _ ru: Int, _ i1: Int, _ a0: Int, _ a1: Int, _ na: Int, _ s1: Int, _ j1: Int,
        _ rv: Int, _ i2: Int, _ b0: Int, _ b1: Int, _ nb: Int, _ s2: Int, _ j2: Int
    ) -> Bool {
        let countU = i1 &+ na &+ length[s1] &- j1
        let countV = i2 &+ nb &+ length[s2] &- j2
        let old = routeCost[ru] &+ routeCost[rv]
        let arcV = quickCost(rv, i2, b0, b1, nb, s2, j2, countV)
        if quickCost(ru, i1, a0, a1, na, s1, j1, countU) &+ arcV >= old { return false }
        let sufU = suf[s1 &* stride &+ j1]
        let sufV = suf[s2 &* stride &+ j2]
        let preU = pre[ru &* stride &+ i1]
        let preV = pre[rv &* stride &+ i2]
        if countU > inst.maxVisits[ru] || countV > inst.maxVisits[rv] { return false }
        let newU = proposal(ru, preU, a0, a1, na, sufU, countU)
        if newU &+ arcV >= old { return false }
        let newV = proposal(rv, preV, b0, b1, nb, sufV, countV)
        if newU &+ newV >= old { return false }
        if inst.restricted && !(fits(ru, a0, a1, na, s1, j1) && fits(rv, b0, b1, nb, s2, j2)) { return false }
        bufA.removeAll(keepingCapacity: true)
        for i in 0..<i1 { bufA.append(client(ru, i)) }
        if na > 0 { bufA.append(a0) }
        if na > 1 { bufA.append(a1) }
        for i in j1..<length[s1] { bufA.append(client(s1, i)) }
        bufB.removeAll(keepingCapacity: true)
        for i in 0..<i2 { bufB.append(client(rv, i)) }
        if nb > 0 { bufB.append(b0) }
        if nb > 1 { bufB.append(b1) }
        for i in j2..<length[s2] { bufB.append(client(s2, i)) }
        moveCount += 1
        let first = bufA
        let second = bufB
        replace(ru, first)
        replace(rv, second)
        return true
    }

    private func sequenceCost(_ r: Int, _ clients: [Int]) -> Int {
        var s = inst.startSegment[r]
        for c in clients { s = inst.join(s, inst.clientSegment[c]) }
        return penalised(inst.join(s, inst.endSegment[r]), r, clients.count)
    }

    private mutating func acceptIntra(_ r: Int) -> Bool {
        if sequenceCost(r, bufA) >= routeCost[r] { return false }
        moveCount += 1
        let clients = bufA
        replace(r, clients)
        return true
    }

    /// Within route r: moves `length` clients from `from` to after position `after` (-1: the start).
    private mutating func tryRelocateIntra(_ r: Int, _ from: Int, _ size: Int, _ reversed: Bool, _ after: Int) -> Bool {
        let a = from
        let b = from + size - 1
        let removed = arc(r, a - 1, a) + arc(r, b, b + 1) + arc(r, after, after + 1)
        var added = arc(r, a - 1, b + 1)
        if reversed {
            added += arc(r, after, b) + arc(r, a, after + 1) + arc(r, b, a) - arc(r, a, b)
        } else {
            added += arc(r, after, a) + arc(r, b, after + 1)
        }
        if added - removed >= routePenalty[r] { return false }
        bufA.removeAll(keepingCapacity: true)
        let count = length[r]
        if after < 0 { appendBlock(r, from, size, reversed) }
        for i in 0..<count where i < from || i >= from + size {
            bufA.append(client(r, i))
            if i == after { appendBlock(r, from, size, reversed) }
        }
        return acceptIntra(r)
    }

    private mutating func appendBlock(_ r: Int, _ from: Int, _ size: Int, _ reversed: Bool) {
        if reversed {
            var i = from + size - 1
            while i >= from {
                bufA.append(client(r, i))
                i -= 1
            }
        } else {
            for i in from..<(from + size) { bufA.append(client(r, i)) }
        }
    }

    private mutating func copyRoute(_ r: Int) {
        bufA.removeAll(keepingCapacity: true)
        for i in 0..<length[r] { bufA.append(client(r, i)) }
    }

    private mutating func trySwapIntra(_ r: Int, _ first: Int, _ second: Int) -> Bool {
        let i = min(first, second)
        let j = max(first, second)
        let removed: Int
        let added: Int
        if j == i + 1 {
            removed = arc(r, i - 1, i) + arc(r, i, j) + arc(r, j, j + 1)
            added = arc(r, i - 1, j) + arc(r, j, i) + arc(r, i, j + 1)
        } else {
            removed = arc(r, i - 1, i) + arc(r, i, i + 1) + arc(r, j - 1, j) + arc(r, j, j + 1)
            added = arc(r, i - 1, j) + arc(r, j, i + 1) + arc(r, j - 1, i) + arc(r, i, j + 1)
        }
        if added - removed >= routePenalty[r] { return false }
        copyRoute(r)
        bufA.swapAt(i, j)
        return acceptIntra(r)
    }

    private mutating func tryReverseIntra(_ r: Int, _ i: Int, _ j: Int) -> Bool {
        var delta = arc(r, i - 1, j) + arc(r, i, j + 1) - arc(r, i - 1, i) - arc(r, j, j + 1)
        var k = i
        while k < j {
            delta += arc(r, k + 1, k) - arc(r, k, k + 1)
            k += 1
        }
        if delta >= routePenalty[r] { return false }
        copyRoute(r)
        bufA[i...j].reverse()
        return acceptIntra(r)
    }

    private mutating func tryPair(_ u: Int, _ v: Int) -> Bool {
        let ru = routeOf[u]
        let rv = routeOf[v]
        let pu = posOf[u]
        let pv = posOf[v]
        let lu = length[ru]
        let lv = length[rv]
        let x = pu + 1 < lu ? client(ru, pu + 1) : -1
        let y = pv + 1 < lv ? client(rv, pv + 1) : -1
        if ru != rv {
            if tryInter(ru, pu, -1, -1, 0, ru, pu + 1, rv, pv + 1, u, -1, 1, rv, pv + 1) { return true }
            if x >= 0 {
                if tryInter(ru, pu, -1, -1, 0, ru, pu + 2, rv, pv + 1, u, x, 2, rv, pv + 1) { return true }
                if tryInter(ru, pu, -1, -1, 0, ru, pu + 2, rv, pv + 1, x, u, 2, rv, pv + 1) { return true }
            }
            if tryInter(ru, pu, v, -1, 1, ru, pu + 1, rv, pv, u, -1, 1, rv, pv + 1) { return true }
            if x >= 0 {
                if tryInter(ru, pu, v, -1, 1, ru, pu + 2, rv, pv, u, x, 2, rv, pv + 1) { return true }
                if y >= 0 && tryInter(ru, pu, v, y, 2, ru, pu + 2, rv, pv, u, x, 2, rv, pv + 2) { return true }
            }
            if tryInter(ru, pu + 1, -1, -1, 0, rv, pv + 1, rv, pv + 1, -1, -1, 0, ru, pu + 1) { return true }
            if pv == 0 {
                if tryInter(ru, pu, -1, -1, 0, ru, pu + 1, rv, 0, u, -1, 1, rv, 0) { return true }
                if tryInter(ru, pu + 1, -1, -1, 0, rv, 0, rv, 0, -1, -1, 0, ru, pu + 1) { return true }
            }
            return false
        }
        if pv != pu - 1 && tryRelocateIntra(ru, pu, 1, false, pv) { return true }
        if x >= 0 && pv != pu - 1 && pv != pu + 1 {
            if tryRelocateIntra(ru, pu, 2, false, pv) { return true }
            if tryRelocateIntra(ru, pu, 2, true, pv) { return true }
        }
        if trySwapIntra(ru, pu, pv) { return true }
        if pu + 1 < pv && tryReverseIntra(ru, pu + 1, pv) { return true }
        if pv + 1 < pu && tryReverseIntra(ru, pv + 1, pu) { return true }
        if pv == 0 && pu > 0 && tryRelocateIntra(ru, pu, 1, false, -1) { return true }
        return false
    }

    private mutating func tryEmpty(_ u: Int) -> Bool {
        let ru = routeOf[u]
        let pu = posOf[u]
        var tried = 0
        var lastStart = -1
        for e in inst.allowedVehicles[u] where length[e] == 0 && e != ru {
            if inst.startPlace[e] == lastStart { continue }
            lastStart = inst.startPlace[e]
            if tryInter(ru, pu, -1, -1, 0, ru, pu + 1, e, 0, u, -1, 1, e, 0) { return true }
            if tryInter(ru, pu + 1, -1, -1, 0, e, 0, e, 0, -1, -1, 0, ru, pu + 1) { return true }
            tried += 1
            if tried >= 2 { break }
        }
        return false
    }

    private mutating func tryRemove(_ u: Int) -> Bool {
        let ru = routeOf[u]
        let pu = posOf[u]
        let count = length[ru] - 1
        let new = proposal(ru, pre[ru * stride + pu], -1, -1, 0, suf[ru * stride + pu + 1], count)
        if new + inst.penalty[u] >= routeCost[ru] { return false }
        copyRoute(ru)
        bufA.remove(at: pu)
        routeOf[u] = -1
        moveCount += 1
        let clients = bufA
        replace(ru, clients)
        return true
    }

    private mutating func insert(_ u: Int, route r: Int, at q: Int) {
        copyRoute(r)
        bufA.insert(u, at: q)
        moveCount += 1
        let clients = bufA
        replace(r, clients)
    }

    /// The cheapest insertion of an unassigned client: near its neighbours (or anywhere when `everywhere`).
    /// Inserts when the cost increase is below `limit`; returns whether it inserted.
    @discardableResult
    mutating func insertBest(_ u: Int, everywhere: Bool, limit: Int) -> Bool {
        var best = limit
        var bestRoute = -1
        var bestAt = -1
        func consider(_ r: Int, _ q: Int) {
            let count = length[r] + 1
            if count > inst.maxVisits[r] || !inst.isAllowed(u, r) { return }
            let delta = proposal(r, pre[r * stride + q], u, -1, 1, suf[r * stride + q], count) - routeCost[r]
            if delta < best {
                best = delta
                bestRoute = r
                bestAt = q
            }
        }
        if everywhere {
            var emptyTried = Set<Int>()
            for r in 0..<inst.m {
                if length[r] == 0 {
                    if !inst.isAllowed(u, r)
                        || !emptyTried.insert(inst.startPlace[r] * inst.places + inst.endPlace[r])
                            .inserted
                    {
                        continue
                    }
                }
                for q in 0...length[r] { consider(r, q) }
            }
        } else {
            for v in inst.neighbours[u] where routeOf[v] >= 0 {
                consider(routeOf[v], posOf[v] + 1)
                if posOf[v] == 0 { consider(routeOf[v], 0) }
            }
            var tried = 0
            for e in inst.allowedVehicles[u] where length[e] == 0 {
                consider(e, 0)
                tried += 1
                if tried >= 2 { break }
            }
        }
        if bestRoute < 0 { return false }
        insert(u, route: bestRoute, at: bestAt)
        return true
    }

    /// Runs the local search until no move improves or the deadline passes.
    mutating func run(until deadline: ContinuousClock.Instant) {
        timedOut = false
        rng.shuffle(&order)
        var loop = 0
        var improved = true
        while improved {
            improved = false
            for (index, u) in order.enumerated() {
                if index & 15 == 0 && ContinuousClock.now >= deadline {
                    timedOut = true
                    return
                }
                if routeOf[u] < 0 {
                    if frozen[u] { continue }
                    let limit = inst.penalty[u] < 0 ? Int.max : inst.penalty[u]
                    if insertBest(u, everywhere: false, limit: limit) { improved = true }
                    continue
                }
                if inst.penalty[u] >= 0 && tryRemove(u) {
                    improved = true
                    continue
                }
                let lastU = lastTested[u]
                lastTested[u] = moveCount
                for v in inst.neighbours[u] {
                    if routeOf[v] < 0 || routeOf[u] < 0 { continue }
                    if loop > 0 && max(lastModified[routeOf[u]], lastModified[routeOf[v]]) <= lastU { continue }
                    if tryPair(u, v) { improved = true }
                }
                if loop > 0 && routeOf[u] >= 0 && tryEmpty(u) { improved = true }
            }
            loop += 1
        }
    }
}
