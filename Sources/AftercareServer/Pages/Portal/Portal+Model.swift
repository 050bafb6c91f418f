import AftercareDomain
import AftercareStore
import Foundation

extension PortalPages {
    // MARK: Portal: its models, from store views alone

    struct HomeModel: Encodable {
        var customerName: String
        var units: [UnitRowModel]
        var requests: [RequestRowModel]
        var next: String?
    }

    /// What the portal's home shows the customer, as read from the store scoped to the customer.
    struct HomeData {
        var customer: CustomerRecord.View
        /// The customer's units.
        var units: [UnitRecord.View]
        /// A page of the customer's requests.
        var requests: Page<ServiceRequestView>
    }

    /// the portal's home in the reader's language: the customer's units with their warranty on `today`, and
    /// their requests.
    static func homeModel(_ data: HomeData, principal: Principal, _ l: Localizer, today: CalendarDate) -> HomeModel {
        HomeModel(
            customerName: data.customer.name,
            units: data.units.map { UnitRowModel($0, today: today, l) },
            requests: data.requests.items.map { RequestRowModel($0, l) },
            next: data.requests.nextCursor.map { "/portal?cursor=\($0)" })
    }

    struct NewModel: Encodable {
        var units: [SelectOption]
        var faultDescription: String
        var preferredTime: String
        var customerRequest: String
        var errors: [FieldMessage]
        var nonce: String
    }

    /// The new request form as typed: the unit chosen and what the customer wrote.
    struct NewForm {
        var unitId: Int?
        var faultDescription = ""
        var preferredTime = ""
        var customerRequest = ""
    }

    /// the customer's new request form in the reader's language: their units to choose from, what was typed,
    /// and the form's one-time `nonce`.
    static func newModel(
        _ units: [UnitRecord.View], principal: Principal, _ l: Localizer, form: NewForm, nonce: String,
        errors: [FieldMessage] = []
    ) -> NewModel {
        NewModel(
            units: units.map {
                SelectOption(
                    value: "\($0.id)", label: "\($0.modelCode) · \($0.serialNumber)", selected: $0.id == form.unitId)
            },
            faultDescription: form.faultDescription, preferredTime: form.preferredTime,
            customerRequest: form.customerRequest, errors: errors, nonce: nonce)
    }

    struct DetailModel: Encodable {
        var number: String
        var status: String
        var statusCode: String
        var nextStep: String
        var type: String
        var faultDescription: String
        var preferredTime: String?
        var created: String
        var units: [UnitLineModel]
        var timeline: [TimelineModel]
    }

    /// a request as its customer follows it, in the reader's language: the next step, without internal
    /// notes.
    static func detailModel(_ view: ServiceRequestView, principal: Principal, _ l: Localizer) -> DetailModel {
        DetailModel(
            number: view.number, status: l.t("status.\(view.status.rawValue)"), statusCode: view.status.rawValue,
            nextStep: l.t(NextStep.key(for: view.status)), type: l.t("type.\(view.type.rawValue)"),
            faultDescription: view.faultDescription, preferredTime: view.preferredTime,
            created: l.dateTime(view.createdAt),
            units: view.units.map { UnitLineModel($0, l) },
            timeline: (view.timeline ?? []).map { TimelineModel($0, l, showNotes: false) })
    }
}
