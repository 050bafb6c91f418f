import AftercareDomain
import AftercareStore
import Foundation

extension SuggestionPages {
    /// What the QR sheet shows: the units and the address the links start with.
    struct QRData {
        var units: [SuggestionUnitView]
        /// `https://service.example.com`, without a trailing slash.
        var base: String
        var now: Date
    }

    struct QRModel: Encodable {
        struct Card: Encodable {
            /// The element's id, for the browser tests (`qr-card-<code>`).
            var element: String
            var name: String
            var kind: String
            var link: String
            /// The QR code of `link` as an image address (`data:image/svg+xml;base64,…`).
            var image: String
            var imageAlt: String
        }

        var cards: [Card]
        var printedAt: String
    }

    /// The server's address as the browser reached it. The Host header is the client's word: only a plain
    /// `host[:port]` is echoed into a printed link; anything else gives the local default.
    static func baseURL(host sent: String?, secure: Bool) -> String {
        let sent = sent ?? ""
        let plain =
            !sent.isEmpty && sent.count <= 255
            && sent.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || ".-:[]".unicodeScalars.contains($0))
            }
        return (secure ? "https" : "http") + "://" + (plain ? sent.lowercased() : "127.0.0.1:8080")
    }

    /// the public suggestion form of one unit.
    static func publicLink(base: String, unitId: Int) -> String { base + "/suggest?unit=\(unitId)" }

    /// The QR code of `text` as an image address. Leaf escapes what it prints, so the SVG travels base64-encoded
    /// in an `<img>` (the pages' Content-Security-Policy allows `img-src data:`); an image needs the SVG namespace.
    static func qrImage(_ text: String) -> String {
        var svg = QRCode.svg(text, moduleSize: 4)
        if !svg.contains("xmlns="), let open = svg.range(of: "<svg") {
            svg.replaceSubrange(open, with: "<svg xmlns=\"http://www.w3.org/2000/svg\"")
        }
        return "data:image/svg+xml;base64," + Data(svg.utf8).base64EncodedString()
    }

    /// the sheet in the reader's language: one card per unit with its name, kind, link and code.
    static func qrModel(_ data: QRData, _ l: Localizer) -> QRModel {
        QRModel(
            cards: data.units.map { unit in
                let link = publicLink(base: data.base, unitId: unit.id)
                return QRModel.Card(
                    element: "qr-card-" + unit.code.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") },
                    name: unit.name, kind: l.t("suggestions.unitKind.\(unit.kind.rawValue)"), link: link,
                    image: qrImage(link),
                    imageAlt: l.t("suggestions.qrAlt").replacingOccurrences(of: "{unit}", with: unit.name))
            }, printedAt: l.dateTime(data.now))
    }
}
