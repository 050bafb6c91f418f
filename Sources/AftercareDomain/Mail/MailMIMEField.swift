import Foundation

/// A `Content-Type` or `Content-Disposition` value: `text/plain; charset="utf-8"`, `attachment; filename*=...`.
struct MIMEField: Equatable {
    /// Lower-cased, without parameters or comments: `text/plain`, `attachment`.
    var value: String
    /// Parameter names lower-cased; values unquoted, RFC 2231 sections joined and decoded, and encoded-words in
    /// them decoded (not allowed there, but common).
    var parameters: [String: String]

    /// Whether this is a `multipart/*` content type.
    var isMultipart: Bool { value.hasPrefix("multipart/") }

    static func parse(_ raw: String, problems: inout [MailProblem]) -> MIMEField {
        let scalars = Array(raw.unicodeScalars)
        var index = 0
        var value = String.UnicodeScalarView()
        var depth = 0
        while index < scalars.count, scalars[index] != ";" || depth > 0 {
            let scalar = scalars[index]
            if scalar == "(" {
                depth += 1
            } else if scalar == ")", depth > 0 {
                depth -= 1
            } else if depth == 0, !scalar.properties.isWhitespace, scalar != "\"" {
                value.append(scalar)
            }
            index += 1
        }
        var raw: [(name: String, value: String)] = []
        while index < scalars.count {
            while index < scalars.count, scalars[index] == ";" || scalars[index].properties.isWhitespace {
                index += 1
            }
            var name = String.UnicodeScalarView()
            while index < scalars.count, scalars[index] != "=", scalars[index] != ";" {
                name.append(scalars[index])
                index += 1
            }
            guard index < scalars.count, scalars[index] == "=" else { continue }
            index += 1
            while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" { index += 1 }
            var parameter = String.UnicodeScalarView()
            if index < scalars.count, scalars[index] == "\"" {
                index += 1
                while index < scalars.count, scalars[index] != "\"" {
                    if scalars[index] == "\\", index + 1 < scalars.count, ["\"", "\\"].contains(scalars[index + 1]) {
                        index += 1
                    }
                    parameter.append(scalars[index])
                    index += 1
                }
                index += 1
                while index < scalars.count, scalars[index] != ";" { index += 1 }
            } else {
                while index < scalars.count, scalars[index] != ";" {
                    parameter.append(scalars[index])
                    index += 1
                }
            }
            let key = String(name).trimmingCharacters(in: .whitespaces).lowercased()
            guard !key.isEmpty else { continue }
            raw.append((key, String(parameter).trimmingCharacters(in: .whitespaces)))
        }
        return MIMEField(value: String(value).lowercased(), parameters: assemble(raw, problems: &problems))
    }

    /// Plain parameters, then RFC 2231 ones (`name*`, `name*0`, `name*0*`, ...) joined and decoded over them.
    private static func assemble(
        _ raw: [(name: String, value: String)], problems: inout [MailProblem]
    ) -> [String: String] {
        var result: [String: String] = [:]
        var sections: [String: [Int: (value: String, encoded: Bool)]] = [:]
        for (name, value) in raw {
            guard let star = name.firstIndex(of: "*") else {
                if result[name] == nil { result[name] = decodeWords(value, problems: &problems) }
                continue
            }
            let base = String(name[..<star])
            var rest = name[name.index(after: star)...]
            var encoded = false
            if rest.hasSuffix("*") {
                encoded = true
                rest = rest.dropLast()
            }
            let number: Int
            if rest.isEmpty {
                number = 0
                encoded = true
            } else if let parsed = Int(rest), parsed >= 0, parsed < 1000 {
                number = parsed
            } else {
                continue
            }
            if sections[base, default: [:]][number] == nil { sections[base, default: [:]][number] = (value, encoded) }
        }
        for (base, parts) in sections {
            var bytes: [UInt8] = []
            var charset: String?
            var number = 0
            while let part = parts[number] {
                if part.encoded {
                    var text = part.value
                    if number == 0 {
                        let pieces = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                        if pieces.count == 3 {
                            charset = String(pieces[0])
                            text = String(pieces[2])
                        }
                    }
                    bytes.append(contentsOf: percentDecode(text))
                } else {
                    bytes.append(contentsOf: part.value.utf8)
                }
                number += 1
            }
            let decoded = MailCharset.text(bytes, charset: charset.flatMap { $0.isEmpty ? nil : $0 })
            if let problem = decoded.problem { problems.note(problem) }
            result[base] = decoded.text
        }
        return result
    }

    private static func decodeWords(_ value: String, problems: inout [MailProblem]) -> String {
        value.contains("=?") ? EncodedWords.decode(value, problems: &problems) : value
    }

    private static func percentDecode(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = MailTransfer.hexValue(bytes[index + 1]), let low = MailTransfer.hexValue(bytes[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }
}
