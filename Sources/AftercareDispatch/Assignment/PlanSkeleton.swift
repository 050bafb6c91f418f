import Foundation

extension RoutingPlan {
    /// A plan known only by its visiting orders (as kept by the caller), for ``insert(_:into:problem:options:)``,
    /// which recomputes every time from the problem.
    public init(orders: [(vehicleID: String, visitIDs: [String])]) {
        self.init(
            routes: orders.map { order in
                PlannedRoute(
                    vehicleID: order.vehicleID,
                    stops: order.visitIDs.map {
                        PlannedStop(
                            visitID: $0, departure: 0, arrival: 0, serviceStart: 0, serviceEnd: 0, travelSeconds: 0,
                            travelMeters: 0)
                    }, start: 0, end: 0, travelSeconds: 0, travelMeters: 0, load: 0)
            }, unassigned: [], totalTravelSeconds: 0, totalTravelMeters: 0, objectiveValue: 0, vehiclesUsed: 0,
            iterations: 0)
    }
}
