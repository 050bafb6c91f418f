import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension PartsPages {
    // MARK: Requisitions

    struct RequisitionRow: Encodable {
        var id: Int
        var number: String
        var engineer: String
        var warehouseCode: String
        var status: String
        var statusCode: String
        var lines: String
        var requestNumber: String?
        var visitId: Int?
        var value: String
        var created: String
    }

    static func requisitionRow(_ r: RequisitionView, _ l: Localizer) -> RequisitionRow {
        RequisitionRow(
            id: r.id, number: r.number, engineer: r.engineerName, warehouseCode: r.warehouseCode,
            status: l.t("requisitionStatus.\(r.status.rawValue)"), statusCode: r.status.rawValue,
            lines: r.lines.map { "\($0.partNumber) × \(l.quantity($0.quantity))" }.joined(separator: ", "),
            requestNumber: r.requestNumber, visitId: r.visitId, value: l.money(r.value) ?? "",
            created: l.dateTime(r.createdAt))
    }

    /// The engineer profile of the caller, when the caller works only as an engineer (sees only their own).
    static func ownEngineer(_ req: Request) async throws -> (ownOnly: Bool, engineer: EngineerRecord.View?) {
        let principal = try req.requirePrincipal()
        let engineer = try await Engineers(req.store).of(userId: principal.userId)
        return (PartsController.ownOnly(principal), engineer)
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
        if PartsController.ownOnly(principal) {
            filter.engineerId = try await Engineers(req.store).of(userId: principal.userId)?.id ?? -1
        }
        let page = try await Requisitions(req.store).list(filter, page: try q.page())
        let model = RequisitionsModel(
            statusOptions: SelectOption.of(RequisitionStatus.self, prefix: "requisitionStatus", selected: status, l),
            rows: page.items.map { Self.requisitionRow($0, l) },
            next: page.nextCursor.map {
                PageLink.make("/requisitions", [("status", status?.rawValue), ("cursor", $0)])
            }, canRequest: principal.may(.requestParts))
        return try await PageRenderer.render("requisitions", title: "requisition.listTitle", model, for: req)
    }
}
