import AftercareDomain
import Foundation
import Testing

@Suite("Request lifecycle (R-2.7)")
struct LifecycleTests {
    /// written out independently of the production table.
    static let expectedTransitions: [RequestStatus: [RequestEventKind: LifecycleTarget]] = [
        .registered: [
            .triage: .to(.triaged), .resolveRemotely: .to(.resolved), .waitForCustomer: .to(.waitingOnCustomer),
            .cancel: .to(.cancelled),
        ],
        .triaged: [
            .triage: .to(.triaged), .startService: .to(.inService), .resolveRemotely: .to(.resolved),
            .waitForCustomer: .to(.waitingOnCustomer), .cancel: .to(.cancelled),
        ],
        .inService: [.resolve: .to(.resolved), .waitForCustomer: .to(.waitingOnCustomer), .cancel: .to(.cancelled)],
        .waitingOnCustomer: [.customerResponded: .resumePrevious, .cancel: .to(.cancelled)],
        .resolved: [.close: .to(.closed), .reopen: .to(.inService)],
        .closed: [.reopen: .to(.inService)],
        .cancelled: [:],
    ]

    static let now = Date(timeIntervalSince1970: 1_770_000_000)

    /// One step as the timeline records it: from, event, to, and the effects for the store.
    struct Step: Equatable {
        var event: RequestEventKind
        var from: RequestStatus
        var to: RequestStatus
        var effects: [RequestEffect]
    }

    @discardableResult
    static func step(_ lifecycle: inout RequestLifecycle, _ event: RequestEventKind, note: String? = nil) throws -> Step
    {
        let from = lifecycle.status
        let effects = try lifecycle.apply(RequestEvent(event, note: note), at: now)
        return Step(event: event, from: from, to: lifecycle.status, effects: effects)
    }

    /// The effects give each event: every step refreshes the clocks, triage decides the
    /// warranty again, resolving (by a visit or by phone) schedules the matching follow-up, and closing invites the
    /// customer to the per-job survey.
    static func expectedEffects(_ event: RequestEventKind) -> [RequestEffect] {
        switch event {
        case .triage: [.decideWarranty, .refreshClocks]
        case .close: [.refreshClocks, .inviteToSurvey]
        case .resolve: [.refreshClocks, .scheduleFollowUp(.resolved, from: now)]
        case .resolveRemotely: [.refreshClocks, .scheduleFollowUp(.phoneGuidance, from: now)]
        default: [.refreshClocks]
        }
    }

    /// A waiting request remembers the state to resume; the exhaustive test waits from `inService`.
    static func lifecycle(in status: RequestStatus) -> RequestLifecycle {
        RequestLifecycle(status: status, resumeStatus: status == .waitingOnCustomer ? .inService : nil)
    }

    @Test("the transition table is the R-2.7 table, with a row for every state")
    func tableMatchesRequirements() {
        // given the expected table
        // when
        let table = RequestLifecycle.transitions
        // then
        #expect(table == Self.expectedTransitions)
        #expect(Set(table.keys) == Set(RequestStatus.allCases))
    }

