import AftercareDomain
import Foundation
import SQLKit

/// the demo's satisfaction surveys. The per-job follow-up questionnaire "服务满意度回访" in the four languages
/// (overall satisfaction, response speed, the engineer's attitude, would you recommend us, what to improve), active
/// for half a year, with a few hundred invitations of closed requests (mostly the East China branch's) answered by
/// phone, online and by letter at the time they came: NPS in the 30s, CSAT in the 80s, a few comments in the
/// customer's language. And the key customers' annual questionnaire, sent in one round last month, partly answered.
/// The answers go through `Surveys.answer` on a clock moved back. Runs once: nothing is added when surveys exist.
public enum DemoSurveys {
    static func text(_ hans: String, _ hant: String, _ en: String, _ es: String) -> LocalizedText {
        ["zh-Hans": hans, "zh-Hant": hant, "en": en, "es": es]
    }

    static let recommend = Question(
        key: "recommend", kind: .nps,
        text: text(
            "您有多大可能向同事或朋友推荐我们？", "您有多大可能向同事或朋友推薦我們？",
            "How likely are you to recommend us to a colleague or friend?",
            "¿Qué probabilidad hay de que nos recomiende a un colega o amigo?"))

    static let perJob = SurveyInput(
        title: text("服务满意度回访", "服務滿意度回訪", "Service satisfaction follow-up", "Encuesta de satisfacción del servicio"),
        purpose: .perJob,
        questions: [
            Question(
                key: "overall", kind: .rating,
                text: text(
                    "您对本次服务的总体满意度如何？", "您對本次服務的整體滿意度如何？",
                    "How satisfied are you with this service overall?",
                    "¿Qué grado de satisfacción general tiene con este servicio?")),
            Question(
                key: "speed", kind: .rating,
                text: text(
                    "您对我们的响应速度满意吗？", "您對我們的回應速度滿意嗎？",
                    "How satisfied are you with how quickly we responded?",
                    "¿Está satisfecho con la rapidez de nuestra respuesta?")),
            Question(
                key: "attitude", kind: .rating,
                text: text(
                    "您对工程师的服务态度满意吗？", "您對工程師的服務態度滿意嗎？",
                    "How satisfied are you with the engineer's attitude?",
                    "¿Está satisfecho con la actitud del técnico?")),
            recommend,
            Question(
                key: "improve", kind: .text,
                text: text(
                    "您认为我们还有哪些需要改进的地方？", "您認為我們還有哪些需要改進的地方？", "What should we improve?",
                    "¿Qué deberíamos mejorar?"), required: false),
        ])

    static let annual = SurveyInput(
        title: text(
            "重点客户年度满意度调查", "重點客戶年度滿意度調查", "Annual key-customer satisfaction survey",
            "Encuesta anual de satisfacción de clientes clave"),
        purpose: .periodic,
        questions: [
            Question(
                key: "overall", kind: .rating,
                text: text(
                    "过去一年，您对我们的售后服务总体满意吗？", "過去一年，您對我們的售後服務整體滿意嗎？",
                    "Over the past year, how satisfied were you with our after-sales service?",
                    "Durante el último año, ¿qué grado de satisfacción tiene con nuestro servicio posventa?")),
            Question(
                key: "reliability", kind: .rating,
                text: text(
                    "您对设备运行的稳定性满意吗？", "您對設備運行的穩定性滿意嗎？",
                    "How satisfied are you with the reliability of your equipment?",
                    "¿Está satisfecho con la fiabilidad de sus equipos?")),
            Question(
                key: "visits", kind: .single,
                text: text(
                    "您希望客户经理多久回访一次？", "您希望客戶經理多久回訪一次？",
                    "How often should your account manager visit you?",
                    "¿Con qué frecuencia debería visitarle su gestor de cuenta?"),
                options: [
                    QuestionOption(key: "monthly", text: text("每月", "每月", "Monthly", "Cada mes")),
                    QuestionOption(key: "quarterly", text: text("每季度", "每季度", "Quarterly", "Cada trimestre")),
                    QuestionOption(key: "half-year", text: text("每半年", "每半年", "Every six months", "Cada seis meses")),
                ]),
            recommend,
            Question(
                key: "wishes", kind: .text,
                text: text(
                    "明年您希望我们在哪些方面做得更好？", "明年您希望我們在哪些方面做得更好？",
                    "What would you like us to do better next year?",
                    "¿Qué le gustaría que hiciéramos mejor el próximo año?"), required: false),
        ])

