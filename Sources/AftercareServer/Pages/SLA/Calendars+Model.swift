import AftercareDomain
import AftercareStore
import Foundation

extension SLAPages {
    // MARK: Calendars: their models, from store views alone

    struct CalendarsModel: Encodable {
        struct Row: Encodable {
            var id: Int
            var name: String
            var unit: String
            var timeZone: String
            var alwaysOpen: Bool
            var exceptions: String
        }

        var rows: [Row]
        var next: String?
    }

    /// one page of the business calendars, each with its unit by name (`unitNames`, `#id` when unseen) and
    /// its count of exceptions.
    static func calendarsModel(
        _ page: Page<CalendarRecord.View>, unitNames: [Int: String], principal: Principal, _ l: Localizer
    ) -> CalendarsModel {
        CalendarsModel(
            rows: page.items.map {
                .init(
                    id: $0.id, name: $0.name, unit: unitNames[$0.orgUnitId] ?? "#\($0.orgUnitId)",
                    timeZone: $0.calendar.timeZone, alwaysOpen: $0.calendar.alwaysOpen,
                    exceptions: l.number($0.calendar.exceptions.count))
            }, next: page.nextCursor.map { PageLink.make("/admin/sla/calendars", [("cursor", $0)]) })
    }

    struct CalendarFormModel: Encodable {
        struct Day: Encodable {
            var code: String
            var label: String
            var periods: String
        }

        struct Exception: Encodable {
            var date: String
            var kind: String
            var name: String
        }

        var id: Int?
        var version: Int?
        var name: String
        var timeZone: String
        var alwaysOpen: Bool
        var unitOptions: [SelectOption]
        var days: [Day]
        var makeUpHours: String
        var exceptions: [Exception]
        var year: String
        var holidaysCSV: String
        var download: String?
        var errors: [FieldMessage]
        var holidayErrors: [FieldMessage]
    }

    /// The calendar form as typed.
    struct CalendarForm {
        var orgUnitId: Int?
        var name = ""
        var timeZone = "Asia/Shanghai"
        var alwaysOpen = false
        var week: [String] = BusinessCalendar.officeWeek.map(CalendarForm.text)
        var makeUpHours = ""

        static func text(_ periods: [WorkingPeriod]) -> String { periods.map(\.description).joined(separator: " ") }
    }

    /// The holiday import form as typed, and why it failed.
    struct HolidayForm {
        var csv = ""
        /// The year typed; nil shows the current year.
        var year: String?
        var errors: [FieldMessage] = []
    }

    /// What the calendar form shows, as read from the store: the calendar edited (nil for a new one) and the units
    /// it may belong to.
    struct CalendarData {
        var calendar: CalendarRecord.View?
        var units: [OrgUnitRecord.View]
    }

    static func form(from view: CalendarRecord.View) -> CalendarForm {
        CalendarForm(
            orgUnitId: view.orgUnitId, name: view.name, timeZone: view.calendar.timeZone,
            alwaysOpen: view.calendar.alwaysOpen, week: view.calendar.week.map(CalendarForm.text),
            makeUpHours: CalendarForm.text(view.calendar.makeUpHours))
    }

    /// the calendar form in the reader's language: the week and make-up hours as typed (or as stored), the
    /// stored exceptions, and the holiday import (the year defaults to that of `now` in `l.timeZone`).
    static func calendarModel(
        _ data: CalendarData, principal: Principal, _ l: Localizer, now: Date, form: CalendarForm,
        errors: [FieldMessage] = [], holidays: HolidayForm = HolidayForm()
    ) -> CalendarFormModel {
        let calendar = data.calendar
        let thisYear = CalendarDate(now, in: l.timeZone).year
        return CalendarFormModel(
            id: calendar?.id, version: calendar?.version, name: form.name, timeZone: form.timeZone,
            alwaysOpen: form.alwaysOpen,
            unitOptions: data.units.map {
                SelectOption(value: "\($0.id)", label: "\($0.code) · \($0.name)", selected: $0.id == form.orgUnitId)
            },
            days: Weekday.allCases.enumerated().map { index, day in
                .init(
                    code: day.rawValue, label: l.t("weekday.\(day.rawValue)"),
                    periods: index < form.week.count ? form.week[index] : "")
            }, makeUpHours: form.makeUpHours,
            exceptions: (calendar?.calendar.exceptions ?? []).sorted { $0.date < $1.date }.map {
                .init(date: $0.date.description, kind: l.t("exceptionKind.\($0.kind.rawValue)"), name: $0.name)
            }, year: holidays.year ?? "\(thisYear)", holidaysCSV: holidays.csv,
            download: calendar.map { "/api/v1/sla/calendars/\($0.id)/holidays.csv" }, errors: errors,
            holidayErrors: holidays.errors)
    }
}
