import AftercareDomain
import Foundation
import SnapshotTesting
import Testing
import Vapor

@testable import AftercareServer
@testable import AftercareStore

/// Issue 13: one rendered page per area, kept as a reference in `__Snapshots__`, so that a template change shows
/// in review as a change of HTML. The models come from the fixtures' store views (or are written out where the page
/// is a form), the chrome from the same code as every page, with a fixed CSRF token.
///
/// After an intended template change: `SNAPSHOT_TESTING_RECORD=failed swift test --filter PageSnapshotTests`, then
/// read the diff of `__Snapshots__` before committing it.
@Suite("Rendered pages, one per area")
struct PageSnapshotTests {
    typealias F = PageFixtures

    /// An area's page: its template, its title key, the reader, and its model.
    struct Page: Sendable, CustomTestStringConvertible {
        var area: String
        var template: String
        var title: String
        var language: Language
        var principal: Principal?
        var model: @Sendable (Localizer) -> any Encodable & Sendable

        var testDescription: String { area }
    }

    static let pages: [Page] = [
        Page(
            area: "desk", template: "request", title: "request.title", language: .zhHans,
            principal: F.principal([.dispatcher])
        ) { l in
            DeskPages.detailModel(
                DeskPages.DetailData(view: F.request, customerVisible: true, audit: [], sla: nil, visits: [F.visit]),
                principal: F.principal([.dispatcher]), l)
        },
        Page(
            area: "dispatch", template: "dispatch-board", title: "dispatch.title", language: .en,
            principal: F.principal([.dispatcher])
        ) { l in
            DispatchPages.boardModel(F.board, principal: F.principal([.dispatcher]), l)
        },
        Page(
            area: "parts", template: "requisition", title: "requisition.title", language: .en,
            principal: F.principal([.warehouseKeeper])
        ) { l in
            PartsPages.requisitionModel(F.requisition, principal: F.principal([.warehouseKeeper]), l)
        },
        Page(
            area: "sla", template: "sla-report", title: "sla.reportTitle", language: .es,
            principal: F.principal([.serviceManager])
        ) { l in
            SLAPages.ReportModel(
                from: "2026-10", to: "2026-11",
                rows: [
                    .init(
                        month: "2026-11", branch: "华东分公司", policy: "重点客户", target: l.t("slaTarget.onSite"),
                        met: l.number(118), breached: l.number(4), percent: "96,7 %")
                ], csv: "/api/v1/sla/compliance.csv?from=2026-10&to=2026-11")
        },
        Page(
            area: "portal", template: "portal-home", title: "portal.title", language: .zhHant,
            principal: F.principal([.customer], name: "chen.jianguo", display: "陳建國")
        ) { l in
            PortalPages.HomeModel(
                customerName: "上海浦江印务有限公司",
                units: [UnitRowModel(F.unit, today: F.day, l)], requests: [RequestRowModel(F.request, l)], next: nil)
        },
        Page(
            area: "inbox", template: "inbox", title: "inbox.title", language: .en,
            principal: F.principal([.hotlineAgent])
        ) { l in
            InboxPages.InboxModel(
                rows: [
                    .init(
                        id: 3, unread: true, kind: l.t("notification.followUpDue"), target: nil,
                        link: "/follow-ups/12", subject: "SR-2026-000137", at: l.dateTime(F.at(9, 30)))
                ], unread: true, next: nil)
        },
        Page(
            area: "fees", template: "fee-schedule", title: "fees.scheduleTitle", language: .zhHans,
            principal: F.principal([.serviceManager])
        ) { l in
            FeePages.scheduleModel(F.feeSchedule, principal: F.principal([.serviceManager]), l, today: F.day)
        },
        Page(
            area: "reports", template: "report", title: "reports.title", language: .zhHans,
            principal: F.principal([.serviceManager])
        ) { l in
            ServiceReportPage.model(
                .init(report: F.serviceReport, engineerId: nil, codes: [], consumption: [], schedule: F.feeSchedule),
                paths: .staff(F.serviceReport), principal: F.principal([.serviceManager]), l)
        },
        Page(
            area: "returns", template: "return-case", title: "returns.caseTitle", language: .zhHans,
            principal: F.principal([.serviceManager])
        ) { l in
            ReturnPages.caseModel(
                .init(
                    returnCase: F.returnCase, timeline: [], repair: nil, loans: [], loaners: [], warehouses: [],
                    principal: F.principal([.serviceManager]), today: F.day), l)
        },
        Page(area: "accounts", template: "login", title: "login.title", language: .en, principal: nil) { _ in
            AccountPages.LoginModel(login: "wang.li", next: "/dispatch", error: nil)
        },
    ]

    @Test("the page renders as its reference", arguments: pages)
    func rendered(page: Page) async throws {
        try await withTestApp(.sqlite) { app in
            // given the page's model and the chrome for its reader
            let l = F.localizer(page.language)
            let chrome = Chrome(
                principal: page.principal, l, csrf: "fixed-csrf-token", path: "/\(page.area)", unread: nil)
            let context = PageContext(
                lang: page.language.rawValue, title: l.t(page.title), chrome: chrome, page: AnyModel(page.model(l)))
            // when
            let view = try await app.view.render(page.template, context).get()
            let html = String(buffer: view.data)
            // then
            assertSnapshot(of: html, as: .lines, named: page.area)
        }
    }
}

/// A page model of any type, encoded as itself.
struct AnyModel: Encodable {
    let model: any Encodable

    init(_ model: any Encodable) { self.model = model }

    func encode(to encoder: any Encoder) throws { try model.encode(to: encoder) }
}
