import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import AftercareServer

/// Defects a new user hit on the visit forms and the request timeline (issue 14).
extension DispatchPageTests {
    @Test("My day: the window the page suggests around a routed stop is accepted beside the next stop's window")
    func suggestedWindowAccepted() async throws {
        try await withTestApp(.sqlite) { app in
            // given engineer A's day from an accepted route: the waiting visit at 09:16, visit A at 10:40
            let setup = try await Setup.make(app)
            let zone = app.store.timeZone
            let midnight = setup.today.interval(in: zone).start
            func at(_ hour: Double) -> Date { midnight.addingTimeInterval(hour * 3600) }
            let visits = Visits(app.store)
            _ = try await visits.post(
                VisitEventInput(event: .assign, engineerId: setup.engineerA.id), to: setup.waiting.id, by: .system)
            for (id, arrival) in [(setup.waiting.id, at(9 + 16 / 60)), (setup.visitA.id, at(10 + 40 / 60))] {
                try await app.store.sql.update("visits").set("planned_arrival", to: arrival).where("id", .equal, id)
                    .run()
            }
            let waiting = try await visits.get(setup.waiting.id)
            // when the engineer agrees the window My day pre-fills (30 min before to 90 min after the arrival)
            let day = try await setup.engineerABrowser.get("/my-day?date=\(setup.today)")
            let start = LocalTime.input(at(9 + 16 / 60 - 0.5), zone)
            let end = LocalTime.input(at(9 + 16 / 60 + 1.5), zone)
            #expect(day.body.string.contains("value=\"\(start)\"") && day.body.string.contains("value=\"\(end)\""))
            let response = try await setup.engineerABrowser.post(
                "/visits/\(waiting.id)/events",
                [
                    ("event", "schedule"), ("version", "\(waiting.version)"), ("windowStart", start),
                    ("windowEnd", end), ("back", "/my-day?date=\(setup.today)"),
                ])
            // then it is agreed: the work (09:16–10:16) does not overlap visit A's (10:40–11:40)
            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location) == "/my-day?date=\(setup.today)")
            let after = try await visits.get(waiting.id)
            #expect(after.status == .scheduled && after.windowStart == at(9 + 16 / 60 - 0.5))
        }
    }

    @Test("a refused form is shown at its page's own address once; a reload shows the page afresh")
    func postRedirectGet() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Setup.make(app)
            let zone = app.store.timeZone
            let fields = [
                (CSRF.field, setup.dispatcher.csrf), ("event", "schedule"), ("version", "\(setup.waiting.version)"),
                ("engineerId", "\(setup.engineerA.id)"),
                ("windowStart", LocalTime.input(setup.visitA.windowStart, zone)),
                ("windowEnd", LocalTime.input(setup.visitA.windowEnd, zone)),
            ]
            // when a schedule that overlaps visit A is posted
            let posted = try await app.testing().sendRequest(.POST, "/visits/\(setup.waiting.id)/events") { request in
                request.headers.cookie = [Cookies.session: .init(string: setup.dispatcher.session)]
                request.headers.contentType = .urlEncodedForm
                request.body = ByteBuffer(string: formBody(fields))
            }
            // then the browser is sent to the visit's own page, with the refusal kept for it
            #expect(posted.status == .seeOther)
            #expect(posted.headers.first(name: .location) == "/visits/\(setup.waiting.id)")
            let kept = try #require(posted.headers.setCookie?[FormReturn.cookie])
            func get(_ browser: Browser) async throws -> TestingHTTPResponse {
                try await app.testing().sendRequest(.GET, "/visits/\(setup.waiting.id)") { request in
                    request.headers.cookie = [Cookies.session: .init(string: browser.session), FormReturn.cookie: kept]
                }
            }
            // another user bringing the same token sees the page as it is
            let other = try await get(setup.admin)
            #expect(other.status == .ok && !other.body.string.contains("data-code=\"overlaps\""))
            let shown = try await get(setup.dispatcher)
            #expect(shown.status == .conflict)
            #expect(shown.body.string.contains("data-code=\"overlaps\""))
            #expect(shown.body.string.contains(setup.visitA.customerName))
            #expect(shown.headers.setCookie?[FormReturn.cookie]?.string == "")
            // a reload: the page afresh, nothing posted again
            let reload = try await get(setup.dispatcher)
            #expect(reload.status == .ok && !reload.body.string.contains("data-code=\"overlaps\""))
            let after = try await Visits(app.store).get(setup.waiting.id)
            #expect(after.status == .planned && after.version == setup.waiting.version)
        }
    }

    @Test(
        "the request's timeline names its visits' steps in the reader's language, never a raw key or an English note",
        arguments: Language.allCases)
    func timelineInWords(_ language: Language) async throws {
        try await withTestApp(.sqlite) { app in
            // given three visits planned and two scheduled on the request
            let setup = try await Setup.make(app)
            let l = Localizer(
                language: language, timeZone: app.store.timeZone, catalogue: app.storage[CatalogueKey.self]!)
            // when
            let page = try await setup.dispatcher.get(
                "/requests/\(setup.requestId)", headers: ["Accept-Language": language.rawValue])
            let portal = try await setup.customer.get(
                "/portal/requests/\(setup.requestId)", headers: ["Accept-Language": language.rawValue])
            // then
            for body in [page.body.string, portal.body.string] {
                #expect(!body.contains("event."), "a raw key")
                #expect(!body.contains("visit #") && !body.contains("#1 repair"), "an English note")
                #expect(body.contains(l.t("event.visitPlanned")) && body.contains(l.t("event.visitSchedule")))
                #expect(body.contains(l.visit(TimelineVisit(sequence: 1, purpose: .repair))))
            }
        }
    }
}
