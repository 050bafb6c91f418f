import AftercareDispatch
import Foundation
import Testing

/// Planar travel in whole seconds: one coordinate unit is one minute of driving.
private struct MinuteGrid: TravelTimeSource {
    func travel(from: Coordinate, to: Coordinate) -> Leg {
        let dx = to.longitude - from.longitude
        let dy = to.latitude - from.latitude
        let seconds = Int(((dx * dx + dy * dy).squareRoot() * 60).rounded())
        return Leg(seconds: seconds, meters: seconds * 10)
    }
}

/// A tiny deterministic generator for the random test instances.
private struct TestRandom {
    var state: UInt64
    mutating func next(_ bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }
}

/// The brute-force optimum: every order of the visits, cut into two routes; nil when nothing is feasible.
private func bruteForce(_ problem: RoutingProblem) -> Int? {
    let n = problem.visits.count
    func routeTravel(_ order: ArraySlice<Int>, _ k: Int) -> Int? {
        let vehicle = problem.vehicles[k]
        if order.count > (vehicle.maxVisits ?? Int.max) { return nil }
        var clock = vehicle.shift.lowerBound
        var place = problem.startPlace[k]
        var travel = 0
        var load = 0
        for i in order {
            let visit = problem.visits[i]
            if !visit.requiredSkills.isSubset(of: vehicle.skills) { return nil }
            if let pin = visit.pinnedVehicle, pin != vehicle.id { return nil }
            let leg = problem.leg(place, problem.visitPlace[i]).seconds
            let start = max(clock + leg, visit.window.lowerBound)
            if start > visit.window.upperBound { return nil }
            clock = start + visit.serviceSeconds
            travel += leg
            load += visit.demand
            place = problem.visitPlace[i]
        }
        if order.isEmpty { return 0 }
        let back = problem.leg(place, problem.endPlace[k]).seconds
        if clock + back > vehicle.shift.upperBound || load > vehicle.capacity { return nil }
        return travel + back
    }
    var best: Int?
    var order = Array(0..<n)
    func permute(_ i: Int) {
        if i == n {
            for cut in 0...n {
                guard let first = routeTravel(order[0..<cut], 0), let second = routeTravel(order[cut...], 1) else {
                    continue
                }
                if best == nil || first + second < best! { best = first + second }
            }
            return
        }
        for j in i..<n {
            order.swapAt(i, j)
            permute(i + 1)
            order.swapAt(i, j)
        }
    }
    permute(0)
    return best
}

private func randomSmallProblem(seed: UInt64) -> RoutingProblem {
    var rng = TestRandom(state: seed)
    let depot = Coordinate(latitude: 0, longitude: 0)
    let home = Coordinate(latitude: Double(rng.next(21) - 10), longitude: Double(rng.next(21) - 10))
    let vehicles = [
        RoutingVehicle(
            id: "a", start: depot, end: depot, shift: 0...(180 + rng.next(120)) * 60, capacity: 6,
            skills: ["gas"]),
        RoutingVehicle(
            id: "b", start: home, end: depot, shift: (rng.next(60) * 60)...(300 * 60), capacity: 8,
            skills: ["gas", "electric"], maxVisits: 4),
    ]
    let count = 5 + rng.next(3)
    let visits = (0..<count).map { i in
        let open = rng.next(180) * 60
        let skill: Set<String> = rng.next(4) == 0 ? ["electric"] : (rng.next(3) == 0 ? ["gas"] : [])
        return RoutingVisit(
            id: "v\(i)",
            location: Coordinate(latitude: Double(rng.next(21) - 10), longitude: Double(rng.next(21) - 10)),
            serviceSeconds: (5 + rng.next(20)) * 60, window: open...(open + (60 + rng.next(120)) * 60),
            demand: 1 + rng.next(3), requiredSkills: skill, pinnedVehicle: rng.next(8) == 0 ? "b" : nil)
    }
    return RoutingProblem(visits: visits, vehicles: vehicles, travel: MinuteGrid())
}

private func visitOrder(_ plan: RoutingPlan) -> [[String]] { plan.routes.map { $0.stops.map(\.visitID) } }

@Suite("Route optimiser (R-4.4)")
struct RoutingTests {
    @Test(
        "small random instances (≤ 7 visits, 2 vehicles, windows, skills, shifts, pins) reach the brute-force optimum")
    func bruteForceOptimum() {
        var compared = 0
        for seed in UInt64(1)...12 {
            // given
            let problem = randomSmallProblem(seed: seed)
            let optimum = bruteForce(problem)
            // when
            let plan = solve(problem, options: SolverOptions(seed: seed, timeLimit: 10, iterationLimit: 60))
            // then
            if let optimum {
                compared += 1
                #expect(PlanChecker.check(plan, problem).isEmpty, "seed \(seed)")
                #expect(plan.totalTravelSeconds == optimum, "seed \(seed)")
                #expect(plan.objectiveValue == optimum)
            } else {
                #expect(!plan.unassigned.isEmpty, "seed \(seed): infeasible, yet everything planned")
                #expect(PlanChecker.check(plan, problem).allSatisfy { $0.kind == .mandatoryUnserved })
            }
        }
        #expect(compared >= 6)
    }

