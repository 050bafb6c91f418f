import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import AftercareServer

/// the archive as pages: the customer and unit lists with their filters, paging and
/// export, the create and edit forms with the API's validation, archiving, and the history on the detail pages.
@Suite("Pages: customers and units")
struct CustomerUnitPageTests {
    static let en: HTTPHeaders = ["Accept-Language": "en"]

    /// The fixture (a key customer of the east branch with one unit), two more regular customers of the branch
    /// with a unit each, and people of several roles in the branch.
    struct Setup {
        var fixture: Fixture
        var others: [CustomerRecord.View]
        var units: [UnitRecord.View]
        var agent: Browser
        var manager: Browser
        var inspector: Browser
        var engineer: Browser
        var warehouse: Browser

        static func make(_ app: Application) async throws -> Setup {
            let store = app.store
            let fixture = try await Fixture.make(store)
            let branch = fixture.branch.id
            var others: [CustomerRecord.View] = []
            var units: [UnitRecord.View] = [fixture.unit]
            for (i, name) in ["杭州西湖印务", "苏州工业园区医院"].enumerated() {
                let customer = try await Records<CustomerRecord>(store).create(
                    .init(
                        orgUnitId: branch, name: name, kind: .company, tier: .regular,
                        contacts: [Contact(name: "联系人\(i)", phones: ["0571-8800-000\(i)"])]), by: .system)
                others.append(customer)
                units.append(
                    try await Records<UnitRecord>(store).create(
                        .init(
                            serialNumber: "XY-\(i + 1)00", modelId: fixture.model.id, customerId: customer.id,
                            dates: .init(installation: .init(iso: "2026-03-01"), acceptance: .init(iso: "2026-03-02"))),
                        by: .system))
            }
            try await makeUser(app, "cu.agent", roles: [.hotlineAgent], unit: branch)
            try await makeUser(app, "cu.manager", roles: [.accountManager], unit: branch)
            try await makeUser(app, "cu.inspector", roles: [.qualityInspector], unit: branch)
            try await makeUser(app, "cu.engineer", roles: [.fieldEngineer], unit: branch)
            try await makeUser(app, "cu.warehouse", roles: [.warehouseKeeper], unit: branch)
            return Setup(
                fixture: fixture, others: others, units: units, agent: try await Browser.signIn(app, "cu.agent"),
                manager: try await Browser.signIn(app, "cu.manager"),
                inspector: try await Browser.signIn(app, "cu.inspector"),
                engineer: try await Browser.signIn(app, "cu.engineer"),
                warehouse: try await Browser.signIn(app, "cu.warehouse"))
        }
    }

    static func count(_ app: Application, _ table: String) async throws -> Int {
        try await app.store.sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first(
            decodingColumn: "n", as: Int.self)!
    }

