import AftercareDomain
import Foundation
import SQLKit

/// a field engineer: a staff user with skills per product line, certifications, a labour-rate level, a
/// home base, a working calendar, a daily limit and absences. Partner outlets' engineers are `external`.
public enum EngineerRecord: RecordKind {
    public struct Input: Codable, Sendable, Equatable {
        public var userId: Int
        public var orgUnitId: Int
        public var external: Bool?
        /// the labour-rate level, 1–5.
        public var level: Int
        public var skills: [EngineerSkill]
        public var certifications: [Certification]?
        public var absences: [Absence]?
        public var maxVisitsPerDay: Int?
        public var homeLatitude: Double?
        public var homeLongitude: Double?
        /// A calendar of its own; otherwise the unit's.
        public var calendarId: Int?

        public init(
            userId: Int, orgUnitId: Int, external: Bool? = nil, level: Int, skills: [EngineerSkill],
            certifications: [Certification]? = nil, absences: [Absence]? = nil, maxVisitsPerDay: Int? = nil,
            homeLatitude: Double? = nil, homeLongitude: Double? = nil, calendarId: Int? = nil
        ) {
            self.userId = userId
            self.orgUnitId = orgUnitId
            self.external = external
            self.level = level
            self.skills = skills
            self.certifications = certifications
            self.absences = absences
            self.maxVisitsPerDay = maxVisitsPerDay
            self.homeLatitude = homeLatitude
            self.homeLongitude = homeLongitude
            self.calendarId = calendarId
        }
    }

    public struct Fields: Codable, Sendable {
        var userId: Int
        var orgUnitId: Int
        var external: Bool
        var level: Int
        var skills: String
        var certifications: String
        var absences: String
        var maxVisitsPerDay: Int
        var homeLatitude: Double?
        var homeLongitude: Double?
        var calendarId: Int?
    }

    public struct Row: Decodable, Sendable {
        var fields: Fields
        var displayName: String
        var username: String

        public init(from decoder: any Decoder) throws {
            fields = try Fields(from: decoder)
            let c = try decoder.container(keyedBy: Keys.self)
            displayName = try c.decode(String.self, forKey: .displayName)
            username = try c.decode(String.self, forKey: .username)
        }

        enum Keys: String, CodingKey {
            case displayName, username
        }
    }

    public struct View: Codable, Sendable, Equatable, Identifiable {
        public var id: Int
        public var userId: Int
        public var name: String
        public var username: String
        public var orgUnitId: Int
        public var external: Bool
        public var level: Int
        public var skills: [EngineerSkill]
        public var certifications: [Certification]
        public var absences: [Absence]
        public var maxVisitsPerDay: Int
        public var homeLatitude: Double?
        public var homeLongitude: Double?
        public var calendarId: Int?
        public var version: Int
        public var createdAt: Date
        public var updatedAt: Date
        public var archivedAt: Date?

        /// What dispatch needs of the engineer.
        public var profile: EngineerProfile {
            EngineerProfile(
                id: id, name: name, orgUnitId: orgUnitId, external: external, skills: skills,
                certifications: certifications, absences: absences, maxVisitsPerDay: maxVisitsPerDay,
                homeLatitude: homeLatitude, homeLongitude: homeLongitude)
        }
    }

    public static let table = "engineers"
    public static let entity = "engineer"

    public static func select(on db: any SQLDatabase) -> SQLSelectBuilder {
        db.select().column(SQLColumn(SQLLiteral.all, table: SQLIdentifier(table)))
            .column(SQLColumn("display_name", table: "u")).column(SQLColumn("username", table: "u"))
            .from(table)
            .join(
                SQLAlias(SQLIdentifier("users"), as: SQLIdentifier("u")), on: SQLColumn("id", table: "u"), .equal,
                column("user_id"))
    }

