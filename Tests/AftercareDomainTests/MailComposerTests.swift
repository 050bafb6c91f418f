import Foundation
import Testing

@testable import AftercareDomain

@Suite("Mail: composing messages (R-10.6)")
struct MailComposerTests {
    static let date = Date(timeIntervalSince1970: 1_772_504_100)

    static func reply(automatic: Bool = false) -> OutgoingMail {
        OutgoingMail(
            from: MailAddress(name: "售后服务中心", address: "service@aftercare.example"),
            to: MailAddress(name: "José Pérez", address: "jose@example.es"),
            subject: "[SR-2026-000467] 回复：空调不制冷，需要上门检修吗？请在周五之前告诉我们方便的时间",
            text: "您好，\n技术员将于周五上午到达。\r\nBuenos días: ¿está bien el viernes?\n\n售后服务中心",
            messageId: "reply-1@aftercare.example", inReplyTo: "abc123@mail.example.com",
            references: ["first@aftercare.example", "abc123@mail.example.com"], automatic: automatic, date: date,
            extraHeaders: [MailHeader(name: "X-Aftercare-Request", value: "SR-2026-000467")])
    }

    /// The header block of rendered bytes, as lines.
    static func headerLines(_ bytes: [UInt8]) -> [String] {
        let text = String(decoding: bytes, as: UTF8.self)
        let head = text.components(separatedBy: "\r\n\r\n").first ?? ""
        return head.components(separatedBy: "\r\n")
    }

