import Foundation

extension MailMessage {
    /// `text` without the quoted history: lines starting with `>` are dropped, and everything from the first
    /// separator on (`On … wrote:`, `-----Original Message-----`, `在 … 写道：`, `El … escribió:`, an Outlook
    /// `From:`/`发件人:` header block, ...). Trimmed; when nothing would be left, the whole text is kept, so a
    /// message is never empty only because it was all quotation.
    public var replyText: String { MailReply.strip(text) }
}

/// Finding where the customer's own words end in a reply.
enum MailReply {
    static func strip(_ text: String) -> String {
        let lines = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        var kept: [String] = []
        var index = 0
        while index < lines.count {
            if isSeparator(lines, at: index) { break }
            let trimmed = MailText.trimmed(lines[index])
            if !trimmed.hasPrefix(">"), !trimmed.hasPrefix("＞") { kept.append(lines[index]) }
            index += 1
        }
        while let last = kept.last, isRule(MailText.trimmed(last)) { kept.removeLast() }
        let result = MailText.trimmed(kept.joined(separator: "\n"))
        return result.isEmpty ? MailText.trimmed(text) : result
    }

    /// Empty, or only dashes, underscores, equals signs or stars: what is left above a quoted header block.
    private static func isRule(_ line: String) -> Bool {
        line.allSatisfy { "-_=*—".contains($0) }
    }

    private static let banners = [
        "original message", "原始邮件", "原始郵件", "原邮件", "mensaje original", "message d'origine",
        "ursprüngliche nachricht", "messaggio originale", "mensagem original", "replied message", "回复的原邮件",
    ]

    /// Labels that start an Outlook-style header block of a quoted message.
    private static let fromLabels = ["from", "发件人", "寄件者", "寄件人", "de", "von", "da", "van", "送信者", "差出人"]

    /// Labels that follow it.
    private static let followingLabels = [
        "sent", "date", "to", "subject", "cc", "发送时间", "时间", "日期", "收件人", "主题", "抄送", "寄件日期",
        "傳送時間", "收件者", "主旨", "副本", "enviado", "fecha", "para", "asunto", "envoyé", "date", "à", "objet",
        "gesendet", "datum", "an", "betreff", "inviato", "oggetto", "a", "送信日時", "宛先", "件名",
    ]

    private static let attributionEnds = [
        "wrote:", "写道：", "写道:", "寫道：", "寫道:", "escribió:", "a écrit :", "a écrit:", "schrieb:", "ha scritto:",
        "escreveu:",
    ]

    static func isSeparator(_ lines: [String], at index: Int) -> Bool {
        let line = MailText.trimmed(lines[index])
        guard !line.isEmpty else { return false }
        let lower = line.lowercased()
        // -----Original Message-----, ------------------ 原始邮件 ------------------
        if let first = line.first, "-_=*".contains(first) {
            let inner = lower.trimmingCharacters(in: CharacterSet(charactersIn: "-_=* "))
            if banners.contains(inner) { return true }
        }
        // On Tue, 3 Mar 2026 at 10:15, Wang <w@example.com> wrote:  (perhaps over two or three lines)
        let attributions: [(start: String, end: [String])] = [
            ("on ", ["wrote:", "wrote :"]), ("在", ["写道：", "写道:", "寫道：", "寫道:"]),
            ("於", ["寫道：", "寫道:", "写道："]), ("el ", ["escribió:", "escribió :"]),
            ("le ", ["a écrit :", "a écrit:"]), ("am ", ["schrieb:", ":"]), ("il ", ["ha scritto:"]),
            ("em ", ["escreveu:"]), ("op ", ["geschreven:"]),
        ]
        for (start, ends) in attributions where lower.hasPrefix(start) {
            let window = lines[index..<min(lines.count, index + 3)]
            var joined = ""
            for next in window {
                joined += (joined.isEmpty ? "" : " ") + MailText.trimmed(next).lowercased()
                if ends.contains(where: { joined.hasSuffix($0) }) {
                    return start != "am " || joined.contains("schrieb")
                }
            }
        }
        // Any other attribution directly above quoted lines: "王伟 <wang@example.com> 于2026年3月3日周二 写道：".
        if attributionEnds.contains(where: { lower.hasSuffix($0) }) {
            let next = lines[(index + 1)..<min(lines.count, index + 4)].first { !MailText.isBlank($0) }
            if let next, MailText.trimmed(next).hasPrefix(">") { return true }
        }
        // From: ... / Sent: ... / To: ... / Subject: ...
        if let first = label(of: line), fromLabels.contains(first) {
            let following = lines[(index + 1)..<min(lines.count, index + 6)]
            return following.contains { next in
                label(of: MailText.trimmed(next)).map(followingLabels.contains) ?? false
            }
        }
        return false
    }

    /// The lower-cased label of a `Label: value` line (`*From:*` and full-width colons allowed).
    private static func label(of line: String) -> String? {
        let unstarred = line.drop { $0 == "*" }
        guard let colon = unstarred.firstIndex(where: { $0 == ":" || $0 == "：" }) else { return nil }
        let label = unstarred[..<colon].trimmingCharacters(in: CharacterSet(charactersIn: " *")).lowercased()
        return label.isEmpty || label.count > 20 ? nil : label
    }
}
