import AftercareDomain
import Foundation
import SQLKit

/// R-7: the demo's spare parts: a catalogue for the demo product lines, the headquarters and east China warehouses
/// (main store, emergency reserve, quarantine, the engineers' vans), opening stock through the ledger, reorder
/// rules with one part below its point, a requisition waiting for approval and an open purchase order. Runs once.
public enum DemoParts {
    static let parts:
        [(number: String, name: String, unit: UnitOfMeasure, cls: PartClass, serial: Bool, life: Int?, price: Int)] = [
            ("FU-C5000", "C5000 定影组件", .piece, .a, true, nil, 168_000),
            ("DR-C5000", "C5000 感光鼓组件", .piece, .b, false, nil, 52_000),
            ("TN-C5000-K", "C5000 黑色碳粉盒", .piece, .c, false, 540, 18_000),
            ("RL-PICK", "搓纸轮", .piece, .c, false, nil, 2_500),
            ("BT-ITB", "转印带", .piece, .b, false, nil, 96_000),
            ("PCB-MAIN", "主控板", .piece, .a, true, nil, 320_000),
            ("FLT-HYD-10", "液压油滤芯", .piece, .c, false, nil, 4_800),
            ("OIL-HYD-46", "46 号抗磨液压油", .litre, .c, false, 730, 3_200),
            ("CBL-PWR-3", "三芯电源线", .metre, .c, false, nil, 1_200),
            ("LED-MOD-P3", "P3 LED 模组", .piece, .b, false, nil, 38_000),
        ]

    public static func load(into store: Store) async throws {
        let db = store.sql
        guard try await db.raw("SELECT id FROM parts").first() == nil else { return }
        let actor = Actor(name: "demo")
        func unit(_ code: String) async throws -> Int? {
            try await db.raw("SELECT id FROM org_units WHERE code = \(bind: code)").first(
                decodingColumn: "id", as: Int.self)
        }
        guard let hq = try await unit("HQ"), let branch = try await unit("BR-EC") else { return }
        let models = try await db.raw("SELECT id FROM product_models ORDER BY id LIMIT 3").all().map {
            try $0.decode(column: "id", as: Int.self)
        }
        var partIds: [String: Int] = [:]
        for part in parts {
            partIds[part.number] = try await Records<PartRecord>(store).create(
                .init(
                    partNumber: part.number, name: part.name, specification: nil, unit: part.unit, partClass: part.cls,
                    serialTracked: part.serial, shelfLifeDays: part.life, compatibleModelIds: models,
                    suppliers: [PartSupplier(name: "苏州精工零部件有限公司", leadTimeDays: 7)],
                    managementFeePercent: 15,
                    lastPrice: part.price), by: actor
            ).id
        }
        let warehouses = Records<WarehouseRecord>(store)
        let main = try await warehouses.create(
            .init(
                code: "WH-HQ", name: "总部中心仓库", kind: .headquarters, orgUnitId: hq,
                bins: ["A-01", "A-02", "B-01"]), by: actor)
        let east = try await warehouses.create(
            .init(
                code: "WH-EC", name: "华东分公司仓库", kind: .branch, orgUnitId: branch,
                bins: ["A-01", "A-02", "A-03"]), by: actor)
        let reserve = try await warehouses.create(
            .init(code: "WH-EC-RES", name: "华东应急备件库", kind: .emergencyReserve, orgUnitId: branch),
            by: actor)
        _ = try await warehouses.create(
            .init(code: "WH-EC-QUA", name: "华东待检隔离库", kind: .quarantine, orgUnitId: branch), by: actor)
        _ = try await warehouses.create(
            .init(code: "WH-HQ-QUA", name: "总部待检隔离库", kind: .quarantine, orgUnitId: hq), by: actor)
        let stock = Stock(store)
        let today = store.today
        for (index, part) in parts.enumerated() {
            let id = partIds[part.number]!
            for (warehouse, quantity) in [(main.id, 40.0), (east.id, index == 3 ? 3.0 : 12.0), (reserve.id, 2.0)] {
                let serials =
                    part.serial
                    ? (1...Int(quantity)).map { "\(part.number)-\(warehouse)-\(String(format: "%03d", $0))" } : nil
                _ = try await stock.receive(
                    ReceiptInput(
                        partId: id, warehouseId: warehouse, quantity: quantity, unitCost: part.price, serials: serials,
                        expiresOn: part.life.map { today.adding(days: $0 / (warehouse == east.id ? 20 : 1)) },
                        reason: "期初库存"), by: actor)
            }
            _ = try await Records<StockRuleRecord>(store).create(
                .init(
                    partId: id, warehouseId: east.id, bin: "A-0\(index % 3 + 1)", reorderPoint: 5, reorderQuantity: 10),
                by: actor)
        }
        // The demo engineer's van holds a few fast movers; a requisition for a visit waits for approval.
        if let engineer = try await db.raw(
            "SELECT e.id FROM engineers e JOIN users u ON u.id = e.user_id WHERE u.username = 'engineer.sh'"
        ).first(decodingColumn: "id", as: Int.self) {
            for number in ["RL-PICK", "TN-C5000-K"] {
                _ = try await stock.issue(
                    MovementInput(
                        partId: partIds[number]!, quantity: number == "RL-PICK" ? 1 : 2, warehouseId: east.id,
                        engineerId: engineer),
                    by: actor)
            }
            let visit = try await db.raw(
                "SELECT id FROM visits WHERE engineer_id = \(bind: engineer) ORDER BY id LIMIT 1"
            ).first(decodingColumn: "id", as: Int.self)
            _ = try await Requisitions(store).create(
                RequisitionInput(
                    engineerId: engineer, warehouseId: east.id, visitId: visit,
                    lines: [
                        .init(partId: partIds["DR-C5000"]!, quantity: 1),
                        .init(partId: partIds["RL-PICK"]!, quantity: 2),
                    ],
                    note: "感光鼓磨损，搓纸轮打滑"), by: actor)
        }
        _ = try await Purchasing(store).create(
            PurchaseOrderInput(
                supplier: "苏州精工零部件有限公司", warehouseId: east.id, expectedOn: today.adding(days: 7),
                lines: [.init(partId: partIds["LED-MOD-P3"]!, quantity: 10, unitPrice: 37_500)]), by: actor)
    }
}
