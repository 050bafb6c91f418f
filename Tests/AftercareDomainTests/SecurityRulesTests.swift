import AftercareDomain
import Foundation
import Testing

@Suite("Redirect targets: only a path on this site (R-14.2, issue 12)")
struct LocalRedirectTests {
    @Test(
        "ordinary local paths are kept as they are",
        arguments: [
            "/", "/requests", "/requests/42", "/requests?status=triaged&sort=-updated", "/portal/requests/7#timeline",
            "/requests?q=%E6%89%93%E5%8D%B0", "/requests?q=打印模糊", "/stock?q=RL-PICK&low=1",
            "/login?next=%2Frequests", "/a/b/c.d_e~f", "/stocktakes/3?counted=A%25B", "/%ZZ/x",
        ])
    func keeps(target: String) {
        #expect(LocalRedirect.path(target) == target)
    }

    @Test(
        "the payloads of the probe and the usual open-redirect list are refused",
        arguments: [
            // the findings: a tab and a carriage return, raw and encoded
            "/\t/evil.example/x", "/%09/evil.example/x", "/\rSet-Cookie: evil=1", "/%0DSet-Cookie:%20evil=1",
            "/%0d%0aLocation:%20http://evil.example", "/\nx", "/%0Ax",
            // protocol-relative and backslash forms
            "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example", "/\\/evil.example",
            "/%2F/evil.example", "/%2f%2fevil.example", "%2F%2Fevil.example", "/%5Cevil.example", "/%5cevil.example",
            "/%252F%252Fevil.example", "/%25252F%25252Fevil.example", "/a\\b",
            // schemes and absolute URLs
            "https://evil.example", "http:evil.example", "javascript:alert(1)", "//javascript:alert(1)",
            "/http://evil.example", "evil.example", "", " /requests", "/ requests", "/requests x",
            // Unicode whitespace, separators and controls
            "/\u{00A0}/evil.example", "/\u{2028}x", "/\u{3000}x", "/\u{200E}x", "/%E2%80%A8x", "/\u{7F}x",
            "/%00", "/x%00y",
            // escapes of bytes that are not UTF-8
            "/%E4%B8", "/x%C0%AE", "/%FF",
        ])
    func refuses(target: String) {
        #expect(LocalRedirect.path(target) == nil)
        #expect(!LocalRedirect.isSafe(target))
    }

    @Test("nil and over-long targets are refused")
    func limits() {
        #expect(LocalRedirect.path(nil) == nil)
        #expect(LocalRedirect.path("/" + String(repeating: "a", count: LocalRedirect.maximumLength)) == nil)
        #expect(LocalRedirect.path("/" + String(repeating: "a", count: LocalRedirect.maximumLength - 1)) != nil)
    }
}

@Suite("Trusted proxies and the client's address (R-14.2, issue 12)")
struct TrustedProxiesTests {
    @Test("addresses and ranges of both families are parsed; anything else is named")
    func parse() throws {
        // when
        let proxies = try TrustedProxies.parse("127.0.0.1, 10.0.0.0/8 ::1\n2001:db8::/32")
        // then
        #expect(proxies.trusts("127.0.0.1"))
        #expect(!proxies.trusts("127.0.0.2"))
        #expect(proxies.trusts("10.200.3.4"))
        #expect(!proxies.trusts("11.0.0.1"))
        #expect(proxies.trusts("::1"))
        #expect(proxies.trusts("2001:db8:ffff::17"))
        #expect(!proxies.trusts("2001:db9::1"))
        #expect(!proxies.trusts("not-an-address"))
        #expect(!proxies.trusts(nil))
        for bad in ["10.0.0.0/33", "example.org", "300.1.1.1", "1.2.3", "::1/129", "01.2.3.4", "1:2:3:4:5:6:7:8:9"] {
            #expect(throws: TrustedProxies.InvalidEntry(entry: bad)) { try TrustedProxies.parse("127.0.0.1, \(bad)") }
        }
    }

    @Test("IPv6 text forms compress and expand to the same address")
    func ipv6() {
        #expect(IPAddress("2001:db8::1") == IPAddress("2001:0db8:0:0:0:0:0:1"))
        #expect(IPAddress("::ffff:192.0.2.7") == IPAddress("192.0.2.7"))
        #expect(IPAddress("::") != nil)
        #expect(IPAddress(":::") == nil)
        #expect(IPAddress("1::2::3") == nil)
    }

    /// A request's header values by lower-case name.
    func headers(_ pairs: [String: [String]]) -> (String) -> [String] {
        { pairs[$0] ?? [] }
    }

