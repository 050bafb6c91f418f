import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import AftercareServer

/// the loaner pool and the nonconforming products: the depot adds loaners and takes them back, the
/// quality inspector reads the 不合格品统计表 and closes the records, the desk reads without the forms.
@Suite("Pages: loaner pool and nonconformities")
struct DepotPageTests {
    struct Setup {
        var fixture: Fixture
        var caseView: ReturnCaseView
        var record: NonconformityView
        var faultCode: FaultCodeRecord.View
        var keeper: Browser
        var inspector: Browser
        var agent: Browser
    }

    /// The fixture's unit sent back to the branch (the depot without return rules), received and found with a
    /// manufacturing defect: one open nonconformity; a fault code of the model's product line; a warehouse keeper, a
    /// quality inspector and a hotline agent of the branch.
    static func setup(_ app: Application) async throws -> Setup {
        let store = app.store
        let fixture = try await Fixture.make(store)
        let branch = fixture.branch.id
        try await makeUser(app, "d.keeper", roles: [.warehouseKeeper], unit: branch, displayName: "李仓管")
        try await makeUser(app, "d.quality", roles: [.qualityInspector], unit: branch, displayName: "陈质检")
        try await makeUser(app, "d.desk", roles: [.hotlineAgent], unit: branch)
        let code = try await Records<FaultCodeRecord>(store).create(
            .init(productLineId: fixture.model.productLineId, code: "E-101", name: "主板故障", category: "电气"),
            by: .system)
        let cases = ReturnCases(store)
        let opened = try await cases.open(
            ReturnCaseInput(
                customerId: fixture.customer.id, unitIds: [fixture.unit.id], reason: "开机后主板冒烟", wish: .repair,
                shipping: .dropOff), by: .system)
        _ = try await cases.post(ReturnStepInput(.authorise), to: opened.id, by: .system)
        _ = try await cases.post(
            ReturnStepInput(.receive, serials: [fixture.unit.serialNumber]), to: opened.id, by: .system)
        let clean = Dictionary(uniqueKeysWithValues: InspectionItem.allCases.map { ($0, $0.expected) })
        let inspected = try await cases.post(
            ReturnStepInput(
                .inspect,
                inspections: [
                    UnitInspectionInput(
                        unitId: fixture.unit.id, checklist: clean, findings: "主板烧毁",
                        responsibility: .manufacturingDefect, usable: true)
                ]), to: opened.id, by: .system)
        let record = try #require(
            try await Nonconformities(store).list(NonconformityFilter(caseId: opened.id), page: PageRequest(limit: 5))
                .items.first)
        return Setup(
            fixture: fixture, caseView: inspected, record: record, faultCode: code,
            keeper: try await Browser.signIn(app, "d.keeper"), inspector: try await Browser.signIn(app, "d.quality"),
            agent: try await Browser.signIn(app, "d.desk"))
    }

    /// Yesterday to tomorrow: a period holding the record found today.
    static func period(_ app: Application) -> String {
        let today = app.store.today
        return "from=\(today.adding(days: -1))&to=\(today.adding(days: 1))"
    }

    @Test("the warehouse keeper adds a loaner (a duplicate serial stays with what was typed), lends and takes it back")
    func loanerPool() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Self.setup(app)
            let fields = [
                ("modelId", "\(setup.fixture.model.id)"), ("orgUnitId", "\(setup.fixture.branch.id)"),
                ("serialNumber", "LN-0001"), ("note", "<b>备用机</b>"),
            ]
            let empty = try await setup.keeper.get("/loaners")
            #expect(empty.status == .ok && empty.body.string.contains("id=\"add-loaner-form\""))
            // when: a loaner is added
            let added = try await setup.keeper.post("/loaners", fields)
            // then
            #expect(added.status == .seeOther)
            let pool = try await Loaners(app.store).pool(page: PageRequest(limit: 10)).items
            let loaner = try #require(pool.first(where: { $0.serialNumber == "LN-0001" }))
            #expect(loaner.status == .available && loaner.orgUnitId == setup.fixture.branch.id)
            // when: the same serial of the same model again
            let twice = try await setup.keeper.post("/loaners", fields)
            // then: the page stays with the problem named and what was typed, escaped, and nothing is added
            #expect(twice.status == .unprocessableEntity)
            let refused = twice.body.string
            #expect(refused.contains("data-field=\"serialNumber\"") && refused.contains("value=\"LN-0001\""))
            #expect(refused.contains("&lt;b&gt;备用机&lt;/b&gt;") && !refused.contains("<b>备用机"))
            #expect(try await Loaners(app.store).pool(page: PageRequest(limit: 10)).items.count == 1)
            // and the pool shows it, with its model, its unit and the forms the keeper may use
            let shown = try await setup.keeper.get("/loaners").body.string
            #expect(shown.contains("id=\"loaner-pool\"") && shown.contains("id=\"loaner-\(loaner.id)\""))
            #expect(shown.contains("LN-0001") && shown.contains("AC-200") && shown.contains("华东分公司"))
            #expect(shown.contains("id=\"retire-\(loaner.id)\"") && !shown.contains("id=\"take-back-\(loaner.id)\""))
            // when: it is lent with the return case
            _ = try await Loaners(app.store).lend(
                loaner.id, LoanInput(caseId: setup.caseView.id, dueOn: app.store.today.adding(days: 7)), by: .system)
            // then: the pool shows the loan with the customer and the case, and the keeper may take it back
            let lent = try await setup.keeper.get("/loaners").body.string
            #expect(lent.contains("上海仁济医院") && lent.contains("href=\"/returns/\(setup.caseView.id)\""))
            #expect(lent.contains(setup.caseView.number) && lent.contains("id=\"take-back-\(loaner.id)\""))
            #expect(!lent.contains("id=\"retire-\(loaner.id)\""))
            // and a lent loaner cannot be retired: refused on the page, nothing changes
            let retireLent = try await setup.keeper.post("/loaners/\(loaner.id)/retire")
            #expect(retireLent.status == .conflict && retireLent.body.string.contains("LN-0001"))
            #expect(try await Loaners(app.store).get(loaner.id).status == .lent)
            // when: it comes back, then is retired
            let back = try await setup.keeper.post("/loaners/\(loaner.id)/return", [("note", "外观完好")])
            #expect(back.status == .seeOther)
            #expect(try await Loaners(app.store).get(loaner.id).status == .available)
            let retired = try await setup.keeper.post("/loaners/\(loaner.id)/retire")
            #expect(retired.status == .seeOther)
            #expect(try await Loaners(app.store).get(loaner.id).status == .retired)
            let inService = try await setup.keeper.get("/loaners").body.string
            #expect(!inService.contains("id=\"loaner-\(loaner.id)\""))
            #expect(
                try await setup.keeper.get("/loaners?status=retired").body.string.contains("id=\"loaner-\(loaner.id)\"")
            )
            // and another branch's loaner is not found; the desk reads the pool without the forms
            let south = try await Records<OrgUnitRecord>(app.store).create(
                .init(code: "BR-SC", name: "华南分公司", kind: .branch, parentId: setup.fixture.headquarters.id),
                by: .system)
            let theirs = try await Loaners(app.store).create(
                LoanerInput(orgUnitId: south.id, modelId: setup.fixture.model.id, serialNumber: "LN-SOUTH"), by: .system
            )
            #expect(try await setup.keeper.post("/loaners/\(theirs.id)/retire").status == .notFound)
            #expect(try await Loaners(app.store).get(theirs.id).status == .available)
            let desk = try await setup.agent.get("/loaners")
            #expect(desk.status == .ok && !desk.body.string.contains("add-loaner-form"))
            #expect(!desk.body.string.contains("LN-SOUTH"))
            #expect(try await setup.agent.post("/loaners", fields).status == .forbidden)
        }
    }

    @Test("the quality inspector reads the table by model and by cause, closes the record; the desk may not")
    func nonconformities() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Self.setup(app)
            let id = setup.record.id
            let period = Self.period(app)
            // when: the table of the period by model
            let table = try await setup.inspector.get("/nonconformities?\(period)&dimension=model")
            // then: one row of the fixture's model, and the record listed with its case
            #expect(table.status == .ok)
            let page = table.body.string
            #expect(page.contains("id=\"nc-table\"") && page.contains("AC-200 · 数码复印机 AC-200"))
            #expect(page.contains("id=\"nc-records\"") && page.contains("href=\"/nonconformities/\(id)\""))
            #expect(page.contains("href=\"/returns/\(setup.caseView.id)\"") && page.contains("制造缺陷"))
            // and this month's table holds it too
            #expect(try await setup.inspector.get("/nonconformities").body.string.contains("AC-200 · 数码复印机 AC-200"))
            // and by cause, nothing is analysed yet
            let causes = try await setup.inspector.get("/nonconformities?\(period)&dimension=cause").body.string
            #expect(causes.contains("id=\"nc-frequent-empty\""))
            // when: the record is closed without its inspection record
            let form = try await setup.inspector.get("/nonconformities/\(id)").body.string
            #expect(form.contains("id=\"nc-form\"") && form.contains("E-101 · 主板故障"))
            let edit = [
                ("version", "\(setup.record.version)"), ("faultCodeId", "\(setup.faultCode.id)"),
                ("analysis", "电容批次不良 <b>"), ("disposition", "repair"), ("cost", "330.00"), ("close", "1"),
            ]
            let bare = try await setup.inspector.post("/nonconformities/\(id)", edit)
            // then: refused on the page, with what was typed, escaped, and nothing changes
            #expect(bare.status == .unprocessableEntity)
            #expect(bare.body.string.contains("data-field=\"inspectionRecord\""))
            #expect(bare.body.string.contains("电容批次不良 &lt;b&gt;") && bare.body.string.contains("value=\"330.00\""))
            #expect(try await Nonconformities(app.store).get(id).status == .open)
            // when: with the inspection record
            let closed = try await setup.inspector.post(
                "/nonconformities/\(id)", edit + [("inspectionRecord", "复检合格，更换主板")])
            // then
            #expect(closed.status == .seeOther)
            let record = try await Nonconformities(app.store).get(id)
            #expect(record.status == .closed && record.disposition == .repair && record.costMinor == 33_000)
            #expect(record.faultCodeId == setup.faultCode.id && record.inspectionRecord == "复检合格，更换主板")
            // and the cause is listed at a threshold of one; the table by disposition names it
            let frequent = try await setup.inspector.get(
                "/nonconformities?\(period)&dimension=cause&threshold=1"
            ).body.string
            #expect(frequent.contains("id=\"nc-frequent-list\"") && frequent.contains("E-101 · 主板故障"))
            let disposed = try await setup.inspector.get("/nonconformities?\(period)&dimension=disposition")
            #expect(disposed.body.string.contains("返修") && disposed.body.string.contains("¥330.00"))
            // and the export carries the row
            let csv = try await setup.inspector.get("/nonconformities/export.csv?\(period)&dimension=model")
            #expect(csv.status == .ok && csv.headers.contentType?.subType == "csv")
            #expect(csv.body.string.contains("AC-200") && csv.body.string.contains("330.00"))
            // and the print form, in the language asked for
            let print = try await setup.inspector.get("/nonconformities/print?\(period)&lang=en")
            #expect(print.status == .ok && print.body.string.contains("<html lang=\"en\">"))
            #expect(print.body.string.contains("id=\"print-nc-table\"") && print.body.string.contains("AC-200"))
            // and the desk reads the record without the form, and may not post it
            let desk = try await setup.agent.get("/nonconformities/\(id)")
            #expect(desk.status == .ok && !desk.body.string.contains("id=\"nc-form\""))
            let refused = try await setup.agent.post("/nonconformities/\(id)", edit)
            #expect(refused.status == .forbidden)
            // and a period that ends before it begins is refused on the page
            let backwards = try await setup.inspector.get("/nonconformities?from=2026-12-01&to=2026-11-01")
            #expect(backwards.status == .unprocessableEntity && backwards.body.string.contains("data-field=\"to\""))
        }
    }

    @Test("the pages render in every language, tagged with it, without English left over or raw keys")
    func languages() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            let setup = try await Self.setup(app)
            _ = try await Loaners(app.store).create(
                LoanerInput(
                    orgUnitId: setup.fixture.branch.id, modelId: setup.fixture.model.id, serialNumber: "LN-LANG"),
                by: .system)
            let catalogue = app.storage[CatalogueKey.self]!
            let english = catalogue.strings[.en]!
            let period = Self.period(app)
            let id = setup.record.id
            let pages: [(Browser, String)] = [
                (setup.keeper, "/loaners"), (setup.agent, "/loaners"),
                (setup.inspector, "/nonconformities?\(period)"),
                (setup.inspector, "/nonconformities?\(period)&dimension=responsibility&threshold=1"),
                (setup.inspector, "/nonconformities?\(period)&dimension=month"),
                (setup.inspector, "/nonconformities/\(id)"), (setup.inspector, "/nonconformities/print?\(period)"),
                (setup.agent, "/nonconformities/\(id)"),
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
