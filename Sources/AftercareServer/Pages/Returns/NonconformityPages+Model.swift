import AftercareDomain
import AftercareStore
import Foundation

extension NonconformityPages {
    // MARK: Models, from store views alone

    /// The table's period, dimension and threshold as asked (the text as typed, for the form).
    struct TableQuery {
        var fromText: String
        var toText: String
        var from: CalendarDate?
        var to: CalendarDate?
        var dimension: NonconformityDimension
        var threshold: Int
        var thresholdText: String?

        var filter: NonconformityFilter { NonconformityFilter(from: from, to: to) }

        /// The query of the table's links (the threshold only when not the default).
        var items: [(String, String?)] {
            [
                ("from", fromText), ("to", toText), ("dimension", dimension.rawValue),
                ("threshold", threshold == NonconformityPages.defaultThreshold ? nil : String(threshold)),
            ]
        }
    }

    struct TableData {
        var query: TableQuery
        var rows: [NonconformityRow]
        /// The period's rows by cause, for the causes at or above the threshold.
        var causes: [NonconformityRow]
        var records: Page<NonconformityView>
        /// The rows have no currency: the records' (the first one's), yuan when there are none.
        var currency: Currency = .cny
        var errors: [FieldMessage] = []
    }

    struct TableModel: Encodable {
        struct Row: Encodable {
            var key: String
            var code: String
            var count: String
            var share: String
            var cost: String
        }

        struct Cause: Encodable {
            var name: String
            var count: String
        }

        struct Record: Encodable {
            var id: Int
            var link: String
            var foundOn: String
            var source: String
            var caseNumber: String?
            var caseLink: String?
            var item: String
            var serial: String
            var responsibility: String
            var disposition: String
            var status: String
            var statusCode: String
            var cost: String
        }

        struct LanguageLink: Encodable {
            var code: String
            var name: String
            var href: String
        }

        var from: String
        var to: String
        /// The dimension in words: the first column's heading.
        var dimension: String
        var dimensionOptions: [SelectOption]
        var threshold: String
        var rows: [Row]
        var totalCount: String
        var totalCost: String
        var frequent: [Cause]
        var frequentHint: String
        var records: [Record]
        var next: String?
        var exportLink: String
        var printLink: String
        /// The print form in another language, for the same period.
        var printLanguages: [LanguageLink]
        var errors: [FieldMessage]
        var printedAt: String = ""
    }

    /// A row's key in words: a model or a fault code with its name, a responsibility, a disposition or a month;
    /// "not given yet" when the records have none.
    static func keyText(_ row: NonconformityRow, _ dimension: NonconformityDimension, _ l: Localizer) -> String {
        guard let key = row.key, !key.isEmpty else { return l.t("nonconformities.notGiven") }
        switch dimension {
        case .model, .cause:
            guard let name = row.name, !name.isEmpty, name != key else { return key }
            return "\(key) · \(name)"
        case .responsibility:
            return Responsibility(rawValue: key).map { l.t("responsibility.\($0.rawValue)") } ?? key
        case .disposition:
            return Disposition(rawValue: key).map { l.t("disposition.\($0.rawValue)") } ?? key
        case .month:
            return key
        }
    }

    /// the causes counted at least `threshold` times, most first (then by code).
    static func frequentCauses(_ rows: [NonconformityRow], threshold: Int) -> [NonconformityRow] {
        let keyed = rows.compactMap { row in row.key.map { ($0, row) } }
        let byKey = Dictionary(keyed, uniquingKeysWith: { a, _ in a })
        let counts = Dictionary(keyed.map { ($0.0, $0.1.count) }, uniquingKeysWith: +)
        return NonconformityRule.frequent(counts, threshold: threshold)
            .sorted { ($0.count, $1.key) > ($1.count, $0.key) }
            .compactMap { byKey[$0.key] }
    }

