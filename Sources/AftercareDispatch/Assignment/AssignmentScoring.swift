import Foundation

/// one engineer as a candidate for one visit, with the facts the score is made of.
public struct AssignmentCandidate: Sendable, Equatable {
    public var engineerId: Int
    /// Why the engineer cannot take the visit at all (missing skill, away, expired certification); empty when
    /// eligible.
    public var blockers: [String]
    /// The engineer's level on the visit's product line minus the level it needs (negative: a blocker).
    public var levelMargin: Int
    /// Travel from where the engineer will be before the visit (the previous visit that day, else home base).
    public var travelSeconds: Int
    /// Visits already booked that day, and the engineer's daily limit.
    public var visitsThatDay: Int
    public var maxVisitsPerDay: Int
    /// The earliest the engineer could be on site, as seconds from now (free time plus travel).
    public var earliestArrivalSeconds: Int
    /// an engineer of a partner outlet.
    public var external: Bool

    public init(
        engineerId: Int, blockers: [String] = [], levelMargin: Int, travelSeconds: Int, visitsThatDay: Int,
        maxVisitsPerDay: Int, earliestArrivalSeconds: Int, external: Bool = false
    ) {
        self.engineerId = engineerId
        self.blockers = blockers
        self.levelMargin = levelMargin
        self.travelSeconds = travelSeconds
        self.visitsThatDay = visitsThatDay
        self.maxVisitsPerDay = maxVisitsPerDay
        self.earliestArrivalSeconds = earliestArrivalSeconds
        self.external = external
    }
}

/// the visit being assigned.
public struct AssignmentJob: Sendable, Equatable {
    /// Emergency or high priority: nearness and the clock count more than skill margin and load.
    public var urgent: Bool
    /// Seconds from now until the SLA target is due, if a clock runs.
    public var dueInSeconds: Int?

    public init(urgent: Bool, dueInSeconds: Int?) {
        self.urgent = urgent
        self.dueInSeconds = dueInSeconds
    }
}

/// a candidate's score and its parts, each 0–100 before weighting, so a dispatcher can see why.
public struct AssignmentScore: Sendable, Equatable, Codable {
    public struct Part: Sendable, Equatable, Codable {
        /// `skill`, `travel`, `load`, `deadline` or `partner`.
        public var factor: String
        /// 0–100: how good the candidate is on this factor.
        public var points: Double
        /// The factor's weight for this job; the total is the sum of points × weight.
        public var weight: Double
        /// The fact behind the points, in plain words.
        public var detail: String
        /// The deadline's fact in seconds, for pages to say in the reader's language: with a due time, how long
        /// before it the candidate is on site (negative: after it); without one, how soon they can be on site.
        public var seconds: Int?
        /// Whether the deadline part measures against a due time (`seconds` is the slack).
        public var againstDue: Bool?

        public init(
            factor: String, points: Double, weight: Double, detail: String, seconds: Int? = nil,
            againstDue: Bool? = nil
        ) {
            self.factor = factor
            self.points = points
            self.weight = weight
            self.detail = detail
            self.seconds = seconds
            self.againstDue = againstDue
        }
    }

    public var engineerId: Int
    public var eligible: Bool
    public var blockers: [String]
    public var total: Double
    public var parts: [Part]
}

/// ranks candidate engineers for a visit by skill fit, travel, load that day, the SLA due time and the
/// visit's priority, and explains each score.
public enum AssignmentScoring {
    /// Factor weights: urgent jobs favour nearness and the deadline, ordinary ones skill and an even load.
    public static func weights(urgent: Bool) -> [String: Double] {
        urgent
            ? ["skill": 0.15, "travel": 0.40, "load": 0.10, "deadline": 0.35]
            : ["skill": 0.30, "travel": 0.30, "load": 0.25, "deadline": 0.15]
    }

    /// The candidates best first: eligible ones by total (ties by travel, then id), ineligible ones after.
    public static func rank(_ candidates: [AssignmentCandidate], for job: AssignmentJob) -> [AssignmentScore] {
        candidates.map { score($0, for: job) }.sorted { a, b in
            if a.eligible != b.eligible { return a.eligible }
            if a.total != b.total { return a.total > b.total }
            let ta = candidates.first { $0.engineerId == a.engineerId }?.travelSeconds ?? 0
            let tb = candidates.first { $0.engineerId == b.engineerId }?.travelSeconds ?? 0
            return ta != tb ? ta < tb : a.engineerId < b.engineerId
        }
    }

    /// One candidate's score.
    public static func score(_ c: AssignmentCandidate, for job: AssignmentJob) -> AssignmentScore {
        let w = weights(urgent: job.urgent)
        var blockers = c.blockers
        if c.visitsThatDay >= c.maxVisitsPerDay, !job.urgent {
            blockers.append("day full (\(c.maxVisitsPerDay) visits)")
        }
        // Skill: just qualified 60, one level above 80, two or more 100.
        let skill = c.levelMargin < 0 ? 0 : 60 + 20 * Double(min(c.levelMargin, 2))
        // Travel: 100 at the door, halving every 30 minutes.
        let travel = 100 * pow(0.5, Double(c.travelSeconds) / 1800)
        let load = c.maxVisitsPerDay > 0 ? 100 * max(0, 1 - Double(c.visitsThatDay) / Double(c.maxVisitsPerDay)) : 0
        let deadline: Double
        let deadlineDetail: String
        let deadlineSeconds: Int
        if let due = job.dueInSeconds {
            let slack = due - c.earliestArrivalSeconds
            deadline = slack >= 4 * 3600 ? 100 : slack <= 0 ? 0 : 50 + 50 * Double(slack) / (4 * 3600)
            deadlineDetail =
                slack >= 0
                ? "on site \(minutes(slack)) before the SLA is due" : "on site \(minutes(-slack)) after the SLA is due"
            deadlineSeconds = slack
        } else {
            deadline = 100 * pow(0.5, Double(c.earliestArrivalSeconds) / (8 * 3600))
            deadlineDetail = "earliest on site in \(minutes(c.earliestArrivalSeconds))"
            deadlineSeconds = c.earliestArrivalSeconds
        }
        var parts = [
            AssignmentScore.Part(
                factor: "skill", points: skill, weight: w["skill"]!,
                detail: c.levelMargin >= 0 ? "level \(c.levelMargin) above the required" : "below the required level"),
            .init(factor: "travel", points: travel, weight: w["travel"]!, detail: "\(minutes(c.travelSeconds)) away"),
            .init(
                factor: "load", points: load, weight: w["load"]!,
                detail: "\(c.visitsThatDay) of \(c.maxVisitsPerDay) visits that day"),
            .init(
                factor: "deadline", points: deadline, weight: w["deadline"]!, detail: deadlineDetail,
                seconds: deadlineSeconds, againstDue: job.dueInSeconds != nil),
        ]
        var total = parts.reduce(0) { $0 + $1.points * $1.weight }
        if c.external {
            // a partner outlet's engineer is chosen when no own engineer does better.
            parts.append(.init(factor: "partner", points: -10, weight: 1, detail: "partner outlet"))
            total -= 10
        }
        return AssignmentScore(
            engineerId: c.engineerId, eligible: blockers.isEmpty, blockers: blockers,
            total: (total * 10).rounded() / 10, parts: parts)
    }

    static func minutes(_ seconds: Int) -> String {
        let m = (seconds + 59) / 60
        return m < 60 ? "\(m) min" : "\(m / 60) h \(m % 60) min"
    }
}
