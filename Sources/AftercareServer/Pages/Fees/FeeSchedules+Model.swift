import AftercareDomain
import AftercareStore
import Foundation

extension FeePages {
    // MARK: The list

    struct ListModel: Encodable {
        struct Row: Encodable {
            var id: Int
            var unit: String
            var validity: String
            var standing: String
            var standingCode: String
            var currency: String
            var note: String?
        }

        var rows: [Row]
        var unitOptions: [SelectOption]
        var includeWithdrawn: Bool
        var canPublish: Bool
        var next: String?
    }

    /// What the list shows, as read from the store.
    struct ListData {
        var page: Page<FeeScheduleRecord.View>
        var units: [OrgUnitRecord.View]
        var unitId: Int?
        var includeWithdrawn: Bool
    }

    /// the schedules, newest first, each with its unit, the days it applies and where it stands now in its
    /// unit's time zone (the reader's for a unit not listed).
    static func listModel(_ data: ListData, principal: Principal, _ l: Localizer, now: Date) -> ListModel {
        let zones = Dictionary(
            data.units.compactMap { unit in TimeZone(identifier: unit.timeZone).map { (unit.id, $0) } },
            uniquingKeysWith: { first, _ in first })
        return ListModel(
            rows: data.page.items.map { view in
                let standing = standing(view, today: CalendarDate(now, in: zones[view.orgUnitId] ?? l.timeZone))
                return .init(
                    id: view.id, unit: view.orgUnitName, validity: FeeScheduleTables.validity(view, l),
                    standing: l.t("feeStanding.\(standing)"),
                    standingCode: standing, currency: l.t("currency.\(view.currency.rawValue)"), note: view.note)
            },
            unitOptions: data.units.map {
                SelectOption(value: "\($0.id)", label: "\($0.code) · \($0.name)", selected: $0.id == data.unitId)
            }, includeWithdrawn: data.includeWithdrawn, canPublish: principal.may(.manageFees),
            next: data.page.nextCursor.map {
                PageLink.make(
                    "/fees",
                    [
                        ("orgUnitId", data.unitId.map(String.init)), ("withdrawn", data.includeWithdrawn ? "1" : nil),
                        ("cursor", $0),
                    ])
            })
    }

    /// `withdrawn`, or the schedule's standing on `today`.
    static func standing(_ view: FeeScheduleRecord.View, today: CalendarDate) -> String {
        view.archivedAt != nil ? "withdrawn" : view.schedule.standing(on: today).rawValue
    }

    // MARK: One schedule

    struct ScheduleModel: Encodable {
        var id: Int
        var standing: String
        var standingCode: String
        var note: String?
        var tables: FeeScheduleTables
        var canWithdraw: Bool
        var canPublish: Bool
        var errors: [FieldMessage]
    }

    /// the schedule as the reader (and the customer it is shown to) reads it: labour by engineer level and
    /// difficulty, the travel bands, training by content and method.
    static func scheduleModel(
        _ view: FeeScheduleRecord.View, principal: Principal, _ l: Localizer, today: CalendarDate,
        errors: [FieldMessage] = []
    ) -> ScheduleModel {
        let standing = standing(view, today: today)
        return ScheduleModel(
            id: view.id, standing: l.t("feeStanding.\(standing)"), standingCode: standing, note: view.note,
            tables: FeeScheduleTables(view, l),
            canWithdraw: principal.may(.manageFees) && standing == FeeScheduleStanding.upcoming.rawValue,
            canPublish: principal.may(.manageFees), errors: errors)
    }

    // MARK: The publish form

    /// The schedule form as typed: amounts as text, keyed by `level.difficulty`.
    struct ScheduleForm {
        var orgUnitId: Int?
        var validFrom = ""
        var validTo = ""
        var note = ""
        var rates: [String: String] = [:]
        var basis: [JobDifficulty: LabourBasis] = [.a: .perHour, .b: .perHour, .c: .perHour, .d: .perJob]
        var travel: [(upToKm: String, amount: String)] = Array(repeating: ("", ""), count: FeePages.travelRows)
        var training: [(content: String, method: TrainingMethod, amount: String)] = Array(
            repeating: ("", .onSite, ""), count: FeePages.trainingRows)
        /// Which form row each travel band and training rate came from (blank rows are left out).
        var rows: [String: [Int]] = [:]

