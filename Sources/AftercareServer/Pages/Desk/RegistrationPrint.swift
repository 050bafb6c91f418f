import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension DeskPages {
    // MARK: Printable registration form

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

    /// 售后服务登记表: one request, one or several units, in the chosen language (`?lang=`), print-friendly.
    @Sendable func printForm(_ req: Request) async throws -> Response {
        if let chosen = (try? req.query.get(String.self, at: "lang")).flatMap(Language.init) {
            req.principal?.locale = chosen
        }
        let l = req.localizer
        let view = try await ServiceRequests(req.store).get(req.pageId())
        let customer = try? await Records<CustomerRecord>(req.store.seen(within: .everything)).get(view.customerId)
        let model = PrintModel(
            id: view.id, number: view.number, date: l.date(view.createdAt), customerName: view.customerName,
            contactName: view.contactName ?? customer?.contacts.first?.name,
            contactPhone: view.contactPhone ?? customer?.contacts.first?.phones.first,
            address: customer?.addresses.first?.text, channel: l.t("channel.\(view.channel.rawValue)"),
            type: l.t("type.\(view.type.rawValue)"), priority: l.t("priority.\(view.priority.rawValue)"),
            emergency: view.emergency, faultDescription: view.faultDescription,
            customerRequest: view.customerRequest, preferredTime: view.preferredTime,
            units: view.units.map { UnitLineModel($0, l) }, printedAt: l.dateTime(req.store.now))
        return try await PageRenderer.render("print-registration", title: "print.title", model, for: req)
    }
}
