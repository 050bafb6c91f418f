import AftercareDomain
import Foundation
import SQLKit

/// R-8: the demo's returns: the depot at headquarters, approvals above ¥5,000, an exchanged unit keeps the rest of its
/// warranty and at least three months; a pool of loaners; cases of the East China branch's customers in every state
/// (an exchange, a spare + depot repair with a loaner out, one rejected for man-made damage, one overdue against the
/// 5-working-day target…), each written through the same use cases as the pages at the time it happened; and a month
/// of nonconforming parts handed in from the field. Runs once.
public enum DemoReturns {
    /// What happens to one demo case: how long ago it was opened and the steps after, in days after the opening.
    struct Story {
        var reason: String
        var wish: ReturnWish
        var shipping: ReturnShipping
        var openedDaysAgo: Double
        /// The last step taken (the case stops there).
        var upTo: ReturnStatus
        var resolution: ReturnResolution = .repair
        var responsibility: Responsibility = .manufacturingDefect
        var usable = true
        var costs = ReturnCosts(repairMinor: 85_000, newUnitMinor: 680_000)
        var lendLoaner = false
    }

    static let stories: [Story] = [
        Story(
            reason: "卡纸后主板烧毁，开机无显示", wish: .exchange, shipping: .engineerPickup, openedDaysAgo: 12,
            upTo: .closed, resolution: .exchange, usable: false,
            costs: ReturnCosts(repairMinor: 420_000, newUnitMinor: 680_000)),
        Story(
            reason: "定影单元异响，客户产线不能停机", wish: .repair, shipping: .customerSends, openedDaysAgo: 5,
            upTo: .inRepair, resolution: .spareAndRepair, lendLoaner: true),
        Story(
            reason: "外壳摔裂，进纸器断裂", wish: .exchange, shipping: .customerSends, openedDaysAgo: 9, upTo: .delivered,
            resolution: .reject, responsibility: .manMadeDamage),
        Story(
            reason: "间歇性死机，现场无法复现", wish: .repair, shipping: .dropOff, openedDaysAgo: 14, upTo: .inRepair,
            responsibility: .design),
        Story(
            reason: "运输途中外包装破损，机器无法开机", wish: .exchange, shipping: .customerSends, openedDaysAgo: 3,
            upTo: .decided, resolution: .exchange, responsibility: .transport, usable: false,
            costs: ReturnCosts(repairMinor: 300_000, newUnitMinor: 680_000)),
        Story(
            reason: "扫描模块故障，客户要求退款", wish: .refund, shipping: .customerSends, openedDaysAgo: 20, upTo: .closed,
            resolution: .refund, usable: false, costs: ReturnCosts(newUnitMinor: 680_000, refundMinor: 380_000)),
        Story(
            reason: "双面器不进纸", wish: .repair, shipping: .customerSends, openedDaysAgo: 8, upTo: .qaPassed),
        Story(reason: "触摸屏无响应", wish: .repair, shipping: .dropOff, openedDaysAgo: 6, upTo: .repaired),
        Story(reason: "硒鼓组件漏粉", wish: .repair, shipping: .customerSends, openedDaysAgo: 2, upTo: .inspected),
        Story(reason: "开机报错 E-302", wish: .repair, shipping: .customerSends, openedDaysAgo: 1.5, upTo: .received),
        Story(reason: "风扇噪音大，机身过热", wish: .repair, shipping: .customerSends, openedDaysAgo: 1.2, upTo: .inTransit),
        Story(reason: "网络打印失败", wish: .repair, shipping: .engineerPickup, openedDaysAgo: 0.8, upTo: .authorised),
        Story(reason: "输稿器卡纸频繁", wish: .exchange, shipping: .customerSends, openedDaysAgo: 0.3, upTo: .applied),
        Story(
            reason: "客户误以为保修内可退货", wish: .refund, shipping: .customerSends, openedDaysAgo: 4, upTo: .rejected),
        Story(reason: "已现场修复，不再寄回", wish: .repair, shipping: .customerSends, openedDaysAgo: 7, upTo: .cancelled),
        Story(
            reason: "电源模块烧毁，无法修复", wish: .exchange, shipping: .customerSends, openedDaysAgo: 4, upTo: .approved,
            resolution: .exchange, usable: false, costs: ReturnCosts(repairMinor: 520_000, newUnitMinor: 680_000)),
        Story(reason: "进纸辊磨损打滑", wish: .repair, shipping: .customerSends, openedDaysAgo: 6, upTo: .shippedBack),
    ]

