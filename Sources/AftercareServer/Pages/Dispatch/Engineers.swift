import AftercareDispatch
import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension DispatchPages {
    // MARK: Engineers

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

    @Sendable func engineers(_ req: Request) async throws -> Response {
        let l = req.localizer
        let page = try await Records<EngineerRecord>(req.store).list(page: try QueryReader(req: req).page())
        let units = try await req.orgUnitChoices().names
        let lines = try await Self.productLines(req)
        let codes = Dictionary(lines.map { ($0.id, $0.code) }, uniquingKeysWith: { a, _ in a })
        let today = Self.today(req)
        let model = EngineersModel(
            rows: page.items.map { engineer in
                .init(
                    id: engineer.id, name: engineer.name, username: engineer.username,
                    unit: units[engineer.orgUnitId] ?? "#\(engineer.orgUnitId)", level: l.number(engineer.level),
                    skills: engineer.skills.map { "\(codes[$0.productLineId] ?? "#\($0.productLineId)") \($0.level)" }
                        .joined(separator: ", "),
                    maxVisits: l.number(engineer.maxVisitsPerDay), external: engineer.external,
                    away: engineer.profile.absence(on: today)?.reason)
            }, next: page.nextCursor.map { PageLink.make("/admin/engineers", [("cursor", $0)]) })
        return try await PageRenderer.render("admin-engineers", title: "engineers.title", model, for: req)
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

    func engineerModel(
        _ req: Request, form: EngineerForm, engineer: EngineerRecord.View? = nil, errors: [FieldMessage] = []
    ) async throws -> EngineerFormModel {
        let l = req.localizer
        let units = try await req.orgUnitChoices().options
        let lines = try await Self.productLines(req)
        var users: [UserRecord.View] = []
        if engineer == nil {
            let taken = Set(
                try await Records<EngineerRecord>(req.store).list(page: PageRequest(limit: 200)).items.map(\.userId))
            users = try await Records<UserRecord>(req.store).list(page: PageRequest(limit: 200)).items.filter {
                $0.roles.contains(.fieldEngineer) && !taken.contains($0.id)
            }
        }
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

    /// Reads the engineer form; what the form itself cannot hold goes to `v`, the rest the use case checks.
    static func readEngineer(
        _ reader: FormReader, existing: EngineerRecord.View?, lines: [Int], into v: inout AftercareDomain.Validator
    ) -> (form: EngineerForm, input: EngineerRecord.Input) {
        var form = EngineerForm()
        form.userId = existing?.userId ?? reader.int("userId", into: &v)
        if form.userId == nil, reader.string("userId") == nil { v.add("userId", .required) }
        form.orgUnitId = reader.int("orgUnitId", into: &v)
        if form.orgUnitId == nil, reader.string("orgUnitId") == nil { v.add("orgUnitId", .required) }
        form.level = reader.string("level") ?? ""
        form.maxVisitsPerDay = reader.string("maxVisitsPerDay") ?? ""
        form.external = reader.bool("external")
        form.homeLatitude = reader.string("homeLatitude") ?? ""
        form.homeLongitude = reader.string("homeLongitude") ?? ""
        form.certifications = reader.raw("certifications")
        form.absences = reader.raw("absences")
        let level = reader.int("level", into: &v)
        if level == nil, form.level.isEmpty { v.add("level", .required) }
        let maxVisits = reader.int("maxVisitsPerDay", into: &v)
        func coordinate(_ name: String, _ text: String) -> Double? {
            guard !text.isEmpty else { return nil }
            guard let value = Double(text.replacingOccurrences(of: ",", with: ".")) else {
                v.add(name, .invalidFormat(expected: "a decimal number"))
                return nil
            }
            return value
        }
        let latitude = coordinate("homeLatitude", form.homeLatitude)
        let longitude = coordinate("homeLongitude", form.homeLongitude)
        var skills: [EngineerSkill] = []
        for line in lines {
            guard let text = reader.string("skill.\(line)") else { continue }
            guard let level = Int(text), (0...5).contains(level) else {
                v.add("skills", .outOfRange(min: 0, max: 5))
                continue
            }
            form.skills[line] = level
            if level > 0 { skills.append(EngineerSkill(productLineId: line, level: level)) }
        }
        var certifications: [Certification] = []
        for line in form.certifications.split(whereSeparator: \.isNewline) {
            let fields = line.split(omittingEmptySubsequences: false, whereSeparator: { $0 == ";" || $0 == "；" })
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard !fields.allSatisfy(\.isEmpty) else { continue }
            let expires = fields.count > 2 && !fields[2].isEmpty ? CalendarDate(iso: fields[2]) : nil
            if fields.count > 3 || (fields.count > 2 && !fields[2].isEmpty && expires == nil) {
                v.add("certifications", .invalidFormat(expected: "name; number; YYYY-MM-DD"))
                continue
            }
            certifications.append(
                Certification(
                    name: fields[0], number: fields.count > 1 && !fields[1].isEmpty ? fields[1] : nil,
                    expiresOn: expires))
        }
        var absences: [Absence] = []
        for line in form.absences.split(whereSeparator: \.isNewline) {
            let fields = line.split(maxSplits: 2, whereSeparator: { $0 == ";" || $0 == "；" })
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard !fields.allSatisfy(\.isEmpty) else { continue }
            guard fields.count == 3, let from = CalendarDate(iso: fields[0]), let to = CalendarDate(iso: fields[1])
            else {
                v.add("absences", .invalidFormat(expected: "YYYY-MM-DD; YYYY-MM-DD; reason"))
                continue
            }
            absences.append(Absence(from: from, to: to, reason: fields[2]))
        }
        let input = EngineerRecord.Input(
            userId: form.userId ?? 0, orgUnitId: form.orgUnitId ?? 0, external: form.external, level: level ?? 0,
            skills: skills, certifications: certifications, absences: absences, maxVisitsPerDay: maxVisits,
            homeLatitude: latitude, homeLongitude: longitude, calendarId: existing?.calendarId)
        return (form, input)
    }

    @Sendable func newEngineer(_ req: Request) async throws -> Response {
        var form = EngineerForm()
        form.orgUnitId = try req.requirePrincipal().orgUnitId
        return try await PageRenderer.render(
            "admin-engineer", title: "engineers.itemTitle", try await engineerModel(req, form: form), for: req)
    }

    @Sendable func createEngineer(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        var v = AftercareDomain.Validator()
        let lines = try await Self.productLines(req).map(\.id)
        let (form, input) = Self.readEngineer(try FormReader(req), existing: nil, lines: lines, into: &v)
        return try await FormCycle.run(req, labels: .area("engineers")) {
            try v.finish()
            let engineer = try await Records<EngineerRecord>(req.store).create(input, by: principal.actor)
            return req.redirect(to: "/admin/engineers/\(engineer.id)")
        } again: { failure in
            let model = try await engineerModel(req, form: form, errors: failure.messages)
            return try await PageRenderer.render(
                "admin-engineer", title: "engineers.itemTitle", model, for: req, status: failure.status)
        }
    }

    @Sendable func editEngineer(_ req: Request) async throws -> Response {
        let engineer = try await Records<EngineerRecord>(req.store).get(req.pageId())
        return try await PageRenderer.render(
            "admin-engineer", title: "engineers.itemTitle",
            try await engineerModel(req, form: Self.form(from: engineer), engineer: engineer), for: req)
    }

    @Sendable func updateEngineer(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let records = Records<EngineerRecord>(req.store)
        let engineer = try await records.get(req.pageId())
        let reader = try FormReader(req)
        var v = AftercareDomain.Validator()
        let lines = try await Self.productLines(req).map(\.id)
        let (form, input) = Self.readEngineer(reader, existing: engineer, lines: lines, into: &v)
        let version = reader.int("version", into: &v)
        return try await FormCycle.run(req, labels: .area("engineers")) {
            try v.finish()
            _ = try await records.update(engineer.id, expectedVersion: version ?? 0, by: principal.actor) { _ in input }
            return req.redirect(to: "/admin/engineers/\(engineer.id)")
        } again: { failure in
            let model = try await engineerModel(req, form: form, engineer: engineer, errors: failure.messages)
            return try await PageRenderer.render(
                "admin-engineer", title: "engineers.itemTitle", model, for: req, status: failure.status)
        }
    }
}