    /// One answer's two scores as dealt: the overall rating (the CSAT question) and the range of the NPS score.
    struct Card: Sendable {
        var overall: Int
        var nps: ClosedRange<Int>
    }

    /// Twenty cards: ten promoters and three detractors (NPS 35), seventeen ratings of 4 or 5 (CSAT 85 %). Dealt from
    /// decks shuffled by the seeded generator, the totals stay there whatever the number of answers; the generator
    /// decides the order and the scores within each range.
    static let deck: [Card] =
        ([
            (8, Card(overall: 5, nps: 9...10)), (2, Card(overall: 5, nps: 7...8)), (2, Card(overall: 4, nps: 9...10)),
            (4, Card(overall: 4, nps: 7...8)), (1, Card(overall: 4, nps: 5...6)), (1, Card(overall: 3, nps: 7...8)),
            (1, Card(overall: 3, nps: 3...6)), (1, Card(overall: 2, nps: 0...4)),
        ] as [(Int, Card)]).flatMap { Array(repeating: $0.1, count: $0.0) }

    /// What customers write, by language: praise from the satisfied, the rest what to improve.
    static let praise: [Language: [String]] = [
        .zhHans: [
            "工程师很专业，半小时就找到了问题。", "响应很快，当天就上门了，非常满意。", "维修后还教了我们日常保养的方法，很贴心。",
            "服务态度好，修完还把现场清理干净了。", "电话指导很耐心，没等上门就解决了。",
        ],
        .zhHant: ["工程師很專業，很快就找到了問題。", "服務態度很好，修完還把現場清理乾淨了。"],
        .en: ["The engineer was professional and fixed it quickly.", "Fast response and friendly service."],
        .es: ["El técnico fue muy profesional y lo resolvió enseguida.", "Atención rápida y amable, muy satisfechos."],
    ]
    static let improve: [Language: [String]] = [
        .zhHans: [
            "报修后等了两天才有人联系，希望响应再快一些。", "工程师第一次上门没带配件，又跑了一趟。", "上门时间改了两次，希望能按约定的时间到。",
            "客服电话经常占线，建议增加人手。", "收费标准不够清楚，希望维修前先说明费用。", "希望维修完成后提供书面的维修报告。",
        ],
        .zhHant: ["報修後等了兩天才有人聯繫，希望回應再快一些。", "希望維修完成後能提供書面的維修報告。"],
        .en: ["It took two days before anyone called back.", "Please explain the charges before the repair."],
        .es: [
            "Tardaron dos días en contactarnos; esperamos una respuesta más rápida.",
            "El técnico no traía la pieza y tuvo que volver otro día.",
        ],
    ]
    static let wishes: [Language: [String]] = [
        .zhHans: [
            "希望每季度安排一次预防性巡检。", "建议在苏州设立备件库，缩短等配件的时间。", "希望为我们的操作人员安排一次培训。",
            "希望有固定的工程师负责我们的设备。",
        ],
        .zhHant: ["希望每季度安排一次預防性巡檢。"],
        .en: ["A preventive inspection every quarter would help."],
        .es: ["Nos gustaría una revisión preventiva cada trimestre."],
    ]

    static func words(_ pool: [Language: [String]], _ language: Language, _ random: inout SeededRandom) -> String {
        random.pick(pool[language] ?? pool[.zhHans]!)
    }

