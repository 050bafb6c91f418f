import AftercareDomain
import Testing

@Suite("Validator")
struct ValidatorTests {
    @Test(
        "text: required, blank, length and control-character checks",
        arguments: [
            (String?.none, true, 5, FieldProblem?.some(.required)),
            ("", true, 5, .required),
            ("   \n\t", true, 5, .required),
            ("      ", true, 3, .required),
            ("abc", true, 5, nil),
            ("abcde", true, 5, nil),
            ("abcdef", true, 5, .tooLong(max: 5)),
            (nil, false, 5, nil),
            ("", false, 5, nil),
            ("      ", false, 3, .tooLong(max: 3)),
            ("日本語", false, 3, nil),
            ("日本語で", false, 3, .tooLong(max: 3)),
            ("👨‍👩‍👧", true, 1, nil),
            ("line one\nline two\r\n\tindented", false, 100, nil),
            ("bell\u{7}", false, 100, .invalidFormat(expected: "text without control characters")),
            ("nul\u{0}", true, 100, .invalidFormat(expected: "text without control characters")),
            ("\u{1B}[31m", true, 100, .invalidFormat(expected: "text without control characters")),
            ("next line\u{85}", false, 100, .invalidFormat(expected: "text without control characters")),
            ("\u{7}", true, 5, .invalidFormat(expected: "text without control characters")),
            ("far too long\u{0}", false, 5, .tooLong(max: 5)),
        ] as [(String?, Bool, Int, FieldProblem?)])
    func text(value: String?, required: Bool, max: Int, expected: FieldProblem?) {
        // given
        var validator = Validator()
        // when
        validator.text("name", value, required: required, max: max)
        // then
        #expect(validator.error.fields["name"] == expected)
        #expect(validator.error.fields.count == (expected == nil ? 0 : 1))
    }

    @Test(
        "range: nil is fine, bounds are inclusive",
        arguments: [
            (Int?.none, FieldProblem?.none), (1, nil), (5, nil), (10, nil), (0, .outOfRange(min: 1, max: 10)),
            (11, .outOfRange(min: 1, max: 10)), (-3, .outOfRange(min: 1, max: 10)),
        ] as [(Int?, FieldProblem?)])
    func range(value: Int?, expected: FieldProblem?) {
        // given
        var validator = Validator()
        // when
        validator.range("pageSize", value, 1...10)
        // then
        #expect(validator.error.fields["pageSize"] == expected)
    }

    @Test("the first problem of a field is kept")
    func firstProblemWins() {
        // given
        var validator = Validator()
        // when
        validator.add("name", .required)
        validator.add("name", .tooLong(max: 5))
        validator.text("name", "far too long", max: 3)
        // then
        #expect(validator.error.fields == ["name": .required])
    }

    @Test("all fields are reported at once")
    func collectsAll() {
        // given
        var validator = Validator()
        validator.text("name", nil, required: true, max: 10)
        validator.text("notes", "abcdef", max: 3)
        validator.range("priority", 9, 0...3)
        validator.add("customerId", .notFound)
        // when / then
        #expect(
            throws: ValidationError([
                "name": .required, "notes": .tooLong(max: 3), "priority": .outOfRange(min: 0, max: 3),
                "customerId": .notFound,
            ])
        ) {
            try validator.finish()
        }
    }

    @Test("finishing without problems does not throw")
    func finishClean() throws {
        // given
        var validator = Validator()
        validator.text("name", "Acme", required: true, max: 10)
        validator.range("priority", 2, 0...3)
        // when
        try validator.finish()
        // then
        #expect(validator.error.isEmpty)
    }

    @Test("a validation error throws only when it holds a problem")
    func throwIfAny() throws {
        // given
        let empty = ValidationError()
        let one = ValidationError(["email": .invalidFormat(expected: "an email address")])
        // when / then
        try empty.throwIfAny()
        #expect(empty.isEmpty)
        #expect(!one.isEmpty)
        #expect(throws: one) { try one.throwIfAny() }
    }

    @Test(
        "problems have a machine code and an English message",
        arguments: [
            (FieldProblem.required, "required", "is required"),
            (.tooLong(max: 200), "too_long", "must be at most 200 characters"),
            (.tooShort(min: 2), "too_short", "must be at least 2 characters"),
            (.outOfRange(min: 1, max: 200), "out_of_range", "must be between 1 and 200"),
            (.invalidValue(allowed: ["phone", "email"]), "invalid_value", "must be one of: phone, email"),
            (.invalidFormat(expected: "YYYY-MM-DD"), "invalid_format", "must be YYYY-MM-DD"),
            (.notFound, "not_found", "does not name an existing record"),
            (.duplicate, "duplicate", "is already in use"),
            (.mustNotBeBefore(field: "saleDate"), "must_not_be_before", "must not be before saleDate"),
            (.archived, "archived", "names an archived record"),
            (.unknownField, "unknown_field", "is not a known field"),
        ])
    func codeAndMessage(problem: FieldProblem, code: String, message: String) {
        // given a problem
        // when
        let (actualCode, actualMessage) = (problem.code, problem.message)
        // then
        #expect(actualCode == code)
        #expect(actualMessage == message)
    }
}