        static func key(_ level: Int, _ difficulty: JobDifficulty) -> String { "\(level).\(difficulty.rawValue)" }

        /// A new schedule copied from `view`: its unit and rates, from tomorrow.
        init(copying view: FeeScheduleRecord.View? = nil, from day: CalendarDate? = nil) {
            validFrom = day?.description ?? ""
            guard let view else { return }
            orgUnitId = view.orgUnitId
            for rate in view.labour {
                rates[Self.key(rate.level, rate.difficulty)] =
                    Money(minor: rate.amountMinor, currency: view.currency)
                    .decimalText
                basis[rate.difficulty] = rate.basis
            }
            for (index, band) in view.travel.prefix(FeePages.travelRows).enumerated() {
                travel[index] = (
                    band.upToKm.map(String.init) ?? "",
                    Money(minor: band.amountMinor, currency: view.currency).decimalText
                )
            }
            for (index, rate) in view.training.prefix(FeePages.trainingRows).enumerated() {
                training[index] = (
                    rate.content, rate.method, Money(minor: rate.perHourMinor, currency: view.currency).decimalText
                )
            }
        }
    }

    static let travelRows = 5
    static let trainingRows = 4

    struct FormModel: Encodable {
        struct Cell: Encodable {
            var name: String
            var label: String
            var value: String
        }

        struct Difficulty: Encodable {
            var code: String
            var label: String
            var basisOptions: [SelectOption]
            var cells: [Cell]
        }

        struct Band: Encodable {
            var index: Int
            var number: String
            var upToKm: String
            var amount: String
        }

        struct Training: Encodable {
            var index: Int
            var number: String
            var content: String
            var methodOptions: [SelectOption]
            var amount: String
        }

        var unitOptions: [SelectOption]
        var validFrom: String
        var validTo: String
        var note: String
        var difficulties: [Difficulty]
        var travel: [Band]
        var training: [Training]
        var errors: [FieldMessage]
    }

    /// the publish form in the reader's language, as typed (or copied from the schedule in effect).
    static func formModel(
        _ form: ScheduleForm, units: [OrgUnitRecord.View], _ l: Localizer, errors: [FieldMessage] = []
    ) -> FormModel {
        FormModel(
            unitOptions: units.map {
                SelectOption(
                    value: "\($0.id)", label: "\($0.code) · \($0.name) · \($0.currency.rawValue)",
                    selected: $0.id == form.orgUnitId)
            }, validFrom: form.validFrom, validTo: form.validTo, note: form.note,
            difficulties: JobDifficulty.allCases.map { difficulty in
                FormModel.Difficulty(
                    code: difficulty.rawValue, label: l.t("difficulty.\(difficulty.rawValue)"),
                    basisOptions: SelectOption.of(
                        LabourBasis.self, prefix: "labourBasis", selected: form.basis[difficulty], l),
                    cells: FeeSchedule.levels.map { level in
                        let key = ScheduleForm.key(level, difficulty)
                        return FormModel.Cell(
                            name: "rate.\(key)",
                            label: l.t("fees.levelN").replacingOccurrences(of: "{n}", with: l.number(level)),
                            value: form.rates[key] ?? "")
                    })
            },
            travel: form.travel.enumerated().map { index, band in
                FormModel.Band(
                    index: index, number: l.number(index + 1), upToKm: band.upToKm, amount: band.amount)
            },
            training: form.training.enumerated().map { index, row in
                FormModel.Training(
                    index: index, number: l.number(index + 1), content: row.content,
                    methodOptions: SelectOption.of(
                        TrainingMethod.self, prefix: "trainingMethod", selected: row.method, l),
                    amount: row.amount)
            }, errors: errors)
    }
}