    @Test(
        "every event in every state: applied exactly when the table allows it", arguments: RequestStatus.allCases,
        RequestEventKind.allCases)
    func everyPair(status: RequestStatus, event: RequestEventKind) throws {
        // given a request in `status`
        var lifecycle = Self.lifecycle(in: status)
        let before = lifecycle
        let expected = Self.expectedTransitions[status]?[event]
        #expect((RequestLifecycle.transitions[status]?[event] != nil) == (expected != nil))
        if let expected {
            // when
            let transition = try Self.step(&lifecycle, event, note: "a reason")
            // then
            let target: RequestStatus =
                switch expected {
                case .to(let next): next
                case .resumePrevious: .inService
                }
            #expect(lifecycle.status == target)
            #expect(transition.event == event)
            #expect(transition.from == status)
            #expect(transition.to == target)
            #expect(lifecycle.resumeStatus == (target == .waitingOnCustomer ? status : nil))
            #expect(transition.effects == Self.expectedEffects(event))
        } else {
            // when / then
            #expect(throws: LifecycleError.notAllowed(event: event, from: status, allowed: before.allowedEvents)) {
                try Self.step(&lifecycle, event, note: "a reason")
            }
            #expect(lifecycle == before)
        }
    }

    @Test(
        "allowed events are listed in declaration order",
        arguments: [
            (RequestStatus.registered, [RequestEventKind.triage, .resolveRemotely, .waitForCustomer, .cancel]),
            (.triaged, [.triage, .startService, .resolveRemotely, .waitForCustomer, .cancel]),
            (.inService, [.resolve, .waitForCustomer, .cancel]),
            (.waitingOnCustomer, [.customerResponded, .cancel]),
            (.resolved, [.close, .reopen]),
            (.closed, [.reopen]),
            (.cancelled, []),
        ])
    func allowedEvents(status: RequestStatus, expected: [RequestEventKind]) {
        // given
        let lifecycle = Self.lifecycle(in: status)
        // when
        let allowed = lifecycle.allowedEvents
        // then
        #expect(allowed == expected)
    }

    @Test(
        "waiting for the customer, then hearing back, resumes the previous state",
        arguments: [
            (RequestStatus.registered, [RequestEventKind]()), (.triaged, [.triage]),
            (.inService, [.triage, .startService]),
        ])
    func waitAndResume(status: RequestStatus, path: [RequestEventKind]) throws {
        // given a new request brought to `status`
        var lifecycle = RequestLifecycle()
        for event in path { try Self.step(&lifecycle, event) }
        #expect(lifecycle.status == status)
        // when
        let wait = try Self.step(&lifecycle, .waitForCustomer)
        let waiting = lifecycle
        let respond = try Self.step(&lifecycle, .customerResponded)
        // then
        #expect(wait.from == status && wait.to == .waitingOnCustomer)
        #expect(waiting.status == .waitingOnCustomer && waiting.resumeStatus == status)
        #expect(respond.from == .waitingOnCustomer && respond.to == status)
        #expect(lifecycle.status == status)
        #expect(lifecycle.resumeStatus == nil)
    }

    @Test("each wait remembers its own state to resume")
    func repeatedWaits() throws {
        // given a new request
        var lifecycle = RequestLifecycle()
        // when
        try Self.step(&lifecycle, .waitForCustomer)
        try Self.step(&lifecycle, .customerResponded)
        let afterFirst = lifecycle.status
        try Self.step(&lifecycle, .triage)
        try Self.step(&lifecycle, .startService)
        try Self.step(&lifecycle, .waitForCustomer)
        try Self.step(&lifecycle, .customerResponded)
        // then
        #expect(afterFirst == .registered)
        #expect(lifecycle.status == .inService)
    }

    @Test("a lifecycle loaded as waiting resumes the given state, or triaged when none is known")
    func initialisedWaiting() throws {
        // given
        var withoutResume = RequestLifecycle(status: .waitingOnCustomer)
        var withResume = RequestLifecycle(status: .waitingOnCustomer, resumeStatus: .registered)
        let notWaiting = RequestLifecycle(status: .inService, resumeStatus: .triaged)
        // when
        try Self.step(&withoutResume, .customerResponded)
        try Self.step(&withResume, .customerResponded)
        // then
        #expect(withoutResume.status == .triaged)
        #expect(withResume.status == .registered)
        #expect(notWaiting.resumeStatus == nil)
        #expect(RequestLifecycle().status == .registered)
    }

    static let noteEvents: [(RequestStatus, RequestEventKind)] = [
        (.registered, .cancel), (.triaged, .cancel), (.inService, .cancel), (.waitingOnCustomer, .cancel),
        (.resolved, .reopen), (.closed, .reopen),
    ]

    @Test(
        "cancel and reopen need a non-blank note and change nothing without one", arguments: noteEvents,
        [nil, "", "   ", "\n\t "] as [String?])
    func noteRequired(pair: (RequestStatus, RequestEventKind), note: String?) {
        // given
        let (status, event) = pair
        var lifecycle = Self.lifecycle(in: status)
        let before = lifecycle
        // when / then
        #expect(throws: LifecycleError.noteRequired(event: event)) {
            try Self.step(&lifecycle, event, note: note)
        }
        #expect(lifecycle == before)
    }

    @Test("cancel and reopen go through with a note", arguments: noteEvents)
    func noteGiven(status: RequestStatus, event: RequestEventKind) throws {
        // given
        var lifecycle = Self.lifecycle(in: status)
        // when
        let transition = try Self.step(&lifecycle, event, note: "  customer withdrew  ")
        // then
        #expect(lifecycle.status == (event == .cancel ? .cancelled : .inService))
        #expect(transition.from == status && transition.to == lifecycle.status)
        #expect(lifecycle.resumeStatus == nil)
    }

    @Test("an event that sets a fault cause decides the warranty again, before the clocks are refreshed")
    func faultCauseDecidesWarranty() throws {
        // given a request in service
        var lifecycle = RequestLifecycle(status: .inService)
        // when it is resolved with a fault cause
        let effects = try lifecycle.apply(RequestEvent(.resolve, setsFaultCause: true), at: Self.now)
        // then
        #expect(effects == [.decideWarranty, .refreshClocks, .scheduleFollowUp(.resolved, from: Self.now)])
    }

    @Test("only cancel and reopen require a note", arguments: RequestEventKind.allCases)
    func requiresNote(event: RequestEventKind) {
        // given an event
        // when
        let required = event.requiresNote
        // then
        #expect(required == [.cancel, .reopen].contains(event))
    }

    @Test("an event not allowed in the state is refused before the note is checked")
    func notAllowedBeforeNote() {
        // given a registered request
        var lifecycle = RequestLifecycle()
        // when / then
        #expect(throws: LifecycleError.notAllowed(event: .reopen, from: .registered, allowed: lifecycle.allowedEvents))
        {
            try Self.step(&lifecycle, .reopen)
        }
        #expect(lifecycle.status == .registered)
    }

    @Test("cancelled is terminal: every event is refused", arguments: RequestEventKind.allCases)
    func cancelledIsTerminal(event: RequestEventKind) throws {
        // given a request cancelled on the way
        var lifecycle = RequestLifecycle()
        try Self.step(&lifecycle, .triage)
        try Self.step(&lifecycle, .cancel, note: "duplicate")
        let before = lifecycle
        // when / then
        #expect(throws: LifecycleError.notAllowed(event: event, from: .cancelled, allowed: [])) {
            try Self.step(&lifecycle, event, note: "try anyway")
        }
        #expect(lifecycle == before)
        #expect(lifecycle.allowedEvents.isEmpty)
        #expect(!lifecycle.status.isOpen)
    }

    @Test("a visit, a close, a reopen and a second close make a full timeline")
    func fullTimeline() throws {
        // given a new request
        var lifecycle = RequestLifecycle()
        let steps: [(RequestEventKind, String?)] = [
            (.triage, nil), (.startService, nil), (.waitForCustomer, nil), (.customerResponded, nil), (.resolve, nil),
            (.close, nil), (.reopen, "fault came back"), (.resolve, nil), (.close, nil),
        ]
        // when
        var timeline: [String] = []
        for (event, note) in steps {
            let t = try Self.step(&lifecycle, event, note: note)
            timeline.append("\(t.from.rawValue)-[\(t.event.rawValue)]->\(t.to.rawValue)")
        }
        // then
        #expect(
            timeline == [
                "registered-[triage]->triaged", "triaged-[startService]->inService",
                "inService-[waitForCustomer]->waitingOnCustomer", "waitingOnCustomer-[customerResponded]->inService",
                "inService-[resolve]->resolved", "resolved-[close]->closed", "closed-[reopen]->inService",
                "inService-[resolve]->resolved", "resolved-[close]->closed",
            ])
        #expect(lifecycle.status == .closed)
    }

    @Test("R-2.6: a request solved by phone is resolved without service")
    func remoteResolution() throws {
        // given
        var lifecycle = RequestLifecycle()
        // when
        try Self.step(&lifecycle, .triage)
        let transition = try Self.step(&lifecycle, .resolveRemotely)
        try Self.step(&lifecycle, .close)
        // then
        #expect(transition.from == .triaged && transition.to == .resolved)
        #expect(lifecycle.status == .closed)
    }

    @Test(
        "open states are the ones still needing work",
        arguments: [
            (RequestStatus.registered, true), (.triaged, true), (.inService, true), (.waitingOnCustomer, true),
            (.resolved, false), (.closed, false), (.cancelled, false),
        ])
    func isOpen(status: RequestStatus, open: Bool) {
        // given a state
        // when
        let result = status.isOpen
        // then
        #expect(result == open)
    }
}

