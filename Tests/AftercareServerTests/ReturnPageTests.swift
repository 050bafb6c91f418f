import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import AftercareServer

/// the depot's pages: the request's "send to the depot", the case page with only the steps the roles allow,
/// the board, the return form, and every page in four languages.
@Suite("Pages: return cases and the depot")
struct ReturnPageTests {
    struct Setup {
        var fixture: Fixture
        var requestId: Int
        var desk: Browser
        var technician: Browser
        var manager: Browser
    }

    /// A repair request for the fixture's unit; the depot at headquarters, approvals above 5,000.00.
    static func setup(_ app: Application) async throws -> Setup {
        let store = app.store
        let fixture = try await Fixture.make(store)
        _ = try await ReturnCases(store).setRules(
            ReturnRules(
                depotUnitId: fixture.headquarters.id, approvalLimitMinor: 500_000, currency: .cny,
                exchangeWarranty: ExchangeWarranty(basis: .remainder, months: 3)), by: .system)
        let hq = fixture.headquarters.id
        try await makeUser(app, "desk", roles: [.hotlineAgent], unit: fixture.branch.id, displayName: "林晓")
        try await makeUser(app, "tech", roles: [.technicalSupport], unit: hq, displayName: "周工")
        try await makeUser(app, "boss", roles: [.serviceManager], unit: hq, displayName: "陈经理")
        let request = try await ServiceRequests(store).register(
            ServiceRequestInput(
                customerId: fixture.customer.id, contactName: "王先生", contactPhone: "13800138000",
                unitIds: [fixture.unit.id], channel: .phone, type: .repair, faultDescription: "开机无显示，现场无法修复"),
            by: .system)
        return Setup(
            fixture: fixture, requestId: request.id, desk: try await Browser.signIn(app, "desk"),
            technician: try await Browser.signIn(app, "tech"), manager: try await Browser.signIn(app, "boss"))
    }

    static func caseId(_ app: Application) async throws -> Int {
        try #require(try await ReturnCases(app.store).list(ReturnCaseFilter(), page: PageRequest()).items.first).id
    }

