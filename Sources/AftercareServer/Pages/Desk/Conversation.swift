import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension DeskPages {
    // MARK: The conversation on a request

    /// A reply to the customer or an internal note, with files, from the request page.
    @Sendable func postMessage(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        // Another branch's request is not found before anything is read or written.
        _ = try await ServiceRequests(req.store).get(id)
        let form = try ConversationIntake.read(req)
        var v = AftercareDomain.Validator()
        let allowed = ConversationIntake.staffKinds(principal)
        let kind = form.kind.flatMap(MessageKind.init(rawValue:)) ?? allowed[0]
        if !allowed.contains(kind) { v.add("kind", .invalidValue(allowed: allowed.map(\.rawValue))) }
        return try await FormCycle.run(req, page: "/requests/\(id)#conversation", labels: .area("conversation")) {
            try v.finish()
            _ = try await req.conversations.post(
                MessageInput(
                    kind: kind, source: .desk, body: form.body, authorName: principal.displayName,
                    attachments: form.files), to: id, by: principal.actor)
            return req.redirect(to: "/requests/\(id)#conversation")
        } again: { failure in
            var model = try await detailModel(req, id: id)
            model.conversation?.errors = failure.messages
            model.conversation?.typed = form.body
            return try await PageRenderer.render(
                "request", title: "request.title", model, for: req, status: failure.status)
        }
    }

    /// A kept file, for those who may see its message: staff who may see the request; a customer only the files
    /// of their own requests' replies and messages, never of an internal note. Never shown as a page: pictures
    /// inline, everything else as a download, always with the type decided from the content.
    @Sendable func attachment(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let staff = !principal.roles.contains(.customer) && principal.may(.viewRequests)
        guard staff || principal.may(.usePortal) else { throw Forbidden(action: .viewRequests) }
        return FileResponse.make(try await req.conversations.file(try req.pageId(), includeInternal: staff))
    }
}
