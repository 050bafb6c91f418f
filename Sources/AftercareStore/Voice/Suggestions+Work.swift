import AftercareDomain
import Foundation
import SQLKit

extension Suggestions {
    // MARK: Submitting

    static func check(_ input: SuggestionInput, source: SuggestionSource) throws {
        var v = Validator()
        v.text("text", input.text, required: true, max: Limits.longText)
        v.text("topic", input.topic, max: Limits.shortText)
        v.text("name", input.name, required: input.customerId == nil && source != .portal, max: Limits.name)
        v.text("phone", input.phone, max: Limits.phone)
        if let phone = input.phone?.trimmed.nilIfEmpty, !PhoneNumber.isValid(phone) {
            v.add("phone", .invalidFormat(expected: "a phone number of 3 to 20 digits"))
        }
        v.text("email", input.email, max: Limits.email)
        if let email = input.email?.trimmed.nilIfEmpty, !CustomerRecord.looksLikeEmail(email) {
            v.add("email", .invalidFormat(expected: "an email address"))
        }
        // Someone who is no customer of ours is reached by phone or e-mail (to tell them the outcome, to reward them).
        if input.customerId == nil, source != .portal, input.phone?.trimmed.nilIfEmpty == nil,
            input.email?.trimmed.nilIfEmpty == nil
        {
            v.add("phone", .required)
        }
        if source == .publicForm, input.customerId != nil { v.add("customerId", .unknownField) }
        if source == .portal, input.orgUnitId != nil { v.add("orgUnitId", .unknownField) }
        try v.finish()
    }

    /// records a suggestion. Staff record it for a customer (or a person who is none); a customer in the portal
    /// for themselves; the public form for anyone, naming no customer. It belongs to the unit given (the public form:
    /// the unit of the QR code, ignored when it names no active unit), else the customer's, else the recorder's own
    /// unit, else headquarters; it is to be acknowledged within two working days on that unit's calendar. Its number
    /// comes from the yearly sequence. Nothing is written when anything is refused.
    public func submit(_ asked: SuggestionInput, source: SuggestionSource, by actor: Actor) async throws
        -> SuggestionView
    {
        var input = asked
        let scope = store.scope
        switch source {
        case .portal:
            guard case .customer(let own) = scope else { throw RecordNotFound(entity: "customer", id: 0) }
            if let customer = input.customerId, customer != own { throw ValidationError(["customerId": .notFound]) }
            input.customerId = own
            input.channel = .portal
        case .publicForm:
            input.channel = .web
        case .staff:
            if input.channel == .portal || input.channel == .web {
                throw ValidationError(["channel": .invalidValue(allowed: Self.staffChannels.map(\.rawValue))])
            }
        }
        try Self.check(input, source: source)
        let now = store.now
        let year = CalendarDate(now, in: store.timeZone).year
        let id = try await store.write { [input] db in
            var orgUnitId: Int?
            var customerName: String?
            if let customerId = input.customerId {
                guard let customer = try await Records<CustomerRecord>.load(customerId, within: scope, on: db) else {
                    throw ValidationError(["customerId": .notFound])
                }
                customerName = customer.name
                orgUnitId = customer.orgUnitId
            }
            if let unit = input.orgUnitId {
                var found: OrgUnitRecord.View?
                if unit > 0 {
                    found = try await Records<OrgUnitRecord>.load(
                        unit, within: source == .publicForm ? .everything : scope, on: db)
                }
                if let found, found.archivedAt == nil {
                    orgUnitId = unit
                } else if source != .publicForm {
                    throw ValidationError(["orgUnitId": found == nil ? .notFound : .archived])
                }
                // The public form's printed QR code of a unit since closed (or a made-up one) still takes the
                // suggestion: it goes where those that name no unit go.
            }
            if orgUnitId == nil, source == .staff, case .orgSubtree(let own, _) = scope { orgUnitId = own }
            var unit = orgUnitId ?? 0
            if orgUnitId == nil { unit = try await Complaints.headquarters(on: db) }
            let due = try await Self.acknowledgementDue(orgUnitId: unit, from: now, on: db)
            let sequence = try await db.raw(
                """
                INSERT INTO sequences (name, value) VALUES (\(bind: SuggestionNumber.sequenceName(year: year)), 1) \
                ON CONFLICT (name) DO UPDATE SET value = sequences.value + 1 RETURNING value
                """
            ).first(decodingColumn: "value", as: Int.self)!
            let id = try await db.insert(into: "suggestions")
                .columns(
                    "number", "org_unit_id", "customer_id", "name", "phone", "email", "channel", "topic", "text",
                    "status", "ack_due_at", "created_by", "version", "created_at", "updated_at"
                )
                .values(
                    SQLBind(SuggestionNumber(year: year, sequence: sequence).description), SQLBind(unit),
                    SQLBind(input.customerId), SQLBind(input.name?.trimmed.nilIfEmpty ?? customerName ?? ""),
                    SQLBind(input.phone?.trimmed.nilIfEmpty), SQLBind(input.email?.trimmed.nilIfEmpty),
                    SQLBind((input.channel ?? .phone).rawValue), SQLBind(input.topic?.trimmed.nilIfEmpty),
                    SQLBind(input.text.trimmed), SQLBind(SuggestionStatus.received.rawValue), SQLBind(due),
                    SQLBind(actor.name), SQLBind(1), SQLBind(now), SQLBind(now)
                )
                .returning("id").first(decodingColumn: "id", as: Int.self)!
            try await Self.appendEvent(
                id, event: "open", from: nil, to: .received, note: nil, by: actor, at: now, on: db)
            try await AuditLog.append(
                on: db, entity: Self.entity, id: id, action: .create, actor: actor, at: now,
                before: SuggestionView?.none, after: try await Self.load(id, within: .everything, on: db))
            return id
        }
        guard let view = try await Self.load(id, within: .everything, on: store.sql) else {
            throw RecordNotFound(entity: Self.entity, id: id)
        }
        return source == .staff ? view : view.forCustomer()
    }

