import AftercareDomain
import Foundation
import SQLKit

/// An `Idempotency-Key` sent with a create: the key, the route it was sent to, and a fingerprint of the body.
public struct IdempotencyKey: Sendable, Equatable {
    public var key: String
    public var scope: String
    public var fingerprint: String

    public init(key: String, scope: String, fingerprint: String) {
        self.key = key
        self.scope = scope
        self.fingerprint = fingerprint
    }

    var stored: String { scope + " " + key }
}

/// The same key was sent before with a different body: the API answers 422 and writes nothing.
public struct IdempotencyKeyReused: Error, Equatable, Sendable {
    public var key: String
}

/// A repeated create returns the first result, even when both arrive at once.
///
/// The key is claimed first thing in the create's transaction. A concurrent twin blocks on that row
/// (PostgreSQL) or waits at the writer gate (SQLite), then fails to claim it, rolls back whatever it wrote,
/// and returns the record the first one created.
enum Idempotency {
    static func run<T: Sendable>(
        key: IdempotencyKey?, store: Store, id: @escaping @Sendable (T) -> Int,
        replay: @escaping @Sendable (Int, any SQLDatabase) async throws -> T,
        body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        guard let key else { return try await store.write(body) }
        if let earlier = try await find(key, on: store.sql) { return try await replay(earlier, store.sql) }
        let now = store.now
        do {
            return try await store.write { db in
                try await db.insert(into: "idempotency_keys")
                    .columns("key", "request_hash", "status", "body", "created_at")
                    .values(SQLBind(key.stored), SQLBind(key.fingerprint), SQLBind(0), SQLBind(""), SQLBind(now))
                    .run()
                let result = try await body(db)
                try await db.update("idempotency_keys").set("status", to: 201).set("body", to: "\(id(result))")
                    .where("key", .equal, key.stored).run()
                return result
            }
        } catch {
            guard let earlier = try await find(key, on: store.sql) else { throw error }
            return try await replay(earlier, store.sql)
        }
    }

    /// The id created under this key, if any; a different body under the same key is refused.
    static func find(_ key: IdempotencyKey, on db: any SQLDatabase) async throws -> Int? {
        guard
            let row = try await db.select().column("request_hash").column("body").from("idempotency_keys")
                .where("key", .equal, key.stored).first()
        else { return nil }
        guard try row.decode(column: "request_hash", as: String.self) == key.fingerprint else {
            throw IdempotencyKeyReused(key: key.key)
        }
        return Int(try row.decode(column: "body", as: String.self))
    }
}
