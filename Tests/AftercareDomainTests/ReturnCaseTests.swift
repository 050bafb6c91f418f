import AftercareDomain
import Foundation
import Testing

/// The return case written out independently of the production tables and rules.
private let now = Date(timeIntervalSince1970: 1_770_000_000)

@Suite("Return case lifecycle (R-8.1)")
struct ReturnCaseLifecycleTests {
    /// Where each event leads and what the store must do, for a case decided as a repair (so `approve` has a decision).
    static let expected: [ReturnStatus: [ReturnEventKind: (ReturnStatus, [ReturnEffect])]] = [
        .applied: [.authorise: (.authorised, []), .reject: (.rejected, []), .cancel: (.cancelled, [])],
        .authorised: [
            .ship: (.inTransit, []), .receive: (.received, [.startDepotClock]), .reject: (.rejected, []),
            .cancel: (.cancelled, []),
        ],
        .inTransit: [.receive: (.received, [.startDepotClock]), .cancel: (.cancelled, [])],
        .received: [.inspect: (.inspected, [])],
        .inspected: [.inspect: (.inspected, []), .decide: (.decided, [])],
        .decided: [.approve: (.inRepair, []), .sendBack: (.inspected, [])],
        .approved: [.shipBack: (.shippedBack, [.stopDepotClock, .scheduleFollowUp])],
        .inRepair: [.finishRepair: (.repaired, [])],
        .repaired: [.passQA: (.qaPassed, []), .failQA: (.inRepair, [])],
        .qaPassed: [.shipBack: (.shippedBack, [.stopDepotClock, .scheduleFollowUp])],
        .shippedBack: [.deliver: (.delivered, [])],
        .delivered: [.close: (.closed, [])],
        .closed: [:], .rejected: [:], .cancelled: [:],
    ]

    /// The events that must say why.
    static let needsReason: Set<ReturnEventKind> = [.reject, .cancel, .sendBack, .failQA]

    /// A valid event of `kind`: with a reason where one is needed, and `.repair` for a decision.
    static func valid(_ kind: ReturnEventKind) -> ReturnEvent {
        ReturnEvent(
            kind, reason: needsReason.contains(kind) ? "because" : nil, resolution: kind == .decide ? .repair : nil)
    }

    /// Checks that the production table has a row for every status, and that exactly the listed events need a reason.
    @Test("the table has a row for every status; reject, cancel, sendBack and failQA need a reason")
    func rows() {
        #expect(Set(ReturnCaseLifecycle.transitions.keys) == Set(ReturnStatus.allCases))
        #expect(Set(ReturnEventKind.allCases.filter(\.requiresReason)) == Self.needsReason)
    }

