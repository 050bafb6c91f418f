import AftercareDomain
import Foundation
import Testing

/// Builds a date the test knows to be real.
func day(_ iso: String) -> CalendarDate {
    guard let date = CalendarDate(iso: iso) else { fatalError("not a date: \(iso)") }
    return date
}

@Suite("CalendarDate")
struct CalendarDateTests {
    // MARK: Construction and parsing

    @Test(
        "init(year:month:day:) accepts real days and rejects impossible ones",
        arguments: [
            (2026, 3, 15, true), (2024, 2, 29, true), (2000, 2, 29, true), (1900, 2, 29, false),
            (2025, 2, 29, false), (2026, 4, 31, false), (2026, 6, 30, true), (2026, 12, 31, true),
            (2026, 13, 1, false), (2026, 0, 1, false), (2026, 1, 0, false), (2026, 1, 32, false),
            (0, 1, 1, false), (1, 1, 1, true), (9999, 12, 31, true), (10000, 1, 1, false), (-1, 1, 1, false),
        ])
    func componentsValidation(year: Int, month: Int, dayOfMonth: Int, valid: Bool) {
        // given the parts (year, month, day)
        // when
        let date = CalendarDate(year: year, month: month, day: dayOfMonth)
        // then
        #expect((date != nil) == valid)
        if let date {
            #expect(date.year == year && date.month == month && date.day == dayOfMonth)
        }
    }

    @Test(
        "ISO parsing accepts YYYY-MM-DD",
        arguments: [
            ("2026-03-15", 2026, 3, 15), ("2024-02-29", 2024, 2, 29), ("0001-01-01", 1, 1, 1),
            ("9999-12-31", 9999, 12, 31), ("2026-01-09", 2026, 1, 9),
        ])
    func isoParsingAccepts(text: String, year: Int, month: Int, dayOfMonth: Int) {
        // given an ISO day
        // when
        let date = CalendarDate(iso: text)
        // then
        #expect(date == CalendarDate(year: year, month: month, day: dayOfMonth))
        #expect(date != nil)
    }

    @Test(
        "ISO parsing is strict",
        arguments: [
            "2026-02-30", "2025-02-29", "1900-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00",
            "0000-01-01", "2026-2-3", "2026-02-3", "2026-2-03", "26-02-03", "02026-02-03", "2026-002-03",
            "abcd-ef-gh", "2026-0a-01", "2026-01-1x", "x026-01-01", "2026/02/03", "20260203", "2026.02.03", "",
            " 2026-02-03", "2026-02-03 ", "2026-02-03T00:00:00Z", "2026-02-03-", "-2026-02-03", "2026--02-03",
            "+202-01-01", "2026-+1-01", "2026-01--1", "２０２６-02-03", "٢٠٢٦-02-03", "2026-02",
        ])
    func isoParsingRejects(text: String) {
        // given a text that is not a real YYYY-MM-DD day
        // when
        let date = CalendarDate(iso: text)
        // then
        #expect(date == nil)
    }

    @Test(
        "description is zero-padded YYYY-MM-DD and parses back",
        arguments: [
            (2026, 3, 5, "2026-03-05"), (5, 1, 2, "0005-01-02"), (999, 12, 31, "0999-12-31"),
            (2024, 2, 29, "2024-02-29"),
        ])
    func descriptionRoundTrip(year: Int, month: Int, dayOfMonth: Int, text: String) throws {
        // given
        let date = try #require(CalendarDate(year: year, month: month, day: dayOfMonth))
        // when
        let description = date.description
        // then
        #expect(description == text)
        #expect(CalendarDate(iso: description) == date)
    }

    @Test("dates order by year, then month, then day")
    func ordering() {
        // given
        let dates = ["2026-01-02", "2025-12-31", "2026-01-01", "2026-02-01", "2024-02-29"].map(day)
        // when
        let sorted = dates.sorted()
        // then
        #expect(sorted.map(\.description) == ["2024-02-29", "2025-12-31", "2026-01-01", "2026-01-02", "2026-02-01"])
        #expect(day("2026-01-31") < day("2026-02-01"))
        #expect(!(day("2026-02-01") < day("2026-02-01")))
    }

