import AftercareDomain
import AftercareStore
import Foundation

extension CustomerVisitPages {
    // MARK: Committee meetings: models, from store views alone

    /// How many decision rows the new meeting form offers (a refused form keeps every row typed, and at least as
    /// many rows).
    static let decisionRows = 5

    struct MeetingsFailed {
        enum Form: Equatable {
            case new
            case done(id: Int, index: Int)
        }

        var form: Form
        var typed: [String: String] = [:]
        /// The decisions' rows as typed.
        var decisions: [[String: String]] = []
        var messages: [FieldMessage]
    }

    struct MeetingsData {
        var page: Page<CommitteeMeetingView>
        /// The organisation units the caller sees, to choose the one that held the meeting.
        var units: [OrgUnitRecord.View]
        var today: CalendarDate
        var failed: MeetingsFailed?
    }

    struct MeetingsModel: Encodable {
        struct Decision: Encodable {
            var index: Int
            var text: String
            var owner: String
            var dueOn: String?
            var overdue: Bool
            var done: Bool
            /// "Done · li.lei · 2026-11-23 10:00".
            var doneText: String?
            /// The "done" button's form address, while not done.
            var doneAction: String?
            var errors: [FieldMessage]
        }

        struct Meeting: Encodable {
            /// For the element ids only (`meeting-3`); never shown.
            var id: Int
            var unit: String
            var heldOn: String
            var place: String?
            var attendees: String
            var minutes: String
            var decisions: [Decision]
            /// "2 of 3 decisions open".
            var openText: String
            var recorded: String
        }

        struct DecisionRow: Encodable {
            var index: Int
            var text: String
            var owner: String
            var dueOn: String
        }

        var meetings: [Meeting]
        var next: String?
        var unitOptions: [SelectOption]
        var heldOn: String
        var place: String
        var attendees: String
        var minutes: String
        var decisionRows: [DecisionRow]
        var formExpanded: Bool
        var formErrors: [FieldMessage]
        /// Problems of a form that has no place on the page any more.
        var errors: [FieldMessage]
        var today: String
        var nameMax: Int
        var shortMax: Int
        var noteMax: Int
        var longMax: Int
    }

    static func meeting(
        _ m: CommitteeMeetingView, today: CalendarDate, failed: MeetingsFailed?, _ l: Localizer
    ) -> MeetingsModel.Meeting {
        let open = m.openDecisions
        return MeetingsModel.Meeting(
            id: m.id, unit: m.orgUnitName, heldOn: VoiceForms.text(m.heldOn), place: m.place, attendees: m.attendees,
            minutes: m.minutes,
            decisions: m.decisions.enumerated().map { i, d in
                let mine = failed?.form == .done(id: m.id, index: i) ? failed : nil
                return MeetingsModel.Decision(
                    index: i, text: d.text, owner: d.owner, dueOn: d.dueOn.map(VoiceForms.text),
                    overdue: !d.done && (d.dueOn.map { $0 < today } ?? false), done: d.done,
                    doneText: d.done
                        ? ([l.t("voice.decisionDone"), d.doneBy, d.doneAt.map { l.dateTime($0) }] as [String?])
                            .compactMap { $0 }.joined(separator: " · ") : nil,
                    doneAction: d.done ? nil : "/committee-meetings/\(m.id)/decisions/\(i)/done",
                    errors: mine?.messages ?? [])
            },
            openText: m.decisions.isEmpty
                ? l.t("voice.noDecisions")
                : l.t("voice.decisionsOpen").replacingOccurrences(of: "{open}", with: l.number(open))
                    .replacingOccurrences(of: "{total}", with: l.number(m.decisions.count)),
            recorded: "\(m.createdBy) · \(l.dateTime(m.createdAt))")
    }

    /// Whether a refused form has its place on the page.
    static func placed(_ form: MeetingsFailed.Form, _ data: MeetingsData) -> Bool {
        switch form {
        case .new: return true
        case .done(let id, let index):
            return data.page.items.contains { $0.id == id && $0.decisions.indices.contains(index) }
        }
    }

    static func meetingsModel(_ data: MeetingsData, principal: Principal, _ l: Localizer) -> MeetingsModel {
        let failed = data.failed
        let new = failed?.form == .new ? failed : nil
        let typed = new?.typed ?? [:]
        let chosenUnit = typed["orgUnitId"].flatMap { Int($0) } ?? principal.orgUnitId
        let typedRows = new?.decisions ?? []
        let rows =
            typedRows + Array(repeating: [String: String](), count: max(0, decisionRows - typedRows.count))
        let unplaced = failed.map { placed($0.form, data) ? [] : $0.messages } ?? []
        return MeetingsModel(
            meetings: data.page.items.map { meeting($0, today: data.today, failed: failed, l) },
            next: data.page.nextCursor.map { PageLink.make("/committee-meetings", [("cursor", $0)]) },
            unitOptions: data.units.filter { $0.archivedAt == nil }.map {
                SelectOption(value: "\($0.id)", label: "\($0.code) · \($0.name)", selected: $0.id == chosenUnit)
            },
            heldOn: new == nil ? data.today.description : typed["heldOn"] ?? "", place: typed["place"] ?? "",
            attendees: typed["attendees"] ?? "", minutes: typed["minutes"] ?? "",
            decisionRows: rows.enumerated().map { i, row in
                MeetingsModel.DecisionRow(
                    index: i, text: row["text"] ?? "", owner: row["owner"] ?? "", dueOn: row["dueOn"] ?? "")
            },
            formExpanded: new != nil, formErrors: new?.messages ?? [], errors: unplaced,
            today: data.today.description, nameMax: Limits.name, shortMax: Limits.shortText, noteMax: Limits.note,
            longMax: Limits.longText)
    }
}
