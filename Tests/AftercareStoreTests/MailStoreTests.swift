import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import SQLKit
import Testing

/// A mail server for the sweep's bookkeeping: takes or refuses each message as told, and keeps what it took.
/// (The real SMTP conversation is tested against Postfix in `scripts/mail-test.sh`.)
final class RecordingMailServer: MailTransport, @unchecked Sendable {
    enum Answer { case take, later, refuse }
    let lock = NSLock()
    var answer = Answer.take
    var taken: [(to: String, message: String)] = []

    func send(from: String, to: String, message: [UInt8]) async throws {
        let answer = lock.withLock { self.answer }
        switch answer {
        case .take: lock.withLock { taken.append((to, String(decoding: message, as: UTF8.self))) }
        case .later: throw CancellationError()
        case .refuse: throw MailRefused("550 no such user")
        }
    }
}

@Suite("E-mail in and out in the store")
struct MailStoreTests {
    static func message(
        from: String, subject: String, body: String, messageId: String, headers: [String] = [],
        attachment: (name: String, bytes: [UInt8])? = nil
    ) -> [UInt8] {
        var lines = [
            "From: \(from)", "To: service@desk.example", "Subject: \(subject)", "Message-ID: <\(messageId)>",
            "Date: Mon, 07 Dec 2026 09:00:00 +0800", "MIME-Version: 1.0",
        ]
        lines += headers
        if let attachment {
            lines += [
                "Content-Type: multipart/mixed; boundary=\"b1\"", "", "--b1", "Content-Type: text/plain; charset=utf-8",
                "Content-Transfer-Encoding: 8bit", "", body, "--b1",
                "Content-Type: application/pdf; name=\"\(attachment.name)\"",
                "Content-Disposition: attachment; filename=\"\(attachment.name)\"", "Content-Transfer-Encoding: base64",
                "", Data(attachment.bytes).base64EncodedString(), "--b1--", "",
            ]
        } else {
            lines += ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit", "", body, ""]
        }
        return Array(lines.joined(separator: "\r\n").utf8)
    }

    static func sweep(_ store: Store, _ transport: (any MailTransport)?) -> MailSweep {
        MailSweep(
            store: store, transport: transport, sender: MailAddress(name: "服务中心", address: "service@desk.example"),
            render: { item in ("subject \(item.kind.rawValue)", "text for \(item.to.address): \(item.reply ?? "")") })
    }

    @Test(
        "a contact opens an acknowledged request, the answer joins it, a forged answer waits for triage",
        arguments: TestDatabase.all)
    func intake(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let vault = ConversationStoreTests.vault()
            let intake = MailIntake(store, vault: vault, settings: MailIntakeSettings(orgUnitCode: "BR-EC"))
            let pdf = Array("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".utf8)
            // when: the customer's contact writes in (any case of the address)
            let first = try await intake.receive(
                Self.message(
                    from: "王先生 <Wang@Example.com>", subject: "复印机卡纸", body: "第二纸盒卡纸，屏幕显示 J-21",
                    messageId: "m1@example.com"))
            // then
            #expect(first.status == .opened)
            let requestId = try #require(first.requestId)
            let request = try await ServiceRequests(store).get(requestId)
            #expect(request.channel == .email && request.customerId == fixture.customer.id)
            #expect(request.faultDescription.contains("第二纸盒卡纸") && request.intakeFlag == nil)
            #expect(request.contactName == "王先生")
            // the acknowledgement waits in the outbox; with no mail server it is written out and held
            #expect(try await Self.sweep(store, nil).run(now: store.now, limit: 10) == 1)
            let outbox = try await MailOutbox.list(requestId: requestId, page: PageRequest(), on: store.sql).items
            #expect(outbox.map(\.kind) == [.acknowledgement] && outbox.map(\.status) == [.held])
            #expect(outbox.first?.toAddress == "wang@example.com")
            #expect(outbox.first?.subject?.contains(request.number) == true)

            // when: the answer names our message and carries a file
            let ours = MailOutbox.messageId(
                outboxId: outbox[0].id, createdAt: outbox[0].createdAt, domain: "desk.example")
            let answer = try await intake.receive(
                Self.message(
                    from: "wang@example.com", subject: "Re: 收到", body: "照片见附件\n\n> 原邮件", messageId: "m2@example.com",
                    headers: ["In-Reply-To: <\(ours)>"], attachment: ("卡纸.pdf", pdf)))
            // then
            #expect(answer.status == .joined && answer.requestId == requestId)
            let conversation = try await Conversations(store, vault: vault).list(requestId, includeInternal: false)
            #expect(conversation.count == 2)
            #expect(conversation.allSatisfy { $0.source == .email && $0.kind == .customerMessage })
            #expect(conversation[1].body == "照片见附件" && conversation[1].attachments.map(\.fileName) == ["卡纸.pdf"])

            // when: a stranger forges an answer to that request
            let forged = try await intake.receive(
                Self.message(
                    from: "Mallory <mallory@evil.test>", subject: "Re: [\(request.number)] 退款", body: "请退款到我的账户",
                    messageId: "m3@evil.test", headers: ["In-Reply-To: <\(ours)>"]))
            // then: it joined nothing and waits for triage, at a customer made from the sender
            #expect(forged.status == .opened && forged.requestId != requestId)
            #expect(try await Conversations(store, vault: vault).list(requestId, includeInternal: true).count == 2)
            let triage = try await ServiceRequests(store).get(try #require(forged.requestId))
            #expect(triage.intakeFlag == .unknownSender && triage.customerId != fixture.customer.id)
            #expect(triage.orgUnitId == fixture.branch.id && triage.customerName == "Mallory")
        }
    }