    public static func validate(_ input: Input, id: Int?, on db: any SQLDatabase) async throws -> Fields {
        var v = Validator()
        v.range("level", input.level, 1...5)
        v.range("maxVisitsPerDay", input.maxVisitsPerDay, 1...30)
        if input.skills.isEmpty { v.add("skills", .required) }
        var lines = Set<Int>()
        for (index, skill) in input.skills.enumerated() {
            v.range("skills.\(index).level", skill.level, 1...5)
            if !lines.insert(skill.productLineId).inserted { v.add("skills.\(index).productLineId", .duplicate) }
            v.reference(
                "skills.\(index).productLineId",
                try await Checks.reference(ProductLineRecord.table, skill.productLineId, on: db))
        }
        for (index, certification) in (input.certifications ?? []).enumerated() {
            v.text("certifications.\(index).name", certification.name, required: true, max: Limits.shortText)
            v.text("certifications.\(index).number", certification.number, max: Limits.shortText)
        }
        if (input.absences ?? []).count > 366 { v.add("absences", .outOfRange(min: 0, max: 366)) }
        for (index, absence) in (input.absences ?? []).enumerated() {
            v.text("absences.\(index).reason", absence.reason, required: true, max: Limits.shortText)
            if absence.to < absence.from { v.add("absences.\(index).to", .mustNotBeBefore(field: "from")) }
        }
        Checks.coordinates("home", input.homeLatitude, input.homeLongitude, into: &v)
        v.reference("orgUnitId", try await Checks.reference(OrgUnitRecord.table, input.orgUnitId, on: db))
        v.reference("calendarId", try await Checks.reference(CalendarRecord.table, input.calendarId, on: db))
        if let user = try await db.select().column("roles").column("archived_at").from("users")
            .where("id", .equal, input.userId).first()
        {
            let roles: [Role] = CommaSet.decode(try user.decode(column: "roles", as: String.self))
            if try !user.decodeNil(column: "archived_at") {
                v.add("userId", .archived)
            } else if !roles.contains(.fieldEngineer) {
                v.add("userId", .invalidFormat(expected: "a user with the fieldEngineer role"))
            }
        } else {
            v.add("userId", .notFound)
        }
        // One active profile per user; an archived one does not stand in the way of a new one.
        var taken = db.select().column("id").from(table).where("user_id", .equal, input.userId)
            .where("archived_at", .is, SQLLiteral.null)
        if let id { taken = taken.where("id", .notEqual, id) }
        if try await taken.first() != nil { v.add("userId", .duplicate) }
        try v.finish()
        return Fields(
            userId: input.userId, orgUnitId: input.orgUnitId, external: input.external ?? false, level: input.level,
            skills: try JSONText.encode(input.skills.sorted { $0.productLineId < $1.productLineId }),
            certifications: try JSONText.encode(input.certifications ?? []),
            absences: try JSONText.encode((input.absences ?? []).sorted { $0.from < $1.from }),
            maxVisitsPerDay: input.maxVisitsPerDay ?? 8, homeLatitude: input.homeLatitude,
            homeLongitude: input.homeLongitude, calendarId: input.calendarId)
    }

    public static func view(_ row: Row, meta: RecordMeta) throws -> View {
        let f = row.fields
        return View(
            id: meta.id, userId: f.userId, name: row.displayName, username: row.username, orgUnitId: f.orgUnitId,
            external: f.external, level: f.level, skills: try JSONText.decode([EngineerSkill].self, from: f.skills),
            certifications: try JSONText.decode([Certification].self, from: f.certifications),
            absences: try JSONText.decode([Absence].self, from: f.absences), maxVisitsPerDay: f.maxVisitsPerDay,
            homeLatitude: f.homeLatitude, homeLongitude: f.homeLongitude, calendarId: f.calendarId,
            version: meta.version, createdAt: meta.createdAt, updatedAt: meta.updatedAt, archivedAt: meta.archivedAt)
    }

    public static func input(from view: View) -> Input {
        Input(
            userId: view.userId, orgUnitId: view.orgUnitId, external: view.external, level: view.level,
            skills: view.skills, certifications: view.certifications, absences: view.absences,
            maxVisitsPerDay: view.maxVisitsPerDay, homeLatitude: view.homeLatitude, homeLongitude: view.homeLongitude,
            calendarId: view.calendarId)
    }
}

extension EngineerRecord: OwnedByOrgUnit {}

/// engineers by the user they are.
public struct Engineers: Sendable {
    public let store: Store

    public init(_ store: Store) {
        self.store = store
    }

    /// The active engineer profile of a user, if the user is an engineer.
    public func of(userId: Int) async throws -> EngineerRecord.View? {
        let query = EngineerRecord.select(on: store.sql).where(
            EngineerRecord.column("user_id"), .equal, SQLBind(userId)
        )
        .where(EngineerRecord.column("archived_at"), .is, SQLLiteral.null)
        return try await query.first().map(Records<EngineerRecord>.view(of:))
    }
}
