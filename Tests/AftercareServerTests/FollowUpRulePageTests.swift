import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import AftercareServer

/// R-10.1: the administration of follow-up rules (when each follow-up call falls due, how it is retried).
@Suite("Pages: follow-up rules")
struct FollowUpRulePageTests {
    /// An administrator, a service manager and a hotline agent (who works the calls but may not change the rules).
    struct Setup {
        var admin: Browser
        var manager: Browser
        var agent: Browser

        static func make(_ app: Application) async throws -> Setup {
            let fixture = try await Fixture.make(app.store)
            try await makeUser(app, "rules.admin", roles: [.administrator], unit: fixture.headquarters.id)
            try await makeUser(app, "rules.manager", roles: [.serviceManager], unit: fixture.headquarters.id)
            try await makeUser(app, "rules.agent", roles: [.hotlineAgent], unit: fixture.branch.id)
            return Setup(
                admin: try await Browser.signIn(app, "rules.admin"),
                manager: try await Browser.signIn(app, "rules.manager"),
                agent: try await Browser.signIn(app, "rules.agent"))
        }
    }

    static func rule(_ app: Application, _ trigger: FollowUpTrigger) async throws -> FollowUpRuleRecord.View {
        try #require(
            try await Records<FollowUpRuleRecord>(app.store).list(page: PageRequest()).items.first {
                $0.trigger == trigger
            })
    }

    static let english: HTTPHeaders = ["Accept-Language": "en"]

    @Test("the list shows the three seeded rules in words; the edit form carries its version and CSRF token")
    func renders() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            let resolved = try await Self.rule(app, .resolved)
            // when
            let list = try await setup.admin.get("/admin/follow-up-rules", headers: Self.english)
            let form = try await setup.admin.get("/admin/follow-up-rules/\(resolved.id)", headers: Self.english)
            let policies = try await setup.manager.get("/admin/sla/policies", headers: Self.english)
            // then
            #expect(list.status == .ok)
            let body = list.body.string
            #expect(body.contains("After phone guidance"))
            #expect(body.contains("After resolution"))
            #expect(body.contains("After depot return"))
            #expect(body.contains("2 h (120 min)"))
            #expect(body.contains("1 working day = 480 working minutes"))
            #expect(body.contains("3 d (4,320 min)"))
            #expect(body.contains("2 h · 1 d · 2 d"))
            #expect(body.contains("href=\"/admin/follow-up-rules/\(resolved.id)\""))
            #expect(form.status == .ok)
            let page = form.body.string
            #expect(page.contains("name=\"_csrf\""))
            #expect(page.contains("name=\"version\" value=\"\(resolved.version)\""))
            #expect(page.contains("name=\"delayMinutes\" value=\"480\""))
            #expect(page.contains("name=\"retryMinutes\" value=\"120, 1440, 2880\""))
            #expect(policies.body.string.contains("id=\"follow-up-rules-link\""))
            #expect(try await setup.manager.get("/admin/follow-up-rules").status == .ok)
        }
    }

    @Test("a hotline agent may not see or change the rules, and gets no link to them")
    func refused() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            let rule = try await Self.rule(app, .resolved)
            // when
            let list = try await setup.agent.get("/admin/follow-up-rules")
            let form = try await setup.agent.get("/admin/follow-up-rules/\(rule.id)")
            let post = try await setup.agent.post(
                "/admin/follow-up-rules/\(rule.id)",
                [
                    ("version", "\(rule.version)"), ("delayMinutes", "60"), ("windowMinutes", "60"),
                    ("basis", "calendar"), ("retryMinutes", ""), ("enabled", "1"),
                ])
            // then
            #expect(list.status == .forbidden)
            #expect(form.status == .forbidden)
            #expect(post.status == .forbidden)
            #expect(try await Records<FollowUpRuleRecord>(app.store).get(rule.id) == rule)
            #expect(!(try await setup.agent.get("/").body.string.contains("/admin/follow-up-rules")))
            // and the policies page's link (shown with SLA settings) reaches exactly the roles that may edit rules
            for role in Role.allCases {
                #expect(
                    Permissions.allows([role], .manageSLA) == Permissions.allows([role], .manageFollowUpRules),
                    "\(role.rawValue)")
            }
        }
    }

    @Test("a valid edit changes the rule and leaves an audit entry")
    func edit() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            let rule = try await Self.rule(app, .resolved)
            // when
            let response = try await setup.admin.post(
                "/admin/follow-up-rules/\(rule.id)",
                [
                    ("version", "\(rule.version)"), ("delayMinutes", "960"), ("windowMinutes", "240"),
                    ("basis", "business"), ("retryMinutes", "60，1440; 4320"),
                ])
            // then
            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location) == "/admin/follow-up-rules")
            let after = try await Records<FollowUpRuleRecord>(app.store).get(rule.id)
            #expect(after.delayMinutes == 960)
            #expect(after.windowMinutes == 240)
            #expect(after.basis == .business)
            #expect(after.retryMinutes == [60, 1440, 4320])
            #expect(after.enabled == false)
            #expect(after.version == rule.version + 1)
            let audit = try await Records<FollowUpRuleRecord>(app.store).audit(rule.id, page: PageRequest()).items
            let entry = try #require(audit.first { $0.action == .update })
            #expect(entry.actor == "rules.admin")
            let list = try await setup.admin.get("/admin/follow-up-rules", headers: Self.english).body.string
            #expect(list.contains("2 working days = 960 working minutes"))
            #expect(list.contains("1 h · 1 d · 3 d"))
            #expect(list.contains("Switched off"))
            // when: the same form again, with the old version
            let stale = try await setup.admin.post(
                "/admin/follow-up-rules/\(rule.id)",
                [
                    ("version", "\(rule.version)"), ("delayMinutes", "30"), ("windowMinutes", "240"),
                    ("basis", "business"), ("retryMinutes", ""), ("enabled", "1"),
                ])
            // then
            #expect(stale.status == .conflict)
            #expect(stale.body.string.contains("data-field=\"version\""))
            #expect(try await Records<FollowUpRuleRecord>(app.store).get(rule.id) == after)
        }
    }

    /// Posts the form as `browser` does, in `language`.
    static func post(
        _ browser: Browser, _ path: String, _ fields: [(String, String)], language: Language
    ) async throws -> TestingHTTPResponse {
        try await browser.post(path, fields, headers: [HTTPHeaders.Name.acceptLanguage.description: language.rawValue])
    }

    @Test(
        "an invalid edit names the field, keeps what was typed and changes nothing",
        arguments: [
            ("delayMinutes", "-1", "delayMinutes"), ("retryMinutes", "abc", "retryMinutes"),
            ("retryMinutes", "120, 0", "retryMinutes.1"), ("windowMinutes", "", "windowMinutes"),
            ("basis", "lunar", "basis"),
        ])
    func invalid(name: String, value: String, field: String) async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            let rule = try await Self.rule(app, .phoneGuidance)
            let form: [(String, String)] = [
                ("version", "\(rule.version)"), ("delayMinutes", "90"), ("windowMinutes", "60"),
                ("basis", "calendar"), ("retryMinutes", "120"), ("enabled", "1"),
            ].map { $0.0 == name ? (name, value) : $0 }
            // when
            let response = try await Self.post(
                setup.admin, "/admin/follow-up-rules/\(rule.id)", form, language: .en)
            // then
            let body = response.body.string
            #expect(response.status == .unprocessableEntity)
            #expect(body.contains("data-field=\"\(field)\""))
            if name != "basis" { #expect(body.contains("name=\"\(name)\" value=\"\(value)\"")) }
            #expect(try await Records<FollowUpRuleRecord>(app.store).get(rule.id) == rule)
        }
    }

    @Test("the problems are named in Chinese and Spanish, not in English", arguments: [Language.zhHans, .es])
    func localizedProblem(language: Language) async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            let rule = try await Self.rule(app, .phoneGuidance)
            let l = Localizer(
                language: language, timeZone: app.store.timeZone, catalogue: app.storage[CatalogueKey.self]!)
            // when
            let response = try await Self.post(
                setup.admin, "/admin/follow-up-rules/\(rule.id)",
                [
                    ("version", "\(rule.version)"), ("delayMinutes", "-1"), ("windowMinutes", "60"),
                    ("basis", "calendar"), ("retryMinutes", "abc"),
                ], language: language)
            // then
            let body = response.body.string
            #expect(response.status == .unprocessableEntity)
            #expect(body.contains("<html lang=\"\(language.rawValue)\">"))
            #expect(body.contains("data-field=\"delayMinutes\""))
            #expect(body.contains("data-field=\"retryMinutes\""))
            #expect(body.contains("\(l.t("followUpRules.field.delayMinutes")): "))
            #expect(body.contains("\(l.t("followUpRules.field.retryMinutes")): "))
            #expect(!body.contains("Delay (minutes)"))
            #expect(!body.contains("must be between"))
            #expect(!body.contains("is not in the expected form"))
            #expect(try await Records<FollowUpRuleRecord>(app.store).get(rule.id) == rule)
        }
    }

    @Test("a form posted without the CSRF token is refused and changes nothing")
    func csrf() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            let rule = try await Self.rule(app, .resolved)
            // when
            let response = try await setup.admin.post(
                "/admin/follow-up-rules/\(rule.id)",
                [
                    ("version", "\(rule.version)"), ("delayMinutes", "60"), ("windowMinutes", "60"),
                    ("basis", "calendar"), ("retryMinutes", ""), ("enabled", "1"),
                ], csrf: false)
            // then
            #expect(response.status == .forbidden)
            #expect(try await Records<FollowUpRuleRecord>(app.store).get(rule.id) == rule)
        }
    }

    @Test(
        "both pages render in every language, tagged with it, without English left over", arguments: Language.allCases)
    func languages(language: Language) async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            let rule = try await Self.rule(app, .depotReturn)
            let catalogue = app.storage[CatalogueKey.self]!
            let english = catalogue.strings[.en]!
            let local = catalogue.strings[language]!
            for path in ["/admin/follow-up-rules", "/admin/follow-up-rules/\(rule.id)"] {
                // when
                let response = try await setup.admin.get(path, headers: ["Accept-Language": language.rawValue])
                // then
                let body = response.body.string
                #expect(response.status == .ok, "\(path)")
                #expect(body.contains("<html lang=\"\(language.rawValue)\">"), "\(path)")
                #expect(body.contains(local["followUpRules.title"]!), "\(path)")
                for (key, text) in english
                where language != .en && text.contains(" ") && text.count > 8 && local[key] != text {
                    #expect(!body.contains(">\(text)<"), "\(path) in \(language.rawValue) shows English: \(text)")
                }
                if language != .en {
                    #expect(!body.contains("working"), "\(path)")
                    #expect(!body.contains("After depot return"), "\(path)")
                }
            }
        }
    }
}
