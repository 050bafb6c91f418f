import Foundation

/// One header field of a message: its name as written and its value, unfolded.
public struct MailHeader: Sendable, Equatable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// Something in a message that could not be read as declared. The message is still read: these say what was
/// guessed or left out.
public enum MailProblem: Sendable, Equatable, Hashable {
    /// A charset nothing here can convert; the text was read as UTF-8, with replacement characters.
    case unknownCharset(String)
    /// Text not valid in its declared charset (named here); it was read as UTF-8 or GB18030 when valid in one
    /// of them, else with replacement characters.
    case undecodableText(String)
    /// A MIME part that could not be split or read as declared: a missing boundary, a missing closing boundary,
    /// nesting too deep.
    case malformedPart(String)
    /// A header line that is not `Name: value` (the line is given), or an encoded-word whose bytes are not valid
    /// in its charset (the word is given).
    case undecodableHeader(String)
    /// A transfer encoding that was damaged, such as base64 cut short.
    case malformedEncoding(String)
}

extension [MailProblem] {
    /// At most this many problems are kept for one message, so garbage input cannot make the list huge.
    static var maxKept: Int { 50 }

    /// Adds `problem` unless it is already there or the list is full.
    mutating func note(_ problem: MailProblem) {
        guard count < Self.maxKept, !contains(problem) else { return }
        append(problem)
    }
}

/// The header block of a message or a MIME part.
enum MailHeaderBlock {
    /// Reads the header lines of `bytes[range]` up to the first empty line: the fields unfolded and their bytes
    /// read as UTF-8, else GB18030 (encoded-words are left as they are), and where the body starts.
    ///
    /// A block whose first line is not a header field has no headers: all of it is body. Later lines that are
    /// not header fields are skipped and noted. An mbox `From ` line at the top of a message is skipped.
    static func read(
        _ bytes: [UInt8], in range: Range<Int>, topLevel: Bool, problems: inout [MailProblem]
    ) -> (headers: [MailHeader], bodyStart: Int) {
        var headers: [MailHeader] = []
        var name: String?
        var value: [UInt8] = []
        func flush() {
            if let name { headers.append(MailHeader(name: name, value: headerText(value))) }
            name = nil
            value.removeAll(keepingCapacity: true)
        }
        var index = range.lowerBound
        var first = true
        while index < range.upperBound {
            var lineEnd = index
            while lineEnd < range.upperBound, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            let next = lineEnd < range.upperBound ? lineEnd + 1 : lineEnd
            var contentEnd = lineEnd
            if contentEnd > index, bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            defer {
                first = false
                index = next
            }
            if contentEnd == index {
                flush()
                return (headers, next)
            }
            let lead = bytes[index]
            if lead == 0x20 || lead == 0x09, name != nil {
                value.append(contentsOf: bytes[index..<contentEnd])
            } else if let colon = fieldColon(bytes, index..<contentEnd) {
                flush()
                var nameEnd = colon
                while nameEnd > index, bytes[nameEnd - 1] == 0x20 || bytes[nameEnd - 1] == 0x09 { nameEnd -= 1 }
                name = String(decoding: bytes[index..<nameEnd], as: UTF8.self)
                value.append(contentsOf: bytes[(colon + 1)..<contentEnd])
            } else if first, topLevel, bytes[index..<contentEnd].starts(with: Array("From ".utf8)) {
                continue
            } else if first {
                if topLevel { problems.note(.malformedPart("the message has no header")) }
                return ([], range.lowerBound)
            } else {
                flush()
                let line = String(decoding: bytes[index..<min(contentEnd, index + 80)], as: UTF8.self)
                problems.note(.undecodableHeader(line))
            }
        }
        flush()
        return (headers, range.upperBound)
    }

    /// The colon of a `Name: value` line whose name is printable ASCII (spaces before the colon tolerated).
    private static func fieldColon(_ bytes: [UInt8], _ line: Range<Int>) -> Int? {
        let start = line.lowerBound
        guard start < line.upperBound, (0x21...0x7E).contains(bytes[start]), bytes[start] != 0x3A else { return nil }
        var index = start + 1
        var sawSpace = false
        while index < line.upperBound {
            let byte = bytes[index]
            if byte == 0x3A { return index }
            if byte == 0x20 || byte == 0x09 {
                sawSpace = true
            } else if sawSpace || byte < 0x21 || byte > 0x7E {
                return nil
            }
            index += 1
        }
        return nil
    }

    /// The bytes of a header value as text: UTF-8, else GB18030, else Windows-1252; control characters become
    /// spaces and the ends are trimmed.
    static func headerText(_ bytes: [UInt8]) -> String {
        let text: String
        if bytes.allSatisfy({ $0 < 0x80 }) {
            text = String(decoding: bytes, as: UTF8.self)
        } else {
            text = MailCharset.guess(bytes)
        }
        return clean(text)
    }

    /// Control characters (line breaks and tabs included) as spaces, ends trimmed: a header value is one line.
    static func clean(_ text: String) -> String {
        let isControl: (Unicode.Scalar) -> Bool = { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
        guard text.unicodeScalars.contains(where: isControl) else {
            return MailText.trimmed(text)
        }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { scalars.append(isControl(scalar) ? " " : scalar) }
        return MailText.trimmed(String(scalars))
    }
}

extension [MailHeader] {
    /// The value of the first field called `name`, whatever its case.
    func first(_ name: String) -> String? {
        first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// The values of every field called `name`, whatever its case.
    func all(_ name: String) -> [String] {
        filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
    }
}
