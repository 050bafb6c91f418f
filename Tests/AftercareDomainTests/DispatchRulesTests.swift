import AftercareDomain
import Foundation
import Testing

@Suite("Visits and appointments (R-4)")
struct DispatchRulesTests {
    /// R-4 written out independently of the production table.
    static let expected: [VisitStatus: [VisitEventKind: VisitStatus]] = [
        .planned: [.assign: .planned, .schedule: .scheduled, .cancel: .cancelled],
        .scheduled: [
            .assign: .scheduled, .reschedule: .scheduled, .handBack: .planned, .depart: .enRoute, .arrive: .onSite,
            .cancel: .cancelled,
        ],
        .enRoute: [.arrive: .onSite, .handBack: .planned, .cancel: .cancelled],
        .onSite: [.complete: .completed, .reportIncomplete: .incomplete],
        .completed: [:], .incomplete: [:], .cancelled: [:],
    ]

    static let now = Date(timeIntervalSince1970: 1_770_000_000)

    /// what each event asks of the store (with a second visit as the next step of an incomplete one).
    static let expectedEffects: [VisitEventKind: [VisitEffect]] = [
        .assign: [], .schedule: [], .reschedule: [], .handBack: [.releaseEngineer], .depart: [.record(.departed)],
        .arrive: [.record(.arrived)], .complete: [.record(.finished)], .cancel: [.record(.finished)],
        .reportIncomplete: [.record(.finished), .planSecondVisit],
    ]

    @Test("an incomplete visit plans a second visit only when that is its next step", arguments: VisitNextStep.allCases)
    func secondVisitEffect(next: VisitNextStep) throws {
        // given a visit on site
        var lifecycle = VisitLifecycle(status: .onSite)
        // when it is reported incomplete
        let effects = try lifecycle.apply(
            VisitEvent(.reportIncomplete, reason: "part missing", nextStep: next), at: Self.now)
        // then
        #expect(effects == [.record(.finished)] + (next == .secondVisit ? [.planSecondVisit] : []))
        #expect(lifecycle.status == .incomplete)
    }

    @Test("the visit table has a row for every state and matches R-4")
    func table() {
        #expect(VisitLifecycle.transitions == Self.expected)
        #expect(Set(VisitLifecycle.transitions.keys) == Set(VisitStatus.allCases))
    }

