import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import AftercareServer

/// R-7 through the JSON API: shortages answer 409 naming the part, bad quantities 422 naming the field, imports
/// report line numbers, and who may do what with requisitions.
@Suite("Spare parts through the API (R-7)")
struct PartsAPITests {
    struct Setup {
        var fixture: Fixture
        var part: PartRecord.View
        var warehouse: WarehouseRecord.View
        var engineer: EngineerRecord.View
        var engineerToken: String
        var keeperToken: String
    }

    static func setup(_ app: Application) async throws -> Setup {
        let store = app.store
        let fixture = try await Fixture.make(store)
        let part = try await Records<PartRecord>(store).create(
            .init(partNumber: "RL-1", name: "roller", lastPrice: 1000), by: .system)
        let warehouse = try await Records<WarehouseRecord>(store).create(
            .init(code: "WH-1", name: "branch store", kind: .branch, orgUnitId: fixture.branch.id), by: .system)
        _ = try await Stock(store).receive(
            ReceiptInput(partId: part.id, warehouseId: warehouse.id, quantity: 10), by: .system)
        let user = try await makeUser(app, "p.engineer", roles: [.fieldEngineer], unit: fixture.branch.id)
        let engineer = try await Records<EngineerRecord>(store).create(
            .init(
                userId: user.user.id, orgUnitId: fixture.branch.id, level: 3,
                skills: [EngineerSkill(productLineId: fixture.model.productLineId, level: 3)]), by: .system)
        let keeper = try await makeUser(app, "p.keeper", roles: [.warehouseKeeper], unit: fixture.branch.id)
        return Setup(
            fixture: fixture, part: part, warehouse: warehouse, engineer: engineer, engineerToken: user.token,
            keeperToken: keeper.token)
    }

