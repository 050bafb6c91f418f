import Foundation

/// How Solomon distances and travel times are computed.
public enum SolomonConvention: String, Sendable, Hashable {
    /// DIMACS 2021 / PyVRP / CVRPLIB: Euclidean truncated to one decimal, `floor(10·d)/10`, for distance and time.
    case dimacs
    /// Euclidean distance in double precision (the hierarchical literature, SINTEF).
    case exact

    /// Solver units per Solomon unit (times and distances are integers in the solver).
    public var scale: Int { self == .dimacs ? 10 : 10_000 }
}

/// Planar travel for Solomon instances (`latitude` = y, `longitude` = x), in solver units of the convention.
///
/// DIMACS: `floor(10·d)` exactly (integer square root). Exact: distance `round(d·10⁴)` and time `ceil(d·10⁴)`, so a
/// route feasible in solver units is feasible in exact arithmetic too.
public struct PlanarTravel: TravelTimeSource {
    /// The convention.
    public var convention: SolomonConvention

    /// Creates the source.
    public init(convention: SolomonConvention) { self.convention = convention }

    /// `floor(sqrt(value))` for a non-negative integer, exactly.
    static func integerSquareRoot(_ value: Int) -> Int {
        var r = Int(Double(value).squareRoot())
        while r * r > value { r -= 1 }
        while (r + 1) * (r + 1) <= value { r += 1 }
        return r
    }

    /// The leg in solver units.
    public func travel(from: Coordinate, to: Coordinate) -> Leg {
        let dx = to.longitude - from.longitude
        let dy = to.latitude - from.latitude
        switch convention {
        case .dimacs:
            let squared = Int((dx * dx + dy * dy).rounded())
            let tenths = PlanarTravel.integerSquareRoot(100 * squared)
            return Leg(seconds: tenths, meters: tenths)
        case .exact:
            let d = (dx * dx + dy * dy).squareRoot() * 10_000
            return Leg(seconds: Int(d.rounded(.up)), meters: Int(d.rounded()))
        }
    }
}

/// A Solomon-format VRPTW instance (node 0 is the depot).
public struct SolomonInstance: Sendable, Hashable {
    /// One line of the CUSTOMER table.
    public struct Node: Sendable, Hashable {
        /// CUST NO.
        public var number: Int
        /// XCOORD.
        public var x: Int
        /// YCOORD.
        public var y: Int
        /// DEMAND.
        public var demand: Int
        /// READY TIME.
        public var ready: Int
        /// DUE DATE (latest start of service).
        public var due: Int
        /// SERVICE TIME.
        public var service: Int
    }

    /// The instance name (first line).
    public var name: String
    /// The fleet size (NUMBER).
    public var vehicles: Int
    /// The capacity of every vehicle.
    public var capacity: Int
    /// Node 0 (depot) and the customers, in file order.
    public var nodes: [Node]

    /// The customers (all nodes but the depot).
    public var customers: ArraySlice<Node> { nodes.dropFirst() }

    /// Parses the text layout (CRLF or LF). Returns nil when the text is not a Solomon instance.
    public static func parse(text: String) -> SolomonInstance? {
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard let name = lines.first(where: { !$0.isEmpty }),
            let vehicleHeader = lines.firstIndex(where: { $0.uppercased().hasPrefix("NUMBER") })
        else { return nil }
        var index = vehicleHeader + 1
        while index < lines.count && lines[index].isEmpty { index += 1 }
        guard index < lines.count else { return nil }
        let fleet = lines[index].split(separator: " ").compactMap { Int($0) }
        guard fleet.count == 2 else { return nil }
        guard let customerHeader = lines.firstIndex(where: { $0.uppercased().hasPrefix("CUST") }) else { return nil }
        var nodes: [Node] = []
        for line in lines[(customerHeader + 1)...] where !line.isEmpty {
            let words = line.split(separator: " ")
            let fields = words.compactMap { Int($0) }
            if fields.count < words.count { continue }
            guard fields.count >= 7 else { return nil }
            nodes.append(
                Node(
                    number: fields[0], x: fields[1], y: fields[2], demand: fields[3], ready: fields[4],
                    due: fields[5], service: fields[6]))
        }
        guard nodes.count >= 1, nodes[0].number == 0 else { return nil }
        return SolomonInstance(name: name, vehicles: fleet[0], capacity: fleet[1], nodes: nodes)
    }

