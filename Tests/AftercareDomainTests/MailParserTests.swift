import Foundation
import Testing

@testable import AftercareDomain

/// Building fixture messages as bytes.
enum MailFixture {
    /// `text` with every line break made CRLF.
    static func crlf(_ text: String) -> [UInt8] {
        Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
    }

    /// Pieces of bytes joined.
    static func join(_ pieces: [UInt8]...) -> [UInt8] {
        pieces.flatMap { $0 }
    }

    /// A multipart/mixed message with a text part and a PDF attachment, used by the robustness tests.
    static let mixed = crlf(
        """
        From: Wang Wei <wang@example.com>
        To: service@aftercare.example
        Subject: Quote
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="==b1=="

        preamble
        --==b1==
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: quoted-printable

        The unit stopped. Caf=C3=A9 area.
        --==b1==
        Content-Type: application/pdf; name="quote.pdf"
        Content-Disposition: attachment; filename*=UTF-8''%E6%8A%A5%E4%BF%AE%E5%8D%95.pdf
        Content-Transfer-Encoding: base64

        JVBERi0xLjQKJXRlc3QK
        --==b1==--
        epilogue
        """)
}

@Suite("Mail: reading messages (R-10.6)")
struct MailParserTests {
    @Test("a GBK body, a GB2312 encoded-word subject and sender name, the envelope fields")
    func gbkMessage() {
        let bytes = MailFixture.join(
            MailFixture.crlf(
                """
                From: =?gb2312?B?1cXI/Q==?= <Zhang.San@Example.COM>
                To: service@aftercare.example, "Li, Si" <li.si@example.com>
                Cc: =?utf-8?Q?Jos=C3=A9?= <jose@example.es>
                Reply-To: zs@example.com (Zhang San)
                Subject: =?gb2312?B?v9W1986s0N4=?=
                Date: Tue, 3 Mar 2026 10:15:00 +0800 (CST)
                Message-ID: <abc123@mail.example.com>
                In-Reply-To: <SR-1@aftercare.example>
                References: <first@aftercare.example>
                 <SR-1@aftercare.example>
                MIME-Version: 1.0
                Content-Type: text/plain; charset=GBK
                Content-Transfer-Encoding: 8bit


                """),
            MailCharsetTests.gbk, [0x0D, 0x0A])
        let message = MailMessage.parse(bytes)
        #expect(message.from == MailAddress(name: "张三", address: "zhang.san@example.com"))
        #expect(
            message.to == [
                MailAddress(address: "service@aftercare.example"),
                MailAddress(name: "Li, Si", address: "li.si@example.com"),
            ])
        #expect(message.cc == [MailAddress(name: "José", address: "jose@example.es")])
        #expect(message.replyTo == MailAddress(name: "Zhang San", address: "zs@example.com"))
        #expect(message.subject == "空调维修")
        #expect(message.header("SUBJECT") == "空调维修")
        #expect(message.date == Date(timeIntervalSince1970: 1_772_504_100))
        #expect(message.messageId == "abc123@mail.example.com")
        #expect(message.inReplyTo == ["SR-1@aftercare.example"])
        #expect(message.references == ["first@aftercare.example", "SR-1@aftercare.example"])
        #expect(message.text == "空调不制冷")
        #expect(message.attachments.isEmpty && !message.isAutomatic && message.problems.isEmpty)
    }

    @Test("a Big5 body in base64, LF line breaks")
    func big5Message() {
        let message = MailMessage.parse(
            Array(
                """
                From: chen@example.com.tw
                Subject: =?big5?B?p06u8KSjp04=?=
                Content-Type: text/plain; charset="big5"
                Content-Transfer-Encoding: base64

                p06u8KSjp06hQb3QrKOkSKjTrdehQwrBwsHC
                """.utf8))
        #expect(message.subject == "冷氣不冷")
        #expect(message.text == "冷氣不冷，請派人來修。\n謝謝")
        #expect(message.problems.isEmpty)
    }

    @Test("a UTF-8 quoted-printable body with a soft line break; 8-bit headers read as UTF-8 or GB18030")
    func quotedPrintable() {
        let bytes = MailFixture.join(
            MailFixture.crlf("From: Jos\u{E9} <jose@example.es>\nSubject: "), [0xB2, 0xBB, 0xD6, 0xC6, 0xC0, 0xE4],
            MailFixture.crlf(
                """

                Content-Type: text/plain; charset=utf-8
                Content-Transfer-Encoding: quoted-printable

                Buenos d=C3=ADas, el aparato no enfr=C3=ADa. =C2=BFPueden venir ma=C3=B1ana=
                ? =E7=A9=BA=E8=B0=83
                """))
        let message = MailMessage.parse(bytes)
        #expect(message.from?.name == "José")
        #expect(message.subject == "不制冷")
        #expect(message.text == "Buenos días, el aparato no enfría. ¿Pueden venir mañana? 空调")
    }

    @Test("folded headers are unfolded; an encoded-word may be split over lines")
    func folding() {
        let message = MailMessage.parse(
            MailFixture.crlf(
                """
                Subject: =?UTF-8?B?56m6?=
                \t=?UTF-8?B?6LCD?= is
                  broken
                X-Long: one
                 two

                body
                """))
        #expect(message.subject == "空调 is  broken")
        #expect(message.header("x-long") == "one two")
        #expect(message.text == "body")
    }

    @Test("a base64 PDF with an RFC 2231 Chinese name; the text part is the body")
    func attachment() {
        let message = MailMessage.parse(MailFixture.mixed)
        #expect(message.text == "The unit stopped. Café area.")
        #expect(
            message.attachments == [
                MailAttachment(
                    filename: "报修单.pdf", contentType: "application/pdf", data: Array("%PDF-1.4\n%test\n".utf8))
            ])
        #expect(message.problems.isEmpty)
    }

    @Test("attachments: continued names, encoded-word names, inline images without names, nested messages")
    func attachmentKinds() {
        let message = MailMessage.parse(
            MailFixture.crlf(
                """
                Content-Type: multipart/mixed; boundary=outer

                --outer
                Content-Type: multipart/related; boundary="rel"

                --rel
                Content-Type: text/html; charset=utf-8

                <p>See the photo:<img src="cid:photo1"></p>
                --rel
                Content-Type: image/png
                Content-ID: <photo1>
                Content-Disposition: inline
                Content-Transfer-Encoding: base64

                iVBORw0KGgoAAAANSUhEUg==
                --rel--

                --outer
                Content-Type: application/octet-stream
                Content-Disposition: attachment;
                 filename*0*=UTF-8''%E6%8A%A5; filename*1*=%E4%BF%AE%E5%8D%95;
                 filename*2=".pdf"

                data
                --outer
                Content-Type: image/png; name="=?UTF-8?B?5pWF6Zqc54Wn54mHLnBuZw==?="
                Content-Transfer-Encoding: base64

                iVBORw0KGgoAAAANSUhEUg==
                --outer
                Content-Type: message/rfc822

                From: someone@example.com
                Subject: forwarded

                old text
                --outer
                Content-Type: text/plain; name="notes.txt"

                a text file
                --outer--
                """))
        #expect(message.text == "See the photo:")
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52]
        #expect(
            message.attachments.map(\.filename) == [
                "attachment.png", "报修单.pdf", "故障照片.png", "message.eml", "notes.txt",
            ])
        #expect(
            message.attachments.map(\.contentType) == [
                "image/png", "application/octet-stream", "image/png", "message/rfc822", "text/plain",
            ])
        #expect(message.attachments[0].data == png && message.attachments[2].data == png)
        #expect(message.attachments[1].data == Array("data".utf8))
        let nested = MailMessage.parse(message.attachments[3].data)
        #expect(nested.subject == "forwarded" && nested.text == "old text")
        #expect(message.problems.isEmpty)
    }

    @Test("an alternative prefers text/plain; with HTML only, the HTML is made plain text")
    func alternatives() {
        let both = MailMessage.parse(
            MailFixture.crlf(
                """
                Content-Type: multipart/alternative; boundary=alt

                --alt
                Content-Type: text/plain; charset=utf-8

                Plain version
                --alt
                Content-Type: text/html; charset=utf-8

                <p>HTML version</p>
                --alt--
                """))
        #expect(both.text == "Plain version")
        let htmlOnly = MailMessage.parse(
            MailFixture.crlf(
                """
                Content-Type: multipart/alternative; boundary="simple boundary"

                --simple boundary
                Content-Type: text/html; charset=utf-8
                Content-Transfer-Encoding: quoted-printable

                <html><head><title>x</title><style>p {color: red}</style></head><body>
                <p>Hello&nbsp;there,</p><p>The unit shows E4 &amp; stops.<br>Thanks &#8212; Wang=
                 &#x7A7A;&#35843;</p><script>alert(1)</script><!-- note -->
                <div>Second    line</div><ul><li>one</li><li>two</li></ul>
                </body></html>
                --simple boundary--
                """))
        #expect(
            htmlOnly.text
                == "Hello there,\n\nThe unit shows E4 & stops.\nThanks — Wang 空调\n\nSecond line\n\n- one\n- two")
    }

    @Test("a multipart/mixed inside an alternative: its text parts are joined, its files kept")
    func nested() {
        let message = MailMessage.parse(
            MailFixture.crlf(
                """
                Content-Type: multipart/alternative; boundary=alt

                --alt
                Content-Type: multipart/mixed; boundary=mix

                --mix
                Content-Type: text/plain

                Part one
                --mix
                Content-Type: image/jpeg
                Content-Disposition: inline; filename=photo.jpg
                Content-Transfer-Encoding: base64

                /9j/4A==
                --mix
                Content-Type: text/plain

                Part two
                --mix--
                --alt
                Content-Type: multipart/related; boundary=rel

                --rel
                Content-Type: text/html

                <p>Part one</p><p>Part two</p>
                --rel--
                --alt--
                """))
        #expect(message.text == "Part one\n\nPart two")
        #expect(
            message.attachments == [
                MailAttachment(filename: "photo.jpg", contentType: "image/jpeg", data: [0xFF, 0xD8, 0xFF, 0xE0])
            ])
    }

    @Test("a bounce (multipart/report) is automatic; its returned message is an attachment")
    func bounce() {
        let message = MailMessage.parse(
            MailFixture.crlf(
                """
                Return-Path: <>
                From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.com>
                To: service@aftercare.example
                Subject: Undelivered Mail Returned to Sender
                Content-Type: multipart/report; report-type=delivery-status;
                \tboundary="8B2F.1709"

                --8B2F.1709
                Content-Description: Notification
                Content-Type: text/plain; charset=us-ascii

                I'm sorry to have to inform you that your message could not be delivered.
                --8B2F.1709
                Content-Type: message/delivery-status

                Reporting-MTA: dns; mx.example.com
                Final-Recipient: rfc822; nobody@example.com
                Action: failed
                --8B2F.1709
                Content-Type: message/rfc822

                From: service@aftercare.example
                Subject: [SR-2026-000467] Your request

                Hello
                --8B2F.1709--
                """))
        #expect(message.isAutomatic)
        #expect(message.from?.address == "mailer-daemon@mx.example.com")
        #expect(message.text.hasPrefix("I'm sorry"))
        #expect(message.attachments.map(\.filename) == ["delivery-status.txt", "message.eml"])
    }

    @Test(
        "auto-replies, bulk and list mail, bounces are automatic",
        arguments: [
            "Auto-Submitted: auto-replied", "Auto-Submitted: auto-generated (vacation)", "Precedence: bulk",
            "Precedence: junk", "Precedence: list", "Precedence: auto_reply", "X-Autoreply: yes", "X-Autorespond: 1",
            "X-Auto-Response-Suppress: DR, OOF", "X-Auto-Response-Suppress: All", "List-Id: <news.example.com>",
            "List-Unsubscribe: <mailto:leave@example.com>", "Return-Path: <>", "From: <>",
            "From: MAILER-DAEMON@example.com", "From: Postmaster <postmaster@example.com>",
            "Content-Type: multipart/report; report-type=disposition-notification; boundary=x",
        ])
    func automatic(_ header: String) {
        let message = MailMessage.parse(MailFixture.crlf("To: service@aftercare.example\n\(header)\n\nI am away."))
        #expect(message.isAutomatic)
    }

    @Test(
        "a person's message is not automatic",
        arguments: [
            "Auto-Submitted: no", "Precedence: normal", "X-Auto-Response-Suppress: DR, RN", "From: wang@example.com",
            "Return-Path: <wang@example.com>",
        ])
    func notAutomatic(_ header: String) {
        let message = MailMessage.parse(MailFixture.crlf("To: service@aftercare.example\n\(header)\n\nHello."))
        #expect(!message.isAutomatic)
    }

    @Test("an unknown charset is noted; the text is still read")
    func unknownCharset() {
        let message = MailMessage.parse(
            MailFixture.crlf(
                """
                Subject: =?x-unknown?Q?Hello?=
                Content-Type: text/plain; charset="x-unknown"

                The heater is broken. 空调
                """))
        #expect(message.text == "The heater is broken. 空调")
        #expect(message.subject == "Hello")
        #expect(message.problems == [.unknownCharset("x-unknown")])
    }

    @Test("malformed MIME: no boundary parameter, no boundary line, no closing boundary, bad headers")
    func malformed() {
        let guessed = MailMessage.parse(
            MailFixture.crlf(
                """
                Content-Type: multipart/mixed

                --abc
                Content-Type: text/plain

                guessed boundary
                --abc--
                """))
        #expect(guessed.text == "guessed boundary")
        #expect(guessed.problems == [.malformedPart("multipart/mixed without a boundary")])

        let missing = MailMessage.parse(
            MailFixture.crlf("Content-Type: multipart/mixed; boundary=zzz\n\nJust text, no parts."))
        #expect(missing.text == "Just text, no parts.")
        #expect(missing.problems == [.malformedPart("boundary “zzz” not found")])

        let unclosed = MailMessage.parse(
            MailFixture.crlf(
                """
                Content-Type: multipart/mixed; boundary=b

                --b
                Content-Type: text/plain

                first
                --b
                Content-Type: application/pdf
                Content-Transfer-Encoding: base64

                JVBERi0xLjQKJXRlc3QKI
                """))
        #expect(unclosed.text == "first")
        #expect(unclosed.attachments.map(\.data) == [Array("%PDF-1.4\n%test\n".utf8)])
        #expect(unclosed.problems == [.malformedPart("no closing boundary"), .malformedEncoding("base64 cut short")])

        let badHeader = MailMessage.parse(
            MailFixture.crlf("From: a@example.com\nthis line has no colon\nSubject: still read\n\nbody"))
        #expect(badHeader.subject == "still read" && badHeader.text == "body")
        #expect(badHeader.problems == [.undecodableHeader("this line has no colon")])

        let noHeaders = MailMessage.parse(Array("just some words\nand more".utf8))
        #expect(noHeaders.text == "just some words\nand more")
        #expect(noHeaders.problems == [.malformedPart("the message has no header")])
    }

    @Test("binary garbage and every cut of a message parse without trapping")
    func robustness() {
        var seed: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> UInt8 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: seed >> 33)
        }
        for length in [0, 1, 2, 100, 5000] {
            let garbage = (0..<length).map { _ in next() }
            let message = MailMessage.parse(garbage)
            #expect(message.problems.count <= 50)
        }
        let deep = Array(
            (0..<100).map { "Content-Type: multipart/mixed; boundary=b\($0)\n\n--b\($0)\n" }.joined().utf8)
        #expect(MailMessage.parse(deep).problems.contains(.malformedPart("parts nested deeper than 24")))
        let message = MailFixture.mixed
        for cut in stride(from: 0, to: message.count, by: 3) {
            _ = MailMessage.parse(Array(message[..<cut]))
        }
        for position in stride(from: 0, to: message.count, by: 5) {
            var damaged = message
            damaged[position] = next()
            _ = MailMessage.parse(damaged)
        }
        #expect(MailMessage.parse(Array("\n\n\n".utf8)).text == "")
        #expect(MailMessage.parse(Array("Subject: =?utf-8?B?".utf8)).subject == "=?utf-8?B?")
    }

    @Test("500 recipients are all read; the caller keeps the first maxRecipients")
    func manyRecipients() {
        let to = (0..<500).map { "\"Customer \($0)\" <c\($0)@example.com>" }.joined(separator: ",\n ")
        let message = MailMessage.parse(MailFixture.crlf("To: \(to)\nCc: undisclosed-recipients:;\n\nhi"))
        #expect(message.to.count == 500)
        #expect(message.to[499] == MailAddress(name: "Customer 499", address: "c499@example.com"))
        #expect(message.cc.isEmpty)
        #expect(MailMessage.maxRecipients == 100 && MailMessage.maxBytes == 25 * 1024 * 1024)
    }

    @Test("addresses: quoted names with escapes, comments, routes, groups, encoded names in quotes")
    func addresses() {
        var problems: [MailProblem] = []
        let list = AddressList.parse(
            #"""
            "Doe, \"JD\" John" <JD@Example.com>, (Support) help@example.com, <@relay:route@example.com>,
            team: a@example.com, "=?utf-8?B?5byg5LiJ?=" <zs@example.com>;, Bare Name bare@example.com, <>
            """#, problems: &problems)
        #expect(
            list == [
                MailAddress(name: "Doe, \"JD\" John", address: "jd@example.com"),
                MailAddress(name: "Support", address: "help@example.com"),
                MailAddress(address: "route@example.com"), MailAddress(address: "a@example.com"),
                MailAddress(name: "张三", address: "zs@example.com"),
                MailAddress(name: "Bare Name", address: "bare@example.com"),
            ])
    }

    @Test("dates: with or without weekday, named zones, two-digit years; nonsense is nil")
    func dates() {
        let expected = Date(timeIntervalSince1970: 1_772_504_100)
        #expect(MailDate.parse("Tue, 3 Mar 2026 10:15:00 +0800") == expected)
        #expect(MailDate.parse("3 Mar 26 02:15 GMT") == expected)
        #expect(MailDate.parse("Mon, 02 Mar 2026 21:15:00 -0500 (EST)") == expected)
        #expect(MailDate.parse("Tue Mar  3 02:15:00 2026") == expected)
        #expect(MailDate.parse("Tue, 3 Mar 2026 10:15:00 +08:00") == expected)
        #expect(MailDate.parse("yesterday") == nil)
        #expect(MailDate.parse("32 Foo 2026 99:99") == nil)
        #expect(MailDate.format(expected) == "Tue, 03 Mar 2026 02:15:00 +0000")
        #expect(MailDate.format(Date(timeIntervalSince1970: 951_782_400)) == "Tue, 29 Feb 2000 00:00:00 +0000")
    }

    @Test("CRLF and LF messages read the same; a lone-CR body is normalised to LF")
    func lineBreaks() {
        let text = "Subject: x\nContent-Type: text/plain\n\nline one\nline two\n"
        let lf = MailMessage.parse(Array(text.utf8))
        let crlf = MailMessage.parse(MailFixture.crlf(text))
        #expect(lf.text == "line one\nline two" && crlf.text == lf.text && crlf.subject == "x")
        let flowed = MailMessage.parse(
            MailFixture.crlf("Content-Type: text/plain; format=flowed\n\nThis is \none paragraph.\n\nNext."))
        #expect(flowed.text == "This is one paragraph.\n\nNext.")
    }

    @Test("a 100 kB message is read quickly")
    func performance() {
        let attachment = MailTransfer.base64Encode([UInt8]((0..<60_000).map { UInt8($0 % 251) }), lineLength: 76)
        let text = String(repeating: "The compressor makes a loud noise every morning. ", count: 400)
        let bytes = MailFixture.crlf(
            """
            From: wang@example.com
            Subject: noise
            Content-Type: multipart/mixed; boundary=b

            --b
            Content-Type: text/plain; charset=utf-8

            \(text)
            --b
            Content-Type: application/octet-stream; name=log.bin
            Content-Transfer-Encoding: base64

            \(attachment)
            --b--
            """)
        #expect(bytes.count > 100_000)
        let clock = ContinuousClock()
        var message = MailMessage()
        let elapsed = clock.measure { message = MailMessage.parse(bytes) }
        #expect(message.attachments.first?.data.count == 60_000)
        #expect(message.text.count == text.count - 1)
        // Well under a millisecond in a release build; this bound leaves room for debug builds and busy machines.
        #expect(elapsed < .milliseconds(500))
    }
}
