import Foundation

/// Content-Transfer-Encoding: base64 and quoted-printable, both ways.
enum MailTransfer {
    /// The 6-bit value of each base64 character; 0xFF for anything else.
    private static let base64Values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in base64Alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        return table
    }()

    private static let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Decodes base64, skipping whitespace and any other junk. Padding is optional; a `=` ends a quantum, so
    /// encoded pieces joined together decode as each would. `complete` is false when a lone 6-bit group was left
    /// over (the text was cut short).
    static func base64Decode(_ input: [UInt8]) -> (bytes: [UInt8], complete: Bool) {
        base64Decode(input[...])
    }

    static func base64Decode(_ input: ArraySlice<UInt8>) -> (bytes: [UInt8], complete: Bool) {
        // Every 4 characters give at most 3 bytes, and a shorter group before a `=` gives fewer.
        let capacity = input.count / 4 * 3 + 3
        var complete = true
        let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { output, initialized in
            var written = 0
            var accumulator: UInt32 = 0
            var count = 0
            func flush() {
                if count == 1 { complete = false }
                if count >= 2, written + 2 <= output.count {
                    output[written] = UInt8(truncatingIfNeeded: accumulator >> (count == 2 ? 4 : 10))
                    written += 1
                    if count == 3 {
                        output[written] = UInt8(truncatingIfNeeded: accumulator >> 2)
                        written += 1
                    }
                }
                accumulator = 0
                count = 0
            }
            input.withUnsafeBufferPointer { source in
                base64Values.withUnsafeBufferPointer { table in
                    for byte in source {
                        let value = table[Int(byte)]
                        if value != 0xFF {
                            accumulator = accumulator << 6 | UInt32(value)
                            count += 1
                            if count == 4, written + 3 <= output.count {
                                output[written] = UInt8(truncatingIfNeeded: accumulator >> 16)
                                output[written + 1] = UInt8(truncatingIfNeeded: accumulator >> 8)
                                output[written + 2] = UInt8(truncatingIfNeeded: accumulator)
                                written += 3
                                accumulator = 0
                                count = 0
                            }
                        } else if byte == UInt8(ascii: "=") {
                            flush()
                        }
                    }
                }
            }
            flush()
            initialized = written
        }
        return (bytes, complete)
    }

    /// Base64 with padding, in lines of `lineLength` characters joined by CRLF (one line when nil).
    static func base64Encode(_ bytes: [UInt8], lineLength: Int? = nil) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count / 3 * 4 + 4 + bytes.count / 38)
        var column = 0
        func put(_ byte: UInt8) {
            if let lineLength, column == lineLength {
                output.append(0x0D)
                output.append(0x0A)
                column = 0
            }
            output.append(byte)
            column += 1
        }
        var index = 0
        while index < bytes.count {
            let remaining = bytes.count - index
            let b0 = UInt32(bytes[index])
            let b1 = remaining > 1 ? UInt32(bytes[index + 1]) : 0
            let b2 = remaining > 2 ? UInt32(bytes[index + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            put(base64Alphabet[Int(group >> 18 & 0x3F)])
            put(base64Alphabet[Int(group >> 12 & 0x3F)])
            put(remaining > 1 ? base64Alphabet[Int(group >> 6 & 0x3F)] : UInt8(ascii: "="))
            put(remaining > 2 ? base64Alphabet[Int(group & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes quoted-printable: `=XX` in either case, soft line breaks (`=` at the end of a line, trailing
    /// whitespace allowed), trailing whitespace on lines dropped; a `=` that starts nothing valid is kept as is.
    static func quotedPrintableDecode(_ input: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var index = input.startIndex
        let end = input.endIndex
        while index < end {
            let byte = input[index]
            switch byte {
            case UInt8(ascii: "="):
                var next = index + 1
                while next < end, input[next] == 0x20 || input[next] == 0x09 { next += 1 }
                if next == end {
                    index = end
                } else if input[next] == 0x0A {
                    index = next + 1
                } else if input[next] == 0x0D {
                    index = next + 1 < end && input[next + 1] == 0x0A ? next + 2 : next + 1
                } else if index + 2 < end, let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2]) {
                    output.append(high << 4 | low)
                    index += 3
                } else {
                    output.append(byte)
                    index += 1
                }
            case 0x20, 0x09:
                var next = index + 1
                while next < end, input[next] == 0x20 || input[next] == 0x09 { next += 1 }
                if next < end, input[next] != 0x0A, input[next] != 0x0D {
                    output.append(contentsOf: input[index..<next])
                }
                index = next
            default:
                output.append(byte)
                index += 1
            }
        }
        return output
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}

/// RFC 2047 encoded-words: `=?charset?B?...?=` and `=?charset?Q?...?=` in header values.
enum EncodedWords {
    /// Decodes every encoded-word in `text`. Whitespace between adjacent encoded-words is dropped, and the bytes of
    /// adjacent words in the same charset are joined before decoding, so a character split across two words is
    /// read whole. Words are recognised anywhere, also inside quotes and without surrounding spaces.
    static func decode(_ text: String, problems: inout [MailProblem]) -> String {
        let bytes = Array(text.utf8)
        guard bytes.count >= 8, containsMarker(bytes) else { return text }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var pending: [UInt8] = []
        var pendingCharset: String?
        var pendingWord = ""
        var heldSpace: ArraySlice<UInt8> = []
        func flush() {
            guard let charset = pendingCharset else { return }
            switch MailCharset.decodeStrict(pending, charset: charset) {
            case .text(let decoded): output.append(contentsOf: decoded.utf8)
            case .invalid:
                problems.note(.undecodableHeader(pendingWord))
                output.append(contentsOf: MailCharset.text(pending, charset: charset).text.utf8)
            case .unknown:
                problems.note(.unknownCharset(MailCharset.normalized(charset)))
                output.append(contentsOf: String(decoding: pending, as: UTF8.self).utf8)
            }
            pendingCharset = nil
            pending.removeAll(keepingCapacity: true)
        }
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "="), let word = word(in: bytes, at: index) {
                if pendingCharset.map(MailCharset.normalized) != MailCharset.normalized(word.charset) {
                    flush()
                    pendingCharset = word.charset
                    pendingWord = String(decoding: bytes[index..<min(word.end, index + 80)], as: UTF8.self)
                }
                pending.append(contentsOf: word.bytes)
                var next = word.end
                while next < bytes.count, bytes[next] == 0x20 || bytes[next] == 0x09 { next += 1 }
                heldSpace = bytes[word.end..<next]
                index = next
                continue
            }
            if pendingCharset != nil {
                flush()
                output.append(contentsOf: heldSpace)
            }
            heldSpace = []
            output.append(bytes[index])
            index += 1
        }
        flush()
        output.append(contentsOf: heldSpace)
        return String(decoding: output, as: UTF8.self)
    }

    private static func containsMarker(_ bytes: [UInt8]) -> Bool {
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "="), bytes[index + 1] == UInt8(ascii: "?") { return true }
            index += 1
        }
        return false
    }

    /// The encoded-word starting at `start`, if there is one.
    private static func word(in bytes: [UInt8], at start: Int) -> (charset: String, bytes: [UInt8], end: Int)? {
        let question = UInt8(ascii: "?")
        guard start + 1 < bytes.count, bytes[start + 1] == question else { return nil }
        var index = start + 2
        let charsetStart = index
        while index < bytes.count, bytes[index] != question {
            let byte = bytes[index]
            guard byte > 0x20, byte < 0x7F, index - charsetStart < 64 else { return nil }
            index += 1
        }
        guard index > charsetStart, index + 2 < bytes.count, bytes[index + 2] == question else { return nil }
        let charset = String(decoding: bytes[charsetStart..<index], as: UTF8.self)
        let encoding = bytes[index + 1] | 0x20
        guard encoding == UInt8(ascii: "b") || encoding == UInt8(ascii: "q") else { return nil }
        let textStart = index + 3
        var textEnd = textStart
        while textEnd + 1 < bytes.count, !(bytes[textEnd] == question && bytes[textEnd + 1] == UInt8(ascii: "=")) {
            guard bytes[textEnd] != question, textEnd - textStart < 4096 else { return nil }
            textEnd += 1
        }
        guard textEnd + 1 < bytes.count else { return nil }
        let text = bytes[textStart..<textEnd]
        let decoded = encoding == UInt8(ascii: "b") ? MailTransfer.base64Decode(text).bytes : qDecode(text)
        return (charset, decoded, textEnd + 2)
    }

    /// The Q encoding: `_` is a space, `=XX` a byte.
    private static func qDecode(_ text: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.count)
        var index = text.startIndex
        while index < text.endIndex {
            let byte = text[index]
            if byte == UInt8(ascii: "_") {
                output.append(0x20)
            } else if byte == UInt8(ascii: "="), index + 2 < text.endIndex,
                let high = MailTransfer.hexValue(text[index + 1]), let low = MailTransfer.hexValue(text[index + 2])
            {
                output.append(high << 4 | low)
                index += 2
            } else {
                output.append(byte)
            }
            index += 1
        }
        return output
    }

    /// `text` as UTF-8 B encoded-words of at most `maxBytes` bytes each (never splitting a character), joined
    /// by a folding CRLF and space.
    static func encode(_ text: String, maxBytes: Int = 36) -> String {
        var words: [String] = []
        var chunk: [UInt8] = []
        for scalar in text.unicodeScalars {
            let utf8 = Array(String(scalar).utf8)
            if chunk.count + utf8.count > maxBytes, !chunk.isEmpty {
                words.append("=?utf-8?B?" + MailTransfer.base64Encode(chunk) + "?=")
                chunk.removeAll(keepingCapacity: true)
            }
            chunk.append(contentsOf: utf8)
        }
        if !chunk.isEmpty || words.isEmpty { words.append("=?utf-8?B?" + MailTransfer.base64Encode(chunk) + "?=") }
        return words.joined(separator: "\r\n ")
    }
}
