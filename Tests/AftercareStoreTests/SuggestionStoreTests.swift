import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import SQLKit
import Testing

/// Issue 17, R-10.3: suggestions in the store: from the public form of a branch's QR code to the reward a manager
/// approves (never the proposer), the note a decision needs, what a customer sees of their own, and the scope of a
/// branch.
@Suite("Suggestions and their rewards in the store (R-10.3)")
struct SuggestionStoreTests {
    /// The fixture, a second branch, and the people of suggestions: a hotline agent at headquarters and one at the
    /// south branch, two service managers at headquarters and one at the south branch, a dispatcher (who does not
    /// work suggestions), and the fixture customer's portal account.
    struct World {
        var fixture: Fixture
        var south: OrgUnitRecord.View
        var agent: Principal
        var southAgent: Principal
        var chen: Principal
        var liu: Principal
        var southManager: Principal
        var dispatcher: Principal
        var customer: Principal

        static func make(_ store: Store) async throws -> World {
            let fixture = try await Fixture.make(store)
            let south = try await Records<OrgUnitRecord>(store).create(
                .init(code: "BR-SC", name: "华南分公司", kind: .branch, parentId: fixture.headquarters.id), by: tester)
            let hq = fixture.headquarters
            return World(
                fixture: fixture, south: south,
                agent: try await person("hl.li", "李娜", [.hotlineAgent], at: hq, store),
                southAgent: try await person("sc.he", "何静", [.hotlineAgent], at: south, store),
                chen: try await person("mgr.chen", "陈经理", [.serviceManager], at: hq, store),
                liu: try await person("mgr.liu", "刘经理", [.serviceManager], at: hq, store),
                southManager: try await person("sc.mgr", "黄经理", [.serviceManager], at: south, store),
                dispatcher: try await person("dp.sun", "孙调度", [.dispatcher], at: hq, store),
                customer: try await person(
                    "renji.wang", "王先生", [.customer], at: fixture.branch, customerId: fixture.customer.id, store))
        }

        /// A user written through the users' records, signed in: the principal the store's use cases take.
        static func person(
            _ username: String, _ name: String, _ roles: [Role], at unit: OrgUnitRecord.View, customerId: Int? = nil,
            _ store: Store
        ) async throws -> Principal {
            let user = try await Records<UserRecord>(store).create(
                .init(username: username, displayName: name, roles: roles, orgUnitId: unit.id, customerId: customerId),
                by: tester)
            return Principal(
                userId: user.id, username: user.username, displayName: user.displayName, roles: Set(roles),
                orgUnitId: unit.id, orgUnitPath: "/" + unit.path.map { String($0) }.joined(separator: "/") + "/",
                customerId: customerId, locale: nil)
        }
    }

    /// The suggestions as `principal` sees them, with the clock at `time`.
    static func suggestions(_ store: Store, _ time: Date, as principal: Principal) -> Suggestions {
        Suggestions(at(store, time).seen(within: principal.scope))
    }

    /// The public form as the server runs it before sign-in: a store that sees nothing scoped.
    static func publicForm(_ store: Store, _ time: Date) -> Suggestions {
        Suggestions(at(store, time).seen(within: .customer(id: 0)))
    }

    /// One step on suggestion `id` by `principal` at `time`.
    @discardableResult
    static func step(
        _ store: Store, _ time: Date, _ id: Int, _ event: SuggestionEventKind, _ note: String? = nil,
        by principal: Principal
    ) async throws -> SuggestionView {
        try await suggestions(store, time, as: principal).post(
            SuggestionStepInput(event: event, note: note), to: id, by: principal)
    }

