import AftercareDomain
import AftercareStore
import Foundation

extension PortalComplaintPages {
    // MARK: The customer's complaints: their models, from store views alone

    /// One of the customer's complaints as their list shows it.
    struct Row: Encodable {
        var id: Int
        var number: String
        var received: String
        /// What it is about in words ("Service request · SR-2026-000012").
        var subject: String
        var status: String
        var statusCode: String
    }

    struct ListModel: Encodable {
        var rows: [Row]
        var next: String?
    }

    /// What the list shows, as read from the store scoped to the customer (customer views: no investigation).
    struct ListData {
        var complaints: Page<ComplaintView>
    }

    /// the customer's complaints in the reader's language, newest first.
    static func listModel(_ data: ListData, principal: Principal, _ l: Localizer) -> ListModel {
        ListModel(
            rows: data.complaints.items.map { view in
                Row(
                    id: view.id, number: view.number, received: l.dateTime(view.createdAt),
                    subject: subjectLine(view, l), status: l.t("complaint.status.\(view.status.rawValue)"),
                    statusCode: view.status.rawValue)
            },
            next: data.complaints.nextCursor.map { PageLink.make("/portal/complaints", [("cursor", $0)]) })
    }

    /// The subject in words with what it names, as the customer knows it: the request's number, the unit's serial,
    /// the model's name, or their own words for it. Never an internal id.
    static func subjectLine(_ view: ComplaintView, _ l: Localizer) -> String {
        let kind = l.t("complaint.subject.\(view.subject.rawValue)")
        let named: String?
        switch view.subject {
        case .request, .visit: named = view.requestNumber
        case .unit: named = view.unitSerial
        case .product: named = view.productModelName
        default: named = nil
        }
        let detail = [named, view.subjectText].compactMap { $0?.nilIfEmpty }
        return ([kind] + detail).joined(separator: " · ")
    }

    // MARK: A new complaint

    /// what a customer may complain about in the portal. The store refuses `engineer` and `staff` from the
    /// portal (the customer names the work, not the person). A visit is complained about through its request: the
    /// customer's scope lists no visits (their ids are staff-only), so the form cannot offer one to choose; the
    /// handler links the visit when investigating.
    static let subjects: [ComplaintSubject] = [.request, .unit, .product, .policy, .other]

    /// The form as typed (or as first offered: the request or unit the customer came from).
    struct NewForm {
        var subject: ComplaintSubject?
        var requestId: Int?
        var unitId: Int?
        var productModelId: Int?
        var about = ""
        var severity: ComplaintSeverity = .normal
        var wish: ComplaintWish?
        var words = ""
        var wants = ""
    }

    struct NewModel: Encodable {
        var subjectOptions: [SelectOption]
        var requestOptions: [SelectOption]
        var unitOptions: [SelectOption]
        var productOptions: [SelectOption]
        var severityOptions: [SelectOption]
        var wishOptions: [SelectOption]
        var about: String
        var words: String
        var wants: String
        var errors: [FieldMessage]
    }

    /// What the form offers, as read from the store scoped to the customer.
    struct NewData {
        /// The customer's requests, newest first.
        var requests: [ServiceRequestView]
        /// The customer's units.
        var units: [UnitRecord.View]
    }

    /// "AC-200 · SN-0001": a unit as the customer knows it.
    static func unitLabel(model: String, serial: String) -> String { "\(model) · \(serial)" }

    /// A select's first option: nothing chosen yet.
    static func unchosen(_ l: Localizer, selected: Bool) -> SelectOption {
        SelectOption(value: "", label: l.t("portalComplaints.choose"), selected: selected)
    }