    /// The instance as a routing problem in solver units of the convention; visit ids are the customer numbers,
    /// vehicles `v1`…`vN`.
    public func problem(_ convention: SolomonConvention) -> RoutingProblem {
        let scale = convention.scale
        let depot = nodes[0]
        let depotPlace = Coordinate(latitude: Double(depot.y), longitude: Double(depot.x))
        let visits = customers.map {
            RoutingVisit(
                id: String($0.number), location: Coordinate(latitude: Double($0.y), longitude: Double($0.x)),
                serviceSeconds: $0.service * scale, window: ($0.ready * scale)...($0.due * scale), demand: $0.demand)
        }
        let fleet = (1...max(1, vehicles)).map {
            RoutingVehicle(
                id: "v\($0)", start: depotPlace, end: depotPlace, shift: (depot.ready * scale)...(depot.due * scale),
                capacity: capacity)
        }
        return RoutingProblem(visits: visits, vehicles: fleet, travel: PlanarTravel(convention: convention))
    }

    /// The routes of a plan as customer numbers (non-empty routes only).
    public static func routes(of plan: RoutingPlan) -> [[Int]] {
        plan.routes.filter { !$0.stops.isEmpty }.map { $0.stops.compactMap { Int($0.visitID) } }
    }
}

/// The result of the independent Solomon checker.
public struct SolomonCheck: Sendable, Hashable {
    /// No violations.
    public var feasible: Bool { violations.isEmpty }
    /// What is wrong, in words.
    public var violations: [String]
    /// Non-empty routes.
    public var vehicles: Int
    /// Total distance in the convention (DIMACS: a multiple of 0.1).
    public var distance: Double
}

/// An independent checker for Solomon route sets, in the exact arithmetic of the convention.
///
/// It shares no code with the solver: it recomputes every distance from the coordinates (DIMACS in integer tenths,
/// exact in double precision) and checks that every customer is served once, capacity, that no customer is reached
/// after its due date, the return to the depot by its due date, and the fleet size.
public enum SolomonChecker {
    /// The distance between two nodes in the convention (DIMACS: in tenths, as an integer).
    static func tenths(_ a: SolomonInstance.Node, _ b: SolomonInstance.Node) -> Int {
        let dx = a.x - b.x
        let dy = a.y - b.y
        let square = 100 * (dx * dx + dy * dy)
        var r = Int(Double(square).squareRoot())
        while r * r > square { r -= 1 }
        while (r + 1) * (r + 1) <= square { r += 1 }
        return r
    }

    static func euclid(_ a: SolomonInstance.Node, _ b: SolomonInstance.Node) -> Double {
        let dx = Double(a.x - b.x)
        let dy = Double(a.y - b.y)
        return (dx * dx + dy * dy).squareRoot()
    }

