import AftercareDomain
import AftercareStore
import Foundation

extension PartsPages {
    // MARK: New requisition: its model, from store views alone

    struct NewRequisitionModel: Encodable {
        struct Line: Encodable {
            var partNumber: String
            var quantity: String
        }

        struct Part: Encodable {
            var partNumber: String
            var name: String
        }

        var hasProfile: Bool
        var choosesEngineer: Bool
        var engineerOptions: [SelectOption]
        var warehouseOptions: [SelectOption]
        var visitOptions: [SelectOption]
        var parts: [Part]
        var lines: [Line]
        var note: String
        var errors: [FieldMessage]
    }

    /// The new requisition form as typed: the engineer, the warehouse, the visit, the lines and the note.
    struct TypedRequisition {
        var engineerId: Int?
        var warehouseId: Int?
        var visitId: Int?
        var lines: [(String, String)] = []
        var note = ""
    }

    /// What the new requisition form offers, as read from the store for the caller.
    struct NewRequisitionData {
        /// The caller's engineer profile, if they have one.
        var own: EngineerRecord.View?
        /// The warehouses parts may be issued from.
        var warehouses: [WarehouseRecord.View]
        /// The engineers to choose from; none for someone who requests only for themselves.
        var engineers: [EngineerRecord.View]
        /// The open visits of the engineer chosen.
        var visits: [VisitView]
        /// The parts of the catalogue.
        var parts: [PartRecord.View]
    }

    /// the new requisition form for `principal` in the reader's language, with what was typed.
    static func newRequisitionModel(
        _ data: NewRequisitionData, principal: Principal, _ l: Localizer, typed: TypedRequisition = .init(),
        errors: [FieldMessage] = []
    ) -> NewRequisitionModel {
        let ownOnly = principal.ownRequisitionsOnly
        let engineerId = typed.engineerId ?? data.own?.id
        var lines = typed.lines.map { NewRequisitionModel.Line(partNumber: $0.0, quantity: $0.1) }
        while lines.count < 5 { lines.append(.init(partNumber: "", quantity: "")) }
        return NewRequisitionModel(
            hasProfile: data.own != nil || !ownOnly, choosesEngineer: !ownOnly,
            engineerOptions: data.engineers.map {
                SelectOption(value: "\($0.id)", label: $0.name, selected: $0.id == engineerId)
            },
            warehouseOptions: SelectOption.warehouses(data.warehouses, selected: typed.warehouseId, l),
            visitOptions: data.visits.map {
                SelectOption(
                    value: "\($0.id)", label: "\($0.requestNumber) · \($0.customerName)",
                    selected: $0.id == typed.visitId)
            }, parts: data.parts.map { .init(partNumber: $0.partNumber, name: $0.name) }, lines: lines,
            note: typed.note, errors: errors)
    }
}
