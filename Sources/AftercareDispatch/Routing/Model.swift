import Foundation

/// A point on the earth (WGS 84 degrees). Benchmarks with planar coordinates put `y` in `latitude` and `x` in
/// `longitude` and use a planar ``TravelTimeSource``.
public struct Coordinate: Sendable, Hashable, Codable {
    /// Degrees north (or planar y).
    public var latitude: Double
    /// Degrees east (or planar x).
    public var longitude: Double

    /// Creates a coordinate.
    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }
}

/// One trip between two places: how long it takes and how far it is.
public struct Leg: Sendable, Hashable, Codable {
    /// Driving time in seconds (or in the time unit of the problem).
    public var seconds: Int
    /// Driving distance in metres (or in the distance unit of the problem).
    public var meters: Int

    /// Creates a leg.
    public init(seconds: Int, meters: Int) {
        self.seconds = seconds
        self.meters = meters
    }
}

/// Where travel times come from. Today great-circle distances; later a road network can be plugged in.
public protocol TravelTimeSource: Sendable {
    /// The leg from one place to another (not necessarily symmetric).
    func travel(from: Coordinate, to: Coordinate) -> Leg
}

/// Travel estimated from the great-circle distance, times a road factor, at a constant speed (per branch).
public struct GreatCircleTravel: TravelTimeSource {
    /// How much longer the road is than the straight line (1.3 is typical for a city).
    public var roadFactor: Double
    /// The average driving speed in km/h.
    public var speedKmh: Double

    /// Creates the estimate; the defaults suit a mid-size city.
    public init(roadFactor: Double = 1.3, speedKmh: Double = 35) {
        self.roadFactor = roadFactor
        self.speedKmh = speedKmh
    }

    /// The haversine distance between two points in metres (mean earth radius 6,371,008.8 m).
    public static func greatCircleMeters(_ a: Coordinate, _ b: Coordinate) -> Double {
        let radians = Double.pi / 180
        let lat1 = a.latitude * radians
        let lat2 = b.latitude * radians
        let dLat = lat2 - lat1
        let dLon = (b.longitude - a.longitude) * radians
        let h = sin(dLat / 2) * sin(dLat / 2) + cos(lat1) * cos(lat2) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * 6_371_008.8 * asin(min(1, sqrt(h)))
    }

    /// The leg: road metres rounded, seconds rounded up.
    public func travel(from: Coordinate, to: Coordinate) -> Leg {
        let meters = GreatCircleTravel.greatCircleMeters(from, to) * roadFactor
        let seconds = meters / (max(speedKmh, 0.1) / 3.6)
        return Leg(seconds: Int(seconds.rounded(.up)), meters: Int(meters.rounded()))
    }
}

/// A dense travel matrix over a list of places, built once from a ``TravelTimeSource``.
public struct TravelMatrix: Sendable, Hashable {
    /// The number of places.
    public private(set) var count: Int
    /// Row-major travel seconds: `seconds[from * count + to]`.
    public private(set) var seconds: [Int]
    /// Row-major travel metres: `meters[from * count + to]`.
    public private(set) var meters: [Int]

    /// Builds the matrix by asking the source for every ordered pair (zero on the diagonal).
    public init(places: [Coordinate], source: any TravelTimeSource) {
        count = places.count
        seconds = Array(repeating: 0, count: count * count)
        meters = Array(repeating: 0, count: count * count)
        for i in 0..<count {
            for j in 0..<count where i != j {
                let leg = source.travel(from: places[i], to: places[j])
                seconds[i * count + j] = leg.seconds
                meters[i * count + j] = leg.meters
            }
        }
    }

    /// The leg between two place indices.
    public func leg(_ from: Int, _ to: Int) -> Leg {
        Leg(seconds: seconds[from * count + to], meters: meters[from * count + to])
    }