    /// Checks routes given as customer numbers.
    public static func check(_ routes: [[Int]], _ instance: SolomonInstance, _ convention: SolomonConvention)
        -> SolomonCheck
    {
        var violations: [String] = []
        var byNumber: [Int: SolomonInstance.Node] = [:]
        for node in instance.nodes { byNumber[node.number] = node }
        let depot = instance.nodes[0]
        var seen: [Int: Int] = [:]
        var totalTenths = 0
        var totalExact = 0.0
        var used = 0
        for (r, route) in routes.enumerated() where !route.isEmpty {
            used += 1
            var load = 0
            var previous = depot
            var clockTenths = depot.ready * 10
            var clockExact = Double(depot.ready)
            for number in route {
                guard number != 0, let node = byNumber[number] else {
                    violations.append("route \(r + 1): unknown customer \(number)")
                    continue
                }
                seen[number, default: 0] += 1
                load += node.demand
                switch convention {
                case .dimacs:
                    let leg = tenths(previous, node)
                    totalTenths += leg
                    let arrival = clockTenths + leg
                    if arrival > node.due * 10 {
                        violations.append(
                            "route \(r + 1): customer \(number) reached at \(Double(arrival) / 10) after due \(node.due)"
                        )
                    }
                    clockTenths = max(arrival, node.ready * 10) + node.service * 10
                case .exact:
                    let leg = euclid(previous, node)
                    totalExact += leg
                    let arrival = clockExact + leg
                    if arrival > Double(node.due) {
                        violations.append(
                            "route \(r + 1): customer \(number) reached at \(arrival) after due \(node.due)")
                    }
                    clockExact = max(arrival, Double(node.ready)) + Double(node.service)
                }
                previous = node
            }
            switch convention {
            case .dimacs:
                let leg = tenths(previous, depot)
                totalTenths += leg
                if clockTenths + leg > depot.due * 10 {
                    violations.append("route \(r + 1): back at the depot after \(depot.due)")
                }
            case .exact:
                let leg = euclid(previous, depot)
                totalExact += leg
                if clockExact + leg > Double(depot.due) {
                    violations.append("route \(r + 1): back at the depot after \(depot.due)")
                }
            }
            if load > instance.capacity {
                violations.append("route \(r + 1): load \(load) exceeds capacity \(instance.capacity)")
            }
        }
        for node in instance.customers {
            let count = seen[node.number, default: 0]
            if count == 0 { violations.append("customer \(node.number) is not served") }
            if count > 1 { violations.append("customer \(node.number) is served \(count) times") }
        }
        if used > instance.vehicles { violations.append("\(used) routes but only \(instance.vehicles) vehicles") }
        let distance = convention == .dimacs ? Double(totalTenths) / 10 : totalExact
        return SolomonCheck(violations: violations, vehicles: used, distance: distance)
    }
}

/// One row of `bks.csv`.
public struct BestKnown: Sendable, Hashable {
    /// Instance name.
    public var instance: String
    /// Hierarchical BKS: vehicles.
    public var vehicles: Int
    /// Hierarchical BKS: exact Euclidean distance.
    public var distance: Double
    /// Distance-only BKS: routes.
    public var dimacsVehicles: Int
    /// Distance-only BKS: DIMACS distance.
    public var dimacsDistance: Double
    /// Solomon class (C1, R1, RC1, …).
    public var group: String

    /// Parses `bks.csv` (with a header naming the columns; quoted fields allowed).
    public static func parse(csv text: String) -> [String: BestKnown] {
        var rows: [[String]] = []
        for line in text.split(whereSeparator: \.isNewline) where !line.isEmpty {
            var fields: [String] = []
            var field = ""
            var quoted = false
            for ch in line {
                if ch == "\"" {
                    quoted.toggle()
                } else if ch == "," && !quoted {
                    fields.append(field)
                    field = ""
                } else {
                    field.append(ch)
                }
            }
            fields.append(field)
            rows.append(fields)
        }
        guard let header = rows.first else { return [:] }
        func column(_ name: String) -> Int? { header.firstIndex(of: name) }
        guard let name = column("instance"), let vehicles = column("vehicles"), let distance = column("distance"),
            let dimacsVehicles = column("dimacs_vehicles"), let dimacsDistance = column("dimacs_distance")
        else { return [:] }
        let group = column("group")
        var result: [String: BestKnown] = [:]
        for row in rows.dropFirst() where row.count == header.count {
            result[row[name]] = BestKnown(
                instance: row[name], vehicles: Int(row[vehicles]) ?? 0, distance: Double(row[distance]) ?? 0,
                dimacsVehicles: Int(row[dimacsVehicles]) ?? 0, dimacsDistance: Double(row[dimacsDistance]) ?? 0,
                group: group.map { row[$0] } ?? SolomonBenchmark.group(of: row[name]))
        }
        return result
    }
}

/// Solomon solution files: one line `Route k : c1 c2 …` per route.
public enum SolomonSolution {
    /// The text of a route set.
    public static func text(_ routes: [[Int]]) -> String {
        routes.filter { !$0.isEmpty }.enumerated()
            .map { "Route \($0.offset + 1) : " + $0.element.map(String.init).joined(separator: " ") }
            .joined(separator: "\n") + "\n"
    }

