import AftercareDomain
import AftercareStore
import Foundation

extension CustomerVisitPages {
    // MARK: Models, from store views alone

    /// The list as asked: planned (the plan), held or cancelled visits, of one visitor, of one customer.
    struct VisitsQuery {
        var show: CustomerVisitStatus
        var visitor: Visitor?
        var customerId: Int?

        var filter: CustomerVisitFilter {
            CustomerVisitFilter(status: show, visitor: visitor, customerId: customerId)
        }

        /// The query of the page's address.
        var items: [(String, String?)] {
            [
                ("show", show == .planned ? nil : show.rawValue), ("visitor", visitor?.rawValue),
                ("customerId", customerId.map { String($0) }),
            ]
        }
    }

    /// A refused form of the page: which one, what was typed, and the problems.
    struct VisitsFailed {
        enum Form: Equatable {
            case plan, rules
            case record(id: Int)
            case cancel(id: Int)
        }

        var form: Form
        var typed: [String: String] = [:]
        /// The rules form's rows as typed.
        var rules: [[String: String]] = []
        var messages: [FieldMessage]
    }

    struct VisitsData {
        var query: VisitsQuery
        var page: Page<CustomerVisitView>
        var rules: [VisitPlanRule]
        /// The customer the list is narrowed to.
        var customerName: String?
        /// How many visits "plan now" planned, just after it ran.
        var planned: Int?
        var today: CalendarDate
        var failed: VisitsFailed?
    }

    struct VisitsModel: Encodable {
        struct Chip: Encodable {
            var label: String
            var link: String
            var selected: Bool
            var id: String
        }

        struct RecordForm: Encodable {
            var action: String
            var heldOn: String
            var visitedBy: String
            var metWith: String
            var topics: String
            var satisfactionOptions: [SelectOption]
            var opportunities: String
            var notes: String
            var version: String
            /// Open when it was refused.
            var expanded: Bool
            var errors: [FieldMessage]
        }

        struct CancelForm: Encodable {
            var action: String
            var reason: String
            var version: String
            var expanded: Bool
            var errors: [FieldMessage]
        }

        struct Row: Encodable {
            /// For the element ids only (`visit-12`); never shown.
            var id: Int
            var customer: String
            var customerLink: String
            var tier: String
            var tierCode: String
            var unit: String
            var visitor: String
            var visitorCode: String
            var dueOn: String
            var overdue: Bool
            /// "12 days overdue".
            var overdueText: String?
            var status: String
            var statusCode: String
            var assignee: String
            var assigned: Bool
            var heldOn: String?
            var visitedBy: String?
            var metWith: String?
            var topics: String?
            var satisfaction: String?
            var opportunities: String?
            var notes: String?
            var cancelReason: String?
            var recordForm: RecordForm?
            var cancelForm: CancelForm?
        }

        struct RuleRow: Encodable {
            var index: Int
            var tierOptions: [SelectOption]
            var visitorOptions: [SelectOption]
            var months: String
        }

        var views: [Chip]
        var visitorOptions: [SelectOption]
        /// The hidden fields of every form: the list to come back to.
        var show: String
        var visitor: String
        var customerId: String
        /// The customer the list is narrowed to, and the link that shows every customer again.
        var customer: String?
        var allCustomersLink: String
        var notice: String?
        var isPlanned: Bool
        var overdue: [Row]
        var upcoming: [Row]
        /// Held or cancelled visits.
        var rows: [Row]
        var next: String?
        var planHint: String
        var planErrors: [FieldMessage]
        var rules: [String]
        var ruleRows: [RuleRow]
        var rulesExpanded: Bool
        var rulesErrors: [FieldMessage]
        /// Problems of a form that has no place on the page any more (the visit recorded meanwhile).
        var errors: [FieldMessage]
        var today: String
        var nameMax: Int
        var shortMax: Int
        var noteMax: Int
    }

    /// A rule in words: "Key customer: account manager, every 6 months".
    static func rule(_ rule: VisitPlanRule, _ l: Localizer) -> String {
        l.t("voice.rule").replacingOccurrences(of: "{tier}", with: l.t("tier.\(rule.tier.rawValue)"))
            .replacingOccurrences(of: "{visitor}", with: l.t("visitor.\(rule.visitor.rawValue)"))
            .replacingOccurrences(of: "{n}", with: l.number(rule.months))
    }

    /// The satisfaction scale, 1 to 5, in words.
    static func satisfaction(_ value: Int, _ l: Localizer) -> String {
        "\(l.number(value)) · \(l.t("voice.satisfaction.\(value)"))"
    }

    static func recordForm(
        _ v: CustomerVisitView, principal: Principal, failed: VisitsFailed?, today: CalendarDate, _ l: Localizer
    ) -> VisitsModel.RecordForm {
        let mine = failed?.form == .record(id: v.id) ? failed : nil
        let typed = mine?.typed ?? [:]
        let chosen = typed["satisfaction"].flatMap { Int($0) }
        return VisitsModel.RecordForm(
            action: "/customer-visits/\(v.id)/record",
            heldOn: mine == nil ? today.description : typed["heldOn"] ?? "",
            visitedBy: mine == nil ? principal.displayName : typed["visitedBy"] ?? "",
            metWith: typed["metWith"] ?? "", topics: typed["topics"] ?? "",
            satisfactionOptions: [
                SelectOption(value: "", label: l.t("voice.chooseSatisfaction"), selected: chosen == nil)
            ]
                + (1...5).reversed().map {
                    SelectOption(value: String($0), label: satisfaction($0, l), selected: $0 == chosen)
                },
            opportunities: typed["opportunities"] ?? "", notes: typed["notes"] ?? "", version: String(v.version),
            expanded: mine != nil, errors: mine?.messages ?? [])
    }

