import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import AftercareServer

/// what the customer sees in the portal, and what the desk receives from it (issue 14, item 7).
@Suite("Pages: the customer portal")
struct PortalPageTests {
    @Test("a portal request reaches the desk with the account's contact name and phone, and the customer's words")
    func contactFromAccount() async throws {
        try await withTestApp(.sqlite) { app in
            // given a customer account named as the customer's contact
            let fixture = try await Fixture.make(app.store)
            try await makeUser(
                app, "wang.portal", roles: [.customer], unit: fixture.branch.id, customer: fixture.customer.id,
                displayName: "王先生")
            let browser = try await Browser.signIn(app, "wang.portal")
            // when the form is sent without touching who to call
            let response = try await browser.post(
                "/portal/requests",
                [
                    ("unitId", "\(fixture.unit.id)"), ("faultDescription", "复印件有黑色条纹"),
                    ("customerRequest", "明天上午之前修好"), ("nonce", "portal-1"),
                ])
            // then
            #expect(response.status == .seeOther)
            let requests = try await ServiceRequests(app.store).list(RequestFilter(), page: .init()).items
            let request = try #require(requests.first)
            #expect(request.channel == .portal)
            #expect(request.contactName == "王先生" && request.contactPhone == "138-0013-8000")
            let page = try await browser.get("/portal/requests/\(request.id)").body.string
            #expect(page.contains("复印件有黑色条纹") && page.contains("明天上午之前修好"))
        }
    }

    @Test("the form warns that the unit already has a request under way; the request shows who comes and when")
    func openRequestAndAppointment() async throws {
        try await withTestApp(.sqlite) { app in
            // given an open request with a visit scheduled for an engineer
            let fixture = try await Fixture.make(app.store)
            try await makeUser(
                app, "cust.portal", roles: [.customer], unit: fixture.branch.id, customer: fixture.customer.id)
            let engineerUser = try await makeUser(
                app, "eng.portal", roles: [.fieldEngineer], unit: fixture.branch.id, displayName: "孙海涛")
            let engineer = try await Records<EngineerRecord>(app.store).create(
                .init(
                    userId: engineerUser.user.id, orgUnitId: fixture.branch.id, level: 3,
                    skills: [EngineerSkill(productLineId: fixture.model.productLineId, level: 3)]), by: .system)
            let request = try await ServiceRequests(app.store).register(
                .init(
                    customerId: fixture.customer.id, unitIds: [fixture.unit.id], channel: .phone, type: .repair,
                    faultDescription: "卡纸"), by: .system)
            let zone = app.store.timeZone
            let week = Array(repeating: [WorkingPeriod("08:00-18:00")!], count: 7)
            _ = try await Records<CalendarRecord>(app.store).create(
                .init(
                    orgUnitId: fixture.branch.id, name: "每天",
                    calendar: BusinessCalendar(timeZone: zone.identifier, week: week)), by: .system)
            let start = app.store.today.adding(days: 1).interval(in: zone).start.addingTimeInterval(10 * 3600)
            let visit = try await Visits(app.store).create(
                VisitInput(purpose: .repair, durationMinutes: 60, latitude: 31.2, longitude: 121.4),
                requestId: request.id, by: .system)
            _ = try await Visits(app.store).post(
                VisitEventInput(
                    event: .schedule, engineerId: engineer.id, windowStart: start,
                    windowEnd: start.addingTimeInterval(7200)), to: visit.id, by: .system)
            let browser = try await Browser.signIn(app, "cust.portal")
            let l = Localizer(
                language: .zhHans, timeZone: app.store.timeZone, catalogue: app.storage[CatalogueKey.self]!)
            // when
            let form = try await browser.get("/portal/requests/new", headers: ["Accept-Language": "zh-Hans"])
            let detail = try await browser.get(
                "/portal/requests/\(request.id)", headers: ["Accept-Language": "zh-Hans"])
            // then
            #expect(form.body.string.contains("id=\"open-requests\"") && form.body.string.contains(request.number))
            let body = detail.body.string
            #expect(body.contains("id=\"appointments\"") && body.contains("孙海涛"))
            #expect(body.contains(l.window(start, start.addingTimeInterval(7200))!))
        }
    }
}
