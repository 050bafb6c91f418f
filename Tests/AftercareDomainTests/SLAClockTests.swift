import AftercareDomain
import Foundation
import Testing

/// The resolution, response and on-site targets the clock tests use.
let resolution8h = TargetRule(target: .resolution, minutes: 8 * 60, basis: .business)
let response2h = TargetRule(target: .firstResponse, minutes: 120, basis: .business)
let onSite24h = TargetRule(target: .onSite, minutes: 24 * 60, basis: .calendar)

/// A timeline registered at `start` with `(local time, event, state reached)` steps, all in Shanghai time.
func timeline(_ start: String, _ steps: [(String, RequestEventKind, RequestStatus)]) -> ClockTimeline {
    ClockTimeline(
        registeredAt: at(start), events: steps.map { ClockEvent(at: at($0.0), event: $0.1.rawValue, to: $0.2) })
}

@Suite("The SLA clock (R-3)")
struct SLAClockTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var rule: TargetRule
        var timeline: ClockTimeline
        var now: Date
        var state: ClockState
        var elapsedMinutes: Int
        var due: Date?
        var pauses: Int = 0
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "first response met at triage", rule: response2h,
            timeline: timeline("2026-11-23 09:00", [("2026-11-23 10:00", .triage, .triaged)]),
            now: at("2026-11-23 15:00"), state: .met, elapsedMinutes: 60, due: at("2026-11-23 11:00")),
        Case(
            name: "opened on Saturday: the response clock starts Monday", rule: response2h,
            timeline: timeline("2026-11-21 10:00", []), now: at("2026-11-23 09:00"), state: .running,
            elapsedMinutes: 30, due: at("2026-11-23 10:30")),
        Case(
            name: "waiting on the customer overnight pauses the clock", rule: resolution8h,
            timeline: timeline(
                "2026-11-23 09:00",
                [
                    ("2026-11-23 11:00", .waitForCustomer, .waitingOnCustomer),
                    ("2026-11-24 10:00", .customerResponded, .registered),
                ]),
            now: at("2026-11-24 11:00"), state: .running, elapsedMinutes: 180, due: at("2026-11-24 17:30"), pauses: 1),
        Case(
            name: "still waiting: paused, no due instant", rule: resolution8h,
            timeline: timeline("2026-11-23 09:00", [("2026-11-23 11:00", .waitForCustomer, .waitingOnCustomer)]),
            now: at("2026-11-25 11:00"), state: .paused, elapsedMinutes: 120, due: nil, pauses: 1),
        Case(
            name: "a pause across a holiday week", rule: resolution8h,
            timeline: timeline(
                "2026-09-30 09:00",
                [
                    ("2026-09-30 10:00", .triage, .triaged),
                    ("2026-09-30 11:00", .waitForCustomer, .waitingOnCustomer),
                    ("2026-10-08 09:30", .customerResponded, .triaged),
                ]),
            now: at("2026-10-08 10:30"), state: .running, elapsedMinutes: 180, due: at("2026-10-08 17:00"), pauses: 1),
        Case(
            name: "resolved late: breached, due when the target was reached", rule: resolution8h,
            timeline: timeline("2026-11-23 09:00", [("2026-11-24 17:00", .resolveRemotely, .resolved)]),
            now: at("2026-11-25 09:00"), state: .breached, elapsedMinutes: 870, due: at("2026-11-24 09:00")),
        Case(
            name: "reopened after close: resumes with the time already spent", rule: resolution8h,
            timeline: timeline(
                "2026-11-23 09:00",
                [
                    ("2026-11-23 10:00", .resolveRemotely, .resolved), ("2026-11-23 11:00", .close, .closed),
                    ("2026-11-24 09:00", .reopen, .inService),
                ]),
            now: at("2026-11-24 10:00"), state: .running, elapsedMinutes: 120, due: at("2026-11-24 17:30")),
        Case(
            name: "resolved by phone: the on-site target does not apply", rule: onSite24h,
            timeline: timeline("2026-11-23 09:00", [("2026-11-23 09:30", .resolveRemotely, .resolved)]),
            now: at("2026-11-24 10:00"), state: .notApplicable, elapsedMinutes: 30, due: nil),
        Case(
            name: "7×24 on site: Friday evening to Saturday evening", rule: onSite24h,
            timeline: timeline("2026-11-20 17:00", [("2026-11-20 17:05", .triage, .triaged)]),
            now: at("2026-11-21 09:00"), state: .running, elapsedMinutes: 16 * 60, due: at("2026-11-21 17:00")),
        Case(
            name: "on site met at the start of service", rule: onSite24h,
            timeline: timeline(
                "2026-11-20 17:00",
                [("2026-11-20 17:05", .triage, .triaged), ("2026-11-21 15:00", .startService, .inService)]),
            now: at("2026-11-22 09:00"), state: .met, elapsedMinutes: 22 * 60, due: at("2026-11-21 17:00")),
        Case(
            name: "cancelled: resolution does not apply", rule: resolution8h,
            timeline: timeline("2026-11-23 09:00", [("2026-11-23 10:00", .cancel, .cancelled)]),
            now: at("2026-11-24 10:00"), state: .notApplicable, elapsedMinutes: 60, due: nil),
        Case(
            name: "depot clock waits for the unit to arrive",
            rule: TargetRule(target: .depotTurnaround, minutes: 5 * 8 * 60, basis: .business),
            timeline: timeline("2026-11-23 09:00", [("2026-11-23 10:00", .triage, .triaged)]),
            now: at("2026-11-24 10:00"), state: .notStarted, elapsedMinutes: 0, due: nil),
    ]

    @Test("hand-computed clocks", arguments: cases)
    func clock(_ c: Case) {
        // when
        let clock = SLAClock.evaluate(c.rule, timeline: c.timeline, workingTime: shanghaiOffice(), now: c.now)
        // then
        #expect(clock.state == c.state)
        #expect(clock.elapsedSeconds == c.elapsedMinutes * 60)
        #expect(clock.dueAt == c.due)
        #expect(clock.pauses.count == c.pauses)
    }

    @Test("the warning and each escalation level fall at their share of the target")
    func checkpoints() {
        // given: 8 working hours from Monday 09:00; warn at 75 %, escalate at 100, 150 and 200 %
        let line = timeline("2026-11-23 09:00", [("2026-11-23 09:10", .triage, .triaged)])
        // when
        let clock = SLAClock.evaluate(
            resolution8h, timeline: line, workingTime: shanghaiOffice(), now: at("2026-11-23 17:00"))
        // then
        #expect(
            clock.checkpoints == [
                at("2026-11-23 16:30"), at("2026-11-24 09:00"), at("2026-11-24 14:30"), at("2026-11-25 09:00"),
            ])
        #expect(clock.atRisk)
        #expect(!clock.overdue)
    }

    @Test("a priority change keeps the time spent and re-plans the rest")
    func priorityChange() {
        // given: normal requests get 8 working hours, emergencies 4
        let normal = SLAPolicy(id: 1, name: "standard", position: 0, isDefault: true, targets: [resolution8h])
        var fourHours = resolution8h
        fourHours.minutes = 240
        let urgent = SLAPolicy(
            id: 2, name: "emergency", position: 1, match: PolicyMatch(priority: .emergency), targets: [fourHours])
        let line = timeline("2026-11-23 09:00", [("2026-11-23 09:30", .triage, .triaged)])
        var facts = RequestFacts(type: .repair, priority: .normal, emergency: false)
        // when: before and after the change two hours in
        let before = SLAPolicy.choose(from: [urgent, normal], for: facts)!
        facts.priority = .emergency
        let after = SLAPolicy.choose(from: [urgent, normal], for: facts)!
        let now = at("2026-11-23 11:00")
        let planned = SLAClock.evaluate(before.targets[0], timeline: line, workingTime: shanghaiOffice(), now: now)
        let replanned = SLAClock.evaluate(after.targets[0], timeline: line, workingTime: shanghaiOffice(), now: now)
        // then
        #expect(before.name == "standard")
        #expect(after.name == "emergency")
        #expect(planned.dueAt == at("2026-11-24 09:00"))
        #expect(replanned.elapsedSeconds == planned.elapsedSeconds)
        #expect(replanned.dueAt == at("2026-11-23 14:30"))
    }

    @Test("policies: the first match in position order, else the default")
    func choose() {
        let standard = SLAPolicy(id: 1, name: "default", position: 99, isDefault: true, targets: [resolution8h])
        let key = SLAPolicy(
            id: 2, name: "key", position: 2, match: PolicyMatch(customerTier: .key), targets: [resolution8h])
        let software = SLAPolicy(
            id: 3, name: "software", position: 1, match: PolicyMatch(requestType: .technicalSupport, orgUnitId: 7),
            targets: [resolution8h])
        let all = [standard, key, software]
        let facts = RequestFacts(
            type: .technicalSupport, priority: .normal, emergency: false, customerTier: .key, orgUnitPath: [1, 7, 9])
        #expect(SLAPolicy.choose(from: all, for: facts)?.name == "software")
        var other = facts
        other.orgUnitPath = [1, 8]
        #expect(SLAPolicy.choose(from: all, for: other)?.name == "key")
        other.customerTier = .regular
        #expect(SLAPolicy.choose(from: all, for: other)?.name == "default")
        #expect(SLAPolicy.choose(from: [key], for: other) == nil)
    }

    @Test("policy problems are named by field")
    func policyProblems() {
        var rule = resolution8h
        rule.warnPercent = 100
        rule.escalations = [EscalationLevel(percent: 90, notify: [])]
        let policy = SLAPolicy(
            id: 0, name: " ", position: 0, isDefault: true, match: PolicyMatch(priority: .high), targets: [rule, rule])
        let fields = policy.problems().fields
        #expect(fields["name"] == .required)
        #expect(fields["match"] != nil)
        #expect(fields["targets.1.target"] == .duplicate)
        #expect(fields["targets.0.warnPercent"] != nil)
        #expect(fields["targets.0.escalations.0.percent"] != nil)
    }

    /// A random valid timeline: a walk through the lifecycle from a random start, minutes to days apart.
    static func randomTimeline(_ random: inout SeededRandom) -> ClockTimeline {
        let start = utc("2026-01-05 00:00").addingTimeInterval(Double(random.next(upTo: 300 * 86_400)))
        var lifecycle = RequestLifecycle()
        var events: [ClockEvent] = []
        var time = start
        for _ in 0..<random.next(upTo: 12) {
            let allowed = lifecycle.allowedEvents.filter { $0 != .cancel }
            guard !allowed.isEmpty else { break }
            let event = allowed[random.next(upTo: allowed.count)]
            time = time.addingTimeInterval(Double(60 + random.next(upTo: 3 * 86_400)))
            guard (try? lifecycle.apply(RequestEvent(event, note: "n"), at: time)) != nil else { break }
            events.append(ClockEvent(at: time, event: event.rawValue, to: lifecycle.status))
        }
        return ClockTimeline(registeredAt: start, events: events)
    }

    @Test("property: a pause never brings the due instant forward; working time never exceeds calendar time")
    func properties() throws {
        var random = SeededRandom(seed: 42)
        let calendars = [shanghaiOffice(), madridOffice()]
        for round in 0..<400 {
            // given
            let line = Self.randomTimeline(&random)
            let calendar = calendars[round % 2]
            let end = (line.events.last?.at ?? line.registeredAt).addingTimeInterval(86_400)
            let now = end.addingTimeInterval(Double(random.next(upTo: 10 * 86_400)))
            for rule in [resolution8h, response2h, TargetRule(target: .onSite, minutes: 600, basis: .business)] {
                let clock = SLAClock.evaluate(rule, timeline: line, workingTime: calendar, now: now)
                var wallClock = rule
                wallClock.basis = .calendar
                let calendarClock = SLAClock.evaluate(wallClock, timeline: line, workingTime: calendar, now: now)
                // then
                #expect(clock.elapsedSeconds <= calendarClock.elapsedSeconds)
                // when: a pause is cut into a stretch where the request was being worked on
                guard let paused = Self.withPause(line, now: now, &random) else { continue }
                let later = SLAClock.evaluate(rule, timeline: paused, workingTime: calendar, now: now)
                // then
                #expect(later.elapsedSeconds <= clock.elapsedSeconds)
                if let before = clock.dueAt, let after = later.dueAt { #expect(after >= before) }
                if clock.dueAt == nil, clock.state == .paused { #expect(later.dueAt == nil) }
            }
        }
    }

    /// `line` with a wait for the customer inside one of its open stretches (no later step moves).
    static func withPause(_ line: ClockTimeline, now: Date, _ random: inout SeededRandom) -> ClockTimeline? {
        var status = RequestStatus.registered
        var since = line.registeredAt
        var stretches: [(start: Date, end: Date, resume: RequestStatus, index: Int)] = []
        for (index, event) in line.events.enumerated() {
            if [.registered, .triaged, .inService].contains(status) {
                stretches.append((since, event.at, status, index))
            }
            status = event.to
            since = event.at
        }
        if [.registered, .triaged, .inService].contains(status) {
            stretches.append((since, now, status, line.events.count))
        }
        guard !stretches.isEmpty else { return nil }
        let stretch = stretches[random.next(upTo: stretches.count)]
        let span = stretch.end.timeIntervalSince(stretch.start)
        guard span > 120 else { return nil }
        let start = stretch.start.addingTimeInterval(Double(random.next(upTo: Int(span / 2))) + 1)
        let end = start.addingTimeInterval(Double(random.next(upTo: Int(stretch.end.timeIntervalSince(start)) - 1)) + 1)
        var events = line.events
        events.insert(
            contentsOf: [
                ClockEvent(at: start, event: "waitForCustomer", to: .waitingOnCustomer),
                ClockEvent(at: end, event: "customerResponded", to: stretch.resume),
            ], at: stretch.index)
        return ClockTimeline(registeredAt: line.registeredAt, events: events)
    }
}
