/// the people who use the system. A user holds one or more roles.
public enum Role: String, CodedEnum {
    case administrator, serviceManager, hotlineAgent, dispatcher, fieldEngineer, technicalSupport, warehouseKeeper
    case qualityInspector, complaintHandler, accountManager, accountant, customer
    /// supervises the complaint handlers: assigns complaints, reviews closed ones, handles complaints about a
    /// handler. Independent of the service department like the handlers.
    case complaintSupervisor

    /// the roles that handle complaints.
    public static let complaintHandling: Set<Role> = [.complaintHandler, .complaintSupervisor]

    /// the after-sales service department. A complaint handler may hold none of these roles, so that
    /// complaints are handled by someone independent of the service being complained about.
    public static let afterSalesService: Set<Role> = [
        .serviceManager, .hotlineAgent, .dispatcher, .fieldEngineer, .technicalSupport, .warehouseKeeper,
    ]
}

/// What a user may do. Every route and page names exactly one of these (or none, for signed-in-only pages).
public enum Action: String, CodedEnum {
    case viewOrgUnits, manageOrgUnits
    case viewCustomers, manageCustomers
    case viewCatalogue, manageCatalogue
    case viewInstalledBase, manageInstalledBase
    case viewRequests, registerRequests, editRequests, archiveRequests
    /// Lifecycle steps, grouped by who takes them (see `Action.for(_:)`).
    case triageRequests, workRequests, closeRequests, reopenRequests, cancelRequests
    case viewAudit, importArchive, exportArchive
    case manageUsers
    /// the customer portal.
    case usePortal
    /// see the SLA clocks, the at-risk queue and the compliance report; edit policies and calendars.
    case viewSLA, manageSLA
    /// work the follow-up list; change the follow-up rules.
    case handleFollowUps, manageFollowUpRules
    /// the organisation's escalation webhooks.
    case manageWebhooks
    /// the mail outbox and the messages the gateway received (the raw ones included).
    case manageMail
    /// see visits, engineers and route plans; dispatch (create, assign, plan, cancel); work one's own visits
    /// (agree a window, hand back, depart, arrive, finish); keep the engineers' profiles.
    case viewVisits, dispatchVisits, workVisits, manageEngineers
    /// see parts, warehouses, stock and the ledger; keep the catalogue and warehouses; post movements (receive,
    /// transfer, issue, return, write off, count); request parts and account for them; approve requisitions (within
    /// `RequisitionApproval`); order from suppliers; approve a stocktake's adjustments.
    case viewStock, manageParts, moveStock, requestParts, approveRequisitions, managePurchasing, approveStocktakes
    /// see the published fee schedules and price a job; publish and withdraw schedules.
    case viewFees, manageFees
    /// review and archive signed service reports (the department head) and set the repeat-repair window and
    /// the spot-check share; work the quality spot checks (the quality inspector).
    case reviewReports, checkQuality
    /// price a job for the customer, send the quote and record the customer's answer; set which request
    /// types need an accepted quote before work.
    case quoteJobs
    /// issue a job's fee document and read the fee report and the exports.
    case billFees
    /// record payments and refunds, and correct a document with a credit note (accounts staff).
    case recordPayments
    /// see return cases and the depot board; open a case, authorise, refuse or cancel it and record how the unit
    /// travels; inspect a returned unit and decide its way out (technical support and the quality inspector); approve
    /// a decision above the limit and set the return rules; receive, repair and ship units at the depot.
    case viewReturns, openReturns, inspectReturns, approveReturns, workDepot
    /// lend a loaner unit with a return case or a visit, and take it back.
    case lendLoaners
    /// record a complaint for a customer (the hotline's complaint intake); work complaints (read the notes, take
    /// the steps: complaint handlers only, R-9.1); supervise the handlers (assign, review closed complaints, handle
    /// complaints about a handler); answer the investigator's requests for a statement (the service department, which
    /// sees that a complaint exists against its work but not the handler's notes); read the complaint statistics and
    /// keep the improvement actions of frequent causes.
    case fileComplaints, handleComplaints, superviseComplaints, answerStatements, viewComplaintStats
    case manageImprovements
    /// build questionnaires and send periodic rounds; type a customer's answers taken by phone or by letter;
    /// read the results (CSAT, NPS, free text) and the engineers' survey scores.
    case manageSurveys, recordSurveyAnswers, viewSurveyResults
    /// work the suggestions (acknowledge, evaluate, adopt or decline, propose a reward); approve rewards.
    case handleSuggestions, approveRewards
    /// plan and record periodic customer visits and customer committee meetings.
    case planCustomerVisits
    /// mystery-shopping records: management only, never the unit inspected.
    case mysteryShopping

