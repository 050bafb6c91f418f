import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// R-2.1: the words of the messages to customers, in the recipient's language (the contact's, else the
/// deployment's). Only what the customer may read goes in: the request's number and fault as registered, a reply
/// a person wrote to them, an appointment's engineer and window. Internal notes never reach the outbox.
struct MailTexts: Sendable {
    let catalogue: Catalogue
    let timeZone: TimeZone
    let defaultLanguage: Language
    /// The name the messages are signed with.
    let signature: String

    func render(_ item: OutboxItem) -> (subject: String, text: String) {
        let l = Localizer(language: item.to.language ?? defaultLanguage, timeZone: timeZone, catalogue: catalogue)
        func fill(_ key: String) -> String {
            l.t(key).replacingOccurrences(of: "{number}", with: item.requestNumber)
                .replacingOccurrences(of: "{customer}", with: item.customerName)
                .replacingOccurrences(of: "{engineer}", with: item.engineerName ?? l.t("mail.engineerToBeNamed"))
                .replacingOccurrences(of: "{window}", with: window(l, item))
        }
        let name =
            item.to.name.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 } ?? item
            .contactName ?? item.customerName
        var lines = [l.t("mail.greeting").replacingOccurrences(of: "{name}", with: name), ""]
        let subject: String
        switch item.kind {
        case .acknowledgement:
            subject = fill("mail.acknowledgement.subject")
            lines += [fill("mail.acknowledgement.body"), "", l.t("mail.yourWords")]
            lines += item.faultDescription.prefix(1000).split(separator: "\n", omittingEmptySubsequences: false)
                .map { "> " + $0 }
        case .reply:
            subject = fill("mail.reply.subject")
            lines.append(item.reply ?? "")
        case .appointment:
            subject = fill("mail.appointment.subject")
            lines.append(fill("mail.appointment.body"))
        }
        lines += ["", fill("mail.keepNumber"), "", "-- ", signature]
        return (subject, lines.joined(separator: "\n"))
    }

    /// "7 Dec 2026 09:00–11:00" in the reader's language and the deployment's zone.
    func window(_ l: Localizer, _ item: OutboxItem) -> String {
        guard let start = item.windowStart, let end = item.windowEnd else { return "" }
        let time = Date.FormatStyle(date: .omitted, time: .shortened, locale: l.locale, timeZone: timeZone)
        return "\(l.date(start)) \(start.formatted(time))–\(end.formatted(time))"
    }
}

extension Application {
    /// R-2.1: the outbox sender: SMTP when `AFTERCARE_SMTP_URL` names a server, else held for administrators.
    func useMail(_ config: AppConfig, catalogue: Catalogue) {
        let store = self.store
        let transport: SMTPTransport? = config.smtpURL.flatMap {
            try? SMTPTransport.parse(
                $0, heloName: config.mailFrom.split(separator: "@").last.map(String.init) ?? "localhost"
            )
            .get()
        }
        let texts = MailTexts(
            catalogue: catalogue, timeZone: config.timeZone, defaultLanguage: config.defaultLanguage,
            signature: config.mailName)
        let sender = MailAddress(name: config.mailName, address: config.mailFrom)
        storage[MailSweepKey.self] = { now in
            try await MailSweep(store: store, transport: transport, sender: sender, render: texts.render)
                .run(now: now, limit: 200)
        }
        storage[MailSettingsKey.self] = MailSettings(
            token: config.mailgateToken, unitCode: config.mailUnitCode, ownAddress: config.mailFrom,
            smtpConfigured: transport != nil)
    }

    var mailSettings: MailSettings { storage[MailSettingsKey.self] ?? MailSettings() }
}

/// What the mail gateway's endpoint and the administrators' mail page need to know.
struct MailSettings: Sendable {
    var token: String?
    var unitCode: String?
    var ownAddress: String?
    var smtpConfigured = false
}

struct MailSettingsKey: StorageKey {
    typealias Value = MailSettings
}
