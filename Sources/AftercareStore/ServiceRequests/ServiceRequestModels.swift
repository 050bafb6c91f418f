import AftercareDomain
import Foundation
import SQLKit

/// What a person sets when registering or editing a request.
public struct ServiceRequestInput: Codable, Sendable, Equatable {
    public var customerId: Int
    /// Defaults to the customer's owning unit.
    public var orgUnitId: Int?
    public var projectId: Int?
    public var contactName: String?
    public var contactPhone: String?
    public var unitIds: [Int]?
    public var channel: Channel
    public var type: RequestType
    public var faultDescription: String
    public var customerRequest: String?
    public var preferredTime: String?
    /// Defaults to `emergency` for emergencies and `normal` otherwise.
    public var priority: Priority?
    public var emergency: Bool?
    public var category: String?

    public init(
        customerId: Int, orgUnitId: Int? = nil, projectId: Int? = nil, contactName: String? = nil,
        contactPhone: String? = nil, unitIds: [Int]? = nil, channel: Channel, type: RequestType,
        faultDescription: String, customerRequest: String? = nil, preferredTime: String? = nil,
        priority: Priority? = nil, emergency: Bool? = nil, category: String? = nil
    ) {
        self.customerId = customerId
        self.orgUnitId = orgUnitId
        self.projectId = projectId
        self.contactName = contactName
        self.contactPhone = contactPhone
        self.unitIds = unitIds
        self.channel = channel
        self.type = type
        self.faultDescription = faultDescription
        self.customerRequest = customerRequest
        self.preferredTime = preferredTime
        self.priority = priority
        self.emergency = emergency
        self.category = category
    }
}

/// An event posted to a request, with what triage or resolution decided.
public struct ServiceRequestEventInput: Codable, Sendable, Equatable {
    public var event: RequestEventKind
    public var note: String?
    /// the cause as far as known; recomputes the warranty decision (triage and resolution only).
    public var faultCause: FaultCause?
    public var priority: Priority?
    public var emergency: Bool?
    public var category: String?

    public init(
        event: RequestEventKind, note: String? = nil, faultCause: FaultCause? = nil, priority: Priority? = nil,
        emergency: Bool? = nil, category: String? = nil
    ) {
        self.event = event
        self.note = note
        self.faultCause = faultCause
        self.priority = priority
        self.emergency = emergency
        self.category = category
    }
}

/// One unit on a request with its warranty decision.
public struct RequestUnitView: Codable, Sendable, Equatable {
    public var unitId: Int
    public var serialNumber: String
    public var modelId: Int
    public var modelCode: String
    public var warranty: WarrantyPeriod?
    /// Captured at triage; `nil` before.
    public var warrantyStatus: WarrantyStatus?
    public var warrantyReason: WarrantyReason?
}

/// One step on the request's timeline.
public struct TimelineEntry: Codable, Sendable, Equatable {
    public var id: Int
    public var at: Date
    public var actor: String
    /// A `TimelineEvent`: `register` for the creation, otherwise the event.
    public var event: String
    public var from: RequestStatus?
    public var to: RequestStatus
    public var note: String?
    /// The visit a visit's step belongs to.
    public var visit: TimelineVisit?
}

/// The visit a step of the request's timeline belongs to: its number within the request and, when planned,
/// what it is for. The pages name it in the reader's language ("第 1 次上门 · 检测诊断").
public struct TimelineVisit: Codable, Sendable, Equatable {
    public var sequence: Int
    public var purpose: VisitPurpose?

    public init(sequence: Int, purpose: VisitPurpose? = nil) {
        self.sequence = sequence
        self.purpose = purpose
    }
}

/// Derived times: never stored.
public struct DurationsView: Codable, Sendable, Equatable {
    public var ageSeconds: Int
    public var waitingOnCustomerSeconds: Int
    public var secondsInStatus: [String: Int]
}

