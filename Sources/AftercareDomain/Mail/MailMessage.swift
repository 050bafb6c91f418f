import Foundation

/// A file carried by a message.
public struct MailAttachment: Sendable, Equatable {
    /// The decoded name as the sender gave it (to be made safe by the caller), or one made from the content type
    /// (`attachment.pdf`, `message.eml`).
    public var filename: String
    /// Lower-cased `type/subtype`, without parameters.
    public var contentType: String
    /// The content, transfer encoding removed.
    public var data: [UInt8]

    public init(filename: String, contentType: String, data: [UInt8]) {
        self.filename = filename
        self.contentType = contentType
        self.data = data
    }
}

/// an e-mail as read from its RFC 5322 / MIME bytes.
public struct MailMessage: Sendable {
    /// Larger messages are refused by the caller before parsing.
    public static let maxBytes = 25 * 1024 * 1024
    /// Recipients past this many are logged and ignored by the caller.
    public static let maxRecipients = 100

    /// Every header field in order, unfolded, with encoded-words decoded.
    public var headers: [MailHeader] = []
    public var from: MailAddress?
    public var replyTo: MailAddress?
    public var to: [MailAddress] = []
    public var cc: [MailAddress] = []
    /// Decoded; empty when there is none.
    public var subject = ""
    /// Without angle brackets.
    public var messageId: String?
    /// Ids without angle brackets.
    public var inReplyTo: [String] = []
    /// Ids without angle brackets, oldest first as sent.
    public var references: [String] = []
    public var date: Date?
    /// The readable body, lines separated by `\n`: the text/plain part preferred, else text/html as plain text.
    public var text = ""
    /// Every part that is not the body: files, inline images, nested messages (`message.eml`).
    public var attachments: [MailAttachment] = []
    /// Never to be answered: `Auto-Submitted` other than `no`; `Precedence` bulk, junk, list or auto_reply;
    /// `X-Autoreply`, `X-Autorespond`, `X-Auto-Response-Suppress` with `All` or `OOF`; `List-Id`,
    /// `List-Unsubscribe` or `X-Failed-Recipients`; `From` or `Return-Path` empty (`<>`) or from `MAILER-DAEMON` or
    /// `postmaster`; a `multipart/report` (bounces, delivery and read reports).
    public var isAutomatic = false
    /// What could not be read as declared.
    public var problems: [MailProblem] = []

    public init() {}

    /// The value of the first header field called `name`, whatever its case.
    public func header(_ name: String) -> String? {
        headers.first(name)
    }

    /// The values of every header field called `name`, whatever its case.
    public func headers(named name: String) -> [String] {
        headers.all(name)
    }

    /// Reads a message. Never throws and never traps: malformed input gives what could be read, and `problems`.
    /// Line breaks may be CRLF or LF.
    public static func parse(_ bytes: [UInt8]) -> MailMessage {
        var parser = MailParser(bytes: bytes)
        return parser.run()
    }
}

/// The reading of one message.
struct MailParser {
    /// Parts nested deeper than this are not read.
    static let maxDepth = 24

    let bytes: [UInt8]
    var problems: [MailProblem] = []
    var attachments: [MailAttachment] = []

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The text a part or a tree of parts offers: plain, HTML, or both for an alternative.
    struct Body {
        var plain: String?
        var html: String?

        var isEmpty: Bool { plain == nil && html == nil }

        /// Plain text when there is some, else the HTML as text.
        var readable: String? {
            if let plain, !MailText.isBlank(plain) { return plain }
            return html.map(MailHTML.text) ?? plain
        }
    }

