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
        root.post("requests", "views", use: saveView).requires(.action(.viewRequests))
        root.post("requests", "views", ":id", "archive", use: archiveView).requires(.action(.viewRequests))
        root.get("requests", "new", use: newRequest).requires(.action(.registerRequests))
        root.post("requests", "new", "customer", use: newCustomer).requires(.action(.manageCustomers))
        root.post("requests", use: registerRequest).requires(.action(.registerRequests))
        root.get("requests", ":id", use: detail).requires(.action(.viewRequests))
        root.post("requests", ":id", "events", use: event).requires(.action(.viewRequests))
        root.post("requests", ":id", "visits", use: addVisit).requires(.action(.dispatchVisits))
        root.on(
            .POST, "requests", ":id", "messages", body: .collect(maxSize: ByteCount(value: ConversationIntake.maxBody)),
            use: postMessage
        ).requires(.action(.viewRequests)).accepts(upTo: ConversationIntake.maxBody)
        root.get("attachments", ":id", use: attachment).requires(.signedIn)
        root.get("requests", ":id", "print", use: printForm).requires(.action(.viewRequests))
        root.get("customers", ":id", use: customer).requires(.action(.viewCustomers))
        root.get("units", ":id", use: unit).requires(.action(.viewInstalledBase))
        root.get("lookup", "units", use: lookupUnits).requires(.action(.viewInstalledBase))
        root.get("customers", use: customers).requires(.action(.viewCustomers))
        root.get("customers", "new", use: newCustomerPage).requires(.action(.manageCustomers))
        root.post("customers", use: createCustomer).requires(.action(.manageCustomers))
        root.get("customers", ":id", "edit", use: editCustomer).requires(.action(.manageCustomers))
        root.post("customers", ":id", use: updateCustomer).requires(.action(.manageCustomers))
        root.post("customers", ":id", "archive", use: archiveCustomer).requires(.action(.manageCustomers))
        root.get("units", use: units).requires(.action(.viewInstalledBase))
        root.get("units", "new", use: newUnitPage).requires(.action(.manageInstalledBase))
        root.post("units", use: createUnit).requires(.action(.manageInstalledBase))
        root.get("units", ":id", "edit", use: editUnit).requires(.action(.manageInstalledBase))
        root.post("units", ":id", use: updateUnit).requires(.action(.manageInstalledBase))
        root.post("units", ":id", "archive", use: archiveUnit).requires(.action(.manageInstalledBase))
    }
}
