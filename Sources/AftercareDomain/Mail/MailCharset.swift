import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Text in the character sets e-mail arrives in, turned into Swift strings.
///
/// UTF-8, US-ASCII and Latin-1 (read as Windows-1252, as browsers do) are decoded here; everything else goes
/// through the system's iconv. GB2312 and GBK are read as GB18030, their superset, and Big5 falls back to
/// Big5-HKSCS, so a sender that declares the narrower set but writes a character of the wider one is still read.
public enum MailCharset {
    /// The text of `bytes` in `charset`, or nil when the charset is unknown or the bytes are not valid in it.
    public static func decode(_ bytes: [UInt8], charset: String) -> String? {
        if case .text(let text) = decodeStrict(bytes, charset: charset) { return text }
        return nil
    }

    /// The text of `bytes` in `charset`, each invalid byte read as U+FFFD; nil only when the charset is unknown.
    public static func decodeLossy(_ bytes: [UInt8], charset: String) -> String? {
        guard let family = family(of: charset) else { return nil }
        switch family {
        case .utf8: return String(decoding: dropUTF8Mark(bytes), as: UTF8.self)
        case .ascii: return String(decoding: bytes, as: UTF8.self)
        case .windows1252, .guess: return windows1252(bytes)
        case .iconv(let names):
            for name in names {
                if case .bytes(let utf8) = transcode(bytes, from: name, to: "UTF-8", lossy: true) {
                    return String(decoding: utf8, as: UTF8.self)
                }
            }
            return nil
        }
    }

    /// Whether `charset` can be decoded at all.
    public static func isKnown(_ charset: String) -> Bool {
        guard let family = family(of: charset) else { return false }
        guard case .iconv(let names) = family else { return true }
        return names.contains { transcode([], from: $0, to: "UTF-8", lossy: false) != .unavailable }
    }

    /// The bytes of `text` in `charset`; nil when the charset is unknown or cannot represent the text.
    public static func encode(_ text: String, charset: String) -> [UInt8]? {
        guard let family = family(of: charset) else { return nil }
        let utf8 = Array(text.utf8)
        switch family {
        case .utf8, .guess: return utf8
        case .ascii: return utf8.allSatisfy { $0 < 0x80 } ? utf8 : nil
        case .windows1252:
            let target = normalized(charset).contains("1252") ? "WINDOWS-1252" : "ISO-8859-1"
            if case .bytes(let bytes) = transcode(utf8, from: "UTF-8", to: target, lossy: false) { return bytes }
            return nil
        case .iconv(let names):
            for name in names {
                if case .bytes(let bytes) = transcode(utf8, from: "UTF-8", to: name, lossy: false) { return bytes }
            }
            return nil
        }
    }

    // MARK: - What the parser uses

    /// The outcome of a strict decoding.
    enum Decoded: Equatable {
        case text(String)
        /// The charset is known but the bytes are not valid in it.
        case invalid
        /// Nothing here can convert the charset.
        case unknown
    }

    static func decodeStrict(_ bytes: [UInt8], charset: String) -> Decoded {
        guard let family = family(of: charset) else { return .unknown }
        switch family {
        case .utf8: return utf8(bytes).map(Decoded.text) ?? .invalid
        case .ascii: return bytes.allSatisfy { $0 < 0x80 } ? .text(String(decoding: bytes, as: UTF8.self)) : .invalid
        case .windows1252: return .text(windows1252(bytes))
        case .guess: return .text(guess(bytes))
        case .iconv(let names):
            var available = false
            for name in names {
                switch transcode(bytes, from: name, to: "UTF-8", lossy: false) {
                case .bytes(let utf8): return .text(String(decoding: utf8, as: UTF8.self))
                case .failed: available = true
                case .unavailable: continue
                }
            }
            return available ? .invalid : .unknown
        }
    }