    @Test(
        "auto-replies are never answered, a message is read once, an unreadable one is kept as it came",
        arguments: TestDatabase.all)
    func neverAnswered(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            _ = try await Fixture.make(store)
            let vault = ConversationStoreTests.vault()
            let intake = MailIntake(
                store, vault: vault, settings: MailIntakeSettings(ownAddress: "service@desk.example"))
            let requestsBefore = try await count("service_requests", store)
            // when
            let auto = try await intake.receive(
                Self.message(
                    from: "wang@example.com", subject: "自动回复：外出", body: "我本周休假", messageId: "a1@example.com",
                    headers: ["Auto-Submitted: auto-replied"]))
            let loop = try await intake.receive(
                Self.message(from: "service@desk.example", subject: "[SR-2026-000001]", body: "x", messageId: "a2@x"))
            let once = Self.message(from: "wang@example.com", subject: "报修", body: "不出纸", messageId: "a3@example.com")
            let first = try await intake.receive(once)
            let again = try await intake.receive(once)
            let garbage: [UInt8] = [0xFF, 0xFE, 0x00, 0x01] + Array("no headers at all\r\n\r\n".utf8)
            let unreadable = try await intake.receive(garbage)
            // then
            #expect(auto.status == .automatic && loop.status == .automatic)
            #expect(first.status == .opened && again.status == .duplicate)
            #expect(unreadable.status == .unreadable)
            #expect(try await intake.raw(unreadable.id) == Data(garbage))
            #expect(try await count("service_requests", store) == requestsBefore + 1)
            let log = try await MailIntake.list(page: PageRequest(), on: store.sql).items
            #expect(log.map(\.status) == [.unreadable, .duplicate, .opened, .automatic, .automatic])
        }
    }

    @Test(
        "a 30 MB message is kept unread, 500 recipients and an unknown charset are noted; each admin sees their own",
        arguments: TestDatabase.all)
    func oversizedAndScoped(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let vault = ConversationStoreTests.vault()
            let intake = MailIntake(store, vault: vault)
            let huge =
                Self.message(from: "wang@example.com", subject: "扫描件", body: "见附件", messageId: "big@example.com")
                + [UInt8](repeating: UInt8(ascii: "A"), count: 30 * 1024 * 1024)
            let crowd = (0..<500).map { "u\($0)@example.org" }.joined(separator: ", ")
            var strange = Self.message(
                from: "wang@example.com", subject: "报修", body: "", messageId: "odd@example.com",
                headers: ["Cc: \(crowd)"])
            strange =
                Array(
                    String(decoding: strange, as: UTF8.self).replacingOccurrences(
                        of: "charset=utf-8", with: "charset=x-martian"
                    ).utf8) + Array("打印机不出纸\r\n".utf8)
            // when
            let refused = try await intake.receive(huge)
            let noted = try await intake.receive(strange)
            // then: nothing lost, nothing crashed
            #expect(refused.status == .refused && refused.requestId == nil)
            #expect(try await intake.raw(refused.id).count == huge.count)
            #expect(noted.status == .opened)
            #expect(noted.problems?.contains("x-martian") == true && noted.problems?.contains("501 recipients") == true)
            let opened = try await ServiceRequests(store).get(try #require(noted.requestId))
            #expect(opened.faultDescription.contains("打印机不出纸"))
            // the east branch's administrator sees the request's mail, not mail about no request; another branch none
            let east = Scope.orgSubtree(
                unitId: fixture.branch.id, path: "/\(fixture.headquarters.id)/\(fixture.branch.id)/")
            let top = Scope.orgSubtree(unitId: fixture.headquarters.id, path: "/\(fixture.headquarters.id)/")
            let elsewhere = Scope.orgSubtree(unitId: 999_999, path: "/\(fixture.headquarters.id)/999999/")
            #expect(try await MailIntake.list(within: east, page: .init(), on: store.sql).items.map(\.id) == [noted.id])
            #expect(
                try await MailIntake.list(within: top, page: .init(), on: store.sql).items.map(\.id)
                    == [noted.id, refused.id])
            #expect(try await MailIntake.list(within: elsewhere, page: .init(), on: store.sql).items.isEmpty)
            #expect(try await MailOutbox.list(within: elsewhere, page: .init(), on: store.sql).items.isEmpty)
            await #expect(throws: RecordNotFound.self) { try await intake.raw(refused.id, within: east) }
        }
    }

    @Test(
        "a reply is mailed, a note never; the sweep retries what waits and gives up on what is refused",
        arguments: TestDatabase.all)
    func outbox(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let vault = ConversationStoreTests.vault()
            let request = try await ServiceRequests(store).register(repair(fixture), by: tester)
            let conversations = Conversations(store, vault: vault)
            let server = RecordingMailServer()
            let sweep = Self.sweep(store, server)
            // when
            _ = try await conversations.post(
                MessageInput(kind: .internalNote, source: .desk, body: "客户欠费未结", authorName: "沈佳怡"), to: request.id,
                by: tester)
            _ = try await conversations.post(
                MessageInput(kind: .reply, source: .desk, body: "明早九点上门", authorName: "沈佳怡"), to: request.id,
                by: tester)
            server.answer = .later
            #expect(try await sweep.run(now: store.now, limit: 10) == 2)
            let waiting = try await MailOutbox.list(requestId: request.id, page: PageRequest(), on: store.sql).items
            server.answer = .take
            let later = try await sweep.run(now: store.now.addingTimeInterval(3600), limit: 10)
            // then: the acknowledgement and the reply, never the note
            #expect(waiting.map(\.status) == [.pending, .pending] && waiting.allSatisfy { $0.lastError != nil })
            #expect(later == 2)
            #expect(server.taken.count == 2 && server.taken.allSatisfy { $0.to == "wang@example.com" })
            #expect(!server.taken.contains { $0.message.contains("欠费") })
            let sent = try await MailOutbox.list(requestId: request.id, page: PageRequest(), on: store.sql).items
            #expect(sent.map(\.kind) == [.reply, .acknowledgement] && sent.allSatisfy { $0.status == .sent })
            // a refused message fails at once
            _ = try await conversations.post(
                MessageInput(kind: .reply, source: .desk, body: "已寄出配件", authorName: "沈佳怡"), to: request.id,
                by: tester)
            server.answer = .refuse
            _ = try await sweep.run(now: store.now.addingTimeInterval(7200), limit: 10)
            let refused = try await MailOutbox.list(status: .failed, page: PageRequest(), on: store.sql).items
            #expect(refused.count == 1 && refused.first?.lastError?.contains("550") == true)
        }
    }
}
