import AftercareDomain
import Foundation
import SQLKit

/// The demo's people: one login per role, staff at headquarters and at the East China branch, and two customer
/// accounts of two different customers of that branch. All share one well-known password.
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
        Login(username: "support", role: .technicalSupport, unitCode: "HQ"),
        Login(username: "warehouse", role: .warehouseKeeper, unitCode: "BR-EC"),
        Login(username: "inspector", role: .qualityInspector, unitCode: "HQ"),
        Login(username: "complaints", role: .complaintHandler, unitCode: "HQ"),
        Login(username: "accounts", role: .accountManager, unitCode: "BR-EC"),
        Login(username: "agent.south", role: .hotlineAgent, unitCode: "BR-SC"),
    ]

    /// Creates the demo logins that are missing; returns every demo login with its role (customers last).
    @discardableResult
    public static func load(into store: Store, hasher: any PasswordHasher) async throws -> [Login] {
        let accounts = Accounts(store, hasher: hasher)
        var logins = staff
        let units = try await store.sql.select().columns("id", "code").from("org_units").all()
        var unitIds: [String: Int] = [:]
        for row in units {
            unitIds[try row.decode(column: "code", as: String.self)] = try row.decode(column: "id", as: Int.self)
        }
        guard let branch = unitIds["BR-EC"] else { return [] }
        let customers = try await store.sql.select().column("id").from("customers")
            .where(
                "org_unit_id", .in,
                SQLSubquery.select { $0.column("id").from("org_units").where("path", .like, "%/\(branch)/%") }
            )
            .where(SQLColumn("id"), .in, SQLSubquery.select { $0.column("customer_id").from("units") })
            .orderBy("id").limit(2).all().map { try $0.decode(column: "id", as: Int.self) }
        for (i, customer) in customers.enumerated() {
            logins.append(Login(username: "customer\(i + 1)", role: .customer, unitCode: "BR-EC"))
            _ = customer
        }
        for (i, login) in logins.enumerated() {
            let exists =
                try await store.sql.select().column("id").from("users").where("username", .equal, login.username)
                .first() != nil
            guard !exists, let unit = unitIds[login.unitCode] else { continue }
            let customerId = login.role == .customer ? customers[i - staff.count] : nil
            var orgUnit = unit
            if let customerId {
                orgUnit =
                    try await store.sql.select().column("org_unit_id").from("customers").where("id", .equal, customerId)
                    .first(decodingColumn: "org_unit_id", as: Int.self) ?? unit
            }
            let name = login.role == .customer ? "Customer contact \(i - staff.count + 1)" : login.username.capitalized
            _ = try await accounts.create(
                UserRecord.Input(
                    username: login.username, email: "\(login.username)@demo.aftercare.local", displayName: name,
                    roles: [login.role], orgUnitId: orgUnit, customerId: customerId),
                password: password, by: .system)
        }
        return logins
    }
}
