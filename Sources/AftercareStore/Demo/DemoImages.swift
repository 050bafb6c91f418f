import Foundation

/// Small PNG pictures for the demo: photos of a fault and a customer's signature, made here so the demo needs no files.
enum DemoImages {
    /// A `width`×`height` RGB picture (8-bit, colour type 2) of a unit's fault: a soft two-colour gradient chosen by
    /// `seed`, a darker rectangle (the "unit") and a red ring marking the fault, placed by `seed`. Deterministic for a
    /// seed.
    static func photo(seed: Int, width: Int = 320, height: Int = 240) -> [UInt8] {
        precondition(width > 0 && height > 0, "a photo needs at least one pixel")
        var random = SplitMix64(seed: seed)
        let first = random.below(softColours.count)
        let second = (first + 1 + random.below(softColours.count - 1)) % softColours.count
        let (w, h) = (Double(width), Double(height))

        // The gradient runs along a direction chosen by the seed, from one soft colour to the other.
        let angle = random.unit() * 2 * Double.pi
        let (dx, dy) = (cos(angle), sin(angle))
        let reach = abs(dx) * w + abs(dy) * h

        // The unit: a dark body with a lighter control strip along its top and a soft shadow below and to the right.
        let unitWidth = (w * (0.40 + 0.20 * random.unit())).rounded()
        let unitHeight = (h * (0.45 + 0.20 * random.unit())).rounded()
        let left = ((w - unitWidth) * (0.15 + 0.70 * random.unit())).rounded()
        let top = ((h - unitHeight) * (0.20 + 0.60 * random.unit())).rounded()
        let shade = 55 + 35 * random.unit()
        let body = Colour(shade, shade + 4, shade + 10)
        let strip = Colour(shade + 60, shade + 64, shade + 70)
        let stripHeight = max(2, (unitHeight * 0.12).rounded())
        let shadowOffset = max(1, (min(w, h) / 60).rounded())

        // The ring: somewhere on the unit, a little over a tenth of the picture across.
        let ringX = left + unitWidth * (0.25 + 0.50 * random.unit())
        let ringY = top + unitHeight * (0.30 + 0.50 * random.unit())
        let ringRadius = min(w, h) * (0.08 + 0.05 * random.unit())
        let ringHalfWidth = max(1.5, min(w, h) / 80)
        let red = Colour(220, 30, 30)

        var rgb = [UInt8]()
        rgb.reserveCapacity(width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let (px, py) = (Double(x), Double(y))
                let along = ((px + 0.5 - w / 2) * dx + (py + 0.5 - h / 2) * dy) / reach + 0.5
                var colour = softColours[first].mixed(with: softColours[second], by: along)
                let inUnit = px >= left && px < left + unitWidth && py >= top && py < top + unitHeight
                let (sx, sy) = (px - shadowOffset, py - shadowOffset)
                let inShadow = sx >= left && sx < left + unitWidth && sy >= top && sy < top + unitHeight
                if inUnit {
                    colour = py < top + stripHeight ? strip : body
                } else if inShadow {
                    colour = colour.mixed(with: Colour(0, 0, 0), by: 0.3)
                }
                let distance = ((px + 0.5 - ringX) * (px + 0.5 - ringX) + (py + 0.5 - ringY) * (py + 0.5 - ringY))
                    .squareRoot()
                colour = colour.mixed(with: red, by: ringHalfWidth + 0.5 - abs(distance - ringRadius))
                colour.append(to: &rgb)
            }
        }
        return png(width: width, height: height, rgb: rgb)
    }

    /// A 480×160 RGB PNG of a handwritten-looking scribble, black on white: one looping stroke per unicode scalar of
    /// `name` (the loops' width and heights taken from a hash of the scalar), joined into a single slanted line and
    /// finished with a flourish sweeping back underneath. Deterministic for a name.
    static func signature(of name: String) -> [UInt8] {
        let (width, height) = (480, 160)
        let values = name.unicodeScalars.map { Int($0.value) }
        let letters = values.isEmpty ? [0] : values
        let (left, right, baseline) = (40.0, Double(width) - 40.0, Double(height) * 0.6)
        let step = (right - left) / Double(letters.count)

        // Each letter is a stretch of a trochoid: the pen moves right while circling, which draws loops or waves.
        var points: [(x: Double, y: Double)] = []
        // About one loop per 50 px, each with a height of its own (some tall, like ascenders); a loop's height changes
        // only where the pen is back on the baseline, so the line stays connected. The shape comes from a hash of the
        // scalar and its position, so short Latin letters vary as much as CJK ones.
        for (index, value) in letters.enumerated() {
            let bits = (UInt64(value) &+ UInt64(index) << 32) &* 0x9E37_79B9_7F4A_7C15
            let loops = max(1, Int((step / 50).rounded())) + Int(bits >> 63)
            let radius = min(16, step / Double(loops) * (0.12 + 0.14 * Double(bits >> 59 & 0xF) / 15))
            let start = left + step * Double(index)
            let samples = Int(step) * 2 + 60 * loops
            for sample in (index == 0 ? 0 : 1)...samples {
                let t = Double(sample) / Double(samples)
                let turns = Double(loops) * t
                let loop = min(loops - 1, Int(turns))
                let rise = 14 + Double(bits >> UInt64(10 + 5 * (loop % 9)) % 44)
                let phase = 2 * Double.pi * turns
                points.append((start + step * t - radius * sin(phase), baseline - rise * (1 - cos(phase)) / 2))
            }
        }

        // The flourish: a cubic Bézier from the last letter back under the name.
        let sum = letters.reduce(0, &+)
        let end = (x: left + 10 + Double(sum % 60), y: baseline + 22)
        let controls = [(x: right + 18, y: baseline + 30), (x: left + 90, y: baseline + 46)]
        let last = points[points.count - 1]
        for sample in 1...200 {
            let t = Double(sample) / 200
            let s = 1 - t
            let (a, b, c, d) = (s * s * s, 3 * s * s * t, 3 * s * t * t, t * t * t)
            let x = a * last.x + b * controls[0].x + c * controls[1].x + d * end.x
            let y = a * last.y + b * controls[0].y + c * controls[1].y + d * end.y
            points.append((x, y))
        }

        // Slant the whole line like handwriting, then ink it with a round pen.
        let slanted = points.map { (x: $0.x + (baseline - $0.y) * 0.3, y: $0.y) }
        var ink = [Double](repeating: 0, count: width * height)
        for index in 1..<slanted.count {
            stroke(from: slanted[index - 1], to: slanted[index], radius: 1.4, width: width, height: height, ink: &ink)
        }
        var rgb = [UInt8]()
        rgb.reserveCapacity(width * height * 3)
        for coverage in ink {
            let level = UInt8((255 * (1 - min(1, coverage))).rounded())
            rgb.append(level)
            rgb.append(level)
            rgb.append(level)
        }
        return png(width: width, height: height, rgb: rgb)
    }

    /// Encodes raw 8-bit RGB rows (width*3 bytes each, no filter byte) as a PNG.
    static func png(width: Int, height: Int, rgb: [UInt8]) -> [UInt8] {
        precondition(width > 0 && height > 0 && width <= Int(Int32.max) && height <= Int(Int32.max), "bad size")
        precondition(rgb.count == width * height * 3, "expected \(width * height * 3) bytes of RGB")
        let rowBytes = width * 3
        var scanlines = [UInt8]()
        scanlines.reserveCapacity(height * (rowBytes + 1))
        for row in 0..<height {
            scanlines.append(0)  // filter type 0: none
            scanlines.append(contentsOf: rgb[row * rowBytes..<(row + 1) * rowBytes])
        }
        // Bit depth 8, colour type 2 (RGB), compression 0, filter method 0, no interlace.
        let header = bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, 2, 0, 0, 0]
        var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        appendChunk("IHDR", header, to: &file)
        appendChunk("IDAT", zlibStored(scanlines), to: &file)
        appendChunk("IEND", [], to: &file)
        return file
    }

    // MARK: - Encoding

    /// The CRC-32 table for the reflected polynomial 0xEDB88320, as in the PNG specification's sample code.
    private static let crcTable: [UInt32] = (0..<256).map { entry in
        var c = UInt32(entry)
        for _ in 0..<8 {
            c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1
        }
        return c
    }

    /// The CRC-32 of `bytes` (the checksum a PNG chunk carries over its type and data).
    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            c = crcTable[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8)
        }
        return c ^ 0xFFFF_FFFF
    }

    /// The Adler-32 checksum that ends a zlib stream, summed in runs of 5,552 bytes so neither sum can overflow.
    private static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var (a, b): (UInt32, UInt32) = (1, 0)
        var start = 0
        while start < bytes.count {
            let end = min(start + 5552, bytes.count)
            for byte in bytes[start..<end] {
                a += UInt32(byte)
                b += a
            }
            (a, b) = (a % 65521, b % 65521)
            start = end
        }
        return b << 16 | a
    }

    /// A zlib stream holding `data` uncompressed: the header, stored deflate blocks of at most 65,535 bytes (the last
    /// one marked final) and the Adler-32 of `data`.
    private static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]  // deflate, 32 KB window, no dictionary, fastest; 0x7801 is a multiple of 31
        out.reserveCapacity(data.count + data.count / 65_535 * 5 + 16)
        var start = 0
        repeat {
            let end = min(start + 65_535, data.count)
            let length = end - start
            let inverse = 0xFFFF ^ length
            out.append(end == data.count ? 1 : 0)  // BFINAL, then BTYPE 00 (stored); the rest of the byte is padding
            out += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(inverse & 0xFF), UInt8(inverse >> 8)]
            out.append(contentsOf: data[start..<end])
            start = end
        } while start < data.count
        out += bigEndian(adler32(data))
        return out
    }

    /// Appends a PNG chunk to `file`: the data's length, the type, the data and the CRC-32 of type and data.
    private static func appendChunk(_ type: String, _ data: [UInt8], to file: inout [UInt8]) {
        let typed = Array(type.utf8) + data
        file += bigEndian(UInt32(data.count))
        file += typed
        file += bigEndian(crc32(typed))
    }

    /// The four bytes of `value`, most significant first.
    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    // MARK: - Drawing

    /// The light colours a photo's background is blended from.
    private static let softColours: [Colour] = [
        Colour(222, 232, 240), Colour(240, 228, 212), Colour(214, 232, 220), Colour(236, 222, 236),
        Colour(246, 240, 214), Colour(210, 222, 238), Colour(232, 232, 226), Colour(244, 220, 214),
    ]

    /// Darkens `ink` with a round pen of `radius` drawn along the segment from `a` to `b`, anti-aliased by a pixel.
    private static func stroke(
        from a: (x: Double, y: Double), to b: (x: Double, y: Double), radius: Double, width: Int, height: Int,
        ink: inout [Double]
    ) {
        let reach = radius + 1
        let minX = max(0, Int((min(a.x, b.x) - reach).rounded(.down)))
        let maxX = min(width - 1, Int((max(a.x, b.x) + reach).rounded(.up)))
        let minY = max(0, Int((min(a.y, b.y) - reach).rounded(.down)))
        let maxY = min(height - 1, Int((max(a.y, b.y) + reach).rounded(.up)))
        guard minX <= maxX, minY <= maxY else { return }
        let (dx, dy) = (b.x - a.x, b.y - a.y)
        let lengthSquared = dx * dx + dy * dy
        for y in minY...maxY {
            for x in minX...maxX {
                let (px, py) = (Double(x) + 0.5, Double(y) + 0.5)
                let t = lengthSquared > 0 ? max(0, min(1, ((px - a.x) * dx + (py - a.y) * dy) / lengthSquared)) : 0
                let (ex, ey) = (px - a.x - t * dx, py - a.y - t * dy)
                let coverage = radius + 0.5 - (ex * ex + ey * ey).squareRoot()
                if coverage > 0 {
                    ink[y * width + x] = max(ink[y * width + x], min(1, coverage))
                }
            }
        }
    }

    /// An RGB colour with components from 0 to 255.
    private struct Colour {
        let red: Double
        let green: Double
        let blue: Double

        /// A colour from its three components.
        init(_ red: Double, _ green: Double, _ blue: Double) {
            (self.red, self.green, self.blue) = (red, green, blue)
        }

        /// This colour moved towards `other` by `amount` (clamped to 0...1).
        func mixed(with other: Colour, by amount: Double) -> Colour {
            let t = max(0, min(1, amount))
            return Colour(
                red + (other.red - red) * t, green + (other.green - green) * t, blue + (other.blue - blue) * t)
        }

        /// Appends the colour to `bytes` as three bytes, red first.
        func append(to bytes: inout [UInt8]) {
            for component in [red, green, blue] {
                bytes.append(UInt8(max(0, min(255, component.rounded()))))
            }
        }
    }

    /// SplitMix64, a small deterministic generator, so a seed gives the same picture on every platform.
    private struct SplitMix64 {
        private var state: UInt64

        /// A generator started from `seed`.
        init(seed: Int) {
            state = UInt64(bitPattern: Int64(seed))
        }

        /// The next 64 random bits.
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        /// A number in 0..<1.
        mutating func unit() -> Double {
            Double(next() >> 11) / Double(1 << 53)
        }

        /// A whole number in 0..<`bound`.
        mutating func below(_ bound: Int) -> Int {
            Int(next() % UInt64(bound))
        }
    }
}
