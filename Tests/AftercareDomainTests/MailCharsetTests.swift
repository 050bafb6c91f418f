import Foundation
import Testing

@testable import AftercareDomain

@Suite("Mail: charsets and transfer encodings (R-10.6)")
struct MailCharsetTests {
    /// "空调不制冷" in GBK, from `iconv -f utf-8 -t gbk`.
    static let gbk: [UInt8] = [0xBF, 0xD5, 0xB5, 0xF7, 0xB2, 0xBB, 0xD6, 0xC6, 0xC0, 0xE4]
    /// "冷氣不冷" in Big5, from `iconv -f utf-8 -t big5`.
    static let big5: [UInt8] = [0xA7, 0x4E, 0xAE, 0xF0, 0xA4, 0xA3, 0xA7, 0x4E]

    @Test("UTF-8, US-ASCII, Latin-1 and Windows-1252 are read without iconv")
    func fastPaths() {
        #expect(MailCharset.decode(Array("空调 ok".utf8), charset: "UTF-8") == "空调 ok")
        #expect(MailCharset.decode(Array("plain".utf8), charset: "us-ascii") == "plain")
        #expect(MailCharset.decode([0x63, 0x61, 0x66, 0xE9], charset: "ISO-8859-1") == "café")
        #expect(MailCharset.decode([0x63, 0x61, 0x66, 0xE9], charset: "latin1") == "café")
        #expect(MailCharset.decode([0x80, 0x20, 0x93, 0x61, 0x94], charset: "windows-1252") == "€ “a”")
        #expect(MailCharset.decode([0x61, 0xE9], charset: "us-ascii") == nil)
        #expect(MailCharset.decode([0x61, 0xFF, 0x62], charset: "utf-8") == nil)
        #expect(MailCharset.decode([0xEF, 0xBB, 0xBF, 0x61], charset: "utf-8") == "a")
        // Overlong forms and surrogates are not UTF-8.
        #expect(MailCharset.decode([0xC0, 0xAF], charset: "utf-8") == nil)
        #expect(MailCharset.decode([0xED, 0xA0, 0x80], charset: "utf-8") == nil)
    }

    @Test("GB2312 and GBK are read as GB18030, their superset")
    func chinese() {
        for name in ["gbk", "GB2312", "gb18030", "x-gbk", "cp936", "\"GBK\""] {
            #expect(MailCharset.decode(Self.gbk, charset: name) == "空调不制冷", "\(name)")
        }
        // 镕 is in GBK but not in GB2312: a sender declaring gb2312 is still read.
        let gbkOnly = MailCharset.encode("朱镕基", charset: "gbk") ?? []
        #expect(!gbkOnly.isEmpty)
        #expect(MailCharset.decode(gbkOnly, charset: "gb2312") == "朱镕基")
        #expect(MailCharset.encode("空调不制冷", charset: "gbk") == Self.gbk)
    }

    @Test("Big5, Japanese and Korean charsets go through iconv")
    func otherAsian() {
        #expect(MailCharset.decode(Self.big5, charset: "big5") == "冷氣不冷")
        #expect(MailCharset.decode(Self.big5, charset: "Big5-HKSCS") == "冷氣不冷")
        let jis: [UInt8] = [
            0x1B, 0x24, 0x42, 0x24, 0x33, 0x24, 0x73, 0x24, 0x4B, 0x24, 0x41, 0x24, 0x4F, 0x1B, 0x28, 0x42,
        ]
        #expect(MailCharset.decode(jis, charset: "ISO-2022-JP") == "こんにちは")
        let shiftJIS: [UInt8] = [0x82, 0xB1, 0x82, 0xF1, 0x82, 0xC9, 0x82, 0xBF, 0x82, 0xCD]
        #expect(MailCharset.decode(shiftJIS, charset: "shift_jis") == "こんにちは")
        let eucKR: [UInt8] = [0xBE, 0xC8, 0xB3, 0xE7, 0xC7, 0xCF, 0xBC, 0xBC, 0xBF, 0xE4]
        #expect(MailCharset.decode(eucKR, charset: "euc-kr") == "안녕하세요")
        #expect(MailCharset.decode(eucKR, charset: "ks_c_5601-1987") == "안녕하세요")
        #expect(MailCharset.decode([0xFE, 0xFF, 0x00, 0x41, 0x6C, 0x14], charset: "utf-16") == "A气")
        #expect(MailCharset.decode([0x41, 0x00, 0x14, 0x6C], charset: "UTF-16LE") == "A气")
    }