    /// A closed request of the demo's history that its customer may be asked about.
    struct Closed: Sendable {
        var id: Int
        var closedAt: Date
        /// Of the East China branch or one of its outlets.
        var east: Bool
        /// An engineer visited it: the invitation names them.
        var visited: Bool
    }

    /// How many past jobs are asked about, and how many of them are the East China branch's.
    static let asked = 300
    static let askedEast = 220

    public static func load(into store: Store) async throws {
        let db = store.sql
        guard try await db.raw("SELECT id FROM surveys").first() == nil,
            let east = try await db.raw("SELECT path FROM org_units WHERE code = 'BR-EC'").first(
                decodingColumn: "path", as: String.self)
        else { return }
        let manager = Actor(name: "manager")
        let now = store.now
        var random = SeededRandom(state: 1_002)
        // The follow-up questionnaire, written and activated half a year ago.
        let written = now.addingTimeInterval(-190 * 86_400)
        let activated = written.addingTimeInterval(2 * 3600)
        let draft = try await Surveys(store.withClock { written }).create(perJob, by: manager)
        let survey = try await Surveys(store.withClock { activated }).setStatus(draft.id, to: .active, by: manager)
        // The jobs asked about: every East China job an engineer visited, the branch's others evenly over the half
        // year, and some of the other branches'.
        let closed = try await closedRequests(after: activated, eastPath: east, store: store)
        let eastClosed = closed.filter(\.east)
        var picked = Array(eastClosed.filter(\.visited).prefix(askedEast))
        picked += evenly(eastClosed.filter { !$0.visited }, askedEast - picked.count)
        picked += evenly(closed.filter { !$0.east }, asked - picked.count)
        picked.sort { $0.closedAt < $1.closedAt }
        let jobs = picked
        let surveyId = survey.id
        // Closing a request invites its customer in the closing's transaction (`Surveys.invite(afterClosing:)`), but
        // the demo's history was closed in bulk, with no survey active. These invitations are written here as that
        // function writes them: the same columns, the engineer of the last visit and the product line of the first
        // unit looked up the same way, pending for `Surveys.answerDays` days, but dated at each request's closing.
        try await store.write { db in
            for job in jobs {
                try await db.raw(
                    """
                    INSERT INTO survey_invitations (survey_id, customer_id, request_id, org_unit_id, engineer_id, \
                    product_line_id, tier, expires_at, status, created_by, created_at) \
                    SELECT \(bind: surveyId), sr.customer_id, sr.id, sr.org_unit_id, \
                    (SELECT v.engineer_id FROM visits v WHERE v.request_id = sr.id AND v.engineer_id IS NOT NULL \
                    ORDER BY v.id DESC LIMIT 1), \
                    (SELECT m.product_line_id FROM service_request_units u JOIN product_models m ON m.id = u.model_id \
                    WHERE u.request_id = sr.id ORDER BY u.unit_id LIMIT 1), c.tier, \
                    \(bind: job.closedAt.addingTimeInterval(Double(Surveys.answerDays) * 86_400)), \
                    \(bind: InvitationStatus.pending.rawValue), 'system', \(bind: job.closedAt) \
                    FROM service_requests sr JOIN customers c ON c.id = sr.customer_id WHERE sr.id = \(bind: job.id) \
                    AND NOT EXISTS (SELECT 1 FROM survey_invitations i WHERE i.request_id = sr.id)
                    """
                ).run()
            }
        }
        // The portal's demo customers keep their invitations of the last weeks open, to answer themselves.
        let portal = Set(
            try await db.raw(
                "SELECT customer_id FROM users WHERE customer_id IS NOT NULL AND username LIKE 'customer%'"
            ).all().map { try $0.decode(column: "customer_id", as: Int.self) })
        var hand: [Card] = []
        for invitation in try await invitations(of: surveyId, store: store) {
            if portal.contains(invitation.customer), invitation.createdAt > now.addingTimeInterval(-25 * 86_400) {
                continue
            }
            guard random.chance(0.8) else { continue }
            let (channel, answeredAt) = arrival(after: invitation.createdAt, &random)
            guard answeredAt < now.addingTimeInterval(-600) else { continue }
            if hand.isEmpty { hand = deck.shuffled(using: &random) }
            let card = hand.removeLast()
            let score = Int.random(in: card.nps, using: &random)
            let speed = min(5, max(1, card.overall + random.pick([-1, -1, 0, 0, 0, 1])))
            let attitude = min(5, max(1, card.overall + random.pick([-1, 0, 0, 0, 1, 1])))
            var answers: [String: Answer] = [
                "overall": Answer(number: card.overall), "speed": Answer(number: speed),
                "attitude": Answer(number: attitude), "recommend": Answer(number: score),
            ]
            if random.chance(score >= 9 ? 0.2 : 0.45) {
                answers["improve"] = Answer(
                    text: words(score >= 9 ? praise : improve, invitation.language, &random))
            }
            _ = try await Surveys(store.withClock { answeredAt }).answer(
                invitation.id, ResponseInput(answers: answers, channel: channel),
                by: Actor(name: channel == .online ? "public" : "agent"))
        }
        try await annualRound(manager: manager, now: now, random: &random, store: store)
    }