    /// Checks every status × event against the table above: an allowed event moves the status and returns its
    /// effects; any other is refused with `EventNotAllowed` listing the allowed events, and changes nothing.
    @Test(
        "every event in every status: applied with its effects exactly when allowed",
        arguments: ReturnStatus.allCases, ReturnEventKind.allCases)
    func everyPair(status: ReturnStatus, kind: ReturnEventKind) throws {
        // given a case in `status` whose decision is a repair
        var lifecycle = ReturnCaseLifecycle(status: status, resolution: .repair)
        let before = lifecycle
        let allowed = ReturnEventKind.allCases.filter { Self.expected[status]?[$0] != nil }
        #expect(ReturnCaseLifecycle.allowed(in: status) == allowed)
        // when / then
        if let (target, effects) = Self.expected[status]?[kind] {
            #expect(try lifecycle.apply(Self.valid(kind), at: now) == effects)
            #expect(lifecycle.status == target)
        } else {
            #expect(
                throws: EventNotAllowed<ReturnStatus, ReturnEventKind>(event: kind, from: status, allowed: allowed)
            ) {
                try lifecycle.apply(Self.valid(kind), at: now)
            }
            #expect(lifecycle == before)
        }
    }

    /// Checks where an approval leads for each way out, that the decision is kept, and that only a refund has an
    /// effect.
    @Test(
        "an approved decision leads by its way out: repair to the depot, exchange or reject to shipping, refund closes",
        arguments: [
            (ReturnResolution.repair, ReturnStatus.inRepair, [ReturnEffect]()), (.spareAndRepair, .inRepair, []),
            (.exchange, .approved, []), (.reject, .approved, []), (.refund, .closed, [.refund]),
        ] as [(ReturnResolution, ReturnStatus, [ReturnEffect])])
    func approve(resolution: ReturnResolution, target: ReturnStatus, effects: [ReturnEffect]) throws {
        // given an inspected case decided with `resolution`
        var lifecycle = ReturnCaseLifecycle(status: .inspected)
        #expect(try lifecycle.apply(ReturnEvent(.decide, resolution: resolution), at: now).isEmpty)
        #expect(lifecycle.resolution == resolution)
        // when / then
        #expect(try lifecycle.apply(ReturnEvent(.approve), at: now) == effects)
        #expect(lifecycle.status == target)
        #expect(lifecycle.resolution == resolution)
    }

    /// Checks that receiving the unit (sent by the customer, or brought or picked up) starts the depot clock.
    @Test("receiving the unit starts the depot clock", arguments: [ReturnStatus.authorised, .inTransit])
    func receive(status: ReturnStatus) throws {
        var lifecycle = ReturnCaseLifecycle(status: status)
        #expect(try lifecycle.apply(ReturnEvent(.receive), at: now) == [.startDepotClock])
    }

    /// Checks the effects of shipping a unit back: the clock always stops; an exchange replaces the unit; every
    /// returned unit but a rejected one gets a follow-up call.
    @Test(
        "shipping back stops the clock, exchanges the unit and schedules the follow-up by the way out",
        arguments: [
            (.approved, .exchange, [.stopDepotClock, .exchangeUnit, .scheduleFollowUp]),
            (.approved, .reject, [.stopDepotClock]),
            (.qaPassed, .repair, [.stopDepotClock, .scheduleFollowUp]),
            (.qaPassed, .spareAndRepair, [.stopDepotClock, .scheduleFollowUp]),
        ] as [(ReturnStatus, ReturnResolution, [ReturnEffect])])
    func shipBack(status: ReturnStatus, resolution: ReturnResolution, effects: [ReturnEffect]) throws {
        var lifecycle = ReturnCaseLifecycle(status: status, resolution: resolution)
        #expect(try lifecycle.apply(ReturnEvent(.shipBack), at: now) == effects)
        #expect(lifecycle.status == .shippedBack)
    }

    /// Checks that sending a decision back clears it, so that it is taken again from the inspection.
    @Test("sending a decision back clears it")
    func sendBack() throws {
        var lifecycle = ReturnCaseLifecycle(status: .decided, resolution: .exchange)
        #expect(try lifecycle.apply(ReturnEvent(.sendBack, reason: "repair is cheaper"), at: now).isEmpty)
        #expect(lifecycle == ReturnCaseLifecycle(status: .inspected, resolution: nil))
    }

    /// Checks that an event needing a reason, given none or a blank one, throws `reasonRequired` and changes nothing.
    @Test(
        "reject, cancel, sendBack and failQA say why, and change nothing without a reason",
        arguments: [
            (ReturnStatus.applied, ReturnEventKind.reject), (.authorised, .cancel), (.decided, .sendBack),
            (.repaired, .failQA),
        ], [nil, "", "  \n"] as [String?])
    func reasonRequired(pair: (ReturnStatus, ReturnEventKind), reason: String?) {
        // given
        var lifecycle = ReturnCaseLifecycle(status: pair.0, resolution: .repair)
        let before = lifecycle
        // when / then
        #expect(throws: ReturnCaseError.reasonRequired(event: pair.1)) {
            try lifecycle.apply(ReturnEvent(pair.1, reason: reason), at: now)
        }
        #expect(lifecycle == before)
    }

    /// Checks that a decision without its way out, and an approval with no decision, throw `resolutionRequired` and
    /// change nothing.
    @Test("a decision needs its way out, and changes nothing without it")
    func resolutionRequired() {
        var inspected = ReturnCaseLifecycle(status: .inspected)
        #expect(throws: ReturnCaseError.resolutionRequired) {
            try inspected.apply(ReturnEvent(.decide, reason: "because"), at: now)
        }
        #expect(inspected == ReturnCaseLifecycle(status: .inspected))

        var undecided = ReturnCaseLifecycle(status: .decided)
        #expect(throws: ReturnCaseError.resolutionRequired) { try undecided.apply(ReturnEvent(.approve), at: now) }
        #expect(undecided == ReturnCaseLifecycle(status: .decided))
    }

    /// Walks a spare-and-repair case from the application to its close, through one failed quality inspection,
    /// checking the status after each step and the effects along the way.
    @Test("a spare-and-repair case from application to close, with one failed quality inspection")
    func fullPath() throws {
        let steps: [(ReturnEvent, ReturnStatus)] = [
            (ReturnEvent(.authorise), .authorised), (ReturnEvent(.ship), .inTransit),
            (ReturnEvent(.receive), .received), (ReturnEvent(.inspect), .inspected),
            (ReturnEvent(.decide, resolution: .spareAndRepair), .decided), (ReturnEvent(.approve), .inRepair),
            (ReturnEvent(.finishRepair), .repaired), (ReturnEvent(.failQA, reason: "still leaking"), .inRepair),
            (ReturnEvent(.finishRepair), .repaired), (ReturnEvent(.passQA), .qaPassed),
            (ReturnEvent(.shipBack), .shippedBack), (ReturnEvent(.deliver), .delivered), (ReturnEvent(.close), .closed),
        ]
        var lifecycle = ReturnCaseLifecycle()
        #expect(lifecycle.status == .applied)
        var effects: [ReturnEffect] = []
        for (event, status) in steps {
            effects += try lifecycle.apply(event, at: now)
            #expect(lifecycle.status == status, "after \(event.kind)")
        }
        #expect(effects == [.startDepotClock, .stopDepotClock, .scheduleFollowUp])
        #expect(lifecycle.resolution == .spareAndRepair)
        #expect(!lifecycle.status.isOpen)
    }
}

