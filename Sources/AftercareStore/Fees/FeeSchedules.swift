import AftercareDomain
import Foundation
import SQLKit

/// an organisation unit's published fee schedule. It is never edited once published: the next one ends it the
/// day before it begins, and one not yet in effect may be withdrawn (archived).
public enum FeeScheduleRecord: RecordKind {
    public struct Input: Codable, Sendable, Equatable {
        public var orgUnitId: Int
        public var validFrom: CalendarDate
        /// Nil: until a later schedule begins.
        public var validTo: CalendarDate?
        public var labour: [LabourRate]
        public var travel: [TravelBand]
        public var training: [TrainingRate]?
        /// What changed, for the people who read the schedule.
        public var note: String?

        public init(
            orgUnitId: Int, validFrom: CalendarDate, validTo: CalendarDate? = nil, labour: [LabourRate],
            travel: [TravelBand], training: [TrainingRate]? = nil, note: String? = nil
        ) {
            self.orgUnitId = orgUnitId
            self.validFrom = validFrom
            self.validTo = validTo
            self.labour = labour
            self.travel = travel
            self.training = training
            self.note = note
        }
    }

    public struct Fields: Codable, Sendable {
        var orgUnitId: Int
        var currency: String
        var validFrom: String
        var validTo: String?
        var labour: String
        var travel: String
        var training: String
        var note: String?
    }

    public struct Row: Codable, Sendable {
        var orgUnitId: Int
        var currency: String
        var validFrom: String
        var validTo: String?
        var labour: String
        var travel: String
        var training: String
        var note: String?
        var unitName: String
    }

    public struct View: Codable, Sendable, Equatable, Identifiable {
        public var id: Int
        public var orgUnitId: Int
        /// The unit's name, as people know it.
        public var orgUnitName: String
        public var currency: Currency
        public var validFrom: CalendarDate
        public var validTo: CalendarDate?
        public var labour: [LabourRate]
        public var travel: [TravelBand]
        public var training: [TrainingRate]
        public var note: String?
        public var version: Int
        public var createdAt: Date
        public var updatedAt: Date
        /// Set when the schedule was withdrawn before it took effect.
        public var archivedAt: Date?

        /// The schedule as the pricing rule reads it.
        public var schedule: FeeSchedule {
            FeeSchedule(
                currency: currency, validFrom: validFrom, validTo: validTo, labour: labour, travel: travel,
                training: training)
        }
    }

    public static let table = "fee_schedules"
    public static let entity = "feeSchedule"
    public static let scopeField = "orgUnitId"

    public static func select(on db: any SQLDatabase) -> SQLSelectBuilder {
        db.select().column(SQLColumn(SQLLiteral.all, table: SQLIdentifier(table)))
            .column(SQLColumn("name", table: "u"), as: "unit_name")
            .from(table).join(
                SQLAlias(SQLIdentifier("org_units"), as: SQLIdentifier("u")), method: SQLJoinMethod.inner,
                on: SQLColumn("org_unit_id", table: table), .equal, SQLColumn("id", table: "u"))
    }

    /// A unit's staff read the schedules of their subtree and of the units above them (an outlet is priced by its
    /// branch's schedule, a branch by headquarters' when it has none of its own); they change only their subtree's
    /// (`FeeSchedules` checks the unit).
    public static func restrict(_ query: SQLSelectBuilder, to scope: Scope) -> SQLSelectBuilder {
        query.where(
            optional: ScopeSQL.condition(
                scope,
                orgUnit: { path in
                    let above = path.split(separator: "/").compactMap { Int($0) }
                    return SQLGroupExpression(
                        SQLBinaryExpression(
                            SQLBinaryExpression(
                                SQLColumn("org_unit_id", table: table), .in, ScopeSQL.unitsUnder(path)),
                            .or,
                            SQLBinaryExpression(SQLColumn("org_unit_id", table: table), .in, SQLBind.group(above))))
                },
                customer: { _ in ScopeSQL.nothing }))
    }

