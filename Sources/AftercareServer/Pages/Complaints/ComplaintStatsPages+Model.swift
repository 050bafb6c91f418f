import AftercareDomain
import AftercareStore
import Foundation

extension ComplaintStatsPages {
    // MARK: Models, from store views alone

    /// The period and the unit as asked (the dates as typed, for the form).
    struct StatsQuery {
        var fromText: String
        var toText: String
        var orgUnitId: Int?

        var from: CalendarDate? { CalendarDate(iso: fromText) }
        var to: CalendarDate? { CalendarDate(iso: toText) }

        /// The query of the page's address.
        var items: [(String, String?)] {
            [("from", fromText), ("to", toText), ("orgUnitId", orgUnitId.map { String($0) })]
        }

        /// What is wrong with the dates: not a day as YYYY-MM-DD, or `to` before `from`.
        func validator() -> AftercareDomain.Validator {
            var v = AftercareDomain.Validator()
            if from == nil { v.add("from", .invalidFormat(expected: "YYYY-MM-DD")) }
            if to == nil { v.add("to", .invalidFormat(expected: "YYYY-MM-DD")) }
            if let from, let to, to < from { v.add("to", .mustNotBeBefore(field: "from")) }
            return v
        }
    }

    /// A refused form of the page: which one, what was typed, and the problems.
    struct FailedForm {
        enum Form: Equatable {
            /// An improvement action for the cause (its raw value as posted).
            case open(cause: String)
            case close(id: Int)
        }

        var form: Form
        var typed: [String: String]
        var messages: [FieldMessage]
    }

    struct StatsData {
        var query: StatsQuery
        /// Nil when the period is wrong (`errors` says why).
        var stats: ComplaintStatistics?
        /// The open improvement actions, then the latest closed ones.
        var improvements: [ImprovementActionView]
        /// More improvement actions than the page lists.
        var moreImprovements: Bool
        /// The organisation units the caller sees, to count one unit's complaints.
        var units: [OrgUnitRecord.View]
        /// An open improvement action past its due day is overdue.
        var today: CalendarDate
        var errors: [FieldMessage] = []
        var failed: FailedForm?
    }

    struct StatsModel: Encodable {
        struct Total: Encodable {
            var id: String
            var label: String
            var value: String
            /// The count behind a share, or the share behind a count.
            var detail: String?
        }

        /// One row of a table with a bar: its name, count, share of the complaints received and the bar's length
        /// (0–100, the longest row's count is 100).
        struct Row: Encodable {
            var code: String
            var name: String
            var count: String
            var share: String
            var width: String
        }

        struct ImprovementForm: Encodable {
            var cause: String
            var title: String
            var owner: String
            var dueOn: String
            /// The form starts open when it was refused.
            var expanded: Bool
            var errors: [FieldMessage]
        }

        struct CauseRow: Encodable {
            var code: String
            var name: String
            var count: String
            var share: String
            var width: String
            var frequent: Bool
            var improvementsOpen: String
            var improvementsDone: String
            /// A frequent cause's "open an improvement action" form, for those who keep them.
            var form: ImprovementForm?
        }

        struct CloseForm: Encodable {
            var action: String
            var statusOptions: [SelectOption]
            var outcome: String
            var errors: [FieldMessage]
        }

        struct Improvement: Encodable {
            var id: Int
            var cause: String
            var title: String
            var owner: String
            var dueOn: String
            var overdue: Bool
            var status: String
            var statusCode: String
            /// The period whose complaints it answers, and how many of its cause it had.
            var period: String
            var complaintCount: String
            var outcome: String?
            var created: String
            var closed: String?
            var closeForm: CloseForm?
        }

        var from: String
        var to: String
        /// The unit counted, for the hidden fields of the forms ("" for all).
        var orgUnitId: String
        var unitOptions: [SelectOption]
        /// The statistics are shown (the period is right).
        var hasStats: Bool
        /// The period counted, in words.
        var period: String
        var totals: [Total]
        var causes: [CauseRow]
        var frequentHint: String
        var productLines: [Row]
        var branches: [Row]
        var engineers: [Row]
        var months: [Row]
        var improvements: [Improvement]
        var moreImprovements: Bool
        var canManage: Bool
        var textMax: Int
        var nameMax: Int
        var errors: [FieldMessage]
    }

    /// `part` of `whole` as a percentage with one decimal, "—" when there is nothing to divide by.
    static func percent(_ part: Int, of whole: Int, _ l: Localizer) -> String {
        whole == 0 ? "—" : l.number(Double(part) * 100 / Double(whole), digits: 1) + "%"
    }