    /// The action a lifecycle event needs.
    public static func `for`(_ event: RequestEventKind) -> Action {
        switch event {
        case .triage: .triageRequests
        case .startService, .resolveRemotely, .resolve, .waitForCustomer, .customerResponded: .workRequests
        case .close: .closeRequests
        case .reopen: .reopenRequests
        case .cancel: .cancelRequests
        }
    }

    /// The action a visit event needs. Engineers take theirs on their own visits only.
    public static func `for`(visit event: VisitEventKind) -> Action {
        switch event {
        case .assign, .cancel: .dispatchVisits
        case .schedule, .reschedule, .handBack, .depart, .arrive, .complete, .reportIncomplete: .workVisits
        }
    }

    /// the action a requisition step needs.
    public static func `for`(requisition event: RequisitionEventKind) -> Action {
        switch event {
        case .approve, .reject: .approveRequisitions
        case .issue, .writeOff, .close: .moveStock
        case .request, .consume, .returnUnused, .returnFaulty, .cancel: .requestParts
        }
    }
}

/// the role × action table. Nothing else in the code decides who may do what.
public enum Permissions {
    private static let reading: Set<Action> = [.viewOrgUnits, .viewCustomers, .viewCatalogue, .viewInstalledBase]
    /// what complaint handlers and their supervisor share: they read the service's records to investigate,
    /// and take no after-sales action.
    private static let complaintWork: Set<Action> = reading.union([
        .viewRequests, .viewAudit, .viewSLA, .viewVisits, .viewFees, .viewReturns, .fileComplaints, .handleComplaints,
        .viewComplaintStats, .manageImprovements, .viewSurveyResults, .handleSuggestions,
    ])

    public static let table: [Role: Set<Action>] = [
        .administrator: Set(Action.allCases).subtracting([.usePortal]),
        .serviceManager: Set(Action.allCases).subtracting([
            .usePortal, .manageUsers, .manageOrgUnits, .manageWebhooks, .manageMail, .handleComplaints,
            .superviseComplaints,
        ]),
        .hotlineAgent: reading.union([
            .manageCustomers, .manageInstalledBase, .viewRequests, .registerRequests, .editRequests,
            .triageRequests, .workRequests, .closeRequests, .reopenRequests, .cancelRequests, .viewAudit, .viewSLA,
            .handleFollowUps, .viewVisits, .viewStock, .viewFees, .quoteJobs, .billFees, .viewReturns, .openReturns,
            .fileComplaints, .answerStatements, .recordSurveyAnswers, .handleSuggestions,
        ]),
        .dispatcher: reading.union([
            .viewRequests, .registerRequests, .editRequests, .triageRequests, .workRequests, .cancelRequests,
            .viewAudit, .viewSLA, .viewVisits, .dispatchVisits, .workVisits, .viewStock, .requestParts, .viewFees,
            .quoteJobs, .viewReturns, .openReturns, .lendLoaners, .answerStatements,
        ]),
        .fieldEngineer: [
            .viewCustomers, .viewCatalogue, .viewInstalledBase, .viewRequests, .workRequests, .viewSLA, .viewVisits,
            .workVisits, .viewStock, .requestParts, .viewFees, .viewReturns, .answerStatements,
        ],
        .technicalSupport: [
            .viewCustomers, .viewCatalogue, .viewInstalledBase, .viewRequests, .editRequests, .workRequests,
            .viewSLA, .viewVisits, .viewStock, .viewFees, .viewReturns, .openReturns, .inspectReturns, .workDepot,
            .lendLoaners, .answerStatements,
        ],
        .warehouseKeeper: [
            .viewCatalogue, .viewInstalledBase, .viewRequests, .viewStock, .manageParts, .moveStock, .requestParts,
            .approveRequisitions, .managePurchasing, .viewReturns, .workDepot, .lendLoaners, .answerStatements,
        ],
        .qualityInspector: reading.union([
            .viewRequests, .viewAudit, .exportArchive, .viewSLA, .viewVisits, .viewStock, .viewFees, .checkQuality,
            .viewReturns, .inspectReturns, .viewComplaintStats, .viewSurveyResults,
        ]),
        .complaintHandler: complaintWork,
        .complaintSupervisor: complaintWork.union([.superviseComplaints]),
        .accountManager: reading.union([
            .manageCustomers, .manageInstalledBase, .viewRequests, .registerRequests, .exportArchive, .viewFees,
            .viewReturns, .openReturns, .fileComplaints, .recordSurveyAnswers, .viewSurveyResults, .handleSuggestions,
            .planCustomerVisits,
        ]),
        .accountant: reading.union([
            .viewRequests, .viewAudit, .viewVisits, .viewFees, .quoteJobs, .billFees, .recordPayments, .viewReturns,
        ]),
        .customer: [.usePortal],
    ]

