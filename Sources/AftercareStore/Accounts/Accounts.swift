import AftercareDomain
import Crypto
import Foundation
import SQLKit

/// Turns passwords into slow hashes and checks them (bcrypt, supplied by the server).
public protocol PasswordHasher: Sendable {
    func hash(_ password: String) async throws -> String
    func verify(_ password: String, against hash: String) async throws -> Bool
}

/// A random secret for a cookie, a token or a link, and the digest that is stored in its place.
public struct Secret: Sendable {
    public let text: String
    public var digest: String { Self.digest(text) }

    /// 32 random bytes, base64url, after `prefix`.
    public static func make(prefix: String = "") -> Secret {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let text = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return Secret(text: prefix + text)
    }

    /// SHA-256, hex: secrets are stored only as digests, so a copy of the database signs nobody in.
    public static func digest(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// Who is signed in, and through what: a session (with its CSRF token) or a personal access token.
public struct Principal: Sendable, Equatable {
    public var userId: Int
    public var username: String
    public var displayName: String
    public var roles: Set<Role>
    public var orgUnitId: Int
    public var orgUnitPath: String
    public var customerId: Int?
    public var locale: Language?
    public var sessionId: Int?
    public var csrfToken: String?
    public var tokenId: Int?

    public init(
        userId: Int, username: String, displayName: String, roles: Set<Role>, orgUnitId: Int, orgUnitPath: String,
        customerId: Int?, locale: Language?, sessionId: Int? = nil, csrfToken: String? = nil, tokenId: Int? = nil
    ) {
        self.userId = userId
        self.username = username
        self.displayName = displayName
        self.roles = roles
        self.orgUnitId = orgUnitId
        self.orgUnitPath = orgUnitPath
        self.customerId = customerId
        self.locale = locale
        self.sessionId = sessionId
        self.csrfToken = csrfToken
        self.tokenId = tokenId
    }

    /// headquarters (a root unit) sees everything; other staff their unit's subtree; a customer account
    /// only its customer's records.
    public var scope: Scope {
        if let customerId, roles.contains(.customer) { return .customer(id: customerId) }
        if orgUnitPath.split(separator: "/").count <= 1 { return .everything }
        return .orgSubtree(unitId: orgUnitId, path: orgUnitPath)
    }

    public func may(_ action: Action) -> Bool { Permissions.allows(roles, action) }

    /// whether this person may take a requisition step.
    public func may(requisition event: RequisitionEventKind) -> Bool { Permissions.allows(roles, requisition: event) }

    /// this person sees and works only their own requisitions.
    public var ownRequisitionsOnly: Bool { Permissions.ownRequisitionsOnly(roles) }

    /// The audit trail's name for this person.
    public var actor: Actor { Actor(name: username) }
}

/// The outcome of a sign-in attempt. Unknown users and wrong passwords give the same answer.
public enum SignInResult: Sendable, Equatable {
    case signedIn(Principal, sessionToken: String)
    case refused
    case locked(until: Date)
}

/// A personal access token as listed (the secret itself is shown once, at creation).
public struct AccessTokenView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var name: String
    public var prefix: String
    public var roles: [Role]
    public var createdAt: Date
    public var expiresAt: Date?
    public var lastUsedAt: Date?
    public var revokedAt: Date?
}

/// A one-time password reset link that is no longer (or never was) usable.
public struct ResetLinkInvalid: Error, Equatable, Sendable {
    public init() {}
}

/// The current password did not match.
public struct WrongPassword: Error, Equatable, Sendable {}

/// Too many wrong current passwords for this account or this session: the check is refused until `until`,
/// even for the right password, like a locked sign-in.
public struct PasswordCheckLocked: Error, Equatable, Sendable {
    public var until: Date
}

/// accounts, sessions, tokens and resets. Each change is one transaction with its audit entry.
public struct Accounts: Sendable {
    public let store: Store
    public let hasher: any PasswordHasher

    /// Absolute session length and idle timeout.
    public static let sessionLifetime: TimeInterval = 12 * 3600
    public static let sessionIdle: TimeInterval = 2 * 3600
    public static let resetLifetime: TimeInterval = 24 * 3600
    /// Compared against when the user is unknown, so that the answer takes as long as a wrong password.
    static let unknownUserPassword = "unknown-user-timing-equaliser"

