import AftercareDomain
import Foundation
import Testing

/// The complaint rules written out independently of the production code: the lifecycle table, the
/// independence of the handlers, the review sample, the frequent causes, the number and the permissions.
private let complaintNow = Date(timeIntervalSince1970: 1_770_000_000)

@Suite("Complaint lifecycle (R-9.2)")
struct ComplaintLifecycleTests {
    static let expected: [ComplaintStatus: [ComplaintEventKind: (ComplaintStatus, [ComplaintEffect])]] = [
        .received: [
            .acknowledge: (.acknowledged, [.stopAcknowledgementClock]),
            .withdraw: (.withdrawn, [.stopAcknowledgementClock, .stopResolutionClock]),
        ],
        .acknowledged: [.investigate: (.investigating, []), .withdraw: (.withdrawn, [.stopResolutionClock])],
        .investigating: [.agreePlan: (.planAgreed, []), .withdraw: (.withdrawn, [.stopResolutionClock])],
        .planAgreed: [
            .resolve: (.resolved, [.stopResolutionClock]), .withdraw: (.withdrawn, [.stopResolutionClock]),
        ],
        .resolved: [
            .confirmSatisfied: (.satisfied, []), .reportNotSatisfied: (.notSatisfied, []),
            .close: (.closed, [.considerReview]),
        ],
        .satisfied: [.close: (.closed, [.considerReview])],
        .notSatisfied: [
            .reprocess: (.reprocessing, [.restartResolutionClock]), .close: (.closed, [.considerReview]),
        ],
        .reprocessing: [.agreePlan: (.planAgreed, []), .withdraw: (.withdrawn, [.stopResolutionClock])],
        .closed: [.reopen: (.reprocessing, [.restartResolutionClock])],
        .withdrawn: [:],
    ]

    /// The events allowed in `status` according to the table above, in declaration order.
    static func expectedAllowed(in status: ComplaintStatus) -> [ComplaintEventKind] {
        ComplaintEventKind.allCases.filter { expected[status]?[$0] != nil }
    }

    @Test("the table has a row for every status, and the written-out table has one too")
    func rows() {
        #expect(Set(ComplaintLifecycle.transitions.keys) == Set(ComplaintStatus.allCases))
        #expect(Set(Self.expected.keys) == Set(ComplaintStatus.allCases))
    }

