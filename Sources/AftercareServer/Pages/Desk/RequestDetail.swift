import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension DeskPages {
    // MARK: Detail

    struct DetailModel: Encodable {
        struct Audit: Encodable {
            var at: String
            var actor: String
            var action: String
        }

        struct EventForm: Encodable {
            var event: String
            var label: String
            var needsNote: Bool
            var asksCause: Bool
            var asksPriority: Bool
        }

        var id: Int
        var number: String
        var version: Int
        var status: String
        var statusCode: String
        var type: String
        var channel: String
        var priority: String
        var emergency: Bool
        var faultDescription: String
        var customerRequest: String?
        var preferredTime: String?
        var contactName: String?
        var contactPhone: String?
        var customerId: Int
        var customerName: String
        var customerVisible: Bool
        var warranty: String
        var faultCause: String
        var created: String
        var createdBy: String
        var age: String
        var units: [UnitLineModel]
        var timeline: [TimelineModel]
        var audit: [Audit]
        var events: [EventForm]
        var causeOptions: [SelectOption]
        var priorityOptions: [SelectOption]
        var errors: [String]
        /// the SLA panel, for those who may see it.
        var sla: SLAPanelModel?
        /// the request's visits, for those who may see visits.
        var visits: DispatchPages.RequestVisitsModel?
    }

    func detailModel(_ req: Request, id: Int, errors: [String] = []) async throws -> DetailModel {
        let principal = try req.requirePrincipal()
        let l = req.localizer
        let view = try await ServiceRequests(req.store).get(id)
        let customerVisible =
            principal.may(.viewCustomers)
            ? (try? await Records<CustomerRecord>(req.store).get(view.customerId)) != nil : false
        var audit: [DetailModel.Audit] = []
        if principal.may(.viewAudit) {
            audit = try await ServiceRequests(req.store).audit(id, page: PageRequest(limit: 20)).items.map {
                .init(at: l.dateTime($0.at), actor: $0.actor, action: l.t("audit.\($0.action.rawValue)"))
            }
        }
        let events = Permissions.events(view.allowedEvents, for: principal.roles).map { event in
            DetailModel.EventForm(
                event: event.rawValue, label: l.t("event.\(event.rawValue)"),
                needsNote: event == .cancel || event == .reopen,
                asksCause: ([.triage, .resolve, .resolveRemotely] as [RequestEventKind]).contains(event),
                asksPriority: event == .triage)
        }
        var sla: SLAPanelModel?
        if principal.may(.viewSLA),
            let explanation = try await SLAClocks.explain(view.id, now: req.store.now, in: req.store)
        {
            sla = SLAPanelModel(explanation, l)
        }
        var model = DetailModel(
            id: view.id, number: view.number, version: view.version, status: l.t("status.\(view.status.rawValue)"),
            statusCode: view.status.rawValue, type: l.t("type.\(view.type.rawValue)"),
            channel: l.t("channel.\(view.channel.rawValue)"), priority: l.t("priority.\(view.priority.rawValue)"),
            emergency: view.emergency, faultDescription: view.faultDescription, customerRequest: view.customerRequest,
            preferredTime: view.preferredTime, contactName: view.contactName,
            contactPhone: view.contactPhone, customerId: view.customerId, customerName: view.customerName,
            customerVisible: customerVisible, warranty: l.t("warranty.\(view.warrantyStatus.rawValue)"),
            faultCause: l.t("cause.\(view.faultCause.rawValue)"), created: l.dateTime(view.createdAt),
            createdBy: view.createdBy, age: l.duration(seconds: view.durations?.ageSeconds ?? 0),
            units: view.units.map { UnitLineModel($0, l) },
            timeline: (view.timeline ?? []).map { TimelineModel($0, l, showNotes: true) }, audit: audit,
            events: events,
            causeOptions: SelectOption.of(FaultCause.self, prefix: "cause", selected: view.faultCause, l),
            priorityOptions: SelectOption.of(Priority.self, prefix: "priority", selected: view.priority, l),
            errors: errors, sla: sla)
        model.visits = try await DispatchPages.requestVisits(req, requestId: view.id)
        return model
    }

    @Sendable func detail(_ req: Request) async throws -> Response {
        let model = try await detailModel(req, id: req.pageId())
        return try await PageRenderer.render("request", title: "request.title", model, for: req)
    }

    /// A lifecycle step from the detail page; the role must allow that step, the state machine the rest.
    @Sendable func event(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let event = form.value("event", RequestEventKind.self, into: &v)
        let cause = form.value("faultCause", FaultCause.self, into: &v)
        let priority = form.value("priority", Priority.self, into: &v)
        let version = form.int("version", into: &v)
        return try await FormCycle.run(req) {
            try v.finish()
            guard let event else { throw ValidationError(["event": .required]) }
            guard principal.may(.for(event)) else { throw Forbidden(action: .for(event)) }
            let carries = ([.triage, .resolve, .resolveRemotely] as [RequestEventKind]).contains(event)
            let input = ServiceRequestEventInput(
                event: event, note: form.string("note"), faultCause: carries ? cause : nil,
                priority: event == .triage ? priority : nil)
            _ = try await ServiceRequests(req.store).post(input, to: id, by: principal.actor, expectedVersion: version)
            return req.redirect(to: "/requests/\(id)")
        } again: { failure in
            // The request page lists plain lines; a stale version is said without naming the field.
            let lines = failure.error is StaleVersion ? failure.messages.map(\.message) : failure.messages.map(\.line)
            return try await PageRenderer.render(
                "request", title: "request.title", try await detailModel(req, id: id, errors: lines), for: req,
                status: failure.status)
        }
    }
}
