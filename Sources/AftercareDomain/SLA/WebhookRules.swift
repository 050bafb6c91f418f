import Foundation

/// what an organisation's webhook may be told about.
public enum WebhookEvent: String, CodedEnum {
    /// A target's warning checkpoint was reached (the clock is close to its due instant).
    case slaWarning = "sla.warning"
    /// A target's due instant passed before it was met.
    case slaBreached = "sla.breached"
    /// An escalation level of a target was reached.
    case slaEscalated = "sla.escalated"
    /// A follow-up became due.
    case followUpDue = "followUp.due"
}

/// where a delivery stands in the delivery log.
public enum WebhookDeliveryStatus: String, CodedEnum {
    /// Waiting for its next attempt (`nextAttemptAt`).
    case pending
    /// The receiver answered 2xx.
    case delivered
    /// Given up: the last attempt failed, or the target was refused.
    case failed
}

/// What kind of address an IP address is, for the webhook SSRF rule.
public enum AddressKind: String, CodedEnum {
    /// Routable on the public internet.
    case global
    /// 127.0.0.0/8, ::1.
    case loopback
    /// 10/8, 172.16/12, 192.168/16, and IPv6 site-local fec0::/10.
    case `private`
    /// 169.254/16, fe80::/10.
    case linkLocal
    /// fc00::/7.
    case uniqueLocal
    /// 0.0.0.0, :: (connecting to it reaches this machine).
    case unspecified
    /// 224/4, ff00::/8.
    case multicast
    /// 255.255.255.255.
    case broadcast
    /// 100.64/10, carrier-grade NAT.
    case sharedAddressSpace
    /// The cloud instance metadata service: 169.254.169.254, fd00:ec2::254.
    case metadata
    /// 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32.
    case documentation
    /// Every other special-purpose block: 0/8, 192.0.0/24, 198.18/15, 240/4, IPv6 outside 2000::/3 and the like.
    case reserved
}

/// the pure rules of escalation webhooks: which addresses a delivery may reach, which URLs are accepted,
/// and when a failed delivery is tried again.
public enum WebhookRules {
    /// The longest URL accepted.
    public static let maxURLLength = 2000

    /// Delays after the 1st, 2nd, … failed attempt: 1 min, 5 min, 30 min, 2 h, 12 h.
    public static let retryDelays: [TimeInterval] = [60, 5 * 60, 30 * 60, 2 * 3600, 12 * 3600]

    /// Attempts in all before a delivery is `failed`.
    public static var maxAttempts: Int { retryDelays.count + 1 }

    /// when to try again after `attempts` attempts have failed, or `nil` when that was the last one
    /// (the delivery is then `failed`). No attempt yet: at once.
    public static func nextAttempt(after attempts: Int, from: Date) -> Date? {
        if attempts <= 0 { return from }
        guard attempts <= retryDelays.count else { return nil }
        return from.addingTimeInterval(retryDelays[attempts - 1])
    }

    /// Whether a delivery may connect to an address of this kind. Only public addresses, unless an administrator
    /// allowed private ones for this webhook; the cloud metadata service never.
    public static func permits(_ kind: AddressKind, allowPrivate: Bool) -> Bool {
        switch kind {
        case .global: true
        case .metadata: false
        default: allowPrivate
        }
    }

    /// The kind of an IP address written as text (IPv4 dotted quad, IPv6 with or without brackets or a zone,
    /// IPv4-mapped `::ffff:127.0.0.1`); `nil` when the text is not an IP address.
    public static func classify(_ text: String) -> AddressKind? {
        if let v4 = parseIPv4(text) { return classify(v4: v4) }
        if let v6 = parseIPv6(text) { return classify(v6: v6) }
        return nil
    }

    /// Whether `text` is an IP address that is reachable on the public internet.
    public static func isPublic(_ text: String) -> Bool {
        classify(text) == .global
    }