    public init(_ store: Store, hasher: any PasswordHasher) {
        self.store = store
        self.hasher = hasher
    }

    // MARK: Users

    /// Creates a user, optionally with an initial password. A customer account may only name a customer the
    /// creator can see.
    public func create(_ input: UserRecord.Input, password: String?, by actor: Actor) async throws -> UserRecord.View {
        try await checkCustomer(input.customerId)
        var v = Validator()
        if let password, let problem = PasswordPolicy.problem(password) { v.add("password", problem) }
        try v.finish()
        let hash = try await password.asyncMap { try await hasher.hash($0) }
        let now = store.now
        let scope = store.scope
        // The user and their password in one transaction: never an account that cannot sign in.
        return try await store.write { db in
            let view = try await Records<UserRecord>.insert(input, by: actor, at: now, within: scope, on: db)
            if let hash {
                try await db.update("users").set("password_hash", to: hash).where("id", .equal, view.id).run()
            }
            return view
        }
    }

    /// Edits a user; a change of roles or unit takes effect on the user's next request.
    public func update(
        _ id: Int, expectedVersion: Int, by actor: Actor,
        change: @escaping @Sendable (UserRecord.Input) throws -> UserRecord.Input
    ) async throws -> UserRecord.View {
        let current = try await Records<UserRecord>(store).get(id)
        let changed = try change(UserRecord.input(from: current))
        if current.username == actor.name, current.roles.contains(.administrator),
            !changed.roles.contains(.administrator)
        {
            throw Self.notYourself("roles")
        }
        try await checkCustomer(changed.customerId)
        return try await Records<UserRecord>(store).update(id, expectedVersion: expectedVersion, by: actor) { _ in
            changed
        }
    }

    /// Archives a user; nobody archives their own account.
    public func archive(_ id: Int, by actor: Actor) async throws -> UserRecord.View {
        if try await Records<UserRecord>(store).get(id).username == actor.name { throw Self.notYourself("id") }
        return try await Records<UserRecord>(store).archive(id, by: actor)
    }

    /// An administrator cannot lock themselves out: not disable, archive or demote their own account.
    static func notYourself(_ field: String) -> ValidationError {
        ValidationError([field: .invalidValue(allowed: ["not your own account's administration"])])
    }

    func checkCustomer(_ customerId: Int?) async throws {
        guard let customerId else { return }
        if try await Records<CustomerRecord>.load(customerId, within: store.scope, on: store.sql) == nil {
            throw ValidationError(["customerId": .notFound])
        }
    }

    /// Disables or enables an account. Disabling ends its sessions and tokens at once.
    public func setDisabled(_ id: Int, _ disabled: Bool, by actor: Actor) async throws -> UserRecord.View {
        let now = store.now
        let scope = store.scope
        return try await store.write { db in
            guard let before = try await Records<UserRecord>.load(id, within: scope, on: db) else {
                throw RecordNotFound(entity: UserRecord.entity, id: id)
            }
            guard before.archivedAt == nil else { throw RecordArchived(entity: UserRecord.entity, id: id) }
            if disabled, before.username == actor.name { throw Self.notYourself("id") }
            try await db.update("users").set("disabled_at", to: disabled ? SQLBind(now) : SQLBind(Date?.none))
                .set("version", to: before.version + 1).set("updated_at", to: now).where("id", .equal, id).run()
            if disabled { try await Self.revokeAll(userId: id, at: now, on: db) }
            let after = try await Records<UserRecord>.reload(id, within: scope, on: db)
            try await AuditLog.append(
                on: db, entity: UserRecord.entity, id: id, action: disabled ? .disable : .enable, actor: actor, at: now,
                before: before, after: after)
            return after
        }
    }

    /// Sets a new password and ends every session and token of the user.
    public func setPassword(_ id: Int, to password: String, by actor: Actor) async throws {
        if let problem = PasswordPolicy.problem(password) { throw ValidationError(["password": problem]) }
        let hash = try await hasher.hash(password)
        let now = store.now
        let scope = store.scope
        try await store.write { db in
            guard try await Records<UserRecord>.load(id, within: scope, on: db) != nil else {
                throw RecordNotFound(entity: UserRecord.entity, id: id)
            }
            try await Self.storePassword(hash, userId: id, by: actor, at: now, on: db)
        }
    }

