import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import AftercareServer

/// the pages of spare parts: stock, a part, the engineer's van, requisitions, purchasing and stocktakes.
@Suite("Pages: spare parts")
struct PartsPageTests {
    /// A branch with its store and an engineer's van; a roller (named with a script) with 5 in the store and a
    /// reorder point above that, a drum with 1; a keeper, a manager, an engineer, a hotline agent, a complaint
    /// handler and a customer account.
    struct Setup {
        static let hostileName = "<script>alert(1)</script>搓纸轮"

        var fixture: Fixture
        var roller: PartRecord.View
        var drum: PartRecord.View
        var store: WarehouseRecord.View
        var van: WarehouseRecord.View
        var engineer: EngineerRecord.View
        var keeper: Browser
        var manager: Browser
        var engineerBrowser: Browser
        var hotline: Browser
        var complaints: Browser
        var customer: Browser

        static func make(_ app: Application) async throws -> Setup {
            let store = app.store
            let fixture = try await Fixture.make(store)
            let branch = fixture.branch.id
            try await makeUser(app, "p.keeper", roles: [.warehouseKeeper], unit: branch)
            try await makeUser(app, "p.manager", roles: [.serviceManager], unit: branch)
            let engineerUser = try await makeUser(app, "p.engineer", roles: [.fieldEngineer], unit: branch)
            try await makeUser(app, "p.hotline", roles: [.hotlineAgent], unit: branch)
            try await makeUser(app, "p.complaints", roles: [.complaintHandler], unit: branch)
            try await makeUser(app, "p.customer", roles: [.customer], unit: branch, customer: fixture.customer.id)
            let engineer = try await Records<EngineerRecord>(store).create(
                .init(
                    userId: engineerUser.user.id, orgUnitId: branch, level: 3,
                    skills: [EngineerSkill(productLineId: fixture.model.productLineId, level: 3)]), by: .system)
            let roller = try await Records<PartRecord>(store).create(
                .init(partNumber: "RL-T1", name: hostileName, partClass: .c, lastPrice: 1200), by: .system)
            let drum = try await Records<PartRecord>(store).create(
                .init(partNumber: "DR-T1", name: "硒鼓", partClass: .c, lastPrice: 5000), by: .system)
            let warehouse = try await Records<WarehouseRecord>(store).create(
                .init(code: "WH-T", name: "测试仓", kind: .branch, orgUnitId: branch), by: .system)
            let van = try await Records<WarehouseRecord>(store).create(
                .init(code: "VAN-T", name: "工程师车", kind: .van, orgUnitId: branch, engineerId: engineer.id),
                by: .system)
            _ = try await Records<StockRuleRecord>(store).create(
                .init(partId: roller.id, warehouseId: warehouse.id, bin: "A-01", reorderPoint: 10, reorderQuantity: 20),
                by: .system)
            _ = try await Stock(store).receive(
                ReceiptInput(partId: roller.id, warehouseId: warehouse.id, quantity: 5, unitCost: 1200), by: .system)
            _ = try await Stock(store).receive(
                ReceiptInput(partId: drum.id, warehouseId: warehouse.id, quantity: 1, unitCost: 5000), by: .system)
            return Setup(
                fixture: fixture, roller: roller, drum: drum, store: warehouse, van: van, engineer: engineer,
                keeper: try await Browser.signIn(app, "p.keeper"), manager: try await Browser.signIn(app, "p.manager"),
                engineerBrowser: try await Browser.signIn(app, "p.engineer"),
                hotline: try await Browser.signIn(app, "p.hotline"),
                complaints: try await Browser.signIn(app, "p.complaints"),
                customer: try await Browser.signIn(app, "p.customer"))
        }

        func requisition(_ app: Application, _ lines: [(PartRecord.View, Double)]) async throws -> RequisitionView {
            try await Requisitions(app.store).create(
                RequisitionInput(
                    engineerId: engineer.id, warehouseId: store.id,
                    lines: lines.map { .init(partId: $0.0.id, quantity: $0.1) }), by: .system)
        }
    }