    /// Reads the `Route k : …` lines of a solution file (other lines are ignored).
    public static func parse(_ text: String) -> [[Int]] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("Route"), let colon = trimmed.firstIndex(of: ":") else { return nil }
            return trimmed[trimmed.index(after: colon)...].split(separator: " ").compactMap { Int($0) }
        }
    }
}

/// One instance of a benchmark run.
public struct BenchmarkRow: Sendable, Hashable {
    /// Instance name.
    public var instance: String
    /// Solomon class.
    public var group: String
    /// Vehicles used.
    public var vehicles: Int
    /// Distance in the convention of the objective.
    public var distance: Double
    /// Best-known vehicles in the matching convention (0 if unknown).
    public var bksVehicles: Int
    /// Best-known distance in the matching convention (0 if unknown).
    public var bksDistance: Double
    /// (distance − bks) / bks · 100, nil if no BKS.
    public var gapPercent: Double?
    /// Wall-clock seconds of the solve.
    public var seconds: Double
    /// The independent checker's verdict.
    public var feasible: Bool
    /// The checker's complaints.
    public var violations: [String]
    /// Routes as customer numbers.
    public var routes: [[Int]]
    /// Genetic iterations.
    public var iterations: Int
}

/// Runs the solver over every Solomon file in a folder and compares with `bks.csv`.
public enum SolomonBenchmark {
    /// The class of an instance from its name (letters and first digit: C1, R2, RC1, …).
    public static func group(of name: String) -> String {
        let letters = name.prefix { $0.isLetter }
        let digit = name.dropFirst(letters.count).prefix(1)
        return String(letters + digit).uppercased()
    }

    /// The convention of an objective: DIMACS for distance-only, exact for hierarchical.
    public static func convention(for objective: RoutingObjective) -> SolomonConvention {
        objective == .distance ? .dimacs : .exact
    }

    /// Solves one instance and checks the result independently.
    public static func solve(
        _ instance: SolomonInstance, bks: BestKnown?, seconds: Double, objective: RoutingObjective, seed: UInt64,
        threads: Int = 1, iterationLimit: Int? = nil
    ) -> BenchmarkRow {
        let convention = convention(for: objective)
        let problem = instance.problem(convention)
        let options = SolverOptions(
            seed: seed, timeLimit: seconds, iterationLimit: iterationLimit, threads: threads, objective: objective,
            cost: .meters, bufferSeconds: 0)
        let began = ContinuousClock.now
        let plan = AftercareDispatch.solve(problem, options: options)
        let elapsed = began.duration(to: .now)
        let routes = SolomonInstance.routes(of: plan)
        let check = SolomonChecker.check(routes, instance, convention)
        let reference = bks.map { objective == .distance ? $0.dimacsDistance : $0.distance }
        let referenceVehicles = bks.map { objective == .distance ? $0.dimacsVehicles : $0.vehicles } ?? 0
        let gap = reference.flatMap { $0 > 0 ? (check.distance - $0) / $0 * 100 : nil }
        return BenchmarkRow(
            instance: instance.name, group: bks?.group ?? group(of: instance.name), vehicles: check.vehicles,
            distance: check.distance, bksVehicles: referenceVehicles, bksDistance: reference ?? 0, gapPercent: gap,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            feasible: check.feasible, violations: check.violations, routes: routes, iterations: plan.iterations)
    }