    public static func load(into store: Store) async throws {
        let db = store.sql
        guard try await db.raw("SELECT id FROM return_cases").first() == nil,
            let hq = try await db.raw("SELECT id FROM org_units WHERE code = 'HQ'").first(
                decodingColumn: "id", as: Int.self),
            let branch = try await db.raw("SELECT path FROM org_units WHERE code = 'BR-EC'").first(
                decodingColumn: "path", as: String.self)
        else { return }
        let manager = Actor(name: "manager")
        _ = try await ReturnCases(store).setRules(
            ReturnRules(
                depotUnitId: hq, approvalLimitMinor: 500_000, currency: .cny,
                exchangeWarranty: ExchangeWarranty(basis: .remainder, months: 3)), by: manager)
        // The branch's customers' units in service, the portal's demo customers first.
        let units = try await db.raw(
            """
            SELECT u.id, u.customer_id, u.model_id, u.serial_number FROM units u JOIN customers c ON c.id = u.customer_id \
            WHERE c.org_unit_id IN (SELECT id FROM org_units WHERE path LIKE \(bind: branch + "%")) \
            AND u.status = 'inService' AND u.archived_at IS NULL ORDER BY u.customer_id, u.id LIMIT 200
            """
        ).all().map {
            (
                id: try $0.decode(column: "id", as: Int.self),
                customer: try $0.decode(column: "customer_id", as: Int.self),
                model: try $0.decode(column: "model_id", as: Int.self),
                serial: try $0.decode(column: "serial_number", as: String.self)
            )
        }
        guard units.count >= stories.count else { return }
        // Each story on its own unit: one per customer as far as they go, so the portal's customers have cases.
        var used = Set<Int>()
        var picked: [(id: Int, customer: Int, model: Int, serial: String)] = []
        for unit in units where !used.contains(unit.customer) && picked.count < stories.count {
            used.insert(unit.customer)
            picked.append(unit)
        }
        for unit in units where picked.count < stories.count && !picked.contains(where: { $0.id == unit.id }) {
            picked.append(unit)
        }
        // Loaners: two of each model of the first stories' units (the one lent among them).
        var common: [Int] = []
        for unit in picked.prefix(4) where !common.contains(unit.model) { common.append(unit.model) }
        let pool = Loaners(store.withClock { store.now.addingTimeInterval(-30 * 86_400) })
        var loaners: [LoanerView] = []
        for model in common {
            let code =
                try await db.raw("SELECT code FROM product_models WHERE id = \(bind: model)").first(
                    decodingColumn: "code", as: String.self) ?? "M\(model)"
            for n in 1...2 {
                loaners.append(
                    try await pool.create(
                        LoanerInput(
                            orgUnitId: hq, modelId: model, serialNumber: "ZZJ-\(code)-0\(n)", note: "总部周转机"),
                        by: Actor(name: "warehouse")))
            }
        }
        for (story, unit) in zip(stories, picked) {
            try await play(story, unit: unit, loaner: loaners.first { $0.modelId == unit.model }, store: store)
        }
        try await fieldParts(store, branch: branch)
    }

