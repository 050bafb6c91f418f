import Foundation

/// messages that must never be answered, so that two robots never write to each other forever and a
/// bounce or a newsletter never opens a request reply loop.
enum MailAutomatic {
    /// Whether the message is automatic:
    /// - `Auto-Submitted` other than `no` (RFC 3834);
    /// - `Precedence: bulk`, `junk`, `list` or `auto_reply`;
    /// - `X-Autoreply` or `X-Autorespond` (other than `no`), `X-Auto-Response-Suppress` with `All` or `OOF`;
    /// - `List-Id` or `List-Unsubscribe` (a mailing list), `X-Failed-Recipients` (a bounce);
    /// - `From` or `Return-Path` empty (`<>`) or from `MAILER-DAEMON` or `postmaster`;
    /// - a `multipart/report` (delivery and read reports).
    static func isAutomatic(_ headers: [MailHeader]) -> Bool {
        var ignored: [MailProblem] = []
        for header in headers {
            let value = firstWord(header.value)
            switch header.name.lowercased() {
            case "auto-submitted":
                if !value.isEmpty, value != "no" { return true }
            case "precedence":
                if ["bulk", "junk", "list", "auto_reply"].contains(value) { return true }
            case "x-autoreply", "x-autorespond":
                if !["no", "false", "0"].contains(value) { return true }
            case "x-auto-response-suppress":
                let words = header.value.lowercased().split(whereSeparator: { $0 == "," || $0.isWhitespace })
                if words.contains("all") || words.contains("oof") { return true }
            case "list-id", "list-unsubscribe", "x-failed-recipients":
                if !header.value.trimmingCharacters(in: .whitespaces).isEmpty { return true }
            case "from", "return-path":
                let addresses = AddressList.parse(header.value, problems: &ignored)
                if addresses.isEmpty { return true }
                if addresses.contains(where: { ["mailer-daemon", "postmaster"].contains($0.localPart) }) {
                    return true
                }
            case "content-type":
                if MIMEField.parse(header.value, problems: &ignored).value == "multipart/report" { return true }
            default:
                break
            }
        }
        return false
    }

    /// The first word of a value, lower-cased, without comments or parameters.
    private static func firstWord(_ value: String) -> String {
        let head = value.split(whereSeparator: { $0 == ";" || $0 == "(" }).first ?? ""
        return head.trimmingCharacters(in: .whitespaces).lowercased()
    }
}