    /// The Solomon files of a folder (sorted by name; files that do not parse are skipped).
    public static func instances(in directory: String) -> [SolomonInstance] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.lowercased().hasSuffix(".txt") && !$0.lowercased().hasPrefix("readme") }.sorted()
            .compactMap { file in
                guard let data = FileManager.default.contents(atPath: directory + "/" + file),
                    let text = String(data: data, encoding: .utf8)
                else { return nil }
                return SolomonInstance.parse(text: text)
            }
    }

    /// Solves every instance of the folder; `progress` sees each row as it is done.
    public static func run(
        directory: String, seconds: Double, objective: RoutingObjective, seed: UInt64, threads: Int = 1,
        progress: (BenchmarkRow) -> Void = { _ in }
    ) -> [BenchmarkRow] {
        let bksText = FileManager.default.contents(atPath: directory + "/bks.csv").flatMap {
            String(data: $0, encoding: .utf8)
        }
        let bks = bksText.map { BestKnown.parse(csv: $0) } ?? [:]
        var rows: [BenchmarkRow] = []
        for instance in instances(in: directory) {
            let row = solve(
                instance, bks: bks[instance.name], seconds: seconds, objective: objective, seed: seed,
                threads: threads)
            progress(row)
            rows.append(row)
        }
        return rows
    }

    /// The CSV: `instance,vehicles,distance,bks_distance,gap_percent,seconds,feasible`.
    public static func csv(_ rows: [BenchmarkRow]) -> String {
        var lines = ["instance,vehicles,distance,bks_distance,gap_percent,seconds,feasible"]
        for row in rows {
            let gap = row.gapPercent.map { String(format: "%.3f", $0) } ?? ""
            lines.append(
                "\(row.instance),\(row.vehicles),\(String(format: "%.2f", row.distance)),"
                    + "\(String(format: "%.2f", row.bksDistance)),\(gap),\(String(format: "%.2f", row.seconds)),"
                    + "\(row.feasible)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One line of the human table.
    public static func line(_ row: BenchmarkRow) -> String {
        let gap = row.gapPercent.map { String(format: "%7.2f", $0) } ?? "      -"
        return
            "\(row.instance.padding(toLength: 8, withPad: " ", startingAt: 0)) \(String(format: "%3d", row.vehicles))"
            + " (\(String(format: "%2d", row.bksVehicles))) \(String(format: "%10.2f", row.distance))"
            + " \(String(format: "%10.2f", row.bksDistance)) \(gap) \(String(format: "%6.1f", row.seconds))"
            + " \(row.feasible ? "yes" : "NO: " + row.violations.prefix(3).joined(separator: "; "))"
    }

    /// The header of the human table.
    public static let header = "instance veh (bks)   distance        bks   gap %      s feasible"

    /// Mean gap per class and overall, worst instance, infeasible count.
    public static func summary(_ rows: [BenchmarkRow]) -> String {
        var lines: [String] = []
        let groups = Array(Set(rows.map(\.group))).sorted()
        func mean(_ values: [Double]) -> String {
            values.isEmpty ? "-" : String(format: "%.2f", values.reduce(0, +) / Double(values.count))
        }
        for group in groups {
            let members = rows.filter { $0.group == group }
            let gaps = members.compactMap(\.gapPercent)
            let vehicles = members.map(\.vehicles).reduce(0, +)
            let bksVehicles = members.map(\.bksVehicles).reduce(0, +)
            lines.append(
                "mean gap \(group): \(mean(gaps)) % over \(gaps.count) instances; vehicles \(vehicles) (bks \(bksVehicles))"
            )
        }
        let gaps = rows.compactMap(\.gapPercent)
        lines.append("mean gap all: \(mean(gaps)) % over \(gaps.count) instances")
        if let worst = rows.filter({ $0.gapPercent != nil }).max(by: { $0.gapPercent! < $1.gapPercent! }) {
            lines.append("worst: \(worst.instance) \(String(format: "%.2f", worst.gapPercent!)) %")
        }
        let sameFleet = rows.filter { $0.vehicles == $0.bksVehicles && $0.bksVehicles > 0 }
        lines.append(
            "same vehicles as the bks: \(sameFleet.count)/\(rows.count); mean gap over those: "
                + "\(mean(sameFleet.compactMap(\.gapPercent))) %; more vehicles than the bks: "
                + "\(rows.filter { $0.vehicles > $0.bksVehicles }.map(\.instance).joined(separator: ", "))")
        let infeasible = rows.filter { !$0.feasible }.map(\.instance)
        lines.append("infeasible: \(infeasible.isEmpty ? "none" : infeasible.joined(separator: ", "))")
        lines.append(
            "vehicles: \(rows.map(\.vehicles).reduce(0, +)) (bks \(rows.map(\.bksVehicles).reduce(0, +)))")
        return lines.joined(separator: "\n")
    }
}
