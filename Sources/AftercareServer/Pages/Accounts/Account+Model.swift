import AftercareDomain
import AftercareStore
import Foundation

extension AccountPages {
    // MARK: Account: its model, from the principal and their tokens alone

    struct AccountModel: Encodable {
        struct Token: Encodable {
            var id: Int
            var name: String
            var prefix: String
            var roles: String
            var created: String
            var expires: String?
            var lastUsed: String?
            var revoked: Bool
        }

        var username: String
        var displayName: String
        var roles: [String]
        var roleOptions: [SelectOption]
        var tokens: [Token]
        var newToken: String?
        var passwordChanged: Bool
        var errors: [FieldMessage]
    }

    /// the signed-in user's own account in the reader's language: their roles, their access tokens (the
    /// secret of a new one shown once), and what a failed form held.
    static func accountModel(
        _ tokens: [AccessTokenView], principal: Principal, _ l: Localizer, newToken: String? = nil,
        passwordChanged: Bool = false, errors: [FieldMessage] = []
    ) -> AccountModel {
        let roles = principal.roles.sorted { $0.rawValue < $1.rawValue }
        return AccountModel(
            username: principal.username, displayName: principal.displayName,
            roles: roles.map { l.t("role.\($0.rawValue)") },
            roleOptions: roles.map {
                SelectOption(value: $0.rawValue, label: l.t("role.\($0.rawValue)"), selected: true)
            },
            tokens: tokens.map {
                AccountModel.Token(
                    id: $0.id, name: $0.name, prefix: $0.prefix,
                    roles: $0.roles.map { l.t("role.\($0.rawValue)") }.joined(separator: ", "),
                    created: l.dateTime($0.createdAt), expires: $0.expiresAt.map(l.date),
                    lastUsed: $0.lastUsedAt.map(l.dateTime), revoked: $0.revokedAt != nil)
            }, newToken: newToken, passwordChanged: passwordChanged, errors: errors)
    }
}
