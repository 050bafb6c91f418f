import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import AftercareServer

/// Issue 14: saved views on the request list: saved from a filtered list and opened from the strip above it,
/// shared with the owner's unit, a refused name shown on the same list, removed by the owner alone.
@Suite("Pages: saved views of the request list")
struct SavedViewPageTests {
    /// The list filtered by type and by a customer's name (仁济), as a browser sends it, with a page cursor.
    static let filtered = "/requests?type=repair&customer=%E4%BB%81%E6%B5%8E&cursor=abc"
    /// The same filters as a saved view keeps them.
    static let query = "type=repair&customer=%E4%BB%81%E6%B5%8E"
    /// The same in an attribute of the page.
    static let escaped = query.replacingOccurrences(of: "&", with: "&amp;")

    struct Setup {
        var branches: TwoBranches
        var owner: UserRecord.View
        var agent: Browser
        var colleague: Browser
        var south: Browser

        static func make(_ app: Application) async throws -> Setup {
            let branches = try await TwoBranches.make(app)
            let east = branches.fixture.branch.id
            let owner = try await makeUser(
                app, "sv.owner", roles: [.hotlineAgent], unit: east, displayName: "王<b>芳</b>")
            try await makeUser(app, "sv.colleague", roles: [.serviceManager], unit: east)
            try await makeUser(app, "sv.south", roles: [.hotlineAgent], unit: branches.south.id)
            return Setup(
                branches: branches, owner: owner.user, agent: try await Browser.signIn(app, "sv.owner"),
                colleague: try await Browser.signIn(app, "sv.colleague"),
                south: try await Browser.signIn(app, "sv.south"))
        }
    }

    static func views(_ app: Application) async throws -> Int {
        try await app.store.sql.raw("SELECT COUNT(*) AS n FROM saved_views").first(decodingColumn: "n", as: Int.self)!
    }

    @Test(
        "save a filtered list, open it from the strip, share it with the unit, remove it", arguments: TestDatabase.all)
    func saveOpenRemove(_ database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given
            let setup = try await Setup.make(app)
            let empty = try await setup.agent.get("/requests", headers: ["Accept-Language": "en"]).body.string
            #expect(empty.contains("id=\"saved-views-none\""))
            #expect(!empty.contains("id=\"save-view\""), "nothing to save without a filter")
            let list = try await setup.agent.get(Self.filtered, headers: ["Accept-Language": "en"]).body.string
            #expect(list.contains("id=\"save-view\"") && list.contains("name=\"query\" value=\"\(Self.escaped)\""))

            // when a view is saved from the filtered list
            let saved = try await setup.agent.post(
                "/requests/views",
                [("name", "Repairs <i>仁济</i>"), ("shared", "true"), ("query", "?\(Self.query)&cursor=abc")])
            // then the browser goes to the view, and the strip lists it as the current one
            #expect(saved.status == .seeOther)
            let location = try #require(saved.headers.first(name: .location))
            #expect(location == "/requests?\(Self.query)")
            let opened = try await setup.agent.get(location, headers: ["Accept-Language": "en"])
            var body = opened.body.string
            #expect(opened.status == .ok)
            #expect(body.contains("aria-current=\"page\">Repairs &lt;i&gt;仁济&lt;/i&gt;</a>"), "escaped and current")
            #expect(!body.contains("<i>仁济</i>"))
            #expect(body.contains("Shared with the unit"))
            #expect(body.contains("href=\"/requests/\(setup.branches.eastRequest.id)\""), "the view's rows")
            let view = try #require(
                try await SavedViews(app.store).list(for: setup.owner.id, orgUnitId: setup.owner.orgUnitId).first)
            #expect(body.contains("action=\"/requests/views/\(view.id)/archive\""))
            #expect(!body.contains("saved_views") && !body.contains("savedViews."), "no raw names or keys")

