import AftercareDomain
import AftercareStore
import Foundation

extension DeskPages {
    // MARK: The customer list and the customer form (R-1.1): their models, from store views alone

    struct CustomerListModel: Encodable {
        struct Row: Encodable {
            var id: Int
            var name: String
            var tier: String
            var tierCode: String
            var kind: String
            var branch: String
            var contact: String?
            var phone: String?
            var address: String?
        }

        var rows: [Row]
        var next: String?
        var q: String
        var tierOptions: [SelectOption]
        var kindOptions: [SelectOption]
        var branchOptions: [SelectOption]
        /// The CSV of the whole archive; nil for those who may not export it.
        var exportLink: String?
        var canCreate: Bool
        var error: String?
    }

    /// The customer list's filters as read from the query; `invalid` names the parameters that could not be read.
    struct CustomerListQuery {
        var q = ""
        var tier: CustomerTier?
        var kind: CustomerKind?
        var orgUnitId: Int?
        var invalid: [String]?

        /// The filter of the store: a phone number finds its customers by any contact's phone, anything else
        /// matches names.
        var filter: RecordFilter<CustomerRecord> {
            let text = q.trimmingCharacters(in: .whitespaces)
            let digits = PhoneNumber.digits(text)
            let byPhone = digits.count >= 3 && PhoneNumber.isValid(text)
            return .customers(
                tier: tier, kind: kind, name: byPhone ? nil : text.nilIfEmpty, orgUnitId: orgUnitId,
                phoneDigits: byPhone ? digits : nil)
        }

        /// The list's address with these filters and `cursor`.
        func link(cursor: String? = nil) -> String {
            PageLink.make(
                "/customers",
                [
                    ("q", q.nilIfEmpty), ("tier", tier?.rawValue), ("kind", kind?.rawValue),
                    ("orgUnitId", orgUnitId.map { "\($0)" }), ("cursor", cursor),
                ])
        }
    }

    /// What the customer list shows, as read from the store for the caller.
    struct CustomerListData {
        var page: Page<CustomerRecord.View>
        /// The organisation units the caller sees.
        var branches: [OrgUnitRecord.View]
    }

    /// R-1.1: the customer list for `principal` in the reader's language: the filters, one page of customers with
    /// their tier, owning unit and first contact, the export and the new-customer button for those allowed.
    static func customerListModel(
        _ data: CustomerListData, query: CustomerListQuery, principal: Principal, _ l: Localizer
    ) -> CustomerListModel {
        let names = Dictionary(
            data.branches.map { ($0.id, "\($0.code) · \($0.name)") }, uniquingKeysWith: { a, _ in a })
        return CustomerListModel(
            rows: data.page.items.map { customer in
                let contact = customer.contacts.first
                return .init(
                    id: customer.id, name: customer.name, tier: l.t("tier.\(customer.tier.rawValue)"),
                    tierCode: customer.tier.rawValue, kind: l.t("customerKind.\(customer.kind.rawValue)"),
                    branch: names[customer.orgUnitId] ?? "—", contact: contact?.name,
                    phone: contact?.phones.first, address: customer.addresses.first?.text)
            },
            next: data.page.nextCursor.map { query.link(cursor: $0) }, q: query.q,
            tierOptions: SelectOption.of(CustomerTier.self, prefix: "tier", selected: query.tier, l),
            kindOptions: SelectOption.of(CustomerKind.self, prefix: "customerKind", selected: query.kind, l),
            branchOptions: data.branches.map {
                SelectOption(value: "\($0.id)", label: "\($0.code) · \($0.name)", selected: $0.id == query.orgUnitId)
            },
            exportLink: principal.may(.exportArchive) ? "/api/v1/customers/export.csv" : nil,
            canCreate: principal.may(.manageCustomers), error: invalidFilters(query.invalid, l))
    }

    /// The filters a list could not read, in words; nil when all were read.
    static func invalidFilters(_ invalid: [String]?, _ l: Localizer) -> String? {
        guard let invalid else { return nil }
        let text = invalid.sorted().map {
            "\(l.catalogue.has("field.\($0)") ? l.t("field.\($0)") : $0): \(l.t("problem.invalid_format"))"
        }.joined(separator: "; ")
        return text.isEmpty ? l.t("problem.invalid_format") : text
    }

    // MARK: The customer form

    /// The customer form as typed: every field as text, contacts and addresses as rows.
    struct CustomerForm {
        struct ContactRow: Equatable {
            var name = ""
            var role = ""
            var phones = ""
            var email = ""
            /// The language mail to the contact is written in; blank for the desk's.
            var language = ""

            var isBlank: Bool { [name, role, phones, email].allSatisfy(\.isEmpty) }
        }

        struct AddressRow: Equatable {
            var label = ""
            var text = ""
            var latitude = ""
            var longitude = ""

            var isBlank: Bool { [label, text, latitude, longitude].allSatisfy(\.isEmpty) }
        }

        var name = ""
        var kind = CustomerKind.company
        var tier = CustomerTier.regular
        var orgUnitId: Int?
        var notes = ""
        var contacts: [ContactRow] = []
        var addresses: [AddressRow] = []
    }