@Suite("Return decisions (R-8.3)")
struct ReturnDecisionRuleTests {
    /// Checks that a fault that is ours is repaired while the unit is usable and repair is cheaper than a new unit
    /// (or its cost unknown), and otherwise exchanged, or refunded when the customer asked for their money back.
    @Test(
        "a fault that is ours: repair first, exchange or refund otherwise",
        arguments: [
            // responsibility, usable, wish, costs, proposal
            (.manufacturingDefect, true, .repair, ReturnCosts(repairMinor: 200, newUnitMinor: 1000), .repair),
            (.design, true, .exchange, ReturnCosts(), .repair),
            (.installation, true, .refund, ReturnCosts(repairMinor: 200, newUnitMinor: 1000), .repair),
            (.transport, true, .repair, ReturnCosts(repairMinor: 1000, newUnitMinor: 1000), .exchange),
            (.installation, true, .repair, ReturnCosts(repairMinor: 1500, newUnitMinor: 1000), .exchange),
            (.manufacturingDefect, false, .repair, ReturnCosts(repairMinor: 200, newUnitMinor: 1000), .exchange),
            (.design, false, .exchange, ReturnCosts(), .exchange),
            (.transport, false, .refund, ReturnCosts(refundMinor: 900), .refund),
        ] as [(Responsibility, Bool, ReturnWish, ReturnCosts, ReturnResolution)])
    func proposalOurs(
        responsibility: Responsibility, usable: Bool, wish: ReturnWish, costs: ReturnCosts, expected: ReturnResolution
    ) {
        #expect(responsibility.isOurs)
        let proposal = ReturnDecisionRule.proposal(
            responsibility: responsibility, usable: usable, wish: wish, costs: costs)
        #expect(proposal == expected)
    }