    @Test("X-Forwarded-For counts only from a trusted peer, read from the right; Forwarded is not read")
    func xForwardedFor() throws {
        // given
        let proxies = try TrustedProxies.parse("127.0.0.1, 10.0.0.0/8")
        // then: an untrusted peer is the client whatever it writes
        #expect(
            proxies.clientAddress(peer: "203.0.113.9", values: headers(["x-forwarded-for": ["1.1.1.1"]]))
                == "203.0.113.9")
        // a trusted proxy names the client; the entries a client wrote before it are not believed
        #expect(
            proxies.clientAddress(peer: "127.0.0.1", values: headers(["x-forwarded-for": ["6.6.6.6, 198.51.100.4"]]))
                == "198.51.100.4")
        // a chain of trusted proxies is walked to the first untrusted hop, across header lines
        #expect(
            proxies.clientAddress(
                peer: "10.0.0.2", values: headers(["x-forwarded-for": ["198.51.100.4", "10.0.0.9"]]))
                == "198.51.100.4")
        // a Forwarded header the client sent and the proxy passed through is ignored
        #expect(
            proxies.clientAddress(
                peer: "127.0.0.1",
                values: headers(["forwarded": ["for=192.0.2.99"], "x-forwarded-for": ["198.51.100.4"]]))
                == "198.51.100.4")
        // a hop that is not an address stops the walk at the last trusted hop
        #expect(
            proxies.clientAddress(peer: "127.0.0.1", values: headers(["x-forwarded-for": ["unknown"]])) == "127.0.0.1")
        // no header: the proxy itself
        #expect(proxies.clientAddress(peer: "127.0.0.1", values: headers([:])) == "127.0.0.1")
        // nothing trusted: headers are never read
        #expect(
            TrustedProxies().clientAddress(peer: "127.0.0.1", values: headers(["x-forwarded-for": ["1.2.3.4"]]))
                == "127.0.0.1")
    }

    @Test("with Forwarded chosen, only Forwarded is read, with quotes, brackets and ports")
    func forwarded() throws {
        let proxies = try TrustedProxies.parse("127.0.0.1", header: .forwarded)
        let values = headers([
            "forwarded": ["for=192.0.2.60;proto=https, for=\"[2001:db8:cafe::17]:4711\""],
            "x-forwarded-for": ["9.9.9.9"],
        ])
        #expect(proxies.clientAddress(peer: "127.0.0.1", values: values) == "2001:db8:cafe:0:0:0:0:17")
    }

    @Test("TLS at the proxy is believed only from a trusted proxy, and only as the nearest proxy wrote it")
    func forwardedSecure() throws {
        let proxies = try TrustedProxies.parse("127.0.0.1")
        #expect(proxies.forwardedSecure(peer: "127.0.0.1", values: headers(["x-forwarded-proto": ["https"]])))
        #expect(!proxies.forwardedSecure(peer: "127.0.0.1", values: headers(["x-forwarded-proto": ["http"]])))
        #expect(!proxies.forwardedSecure(peer: "127.0.0.1", values: headers(["x-forwarded-proto": ["https, http"]])))
        #expect(!proxies.forwardedSecure(peer: "192.0.2.1", values: headers(["x-forwarded-proto": ["https"]])))
        // in X-Forwarded-For mode a Forwarded proto is the client's word
        #expect(
            !proxies.forwardedSecure(peer: "127.0.0.1", values: headers(["forwarded": ["for=1.2.3.4;proto=https"]])))
        let rfc = try TrustedProxies.parse("127.0.0.1", header: .forwarded)
        #expect(rfc.forwardedSecure(peer: "127.0.0.1", values: headers(["forwarded": ["for=1.2.3.4;proto=https"]])))
        #expect(
            !rfc.forwardedSecure(
                peer: "127.0.0.1", values: headers(["forwarded": ["for=6.6.6.6;proto=https, for=1.2.3.4;proto=http"]])))
    }
}

@Suite("CSV uploads must be UTF-8 (R-1.5, issue 12)")
struct CSVEncodingTests {
    @Test("valid UTF-8 is read as it is, Chinese and a byte-order mark included")
    func valid() throws {
        let text = "\u{FEFF}name\n华润置地\n"
        #expect(try CSV.text(utf8: Array(text.utf8)) == text)
    }

    @Test("an invalid byte refuses the file, naming its line, instead of becoming U+FFFD")
    func invalid() {
        // given: a Latin-1 "é" on line 3 and a truncated sequence on line 2 of another file
        let latin1: [UInt8] = Array("a,b\n1,2\n".utf8) + [0x63, 0x61, 0x66, 0xE9] + Array(",3\n".utf8)
        let truncated: [UInt8] = Array("a\n".utf8) + [0xE4, 0xB8] + Array("\n".utf8)
        // then
        #expect(throws: CSV.ParseError.self) { try CSV.text(utf8: latin1) }
        #expect((try? CSV.text(utf8: latin1)) == nil)
        do {
            _ = try CSV.text(utf8: latin1)
        } catch let error as CSV.ParseError {
            #expect(error.line == 3)
        } catch {
            Issue.record("unexpected \(error)")
        }
        do {
            _ = try CSV.text(utf8: truncated)
            Issue.record("a truncated sequence must be refused")
        } catch let error as CSV.ParseError {
            #expect(error.line == 2)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
