import AftercareDomain
import Foundation
import SQLKit

/// R-8: return cases. A case belongs to its service request (registered with it when the customer or an agent opens
/// a case on its own), to that request's organisation unit for scope, and to the depot that receives the unit; the
/// depot's staff see the cases sent to it. Every step is on the case's timeline, the request's timeline and the
/// audit trail, in the same transaction as the change.
public struct ReturnCases: Sendable {
    public let store: Store

    public init(_ store: Store) {
        self.store = store
    }

    static let columns = """
        rc.*, sr.number AS request_number, d.name AS depot_unit_name, c.name AS customer_name, \
        fd.number AS credit_document_number
        """
    static let from = """
        FROM return_cases rc JOIN service_requests sr ON sr.id = rc.request_id \
        JOIN org_units d ON d.id = rc.depot_unit_id JOIN customers c ON c.id = rc.customer_id \
        LEFT JOIN fee_documents fd ON fd.id = rc.credit_document_id
        """

    /// R-14.2: the cases `scope` sees: those of its units' requests and those sent to its depot; a customer sees
    /// their own.
    static func visible(to scope: Scope) -> SQLQueryString {
        switch scope {
        case .everything: return ""
        case .orgSubtree(_, let path):
            return """
                 AND (rc.org_unit_id IN (SELECT id FROM org_units WHERE path LIKE \(bind: path + "%")) \
                OR rc.depot_unit_id IN (SELECT id FROM org_units WHERE path LIKE \(bind: path + "%")))
                """
        case .customer(let id): return " AND rc.customer_id = \(bind: id)"
        }
    }

    static func views(_ rows: [any SQLRow], on db: any SQLDatabase) async throws -> [ReturnCaseView] {
        guard !rows.isEmpty else { return [] }
        let ids = try rows.map { try $0.decode(column: "id", as: Int.self) }
        var units: [Int: [ReturnCaseUnitView]] = [:]
        for row in try await db.raw(
            """
            SELECT u.*, m.code AS model_code, m.name AS model_name, s.serial_number AS successor_serial \
            FROM return_case_units u JOIN product_models m ON m.id = u.model_id \
            LEFT JOIN units s ON s.id = u.successor_unit_id \
            WHERE u.case_id IN (\(SQLList(ids.map { SQLBind($0) }))) ORDER BY u.id
            """
        ).all() {
            let checklist = try row.decode(column: "checklist", as: String?.self)
            units[try row.decode(column: "case_id", as: Int.self), default: []].append(
                ReturnCaseUnitView(
                    unitId: try row.decode(column: "unit_id", as: Int.self),
                    serialNumber: try row.decode(column: "serial_number", as: String.self),
                    modelId: try row.decode(column: "model_id", as: Int.self),
                    modelCode: try row.decode(column: "model_code", as: String.self),
                    modelName: try row.decode(column: "model_name", as: String.self),
                    receivedSerial: try row.decode(column: "received_serial", as: String?.self),
                    checklist: try checklist.map { try JSONText.decode(InspectionAnswers.self, from: $0) },
                    findings: try row.decode(column: "findings", as: String?.self),
                    responsibility: try row.decodeStored("responsibility", as: Responsibility?.self),
                    usable: try row.decode(column: "usable", as: Bool?.self),
                    inspectedBy: try row.decode(column: "inspected_by", as: String?.self),
                    inspectedAt: try row.decode(column: "inspected_at", as: Date?.self),
                    successorUnitId: try row.decode(column: "successor_unit_id", as: Int?.self),
                    successorSerial: try row.decode(column: "successor_serial", as: String?.self)))
        }
        return try rows.map { row in
            let id = try row.decode(column: "id", as: Int.self)
            let status = try row.decodeStored("status", as: ReturnStatus.self)
            let resolution = try row.decodeStored("resolution", as: ReturnResolution?.self)
            let repair = try row.decode(column: "repair_minor", as: Int?.self)
            let newUnit = try row.decode(column: "new_unit_minor", as: Int?.self)
            let refund = try row.decode(column: "refund_minor", as: Int?.self)
            let costs =
                repair == nil && newUnit == nil && refund == nil
                ? nil : ReturnCosts(repairMinor: repair, newUnitMinor: newUnit, refundMinor: refund)
            return ReturnCaseView(
                id: id, number: try row.decode(column: "number", as: String.self),
                requestId: try row.decode(column: "request_id", as: Int.self),
                requestNumber: try row.decode(column: "request_number", as: String.self),
                orgUnitId: try row.decode(column: "org_unit_id", as: Int.self),
                depotUnitId: try row.decode(column: "depot_unit_id", as: Int.self),
                depotUnitName: try row.decode(column: "depot_unit_name", as: String.self),
                customerId: try row.decode(column: "customer_id", as: Int.self),
                customerName: try row.decode(column: "customer_name", as: String.self), status: status,
                allowedEvents: ReturnCaseLifecycle(status: status, resolution: resolution).allowedEvents,
                wish: try row.decodeStored("wish", as: ReturnWish.self),
                reason: try row.decode(column: "reason", as: String.self),
                contactName: try row.decode(column: "contact_name", as: String?.self),
                contactPhone: try row.decode(column: "contact_phone", as: String?.self),
                shipping: try row.decodeStored("shipping", as: ReturnShipping.self),
                shipFrom: try row.decode(column: "ship_from", as: String?.self),
                carrier: try row.decode(column: "carrier", as: String?.self),
                trackingNumber: try row.decode(column: "tracking_number", as: String?.self), resolution: resolution,
                proposal: try row.decodeStored("proposal", as: ReturnResolution?.self),
                currency: try row.decodeStored("currency", as: Currency.self), costs: costs,
                decisionNote: try row.decode(column: "decision_note", as: String?.self),
                approvalReason: try row.decodeStored(
                    "approval_reason", as: ReturnDecisionRule.ApprovalReason?.self),
                decidedBy: try row.decode(column: "decided_by", as: String?.self),
                approvedBy: try row.decode(column: "approved_by", as: String?.self),
                creditDocumentId: try row.decode(column: "credit_document_id", as: Int?.self),
                creditDocumentNumber: try row.decode(column: "credit_document_number", as: String?.self),
                returnCarrier: try row.decode(column: "return_carrier", as: String?.self),
                returnTrackingNumber: try row.decode(column: "return_tracking_number", as: String?.self),
                receivedAt: try row.decode(column: "received_at", as: Date?.self),
                shippedBackAt: try row.decode(column: "shipped_back_at", as: Date?.self),
                deliveredAt: try row.decode(column: "delivered_at", as: Date?.self),
                closedReason: try row.decode(column: "closed_reason", as: String?.self), units: units[id] ?? [],
                createdBy: try row.decode(column: "created_by", as: String.self),
                version: try row.decode(column: "version", as: Int.self),
                createdAt: try row.decode(column: "created_at", as: Date.self),
                updatedAt: try row.decode(column: "updated_at", as: Date.self))
        }
    }