    /// Blank rows the form offers beyond the filled ones.
    static let blankRows = 3

    static func customerForm(from customer: CustomerRecord.View) -> CustomerForm {
        func text(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
        return CustomerForm(
            name: customer.name, kind: customer.kind, tier: customer.tier, orgUnitId: customer.orgUnitId,
            notes: customer.notes ?? "",
            contacts: customer.contacts.map {
                .init(
                    name: $0.name, role: $0.role ?? "", phones: $0.phones.joined(separator: ", "),
                    email: $0.email ?? "", language: $0.language?.rawValue ?? "")
            },
            addresses: customer.addresses.map {
                .init(label: $0.label ?? "", text: $0.text, latitude: text($0.latitude), longitude: text($0.longitude))
            })
    }

    /// The languages a contact's mail may be written in, the desk's default first.
    static func languageOptions(_ selected: String, _ l: Localizer) -> [SelectOption] {
        [SelectOption(value: "", label: l.t("mail.languageDefault"), selected: selected.isEmpty)]
            + Language.allCases.map {
                SelectOption(value: $0.rawValue, label: $0.nativeName, selected: $0.rawValue == selected)
            }
    }

    /// The phones of a contact as typed in one box: separated by commas, semicolons or 、.
    static func phones(_ text: String) -> [String] {
        text.split(whereSeparator: { ",;，；、".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }

    /// The form's fields, row by row, named in the reader's language: "Contact 2 · Phones".
    static let customerLabels = FieldLabels.area("customers") { path, l in
        let parts = path.split(separator: ".", maxSplits: 1)
        guard let head = parts.first, let open = head.firstIndex(of: "["), let close = head.firstIndex(of: "]"),
            let index = Int(head[head.index(after: open)..<close])
        else { return nil }
        let row: String
        switch head[..<open] {
        case "contacts": row = l.t("customers.contactRow")
        case "addresses": row = l.t("customers.addressRow")
        default: return nil
        }
        let named = row.replacingOccurrences(of: "{n}", with: l.number(index + 1))
        guard parts.count > 1 else { return named }
        let field = String(parts[1].split(separator: "[").first ?? "")
        let key = "customers.field." + field
        return "\(named) · \(l.catalogue.has(key) ? l.t(key) : field)"
    }

    struct CustomerFormModel: Encodable {
        struct Contact: Encodable {
            var index: Int
            var name: String
            var role: String
            var phones: String
            var email: String
            var languages: [SelectOption]
        }

        struct Place: Encodable {
            var index: Int
            var label: String
            var text: String
            var latitude: String
            var longitude: String
        }

        var id: Int?
        var version: Int?
        var title: String
        var name: String
        var notes: String
        var kindOptions: [SelectOption]
        var tierOptions: [SelectOption]
        var unitOptions: [SelectOption]
        var contacts: [Contact]
        var addresses: [Place]
        var contactRows: Int
        var addressRows: Int
        var errors: [FieldMessage]
        /// Where "cancel" goes: the customer, or the list.
        var back: String
        /// A new customer's one-time key: a double click creates one customer, not two.
        var nonce: String?
    }

    /// What the customer form shows, as read from the store.
    struct CustomerFormData {
        /// The customer being edited; nil for a new one.
        var customer: CustomerRecord.View?
        /// The organisation units the caller may give the customer to.
        var units: [OrgUnitRecord.View]
    }

    /// R-1.1: the customer form in the reader's language: the form as typed, its filled rows and a few blank ones,
    /// and each problem named.
    static func customerFormModel(
        _ data: CustomerFormData, _ l: Localizer, form: CustomerForm, errors: [FieldMessage] = [],
        nonce: String? = nil
    ) -> CustomerFormModel {
        let contacts = form.contacts.filter { !$0.isBlank } + Array(repeating: .init(), count: blankRows)
        let addresses = form.addresses.filter { !$0.isBlank } + Array(repeating: .init(), count: blankRows)
        return CustomerFormModel(
            id: data.customer?.id, version: data.customer?.version,
            title: data.customer?.name ?? l.t("customers.new"), name: form.name, notes: form.notes,
            kindOptions: SelectOption.of(CustomerKind.self, prefix: "customerKind", selected: form.kind, l),
            tierOptions: SelectOption.of(CustomerTier.self, prefix: "tier", selected: form.tier, l),
            unitOptions: data.units.map {
                SelectOption(value: "\($0.id)", label: "\($0.code) · \($0.name)", selected: $0.id == form.orgUnitId)
            },
            contacts: contacts.enumerated().map {
                .init(
                    index: $0.offset, name: $0.element.name, role: $0.element.role, phones: $0.element.phones,
                    email: $0.element.email, languages: languageOptions($0.element.language, l))
            },
            addresses: addresses.enumerated().map {
                .init(
                    index: $0.offset, label: $0.element.label, text: $0.element.text,
                    latitude: $0.element.latitude, longitude: $0.element.longitude)
            }, contactRows: contacts.count, addressRows: addresses.count, errors: errors,
            back: data.customer.map { "/customers/\($0.id)" } ?? "/customers", nonce: nonce)
    }
}