    /// How suggestions reach staff (the portal and the public form record their own).
    public static let staffChannels: [Channel] = [.phone, .email, .chat, .walkIn, .suggestionBox, .visit, .engineer]

    /// when a suggestion received at `start` is to be acknowledged: two working days on the calendar of the
    /// unit (the deepest unit on its path that has one, else office hours in its time zone).
    static func acknowledgementDue(orgUnitId: Int, from start: Date, on db: any SQLDatabase) async throws -> Date {
        let pathText =
            try await db.raw("SELECT path FROM org_units WHERE id = \(bind: orgUnitId)").first(
                decodingColumn: "path", as: String.self) ?? ""
        let path = pathText.split(separator: "/").compactMap { Int($0) }
        let time = try await CalendarBook.load(forUnits: Set(path), on: db).calendar(forPath: path).workingTime
        let seconds = Double(SuggestionDeadline.acknowledgementMinutes * 60)
        return time.adding(seconds, to: start) ?? start.addingTimeInterval(seconds)
    }

    // MARK: Steps

    /// Locks the suggestion's row and reads it within the caller's scope.
    static func lock(_ id: Int, within scope: Scope, on db: any SQLDatabase) async throws -> SuggestionView {
        if db.dialect.name != "sqlite" {
            try await db.raw("SELECT id FROM suggestions WHERE id = \(bind: id) FOR UPDATE").run()
        }
        guard let view = try await load(id, within: scope, on: db) else {
            throw RecordNotFound(entity: entity, id: id)
        }
        return view
    }

