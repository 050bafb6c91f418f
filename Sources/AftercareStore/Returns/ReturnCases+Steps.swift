import AftercareDomain
import Foundation
import SQLKit

extension ReturnCases {
    /// What each step may carry; a field sent with another step is refused by name.
    static func check(_ step: ReturnStepInput, customer: Bool) throws {
        var v = Validator()
        v.text("note", step.note, required: step.event.requiresReason, max: Limits.note)
        v.text("carrier", step.carrier, max: Limits.shortText)
        v.text("trackingNumber", step.trackingNumber, max: Limits.code)
        let carries: [(String, Bool, Set<ReturnEventKind>)] = [
            ("carrier", step.carrier != nil, [.ship, .shipBack]),
            ("trackingNumber", step.trackingNumber != nil, [.ship, .shipBack]),
            ("serials", step.serials != nil, [.receive]),
            ("inspections", step.inspections != nil, [.inspect]),
            ("resolution", step.resolution != nil, [.decide]),
            ("costs", step.costs != nil, [.decide]),
            ("replacements", step.replacements != nil, [.shipBack]),
        ]
        for (field, present, events) in carries where present && !events.contains(step.event) {
            v.add(
                field, .invalidValue(allowed: ["only with " + events.map(\.rawValue).sorted().joined(separator: ", ")]))
        }
        switch step.event {
        case .receive where (step.serials ?? []).isEmpty: v.add("serials", .required)
        case .inspect where (step.inspections ?? []).isEmpty: v.add("inspections", .required)
        case .decide where step.resolution == nil: v.add("resolution", .required)
        default: break
        }
        for (i, serial) in (step.serials ?? []).enumerated() {
            v.text("serials[\(i)]", serial, required: true, max: Limits.code)
        }
        for (i, inspection) in (step.inspections ?? []).enumerated() {
            v.text("inspections[\(i)].findings", inspection.findings, max: Limits.note)
            let known = Set(InspectionItem.allCases.map(\.rawValue))
            for key in inspection.checklist.keys.sorted() where !known.contains(key) {
                v.add("inspections[\(i)].checklist.\(key)", .unknownField)
            }
            for item in InspectionAnswers(answers: inspection.checklist).missing(in: InspectionItem.allCases) {
                v.add("inspections[\(i)].checklist.\(item.rawValue)", .required)
            }
        }
        if let costs = step.costs {
            for (field, value) in [
                ("costs.repairMinor", costs.repairMinor), ("costs.newUnitMinor", costs.newUnitMinor),
                ("costs.refundMinor", costs.refundMinor),
            ] {
                v.range(field, value, 0...Money.maximumMinor)
            }
        }
        if step.resolution == .refund, (step.costs?.refundMinor ?? 0) <= 0 {
            v.add("costs.refundMinor", .required)
        }
        for (i, replacement) in (step.replacements ?? []).enumerated() {
            Checks.code("replacements[\(i)].serialNumber", replacement.serialNumber, into: &v)
        }
        if customer, ![.ship, .cancel].contains(step.event) {
            v.add("event", .invalidValue(allowed: [ReturnEventKind.ship.rawValue, ReturnEventKind.cancel.rawValue]))
        }
        try v.finish()
    }