            // and a colleague of the unit sees it with its owner's name, without a remove button
            body = try await setup.colleague.get("/requests", headers: ["Accept-Language": "en"]).body.string
            #expect(body.contains("href=\"/requests?\(Self.escaped)\""))
            #expect(body.contains("shared by 王&lt;b&gt;芳&lt;/b&gt;"))
            #expect(!body.contains("/requests/views/\(view.id)/archive"))
            // and someone of another unit does not
            body = try await setup.south.get("/requests").body.string
            #expect(!body.contains("/requests?\(Self.escaped)"))

            // when the colleague tries to remove it
            let refused = try await setup.colleague.post(
                "/requests/views/\(view.id)/archive", [("query", Self.query)])
            // then it is not there for them
            #expect(refused.status == .notFound)

            // when the owner removes it
            let removed = try await setup.agent.post("/requests/views/\(view.id)/archive", [("query", Self.query)])
            // then the list stays as filtered and the view is gone from the strip, kept as archived
            #expect(removed.status == .seeOther)
            #expect(removed.headers.first(name: .location) == "/requests?\(Self.query)")
            body = try await setup.agent.get("/requests?\(Self.query)").body.string
            #expect(body.contains("id=\"saved-views-none\"") && body.contains("id=\"save-view\""))
            #expect(try await Self.views(app) == 1)
        }
    }

    @Test("a blank, repeated or too long name is shown again on the filtered list, naming the field")
    func refusedName() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            _ = try await setup.agent.post("/requests/views", [("name", "Repairs"), ("query", Self.query)])
            #expect(try await Self.views(app) == 1)
            // when the name is blank
            let blank = try await setup.agent.post(
                "/requests/views", [("name", "  "), ("query", Self.query)], headers: ["Accept-Language": "en"])
            // then the list filtered as it was shows the form open with the field named
            var body = blank.body.string
            #expect(blank.status == .unprocessableEntity)
            #expect(body.contains("data-field=\"name\">View name: is required</p>"))
            #expect(body.contains("<details class=\"save-view\" open>"))
            #expect(body.contains("name=\"query\" value=\"\(Self.escaped)\""))
            #expect(body.contains("href=\"/requests/\(setup.branches.eastRequest.id)\""), "the filtered rows")
            // when the name is taken, in Spanish, with the shared box ticked
            let taken = try await setup.agent.post(
                "/requests/views", [("name", "Repairs"), ("shared", "true"), ("query", Self.query)],
                headers: ["Accept-Language": "es"])
            body = taken.body.string
            #expect(taken.status == .unprocessableEntity)
            let es = Localizer(language: .es, timeZone: app.store.timeZone, catalogue: app.storage[CatalogueKey.self]!)
            #expect(body.contains("data-field=\"name\">Nombre de la vista: \(es.t("problem.duplicate"))</p>"))
            #expect(body.contains("value=\"Repairs\"") && body.contains("name=\"shared\" value=\"true\" checked"))
            // when the name is too long
            let long = try await setup.agent.post(
                "/requests/views", [("name", String(repeating: "视", count: 61)), ("query", Self.query)],
                headers: ["Accept-Language": "zh-Hans"])
            #expect(long.status == .unprocessableEntity)
            #expect(long.body.string.contains("视图名称"))
            // then nothing more was saved
            #expect(try await Self.views(app) == 1)
        }
    }

    @Test("the strip in every language", arguments: Language.allCases)
    func languages(_ language: Language) async throws {
        try await withTestApp(.sqlite) { app in
            let setup = try await Setup.make(app)
            _ = try await setup.agent.post("/requests/views", [("name", "Repairs"), ("query", Self.query)])
            let page = try await setup.agent.get(
                "/requests?\(Self.query)", headers: ["Accept-Language": language.rawValue])
            let body = page.body.string
            let l = Localizer(
                language: language, timeZone: app.store.timeZone, catalogue: app.storage[CatalogueKey.self]!)
            #expect(page.status == .ok)
            for key in ["savedViews.title", "savedViews.save", "savedViews.saveButton", "savedViews.remove"] {
                #expect(body.contains(l.t(key)), "\(key) in \(language)")
            }
            #expect(!body.contains("savedViews."))
        }
    }
}