    /// Text whatever happens, and the problem met on the way, if any.
    ///
    /// - No charset: UTF-8, else GB18030, else Windows-1252 (which reads any byte).
    /// - An unknown charset: UTF-8 with replacement characters, and `.unknownCharset`.
    /// - Bytes not valid in the declared charset: UTF-8 or GB18030 when the bytes are valid in one of them (a
    ///   mislabelled message), else the declared charset with replacement characters; and `.undecodableText`.
    static func text(_ bytes: [UInt8], charset: String?) -> (text: String, problem: MailProblem?) {
        guard let charset, !normalized(charset).isEmpty else { return (guess(bytes), nil) }
        switch decodeStrict(bytes, charset: charset) {
        case .text(let text): return (text, nil)
        case .unknown:
            return (String(decoding: dropUTF8Mark(bytes), as: UTF8.self), .unknownCharset(normalized(charset)))
        case .invalid:
            let problem = MailProblem.undecodableText(normalized(charset))
            if let text = utf8(bytes) ?? decode(bytes, charset: "gb18030") { return (text, problem) }
            let lossy = decodeLossy(bytes, charset: charset) ?? String(decoding: bytes, as: UTF8.self)
            return (lossy, problem)
        }
    }

    /// UTF-8 if the bytes are valid UTF-8, else GB18030 if they are valid GB18030, else Windows-1252.
    static func guess(_ bytes: [UInt8]) -> String {
        if let text = utf8(bytes) { return text }
        if case .bytes(let utf8) = transcode(bytes, from: "GB18030", to: "UTF-8", lossy: false) {
            return String(decoding: utf8, as: UTF8.self)
        }
        return windows1252(bytes)
    }

    /// The text of valid UTF-8 (a leading byte order mark dropped), nil for anything else.
    static func utf8(_ bytes: [UInt8]) -> String? {
        let bytes = dropUTF8Mark(bytes)
        return isValidUTF8(bytes) ? String(decoding: bytes, as: UTF8.self) : nil
    }