    static func auditCount(_ entity: String, _ store: Store) async throws -> Int {
        try await store.sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE entity = \(bind: entity)").first(
            decodingColumn: "n", as: Int.self)!
    }

    @Test(
        "a suggestion from a branch's QR code: acknowledged, evaluated, adopted, rewarded by a manager who did not propose it",
        arguments: TestDatabase.all)
    func publicToReward(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let world = try await World.make(store)
            let east = world.fixture.branch
            let (agent, chen, liu) = (world.agent, world.chen, world.liu)
            // when: someone who is no customer suggests on the public form of the east branch's QR code, Monday 09:00
            let sent = try await Self.publicForm(store, hour(9)).submit(
                SuggestionInput(
                    name: "李女士", phone: "139 1234 5678", topic: "等候区", text: "希望在等候区提供手机充电插座",
                    orgUnitId: east.id), source: .publicForm, by: Actor(name: "public"))
            // then: numbered on its own, received from the web, the east branch's, for nobody on file
            #expect(sent.number == "SUG-2026-000001")
            #expect(sent.status == .received)
            #expect(sent.channel == .web)
            #expect(sent.orgUnitId == east.id)
            #expect(sent.customerId == nil)
            #expect(sent.name == "李女士")
            // and acknowledged within two working days on the branch's office hours: Monday 09:00 → Wednesday 09:00
            #expect(sent.acknowledgementDueAt == hour(9 + 48))
            let seen = try await Self.suggestions(store, hour(10), as: agent).get(sent.id, for: agent)
            #expect(seen.createdBy == "public")
            #expect(seen.allowedEvents == [.acknowledge, .decline])
            // and past its deadline it is listed as overdue, not before
            let overdue = SuggestionFilter(overdueAcknowledgement: true)
            #expect(
                try await Self.suggestions(store, hour(10), as: agent).list(overdue, for: agent, page: PageRequest())
                    .items.isEmpty)
            #expect(
                try await Self.suggestions(store, hour(9 + 49), as: agent).list(
                    overdue, for: agent, page: PageRequest()
                ).items.map(\.id) == [sent.id])
            // when: the agent acknowledges it on Monday 10:00
            let acknowledged = try await Self.step(store, hour(10), sent.id, .acknowledge, by: agent)
            // then
            #expect(acknowledged.status == .acknowledged)
            #expect(acknowledged.acknowledgedAt == hour(10))
            #expect(!acknowledged.acknowledgementLate(at: hour(10)))
            #expect(acknowledged.version == 2)
            // and no reward is proposed before it is adopted
            await #expect(throws: RewardRefused(suggestionId: sent.id, reason: .notAdopted)) {
                try await Self.suggestions(store, hour(10), as: chen).proposeReward(
                    .points, points: 100, on: sent.id, by: chen)
            }
            // when: evaluated; adopting needs what will be done
            try await Self.step(store, hour(11), sent.id, .evaluate, by: agent)
            await #expect(throws: ValidationError(["note": .required])) {
                try await Self.step(store, hour(12), sent.id, .adopt, "  ", by: chen)
            }
            let adopted = try await Self.step(store, hour(12), sent.id, .adopt, "下月起各网点等候区加装充电插座", by: chen)
            // then
            #expect(adopted.status == .adopted)
            #expect(adopted.decision == "下月起各网点等候区加装充电插座")
            #expect(adopted.decidedBy == "mgr.chen")
            #expect(adopted.decidedAt == hour(12))
            #expect(adopted.allowedEvents.isEmpty)
            // and a reward is checked by its kind
            let rewards = Self.suggestions(store, hour(13), as: chen)
            await #expect(throws: ValidationError(["points": .outOfRange(min: 1, max: 1_000_000_000)])) {
                try await rewards.proposeReward(.points, points: 0, on: sent.id, by: chen)
            }
            await #expect(throws: ValidationError(["amountMinor": .required])) {
                try await rewards.proposeReward(.amount, on: sent.id, by: chen)
            }
            await #expect(throws: ValidationError(["description": .required])) {
                try await rewards.proposeReward(.gift, on: sent.id, by: chen)
            }
            #expect(try await count("suggestion_rewards", store) == 0)
            // when: the manager proposes 500 points
            let proposed = try await rewards.proposeReward(
                .points, points: 500, description: "感谢您的建议", on: sent.id, by: chen)
            // then: waiting for a manager, in the branch's currency
            #expect(proposed.status == .proposed)
            #expect(proposed.points == 500)
            #expect(proposed.amountMinor == nil)
            #expect(proposed.currency == .cny)
            #expect(proposed.proposedBy == "mgr.chen")
            #expect(proposed.proposedAt == hour(13))
            let pending = try await Self.suggestions(store, hour(13), as: liu).list(
                SuggestionFilter(rewardPending: true), for: liu, page: PageRequest())
            #expect(pending.items.map(\.id) == [sent.id])
            #expect(pending.items.first?.reward?.id == proposed.id)
            // and one reward at a time
            await #expect(throws: RewardRefused(suggestionId: sent.id, reason: .alreadyRewarded)) {
                try await rewards.proposeReward(.amount, amountMinor: 20_000, on: sent.id, by: liu)
            }
            // then: the agent does not approve rewards, and the proposer may not approve their own
            await #expect(throws: RewardRefused(rewardId: proposed.id, reason: .notApprover)) {
                try await Self.suggestions(store, hour(14), as: agent).decideReward(
                    proposed.id, approve: true, note: nil, by: agent)
            }
            await #expect(throws: RewardRefused(suggestionId: sent.id, rewardId: proposed.id, reason: .ownProposal)) {
                try await Self.suggestions(store, hour(14), as: chen).decideReward(
                    proposed.id, approve: true, note: nil, by: chen)
            }
            #expect(
                try await Self.suggestions(store, hour(14), as: liu).get(sent.id, for: liu).reward?.status == .proposed)
            // when: another manager approves it
            let approved = try await Self.suggestions(store, hour(15), as: liu).decideReward(
                proposed.id, approve: true, note: nil, by: liu)
            // then
            #expect(approved.status == .approved)
            #expect(approved.decidedBy == "mgr.liu")
            #expect(approved.decidedAt == hour(15))
            await #expect(throws: RewardRefused(suggestionId: sent.id, rewardId: proposed.id, reason: .alreadyDecided))
            {
                try await Self.suggestions(store, hour(16), as: liu).decideReward(
                    proposed.id, approve: false, note: "重复", by: liu)
            }
            // and every change is on the timeline, by who made it, and in the audit trail
            let file = try await Self.suggestions(store, hour(16), as: agent).file(sent.id, for: agent)
            #expect(
                file.events.map(\.event) == [
                    "open", "acknowledge", "evaluate", "adopt", "rewardProposed", "rewardApproved",
                ])
            #expect(file.events.map(\.actor) == ["public", "hl.li", "hl.li", "mgr.chen", "mgr.chen", "mgr.liu"])
            #expect(file.events.first?.from == nil)
            #expect(file.events[3].from == .evaluating)
            #expect(file.events[3].to == .adopted)
            #expect(file.rewards.map(\.status) == [.approved])
            let trail = try await Self.suggestions(store, hour(16), as: agent).audit(
                sent.id, for: agent, page: PageRequest())
            #expect(trail.items.count == 4)
            #expect(try await Self.auditCount("suggestionReward", store) == 2)
        }
    }

    @Test("declining needs the reason; a declined suggestion takes no step and no reward", arguments: TestDatabase.all)
    func declineNeedsNote(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: the agent records a customer's suggestion taken by phone
            let world = try await World.make(store)
            let agent = world.agent
            let taken = try await Self.suggestions(store, hour(9), as: agent).submit(
                SuggestionInput(customerId: world.fixture.customer.id, channel: .phone, text: "希望周末也能预约上门"),
                source: .staff, by: agent.actor)
            // then: the customer's, at the customer's branch, in their name
            #expect(taken.customerId == world.fixture.customer.id)
            #expect(taken.customerName == "上海仁济医院")
            #expect(taken.name == "上海仁济医院")
            #expect(taken.orgUnitId == world.fixture.branch.id)
            #expect(taken.channel == .phone)
            #expect(taken.createdBy == "hl.li")
            // when: declined without a reason, then with blanks only
            await #expect(throws: ValidationError(["note": .required])) {
                try await Self.step(store, hour(10), taken.id, .decline, by: agent)
            }
            await #expect(throws: ValidationError(["note": .required])) {
                try await Self.step(store, hour(10), taken.id, .decline, " \n ", by: agent)
            }
            // then: nothing changed
            let unchanged = try await Self.suggestions(store, hour(10), as: agent).get(taken.id, for: agent)
            #expect(unchanged.status == .received)
            #expect(unchanged.version == 1)
            #expect(unchanged.acknowledgedAt == nil)
            // when: declined with the reason, straight from received
            let declined = try await Self.step(
                store, hour(11), taken.id, .decline, "周末上门已由合作网点提供，请拨打热线预约", by: agent)
            // then: decided, and so acknowledged too
            #expect(declined.status == .declined)
            #expect(declined.decision == "周末上门已由合作网点提供，请拨打热线预约")
            #expect(declined.acknowledgedAt == hour(11))
            #expect(declined.decidedBy == "hl.li")
            // and it takes no further step, nor a reward
            await #expect(
                throws: SuggestionStepNotAllowed(id: taken.id, status: .declined, event: .evaluate, allowed: [])
            ) {
                try await Self.step(store, hour(12), taken.id, .evaluate, by: agent)
            }
            await #expect(throws: RewardRefused(suggestionId: taken.id, reason: .notAdopted)) {
                try await Self.suggestions(store, hour(12), as: world.chen).proposeReward(
                    .gift, description: "保温杯", on: taken.id, by: world.chen)
            }
            // and someone who is no customer of ours is reached by phone or e-mail
            await #expect(throws: ValidationError(["phone": .required])) {
                try await Self.suggestions(store, hour(12), as: agent).submit(
                    SuggestionInput(name: "张先生", text: "希望开通微信报修"), source: .staff, by: agent.actor)
            }
        }
    }

    @Test(
        "a customer sees only their own suggestions, without who worked them or a reward not yet approved",
        arguments: TestDatabase.all)
    func customerSeesOwn(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: the customer's suggestion from the portal, another customer's, and one from the public form
            let world = try await World.make(store)
            let customer = world.customer
            let other = try await Records<CustomerRecord>(store).create(
                .init(orgUnitId: world.south.id, name: "广州白云机场"), by: tester)
            let own = try await Self.suggestions(store, hour(9), as: customer).submit(
                SuggestionInput(name: "王先生", topic: "报修进度", text: "希望在门户里看到工程师出发的提醒"),
                source: .portal, by: customer.actor)
            let others = try await Self.suggestions(store, hour(9), as: world.agent).submit(
                SuggestionInput(customerId: other.id, channel: .email, text: "建议提供英文版服务报告"),
                source: .staff, by: world.agent.actor)
            let anonymous = try await Self.publicForm(store, hour(9)).submit(
                SuggestionInput(name: "路人", email: "someone@example.com", text: "停车场指示牌不清楚"),
                source: .publicForm, by: Actor(name: "public"))
            // then: the portal's is the customer's, from the portal, at their branch
            #expect(own.customerId == world.fixture.customer.id)
            #expect(own.channel == .portal)
            #expect(own.orgUnitId == world.fixture.branch.id)
            #expect(own.createdBy.isEmpty)
            // and the customer lists and reads only it
            let mine = Self.suggestions(store, hour(10), as: customer)
            #expect(
                try await mine.list(SuggestionFilter(), for: customer, page: PageRequest()).items.map(\.id) == [own.id])
            await #expect(throws: RecordNotFound.self) { try await mine.get(others.id, for: customer) }
            await #expect(throws: RecordNotFound.self) { try await mine.get(anonymous.id, for: customer) }
            await #expect(throws: RecordNotFound.self) { try await mine.file(others.id, for: customer) }
            // and takes no step
            await #expect(throws: RecordNotFound.self) {
                try await mine.post(SuggestionStepInput(event: .acknowledge), to: own.id, by: customer)
            }
            // and staff who do not work suggestions and name no customer find none, not even one that names no customer
            let dispatcher = world.dispatcher
            let desk = Self.suggestions(store, hour(10), as: dispatcher)
            await #expect(throws: RecordNotFound.self) { try await desk.get(anonymous.id, for: dispatcher) }
            #expect(try await desk.list(SuggestionFilter(), for: dispatcher, page: PageRequest()).items.isEmpty)
            // when: it is adopted and a reward proposed
            try await Self.step(store, hour(10), own.id, .acknowledge, "谢谢，我们会认真评估", by: world.agent)
            try await Self.step(store, hour(11), own.id, .adopt, "下个版本加入出发提醒", by: world.chen)
            let proposed = try await Self.suggestions(store, hour(12), as: world.chen).proposeReward(
                .amount, amountMinor: 20_000, on: own.id, by: world.chen)
            // then: the customer sees the decision with its reason, and no reward yet
            let waiting = try await mine.get(own.id, for: customer)
            #expect(waiting.status == .adopted)
            #expect(waiting.decision == "下个版本加入出发提醒")
            #expect(waiting.decidedBy == nil)
            #expect(waiting.reward == nil)
            #expect(waiting.allowedEvents.isEmpty)
            // when: approved
            _ = try await Self.suggestions(store, hour(13), as: world.liu).decideReward(
                proposed.id, approve: true, note: "按标准发放", by: world.liu)
            // then: the customer sees the reward, not who proposed or approved it
            let file = try await mine.file(own.id, for: customer)
            #expect(file.suggestion.reward?.amountMinor == 20_000)
            #expect(file.suggestion.reward?.proposedBy == "")
            #expect(file.suggestion.reward?.decisionNote == nil)
            #expect(file.rewards.count == 1)
            #expect(file.events.map(\.event) == ["open", "acknowledge", "adopt", "rewardApproved"])
            #expect(file.events.allSatisfy { $0.actor.isEmpty })
            #expect(file.events.map(\.note) == [nil, nil, "下个版本加入出发提醒", nil])
            // and the portal takes no suggestion for someone else
            await #expect(throws: ValidationError(["customerId": .notFound])) {
                try await mine.submit(
                    SuggestionInput(customerId: other.id, text: "替别人提建议"), source: .portal, by: customer.actor)
            }
        }
    }

    @Test(
        "another branch's suggestion is not found; the public form ignores an unknown unit", arguments: TestDatabase.all
    )
    func anotherBranch(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: a suggestion of the east branch, adopted, with a reward proposed at headquarters
            let world = try await World.make(store)
            let east = try await Self.publicForm(store, hour(9)).submit(
                SuggestionInput(name: "赵先生", phone: "13600001111", text: "维修后请回访", orgUnitId: world.fixture.branch.id),
                source: .publicForm, by: Actor(name: "public"))
            try await Self.step(store, hour(10), east.id, .acknowledge, by: world.agent)
            try await Self.step(store, hour(11), east.id, .adopt, "维修完成三天内电话回访", by: world.chen)
            let proposed = try await Self.suggestions(store, hour(12), as: world.chen).proposeReward(
                .gift, description: "定制保温杯", on: east.id, by: world.chen)
            // then: the south branch neither lists, reads nor works it
            let southAgent = world.southAgent
            let south = Self.suggestions(store, hour(13), as: southAgent)
            #expect(try await south.list(SuggestionFilter(), for: southAgent, page: PageRequest()).items.isEmpty)
            await #expect(throws: RecordNotFound.self) { try await south.get(east.id, for: southAgent) }
            await #expect(throws: RecordNotFound.self) { try await south.file(east.id, for: southAgent) }
            await #expect(throws: RecordNotFound.self) {
                try await south.post(SuggestionStepInput(event: .decline, note: "不适用"), to: east.id, by: southAgent)
            }
            await #expect(throws: RecordNotFound.self) {
                try await south.proposeReward(.points, points: 10, on: east.id, by: southAgent)
            }
            // and the south's manager does not decide its reward
            let southManager = world.southManager
            await #expect(throws: RecordNotFound.self) {
                try await Self.suggestions(store, hour(13), as: southManager).decideReward(
                    proposed.id, approve: true, note: nil, by: southManager)
            }
            #expect(
                try await Self.suggestions(store, hour(13), as: world.liu).get(east.id, for: world.liu).reward?.status
                    == .proposed)
            // and records its own for its own unit, not for the east branch
            await #expect(throws: ValidationError(["orgUnitId": .notFound])) {
                try await south.submit(
                    SuggestionInput(
                        name: "钱女士", phone: "13700002222", text: "网点营业时间延长", orgUnitId: world.fixture.branch.id),
                    source: .staff, by: southAgent.actor)
            }
            let southern = try await south.submit(
                SuggestionInput(name: "钱女士", phone: "13700002222", text: "网点营业时间延长"), source: .staff,
                by: southAgent.actor)
            #expect(southern.orgUnitId == world.south.id)
            // and the QR codes it prints are its own unit's; headquarters prints every branch's
            #expect(try await south.qrUnits().map(\.id) == [world.south.id])
            let everyUnit = try await Self.suggestions(store, hour(13), as: world.agent).qrUnits().map(\.id)
            #expect(Set(everyUnit) == [world.fixture.branch.id, world.south.id])
            // when: a QR code names a unit that does not exist
            let stray = try await Self.publicForm(store, hour(14)).submit(
                SuggestionInput(name: "孙先生", phone: "13500003333", text: "希望提供发票邮寄", orgUnitId: 999_999),
                source: .publicForm, by: Actor(name: "public"))
            // then: it still counts, at headquarters
            #expect(stray.orgUnitId == world.fixture.headquarters.id)
            #expect(stray.number == "SUG-2026-000003")
        }
    }
}
