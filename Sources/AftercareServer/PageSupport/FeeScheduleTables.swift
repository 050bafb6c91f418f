import AftercareDomain
import AftercareStore
import Foundation

/// a published fee schedule in the reader's words, as every page that shows one shows it (the fee
/// pages, and the customer's request in the portal): labour by level × difficulty, travel bands, training.
struct FeeScheduleTables: Encodable {
    struct LabourRow: Encodable {
        var level: String
        var cells: [String]
    }

    struct Line: Encodable {
        var label: String
        var amount: String
    }

    struct Training: Encodable {
        var content: String
        var method: String
        var amount: String
    }

    var unit: String
    var currency: String
    var validity: String
    /// Column heads: the difficulty's letter; `legend` names each.
    var difficulties: [String]
    var legend: String
    var labour: [LabourRow]
    var travel: [Line]
    var training: [Training]

    init(_ view: FeeScheduleRecord.View, _ l: Localizer) {
        let levels = Set(view.labour.map(\.level)).sorted()
        let difficulties = JobDifficulty.allCases.filter { d in view.labour.contains { $0.difficulty == d } }
        unit = view.orgUnitName
        currency = l.t("currency.\(view.currency.rawValue)")
        validity = Self.validity(view, l)
        self.difficulties = difficulties.map { $0.rawValue.uppercased() }
        legend = difficulties.map { l.t("difficulty.\($0.rawValue)") }.joined(separator: " · ")
        labour = levels.map { level in
            LabourRow(
                level: l.t("fees.levelN").replacingOccurrences(of: "{n}", with: l.number(level)),
                cells: difficulties.map { difficulty in
                    guard let rate = view.labour.first(where: { $0.level == level && $0.difficulty == difficulty })
                    else { return "—" }
                    return Self.rate(rate.amountMinor, basis: rate.basis, l)
                })
        }
        var previous: Int?
        travel = view.travel.map { band in
            defer { previous = band.upToKm }
            let label: String
            if let limit = band.upToKm {
                label = l.t("fees.upToKm").replacingOccurrences(of: "{n}", with: l.number(limit))
            } else if let previous {
                label = l.t("fees.beyondKm").replacingOccurrences(of: "{n}", with: l.number(previous))
            } else {
                label = l.t("fees.anyDistance")
            }
            return Line(label: label, amount: l.money(band.amountMinor) ?? "")
        }
        training = view.training.map {
            Training(
                content: $0.content, method: l.t("trainingMethod.\($0.method.rawValue)"),
                amount: Self.rate($0.perHourMinor, basis: .perHour, l))
        }
    }

    static func rate(_ minor: Int, basis: LabourBasis, _ l: Localizer) -> String {
        l.t("labourRate.\(basis.rawValue)").replacingOccurrences(of: "{amount}", with: l.money(minor) ?? "")
    }

    /// "2026-01-01 起", "2026-01-01 至 2026-12-31".
    static func validity(_ view: FeeScheduleRecord.View, _ l: Localizer) -> String {
        guard let end = view.validTo else {
            return l.t("fees.validFromOnly").replacingOccurrences(of: "{from}", with: view.validFrom.description)
        }
        return l.t("fees.validity").replacingOccurrences(of: "{from}", with: view.validFrom.description)
            .replacingOccurrences(of: "{to}", with: end.description)
    }
}
