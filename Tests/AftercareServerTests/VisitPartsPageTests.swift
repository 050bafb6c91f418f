import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import AftercareServer

/// the visit page's parts panel: the visit's requisitions, and the likely parts of its preparation list
/// turned into a requisition.
@Suite("Pages: a visit's parts")
struct VisitPartsPageTests {
    /// The spare parts setup (a branch store with rollers RL-T1 and drums DR-T1, an engineer with a van), plus an
    /// emergency reserve and a quarantine store, another engineer, a dispatcher, a hotline agent, a complaint
    /// handler; a visit assigned to the engineer whose preparation names two rollers and a part not in the
    /// catalogue, an emergency visit like it, and a visit whose likely parts have no part numbers.
    struct Setup {
        var parts: PartsPageTests.Setup
        var reserve: WarehouseRecord.View
        var quarantine: WarehouseRecord.View
        var visit: VisitView
        var emergency: VisitView
        var unnumbered: VisitView
        var otherEngineer: Browser
        var dispatcher: Browser

        static func make(_ app: Application) async throws -> Setup {
            let store = app.store
            let parts = try await PartsPageTests.Setup.make(app)
            let branch = parts.fixture.branch.id
            let other = try await makeUser(app, "p.engineer.other", roles: [.fieldEngineer], unit: branch)
            _ = try await Records<EngineerRecord>(store).create(
                .init(
                    userId: other.user.id, orgUnitId: branch, level: 3,
                    skills: [EngineerSkill(productLineId: parts.fixture.model.productLineId, level: 3)]), by: .system)
            try await makeUser(app, "p.dispatcher", roles: [.dispatcher], unit: branch)
            let reserve = try await Records<WarehouseRecord>(store).create(
                .init(code: "WH-E", name: "应急库", kind: .emergencyReserve, orgUnitId: branch), by: .system)
            let quarantine = try await Records<WarehouseRecord>(store).create(
                .init(code: "WH-Q", name: "隔离库", kind: .quarantine, orgUnitId: branch), by: .system)
            let request = try await ServiceRequests(store).register(
                .init(
                    customerId: parts.fixture.customer.id, unitIds: [parts.fixture.unit.id], channel: .phone,
                    type: .repair, faultDescription: "卡纸"), by: .system)
            let likely = VisitPreparation(
                parts: [.init(partNumber: "RL-T1", name: "搓纸轮", quantity: 2), .init(name: "螺丝", quantity: 4)])
            func visit(_ preparation: VisitPreparation, emergency: Bool = false) async throws -> VisitView {
                let visit = try await Visits(store).create(
                    VisitInput(purpose: .repair, preparation: preparation, emergency: emergency),
                    requestId: request.id, by: .system)
                return try await Visits(store).post(
                    VisitEventInput(event: .assign, engineerId: parts.engineer.id), to: visit.id, by: .system
                ).visit
            }
            return Setup(
                parts: parts, reserve: reserve, quarantine: quarantine, visit: try await visit(likely),
                emergency: try await visit(likely, emergency: true),
                unnumbered: try await visit(VisitPreparation(parts: [.init(name: "螺丝", quantity: 4)])),
                otherEngineer: try await Browser.signIn(app, "p.engineer.other"),
                dispatcher: try await Browser.signIn(app, "p.dispatcher"))
        }

        var engineer: Browser { parts.engineerBrowser }

        func requisitionCount(_ app: Application) async throws -> Int {
            try await app.store.sql.raw("SELECT COUNT(*) AS n FROM requisitions").first(
                decodingColumn: "n", as: Int.self)
                ?? 0
        }
    }