    /// Adds one place at the end, asking the source only for the new row and column.
    mutating func append(_ place: Coordinate, places: [Coordinate], source: any TravelTimeSource) {
        let old = count
        let size = old + 1
        var newSeconds = Array(repeating: 0, count: size * size)
        var newMeters = Array(repeating: 0, count: size * size)
        for i in 0..<old {
            for j in 0..<old {
                newSeconds[i * size + j] = seconds[i * old + j]
                newMeters[i * size + j] = meters[i * old + j]
            }
            let there = source.travel(from: places[i], to: place)
            let back = source.travel(from: place, to: places[i])
            newSeconds[i * size + old] = there.seconds
            newMeters[i * size + old] = there.meters
            newSeconds[old * size + i] = back.seconds
            newMeters[old * size + i] = back.meters
        }
        count = size
        seconds = newSeconds
        meters = newMeters
    }
}

/// How important a visit is.
public enum VisitPriority: Sendable, Hashable, Codable {
    /// Must be planned (an emergency, or already promised); never dropped while a feasible slot exists.
    case mandatory
    /// May wait for another day; leaving it out costs `penalty` (in the units of the objective).
    case optional(penalty: Int)
}

/// One job at a customer's place.
public struct RoutingVisit: Sendable, Hashable {
    /// The caller's id (unique within a problem).
    public var id: String
    /// Where the work is done.
    public var location: Coordinate
    /// How long the work takes on site.
    public var serviceSeconds: Int
    /// Earliest..latest start of the work (seconds since the day's midnight, or any epoch shared with the shifts).
    public var window: ClosedRange<Int>
    /// Load taken on the vehicle (parts); 0 by default.
    public var demand: Int
    /// Skills the engineer must all have.
    public var requiredSkills: Set<String>
    /// Mandatory or optional with a penalty.
    public var priority: VisitPriority
    /// The vehicle (engineer) this visit has been agreed with, if any.
    public var pinnedVehicle: String?

    /// Creates a visit.
    public init(
        id: String, location: Coordinate, serviceSeconds: Int, window: ClosedRange<Int>, demand: Int = 0,
        requiredSkills: Set<String> = [], priority: VisitPriority = .mandatory, pinnedVehicle: String? = nil
    ) {
        self.id = id
        self.location = location
        self.serviceSeconds = serviceSeconds
        self.window = window
        self.demand = demand
        self.requiredSkills = requiredSkills
        self.priority = priority
        self.pinnedVehicle = pinnedVehicle
    }
}

/// An engineer with a vehicle, for one day.
public struct RoutingVehicle: Sendable, Hashable {
    /// The caller's id (unique within a problem).
    public var id: String
    /// Where the shift begins.
    public var start: Coordinate
    /// Where the shift ends.
    public var end: Coordinate
    /// Leave the start no earlier than the lower bound; be back at the end no later than the upper bound.
    public var shift: ClosedRange<Int>
    /// The most load the vehicle carries.
    public var capacity: Int
    /// The engineer's skills.
    public var skills: Set<String>
    /// The most visits in the day, if limited.
    public var maxVisits: Int?

    /// Creates a vehicle.
    public init(
        id: String, start: Coordinate, end: Coordinate, shift: ClosedRange<Int>, capacity: Int = Int.max,
        skills: Set<String> = [], maxVisits: Int? = nil
    ) {
        self.id = id
        self.start = start
        self.end = end
        self.shift = shift
        self.capacity = capacity
        self.skills = skills
        self.maxVisits = maxVisits
    }
}

/// A day to plan: visits, vehicles and the travel matrix between their places.
public struct RoutingProblem: Sendable {
    /// The visits to plan.
    public private(set) var visits: [RoutingVisit]
    /// The vehicles (engineers).
    public private(set) var vehicles: [RoutingVehicle]
    /// The distinct places; visits and vehicle ends refer to them by index.
    public private(set) var places: [Coordinate]
    /// Travel between places.
    public private(set) var matrix: TravelMatrix
    /// The place index of each visit.
    public private(set) var visitPlace: [Int]
    /// The place index of each vehicle's start.
    public private(set) var startPlace: [Int]
    /// The place index of each vehicle's end.
    public private(set) var endPlace: [Int]
    /// The source the matrix was built from (used again when a visit is added).
    public let travel: any TravelTimeSource

