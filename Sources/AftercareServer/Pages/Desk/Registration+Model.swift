import AftercareDomain
import AftercareStore
import Foundation

extension DeskPages {
    // MARK: Registration: its model, from store views alone

    struct NewModel: Encodable {
        struct Found: Encodable {
            var link: String
            var label: String
            var detail: String
        }

        struct UnitChoice: Encodable {
            var id: Int
            var serial: String
            var model: String
            var warranty: String
            var checked: Bool
            var openRequests: [String]
        }

        var customerQuery: String
        var found: [Found]
        var searched: Bool
        var customerId: Int?
        var customerName: String?
        var units: [UnitChoice]
        var channelOptions: [SelectOption]
        var typeOptions: [SelectOption]
        var priorityOptions: [SelectOption]
        var kindOptions: [SelectOption]
        var faultDescription: String
        var customerRequest: String
        var preferredTime: String
        var contactName: String
        var contactPhone: String
        var emergency: Bool
        var duplicates: [String]
        var errors: [FieldMessage]
        var nonce: String
        var canCreateCustomer: Bool
    }

    struct RegistrationForm {
        var customerId: Int?
        var unitIds: [Int] = []
        var channel: AftercareDomain.Channel = .phone
        var type: RequestType = .repair
        var priority: Priority = .normal
        var faultDescription = ""
        var customerRequest = ""
        var preferredTime = ""
        var contactName = ""
        var contactPhone = ""
        var emergency = false
    }

    /// What the registration page shows, as read from the store for the caller.
    struct RegistrationData {
        /// Customers found by the search, and units whose serial starts with it (empty without a search).
        var customers: [CustomerRecord.View] = []
        var units: [UnitRecord.View] = []
        /// The chosen customer, their units and their open requests.
        var customer: CustomerRecord.View?
        var owned: [UnitRecord.View] = []
        var openRequests: [ServiceRequestView] = []
    }

    /// the registration page for `principal` in the reader's language: what the search found, the chosen
    /// customer's units with their warranty on `today` and open requests, the form as typed, and its one-time `nonce`
    /// (made by the caller).
    static func newModel(
        _ data: RegistrationData, principal: Principal, _ l: Localizer, query: String, form: RegistrationForm,
        today: CalendarDate, duplicates: [String] = [], errors: [FieldMessage] = [], nonce: String
    ) -> NewModel {
        var found: [NewModel.Found] = []
        let searched = !query.isEmpty
        if searched {
            found += data.customers.map {
                .init(
                    link: "/requests/new?customerId=\($0.id)", label: $0.name, detail: l.t("tier.\($0.tier.rawValue)"))
            }
            found += data.units.map {
                .init(
                    link: "/requests/new?customerId=\($0.customerId)&unitId=\($0.id)", label: $0.serialNumber,
                    detail: $0.modelCode)
            }
        }
        var units: [NewModel.UnitChoice] = []
        if form.customerId != nil {
            units = data.owned.map { unit in
                NewModel.UnitChoice(
                    id: unit.id, serial: unit.serialNumber, model: unit.modelCode,
                    warranty: l.warranty(unit.warranty, on: today), checked: form.unitIds.contains(unit.id),
                    openRequests: data.openRequests.filter { $0.units.contains { $0.unitId == unit.id } }.map(\.number))
            }
        }
        return NewModel(
            customerQuery: query, found: found, searched: searched, customerId: form.customerId,
            customerName: data.customer?.name, units: units,
            channelOptions: SelectOption.of(AftercareDomain.Channel.self, prefix: "channel", selected: form.channel, l),
            typeOptions: SelectOption.of(RequestType.self, prefix: "type", selected: form.type, l),
            priorityOptions: SelectOption.of(Priority.self, prefix: "priority", selected: form.priority, l),
            kindOptions: SelectOption.of(CustomerKind.self, prefix: "customerKind", selected: .company, l),
            faultDescription: form.faultDescription, customerRequest: form.customerRequest,
            preferredTime: form.preferredTime, contactName: form.contactName, contactPhone: form.contactPhone,
            emergency: form.emergency, duplicates: duplicates, errors: errors, nonce: nonce,
            canCreateCustomer: principal.may(.manageCustomers))
    }
}
