import AftercareDomain
import AftercareStore
import Foundation

extension PartsPages {
    // MARK: Requisition worklist: its model, from store views alone

    struct RequisitionsModel: Encodable {
        var statusOptions: [SelectOption]
        var rows: [RequisitionRow]
        var next: String?
        var canRequest: Bool
    }

    /// What the requisition worklist shows, as read from the store for the caller.
    struct RequisitionsData {
        /// The status chosen, if any.
        var status: RequisitionStatus?
        /// A page of the requisitions the caller may see with that status.
        var page: Page<RequisitionView>
    }

    /// the requisition worklist for `principal` in the reader's language.
    static func requisitionsModel(_ data: RequisitionsData, principal: Principal, _ l: Localizer)
        -> RequisitionsModel
    {
        let status = data.status
        return RequisitionsModel(
            statusOptions: SelectOption.of(RequisitionStatus.self, prefix: "requisitionStatus", selected: status, l),
            rows: data.page.items.map { RequisitionRow($0, l) },
            next: data.page.nextCursor.map {
                PageLink.make("/requisitions", [("status", status?.rawValue), ("cursor", $0)])
            }, canRequest: principal.may(.requestParts))
    }
}