    @Test(
        "the desk sends a request's unit to the depot; the depot receives, inspects and decides; the manager approves")
    func flow() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Self.setup(app)
            let request = try await setup.desk.get("/requests/\(setup.requestId)").body.string
            #expect(request.contains("id=\"returns-panel\"") && request.contains("/returns/new?request="))
            let form = try await setup.desk.get("/returns/new?request=\(setup.requestId)")
            #expect(form.status == .ok && form.body.string.contains("SN-0001"))
            // when: no unit ticked
            let none = try await setup.desk.post(
                "/returns",
                [
                    ("requestId", "\(setup.requestId)"), ("reason", "开机<无显示>"), ("wish", "repair"),
                    ("shipping", "dropOff"),
                ])
            // then: the form stays with the message and what was typed, escaped
            #expect(none.status == .unprocessableEntity)
            #expect(none.body.string.contains("data-field=\"unitIds\"") && none.body.string.contains("开机&lt;无显示&gt;"))
            // when: the unit is sent
            let opened = try await setup.desk.post(
                "/returns",
                [
                    ("requestId", "\(setup.requestId)"), ("unitId", "\(setup.fixture.unit.id)"), ("reason", "开机无显示"),
                    ("wish", "exchange"), ("shipping", "engineerPickup"),
                ])
            #expect(opened.status == .seeOther)
            let id = try await Self.caseId(app)
            let page = try await setup.desk.get("/returns/\(id)").body.string
            #expect(page.contains("RMA-") && page.contains("step-authorise"))
            // the desk neither receives nor inspects: no such forms, and a posted step is refused
            #expect(!page.contains("step-receive"))
            let refused = try await setup.desk.post(
                "/returns/\(id)/events", [("event", "receive"), ("serial", "SN-0001")])
            #expect(refused.status == .forbidden)
            // when: authorised by the desk, then a wrong unit arrives at the depot
            #expect(try await setup.desk.post("/returns/\(id)/events", [("event", "authorise")]).status == .seeOther)
            let wrong = try await setup.technician.post(
                "/returns/\(id)/events", [("event", "receive"), ("serial", "SN-9999")])
            // then: refused on the page, naming both serials
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.body.string.contains("SN-9999") && wrong.body.string.contains("SN-0001"))
            // when: the right unit arrives and is inspected: unusable, our fault
            _ = try await setup.technician.post("/returns/\(id)/events", [("event", "receive"), ("serial", "SN-0001")])
            let unit = setup.fixture.unit.id
            var inspection: [(String, String)] = [("event", "inspect")]
            inspection += InspectionItem.allCases.filter(\.expected).map { ("check.\(unit)", $0.rawValue) }
            inspection += [("responsibility.\(unit)", "manufacturingDefect"), ("findings.\(unit)", "主板烧毁")]
            #expect(try await setup.technician.post("/returns/\(id)/events", inspection).status == .seeOther)
            let inspected = try await ReturnCases(app.store).get(id)
            #expect(inspected.units[0].usable == false && inspected.units[0].responsibility == .manufacturingDefect)
            // then: the decision form proposes an exchange
            let deciding = try await setup.technician.get("/returns/\(id)").body.string
            #expect(deciding.contains("id=\"decide-proposal\">换新"))
            // when: an exchange dearer than the limit is decided
            let decided = try await setup.technician.post(
                "/returns/\(id)/events", [("event", "decide"), ("resolution", "exchange"), ("newUnitCost", "6800")])
            #expect(decided.status == .seeOther)
            // then: it waits for the manager; the technician may not approve
            #expect(try await ReturnCases(app.store).get(id).status == .decided)
            #expect(
                try await setup.technician.post("/returns/\(id)/events", [("event", "approve")]).status == .forbidden)
            let approving = try await setup.manager.get("/returns/\(id)").body.string
            #expect(approving.contains("step-approve") && approving.contains("¥6,800.00"))
            #expect(try await setup.manager.post("/returns/\(id)/events", [("event", "approve")]).status == .seeOther)
            #expect(try await ReturnCases(app.store).get(id).status == .approved)
            // and the board lists it, the return form prints it
            let board = try await setup.technician.get("/returns").body.string
            #expect(board.contains("return-board") && board.contains("RMA-"))
            let print = try await setup.technician.get("/returns/\(id)/print?lang=en").body.string
            #expect(print.contains("Return form") && print.contains("Manufacturing defect"))
        }
    }

    @Test("photos of the unit: the depot keeps pictures checked by their content, served to whoever sees the case")
    func photos() async throws {
        try await withTestApp(.sqlite) { app in
            // given: an open case
            let setup = try await Self.setup(app)
            let opened = try await ReturnCases(app.store).open(
                ReturnCaseInput(requestId: setup.requestId, reason: "外壳破裂", wish: .repair, shipping: .dropOff),
                by: .system)
            // when: a picture, then markup named like one
            let photo = try await ConversationPageTests.post(
                app, setup.technician, "/returns/\(opened.id)/photos", [],
                files: [(name: "外观.png", bytes: ReportPageTests.png)])
            let markup = try await ConversationPageTests.post(
                app, setup.technician, "/returns/\(opened.id)/photos", [],
                files: [(name: "x.png", bytes: Array("<svg onload=alert(1)>".utf8))])
            // then: the picture is kept and shown on the case; the markup is refused (back to the case page) and kept
            // nowhere
            #expect(photo.status == .seeOther && markup.status == .seeOther)
            let kept = try await ReturnPhotos(app.store, vault: app.vault).of(opened.id)
            #expect(kept.map(\.fileName) == ["外观.png"])
            let served = try await setup.technician.get("/returns/photos/\(kept[0].id)")
            #expect(served.status == .ok && served.headers.contentType == .png)
            #expect(
                try await setup.desk.get("/returns/\(opened.id)").body.string.contains("/returns/photos/\(kept[0].id)"))
            // and the case's customer sees it in the portal, another customer does not
            let branch = setup.fixture.branch.id
            try await makeUser(app, "renji", roles: [.customer], unit: branch, customer: setup.fixture.customer.id)
            let other = try await Records<CustomerRecord>(app.store).create(
                .init(orgUnitId: branch, name: "苏州精密机械", kind: .company), by: .system)
            try await makeUser(app, "other", roles: [.customer], unit: branch, customer: other.id)
            let owner = try await Browser.signIn(app, "renji")
            #expect(try await owner.get("/portal/returns/photos/\(kept[0].id)").status == .ok)
            let stranger = try await Browser.signIn(app, "other")
            #expect(try await stranger.get("/portal/returns/photos/\(kept[0].id)").status == .notFound)
        }
    }

    @Test("the case pages render in every language without English left over or raw keys", arguments: Language.allCases)
    func languages(language: Language) async throws {
        try await withTestApp(.sqlite) { app in
            // given: a case received at the depot
            let setup = try await Self.setup(app)
            let cases = ReturnCases(app.store)
            let opened = try await cases.open(
                ReturnCaseInput(requestId: setup.requestId, reason: "开机无显示", wish: .repair, shipping: .dropOff),
                by: .system)
            _ = try await cases.post(ReturnStepInput(.authorise), to: opened.id, by: .system)
            _ = try await cases.post(ReturnStepInput(.receive, serials: ["SN-0001"]), to: opened.id, by: .system)
            let catalogue = app.storage[CatalogueKey.self]!
            let english = catalogue.strings[.en]!
            let local = catalogue.strings[language]!
            for path in ["/returns", "/returns/\(opened.id)", "/returns/new?request=\(setup.requestId)"] {
                // when
                let response = try await setup.manager.get(path, headers: ["Accept-Language": language.rawValue])
                // then
                let body = response.body.string
                #expect(response.status == .ok, "\(path)")
                #expect(body.contains("<html lang=\"\(language.rawValue)\">"), "\(path)")
                for (key, text) in english
                where language != .en && text.contains(" ") && text.count > 8 && local[key] != text {
                    #expect(!body.contains(">\(text)<"), "\(path) in \(language.rawValue) shows English: \(text)")
                }
                for key in english.keys where key.contains(".") {
                    #expect(!body.contains(">\(key)<"), "\(path) shows the raw key \(key)")
                }
            }
        }
    }
}
