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

extension Localizer {
    /// R-3: an SLA policy's match conditions (`priority=emergency`) in words: the policy pages and the request
    /// page's SLA panel.
    func conditions(_ conditions: [String]) -> String {
        guard !conditions.isEmpty else { return t("sla.noConditions") }
        return conditions.map { condition -> String in
            let parts = condition.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return condition }
            let name = catalogue.has("sla.match.\(parts[0])") ? t("sla.match.\(parts[0])") : parts[0]
            let prefix: String? =
                switch parts[0] {
                case "serviceFamily": "serviceFamily"
                case "requestType": "type"
                case "priority": "priority"
                case "customerTier": "tier"
                case "emergency": "sla.bool"
                default: nil
                }
            let value = prefix.map { catalogue.has("\($0).\(parts[1])") ? t("\($0).\(parts[1])") : parts[1] }
            return "\(name): \(value ?? "#" + parts[1])"
        }.joined(separator: ", ")
    }
}

extension Localizer {
    /// R-1.2: a unit's warranty as it stands on `day`, before any fault: "In warranty until 2027-05-01".
    func warranty(_ period: WarrantyPeriod?, on day: CalendarDate) -> String {
        let standing = WarrantyStanding.of(period, on: day)
        let date: CalendarDate? =
            switch standing {
            case .covered, .expired: period?.end
            case .notStarted: period?.start
            case .unknown: nil
            }
        return t("warrantyStanding.\(standing.rawValue)").replacingOccurrences(
            of: "{date}", with: date?.description ?? "")
    }
}

extension Localizer {
    /// R-5.3: an engineer's qualification as a customer may check it: the level as `level` words it, then each
    /// certification valid that day with its expiry: "3 级工程师 · 电工特种作业操作证（有效期至 2027-05-01）".
    func qualification(_ level: String, certifications: [Certification]) -> String {
        ([level]
            + certifications.map { certificate in
                certificate.expiresOn.map {
                    t("portal.certificateUntil").replacingOccurrences(of: "{name}", with: certificate.name)
                        .replacingOccurrences(of: "{date}", with: $0.description)
                } ?? certificate.name
            }).joined(separator: " · ")
    }
}
