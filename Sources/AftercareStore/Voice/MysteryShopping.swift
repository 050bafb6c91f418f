import AftercareDomain
import Foundation
import SQLKit

/// R-10.5: a mystery-shopping inspection (暗访) as recorded.
public struct MysteryInspectionInput: Codable, Sendable, Equatable {
    /// The unit inspected: one strictly below the recorder's own.
    public var orgUnitId: Int
    /// The engineer of that unit whose work was inspected, if one.
    public var engineerId: Int?
    public var inspectedOn: CalendarDate
    /// What the shopper did (a call to the hotline, a repair booked, a visit to the outlet).
    public var scenario: String
    /// Each `MysteryCriterion` scored 1 to 5, by its raw value.
    public var scores: [String: Int]
    public var findings: String
    /// Who inspected (the shopper or the agency).
    public var inspector: String

    public init(
        orgUnitId: Int, engineerId: Int? = nil, inspectedOn: CalendarDate, scenario: String, scores: [String: Int],
        findings: String, inspector: String
    ) {
        self.orgUnitId = orgUnitId
        self.engineerId = engineerId
        self.inspectedOn = inspectedOn
        self.scenario = scenario
        self.scores = scores
        self.findings = findings
        self.inspector = inspector
    }
}

public struct MysteryInspectionView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var orgUnitId: Int
    public var orgUnitName: String
    public var engineerId: Int?
    public var engineerName: String?
    public var inspectedOn: CalendarDate
    public var scenario: String
    public var scores: [String: Int]
    /// Out of 100 (`MysteryScores.total`).
    public var total: Int
    public var findings: String
    public var inspector: String
    public var createdBy: String
    public var createdAt: Date
}

/// R-10.5: the inspections of one unit in one month: how many, and their average total.
public struct MysteryTrendRow: Codable, Sendable, Equatable {
    public var orgUnitId: Int
    public var orgUnitName: String
    /// The first day of the month.
    public var month: CalendarDate
    public var count: Int
    /// The average total out of 100.
    public var averageTotal: Double
}

public struct MysteryTrends: Codable, Sendable, Equatable {
    public var from: CalendarDate
    public var to: CalendarDate
    /// By unit (its name), then month.
    public var rows: [MysteryTrendRow]
}

/// R-10.5: mystery-shopping records. Only management reads or writes them, and never the unit inspected: a viewer
/// sees the inspections of units strictly below their own (`MysteryVisibility`); any other inspection is not found,
/// like a missing one.
public struct MysteryShopping: Sendable {
    public let store: Store

    public init(_ store: Store) {
        self.store = store
    }

    static let entity = "mysteryInspection"

    /// The longest period the trends cover at once (two years).
    public static let maximumDays = 731

    static let columns = "m.*, o.name AS org_unit_name, o.path AS org_unit_path, eu.display_name AS engineer_name"
    static let from = """
        FROM mystery_inspections m JOIN org_units o ON o.id = m.org_unit_id \
        LEFT JOIN engineers e ON e.id = m.engineer_id LEFT JOIN users eu ON eu.id = e.user_id
        """

    /// The inspections `principal` may see: of units strictly below theirs (in SQL, `MysteryVisibility.sees`), within
    /// the store's scope; none for anyone who does not do mystery shopping.
    func visible(to principal: Principal) -> SQLQueryString {
        guard principal.may(.mysteryShopping), !principal.roles.contains(.customer) else { return " AND 1 = 0" }
        var condition: SQLQueryString =
            " AND o.path LIKE \(bind: principal.orgUnitPath + "%") AND o.path <> \(bind: principal.orgUnitPath)"
        if let scoped = ScopeSQL.orgUnitCondition("m.org_unit_id", store.scope) {
            condition = condition + " AND " + scoped
        }
        return condition
    }

    static func view(_ row: any SQLRow) throws -> MysteryInspectionView {
        MysteryInspectionView(
            id: try row.decode(column: "id", as: Int.self),
            orgUnitId: try row.decode(column: "org_unit_id", as: Int.self),
            orgUnitName: try row.decode(column: "org_unit_name", as: String.self),
            engineerId: try row.decode(column: "engineer_id", as: Int?.self),
            engineerName: try row.decode(column: "engineer_name", as: String?.self),
            inspectedOn: try row.decodeDay("inspected_on"),
            scenario: try row.decode(column: "scenario", as: String.self),
            scores: try JSONText.decode([String: Int].self, from: try row.decode(column: "scores", as: String.self)),
            total: try row.decode(column: "total", as: Int.self),
            findings: try row.decode(column: "findings", as: String.self),
            inspector: try row.decode(column: "inspector", as: String.self),
            createdBy: try row.decode(column: "created_by", as: String.self),
            createdAt: try row.decode(column: "created_at", as: Date.self))
    }

