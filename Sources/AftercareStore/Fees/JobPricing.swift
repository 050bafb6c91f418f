import AftercareDomain
import Foundation
import SQLKit

/// a job to price as people describe it: the unit's organisation, the day, the installed units with the cause of
/// their fault (the warranty is decided here, as for requests), the work, and parts by id and quantity (their
/// catalogue price and management fee are looked up).
public struct PricingRequest: Codable, Sendable, Equatable {
    public struct Unit: Codable, Sendable, Equatable {
        public var unitId: Int
        /// Unknown when not given: the decision then waits for it.
        public var cause: FaultCause?

        public init(unitId: Int, cause: FaultCause? = nil) {
            self.unitId = unitId
            self.cause = cause
        }
    }

    public struct Part: Codable, Sendable, Equatable {
        /// Nil: used on the job, not on one of its units.
        public var unitId: Int?
        public var partId: Int
        public var quantity: Double
        /// The purchase cost of one, in the schedule's currency; the catalogue's last price (in yuan) when not given.
        public var unitCostMinor: Int?

        public init(unitId: Int?, partId: Int, quantity: Double, unitCostMinor: Int? = nil) {
            self.unitId = unitId
            self.partId = partId
            self.quantity = quantity
            self.unitCostMinor = unitCostMinor
        }
    }

    /// The organisation unit whose schedule applies; the units' own (that of their customers) when not given. Every unit
    /// must belong under it.
    public var orgUnitId: Int?
    /// The day whose schedule applies; today in the unit's time zone when not given.
    public var date: CalendarDate?
    public var units: [Unit]?
    public var labour: [LabourWork]?
    public var travel: [TravelWork]?
    public var parts: [Part]?
    public var training: [TrainingWork]?

    public init(
        orgUnitId: Int?, date: CalendarDate? = nil, units: [Unit]? = nil, labour: [LabourWork]? = nil,
        travel: [TravelWork]? = nil, parts: [Part]? = nil, training: [TrainingWork]? = nil
    ) {
        self.orgUnitId = orgUnitId
        self.date = date
        self.units = units
        self.labour = labour
        self.travel = travel
        self.parts = parts
        self.training = training
    }

    /// At most this many units and lines of each kind in one job.
    public static let maximumEntries = 200
}

/// A priced job with what it was priced from: the schedule and each unit's warranty decision.
public struct PricingQuote: Codable, Sendable, Equatable {
    public struct UnitDecision: Codable, Sendable, Equatable {
        public var unitId: Int
        public var decision: WarrantyDecision
    }

    public var date: CalendarDate
    public var scheduleId: Int
    /// The unit whose schedule applied (the job's own, or the nearest above it).
    public var scheduleOrgUnitName: String
    public var units: [UnitDecision]
    public var priced: PricedJob
}

/// No published schedule applies to the unit on the day.
public struct NoFeeSchedule: Error, Equatable, Sendable {
    public var orgUnitId: Int
    public var date: CalendarDate

    public init(orgUnitId: Int, date: CalendarDate) {
        self.orgUnitId = orgUnitId
        self.date = date
    }
}

