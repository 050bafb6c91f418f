import AftercareDomain
import Foundation
import Testing

/// The lifecycles written out independently of the production tables: for every status × event, where it
/// leads (nil: refused) and what the store must do.
private let now = Date(timeIntervalSince1970: 1_770_000_000)

@Suite("Requisition lifecycle (R-7.4)")
struct RequisitionLifecycleTests {
    static let expected: [RequisitionStatus: [RequisitionEventKind: (RequisitionStatus, [RequisitionEffect])]] = [
        .requested: [
            .approve: (.approved, [.reserve]), .reject: (.rejected, []), .cancel: (.cancelled, []),
        ],
        .approved: [.issue: (.issued, [.issueToVan]), .cancel: (.cancelled, [.releaseReservation])],
        .issued: [
            .consume: (.issued, [.account]), .returnUnused: (.issued, [.account]),
            .returnFaulty: (.issued, [.account]), .writeOff: (.issued, [.account]),
            .close: (.closed, [.requireSettled]),
        ],
        .rejected: [:], .closed: [:], .cancelled: [:],
    ]

    @Test("the table has a row for every status")
    func rows() {
        #expect(Set(RequisitionLifecycle.transitions.keys) == Set(RequisitionStatus.allCases))
    }

    @Test(
        "every step in every status: applied with its effects exactly when allowed",
        arguments: RequisitionStatus.allCases, RequisitionEventKind.allCases)
    func everyPair(status: RequisitionStatus, event: RequisitionEventKind) throws {
        // given a requisition in `status`
        var lifecycle = RequisitionLifecycle(status: status)
        // when / then
        if let (target, effects) = Self.expected[status]?[event] {
            #expect(try lifecycle.apply(RequisitionEvent(event, reason: "damaged"), at: now) == effects)
            #expect(lifecycle.status == target)
        } else {
            #expect(throws: RequisitionEventNotAllowed(event: event, status: status)) {
                try lifecycle.apply(RequisitionEvent(event, reason: "damaged"), at: now)
            }
            #expect(lifecycle.status == status)
            #expect(!RequisitionLifecycle.allowed(in: status).contains(event))
        }
    }

    @Test(
        "a rejection and a write-off say why, and change nothing without a reason",
        arguments: [(RequisitionStatus.requested, RequisitionEventKind.reject), (.issued, .writeOff)],
        [nil, "", "  \n"] as [String?])
    func reasonRequired(pair: (RequisitionStatus, RequisitionEventKind), reason: String?) {
        // given
        var lifecycle = RequisitionLifecycle(status: pair.0)
        // when / then
        #expect(throws: ValidationError(["reason": .required])) {
            try lifecycle.apply(RequisitionEvent(pair.1, reason: reason), at: now)
        }
        #expect(lifecycle.status == pair.0)
    }

    @Test("the steps are listed in declaration order")
    func allowedOrder() {
        #expect(RequisitionLifecycle(status: .requested).allowedEvents == [.approve, .reject, .cancel])
        #expect(
            RequisitionLifecycle.allowed(in: .issued) == [.consume, .returnUnused, .returnFaulty, .writeOff, .close])
    }
}

@Suite("Purchase order lifecycle (R-7.5)")
struct PurchaseOrderLifecycleTests {
    static let expected: [PurchaseOrderStatus: [PurchaseOrderEventKind: PurchaseOrderStatus]] = [
        .open: [.receive: .partiallyReceived, .close: .closed],
        .partiallyReceived: [
            .receive: .partiallyReceived, .receiveInFull: .received, .inspect: .partiallyReceived, .close: .closed,
        ],
        .received: [.inspect: .received, .close: .closed],
        .closed: [.inspect: .closed],
    ]

    @Test("the table has a row for every status")
    func rows() {
        #expect(Set(PurchaseOrderLifecycle.transitions.keys) == Set(PurchaseOrderStatus.allCases))
    }

    @Test(
        "every event in every status: applied exactly when allowed", arguments: PurchaseOrderStatus.allCases,
        PurchaseOrderEventKind.allCases)
    func everyPair(status: PurchaseOrderStatus, event: PurchaseOrderEventKind) throws {
        // given an order in `status`
        var lifecycle = PurchaseOrderLifecycle(status: status)
        // when / then
        if let target = Self.expected[status]?[event] {
            #expect(try lifecycle.apply(event, at: now).isEmpty)
            #expect(lifecycle.status == target)
        } else {
            #expect(
                throws: EventNotAllowed(
                    event: event, from: status, allowed: PurchaseOrderLifecycle.allowed(in: status))
            ) {
                try lifecycle.apply(event, at: now)
            }
            #expect(lifecycle.status == status)
        }
    }

    @Test("a refusal is thrown as the store's error for the record")
    func refusedAs() {
        // given a closed order
        struct Closed: Error, Equatable { var status: PurchaseOrderStatus }
        var lifecycle = PurchaseOrderLifecycle(status: .closed)
        // when / then
        #expect(throws: Closed(status: .closed)) {
            try lifecycle.apply(.receive, at: now) { Closed(status: $0) }
        }
        #expect(lifecycle.status == .closed)
    }
}