    /// The inspection and the path of the unit inspected, whoever asks.
    static func load(_ id: Int, on db: any SQLDatabase) async throws -> (view: MysteryInspectionView, path: String)? {
        guard
            let row = try await db.raw(
                "SELECT \(unsafeRaw: columns) \(unsafeRaw: from) WHERE m.id = \(bind: id)"
            ).first()
        else { return nil }
        return (try view(row), try row.decode(column: "org_unit_path", as: String.self))
    }

    /// R-10.5: the inspection, when `principal` may see it; not found otherwise (the unit inspected itself among
    /// them), like a missing one.
    public func get(_ id: Int, for principal: Principal) async throws -> MysteryInspectionView {
        guard principal.may(.mysteryShopping), !principal.roles.contains(.customer),
            let found = try await Self.load(id, on: store.sql),
            MysteryVisibility.sees(viewerPath: principal.orgUnitPath, inspectedPath: found.path),
            found.path.hasPrefix(Self.scopePath(store.scope))
        else { throw RecordNotFound(entity: Self.entity, id: id) }
        return found.view
    }

    /// The path a scope reaches under ("" for everything; a customer reaches no unit).
    static func scopePath(_ scope: Scope) -> String {
        switch scope {
        case .everything: ""
        case .orgSubtree(_, let path): path
        case .customer: "/none/"
        }
    }

    /// R-10.5: the inspections `principal` may see, of `orgUnitId` and the units below it when given, the latest
    /// inspected first.
    public func list(orgUnitId: Int?, page: PageRequest, for principal: Principal) async throws -> Page<
        MysteryInspectionView
    > {
        var sql: SQLQueryString =
            "SELECT \(unsafeRaw: Self.columns) \(unsafeRaw: Self.from) WHERE 1 = 1" + visible(to: principal)
        if let orgUnitId {
            sql =
                sql
                    + """
                     AND m.org_unit_id IN (SELECT id FROM org_units WHERE path LIKE \
                    (SELECT path FROM org_units WHERE id = \(bind: orgUnitId)) || '%')
                    """
        }
        if let afterId = page.afterId {
            guard let key = page.afterKey, CalendarDate(iso: key) != nil else { throw CursorMismatch() }
            sql =
                sql
                + " AND (m.inspected_on < \(bind: key) OR (m.inspected_on = \(bind: key) AND m.id < \(bind: afterId)))"
        }
        sql = sql + " ORDER BY m.inspected_on DESC, m.id DESC LIMIT \(unsafeRaw: String(page.limit + 1))"
        let rows = try await store.sql.raw(sql).all()
        return try Page(
            rows: rows, limit: page.limit, cursor: { PageCursor.encode($0.id, key: $0.inspectedOn.description) },
            view: { rows in
                try rows.compactMap { (row) -> MysteryInspectionView? in
                    // The rule itself, once more over what the query found.
                    let path = try row.decode(column: "org_unit_path", as: String.self)
                    guard MysteryVisibility.sees(viewerPath: principal.orgUnitPath, inspectedPath: path) else {
                        return nil
                    }
                    return try Self.view(row)
                }
            })
    }

