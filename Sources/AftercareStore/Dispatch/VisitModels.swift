import AftercareDomain
import Foundation

/// what the engineer takes along: tools, the parts likely needed, a loaner unit (周转机) when the unit may
/// have to go to the workshop, and anything else to remember.
public struct VisitPreparation: Codable, Sendable, Equatable {
    public struct Part: Codable, Sendable, Equatable {
        public var partNumber: String?
        public var name: String
        public var quantity: Int

        public init(partNumber: String? = nil, name: String, quantity: Int) {
            self.partNumber = partNumber
            self.name = name
            self.quantity = quantity
        }
    }

    public var tools: [String]
    public var parts: [Part]
    public var loanerUnit: Bool
    public var notes: String?

    public init(tools: [String] = [], parts: [Part] = [], loanerUnit: Bool = false, notes: String? = nil) {
        self.tools = tools
        self.parts = parts
        self.loanerUnit = loanerUnit
        self.notes = notes
    }
}

/// A new visit under a request. What is left out is taken from the request and its units.
public struct VisitInput: Codable, Sendable, Equatable {
    public var purpose: VisitPurpose
    /// Estimated from the purpose and the number of units when left out.
    public var durationMinutes: Int?
    /// Defaults to every product line of the request's units at level 2 (level 1 for a diagnosis).
    public var requiredSkills: [SkillRequirement]?
    public var requiredCertifications: [String]?
    public var preparation: VisitPreparation?
    /// The customer's preferred window, if already known.
    public var windowStart: Date?
    public var windowEnd: Date?
    /// Where; defaults to the first unit's site.
    public var address: String?
    public var latitude: Double?
    public var longitude: Double?
    /// Defaults to the request's emergency flag.
    public var emergency: Bool?
    public var note: String?

    public init(
        purpose: VisitPurpose, durationMinutes: Int? = nil, requiredSkills: [SkillRequirement]? = nil,
        requiredCertifications: [String]? = nil, preparation: VisitPreparation? = nil, windowStart: Date? = nil,
        windowEnd: Date? = nil, address: String? = nil, latitude: Double? = nil, longitude: Double? = nil,
        emergency: Bool? = nil, note: String? = nil
    ) {
        self.purpose = purpose
        self.durationMinutes = durationMinutes
        self.requiredSkills = requiredSkills
        self.requiredCertifications = requiredCertifications
        self.preparation = preparation
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.address = address
        self.latitude = latitude
        self.longitude = longitude
        self.emergency = emergency
        self.note = note
    }
}

/// one event on a visit, with what that event needs.
public struct VisitEventInput: Codable, Sendable, Equatable {
    public var event: VisitEventKind
    /// `assign`, `schedule` (and `reschedule` to change engineer).
    public var engineerId: Int?
    /// `schedule`, `reschedule`: the window agreed with the customer.
    public var windowStart: Date?
    public var windowEnd: Date?
    /// `reschedule`, `handBack`, `cancel`, `reportIncomplete`.
    public var reason: String?
    /// `reschedule`: the customer agreed to the new window.
    public var customerConsent: Bool?
    /// `reportIncomplete`.
    public var nextStep: VisitNextStep?
    /// `complete`: the fault is fixed (default true).
    public var resolved: Bool?
    /// `schedule`: an emergency may displace ordinary visits in the way.
    public var displace: Bool?
    /// `assign`/`schedule`: the engineer the system recommended first, to record acceptance or override.
    public var recommendedEngineerId: Int?
    public var note: String?

    public init(
        event: VisitEventKind, engineerId: Int? = nil, windowStart: Date? = nil, windowEnd: Date? = nil,
        reason: String? = nil, customerConsent: Bool? = nil, nextStep: VisitNextStep? = nil, resolved: Bool? = nil,
        displace: Bool? = nil, recommendedEngineerId: Int? = nil, note: String? = nil
    ) {
        self.event = event
        self.engineerId = engineerId
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.reason = reason
        self.customerConsent = customerConsent
        self.nextStep = nextStep
        self.resolved = resolved
        self.displace = displace
        self.recommendedEngineerId = recommendedEngineerId
        self.note = note
    }
}

/// One step on a visit's timeline.
public struct VisitTimelineEntry: Codable, Sendable, Equatable {
    public var id: Int
    public var at: Date
    public var actor: String
    public var event: VisitEventKind
    public var from: VisitStatus
    public var to: VisitStatus
    public var engineerId: Int?
    public var windowStart: Date?
    public var windowEnd: Date?
    public var reason: String?
    public var customerConsent: Bool?
    /// for assignments, whether the recommendation was followed; for displacements, who was displaced.
    public var recommendedEngineerId: Int?
    public var followedRecommendation: Bool?
    public var displacedVisitIds: [Int]?
}

/// A visit as the API shows it.
public struct VisitView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var requestId: Int
    public var requestNumber: String
    public var requestStatus: RequestStatus
    public var customerId: Int
    public var customerName: String
    public var contactName: String?
    public var contactPhone: String?
    public var orgUnitId: Int
    public var sequence: Int
    public var purpose: VisitPurpose
    public var status: VisitStatus
    public var allowedEvents: [VisitEventKind]
    public var priority: Priority
    public var emergency: Bool
    public var engineerId: Int?
    public var engineerName: String?
    public var windowStart: Date?
    public var windowEnd: Date?
    /// From an accepted route plan: when the engineer should arrive and leave for it.
    public var plannedArrival: Date?
    public var departureAt: Date?
    public var routeOrder: Int?
    public var durationMinutes: Int
    public var requiredSkills: [SkillRequirement]
    public var requiredCertifications: [String]
    public var preparation: VisitPreparation
    public var address: String?
    public var latitude: Double?
    public var longitude: Double?
    public var departedAt: Date?
    public var arrivedAt: Date?
    public var finishedAt: Date?
    public var nextStep: VisitNextStep?
    public var note: String?
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date
    /// Only on a single visit.
    public var timeline: [VisitTimelineEntry]?
}

/// A visit handed back because an emergency took its place: the customer must be called.
public struct DisplacedVisit: Codable, Sendable, Equatable {
    public var visitId: Int
    public var requestNumber: String
    public var customerName: String
    public var contactName: String?
    public var contactPhone: String?
    public var windowStart: Date?
    public var windowEnd: Date?
}

/// The result of a visit event.
public struct VisitEventResult: Codable, Sendable, Equatable {
    public var visit: VisitView
    /// customers to call because an emergency displaced their visit.
    public var displaced: [DisplacedVisit]
    /// `reportIncomplete` with a second visit: the new visit in the queue.
    public var followUpVisitId: Int?
}

/// an appointment refused before anything was saved.
public struct AppointmentRefused: Error, Sendable, Equatable {
    public var conflicts: [AppointmentConflict]
}

/// The visit list's filters.
public struct VisitFilter: Sendable, Equatable {
    public var statuses: [VisitStatus] = []
    public var engineerId: Int?
    public var requestId: Int?
    public var orgUnitId: Int?
    /// Visits whose window (or planned arrival) falls on this local date.
    public var date: CalendarDate?
    /// Only visits without an engineer.
    public var unassigned = false

    public init() {}
}
