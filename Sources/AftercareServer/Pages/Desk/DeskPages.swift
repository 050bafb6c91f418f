import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// The web service desk: home per role, request list, detail with the allowed actions,
/// registration, customer and unit pages, the printable registration form. Pages call the same use cases as
/// the JSON API, through the caller's scoped store.
struct DeskPages: Sendable {
    static let countCap = 1000
    static let rowsPerPage = 25

    func register(_ root: any RoutesBuilder) {
        root.get(use: home).requires(.signedIn)
        root.get("requests", use: list).requires(.action(.viewRequests))
        root.get("search", use: search).requires(.action(.viewRequests))
        root.get("requests", "new", use: newRequest).requires(.action(.registerRequests))
        root.post("requests", "new", "customer", use: newCustomer).requires(.action(.manageCustomers))
        root.post("requests", use: registerRequest).requires(.action(.registerRequests))
        root.get("requests", ":id", use: detail).requires(.action(.viewRequests))
        root.post("requests", ":id", "events", use: event).requires(.action(.viewRequests))
        root.post("requests", ":id", "visits", use: addVisit).requires(.action(.dispatchVisits))
        root.get("requests", ":id", "print", use: printForm).requires(.action(.viewRequests))
        root.get("customers", ":id", use: customer).requires(.action(.viewCustomers))
        root.get("units", ":id", use: unit).requires(.action(.viewInstalledBase))
        root.get("lookup", "units", use: lookupUnits).requires(.action(.viewInstalledBase))
    }
}