    @Test(
        "stock pages are refused to a complaint handler and a customer; a hotline agent may look",
        arguments: TestDatabase.all)
    func roles(_ database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given
            let setup = try await Setup.make(app)
            let requisition = try await setup.requisition(app, [(setup.drum, 1)])
            let paths = [
                "/stock", "/parts/\(setup.roller.id)", "/requisitions", "/requisitions/\(requisition.id)",
                "/purchasing", "/stocktakes", "/my/van",
            ]
            for path in paths {
                // when
                let complaints = try await setup.complaints.get(path)
                let customer = try await setup.customer.get(path)
                // then
                #expect(complaints.status == .forbidden, "\(path) as complaint handler: \(complaints.status.code)")
                #expect(customer.status == .forbidden, "\(path) as customer: \(customer.status.code)")
            }
            let hotline = try await setup.hotline.get("/stock")
            #expect(hotline.status == .ok)
            #expect(hotline.body.string.contains("id=\"nav-stock\""))
            #expect(!hotline.body.string.contains("id=\"nav-van\""))
            #expect(try await setup.hotline.get("/my/van").status == .forbidden, "no requestParts, no van")
            #expect(
                try await setup.hotline.post("/stocktakes", [("warehouseId", "\(setup.store.id)")]).status == .forbidden
            )
            // an engineer may not approve, and sees the van link
            let approve = try await setup.engineerBrowser.post(
                "/requisitions/\(requisition.id)/events", [("event", "approve")])
            #expect(approve.status == .forbidden)
            #expect(try await Requisitions(app.store).get(requisition.id).status == .requested)
            #expect(try await setup.engineerBrowser.get("/stock").body.string.contains("id=\"nav-van\""))
        }
    }

    @Test("a part called <script> shows as text on the stock and part pages", arguments: TestDatabase.all)
    func escaping(_ database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given
            let setup = try await Setup.make(app)
            // when
            let stock = try await setup.keeper.get("/stock")
            let part = try await setup.keeper.get("/parts/\(setup.roller.id)")
            let search = try await setup.keeper.get("/stock?q=RL-T1")
            // then
            for page in [stock, part, search] {
                let body = page.body.string
                #expect(page.status == .ok)
                #expect(!body.contains("<script>alert(1)"))
                #expect(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;搓纸轮"))
            }
            #expect(search.body.string.contains("data-part=\"\(setup.roller.id)\""))
            #expect(!search.body.string.contains("data-part=\"\(setup.drum.id)\""), "the search narrows to one part")
            #expect(part.body.string.contains("id=\"ledger-table\""))
            let low = try await setup.keeper.get("/stock?low=1")
            #expect(low.body.string.contains("class=\"balance low\""))
            #expect(!low.body.string.contains("data-part=\"\(setup.drum.id)\""))
        }
    }

    @Test("a form without the CSRF token is refused and changes nothing", arguments: TestDatabase.all)
    func csrf(_ database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given
            let setup = try await Setup.make(app)
            let requisition = try await setup.requisition(app, [(setup.drum, 1)])
            // when
            let response = try await setup.keeper.post(
                "/requisitions/\(requisition.id)/events", [("event", "approve")], csrf: false)
            let start = try await setup.keeper.post("/stocktakes", [("warehouseId", "\(setup.store.id)")], csrf: false)
            // then
            #expect(response.status == .forbidden)
            #expect(start.status == .forbidden)
            #expect(try await Requisitions(app.store).get(requisition.id).status == .requested)
            #expect(try await Stocktakes(app.store).list(warehouseId: nil, page: PageRequest()).items.isEmpty)
        }
    }

    @Test(
        "an engineer requests parts, the keeper approves and issues them, and the engineer sees them in the van",
        arguments: TestDatabase.all)
    func requisitionFlow(_ database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given
            let setup = try await Setup.make(app)
            let form = try await setup.engineerBrowser.get("/requisitions/new")
            #expect(form.status == .ok)
            #expect(form.body.string.contains("id=\"requisition-new-form\""))
            // when the engineer requests a drum and two rollers
            let created = try await setup.engineerBrowser.post(
                "/requisitions/new",
                [
                    ("warehouseId", "\(setup.store.id)"), ("partNumber", "DR-T1"), ("quantity", "1"),
                    ("partNumber", "RL-T1"), ("quantity", "2"), ("partNumber", ""), ("quantity", ""),
                ])
            // then
            #expect(created.status == .seeOther)
            let location = try #require(created.headers.first(name: .location))
            let id = try #require(Int(location.split(separator: "/").last ?? ""))
            let requested = try await Requisitions(app.store).get(id)
            #expect(requested.engineerId == setup.engineer.id && requested.lines.count == 2)
            // the engineer sees no approve form; the keeper does
            let own = try await setup.engineerBrowser.get(location)
            #expect(own.status == .ok)
            #expect(!own.body.string.contains("data-event=\"approve\""))
            #expect(own.body.string.contains("data-event=\"cancel\""))
            let page = try await setup.keeper.get(location)
            #expect(page.body.string.contains("data-event=\"approve\""))
            #expect(page.body.string.contains("data-event=\"reject\""))
            #expect(!page.body.string.contains("data-event=\"issue\""), "issue only after approval")

            // when the keeper approves and issues
            let approved = try await setup.keeper.post("\(location)/events", [("event", "approve")])
            let issued = try await setup.keeper.post("\(location)/events", [("event", "issue")])
            // then
            #expect(approved.status == .seeOther)
            #expect(issued.status == .seeOther)
            #expect(try await Requisitions(app.store).get(id).status == .issued)
            let van = try await setup.engineerBrowser.get("/my/van")
            #expect(van.status == .ok)
            let body = van.body.string
            #expect(body.contains("data-part=\"DR-T1\""))
            #expect(body.contains("data-part=\"RL-T1\""))
            #expect(body.contains("data-status=\"issued\""))
            #expect(body.contains("width=device-width"))
            // the printable form
            let print = try await setup.keeper.get("\(location)/print", headers: ["Accept-Language": "zh-Hans"])
            #expect(print.status == .ok)
            #expect(print.body.string.contains("配件领用单"))
            #expect(print.body.string.contains("id=\"print-signatures\""))
            // the worklist: the keeper sees it; another engineer-only user would see only their own
            let list = try await setup.keeper.get("/requisitions?status=issued")
            #expect(list.body.string.contains("data-requisition=\"\(id)\""))
            let none = try await setup.keeper.get("/requisitions?status=closed")
            #expect(!none.body.string.contains("data-requisition=\"\(id)\""))
        }
    }

    @Test("a shortage on approval shows the localised error and changes nothing", arguments: TestDatabase.all)
    func shortage(_ database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given ten rollers requested, five in the store
            let setup = try await Setup.make(app)
            let requisition = try await setup.requisition(app, [(setup.roller, 10)])
            let before = try await Stock(app.store).of(partId: setup.roller.id)
            // when
            func approve(_ language: String) async throws -> TestingHTTPResponse {
                try await setup.keeper.post(
                    "/requisitions/\(requisition.id)/events", [("event", "approve")],
                    headers: ["Accept-Language": language])
            }
            let english = try await approve("en")
            let chinese = try await approve("zh-Hans")
            // then
            #expect(english.status == .conflict)
            #expect(english.body.string.contains("data-field=\"quantity\""))
            #expect(english.body.string.contains("not enough RL-T1 in WH-T"))
            #expect(chinese.status == .conflict)
            #expect(chinese.body.string.contains("WH-T 的 RL-T1 库存不足"))
            #expect(try await Requisitions(app.store).get(requisition.id).status == .requested)
            #expect(try await Stock(app.store).of(partId: setup.roller.id) == before)
        }
    }

    @Test(
        "a stocktake counts a part by its number and shows the variance; the manager approves it",
        arguments: TestDatabase.all)
    func stocktake(_ database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given
            let setup = try await Setup.make(app)
            // when the keeper starts a stocktake and counts three rollers
            let started = try await setup.keeper.post(
                "/stocktakes", [("warehouseId", "\(setup.store.id)"), ("note", "月末盘点")])
            #expect(started.status == .seeOther)
            let location = try #require(started.headers.first(name: .location))
            let page = try await setup.keeper.get(location)
            #expect(page.body.string.contains("autofocus"))
            #expect(!page.body.string.contains("id=\"stocktake-approve\""), "a keeper may not approve")
            let counted = try await setup.keeper.post(
                "\(location)/counts", [("partNumber", "RL-T1"), ("quantity", "3"), ("mode", "set")])
            let added = try await setup.keeper.post(
                "\(location)/counts", [("partNumber", "DR-T1"), ("quantity", "1"), ("mode", "add")])
            let unknown = try await setup.keeper.post(
                "\(location)/counts", [("partNumber", "NO-SUCH"), ("quantity", "1"), ("mode", "set")])
            // then
            #expect(counted.status == .seeOther)
            #expect(added.status == .seeOther)
            #expect(unknown.status == .unprocessableEntity)
            #expect(unknown.body.string.contains("data-field=\"partNumber\""))
            let report = try await setup.keeper.get(location, headers: ["Accept-Language": "en"])
            let body = report.body.string
            #expect(body.contains("data-part=\"RL-T1\" data-variance=\"short\""))
            #expect(body.contains("data-part=\"DR-T1\" data-variance=\"none\""))
            #expect(body.contains("<td data-label=\"Variance\" class=\"difference\">-2</td>"))
            // and a second stocktake of the same warehouse is refused on the form
            let again = try await setup.keeper.post("/stocktakes", [("warehouseId", "\(setup.store.id)")])
            #expect(again.status == .conflict)
            // when the manager approves
            let approve = try await setup.manager.get(location)
            #expect(approve.body.string.contains("id=\"stocktake-approve\""))
            let approved = try await setup.manager.post("\(location)/approve")
            #expect(approved.status == .seeOther)
            #expect(try await Stock(app.store).of(partId: setup.roller.id).onHand == 3)
        }
    }

    @Test("a purchase order is made from the checked suggestions, received and inspected", arguments: TestDatabase.all)
    func purchasing(_ database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given a quarantine store for failed goods
            let setup = try await Setup.make(app)
            _ = try await Records<WarehouseRecord>(app.store).create(
                .init(code: "WH-T-QUA", name: "隔离仓", kind: .quarantine, orgUnitId: setup.fixture.branch.id),
                by: .system)
            let page = try await setup.keeper.get("/purchasing")
            let key = "\(setup.roller.id)-\(setup.store.id)"
            #expect(page.body.string.contains("data-key=\"\(key)\""))
            // when
            let nothing = try await setup.keeper.post("/purchasing/orders", [("supplier", "供应商甲")])
            let created = try await setup.keeper.post(
                "/purchasing/orders",
                [("pick", key), ("quantity.\(key)", "20"), ("price.\(key)", "11.50"), ("supplier", "供应商甲")])
            // then
            #expect(nothing.status == .unprocessableEntity)
            #expect(created.status == .seeOther)
            let location = try #require(created.headers.first(name: .location))
            let id = try #require(Int(location.split(separator: "/").last ?? ""))
            let order = try await Purchasing(app.store).get(id)
            #expect(order.lines.first?.unitPrice == 1150 && order.lines.first?.quantity == 20)
            // receive it
            let line = try #require(order.lines.first)
            let received = try await setup.keeper.post("\(location)/receive", [("quantity.\(line.id)", "20")])
            #expect(received.status == .seeOther)
            let receipt = try #require(try await Purchasing(app.store).get(id).receipts.first)
            let inspected = try await setup.keeper.post(
                "\(location)/receipts/\(receipt.id)/inspection", [("passed", "19"), ("failed", "1"), ("reason", "破损")])
            #expect(inspected.status == .seeOther)
            #expect(try await Stock(app.store).of(partId: setup.roller.id).onHand >= 24)
            #expect(try await setup.hotline.get(location).status == .ok)
        }
    }

    @Test("every parts page renders in every language without English left over or raw keys")
    func languages() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            let requisition = try await setup.requisition(app, [(setup.drum, 1)])
            let order = try await Purchasing(app.store).create(
                PurchaseOrderInput(
                    supplier: "供应商", warehouseId: setup.store.id,
                    lines: [.init(partId: setup.roller.id, quantity: 2, unitPrice: 100)]), by: .system)
            let take = try await Stocktakes(app.store).start(StocktakeInput(warehouseId: setup.store.id), by: .system)
            _ = try await Stocktakes(app.store).count(
                CountInput(partNumber: "RL-T1", quantity: 4), stocktake: take.id, by: .system)
            let catalogue = app.storage[CatalogueKey.self]!
            let english = catalogue.strings[.en]!
            let pages: [(Browser, String)] = [
                (setup.keeper, "/stock"), (setup.keeper, "/parts/\(setup.roller.id)"),
                (setup.keeper, "/requisitions"), (setup.keeper, "/requisitions/\(requisition.id)"),
                (setup.keeper, "/requisitions/\(requisition.id)/print"), (setup.keeper, "/requisitions/new"),
                (setup.keeper, "/purchasing"), (setup.keeper, "/purchasing/orders/\(order.id)"),
                (setup.keeper, "/stocktakes"), (setup.keeper, "/stocktakes/\(take.id)"),
                (setup.engineerBrowser, "/my/van"), (setup.engineerBrowser, "/requisitions/new"),
                (setup.engineerBrowser, "/requisitions/\(requisition.id)"),
            ]
            for language in Language.allCases {
                let local = catalogue.strings[language]!
                for (browser, path) in pages {
                    // when
                    let response = try await browser.get(path, headers: ["Accept-Language": language.rawValue])
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
                }
            }
        }
    }
}
