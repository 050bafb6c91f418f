import AftercareDomain
import Foundation
import SQLKit

/// a complaint as recorded: by an agent on the hotline (for a customer, or for a caller who is none), by the
/// customer in the portal, or by anyone on the public form.
public struct ComplaintInput: Codable, Sendable, Equatable {
    /// The customer complaining; a customer's own complaint is theirs, the public form's names nobody.
    public var customerId: Int?
    /// Who complained, when not a customer's contact on file (required without `customerId`).
    public var complainantName: String?
    public var complainantPhone: String?
    public var complainantEmail: String?
    public var channel: Channel?
    public var subject: ComplaintSubject
    public var requestId: Int?
    public var visitId: Int?
    public var engineerId: Int?
    public var unitId: Int?
    public var productModelId: Int?
    public var staffUserId: Int?
    /// What a policy or "other" complaint is about, or what the complainant named (a request number, a place).
    public var subjectText: String?
    public var severity: ComplaintSeverity
    public var wish: ComplaintWish
    /// The customer's own words.
    public var words: String
    /// What they want, in their words.
    public var wants: String?
    /// The unit whose work it concerns, when the subject does not name one (else the subject's, or the customer's).
    public var orgUnitId: Int?

    public init(
        customerId: Int? = nil, complainantName: String? = nil, complainantPhone: String? = nil,
        complainantEmail: String? = nil, channel: Channel? = nil, subject: ComplaintSubject, requestId: Int? = nil,
        visitId: Int? = nil, engineerId: Int? = nil, unitId: Int? = nil, productModelId: Int? = nil,
        staffUserId: Int? = nil, subjectText: String? = nil, severity: ComplaintSeverity = .normal,
        wish: ComplaintWish, words: String, wants: String? = nil, orgUnitId: Int? = nil
    ) {
        self.customerId = customerId
        self.complainantName = complainantName
        self.complainantPhone = complainantPhone
        self.complainantEmail = complainantEmail
        self.channel = channel
        self.subject = subject
        self.requestId = requestId
        self.visitId = visitId
        self.engineerId = engineerId
        self.unitId = unitId
        self.productModelId = productModelId
        self.staffUserId = staffUserId
        self.subjectText = subjectText
        self.severity = severity
        self.wish = wish
        self.words = words
        self.wants = wants
        self.orgUnitId = orgUnitId
    }
}

/// One step on a complaint.
public struct ComplaintStepInput: Codable, Sendable, Equatable {
    public var event: ComplaintEventKind
    /// The plan, the feedback, the customer's reason, the closing reason or the review's findings.
    public var note: String?
    public var expectedVersion: Int?

    public init(event: ComplaintEventKind, note: String? = nil, expectedVersion: Int? = nil) {
        self.event = event
        self.note = note
        self.expectedVersion = expectedVersion
    }
}

/// what the investigation found, recorded while the complaint is open (each field given is set).
public struct ComplaintFindingsInput: Codable, Sendable, Equatable {
    public var cause: ComplaintCause?
    public var responsibility: ComplaintResponsibility?
    public var severity: ComplaintSeverity?
    /// Links a complaint from the public form to the customer it turned out to be.
    public var customerId: Int?
    public var compensationKind: CompensationKind?
    public var compensationMinor: Int?
    public var compensationNote: String?
    public var expectedVersion: Int?

    public init(
        cause: ComplaintCause? = nil, responsibility: ComplaintResponsibility? = nil,
        severity: ComplaintSeverity? = nil, customerId: Int? = nil, compensationKind: CompensationKind? = nil,
        compensationMinor: Int? = nil, compensationNote: String? = nil, expectedVersion: Int? = nil
    ) {
        self.cause = cause
        self.responsibility = responsibility
        self.severity = severity
        self.customerId = customerId
        self.compensationKind = compensationKind
        self.compensationMinor = compensationMinor
        self.compensationNote = compensationNote
        self.expectedVersion = expectedVersion
    }
}

/// the compensation given, if any.
public struct Compensation: Codable, Sendable, Equatable {
    public var kind: CompensationKind
    public var amountMinor: Int?
    public var currency: Currency
    public var note: String?
}