    /// Creates a problem and builds the travel matrix once from the source.
    public init(visits: [RoutingVisit], vehicles: [RoutingVehicle], travel: any TravelTimeSource = GreatCircleTravel())
    {
        self.visits = visits
        self.vehicles = vehicles
        self.travel = travel
        var index: [Coordinate: Int] = [:]
        var places: [Coordinate] = []
        func place(_ c: Coordinate) -> Int {
            if let known = index[c] { return known }
            index[c] = places.count
            places.append(c)
            return places.count - 1
        }
        visitPlace = visits.map { place($0.location) }
        startPlace = vehicles.map { place($0.start) }
        endPlace = vehicles.map { place($0.end) }
        self.places = places
        matrix = TravelMatrix(places: places, source: travel)
    }

    /// The same problem with one more visit; only the new place's row and column are computed.
    public func adding(_ visit: RoutingVisit) -> RoutingProblem {
        var copy = self
        copy.visits.append(visit)
        if let known = places.firstIndex(of: visit.location) {
            copy.visitPlace.append(known)
        } else {
            copy.matrix.append(visit.location, places: places, source: travel)
            copy.places.append(visit.location)
            copy.visitPlace.append(places.count)
        }
        return copy
    }

    /// The leg from one place index to another.
    public func leg(_ from: Int, _ to: Int) -> Leg { matrix.leg(from, to) }
}

/// What the solver minimises.
public enum RoutingObjective: String, Sendable, Hashable, CaseIterable {
    /// Total travel cost only (the DIMACS convention for Solomon).
    case distance
    /// Fewest vehicles first, then total travel cost.
    case hierarchical
}

/// Which matrix the travel cost is taken from.
public enum CostMeasure: String, Sendable, Hashable {
    /// Minimise total travel seconds (the product's default).
    case seconds
    /// Minimise total distance (the benchmarks).
    case meters
}

/// How the solver runs.
public struct SolverOptions: Sendable, Hashable {
    /// The seed of the random number generator; the same seed, threads and iteration limit give the same plan.
    public var seed: UInt64
    /// Wall-clock limit in seconds (anytime: the best plan found so far is returned when it ends).
    public var timeLimit: Double
    /// Stop after this many genetic iterations (offspring); makes runs reproducible whatever the machine's speed.
    public var iterationLimit: Int?
    /// Stop once this many iterations in a row found nothing better: a small day is answered at once instead of
    /// after the whole time limit. `nil` searches until a limit (the benchmarks).
    public var stallLimit: Int?
    /// Independent searches run in parallel with derived seeds; the best plan is returned.
    public var threads: Int
    /// Distance only, or vehicles first.
    public var objective: RoutingObjective
    /// Travel seconds or metres as the travel cost.
    public var cost: CostMeasure
    /// How early an engineer should aim to arrive (R-4.4: 5–10 minutes); used for the departure times.
    public var bufferSeconds: Int

    /// Creates options; by default one thread, 10 s, distance objective on travel seconds, a 10-minute buffer.
    public init(
        seed: UInt64 = 1, timeLimit: Double = 10, iterationLimit: Int? = nil, stallLimit: Int? = nil,
        threads: Int = 1, objective: RoutingObjective = .distance, cost: CostMeasure = .seconds,
        bufferSeconds: Int = 600
    ) {
        self.seed = seed
        self.timeLimit = timeLimit
        self.iterationLimit = iterationLimit
        self.stallLimit = stallLimit
        self.threads = threads
        self.objective = objective
        self.cost = cost
        self.bufferSeconds = bufferSeconds
    }
}

/// One stop of a planned route.
public struct PlannedStop: Sendable, Hashable {
    /// The visit's id.
    public var visitID: String
    /// When to set off from the previous place (R-4.4: arrive `bufferSeconds` early, never before it is free).
    public var departure: Int
    /// When the engineer arrives when setting off at `departure`.
    public var arrival: Int
    /// When the work starts (within the window).
    public var serviceStart: Int
    /// When the work ends.
    public var serviceEnd: Int
    /// Travel seconds from the previous place.
    public var travelSeconds: Int
    /// Travel metres from the previous place.
    public var travelMeters: Int

