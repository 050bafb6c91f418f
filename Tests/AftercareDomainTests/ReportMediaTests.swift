import AftercareDomain
import Foundation
import Testing

@Suite("Service report photos, content and sign-off as values (R-5.1, R-5.2)")
struct ReportMediaTests {
    static let png: [UInt8] =
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 9, count: 30)
        + [0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: 1, count: 40) + [0xFF, 0xD9, 0, 0]

    static func iso(_ brand: String) -> [UInt8] {
        [0, 0, 0, 24] + Array("ftyp".utf8) + Array(brand.utf8) + [UInt8](repeating: 0, count: 40)
    }

    @Test(
        "each file is kept or refused by its content, whatever its name",
        arguments: [
            (png, nil), (jpeg, nil), (iso("heic"), nil), (iso("mif1"), nil), (iso("isom"), nil), (iso("mp42"), nil),
            (Array("<svg xmlns='http://www.w3.org/2000/svg'/>".utf8), FieldProblem.mediaTypeNotAllowed),
            (Array("<!doctype html><p>hi".utf8), .mediaTypeNotAllowed),
            (Array("%PDF-1.7 a manual".utf8), .mediaTypeNotAllowed), (iso("qt  "), .mediaTypeNotAllowed),
            (Array(png.dropLast(4)), .fileIncomplete), (Array(jpeg.prefix(30)), .fileIncomplete), ([], .required),
        ] as [([UInt8], FieldProblem?)])
    func kinds(bytes: [UInt8], problem: FieldProblem?) {
        #expect(ReportMedia.problem(bytes) == problem)
    }

    @Test("the kinds: HEIC is a photo the browser downloads, MP4 a video it plays")
    func fileKinds() {
        #expect(AttachmentRules.kind(of: Self.iso("heic")) == .heic)
        #expect(AttachmentRules.kind(of: Self.iso("mp41")) == .mp4)
        #expect(FileKind.mp4.isVideo && !FileKind.mp4.isImage)
        #expect(!FileKind.heic.isImage && FileKind.heic.mediaType == "image/heic")
    }

    @Test("a photo over 10 MB and a video over 40 MB are too large")
    func limits() {
        let photo = Self.png.prefix(8) + [UInt8](repeating: 0, count: ReportMedia.maxPhotoBytes) + Self.png.suffix(12)
        #expect(ReportMedia.problem(Array(photo)) == .fileTooLarge(maxBytes: ReportMedia.maxPhotoBytes))
        let video = Self.iso("isom") + [UInt8](repeating: 0, count: ReportMedia.maxVideoBytes)
        #expect(ReportMedia.problem(video) == .fileTooLarge(maxBytes: ReportMedia.maxVideoBytes))
        #expect(ReportMedia.problem(Array(Self.iso("isom") + [UInt8](repeating: 0, count: 20_000_000))) == nil)
    }

    @Test("a draft may be incomplete; a handed-in report says what was found, done and how it ended")
    func content() {
        var content = ServiceReportContent(result: .fixed)
        #expect(content.problems(submitting: false).isEmpty)
        #expect(
            content.problems(submitting: true)
                == [
                    "faultFound": .required, "actions": .required, "cause": .required, "labourMinutes": .required,
                    "difficulty": .required,
                ])
        content = ServiceReportContent(
            faultFound: "卡纸", cause: .misuse, actions: "清理纸路", result: .notFixed, labourMinutes: 45, difficulty: .a)
        #expect(content.problems(submitting: true) == ["nextStep": .required])
        content.nextStep = .depotRepair
        #expect(content.problems(submitting: true).isEmpty)
        content.labourMinutes = 2000
        content.travelKm = -1
        #expect(
            content.problems(submitting: false)
                == ["labourMinutes": .outOfRange(min: 0, max: 1440), "travelKm": .outOfRange(min: 0, max: 2000)])
    }

    @Test("a sign-off is a signature with the signer's name, or the reason there is none; ratings 1–5")
    func signOff() {
        #expect(ReportSignOff(signerName: "王先生", signature: Self.png).problems().isEmpty)
        #expect(ReportSignOff(signerName: "王先生", signature: Self.png).event == .sign)
        #expect(ReportSignOff(signerName: nil, signature: nil).problems() == ["noSignatureReason": .required])
        #expect(ReportSignOff(signerName: nil, signature: nil, noSignatureReason: "客户拒签").event == .recordNoSignature)
        #expect(
            ReportSignOff(
                signerName: "王先生", signature: Self.jpeg, noSignatureReason: "x",
                ratings: ServiceRatings(attitude: 0, quality: 5, timeliness: 6)
            ).problems()
                == [
                    "signature": .mediaTypeNotAllowed, "noSignatureReason": .invalidValue(allowed: []),
                    "attitude": .outOfRange(min: 1, max: 5), "timeliness": .outOfRange(min: 1, max: 5),
                ])
    }
}
