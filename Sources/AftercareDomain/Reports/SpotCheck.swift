import Foundation

/// which completed jobs the quality spot check takes: every repeat repair, and a fixed share of the
/// other fixed jobs, chosen by a deterministic hash of the seed and the report so that the choice is the same
/// on every run and every platform. Jobs not fixed are not sampled (they already have a next step).
public struct SpotCheckSampling: Equatable, Sendable {
    /// The allowed share, in basis points (0: none, 10 000: all).
    public static let shareRange = 0...10_000

    /// The share of fixed jobs sampled, in basis points (1/100 of a percent).
    public var shareBasisPoints: Int
    public var seed: UInt64

    public init(shareBasisPoints: Int, seed: UInt64) {
        self.shareBasisPoints = shareBasisPoints
        self.seed = seed
    }

    /// The problems by field ("spotCheckShare"): a share outside 0...10 000 basis points.
    public static func problems(shareBasisPoints: Int) -> [String: FieldProblem] {
        var v = Validator()
        v.range("spotCheckShare", shareBasisPoints, shareRange)
        return v.error.fields
    }

    /// The problems of this sampling, by field.
    public func problems() -> [String: FieldProblem] {
        Self.problems(shareBasisPoints: shareBasisPoints)
    }

    /// whether the report's job is spot-checked.
    public func selects(reportId: Int, isRepeatRepair: Bool, result: ServiceReportResult) -> Bool {
        if isRepeatRepair { return true }
        guard result == .fixed else { return false }
        return bucket(reportId: reportId) < shareBasisPoints
    }

    /// Where the report falls in 0..<10 000 for this seed.
    public func bucket(reportId: Int) -> Int {
        let hash = Self.splitMix64(seed ^ Self.splitMix64(UInt64(bitPattern: Int64(reportId))))
        return Int(hash.multipliedFullWidth(by: 10_000).high)
    }

    /// SplitMix64's output function (Steele, Lea, Flood 2014), written out: `Hasher` is seeded per process.
    static func splitMix64(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// where a quality spot check stands.
public enum SpotCheckStatus: String, CodedEnum {
    /// Selected, not yet checked.
    case pending
    /// The repair holds.
    case passed
    /// The repair does not hold: rework is opened.
    case failed
}

/// the result of a spot check.
public enum SpotCheckEventKind: String, CodedEnum {
    case pass
    /// Needs the reason.
    case fail

    /// Events that must say why.
    public var requiresReason: Bool { self == .fail }
}

/// A spot check event without the reason it needs. (A refusal by the table is
/// `EventNotAllowed<SpotCheckStatus, SpotCheckEventKind>`.)
public enum SpotCheckError: Error, Equatable, Sendable {
    case reasonRequired(event: SpotCheckEventKind)
}

/// one spot check result, with its reason.
public struct SpotCheckEvent: LifecycleEvent, Equatable {
    public var kind: SpotCheckEventKind
    public var reason: String?

    public init(_ kind: SpotCheckEventKind, reason: String? = nil) {
        self.kind = kind
        self.reason = reason
    }
}

/// What the store must do after a spot check.
public enum SpotCheckEffect: Equatable, Sendable {
    /// rework: a new visit under the job's request.
    case openRework
    /// the failed check counts against the job (and its engineer) in quality tracking.
    case countAgainstJob
}

/// the lifecycle of a spot check: pending until it passes or fails.
public struct SpotCheckLifecycle: Lifecycle {
    public private(set) var status: SpotCheckStatus

    public init(status: SpotCheckStatus = .pending) {
        self.status = status
    }

    /// The one transition table.
    public static let transitions: [SpotCheckStatus: [SpotCheckEventKind: SpotCheckStatus]] = [
        .pending: [.pass: .passed, .fail: .failed],
        .passed: [:],
        .failed: [:],
    ]

    /// Applies a result or throws without changing anything.
    public mutating func apply(_ event: SpotCheckEvent, at now: Date) throws -> [SpotCheckEffect] {
        let to = try next(event.kind)
        if event.kind.requiresReason, event.reason.isBlank {
            throw SpotCheckError.reasonRequired(event: event.kind)
        }
        status = to
        switch event.kind {
        case .pass: return []
        case .fail: return [.openRework, .countAgainstJob]
        }
    }
}
