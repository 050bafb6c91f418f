import AftercareDomain
import Foundation
import SQLKit

/// R-9: the demo's complaints, handled at headquarters by the complaint handler and the supervisor, independent of the
/// East China branch whose work they are about: a complaint-family SLA policy (acknowledged within four working hours,
/// resolved within three working days); a dozen complaints in every state (one about an engineer, one re-processed
/// after the customer objected, one about a complaint handler that only the supervisor sees, one from the public
/// form, one waiting for the branch's statement); a year of closed complaints whose causes make "delay" and "repeated
/// failure" frequent, with an improvement action open for one and done for the other. Each is written through the
/// same use cases as the pages, at the time it happened. Runs once.
public enum DemoComplaints {
    struct Story {
        var subject: ComplaintSubject
        var words: String
        var wish: ComplaintWish
        var severity: ComplaintSeverity = .normal
        var hoursAgo: Double
        /// The steps taken, in order, each some hours after the one before.
        var steps: [ComplaintEventKind]
        var cause: ComplaintCause = .delay
        var responsibility: ComplaintResponsibility = .branch
        var compensation: (kind: CompensationKind, minor: Int?) = (.none, nil)
        var channel: Channel = .phone
    }

    static let plan = "向客户致歉并说明原因，安排资深工程师 48 小时内复检，结果书面告知客户。"
    static let feedback = "已复检并更换故障部件，设备运行正常；已电话告知客户处理结果并致歉。"

    static let stories: [Story] = [
        Story(
            subject: .engineer, words: "上门的工程师态度很差，不听我们说明情况就下结论，还抱怨路远。", wish: .apology,
            severity: .high, hoursAgo: 2, steps: [], cause: .attitude, responsibility: .engineer),
        Story(
            subject: .request, words: "报修三天了还没有人上门，电话催了两次都说在安排。", wish: .repair, hoursAgo: 20,
            steps: [.acknowledge]),
        Story(
            subject: .request, words: "同一台打印机一个月内坏了三次，每次来修完没几天又卡纸。", wish: .replacement,
            severity: .high, hoursAgo: 50, steps: [.acknowledge, .investigate], cause: .repeatedFailure,
            responsibility: .product),
        Story(
            subject: .request, words: "保修期内却收了上门费和配件费，没有任何解释。", wish: .refund, hoursAgo: 70,
            steps: [.acknowledge, .investigate, .agreePlan], cause: .feeDispute, responsibility: .branch),
        Story(
            subject: .request, words: "约好上午九点到，结果下午三点才来，耽误我们整天生产。", wish: .compensation,
            hoursAgo: 90, steps: [.acknowledge, .investigate, .agreePlan, .resolve], cause: .brokenPromise,
            responsibility: .engineer),
        Story(
            subject: .request, words: "换了新定影器还是有异响，要求换机。", wish: .replacement, severity: .high,
            hoursAgo: 300,
            steps: [
                .acknowledge, .investigate, .agreePlan, .resolve, .reportNotSatisfied, .reprocess, .agreePlan, .resolve,
                .confirmSatisfied, .close,
            ], cause: .repeatedFailure, responsibility: .product, compensation: (.money, 30_000)),
        Story(
            subject: .request, words: "维修后打印有黑线，工程师说是耗材问题，让我们自己买。", wish: .repair,
            hoursAgo: 140, steps: [.acknowledge, .investigate, .agreePlan, .resolve, .reportNotSatisfied],
            cause: .workmanship, responsibility: .engineer),
        Story(
            subject: .request, words: "配件说要等两周，能不能先借一台周转机。", wish: .other, hoursAgo: 100,
            steps: [.acknowledge, .withdraw], cause: .partsShortage),
        Story(
            subject: .request, words: "客服电话总是占线，留言也没人回。", wish: .explanation, hoursAgo: 400,
            steps: [.acknowledge, .investigate, .agreePlan, .resolve, .reportNotSatisfied, .close],
            cause: .communication, responsibility: .headquarters),
        Story(
            subject: .request, words: "维修后复印件发灰，要求重新处理。", wish: .repair, hoursAgo: 160,
            steps: [.acknowledge, .investigate, .agreePlan, .resolve, .reportNotSatisfied, .reprocess],
            cause: .workmanship, responsibility: .engineer),
        Story(
            subject: .request, words: "工程师把旧硒鼓留在现场没有带走。", wish: .apology, hoursAgo: 60,
            steps: [.acknowledge, .investigate, .agreePlan, .resolve, .confirmSatisfied], cause: .workmanship,
            responsibility: .engineer),
        Story(
            subject: .product, words: "新买的复印机外壳有裂纹，开箱就发现了。", wish: .replacement, hoursAgo: 220,
            steps: [.acknowledge, .investigate, .agreePlan, .resolve, .confirmSatisfied, .close],
            cause: .productQuality, responsibility: .supplier),
    ]