    @Test("the same seed and iteration limit give the same plan")
    func deterministic() {
        // given
        let problem = RealisticDay.generate(seed: 5, visits: 30, engineers: 3)
        let options = SolverOptions(seed: 42, timeLimit: 60, iterationLimit: 8)
        // when
        let first = solve(problem, options: options)
        let second = solve(problem, options: options)
        // then
        #expect(visitOrder(first) == visitOrder(second))
        #expect(first.objectiveValue == second.objectiveValue)
        #expect(PlanChecker.check(first, problem).filter { $0.kind != .mandatoryUnserved }.isEmpty)
    }

    @Test("a stall limit ends a small day's search once nothing better turns up, with the same plan each time")
    func stallLimit() {
        // given a small day and a generous time limit
        let problem = RealisticDay.generate(seed: 3, visits: 6, engineers: 2)
        let options = SolverOptions(seed: 9, timeLimit: 60, stallLimit: 200)
        // when
        let first = solve(problem, options: options)
        let second = solve(problem, options: options)
        // then: it stopped after a few hundred iterations, not at the time limit, and the stop is reproducible
        #expect(first.iterations < 2_000)
        #expect(first.iterations >= 200)
        #expect(visitOrder(first) == visitOrder(second))
        #expect(PlanChecker.check(first, problem).filter { $0.kind != .mandatoryUnserved }.isEmpty)
    }

    @Test("two threads give a valid plan as well")
    func threads() {
        // given
        let problem = RealisticDay.generate(seed: 8, visits: 20, engineers: 3)
        // when
        let plan = solve(problem, options: SolverOptions(seed: 1, timeLimit: 60, iterationLimit: 6, threads: 2))
        // then
        #expect(PlanChecker.check(plan, problem).filter { $0.kind != .mandatoryUnserved }.isEmpty)
        #expect(plan.routes.count == 3)
    }

    @Test("an optional visit is left out only when serving it costs more than its penalty")
    func optionalVisits() {
        // given
        let depot = Coordinate(latitude: 0, longitude: 0)
        let vehicle = RoutingVehicle(id: "eng", start: depot, end: depot, shift: 0...36_000)
        func problem(_ priority: VisitPriority) -> RoutingProblem {
            RoutingProblem(
                visits: [
                    RoutingVisit(
                        id: "near", location: Coordinate(latitude: 1, longitude: 0), serviceSeconds: 600,
                        window: 0...36_000),
                    RoutingVisit(
                        id: "far", location: Coordinate(latitude: 40, longitude: 0), serviceSeconds: 600,
                        window: 0...36_000, priority: priority),
                ], vehicles: [vehicle], travel: MinuteGrid())
        }
        let options = SolverOptions(seed: 1, timeLimit: 10, iterationLimit: 20)
        // when
        let cheap = solve(problem(.optional(penalty: 1000)), options: options)
        let dear = solve(problem(.optional(penalty: 10_000)), options: options)
        let mandatory = solve(problem(.mandatory), options: options)
        // then: going to "far" and back costs 4,680 s of extra travel
        #expect(cheap.unassigned.map(\.visitID) == ["far"])
        #expect(cheap.objectiveValue == 120 + 1000)
        #expect(dear.unassigned.isEmpty)
        #expect(dear.objectiveValue == 4800)
        #expect(mandatory.unassigned.isEmpty)
        #expect(PlanChecker.check(mandatory, problem(.mandatory)).isEmpty)
    }

    @Test("a mandatory visit no engineer may serve is reported with a reason, not planned")
    func impossibleMandatory() {
        // given
        let depot = Coordinate(latitude: 0, longitude: 0)
        let problem = RoutingProblem(
            visits: [
                RoutingVisit(id: "ok", location: depot, serviceSeconds: 60, window: 0...3600),
                RoutingVisit(
                    id: "needs-gas", location: depot, serviceSeconds: 60, window: 0...3600, requiredSkills: ["gas"]),
                RoutingVisit(
                    id: "too-late", location: Coordinate(latitude: 100, longitude: 0), serviceSeconds: 60,
                    window: 0...600),
            ],
            vehicles: [RoutingVehicle(id: "eng", start: depot, end: depot, shift: 0...7200)], travel: MinuteGrid())
        // when
        let plan = solve(problem, options: SolverOptions(seed: 1, timeLimit: 5, iterationLimit: 10))
        // then
        #expect(Set(plan.unassigned.map(\.visitID)) == ["needs-gas", "too-late"])
        #expect(plan.unassigned.first { $0.visitID == "needs-gas" }?.reason.contains("skills") == true)
        #expect(PlanChecker.check(plan, problem).map(\.kind) == [.mandatoryUnserved, .mandatoryUnserved])
    }

