import AftercareDomain
import AftercareStore
import Foundation

/// What the customer-voice pages (visits, committee meetings, mystery shopping) read from their forms alike.
enum VoiceForms {
    /// A date field as YYYY-MM-DD; required unless `optional`.
    static func day(
        _ form: FormReader, _ name: String, optional: Bool = false, into v: inout AftercareDomain.Validator
    ) -> CalendarDate? {
        day(form.string(name), name, optional: optional, into: &v)
    }

    /// A typed date as YYYY-MM-DD, problems under `field`.
    static func day(
        _ text: String?, _ field: String, optional: Bool = false, into v: inout AftercareDomain.Validator
    ) -> CalendarDate? {
        guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
            if !optional { v.add(field, .required) }
            return nil
        }
        guard let day = CalendarDate(iso: text) else {
            v.add(field, .invalidFormat(expected: "YYYY-MM-DD"))
            return nil
        }
        return day
    }

    /// A required whole number from a select or a number field.
    static func number(_ form: FormReader, _ name: String, into v: inout AftercareDomain.Validator) -> Int? {
        if form.string(name) == nil {
            v.add(name, .required)
            return nil
        }
        return form.int(name, into: &v)
    }

    /// The path of an organisation unit as stored and as principals carry it (`/1/4/`).
    static func path(_ unit: OrgUnitRecord.View) -> String {
        "/" + unit.path.map { String($0) }.joined(separator: "/") + "/"
    }

    /// A day as the pages show it (the ISO form, the same in every language).
    static func text(_ day: CalendarDate) -> String { day.description }

    /// The month of a day, `YYYY-MM`.
    static func month(_ day: CalendarDate) -> String { String(format: "%04d-%02d", day.year, day.month) }
}
