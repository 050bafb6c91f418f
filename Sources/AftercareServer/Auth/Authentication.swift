import AftercareDomain
import AftercareStore
import Foundation
import NIOPosix
import Vapor

/// bcrypt on the thread pool, so that a sign-in never blocks an event loop.
struct BcryptPasswords: AftercareStore.PasswordHasher {
    let cost: Int
    let pool: NIOThreadPool

    func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await pool.runIfActive { try Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, against hash: String) async throws -> Bool {
        try await pool.runIfActive { (try? Bcrypt.verify(password, created: hash)) ?? false }
    }
}

/// What a route requires of its caller. Every route declares one (see `Route.requires`); a route without one
/// is refused to everybody, and the authorization matrix test fails.
enum Access: Sendable, Equatable, Hashable {
    /// Anyone, signed in or not: the sign-in page, health, the API description, reset links.
    case open
    /// Any signed-in user: home, sign out, their own password, language and tokens.
    case signedIn
    /// A signed-in user whose roles allow this action.
    case action(Action)
}

extension Route {
    static let accessKey = "access"

    /// Declares what the route requires; `AccessMiddleware` enforces it.
    @discardableResult
    func requires(_ access: Access) -> Route {
        userInfo[Self.accessKey] = access
        return self
    }

    var access: Access? { userInfo[Self.accessKey] as? Access }

    /// The largest body this route reads (a form with files); the application's default otherwise. Register the
    /// route with `body: .collect(maxSize:)` of the same size.
    @discardableResult
    func accepts(upTo bytes: Int) -> Route {
        userInfo["maxBody"] = bytes
        return self
    }

    var maxBody: Int? { userInfo["maxBody"] as? Int }
}

struct PrincipalKey: StorageKey {
    typealias Value = Principal
}

struct AuthSettingsKey: StorageKey {
    typealias Value = AuthSettings
}

/// The authentication settings of the application, built once by `configure`.
struct AuthSettings: Sendable {
    var hasher: any AftercareStore.PasswordHasher
    /// Mark cookies `Secure` (the server is behind TLS).
    var secureCookies: Bool
    /// The reverse proxies whose forwarding headers are believed.
    var trustedProxies = TrustedProxies()
    /// Signs pre-sign-in CSRF tokens and known-device cookies.
    var signing = SignedTokens(key: SymmetricKey(size: .bits256))
}

/// The cookies' base names. Over TLS each is sent as `__Host-` + name (see `Request.cookieName`), which a browser
/// accepts only from this exact host, Secure, on path `/`: no sibling subdomain can plant or overwrite it.
enum Cookies {
    static let session = "aftercare_session"
    /// The double-submit token of forms shown before signing in (sign-in, reset, language), signed by the server.
    static let csrf = "aftercare_csrf"
    static let language = "aftercare_lang"
    /// A browser that has signed in to an account before (see `Accounts.signIn`).
    static let device = "aftercare_device"
}

extension Request {
    /// The signed-in person, if any.
    var principal: Principal? {
        get { storage[PrincipalKey.self] }
        set { storage[PrincipalKey.self] = newValue }
    }

    /// The signed-in person, for routes that require one (`AccessMiddleware` has checked).
    func requirePrincipal() throws -> Principal {
        guard let principal else {
            throw APIError(status: .unauthorized, code: "unauthenticated", message: "sign in or send a token")
        }
        return principal
    }

    var accounts: Accounts {
        Accounts(store, hasher: application.storage[AuthSettingsKey.self]!.hasher)
    }

    var authSettings: AuthSettings { application.storage[AuthSettingsKey.self]! }

    /// Whether the request came through TLS: configured so, or said so by a trusted proxy. (The request line's
    /// scheme is the client's word and is not read.)
    var isSecure: Bool {
        let settings = authSettings
        return settings.secureCookies
            || settings.trustedProxies.forwardedSecure(peer: remoteAddress?.ipAddress) { headers[$0] }
    }

    /// Where the request comes from, for throttling sign-ins and the log: the peer, or the client a trusted
    /// proxy names (`AFTERCARE_TRUSTED_PROXIES`, in `AFTERCARE_FORWARDED_HEADER`). Forwarding headers from anyone
    /// else are ignored.
    var clientAddress: String {
        authSettings.trustedProxies.clientAddress(peer: remoteAddress?.ipAddress) { headers[$0] } ?? "unknown"
    }

    /// The API, the health check, the API description and the typeahead speak JSON (errors, 401s); pages speak
    /// HTML (error pages, redirects to sign in).
    var speaksJSON: Bool {
        let path = url.path
        return path.hasPrefix("/api/") || path == "/healthz" || path == "/openapi.yaml" || path.hasPrefix("/lookup/")
    }

    /// A cookie's name on this request: `__Host-` + name over TLS.
    func cookieName(_ name: String) -> String { isSecure ? "__Host-" + name : name }

    /// The value of one of our cookies, by its base name.
    func cookieValue(_ name: String) -> String? { cookies[cookieName(name)]?.string }

    /// Sets one of our cookies on `response`: HttpOnly, SameSite=Lax, path `/`, no domain, Secure behind TLS.
    func setCookie(_ name: String, _ value: String, maxAge: Int?, on response: Response) {
        response.cookies[cookieName(name)] = HTTPCookies.Value(
            string: value, expires: nil, maxAge: maxAge, domain: nil, path: "/", isSecure: isSecure, isHTTPOnly: true,
            sameSite: .lax)
    }
}

