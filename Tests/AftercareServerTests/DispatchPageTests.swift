import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import AftercareServer

/// R-4: the dispatch pages: the board with the route planner, the visit page, the request's visits panel, the
/// engineer's day and the engineers' administration.
@Suite("Pages: dispatch")
struct DispatchPageTests {
    /// A branch working 08:00–18:00 every day, two engineers, a dispatcher, a warehouse keeper and a customer
    /// account; today a visit scheduled for each engineer, and two visits waiting for one, one of them for a
    /// customer whose name is a script.
    struct Setup {
        static let hostileName = "<script>alert(1)</script>客户"

        var fixture: Fixture
        var today: CalendarDate
        var engineerA: EngineerRecord.View
        var engineerB: EngineerRecord.View
        var visitA: VisitView
        var visitB: VisitView
        var waiting: VisitView
        var hostile: VisitView
        var requestId: Int
        var dispatcher: Browser
        var admin: Browser
        var engineerABrowser: Browser
        var engineerBBrowser: Browser
        var warehouse: Browser
        var customer: Browser

        static func make(_ app: Application) async throws -> Setup {
            let store = app.store
            let zone = store.timeZone
            let fixture = try await Fixture.make(store)
            let branch = fixture.branch.id
            let week = Array(repeating: [WorkingPeriod("08:00-18:00")!], count: 7)
            _ = try await Records<CalendarRecord>(store).create(
                .init(
                    orgUnitId: branch, name: "每天",
                    calendar: BusinessCalendar(timeZone: zone.identifier, week: week)), by: .system)
            try await makeUser(app, "d.dispatcher", roles: [.dispatcher], unit: branch)
            try await makeUser(app, "d.admin", roles: [.administrator], unit: fixture.headquarters.id)
            let userA = try await makeUser(app, "d.engineer.a", roles: [.fieldEngineer], unit: branch)
            let userB = try await makeUser(app, "d.engineer.b", roles: [.fieldEngineer], unit: branch)
            try await makeUser(app, "d.engineer.c", roles: [.fieldEngineer], unit: branch)
            try await makeUser(app, "d.warehouse", roles: [.warehouseKeeper], unit: branch)
            try await makeUser(app, "d.customer", roles: [.customer], unit: branch, customer: fixture.customer.id)
            let line = fixture.model.productLineId
            func engineer(_ userId: Int, _ latitude: Double) async throws -> EngineerRecord.View {
                try await Records<EngineerRecord>(store).create(
                    .init(
                        userId: userId, orgUnitId: branch, level: 3,
                        skills: [EngineerSkill(productLineId: line, level: 3)], homeLatitude: latitude,
                        homeLongitude: 121.40), by: .system)
            }
            let engineerA = try await engineer(userA.user.id, 31.20)
            let engineerB = try await engineer(userB.user.id, 31.30)
            let hostileCustomer = try await Records<CustomerRecord>(store).create(
                .init(
                    orgUnitId: branch, name: hostileName, contacts: [Contact(name: "赵工", phones: ["139-0000-1111"])]),
                by: .system)
            let hostileUnit = try await Records<UnitRecord>(store).create(
                .init(serialNumber: "SN-XSS-1", modelId: fixture.model.id, customerId: hostileCustomer.id), by: .system)
            let requests = ServiceRequests(store)
            let request = try await requests.register(
                .init(
                    customerId: fixture.customer.id, contactName: "王先生", contactPhone: "13800138000",
                    unitIds: [fixture.unit.id], channel: .phone, type: .repair, faultDescription: "卡纸"), by: .system)
            let hostileRequest = try await requests.register(
                .init(
                    customerId: hostileCustomer.id, unitIds: [hostileUnit.id], channel: .phone, type: .repair,
                    faultDescription: "不开机"), by: .system)
            let today = CalendarDate(store.now, in: zone)
            let midnight = today.interval(in: zone).start
            func at(_ hour: Double) -> Date { midnight.addingTimeInterval(hour * 3600) }
            let visits = Visits(store)
            func visit(_ requestId: Int, _ latitude: Double, window: Bool = true) async throws -> VisitView {
                try await visits.create(
                    VisitInput(
                        purpose: .repair, durationMinutes: 60, windowStart: window ? at(10) : nil,
                        windowEnd: window ? at(12) : nil, latitude: latitude, longitude: 121.47),
                    requestId: requestId, by: .system)
            }
            var visitA = try await visit(request.id, 31.23)
            var visitB = try await visit(request.id, 31.25)
            let waiting = try await visit(request.id, 31.22)
            let hostile = try await visit(hostileRequest.id, 31.21)
            visitA = try await visits.post(
                VisitEventInput(event: .schedule, engineerId: engineerA.id, windowStart: at(10), windowEnd: at(12)),
                to: visitA.id, by: .system
            ).visit
            visitB = try await visits.post(
                VisitEventInput(event: .schedule, engineerId: engineerB.id, windowStart: at(10), windowEnd: at(12)),
                to: visitB.id, by: .system
            ).visit
            return Setup(
                fixture: fixture, today: today, engineerA: engineerA, engineerB: engineerB, visitA: visitA,
                visitB: visitB, waiting: waiting, hostile: hostile, requestId: request.id,
                dispatcher: try await Browser.signIn(app, "d.dispatcher"),
                admin: try await Browser.signIn(app, "d.admin"),
                engineerABrowser: try await Browser.signIn(app, "d.engineer.a"),
                engineerBBrowser: try await Browser.signIn(app, "d.engineer.b"),
                warehouse: try await Browser.signIn(app, "d.warehouse"),
                customer: try await Browser.signIn(app, "d.customer"))
        }

