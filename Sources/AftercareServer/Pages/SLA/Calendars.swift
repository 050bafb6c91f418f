import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension SLAPages {
    // MARK: Calendars

    @Sendable func calendars(_ req: Request) async throws -> Response {
        let page = try await Records<CalendarRecord>(req.store).list(page: try QueryReader(req: req).page())
        let names = try await req.orgUnitChoices().names
        let model = Self.calendarsModel(
            page, unitNames: names, principal: try req.requirePrincipal(), req.localizer)
        return try await PageRenderer.render("sla-calendars", title: "sla.calendarsTitle", model, for: req)
    }

    func calendarModel(
        _ req: Request, form: CalendarForm, calendar: CalendarRecord.View? = nil, errors: [FieldMessage] = [],
        holidaysCSV: String = "", year: String? = nil, holidayErrors: [FieldMessage] = []
    ) async throws -> CalendarFormModel {
        let units = try await req.orgUnitChoices()
        return Self.calendarModel(
            CalendarData(calendar: calendar, units: units.options), principal: try req.requirePrincipal(),
            req.localizer, now: req.store.now, form: form, errors: errors,
            holidays: HolidayForm(csv: holidaysCSV, year: year, errors: holidayErrors))
    }

    /// `08:30-12:00 13:30-18:00` as periods; a malformed one is a problem of `field`.
    static func periods(_ text: String, field: String, into v: inout AftercareDomain.Validator) -> [WorkingPeriod] {
        var result: [WorkingPeriod] = []
        for part in text.split(whereSeparator: { " ,，;；\t".contains($0) }) {
            guard let period = WorkingPeriod(String(part)) else {
                v.add(field, .invalidFormat(expected: "HH:MM-HH:MM"))
                return []
            }
            result.append(period)
        }
        return result
    }

    static func readCalendar(
        _ form: FormReader, exceptions: [CalendarException], into v: inout AftercareDomain.Validator
    ) -> (form: CalendarForm, input: CalendarRecord.Input) {
        var typed = CalendarForm()
        typed.orgUnitId = form.int("orgUnitId", into: &v)
        if typed.orgUnitId == nil, form.string("orgUnitId") == nil { v.add("orgUnitId", .required) }
        typed.name = form.string("name") ?? ""
        typed.timeZone = form.string("timeZone") ?? ""
        typed.alwaysOpen = form.bool("alwaysOpen")
        typed.week = Weekday.allCases.map { form.string("week.\($0.rawValue)") ?? "" }
        typed.makeUpHours = form.string("makeUpHours") ?? ""
        let week = zip(Weekday.allCases, typed.week).map { day, text in
            periods(text, field: "calendar.week.\(day.rawValue)", into: &v)
        }
        let makeUp = periods(typed.makeUpHours, field: "calendar.makeUpHours", into: &v)
        let calendar = BusinessCalendar(
            timeZone: typed.timeZone, alwaysOpen: typed.alwaysOpen, week: week, makeUpHours: makeUp,
            exceptions: exceptions)
        return (typed, CalendarRecord.Input(orgUnitId: typed.orgUnitId ?? 0, name: typed.name, calendar: calendar))
    }

    @Sendable func newCalendar(_ req: Request) async throws -> Response {
        var form = CalendarForm()
        form.timeZone = req.store.timeZone.identifier
        return try await PageRenderer.render(
            "sla-calendar", title: "sla.calendarTitle", try await calendarModel(req, form: form), for: req)
    }

    @Sendable func createCalendar(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        var v = AftercareDomain.Validator()
        let (form, input) = Self.readCalendar(try FormReader(req), exceptions: [], into: &v)
        return try await FormCycle.run(req, page: "/admin/sla/calendars/new", labels: Self.labels()) {
            try v.finish()
            let calendar = try await Records<CalendarRecord>(req.store).create(input, by: principal.actor)
            return req.redirect(to: "/admin/sla/calendars/\(calendar.id)")
        } again: { failure in
            let model = try await calendarModel(req, form: form, errors: failure.messages)
            return try await PageRenderer.render(
                "sla-calendar", title: "sla.calendarTitle", model, for: req, status: failure.status)
        }
    }

    @Sendable func editCalendar(_ req: Request) async throws -> Response {
        let calendar = try await Records<CalendarRecord>(req.store).get(req.pageId())
        return try await PageRenderer.render(
            "sla-calendar", title: "sla.calendarTitle",
            try await calendarModel(req, form: Self.form(from: calendar), calendar: calendar), for: req)
    }

    @Sendable func updateCalendar(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let records = Records<CalendarRecord>(req.store)
        let calendar = try await records.get(req.pageId())
        let reader = try FormReader(req)
        var v = AftercareDomain.Validator()
        let (form, input) = Self.readCalendar(reader, exceptions: calendar.calendar.exceptions, into: &v)
        let version = reader.int("version", into: &v)
        return try await FormCycle.run(req, page: "/admin/sla/calendars/\(calendar.id)", labels: Self.labels()) {
            try v.finish()
            _ = try await records.update(calendar.id, expectedVersion: version ?? 0, by: principal.actor) { before in
                var changed = input
                changed.calendar.exceptions = before.calendar.exceptions
                return changed
            }
            return req.redirect(to: "/admin/sla/calendars/\(calendar.id)")
        } again: { failure in
            let model = try await calendarModel(req, form: form, calendar: calendar, errors: failure.messages)
            return try await PageRenderer.render(
                "sla-calendar", title: "sla.calendarTitle", model, for: req, status: failure.status)
        }
    }

    /// replaces one year's holidays and make-up days with the pasted CSV (`date,kind,name`).
    @Sendable func importHolidays(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let l = req.localizer
        let records = Records<CalendarRecord>(req.store)
        let calendar = try await records.get(req.pageId())
        let reader = try FormReader(req)
        var v = AftercareDomain.Validator()
        let yearText = reader.string("year") ?? ""
        let year = Int(yearText).flatMap { (1970...2200).contains($0) ? $0 : nil }
        if year == nil { v.add("year", yearText.isEmpty ? .required : .outOfRange(min: 1970, max: 2200)) }
        let version = reader.int("version", into: &v)
        var text = reader.raw("csv")
        if text.hasPrefix(CSV.byteOrderMark) { text = String(text.dropFirst()) }
        var problems: [FieldMessage] = []
        var exceptions: [CalendarException] = []
        do {
            exceptions = try HolidayCSV.parse(text)
            if let year, let stray = exceptions.first(where: { $0.date.year != year }) {
                problems.append(
                    FieldMessage(
                        field: "csv", label: l.t("sla.field.csv"),
                        message: l.t("sla.notInYear").replacingOccurrences(of: "{date}", with: stray.date.description)))
            }
        } catch let error as CSV.ParseError {
            problems.append(
                FieldMessage(
                    field: "csv", label: l.t("sla.field.csv"),
                    message: l.t("sla.csvLine").replacingOccurrences(of: "{n}", with: l.number(error.line))))
        }
        func failed(_ messages: [FieldMessage], _ status: HTTPStatus) async throws -> Response {
            let model = try await calendarModel(
                req, form: Self.form(from: calendar), calendar: calendar, holidaysCSV: reader.raw("csv"),
                year: yearText, holidayErrors: messages)
            return try await PageRenderer.render(
                "sla-calendar", title: "sla.calendarTitle", model, for: req, status: status)
        }
        return try await FormCycle.run(req, page: "/admin/sla/calendars/\(calendar.id)", labels: Self.labels()) {
            try v.finish()
            guard problems.isEmpty, let year else {
                // Shown at the calendar's own address, as every refused form (post/redirect/get).
                return try await FormReturn.redirect(
                    try await failed(problems, .unprocessableEntity), to: "/admin/sla/calendars/\(calendar.id)",
                    for: req)
            }
            let replacing = exceptions
            _ = try await records.update(calendar.id, expectedVersion: version ?? 0, by: principal.actor) {
                var input = $0
                input.calendar.exceptions = input.calendar.exceptions.filter { $0.date.year != year } + replacing
                return input
            }
            return req.redirect(to: "/admin/sla/calendars/\(calendar.id)")
        } again: { failure in
            // The form's own problems are shown with the use case's, all at once.
            try await failed(failure.messages + (failure.error is ValidationError ? problems : []), failure.status)
        }
    }
}
