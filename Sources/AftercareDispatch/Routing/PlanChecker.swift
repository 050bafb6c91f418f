import Foundation

/// Something a plan gets wrong.
public struct Violation: Sendable, Hashable, CustomStringConvertible {
    /// The kind of violation.
    public enum Kind: String, Sendable, Hashable {
        /// A route names a vehicle that is not in the problem, or a vehicle has two routes.
        case unknownVehicle
        /// A stop names a visit that is not in the problem.
        case unknownVisit
        /// A visit is served more than once.
        case duplicateVisit
        /// The engineer lacks a required skill.
        case missingSkill
        /// A pinned visit is on another vehicle.
        case wrongVehicle
        /// Service starts before the window opens or before the engineer can be there.
        case tooEarly
        /// Service starts after the window closes.
        case tooLate
        /// The engineer is back after the shift ends.
        case shiftEnd
        /// The stated times do not follow from the travel matrix (arrival, service end, travel).
        case inconsistentTimes
        /// The load exceeds the vehicle's capacity.
        case capacity
        /// More visits than the vehicle may take.
        case tooManyVisits
        /// A mandatory visit is not served.
        case mandatoryUnserved
        /// A visit is neither served nor listed as unassigned.
        case unaccounted
    }

    /// The kind.
    public var kind: Kind
    /// The visit or vehicle concerned.
    public var subject: String
    /// Details in words.
    public var detail: String

    /// Creates a violation.
    public init(_ kind: Kind, _ subject: String, _ detail: String) {
        self.kind = kind
        self.subject = subject
        self.detail = detail
    }

    /// "kind subject: detail".
    public var description: String { "\(kind.rawValue) \(subject): \(detail)" }
}

/// The independent checker: recomputes every route from the raw problem (travel matrix, windows, shifts, skills,
/// pins, capacity, visit limits) without using the solver's bookkeeping, and verifies the stated times.
public enum PlanChecker {
    /// All violations of the plan (empty when the plan is feasible and serves every mandatory visit).
    public static func check(_ plan: RoutingPlan, _ problem: RoutingProblem) -> [Violation] {
        var violations: [Violation] = []
        var visitIndex: [String: Int] = [:]
        for (i, visit) in problem.visits.enumerated() { visitIndex[visit.id] = i }
        var vehicleIndex: [String: Int] = [:]
        for (k, vehicle) in problem.vehicles.enumerated() { vehicleIndex[vehicle.id] = k }
        var served: [String: Int] = [:]
        var routed = Set<String>()
        for route in plan.routes {
            guard let k = vehicleIndex[route.vehicleID], routed.insert(route.vehicleID).inserted else {
                violations.append(Violation(.unknownVehicle, route.vehicleID, "unknown vehicle or a second route"))
                continue
            }
            if route.stops.isEmpty { continue }
            let vehicle = problem.vehicles[k]
            var clock = vehicle.shift.lowerBound
            var place = problem.startPlace[k]
            var load = 0
            for stop in route.stops {
                guard let i = visitIndex[stop.visitID] else {
                    violations.append(Violation(.unknownVisit, stop.visitID, "not in the problem"))
                    continue
                }
                let visit = problem.visits[i]
                served[visit.id, default: 0] += 1
                if served[visit.id] == 2 {
                    violations.append(Violation(.duplicateVisit, visit.id, "served more than once"))
                }
                if !visit.requiredSkills.isSubset(of: vehicle.skills) {
                    violations.append(Violation(.missingSkill, visit.id, "\(vehicle.id) lacks a required skill"))
                }
                if let pin = visit.pinnedVehicle, pin != vehicle.id {
                    violations.append(Violation(.wrongVehicle, visit.id, "pinned to \(pin), planned on \(vehicle.id)"))
                }
                let here = problem.visitPlace[i]
                let leg = problem.leg(place, here)
                if stop.travelSeconds != leg.seconds || stop.departure < clock
                    || stop.arrival != stop.departure + leg.seconds
                {
                    violations.append(
                        Violation(
                            .inconsistentTimes, visit.id,
                            "departure \(stop.departure) (free at \(clock)), arrival \(stop.arrival), travel \(leg.seconds)"
                        ))
                }
                let earliest = max(clock + leg.seconds, visit.window.lowerBound)
                if stop.serviceStart < earliest || stop.serviceStart < stop.arrival {
                    violations.append(
                        Violation(.tooEarly, visit.id, "starts \(stop.serviceStart), earliest possible \(earliest)"))
                }
                if stop.serviceStart > visit.window.upperBound {
                    violations.append(
                        Violation(
                            .tooLate, visit.id, "starts \(stop.serviceStart), window ends \(visit.window.upperBound)"))
                }
                clock = max(stop.serviceStart, earliest) + visit.serviceSeconds
                if stop.serviceEnd != stop.serviceStart + visit.serviceSeconds {
                    violations.append(Violation(.inconsistentTimes, visit.id, "service end \(stop.serviceEnd)"))
                }
                load += visit.demand
                place = here
            }
            let back = clock + problem.leg(place, problem.endPlace[k]).seconds
            if back > vehicle.shift.upperBound {
                violations.append(
                    Violation(.shiftEnd, vehicle.id, "back at \(back), shift ends \(vehicle.shift.upperBound)"))
            }
            if load > vehicle.capacity {
                violations.append(Violation(.capacity, vehicle.id, "load \(load) exceeds \(vehicle.capacity)"))
            }
            if let limit = vehicle.maxVisits, route.stops.count > limit {
                violations.append(Violation(.tooManyVisits, vehicle.id, "\(route.stops.count) visits, limit \(limit)"))
            }
        }
        let listed = Set(plan.unassigned.map(\.visitID))
        for visit in problem.visits where served[visit.id] == nil {
            if case .mandatory = visit.priority {
                violations.append(Violation(.mandatoryUnserved, visit.id, "mandatory visit not served"))
            }
            if !listed.contains(visit.id) {
                violations.append(Violation(.unaccounted, visit.id, "neither served nor listed as unassigned"))
            }
        }
        return violations
    }
}