    public static func load(into store: Store) async throws {
        let db = store.sql
        guard try await db.raw("SELECT id FROM complaints").first() == nil,
            let branch = try await db.raw("SELECT id, path FROM org_units WHERE code = 'BR-EC'").first(),
            let handler = try await principal("complaints", store: store),
            let supervisor = try await principal("supervisor", store: store),
            let agent = try await principal("agent", store: store)
        else { return }
        let branchId = try branch.decode(column: "id", as: Int.self)
        let path = try branch.decode(column: "path", as: String.self)
        // The branch's requests, those an engineer visited first, newest first, and their customers.
        let requests = try await db.raw(
            """
            SELECT sr.id, sr.customer_id FROM service_requests sr \
            WHERE sr.org_unit_id IN (SELECT id FROM org_units WHERE path LIKE \(bind: path + "%")) \
            ORDER BY CASE WHEN EXISTS (SELECT 1 FROM visits v WHERE v.request_id = sr.id \
            AND v.engineer_id IS NOT NULL) THEN 0 ELSE 1 END, sr.id DESC LIMIT 400
            """
        ).all().map {
            (
                id: try $0.decode(column: "id", as: Int.self),
                customer: try $0.decode(column: "customer_id", as: Int.self)
            )
        }
        guard requests.count > stories.count + 1 else { return }
        _ = try await Records<SLAPolicyRecord>(store).create(
            SLAPolicyRecord.Input(
                name: "投诉处理时限（4 小时受理，3 个工作日解决）", position: 5,
                match: PolicyMatch(serviceFamily: .complaint),
                targets: [
                    TargetRule(
                        target: .firstResponse, minutes: 4 * 60, basis: .business,
                        warn: [Recipient(role: .complaintSupervisor, reach: .headquarters)],
                        escalations: [
                            EscalationLevel(
                                percent: 100, notify: [Recipient(role: .complaintSupervisor, reach: .headquarters)])
                        ]),
                    TargetRule(
                        target: .resolution, minutes: 3 * 8 * 60, basis: .business,
                        warn: [Recipient(role: .complaintSupervisor, reach: .headquarters)],
                        escalations: [
                            EscalationLevel(
                                percent: 100, notify: [Recipient(role: .complaintSupervisor, reach: .headquarters)])
                        ]),
                ]), by: Actor(name: "manager"))
        let engineer = try await db.raw(
            "SELECT e.id FROM engineers e JOIN users u ON u.id = e.user_id WHERE u.username = 'engineer'"
        ).first(decodingColumn: "id", as: Int.self)
        let model = try await db.raw("SELECT id FROM product_models ORDER BY id LIMIT 1").first(
            decodingColumn: "id", as: Int.self)
        for (story, request) in zip(stories, requests) {
            var input = ComplaintInput(
                customerId: request.customer, channel: story.channel, subject: story.subject, severity: story.severity,
                wish: story.wish, words: story.words)
            switch story.subject {
            case .engineer:
                input.engineerId = engineer
                input.orgUnitId = branchId
            case .product: input.productModelId = model
            default: input.requestId = request.id
            }
            try await play(story, input: input, handler: handler, agent: agent, store: store)
        }
        // The statement the branch owes: the repeated-failure complaint asks why the printer kept failing.
        if let open = try await db.raw(
            "SELECT id FROM complaints WHERE status = \(bind: ComplaintStatus.investigating.rawValue) ORDER BY id LIMIT 1"
        ).first(decodingColumn: "id", as: Int.self) {
            _ = try await Complaints(store).addNote(
                "客户提供了三次维修的时间和照片，需核实每次更换的部件和测试记录。", to: open, by: handler)
            _ = try await Statements(store).ask(
                about: open, of: branchId, question: "请说明这台设备一个月内三次维修的原因、每次更换的部件及测试结果。",
                dueAt: nil, by: handler)
        }
        // From the public form, not yet linked to a customer.
        _ = try await Complaints(store.withClock { store.now.addingTimeInterval(-5 * 3600) }).open(
            ComplaintInput(
                complainantName: "高先生", complainantPhone: "139 1234 5678", subject: .other,
                subjectText: "苏州工业园区门店", wish: .explanation,
                words: "门店前台说保修卡丢了就不能保修，购买发票我有，为什么不行？"), source: .publicForm,
            by: Actor(name: "public"))
        // About the complaint handler herself: only the supervisor sees and works it.
        if let handlerUser = try await db.raw("SELECT id FROM users WHERE username = 'complaints'").first(
            decodingColumn: "id", as: Int.self)
        {
            let about = try await Complaints(store.withClock { store.now.addingTimeInterval(-30 * 3600) }).open(
                ComplaintInput(
                    customerId: requests[stories.count].customer, subject: .staff, staffUserId: handlerUser,
                    wish: .apology, words: "投诉专员回电时语气生硬，还说我的问题不算投诉。", orgUnitId: branchId),
                source: .staff, by: Actor(name: "agent"))
            let later = Complaints(store.withClock { store.now.addingTimeInterval(-28 * 3600) })
            _ = try await later.post(ComplaintStepInput(event: .acknowledge), to: about.id, by: supervisor)
            _ = try await later.post(ComplaintStepInput(event: .investigate), to: about.id, by: supervisor)
        }
        try await history(
            requests: Array(requests.dropFirst(stories.count + 1)), handler: handler, agent: agent, store: store)
        // Improvements for the year's frequent causes.
        let stats = ComplaintStats(store)
        let today = store.today
        _ = try await stats.openImprovement(
            ImprovementInput(
                cause: .delay, title: "华东分公司工单 4 小时内派工到人，超时自动升级到调度主管", owner: "华东分公司 陆文杰",
                dueOn: today.adding(days: 30), periodFrom: today.adding(months: -12), periodTo: today),
            by: Actor(name: "manager"))
        let done = try await stats.openImprovement(
            ImprovementInput(
                cause: .repeatedFailure, title: "定影单元返修件 100% 出厂老化测试", owner: "质量部 谭丽华",
                dueOn: today.adding(days: -10), periodFrom: today.adding(months: -12),
                periodTo: today.adding(months: -3)),
            by: Actor(name: "manager"))
        _ = try await stats.closeImprovement(
            done.id, as: .done, outcome: "老化测试上线后，同类重复维修由每月 9 起降至 2 起。", by: Actor(name: "manager"))
    }