    @Test(
        "the day of an instant depends on the time zone",
        arguments: [(0, "2026-03-14"), (8 * 3600, "2026-03-15"), (-8 * 3600, "2026-03-14"), (-14 * 3600, "2026-03-14")])
    func dayOfInstant(offsetSeconds: Int, expected: String) throws {
        // given 2026-03-14T23:30:00Z
        let instant = Date(timeIntervalSince1970: 1_773_531_000)
        let zone = try #require(TimeZone(secondsFromGMT: offsetSeconds))
        // when
        let date = CalendarDate(instant, in: zone)
        // then
        #expect(date == day(expected))
    }

    // MARK: Adding days

    @Test(
        "adding days crosses month and year boundaries, forwards and backwards",
        arguments: [
            ("2026-03-15", 0, "2026-03-15"), ("2026-01-31", 1, "2026-02-01"), ("2025-12-31", 1, "2026-01-01"),
            ("2026-01-01", -1, "2025-12-31"), ("2026-03-01", -1, "2026-02-28"), ("2024-03-01", -1, "2024-02-29"),
            ("2024-02-28", 1, "2024-02-29"), ("2024-02-29", 1, "2024-03-01"), ("2023-02-28", 1, "2023-03-01"),
            ("1900-02-28", 1, "1900-03-01"), ("2000-02-28", 1, "2000-02-29"), ("2024-01-01", 366, "2025-01-01"),
            ("2025-01-01", 365, "2026-01-01"), ("2026-03-01", -365, "2025-03-01"), ("2026-03-10", -40, "2026-01-29"),
            ("2025-12-01", 100, "2026-03-11"), ("2026-04-30", 1, "2026-05-01"), ("2026-05-01", -1, "2026-04-30"),
            ("2020-06-15", 3652, "2030-06-15"), ("2030-06-15", -3652, "2020-06-15"),
        ])
    func addingDays(start: String, days: Int, expected: String) {
        // given
        let date = day(start)
        // when
        let result = date.adding(days: days)
        // then
        #expect(result == day(expected))
    }

