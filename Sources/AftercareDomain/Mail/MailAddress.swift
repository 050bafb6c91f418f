import Foundation

/// A mailbox: `张三 <zhang.san@example.com>`.
public struct MailAddress: Sendable, Equatable, Hashable {
    /// The display name, decoded; nil when there is none.
    public var name: String?
    /// The address, lower-cased.
    public var address: String

    /// An empty name counts as none; the address is lower-cased.
    public init(name: String? = nil, address: String) {
        let trimmed = name?.trimmingCharacters(in: .whitespacesAndNewlines)
        self.name = trimmed?.isEmpty == false ? trimmed : nil
        self.address = address.lowercased()
    }

    /// The part before the `@`.
    public var localPart: String {
        address.firstIndex(of: "@").map { String(address[..<$0]) } ?? address
    }
}

/// Address lists: `To`, `Cc`, `From`, `Reply-To`.
enum AddressList {
    /// Every mailbox in `raw` (a header value with its encoded-words still encoded), in order. Group syntax
    /// (`undisclosed-recipients:;`), comments, quoted names with escapes and source routes are understood; an
    /// empty address (`<>`) is left out.
    static func parse(_ raw: String, problems: inout [MailProblem]) -> [MailAddress] {
        var result: [MailAddress] = []
        var current: [Unicode.Scalar] = []
        var inQuote = false
        var inAngle = false
        var depth = 0
        var escaped = false
        func emit() {
            if let mailbox = mailbox(current, problems: &problems) { result.append(mailbox) }
            current.removeAll(keepingCapacity: true)
        }
        for scalar in raw.unicodeScalars {
            if escaped {
                escaped = false
                current.append(scalar)
                continue
            }
            if inQuote || depth > 0 {
                current.append(scalar)
                switch scalar {
                case "\\": escaped = true
                case "\"" where inQuote: inQuote = false
                case "(" where !inQuote: depth += 1
                case ")" where !inQuote: depth -= 1
                default: break
                }
                continue
            }
            switch scalar {
            case "\"":
                inQuote = true
                current.append(scalar)
            case "(":
                depth = 1
                current.append(scalar)
            case "<":
                inAngle = true
                current.append(scalar)
            case ">":
                inAngle = false
                current.append(scalar)
            case ",", ";":
                if inAngle {
                    current.append(scalar)
                } else {
                    emit()
                }
            case ":" where !inAngle:
                current.removeAll(keepingCapacity: true)
            default:
                current.append(scalar)
            }
        }
        emit()
        return result
    }

    /// One mailbox: `Name <address>`, `"Name" <address>`, `address (Name)` or a bare address.
    private static func mailbox(_ scalars: [Unicode.Scalar], problems: inout [MailProblem]) -> MailAddress? {
        var phrase = String.UnicodeScalarView()
        var angle: String.UnicodeScalarView?
        var comments: [String] = []
        var comment = String.UnicodeScalarView()
        var depth = 0
        var inQuote = false
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            if scalar == "\\", inQuote || depth > 0, index < scalars.count {
                if depth > 0 { comment.append(scalars[index]) } else { phrase.append(scalars[index]) }
                index += 1
                continue
            }
            if depth > 0 {
                if scalar == "(" {
                    depth += 1
                } else if scalar == ")" {
                    depth -= 1
                    if depth == 0 {
                        comments.append(String(comment))
                        comment = String.UnicodeScalarView()
                        continue
                    }
                }
                comment.append(scalar)
                continue
            }
            if inQuote {
                if scalar == "\"" { inQuote = false } else { phrase.append(scalar) }
                continue
            }
            switch scalar {
            case "\"" where angle == nil: inQuote = true
            case "(": depth = 1
            case "<" where angle == nil: angle = String.UnicodeScalarView()
            case ">" where angle != nil:
                // Anything after the closing bracket is ignored, apart from comments.
                while index < scalars.count, scalars[index] != "(" { index += 1 }
            default:
                if angle != nil { angle?.append(scalar) } else { phrase.append(scalar) }
            }
        }
        var name = collapse(String(phrase))
        var address: String
        if let angle {
            address = String(String(angle).unicodeScalars.filter { !$0.properties.isWhitespace })
            if address.hasPrefix("@"), let colon = address.lastIndex(of: ":") {
                address = String(address[address.index(after: colon)...])
            }
        } else {
            let words = name.split(separator: " ")
            if words.count > 1, let last = words.last(where: { $0.contains("@") }) {
                address = String(last)
                name = collapse(words.filter { $0 != last }.joined(separator: " "))
            } else {
                address = name.replacingOccurrences(of: " ", with: "")
                name = ""
            }
        }
        if address.lowercased().hasPrefix("mailto:") { address = String(address.dropFirst(7)) }
        guard !address.isEmpty else { return nil }
        if name.isEmpty, let first = comments.first { name = collapse(first) }
        if name.count >= 2, name.hasPrefix("'"), name.hasSuffix("'") { name = String(name.dropFirst().dropLast()) }
        let decoded = MailHeaderBlock.clean(EncodedWords.decode(name, problems: &problems))
        return MailAddress(name: decoded, address: address)
    }

    /// Runs of whitespace as one space, ends trimmed.
    private static func collapse(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}

/// `Message-ID`, `In-Reply-To` and `References` values.
enum MessageIDs {
    /// The ids in `raw`, without angle brackets or whitespace. Without brackets, the whitespace-separated words
    /// that look like ids (containing `@`), or the single word given.
    static func parse(_ raw: String) -> [String] {
        var ids: [String] = []
        var current: String.UnicodeScalarView?
        for scalar in raw.unicodeScalars {
            switch scalar {
            case "<": current = String.UnicodeScalarView()
            case ">":
                if let id = current, !id.isEmpty { ids.append(String(id)) }
                current = nil
            default:
                if !scalar.properties.isWhitespace { current?.append(scalar) }
            }
        }
        if !ids.isEmpty { return ids }
        let words = raw.split(whereSeparator: { $0.isWhitespace || $0 == "," }).map(String.init)
        let withAt = words.filter { $0.contains("@") }
        if !withAt.isEmpty { return withAt }
        return words.count == 1 ? words : []
    }
}
