import AftercareDomain
import Foundation
import SQLKit

/// A person to call at a customer (R-1.1).
public struct Contact: Codable, Sendable, Equatable {
    public var name: String
    public var phones: [String]
    public var email: String?
    public var role: String?
    /// The language mail to this contact is written in; the deployment's default when not set.
    public var language: Language?

    public init(
        name: String, phones: [String] = [], email: String? = nil, role: String? = nil, language: Language? = nil
    ) {
        self.name = name
        self.phones = phones
        self.email = email
        self.role = role
        self.language = language
    }
}

/// A customer address; coordinates place it on the dispatch map (R-1.1).
public struct Address: Codable, Sendable, Equatable {
    public var label: String?
    public var text: String
    public var latitude: Double?
    public var longitude: Double?

    public init(label: String? = nil, text: String, latitude: Double? = nil, longitude: Double? = nil) {
        self.label = label
        self.text = text
        self.latitude = latitude
        self.longitude = longitude
    }
}

/// R-1.1: a customer with contacts, addresses, tier and owning unit.
public enum CustomerRecord: RecordKind {
    public struct Input: Codable, Sendable, Equatable {
        public var orgUnitId: Int
        public var name: String
        public var kind: CustomerKind
        public var tier: CustomerTier
        public var contacts: [Contact]?
        public var addresses: [Address]?
        public var notes: String?

        public init(
            orgUnitId: Int, name: String, kind: CustomerKind = .company, tier: CustomerTier = .regular,
            contacts: [Contact]? = nil, addresses: [Address]? = nil, notes: String? = nil
        ) {
            self.orgUnitId = orgUnitId
            self.name = name
            self.kind = kind
            self.tier = tier
            self.contacts = contacts
            self.addresses = addresses
            self.notes = notes
        }
    }

    public struct Fields: Codable, Sendable {
        var orgUnitId: Int
        var name: String
        var kind: String
        var tier: String
        var contacts: String
        var addresses: String
        var notes: String?
        /// Not a column: the phone digits for the lookup table.
        var phoneDigits: [String]
        /// Not a column: the contacts' e-mail addresses for the lookup table.
        var emailAddresses: [String] = []

        enum CodingKeys: String, CodingKey {
            case orgUnitId, name, kind, tier, contacts, addresses, notes
        }

