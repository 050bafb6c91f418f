import AftercareDomain
import AftercareStore
import Foundation

extension FeePages {
    // MARK: The price calculator

    static let calculatorUnits = 3
    static let calculatorLabour = 3
    static let calculatorParts = 4

    /// The calculator as typed: units by serial with the cause of their fault, labour rows naming a unit row (or
    /// all), one trip, parts by number. Row indexes are the form's, blank rows included.
    struct PriceForm {
        var orgUnitId: Int?
        var date = ""
        var units: [(serial: String, cause: FaultCause)] = Array(
            repeating: ("", .unknown), count: FeePages.calculatorUnits)
        var labour: [(unit: String, level: Int, difficulty: JobDifficulty, minutes: String)] = Array(
            repeating: ("", 3, .b, ""), count: FeePages.calculatorLabour)
        var km = ""
        var parts: [(number: String, quantity: String, unit: String, unitCost: String)] = Array(
            repeating: ("", "", "", ""), count: FeePages.calculatorParts)
        /// Whether the form asked for a price (not just opened).
        var asked = false
    }

    struct PriceModel: Encodable {
        struct UnitRow: Encodable {
            var index: Int
            var number: String
            var serial: String
            var causeOptions: [SelectOption]
        }

        struct LabourRow: Encodable {
            var index: Int
            var number: String
            var unitOptions: [SelectOption]
            var levelOptions: [SelectOption]
            var difficultyOptions: [SelectOption]
            var minutes: String
        }

        struct PartRow: Encodable {
            var index: Int
            var number: String
            var partNumber: String
            var quantity: String
            var unitCost: String
            var unitOptions: [SelectOption]
        }

        struct Line: Encodable {
            var what: String
            var unit: String
            var amount: String
            var charge: String
            var chargeCode: String
            var why: String
        }

        struct Result: Encodable {
            var schedule: String
            var scheduleLink: String
            var currency: String
            var decisions: [String]
            var lines: [Line]
            var charged: String
            var free: String
            var pending: String?
        }

        var unitOptions: [SelectOption]
        var date: String
        var units: [UnitRow]
        var labour: [LabourRow]
        var km: String
        var parts: [PartRow]
        var errors: [FieldMessage]
        var result: Result?
        /// R-6.2: the request a quote would be for (`request=`), and where the answer is saved as its quote.
        var request: String?
        var requestId: Int?
        var requestLink: String?
        var quoteAction: String?
    }

    /// What the calculator's answer names: the serials of the units and the parts' numbers and names, by id.
    struct PriceNames {
        var serials: [Int: String] = [:]
        var parts: [Int: String] = [:]
    }

    /// R-6.1–R-6.2: the calculator in the reader's language: the form as typed and, when priced, every line with
    /// what it is, for which unit, its amount and why it is free, charged or waiting for the warranty decision.
    static func priceModel(
        _ form: PriceForm, units: [OrgUnitRecord.View], quote: PricingQuote?, names: PriceNames, _ l: Localizer,
        errors: [FieldMessage] = []
    ) -> PriceModel {
        let unitChoices = { (selected: String) in
            [SelectOption(value: "", label: l.t("fees.allUnits"), selected: selected.isEmpty)]
                + (0..<calculatorUnits).map {
                    SelectOption(
                        value: "\($0)",
                        label: l.t("fees.unitN").replacingOccurrences(of: "{n}", with: l.number($0 + 1)),
                        selected: selected == "\($0)")
                }
        }
        return PriceModel(
            unitOptions: [SelectOption(value: "", label: l.t("fees.fromUnits"), selected: form.orgUnitId == nil)]
                + units.map {
                    SelectOption(value: "\($0.id)", label: "\($0.code) · \($0.name)", selected: $0.id == form.orgUnitId)
                }, date: form.date,
            units: form.units.enumerated().map { index, row in
                .init(
                    index: index, number: l.number(index + 1), serial: row.serial,
                    causeOptions: SelectOption.of(FaultCause.self, prefix: "cause", selected: row.cause, l))
            },
            labour: form.labour.enumerated().map { index, row in
                .init(
                    index: index, number: l.number(index + 1), unitOptions: unitChoices(row.unit),
                    levelOptions: FeeSchedule.levels.map {
                        SelectOption(
                            value: "\($0)",
                            label: l.t("fees.levelN").replacingOccurrences(of: "{n}", with: l.number($0)),
                            selected: $0 == row.level)
                    },
                    difficultyOptions: SelectOption.of(
                        JobDifficulty.self, prefix: "difficulty", selected: row.difficulty, l), minutes: row.minutes)
            }, km: form.km,
            parts: form.parts.enumerated().map { index, row in
                .init(
                    index: index, number: l.number(index + 1), partNumber: row.number, quantity: row.quantity,
                    unitCost: row.unitCost, unitOptions: unitChoices(row.unit))
            }, errors: errors, result: quote.map { result($0, names: names, l) })
    }

    static func result(_ quote: PricingQuote, names: PriceNames, _ l: Localizer) -> PriceModel.Result {
        let priced = quote.priced
        return PriceModel.Result(
            schedule: quote.scheduleOrgUnitName, scheduleLink: "/fees/\(quote.scheduleId)",
            currency: l.t("currency.\(priced.currency.rawValue)"),
            decisions: quote.units.map {
                "\(names.serials[$0.unitId] ?? "") · \(l.t("warranty.\($0.decision.status.rawValue)"))"
            },
            lines: PricedLines.rows(priced.lines, names: names, l), charged: l.money(priced.chargedMinor) ?? "",
            free: l.money(priced.freeMinor) ?? "",
            pending: priced.pendingMinor > 0 ? l.money(priced.pendingMinor) : nil)
    }

    /// What a line prices, in words: "3 级 · 难度 B（一般） · 1 小时 30 分钟", "25 公里（30 公里以内）", "DR-200 感光鼓 × 2".
    static func what(_ line: PricedLine, names: PriceNames, _ l: Localizer) -> String {
        switch line.kind {
        case .labour:
            let level = l.t("fees.levelN").replacingOccurrences(of: "{n}", with: l.number(line.level ?? 0))
            let difficulty = l.t("difficulty.\((line.difficulty ?? .a).rawValue)")
            let time = line.minutes.map { l.duration(seconds: $0 * 60) } ?? l.t("labourBasis.perJob")
            return "\(level) · \(difficulty) · \(time)"
        case .travel:
            let distance = l.t("fees.km").replacingOccurrences(
                of: "{n}", with: l.number(Double(line.meters ?? 0) / 1000, digits: 1))
            let band =
                line.bandUpToKm.map { l.t("fees.upToKm").replacingOccurrences(of: "{n}", with: l.number($0)) }
                ?? l.t("fees.openBand")
            return "\(l.t("fees.travel")) · \(distance) (\(band))"
        case .part:
            let name = line.partId.flatMap { names.parts[$0] } ?? ""
            return "\(name) × \(Quantity.text(line.quantityMilli ?? 0))"
        case .training:
            let time = line.minutes.map { l.duration(seconds: $0 * 60) } ?? ""
            return "\(line.content ?? "") · \(l.t("trainingMethod.\((line.method ?? .onSite).rawValue)")) · \(time)"
        }
    }
}
