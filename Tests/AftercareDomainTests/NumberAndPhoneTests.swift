import AftercareDomain
import Testing

@Suite("Service request number (R-2.2)")
struct ServiceRequestNumberTests {
    @Test(
        "formats as SR-YYYY-NNNNNN and parses back",
        arguments: [
            (2026, 123, "SR-2026-000123"), (2026, 1, "SR-2026-000001"), (2025, 999_999, "SR-2025-999999"),
            (2026, 1_234_567, "SR-2026-1234567"), (1999, 42, "SR-1999-000042"),
        ])
    func formatAndParse(year: Int, sequence: Int, text: String) {
        // given
        let number = ServiceRequestNumber(year: year, sequence: sequence)
        // when
        let formatted = number.description
        let parsed = ServiceRequestNumber(formatted)
        // then
        #expect(formatted == text)
        #expect(parsed == number)
        #expect(parsed?.year == year && parsed?.sequence == sequence)
    }

    @Test(
        "the sequence has 6 to 12 digits",
        arguments: [
            ("SR-2026-00012", false), ("SR-2026-000012", true), ("SR-2026-999999999999", true),
            ("SR-2026-000000000012", true), ("SR-2026-0000000000012", false), ("SR-2026-1000000000000", false),
        ])
    func sequenceLength(text: String, accepted: Bool) {
        // given a number with a sequence of some length
        // when
        let number = ServiceRequestNumber(text)
        // then
        #expect((number != nil) == accepted)
    }

    @Test("parsing accepts more than six sequence digits, leading zeros included")
    func longSequence() {
        // given
        let text = "SR-2026-0000123"
        // when
        let number = ServiceRequestNumber(text)
        // then
        #expect(number == ServiceRequestNumber(year: 2026, sequence: 123))
        #expect(number?.description == "SR-2026-000123")
    }

    @Test(
        "parsing rejects malformed numbers",
        arguments: [
            "", "SR", "SR-2026", "SR-2026-", "SR-2026-00123", "SR-26-000123", "SR-02026-000123", "sr-2026-000123",
            "Sr-2026-000123", "XX-2026-000123", "SR2026000123", "SR_2026_000123", "SR-2026-000000", "SR-2026-00012a",
            "SR-20a6-000123", "SR-2026-000123-1", " SR-2026-000123", "SR-2026-000123 ", "SR-2026-000 123",
            "SR-２０２６-000123", "SR-2026-０００１２３", "SR-2026-99999999999999999999999", "SR 2026 000123",
        ])
    func rejects(text: String) {
        // given a text that is not a service number
        // when
        let number = ServiceRequestNumber(text)
        // then
        #expect(number == nil)
    }

    // Failed against 07c1757 (`split(separator: "-")` dropped empty pieces); passes since 0ec9fb7.
    @Test(
        "parsing rejects empty segments (doubled, leading or trailing dashes)",
        arguments: ["SR--2026-000123", "SR-2026--000123", "SR-2026-000123-", "-SR-2026-000123", "SR-2026-000123--"])
    func rejectsEmptySegments(text: String) {
        // given a number with an extra dash
        // when
        let number = ServiceRequestNumber(text)
        // then
        #expect(number == nil)
    }

    // Failed against 07c1757 (`Int("+00123")` accepts a sign); passes since 0ec9fb7.
    @Test("parsing rejects signs in the year or the sequence", arguments: ["SR-2026-+00123", "SR-+202-000123"])
    func rejectsSigns(text: String) {
        // given a number with a plus sign inside
        // when
        let number = ServiceRequestNumber(text)
        // then
        #expect(number == nil)
    }

    @Test("one counter per year")
    func sequenceName() {
        // given a year
        // when
        let name = ServiceRequestNumber.sequenceName(year: 2026)
        // then
        #expect(name == "SR-2026")
    }
}

@Suite("Phone numbers")
struct PhoneNumberTests {
    @Test(
        "digits keeps only ASCII digits",
        arguments: [
            ("138-0013 8000", "13800138000"), ("+86 (10) 1234.5678", "861012345678"), ("010/12345678", "01012345678"),
            ("abc", ""), ("", ""), ("ext. 12", "12"), ("１３８", ""), ("٣٤٥", ""), ("13800138000", "13800138000"),
        ])
    func digits(text: String, expected: String) {
        // given a phone number as typed
        // when
        let digits = PhoneNumber.digits(text)
        // then
        #expect(digits == expected)
    }

    @Test("numbers with the same digits compare equal after normalising")
    func sameDigits() {
        // given two spellings of one number
        let a = "138-0013 8000"
        let b = "(138) 0013.8000"
        // when
        let equal = PhoneNumber.digits(a) == PhoneNumber.digits(b)
        // then
        #expect(equal)
    }

    @Test(
        "valid: 3 to 20 digits with only digits, spaces and + - ( ) . /",
        arguments: [
            "138-0013 8000", "+86 10 1234 5678", "(010) 1234-5678", "010.1234.5678", "010/12345678", "123",
            "12345678901234567890", "+1 (555) 010-9999", "1 2 3",
        ])
    func valid(text: String) {
        // given a well-formed phone number
        // when
        let valid = PhoneNumber.isValid(text)
        // then
        #expect(valid)
    }

    @Test(
        "invalid: too few or too many digits, or other characters",
        arguments: [
            "", "   ", "12", "1-2", "+-()./", "123456789012345678901", "138 0013 8000 ext 5", "138#0013", "1380013800a",
            "１３８００１３８０００", "138\t0013", "138_0013", "tel:13800138000", "138*0013", "13800138000\n",
        ])
    func invalid(text: String) {
        // given a malformed phone number
        // when
        let valid = PhoneNumber.isValid(text)
        // then
        #expect(!valid)
    }

    // Pins current behaviour: the allowed set contains ",", which the doc comment does not list (see the report).
    @Test("a comma (dialling pause) is currently accepted")
    func commaAccepted() {
        // given a number with an extension after a comma
        let text = "010-1234 5678,123"
        // when
        let valid = PhoneNumber.isValid(text)
        // then
        #expect(valid)
    }

    @Test(
        "masked shows only the last four digits",
        arguments: [
            ("13800138000", "*******8000"), ("138-0013 8000", "*******8000"), ("+86 (10) 1234.5678", "********5678"),
            ("12345", "*2345"), ("1234", "****"), ("12", "**"), ("", ""), ("abc", ""),
        ])
    func masked(text: String, expected: String) {
        // given a phone number
        // when
        let masked = PhoneNumber.masked(text)
        // then
        #expect(masked == expected)
        #expect(masked.filter(\.isNumber).count <= 4)
        #expect(masked.count == PhoneNumber.digits(text).count)
    }
}