    @Test(
        "the engineer requests the likely parts from their visit's page and lands on the requisition",
        arguments: TestDatabase.all)
    func request(_ database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given
            let setup = try await Setup.make(app)
            let path = "/visits/\(setup.visit.id)"
            // when
            let page = try await setup.engineer.get(path, headers: ["Accept-Language": "en"])
            // then
            var body = page.body.string
            #expect(page.status == .ok)
            #expect(body.contains("id=\"visit-parts\""))
            #expect(body.contains("id=\"visit-requisitions-empty\""))
            #expect(body.contains("action=\"/visits/\(setup.visit.id)/requisitions\""))
            #expect(body.contains("<option value=\"\(setup.parts.store.id)\""), "the branch store issues")
            #expect(!body.contains("<option value=\"\(setup.reserve.id)\""), "the reserve only for emergencies")
            #expect(!body.contains("<option value=\"\(setup.quarantine.id)\""), "quarantine never issues")
            #expect(!body.contains("<option value=\"\(setup.parts.van.id)\""), "a van does not issue")

            // when the engineer posts the form
            let posted = try await setup.engineer.post(
                "\(path)/requisitions", [("warehouseId", "\(setup.parts.store.id)")])
            // then
            #expect(posted.status == .seeOther)
            let location = try #require(posted.headers.first(name: .location))
            #expect(location.hasPrefix("/requisitions/"))
            let id = try #require(Int(location.dropFirst("/requisitions/".count)))
            let requisition = try await Requisitions(app.store).get(id)
            #expect(requisition.visitId == setup.visit.id)
            #expect(requisition.engineerId == setup.parts.engineer.id)
            #expect(requisition.warehouseId == setup.parts.store.id)
            #expect(requisition.lines.map(\.partNumber) == ["RL-T1"])
            #expect(requisition.lines.first?.quantity == 2)
            #expect(requisition.note?.contains("螺丝") == true, "the part not in the catalogue is noted")
            let landed = try await setup.engineer.get(location)
            #expect(landed.status == .ok)
            #expect(landed.body.string.contains("RL-T1"))

            // when the engineer opens the visit again
            body = try await setup.engineer.get(path, headers: ["Accept-Language": "en"]).body.string
            // then the panel lists the requisition with its status
            #expect(body.contains("href=\"/requisitions/\(id)\""))
            #expect(body.contains(requisition.number))
            let catalogue = app.storage[CatalogueKey.self]!
            #expect(body.contains(catalogue.text("requisitionStatus.requested", .en)))
            #expect(!body.contains("id=\"visit-requisitions-empty\""))
        }
    }

    @Test(
        "another engineer, a post without the CSRF token and those without requestParts are refused",
        arguments: TestDatabase.all)
    func refused(_ database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given
            let setup = try await Setup.make(app)
            let branch = setup.parts.fixture.branch.id
            try await makeUser(app, "p.complaints.visits", roles: [.complaintHandler], unit: branch)
            let complaints = try await Browser.signIn(app, "p.complaints.visits")
            let path = "/visits/\(setup.visit.id)"
            let form = [("warehouseId", "\(setup.parts.store.id)")]
            // when
            let other = try await setup.otherEngineer.post("\(path)/requisitions", form)
            let forged = try await setup.engineer.post("\(path)/requisitions", form, csrf: false)
            let hotline = try await setup.parts.hotline.post("\(path)/requisitions", form)
            // then
            #expect(other.status == .forbidden || other.status == .notFound, "\(other.status.code)")
            #expect(forged.status == .forbidden)
            #expect(hotline.status == .forbidden)
            #expect(try await setup.requisitionCount(app) == 0)
            // another engineer sees the visit's panel without the form; so does a hotline agent
            for browser in [setup.otherEngineer, setup.parts.hotline] {
                let body = try await browser.get(path).body.string
                #expect(body.contains("id=\"visit-parts\""))
                #expect(!body.contains("id=\"request-parts-form\""))
            }
            // who may not see stock sees no panel
            let hidden = try await complaints.get(path)
            #expect(hidden.status == .ok)
            #expect(!hidden.body.string.contains("id=\"visit-parts\""))
        }
    }

    @Test(
        "a dispatcher may request for any visit; refusals show on the visit page; the reserve only for emergencies",
        arguments: TestDatabase.all)
    func dispatcher(_ database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given
            let setup = try await Setup.make(app)
            // then the form is offered where there are numbered likely parts, with the reserve for an emergency
            let ordinary = try await setup.dispatcher.get("/visits/\(setup.visit.id)").body.string
            #expect(ordinary.contains("id=\"request-parts-form\""))
            let emergency = try await setup.dispatcher.get("/visits/\(setup.emergency.id)").body.string
            #expect(emergency.contains("<option value=\"\(setup.reserve.id)\""))
            let unnumbered = try await setup.dispatcher.get("/visits/\(setup.unnumbered.id)").body.string
            #expect(unnumbered.contains("id=\"visit-parts\""))
            #expect(!unnumbered.contains("id=\"request-parts-form\""), "no part numbers, nothing to request")

            // when the reserve is chosen for an ordinary visit, quarantine, or no warehouse at all
            for (visit, fields) in [
                (setup.visit, [("warehouseId", "\(setup.reserve.id)")]),
                (setup.visit, [("warehouseId", "\(setup.quarantine.id)")]), (setup.visit, []),
            ] {
                let refused = try await setup.dispatcher.post("/visits/\(visit.id)/requisitions", fields)
                // then
                let body = refused.body.string
                #expect(refused.status == .unprocessableEntity, "\(fields)")
                #expect(body.contains("data-field=\"warehouseId\""), "\(fields)")
                #expect(body.contains("id=\"visit-parts\""), "the visit page again")
            }
            // when the visit's likely parts have no part numbers
            let none = try await setup.dispatcher.post(
                "/visits/\(setup.unnumbered.id)/requisitions", [("warehouseId", "\(setup.parts.store.id)")])
            #expect(none.status == .unprocessableEntity)
            #expect(none.body.string.contains("data-field=\"visitId\""))
            #expect(try await setup.requisitionCount(app) == 0)

            // when the dispatcher requests from the reserve for the emergency visit
            let posted = try await setup.dispatcher.post(
                "/visits/\(setup.emergency.id)/requisitions", [("warehouseId", "\(setup.reserve.id)")])
            // then the requisition is the visit engineer's
            #expect(posted.status == .seeOther)
            let location = try #require(posted.headers.first(name: .location))
            let id = try #require(Int(location.dropFirst("/requisitions/".count)))
            let requisition = try await Requisitions(app.store).get(id)
            #expect(requisition.engineerId == setup.parts.engineer.id)
            #expect(requisition.warehouseId == setup.reserve.id)
            // and the engineer sees it on the visit, the other engineer does not
            let own = try await setup.engineer.get("/visits/\(setup.emergency.id)").body.string
            #expect(own.contains("href=\"/requisitions/\(id)\""))
            let others = try await setup.otherEngineer.get("/visits/\(setup.emergency.id)").body.string
            #expect(!others.contains("href=\"/requisitions/\(id)\""))
        }
    }

    @Test("the parts panel renders in every language without English left over or raw keys")
    func languages() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            _ = try await Requisitions(app.store).fromVisit(
                setup.visit.id, warehouseId: setup.parts.store.id, by: .system)
            let catalogue = app.storage[CatalogueKey.self]!
            let english = catalogue.strings[.en]!
            let pages: [(Browser, String, [String])] = [
                (
                    setup.engineer, "/visits/\(setup.visit.id)",
                    ["visit.parts", "visit.requestParts", "requisitionStatus.requested"]
                ),
                (
                    setup.dispatcher, "/visits/\(setup.emergency.id)",
                    ["visit.parts", "visit.requestParts", "visit.partsNone"]
                ),
                (setup.dispatcher, "/visits/\(setup.unnumbered.id)", ["visit.parts", "visit.partsNone"]),
            ]
            for language in Language.allCases {
                let local = catalogue.strings[language]!
                for (browser, path, keys) in pages {
                    // when
                    let response = try await browser.get(path, headers: ["Accept-Language": language.rawValue])
                    // then
                    let body = response.body.string
                    #expect(response.status == .ok, "\(path) in \(language.rawValue): \(response.status.code)")
                    #expect(body.contains("<html lang=\"\(language.rawValue)\">"), "\(path)")
                    #expect(body.contains("id=\"visit-parts\""), "\(path)")
                    for key in keys {
                        #expect(body.contains(">\(local[key]!)<"), "\(path) in \(language.rawValue) lacks \(key)")
                    }
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
