import Foundation

/// Text helpers that work on Unicode scalars and UTF-8 bytes rather than grapheme clusters or `NSString`, so that
/// a long body is handled in linear time with small constants.
enum MailText {
    /// Whether `text` has nothing but whitespace and line breaks; stops at the first visible character.
    static func isBlank(_ text: some StringProtocol) -> Bool {
        text.unicodeScalars.allSatisfy(\.properties.isWhitespace)
    }

    /// `text` without whitespace and line breaks at either end.
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        if first == scalars.startIndex, scalars.index(after: last) == scalars.endIndex { return text }
        return String(scalars[first...last])
    }

    /// Line breaks as `\n`: CRLF and lone CR included.
    static func unixLineBreaks(_ text: String) -> String {
        guard text.utf8.contains(0x0D) else { return text }
        return String(decoding: lines(text, trimLineEnds: false), as: UTF8.self)
    }

    /// Line breaks as `\n`, spaces and tabs at line ends removed, blank lines at the start and end removed.
    static func tidy(_ text: String) -> String {
        let output = lines(text, trimLineEnds: true)
        var end = output.count
        while end > 0, output[end - 1] == 0x0A { end -= 1 }
        var start = 0
        while start < end, output[start] == 0x0A { start += 1 }
        return String(decoding: output[start..<end], as: UTF8.self)
    }

    private static func lines(_ text: String, trimLineEnds: Bool) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        var lineStart = 0
        var previousCR = false
        func endLine() {
            while trimLineEnds, output.count > lineStart,
                output[output.count - 1] == 0x20 || output[output.count - 1] == 0x09
            {
                output.removeLast()
            }
            output.append(0x0A)
            lineStart = output.count
        }
        for byte in text.utf8 {
            switch byte {
            case 0x0D:
                endLine()
                previousCR = true
                continue
            case 0x0A:
                if !previousCR { endLine() }
            default:
                output.append(byte)
            }
            previousCR = false
        }
        if trimLineEnds {
            endLine()
        }
        return output
    }
}