    /// A schedule is consistent (`FeeSchedule.problems`), belongs to a live unit, and bills in the unit's currency.
    /// Overlaps with the unit's other schedules are settled by `FeeSchedules.publish`.
    public static func validate(_ input: Input, id: Int?, on db: any SQLDatabase) async throws -> Fields {
        var v = Validator()
        var currency = Currency.cny
        if let unit = try await Records<OrgUnitRecord>.load(input.orgUnitId, within: .everything, on: db) {
            if unit.archivedAt != nil { v.add("orgUnitId", .archived) }
            currency = unit.currency
        } else {
            v.add("orgUnitId", .notFound)
        }
        let schedule = FeeSchedule(
            currency: currency, validFrom: input.validFrom, validTo: input.validTo, labour: input.labour,
            travel: input.travel, training: input.training ?? [])
        for (field, problem) in schedule.problems() { v.add(field, problem) }
        v.text("note", input.note, max: Limits.note)
        try v.finish()
        return Fields(
            orgUnitId: input.orgUnitId, currency: currency.rawValue, validFrom: input.validFrom.description,
            validTo: input.validTo?.description, labour: try JSONText.encode(input.labour),
            travel: try JSONText.encode(input.travel),
            training: try JSONText.encode(
                (input.training ?? []).map {
                    TrainingRate(content: $0.content.trimmed, method: $0.method, perHourMinor: $0.perHourMinor)
                }),
            note: input.note.map(\.trimmed).flatMap { $0.isEmpty ? nil : $0 })
    }

    public static func view(_ row: Row, meta: RecordMeta) throws -> View {
        View(
            id: meta.id, orgUnitId: row.orgUnitId, orgUnitName: row.unitName,
            currency: try Currency.stored(row.currency, column: "fee_schedules.currency"),
            validFrom: try day(row.validFrom, column: "fee_schedules.valid_from"),
            validTo: try row.validTo.map { try day($0, column: "fee_schedules.valid_to") },
            labour: try JSONText.decodeRemembered([LabourRate].self, from: row.labour),
            travel: try JSONText.decodeRemembered([TravelBand].self, from: row.travel),
            training: try JSONText.decodeRemembered([TrainingRate].self, from: row.training), note: row.note,
            version: meta.version, createdAt: meta.createdAt, updatedAt: meta.updatedAt, archivedAt: meta.archivedAt)
    }

    public static func input(from view: View) -> Input {
        Input(
            orgUnitId: view.orgUnitId, validFrom: view.validFrom, validTo: view.validTo, labour: view.labour,
            travel: view.travel, training: view.training, note: view.note)
    }

    static func day(_ text: String, column: String) throws -> CalendarDate {
        guard let day = CalendarDate(iso: text) else {
            throw UnknownStoredValue(column: column, value: text)
        }
        return day
    }
}

/// A schedule that already applies (or applied) cannot be withdrawn: what was priced from it must stay explainable.
public struct FeeScheduleInEffect: Error, Equatable, Sendable {
    public var id: Int
    public var validFrom: CalendarDate

    public init(id: Int, validFrom: CalendarDate) {
        self.id = id
        self.validFrom = validFrom
    }
}

/// publishing, withdrawing and finding the schedule that applies.
public struct FeeSchedules: Sendable {
    public let store: Store

    public init(_ store: Store) {
        self.store = store
    }

    /// Publishes a schedule for a unit, in one transaction with its audit entries:
    /// - a schedule of the unit beginning the same day is refused (`validFrom` duplicate): withdraw it first;
    /// - the unit's schedule in effect on `validFrom` ends the day before; a schedule already in effect is never ended
    ///   retroactively (`validFrom` before today is refused then), and one with an end may not cut short the schedule
    ///   it interrupts (its `validTo` is refused: leave it open);
    /// - a schedule without an end runs until the unit's next one begins; one with an end must end before it.
    public func publish(_ input: FeeScheduleRecord.Input, by actor: Actor) async throws -> FeeScheduleRecord.View {
        let now = store.now
        let scope = store.scope
        return try await store.write { db in
            var input = input
            guard try await Self.sees(input.orgUnitId, within: scope, on: db) else {
                throw ValidationError(["orgUnitId": .notFound])
            }
            try await Self.lockUnit(input.orgUnitId, on: db)
            let today = CalendarDate(now, in: try await Self.timeZone(of: input.orgUnitId, on: db))
            let others = try await Self.live(unit: input.orgUnitId, within: scope, on: db)
            if others.contains(where: { $0.validFrom == input.validFrom }) {
                throw ValidationError(["validFrom": .duplicate])
            }
            let interrupted = others.filter {
                $0.validFrom < input.validFrom && ($0.validTo.map { $0 >= input.validFrom } ?? true)
            }
            if input.validFrom < today, !interrupted.isEmpty {
                throw ValidationError(["validFrom": .mustNotBeBefore(field: "today")])
            }
            if let end = input.validTo, interrupted.contains(where: { $0.validTo.map { $0 > end } ?? true }) {
                throw ValidationError(["validTo": .invalidValue(allowed: [])])
            }
            let next = others.filter { $0.validFrom > input.validFrom }.min { $0.validFrom < $1.validFrom }
            if let next {
                let dayBefore = next.validFrom.adding(days: -1)
                if let end = input.validTo, end > dayBefore {
                    throw ValidationError(["validTo": .invalidValue(allowed: [dayBefore.description])])
                }
            }
            let openEnded = input.validTo == nil
            if openEnded, let next { input.validTo = next.validFrom.adding(days: -1) }
            let made = try await Records<FeeScheduleRecord>.insert(input, by: actor, at: now, within: scope, on: db)
            if openEnded, let next {
                // Ended by the next schedule: withdrawing that one lets this one run on.
                try await db.update(FeeScheduleRecord.table).set("ended_by", to: next.id)
                    .set("ended_from", to: SQLLiteral.null).where("id", .equal, made.id).run()
            }
            for earlier in interrupted {
                try await Self.setEnd(
                    earlier, to: input.validFrom.adding(days: -1), endedBy: made.id, by: actor, at: now, on: db)
            }
            return made
        }
    }

