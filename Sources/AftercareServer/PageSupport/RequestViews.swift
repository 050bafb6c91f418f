import AftercareDomain
import AftercareStore
import Foundation

/// Small view models shared by the desk and the portal: values already formatted for the reader.
struct RequestRowModel: Encodable {
    var id: Int
    var number: String
    var customerName: String
    var type: String
    var priority: String
    var priorityCode: String
    var emergency: Bool
    var status: String
    var statusCode: String
    var serials: String
    var updated: String

    init(_ view: ServiceRequestView, _ l: Localizer) {
        id = view.id
        number = view.number
        customerName = view.customerName
        type = l.t("type.\(view.type.rawValue)")
        priority = l.t("priority.\(view.priority.rawValue)")
        priorityCode = view.priority.rawValue
        // The flag is shown apart only when the priority does not already say so.
        emergency = view.emergency && view.priority != .emergency
        status = l.t("status.\(view.status.rawValue)")
        statusCode = view.status.rawValue
        serials = view.units.map(\.serialNumber).joined(separator: ", ")
        updated = l.dateTime(view.updatedAt)
    }
}

/// A table of request rows (the `rows` template), with its section's heading and a link to the whole list.
struct RowList: Encodable {
    /// Links that re-sort the list by a column (the number toggles newest and oldest first).
    struct Sorts: Encodable {
        var number: String
        var status: String
        var updated: String
    }

    var id: String
    var tableId: String
    var title: String
    var rows: [RequestRowModel]
    var more: String
    var sorts: Sorts?

    init(
        id: String, tableId: String? = nil, title: String = "", rows: [RequestRowModel], more: String = "",
        sorts: Sorts? = nil
    ) {
        self.id = id
        self.tableId = tableId ?? "\(id)-table"
        self.title = title
        self.rows = rows
        self.more = more
        self.sorts = sorts
    }
}

struct TimelineModel: Encodable {
    var at: String
    var actor: String
    var event: String
    var status: String
    var note: String?
    /// The visit a visit's step belongs to, in words: "第 1 次上门：检测诊断".
    var visit: String?

    /// `showNotes: false` for customers: notes are internal.
    init(_ entry: TimelineEntry, _ l: Localizer, showNotes: Bool) {
        at = l.dateTime(entry.at)
        actor = showNotes ? entry.actor : ""
        event = l.t("event.\(entry.event)")
        status = l.t("status.\(entry.to.rawValue)")
        note = showNotes ? entry.note : nil
        visit = entry.visit.map { l.visit($0) }
    }
}

extension Localizer {
    /// A request's visit by its number, and its purpose when known.
    func visit(_ visit: TimelineVisit) -> String {
        let number = self.number(visit.sequence)
        guard let purpose = visit.purpose else {
            return t("timeline.visit").replacingOccurrences(of: "{n}", with: number)
        }
        return t("timeline.visitFor").replacingOccurrences(of: "{n}", with: number)
            .replacingOccurrences(of: "{purpose}", with: t("visitPurpose.\(purpose.rawValue)"))
    }
}

struct UnitLineModel: Encodable {
    var id: Int
    var serial: String
    var model: String
    var warranty: String
    var warrantyCode: String
    var warrantyEnd: String?

    init(_ unit: RequestUnitView, _ l: Localizer) {
        id = unit.unitId
        serial = unit.serialNumber
        model = unit.modelCode
        let status = unit.warrantyStatus ?? .undetermined
        warranty = l.t("warranty.\(status.rawValue)")
        warrantyCode = status.rawValue
        warrantyEnd = unit.warranty.map { $0.end.description }
    }
}

/// what happens next, in words a customer understands.
enum NextStep {
    static func key(for status: RequestStatus) -> String {
        "next.\(status.rawValue)"
    }
}

/// An installed unit as one line of a list: the customer page and the customer's portal.
struct UnitRowModel: Encodable {
    var id: Int
    var serial: String
    var model: String
    var site: String?
    /// the warranty as it stands `today`, before any fault cause is known.
    var warranty: String

    init(_ unit: UnitRecord.View, today: CalendarDate, _ l: Localizer) {
        id = unit.id
        serial = unit.serialNumber
        model = unit.modelCode
        site = unit.siteAddress
        warranty = l.warranty(unit.warranty, on: today)
    }
}

extension ReturnCaseView {
    /// the units of a case as one line, as the board, the case and the request page show them:
    /// `AC-200 SN-0001, AC-200 SN-0002`.
    var unitsLine: String {
        units.map { "\($0.modelCode) \($0.serialNumber)" }.joined(separator: ", ")
    }
}
