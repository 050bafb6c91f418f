import AftercareDomain
import AftercareStore
import Foundation

/// one message of a request's conversation as a page shows it: the desk (all of it) and the portal (without
/// internal notes, which the store never returns to a customer).
struct MessageModel: Encodable {
    struct File: Encodable {
        var id: Int
        var name: String
        var size: String
        var isImage: Bool
    }

    var id: Int
    var kind: String
    var kindCode: String
    var author: String
    var source: String
    var at: String
    var body: String
    var files: [File]
    var isInternal: Bool

    init(_ message: MessageView, _ l: Localizer) {
        id = message.id
        kind = l.t("messageKind.\(message.kind.rawValue)")
        kindCode = message.kind.rawValue
        author = message.authorName
        source = l.t("messageSource.\(message.source.rawValue)")
        at = l.dateTime(message.createdAt)
        body = message.body
        files = message.attachments.map {
            File(id: $0.id, name: $0.fileName, size: l.fileSize($0.size), isImage: $0.kind.isImage)
        }
        isInternal = message.kind == .internalNote
    }
}

/// The conversation panel: the messages and the form that adds one.
struct ConversationModel: Encodable {
    var messages: [MessageModel]
    /// The kinds the reader may post here, first the default (a reply on the desk; the customer's message in the
    /// portal).
    var kinds: [SelectOption]
    /// Where the form posts.
    var action: String
    /// "At most 5 files of 10 MB each: pictures, PDF, ZIP or plain text."
    var limits: String
    var errors: [FieldMessage]
    /// What was typed into a refused form.
    var typed: String

    init(
        _ messages: [MessageView], kinds: [MessageKind], action: String, _ l: Localizer, errors: [FieldMessage] = [],
        typed: String = ""
    ) {
        self.messages = messages.map { MessageModel($0, l) }
        self.kinds = kinds.enumerated().map { index, kind in
            SelectOption(value: kind.rawValue, label: l.t("messageKind.\(kind.rawValue)"), selected: index == 0)
        }
        self.action = action
        limits = l.t("conversation.limits").replacingOccurrences(of: "{n}", with: l.number(AttachmentRules.maxCount))
            .replacingOccurrences(of: "{mb}", with: l.number(AttachmentRules.maxBytes / 1_048_576))
        self.errors = errors
        self.typed = typed
    }
}

extension Localizer {
    /// A file's size: `820 KB`, `3.4 MB`.
    func fileSize(_ bytes: Int) -> String {
        if bytes < 1_048_576 { return number(max(1, (bytes + 1023) / 1024)) + " KB" }
        return number(Double(bytes) / 1_048_576, digits: 1) + " MB"
    }
}
