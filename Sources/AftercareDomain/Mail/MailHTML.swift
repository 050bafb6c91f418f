import Foundation

/// HTML bodies as plain text, for messages that have no text/plain part.
enum MailHTML {
    /// The readable text of `html`: tags dropped (with the contents of `script`, `style` and `title`), comments
    /// dropped, entities decoded, whitespace collapsed outside `pre`; `br` and block elements such as `p`, `div`,
    /// `li` and `tr` become line breaks, and `blockquote` lines are prefixed with `> `.
    static func text(_ html: String) -> String {
        var reader = Reader(scalars: Array(html.unicodeScalars))
        return reader.run()
    }

    private struct Reader {
        let scalars: [Unicode.Scalar]
        var index = 0
        var output = String.UnicodeScalarView()
        /// Whether the last character written is a line break, or nothing was written yet.
        var atLineStart = true
        var pendingSpace = false
        var pendingBreaks = 0
        var quoteDepth = 0
        var preDepth = 0

        init(scalars: [Unicode.Scalar]) {
            self.scalars = scalars
        }

        mutating func run() -> String {
            while index < scalars.count {
                let scalar = scalars[index]
                switch scalar {
                case "<": tag()
                case "&": entity()
                case "\n" where preDepth > 0:
                    pendingBreaks += 1
                    index += 1
                case " ", "\t", "\n", "\r", "\u{0C}":
                    if preDepth > 0, scalar != "\r" { emit(" ") } else { pendingSpace = true }
                    index += 1
                default:
                    emit(scalar)
                    index += 1
                }
            }
            return MailText.trimmed(String(output))
        }

        /// Writes a visible character, after the line breaks or the space waiting before it.
        mutating func emit(_ scalar: Unicode.Scalar) {
            if pendingBreaks > 0, !output.isEmpty {
                for _ in 0..<min(pendingBreaks, 2) { output.append("\n") }
                atLineStart = true
            }
            if atLineStart {
                for _ in 0..<quoteDepth { output.append(">") }
                if quoteDepth > 0 { output.append(" ") }
            } else if pendingSpace {
                output.append(" ")
            }
            pendingBreaks = 0
            pendingSpace = false
            output.append(scalar)
            atLineStart = false
        }

        mutating func lineBreak(_ count: Int) {
            pendingBreaks = max(pendingBreaks, count)
            pendingSpace = false
        }

        mutating func tag() {
            let start = index
            index += 1
            guard index < scalars.count else {
                emit("<")
                return
            }
            if scalars[index] == "!" {
                if matches("!--", at: index) {
                    index = find("-->", from: index + 3).map { $0 + 3 } ?? scalars.count
                } else {
                    index = find(">", from: index).map { $0 + 1 } ?? scalars.count
                }
                return
            }
            if scalars[index] == "?" {
                index = find(">", from: index).map { $0 + 1 } ?? scalars.count
                return
            }
            var closing = false
            if scalars[index] == "/" {
                closing = true
                index += 1
            }
            var name = ""
            while index < scalars.count, isLetter(scalars[index]) || ("0"..."9").contains(scalars[index]) {
                name.unicodeScalars.append(scalars[index])
                index += 1
            }
            guard !name.isEmpty else {
                index = start + 1
                emit("<")
                return
            }
            // Attributes: up to the closing `>`, outside quotes.
            var quote: Unicode.Scalar?
            while index < scalars.count {
                let scalar = scalars[index]
                index += 1
                if let open = quote {
                    if scalar == open { quote = nil }
                } else if scalar == "\"" || scalar == "'" {
                    quote = scalar
                } else if scalar == ">" {
                    break
                }
            }
            apply(name.lowercased(), closing: closing)
        }

        mutating func apply(_ name: String, closing: Bool) {
            switch name {
            case "script", "style", "title":
                if !closing { skipContents(of: name) }
            case "br": lineBreak(1)
            case "p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "dl":
                lineBreak(2)
            case "div", "tr", "dt", "dd", "hr", "section", "article", "header", "footer", "address", "center",
                "form", "fieldset", "figure", "caption", "tbody", "thead", "tfoot":
                lineBreak(1)
            case "li":
                lineBreak(1)
                if !closing {
                    emit("-")
                    pendingSpace = true
                }
            case "td", "th": pendingSpace = true
            case "blockquote":
                lineBreak(1)
                quoteDepth = max(0, quoteDepth + (closing ? -1 : 1))
            case "pre":
                lineBreak(1)
                preDepth = max(0, preDepth + (closing ? -1 : 1))
            default: break
            }
        }

        /// Skips to after `</name>`, or to the end.
        mutating func skipContents(of name: String) {
            let closing = Array("</\(name)".unicodeScalars)
            while index < scalars.count {
                if scalars[index] == "<", matchesIgnoringCase(closing, at: index) {
                    index = find(">", from: index).map { $0 + 1 } ?? scalars.count
                    return
                }
                index += 1
            }
        }