    /// Checks that a fault that is not ours (or no fault) is rejected whatever the unit's state, wish and costs.
    @Test(
        "a fault that is not ours goes back as it came",
        arguments: [Responsibility.customerMisuse, .manMadeDamage, .forceMajeure, .noFaultFound], [true, false])
    func proposalNotOurs(responsibility: Responsibility, usable: Bool) {
        #expect(!responsibility.isOurs)
        for wish in ReturnWish.allCases {
            let costs = ReturnCosts(repairMinor: 1500, newUnitMinor: 1000, refundMinor: 900)
            #expect(
                ReturnDecisionRule.proposal(responsibility: responsibility, usable: usable, wish: wish, costs: costs)
                    == .reject)
        }
    }

    /// Checks the several-unit proposal: ours when any unit's fault is ours, usable only when every unit is.
    @Test("several units: ours when any is ours, usable when all are")
    func proposalUnits() {
        let costs = ReturnCosts(repairMinor: 200, newUnitMinor: 1000)
        func proposal(_ units: [(responsibility: Responsibility, usable: Bool)], _ wish: ReturnWish = .repair)
            -> ReturnResolution
        {
            ReturnDecisionRule.proposal(units: units, wish: wish, costs: costs)
        }
        #expect(proposal([(.manufacturingDefect, true), (.customerMisuse, true)]) == .repair)
        #expect(proposal([(.customerMisuse, true), (.manufacturingDefect, true)]) == .repair)
        #expect(proposal([(.customerMisuse, true), (.noFaultFound, true)]) == .reject)
        #expect(proposal([(.manufacturingDefect, true), (.design, true)]) == .repair)
        #expect(proposal([(.manufacturingDefect, true), (.design, false)]) == .exchange)
        #expect(proposal([(.manufacturingDefect, true), (.customerMisuse, false)], .refund) == .refund)
    }

    /// Checks why a decision needs approval (limit 1000): above the limit, cost unknown for an exchange or refund,
    /// dearer than the proposal; none at the limit, when cheaper, or for a reject.
    @Test(
        "a decision needs approval above the limit, without a cost, or when dearer than the proposal",
        arguments: [
            (.exchange, .exchange, ReturnCosts(newUnitMinor: 1001), .aboveLimit),
            (.repair, .repair, ReturnCosts(repairMinor: 1000), nil),
            (.exchange, .exchange, ReturnCosts(newUnitMinor: 1000), nil),
            (.exchange, .repair, ReturnCosts(repairMinor: 200), .costUnknown),
            (.refund, .refund, ReturnCosts(), .costUnknown),
            (.exchange, .repair, ReturnCosts(repairMinor: 200, newUnitMinor: 800), .dearerThanProposal),
            (.refund, .exchange, ReturnCosts(newUnitMinor: 500, refundMinor: 700), .dearerThanProposal),
            (.repair, .exchange, ReturnCosts(repairMinor: 300, newUnitMinor: 800), nil),
            (.reject, .repair, ReturnCosts(repairMinor: 200), nil),
            (.reject, .exchange, ReturnCosts(), nil),
        ] as [(ReturnResolution, ReturnResolution, ReturnCosts, ReturnDecisionRule.ApprovalReason?)])
    func approvalReason(
        resolution: ReturnResolution, proposal: ReturnResolution, costs: ReturnCosts,
        expected: ReturnDecisionRule.ApprovalReason?
    ) {
        let reason = ReturnDecisionRule.approvalReason(resolution, proposal: proposal, costs: costs, limitMinor: 1000)
        #expect(reason == expected)
    }
}

@Suite("Exchange warranty (R-8.3)")
struct ExchangeWarrantyTests {
    /// Checks that a new term runs `months` from the exchange day, ending the day before, whatever the old end.
    @Test("a new term of 12 months from 2026-03-15 ends 2027-03-14")
    func newTerm() {
        let warranty = ExchangeWarranty(basis: .newTerm, months: 12)
        #expect(warranty.end(oldEnd: nil, exchangedOn: day("2026-03-15")) == day("2027-03-14"))
        #expect(warranty.end(oldEnd: day("2030-01-31"), exchangedOn: day("2026-03-15")) == day("2027-03-14"))
    }

    /// Checks the remainder basis for an exchange on 2026-03-15: the later of the old end and the minimum term (or
    /// the exchange day when there is no minimum).
    @Test(
        "the remainder: the old end, but at least `months` from the exchange",
        arguments: [
            (3, "2030-01-31", "2030-01-31"), (3, "2026-04-15", "2026-06-14"), (3, nil, "2026-06-14"),
            (0, "2025-12-31", "2026-03-15"), (0, nil, "2026-03-15"), (0, "2026-09-30", "2026-09-30"),
        ] as [(Int, String?, String)])
    func remainder(months: Int, oldEnd: String?, expected: String) {
        let warranty = ExchangeWarranty(basis: .remainder, months: months)
        #expect(warranty.end(oldEnd: oldEnd.map(day), exchangedOn: day("2026-03-15")) == day(expected))
    }
}