    @Test(
        "every event in every status: applied with its effects exactly when allowed",
        arguments: ComplaintStatus.allCases, ComplaintEventKind.allCases)
    func everyPair(status: ComplaintStatus, event: ComplaintEventKind) throws {
        // given a complaint in `status`, and an event carrying a note
        var lifecycle = ComplaintLifecycle(status: status)
        let carried = ComplaintEvent(event, note: "told the customer on the phone")
        // when / then
        if let (target, effects) = Self.expected[status]?[event] {
            #expect(try lifecycle.apply(carried, at: complaintNow) == effects)
            #expect(lifecycle.status == target)
        } else {
            #expect(
                throws: EventNotAllowed<ComplaintStatus, ComplaintEventKind>(
                    event: event, from: status, allowed: Self.expectedAllowed(in: status))
            ) {
                try lifecycle.apply(carried, at: complaintNow)
            }
            #expect(lifecycle.status == status)
            #expect(!ComplaintLifecycle.allowed(in: status).contains(event))
        }
    }

    @Test("the allowed events are listed in declaration order", arguments: ComplaintStatus.allCases)
    func allowedOrder(status: ComplaintStatus) {
        #expect(ComplaintLifecycle.allowed(in: status) == Self.expectedAllowed(in: status))
        #expect(ComplaintLifecycle(status: status).allowedEvents == Self.expectedAllowed(in: status))
    }

    @Test("a few rows spelled out")
    func someRows() {
        #expect(ComplaintLifecycle.allowed(in: .received) == [.acknowledge, .withdraw])
        #expect(ComplaintLifecycle.allowed(in: .resolved) == [.confirmSatisfied, .reportNotSatisfied, .close])
        #expect(ComplaintLifecycle.allowed(in: .notSatisfied) == [.reprocess, .close])
        #expect(ComplaintLifecycle.allowed(in: .closed) == [.reopen])
        #expect(ComplaintLifecycle.allowed(in: .withdrawn) == [])
        #expect(ComplaintLifecycle().status == .received)
    }

    @Test("exactly the plan, the feedback, the customer's reason, re-processing, withdrawal and reopening need a note")
    func notedEvents() {
        let noted = ComplaintEventKind.allCases.filter(\.requiresNote)
        #expect(noted == [.agreePlan, .resolve, .reportNotSatisfied, .reprocess, .withdraw, .reopen])
    }

    @Test(
        "an event that needs a note is refused without one, and changes nothing",
        arguments: [
            (ComplaintStatus.investigating, ComplaintEventKind.agreePlan), (.reprocessing, .agreePlan),
            (.planAgreed, .resolve), (.resolved, .reportNotSatisfied), (.notSatisfied, .reprocess),
            (.received, .withdraw), (.acknowledged, .withdraw), (.closed, .reopen),
        ],
        [nil, "", "  \n"] as [String?])
    func noteRequired(pair: (ComplaintStatus, ComplaintEventKind), note: String?) {
        // given a complaint where the event is allowed
        var lifecycle = ComplaintLifecycle(status: pair.0)
        // when / then
        #expect(throws: ComplaintError.noteRequired(event: pair.1)) {
            try lifecycle.apply(ComplaintEvent(pair.1, note: note), at: complaintNow)
        }
        #expect(lifecycle.status == pair.0)
    }

    @Test(
        "an event that needs no note is applied without one",
        arguments: [
            (ComplaintStatus.received, ComplaintEventKind.acknowledge, ComplaintStatus.acknowledged),
            (.acknowledged, .investigate, .investigating), (.resolved, .confirmSatisfied, .satisfied),
            (.satisfied, .close, .closed),
        ])
    func noNoteNeeded(status: ComplaintStatus, event: ComplaintEventKind, target: ComplaintStatus) throws {
        // given
        var lifecycle = ComplaintLifecycle(status: status)
        // when
        _ = try lifecycle.apply(ComplaintEvent(event), at: complaintNow)
        // then
        #expect(lifecycle.status == target)
    }

    @Test("an event the table refuses is refused as such, note or not, and changes nothing")
    func refusalFirst() {
        // given a withdrawn complaint
        var lifecycle = ComplaintLifecycle(status: .withdrawn)
        // when / then: the table's refusal comes before the missing note
        #expect(
            throws: EventNotAllowed<ComplaintStatus, ComplaintEventKind>(event: .reopen, from: .withdrawn, allowed: [])
        ) {
            try lifecycle.apply(ComplaintEvent(.reopen), at: complaintNow)
        }
        #expect(lifecycle.status == .withdrawn)
        // and a received complaint cannot be resolved, even with a note
        var received = ComplaintLifecycle(status: .received)
        #expect(
            throws: EventNotAllowed<ComplaintStatus, ComplaintEventKind>(
                event: .resolve, from: .received, allowed: [.acknowledge, .withdraw])
        ) {
            try received.apply(ComplaintEvent(.resolve, note: "done"), at: complaintNow)
        }
        #expect(received.status == .received)
    }

    @Test(
        "closing without the customer's satisfaction needs the reason, and changes nothing without it",
        arguments: [ComplaintStatus.resolved, .notSatisfied], [nil, "", " \t\n"] as [String?])
    func closingReasonRequired(status: ComplaintStatus, note: String?) {
        // given a complaint whose customer is not (or not yet) satisfied
        var lifecycle = ComplaintLifecycle(status: status)
        // when / then
        #expect(throws: ComplaintError.closingReasonRequired) {
            try lifecycle.apply(ComplaintEvent(.close, note: note), at: complaintNow)
        }
        #expect(lifecycle.status == status)
    }

    @Test(
        "closing without the customer's satisfaction with the reason is allowed",
        arguments: [ComplaintStatus.resolved, .notSatisfied])
    func closingWithReason(status: ComplaintStatus) throws {
        // given
        var lifecycle = ComplaintLifecycle(status: status)
        // when
        let effects = try lifecycle.apply(
            ComplaintEvent(.close, note: "the customer stopped answering"), at: complaintNow)
        // then
        #expect(effects == [.considerReview])
        #expect(lifecycle.status == .closed)
    }

    @Test("a satisfied complaint closes without a note", arguments: [nil, "", "thanked us"] as [String?])
    func closingSatisfied(note: String?) throws {
        // given
        var lifecycle = ComplaintLifecycle(status: .satisfied)
        // when
        let effects = try lifecycle.apply(ComplaintEvent(.close, note: note), at: complaintNow)
        // then
        #expect(effects == [.considerReview])
        #expect(lifecycle.status == .closed)
    }

    @Test(
        "the clocks: acknowledge stops one, resolve the other, reprocess and reopen restart it, close reviews",
        arguments: [
            (ComplaintStatus.received, ComplaintEventKind.acknowledge, [ComplaintEffect.stopAcknowledgementClock]),
            (.planAgreed, .resolve, [.stopResolutionClock]),
            (.notSatisfied, .reprocess, [.restartResolutionClock]),
            (.closed, .reopen, [.restartResolutionClock]),
            (.resolved, .close, [.considerReview]), (.satisfied, .close, [.considerReview]),
            (.notSatisfied, .close, [.considerReview]),
            (.acknowledged, .investigate, []), (.investigating, .agreePlan, []), (.reprocessing, .agreePlan, []),
            (.resolved, .confirmSatisfied, []), (.resolved, .reportNotSatisfied, []),
        ] as [(ComplaintStatus, ComplaintEventKind, [ComplaintEffect])])
    func effects(status: ComplaintStatus, event: ComplaintEventKind, effects: [ComplaintEffect]) throws {
        var lifecycle = ComplaintLifecycle(status: status)
        #expect(try lifecycle.apply(ComplaintEvent(event, note: "a note"), at: complaintNow) == effects)
    }

    @Test(
        "a withdrawal before acknowledgement stops both clocks; later only the resolution clock",
        arguments: [
            (ComplaintStatus.received, [ComplaintEffect.stopAcknowledgementClock, .stopResolutionClock]),
            (.acknowledged, [.stopResolutionClock]), (.investigating, [.stopResolutionClock]),
            (.planAgreed, [.stopResolutionClock]), (.reprocessing, [.stopResolutionClock]),
        ] as [(ComplaintStatus, [ComplaintEffect])])
    func withdrawal(status: ComplaintStatus, effects: [ComplaintEffect]) throws {
        // given
        var lifecycle = ComplaintLifecycle(status: status)
        // when / then
        let withdrawal = ComplaintEvent(.withdraw, note: "sorted it out myself")
        #expect(try lifecycle.apply(withdrawal, at: complaintNow) == effects)
        #expect(lifecycle.status == .withdrawn)
    }

    @Test("which statuses are open and which run the resolution deadline", arguments: ComplaintStatus.allCases)
    func statusFlags(status: ComplaintStatus) {
        let closedOrWithdrawn: [ComplaintStatus] = [.closed, .withdrawn]
        let running: [ComplaintStatus] = [.received, .acknowledged, .investigating, .planAgreed, .reprocessing]
        #expect(status.isOpen == !closedOrWithdrawn.contains(status))
        #expect(status.resolutionRuns == running.contains(status))
    }

    @Test("the customer's own answers are satisfied, not satisfied and withdrawn")
    func customerAnswers() {
        let answers = ComplaintEventKind.allCases.filter(\.isCustomerAnswer)
        #expect(answers == [.confirmSatisfied, .reportNotSatisfied, .withdraw])
    }
}

