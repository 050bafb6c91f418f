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
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        response.headers.replaceOrAdd(
            name: "Content-Security-Policy",
            value:
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'"
        )
        return response
    }
}
