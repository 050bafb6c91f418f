import Foundation
import SQLKit

/// Post/redirect/get for a form that failed: the page that shows the refusal (with what was typed) is kept for a
/// few minutes under a one-time token, the browser is sent to the page's own address, and that address shows the
/// kept page once. A reload then asks for the page afresh instead of posting the form again.
public struct FormReturns: Sendable {
    /// How long a kept page waits for its browser.
    public static let lifetime: TimeInterval = 600

    public let store: Store

    public init(_ store: Store) {
        self.store = store
    }

    /// Keeps `body` (shown with `status`) for `userId` at `path`; returns the token the browser brings back.
    /// Pages kept longer than `lifetime` ago by anyone are removed on the way.
    public func keep(userId: Int, path: String, status: Int, body: String) async throws -> String {
        let secret = Secret.make()
        let now = store.now
        try await store.sql.delete(from: "form_returns")
            .where("created_at", .lessThan, now.addingTimeInterval(-Self.lifetime)).run()
        try await store.sql.insert(into: "form_returns")
            .columns("token_digest", "user_id", "path", "status", "body", "created_at")
            .values(
                SQLBind(secret.digest), SQLBind(userId), SQLBind(path), SQLBind(status), SQLBind(body), SQLBind(now)
            ).run()
        return secret.text
    }

    /// The page kept under `token` for `userId` at `path`, once: it is removed as it is read. `nil` for an unknown,
    /// used or expired token, or one of another user or page (which stays for its own page).
    public func take(token: String, userId: Int, path: String) async throws -> (status: Int, body: String)? {
        let digest = Secret.digest(token)
        let row = try await store.sql.select().columns("status", "body", "created_at").from("form_returns")
            .where("token_digest", .equal, digest).where("user_id", .equal, userId).where("path", .equal, path)
            .first()
        guard let row else { return nil }
        try await store.sql.delete(from: "form_returns").where("token_digest", .equal, digest).run()
        guard try row.decode(column: "created_at", as: Date.self) > store.now.addingTimeInterval(-Self.lifetime)
        else { return nil }
        return (try row.decode(column: "status", as: Int.self), try row.decode(column: "body", as: String.self))
    }
}