    static func classify(v4 a: [UInt8]) -> AddressKind {
        let (b0, b1, b2, b3) = (a[0], a[1], a[2], a[3])
        switch (b0, b1, b2) {
        case (0, 0, 0) where b3 == 0: return .unspecified
        case (0, _, _): return .reserved
        case (10, _, _): return .private
        case (100, 64...127, _): return .sharedAddressSpace
        case (127, _, _): return .loopback
        case (169, 254, 169) where b3 == 254: return .metadata
        case (169, 254, _): return .linkLocal
        case (172, 16...31, _): return .private
        case (192, 0, 0): return .reserved
        case (192, 0, 2), (198, 51, 100), (203, 0, 113): return .documentation
        case (192, 88, 99): return .reserved
        case (192, 168, _): return .private
        case (198, 18...19, _): return .reserved
        case (224...239, _, _): return .multicast
        case (255, 255, 255) where b3 == 255: return .broadcast
        case (240...255, _, _): return .reserved
        default: return .global
        }
    }

    static func classify(v6 a: [UInt8]) -> AddressKind {
        let zeros = { (range: Range<Int>) in a[range].allSatisfy { $0 == 0 } }
        if zeros(0..<16) { return .unspecified }
        if zeros(0..<15) && a[15] == 1 { return .loopback }
        // ::ffff:a.b.c.d, the IPv4-mapped form: the IPv4 address decides.
        if zeros(0..<10) && a[10] == 0xff && a[11] == 0xff { return classify(v4: Array(a[12..<16])) }
        // ::a.b.c.d (deprecated IPv4-compatible): never public.
        if zeros(0..<12) {
            let inner = classify(v4: Array(a[12..<16]))
            return inner == .global ? .reserved : inner
        }
        // 64:ff9b::/96, NAT64: reaches the embedded IPv4 address.
        if a[0..<12] == [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0] { return classify(v4: Array(a[12..<16])) }
        // 64:ff9b:1::/48, local-use NAT64.
        if a[0..<6] == [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01] { return .private }
        // 2002::/16, 6to4: the embedded IPv4 address decides when it is not public.
        if a[0] == 0x20 && a[1] == 0x02 {
            let inner = classify(v4: Array(a[2..<6]))
            return inner == .global ? .global : inner
        }
        // fd00:ec2::254, the IPv6 metadata service.
        if a == [0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54] { return .metadata }
        if a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8 { return .documentation }
        // 2001::/23: IETF protocol assignments (Teredo, benchmarking, ORCHID …).
        if a[0] == 0x20 && a[1] == 0x01 && a[2] < 0x02 { return .reserved }
        if a[0] & 0xfe == 0xfc { return .uniqueLocal }
        if a[0] == 0xfe && a[1] & 0xc0 == 0x80 { return .linkLocal }
        if a[0] == 0xfe && a[1] & 0xc0 == 0xc0 { return .private }
        if a[0] == 0xff { return .multicast }
        // Only 2000::/3 is allocated for global unicast.
        if a[0] & 0xe0 == 0x20 { return .global }
        return .reserved
    }

    /// The four bytes of a dotted quad written canonically (no leading zeros), or `nil`.
    static func parseIPv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                part == "0" || !part.hasPrefix("0"), let value = UInt8(part)
            else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    /// The sixteen bytes of an IPv6 address (brackets and a `%zone` allowed), or `nil`.
    static func parseIPv6(_ text: String) -> [UInt8]? {
        var text = Substring(text)
        if text.hasPrefix("[") && text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        if let percent = text.firstIndex(of: "%") { text = text[..<percent] }
        guard text.contains(":"), text.count <= 45 else { return nil }

        /// The 16-bit groups of one side of `::`, with a dotted quad allowed last.
        func groups(_ part: Substring, last: Bool) -> [UInt16]? {
            if part.isEmpty { return [] }
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            var result: [UInt16] = []
            for (index, piece) in pieces.enumerated() {
                if piece.contains(".") {
                    guard last, index == pieces.count - 1, let v4 = parseIPv4(String(piece)) else { return nil }
                    result.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
                    result.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
                } else {
                    guard (1...4).contains(piece.count), piece.allSatisfy(\.isHexDigit),
                        let value = UInt16(piece, radix: 16)
                    else { return nil }
                    result.append(value)
                }
            }
            return result
        }

        let halves = text.components(separatedBy: "::")
        var words: [UInt16]
        switch halves.count {
        case 1:
            guard let all = groups(Substring(halves[0]), last: true), all.count == 8 else { return nil }
            words = all
        case 2:
            guard let head = groups(Substring(halves[0]), last: false),
                let tail = groups(Substring(halves[1]), last: true), head.count + tail.count <= 7
            else { return nil }
            words = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        default:
            return nil
        }
        return words.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
    }