    /// Creates a stop (e.g. from a stored plan, before ``insert(_:into:problem:options:)``).
    public init(
        visitID: String, departure: Int, arrival: Int, serviceStart: Int, serviceEnd: Int, travelSeconds: Int,
        travelMeters: Int
    ) {
        self.visitID = visitID
        self.departure = departure
        self.arrival = arrival
        self.serviceStart = serviceStart
        self.serviceEnd = serviceEnd
        self.travelSeconds = travelSeconds
        self.travelMeters = travelMeters
    }
}

/// The day of one vehicle.
public struct PlannedRoute: Sendable, Hashable {
    /// The vehicle's id.
    public var vehicleID: String
    /// The visits in order (empty if the vehicle stays home).
    public var stops: [PlannedStop]
    /// When the vehicle leaves its start.
    public var start: Int
    /// When the vehicle is back at its end.
    public var end: Int
    /// Travel seconds including the way back.
    public var travelSeconds: Int
    /// Travel metres including the way back.
    public var travelMeters: Int
    /// Total demand of the visits.
    public var load: Int

    /// Creates a route.
    public init(
        vehicleID: String, stops: [PlannedStop], start: Int, end: Int, travelSeconds: Int, travelMeters: Int, load: Int
    ) {
        self.vehicleID = vehicleID
        self.stops = stops
        self.start = start
        self.end = end
        self.travelSeconds = travelSeconds
        self.travelMeters = travelMeters
        self.load = load
    }
}

/// A visit the plan does not serve, and why.
public struct UnassignedVisit: Sendable, Hashable {
    /// The visit's id.
    public var visitID: String
    /// Why it is not planned.
    public var reason: String

    /// Creates an entry.
    public init(visitID: String, reason: String) {
        self.visitID = visitID
        self.reason = reason
    }
}

/// The answer of the solver.
public struct RoutingPlan: Sendable, Hashable {
    /// One route per vehicle, in the order of the problem's vehicles.
    public var routes: [PlannedRoute]
    /// Visits left out, with the reason.
    public var unassigned: [UnassignedVisit]
    /// Total travel seconds.
    public var totalTravelSeconds: Int
    /// Total travel metres.
    public var totalTravelMeters: Int
    /// Travel cost (in the chosen measure) plus the penalties of the optional visits left out.
    public var objectiveValue: Int
    /// Vehicles with at least one visit.
    public var vehiclesUsed: Int
    /// Genetic iterations the search made (summed over threads).
    public var iterations: Int

    /// Creates a plan. Only the routes' vehicle ids and stop visit ids matter to
    /// ``insert(_:into:problem:options:)``; the rest is recomputed.
    public init(
        routes: [PlannedRoute], unassigned: [UnassignedVisit], totalTravelSeconds: Int, totalTravelMeters: Int,
        objectiveValue: Int, vehiclesUsed: Int, iterations: Int
    ) {
        self.routes = routes
        self.unassigned = unassigned
        self.totalTravelSeconds = totalTravelSeconds
        self.totalTravelMeters = totalTravelMeters
        self.objectiveValue = objectiveValue
        self.vehiclesUsed = vehiclesUsed
        self.iterations = iterations
    }
}

/// R-4.4 ("the Haier rule"): when to set off so as to arrive `bufferSeconds` before the target.
///
/// The result is `arrivalTarget − travelSeconds − buffer`, never earlier than `notBefore` (the end of the previous
/// visit or the start of the shift). A negative buffer counts as zero.
public func departureTime(arrivalTarget: Int, travelSeconds: Int, bufferSeconds: Int, notBefore: Int = Int.min)
    -> Int
{
    max(notBefore, arrivalTarget - max(0, travelSeconds) - max(0, bufferSeconds))
}