    @Test(
        "every event in every state: applied exactly when allowed", arguments: VisitStatus.allCases,
        VisitEventKind.allCases)
    func everyPair(status: VisitStatus, event: VisitEventKind) throws {
        // given
        var lifecycle = VisitLifecycle(status: status)
        // when / then
        if let target = Self.expected[status]?[event] {
            let effects = try lifecycle.apply(
                VisitEvent(event, reason: "why", customerConsent: true, nextStep: .secondVisit), at: Self.now)
            #expect(lifecycle.status == target)
            #expect(effects == Self.expectedEffects[event])
        } else {
            #expect(
                throws: VisitLifecycleError.notAllowed(event: event, from: status, allowed: lifecycle.allowedEvents)
            ) {
                try lifecycle.apply(
                    VisitEvent(event, reason: "why", customerConsent: true, nextStep: .secondVisit), at: Self.now)
            }
            #expect(lifecycle.status == status)
        }
    }

    @Test("rescheduling needs a reason and the customer's consent; hand-back and cancel need a reason")
    func reasonsAndConsent() {
        var scheduled = VisitLifecycle(status: .scheduled)
        #expect(throws: VisitLifecycleError.reasonRequired(event: .reschedule)) {
            try scheduled.apply(VisitEvent(.reschedule, reason: "  ", customerConsent: true), at: Self.now)
        }
        #expect(throws: VisitLifecycleError.consentRequired) {
            try scheduled.apply(VisitEvent(.reschedule, reason: "customer away", customerConsent: false), at: Self.now)
        }
        #expect(throws: VisitLifecycleError.reasonRequired(event: .handBack)) {
            try scheduled.apply(VisitEvent(.handBack), at: Self.now)
        }
        #expect(throws: VisitLifecycleError.reasonRequired(event: .cancel)) {
            try scheduled.apply(VisitEvent(.cancel), at: Self.now)
        }
        var onSite = VisitLifecycle(status: .onSite)
        #expect(throws: VisitLifecycleError.nextStepRequired) {
            try onSite.apply(VisitEvent(.reportIncomplete, reason: "part missing"), at: Self.now)
        }
        #expect(scheduled.status == .scheduled)
        #expect(onSite.status == .onSite)
    }

    @Test(
        "the request follows its visits",
        arguments: [
            (VisitEventKind.arrive, RequestStatus.triaged, true, 0, RequestEventKind?.some(.startService)),
            (.arrive, .inService, true, 0, nil),
            (.complete, .inService, true, 0, .resolve),
            (.complete, .inService, true, 1, nil),
            (.complete, .inService, false, 0, nil),
            (.complete, .triaged, true, 0, .startService),
            (.complete, .resolved, true, 0, nil),
            (.depart, .triaged, true, 0, nil),
            (.reportIncomplete, .inService, false, 0, nil),
        ])
    func requestFollows(
        event: VisitEventKind, status: RequestStatus, resolved: Bool, others: Int, expected: RequestEventKind?
    ) {
        #expect(
            RequestFollowsVisits.requestEvent(
                after: event, requestStatus: status, resolved: resolved, otherOpenVisits: others) == expected)
    }

    static let zone = TimeZone(identifier: "Asia/Shanghai")!
    static func at(_ hour: Int, _ minute: Int = 0) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(from: DateComponents(year: 2026, month: 12, day: 1, hour: hour, minute: minute))!
    }

    static let day = CalendarDate(year: 2026, month: 12, day: 1)!
    static let shifts = [DateInterval(start: at(8, 30), end: at(12)), DateInterval(start: at(13), end: at(17, 30))]
    static let engineer = EngineerProfile(
        id: 1, name: "Li", orgUnitId: 1, skills: [EngineerSkill(productLineId: 7, level: 3)],
        absences: [
            Absence(
                from: CalendarDate(year: 2026, month: 12, day: 3)!, to: CalendarDate(year: 2026, month: 12, day: 4)!,
                reason: "training")
        ],
        maxVisitsPerDay: 3)

    @Test(
        "conflict detection before saving",
        arguments: [
            // a free morning slot
            (9, 0, 10, 30, [Booking](), 7, 2, [AppointmentConflict]()),
            // an arrival window across lunch is fine; one starting in the lunch break is not
            (11, 30, 13, 30, [], 7, 2, []),
            (12, 15, 13, 30, [], 7, 2, [.outsideWorkingHours]),
            // ending after the working day
            (16, 30, 18, 0, [], 7, 2, [.outsideWorkingHours]),
            // before the day starts
            (7, 0, 8, 30, [], 7, 2, [.outsideWorkingHours]),
            // overlapping another visit
            (10, 0, 11, 0, [Booking(visitId: 5, start: at(10, 30), end: at(11, 30))], 7, 2, [.overlaps(visitId: 5)]),
            // touching another visit is no overlap
            (10, 0, 11, 0, [Booking(visitId: 5, start: at(11), end: at(12))], 7, 2, []),
            // a skill the engineer lacks
            (14, 0, 15, 0, [], 7, 4, [.lacksSkill(productLineId: 7, level: 3, required: 4)]),
            (14, 0, 15, 0, [], 9, 1, [.lacksSkill(productLineId: 9, level: 0, required: 1)]),
        ])
    func conflicts(
        sh: Int, sm: Int, eh: Int, em: Int, bookings: [Booking], line: Int, level: Int, expected: [AppointmentConflict]
    ) {
        let found = Appointments.conflicts(
            engineer: Self.engineer, start: Self.at(sh, sm), end: Self.at(eh, em), date: Self.day, shifts: Self.shifts,
            bookings: bookings, requirements: [SkillRequirement(productLineId: line, minimumLevel: level)])
        #expect(found == expected)
    }

    @Test("an absent engineer and a full day are conflicts")
    func absentAndFull() {
        let away = CalendarDate(year: 2026, month: 12, day: 3)!
        #expect(
            Appointments.conflicts(
                engineer: Self.engineer, start: Self.at(9), end: Self.at(10), date: away, shifts: Self.shifts,
                bookings: [], requirements: []) == [.absent(reason: "training")])
        let full = (0..<3).map { Booking(visitId: 10 + $0, start: Self.at(13 + $0), end: Self.at(14 + $0)) }
        #expect(
            Appointments.conflicts(
                engineer: Self.engineer, start: Self.at(9), end: Self.at(10), date: Self.day, shifts: Self.shifts,
                bookings: full, requirements: []) == [.dayFull(limit: 3)])
    }

    @Test("an emergency displaces ordinary visits in its way, never another emergency or a missing skill")
    func displacement() {
        let ordinary = Booking(visitId: 5, start: Self.at(10), end: Self.at(11))
        let urgent = Booking(visitId: 6, start: Self.at(10), end: Self.at(11), emergency: true)
        #expect(Appointments.displaceable([.overlaps(visitId: 5)], bookings: [ordinary]) == [5])
        #expect(Appointments.displaceable([.overlaps(visitId: 5), .dayFull(limit: 3)], bookings: [ordinary]) == [5])
        #expect(Appointments.displaceable([.overlaps(visitId: 6)], bookings: [urgent]) == nil)
        #expect(Appointments.displaceable([.outsideWorkingHours], bookings: []) == nil)
        #expect(
            Appointments.displaceable([.lacksSkill(productLineId: 1, level: 0, required: 1)], bookings: []) == nil)
    }

    @Test("certifications expire at the end of their day")
    func certifications() {
        let licence = Certification(name: "electrician", expiresOn: CalendarDate(year: 2026, month: 12, day: 1)!)
        var engineer = Self.engineer
        engineer.certifications = [licence]
        #expect(engineer.missingCertifications(["electrician"], on: Self.day) == [])
        #expect(
            engineer.missingCertifications(["electrician"], on: CalendarDate(year: 2026, month: 12, day: 2)!)
                == ["electrician"])
        #expect(engineer.missingCertifications(["height"], on: Self.day) == ["height"])
    }

    @Test("the working periods of a day as instants: split day, holiday, 7×24")
    func shifts() throws {
        var calendar = BusinessCalendar.sevenByTwentyFour(timeZone: "Asia/Shanghai")
        let always = try #require(WorkingTime(calendar))
        #expect(
            always.shifts(on: Self.day) == [DateInterval(start: Self.at(0), end: Self.at(0).addingTimeInterval(86_400))]
        )
        calendar.alwaysOpen = false
        calendar.week =
            Array(repeating: [WorkingPeriod("08:30-12:00")!, WorkingPeriod("13:00-17:30")!], count: 5)
            + [[], []]
        calendar.exceptions = [CalendarException(date: Self.day, kind: .holiday, name: "test")]
        let office = try #require(WorkingTime(calendar))
        #expect(office.shifts(on: Self.day) == [])
        #expect(office.shifts(on: CalendarDate(year: 2026, month: 12, day: 2)!).count == 2)
        #expect(
            office.shifts(on: CalendarDate(year: 2026, month: 12, day: 2)!).first?.start
                == Self.at(8, 30).addingTimeInterval(86_400))
    }

    @Test("the default duration grows with the units")
    func estimate() {
        #expect(VisitEstimate.minutes(purpose: .repair, units: 1) == 90)
        #expect(VisitEstimate.minutes(purpose: .repair, units: 3) == 150)
        #expect(VisitEstimate.minutes(purpose: .diagnosis, units: 0) == 60)
        #expect(VisitEstimate.minutes(purpose: .installation, units: 2) == 150)
    }
}