    /// one step on a case. The lifecycle decides whether the step is allowed now; what it carries is written with
    /// it, and its effects (the depot clock, the exchange in the installed base, the refund's credit note, the
    /// follow-up) happen in the same transaction. A decision within the decider's limit is approved with it. A customer
    /// records how they sent the unit, or cancels before it arrives.
    public func post(_ step: ReturnStepInput, to id: Int, by actor: Actor) async throws -> ReturnCaseView {
        let scope = store.scope
        let customer: Bool
        if case .customer = scope { customer = true } else { customer = false }
        try Self.check(step, customer: customer)
        let now = store.now
        let zone = store.timeZone
        let year = CalendarDate(now, in: zone).year
        try await store.write { db in
            if db.dialect.name != "sqlite" {
                try await db.raw("SELECT id FROM return_cases WHERE id = \(bind: id) FOR UPDATE").run()
            }
            guard let before = try await Self.load(id, within: scope, on: db) else {
                throw RecordNotFound(entity: "returnCase", id: id)
            }
            if let expected = step.expectedVersion, expected != before.version {
                throw StaleVersion(entity: "returnCase", id: id, expected: expected, current: before.version)
            }
            var lifecycle = ReturnCaseLifecycle(status: before.status, resolution: before.resolution)
            let note = step.note?.trimmed.nilIfEmpty
            var effects = try lifecycle.apply(
                ReturnEvent(step.event, reason: note, resolution: step.resolution), at: now
            ) { status in
                ReturnStepNotAllowed(
                    id: id, status: status, event: step.event,
                    allowed: ReturnCaseLifecycle(status: status, resolution: before.resolution).allowedEvents)
            }
            var update = db.update("return_cases").set("version", to: before.version + 1).set("updated_at", to: now)
            var steps: [(ReturnEventKind, ReturnStatus, ReturnStatus, String?)] = [
                (step.event, before.status, lifecycle.status, note)
            ]
            switch step.event {
            case .ship:
                update = update.set("carrier", to: SQLBind(step.carrier?.trimmed.nilIfEmpty ?? before.carrier))
                    .set(
                        "tracking_number", to: SQLBind(step.trackingNumber?.trimmed.nilIfEmpty ?? before.trackingNumber)
                    )
            case .receive:
                try await Self.receive(step.serials ?? [], on: before, at: now, on: db)
                update = update.set("received_at", to: now)
            case .inspect:
                try await Self.inspect(step.inspections ?? [], on: before, by: actor, at: now, on: db)
                // the responsibility feeds the warranty decision, and with it the fee.
                try await ServiceRequests.decideWarranty(
                    before.requestId,
                    causes: (step.inspections ?? []).compactMap { inspection in
                        inspection.responsibility.faultCause.map { (inspection.unitId, $0) }
                    }, by: actor, at: now, timeZone: zone, on: db)
                for inspection in step.inspections ?? [] {
                    try await Nonconformities.inspected(
                        before, unitId: inspection.unitId, responsibility: inspection.responsibility, by: actor,
                        at: now, today: CalendarDate(now, in: zone), on: db)
                }
            case .decide:
                let resolution = step.resolution!
                let costs = step.costs ?? ReturnCosts()
                let inspected = try await Self.load(id, within: .everything, on: db)!.units
                let proposal = ReturnDecisionRule.proposal(
                    units: inspected.map { ($0.responsibility ?? .noFaultFound, $0.usable ?? false) },
                    wish: before.wish,
                    costs: costs)
                let rules = try await Self.rules(on: db)
                let reason = ReturnDecisionRule.approvalReason(
                    resolution, proposal: proposal, costs: costs,
                    limitMinor: rules.currency == before.currency ? rules.approvalLimitMinor : 0)
                update = update.set("resolution", to: resolution.rawValue).set("proposal", to: proposal.rawValue)
                    .set("repair_minor", to: SQLBind(costs.repairMinor))
                    .set("new_unit_minor", to: SQLBind(costs.newUnitMinor))
                    .set("refund_minor", to: SQLBind(costs.refundMinor)).set("decision_note", to: SQLBind(note))
                    .set("approval_reason", to: SQLBind(reason?.rawValue)).set("decided_by", to: actor.name)
                    .set("approved_by", to: SQLBind(reason == nil ? actor.name : nil))
                if reason == nil {
                    // Within the decider's limit: the decision stands as taken.
                    let from = lifecycle.status
                    effects += try lifecycle.apply(ReturnEvent(.approve), at: now)
                    steps.append((.approve, from, lifecycle.status, nil))
                }
            case .approve:
                update = update.set("approved_by", to: actor.name)
            case .sendBack:
                update = update.set("resolution", to: SQLBind(String?.none))
                    .set("approval_reason", to: SQLBind(String?.none))
            case .shipBack:
                update = update.set("return_carrier", to: SQLBind(step.carrier?.trimmed.nilIfEmpty))
                    .set("return_tracking_number", to: SQLBind(step.trackingNumber?.trimmed.nilIfEmpty))
                    .set("shipped_back_at", to: now)
            case .deliver:
                update = update.set("delivered_at", to: now)
            case .reject, .cancel:
                update = update.set("closed_reason", to: SQLBind(note))
            case .finishRepair:
                // The repair report says what was done before the unit goes to QA.
                let actions =
                    try await db.raw("SELECT actions FROM depot_repairs WHERE case_id = \(bind: id)")
                    .first(decodingColumn: "actions", as: String?.self) ?? nil
                if actions.isBlank { throw ValidationError(["repair.actions": .required]) }
            case .authorise, .passQA, .failQA, .close:
                break
            }
            try await update.set("status", to: lifecycle.status.rawValue).where("id", .equal, id).run()
            for (event, from, to, note) in steps {
                try await Self.appendEvent(
                    id, event: event.rawValue, from: from, to: to, note: note, by: actor, at: now, on: db)
                try await ServiceRequests.appendStep(
                    TimelineEvent(returnEvent: event), requestId: before.requestId,
                    note: [before.number, note].compactMap { $0 }.joined(separator: ": "), by: actor, at: now, on: db)
            }
            // The effects read the case as this step left it (the decision's costs, the units).
            let current = try await Self.load(id, within: .everything, on: db)!
            if steps.contains(where: { $0.0 == .approve }) {
                try await Nonconformities.decided(current, at: now, on: db)
            }
            for effect in effects {
                try await Self.perform(
                    effect, on: current, step: step, by: actor, at: now, year: year, zone: zone, on: db)
            }
            let after = try await Self.load(id, within: .everything, on: db)
            try await AuditLog.append(
                on: db, entity: "returnCase", id: id, action: .event, actor: actor, at: now, before: before,
                after: after)
        }
        return try await get(id)
    }