@Suite("Request durations (R-2.7)")
struct RequestDurationsTests {
    static let t0 = Date(timeIntervalSince1970: 1_770_000_000)

    static func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }

    static func change(_ seconds: TimeInterval, _ from: RequestStatus?, _ to: RequestStatus) -> StatusChange {
        StatusChange(at: at(seconds), from: from, to: to)
    }

    /// Registered 600 s, triaged 1 200 + 600 s, waiting 3 600 + 2 000 s, in service 1 000 + 1 000 s,
    /// resolved 10 000 s, closed at 20 000 s.
    static let closedTimeline: [StatusChange] = [
        change(0, nil, .registered),
        change(600, .registered, .triaged),
        change(1_800, .triaged, .waitingOnCustomer),
        change(5_400, .waitingOnCustomer, .triaged),
        change(6_000, .triaged, .inService),
        change(7_000, .inService, .waitingOnCustomer),
        change(9_000, .waitingOnCustomer, .inService),
        change(10_000, .inService, .resolved),
        change(20_000, .resolved, .closed),
    ]

    @Test("time in each state and the waiting total come from the timeline")
    func timeInEachState() {
        // given a closed request
        // when
        let durations = RequestDurations.of(createdAt: Self.t0, changes: Self.closedTimeline, now: Self.at(100_000))
        // then
        #expect(durations.secondsInStatus[.registered] == 600)
        #expect(durations.secondsInStatus[.triaged] == 1_800)
        #expect(durations.secondsInStatus[.waitingOnCustomer] == 5_600)
        #expect(durations.secondsInStatus[.inService] == 2_000)
        #expect(durations.secondsInStatus[.resolved] == 10_000)
        #expect((durations.secondsInStatus[.closed] ?? 0) == 0)
        #expect(durations.waitingOnCustomer == 5_600)
        #expect(durations.age == 20_000)
        #expect(durations.secondsInStatus.values.reduce(0, +) == durations.age)
    }

    @Test("the age freezes at close, whatever the clock says", arguments: [20_000.0, 20_001, 86_400, 10_000_000])
    func ageFreezesAtClose(nowSeconds: TimeInterval) {
        // given a request closed at 20 000 s
        let reference = RequestDurations.of(createdAt: Self.t0, changes: Self.closedTimeline, now: Self.at(20_000))
        // when
        let later = RequestDurations.of(createdAt: Self.t0, changes: Self.closedTimeline, now: Self.at(nowSeconds))
        // then
        #expect(later == reference)
        #expect(later.age == 20_000)
    }

    @Test("the age of a cancelled request freezes at the cancellation")
    func ageFreezesAtCancel() {
        // given
        let changes = [
            Self.change(0, nil, .registered), Self.change(300, .registered, .waitingOnCustomer),
            Self.change(900, .waitingOnCustomer, .cancelled),
        ]
        // when
        let durations = RequestDurations.of(createdAt: Self.t0, changes: changes, now: Self.at(50_000))
        // then
        #expect(durations.age == 900)
        #expect(durations.secondsInStatus[.registered] == 300)
        #expect(durations.waitingOnCustomer == 600)
        #expect((durations.secondsInStatus[.cancelled] ?? 0) == 0)
    }

    @Test("an open request keeps ageing, and its current state counts up to now")
    func openRequestAges() {
        // given a request in service since 1 000 s
        let changes = [
            Self.change(0, nil, .registered), Self.change(400, .registered, .triaged),
            Self.change(1_000, .triaged, .inService),
        ]
        // when
        let early = RequestDurations.of(createdAt: Self.t0, changes: changes, now: Self.at(1_500))
        let late = RequestDurations.of(createdAt: Self.t0, changes: changes, now: Self.at(4_000))
        // then
        #expect(early.age == 1_500)
        #expect(late.age == 4_000)
        #expect(early.secondsInStatus[.inService] == 500)
        #expect(late.secondsInStatus[.inService] == 3_000)
        #expect(late.secondsInStatus[.registered] == 400)
        #expect(late.secondsInStatus[.triaged] == 600)
        #expect(late.waitingOnCustomer == 0)
    }

    @Test("a reopened request counts its closed time and ages again")
    func reopenedRequest() {
        // given a request closed at 20 000 s and reopened at 30 000 s
        let changes =
            Self.closedTimeline + [Self.change(30_000, .closed, .inService)]
        // when
        let durations = RequestDurations.of(createdAt: Self.t0, changes: changes, now: Self.at(31_000))
        // then
        #expect(durations.secondsInStatus[.closed] == 10_000)
        #expect(durations.secondsInStatus[.inService] == 3_000)
        #expect(durations.age == 31_000)
    }

    @Test("a request with only its registration is registered for its whole age", arguments: [true, false])
    func onlyRegistration(withRegistrationEntry: Bool) {
        // given
        let changes = withRegistrationEntry ? [Self.change(0, nil, .registered)] : []
        // when
        let durations = RequestDurations.of(createdAt: Self.t0, changes: changes, now: Self.at(3_600))
        // then
        #expect(durations.age == 3_600)
        #expect(durations.secondsInStatus == [.registered: 3_600])
        #expect(durations.waitingOnCustomer == 0)
    }

    @Test("a clock behind the timeline never yields negative durations")
    func clockBehind() {
        // given a triage recorded after `now`
        let changes = [Self.change(0, nil, .registered), Self.change(600, .registered, .triaged)]
        // when
        let durations = RequestDurations.of(createdAt: Self.t0, changes: changes, now: Self.at(-100))
        // then
        #expect(durations.age == 0)
        #expect(durations.secondsInStatus[.registered] == 600)
        #expect(durations.secondsInStatus[.triaged] == 0)
    }
}