    mutating func run() -> MailMessage {
        let block = MailHeaderBlock.read(bytes, in: 0..<bytes.count, topLevel: true, problems: &problems)
        let raw = block.headers
        var message = MailMessage()
        message.headers = raw.map {
            MailHeader(name: $0.name, value: MailHeaderBlock.clean(EncodedWords.decode($0.value, problems: &problems)))
        }
        message.subject = message.header("subject") ?? ""
        message.from = raw.first("from").flatMap { AddressList.parse($0, problems: &problems).first }
        message.replyTo = raw.first("reply-to").flatMap { AddressList.parse($0, problems: &problems).first }
        message.to = AddressList.parse(raw.all("to").joined(separator: ", "), problems: &problems)
        message.cc = AddressList.parse(raw.all("cc").joined(separator: ", "), problems: &problems)
        message.messageId = raw.first("message-id").flatMap { MessageIDs.parse($0).first }
        message.inReplyTo = raw.first("in-reply-to").map(MessageIDs.parse) ?? []
        message.references = raw.first("references").map(MessageIDs.parse) ?? []
        message.date = raw.first("date").flatMap(MailDate.parse)

        let body = walk(headers: raw, range: block.bodyStart..<bytes.count, depth: 0, parent: nil)
        message.text = MailText.tidy(body.readable ?? "")
        message.attachments = attachments
        message.isAutomatic = MailAutomatic.isAutomatic(raw)
        message.problems = problems
        return message
    }

    /// Reads one part (the whole message at depth 0): its text, and its attachments into `attachments`.
    mutating func walk(headers: [MailHeader], range: Range<Int>, depth: Int, parent: String?) -> Body {
        var type =
            headers.first("content-type").map { MIMEField.parse($0, problems: &problems) }
            ?? MIMEField(value: parent == "multipart/digest" ? "message/rfc822" : "text/plain", parameters: [:])
        if !type.value.contains("/") {
            if type.value != "text" { problems.note(.malformedPart("content type “\(type.value)”")) }
            type.value = "text/plain"
        }
        if type.isMultipart {
            guard depth < Self.maxDepth else {
                problems.note(.malformedPart("parts nested deeper than \(Self.maxDepth)"))
                return Body()
            }
            return multipart(type, range: range, depth: depth)
        }
        let disposition = headers.first("content-disposition").map { MIMEField.parse($0, problems: &problems) }
        let encoding = headers.first("content-transfer-encoding").map(Self.transferEncoding) ?? ""
        let filename = [disposition?.parameters["filename"], type.parameters["name"]]
            .compactMap { $0?.trimmingCharacters(in: .whitespacesAndNewlines) }
            .first { !$0.isEmpty }
        let isAttachment = disposition?.value == "attachment"
        let isText = type.value == "text/plain" || type.value == "text/html"
        if isText, !isAttachment, filename == nil || depth == 0 {
            let text = decodeText(decodeTransfer(range, encoding: encoding), type: type)
            return type.value == "text/plain" ? Body(plain: text) : Body(html: text)
        }
        let signatures = ["application/pgp-signature", "application/pkcs7-signature", "application/x-pkcs7-signature"]
        if parent == "multipart/signed", signatures.contains(type.value) { return Body() }
        attachments.append(
            MailAttachment(
                filename: filename ?? Self.defaultName(for: type.value), contentType: type.value,
                data: decodeTransfer(range, encoding: encoding)))
        return Body()
    }

