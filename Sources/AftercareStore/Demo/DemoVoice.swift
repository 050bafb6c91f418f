import AftercareDomain
import Foundation
import SQLKit

/// the rest of the demo's customer voice: suggestions in every state (one adopted and rewarded with a
/// manager's approval, one whose reward waits for approval, one declined, one not yet acknowledged from the public
/// form), the visit plan run a year ago and again today (key customers overdue for their visit), a customer committee
/// meeting with its decisions, and two mystery-shopping records of the East China branch's outlets. Written through
/// the same use cases as the pages, at the time they happened. Runs once.
public enum DemoVoice {
    public static func load(into store: Store) async throws {
        let db = store.sql
        guard try await db.raw("SELECT id FROM suggestions").first() == nil,
            let branch = try await db.raw("SELECT id FROM org_units WHERE code = 'BR-EC'").first(
                decodingColumn: "id", as: Int.self),
            let suzhou = try await db.raw("SELECT id FROM org_units WHERE code = 'OU-SZ'").first(
                decodingColumn: "id", as: Int.self),
            let hangzhou = try await db.raw("SELECT id FROM org_units WHERE code = 'OU-HZ'").first(
                decodingColumn: "id", as: Int.self),
            let agent = try await DemoComplaints.principal("agent", store: store),
            let manager = try await DemoComplaints.principal("manager", store: store),
            let accounts = try await DemoComplaints.principal("accounts", store: store)
        else { return }
        let customers = try await db.raw(
            """
            SELECT id FROM customers WHERE org_unit_id IN (SELECT id FROM org_units WHERE path LIKE \
            (SELECT path FROM org_units WHERE id = \(bind: branch)) || '%') ORDER BY id LIMIT 4
            """
        ).all().map { try $0.decode(column: "id", as: Int.self) }
        guard customers.count >= 3 else { return }
        func at(_ daysAgo: Double) -> Store { store.withClock { store.now.addingTimeInterval(-daysAgo * 86_400) } }

        // Suggestions.
        let adopted = try await Suggestions(at(40)).submit(
            SuggestionInput(
                customerId: customers[0], channel: .phone, topic: "预约上门",
                text: "希望能在微信里直接预约上门时间，不用每次打电话等回拨。"), source: .staff, by: agent.actor)
        _ = try await Suggestions(at(39)).post(SuggestionStepInput(event: .acknowledge), to: adopted.id, by: agent)
        _ = try await Suggestions(at(35)).post(SuggestionStepInput(event: .evaluate), to: adopted.id, by: manager)
        _ = try await Suggestions(at(30)).post(
            SuggestionStepInput(event: .adopt, note: "下季度在客户门户和公众号上线上门时段自助预约。"), to: adopted.id,
            by: manager)
        let reward = try await Suggestions(at(29)).proposeReward(
            SuggestionRewardInput(kind: .points, points: 500, description: "服务积分 500 分，可抵扣保养费用"),
            on: adopted.id, by: agent)
        _ = try await Suggestions(at(28)).decideReward(reward.id, approve: true, note: nil, by: manager)
        let waiting = try await Suggestions(at(12)).submit(
            SuggestionInput(
                customerId: customers[1], channel: .email, topic: "备件",
                text: "常用易损件（搓纸轮、定影膜）能否在网点常备，减少二次上门。"), source: .staff, by: agent.actor)
        _ = try await Suggestions(at(11)).post(SuggestionStepInput(event: .acknowledge), to: waiting.id, by: agent)
        _ = try await Suggestions(at(6)).post(
            SuggestionStepInput(event: .adopt, note: "苏州、杭州网点按近三个月用量常备 10 种易损件。"), to: waiting.id,
            by: manager)
        _ = try await Suggestions(at(5)).proposeReward(
            SuggestionRewardInput(kind: .gift, description: "定制保温杯一只及感谢信"), on: waiting.id, by: agent)
        let declined = try await Suggestions(at(9)).submit(
            SuggestionInput(
                customerId: customers[2], channel: .phone, text: "建议周日也安排工程师值班上门。"), source: .staff,
            by: agent.actor)
        _ = try await Suggestions(at(8)).post(SuggestionStepInput(event: .acknowledge), to: declined.id, by: agent)
        _ = try await Suggestions(at(7)).post(
            SuggestionStepInput(event: .decline, note: "周日由合作网点提供紧急上门，可拨打 24 小时热线预约，暂不增设值班。"),
            to: declined.id, by: manager)
        _ = try await Suggestions(store.withClock { store.now.addingTimeInterval(-3 * 3600) }).submit(
            SuggestionInput(
                name: "赵女士", phone: "138 0571 2468", text: "网点等候区可以放一些产品使用小贴士，等的时候可以看看。",
                orgUnitId: hangzhou), source: .publicForm, by: Actor(name: "public"))

        // The visit plan: the department has had its customers for two years (the demo made them just now); the plan
        // ran a year ago (half of those visits held), and runs again today: the rest are overdue.
        let today = store.today
        try await db.update("customers").set("created_at", to: store.now.addingTimeInterval(-730 * 86_400)).run()
        _ = try await CustomerVisits(at(380)).plan(today: today.adding(days: -380), by: accounts.actor)
        let planned = try await CustomerVisits(store).list(
            CustomerVisitFilter(status: .planned, overdue: false), page: PageRequest(limit: 40))
        for (n, visit) in planned.items.enumerated() where n % 2 == 0 {
            _ = try await CustomerVisits(at(200)).record(
                visit.id,
                CustomerVisitRecordInput(
                    heldOn: today.adding(days: -200), visitedBy: "蒋晓雯", metWith: "设备科主任",
                    topics: "设备使用情况、保养计划、明年采购意向", satisfaction: 4 + n % 2,
                    opportunities: n % 4 == 0 ? "计划明年新增两台彩色复合机" : nil), by: accounts.actor)
        }
        _ = try await CustomerVisits(store).plan(today: today, by: accounts.actor)

        // A customer committee meeting.
        _ = try await CustomerVisits(at(20)).recordMeeting(
            CommitteeMeetingInput(
                orgUnitId: branch, heldOn: today.adding(days: -20), place: "华东分公司三楼会议室",
                attendees: "客户代表：苏州精密制造 王主任、杭州联华医院 设备科李科长\n我方：彭志刚、陆文杰、蒋晓雯",
                minutes: "通报第三季度服务指标；客户反映周末报修响应慢、备件等待时间长；讨论年度保养计划。",
                decisions: [
                    CommitteeDecisionInput(
                        text: "周末报修 2 小时内电话回复", owner: "陆文杰", dueOn: today.adding(days: 10)),
                    CommitteeDecisionInput(
                        text: "网点常备易损件清单发给客户确认", owner: "钱海涛", dueOn: today.adding(days: -5), done: true),
                ]), by: manager.actor)

        // Mystery shopping of two outlets, seen by the branch and headquarters, never by the outlets.
        let scoresA = [
            "greeting": 4, "professionalism": 3, "timeliness": 2, "resolution": 3, "pricing": 4, "environment": 4,
        ]
        let scoresB = [
            "greeting": 5, "professionalism": 4, "timeliness": 4, "resolution": 4, "pricing": 5, "environment": 3,
        ]
        _ = try await MysteryShopping(at(15)).record(
            MysteryInspectionInput(
                orgUnitId: suzhou, inspectedOn: today.adding(days: -15), scenario: "以新客户身份电话报修复印机卡纸，并要求当天上门",
                scores: scoresA, findings: "接听及时但未主动告知上门时段；回拨晚了 40 分钟；工程师未出示工牌。",
                inspector: "第三方暗访机构 · 评审员 07"), by: manager)
        _ = try await MysteryShopping(at(8)).record(
            MysteryInspectionInput(
                orgUnitId: hangzhou, inspectedOn: today.adding(days: -8), scenario: "到网点送修打印机并咨询保修政策",
                scores: scoresB, findings: "接待热情、政策解释清楚；等候区较拥挤，没有叫号。",
                inspector: "第三方暗访机构 · 评审员 03"), by: manager)
    }
}
