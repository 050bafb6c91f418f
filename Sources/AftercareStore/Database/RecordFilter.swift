import AftercareDomain
import Foundation
import SQLKit

/// What a list of records is narrowed to. Each list's filter is built here, in the store, from typed values, so
/// that no caller writes SQL; `Records.list` applies it together with the caller's scope.
public struct RecordFilter<Kind: RecordKind>: Sendable {
    let apply: @Sendable (SQLSelectBuilder, any SQLDatabase) async throws -> SQLSelectBuilder

    init(_ apply: @escaping @Sendable (SQLSelectBuilder, any SQLDatabase) async throws -> SQLSelectBuilder) {
        self.apply = apply
    }

    /// Every record in scope.
    public static var all: Self { Self { query, _ in query } }

    /// Records whose `column` equals each given value (nil values are left out).
    static func equal(_ pairs: [(column: String, value: (any Encodable & Sendable)?)]) -> Self {
        let given = pairs.compactMap { pair in pair.value.map { (pair.column, $0) } }
        return Self { query, _ in
            var query = query
            for (column, value) in given { query = query.where(Kind.column(column), .equal, SQLBind(value)) }
            return query
        }
    }
}

// MARK: Customers and the installed base

extension RecordFilter where Kind == OrgUnitRecord {
    /// Units of a kind, under a parent, with a name containing `name`.
    public static func orgUnits(kind: OrgUnitKind? = nil, parentId: Int? = nil, name: String? = nil) -> Self {
        let equal = Self.equal([("kind", kind?.rawValue), ("parent_id", parentId)])
        return Self { query, db in
            var query = try await equal.apply(query, db)
            if let name { query = query.where(TextMatch.column(Kind.column("name"), contains: name, on: db)) }
            return query
        }
    }
}

extension RecordFilter where Kind == CustomerRecord {
    /// Customers by tier, kind, a name containing `name`, owned within the subtree of `orgUnitId`, or with a phone
    /// whose digits are `phoneDigits` (any contact's).
    public static func customers(
        tier: CustomerTier? = nil, kind: CustomerKind? = nil, name: String? = nil, orgUnitId: Int? = nil,
        phoneDigits: String? = nil
    ) -> Self {
        let equal = Self.equal([("tier", tier?.rawValue), ("kind", kind?.rawValue)])
        return Self { query, db in
            var query = try await equal.apply(query, db)
            if let name { query = query.where(TextMatch.column(Kind.column("name"), contains: name, on: db)) }
            if let orgUnitId {
                let subtree = try await OrgUnitRecord.subtree(of: orgUnitId, on: db)
                query = query.where(Kind.column("org_unit_id"), .in, SQLBind.group(subtree.isEmpty ? [-1] : subtree))
            }
            if let phoneDigits {
                query = query.where(
                    Kind.column("id"), .in,
                    SQLSubquery.select {
                        $0.column("customer_id").from("customer_phones").where("digits", .equal, phoneDigits)
                    })
            }
            return query
        }
    }

    /// the search box: customers with the phone, or whose name or contacts (names, e-mail) contain the words.
    public static func customers(matching search: SearchTerms) -> Self {
        Self { query, db in
            var any: [any SQLExpression] = []
            if let digits = search.phoneDigits {
                any.append(
                    SQLBinaryExpression(
                        Kind.column("id"), .in,
                        SQLSubquery.select {
                            $0.column("customer_id").from("customer_phones").where("digits", .equal, digits)
                        }))
            }
            if let words = search.words {
                any.append(TextMatch.column(Kind.column("name"), contains: words, on: db))
                any.append(TextMatch.column(Kind.column("contacts"), contains: words, on: db))
            }
            guard let first = any.first else { return query.where(SQLLiteral.boolean(false)) }
            let either = any.dropFirst().reduce(first) { SQLBinaryExpression($0, .or, $1) as any SQLExpression }
            return query.where(SQLGroupExpression(either))
        }
    }

    /// The registration desk's search: a phone number finds its customers, anything else matches names.
    public static func lookup(_ text: String) -> Self {
        let digits = PhoneNumber.digits(text)
        if digits.count >= 3, PhoneNumber.isValid(text) { return customers(phoneDigits: digits) }
        return customers(name: text)
    }
}

extension RecordFilter where Kind == ProductModelRecord {
    public static func productModels(lineId: Int?) -> Self { equal([("product_line_id", lineId)]) }
}

extension RecordFilter where Kind == ProjectRecord {
    public static func projects(customerId: Int?) -> Self { equal([("customer_id", customerId)]) }
}

extension RecordFilter where Kind == UnitRecord {
    /// Units by owner, model, project and exact serial.
    public static func units(
        customerId: Int? = nil, modelId: Int? = nil, projectId: Int? = nil, serial: String? = nil
    ) -> Self {
        equal([
            ("customer_id", customerId), ("model_id", modelId), ("project_id", projectId), ("serial_number", serial),
        ])
    }

    /// the search box: units with one of the serials typed, exactly.
    public static func units(matching search: SearchTerms) -> Self {
        Self { query, _ in
            guard !search.serials.isEmpty else { return query.where(SQLLiteral.boolean(false)) }
            return query.where(Kind.column("serial_number"), .in, SQLBind.group(search.serials))
        }
    }

    /// Units whose serial starts with `prefix` (serials are codes: LIKE's wildcards are dropped, not escaped).
    public static func units(serialPrefix prefix: String) -> Self {
        let plain = prefix.filter { $0 != "%" && $0 != "_" && $0 != "\\" }
        return Self { query, _ in
            query.where(SQLBinaryExpression(Kind.column("serial_number"), .like, SQLBind(plain + "%")))
        }
    }
}
