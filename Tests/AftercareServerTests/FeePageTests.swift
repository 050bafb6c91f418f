import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import AftercareServer

/// the fee schedule pages: publishing through the form, reading in four languages, withdrawing.
@Suite("Pages: fee schedules")
struct FeePageTests {
    struct Setup {
        var fixture: Fixture
        var manager: Browser
        var agent: Browser
    }

    static func setup(_ app: Application) async throws -> Setup {
        let fixture = try await Fixture.make(app.store)
        try await makeUser(app, "fee.manager", roles: [.serviceManager], unit: fixture.branch.id)
        try await makeUser(app, "fee.agent", roles: [.hotlineAgent], unit: fixture.branch.id)
        return Setup(
            fixture: fixture, manager: try await Browser.signIn(app, "fee.manager"),
            agent: try await Browser.signIn(app, "fee.agent"))
    }

    static func form(_ unit: Int, from: CalendarDate, rate: String = "150.00") -> [(String, String)] {
        [
            ("orgUnitId", "\(unit)"), ("validFrom", from.description), ("validTo", ""),
            ("note", "<script>alert(1)</script> 新标准"), ("rate.1.a", "80"), ("rate.3.b", rate),
            ("basis.a", "perHour"), ("basis.b", "perHour"), ("basis.c", "perHour"), ("basis.d", "perJob"),
            ("rate.3.d", "800"), ("travel.0.upToKm", "20"), ("travel.0.amount", "50"), ("travel.1.upToKm", ""),
            ("travel.1.amount", "150,00"), ("training.0.content", "操作培训"), ("training.0.method", "onSite"),
            ("training.0.amount", "300"),
        ]
    }

    static func language(_ language: Language) -> HTTPHeaders {
        [HTTPHeaders.Name.acceptLanguage.description: language.rawValue]
    }

