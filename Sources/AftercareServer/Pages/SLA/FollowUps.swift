import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension SLAPages {
    // MARK: Follow-ups

    struct FollowUpsModel: Encodable {
        struct Row: Encodable {
            var id: Int
            var requestId: Int
            var requestNumber: String
            var customerName: String
            var contactName: String?
            var contactPhone: String?
            var trigger: String
            var due: String
            var overdue: Bool
            var attempts: String
            var status: String
        }

        var tabs: [QueueModel.Tab]
        var rows: [Row]
        var next: String?
    }

    enum WorklistView: String, CaseIterable {
        case mine, open, today
    }

    static func row(_ item: FollowUpView, now: Date, _ l: Localizer) -> FollowUpsModel.Row {
        .init(
            id: item.id, requestId: item.requestId, requestNumber: item.requestNumber, customerName: item.customerName,
            contactName: item.contactName, contactPhone: item.contactPhone,
            trigger: l.t("followUpTrigger.\(item.trigger.rawValue)"), due: l.dateTime(item.dueAt),
            overdue: item.status == .open && item.dueAt <= now, attempts: l.number(item.attempts),
            status: l.t("followUpStatus.\(item.status.rawValue)"))
    }

    @Sendable func followUps(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let l = req.localizer
        let q = QueryReader(req: req)
        guard let view = WorklistView(rawValue: try q.string("show") ?? "mine") else {
            throw APIError.badRequest("show", "must be mine, open or today")
        }
        var filter = FollowUpFilter()
        switch view {
        case .mine: filter.assigneeId = principal.userId
        case .open: break
        case .today:
            let midnight = Calendar.startOfDay(req.store.now, in: req.store.timeZone)
            filter.dueBefore = Calendar.startOfDay(midnight.addingTimeInterval(36 * 3600), in: req.store.timeZone)
        }
        let page = try await FollowUps(req.store).list(filter, page: try q.page(defaultLimit: Self.rowsPerPage))
        let now = req.store.now
        let model = FollowUpsModel(
            tabs: WorklistView.allCases.map {
                .init(
                    label: l.t("followUps.\($0.rawValue)"), link: PageLink.make("/follow-ups", [("show", $0.rawValue)]),
                    selected: $0 == view)
            }, rows: page.items.map { Self.row($0, now: now, l) },
            next: page.nextCursor.map { PageLink.make("/follow-ups", [("show", view.rawValue), ("cursor", $0)]) })
        return try await PageRenderer.render("follow-ups", title: "followUps.title", model, for: req)
    }

    struct FollowUpModel: Encodable {
        var item: FollowUpsModel.Row
        var version: Int
        var isOpen: Bool
        var requestStatus: String
        var requestType: String
        var faultDescription: String
        var warranty: String
        var serials: String
        var outcome: String?
        var channel: String?
        var attitudeRating: String?
        var qualityRating: String?
        var comment: String?
        var completed: String?
        var outcomeOptions: [SelectOption]
        var channelOptions: [SelectOption]
        var attitudeOptions: [SelectOption]
        var qualityOptions: [SelectOption]
        var typedComment: String
        var errors: [FieldMessage]
    }

    func followUpModel(
        _ req: Request, id: Int, typed: FollowUpResultInput? = nil, errors: [FieldMessage] = []
    ) async throws -> FollowUpModel {
        let l = req.localizer
        let item = try await FollowUps(req.store).get(id)
        let request = try await ServiceRequests(req.store).get(item.requestId)
        func ratings(_ selected: Int?) -> [SelectOption] {
            (1...5).map { SelectOption(value: "\($0)", label: l.number($0), selected: $0 == selected) }
        }
        return FollowUpModel(
            item: Self.row(item, now: req.store.now, l), version: item.version, isOpen: item.status == .open,
            requestStatus: l.t("status.\(request.status.rawValue)"), requestType: l.t("type.\(request.type.rawValue)"),
            faultDescription: request.faultDescription,
            warranty: l.t("warranty.\(request.warrantyStatus.rawValue)"),
            serials: request.units.map(\.serialNumber).joined(separator: ", "),
            outcome: item.outcome.map { l.t("followUpOutcome.\($0.rawValue)") },
            channel: item.channel.map { l.t("followUpChannel.\($0.rawValue)") },
            attitudeRating: item.attitudeRating.map { l.number($0) },
            qualityRating: item.qualityRating.map { l.number($0) }, comment: item.comment,
            completed: item.completedAt.map { "\(l.dateTime($0)) · \(item.completedBy ?? "")" },
            outcomeOptions: SelectOption.of(
                FollowUpOutcome.self, prefix: "followUpOutcome", selected: typed?.outcome, l),
            channelOptions: SelectOption.of(
                FollowUpChannel.self, prefix: "followUpChannel", selected: typed?.channel ?? .phone, l),
            attitudeOptions: ratings(typed?.attitudeRating), qualityOptions: ratings(typed?.qualityRating),
            typedComment: typed?.comment ?? "", errors: errors)
    }

    @Sendable func followUp(_ req: Request) async throws -> Response {
        try await PageRenderer.render(
            "follow-up", title: "followUps.itemTitle", try await followUpModel(req, id: req.pageId()), for: req)
    }

    /// R-10.1: the result of a call, from the form; not solved reopens the request, so it needs that permission.
    @Sendable func recordFollowUp(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let outcome = form.value("outcome", FollowUpOutcome.self, into: &v)
        if outcome == nil, form.string("outcome") == nil { v.add("outcome", .required) }
        let input = FollowUpResultInput(
            outcome: outcome ?? .solved, channel: form.value("channel", FollowUpChannel.self, into: &v),
            attitudeRating: form.int("attitudeRating", into: &v), qualityRating: form.int("qualityRating", into: &v),
            comment: form.string("comment"))
        let version = form.int("version", into: &v)
        func failed(_ errors: [FieldMessage], _ status: HTTPStatus) async throws -> Response {
            try await PageRenderer.render(
                "follow-up", title: "followUps.itemTitle",
                try await followUpModel(req, id: id, typed: input, errors: errors), for: req, status: status)
        }
        return try await FormCycle.run(req, labels: Self.labels()) {
            try v.finish()
            if input.outcome == .notSolved, !principal.may(.reopenRequests) {
                throw Forbidden(action: .reopenRequests)
            }
            _ = try await FollowUps(req.store).record(
                input, for: id, expectedVersion: version ?? 0, by: principal.actor)
            return req.redirect(to: "/follow-ups/\(id)")
        } again: { failure in
            try await failed(failure.messages, failure.status)
        }
    }
}
