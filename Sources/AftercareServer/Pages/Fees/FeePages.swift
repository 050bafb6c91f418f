import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// the pages of fees: the schedules' list, one schedule as the reader sees it, the form that publishes a new
/// one, and the price calculator. They call the same use cases as `FeeController`, through the caller's scoped store.
struct FeePages: Sendable {
    func register(_ root: any RoutesBuilder) {
        root.get("fees", use: schedules).requires(.action(.viewFees))
        root.get("fees", "new", use: newSchedule).requires(.action(.manageFees))
        root.get("fees", "price", use: calculator).requires(.action(.viewFees))
        root.post("fees", use: publish).requires(.action(.manageFees))
        root.get("fees", ":id", use: schedule).requires(.action(.viewFees))
        root.post("fees", ":id", "withdraw", use: withdraw).requires(.action(.manageFees))
    }

    /// How the schedule form names its fields: `labour.3.amount` is the fourth rate's amount ("level 3 · B"),
    /// `travel.1.upToKm` the second band's distance, `training.0.content` the first training's content.
    static func labels(rates: [LabourRate] = []) -> FieldLabels {
        .area("fees") { field, l in
            let parts = field.split(separator: ".").map(String.init)
            guard parts.count >= 2, let index = Int(parts[1]) else { return nil }
            switch parts[0] {
            case "labour" where index < rates.count:
                return rateLabel(level: rates[index].level, difficulty: rates[index].difficulty, l)
            case "rate" where parts.count == 3:
                return JobDifficulty(rawValue: parts[2]).map { rateLabel(level: index, difficulty: $0, l) }
            case "travel":
                return l.t("fees.travelBand").replacingOccurrences(of: "{n}", with: l.number(index + 1))
            case "training":
                return l.t("fees.trainingRow").replacingOccurrences(of: "{n}", with: l.number(index + 1))
            default: return nil
            }
        }
    }

    static func rateLabel(level: Int, difficulty: JobDifficulty, _ l: Localizer) -> String {
        l.t("fees.levelN").replacingOccurrences(of: "{n}", with: l.number(level)) + " · "
            + l.t("difficulty.\(difficulty.rawValue)")
    }
}
