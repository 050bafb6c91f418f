import AftercareDomain
import Foundation

/// a quote as people read it: the job as asked, the priced lines, where it stands and the customer's answer.
public struct QuoteView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var requestId: Int
    public var requestNumber: String
    public var orgUnitId: Int
    public var customerId: Int
    public var customerName: String
    public var status: QuoteStatus
    public var allowedEvents: [QuoteEventKind]
    public var currency: Currency
    /// The job as it was asked to be priced.
    public var pricing: PricingRequest
    public var priced: PricedJob
    public var scheduleId: Int
    public var chargedMinor: Int
    public var freeMinor: Int
    /// The last day the customer may accept it.
    public var validUntil: CalendarDate
    /// What the service tells the customer with the price.
    public var note: String?
    public var sentAt: Date?
    public var answeredAt: Date?
    public var answeredBy: String?
    public var answerChannel: Channel?
    /// Why it was rejected or withdrawn.
    public var reason: String?
    public var createdBy: String
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date
}

/// a quote to draft for a request. Units left out are the request's own, with the cause the desk recorded.
public struct QuoteInput: Codable, Sendable, Equatable {
    public var pricing: PricingRequest
    /// How many days the customer has to answer once it is sent (1–90, 14 when not given).
    public var validDays: Int?
    public var note: String?

    public init(pricing: PricingRequest, validDays: Int? = nil, note: String? = nil) {
        self.pricing = pricing
        self.validDays = validDays
        self.note = note
    }

    public static let defaultValidDays = 14
}

/// a step on a quote: send it, the customer's answer (with how it came, when an agent records it), or
/// taking it back.
public struct QuoteEventInput: Codable, Sendable, Equatable {
    public var event: QuoteEventKind
    public var reason: String?
    public var channel: Channel?
    public var expectedVersion: Int?

    public init(event: QuoteEventKind, reason: String? = nil, channel: Channel? = nil, expectedVersion: Int? = nil) {
        self.event = event
        self.reason = reason
        self.channel = channel
        self.expectedVersion = expectedVersion
    }
}

/// whether a request type needs an accepted quote before out-of-warranty work starts.
public struct QuoteRule: Codable, Sendable, Equatable {
    public var type: RequestType
    public var quoteRequired: Bool

    public init(type: RequestType, quoteRequired: Bool) {
        self.type = type
        self.quoteRequired = quoteRequired
    }
}

/// an invoice or a credit note, with its sums and, for an invoice, the payments and credit notes against it.
public struct FeeDocumentView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var number: String
    public var kind: FeeDocumentKind
    public var requestId: Int
    public var requestNumber: String
    public var orgUnitId: Int
    public var orgUnitName: String
    public var customerId: Int
    public var customerName: String
    /// For a credit note: the invoice it corrects.
    public var creditsDocumentId: Int?
    public var creditsNumber: String?
    public var quoteId: Int?
    public var scheduleId: Int?
    public var currency: Currency
    /// An invoice's charged total; a credit note's amount.
    public var billedMinor: Int
    /// The value of the work given free (in warranty), shown beside what is charged.
    public var freeMinor: Int
    public var lines: [PricedLine]
    /// A credit note's reason.
    public var reason: String?
    public var issuedBy: String
    public var issuedAt: Date
    /// An invoice's sums; a credit note's are its own amount.
    public var balance: FeeBalance
    public var standing: FeeDocumentStanding
    public var payments: [PaymentView]?
    public var creditNotes: [CreditNoteRef]?

    /// An invoice that still bills its request (a free one, or one not fully credited): the request is not billed
    /// again while it stands. The same rule as `FeeDocuments.standingInvoice` in SQL.
    public var stands: Bool { kind == .invoice && (billedMinor == 0 || balance.dueMinor > 0) }
}

/// A credit note as its invoice lists it.
public struct CreditNoteRef: Codable, Sendable, Equatable {
    public var id: Int
    public var number: String
    public var amountMinor: Int
    public var reason: String?
    public var issuedAt: Date
}

