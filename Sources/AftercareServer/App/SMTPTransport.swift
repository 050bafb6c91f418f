import AftercareDomain
import AftercareStore
import Foundation
import NIOCore
import NIOPosix

/// sends the outbox to a mail server over SMTP (RFC 5321), as `AFTERCARE_SMTP_URL` names it:
/// `smtp://[user:password@]host[:port]` (port 25 by default). The usual deployment hands mail to the local mail
/// server (Postfix on 127.0.0.1), which queues it and relays it onward with TLS; credentials, when given, are sent
/// with `AUTH PLAIN` and only to a loopback server. One connection per message; 30 seconds in all.
/// A 5xx answer refuses the message for good (`MailRefused`), anything else is tried again by the sweep.
struct SMTPTransport: MailTransport {
    let host: String
    let port: Int
    let user: String?
    let password: String?
    /// The name we greet the server with (`EHLO`).
    let heloName: String
    var timeout: TimeAmount = .seconds(30)

    /// The settings of `smtp://…`, or a reason it cannot be used.
    static func parse(_ text: String, heloName: String) -> Result<SMTPTransport, AppConfig.Invalid> {
        let invalid = AppConfig.Invalid(
            name: "AFTERCARE_SMTP_URL", reason: "must be smtp://[user:password@]host[:port], e.g. smtp://127.0.0.1:25")
        guard let url = URL(string: text), url.scheme?.lowercased() == "smtp", let host = url.host, !host.isEmpty
        else { return .failure(invalid) }
        let port = url.port ?? 25
        guard (1...65_535).contains(port) else { return .failure(invalid) }
        let user = url.user?.removingPercentEncoding
        if user != nil, !["127.0.0.1", "::1", "localhost"].contains(host.lowercased()) {
            return .failure(
                AppConfig.Invalid(
                    name: "AFTERCARE_SMTP_URL",
                    reason: "may carry a user and password only for a mail server on this machine (127.0.0.1)"))
        }
        return .success(
            SMTPTransport(
                host: host, port: port, user: user, password: url.password?.removingPercentEncoding,
                heloName: heloName))
    }

    func send(from: String, to: String, message: [UInt8]) async throws {
        for address in [from, to] where address.contains(where: { $0 == "\r" || $0 == "\n" || $0 == ">" }) {
            throw MailRefused("the address \(address.debugDescription) is not one")
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.converse(from: from, to: to, message: message) }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(self.timeout.nanoseconds))
                throw SMTPFailure("no answer from the mail server within \(self.timeout.nanoseconds / 1_000_000_000) s")
            }
            try await group.next()
            group.cancelAll()
        }
    }

    func converse(from: String, to: String, message: [UInt8]) async throws {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPLineDecoder()))
                    return try NIOAsyncChannel<String, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            var lines = inbound.makeAsyncIterator()
            func reply() async throws -> (code: Int, text: String) {
                var text: [String] = []
                while let line = try await lines.next() {
                    text.append(line)
                    let bytes = Array(line.utf8)
                    // "250-…" continues, "250 …" (or a bare code) ends the reply.
                    if bytes.count < 4 || bytes[3] != UInt8(ascii: "-") {
                        guard let code = Int(line.prefix(3)) else { throw SMTPFailure("not SMTP: \(line.prefix(80))") }
                        return (code, text.joined(separator: " "))
                    }
                }
                throw SMTPFailure("the mail server closed the connection")
            }
            func expect(_ wanted: ClosedRange<Int>, after command: String) async throws -> String {
                let answer = try await reply()
                guard wanted.contains(answer.code) else {
                    let what = "\(command) answered \(answer.text.prefix(200))"
                    if (500..<600).contains(answer.code) { throw MailRefused(what) }
                    throw SMTPFailure(what)
                }
                return answer.text
            }
            func say(_ command: String) async throws {
                try await outbound.write(ByteBuffer(string: command + "\r\n"))
            }
            _ = try await expect(200...299, after: "the greeting")
            try await say("EHLO \(heloName)")
            let features = try await expect(200...299, after: "EHLO")
            if let user, let password {
                guard features.uppercased().contains("AUTH") else { throw MailRefused("the server offers no AUTH") }
                let token = Data(([0] + Array(user.utf8) + [0] + Array(password.utf8))).base64EncodedString()
                try await say("AUTH PLAIN \(token)")
                _ = try await expect(200...299, after: "AUTH")
            }
            try await say("MAIL FROM:<\(from)>")
            _ = try await expect(200...299, after: "MAIL FROM")
            try await say("RCPT TO:<\(to)>")
            _ = try await expect(200...299, after: "RCPT TO")
            try await say("DATA")
            _ = try await expect(300...399, after: "DATA")
            try await outbound.write(ByteBuffer(bytes: Self.dotStuffed(message)))
            _ = try await expect(200...299, after: "the message")
            try? await say("QUIT")
        }
    }

    /// The message as DATA carries it: CRLF line ends, a dot doubled at the start of a line, and the final
    /// `CRLF . CRLF`.
    static func dotStuffed(_ message: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(message.count + message.count / 50 + 5)
        var lineStart = true
        var previous: UInt8 = 0
        for byte in message {
            if byte == UInt8(ascii: "\n") && previous != UInt8(ascii: "\r") { out.append(UInt8(ascii: "\r")) }
            if lineStart && byte == UInt8(ascii: ".") { out.append(UInt8(ascii: ".")) }
            out.append(byte)
            lineStart = byte == UInt8(ascii: "\n")
            previous = byte
        }
        if !lineStart { out += [13, 10] }
        out += Array(".\r\n".utf8)
        return out
    }
}

/// The mail server could not take the message now; the sweep tries again.
struct SMTPFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Splits what the server says into lines (without CR LF); a line longer than 4 KiB is an error.
struct SMTPLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let end = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > 4096 { throw SMTPFailure("an answer line longer than 4 KiB") }
            return .needMoreData
        }
        let length = end - buffer.readerIndex
        var line = buffer.readString(length: length) ?? ""
        buffer.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }
}
