import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import AftercareServer

/// R-2.1: the mail gateway's door, the outbox's words, and the administrators' mail page (issue 14, item 5).
@Suite("Pages: e-mail in and out")
struct MailPageTests {
    static let token = "gateway-secret-0123456789abcdef"

    static func gateway(_ config: inout AppConfig) {
        config.mailgateToken = token
    }

    static func gbkMessage() -> [UInt8] {
        // "空调不制冷" and "请派人来看看" in GBK, as a Chinese mail client sends them.
        let subject = MailCharset.encode("空调不制冷", charset: "GBK")!
        let body = MailCharset.encode("请派人来看看", charset: "GBK")!
        let head =
            "From: =?GBK?B?\(Data(MailCharset.encode("王先生", charset: "GBK")!).base64EncodedString())?= <wang@example.com>\r\n"
            + "To: service@desk.example\r\nSubject: =?GBK?B?\(Data(subject).base64EncodedString())?=\r\n"
            + "Message-ID: <gbk-1@example.com>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=GBK\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        return Array(head.utf8) + body + Array("\r\n".utf8)
    }

    static func post(_ app: Application, _ body: [UInt8], token: String?) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(.POST, "/api/v1/mail/inbound") { request in
            if let token { request.headers.replaceOrAdd(name: MailgateController.tokenHeader, value: token) }
            request.headers.replaceOrAdd(name: .contentType, value: "message/rfc822")
            request.body = ByteBuffer(bytes: body)
        }
    }

    @Test("the gateway's door is shut without a configured secret and refuses a wrong one; no write either way")
    func gatewaySecret() async throws {
        try await withTestApp(.sqlite) { app in
            _ = try await Fixture.make(app.store)
            #expect(try await Self.post(app, Self.gbkMessage(), token: Self.token).status == .notFound)
        }
        try await withTestApp(.sqlite, adjust: Self.gateway) { app in
            _ = try await Fixture.make(app.store)
            let refused = try await Self.post(app, Self.gbkMessage(), token: "wrong-secret-0123456789abcdef")
            let missing = try await Self.post(app, Self.gbkMessage(), token: nil)
            #expect(refused.status == .unauthorized && missing.status == .unauthorized)
            #expect(try await MailIntake.list(page: PageRequest(), on: app.store.sql).items.isEmpty)
        }
    }

    @Test("a GBK message opens a request; the acknowledgement is in the contact's language; admins see both")
    func gbkAndAcknowledgement() async throws {
        try await withTestApp(.sqlite, adjust: Self.gateway) { app in
            // given: the contact prefers Spanish
            let fixture = try await Fixture.make(app.store)
            _ = try await Records<CustomerRecord>(app.store).update(
                fixture.customer.id, expectedVersion: fixture.customer.version, by: .system
            ) { input in
                var input = input
                input.contacts?[0].language = .es
                return input
            }
            try await makeUser(app, "mail.admin", roles: [.administrator], unit: fixture.headquarters.id)
            try await makeUser(app, "mail.agent", roles: [.hotlineAgent], unit: fixture.branch.id)
            // when
            let response = try await Self.post(app, Self.gbkMessage(), token: Self.token)
            _ = try await app.mailSweep?(app.store.now)
            // then
            #expect(response.status == .accepted)
            let receipt = try response.content.decode(MailgateController.Received.self)
            #expect(receipt.status == .opened)
            var emailed = RequestFilter()
            emailed.channels = [.email]
            let request = try await ServiceRequests(app.store).list(emailed, page: PageRequest()).items.first
            #expect(request?.faultDescription == "空调不制冷\n\n请派人来看看" && request?.number == receipt.requestNumber)
            let outbox = try await MailOutbox.list(page: PageRequest(), on: app.store.sql).items
            #expect(outbox.count == 1 && outbox[0].status == .held)
            #expect(outbox[0].subject == "[\(receipt.requestNumber ?? "")] Hemos recibido su solicitud de servicio")
            #expect(outbox[0].body?.contains("Estimado/a 王先生:") == true)
            #expect(outbox[0].body?.contains("> 空调不制冷") == true)
            // the administrator's page, both tabs; the raw message downloads, never as a page
            let admin = try await Browser.signIn(app, "mail.admin")
            let sent = try await admin.get("/admin/mail").body.string
            #expect(sent.contains("Hemos recibido") && sent.contains("wang@example.com"))
            let received = try await admin.get("/admin/mail?tab=inbound").body.string
            #expect(received.contains("空调不制冷") && received.contains(receipt.requestNumber ?? "-"))
            let raw = try await admin.get("/admin/mail/inbound/\(receipt.id)/raw")
            #expect(raw.status == .ok && Array(raw.body.readableBytesView) == Self.gbkMessage())
            #expect(raw.headers.contentType?.description == "application/octet-stream")
            #expect(raw.headers.first(name: .contentDisposition)?.hasPrefix("attachment;") == true)
            let agent = try await Browser.signIn(app, "mail.agent")
            #expect(try await agent.get("/admin/mail").status == .forbidden)
            #expect(try await agent.get("/admin/mail/inbound/\(receipt.id)/raw").status == .forbidden)
        }
    }

    @Test("an unknown sender's request says it waits for triage, and triage clears it")
    func triageFlag() async throws {
        try await withTestApp(.sqlite, adjust: Self.gateway) { app in
            let fixture = try await Fixture.make(app.store)
            try await makeUser(app, "mail.hq", roles: [.hotlineAgent], unit: fixture.headquarters.id)
            let message =
                "From: Li Lei <lilei@unknown.test>\r\nSubject: printer broken\r\nMessage-ID: <u1@unknown.test>\r\n\r\n"
                + "It jams.\r\n"
            let receipt = try await Self.post(app, Array(message.utf8), token: Self.token).content.decode(
                MailgateController.Received.self)
            let agent = try await Browser.signIn(app, "mail.hq")
            let request = try await ServiceRequests(app.store).list(RequestFilter(), page: PageRequest()).items.first {
                $0.number == receipt.requestNumber
            }
            let id = try #require(request?.id)
            let page = try await agent.get("/requests/\(id)").body.string
            #expect(page.contains("id=\"intake-flag\"") && page.contains("未知发件人"))
            _ = try await ServiceRequests(app.store).post(.init(event: .triage), to: id, by: .system)
            #expect(try await ServiceRequests(app.store).get(id).intakeFlag == nil)
            #expect(try await !agent.get("/requests/\(id)").body.string.contains("id=\"intake-flag\""))
        }
    }
}