    static func storePassword(_ hash: String, userId id: Int, by actor: Actor, at now: Date, on db: any SQLDatabase)
        async throws
    {
        try await db.update("users").set("password_hash", to: hash).set("updated_at", to: now)
            .where("id", .equal, id).run()
        try await revokeAll(userId: id, at: now, on: db)
        try await AuditLog.append(
            on: db, entity: UserRecord.entity, id: id, action: .passwordChange, actor: actor, at: now,
            before: String?.none, after: String?.none)
    }

    /// A signed-in user changes their own password after giving the current one; every session ends, and a new
    /// one is returned for the browser that asked.
    ///
    /// A wrong current password counts like a failed sign-in, against the account and against this session (or
    /// token), and locks the same way; so a stolen session cannot guess its way to the account.
    public func changeOwnPassword(_ principal: Principal, current: String, new: String) async throws -> String {
        if let problem = PasswordPolicy.problem(new) { throw ValidationError(["newPassword": problem]) }
        let now = store.now
        let checks: [(key: String, rule: LoginThrottle)] = [
            (Self.accountKey(userId: principal.userId), .account),
            (principal.tokenId.map { "token:\($0)" } ?? "session:\(principal.sessionId ?? 0)", .account),
        ]
        let states: [LoginThrottle.State]
        switch try await countAttempt(checks, userId: principal.userId, at: now) {
        case .locked(let until): throw PasswordCheckLocked(until: until)
        case .counted(let counted): states = counted
        }
        let stored = try await store.sql.select().column("password_hash").from("users")
            .where("id", .equal, principal.userId).first()?.decode(column: "password_hash", as: String?.self)
        guard let stored, try await hasher.verify(current, against: stored) else {
            if let until = states.compactMap(\.lockedUntil).max(), until > now {
                throw PasswordCheckLocked(until: until)
            }
            throw WrongPassword()
        }
        let hash = try await hasher.hash(new)
        return try await store.write { db in
            try await Self.release(checks, on: db)
            try await Self.storePassword(hash, userId: principal.userId, by: principal.actor, at: now, on: db)
            return try await Self.openSession(userId: principal.userId, at: now, on: db)
        }
    }

    static func revokeAll(userId: Int, at now: Date, on db: any SQLDatabase) async throws {
        try await db.update("sessions").set("revoked_at", to: now).where("user_id", .equal, userId)
            .where("revoked_at", .is, SQLLiteral.null).run()
        try await db.update("api_tokens").set("revoked_at", to: now).where("user_id", .equal, userId)
            .where("revoked_at", .is, SQLLiteral.null).run()
        try await revokeResets(userId: userId, at: now, on: db)
    }

    /// Ends every reset link of the user that is still open: a new password (by any path), a disabled account or
    /// a newer link makes older links worthless.
    static func revokeResets(userId: Int, at now: Date, on db: any SQLDatabase) async throws {
        try await db.update("password_resets").set("revoked_at", to: now).where("user_id", .equal, userId)
            .where("used_at", .is, SQLLiteral.null).where("revoked_at", .is, SQLLiteral.null).run()
    }

    // MARK: Password reset links

    /// An administrator issues a one-time link for a user; the secret is returned once and stored as a digest.
    /// A user has at most one live link: issuing one revokes the ones before it.
    public func issueReset(for id: Int, by actor: Actor) async throws -> String {
        let secret = Secret.make()
        let now = store.now
        let scope = store.scope
        try await store.write { db in
            guard try await Records<UserRecord>.load(id, within: scope, on: db) != nil else {
                throw RecordNotFound(entity: UserRecord.entity, id: id)
            }
            try await Self.revokeResets(userId: id, at: now, on: db)
            try await db.insert(into: "password_resets")
                .columns("token_hash", "user_id", "created_by", "created_at", "expires_at")
                .values(
                    SQLBind(secret.digest), SQLBind(id), SQLBind(actor.name), SQLBind(now),
                    SQLBind(now.addingTimeInterval(Self.resetLifetime))
                ).run()
            try await AuditLog.append(
                on: db, entity: UserRecord.entity, id: id, action: .passwordResetIssued, actor: actor, at: now,
                before: String?.none, after: String?.none)
        }
        return secret.text
    }

