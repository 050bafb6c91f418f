import AftercareDomain
import AftercareStore
import Foundation

extension ComplaintPages {
    /// What the complaint page (and its report) shows: the complaint's file, who reads it, and the units a
    /// statement may be asked of.
    struct CaseData {
        var file: ComplaintFile
        var principal: Principal
        var now: Date
        var today: CalendarDate
        /// The organisation units a statement may be asked of (read only for those who may ask).
        var units: [OrgUnitRecord.View]
        var errors: [FieldMessage] = []
        var typed: [String: String] = [:]
    }

    /// whether `principal` works the complaint now: its handler, any handler while nobody has it, the
    /// supervisor. (Independence of the subject is the store's to check.)
    static func canWork(_ c: ComplaintView, _ principal: Principal) -> Bool {
        principal.handlesComplaints
            && (principal.supervises || c.handlerUserId == nil || c.handlerUserId == principal.userId)
    }

    struct CaseModel: Encodable {
        /// One step the reader may take now: a button, or a small form with its note.
        struct Step: Encodable {
            var event: String
            var label: String
            var withNote: Bool
            var noteLabel: String
            var required: Bool
            var note: String
        }

        struct Handler: Encodable {
            var name: String?
            /// "Take it": a handler takes an unassigned complaint.
            var canTake: Bool
            /// The supervisor assigns it to a handler.
            var canAssign: Bool
            var handlerUserId: String
            /// Why the reader sees no forms: another handler has it.
            var elsewhere: String?
        }

        struct FindingsForm: Encodable {
            var causeOptions: [SelectOption]
            var responsibilityOptions: [SelectOption]
            var severityOptions: [SelectOption]
            /// A complaint that names no customer yet may be linked to one.
            var linkCustomer: Bool
            var customerId: String
            var compensationOptions: [SelectOption]
            var amount: String
            var compensationNote: String
        }

        struct Note: Encodable {
            var at: String
            var author: String
            var body: String
        }

        struct Statement: Encodable {
            var unit: String
            var question: String
            var asked: String
            var due: String
            var overdue: Bool
            var status: String
            var statusCode: String
            var answer: String?
            var answered: String?
        }

        struct AskForm: Encodable {
            var unitOptions: [SelectOption]
            var question: String
            var dueAt: String
            var hint: String
        }

        struct ActionRow: Encodable {
            var id: Int
            var description: String
            var owner: String
            var due: String
            var overdue: Bool
            var done: String?
            var canFinish: Bool
        }

        struct ActionForm: Encodable {
            var description: String
            var owner: String
            var dueOn: String
        }

        struct Review: Encodable {
            var state: String
            var stateCode: String
            var by: String?
            var at: String?
            var note: String?
        }

        struct ReviewForm: Encodable {
            var verdictOptions: [SelectOption]
            var note: String
        }

        struct Event: Encodable {
            var at: String
            var actor: String
            var event: String
            /// "Received → Acknowledged"; nil when the step left the status as it was.
            var change: String?
            var note: String?
        }

        var id: Int
        var number: String
        var version: Int
        var status: String
        var statusCode: String
        var severity: String
        var severityCode: String
        var facts: [Fact]
        var complainant: String
        var subject: String
        var received: String
        var words: String
        var wants: String?
        var acknowledgement: Deadline
        var resolution: Deadline
        var handler: Handler
        var steps: [Step]
        var cause: String
        var responsibility: String
        var compensation: String
        var plan: String?
        var feedback: String?
        var customerReply: String?
        var closed: String?
        var closedReason: String?
        var findings: FindingsForm?
        var notes: [Note]
        var canAddNote: Bool
        var noteBody: String
        var statements: [Statement]
        var ask: AskForm?
        var actions: [ActionRow]
        var actionForm: ActionForm?
        var review: Review?
        var reviewForm: ReviewForm?
        var timeline: [Event]
        var errors: [FieldMessage]
        /// When the report was printed (the report only).
        var printedAt: String?
    }

