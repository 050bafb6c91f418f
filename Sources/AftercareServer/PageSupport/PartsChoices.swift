import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// A requisition as one line of a list: the parts worklist, the van and the visit page's parts panel.
struct RequisitionRow: Encodable, Equatable {
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

    init(_ r: RequisitionView, _ l: Localizer) {
        id = r.id
        number = r.number
        engineer = r.engineerName
        warehouseCode = r.warehouseCode
        status = l.t("requisitionStatus.\(r.status.rawValue)")
        statusCode = r.status.rawValue
        lines = r.lines.map { "\($0.partNumber) × \(l.quantity($0.quantity))" }.joined(separator: ", ")
        requestNumber = r.requestNumber
        visitId = r.visitId
        value = l.money(r.value) ?? ""
        created = l.dateTime(r.createdAt)
    }
}

extension Request {
    /// The caller's warehouses of these kinds (all but vans by default: one per engineer, they would crowd the
    /// lists), chosen in SQL before the page limit.
    func warehouses(kinds: [WarehouseKind] = WarehouseKind.allCases.filter { $0 != .van }) async throws
        -> [WarehouseRecord.View]
    {
        try await Records<WarehouseRecord>(store).list(page: PageRequest(limit: 200), filter: .warehouses(kinds: kinds))
            .items
    }
}

extension SelectOption {
    /// Warehouses to choose from: code, name and kind.
    static func warehouses(_ list: [WarehouseRecord.View], selected: Int?, _ l: Localizer) -> [SelectOption] {
        list.map {
            SelectOption(
                value: "\($0.id)", label: "\($0.code) · \($0.name) · \(l.t("warehouseKind.\($0.kind.rawValue)"))",
                selected: $0.id == selected)
        }
    }
}