    /// The user a reset link is for, when it is still usable: not used, revoked or expired, and its account
    /// neither disabled nor archived.
    public func resetTarget(_ token: String) async throws -> UserRecord.View? {
        guard
            let row = try await store.sql.select().column("user_id").from("password_resets")
                .where(Self.liveReset(token, at: store.now)).first()
        else { return nil }
        return try await Records<UserRecord>.load(
            row.decode(column: "user_id", as: Int.self), within: .everything, on: store.sql)
    }

    /// Uses a reset link once: the second use, an expired, revoked or unknown link, or a link of a disabled
    /// account is refused.
    public func consumeReset(_ token: String, newPassword: String) async throws {
        if let problem = PasswordPolicy.problem(newPassword) { throw ValidationError(["newPassword": problem]) }
        let hash = try await hasher.hash(newPassword)
        let now = store.now
        try await store.write { db in
            guard
                let userId = try await db.update("password_resets").set("used_at", to: now)
                    .where(Self.liveReset(token, at: now)).returning("user_id")
                    .first(decodingColumn: "user_id", as: Int.self)
            else { throw ResetLinkInvalid() }
            let user = try await Records<UserRecord>.load(userId, within: .everything, on: db)!
            try await Self.storePassword(hash, userId: userId, by: Actor(name: user.username), at: now, on: db)
        }
    }

    /// The one condition for a reset link that may still be used.
    static func liveReset(_ token: String, at now: Date) -> SQLQueryString {
        """
        token_hash = \(bind: Secret.digest(token)) AND used_at IS NULL AND revoked_at IS NULL \
        AND expires_at > \(bind: now) AND user_id IN \
        (SELECT id FROM users WHERE disabled_at IS NULL AND archived_at IS NULL)
        """
    }

    // MARK: Signing in

    /// Checks a username or email and password, with lockout per account and per address. Unknown users cost a
    /// bcrypt comparison too and count against the name and the address like anyone else.
    ///
    /// The address lock stops one place from trying many accounts. Behind a shared address (a reverse proxy
    /// without `AFTERCARE_TRUSTED_PROXIES`, an office NAT) it would also shut out everyone else there, so it does
    /// not apply to a browser the account has already signed in from: the server passes that account's id as
    /// `knownDevice` when the browser shows a device cookie it signed (OWASP's "device cookies"). Guessing from
    /// such a browser still counts against the account, which locks whatever the device.
    public func signIn(login: String, password: String, address: String, knownDevice: Int? = nil) async throws
        -> SignInResult
    {
        let name = login.trimmed.lowercased()
        let now = store.now
        let row = try await store.sql.select().column("id").column("password_hash").column("disabled_at")
            .column("archived_at").from("users")
            .where(SQLBinaryExpression(SQLColumn("username"), .equal, SQLBind(name)))
            .orWhere(SQLBinaryExpression(SQLColumn("email"), .equal, SQLBind(name))).first()
        let userId = try row?.decode(column: "id", as: Int.self)
        // One counter per account, whether its name or its email is typed; unknown names count by name.
        let checks: [(key: String, rule: LoginThrottle)] = [
            (userId.map { Self.accountKey(userId: $0) } ?? "account:" + name, .account),
            ("address:" + address, .address),
        ]
        let trustedDevice = userId != nil && knownDevice == userId
        let counted = trustedDevice ? [checks[0]] : checks
        let states: [LoginThrottle.State]
        switch try await countAttempt(counted, userId: userId, at: now) {
        case .locked(let until): return .locked(until: until)
        case .counted(let after): states = after
        }
        let hash = try row?.decode(column: "password_hash", as: String?.self)
        let usable = try row.map { try $0.decodeNil(column: "disabled_at") && $0.decodeNil(column: "archived_at") }
        let compared: String
        if let hash { compared = hash } else { compared = try await Self.timingHash(hasher) }
        let matches = try await hasher.verify(password, against: compared)
        guard let userId, hash != nil, matches, usable == true else {
            if let until = states.compactMap(\.lockedUntil).max(), until > now { return .locked(until: until) }
            return .refused
        }
        let token = try await store.write { db in
            try await Self.release(counted, on: db)
            return try await Self.openSession(userId: userId, at: now, on: db)
        }
        guard let principal = try await principal(sessionToken: token) else { return .refused }
        return .signedIn(principal, sessionToken: token)
    }