    /// A multipart: its parts read in turn. An alternative offers the first non-empty plain text and the last
    /// HTML of its parts; any other kind joins the text of its parts in order.
    mutating func multipart(_ type: MIMEField, range: Range<Int>, depth: Int) -> Body {
        var boundary = type.parameters["boundary"] ?? ""
        if boundary.isEmpty {
            problems.note(.malformedPart("\(type.value) without a boundary"))
            boundary = guessBoundary(range) ?? ""
        }
        let ranges = boundary.isEmpty ? [] : split(range, boundary: Array(boundary.utf8))
        guard !ranges.isEmpty else {
            if !boundary.isEmpty { problems.note(.malformedPart("boundary “\(boundary)” not found")) }
            let text = decodeText(Array(bytes[range]), type: MIMEField(value: "text/plain", parameters: [:]))
            return Body(plain: text)
        }
        var bodies: [Body] = []
        for part in ranges {
            let block = MailHeaderBlock.read(bytes, in: part, topLevel: false, problems: &problems)
            let body = walk(
                headers: block.headers, range: block.bodyStart..<part.upperBound, depth: depth + 1, parent: type.value)
            if !body.isEmpty { bodies.append(body) }
        }
        if type.value == "multipart/alternative" {
            let plain = bodies.compactMap(\.plain).first { !MailText.isBlank($0) }
            return Body(plain: plain, html: bodies.compactMap(\.html).last)
        }
        if bodies.contains(where: { $0.plain != nil }) {
            let texts = bodies.compactMap(\.readable).filter {
                !MailText.isBlank($0)
            }
            return Body(plain: texts.joined(separator: "\n\n"))
        }
        let htmls = bodies.compactMap(\.html)
        return htmls.isEmpty ? Body() : Body(html: htmls.joined(separator: "\n"))
    }

    /// The ranges of the parts between `--boundary` lines; the line break before a boundary line belongs to it.
    /// The preamble and the epilogue are ignored; without a closing boundary the last part runs to the end.
    mutating func split(_ range: Range<Int>, boundary: [UInt8]) -> [Range<Int>] {
        var parts: [Range<Int>] = []
        var partStart: Int?
        var index = range.lowerBound
        let end = range.upperBound
        while index < end {
            var lineEnd = index
            while lineEnd < end, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            let next = lineEnd < end ? lineEnd + 1 : end
            if let kind = delimiter(index..<lineEnd, boundary: boundary) {
                if let start = partStart {
                    var contentEnd = index
                    if contentEnd > start, bytes[contentEnd - 1] == 0x0A { contentEnd -= 1 }
                    if contentEnd > start, bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
                    parts.append(start..<contentEnd)
                }
                if kind == .close { return parts }
                partStart = next
            }
            index = next
        }
        if let start = partStart {
            problems.note(.malformedPart("no closing boundary"))
            parts.append(start..<end)
        }
        return parts
    }

    enum Delimiter { case open, close }

    /// Whether a line is `--boundary` or `--boundary--`, trailing whitespace allowed.
    func delimiter(_ line: Range<Int>, boundary: [UInt8]) -> Delimiter? {
        let dash = UInt8(ascii: "-")
        guard line.count >= boundary.count + 2, bytes[line.lowerBound] == dash, bytes[line.lowerBound + 1] == dash
        else { return nil }
        var index = line.lowerBound + 2
        for byte in boundary {
            guard bytes[index] == byte else { return nil }
            index += 1
        }
        var kind = Delimiter.open
        if index + 1 < line.upperBound, bytes[index] == dash, bytes[index + 1] == dash {
            kind = .close
            index += 2
        }
        while index < line.upperBound {
            guard [0x20, 0x09, 0x0D].contains(bytes[index]) else { return nil }
            index += 1
        }
        return kind
    }

    /// The boundary of a multipart that does not name one: the first line that looks like a delimiter.
    func guessBoundary(_ range: Range<Int>) -> String? {
        var index = range.lowerBound
        while index < range.upperBound {
            var lineEnd = index
            while lineEnd < range.upperBound, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            if lineEnd - index > 2, bytes[index] == UInt8(ascii: "-"), bytes[index + 1] == UInt8(ascii: "-") {
                let line = MailText.trimmed(String(decoding: bytes[(index + 2)..<lineEnd], as: UTF8.self))
                if !line.isEmpty, line.utf8.count < 100, !line.contains(" ") { return line }
            }
            index = lineEnd + 1
        }
        return nil
    }

    /// The transfer encoding's name, lower-cased, without comments.
    static func transferEncoding(_ raw: String) -> String {
        let value = raw.split(separator: "(").first.map(String.init) ?? ""
        return value.trimmingCharacters(in: .whitespacesAndNewlines.union(["\""])).lowercased()
    }