    @Test("a manager publishes a schedule through the form; staff read it in four languages; agents cannot change it")
    func publishAndRead() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Self.setup(app)
            let tomorrow = app.store.today.adding(days: 1)
            #expect(try await setup.manager.get("/fees/new").body.string.contains("name=\"rate.3.b\""))
            // when
            let posted = try await setup.manager.post("/fees", Self.form(setup.fixture.branch.id, from: tomorrow))
            // then
            #expect(posted.status == .seeOther)
            let location = try #require(posted.headers.first(name: .location))
            let id = try #require(Int(location.replacingOccurrences(of: "/fees/", with: "")))
            let stored = try await Records<FeeScheduleRecord>(app.store).get(id)
            #expect(
                stored.labour == [
                    LabourRate(level: 1, difficulty: .a, basis: .perHour, amountMinor: 8_000),
                    LabourRate(level: 3, difficulty: .b, basis: .perHour, amountMinor: 15_000),
                    LabourRate(level: 3, difficulty: .d, basis: .perJob, amountMinor: 80_000),
                ])
            #expect(
                stored.travel == [
                    TravelBand(upToKm: 20, amountMinor: 5_000), TravelBand(upToKm: nil, amountMinor: 15_000),
                ])
            #expect(stored.training == [TrainingRate(content: "操作培训", method: .onSite, perHourMinor: 30_000)])
            #expect(stored.validFrom == tomorrow && stored.currency == .cny)
            for (language, words) in [
                (Language.zhHans, ["3 级", "收费标准", "待生效", "20 公里以内"]),
                (.zhHant, ["3 級", "收費標準", "待生效", "20 公里以內"]),
                (.en, ["Level 3", "Fee schedule", "Upcoming", "up to 20 km"]),
                (.es, ["Nivel 3", "Tarifa", "Próxima", "hasta 20 km"]),
            ] {
                let page = try await setup.agent.get("/fees/\(id)", headers: Self.language(language))
                let body = page.body.string
                #expect(page.status == .ok)
                for word in words { #expect(body.contains(word), "\(language.rawValue): \(word)") }
                #expect(body.contains("&lt;script&gt;") && !body.contains("<script>alert"))
                #expect(!body.contains("fees.") && !body.contains("feeStanding."), "\(language.rawValue): a raw key")
                #expect(!body.contains("id=\"withdraw\""), "an agent is not offered the withdrawal")
            }
            let list = try await setup.agent.get("/fees", headers: Self.language(.zhHans)).body.string
            #expect(list.contains("/fees/\(id)") && list.contains("华东分公司"))
            #expect(try await setup.agent.get("/fees/new").status == .forbidden)
            #expect(try await setup.agent.post("/fees/\(id)/withdraw").status == .forbidden)
            // the manager withdraws it before it takes effect
            #expect(try await setup.manager.get("/fees/\(id)").body.string.contains("id=\"withdraw\""))
            #expect(try await setup.manager.post("/fees/\(id)/withdraw").status == .seeOther)
            #expect(try await Records<FeeScheduleRecord>(app.store).get(id).archivedAt != nil)
        }
    }

    @Test(
        "a malformed amount or day stays on the form with what was typed, names the field, and writes nothing",
        arguments: [("12.345", "", "rate.3.b"), ("150", "2026-13-40", "validFrom"), ("abc", "", "rate.3.b")])
    func invalid(rate: String, day: String, field: String) async throws {
        try await withTestApp(.sqlite) { app in
            let setup = try await Self.setup(app)
            var form = Self.form(setup.fixture.branch.id, from: app.store.today, rate: rate)
            if !day.isEmpty { form = form.map { $0.0 == "validFrom" ? ("validFrom", day) : $0 } }
            let page = try await setup.manager.post("/fees", form, headers: Self.language(.zhHans))
            let body = page.body.string
            #expect(page.status == .unprocessableEntity)
            #expect(body.contains("data-field=\"\(field)\""), "\(field)")
            #expect(body.contains("value=\"\(rate)\""), "what was typed is kept")
            if field == "rate.3.b" { #expect(body.contains("3 级 · 难度 B（一般）")) }
            #expect(try await Records<FeeScheduleRecord>(app.store).list(page: PageRequest()).items.isEmpty)
        }
    }

    @Test("a refusal of the schedule is named on the form's own row, even when rows above it were left blank")
    func rowsNamed() async throws {
        try await withTestApp(.sqlite) { app in
            let setup = try await Self.setup(app)
            let form =
                Self.form(setup.fixture.branch.id, from: app.store.today.adding(days: 1)).filter {
                    !$0.0.hasPrefix("travel.")
                } + [
                    ("travel.0.upToKm", ""), ("travel.0.amount", ""), ("travel.2.upToKm", "30"),
                    ("travel.2.amount", "50"),
                    ("travel.3.upToKm", "10"), ("travel.3.amount", "20"),
                ]
            let page = try await setup.manager.post("/fees", form, headers: Self.language(.en))
            let body = page.body.string
            #expect(page.status == .unprocessableEntity)
            #expect(body.contains("data-field=\"travel.3.upToKm\"") && body.contains("Travel band 4"))
            #expect(body.contains("name=\"travel.3.upToKm\" value=\"10\""))
        }
    }

    @Test("a schedule in effect cannot be withdrawn: the refusal is shown on its own page and nothing changes")
    func withdrawInEffect() async throws {
        try await withTestApp(.sqlite) { app in
            let setup = try await Self.setup(app)
            let current = try await FeeSchedules(app.store).publish(
                .init(
                    orgUnitId: setup.fixture.branch.id, validFrom: app.store.today.adding(days: -10),
                    labour: [LabourRate(level: 1, difficulty: .a, basis: .perHour, amountMinor: 100)],
                    travel: [TravelBand(upToKm: nil, amountMinor: 100)]), by: .system)
            let page = try await setup.manager.post(
                "/fees/\(current.id)/withdraw", headers: Self.language(.en))
            #expect(page.status == .conflict)
            #expect(page.body.string.contains("can no longer be withdrawn"))
            #expect(try await Records<FeeScheduleRecord>(app.store).get(current.id).archivedAt == nil)
            #expect(try await setup.manager.post("/fees/\(current.id)/withdraw", csrf: false).status == .forbidden)
        }
    }

    @Test("the calculator prices a job from the schedule and the unit's warranty, and says why, in words")
    func calculator() async throws {
        try await withTestApp(.sqlite) { app in
            let setup = try await Self.setup(app)
            _ = try await FeeSchedules(app.store).publish(
                .init(
                    orgUnitId: setup.fixture.branch.id, validFrom: app.store.today.adding(days: -30),
                    labour: [LabourRate(level: 3, difficulty: .b, basis: .perHour, amountMinor: 12_000)],
                    travel: [TravelBand(upToKm: 20, amountMinor: 5_000), TravelBand(upToKm: nil, amountMinor: 15_000)]),
                by: .system)
            _ = try await Records<PartRecord>(app.store).create(
                .init(partNumber: "DR-200", name: "感光鼓", managementFeePercent: 15, lastPrice: 1_999), by: .system)
            func query(_ cause: FaultCause, serial: String = "sn-0001") -> String {
                "/fees/price?"
                    + formBody([
                        ("price", "1"), ("orgUnitId", "\(setup.fixture.branch.id)"), ("units.1.serial", serial),
                        ("units.1.cause", cause.rawValue), ("labour.0.unit", "1"), ("labour.0.level", "4"),
                        ("labour.0.difficulty", "b"), ("labour.0.minutes", "90"), ("km", "25"),
                        ("parts.2.partNumber", "dr-200"), ("parts.2.quantity", "2"), ("parts.2.unit", "1"),
                    ])
            }
            // in warranty with a quality defect: all free, and why
            let free = try await setup.agent.get(query(.qualityDefect), headers: Self.language(.zhHans))
            var body = free.body.string
            #expect(free.status == .ok)
            #expect(body.contains("id=\"price-result\"") && body.contains("保修期内，质量问题"))
            #expect(body.contains("本次上门包含保修设备") && body.contains("DR-200 感光鼓 × 2"))
            #expect(body.contains("<dd id=\"price-charged\">0.00</dd>"))
            #expect(body.contains("<dd id=\"price-free\">375.98</dd>"))
            // man-made damage: the same work is charged: 180.00 + 150.00 + 2 × 22.99
            body = try await setup.agent.get(query(.manMadeDamage), headers: Self.language(.en)).body.string
            #expect(body.contains("<dd id=\"price-charged\">375.98</dd>") && body.contains("Man-made damage"))
            // a serial that is not there is named on its row, and nothing is priced
            let missing = try await setup.agent.get(query(.misuse, serial: "NOPE"), headers: Self.language(.zhHans))
            body = missing.body.string
            #expect(missing.status == .unprocessableEntity)
            #expect(body.contains("data-field=\"units.1.serial\"") && body.contains("设备 2"))
            #expect(!body.contains("id=\"price-result\""))
            #expect(try await Browser.signIn(app, "fee.manager").get("/fees/price").status == .ok)
        }
    }

    @Test("R-5.3: the customer sees who comes, the engineer's valid certifications, and the schedule charged by")
    func conductInPortal() async throws {
        try await withTestApp(.sqlite) { app in
            let world = try await TwoBranches.make(app)
            let store = app.store
            _ = try await FeeSchedules(store).publish(
                .init(
                    orgUnitId: world.fixture.branch.id, validFrom: store.today.adding(days: -30),
                    labour: [LabourRate(level: 3, difficulty: .b, basis: .perHour, amountMinor: 16_000)],
                    travel: [TravelBand(upToKm: nil, amountMinor: 8_000)]), by: .system)
            try await makeUser(
                app, "conduct.customer", roles: [.customer], unit: world.fixture.branch.id,
                customer: world.fixture.customer.id)
            let customer = try await Browser.signIn(app, "conduct.customer")
            let path = "/portal/requests/\(world.eastRequest.id)"
            #expect(
                !(try await customer.get(path).body.string.contains("id=\"fee-schedule\"")), "no visit, no schedule")
            let user = try await makeUser(
                app, "conduct.engineer", roles: [.fieldEngineer], unit: world.fixture.branch.id)
            let engineer = try await Records<EngineerRecord>(store).create(
                .init(
                    userId: user.user.id, orgUnitId: world.fixture.branch.id, level: 3,
                    skills: [EngineerSkill(productLineId: world.fixture.model.productLineId, level: 3)],
                    certifications: [
                        Certification(name: "电工特种作业操作证", expiresOn: store.today.adding(days: 400)),
                        Certification(name: "过期的登高证", expiresOn: store.today.adding(days: -1)),
                    ]), by: .system)
            _ = try await ServiceRequests(store).post(.init(event: .triage), to: world.eastRequest.id, by: .system)
            let visit = try await Visits(store).create(
                VisitInput(purpose: .repair, latitude: 31.2, longitude: 121.4), requestId: world.eastRequest.id,
                by: .system)
            _ = try await Visits(store).post(
                .init(event: .assign, engineerId: engineer.id), to: visit.id, by: .system)
            let body = try await customer.get(path, headers: Self.language(.zhHans)).body.string
            #expect(body.contains("3 级工程师") && body.contains("电工特种作业操作证（有效期至"))
            #expect(!body.contains("过期的登高证"), "an expired certification is not shown")
            #expect(body.contains("id=\"fee-schedule\"") && body.contains("160.00/小时"))
            #expect(body.contains("工程师按以下公开的统一收费标准收费"))
        }
    }
}