    /// Whether any of `roles` allows `action`.
    public static func allows(_ roles: Set<Role>, _ action: Action) -> Bool {
        roles.contains { table[$0]?.contains(action) ?? false }
    }

    /// The lifecycle events of `allowed` that these roles may take.
    public static func events(_ allowed: [RequestEventKind], for roles: Set<Role>) -> [RequestEventKind] {
        allowed.filter { allows(roles, .for($0)) }
    }

    /// whether `roles` may take a requisition step; those who move stock may also take the engineer's.
    public static func allows(_ roles: Set<Role>, requisition event: RequisitionEventKind) -> Bool {
        let needed = Action.for(requisition: event)
        return allows(roles, needed) || (needed == .requestParts && allows(roles, .moveStock))
    }

    /// an engineer who neither approves, moves stock nor dispatches sees and works only their own
    /// requisitions.
    public static func ownRequisitionsOnly(_ roles: Set<Role>) -> Bool {
        !allows(roles, .approveRequisitions) && !allows(roles, .moveStock) && !allows(roles, .dispatchVisits)
    }
}

/// Why a set of roles cannot be given to one user.
public enum RoleConflict: Error, Equatable, Sendable {
    case empty
    /// complaint handling is independent of the after-sales service department.
    case complaintHandlerInService([Role])
    /// A customer account is the customer's own; it holds no staff role.
    case customerWithStaffRole([Role])

    /// Checks a role assignment.
    public static func check(_ roles: Set<Role>) -> RoleConflict? {
        if roles.isEmpty { return .empty }
        if roles.contains(.customer), roles.count > 1 {
            return .customerWithStaffRole(roles.subtracting([.customer]).sorted { $0.rawValue < $1.rawValue })
        }
        let service = roles.intersection(Role.afterSalesService)
        if !roles.isDisjoint(with: Role.complaintHandling), !service.isEmpty {
            return .complaintHandlerInService(service.sorted { $0.rawValue < $1.rawValue })
        }
        return nil
    }

    /// The problem as a field problem of `roles`.
    public var problem: FieldProblem {
        switch self {
        case .empty: .required
        case .complaintHandlerInService(let roles):
            .invalidFormat(
                expected:
                    "without after-sales service roles for a complaint handler (\(roles.map(\.rawValue).joined(separator: ", ")))"
            )
        case .customerWithStaffRole(let roles):
            .invalidFormat(
                expected: "only 'customer' for a customer account (\(roles.map(\.rawValue).joined(separator: ", ")))")
        }
    }
}

/// What part of the data a user sees: everything, one organisation unit's subtree, or one customer's
/// own records.
public enum Scope: Sendable, Equatable, Hashable {
    case everything
    /// The subtree under the unit with this materialised path (`/1/4/`).
    case orgSubtree(unitId: Int, path: String)
    case customer(id: Int)
}

/// Masks a phone number for logs and lists: `13812341234` → `138****1234`.
public enum PhoneMask {
    public static func mask(_ phone: String) -> String {
        let digits = phone.filter(\.isASCII).filter(\.isNumber)
        guard digits.count > 4 else { return String(repeating: "*", count: digits.count) }
        let head = digits.count >= 11 ? 3 : min(2, digits.count - 4)
        return String(digits.prefix(head)) + "****" + String(digits.suffix(4))
    }
}
