import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// R-9 (issue 17): the complaint handlers' pages: the complaint desk, the hotline's intake form, one complaint with
/// its investigation, statements, corrective actions, the supervisor's review and the timeline, and the printable
/// complaint report. Complaints are worked apart from the service department: every page but the intake form
/// is for those who handle complaints. They call the same use cases as `ComplaintsController`, through the caller's
/// scoped store.
struct ComplaintPages: Sendable {
    func register(_ root: any RoutesBuilder) {
        root.get("complaints", use: desk).requires(.action(.handleComplaints))
        root.get("complaints", "new", use: newComplaint).requires(.action(.fileComplaints))
        root.post("complaints", use: open).requires(.action(.fileComplaints))
        root.get("complaints", ":id", use: detail).requires(.action(.handleComplaints))
        root.get("complaints", ":id", "print", use: printReport).requires(.action(.handleComplaints))
        // Which step a caller may take depends on the step (`Action.for(complaint:)`), checked in `step`.
        root.post("complaints", ":id", "events", use: step).requires(.action(.handleComplaints))
        root.post("complaints", ":id", "handler", use: assign).requires(.action(.handleComplaints))
        root.post("complaints", ":id", "findings", use: recordFindings).requires(.action(.handleComplaints))
        root.post("complaints", ":id", "notes", use: addNote).requires(.action(.handleComplaints))
        root.post("complaints", ":id", "statements", use: ask).requires(.action(.handleComplaints))
        root.post("complaints", ":id", "actions", use: addAction).requires(.action(.handleComplaints))
        root.post("complaints", ":id", "actions", ":actionId", "done", use: finishAction)
            .requires(.action(.handleComplaints))
        root.post("complaints", ":id", "review", use: review).requires(.action(.superviseComplaints))
    }

    static let labels = FieldLabels.area("complaints")
}

extension ComplaintPages {
    // MARK: The desk

    /// `/complaints?show=&status=&cursor=`: the complaints the caller handles, newest first; open ones by default.
    @Sendable func desk(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let q = QueryReader(req: req)
        let show = try q.value("show", DeskShow.self) ?? .open
        let status = try q.value("status", ComplaintStatus.self)
        let page = try await Complaints(req.store).list(
            Self.filter(show: show, status: status, principal: principal), for: principal,
            page: try q.page(defaultLimit: 50))
        let data = DeskData(
            page: page, show: show, status: status, canFile: principal.may(.fileComplaints),
            supervises: principal.supervises, now: req.store.now)
        return try await PageRenderer.render(
            "complaints", title: "complaints.deskTitle", Self.deskModel(data, req.localizer), for: req)
    }

    // MARK: Recording a complaint

    /// `/complaints/new?filed=&request=`: the hotline's complaint intake, about a request when one is named (from the
    /// request page); after a hotline agent recorded one, its number.
    @Sendable func newComplaint(_ req: Request) async throws -> Response {
        let q = QueryReader(req: req)
        let filed = try q.string("filed").flatMap { ComplaintNumber($0) }?.description
        var typed: [String: String] = [:]
        if let id = try q.int("request") {
            let request = try await ServiceRequests(req.store).get(id)
            typed = [
                "subject": ComplaintSubject.request.rawValue, "requestId": "\(id)",
                "customerId": "\(request.customerId)",
            ]
        }
        let model = Self.newModel(typed: typed, filed: filed, errors: [], req.localizer)
        return try await PageRenderer.render("complaint-new", title: "complaints.newTitle", model, for: req)
    }

    /// The form's fields, given back as typed after a refusal.
    static let newFields = [
        "customerId", "complainantName", "complainantPhone", "complainantEmail", "channel", "subject", "requestId",
        "visitId", "engineerId", "unitId", "productModelId", "staffUserId", "subjectText", "severity", "wish", "words",
        "wants",
    ]

    /// records the complaint. Only the record the subject names is sent (and a related request with any
    /// subject); a handler goes on to the complaint, a hotline agent back to a blank form with the number.
    @Sendable func open(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let subject = form.value("subject", ComplaintSubject.self, into: &v)
        let wish = form.value("wish", ComplaintWish.self, into: &v)
        let severity = form.value("severity", ComplaintSeverity.self, into: &v)
        let channel = form.value("channel", AftercareDomain.Channel.self, into: &v)
        let customerId = form.int("customerId", into: &v)
        let requestId = form.int("requestId", into: &v)
        if form.string("subject") == nil { v.add("subject", .required) }
        if form.string("wish") == nil { v.add("wish", .required) }
        // The id of the record the subject names; the other record fields are not sent.
        let field = subject?.recordField
        let named = field.flatMap { $0 == "requestId" ? nil : form.int($0, into: &v) }
        let input = ComplaintInput(
            customerId: customerId, complainantName: form.string("complainantName"),
            complainantPhone: form.string("complainantPhone"), complainantEmail: form.string("complainantEmail"),
            channel: channel ?? .phone, subject: subject ?? .other, requestId: requestId,
            visitId: field == "visitId" ? named : nil, engineerId: field == "engineerId" ? named : nil,
            unitId: field == "unitId" ? named : nil, productModelId: field == "productModelId" ? named : nil,
            staffUserId: field == "staffUserId" ? named : nil, subjectText: form.string("subjectText"),
            severity: severity ?? .normal, wish: wish ?? .other, words: form.string("words") ?? "",
            wants: form.string("wants"))
        return try await FormCycle.run(req, page: "/complaints/new", labels: Self.labels) {
            try v.finish()
            let filed = try await Complaints(req.store).open(input, source: .staff, by: req.actor)
            if principal.handlesComplaints { return req.redirect(to: "/complaints/\(filed.id)") }
            return req.redirect(to: PageLink.make("/complaints/new", [("filed", filed.number)]))
        } again: { failure in
            let model = Self.newModel(
                typed: form.typed(Self.newFields), filed: nil, errors: failure.messages, req.localizer)
            return try await PageRenderer.render(
                "complaint-new", title: "complaints.newTitle", model, for: req, status: failure.status)
        }
    }
}
