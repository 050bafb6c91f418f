import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import AftercareServer

/// the customer's side of returns in the portal (issue 16): the application, the case as the customer
/// follows it, recording the shipment and cancelling; another customer's case is not found.
@Suite("Pages: the customer's returns in the portal")
struct PortalReturnPageTests {
    struct Setup {
        var fixture: Fixture
        var customer: Browser
        var other: Browser
        /// A unit of the other customer.
        var otherUnit: UnitRecord.View
        /// The year of the case numbers.
        var year: Int
    }

    static func setup(_ app: Application) async throws -> Setup {
        let store = app.store
        let fixture = try await Fixture.make(store)
        let branch = fixture.branch.id
        try await makeUser(
            app, "renji.returns", roles: [.customer], unit: branch, customer: fixture.customer.id,
            displayName: "王先生")
        let other = try await Records<CustomerRecord>(store).create(
            .init(orgUnitId: branch, name: "苏州精密机械", kind: .company), by: .system)
        let otherUnit = try await Records<UnitRecord>(store).create(
            .init(serialNumber: "SN-OTHER-1", modelId: fixture.model.id, customerId: other.id), by: .system)
        try await makeUser(app, "other.returns", roles: [.customer], unit: branch, customer: other.id)
        return Setup(
            fixture: fixture, customer: try await Browser.signIn(app, "renji.returns"),
            other: try await Browser.signIn(app, "other.returns"), otherUnit: otherUnit,
            year: CalendarDate(store.now, in: store.timeZone).year)
    }

    /// The customer applies through the form for the fixture's unit; returns the case it opened.
    static func apply(_ app: Application, _ setup: Setup, reason: String = "卡纸后不开机，指示灯闪红") async throws
        -> ReturnCaseView
    {
        let response = try await setup.customer.post(
            "/portal/returns",
            [
                ("unitIds", "\(setup.fixture.unit.id)"), ("reason", reason), ("wish", "exchange"),
                ("shipping", "customerSends"), ("shipFrom", "上海市徐汇区漕溪北路 1 号"), ("contactName", "王先生"),
                ("contactPhone", "13800138000"),
            ])
        #expect(response.status == .seeOther)
        let cases = try await ReturnCases(app.store).list(ReturnCaseFilter(), page: PageRequest()).items
        let view = try #require(cases.first)
        #expect(response.headers.first(name: .location) == "/portal/returns/\(view.id)")
        return view
    }

    @Test("a customer applies to send their unit back; the case is in their list, applied, with the next step")
    func applies() async throws {
        try await withTestApp(.sqlite) { app in
            // given: the form offered from the unit, with the unit ticked and the account's contact filled in
            let setup = try await Self.setup(app)
            let unit = setup.fixture.unit.id
            let form = try await setup.customer.get("/portal/returns?unit=\(unit)")
            #expect(form.status == .ok)
            let page = form.body.string
            #expect(page.contains("id=\"return-apply-form\"") && page.contains("value=\"\(unit)\" checked"))
            #expect(page.contains("name=\"_csrf\" value=\"\(setup.customer.csrf)\""))
            #expect(page.contains("138-0013-8000") && !page.contains("SN-OTHER-1"))
            // when
            let view = try await Self.apply(app, setup)
            // then: the case is numbered, applied, from the portal, with a return request registered for it
            #expect(view.number == "RMA-\(setup.year)-000001")
            #expect(view.status == .applied && view.wish == .exchange && view.shipping == .customerSends)
            #expect(view.customerId == setup.fixture.customer.id && view.units.map(\.unitId) == [unit])
            let request = try await ServiceRequests(app.store).get(view.requestId)
            #expect(request.channel == .portal && request.type == .returnExchange)
            // and the list shows it, and the unit on it can no longer be ticked
            let list = try await setup.customer.get("/portal/returns").body.string
            #expect(list.contains("id=\"return-list\"") && list.contains(view.number))
            #expect(list.contains("data-status=\"applied\"") && list.contains("已申请"))
            #expect(list.contains("AC-200 · SN-0001") && list.contains("value=\"\(unit)\" disabled"))
            // and the case page says what was asked and what happens next; the customer may cancel, not yet ship
            let detail = try await setup.customer.get("/portal/returns/\(view.id)").body.string
            #expect(detail.contains("id=\"return-status\"") && detail.contains("data-status=\"applied\""))
            #expect(detail.contains("卡纸后不开机，指示灯闪红") && detail.contains("换货"))
            #expect(detail.contains("客户快递寄回") && detail.contains("上海市徐汇区漕溪北路 1 号"))
            #expect(detail.contains("id=\"return-timeline\"") && detail.contains("提交退货申请"))
            #expect(detail.contains("id=\"return-cancel-form\"") && !detail.contains("id=\"return-ship-form\""))
            // and a second application for the same unit is refused on the page
            let again = try await setup.customer.post(
                "/portal/returns",
                [("unitIds", "\(unit)"), ("reason", "再次申请"), ("wish", "repair"), ("shipping", "dropOff")])
            #expect(again.status == .unprocessableEntity && again.body.string.contains("data-field=\"unitIds[0]\""))
            // and a form without the token changes nothing
            let forged = try await setup.customer.post(
                "/portal/returns",
                [("unitIds", "\(unit)"), ("reason", "伪造"), ("wish", "repair"), ("shipping", "dropOff")],
                csrf: false)
            #expect(forged.status == .forbidden)
            #expect(try await ReturnCases(app.store).list(ReturnCaseFilter(), page: PageRequest()).items.count == 1)
        }
    }

