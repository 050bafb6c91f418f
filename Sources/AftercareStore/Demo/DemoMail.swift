import AftercareDomain
import Foundation
import SQLKit

/// Issue 14: a few e-mail conversations of this morning, taken in through the real gateway code (`MailIntake`):
/// a Shanghai customer writing in GBK and answering the desk's reply, a Madrid customer in Spanish, a Taipei one in
/// Traditional Chinese, a stranger waiting for triage and an out-of-office reply that is never answered.
public enum DemoMail {
    struct Letter {
        var language: Language
        var subject: String
        var body: String
        var charset: String
        var reply: String
        var answer: String?
    }

    static let letters: [Letter] = [
        Letter(
            language: .zhHans, subject: "会议室投影仪不开机",
            body: "你好，我们三楼会议室的投影仪今天早上按电源没有反应，指示灯也不亮。下午两点有客户来开会，麻烦尽快安排人来看一下。",
            charset: "GBK", reply: "您好，已收到。工程师今天中午前联系您，请保持电话畅通。",
            answer: "好的，中午前我们行政部都有人在，到了前台报公司名即可。"),
        Letter(
            language: .es, subject: "La impresora de recepción atasca papel",
            body:
                "Buenos días:\n\nDesde ayer la impresora de recepción atasca el papel en la bandeja 2 y muestra el código "
                + "J-21. ¿Pueden enviar un técnico esta semana?\n\nGracias.",
            charset: "UTF-8", reply: "Buenos días: un técnico le visitará mañana por la mañana. Un saludo.", answer: nil
        ),
        Letter(
            language: .zhHant, subject: "冷氣機漏水", body: "您好，辦公室的冷氣機從昨天開始漏水，地板都濕了，請盡快派人處理，謝謝。",
            charset: "Big5", reply: "您好，已安排工程師明天上午到府檢查，請保持電話暢通。", answer: nil),
    ]

    /// Loads the conversations once (when no mail was received yet); returns how many messages went in.
    @discardableResult
    public static func load(
        into store: Store, vault: FileVault, unitCode: String? = nil, agentName: String = "沈佳怡"
    ) async throws -> Int {
        let received =
            try await store.sql.raw("SELECT COUNT(*) AS n FROM inbound_mail").first(decodingColumn: "n", as: Int.self)
            ?? 0
        guard received == 0 else { return 0 }
        let intake = MailIntake(store, vault: vault, settings: MailIntakeSettings(orgUnitCode: unitCode))
        let conversations = Conversations(store.seen(within: .everything), vault: vault)
        let rows = try await store.sql.raw(
            """
            SELECT e.address, c.contacts, o.code FROM customer_emails e JOIN customers c ON c.id = e.customer_id \
            JOIN org_units o ON o.id = c.org_unit_id WHERE c.archived_at IS NULL ORDER BY c.id
            """
        ).all()
        var senders: [Language: (address: String, name: String)] = [:]
        // The desk's own unit first: its agent answers the Chinese conversation.
        let ordered =
            try rows.filter { try $0.decode(column: "code", as: String.self) == unitCode }
            + rows.filter { try $0.decode(column: "code", as: String.self) != unitCode }
        for row in ordered {
            let language = DemoCatalog.language(ofUnit: try row.decode(column: "code", as: String.self))
            guard senders[language] == nil else { continue }
            let address = try row.decode(column: "address", as: String.self)
            let contacts = try JSONText.decode([Contact].self, from: row.decode(column: "contacts", as: String.self))
            let name = contacts.first { $0.email?.lowercased() == address }?.name ?? address
            senders[language] = (address, name)
        }
        var count = 0
        for (index, letter) in letters.enumerated() {
            guard let sender = senders[letter.language] else { continue }
            let entry = try await intake.receive(
                raw(
                    from: sender, subject: letter.subject, body: letter.body, charset: letter.charset,
                    id: "demo-\(index)@example.com"))
            count += 1
            guard let requestId = entry.requestId, let number = entry.requestNumber else { continue }
            _ = try await conversations.post(
                MessageInput(kind: .reply, source: .desk, body: letter.reply, authorName: agentName), to: requestId,
                by: Actor(name: "demo"))
            if let answer = letter.answer {
                _ = try await intake.receive(
                    raw(
                        from: sender, subject: "Re: [\(number)] \(letter.subject)",
                        body: answer + "\n\n> " + letter.reply, charset: letter.charset,
                        id: "demo-\(index)-answer@example.com", headers: ["In-Reply-To: <demo-\(index)@example.com>"]))
                count += 1
            }
        }
        _ = try await intake.receive(
            raw(
                from: ("chen.home@unknown-mail.cn", "陈先生"), subject: "洗衣机脱水时异响",
                body: "洗衣机用了两年，最近脱水的时候声音特别大，还会移位。能上门看看吗？电话 139 1234 5678。", charset: "UTF-8",
                id: "demo-stranger@unknown-mail.cn"))
        if let sender = senders[.zhHans] {
            _ = try await intake.receive(
                raw(
                    from: sender, subject: "自动回复：休假中", body: "我 12 月 7 日至 12 月 11 日休假，急事请联系行政部。",
                    charset: "UTF-8", id: "demo-away@example.com", headers: ["Auto-Submitted: auto-replied"]))
        }
        return count + 2
    }

    /// A message as a customer's mail program writes it: an encoded-word subject and name, the text in `charset`.
    static func raw(
        from sender: (address: String, name: String), subject: String, body: String, charset: String, id: String,
        headers: [String] = []
    ) -> [UInt8] {
        func word(_ text: String) -> String {
            let bytes = MailCharset.encode(text, charset: charset) ?? Array(text.utf8)
            return "=?\(charset)?B?\(Data(bytes).base64EncodedString())?="
        }
        let head =
            [
                "From: \(word(sender.name)) <\(sender.address)>", "To: service@aftercare.localhost",
                "Subject: \(word(subject))", "Message-ID: <\(id)>", "MIME-Version: 1.0",
                "Content-Type: text/plain; charset=\(charset)", "Content-Transfer-Encoding: base64",
            ] + headers
        let text = MailCharset.encode(body, charset: charset) ?? Array(body.utf8)
        return Array(
            (head.joined(separator: "\r\n") + "\r\n\r\n"
                + Data(text).base64EncodedString(
                    options: .lineLength76Characters) + "\r\n").utf8)
    }
}
