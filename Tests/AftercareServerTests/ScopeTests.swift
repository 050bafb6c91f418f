import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import AftercareServer

/// R-14.2 and IDOR: a caller sees its own organisation subtree (a customer, its own records); everything else
/// answers 404, changes nothing, and never appears in a list or a search.
@Suite("Organisation and customer scope")
struct ScopeTests {
    /// The id a path parameter names in a route, chosen from the other branch's records.
    /// The south branch's own calendar, webhook, follow-up and notification (issue 4's scoped records).
    struct SouthRecords {
        var calendar: Int
        var webhook: Int
        var followUp: Int
        var notification: Int
        var visit: Int
        var engineer: Int
        var plan: Int
        var settings: Int
        var warehouse: Int
        var stockRule: Int
        var entry: Int
        var transfer: Int
        var requisition: Int
        var order: Int
        var stocktake: Int
        var feeSchedule: Int
        var report: Int
        var photo: Int
        var spotCheck: Int
        var qualitySettings: Int
        var quote: Int
        var document: Int
        var returnCase: Int
        var loaner: Int
        var nonconformity: Int
        var returnPhoto: Int
        var complaint: Int
        var statement: Int
        var suggestion: Int
        var reward: Int
        var invitation: Int
        var customerVisit: Int
        var meeting: Int
        var inspection: Int