        mutating func entity() {
            let start = index
            index += 1
            if index < scalars.count, scalars[index] == "#" {
                index += 1
                var hex = false
                if index < scalars.count, scalars[index] == "x" || scalars[index] == "X" {
                    hex = true
                    index += 1
                }
                var digits = ""
                while index < scalars.count, digits.count < 8,
                    hex ? scalars[index].properties.isASCIIHexDigit : ("0"..."9").contains(scalars[index])
                {
                    digits.unicodeScalars.append(scalars[index])
                    index += 1
                }
                guard let value = UInt32(digits, radix: hex ? 16 : 10) else {
                    index = start + 1
                    emit("&")
                    return
                }
                if index < scalars.count, scalars[index] == ";" { index += 1 }
                emit(numericScalar(value))
                return
            }
            var name = ""
            while index < scalars.count, name.count < 32,
                isLetter(scalars[index]) || ("0"..."9").contains(scalars[index])
            {
                name.unicodeScalars.append(scalars[index])
                index += 1
            }
            guard index < scalars.count, scalars[index] == ";", let replacement = entities[name] else {
                index = start + 1
                emit("&")
                return
            }
            index += 1
            for scalar in replacement.unicodeScalars { emit(scalar) }
        }

        /// A character reference's scalar: C1 values read as Windows-1252, as browsers do; invalid ones as U+FFFD.
        func numericScalar(_ value: UInt32) -> Unicode.Scalar {
            if (0x80...0x9F).contains(value) {
                let mapped = MailCharset.windows1252([UInt8(value)]).unicodeScalars.first
                return mapped ?? "\u{FFFD}"
            }
            guard value != 0, let scalar = Unicode.Scalar(value) else { return "\u{FFFD}" }
            return scalar
        }

        func isLetter(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
        }

        func matches(_ text: String, at position: Int) -> Bool {
            let pattern = Array(text.unicodeScalars)
            guard position + pattern.count <= scalars.count else { return false }
            return scalars[position..<(position + pattern.count)].elementsEqual(pattern)
        }

        func matchesIgnoringCase(_ pattern: [Unicode.Scalar], at position: Int) -> Bool {
            guard position + pattern.count <= scalars.count else { return false }
            for (offset, expected) in pattern.enumerated() {
                let actual = scalars[position + offset]
                let lower = ("A"..."Z").contains(actual) ? Unicode.Scalar(actual.value + 32) ?? actual : actual
                if lower != expected { return false }
            }
            return true
        }

        func find(_ text: String, from position: Int) -> Int? {
            let pattern = Array(text.unicodeScalars)
            guard let head = pattern.first else { return position }
            var candidate = position
            while candidate + pattern.count <= scalars.count {
                if scalars[candidate] == head, scalars[candidate..<(candidate + pattern.count)].elementsEqual(pattern) {
                    return candidate
                }
                candidate += 1
            }
            return nil
        }
    }

    /// Named character references met in mail.
    private static let entities: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "ensp": " ", "emsp": " ",
        "thinsp": " ", "shy": "", "zwnj": "", "zwj": "", "copy": "©", "reg": "®", "trade": "™", "hellip": "…",
        "mdash": "—", "ndash": "–", "lsquo": "‘", "rsquo": "’", "sbquo": "‚", "ldquo": "“", "rdquo": "”",
        "bdquo": "„", "laquo": "«", "raquo": "»", "lsaquo": "‹", "rsaquo": "›", "euro": "€", "pound": "£",
        "yen": "¥", "cent": "¢", "sect": "§", "para": "¶", "deg": "°", "plusmn": "±", "times": "×", "divide": "÷",
        "middot": "·", "bull": "•", "iexcl": "¡", "iquest": "¿", "ordf": "ª", "ordm": "º", "micro": "µ",
        "frac12": "½", "frac14": "¼", "frac34": "¾", "sup2": "²", "sup3": "³", "rarr": "→", "larr": "←",
        "aacute": "á", "eacute": "é", "iacute": "í", "oacute": "ó", "uacute": "ú", "yacute": "ý",
        "Aacute": "Á", "Eacute": "É", "Iacute": "Í", "Oacute": "Ó", "Uacute": "Ú", "Yacute": "Ý",
        "agrave": "à", "egrave": "è", "igrave": "ì", "ograve": "ò", "ugrave": "ù",
        "Agrave": "À", "Egrave": "È", "Igrave": "Ì", "Ograve": "Ò", "Ugrave": "Ù",
        "acirc": "â", "ecirc": "ê", "icirc": "î", "ocirc": "ô", "ucirc": "û",
        "Acirc": "Â", "Ecirc": "Ê", "Icirc": "Î", "Ocirc": "Ô", "Ucirc": "Û",
        "auml": "ä", "euml": "ë", "iuml": "ï", "ouml": "ö", "uuml": "ü", "yuml": "ÿ",
        "Auml": "Ä", "Euml": "Ë", "Iuml": "Ï", "Ouml": "Ö", "Uuml": "Ü",
        "atilde": "ã", "otilde": "õ", "ntilde": "ñ", "Atilde": "Ã", "Otilde": "Õ", "Ntilde": "Ñ",
        "ccedil": "ç", "Ccedil": "Ç", "szlig": "ß", "aring": "å", "Aring": "Å", "aelig": "æ", "AElig": "Æ",
        "oslash": "ø", "Oslash": "Ø", "oelig": "œ", "OElig": "Œ",
    ]
}
