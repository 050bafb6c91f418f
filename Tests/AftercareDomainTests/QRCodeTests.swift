import Foundation
import Testing

@testable import AftercareDomain

/// Golden symbols made by segno 1.6.6 (`segno.make(text.encode(), error="m", mode="byte", micro=False,
/// boost_error=False)`), with segno's padding-bit slip corrected (heuer/segno#148: at a codeword boundary it
/// adds a 0x00 codeword the standard does not; `buff.extend([0] * (-length % 8))` instead). Rows top to bottom,
/// `1` dark, without the quiet zone; `version` and `mask` are the ones segno chose itself.
struct QRGolden: Sendable, CustomTestStringConvertible {
    var text: String
    var version: Int
    var mask: Int
    var rows: String

    var matrix: [[Bool]] {
        rows.split(separator: "\n").map { row in row.map { $0 == "1" } }
    }

    /// A matrix written the way the goldens are, for readable differences.
    static func rows(_ matrix: [[Bool]]) -> String {
        matrix.map { row in String(row.map { $0 ? "1" : "0" }) }.joined(separator: "\n")
    }

    var testDescription: String { "v\(version) mask \(mask): \(text.prefix(40))" }
}

extension QRGolden {
    static let hello = QRGolden(
        text: "HELLO",
        version: 1, mask: 2,
        rows: """
            111111100001001111111
            100000100010101000001
            101110101100001011101
            101110101010101011101
            101110101100101011101
            100000101111001000001
            111111101010101111111
            000000001100000000000
            101111100011001111100
            011011010111111001100
            001111101000101101110
            011010000111111001100
            010111111000100100101
            000000001010100101000
            111111100111010010110
            100000101010000111110
            101110101101010010110
            101110101101111101000
            101110101100101100100
            100000100111111011100
            111111101100100010110
            """)

    static let suggestionLink = QRGolden(
        text: "https://example.com/suggest?unit=12",
        version: 3, mask: 7,
        rows: """
            11111110010010100011001111111
            10000010001000001010101000001
            10111010010110110100101011101
            10111010011111000011101011101
            10111010001110000010001011101
            10000010111000010111001000001
            11111110101010101010101111111
            00000000011001001111000000000
            10010110111110100000110100000
            00100100101111000100101001001
            10011010110101101001000111110
            00010101111101010010010110110
            01110111101100100101111001011
            11101001010101101111010000000
            11101110011111100010110011111
            10110101110010011111110101010
            11001010111111011100110000010
            01011000000001100010011101001
            10111010110110101000011010011
            00110001001000110101101110011
            10011110011000000011111110100
            00000000111010101011100010111
            11111110011010001100101010010
            10000010101000110010100011101
            10111010010000011100111110001
            10111010100101000111111011110
            10111010011101101100000011101
            10000010000111101111101000010
            11111110110001010100101111010
            """)

    static let surveyLink = QRGolden(
        text: "https://aftercare.example.com/survey/a?t=Z3Vlc3QtNDIxOS1zYXRpc2ZhY3Rpb24tMjAyNi0wMy0xNQ"
            + "&lang=zh-Hans&unit=SN-2026-000731",
        version: 7, mask: 4,
        rows: """
            111111101011111011101000001111100100101111111
            100000100100000110111111111100011001001000001
            101110100111100000001111000110110101001011101
            101110101001010010001000101011010001101011101
            101110101011001110001111111011101111101011101
            100000101001101101011000100110000100001000001
            111111101010101010101010101010101010101111111
            000000001101010001111000101001000110000000000
            100010111111011011001111111101101101011111001
            110001010111000100100111001101110100111111100
            011111110001101000100101001010101101111110010
            011001001010110010000011010001001011001100000
            001110110111110100101100111001001001001101010
            001001001111100000011000101001110001111000100
            111111111011101111001110000111010000101101110
            100000001010001101110111011001001110100000010
            111011101101110001111110001101101010000001100
            000011011111000101000101101001110001101100000
            101101111001100100110010011110100000110101100
            000101000011100011110110110111011010100000011
            000011111111010011101111110101011100111110011
            100110001101110010011000111000111101100011100
            000010101010010011001010101010110101101011010
            001010001110111010011000100101101011100010011
            110011111001101110111111101101101011111111011
            010110010101111011100011001011101101101100110
            101001111110101101101111101001011001010011110
            101111011000100110110010001000110000101010000
            001001101100111110010100101000001100110111010
            000001001101100001101110101010100100110100000
            010110110111110100001110111111100011100111100
            101011011101011011010011001001011010001110011
            011100111011111001011000101000001000000000001
            001100000111101010000010111101101100100100010
            000010101110111000100010111101110001010011010
            011110000011001001111000011001011000001001000
            100110110110101111011111101101001010111110011
            000000001100010100101000111101101101100011100
            111111101110100110101010111110001100101011010
            100000100001111100011000111100100010100010011
            101110101010100111111111101000001001111111000
            101110100100100101010000101101111101011101100
            101110100111000111101001011011110100001011110
            100000100001010011101001001000111101110110000
            111111101111011100101011111001111011000010001
            """)

