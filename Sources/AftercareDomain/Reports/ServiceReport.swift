import Foundation

/// the photos and videos of a service report: what the phone's camera makes, checked by content.
public enum ReportMedia {
    /// The kinds kept: photos (JPEG, PNG, HEIC, WebP) and short videos (MP4).
    public static let kinds: Set<FileKind> = [.jpeg, .png, .heic, .webp, .mp4]
    /// The largest photo, in bytes.
    public static let maxPhotoBytes = AttachmentRules.maxBytes
    /// The largest video (about a minute from a phone), in bytes.
    public static let maxVideoBytes = 40 * 1024 * 1024
    /// Most files in one upload.
    public static let maxPerUpload = 10
    /// Most files on one report.
    public static let maxPerReport = 30
    /// The largest signature image, in bytes.
    public static let maxSignatureBytes = 1024 * 1024

    /// The problem of one file, or nil when it is kept: empty, not a photo or video (HTML or SVG named `.jpg`
    /// included), too large for its kind, or a PNG or JPEG cut short.
    public static func problem(_ bytes: [UInt8]) -> FieldProblem? {
        guard !bytes.isEmpty else { return .required }
        guard let kind = AttachmentRules.kind(of: bytes), kinds.contains(kind) else { return .mediaTypeNotAllowed }
        let limit = kind.isVideo ? maxVideoBytes : maxPhotoBytes
        guard bytes.count <= limit else { return .fileTooLarge(maxBytes: limit) }
        return isComplete(bytes, kind: kind) ? nil : .fileIncomplete
    }

    /// The problem of a signature image: a complete PNG of at most `maxSignatureBytes`.
    public static func signatureProblem(_ bytes: [UInt8]) -> FieldProblem? {
        guard !bytes.isEmpty else { return .required }
        guard AttachmentRules.kind(of: bytes) == .png else { return .mediaTypeNotAllowed }
        guard bytes.count <= maxSignatureBytes else { return .fileTooLarge(maxBytes: maxSignatureBytes) }
        return isComplete(bytes, kind: .png) ? nil : .fileIncomplete
    }

    /// Whether a PNG ends with its `IEND` chunk and a JPEG with its end-of-image marker (cameras may pad after it,
    /// so the last 4 KiB are searched). Other kinds are taken as they come.
    public static func isComplete(_ bytes: [UInt8], kind: FileKind) -> Bool {
        switch kind {
        case .png:
            let end: [UInt8] = [0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]
            return bytes.count >= 8 + 12 && Array(bytes.suffix(8)) == end
        case .jpeg:
            let tail = Array(bytes.suffix(4096))
            return tail.count >= 2 && zip(tail, tail.dropFirst()).contains { $0 == 0xFF && $1 == 0xD9 }
        default:
            return true
        }
    }
}

/// the on-site record as the engineer writes it. A draft may be incomplete; a submitted report has everything
/// `problems(submitting: true)` asks for.
public struct ServiceReportContent: Codable, Equatable, Sendable {
    /// The fault phenomenon as found on site.
    public var faultFound: String?
    /// The warranty cause, which decides what is free.
    public var cause: FaultCause?
    /// The fault-cause catalogue's entry for the unit's product line.
    public var faultCodeId: Int?
    /// What was done.
    public var actions: String?
    /// The tests done and what they showed.
    public var tests: String?
    public var result: ServiceReportResult?
    public var nextStep: VisitNextStep?
    public var engineerRemarks: String?
    /// the labour on this unit, the job's difficulty and the travel, for the fee.
    public var labourMinutes: Int?
    public var difficulty: JobDifficulty?
    public var travelKm: Int?
    /// the ledger's consumption entries of the visit fitted on this unit.
    public var partEntryIds: [Int]?

