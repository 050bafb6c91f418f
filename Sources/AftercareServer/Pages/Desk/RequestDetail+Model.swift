import AftercareDomain
import AftercareStore
import Foundation

extension DeskPages {
    // MARK: Request page: its model, from store views alone

    struct DetailModel: Encodable {
        struct Audit: Encodable {
            var at: String
            var actor: String
            var action: String
        }

        struct EventForm: Encodable {
            var event: String
            var label: String
            var needsNote: Bool
            var asksCause: Bool
            var asksPriority: Bool
        }

        var id: Int
        var number: String
        var version: Int
        var status: String
        var statusCode: String
        var type: String
        var channel: String
        var priority: String
        var emergency: Bool
        var faultDescription: String
        var customerRequest: String?
        var preferredTime: String?
        var contactName: String?
        var contactPhone: String?
        var customerId: Int
        var customerName: String
        var customerVisible: Bool
        var warranty: String
        var faultCause: String
        var created: String
        var createdBy: String
        var age: String
        var units: [UnitLineModel]
        var timeline: [TimelineModel]
        var audit: [Audit]
        var events: [EventForm]
        var causeOptions: [SelectOption]
        var priorityOptions: [SelectOption]
        var errors: [String]
        /// the SLA panel, for those who may see it.
        var sla: SLAPanelModel?
        /// the request's visits, for those who may see visits.
        var visits: RequestVisitsModel?
        /// the conversation: replies, internal notes, the customer's messages, their files.
        var conversation: ConversationModel?
        /// Why the request waits for someone to check how it came in (an unknown e-mail sender).
        var intakeFlag: String? = nil
        /// quotes and fee documents, for those who see fees.
        var fees: FeesPanelModel? = nil
        /// the request's return cases, for those who see returns.
        var returns: ReturnsPanel? = nil
        /// the complaints about the request's work: that they exist and where they stand (the complaint itself
        /// only for its handlers); where to record one.
        var complaints: ComplaintsPanel? = nil
    }

    /// the complaints about a request, as the service department may know of them.
    struct ComplaintsPanel: Encodable {
        struct Row: Encodable {
            var number: String
            var link: String?
            var subject: String
            var status: String
            var received: String
        }

        var rows: [Row]
        var fileLink: String?
        var statementsLink: String?
    }

    /// the return cases of a request, and where to open one.
    struct ReturnsPanel: Encodable {
        struct Row: Encodable {
            var id: Int
            var number: String
            var status: String
            var units: String
        }

        var rows: [Row]
        var openLink: String?
    }

    /// What the request page shows, as read from the store for the caller; the panels the caller may not see are
    /// nil.
    struct DetailData {
        var view: ServiceRequestView
        /// The caller may open the customer's page.
        var customerVisible: Bool
        var audit: [AuditEntry]
        var sla: SLAExplanation?
        var visits: [VisitView]?
        /// The conversation, oldest first.
        var messages: [MessageView] = []
        /// the service reports of the request's visits, for those who see visits.
        var reports: [ServiceReportView] = []
        /// its quotes and fee documents, for those who see fees.
        var quotes: [QuoteView]? = nil
        var documents: [FeeDocumentView] = []
        /// its return cases, for those who see returns.
        var returnCases: [ReturnCaseView]? = nil
        /// the complaints about its work.
        var complaints: [ComplaintNotice] = []
    }

    /// The request page for `principal` in the reader's language: the steps their roles allow, the panels they
    /// may see, and what a failed form held.
    static func detailModel(
        _ data: DetailData, principal: Principal, _ l: Localizer, errors: [String] = [],
        visitForm: VisitForm = VisitForm()
    ) -> DetailModel {
        let view = data.view
        let events = Permissions.events(view.allowedEvents, for: principal.roles).map { event in
            DetailModel.EventForm(
                event: event.rawValue, label: l.t("event.\(event.rawValue)"),
                needsNote: event.requiresNote, asksCause: event.carriesDecision,
                asksPriority: event == .triage)
        }
        return DetailModel(
            id: view.id, number: view.number, version: view.version, status: l.t("status.\(view.status.rawValue)"),
            statusCode: view.status.rawValue, type: l.t("type.\(view.type.rawValue)"),
            channel: l.t("channel.\(view.channel.rawValue)"), priority: l.t("priority.\(view.priority.rawValue)"),
            emergency: view.emergency, faultDescription: view.faultDescription, customerRequest: view.customerRequest,
            preferredTime: view.preferredTime, contactName: view.contactName,
            contactPhone: view.contactPhone, customerId: view.customerId, customerName: view.customerName,
            customerVisible: data.customerVisible, warranty: l.t("warranty.\(view.warrantyStatus.rawValue)"),
            faultCause: l.t("cause.\(view.faultCause.rawValue)"), created: l.dateTime(view.createdAt),
            createdBy: view.createdBy, age: l.duration(seconds: view.durations?.ageSeconds ?? 0),
            units: view.units.map { UnitLineModel($0, l) },
            timeline: (view.timeline ?? []).map { TimelineModel($0, l, showNotes: true) },
            audit: data.audit.map {
                .init(at: l.dateTime($0.at), actor: $0.actor, action: l.t("audit.\($0.action.rawValue)"))
            },
            events: events,
            causeOptions: SelectOption.of(FaultCause.self, prefix: "cause", selected: view.faultCause, l),
            priorityOptions: SelectOption.of(Priority.self, prefix: "priority", selected: view.priority, l),
            errors: errors, sla: data.sla.map { SLAPanelModel($0, l) },
            visits: data.visits.map {
                RequestVisitsModel(
                    $0, reports: data.reports, canAdd: principal.may(.dispatchVisits), form: visitForm, l)
            },
            conversation: ConversationModel(
                data.messages, kinds: ConversationIntake.staffKinds(principal), action: "/requests/\(view.id)/messages",
                l),
            intakeFlag: view.intakeFlag.map { l.t("intakeFlag.\($0.rawValue)") },
            fees: data.quotes.map {
                FeesPanelModel(
                    requestId: view.id, quotes: $0, documents: data.documents, portal: false,
                    canQuote: principal.may(.quoteJobs) && view.status.isOpen, canBill: principal.may(.billFees), l)
            },
            returns: data.returnCases.map { cases in
                ReturnsPanel(
                    rows: cases.map { c in
                        ReturnsPanel.Row(
                            id: c.id, number: c.number, status: l.t("returnStatus.\(c.status.rawValue)"),
                            units: c.unitsLine)
                    },
                    openLink: principal.may(.openReturns) && view.status.isOpen && !view.units.isEmpty
                        ? "/returns/new?request=\(view.id)" : nil)
            },
            complaints: data.complaints.isEmpty && !principal.may(.fileComplaints)
                ? nil
                : ComplaintsPanel(
                    rows: data.complaints.map { notice in
                        ComplaintsPanel.Row(
                            number: notice.number,
                            link: principal.may(.handleComplaints) ? "/complaints/\(notice.id)" : nil,
                            subject: l.t("complaint.subject.\(notice.subject.rawValue)"),
                            status: l.t("complaint.status.\(notice.status.rawValue)"),
                            received: l.dateTime(notice.createdAt))
                    },
                    fileLink: principal.may(.fileComplaints) ? "/complaints/new?request=\(view.id)" : nil,
                    statementsLink: !data.complaints.isEmpty && principal.may(.answerStatements)
                        ? "/statements" : nil))
    }
}
