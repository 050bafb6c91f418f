import AftercareStore
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// `aftercare mailgate --url http://127.0.0.1:8080 [--token-file PATH]`, the command a mail server pipes each
/// incoming message into (as Request Tracker's `rt-mailgate` and osTicket's pipe are wired): it reads one message on
/// standard input and posts it, unchanged, to the server's gateway endpoint with the shared secret
/// (`AFTERCARE_MAILGATE_TOKEN`, or the first line of the token file). It opens no database, so the mail server's
/// unprivileged user can run it. Exit status, as mail servers read it (sysexits): 0 kept by the server; 75
/// (try again later) when the server is unreachable, answers 5xx, or the gateway is not configured; 65 when the
/// server refuses the message for good (too large); 64 on wrong usage.
enum Mailgate {
    static let usage = "usage: aftercare mailgate --url http://HOST:PORT [--token-file PATH] < message"

    static func run(_ arguments: [String]) async -> Int32 {
        func value(_ name: String) -> String? {
            guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
            return arguments[i + 1]
        }
        guard let base = value("--url"), let url = URL(string: base), url.scheme?.hasPrefix("http") == true else {
            return fail(64, usage)
        }
        var token = ProcessInfo.processInfo.environment["AFTERCARE_MAILGATE_TOKEN"]
        if let path = value("--token-file") {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                return fail(75, "mailgate: cannot read the token file \(path)")
            }
            token = text.split(whereSeparator: \.isNewline).first.map(String.init)
        }
        guard let token, !token.isEmpty else {
            return fail(75, "mailgate: no token (AFTERCARE_MAILGATE_TOKEN or --token-file)")
        }
        let message = FileHandle.standardInput.readDataToEndOfFile()
        guard message.count <= MailIntake.maxKeptBytes else {
            return fail(65, "mailgate: the message is larger than \(MailIntake.maxKeptBytes / 1_048_576) MB")
        }
        var request = HTTPClientRequest(url: base.trimmingSuffix("/") + "/api/v1/mail/inbound")
        request.method = .POST
        request.headers.add(name: MailgateController.tokenHeader, value: token)
        request.headers.add(name: "Content-Type", value: "message/rfc822")
        request.body = .bytes(ByteBuffer(data: message))
        // The HTTP client would keep retrying a refused connection until its deadline: a server that is down is
        // told at once, so that the mail server queues the message and tries again later.
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(5))
                .connect(host: url.host ?? "127.0.0.1", port: url.port ?? (url.scheme == "https" ? 443 : 80)).get()
            try? await channel.close()
        } catch {
            return fail(75, "mailgate: the server could not be reached (\(error))")
        }
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
            let answer = try await response.body.collect(upTo: 64 * 1024)
            let text = String(buffer: answer)
            switch response.status.code {
            case 200..<300:
                print("mailgate: kept \(text)")
                return 0
            case 413: return fail(65, "mailgate: refused as too large")
            default: return fail(75, "mailgate: the server answered \(response.status.code) \(text.prefix(300))")
            }
        } catch {
            return fail(75, "mailgate: the server could not be reached (\(error))")
        }
    }

    static func fail(_ code: Int32, _ text: String) -> Int32 {
        FileHandle.standardError.write(Data((text + "\n").utf8))
        return code
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
