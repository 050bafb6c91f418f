/// A closed set of values that travel as lowerCamelCase strings in the API and the database.
public protocol CodedEnum: RawRepresentable, CaseIterable, Codable, Hashable, Sendable where RawValue == String {}

extension CodedEnum {
    /// Every allowed raw value, for error messages and the API document.
    public static var allowedValues: [String] { allCases.map(\.rawValue) }
}

/// `001`: headquarters → branch service department → outlet or commissioned agent.
public enum OrgUnitKind: String, CodedEnum {
    case headquarters, branch, outlet, agent

    /// Which kinds may sit directly under this one.
    public var allowedChildren: Set<OrgUnitKind> {
        switch self {
        case .headquarters: [.branch, .outlet, .agent]
        case .branch: [.outlet, .agent]
        case .outlet, .agent: []
        }
    }
}

/// a company or institution, or a private person.
public enum CustomerKind: String, CodedEnum {
    case company, person
}

/// `001`: key customers are visited at least every half year, long-term ones at least yearly.
public enum CustomerTier: String, CodedEnum {
    case key, longTerm, regular

    /// The longest gap between periodic visits the seeds allow, in months (`nil`: no commitment).
    public var visitIntervalMonths: Int? {
        switch self {
        case .key: 6
        case .longTerm: 12
        case .regular: nil
        }
    }
}

/// the service level a model's plan promises (一品一案).
public enum ServiceLevel: String, CodedEnum {
    case exceeds, above, meets
}

/// service families: emergency (急救/应急), health care (保健), value added (超值/增值).
public enum ServiceFamily: String, CodedEnum {
    case emergency, healthCare, valueAdded
    /// the SLA policies of complaints (their acknowledgement and resolution deadlines); no product has it.
    case complaint

    /// The families a product model may offer.
    public static let productFamilies: [ServiceFamily] = allCases.filter { $0 != .complaint }
}

/// an installed unit is in service until it is retired.
public enum UnitStatus: String, CodedEnum {
    case inService, retired
}