@Suite("Independence of complaint handling (R-9.1)")
struct ComplaintIndependenceTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var roles: Set<Role>
        var links: HandlerLinks
        var conflict: ComplaintConflict?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "a service manager is not a handler", roles: [.serviceManager], links: HandlerLinks(),
            conflict: .notHandler),
        Case(
            name: "a dispatcher is not a handler", roles: [.dispatcher], links: HandlerLinks(), conflict: .notHandler),
        Case(
            name: "an administrator is neither handler nor supervisor", roles: [.administrator], links: HandlerLinks(),
            conflict: .notHandler),
        Case(
            name: "a quality inspector is not a handler", roles: [.qualityInspector], links: HandlerLinks(),
            conflict: .notHandler),
        Case(name: "no roles", roles: [], links: HandlerLinks(), conflict: .notHandler),
        Case(
            name: "not being a handler comes before every tie", roles: [.hotlineAgent],
            links: HandlerLinks(isSubjectPerson: true, workedOnRequests: ["SR-2026-000001"], subjectIsHandler: true),
            conflict: .notHandler),
        Case(
            name: "a handler complained about", roles: [.complaintHandler], links: HandlerLinks(isSubjectPerson: true),
            conflict: .subjectPerson),
        Case(
            name: "a supervisor complained about", roles: [.complaintSupervisor],
            links: HandlerLinks(isSubjectPerson: true, subjectIsHandler: true), conflict: .subjectPerson),
        Case(
            name: "being the subject comes before having worked on it", roles: [.complaintHandler],
            links: HandlerLinks(isSubjectPerson: true, workedOnRequests: ["SR-2026-000003"]),
            conflict: .subjectPerson),
        Case(
            name: "a handler who worked on the requests, named in order", roles: [.complaintHandler],
            links: HandlerLinks(workedOnRequests: ["SR-2026-000009", "SR-2025-000120", "SR-2026-000002"]),
            conflict: .workedOn(requestNumbers: ["SR-2025-000120", "SR-2026-000002", "SR-2026-000009"])),
        Case(
            name: "a supervisor who worked on the request", roles: [.complaintSupervisor],
            links: HandlerLinks(workedOnRequests: ["SR-2026-000042"]),
            conflict: .workedOn(requestNumbers: ["SR-2026-000042"])),
        Case(
            name: "having worked on it comes before a complaint about a handler", roles: [.complaintHandler],
            links: HandlerLinks(workedOnRequests: ["SR-2026-000042"], subjectIsHandler: true),
            conflict: .workedOn(requestNumbers: ["SR-2026-000042"])),
        Case(
            name: "a complaint about a handler is not a handler's", roles: [.complaintHandler],
            links: HandlerLinks(subjectIsHandler: true), conflict: .aboutHandler),
        Case(
            name: "a complaint about a handler is the supervisor's", roles: [.complaintSupervisor],
            links: HandlerLinks(subjectIsHandler: true), conflict: nil),
        Case(
            name: "a handler who is also the supervisor may take a complaint about a handler",
            roles: [.complaintHandler, .complaintSupervisor], links: HandlerLinks(subjectIsHandler: true),
            conflict: nil),
        Case(name: "a handler without ties", roles: [.complaintHandler], links: HandlerLinks(), conflict: nil),
        Case(
            name: "a supervisor without ties", roles: [.complaintSupervisor], links: HandlerLinks(), conflict: nil),
        Case(
            name: "a handler who is also a quality inspector", roles: [.complaintHandler, .qualityInspector],
            links: HandlerLinks(), conflict: nil),
    ]

    @Test("who may work a complaint", arguments: cases)
    func conflict(_ c: Case) {
        #expect(ComplaintIndependence.conflict(roles: c.roles, links: c.links) == c.conflict)
    }

    @Test("no ties by default")
    func defaultLinks() {
        let links = HandlerLinks()
        #expect(!links.isSubjectPerson)
        #expect(links.workedOnRequests.isEmpty)
        #expect(!links.subjectIsHandler)
    }
}

