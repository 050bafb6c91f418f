import AftercareDomain
import Foundation

/// How pages write quantities, money and units, in the reader's language: one place for every area.
extension Localizer {
    /// A quantity: whole numbers without decimals, up to three otherwise.
    func quantity(_ value: Double) -> String {
        value.formatted(.number.precision(.fractionLength(0...3)).locale(locale))
    }

    /// An amount in minor units (fen, cents) with two decimals.
    func money(_ minor: Int?) -> String? {
        guard let minor else { return nil }
        return (Double(minor) / 100).formatted(.number.precision(.fractionLength(2)).locale(locale))
    }

    /// A unit of measure's name.
    func unit(_ unit: UnitOfMeasure) -> String { t("uom.\(unit.rawValue)") }
}

extension Localizer {
    /// A decimal number with exactly `digits` decimals.
    func number(_ value: Double, digits: Int) -> String {
        value.formatted(.number.precision(.fractionLength(digits)).locale(locale))
    }
}
