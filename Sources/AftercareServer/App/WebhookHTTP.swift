import AftercareDomain
import AftercareStore
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import Vapor

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// sends webhook deliveries over HTTP(S), refusing targets that are not public (SSRF).
///
/// Each delivery resolves the URL's host itself and refuses it when any address is not public (loopback,
/// private, link-local, unique-local, CGNAT, multicast, unspecified …) unless the webhook has `allowPrivate`; the
/// cloud metadata address is refused always. The connection then goes to the address that was checked (the
/// client's DNS override, with TLS still verified and SNI sent for the host name), so a name that resolves
/// differently a moment later (DNS rebinding) cannot redirect it. Redirects are not followed; 10 seconds in all;
/// at most a few kilobytes of the answer are read. Neither the secret nor the body is logged.
struct WebhookHTTPTransport: WebhookTransport {
    let eventLoopGroup: any EventLoopGroup
    var timeout: TimeAmount = .seconds(10)
    var maxResponseBytes = 4096

    init(eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.eventLoopGroup = eventLoopGroup
    }

    func send(url: String, headers: [(String, String)], body: Data, allowPrivate: Bool) async throws -> Int {
        if let problem = WebhookRules.urlProblem(url, allowPrivate: allowPrivate) {
            throw WebhookTargetRefused("the URL \(problem.message)")
        }
        guard let host = WebhookRules.host(of: url) else { throw WebhookTargetRefused("the URL has no host") }
        let literal = WebhookRules.classify(host) != nil
        let addresses = literal ? [host] : try await Self.resolve(host)
        guard !addresses.isEmpty else { throw WebhookUnreachable("\(host) has no address") }
        for address in addresses {
            let kind = WebhookRules.classify(address) ?? .reserved
            guard WebhookRules.permits(kind, allowPrivate: allowPrivate) else {
                let shown = literal ? host : "\(host) resolves to \(address), which"
                throw WebhookTargetRefused(
                    kind == .metadata
                        ? "\(shown) is the cloud metadata address"
                        : "\(shown) is a \(kind.rawValue) address; only an administrator can allow private addresses "
                            + "for this webhook (allowPrivate)")
            }
        }
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: timeout, read: timeout),
            decompression: .disabled)
        if !literal {
            // Connect to the address checked above: IPv4 first, as most receivers listen there.
            let pinned = addresses.first(where: { !$0.contains(":") }) ?? addresses[0]
            configuration.dnsOverride = [host: pinned]
        }
        let client = HTTPClient(eventLoopGroup: eventLoopGroup, configuration: configuration)
        do {
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            request.headers.replaceOrAdd(name: "User-Agent", value: "Aftercare-Webhooks/1")
            request.body = .bytes(ByteBuffer(data: body))
            let response = try await client.execute(request, timeout: timeout)
            var read = 0
            for try await chunk in response.body {
                read += chunk.readableBytes
                if read >= maxResponseBytes { break }
            }
            try await client.shutdown()
            return Int(response.status.code)
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// The addresses of a host name, as text, from the system resolver (on a thread of the pool: it blocks).
    static func resolve(_ host: String) async throws -> [String] {
        try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            #if canImport(Darwin)
                hints.ai_socktype = SOCK_STREAM
            #else
                hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            #endif
            var list: UnsafeMutablePointer<addrinfo>?
            let status = getaddrinfo(host, nil, &hints, &list)
            guard status == 0, let first = list else {
                throw WebhookUnreachable("\(host) could not be resolved")
            }
            defer { freeaddrinfo(first) }
            var addresses: [String] = []
            var next: UnsafeMutablePointer<addrinfo>? = first
            while let entry = next?.pointee {
                next = entry.ai_next
                guard let address = entry.ai_addr else { continue }
                var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
                var text: String?
                if entry.ai_family == AF_INET {
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                        var raw = sin.pointee.sin_addr
                        if inet_ntop(AF_INET, &raw, &buffer, socklen_t(buffer.count)) != nil {
                            text = String(
                                decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self
                            )
                        }
                    }
                } else if entry.ai_family == AF_INET6 {
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
                        var raw = sin6.pointee.sin6_addr
                        if inet_ntop(AF_INET6, &raw, &buffer, socklen_t(buffer.count)) != nil {
                            text = String(
                                decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self
                            )
                        }
                    }
                }
                if let text, !addresses.contains(text) { addresses.append(text) }
            }
            return addresses
        }
    }
}

/// A delivery could not reach its receiver (no address, resolution failed): retried on the schedule.
struct WebhookUnreachable: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

extension Application {
    /// the webhook delivery sweep on this application's store, sending over HTTP(S).
    /// Run it as `try await app.webhookDeliverySweep.run(now: Date(), limit: 100)`; it is safe to run on several
    /// instances at once and again at any time.
    var webhookDeliverySweep: WebhookDeliverySweep {
        WebhookDeliverySweep(
            store: store, transport: WebhookHTTPTransport(eventLoopGroup: eventLoopGroup),
            logger: Logger(label: "aftercare.webhooks"))
    }
}