    /// Withdraws a schedule that has not taken effect in its unit's time zone; the schedules it had ended get back
    /// the end they had before.
    public func withdraw(_ id: Int, by actor: Actor) async throws -> FeeScheduleRecord.View {
        let now = store.now
        let scope = store.scope
        return try await store.write { db in
            // The unit first, then the schedule: the order publishing takes them in, so the two never deadlock.
            guard
                let unit = try await Records<FeeScheduleRecord>.load(id, within: scope, on: db)?.orgUnitId,
                try await Self.sees(unit, within: scope, on: db)
            else { throw RecordNotFound(entity: FeeScheduleRecord.entity, id: id) }
            try await Self.lockUnit(unit, on: db)
            guard let row = try await Records<FeeScheduleRecord>.lockedRow(id, within: scope, on: db) else {
                throw RecordNotFound(entity: FeeScheduleRecord.entity, id: id)
            }
            let schedule = try Records<FeeScheduleRecord>.view(of: row)
            guard schedule.archivedAt == nil else { throw RecordArchived(entity: FeeScheduleRecord.entity, id: id) }
            let zone = try await Self.timeZone(of: schedule.orgUnitId, on: db)
            guard schedule.schedule.standing(on: CalendarDate(now, in: zone)) == .upcoming else {
                throw FeeScheduleInEffect(id: id, validFrom: schedule.validFrom)
            }
            try await db.update(FeeScheduleRecord.table).set("archived_at", to: now).set("updated_at", to: now)
                .set("version", to: schedule.version + 1).where("id", .equal, id).run()
            let after = try await Records<FeeScheduleRecord>.reload(id, within: scope, on: db)
            try await AuditLog.append(
                on: db, entity: FeeScheduleRecord.entity, id: id, action: .archive, actor: actor, at: now,
                before: schedule, after: after)
            let ended = try await db.select().columns("id", "ended_from").from(FeeScheduleRecord.table)
                .where("ended_by", .equal, id).where("archived_at", .is, SQLLiteral.null).all()
            for row in ended {
                let earlierId = try row.decode(column: "id", as: Int.self)
                let end = try row.decode(column: "ended_from", as: String?.self)
                guard let earlier = try await Records<FeeScheduleRecord>.load(earlierId, within: .everything, on: db)
                else { continue }
                try await Self.setEnd(
                    earlier, to: try end.map { try FeeScheduleRecord.day($0, column: "fee_schedules.ended_from") },
                    endedBy: nil, by: actor, at: now, on: db)
            }
            return after
        }
    }

    /// the schedule that applies to a unit on a day: the unit's own, else that of the nearest unit above it that
    /// has one in the same currency (an outlet bills by its branch's schedule). Nil when none applies. Callers check
    /// that the caller sees the unit (`sees`); the units above are readable by it (`FeeScheduleRecord.restrict`).
    public func applicable(to orgUnitId: Int, on day: CalendarDate) async throws -> FeeScheduleRecord.View? {
        guard
            let unit = try await store.sql.select().columns("path", "currency").from("org_units")
                .where("id", .equal, orgUnitId).first()
        else { return nil }
        let path = try unit.decode(column: "path", as: String.self)
        let currency = try unit.decode(column: "currency", as: String.self)
        // From the unit itself up to the root.
        let units = path.split(separator: "/").compactMap { Int($0) }.reversed()
        let text = day.description
        let column = { (name: String) in SQLColumn(name, table: FeeScheduleRecord.table) }
        let rows = try await FeeScheduleRecord.select(on: store.sql)
            .where(column("org_unit_id"), .in, SQLBind.group(Array(units)))
            .where(column("archived_at"), .is, SQLLiteral.null)
            .where(column("valid_from"), .lessThanOrEqual, SQLBind(text))
            .where {
                $0.where(column("valid_to"), .is, SQLLiteral.null)
                    .orWhere(column("valid_to"), .greaterThanOrEqual, SQLBind(text))
            }
            .all()
        // A unit above that bills in another currency is not this unit's schedule (Madrid is never priced in yuan).
        let schedules = try rows.map(Records<FeeScheduleRecord>.view(of:)).filter { $0.currency.rawValue == currency }
        return units.lazy.compactMap { unit in schedules.first { $0.orgUnitId == unit } }.first
    }

