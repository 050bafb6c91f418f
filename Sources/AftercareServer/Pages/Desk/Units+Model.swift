import AftercareDomain
import AftercareStore
import Foundation

extension DeskPages {
    // MARK: The unit list and the unit form: their models, from store views alone

    struct UnitListModel: Encodable {
        struct Row: Encodable {
            var unit: UnitRowModel
            var modelName: String?
            var customerId: Int
            var customerName: String?
            var status: String
        }

        var rows: [Row]
        var next: String?
        var serial: String
        var customer: String
        /// The one customer the list is narrowed to, by name, and the list without that narrowing.
        var owner: String?
        var ownerId: Int?
        var allOwners: String?
        var modelOptions: [SelectOption]
        /// Whether the owners' names link to their pages (those who may see customers).
        var customerLinks: Bool
        var exportLink: String?
        var newUnit: String?
        var error: String?
    }

    /// The unit list's filters as read from the query; `invalid` names the parameters that could not be read.
    struct UnitListQuery {
        var serial = ""
        var customer = ""
        var customerId: Int?
        var modelId: Int?
        var invalid: [String]?

        var filter: RecordFilter<UnitRecord> {
            .unitList(
                customerId: customerId, modelId: modelId, serialPrefix: serial.nilIfEmpty,
                customerName: customer.nilIfEmpty)
        }

        func link(cursor: String? = nil, customerId: Int?? = nil) -> String {
            PageLink.make(
                "/units",
                [
                    ("serial", serial.nilIfEmpty), ("customer", customer.nilIfEmpty),
                    ("customerId", (customerId ?? self.customerId).map { "\($0)" }),
                    ("modelId", modelId.map { "\($0)" }), ("cursor", cursor),
                ])
        }
    }

    /// What the unit list shows, as read from the store for the caller.
    struct UnitListData {
        var page: Page<UnitRecord.View>
        /// The owners of the page's units that the caller sees, by id.
        var customers: [Int: CustomerRecord.View]
        /// The catalogue's models, for the filter and the names.
        var models: [ProductModelRecord.View]
        /// The customer the list is narrowed to.
        var owner: CustomerRecord.View?
    }

