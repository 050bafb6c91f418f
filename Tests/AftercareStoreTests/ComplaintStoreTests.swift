import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import SQLKit
import Testing

/// Issue 17: complaints in the store: the path from receipt to closing with re-processing, the handlers'
/// independence, what the customer sees, statements of the service department, the supervisor's review, the public
/// form, the statistics with their improvement actions, and the public forms' rate limit.
@Suite("Complaints, statements, reviews and statistics in the store (R-9)")
struct ComplaintStoreTests {
    /// The hotline's complaint intake, recording a complaint for a customer.
    static let agent = Actor(name: "agent")

    /// The fixture, a second branch, the fixture's repair request (registered by `test`), and the people who work
    /// complaints: a handler and the supervisor at headquarters, and the customer's portal account.
    struct World {
        var fixture: Fixture
        var south: OrgUnitRecord.View
        var request: ServiceRequestView
        var handler: Principal
        var supervisor: Principal
        var customer: Principal

        static func make(_ store: Store) async throws -> World {
            let fixture = try await Fixture.make(store)
            let south = try await Records<OrgUnitRecord>(store).create(
                .init(code: "BR-SC", name: "华南分公司", kind: .branch, parentId: fixture.headquarters.id), by: tester)
            let request = try await ServiceRequests(at(store, monday9)).register(repair(fixture), by: tester)
            return World(
                fixture: fixture, south: south, request: request,
                handler: try await person("cmp.zhao", "赵敏", [.complaintHandler], at: fixture.headquarters, store),
                supervisor: try await person(
                    "cmp.zhou", "周强", [.complaintSupervisor], at: fixture.headquarters, store),
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

    /// The store as `principal` sees it (R-14.2: everything at headquarters, a branch's subtree, a customer's own),
    /// with its clock at `time`.
    static func seen(_ store: Store, _ time: Date, by principal: Principal) -> Store {
        at(store, time).seen(within: principal.scope)
    }

    static func complaints(_ store: Store, _ time: Date, as principal: Principal) -> Complaints {
        Complaints(seen(store, time, by: principal))
    }

    /// One step on a complaint by `principal` at `time`.
    @discardableResult
    static func step(
        _ store: Store, _ time: Date, _ id: Int, _ event: ComplaintEventKind, _ note: String? = nil,
        by principal: Principal
    ) async throws -> ComplaintView {
        try await complaints(store, time, as: principal).post(
            ComplaintStepInput(event: event, note: note), to: id, by: principal)
    }

    /// The customer's complaint about the world's request, recorded by the hotline at 09:00.
    static func opened(_ world: World, _ store: Store) async throws -> ComplaintView {
        try await Complaints(at(store, hour(9))).open(
            ComplaintInput(
                customerId: world.fixture.customer.id, channel: .phone, subject: .request,
                requestId: world.request.id, severity: .high, wish: .apology, words: "工程师两次爽约，复印机停了三天",
                wants: "道歉，并尽快修好"), source: .staff, by: agent)
    }

    /// Complaint `id` acknowledged, investigated, found (a delay, the engineer's), planned and resolved by the world's
    /// handler between 10:00 and 14:00.
    static func resolved(_ id: Int, _ world: World, _ store: Store) async throws -> ComplaintView {
        let handler = world.handler
        try await step(store, hour(10), id, .acknowledge, by: handler)
        try await step(store, hour(11), id, .investigate, by: handler)
        _ = try await complaints(store, hour(11), as: handler).record(
            ComplaintFindingsInput(cause: .delay, responsibility: .engineer), on: id, by: handler)
        try await step(store, hour(12), id, .agreePlan, "周三前派高级工程师上门", by: handler)
        return try await step(store, hour(14), id, .resolve, "已更换定影组件，设备恢复正常", by: handler)
    }

    @Test(
        "a complaint from receipt to closing: no result without findings, handled again when the customer objects",
        arguments: TestDatabase.all)
    func wholePath(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let world = try await World.make(store)
            let handler = world.handler
            let customer = world.customer
            // when: the hotline records the customer's complaint about the request
            let filed = try await Self.opened(world, store)
            // then: numbered on its own, received, both deadlines running from its receipt
            #expect(filed.number == "CMP-2026-000001")
            #expect(filed.status == .received)
            #expect(filed.subject == .request)
            #expect(filed.requestId == world.request.id)
            #expect(filed.requestNumber == world.request.number)
            #expect(filed.orgUnitId == world.fixture.branch.id)
            #expect(filed.customerId == world.fixture.customer.id)
            #expect(filed.complainantName == "上海仁济医院")
            #expect(filed.channel == .phone)
            #expect(filed.createdBy == "agent")
            #expect(filed.createdAt == hour(9))
            #expect(filed.acknowledgementDueAt > filed.createdAt)
            #expect(filed.resolutionDueAt > filed.acknowledgementDueAt)
            #expect(filed.handlerUserId == nil)
            #expect(filed.reprocessed == 0)
            #expect(filed.version == 1)
            #expect(filed.allowedEvents == [.acknowledge, .withdraw])
            // when: a handler acknowledges it, and so takes it
            let acknowledged = try await Self.step(store, hour(10), filed.id, .acknowledge, by: handler)
            // then
            #expect(acknowledged.status == .acknowledged)
            #expect(acknowledged.handlerUserId == handler.userId)
            #expect(acknowledged.handlerName == "赵敏")
            #expect(acknowledged.acknowledgedAt == hour(10))
            #expect(!acknowledged.acknowledgementLate(at: hour(10)))
            // when: investigated and a plan agreed
            _ = try await Self.step(store, hour(11), filed.id, .investigate, by: handler)
            let planned = try await Self.step(
                store, hour(12), filed.id, .agreePlan, "周三前派高级工程师上门", by: handler)
            #expect(planned.status == .planAgreed)
            #expect(planned.plan == "周三前派高级工程师上门")
            // then: resolving without the cause and the responsibility is refused by name, and nothing changes
            await #expect(throws: ValidationError(["cause": .required, "responsibility": .required])) {
                try await Self.step(store, hour(13), filed.id, .resolve, "已处理", by: handler)
            }
            let unchanged = try await Self.complaints(store, hour(13), as: handler).get(filed.id, for: handler)
            #expect(unchanged.version == planned.version)
            #expect(unchanged.status == .planAgreed)
            #expect(unchanged.resolvedAt == nil)
            #expect(unchanged.feedback == nil)
            // when: the findings are recorded, then it is resolved
            let found = try await Self.complaints(store, hour(13), as: handler).record(
                ComplaintFindingsInput(cause: .delay, responsibility: .engineer), on: filed.id, by: handler)
            #expect(found.cause == .delay)
            #expect(found.responsibility == .engineer)
            #expect(found.version == planned.version + 1)
            let resolved = try await Self.step(
                store, hour(14), filed.id, .resolve, "已更换定影组件，设备恢复正常", by: handler)
            #expect(resolved.status == .resolved)
            #expect(resolved.feedback == "已更换定影组件，设备恢复正常")
            #expect(resolved.resolvedAt == hour(14))
            #expect(!resolved.resolutionLate(at: hour(14)))
            // when: the customer, in the portal, is not satisfied
            let answered = try await Self.step(
                store, hour(15), filed.id, .reportNotSatisfied, "复印件仍有条纹", by: customer)
            #expect(answered.status == .notSatisfied)
            #expect(answered.customerReply == "复印件仍有条纹")
            // when: the handler handles it again two days later
            let again = try await Self.step(
                store, hour(9 + 48), filed.id, .reprocess, "改派高级工程师复查定影组件", by: handler)
            // then: the resolution deadline runs again from now, later than the first
            #expect(again.status == .reprocessing)
            #expect(again.reprocessed == 1)
            #expect(again.resolvedAt == nil)
            #expect(again.resolutionDueAt > filed.resolutionDueAt)
            // when: a new plan, resolved again, the customer satisfied, and closed
            _ = try await Self.step(store, hour(10 + 48), filed.id, .agreePlan, "更换整套定影单元", by: handler)
            let second = try await Self.step(store, hour(15 + 48), filed.id, .resolve, "定影单元已更换", by: handler)
            #expect(second.status == .resolved)
            #expect(second.resolvedAt == hour(15 + 48))
            let satisfied = try await Self.step(store, hour(9 + 72), filed.id, .confirmSatisfied, by: customer)
            #expect(satisfied.status == .satisfied)
            let closed = try await Self.step(store, hour(10 + 72), filed.id, .close, by: handler)
            // then
            #expect(closed.status == .closed)
            #expect(closed.closedAt == hour(10 + 72))
            #expect(closed.closedReason == nil)
            #expect(closed.allowedEvents == [.reopen])
            // and every step is on the complaint's timeline, in order, by who took it
            let file = try await Self.complaints(store, hour(11 + 72), as: handler).file(filed.id, for: handler)
            #expect(
                file.events.map(\.event) == [
                    "open", "acknowledge", "investigate", "agreePlan", "resolve", "reportNotSatisfied", "reprocess",
                    "agreePlan", "resolve", "confirmSatisfied", "close",
                ])
            #expect(
                file.events.map(\.actor) == [
                    "agent", "cmp.zhao", "cmp.zhao", "cmp.zhao", "cmp.zhao", "renji.wang", "cmp.zhao", "cmp.zhao",
                    "cmp.zhao", "renji.wang", "cmp.zhao",
                ])
            #expect(file.events.first?.from == nil)
            #expect(file.events.last?.from == .satisfied)
            #expect(file.events.last?.to == .closed)
            // and in the audit trail: the filing, the ten steps and the findings (the refused step is not)
            let audit = try await Self.complaints(store, hour(11 + 72), as: handler).audit(
                filed.id, for: handler, page: PageRequest(limit: 50))
            #expect(audit.items.count == 12)
            #expect(audit.items.last?.action == .create)
            #expect(audit.items.last?.actor == "agent")
        }
    }

    @Test(
        "a handler who worked on the request is refused; one about a handler is the supervisor's; service sees nothing",
        arguments: TestDatabase.all)
    func independence(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: Qian, now a complaint handler, triaged the request the complaint is about
            let world = try await World.make(store)
            let qian = try await World.person(
                "cmp.qian", "钱进", [.complaintHandler], at: world.fixture.headquarters, store)
            _ = try await ServiceRequests(at(store, monday9)).post(
                .init(event: .triage), to: world.request.id, by: qian.actor)
            let filed = try await Self.opened(world, store)
            // then: Qian may not acknowledge it, naming the request he worked on; nothing changes
            let refused = await #expect(throws: NotIndependent.self) {
                try await Self.step(store, hour(10), filed.id, .acknowledge, by: qian)
            }
            #expect(refused?.id == filed.id)
            #expect(refused?.conflict == .workedOn(requestNumbers: [world.request.number]))
            // nor take it, nor be given it by the supervisor
            let taken = await #expect(throws: NotIndependent.self) {
                try await Self.complaints(store, hour(10), as: qian).assign(
                    filed.id, to: nil, expectedVersion: nil, by: qian)
            }
            #expect(taken?.conflict == .workedOn(requestNumbers: [world.request.number]))
            await #expect(throws: NotIndependent.self) {
                try await Self.complaints(store, hour(10), as: world.supervisor).assign(
                    filed.id, to: qian.userId, expectedVersion: nil, by: world.supervisor)
            }
            let unchanged = try await Self.complaints(store, hour(10), as: world.handler).file(
                filed.id, for: world.handler)
            #expect(unchanged.complaint.version == 1)
            #expect(unchanged.complaint.status == .received)
            #expect(unchanged.complaint.handlerUserId == nil)
            #expect(unchanged.events.map(\.event) == ["open"])
            // and a handler independent of it may
            let acknowledged = try await Self.step(store, hour(10), filed.id, .acknowledge, by: world.handler)
            #expect(acknowledged.handlerUserId == world.handler.userId)

            // given: a complaint about Sun, a complaint handler
            let sun = try await World.person(
                "cmp.sun", "孙丽", [.complaintHandler], at: world.fixture.headquarters, store)
            let aboutSun = try await Complaints(at(store, hour(11))).open(
                ComplaintInput(
                    customerId: world.fixture.customer.id, channel: .phone, subject: .staff, staffUserId: sun.userId,
                    wish: .apology, words: "投诉处理员电话里态度恶劣"), source: .staff, by: Self.agent)
            // then: it is the supervisor's alone: hidden from the other handlers (and from Sun) like a missing one
            #expect(aboutSun.supervisorOnly)
            #expect(aboutSun.orgUnitId == world.fixture.headquarters.id)
            for other in [world.handler, sun] {
                await #expect(throws: RecordNotFound.self) {
                    try await Self.complaints(store, hour(12), as: other).get(aboutSun.id, for: other)
                }
                await #expect(throws: RecordNotFound.self) {
                    try await Self.step(store, hour(12), aboutSun.id, .acknowledge, by: other)
                }
                let listed = try await Self.complaints(store, hour(12), as: other).list(
                    ComplaintFilter(), for: other, page: PageRequest())
                #expect(!listed.items.map(\.id).contains(aboutSun.id))
            }
            let seen = try await Self.complaints(store, hour(12), as: world.supervisor).get(
                aboutSun.id, for: world.supervisor)
            #expect(seen.supervisorOnly)
            #expect(seen.staffName == "孙丽")
            let listed = try await Self.complaints(store, hour(12), as: world.supervisor).list(
                ComplaintFilter(), for: world.supervisor, page: PageRequest())
            #expect(listed.items.map(\.id) == [aboutSun.id, filed.id])
            let taken2 = try await Self.step(store, hour(12), aboutSun.id, .acknowledge, by: world.supervisor)
            #expect(taken2.handlerUserId == world.supervisor.userId)

            // given: a dispatcher of the branch whose work the first complaint is about
            let dispatcher = try await World.person(
                "ec.liu", "刘调度", [.dispatcher], at: world.fixture.branch, store)
            let desk = Self.complaints(store, hour(13), as: dispatcher)
            // then: the complaint is not found, to read or to work, and none is listed
            await #expect(throws: RecordNotFound.self) { try await desk.get(filed.id, for: dispatcher) }
            await #expect(throws: RecordNotFound.self) { try await desk.file(filed.id, for: dispatcher) }
            await #expect(throws: RecordNotFound.self) {
                try await desk.post(ComplaintStepInput(event: .investigate), to: filed.id, by: dispatcher)
            }
            await #expect(throws: RecordNotFound.self) {
                try await desk.record(ComplaintFindingsInput(cause: .attitude), on: filed.id, by: dispatcher)
            }
            #expect(try await desk.list(ComplaintFilter(), for: dispatcher, page: PageRequest()).items.isEmpty)
            #expect(
                try await Self.complaints(store, hour(13), as: world.handler).get(filed.id, for: world.handler).version
                    == acknowledged.version)
        }
    }

    @Test(
        "a complaint naming no customer is no more the service department's to read than any other",
        arguments: TestDatabase.all)
    func noCustomerStillHidden(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: a complaint from the public form (no customer, at headquarters) and a hotline agent at
            // headquarters, who records complaints but does not handle them
            let world = try await World.make(store)
            let filed = try await Complaints(at(store, hour(9))).open(
                ComplaintInput(
                    complainantName: "李女士", complainantPhone: "13912345678", subject: .other, wish: .explanation,
                    words: "热线一直打不通"), source: .publicForm, by: Actor(name: "public"))
            let agent = try await World.person(
                "hq.agent", "总部坐席", [.hotlineAgent], at: world.fixture.headquarters, store)
            let desk = Self.complaints(store, hour(10), as: agent)
            // then, only the handlers read it (a principal with no customer is not the complaint's customer)
            await #expect(throws: RecordNotFound.self) { try await desk.get(filed.id, for: agent) }
            await #expect(throws: RecordNotFound.self) { try await desk.file(filed.id, for: agent) }
            #expect(try await desk.list(ComplaintFilter(), for: agent, page: PageRequest()).items.isEmpty)
        }
    }

    @Test(
        "the customer sees their complaint without investigation, review or notes, and takes no handler's step",
        arguments: TestDatabase.all)
    func customerView(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let world = try await World.make(store)
            let customer = world.customer
            let handler = world.handler
            let filed = try await Self.opened(world, store)
            // then: the customer cannot acknowledge their own complaint; nothing changes
            await #expect(throws: RecordNotFound.self) {
                try await Self.step(store, hour(9.5), filed.id, .acknowledge, by: customer)
            }
            #expect(try await Self.complaints(store, hour(9.5), as: handler).get(filed.id, for: handler).version == 1)
            // when: handled to its result, with an investigation note
            let resolved = try await Self.resolved(filed.id, world, store)
            _ = try await Self.complaints(store, hour(14), as: handler).addNote(
                "派工记录显示工程师两次改约未通知客户", to: filed.id, by: handler)
            #expect(resolved.id == filed.id)
            // then: the handler's file has the note and the findings
            let handlers = try await Self.complaints(store, hour(15), as: handler).file(filed.id, for: handler)
            #expect(handlers.notes.map(\.body) == ["派工记录显示工程师两次改约未通知客户"])
            #expect(handlers.complaint.cause == .delay)
            // and the customer's has neither: no cause, responsibility, review, handler or notes
            let portal = Self.complaints(store, hour(15), as: customer)
            let seen = try await portal.get(filed.id, for: customer)
            #expect(seen.status == .resolved)
            #expect(seen.feedback == "已更换定影组件，设备恢复正常")
            #expect(seen.plan == "周三前派高级工程师上门")
            #expect(seen.cause == nil)
            #expect(seen.responsibility == nil)
            #expect(seen.review == nil)
            #expect(seen.reviewNote == nil)
            #expect(seen.handlerUserId == nil)
            #expect(seen.allowedEvents == [.confirmSatisfied, .reportNotSatisfied])
            let file = try await portal.file(filed.id, for: customer)
            #expect(file.notes.isEmpty)
            #expect(file.statements.isEmpty)
            #expect(file.actions.isEmpty)
            #expect(file.complaint.cause == nil)
            #expect(file.events.map(\.event) == ["open", "acknowledge", "investigate", "agreePlan", "resolve"])
            let own = try await portal.list(ComplaintFilter(), for: customer, page: PageRequest())
            #expect(own.items.map(\.id) == [filed.id])
            #expect(own.items.first?.responsibility == nil)
            // and they still take no handler's step: closing it is refused and changes nothing
            await #expect(throws: RecordNotFound.self) {
                try await Self.step(store, hour(15), filed.id, .close, "客户已满意", by: customer)
            }
            #expect(try await portal.get(filed.id, for: customer).version == resolved.version)
            // another customer finds nothing
            let other = try await Records<CustomerRecord>(store).create(
                .init(orgUnitId: world.fixture.branch.id, name: "苏州精密机械", kind: .company, tier: .regular),
                by: tester)
            let stranger = try await World.person(
                "szjm.chen", "陈经理", [.customer], at: world.fixture.branch, customerId: other.id, store)
            await #expect(throws: RecordNotFound.self) {
                try await Self.complaints(store, hour(15), as: stranger).get(filed.id, for: stranger)
            }
        }
    }

    @Test(
        "the unit asked lists and answers a statement once, another unit cannot; the complaint's timeline shows both",
        arguments: TestDatabase.all)
    func statements(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: an acknowledged complaint about the east branch's work, its dispatcher and the south's
            let world = try await World.make(store)
            let handler = world.handler
            let filed = try await Self.opened(world, store)
            try await Self.step(store, hour(10), filed.id, .acknowledge, by: handler)
            let east = try await World.person("ec.liu", "刘调度", [.dispatcher], at: world.fixture.branch, store)
            let south = try await World.person("sc.huang", "黄调度", [.dispatcher], at: world.south, store)
            // when: the handler asks the east branch
            let asked = try await Statements(at(store, hour(11))).ask(
                about: filed.id, of: world.fixture.branch.id, question: "两次改约是否通知了客户？", dueAt: nil,
                by: handler)
            // then
            #expect(asked.status == .asked)
            #expect(asked.orgUnitId == world.fixture.branch.id)
            #expect(asked.askedBy == "cmp.zhao")
            #expect(asked.dueAt == hour(11).addingTimeInterval(Double(Statements.answerDays) * 86400))
            #expect(asked.complaint.number == filed.number)
            // and the east branch's dispatcher lists it among the open questions, and sees the complaint exists
            let eastDesk = Statements(Self.seen(store, hour(12), by: east))
            let open = try await eastDesk.list(status: .asked, for: east, page: PageRequest())
            #expect(open.items.map(\.id) == [asked.id])
            #expect(open.items.first?.question == "两次改约是否通知了客户？")
            let notices = try await Complaints(Self.seen(store, hour(12), by: east)).notices(
                ofRequest: world.request.id)
            #expect(notices.map(\.number) == [filed.number])
            // but the south's dispatcher neither lists, reads nor answers it
            let southDesk = Statements(Self.seen(store, hour(12), by: south))
            #expect(try await southDesk.list(status: .asked, for: south, page: PageRequest()).items.isEmpty)
            await #expect(throws: RecordNotFound.self) { try await southDesk.get(asked.id, for: south) }
            await #expect(throws: RecordNotFound.self) {
                try await southDesk.answer(asked.id, with: "不清楚", by: south)
            }
            // when: the east branch answers
            let answered = try await eastDesk.answer(asked.id, with: "第二次改约未通知，已对工程师提醒", by: east)
            // then
            #expect(answered.status == .answered)
            #expect(answered.answer == "第二次改约未通知，已对工程师提醒")
            #expect(answered.answeredBy == "ec.liu")
            #expect(answered.answeredAt == hour(12))
            #expect(try await eastDesk.list(status: .asked, for: east, page: PageRequest()).items.isEmpty)
            let answeredList = try await eastDesk.list(status: .answered, for: east, page: PageRequest())
            #expect(answeredList.items.map(\.id) == [asked.id])
            // answering again is refused, naming the statement and its status, and the first answer stays
            let again = await #expect(throws: StatementClosed.self) {
                try await eastDesk.answer(asked.id, with: "补充说明", by: east)
            }
            #expect(again?.id == asked.id)
            #expect(again?.status == .answered)
            // and the complaint's timeline has the question and the answer
            let file = try await Self.complaints(store, hour(13), as: handler).file(filed.id, for: handler)
            #expect(file.events.map(\.event) == ["open", "acknowledge", "askStatement", "statementAnswered"])
            #expect(file.events[2].note == "华东分公司")
            #expect(file.events[3].actor == "ec.liu")
            #expect(file.events[3].to == .acknowledged)
            #expect(file.statements.map(\.answer) == ["第二次改约未通知，已对工程师提醒"])
        }
    }

    @Test(
        "closing without the customer's satisfaction draws the complaint for review; the supervisor alone reopens it",
        arguments: TestDatabase.all)
    func review(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: a resolved complaint the customer is not satisfied with
            let world = try await World.make(store)
            let handler = world.handler
            let supervisor = world.supervisor
            let filed = try await Self.opened(world, store)
            let resolved = try await Self.resolved(filed.id, world, store)
            try await Self.step(store, hour(15), resolved.id, .reportNotSatisfied, "要求整机更换", by: world.customer)
            // when: the handler closes it with the reason
            let closed = try await Self.step(
                store, hour(16), resolved.id, .close, "整机更换超出保修政策，已书面答复", by: handler)
            // then: closed, and drawn for the supervisor's review
            #expect(closed.status == .closed)
            #expect(closed.closedReason == "整机更换超出保修政策，已书面答复")
            #expect(closed.review == "pending")
            let pending = try await Self.complaints(store, hour(16), as: supervisor).list(
                ComplaintFilter(reviewPending: true), for: supervisor, page: PageRequest())
            #expect(pending.items.map(\.id) == [resolved.id])
            // and a handler cannot give the verdict: not found, nothing changes
            await #expect(throws: RecordNotFound.self) {
                try await Self.complaints(store, hour(17), as: handler).review(
                    resolved.id, verdict: .reopened, note: "重新处理", by: handler)
            }
            let still = try await Self.complaints(store, hour(17), as: handler).get(resolved.id, for: handler)
            #expect(still.status == .closed)
            #expect(still.review == "pending")
            #expect(still.version == closed.version)
            // when: the supervisor reopens it with the findings
            let reopened = try await Self.complaints(store, hour(17), as: supervisor).review(
                resolved.id, verdict: .reopened, note: "未核实第二次爽约的原因", by: supervisor)
            // then: handled again, the verdict recorded
            #expect(reopened.status == .reprocessing)
            #expect(reopened.review == "reopened")
            #expect(reopened.reviewedBy == "cmp.zhou")
            #expect(reopened.reviewedAt == hour(17))
            #expect(reopened.reviewNote == "未核实第二次爽约的原因")
            #expect(reopened.reprocessed == 1)
            #expect(reopened.closedAt == nil)
            #expect(reopened.closedReason == nil)
            #expect(reopened.resolutionDueAt > resolved.resolutionDueAt)
            let file = try await Self.complaints(store, hour(17), as: handler).file(resolved.id, for: handler)
            #expect(file.events.last?.event == "reopen")
            #expect(file.events.last?.actor == "cmp.zhou")
            // the customer sees it handled again, without the review
            let portal = Self.complaints(store, hour(17), as: world.customer)
            #expect(try await portal.file(resolved.id, for: world.customer).events.last?.event == "reprocess")
            #expect(try await portal.get(resolved.id, for: world.customer).review == nil)
            // and the handler carries on with it
            let planned = try await Self.step(store, hour(18), resolved.id, .agreePlan, "复查派工记录并回访", by: handler)
            #expect(planned.status == .planAgreed)
        }
    }

    @Test("the public form names no record of ours and no customer", arguments: TestDatabase.all)
    func publicForm(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let world = try await World.make(store)
            let complaints = Complaints(at(store, hour(9)))
            // then: a request named by id is refused by name, and nothing is written
            await #expect(throws: ValidationError(["requestId": .unknownField])) {
                try await complaints.open(
                    ComplaintInput(
                        complainantName: "李女士", complainantPhone: "13912345678", subject: .request,
                        requestId: world.request.id, wish: .explanation, words: "维修后仍然卡纸"),
                    source: .publicForm, by: Actor(name: "public"))
            }
            #expect(try await count("complaints", store) == 0)
            // when: the same complaint naming the request in words
            let filed = try await complaints.open(
                ComplaintInput(
                    complainantName: "李女士", complainantPhone: "13912345678", subject: .request,
                    subjectText: world.request.number, wish: .explanation, words: "维修后仍然卡纸"),
                source: .publicForm, by: Actor(name: "public"))
            // then: about "other", from the web, by the complainant named, for no customer, at headquarters
            let seen = try await Self.complaints(store, hour(10), as: world.handler).get(filed.id, for: world.handler)
            #expect(seen.number == "CMP-2026-000001")
            #expect(seen.subject == .other)
            #expect(seen.subjectText == world.request.number)
            #expect(seen.requestId == nil)
            #expect(seen.customerId == nil)
            #expect(seen.customerName == nil)
            #expect(seen.complainantName == "李女士")
            #expect(seen.complainantPhone == "13912345678")
            #expect(seen.channel == .web)
            #expect(seen.orgUnitId == world.fixture.headquarters.id)
            #expect(seen.status == .received)
            #expect(seen.createdBy == "public")
        }
    }

    @Test(
        "statistics count a period's complaints by cause and month; an improvement for a frequent cause is closed once",
        arguments: TestDatabase.all)
    func statistics(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: five complaints on Monday 23 November (three delays, an attitude, one not yet classified), the
            // first acknowledged in time, and a delay in December
            let world = try await World.make(store)
            let handler = world.handler
            func complain(_ time: Date, cause: ComplaintCause?) async throws -> Int {
                let filed = try await Complaints(at(store, time)).open(
                    ComplaintInput(
                        customerId: world.fixture.customer.id, subject: .other, wish: .explanation,
                        words: "服务不满意"), source: .staff, by: Self.agent)
                if let cause {
                    _ = try await Self.complaints(store, time, as: handler).record(
                        ComplaintFindingsInput(cause: cause), on: filed.id, by: handler)
                }
                return filed.id
            }
            let causes: [ComplaintCause?] = [.delay, .delay, .delay, .attitude, nil]
            var ids: [Int] = []
            for (i, cause) in causes.enumerated() {
                let id = try await complain(hour(9 + Double(i)), cause: cause)
                ids.append(id)
            }
            try await Self.step(store, hour(15), ids[0], .acknowledge, by: handler)
            _ = try await complain(hour(9 + 24 * 9), cause: .delay)
            let from = CalendarDate(iso: "2026-10-15")!
            let to = CalendarDate(iso: "2026-11-30")!
            let stats = ComplaintStats(at(store, hour(9 + 24 * 10)))
            // when
            let counted = try await stats.statistics(from: from, to: to, orgUnitId: nil)
            // then: the period's five, by cause (most first, the unclassified last), the delay frequent
            #expect(counted.total == 5)
            #expect(counted.open == 5)
            #expect(counted.acknowledgedOnTime == 1)
            #expect(counted.resolved == 0)
            #expect(counted.byCause.map(\.cause) == [.delay, .attitude, nil])
            #expect(counted.byCause.map(\.count) == [3, 1, 1])
            #expect(counted.byCause.map(\.frequent) == [true, false, false])
            #expect(counted.byBranch.map(\.id) == [world.fixture.branch.id])
            #expect(counted.byBranch.map(\.count) == [5])
            // by month: October and November, adding up to the total
            #expect(
                counted.byMonth.map(\.month) == [CalendarDate(iso: "2026-10-01")!, CalendarDate(iso: "2026-11-01")!])
            #expect(counted.byMonth.map(\.count) == [0, 5])
            #expect(counted.byMonth.map(\.count).reduce(0, +) == counted.total)
            // under a unit: its subtree's
            #expect(
                try await stats.statistics(from: from, to: to, orgUnitId: world.fixture.headquarters.id).total == 5)
            #expect(try await stats.statistics(from: from, to: to, orgUnitId: world.south.id).total == 0)
            // when: an improvement is opened for the delays
            let opened = try await stats.openImprovement(
                ImprovementInput(
                    cause: .delay, title: "改约须提前一天通知客户", owner: "华东分公司服务经理",
                    dueOn: CalendarDate(iso: "2026-12-31")!, periodFrom: from, periodTo: to), by: handler.actor)
            // then: it counts the period's delays, is listed as open and counted with its cause
            #expect(opened.status == .open)
            #expect(opened.complaintCount == 3)
            #expect(opened.createdBy == "cmp.zhao")
            let listed = try await stats.improvements(status: .open, cause: nil, page: PageRequest())
            #expect(listed.items.map(\.id) == [opened.id])
            #expect(try await stats.improvements(status: .open, cause: .attitude, page: PageRequest()).items.isEmpty)
            let withOpen = try await stats.statistics(from: from, to: to, orgUnitId: nil)
            #expect(withOpen.byCause.first?.improvementsOpen == 1)
            #expect(withOpen.byCause.first?.improvementsDone == 0)
            // when: it is done
            let done = try await stats.closeImprovement(
                opened.id, as: .done, outcome: "改约通知已纳入派工流程", by: handler.actor)
            // then
            #expect(done.status == .done)
            #expect(done.outcome == "改约通知已纳入派工流程")
            #expect(done.closedBy == "cmp.zhao")
            #expect(done.closedAt == hour(9 + 24 * 10))
            #expect(done.version == opened.version + 1)
            #expect(try await stats.improvements(status: .open, cause: nil, page: PageRequest()).items.isEmpty)
            #expect(try await stats.statistics(from: from, to: to, orgUnitId: nil).byCause.first?.improvementsDone == 1)
            // and closing it again is refused, naming its status; nothing changes
            let again = await #expect(throws: ImprovementClosed.self) {
                try await stats.closeImprovement(opened.id, as: .cancelled, outcome: "不再需要", by: handler.actor)
            }
            #expect(again?.id == opened.id)
            #expect(again?.status == .done)
            #expect(try await stats.improvement(opened.id) == done)
        }
    }

    @Test(
        "the public forms admit ten submissions from one address, then refuse it but not others",
        arguments: TestDatabase.all)
    func publicFormLimit(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let now = hour(9)
            // when: ten submissions from one address
            for _ in 1...10 {
                try await PublicForms.admit(address: "203.0.113.7", at: now, in: store)
            }
            // then: the eleventh is refused until later
            let refused = await #expect(throws: PublicFormLimited.self) {
                try await PublicForms.admit(address: "203.0.113.7", at: now, in: store)
            }
            let until = try #require(refused?.until)
            #expect(until > now)
            // and another address still passes
            try await PublicForms.admit(address: "198.51.100.9", at: now, in: store)
        }
    }
}
