import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import SQLKit
import Testing

@Suite("Conversations in the store")
struct ConversationStoreTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("photo of the jam".utf8)

    static func vault() -> FileVault {
        FileVault(
            directory: FileManager.default.temporaryDirectory.appendingPathComponent(
                "aftercare-test-\(UUID().uuidString)"))
    }

    @Test(
        "replies and notes with files are kept once; the customer's reads never see a note or its files",
        arguments: TestDatabase.all)
    func notesStayInternal(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let vault = Self.vault()
            let request = try await ServiceRequests(store).register(repair(fixture), by: tester)
            let staff = Conversations(store, vault: vault)
            // when
            let reply = try await staff.post(
                MessageInput(
                    kind: .reply, source: .desk, body: "明天上午派工程师上门", authorName: "沈佳怡",
                    attachments: [NewAttachment(fileName: "../../现场.png", bytes: Self.png)]), to: request.id,
                by: tester)
            let note = try await staff.post(
                MessageInput(
                    kind: .internalNote, source: .desk, body: "客户上次拖欠维修费", authorName: "沈佳怡",
                    attachments: [NewAttachment(fileName: "same.png", bytes: Self.png)]), to: request.id, by: tester)
            let customer = Conversations(store.seen(within: .customer(id: fixture.customer.id)), vault: vault)
            // then
            #expect(reply.attachments.map(\.fileName) == ["现场.png"] && reply.attachments.first?.kind == .png)
            #expect(try await staff.list(request.id, includeInternal: true).map(\.id) == [reply.id, note.id])
            let seen = try await customer.list(request.id, includeInternal: false)
            #expect(seen.map(\.id) == [reply.id])
            #expect(try await customer.file(reply.attachments[0].id, includeInternal: false).data == Data(Self.png))
            await #expect(throws: RecordNotFound.self) {
                try await customer.file(note.attachments[0].id, includeInternal: false)
            }
            // the same content is one file
            let files = try FileManager.default.subpathsOfDirectory(atPath: vault.directory.path).filter {
                !$0.hasSuffix("/") && $0.split(separator: "/").count == 3
            }
            #expect(files.count == 1)
            let audit = try await store.sql.raw(
                "SELECT COUNT(*) AS n FROM audit_log WHERE entity = 'requestMessage'"
            ).first(decodingColumn: "n", as: Int.self)
            #expect(audit == 2)
        }
    }

    @Test(
        "a refused message writes nothing: markup named .png, an empty text, too many files, another branch",
        arguments: TestDatabase.all)
    func refusals(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let vault = Self.vault()
            let request = try await ServiceRequests(store).register(repair(fixture), by: tester)
            let conversations = Conversations(store, vault: vault)
            func post(_ body: String, _ files: [NewAttachment]) async throws {
                _ = try await conversations.post(
                    MessageInput(kind: .reply, source: .desk, body: body, authorName: "x", attachments: files),
                    to: request.id, by: tester)
            }
            // when / then
            await #expect(throws: ValidationError(["attachments.0": .fileTypeNotAllowed])) {
                try await post("看图", [NewAttachment(fileName: "x.png", bytes: Array("<svg onload=alert(1)>".utf8))])
            }
            await #expect(throws: ValidationError(["body": .required])) { try await post("   ", []) }
            let six = (0..<6).map { NewAttachment(fileName: "\($0).png", bytes: Self.png + [UInt8($0)]) }
            await #expect(throws: ValidationError(["attachments": .tooMany(max: 5)])) { try await post("六张", six) }
            let other = Conversations(store.seen(within: .customer(id: fixture.customer.id + 1000)), vault: vault)
            await #expect(throws: RecordNotFound.self) {
                _ = try await other.post(
                    MessageInput(kind: .customerMessage, source: .portal, body: "不是我的", authorName: "x"),
                    to: request.id, by: tester)
            }
            #expect(try await count("request_messages", store) == 0)
            #expect(try await count("attachments", store) == 0)
            #expect(!FileManager.default.fileExists(atPath: vault.directory.path + "/attachments"))
        }
    }

    @Test("a kept file no row names (a crash between the two) is removed by the sweep", arguments: TestDatabase.all)
    func orphans(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given one file with its row and one without, both written two hours ago
            let fixture = try await Fixture.make(store)
            let vault = Self.vault()
            let request = try await ServiceRequests(store).register(repair(fixture), by: tester)
            let conversations = Conversations(store, vault: vault)
            let kept = try await conversations.post(
                MessageInput(
                    kind: .reply, source: .desk, body: "见附件", authorName: "x",
                    attachments: [NewAttachment(fileName: "a.png", bytes: Self.png)]), to: request.id, by: tester)
            let orphan = try vault.keep(Self.png + [1, 2, 3])
            let later = Conversations(store.withClock { Date().addingTimeInterval(7200) }, vault: vault)
            // when
            let removed = try await later.removeOrphans()
            // then
            #expect(removed == 1)
            #expect((try? vault.read(orphan)) == nil)
            #expect(try await conversations.file(kept.attachments[0].id, includeInternal: true).data == Data(Self.png))
        }
    }
}