@Suite("Stocktake lifecycle (R-7.6)")
struct StocktakeLifecycleTests {
    static let expected: [StocktakeStatus: [StocktakeEventKind: (StocktakeStatus, [StocktakeEffect])]] = [
        .counting: [.count: (.counting, []), .approve: (.approved, [.postAdjustments]), .cancel: (.cancelled, [])],
        .approved: [:], .cancelled: [:],
    ]

    @Test("the table has a row for every status")
    func rows() {
        #expect(Set(StocktakeLifecycle.transitions.keys) == Set(StocktakeStatus.allCases))
    }

    @Test(
        "every event in every status: applied with its effects exactly when allowed",
        arguments: StocktakeStatus.allCases, StocktakeEventKind.allCases)
    func everyPair(status: StocktakeStatus, event: StocktakeEventKind) throws {
        // given a stocktake in `status`
        var lifecycle = StocktakeLifecycle(status: status)
        // when / then
        if let (target, effects) = Self.expected[status]?[event] {
            #expect(try lifecycle.apply(event, at: now) == effects)
            #expect(lifecycle.status == target)
        } else {
            #expect(
                throws: EventNotAllowed<StocktakeStatus, StocktakeEventKind>(event: event, from: status, allowed: [])
            ) {
                try lifecycle.apply(event, at: now)
            }
            #expect(lifecycle.status == status)
        }
    }
}

@Suite("Follow-up lifecycle (R-10.1)")
struct FollowUpLifecycleTests {
    static let expected: [FollowUpStatus: [FollowUpEventKind: (FollowUpStatus, [FollowUpEffect])]] = [
        .open: [
            .solved: (.done, [.closeRequest]), .notSolved: (.done, [.reopenRequest]),
            .retry: (.open, [.dueAgain(at: now.addingTimeInterval(30 * 60))]), .giveUp: (.unreachable, []),
        ],
        .done: [:], .unreachable: [:], .cancelled: [:],
    ]

    /// The call that makes each event (an unanswered one retried after 30 minutes, or with no retries left).
    static func call(_ kind: FollowUpEventKind) -> FollowUpEvent {
        switch kind {
        case .solved: FollowUpEvent(.solved)
        case .notSolved: FollowUpEvent(.notSolved)
        case .retry: FollowUpEvent(.unreachable, retryAfterMinutes: 30)
        case .giveUp: FollowUpEvent(.unreachable)
        }
    }

    @Test("the table has a row for every status")
    func rows() {
        #expect(Set(FollowUpLifecycle.transitions.keys) == Set(FollowUpStatus.allCases))
    }

    @Test(
        "every call in every status: applied with its effects exactly when allowed",
        arguments: FollowUpStatus.allCases, FollowUpEventKind.allCases)
    func everyPair(status: FollowUpStatus, kind: FollowUpEventKind) throws {
        // given a follow-up in `status`
        var lifecycle = FollowUpLifecycle(status: status)
        let event = Self.call(kind)
        #expect(event.kind == kind)
        // when / then
        if let (target, effects) = Self.expected[status]?[kind] {
            #expect(try lifecycle.apply(event, at: now) == effects)
            #expect(lifecycle.status == target)
        } else {
            #expect(throws: EventNotAllowed<FollowUpStatus, FollowUpEventKind>(event: kind, from: status, allowed: []))
            {
                try lifecycle.apply(event, at: now)
            }
            #expect(lifecycle.status == status)
        }
    }

    @Test(
        "an unanswered call is retried on the schedule, then given up",
        arguments: [
            (1, [30, 120], FollowUpEventKind.retry, 30), (2, [30, 120], .retry, 120), (3, [30, 120], .giveUp, nil),
            (1, [], .giveUp, nil),
        ] as [(Int, [Int], FollowUpEventKind, Int?)])
    func retrySchedule(attempt: Int, retries: [Int], kind: FollowUpEventKind, wait: Int?) {
        // given the `attempt`-th unanswered call
        // when
        let event = FollowUpEvent.call(.unreachable, attempt: attempt, retries: retries)
        // then
        #expect(event.kind == kind)
        #expect(event.retryAfterMinutes == wait)
    }

    @Test("an answered call ignores the retry schedule", arguments: [FollowUpOutcome.solved, .notSolved])
    func answered(outcome: FollowUpOutcome) {
        let event = FollowUpEvent.call(outcome, attempt: 1, retries: [30])
        #expect(event.retryAfterMinutes == nil)
        #expect(event.kind.rawValue == outcome.rawValue)
    }
}
