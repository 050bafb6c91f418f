import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import AftercareServer

/// R-3, R-10.1: the commitments pages: queue, report, policy and calendar administration, follow-ups, inbox and
/// the SLA panel of the request page.
@Suite("Pages: SLA, follow-ups, inbox")
struct SLAPageTests {
    /// A default policy, a manager, a dispatcher, a hotline agent and a warehouse keeper (who may see none of it),
    /// and a request the agent registered two hours ago (so its first response is breached).
    struct Setup {
        var fixture: Fixture
        var policy: SLAPolicyView
        var calendar: CalendarRecord.View
        var request: ServiceRequestView
        var manager: Browser
        var dispatcher: Browser
        var agent: Browser
        var agentId: Int
        var warehouse: Browser

        static func make(_ app: Application, policyName: String = "标准时效") async throws -> Setup {
            let store = app.store
            let fixture = try await Fixture.make(store)
            let policy = try await Records<SLAPolicyRecord>(store).create(
                .init(
                    name: policyName, position: 100, isDefault: true,
                    targets: [
                        TargetRule(target: .firstResponse, minutes: 60, basis: .calendar),
                        TargetRule(target: .resolution, minutes: 480, basis: .calendar),
                    ]), by: .system)
            let calendar = try await Records<CalendarRecord>(store).create(
                .init(
                    orgUnitId: fixture.headquarters.id, name: "总部日历",
                    calendar: BusinessCalendar(timeZone: "Asia/Shanghai")), by: .system)
            try await makeUser(app, "sla.manager", roles: [.serviceManager], unit: fixture.headquarters.id)
            try await makeUser(app, "sla.dispatcher", roles: [.dispatcher], unit: fixture.branch.id)
            let agent = try await makeUser(app, "sla.agent", roles: [.hotlineAgent], unit: fixture.branch.id)
            try await makeUser(app, "sla.warehouse", roles: [.warehouseKeeper], unit: fixture.headquarters.id)
            let request = try await ServiceRequests(store.withClock { Date().addingTimeInterval(-2 * 3600) }).register(
                .init(
                    customerId: fixture.customer.id, contactName: "王工", contactPhone: "13800001111",
                    unitIds: [fixture.unit.id], channel: .phone, type: .repair, faultDescription: "卡纸"),
                by: Actor(name: "sla.agent"))
            return Setup(
                fixture: fixture, policy: policy, calendar: calendar, request: request,
                manager: try await Browser.signIn(app, "sla.manager"),
                dispatcher: try await Browser.signIn(app, "sla.dispatcher"),
                agent: try await Browser.signIn(app, "sla.agent"), agentId: agent.user.id,
                warehouse: try await Browser.signIn(app, "sla.warehouse"))
        }

        /// Resolves the request by phone through the API and runs the follow-up sweep 3 hours later.
        func followUp(_ app: Application) async throws -> FollowUpView {
            let response = try await app.api(.POST, "/api/v1/service-requests/\(request.id)/events") {
                $0.json(#"{"event": "resolveRemotely"}"#)
            }
            #expect(response.status == .ok)
            _ = try await FollowUpSweep.run(store: app.store, now: Date().addingTimeInterval(3 * 3600))
            var filter = FollowUpFilter()
            filter.requestId = request.id
            return try #require(try await FollowUps(app.store).list(filter, page: PageRequest()).items.first)
        }
    }

    static func localizer(_ app: Application, _ language: Language = .en) -> Localizer {
        Localizer(language: language, timeZone: app.store.timeZone, catalogue: app.storage[CatalogueKey.self]!)
    }