/// Reads the caller from a bearer token (`Authorization: Bearer act_…`) or the session cookie.
struct AuthenticateMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let bearer = request.headers.bearerAuthorization?.token {
            // A token that is wrong answers 401 at once, even on open routes: a client sending one expects it to work.
            guard let principal = try await request.accounts.principal(accessToken: bearer) else {
                throw APIError(
                    status: .unauthorized, code: "invalid_token", message: "the token is unknown, expired or revoked")
            }
            request.principal = principal
        } else if let session = request.cookieValue(Cookies.session), !session.isEmpty {
            request.principal = try await request.accounts.principal(sessionToken: session)
        }
        return try await next.respond(to: request)
    }
}

/// enforces each route's `Access`, and CSRF tokens on every state change made with a cookie.
struct AccessMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let access = request.route?.access
        let unsafe = ![.GET, .HEAD, .OPTIONS].contains(request.method)
        switch access {
        case .open:
            break
        case .signedIn, .action:
            guard let principal = request.principal else {
                if request.speaksJSON {
                    throw APIError(status: .unauthorized, code: "unauthenticated", message: "sign in or send a token")
                }
                let next = request.method == .GET ? request.url.string : "/"
                return request.redirect(
                    to: "/login?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"))
            }
            if case .action(let action) = access, !principal.may(action) {
                throw Forbidden(action: action)
            }
        case nil:
            throw Forbidden(action: nil)
        }
        if unsafe {
            try await CSRF.check(request)
        }
        return try await next.respond(to: request)
    }
}

/// The caller's roles do not allow what the route does.
struct Forbidden: Error {
    var action: Action?
}

/// Cross-site request forgery tokens: the session's own token once signed in; before, a double-submit cookie
/// whose value the server made and signed (a cookie planted with a value of the attacker's choosing is refused).
enum CSRF {
    static let field = "_csrf"
    static let header = "X-CSRF-Token"

    /// The token a form of this request must carry, setting the pre-sign-in cookie on `response` if needed.
    static func token(for request: Request) -> String {
        if let token = request.principal?.csrfToken { return token }
        if let existing = request.cookieValue(Cookies.csrf), request.authSettings.signing.isCSRF(existing, now: Date())
        {
            return existing
        }
        if let made = request.storage[FreshCSRFKey.self] { return made }
        let made = request.authSettings.signing.makeCSRF(now: Date())
        request.storage[FreshCSRFKey.self] = made
        return made
    }

    /// Sets the double-submit cookie when this request made a new token.
    static func attach(to response: Response, for request: Request) {
        if let made = request.storage[FreshCSRFKey.self] {
            request.setCookie(Cookies.csrf, made, maxAge: Int(SignedTokens.csrfLifetime), on: response)
        }
    }

    /// Refuses a state change whose token is missing or wrong. API calls with a bearer token need none.
    static func check(_ request: Request) async throws {
        if request.principal?.tokenId != nil { return }
        let sent: String?
        if let header = request.headers.first(name: header) {
            sent = header
        } else if request.headers.contentType == .urlEncodedForm || request.headers.contentType == .formData {
            // A form with files may still be arriving: read it whole (up to the route's limit) to find the token.
            if request.body.data == nil {
                let limit = request.route?.maxBody ?? request.application.routes.defaultMaxBodySize.value
                _ = try await request.body.collect(max: limit).get()
            }
            sent = try? request.content.get(String.self, at: field)
        } else {
            sent = nil
        }
        let expected: String?
        if let principal = request.principal {
            expected = principal.csrfToken
        } else if request.speaksJSON {
            // An API call without a token or session: the access check has already answered what it needed.
            return
        } else {
            // Before sign-in the double-submit cookie could have been planted (a sibling subdomain, plain HTTP) with
            // a token this server made for someone else; the browser's own word on where the form came from is
            // asked first.
            guard isSameOrigin(request) else { throw CSRFRefused() }
            expected = request.cookieValue(Cookies.csrf).flatMap {
                request.authSettings.signing.isCSRF($0, now: Date()) ? $0 : nil
            }
        }
        guard let sent, let expected, !expected.isEmpty, constantTimeEqual(sent, expected) else {
            throw CSRFRefused()
        }
    }

    /// Whether the browser says the form was posted from this site: `Sec-Fetch-Site` where the browser sends it
    /// (every current one does), else `Origin` against `Host`. A request with neither (not a browser) passes on to
    /// the token check.
    static func isSameOrigin(_ request: Request) -> Bool {
        if let site = request.headers.first(name: "Sec-Fetch-Site")?.lowercased() {
            return site == "same-origin" || site == "none"
        }
        guard let origin = request.headers.first(name: .origin) else { return true }
        guard let url = URL(string: origin), let host = url.host, let sent = request.headers.first(name: .host) else {
            return false
        }
        let port = url.port.map { ":\($0)" } ?? ""
        return (host + port).lowercased() == sent.lowercased() || host.lowercased() == sent.lowercased()
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in x.indices { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}

struct FreshCSRFKey: StorageKey {
    typealias Value = String
}

/// A state change without a valid CSRF token.
struct CSRFRefused: Error {}