    @Test("an application without a reason stays on the page with the error and what was typed, escaped")
    func withoutReason() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Self.setup(app)
            let unit = setup.fixture.unit.id
            // when
            let response = try await setup.customer.post(
                "/portal/returns",
                [
                    ("unitIds", "\(unit)"), ("reason", "  "), ("wish", "refund"), ("shipping", "customerSends"),
                    ("shipFrom", "上海市徐汇区<漕溪北路> 1 号"), ("carrier", "顺丰速运"),
                    ("trackingNumber", "SF1234567890"), ("contactName", "王先生"), ("contactPhone", "13800138000"),
                ])
            // then: the same page, the field named, what was typed kept (and escaped), nothing opened
            #expect(response.status == .unprocessableEntity)
            let page = response.body.string
            #expect(page.contains("id=\"return-apply-form\"") && page.contains("data-field=\"reason\""))
            #expect(page.contains("退货原因"))
            #expect(page.contains("上海市徐汇区&lt;漕溪北路&gt; 1 号") && !page.contains("<漕溪北路>"))
            #expect(page.contains("顺丰速运") && page.contains("SF1234567890"))
            #expect(page.contains("value=\"\(unit)\" checked") && page.contains("value=\"refund\" selected"))
            #expect(try await ReturnCases(app.store).list(ReturnCaseFilter(), page: PageRequest()).items.isEmpty)
            // and a unit of another customer is refused, opening nothing
            let stranger = try await setup.customer.post(
                "/portal/returns",
                [
                    ("unitIds", "\(setup.otherUnit.id)"), ("reason", "不是我的设备"), ("wish", "repair"),
                    ("shipping", "dropOff"),
                ])
            #expect(stranger.status != .seeOther)
            #expect(try await ReturnCases(app.store).list(ReturnCaseFilter(), page: PageRequest()).items.isEmpty)
        }
    }

    @Test("once the return is authorised the customer records the carrier and tracking number, and nothing else")
    func ships() async throws {
        try await withTestApp(.sqlite) { app in
            // given: an application the staff authorise
            let setup = try await Self.setup(app)
            let view = try await Self.apply(app, setup)
            let path = "/portal/returns/\(view.id)"
            let authorised = try await ReturnCases(app.store).post(
                ReturnStepInput(.authorise, note: "内部：同意退回"), to: view.id, by: .system)
            let page = try await setup.customer.get(path).body.string
            #expect(page.contains("id=\"return-ship-form\"") && page.contains("id=\"return-cancel-form\""))
            #expect(page.contains("data-status=\"authorised\"") && !page.contains("同意退回"))
            // when
            let shipped = try await setup.customer.post(
                "\(path)/events",
                [
                    ("event", "ship"), ("carrier", "顺丰速运"), ("trackingNumber", "SF1234567890"),
                    ("version", "\(authorised.version)"),
                ])
            // then
            #expect(shipped.status == .seeOther)
            #expect(shipped.headers.first(name: .location) == path)
            let after = try await ReturnCases(app.store).get(view.id)
            #expect(after.status == .inTransit && after.carrier == "顺丰速运" && after.trackingNumber == "SF1234567890")
            let detail = try await setup.customer.get(path).body.string
            #expect(detail.contains("data-status=\"inTransit\"") && detail.contains("SF1234567890"))
            #expect(detail.contains("顺丰速运") && !detail.contains("id=\"return-ship-form\""))
            // and a depot step is not the customer's to take: refused on the page, nothing changes
            let receive = try await setup.customer.post(
                "\(path)/events", [("event", "receive"), ("version", "\(after.version)")])
            #expect(receive.status == .unprocessableEntity && receive.body.string.contains("data-field=\"event\""))
            // and shipping twice is refused, nothing changes
            let twice = try await setup.customer.post(
                "\(path)/events", [("event", "ship"), ("carrier", "EMS"), ("trackingNumber", "EMS-2")])
            #expect(twice.status == .conflict)
            let unchanged = try await ReturnCases(app.store).get(view.id)
            #expect(unchanged.status == .inTransit && unchanged.version == after.version)
            #expect(unchanged.carrier == "顺丰速运")
        }
    }

    @Test("another customer gets 404 for the case and for posting to it; the owner cancels only with a reason")
    func otherCustomerAndCancel() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Self.setup(app)
            let view = try await Self.apply(app, setup)
            let path = "/portal/returns/\(view.id)"
            // when: another customer reads and posts
            let read = try await setup.other.get(path)
            let posted = try await setup.other.post("\(path)/events", [("event", "cancel"), ("note", "冒名取消")])
            // then
            #expect(read.status == .notFound && !read.body.string.contains(view.number))
            #expect(posted.status == .notFound)
            #expect(try await ReturnCases(app.store).get(view.id).status == .applied)
            #expect(!(try await setup.other.get("/portal/returns").body.string.contains(view.number)))
            // when: the owner cancels without a reason
            let bare = try await setup.customer.post("\(path)/events", [("event", "cancel")])
            // then: the page names the missing reason
            #expect(bare.status == .unprocessableEntity && bare.body.string.contains("data-field=\"note\""))
            #expect(try await ReturnCases(app.store).get(view.id).status == .applied)
            // when: with one
            let cancelled = try await setup.customer.post(
                "\(path)/events", [("event", "cancel"), ("note", "已在本地修好"), ("version", "\(view.version)")])
            // then
            #expect(cancelled.status == .seeOther)
            #expect(try await ReturnCases(app.store).get(view.id).status == .cancelled)
            let page = try await setup.customer.get(path).body.string
            #expect(page.contains("data-status=\"cancelled\"") && page.contains("已在本地修好"))
            #expect(!page.contains("id=\"return-cancel-form\"") && !page.contains("id=\"return-ship-form\""))
        }
    }

    @Test(
        "the returns pages render in every language without raw keys, English left over or internal notes",
        arguments: Language.allCases)
    func languages(language: Language) async throws {
        try await withTestApp(.sqlite) { app in
            // given: a case received, inspected and decided at the depot, with internal notes on the way
            let setup = try await Self.setup(app)
            let unit = setup.fixture.unit
            let cases = ReturnCases(app.store)
            let opened = try await cases.open(
                ReturnCaseInput(
                    customerId: setup.fixture.customer.id, unitIds: [unit.id], reason: PageTests.payload,
                    wish: .repair, shipping: .customerSends, shipFrom: PageTests.payload, channel: .portal),
                by: .system)
            _ = try await cases.post(ReturnStepInput(.authorise), to: opened.id, by: .system)
            _ = try await cases.post(
                ReturnStepInput(.ship, carrier: "顺丰速运", trackingNumber: "SF1234567890"), to: opened.id, by: .system)
            _ = try await cases.post(
                ReturnStepInput(.receive, serials: [unit.serialNumber]), to: opened.id, by: .system)
            let clean = Dictionary(uniqueKeysWithValues: InspectionItem.allCases.map { ($0, $0.expected) })
            _ = try await cases.post(
                ReturnStepInput(
                    .inspect,
                    inspections: [
                        UnitInspectionInput(
                            unitId: unit.id, checklist: clean, findings: "内部检验：主板电容鼓包",
                            responsibility: .manufacturingDefect, usable: true)
                    ]), to: opened.id, by: .system)
            let decided = try await cases.post(
                ReturnStepInput(
                    .decide, note: "内部：按成本核算维修", resolution: .repair,
                    costs: ReturnCosts(repairMinor: 30_000, newUnitMinor: 400_000)), to: opened.id, by: .system)
            #expect(decided.status == .inRepair)
            let catalogue = app.storage[CatalogueKey.self]!
            let english = catalogue.strings[.en]!
            let local = catalogue.strings[language]!
            let header: HTTPHeaders = ["Accept-Language": language.rawValue]
            for path in ["/portal/returns", "/portal/returns?unit=\(unit.id)", "/portal/returns/\(opened.id)"] {
                // when
                let response = try await setup.customer.get(path, headers: header)
                // then
                let body = response.body.string
                #expect(response.status == .ok, "\(path) in \(language.rawValue): \(response.status.code)")
                #expect(body.contains("<html lang=\"\(language.rawValue)\">"), "\(path)")
                for (key, text) in english
                where language != .en && text.contains(" ") && text.count > 8 && local[key] != text {
                    #expect(!body.contains(">\(text)<"), "\(path) in \(language.rawValue) shows English: \(text)")
                }
                for key in english.keys where key.contains(".") {
                    #expect(!body.contains(">\(key)<"), "\(path) shows the raw key \(key)")
                }
                for prefix in [
                    "portalReturns.", "returnStatus.", "returnNext.", "returnWish.", "returnShipping.",
                    "returnResolution.", "returnCaseEvent.", "returns.field.",
                ] {
                    #expect(!body.contains(prefix), "\(path) in \(language.rawValue) shows a raw key \(prefix)…")
                }
                #expect(!body.contains("主板电容鼓包") && !body.contains("按成本核算"), "\(path): an internal note")
                #expect(!body.contains("300.00") && !body.contains("4,000.00"), "\(path): the costs")
            }
            // and the case page shows the payload escaped, the way out and the timeline in the reader's language
            let detail = try await setup.customer.get("/portal/returns/\(opened.id)", headers: header).body.string
            PageTests.assertEscaped(detail, "/portal/returns/\(opened.id)")
            #expect(detail.contains("id=\"return-resolution\""))
            #expect(detail.contains(local["returnResolution.repair"] ?? "-"))
            #expect(detail.contains(local["returnCaseEvent.inspect"] ?? "-"))
            #expect(detail.contains("SF1234567890"))
        }
    }
}
