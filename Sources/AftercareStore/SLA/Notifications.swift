import AftercareDomain
import Foundation
import SQLKit

/// What a notification in the in-app inbox is about.
public enum NotificationKind: String, CodedEnum {
    /// a target passed its warning share.
    case slaWarning
    /// a target was breached (the first escalation level).
    case slaBreached
    /// a breached target passed a further escalation level.
    case slaEscalated
    /// a follow-up call is due.
    case followUpDue
    /// the recipient's own account was locked after wrong passwords (sign-in or current password).
    case accountLocked
    /// a loaner unit is still out past its day.
    case loanerOverdue
}

/// One notification as its recipient sees it.
public struct NotificationView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var kind: NotificationKind
    public var requestId: Int?
    public var requestNumber: String?
    public var followUpId: Int?
    public var target: SLATarget?
    /// The checkpoint: 0 the warning, 1 the breach, 2… the further escalation levels.
    public var level: Int
    public var createdAt: Date
    public var readAt: Date?
}

/// A notification about to be written; the dedupe key makes writing it twice a no-op.
struct NewNotification {
    var userId: Int
    var kind: NotificationKind
    var requestId: Int?
    var followUpId: Int?
    var target: SLATarget?
    var level: Int
    var dedupeKey: String

    static func insert(_ items: [NewNotification], at now: Date, on db: any SQLDatabase) async throws -> Int {
        var written = 0
        for chunk in stride(from: 0, to: items.count, by: 200) {
            var insert = db.insert(into: "notifications")
                .columns("user_id", "kind", "request_id", "follow_up_id", "target", "level", "dedupe_key", "created_at")
            for item in items[chunk..<min(items.count, chunk + 200)] {
                insert = insert.values(
                    SQLBind(item.userId), SQLBind(item.kind.rawValue), SQLBind(item.requestId),
                    SQLBind(item.followUpId),
                    SQLBind(item.target?.rawValue), SQLBind(item.level), SQLBind(item.dedupeKey), SQLBind(now))
            }
            written += try await insert.ignoringConflicts(with: ["dedupe_key"]).returning("id").all().count
        }
        return written
    }
}

/// who is told: active users holding a role at the nearest unit of a request's path that has such users,
/// or at headquarters (the root of the path).
struct Recipients {
    struct Person {
        var id: Int
        var unit: Int
        var roles: Set<Role>
    }

    var people: [Person]

    /// The active staff of `units`.
    static func load(units: Set<Int>, on db: any SQLDatabase) async throws -> Recipients {
        guard !units.isEmpty else { return Recipients(people: []) }
        let rows = try await db.select().column("id").column("org_unit_id").column("roles").from("users")
            .where("org_unit_id", .in, Array(units)).where("archived_at", .is, SQLLiteral.null)
            .where("disabled_at", .is, SQLLiteral.null).all()
        return Recipients(
            people: try rows.map { row in
                Person(
                    id: try row.decode(column: "id", as: Int.self),
                    unit: try row.decode(column: "org_unit_id", as: Int.self),
                    roles: Set(CommaSet.decode(try row.decode(column: "roles", as: String.self))))
            })
    }

    func users(for recipients: [Recipient], path: [Int]) -> [Int] {
        var result = Set<Int>()
        for recipient in recipients {
            let units: [Int] =
                switch recipient.reach {
                case .headquarters: Array(path.prefix(1))
                case .nearest: path.reversed()
                }
            for unit in units {
                let found = people.filter { $0.unit == unit && $0.roles.contains(recipient.role) }.map(\.id)
                if !found.isEmpty {
                    result.formUnion(found)
                    break
                }
            }
        }
        return result.sorted()
    }
}

/// The in-app inbox of one user.
public struct Inbox: Sendable {
    let store: Store
    let userId: Int

    public init(store: Store, userId: Int) {
        self.store = store
        self.userId = userId
    }

    /// Newest first, keyset-paged.
    public func list(unreadOnly: Bool, page: PageRequest) async throws -> Page<NotificationView> {
        var query = store.sql.select().column(SQLColumn(SQLLiteral.all, table: SQLIdentifier("n")))
            .column(SQLColumn("number", table: "sr"), as: "request_number")
            .from(SQLAlias(SQLIdentifier("notifications"), as: SQLIdentifier("n")))
            .join(
                SQLAlias(SQLIdentifier("service_requests"), as: SQLIdentifier("sr")), method: SQLJoinMethod.left,
                on: SQLColumn("request_id", table: "n"), .equal, SQLColumn("id", table: "sr")
            )
            .where(SQLColumn("user_id", table: "n"), .equal, SQLBind(userId))
        if unreadOnly { query = query.where(SQLColumn("read_at", table: "n"), .is, SQLLiteral.null) }
        if let after = page.afterId { query = query.where(SQLColumn("id", table: "n"), .lessThan, SQLBind(after)) }
        let rows = try await query.orderBy(
            SQLOrderBy(expression: SQLColumn("id", table: "n"), direction: SQLDirection.descending)
        ).limit(page.limit + 1).all()
        return try Page(rows: rows, limit: page.limit) { try $0.map(Self.view) }
    }

    static func view(_ row: any SQLRow) throws -> NotificationView {
        return NotificationView(
            id: try row.decode(column: "id", as: Int.self),
            kind: try row.decodeStored("kind", as: NotificationKind.self),
            requestId: try row.decode(column: "request_id", as: Int?.self),
            requestNumber: try row.decode(column: "request_number", as: String?.self),
            followUpId: try row.decode(column: "follow_up_id", as: Int?.self),
            target: try row.decode(column: "target", as: String?.self).flatMap(SLATarget.init),
            level: try row.decode(column: "level", as: Int.self),
            createdAt: try row.decode(column: "created_at", as: Date.self),
            readAt: try row.decode(column: "read_at", as: Date?.self))
    }

    /// Unread notifications, counted up to `cap`.
    public func unreadCount(cap: Int) async throws -> Int {
        let rows = try await store.sql.select().column("id").from("notifications").where("user_id", .equal, userId)
            .where("read_at", .is, SQLLiteral.null).limit(cap).all()
        return rows.count
    }

    /// Marks one of the user's notifications read; another user's answers not found.
    public func markRead(_ id: Int) async throws {
        let now = store.now
        let user = userId
        try await store.write { db in
            let updated = try await db.update("notifications").set("read_at", to: now).where("id", .equal, id)
                .where("user_id", .equal, user).where("read_at", .is, SQLLiteral.null).returning("id").all()
            if updated.isEmpty {
                let exists = try await db.select().column("id").from("notifications").where("id", .equal, id)
                    .where("user_id", .equal, user).first()
                if exists == nil { throw RecordNotFound(entity: "notification", id: id) }
            }
        }
    }

    /// Marks every unread notification read; returns how many.
    public func markAllRead() async throws -> Int {
        let now = store.now
        let user = userId
        return try await store.write { db in
            try await db.update("notifications").set("read_at", to: now).where("user_id", .equal, user)
                .where("read_at", .is, SQLLiteral.null).returning("id").all().count
        }
    }
}
