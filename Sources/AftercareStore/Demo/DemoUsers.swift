import AftercareDomain
import Foundation
import SQLKit

/// The demo's people: one login per role, staff at headquarters and at the East China branch, and two customer
/// accounts of two different customers of that branch (in their first contact's name). All share one well-known
/// password.
public enum DemoUsers {
    public static let password = "aftercare-demo"

    public struct Login: Sendable, Equatable {
        public var username: String
        public var role: Role
        public var unitCode: String
    }

    public static let staff: [Login] = [
        Login(username: "admin", role: .administrator, unitCode: "HQ"),
        Login(username: "manager", role: .serviceManager, unitCode: "HQ"),
        Login(username: "agent", role: .hotlineAgent, unitCode: "BR-EC"),
        Login(username: "dispatcher", role: .dispatcher, unitCode: "BR-EC"),
        Login(username: "engineer", role: .fieldEngineer, unitCode: "OU-SZ"),
        Login(username: "engineer.hz", role: .fieldEngineer, unitCode: "OU-HZ"),
        Login(username: "engineer.sh", role: .fieldEngineer, unitCode: "BR-EC"),
        Login(username: "engineer.nj", role: .fieldEngineer, unitCode: "AG-NJ"),
        Login(username: "support", role: .technicalSupport, unitCode: "HQ"),
        Login(username: "warehouse", role: .warehouseKeeper, unitCode: "BR-EC"),
        Login(username: "inspector", role: .qualityInspector, unitCode: "HQ"),
        Login(username: "complaints", role: .complaintHandler, unitCode: "HQ"),
        Login(username: "supervisor", role: .complaintSupervisor, unitCode: "HQ"),
        Login(username: "accounts", role: .accountManager, unitCode: "BR-EC"),
        Login(username: "finance", role: .accountant, unitCode: "BR-EC"),
        Login(username: "agent.south", role: .hotlineAgent, unitCode: "BR-SC"),
    ]

    /// The people behind the staff logins, named as they would be in their own unit.
    static let displayNames: [String: String] = [
        "admin": "刘晓东", "manager": "彭志刚", "agent": "沈佳怡", "dispatcher": "陆文杰", "engineer": "王建国",
        "engineer.hz": "陈志明", "engineer.sh": "徐浩然", "engineer.nj": "孙国庆", "support": "李娜",
        "warehouse": "钱海涛", "inspector": "谭丽华", "complaints": "曾慧敏", "supervisor": "韩立群", "accounts": "蒋晓雯",
        "finance": "周雅琴",
        "agent.south": "梁嘉欣",
    ]

    /// Creates the demo logins that are missing; returns every demo login with its role (customers last).
    @discardableResult
    public static func load(into store: Store, hasher: any PasswordHasher) async throws -> [Login] {
        let accounts = Accounts(store, hasher: hasher)
        let units = try await store.sql.select().columns("id", "code").from("org_units").all()
        var unitIds: [String: Int] = [:]
        for row in units {
            unitIds[try row.decode(column: "code", as: String.self)] = try row.decode(column: "id", as: Int.self)
        }
        guard let branch = unitIds["BR-EC"] else { return [] }
        // Two customers of the branch who own units: the portal's demo accounts.
        let customers = try await store.sql.select().columns("id", "org_unit_id", "contacts").from("customers")
            .where(
                "org_unit_id", .in,
                SQLSubquery.select { $0.column("id").from("org_units").where("path", .like, "%/\(branch)/%") }
            )
            .where(SQLColumn("id"), .in, SQLSubquery.select { $0.column("customer_id").from("units") })
            .orderBy("id").limit(2).all()
        var people: [(login: Login, unit: Int?, customer: Int?, name: String)] = staff.map {
            ($0, unitIds[$0.unitCode], nil, displayNames[$0.username] ?? $0.username)
        }
        for (i, row) in customers.enumerated() {
            // A customer account belongs to the customer's first contact.
            let contacts = try JSONText.decode(
                [Contact].self, from: try row.decode(column: "contacts", as: String.self))
            people.append(
                (
                    Login(username: "customer\(i + 1)", role: .customer, unitCode: "BR-EC"),
                    try row.decode(column: "org_unit_id", as: Int.self), try row.decode(column: "id", as: Int.self),
                    contacts.first?.name ?? "Customer contact \(i + 1)"
                ))
        }
        for person in people {
            guard let unit = person.unit,
                try await store.sql.select().column("id").from("users")
                    .where("username", .equal, person.login.username).first() == nil
            else { continue }
            _ = try await accounts.create(
                UserRecord.Input(
                    username: person.login.username, email: "\(person.login.username)@demo.aftercare.local",
                    displayName: person.name, roles: [person.login.role], orgUnitId: unit, customerId: person.customer),
                password: password, by: .system)
        }
        return people.map(\.login)
    }
}