    /// The host of a URL without IPv6 brackets, lower-cased; `nil` when there is none.
    public static func host(of url: String) -> String? {
        guard var host = URLComponents(string: url)?.host, !host.isEmpty else { return nil }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host.removingPercentEncoding?.lowercased() ?? host.lowercased()
    }

    /// checks a webhook URL; `nil` when it is acceptable.
    ///
    /// An absolute `https` URL with a host, without user name or password, at most 2,000 characters. Plain `http`
    /// is accepted only with `allowPrivate` (a receiver on the organisation's own network): anything sent across
    /// the internet goes encrypted. A host written as an IP address must be public unless `allowPrivate`; a host
    /// name is resolved, and each of its addresses checked, at every delivery (names can change).
    public static func urlProblem(_ url: String, allowPrivate: Bool) -> FieldProblem? {
        if url.count > maxURLLength { return .tooLong(max: maxURLLength) }
        let expected = allowPrivate ? "an http or https URL" : "an https URL (http needs allowPrivate)"
        guard !url.isEmpty else { return .required }
        guard url.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7f }),
            let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(),
            let host = host(of: url)
        else { return .invalidFormat(expected: expected) }
        guard scheme == "https" || (scheme == "http" && allowPrivate) else {
            return .invalidFormat(expected: expected)
        }
        if parts.user != nil || parts.password != nil {
            return .invalidFormat(expected: "a URL without a user name or password")
        }
        if let port = parts.port, !(1...65535).contains(port) {
            return .invalidFormat(expected: "a URL with a port from 1 to 65535")
        }
        if let kind = classify(host) {
            if !permits(kind, allowPrivate: allowPrivate) {
                return .invalidFormat(
                    expected: kind == .metadata
                        ? "not the cloud metadata address"
                        : "a public address (\(kind.rawValue) addresses need allowPrivate, set by an administrator)")
            }
        } else if endsInNumber(host) || host.contains(":") {
            // 127.1, 0x7f.0.0.1, 2130706433: resolvers read them as IPv4 addresses; only canonical forms are taken.
            return .invalidFormat(expected: "a host name or an IP address in canonical form")
        }
        return nil
    }

    /// Whether the last label of a host is a number (decimal or 0x-hex), as URL parsers read IPv4 addresses.
    static func endsInNumber(_ host: String) -> Bool {
        var labels = host.split(separator: ".", omittingEmptySubsequences: false)
        if labels.last == "" && labels.count > 1 { labels.removeLast() }
        guard let last = labels.last, !last.isEmpty else { return false }
        if last.allSatisfy({ $0.isASCII && $0.isNumber }) { return true }
        let lower = last.lowercased()
        return lower.hasPrefix("0x") && lower.dropFirst(2).allSatisfy(\.isHexDigit)
    }

    /// The text a delivery's signature covers: the timestamp (unix seconds), a dot, and the body.
    public static func signedContent(timestamp: Int, body: Data) -> Data {
        Data("\(timestamp).".utf8) + body
    }

    /// Header names of a delivery.
    public enum Header {
        public static let event = "X-Aftercare-Event"
        public static let delivery = "X-Aftercare-Delivery"
        public static let timestamp = "X-Aftercare-Timestamp"
        public static let signature = "X-Aftercare-Signature"
    }
}
