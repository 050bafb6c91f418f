import AftercareDomain
import Foundation
import SQLKit

/// the seeds' commitments as demo policies, and business calendars for headquarters (China, with the 2026
/// public holidays and make-up working days), Madrid and Taipei. Loaded once; loading again adds nothing.
enum DemoCommitments {
    static let actor = Actor(name: "demo")

    /// A target warned at `warn` % of its time (the long repair targets warn earlier, while there is time to act).
    static func rule(
        _ target: SLATarget, _ minutes: Int, _ basis: TimeBasis, warn: Int = 75
    ) -> TargetRule {
        TargetRule(target: target, minutes: minutes, basis: basis, warnPercent: warn)
    }

    /// The promises the source documents make (`000`–`004`), named the way the service department writes them;
    /// `lines` and `units` are the ids of the demo's product lines and organisation units by code. A policy whose
    /// product line or unit is missing is left out.
    static func policies(lines: [String: Int], units: [String: Int]) -> [SLAPolicyRecord.Input] {
        var result: [SLAPolicyRecord.Input] = [
            .init(
                name: "应急抢修（7×24 小时，30 分钟内响应，24 小时内到场）", position: 10,
                match: PolicyMatch(emergency: true),
                targets: [
                    rule(.firstResponse, 30, .calendar, warn: 50), rule(.onSite, 24 * 60, .calendar),
                    rule(.resolution, 48 * 60, .calendar),
                ]),
            .init(
                name: "技术支持（8 小时内答复，2 个工作日内解决）", position: 30,
                match: PolicyMatch(requestType: .technicalSupport),
                targets: [rule(.firstResponse, 8 * 60, .business), rule(.resolution, 2 * 8 * 60, .business, warn: 60)]),
            .init(
                name: "重点客户“四个 24 小时”服务承诺", position: 40, match: PolicyMatch(customerTier: .key),
                targets: [
                    rule(.firstResponse, 2 * 60, .calendar), rule(.onSite, 24 * 60, .calendar),
                    rule(.resolution, 24 * 60, .calendar), rule(.depotTurnaround, 5 * 8 * 60, .business),
                ]),
            .init(
                name: "标准服务（24 小时内响应，48 小时内到场，5 个工作日内修复）", position: 1000, isDefault: true,
                targets: [
                    rule(.firstResponse, 24 * 60, .calendar), rule(.onSite, 48 * 60, .calendar),
                    rule(.resolution, 5 * 8 * 60, .business, warn: 60), rule(.depotTurnaround, 5 * 8 * 60, .business),
                ]),
        ]
        if let windows = lines["WINDOW"] {
            result.append(
                .init(
                    name: "门窗玻璃及安全隐患（报修后 24 小时内到场）", position: 20,
                    match: PolicyMatch(productLineId: windows),
                    targets: [rule(.firstResponse, 60, .calendar), rule(.onSite, 24 * 60, .calendar)]))
        }
        if let madrid = units["BR-MAD"] {
            result.append(
                .init(
                    name: "Servicio estándar España (L–V, respuesta en 8 h laborables, visita en 2 días)", position: 45,
                    match: PolicyMatch(orgUnitId: madrid),
                    targets: [
                        rule(.firstResponse, 8 * 60, .business), rule(.onSite, 2 * 8 * 60, .business),
                        rule(.resolution, 5 * 8 * 60, .business, warn: 60),
                        rule(.depotTurnaround, 5 * 8 * 60, .business),
                    ]))
        }
        if let copiers = lines["COPIER"] {
            result.append(
                .init(
                    name: "复印机标准服务（8×5，4 小时响应，2 个工作日内到场）", position: 50,
                    match: PolicyMatch(productLineId: copiers),
                    targets: [
                        rule(.firstResponse, 4 * 60, .business), rule(.onSite, 2 * 8 * 60, .business),
                        rule(.resolution, 5 * 8 * 60, .business, warn: 60),
                    ]))
        }
        return result.sorted { $0.position < $1.position }
    }

    static func days(_ kind: CalendarException.Kind, _ name: String, _ dates: [String]) -> [CalendarException] {
        dates.map { CalendarException(date: CalendarDate(iso: $0)!, kind: kind, name: name) }
    }

    /// China's 2026 public holidays and make-up working days (调休), as published for the demo year.
    static let china2026: [CalendarException] =
        days(.holiday, "元旦", ["2026-01-01", "2026-01-02", "2026-01-03"])
        + days(.workingDay, "元旦调休", ["2026-01-04"])
        + days(.holiday, "春节", (15...23).map { String(format: "2026-02-%02d", $0) })
        + days(.workingDay, "春节调休", ["2026-02-14", "2026-02-28"])
        + days(.holiday, "清明节", ["2026-04-04", "2026-04-05", "2026-04-06"])
        + days(.holiday, "劳动节", (1...5).map { String(format: "2026-05-%02d", $0) })
        + days(.workingDay, "劳动节调休", ["2026-05-09"])
        + days(.holiday, "端午节", ["2026-06-19", "2026-06-20", "2026-06-21"])
        + days(.holiday, "中秋节", ["2026-09-25", "2026-09-26", "2026-09-27"])
        + days(.holiday, "国庆节", (1...7).map { String(format: "2026-10-%02d", $0) })
        + days(.workingDay, "国庆节调休", ["2026-09-20", "2026-10-10"])

    /// Madrid's 2026 holidays (national, regional and local).
    static let madrid2026: [CalendarException] = days(
        .holiday, "Festivo",
        [
            "2026-01-01", "2026-01-06", "2026-04-02", "2026-04-03", "2026-05-01", "2026-05-02", "2026-05-15",
            "2026-08-15", "2026-10-12", "2026-11-02", "2026-11-09", "2026-12-07", "2026-12-08", "2026-12-25",
        ])

    static func load(_ store: Store) async throws {
        let existing = try await store.sql.select().column("id").from("sla_policies").limit(1).first()
        guard existing == nil else { return }
        func ids(_ table: String) async throws -> [String: Int] {
            var result: [String: Int] = [:]
            for row in try await store.sql.select().columns("id", "code").from(table).all() {
                result[try row.decode(column: "code", as: String.self)] = try row.decode(column: "id", as: Int.self)
            }
            return result
        }
        let lines = try await ids("product_lines")
        let units = try await ids("org_units")
        for policy in policies(lines: lines, units: units) {
            _ = try await Records<SLAPolicyRecord>(store).create(policy, by: actor)
        }
        let split = [WorkingPeriod("09:00-14:00")!, WorkingPeriod("16:00-19:00")!]
        let calendars: [(code: String, name: String, calendar: BusinessCalendar)] = [
            ("HQ", "中国大陆工作日历（2026 年，含法定节假日与调休）", BusinessCalendar(timeZone: "Asia/Shanghai", exceptions: china2026)),
            (
                "BR-MAD", "Calendario laboral de Madrid 2026",
                BusinessCalendar(
                    timeZone: "Europe/Madrid", week: [split, split, split, split, split, [], []],
                    exceptions: madrid2026)
            ),
            (
                "AG-TPE", "臺北 7×24 服務",
                BusinessCalendar.sevenByTwentyFour(timeZone: "Asia/Taipei")
            ),
        ]
        for entry in calendars {
            guard
                let unit = try await store.sql.select().column("id").from("org_units").where("code", .equal, entry.code)
                    .first(decodingColumn: "id", as: Int.self)
            else { continue }
            _ = try await Records<CalendarRecord>(store).create(
                .init(orgUnitId: unit, name: entry.name, calendar: entry.calendar), by: actor)
        }
    }
}
