import Foundation

/// the service number in e-mail subjects, which threads a customer's reply onto its request.
public enum RequestTag {
    /// Request numbers look like SR-2026-000467; outgoing subjects carry "[SR-2026-000467]".
    ///
    /// The first `SR-YYYY-NNNNNN` (six to twelve digits) anywhere in `subject`, bracketed or not, in any case,
    /// upper-cased; nil when there is none. A number glued to letters or digits before it (`XSR-...`) or to more
    /// digits after it does not count.
    public static func number(in subject: String) -> String? {
        numbers(in: subject).first
    }

    /// Every request number in `subject`, in order, upper-cased.
    static func numbers(in subject: String) -> [String] {
        let bytes = Array(subject.utf8)
        var found: [String] = []
        var index = 0
        while index + 3 <= bytes.count {
            defer { index += 1 }
            guard bytes[index] | 0x20 == UInt8(ascii: "s"), bytes[index + 1] | 0x20 == UInt8(ascii: "r"),
                bytes[index + 2] == UInt8(ascii: "-")
            else { continue }
            if index > 0, isAlphanumeric(bytes[index - 1]) { continue }
            var cursor = index + 3
            let yearStart = cursor
            while cursor < bytes.count, cursor - yearStart < 4, isDigit(bytes[cursor]) { cursor += 1 }
            guard cursor - yearStart == 4, cursor < bytes.count, bytes[cursor] == UInt8(ascii: "-") else { continue }
            cursor += 1
            let sequenceStart = cursor
            while cursor < bytes.count, isDigit(bytes[cursor]) { cursor += 1 }
            guard (6...12).contains(cursor - sequenceStart) else { continue }
            let year = String(decoding: bytes[yearStart..<(yearStart + 4)], as: UTF8.self)
            let sequence = String(decoding: bytes[sequenceStart..<cursor], as: UTF8.self)
            found.append("SR-\(year)-\(sequence)")
        }
        return found
    }

    /// `[SR-2026-000467] subject`, unless the subject already carries that number.
    public static func tagged(_ subject: String, number: String) -> String {
        let trimmed = subject.trimmingCharacters(in: .whitespacesAndNewlines)
        let upper = number.uppercased()
        if numbers(in: trimmed).contains(upper) { return trimmed }
        return trimmed.isEmpty ? "[\(upper)]" : "[\(upper)] \(trimmed)"
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }
}
