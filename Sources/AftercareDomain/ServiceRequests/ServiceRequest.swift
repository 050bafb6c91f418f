import Foundation

/// where a request came in.
public enum Channel: String, CodedEnum {
    case phone, email, web, portal, chat, walkIn, engineer, visit, suggestionBox
}

/// Issue 14: why a new request waits for a person to look at how it came in.
public enum IntakeFlag: String, CodedEnum {
    /// Opened from an e-mail whose sender is no customer's contact: the customer was made from the sender.
    case unknownSender
}

/// what the customer needs. Complaints are handled apart.
public enum RequestType: String, CodedEnum {
    case consultation, repair, installation, inspection, returnExchange, technicalSupport, training, valueAdded
}

/// urgency; `emergency` is the class of business-stopping failures.
public enum Priority: String, CodedEnum {
    case emergency, high, normal, low

    /// Smaller is more urgent, for sorting.
    public var rank: Int {
        switch self {
        case .emergency: 0
        case .high: 1
        case .normal: 2
        case .low: 3
        }
    }
}

/// how the emergency flag and the priority go together, the one place that says so.
public enum Urgency {
    /// At registration: the emergency priority marks an emergency, an emergency without a priority gets the
    /// emergency priority, and a request with neither is normal.
    public static func registered(priority: Priority?, emergency: Bool?) -> (priority: Priority, emergency: Bool) {
        let emergency = emergency ?? (priority == .emergency)
        return (priority ?? (emergency ? .emergency : .normal), emergency)
    }

    /// At a later step (triage): a given priority wins; marking the request an emergency raises it to the emergency
    /// priority; otherwise it stays.
    public static func changed(priority: Priority?, emergency: Bool?, before: Priority) -> Priority {
        priority ?? (emergency == true ? .emergency : before)
    }

    /// work that must not wait: an emergency, or the emergency or high priority.
    public static func isUrgent(priority: Priority, emergency: Bool) -> Bool {
        emergency || priority == .emergency || priority == .high
    }
}

/// the human-readable service number, one gap-free sequence per year: `SR-2026-000123`.
public struct ServiceRequestNumber: Hashable, Sendable, CustomStringConvertible {
    public let year: Int
    public let sequence: Int

    public init(year: Int, sequence: Int) {
        self.year = year
        self.sequence = sequence
    }

    /// Parses `SR-YYYY-NNNNNN` (six digits or more).
    public init?(_ text: String) {
        guard let (year, sequence) = YearlyNumber.parse(text, prefix: "SR") else { return nil }
        self.init(year: year, sequence: sequence)
    }

    /// The name of the counter this number is drawn from.
    public static func sequenceName(year: Int) -> String { "SR-\(year)" }

    public var description: String { YearlyNumber.format(prefix: "SR", year: year, sequence: sequence) }
}

/// The one shape of numbers drawn gap-free from a counter per year: `<PREFIX>-YYYY-NNNNNN` (six digits or more).
public enum YearlyNumber {
    public static func parse(_ text: String, prefix: String) -> (year: Int, sequence: Int)? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let digits = Set("0123456789")
        guard parts.count == 3, parts[0] == prefix, parts[1].count == 4, (6...12).contains(parts[2].count),
            parts[1].allSatisfy(digits.contains), parts[2].allSatisfy(digits.contains),
            let year = Int(parts[1]), let sequence = Int(parts[2]), sequence > 0
        else { return nil }
        return (year, sequence)
    }

    public static func format(prefix: String, year: Int, sequence: Int) -> String {
        "\(prefix)-\(year)-" + String(format: "%06d", sequence)
    }
}

/// Field limits shared by the API, the pages and the store.
public enum Limits {
    public static let name = 200
    public static let code = 64
    public static let shortText = 200
    public static let phone = 32
    public static let email = 254
    public static let longText = 4000
    public static let note = 2000
    public static let listPage = 1...200
    public static let unitsPerRequest = 50
    public static let contactsPerCustomer = 50
    public static let addressesPerCustomer = 50
    public static let phonesPerContact = 5
}

/// Phone numbers are compared by their digits only: "138-0013 8000" is "13800138000".
public enum PhoneNumber {
    public static func digits(_ text: String) -> String {
        String(text.unicodeScalars.filter { ("0"..."9").contains($0) }.map(Character.init))
    }

    /// Valid when it has 3 to 20 digits and only digits, spaces, `+`, `-`, `(`, `)`, `.`, `/` and `,` (a dialling pause).
    public static func isValid(_ text: String) -> Bool {
        let allowed = Set("0123456789 +-().,/")
        let digitCount = digits(text).count
        return text.allSatisfy { allowed.contains($0) } && (3...20).contains(digitCount)
    }

    /// For logs and lists that must not show a whole number (R-14, "full phone numbers never reach logs").
    public static func masked(_ text: String) -> String {
        let d = digits(text)
        guard d.count > 4 else { return String(repeating: "*", count: d.count) }
        return String(repeating: "*", count: d.count - 4) + d.suffix(4)
    }
}
