import Foundation

/// Why a body that `JSONSerialization` refused is not JSON, and where: the field whose value is broken
/// (`customer.name`, `units[2]`) and the reason (invalid Unicode, an unclosed string, …), so that the 400 names the
/// field as every other validation error does.
struct JSONDiagnosis {
    struct Problem: Error, Equatable {
        var path: String
        var reason: String
    }

    private let bytes: [UInt8]
    private var index = 0
    private var path: [JSONPathStep] = []
    private var depth = 0

    /// The first problem in `data`, or `nil` when it parses.
    static func problem(in data: Data) -> Problem? {
        var scanner = JSONDiagnosis(bytes: Array(data))
        do {
            scanner.skipSpace()
            try scanner.value()
            scanner.skipSpace()
            if scanner.index < scanner.bytes.count { throw scanner.fail("has text after the JSON value") }
            return nil
        } catch let problem as Problem {
            return problem
        } catch {
            return Problem(path: "body", reason: "is not valid JSON")
        }
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private func fail(_ reason: String) -> Problem { Problem(path: JSONPathStep.text(path), reason: reason) }

    private mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    private mutating func value() throws {
        guard index < bytes.count else { throw fail("is missing: the body ends early") }
        depth += 1
        defer { depth -= 1 }
        guard depth < 200 else { throw fail("is nested too deeply") }
        switch bytes[index] {
        case UInt8(ascii: "{"): try object()
        case UInt8(ascii: "["): try array()
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: try number()
        }
    }

    private mutating func object() throws {
        index += 1
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw fail("is not valid JSON: a field name in quotes was expected")
            }
            let key = try string()
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                path.append(.key(key))
                throw fail("is not valid JSON: a colon was expected after the field name")
            }
            index += 1
            skipSpace()
            path.append(.key(key))
            try value()
            path.removeLast()
            skipSpace()
            guard index < bytes.count else { throw fail("is not valid JSON: the object is not closed") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else { throw fail("is not valid JSON: a comma was expected") }
            index += 1
            return
        }
    }

    private mutating func array() throws {
        index += 1
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return
        }
        var element = 0
        while true {
            skipSpace()
            path.append(.index(element))
            try value()
            path.removeLast()
            skipSpace()
            guard index < bytes.count else { throw fail("is not valid JSON: the array is not closed") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                element += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "]") else { throw fail("is not valid JSON: a comma was expected") }
            index += 1
            return
        }
    }

    /// A string, checked for valid UTF-8, control characters and escapes (a surrogate must come in a pair).
    private mutating func string() throws -> String {
        index += 1
        var scalars = String.UnicodeScalarView()
        var raw: [UInt8] = []
        func flush() throws {
            guard !raw.isEmpty else { return }
            var decoder = UTF8()
            var iterator = raw.makeIterator()
            while true {
                switch decoder.decode(&iterator) {
                case .scalarValue(let scalar): scalars.append(scalar)
                case .emptyInput:
                    raw = []
                    return
                case .error: throw fail("is not valid UTF-8 text")
                }
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                try flush()
                return String(scalars)
            case UInt8(ascii: "\\"):
                try flush()
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "u"):
                    let first = try hex4()
                    if (0xD800...0xDBFF).contains(first) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                            bytes[index + 1] == UInt8(ascii: "u")
                        else { throw fail("is not valid Unicode: a lone surrogate \\u\(hex(first))") }
                        index += 2
                        let second = try hex4()
                        guard (0xDC00...0xDFFF).contains(second) else {
                            throw fail("is not valid Unicode: a lone surrogate \\u\(hex(first))")
                        }
                        let value = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                        scalars.append(Unicode.Scalar(value)!)
                    } else if (0xDC00...0xDFFF).contains(first) {
                        throw fail("is not valid Unicode: a lone surrogate \\u\(hex(first))")
                    } else {
                        scalars.append(Unicode.Scalar(first)!)
                    }
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    scalars.append("?")
                default:
                    throw fail("is not valid JSON: an unknown escape in a string")
                }
            case 0x00..<0x20:
                throw fail("is not valid JSON: a control character inside a string must be escaped")
            default:
                raw.append(byte)
            }
        }
        throw fail("is not valid JSON: a string is not closed")
    }

    private func hex(_ value: UInt32) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count,
            let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
        else { throw fail("is not valid JSON: \\u must be followed by four hex digits") }
        index += 4
        return value
    }

    private mutating func literal(_ word: String) throws {
        let expected = Array(word.utf8)
        guard index + expected.count <= bytes.count, Array(bytes[index..<index + expected.count]) == expected else {
            throw fail("is not valid JSON")
        }
        index += expected.count
    }

    private mutating func number() throws {
        let start = index
        while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) { index += 1 }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard !text.isEmpty, Double(text) != nil, text.first != "+" else { throw fail("is not valid JSON") }
    }
}
