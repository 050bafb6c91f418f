import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension DeskPages {
    // MARK: Customer and unit pages

    /// Reads the customer, their units and, for those who may see requests, their requests.
    static func customerData(_ req: Request, principal: Principal, id: Int) async throws -> CustomerData {
        let customer = try await Records<CustomerRecord>(req.store).get(id)
        let units = try await Records<UnitRecord>(req.store).list(
            page: PageRequest(limit: 200), filter: .units(customerId: customer.id))
        var filter = RequestFilter()
        filter.customerId = customer.id
        let requests =
            principal.may(.viewRequests)
            ? try await ServiceRequests(req.store).list(filter, page: PageRequest(limit: 50)).items : []
        return CustomerData(customer: customer, units: units.items, requests: requests)
    }

    @Sendable func customer(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let data = try await Self.customerData(req, principal: principal, id: req.pageId())
        let today = req.store.today
        let model = Self.customerModel(data, principal: principal, req.localizer, today: today)
        return try await PageRenderer.render("customer", title: "customer.title", model, for: req)
    }

    /// Reads the unit and, for those who may see requests, its requests.
    static func unitData(_ req: Request, principal: Principal, id: Int) async throws -> UnitData {
        let unit = try await Records<UnitRecord>(req.store).get(id)
        var filter = RequestFilter()
        filter.unitId = unit.id
        let requests =
            principal.may(.viewRequests)
            ? try await ServiceRequests(req.store).list(filter, page: PageRequest(limit: 50)).items : []
        return UnitData(unit: unit, requests: requests)
    }

    @Sendable func unit(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let data = try await Self.unitData(req, principal: principal, id: req.pageId())
        let today = req.store.today
        let model = Self.unitModel(data, principal: principal, req.localizer, today: today)
        return try await PageRenderer.render("unit", title: "unit.title", model, for: req)
    }

    /// Typeahead: units by serial prefix, within the caller's scope, as JSON.
    @Sendable func lookupUnits(_ req: Request) async throws -> Response {
        struct Hit: Content {
            var id: Int
            var serial: String
            var model: String
            var customerId: Int
        }
        let query = String(((try? req.query.get(String.self, at: "q")) ?? "").prefix(64))
        let hits = try await Self.unitsBySerialPrefix(query, req: req, limit: 10).map {
            Hit(id: $0.id, serial: $0.serialNumber, model: $0.modelCode, customerId: $0.customerId)
        }
        return try await hits.encodeResponse(for: req)
    }
}
