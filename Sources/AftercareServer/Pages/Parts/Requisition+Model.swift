import AftercareDomain
import AftercareStore
import Foundation

extension PartsPages {
    // MARK: Requisition: its model, from the store's view alone

    struct RequisitionModel: Encodable {
        struct Line: Encodable {
            var partId: Int
            var partNumber: String
            var partName: String
            var unit: String
            var quantity: String
            var issued: String
            var consumed: String
            var returned: String
            var writtenOff: String
            var outstanding: String
            var serials: String
            var unitPrice: String?
        }

        struct Entry: Encodable {
            var at: String
            var actor: String
            var event: String
            var status: String
            var reason: String?
            var detail: String?
        }

        struct EventForm: Encodable {
            var event: String
            var label: String
            var asksReason: Bool
            var needsReason: Bool
            var asksLine: Bool
            var asksVisit: Bool
            var asksSerials: Bool
            var asksFaultySerial: Bool
            var asksIssueSerials: Bool
            var secondary: Bool
        }

        var id: Int
        var number: String
        var engineer: String
        var warehouseCode: String
        var status: String
        var statusCode: String
        var requestNumber: String?
        var visitId: Int?
        var value: String
        var approver: String
        var requestedBy: String
        var created: String
        var note: String?
        var lines: [Line]
        var timeline: [Entry]
        var forms: [EventForm]
        var lineOptions: [SelectOption]
        /// The visits a consumption may be recorded against, named by customer, request and time.
        var visitOptions: [SelectOption]
        var errors: [FieldMessage]
    }

    /// The steps `principal` may take now: the state allows them and the roles do (engineer steps also for those
    /// who move stock, as the API allows).
    static func events(_ r: RequisitionView, _ principal: Principal) -> [RequisitionEventKind] {
        r.allowedEvents.filter { $0 != .request && principal.may(requisition: $0) }
    }

    /// the requisition page for `principal` in the reader's language, with only the steps they may take now.
    /// `visits`: the engineer's visits a consumption may be recorded against (the requisition's own first).
    static func requisitionModel(
        _ r: RequisitionView, principal: Principal, _ l: Localizer, visits: [VisitView] = [],
        errors: [FieldMessage] = []
    ) -> RequisitionModel {
        let forms = Self.events(r, principal).map { event -> RequisitionModel.EventForm in
            let line: Set<RequisitionEventKind> = [.consume, .returnUnused, .returnFaulty, .writeOff]
            return .init(
                event: event.rawValue, label: l.t("requisitionEvent.\(event.rawValue)"),
                asksReason: [.reject, .writeOff, .cancel].contains(event),
                needsReason: event == .reject || event == .writeOff, asksLine: line.contains(event),
                asksVisit: event == .consume, asksSerials: event == .consume || event == .returnUnused,
                asksFaultySerial: event == .consume || event == .returnFaulty, asksIssueSerials: event == .issue,
                secondary: [.reject, .cancel, .writeOff].contains(event))
        }
        return RequisitionModel(
            id: r.id, number: r.number, engineer: r.engineerName, warehouseCode: r.warehouseCode,
            status: l.t("requisitionStatus.\(r.status.rawValue)"), statusCode: r.status.rawValue,
            requestNumber: r.requestNumber, visitId: r.visitId, value: l.money(r.value) ?? "",
            approver: l.t("role.\(r.approverRole.rawValue)"), requestedBy: r.requestedBy,
            created: l.dateTime(r.createdAt), note: r.note,
            lines: r.lines.map {
                .init(
                    partId: $0.partId, partNumber: $0.partNumber, partName: $0.partName, unit: l.unit($0.unit),
                    quantity: l.quantity($0.quantity), issued: l.quantity($0.issued),
                    consumed: l.quantity($0.consumed), returned: l.quantity($0.returned),
                    writtenOff: l.quantity($0.writtenOff), outstanding: l.quantity($0.outstanding),
                    serials: $0.serials.joined(separator: ", "), unitPrice: l.money($0.unitPrice))
            },
            timeline: r.timeline.map {
                .init(
                    at: l.dateTime($0.at), actor: $0.actor, event: l.t("requisitionEvent.\($0.event.rawValue)"),
                    status: l.t("requisitionStatus.\($0.to.rawValue)"), reason: $0.reason, detail: $0.detail)
            }, forms: forms,
            lineOptions: r.lines.map {
                SelectOption(value: "\($0.partId)", label: "\($0.partNumber) · \($0.partName)", selected: false)
            },
            visitOptions: visits.sorted { ($0.id == r.visitId ? 0 : 1, -$0.id) < ($1.id == r.visitId ? 0 : 1, -$1.id) }
                .map { visit in
                    let time =
                        visit.plannedArrival.map { l.dateTime($0) } ?? l.window(visit.windowStart, visit.windowEnd)
                    return SelectOption(
                        value: "\(visit.id)",
                        label: [visit.customerName, visit.requestNumber, time].compactMap { $0 }.joined(
                            separator: " · "),
                        selected: visit.id == r.visitId)
                }, errors: errors)
    }
}