/// A service request as the API shows it.
public struct ServiceRequestView: Codable, Sendable, Equatable {
    public var id: Int
    public var number: String
    public var orgUnitId: Int
    public var customerId: Int
    public var customerName: String
    public var projectId: Int?
    public var contactName: String?
    public var contactPhone: String?
    public var channel: Channel
    public var type: RequestType
    public var faultDescription: String
    public var customerRequest: String?
    public var preferredTime: String?
    public var priority: Priority
    public var emergency: Bool
    public var category: String?
    public var faultCause: FaultCause
    public var status: RequestStatus
    public var allowedEvents: [RequestEventKind]
    /// Summary of the units' decisions: all in → in, all out → out, otherwise (or before triage) undetermined.
    public var warrantyStatus: WarrantyStatus
    public var units: [RequestUnitView]
    public var createdBy: String
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date
    public var archivedAt: Date?
    /// Why the request waits for a person to look at how it came in (an e-mail from an unknown sender).
    public var intakeFlag: IntakeFlag? = nil
    /// Only on a single request, not in lists.
    public var durations: DurationsView?
    public var timeline: [TimelineEntry]?
}

struct ServiceRequestRow: Codable, Sendable {
    var id: Int
    var number: String
    var orgUnitId: Int
    var customerId: Int
    var customerName: String
    var projectId: Int?
    var contactName: String?
    var contactPhone: String?
    var channel: String
    var type: String
    var faultDescription: String
    var customerRequest: String?
    var preferredTime: String?
    var priority: String
    var emergency: Bool
    var category: String?
    var faultCause: String
    var status: String
    var resumeStatus: String?
    var createdBy: String
    var version: Int
    var createdAt: Date
    var updatedAt: Date
    var archivedAt: Date?
    var intakeFlag: String?

    func lifecycle() throws -> RequestLifecycle {
        RequestLifecycle(
            status: try RequestStatus.stored(status, column: "service_requests.status"),
            resumeStatus: try resumeStatus.map {
                try RequestStatus.stored($0, column: "service_requests.resume_status")
            })
    }

    func view(units: [RequestUnitView]) throws -> ServiceRequestView {
        let lifecycle = try lifecycle()
        let summary = WarrantyStatus.summary(of: units.map(\.warrantyStatus))
        return ServiceRequestView(
            id: id, number: number, orgUnitId: orgUnitId, customerId: customerId, customerName: customerName,
            projectId: projectId, contactName: contactName, contactPhone: contactPhone,
            channel: try Channel.stored(channel, column: "service_requests.channel"),
            type: try RequestType.stored(type, column: "service_requests.type"),
            faultDescription: faultDescription, customerRequest: customerRequest, preferredTime: preferredTime,
            priority: try Priority.stored(priority, column: "service_requests.priority"), emergency: emergency,
            category: category, faultCause: try FaultCause.stored(faultCause, column: "service_requests.fault_cause"),
            status: lifecycle.status,
            allowedEvents: lifecycle.allowedEvents, warrantyStatus: summary, units: units, createdBy: createdBy,
            version: version, createdAt: createdAt, updatedAt: updatedAt, archivedAt: archivedAt,
            intakeFlag: try intakeFlag.map { try IntakeFlag.stored($0, column: "service_requests.intake_flag") },
            durations: nil, timeline: nil)
    }
}

struct TimelineRow: Codable, Sendable {
    var id: Int
    var requestId: Int
    var at: Date
    var actor: String
    var event: String
    var fromStatus: String?
    var toStatus: String
    var note: String?
    var visitSequence: Int?
    var visitPurpose: String?

    func entry() throws -> TimelineEntry {
        TimelineEntry(
            id: id, at: at, actor: actor, event: event,
            from: try fromStatus.map { try RequestStatus.stored($0, column: "request_events.from_status") },
            to: try RequestStatus.stored(toStatus, column: "request_events.to_status"), note: note,
            visit: try visitSequence.map {
                TimelineVisit(
                    sequence: $0,
                    purpose: try visitPurpose.map {
                        try VisitPurpose.stored($0, column: "request_events.visit_purpose")
                    })
            })
    }
}

/// A request that may not be edited any more (closed or cancelled): the API answers 409.
public struct RequestNotEditable: Error, Equatable, Sendable {
    public var status: RequestStatus
}