    static func row(
        _ v: CustomerVisitView, principal: Principal, failed: VisitsFailed?, today: CalendarDate, _ l: Localizer
    ) -> VisitsModel.Row {
        let overdue = v.overdue(today: today)
        var cancelForm: VisitsModel.CancelForm?
        if v.status == .planned {
            let mine = failed?.form == .cancel(id: v.id) ? failed : nil
            cancelForm = VisitsModel.CancelForm(
                action: "/customer-visits/\(v.id)/cancel", reason: mine?.typed["reason"] ?? "",
                version: String(v.version), expanded: mine != nil, errors: mine?.messages ?? [])
        }
        return VisitsModel.Row(
            id: v.id, customer: v.customerName, customerLink: "/customers/\(v.customerId)",
            tier: l.t("tier.\(v.tier.rawValue)"), tierCode: v.tier.rawValue, unit: v.orgUnitName,
            visitor: l.t("visitor.\(v.visitor.rawValue)"), visitorCode: v.visitor.rawValue,
            dueOn: VoiceForms.text(v.dueOn), overdue: overdue,
            overdueText: overdue
                ? l.t("voice.overdueDays").replacingOccurrences(
                    of: "{n}", with: l.number(today.dayNumber - v.dueOn.dayNumber)) : nil,
            status: l.t("customerVisitStatus.\(v.status.rawValue)"), statusCode: v.status.rawValue,
            assignee: v.assigneeName ?? l.t("voice.unassigned"), assigned: v.assigneeName != nil,
            heldOn: v.heldOn.map(VoiceForms.text), visitedBy: v.visitedBy, metWith: v.metWith, topics: v.topics,
            satisfaction: v.satisfaction.map { satisfaction($0, l) }, opportunities: v.opportunities, notes: v.notes,
            cancelReason: v.cancelReason,
            recordForm: v.status == .planned
                ? recordForm(v, principal: principal, failed: failed, today: today, l) : nil,
            cancelForm: cancelForm)
    }

    /// The rules form's rows: the plan's rules (or the rows as typed after a refusal), then two empty rows to add.
    static func ruleRows(_ data: VisitsData, _ l: Localizer) -> [VisitsModel.RuleRow] {
        let typed: [[String: String]] =
            data.failed?.form == .rules
            ? data.failed?.rules ?? []
            : data.rules.map {
                ["tier": $0.tier.rawValue, "visitor": $0.visitor.rawValue, "months": String($0.months)]
            }
        let rows = typed + [[:], [:]]
        return rows.enumerated().map { i, row in
            let tier = row["tier"].flatMap(CustomerTier.init(rawValue:)) ?? .key
            let visitor = row["visitor"].flatMap(Visitor.init(rawValue:)) ?? .accountManager
            return VisitsModel.RuleRow(
                index: i, tierOptions: SelectOption.of(CustomerTier.self, prefix: "tier", selected: tier, l),
                visitorOptions: SelectOption.of(Visitor.self, prefix: "visitor", selected: visitor, l),
                months: row["months"] ?? "")
        }
    }

    /// Whether a refused form has its place on the page; one that has none (the visit recorded or cancelled
    /// meanwhile, or not on this page of the list) shows its problems at the top.
    static func placed(_ form: VisitsFailed.Form, _ data: VisitsData) -> Bool {
        switch form {
        case .plan, .rules: return true
        case .record(let id), .cancel(let id):
            return data.page.items.contains { $0.id == id && $0.status == .planned }
        }
    }

    static func visitsModel(_ data: VisitsData, principal: Principal, _ l: Localizer) -> VisitsModel {
        let query = data.query
        let failed = data.failed
        let rows = data.page.items.map { row($0, principal: principal, failed: failed, today: data.today, l) }
        let unplaced = failed.map { placed($0.form, data) ? [] : $0.messages } ?? []
        var base = query
        base.customerId = nil
        var notice: String?
        if let planned = data.planned {
            notice =
                planned == 0
                ? l.t("voice.plannedNone")
                : l.t("voice.plannedSome").replacingOccurrences(of: "{n}", with: l.number(planned))
        }
        return VisitsModel(
            views: CustomerVisitStatus.allCases.map { show in
                var target = query
                target.show = show
                return VisitsModel.Chip(
                    label: l.t("customerVisitStatus.\(show.rawValue)"), link: link(target),
                    selected: show == query.show, id: "show-\(show.rawValue)")
            },
            visitorOptions: [SelectOption(value: "", label: l.t("voice.allVisitors"), selected: query.visitor == nil)]
                + SelectOption.of(Visitor.self, prefix: "visitor", selected: query.visitor, l),
            show: query.show.rawValue, visitor: query.visitor?.rawValue ?? "",
            customerId: query.customerId.map { String($0) } ?? "", customer: data.customerName,
            allCustomersLink: link(base), notice: notice, isPlanned: query.show == .planned,
            overdue: query.show == .planned ? rows.filter(\.overdue) : [],
            upcoming: query.show == .planned ? rows.filter { !$0.overdue } : [],
            rows: query.show == .planned ? [] : rows,
            next: data.page.nextCursor.map { link(query, [("cursor", $0)]) },
            planHint: l.t("voice.planHint").replacingOccurrences(of: "{n}", with: l.number(VisitPlan.horizonDays)),
            planErrors: failed?.form == .plan ? failed?.messages ?? [] : [],
            rules: data.rules.map { rule($0, l) }, ruleRows: ruleRows(data, l),
            rulesExpanded: failed?.form == .rules, rulesErrors: failed?.form == .rules ? failed?.messages ?? [] : [],
            errors: unplaced, today: data.today.description, nameMax: Limits.name, shortMax: Limits.shortText,
            noteMax: Limits.note)
    }
}