    /// A staff principal of the demo, as the pages would have it.
    static func principal(_ username: String, store: Store) async throws -> Principal? {
        guard
            let row = try await store.sql.raw(
                """
                SELECT u.id, u.display_name, u.roles, u.org_unit_id, o.path FROM users u \
                JOIN org_units o ON o.id = u.org_unit_id WHERE u.username = \(bind: username)
                """
            ).first()
        else { return nil }
        return Principal(
            userId: try row.decode(column: "id", as: Int.self), username: username,
            displayName: try row.decode(column: "display_name", as: String.self),
            roles: Set(CommaSet.decode(try row.decode(column: "roles", as: String.self)) as [Role]),
            orgUnitId: try row.decode(column: "org_unit_id", as: Int.self),
            orgUnitPath: try row.decode(column: "path", as: String.self), customerId: nil, locale: nil)
    }

    /// One complaint, step by step, a few hours apart; the customer's answers are given through the handler who
    /// called them.
    static func play(_ story: Story, input: ComplaintInput, handler: Principal, agent: Principal, store: Store)
        async throws
    {
        let opened = store.now.addingTimeInterval(-story.hoursAgo * 3600)
        let gap = story.hoursAgo / Double(story.steps.count + 2)
        func at(_ n: Int) -> Complaints {
            Complaints(store.withClock { min(opened.addingTimeInterval(Double(n) * gap * 3600), store.now) })
        }
        let view = try await at(0).open(input, source: .staff, by: agent.actor)
        var recorded = false
        var round = 0
        for (n, event) in story.steps.enumerated() {
            if event == .resolve, !recorded {
                _ = try await at(n + 1).record(
                    ComplaintFindingsInput(
                        cause: story.cause, responsibility: story.responsibility,
                        compensationKind: story.compensation.kind, compensationMinor: story.compensation.minor,
                        compensationNote: story.compensation.kind == .money ? "上门费全额退还并补偿停机损失" : nil),
                    on: view.id, by: handler)
                recorded = true
            }
            if event == .agreePlan { round += 1 }
            let note: String? =
                switch event {
                case .agreePlan: round > 1 ? "更换整机定影组件并由质量部出具检测报告；退还上门费并补偿 300 元。" : plan
                case .resolve: feedback
                case .reportNotSatisfied: "问题还在，我们不接受这个处理结果。"
                case .reprocess: "客户不满意，升级为资深工程师复检并由质量部参与。"
                case .withdraw: "客户已从其他渠道解决，撤回投诉。"
                case .close: story.steps.contains(.confirmSatisfied) ? nil : "已两次回访，客户仍不满意；按公司政策结案并报投诉监督复核。"
                default: nil
                }
            _ = try await at(n + 1).post(ComplaintStepInput(event: event, note: note), to: view.id, by: handler)
        }
        if !recorded, story.steps.contains(.investigate) {
            _ = try await at(story.steps.count + 1).record(
                ComplaintFindingsInput(cause: story.cause, responsibility: story.responsibility), on: view.id,
                by: handler)
        }
    }

