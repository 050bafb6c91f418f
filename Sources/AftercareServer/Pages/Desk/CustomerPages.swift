import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension DeskPages {
    // MARK: Customer and unit pages

    /// The history's page: the latest steps, or those after the `history` cursor of the query (one that is not
    /// this list's starts again from the latest).
    static func historyPage(_ req: Request) -> PageRequest {
        let first = PageRequest(limit: 20)
        guard let cursor = try? QueryReader(req: req).string("history") else { return first }
        return first.following(cursor) ?? first
    }

    /// The record `read` gives, or nil when it is out of the caller's sight.
    static func visible<T>(_ read: () async throws -> T) async throws -> T? {
        do { return try await read() } catch is RecordNotFound { return nil }
    }

    /// Reads the customer, their units, their owning unit's name and, for those who may see requests, their
    /// requests and the history of those requests.
    static func customerData(_ req: Request, principal: Principal, id: Int) async throws -> CustomerData {
        let customer = try await Records<CustomerRecord>(req.store).get(id)
        let units = try await Records<UnitRecord>(req.store).list(
            page: PageRequest(limit: 200), filter: .units(customerId: customer.id))
        var filter = RequestFilter()
        filter.customerId = customer.id
        let mayRead = principal.may(.viewRequests)
        let requests =
            mayRead ? try await ServiceRequests(req.store).list(filter, page: PageRequest(limit: 50)).items : []
        let history =
            mayRead
            ? try await ServiceRequests(req.store).history(of: .customer(customer.id), page: historyPage(req)) : nil
        let branch = try await visible { try await Records<OrgUnitRecord>(req.store).get(customer.orgUnitId) }
        return CustomerData(
            customer: customer, units: units.items, requests: requests, history: history,
            branch: branch.map { "\($0.code) · \($0.name)" })
    }

    @Sendable func customer(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let data = try await Self.customerData(req, principal: principal, id: req.pageId())
        let today = req.store.today
        let model = Self.customerModel(data, principal: principal, req.localizer, today: today)
        return try await PageRenderer.render("customer", title: "customer.title", model, for: req)
    }

    /// Reads the unit, its owner, model and project and, for those who may see requests, its requests and their
    /// history.
    static func unitData(_ req: Request, principal: Principal, id: Int) async throws -> UnitData {
        let unit = try await Records<UnitRecord>(req.store).get(id)
        var filter = RequestFilter()
        filter.unitId = unit.id
        let mayRead = principal.may(.viewRequests)
        let requests =
            mayRead ? try await ServiceRequests(req.store).list(filter, page: PageRequest(limit: 50)).items : []
        let history =
            mayRead ? try await ServiceRequests(req.store).history(of: .unit(unit.id), page: historyPage(req)) : nil
        // The owner may be out of the caller's sight (a warehouse keeper sees units, not customers).
        let customer = try await visible { try await Records<CustomerRecord>(req.store).get(unit.customerId) }
        let model = try await visible { try await Records<ProductModelRecord>(req.store).get(unit.modelId) }
        var project: ProjectRecord.View?
        if let projectId = unit.projectId {
            project = try await visible { try await Records<ProjectRecord>(req.store).get(projectId) }
        }
        return UnitData(
            unit: unit, requests: requests, history: history, customer: customer, model: model, project: project)
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
