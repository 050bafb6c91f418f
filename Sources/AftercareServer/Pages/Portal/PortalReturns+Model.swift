import AftercareDomain
import AftercareStore
import Foundation

extension PortalReturnPages {
    // MARK: The customer's returns: their models, from store views alone

    /// One of the customer's return cases as their list shows it.
    struct CaseRow: Encodable {
        var id: Int
        var number: String
        /// "AC-200 · SN-0001, AC-200 · SN-0002".
        var units: String
        var status: String
        var statusCode: String
        /// The way out in words, once the decision stands.
        var resolution: String?
        var created: String
        var updated: String
    }

    /// A unit the customer may tick on the application.
    struct UnitChoice: Encodable {
        var value: String
        var label: String
        var checked: Bool
        /// The open case the unit is already on, in words ("return RMA-2026-000003 under way"): it cannot be ticked.
        var busy: String?
    }

    /// The application form as the page shows it.
    struct ApplyModel: Encodable {
        var units: [UnitChoice]
        var reason: String
        var wishOptions: [SelectOption]
        var shippingOptions: [SelectOption]
        var shipFrom: String
        var carrier: String
        var trackingNumber: String
        var contactName: String
        var contactPhone: String
    }

    struct ListModel: Encodable {
        var cases: [CaseRow]
        var next: String?
        var form: ApplyModel
        var errors: [FieldMessage]
    }

    /// The application as typed (or as first offered: the unit asked for, the account's contact).
    struct ApplyForm {
        var unitIds: [Int] = []
        var reason = ""
        var wish: ReturnWish = .repair
        var shipping: ReturnShipping = .customerSends
        var shipFrom = ""
        var carrier = ""
        var trackingNumber = ""
        var contactName = ""
        var contactPhone = ""
    }

    /// What the returns page shows, as read from the store scoped to the customer.
    struct ListData {
        /// A page of the customer's cases, newest first.
        var cases: Page<ReturnCaseView>
        /// The customer's units.
        var units: [UnitRecord.View]
        /// The customer's cases still under way (to mark the units already on one).
        var openCases: [ReturnCaseView]
    }

    /// "AC-200 · SN-0001": a unit as the customer knows it.
    static func unitLabel(model: String, serial: String) -> String { "\(model) · \(serial)" }

    /// The way out of a case once the decision stands: nothing while it waits for approval (or before it is taken).
    static func standingResolution(_ view: ReturnCaseView) -> ReturnResolution? {
        view.status == .decided ? nil : view.resolution
    }

    /// the customer's returns in the reader's language: their cases, and the application form with
    /// their units in service (a unit already on an open case says so and cannot be ticked).
    static func listModel(
        _ data: ListData, principal: Principal, _ l: Localizer, form: ApplyForm, errors: [FieldMessage] = []
    ) -> ListModel {
        var busy: [Int: String] = [:]
        for open in data.openCases {
            for unit in open.units where busy[unit.unitId] == nil { busy[unit.unitId] = open.number }
        }
        let units: [UnitChoice] = data.units.filter { $0.status == .inService && $0.archivedAt == nil }.map { unit in
            let onCase = busy[unit.id]
            return UnitChoice(
                value: "\(unit.id)", label: unitLabel(model: unit.modelCode, serial: unit.serialNumber),
                checked: onCase == nil && form.unitIds.contains(unit.id),
                busy: onCase.map { l.t("portalReturns.unitBusy").replacingOccurrences(of: "{number}", with: $0) })
        }
        let rows: [CaseRow] = data.cases.items.map { view in
            CaseRow(
                id: view.id, number: view.number,
                units: view.units.map { unitLabel(model: $0.modelCode, serial: $0.serialNumber) }
                    .joined(separator: ", "),
                status: l.t("returnStatus.\(view.status.rawValue)"), statusCode: view.status.rawValue,
                resolution: standingResolution(view).map { l.t("returnResolution.\($0.rawValue)") },
                created: l.dateTime(view.createdAt), updated: l.dateTime(view.updatedAt))
        }
        return ListModel(
            cases: rows,
            next: data.cases.nextCursor.map { PageLink.make("/portal/returns", [("cursor", $0)]) },
            form: ApplyModel(
                units: units, reason: form.reason,
                wishOptions: SelectOption.of(ReturnWish.self, prefix: "returnWish", selected: form.wish, l),
                shippingOptions: SelectOption.of(
                    ReturnShipping.self, prefix: "returnShipping", selected: form.shipping, l),
                shipFrom: form.shipFrom, carrier: form.carrier, trackingNumber: form.trackingNumber,
                contactName: form.contactName, contactPhone: form.contactPhone),
            errors: errors)
    }

