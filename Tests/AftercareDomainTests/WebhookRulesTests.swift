import AftercareDomain
import Foundation
import Testing

@Suite("Webhook rules (R-3.2)")
struct WebhookRulesTests {
    static let addresses: [(String, AddressKind?)] = [
        // IPv4
        ("8.8.8.8", .global), ("93.184.216.34", .global), ("1.1.1.1", .global),
        ("127.0.0.1", .loopback), ("127.255.255.254", .loopback),
        ("10.0.0.1", .private), ("172.16.0.1", .private), ("172.31.255.255", .private), ("172.32.0.1", .global),
        ("192.168.1.1", .private), ("169.254.10.20", .linkLocal), ("169.254.169.254", .metadata),
        ("100.64.0.1", .sharedAddressSpace), ("100.127.255.255", .sharedAddressSpace), ("100.128.0.1", .global),
        ("0.0.0.0", .unspecified), ("0.1.2.3", .reserved), ("224.0.0.1", .multicast), ("239.255.255.250", .multicast),
        ("255.255.255.255", .broadcast), ("240.0.0.1", .reserved), ("192.0.2.7", .documentation),
        ("198.51.100.7", .documentation), ("203.0.113.7", .documentation), ("198.18.0.1", .reserved),
        ("192.0.0.8", .reserved),
        // IPv6
        ("::1", .loopback), ("::", .unspecified), ("[::1]", .loopback), ("0:0:0:0:0:0:0:1", .loopback),
        ("fe80::1", .linkLocal), ("fe80::1%eth0", .linkLocal), ("fc00::1", .uniqueLocal),
        ("fd12:3456::1", .uniqueLocal),
        ("fd00:ec2::254", .metadata), ("fec0::1", .private), ("ff02::1", .multicast), ("2001:db8::1", .documentation),
        ("2606:4700:4700::1111", .global), ("2a00:1450:4001:80b::200e", .global), ("100::1", .reserved),
        ("2001:0::1", .reserved),
        // IPv4 inside IPv6: the IPv4 address decides
        ("::ffff:127.0.0.1", .loopback), ("::ffff:7f00:1", .loopback), ("[::ffff:10.1.2.3]", .private),
        ("::ffff:169.254.169.254", .metadata), ("::ffff:8.8.8.8", .global), ("::127.0.0.1", .loopback),
        ("::8.8.8.8", .reserved), ("64:ff9b::127.0.0.1", .loopback), ("64:ff9b::8.8.8.8", .global),
        ("2002:7f00:1::", .loopback), ("2002:0808:0808::1", .global),
        // not addresses
        ("localhost", nil), ("example.com", nil), ("127.1", nil), ("0177.0.0.1", nil), ("256.0.0.1", nil),
        ("1.2.3", nil), ("1::2::3", nil), (":::", nil), ("12345::", nil), ("1:2:3:4:5:6:7:8:9", nil),
        ("::ffff:1.2.3.4.5", nil), ("", nil),
    ]

    @Test("addresses are classified; only public ones are public", arguments: addresses)
    func classify(text: String, expected: AddressKind?) {
        // when
        let kind = WebhookRules.classify(text)
        // then
        #expect(kind == expected, "\(text)")
        #expect(WebhookRules.isPublic(text) == (expected == .global))
    }

    @Test("private addresses are permitted only with allowPrivate; the metadata service never")
    func permits() {
        // then
        #expect(WebhookRules.permits(.global, allowPrivate: false))
        #expect(!WebhookRules.permits(.loopback, allowPrivate: false))
        #expect(WebhookRules.permits(.loopback, allowPrivate: true))
        #expect(WebhookRules.permits(.private, allowPrivate: true))
        #expect(!WebhookRules.permits(.metadata, allowPrivate: true))
    }

    static let urls: [(String, Bool, Bool)] = [
        // url, allowPrivate, accepted
        ("https://hooks.example.com/aftercare", false, true),
        ("https://hooks.example.com:8443/a?b=c", false, true),
        ("https://8.8.8.8/hook", false, true),
        ("https://[2606:4700:4700::1111]/hook", false, true),
        ("http://hooks.example.com/aftercare", false, false),
        ("http://hooks.example.com/aftercare", true, true),
        ("https://127.0.0.1/hook", false, false),
        ("http://127.0.0.1:8080/hook", true, true),
        ("https://[::1]/hook", false, false),
        ("https://[::ffff:127.0.0.1]/hook", false, false),
        ("https://10.0.0.5/hook", false, false),
        ("https://169.254.169.254/latest/meta-data", true, false),
        ("https://127.1/hook", true, false),
        ("https://2130706433/hook", false, false),
        ("https://0x7f.0.0.1/hook", false, false),
        ("https://user:pass@hooks.example.com/", false, false),
        ("ftp://hooks.example.com/", true, false),
        ("file:///etc/passwd", true, false),
        ("hooks.example.com/aftercare", false, false),
        ("https:///nohost", false, false),
        ("https://hooks.example.com/a b", false, false),
        ("", false, false),
        ("https://localhost/hook", false, true),
    ]

    @Test("webhook URLs: https with a host, no credentials, public literal addresses", arguments: urls)
    func urlValidation(url: String, allowPrivate: Bool, accepted: Bool) {
        // when
        let problem = WebhookRules.urlProblem(url, allowPrivate: allowPrivate)
        // then
        #expect((problem == nil) == accepted, "\(url) allowPrivate=\(allowPrivate): \(String(describing: problem))")
    }

    @Test("a URL longer than 2,000 characters is refused as too long")
    func urlTooLong() {
        // given
        let url = "https://hooks.example.com/" + String(repeating: "a", count: 2000)
        // when
        let problem = WebhookRules.urlProblem(url, allowPrivate: false)
        // then
        #expect(problem == .tooLong(max: 2000))
    }

    @Test("the host of a URL loses its brackets and case")
    func host() {
        #expect(WebhookRules.host(of: "https://[::1]:8443/x") == "::1")
        #expect(WebhookRules.host(of: "https://Hooks.Example.COM/x") == "hooks.example.com")
        #expect(WebhookRules.host(of: "not a url") == nil)
    }

    @Test("retries at +1 min, 5 min, 30 min, 2 h and 12 h, then no more after the sixth attempt")
    func retrySchedule() {
        // given
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        // when
        let delays = (0...7).map { WebhookRules.nextAttempt(after: $0, from: start)?.timeIntervalSince(start) }
        // then
        #expect(delays == [0, 60, 300, 1800, 7200, 43200, nil, nil])
        #expect(WebhookRules.maxAttempts == 6)
    }

    @Test("the signed content is the timestamp, a dot and the body")
    func signedContent() {
        // when
        let content = WebhookRules.signedContent(timestamp: 1_700_000_000, body: Data("{}".utf8))
        // then
        #expect(String(decoding: content, as: UTF8.self) == "1700000000.{}")
    }

    @Test("event names travel as dotted names")
    func eventNames() {
        #expect(WebhookEvent.allowedValues == ["sla.warning", "sla.breached", "sla.escalated", "followUp.due"])
        #expect(WebhookEvent(rawValue: "sla.breached") == .slaBreached)
    }
}
