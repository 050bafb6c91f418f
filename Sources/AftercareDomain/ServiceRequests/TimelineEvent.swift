/// every step that can appear on a request's timeline: `register` for the creation, the request's own
/// lifecycle events, and the steps of its visits with the request's status unchanged. The pages and the
/// portal name each step by `event.<rawValue>`.
public enum TimelineEvent: String, CodedEnum {
    case register
    case triage, startService, resolveRemotely, resolve, waitForCustomer, customerResponded, close, reopen, cancel
    case visitPlanned, visitAssign, visitSchedule, visitReschedule, visitHandBack, visitDepart
    /// The engineer on site: the SLA's on-site event.
    case arriveOnSite
    case visitComplete, visitReportIncomplete, visitCancel
    /// the fee steps the request's people follow: a quote sent and answered, a document issued, money
    /// received.
    case quoteSent, quoteAccepted, quoteRejected, feeDocumentIssued, creditNoteIssued, paymentRecorded
    /// the steps of the request's return cases. `depotReceived` and `depotShipped` start and stop the depot
    /// turnaround clock.
    case returnOpened, returnAuthorised, returnShipped, depotReceived, returnInspected, returnDecided
    case returnApproved, returnSentBack, returnRepaired, returnQAPassed, returnQAFailed, depotShipped
    case returnDelivered, returnClosed, returnRejected, returnCancelled

    /// The request's own event.
    public init(_ event: RequestEventKind) {
        switch event {
        case .triage: self = .triage
        case .startService: self = .startService
        case .resolveRemotely: self = .resolveRemotely
        case .resolve: self = .resolve
        case .waitForCustomer: self = .waitForCustomer
        case .customerResponded: self = .customerResponded
        case .close: self = .close
        case .reopen: self = .reopen
        case .cancel: self = .cancel
        }
    }

    /// A visit's event, as its request's timeline shows it.
    public init(visit event: VisitEventKind) {
        switch event {
        case .assign: self = .visitAssign
        case .schedule: self = .visitSchedule
        case .reschedule: self = .visitReschedule
        case .handBack: self = .visitHandBack
        case .depart: self = .visitDepart
        case .arrive: self = .arriveOnSite
        case .complete: self = .visitComplete
        case .reportIncomplete: self = .visitReportIncomplete
        case .cancel: self = .visitCancel
        }
    }

    /// A return case's event, as its request's timeline shows it.
    public init(returnEvent event: ReturnEventKind) {
        switch event {
        case .authorise: self = .returnAuthorised
        case .ship: self = .returnShipped
        case .receive: self = .depotReceived
        case .inspect: self = .returnInspected
        case .decide: self = .returnDecided
        case .approve: self = .returnApproved
        case .sendBack: self = .returnSentBack
        case .finishRepair: self = .returnRepaired
        case .passQA: self = .returnQAPassed
        case .failQA: self = .returnQAFailed
        case .shipBack: self = .depotShipped
        case .deliver: self = .returnDelivered
        case .close: self = .returnClosed
        case .reject: self = .returnRejected
        case .cancel: self = .returnCancelled
        }
    }
}