    @Test("an unknown charset gives nil; invalid bytes give nil strictly and U+FFFD when lossy")
    func failures() {
        #expect(MailCharset.decode(Array("text".utf8), charset: "x-unknown") == nil)
        #expect(!MailCharset.isKnown("x-unknown"))
        #expect(!MailCharset.isKnown("utf-8//TRANSLIT"))
        #expect(MailCharset.isKnown("gbk") && MailCharset.isKnown("koi8-r"))
        #expect(MailCharset.decode([0xBF], charset: "gbk") == nil)
        #expect(MailCharset.decode([0x41, 0xFF, 0x42], charset: "gbk") == nil)
        #expect(MailCharset.decodeLossy([0x41, 0xFF, 0x42], charset: "gbk") == "A\u{FFFD}B")
        #expect(MailCharset.decodeLossy([0x41, 0xFF, 0x42], charset: "x-unknown") == nil)
    }

    @Test("text without a charset is UTF-8, else GB18030, else Windows-1252")
    func guessing() {
        #expect(MailCharset.text(Array("空调".utf8), charset: nil) == ("空调", nil))
        #expect(MailCharset.text(Self.gbk, charset: nil) == ("空调不制冷", nil))
        #expect(MailCharset.text([0x63, 0x61, 0x66, 0xE9], charset: nil) == ("café", nil))
        let unknown = MailCharset.text(Array("still here".utf8), charset: "x-unknown")
        #expect(unknown == ("still here", .unknownCharset("x-unknown")))
        let mislabelled = MailCharset.text(Self.gbk, charset: "utf-8")
        #expect(mislabelled == ("空调不制冷", .undecodableText("utf-8")))
    }

    @Test("long input grows iconv's output buffer")
    func longInput() {
        let bytes = [UInt8]((0..<20_000).flatMap { _ in Self.gbk })
        let text = MailCharset.decode(bytes, charset: "gb18030")
        #expect(text?.count == 100_000)
        #expect(text?.hasPrefix("空调不制冷空调") == true)
    }

    @Test("base64 skips whitespace and junk, needs no padding and joins encoded pieces")
    func base64() {
        #expect(MailTransfer.base64Decode(Array("SGVsbG8s\r\n IHdv cmxk".utf8)) == (Array("Hello, world".utf8), true))
        #expect(MailTransfer.base64Decode(Array("SGk".utf8)).bytes == Array("Hi".utf8))
        #expect(MailTransfer.base64Decode(Array("SGk=SGk=".utf8)).bytes == Array("HiHi".utf8))
        #expect(MailTransfer.base64Decode(Array("SG*Vs!bG8".utf8)).bytes == Array("Hello".utf8))
        let cut = MailTransfer.base64Decode(Array("SGVsbG8sI".utf8))
        #expect(cut.bytes == Array("Hello,".utf8) && !cut.complete)
        let data = [UInt8]((0..<300).map { UInt8($0 % 256) })
        let encoded = MailTransfer.base64Encode(data, lineLength: 76)
        #expect(encoded.split(separator: "\r\n").allSatisfy { $0.count <= 76 })
        #expect(MailTransfer.base64Decode(Array(encoded.utf8)).bytes == data)
        #expect(MailTransfer.base64Encode(Array("ab".utf8)) == "YWI=")
    }