    /// one step on a suggestion: acknowledged (the deadline is met, or missed, now), evaluated, adopted with
    /// what will be done, or declined with the reason (a note both need). The lifecycle decides whether it is allowed
    /// now; the step, its timeline entry and its audit entry are one transaction, and a refused step changes nothing.
    public func post(_ step: SuggestionStepInput, to id: Int, by principal: Principal) async throws -> SuggestionView {
        var v = Validator()
        v.text("note", step.note, required: step.event.requiresNote, max: Limits.note)
        try v.finish()
        guard principal.handlesSuggestions else { throw RecordNotFound(entity: Self.entity, id: id) }
        let scope = store.scope
        let now = store.now
        try await store.write { db in
            let before = try await Self.lock(id, within: scope, on: db)
            if let expected = step.expectedVersion, expected != before.version {
                throw StaleVersion(entity: Self.entity, id: id, expected: expected, current: before.version)
            }
            var lifecycle = SuggestionLifecycle(status: before.status)
            let note = step.note?.trimmed.nilIfEmpty
            let effects: [SuggestionEffect]
            do {
                effects = try lifecycle.apply(SuggestionEvent(step.event, note: note), at: now) { status in
                    SuggestionStepNotAllowed(
                        id: id, status: status, event: step.event, allowed: SuggestionLifecycle.allowed(in: status))
                }
            } catch is SuggestionNoteRequired {
                throw ValidationError(["note": .required])
            }
            var update = db.update("suggestions").set("status", to: lifecycle.status.rawValue)
                .set("version", to: before.version + 1).set("updated_at", to: now)
            if step.event == .adopt || step.event == .decline {
                update = update.set("decision", to: SQLBind(note)).set("decided_by", to: principal.actor.name)
                    .set("decided_at", to: now)
            }
            for effect in effects {
                switch effect {
                case .acknowledged:
                    if before.acknowledgedAt == nil { update = update.set("acknowledged_at", to: now) }
                }
            }
            try await update.where("id", .equal, id).run()
            try await Self.appendEvent(
                id, event: step.event.rawValue, from: before.status, to: lifecycle.status, note: note,
                by: principal.actor, at: now, on: db)
            try await AuditLog.append(
                on: db, entity: Self.entity, id: id, action: .update, actor: principal.actor, at: now, before: before,
                after: try await Self.load(id, within: .everything, on: db))
        }
        return try await get(id, for: principal)
    }

    // MARK: Rewards

    /// proposes a reward for an adopted suggestion: points (more than zero), a gift (described) or an amount
    /// (more than zero, in the unit's currency). One reward at a time: another is proposed only after a refusal. It
    /// waits for a manager's approval (`decideReward`).
    public func proposeReward(_ input: SuggestionRewardInput, on id: Int, by principal: Principal) async throws
        -> SuggestionRewardView
    {
        var v = Validator()
        v.text("description", input.description, required: input.kind == .gift, max: Limits.note)
        switch input.kind {
        case .points:
            if let points = input.points {
                v.range("points", points, 1...1_000_000_000)
            } else {
                v.add("points", .required)
            }
            if input.amountMinor != nil { v.add("amountMinor", .invalidValue(allowed: ["only with kind amount"])) }
        case .amount:
            if let amount = input.amountMinor {
                v.range("amountMinor", amount, 1...Money.maximumMinor)
            } else {
                v.add("amountMinor", .required)
            }
            if input.points != nil { v.add("points", .invalidValue(allowed: ["only with kind points"])) }
        case .gift:
            if input.points != nil { v.add("points", .invalidValue(allowed: ["only with kind points"])) }
            if input.amountMinor != nil { v.add("amountMinor", .invalidValue(allowed: ["only with kind amount"])) }
        }
        try v.finish()
        guard principal.handlesSuggestions else { throw RecordNotFound(entity: Self.entity, id: id) }
        let scope = store.scope
        let now = store.now
        return try await store.write { db in
            let suggestion = try await Self.lock(id, within: scope, on: db)
            guard suggestion.status == .adopted else { throw RewardRefused(suggestionId: id, reason: .notAdopted) }
            let standing =
                try await db.raw(
                    """
                    SELECT COUNT(*) AS n FROM suggestion_rewards WHERE suggestion_id = \(bind: id) \
                    AND status IN (\(bind: RewardStatus.proposed.rawValue), \(bind: RewardStatus.approved.rawValue))
                    """
                ).first(decodingColumn: "n", as: Int.self) ?? 0
            if standing > 0 { throw RewardRefused(suggestionId: id, reason: .alreadyRewarded) }
            let currency = try await ReturnCases.currency(ofUnit: suggestion.orgUnitId, on: db)
            let rewardId = try await db.insert(into: "suggestion_rewards")
                .columns(
                    "suggestion_id", "kind", "points", "amount_minor", "currency", "description", "status",
                    "proposed_by", "proposed_at"
                )
                .values(
                    SQLBind(id), SQLBind(input.kind.rawValue), SQLBind(input.kind == .points ? input.points : nil),
                    SQLBind(input.kind == .amount ? input.amountMinor : nil), SQLBind(currency.rawValue),
                    SQLBind(input.description?.trimmed ?? ""), SQLBind(RewardStatus.proposed.rawValue),
                    SQLBind(principal.actor.name), SQLBind(now)
                )
                .returning("id").first(decodingColumn: "id", as: Int.self)!
            let reward = try await Self.loadReward(rewardId, on: db)
            try await Self.appendEvent(
                id, event: "rewardProposed", from: suggestion.status, to: suggestion.status,
                note: input.description?.trimmed.nilIfEmpty, by: principal.actor, at: now, on: db)
            try await AuditLog.append(
                on: db, entity: Self.rewardEntity, id: rewardId, action: .create, actor: principal.actor, at: now,
                before: SuggestionRewardView?.none, after: reward)
            return reward
        }
    }

