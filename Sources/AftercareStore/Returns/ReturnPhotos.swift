import AftercareDomain
import Foundation
import SQLKit

/// photos of a returned unit: the customer's when applying, the depot's at the receiving inspection.
/// Kept in the one file storage (the vault, then the `attachments` row naming the case), checked by their content
/// like a service report's; a case takes them until it ends.
public struct ReturnPhotos: Sendable {
    public let store: Store
    public let vault: FileVault

    static let owner = "returnCase"
    /// The most photos a case keeps.
    public static let maxPerCase = 30

    public init(_ store: Store, vault: FileVault) {
        self.store = store
        self.vault = vault
    }

    /// The photos of a case the scope sees, oldest first.
    public func of(_ caseId: Int) async throws -> [AttachmentView] {
        _ = try await ReturnCases(store).get(caseId)
        return try await Attachments.of(owner: Self.owner, ids: [caseId], on: store.sql)[caseId] ?? []
    }

    /// Keeps photos on an open case: checked, written to the vault and flushed before the transaction that names
    /// them; a refused upload writes no row.
    public func add(_ files: [NewAttachment], to caseId: Int, by actor: Actor) async throws -> [AttachmentView] {
        try KeptFile.checkMedia(files)
        let scope = store.scope
        let now = store.now
        guard let visible = try await ReturnCases.load(caseId, within: scope, on: store.sql) else {
            throw RecordNotFound(entity: "returnCase", id: caseId)
        }
        guard visible.status.isOpen else {
            throw ReturnStepNotAllowed(id: caseId, status: visible.status, event: .inspect, allowed: [])
        }
        let kept = try KeptFile.keepMedia(files, in: vault)
        try await store.write { db in
            if db.dialect.name != "sqlite" {
                try await db.raw("SELECT id FROM return_cases WHERE id = \(bind: caseId) FOR UPDATE").run()
            }
            guard let before = try await ReturnCases.load(caseId, within: scope, on: db), before.status.isOpen else {
                throw RecordNotFound(entity: "returnCase", id: caseId)
            }
            let count =
                try await db.raw(
                    "SELECT COUNT(*) AS n FROM attachments WHERE owner = \(bind: Self.owner) AND owner_id = \(bind: caseId)"
                ).first(decodingColumn: "n", as: Int.self) ?? 0
            if count + kept.count > Self.maxPerCase {
                throw ValidationError(["files": .tooMany(max: max(0, Self.maxPerCase - count))])
            }
            try await Attachments.insert(
                kept, owner: Self.owner, ownerId: caseId, requestId: before.requestId, by: actor, at: now, on: db)
            try await ReturnCases.appendEvent(
                caseId, event: "photosAdded", from: before.status, to: before.status,
                note: kept.map(\.name).joined(separator: ", "), by: actor, at: now, on: db)
            try await AuditLog.append(
                on: db, entity: "returnCase", id: caseId, action: .update, actor: actor, at: now,
                before: ["photos": count], after: ["photos": count + kept.count])
        }
        return try await of(caseId)
    }

    /// A photo of a case the scope sees.
    public func file(_ attachmentId: Int) async throws -> AttachmentFile {
        guard
            let row = try await store.sql.raw(
                """
                SELECT id, owner_id, file_name, kind, size, sha256, created_at FROM attachments \
                WHERE owner = \(bind: Self.owner) AND id = \(bind: attachmentId)
                """
            ).first(),
            try await ReturnCases.load(
                try row.decode(column: "owner_id", as: Int.self), within: store.scope, on: store.sql)
                != nil
        else { throw RecordNotFound(entity: "attachment", id: attachmentId) }
        return AttachmentFile(
            view: try Attachments.view(row), data: try vault.read(try row.decode(column: "sha256", as: String.self)))
    }
}