    static let all = [hello, suggestionLink, surveyLink]
}

@Suite("QR code (ISO/IEC 18004, level M, byte mode)")
struct QRCodeTests {
    @Test("the modules are segno's for the same text, version and mask", arguments: QRGolden.all)
    func sameModules(golden: QRGolden) throws {
        // when
        let matrix = try #require(QRCode.matrix(for: golden.text, version: golden.version, mask: golden.mask))
        // then
        #expect(matrix.count == 17 + 4 * golden.version)
        #expect(matrix.allSatisfy { $0.count == matrix.count })
        #expect(QRGolden.rows(matrix) == golden.rows)
    }

    @Test("the smallest version and the mask of lowest penalty are the ones segno chose", arguments: QRGolden.all)
    func sameChoice(golden: QRGolden) throws {
        // when
        let encoded = try #require(QRCode.encode(golden.text, version: nil, mask: nil))
        // then
        #expect(encoded.version == golden.version)
        #expect(encoded.mask == golden.mask)
        #expect(QRCode.matrix(for: golden.text).map(QRGolden.rows) == golden.rows)
    }

    @Test(
        "each version holds its level-M byte capacity and one byte more needs the next",
        arguments: [(1, 14), (2, 26), (3, 42), (4, 62), (5, 84), (6, 106), (7, 122), (8, 152), (9, 180), (10, 213)])
    func capacity(version: Int, bytes: Int) {
        // given
        let full = String(repeating: "a", count: bytes)
        // then
        #expect(QRCode.capacity(version: version) == bytes)
        #expect(QRCode.matrix(for: full)?.count == 17 + 4 * version)
        #expect(QRCode.matrix(for: full, version: version, mask: 0) != nil)
        #expect(QRCode.matrix(for: full + "a", version: version, mask: 0) == nil)
        if version < 10 {
            #expect(QRCode.matrix(for: full + "a")?.count == 21 + 4 * version)
        }
    }

    @Test("a text over 213 bytes of UTF-8 does not fit: no matrix, no drawing")
    func tooLong() {
        // given: 71 Chinese characters are 213 bytes, 72 are 216
        let fits = String(repeating: "售", count: 71)
        let over = String(repeating: "售", count: 72)
        // then
        #expect(QRCode.matrix(for: fits)?.count == 57)
        #expect(QRCode.matrix(for: over) == nil)
        #expect(QRCode.matrix(for: String(repeating: "a", count: 214)) == nil)
        #expect(QRCode.svg(over) == "")
    }

    @Test("a forced version or mask out of range gives nothing")
    func forcedOutOfRange() {
        #expect(QRCode.matrix(for: "HELLO", version: 0, mask: nil) == nil)
        #expect(QRCode.matrix(for: "HELLO", version: 11, mask: nil) == nil)
        #expect(QRCode.matrix(for: "HELLO", version: 1, mask: 8) == nil)
        #expect(QRCode.matrix(for: "HELLO", version: 1, mask: -1) == nil)
    }

