import Foundation

/// where a service report (售后服务报告单) stands.
public enum ServiceReportStatus: String, CodedEnum {
    /// the engineer is writing the on-site record; the only status in which its content may change.
    case draft
    /// The engineer has handed the report in; it waits for the customer's signature.
    case submitted
    /// signed by the customer, or recorded as not signed (the customer was not present or refused) with
    /// the reason. From here on the content is frozen; only addenda are added.
    case signed
    /// the department head has reviewed the report.
    case reviewed
    /// the department head has archived the report.
    case archived
}

/// what can happen to a service report.
public enum ServiceReportEventKind: String, CodedEnum {
    /// The engineer hands the draft in.
    case submit
    /// The engineer takes a submitted report back to correct it before it is signed (no reason needed).
    case reopen
    /// the customer signs the report.
    case sign
    /// the report is closed without the customer's signature (not present, refused); needs the reason.
    case recordNoSignature
    /// the department head reviews the signed report.
    case review
    /// the department head archives the reviewed report.
    case archive
    /// A note added to a frozen report without changing it or its status; needs the text.
    case addAddendum

    /// Events that must carry a reason or a text.
    public var requiresReason: Bool {
        switch self {
        case .recordNoSignature, .addAddendum: true
        case .submit, .reopen, .sign, .review, .archive: false
        }
    }
}

/// A service report event without the reason or text it needs. (A refusal by the table is
/// `EventNotAllowed<ServiceReportStatus, ServiceReportEventKind>`.)
public enum ServiceReportError: Error, Equatable, Sendable {
    case reasonRequired(event: ServiceReportEventKind)
}

/// one event on a service report, with what it carries.
public struct ServiceReportEvent: LifecycleEvent, Equatable {
    public var kind: ServiceReportEventKind
    /// The reason (`recordNoSignature`), the addendum's text (`addAddendum`) or a note (any other event).
    public var text: String?

    public init(_ kind: ServiceReportEventKind, text: String? = nil) {
        self.kind = kind
        self.text = text
    }
}

/// What the store must do after a service report step.
public enum ServiceReportEffect: Equatable, Sendable {
    /// the content becomes immutable (what the customer signed, or was shown, is what is kept).
    case freeze
    /// the repair is checked against the unit's earlier repairs of the same fault (`RepeatRepairRule`).
    case checkRepeatRepair
    /// the job is offered to the quality spot check (`SpotCheckSampling`).
    case sampleForSpotCheck
    /// The event's text is kept as an addendum to the frozen report.
    case appendAddendum
}

/// the lifecycle of a service report: written, submitted, signed (or recorded as not
/// signed), reviewed and archived by the department head; addenda once it is frozen.
public struct ServiceReportLifecycle: Lifecycle {
    public private(set) var status: ServiceReportStatus

    public init(status: ServiceReportStatus = .draft) {
        self.status = status
    }

    /// The one transition table.
    public static let transitions: [ServiceReportStatus: [ServiceReportEventKind: ServiceReportStatus]] = [
        .draft: [.submit: .submitted],
        .submitted: [.reopen: .draft, .sign: .signed, .recordNoSignature: .signed],
        .signed: [.review: .reviewed, .addAddendum: .signed],
        .reviewed: [.archive: .archived, .addAddendum: .reviewed],
        .archived: [.addAddendum: .archived],
    ]

    /// whether the report's content may still be changed (only a draft).
    public static func isEditable(_ status: ServiceReportStatus) -> Bool {
        status == .draft
    }

    /// Applies an event or throws without changing anything.
    public mutating func apply(_ event: ServiceReportEvent, at now: Date) throws -> [ServiceReportEffect] {
        let to = try next(event.kind)
        if event.kind.requiresReason, event.text.isBlank {
            throw ServiceReportError.reasonRequired(event: event.kind)
        }
        status = to
        switch event.kind {
        case .sign, .recordNoSignature: return [.freeze, .checkRepeatRepair, .sampleForSpotCheck]
        case .addAddendum: return [.appendAddendum]
        case .submit, .reopen, .review, .archive: return []
        }
    }
}

/// whether the job fixed the fault.
public enum ServiceReportResult: String, CodedEnum {
    case fixed
    /// Not fixed: the report names the next step.
    case notFixed
}

/// the result of a job and, when the fault is not fixed, its next step (second visit, depot, escalation).
public struct ReportOutcome: Equatable, Sendable {
    public var result: ServiceReportResult?
    public var nextStep: VisitNextStep?

    public init(result: ServiceReportResult?, nextStep: VisitNextStep? = nil) {
        self.result = result
        self.nextStep = nextStep
    }

    /// The problems by field ("result", "nextStep"): a result is required; a job not fixed needs a next step,
    /// a fixed one must have none.
    public func problems() -> [String: FieldProblem] {
        switch (result, nextStep) {
        case (nil, _): ["result": .required]
        case (.notFixed, nil): ["nextStep": .required]
        case (.fixed, .some): ["nextStep": .invalidValue(allowed: [])]
        case (.fixed, nil), (.notFixed, .some): [:]
        }
    }
}

/// the customer's rating of the service on the report, each from 1 to 5.
public struct ServiceRatings: Codable, Equatable, Sendable {
    /// The scale of every rating.
    public static let scale = 1...5

    public var attitude: Int
    public var quality: Int
    public var timeliness: Int

    public init(attitude: Int, quality: Int, timeliness: Int) {
        self.attitude = attitude
        self.quality = quality
        self.timeliness = timeliness
    }

    /// The problems by field ("attitude", "quality", "timeliness"): each rating outside 1...5.
    public static func problems(attitude: Int, quality: Int, timeliness: Int) -> [String: FieldProblem] {
        var v = Validator()
        v.range("attitude", attitude, scale)
        v.range("quality", quality, scale)
        v.range("timeliness", timeliness, scale)
        return v.error.fields
    }

    /// The problems of these ratings, by field.
    public func problems() -> [String: FieldProblem] {
        Self.problems(attitude: attitude, quality: quality, timeliness: timeliness)
    }
}
