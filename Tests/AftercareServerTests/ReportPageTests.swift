import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import AftercareServer

/// the service report pages: written from the visit, photographed, signed on the canvas or in the portal,
/// reviewed, printed; the spot checks.
@Suite("Pages: service reports")
struct ReportPageTests {
    static let png: [UInt8] =
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 5, count: 30)
        + [0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]

    struct Setup {
        var fixture: Fixture
        var visit: VisitView
        var engineer: Browser
        var manager: Browser
        var inspector: Browser
        var customer: Browser
        var otherCustomer: Browser
    }

    /// A repair visit of the fixture's unit done by the engineer `li` this morning.
    static func setup(_ app: Application) async throws -> Setup {
        let store = app.store
        let fixture = try await Fixture.make(store)
        let branch = fixture.branch.id
        let li = try await makeUser(app, "li.gong", roles: [.fieldEngineer], unit: branch, displayName: "李工")
        try await makeUser(app, "head", roles: [.serviceManager], unit: branch)
        try await makeUser(app, "qa.wu", roles: [.qualityInspector], unit: branch)
        try await makeUser(app, "renji", roles: [.customer], unit: branch, customer: fixture.customer.id)
        let other = try await Records<CustomerRecord>(store).create(
            .init(orgUnitId: branch, name: "其他客户", kind: .company), by: .system)
        try await makeUser(app, "other", roles: [.customer], unit: branch, customer: other.id)
        let engineer = try await Records<EngineerRecord>(store).create(
            .init(
                userId: li.user.id, orgUnitId: branch, level: 3,
                skills: [EngineerSkill(productLineId: fixture.model.productLineId, level: 3)]), by: .system)
        let request = try await ServiceRequests(store).register(
            ServiceRequestInput(
                customerId: fixture.customer.id, contactName: "王先生", contactPhone: "13800138000",
                unitIds: [fixture.unit.id], channel: .phone, type: .repair, faultDescription: "复印件有黑色条纹"),
            by: .system)
        _ = try await ServiceRequests(store).post(.init(event: .triage), to: request.id, by: .system)
        let visit = try await Visits(store).create(
            VisitInput(purpose: .repair, latitude: 31.2, longitude: 121.4), requestId: request.id, by: .system)
        // Agreed directly: the test runs at any hour, and appointments keep to working hours.
        try await store.sql.raw(
            """
            UPDATE visits SET status = 'scheduled', engineer_id = \(bind: engineer.id), \
            window_start = \(bind: Date().addingTimeInterval(-7200)), window_end = \(bind: Date()) \
            WHERE id = \(bind: visit.id)
            """
        ).run()
        _ = try await Visits(store.withClock { Date().addingTimeInterval(-3600) }).post(
            .init(event: .arrive), to: visit.id, by: .system)
        let done = try await Visits(store).post(.init(event: .complete), to: visit.id, by: .system).visit
        return Setup(
            fixture: fixture, visit: done, engineer: try await Browser.signIn(app, "li.gong"),
            manager: try await Browser.signIn(app, "head"), inspector: try await Browser.signIn(app, "qa.wu"),
            customer: try await Browser.signIn(app, "renji"), otherCustomer: try await Browser.signIn(app, "other"))
    }

    static let written: [(String, String)] = [
        ("faultFound", "<b>定影器</b>温度异常"), ("cause", "qualityDefect"), ("actions", "更换定影组件"),
        ("tests", "连续复印 50 张"), ("result", "fixed"), ("nextStep", ""), ("labourMinutes", "60"),
        ("difficulty", "b"), ("travelKm", "12"), ("engineerRemarks", ""),
    ]

    static func language(_ language: Language) -> HTTPHeaders {
        [HTTPHeaders.Name.acceptLanguage.description: language.rawValue]
    }

    /// Opens the report from the visit page's button and returns its id.
    static func open(_ setup: Setup) async throws -> Int {
        let opened = try await setup.engineer.post(
            "/visits/\(setup.visit.id)/reports", [("unitId", "\(setup.fixture.unit.id)")])
        #expect(opened.status == .seeOther)
        let location = try #require(opened.headers.first(name: .location))
        return try #require(Int(location.replacingOccurrences(of: "/reports/", with: "")))
    }

    @Test(
        "the engineer writes, photographs and hands in the report; the customer signs on the canvas; the head reviews")
    func engineerFlow() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Self.setup(app)
            let visitPage = try await setup.engineer.get("/visits/\(setup.visit.id)").body.string
            #expect(visitPage.contains("填写报告") && visitPage.contains("SN-0001"))
            // when: opened and handed in half-written
            let id = try await Self.open(setup)
            let form = try await setup.engineer.get("/reports/\(id)")
            #expect(form.status == .ok && form.body.string.contains("id=\"report-form\""))
            let refused = try await setup.engineer.post(
                "/reports/\(id)", [("version", "1"), ("action", "submit"), ("faultFound", "<b>定影器</b>")])
            // then: it stays on its page with what was typed, escaped, and the fields named
            let body = refused.body.string
            #expect(refused.status == .unprocessableEntity)
            #expect(body.contains("&lt;b&gt;定影器&lt;/b&gt;") && !body.contains("<b>定影器"))
            #expect(body.contains("处理措施") && body.contains("作业难度"))
            #expect(try await ServiceReports(app.store).get(id).status == .draft)
            // when: a photo, then markup named .jpg
            let photo = try await ConversationPageTests.post(
                app, setup.engineer, "/reports/\(id)/photos", [], files: [(name: "fault.png", bytes: Self.png)])
            #expect(photo.status == .seeOther)
            let svg = try await ConversationPageTests.post(
                app, setup.engineer, "/reports/\(id)/photos", [],
                files: [(name: "fault.jpg", bytes: Array("<svg onload='alert(1)'/>".utf8))])
            #expect(svg.status == .seeOther)
            let report = try await ServiceReports(app.store).get(id)
            #expect(report.photos?.count == 1)
            let file = try await setup.engineer.get("/reports/files/\(try #require(report.photos?.first?.id))")
            #expect(file.headers.first(name: .contentType) == "image/png")
            #expect(file.headers.first(name: "Content-Security-Policy")?.contains("sandbox") == true)
            // when: written in full and handed in
            let version = report.version
            let submitted = try await setup.engineer.post(
                "/reports/\(id)", [("version", "\(version)"), ("action", "submit")] + Self.written)
            #expect(submitted.status == .seeOther)
            let signPage = try await setup.engineer.get("/reports/\(id)").body.string
            #expect(signPage.contains("data-signature") && signPage.contains("/js/signature.js"))
            // when: signed without drawing, then with the canvas's image
            let empty = try await setup.engineer.post(
                "/reports/\(id)/sign", [("action", "sign"), ("signerName", "王先生"), ("signature", "")])
            #expect(empty.status == .unprocessableEntity && empty.body.string.contains("客户签字"))
            let dataURL = "data:image/png;base64," + Data(Self.png).base64EncodedString()
            let signed = try await setup.engineer.post(
                "/reports/\(id)/sign",
                [
                    ("action", "sign"), ("signerName", "王先生"), ("signature", dataURL), ("attitude", "5"),
                    ("quality", "4"), ("timeliness", "5"), ("customerRemarks", "很好"),
                ])
            // then
            #expect(signed.status == .seeOther)
            let stored = try await ServiceReports(app.store).get(id)
            #expect(stored.status == .signed && stored.ratings?.quality == 4)
            let image = try await setup.engineer.get("/reports/\(id)/signature")
            #expect(image.headers.first(name: .contentType) == "image/png")
            #expect(Array(image.body.readableBytesView) == Self.png)
            // and the head finds it on the worklist, reviews it and prints it in four languages
            #expect(try await setup.manager.get("/reports").body.string.contains("/reports/\(id)"))
            // (changing the language on a filtered list comes back to the same filter)
            let filtered = try await setup.manager.get("/reports?status=signed&repeat=1").body.string
            #expect(filtered.contains("name=\"next\" value=\"/reports?status=signed&amp;repeat=1\""))
            #expect(try await setup.manager.post("/reports/\(id)/events", [("event", "review")]).status == .seeOther)
            #expect(try await ServiceReports(app.store).get(id).status == .reviewed)
            for (language, words) in [
                (Language.zhHans, ["售后服务报告单", "客户签字", "★★★★☆", "3 级"]),
                (.zhHant, ["售後服務報告單", "客戶簽字", "★★★★☆", "3 級"]),
                (.en, ["After-sales service report", "Signed by", "★★★★☆", "Level 3"]),
                (.es, ["Parte de servicio posventa", "Firma del cliente", "★★★★☆", "Nivel 3"]),
            ] {
                let printed = try await setup.manager.get("/reports/\(id)/print", headers: Self.language(language))
                #expect(printed.status == .ok)
                for word in words { #expect(printed.body.string.contains(word), "\(language.rawValue): \(word)") }
            }
            // and the engineer can no longer change it
            let late = try await setup.engineer.post(
                "/reports/\(id)", [("version", "9"), ("action", "save")] + Self.written)
            #expect(late.status == .conflict)
        }
    }

    @Test("the customer reads and signs their own handed-in report in the portal, never a draft or another's")
    func portal() async throws {
        try await withTestApp(.sqlite) { app in
            // given: a draft
            let setup = try await Self.setup(app)
            let id = try await Self.open(setup)
            #expect(try await setup.customer.get("/portal/reports/\(id)").status == .notFound)
            // when: handed in
            _ = try await setup.engineer.post(
                "/reports/\(id)", [("version", "1"), ("action", "submit")] + Self.written)
            // then: the request lists it to sign, and the page offers the canvas, without the staff's links
            let request = try await setup.customer.get("/portal/requests/\(setup.visit.requestId)").body.string
            #expect(request.contains("/portal/reports/\(id)") && request.contains("待签字"))
            let page = try await setup.customer.get("/portal/reports/\(id)").body.string
            #expect(page.contains("data-signature") && page.contains("/portal/reports/\(id)/sign"))
            #expect(!page.contains("/visits/") && !page.contains("质量抽查"))
            #expect(try await setup.otherCustomer.get("/portal/reports/\(id)").status == .notFound)
            // when
            let dataURL = "data:image/png;base64," + Data(Self.png).base64EncodedString()
            let signed = try await setup.customer.post(
                "/portal/reports/\(id)/sign",
                [
                    ("signerName", "王先生"), ("signature", dataURL), ("attitude", "4"), ("quality", "4"),
                    ("timeliness", "4"),
                ])
            // then
            #expect(signed.status == .seeOther)
            #expect(try await ServiceReports(app.store).get(id).signerName == "王先生")
            #expect(try await setup.customer.get("/portal/reports/\(id)/signature").status == .ok)
            // and staff pages are closed to the customer
            #expect(try await setup.customer.get("/reports/\(id)").status == .forbidden)
        }
    }

    @Test("the quality inspector fails a sampled job and the rework visit is linked")
    func spotChecks() async throws {
        try await withTestApp(.sqlite) { app in
            // given: every fixed job is sampled
            let setup = try await Self.setup(app)
            _ = try await Records<QualitySettingsRecord>(app.store).create(
                .init(orgUnitId: setup.fixture.branch.id, repeatWindowDays: 90, spotCheckShare: 10_000), by: .system)
            let id = try await Self.open(setup)
            _ = try await setup.engineer.post(
                "/reports/\(id)", [("version", "1"), ("action", "submit")] + Self.written)
            let dataURL = "data:image/png;base64," + Data(Self.png).base64EncodedString()
            _ = try await setup.engineer.post(
                "/reports/\(id)/sign", [("action", "sign"), ("signerName", "王先生"), ("signature", dataURL)])
            let list = try await setup.inspector.get("/quality/spot-checks").body.string
            #expect(list.contains("已修复工单随机抽样"))
            let check = try #require(try await ServiceReports(app.store).get(id).spotCheck)
            // when: failed without a reason, then with one
            let refused = try await setup.inspector.post("/quality/spot-checks/\(check.id)", [("event", "fail")])
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("原因"))
            let failed = try await setup.inspector.post(
                "/quality/spot-checks/\(check.id)", [("event", "fail"), ("reason", "回访仍有条纹")])
            // then
            #expect(failed.status == .seeOther)
            let after = try await SpotChecks(app.store).get(check.id)
            #expect(after.status == .failed && after.reworkVisitId != nil)
            let all = try await setup.inspector.get("/quality/spot-checks?all=1").body.string
            #expect(all.contains("/visits/\(after.reworkVisitId ?? 0)"))
            // and an engineer may not open the worklist
            #expect(try await setup.engineer.get("/quality/spot-checks").status == .forbidden)
        }
    }

    @Test("managers keep the fault codes and the quality rules on one page; a refused form keeps what was typed")
    func qualitySetup() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Self.setup(app)
            let line = setup.fixture.model.productLineId
            // when: a code is added, then the same code again
            let added = try await setup.manager.post(
                "/quality/setup/fault-codes",
                [
                    ("productLineId", "\(line)"), ("code", "FU-01"), ("name", "定影器温度异常"), ("category", "定影系统"),
                    ("cause", "qualityDefect"),
                ])
            #expect(added.status == .seeOther)
            let twice = try await setup.manager.post(
                "/quality/setup/fault-codes",
                [("productLineId", "\(line)"), ("code", "FU-01"), ("name", "<i>重复</i>"), ("category", "定影系统")])
            // then: the second is refused on the page with what was typed, escaped
            #expect(twice.status == .unprocessableEntity)
            #expect(twice.body.string.contains("&lt;i&gt;重复&lt;/i&gt;") && twice.body.string.contains("代码"))
            let codes = try await Records<FaultCodeRecord>(app.store).list(
                page: PageRequest(), filter: .faultCodes(productLineId: line)
            ).items
            #expect(codes.map(\.code) == ["FU-01"])
            // when: renamed, then archived
            let code = try #require(codes.first)
            let renamed = try await setup.manager.post(
                "/quality/setup/fault-codes/\(code.id)",
                [
                    ("version", "\(code.version)"), ("name", "定影器过热"), ("category", "定影系统"), ("cause", ""),
                    ("action", "save"),
                ])
            #expect(renamed.status == .seeOther)
            #expect(try await Records<FaultCodeRecord>(app.store).get(code.id).name == "定影器过热")
            _ = try await setup.manager.post(
                "/quality/setup/fault-codes/\(code.id)", [("version", "\(code.version + 1)"), ("action", "archive")])
            #expect(try await Records<FaultCodeRecord>(app.store).get(code.id).archivedAt != nil)
            // when: the branch's window and share are set, then a share over 100 %
            let saved = try await setup.manager.post(
                "/quality/setup/settings",
                [("orgUnitId", "\(setup.fixture.branch.id)"), ("repeatWindowDays", "60"), ("spotCheckShare", "25")])
            #expect(saved.status == .seeOther)
            let absurd = try await setup.manager.post(
                "/quality/setup/settings",
                [("orgUnitId", "\(setup.fixture.branch.id)"), ("repeatWindowDays", "60"), ("spotCheckShare", "150")])
            #expect(absurd.status == .unprocessableEntity && absurd.body.string.contains("150"))
            let settings = try await Records<QualitySettingsRecord>(app.store).list(page: PageRequest()).items
            #expect(settings.map(\.spotCheckShare) == [2_500])
            #expect(settings.map(\.repeatWindowDays) == [60])
            // and the inspector reads the page without the forms
            let page = try await setup.inspector.get("/quality/setup").body.string
            #expect(page.contains("60 天") && !page.contains("quality-settings-form"))
            #expect(
                try await setup.inspector.post("/quality/setup/settings", [("orgUnitId", "1")]).status == .forbidden)
        }
    }
}
