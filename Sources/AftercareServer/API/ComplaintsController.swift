import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// complaints. Only complaint handlers and their supervisor read and work them; the hotline and
/// account managers record them (fileComplaints); the service department answers the investigator's requests for a
/// statement (answerStatements) and sees only that a complaint exists against a request's work; the statistics and
/// the improvement actions of frequent causes. The public form's JSON twin is open and rate-limited.
struct ComplaintsController: Sendable {
    func register(_ api: any RoutesBuilder) {
        let complaints = api.grouped("complaints")
        complaints.get(use: list).requires(.action(.handleComplaints))
        complaints.post(use: open).requires(.action(.fileComplaints))
        complaints.get(":id", use: get).requires(.action(.handleComplaints))
        complaints.patch(":id", use: record).requires(.action(.handleComplaints))
        complaints.get(":id", "file", use: file).requires(.action(.handleComplaints))
        complaints.post(":id", "events", use: post).requires(.action(.handleComplaints))
        complaints.put(":id", "handler", use: assign).requires(.action(.handleComplaints))
        complaints.post(":id", "notes", use: note).requires(.action(.handleComplaints))
        complaints.post(":id", "actions", use: addAction).requires(.action(.handleComplaints))
        complaints.post(":id", "actions", ":actionId", "done", use: finishAction).requires(.action(.handleComplaints))
        complaints.post(":id", "statements", use: ask).requires(.action(.handleComplaints))
        complaints.post(":id", "review", use: review).requires(.action(.superviseComplaints))
        complaints.get(":id", "audit", use: audit).requires(.action(.handleComplaints))
        let statements = api.grouped("statements")
        statements.get(use: statementList).requires(.action(.answerStatements))
        statements.get(":id", use: statement).requires(.action(.answerStatements))
        statements.post(":id", "answer", use: answer).requires(.action(.answerStatements))
        statements.post(":id", "withdraw", use: withdraw).requires(.action(.handleComplaints))
        api.get("service-requests", ":id", "complaints", use: notices).requires(.action(.viewRequests))
        api.get("reports", "complaints", use: statistics).requires(.action(.viewComplaintStats))
        let improvements = api.grouped("improvement-actions")
        improvements.get(use: improvementList).requires(.action(.viewComplaintStats))
        improvements.post(use: openImprovement).requires(.action(.manageImprovements))
        improvements.get(":id", use: improvement).requires(.action(.viewComplaintStats))
        improvements.post(":id", "close", use: closeImprovement).requires(.action(.manageImprovements))
        api.post("public", "complaints", use: publicComplaint).requires(.open)
    }

    static func id(_ req: Request) throws -> Int { try RecordController<FeeScheduleRecord>.id(req) }

    /// `GET /complaints?status=&handlerUserId=&customerId=&requestId=&review=pending&overdue=true`, newest first.
    @Sendable func list(_ req: Request) async throws -> Page<ComplaintView> {
        let q = QueryReader(req: req)
        let review = try q.string("review", max: 20)
        if let review, review != "pending" { throw APIError.badRequest("review", "must be 'pending'") }
        let filter = ComplaintFilter(
            statuses: try q.list("status", ComplaintStatus.self), handlerUserId: try q.int("handlerUserId"),
            customerId: try q.int("customerId"), requestId: try q.int("requestId"), reviewPending: review != nil,
            overdue: try q.bool("overdue") ?? false)
        return try await Complaints(req.store).list(filter, for: req.requirePrincipal(), page: q.page())
    }

    /// `POST /complaints {customerId | complainantName + complainantPhone, subject, …Id, severity, wish, words}`.
    @Sendable func open(_ req: Request) async throws -> Response {
        let input = try JSONBody.create(ComplaintInput.self, req)
        let view = try await Complaints(req.store).open(input, source: .staff, by: req.actor)
        let response = try await view.encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/complaints/\(view.id)")
        return response
    }

    @Sendable func get(_ req: Request) async throws -> ComplaintView {
        try await Complaints(req.store).get(Self.id(req), for: req.requirePrincipal())
    }

    @Sendable func file(_ req: Request) async throws -> ComplaintFile {
        try await Complaints(req.store).file(Self.id(req), for: req.requirePrincipal())
    }

    /// `PATCH /complaints/{id} {cause, responsibility, severity, customerId, compensationKind, …, expectedVersion}`.
    @Sendable func record(_ req: Request) async throws -> ComplaintView {
        let principal = try req.requirePrincipal()
        _ = try await Complaints(req.store).get(Self.id(req), for: principal)
        let input = try JSONBody.create(ComplaintFindingsInput.self, req)
        return try await Complaints(req.store).record(input, on: Self.id(req), by: principal)
    }

