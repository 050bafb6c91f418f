import AftercareDomain
import AftercareStore
import Foundation

extension MysteryShoppingPages {
    // MARK: Models, from store views alone

    /// The list's unit and the trends' period as asked (the dates as typed, for the form).
    struct MysteryQuery {
        /// The unit (and those below it) the list is narrowed to.
        var unit: Int?
        var fromText: String
        var toText: String

        var from: CalendarDate? { CalendarDate(iso: fromText) }
        var to: CalendarDate? { CalendarDate(iso: toText) }

        var items: [(String, String?)] {
            [("unit", unit.map { String($0) }), ("from", fromText), ("to", toText)]
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

    /// A refused record form: what was typed and the problems.
    struct MysteryFailed {
        var typed: [String: String]
        var messages: [FieldMessage]
    }

    struct MysteryData {
        var query: MysteryQuery
        var page: Page<MysteryInspectionView>
        /// The organisation units the caller sees (the page keeps those strictly below the caller's own).
        var units: [OrgUnitRecord.View]
        /// The engineers the caller sees (the page keeps those of the units above).
        var engineers: [EngineerRecord.View]
        var today: CalendarDate
        var failed: MysteryFailed?
        /// Nil when the period is wrong (`trendErrors` says why).
        var trends: MysteryTrends?
        var trendErrors: [FieldMessage] = []

        init(
            query: MysteryQuery, page: Page<MysteryInspectionView>, units: [OrgUnitRecord.View],
            engineers: [EngineerRecord.View], today: CalendarDate, failed: MysteryFailed?
        ) {
            self.query = query
            self.page = page
            self.units = units
            self.engineers = engineers
            self.today = today
            self.failed = failed
        }
    }

    struct MysteryModel: Encodable {
        struct Score: Encodable {
            var code: String
            var label: String
            var value: String
        }

        struct Row: Encodable {
            /// For the element ids only (`inspection-7`); never shown.
            var id: Int
            var unit: String
            var engineer: String?
            var inspectedOn: String
            var scenario: String
            /// "85 / 100".
            var total: String
            /// Below `lowTotal`.
            var low: Bool
            var scores: [Score]
            var findings: String
            var inspector: String
            var recorded: String
        }

        struct TrendRow: Encodable {
            var unit: String
            var month: String
            var count: String
            var average: String
            /// The bar's length (0–100) for the SVG: the average out of 100, with a dot whatever the language.
            var width: String
            var low: Bool
        }

        struct Criterion: Encodable {
            /// The field's name, `scores.greeting`.
            var name: String
            var code: String
            var label: String
            var options: [SelectOption]
        }

        var rows: [Row]
        var next: String?
        var unitFilterOptions: [SelectOption]
        /// The hidden fields of the record form: the list and the period to come back to.
        var unit: String
        var from: String
        var to: String
        var hasTrends: Bool
        var period: String
        var trends: [TrendRow]
        var trendErrors: [FieldMessage]
        /// The caller has units below their own: inspections can be recorded.
        var canRecord: Bool
        var unitOptions: [SelectOption]
        var engineerOptions: [SelectOption]
        var inspectedOn: String
        var scenario: String
        var criteria: [Criterion]
        var findings: String
        var inspector: String
        var formExpanded: Bool
        var formErrors: [FieldMessage]
        var today: String
        var nameMax: Int
        var noteMax: Int
        var longMax: Int
    }

    /// A total below this (out of 100) is marked on the page.
    static let lowTotal = 60

    static func total(_ value: Int, _ l: Localizer) -> String {
        l.t("voice.outOf100").replacingOccurrences(of: "{n}", with: l.number(value))
    }

    static func row(_ m: MysteryInspectionView, _ l: Localizer) -> MysteryModel.Row {
        MysteryModel.Row(
            id: m.id, unit: m.orgUnitName, engineer: m.engineerName, inspectedOn: VoiceForms.text(m.inspectedOn),
            scenario: m.scenario, total: total(m.total, l), low: m.total < lowTotal,
            scores: MysteryCriterion.allCases.map { c in
                MysteryModel.Score(
                    code: c.rawValue, label: l.t("mysteryCriterion.\(c.rawValue)"),
                    value: m.scores[c.rawValue].map { "\(l.number($0)) / \(l.number(5))" } ?? "—")
            },
            findings: m.findings, inspector: m.inspector, recorded: "\(m.createdBy) · \(l.dateTime(m.createdAt))")
    }

    static func trendRows(_ trends: MysteryTrends, _ l: Localizer) -> [MysteryModel.TrendRow] {
        trends.rows.map { r in
            MysteryModel.TrendRow(
                unit: r.orgUnitName, month: VoiceForms.month(r.month), count: l.number(r.count),
                average: l.t("voice.outOf100").replacingOccurrences(
                    of: "{n}", with: l.number(r.averageTotal, digits: 1)),
                width: String(format: "%.1f", min(100, max(0, r.averageTotal))),
                low: r.averageTotal < Double(lowTotal))
        }
    }

    static func mysteryModel(_ data: MysteryData, principal: Principal, _ l: Localizer) -> MysteryModel {
        // R-10.5: only the units strictly below the caller's own are inspected by them, and seen.
        let below = data.units.filter {
            MysteryVisibility.sees(viewerPath: principal.orgUnitPath, inspectedPath: VoiceForms.path($0))
        }
        let names = Dictionary(below.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let failed = data.failed
        let typed = failed?.typed ?? [:]
        let chosenUnit = typed["orgUnitId"].flatMap { Int($0) }
        let chosenEngineer = typed["engineerId"].flatMap { Int($0) }
        let query = data.query
        return MysteryModel(
            rows: data.page.items.map { row($0, l) },
            next: data.page.nextCursor.map { PageLink.make("/mystery-shopping", query.items + [("cursor", $0)]) },
            unitFilterOptions: [
                SelectOption(value: "", label: l.t("voice.allUnitsBelow"), selected: query.unit == nil)
            ]
                + below.map {
                    SelectOption(value: "\($0.id)", label: "\($0.code) · \($0.name)", selected: $0.id == query.unit)
                },
            unit: query.unit.map { String($0) } ?? "", from: query.fromText, to: query.toText,
            hasTrends: data.trends != nil,
            period: data.trends.map { "\(VoiceForms.text($0.from)) – \(VoiceForms.text($0.to))" } ?? "",
            trends: data.trends.map { trendRows($0, l) } ?? [], trendErrors: data.trendErrors,
            canRecord: !below.isEmpty,
            unitOptions: [SelectOption(value: "", label: l.t("voice.chooseUnit"), selected: chosenUnit == nil)]
                + below.filter { $0.archivedAt == nil }.map {
                    SelectOption(value: "\($0.id)", label: "\($0.code) · \($0.name)", selected: $0.id == chosenUnit)
                },
            engineerOptions: [SelectOption(value: "", label: l.t("voice.noEngineer"), selected: chosenEngineer == nil)]
                + data.engineers.filter { names[$0.orgUnitId] != nil && $0.archivedAt == nil }.map {
                    SelectOption(
                        value: "\($0.id)", label: "\($0.name) · \(names[$0.orgUnitId] ?? "")",
                        selected: $0.id == chosenEngineer)
                },
            inspectedOn: failed == nil ? data.today.description : typed["inspectedOn"] ?? "",
            scenario: typed["scenario"] ?? "",
            criteria: MysteryCriterion.allCases.map { c in
                let name = "scores.\(c.rawValue)"
                let chosen = typed[name].flatMap { Int($0) }
                return MysteryModel.Criterion(
                    name: name, code: c.rawValue, label: l.t("mysteryCriterion.\(c.rawValue)"),
                    options: [SelectOption(value: "", label: l.t("voice.chooseScore"), selected: chosen == nil)]
                        + (1...5).reversed().map {
                            SelectOption(
                                value: String($0), label: "\(l.number($0)) · \(l.t("voice.score.\($0)"))",
                                selected: $0 == chosen)
                        })
            },
            findings: typed["findings"] ?? "", inspector: typed["inspector"] ?? "",
            formExpanded: failed != nil, formErrors: failed?.messages ?? [], today: data.today.description,
            nameMax: Limits.name, noteMax: Limits.note, longMax: Limits.longText)
    }
}
