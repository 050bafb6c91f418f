import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import SQLKit
import Testing

/// Shanghai office hours on Monday 2026-11-23: `hour(10)` is 10:00.
func hour(_ h: Double) -> Date { monday9.addingTimeInterval((h - 9) * 3600) }

/// A field engineer at `unit` with `level` on the fixture's product line, living at `home`.
func engineer(
    _ name: String, level: Int, home: (Double, Double), _ fixture: Fixture, _ store: Store, unit: Int? = nil,
    absences: [Absence] = []
) async throws -> EngineerRecord.View {
    let user = try await staff(name, [.fieldEngineer], unit: unit ?? fixture.branch.id, store)
    return try await Records<EngineerRecord>(store).create(
        .init(
            userId: user, orgUnitId: unit ?? fixture.branch.id, level: level,
            skills: [EngineerSkill(productLineId: fixture.model.productLineId, level: level)], absences: absences,
            maxVisitsPerDay: 6, homeLatitude: home.0, homeLongitude: home.1), by: tester)
}

/// A triaged request with one visit at `place`, optionally in a window.
func triagedVisit(
    _ fixture: Fixture, _ store: Store, place: (Double, Double) = (31.23, 121.47), window: (Date, Date)? = nil,
    emergency: Bool = false
) async throws -> VisitView {
    let requests = ServiceRequests(at(store, monday9))
    let request = try await requests.register(repair(fixture), by: tester)
    _ = try await requests.post(.init(event: .triage, emergency: emergency ? true : nil), to: request.id, by: tester)
    return try await Visits(at(store, monday9)).create(
        VisitInput(
            purpose: .repair, windowStart: window?.0, windowEnd: window?.1, latitude: place.0, longitude: place.1),
        requestId: request.id, by: tester)
}

