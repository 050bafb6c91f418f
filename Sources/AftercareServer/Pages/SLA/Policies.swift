import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension SLAPages {
    // MARK: Policies

    @Sendable func policies(_ req: Request) async throws -> Response {
        let page = try await Records<SLAPolicyRecord>(req.store).list(page: try QueryReader(req: req).page())
        let model = Self.policiesModel(page, principal: try req.requirePrincipal(), req.localizer)
        return try await PageRenderer.render("sla-policies", title: "sla.policiesTitle", model, for: req)
    }

    /// Reads what the policy form shows: the choices its conditions may name.
    static func policyData(_ req: Request, policy: SLAPolicyView?) async throws -> PolicyData {
        let store = req.store
        let lines = try await Records<ProductLineRecord>(store).list(page: PageRequest(limit: 200))
        let models = try await Records<ProductModelRecord>(store).list(page: PageRequest(limit: 200))
        let units = try await Records<OrgUnitRecord>(store).list(page: PageRequest(limit: 200))
        return PolicyData(policy: policy, lines: lines.items, models: models.items, units: units.items)
    }

    func policyModel(
        _ req: Request, form: PolicyForm, policy: SLAPolicyView? = nil, errors: [FieldMessage] = []
    ) async throws -> PolicyFormModel {
        Self.policyModel(
            try await Self.policyData(req, policy: policy), principal: try req.requirePrincipal(), req.localizer,
            form: form, errors: errors)
    }

    /// Reads the policy form; problems of the form itself go to `v`, the rest the use case checks. `existing`
    /// keeps each target's recipients; new levels get the standard ones.
    static func readPolicy(_ form: FormReader, existing: [TargetRule], into v: inout AftercareDomain.Validator)
        -> (form: PolicyForm, input: SLAPolicyRecord.Input, order: [SLATarget])
    {
        var typed = PolicyForm()
        typed.name = form.string("name") ?? ""
        typed.position = form.string("position") ?? ""
        typed.isDefault = form.bool("isDefault")
        typed.match = PolicyMatch(
            serviceFamily: form.value("serviceFamily", ServiceFamily.self, into: &v),
            requestType: form.value("requestType", RequestType.self, into: &v),
            priority: form.value("priority", Priority.self, into: &v),
            emergency: form.string("emergency").map { $0 == "true" },
            productLineId: form.int("productLineId", into: &v), productModelId: form.int("productModelId", into: &v),
            customerTier: form.value("customerTier", CustomerTier.self, into: &v),
            orgUnitId: form.int("orgUnitId", into: &v))
        var position = 0
        if let number = Int(typed.position) {
            position = number
        } else {
            v.add("position", typed.position.isEmpty ? .required : .invalidFormat(expected: "a whole number"))
        }
        var rules: [TargetRule] = []
        var order: [SLATarget] = []
        for target in SLATarget.allCases {
            let key = "target.\(target.rawValue)"
            guard form.bool("\(key).on") else { continue }
            let minutes = form.string("\(key).minutes") ?? ""
            let warn = form.string("\(key).warnPercent") ?? ""
            let escalations = form.string("\(key).escalations") ?? ""
            let basis = form.value("\(key).basis", TimeBasis.self, into: &v) ?? .business
            typed.targets[target] = (minutes, basis, warn, escalations)
            let field = "targets.\(order.count)"
            order.append(target)
            let minuteValue = Int(minutes)
            if minuteValue == nil {
                v.add("\(field).minutes", minutes.isEmpty ? .required : .invalidFormat(expected: "minutes"))
            }
            let warnValue = Int(warn)
            if warnValue == nil {
                v.add("\(field).warnPercent", warn.isEmpty ? .required : .invalidFormat(expected: "a percent"))
            }
            let percents = escalations.split(whereSeparator: { ", ，;；".contains($0) }).map { Int($0) }
            if percents.contains(nil) { v.add("\(field).escalations", .invalidFormat(expected: "percents")) }
            let before = existing.first { $0.target == target }
            let levels = percents.compactMap { $0 }.enumerated().map { index, percent in
                let standard = TargetRule.standardEscalation
                let notify =
                    before.flatMap { index < $0.escalations.count ? $0.escalations[index].notify : nil }
                    ?? standard[min(index, standard.count - 1)].notify
                return EscalationLevel(percent: percent, notify: notify)
            }
            var rule = TargetRule(
                target: target, minutes: minuteValue ?? 0, basis: basis, warnPercent: warnValue ?? 75,
                escalations: levels)
            if let before { rule.warn = before.warn }
            rules.append(rule)
        }
        let input = SLAPolicyRecord.Input(
            name: typed.name, position: position, isDefault: typed.isDefault, match: typed.match, targets: rules)
        return (typed, input, order)
    }

    @Sendable func newPolicy(_ req: Request) async throws -> Response {
        var form = PolicyForm()
        form.targets[.resolution] = ("1440", .business, "75", "100,150,200")
        return try await PageRenderer.render(
            "sla-policy", title: "sla.policyTitle", try await policyModel(req, form: form), for: req)
    }

    @Sendable func createPolicy(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        var v = AftercareDomain.Validator()
        let (form, input, order) = Self.readPolicy(try FormReader(req), existing: [], into: &v)
        return try await FormCycle.run(req, page: "/admin/sla/policies/new", labels: Self.labels(targets: order)) {
            try v.finish()
            let policy = try await Records<SLAPolicyRecord>(req.store).create(input, by: principal.actor)
            return req.redirect(to: "/admin/sla/policies/\(policy.id)")
        } again: { failure in
            try await PageRenderer.render(
                "sla-policy", title: "sla.policyTitle",
                try await policyModel(req, form: form, errors: failure.messages),
                for: req, status: failure.status)
        }
    }

    @Sendable func editPolicy(_ req: Request) async throws -> Response {
        let policy = try await Records<SLAPolicyRecord>(req.store).get(req.pageId())
        return try await PageRenderer.render(
            "sla-policy", title: "sla.policyTitle",
            try await policyModel(req, form: Self.form(from: policy), policy: policy), for: req)
    }

    @Sendable func updatePolicy(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let records = Records<SLAPolicyRecord>(req.store)
        let policy = try await records.get(req.pageId())
        let reader = try FormReader(req)
        var v = AftercareDomain.Validator()
        let (form, input, order) = Self.readPolicy(reader, existing: policy.targets, into: &v)
        let version = reader.int("version", into: &v)
        return try await FormCycle.run(
            req, page: "/admin/sla/policies/\(policy.id)", labels: Self.labels(targets: order)
        ) {
            try v.finish()
            _ = try await records.update(policy.id, expectedVersion: version ?? 0, by: principal.actor) { _ in input }
            return req.redirect(to: "/admin/sla/policies/\(policy.id)")
        } again: { failure in
            try await PageRenderer.render(
                "sla-policy", title: "sla.policyTitle",
                try await policyModel(req, form: form, policy: policy, errors: failure.messages), for: req,
                status: failure.status)
        }
    }

    @Sendable func archivePolicy(_ req: Request) async throws -> Response {
        let id = try req.pageId()
        _ = try await Records<SLAPolicyRecord>(req.store).archive(id, by: try req.requirePrincipal().actor)
        return req.redirect(to: "/admin/sla/policies")
    }
}
