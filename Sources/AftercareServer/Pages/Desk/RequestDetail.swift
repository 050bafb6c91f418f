import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension DeskPages {
    // MARK: Detail

    /// Reads what the request page shows for the caller.
    static func detailData(_ req: Request, id: Int) async throws -> DetailData {
        let principal = try req.requirePrincipal()
        let view = try await ServiceRequests(req.store).get(id)
        let customerVisible =
            principal.may(.viewCustomers)
            ? (try? await Records<CustomerRecord>(req.store).get(view.customerId)) != nil : false
        let audit =
            principal.may(.viewAudit)
            ? try await ServiceRequests(req.store).audit(id, page: PageRequest(limit: 20)).items : []
        let sla =
            principal.may(.viewSLA) ? try await SLAClocks.explain(view.id, now: req.store.now, in: req.store) : nil
        var visits: [VisitView]?
        var reports: [ServiceReportView] = []
        if principal.may(.viewVisits) {
            var filter = VisitFilter()
            filter.requestId = id
            visits = try await Visits(req.store).list(filter, page: PageRequest(limit: 100)).items
            var ofRequest = ReportFilter()
            ofRequest.requestId = id
            reports = try await req.reports.list(ofRequest, page: PageRequest(limit: 200)).items
        }
        let messages = try await req.conversations.list(id, includeInternal: true)
        var data = DetailData(
            view: view, customerVisible: customerVisible, audit: audit, sla: sla, visits: visits, messages: messages,
            reports: reports)
        if principal.may(.viewFees) {
            data.quotes = try await Quotes(req.store).of(request: id)
            var documents = FeeDocumentFilter()
            documents.requestId = id
            data.documents = try await FeeDocuments(req.store).list(documents, page: PageRequest(limit: 50)).items
        }
        if principal.may(.viewReturns) {
            data.returnCases = try await ReturnCases(req.store).of(request: id)
        }
        data.complaints = try await Complaints(req.store).notices(ofRequest: id)
        return data
    }

    func detailModel(_ req: Request, id: Int, errors: [String] = [], visitForm: VisitForm = VisitForm())
        async throws -> DetailModel
    {
        Self.detailModel(
            try await Self.detailData(req, id: id), principal: try req.requirePrincipal(), req.localizer,
            errors: errors, visitForm: visitForm)
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
        return try await FormCycle.run(req, page: "/requests/\(id)") {
            try v.finish()
            guard let event else { throw ValidationError(["event": .required]) }
            guard principal.may(.for(event)) else { throw Forbidden(action: .for(event)) }
            let carries = event.carriesDecision
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
