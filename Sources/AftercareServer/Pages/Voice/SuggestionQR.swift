import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension SuggestionPages {
    /// the printable sheet of QR codes, one card per active branch and outlet the caller sees: the unit's
    /// name, its public link (`/suggest?unit=…`) and the code that opens it, to put up where customers wait. The
    /// link's base is this server as the browser reached it (`Host`, and https when the request came through TLS).
    /// `?lang=` prints the cards in another language, like the other print forms.
    @Sendable func qrSheet(_ req: Request) async throws -> Response {
        req.usePrintLanguage()
        let units = try await Suggestions(req.store).qrUnits()
        let base = Self.baseURL(host: req.headers.first(name: .host), secure: req.isSecure)
        let model = Self.qrModel(QRData(units: units, base: base, now: req.store.now), req.localizer)
        return try await PageRenderer.render("suggestion-qr", title: "suggestions.qrTitle", model, for: req)
    }
}
