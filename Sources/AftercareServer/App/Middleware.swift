import AftercareDomain
import Foundation
import Vapor

/// One log line per request: method, the route's pattern (never the path, which may hold a reset token), status,
/// time and user. Bodies, cookies, tokens and phone numbers never reach the log.
struct RequestLogMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next.respond(to: request)
        let elapsed = ContinuousClock.now - started
        let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        let pattern = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "(no route)"
        request.logger.info(
            "\(request.method.rawValue) \(pattern) \(response.status.code)",
            metadata: [
                "ms": .string(String(format: "%.1f", ms)),
                "user": .string(request.principal?.username ?? "-"),
            ])
        return response
    }
}

/// Headers every response carries: no sniffing, no framing, no referrer leaving the site, scripts and styles
/// only from here.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        // Every redirect goes to a path of this site; a Location that is not one never leaves.
        if let location = response.headers.first(name: .location), !LocalRedirect.isSafe(location) {
            request.logger.warning("unsafe redirect target replaced")
            response.headers.replaceOrAdd(name: .location, value: "/")
        }
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        // A response with a stricter policy of its own (a kept file: nothing may run) keeps it.
        if !response.headers.contains(name: "Content-Security-Policy") {
            response.headers.replaceOrAdd(
                name: "Content-Security-Policy",
                value:
                    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'"
            )
        }
        return response
    }
}

/// Static files: exactly the files `Public/` held at start-up, by their path; and limits on every path before anything
/// reads it: a path over 2,048 bytes answers 414, a segment over 255 bytes, a NUL or another control character 404.
/// No other path reaches the file system (a long name, or a file's name used as a folder, made it throw, and
/// the request answered 500).
struct StaticFilesMiddleware: AsyncMiddleware {
    static let maximumPath = 2048
    static let maximumSegment = 255

    let files: FileMiddleware
    /// The files of `Public/` as request paths (`/css/app.css`).
    let served: Set<String>

    init(publicDirectory: String) {
        files = FileMiddleware(publicDirectory: publicDirectory)
        let root = URL(fileURLWithPath: publicDirectory).standardizedFileURL
        var served: Set<String> = []
        let walker = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
        while let url = walker?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let relative = url.standardizedFileURL.path.dropFirst(root.path.count)
            served.insert(relative.hasPrefix("/") ? String(relative) : "/" + relative)
        }
        self.served = served
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let path = request.url.path
        guard path.utf8.count <= Self.maximumPath else { throw Abort(.uriTooLong) }
        let decoded = path.removingPercentEncoding
        guard let decoded,
            !decoded.split(separator: "/").contains(where: { $0.utf8.count > Self.maximumSegment }),
            !decoded.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw Abort(.notFound) }
        if request.method == .GET || request.method == .HEAD, served.contains(decoded) {
            return try await files.respond(to: request, chainingTo: next)
        }
        return try await next.respond(to: request)
    }
}
