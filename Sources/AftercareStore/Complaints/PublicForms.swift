import AftercareDomain
import Foundation
import SQLKit

/// Too many submissions of the public forms from one address: refused until `until`.
public struct PublicFormLimited: Error, Equatable, Sendable {
    public var until: Date
}

/// the forms anyone may post without an account (a complaint, a suggestion, a survey answer) are
/// rate-limited per address, in the database so that every server counts the same submissions. Each submission
/// counts (`LoginThrottle.publicForm`); a locked address is refused before anything is written.
public enum PublicForms {
    public static func admit(address: String, at now: Date, in store: Store) async throws {
        let key = "public:" + String(address.prefix(100))
        let rule = LoginThrottle.publicForm
        try await store.write { db in
            try await db.raw(
                """
                INSERT INTO login_throttle (key, failures, first_failure_at, locked_until) VALUES \
                (\(bind: key), 0, \(bind: now), NULL) ON CONFLICT (key) DO NOTHING
                """
            ).run()
            var query = db.select().columns("failures", "first_failure_at", "locked_until").from("login_throttle")
                .where("key", .equal, key)
            if db.dialect.name != "sqlite" { query = query.for(.update) }
            guard let row = try await query.first() else { return }
            let old = LoginThrottle.State(
                failures: try row.decode(column: "failures", as: Int.self),
                firstFailureAt: try row.decode(column: "first_failure_at", as: Date.self),
                lockedUntil: try row.decode(column: "locked_until", as: Date?.self))
            if old.isLocked(at: now), let until = old.lockedUntil { throw PublicFormLimited(until: until) }
            let state = rule.failed(old.failures == 0 ? nil : old, at: now)
            try await db.update("login_throttle").set("failures", to: state.failures)
                .set("first_failure_at", to: state.firstFailureAt).set("locked_until", to: SQLBind(state.lockedUntil))
                .where("key", .equal, key).run()
        }
    }
}
