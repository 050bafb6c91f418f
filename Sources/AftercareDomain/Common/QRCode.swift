import Foundation

/// A QR code encoder (ISO/IEC 18004): byte mode, error correction level M, versions 1 to 10 (up to 213 bytes of
/// UTF-8), enough for the links printed on labels and letters. Self-contained: it uses nothing else of the domain.
///
/// The steps follow the standard's encoding procedure: the data bit stream (mode, count, bytes, terminator, pad
/// codewords), its division into blocks with their Reed–Solomon error correction codewords, interleaving, the
/// function patterns, placement of the codewords, data masking (the pattern with the lowest penalty), and last the
/// format and version information.
public enum QRCode {
    /// The modules of the smallest QR code (error correction level M, byte mode, versions 1–10) holding `text` as
    /// UTF-8; `nil` when it does not fit. `true` is a dark module; rows top to bottom, without the quiet zone.
    public static func matrix(for text: String) -> [[Bool]]? {
        matrix(for: text, version: nil, mask: nil)
    }

    /// A complete standalone `<svg xmlns=… viewBox=…>` element drawing the code with a 4-module quiet zone, black
    /// modules as one `<path>`, with `role="img"` and an `<title>` of the text (XML-escaped); an empty string when
    /// it does not fit.
    public static func svg(_ text: String, moduleSize: Int = 4) -> String {
        guard let modules = matrix(for: text) else { return "" }
        let quiet = 4
        let side = modules.count + 2 * quiet
        let pixels = side * max(1, moduleSize)
        var path = ""
        for (y, row) in modules.enumerated() {
            var x = 0
            while x < row.count {
                guard row[x] else {
                    x += 1
                    continue
                }
                var run = 1
                while x + run < row.count && row[x + run] { run += 1 }
                path += "M\(x + quiet) \(y + quiet)h\(run)v1h-\(run)z"
                x += run
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(side) \(side)\" width=\"\(pixels)\" "
            + "height=\"\(pixels)\" role=\"img\" shape-rendering=\"crispEdges\"><title>\(xmlEscaped(text))</title>"
            + "<rect width=\"\(side)\" height=\"\(side)\" fill=\"#fff\"/><path fill=\"#000\" d=\"\(path)\"/></svg>"
    }

    /// The code for `text` in `version` (the smallest that fits when nil) with data mask `mask` (the one with the
    /// lowest penalty when nil); nil when the text does not fit, or the version or mask is out of range.
    static func matrix(for text: String, version: Int?, mask: Int?) -> [[Bool]]? {
        encode(text, version: version, mask: mask)?.modules
    }

    /// The code with the version and the mask it has, forced or chosen; nil as for `matrix(for:version:mask:)`.
    static func encode(_ text: String, version forcedVersion: Int?, mask forcedMask: Int?)
        -> (modules: [[Bool]], version: Int, mask: Int)?
    {
        let bytes = Array(text.utf8)
        let version: Int
        if let forcedVersion {
            guard (1...maximumVersion).contains(forcedVersion), bytes.count <= capacity(version: forcedVersion)
            else { return nil }
            version = forcedVersion
        } else {
            guard let smallest = (1...maximumVersion).first(where: { bytes.count <= capacity(version: $0) })
            else { return nil }
            version = smallest
        }
        if let forcedMask, !(0...7).contains(forcedMask) { return nil }

        var symbol = Symbol(version: version)
        let codewords = finalCodewords(dataCodewords(bytes, version: version), version: version)
        precondition(codewords.count * 8 <= symbol.encodingModules, "block table disagrees with the symbol size")
        symbol.place(codewords)

        let mask = forcedMask ?? symbol.bestMask
        var final = symbol.masked(mask)
        final.drawFormatAndVersion(mask: mask)
        return (final.rows, version, mask)
    }

    // MARK: - Capacity and blocks (level M)

    static let maximumVersion = 10

    /// Error correction level M, per version: error correction codewords per block, and the groups of blocks
    /// (number of blocks, data codewords in each). ISO/IEC 18004 Table 9.
    static let blocks: [(ecPerBlock: Int, groups: [(count: Int, data: Int)])] = [
        (10, [(1, 16)]),  // 1: 26 codewords
        (16, [(1, 28)]),  // 2: 44
        (26, [(1, 44)]),  // 3: 70
        (18, [(2, 32)]),  // 4: 100
        (24, [(2, 43)]),  // 5: 134
        (16, [(4, 27)]),  // 6: 172
        (18, [(4, 31)]),  // 7: 196
        (22, [(2, 38), (2, 39)]),  // 8: 242
        (22, [(3, 36), (2, 37)]),  // 9: 292
        (26, [(4, 43), (1, 44)]),  // 10: 346
    ]

    static func dataCapacity(version: Int) -> Int {
        blocks[version - 1].groups.reduce(0) { $0 + $1.count * $1.data }
    }

    /// Bits of the character count indicator in byte mode.
    static func countBits(version: Int) -> Int { version <= 9 ? 8 : 16 }

    /// The most bytes a version holds at level M.
    static func capacity(version: Int) -> Int {
        (dataCapacity(version: version) * 8 - 4 - countBits(version: version)) / 8
    }

    /// Mode indicator, character count, the bytes, the terminator, zero bits to a whole codeword, then the pad
    /// codewords 0xEC 0x11 alternately up to the version's data capacity.
    static func dataCodewords(_ bytes: [UInt8], version: Int) -> [UInt8] {
        var bits = BitBuffer()
        bits.append(0b0100, count: 4)
        bits.append(bytes.count, count: countBits(version: version))
        for byte in bytes { bits.append(Int(byte), count: 8) }
        let capacityBits = dataCapacity(version: version) * 8
        bits.append(0, count: min(4, capacityBits - bits.count))
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var codewords = bits.bytes
        var pad: UInt8 = 0xEC
        while codewords.count < dataCapacity(version: version) {
            codewords.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return codewords
    }

    /// The data split into blocks, each followed by its error correction codewords, then interleaved: the data
    /// codewords of all blocks column by column, then the error correction codewords likewise.
    static func finalCodewords(_ data: [UInt8], version: Int) -> [UInt8] {
        let table = blocks[version - 1]
        var dataBlocks: [[UInt8]] = []
        var offset = 0
        for group in table.groups {
            for _ in 0..<group.count {
                dataBlocks.append(Array(data[offset..<offset + group.data]))
                offset += group.data
            }
        }
        let generator = ReedSolomon.generator(degree: table.ecPerBlock)
        let ecBlocks = dataBlocks.map { ReedSolomon.remainder($0, generator: generator) }
        var result: [UInt8] = []
        let longest = dataBlocks.map(\.count).max() ?? 0
        for i in 0..<longest {
            for block in dataBlocks where i < block.count { result.append(block[i]) }
        }
        for i in 0..<table.ecPerBlock {
            for block in ecBlocks { result.append(block[i]) }
        }
        return result
    }

    /// Centres of the alignment patterns, per version (ISO/IEC 18004 Annex E).
    static func alignmentCentres(version: Int) -> [Int] {
        switch version {
        case 1: []
        case 2...6: [6, 10 + 4 * version]
        case 7: [6, 22, 38]
        case 8: [6, 24, 42]
        case 9: [6, 26, 46]
        case 10: [6, 28, 50]
        default: []
        }
    }

    /// BCH(15,5) format information for level M (indicator 00) and `mask`, masked with 101010000010010.
    static func formatBits(mask: Int) -> Int {
        let data = (0b00 << 3) | mask
        return ((data << 10) | bchRemainder(data << 10, generator: 0b101_0011_0111)) ^ 0b101_0100_0001_0010
    }

    /// BCH(18,6) version information.
    static func versionBits(version: Int) -> Int {
        (version << 12) | bchRemainder(version << 12, generator: 0b1_1111_0010_0101)
    }

    /// The remainder of `value` divided by `generator` over GF(2).
    static func bchRemainder(_ value: Int, generator: Int) -> Int {
        let degree = generator.bitWidth - generator.leadingZeroBitCount - 1
        var rest = value
        while rest != 0, rest.bitWidth - rest.leadingZeroBitCount - 1 >= degree {
            rest ^= generator << (rest.bitWidth - rest.leadingZeroBitCount - 1 - degree)
        }
        return rest
    }

    /// `text` for XML content or an attribute: the markup characters as entities, the characters XML 1.0 does not
    /// allow left out.
    static func xmlEscaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                // XML 1.0 has no other control characters, nor the non-characters U+FFFE and U+FFFF.
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    // MARK: - Bits

    struct BitBuffer {
        private(set) var bytes: [UInt8] = []
        private(set) var count = 0

        /// Appends the low `count` bits of `value`, most significant first.
        mutating func append(_ value: Int, count bitCount: Int) {
            guard bitCount > 0 else { return }
            for shift in stride(from: bitCount - 1, through: 0, by: -1) {
                if count % 8 == 0 { bytes.append(0) }
                if (value >> shift) & 1 == 1 { bytes[bytes.count - 1] |= UInt8(0x80 >> (count % 8)) }
                count += 1
            }
        }
    }

    // MARK: - Reed–Solomon over GF(256), primitive polynomial x⁸+x⁴+x³+x²+1 (0x11D)

    enum ReedSolomon {
        /// α^i for i in 0..<255, and the logarithm of each non-zero element.
        static let tables: (exp: [UInt8], log: [Int]) = {
            var exp = [UInt8](repeating: 0, count: 255)
            var log = [Int](repeating: 0, count: 256)
            var value = 1
            for i in 0..<255 {
                exp[i] = UInt8(value)
                log[value] = i
                value <<= 1
                if value & 0x100 != 0 { value ^= 0x11D }
            }
            return (exp, log)
        }()

        static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
            if a == 0 || b == 0 { return 0 }
            return tables.exp[(tables.log[Int(a)] + tables.log[Int(b)]) % 255]
        }

        /// The coefficients of (x − α⁰)(x − α¹)…(x − α^(degree−1)), highest power first, the leading 1 included.
        static func generator(degree: Int) -> [UInt8] {
            var poly: [UInt8] = [1]
            for i in 0..<degree {
                let root = tables.exp[i]
                var next = [UInt8](repeating: 0, count: poly.count + 1)
                for (j, coefficient) in poly.enumerated() {
                    next[j] ^= coefficient
                    next[j + 1] ^= multiply(coefficient, root)
                }
                poly = next
            }
            return poly
        }

        /// The error correction codewords: the remainder of data·x^n divided by the generator.
        static func remainder(_ data: [UInt8], generator: [UInt8]) -> [UInt8] {
            let degree = generator.count - 1
            var rest = [UInt8](repeating: 0, count: degree)
            for byte in data {
                let factor = byte ^ rest[0]
                rest.removeFirst()
                rest.append(0)
                for j in 0..<degree { rest[j] ^= multiply(generator[j + 1], factor) }
            }
            return rest
        }
    }

    // MARK: - The symbol

    struct Symbol {
        let version: Int
        let size: Int
        /// Row-major, `y * size + x`.
        var dark: [Bool]
        var isFunction: [Bool]

        /// The function patterns drawn, the format and version areas reserved (light until the mask is chosen).
        init(version: Int) {
            self.version = version
            size = 17 + 4 * version
            dark = Array(repeating: false, count: size * size)
            isFunction = Array(repeating: false, count: size * size)
            drawFunctionPatterns()
        }

        subscript(x: Int, y: Int) -> Bool {
            get { dark[y * size + x] }
            set { dark[y * size + x] = newValue }
        }

        mutating func setFunction(x: Int, y: Int, dark value: Bool) {
            self[x, y] = value
            isFunction[y * size + x] = true
        }

        var rows: [[Bool]] {
            (0..<size).map { y in Array(dark[y * size..<(y + 1) * size]) }
        }

        /// Modules left for the codewords (and the remainder bits).
        var encodingModules: Int { isFunction.lazy.filter { !$0 }.count }

        mutating func drawFunctionPatterns() {
            // Timing patterns: row 6 and column 6, dark on even positions (the finders overwrite their ends).
            for i in 0..<size {
                setFunction(x: i, y: 6, dark: i % 2 == 0)
                setFunction(x: 6, y: i, dark: i % 2 == 0)
            }
            // Finder patterns with their light separators.
            for (left, top) in [(0, 0), (size - 7, 0), (0, size - 7)] {
                for dy in -1...7 {
                    for dx in -1...7 {
                        let x = left + dx
                        let y = top + dy
                        guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                        let ring = max(abs(dx - 3), abs(dy - 3))
                        setFunction(x: x, y: y, dark: ring != 2 && ring != 4)
                    }
                }
            }
            // Alignment patterns, except where they would overlap a finder.
            let centres = QRCode.alignmentCentres(version: version)
            let first = centres.first ?? 0
            let last = centres.last ?? 0
            for cy in centres {
                for cx in centres {
                    if (cx == first && cy == first) || (cx == last && cy == first) || (cx == first && cy == last) {
                        continue
                    }
                    for dy in -2...2 {
                        for dx in -2...2 { setFunction(x: cx + dx, y: cy + dy, dark: max(abs(dx), abs(dy)) != 1) }
                    }
                }
            }
            // Format information areas (with the dark module): reserved, written after masking.
            for i in 0...8 where i != 6 {
                setFunction(x: 8, y: i, dark: false)
                setFunction(x: i, y: 8, dark: false)
            }
            for i in 0..<8 {
                setFunction(x: size - 1 - i, y: 8, dark: false)
                setFunction(x: 8, y: size - 1 - i, dark: false)
            }
            // Version information areas (version 7 and up).
            if version >= 7 {
                for i in 0..<18 {
                    setFunction(x: i / 3, y: size - 11 + i % 3, dark: false)
                    setFunction(x: size - 11 + i % 3, y: i / 3, dark: false)
                }
            }
        }

        /// Places the codewords' bits, most significant first, in two-module columns from the right, upwards and
        /// downwards in turn, skipping function modules and the vertical timing pattern; remainder bits are light.
        mutating func place(_ codewords: [UInt8]) {
            let totalBits = codewords.count * 8
            var index = 0
            var upward = true
            var right = size - 1
            while right >= 1 {
                if right == 6 { right = 5 }
                for step in 0..<size {
                    let y = upward ? size - 1 - step : step
                    for x in [right, right - 1] where !isFunction[y * size + x] {
                        if index < totalBits {
                            self[x, y] = (codewords[index / 8] >> (7 - index % 8)) & 1 == 1
                        }
                        index += 1
                    }
                }
                upward.toggle()
                right -= 2
            }
        }

        /// Data mask condition for row `i`, column `j` (ISO/IEC 18004 Table 10).
        static func masks(_ mask: Int, i: Int, j: Int) -> Bool {
            switch mask {
            case 0: (i + j) % 2 == 0
            case 1: i % 2 == 0
            case 2: j % 3 == 0
            case 3: (i + j) % 3 == 0
            case 4: (i / 2 + j / 3) % 2 == 0
            case 5: (i * j) % 2 + (i * j) % 3 == 0
            case 6: ((i * j) % 2 + (i * j) % 3) % 2 == 0
            default: ((i + j) % 2 + (i * j) % 3) % 2 == 0
            }
        }

        /// A copy with the encoding region inverted where `mask` says.
        func masked(_ mask: Int) -> Symbol {
            var copy = self
            for y in 0..<size {
                for x in 0..<size where !isFunction[y * size + x] && Self.masks(mask, i: y, j: x) {
                    copy.dark[y * size + x].toggle()
                }
            }
            return copy
        }

        /// The data mask pattern with the lowest penalty; on a tie the lower pattern number.
        var bestMask: Int {
            var best = 0
            var lowest = Int.max
            for mask in 0...7 {
                let penalty = masked(mask).penalty
                if penalty < lowest {
                    best = mask
                    lowest = penalty
                }
            }
            return best
        }

        /// Writes the format information (both copies), the dark module and, from version 7, the version
        /// information.
        mutating func drawFormatAndVersion(mask: Int) {
            let format = QRCode.formatBits(mask: mask)
            func bit(_ i: Int) -> Bool { (format >> i) & 1 == 1 }
            // Around the upper-left finder: bits 0–7 down column 8 (skipping the timing row), 8–14 leftwards on
            // row 8 (skipping the timing column).
            for i in 0...5 { self[8, i] = bit(i) }
            self[8, 7] = bit(6)
            self[8, 8] = bit(7)
            self[7, 8] = bit(8)
            for i in 9...14 { self[14 - i, 8] = bit(i) }
            // The second copy: bits 0–7 leftwards from the right edge on row 8, bits 8–14 down column 8.
            for i in 0...7 { self[size - 1 - i, 8] = bit(i) }
            for i in 8...14 { self[8, size - 15 + i] = bit(i) }
            self[8, size - 8] = true
            if version >= 7 {
                let bits = QRCode.versionBits(version: version)
                for i in 0..<18 {
                    let value = (bits >> i) & 1 == 1
                    self[i / 3, size - 11 + i % 3] = value
                    self[size - 11 + i % 3, i / 3] = value
                }
            }
        }

        // MARK: Penalty (ISO/IEC 18004 7.8.3.1, Table 11)

        /// The penalty of the masked symbol before its format and version information (and the dark module) are
        /// written, as in the standard's order of steps (masking is step 6, format and version information step
        /// 7; segno evaluates the same way): N1 runs of five or more, N2 2×2 blocks, N3 finder-like 1:1:3:1:1
        /// patterns with four light modules before or after them (outside the symbol counts as light; a pattern
        /// counted is skipped whole), N4 the departure of the dark share from 50 % in whole steps of 5 %.
        var penalty: Int {
            var score = 0
            var line = [Bool](repeating: false, count: size)
            for horizontal in [true, false] {
                for a in 0..<size {
                    for b in 0..<size { line[b] = horizontal ? dark[a * size + b] : dark[b * size + a] }
                    score += Self.runPenalty(line) + Self.finderPenalty(line)
                }
            }
            for y in 0..<size - 1 {
                for x in 0..<size - 1 {
                    let c = dark[y * size + x]
                    let right = dark[y * size + x + 1]
                    let below = dark[(y + 1) * size + x]
                    let diagonal = dark[(y + 1) * size + x + 1]
                    if right == c && below == c && diagonal == c { score += 3 }
                }
            }
            let total = size * size
            let darkCount = dark.lazy.filter { $0 }.count
            // k = floor(|dark% − 50| / 5), in integers.
            score += 10 * (abs(20 * darkCount - 10 * total) / total)
            return score
        }

        /// N1: 3 + (length − 5) for each run of five or more modules of one colour.
        static func runPenalty(_ line: [Bool]) -> Int {
            var score = 0
            var run = 0
            for (i, module) in line.enumerated() {
                if i > 0 && module == line[i - 1] {
                    run += 1
                } else {
                    if run >= 5 { score += run - 2 }
                    run = 1
                }
            }
            if run >= 5 { score += run - 2 }
            return score
        }

        /// N3: 40 for each dark-light-dark-dark-dark-light-dark pattern with four light modules before or after it.
        static func finderPenalty(_ line: [Bool]) -> Int {
            let pattern = [true, false, true, true, true, false, true]
            func light(_ range: Range<Int>) -> Bool {
                range.allSatisfy { $0 < 0 || $0 >= line.count || !line[$0] }
            }
            var score = 0
            var start = 0
            while start + 7 <= line.count {
                if (0..<7).allSatisfy({ line[start + $0] == pattern[$0] })
                    && (light(start - 4..<start) || light(start + 7..<start + 11))
                {
                    score += 40
                    start += 7
                } else {
                    start += 1
                }
            }
            return score
        }
    }
}