    @Test("an emergency is inserted into a plan: feasible, served, pinned visits stay on their engineer")
    func emergencyInsert() {
        // given
        let problem = RealisticDay.generate(seed: 11, visits: 40, engineers: 4)
        let options = SolverOptions(seed: 2, timeLimit: 60, iterationLimit: 6)
        let plan = solve(problem, options: options)
        var emergency = RealisticDay.emergency(seed: 11)
        emergency.requiredSkills = []
        emergency.window = (9 * 3600)...(15 * 3600)
        // when
        let updated = insert(emergency, into: plan, problem: problem, options: options)
        // then
        let extended = problem.adding(emergency)
        #expect(updated.routes.contains { $0.stops.contains { $0.visitID == emergency.id } })
        #expect(PlanChecker.check(updated, extended).filter { $0.kind != .mandatoryUnserved }.isEmpty)
        let before = Set(plan.routes.flatMap { $0.stops.map(\.visitID) })
        let after = Set(updated.routes.flatMap { $0.stops.map(\.visitID) })
        let mandatory = Set(problem.visits.filter { $0.priority == .mandatory }.map(\.id))
        #expect(before.intersection(mandatory).isSubset(of: after))
        for route in updated.routes {
            for stop in route.stops {
                if let pin = extended.visits.first(where: { $0.id == stop.visitID })?.pinnedVehicle {
                    #expect(pin == route.vehicleID)
                }
            }
        }
    }

    @Test("the checker rejects a late start, a missing skill, a wrong pinned vehicle and a duplicate")
    func checkerRejects() throws {
        // given
        let problem = RealisticDay.generate(seed: 3, visits: 20, engineers: 3)
        let plan = solve(problem, options: SolverOptions(seed: 1, timeLimit: 30, iterationLimit: 5))
        let r = try #require(plan.routes.firstIndex { $0.stops.count >= 2 })
        var late = plan
        let visit = try #require(problem.visits.first { $0.id == late.routes[r].stops[0].visitID })
        late.routes[r].stops[0].serviceStart = visit.window.upperBound + 1
        late.routes[r].stops[0].serviceEnd = visit.window.upperBound + 1 + visit.serviceSeconds
        var duplicate = plan
        duplicate.routes[r].stops.append(duplicate.routes[r].stops[0])
        var skilled = problem.visits
        let index = try #require(skilled.firstIndex { $0.id == plan.routes[r].stops[1].visitID })
        skilled[index].requiredSkills.insert("unobtainium")
        skilled[index].pinnedVehicle = "nobody"
        let stricter = RoutingProblem(visits: skilled, vehicles: problem.vehicles)
        // when
        let lateKinds = PlanChecker.check(late, problem).map(\.kind)
        let duplicateKinds = PlanChecker.check(duplicate, problem).map(\.kind)
        let stricterKinds = PlanChecker.check(plan, stricter).map(\.kind)
        // then
        #expect(lateKinds.contains(.tooLate))
        #expect(duplicateKinds.contains(.duplicateVisit))
        #expect(stricterKinds.contains(.missingSkill))
        #expect(stricterKinds.contains(.wrongVehicle))
    }

    @Test(
        "R-4.4 departure: arrive buffer early, never before the engineer is free",
        arguments: [
            (36_000, 1200, 600, 0, 34_200),
            (36_000, 1200, 300, 0, 34_500),
            (36_000, 0, 600, 0, 35_400),
            (36_000, 1200, 600, 35_000, 35_000),
            (36_000, 1200, -5, 0, 34_800),
            (28_800, 900, 600, 28_800, 28_800),
        ])
    func departure(target: Int, travel: Int, buffer: Int, notBefore: Int, expected: Int) {
        // given / when
        let leave = departureTime(
            arrivalTarget: target, travelSeconds: travel, bufferSeconds: buffer, notBefore: notBefore)
        // then
        #expect(leave == expected)
    }

    @Test("planned stops leave so as to arrive the buffer early and start within the window")
    func plannedDepartures() {
        // given
        let problem = RealisticDay.generate(seed: 9, visits: 20, engineers: 3)
        // when
        let plan = solve(problem, options: SolverOptions(seed: 1, timeLimit: 30, iterationLimit: 5, bufferSeconds: 600))
        // then
        for route in plan.routes {
            var free = problem.vehicles.first { $0.id == route.vehicleID }!.shift.lowerBound
            for stop in route.stops {
                #expect(stop.departure == max(free, stop.serviceStart - stop.travelSeconds - 600))
                #expect(stop.arrival <= stop.serviceStart)
                free = stop.serviceEnd
            }
        }
    }

    @Test("great-circle travel: 1 km north at 36 km/h with road factor 1 is 100 s")
    func greatCircle() {
        // given
        let travel = GreatCircleTravel(roadFactor: 1, speedKmh: 36)
        let a = Coordinate(latitude: 52, longitude: 5)
        let b = Coordinate(latitude: 52 + 1 / 111.195, longitude: 5)
        // when
        let leg = travel.travel(from: a, to: b)
        // then
        #expect(abs(leg.meters - 1000) <= 1)
        #expect(abs(leg.seconds - 100) <= 1)
    }
}
