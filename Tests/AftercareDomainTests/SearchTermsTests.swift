import AftercareDomain
import Testing

@Suite("What the search box's text can mean")
struct SearchTermsTests {
    @Test("a whole request number is that number alone, in any case")
    func wholeNumber() {
        let terms = SearchTerms(" sr-2026-000467 ", thisYear: 2026)
        #expect(terms.numbers == ["SR-2026-000467"])
        #expect(terms.phoneDigits == nil && terms.serials.isEmpty && terms.words == nil)
    }

    @Test("a tail of digits is each recent year's number, a serial, and a phone when long enough")
    func digits() {
        let tail = SearchTerms("000467", thisYear: 2026)
        #expect(tail.numbers.first == "SR-2026-000467" && tail.numbers.last == "SR-2017-000467")
        #expect(tail.numbers.count == SearchTerms.tailYears)
        #expect(tail.phoneDigits == "000467" && tail.serials == ["000467"] && tail.words == nil)
        let short = SearchTerms("467", thisYear: 2026)
        #expect(short.numbers.first == "SR-2026-000467" && short.phoneDigits == nil)
    }

    @Test("a phone with separators is its digits, never words")
    func phone() {
        let terms = SearchTerms("(0731) 8888-1234", thisYear: 2026)
        #expect(terms.phoneDigits == "073188881234")
        #expect(terms.numbers.isEmpty && terms.words == nil)
        #expect(SearchTerms("+86 138 0013 8000", thisYear: 2026).phoneDigits == "8613800138000")
    }

    @Test("a token with letters is a serial (as typed and upper-cased) and words; Chinese text is words")
    func words() {
        let serial = SearchTerms("hx-5200-0419", thisYear: 2026)
        #expect(serial.serials == ["HX-5200-0419", "hx-5200-0419"] && serial.words == "hx-5200-0419")
        let chinese = SearchTerms("打印模糊", thisYear: 2026)
        #expect(chinese.words == "打印模糊" && chinese.numbers.isEmpty && chinese.phoneDigits == nil)
        let sentence = SearchTerms("paper jam tray 2", thisYear: 2026)
        #expect(sentence.serials.isEmpty && sentence.words == "paper jam tray 2")
        #expect(SearchTerms("   ", thisYear: 2026).isEmpty)
    }
}
