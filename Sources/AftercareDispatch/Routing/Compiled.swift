import Foundation

/// A time-window segment (Vidal et al. 2013): the data of a visit sequence that makes concatenation O(1).
///
/// `earliest`/`latest` bound the start of the first visit; `duration` includes service, travel and waiting;
/// `timeWarp` is how much the sequence is late in total (0 when feasible).
struct Segment {
    var first: Int
    var last: Int
    var duration: Int
    var timeWarp: Int
    var earliest: Int
    var latest: Int
    var load: Int
    var cost: Int

    static let empty = Segment(first: -1, last: -1, duration: 0, timeWarp: 0, earliest: 0, latest: 0, load: 0, cost: 0)
}

/// The solver's flat, integer view of a ``RoutingProblem``: clients 0..<n (routable visits), vehicles 0..<m.
struct Compiled: Sendable {
    let n: Int
    let m: Int
    let places: Int
    let time: [Int]
    let cost: [Int]
    let place: [Int]
    let service: [Int]
    let ready: [Int]
    let due: [Int]
    let demand: [Int]
    /// -1 for mandatory, else the penalty for leaving the client out.
    let penalty: [Int]
    /// The index in the problem's visits of each client.
    let visitIndex: [Int]
    let startPlace: [Int]
    let endPlace: [Int]
    let shiftStart: [Int]
    let shiftEnd: [Int]
    let capacity: [Int]
    let maxVisits: [Int]
    /// Cost added per used vehicle (hierarchical objective: three times the longest depot–client–depot round trip), else 0.
    /// It steers the search towards fewer routes; the best plan is chosen by (vehicles, cost) lexicographically.
    let fixedCost: Int
    /// Whether some client may not go on some vehicle (skills, pins, demand).
    let restricted: Bool
    let allowed: [Bool]
    /// The vehicles each client may use.
    let allowedVehicles: [[Int]]
    let x: [Double]
    let y: [Double]
    let centerX: Double
    let centerY: Double
    let neighbours: [[Int]]
    let clientSegment: [Segment]
    let startSegment: [Segment]
    let endSegment: [Segment]
    /// Visits no vehicle may serve, with the reason.
    let unroutable: [(visit: Int, reason: String)]

    init(_ problem: RoutingProblem, options: SolverOptions, granularity: Int = 30) {
        let matrix = problem.matrix
        places = matrix.count
        time = matrix.seconds
        cost = options.cost == .seconds ? matrix.seconds : matrix.meters
        m = problem.vehicles.count
        startPlace = problem.startPlace
        endPlace = problem.endPlace
        shiftStart = problem.vehicles.map { $0.shift.lowerBound }
        shiftEnd = problem.vehicles.map { $0.shift.upperBound }
        capacity = problem.vehicles.map { max(0, $0.capacity) }
        maxVisits = problem.vehicles.map { $0.maxVisits ?? Int.max }
        var unroutable: [(visit: Int, reason: String)] = []
        var visitIndex: [Int] = []
        var allowed: [Bool] = []
        var allowedVehicles: [[Int]] = []
        for (index, visit) in problem.visits.enumerated() {
            var row = Array(repeating: false, count: problem.vehicles.count)
            var list: [Int] = []
            var reason = "no vehicle"
            for (k, vehicle) in problem.vehicles.enumerated() {
                if let pin = visit.pinnedVehicle, pin != vehicle.id {
                    reason = "pinned vehicle \(pin) is not in the problem"
                    continue
                }
                if !visit.requiredSkills.isSubset(of: vehicle.skills) {
                    reason = "no engineer has the skills \(visit.requiredSkills.sorted().joined(separator: ", "))"
                    continue
                }
                if visit.demand > vehicle.capacity {
                    reason = "demand \(visit.demand) exceeds every capacity"
                    continue
                }
                if vehicle.maxVisits == 0 {
                    reason = "no vehicle may take another visit"
                    continue
                }
                if visit.window.lowerBound > vehicle.shift.upperBound
                    || visit.window.upperBound < vehicle.shift.lowerBound
                {
                    reason = "the window lies outside every qualified shift"
                    continue
                }
                row[k] = true
                list.append(k)
            }
            if list.isEmpty {
                unroutable.append((index, reason))
            } else {
                visitIndex.append(index)
                allowed.append(contentsOf: row)
                allowedVehicles.append(list)
            }
        }
        self.unroutable = unroutable
        self.visitIndex = visitIndex
        self.allowed = allowed
        self.allowedVehicles = allowedVehicles
        restricted = allowed.contains(false)
        n = visitIndex.count
        let visits = visitIndex.map { problem.visits[$0] }
        place = visitIndex.map { problem.visitPlace[$0] }
        service = visits.map { max(0, $0.serviceSeconds) }
        ready = visits.map { $0.window.lowerBound }
        due = visits.map { $0.window.upperBound }
        demand = visits.map { $0.demand }
        penalty = visits.map {
            switch $0.priority {
            case .mandatory: return -1
            case .optional(let penalty): return max(0, penalty)
            }
        }
        x = problem.places.map { $0.longitude }
        y = problem.places.map { $0.latitude }
        let starts = Set(problem.startPlace).sorted()
        centerX = starts.isEmpty ? 0 : starts.map { problem.places[$0].longitude }.reduce(0, +) / Double(starts.count)
        centerY = starts.isEmpty ? 0 : starts.map { problem.places[$0].latitude }.reduce(0, +) / Double(starts.count)
        if options.objective == .hierarchical {
            var worst = 0
            for c in 0..<visitIndex.count {
                for k in 0..<problem.vehicles.count {
                    worst = max(worst, cost[startPlace[k] * places + place[c]] + cost[place[c] * places + endPlace[k]])
                }
            }
            fixedCost = max(1, 3 * worst)
        } else {
            fixedCost = 0
        }
        var clientSegment: [Segment] = []
        for c in 0..<n {
            clientSegment.append(
                Segment(
                    first: place[c], last: place[c], duration: service[c], timeWarp: 0, earliest: ready[c],
                    latest: due[c], load: demand[c], cost: 0))
        }
        self.clientSegment = clientSegment
        startSegment = (0..<m).map {
            Segment(
                first: problem.startPlace[$0], last: problem.startPlace[$0], duration: 0, timeWarp: 0,
                earliest: problem.vehicles[$0].shift.lowerBound, latest: problem.vehicles[$0].shift.upperBound,
                load: 0, cost: 0)
        }
        endSegment = (0..<m).map {
            Segment(
                first: problem.endPlace[$0], last: problem.endPlace[$0], duration: 0, timeWarp: 0,
                earliest: problem.vehicles[$0].shift.lowerBound, latest: problem.vehicles[$0].shift.upperBound,
                load: 0, cost: 0)
        }
        neighbours = Compiled.granularNeighbours(
            n: n, size: granularity, places: places, time: time, cost: cost, place: place, service: service,
            ready: ready, due: due)
    }