    /// A bar's length for the SVG (a dot for the decimals, whatever the language): `count` against `longest`.
    static func width(_ count: Int, longest: Int) -> String {
        longest <= 0 ? "0" : String(format: "%.1f", Double(count) * 100 / Double(longest))
    }

    /// The catalogue's text of `key` with `{n}` and `{total}` filled in.
    static func counted(_ key: String, _ n: Int, of total: Int, _ l: Localizer) -> String {
        l.t(key).replacingOccurrences(of: "{n}", with: l.number(n)).replacingOccurrences(
            of: "{total}", with: l.number(total))
    }

    static func rows(_ counts: [ComplaintStatistics.Count], total: Int, _ l: Localizer) -> [StatsModel.Row] {
        let longest = counts.map(\.count).max() ?? 0
        return counts.map { c in
            StatsModel.Row(
                code: c.id.map { String($0) } ?? "", name: c.name?.nilIfEmpty ?? l.t("complaintStats.notKnown"),
                count: l.number(c.count), share: percent(c.count, of: total, l),
                width: width(c.count, longest: longest))
        }
    }

    static func months(_ s: ComplaintStatistics, _ l: Localizer) -> [StatsModel.Row] {
        let longest = s.byMonth.map(\.count).max() ?? 0
        return s.byMonth.map { m in
            let month = String(format: "%04d-%02d", m.month.year, m.month.month)
            return StatsModel.Row(
                code: month, name: month, count: l.number(m.count), share: percent(m.count, of: s.total, l),
                width: width(m.count, longest: longest))
        }
    }

    /// received, open, acknowledged on time (of those received), resolved on time (of those resolved),
    /// satisfied and handled again.
    static func totals(_ s: ComplaintStatistics, _ l: Localizer) -> [StatsModel.Total] {
        let ofReceived = { (n: Int) in
            l.t("complaintStats.shareOfReceived").replacingOccurrences(of: "{share}", with: percent(n, of: s.total, l))
        }
        return [
            StatsModel.Total(id: "stats-received", label: l.t("complaintStats.received"), value: l.number(s.total)),
            StatsModel.Total(
                id: "stats-open", label: l.t("complaintStats.open"), value: l.number(s.open),
                detail: ofReceived(s.open)),
            StatsModel.Total(
                id: "stats-ack-on-time", label: l.t("complaintStats.acknowledgedOnTime"),
                value: percent(s.acknowledgedOnTime, of: s.total, l),
                detail: counted("complaintStats.ofReceivedCount", s.acknowledgedOnTime, of: s.total, l)),
            StatsModel.Total(
                id: "stats-resolved-on-time", label: l.t("complaintStats.resolvedOnTime"),
                value: percent(s.resolvedOnTime, of: s.resolved, l),
                detail: counted("complaintStats.ofResolvedCount", s.resolvedOnTime, of: s.resolved, l)),
            StatsModel.Total(
                id: "stats-satisfied", label: l.t("complaintStats.satisfied"), value: l.number(s.satisfied),
                detail: ofReceived(s.satisfied)),
            StatsModel.Total(
                id: "stats-reprocessed", label: l.t("complaintStats.reprocessed"), value: l.number(s.reprocessed),
                detail: ofReceived(s.reprocessed)),
        ]
    }

    /// A new improvement action's due day until another is chosen: a month from today.
    static func defaultDueOn(_ today: CalendarDate) -> String { today.adding(months: 1).description }

    /// The causes, the frequent ones with their "open an improvement action" form for those who keep them.
    static func causes(
        _ s: ComplaintStatistics, canManage: Bool, failed: FailedForm?, today: CalendarDate, _ l: Localizer
    ) -> [StatsModel.CauseRow] {
        let longest = s.byCause.map(\.count).max() ?? 0
        return s.byCause.map { c -> StatsModel.CauseRow in
            var form: StatsModel.ImprovementForm?
            if let cause = c.cause, c.frequent, canManage {
                let mine = failed?.form == .open(cause: cause.rawValue) ? failed : nil
                form = StatsModel.ImprovementForm(
                    cause: cause.rawValue, title: mine?.typed["title"] ?? "", owner: mine?.typed["owner"] ?? "",
                    dueOn: mine.map { $0.typed["dueOn"] ?? "" } ?? defaultDueOn(today), expanded: mine != nil,
                    errors: mine?.messages ?? [])
            }
            return StatsModel.CauseRow(
                code: c.cause?.rawValue ?? "unclassified",
                name: c.cause.map { l.t("complaint.cause.\($0.rawValue)") } ?? l.t("complaintStats.unclassified"),
                count: l.number(c.count), share: percent(c.count, of: s.total, l),
                width: width(c.count, longest: longest), frequent: c.frequent,
                improvementsOpen: l.number(c.improvementsOpen), improvementsDone: l.number(c.improvementsDone),
                form: form)
        }
    }