    @Test("quoted-printable: soft breaks, either hex case, bad sequences kept, trailing spaces dropped")
    func quotedPrintable() {
        func decode(_ text: String) -> String {
            String(decoding: MailTransfer.quotedPrintableDecode(ArraySlice(Array(text.utf8))), as: UTF8.self)
        }
        #expect(decode("caf=C3=A9 and caf=c3=a9") == "café and café")
        #expect(decode("a long=\r\n line=\n joined") == "a long line joined")
        #expect(decode("soft with space= \r\nnext") == "soft with spacenext")
        #expect(decode("1+1=2, =ZZ, =4") == "1+1=2, =ZZ, =4")
        #expect(decode("trailing   \r\nline") == "trailing\r\nline")
        #expect(decode("end=") == "end")
    }

    @Test("encoded-words: B and Q, adjacent ones joined, a character split across words read whole")
    func encodedWords() {
        var problems: [MailProblem] = []
        #expect(EncodedWords.decode("=?gb2312?B?v9W1986s0N4=?=", problems: &problems) == "空调维修")
        #expect(EncodedWords.decode("=?ISO-8859-1?Q?Andr=E9_Pirard?=", problems: &problems) == "André Pirard")
        #expect(EncodedWords.decode("=?utf-8?q?a?= =?utf-8?q?b?=  c", problems: &problems) == "ab  c")
        #expect(EncodedWords.decode("Re: =?UTF-8?B?56m6?= \t=?UTF-8?B?6LCD?= ok", problems: &problems) == "Re: 空调 ok")
        // 空 is E7 A9 BA: split between two words.
        #expect(EncodedWords.decode("=?utf-8?B?5w==?= =?utf-8?B?qbo=?=", problems: &problems) == "空")
        #expect(EncodedWords.decode("=?utf-8*zh?Q?=E7=A9=BA?=", problems: &problems) == "空")
        #expect(
            EncodedWords.decode("not =?a word and =?utf-8?X?x?=", problems: &problems)
                == "not =?a word and =?utf-8?X?x?=")
        #expect(problems.isEmpty)
        #expect(EncodedWords.decode("=?x-unknown?Q?abc?=", problems: &problems) == "abc")
        #expect(problems == [.unknownCharset("x-unknown")])
    }

    @Test("parameters: quoted with escapes, RFC 2231 encoded and continued, encoded-words tolerated")
    func parameters() {
        var problems: [MailProblem] = []
        let type = MIMEField.parse(
            #"Multipart/Mixed (comment); boundary="a b\"c"; charset=GBK ; name=plain file.txt"#, problems: &problems)
        #expect(type.value == "multipart/mixed")
        #expect(type.parameters == ["boundary": "a b\"c", "charset": "GBK", "name": "plain file.txt"])
        let single = MIMEField.parse(
            "attachment; filename*=UTF-8''%E6%8A%A5%E4%BF%AE%E5%8D%95.pdf", problems: &problems)
        #expect(single.value == "attachment" && single.parameters["filename"] == "报修单.pdf")
        let continued = MIMEField.parse(
            "attachment;\r\n filename*0*=utf-8'zh'%E6%8A%A5; filename*1*=%E4%BF%AE%E5%8D%95; filename*2=\".pdf\";"
                + " filename=\"fallback.pdf\"", problems: &problems)
        #expect(continued.parameters["filename"] == "报修单.pdf")
        let gbkName = MIMEField.parse("attachment; filename*=gbk''%BF%D5%B5%F7.txt", problems: &problems)
        #expect(gbkName.parameters["filename"] == "空调.txt")
        let words = MIMEField.parse(#"image/png; name="=?UTF-8?B?5pWF6Zqc54Wn54mHLnBuZw==?=""#, problems: &problems)
        #expect(words.parameters["name"] == "故障照片.png")
        #expect(problems.isEmpty)
    }
}