    /// the serials on the units that arrived must be the case's, every one of them.
    static func receive(_ serials: [String], on view: ReturnCaseView, at now: Date, on db: any SQLDatabase)
        async throws
    {
        func key(_ serial: String) -> String { serial.trimmed.uppercased() }
        var waiting = Dictionary(uniqueKeysWithValues: view.units.map { (key($0.serialNumber), $0) })
        for serial in serials {
            guard let unit = waiting.removeValue(forKey: key(serial)) else {
                throw ReturnSerialMismatch(received: serial.trimmed, expected: view.units.map(\.serialNumber))
            }
            try await db.update("return_case_units").set("received_serial", to: serial.trimmed)
                .where("case_id", .equal, view.id).where("unit_id", .equal, unit.unitId).run()
        }
        if !waiting.isEmpty {
            throw ValidationError([
                "serials": .invalidValue(allowed: view.units.map(\.serialNumber).sorted())
            ])
        }
    }

    /// every unit's inspection, once each.
    static func inspect(
        _ inspections: [UnitInspectionInput], on view: ReturnCaseView, by actor: Actor, at now: Date,
        on db: any SQLDatabase
    ) async throws {
        var problems: [String: FieldProblem] = [:]
        let units = Set(view.units.map(\.unitId))
        var seen = Set<Int>()
        for (i, inspection) in inspections.enumerated() {
            if !units.contains(inspection.unitId) {
                problems["inspections[\(i)].unitId"] = .invalidValue(allowed: view.units.map { "\($0.unitId)" })
            } else if !seen.insert(inspection.unitId).inserted {
                problems["inspections[\(i)].unitId"] = .duplicate
            }
        }
        if problems.isEmpty, seen != units {
            problems["inspections"] = .invalidValue(
                allowed: view.units.filter { !seen.contains($0.unitId) }.map(\.serialNumber))
        }
        try ValidationError(problems).throwIfAny()
        for inspection in inspections {
            try await db.update("return_case_units")
                .set("checklist", to: try JSONText.encode(InspectionAnswers(answers: inspection.checklist)))
                .set("findings", to: SQLBind(inspection.findings?.trimmed.nilIfEmpty))
                .set("responsibility", to: inspection.responsibility.rawValue).set("usable", to: inspection.usable)
                .set("inspected_by", to: actor.name).set("inspected_at", to: now)
                .where("case_id", .equal, view.id).where("unit_id", .equal, inspection.unitId).run()
        }
    }