    @Test(
        "adding days agrees with the Gregorian calendar and is undone by subtracting",
        arguments: [
            "2023-12-31", "2024-02-29", "2025-01-31", "2099-11-30", "1999-12-31",
        ])
    func addingDaysMatchesFoundation(start: String) throws {
        // given a Gregorian calendar in UTC and a start day
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(secondsFromGMT: 0))
        let date = day(start)
        let anchor = try #require(
            calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day, hour: 12)))
        for offset in stride(from: -800, through: 800, by: 7) {
            // when
            let result = date.adding(days: offset)
            // then
            let reference = try #require(calendar.date(byAdding: .day, value: offset, to: anchor))
            #expect(result == CalendarDate(reference, in: calendar.timeZone), "offset \(offset)")
            #expect(result.adding(days: -offset) == date, "offset \(offset)")
        }
    }

    // MARK: Adding months

    @Test(
        "adding months keeps the day and clamps to the end of shorter months",
        arguments: [
            ("2025-01-15", 1, "2025-02-15"), ("2025-01-31", 1, "2025-02-28"), ("2024-01-31", 1, "2024-02-29"),
            ("2025-03-31", 1, "2025-04-30"), ("2025-03-31", -1, "2025-02-28"), ("2024-03-31", -1, "2024-02-29"),
            ("2025-12-15", 1, "2026-01-15"), ("2025-01-15", -1, "2024-12-15"), ("2025-05-31", 6, "2025-11-30"),
            ("2024-02-29", 12, "2025-02-28"), ("2024-02-29", 48, "2028-02-29"), ("2025-08-31", 0, "2025-08-31"),
            ("2025-06-30", 24, "2027-06-30"), ("2025-06-30", -18, "2023-12-30"), ("2025-10-31", 4, "2026-02-28"),
            ("2025-01-30", 1, "2025-02-28"), ("2025-01-28", 1, "2025-02-28"),
        ])
    func addingMonths(start: String, months: Int, expected: String) {
        // given
        let date = day(start)
        // when
        let result = date.adding(months: months)
        // then
        #expect(result == day(expected))
    }

    // MARK: Representable range

    @Test(
        "arithmetic near the ends of the calendar stops at the first or last representable day",
        arguments: [
            ("9999-12-31", 1, 0, "9999-12-31"), ("9999-12-30", 1, 0, "9999-12-31"), ("9999-12-20", 30, 0, "9999-12-31"),
            ("9999-12-26", 5, 0, "9999-12-31"), ("9999-12-25", 5, 0, "9999-12-30"), ("0001-01-01", -1, 0, "0001-01-01"),
            ("0001-01-31", -31, 0, "0001-01-01"), ("0001-01-31", -30, 0, "0001-01-01"),
            ("0001-01-02", -1, 0, "0001-01-01"),
            ("9999-12-15", 0, 1, "9999-12-31"), ("9999-01-31", 0, 11, "9999-12-31"),
            ("9998-06-30", 0, 120, "9999-12-31"),
            ("0001-01-15", 0, -1, "0001-01-01"), ("0001-12-31", 0, -11, "0001-01-31"),
            ("0005-03-10", 0, -600, "0001-01-01"),
        ])
    func clampsAtEnds(start: String, days: Int, months: Int, expected: String) {
        // given a day near the ends of the representable range
        let date = day(start)
        // when
        let result = days != 0 ? date.adding(days: days) : date.adding(months: months)
        // then
        #expect(result == day(expected))
        #expect(CalendarDate.earliest == day("0001-01-01"))
        #expect(CalendarDate.latest == day("9999-12-31"))
    }

    // FAILS against the current code (bug): the clamp in `adding(days:)` only looks 30 days ahead, so a larger step
    // that crosses the end of year 9999 (or the start of year 1) reaches `CalendarDate(year: 10000, …)!` and traps.
    // Run as exit tests so the trap fails this test only.
    @Test("adding more than 30 days across the end of the calendar clamps instead of trapping")
    func largeStepPastTheLastDay() async {
        // given 9999-10-01, when adding 100 days, then the process survives and the result is the last day
        await #expect(processExitsWith: .success) {
            let result = CalendarDate(year: 9999, month: 10, day: 1)!.adding(days: 100)
            precondition(result == CalendarDate.latest)
        }
    }

    // FAILS against the current code (bug), as above, towards year 1.
    @Test("subtracting more than 30 days across the start of the calendar clamps instead of trapping")
    func largeStepBeforeTheFirstDay() async {
        // given 0001-02-15, when subtracting 60 days, then the process survives and the result is the first day
        await #expect(processExitsWith: .success) {
            let result = CalendarDate(year: 1, month: 2, day: 15)!.adding(days: -60)
            precondition(result == CalendarDate.earliest)
        }
    }

    // MARK: Codable

    private struct Holder: Codable, Equatable {
        var saleDate: CalendarDate
        var acceptanceDate: CalendarDate?
    }

    @Test("encodes as a YYYY-MM-DD string and decodes back")
    func codableRoundTrip() throws {
        // given
        let value = Holder(saleDate: day("2024-02-29"), acceptanceDate: day("0987-01-05"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // when
        let data = try encoder.encode(value)
        let decoded = try JSONDecoder().decode(Holder.self, from: data)
        // then
        #expect(String(decoding: data, as: UTF8.self) == #"{"acceptanceDate":"0987-01-05","saleDate":"2024-02-29"}"#)
        #expect(decoded == value)
    }

    @Test(
        "decoding refuses anything but a real YYYY-MM-DD string",
        arguments: [
            #""2026-02-30""#, #""2026-2-3""#, #""2026-03-15T00:00:00Z""#, "20260315", "null", #"{"year":2026}"#,
        ])
    func decodingRejects(json: String) {
        // given a JSON value that is not a calendar day
        let data = Data("[\(json)]".utf8)
        // when / then
        #expect(throws: DecodingError.self) {
            _ = try JSONDecoder().decode([CalendarDate].self, from: data)
        }
    }
}