    @Test("the data codewords: mode, count, bytes, terminator, then 0xEC 0x11 alternately")
    func dataCodewords() {
        let hello: [UInt8] = [
            0x40, 0x54, 0x84, 0x54, 0xC4, 0xC4, 0xF0, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC,
        ]
        #expect(QRCode.dataCodewords(Array("HELLO".utf8), version: 1) == hello)
        // version 10 counts in 16 bits
        #expect(Array(QRCode.dataCodewords(Array("A".utf8), version: 10).prefix(4)) == [0x40, 0x00, 0x14, 0x10])
    }

    @Test("Reed–Solomon: the standard's worked example (01234567, 1-M)")
    func reedSolomon() {
        // given
        let data: [UInt8] = [
            0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11,
        ]
        // when
        let ec = QRCode.ReedSolomon.remainder(data, generator: QRCode.ReedSolomon.generator(degree: 10))
        // then
        #expect(ec == [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55])
    }

    @Test(
        "format information for level M and each mask",
        arguments: [0x5412, 0x5125, 0x5E7C, 0x5B4B, 0x45F9, 0x40CE, 0x4F97, 0x4AA0].enumerated().map { ($0, $1) })
    func formatInformation(mask: Int, bits: Int) {
        #expect(QRCode.formatBits(mask: mask) == bits)
    }

    @Test("version information", arguments: [(7, 0x07C94), (8, 0x085BC), (9, 0x09A99), (10, 0x0A4D3)])
    func versionInformation(version: Int, bits: Int) {
        #expect(QRCode.versionBits(version: version) == bits)
    }

    @Test("the blocks of level M add up to the codewords each version's symbol has room for")
    func blockTable() {
        for version in 1...QRCode.maximumVersion {
            let table = QRCode.blocks[version - 1]
            let blocks = table.groups.reduce(0) { $0 + $1.count }
            let total = QRCode.dataCapacity(version: version) + blocks * table.ecPerBlock
            #expect(QRCode.Symbol(version: version).encodingModules / 8 == total, "version \(version)")
        }
    }

    @Test("the drawing: viewBox with the 4-module quiet zone, size, role, one path of exactly the dark modules")
    func svg() throws {
        // given
        let golden = QRGolden.suggestionLink
        // when
        let svg = QRCode.svg(golden.text, moduleSize: 5)
        // then: 29 modules and 8 of quiet zone
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 37 37\""))
        #expect(svg.hasSuffix("</svg>"))
        #expect(svg.contains(" width=\"185\" height=\"185\""))
        #expect(svg.contains(" role=\"img\""))
        #expect(svg.contains("<title>\(golden.text)</title>"))
        #expect(svg.components(separatedBy: "<path").count == 2)
        #expect(try Self.modules(ofPath: svg, side: 37) == Self.withQuietZone(golden.matrix))
        #expect(QRCode.svg("HELLO").contains("viewBox=\"0 0 29 29\" width=\"116\" height=\"116\""))
    }

    @Test("the title is the text, XML-escaped")
    func svgTitle() {
        // when
        let svg = QRCode.svg("a<b & \"c\" 'd'> 售后")
        // then
        #expect(svg.contains("<title>a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt; 售后</title>"))
        #expect(!svg.contains("a<b"))
    }

    /// The dark modules drawn by the `M x yhNv1h-Nz` runs of the drawing's path.
    static func modules(ofPath svg: String, side: Int) throws -> [[Bool]] {
        let start = try #require(svg.range(of: " d=\""))
        let end = try #require(svg[start.upperBound...].firstIndex(of: "\""))
        var grid = Array(repeating: Array(repeating: false, count: side), count: side)
        for run in svg[start.upperBound..<end].split(separator: "M") {
            // "x yhNv1h-Nz"
            let parts = run.split(whereSeparator: { " hvz".contains($0) })
            let x = try #require(Int(parts[0]))
            let y = try #require(Int(parts[1]))
            let length = try #require(Int(parts[2]))
            for dx in 0..<length { grid[y][x + dx] = true }
        }
        return grid
    }

    static func withQuietZone(_ matrix: [[Bool]]) -> [[Bool]] {
        let blank = Array(repeating: false, count: matrix.count + 8)
        let quiet = Array(repeating: false, count: 4)
        return Array(repeating: blank, count: 4) + matrix.map { quiet + $0 + quiet } + Array(repeating: blank, count: 4)
    }
}