    static func perform(
        _ effect: ReturnEffect, on view: ReturnCaseView, step: ReturnStepInput, by actor: Actor, at now: Date,
        year: Int, zone: TimeZone, on db: any SQLDatabase
    ) async throws {
        switch effect {
        case .startDepotClock, .stopDepotClock:
            try await SLAClocks.refresh([view.requestId], now: now, on: db)
        case .scheduleFollowUp:
            try await FollowUps.schedule(.depotReturn, requestId: view.requestId, at: now, on: db)
        case .exchangeUnit:
            try await exchange(view, replacements: step.replacements ?? [], by: actor, at: now, zone: zone, on: db)
        case .refund:
            guard let amount = view.costs?.refundMinor ?? nil, amount > 0 else {
                throw ValidationError(["costs.refundMinor": .required])
            }
            let documentId = try await FeeDocuments.insert(
                kind: .creditNote, owner: (view.requestId, view.orgUnitId, view.customerId), credits: nil,
                quoteId: nil, scheduleId: nil, currency: view.currency, billedMinor: amount, freeMinor: 0, lines: [],
                reason: "refund \(view.number)", by: actor, at: now, year: year, on: db)
            try await db.update("return_cases").set("credit_document_id", to: documentId).where("id", .equal, view.id)
                .run()
            let document = try await FeeDocuments.load(documentId, within: .everything, on: db)
            try await ServiceRequests.appendStep(
                .creditNoteIssued, requestId: view.requestId, note: document.map { "\($0.number) → \(view.number)" },
                by: actor, at: now, on: db)
            try await AuditLog.append(
                on: db, entity: "feeDocument", id: documentId, action: .create, actor: actor, at: now,
                before: FeeDocumentView?.none, after: document)
            // The refunded units stay with us: they leave the customer's installed base.
            for unit in view.units {
                try await retire(unit.unitId, successor: nil, by: actor, at: now, on: db)
            }
        }
    }

    /// each exchanged unit is retired with a link to the new unit that replaces it; the new one gets the
    /// warranty of the exchange rule and the old unit's place.
    static func exchange(
        _ view: ReturnCaseView, replacements: [ReplacementInput], by actor: Actor, at now: Date, zone: TimeZone,
        on db: any SQLDatabase
    ) async throws {
        var problems: [String: FieldProblem] = [:]
        var serials: [Int: String] = [:]
        let units = Set(view.units.map(\.unitId))
        for (i, replacement) in replacements.enumerated() {
            if !units.contains(replacement.unitId) {
                problems["replacements[\(i)].unitId"] = .invalidValue(allowed: view.units.map { "\($0.unitId)" })
            } else if serials.updateValue(replacement.serialNumber.trimmed, forKey: replacement.unitId) != nil {
                problems["replacements[\(i)].unitId"] = .duplicate
            }
        }
        if problems.isEmpty, Set(serials.keys) != units {
            problems["replacements"] = .invalidValue(
                allowed: view.units.filter { serials[$0.unitId] == nil }.map(\.serialNumber))
        }
        try ValidationError(problems).throwIfAny()
        let rules = try await Self.rules(on: db)
        let today = CalendarDate(now, in: zone)
        for (i, replacement) in replacements.enumerated() {
            guard let old = try await Records<UnitRecord>.load(replacement.unitId, within: .everything, on: db) else {
                throw RecordNotFound(entity: "unit", id: replacement.unitId)
            }
            let input = UnitRecord.Input(
                serialNumber: replacement.serialNumber.trimmed, modelId: old.modelId, customerId: old.customerId,
                orgUnitId: old.orgUnitId, projectId: old.projectId, siteAddress: old.siteAddress,
                latitude: old.latitude, longitude: old.longitude, dates: UnitDates(delivery: today),
                warrantyOverrideEnd: rules.exchangeWarranty.end(oldEnd: old.warranty?.end, exchangedOn: today),
                status: .inService)
            let new: UnitRecord.View
            do {
                new = try await Records<UnitRecord>.insert(input, by: actor, at: now, within: .everything, on: db)
            } catch let error as ValidationError {
                throw ValidationError(
                    Dictionary(
                        error.fields.map { ("replacements[\(i)].\($0.key)", $0.value) },
                        uniquingKeysWith: { first, _ in first }))
            }
            try await retire(old.id, successor: new.id, by: actor, at: now, on: db)
            try await db.update("return_case_units").set("successor_unit_id", to: new.id)
                .where("case_id", .equal, view.id).where("unit_id", .equal, old.id).run()
        }
    }

    /// Takes a unit out of service, naming the unit that replaced it (if any).
    static func retire(_ unitId: Int, successor: Int?, by actor: Actor, at now: Date, on db: any SQLDatabase)
        async throws
    {
        guard let before = try await Records<UnitRecord>.load(unitId, within: .everything, on: db) else {
            throw RecordNotFound(entity: "unit", id: unitId)
        }
        try await db.update("units").set("status", to: UnitStatus.retired.rawValue)
            .set("replaced_by_unit_id", to: SQLBind(successor)).set("version", to: before.version + 1)
            .set("updated_at", to: now).where("id", .equal, unitId).run()
        let after = try await Records<UnitRecord>.load(unitId, within: .everything, on: db)
        try await AuditLog.append(
            on: db, entity: "unit", id: unitId, action: .update, actor: actor, at: now, before: before, after: after)
    }
}
