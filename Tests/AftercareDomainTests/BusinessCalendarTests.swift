import AftercareDomain
import Foundation
import Testing

/// An instant written as local wall-clock time in a zone: `at("2026-11-23 09:00", "Asia/Shanghai")`.
func at(_ text: String, _ zone: String = "Asia/Shanghai") -> Date {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: zone)
    formatter.dateFormat = text.count > 16 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm"
    guard let date = formatter.date(from: text) else { fatalError("bad test instant \(text)") }
    return date
}

func utc(_ text: String) -> Date { at(text, "UTC") }

/// Monday–Friday 08:30–12:00 and 13:30–18:00 in Shanghai, with the 2026 National Day week off and two
/// make-up working days (a Sunday before it, a Saturday after it).
func shanghaiOffice() -> WorkingTime {
    var exceptions = (1...7).map {
        CalendarException(date: CalendarDate(year: 2026, month: 10, day: $0)!, kind: .holiday, name: "国庆节")
    }
    exceptions.append(CalendarException(date: CalendarDate(iso: "2026-09-27")!, kind: .workingDay, name: "调休"))
    exceptions.append(CalendarException(date: CalendarDate(iso: "2026-10-10")!, kind: .workingDay, name: "调休"))
    return WorkingTime(BusinessCalendar(timeZone: "Asia/Shanghai", exceptions: exceptions))!
}

/// Monday–Friday 09:00–14:00 and 16:00–19:00 in Madrid (a split day with a long lunch).
func madridOffice() -> WorkingTime {
    let day = [WorkingPeriod("09:00-14:00")!, WorkingPeriod("16:00-19:00")!]
    return WorkingTime(BusinessCalendar(timeZone: "Europe/Madrid", week: [day, day, day, day, day, [], []]))!
}

