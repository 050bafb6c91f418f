import Foundation

/// what the one search box's text can mean. The desk types whatever it has: a request number or its
/// tail ("000467", "467"), a serial, a phone with or without separators, a customer's or contact's name, or words
/// of the fault ("打印模糊"). Each meaning is looked up where it is indexed, and the hits of all are shown together.
public struct SearchTerms: Equatable, Sendable {
    /// Whole request numbers to look up: the number typed, or each recent year's number with the typed tail.
    public var numbers: [String] = []
    /// The digits of a phone (5 to 20 digits typed with nothing but digits and separators).
    public var phoneDigits: String?
    /// Serials to look up exactly: as typed and upper-cased.
    public var serials: [String] = []
    /// Words for names (customers, contacts) and the fault text; `nil` for a number or a phone.
    public var words: String?

    /// How many years back a number's tail is looked for.
    public static let tailYears = 10

    /// The meanings of `text` as typed; `thisYear` is the current year in the deployment's zone.
    public init(_ text: String, thisYear: Int) {
        let typed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !typed.isEmpty else { return }
        if let number = ServiceRequestNumber(typed.uppercased()) {
            numbers = [number.description]
            return
        }
        let digits = PhoneNumber.digits(typed)
        let separators = Set(" +-().,/")
        let onlyDigits = typed.allSatisfy { $0.isASCII && $0.isNumber }
        if onlyDigits, (1...12).contains(typed.count), let sequence = Int(typed), sequence > 0 {
            numbers = (0..<Self.tailYears).map {
                ServiceRequestNumber(year: thisYear - $0, sequence: sequence).description
            }
        }
        let phoneLike = typed.allSatisfy { ($0.isASCII && $0.isNumber) || separators.contains($0) }
        if phoneLike, (5...20).contains(digits.count) { phoneDigits = digits }
        if !typed.contains(where: \.isWhitespace), typed.count >= 3, typed.count <= Limits.code {
            serials = Array(Set([typed, typed.uppercased()])).sorted()
        }
        if !phoneLike { words = String(typed.prefix(Limits.shortText)) }
    }

    /// Nothing to look for.
    public var isEmpty: Bool { numbers.isEmpty && phoneDigits == nil && serials.isEmpty && words == nil }

    /// The exact meanings alone (number, serial, phone), or nil when the text has none.
    public var exactOnly: SearchTerms? {
        guard !numbers.isEmpty || phoneDigits != nil || !serials.isEmpty else { return nil }
        var exact = self
        exact.words = nil
        return exact
    }

    /// The words alone (names, fault text), or nil when the text has none.
    public var wordsOnly: SearchTerms? {
        guard let words else { return nil }
        var only = SearchTerms("", thisYear: 0)
        only.words = words
        return only
    }
}