        var board: String { "/dispatch?unit=\(fixture.branch.id)&date=\(today)" }
    }

    @Test("the board shows each engineer's visits on the time line, the queue, and a plan with its map")
    func board() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            // when
            let page = try await setup.dispatcher.get(setup.board)
            // then
            let body = page.body.string
            #expect(page.status == .ok)
            #expect(body.contains("data-engineer=\"\(setup.engineerA.id)\""))
            #expect(body.contains("<rect class=\"bar bar-scheduled\" data-visit=\"\(setup.visitA.id)\""))
            #expect(body.contains("href=\"/visits/\(setup.waiting.id)\""), "the queue links the waiting visit")
            #expect(body.contains("id=\"plan-form\""))
            #expect(body.contains("id=\"route-map\""), "the map of the day as assigned")

            // when the dispatcher plans the day
            let planned = try await setup.dispatcher.post(
                "/dispatch/plan",
                [("unit", "\(setup.fixture.branch.id)"), ("date", setup.today.description), ("seconds", "1")])
            let proposal = try await setup.dispatcher.get(setup.board)
            // then
            #expect(planned.status == .seeOther)
            let shown = proposal.body.string
            #expect(shown.contains("id=\"plan-status\" data-status=\"proposed\""))
            #expect(shown.contains("<polyline class=\"route-line\""))
            #expect(shown.contains("class=\"accept-engineer\""))
            let plan = try #require(
                try await DispatchPlanning(app.store).plans(orgUnitId: setup.fixture.branch.id, date: setup.today).first
            )

            // when the dispatcher accepts the plan for one engineer
            let engineer = try #require(plan.routes.first?.engineerId)
            let accepted = try await setup.dispatcher.post(
                "/dispatch/plans/\(plan.id)/accept", [("engineerId", "\(engineer)")])
            // then
            #expect(accepted.status == .seeOther)
            #expect(accepted.headers.first(name: .location)?.contains("applied=") == true)
            #expect(try await DispatchPlanning(app.store).get(plan.id).acceptedEngineerIds == [engineer])

            // and a seconds value out of range is refused on the form, nothing planned
            let refused = try await setup.dispatcher.post(
                "/dispatch/plan",
                [("unit", "\(setup.fixture.branch.id)"), ("date", setup.today.description), ("seconds", "60")])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("data-field=\"seconds\""))
            #expect(
                try await DispatchPlanning(app.store).plans(orgUnitId: setup.fixture.branch.id, date: setup.today)
                    .count == 1)
        }
    }

    @Test("an emergency in the queue is put into the proposal from the board, as a new proposal")
    func insertEmergency() async throws {
        try await withTestApp(.sqlite) { app in
            // given a proposal of the day and an emergency that came in after it
            let setup = try await Setup.make(app)
            _ = try await setup.dispatcher.post(
                "/dispatch/plan",
                [("unit", "\(setup.fixture.branch.id)"), ("date", setup.today.description), ("seconds", "1")])
            let planning = DispatchPlanning(app.store)
            let first = try #require(
                try await planning.plans(orgUnitId: setup.fixture.branch.id, date: setup.today).first)
            let requests = ServiceRequests(app.store)
            let request = try await requests.register(
                .init(
                    customerId: setup.fixture.customer.id, unitIds: [setup.fixture.unit.id], channel: .phone,
                    type: .repair, faultDescription: "冒烟"), by: .system)
            _ = try await requests.post(.init(event: .triage, emergency: true), to: request.id, by: .system)
            let midnight = setup.today.interval(in: app.store.timeZone).start
            let urgent = try await Visits(app.store).create(
                VisitInput(
                    purpose: .repair, durationMinutes: 30, windowStart: midnight.addingTimeInterval(13 * 3600),
                    windowEnd: midnight.addingTimeInterval(15 * 3600), latitude: 31.24, longitude: 121.45),
                requestId: request.id, by: .system)
            // when
            let board = try await setup.dispatcher.get(setup.board)
            let inserted = try await setup.dispatcher.post(
                "/dispatch/plans/\(first.id)/insert", [("visitId", "\(urgent.id)")])
            let again = try await setup.dispatcher.post(
                "/dispatch/plans/\(first.id)/insert", [("visitId", "\(setup.visitA.id)")])
            // then
            #expect(board.body.string.contains("class=\"inline insert-emergency\""))
            #expect(inserted.status == .seeOther)
            let plans = try await planning.plans(orgUnitId: setup.fixture.branch.id, date: setup.today)
            #expect(plans.count == 2)
            #expect(plans.first?.routes.flatMap(\.stops).contains { $0.visitId == urgent.id } == true)
            #expect(again.status == .unprocessableEntity, "a visit already in the plan is refused")
            #expect(try await planning.plans(orgUnitId: setup.fixture.branch.id, date: setup.today).count == 2)
        }
    }

    @Test("the board, visit and day pages are refused to a customer and to roles that may not see visits")
    func refused() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            let pages = [setup.board, "/visits/\(setup.visitA.id)", "/my-day", "/admin/engineers"]
            for path in pages {
                // when
                let customer = try await setup.customer.get(path)
                let warehouse = try await setup.warehouse.get(path)
                // then
                #expect(customer.status == .forbidden, "\(path) as customer: \(customer.status.code)")
                #expect(warehouse.status == .forbidden, "\(path) as warehouse keeper: \(warehouse.status.code)")
            }
            // and an engineer sees the board but may not plan, accept or administer engineers
            #expect(try await setup.engineerABrowser.get(setup.board).status == .ok)
            #expect(!(try await setup.engineerABrowser.get(setup.board).body.string.contains("id=\"plan-form\"")))
            #expect(try await setup.engineerABrowser.post("/dispatch/plan", [("seconds", "1")]).status == .forbidden)
            #expect(try await setup.engineerABrowser.get("/admin/engineers").status == .forbidden)
            // and the nav offers the board to the dispatcher, not to the warehouse keeper
            #expect(!(try await setup.warehouse.get("/requisitions").body.string.contains("id=\"nav-dispatch\"")))
        }
    }

    @Test("names are escaped: a customer called <script> shows as text on the board and the visit page")
    func escaped() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            // when
            let board = try await setup.dispatcher.get(setup.board).body.string
            let visit = try await setup.dispatcher.get("/visits/\(setup.hostile.id)").body.string
            // then
            for body in [board, visit] {
                #expect(!body.contains("<script>alert(1)</script>"))
                #expect(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            }
        }
    }

    @Test("a form posted without its CSRF token is refused and changes nothing")
    func csrf() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            // when
            let assign = try await setup.dispatcher.post(
                "/visits/\(setup.waiting.id)/events",
                [("event", "assign"), ("engineerId", "\(setup.engineerA.id)"), ("version", "1")], csrf: false)
            let plan = try await setup.dispatcher.post(
                "/dispatch/plan", [("unit", "\(setup.fixture.branch.id)"), ("seconds", "1")], csrf: false)
            // then
            #expect(assign.status == .forbidden)
            #expect(plan.status == .forbidden)
            let after = try await Visits(app.store).get(setup.waiting.id)
            #expect(after.engineerId == nil && after.version == setup.waiting.version)
            #expect(
                try await DispatchPlanning(app.store).plans(orgUnitId: setup.fixture.branch.id, date: setup.today)
                    .isEmpty)
        }
    }

    @Test("a schedule that overlaps another visit shows the conflict in the reader's language and changes nothing")
    func conflict() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            let catalogue = app.storage[CatalogueKey.self]!
            let zone = app.store.timeZone
            let start = LocalTime.input(setup.visitA.windowStart, zone)
            let end = LocalTime.input(setup.visitA.windowEnd, zone)
            // when
            let response = try await setup.dispatcher.post(
                "/visits/\(setup.waiting.id)/events",
                [
                    ("event", "schedule"), ("version", "\(setup.waiting.version)"),
                    ("engineerId", "\(setup.engineerA.id)"), ("windowStart", start), ("windowEnd", end),
                ])
            // then
            let body = response.body.string
            #expect(response.status == .conflict)
            #expect(body.contains("data-code=\"overlaps\""))
            // named as people know it: the customer and the time, never the visit's internal number
            let texts = Language.allCases.map {
                DispatchPages.conflict(
                    .overlaps(visitId: setup.visitA.id), lines: [:], others: [setup.visitA.id: setup.visitA],
                    Localizer(language: $0, timeZone: zone, catalogue: catalogue))
            }
            #expect(texts.contains { body.contains($0) }, "the conflict in words")
            #expect(texts.allSatisfy { $0.contains(setup.visitA.customerName) && !$0.contains("#") })
            let after = try await Visits(app.store).get(setup.waiting.id)
            #expect(after.status == .planned && after.engineerId == nil && after.version == setup.waiting.version)
        }
    }

    @Test("the dispatcher assigns the recommended engineer from the visit page; the choice is recorded")
    func assignRecommended() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            let page = try await setup.dispatcher.get("/visits/\(setup.waiting.id)").body.string
            let top = try #require(
                try await DispatchPlanning(app.store).recommendations(for: setup.waiting.id).first { $0.eligible })
            #expect(page.contains("id=\"recommendation-table\""))
            #expect(page.contains("name=\"recommendedEngineerId\" value=\"\(top.engineerId)\""))
            // when
            let response = try await setup.dispatcher.post(
                "/visits/\(setup.waiting.id)/events",
                [
                    ("event", "assign"), ("version", "\(setup.waiting.version)"), ("engineerId", "\(top.engineerId)"),
                    ("recommendedEngineerId", "\(top.engineerId)"),
                ])
            // then
            #expect(response.status == .seeOther)
            let after = try await Visits(app.store).get(setup.waiting.id)
            #expect(after.engineerId == top.engineerId)
            #expect(after.timeline?.last?.followedRecommendation == true)
        }
    }

    @Test("an engineer's day shows only their visits; they depart and arrive, and may not act on another's visit")
    func myDay() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            // when
            let dayA = try await setup.engineerABrowser.get("/my-day").body.string
            let dayB = try await setup.engineerBBrowser.get("/my-day?date=\(setup.today)").body.string
            // then
            #expect(dayA.contains("data-visit=\"\(setup.visitA.id)\""))
            #expect(!dayA.contains("data-visit=\"\(setup.visitB.id)\""))
            #expect(dayB.contains("data-visit=\"\(setup.visitB.id)\""))
            #expect(!dayB.contains("data-visit=\"\(setup.visitA.id)\""))
            #expect(dayA.contains("href=\"tel:13800138000\""))
            #expect(dayA.contains("href=\"geo:31.23,121.47\""))
            #expect(dayA.contains("https://www.openstreetmap.org/?mlat=31.23&amp;mlon=121.47"))

            // when engineer A tries to depart on engineer B's visit
            let other = try await setup.engineerABrowser.post(
                "/visits/\(setup.visitB.id)/events", [("event", "depart"), ("version", "\(setup.visitB.version)")])
            // then
            #expect(other.status == .forbidden)
            #expect(try await Visits(app.store).get(setup.visitB.id).status == .scheduled)

            // when engineer A departs and arrives on their own
            let back = "/my-day?date=\(setup.today)"
            let departed = try await setup.engineerABrowser.post(
                "/visits/\(setup.visitA.id)/events",
                [("event", "depart"), ("version", "\(setup.visitA.version)"), ("back", back)])
            let version = try await Visits(app.store).get(setup.visitA.id).version
            let arrived = try await setup.engineerABrowser.post(
                "/visits/\(setup.visitA.id)/events", [("event", "arrive"), ("version", "\(version)"), ("back", back)])
            // then
            #expect(departed.status == .seeOther && departed.headers.first(name: .location) == back)
            #expect(arrived.status == .seeOther)
            #expect(try await Visits(app.store).get(setup.visitA.id).status == .onSite)
            // and an engineer may not assign
            let assign = try await setup.engineerABrowser.post(
                "/visits/\(setup.waiting.id)/events",
                [("event", "assign"), ("engineerId", "\(setup.engineerA.id)"), ("version", "1")])
            #expect(assign.status == .forbidden)
        }
    }

    @Test("the request page lists its visits and adds one; a bad form adds nothing and keeps what was typed")
    func requestVisits() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            var filter = VisitFilter()
            filter.requestId = setup.requestId
            let before = try await Visits(app.store).list(filter, page: PageRequest()).items.count
            // when
            let page = try await setup.dispatcher.get("/requests/\(setup.requestId)").body.string
            let bad = try await setup.dispatcher.post(
                "/requests/\(setup.requestId)/visits",
                [("purpose", "repair"), ("durationMinutes", "2"), ("tools", "万用表")])
            let good = try await setup.dispatcher.post(
                "/requests/\(setup.requestId)/visits",
                [("purpose", "inspection"), ("tools", "万用表\n梯子"), ("parts", "保险丝 × 2"), ("loanerUnit", "true")])
            // then
            #expect(page.contains("id=\"visits-panel\"") && page.contains("href=\"/visits/\(setup.visitA.id)\""))
            #expect(page.contains("id=\"add-visit-form\""))
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains(">万用表</textarea>"))
            #expect(good.status == .seeOther)
            let visits = try await Visits(app.store).list(filter, page: PageRequest()).items
            #expect(visits.count == before + 1)
            let added = try #require(visits.first { $0.purpose == .inspection })
            #expect(added.preparation.tools == ["万用表", "梯子"])
            #expect(added.preparation.parts == [.init(name: "保险丝", quantity: 2)])
            #expect(added.preparation.loanerUnit)
            // and the warehouse keeper's request page has no visits panel
            let hidden = try await setup.warehouse.get("/requests/\(setup.requestId)").body.string
            #expect(!hidden.contains("id=\"visits-panel\""))
        }
    }

    @Test("engineers are created and edited on their pages; a bad form is refused field by field")
    func engineersAdmin() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            let users = try await Records<UserRecord>(app.store).list(page: PageRequest(limit: 200)).items
            let userC = try #require(users.first { $0.username == "d.engineer.c" })
            let line = setup.fixture.model.productLineId
            let list = try await setup.admin.get("/admin/engineers").body.string
            let form = try await setup.admin.get("/admin/engineers/new").body.string
            #expect(list.contains("href=\"/admin/engineers/\(setup.engineerA.id)\""))
            #expect(form.contains("<option value=\"\(userC.id)\">d.engineer.c (d.engineer.c)</option>"))
            #expect(!form.contains("(d.engineer.a)"), "a user who is an engineer already is not offered")
            // when
            let bad = try await setup.admin.post(
                "/admin/engineers",
                [
                    ("userId", "\(userC.id)"), ("orgUnitId", "\(setup.fixture.branch.id)"), ("level", "3"),
                    ("homeLatitude", "north"), ("absences", "2026-01-01; soon"), ("skill.\(line)", "2"),
                ])
            let good = try await setup.admin.post(
                "/admin/engineers",
                [
                    ("userId", "\(userC.id)"), ("orgUnitId", "\(setup.fixture.branch.id)"), ("level", "4"),
                    ("maxVisitsPerDay", "5"), ("homeLatitude", "31.1"), ("homeLongitude", "121.3"),
                    ("skill.\(line)", "4"), ("certifications", "电工证; DG-1; 2030-01-01"),
                    ("absences", "2030-02-01; 2030-02-07; 年假"),
                ])
            // then
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("data-field=\"homeLatitude\""))
            #expect(bad.body.string.contains("data-field=\"absences\""))
            #expect(good.status == .seeOther)
            let created = try #require(try await Engineers(app.store).of(userId: userC.id))
            #expect(created.level == 4 && created.maxVisitsPerDay == 5 && created.homeLatitude == 31.1)
            #expect(created.skills == [EngineerSkill(productLineId: line, level: 4)])
            #expect(created.certifications.first?.expiresOn == CalendarDate(iso: "2030-01-01"))
            #expect(created.absences.first?.reason == "年假")

            // when the level is out of range on the edit form
            let edit = try await setup.admin.post(
                "/admin/engineers/\(created.id)",
                [
                    ("version", "\(created.version)"), ("orgUnitId", "\(setup.fixture.branch.id)"), ("level", "9"),
                    ("skill.\(line)", "4"),
                ])
            // then
            #expect(edit.status == .unprocessableEntity)
            #expect(edit.body.string.contains("data-field=\"level\""))
            #expect(try await Engineers(app.store).of(userId: userC.id)?.level == 4)
        }
    }

    @Test("every dispatch page renders in every language without English left over or raw keys")
    func languages() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            _ = try await setup.dispatcher.post(
                "/dispatch/plan",
                [("unit", "\(setup.fixture.branch.id)"), ("date", setup.today.description), ("seconds", "1")])
            let catalogue = app.storage[CatalogueKey.self]!
            let english = catalogue.strings[.en]!
            let pages: [(Browser, String)] = [
                (setup.dispatcher, setup.board), (setup.dispatcher, "/visits/\(setup.waiting.id)"),
                (setup.dispatcher, "/visits/\(setup.visitA.id)"), (setup.dispatcher, "/requests/\(setup.requestId)"),
                (setup.engineerABrowser, "/my-day"), (setup.engineerABrowser, "/visits/\(setup.visitA.id)"),
                (setup.admin, "/admin/engineers"), (setup.admin, "/admin/engineers/new"),
                (setup.admin, "/admin/engineers/\(setup.engineerA.id)"),
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
