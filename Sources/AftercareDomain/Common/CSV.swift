import Foundation

/// RFC 4180 comma-separated values, for importing and exporting the archive (R-1.5) in any language.
///
/// Reading accepts a UTF-8 byte-order mark, CRLF or LF line ends, quoted fields with commas, quotes and
/// line breaks inside. Writing quotes what needs it and starts with a byte-order mark, so that spreadsheet
/// programs open Chinese text as UTF-8.
public enum CSV {
    /// A malformed file: the line where it went wrong and why.
    public struct ParseError: Error, Equatable, Sendable {
        public var line: Int
        public var reason: String

        public init(line: Int, reason: String) {
            self.line = line
            self.reason = reason
        }
    }

    /// The text of an uploaded file, refused when any byte sequence is not UTF-8: invalid bytes are never
    /// replaced by U+FFFD, which would silently store damaged names. The error names the line of the first bad
    /// byte.
    public static func text(utf8 bytes: some Collection<UInt8>) throws -> String {
        var line = 1
        var scalars = String.UnicodeScalarView()
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        decode: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar == "\n" { line += 1 }
                scalars.append(scalar)
            case .emptyInput:
                break decode
            case .error:
                throw ParseError(line: line, reason: "the file is not UTF-8 text (save it as UTF-8 CSV)")
            }
        }
        return String(scalars)
    }

    /// The rows of `text`; empty lines are skipped.
    public static func parse(_ text: String) throws -> [[String]] {
        try numberedRows(text).map(\.fields)
    }

    /// The rows with the line each one starts on.
    public static func numberedRows(_ text: String) throws -> [(line: Int, fields: [String])] {
        var rows: [(line: Int, fields: [String])] = []
        var rowLine = 1
        var row: [String] = []
        var field = ""
        var quoted = false
        var fieldStarted = false
        var line = 1
        var startLine = 1
        var iterator = (text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text).unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil

        func endRow() {
            row.append(field)
            if !(row.count == 1 && row[0].isEmpty && !fieldStarted) { rows.append((rowLine, row)) }
            rowLine = line + 1
            row = []
            field = ""
            fieldStarted = false
        }

        while let scalar = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if scalar == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" {
                            field.unicodeScalars.append("\"")
                        } else {
                            quoted = false
                            pending = next
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"":
                guard field.isEmpty else {
                    throw ParseError(line: line, reason: "a quote inside an unquoted field")
                }
                quoted = true
                fieldStarted = true
                startLine = line
            case ",":
                row.append(field)
                field = ""
                fieldStarted = true
            case "\r":
                if let next = iterator.next(), next != "\n" { pending = next }
                endRow()
                line += 1
            case "\n":
                endRow()
                line += 1
            default:
                field.unicodeScalars.append(scalar)
                fieldStarted = true
            }
        }
        if quoted { throw ParseError(line: startLine, reason: "a quoted field is not closed") }
        if fieldStarted || !field.isEmpty || !row.isEmpty { endRow() }
        return rows
    }

    /// One field, quoted when it holds a comma, a quote, a line break or leading/trailing spaces.
    public static func field(_ value: String) -> String {
        let needsQuotes =
            value.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            || value.hasPrefix(" ") || value.hasSuffix(" ")
        // A leading =, +, - or @ makes spreadsheets run the cell as a formula: neutralise it.
        let safe = value.first.map { "=+-@".contains($0) } == true && Double(value) == nil ? "'" + value : value
        return needsQuotes || safe != value
            ? "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
    }

    /// One line, ending with CRLF.
    public static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    /// The byte-order mark that starts an exported file.
    public static let byteOrderMark = "\u{FEFF}"
}

/// The rows of a CSV file by header name, with the line number of each row for error messages.
public struct CSVTable: Sendable {
    public var header: [String]
    public var rows: [(line: Int, values: [String: String])]

    /// The first row names the columns; names are trimmed and compared case-sensitively.
    public init(_ text: String) throws {
        let parsed = try CSV.numberedRows(text)
        guard let first = parsed.first?.fields else { throw CSV.ParseError(line: 1, reason: "the file is empty") }
        header = first.map { $0.trimmingCharacters(in: .whitespaces) }
        if Set(header).count != header.count { throw CSV.ParseError(line: 1, reason: "a column name appears twice") }
        rows = []
        for (line, values) in parsed.dropFirst() {
            guard values.count <= header.count else {
                throw CSV.ParseError(line: line, reason: "more fields than columns")
            }
            var row: [String: String] = [:]
            for (name, value) in zip(header, values) where !value.isEmpty { row[name] = value }
            rows.append((line, row))
        }
    }
}
