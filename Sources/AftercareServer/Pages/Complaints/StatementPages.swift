import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// the service department's requests for a statement: the questions the complaint investigator put to the
/// caller's units, the open ones first with a form to answer each, then the answered ones with their answers. A unit
/// sees the question with the complaint's number, subject and status, never the customer's words or the handler's
/// notes and findings (the store gives it nothing more), and cannot change the complaint. The same use cases as
/// `ComplaintsController`, through the caller's scoped store.
struct StatementPages: Sendable {
    func register(_ root: any RoutesBuilder) {
        root.get("statements", use: worklist).requires(.action(.answerStatements))
        root.post("statements", ":id", "answer", use: answer).requires(.action(.answerStatements))
    }

    static let labels = FieldLabels.area("complaints")

    /// How many answered statements a page shows below the open ones.
    static let answeredLimit = 25

    // MARK: Reading

    /// `/statements?cursor=&answeredCursor=`: the open questions (status asked), then the answered ones, each list
    /// paged on its own; a cursor that is not one of this list starts it again from the top.
    static func worklistData(_ req: Request, principal: Principal) async throws -> WorklistData {
        let q = QueryReader(req: req)
        let statements = Statements(req.store)
        let cursor = try q.string("cursor")
        let open = try await statements.list(status: .asked, for: principal, page: try q.page(defaultLimit: 50))
        let answeredCursor = try q.string("answeredCursor")
        let first = PageRequest(limit: answeredLimit)
        let answered = try await statements.list(
            status: .answered, for: principal, page: answeredCursor.flatMap { first.following($0) } ?? first)
        return WorklistData(
            open: open, answered: answered, now: req.store.now, cursor: cursor, answeredCursor: answeredCursor)
    }

    func render(_ req: Request, failed: FailedAnswer? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let principal = try req.requirePrincipal()
        var data = try await Self.worklistData(req, principal: principal)
        data.failed = failed
        return try await PageRenderer.render(
            "statements", title: "statements.title", Self.worklistModel(data, principal: principal, req.localizer),
            for: req, status: status)
    }

    @Sendable func worklist(_ req: Request) async throws -> Response {
        try await render(req)
    }

    // MARK: Answering

    /// the unit's answer to the investigator's question; it goes on the complaint and the statement is closed.
    @Sendable func answer(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        // Another unit's statement answers 404 like a missing one.
        _ = try await Statements(req.store).get(id, for: principal)
        let form = try FormReader(req)
        return try await FormCycle.run(req, page: "/statements", labels: Self.labels) {
            _ = try await Statements(req.store).answer(id, with: form.string("answer") ?? "", by: principal)
            return req.redirect(to: "/statements#statement-\(id)")
        } again: { failure in
            try await render(
                req, failed: FailedAnswer(id: id, answer: form.string("answer") ?? "", messages: failure.messages),
                status: failure.status)
        }
    }
}
