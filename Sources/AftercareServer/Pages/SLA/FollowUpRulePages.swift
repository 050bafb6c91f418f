import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// R-10.1: the administration of follow-up rules: when each kind of follow-up call falls due after its trigger,
/// how long the hotline has for it, and how an unanswered call is retried. The three rules are seeded; here they
/// are edited through `Records<FollowUpRuleRecord>`, each change with its audit entry.
struct FollowUpRulePages: Sendable {
    /// A standard office day (08:30–12:00, 13:30–18:00) in working minutes.
    static let workingDayMinutes = 480

    func register(_ root: any RoutesBuilder) {
        root.get("admin", "follow-up-rules", use: rules).requires(.action(.manageFollowUpRules))
        root.get("admin", "follow-up-rules", ":id", use: edit).requires(.action(.manageFollowUpRules))
        root.post("admin", "follow-up-rules", ":id", use: update).requires(.action(.manageFollowUpRules))
    }

    // MARK: Durations in words

    /// `2 h`, `3 d`, `1 h 30 min`: the non-zero parts, days only when `days` is true.
    static func compact(_ minutes: Int, days: Bool = true, _ l: Localizer) -> String {
        let total = max(0, minutes)
        let dayCount = days ? total / 1440 : 0
        let hours = (total - dayCount * 1440) / 60
        let rest = total % 60
        var parts: [String] = []
        if dayCount > 0 { parts.append("\(l.number(dayCount)) \(l.t("time.days"))") }
        if hours > 0 { parts.append("\(l.number(hours)) \(l.t("time.hours"))") }
        if rest > 0 || parts.isEmpty { parts.append("\(l.number(rest)) \(l.t("time.minutes"))") }
        return parts.joined(separator: " ")
    }

    /// Minutes of calendar time in words: `2 h (120 min)`.
    static func calendarTime(_ minutes: Int, _ l: Localizer) -> String {
        let words = compact(minutes, l)
        return minutes >= 60 ? "\(words) (\(l.number(minutes)) \(l.t("time.minutes")))" : words
    }

    /// Minutes of working time in words: `1 working day = 480 working minutes`, `90 working minutes (1 h 30 min)`.
    static func workingTime(_ minutes: Int, _ l: Localizer) -> String {
        let working = l.t("followUpRules.workingMinutes").replacingOccurrences(of: "{n}", with: l.number(minutes))
        if minutes > 0, minutes % workingDayMinutes == 0 {
            let count = minutes / workingDayMinutes
            let days =
                count == 1
                ? l.t("followUpRules.workingDay")
                : l.t("followUpRules.workingDays").replacingOccurrences(of: "{n}", with: l.number(count))
            return "\(days) = \(working)"
        }
        return minutes >= 60 ? "\(working) (\(compact(minutes, days: false, l)))" : working
    }

    /// The delay in words, counted in the rule's basis.
    static func delay(_ minutes: Int, basis: TimeBasis, _ l: Localizer) -> String {
        basis == .business ? workingTime(minutes, l) : calendarTime(minutes, l)
    }

    /// The retry waits in words (`2 h · 1 d · 2 d`), or that an unanswered call is given up at once.
    static func retries(_ minutes: [Int], _ l: Localizer) -> String {
        minutes.isEmpty ? l.t("followUpRules.noRetries") : minutes.map { compact($0, l) }.joined(separator: " · ")
    }

    // MARK: List

    struct RulesModel: Encodable {
        struct Row: Encodable {
            var id: Int
            var trigger: String
            var delay: String
            var window: String
            var basis: String
            var retries: String
            var enabled: Bool
            var state: String
        }

        var rows: [Row]
    }

    @Sendable func rules(_ req: Request) async throws -> Response {
        let l = req.localizer
        let page = try await Records<FollowUpRuleRecord>(req.store).list(page: PageRequest(limit: 100))
        let order = Dictionary(uniqueKeysWithValues: FollowUpTrigger.allCases.enumerated().map { ($1, $0) })
        let model = RulesModel(
            rows: page.items.sorted { (order[$0.trigger] ?? 0, $0.id) < (order[$1.trigger] ?? 0, $1.id) }.map { rule in
                .init(
                    id: rule.id, trigger: l.t("followUpTrigger.\(rule.trigger.rawValue)"),
                    delay: Self.delay(rule.delayMinutes, basis: rule.basis, l),
                    window: Self.calendarTime(rule.windowMinutes, l), basis: l.t("basis.\(rule.basis.rawValue)"),
                    retries: Self.retries(rule.retryMinutes, l), enabled: rule.enabled,
                    state: l.t(rule.enabled ? "followUpRules.on" : "followUpRules.off"))
            })
        return try await PageRenderer.render("follow-up-rules", title: "followUpRules.title", model, for: req)
    }

    // MARK: Edit

    /// The form as typed (or as stored).
    struct RuleForm {
        var delayMinutes: String
        var windowMinutes: String
        var basis: TimeBasis?
        var retryMinutes: String
        var enabled: Bool

        init(_ rule: FollowUpRuleRecord.View) {
            delayMinutes = "\(rule.delayMinutes)"
            windowMinutes = "\(rule.windowMinutes)"
            basis = rule.basis
            retryMinutes = rule.retryMinutes.map(String.init).joined(separator: ", ")
            enabled = rule.enabled
        }

        init(delayMinutes: String, windowMinutes: String, basis: TimeBasis?, retryMinutes: String, enabled: Bool) {
            self.delayMinutes = delayMinutes
            self.windowMinutes = windowMinutes
            self.basis = basis
            self.retryMinutes = retryMinutes
            self.enabled = enabled
        }
    }