    @Test("every new page renders for a role allowed to, in every language, and is refused to a role without")
    func pagesAndRoles() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            let followUp = try await setup.followUp(app)
            let catalogue = app.storage[CatalogueKey.self]!
            let english = catalogue.strings[.en]!
            let pages = [
                "/sla/queue", "/sla/queue?state=atRisk", "/sla/report", "/sla/report?from=2026-01&to=2026-12",
                "/admin/sla/policies", "/admin/sla/policies/new", "/admin/sla/policies/\(setup.policy.id)",
                "/admin/sla/calendars", "/admin/sla/calendars/new", "/admin/sla/calendars/\(setup.calendar.id)",
                "/follow-ups", "/follow-ups?show=open", "/follow-ups?show=today", "/follow-ups/\(followUp.id)",
                "/inbox",
            ]
            for language in Language.allCases {
                let local = catalogue.strings[language]!
                for path in pages {
                    // when
                    let response = try await setup.manager.get(path, headers: ["Accept-Language": language.rawValue])
                    // then
                    let body = response.body.string
                    #expect(response.status == .ok, "\(path) in \(language.rawValue): \(response.status.code)")
                    #expect(body.contains("<html lang=\"\(language.rawValue)\">"), "\(path)")
                    for (key, text) in english
                    where language != .en && text.contains(" ") && text.count > 8 && local[key] != text {
                        #expect(!body.contains(">\(text)<"), "\(path) in \(language.rawValue) shows English: \(text)")
                    }
                }
            }
            // when / then: the dispatcher sees the queue and report but not the settings or the worklist
            for path in ["/sla/queue", "/sla/report"] {
                #expect(try await setup.dispatcher.get(path).status == .ok, "\(path)")
            }
            for path in ["/admin/sla/policies", "/admin/sla/calendars/new", "/follow-ups"] {
                #expect(try await setup.dispatcher.get(path).status == .forbidden, "\(path)")
            }
            // and the agent works the worklist
            #expect(try await setup.agent.get("/follow-ups/\(followUp.id)").status == .ok)
            // and the warehouse keeper gets none of it but the inbox
            for path in pages where path != "/inbox" {
                #expect(try await setup.warehouse.get(path).status == .forbidden, "\(path)")
            }
            #expect(try await setup.warehouse.get("/inbox").status == .ok)
            // (the keeper lands on the requisitions worklist: its menu is the one every page has)
            let home = try await setup.warehouse.get("/requisitions").body.string
            #expect(!home.contains("id=\"nav-sla-queue\""))
            #expect(home.contains("id=\"nav-inbox\""))
            #expect(try await setup.manager.get("/").body.string.contains("id=\"nav-sla-admin\""))
        }
    }

    @Test("the queue opens on what is at risk; breaches newest first, each time left or over named by its basis")
    func queueOrder() async throws {
        try await withTestApp(.sqlite) { app in
            // given a breach from 2 hours ago (the setup's) and one from two days ago
            let setup = try await Setup.make(app)
            let old = try await ServiceRequests(app.store.withClock { Date().addingTimeInterval(-48 * 3600) }).register(
                .init(
                    customerId: setup.fixture.customer.id, unitIds: [setup.fixture.unit.id], channel: .phone,
                    type: .repair, faultDescription: "不开机"), by: Actor(name: "sla.agent"))
            try await SLAClocks.refresh([old.id, setup.request.id], now: Date(), on: app.store.sql)
            // when
            let opening = try await setup.dispatcher.get("/sla/queue", headers: ["Accept-Language": "en"])
            let breached = try await setup.dispatcher.get(
                "/sla/queue?state=breached", headers: ["Accept-Language": "en"])
            // then
            #expect(opening.body.string.contains("data-state=\"atRisk\""))
            let body = breached.body.string
            let recent = try #require(body.range(of: setup.request.number))
            let older = try #require(body.range(of: old.number))
            #expect(recent.lowerBound < older.lowerBound, "the latest breach first")
            #expect(body.contains("(Calendar hours)"))
        }
    }

    @Test("the request page shows the SLA panel with its due time and explanation; the queue lists the breach")
    func panelAndQueue() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            let explanation = try #require(
                try await SLAClocks.explain(setup.request.id, now: Date(), on: app.store.sql))
            let due = try #require(explanation.targets.first { $0.clock.target == .resolution }?.clock.dueAt)
            let l = Self.localizer(app)
            // when
            let page = try await setup.dispatcher.get(
                "/requests/\(setup.request.id)", headers: ["Accept-Language": "en"])
            let hidden = try await setup.warehouse.get("/requests/\(setup.request.id)")
            let breached = try await setup.dispatcher.get(
                "/sla/queue?state=breached", headers: ["Accept-Language": "en"])
            // then
            let body = page.body.string
            #expect(page.status == .ok)
            #expect(body.contains("id=\"sla-panel\""))
            #expect(body.contains(l.dateTime(due)))
            #expect(body.contains("标准时效"))
            #expect(body.contains("总部日历"))
            #expect(body.contains("Asia/Shanghai"))
            #expect(body.contains("Calendar hours"))
            #expect(body.contains("data-state=\"breached\"") || body.contains("data-state=\"running\""))
            #expect(hidden.status == .ok)
            #expect(!hidden.body.string.contains("id=\"sla-panel\""))
            #expect(breached.status == .ok)
            #expect(breached.body.string.contains(setup.request.number))
            #expect(breached.body.string.contains("First response"))
        }
    }

    @Test(
        "a follow-up recorded through the form changes the follow-up and closes the request; a bad one changes nothing")
    func recordFollowUp() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            let followUp = try await setup.followUp(app)
            let worklist = try await setup.agent.get("/follow-ups", headers: ["Accept-Language": "en"]).body.string
            let detail = try await setup.agent.get("/follow-ups/\(followUp.id)").body.string
            #expect(worklist.contains("/follow-ups/\(followUp.id)"))
            #expect(detail.contains("13800001111"))
            #expect(detail.contains("name=\"_csrf\""))
            // when: not solved without a comment
            let refused = try await setup.agent.post(
                "/follow-ups/\(followUp.id)",
                [("version", "1"), ("outcome", "notSolved"), ("channel", "phone"), ("comment", "")])
            // then
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("data-field=\"comment\""))
            #expect(try await FollowUps(app.store).get(followUp.id).status == .open)
            // when: solved, with ratings
            let recorded = try await setup.agent.post(
                "/follow-ups/\(followUp.id)",
                [
                    ("version", "1"), ("outcome", "solved"), ("channel", "phone"), ("attitudeRating", "5"),
                    ("qualityRating", "4"), ("comment", "满意"),
                ])
            // then
            #expect(recorded.status == .seeOther)
            let after = try await FollowUps(app.store).get(followUp.id)
            #expect(after.status == .done)
            #expect(after.outcome == .solved)
            #expect(after.attitudeRating == 5)
            #expect(after.qualityRating == 4)
            #expect(try await ServiceRequests(app.store).get(setup.request.id).status == .closed)
            let shown = try await setup.agent.get("/follow-ups/\(followUp.id)").body.string
            #expect(shown.contains("id=\"follow-up-result\""))
            #expect(!shown.contains("id=\"follow-up-form\""))
        }
    }

    @Test("the inbox lists the follow-up notice, the top bar counts it, and marking read clears the count")
    func inbox() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            let followUp = try await setup.followUp(app)
            // when
            let before = try await setup.agent.get("/inbox").body.string
            // then
            #expect(before.contains("id=\"unread-count\">1<"))
            #expect(before.contains("href=\"/follow-ups/\(followUp.id)\""))
            // when
            let marked = try await setup.agent.post("/inbox/read-all")
            let after = try await setup.agent.get("/inbox").body.string
            // then
            #expect(marked.status == .seeOther)
            #expect(!after.contains("id=\"unread-count\""))
            #expect(try await Inbox(store: app.store, userId: setup.agentId).unreadCount(cap: 10) == 0)
        }
    }

    @Test("policies and calendars are created and edited through the forms; problems are named and change nothing")
    func administration() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            let browser = setup.manager
            func count(_ table: String) async throws -> Int {
                try await app.store.sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first(
                    decodingColumn: "n", as: Int.self)!
            }
            let policies = try await count("sla_policies")
            // when: a policy with a malformed minute count
            let bad = try await browser.post(
                "/admin/sla/policies",
                [
                    ("name", "紧急"), ("position", "10"), ("priority", "emergency"), ("target.onSite.on", "1"),
                    ("target.onSite.minutes", "abc"), ("target.onSite.basis", "calendar"),
                    ("target.onSite.warnPercent", "75"), ("target.onSite.escalations", "100,150"),
                ])
            // then
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("data-field=\"targets.0.minutes\""))
            #expect(try await count("sla_policies") == policies)
            // when: corrected
            let good = try await browser.post(
                "/admin/sla/policies",
                [
                    ("name", "紧急"), ("position", "10"), ("priority", "emergency"), ("target.onSite.on", "1"),
                    ("target.onSite.minutes", "240"), ("target.onSite.basis", "calendar"),
                    ("target.onSite.warnPercent", "75"), ("target.onSite.escalations", "100,150"),
                ])
            // then
            #expect(good.status == .seeOther)
            let created = try #require(
                try await Records<SLAPolicyRecord>(app.store).list(page: PageRequest()).items.first { $0.name == "紧急" })
            #expect(created.match.priority == .emergency)
            #expect(created.targets.map(\.minutes) == [240])
            #expect(created.targets.first?.escalations.map(\.percent) == [100, 150])
            // when: a calendar edit with a malformed Monday
            let calendars = try await count("business_calendars")
            let badCalendar = try await browser.post(
                "/admin/sla/calendars/\(setup.calendar.id)",
                [
                    ("version", "\(setup.calendar.version)"), ("orgUnitId", "\(setup.fixture.headquarters.id)"),
                    ("name", "总部日历"), ("timeZone", "Asia/Shanghai"), ("week.monday", "8-12"),
                ])
            // then
            #expect(badCalendar.status == .unprocessableEntity)
            #expect(badCalendar.body.string.contains("data-field=\"calendar.week.monday\""))
            #expect(
                try await Records<CalendarRecord>(app.store).get(setup.calendar.id).version == setup.calendar.version)
            // when: a new branch calendar, 7×24, then a year of holidays
            let createdCalendar = try await browser.post(
                "/admin/sla/calendars",
                [
                    ("orgUnitId", "\(setup.fixture.branch.id)"), ("name", "华东 7×24"), ("timeZone", "Asia/Shanghai"),
                    ("alwaysOpen", "1"),
                ])
            #expect(createdCalendar.status == .seeOther)
            #expect(try await count("business_calendars") == calendars + 1)
            let holidays = try await browser.post(
                "/admin/sla/calendars/\(setup.calendar.id)/holidays",
                [
                    ("version", "\(setup.calendar.version)"), ("year", "2027"),
                    ("csv", "date,kind,name\n2027-10-01,holiday,国庆节\n2027-09-26,workingDay,调休\n"),
                ])
            // then
            #expect(holidays.status == .seeOther)
            let stored = try await Records<CalendarRecord>(app.store).get(setup.calendar.id)
            #expect(stored.calendar.exceptions.count == 2)
            let page = try await browser.get("/admin/sla/calendars/\(setup.calendar.id)").body.string
            #expect(page.contains("国庆节"))
            #expect(page.contains("/api/v1/sla/calendars/\(setup.calendar.id)/holidays.csv"))
        }
    }

    @Test("a script in a policy name comes back escaped on the settings, the request page and the report")
    func escaped() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app, policyName: "策略 " + PageTests.payload)
            // when / then
            for path in [
                "/admin/sla/policies", "/admin/sla/policies/\(setup.policy.id)", "/requests/\(setup.request.id)",
            ] {
                let response = try await setup.manager.get(path)
                #expect(response.status == .ok, "\(path)")
                PageTests.assertEscaped(response.body.string, path)
            }
        }
    }

    @Test("a form posted without the CSRF token is refused and changes nothing")
    func csrf() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            let followUp = try await setup.followUp(app)
            // when
            let policy = try await setup.manager.post(
                "/admin/sla/policies",
                [
                    ("name", "偷偷"), ("position", "1"), ("target.resolution.on", "1"),
                    ("target.resolution.minutes", "60"), ("target.resolution.basis", "business"),
                    ("target.resolution.warnPercent", "75"), ("target.resolution.escalations", "100"),
                ], csrf: false)
            let call = try await setup.agent.post(
                "/follow-ups/\(followUp.id)", [("version", "1"), ("outcome", "solved")], csrf: false)
            let read = try await setup.agent.post("/inbox/read-all", csrf: false)
            // then
            #expect(policy.status == .forbidden)
            #expect(call.status == .forbidden)
            #expect(read.status == .forbidden)
            #expect(try await Records<SLAPolicyRecord>(app.store).list(page: PageRequest()).items.count == 1)
            #expect(try await FollowUps(app.store).get(followUp.id).status == .open)
            #expect(try await Inbox(store: app.store, userId: setup.agentId).unreadCount(cap: 10) == 1)
        }
    }
}
