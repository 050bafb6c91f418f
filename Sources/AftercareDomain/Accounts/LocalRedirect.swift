import Foundation

/// where a page may send the browser next (`next`, `back`): only a path on this site.
///
/// Every redirect that carries a target from a form or a query goes through `path(_:)`, and the response's
/// `Location` is checked again by `isSafe(_:)` before it leaves, so no header is ever built from unchecked text.
public enum LocalRedirect {
    /// Longer targets are refused rather than cut.
    public static let maximumLength = 2048

    /// `text` when it is a safe local path, else `nil`.
    ///
    /// Safe means: one leading `/` and then not a second `/` or `\`; no control characters, no whitespace of any
    /// kind and no backslash anywhere; no `//` in the path (so no scheme or authority); and the same holds after
    /// percent-decoding, repeated until nothing changes, so that `/%2F%2Fevil.example`, `/%09/evil.example`
    /// and `/%5Cevil.example` are refused like their plain forms.
    public static func path(_ text: String?) -> String? {
        guard let text, isSafe(text) else { return nil }
        return text
    }

    /// Whether `text` may be sent as a `Location` (see `path(_:)`).
    public static func isSafe(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= maximumLength else { return false }
        var current = text
        // Each round decodes one layer of percent-encoding; a target nested deeper than this is not a path.
        for _ in 0..<4 {
            guard plainlySafe(current) else { return false }
            guard let decoded = current.removingPercentEncoding else {
                // Not decodable: escapes of bytes that are not UTF-8 are refused; a `%` that starts no escape
                // (`A%B`, a part number that had `%25`) is a literal character and hides nothing.
                return !hasEscape(current)
            }
            if decoded == current { return true }
            current = decoded
        }
        return false
    }

    /// Whether `text` holds a `%` followed by two hexadecimal digits.
    static func hasEscape(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        for index in bytes.indices where bytes[index] == UInt8(ascii: "%") && index + 2 < bytes.count {
            let pair = bytes[(index + 1)...(index + 2)]
            if pair.allSatisfy({
                (0x30...0x39).contains($0) || (0x41...0x46).contains($0) || (0x61...0x66).contains($0)
            }) {
                return true
            }
        }
        return false
    }

    /// The checks on one layer of the text, before any decoding.
    static func plainlySafe(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard scalars.first == "/" else { return false }
        if scalars.count > 1, scalars[1] == "/" || scalars[1] == "\\" { return false }
        for scalar in scalars {
            if scalar.isASCII {
                // Printable ASCII: "!" … "~", without the backslash. Space, tab, CR, LF and DEL are refused.
                guard scalar.value > 0x20, scalar.value < 0x7F, scalar != "\\" else { return false }
            } else {
                // Letters and signs of any script may stand in a path ("/requests?q=打印"); separators, controls,
                // format characters and unassigned code points (Unicode spaces, line separators, bidi marks) not.
                switch scalar.properties.generalCategory {
                case .spaceSeparator, .lineSeparator, .paragraphSeparator, .control, .format, .surrogate,
                    .privateUse, .unassigned:
                    return false
                default: break
                }
            }
        }
        // A doubled slash anywhere in the path part may be read as an authority after normalisation.
        let pathPart = text.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        if pathPart.contains("//") { return false }
        return true
    }
}
