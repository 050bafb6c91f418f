import Foundation

/// One step of a request's timeline as the clock reads it: the event's name and the state it led to.
public struct ClockEvent: Sendable, Equatable {
    public var at: Date
    public var event: String
    public var to: RequestStatus

    public init(at: Date, event: String, to: RequestStatus) {
        self.at = at
        self.event = event
        self.to = to
    }
}

/// The part of a request's history the clock needs: when it was registered and what happened since, in order.
public struct ClockTimeline: Sendable, Equatable {
    public var registeredAt: Date
    public var events: [ClockEvent]

    public init(registeredAt: Date, events: [ClockEvent]) {
        self.registeredAt = registeredAt
        self.events = events
    }
}

/// Where a target's clock stands.
public enum ClockState: String, CodedEnum {
    /// Its start event has not happened (a depot clock before the unit arrives).
    case notStarted
    case running
    /// waiting on the customer.
    case paused
    case met
    case breached
    /// The request ended without the target's event (resolved by phone: no visit; cancelled).
    case notApplicable

    public var isOpen: Bool { self == .running || self == .paused }
}

/// An interval during which a target's clock stood still because the request waited on the customer.
public struct ClockPause: Equatable, Sendable, Codable {
    public var start: Date
    /// `nil` while still waiting.
    public var end: Date?
}

/// one target's clock, derived from the timeline, the calendar and the policy: never stored as the truth.
/// Every figure needed to explain the due instant travels with it.
public struct TargetClock: Equatable, Sendable, Codable {
    public var target: SLATarget
    public var state: ClockState
    public var basis: TimeBasis
    public var targetSeconds: Int
    public var startedAt: Date?
    /// When the target's event happened (met or breached).
    public var completedAt: Date?
    /// Seconds counted so far (working seconds for a business target), up to completion or now.
    public var elapsedSeconds: Int
    /// The instant the elapsed time reaches the target; `nil` while paused before it is reached.
    public var dueAt: Date?
    /// The warning and each escalation level, in the order of `TargetRule.checkpoints`; `nil` for an instant not
    /// known while the clock is paused.
    public var checkpoints: [Date?]
    public var pauses: [ClockPause]
    /// Running or paused and past the target.
    public var overdue: Bool
    /// Running, past the warning, not yet overdue.
    public var atRisk: Bool

    public var remainingSeconds: Int { targetSeconds - elapsedSeconds }
    public var warnAt: Date? { checkpoints.first ?? nil }
}

/// the SLA clock as a pure calculator over (timeline, calendar, policy).
public enum SLAClock {
    /// Events that put an engineer on site (the field visit records of the dispatch issue add theirs).
    public static let onSiteEvents: Set<String> = [
        TimelineEvent.startService.rawValue, TimelineEvent.arriveOnSite.rawValue,
    ]
    /// Depot events (the returns issue posts them).
    public static let depotReceivedEvents: Set<String> = ["depotReceived"]
    public static let depotShippedEvents: Set<String> = ["depotShipped"]

    /// Every target of `policy`, as of `now`.
    public static func evaluate(
        _ policy: SLAPolicy, timeline: ClockTimeline, workingTime: WorkingTime, now: Date
    ) -> [TargetClock] {
        policy.targets.map { evaluate($0, timeline: timeline, workingTime: workingTime, now: now) }
    }

    /// What a target counted: stretches of running time and the pauses between them.
    struct Activity {
        var started: Date?
        var segments: [(start: Date, end: Date?)] = []
        var pauses: [ClockPause] = []
        var completedAt: Date?
        var notApplicable = false

        mutating func add(_ start: Date, _ end: Date?, running: Bool) {
            if let end, end <= start { return }
            if running {
                if let last = segments.last, last.end == start {
                    segments[segments.count - 1].end = end
                } else {
                    segments.append((start, end))
                }
            } else if let last = pauses.last, last.end == start {
                pauses[pauses.count - 1].end = end
            } else {
                pauses.append(ClockPause(start: start, end: end))
            }
        }
    }

    static func counts(_ status: RequestStatus) -> Bool {
        status == .registered || status == .triaged || status == .inService
    }