    /// The header's facts: who complained and how to reach them, the customer, the subject, the branch, how it came
    /// in, what the customer wants and when it was received.
    static func facts(_ c: ComplaintView, _ l: Localizer) -> [Fact] {
        let subject = subject(c, l)
        var facts = [Fact(label: l.t("complaints.complainant"), value: c.complainantName, id: "complaint-complainant")]
        if let phone = c.complainantPhone {
            facts.append(
                Fact(label: l.t("complaints.phone"), value: phone, link: PageLink.tel(phone), id: "complaint-phone"))
        }
        if let email = c.complainantEmail { facts.append(Fact(label: l.t("complaints.email"), value: email)) }
        if let customer = c.customerName {
            facts.append(
                Fact(
                    label: l.t("field.customer"), value: customer, link: c.customerId.map { "/customers/\($0)" },
                    id: "complaint-customer"))
        }
        facts.append(
            Fact(label: l.t("complaints.subject"), value: subject.text, link: subject.link, id: "complaint-subject"))
        if c.subject != .request, let number = c.requestNumber {
            facts.append(
                Fact(
                    label: l.t("complaints.relatedRequest"), value: number, link: c.requestId.map { "/requests/\($0)" })
            )
        }
        facts += [
            Fact(label: l.t("complaints.orgUnit"), value: c.orgUnitName),
            Fact(label: l.t("field.channel"), value: l.t("channel.\(c.channel.rawValue)")),
            Fact(label: l.t("complaints.wish"), value: l.t("complaint.wish.\(c.wish.rawValue)")),
            Fact(label: l.t("complaints.received"), value: l.dateTime(c.createdAt) + " · " + c.createdBy),
        ]
        if c.reprocessed > 0 {
            facts.append(Fact(label: l.t("complaints.reprocessed"), value: l.number(c.reprocessed)))
        }
        return facts
    }

    /// The compensation in words: none, or its kind, amount and note.
    static func compensation(_ c: ComplaintView, _ l: Localizer) -> String {
        let given = c.compensation
        guard given.kind != CompensationKind.none else { return l.t("complaint.compensation.none") }
        return [
            l.t("complaint.compensation.\(given.kind.rawValue)"),
            given.amountMinor.map { l.amount($0, given.currency) }, given.note,
        ]
        .compactMap { $0 }.joined(separator: " · ")
    }

    /// the steps the reader may take now: the lifecycle's allowed steps that the reader's roles take, for the
    /// one who works the complaint. Those that carry the plan, the result or a reason have a note.
    static func steps(_ data: CaseData, _ l: Localizer) -> [CaseModel.Step] {
        let c = data.file.complaint
        guard canWork(c, data.principal) else { return [] }
        return c.allowedEvents.filter { Permissions.allows(data.principal.roles, Action.for(complaint: $0)) }.map {
            let event = $0.rawValue
            let withNote = $0.requiresNote || $0 == .close
            return CaseModel.Step(
                event: event, label: l.t("complaint.event.\(event)"), withNote: withNote,
                noteLabel: withNote ? l.t("complaints.note.\(event)") : "",
                required: $0.requiresNote || ($0 == .close && c.status != .satisfied),
                note: data.typed["event"] == event ? data.typed["note"] ?? "" : "")
        }
    }

    static func findingsForm(_ data: CaseData, _ l: Localizer) -> CaseModel.FindingsForm? {
        let c = data.file.complaint
        guard c.status.isOpen, canWork(c, data.principal) else { return nil }
        let typed = data.typed
        let cause = typed["cause"].flatMap(ComplaintCause.init(rawValue:)) ?? c.cause
        let responsibility =
            typed["responsibility"].flatMap(ComplaintResponsibility.init(rawValue:)) ?? c.responsibility
        let notYet = { (chosen: Bool) in SelectOption(value: "", label: l.t("complaints.notYet"), selected: chosen) }
        return CaseModel.FindingsForm(
            causeOptions: [notYet(cause == nil)]
                + SelectOption.of(ComplaintCause.self, prefix: "complaint.cause", selected: cause, l),
            responsibilityOptions: [notYet(responsibility == nil)]
                + SelectOption.of(
                    ComplaintResponsibility.self, prefix: "complaint.responsibility", selected: responsibility, l),
            severityOptions: SelectOption.of(
                ComplaintSeverity.self, prefix: "complaint.severity",
                selected: typed["severity"].flatMap(ComplaintSeverity.init(rawValue:)) ?? c.severity, l),
            linkCustomer: c.customerId == nil, customerId: typed["customerId"] ?? "",
            compensationOptions: SelectOption.of(
                CompensationKind.self, prefix: "complaint.compensation",
                selected: typed["compensationKind"].flatMap(CompensationKind.init(rawValue:)) ?? c.compensation.kind, l),
            amount: typed["compensationAmount"]
                ?? c.compensation.amountMinor.map { Money(minor: $0, currency: c.compensation.currency).decimalText }
                ?? "",
            compensationNote: typed["compensationNote"] ?? c.compensation.note ?? "")
    }

    static func statements(_ data: CaseData, _ l: Localizer) -> [CaseModel.Statement] {
        data.file.statements.map { s in
            CaseModel.Statement(
                unit: s.orgUnitName, question: s.question, asked: l.dateTime(s.askedAt) + " · " + s.askedBy,
                due: l.dateTime(s.dueAt), overdue: s.status == .asked && s.dueAt < data.now,
                status: l.t("statement.status.\(s.status.rawValue)"), statusCode: s.status.rawValue, answer: s.answer,
                answered: s.answeredAt.map {
                    ([l.dateTime($0)] + [s.answeredBy].compactMap { $0 }).joined(separator: " · ")
                })
        }
    }

