import AftercareDomain
import AftercareStore
import Foundation

extension FollowUpRulePages {
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

    // MARK: List: its model, from the store's rules alone

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

    /// R-10.1: the follow-up rules in the order of their triggers, each with its delay, window and retries in
    /// words.
    static func rulesModel(_ rules: [FollowUpRuleRecord.View], principal: Principal, _ l: Localizer) -> RulesModel {
        let order = Dictionary(uniqueKeysWithValues: FollowUpTrigger.allCases.enumerated().map { ($1, $0) })
        return RulesModel(
            rows: rules.sorted { (order[$0.trigger] ?? 0, $0.id) < (order[$1.trigger] ?? 0, $1.id) }.map { rule in
                .init(
                    id: rule.id, trigger: l.t("followUpTrigger.\(rule.trigger.rawValue)"),
                    delay: Self.delay(rule.delayMinutes, basis: rule.basis, l),
                    window: Self.calendarTime(rule.windowMinutes, l), basis: l.t("basis.\(rule.basis.rawValue)"),
                    retries: Self.retries(rule.retryMinutes, l), enabled: rule.enabled,
                    state: l.t(rule.enabled ? "followUpRules.on" : "followUpRules.off"))
            })
    }

    // MARK: Edit: its model, from the stored rule and the form as typed

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

    /// R-10.1: one follow-up rule's form in the reader's language: the fields as typed (or as stored), the stored
    /// rule in words, and what a failed save held.
    static func ruleModel(
        _ rule: FollowUpRuleRecord.View, principal: Principal, _ l: Localizer, form: RuleForm,
        errors: [FieldMessage] = []
    ) -> RuleModel {
        RuleModel(
            id: rule.id, version: rule.version, trigger: l.t("followUpTrigger.\(rule.trigger.rawValue)"),
            triggerHint: l.t("followUpRules.hint.\(rule.trigger.rawValue)"), archived: rule.archivedAt != nil,
            delayMinutes: form.delayMinutes, windowMinutes: form.windowMinutes,
            basisOptions: SelectOption.of(TimeBasis.self, prefix: "basis", selected: form.basis, l),
            retryMinutes: form.retryMinutes, enabled: form.enabled,
            delay: Self.delay(rule.delayMinutes, basis: rule.basis, l),
            window: Self.calendarTime(rule.windowMinutes, l),
            retries: Self.retries(rule.retryMinutes, l), errors: errors)
    }
}