    public init(
        faultFound: String? = nil, cause: FaultCause? = nil, faultCodeId: Int? = nil, actions: String? = nil,
        tests: String? = nil, result: ServiceReportResult? = nil, nextStep: VisitNextStep? = nil,
        engineerRemarks: String? = nil, labourMinutes: Int? = nil, difficulty: JobDifficulty? = nil,
        travelKm: Int? = nil, partEntryIds: [Int]? = nil
    ) {
        self.faultFound = faultFound
        self.cause = cause
        self.faultCodeId = faultCodeId
        self.actions = actions
        self.tests = tests
        self.result = result
        self.nextStep = nextStep
        self.engineerRemarks = engineerRemarks
        self.labourMinutes = labourMinutes
        self.difficulty = difficulty
        self.travelKm = travelKm
        self.partEntryIds = partEntryIds
    }

    /// Labour on one unit: at most a long day and a night.
    public static let labourRange = 0...1440
    /// Travel, one way, in kilometres.
    public static let travelRange = 0...2000

    /// The problems by field. Lengths and ranges always; when `submitting`, also what a finished report must say:
    /// the fault found, the cause, what was done, the result and (when not fixed) the next step, the labour time
    /// and the difficulty.
    public func problems(submitting: Bool) -> [String: FieldProblem] {
        var v = Validator()
        v.text("faultFound", faultFound, required: submitting, max: Limits.longText)
        v.text("actions", actions, required: submitting, max: Limits.longText)
        v.text("tests", tests, max: Limits.longText)
        v.text("engineerRemarks", engineerRemarks, max: Limits.longText)
        v.range("labourMinutes", labourMinutes, Self.labourRange)
        v.range("travelKm", travelKm, Self.travelRange)
        if (partEntryIds?.count ?? 0) > 200 { v.add("partEntryIds", .tooMany(max: 200)) }
        if submitting {
            if cause == nil { v.add("cause", .required) }
            if labourMinutes == nil { v.add("labourMinutes", .required) }
            if difficulty == nil { v.add("difficulty", .required) }
            for (field, problem) in ReportOutcome(result: result, nextStep: nextStep).problems() {
                v.add(field, problem)
            }
        } else if result == .fixed, nextStep != nil {
            v.add("nextStep", .invalidValue(allowed: []))
        }
        return v.error.fields
    }
}

/// how the report was closed on site: the customer's signature with their name, or why there is none.
public struct ReportSignOff: Equatable, Sendable {
    public var signerName: String?
    /// The signature image (PNG) as drawn; nil when the customer did not sign.
    public var signature: [UInt8]?
    /// Why there is no signature (not present, refused).
    public var noSignatureReason: String?
    public var ratings: ServiceRatings?
    public var customerRemarks: String?

    public init(
        signerName: String?, signature: [UInt8]?, noSignatureReason: String? = nil, ratings: ServiceRatings? = nil,
        customerRemarks: String? = nil
    ) {
        self.signerName = signerName
        self.signature = signature
        self.noSignatureReason = noSignatureReason
        self.ratings = ratings
        self.customerRemarks = customerRemarks
    }

    /// The event this sign-off is: a signature, or the record of its absence.
    public var event: ServiceReportEventKind { signature == nil ? .recordNoSignature : .sign }

    /// The problems by field: a signature needs the signer's name and a complete PNG, and no reason; without one,
    /// the reason is required. Ratings, when given, are 1–5 each.
    public func problems() -> [String: FieldProblem] {
        var v = Validator()
        v.text("customerRemarks", customerRemarks, max: Limits.longText)
        if let signature {
            v.text("signerName", signerName, required: true, max: Limits.name)
            if let problem = ReportMedia.signatureProblem(signature) { v.add("signature", problem) }
            if noSignatureReason != nil { v.add("noSignatureReason", .invalidValue(allowed: [])) }
        } else {
            v.text("signerName", signerName, max: Limits.name)
            v.text("noSignatureReason", noSignatureReason, required: true, max: Limits.note)
        }
        for (field, problem) in ratings?.problems() ?? [:] { v.add(field, problem) }
        return v.error.fields
    }
}
