/// the currencies an organisation unit bills in (ISO 4217). CNY is the default; the Madrid unit bills in EUR.
public enum Currency: String, CodedEnum {
    case cny = "CNY"
    case eur = "EUR"

    /// Digits after the decimal point of the minor unit (fen, cent).
    public var minorDigits: Int { 2 }
}

/// an amount of money as an integer count of the currency's minor unit (fen, cent), never a floating point
/// number: sums, quotes and payments add up exactly.
public struct Money: Equatable, Hashable, Sendable, Codable, Comparable {
    public var minor: Int
    public var currency: Currency

    /// The largest amount a line, a document or a payment may carry: 10 000 000 000.00.
    public static let maximumMinor = 1_000_000_000_000
    /// The largest price of one thing (a part's cost, an order line's unit price, an approval limit): 10 000 000.00.
    public static let maximumPriceMinor = 1_000_000_000

    public init(minor: Int, currency: Currency) {
        self.minor = minor
        self.currency = currency
    }

    public static func zero(_ currency: Currency) -> Money { Money(minor: 0, currency: currency) }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.minor < rhs.minor }

    /// The amount in major units as text with the minor digits, `1234.50`, `-0.05`: for CSV and the API's
    /// readers; pages format it for the reader's locale.
    public var decimalText: String {
        let scale = Self.scale(currency)
        let sign = minor < 0 ? "-" : ""
        let whole = abs(minor) / scale
        let fraction = String(abs(minor) % scale)
        return sign + String(whole) + "." + String(repeating: "0", count: currency.minorDigits - fraction.count)
            + fraction
    }

    static func scale(_ currency: Currency) -> Int {
        (0..<currency.minorDigits).reduce(1) { value, _ in value * 10 }
    }
}

/// the one rounding rule for money: `numerator / denominator` to the nearest whole minor unit, halves away
/// from zero (四舍五入), computed without overflow. Nil when the result is larger than `Money.maximumMinor`.
public func roundedQuotient(_ numerator: Int128, _ denominator: Int128) -> Int? {
    precondition(denominator > 0, "a rounding denominator is positive")
    let magnitude = numerator.magnitude
    let quotient = (magnitude + UInt128(denominator) / 2) / UInt128(denominator)
    guard quotient <= UInt128(Money.maximumMinor) else { return nil }
    return numerator < 0 ? -Int(quotient) : Int(quotient)
}

extension Money {
    /// An amount as people type it (`120`, `120.5`, `120,50`, `1 200.00`) in minor units of a currency with two
    /// decimals; nil when it is not one: negative, more than two decimals, or beyond `maximumMinor`.
    public static func minor(parsing text: String) -> Int? {
        let compact = text.filter { !$0.isWhitespace }.replacingOccurrences(of: ",", with: ".")
        let parts = compact.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty || parts.count == 2, whole.count <= 13,
            whole.allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.count <= 2, fraction.allSatisfy({ $0.isASCII && $0.isNumber }),
            parts.count == 1 || !(whole.isEmpty && fraction.isEmpty)
        else { return nil }
        let padded = String(fraction) + String(repeating: "0", count: 2 - fraction.count)
        guard let major = Int(whole.isEmpty ? "0" : String(whole)), let minor = Int(padded) else { return nil }
        let (scaled, overflow) = major.multipliedReportingOverflow(by: 100)
        guard !overflow, scaled + minor <= maximumMinor else { return nil }
        return scaled + minor
    }
}
