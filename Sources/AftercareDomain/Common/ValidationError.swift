import Foundation

/// Why one field was refused; the server turns it into a message for people.
public enum FieldProblem: Equatable, Sendable {
    case required
    case tooLong(max: Int)
    case tooShort(min: Int)
    case outOfRange(min: Int, max: Int)
    case invalidValue(allowed: [String])
    case invalidFormat(expected: String)
    case notFound
    case duplicate
    case mustNotBeBefore(field: String)
    case archived
    case unknownField
    /// A file over the size limit (bytes).
    case fileTooLarge(maxBytes: Int)
    /// A file whose content is not one of the kinds kept (`FileKind`), whatever its name.
    case fileTypeNotAllowed
    /// More items than allowed.
    case tooMany(max: Int)
    /// R-5.1: a file that is not a photo (JPEG, PNG, HEIC, WebP) or a short video (MP4), whatever its name.
    case mediaTypeNotAllowed
    /// A picture cut short (a transfer broken off): its end is missing.
    case fileIncomplete

    /// A short code for machines, e.g. `too_long`.
    public var code: String {
        switch self {
        case .required: "required"
        case .tooLong: "too_long"
        case .tooShort: "too_short"
        case .outOfRange: "out_of_range"
        case .invalidValue: "invalid_value"
        case .invalidFormat: "invalid_format"
        case .notFound: "not_found"
        case .duplicate: "duplicate"
        case .mustNotBeBefore: "must_not_be_before"
        case .archived: "archived"
        case .unknownField: "unknown_field"
        case .fileTooLarge: "file_too_large"
        case .fileTypeNotAllowed: "file_type_not_allowed"
        case .tooMany: "too_many"
        case .mediaTypeNotAllowed: "media_type_not_allowed"
        case .fileIncomplete: "file_incomplete"
        }
    }

    /// An English explanation; pages localize by `code`.
    public var message: String {
        switch self {
        case .required: "is required"
        case .tooLong(let max): "must be at most \(max) characters"
        case .tooShort(let min): "must be at least \(min) characters"
        case .outOfRange(let min, let max): "must be between \(min) and \(max)"
        case .invalidValue(let allowed): "must be one of: \(allowed.joined(separator: ", "))"
        case .invalidFormat(let expected): "must be \(expected)"
        case .notFound: "does not name an existing record"
        case .duplicate: "is already in use"
        case .mustNotBeBefore(let field): "must not be before \(field)"
        case .archived: "names an archived record"
        case .unknownField: "is not a known field"
        case .fileTooLarge(let max): "must be at most \(max / 1_048_576) MB"
        case .fileTypeNotAllowed: "must be a picture (PNG, JPEG, GIF, WebP), a PDF, a ZIP file or plain text"
        case .tooMany(let max): "must be at most \(max)"
        case .mediaTypeNotAllowed: "must be a photo (JPEG, PNG, HEIC, WebP) or an MP4 video"
        case .fileIncomplete: "is incomplete: the end of the file is missing"
        }
    }
}

/// One or more fields were refused; nothing was written.
public struct ValidationError: Error, Equatable, Sendable {
    public var fields: [String: FieldProblem]

    public init(_ fields: [String: FieldProblem] = [:]) {
        self.fields = fields
    }

    public var isEmpty: Bool { fields.isEmpty }

    /// Throws when any problem was collected.
    public func throwIfAny() throws {
        if !fields.isEmpty { throw self }
    }
}

/// Collects field problems so a request reports all of them at once.
public struct Validator: Sendable {
    public private(set) var error = ValidationError()

    public init() {}

    public mutating func add(_ field: String, _ problem: FieldProblem) {
        if error.fields[field] == nil { error.fields[field] = problem }
    }

    /// Checks a required text: present after trimming, and not longer than `max` characters.
    public mutating func text(_ field: String, _ value: String?, required: Bool = false, max: Int) {
        guard let value else {
            if required { add(field, .required) }
            return
        }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if required && trimmed.isEmpty {
            add(field, .required)
        } else if value.count > max {
            add(field, .tooLong(max: max))
        } else if value.unicodeScalars.contains(where: {
            $0.properties.generalCategory == .control && !"\n\r\t".unicodeScalars.contains($0)
        }) {
            add(field, .invalidFormat(expected: "text without control characters"))
        }
    }

    public mutating func range(_ field: String, _ value: Int?, _ range: ClosedRange<Int>) {
        if let value, !range.contains(value) {
            add(field, .outOfRange(min: range.lowerBound, max: range.upperBound))
        }
    }

    public func finish() throws {
        try error.throwIfAny()
    }
}
