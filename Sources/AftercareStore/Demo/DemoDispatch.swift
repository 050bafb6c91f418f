import AftercareDomain
import Foundation
import SQLKit

/// R-4: the demo's engineers and a day of visits for the east China branch, so that the dispatch board, the
/// recommendations and the route planner have something to show. Runs once: nothing is added when engineers exist.
public enum DemoDispatch {
    /// Engineer logins (in `DemoUsers.staff`) with their skills level per product line and the labour level.
    static let engineers: [(username: String, level: Int, skill: Int, external: Bool)] = [
        ("engineer", 3, 3, false), ("engineer.hz", 2, 2, false), ("engineer.sh", 4, 4, false),
        ("engineer.nj", 2, 2, true),
    ]

    public static func load(into store: Store) async throws {
        let db = store.sql
        guard try await db.raw("SELECT id FROM engineers").first() == nil else { return }
        let lines = try await db.raw("SELECT id FROM product_lines ORDER BY id").all().map {
            try $0.decode(column: "id", as: Int.self)
        }
        guard !lines.isEmpty else { return }
        var random = SeededRandom(state: 4)
        let system = Actor(name: "demo")
        for engineer in engineers {
            guard
                let user = try await db.raw(
                    """
                    SELECT u.id, u.org_unit_id, ou.latitude, ou.longitude FROM users u \
                    JOIN org_units ou ON ou.id = u.org_unit_id WHERE u.username = \(bind: engineer.username)
                    """
                ).first()
            else { continue }
            let lat = try user.decode(column: "latitude", as: Double?.self) ?? 31.23
            let lon = try user.decode(column: "longitude", as: Double?.self) ?? 121.47
            _ = try await Records<EngineerRecord>(store).create(
                EngineerRecord.Input(
                    userId: try user.decode(column: "id", as: Int.self),
                    orgUnitId: try user.decode(column: "org_unit_id", as: Int.self), external: engineer.external,
                    level: engineer.level,
                    skills: lines.enumerated().map {
                        EngineerSkill(productLineId: $0.element, level: max(1, engineer.skill - $0.offset % 2))
                    },
                    certifications: [
                        Certification(
                            name: "电工特种作业操作证", number: "DG-\(engineer.level)0\(engineer.skill)",
                            expiresOn: CalendarDate(year: 2028, month: 6, day: 30))
                    ], maxVisitsPerDay: 6, homeLatitude: lat + Double.random(in: -0.03...0.03, using: &random),
                    homeLongitude: lon + Double.random(in: -0.03...0.03, using: &random)), by: system)
        }
        // Open requests of the east China branch whose units have a place: a visit each, today.
        guard
            let branch = try await db.raw("SELECT path FROM org_units WHERE code = 'BR-EC'").first(
                decodingColumn: "path", as: String.self)
        else { return }
        let requests = try await db.raw(
            """
            SELECT sr.id FROM service_requests sr WHERE sr.status IN ('triaged', 'inService') \
            AND sr.org_unit_id IN (SELECT id FROM org_units WHERE path LIKE \(bind: branch + "%")) \
            AND EXISTS (SELECT 1 FROM service_request_units sru JOIN units un ON un.id = sru.unit_id \
            WHERE sru.request_id = sr.id AND un.latitude IS NOT NULL) ORDER BY sr.id DESC LIMIT 14
            """
        ).all().map { try $0.decode(column: "id", as: Int.self) }
        let today = store.today.interval(in: store.timeZone).start
        let visits = Visits(store)
        for (index, request) in requests.enumerated() {
            // Every other visit has a window the customer asked for; the rest can be any time of the day.
            let start = today.addingTimeInterval(Double((9 + index % 4 * 2) * 3600))
            let windowed = index % 2 == 0
            _ = try await visits.create(
                VisitInput(
                    purpose: index % 5 == 0 ? .diagnosis : .repair,
                    preparation: VisitPreparation(
                        tools: ["万用表", "维修笔记本电脑"],
                        parts: index % 3 == 0 ? [.init(name: "定影组件", quantity: 1)] : [],
                        loanerUnit: index % 4 == 0),
                    windowStart: windowed ? start : nil,
                    windowEnd: windowed ? start.addingTimeInterval(3 * 3600) : nil),
                requestId: request, by: system)
        }
    }
}
