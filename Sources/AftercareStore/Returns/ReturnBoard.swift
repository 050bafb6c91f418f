import AftercareDomain
import Foundation
import SQLKit

/// R-8.5: one case on the depot's board, with its turnaround clock.
public struct ReturnBoardItem: Codable, Sendable, Equatable {
    public var returnCase: ReturnCaseView
    /// The request's depot turnaround clock: nil before the unit arrives or without a depot target.
    public var clockState: ClockState?
    public var dueAt: Date?
    public var completedAt: Date?
}

/// R-8: the depot's board: open cases, the overdue first, then by due time; and how many open cases stand in each
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
        // The most urgent first: the running depot clocks by due time (walking the due-time index), then the cases
        // without one, oldest first.
        let take = max(1, min(limit, 500))
        func pick(_ clocked: Bool, _ count: Int) async throws -> [Int] {
            var sql: SQLQueryString =
                "SELECT rc.id FROM return_cases rc WHERE rc.depot_due_at IS \(unsafeRaw: clocked ? "NOT NULL" : "NULL") "
                + "AND rc.status IN (\(SQLList(shown.map { SQLBind($0.rawValue) })))" + Self.visible(to: store.scope)
            if let depotUnitId { sql = sql + " AND rc.depot_unit_id = \(bind: depotUnitId)" }
            sql =
                sql
                + " ORDER BY \(unsafeRaw: clocked ? "rc.depot_due_at, " : "")rc.id LIMIT \(unsafeRaw: String(count))"
            return try await store.sql.raw(sql).all().map { try $0.decode(column: "id", as: Int.self) }
        }
        var ids = try await pick(true, take)
        if ids.count < take { ids += try await pick(false, take - ids.count) }
        var views: [Int: ReturnCaseView] = [:]
        var clocks: [Int: (state: ClockState?, due: Date?, completed: Date?)] = [:]
        if !ids.isEmpty {
            let list = SQLList(ids.map { SQLBind($0) })
            let rows = try await store.sql.raw(
                "SELECT \(unsafeRaw: Self.columns) \(unsafeRaw: Self.from) WHERE rc.id IN (\(list))"
            ).all()
            for view in try await Self.views(rows, on: store.sql) { views[view.id] = view }
            for row in try await store.sql.raw(
                """
                SELECT rc.id, k.state, k.due_at, k.completed_at FROM return_cases rc JOIN sla_clocks k \
                ON k.request_id = rc.request_id AND k.target = \(bind: SLATarget.depotTurnaround.rawValue) \
                WHERE rc.id IN (\(list))
                """
            ).all() {
                clocks[try row.decode(column: "id", as: Int.self)] = (
                    try row.decodeStored("state", as: ClockState?.self),
                    try row.decode(column: "due_at", as: Date?.self),
                    try row.decode(column: "completed_at", as: Date?.self)
                )
            }
        }
        let items = ids.compactMap { id -> ReturnBoardItem? in
            guard let view = views[id] else { return nil }
            let clock = clocks[id]
            return ReturnBoardItem(
                returnCase: view, clockState: clock?.state ?? nil, dueAt: clock?.due ?? nil,
                completedAt: clock?.completed ?? nil)
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
