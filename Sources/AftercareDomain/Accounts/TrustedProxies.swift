import Foundation

/// An IPv4 or IPv6 address as 16 bytes (IPv4 as an IPv4-mapped IPv6 address), parsed from text.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    public var bytes: [UInt8]
    public var isIPv4: Bool

    /// `192.0.2.7`, `2001:db8::1`, `::ffff:192.0.2.7`; `nil` for anything else (names, ports, zones).
    public init?(_ text: String) {
        if let v4 = Self.parseIPv4(Substring(text)) {
            bytes = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF] + v4
            isIPv4 = true
        } else if let v6 = Self.parseIPv6(text) {
            bytes = v6
            isIPv4 = v6.prefix(12) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]
        } else {
            return nil
        }
    }

    public var description: String {
        if isIPv4 { return bytes.suffix(4).map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }

    static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var result: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber),
                let value = UInt8(part), part == "0" || !part.hasPrefix("0")
            else { return nil }
            result.append(value)
        }
        return result
    }

    static func parseIPv6(_ text: String) -> [UInt8]? {
        guard text.contains(":"), text.count <= 45 else { return nil }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt8]? {
            if part.isEmpty { return [] }
            var out: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains("."), let v4 = parseIPv4(piece) {
                    out += v4
                    continue
                }
                guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
                out += [UInt8(value >> 8), UInt8(value & 0xFF)]
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count <= 14 else { return nil }
        return head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}

/// the reverse proxies whose word on the client's address is taken (`AFTERCARE_TRUSTED_PROXIES`), and
/// the one header they write it in (`AFTERCARE_FORWARDED_HEADER`).
///
/// Rate limits, lockout and the audit need the real client. Behind nginx or a load balancer every request
/// comes from the proxy, so the proxy's header is read, but only when the request really comes from a proxy
/// listed here: anyone else could write it. Only the one configured header is read: a proxy passes the headers it
/// does not set through unchanged, so reading a second one would let the client choose its address.
public struct TrustedProxies: Sendable, Equatable {
    /// The header the proxies write the chain of addresses in.
    public enum Header: String, Sendable, Equatable, CaseIterable {
        /// `X-Forwarded-For: client, proxy1` with `X-Forwarded-Proto` (nginx's `$proxy_add_x_forwarded_for`).
        case xForwardedFor = "x-forwarded-for"
        /// RFC 7239 `Forwarded: for=client;proto=https, for=proxy1`.
        case forwarded
    }

    /// One address or a CIDR range.
    public struct Range: Sendable, Equatable {
        public var network: IPAddress
        public var prefixLength: Int

        public func contains(_ address: IPAddress) -> Bool {
            var remaining = prefixLength
            for index in 0..<16 {
                if remaining <= 0 { return true }
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                if address.bytes[index] & mask != network.bytes[index] & mask { return false }
                remaining -= bits
            }
            return true
        }
    }

    public var ranges: [Range]
    public var header: Header

    public init(ranges: [Range] = [], header: Header = .xForwardedFor) {
        self.ranges = ranges
        self.header = header
    }

    /// A comma- or space-separated list such as `127.0.0.1, 10.0.0.0/8, ::1`; the entry that is not an address
    /// or range is named in the error.
    public static func parse(_ text: String, header: Header = .xForwardedFor) throws -> TrustedProxies {
        var ranges: [Range] = []
        let entries = text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" || $0 == "\t" })
        for entry in entries {
            let parts = entry.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count <= 2, let address = IPAddress(String(parts[0])) else {
                throw InvalidEntry(entry: String(entry))
            }
            let maximum = address.isIPv4 ? 32 : 128
            var length = maximum
            if parts.count == 2 {
                guard let given = Int(parts[1]), (0...maximum).contains(given) else {
                    throw InvalidEntry(entry: String(entry))
                }
                length = given
            }
            ranges.append(Range(network: address, prefixLength: address.isIPv4 ? 96 + length : length))
        }
        return TrustedProxies(ranges: ranges, header: header)
    }

    /// An entry that is neither an address nor a range.
    public struct InvalidEntry: Error, Equatable, Sendable {
        public var entry: String

        public init(entry: String) {
            self.entry = entry
        }
    }

    public func trusts(_ address: String?) -> Bool {
        guard let address, let parsed = IPAddress(address) else { return false }
        return ranges.contains { $0.contains(parsed) }
    }

    /// The client's address: the peer itself unless the peer is trusted; then the nearest address in the
    /// configured header's chain (read from the right) that is not a trusted proxy. A chain entry that is not an
    /// address (`unknown`, an obfuscated name) stops the walk: the last trusted hop is answered, never a text a
    /// client chose. `values` gives every value of a request header by its lower-case name.
    public func clientAddress(peer: String?, values: (String) -> [String]) -> String? {
        guard let peer, trusts(peer) else { return peer }
        let lines = values(header.rawValue)
        let chain: [String] =
            switch header {
            case .xForwardedFor: lines.flatMap { $0.split(separator: ",").map { Self.bare(String($0)) } }
            case .forwarded: lines.flatMap(Self.forValues)
            }
        var client = peer
        for hop in chain.reversed() {
            guard let address = IPAddress(hop) else { return client }
            client = address.description
            if !ranges.contains(where: { $0.contains(address) }) { return client }
        }
        return client
    }

    /// Whether the client reached the trusted proxy through TLS: the proto the nearest proxy wrote (the last
    /// `X-Forwarded-Proto`, or the last element's `proto=` of `Forwarded`); from an untrusted peer nothing is read.
    public func forwardedSecure(peer: String?, values: (String) -> [String]) -> Bool {
        guard trusts(peer) else { return false }
        let proto: String?
        switch header {
        case .xForwardedFor:
            proto = values("x-forwarded-proto").flatMap { $0.split(separator: ",") }.last.map(String.init)
        case .forwarded:
            let last = values("forwarded").flatMap { $0.split(separator: ",") }.last ?? ""
            proto =
                last.split(separator: ";").compactMap { pair -> String? in
                    let kv = pair.split(separator: "=", maxSplits: 1)
                    guard kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces).lowercased() == "proto" else {
                        return nil
                    }
                    return String(kv[1])
                }.last
        }
        return proto?.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            .lowercased() == "https"
    }

    /// The `for=` values of a `Forwarded` header, in order.
    static func forValues(_ header: String) -> [String] {
        header.split(separator: ",").compactMap { element in
            for pair in element.split(separator: ";") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                if kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces).lowercased() == "for" {
                    return bare(String(kv[1]))
                }
            }
            return nil
        }
    }

    /// An address without quotes, brackets or port: `"[2001:db8::1]:4711"` → `2001:db8::1`, `1.2.3.4:80` →
    /// `1.2.3.4`.
    static func bare(_ text: String) -> String {
        var value = text.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        if value.hasPrefix("["), let close = value.firstIndex(of: "]") {
            value = String(value[value.index(after: value.startIndex)..<close])
        } else if value.filter({ $0 == ":" }).count == 1, let colon = value.firstIndex(of: ":") {
            value = String(value[..<colon])
        }
        return value
    }
}