    @Test("a reply renders as CRLF lines, MIME headers, base64 body in 76-character lines")
    func layout() {
        let bytes = Self.reply().rendered()
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(bytes.allSatisfy { $0 < 0x80 })
        // Every LF is part of a CRLF.
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            #expect(index > 0 && bytes[index - 1] == 0x0D)
        }
        let lines = Self.headerLines(bytes)
        #expect(lines.allSatisfy { $0.count <= 78 })
        #expect(lines.first == "Date: Tue, 03 Mar 2026 02:15:00 +0000")
        #expect(lines.contains("Message-ID: <reply-1@aftercare.example>"))
        #expect(lines.contains("In-Reply-To: <abc123@mail.example.com>"))
        #expect(lines.contains("References: <first@aftercare.example> <abc123@mail.example.com>"))
        #expect(lines.contains("MIME-Version: 1.0"))
        #expect(lines.contains("Content-Type: text/plain; charset=utf-8"))
        #expect(lines.contains("Content-Transfer-Encoding: base64"))
        #expect(lines.contains("X-Aftercare-Request: SR-2026-000467"))
        #expect(lines.contains { $0.hasPrefix("Subject: =?utf-8?B?") })
        #expect(lines.contains { $0.hasPrefix("From: =?utf-8?B?") && $0.hasSuffix("?= <service@aftercare.example>") })
        #expect(!lines.contains { $0.hasPrefix("Auto-Submitted") || $0.hasPrefix("X-Auto-Response-Suppress") })
        let body = text.components(separatedBy: "\r\n\r\n").dropFirst().joined()
        #expect(body.split(separator: "\r\n").allSatisfy { $0.count <= 76 })
        #expect(body.hasSuffix("\r\n"))
    }

    @Test("what is rendered reads back: subject, names, text, ids, date")
    func roundTrip() {
        let message = MailMessage.parse(Self.reply().rendered())
        #expect(message.subject == "[SR-2026-000467] 回复：空调不制冷，需要上门检修吗？请在周五之前告诉我们方便的时间")
        #expect(message.from == MailAddress(name: "售后服务中心", address: "service@aftercare.example"))
        #expect(message.to == [MailAddress(name: "José Pérez", address: "jose@example.es")])
        #expect(message.text == "您好，\n技术员将于周五上午到达。\nBuenos días: ¿está bien el viernes?\n\n售后服务中心")
        #expect(message.messageId == "reply-1@aftercare.example")
        #expect(message.inReplyTo == ["abc123@mail.example.com"])
        #expect(message.references == ["first@aftercare.example", "abc123@mail.example.com"])
        #expect(message.date == Self.date)
        #expect(message.header("x-aftercare-request") == "SR-2026-000467")
        #expect(!message.isAutomatic)
        #expect(message.problems.isEmpty)
        #expect(RequestTag.number(in: message.subject) == "SR-2026-000467")
    }

    @Test("an automatic message is marked so that no robot answers it, and reads back as automatic")
    func automatic() {
        let lines = Self.headerLines(Self.reply(automatic: true).rendered())
        #expect(lines.contains("Auto-Submitted: auto-replied"))
        #expect(lines.contains("X-Auto-Response-Suppress: All"))
        #expect(MailMessage.parse(Self.reply(automatic: true).rendered()).isAutomatic)
        var notice = Self.reply(automatic: true)
        notice.inReplyTo = nil
        notice.references = []
        let noticeLines = Self.headerLines(notice.rendered())
        #expect(noticeLines.contains("Auto-Submitted: auto-generated"))
        #expect(!noticeLines.contains { $0.hasPrefix("In-Reply-To") || $0.hasPrefix("References") })
    }

    @Test("ASCII names and subjects stay readable; special characters are quoted; long subjects are folded")
    func asciiHeaders() {
        let mail = OutgoingMail(
            from: MailAddress(name: "Aftercare Service", address: "service@aftercare.example"),
            to: MailAddress(name: "Doe, \"JD\" John", address: "JD@Example.com"),
            subject: String(repeating: "compressor noise ", count: 8) + "end",
            text: "Short.", messageId: "<x1@aftercare.example>", date: Self.date)
        let lines = Self.headerLines(mail.rendered())
        #expect(lines.contains("From: Aftercare Service <service@aftercare.example>"))
        #expect(lines.contains(#"To: "Doe, \"JD\" John" <jd@example.com>"#))
        #expect(lines.contains("Message-ID: <x1@aftercare.example>"))
        #expect(lines.contains { $0.hasPrefix("Subject: compressor noise") })
        #expect(lines.allSatisfy { $0.count <= 78 })
        let message = MailMessage.parse(mail.rendered())
        #expect(message.subject == String(repeating: "compressor noise ", count: 8) + "end")
        #expect(message.to.first == MailAddress(name: "Doe, \"JD\" John", address: "jd@example.com"))
        #expect(message.text == "Short.")
    }

    @Test("header injection is impossible: line breaks become spaces, own fields cannot be overridden")
    func injection() {
        let mail = OutgoingMail(
            from: MailAddress(name: "Desk\r\nBcc: victim@example.com", address: "service@aftercare.example"),
            to: MailAddress(address: "wang@example.com\r\nBcc: x@example.com"),
            subject: "Hello\r\nBcc: victim@example.com", text: "Body", messageId: "m1@aftercare.example",
            date: Self.date,
            extraHeaders: [
                MailHeader(name: "Subject", value: "second subject"), MailHeader(name: "Bad Name", value: "x"),
                MailHeader(name: "X-Note", value: "line\r\nBcc: victim@example.com"),
                MailHeader(name: "X-Kunde", value: "Müller"),
            ])
        let lines = Self.headerLines(mail.rendered())
        #expect(!lines.contains { $0.hasPrefix("Bcc") })
        #expect(lines.filter { $0.hasPrefix("Subject:") } == ["Subject: Hello Bcc: victim@example.com"])
        #expect(!lines.contains { $0.hasPrefix("Bad Name") })
        #expect(lines.contains("X-Note: line Bcc: victim@example.com"))
        let message = MailMessage.parse(mail.rendered())
        #expect(message.header("x-kunde") == "Müller")
        #expect(message.to.count == 1)
    }

    @Test("encoded-words never split a character and stay within the length limit")
    func encodedWordLength() {
        let subject = String(repeating: "空调😀", count: 30)
        let encoded = EncodedWords.encode(subject)
        let words = encoded.components(separatedBy: "\r\n ")
        #expect(words.allSatisfy { $0.count <= 75 && $0.hasPrefix("=?utf-8?B?") && $0.hasSuffix("?=") })
        var problems: [MailProblem] = []
        for word in words {
            let decoded = EncodedWords.decode(word, problems: &problems)
            #expect(!decoded.contains("\u{FFFD}"))
        }
        #expect(EncodedWords.decode(encoded.replacingOccurrences(of: "\r\n", with: ""), problems: &problems) == subject)
        #expect(OutgoingMail.newMessageId(domain: "aftercare.example").hasSuffix("@aftercare.example"))
    }
}
