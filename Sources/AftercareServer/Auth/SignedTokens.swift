import AftercareStore
import Foundation
import Vapor

/// Values the server hands to a browser and later takes back only if it made them: the pre-sign-in CSRF token
/// and the known-device cookie. Each is `payload.mac`, the MAC an HMAC-SHA256 under the server's key
/// (`AFTERCARE_SECRET_KEY`, else a random key per process), so a value a client or a third party chose is
/// refused.
struct SignedTokens: Sendable {
    let key: SymmetricKey

    /// A token whose payload is `purpose|payload`-bound: a CSRF token is never a device cookie.
    func sign(_ payload: String, purpose: String) -> String {
        payload + "." + mac(payload, purpose: purpose)
    }

    /// The payload of a token this key signed for `purpose`, or `nil`.
    func verify(_ token: String, purpose: String) -> String? {
        guard token.count <= 300, let dot = token.lastIndex(of: ".") else { return nil }
        let payload = String(token[..<dot])
        let expected = mac(payload, purpose: purpose)
        return CSRF.constantTimeEqual(String(token[token.index(after: dot)...]), expected) ? payload : nil
    }

    func mac(_ payload: String, purpose: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data((purpose + "|" + payload).utf8), using: key)
        return Data(code).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// How long a pre-sign-in CSRF token is good for (its cookie lives as long).
    static let csrfLifetime: TimeInterval = 12 * 3600

    /// A fresh pre-sign-in CSRF token: a random nonce and the time it was made, signed.
    func makeCSRF(now: Date) -> String {
        sign(Secret.make().text + "~" + String(Int(now.timeIntervalSince1970)), purpose: "csrf")
    }

    /// Whether `token` is a CSRF token this key made in the last twelve hours.
    func isCSRF(_ token: String, now: Date) -> Bool {
        guard let payload = verify(token, purpose: "csrf"),
            let made = payload.split(separator: "~").last.flatMap({ Int($0) })
        else { return false }
        let age = now.timeIntervalSince1970 - Double(made)
        return age >= -60 && age <= Self.csrfLifetime
    }

    /// How long a browser counts as known to an account after a sign-in from it.
    static let deviceLifetime: TimeInterval = 90 * 86400

    /// The known-device cookie for `userId`, valid until `expires`.
    func device(userId: Int, expires: Date) -> String {
        sign("\(userId)-\(Int(expires.timeIntervalSince1970))", purpose: "device")
    }

    /// The account a device cookie vouches for, when it is ours and not expired.
    func deviceUser(_ cookie: String, now: Date) -> Int? {
        guard let payload = verify(cookie, purpose: "device") else { return nil }
        let parts = payload.split(separator: "-")
        guard parts.count == 2, let user = Int(parts[0]), let expires = Int(parts[1]),
            Double(expires) > now.timeIntervalSince1970
        else { return nil }
        return user
    }
}