    // MARK: One case

    /// A label and its value, in the reader's language.
    struct Fact: Encodable {
        var label: String
        var value: String
    }

    struct UnitLine: Encodable {
        var model: String
        var modelName: String
        var serial: String
        /// For an exchange: the serial of the new unit that replaced this one.
        var replacement: String?
    }

    /// One step of the case as the customer sees it.
    struct Step: Encodable {
        var at: String
        var code: String
        var event: String
        /// The status the step led to, when it changed.
        var status: String?
        /// Only why the case was refused or cancelled: other notes can be internal.
        var note: String?
    }

    struct ShipForm: Encodable {
        var carrier: String
        var trackingNumber: String
        /// The customer sends it by carrier: both fields are asked for.
        var required: Bool
    }

    struct CancelForm: Encodable {
        var note: String
        /// Opened when a cancellation was refused, to show what was typed.
        var open: Bool
    }

    struct CreditNote: Encodable {
        var number: String
        var link: String
    }

    struct DetailModel: Encodable {
        var id: Int
        var number: String
        var version: Int
        var status: String
        var statusCode: String
        var nextStep: String
        var requestId: Int
        var requestNumber: String
        var created: String
        var wish: String
        var reason: String
        var contact: String?
        /// Why the application was refused or the case cancelled.
        var closedReason: String?
        var units: [UnitLine]
        /// How the unit travels to the depot, and (once it leaves) back.
        var outbound: [Fact]
        var inbound: [Fact]
        /// The way out in words, once the decision stands.
        var resolution: String?
        var creditNote: CreditNote?
        var timeline: [Step]
        var shipForm: ShipForm?
        var cancelForm: CancelForm?
        var photos: [Photo]
        var canAddPhotos: Bool
        var errors: [FieldMessage]
    }

    struct Photo: Encodable {
        var link: String
        var name: String
        var image: Bool
    }

    /// A step as typed on the case page, to show it again when refused.
    struct StepForm {
        var event: ReturnEventKind?
        var carrier: String?
        var trackingNumber: String?
        var note: String?
    }

    /// What the case page shows, as read from the store scoped to the customer (the view already without the
    /// internal inspection, costs and decision notes).
    struct DetailData {
        var view: ReturnCaseView
        var timeline: [ReturnCaseEventView]
        var photos: [AttachmentView] = []
    }

    /// The events whose notes the customer reads: why their application was refused or the case cancelled.
    static let publicNotes: Set<String> = [ReturnEventKind.reject.rawValue, ReturnEventKind.cancel.rawValue]

