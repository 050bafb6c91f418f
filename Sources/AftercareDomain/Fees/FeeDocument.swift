import Foundation

/// what a fee document is: the bill for a job (an invoice or receipt), or a credit note that
/// corrects one. Fee documents are append-only: a mistake is corrected by a credit note that references the
/// original, never by an edit.
public enum FeeDocumentKind: String, CodedEnum {
    case invoice
    case creditNote

    /// The prefix of the document's number.
    public var prefix: String {
        switch self {
        case .invoice: "INV"
        case .creditNote: "CN"
        }
    }
}

/// a fee document's number, one gap-free sequence per kind, organisation unit and year:
/// `INV-BR-EC-2026-000017`, `CN-BR-EC-2026-000002`.
public struct FeeDocumentNumber: Hashable, Sendable, CustomStringConvertible {
    public let kind: FeeDocumentKind
    public let unitCode: String
    public let year: Int
    public let sequence: Int

    public init(kind: FeeDocumentKind, unitCode: String, year: Int, sequence: Int) {
        self.kind = kind
        self.unitCode = unitCode
        self.year = year
        self.sequence = sequence
    }

    /// Parses `INV-<unit code>-YYYY-NNNNNN` (the unit code may itself contain dashes).
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        let digits = Set("0123456789")
        guard parts.count >= 4, let kind = FeeDocumentKind.allCases.first(where: { $0.prefix == parts[0] }),
            let yearText = parts.dropLast().last, yearText.count == 4, yearText.allSatisfy(digits.contains),
            let sequenceText = parts.last, (6...12).contains(sequenceText.count),
            sequenceText.allSatisfy(digits.contains), let year = Int(yearText), let sequence = Int(sequenceText),
            sequence > 0
        else { return nil }
        let unit = parts[1..<(parts.count - 2)].joined(separator: "-")
        guard !unit.isEmpty else { return nil }
        self.init(kind: kind, unitCode: unit, year: year, sequence: sequence)
    }

    /// The name of the counter this number is drawn from.
    public static func sequenceName(kind: FeeDocumentKind, unitCode: String, year: Int) -> String {
        "\(kind.prefix)-\(unitCode)-\(year)"
    }

    public var description: String {
        "\(kind.prefix)-\(unitCode)-\(year)-" + String(format: "%06d", sequence)
    }
}

/// how a customer paid.
public enum PaymentMethod: String, CodedEnum {
    case cash, bankTransfer, cheque, card, online
}

/// a payment entry: money received, or (negative) a refund.
public enum PaymentEntryKind: String, CodedEnum {
    case payment
    case refund
}

/// where a fee document stands, from its total and the entries against it. Never stored by hand: it is
/// what the sums say.
public enum FeeDocumentStanding: String, CodedEnum {
    /// Nothing received yet.
    case unpaid
    case partiallyPaid
    case paid
    /// More received than due (recorded as an overpayment), waiting for a refund or a later document.
    case overpaid
    /// Fully credited: a credit note took back everything it billed.
    case cancelled
    /// A document for nothing to pay (all lines free): kept as the record of a free job.
    case free
}

/// the sums of one fee document, in minor units of its currency.
public struct FeeBalance: Equatable, Sendable, Codable {
    /// What the document bills (its lines' amounts; a credit note's total is counted on the invoice it credits).
    public var billedMinor: Int
    /// What credit notes took back from it.
    public var creditedMinor: Int
    /// Payments less refunds.
    public var receivedMinor: Int

    public init(billedMinor: Int, creditedMinor: Int = 0, receivedMinor: Int = 0) {
        self.billedMinor = billedMinor
        self.creditedMinor = creditedMinor
        self.receivedMinor = receivedMinor
    }

    /// What is due after credit notes.
    public var dueMinor: Int { billedMinor - creditedMinor }
    /// What is still to be paid (negative when overpaid).
    public var outstandingMinor: Int { dueMinor - receivedMinor }

    public var standing: FeeDocumentStanding {
        if billedMinor == 0, receivedMinor == 0 { return .free }
        if dueMinor <= 0, receivedMinor <= 0 { return .cancelled }
        if receivedMinor <= 0 { return .unpaid }
        if outstandingMinor > 0 { return .partiallyPaid }
        return outstandingMinor == 0 ? .paid : .overpaid
    }
}

/// Why a payment or a refund is refused, by field.
public enum PaymentRules {
    /// The largest single payment, in minor units (ten million in the major unit).
    public static let maximumMinor = 1_000_000_000

    /// The problems of recording `amountMinor` (always positive; a refund is its own kind) in `currency` against a
    /// document in `documentCurrency` with `balance`:
    /// - `amount`: not positive, absurd, more than outstanding (unless `overpayment` is allowed), or a refund larger
    ///   than what was received;
    /// - `currency`: not the document's;
    /// - `document`: a credit note (payments are made against invoices), or an invoice fully credited.
    public static func problems(
        kind: PaymentEntryKind, amountMinor: Int, currency: Currency, documentKind: FeeDocumentKind,
        documentCurrency: Currency, balance: FeeBalance, overpayment: Bool
    ) -> [String: FieldProblem] {
        var v = Validator()
        if amountMinor <= 0 || amountMinor > maximumMinor {
            v.add("amount", .outOfRange(min: 1, max: maximumMinor))
        }
        if currency != documentCurrency { v.add("currency", .invalidValue(allowed: [documentCurrency.rawValue])) }
        if documentKind == .creditNote {
            v.add("document", .invalidValue(allowed: [FeeDocumentKind.invoice.rawValue]))
        } else if balance.standing == .cancelled {
            v.add("document", .archived)
        }
        switch kind {
        case .payment:
            // Nothing is ever paid on a free document, overpayment or not.
            if !overpayment || balance.billedMinor == 0, amountMinor > max(0, balance.outstandingMinor) {
                v.add("amount", .outOfRange(min: 1, max: max(0, balance.outstandingMinor)))
            }
        case .refund:
            if amountMinor > max(0, balance.receivedMinor) {
                v.add("amount", .outOfRange(min: 1, max: max(0, balance.receivedMinor)))
            }
        }
        return v.error.fields
    }

    /// The problems of a credit note of `amountMinor` against an invoice with `balance`: positive, and at most what
    /// is still billed (not yet credited).
    public static func creditProblems(amountMinor: Int, balance: FeeBalance) -> [String: FieldProblem] {
        var v = Validator()
        if amountMinor <= 0 || amountMinor > max(0, balance.dueMinor) {
            v.add("amount", .outOfRange(min: 1, max: max(0, balance.dueMinor)))
        }
        return v.error.fields
    }
}
