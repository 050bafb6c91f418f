import AftercareDomain
import AftercareStore
import Foundation

extension PartsPages {
    // MARK: Stocktake: its model, from the variance report alone

    struct StocktakeModel: Encodable {
        struct Line: Encodable {
            var partId: Int
            var partNumber: String
            var partName: String
            var unit: String
            var bin: String?
            var book: String
            var counted: String?
            var variance: String?
            var varianceCode: String
            var varianceValue: String?
            var countedBy: String?
        }

        var id: Int
        var warehouseCode: String
        var status: String
        var statusCode: String
        var started: String
        var decided: String?
        var note: String?
        var counting: Bool
        var canCount: Bool
        var canApprove: Bool
        var canCancel: Bool
        var lines: [Line]
        var countedLines: String
        var uncountedLines: String
        var linesWithVariance: String
        var netValue: String
        var grossValue: String
        var partNumber: String
        var quantity: String
        var modeOptions: [SelectOption]
        var lastCounted: String?
        var errors: [FieldMessage]
    }

    /// The count form as typed, and the part counted last.
    struct CountForm {
        var partNumber = ""
        var quantity = ""
        var mode = CountInput.Mode.set
        var lastCounted: String?
    }

    /// R-7.6: the stocktake page for `principal` in the reader's language: the variance report, the steps they may
    /// take, and the count form as typed.
    static func stocktakeModel(
        _ report: VarianceReport, principal: Principal, _ l: Localizer, form: CountForm = CountForm(),
        errors: [FieldMessage] = []
    ) -> StocktakeModel {
        let take = report.stocktake
        let counting = take.status == .counting
        return StocktakeModel(
            id: take.id, warehouseCode: take.warehouseCode, status: l.t("stocktakeStatus.\(take.status.rawValue)"),
            statusCode: take.status.rawValue, started: "\(l.dateTime(take.startedAt)) · \(take.startedBy)",
            decided: take.decidedAt.map { "\(l.dateTime($0)) · \(take.decidedBy ?? "")" }, note: take.note,
            counting: counting, canCount: counting && principal.may(.moveStock),
            canApprove: counting && principal.may(.approveStocktakes), canCancel: counting && principal.may(.moveStock),
            lines: report.lines.map { line in
                let code =
                    line.variance.map { $0 == 0 ? "none" : ($0 > 0 ? "over" : "short") } ?? "uncounted"
                return .init(
                    partId: line.partId, partNumber: line.partNumber, partName: line.partName,
                    unit: l.unit(line.unit), bin: line.bin, book: l.quantity(line.book),
                    counted: line.counted.map { l.quantity($0) },
                    variance: line.variance.map { ($0 > 0 ? "+" : "") + l.quantity($0) }, varianceCode: code,
                    varianceValue: l.money(line.varianceValue), countedBy: line.countedBy)
            }, countedLines: l.number(report.countedLines), uncountedLines: l.number(report.uncountedLines),
            linesWithVariance: l.number(report.linesWithVariance), netValue: l.money(report.netValue) ?? "",
            grossValue: l.money(report.grossValue) ?? "", partNumber: form.partNumber, quantity: form.quantity,
            modeOptions: SelectOption.of(CountInput.Mode.self, prefix: "stocktake.mode", selected: form.mode, l),
            lastCounted: form.lastCounted, errors: errors)
    }
}
