import Foundation

/// an engineer's skill on one product line, 1 (trainee) to 5 (expert).
public struct EngineerSkill: Hashable, Sendable, Codable {
    public var productLineId: Int
    public var level: Int

    public init(productLineId: Int, level: Int) {
        self.productLineId = productLineId
        self.level = level
    }
}

/// a certification (electrician's licence, work at height, a product line's training) with its expiry.
public struct Certification: Hashable, Sendable, Codable {
    public var name: String
    public var number: String?
    public var expiresOn: CalendarDate?

    public init(name: String, number: String? = nil, expiresOn: CalendarDate? = nil) {
        self.name = name
        self.number = number
        self.expiresOn = expiresOn
    }

    /// Valid on `date`: no expiry, or expiring on or after it.
    public func isValid(on date: CalendarDate) -> Bool {
        expiresOn.map { $0 >= date } ?? true
    }
}

/// days an engineer is away (leave, training, sick), both ends included.
public struct Absence: Hashable, Sendable, Codable {
    public var from: CalendarDate
    public var to: CalendarDate
    public var reason: String

    public init(from: CalendarDate, to: CalendarDate, reason: String) {
        self.from = from
        self.to = to
        self.reason = reason
    }

    public func covers(_ date: CalendarDate) -> Bool { from <= date && date <= to }
}

/// What a visit asks of the engineer: a product line at a minimum level, and certifications.
public struct SkillRequirement: Hashable, Sendable, Codable {
    public var productLineId: Int
    public var minimumLevel: Int

    public init(productLineId: Int, minimumLevel: Int) {
        self.productLineId = productLineId
        self.minimumLevel = minimumLevel
    }
}

/// what dispatch needs to know about an engineer.
public struct EngineerProfile: Sendable, Equatable {
    public var id: Int
    public var name: String
    public var orgUnitId: Int
    /// an engineer of a partner outlet (三级服务).
    public var external: Bool
    public var skills: [EngineerSkill]
    public var certifications: [Certification]
    public var absences: [Absence]
    public var maxVisitsPerDay: Int
    public var homeLatitude: Double?
    public var homeLongitude: Double?

    public init(
        id: Int, name: String, orgUnitId: Int, external: Bool = false, skills: [EngineerSkill],
        certifications: [Certification] = [], absences: [Absence] = [], maxVisitsPerDay: Int = 8,
        homeLatitude: Double? = nil, homeLongitude: Double? = nil
    ) {
        self.id = id
        self.name = name
        self.orgUnitId = orgUnitId
        self.external = external
        self.skills = skills
        self.certifications = certifications
        self.absences = absences
        self.maxVisitsPerDay = maxVisitsPerDay
        self.homeLatitude = homeLatitude
        self.homeLongitude = homeLongitude
    }

    /// The level on a product line, 0 when the engineer has none.
    public func level(on productLineId: Int) -> Int {
        skills.filter { $0.productLineId == productLineId }.map(\.level).max() ?? 0
    }

    /// The requirements the engineer falls short of.
    public func missing(_ requirements: [SkillRequirement]) -> [SkillRequirement] {
        requirements.filter { level(on: $0.productLineId) < $0.minimumLevel }
    }

    /// Certifications named by `names` that are missing or expired on `date`.
    public func missingCertifications(_ names: [String], on date: CalendarDate) -> [String] {
        names.filter { name in !certifications.contains { $0.name == name && $0.isValid(on: date) } }
    }

    /// The absence covering `date`, if any.
    public func absence(on date: CalendarDate) -> Absence? {
        absences.first { $0.covers(date) }
    }
}

/// one booked stretch of an engineer's day: the visit's work from service start to its end.
public struct Booking: Sendable, Equatable {
    public var visitId: Int
    public var start: Date
    public var end: Date
    public var emergency: Bool

    public init(visitId: Int, start: Date, end: Date, emergency: Bool = false) {
        self.visitId = visitId
        self.start = start
        self.end = end
        self.emergency = emergency
    }
}

/// why an appointment cannot be booked as asked.
public enum AppointmentConflict: Sendable, Equatable, Codable {
    /// The window overlaps another visit of the same engineer.
    case overlaps(visitId: Int)
    /// The window is not inside the engineer's working hours that day.
    case outsideWorkingHours
    /// The engineer is away that day.
    case absent(reason: String)
    /// The engineer's day is full.
    case dayFull(limit: Int)
    /// The engineer lacks a skill the visit needs.
    case lacksSkill(productLineId: Int, level: Int, required: Int)

    /// An English explanation; pages localize by `code`.
    public var explanation: String {
        switch self {
        case .overlaps(let id): "overlaps visit \(id) of the same engineer"
        case .outsideWorkingHours: "is outside the engineer's working hours"
        case .absent(let reason): "the engineer is away (\(reason))"
        case .dayFull(let limit): "the engineer's day is full (\(limit) visits)"
        case .lacksSkill(let line, let level, let required):
            "the engineer has level \(level) on product line \(line), \(required) is required"
        }
    }

    /// A stable code for the API and the pages.
    public var code: String {
        switch self {
        case .overlaps: "overlaps"
        case .outsideWorkingHours: "outsideWorkingHours"
        case .absent: "absent"
        case .dayFull: "dayFull"
        case .lacksSkill: "lacksSkill"
        }
    }
}

/// conflict detection for an appointment, before anything is saved.
public enum Appointments {
    /// Everything wrong with booking `engineer` for `[start, end)` on `date`.
    /// - Parameters:
    ///   - shifts: the engineer's working periods that day (from the business calendar).
    ///   - bookings: the engineer's other visits that day (the visit being moved excluded).
    public static func conflicts(
        engineer: EngineerProfile, start: Date, end: Date, date: CalendarDate, shifts: [DateInterval],
        bookings: [Booking], requirements: [SkillRequirement]
    ) -> [AppointmentConflict] {
        var found: [AppointmentConflict] = []
        for missing in engineer.missing(requirements) {
            found.append(
                .lacksSkill(
                    productLineId: missing.productLineId, level: engineer.level(on: missing.productLineId),
                    required: missing.minimumLevel))
        }
        if let absence = engineer.absence(on: date) { found.append(.absent(reason: absence.reason)) }
        // The work starts within a working period and ends by the end of the working day: an arrival window may
        // span the lunch break.
        let startsInShift = shifts.contains { $0.start <= start && start < $0.end }
        if !startsInShift || end > (shifts.map(\.end).max() ?? start) { found.append(.outsideWorkingHours) }
        for booking in bookings.sorted(by: { $0.start < $1.start }) where booking.start < end && start < booking.end {
            found.append(.overlaps(visitId: booking.visitId))
        }
        if bookings.count >= engineer.maxVisitsPerDay { found.append(.dayFull(limit: engineer.maxVisitsPerDay)) }
        return found
    }

    /// an emergency may displace other visits: the overlapping non-emergency ones. `nil` when a conflict
    /// other than overlaps with ordinary visits stands in the way.
    public static func displaceable(_ conflicts: [AppointmentConflict], bookings: [Booking]) -> [Int]? {
        var displaced: [Int] = []
        for conflict in conflicts {
            switch conflict {
            case .overlaps(let id):
                guard let booking = bookings.first(where: { $0.visitId == id }), !booking.emergency else { return nil }
                displaced.append(id)
            case .dayFull:
                continue
            default:
                return nil
            }
        }
        return displaced
    }
}
