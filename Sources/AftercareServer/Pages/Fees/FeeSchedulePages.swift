import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension FeePages {
    @Sendable func schedules(_ req: Request) async throws -> Response {
        let q = QueryReader(req: req)
        let unitId = try q.int("orgUnitId")
        let includeWithdrawn = try q.bool("withdrawn") ?? false
        let page = try await Records<FeeScheduleRecord>(req.store).list(
            page: try q.page(defaultLimit: 25), includeArchived: includeWithdrawn, descending: true,
            filter: .feeSchedules(orgUnitId: unitId))
        let data = ListData(
            page: page, units: try await req.orgUnitChoices().options, unitId: unitId,
            includeWithdrawn: includeWithdrawn)
        let model = Self.listModel(data, principal: try req.requirePrincipal(), req.localizer, now: req.store.now)
        return try await PageRenderer.render("fees", title: "fees.title", model, for: req)
    }

    @Sendable func schedule(_ req: Request) async throws -> Response {
        let view = try await Records<FeeScheduleRecord>(req.store).get(req.pageId())
        return try await render(req, view)
    }

    func render(_ req: Request, _ view: FeeScheduleRecord.View, errors: [FieldMessage] = [], status: HTTPStatus = .ok)
        async throws -> Response
    {
        // Where it stands is decided in its unit's time zone, as withdrawing decides it.
        let model = Self.scheduleModel(
            view, principal: try req.requirePrincipal(), req.localizer,
            today: try await FeeSchedules(req.store).today(of: view.orgUnitId), errors: errors)
        return try await PageRenderer.render(
            "fee-schedule", title: "fees.scheduleTitle", model, for: req, status: status)
    }

    /// The form, empty or copied from a schedule (`?from=`) to begin tomorrow.
    @Sendable func newSchedule(_ req: Request) async throws -> Response {
        let from = try QueryReader(req: req).int("from")
        var source: FeeScheduleRecord.View?
        if let from { source = try await Records<FeeScheduleRecord>(req.store).get(from) }
        let tomorrow = CalendarDate(req.store.now, in: req.localizer.timeZone).adding(days: 1)
        var form = ScheduleForm(copying: source, from: tomorrow)
        if source == nil { form.orgUnitId = try req.requirePrincipal().orgUnitId }
        return try await renderForm(req, form)
    }

    func renderForm(_ req: Request, _ form: ScheduleForm, errors: [FieldMessage] = [], status: HTTPStatus = .ok)
        async throws -> Response
    {
        let model = Self.formModel(form, units: try await req.orgUnitChoices().options, req.localizer, errors: errors)
        return try await PageRenderer.render(
            "fee-schedule-form", title: "fees.newTitle", model, for: req, status: status)
    }

    @Sendable func publish(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        var v = AftercareDomain.Validator()
        let (form, input) = Self.read(try FormReader(req), into: &v)
        return try await FormCycle.run(req, page: "/fees/new", labels: Self.labels(rates: input.labour)) {
            try v.finish()
            do {
                let made = try await FeeSchedules(req.store).publish(input, by: principal.actor)
                return req.redirect(to: "/fees/\(made.id)")
            } catch let error as ValidationError {
                throw Self.onFormRows(error, rows: form.rows)
            }
        } again: { failure in
            try await renderForm(req, form, errors: failure.messages, status: failure.status)
        }
    }

    @Sendable func withdraw(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let view = try await Records<FeeScheduleRecord>(req.store).get(req.pageId())
        return try await FormCycle.run(req, page: "/fees/\(view.id)", labels: Self.labels()) {
            _ = try await FeeSchedules(req.store).withdraw(view.id, by: principal.actor)
            return req.redirect(to: "/fees/\(view.id)")
        } again: { failure in
            try await render(req, view, errors: failure.messages, status: failure.status)
        }
    }

    /// The form as typed and the schedule it asks for; a malformed amount or day is a problem of its field.
    static func read(_ form: FormReader, into v: inout AftercareDomain.Validator) -> (
        ScheduleForm, FeeScheduleRecord.Input
    ) {
        var typed = ScheduleForm()
        typed.orgUnitId = form.int("orgUnitId", into: &v)
        if form.string("orgUnitId") == nil { v.add("orgUnitId", .required) }
        typed.validFrom = form.string("validFrom") ?? ""
        typed.validTo = form.string("validTo") ?? ""
        typed.note = form.string("note") ?? ""
        let validFrom = CalendarDate(iso: typed.validFrom)
        if validFrom == nil {
            v.add("validFrom", typed.validFrom.isEmpty ? .required : .invalidFormat(expected: "YYYY-MM-DD"))
        }
        let validTo = CalendarDate(iso: typed.validTo)
        if validTo == nil, !typed.validTo.isEmpty { v.add("validTo", .invalidFormat(expected: "YYYY-MM-DD")) }
        var labour: [LabourRate] = []
        for difficulty in JobDifficulty.allCases {
            let basis = form.value("basis.\(difficulty.rawValue)", LabourBasis.self, into: &v) ?? .perHour
            typed.basis[difficulty] = basis
            for level in FeeSchedule.levels {
                let key = ScheduleForm.key(level, difficulty)
                guard let text = form.string("rate.\(key)") else { continue }
                typed.rates[key] = text
                guard let minor = Money.minor(parsing: text) else {
                    v.add("rate.\(key)", .invalidFormat(expected: "an amount"))
                    continue
                }
                labour.append(LabourRate(level: level, difficulty: difficulty, basis: basis, amountMinor: minor))
            }
        }
        var travel: [TravelBand] = []
        for index in 0..<travelRows {
            let km = form.string("travel.\(index).upToKm") ?? ""
            let amount = form.string("travel.\(index).amount") ?? ""
            typed.travel[index] = (km, amount)
            guard !km.isEmpty || !amount.isEmpty else { continue }
            var limit: Int?
            if !km.isEmpty {
                limit = Int(km)
                if limit == nil { v.add("travel.\(index).upToKm", .invalidFormat(expected: "a whole number")) }
            }
            guard let minor = Money.minor(parsing: amount) else {
                v.add("travel.\(index).amount", amount.isEmpty ? .required : .invalidFormat(expected: "an amount"))
                continue
            }
            travel.append(TravelBand(upToKm: limit, amountMinor: minor))
            typed.rows["travel", default: []].append(index)
        }
        var training: [TrainingRate] = []
        for index in 0..<trainingRows {
            let content = form.string("training.\(index).content") ?? ""
            let method = form.value("training.\(index).method", TrainingMethod.self, into: &v) ?? .onSite
            let amount = form.string("training.\(index).amount") ?? ""
            typed.training[index] = (content, method, amount)
            guard !content.isEmpty || !amount.isEmpty else { continue }
            guard let minor = Money.minor(parsing: amount) else {
                v.add("training.\(index).amount", amount.isEmpty ? .required : .invalidFormat(expected: "an amount"))
                continue
            }
            training.append(TrainingRate(content: content, method: method, perHourMinor: minor))
            typed.rows["training", default: []].append(index)
        }
        let input = FeeScheduleRecord.Input(
            orgUnitId: typed.orgUnitId ?? 0, validFrom: validFrom ?? CalendarDate(dayNumber: 0), validTo: validTo,
            labour: labour, travel: travel, training: training, note: typed.note)
        return (typed, input)
    }

    /// A refusal of what a form asked for, named as the form names its fields: each position back to the form's row
    /// (blank rows are left out: `travel.1.upToKm` is `travel.3.upToKm` when rows 1–2 were blank), a renamed field
    /// (`fields`: `units.unitId` → `serial`) and a list the form asks for in one field (`lists`: `travel` → `km`).
    static func onFormRows(
        _ error: ValidationError, rows: [String: [Int]], fields: [String: String] = [:], lists: [String: String] = [:]
    ) -> ValidationError {
        ValidationError(
            Dictionary(
                error.fields.map { field, problem in
                    var parts = field.split(separator: ".").map(String.init)
                    if let list = parts.first.flatMap({ lists[$0] }) { return (list, problem) }
                    if parts.count >= 2, let index = Int(parts[1]), let map = rows[parts[0]], index < map.count {
                        parts[1] = "\(map[index])"
                    }
                    if parts.count == 3, let name = fields["\(parts[0]).\(parts[2])"] { parts[2] = name }
                    return (parts.joined(separator: "."), problem)
                }, uniquingKeysWith: { first, _ in first }))
    }
}