@Suite("Business calendars (R-3.1)")
struct BusinessCalendarTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var calendar: @Sendable () -> WorkingTime
        var from: Date
        var hours: Double
        var due: Date
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "split day: the lunch break does not count", calendar: shanghaiOffice,
            from: at("2026-11-23 11:00"), hours: 2, due: at("2026-11-23 14:30")),
        Case(
            name: "opened on a Saturday: counts from Monday's opening", calendar: shanghaiOffice,
            from: at("2026-11-21 10:00"), hours: 1, due: at("2026-11-23 09:30")),
        Case(
            name: "opened at night: counts from the next morning", calendar: shanghaiOffice,
            from: at("2026-11-23 22:15"), hours: 4, due: at("2026-11-24 14:00")),
        Case(
            name: "a holiday week is skipped", calendar: shanghaiOffice,
            from: at("2026-09-30 17:00"), hours: 8, due: at("2026-10-08 17:00")),
        Case(
            name: "a make-up Saturday (调休) is worked", calendar: shanghaiOffice,
            from: at("2026-10-09 17:00"), hours: 2, due: at("2026-10-10 09:30")),
        Case(
            name: "a make-up Sunday (调休) is worked", calendar: shanghaiOffice,
            from: at("2026-09-26 10:00"), hours: 1, due: at("2026-09-27 09:30")),
        Case(
            name: "ending exactly at closing time", calendar: shanghaiOffice,
            from: at("2026-11-23 17:00"), hours: 1, due: at("2026-11-23 18:00")),
        Case(
            name: "autumn DST change in Madrid over the weekend", calendar: madridOffice,
            from: utc("2026-10-23 16:00"), hours: 2, due: utc("2026-10-26 09:00")),
        Case(
            name: "spring DST change in Madrid over the weekend", calendar: madridOffice,
            from: utc("2026-03-27 17:00"), hours: 2, due: utc("2026-03-30 08:00")),
        Case(
            name: "7×24 counts every hour", calendar: { WorkingTime(.sevenByTwentyFour(timeZone: "Asia/Shanghai"))! },
            from: at("2026-11-21 10:00"), hours: 24, due: at("2026-11-22 10:00")),
    ]

    @Test("the instant a number of working hours after another", arguments: cases)
    func adding(_ c: Case) throws {
        // given
        let calendar = c.calendar()
        // when
        let due = try #require(calendar.adding(c.hours * 3600, to: c.from))
        // then
        #expect(due == c.due)
        #expect(calendar.seconds(from: c.from, to: due) == c.hours * 3600)
    }

    @Test("a local day is 23 or 25 hours long on the days the clocks change")
    func dstDayLengths() {
        // given: a calendar open all day every day, but as business hours, not 7×24
        let allDay = Array(repeating: [WorkingPeriod(start: 0, end: 1440)], count: 7)
        let madrid = WorkingTime(BusinessCalendar(timeZone: "Europe/Madrid", week: allDay))!
        // then
        #expect(
            madrid.seconds(from: at("2026-03-29 00:00", "Europe/Madrid"), to: at("2026-03-30 00:00", "Europe/Madrid"))
                == 23 * 3600)
        #expect(
            madrid.seconds(from: at("2026-10-25 00:00", "Europe/Madrid"), to: at("2026-10-26 00:00", "Europe/Madrid"))
                == 25 * 3600)
        #expect(
            madrid.seconds(from: at("2026-11-23 00:00", "Europe/Madrid"), to: at("2026-11-24 00:00", "Europe/Madrid"))
                == 24 * 3600)
    }

    @Test("working time is never more than calendar time, and adding inverts counting")
    func roundTrip() throws {
        // given
        var random = SeededRandom(seed: 20_261_124)
        for calendar in [shanghaiOffice(), madridOffice()] {
            for _ in 0..<500 {
                let from = utc("2026-01-01 00:00").addingTimeInterval(Double(random.next(upTo: 360 * 86_400)))
                let to = from.addingTimeInterval(Double(random.next(upTo: 30 * 86_400)))
                // when
                let working = calendar.seconds(from: from, to: to)
                // then
                #expect(working <= to.timeIntervalSince(from))
                let back = try #require(calendar.adding(working, to: from))
                #expect(back <= to)
                #expect(calendar.seconds(from: from, to: back) == working)
            }
        }
    }

    @Test("whether an instant is in working time")
    func isWorking() {
        let calendar = shanghaiOffice()
        #expect(calendar.isWorking(at: at("2026-11-23 09:00")))
        #expect(!calendar.isWorking(at: at("2026-11-23 12:30")))
        #expect(!calendar.isWorking(at: at("2026-11-22 10:00")))
        #expect(!calendar.isWorking(at: at("2026-10-01 10:00")))
        #expect(calendar.isWorking(at: at("2026-10-10 10:00")))
    }

    @Test("a calendar without working time is refused; bad periods are named")
    func problems() {
        #expect(
            BusinessCalendar(timeZone: "Asia/Shanghai", week: Array(repeating: [], count: 7)).problems().fields["week"]
                != nil)
        #expect(BusinessCalendar(timeZone: "Mars/Olympus").problems().fields["timeZone"] != nil)
        let overlapping = [WorkingPeriod("09:00-13:00")!, WorkingPeriod("12:00-18:00")!]
        let week = [overlapping, [], [], [], [], [], []]
        #expect(BusinessCalendar(timeZone: "UTC", week: week).problems().fields["week.monday"] != nil)
        #expect(WorkingPeriod("18:00-09:00") == nil)
        #expect(WorkingPeriod("08:30-24:00")?.end == 1440)
        #expect(WorkingPeriod("8:30-12:00") == nil)
    }

    @Test("a year of holidays goes out and comes back as CSV")
    func holidayCSV() throws {
        // given
        let exceptions = shanghaiOffice().calendar.exceptions
        // when
        let text = HolidayCSV.export(exceptions, year: 2026)
        let back = try HolidayCSV.parse(text)
        // then
        #expect(Set(back) == Set(exceptions))
        #expect(text.hasPrefix("date,kind,name\r\n2026-09-27,workingDay,调休\r\n"))
        let error = #expect(throws: CSV.ParseError.self) {
            try HolidayCSV.parse("date,kind,name\n2026-02-30,holiday,x\n")
        }
        #expect(error?.line == 2)
        #expect(throws: CSV.ParseError.self) { try HolidayCSV.parse("date,kind,name\n2026-02-03,vacation,x\n") }
        #expect(throws: CSV.ParseError.self) {
            try HolidayCSV.parse("date,kind,name\n2026-02-03,holiday,x\n2026-02-03,holiday,y\n")
        }
    }
}

/// A small deterministic generator (SplitMix64) so property tests repeat exactly.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(upTo bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
