import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension SLAPages {
    // MARK: Policies

    struct PoliciesModel: Encodable {
        struct Row: Encodable {
            var id: Int
            var name: String
            var position: String
            var isDefault: Bool
            var conditions: String
            var targets: String
        }

        var rows: [Row]
        var next: String?
    }

    @Sendable func policies(_ req: Request) async throws -> Response {
        let l = req.localizer
        let page = try await Records<SLAPolicyRecord>(req.store).list(page: try QueryReader(req: req).page())
        let model = PoliciesModel(
            rows: page.items.sorted { ($0.position, $0.id) < ($1.position, $1.id) }.map { policy in
                .init(
                    id: policy.id, name: policy.name, position: l.number(policy.position), isDefault: policy.isDefault,
                    conditions: l.conditions(policy.match.conditions),
                    targets: policy.targets.map {
                        "\(l.t("slaTarget.\($0.target.rawValue)")) \(l.duration(seconds: $0.minutes * 60))"
                    }.joined(separator: " · "))
            }, next: page.nextCursor.map { PageLink.make("/admin/sla/policies", [("cursor", $0)]) })
        return try await PageRenderer.render("sla-policies", title: "sla.policiesTitle", model, for: req)
    }

    /// One target row of the policy form as typed.
    struct TargetText: Encodable {
        var target: String
        var label: String
        var enabled: Bool
        var minutes: String
        var basisOptions: [SelectOption]
        var warnPercent: String
        var escalations: String
    }

    struct PolicyFormModel: Encodable {
        var id: Int?
        var version: Int?
        var name: String
        var position: String
        var isDefault: Bool
        var archived: Bool
        var canArchive: Bool
        var familyOptions: [SelectOption]
        var typeOptions: [SelectOption]
        var priorityOptions: [SelectOption]
        var emergencyOptions: [SelectOption]
        var tierOptions: [SelectOption]
        var lineOptions: [SelectOption]
        var modelOptions: [SelectOption]
        var unitOptions: [SelectOption]
        var targets: [TargetText]
        var errors: [FieldMessage]
    }

    /// What the policy form holds: the input for the use case and the target rows as typed.
    struct PolicyForm {
        var name = ""
        var position = "100"
        var isDefault = false
        var match = PolicyMatch()
        var targets: [SLATarget: (minutes: String, basis: TimeBasis, warn: String, escalations: String)] = [:]
    }

    static func form(from policy: SLAPolicyView) -> PolicyForm {
        var form = PolicyForm(
            name: policy.name, position: "\(policy.position)", isDefault: policy.isDefault, match: policy.match)
        for rule in policy.targets {
            form.targets[rule.target] = (
                "\(rule.minutes)", rule.basis, "\(rule.warnPercent)",
                rule.escalations.map { "\($0.percent)" }.joined(separator: ",")
            )
        }
        return form
    }

    func policyModel(
        _ req: Request, form: PolicyForm, policy: SLAPolicyView? = nil, errors: [FieldMessage] = []
    ) async throws -> PolicyFormModel {
        let l = req.localizer
        let store = req.store
        let lines = try await Records<ProductLineRecord>(store).list(page: PageRequest(limit: 200))
        let models = try await Records<ProductModelRecord>(store).list(page: PageRequest(limit: 200))
        let units = try await Records<OrgUnitRecord>(store).list(page: PageRequest(limit: 200))
        let match = form.match
        return PolicyFormModel(
            id: policy?.id, version: policy?.version, name: form.name, position: form.position,
            isDefault: form.isDefault, archived: policy?.archivedAt != nil,
            canArchive: policy != nil && policy?.archivedAt == nil,
            familyOptions: SelectOption.of(
                ServiceFamily.self, prefix: "serviceFamily", selected: match.serviceFamily, l),
            typeOptions: SelectOption.of(RequestType.self, prefix: "type", selected: match.requestType, l),
            priorityOptions: SelectOption.of(Priority.self, prefix: "priority", selected: match.priority, l),
            emergencyOptions: [
                SelectOption(value: "true", label: l.t("sla.bool.true"), selected: match.emergency == true),
                SelectOption(value: "false", label: l.t("sla.bool.false"), selected: match.emergency == false),
            ],
            tierOptions: SelectOption.of(CustomerTier.self, prefix: "tier", selected: match.customerTier, l),
            lineOptions: lines.items.map {
                SelectOption(
                    value: "\($0.id)", label: "\($0.code) · \($0.name)", selected: $0.id == match.productLineId)
            },
            modelOptions: models.items.map {
                SelectOption(
                    value: "\($0.id)", label: "\($0.code) · \($0.name)", selected: $0.id == match.productModelId)
            },
            unitOptions: units.items.map {
                SelectOption(value: "\($0.id)", label: "\($0.code) · \($0.name)", selected: $0.id == match.orgUnitId)
            },
            targets: SLATarget.allCases.map { target in
                let row = form.targets[target]
                return TargetText(
                    target: target.rawValue, label: l.t("slaTarget.\(target.rawValue)"), enabled: row != nil,
                    minutes: row?.minutes ?? "",
                    basisOptions: SelectOption.of(
                        TimeBasis.self, prefix: "basis", selected: row?.basis ?? .business, l),
                    warnPercent: row?.warn ?? "75", escalations: row?.escalations ?? "100,150,200")
            }, errors: errors)
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
        return try await FormCycle.run(req, labels: Self.labels(targets: order)) {
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
        return try await FormCycle.run(req, labels: Self.labels(targets: order)) {
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