    /// `POST /complaints/{id}/events {event, note, expectedVersion}`.
    @Sendable func post(_ req: Request) async throws -> ComplaintView {
        let principal = try req.requirePrincipal()
        let id = try Self.id(req)
        _ = try await Complaints(req.store).get(id, for: principal)
        let input = try JSONBody.create(ComplaintStepInput.self, req)
        let needed = Action.for(complaint: input.event)
        guard principal.may(needed) else { throw Forbidden(action: needed) }
        return try await Complaints(req.store).post(input, to: id, by: principal)
    }

    struct HandlerInput: Codable {
        var handlerUserId: Int?
        var expectedVersion: Int?
    }

    /// `PUT /complaints/{id}/handler {handlerUserId}`: take it (none given) or, for the supervisor, assign it.
    @Sendable func assign(_ req: Request) async throws -> ComplaintView {
        let principal = try req.requirePrincipal()
        _ = try await Complaints(req.store).get(Self.id(req), for: principal)
        let input = try JSONBody.create(HandlerInput.self, req)
        return try await Complaints(req.store).assign(
            Self.id(req), to: input.handlerUserId, expectedVersion: input.expectedVersion, by: principal)
    }

    struct NoteInput: Codable {
        var body: String
    }

    @Sendable func note(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        _ = try await Complaints(req.store).get(Self.id(req), for: principal)
        let input = try JSONBody.create(NoteInput.self, req)
        let note = try await Complaints(req.store).addNote(input.body, to: Self.id(req), by: principal)
        return try await note.encodeResponse(status: .created, for: req)
    }

    struct ActionInput: Codable {
        var description: String
        var owner: String
        var dueOn: CalendarDate
    }

    @Sendable func addAction(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        _ = try await Complaints(req.store).get(Self.id(req), for: principal)
        let input = try JSONBody.create(ActionInput.self, req)
        let action = try await Complaints(req.store).addAction(
            input.description, owner: input.owner, dueOn: input.dueOn, to: Self.id(req), by: principal)
        return try await action.encodeResponse(status: .created, for: req)
    }

    @Sendable func finishAction(_ req: Request) async throws -> ComplaintFile {
        let principal = try req.requirePrincipal()
        let id = try Self.id(req)
        _ = try await Complaints(req.store).get(id, for: principal)
        guard let actionId = req.parameters.get("actionId", as: Int.self), actionId > 0 else {
            throw APIError.badRequest("actionId", "must be a positive whole number")
        }
        try await Complaints(req.store).finishAction(actionId, of: id, by: principal)
        return try await Complaints(req.store).file(id, for: principal)
    }

    struct AskInput: Codable {
        var orgUnitId: Int
        var question: String
        var dueAt: Date?
    }

    @Sendable func ask(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        _ = try await Complaints(req.store).get(Self.id(req), for: principal)
        let input = try JSONBody.create(AskInput.self, req)
        let view = try await Statements(req.store).ask(
            about: Self.id(req), of: input.orgUnitId, question: input.question, dueAt: input.dueAt, by: principal)
        return try await view.encodeResponse(status: .created, for: req)
    }

    struct ReviewInput: Codable {
        var verdict: ReviewVerdict
        var note: String?
    }

    @Sendable func review(_ req: Request) async throws -> ComplaintView {
        let principal = try req.requirePrincipal()
        _ = try await Complaints(req.store).get(Self.id(req), for: principal)
        let input = try JSONBody.create(ReviewInput.self, req)
        return try await Complaints(req.store).review(
            Self.id(req), verdict: input.verdict, note: input.note, by: principal)
    }

    @Sendable func audit(_ req: Request) async throws -> Page<AuditEntry> {
        try await Complaints(req.store).audit(
            Self.id(req), for: req.requirePrincipal(), page: QueryReader(req: req).page())
    }

    /// `GET /statements?status=`: the questions asked of the caller's units.
    @Sendable func statementList(_ req: Request) async throws -> Page<StatementView> {
        let q = QueryReader(req: req)
        return try await Statements(req.store).list(
            status: try q.value("status", StatementStatus.self), for: req.requirePrincipal(), page: q.page())
    }

    @Sendable func statement(_ req: Request) async throws -> StatementView {
        try await Statements(req.store).get(Self.id(req), for: req.requirePrincipal())
    }

    struct AnswerInput: Codable {
        var answer: String
    }

