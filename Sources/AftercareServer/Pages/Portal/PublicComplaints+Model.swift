import AftercareDomain
import AftercareStore
import Foundation

extension PublicComplaintPages {
    // MARK: The public complaint form: its models, without a principal and without our records

    /// The form as typed. `unit` is the branch of a printed link (`/complain?unit=…`), never shown.
    struct PublicForm: Equatable {
        var name = ""
        var phone = ""
        var email = ""
        var about = ""
        var wish: ComplaintWish?
        var words = ""
        var wants = ""
        var unit: Int?
    }

    struct FormModel: Encodable {
        var name: String
        var phone: String
        var email: String
        var about: String
        var wishOptions: [SelectOption]
        var words: String
        var wants: String
        /// The branch of a printed link, carried along in a hidden field.
        var unit: String?
        /// The signed time the form was given out (`issued`).
        var issued: String
        var errors: [FieldMessage]
    }

    /// the public complaint form in the reader's language, with what was typed and the problems found.
    static func formModel(_ form: PublicForm, issued: String, _ l: Localizer, errors: [FieldMessage] = []) -> FormModel
    {
        FormModel(
            name: form.name, phone: form.phone, email: form.email, about: form.about,
            wishOptions: [SelectOption(value: "", label: l.t("portalComplaints.choose"), selected: form.wish == nil)]
                + SelectOption.of(ComplaintWish.self, prefix: "complaint.wish", selected: form.wish, l),
            words: form.words, wants: form.wants, unit: form.unit.map { String($0) }, issued: issued, errors: errors)
    }

    /// The branch id of a printed link or the hidden field: a positive whole number, else nothing (ignored).
    static func unit(_ text: String?) -> Int? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), let id = Int(text), id > 0 else { return nil }
        return id
    }

    struct ThanksModel: Encodable {
        /// The complaint's number, when the address carries one in the right form; nothing else of our records.
        var number: String?
    }

    /// The thanks page shows the number only when it has the form of a complaint number (`CMP-YYYY-NNNNNN`).
    static func thanksModel(number text: String?) -> ThanksModel {
        ThanksModel(number: text.flatMap { ComplaintNumber($0) }?.description)
    }
}