    static func load(_ id: Int, within scope: Scope, on db: any SQLDatabase) async throws -> ReturnCaseView? {
        let sql: SQLQueryString =
            "SELECT \(unsafeRaw: columns) \(unsafeRaw: from) WHERE rc.id = \(bind: id)" + visible(to: scope)
        guard let row = try await db.raw(sql).first() else { return nil }
        return try await views([row], on: db).first
    }

    /// The case as the caller may see it: a customer gets it without the internal inspection and costs.
    func shown(_ view: ReturnCaseView) -> ReturnCaseView {
        if case .customer = store.scope { return view.forCustomer() }
        return view
    }

    public func get(_ id: Int) async throws -> ReturnCaseView {
        guard let view = try await Self.load(id, within: store.scope, on: store.sql) else {
            throw RecordNotFound(entity: "returnCase", id: id)
        }
        return shown(view)
    }

    /// The cases of `filter` the scope sees, newest first.
    public func list(_ filter: ReturnCaseFilter, page: PageRequest) async throws -> Page<ReturnCaseView> {
        var sql: SQLQueryString =
            "SELECT \(unsafeRaw: Self.columns) \(unsafeRaw: Self.from) WHERE 1 = 1" + Self.visible(to: store.scope)
        if !filter.statuses.isEmpty {
            sql = sql + " AND rc.status IN (\(SQLList(filter.statuses.map { SQLBind($0.rawValue) })))"
        }
        if let depot = filter.depotUnitId { sql = sql + " AND rc.depot_unit_id = \(bind: depot)" }
        if let customer = filter.customerId { sql = sql + " AND rc.customer_id = \(bind: customer)" }
        if let request = filter.requestId { sql = sql + " AND rc.request_id = \(bind: request)" }
        if let afterId = page.afterId { sql = sql + " AND rc.id < \(bind: afterId)" }
        sql = sql + " ORDER BY rc.id DESC LIMIT \(unsafeRaw: String(page.limit + 1))"
        let rows = try await store.sql.raw(sql).all()
        let db = store.sql
        return try await Page(rows: rows, limit: page.limit) { try await Self.views($0, on: db).map(shown) }
    }