    /// The content of a part, its transfer encoding removed.
    mutating func decodeTransfer(_ range: Range<Int>, encoding: String) -> [UInt8] {
        switch encoding {
        case "base64":
            let decoded = MailTransfer.base64Decode(bytes[range])
            if !decoded.complete { problems.note(.malformedEncoding("base64 cut short")) }
            return decoded.bytes
        case "quoted-printable":
            return MailTransfer.quotedPrintableDecode(bytes[range])
        default:
            return Array(bytes[range])
        }
    }

    /// The text of a text part: its charset (or, for HTML without one, the charset its `meta` names), line breaks
    /// as `\n`, format=flowed lines joined.
    mutating func decodeText(_ data: [UInt8], type: MIMEField) -> String {
        var charset = type.parameters["charset"]
        if charset?.isEmpty != false, type.value == "text/html" { charset = Self.metaCharset(data) }
        let decoded = MailCharset.text(data, charset: charset)
        if let problem = decoded.problem { problems.note(problem) }
        var text = decoded.text
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        text = MailText.unixLineBreaks(text)
        if type.value == "text/plain", type.parameters["format"]?.lowercased() == "flowed" {
            text = Self.unflow(text, deleteSpace: type.parameters["delsp"]?.lowercased() == "yes")
        }
        return text
    }

    /// RFC 3676: a line ending in a space goes on in the next one; a leading space was added for transport.
    static func unflow(_ text: String, deleteSpace: Bool) -> String {
        var lines: [Substring] = []
        var current = ""
        var open = false
        for var line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(" ") { line = line.dropFirst() }
            if line.hasSuffix(" "), line != "-- " {
                current += deleteSpace ? line.dropLast() : line
                open = true
            } else {
                lines.append(Substring(current + line))
                current = ""
                open = false
            }
        }
        if open { lines.append(Substring(current)) }
        return lines.joined(separator: "\n")
    }

    /// The charset an HTML document declares in its first kilobytes (`<meta charset="gbk">`).
    static func metaCharset(_ data: [UInt8]) -> String? {
        let head = String(decoding: data.prefix(4096).map { $0 < 0x80 ? $0 : 0x20 }, as: UTF8.self).lowercased()
        guard let found = head.range(of: "charset=") else { return nil }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-_.:")
        let name = head[found.upperBound...].drop { $0 == "\"" || $0 == "'" || $0 == " " }.prefix {
            allowed.contains($0)
        }
        return name.isEmpty ? nil : String(name)
    }

    /// A name for an attachment that has none, from its content type.
    static func defaultName(for type: String) -> String {
        let known: [String: String] = [
            "message/rfc822": "message.eml", "message/global": "message.eml",
            "message/delivery-status": "delivery-status.txt", "message/disposition-notification": "disposition.txt",
            "text/rfc822-headers": "headers.txt", "application/pdf": "attachment.pdf",
            "image/jpeg": "attachment.jpg", "image/pjpeg": "attachment.jpg", "image/png": "attachment.png",
            "image/gif": "attachment.gif", "image/webp": "attachment.webp", "image/bmp": "attachment.bmp",
            "image/tiff": "attachment.tif", "image/heic": "attachment.heic", "image/svg+xml": "attachment.svg",
            "application/zip": "attachment.zip", "application/x-zip-compressed": "attachment.zip",
            "text/plain": "attachment.txt", "text/html": "attachment.html", "text/calendar": "attachment.ics",
            "text/csv": "attachment.csv", "application/msword": "attachment.doc",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "attachment.docx",
            "application/vnd.ms-excel": "attachment.xls",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "attachment.xlsx",
            "application/pgp-signature": "signature.asc", "application/pkcs7-signature": "smime.p7s",
            "audio/mpeg": "attachment.mp3", "video/mp4": "attachment.mp4",
        ]
        return known[type] ?? "attachment.bin"
    }
}
