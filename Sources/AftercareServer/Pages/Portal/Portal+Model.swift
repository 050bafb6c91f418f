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
        /// A unit that already has a request under way: the customer is shown it before opening a second one.
        struct OpenRequest: Encodable {
            var id: Int
            var number: String
            var unit: String
            var status: String
        }

        var units: [SelectOption]
        var openRequests: [OpenRequest]
        var faultDescription: String
        var preferredTime: String
        var customerRequest: String
        var contactName: String
        var contactPhone: String
        var errors: [FieldMessage]
        var nonce: String
    }

    /// The new request form as typed: the unit chosen, what the customer wrote and who to call.
    struct NewForm {
        var unitId: Int?
        var faultDescription = ""
        var preferredTime = ""
        var customerRequest = ""
        var contactName = ""
        var contactPhone = ""
    }

    /// What the new request form offers, as read from the store scoped to the customer.
    struct NewData {
        var units: [UnitRecord.View]
        /// The customer's requests still under way.
        var openRequests: [ServiceRequestView]
    }

    /// The customer's contact that this account is: by name, else the first contact.
    static func contact(of principal: Principal, in customer: CustomerRecord.View) -> Contact? {
        customer.contacts.first { $0.name == principal.displayName } ?? customer.contacts.first
    }

    /// the customer's new request form in the reader's language: their units to choose from (a unit with
    /// a request under way says so), what was typed, who to call, and the form's one-time `nonce`.
    static func newModel(
        _ data: NewData, principal: Principal, _ l: Localizer, form: NewForm, nonce: String,
        errors: [FieldMessage] = []
    ) -> NewModel {
        // Each unit once: its label, and the requests under way on it (matched by id, not by the label).
        let units = data.units.map { unit in
            (
                unit: unit, label: "\(unit.modelCode) · \(unit.serialNumber)",
                open: data.openRequests.filter { $0.units.contains { $0.unitId == unit.id } }
            )
        }
        let open = units.flatMap { entry in
            entry.open.map {
                NewModel.OpenRequest(
                    id: $0.id, number: $0.number, unit: entry.label, status: l.t("status.\($0.status.rawValue)"))
            }
        }
        return NewModel(
            units: units.map { entry in
                SelectOption(
                    value: "\(entry.unit.id)",
                    label: entry.open.first.map {
                        entry.label + " — "
                            + l.t("portal.unitBusy").replacingOccurrences(of: "{number}", with: $0.number)
                    } ?? entry.label, selected: entry.unit.id == form.unitId)
            }, openRequests: open,
            faultDescription: form.faultDescription, preferredTime: form.preferredTime,
            customerRequest: form.customerRequest, contactName: form.contactName, contactPhone: form.contactPhone,
            errors: errors, nonce: nonce)
    }

    struct DetailModel: Encodable {
        /// A visit as the customer sees it: which one, who comes and when.
        struct Appointment: Encodable {
            var title: String
            var status: String
            var engineer: String?
            var when: String?
            /// the engineer's qualification as the customer may check it: level and certifications valid that
            /// day.
            var qualification: String?
        }

        var number: String
        var status: String
        var statusCode: String
        var nextStep: String
        var type: String
        var faultDescription: String
        var customerRequest: String?
        var preferredTime: String?
        var created: String
        var units: [UnitLineModel]
        var appointments: [Appointment]
        var timeline: [TimelineModel]
        /// The conversation without internal notes, and the form for the customer's message.
        var conversation: ConversationModel
        /// the published fee schedule that applies to the request, shown once a visit is planned.
        var tables: FeeScheduleTables?
        /// the service reports handed in, each to read and (when waiting) to sign.
        var reports: [Report]
        /// the quotes sent to the customer (to accept or reject) and the fee documents (to print).
        var fees: FeesPanelModel? = nil
    }

    /// A service report as the customer's request lists it.
    struct Report: Encodable {
        var id: Int
        var title: String
        var status: String
        var toSign: Bool
    }

    /// a request as its customer follows it, in the reader's language: the next step, the customer's
    /// own words, who comes and when once a visit is agreed, and the timeline without internal notes.
    static func detailModel(
        _ view: ServiceRequestView, appointments: [CustomerAppointment] = [], messages: [MessageView] = [],
        schedule: FeeScheduleRecord.View? = nil, reports: [ServiceReportView] = [], quotes: [QuoteView] = [],
        documents: [FeeDocumentView] = [], principal: Principal, _ l: Localizer
    ) -> DetailModel {
        DetailModel(
            number: view.number, status: l.t("status.\(view.status.rawValue)"), statusCode: view.status.rawValue,
            nextStep: l.t(NextStep.key(for: view.status)), type: l.t("type.\(view.type.rawValue)"),
            faultDescription: view.faultDescription, customerRequest: view.customerRequest,
            preferredTime: view.preferredTime, created: l.dateTime(view.createdAt),
            units: view.units.map { UnitLineModel($0, l) },
            appointments: appointments.map {
                .init(
                    title: l.visit(TimelineVisit(sequence: $0.sequence, purpose: $0.purpose)),
                    status: l.t("visitStatus.\($0.status.rawValue)"), engineer: $0.engineerName,
                    when: $0.plannedArrival.map { l.dateTime($0) } ?? l.window($0.windowStart, $0.windowEnd),
                    qualification: qualification($0, l))
            },
            timeline: (view.timeline ?? []).map { TimelineModel($0, l, showNotes: false) },
            conversation: ConversationModel(
                messages.filter(\.kind.isPublic), kinds: [.customerMessage],
                action: "/portal/requests/\(view.id)/messages",
                l), tables: appointments.isEmpty ? nil : schedule.map { FeeScheduleTables($0, l) },
            reports: reports.map {
                Report(
                    id: $0.id,
                    title: [
                        l.t("reports.visitN").replacingOccurrences(of: "{n}", with: l.number($0.visitSequence)),
                        $0.unitSerial,
                    ].compactMap { $0 }.joined(separator: " · "),
                    status: l.t("reportStatus.\($0.status.rawValue)"), toSign: $0.status == .submitted)
            },
            fees: quotes.isEmpty && documents.isEmpty
                ? nil
                : FeesPanelModel(
                    requestId: view.id, quotes: quotes, documents: documents, portal: true, canQuote: false,
                    canBill: false, l))
    }

    /// "3 级工程师 · 电工特种作业操作证（有效期至 2027-05-01）".
    static func qualification(_ appointment: CustomerAppointment, _ l: Localizer) -> String? {
        guard appointment.engineerName != nil, let level = appointment.engineerLevel else { return nil }
        return l.qualification(
            l.t("portal.engineerLevel").replacingOccurrences(of: "{n}", with: l.number(level)),
            certifications: appointment.certifications)
    }
}
