import AftercareDomain
import Foundation
import SQLKit

/// the seeds' commitments as demo policies, and business calendars for headquarters (China, with the 2026
/// public holidays and make-up working days), Madrid and Taipei. Loaded once; loading again adds nothing.
enum DemoCommitments {
    static let actor = Actor(name: "demo")

    static func rule(
        _ target: SLATarget, _ minutes: Int, _ basis: TimeBasis, warn: Int = 75
    ) -> TargetRule {
        TargetRule(target: target, minutes: minutes, basis: basis, warnPercent: warn)
    }

    /// `000`–`004`: the promises the source documents make.
    static let policies: [SLAPolicyRecord.Input] = [
        .init(
            name: "应急 Emergency: on site within 24 h, escalated to management (000 plan 3, R-2.8)", position: 10,
            match: PolicyMatch(emergency: true),
            targets: [
                rule(.firstResponse, 30, .calendar, warn: 50), rule(.onSite, 24 * 60, .calendar),
                rule(.resolution, 48 * 60, .calendar),
            ]),
        .init(
            name: "Glass and safety faults: on site within 24 h of the call (000 plan 4)", position: 20,
            match: PolicyMatch(serviceFamily: .emergency),
            targets: [rule(.firstResponse, 60, .calendar), rule(.onSite, 24 * 60, .calendar)]),
        .init(
            name: "Technical support: answer in 8 h, solved within 2 working days (002)", position: 30,
            match: PolicyMatch(requestType: .technicalSupport),
            targets: [rule(.firstResponse, 8 * 60, .business), rule(.resolution, 2 * 8 * 60, .business)]),
        .init(
            name: "Key customers: the four 24-hours (001)", position: 40, match: PolicyMatch(customerTier: .key),
            targets: [
                rule(.firstResponse, 2 * 60, .calendar), rule(.onSite, 24 * 60, .calendar),
                rule(.resolution, 24 * 60, .calendar), rule(.depotTurnaround, 5 * 8 * 60, .business),
            ]),
        .init(
            name: "Standard: answer within 24 h, depot repair in 5 working days (004, 000 plan 2)", position: 1000,
            isDefault: true,
            targets: [
                rule(.firstResponse, 24 * 60, .calendar), rule(.onSite, 48 * 60, .calendar),
                rule(.resolution, 5 * 8 * 60, .business), rule(.depotTurnaround, 5 * 8 * 60, .business),
            ]),
    ]

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
        for policy in policies { _ = try await Records<SLAPolicyRecord>(store).create(policy, by: actor) }
        let split = [WorkingPeriod("09:00-14:00")!, WorkingPeriod("16:00-19:00")!]
        let calendars: [(code: String, name: String, calendar: BusinessCalendar)] = [
            ("HQ", "中国大陆工作日历 2026", BusinessCalendar(timeZone: "Asia/Shanghai", exceptions: china2026)),
            (
                "BR-MAD", "Calendario laboral Madrid 2026",
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