    /// The throttle key of an account, shared by sign-in and the current-password check.
    static func accountKey(userId: Int) -> String { "user:\(userId)" }

    /// A hash to compare against when there is no user, made once per hasher cost.
    static func timingHash(_ hasher: any PasswordHasher) async throws -> String {
        if let cached = await TimingHashCache.shared.value { return cached }
        let hash = try await hasher.hash(unknownUserPassword)
        await TimingHashCache.shared.set(hash)
        return hash
    }

    /// What counting an attempt found.
    enum Attempt {
        /// A key was locked already: the attempt is refused without comparing the password, and not counted.
        case locked(until: Date)
        /// Counted against every key (the states after it); the password may now be compared.
        case counted([LoginThrottle.State])
    }

    /// Counts an attempt against each key *before* the password is compared, in one transaction: parallel guesses
    /// cannot all pass a check that none of them has failed yet, so at most `limit` comparisons run per key before
    /// its lock. A right password gives the attempt back (`release`). When the account's own key becomes locked,
    /// its owner finds a notice in the inbox (once per lock).
    func countAttempt(_ checks: [(key: String, rule: LoginThrottle)], userId: Int?, at now: Date) async throws
        -> Attempt
    {
        try await store.write { db in
            var olds: [LoginThrottle.State?] = []
            for (key, _) in checks {
                // The row exists before it is read for update, so two first attempts cannot both read nothing.
                try await db.raw(
                    """
                    INSERT INTO login_throttle (key, failures, first_failure_at, locked_until) VALUES \
                    (\(bind: key), 0, \(bind: now), NULL) ON CONFLICT (key) DO NOTHING
                    """
                ).run()
                var query = db.select().columns("failures", "first_failure_at", "locked_until")
                    .from("login_throttle").where("key", .equal, key)
                if db.dialect.name != "sqlite" { query = query.for(.update) }
                let old = try await query.first().map {
                    LoginThrottle.State(
                        failures: try $0.decode(column: "failures", as: Int.self),
                        firstFailureAt: try $0.decode(column: "first_failure_at", as: Date.self),
                        lockedUntil: try $0.decode(column: "locked_until", as: Date?.self))
                }
                if let until = old?.lockedUntil, until > now { return .locked(until: until) }
                olds.append(old?.failures == 0 ? nil : old)
            }
            var states: [LoginThrottle.State] = []
            for ((key, rule), old) in zip(checks, olds) {
                let state = rule.failed(old, at: now)
                try await db.update("login_throttle").set("failures", to: state.failures)
                    .set("first_failure_at", to: state.firstFailureAt).set(
                        "locked_until", to: SQLBind(state.lockedUntil)
                    )
                    .where("key", .equal, key).run()
                if let userId, key == Self.accountKey(userId: userId), let until = state.lockedUntil,
                    state.isLocked(at: now)
                {
                    _ = try await NewNotification.insert(
                        [
                            NewNotification(
                                userId: userId, kind: .accountLocked, level: state.failures,
                                dedupeKey: "account-locked:\(userId):\(Int(until.timeIntervalSince1970))")
                        ], at: now, on: db)
                }
                states.append(state)
            }
            return .counted(states)
        }
    }

    /// Gives back the attempt a right password made: the account's and the session's counts start again; an
    /// address keeps its other failures but not this one (nor a lock that only this one caused).
    static func release(_ checks: [(key: String, rule: LoginThrottle)], on db: any SQLDatabase) async throws {
        for (key, rule) in checks {
            if rule == .address {
                try await db.raw(
                    """
                    UPDATE login_throttle SET failures = failures - 1, locked_until = CASE WHEN failures - 1 < \
                    \(bind: rule.limit) THEN NULL ELSE locked_until END WHERE key = \(bind: key) AND failures > 0
                    """
                ).run()
            } else {
                try await db.delete(from: "login_throttle").where("key", .equal, key).run()
            }
        }
    }

    static func openSession(userId: Int, at now: Date, on db: any SQLDatabase) async throws -> String {
        let secret = Secret.make()
        try await db.insert(into: "sessions")
            .columns("token_hash", "user_id", "csrf_token", "created_at", "last_seen_at", "expires_at")
            .values(
                SQLBind(secret.digest), SQLBind(userId), SQLBind(Secret.make().text), SQLBind(now), SQLBind(now),
                SQLBind(now.addingTimeInterval(sessionLifetime))
            ).run()
        return secret.text
    }

