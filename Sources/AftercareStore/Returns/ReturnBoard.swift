import AftercareDomain
import Foundation
import SQLKit

/// one case on the depot's board, with its turnaround clock.
public struct ReturnBoardItem: Codable, Sendable, Equatable {
    public var returnCase: ReturnCaseView
    /// The request's depot turnaround clock: nil before the unit arrives or without a depot target.
    public var clockState: ClockState?
    public var dueAt: Date?
    public var completedAt: Date?
}

/// the depot's board: open cases, the overdue first, then by due time; and how many open cases stand in each
/// status.
public struct ReturnBoard: Codable, Sendable, Equatable {
    public var items: [ReturnBoardItem]
    public var counts: [String: Int]
}

extension ReturnCases {
    /// The board of `depotUnitId` (every depot the scope sees when nil): the open cases of `statuses` (all open ones
    /// when empty), the most urgent first, at most `limit`.
    public func board(depotUnitId: Int? = nil, statuses: [ReturnStatus] = [], limit: Int = 50) async throws
        -> ReturnBoard
    {
        let open = ReturnStatus.allCases.filter(\.isOpen)
        let shown = statuses.isEmpty ? open : statuses
        // The most urgent cases by their clock alone (the case's index and the clock's key), then their views.
        var sql: SQLQueryString =
            """
            SELECT rc.id, k.state AS depot_state, k.due_at AS depot_due_at, k.completed_at AS depot_completed_at \
            FROM return_cases rc LEFT JOIN sla_clocks k ON k.request_id = rc.request_id \
            AND k.target = \(bind: SLATarget.depotTurnaround.rawValue) \
            WHERE rc.status IN (\(SQLList(shown.map { SQLBind($0.rawValue) })))
            """ + Self.visible(to: store.scope)
        if let depotUnitId { sql = sql + " AND rc.depot_unit_id = \(bind: depotUnitId)" }
        sql =
            sql
                + """
                 ORDER BY CASE WHEN k.due_at IS NULL OR k.completed_at IS NOT NULL THEN 1 ELSE 0 END, k.due_at, \
                rc.id LIMIT \(unsafeRaw: String(max(1, min(limit, 500))))
                """
        let urgent = try await store.sql.raw(sql).all()
        var views: [Int: ReturnCaseView] = [:]
        if !urgent.isEmpty {
            let ids = try urgent.map { try $0.decode(column: "id", as: Int.self) }
            let rows = try await store.sql.raw(
                """
                SELECT \(unsafeRaw: Self.columns) \(unsafeRaw: Self.from) \
                WHERE rc.id IN (\(SQLList(ids.map { SQLBind($0) })))
                """
            ).all()
            for view in try await Self.views(rows, on: store.sql) { views[view.id] = view }
        }
        let items = try urgent.compactMap { row -> ReturnBoardItem? in
            guard let view = views[try row.decode(column: "id", as: Int.self)] else { return nil }
            return ReturnBoardItem(
                returnCase: view, clockState: try row.decodeStored("depot_state", as: ClockState?.self),
                dueAt: try row.decode(column: "depot_due_at", as: Date?.self),
                completedAt: try row.decode(column: "depot_completed_at", as: Date?.self))
        }
        // How many cases stand in each open status (the chips), through the same indexes.
        var count: SQLQueryString =
            "SELECT rc.status, COUNT(*) AS n FROM return_cases rc WHERE rc.status IN (\(SQLList(open.map { SQLBind($0.rawValue) })))"
            + Self.visible(to: store.scope)
        if let depotUnitId { count = count + " AND rc.depot_unit_id = \(bind: depotUnitId)" }
        var counts: [String: Int] = [:]
        for row in try await store.sql.raw(count + " GROUP BY rc.status").all() {
            counts[try row.decode(column: "status", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        return ReturnBoard(items: items, counts: counts)
    }
}