    /// the new complaint form in the reader's language: what it is about (their requests, their units,
    /// the models of their units), how serious it is, what they want, and their words.
    static func newModel(
        _ data: NewData, principal: Principal, _ l: Localizer, form: NewForm, errors: [FieldMessage] = []
    ) -> NewModel {
        let requests: [SelectOption] = data.requests.map { request in
            var parts = [request.number]
            parts += request.units.prefix(2).map { unitLabel(model: $0.modelCode, serial: $0.serialNumber) }
            parts.append(l.date(request.createdAt))
            return SelectOption(
                value: "\(request.id)", label: parts.joined(separator: " · "), selected: request.id == form.requestId)
        }
        let units = data.units.filter { $0.archivedAt == nil }
        let unitOptions: [SelectOption] = units.map {
            SelectOption(
                value: "\($0.id)", label: unitLabel(model: $0.modelCode, serial: $0.serialNumber),
                selected: $0.id == form.unitId)
        }
        // The models of the customer's units: the products they have.
        var models: [(id: Int, code: String)] = []
        for unit in units where !models.contains(where: { $0.id == unit.modelId }) {
            models.append((id: unit.modelId, code: unit.modelCode))
        }
        let productOptions: [SelectOption] = models.sorted { $0.code < $1.code }.map {
            SelectOption(value: "\($0.id)", label: $0.code, selected: $0.id == form.productModelId)
        }
        let subjectOptions: [SelectOption] = subjects.map {
            SelectOption(
                value: $0.rawValue, label: l.t("complaint.subject.\($0.rawValue)"), selected: $0 == form.subject)
        }
        let wishOptions = SelectOption.of(ComplaintWish.self, prefix: "complaint.wish", selected: form.wish, l)
        return NewModel(
            subjectOptions: [unchosen(l, selected: form.subject == nil)] + subjectOptions,
            requestOptions: [unchosen(l, selected: form.requestId == nil)] + requests,
            unitOptions: [unchosen(l, selected: form.unitId == nil)] + unitOptions,
            productOptions: [unchosen(l, selected: form.productModelId == nil)] + productOptions,
            severityOptions: SelectOption.of(
                ComplaintSeverity.self, prefix: "complaint.severity", selected: form.severity, l),
            wishOptions: [unchosen(l, selected: form.wish == nil)] + wishOptions,
            about: form.about, words: form.words, wants: form.wants, errors: errors)
    }

    // MARK: One complaint

    /// A label and its value, in the reader's language.
    struct Fact: Encodable {
        var label: String
        var value: String
    }

    /// One step of the complaint as the customer sees it.
    struct Step: Encodable {
        var at: String
        var code: String
        var event: String
        /// The status the step led to, when it changed.
        var status: String?
        /// Only the notes meant for the customer (the store has removed the others).
        var note: String?
    }

    /// One of the customer's answers, as the page offers it.
    struct AnswerForm: Encodable {
        /// What was typed, when the answer was refused.
        var note: String
        /// Opened (a `<details>`) when the answer was refused, to show what was typed.
        var open: Bool
    }

    struct DetailModel: Encodable {
        var id: Int
        var number: String
        var version: Int
        var status: String
        var statusCode: String
        var nextStep: String
        var subject: String
        var severity: String
        var wish: String
        var words: String
        var wants: String?
        /// Who handles it, or that nobody is assigned yet.
        var handler: String
        /// Received, the deadlines, when it was acknowledged, resolved, closed.
        var dates: [Fact]
        var plan: String?
        /// The result as told to the customer.
        var feedback: String?
        /// The customer's own answer to the result.
        var reply: String?
        /// Why the customer withdrew it.
        var withdrawnReason: String?
        var timeline: [Step]
        /// The customer is asked whether the result satisfies them.
        var answering: Bool
        var satisfied: AnswerForm?
        var notSatisfied: AnswerForm?
        var withdraw: AnswerForm?
        var errors: [FieldMessage]
    }

    /// An answer as typed on the complaint page, to show it again when refused.
    struct StepForm {
        var event: ComplaintEventKind?
        var note: String?
    }

    /// What the complaint page shows, as read from the store scoped to the customer: the customer's view (no
    /// investigation, no review; only the customer's answers allowed) and the timeline with the notes meant for them.
    struct DetailData {
        var file: ComplaintFile
    }

