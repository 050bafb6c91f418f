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

    // MARK: List

    @Sendable func rules(_ req: Request) async throws -> Response {
        let page = try await Records<FollowUpRuleRecord>(req.store).list(page: PageRequest(limit: 100))
        let model = Self.rulesModel(page.items, principal: try req.requirePrincipal(), req.localizer)
        return try await PageRenderer.render("follow-up-rules", title: "followUpRules.title", model, for: req)
    }

    // MARK: Edit

    func render(
        _ req: Request, rule: FollowUpRuleRecord.View, form: RuleForm, errors: [FieldMessage] = [],
        status: HTTPStatus = .ok
    ) async throws -> Response {
        let model = Self.ruleModel(
            rule, principal: try req.requirePrincipal(), req.localizer, form: form, errors: errors)
        return try await PageRenderer.render(
            "follow-up-rule", title: "followUpRules.itemTitle", model, for: req, status: status)
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
        return try await FormCycle.run(req, page: "/admin/follow-up-rules/\(rule.id)", labels: Self.labels) {
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
