import AftercareDomain
import AftercareStore
import Foundation

extension PublicSuggestionPages {
    // MARK: The public suggestion form: its models, without a principal and without our records

    /// The form as typed. `unit` is the unit of a QR code (`/suggest?unit=…`), carried in a hidden field.
    struct PublicForm: Equatable {
        var name = ""
        var phone = ""
        var email = ""
        var topic = ""
        var text = ""
        var unit: Int?
    }

    struct FormModel: Encodable {
        var name: String
        var phone: String
        var email: String
        var topic: String
        var text: String
        /// "Your suggestion goes to 华东分公司", for the unit of a QR code.
        var unitLine: String?
        /// The unit of a QR code, carried along in a hidden field.
        var unit: String?
        /// The signed time the form was given out (`issued`).
        var issued: String
        var errors: [FieldMessage]
    }

    /// The form as posted.
    static func typed(_ form: FormReader) -> PublicForm {
        PublicForm(
            name: form.string("name") ?? "", phone: form.string("phone") ?? "", email: form.string("email") ?? "",
            topic: form.string("topic") ?? "", text: form.string("text") ?? "", unit: unit(form.string("unit")))
    }

    /// The form's own address (with its unit), where a refusal is shown.
    static func here(_ form: PublicForm) -> String {
        PageLink.make("/suggest", [("unit", form.unit.map { String($0) })])
    }

    /// the public suggestion form in the reader's language, with what was typed and the problems found.
    static func formModel(
        _ form: PublicForm, unitName: String?, issued: String, _ l: Localizer, errors: [FieldMessage] = []
    ) -> FormModel {
        FormModel(
            name: form.name, phone: form.phone, email: form.email, topic: form.topic, text: form.text,
            unitLine: unitName.map { l.t("publicSuggestion.unitLine").replacingOccurrences(of: "{unit}", with: $0) },
            unit: form.unit.map { String($0) }, issued: issued, errors: errors)
    }

    /// The unit id of a QR code or the hidden field: a positive whole number, else nothing (ignored).
    static func unit(_ text: String?) -> Int? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), let id = Int(text), id > 0 else { return nil }
        return id
    }

    struct ThanksModel: Encodable {
        /// The suggestion's number, when the address carries one in the right form; nothing else of our records.
        var number: String?
    }

    /// The thanks page shows the number only when it has the form of a suggestion number (`SUG-YYYY-NNNNNN`).
    static func thanksModel(number text: String?) -> ThanksModel {
        ThanksModel(number: text.flatMap { SuggestionNumber($0) }?.description)
    }
}
