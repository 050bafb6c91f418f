import AftercareDomain
import Foundation
import SQLKit

/// How a complaint came in, for what the filing may name.
public enum ComplaintSource: Sendable, Equatable {
    /// Staff recording it (the hotline's complaint intake, an account manager, a handler).
    case staff
    /// The customer in the portal (the store's scope is theirs).
    case portal
    /// The public form: no account, so it names no record of ours (the handler links them).
    case publicForm
}

extension Complaints {
    /// What the subject names: the record, the branch whose work it is and the customer it belongs to.
    struct Subject {
        var orgUnitId: Int?
        var customerId: Int?
        /// the complaint is about a complaint handler.
        var aboutHandler = false
    }

    static func check(_ input: ComplaintInput, source: ComplaintSource) throws {
        var v = Validator()
        v.text("words", input.words, required: true, max: Limits.longText)
        v.text("wants", input.wants, max: Limits.note)
        v.text("subjectText", input.subjectText, max: Limits.shortText)
        v.text("complainantName", input.complainantName, required: input.customerId == nil, max: Limits.name)
        if let phone = input.complainantPhone?.trimmed.nilIfEmpty, !PhoneNumber.isValid(phone) {
            v.add("complainantPhone", .invalidFormat(expected: "a phone number of 3 to 20 digits"))
        }
        v.text("complainantEmail", input.complainantEmail, max: Limits.email)
        if let email = input.complainantEmail?.trimmed.nilIfEmpty, !CustomerRecord.looksLikeEmail(email) {
            v.add("complainantEmail", .invalidFormat(expected: "an email address"))
        }
        if input.customerId == nil, source != .portal, input.complainantPhone?.trimmed.nilIfEmpty == nil,
            input.complainantEmail?.trimmed.nilIfEmpty == nil
        {
            v.add("complainantPhone", .required)
        }
        let ids: [(ComplaintSubject, String, Int?)] = [
            (.request, "requestId", input.requestId), (.visit, "visitId", input.visitId),
            (.engineer, "engineerId", input.engineerId), (.unit, "unitId", input.unitId),
            (.product, "productModelId", input.productModelId), (.staff, "staffUserId", input.staffUserId),
        ]
        for (subject, field, id) in ids {
            if source == .publicForm {
                if id != nil { v.add(field, .unknownField) }
            } else if subject == input.subject, id == nil {
                v.add(field, .required)
            } else if subject != input.subject, id != nil, !(subject == .request && input.subject != .request) {
                v.add(field, .invalidValue(allowed: ["only with subject \(subject.rawValue)"]))
            }
        }
        if source == .portal, [.engineer, .staff].contains(input.subject) {
            v.add("subject", .invalidValue(allowed: ["request", "visit", "unit", "product", "policy", "other"]))
        }
        if source == .publicForm, input.customerId != nil { v.add("customerId", .unknownField) }
        if source == .publicForm, input.orgUnitId != nil, input.orgUnitId! <= 0 { v.add("orgUnitId", .notFound) }
        try v.finish()
    }

