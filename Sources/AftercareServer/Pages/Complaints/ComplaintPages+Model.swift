import AftercareDomain
import AftercareStore
import Foundation

extension ComplaintPages {
    // MARK: Models, from store views alone

    /// A line of facts: its label, its value and where it leads; `id` names the element for the browser tests.
    struct Fact: Encodable {
        var label: String
        var value: String
        var link: String?
        var id: String?
    }

    /// A deadline in words: when it falls due or when it was met, and whether it was missed.
    struct Deadline: Encodable {
        var text: String
        /// "Overdue" while it runs past its time, "Late" once met after it; nil when in time.
        var mark: String?
        /// It still runs and its time has passed.
        var overdue: Bool
    }

    /// what a complaint is about, in words ("Request SR-2026-000137", "Engineer 孙海涛 · …"), and the page of
    /// the record it names where there is one.
    static func subject(_ c: ComplaintView, _ l: Localizer) -> (text: String, link: String?) {
        let (name, link): (String?, String?) =
            switch c.subject {
            case .request: (c.requestNumber, c.requestId.map { "/requests/\($0)" })
            case .visit: (c.requestNumber, c.visitId.map { "/visits/\($0)" })
            case .engineer: (c.engineerName, nil)
            case .unit: (c.unitSerial, c.unitId.map { "/units/\($0)" })
            case .product: (c.productModelName, nil)
            case .staff: (c.staffName, nil)
            case .policy, .other: (nil, nil)
            }
        var text = l.t("complaint.subject.\(c.subject.rawValue)")
        if let name = name?.nilIfEmpty { text += " " + name }
        if let words = c.subjectText?.nilIfEmpty { text += " · " + words }
        return (text, link)
    }

    /// the acknowledgement deadline: due until the customer was told, then when they were.
    static func acknowledgement(_ c: ComplaintView, now: Date, _ l: Localizer) -> Deadline {
        deadline(
            due: c.acknowledgementDueAt, done: c.acknowledgedAt, doneKey: "complaints.acknowledgedAt",
            running: c.acknowledgedAt == nil && c.status.isOpen, late: c.acknowledgementLate(at: now), l)
    }

    /// the resolution deadline: due while the complaint is worked, then when it was resolved (or ended).
    static func resolution(_ c: ComplaintView, now: Date, _ l: Localizer) -> Deadline {
        deadline(
            due: c.resolutionDueAt, done: c.resolvedAt ?? c.closedAt,
            doneKey: c.status == .withdrawn ? "complaints.withdrawnAt" : "complaints.resolvedAt",
            running: c.status.resolutionRuns, late: c.resolutionLate(at: now), l)
    }

    static func deadline(due: Date, done: Date?, doneKey: String, running: Bool, late: Bool, _ l: Localizer)
        -> Deadline
    {
        if running || done == nil {
            return Deadline(
                text: l.t("complaints.dueAt") + " " + l.dateTime(due),
                mark: late && running ? l.t("complaints.overdue") : nil, overdue: late && running)
        }
        return Deadline(
            text: l.t(doneKey) + " " + l.dateTime(done!), mark: late ? l.t("complaints.late") : nil, overdue: false)
    }

    // MARK: The desk

    /// The desk's views: open complaints (the default), the caller's own, those past a deadline, those drawn for
    /// the supervisor's review, the ended ones, all.
    enum DeskShow: String, CodedEnum {
        case open, mine, overdue, review, closed, all
    }

    /// The store's filter of a view, or of one status.
    static func filter(show: DeskShow, status: ComplaintStatus?, principal: Principal) -> ComplaintFilter {
        if let status { return ComplaintFilter(statuses: [status]) }
        let open = ComplaintStatus.allCases.filter(\.isOpen)
        switch show {
        case .open: return ComplaintFilter(statuses: open)
        case .mine: return ComplaintFilter(statuses: open, handlerUserId: principal.userId)
        case .overdue: return ComplaintFilter(overdue: true)
        case .review: return ComplaintFilter(reviewPending: true)
        case .closed: return ComplaintFilter(statuses: ComplaintStatus.allCases.filter { !$0.isOpen })
        case .all: return ComplaintFilter()
        }
    }

    struct DeskData {
        var page: Page<ComplaintView>
        var show: DeskShow
        var status: ComplaintStatus?
        var canFile: Bool
        var supervises: Bool
        var now: Date
    }

    struct DeskModel: Encodable {
        struct Row: Encodable {
            var id: Int
            var number: String
            var complainant: String
            /// The customer, when the complaint names one and it is not the complainant's own name.
            var customer: String?
            var customerLink: String?
            var subject: String
            var severity: String
            var severityCode: String
            var status: String
            var statusCode: String
            var handler: String
            var assigned: Bool
            var acknowledgement: Deadline
            var resolution: Deadline
            var overdue: Bool
            var received: String
            var reviewPending: Bool
        }

        struct Chip: Encodable {
            var label: String
            var link: String
            var selected: Bool
            var id: String
        }

        var rows: [Row]
        var views: [Chip]
        var statuses: [Chip]
        var canFile: Bool
        var next: String?
    }

