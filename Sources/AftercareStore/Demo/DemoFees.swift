import AftercareDomain
import Foundation
import SQLKit

/// Issue 15, R-6.3: the published fee schedules of a manufacturer's service department: a national schedule at
/// headquarters, each branch's own (East China with last year's schedule ended and next month's already published,
/// Madrid in euros). Published through `FeeSchedules`, as a manager would.
enum DemoFees {
    static let actor = Actor(name: "demo")

    /// Labour by level (1–5) for difficulties A–C by the hour, D per job, from `base` (level 1, difficulty A) up.
    static func labour(base: Int, step: Int, majorJob: Int) -> [LabourRate] {
        FeeSchedule.levels.flatMap { level in
            [
                LabourRate(level: level, difficulty: .a, basis: .perHour, amountMinor: base + (level - 1) * step),
                LabourRate(
                    level: level, difficulty: .b, basis: .perHour, amountMinor: base + (level - 1) * step + step),
                LabourRate(
                    level: level, difficulty: .c, basis: .perHour, amountMinor: base + (level - 1) * step + 2 * step),
            ] + (level >= 3 ? [LabourRate(level: level, difficulty: .d, basis: .perJob, amountMinor: majorJob)] : [])
        }
    }

    static func load(_ store: Store) async throws {
        guard try await store.sql.select().column("id").from("fee_schedules").limit(1).first() == nil else { return }
        var units: [String: Int] = [:]
        for row in try await store.sql.select().columns("id", "code").from("org_units").all() {
            units[try row.decode(column: "code", as: String.self)] = try row.decode(column: "id", as: Int.self)
        }
        let today = store.today
        let thisYear = CalendarDate(year: today.year, month: 1, day: 1)!
        let lastYear = CalendarDate(year: today.year - 1, month: 1, day: 1)!
        let nextMonth = CalendarDate(year: today.year, month: today.month, day: 1)!.adding(months: 1)
        let chinaTravel = [
            TravelBand(upToKm: 10, amountMinor: 5_000), TravelBand(upToKm: 30, amountMinor: 10_000),
            TravelBand(upToKm: 80, amountMinor: 20_000), TravelBand(upToKm: nil, amountMinor: 40_000),
        ]
        let chinaTraining = [
            TrainingRate(content: "操作培训", method: .onSite, perHourMinor: 30_000),
            TrainingRate(content: "操作培训", method: .remote, perHourMinor: 15_000),
            TrainingRate(content: "日常保养培训", method: .classroom, perHourMinor: 20_000),
        ]
        let schedules: [(code: String, input: (Int) -> FeeScheduleRecord.Input)] = [
            (
                "HQ",
                {
                    .init(
                        orgUnitId: $0, validFrom: thisYear, labour: labour(base: 8_000, step: 2_000, majorJob: 80_000),
                        travel: chinaTravel, training: chinaTraining, note: "全国统一收费标准，各分公司未单独发布标准时适用。")
                }
            ),
            (
                "BR-EC",
                {
                    .init(
                        orgUnitId: $0, validFrom: lastYear, labour: labour(base: 9_000, step: 2_000, majorJob: 90_000),
                        travel: chinaTravel, training: chinaTraining, note: "华东地区收费标准。")
                }
            ),
            (
                "BR-EC",
                {
                    .init(
                        orgUnitId: $0, validFrom: thisYear,
                        labour: labour(base: 10_000, step: 2_000, majorJob: 100_000),
                        travel: chinaTravel, training: chinaTraining, note: "工时费按上海市场价调整，交通费不变。")
                }
            ),
            (
                "BR-EC",
                {
                    .init(
                        orgUnitId: $0, validFrom: nextMonth,
                        labour: labour(base: 10_000, step: 2_500, majorJob: 110_000),
                        travel: chinaTravel.map { TravelBand(upToKm: $0.upToKm, amountMinor: $0.amountMinor + 1_000) },
                        training: chinaTraining, note: "高级别工程师工时费上调；交通费每档加 10 元。")
                }
            ),
            (
                "BR-SC",
                {
                    .init(
                        orgUnitId: $0, validFrom: thisYear, labour: labour(base: 8_500, step: 2_000, majorJob: 85_000),
                        travel: chinaTravel, training: chinaTraining, note: "华南地区收费标准。")
                }
            ),
            (
                "BR-MAD",
                {
                    .init(
                        orgUnitId: $0, validFrom: thisYear, labour: labour(base: 4_500, step: 500, majorJob: 35_000),
                        travel: [
                            TravelBand(upToKm: 15, amountMinor: 3_500), TravelBand(upToKm: 50, amountMinor: 6_000),
                            TravelBand(upToKm: nil, amountMinor: 9_500),
                        ],
                        training: [TrainingRate(content: "Manejo del equipo", method: .onSite, perHourMinor: 9_000)],
                        note: "Tarifa oficial de la sucursal de Madrid, IVA no incluido.")
                }
            ),
        ]
        for (code, input) in schedules {
            guard let unit = units[code] else { continue }
            // Each published on its first day, as the manager did then (a schedule in effect is never ended
            // retroactively).
            let schedule = input(unit)
            let noon = Date(timeIntervalSince1970: Double(schedule.validFrom.dayNumber) * 86_400 + 4 * 3_600)
            _ = try await FeeSchedules(store.seen(within: .everything).withClock { noon }).publish(schedule, by: actor)
        }
    }
}