        static func make(_ app: Application, _ world: TwoBranches, southAgent: Int) async throws -> SouthRecords {
            let store = app.store
            let calendar = try await Records<CalendarRecord>(store).create(
                .init(orgUnitId: world.south.id, name: "华南", calendar: BusinessCalendar(timeZone: "Asia/Shanghai")),
                by: .system)
            let webhook = try await Webhooks(store).create(
                .init(
                    orgUnitId: world.south.id, name: "south", url: "https://example.com/hook", events: ["sla.breached"]),
                by: .system, mayAllowPrivate: false)
            // Dispatch (issue 5): a visit, an engineer, a route plan and travel settings of the south branch.
            _ = try await ServiceRequests(store).post(.init(event: .triage), to: world.southRequest.id, by: .system)
            let visit = try await Visits(store).create(
                VisitInput(purpose: .repair, latitude: 23.1, longitude: 113.3), requestId: world.southRequest.id,
                by: .system)
            _ = try await Visits(store).post(.init(event: .cancel, reason: "test"), to: visit.id, by: .system)
            let engineerUser = try await makeUser(app, "south.engineer", roles: [.fieldEngineer], unit: world.south.id)
            let engineer = try await Records<EngineerRecord>(store).create(
                .init(
                    userId: engineerUser.user.id, orgUnitId: world.south.id, level: 2,
                    skills: [EngineerSkill(productLineId: world.fixture.model.productLineId, level: 2)]), by: .system)
            let plan = try await store.sql.raw(
                """
                INSERT INTO route_plans (org_unit_id, plan_date, status, seed, seconds, travel_seconds, routes, \
                unassigned, accepted_engineers, created_by, created_at, updated_at) VALUES (\(bind: world.south.id), \
                '2026-11-23', 'proposed', 1, 0.5, 0, '[]', '[]', '[]', 'test', \(bind: Date()), \(bind: Date())) \
                RETURNING id
                """
            ).first(decodingColumn: "id", as: Int.self)!
            let settings = try await Records<DispatchSettingsRecord>(store).create(
                .init(orgUnitId: world.south.id, speedKmh: 40, roadFactor: 1.4, bufferMinutes: 5), by: .system)
            // Spare parts (issue 6): the south branch's warehouses, stock, a transfer, a requisition, an order and
            // a stocktake.
            let part = try await Records<PartRecord>(store).create(
                .init(partNumber: "P-SOUTH", name: "south part"), by: .system)
            let warehouse = try await Records<WarehouseRecord>(store).create(
                .init(code: "WH-SOUTH", name: "south", kind: .branch, orgUnitId: world.south.id), by: .system)
            let other = try await Records<WarehouseRecord>(store).create(
                .init(code: "WH-SOUTH-2", name: "south 2", kind: .branch, orgUnitId: world.south.id), by: .system)
            let stockRule = try await Records<StockRuleRecord>(store).create(
                .init(partId: part.id, warehouseId: warehouse.id, reorderPoint: 1, reorderQuantity: 5), by: .system)
            let receipt = try await Stock(store).receive(
                ReceiptInput(partId: part.id, warehouseId: warehouse.id, quantity: 5), by: .system)
            let transfer = try await Stock(store).transfer(
                MovementInput(partId: part.id, quantity: 1, warehouseId: warehouse.id, toWarehouseId: other.id),
                by: .system)
            let requisition = try await Requisitions(store).create(
                RequisitionInput(
                    engineerId: engineer.id, warehouseId: warehouse.id, lines: [.init(partId: part.id, quantity: 1)]),
                by: .system)
            let order = try await Purchasing(store).create(
                PurchaseOrderInput(
                    supplier: "south supplier", warehouseId: warehouse.id,
                    lines: [.init(partId: part.id, quantity: 2, unitPrice: 100)]), by: .system)
            let stocktake = try await Stocktakes(store).start(StocktakeInput(warehouseId: other.id), by: .system)
            // Fees (issue 15): a schedule of the south branch not yet in effect, so that withdrawing it would succeed.
            let feeSchedule = try await FeeSchedules(store).publish(
                .init(
                    orgUnitId: world.south.id, validFrom: store.today.adding(days: 30),
                    labour: [LabourRate(level: 1, difficulty: .a, basis: .perHour, amountMinor: 100)],
                    travel: [TravelBand(upToKm: nil, amountMinor: 100)]), by: .system)
            // Service reports (issue 15): a signed report of the south visit with a photo, sampled for a spot check, and
            // the branch's quality settings.
            let report = try await store.sql.raw(
                """
                INSERT INTO service_reports (visit_id, request_id, unit_id, unit_key, org_unit_id, customer_id, \
                engineer_id, status, content, parts, signature_sha256, created_by, version, created_at, updated_at) \
                VALUES (\(bind: visit.id), \(bind: world.southRequest.id), \(bind: world.southUnit.id), \
                \(bind: world.southUnit.id), \(bind: world.south.id), \(bind: world.southCustomer.id), \
                \(bind: engineer.id), 'signed', '{}', '[]', \(bind: FileVault.digest([1])), 'test', 1, \
                \(bind: Date()), \(bind: Date())) RETURNING id
                """
            ).first(decodingColumn: "id", as: Int.self)!
            let photo = try await store.sql.raw(
                """
                INSERT INTO attachments (owner, owner_id, request_id, file_name, kind, size, sha256, actor, created_at) \
                VALUES ('service_reports', \(bind: report), \(bind: world.southRequest.id), 'a.png', 'png', 1, \
                \(bind: FileVault.digest([1])), 'test', \(bind: Date())) RETURNING id
                """
            ).first(decodingColumn: "id", as: Int.self)!
            let spotCheck = try await store.sql.raw(
                """
                INSERT INTO spot_checks (report_id, org_unit_id, engineer_id, status, repeat_repair, selected_at) \
                VALUES (\(bind: report), \(bind: world.south.id), \(bind: engineer.id), 'pending', \
                \(bind: false), \(bind: Date())) RETURNING id
                """
            ).first(decodingColumn: "id", as: Int.self)!
            // Quotes and fee documents (issue 15): a sent quote and an invoice of the south request.
            let quote = try await store.sql.raw(
                """
                INSERT INTO quotes (request_id, org_unit_id, customer_id, status, currency, pricing, priced, \
                schedule_id, charged_minor, free_minor, valid_until, created_by, version, created_at, updated_at) \
                VALUES (\(bind: world.southRequest.id), \(bind: world.south.id), \(bind: world.southCustomer.id), \
                'sent', 'CNY', '{"orgUnitId":null}', '{"currency":"CNY","lines":[],"chargedMinor":0,"freeMinor":0,\
                "pendingMinor":0}', \(bind: feeSchedule.id), 0, 0, '2099-01-01', 'test', 1, \(bind: Date()), \
                \(bind: Date())) RETURNING id
                """
            ).first(decodingColumn: "id", as: Int.self)!
            let document = try await store.sql.raw(
                """
                INSERT INTO fee_documents (number, kind, request_id, org_unit_id, customer_id, currency, billed_minor, \
                free_minor, lines, issued_by, issued_at) VALUES ('INV-SOUTH-2026-000001', 'invoice', \
                \(bind: world.southRequest.id), \(bind: world.south.id), \(bind: world.southCustomer.id), 'CNY', \
                10000, 0, '[]', 'test', \(bind: Date())) RETURNING id
                """
            ).first(decodingColumn: "id", as: Int.self)!
            // A return case of the south request, received at the south depot (issue 16).
            let returnCase = try await store.sql.raw(
                """
                INSERT INTO return_cases (number, request_id, org_unit_id, depot_unit_id, customer_id, status, wish, \
                reason, shipping, currency, created_by, version, created_at, updated_at) VALUES ('RMA-2026-900001', \
                \(bind: world.southRequest.id), \(bind: world.south.id), \(bind: world.south.id), \
                \(bind: world.southCustomer.id), 'received', 'repair', 'dead', 'dropOff', 'CNY', 'test', 1, \
                \(bind: Date()), \(bind: Date())) RETURNING id
                """
            ).first(decodingColumn: "id", as: Int.self)!
            let returnPhoto = try await store.sql.raw(
                """
                INSERT INTO attachments (owner, owner_id, request_id, file_name, kind, size, sha256, actor, created_at) \
                VALUES ('returnCase', \(bind: returnCase), \(bind: world.southRequest.id), 'b.png', 'png', 1, \
                \(bind: FileVault.digest([2])), 'test', \(bind: Date())) RETURNING id
                """
            ).first(decodingColumn: "id", as: Int.self)!
            let loaner = try await Loaners(store).create(
                LoanerInput(orgUnitId: world.south.id, modelId: world.fixture.model.id, serialNumber: "LN-S-01"),
                by: .system)
            let nonconformity = try await store.sql.raw(
                """
                INSERT INTO nonconformities (org_unit_id, source, case_id, cost_minor, currency, status, found_on, \
                created_by, version, created_at, updated_at) VALUES (\(bind: world.south.id), 'returnedUnit', \
                \(bind: returnCase), 0, 'CNY', 'open', '2026-11-23', 'test', 1, \(bind: Date()), \(bind: Date())) \
                RETURNING id
                """
            ).first(decodingColumn: "id", as: Int.self)!
            // A complaint about the south request, with a statement asked of the south branch (issue 17).
            let complaint = try await store.sql.raw(
                """
                INSERT INTO complaints (number, org_unit_id, customer_id, complainant_name, channel, subject, \
                request_id, severity, wish, words, status, supervisor_only, compensation_kind, currency, ack_due_at, \
                resolution_due_at, reprocessed, created_by, version, created_at, updated_at) VALUES \
                ('CMP-2026-900001', \(bind: world.south.id), \(bind: world.southCustomer.id), 'south', 'phone', \
                'request', \(bind: world.southRequest.id), 'normal', 'apology', 'late', 'investigating', \
                \(bind: false), 'none', 'CNY', \(bind: Date()), \(bind: Date()), 0, 'test', 1, \(bind: Date()), \
                \(bind: Date())) RETURNING id
                """
            ).first(decodingColumn: "id", as: Int.self)!
            let statement = try await store.sql.raw(
                """
                INSERT INTO complaint_statements (complaint_id, org_unit_id, question, asked_by, asked_at, due_at, \
                status) VALUES (\(bind: complaint), \(bind: world.south.id), 'why?', 'test', \(bind: Date()), \
                \(bind: Date()), 'asked') RETURNING id
                """
            ).first(decodingColumn: "id", as: Int.self)!
            // The customer's voice of the south branch (issue 17): a suggestion with a reward, a survey invitation,
            // a periodic visit, a committee meeting, a mystery-shopping record.
            let suggestion = try await store.sql.raw(
                """
                INSERT INTO suggestions (number, org_unit_id, customer_id, name, channel, text, status, ack_due_at, \
                created_by, version, created_at, updated_at) VALUES ('SUG-2026-900001', \(bind: world.south.id), \
                \(bind: world.southCustomer.id), 'south', 'phone', 'idea', 'adopted', \(bind: Date()), 'test', 1, \
                \(bind: Date()), \(bind: Date())) RETURNING id
                """
            ).first(decodingColumn: "id", as: Int.self)!
            let reward = try await store.sql.raw(
                """
                INSERT INTO suggestion_rewards (suggestion_id, kind, points, currency, description, status, \
                proposed_by, proposed_at) VALUES (\(bind: suggestion), 'points', 100, 'CNY', 'thanks', 'proposed', \
                'test', \(bind: Date())) RETURNING id
                """
            ).first(decodingColumn: "id", as: Int.self)!
            let survey = try await store.sql.raw(
                """
                INSERT INTO surveys (title, purpose, status, questions, created_by, version, created_at, updated_at) \
                VALUES ('{"en":"S"}', 'perJob', 'active', '[]', 'test', 1, \(bind: Date()), \(bind: Date())) RETURNING id
                """
            ).first(decodingColumn: "id", as: Int.self)!
            let invitation = try await store.sql.raw(
                """
                INSERT INTO survey_invitations (survey_id, customer_id, request_id, org_unit_id, tier, expires_at, \
                status, created_by, created_at) VALUES (\(bind: survey), \(bind: world.southCustomer.id), \
                \(bind: world.southRequest.id), \(bind: world.south.id), 'regular', \
                \(bind: Date().addingTimeInterval(86400)), 'pending', 'test', \(bind: Date())) RETURNING id
                """
            ).first(decodingColumn: "id", as: Int.self)!
            let customerVisit = try await store.sql.raw(
                """
                INSERT INTO customer_visits (customer_id, org_unit_id, visitor, due_on, status, created_by, version, \
                created_at, updated_at) VALUES (\(bind: world.southCustomer.id), \(bind: world.south.id), \
                'accountManager', '2026-12-01', 'planned', 'test', 1, \(bind: Date()), \(bind: Date())) RETURNING id
                """
            ).first(decodingColumn: "id", as: Int.self)!
            let meeting = try await store.sql.raw(
                """
                INSERT INTO committee_meetings (org_unit_id, held_on, attendees, minutes, decisions, created_by, \
                version, created_at, updated_at) VALUES (\(bind: world.south.id), '2026-11-20', 'a', 'm', \
                '[{"text":"d","owner":"o","dueOn":"2026-12-20","done":false}]', 'test', 1, \(bind: Date()), \
                \(bind: Date())) RETURNING id
                """
            ).first(decodingColumn: "id", as: Int.self)!
            let inspection = try await store.sql.raw(
                """
                INSERT INTO mystery_inspections (org_unit_id, inspected_on, scenario, scores, total, findings, \
                inspector, created_by, created_at) VALUES (\(bind: world.south.id), '2026-11-20', 's', '{}', 60, 'f', \
                'i', 'test', \(bind: Date())) RETURNING id
                """
            ).first(decodingColumn: "id", as: Int.self)!
            let qualitySettings = try await Records<QualitySettingsRecord>(store).create(
                .init(orgUnitId: world.south.id, repeatWindowDays: 60, spotCheckShare: 500), by: .system)
            _ = try await ServiceRequests(store).post(
                .init(event: .resolveRemotely), to: world.southRequest.id, by: .system)
            _ = try await FollowUpSweep.run(store: store, now: Date().addingTimeInterval(4 * 3600))
            let followUp = try #require(
                try await FollowUps(store).list(FollowUpFilter(), page: PageRequest()).items.first {
                    $0.requestId == world.southRequest.id
                })
            let notification = try #require(
                try await Inbox(store: store, userId: southAgent).list(unreadOnly: false, page: PageRequest()).items
                    .first)
            return SouthRecords(
                calendar: calendar.id, webhook: webhook.webhook.id, followUp: followUp.id,
                notification: notification.id,
                visit: visit.id, engineer: engineer.id, plan: plan, settings: settings.id, warehouse: warehouse.id,
                stockRule: stockRule.id, entry: receipt.entries[0].id, transfer: transfer.transferId!,
                requisition: requisition.id, order: order.id, stocktake: stocktake.id, feeSchedule: feeSchedule.id,
                report: report, photo: photo, spotCheck: spotCheck, qualitySettings: qualitySettings.id, quote: quote,
                document: document, returnCase: returnCase, loaner: loaner.id, nonconformity: nonconformity,
                returnPhoto: returnPhoto, complaint: complaint, statement: statement, suggestion: suggestion,
                reward: reward, invitation: invitation, customerVisit: customerVisit, meeting: meeting,
                inspection: inspection)
        }
    }

    static func foreignId(
        _ path: [PathComponent], _ world: TwoBranches, southUser: Int, southToken: Int, south: SouthRecords
    ) -> String {
        let text = path.map(\.description).joined(separator: "/")
        if text.contains("v1/quotes") || text.hasPrefix("quotes") { return "\(south.quote)" }
        if text.hasPrefix("returns/photos") { return "\(south.returnPhoto)" }
        if text.contains("v1/return-cases") || text.hasPrefix("returns") { return "\(south.returnCase)" }
        if text.contains("loaners") { return "\(south.loaner)" }
        if text.contains("nonconformities") { return "\(south.nonconformity)" }
        if text.contains("v1/fee-documents") || text.hasPrefix("billing") { return "\(south.document)" }
        if text.contains("fee-schedules") || text.hasPrefix("fees") { return "\(south.feeSchedule)" }
        if text.contains("service-report-files") || text.hasPrefix("reports/files") { return "\(south.photo)" }
        if text.contains("spot-checks") { return "\(south.spotCheck)" }
        if text.contains("quality/settings") { return "\(south.qualitySettings)" }
        if text.contains("service-reports") || text.hasPrefix("reports") { return "\(south.report)" }
        if text.contains("warehouses") { return "\(south.warehouse)" }
        if text.contains("stock-rules") { return "\(south.stockRule)" }
        if text.contains("stock/ledger") { return "\(south.entry)" }
        if text.contains("stock/transfers") { return "\(south.transfer)" }
        if text.contains("requisitions") && !text.contains("visits") { return "\(south.requisition)" }
        if text.contains("purchase-orders") || text.contains("purchasing/orders") { return "\(south.order)" }
        if text.contains("stocktakes") { return "\(south.stocktake)" }
        if text.contains("sla/calendars") { return "\(south.calendar)" }
        if text.contains("v1/statements") || text.hasPrefix("statements") { return "\(south.statement)" }
        if text.contains("suggestion-rewards") { return "\(south.reward)" }
        if text.contains("suggestions") { return "\(south.suggestion)" }
        if text.contains("survey-invitations") || text.hasPrefix("surveys/invitations")
            || text.hasPrefix("portal/surveys")
        {
            return "\(south.invitation)"
        }
        if text.contains("customer-visits") { return "\(south.customerVisit)" }
        if text.contains("committee-meetings") { return "\(south.meeting)" }
        if text.contains("mystery") { return "\(south.inspection)" }
        if text.contains("v1/complaints") || text.hasPrefix("complaints") { return "\(south.complaint)" }
        if text.contains("service-requests") || text.hasPrefix("requests") { return "\(world.southRequest.id)" }
        if text.contains("visits") { return "\(south.visit)" }
        if text.contains("engineers") { return "\(south.engineer)" }
        if text.contains("dispatch/plans") { return "\(south.plan)" }
        if text.contains("dispatch/settings") { return "\(south.settings)" }
        if text.contains("webhooks") { return "\(south.webhook)" }
        if text.contains("follow-ups") { return "\(south.followUp)" }
        if text.contains("notifications") || text.contains("inbox") { return "\(south.notification)" }
        if text.contains("customers") { return "\(world.southCustomer.id)" }
        if text.contains("units") && !text.contains("lookup") { return "\(world.southUnit.id)" }
        if text.contains("org-units") { return "\(world.south.id)" }
        if text.contains("users") { return "\(southUser)" }
        if text.contains("tokens") { return "\(southToken)" }
        return "\(world.southRequest.id)"
    }

    @Test(
        "every id-taking route, called on another branch's record by a branch administrator, answers 404 and changes nothing",
        arguments: TestDatabase.all)
    func otherBranch(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given
            let world = try await TwoBranches.make(app)
            let east = try await makeUser(app, "east.admin", roles: [.administrator], unit: world.fixture.branch.id)
            let south = try await makeUser(app, "south.agent", roles: [.hotlineAgent], unit: world.south.id)
            let southTokenId = try await Accounts(app.store, hasher: app.storage[AuthSettingsKey.self]!.hasher)
                .tokens(of: south.user.id).first!.id
            let southRecords = try await SouthRecords.make(app, world, southAgent: south.user.id)
            let before =
                try await app.api(.GET, "/api/v1/service-requests/\(world.southRequest.id)").json["version"] as? Int
            let auditBefore = try await app.store.sql.raw("SELECT COUNT(*) AS n FROM audit_log").first(
                decodingColumn: "n", as: Int.self)
            // when / then
            for route in app.routes.all
            where route.path.contains(where: { if case .parameter = $0 { true } else { false } }) {
                let key = AuthorizationMatrixTests.key(route)
                // SLA policies and follow-up rules are shared configuration, like the catalogue: not scoped.
                guard !key.contains(":token"), !key.contains("/portal/"), !key.contains("/account/tokens"),
                    !key.contains("/api/v1/tokens"), !key.contains("/sla/policies/"),
                    !key.contains("/follow-up-rules/"),
                    // The parts catalogue is shared too (each part's stock lists only the caller's warehouses).
                    !key.contains(" /parts/"), !key.contains("/api/v1/parts/"),
                    // So is the fault-code catalogue (R-5.1).
                    !key.contains("/api/v1/fault-codes/"), !key.contains("/quality/setup/fault-codes/"),
                    // Questionnaires and improvement actions belong to the whole organisation (R-10.2, R-9.3).
                    !key.contains("/api/v1/surveys/"), !key.contains(" /surveys/:id"),
                    !key.contains("improvement-actions/")
                else { continue }
                let id = Self.foreignId(
                    route.path, world, southUser: south.user.id, southToken: southTokenId, south: southRecords)
                func call(_ id: String) async throws -> TestingHTTPResponse {
                    let path =
                        "/"
                        + route.path.map { if case .parameter = $0 { id } else { $0.description } }.joined(
                            separator: "/")
                    return try await app.api(route.method, path, token: east.token) { request in
                        request.headers.contentType = .json
                        request.headers.replaceOrAdd(name: .ifMatch, value: "\"1\"")
                        request.body = ByteBuffer(string: route.method == .PATCH ? "{}" : #"{"event":"triage"}"#)
                    }
                }
                // The foreign record answers exactly as a record that does not exist: 404.
                let foreign = try await call(id)
                let missing = try await call("999999")
                #expect(foreign.status == .notFound, "\(key) → \(foreign.status.code)")
                #expect(foreign.status == missing.status, "\(key)")
            }
            let after =
                try await app.api(.GET, "/api/v1/service-requests/\(world.southRequest.id)").json["version"] as? Int
            let auditAfter = try await app.store.sql.raw("SELECT COUNT(*) AS n FROM audit_log").first(
                decodingColumn: "n", as: Int.self)
            #expect(before == after)
            #expect(auditBefore == auditAfter)
        }
    }

    @Test(
        "the search box never returns another branch's requests, customers or units", arguments: TestDatabase.all)
    func searchInScope(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            // given
            let world = try await TwoBranches.make(app)
            try await makeUser(app, "east.searcher", roles: [.hotlineAgent], unit: world.fixture.branch.id)
            try await makeUser(app, "hq.searcher", roles: [.hotlineAgent], unit: world.fixture.headquarters.id)
            let east = try await Browser.signIn(app, "east.searcher")
            let headquarters = try await Browser.signIn(app, "hq.searcher")
            let texts = [
                world.southRequest.number, String(world.southRequest.number.suffix(6)), world.southCustomer.name,
                world.southUnit.serialNumber,
            ]
            for text in texts {
                let query = formBody([("q", text)])
                // when
                let seen = try await east.get("/search?\(query)").body.string
                let all = try await headquarters.get("/search?\(query)").body.string
                // then
                #expect(!seen.contains("/requests/\(world.southRequest.id)\""), "\(text)")
                #expect(!seen.contains("/customers/\(world.southCustomer.id)\""), "\(text)")
                #expect(!seen.contains("/units/\(world.southUnit.id)\""), "\(text)")
                #expect(
                    all.contains("/requests/\(world.southRequest.id)\"")
                        || all.contains("/customers/\(world.southCustomer.id)\"")
                        || all.contains("/units/\(world.southUnit.id)\""), "headquarters finds \(text)")
            }
        }
    }

    @Test(
        "another customer's token and portal answer 404 for this customer's request and unit",
        arguments: TestDatabase.all)
    func otherCustomer(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let world = try await TwoBranches.make(app)
            try await makeUser(
                app, "cust.east", roles: [.customer], unit: world.fixture.branch.id, customer: world.fixture.customer.id
            )
            let browser = try await Browser.signIn(app, "cust.east")
            #expect(try await browser.get("/portal/requests/\(world.eastRequest.id)").status == .ok)
            #expect(try await browser.get("/portal/requests/\(world.southRequest.id)").status == .notFound)
            let submit = try await browser.post(
                "/portal/requests", [("unitId", "\(world.southUnit.id)"), ("faultDescription", "不是我的设备")])
            #expect(submit.status == .unprocessableEntity)
            let count = try await app.store.sql.raw("SELECT COUNT(*) AS n FROM service_requests").first(
                decodingColumn: "n", as: Int.self)
            #expect(count == 2)
            // the portal home lists only the customer's own requests and units
            let home = try await browser.get("/portal").body.string
            #expect(home.contains(world.eastRequest.number))
            #expect(!home.contains(world.southRequest.number))
            #expect(!home.contains("SN-SOUTH-1"))
        }
    }

    @Test(
        "lists, filters and searches never return rows outside the caller's subtree",
        arguments: TestDatabase.all)
    func listsStayInScope(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let world = try await TwoBranches.make(app)
            let east = try await makeUser(app, "east.agent", roles: [.hotlineAgent], unit: world.fixture.branch.id)
            let queries = [
                "", "?customerId=\(world.southCustomer.id)", "?orgUnitId=\(world.south.id)",
                "?orgUnitId=\(world.fixture.headquarters.id)", "?q=ZX-SOUTH-ONLY", "?q=\(world.southRequest.number)",
                "?serial=SN-SOUTH-1", "?phone=13920003000", "?customer=%E5%B9%BF%E5%B7%9E",
                "?unitId=\(world.southUnit.id)",
                "?sort=status", "?sort=recentlyUpdated",
            ]
            for query in queries {
                let list = try await app.api(.GET, "/api/v1/service-requests\(query)", token: east.token)
                #expect(list.status == .ok)
                #expect(!list.body.string.contains(world.southRequest.number), "service-requests\(query)")
                let page = try await Browser.signIn(app, "east.agent").get("/requests\(query)")
                #expect(!page.body.string.contains(">\(world.southRequest.number)</a>"), "/requests\(query)")
            }
            for path in [
                "/api/v1/customers", "/api/v1/customers?q=%E5%B9%BF%E5%B7%9E", "/api/v1/customers?phone=13920003000",
                "/api/v1/units", "/api/v1/units?serial=SN-SOUTH-1", "/api/v1/org-units",
                "/api/v1/customers/export.csv", "/api/v1/units/export.csv", "/api/v1/service-requests/export.csv",
            ] {
                let body = try await app.api(.GET, path, token: east.token).body.string
                for foreign in ["广州南方客户", "SN-SOUTH-1", "BR-SC", world.southRequest.number] {
                    #expect(!body.contains(foreign), "\(path) shows \(foreign)")
                }
            }
            let lookup = try await Browser.signIn(app, "east.agent").get("/lookup/units?q=SN-S").body.string
            #expect(!lookup.contains("SN-SOUTH-1"))
            // the caller's own rows are there
            let own = try await app.api(.GET, "/api/v1/service-requests", token: east.token).body.string
            #expect(own.contains(world.eastRequest.number))
        }
    }

    @Test(
        "writes that would reach outside the subtree are refused as if the record did not exist",
        arguments: TestDatabase.all)
    func writesStayInScope(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let world = try await TwoBranches.make(app)
            let east = try await makeUser(app, "east.boss", roles: [.serviceManager], unit: world.fixture.branch.id)
            // a request for the other branch's customer
            let request = try await app.api(.POST, "/api/v1/service-requests", token: east.token) {
                $0.json(
                    #"{"customerId":\#(world.southCustomer.id),"channel":"phone","type":"repair","faultDescription":"x"}"#
                )
            }
            #expect(request.status == .unprocessableEntity)
            #expect(request.errorBody?.error.fields["customerId"]?.code == "not_found")
            // a customer placed in the other branch
            let customer = try await app.api(.POST, "/api/v1/customers", token: east.token) {
                $0.json(#"{"orgUnitId":\#(world.south.id),"name":"越界客户","kind":"company","tier":"regular"}"#)
            }
            #expect(customer.status == .unprocessableEntity)
            #expect(customer.errorBody?.error.fields["orgUnitId"]?.code == "not_found")
            // moving an own customer to the other branch
            let moved = try await app.api(.PATCH, "/api/v1/customers/\(world.fixture.customer.id)", token: east.token) {
                $0.json(#"{"orgUnitId":\#(world.south.id),"version":1}"#)
            }
            #expect(moved.status == .unprocessableEntity)
            let stays =
                try await app.api(.GET, "/api/v1/customers/\(world.fixture.customer.id)").json["orgUnitId"] as? Int
            #expect(stays == world.fixture.branch.id)
            let names = try await app.store.sql.raw("SELECT COUNT(*) AS n FROM customers WHERE name = '越界客户'").first(
                decodingColumn: "n", as: Int.self)
            #expect(names == 0)
        }
    }
}