@Suite("The supervisor's review of closed complaints (R-9.1)")
struct ComplaintReviewTests {
    @Test("a fifth of the satisfied complaints is drawn")
    func share() {
        #expect(ComplaintReview.samplePercent == 20)
    }

    @Test(
        "closed without satisfaction or with compensation: always reviewed",
        arguments: [ComplaintStatus.notSatisfied, .resolved, .satisfied], [0, 19, 20, 99])
    func always(closedFrom: ComplaintStatus, roll: Int) {
        #expect(ComplaintReview.selects(closedFrom: closedFrom, compensated: true, roll: roll))
        if closedFrom != .satisfied {
            #expect(ComplaintReview.selects(closedFrom: closedFrom, compensated: false, roll: roll))
        }
    }

    @Test(
        "closed satisfied without compensation: reviewed when the roll falls in the sample",
        arguments: [(0, true), (19, true), (20, false), (99, false)])
    func sampled(roll: Int, selected: Bool) {
        #expect(ComplaintReview.selects(closedFrom: .satisfied, compensated: false, roll: roll) == selected)
    }
}

@Suite("Frequent complaint causes (R-9.3)")
struct FrequentCausesTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var counts: [ComplaintCause: Int]
        var flagged: [ComplaintCause]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "no complaints", counts: [:], flagged: []),
        Case(name: "only zero counts", counts: [.delay: 0, .attitude: 0], flagged: []),
        // total 5, head 80 % = 4: attitude (tie, by name) 0 → 2, delay 2 → 4, other not taken; none reaches 3
        Case(name: "all below the minimum", counts: [.delay: 2, .attitude: 2, .other: 1], flagged: []),
        // total 20, head 16: delay 0 → 10, attitude 10 → 16, feeDispute starts at 16 (not below 16): out
        Case(
            name: "the Pareto head", counts: [.delay: 10, .attitude: 6, .feeDispute: 3, .other: 1],
            flagged: [.delay, .attitude]),
        // total 10, head 8: attitude (tie, by name) 0 → 5, delay 5 → 10
        Case(name: "ties by name", counts: [.delay: 5, .attitude: 5], flagged: [.attitude, .delay]),
        // total 15, head 12: attitude, delay, feeDispute, other taken (0, 3, 6, 9 before them), policy starts at 12
        Case(
            name: "equal counts cut at the head",
            counts: [.delay: 3, .attitude: 3, .feeDispute: 3, .other: 3, .policy: 3],
            flagged: [.attitude, .delay, .feeDispute, .other]),
        // total 15, head 12: delay 0 → 12, attitude starts at 12: out although it has 3
        Case(name: "a frequent cause outside the head", counts: [.delay: 12, .attitude: 3], flagged: [.delay]),
        // total 6, head 4.8: delay 0 → 4, attitude 4 → 6 taken but below the minimum
        Case(name: "in the head but below the minimum", counts: [.delay: 4, .attitude: 2], flagged: [.delay]),
        Case(name: "a single cause at the minimum", counts: [.workmanship: 3], flagged: [.workmanship]),
        Case(name: "a single cause below the minimum", counts: [.workmanship: 2], flagged: []),
    ]

    @Test("the thresholds")
    func thresholds() {
        #expect(FrequentCauses.minimumCount == 3)
        #expect(FrequentCauses.headPercent == 80)
    }

    @Test("hand-computed flags, the most frequent first", arguments: cases)
    func flagged(_ c: Case) {
        #expect(FrequentCauses.flagged(c.counts) == c.flagged)
    }
}

