import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension PartsPages {
    // MARK: Requisitions

    /// The engineer profile of the caller, when the caller works only as an engineer (sees only their own).
    static func ownEngineer(_ req: Request) async throws -> (ownOnly: Bool, engineer: EngineerRecord.View?) {
        let principal = try req.requirePrincipal()
        let engineer = try await Engineers(req.store).of(userId: principal.userId)
        return (principal.ownRequisitionsOnly, engineer)
    }

    // MARK: Requisition worklist

    struct RequisitionsModel: Encodable {
        var statusOptions: [SelectOption]
        var rows: [RequisitionRow]
        var next: String?
        var canRequest: Bool
    }

    @Sendable func requisitions(_ req: Request) async throws -> Response {
        let l = req.localizer
        let principal = try req.requirePrincipal()
        let q = QueryReader(req: req)
        let status = try q.value("status", RequisitionStatus.self)
        var filter = RequisitionFilter(statuses: status.map { [$0] } ?? [])
        if principal.ownRequisitionsOnly {
            filter.engineerId = try await Engineers(req.store).of(userId: principal.userId)?.id ?? -1
        }
        let page = try await Requisitions(req.store).list(filter, page: try q.page())
        let model = RequisitionsModel(
            statusOptions: SelectOption.of(RequisitionStatus.self, prefix: "requisitionStatus", selected: status, l),
            rows: page.items.map { RequisitionRow($0, l) },
            next: page.nextCursor.map {
                PageLink.make("/requisitions", [("status", status?.rawValue), ("cursor", $0)])
            }, canRequest: principal.may(.requestParts))
        return try await PageRenderer.render("requisitions", title: "requisition.listTitle", model, for: req)
    }
}