    /// a return case as its customer follows it, in the reader's language: what they asked, the
    /// units, how they travel each way, the way out once it stands, the timeline without internal notes, and the
    /// steps the customer may take (record the shipment; cancel before the unit arrives).
    static func detailModel(
        _ data: DetailData, principal: Principal, _ l: Localizer, typed: StepForm = StepForm(),
        errors: [FieldMessage] = []
    ) -> DetailModel {
        let view = data.view
        let allowed = Set(view.allowedEvents)
        let resolution = standingResolution(view)
        let contact = [view.contactName, view.contactPhone].compactMap { $0?.nilIfEmpty }
        let ended: Set<ReturnStatus> = [.rejected, .cancelled]
        var creditNote: CreditNote?
        if resolution == .refund, let number = view.creditDocumentNumber, let document = view.creditDocumentId {
            creditNote = CreditNote(number: number, link: "/portal/billing/\(document)/print")
        }
        var shipForm: ShipForm?
        if allowed.contains(.ship) {
            let retyped = typed.event == .ship
            shipForm = ShipForm(
                carrier: (retyped ? typed.carrier : view.carrier) ?? "",
                trackingNumber: (retyped ? typed.trackingNumber : view.trackingNumber) ?? "",
                required: view.shipping == .customerSends)
        }
        var cancelForm: CancelForm?
        if allowed.contains(.cancel) {
            let retyped = typed.event == .cancel
            cancelForm = CancelForm(note: retyped ? typed.note ?? "" : "", open: retyped)
        }
        let units: [UnitLine] = view.units.map {
            UnitLine(
                model: $0.modelCode, modelName: $0.modelName, serial: $0.serialNumber, replacement: $0.successorSerial)
        }
        let timeline: [Step] = data.timeline.map { timelineStep($0, l) }
        return DetailModel(
            id: view.id, number: view.number, version: view.version,
            status: l.t("returnStatus.\(view.status.rawValue)"), statusCode: view.status.rawValue,
            nextStep: l.t("returnNext.\(view.status.rawValue)"), requestId: view.requestId,
            requestNumber: view.requestNumber, created: l.dateTime(view.createdAt),
            wish: l.t("returnWish.\(view.wish.rawValue)"), reason: view.reason,
            contact: contact.isEmpty ? nil : contact.joined(separator: " · "),
            closedReason: ended.contains(view.status) ? view.closedReason : nil, units: units,
            outbound: outbound(view, l), inbound: inbound(view, l),
            resolution: resolution.map { l.t("returnResolution.\($0.rawValue)") }, creditNote: creditNote,
            timeline: timeline, shipForm: shipForm, cancelForm: cancelForm,
            photos: data.photos.map {
                Photo(
                    link: "/portal/returns/photos/\($0.id)", name: $0.fileName,
                    image: $0.kind.isImage)
            }, canAddPhotos: view.status.isOpen, errors: errors)
    }

    /// The way to the depot: how, from where, with which carrier, and when it arrived.
    static func outbound(_ view: ReturnCaseView, _ l: Localizer) -> [Fact] {
        var facts = [Fact(label: l.t("portalReturns.shipping"), value: l.t("returnShipping.\(view.shipping.rawValue)"))]
        if let from = view.shipFrom?.nilIfEmpty {
            facts.append(Fact(label: l.t("portalReturns.shipFrom"), value: from))
        }
        if let carrier = view.carrier?.nilIfEmpty {
            facts.append(Fact(label: l.t("portalReturns.carrier"), value: carrier))
        }
        if let tracking = view.trackingNumber?.nilIfEmpty {
            facts.append(Fact(label: l.t("portalReturns.trackingNumber"), value: tracking))
        }
        if let received = view.receivedAt {
            facts.append(Fact(label: l.t("portalReturns.receivedAt"), value: l.dateTime(received)))
        }
        return facts
    }

    /// The way back to the customer, once the unit (or its replacement) left the depot.
    static func inbound(_ view: ReturnCaseView, _ l: Localizer) -> [Fact] {
        var facts: [Fact] = []
        if let carrier = view.returnCarrier?.nilIfEmpty {
            facts.append(Fact(label: l.t("portalReturns.carrier"), value: carrier))
        }
        if let tracking = view.returnTrackingNumber?.nilIfEmpty {
            facts.append(Fact(label: l.t("portalReturns.trackingNumber"), value: tracking))
        }
        if let shipped = view.shippedBackAt {
            facts.append(Fact(label: l.t("portalReturns.shippedBackAt"), value: l.dateTime(shipped)))
        }
        if let delivered = view.deliveredAt {
            facts.append(Fact(label: l.t("portalReturns.deliveredAt"), value: l.dateTime(delivered)))
        }
        return facts
    }

    /// A step in words; its note only when it says why the case was refused or cancelled.
    static func timelineStep(_ event: ReturnCaseEventView, _ l: Localizer) -> Step {
        let key = "returnCaseEvent.\(event.event)"
        return Step(
            at: l.dateTime(event.at), code: event.event,
            event: l.catalogue.has(key) ? l.t(key) : l.t("portalReturns.otherStep"),
            status: event.from == event.to ? nil : l.t("returnStatus.\(event.to.rawValue)"),
            note: publicNotes.contains(event.event) ? event.note : nil)
    }
}