@Suite("Complaint numbers and enumerations (R-9.2)")
struct ComplaintNumberTests {
    @Test("a number formats and parses back")
    func roundTrip() {
        let number = ComplaintNumber(year: 2026, sequence: 42)
        #expect(number.description == "CMP-2026-000042")
        #expect(ComplaintNumber("CMP-2026-000042") == number)
        #expect(ComplaintNumber(number.description) == number)
        #expect(ComplaintNumber("CMP-2026-1234567") == ComplaintNumber(year: 2026, sequence: 1_234_567))
        #expect(ComplaintNumber(year: 2026, sequence: 1_234_567).description == "CMP-2026-1234567")
    }

    @Test(
        "other numbers are refused",
        arguments: [
            "RMA-2026-000042", "CMP-26-1", "SR-2026-000042", "CMP-2026-42", "CMP-2026-000000", "cmp-2026-000042",
            "CMP-2026-000042-1", "CMP-2026-00004a", "",
        ])
    func refused(text: String) {
        #expect(ComplaintNumber(text) == nil)
    }

    @Test("the counter is per year and separate from the requests'")
    func sequenceName() {
        #expect(ComplaintNumber.sequenceName(year: 2026) == "CMP-2026")
    }

    @Test(
        "a severity chooses the deadlines like a priority",
        arguments: [
            (ComplaintSeverity.critical, Priority.emergency), (.high, .high), (.normal, .normal), (.low, .low),
        ])
    func severity(severity: ComplaintSeverity, priority: Priority) {
        #expect(severity.priority == priority)
    }

    @Test("no product offers the complaint family")
    func families() {
        #expect(!ServiceFamily.productFamilies.contains(.complaint))
        #expect(ServiceFamily.productFamilies == ServiceFamily.allCases.filter { $0 != .complaint })
        #expect(ServiceFamily.allCases.contains(.complaint))
    }

    @Test("the kinds naming a record name their field; a policy and anything else name none")
    func subjects() {
        #expect(ComplaintSubject.request.recordField == "requestId")
        #expect(ComplaintSubject.staff.recordField == "staffUserId")
        #expect(ComplaintSubject.policy.recordField == nil)
        #expect(ComplaintSubject.other.recordField == nil)
    }
}