    /// Ends a session (sign out).
    public func signOut(sessionToken: String) async throws {
        let now = store.now
        try await store.write { db in
            try await db.update("sessions").set("revoked_at", to: now)
                .where("token_hash", .equal, Secret.digest(sessionToken)).run()
        }
    }

    static let principalColumns = """
        u.id AS user_id, u.username, u.display_name, u.roles, u.org_unit_id, u.customer_id, u.locale, o.path
        """

    /// The person behind a session cookie, when the session is live and the account usable. One indexed query;
    /// the last-seen time is written at most once a minute.
    public func principal(sessionToken: String) async throws -> Principal? {
        let now = store.now
        let query: SQLQueryString = """
            SELECT \(unsafeRaw: Self.principalColumns), s.id AS session_id, s.csrf_token, s.last_seen_at \
            FROM sessions s JOIN users u ON u.id = s.user_id JOIN org_units o ON o.id = u.org_unit_id \
            WHERE s.token_hash = \(bind: Secret.digest(sessionToken)) AND s.revoked_at IS NULL \
            AND s.expires_at > \(bind: now) AND s.last_seen_at > \(bind: now.addingTimeInterval(-Self.sessionIdle)) \
            AND u.disabled_at IS NULL AND u.archived_at IS NULL
            """
        guard let row = try await store.sql.raw(query).first() else { return nil }
        var principal = try Self.principal(row)
        principal.sessionId = try row.decode(column: "session_id", as: Int.self)
        principal.csrfToken = try row.decode(column: "csrf_token", as: String.self)
        let lastSeen = try row.decode(column: "last_seen_at", as: Date.self)
        if now.timeIntervalSince(lastSeen) > 60, let id = principal.sessionId {
            try await store.write { db in
                try await db.update("sessions").set("last_seen_at", to: now).where("id", .equal, id).run()
            }
        }
        return principal
    }

    /// The person behind a personal access token, with the token's roles (never more than the user's own).
    public func principal(accessToken: String) async throws -> Principal? {
        let now = store.now
        let query: SQLQueryString = """
            SELECT \(unsafeRaw: Self.principalColumns), t.id AS token_id, t.roles AS token_roles, t.last_used_at \
            FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN org_units o ON o.id = u.org_unit_id \
            WHERE t.token_hash = \(bind: Secret.digest(accessToken)) AND t.revoked_at IS NULL \
            AND (t.expires_at IS NULL OR t.expires_at > \(bind: now)) \
            AND u.disabled_at IS NULL AND u.archived_at IS NULL
            """
        guard let row = try await store.sql.raw(query).first() else { return nil }
        var principal = try Self.principal(row)
        let tokenRoles = Set<Role>(CommaSet.decode(try row.decode(column: "token_roles", as: String.self)))
        principal.roles.formIntersection(tokenRoles)
        principal.tokenId = try row.decode(column: "token_id", as: Int.self)
        let lastUsed = try row.decode(column: "last_used_at", as: Date?.self)
        if lastUsed.map({ now.timeIntervalSince($0) > 60 }) ?? true, let id = principal.tokenId {
            try await store.write { db in
                try await db.update("api_tokens").set("last_used_at", to: now).where("id", .equal, id).run()
            }
        }
        return principal
    }

    /// An active user by name, as a principal with all their roles (the CLI issues tokens for it).
    public func principal(username: String) async throws -> Principal? {
        let query: SQLQueryString = """
            SELECT \(unsafeRaw: Self.principalColumns) FROM users u JOIN org_units o ON o.id = u.org_unit_id \
            WHERE u.username = \(bind: username.trimmed.lowercased()) AND u.disabled_at IS NULL AND u.archived_at IS NULL
            """
        return try await store.sql.raw(query).first().map(Self.principal)
    }

    /// A principal from a row of `principalColumns` (sessions, tokens and the CLI read the same columns).
    static func principal(_ row: any SQLRow) throws -> Principal {
        Principal(
            userId: try row.decode(column: "user_id", as: Int.self),
            username: try row.decode(column: "username", as: String.self),
            displayName: try row.decode(column: "display_name", as: String.self),
            roles: Set<Role>(CommaSet.decode(try row.decode(column: "roles", as: String.self))),
            orgUnitId: try row.decode(column: "org_unit_id", as: Int.self),
            orgUnitPath: try row.decode(column: "path", as: String.self),
            customerId: try row.decode(column: "customer_id", as: Int?.self),
            locale: try row.decode(column: "locale", as: String?.self).flatMap(Language.init))
    }

