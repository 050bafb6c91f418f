import Foundation

/// a plain-text message to send: a reply to the customer or a notice.
public struct OutgoingMail: Sendable {
    public var from: MailAddress
    public var to: MailAddress
    public var subject: String
    /// The body; any line breaks.
    public var text: String
    /// Without angle brackets.
    public var messageId: String
    /// The id of the message answered, without angle brackets.
    public var inReplyTo: String?
    /// The ids of the thread, oldest first, without angle brackets.
    public var references: [String]
    /// Sent by the system, not typed by a person: marked `Auto-Submitted` (`auto-replied` when answering a
    /// message, `auto-generated` otherwise) and `X-Auto-Response-Suppress: All`, so that no robot answers it.
    public var automatic: Bool
    public var date: Date
    /// More fields, after the standard ones. Fields this type writes itself (`From`, `Subject`, `Content-Type`,
    /// ...) and names that are not valid field names are left out; non-ASCII values are sent as encoded-words.
    public var extraHeaders: [MailHeader]

    public init(
        from: MailAddress, to: MailAddress, subject: String, text: String, messageId: String,
        inReplyTo: String? = nil, references: [String] = [], automatic: Bool = false, date: Date = Date(),
        extraHeaders: [MailHeader] = []
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.messageId = messageId
        self.inReplyTo = inReplyTo
        self.references = references
        self.automatic = automatic
        self.date = date
        self.extraHeaders = extraHeaders
    }

    /// A new globally unique message id at `domain`, without angle brackets.
    public static func newMessageId(domain: String) -> String {
        "\(UUID().uuidString.lowercased())@\(domain)"
    }
}

extension OutgoingMail {
    /// The message as RFC 5322 bytes: CRLF lines, folded headers, non-ASCII subject and names as UTF-8 B
    /// encoded-words, the body as UTF-8 text/plain in base64 lines of 76 characters.
    public func rendered() -> [UInt8] {
        var head = HeaderWriter()
        head.add("Date", MailDate.format(date))
        head.add("From", MailComposer.mailbox(from))
        head.add("To", MailComposer.mailbox(to))
        head.add("Subject", MailComposer.unstructured(subject, nameLength: 7))
        head.add("Message-ID", "<\(MailComposer.id(messageId))>")
        if let inReplyTo, !MailComposer.id(inReplyTo).isEmpty {
            head.add("In-Reply-To", "<\(MailComposer.id(inReplyTo))>")
        }
        let thread = references.map(MailComposer.id).filter { !$0.isEmpty }
        if !thread.isEmpty { head.add("References", MailComposer.fold(thread.map { "<\($0)>" }, nameLength: 10)) }
        head.add("MIME-Version", "1.0")
        head.add("Content-Type", "text/plain; charset=utf-8")
        head.add("Content-Transfer-Encoding", "base64")
        if automatic {
            head.add("Auto-Submitted", inReplyTo == nil ? "auto-generated" : "auto-replied")
            head.add("X-Auto-Response-Suppress", "All")
        }
        for header in extraHeaders where MailComposer.isAllowedExtra(header.name) {
            head.add(header.name, MailComposer.unstructured(header.value, nameLength: header.name.count))
        }
        var body: [UInt8] = []
        for byte in MailText.unixLineBreaks(text).utf8 {
            if byte == 0x0A { body.append(0x0D) }
            body.append(byte)
        }
        let encoded = MailTransfer.base64Encode(body, lineLength: 76)
        var bytes = Array(head.text.utf8)
        bytes.append(contentsOf: [0x0D, 0x0A])
        bytes.append(contentsOf: encoded.utf8)
        bytes.append(contentsOf: [0x0D, 0x0A])
        return bytes
    }
}

/// Header lines joined by CRLF.
private struct HeaderWriter {
    var text = ""

    mutating func add(_ name: String, _ value: String) {
        text += "\(name): \(value)\r\n"
    }
}

/// How header values are written.
enum MailComposer {
    /// Lines are kept to this length where they can be broken.
    static let lineLength = 78

    /// Fields `OutgoingMail` writes itself, which `extraHeaders` may not repeat.
    static let ownFields: Set<String> = [
        "date", "from", "to", "cc", "bcc", "subject", "message-id", "in-reply-to", "references", "mime-version",
        "content-type", "content-transfer-encoding", "content-disposition", "auto-submitted",
        "x-auto-response-suppress",
    ]

    static func isAllowedExtra(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { (0x21...0x7E).contains($0) && $0 != UInt8(ascii: ":") }
            && !ownFields.contains(name.lowercased())
    }

    /// `Name <address>`: the name as it is when it is plain ASCII words, quoted when it has special characters,
    /// encoded-words when it is not ASCII.
    static func mailbox(_ mailbox: MailAddress) -> String {
        let address = String(
            mailbox.address.unicodeScalars.filter {
                !$0.properties.isWhitespace && $0.value >= 0x20 && !["<", ">", "\"", ","].contains($0)
            })
        guard let name = mailbox.name.map(singleLine), !name.isEmpty else { return address }
        return "\(phrase(name)) <\(address)>"
    }

    static func phrase(_ name: String) -> String {
        guard name.unicodeScalars.allSatisfy({ $0.isASCII }), !name.contains("=?") else {
            return EncodedWords.encode(name)
        }
        let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~ ")
        if name.allSatisfy(atext.contains) { return name }
        let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(escaped)\""
    }

    /// Free text: as it is, folded at spaces, when it is ASCII; else UTF-8 encoded-words.
    static func unstructured(_ value: String, nameLength: Int) -> String {
        let text = singleLine(value)
        guard text.unicodeScalars.allSatisfy({ $0.isASCII }), !text.contains("=?") else {
            return EncodedWords.encode(text)
        }
        return fold(text.split(separator: " ").map(String.init), nameLength: nameLength)
    }

    /// Words joined by spaces, a folding line break before a word that would make the line too long.
    static func fold(_ words: [String], nameLength: Int) -> String {
        var result = ""
        var column = nameLength + 2
        for word in words {
            if result.isEmpty {
                result = word
                column += word.count
            } else if column + 1 + word.count > lineLength {
                result += "\r\n " + word
                column = 1 + word.count
            } else {
                result += " " + word
                column += 1 + word.count
            }
        }
        return result
    }

    /// A message id without brackets, whitespace or control characters.
    static func id(_ raw: String) -> String {
        String(raw.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F && $0 != "<" && $0 != ">" })
    }

    /// Control characters and line breaks as spaces, runs of spaces as one, ends trimmed.
    static func singleLine(_ text: String) -> String {
        MailHeaderBlock.clean(text).split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }
}
