import AftercareDomain
import SQLKit

/// R-14.2: how each kind of record is narrowed to what a caller may see. An outlet sees its own work, a branch
/// its outlets' work, headquarters everything; a customer only their own records.
enum ScopeSQL {
    /// The ids of the organisation units under `path` (itself included), as a subquery.
    static func unitsUnder(_ path: String) -> some SQLExpression {
        SQLSubquery.select { $0.column("id").from("org_units").where("path", .like, path + "%") }
    }

    /// The ids of the customers of the units under `path`, as a subquery.
    static func customersUnder(_ path: String) -> some SQLExpression {
        SQLSubquery.select {
            $0.column("id").from("customers").where("org_unit_id", .in, unitsUnder(path))
        }
    }

    /// The condition on a raw query's organisation-unit column (`f.org_unit_id`): its subtree; customers see none.
    static func orgUnitCondition(_ column: String, _ scope: Scope) -> SQLQueryString? {
        switch scope {
        case .everything: nil
        case .orgSubtree(_, let path):
            "\(unsafeRaw: column) IN (SELECT id FROM org_units WHERE path LIKE \(bind: path + "%"))"
        case .customer: "1 = 0"
        }
    }

    /// The condition on a raw query's record that carries its own organisation unit and customer (`d.org_unit_id`,
    /// `d.customer_id`): the unit's subtree, or the customer's own.
    static func ownedCondition(orgUnit: String, customer: String, _ scope: Scope) -> SQLQueryString? {
        switch scope {
        case .everything: nil
        case .orgSubtree(_, let path):
            "\(unsafeRaw: orgUnit) IN (SELECT id FROM org_units WHERE path LIKE \(bind: path + "%"))"
        case .customer(let id): "\(unsafeRaw: customer) = \(bind: id)"
        }
    }

    /// Nothing at all: for kinds a scope has no business with.
    static let nothing = SQLBinaryExpression(SQLLiteral.numeric("1"), .equal, SQLLiteral.numeric("0"))

    /// A condition over a query's `customer_id`-like and `org_unit_id`-like columns.
    static func condition(
        _ scope: Scope, orgUnit: (String) -> (any SQLExpression)?, customer: (Int) -> (any SQLExpression)?
    ) -> (any SQLExpression)? {
        switch scope {
        case .everything: nil
        case .orgSubtree(_, let path): orgUnit(path) ?? nothing
        case .customer(let id): customer(id) ?? nothing
        }
    }
}

extension SQLSelectBuilder {
    /// Adds `condition` when there is one.
    func `where`(optional condition: (any SQLExpression)?) -> Self {
        guard let condition else { return self }
        return self.where(condition)
    }
}

extension OrgUnitRecord {
    public static func restrict(_ query: SQLSelectBuilder, to scope: Scope) -> SQLSelectBuilder {
        query.where(
            optional: ScopeSQL.condition(
                scope, orgUnit: { SQLBinaryExpression(column("path"), .like, SQLBind($0 + "%")) },
                customer: { _ in nil }))
    }
    public static var scopeField: String { "parentId" }
}

extension CustomerRecord {
    public static func restrict(_ query: SQLSelectBuilder, to scope: Scope) -> SQLSelectBuilder {
        query.where(
            optional: ScopeSQL.condition(
                scope, orgUnit: { SQLBinaryExpression(column("org_unit_id"), .in, ScopeSQL.unitsUnder($0)) },
                customer: { SQLBinaryExpression(column("id"), .equal, SQLBind($0)) }))
    }
    public static var scopeField: String { "orgUnitId" }
}

/// Records that belong to a customer (projects, units) are seen with their customer.
protocol OwnedByCustomer: RecordKind {}

extension OwnedByCustomer {
    public static func restrict(_ query: SQLSelectBuilder, to scope: Scope) -> SQLSelectBuilder {
        query.where(
            optional: ScopeSQL.condition(
                scope, orgUnit: { SQLBinaryExpression(column("customer_id"), .in, ScopeSQL.customersUnder($0)) },
                customer: { SQLBinaryExpression(column("customer_id"), .equal, SQLBind($0)) }))
    }
    public static var scopeField: String { "customerId" }
}

extension ProjectRecord: OwnedByCustomer {}
extension UnitRecord: OwnedByCustomer {}

/// Records that belong to an organisation unit (users, calendars, webhooks) are seen within the unit's subtree;
/// customers see none.
protocol OwnedByOrgUnit: RecordKind {}

extension OwnedByOrgUnit {
    public static func restrict(_ query: SQLSelectBuilder, to scope: Scope) -> SQLSelectBuilder {
        query.where(
            optional: ScopeSQL.condition(
                scope, orgUnit: { SQLBinaryExpression(column("org_unit_id"), .in, ScopeSQL.unitsUnder($0)) },
                customer: { _ in nil }))
    }
    public static var scopeField: String { "orgUnitId" }
}

extension UserRecord: OwnedByOrgUnit {}
extension CalendarRecord: OwnedByOrgUnit {}
extension WebhookRecord: OwnedByOrgUnit {}

/// Sets of coded values stored as `,a,b,`, so that one value can be found with `LIKE '%,a,%'` (roles, events).
enum CommaSet {
    static func encode<T: CodedEnum>(_ values: some Sequence<T>) -> String {
        "," + Set(values).map(\.rawValue).sorted().joined(separator: ",") + ","
    }

    /// The known values of `text`, in stored order; unknown names are skipped.
    static func decode<T: CodedEnum>(_ text: String) -> [T] {
        text.split(separator: ",").compactMap { T(rawValue: String($0)) }
    }
}
