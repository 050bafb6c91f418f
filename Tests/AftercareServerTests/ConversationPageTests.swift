import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import AftercareServer

/// the conversation on a request, in the desk and the portal, with files (issue 14, item 4).
@Suite("Pages: the conversation on a request")
struct ConversationPageTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("jam".utf8)

    /// A form with files, as a browser sends it.
    static func multipart(_ fields: [(String, String)], files: [(name: String, bytes: [UInt8])]) -> (
        String, ByteBuffer
    ) {
        let boundary = "----aftercare\(UUID().uuidString)"
        var body = ByteBuffer()
        for (name, value) in fields {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        for file in files {
            body.writeString(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"files[]\"; filename=\"\(file.name)\"\r\n"
                    + "Content-Type: image/png\r\n\r\n")
            body.writeBytes(file.bytes)
            body.writeString("\r\n")
        }
        body.writeString("--\(boundary)--\r\n")
        return (boundary, body)
    }

    static func post(
        _ app: Application, _ browser: Browser, _ path: String, _ fields: [(String, String)],
        files: [(name: String, bytes: [UInt8])] = [], csrf: Bool = true
    ) async throws -> TestingHTTPResponse {
        let (boundary, body) = multipart((csrf ? [(CSRF.field, browser.csrf)] : []) + fields, files: files)
        return try await app.testing().sendRequest(.POST, path) { request in
            request.headers.cookie = [Cookies.session: .init(string: browser.session)]
            request.headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            request.body = body
        }
    }

    struct Setup {
        var fixture: Fixture
        var request: ServiceRequestView
        var agent: Browser
        var customer: Browser
        var otherCustomer: Browser

        static func make(_ app: Application) async throws -> Setup {
            let fixture = try await Fixture.make(app.store)
            let other = try await Records<CustomerRecord>(app.store).create(
                .init(orgUnitId: fixture.branch.id, name: "苏州工业园区管委会"), by: .system)
            try await makeUser(app, "conv.agent", roles: [.hotlineAgent], unit: fixture.branch.id, displayName: "沈佳怡")
            try await makeUser(
                app, "conv.customer", roles: [.customer], unit: fixture.branch.id, customer: fixture.customer.id)
            try await makeUser(app, "conv.other", roles: [.customer], unit: fixture.branch.id, customer: other.id)
            let request = try await ServiceRequests(app.store).register(
                .init(
                    customerId: fixture.customer.id, unitIds: [fixture.unit.id], channel: .phone, type: .repair,
                    faultDescription: "卡纸"), by: .system)
            return Setup(
                fixture: fixture, request: request, agent: try await Browser.signIn(app, "conv.agent"),
                customer: try await Browser.signIn(app, "conv.customer"),
                otherCustomer: try await Browser.signIn(app, "conv.other"))
        }
    }

    @Test("a reply with a picture reaches the portal; an internal note and its file never do")
    func replyAndNote() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            let path = "/requests/\(setup.request.id)/messages"
            // when
            let reply = try await Self.post(
                app, setup.agent, path, [("kind", "reply"), ("body", "工程师明天上午到")],
                files: [("现场.png", Self.png)])
            let note = try await Self.post(
                app, setup.agent, path, [("kind", "internalNote"), ("body", "内部：客户有欠款")],
                files: [("欠款.png", Self.png + [9])])
            // then
            #expect(reply.status == .seeOther && note.status == .seeOther)
            let messages = try await Conversations(app.store, vault: app.vault).list(
                setup.request.id, includeInternal: true)
            #expect(messages.map(\.kind) == [.reply, .internalNote])
            let desk = try await setup.agent.get("/requests/\(setup.request.id)").body.string
            #expect(desk.contains("工程师明天上午到") && desk.contains("内部：客户有欠款") && desk.contains("现场.png"))
            let portal = try await setup.customer.get("/portal/requests/\(setup.request.id)").body.string
            #expect(portal.contains("工程师明天上午到") && portal.contains("现场.png"))
            #expect(!portal.contains("内部：客户有欠款") && !portal.contains("欠款.png"))
            // the files: the reply's picture to the customer, inline, never as HTML; the note's not at all
            let picture = try await setup.customer.get("/attachments/\(messages[0].attachments[0].id)")
            #expect(picture.status == .ok)
            #expect(picture.headers.contentType?.description == "image/png")
            #expect(picture.headers.first(name: .contentDisposition)?.hasPrefix("inline;") == true)
            #expect(picture.headers.first(name: "Content-Security-Policy") == "default-src 'none'; sandbox")
            #expect(Array(picture.body.readableBytesView) == Self.png)
            #expect(try await setup.customer.get("/attachments/\(messages[1].attachments[0].id)").status == .notFound)
            #expect(
                try await setup.otherCustomer.get("/attachments/\(messages[0].attachments[0].id)").status == .notFound)
            #expect(try await setup.agent.get("/attachments/\(messages[1].attachments[0].id)").status == .ok)
            // and the API for staff lists both, an export never holds the note
            let export = try await app.testing().sendRequest(.GET, "/api/v1/service-requests/export.csv") { request in
                request.headers.cookie = [Cookies.session: .init(string: setup.agent.session)]
            }
            #expect(!export.body.string.contains("内部：客户有欠款"))
        }
    }

    @Test("the customer writes with a file from the portal; markup named .png is refused, shown again, unwritten")
    func customerMessage() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            let path = "/portal/requests/\(setup.request.id)/messages"
            // when
            let sent = try await Self.post(
                app, setup.customer, path, [("body", "还是卡纸，附照片")], files: [("卡纸.png", Self.png)])
            let refused = try await Self.post(
                app, setup.customer, path, [("body", "再看这张")],
                files: [("看.png", Array("<html><script>alert(1)</script></html>".utf8))])
            let foreign = try await Self.post(app, setup.otherCustomer, path, [("body", "不是我的")])
            let forged = try await Self.post(app, setup.customer, path, [("body", "无令牌")], csrf: false)
            // then
            #expect(sent.status == .seeOther)
            #expect(refused.status == .seeOther, "a refusal is shown at the request's own address")
            let kept = try #require(refused.headers.setCookie?[FormReturn.cookie])
            let shown = try await app.testing().sendRequest(.GET, "/portal/requests/\(setup.request.id)") { request in
                request.headers.cookie = [
                    Cookies.session: .init(string: setup.customer.session), FormReturn.cookie: kept,
                ]
            }
            #expect(shown.status == .unprocessableEntity)
            #expect(shown.body.string.contains("data-field=\"attachments.0\"") && shown.body.string.contains("再看这张"))
            #expect(foreign.status == .notFound)
            #expect(forged.status == .forbidden)
            let messages = try await Conversations(app.store, vault: app.vault).list(
                setup.request.id, includeInternal: true)
            #expect(messages.map(\.body) == ["还是卡纸，附照片"])
            #expect(messages.first?.kind == .customerMessage && messages.first?.source == .portal)
            #expect(try await setup.agent.get("/requests/\(setup.request.id)").body.string.contains("卡纸.png"))
        }
    }

    @Test("the API lists the conversation for staff and takes a note; a customer message through it is refused")
    func api() async throws {
        try await withTestApp(.sqlite) { app in
            let setup = try await Setup.make(app)
            let agent = try await makeUser(app, "conv.api", roles: [.hotlineAgent], unit: setup.fixture.branch.id)
            let path = "/api/v1/service-requests/\(setup.request.id)/messages"
            let note = try await app.api(.POST, path, token: agent.token) { request in
                try request.content.encode(["kind": "internalNote", "body": "API 备注"])
            }
            let wrong = try await app.api(.POST, path, token: agent.token) { request in
                try request.content.encode(["kind": "customerMessage", "body": "假冒客户"])
            }
            let blank = try await app.api(.POST, path, token: agent.token) { request in
                try request.content.encode(["kind": "reply", "body": "  "])
            }
            let list = try await app.api(.GET, path, token: agent.token)
            #expect(note.status == .created)
            #expect(wrong.status == .unprocessableEntity && blank.status == .unprocessableEntity)
            #expect(list.status == .ok && list.body.string.contains("API 备注"))
        }
    }
}
