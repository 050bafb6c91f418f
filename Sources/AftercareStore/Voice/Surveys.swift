import AftercareDomain
import Foundation
import SQLKit

/// R-10.2: satisfaction surveys. A manager writes a questionnaire in four languages; an active per-job survey is
/// offered to the customer of every closed request (`invite(afterClosing:)`, in the closing's transaction), a periodic
/// one in rounds to a random sample of customers. Answers come by phone or letter (typed by staff), in the portal, or
/// through the invitation's signed link (no account); each invitation is answered once, before it expires. The
/// results group the two scores (CSAT from the first rating question, NPS) by branch, engineer (R-13.4), product line
/// and month.
public struct Surveys: Sendable {
    public let store: Store

    public init(_ store: Store) {
        self.store = store
    }

    /// How long an invitation can be answered.
    public static let answerDays = 30
    /// The largest periodic round.
    public static let maximumSample = 5000

    // MARK: Questionnaires

    static func survey(_ row: any SQLRow) throws -> SurveyView {
        let title = try row.decode(column: "title", as: String.self)
        let questions = try row.decode(column: "questions", as: String.self)
        return SurveyView(
            id: try row.decode(column: "id", as: Int.self),
            title: try JSONText.decodeRemembered(LocalizedText.self, from: title),
            purpose: try row.decodeStored("purpose", as: SurveyPurpose.self),
            status: try row.decodeStored("status", as: SurveyStatus.self),
            questions: try JSONText.decodeRemembered([Question].self, from: questions),
            invited: try row.decode(column: "invited", as: Int?.self) ?? 0,
            answered: try row.decode(column: "answered", as: Int?.self) ?? 0,
            createdBy: try row.decode(column: "created_by", as: String.self),
            version: try row.decode(column: "version", as: Int.self),
            createdAt: try row.decode(column: "created_at", as: Date.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }

    static let surveyColumns = """
        s.*, (SELECT COUNT(*) FROM survey_invitations i WHERE i.survey_id = s.id) AS invited, \
        (SELECT COUNT(*) FROM survey_responses r WHERE r.survey_id = s.id) AS answered
        """

    static func load(_ id: Int, on db: any SQLDatabase) async throws -> SurveyView? {
        try await db.raw("SELECT \(unsafeRaw: surveyColumns) FROM surveys s WHERE s.id = \(bind: id)").first().map(
            survey)
    }

    public func get(_ id: Int) async throws -> SurveyView {
        guard let view = try await Self.load(id, on: store.sql) else { throw RecordNotFound(entity: "survey", id: id) }
        return view
    }

    /// Every questionnaire, active ones first, then newest.
    public func list() async throws -> [SurveyView] {
        try await store.sql.raw(
            """
            SELECT \(unsafeRaw: Self.surveyColumns) FROM surveys s ORDER BY \
            CASE s.status WHEN 'active' THEN 0 WHEN 'draft' THEN 1 ELSE 2 END, s.id DESC LIMIT 200
            """
        ).all().map(Self.survey)
    }

    static func check(_ input: SurveyInput) throws {
        try Questionnaire.problems(title: input.title, questions: input.questions).throwIfAny()
    }

    /// A new questionnaire, as a draft.
    public func create(_ input: SurveyInput, by actor: Actor) async throws -> SurveyView {
        try Self.check(input)
        let now = store.now
        let id = try await store.write { db in
            let id = try await db.insert(into: "surveys")
                .columns("title", "purpose", "status", "questions", "created_by", "version", "created_at", "updated_at")
                .values(
                    SQLBind(try JSONText.encode(input.title)), SQLBind(input.purpose.rawValue),
                    SQLBind(SurveyStatus.draft.rawValue), SQLBind(try JSONText.encode(input.questions)),
                    SQLBind(actor.name), SQLBind(1), SQLBind(now), SQLBind(now)
                ).returning("id").first(decodingColumn: "id", as: Int.self)!
            try await AuditLog.append(
                on: db, entity: "survey", id: id, action: .create, actor: actor, at: now, before: SurveyView?.none,
                after: try await Self.load(id, on: db))
            return id
        }
        return try await get(id)
    }

    /// A draft is rewritten whole; an active or retired questionnaire is kept as its answers were given.
    public func update(_ id: Int, _ input: SurveyInput, expectedVersion: Int?, by actor: Actor) async throws
        -> SurveyView
    {
        try Self.check(input)
        let now = store.now
        try await store.write { db in
            guard let before = try await Self.load(id, on: db) else { throw RecordNotFound(entity: "survey", id: id) }
            if let expectedVersion, expectedVersion != before.version {
                throw StaleVersion(entity: "survey", id: id, expected: expectedVersion, current: before.version)
            }
            guard before.status == .draft else { throw SurveyNotEditable(id: id, status: before.status) }
            try await db.update("surveys").set("title", to: try JSONText.encode(input.title))
                .set("purpose", to: input.purpose.rawValue).set("questions", to: try JSONText.encode(input.questions))
                .set("version", to: before.version + 1).set("updated_at", to: now).where("id", .equal, id).run()
            try await AuditLog.append(
                on: db, entity: "survey", id: id, action: .update, actor: actor, at: now, before: before,
                after: try await Self.load(id, on: db))
        }
        return try await get(id)
    }

    /// Draft → active (one per-job survey is active at a time: the one before is retired), active → retired.
    public func setStatus(_ id: Int, to status: SurveyStatus, by actor: Actor) async throws -> SurveyView {
        let now = store.now
        try await store.write { db in
            guard let before = try await Self.load(id, on: db) else { throw RecordNotFound(entity: "survey", id: id) }
            let allowed: [SurveyStatus: SurveyStatus] = [.draft: .active, .active: .retired]
            guard allowed[before.status] == status else { throw SurveyNotEditable(id: id, status: before.status) }
            if status == .active, before.purpose == .perJob {
                try await db.update("surveys").set("status", to: SurveyStatus.retired.rawValue)
                    .set("updated_at", to: now).where("purpose", .equal, SurveyPurpose.perJob.rawValue)
                    .where("status", .equal, SurveyStatus.active.rawValue).run()
            }
            try await db.update("surveys").set("status", to: status.rawValue).set("version", to: before.version + 1)
                .set("updated_at", to: now).where("id", .equal, id).run()
            try await AuditLog.append(
                on: db, entity: "survey", id: id, action: .update, actor: actor, at: now, before: before,
                after: try await Self.load(id, on: db))
        }
        return try await get(id)
    }

    // MARK: Invitations

    static let invitationColumns = """
        i.*, s.title AS survey_title, c.name AS customer_name, sr.number AS request_number, o.name AS org_unit_name, \
        eu.display_name AS engineer_name
        """
    static let invitationFrom = """
        FROM survey_invitations i JOIN surveys s ON s.id = i.survey_id JOIN customers c ON c.id = i.customer_id \
        LEFT JOIN service_requests sr ON sr.id = i.request_id JOIN org_units o ON o.id = i.org_unit_id \
        LEFT JOIN engineers e ON e.id = i.engineer_id LEFT JOIN users eu ON eu.id = e.user_id
        """

    static func invitation(_ row: any SQLRow) throws -> InvitationView {
        InvitationView(
            id: try row.decode(column: "id", as: Int.self), surveyId: try row.decode(column: "survey_id", as: Int.self),
            surveyTitle: try JSONText.decodeRemembered(
                LocalizedText.self, from: try row.decode(column: "survey_title", as: String.self)),
            customerId: try row.decode(column: "customer_id", as: Int.self),
            customerName: try row.decode(column: "customer_name", as: String.self),
            requestId: try row.decode(column: "request_id", as: Int?.self),
            requestNumber: try row.decode(column: "request_number", as: String?.self),
            orgUnitId: try row.decode(column: "org_unit_id", as: Int.self),
            orgUnitName: try row.decode(column: "org_unit_name", as: String.self),
            engineerId: try row.decode(column: "engineer_id", as: Int?.self),
            engineerName: try row.decode(column: "engineer_name", as: String?.self),
            tier: try row.decodeStored("tier", as: CustomerTier.self),
            round: try row.decode(column: "round", as: String?.self),
            status: try row.decodeStored("status", as: InvitationStatus.self),
            expiresAt: try row.decode(column: "expires_at", as: Date.self),
            createdAt: try row.decode(column: "created_at", as: Date.self),
            answeredAt: try row.decode(column: "answered_at", as: Date?.self))
    }

    static func loadInvitation(_ id: Int, within scope: Scope, on db: any SQLDatabase) async throws -> InvitationView? {
        var sql: SQLQueryString =
            "SELECT \(unsafeRaw: invitationColumns) \(unsafeRaw: invitationFrom) WHERE i.id = \(bind: id)"
        if let condition = ScopeSQL.ownedCondition(orgUnit: "i.org_unit_id", customer: "i.customer_id", scope) {
            sql = sql + " AND " + condition
        }
        return try await db.raw(sql).first().map(invitation)
    }

    /// The invitation and its questions, within the caller's scope (a customer's own only).
    public func form(_ id: Int) async throws -> InvitationForm {
        guard let invitation = try await Self.loadInvitation(id, within: store.scope, on: store.sql),
            let survey = try await Self.load(invitation.surveyId, on: store.sql)
        else { throw RecordNotFound(entity: "surveyInvitation", id: id) }
        return InvitationForm(invitation: invitation, questions: survey.questions)
    }

    /// The invitations the caller's scope sees, newest first: `status` (pending ones that expired count as expired),
    /// of one survey or customer.
    public func invitations(status: InvitationStatus?, surveyId: Int?, customerId: Int?, page: PageRequest)
        async throws -> Page<InvitationView>
    {
        let now = store.now
        var sql: SQLQueryString =
            "SELECT \(unsafeRaw: Self.invitationColumns) \(unsafeRaw: Self.invitationFrom) WHERE 1 = 1"
        if let condition = ScopeSQL.ownedCondition(orgUnit: "i.org_unit_id", customer: "i.customer_id", store.scope) {
            sql = sql + " AND " + condition
        }
        switch status {
        case .pending?:
            sql = sql + " AND i.status = \(bind: InvitationStatus.pending.rawValue) AND i.expires_at > \(bind: now)"
        case .expired?:
            sql =
                sql
                    + """
                     AND (i.status = \(bind: InvitationStatus.expired.rawValue) OR \
                    (i.status = \(bind: InvitationStatus.pending.rawValue) AND i.expires_at <= \(bind: now)))
                    """
        case let other?: sql = sql + " AND i.status = \(bind: other.rawValue)"
        case nil: break
        }
        if let surveyId { sql = sql + " AND i.survey_id = \(bind: surveyId)" }
        if let customerId { sql = sql + " AND i.customer_id = \(bind: customerId)" }
        if let afterId = page.afterId { sql = sql + " AND i.id < \(bind: afterId)" }
        sql = sql + " ORDER BY i.id DESC LIMIT \(unsafeRaw: String(page.limit + 1))"
        let rows = try await store.sql.raw(sql).all()
        return try Page(rows: rows, limit: page.limit) { try $0.map(Self.invitation) }
    }

    /// R-10.2: invites the customer of a request just closed to the active per-job survey, once per request. The
    /// invitation names the branch, the engineer of the last visit and the product line of the first unit, for the
    /// results. Runs in the closing's transaction.
    static func invite(afterClosing requestId: Int, at now: Date, on db: any SQLDatabase) async throws {
        guard
            let survey = try await db.raw(
                """
                SELECT id FROM surveys WHERE purpose = \(bind: SurveyPurpose.perJob.rawValue) \
                AND status = \(bind: SurveyStatus.active.rawValue) ORDER BY id DESC LIMIT 1
                """
            ).first(decodingColumn: "id", as: Int.self),
            try await db.raw("SELECT id FROM survey_invitations WHERE request_id = \(bind: requestId)").first() == nil
        else { return }
        try await db.raw(
            """
            INSERT INTO survey_invitations (survey_id, customer_id, request_id, org_unit_id, engineer_id, \
            product_line_id, tier, expires_at, status, created_by, created_at) \
            SELECT \(bind: survey), sr.customer_id, sr.id, sr.org_unit_id, \
            (SELECT v.engineer_id FROM visits v WHERE v.request_id = sr.id AND v.engineer_id IS NOT NULL \
            ORDER BY v.id DESC LIMIT 1), \
            (SELECT m.product_line_id FROM service_request_units u JOIN product_models m ON m.id = u.model_id \
            WHERE u.request_id = sr.id ORDER BY u.unit_id LIMIT 1), c.tier, \
            \(bind: now.addingTimeInterval(Double(answerDays) * 86400)), \
            \(bind: InvitationStatus.pending.rawValue), 'system', \(bind: now) \
            FROM service_requests sr JOIN customers c ON c.id = sr.customer_id WHERE sr.id = \(bind: requestId)
            """
        ).run()
    }

    /// R-10.2: a periodic round: a random sample of the customers the caller's scope sees (of a tier, under a unit),
    /// not already asked this survey in the last 90 days, each invited once. Returns how many were invited.
    public func sendRound(_ surveyId: Int, _ round: RoundInput, by actor: Actor) async throws -> Int {
        var v = Validator()
        v.text("name", round.name, required: true, max: Limits.shortText)
        v.range("sampleSize", round.sampleSize, 1...Self.maximumSample)
        try v.finish()
        let now = store.now
        let scope = store.scope
        return try await store.write { db in
            guard let survey = try await Self.load(surveyId, on: db) else {
                throw RecordNotFound(entity: "survey", id: surveyId)
            }
            guard survey.status == .active else { throw SurveyNotEditable(id: surveyId, status: survey.status) }
            var condition: SQLQueryString = "c.archived_at IS NULL"
            if let scoped = ScopeSQL.orgUnitCondition("c.org_unit_id", scope) {
                condition = condition + " AND " + scoped
            }
            if let tier = round.tier { condition = condition + " AND c.tier = \(bind: tier.rawValue)" }
            if let unit = round.orgUnitId {
                guard
                    let path = try await db.raw("SELECT path FROM org_units WHERE id = \(bind: unit)").first(
                        decodingColumn: "path", as: String.self)
                else { throw ValidationError(["orgUnitId": .notFound]) }
                condition =
                    condition + " AND c.org_unit_id IN (SELECT id FROM org_units WHERE path LIKE \(bind: path + "%"))"
            }
            let since = now.addingTimeInterval(-90 * 86400)
            let picked = try await db.raw(
                """
                SELECT c.id FROM customers c WHERE \(condition) AND NOT EXISTS (SELECT 1 FROM survey_invitations i \
                WHERE i.customer_id = c.id AND i.survey_id = \(bind: surveyId) AND i.created_at > \(bind: since)) \
                ORDER BY RANDOM() LIMIT \(unsafeRaw: String(round.sampleSize))
                """
            ).all().map { try $0.decode(column: "id", as: Int.self) }
            guard !picked.isEmpty else { return 0 }
            try await db.raw(
                """
                INSERT INTO survey_invitations (survey_id, customer_id, org_unit_id, tier, round, expires_at, status, \
                created_by, created_at) SELECT \(bind: surveyId), c.id, c.org_unit_id, c.tier, \
                \(bind: round.name.trimmed), \(bind: now.addingTimeInterval(Double(Self.answerDays) * 86400)), \
                \(bind: InvitationStatus.pending.rawValue), \(bind: actor.name), \(bind: now) FROM customers c \
                WHERE c.id IN (\(SQLList(picked.map { SQLBind($0) })))
                """
            ).run()
            try await AuditLog.append(
                on: db, entity: "survey", id: surveyId, action: .update, actor: actor, at: now,
                before: ["round": String?.none],
                after: ["round": round.name.trimmed, "invited": "\(picked.count)"])
            return picked.count
        }
    }

    /// Cancels a pending invitation (the customer asked not to be surveyed, a wrong number).
    public func cancel(_ id: Int, by actor: Actor) async throws -> InvitationView {
        let scope = store.scope
        let now = store.now
        try await store.write { db in
            guard let before = try await Self.loadInvitation(id, within: scope, on: db) else {
                throw RecordNotFound(entity: "surveyInvitation", id: id)
            }
            guard before.status == .pending else { throw InvitationClosed(id: id) }
            try await db.update("survey_invitations").set("status", to: InvitationStatus.cancelled.rawValue)
                .where("id", .equal, id).run()
            try await AuditLog.append(
                on: db, entity: "surveyInvitation", id: id, action: .update, actor: actor, at: now, before: before,
                after: try await Self.loadInvitation(id, within: .everything, on: db))
        }
        guard let view = try await Self.loadInvitation(id, within: scope, on: store.sql) else {
            throw RecordNotFound(entity: "surveyInvitation", id: id)
        }
        return view
    }

    // MARK: Answers

    /// R-10.2: the answers to an invitation, once: by staff (phone, letter), by the customer in the portal, or through
    /// the signed link (the caller has checked the signature; the store's scope is then everything). Refused without a
    /// trace when the invitation was answered, cancelled or expired; two answers racing cannot both land (one response
    /// per invitation).
    public func answer(_ id: Int, _ input: ResponseInput, by actor: Actor) async throws -> InvitationView {
        let scope = store.scope
        let now = store.now
        try await store.write { db in
            if db.dialect.name != "sqlite" {
                try await db.raw("SELECT id FROM survey_invitations WHERE id = \(bind: id) FOR UPDATE").run()
            }
            guard let invitation = try await Self.loadInvitation(id, within: scope, on: db) else {
                throw RecordNotFound(entity: "surveyInvitation", id: id)
            }
            guard invitation.open(at: now) else { throw InvitationClosed(id: id) }
            guard let survey = try await Self.load(invitation.surveyId, on: db) else {
                throw RecordNotFound(entity: "survey", id: invitation.surveyId)
            }
            try SurveyAnswers.problems(input.answers, to: survey.questions).throwIfAny()
            let scores = SurveyAnswers.scores(input.answers, of: survey.questions)
            let comment = survey.questions.filter { $0.kind == .text }.compactMap {
                input.answers[$0.key]?.text?.trimmed.nilIfEmpty
            }.joined(separator: "\n")
            let responseId = try await db.insert(into: "survey_responses")
                .columns(
                    "invitation_id", "survey_id", "customer_id", "org_unit_id", "engineer_id", "product_line_id",
                    "channel", "csat", "nps", "comment", "recorded_by", "answered_at"
                )
                .values(
                    SQLBind(id), SQLBind(invitation.surveyId), SQLBind(invitation.customerId),
                    SQLBind(invitation.orgUnitId), SQLBind(invitation.engineerId),
                    SQLBind(
                        try await db.raw("SELECT product_line_id FROM survey_invitations WHERE id = \(bind: id)").first(
                            decodingColumn: "product_line_id", as: Int?.self) ?? nil),
                    SQLBind(input.channel.rawValue), SQLBind(scores.csat), SQLBind(scores.nps),
                    SQLBind(comment.nilIfEmpty.map { String($0.prefix(Limits.longText)) }), SQLBind(actor.name),
                    SQLBind(now)
                ).returning("id").first(decodingColumn: "id", as: Int.self)!
            for question in survey.questions {
                guard let answer = input.answers[question.key] else { continue }
                try await db.insert(into: "survey_answers").columns(
                    "response_id", "question_key", "number", "options", "text"
                )
                .values(
                    SQLBind(responseId), SQLBind(question.key), SQLBind(answer.number),
                    SQLBind(answer.options.flatMap { $0.isEmpty ? nil : $0.joined(separator: ",") }),
                    SQLBind(answer.text?.trimmed.nilIfEmpty)
                ).run()
            }
            try await db.update("survey_invitations").set("status", to: InvitationStatus.answered.rawValue)
                .set("answered_at", to: now).where("id", .equal, id).run()
            try await AuditLog.append(
                on: db, entity: "surveyInvitation", id: id, action: .update, actor: actor, at: now, before: invitation,
                after: try await Self.loadInvitation(id, within: .everything, on: db))
        }
        guard let view = try await Self.loadInvitation(id, within: .everything, on: store.sql) else {
            throw RecordNotFound(entity: "surveyInvitation", id: id)
        }
        return view
    }
}