    /// The k nearest clients of each client by a time-window-aware proximity (Vidal et al. 2013):
    /// cost + 0.2 · waiting + 1.0 · time warp, taken symmetric (the smaller of both directions).
    static func granularNeighbours(
        n: Int, size: Int, places: Int, time: [Int], cost: [Int], place: [Int], service: [Int], ready: [Int],
        due: [Int]
    ) -> [[Int]] {
        func proximity(_ i: Int, _ j: Int) -> Double {
            let t = time[place[i] * places + place[j]]
            let wait = max(0, ready[j] - t - service[i] - due[i])
            let warp = max(0, ready[i] + service[i] + t - due[j])
            return Double(cost[place[i] * places + place[j]]) + 0.2 * Double(wait) + Double(warp)
        }
        var result: [[Int]] = []
        result.reserveCapacity(n)
        var scores: [(Double, Int)] = []
        for i in 0..<n {
            scores.removeAll(keepingCapacity: true)
            for j in 0..<n where j != i {
                scores.append((min(proximity(i, j), proximity(j, i)), j))
            }
            scores.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
            result.append(scores.prefix(size).map { $0.1 })
        }
        return result
    }

    @inline(__always)
    func join(_ a: Segment, _ b: Segment) -> Segment {
        if a.first < 0 { return b }
        if b.first < 0 { return a }
        let arc = a.last &* places &+ b.first
        let t = time[arc]
        let delta = a.duration &- a.timeWarp &+ t
        let waitDelta = max(b.earliest &- delta &- a.latest, 0)
        let warpDelta = max(a.earliest &+ delta &- b.latest, 0)
        return Segment(
            first: a.first, last: b.last, duration: a.duration &+ b.duration &+ t &+ waitDelta,
            timeWarp: a.timeWarp &+ b.timeWarp &+ warpDelta,
            earliest: max(b.earliest &- delta, a.earliest) &- waitDelta,
            latest: min(b.latest &- delta, a.latest) &+ warpDelta, load: a.load &+ b.load,
            cost: a.cost &+ b.cost &+ cost[arc])
    }

    @inline(__always)
    func isAllowed(_ client: Int, _ vehicle: Int) -> Bool { !restricted || allowed[client * m + vehicle] }
}
