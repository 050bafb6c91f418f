import Foundation

/// A synthetic but realistic service day around a city, for benchmarks and tests.
///
/// 20 engineers (homes within 12 km of the centre, shifts of 8–9 h starting 07:00–09:00, 2–4 of 6 skills), 300
/// visits within 15 km (service 15–35 min, windows of 2–4 h between 08:00 and 18:00, 0–2 required skills), about 4 %
/// pinned to an engineer, 5 % emergencies (mandatory, a 2-hour window), and 55 % optional at a penalty (they may
/// wait for tomorrow). Travel is great-circle × 1.3 at 35 km/h.
public enum RealisticDay {
    /// The skills used.
    public static let skills = ["boiler", "gas", "electric", "heat-pump", "air-conditioning", "water"]

    private static let centre = Coordinate(latitude: 52.370, longitude: 4.895)

    private static func point(_ rng: inout SplitMixRandom, radiusKm: Double) -> Coordinate {
        let r = radiusKm * rng.unit().squareRoot()
        let angle = 2 * Double.pi * rng.unit()
        let dLat = r * cos(angle) / 111.32
        let dLon = r * sin(angle) / (111.32 * cos(centre.latitude * Double.pi / 180))
        return Coordinate(latitude: centre.latitude + dLat, longitude: centre.longitude + dLon)
    }

    /// The engineers of the day.
    public static func vehicles(seed: UInt64, count: Int = 20) -> [RoutingVehicle] {
        var rng = SplitMixRandom(seed: seed ^ 0xA5A5_0000_0000_0001)
        return (0..<count).map { k in
            let home = point(&rng, radiusKm: 12)
            let start = (7 * 60 + 30 * rng.below(5)) * 60
            let length = (8 * 60 + 30 * rng.below(3)) * 60
            var owned = Set<String>()
            owned.insert(skills[k % skills.count])
            let extra = 1 + rng.below(3)
            while owned.count < 1 + extra { owned.insert(skills[rng.below(skills.count)]) }
            return RoutingVehicle(
                id: "eng-\(k + 1)", start: home, end: home, shift: start...(start + length), capacity: 40,
                skills: owned, maxVisits: 18)
        }
    }

    /// The problem: 300 visits for 20 engineers by default.
    public static func generate(seed: UInt64, visits count: Int = 300, engineers: Int = 20) -> RoutingProblem {
        let fleet = vehicles(seed: seed, count: engineers)
        var rng = SplitMixRandom(seed: seed)
        var visits: [RoutingVisit] = []
        for i in 0..<count {
            let location = point(&rng, radiusKm: 15)
            let service = (15 + 5 * rng.below(5)) * 60
            let kind = rng.unit()
            var required = Set<String>()
            let skillCount = rng.unit() < 0.3 ? 0 : (rng.unit() < 0.85 ? 1 : 2)
            var window: ClosedRange<Int>
            let open = (8 * 60 + 30 * rng.below(13)) * 60
            window = open...(open + (2 + rng.below(3)) * 3600 - service)
            var priority = VisitPriority.optional(penalty: 3600 + 600 * rng.below(10))
            var pinned: String?
            if kind < 0.05 {
                let now = (9 * 60 + 30 * rng.below(12)) * 60
                window = now...(now + 2 * 3600)
                priority = .mandatory
            } else if kind < 0.45 {
                priority = .mandatory
            }
            if kind > 0.96 {
                let engineer = fleet[rng.below(fleet.count)]
                pinned = engineer.id
                required = Set(engineer.skills.sorted().prefix(skillCount))
                let start = max(open, engineer.shift.lowerBound + 3600)
                window = start...max(start, min(start + 3 * 3600, engineer.shift.upperBound - service - 3600))
                priority = .mandatory
            } else {
                while required.count < skillCount { required.insert(skills[rng.below(skills.count)]) }
            }
            visits.append(
                RoutingVisit(
                    id: "visit-\(i + 1)", location: location, serviceSeconds: service, window: window,
                    demand: 1 + rng.below(3), requiredSkills: required, priority: priority, pinnedVehicle: pinned))
        }
        return RoutingProblem(visits: visits, vehicles: fleet)
    }