    /// The cases of a request the scope sees (404 for a request it does not).
    public func of(request requestId: Int) async throws -> [ReturnCaseView] {
        guard try await ServiceRequests.load(requestId, within: store.scope, on: store.sql) != nil else {
            throw RecordNotFound(entity: "serviceRequest", id: requestId)
        }
        return try await list(ReturnCaseFilter(requestId: requestId), page: PageRequest(limit: 100)).items
    }

    /// The case's own timeline, oldest first.
    public func timeline(_ id: Int) async throws -> [ReturnCaseEventView] {
        _ = try await get(id)
        return try await store.sql.raw(
            "SELECT * FROM return_case_events WHERE case_id = \(bind: id) ORDER BY id LIMIT 1000"
        ).all().map { row in
            ReturnCaseEventView(
                id: try row.decode(column: "id", as: Int.self), at: try row.decode(column: "at", as: Date.self),
                actor: try row.decode(column: "actor", as: String.self),
                event: try row.decode(column: "event", as: String.self),
                from: try row.decodeStored("from_status", as: ReturnStatus?.self),
                to: try row.decodeStored("to_status", as: ReturnStatus.self),
                note: try row.decode(column: "note", as: String?.self))
        }
    }

    public func audit(_ id: Int, page: PageRequest) async throws -> Page<AuditEntry> {
        _ = try await get(id)
        return try await AuditLog.entries(of: "returnCase", id: id, page: page, on: store.sql)
    }

    // MARK: Opening