/// one entry against an invoice: a payment (positive) or a refund (negative).
public struct PaymentView: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var documentId: Int
    public var documentNumber: String
    public var kind: PaymentEntryKind
    public var method: PaymentMethod
    public var amountMinor: Int
    public var currency: Currency
    public var overpayment: Bool
    /// The bank's or the cheque's reference.
    public var reference: String?
    /// The accounts staff's own note; never shown to the customer.
    public var note: String?
    public var receivedOn: CalendarDate
    public var recordedBy: String
    public var recordedAt: Date
}

/// a payment or refund to record. The amount is always positive; a refund is its own kind.
public struct PaymentInput: Codable, Sendable, Equatable {
    public var kind: PaymentEntryKind?
    public var method: PaymentMethod
    public var amountMinor: Int
    /// The document's when not given.
    public var currency: Currency?
    /// Accept more than is outstanding, kept as an overpayment.
    public var overpayment: Bool?
    public var reference: String?
    public var note: String?
    /// Today in the unit's time zone when not given.
    public var receivedOn: CalendarDate?

    public init(
        kind: PaymentEntryKind? = nil, method: PaymentMethod, amountMinor: Int, currency: Currency? = nil,
        overpayment: Bool? = nil, reference: String? = nil, note: String? = nil, receivedOn: CalendarDate? = nil
    ) {
        self.kind = kind
        self.method = method
        self.amountMinor = amountMinor
        self.currency = currency
        self.overpayment = overpayment
        self.reference = reference
        self.note = note
        self.receivedOn = receivedOn
    }
}

/// a credit note against an invoice: an amount (everything still billed when not given) and why.
public struct CreditNoteInput: Codable, Sendable, Equatable {
    public var amountMinor: Int?
    public var reason: String

    public init(amountMinor: Int? = nil, reason: String) {
        self.amountMinor = amountMinor
        self.reason = reason
    }
}

/// Which fee documents to list.
public struct FeeDocumentFilter: Sendable, Equatable {
    public var requestId: Int?
    public var customerId: Int?
    public var orgUnitId: Int?
    public var kind: FeeDocumentKind?
    /// Only invoices with something still to pay.
    public var outstandingOnly = false
    public var issuedFrom: Date?
    public var issuedBefore: Date?

    public init() {}
}

/// the fee report of a period: what was billed, credited, collected and is outstanding by organisation unit,
/// and what was charged and given free by product line and by cause. Sums are per currency.
public struct FeeReport: Codable, Sendable, Equatable {
    public struct Row: Codable, Sendable, Equatable {
        /// The unit's or product line's id, or the cause's code.
        public var key: String
        public var name: String
        public var currency: Currency
        public var documents: Int
        public var billedMinor: Int
        public var freeMinor: Int
        public var creditedMinor: Int
        public var collectedMinor: Int
        public var outstandingMinor: Int
    }

    public var from: CalendarDate
    public var to: CalendarDate
    public var byOrgUnit: [Row]
    public var byProductLine: [Row]
    public var byCause: [Row]
}

/// out-of-warranty work waits for the customer's yes to a quote.
public struct QuoteNeeded: Error, Equatable, Sendable {
    public var requestId: Int
    /// Where the latest quote stands; nil when there is none.
    public var latest: QuoteStatus?
}

/// A quote step its status does not allow.
public struct QuoteStepNotAllowed: Error, Equatable, Sendable {
    public var id: Int
    public var status: QuoteStatus
    public var event: QuoteEventKind
    public var allowed: [QuoteEventKind]
}

/// why a request cannot be billed now.
public struct NotBillable: Error, Equatable, Sendable {
    public enum Reason: String, Codable, Sendable {
        /// No report handed in and no accepted quote: nothing says what was done.
        case nothingDone
        /// A unit's warranty is not decided (the cause is unknown): its lines cannot be free or charged yet.
        case warrantyPending
        /// The request has an invoice that is not fully credited.
        case alreadyBilled
    }

    public var requestId: Int
    public var reason: Reason
    /// The invoice in the way, for `alreadyBilled`.
    public var number: String?
}
