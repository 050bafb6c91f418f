import Foundation
import Testing

@testable import AftercareDispatch

/// The shared Solomon data: `../shared/data/vrptw` next to the package root. Missing data fails the test.
enum SolomonData {
    static var directory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("../shared/data/vrptw").standardized.path
    }

    static func text(_ relative: String) throws -> String {
        let path = directory + "/" + relative
        let data = try #require(FileManager.default.contents(atPath: path), "missing test data \(path)")
        return try #require(String(data: data, encoding: .utf8))
    }

    static func instance(_ name: String) throws -> SolomonInstance {
        try #require(SolomonInstance.parse(text: text(name + ".txt")), "cannot parse \(name)")
    }

    static func bks() throws -> [String: BestKnown] { try BestKnown.parse(csv: text("bks.csv")) }
}

@Suite("Solomon layer: parsing, conventions, the independent checker (R-4.4 benchmark)")
struct SolomonTests {
    @Test("the CRLF instance files parse: 25 vehicles, capacity 200, depot and 100 customers")
    func parse() throws {
        // given
        let text = try SolomonData.text("C101.txt")
        // when
        let instance = try #require(SolomonInstance.parse(text: text))
        // then
        #expect(text.contains("\r\n"))
        #expect(instance.name == "C101")
        #expect(instance.vehicles == 25)
        #expect(instance.capacity == 200)
        #expect(instance.nodes.count == 101)
        #expect(
            instance.nodes[1]
                == SolomonInstance.Node(number: 1, x: 45, y: 68, demand: 10, ready: 912, due: 967, service: 90))
    }

    @Test("bks.csv has the 29 instances with both conventions")
    func bestKnown() throws {
        // given / when
        let bks = try SolomonData.bks()
        // then
        #expect(bks.count == 29)
        #expect(bks["C101"]?.dimacsDistance == 827.3)
        #expect(bks["C101"]?.distance == 828.94)
        #expect(bks["RC101"]?.group == "RC1")
    }

    @Test("the checker accepts every verified BKS route set, with the published fleet and distance")
    func acceptsBestKnown() throws {
        // given
        let bks = try SolomonData.bks()
        for name in bks.keys.sorted() {
            let instance = try SolomonData.instance(name)
            let routes = SolomonSolution.parse(try SolomonData.text("bks_solutions/\(name).txt"))
            // when
            let exact = SolomonChecker.check(routes, instance, .exact)
            let dimacs = SolomonChecker.check(routes, instance, .dimacs)
            // then
            #expect(exact.feasible, "\(name): \(exact.violations)")
            #expect(dimacs.feasible, "\(name): \(dimacs.violations)")
            #expect(exact.vehicles == bks[name]?.vehicles)
            #expect(abs(exact.distance - (bks[name]?.distance ?? 0)) < 0.07, "\(name) \(exact.distance)")
        }
    }

    @Test("the checker rejects a late arrival, an overload, a missing and a duplicate customer")
    func rejectsBroken() throws {
        // given
        let instance = try SolomonData.instance("C101")
        let routes = SolomonSolution.parse(try SolomonData.text("bks_solutions/C101.txt"))
        var late = routes
        late[0].reverse()
        let overloaded = [routes[0] + routes[1]] + routes.dropFirst(2)
        var missing = routes
        let dropped = missing[2].removeLast()
        var duplicate = routes
        duplicate[3].append(routes[4][0])
        // when
        let lateCheck = SolomonChecker.check(late, instance, .exact)
        let loadCheck = SolomonChecker.check(overloaded, instance, .dimacs)
        let missingCheck = SolomonChecker.check(missing, instance, .exact)
        let duplicateCheck = SolomonChecker.check(duplicate, instance, .dimacs)
        // then
        #expect(lateCheck.violations.contains { $0.contains("after due") })
        #expect(loadCheck.violations.contains { $0.contains("exceeds capacity") })
        #expect(missingCheck.violations == ["customer \(dropped) is not served"])
        #expect(duplicateCheck.violations.contains { $0.contains("served 2 times") })
    }

    @Test("DIMACS travel is floor(10·d) exactly; exact travel rounds time up")
    func conventions() {
        // given
        let a = Coordinate(latitude: 0, longitude: 0)
        let b = Coordinate(latitude: 4, longitude: 3)
        let c = Coordinate(latitude: 1, longitude: 1)
        // when
        let dimacs = PlanarTravel(convention: .dimacs)
        let exact = PlanarTravel(convention: .exact)
        // then
        #expect(dimacs.travel(from: a, to: b) == Leg(seconds: 50, meters: 50))
        #expect(dimacs.travel(from: a, to: c) == Leg(seconds: 14, meters: 14))
        #expect(exact.travel(from: a, to: c) == Leg(seconds: 14_143, meters: 14_142))
    }

    @Test("a short iteration-limited solve passes both checkers: C101 distance-only, R101 (first 25) hierarchical")
    func shortSolve() throws {
        // given
        let c101 = try SolomonData.instance("C101")
        var r101 = try SolomonData.instance("R101")
        r101.nodes = Array(r101.nodes.prefix(26))
        // when
        let row = SolomonBenchmark.solve(
            c101, bks: try SolomonData.bks()["C101"], seconds: 60, objective: .distance, seed: 7, iterationLimit: 2)
        let options = SolverOptions(seed: 3, timeLimit: 60, iterationLimit: 10, objective: .hierarchical, cost: .meters)
        let plan = solve(r101.problem(.exact), options: options)
        // then
        #expect(row.feasible, "\(row.violations)")
        #expect(row.gapPercent ?? 100 < 20)
        #expect(PlanChecker.check(plan, r101.problem(.exact)).isEmpty)
        let check = SolomonChecker.check(SolomonInstance.routes(of: plan), r101, .exact)
        #expect(check.feasible, "\(check.violations)")
        #expect(check.vehicles == 8)
    }

    @Test("solution files round-trip through the Route k : … layout")
    func solutionText() {
        // given
        let routes = [[3, 1, 2], [], [5, 4]]
        // when
        let text = SolomonSolution.text(routes)
        // then
        #expect(text == "Route 1 : 3 1 2\nRoute 2 : 5 4\n")
        #expect(SolomonSolution.parse(text) == [[3, 1, 2], [5, 4]])
    }
}
