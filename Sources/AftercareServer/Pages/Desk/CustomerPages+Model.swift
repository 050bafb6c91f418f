import AftercareDomain
import AftercareStore
import Foundation

extension DeskPages {
    // MARK: Customer and unit pages: their models, from store views alone

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

    /// What the customer page shows, as read from the store for the caller.
    struct CustomerData {
        var customer: CustomerRecord.View
        var units: [UnitRecord.View]
        /// The customer's requests; empty for those who may not see requests.
        var requests: [ServiceRequestView]
    }

    /// the customer page for `principal` in the reader's language: contacts, addresses, units with their
    /// warranty on `today`, and the request history.
    static func customerModel(_ data: CustomerData, principal: Principal, _ l: Localizer, today: CalendarDate)
        -> CustomerModel
    {
        let customer = data.customer
        return CustomerModel(
            id: customer.id, name: customer.name, kind: l.t("customerKind.\(customer.kind.rawValue)"),
            tier: l.t("tier.\(customer.tier.rawValue)"), notes: customer.notes,
            contacts: customer.contacts.map {
                .init(name: $0.name, role: $0.role, phones: $0.phones.joined(separator: ", "), email: $0.email)
            },
            addresses: customer.addresses.map { [$0.label, $0.text].compactMap { $0 }.joined(separator: ": ") },
            units: data.units.map { UnitRowModel($0, today: today, l) },
            lists: [
                RowList(id: "history", tableId: "customer-history", rows: data.requests.map { RequestRowModel($0, l) })
            ],
            canRegister: principal.may(.registerRequests))
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

    /// What the unit page shows, as read from the store for the caller.
    struct UnitData {
        var unit: UnitRecord.View
        /// The unit's requests; empty for those who may not see requests.
        var requests: [ServiceRequestView]
    }

    /// the unit page in the reader's language: its dates, its warranty on `today`, and its request history.
    static func unitModel(_ data: UnitData, principal: Principal, _ l: Localizer, today: CalendarDate) -> UnitModel {
        let unit = data.unit
        let dates: [(String, CalendarDate?)] = [
            ("unit.saleDate", unit.saleDate), ("unit.deliveryDate", unit.deliveryDate),
            ("unit.installationDate", unit.installationDate), ("unit.acceptanceDate", unit.acceptanceDate),
        ]
        return UnitModel(
            id: unit.id, serial: unit.serialNumber, model: unit.modelCode, customerId: unit.customerId,
            site: unit.siteAddress, status: l.t("unitStatus.\(unit.status.rawValue)"),
            dates: dates.map { .init(label: l.t($0.0), value: $0.1?.description ?? "—") },
            warranty: l.warranty(unit.warranty, on: today),
            warrantyPeriod: unit.warranty.map { "\($0.start) – \($0.end)" },
            lists: [RowList(id: "history", tableId: "unit-history", rows: data.requests.map { RequestRowModel($0, l) })]
        )
    }
}