    /// Well-formed UTF-8 as the Unicode standard defines it: no overlong forms, surrogates or values past U+10FFFF.
    static func isValidUTF8(_ bytes: some RandomAccessCollection<UInt8>) -> Bool {
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let lead = bytes[index]
            if lead < 0x80 {
                bytes.formIndex(after: &index)
                continue
            }
            var length = 0
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED:
                length = 3
                high = 0x9F
            case 0xF0:
                length = 4
                low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                high = 0x8F
            default: return false
            }
            guard bytes.distance(from: index, to: bytes.endIndex) >= length else { return false }
            var next = bytes.index(after: index)
            guard bytes[next] >= low, bytes[next] <= high else { return false }
            for _ in 2..<length {
                bytes.formIndex(after: &next)
                guard bytes[next] & 0xC0 == 0x80 else { return false }
            }
            index = bytes.index(index, offsetBy: length)
        }
        return true
    }

    /// Windows-1252, which e-mail labelled ISO-8859-1 usually is; the five unassigned bytes become C1 controls.
    static func windows1252(_ bytes: [UInt8]) -> String {
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(bytes.count)
        for byte in bytes {
            let value = (0x80...0x9F).contains(byte) ? windows1252High[Int(byte) - 0x80] : UInt32(byte)
            scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
        }
        return String(scalars)
    }

    private static let windows1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x192, 0x201E, 0x2026, 0x2020, 0x2021, 0x2C6, 0x2030, 0x160, 0x2039, 0x152, 0x8D,
        0x17D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x2DC, 0x2122, 0x161, 0x203A,
        0x153, 0x9D, 0x17E, 0x178,
    ]

    private static func dropUTF8Mark(_ bytes: [UInt8]) -> [UInt8] {
        bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
    }

    // MARK: - Names

    /// How a charset is decoded.
    enum Family: Equatable {
        case utf8, ascii, windows1252
        /// No real charset ("unknown-8bit"): guessed like text without one.
        case guess
        /// iconv names to try in turn.
        case iconv([String])
    }

    /// The charset name lower-cased, without quotes, spaces or an RFC 2231 language (`utf-8*en`).
    static func normalized(_ charset: String) -> String {
        var name = charset.trimmingCharacters(in: CharacterSet(charactersIn: " \t\r\n\"'")).lowercased()
        if let star = name.firstIndex(of: "*") { name = String(name[..<star]) }
        return name
    }

    /// How `charset` is decoded; nil for a name that cannot be a charset at all.
    static func family(of charset: String) -> Family? {
        let name = normalized(charset)
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-_.:")
        guard !name.isEmpty, name.count <= 40, name.allSatisfy(allowed.contains) else { return nil }
        switch name {
        case "utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8", "utf-8-sig":
            return .utf8
        case "us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "us", "iso-ir-6", "cp367", "ibm367", "csascii":
            return .ascii
        case "iso-8859-1", "iso8859-1", "iso_8859-1", "iso_8859-1:1987", "latin1", "latin-1", "l1", "cp819",
            "ibm819", "iso-ir-100", "csisolatin1", "windows-1252", "cp1252", "x-cp1252", "cp-1252":
            return .windows1252
        case "unknown-8bit", "unknown", "x-unknown-8bit", "default", "8bit":
            return .guess
        case "gb2312", "gbk", "gb18030", "x-gbk", "cp936", "ms936", "windows-936", "euc-cn", "x-euc-cn", "csgb2312",
            "gb_2312-80", "gb2312-80", "chinese", "iso-ir-58", "csgbk", "cn-gb", "x-gb2312", "csiso58gb231280":
            return .iconv(["GB18030"])
        case "big5", "big-5", "cn-big5", "x-x-big5", "csbig5", "x-big5":
            return .iconv(["BIG5", "BIG5-HKSCS", "CP950"])
        case "big5-hkscs", "big5hkscs", "big5_hkscs":
            return .iconv(["BIG5-HKSCS", "BIG5"])
        case "cp950", "ms950", "windows-950", "x-windows-950":
            return .iconv(["CP950", "BIG5-HKSCS"])
        case "shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "csshiftjis", "windows-31j", "cp932", "ms932",
            "x-ms-cp932":
            return .iconv(["CP932", "SHIFT_JIS"])
        case "iso-2022-jp", "csiso2022jp", "iso-2022-jp-1", "iso-2022-jp-2", "iso-2022-jp-3", "jis":
            return .iconv(["ISO-2022-JP", "ISO-2022-JP-2", "ISO-2022-JP-3"])
        case "euc-kr", "ks_c_5601-1987", "ks_c_5601", "ksc5601", "ksc_5601", "korean", "cp949", "uhc",
            "x-windows-949", "windows-949", "csksc56011987", "iso-ir-149", "cseuckr":
            return .iconv(["CP949", "EUC-KR"])
        default:
            return .iconv([name.uppercased()])
        }
    }

    // MARK: - iconv

    enum Transcoding: Equatable {
        case bytes([UInt8])
        /// The input is not valid in the source charset, or the target cannot represent it.
        case failed
        /// iconv knows no such charset.
        case unavailable
    }

    /// Converts with iconv; in lossy mode (to UTF-8 only) each byte that cannot be read becomes U+FFFD.
    static func transcode(_ input: [UInt8], from source: String, to target: String, lossy: Bool) -> Transcoding {
        guard let descriptor = iconv_open(target, source), Int(bitPattern: descriptor) != -1 else {
            return .unavailable
        }
        defer { iconv_close(descriptor) }
        guard !input.isEmpty else { return .bytes([]) }
        var source = input
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 2)
        var chunk = [UInt8](repeating: 0, count: min(max(input.count * 3, 256), 1 << 20))
        let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
        let succeeded = source.withUnsafeMutableBytes { sourceBytes -> Bool in
            chunk.withUnsafeMutableBytes { chunkBytes -> Bool in
                guard let sourceBase = sourceBytes.baseAddress, let chunkBase = chunkBytes.baseAddress else {
                    return false
                }
                var inPointer: UnsafeMutablePointer<CChar>? = sourceBase.assumingMemoryBound(to: CChar.self)
                var inLeft = sourceBytes.count
                var flushing = false
                while true {
                    var outPointer: UnsafeMutablePointer<CChar>? = chunkBase.assumingMemoryBound(to: CChar.self)
                    var outLeft = chunkBytes.count
                    let result =
                        flushing
                        ? iconv(descriptor, nil, nil, &outPointer, &outLeft)
                        : iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
                    let failure = errno
                    let produced = chunkBytes.count - outLeft
                    output.append(contentsOf: UnsafeRawBufferPointer(start: chunkBase, count: produced))
                    if result != -1 {
                        if flushing { return true }
                        flushing = true
                        continue
                    }
                    if failure == E2BIG { continue }
                    guard lossy, !flushing, failure == EILSEQ || failure == EINVAL, inLeft > 0 else { return false }
                    output.append(contentsOf: replacement)
                    inPointer = inPointer.map { $0 + 1 }
                    inLeft -= 1
                    if inLeft == 0 { flushing = true }
                }
            }
        }
        return succeeded ? .bytes(output) : .failed
    }
}