    static func askForm(_ data: CaseData, _ l: Localizer) -> CaseModel.AskForm? {
        let c = data.file.complaint
        guard c.status.isOpen, canWork(c, data.principal) else { return nil }
        let unit = data.typed["orgUnitId"].flatMap { Int($0) } ?? c.orgUnitId
        return CaseModel.AskForm(
            unitOptions: data.units.map {
                SelectOption(value: "\($0.id)", label: "\($0.code) · \($0.name)", selected: $0.id == unit)
            }, question: data.typed["question"] ?? "", dueAt: data.typed["dueAt"] ?? "",
            hint: l.t("complaints.dueHint").replacingOccurrences(of: "{n}", with: l.number(Statements.answerDays)))
    }

    static func actions(_ data: CaseData, _ l: Localizer) -> [CaseModel.ActionRow] {
        let works = canWork(data.file.complaint, data.principal)
        return data.file.actions.map { a in
            CaseModel.ActionRow(
                id: a.id, description: a.description, owner: a.owner, due: a.dueOn.description,
                overdue: a.doneAt == nil && a.dueOn < data.today,
                done: a.doneAt.map {
                    ([l.t("complaints.doneAt"), l.dateTime($0)] + [a.doneBy].compactMap { $0 }).joined(separator: " ")
                },
                canFinish: works && a.doneAt == nil)
        }
    }

    static func reviewState(_ c: ComplaintView, _ l: Localizer) -> CaseModel.Review? {
        c.review.map { state in
            CaseModel.Review(
                state: l.t("complaint.review.\(state)"), stateCode: state, by: c.reviewedBy,
                at: c.reviewedAt.map(l.dateTime), note: c.reviewNote)
        }
    }

    static func timeline(_ events: [ComplaintEventView], _ l: Localizer) -> [CaseModel.Event] {
        events.map { e in
            CaseModel.Event(
                at: l.dateTime(e.at), actor: e.actor, event: l.t("complaint.event.\(e.event)"),
                change: e.from.flatMap { from in
                    from == e.to
                        ? nil
                        : l.t("complaint.status.\(from.rawValue)") + " → " + l.t("complaint.status.\(e.to.rawValue)")
                }, note: e.note)
        }
    }

    static func caseModel(_ data: CaseData, _ l: Localizer) -> CaseModel {
        let c = data.file.complaint
        let principal = data.principal
        let works = canWork(c, principal)
        return CaseModel(
            id: c.id, number: c.number, version: c.version, status: l.t("complaint.status.\(c.status.rawValue)"),
            statusCode: c.status.rawValue, severity: l.t("complaint.severity.\(c.severity.rawValue)"),
            severityCode: c.severity.rawValue, facts: facts(c, l), complainant: c.complainantName,
            subject: subject(c, l).text, received: l.dateTime(c.createdAt), words: c.words, wants: c.wants,
            acknowledgement: acknowledgement(c, now: data.now, l), resolution: resolution(c, now: data.now, l),
            handler: CaseModel.Handler(
                name: c.handlerName, canTake: c.handlerUserId == nil && c.status.isOpen && principal.handlesComplaints,
                canAssign: principal.supervises && c.status.isOpen, handlerUserId: data.typed["handlerUserId"] ?? "",
                elsewhere: works || !principal.handlesComplaints
                    ? nil
                    : l.t("complaints.handledElsewhere").replacingOccurrences(of: "{name}", with: c.handlerName ?? "")),
            steps: steps(data, l), cause: c.cause.map { l.t("complaint.cause.\($0.rawValue)") } ?? "—",
            responsibility: c.responsibility.map { l.t("complaint.responsibility.\($0.rawValue)") } ?? "—",
            compensation: compensation(c, l), plan: c.plan, feedback: c.feedback, customerReply: c.customerReply,
            closed: c.closedAt.map(l.dateTime), closedReason: c.closedReason, findings: findingsForm(data, l),
            notes: data.file.notes.map { CaseModel.Note(at: l.dateTime($0.at), author: $0.author, body: $0.body) },
            canAddNote: works, noteBody: data.typed["body"] ?? "", statements: statements(data, l),
            ask: askForm(data, l), actions: actions(data, l),
            actionForm: works
                ? CaseModel.ActionForm(
                    description: data.typed["description"] ?? "", owner: data.typed["owner"] ?? "",
                    dueOn: data.typed["dueOn"] ?? data.today.adding(days: 7).description) : nil,
            review: reviewState(c, l),
            reviewForm: c.review == "pending" && principal.supervises
                ? CaseModel.ReviewForm(
                    verdictOptions: SelectOption.of(
                        ReviewVerdict.self, prefix: "complaint.review",
                        selected: data.typed["verdict"].flatMap(ReviewVerdict.init(rawValue:)), l),
                    note: data.typed["reviewNote"] ?? "") : nil,
            timeline: timeline(data.file.events, l), errors: data.errors, printedAt: nil)
    }
}