@Suite("Complaint permissions (R-9.1, R-14.2)")
struct ComplaintPermissionsTests {
    /// After-sales steps no complaint handler or supervisor may take.
    static let afterSalesSteps: [Action] = [
        .registerRequests, .editRequests, .triageRequests, .workRequests, .closeRequests, .reopenRequests,
        .cancelRequests, .dispatchVisits, .workVisits, .moveStock, .requestParts, .quoteJobs, .billFees,
        .openReturns, .inspectReturns, .workDepot, .lendLoaners, .handleFollowUps, .answerStatements,
    ]

    @Test("a service manager answers statements and reads the statistics but neither handles nor supervises")
    func serviceManager() {
        #expect(!Permissions.allows([.serviceManager], .handleComplaints))
        #expect(!Permissions.allows([.serviceManager], .superviseComplaints))
        #expect(Permissions.allows([.serviceManager], .answerStatements))
        #expect(Permissions.allows([.serviceManager], .viewComplaintStats))
        #expect(Permissions.allows([.serviceManager], .fileComplaints))
    }

    @Test("a complaint handler handles complaints, neither supervises nor answers statements")
    func handler() {
        #expect(Permissions.allows([.complaintHandler], .handleComplaints))
        #expect(Permissions.allows([.complaintHandler], .viewComplaintStats))
        #expect(Permissions.allows([.complaintHandler], .viewRequests))
        #expect(!Permissions.allows([.complaintHandler], .superviseComplaints))
        #expect(!Permissions.allows([.complaintHandler], .answerStatements))
    }

    @Test("a complaint supervisor supervises and handles")
    func supervisor() {
        #expect(Permissions.allows([.complaintSupervisor], .superviseComplaints))
        #expect(Permissions.allows([.complaintSupervisor], .handleComplaints))
        #expect(Permissions.allows([.complaintSupervisor], .manageImprovements))
    }

    @Test(
        "complaint handlers and their supervisor take no after-sales step",
        arguments: [Role.complaintHandler, .complaintSupervisor], afterSalesSteps)
    func noAfterSalesStep(role: Role, action: Action) {
        #expect(!Permissions.allows([role], action))
    }

    @Test("only complaint handling roles and the administrator handle complaints", arguments: Role.allCases)
    func whoHandles(role: Role) {
        let handles = Role.complaintHandling.contains(role) || role == .administrator
        #expect(Permissions.allows([role], .handleComplaints) == handles)
        let supervises = role == .complaintSupervisor || role == .administrator
        #expect(Permissions.allows([role], .superviseComplaints) == supervises)
    }

    @Test("the complaint handling roles")
    func roles() {
        #expect(Role.complaintHandling == [.complaintHandler, .complaintSupervisor])
        #expect(Role.afterSalesService.isDisjoint(with: Role.complaintHandling))
    }

    @Test(
        "R-9.1: a complaint supervisor holds no after-sales service role either",
        arguments: Array(Role.afterSalesService))
    func supervisorSeparation(service: Role) {
        #expect(RoleConflict.check([.complaintSupervisor, service]) == .complaintHandlerInService([service]))
    }

    @Test("role conflicts of complaint handling")
    func conflicts() {
        #expect(RoleConflict.check([.complaintSupervisor, .dispatcher]) == .complaintHandlerInService([.dispatcher]))
        #expect(
            RoleConflict.check([.complaintHandler, .serviceManager, .dispatcher])
                == .complaintHandlerInService([.dispatcher, .serviceManager]))
        #expect(RoleConflict.check([.complaintHandler, .complaintSupervisor]) == nil)
        #expect(RoleConflict.check([.complaintSupervisor, .qualityInspector]) == nil)
        #expect(RoleConflict.check([.complaintHandler, .administrator]) == nil)
        #expect(
            RoleConflict.check([.customer, .complaintHandler, .dispatcher])
                == .customerWithStaffRole([.complaintHandler, .dispatcher]))
    }

    @Test("the supervisor reopens; handlers take every other step", arguments: ComplaintEventKind.allCases)
    func actionForEvent(event: ComplaintEventKind) {
        let needed: Action = event == .reopen ? .superviseComplaints : .handleComplaints
        #expect(Action.for(complaint: event) == needed)
    }
}
