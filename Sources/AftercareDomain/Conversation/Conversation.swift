import Foundation

/// what a message on a request is.
public enum MessageKind: String, CodedEnum {
    /// Staff to the customer: shown in the portal and sent by e-mail when the contact has an address.
    case reply
    /// Staff among themselves: never shown to the customer, never in the portal, an e-mail or an export.
    case internalNote
    /// The customer's own words, from the portal or an e-mail.
    case customerMessage

    /// Whether the customer may see it.
    public var isPublic: Bool { self != .internalNote }
}

/// Where a message came in.
public enum MessageSource: String, CodedEnum {
    case desk, portal, email, api
}

/// The kinds of file an attachment may be, decided from its first bytes, never from its name.
public enum FileKind: String, CodedEnum {
    case png, jpeg, gif, webp, pdf, zip, text
    /// a phone's photo (HEIF) and a short video (MP4), kept on service reports.
    case heic, mp4

    /// The media type the file is served with.
    public var mediaType: String {
        switch self {
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .gif: "image/gif"
        case .webp: "image/webp"
        case .pdf: "application/pdf"
        case .zip: "application/zip"
        case .text: "text/plain; charset=utf-8"
        case .heic: "image/heic"
        case .mp4: "video/mp4"
        }
    }

    /// Pictures a browser shows in the page; everything else is downloaded (HEIC too: browsers do not draw it).
    public var isImage: Bool { [.png, .jpeg, .gif, .webp].contains(self) }

    /// A video the page plays.
    public var isVideo: Bool { self == .mp4 }
}

/// Why an attachment was refused.
public enum AttachmentRefusal: Error, Equatable, Sendable {
    case empty
    case tooLarge(max: Int)
    case tooMany(max: Int)
    /// Not one of `FileKind`: markup (HTML, SVG, XML), a program, or something unrecognised, whatever its name.
    case typeNotAllowed
}

/// the rules of attachments, for every area that keeps files (requests now; service reports, returns and
/// articles later).
public enum AttachmentRules {
    /// Largest file, in bytes.
    public static let maxBytes = 10 * 1024 * 1024
    /// Most files on one message.
    public static let maxCount = 5
    /// The longest file name kept.
    public static let maxNameLength = 120

    /// The kind of a file from its content. Markup is never allowed, whatever the name says: an HTML or SVG file
    /// named `.png` is refused, so nothing a browser would run is ever stored.
    public static func kind(of bytes: [UInt8]) -> FileKind? {
        func starts(_ prefix: [UInt8]) -> Bool {
            bytes.count >= prefix.count && Array(bytes.prefix(prefix.count)) == prefix
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts(Array("RIFF".utf8)), bytes.count >= 12, Array(bytes[8..<12]) == Array("WEBP".utf8) { return .webp }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) { return .zip }
        if let media = isoMedia(bytes) { return media }
        // Text: valid UTF-8 without NULs or other control characters than tab and line breaks, and no markup.
        guard let text = String(bytes: bytes.prefix(65_536), encoding: .utf8) ?? Self.utf8Prefix(bytes) else {
            return nil
        }
        let controls = text.unicodeScalars.contains {
            $0.properties.generalCategory == .control && !["\t", "\n", "\r"].contains($0)
        }
        guard !controls, !Self.looksLikeMarkup(text) else { return nil }
        return .text
    }

    /// An ISO base media file (HEIF, MP4) by the brand of its leading `ftyp` box, or nil.
    static func isoMedia(_ bytes: [UInt8]) -> FileKind? {
        guard bytes.count >= 12, Array(bytes[4..<8]) == Array("ftyp".utf8) else { return nil }
        let brand = String(decoding: bytes[8..<12], as: UTF8.self)
        if ["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"].contains(brand) { return .heic }
        if ["isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "M4V ", "MSNV", "dash"].contains(brand) {
            return .mp4
        }
        return nil
    }

    /// A long text cut in the middle of a UTF-8 sequence is still text.
    static func utf8Prefix(_ bytes: [UInt8]) -> String? {
        let head = Array(bytes.prefix(65_536))
        for cut in 0..<4 where head.count > cut {
            if let text = String(bytes: head.dropLast(cut), encoding: .utf8) { return text }
        }
        return nil
    }

    /// HTML, SVG or XML anywhere near the start: a browser might run it.
    static func looksLikeMarkup(_ text: String) -> Bool {
        let head = text.prefix(1024).lowercased().trimmingCharacters(in: .whitespacesAndNewlines)
        let markers = ["<!doctype", "<html", "<svg", "<?xml", "<script", "<body", "<head", "<iframe", "<object"]
        return head.hasPrefix("<") || markers.contains { head.contains($0) }
    }

    /// Checks one file and returns its kind.
    public static func check(_ bytes: [UInt8]) throws(AttachmentRefusal) -> FileKind {
        guard !bytes.isEmpty else { throw .empty }
        guard bytes.count <= maxBytes else { throw .tooLarge(max: maxBytes) }
        guard let kind = kind(of: bytes) else { throw .typeNotAllowed }
        return kind
    }

    /// The name a file is kept under: its last path component, without control characters, quotes or slashes,
    /// at most `maxNameLength` characters; `fallback` when nothing is left.
    public static func safeName(_ name: String, fallback: String = "attachment") -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let cleaned = String(
            last.unicodeScalars.filter {
                $0.properties.generalCategory != .control && !["\"", "<", ">", ":", "*", "?", "|"].contains($0)
            }.map(Character.init)
        ).trimmingCharacters(in: .whitespacesAndNewlines)
        let trimmed = cleaned.hasPrefix(".") ? String(cleaned.drop { $0 == "." }) : cleaned
        return trimmed.isEmpty ? fallback : String(trimmed.prefix(maxNameLength))
    }
}