    /// The improvement actions, an open one with its close form for those who keep them.
    static func improvement(
        _ a: ImprovementActionView, today: CalendarDate, canManage: Bool, failed: FailedForm?, _ l: Localizer
    ) -> StatsModel.Improvement {
        var closeForm: StatsModel.CloseForm?
        if canManage, a.status == .open {
            let mine = failed?.form == .close(id: a.id) ? failed : nil
            let chosen = mine?.typed["status"].flatMap { ImprovementStatus(rawValue: $0) } ?? .done
            closeForm = StatsModel.CloseForm(
                action: "/improvement-actions/\(a.id)/close",
                statusOptions: [ImprovementStatus.done, .cancelled].map {
                    SelectOption(
                        value: $0.rawValue, label: l.t("improvement.status.\($0.rawValue)"), selected: $0 == chosen)
                },
                outcome: mine?.typed["outcome"] ?? "", errors: mine?.messages ?? [])
        }
        return StatsModel.Improvement(
            id: a.id, cause: l.t("complaint.cause.\(a.cause.rawValue)"), title: a.title, owner: a.owner,
            dueOn: a.dueOn.description, overdue: a.status == .open && a.dueOn < today,
            status: l.t("improvement.status.\(a.status.rawValue)"), statusCode: a.status.rawValue,
            period: "\(a.periodFrom.description) – \(a.periodTo.description)",
            complaintCount: l.number(a.complaintCount), outcome: a.outcome,
            created: "\(a.createdBy) · \(l.dateTime(a.createdAt))",
            closed: a.closedAt.map { at in [a.closedBy, l.dateTime(at)].compactMap { $0 }.joined(separator: " · ") },
            closeForm: closeForm)
    }

    /// Whether a refused form has its place on the page; one that has none (its cause no longer frequent in the
    /// period, the action closed meanwhile, a field tampered with) shows its problems at the top.
    static func placed(_ form: FailedForm.Form, _ data: StatsData, canManage: Bool) -> Bool {
        guard canManage else { return false }
        switch form {
        case .open(let cause):
            return data.stats?.byCause.contains { $0.frequent && $0.cause?.rawValue == cause } ?? false
        case .close(let id):
            return data.improvements.contains { $0.id == id && $0.status == .open }
        }
    }

    static func statsModel(_ data: StatsData, principal: Principal, _ l: Localizer) -> StatsModel {
        let canManage = principal.may(.manageImprovements)
        let failed = data.failed
        let query = data.query
        let stats = data.stats
        let total = stats?.total ?? 0
        let unplaced = failed.map { placed($0.form, data, canManage: canManage) ? [] : $0.messages } ?? []
        return StatsModel(
            from: query.fromText, to: query.toText, orgUnitId: query.orgUnitId.map { String($0) } ?? "",
            unitOptions: [
                SelectOption(value: "", label: l.t("complaintStats.allUnits"), selected: query.orgUnitId == nil)
            ]
                + data.units.map {
                    SelectOption(
                        value: "\($0.id)", label: "\($0.code) · \($0.name)", selected: $0.id == query.orgUnitId)
                },
            hasStats: stats != nil, period: stats.map { "\($0.from.description) – \($0.to.description)" } ?? "",
            totals: stats.map { totals($0, l) } ?? [],
            causes: stats.map { causes($0, canManage: canManage, failed: failed, today: data.today, l) } ?? [],
            frequentHint: l.t("complaintStats.frequentHint")
                .replacingOccurrences(of: "{n}", with: l.number(FrequentCauses.minimumCount))
                .replacingOccurrences(of: "{share}", with: l.number(FrequentCauses.headPercent) + "%"),
            productLines: rows(stats?.byProductLine ?? [], total: total, l),
            branches: rows(stats?.byBranch ?? [], total: total, l),
            engineers: rows(stats?.byEngineer ?? [], total: total, l),
            months: stats.map { months($0, l) } ?? [],
            improvements: data.improvements.map {
                improvement($0, today: data.today, canManage: canManage, failed: failed, l)
            },
            moreImprovements: data.moreImprovements, canManage: canManage,
            textMax: Limits.note, nameMax: Limits.name,
            errors: data.errors + unplaced)
    }
}