    /// An emergency for the day: mandatory, one required skill, a 2-hour window.
    public static func emergency(seed: UInt64, number: Int = 1) -> RoutingVisit {
        var rng = SplitMixRandom(seed: seed &+ UInt64(number) &* 7919)
        let location = point(&rng, radiusKm: 12)
        let now = (10 * 60 + 30 * rng.below(8)) * 60
        return RoutingVisit(
            id: "emergency-\(number)", location: location, serviceSeconds: 45 * 60, window: now...(now + 2 * 3600),
            demand: 1, requiredSkills: [skills[rng.below(skills.count)]], priority: .mandatory)
    }

    /// The figures of one benchmark run.
    public struct Report: Sendable, CustomStringConvertible {
        /// Visits in the problem.
        public var visits: Int
        /// Engineers.
        public var engineers: Int
        /// Visits planned.
        public var planned: Int
        /// Mandatory visits left out.
        public var mandatoryUnassigned: Int
        /// Optional visits left out.
        public var optionalUnassigned: Int
        /// Engineers with work.
        public var engineersUsed: Int
        /// Total travel in hours.
        public var travelHours: Double
        /// Seconds the solve took.
        public var solveSeconds: Double
        /// Checker violations of the plan.
        public var violations: [Violation]
        /// Milliseconds per emergency insertion.
        public var insertMilliseconds: [Double]
        /// Whether every plan after an insertion passed the checker and served the emergency.
        public var insertsFeasible: Bool
        /// Emergencies served after insertion.
        public var insertsServed: Int

        /// A few lines for the console.
        public var description: String {
            let sorted = insertMilliseconds.sorted()
            let median = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
            return """
                day: \(visits) visits, \(engineers) engineers; planned \(planned), unassigned mandatory \(mandatoryUnassigned), optional \(optionalUnassigned)
                day: \(engineersUsed) engineers used, travel \(String(format: "%.1f", travelHours)) h, solved in \(String(format: "%.2f", solveSeconds)) s, checker: \(violations.isEmpty ? "feasible" : "\(violations.count) violations: \(violations.prefix(3).map(\.description).joined(separator: "; "))")
                emergency insert: \(insertMilliseconds.count) runs, median \(String(format: "%.1f", median)) ms, max \(String(format: "%.1f", sorted.last ?? 0)) ms, served \(insertsServed)/\(insertMilliseconds.count), all feasible: \(insertsFeasible)
                """
        }
    }

    /// Plans the day within `seconds`, then inserts `emergencies` emergencies one at a time into the plan.
    public static func run(seconds: Double, seed: UInt64, threads: Int = 1, emergencies: Int = 5) -> Report {
        let problem = generate(seed: seed)
        let options = SolverOptions(seed: seed, timeLimit: seconds, threads: threads)
        let began = ContinuousClock.now
        let plan = solve(problem, options: options)
        let elapsed = began.duration(to: .now)
        let violations = PlanChecker.check(plan, problem)
        var unassignedMandatory = 0
        var unassignedOptional = 0
        let byID = Dictionary(uniqueKeysWithValues: problem.visits.map { ($0.id, $0) })
        for missing in plan.unassigned {
            if case .mandatory = byID[missing.visitID]?.priority {
                unassignedMandatory += 1
            } else {
                unassignedOptional += 1
            }
        }
        var times: [Double] = []
        var feasible = true
        var served = 0
        for number in 1...max(1, emergencies) {
            let visit = emergency(seed: seed, number: number)
            let start = ContinuousClock.now
            let updated = insert(visit, into: plan, problem: problem, options: options)
            let took = start.duration(to: .now)
            times.append(Double(took.components.attoseconds) / 1e15 + Double(took.components.seconds) * 1000)
            let extended = problem.adding(visit)
            let known = Set(violations.map(\.description))
            let problems = PlanChecker.check(updated, extended).filter {
                $0.subject != visit.id && !known.contains($0.description)
            }
            if !problems.isEmpty { feasible = false }
            if updated.routes.contains(where: { $0.stops.contains { $0.visitID == visit.id } }) { served += 1 }
        }
        return Report(
            visits: problem.visits.count, engineers: problem.vehicles.count,
            planned: plan.routes.map(\.stops.count).reduce(0, +), mandatoryUnassigned: unassignedMandatory,
            optionalUnassigned: unassignedOptional, engineersUsed: plan.vehiclesUsed,
            travelHours: Double(plan.totalTravelSeconds) / 3600,
            solveSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            violations: violations, insertMilliseconds: times, insertsFeasible: feasible, insertsServed: served)
    }
}
