import AftercareDomain
import AftercareStore
import Foundation

extension AdminPages {
    // MARK: Users: their models, from store views alone

    struct ListModel: Encodable {
        struct Row: Encodable {
            var id: Int
            var username: String
            var displayName: String
            var roles: String
            var disabled: Bool
        }

        var rows: [Row]
        var next: String?
    }

    /// one page of the users the administrator may manage, each with their roles in the reader's
    /// language.
    static func listModel(_ page: Page<UserRecord.View>, principal: Principal, _ l: Localizer) -> ListModel {
        ListModel(
            rows: page.items.map {
                .init(
                    id: $0.id, username: $0.username, displayName: $0.displayName,
                    roles: $0.roles.map { l.t("role.\($0.rawValue)") }.joined(separator: ", "),
                    disabled: $0.disabledAt != nil)
            }, next: page.nextCursor.map { "/admin/users?cursor=\($0)" })
    }

    struct FormModel: Encodable {
        var id: Int?
        var version: Int?
        var username: String
        var displayName: String
        var email: String
        var customerId: String
        var roleOptions: [SelectOption]
        var unitOptions: [SelectOption]
        var localeOptions: [SelectOption]
        var disabled: Bool
        var resetLink: String?
        var errors: [FieldMessage]
    }

    /// the user form in the reader's language: the user as typed (or as stored; nil for a new one), the
    /// units they may belong to, a reset link issued just now, and what a failed save held.
    static func formModel(
        units: [OrgUnitRecord.View], principal: Principal, _ l: Localizer, user: UserRecord.Input?, id: Int? = nil,
        version: Int? = nil, disabled: Bool = false, resetLink: String? = nil, errors: [FieldMessage] = []
    ) -> FormModel {
        let roles = Set(user?.roles ?? [])
        return FormModel(
            id: id, version: version, username: user?.username ?? "", displayName: user?.displayName ?? "",
            email: user?.email ?? "", customerId: user?.customerId.map(String.init) ?? "",
            roleOptions: Role.allCases.map {
                SelectOption(value: $0.rawValue, label: l.t("role.\($0.rawValue)"), selected: roles.contains($0))
            },
            unitOptions: units.map {
                SelectOption(value: "\($0.id)", label: "\($0.code) · \($0.name)", selected: $0.id == user?.orgUnitId)
            },
            localeOptions: Language.allCases.map {
                SelectOption(value: $0.rawValue, label: l.t("language.\($0.rawValue)"), selected: $0 == user?.locale)
            }, disabled: disabled, resetLink: resetLink, errors: errors)
    }
}