    /// One case, step by step, each at its own time.
    static func play(
        _ story: Story, unit: (id: Int, customer: Int, model: Int, serial: String), loaner: LoanerView?, store: Store
    ) async throws {
        let opened = store.now.addingTimeInterval(-story.openedDaysAgo * 86_400)
        /// The store at `days` after the opening (never in the future).
        func at(_ days: Double) -> ReturnCases {
            ReturnCases(store.withClock { min(opened.addingTimeInterval(days * 86_400), store.now) })
        }
        let agent = Actor(name: "agent")
        let depot = Actor(name: "support")
        let view = try await at(0).open(
            ReturnCaseInput(
                customerId: unit.customer, unitIds: [unit.id], reason: story.reason, wish: story.wish,
                shipping: story.shipping, carrier: story.shipping == .customerSends ? "顺丰速运" : nil,
                channel: story.openedDaysAgo < 1 ? .portal : .phone), by: agent)
        let id = view.id
        let order: [ReturnStatus] = [
            .applied, .authorised, .inTransit, .received, .inspected, .decided, .approved, .inRepair, .repaired,
            .qaPassed,
            .shippedBack, .delivered, .closed,
        ]
        func reached(_ status: ReturnStatus) -> Bool {
            guard let goal = order.firstIndex(of: story.upTo), let step = order.firstIndex(of: status) else {
                return false
            }
            return step <= goal
        }
        switch story.upTo {
        case .rejected:
            _ = try await at(0.2).post(
                ReturnStepInput(.reject, note: "已过退货期限，且设备运行正常，建议上门检修"), to: id, by: agent)
            return
        case .cancelled:
            _ = try await at(0.3).post(ReturnStepInput(.cancel, note: "工程师已现场修复，客户撤回申请"), to: id, by: agent)
            return
        default: break
        }
        guard reached(.authorised) else { return }
        _ = try await at(0.1).post(ReturnStepInput(.authorise), to: id, by: agent)
        guard reached(.inTransit) else { return }
        _ = try await at(0.2).post(
            ReturnStepInput(.ship, carrier: "顺丰速运", trackingNumber: "SF14\(String(format: "%08d", 20_260_000 + id))"),
            to: id, by: agent)
        guard reached(.received) else { return }
        _ = try await at(1).post(ReturnStepInput(.receive, serials: [unit.serial]), to: id, by: depot)
        guard reached(.inspected) else { return }
        var checklist = Dictionary(uniqueKeysWithValues: InspectionItem.allCases.map { ($0, $0.expected) })
        if story.responsibility == .manMadeDamage {
            checklist[.physicalDamage] = true
            checklist[.openedByCustomer] = true
        }
        if story.responsibility == .transport { checklist[.packagingIntact] = false }
        _ = try await at(1.1).post(
            ReturnStepInput(
                .inspect,
                inspections: [
                    UnitInspectionInput(
                        unitId: unit.id, checklist: checklist, findings: story.reason,
                        responsibility: story.responsibility, usable: story.usable)
                ]), to: id, by: Actor(name: "inspector"))
        guard reached(.decided) else { return }
        let decided = try await at(1.2).post(
            ReturnStepInput(
                .decide, note: "依据检验结果与成本比较决定", resolution: story.resolution, costs: story.costs),
            to: id, by: depot)
        if decided.status == .decided, story.upTo != .decided {
            _ = try await at(1.5).post(ReturnStepInput(.approve), to: id, by: Actor(name: "manager"))
        }
        if story.lendLoaner, let loaner {
            _ = try await Loaners(store.withClock { min(opened.addingTimeInterval(1.3 * 86_400), store.now) }).lend(
                loaner.id,
                LoanInput(
                    caseId: id,
                    dueOn: CalendarDate(opened, in: store.timeZone).adding(days: Int(story.openedDaysAgo) + 10),
                    note: "客户产线不能停，先借周转机"), by: Actor(name: "dispatcher"))
        }
        if story.resolution.repairs {
            guard reached(.repaired) else {
                _ = try await at(1.6).writeRepair(
                    id, DepotRepairInput(diagnosis: "待更换：" + story.reason, labourMinutes: 0), by: depot)
                return
            }
            _ = try await at(2).writeRepair(
                id,
                DepotRepairInput(
                    diagnosis: story.reason, actions: "更换故障部件并校准", tests: "连续运行 4 小时、复印 300 张无异常",
                    labourMinutes: 150, technician: "李娜"), by: depot)
            if let part = try await store.sql.raw(
                """
                SELECT b.part_id, b.warehouse_id FROM stock_balances b JOIN parts p ON p.id = b.part_id \
                JOIN warehouses w ON w.id = b.warehouse_id WHERE w.code = 'WH-HQ' AND p.serial_tracked = \(bind: false) \
                AND b.on_hand >= 1000 ORDER BY b.part_id LIMIT 1
                """
            ).first() {
                _ = try await at(2.1).useParts(
                    id,
                    DepotPartInput(
                        partId: try part.decode(column: "part_id", as: Int.self), quantity: 1,
                        warehouseId: try part.decode(column: "warehouse_id", as: Int.self)), by: depot)
            }
            _ = try await at(2.2).post(ReturnStepInput(.finishRepair), to: id, by: depot)
            guard reached(.qaPassed) else { return }
            _ = try await at(2.5).post(ReturnStepInput(.passQA), to: id, by: Actor(name: "inspector"))
        }
        guard reached(.shippedBack), story.resolution != .refund else { return }
        _ = try await at(3).post(
            ReturnStepInput(
                .shipBack, carrier: "顺丰速运", trackingNumber: "SF15\(String(format: "%08d", 20_260_000 + id))",
                replacements: story.resolution == .exchange
                    ? [ReplacementInput(unitId: unit.id, serialNumber: unit.serial + "-R")] : nil), to: id, by: depot)
        guard reached(.delivered) else { return }
        _ = try await at(5).post(ReturnStepInput(.deliver), to: id, by: agent)
        guard reached(.closed) else { return }
        _ = try await at(6).post(ReturnStepInput(.close), to: id, by: agent)
    }