    // MARK: Personal access tokens

    /// Issues a token for the signed-in user, with some or all of their roles. The secret is returned once.
    public func createToken(
        for principal: Principal, name: String, roles: [Role]?, expiresInDays: Int?
    ) async throws -> (secret: String, token: AccessTokenView) {
        var v = Validator()
        v.text("name", name, required: true, max: Limits.shortText)
        let chosen = Set(roles ?? Array(principal.roles))
        if chosen.isEmpty { v.add("roles", .required) }
        if !chosen.isSubset(of: principal.roles) {
            v.add("roles", .invalidValue(allowed: principal.roles.map(\.rawValue).sorted()))
        }
        v.range("expiresInDays", expiresInDays, 1...366)
        try v.finish()
        let secret = Secret.make(prefix: "act_")
        let now = store.now
        let expires = expiresInDays.map { now.addingTimeInterval(Double($0) * 86400) }
        let id = try await store.write { db in
            let id = try await db.insert(into: "api_tokens")
                .columns("token_hash", "user_id", "name", "prefix", "roles", "created_at", "expires_at")
                .values(
                    SQLBind(secret.digest), SQLBind(principal.userId), SQLBind(name.trimmed),
                    SQLBind(String(secret.text.prefix(10))), SQLBind(CommaSet.encode(chosen)), SQLBind(now),
                    SQLBind(expires)
                ).returning("id").first(decodingColumn: "id", as: Int.self)!
            try await AuditLog.append(
                on: db, entity: UserRecord.entity, id: principal.userId, action: .tokenCreate, actor: principal.actor,
                at: now, before: String?.none, after: ["token": name.trimmed])
            return id
        }
        let token = try await tokens(of: principal.userId).first { $0.id == id }!
        return (secret.text, token)
    }

    /// The user's tokens, newest first (secrets are never shown again).
    public func tokens(of userId: Int) async throws -> [AccessTokenView] {
        let rows = try await store.sql.select().columns(
            "id", "name", "prefix", "roles", "created_at", "expires_at", "last_used_at", "revoked_at"
        ).from("api_tokens").where("user_id", .equal, userId).orderBy("id", .descending).limit(200).all()
        return try rows.map {
            AccessTokenView(
                id: try $0.decode(column: "id", as: Int.self), name: try $0.decode(column: "name", as: String.self),
                prefix: try $0.decode(column: "prefix", as: String.self),
                roles: CommaSet.decode(try $0.decode(column: "roles", as: String.self)),
                createdAt: try $0.decode(column: "created_at", as: Date.self),
                expiresAt: try $0.decode(column: "expires_at", as: Date?.self),
                lastUsedAt: try $0.decode(column: "last_used_at", as: Date?.self),
                revokedAt: try $0.decode(column: "revoked_at", as: Date?.self))
        }
    }

    /// Revokes one of the user's own tokens; another user's token is not found.
    public func revokeToken(_ id: Int, of principal: Principal) async throws {
        let now = store.now
        try await store.write { db in
            let revoked = try await db.update("api_tokens").set("revoked_at", to: now).where("id", .equal, id)
                .where("user_id", .equal, principal.userId).where("revoked_at", .is, SQLLiteral.null)
                .returning("id").all()
            guard !revoked.isEmpty else { throw RecordNotFound(entity: "token", id: id) }
            try await AuditLog.append(
                on: db, entity: UserRecord.entity, id: principal.userId, action: .tokenRevoke, actor: principal.actor,
                at: now, before: ["token": id], after: String?.none)
        }
    }

    /// The user's preferred language.
    public func setLocale(_ principal: Principal, _ language: Language) async throws {
        try await store.write { db in
            try await db.update("users").set("locale", to: language.rawValue).where("id", .equal, principal.userId)
                .run()
        }
    }
}

/// The unknown-user comparison hash, computed on first use.
actor TimingHashCache {
    static let shared = TimingHashCache()
    var value: String?
    func set(_ hash: String) { value = hash }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