    /// when a target's clock ran: it runs while the request is open, pauses while it waits on the
    /// customer, stops at the target's event; the resolution clock resumes on reopening.
    static func activity(of target: SLATarget, in timeline: ClockTimeline) -> Activity {
        var activity = Activity()
        if target != .depotTurnaround { activity.started = timeline.registeredAt }
        var status = RequestStatus.registered
        var since = timeline.registeredAt
        var responded = false
        func record(until end: Date?) {
            guard activity.started != nil, activity.completedAt == nil else { return }
            if counts(status) {
                activity.add(since, end, running: true)
            } else if status == .waitingOnCustomer {
                activity.add(since, end, running: false)
            }
        }
        for event in timeline.events {
            let at = max(event.at, since)
            record(until: at)
            status = event.to
            since = at
            switch target {
            case .firstResponse:
                if !responded {
                    responded = true
                    if event.event == RequestEventKind.cancel.rawValue {
                        activity.notApplicable = true
                    } else {
                        activity.completedAt = at
                    }
                }
            case .onSite:
                if activity.completedAt == nil, onSiteEvents.contains(event.event) { activity.completedAt = at }
            case .resolution:
                if status == .resolved || status == .closed {
                    if activity.completedAt == nil { activity.completedAt = at }
                } else if counts(status) || status == .waitingOnCustomer {
                    activity.completedAt = nil
                }
            case .depotTurnaround:
                if activity.started == nil, depotReceivedEvents.contains(event.event) { activity.started = at }
                if activity.started != nil, activity.completedAt == nil, depotShippedEvents.contains(event.event) {
                    activity.completedAt = at
                }
            }
        }
        record(until: nil)
        if activity.completedAt == nil, !counts(status), status != .waitingOnCustomer {
            // Ended (resolved, closed or cancelled) without the target's event.
            activity.notApplicable = true
        }
        return activity
    }

    /// One target's clock as of `now`.
    public static func evaluate(
        _ rule: TargetRule, timeline: ClockTimeline, workingTime: WorkingTime, now: Date
    ) -> TargetClock {
        let activity = activity(of: rule.target, in: timeline)
        let target = Double(rule.minutes * 60)
        func measure(_ a: Date, _ b: Date) -> Double {
            rule.basis == .calendar ? max(0, b.timeIntervalSince(a)) : workingTime.seconds(from: a, to: b)
        }
        func advance(_ amounts: [Double], from start: Date) -> [Date?] {
            rule.basis == .calendar
                ? amounts.map { start.addingTimeInterval($0) } : workingTime.adding(amounts, to: start)
        }
        // Closed segments measured once.
        var lengths: [Double] = []
        var elapsed = 0.0
        for segment in activity.segments {
            let end = segment.end ?? max(now, segment.start)
            let length = measure(segment.start, end)
            lengths.append(segment.end == nil ? .nan : length)
            elapsed += length
        }
        /// The instants the count reaches each of `marks` (rising): within the stretches run so far, else
        /// projected from the open stretch (or, after completion, from the completion); `nil` while paused short
        /// of it. One walk over the stretches and the calendar for all marks.
        func reaching(_ marks: [Double]) -> [Date?] {
            var result = [Date?](repeating: nil, count: marks.count)
            var found = 0
            func place(_ instants: [Date?]) {
                for instant in instants {
                    result[found] = instant
                    found += 1
                }
            }
            var done = 0.0
            for (segment, length) in zip(activity.segments, lengths) {
                if length.isNaN {
                    place(advance(marks[found...].map { $0 - done }, from: segment.start))
                    return result
                }
                let inside = marks[found...].prefix { $0 - done <= length }
                if !inside.isEmpty { place(advance(inside.map { $0 - done }, from: segment.start)) }
                if found == marks.count { return result }
                done += length
            }
            if let completed = activity.completedAt {
                place(advance(marks[found...].map { $0 - done }, from: completed))
            }
            return result
        }
        let state: ClockState
        if activity.notApplicable {
            state = .notApplicable
        } else if activity.started == nil {
            state = .notStarted
        } else if activity.completedAt != nil {
            state = elapsed <= target ? .met : .breached
        } else if let last = activity.segments.last, last.end == nil {
            state = .running
        } else {
            state = .paused
        }
        let known = state != .notStarted && state != .notApplicable
        // The due instant and the checkpoints, whose shares rise (the warning below 100 %, escalations above).
        let shares = [100, rule.warnPercent] + rule.escalations.map(\.percent)
        let order = shares.indices.sorted { shares[$0] < shares[$1] }
        var instants = [Date?](repeating: nil, count: shares.count)
        if known {
            for (index, instant) in zip(order, reaching(order.map { target * Double(shares[$0]) / 100 })) {
                instants[index] = instant
            }
        }
        let due = instants[0]
        let checkpoints = Array(instants.dropFirst())
        let overdue = state.isOpen && elapsed > target
        let atRisk = state == .running && !overdue && (checkpoints.first.flatMap { $0 }.map { $0 <= now } ?? false)
        return TargetClock(
            target: rule.target, state: state, basis: rule.basis, targetSeconds: Int(target),
            startedAt: activity.started, completedAt: activity.completedAt, elapsedSeconds: Int(elapsed.rounded()),
            dueAt: due, checkpoints: checkpoints, pauses: activity.pauses, overdue: overdue, atRisk: atRisk)
    }
}
