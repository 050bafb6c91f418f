import AftercareStore
import Foundation
import Vapor

/// Addresses handed to people outside the server: a survey invitation's link, a branch's suggestion form behind its
/// QR code. `AFTERCARE_PUBLIC_URL` (e.g. `https://service.example.com`) names the server as customers reach it; without
/// it, the address the caller used (its Host header, https when the request came through TLS or a trusted proxy).
enum PublicLink {
    static func absolute(_ req: Request, _ path: String) -> String {
        if let base = Environment.get("AFTERCARE_PUBLIC_URL")?.trimmingCharacters(in: .whitespaces), !base.isEmpty {
            return base.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + path
        }
        let host = req.headers.first(name: .host).flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        return (req.isSecure ? "https://" : "http://") + host + path
    }

    /// the token of an invitation's link: its id, signed by the server (nothing secret is stored; the store
    /// decides whether the invitation can still be answered).
    static func surveyToken(_ req: Request, invitationId: Int) -> String {
        req.authSettings.signing.sign("\(invitationId)", purpose: "survey")
    }

    /// The invitation a token names, when this server signed it.
    static func surveyInvitation(_ req: Request, token: String) -> Int? {
        req.authSettings.signing.verify(token, purpose: "survey").flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }
    }

    /// The page a customer answers an invitation on, without an account.
    static func survey(_ req: Request, invitationId: Int) -> String {
        absolute(req, "/s/" + surveyToken(req, invitationId: invitationId))
    }
}