        init(
            orgUnitId: Int, name: String, kind: String, tier: String, contacts: String, addresses: String,
            notes: String?, phoneDigits: [String], emailAddresses: [String] = []
        ) {
            self.orgUnitId = orgUnitId
            self.name = name
            self.kind = kind
            self.tier = tier
            self.contacts = contacts
            self.addresses = addresses
            self.notes = notes
            self.phoneDigits = phoneDigits
            self.emailAddresses = emailAddresses
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                orgUnitId: try c.decode(Int.self, forKey: .orgUnitId), name: try c.decode(String.self, forKey: .name),
                kind: try c.decode(String.self, forKey: .kind), tier: try c.decode(String.self, forKey: .tier),
                contacts: try c.decode(String.self, forKey: .contacts),
                addresses: try c.decode(String.self, forKey: .addresses),
                notes: try c.decodeIfPresent(String.self, forKey: .notes), phoneDigits: [])
        }
    }

    public typealias Row = Fields

    public struct View: Codable, Sendable, Equatable, Identifiable {
        public var id: Int
        public var orgUnitId: Int
        public var name: String
        public var kind: CustomerKind
        public var tier: CustomerTier
        public var contacts: [Contact]
        public var addresses: [Address]
        public var notes: String?
        public var version: Int
        public var createdAt: Date
        public var updatedAt: Date
        public var archivedAt: Date?
    }

    public static let table = "customers"
    public static let entity = "customer"

    public static func validate(_ input: Input, id: Int?, on db: any SQLDatabase) async throws -> Fields {
        var v = Validator()
        v.text("name", input.name, required: true, max: Limits.name)
        v.text("notes", input.notes, max: Limits.longText)
        v.reference("orgUnitId", try await Checks.reference(OrgUnitRecord.table, input.orgUnitId, on: db))
        let contacts = input.contacts ?? []
        let addresses = input.addresses ?? []
        if contacts.count > Limits.contactsPerCustomer {
            v.add("contacts", .outOfRange(min: 0, max: Limits.contactsPerCustomer))
        }
        if addresses.count > Limits.addressesPerCustomer {
            v.add("addresses", .outOfRange(min: 0, max: Limits.addressesPerCustomer))
        }
        for (i, contact) in contacts.enumerated() {
            v.text("contacts[\(i)].name", contact.name, required: true, max: Limits.shortText)
            v.text("contacts[\(i)].role", contact.role, max: Limits.shortText)
            v.text("contacts[\(i)].email", contact.email, max: Limits.email)
            if let email = contact.email, !email.isEmpty, !Self.looksLikeEmail(email) {
                v.add("contacts[\(i)].email", .invalidFormat(expected: "an email address"))
            }
            if contact.phones.count > Limits.phonesPerContact {
                v.add("contacts[\(i)].phones", .outOfRange(min: 0, max: Limits.phonesPerContact))
            }
            for (j, phone) in contact.phones.enumerated() where !PhoneNumber.isValid(phone) {
                v.add("contacts[\(i)].phones[\(j)]", .invalidFormat(expected: "a phone number of 3 to 20 digits"))
            }
        }
        for (i, address) in addresses.enumerated() {
            v.text("addresses[\(i)].text", address.text, required: true, max: Limits.shortText * 2)
            v.text("addresses[\(i)].label", address.label, max: Limits.shortText)
            Checks.coordinates("addresses[\(i)]", address.latitude, address.longitude, into: &v)
        }
        try v.finish()
        let digits = Set(contacts.flatMap(\.phones).map(PhoneNumber.digits))
        return Fields(
            orgUnitId: input.orgUnitId, name: input.name.trimmed, kind: input.kind.rawValue,
            tier: input.tier.rawValue, contacts: try JSONText.encode(contacts),
            addresses: try JSONText.encode(addresses),
            notes: input.notes, phoneDigits: digits.sorted(), emailAddresses: Self.emailAddresses(contacts))
    }

    /// The contacts' e-mail addresses as the lookup table keeps them: trimmed, lower-cased, each once.
    public static func emailAddresses(_ contacts: [Contact]) -> [String] {
        Array(
            Set(
                contacts.compactMap { $0.email?.trimmed.lowercased() }.filter { !$0.isEmpty && looksLikeEmail($0) }
            )
        ).sorted()
    }

    public static func looksLikeEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !text.contains(" ")
    }

    /// The phone and e-mail lookup tables are rebuilt with the record, in the same transaction.
    public static func afterWrite(id: Int, fields: Fields, on db: any SQLDatabase) async throws {
        try await db.delete(from: "customer_phones").where("customer_id", .equal, id).run()
        try await db.delete(from: "customer_emails").where("customer_id", .equal, id).run()
        if !fields.phoneDigits.isEmpty {
            var insert = db.insert(into: "customer_phones").columns("customer_id", "digits")
            for digits in fields.phoneDigits { insert = insert.values(SQLBind(id), SQLBind(digits)) }
            try await insert.run()
        }
        if !fields.emailAddresses.isEmpty {
            var insert = db.insert(into: "customer_emails").columns("customer_id", "address")
            for address in fields.emailAddresses { insert = insert.values(SQLBind(id), SQLBind(address)) }
            try await insert.run()
        }
    }

    public static func view(_ row: Row, meta: RecordMeta) throws -> View {
        View(
            id: meta.id, orgUnitId: row.orgUnitId, name: row.name,
            kind: try CustomerKind.stored(row.kind, column: "customers.kind"),
            tier: try CustomerTier.stored(row.tier, column: "customers.tier"),
            contacts: try JSONText.decode([Contact].self, from: row.contacts),
            addresses: try JSONText.decode([Address].self, from: row.addresses), notes: row.notes,
            version: meta.version, createdAt: meta.createdAt, updatedAt: meta.updatedAt, archivedAt: meta.archivedAt)
    }

    public static func input(from view: View) -> Input {
        Input(
            orgUnitId: view.orgUnitId, name: view.name, kind: view.kind, tier: view.tier, contacts: view.contacts,
            addresses: view.addresses, notes: view.notes)
    }
}
