import AftercareDomain
import AftercareStore
import Foundation

extension LoanerPages {
    // MARK: Models, from store views alone

    /// A refused form of the pool page: which one, what was typed, and the problems.
    struct FailedForm {
        enum Form: Equatable {
            case add
            case giveBack(Int)
            case retire(Int)
        }

        var form: Form
        var typed: [String: String]
        var messages: [FieldMessage]
    }

    struct PoolData {
        var page: Page<LoanerView>
        var overdue: [LoanView]
        /// The product models a new loaner may be of (read only for those who may add one).
        var models: [ProductModelRecord.View]
        /// The organisation units the caller sees: the filter and the new loaner's pool.
        var units: [OrgUnitRecord.View]
        var orgUnitId: Int?
        var status: LoanerStatus?
        var failed: FailedForm?
    }

    struct PoolModel: Encodable {
        struct Loan: Encodable {
            var customer: String
            var caseNumber: String?
            var caseLink: String?
            var due: String
            /// "3 days overdue", nil when not overdue.
            var overdue: String?
            var lentBy: String
            var lentAt: String
            var note: String?
        }

        struct Row: Encodable {
            var id: Int
            var model: String
            var serial: String
            var unit: String
            var status: String
            var statusCode: String
            var note: String?
            var loan: Loan?
            /// The "taken back" form (a lent loaner, for those who lend loaners).
            var canTakeBack: Bool
            /// The "retire" button (an available loaner, for the depot).
            var canRetire: Bool
            var returnNote: String
        }

        struct OverdueRow: Encodable {
            var loanerId: Int
            /// The loaner's row in the pool, when it is on this page.
            var anchor: String
            var serial: String
            var model: String
            var customer: String
            var caseNumber: String?
            var caseLink: String?
            var due: String
            var overdue: String
            var lentBy: String
        }

        struct AddForm: Encodable {
            var modelOptions: [SelectOption]
            var unitOptions: [SelectOption]
            var serial: String
            var note: String
            var errors: [FieldMessage]
        }

        var rows: [Row]
        var overdue: [OverdueRow]
        var unitOptions: [SelectOption]
        var statusOptions: [SelectOption]
        var next: String?
        var addForm: AddForm?
        /// Problems of a "taken back" or "retire" form.
        var errors: [FieldMessage]
    }

    static func daysOverdue(_ days: Int, _ l: Localizer) -> String {
        l.t("loaners.daysOverdue").replacingOccurrences(of: "{n}", with: l.number(days))
    }

    static func loan(_ loan: LoanView, _ l: Localizer) -> PoolModel.Loan {
        PoolModel.Loan(
            customer: loan.customerName, caseNumber: loan.caseNumber,
            caseLink: loan.caseId.map { "/returns/\($0)" }, due: loan.dueOn.description,
            overdue: loan.daysOverdue > 0 ? daysOverdue(loan.daysOverdue, l) : nil, lentBy: loan.lentBy,
            lentAt: l.dateTime(loan.lentAt), note: loan.note)
    }

    static func poolModel(_ data: PoolData, principal: Principal, _ l: Localizer) -> PoolModel {
        let canDepot = principal.may(.workDepot)
        let canLend = principal.may(.lendLoaners)
        let failed = data.failed
        let typed = failed?.typed ?? [:]
        let unitName = { (unit: OrgUnitRecord.View) in "\(unit.code) · \(unit.name)" }
        let query: [(String, String?)] = [
            ("orgUnitId", data.orgUnitId.map { String($0) }), ("status", data.status?.rawValue),
        ]
        var addForm: PoolModel.AddForm?
        if canDepot {
            let model = typed["modelId"].flatMap { Int($0) }
            let home: Int? =
                data.units.contains(where: { $0.id == principal.orgUnitId })
                ? principal.orgUnitId : data.units.first?.id
            let unit = typed["orgUnitId"].flatMap { Int($0) } ?? data.orgUnitId ?? home
            addForm = PoolModel.AddForm(
                modelOptions: [SelectOption(value: "", label: l.t("loaners.chooseModel"), selected: model == nil)]
                    + data.models.map {
                        SelectOption(value: "\($0.id)", label: "\($0.code) · \($0.name)", selected: $0.id == model)
                    },
                unitOptions: data.units.map {
                    SelectOption(value: "\($0.id)", label: unitName($0), selected: $0.id == unit)
                },
                serial: typed["serialNumber"] ?? "", note: typed["note"] ?? "",
                errors: failed?.form == .add ? failed?.messages ?? [] : [])
        }
        return PoolModel(
            rows: data.page.items.map { x in
                PoolModel.Row(
                    id: x.id, model: "\(x.modelCode) · \(x.modelName)", serial: x.serialNumber, unit: x.orgUnitName,
                    status: l.t("loanerStatus.\(x.status.rawValue)"), statusCode: x.status.rawValue, note: x.note,
                    loan: x.loan.map { loan($0, l) }, canTakeBack: canLend && x.status == .lent && x.loan != nil,
                    canRetire: canDepot && x.status == .available,
                    returnNote: failed?.form == .giveBack(x.id) ? typed["note"] ?? "" : "")
            },
            overdue: data.overdue.map { o in
                PoolModel.OverdueRow(
                    loanerId: o.loanerId, anchor: "#loaner-" + String(o.loanerId), serial: o.serialNumber,
                    model: o.modelCode, customer: o.customerName,
                    caseNumber: o.caseNumber, caseLink: o.caseId.map { "/returns/\($0)" }, due: o.dueOn.description,
                    overdue: daysOverdue(o.daysOverdue, l), lentBy: o.lentBy)
            },
            unitOptions: [SelectOption(value: "", label: l.t("requests.any"), selected: data.orgUnitId == nil)]
                + data.units.map {
                    SelectOption(value: "\($0.id)", label: unitName($0), selected: $0.id == data.orgUnitId)
                },
            statusOptions: [SelectOption(value: "", label: l.t("loaners.inService"), selected: data.status == nil)]
                + SelectOption.of(LoanerStatus.self, prefix: "loanerStatus", selected: data.status, l),
            next: data.page.nextCursor.map { PageLink.make("/loaners", query + [("cursor", $0)]) },
            addForm: addForm, errors: failed.map { $0.form == .add ? [] : $0.messages } ?? [])
    }
}