    /// The same, by its parts.
    public func proposeReward(
        _ kind: RewardKind, points: Int? = nil, amountMinor: Int? = nil, description: String? = nil, on id: Int,
        by principal: Principal
    ) async throws -> SuggestionRewardView {
        try await proposeReward(
            SuggestionRewardInput(kind: kind, points: points, amountMinor: amountMinor, description: description),
            on: id, by: principal)
    }

    static func loadReward(_ rewardId: Int, on db: any SQLDatabase) async throws -> SuggestionRewardView {
        guard let row = try await db.raw("SELECT * FROM suggestion_rewards WHERE id = \(bind: rewardId)").first(),
            let view = try Self.reward(row, suggestionId: try row.decode(column: "suggestion_id", as: Int.self))
        else { throw RecordNotFound(entity: rewardEntity, id: rewardId) }
        return view
    }

    /// a manager approves or refuses a proposed reward (refusing needs the reason). Only those who approve
    /// rewards decide, and never on a reward they proposed themselves; a reward of a suggestion the caller does not see
    /// is not found. The decision is on the suggestion's timeline and in the audit trail.
    /// A reward, when the caller's scope sees its suggestion (404 otherwise, like a missing one).
    public func reward(_ rewardId: Int) async throws -> SuggestionRewardView {
        let reward = try await Self.loadReward(rewardId, on: store.sql)
        guard try await Self.load(reward.suggestionId, within: store.scope, on: store.sql) != nil else {
            throw RecordNotFound(entity: Self.rewardEntity, id: rewardId)
        }
        return reward
    }

    public func decideReward(_ rewardId: Int, approve: Bool, note: String?, by principal: Principal) async throws
        -> SuggestionRewardView
    {
        guard principal.approvesRewards else { throw RewardRefused(rewardId: rewardId, reason: .notApprover) }
        var v = Validator()
        v.text("note", note, required: !approve, max: Limits.note)
        try v.finish()
        let scope = store.scope
        let now = store.now
        return try await store.write { db in
            if db.dialect.name != "sqlite" {
                try await db.raw("SELECT id FROM suggestion_rewards WHERE id = \(bind: rewardId) FOR UPDATE").run()
            }
            let before = try await Self.loadReward(rewardId, on: db)
            guard let suggestion = try await Self.load(before.suggestionId, within: scope, on: db) else {
                throw RecordNotFound(entity: Self.rewardEntity, id: rewardId)
            }
            guard before.status == .proposed else {
                throw RewardRefused(suggestionId: suggestion.id, rewardId: rewardId, reason: .alreadyDecided)
            }
            guard before.proposedBy != principal.actor.name else {
                throw RewardRefused(suggestionId: suggestion.id, rewardId: rewardId, reason: .ownProposal)
            }
            let status: RewardStatus = approve ? .approved : .refused
            let text = note?.trimmed.nilIfEmpty
            try await db.update("suggestion_rewards").set("status", to: status.rawValue)
                .set("decided_by", to: principal.actor.name).set("decided_at", to: now)
                .set("decision_note", to: SQLBind(text)).where("id", .equal, rewardId).run()
            let after = try await Self.loadReward(rewardId, on: db)
            try await Self.appendEvent(
                suggestion.id, event: approve ? "rewardApproved" : "rewardRefused", from: suggestion.status,
                to: suggestion.status, note: text, by: principal.actor, at: now, on: db)
            try await AuditLog.append(
                on: db, entity: Self.rewardEntity, id: rewardId, action: .update, actor: principal.actor, at: now,
                before: before, after: after)
            return after
        }
    }
}