    /// The steps the customer's timeline shows: the receipt, the handler's assignment and the lifecycle's events. The
    /// investigation's own steps (a statement asked of the service department, and its answer) are not theirs.
    static func shown(_ event: ComplaintEventView) -> Bool {
        ["open", "assign"].contains(event.event) || ComplaintEventKind(rawValue: event.event) != nil
    }

    /// A step in the customer's words ("Result given"), else by the event's name, else "Updated".
    static func stepLabel(_ event: String, _ l: Localizer) -> String {
        for key in ["portalComplaints.step.\(event)", "complaint.event.\(event)"] where l.catalogue.has(key) {
            return l.t(key)
        }
        return l.t("portalComplaints.step.other")
    }

    /// a complaint as its customer follows it, in the reader's language: where it stands and what
    /// happens next, the deadlines, who handles it, the plan and the result told to them, their answer, the timeline,
    /// and the answers they may give now (satisfied, not satisfied with why, withdrawn with the reason).
    static func detailModel(
        _ data: DetailData, principal: Principal, _ l: Localizer, typed: StepForm = StepForm(),
        errors: [FieldMessage] = []
    ) -> DetailModel {
        let view = data.file.complaint
        // The customer view allows only the customer's answers; filtered again so the page never offers another.
        let allowed = Set(view.allowedEvents.filter(\.isCustomerAnswer))
        func form(_ event: ComplaintEventKind) -> AnswerForm? {
            guard allowed.contains(event) else { return nil }
            let retyped = typed.event == event
            return AnswerForm(note: retyped ? typed.note ?? "" : "", open: retyped)
        }
        var dates = [Fact(label: l.t("portalComplaints.received"), value: l.dateTime(view.createdAt))]
        if let acknowledged = view.acknowledgedAt {
            dates.append(Fact(label: l.t("portalComplaints.acknowledgedAt"), value: l.dateTime(acknowledged)))
        } else if view.status == .received {
            dates.append(
                Fact(label: l.t("portalComplaints.acknowledgementDue"), value: l.dateTime(view.acknowledgementDueAt)))
        }
        if view.status.resolutionRuns {
            dates.append(Fact(label: l.t("portalComplaints.resolutionDue"), value: l.dateTime(view.resolutionDueAt)))
        } else if let resolved = view.resolvedAt, view.status != .withdrawn {
            dates.append(Fact(label: l.t("portalComplaints.resolvedAt"), value: l.dateTime(resolved)))
        }
        if let closed = view.closedAt, !view.status.isOpen {
            dates.append(Fact(label: l.t("portalComplaints.closedAt"), value: l.dateTime(closed)))
        }
        let timeline: [Step] = data.file.events.filter(shown).map { event in
            Step(
                at: l.dateTime(event.at), code: event.event, event: stepLabel(event.event, l),
                status: event.from == event.to ? nil : l.t("complaint.status.\(event.to.rawValue)"),
                note: event.note?.nilIfEmpty)
        }
        return DetailModel(
            id: view.id, number: view.number, version: view.version,
            status: l.t("complaint.status.\(view.status.rawValue)"), statusCode: view.status.rawValue,
            nextStep: l.t("portalComplaints.next.\(view.status.rawValue)"), subject: subjectLine(view, l),
            severity: l.t("complaint.severity.\(view.severity.rawValue)"),
            wish: l.t("complaint.wish.\(view.wish.rawValue)"), words: view.words, wants: view.wants?.nilIfEmpty,
            handler: view.handlerName?.nilIfEmpty ?? l.t("portalComplaints.handlerPending"), dates: dates,
            plan: view.plan?.nilIfEmpty, feedback: view.feedback?.nilIfEmpty, reply: view.customerReply?.nilIfEmpty,
            // A closing reason is the handler's (the timeline hides it); a withdrawal's reason is the customer's own.
            withdrawnReason: view.status == .withdrawn ? view.closedReason?.nilIfEmpty : nil,
            timeline: timeline,
            answering: allowed.contains(.confirmSatisfied) || allowed.contains(.reportNotSatisfied),
            satisfied: form(.confirmSatisfied), notSatisfied: form(.reportNotSatisfied), withdraw: form(.withdraw),
            errors: errors)
    }
}
