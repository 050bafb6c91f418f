import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// A message form with files, as browsers send it (`multipart/form-data`).
struct MessageForm: Content {
    var kind: String?
    var body: String?
    var files: [File]?
}

/// reading a posted message with its files, for the desk and the portal.
enum ConversationIntake {
    /// The whole body a message form may send: the files at their limit and the text.
    static let maxBody = AttachmentRules.maxBytes * AttachmentRules.maxCount + 1_048_576

    /// What staff may write: a reply speaks for the service to the customer (those who work requests); a note,
    /// anyone who sees the request.
    static func staffKinds(_ principal: Principal) -> [MessageKind] {
        principal.may(.workRequests) ? [.reply, .internalNote] : [.internalNote]
    }

    /// The form's message; a file input left empty (no name, no bytes) is not a file.
    static func read(_ req: Request) throws -> (kind: String?, body: String, files: [NewAttachment]) {
        let form = try req.content.decode(MessageForm.self)
        let files = (form.files ?? []).filter { !$0.filename.isEmpty || $0.data.readableBytes > 0 }.map {
            NewAttachment(fileName: $0.filename, bytes: Array($0.data.readableBytesView))
        }
        return (form.kind, form.body ?? "", files)
    }
}
