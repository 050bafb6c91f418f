import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import AftercareServer

/// Issue 14, item 6: a home page per role.
@Suite("Pages: a home per role")
struct HomePageTests {
    @Test("the engineer lands on My day, the dispatcher on the board, the keeper on the requisitions")
    func landings() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let fixture = try await Fixture.make(app.store)
            let people: [(String, Role, String)] = [
                ("home.engineer", .fieldEngineer, "/my-day"), ("home.dispatcher", .dispatcher, "/dispatch"),
                ("home.keeper", .warehouseKeeper, "/requisitions"),
                ("home.customer", .customer, "/portal"),
            ]
            for (name, role, landing) in people {
                try await makeUser(
                    app, name, roles: [role], unit: fixture.branch.id,
                    customer: role == .customer ? fixture.customer.id : nil)
                // when
                let home = try await Browser.signIn(app, name).get("/")
                // then
                #expect(home.status == .seeOther, "\(name)")
                #expect(home.headers.first(name: .location) == landing, "\(name)")
            }
        }
    }

    @Test("the manager's home has today's figures and what is at risk; the inspector's the quality defects")
    func deskHomes() async throws {
        try await withTestApp(.sqlite) { app in
            // given a request resolved as a quality defect
            let fixture = try await Fixture.make(app.store)
            let requests = ServiceRequests(app.store)
            let defect = try await requests.register(
                .init(
                    customerId: fixture.customer.id, unitIds: [fixture.unit.id], channel: .phone, type: .repair,
                    faultDescription: "主板烧毁"), by: .system)
            _ = try await requests.post(.init(event: .triage, faultCause: .qualityDefect), to: defect.id, by: .system)
            try await makeUser(app, "home.manager", roles: [.serviceManager], unit: fixture.headquarters.id)
            try await makeUser(app, "home.inspector", roles: [.qualityInspector], unit: fixture.headquarters.id)
            // when
            let manager = try await Browser.signIn(app, "home.manager").get("/").body.string
            let inspector = try await Browser.signIn(app, "home.inspector").get("/").body.string
            // then
            #expect(manager.contains("id=\"home-today\"") && manager.contains("id=\"home-at-risk\""))
            #expect(inspector.contains("id=\"home-defects\"") && inspector.contains(defect.number))
            #expect(!inspector.contains("id=\"home-at-risk\""))
        }
    }
}