    static func deskRow(_ c: ComplaintView, now: Date, _ l: Localizer) -> DeskModel.Row {
        let acknowledgement = acknowledgement(c, now: now, l)
        let resolution = resolution(c, now: now, l)
        let customer = c.customerName.flatMap { $0 == c.complainantName ? nil : $0 }
        return DeskModel.Row(
            id: c.id, number: c.number, complainant: c.complainantName, customer: customer,
            customerLink: customer == nil ? nil : c.customerId.map { "/customers/\($0)" },
            subject: subject(c, l).text, severity: l.t("complaint.severity.\(c.severity.rawValue)"),
            severityCode: c.severity.rawValue, status: l.t("complaint.status.\(c.status.rawValue)"),
            statusCode: c.status.rawValue, handler: c.handlerName ?? l.t("complaints.unassigned"),
            assigned: c.handlerUserId != nil, acknowledgement: acknowledgement, resolution: resolution,
            overdue: acknowledgement.overdue || resolution.overdue, received: l.dateTime(c.createdAt),
            reviewPending: c.review == "pending")
    }

    static func deskModel(_ data: DeskData, _ l: Localizer) -> DeskModel {
        var shows: [DeskShow] = [.open, .mine, .overdue]
        if data.supervises { shows.append(.review) }
        shows += [.closed, .all]
        var query: [(String, String?)] = [("show", data.show == .open ? nil : data.show.rawValue)]
        if let status = data.status { query = [("status", status.rawValue)] }
        return DeskModel(
            rows: data.page.items.map { deskRow($0, now: data.now, l) },
            views: shows.map { show in
                DeskModel.Chip(
                    label: l.t("complaints.show.\(show.rawValue)"),
                    link: show == .open ? "/complaints" : PageLink.make("/complaints", [("show", show.rawValue)]),
                    selected: data.status == nil && data.show == show, id: "show-\(show.rawValue)")
            },
            statuses: ComplaintStatus.allCases.map { status in
                DeskModel.Chip(
                    label: l.t("complaint.status.\(status.rawValue)"),
                    link: PageLink.make("/complaints", [("status", status.rawValue)]), selected: data.status == status,
                    id: "status-\(status.rawValue)")
            }, canFile: data.canFile,
            next: data.page.nextCursor.map { PageLink.make("/complaints", query + [("cursor", $0)]) })
    }

    // MARK: Recording a complaint

    struct NewModel: Encodable {
        /// A number field of the record the subject names.
        struct RecordField: Encodable {
            var name: String
            var label: String
            var value: String
            var subject: String
        }

        /// "Complaint CMP-… recorded", after a hotline agent recorded one.
        var filed: String?
        var customerId: String
        var complainantName: String
        var complainantPhone: String
        var complainantEmail: String
        var channelOptions: [SelectOption]
        var subjectOptions: [SelectOption]
        var recordFields: [RecordField]
        var subjectText: String
        var severityOptions: [SelectOption]
        var wishOptions: [SelectOption]
        var words: String
        var wants: String
        var errors: [FieldMessage]
    }

    /// How complaints reach the hotline's intake (the portal and the public form file their own).
    static let intakeChannels: [AftercareDomain.Channel] = [
        .phone, .email, .chat, .walkIn, .web, .suggestionBox, .visit, .engineer,
    ]

    static func newModel(typed: [String: String], filed: String?, errors: [FieldMessage], _ l: Localizer)
        -> NewModel
    {
        let channel = typed["channel"].flatMap(AftercareDomain.Channel.init(rawValue:)) ?? .phone
        let subject = typed["subject"].flatMap(ComplaintSubject.init(rawValue:))
        return NewModel(
            filed: filed.map { l.t("complaints.filed").replacingOccurrences(of: "{number}", with: $0) },
            customerId: typed["customerId"] ?? "", complainantName: typed["complainantName"] ?? "",
            complainantPhone: typed["complainantPhone"] ?? "", complainantEmail: typed["complainantEmail"] ?? "",
            channelOptions: intakeChannels.map {
                SelectOption(value: $0.rawValue, label: l.t("channel.\($0.rawValue)"), selected: $0 == channel)
            },
            subjectOptions: [SelectOption(value: "", label: l.t("complaints.chooseSubject"), selected: subject == nil)]
                + SelectOption.of(ComplaintSubject.self, prefix: "complaint.subject", selected: subject, l),
            recordFields: ComplaintSubject.allCases.compactMap { subject in
                subject.recordField.map {
                    NewModel.RecordField(
                        name: $0, label: l.t("complaints.field.\($0)"), value: typed[$0] ?? "",
                        subject: subject.rawValue)
                }
            }, subjectText: typed["subjectText"] ?? "",
            severityOptions: SelectOption.of(
                ComplaintSeverity.self, prefix: "complaint.severity",
                selected: typed["severity"].flatMap(ComplaintSeverity.init(rawValue:)) ?? .normal, l),
            wishOptions: SelectOption.of(
                ComplaintWish.self, prefix: "complaint.wish",
                selected: typed["wish"].flatMap(ComplaintWish.init(rawValue:)) ?? .explanation, l),
            words: typed["words"] ?? "", wants: typed["wants"] ?? "", errors: errors)
    }
}
