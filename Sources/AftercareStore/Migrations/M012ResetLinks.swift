import FluentKit
import SQLKit

/// a reset link can be revoked (a newer link, a new password, a disabled account) as well as used.
struct M012RevocableResetLinks: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("password_resets").field("revoked_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("password_resets").deleteField("revoked_at").update()
    }
}