    /// R-10.5: records an inspection of a unit strictly below the recorder's own (a unit they could not see the
    /// records of is not found), with its scores (each criterion 1–5) and their total out of 100.
    public func record(_ input: MysteryInspectionInput, by principal: Principal) async throws -> MysteryInspectionView {
        var v = Validator()
        if input.inspectedOn > store.today { v.add("inspectedOn", .invalidValue(allowed: ["on or before today"])) }
        v.text("scenario", input.scenario, required: true, max: Limits.note)
        v.text("findings", input.findings, required: true, max: Limits.longText)
        v.text("inspector", input.inspector, required: true, max: Limits.name)
        for (field, problem) in MysteryScores.problems(input.scores).fields { v.add(field, problem) }
        try v.finish()
        guard principal.may(.mysteryShopping), !principal.roles.contains(.customer) else {
            throw ValidationError(["orgUnitId": .notFound])
        }
        let scope = store.scope
        let now = store.now
        let actor = principal.actor
        let viewer = principal.orgUnitPath
        let total = MysteryScores.total(input.scores)
        let scores = try JSONText.encode(input.scores)
        let id = try await store.write { db in
            guard
                let unit = try await db.raw(
                    "SELECT path, archived_at FROM org_units WHERE id = \(bind: input.orgUnitId)"
                ).first()
            else { throw ValidationError(["orgUnitId": .notFound]) }
            let path = try unit.decode(column: "path", as: String.self)
            guard MysteryVisibility.sees(viewerPath: viewer, inspectedPath: path),
                try await Records<OrgUnitRecord>.load(input.orgUnitId, within: scope, on: db) != nil
            else { throw ValidationError(["orgUnitId": .notFound]) }
            if try unit.decode(column: "archived_at", as: Date?.self) != nil {
                throw ValidationError(["orgUnitId": .archived])
            }
            if let engineerId = input.engineerId {
                let found = try await db.raw(
                    """
                    SELECT e.id FROM engineers e JOIN org_units o ON o.id = e.org_unit_id \
                    WHERE e.id = \(bind: engineerId) AND o.path LIKE \(bind: path + "%")
                    """
                ).first()
                if found == nil { throw ValidationError(["engineerId": .notFound]) }
            }
            let id = try await db.insert(into: "mystery_inspections")
                .columns(
                    "org_unit_id", "engineer_id", "inspected_on", "scenario", "scores", "total", "findings",
                    "inspector", "created_by", "created_at"
                )
                .values(
                    SQLBind(input.orgUnitId), SQLBind(input.engineerId), SQLBind(input.inspectedOn.description),
                    SQLBind(input.scenario.trimmingCharacters(in: .whitespacesAndNewlines)), SQLBind(scores),
                    SQLBind(total), SQLBind(input.findings.trimmingCharacters(in: .whitespacesAndNewlines)),
                    SQLBind(input.inspector.trimmingCharacters(in: .whitespacesAndNewlines)), SQLBind(actor.name),
                    SQLBind(now)
                ).returning("id").first(decodingColumn: "id", as: Int.self)!
            try await AuditLog.append(
                on: db, entity: Self.entity, id: id, action: .create, actor: actor, at: now,
                before: MysteryInspectionView?.none, after: try await Self.load(id, on: db)?.view)
            return id
        }
        return try await get(id, for: principal)
    }

    /// R-10.5: from `from` to `to` (whole days), per unit inspected and per month, how many inspections `principal`
    /// may see and their average total. One grouped query.
    public func trends(from: CalendarDate, to: CalendarDate, for principal: Principal) async throws -> MysteryTrends {
        if to < from { throw ValidationError(["to": .mustNotBeBefore(field: "from")]) }
        if to.dayNumber - from.dayNumber >= Self.maximumDays {
            throw ValidationError(["to": .outOfRange(min: 0, max: Self.maximumDays)])
        }
        let sql: SQLQueryString =
            """
            SELECT m.org_unit_id, o.name AS org_unit_name, SUBSTR(m.inspected_on, 1, 7) AS ym, COUNT(*) AS n, \
            CAST(SUM(m.total) AS BIGINT) AS total_sum \(unsafeRaw: Self.from) \
            WHERE m.inspected_on >= \(bind: from.description) AND m.inspected_on <= \(bind: to.description)
            """ + visible(to: principal)
            + " GROUP BY m.org_unit_id, o.name, SUBSTR(m.inspected_on, 1, 7) ORDER BY o.name, m.org_unit_id, ym"
        var rows: [MysteryTrendRow] = []
        for row in try await store.sql.raw(sql).all() {
            let ym = try row.decode(column: "ym", as: String.self)
            guard let month = CalendarDate(iso: ym + "-01") else {
                throw UnknownStoredValue(column: "inspected_on", value: String(ym.prefix(100)))
            }
            let n = try row.decode(column: "n", as: Int.self)
            let sum = try row.decode(column: "total_sum", as: Int.self)
            rows.append(
                MysteryTrendRow(
                    orgUnitId: try row.decode(column: "org_unit_id", as: Int.self),
                    orgUnitName: try row.decode(column: "org_unit_name", as: String.self), month: month, count: n,
                    averageTotal: n == 0 ? 0 : Double(sum) / Double(n)))
        }
        return MysteryTrends(from: from, to: to, rows: rows)
    }
}