    /// R-8.1: opens a case for units of a request (all of them when none are named), or on its own with a return
    /// request registered for it. A customer opens cases for their own units only, by the portal. A unit already on
    /// an open case is refused.
    public func open(_ asked: ReturnCaseInput, by actor: Actor) async throws -> ReturnCaseView {
        var input = asked
        let scope = store.scope
        var v = Validator()
        v.text("reason", input.reason, required: true, max: Limits.longText)
        v.text("shipFrom", input.shipFrom, max: Limits.shortText)
        v.text("carrier", input.carrier, max: Limits.shortText)
        v.text("trackingNumber", input.trackingNumber, max: Limits.code)
        v.text("contactName", input.contactName, max: Limits.shortText)
        if let phone = input.contactPhone, !PhoneNumber.isValid(phone) {
            v.add("contactPhone", .invalidFormat(expected: "a phone number of 3 to 20 digits"))
        }
        if case .customer(let own) = scope {
            if let customer = input.customerId, customer != own { v.add("customerId", .notFound) }
            input.customerId = own
            input.channel = .portal
        }
        if input.requestId == nil {
            if input.customerId == nil { v.add("customerId", .required) }
            if (input.unitIds ?? []).isEmpty { v.add("unitIds", .required) }
        }
        if let units = input.unitIds {
            if units.count > Limits.unitsPerRequest {
                v.add("unitIds", .outOfRange(min: 1, max: Limits.unitsPerRequest))
            } else if Set(units).count != units.count {
                v.add("unitIds", .duplicate)
            }
        }
        try v.finish()
        let now = store.now
        let year = CalendarDate(now, in: store.timeZone).year
        let kind = store.kind
        let id = try await store.write { [input] db in
            let rules = try await Self.rules(on: db)
            let request: ServiceRequestView
            if let requestId = input.requestId {
                request = try await ServiceRequests.lockForWrite(
                    requestId, expectedVersion: nil, within: scope, on: db)
                guard request.status.isOpen else { throw RequestNotEditable(status: request.status) }
                if let customer = input.customerId, customer != request.customerId {
                    throw ValidationError(["customerId": .invalidValue(allowed: ["\(request.customerId)"])])
                }
                let own = Set(request.units.map(\.unitId))
                var problems: [String: FieldProblem] = [:]
                for (i, unit) in (input.unitIds ?? []).enumerated() where !own.contains(unit) {
                    problems["unitIds[\(i)]"] = .invalidValue(allowed: ["a unit of request \(request.number)"])
                }
                if own.isEmpty { problems["unitIds"] = .required }
                try ValidationError(problems).throwIfAny()
            } else {
                request = try await ServiceRequests.insert(
                    ServiceRequestInput(
                        customerId: input.customerId!, contactName: input.contactName,
                        contactPhone: input.contactPhone, unitIds: input.unitIds, channel: input.channel ?? .phone,
                        type: .returnExchange, faultDescription: input.reason.trimmed,
                        customerRequest: input.wish.rawValue),
                    by: actor, at: now, year: year, kind: kind, within: scope, on: db)
            }
            let unitIds = input.unitIds ?? request.units.map(\.unitId)
            try await Self.requireReturnable(unitIds, on: db)
            let sequence = try await db.raw(
                """
                INSERT INTO sequences (name, value) VALUES (\(bind: ReturnCaseNumber.sequenceName(year: year)), 1) \
                ON CONFLICT (name) DO UPDATE SET value = sequences.value + 1 RETURNING value
                """
            ).first(decodingColumn: "value", as: Int.self)!
            let currency = try await Self.currency(ofUnit: request.orgUnitId, on: db)
            let id = try await db.insert(into: "return_cases")
                .columns(
                    "number", "request_id", "org_unit_id", "depot_unit_id", "customer_id", "status", "wish",
                    "reason", "contact_name", "contact_phone", "shipping", "ship_from", "carrier", "tracking_number",
                    "currency", "created_by", "version", "created_at", "updated_at"
                )
                .values(
                    SQLBind(ReturnCaseNumber(year: year, sequence: sequence).description), SQLBind(request.id),
                    SQLBind(request.orgUnitId), SQLBind(rules.depotUnitId ?? request.orgUnitId),
                    SQLBind(request.customerId), SQLBind(ReturnStatus.applied.rawValue), SQLBind(input.wish.rawValue),
                    SQLBind(input.reason.trimmed),
                    SQLBind(input.contactName?.trimmed.nilIfEmpty ?? request.contactName),
                    SQLBind(input.contactPhone?.trimmed.nilIfEmpty ?? request.contactPhone),
                    SQLBind(input.shipping.rawValue), SQLBind(input.shipFrom?.trimmed.nilIfEmpty),
                    SQLBind(input.carrier?.trimmed.nilIfEmpty), SQLBind(input.trackingNumber?.trimmed.nilIfEmpty),
                    SQLBind(currency.rawValue), SQLBind(actor.name), SQLBind(1), SQLBind(now), SQLBind(now)
                )
                .returning("id").first(decodingColumn: "id", as: Int.self)!
            try await db.raw(
                """
                INSERT INTO return_case_units (case_id, unit_id, model_id, serial_number) \
                SELECT \(bind: id), id, model_id, serial_number FROM units \
                WHERE id IN (\(SQLList(unitIds.map { SQLBind($0) })))
                """
            ).run()
            try await Self.appendEvent(
                id, event: "open", from: nil, to: .applied, note: nil, by: actor, at: now, on: db)
            let after = try await Self.load(id, within: .everything, on: db)
            try await ServiceRequests.appendStep(
                .returnOpened, requestId: request.id, note: after?.number, by: actor, at: now, on: db)
            try await AuditLog.append(
                on: db, entity: "returnCase", id: id, action: .create, actor: actor, at: now,
                before: ReturnCaseView?.none, after: after)
            return id
        }
        return try await get(id)
    }

    /// Units that may go on a new case: in service, and on no other open case.
    static func requireReturnable(_ unitIds: [Int], on db: any SQLDatabase) async throws {
        guard !unitIds.isEmpty else { throw ValidationError(["unitIds": .required]) }
        let list = SQLList(unitIds.map { SQLBind($0) })
        var problems: [String: FieldProblem] = [:]
        let retired = Set(
            try await db.raw(
                """
                SELECT id FROM units WHERE id IN (\(list)) \
                AND (status <> \(bind: UnitStatus.inService.rawValue) OR archived_at IS NOT NULL)
                """
            ).all().map { try $0.decode(column: "id", as: Int.self) })
        let open = ReturnStatus.allCases.filter(\.isOpen).map { SQLBind($0.rawValue) }
        let busy = Set(
            try await db.raw(
                """
                SELECT u.unit_id FROM return_case_units u JOIN return_cases rc ON rc.id = u.case_id \
                WHERE u.unit_id IN (\(list)) AND rc.status IN (\(SQLList(open)))
                """
            ).all().map { try $0.decode(column: "unit_id", as: Int.self) })
        for (i, unit) in unitIds.enumerated() {
            if retired.contains(unit) {
                problems["unitIds[\(i)]"] = .archived
            } else if busy.contains(unit) {
                problems["unitIds[\(i)]"] = .duplicate
            }
        }
        try ValidationError(problems).throwIfAny()
    }