    /// Serialises the changes of one unit's schedules: two managers publishing at once on PostgreSQL would otherwise
    /// both read the same schedules and publish overlapping ones (SQLite's writers are serialised already).
    static func lockUnit(_ id: Int, on db: any SQLDatabase) async throws {
        guard db.dialect.name != "sqlite" else { return }
        _ = try await db.select().column("id").from("org_units").where("id", .equal, id).for(.update).first()
    }

    /// A unit's schedules that are not withdrawn, in the order they begin.
    static func live(unit: Int, within scope: Scope, on db: any SQLDatabase) async throws -> [FeeScheduleRecord.View] {
        let rows = try await FeeScheduleRecord.restrict(
            FeeScheduleRecord.select(on: db)
                .where(SQLColumn("org_unit_id", table: FeeScheduleRecord.table), .equal, SQLBind(unit))
                .where(SQLColumn("archived_at", table: FeeScheduleRecord.table), .is, SQLLiteral.null),
            to: scope
        ).orderBy(SQLColumn("valid_from", table: FeeScheduleRecord.table)).all()
        return try rows.map(Records<FeeScheduleRecord>.view(of:))
    }

    /// Sets a schedule's last day, remembering (`endedBy`) which schedule's publishing ended it and the end it had, or
    /// (nil) forgetting it when that schedule is withdrawn.
    private static func setEnd(
        _ schedule: FeeScheduleRecord.View, to end: CalendarDate?, endedBy: Int?, by actor: Actor, at now: Date,
        on db: any SQLDatabase
    ) async throws {
        var update = db.update(FeeScheduleRecord.table).set("valid_to", to: end?.description)
            .set("version", to: schedule.version + 1).set("updated_at", to: now)
        if let endedBy {
            update = update.set("ended_by", to: endedBy).set("ended_from", to: schedule.validTo?.description)
        } else {
            update = update.set("ended_by", to: SQLLiteral.null).set("ended_from", to: SQLLiteral.null)
        }
        try await update.where("id", .equal, schedule.id).run()
        let after = try await Records<FeeScheduleRecord>.reload(schedule.id, within: .everything, on: db)
        try await AuditLog.append(
            on: db, entity: FeeScheduleRecord.entity, id: schedule.id, action: .update, actor: actor, at: now,
            before: schedule, after: after)
    }

    /// Today in the unit's time zone: the day a schedule is looked up for when none is named.
    public func today(of orgUnitId: Int) async throws -> CalendarDate {
        try await day(of: store.now, at: orgUnitId)
    }

    /// The day `moment` falls on in the unit's time zone.
    func day(of moment: Date, at orgUnitId: Int) async throws -> CalendarDate {
        CalendarDate(moment, in: try await Self.timeZone(of: orgUnitId, on: store.sql))
    }

    /// the schedule that applied to the unit at `moment`, on that day of its own time zone (the schedule a
    /// visit was done under).
    public func applicable(to orgUnitId: Int, at moment: Date) async throws -> FeeScheduleRecord.View? {
        try await applicable(to: orgUnitId, on: day(of: moment, at: orgUnitId))
    }

    /// The day asked for, or today in the unit's time zone.
    public func day(_ asked: CalendarDate?, of orgUnitId: Int) async throws -> CalendarDate {
        if let asked { return asked }
        return try await today(of: orgUnitId)
    }

    static func timeZone(of orgUnitId: Int, on db: any SQLDatabase) async throws -> TimeZone {
        let zone = try await db.select().column("time_zone").from("org_units").where("id", .equal, orgUnitId)
            .first(decodingColumn: "time_zone", as: String.self)
        return zone.flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: OrgUnitRecord.defaultTimeZone)!
    }
}
