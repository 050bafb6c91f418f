import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// what keeps robots off the forms anyone may post without an account (a complaint, a suggestion),
/// without third parties: a field people do not see (`website`) that only robots fill, a signed form time (not sent
/// in under three seconds, nor after two hours), and a limit of submissions per address (`PublicForms.admit`). The
/// pages carry the pre-sign-in CSRF token like the sign-in page. An area names its refusals under its own prefix:
/// `<prefix>.error.invalid`, `.expired`, `.tooQuick` and `.limited` (with `{time}`).
enum PublicFormGuard {
    /// What the signed form time (`issued`) says of a post.
    enum Issued: Equatable {
        case accepted
        /// Missing, forged, or not a time.
        case invalid
        /// Given out more than `maximumAge` ago.
        case expired
        /// Sent less than `minimumAge` after the form was given out: no one writes that fast.
        case tooQuick
    }

    /// The purpose the form time is signed for: no other signed value of ours passes for it.
    static let purpose = "public-form"
    static let maximumAge: TimeInterval = 2 * 3600
    static let minimumAge: TimeInterval = 3

    /// The signed time of a form given out at `now`.
    static func issue(at now: Date, signing: SignedTokens) -> String {
        signing.sign(String(Int(now.timeIntervalSince1970)), purpose: purpose)
    }

    /// Checks the signed form time of a post at `now`.
    static func check(_ token: String?, at now: Date, signing: SignedTokens) -> Issued {
        guard let token, let payload = signing.verify(token, purpose: purpose), let seconds = Int(payload) else {
            return .invalid
        }
        let age = now.timeIntervalSince1970 - Double(seconds)
        if age > maximumAge { return .expired }
        if age < minimumAge { return .tooQuick }
        return .accepted
    }

    /// The refusal of a form time in the reader's language, attached to the `issued` field.
    static func refusal(_ issued: Issued, _ l: Localizer, prefix: String) -> FieldMessage? {
        let reason: String
        switch issued {
        case .accepted: return nil
        case .invalid: reason = "invalid"
        case .expired: reason = "expired"
        case .tooQuick: reason = "tooQuick"
        }
        return FieldMessage(field: "issued", label: "", message: l.t("\(prefix).error.\(reason)"))
    }

    /// What the screening of a post decided, before the store sees it.
    enum Screening {
        /// The hidden field was filled: answer as if accepted, write nothing.
        case robot
        /// The form again with this message and status: the form time (422) or the address over its limit (429).
        case refused(FieldMessage, HTTPStatus)
        /// Counted against the address's limit; the store checks and records it.
        case admitted
    }

    /// Screens a post of a public form, in this order: the hidden field, the signed form time, the address's limit
    /// (each admitted post counts). `what` names the form in the log.
    static func screen(_ req: Request, _ form: FormReader, prefix: String, what: String) async throws -> Screening {
        if form.string("website") != nil {
            req.logger.notice("public \(what) refused: the hidden field was filled")
            return .robot
        }
        let l = req.localizer
        let now = req.store.now
        if let refusal = Self.refusal(
            Self.check(form.string("issued"), at: now, signing: req.authSettings.signing), l, prefix: prefix)
        {
            req.logger.notice("public \(what) refused: the form time was missing, forged, too old or too young")
            return .refused(refusal, .unprocessableEntity)
        }
        do {
            try await PublicForms.admit(address: req.clientAddress, at: now, in: req.store)
        } catch let limited as PublicFormLimited {
            req.logger.notice("public \(what) refused: too many from one address")
            let message = l.t("\(prefix).error.limited").replacingOccurrences(
                of: "{time}", with: l.dateTime(limited.until))
            return .refused(FieldMessage(field: "form", label: "", message: message), .tooManyRequests)
        }
        return .admitted
    }
}