    static func tableModel(_ data: TableData, _ l: Localizer) -> TableModel {
        let query = data.query
        let money = { (minor: Int) in l.amount(minor, data.currency) }
        let total = data.rows.reduce(0) { $0 + $1.count }
        let share = { (count: Int) in
            total == 0 ? "—" : l.number(Double(count) * 100 / Double(total), digits: 1) + "%"
        }
        let dash = "—"
        return TableModel(
            from: query.fromText, to: query.toText,
            dimension: l.t("nonconformityDimension.\(query.dimension.rawValue)"),
            dimensionOptions: SelectOption.of(
                NonconformityDimension.self, prefix: "nonconformityDimension", selected: query.dimension, l),
            threshold: query.thresholdText ?? String(query.threshold),
            rows: data.rows.map { row in
                TableModel.Row(
                    key: keyText(row, query.dimension, l), code: row.key ?? "", count: l.number(row.count),
                    share: share(row.count), cost: money(row.costMinor))
            },
            totalCount: l.number(total), totalCost: money(data.rows.reduce(0) { $0 + $1.costMinor }),
            frequent: frequentCauses(data.causes, threshold: query.threshold).map {
                TableModel.Cause(name: keyText($0, .cause, l), count: l.number($0.count))
            },
            frequentHint: l.t("nonconformities.frequentHint").replacingOccurrences(
                of: "{n}", with: l.number(query.threshold)),
            records: data.records.items.map { r in
                TableModel.Record(
                    id: r.id, link: "/nonconformities/\(r.id)", foundOn: r.foundOn.description,
                    source: l.t("nonconformitySource.\(r.source.rawValue)"), caseNumber: r.caseNumber,
                    caseLink: r.caseId.map { "/returns/\($0)" }, item: r.modelCode ?? r.partNumber ?? dash,
                    serial: r.serial ?? dash,
                    responsibility: r.responsibility.map { l.t("responsibility.\($0.rawValue)") } ?? dash,
                    disposition: r.disposition.map { l.t("disposition.\($0.rawValue)") } ?? dash,
                    status: l.t("nonconformityStatus.\(r.status.rawValue)"), statusCode: r.status.rawValue,
                    cost: l.amount(r.costMinor, r.currency))
            },
            next: data.records.nextCursor.map { PageLink.make("/nonconformities", query.items + [("cursor", $0)]) },
            exportLink: PageLink.make("/nonconformities/export.csv", query.items),
            printLink: PageLink.make("/nonconformities/print", query.items),
            printLanguages: Language.allCases.map {
                TableModel.LanguageLink(
                    code: $0.rawValue, name: $0.nativeName,
                    href: PageLink.make("/nonconformities/print", query.items + [("lang", $0.rawValue)]))
            },
            errors: data.errors)
    }

    // MARK: One record

    struct RecordData {
        var record: NonconformityView
        /// The fault codes to choose from (read only for those who may edit the record).
        var codes: [FaultCodeRecord.View]
        /// What was typed in a refused form (a field left blank is absent); nil: the record as it stands.
        var typed: [String: String]?
        var errors: [FieldMessage] = []
    }

    struct RecordModel: Encodable {
        struct Fact: Encodable {
            var label: String
            var value: String
            var link: String?
        }

        struct EditForm: Encodable {
            var faultOptions: [SelectOption]
            var dispositionOptions: [SelectOption]
            var analysis: String
            var inspectionRecord: String
            var cost: String
            var currency: String
            var version: Int
            /// The "close" box, while the record is open.
            var canClose: Bool
            var close: Bool
        }

        var id: Int
        var heading: String
        var status: String
        var statusCode: String
        var facts: [Fact]
        var analysis: String?
        var inspectionRecord: String?
        var form: EditForm?
        var errors: [FieldMessage]
    }