    /// the unit list for `principal` in the reader's language: each unit with its model, owner and warranty
    /// as it stands `today`.
    static func unitListModel(
        _ data: UnitListData, query: UnitListQuery, principal: Principal, _ l: Localizer, today: CalendarDate
    ) -> UnitListModel {
        let models = Dictionary(data.models.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return UnitListModel(
            rows: data.page.items.map { unit in
                .init(
                    unit: UnitRowModel(unit, today: today, l), modelName: models[unit.modelId]?.name,
                    customerId: unit.customerId, customerName: data.customers[unit.customerId]?.name,
                    status: l.t("unitStatus.\(unit.status.rawValue)"))
            },
            next: data.page.nextCursor.map { query.link(cursor: $0) }, serial: query.serial, customer: query.customer,
            owner: data.owner?.name, ownerId: data.owner?.id,
            allOwners: query.customerId == nil ? nil : query.link(customerId: .some(nil)),
            modelOptions: data.models.map {
                SelectOption(value: "\($0.id)", label: "\($0.code) · \($0.name)", selected: $0.id == query.modelId)
            },
            customerLinks: principal.may(.viewCustomers),
            exportLink: principal.may(.exportArchive) ? "/api/v1/units/export.csv" : nil,
            newUnit: principal.may(.manageInstalledBase)
                ? PageLink.make("/units/new", [("customerId", data.owner.map { "\($0.id)" })]) : nil,
            error: invalidFilters(query.invalid, l))
    }

    // MARK: The unit form

    /// The unit form as typed.
    struct UnitForm {
        var serialNumber = ""
        var modelId: Int?
        var customerId: Int?
        var projectId: Int?
        var siteAddress = ""
        var latitude = ""
        var longitude = ""
        var saleDate = ""
        var deliveryDate = ""
        var installationDate = ""
        var acceptanceDate = ""
        var warrantyOverrideMonths = ""
        var warrantyOverrideEnd = ""
        var status = UnitStatus.inService
    }

    /// The four life dates, in order, by field name and label.
    static let lifeDates = [
        ("saleDate", "units.field.saleDate"), ("deliveryDate", "units.field.deliveryDate"),
        ("installationDate", "units.field.installationDate"), ("acceptanceDate", "units.field.acceptanceDate"),
    ]

    static func unitForm(from unit: UnitRecord.View) -> UnitForm {
        func text(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
        return UnitForm(
            serialNumber: unit.serialNumber, modelId: unit.modelId, customerId: unit.customerId,
            projectId: unit.projectId, siteAddress: unit.siteAddress ?? "", latitude: text(unit.latitude),
            longitude: text(unit.longitude), saleDate: unit.saleDate?.description ?? "",
            deliveryDate: unit.deliveryDate?.description ?? "",
            installationDate: unit.installationDate?.description ?? "",
            acceptanceDate: unit.acceptanceDate?.description ?? "",
            warrantyOverrideMonths: unit.warrantyOverrideMonths.map { "\($0)" } ?? "",
            warrantyOverrideEnd: unit.warrantyOverrideEnd?.description ?? "", status: unit.status)
    }

    struct UnitFormModel: Encodable {
        struct DateField: Encodable {
            var name: String
            var label: String
            var value: String
        }

        struct CustomerChoice: Encodable {
            var name: String
            var branch: String?
            var link: String
        }

        var id: Int?
        var version: Int?
        var title: String
        var serialNumber: String
        var modelOptions: [SelectOption]
        var customerId: Int?
        var customerName: String?
        /// Without a customer: the search for one, and what it found.
        var customerQuery: String
        var customerChoices: [CustomerChoice]
        var projectOptions: [SelectOption]
        var siteAddress: String
        var latitude: String
        var longitude: String
        var dates: [DateField]
        var warrantyOverrideMonths: String
        var warrantyOverrideEnd: String
        var statusOptions: [SelectOption]
        var errors: [FieldMessage]
        var back: String
        var nonce: String?
    }

    /// What the unit form shows, as read from the store.
    struct UnitFormData {
        /// The unit being edited; nil for a new one.
        var unit: UnitRecord.View?
        /// The owner, when known and visible.
        var customer: CustomerRecord.View?
        var models: [ProductModelRecord.View]
        /// The owner's projects.
        var projects: [ProjectRecord.View]
        /// Without an owner: what was searched for, and the customers found.
        var customerQuery = ""
        var customerChoices: [CustomerRecord.View] = []
        var branches: [Int: String] = [:]
    }

    /// the unit form in the reader's language: the owner by name (or a search for one), the model and
    /// project to choose, the life dates and the warranty's contract terms, as typed, with each problem named.
    static func unitFormModel(
        _ data: UnitFormData, _ l: Localizer, form: UnitForm, errors: [FieldMessage] = [], nonce: String? = nil
    ) -> UnitFormModel {
        let values = [form.saleDate, form.deliveryDate, form.installationDate, form.acceptanceDate]
        return UnitFormModel(
            id: data.unit?.id, version: data.unit?.version,
            title: data.unit?.serialNumber ?? l.t("units.new"), serialNumber: form.serialNumber,
            modelOptions: data.models.map {
                SelectOption(value: "\($0.id)", label: "\($0.code) · \($0.name)", selected: $0.id == form.modelId)
            }, customerId: data.customer?.id ?? form.customerId, customerName: data.customer?.name,
            customerQuery: data.customerQuery,
            customerChoices: data.customerChoices.map {
                .init(
                    name: $0.name, branch: data.branches[$0.orgUnitId],
                    link: PageLink.make("/units/new", [("customerId", "\($0.id)")]))
            },
            projectOptions: data.projects.map {
                SelectOption(value: "\($0.id)", label: "\($0.number) · \($0.name)", selected: $0.id == form.projectId)
            }, siteAddress: form.siteAddress, latitude: form.latitude, longitude: form.longitude,
            dates: zip(lifeDates, values).map { .init(name: $0.0.0, label: l.t($0.0.1), value: $0.1) },
            warrantyOverrideMonths: form.warrantyOverrideMonths, warrantyOverrideEnd: form.warrantyOverrideEnd,
            statusOptions: SelectOption.of(UnitStatus.self, prefix: "unitStatus", selected: form.status, l),
            errors: errors,
            back: data.unit.map { "/units/\($0.id)" } ?? data.customer.map { "/customers/\($0.id)" } ?? "/units",
            nonce: nonce)
    }
}