    static func currency(ofUnit id: Int, on db: any SQLDatabase) async throws -> Currency {
        guard let unit = try await Records<OrgUnitRecord>.load(id, within: .everything, on: db) else {
            throw RecordNotFound(entity: "orgUnit", id: id)
        }
        return unit.currency
    }

    static func appendEvent(
        _ id: Int, event: String, from: ReturnStatus?, to: ReturnStatus, note: String?, by actor: Actor, at now: Date,
        on db: any SQLDatabase
    ) async throws {
        try await db.insert(into: "return_case_events")
            .columns("case_id", "at", "actor", "event", "from_status", "to_status", "note")
            .values(
                SQLBind(id), SQLBind(now), SQLBind(actor.name), SQLBind(event), SQLBind(from?.rawValue),
                SQLBind(to.rawValue), SQLBind(note)
            ).run()
    }

    // MARK: Rules

    public func rules() async throws -> ReturnRules {
        try await Self.rules(on: store.sql)
    }

    static func rules(on db: any SQLDatabase) async throws -> ReturnRules {
        guard let row = try await db.raw("SELECT * FROM return_rules WHERE id = 1").first() else { return .defaults }
        return ReturnRules(
            depotUnitId: try row.decode(column: "depot_unit_id", as: Int?.self),
            approvalLimitMinor: try row.decode(column: "approval_limit_minor", as: Int.self),
            currency: try row.decodeStored("currency", as: Currency.self),
            exchangeWarranty: ExchangeWarranty(
                basis: try row.decodeStored("exchange_basis", as: ExchangeWarranty.Basis.self),
                months: try row.decode(column: "exchange_months", as: Int.self)))
    }

    /// Sets the organisation's return rules; the change is in the audit trail.
    public func setRules(_ rules: ReturnRules, by actor: Actor) async throws -> ReturnRules {
        var v = Validator()
        v.range("approvalLimitMinor", rules.approvalLimitMinor, 0...Money.maximumPriceMinor)
        v.range("exchangeWarranty.months", rules.exchangeWarranty.months, 0...120)
        try v.finish()
        let now = store.now
        try await store.write { db in
            if let depot = rules.depotUnitId {
                guard let unit = try await Records<OrgUnitRecord>.load(depot, within: .everything, on: db) else {
                    throw ValidationError(["depotUnitId": .notFound])
                }
                if unit.archivedAt != nil { throw ValidationError(["depotUnitId": .archived]) }
            }
            let before = try await Self.rules(on: db)
            try await db.raw(
                """
                INSERT INTO return_rules (id, depot_unit_id, approval_limit_minor, currency, exchange_basis, \
                exchange_months, updated_by, updated_at) VALUES (1, \(bind: rules.depotUnitId), \
                \(bind: rules.approvalLimitMinor), \(bind: rules.currency.rawValue), \
                \(bind: rules.exchangeWarranty.basis.rawValue), \(bind: rules.exchangeWarranty.months), \
                \(bind: actor.name), \(bind: now)) ON CONFLICT (id) DO UPDATE SET \
                depot_unit_id = \(bind: rules.depotUnitId), approval_limit_minor = \(bind: rules.approvalLimitMinor), \
                currency = \(bind: rules.currency.rawValue), exchange_basis = \(bind: rules.exchangeWarranty.basis.rawValue), \
                exchange_months = \(bind: rules.exchangeWarranty.months), updated_by = \(bind: actor.name), \
                updated_at = \(bind: now)
                """
            ).run()
            try await AuditLog.append(
                on: db, entity: "returnRules", id: 1, action: .update, actor: actor, at: now, before: before,
                after: rules)
        }
        return try await self.rules()
    }
}