    /// A year of complaints, all closed satisfied within days, their causes weighted so that delay and repeated
    /// failure lead.
    static func history(
        requests: [(id: Int, customer: Int)], handler: Principal, agent: Principal, store: Store
    ) async throws {
        let causes: [(ComplaintCause, Int)] = [
            (.delay, 18), (.repeatedFailure, 12), (.attitude, 6), (.feeDispute, 5), (.brokenPromise, 4),
            (.workmanship, 3), (.communication, 3), (.productQuality, 2), (.partsShortage, 2), (.policy, 1),
        ]
        var random = SeededRandom(state: 17)
        var n = 0
        for (cause, count) in causes {
            for _ in 0..<count where n < requests.count {
                let request = requests[n]
                n += 1
                let daysAgo = 20 + Double(random.next() % 330)
                let story = Story(
                    subject: .request, words: "对服务不满意：" + "\(cause.rawValue)", wish: .explanation,
                    hoursAgo: daysAgo * 24,
                    steps: [.acknowledge, .investigate, .agreePlan, .resolve, .confirmSatisfied, .close], cause: cause,
                    responsibility: cause == .productQuality || cause == .repeatedFailure ? .product : .branch)
                var input = ComplaintInput(
                    customerId: request.customer, subject: .request, requestId: request.id, wish: .explanation,
                    words: words[cause] ?? "对服务不满意。")
                input.channel = n % 3 == 0 ? .web : .phone
                try await play(story, input: input, handler: handler, agent: agent, store: store)
            }
        }
    }

    static let words: [ComplaintCause: String] = [
        .delay: "报修后等了好几天才有人联系，生产线一直停着。",
        .repeatedFailure: "同一个故障修了又坏，已经第三次报修。",
        .attitude: "工程师说话不耐烦，让我们自己看说明书。",
        .feeDispute: "收费和报价单上的不一样，多收了配件费。",
        .brokenPromise: "说好今天上门，结果没来也没打电话。",
        .workmanship: "修完以后机器外壳没装好，螺丝都少了两颗。",
        .communication: "客服电话打不通，邮件也没有回复。",
        .productQuality: "新机器用了不到一个月就出现异响。",
        .partsShortage: "配件一直缺货，说不清什么时候能到。",
        .policy: "不理解为什么延保不包含上门费。",
    ]
}