extension FeeSchedules {
    /// prices a job with the schedule that applies (`applicable`) and the pure rule (`Pricing.price`).
    /// Units and the organisation unit are read within the caller's scope: one out of it is named as not found.
    public func price(_ request: PricingRequest) async throws -> PricingQuote {
        var request = request
        var v = Validator()
        for (field, count) in [
            ("units", request.units?.count), ("labour", request.labour?.count), ("travel", request.travel?.count),
            ("parts", request.parts?.count), ("training", request.training?.count),
        ] where (count ?? 0) > PricingRequest.maximumEntries {
            v.add(field, .tooMany(max: PricingRequest.maximumEntries))
        }
        try v.finish()
        var views: [UnitRecord.View] = []
        for (index, asked) in (request.units ?? []).enumerated() {
            guard let unit = try await Records<UnitRecord>.load(asked.unitId, within: store.scope, on: store.sql) else {
                throw ValidationError(["units.\(index).unitId": .notFound])
            }
            views.append(unit)
        }
        // Where each unit belongs: its customer's organisation unit, all in one query.
        var homes: [Int: (id: Int, path: String)] = [:]
        if !views.isEmpty {
            let rows = try await store.sql.select()
                .column(SQLColumn("id", table: "customers"), as: "customer")
                .column(SQLColumn("id", table: "org_units")).column(SQLColumn("path", table: "org_units"))
                .from("customers")
                .join(
                    "org_units", on: SQLColumn("org_unit_id", table: "customers"), .equal,
                    SQLColumn("id", table: "org_units")
                )
                .where(SQLColumn("id", table: "customers"), .in, SQLBind.group(Array(Set(views.map(\.customerId)))))
                .all()
            for row in rows {
                homes[try row.decode(column: "customer", as: Int.self)] = (
                    try row.decode(column: "id", as: Int.self), try row.decode(column: "path", as: String.self)
                )
            }
        }
        if request.orgUnitId == nil, let first = views.first { request.orgUnitId = homes[first.customerId]?.id }
        guard let orgUnitId = request.orgUnitId,
            let path = try await Self.visiblePath(of: orgUnitId, within: store.scope, on: store.sql)
        else { throw ValidationError(["orgUnitId": request.orgUnitId == nil ? .required : .notFound]) }
        // A unit is priced by the schedule of the organisation that serves it (or one above it), never another's.
        var strangers = ValidationError()
        for (index, unit) in views.enumerated() where !(homes[unit.customerId]?.path.hasPrefix(path) ?? false) {
            strangers.fields["units.\(index).unitId"] = .invalidValue(allowed: [])
        }
        try strangers.throwIfAny()
        let day = try await day(request.date, of: orgUnitId)
        guard let schedule = try await applicable(to: orgUnitId, on: day) else {
            throw NoFeeSchedule(orgUnitId: orgUnitId, date: day)
        }
        var decisions: [PricingQuote.UnitDecision] = []
        var units: [PricingUnit] = []
        for (unit, asked) in zip(views, request.units ?? []) {
            let decision = UnitRecord.decision(for: unit, on: day, cause: asked.cause ?? .unknown)
            decisions.append(PricingQuote.UnitDecision(unitId: unit.id, decision: decision))
            units.append(PricingUnit(unitId: unit.id, decision: decision))
        }
        let parts = try await partWork(request.parts ?? [], currency: schedule.currency)
        let job = PricingJob(
            day: day, units: units, labour: request.labour ?? [], travel: request.travel ?? [], parts: parts,
            training: request.training ?? [])
        do {
            let priced = try Pricing.price(job, schedule: schedule.schedule)
            return PricingQuote(
                date: day, scheduleId: schedule.id, scheduleOrgUnitName: schedule.orgUnitName, units: decisions,
                priced: priced)
        } catch {
            // The rule names a part's cost `unitCost`; the request calls it `unitCostMinor`.
            let problems = error.problems(in: schedule.schedule).map { field, problem in
                (field.hasSuffix(".unitCost") ? field + "Minor" : field, problem)
            }
            throw ValidationError(Dictionary(problems, uniquingKeysWith: { first, _ in first }))
        }
    }

    /// The parts as the pricing rule reads them, all looked up in one query.
    private func partWork(_ asked: [PricingRequest.Part], currency: Currency) async throws -> [PartWork] {
        guard !asked.isEmpty else { return [] }
        let ids = Set(asked.map(\.partId))
        let rows = try await store.sql.select().columns("id", "unit", "last_price", "management_fee_percent")
            .from("parts").where("id", .in, SQLBind.group(Array(ids))).where("archived_at", .is, SQLLiteral.null)
            .all()
        var catalogue: [Int: (unit: UnitOfMeasure, price: Int?, fee: Double)] = [:]
        for row in rows {
            catalogue[try row.decode(column: "id", as: Int.self)] = (
                try row.decodeStored("unit", as: UnitOfMeasure.self),
                try row.decode(column: "last_price", as: Int?.self),
                try row.decode(column: "management_fee_percent", as: Double.self)
            )
        }
        var v = Validator()
        var work: [PartWork] = []
        for (index, part) in asked.enumerated() {
            guard let known = catalogue[part.partId] else {
                v.add("parts.\(index).partId", .notFound)
                continue
            }
            let quantity: Int
            switch Quantity.milli(part.quantity, unit: known.unit) {
            case .accepted(let milli): quantity = milli
            case .refused(let problem):
                v.add("parts.\(index).quantity", problem)
                continue
            }
            let cost: Money
            if let given = part.unitCostMinor {
                cost = Money(minor: given, currency: currency)
            } else if let price = known.price {
                cost = Money(minor: price, currency: .cny)
            } else {
                v.add("parts.\(index).unitCostMinor", .required)
                continue
            }
            work.append(
                PartWork(
                    unitId: part.unitId, partId: part.partId, quantityMilli: quantity, unitCost: cost,
                    feeBasisPoints: Int((known.fee * 100).rounded())))
        }
        try v.finish()
        return work
    }

    /// Whether the caller's scope sees the live organisation unit `id`.
    public func sees(_ id: Int) async throws -> Bool {
        try await Self.visiblePath(of: id, within: store.scope, on: store.sql) != nil
    }

    static func sees(_ id: Int, within scope: Scope, on db: any SQLDatabase) async throws -> Bool {
        try await visiblePath(of: id, within: scope, on: db) != nil
    }

    /// the materialised path of the live organisation unit `id` when the scope sees it
    /// (`ScopeSQL.orgUnitCondition`), else nil.
    static func visiblePath(of id: Int, within scope: Scope, on db: any SQLDatabase) async throws -> String? {
        var condition: SQLQueryString = "id = \(bind: id) AND archived_at IS NULL"
        if let scoped = ScopeSQL.orgUnitCondition("id", scope) { condition = condition + " AND " + scoped }
        return try await db.raw("SELECT path FROM org_units WHERE \(condition)").first(
            decodingColumn: "path", as: String.self)
    }
}