    /// records a complaint. Staff record it for a customer (or a caller who is none); a customer in the portal
    /// for themselves, about their own records; the public form for anyone, naming no record. The deadlines come from
    /// the complaint family's SLA policy on the branch's calendar. Nothing is written when anything is refused.
    public func open(_ asked: ComplaintInput, source: ComplaintSource, by actor: Actor) async throws -> ComplaintView {
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
            if [.request, .visit, .engineer, .unit, .product, .staff].contains(input.subject) {
                // The public form names what it is about in words; the handler links the record.
                input.subjectText = input.subjectText?.trimmed.nilIfEmpty
            }
        case .staff: break
        }
        try Self.check(input, source: source)
        if source == .publicForm, input.subject != .policy { input.subject = .other }
        let now = store.now
        let year = CalendarDate(now, in: store.timeZone).year
        let id = try await store.write { [input] db in
            var subject = try await Self.subject(of: input, within: scope, on: db)
            var customerName: String?
            var tier = CustomerTier.regular
            if let customerId = input.customerId {
                guard let customer = try await Records<CustomerRecord>.load(customerId, within: scope, on: db) else {
                    throw ValidationError(["customerId": .notFound])
                }
                if let owner = subject.customerId, owner != customerId {
                    throw ValidationError([
                        (input.subject.recordField ?? "subject"): .invalidValue(allowed: ["a record of the customer"])
                    ])
                }
                customerName = customer.name
                tier = customer.tier
                subject.orgUnitId = subject.orgUnitId ?? customer.orgUnitId
            }
            if let unit = input.orgUnitId {
                guard source != .portal,
                    let found = try await Records<OrgUnitRecord>.load(
                        unit, within: source == .publicForm ? .everything : scope, on: db)
                else { throw ValidationError(["orgUnitId": .notFound]) }
                if found.archivedAt != nil { throw ValidationError(["orgUnitId": .archived]) }
                subject.orgUnitId = unit
            }
            var orgUnitId = subject.orgUnitId ?? 0
            if subject.orgUnitId == nil { orgUnitId = try await Self.headquarters(on: db) }
            let deadlines = try await Self.deadlines(
                orgUnitId: orgUnitId, severity: input.severity, tier: tier, from: now, on: db)
            let sequence = try await db.raw(
                """
                INSERT INTO sequences (name, value) VALUES (\(bind: ComplaintNumber.sequenceName(year: year)), 1) \
                ON CONFLICT (name) DO UPDATE SET value = sequences.value + 1 RETURNING value
                """
            ).first(decodingColumn: "value", as: Int.self)!
            let currency = try await ReturnCases.currency(ofUnit: orgUnitId, on: db)
            let id = try await db.insert(into: "complaints")
                .columns(
                    "number", "org_unit_id", "customer_id", "complainant_name", "complainant_phone",
                    "complainant_email", "channel", "subject", "request_id", "visit_id", "engineer_id", "unit_id",
                    "product_model_id", "staff_user_id", "subject_text", "severity", "wish", "words", "wants", "status",
                    "supervisor_only", "compensation_kind", "currency", "policy_id", "ack_due_at",
                    "resolution_due_at", "reprocessed", "created_by", "version", "created_at", "updated_at"
                )
                .values(
                    SQLBind(ComplaintNumber(year: year, sequence: sequence).description), SQLBind(orgUnitId),
                    SQLBind(input.customerId),
                    SQLBind(input.complainantName?.trimmed.nilIfEmpty ?? customerName ?? ""),
                    SQLBind(input.complainantPhone?.trimmed.nilIfEmpty),
                    SQLBind(input.complainantEmail?.trimmed.nilIfEmpty),
                    SQLBind((input.channel ?? .phone).rawValue), SQLBind(input.subject.rawValue),
                    SQLBind(input.requestId), SQLBind(input.visitId), SQLBind(input.engineerId), SQLBind(input.unitId),
                    SQLBind(input.productModelId), SQLBind(input.staffUserId),
                    SQLBind(input.subjectText?.trimmed.nilIfEmpty), SQLBind(input.severity.rawValue),
                    SQLBind(input.wish.rawValue), SQLBind(input.words.trimmed),
                    SQLBind(input.wants?.trimmed.nilIfEmpty),
                    SQLBind(ComplaintStatus.received.rawValue), SQLBind(subject.aboutHandler),
                    SQLBind(CompensationKind.none.rawValue), SQLBind(currency.rawValue), SQLBind(deadlines.policyId),
                    SQLBind(deadlines.acknowledgement), SQLBind(deadlines.resolution), SQLBind(0),
                    SQLBind(actor.name), SQLBind(1), SQLBind(now), SQLBind(now)
                )
                .returning("id").first(decodingColumn: "id", as: Int.self)!
            try await Self.appendEvent(
                id, event: "open", from: nil, to: .received, note: nil, by: actor, at: now, on: db)
            try await AuditLog.append(
                on: db, entity: Self.entity, id: id, action: .create, actor: actor, at: now,
                before: ComplaintView?.none, after: try await Self.load(id, within: .everything, on: db))
            return id
        }
        guard let view = try await Self.load(id, within: .everything, on: store.sql) else {
            throw RecordNotFound(entity: Self.entity, id: id)
        }
        return source == .staff ? view : view.forCustomer()
    }

    /// The record the complaint names, checked against the caller's scope; a missing one is refused by its field.
    static func subject(of input: ComplaintInput, within scope: Scope, on db: any SQLDatabase) async throws -> Subject {
        func missing(_ field: String) -> ValidationError { ValidationError([field: .notFound]) }
        var subject = Subject()
        if let id = input.requestId {
            guard let request = try await ServiceRequests.load(id, within: scope, on: db) else {
                throw missing("requestId")
            }
            subject.orgUnitId = request.orgUnitId
            subject.customerId = request.customerId
        }
        switch input.subject {
        case .request, .policy, .other: break
        case .visit:
            guard
                let row = try await db.raw(
                    "SELECT request_id FROM visits WHERE id = \(bind: input.visitId ?? 0)"
                ).first(),
                let request = try await ServiceRequests.load(
                    try row.decode(column: "request_id", as: Int.self), within: scope, on: db)
            else { throw missing("visitId") }
            subject.orgUnitId = request.orgUnitId
            subject.customerId = request.customerId
        case .engineer:
            guard
                let row = try await db.raw(
                    """
                    SELECT u.org_unit_id FROM engineers e JOIN users u ON u.id = e.user_id \
                    WHERE e.id = \(bind: input.engineerId ?? 0)
                    """
                ).first()
            else { throw missing("engineerId") }
            let unit = try row.decode(column: "org_unit_id", as: Int.self)
            guard try await Records<OrgUnitRecord>.load(unit, within: scope, on: db) != nil else {
                throw missing("engineerId")
            }
            subject.orgUnitId = subject.orgUnitId ?? unit
        case .unit:
            guard let unit = try await Records<UnitRecord>.load(input.unitId ?? 0, within: scope, on: db) else {
                throw missing("unitId")
            }
            subject.customerId = unit.customerId
        case .product:
            guard
                try await Records<ProductModelRecord>.load(input.productModelId ?? 0, within: .everything, on: db)
                    != nil
            else { throw missing("productModelId") }
        case .staff:
            guard
                let row = try await db.raw(
                    "SELECT org_unit_id, roles FROM users WHERE id = \(bind: input.staffUserId ?? 0) AND customer_id IS NULL"
                ).first()
            else { throw missing("staffUserId") }
            let unit = try row.decode(column: "org_unit_id", as: Int.self)
            guard try await Records<OrgUnitRecord>.load(unit, within: scope, on: db) != nil else {
                throw missing("staffUserId")
            }
            subject.orgUnitId = subject.orgUnitId ?? unit
            let roles = Set(CommaSet.decode(try row.decode(column: "roles", as: String.self)) as [Role])
            subject.aboutHandler = !roles.isDisjoint(with: Role.complaintHandling)
        }
        return subject
    }

    /// The root of the organisation: complaints that name no branch belong to headquarters.
    static func headquarters(on db: any SQLDatabase) async throws -> Int {
        guard
            let id = try await db.raw("SELECT id FROM org_units WHERE parent_id IS NULL ORDER BY id LIMIT 1").first(
                decodingColumn: "id", as: Int.self)
        else { throw RecordNotFound(entity: "orgUnit", id: 0) }
        return id
    }

    /// the acknowledgement and resolution deadlines of a complaint from `start`: the complaint family's
    /// policy (its first-response and resolution targets) on the branch's calendar; without one, one and five working
    /// days.
    static func deadlines(
        orgUnitId: Int, severity: ComplaintSeverity, tier: CustomerTier, from start: Date, on db: any SQLDatabase
    ) async throws -> (policyId: Int?, acknowledgement: Date, resolution: Date) {
        let pathText =
            try await db.raw("SELECT path FROM org_units WHERE id = \(bind: orgUnitId)").first(
                decodingColumn: "path", as: String.self) ?? ""
        let path = pathText.split(separator: "/").compactMap { Int($0) }
        let policies = try await SLAPolicy.active(on: db).filter { $0.match.serviceFamily == .complaint }
        let facts = RequestFacts(
            type: .consultation, priority: severity.priority, emergency: severity == .critical,
            serviceFamilies: [.complaint], customerTier: tier, orgUnitPath: path)
        let policy = SLAPolicy.choose(from: policies, for: facts)
        let time = try await CalendarBook.load(forUnits: Set(path), on: db).calendar(forPath: path).workingTime
        func due(_ target: SLATarget, _ fallback: Int) -> Date {
            let rule = policy?.rule(for: target)
            let seconds = Double((rule?.minutes ?? fallback) * 60)
            if rule?.basis == .calendar { return start.addingTimeInterval(seconds) }
            return time.adding(seconds, to: start) ?? start.addingTimeInterval(seconds)
        }
        return (
            policy?.id, due(.firstResponse, ComplaintDeadlines.acknowledgementMinutes),
            due(.resolution, ComplaintDeadlines.resolutionMinutes)
        )
    }
}
