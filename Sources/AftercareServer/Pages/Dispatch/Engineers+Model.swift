import AftercareDispatch
import AftercareDomain
import AftercareStore
import Foundation

extension DispatchPages {
    // MARK: Engineers: their models, from store views alone

    struct EngineersModel: Encodable {
        struct Row: Encodable {
            var id: Int
            var name: String
            var username: String
            var unit: String
            var level: String
            var skills: String
            var maxVisits: String
            var external: Bool
            var away: String?
        }

        var rows: [Row]
        var next: String?
    }

    /// What the engineers' list shows, as read from the store.
    struct EngineersData {
        /// One page of engineers.
        var page: Page<EngineerRecord.View>
        /// Unit names (`code · name`) by id.
        var units: [Int: String]
        var lines: [ProductLineRecord.View]
    }

    /// The engineers' list for `principal` in the reader's language: unit, skills by product line code, and who is
    /// away `today`.
    static func engineersModel(_ data: EngineersData, principal: Principal, _ l: Localizer, today: CalendarDate)
        -> EngineersModel
    {
        let page = data.page
        let units = data.units
        let codes = Dictionary(data.lines.map { ($0.id, $0.code) }, uniquingKeysWith: { a, _ in a })
        return EngineersModel(
            rows: page.items.map { engineer in
                .init(
                    id: engineer.id, name: engineer.name, username: engineer.username,
                    unit: units[engineer.orgUnitId] ?? "#\(engineer.orgUnitId)", level: l.number(engineer.level),
                    skills: engineer.skills.map { "\(codes[$0.productLineId] ?? "#\($0.productLineId)") \($0.level)" }
                        .joined(separator: ", "),
                    maxVisits: l.number(engineer.maxVisitsPerDay), external: engineer.external,
                    away: engineer.profile.absence(on: today)?.reason)
            }, next: page.nextCursor.map { PageLink.make("/admin/engineers", [("cursor", $0)]) })
    }

    struct EngineerFormModel: Encodable {
        struct Skill: Encodable {
            var lineId: Int
            var label: String
            var options: [SelectOption]
        }

        var id: Int?
        var version: Int?
        var name: String?
        var userOptions: [SelectOption]
        var unitOptions: [SelectOption]
        var level: String
        var maxVisitsPerDay: String
        var external: Bool
        var homeLatitude: String
        var homeLongitude: String
        var skills: [Skill]
        var certifications: String
        var absences: String
        var errors: [FieldMessage]
    }

    /// The engineer form as typed.
    struct EngineerForm {
        var userId: Int?
        var orgUnitId: Int?
        var level = "2"
        var maxVisitsPerDay = "8"
        var external = false
        var homeLatitude = ""
        var homeLongitude = ""
        var skills: [Int: Int] = [:]
        var certifications = ""
        var absences = ""
    }

    static func form(from engineer: EngineerRecord.View) -> EngineerForm {
        func text(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
        return EngineerForm(
            userId: engineer.userId, orgUnitId: engineer.orgUnitId, level: "\(engineer.level)",
            maxVisitsPerDay: "\(engineer.maxVisitsPerDay)", external: engineer.external,
            homeLatitude: text(engineer.homeLatitude), homeLongitude: text(engineer.homeLongitude),
            skills: Dictionary(engineer.skills.map { ($0.productLineId, $0.level) }, uniquingKeysWith: max),
            certifications: engineer.certifications.map { c in
                [c.name, c.number ?? "", c.expiresOn?.description ?? ""].joined(separator: "; ")
            }.joined(separator: "\n"),
            absences: engineer.absences.map { "\($0.from); \($0.to); \($0.reason)" }.joined(separator: "\n"))
    }

    /// What the engineer form shows, as read from the store.
    struct EngineerFormData {
        /// The engineer being edited; nil for a new one.
        var engineer: EngineerRecord.View?
        /// The units to choose from.
        var units: [OrgUnitRecord.View]
        var lines: [ProductLineRecord.View]
        /// For a new engineer, the users and the ids of users who already are engineers; empty when editing.
        var users: [UserRecord.View]
        var taken: Set<Int>
    }

    /// The engineer form for `principal` in the reader's language: for a new engineer the field engineers without a
    /// record to choose from, the skills per product line, and the form as typed.
    static func engineerModel(
        _ data: EngineerFormData, principal: Principal, _ l: Localizer, form: EngineerForm, errors: [FieldMessage] = []
    ) -> EngineerFormModel {
        let engineer = data.engineer
        let units = data.units
        let lines = data.lines
        let users = data.users.filter { $0.roles.contains(.fieldEngineer) && !data.taken.contains($0.id) }
        return EngineerFormModel(
            id: engineer?.id, version: engineer?.version,
            name: engineer.map { "\($0.name) (\($0.username))" },
            userOptions: users.map {
                SelectOption(
                    value: "\($0.id)", label: "\($0.displayName) (\($0.username))", selected: $0.id == form.userId)
            },
            unitOptions: units.map {
                SelectOption(value: "\($0.id)", label: "\($0.code) · \($0.name)", selected: $0.id == form.orgUnitId)
            }, level: form.level, maxVisitsPerDay: form.maxVisitsPerDay, external: form.external,
            homeLatitude: form.homeLatitude, homeLongitude: form.homeLongitude,
            skills: lines.map { line in
                let level = form.skills[line.id] ?? 0
                return .init(
                    lineId: line.id, label: "\(line.code) · \(line.name)",
                    options: (0...5).map {
                        SelectOption(
                            value: "\($0)", label: $0 == 0 ? l.t("engineers.noSkill") : l.number($0),
                            selected: $0 == level)
                    })
            }, certifications: form.certifications, absences: form.absences, errors: errors)
    }
}