    /// Closed requests over the whole history, closed after `after` (every one of a small demo, an even sample of a
    /// large one), with when they were closed, whether they are the East China branch's and whether an engineer came.
    static func closedRequests(after: Date, eastPath: String, store: Store) async throws -> [Closed] {
        let db = store.sql
        guard let bounds = try await db.raw("SELECT MIN(id) AS lo, MAX(id) AS hi FROM service_requests").first(),
            let lo = try bounds.decode(column: "lo", as: Int?.self),
            let hi = try bounds.decode(column: "hi", as: Int?.self)
        else { return [] }
        let ids = Array(stride(from: lo, through: hi, by: max(1, (hi - lo + 1) / 3000)))
        var found: [Closed] = []
        for chunk in ids.chunked(500) {
            let rows = try await db.raw(
                """
                SELECT sr.id, o.path, \
                (SELECT MAX(e.at) FROM request_events e WHERE e.request_id = sr.id AND e.event = 'close') AS closed_at, \
                (SELECT COUNT(*) FROM visits v WHERE v.request_id = sr.id AND v.engineer_id IS NOT NULL) AS visits \
                FROM service_requests sr JOIN org_units o ON o.id = sr.org_unit_id \
                WHERE sr.status = \(bind: RequestStatus.closed.rawValue) \
                AND sr.id IN (\(SQLList(chunk.map { SQLBind($0) })))
                """
            ).all()
            for row in rows {
                guard let closedAt = try row.decode(column: "closed_at", as: Date?.self), closedAt > after else {
                    continue
                }
                found.append(
                    Closed(
                        id: try row.decode(column: "id", as: Int.self), closedAt: closedAt,
                        east: try row.decode(column: "path", as: String.self).hasPrefix(eastPath),
                        visited: try row.decode(column: "visits", as: Int.self) > 0))
            }
        }
        return found.sorted { $0.closedAt < $1.closedAt }
    }

    /// `count` of `items`, evenly spread over them (all of them when there are no more).
    static func evenly<T>(_ items: [T], _ count: Int) -> [T] {
        guard count > 0 else { return [] }
        guard items.count > count else { return items }
        return (0..<count).map { items[$0 * items.count / count] }
    }

    /// An invitation to answer, with the language its customer writes in (their branch's).
    struct Invited: Sendable {
        var id: Int
        var customer: Int
        var createdAt: Date
        var language: Language
    }

