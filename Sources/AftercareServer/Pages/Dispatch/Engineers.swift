import AftercareDispatch
import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension DispatchPages {
    // MARK: Engineers

    /// Reads one page of engineers, the unit names and the product lines.
    static func engineersData(_ req: Request) async throws -> EngineersData {
        let page = try await Records<EngineerRecord>(req.store).list(page: try QueryReader(req: req).page())
        let units = try await req.orgUnitChoices().names
        let lines = try await Self.productLines(req)
        return EngineersData(page: page, units: units, lines: lines)
    }

    @Sendable func engineers(_ req: Request) async throws -> Response {
        let l = req.localizer
        let data = try await Self.engineersData(req)
        let model = Self.engineersModel(data, principal: try req.requirePrincipal(), l, today: req.store.today)
        return try await PageRenderer.render("admin-engineers", title: "engineers.title", model, for: req)
    }

    /// Reads what the engineer form shows: the units, the product lines and, for a new engineer, the users.
    static func engineerFormData(_ req: Request, engineer: EngineerRecord.View?) async throws -> EngineerFormData {
        let units = try await req.orgUnitChoices().options
        let lines = try await Self.productLines(req)
        var users: [UserRecord.View] = []
        var taken: Set<Int> = []
        if engineer == nil {
            taken = Set(
                try await Records<EngineerRecord>(req.store).list(page: PageRequest(limit: 200)).items.map(\.userId))
            users = try await Records<UserRecord>(req.store).list(page: PageRequest(limit: 200)).items
        }
        return EngineerFormData(engineer: engineer, units: units, lines: lines, users: users, taken: taken)
    }

    func engineerModel(
        _ req: Request, form: EngineerForm, engineer: EngineerRecord.View? = nil, errors: [FieldMessage] = []
    ) async throws -> EngineerFormModel {
        Self.engineerModel(
            try await Self.engineerFormData(req, engineer: engineer), principal: try req.requirePrincipal(),
            req.localizer, form: form, errors: errors)
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
        return try await FormCycle.run(req, page: "/admin/engineers/new", labels: .area("engineers")) {
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
        return try await FormCycle.run(req, page: "/admin/engineers/\(engineer.id)", labels: .area("engineers")) {
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
