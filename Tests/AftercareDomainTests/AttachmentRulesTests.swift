import AftercareDomain
import Testing

@Suite("Attachments: what may be kept")
struct AttachmentRulesTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]

    @Test("the kind comes from the content, never from the name")
    func kinds() {
        #expect(AttachmentRules.kind(of: Self.png) == .png)
        #expect(AttachmentRules.kind(of: [0xFF, 0xD8, 0xFF, 0xE0]) == .jpeg)
        #expect(AttachmentRules.kind(of: Array("GIF89a....".utf8)) == .gif)
        #expect(AttachmentRules.kind(of: Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8)) == .webp)
        #expect(AttachmentRules.kind(of: Array("%PDF-1.7\n".utf8)) == .pdf)
        #expect(AttachmentRules.kind(of: [0x50, 0x4B, 0x03, 0x04, 20, 0]) == .zip)
        #expect(AttachmentRules.kind(of: Array("复印机卡纸，错误代码 E-201\n".utf8)) == .text)
    }

    @Test(
        "markup is refused whatever it is called: HTML, SVG, XML, a script",
        arguments: [
            "<!DOCTYPE html><html><body>x</body></html>", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            "<?xml version=\"1.0\"?><a/>", "  <script>alert(1)</script>", "<html>",
        ])
    func markup(_ text: String) {
        #expect(AttachmentRules.kind(of: Array(text.utf8)) == nil)
        #expect(throws: AttachmentRefusal.typeNotAllowed) { try AttachmentRules.check(Array(text.utf8)) }
    }

    @Test("binary that is none of the kinds, an empty file and an oversized one are refused")
    func refusals() {
        #expect(throws: AttachmentRefusal.typeNotAllowed) { try AttachmentRules.check([0x7F, 0x45, 0x4C, 0x46, 0, 1]) }
        #expect(throws: AttachmentRefusal.empty) { try AttachmentRules.check([]) }
        let big = Self.png + [UInt8](repeating: 0, count: AttachmentRules.maxBytes)
        #expect(throws: AttachmentRefusal.tooLarge(max: AttachmentRules.maxBytes)) { try AttachmentRules.check(big) }
    }

    @Test("a file's name loses its path, control characters and leading dots")
    func names() {
        #expect(AttachmentRules.safeName("../../etc/passwd") == "passwd")
        #expect(AttachmentRules.safeName("C:\\Users\\王\\故障照片.jpg") == "故障照片.jpg")
        #expect(AttachmentRules.safeName(".htaccess") == "htaccess")
        #expect(AttachmentRules.safeName("a\u{0}b\"c<d>.txt") == "abcd.txt")
        #expect(AttachmentRules.safeName("///") == "attachment")
        #expect(AttachmentRules.safeName(String(repeating: "长", count: 300)).count == AttachmentRules.maxNameLength)
    }

    @Test("only internal notes are hidden from the customer")
    func publicKinds() {
        #expect(MessageKind.allCases.filter(\.isPublic) == [.reply, .customerMessage])
    }
}
