import AftercareDomain
import Testing

@Suite("CSV (R-1.5)")
struct CSVTests {
    @Test("quoted fields keep commas, quotes and line breaks; CRLF, LF and a byte-order mark are read")
    func parsesRFC4180() throws {
        // given
        let text = "\u{FEFF}name,note\r\n\"华润置地, 上海\",\"说 \"\"尽快\"\"\"\r\n\"两行\n文字\",x\nlast,\n"
        // when
        let rows = try CSV.parse(text)
        // then
        #expect(rows == [["name", "note"], ["华润置地, 上海", "说 \"尽快\""], ["两行\n文字", "x"], ["last", ""]])
    }

    @Test("blank lines are skipped and rows keep the line they start on")
    func lineNumbers() throws {
        // given
        let text = "a,b\n\n\"x\ny\",1\n2,3"
        // when
        let rows = try CSV.numberedRows(text)
        // then
        #expect(rows.map(\.line) == [1, 3, 5])
    }

    @Test("an unclosed quote and a quote inside a bare field are errors with their line")
    func malformed() {
        // then
        #expect(throws: CSV.ParseError(line: 2, reason: "a quoted field is not closed")) {
            try CSV.parse("a\n\"open,\n")
        }
        #expect(throws: CSV.ParseError(line: 1, reason: "a quote inside an unquoted field")) {
            try CSV.parse("ab\"c")
        }
    }

    @Test("written fields read back the same", arguments: ["plain", "逗号,在中间", "引号\"在这", "换行\n在这", " 空格 ", ""])
    func roundTrip(value: String) throws {
        // when
        let text = CSV.line(["a", value, "z"])
        // then
        #expect(try CSV.parse(text) == [["a", value, "z"]])
    }

    @Test(
        "cells that a spreadsheet would run as a formula are neutralised",
        arguments: ["=1+2", "+cmd", "@SUM(A1)", "-x"])
    func formulaInjection(value: String) throws {
        // when
        let read = try CSV.parse(CSV.line([value]))
        // then
        #expect(read == [["'" + value]])
        #expect(try CSV.parse(CSV.line(["-12.5"])) == [["-12.5"]])
    }

    @Test("a table maps rows by header and refuses rows longer than the header")
    func table() throws {
        // given
        let table = try CSVTable("name,tier\n甲,key\n乙\n")
        // then
        #expect(table.rows.map(\.values) == [["name": "甲", "tier": "key"], ["name": "乙"]])
        #expect(throws: CSV.ParseError(line: 2, reason: "more fields than columns")) { try CSVTable("a\n1,2\n") }
    }
}
