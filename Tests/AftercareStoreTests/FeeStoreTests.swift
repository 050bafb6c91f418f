import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import SQLKit
import Testing

@Suite("Fee schedules and pricing in the store (R-6)")
struct FeeStoreTests {
    /// 2026-12-07 10:00 in Shanghai.
    static let now = Date(timeIntervalSince1970: 1_796_608_800)
    static let actor = Actor(name: "manager")
    static let clock: @Sendable () -> Date = { now }
    /// 2026-06-15 and 2026-01-01, 10:00 in Shanghai: before the schedules a test publishes take effect.
    static let june: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_781_488_800) }
    static let newYear: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_767_232_800) }

    static func day(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }

    static func input(_ unit: Int, from: String, to: String? = nil, rate: Int = 12_000) -> FeeScheduleRecord.Input {
        FeeScheduleRecord.Input(
            orgUnitId: unit, validFrom: day(from), validTo: to.map(day),
            labour: [
                LabourRate(level: 1, difficulty: .a, basis: .perHour, amountMinor: rate - 4_000),
                LabourRate(level: 3, difficulty: .b, basis: .perHour, amountMinor: rate),
            ],
            travel: [TravelBand(upToKm: 20, amountMinor: 5_000), TravelBand(upToKm: nil, amountMinor: 15_000)],
            training: [TrainingRate(content: " operation ", method: .onSite, perHourMinor: 30_000)],
            note: "  ")
    }

    static func count(_ store: Store) async throws -> Int {
        try await store.sql.raw("SELECT COUNT(*) AS n FROM fee_schedules").first(decodingColumn: "n", as: Int.self)!
    }

    @Test(
        "publishing ends the schedule in effect, runs until the next one, and finds the nearest unit's",
        arguments: TestDatabase.all)
    func publish(database: TestDatabase) async throws {
        try await database.withStore(clock: Self.june) { store in
            let fixture = try await Fixture.make(store)
            let fees = FeeSchedules(store)
            let hq = try await fees.publish(Self.input(fixture.headquarters.id, from: "2026-01-01"), by: Self.actor)
            #expect(hq.currency == .cny && hq.orgUnitName == "总部" && hq.validTo == nil && hq.note == nil)
            #expect(hq.training.map(\.content) == ["operation"])
            let july = try await fees.publish(Self.input(fixture.branch.id, from: "2026-07-01"), by: Self.actor)
            let next = try await fees.publish(
                Self.input(fixture.branch.id, from: "2027-01-01", rate: 13_000), by: Self.actor)
            // the July schedule now ends the day before the next one begins, and the change is in its audit trail
            let ended = try await Records<FeeScheduleRecord>(store).get(july.id)
            #expect(ended.validTo == Self.day("2026-12-31") && ended.version == 2)
            let trail = try await Records<FeeScheduleRecord>(store).audit(july.id, page: PageRequest(limit: 10))
            #expect(trail.items.map(\.action) == [.update, .create])
            // one published in between runs until the next one and ends the one before it
            let october = try await fees.publish(Self.input(fixture.branch.id, from: "2026-10-01"), by: Self.actor)
            #expect(october.validTo == Self.day("2026-12-31"))
            #expect(try await Records<FeeScheduleRecord>(store).get(july.id).validTo == Self.day("2026-09-30"))
            // the branch's own schedule applies; before it, headquarters'
            for (text, expected) in [
                ("2026-06-30", hq.id), ("2026-07-01", july.id), ("2026-12-07", october.id), ("2027-03-01", next.id),
            ] {
                #expect(try await fees.applicable(to: fixture.branch.id, on: Self.day(text))?.id == expected, "\(text)")
            }
            #expect(try await fees.applicable(to: fixture.headquarters.id, on: Self.day("2027-03-01"))?.id == hq.id)
            #expect(try await fees.applicable(to: fixture.branch.id, on: Self.day("2025-12-31")) == nil)
            // the same first day twice, or an end past the next schedule: refused, nothing written
            let before = try await Self.count(store)
            await #expect(throws: ValidationError(["validFrom": .duplicate])) {
                try await fees.publish(Self.input(fixture.branch.id, from: "2026-10-01"), by: Self.actor)
            }
            await #expect(throws: ValidationError(["validTo": .invalidValue(allowed: ["2026-09-30"])])) {
                try await fees.publish(
                    Self.input(fixture.branch.id, from: "2026-08-01", to: "2026-10-15"), by: Self.actor)
            }
            #expect(try await Self.count(store) == before)
            #expect(try await Records<FeeScheduleRecord>(store).get(july.id).validTo == Self.day("2026-09-30"))
            // in December, October's schedule is in effect: it is not ended retroactively
            let december = FeeSchedules(store.withClock(Self.clock))
            await #expect(throws: ValidationError(["validFrom": .mustNotBeBefore(field: "today")])) {
                try await december.publish(Self.input(fixture.branch.id, from: "2026-11-01"), by: Self.actor)
            }
            #expect(try await Self.count(store) == before)
        }
    }

    @Test("a schedule is withdrawn only before it applies, and the one it ended runs on", arguments: TestDatabase.all)
    func withdraw(database: TestDatabase) async throws {
        try await database.withStore(clock: Self.clock) { store in
            let fixture = try await Fixture.make(store)
            let fees = FeeSchedules(store)
            let current = try await fees.publish(Self.input(fixture.branch.id, from: "2026-01-01"), by: Self.actor)
            let future = try await fees.publish(Self.input(fixture.branch.id, from: "2027-01-01"), by: Self.actor)
            #expect(try await Records<FeeScheduleRecord>(store).get(current.id).validTo == Self.day("2026-12-31"))
            await #expect(throws: FeeScheduleInEffect(id: current.id, validFrom: Self.day("2026-01-01"))) {
                try await fees.withdraw(current.id, by: Self.actor)
            }
            let withdrawn = try await fees.withdraw(future.id, by: Self.actor)
            #expect(withdrawn.archivedAt != nil)
            #expect(try await Records<FeeScheduleRecord>(store).get(current.id).validTo == nil)
            #expect(try await fees.applicable(to: fixture.branch.id, on: Self.day("2027-06-01"))?.id == current.id)
            await #expect(throws: RecordArchived.self) { try await fees.withdraw(future.id, by: Self.actor) }
            // a schedule with an end may not cut short the one it interrupts
            await #expect(throws: ValidationError(["validTo": .invalidValue(allowed: [])])) {
                try await fees.publish(
                    Self.input(fixture.branch.id, from: "2027-02-01", to: "2027-02-28"), by: Self.actor)
            }
            // a withdrawn schedule's first day is free again
            _ = try await fees.publish(Self.input(fixture.branch.id, from: "2027-01-01"), by: Self.actor)
            // withdrawing gives back exactly what publishing took: an end given at publishing stays
            let bounded = try await fees.publish(
                Self.input(fixture.headquarters.id, from: "2026-01-01", to: "2026-12-31"), by: Self.actor)
            let after = try await fees.publish(Self.input(fixture.headquarters.id, from: "2027-01-01"), by: Self.actor)
            _ = try await fees.withdraw(after.id, by: Self.actor)
            #expect(try await Records<FeeScheduleRecord>(store).get(bounded.id).validTo == Self.day("2026-12-31"))
            // one published before a later one runs until it; withdrawing the later one lets it run on
            let spring = try await fees.publish(Self.input(fixture.headquarters.id, from: "2027-03-01"), by: Self.actor)
            let winter = try await fees.publish(Self.input(fixture.headquarters.id, from: "2027-02-01"), by: Self.actor)
            #expect(winter.validTo == Self.day("2027-02-28"))
            _ = try await fees.withdraw(spring.id, by: Self.actor)
            #expect(try await Records<FeeScheduleRecord>(store).get(winter.id).validTo == nil)
        }
    }

    @Test(
        "a schedule names every field it cannot publish, and bills in its unit's currency", arguments: TestDatabase.all)
    func validation(database: TestDatabase) async throws {
        try await database.withStore(clock: Self.clock) { store in
            let fixture = try await Fixture.make(store)
            let fees = FeeSchedules(store)
            var bad = Self.input(fixture.branch.id, from: "2026-01-01", to: "2025-12-01")
            bad.labour.append(LabourRate(level: 9, difficulty: .a, basis: .perJob, amountMinor: -1))
            bad.travel = [TravelBand(upToKm: nil, amountMinor: 1), TravelBand(upToKm: 5, amountMinor: 1)]
            do {
                _ = try await fees.publish(bad, by: Self.actor)
                Issue.record("published")
            } catch let error as ValidationError {
                #expect(
                    Set(error.fields.keys) == [
                        "validTo", "labour.2.level", "labour.2.amount", "travel.0.upToKm",
                    ])
            }
            await #expect(throws: ValidationError(["orgUnitId": .notFound])) {
                try await fees.publish(Self.input(9_999, from: "2026-01-01"), by: Self.actor)
            }
            let madrid = try await Records<OrgUnitRecord>(store).create(
                .init(
                    code: "ES-MAD", name: "Madrid", kind: .branch, parentId: fixture.headquarters.id,
                    timeZone: "Europe/Madrid", currency: .eur), by: Self.actor)
            // headquarters' schedule is in yuan: it never prices Madrid, which bills in euros
            _ = try await fees.publish(Self.input(fixture.headquarters.id, from: "2026-01-01"), by: Self.actor)
            #expect(try await fees.applicable(to: madrid.id, on: Self.day("2026-06-01")) == nil)
            #expect(try await fees.applicable(to: fixture.branch.id, on: Self.day("2026-06-01")) != nil)
            let euros = try await fees.publish(Self.input(madrid.id, from: "2026-01-01"), by: Self.actor)
            #expect(madrid.currency == .eur && euros.currency == .eur)
            #expect(try await fees.applicable(to: madrid.id, on: Self.day("2026-06-01"))?.id == euros.id)
            #expect(try await Self.count(store) == 2)
        }
    }

    @Test(
        "a job is priced from the unit's warranty, the schedule and the catalogue, within scope",
        arguments: TestDatabase.all)
    func pricing(database: TestDatabase) async throws {
        try await database.withStore(clock: Self.clock) { store in
            let fixture = try await Fixture.make(store)
            let fees = FeeSchedules(store)
            let schedule = try await fees.publish(Self.input(fixture.branch.id, from: "2026-01-01"), by: Self.actor)
            let part = try await Records<PartRecord>(store).create(
                .init(partNumber: "DR-200", name: "感光鼓", managementFeePercent: 15, lastPrice: 1_999), by: Self.actor)
            let cable = try await Records<PartRecord>(store).create(
                .init(partNumber: "CB-1", name: "电源线", unit: .metre, managementFeePercent: 0), by: Self.actor)
            func job(_ cause: FaultCause) -> PricingRequest {
                PricingRequest(
                    orgUnitId: fixture.branch.id, units: [.init(unitId: fixture.unit.id, cause: cause)],
                    labour: [LabourWork(unitId: fixture.unit.id, level: 4, difficulty: .b, minutes: 90)],
                    travel: [TravelWork(meters: 25_000)],
                    parts: [
                        .init(unitId: fixture.unit.id, partId: part.id, quantity: 2),
                        .init(unitId: nil, partId: cable.id, quantity: 1.5, unitCostMinor: 77),
                    ])
            }
            // in warranty (accepted 2026-01-15, 12 months) with a quality defect: every line free, and why
            let free = try await fees.price(job(.qualityDefect))
            #expect(free.date == Self.day("2026-12-07") && free.scheduleId == schedule.id)
            #expect(free.scheduleOrgUnitName == "华东分公司")
            #expect(free.units.map(\.decision.status) == [.inWarranty])
            // 90 min × 120.00 = 180.00; 25 km: 150.00; 2 × (19.99 + 15 % = 22.99); 1.5 m × 0.77 = 1.155 → 1.16
            #expect(free.priced.lines.map(\.amountMinor) == [18_000, 15_000, 4_598, 116])
            #expect(free.priced.lines.map(\.reason) == [.inWarranty, .servedFreeUnit, .inWarranty, .servedFreeUnit])
            #expect(free.priced.chargedMinor == 0 && free.priced.freeMinor == 37_714)
            // man-made damage: the same work, all charged
            let charged = try await fees.price(job(.manMadeDamage))
            #expect(charged.units.map(\.decision.status) == [.outOfWarranty])
            #expect(charged.priced.chargedMinor == 37_714 && charged.priced.freeMinor == 0)
            #expect(charged.priced.lines.allSatisfy { $0.charge == .charged })
            // the cause not known yet: priced, waiting for the decision
            #expect(try await fees.price(job(.unknown)).priced.isFinal == false)
            // without an organisation unit, the unit's own prices it; another branch's schedule never does
            var own = job(.qualityDefect)
            own.orgUnitId = nil
            #expect(try await fees.price(own).scheduleId == schedule.id)
            let south = try await Records<OrgUnitRecord>(store).create(
                .init(code: "BR-SC", name: "华南分公司", kind: .branch, parentId: fixture.headquarters.id), by: Self.actor)
            var elsewhere = job(.qualityDefect)
            elsewhere.orgUnitId = south.id
            await #expect(throws: ValidationError(["units.0.unitId": .invalidValue(allowed: [])])) {
                try await fees.price(elsewhere)
            }
            // refusals name the field
            var bad = job(.qualityDefect)
            bad.parts = [.init(unitId: nil, partId: cable.id, quantity: 1)]
            await #expect(throws: ValidationError(["parts.0.unitCostMinor": .required])) { try await fees.price(bad) }
            bad.parts = [.init(unitId: nil, partId: part.id, quantity: 1.5)]
            await #expect(
                throws: ValidationError(["parts.0.quantity": .invalidFormat(expected: "a whole number of pieces")])
            ) {
                try await fees.price(bad)
            }
            bad.parts = nil
            bad.labour = [LabourWork(unitId: nil, level: 2, difficulty: .c, minutes: 5)]
            await #expect(throws: ValidationError(["labour.0.difficulty": .invalidValue(allowed: ["a"])])) {
                try await fees.price(bad)
            }
            bad.labour = nil
            bad.date = Self.day("2025-06-01")
            await #expect(throws: NoFeeSchedule(orgUnitId: fixture.branch.id, date: Self.day("2025-06-01"))) {
                try await fees.price(bad)
            }
            // another branch sees neither the unit nor the organisation unit
            let other = try await Records<OrgUnitRecord>(store).create(
                .init(code: "BR-S", name: "华南分公司", kind: .branch, parentId: fixture.headquarters.id), by: Self.actor)
            let outsider = store.seen(
                within: .orgSubtree(unitId: other.id, path: "/\(fixture.headquarters.id)/\(other.id)/"))
            await #expect(throws: ValidationError(["units.0.unitId": .notFound])) {
                try await FeeSchedules(outsider).price(job(.qualityDefect))
            }
            var branchOnly = job(.qualityDefect)
            branchOnly.units = nil
            branchOnly.labour = nil
            branchOnly.parts = nil
            await #expect(throws: ValidationError(["orgUnitId": .notFound])) {
                try await FeeSchedules(outsider).price(branchOnly)
            }
            await #expect(throws: RecordNotFound(entity: "feeSchedule", id: schedule.id)) {
                try await Records<FeeScheduleRecord>(outsider).get(schedule.id)
            }
            #expect(try await Records<FeeScheduleRecord>(outsider).list(page: PageRequest(limit: 10)).items.isEmpty)
            var theirs = job(.qualityDefect)
            theirs.orgUnitId = other.id
            _ = try await FeeSchedules(store).publish(Self.input(other.id, from: "2026-01-01"), by: Self.actor)
            await #expect(throws: ValidationError(["units.0.unitId": .notFound])) {
                try await FeeSchedules(outsider).price(theirs)
            }
        }
    }

    @Test(
        "managers publishing at once never leave overlapping schedules, and one first day wins once",
        arguments: TestDatabase.all)
    func concurrentPublishing(database: TestDatabase) async throws {
        try await database.withStore(clock: Self.newYear) { store in
            let fixture = try await Fixture.make(store)
            let fees = FeeSchedules(store)
            let days = ["2026-03-01", "2026-05-01", "2026-07-01", "2026-09-01", "2026-09-01", "2026-09-01"]
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for day in days {
                    group.addTask {
                        (try? await fees.publish(Self.input(fixture.branch.id, from: day), by: Self.actor)) != nil
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 4, "each first day once")
            let live = try await Records<FeeScheduleRecord>(store).list(page: PageRequest(limit: 20)).items
                .sorted { $0.validFrom < $1.validFrom }
            #expect(live.map(\.validFrom.description) == ["2026-03-01", "2026-05-01", "2026-07-01", "2026-09-01"])
            for (earlier, later) in zip(live, live.dropFirst()) {
                #expect(
                    earlier.validTo == later.validFrom.adding(days: -1),
                    "\(earlier.validFrom) ends before \(later.validFrom)")
            }
            #expect(live.last?.validTo == nil)
        }
    }
}