    struct RuleModel: Encodable {
        var id: Int
        var version: Int
        var trigger: String
        var triggerHint: String
        var archived: Bool
        var delayMinutes: String
        var windowMinutes: String
        var basisOptions: [SelectOption]
        var retryMinutes: String
        var enabled: Bool
        /// The stored rule in words.
        var delay: String
        var window: String
        var retries: String
        var errors: [FieldMessage]
    }

    func model(
        _ req: Request, rule: FollowUpRuleRecord.View, form: RuleForm, errors: [FieldMessage] = []
    ) -> RuleModel {
        let l = req.localizer
        return RuleModel(
            id: rule.id, version: rule.version, trigger: l.t("followUpTrigger.\(rule.trigger.rawValue)"),
            triggerHint: l.t("followUpRules.hint.\(rule.trigger.rawValue)"), archived: rule.archivedAt != nil,
            delayMinutes: form.delayMinutes, windowMinutes: form.windowMinutes,
            basisOptions: SelectOption.of(TimeBasis.self, prefix: "basis", selected: form.basis, l),
            retryMinutes: form.retryMinutes, enabled: form.enabled,
            delay: Self.delay(rule.delayMinutes, basis: rule.basis, l),
            window: Self.calendarTime(rule.windowMinutes, l),
            retries: Self.retries(rule.retryMinutes, l), errors: errors)
    }

    func render(
        _ req: Request, rule: FollowUpRuleRecord.View, form: RuleForm, errors: [FieldMessage] = [],
        status: HTTPStatus = .ok
    ) async throws -> Response {
        try await PageRenderer.render(
            "follow-up-rule", title: "followUpRules.itemTitle", model(req, rule: rule, form: form, errors: errors),
            for: req, status: status)
    }

    @Sendable func edit(_ req: Request) async throws -> Response {
        let rule = try await Records<FollowUpRuleRecord>(req.store).get(req.pageId())
        return try await render(req, rule: rule, form: RuleForm(rule))
    }

    /// A whole number of minutes from the form; blank or malformed is a problem of `field`.
    static func minutes(_ text: String, field: String, into v: inout AftercareDomain.Validator) -> Int? {
        guard let value = Int(text) else {
            v.add(field, text.isEmpty ? .required : .invalidFormat(expected: "a whole number of minutes"))
            return nil
        }
        return value
    }

    /// Reads the form; problems of the form itself go to `v`, the ranges are the use case's.
    static func read(_ form: FormReader, into v: inout AftercareDomain.Validator) -> (RuleForm, [Int], [Int]) {
        let typed = RuleForm(
            delayMinutes: form.string("delayMinutes") ?? "", windowMinutes: form.string("windowMinutes") ?? "",
            basis: form.value("basis", TimeBasis.self, into: &v), retryMinutes: form.string("retryMinutes") ?? "",
            enabled: form.bool("enabled"))
        if typed.basis == nil, form.string("basis") == nil { v.add("basis", .required) }
        let delay = minutes(typed.delayMinutes, field: "delayMinutes", into: &v)
        let window = minutes(typed.windowMinutes, field: "windowMinutes", into: &v)
        let parts = typed.retryMinutes.split(whereSeparator: { ", ，;；\t".contains($0) }).map { Int($0) }
        if parts.contains(nil) {
            v.add("retryMinutes", .invalidFormat(expected: "minutes separated by commas"))
        }
        return (typed, [delay ?? 0, window ?? 0], parts.compactMap { $0 })
    }

    /// How the form names its fields (`retryMinutes.1` is the second retry).
    static let labels = FieldLabels.area("followUpRules") { field, l in
        let parts = field.split(separator: ".").map(String.init)
        guard parts.count == 2, parts[0] == "retryMinutes", let index = Int(parts[1]) else { return nil }
        let retry = l.t("followUpRules.retryNumber").replacingOccurrences(of: "{n}", with: l.number(index + 1))
        return "\(l.t("followUpRules.field.retryMinutes")) · \(retry)"
    }

    /// R-10.1: saves the edited rule when the form is whole and the version is the stored one; else shows the form
    /// again, as typed, with each problem named, and changes nothing.
    @Sendable func update(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let records = Records<FollowUpRuleRecord>(req.store)
        let rule = try await records.get(req.pageId())
        let reader = try FormReader(req)
        var v = AftercareDomain.Validator()
        let (form, times, retries) = Self.read(reader, into: &v)
        let version = reader.int("version", into: &v)
        if version == nil, reader.string("version") == nil { v.add("version", .required) }
        var input = FollowUpRuleRecord.input(from: rule)
        input.delayMinutes = times[0]
        input.windowMinutes = times[1]
        input.basis = form.basis ?? rule.basis
        input.retryMinutes = retries
        input.enabled = form.enabled
        return try await FormCycle.run(req, labels: Self.labels) {
            if !v.error.isEmpty {
                // Report the use case's problems with the form's, all at once.
                var problems = v.error
                do {
                    _ = try await FollowUpRuleRecord.validate(input, id: rule.id, in: req.store)
                } catch let error as ValidationError {
                    for (field, problem) in error.fields where problems.fields[field] == nil {
                        problems.fields[field] = problem
                    }
                }
                throw problems
            }
            let edited = input
            _ = try await records.update(rule.id, expectedVersion: version ?? 0, by: principal.actor) { before in
                var changed = before
                changed.delayMinutes = edited.delayMinutes
                changed.windowMinutes = edited.windowMinutes
                changed.basis = edited.basis
                changed.retryMinutes = edited.retryMinutes
                changed.enabled = edited.enabled
                return changed
            }
            return req.redirect(to: "/admin/follow-up-rules")
        } again: { failure in
            try await render(req, rule: rule, form: form, errors: failure.messages, status: failure.status)
        }
    }
}