/// a complaint as its handlers (and the supervisor) see it.
public struct ComplaintView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var number: String
    public var orgUnitId: Int
    public var orgUnitName: String
    public var customerId: Int?
    public var customerName: String?
    public var complainantName: String
    public var complainantPhone: String?
    public var complainantEmail: String?
    public var channel: Channel
    public var subject: ComplaintSubject
    public var requestId: Int?
    public var requestNumber: String?
    public var visitId: Int?
    public var engineerId: Int?
    public var engineerName: String?
    public var unitId: Int?
    public var unitSerial: String?
    public var productModelId: Int?
    public var productModelName: String?
    public var staffUserId: Int?
    public var staffName: String?
    public var subjectText: String?
    public var severity: ComplaintSeverity
    public var wish: ComplaintWish
    public var words: String
    public var wants: String?
    public var status: ComplaintStatus
    public var allowedEvents: [ComplaintEventKind]
    public var handlerUserId: Int?
    public var handlerName: String?
    /// about a complaint handler: the supervisor's alone.
    public var supervisorOnly: Bool
    public var cause: ComplaintCause?
    public var responsibility: ComplaintResponsibility?
    public var plan: String?
    /// What the customer was told of the result.
    public var feedback: String?
    /// The customer's answer to the result.
    public var customerReply: String?
    public var compensation: Compensation
    public var acknowledgementDueAt: Date
    public var acknowledgedAt: Date?
    public var resolutionDueAt: Date
    public var resolvedAt: Date?
    public var closedAt: Date?
    public var closedReason: String?
    /// How many times it was handled again.
    public var reprocessed: Int
    /// `pending` while drawn for the supervisor's review, then the verdict.
    public var review: String?
    public var reviewedBy: String?
    public var reviewedAt: Date?
    public var reviewNote: String?
    public var createdBy: String
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date

    /// Whether the acknowledgement deadline passed before (or without) the acknowledgement.
    public func acknowledgementLate(at now: Date) -> Bool {
        (acknowledgedAt ?? now) > acknowledgementDueAt
    }

    /// Whether the resolution deadline passed before (or without) the resolution.
    public func resolutionLate(at now: Date) -> Bool {
        (status.resolutionRuns ? now : (resolvedAt ?? closedAt ?? now)) > resolutionDueAt
    }

    /// what the customer sees of their complaint: no investigation, no handler's judgement, no review.
    public func forCustomer() -> ComplaintView {
        var view = self
        view.cause = nil
        view.responsibility = nil
        view.review = nil
        view.reviewedBy = nil
        view.reviewedAt = nil
        view.reviewNote = nil
        view.supervisorOnly = false
        view.staffUserId = nil
        view.staffName = nil
        view.engineerId = nil
        view.handlerUserId = nil
        view.allowedEvents = allowedEvents.filter(\.isCustomerAnswer)
        return view
    }
}

/// what the service department sees of a complaint against its work: that it exists, what it is about and
/// where it stands; never the customer's words beyond the subject, the handler's notes or findings.
public struct ComplaintNotice: Codable, Sendable, Equatable {
    public var id: Int
    public var number: String
    public var subject: ComplaintSubject
    public var status: ComplaintStatus
    public var orgUnitName: String
    public var createdAt: Date
}

/// One entry of a complaint's own timeline.
public struct ComplaintEventView: Codable, Sendable, Equatable {
    public var id: Int
    public var at: Date
    public var actor: String
    public var event: String
    public var from: ComplaintStatus?
    public var to: ComplaintStatus
    public var note: String?
}

/// An investigation note (handlers and the supervisor only).
public struct ComplaintNoteView: Codable, Sendable, Equatable {
    public var id: Int
    public var at: Date
    public var author: String
    public var body: String
}

/// a question the investigator put to a unit of the service department, and its answer.
public struct StatementView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var complaint: ComplaintNotice
    public var orgUnitId: Int
    public var orgUnitName: String
    public var question: String
    public var askedBy: String
    public var askedAt: Date
    public var dueAt: Date
    public var status: StatementStatus
    public var answer: String?
    public var answeredBy: String?
    public var answeredAt: Date?
}

/// a corrective action of one complaint.
public struct CorrectiveActionView: Codable, Sendable, Equatable {
    public var id: Int
    public var description: String
    public var owner: String
    public var dueOn: CalendarDate
    public var doneAt: Date?
    public var doneBy: String?
    public var createdBy: String
    public var createdAt: Date
}

/// What the complaint page shows besides the complaint: the timeline, the notes, the statements and the actions.
public struct ComplaintFile: Codable, Sendable, Equatable {
    public var complaint: ComplaintView
    public var events: [ComplaintEventView]
    /// Empty for the customer.
    public var notes: [ComplaintNoteView]
    public var statements: [StatementView]
    public var actions: [CorrectiveActionView]
}

/// The complaint desk's filter.
public struct ComplaintFilter: Sendable, Equatable {
    public var statuses: [ComplaintStatus]
    public var handlerUserId: Int?
    public var customerId: Int?
    public var requestId: Int?
    /// Drawn for the supervisor's review and not yet reviewed.
    public var reviewPending: Bool
    /// A deadline passed while it still runs.
    public var overdue: Bool

    public init(
        statuses: [ComplaintStatus] = [], handlerUserId: Int? = nil, customerId: Int? = nil, requestId: Int? = nil,
        reviewPending: Bool = false, overdue: Bool = false
    ) {
        self.statuses = statuses
        self.handlerUserId = handlerUserId
        self.customerId = customerId
        self.requestId = requestId
        self.reviewPending = reviewPending
        self.overdue = overdue
    }
}

/// A complaint event the status does not allow, naming the complaint.
public struct ComplaintStepNotAllowed: Error, Equatable, Sendable {
    public var id: Int
    public var status: ComplaintStatus
    public var event: ComplaintEventKind
    public var allowed: [ComplaintEventKind]
}

/// the handler may not work this complaint.
public struct NotIndependent: Error, Equatable, Sendable {
    public var id: Int
    public var conflict: ComplaintConflict
}

/// A statement that is no longer open.
public struct StatementClosed: Error, Equatable, Sendable {
    public var id: Int
    public var status: StatementStatus
}

extension SQLRow {
    /// The calendar day stored as ISO text in `column`.
    func decodeDay(_ column: String) throws -> CalendarDate {
        let raw = try decode(column: column, as: String.self)
        guard let day = CalendarDate(iso: raw) else {
            throw UnknownStoredValue(column: column, value: String(raw.prefix(100)))
        }
        return day
    }
}
