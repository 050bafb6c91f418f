import AftercareDomain
import AftercareStore
import Foundation

extension SLAPages {
    // MARK: Policies: their models, from store views alone

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

    /// R-3: one page of the SLA policies in the order they are tried, each with its conditions and targets in the
    /// reader's language.
    static func policiesModel(_ page: Page<SLAPolicyView>, principal: Principal, _ l: Localizer) -> PoliciesModel {
        PoliciesModel(
            rows: page.items.sorted { ($0.position, $0.id) < ($1.position, $1.id) }.map { policy in
                .init(
                    id: policy.id, name: policy.name, position: l.number(policy.position), isDefault: policy.isDefault,
                    conditions: l.conditions(policy.match.conditions),
                    targets: policy.targets.map {
                        "\(l.t("slaTarget.\($0.target.rawValue)")) \(l.duration(seconds: $0.minutes * 60))"
                    }.joined(separator: " · "))
            }, next: page.nextCursor.map { PageLink.make("/admin/sla/policies", [("cursor", $0)]) })
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

    /// What the policy form shows, as read from the store: the policy edited (nil for a new one) and the choices
    /// its conditions may name.
    struct PolicyData {
        var policy: SLAPolicyView?
        var lines: [ProductLineRecord.View]
        var models: [ProductModelRecord.View]
        var units: [OrgUnitRecord.View]
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

    /// R-3: the policy form in the reader's language: its conditions and target rows as typed (or as stored), the
    /// choices, and what a failed save held.
    static func policyModel(
        _ data: PolicyData, principal: Principal, _ l: Localizer, form: PolicyForm, errors: [FieldMessage] = []
    ) -> PolicyFormModel {
        let policy = data.policy
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
            lineOptions: data.lines.map {
                SelectOption(
                    value: "\($0.id)", label: "\($0.code) · \($0.name)", selected: $0.id == match.productLineId)
            },
            modelOptions: data.models.map {
                SelectOption(
                    value: "\($0.id)", label: "\($0.code) · \($0.name)", selected: $0.id == match.productModelId)
            },
            unitOptions: data.units.map {
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
}