@Suite("Return case numbers (R-8.1)")
struct ReturnCaseNumberTests {
    /// Checks the printed form and that parsing it gives the number back, six digits or more.
    @Test("printed as RMA-YYYY-NNNNNN and parsed back")
    func roundTrip() {
        let number = ReturnCaseNumber(year: 2026, sequence: 123)
        #expect(number.description == "RMA-2026-000123")
        #expect(ReturnCaseNumber("RMA-2026-000123") == number)
        let long = ReturnCaseNumber(year: 2027, sequence: 1_234_567)
        #expect(ReturnCaseNumber(long.description) == long)
    }

    /// Checks that another prefix, a short year, a zero sequence and too few digits are refused.
    @Test(
        "other numbers are refused",
        arguments: ["SR-2026-000123", "RMA-26-000001", "RMA-2026-000000", "RMA-2026-12"])
    func refused(text: String) {
        #expect(ReturnCaseNumber(text) == nil)
    }
}

@Suite("Receiving inspection (R-8.2)")
struct InspectionAnswersTests {
    /// Checks that the deviations are the answers other than expected (opened: yes; packaging intact: no), in
    /// checklist order, and that a unit that arrived as it should has none.
    @Test("the deviations are the answers other than expected")
    func deviations() {
        let answers = InspectionAnswers([
            .openedByCustomer: true, .packagingIntact: false, .sealsIntact: true, .physicalDamage: false,
        ])
        #expect(answers.deviations == [.packagingIntact, .openedByCustomer])
        let asExpected = InspectionAnswers(
            Dictionary(uniqueKeysWithValues: InspectionItem.allCases.map { ($0, $0.expected) }))
        #expect(asExpected.deviations.isEmpty)
    }

    /// Checks that `missing(in:)` lists the unanswered items of the checklist, in its order.
    @Test("the unanswered items of a checklist are missing")
    func missing() {
        let answers = InspectionAnswers([.packagingIntact: true, .serialMatches: true])
        #expect(
            answers.missing(in: InspectionItem.allCases) == [
                .sealsIntact, .accessoriesPresent, .documentsPresent, .openedByCustomer, .physicalDamage,
            ])
        #expect(answers.missing(in: [.serialMatches, .packagingIntact]).isEmpty)
        #expect(answers.answer(.serialMatches) == true)
        #expect(answers.answer(.sealsIntact) == nil)
    }
}

@Suite("Who takes the return case steps (R-8, R-14.2)")
struct ReturnPermissionsTests {
    static let actions: [ReturnEventKind: Action] = [
        .authorise: .openReturns, .ship: .openReturns, .reject: .openReturns, .cancel: .openReturns,
        .receive: .workDepot, .finishRepair: .workDepot, .shipBack: .workDepot, .deliver: .workDepot,
        .close: .workDepot, .inspect: .inspectReturns, .decide: .inspectReturns, .approve: .approveReturns,
        .sendBack: .approveReturns, .passQA: .checkQuality, .failQA: .checkQuality,
    ]

    /// Checks the action each return case event needs.
    @Test("every event needs its action", arguments: ReturnEventKind.allCases)
    func action(event: ReturnEventKind) {
        #expect(Action.for(returnEvent: event) == Self.actions[event])
    }

    /// Checks which roles may open, inspect, approve and work return cases.
    @Test("technical support inspects and works the depot; the hotline opens; the manager approves; customers do none")
    func roles() {
        #expect(Permissions.allows([.technicalSupport], .inspectReturns))
        #expect(Permissions.allows([.technicalSupport], .workDepot))
        #expect(Permissions.allows([.hotlineAgent], .openReturns))
        #expect(!Permissions.allows([.hotlineAgent], .approveReturns))
        #expect(Permissions.allows([.serviceManager], .approveReturns))
        for action in [Action.viewReturns, .openReturns, .inspectReturns, .approveReturns, .workDepot] {
            #expect(!Permissions.allows([.customer], action))
        }
    }
}
