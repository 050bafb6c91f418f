import AftercareDomain
import Foundation

/// a part fitted on the unit, as the ledger recorded its consumption on the visit.
public struct ReportPart: Codable, Sendable, Equatable {
    /// The ledger entry.
    public var entryId: Int
    public var partId: Int
    public var partNumber: String
    public var name: String
    public var quantity: Double
    /// The new part's serial, for serial-tracked parts.
    public var serial: String?
    /// The faulty part taken out.
    public var removedSerial: String?
    /// The purchase cost of one, in minor units, when the ledger knows it.
    public var unitCostMinor: Int?
}

/// One step on a report's timeline; an addendum is the step `addAddendum` with its text.
public struct ReportTimelineEntry: Codable, Sendable, Equatable {
    public var id: Int
    public var at: Date
    public var actor: String
    public var authorName: String
    public var event: ServiceReportEventKind
    public var from: ServiceReportStatus
    public var to: ServiceReportStatus
    public var text: String?
}

/// The earlier repair that makes this one a repeat.
public struct RepeatLink: Codable, Sendable, Equatable {
    public var reportId: Int
    public var requestId: Int
    public var requestNumber: String
    public var finishedAt: Date?
}

/// a job sampled for the quality spot check.
public struct SpotCheckView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var reportId: Int
    public var orgUnitId: Int
    public var engineerId: Int?
    public var status: SpotCheckStatus
    public var allowedEvents: [SpotCheckEventKind]
    /// Taken because the job is a repeat repair (every one is); otherwise by the share.
    public var repeatRepair: Bool
    public var selectedAt: Date
    public var checkedBy: String?
    public var checkedAt: Date?
    public var reason: String?
    /// A failed check's rework visit.
    public var reworkVisitId: Int?
    /// What the worklist shows of the job.
    public var requestId: Int
    public var requestNumber: String
    public var customerName: String
    public var unitSerial: String?
    public var engineerName: String?
    public var faultCategory: String?
    public var finishedAt: Date?
}

/// a service report (售后服务报告单) as the API and pages show it.
public struct ServiceReportView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var visitId: Int
    public var visitSequence: Int
    public var requestId: Int
    public var requestNumber: String
    public var customerId: Int
    public var customerName: String
    public var orgUnitId: Int
    public var unitId: Int?
    public var unitSerial: String?
    public var modelName: String?
    public var productLineId: Int?
    public var address: String?
    public var engineerId: Int?
    public var engineerName: String?
    /// the engineer's level and the certifications valid on the day of the visit.
    public var engineerLevel: Int?
    public var certifications: [Certification]
    public var status: ServiceReportStatus
    public var allowedEvents: [ServiceReportEventKind]
    public var content: ServiceReportContent
    /// The catalogue entry chosen, as it was named then.
    public var faultCode: FaultCodeRecord.View?
    public var faultCategory: String?
    public var parts: [ReportPart]
    /// Arrival and departure, from the visit.
    public var arrivedAt: Date?
    public var finishedAt: Date?
    public var submittedAt: Date?
    public var signerName: String?
    /// Whether a signature image is kept (served on its own address).
    public var signed: Bool
    public var signedAt: Date?
    public var noSignatureReason: String?
    public var ratings: ServiceRatings?
    public var customerRemarks: String?
    public var repeatOf: RepeatLink?
    public var reviewedBy: String?
    public var reviewedAt: Date?
    public var archivedBy: String?
    public var archivedAt: Date?
    public var createdBy: String
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date
    /// On a single report only: photos and videos, the timeline with the addenda, the spot check.
    public var photos: [AttachmentView]?
    public var timeline: [ReportTimelineEntry]?
    public var spotCheck: SpotCheckView?

    /// The addenda, oldest first.
    public var addenda: [ReportTimelineEntry] { (timeline ?? []).filter { $0.event == .addAddendum } }
}

/// A step on a report, with what it carries.
public struct ReportEventInput: Sendable, Equatable {
    public var event: ServiceReportEventKind
    /// The addendum's text, the note of a step, or (for `recordNoSignature`) the reason.
    public var text: String?
    /// `sign` / `recordNoSignature`: the customer's sign-off.
    public var signOff: ReportSignOff?

    public init(_ event: ServiceReportEventKind, text: String? = nil, signOff: ReportSignOff? = nil) {
        self.event = event
        self.text = text
        self.signOff = signOff
    }
}

/// The report lists' filters.
public struct ReportFilter: Sendable, Equatable {
    public var statuses: [ServiceReportStatus] = []
    public var engineerId: Int?
    public var requestId: Int?
    public var visitId: Int?
    public var unitId: Int?
    /// Only repeat repairs.
    public var repeatOnly = false

    public init() {}
}

/// The spot-check worklist's filters.
public struct SpotCheckFilter: Sendable, Equatable {
    public var statuses: [SpotCheckStatus] = []
    public var engineerId: Int?

    public init() {}
}

/// A report cannot be written for a visit still under way (R-5.1: one per completed or incomplete visit).
public struct VisitNotFinished: Error, Equatable, Sendable {
    public var visitId: Int
    public var status: VisitStatus
}

/// A step the report's status does not allow (a second signature, a review before the signature).
public struct ReportStepNotAllowed: Error, Equatable, Sendable {
    public var reportId: Int
    public var event: ServiceReportEventKind
    public var status: ServiceReportStatus
    public var allowed: [ServiceReportEventKind] { ServiceReportLifecycle.allowed(in: status) }
}

/// A verdict on a spot check that has one already.
public struct SpotCheckClosed: Error, Equatable, Sendable {
    public var id: Int
    public var status: SpotCheckStatus
}

/// the content of a report that is no longer a draft does not change (photos: once signed); a correction is
/// an addendum.
public struct ReportFrozen: Error, Equatable, Sendable {
    public var reportId: Int
    public var status: ServiceReportStatus
}

/// Someone who may see the report but not take this step on it: only the visit's engineer writes and hands in
/// their report (or the office, for a paper one) and only the engineer's device or the customer takes the signature.
public struct ReportNotYours: Error, Equatable, Sendable {
    public var reportId: Int
    public var event: ServiceReportEventKind?
}

/// an engineer's quality record: reports signed, repeat repairs, spot checks and the customer's ratings.
public struct EngineerQuality: Codable, Sendable, Equatable {
    public var reports: Int
    public var repeatRepairs: Int
    public var spotChecksPassed: Int
    public var spotChecksFailed: Int
    /// Averages ×100 (4.5 → 450), nil without ratings.
    public var attitude: Int?
    public var quality: Int?
    public var timeliness: Int?
}
