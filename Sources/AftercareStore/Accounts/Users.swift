import AftercareDomain
import Foundation
import SQLKit

/// R-14.2: a person who signs in: staff of one organisation unit, or a customer's contact.
/// The password is never part of a view or the audit trail; it is set through `Accounts`.
public enum UserRecord: RecordKind {
    public struct Input: Codable, Sendable, Equatable {
        public var username: String
        public var email: String?
        public var displayName: String
        public var roles: [Role]
        public var orgUnitId: Int
        /// The customer a customer account belongs to (required with the `customer` role, refused without it).
        public var customerId: Int?
        public var locale: Language?

        public init(
            username: String, email: String? = nil, displayName: String, roles: [Role], orgUnitId: Int,
            customerId: Int? = nil, locale: Language? = nil
        ) {
            self.username = username
            self.email = email
            self.displayName = displayName
            self.roles = roles
            self.orgUnitId = orgUnitId
            self.customerId = customerId
            self.locale = locale
        }
    }

    public struct Fields: Codable, Sendable {
        var username: String
        var email: String?
        var displayName: String
        var roles: String
        var orgUnitId: Int
        var customerId: Int?
        var locale: String?
    }

    public struct Row: Codable, Sendable {
        var username: String
        var email: String?
        var displayName: String
        var roles: String
        var orgUnitId: Int
        var customerId: Int?
        var locale: String?
        var disabledAt: Date?
    }

    public struct View: Codable, Sendable, Equatable, Identifiable {
        public var id: Int
        public var username: String
        public var email: String?
        public var displayName: String
        public var roles: [Role]
        public var orgUnitId: Int
        public var customerId: Int?
        public var locale: Language?
        public var disabledAt: Date?
        public var version: Int
        public var createdAt: Date
        public var updatedAt: Date
        public var archivedAt: Date?
    }

    public static let table = "users"
    public static let entity = "user"

    public static func select(on db: any SQLDatabase) -> SQLSelectBuilder {
        db.select().columns(
            [
                "id", "version", "created_at", "updated_at", "archived_at", "username", "email", "display_name",
                "roles",
                "org_unit_id", "customer_id", "locale", "disabled_at",
            ].map { SQLColumn($0, table: table) }
        ).from(table)
    }

    public static func validate(_ input: Input, id: Int?, on db: any SQLDatabase) async throws -> Fields {
        var v = Validator()
        let username = input.username.trimmed.lowercased()
        v.text("username", username, required: true, max: 64)
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-@")
        if !username.isEmpty, username.count < 3 || !username.allSatisfy({ allowed.contains($0) }) {
            v.add("username", .invalidFormat(expected: "3 to 64 of a-z, 0-9, '.', '_', '-', '@'"))
        }
        let email = input.email?.trimmed.lowercased()
        v.text("email", email, max: Limits.name)
        if let email, !email.isEmpty, !CustomerRecord.looksLikeEmail(email) {
            v.add("email", .invalidFormat(expected: "an email address"))
        }
        v.text("displayName", input.displayName, required: true, max: Limits.name)
        if let conflict = RoleConflict.check(Set(input.roles)) { v.add("roles", conflict.problem) }
        v.reference("orgUnitId", try await Checks.reference(OrgUnitRecord.table, input.orgUnitId, on: db))
        if input.roles.contains(.customer) {
            if let customerId = input.customerId {
                v.reference("customerId", try await Checks.reference(CustomerRecord.table, customerId, on: db))
            } else {
                v.add("customerId", .required)
            }
        } else if input.customerId != nil {
            v.add("customerId", .invalidValue(allowed: ["null unless the account has the customer role"]))
        }
        if v.error.fields["username"] == nil,
            try await Checks.taken(table, [("username", username)], except: id, on: db)
        {
            v.add("username", .duplicate)
        }
        if let email, !email.isEmpty, v.error.fields["email"] == nil,
            try await Checks.taken(table, [("email", email)], except: id, on: db)
        {
            v.add("email", .duplicate)
        }
        try v.finish()
        return Fields(
            username: username, email: email?.isEmpty == false ? email : nil, displayName: input.displayName.trimmed,
            roles: CommaSet.encode(input.roles), orgUnitId: input.orgUnitId, customerId: input.customerId,
            locale: input.locale?.rawValue)
    }

    public static func view(_ row: Row, meta: RecordMeta) throws -> View {
        View(
            id: meta.id, username: row.username, email: row.email, displayName: row.displayName,
            roles: CommaSet.decode(row.roles), orgUnitId: row.orgUnitId, customerId: row.customerId,
            locale: row.locale.flatMap(Language.init), disabledAt: row.disabledAt, version: meta.version,
            createdAt: meta.createdAt, updatedAt: meta.updatedAt, archivedAt: meta.archivedAt)
    }

    public static func input(from view: View) -> Input {
        Input(
            username: view.username, email: view.email, displayName: view.displayName, roles: view.roles,
            orgUnitId: view.orgUnitId, customerId: view.customerId, locale: view.locale)
    }
}