    static func recordModel(_ data: RecordData, principal: Principal, _ l: Localizer) -> RecordModel {
        let r = data.record
        let notGiven = l.t("nonconformities.notGiven")
        let item = r.modelCode ?? r.partNumber ?? "—"
        var facts = [
            RecordModel.Fact(label: l.t("nonconformities.foundOn"), value: r.foundOn.description),
            RecordModel.Fact(
                label: l.t("nonconformities.source"), value: l.t("nonconformitySource.\(r.source.rawValue)")),
        ]
        if let caseId = r.caseId {
            facts.append(
                RecordModel.Fact(
                    label: l.t("nonconformities.case"), value: r.caseNumber ?? String(caseId),
                    link: "/returns/\(caseId)"))
        }
        if let model = r.modelCode { facts.append(RecordModel.Fact(label: l.t("col.model"), value: model)) }
        if let part = r.partNumber { facts.append(RecordModel.Fact(label: l.t("nonconformities.part"), value: part)) }
        if let serial = r.serial { facts.append(RecordModel.Fact(label: l.t("col.serial"), value: serial)) }
        facts += [
            RecordModel.Fact(
                label: l.t("nonconformities.responsibility"),
                value: r.responsibility.map { l.t("responsibility.\($0.rawValue)") } ?? notGiven),
            RecordModel.Fact(
                label: l.t("nonconformities.faultCode"),
                value: r.faultCode.map { code in r.faultName.map { "\(code) · \($0)" } ?? code } ?? notGiven),
            RecordModel.Fact(
                label: l.t("nonconformities.disposition"),
                value: r.disposition.map { l.t("disposition.\($0.rawValue)") } ?? notGiven),
            RecordModel.Fact(label: l.t("nonconformities.cost"), value: l.amount(r.costMinor, r.currency)),
            RecordModel.Fact(label: l.t("nonconformities.createdBy"), value: r.createdBy),
            RecordModel.Fact(label: l.t("nonconformities.updatedAt"), value: l.dateTime(r.updatedAt)),
        ]
        var form: RecordModel.EditForm?
        if principal.may(.checkQuality) {
            let typed = data.typed
            let fault: Int? = typed.map { $0["faultCodeId"].flatMap { Int($0) } } ?? r.faultCodeId
            let disposition: Disposition? =
                typed.map { $0["disposition"].flatMap { Disposition(rawValue: $0) } } ?? r.disposition
            var faultOptions = data.codes.map {
                SelectOption(value: "\($0.id)", label: "\($0.code) · \($0.name)", selected: $0.id == fault)
            }
            if let current = r.faultCodeId, !data.codes.contains(where: { $0.id == current }) {
                let label = r.faultCode.map { code in r.faultName.map { "\(code) · \($0)" } ?? code }
                faultOptions.append(
                    SelectOption(value: "\(current)", label: label ?? String(current), selected: current == fault))
            }
            form = RecordModel.EditForm(
                faultOptions: [SelectOption(value: "", label: notGiven, selected: fault == nil)] + faultOptions,
                dispositionOptions: [SelectOption(value: "", label: notGiven, selected: disposition == nil)]
                    + SelectOption.of(Disposition.self, prefix: "disposition", selected: disposition, l),
                analysis: typed.map { $0["analysis"] ?? "" } ?? r.analysis ?? "",
                inspectionRecord: typed.map { $0["inspectionRecord"] ?? "" } ?? r.inspectionRecord ?? "",
                cost: typed.map { $0["cost"] ?? "" } ?? Money(minor: r.costMinor, currency: r.currency).decimalText,
                currency: l.t("currency.\(r.currency.rawValue)"), version: r.version, canClose: r.status == .open,
                close: typed?["close"] != nil)
        }
        return RecordModel(
            id: r.id, heading: [item, r.serial].compactMap { $0 }.joined(separator: " "),
            status: l.t("nonconformityStatus.\(r.status.rawValue)"), statusCode: r.status.rawValue, facts: facts,
            analysis: r.analysis, inspectionRecord: r.inspectionRecord, form: form, errors: data.errors)
    }
}