    static func invitations(of surveyId: Int, store: Store) async throws -> [Invited] {
        try await store.sql.raw(
            """
            SELECT i.id, i.customer_id, i.created_at, o.code FROM survey_invitations i \
            JOIN org_units o ON o.id = i.org_unit_id WHERE i.survey_id = \(bind: surveyId) ORDER BY i.id
            """
        ).all().map {
            Invited(
                id: try $0.decode(column: "id", as: Int.self),
                customer: try $0.decode(column: "customer_id", as: Int.self),
                createdAt: try $0.decode(column: "created_at", as: Date.self),
                language: DemoCatalog.language(ofUnit: try $0.decode(column: "code", as: String.self)))
        }
    }

    /// How and when the answers to an invitation made at `invited` came: typed by the hotline from a follow-up call a
    /// day or three later, given online through the link within days, or typed from a letter a week or more later.
    /// (An answer that would come after now has not come yet: the callers leave that invitation pending.)
    static func arrival(after invited: Date, _ random: inout SeededRandom) -> (channel: SurveyChannel, at: Date) {
        let roll = Double.random(in: 0..<1, using: &random)
        let channel: SurveyChannel = roll < 0.45 ? .phone : roll < 0.9 ? .online : .letter
        let hours =
            switch channel {
            case .phone: Double.random(in: 20...72, using: &random)
            case .online: Double.random(in: 0.5...96, using: &random)
            case .letter: Double.random(in: 6 * 24...20 * 24, using: &random)
            }
        return (channel, invited.addingTimeInterval((hours * 3600).rounded()))
    }

    /// The key customers' annual questionnaire: written, then sent in one round to the key customers 24 days ago,
    /// about two in three answered since.
    static func annualRound(manager: Actor, now: Date, random: inout SeededRandom, store: Store) async throws {
        let sent = store.today.adding(days: -24).startOfDay(in: store.timeZone).addingTimeInterval(10 * 3600)
        let written = sent.addingTimeInterval(-3 * 86_400)
        let activated = sent.addingTimeInterval(-2 * 86_400)
        let draft = try await Surveys(store.withClock { written }).create(annual, by: manager)
        let survey = try await Surveys(store.withClock { activated }).setStatus(draft.id, to: .active, by: manager)
        let year = CalendarDate(sent, in: store.timeZone).year
        let invited = try await Surveys(store.withClock { sent }).sendRound(
            survey.id, RoundInput(name: "\(year) 年度重点客户回访", tier: .key, sampleSize: 40), by: manager)
        guard invited > 0 else { return }
        for invitation in try await invitations(of: survey.id, store: store) {
            guard random.chance(0.65) else { continue }
            let overall = random.pick([5, 5, 5, 4, 4, 4, 4, 3])
            let reliability = min(5, max(1, overall + random.pick([-1, 0, 0, 1])))
            // Promoters among the very satisfied mostly, among the satisfied a third; never among the others.
            let promoter = random.chance(overall == 5 ? 0.8 : overall == 4 ? 0.35 : 0)
            let range: ClosedRange<Int> = promoter ? 9...10 : overall == 5 ? 7...8 : overall == 4 ? 6...8 : 4...7
            let score = Int.random(in: range, using: &random)
            let visits = random.pick(["monthly", "quarterly", "quarterly", "half-year"])
            var answers: [String: Answer] = [
                "overall": Answer(number: overall), "reliability": Answer(number: reliability),
                "visits": Answer(options: [visits]), "recommend": Answer(number: score),
            ]
            if random.chance(0.4) {
                answers["wishes"] = Answer(text: words(wishes, invitation.language, &random))
            }
            let delay = Double.random(in: 0.5...18, using: &random) * 86_400
            let answeredAt = invitation.createdAt.addingTimeInterval(delay.rounded())
            guard answeredAt < now.addingTimeInterval(-600) else { continue }
            let channel: SurveyChannel = random.chance(0.55) ? .phone : .online
            _ = try await Surveys(store.withClock { answeredAt }).answer(
                invitation.id, ResponseInput(answers: answers, channel: channel),
                by: Actor(name: channel == .online ? "public" : "manager"))
        }
    }
}