    @Test(
        "concurrent issues beyond the stock: the rest get 409 naming the shortage, and the books agree",
        arguments: TestDatabase.all)
    func concurrentShortage(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let s = try await Self.setup(app)
            let body =
                #"{"partId":\#(s.part.id),"quantity":1,"warehouseId":\#(s.warehouse.id),"engineerId":\#(s.engineer.id)}"#
            let statuses = try await withThrowingTaskGroup(of: (UInt, String).self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        let response = try await app.api(.POST, "/api/v1/stock/issues", token: s.keeperToken) {
                            $0.json(body)
                        }
                        return (response.status.code, response.errorBody?.error.message ?? "")
                    }
                }
                var all: [(UInt, String)] = []
                for try await result in group { all.append(result) }
                return all
            }
            #expect(statuses.filter { $0.0 == 201 }.count == 10)
            let refused = statuses.filter { $0.0 != 201 }
            #expect(refused.count == 6)
            for (status, message) in refused {
                #expect(status == 409)
                #expect(message.contains("not enough RL-1 in WH-1"), "\(message)")
            }
            let verify = try await app.api(.GET, "/api/v1/stock/verify")
            #expect(verify.json["consistent"] as? Bool == true)
            let stock = try await app.api(.GET, "/api/v1/parts/\(s.part.id)/stock").json
            #expect(stock["onHand"] as? Double == 10)
        }
    }

    @Test(
        "quantities: zero, negative, fractional pieces and absurd amounts are refused naming the field",
        arguments: TestDatabase.all)
    func badQuantities(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let s = try await Self.setup(app)
            let before = try await app.store.sql.raw("SELECT COUNT(*) AS n FROM stock_ledger").first(
                decodingColumn: "n", as: Int.self)
            for quantity in ["0", "-1", "1.5", "1e12", "2000000"] {
                let response = try await app.api(.POST, "/api/v1/stock/receipts", token: s.keeperToken) {
                    $0.json(#"{"partId":\#(s.part.id),"quantity":\#(quantity),"warehouseId":\#(s.warehouse.id)}"#)
                }
                #expect(response.status == .unprocessableEntity, "\(quantity)")
                #expect(response.errorBody?.error.fields["quantity"] != nil, "\(quantity)")
            }
            let after = try await app.store.sql.raw("SELECT COUNT(*) AS n FROM stock_ledger").first(
                decodingColumn: "n", as: Int.self)
            #expect(before == after)
        }
    }

    @Test(
        "a catalogue import names each bad line and imports nothing, unless valid rows only is chosen",
        arguments: TestDatabase.all)
    func importLines(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            _ = try await Self.setup(app)
            let csv = """
                partNumber,name,unit,price
                A-1,first,piece,100
                A-2,second,gallon,100
                RL-1,duplicate,piece,100
                A-3,third,metre,x
                A-4,fourth,piece,100
                """
            let refused = try await app.api(.POST, "/api/v1/parts/import") {
                $0.headers.contentType = HTTPMediaType(type: "text", subType: "csv")
                $0.body = ByteBuffer(string: csv)
            }
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.errorBody?.error.code == "import_failed")
            let fields = Set(refused.errorBody?.error.fields.keys.map { $0 } ?? [])
            #expect(fields.contains("line 3: unit"))
            #expect(fields.contains("line 4: partNumber"))
            #expect(fields.contains("line 5: price"))
            let count = try await app.store.sql.raw("SELECT COUNT(*) AS n FROM parts").first(
                decodingColumn: "n", as: Int.self)
            #expect(count == 1)
            let partial = try await app.api(.POST, "/api/v1/parts/import?mode=validRowsOnly") {
                $0.headers.contentType = HTTPMediaType(type: "text", subType: "csv")
                $0.body = ByteBuffer(string: csv)
            }
            #expect(partial.status == .ok)
            #expect(partial.json["imported"] as? Int == 2)
            #expect(partial.json["refusedLines"] as? [Int] == [3, 4, 5])
        }
    }

    @Test(
        "an engineer requests for themselves only and cannot approve; a keeper approves within the limit only",
        arguments: TestDatabase.all)
    func requisitionRights(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let s = try await Self.setup(app)
            // the engineer's own requisition, engineer left out
            let created = try await app.api(.POST, "/api/v1/requisitions", token: s.engineerToken) {
                $0.json(#"{"warehouseId":\#(s.warehouse.id),"lines":[{"partId":\#(s.part.id),"quantity":2}]}"#)
            }
            #expect(created.status == .created)
            let id = created.json["id"] as? Int ?? 0
            #expect(created.json["engineerId"] as? Int == s.engineer.id)
            // the engineer cannot approve it
            let approveByEngineer = try await app.api(
                .POST, "/api/v1/requisitions/\(id)/events", token: s.engineerToken
            ) {
                $0.json(#"{"event":"approve"}"#)
            }
            #expect(approveByEngineer.status == .forbidden)
            // nor request for someone else
            let other = try await makeUser(app, "p.other", roles: [.fieldEngineer], unit: s.fixture.branch.id)
            let otherEngineer = try await Records<EngineerRecord>(app.store).create(
                .init(
                    userId: other.user.id, orgUnitId: s.fixture.branch.id, level: 2,
                    skills: [EngineerSkill(productLineId: s.fixture.model.productLineId, level: 2)]), by: .system)
            let forOther = try await app.api(.POST, "/api/v1/requisitions", token: s.engineerToken) {
                $0.json(
                    #"{"engineerId":\#(otherEngineer.id),"warehouseId":\#(s.warehouse.id),"lines":[{"partId":\#(s.part.id),"quantity":1}]}"#
                )
            }
            #expect(forOther.status == .forbidden)
            // and the other engineer does not see it
            #expect(try await app.api(.GET, "/api/v1/requisitions/\(id)", token: other.token).status == .notFound)
            // the keeper approves: 2 reserved
            let approved = try await app.api(.POST, "/api/v1/requisitions/\(id)/events", token: s.keeperToken) {
                $0.json(#"{"event":"approve"}"#)
            }
            #expect(approved.status == .ok)
            #expect(approved.json["status"] as? String == "approved")
            let stock = try await app.api(.GET, "/api/v1/stock?partId=\(s.part.id)&warehouseId=\(s.warehouse.id)").json
            let row = (stock["items"] as? [[String: Any]])?.first
            #expect(row?["reserved"] as? Double == 2)
            #expect(row?["available"] as? Double == 8)
            // a requisition above the keeper's limit needs a manager
            let big = try await app.api(.POST, "/api/v1/requisitions", token: s.engineerToken) {
                $0.json(#"{"warehouseId":\#(s.warehouse.id),"lines":[{"partId":\#(s.part.id),"quantity":8}]}"#)
            }
            try await app.store.sql.raw("UPDATE warehouses SET approval_limit = 500 WHERE id = \(bind: s.warehouse.id)")
                .run()
            let bigId = big.json["id"] as? Int ?? 0
            let refused = try await app.api(.POST, "/api/v1/requisitions/\(bigId)/events", token: s.keeperToken) {
                $0.json(#"{"event":"approve"}"#)
            }
            #expect(refused.status == .forbidden)
            #expect(refused.errorBody?.error.code == "approval_not_allowed")
            // a step the state does not allow
            let early = try await app.api(.POST, "/api/v1/requisitions/\(bigId)/events", token: s.keeperToken) {
                $0.json(#"{"event":"close"}"#)
            }
            #expect(early.status == .conflict)
            #expect(early.errorBody?.error.code == "event_not_allowed")
        }
    }
}