    @Sendable func answer(_ req: Request) async throws -> StatementView {
        let principal = try req.requirePrincipal()
        _ = try await Statements(req.store).get(Self.id(req), for: principal)
        let input = try JSONBody.create(AnswerInput.self, req)
        return try await Statements(req.store).answer(Self.id(req), with: input.answer, by: principal)
    }

    @Sendable func withdraw(_ req: Request) async throws -> StatementView {
        try await Statements(req.store).withdraw(Self.id(req), by: req.requirePrincipal())
    }

    @Sendable func notices(_ req: Request) async throws -> [ComplaintNotice] {
        try await Complaints(req.store).notices(ofRequest: Self.id(req))
    }

    /// `GET /reports/complaints?from=&to=&orgUnitId=`: by default the last twelve months.
    @Sendable func statistics(_ req: Request) async throws -> ComplaintStatistics {
        let q = QueryReader(req: req)
        let to = try q.date("to") ?? req.store.today
        let from = try q.date("from") ?? to.adding(months: -12).adding(days: 1)
        return try await ComplaintStats(req.store).statistics(from: from, to: to, orgUnitId: try q.int("orgUnitId"))
    }

    @Sendable func improvementList(_ req: Request) async throws -> Page<ImprovementActionView> {
        let q = QueryReader(req: req)
        return try await ComplaintStats(req.store).improvements(
            status: try q.value("status", ImprovementStatus.self), cause: try q.value("cause", ComplaintCause.self),
            page: q.page())
    }

    @Sendable func improvement(_ req: Request) async throws -> ImprovementActionView {
        try await ComplaintStats(req.store).improvement(Self.id(req))
    }

    @Sendable func openImprovement(_ req: Request) async throws -> Response {
        let input = try JSONBody.create(ImprovementInput.self, req)
        let view = try await ComplaintStats(req.store).openImprovement(input, by: req.actor)
        let response = try await view.encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/improvement-actions/\(view.id)")
        return response
    }

    struct CloseInput: Codable {
        var status: ImprovementStatus
        var outcome: String
    }

    @Sendable func closeImprovement(_ req: Request) async throws -> ImprovementActionView {
        _ = try await ComplaintStats(req.store).improvement(Self.id(req))
        let input = try JSONBody.create(CloseInput.self, req)
        return try await ComplaintStats(req.store).closeImprovement(
            Self.id(req), as: input.status, outcome: input.outcome, by: req.actor)
    }

    /// What the public complaint form takes: no record of ours, only words.
    struct PublicInput: Codable {
        var name: String
        var phone: String?
        var email: String?
        var subject: ComplaintSubject?
        var about: String?
        var wish: ComplaintWish
        var words: String
        var wants: String?
        var orgUnitId: Int?
    }

    /// What a public filing answers: the number to quote, nothing of our records.
    struct PublicReceipt: Content {
        var number: String
        var acknowledgementDueAt: Date
    }

    /// `POST /public/complaints`: anyone, rate-limited per address.
    @Sendable func publicComplaint(_ req: Request) async throws -> Response {
        let input = try JSONBody.create(PublicInput.self, req)
        try await PublicForms.admit(address: req.clientAddress, at: req.store.now, in: req.store)
        let view: ComplaintView
        do {
            view = try await Complaints(req.store).open(
                ComplaintInput(
                    complainantName: input.name, complainantPhone: input.phone, complainantEmail: input.email,
                    subject: input.subject ?? .other, subjectText: input.about, wish: input.wish, words: input.words,
                    wants: input.wants, orgUnitId: input.orgUnitId), source: .publicForm,
                by: Actor(name: ComplaintsController.publicActor))
        } catch let error as ValidationError {
            // The refusal names the fields of this body, not the store's.
            let names = [
                "complainantName": "name", "complainantPhone": "phone", "complainantEmail": "email",
                "subjectText": "about",
            ]
            throw ValidationError(
                Dictionary(error.fields.map { (names[$0.key] ?? $0.key, $0.value) }, uniquingKeysWith: { a, _ in a }))
        }
        return try await PublicReceipt(number: view.number, acknowledgementDueAt: view.acknowledgementDueAt)
            .encodeResponse(status: .created, for: req)
    }

    /// Who the audit trail names for the public forms.
    static let publicActor = "public"
}

extension ComplaintView: Content {}
extension ComplaintFile: Content {}
extension ComplaintNotice: Content {}
extension ComplaintNoteView: Content {}
extension CorrectiveActionView: Content {}
extension StatementView: Content {}
extension ComplaintStatistics: Content {}
extension ImprovementActionView: Content {}