    /// R-8.4: a month of faulty parts handed in from the field, by model, cause and disposition.
    static func fieldParts(_ store: Store, branch: String) async throws {
        let db = store.sql
        guard
            let unit = try await db.raw(
                "SELECT id FROM org_units WHERE path = \(bind: branch)"
            ).first(decodingColumn: "id", as: Int.self)
        else { return }
        let parts = try await db.raw("SELECT id, last_price FROM parts ORDER BY id LIMIT 6").all().map {
            (id: try $0.decode(column: "id", as: Int.self), price: try $0.decode(column: "last_price", as: Int?.self))
        }
        let models = try await db.raw("SELECT id, product_line_id FROM product_models ORDER BY id LIMIT 4").all().map {
            (
                id: try $0.decode(column: "id", as: Int.self),
                line: try $0.decode(column: "product_line_id", as: Int.self)
            )
        }
        guard !parts.isEmpty, !models.isEmpty else { return }
        let codes = try await db.raw("SELECT id, product_line_id FROM fault_codes ORDER BY id").all().map {
            (
                id: try $0.decode(column: "id", as: Int.self),
                line: try $0.decode(column: "product_line_id", as: Int.self)
            )
        }
        let dispositions: [Disposition] = [.returnToSupplier, .scrap, .repair, .returnToSupplier, .rework]
        let responsibilities: [Responsibility] = [.manufacturingDefect, .manufacturingDefect, .design, .installation]
        for n in 0..<24 {
            let day = store.now.addingTimeInterval(-Double(29 - n) * 86_400 - 3600)
            let part = parts[n % parts.count]
            let model = models[(n * 7) % models.count]
            let code = codes.filter { $0.line == model.line }.map(\.id)
            try await store.withClock { day }.write { db in
                try await Nonconformities.insert(
                    orgUnitId: unit, source: .fieldPart, caseId: nil, unitId: nil, ledgerEntryId: nil,
                    modelId: model.id,
                    partId: part.id, serial: nil, responsibility: responsibilities[n % responsibilities.count],
                    disposition: n % 4 == 3 ? nil : dispositions[n % dispositions.count],
                    costMinor: part.price ?? 5_000, currency: .cny, foundOn: CalendarDate(day, in: store.timeZone),
                    faultCodeId: code.isEmpty ? nil : code[n % code.count],
                    analysis: code.isEmpty ? nil : "批次来料不良，已通知供应商整改", by: Actor(name: "warehouse"), at: day,
                    on: db)
            }
        }
    }
}
