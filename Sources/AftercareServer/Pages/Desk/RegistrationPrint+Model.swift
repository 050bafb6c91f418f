import AftercareDomain
import AftercareStore
import Foundation

extension DeskPages {
    // MARK: Printable registration form: its model, from store views alone

    struct PrintModel: Encodable {
        var id: Int
        var number: String
        var date: String
        var customerName: String
        var contactName: String?
        var contactPhone: String?
        var address: String?
        var channel: String
        var type: String
        var priority: String
        var emergency: Bool
        var faultDescription: String
        var customerRequest: String?
        var preferredTime: String?
        var units: [UnitLineModel]
        var printedAt: String
    }

    /// What the printable registration form shows, as read from the store.
    struct PrintData {
        var view: ServiceRequestView
        /// The request's customer, for the contact and the address the request does not hold; nil if unreadable.
        var customer: CustomerRecord.View?
    }

    /// the printable registration form in the reader's language, printed at `now`.
    static func printModel(_ data: PrintData, principal: Principal, _ l: Localizer, now: Date) -> PrintModel {
        let view = data.view
        let customer = data.customer
        return PrintModel(
            id: view.id, number: view.number, date: l.date(view.createdAt), customerName: view.customerName,
            contactName: view.contactName ?? customer?.contacts.first?.name,
            contactPhone: view.contactPhone ?? customer?.contacts.first?.phones.first,
            address: customer?.addresses.first?.text, channel: l.t("channel.\(view.channel.rawValue)"),
            type: l.t("type.\(view.type.rawValue)"), priority: l.t("priority.\(view.priority.rawValue)"),
            emergency: view.emergency, faultDescription: view.faultDescription,
            customerRequest: view.customerRequest, preferredTime: view.preferredTime,
            units: view.units.map { UnitLineModel($0, l) }, printedAt: l.dateTime(now))
    }
}
