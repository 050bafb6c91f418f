import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension DeskPages {
    // MARK: Customer and unit pages

    struct CustomerModel: Encodable {
        struct ContactLine: Encodable {
            var name: String
            var role: String?
            var phones: String
            var email: String?
        }

        var id: Int
        var name: String
        var kind: String
        var tier: String
        var notes: String?
        var contacts: [ContactLine]
        var addresses: [String]
        var units: [UnitRowModel]
        var lists: [RowList]
        var canRegister: Bool
    }

    @Sendable func customer(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let l = req.localizer
        let customer = try await Records<CustomerRecord>(req.store).get(req.pageId())
        let units = try await Records<UnitRecord>(req.store).list(
            page: PageRequest(limit: 200), filter: .units(customerId: customer.id))
        var filter = RequestFilter()
        filter.customerId = customer.id
        let requests =
            principal.may(.viewRequests)
            ? try await ServiceRequests(req.store).list(filter, page: PageRequest(limit: 50)).items : []
        let today = CalendarDate(req.store.now, in: req.store.timeZone)
        let model = CustomerModel(
            id: customer.id, name: customer.name, kind: l.t("customerKind.\(customer.kind.rawValue)"),
            tier: l.t("tier.\(customer.tier.rawValue)"), notes: customer.notes,
            contacts: customer.contacts.map {
                .init(name: $0.name, role: $0.role, phones: $0.phones.joined(separator: ", "), email: $0.email)
            },
            addresses: customer.addresses.map { [$0.label, $0.text].compactMap { $0 }.joined(separator: ": ") },
            units: units.items.map { UnitRowModel($0, today: today, l) },
            lists: [RowList(id: "history", tableId: "customer-history", rows: requests.map { RequestRowModel($0, l) })],
            canRegister: principal.may(.registerRequests))
        return try await PageRenderer.render("customer", title: "customer.title", model, for: req)
    }

    struct UnitModel: Encodable {
        struct DateLine: Encodable {
            var label: String
            var value: String
        }

        var id: Int
        var serial: String
        var model: String
        var customerId: Int
        var site: String?
        var status: String
        var dates: [DateLine]
        var warranty: String
        var warrantyPeriod: String?
        var lists: [RowList]
    }

    @Sendable func unit(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let l = req.localizer
        let unit = try await Records<UnitRecord>(req.store).get(req.pageId())
        var filter = RequestFilter()
        filter.unitId = unit.id
        let requests =
            principal.may(.viewRequests)
            ? try await ServiceRequests(req.store).list(filter, page: PageRequest(limit: 50)).items : []
        let today = CalendarDate(req.store.now, in: req.store.timeZone)
        let decision = UnitRecord.decision(for: unit, on: today, cause: .unknown)
        let dates: [(String, CalendarDate?)] = [
            ("unit.saleDate", unit.saleDate), ("unit.deliveryDate", unit.deliveryDate),
            ("unit.installationDate", unit.installationDate), ("unit.acceptanceDate", unit.acceptanceDate),
        ]
        let model = UnitModel(
            id: unit.id, serial: unit.serialNumber, model: unit.modelCode, customerId: unit.customerId,
            site: unit.siteAddress, status: l.t("unitStatus.\(unit.status.rawValue)"),
            dates: dates.map { .init(label: l.t($0.0), value: $0.1?.description ?? "—") },
            warranty: l.t("warranty.\(decision.status.rawValue)"),
            warrantyPeriod: unit.warranty.map { "\($0.start) – \($0.end)" },
            lists: [RowList(id: "history", tableId: "unit-history", rows: requests.map { RequestRowModel($0, l) })])
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