    /// The `href` of the element with `id` in `body`, its entities decoded.
    static func link(_ id: String, in body: String) -> String? {
        guard let start = body.range(of: "id=\"\(id)\" href=\"") else { return nil }
        let rest = body[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end]).replacingOccurrences(of: "&amp;", with: "&")
    }

    @Test("the customer list: rows, filters, keyset paging, export and new only for those allowed")
    func customerList() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            let key = setup.fixture.customer
            // when
            let all = try await setup.agent.get("/customers")
            // then
            var body = all.body.string
            #expect(all.status == .ok)
            #expect(body.contains("id=\"customer-list\""))
            for customer in [key] + setup.others { #expect(body.contains("href=\"/customers/\(customer.id)\"")) }
            #expect(body.contains("id=\"new-customer\""), "an agent manages customers")
            #expect(!body.contains("export.csv"), "an agent may not export the archive")
            #expect(body.contains("华东分公司"), "the owning branch by name")

            // when filtered by tier, by a phone and by a name
            let keys = try await setup.agent.get("/customers?tier=key").body.string
            let byPhone = try await setup.agent.get("/customers?q=13800138000").body.string
            let byName = try await setup.agent.get("/customers?q=%E8%A5%BF%E6%B9%96").body.string
            // then
            #expect(keys.contains("href=\"/customers/\(key.id)\""))
            #expect(!keys.contains("href=\"/customers/\(setup.others[0].id)\""))
            #expect(byPhone.contains("href=\"/customers/\(key.id)\""))
            #expect(!byPhone.contains("href=\"/customers/\(setup.others[1].id)\""))
            #expect(byName.contains("href=\"/customers/\(setup.others[0].id)\""))
            #expect(!byName.contains("href=\"/customers/\(key.id)\""))

            // when paged two by two
            let first = try await setup.agent.get("/customers?limit=2").body.string
            let next = try #require(Self.link("next-page", in: first))
            body = try await setup.agent.get(next).body.string
            // then
            #expect(first.contains("href=\"/customers/\(setup.others[0].id)\""))
            #expect(!first.contains("href=\"/customers/\(setup.others[1].id)\""))
            #expect(body.contains("href=\"/customers/\(setup.others[1].id)\""))
            #expect(!body.contains("href=\"/customers/\(key.id)\""))
            #expect(!body.contains("id=\"next-page\""))

            // and the export and the new button follow the roles
            let manager = try await setup.manager.get("/customers").body.string
            #expect(
                manager.contains("href=\"/api/v1/customers/export.csv\"") && manager.contains("id=\"new-customer\""))
            let inspector = try await setup.inspector.get("/customers").body.string
            #expect(inspector.contains("/api/v1/customers/export.csv") && !inspector.contains("id=\"new-customer\""))
            let engineer = try await setup.engineer.get("/customers")
            #expect(engineer.status == .ok && !engineer.body.string.contains("id=\"new-customer\""))
            #expect(try await setup.warehouse.get("/customers").status == .forbidden)
            #expect(try await setup.manager.get("/api/v1/customers/export.csv").status == .ok)
            // and a filter that cannot be read is named, not a crash
            let bad = try await setup.agent.get("/customers?tier=gold", headers: Self.en)
            #expect(bad.status == .badRequest && bad.body.string.contains("Tier"))
        }
    }

    @Test("the unit list: rows with the warranty today, filters, keyset paging, export for those allowed")
    func unitList() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            // when
            let page = try await setup.agent.get("/units", headers: Self.en)
            // then
            let body = page.body.string
            #expect(page.status == .ok)
            for unit in setup.units { #expect(body.contains("href=\"/units/\(unit.id)\"")) }
            #expect(body.contains("In warranty until") || body.contains("Warranty ended"), "the warranty today")
            #expect(body.contains(setup.fixture.customer.name), "the owner by name")
            #expect(body.contains("数码复印机 AC-200"), "the model by name")
            #expect(!body.contains("export.csv"))
            #expect(try await setup.manager.get("/units").body.string.contains("/api/v1/units/export.csv"))
            #expect(try await setup.warehouse.get("/units").status == .ok, "the warehouse sees the installed base")

            // when filtered by serial prefix, customer and customer name
            let prefix = try await setup.agent.get("/units?serial=XY-").body.string
            let owner = try await setup.agent.get("/units?customerId=\(setup.others[1].id)").body.string
            let named = try await setup.agent.get("/units?customer=%E5%8D%B0%E5%8A%A1").body.string
            let model = try await setup.agent.get("/units?modelId=\(setup.fixture.model.id)").body.string
            // then
            #expect(prefix.contains("href=\"/units/\(setup.units[1].id)\""))
            #expect(!prefix.contains("href=\"/units/\(setup.fixture.unit.id)\""))
            #expect(owner.contains("href=\"/units/\(setup.units[2].id)\""))
            #expect(!owner.contains("href=\"/units/\(setup.units[1].id)\""))
            #expect(owner.contains("苏州工业园区医院") && owner.contains("id=\"all-owners\""))
            #expect(owner.contains("href=\"/units/new?customerId=\(setup.others[1].id)\""))
            #expect(named.contains("href=\"/units/\(setup.units[1].id)\""))
            #expect(!named.contains("href=\"/units/\(setup.units[2].id)\""))
            #expect(model.contains("href=\"/units/\(setup.units[2].id)\""))

            // when paged
            let first = try await setup.agent.get("/units?limit=2").body.string
            let next = try #require(Self.link("next-page", in: first))
            let second = try await setup.agent.get(next).body.string
            // then
            #expect(!first.contains("href=\"/units/\(setup.units[2].id)\""))
            #expect(second.contains("href=\"/units/\(setup.units[2].id)\""))
            #expect(!second.contains("href=\"/units/\(setup.units[0].id)\""))
        }
    }

    @Test("creating a customer with contacts and an address shows them; an invalid one is shown again, unwritten")
    func createCustomer() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            let form = try await setup.agent.get("/customers/new")
            #expect(form.status == .ok && form.body.string.contains("name=\"contacts.2.phones\""))
            let customersBefore = try await Self.count(app, "customers")
            let auditBefore = try await Self.count(app, "audit_log")
            // when: a blank name and a phone that is not one
            let refused = try await setup.agent.post(
                "/customers",
                [
                    ("name", " "), ("kind", "company"), ("tier", "key"), ("orgUnitId", "\(setup.fixture.branch.id)"),
                    ("contactRows", "3"), ("contacts.0.name", "刘工"), ("contacts.0.phones", "12ab"),
                    ("addressRows", "3"), ("addresses.0.text", "宁波市北仑区"), ("addresses.0.latitude", "29.9"),
                    ("addresses.0.longitude", "121.8"),
                ], headers: Self.en)
            // then
            let shown = refused.body.string
            #expect(refused.status == .unprocessableEntity)
            #expect(shown.contains("data-field=\"name\""))
            #expect(shown.contains("Name: is required"))
            #expect(shown.contains("data-field=\"contacts[0].phones[0]\""))
            #expect(shown.contains("Contact 1 · Phones: is not in the expected form"))
            #expect(shown.contains("value=\"12ab\"") && shown.contains("value=\"刘工\""), "what was typed is kept")
            #expect(shown.contains("value=\"宁波市北仑区\"") && shown.contains("value=\"29.9\""))
            #expect(try await Self.count(app, "customers") == customersBefore, "nothing is written")
            #expect(try await Self.count(app, "audit_log") == auditBefore)

            // when: a valid customer with two contacts and an address with coordinates
            let created = try await setup.agent.post(
                "/customers",
                [
                    ("name", "宁波港务集团"), ("kind", "company"), ("tier", "longTerm"),
                    ("orgUnitId", "\(setup.fixture.branch.id)"), ("contactRows", "3"), ("contacts.0.name", "刘工"),
                    ("contacts.0.role", "设备科"), ("contacts.0.phones", "0574-8686-1234, 13905740000"),
                    ("contacts.1.name", "周经理"), ("contacts.1.email", "zhou@example.com"),
                    ("contacts.1.phones", "13905741111"), ("addressRows", "3"), ("addresses.1.label", "码头"),
                    ("addresses.1.text", "宁波市北仑区港口路 1 号"), ("addresses.1.latitude", "29.9"),
                    ("addresses.1.longitude", "121.85"), ("notes", "夜间作业"),
                ])
            // then
            #expect(created.status == .seeOther)
            let location = try #require(created.headers.first(name: .location))
            #expect(location.hasPrefix("/customers/"))
            let page = try await setup.agent.get(location)
            let detail = page.body.string
            #expect(page.status == .ok)
            #expect(detail.contains("宁波港务集团") && detail.contains("刘工") && detail.contains("周经理"))
            #expect(detail.contains("0574-8686-1234, 13905740000") && detail.contains("zhou@example.com"))
            #expect(detail.contains("宁波市北仑区港口路 1 号") && detail.contains("码头"))
            #expect(detail.contains("href=\"geo:29.9,121.85\""), "the coordinates for a navigation app")
            #expect(detail.contains("id=\"address-map\"") && detail.contains("class=\"map-pin\""), "the pin")
            #expect(detail.contains("id=\"edit-customer\""))
            #expect(try await Self.count(app, "customers") == customersBefore + 1)
            let id = try #require(Int(location.split(separator: "/").last ?? ""))
            let stored = try await Records<CustomerRecord>(app.store).get(id)
            #expect(stored.contacts.map(\.phones) == [["0574-8686-1234", "13905740000"], ["13905741111"]])
            #expect(stored.addresses.first?.latitude == 29.9 && stored.addresses.count == 1)
            #expect(stored.tier == .longTerm)
        }
    }

    @Test("editing with a stale version answers 409 and changes nothing; archiving keeps the record readable")
    func editAndArchive() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            let customer = setup.others[0]
            let edit = try await setup.agent.get("/customers/\(customer.id)/edit").body.string
            #expect(edit.contains("name=\"version\" value=\"\(customer.version)\""))
            #expect(edit.contains("value=\"联系人0\""), "the stored contact")
            let fields: [(String, String)] = [
                ("name", "杭州西湖印务有限公司"), ("kind", "company"), ("tier", "key"),
                ("orgUnitId", "\(setup.fixture.branch.id)"), ("contactRows", "1"), ("contacts.0.name", "联系人0"),
                ("contacts.0.phones", "0571-8800-0000"),
            ]
            // when someone else saved meanwhile
            _ = try await Records<CustomerRecord>(app.store).update(
                customer.id, expectedVersion: customer.version, by: .system
            ) { input in
                var changed = input
                changed.notes = "别人改过"
                return changed
            }
            let stale = try await setup.agent.post(
                "/customers/\(customer.id)", fields + [("version", "\(customer.version)")], headers: Self.en)
            // then
            #expect(stale.status == .conflict)
            #expect(stale.body.string.contains("Someone changed this record meanwhile"))
            #expect(stale.body.string.contains("name=\"version\" value=\"\(customer.version + 1)\""))
            var stored = try await Records<CustomerRecord>(app.store).get(customer.id)
            #expect(stored.name == customer.name && stored.tier == .regular && stored.version == customer.version + 1)

            // when saved with the current version
            let saved = try await setup.agent.post(
                "/customers/\(customer.id)", fields + [("version", "\(customer.version + 1)")])
            // then
            #expect(saved.status == .seeOther)
            stored = try await Records<CustomerRecord>(app.store).get(customer.id)
            #expect(stored.name == "杭州西湖印务有限公司" && stored.tier == .key)

            // when archived
            let archived = try await setup.agent.post("/customers/\(customer.id)/archive")
            // then
            #expect(archived.status == .seeOther)
            #expect(
                !(try await setup.agent.get("/customers").body.string.contains("href=\"/customers/\(customer.id)\"")))
            let page = try await setup.agent.get("/customers/\(customer.id)")
            #expect(page.status == .ok && page.body.string.contains("id=\"archived-badge\""))
            #expect(!page.body.string.contains("id=\"edit-customer\""))
            let audit = try await app.store.sql.raw(
                "SELECT COUNT(*) AS n FROM audit_log WHERE entity = 'customer' AND entity_id = \(bind: customer.id) AND action = 'archive'"
            ).first(decodingColumn: "n", as: Int.self)
            #expect(audit == 1)
            // and archiving again is refused by name
            let again = try await setup.agent.post("/customers/\(customer.id)/archive", headers: Self.en)
            #expect(again.status == .conflict && again.body.string.contains("This customer is archived"))
        }
    }

    @Test("a unit with its dates out of order is refused naming the date; a valid one shows its warranty")
    func createUnit() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            let owner = setup.others[1]
            let form = try await setup.agent.get("/units/new?customerId=\(owner.id)").body.string
            #expect(form.contains("苏州工业园区医院") && form.contains("name=\"acceptanceDate\""))
            let search = try await setup.agent.get("/units/new?customerQuery=%E8%8B%8F%E5%B7%9E").body.string
            #expect(search.contains("href=\"/units/new?customerId=\(owner.id)\""), "a customer is found first")
            let before = try await Self.count(app, "units")
            var fields: [(String, String)] = [
                ("customerId", "\(owner.id)"), ("serialNumber", "SZ-2026-01"), ("modelId", "\(setup.fixture.model.id)"),
                ("saleDate", "2026-04-01"), ("deliveryDate", "2026-03-20"), ("installationDate", "2026-04-10"),
                ("acceptanceDate", "2026-04-12"), ("siteAddress", "苏州工业园区 3 号楼"),
            ]
            // when
            let refused = try await setup.agent.post("/units", fields, headers: Self.en)
            // then
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("data-field=\"deliveryDate\""))
            #expect(refused.body.string.contains("Delivery date: is earlier than a date it must follow"))
            #expect(refused.body.string.contains("value=\"2026-03-20\"") && refused.body.string.contains("SZ-2026-01"))
            #expect(try await Self.count(app, "units") == before)

            // when the dates are right
            fields[4] = ("deliveryDate", "2026-04-05")
            let created = try await setup.agent.post("/units", fields)
            // then
            #expect(created.status == .seeOther)
            let location = try #require(created.headers.first(name: .location))
            let page = try await setup.agent.get(location, headers: Self.en)
            let body = page.body.string
            #expect(page.status == .ok)
            let unit = try #require(
                try await Records<UnitRecord>(app.store).list(
                    page: PageRequest(), filter: .units(customerId: owner.id, serial: "SZ-2026-01")
                ).items.first)
            #expect(body.contains("In warranty until \(unit.warranty!.end)"))
            #expect(body.contains("href=\"/customers/\(owner.id)\"") && body.contains("苏州工业园区医院"))
            #expect(body.contains("数码复印机 AC-200") && body.contains("id=\"edit-unit\""))

            // when edited with a contract's own end of warranty
            let edited = try await setup.agent.post(
                "/units/\(unit.id)",
                fields + [
                    ("version", "\(unit.version)"), ("warrantyOverrideEnd", "2029-12-31"), ("status", "inService"),
                ])
            #expect(edited.status == .seeOther)
            let after = try await setup.agent.get("/units/\(unit.id)", headers: Self.en).body.string
            #expect(
                after.contains("In warranty until 2029-12-31") && after.contains("Contract warranty until 2029-12-31"))
            // and archived, it leaves the list but stays readable
            #expect(try await setup.agent.post("/units/\(unit.id)/archive").status == .seeOther)
            #expect(!(try await setup.agent.get("/units").body.string.contains("href=\"/units/\(unit.id)\"")))
            #expect(try await setup.agent.get("/units/\(unit.id)").status == .ok)
        }
    }

    @Test("the customer and unit pages show the latest steps of their requests, with a link to earlier ones")
    func history() async throws {
        try await withTestApp(.sqlite) { app in
            // given: a request of the key customer that went through many steps
            let setup = try await Setup.make(app)
            let fixture = setup.fixture
            let requests = ServiceRequests(app.store)
            let request = try await requests.register(
                .init(
                    customerId: fixture.customer.id, unitIds: [fixture.unit.id], channel: .phone, type: .repair,
                    faultDescription: "卡纸"), by: .system)
            _ = try await requests.post(.init(event: .triage), to: request.id, by: .system)
            for _ in 0..<12 {
                _ = try await requests.post(.init(event: .waitForCustomer, note: "等客户回复"), to: request.id, by: .system)
                _ = try await requests.post(.init(event: .customerResponded), to: request.id, by: .system)
            }
            // when
            let customer = try await setup.agent.get("/customers/\(fixture.customer.id)").body.string
            let unit = try await setup.agent.get("/units/\(fixture.unit.id)").body.string
            // then
            for body in [customer, unit] {
                #expect(body.contains("id=\"history-steps\"") && body.contains(request.number))
                #expect(body.contains("等客户回复"))
            }
            let more = try #require(Self.link("history-more", in: customer))
            let earlier = try await setup.agent.get(more)
            #expect(earlier.status == .ok && earlier.body.string.contains("id=\"history-steps\""))
            #expect(!earlier.body.string.contains("id=\"history-more\""), "the first steps are on the second page")
            #expect(customer.contains("href=\"/units?customerId=\(fixture.customer.id)\""), "the customer's units")
            // and a reader who may not see requests is shown no history at all
            let principal = try #require(
                try await Accounts(app.store, hasher: app.storage[AuthSettingsKey.self]!.hasher).principal(
                    sessionToken: setup.warehouse.session))
            let model = DeskPages.unitModel(
                DeskPages.UnitData(unit: fixture.unit, requests: []), principal: principal,
                PageFixtures.localizer(.en), today: app.store.today)
            #expect(!model.showsHistory && model.history == nil)
        }
    }

    @Test("another branch's customers and units are out of sight: 404 on every page, absent from the lists")
    func scope() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let world = try await TwoBranches.make(app)
            try await makeUser(app, "cu.east", roles: [.hotlineAgent], unit: world.fixture.branch.id)
            let east = try await Browser.signIn(app, "cu.east")
            let customer = world.southCustomer.id
            let unit = world.southUnit.id
            // when / then
            for path in [
                "/customers/\(customer)", "/customers/\(customer)/edit", "/units/\(unit)", "/units/\(unit)/edit",
            ] {
                #expect(try await east.get(path).status == .notFound, "\(path)")
            }
            let update = try await east.post(
                "/customers/\(customer)", [("name", "改名"), ("kind", "company"), ("tier", "key"), ("version", "1")])
            #expect(update.status == .notFound)
            #expect(try await east.post("/customers/\(customer)/archive").status == .notFound)
            #expect(try await east.post("/units/\(unit)/archive").status == .notFound)
            #expect(!(try await east.get("/customers").body.string.contains(world.southCustomer.name)))
            #expect(!(try await east.get("/units").body.string.contains(world.southUnit.serialNumber)))
            // and a new unit for the other branch's customer is refused as naming nothing
            let refused = try await east.post(
                "/units",
                [("customerId", "\(customer)"), ("serialNumber", "EAST-1"), ("modelId", "\(world.fixture.model.id)")])
            #expect(refused.status == .unprocessableEntity)
            #expect(try await Records<CustomerRecord>(app.store).get(customer).name == world.southCustomer.name)
        }
    }

    @Test(
        "every new page renders in every language, without raw keys or English left over, and escapes names",
        arguments: Language.allCases)
    func languages(language: Language) async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            let hostile = try await Records<CustomerRecord>(app.store).create(
                .init(
                    orgUnitId: setup.fixture.branch.id, name: PageTests.payload,
                    contacts: [Contact(name: PageTests.payload, phones: ["13900001111"])],
                    addresses: [
                        Address(label: PageTests.payload, text: PageTests.payload, latitude: 30, longitude: 120)
                    ]),
                by: .system)
            let unit = try await Records<UnitRecord>(app.store).create(
                .init(
                    serialNumber: "XSS-1", modelId: setup.fixture.model.id, customerId: hostile.id,
                    siteAddress: PageTests.payload), by: .system)
            let catalogue = try LocalizationTests.catalogue()
            let header: HTTPHeaders = ["Accept-Language": language.rawValue]
            let english = catalogue.strings[.en]!
            let local = catalogue.strings[language]!
            for path in [
                "/customers", "/customers/new", "/customers/\(hostile.id)", "/customers/\(hostile.id)/edit", "/units",
                "/units/new", "/units/new?customerId=\(hostile.id)", "/units/\(unit.id)", "/units/\(unit.id)/edit",
                "/units?customerId=\(hostile.id)",
            ] {
                // when
                let response = try await setup.agent.get(path, headers: header)
                // then
                let body = response.body.string
                #expect(response.status == .ok, "\(path): \(response.status.code)")
                #expect(body.contains("<html lang=\"\(language.rawValue)\">"), "\(path)")
                for (key, text) in english
                where language != .en && text.contains(" ") && text.count > 8 && local[key] != text {
                    #expect(!body.contains(">\(text)<"), "\(path) in \(language.rawValue) shows English: \(text)")
                }
                for key in english.keys where key.contains(".") {
                    #expect(!body.contains(">\(key)<"), "\(path) shows the raw key \(key)")
                }
                if ["/customers/new", "/units/new"].contains(path) {
                    #expect(!body.contains("<script>alert") && !body.contains("<img src=x"), "\(path)")
                } else {
                    PageTests.assertEscaped(body, path)
                }
                if path.contains("edit") || path.contains("new") {
                    #expect(body.contains("name=\"_csrf\" value=\"\(setup.agent.csrf)\""), "\(path) carries the token")
                }
            }
        }
    }
}