@Suite("Visits, appointments, recommendations and route plans in the store (R-4)")
struct DispatchStoreTests {
    @Test("a visit goes from planned to completed and its request follows", arguments: TestDatabase.all)
    func lifecycle(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let li = try await engineer("li", level: 3, home: (31.2, 121.4), fixture, store)
            let visit = try await triagedVisit(fixture, store)
            #expect(visit.status == .planned)
            #expect(visit.durationMinutes == 90)
            #expect(
                visit.requiredSkills == [SkillRequirement(productLineId: fixture.model.productLineId, minimumLevel: 2)])
            // when: scheduled 10:00–12:00, then worked through
            let visits = Visits(at(store, monday9))
            _ = try await visits.post(
                .init(event: .schedule, engineerId: li.id, windowStart: hour(10), windowEnd: hour(12)), to: visit.id,
                by: tester)
            _ = try await Visits(at(store, hour(10))).post(.init(event: .depart), to: visit.id, by: tester)
            let arrived = try await Visits(at(store, hour(10.5))).post(.init(event: .arrive), to: visit.id, by: tester)
            // then: arrival starts the service and meets the on-site clock
            #expect(arrived.visit.status == .onSite)
            #expect(arrived.visit.requestStatus == .inService)
            // when
            let done = try await Visits(at(store, hour(11.5))).post(
                .init(event: .complete, note: "fuser replaced"), to: visit.id, by: tester)
            // then
            #expect(done.visit.status == .completed)
            #expect(done.visit.requestStatus == .resolved)
            #expect(done.visit.timeline?.map(\.event) == [.schedule, .depart, .arrive, .complete])
            #expect(done.visit.arrivedAt == hour(10.5))
            let request = try await ServiceRequests(store).get(visit.requestId)
            let events = request.timeline?.map(\.event) ?? []
            #expect(events.contains("startService"))
            #expect(events.contains("resolve"))
            #expect(events.contains("visitPlanned"))
            #expect(try await count("audit_log", store) > 0)
            let audited = try await store.sql.raw(
                "SELECT COUNT(*) AS n FROM audit_log WHERE entity = 'visit' AND entity_id = \(bind: visit.id)"
            ).first(decodingColumn: "n", as: Int.self)
            #expect(audited == 5)
        }
    }

    @Test("a conflicting appointment is refused before anything is saved", arguments: TestDatabase.all)
    func conflicts(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: Li has a visit 10:00–11:00 and is away on Tuesday
            let fixture = try await Fixture.make(store)
            let tuesday = CalendarDate(year: 2026, month: 11, day: 24)!
            let li = try await engineer(
                "li", level: 3, home: (31.2, 121.4), fixture, store,
                absences: [Absence(from: tuesday, to: tuesday, reason: "training")])
            let first = try await triagedVisit(fixture, store)
            let second = try await triagedVisit(fixture, store)
            let visits = Visits(at(store, monday9))
            _ = try await visits.post(
                .init(event: .schedule, engineerId: li.id, windowStart: hour(10), windowEnd: hour(11)), to: first.id,
                by: tester)
            let eventsBefore = try await count("visit_events", store)
            // when / then: overlapping, in the evening, on the day away
            for (start, end, expected) in [
                (hour(10.5), hour(11.5), AppointmentConflict.overlaps(visitId: first.id)),
                (hour(19), hour(20), .outsideWorkingHours),
                (hour(34), hour(35), .absent(reason: "training")),
            ] {
                let refused = await #expect(throws: AppointmentRefused.self) {
                    try await visits.post(
                        .init(event: .schedule, engineerId: li.id, windowStart: start, windowEnd: end), to: second.id,
                        by: tester)
                }
                #expect(refused?.conflicts == [expected])
            }
            let unchanged = try await visits.get(second.id)
            #expect(unchanged.status == .planned)
            #expect(unchanged.version == 1)
            #expect(unchanged.engineerId == nil)
            #expect(try await count("visit_events", store) == eventsBefore)
            // and a window that ends where the other begins is fine
            let fine = try await visits.post(
                .init(event: .schedule, engineerId: li.id, windowStart: hour(8.5), windowEnd: hour(10)), to: second.id,
                by: tester)
            #expect(fine.visit.status == .scheduled)
        }
    }

    @Test("an emergency displaces an ordinary visit, whose customer is listed for a call", arguments: TestDatabase.all)
    func displacement(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let li = try await engineer("li", level: 3, home: (31.2, 121.4), fixture, store)
            let ordinary = try await triagedVisit(fixture, store)
            let urgent = try await triagedVisit(fixture, store, emergency: true)
            #expect(urgent.emergency)
            let visits = Visits(at(store, monday9))
            _ = try await visits.post(
                .init(event: .schedule, engineerId: li.id, windowStart: hour(10), windowEnd: hour(12)),
                to: ordinary.id, by: tester)
            // when: without displacing, refused; with it, the ordinary visit goes back to the queue
            await #expect(throws: AppointmentRefused.self) {
                try await visits.post(
                    .init(event: .schedule, engineerId: li.id, windowStart: hour(10), windowEnd: hour(11)),
                    to: urgent.id, by: tester)
            }
            let result = try await visits.post(
                .init(event: .schedule, engineerId: li.id, windowStart: hour(10), windowEnd: hour(11), displace: true),
                to: urgent.id, by: tester)
            // then
            #expect(result.visit.status == .scheduled)
            #expect(result.displaced.map(\.visitId) == [ordinary.id])
            #expect(result.displaced.first?.customerName == fixture.customer.name)
            let handed = try await visits.get(ordinary.id)
            #expect(handed.status == .planned)
            #expect(handed.engineerId == nil)
            #expect(handed.timeline?.last?.event == .handBack)
            #expect(handed.timeline?.last?.reason?.contains("emergency") == true)
            // and an ordinary visit may not displace anything
            await #expect(throws: AppointmentRefused.self) {
                try await visits.post(
                    .init(
                        event: .schedule, engineerId: li.id, windowStart: hour(10), windowEnd: hour(11), displace: true),
                    to: ordinary.id, by: tester)
            }
        }
    }

    @Test("rescheduling needs consent; a hand-back returns the visit to the queue", arguments: TestDatabase.all)
    func rescheduleAndHandBack(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let li = try await engineer("li", level: 3, home: (31.2, 121.4), fixture, store)
            let visit = try await triagedVisit(fixture, store)
            let visits = Visits(at(store, monday9))
            _ = try await visits.post(
                .init(event: .schedule, engineerId: li.id, windowStart: hour(10), windowEnd: hour(12)), to: visit.id,
                by: tester)
            // when / then
            await #expect(throws: VisitLifecycleError.consentRequired) {
                try await visits.post(
                    .init(
                        event: .reschedule, windowStart: hour(14), windowEnd: hour(16), reason: "customer in a meeting"),
                    to: visit.id, by: tester)
            }
            #expect(try await visits.get(visit.id).windowStart == hour(10))
            let moved = try await visits.post(
                .init(
                    event: .reschedule, windowStart: hour(14), windowEnd: hour(16), reason: "customer in a meeting",
                    customerConsent: true), to: visit.id, by: tester)
            #expect(moved.visit.windowStart == hour(14))
            #expect(moved.visit.timeline?.last?.customerConsent == true)
            #expect(moved.visit.timeline?.last?.reason == "customer in a meeting")
            let back = try await visits.post(
                .init(event: .handBack, reason: "van broke down"), to: visit.id, by: tester)
            #expect(back.visit.status == .planned)
            #expect(back.visit.engineerId == nil)
            var queue = VisitFilter()
            queue.statuses = [.planned]
            queue.unassigned = true
            #expect(try await visits.list(queue, page: PageRequest()).items.map(\.id) == [visit.id])
        }
    }

    @Test("an incomplete visit with a second visit as next step queues the next one", arguments: TestDatabase.all)
    func secondVisit(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let li = try await engineer("li", level: 3, home: (31.2, 121.4), fixture, store)
            let visit = try await triagedVisit(fixture, store)
            let visits = Visits(at(store, monday9))
            for event in [
                VisitEventInput(event: .schedule, engineerId: li.id, windowStart: hour(10), windowEnd: hour(12)),
                .init(event: .arrive),
            ] {
                _ = try await visits.post(event, to: visit.id, by: tester)
            }
            // when
            let result = try await visits.post(
                .init(event: .reportIncomplete, reason: "drum unit not in the van", nextStep: .secondVisit),
                to: visit.id, by: tester)
            // then
            #expect(result.visit.status == .incomplete)
            #expect(result.visit.nextStep == .secondVisit)
            let next = try await visits.get(try #require(result.followUpVisitId))
            #expect(next.sequence == 2)
            #expect(next.purpose == .secondVisit)
            #expect(next.status == .planned)
            #expect(next.requestStatus == .inService)
        }
    }

    @Test("bad visits are refused with the field named and nothing written", arguments: TestDatabase.all)
    func validation(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given
            let fixture = try await Fixture.make(store)
            let visit = try await triagedVisit(fixture, store)
            let before = try await count("visits", store)
            // when / then
            let window = await #expect(throws: ValidationError.self) {
                try await Visits(store).create(
                    VisitInput(purpose: .repair, durationMinutes: 0, windowStart: hour(12), windowEnd: hour(10)),
                    requestId: visit.requestId, by: tester)
            }
            #expect(window?.fields["windowEnd"] == .mustNotBeBefore(field: "windowStart"))
            #expect(window?.fields["durationMinutes"] == .outOfRange(min: 5, max: 1440))
            let missing = await #expect(throws: ValidationError.self) {
                try await Visits(store).post(.init(event: .schedule), to: visit.id, by: tester)
            }
            #expect(missing?.fields["windowStart"] == .required)
            await #expect(throws: VisitLifecycleError.self) {
                try await Visits(store).post(.init(event: .arrive), to: visit.id, by: tester)
            }
            #expect(try await count("visits", store) == before)
            #expect(try await Visits(store).get(visit.id).version == 1)
        }
    }

    @Test("recommendations: eligible first, the nearest ahead for an emergency, and why", arguments: TestDatabase.all)
    func recommendations(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: a visit in Shanghai; a near level-2, a far level-4, a trainee and one away today
            let fixture = try await Fixture.make(store)
            let near = try await engineer("near", level: 2, home: (31.24, 121.48), fixture, store)
            let far = try await engineer("far", level: 4, home: (31.8, 120.9), fixture, store)
            let trainee = try await engineer("trainee", level: 1, home: (31.23, 121.47), fixture, store)
            let monday = CalendarDate(year: 2026, month: 11, day: 23)!
            let away = try await engineer(
                "away", level: 5, home: (31.23, 121.47), fixture, store,
                absences: [Absence(from: monday, to: monday, reason: "leave")])
            let visit = try await triagedVisit(fixture, store, place: (31.23, 121.47), emergency: true)
            // when
            let ranked = try await DispatchPlanning(at(store, monday9)).recommendations(for: visit.id)
            // then
            #expect(ranked.map(\.engineerId).prefix(2) == [near.id, far.id])
            #expect(ranked.prefix(2).allSatisfy { $0.eligible })
            #expect(Set(ranked.suffix(2).map(\.engineerId)) == [trainee.id, away.id])
            #expect(ranked.first { $0.engineerId == away.id }?.blockers == ["away: leave"])
            #expect(ranked.first { $0.engineerId == trainee.id }?.blockers.first?.contains("level 2") == true)
            #expect(ranked[0].parts.map(\.factor) == ["skill", "travel", "load", "deadline"])
            #expect(ranked[0].travelSeconds < ranked[1].travelSeconds)
            // and accepting or overriding the first choice is recorded
            let chosen = try await Visits(at(store, monday9)).post(
                .init(event: .assign, engineerId: far.id, recommendedEngineerId: ranked[0].engineerId), to: visit.id,
                by: tester)
            #expect(chosen.visit.engineerId == far.id)
            #expect(chosen.visit.timeline?.last?.followedRecommendation == false)
            #expect(chosen.visit.timeline?.last?.recommendedEngineerId == near.id)
        }
    }

    @Test("a day's plan: every visit once, in its window and shift; accepted per engineer", arguments: TestDatabase.all)
    func routePlan(database: TestDatabase) async throws {
        try await database.withStore { store in
            // given: two engineers and eight visits around Shanghai, half with windows, one agreed with Li
            let fixture = try await Fixture.make(store)
            let li = try await engineer("li", level: 3, home: (31.20, 121.40), fixture, store)
            let wang = try await engineer("wang", level: 3, home: (31.30, 121.55), fixture, store)
            var ids: [Int] = []
            for index in 0..<8 {
                let place = (31.15 + Double(index % 4) * 0.05, 121.35 + Double(index / 2) * 0.06)
                let window = index % 2 == 0 ? (hour(9 + Double(index) / 2), hour(12 + Double(index) / 2)) : nil
                ids.append(try await triagedVisit(fixture, store, place: place, window: window).id)
            }
            _ = try await Visits(at(store, monday9)).post(
                .init(event: .schedule, engineerId: li.id, windowStart: hour(14), windowEnd: hour(16)), to: ids[1],
                by: tester)
            let monday = CalendarDate(year: 2026, month: 11, day: 23)!
            // when
            let planning = DispatchPlanning(at(store, monday9))
            let plan = try await planning.propose(
                orgUnitId: fixture.branch.id, date: monday, seconds: 1, seed: 7, by: tester)
            // then: each visit once, planned or explained
            let stops = plan.routes.flatMap(\.stops)
            #expect(Set(stops.map(\.visitId)).count == stops.count)
            #expect(Set(stops.map(\.visitId)).union(plan.unassigned.map(\.visitId)) == Set(ids))
            #expect(plan.routes.first { $0.engineerId == li.id }?.stops.contains { $0.visitId == ids[1] } == true)
            let all = try await Visits(store).list(VisitFilter(), page: PageRequest(limit: 50)).items
            for route in plan.routes {
                #expect(route.start >= hour(8.5))
                #expect(route.end <= hour(18))
                var previousEnd = route.start
                for stop in route.stops {
                    let visit = try #require(all.first { $0.id == stop.visitId })
                    #expect(stop.departure >= previousEnd)
                    #expect(stop.arrival <= stop.serviceStart)
                    #expect(stop.serviceEnd == stop.serviceStart.addingTimeInterval(Double(visit.durationMinutes * 60)))
                    if let start = visit.windowStart, let end = visit.windowEnd {
                        #expect(stop.serviceStart >= start && stop.serviceStart <= end)
                    }
                    previousEnd = stop.serviceEnd
                }
            }
            // when: accepted for Wang only, then for everyone
            let partial = try await planning.accept(plan.id, engineerIds: [wang.id], by: tester)
            #expect(partial.plan.status == (plan.routes.count == 1 ? .accepted : .partial))
            let wangs = plan.routes.first { $0.engineerId == wang.id }?.stops ?? []
            #expect(Set(partial.applied) == Set(wangs.map(\.visitId)))
            for (order, stop) in wangs.enumerated() {
                let visit = try await Visits(store).get(stop.visitId)
                #expect(visit.engineerId == wang.id)
                #expect(visit.routeOrder == order + 1)
                #expect(visit.plannedArrival == stop.serviceStart)
                #expect(visit.departureAt == stop.departure)
                // the customer's window makes an appointment; without one the engineer agrees a window first
                #expect(visit.status == (visit.windowStart == nil ? .planned : .scheduled))
            }
            // when: an emergency comes in; it is put into the proposal as a new proposal
            let urgent = try await triagedVisit(
                fixture, store, place: (31.22, 121.45), window: (hour(11), hour(13)), emergency: true)
            let inserted = try await planning.insert(visitId: urgent.id, into: plan.id, by: tester)
            // then: the emergency is planned; every agreed visit stays planned; an ordinary one may give way, and
            // is then listed with its reason
            let before = Set(stops.map(\.visitId))
            let after = inserted.routes.flatMap(\.stops).map(\.visitId)
            #expect(inserted.id != plan.id)
            #expect(Set(after).count == after.count)
            #expect(Set(after).union(inserted.unassigned.map(\.visitId)).isSuperset(of: before.union([urgent.id])))
            #expect(after.contains(urgent.id))
            let agreed = try await Visits(store).list(VisitFilter(), page: PageRequest(limit: 50)).items
                .filter { $0.status == .scheduled }.map(\.id)
            #expect(!agreed.isEmpty)
            #expect(Set(agreed).isSubset(of: Set(after)))
            let urgentStop = try #require(inserted.routes.flatMap(\.stops).first { $0.visitId == urgent.id })
            #expect(urgentStop.serviceStart >= hour(11) && urgentStop.serviceStart <= hour(13))
            await #expect(throws: ValidationError.self) {
                try await planning.insert(visitId: urgent.id, into: inserted.id, by: tester)
            }
            let whole = try await planning.accept(plan.id, engineerIds: nil, by: tester)
            #expect(whole.plan.status == .accepted)
            #expect(whole.skipped.isEmpty)
            await #expect(throws: ValidationError.self) {
                try await planning.accept(plan.id, engineerIds: [999_999], by: tester)
            }
        }
    }
}
