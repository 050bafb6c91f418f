import AftercareDomain
import AftercareStore
import Foundation

extension DeskPages {
    // MARK: Customer and unit pages: their models, from store views alone

    struct CustomerModel: Encodable {
        struct ContactLine: Encodable {
            var name: String
            var role: String?
            var phones: String
            var tel: String?
            var email: String?
        }

        /// An address with its coordinates, its number on the map, and links to a navigation app and a map.
        struct Place: Encodable {
            var number: String?
            var label: String?
            var text: String
            var coordinates: String?
            var geo: String?
            var osm: String?
        }

        var id: Int
        var name: String
        var kind: String
        var tier: String
        var branch: String?
        var notes: String?
        var contacts: [ContactLine]
        var addresses: [String]
        var places: [Place]
        var map: AddressMap?
        var units: [UnitRowModel]
        var unitsLink: String
        var lists: [RowList]
        var history: [HistoryLine]?
        var showsHistory: Bool
        var historyMore: String?
        var canRegister: Bool
        var canEdit: Bool
        var canAddUnit: Bool
        var archived: Bool
        var errors: [FieldMessage]
    }

    /// What the customer page shows, as read from the store for the caller.
    struct CustomerData {
        var customer: CustomerRecord.View
        var units: [UnitRecord.View]
        /// The customer's requests; empty for those who may not see requests.
        var requests: [ServiceRequestView]
        /// The latest steps of the customer's requests; nil for those who may not see requests.
        var history: Page<HistoryEntry>? = nil
        /// The owning unit's name (`code · name`).
        var branch: String? = nil
    }

    /// the customer page for `principal` in the reader's language: contacts, addresses on a small map, units
    /// with their warranty on `today`, the requests and their history.
    static func customerModel(
        _ data: CustomerData, principal: Principal, _ l: Localizer, today: CalendarDate, errors: [FieldMessage] = []
    ) -> CustomerModel {
        let customer = data.customer
        let archived = customer.archivedAt != nil
        let map = AddressMap.make(customer.addresses.map { ($0.latitude, $0.longitude, $0.label ?? $0.text) })
        var numbers = map?.pins.makeIterator()
        return CustomerModel(
            id: customer.id, name: customer.name, kind: l.t("customerKind.\(customer.kind.rawValue)"),
            tier: l.t("tier.\(customer.tier.rawValue)"), branch: data.branch, notes: customer.notes,
            contacts: customer.contacts.map {
                .init(
                    name: $0.name, role: $0.role, phones: $0.phones.joined(separator: ", "),
                    tel: PageLink.tel($0.phones.first), email: $0.email)
            },
            addresses: customer.addresses.map { [$0.label, $0.text].compactMap { $0 }.joined(separator: ": ") },
            places: customer.addresses.map { address in
                guard let lat = address.latitude, let lon = address.longitude else {
                    return .init(label: address.label, text: address.text)
                }
                return .init(
                    number: numbers?.next()?.number, label: address.label, text: address.text,
                    coordinates: "\(l.number(lat, digits: 5)), \(l.number(lon, digits: 5))", geo: "geo:\(lat),\(lon)",
                    osm: "https://www.openstreetmap.org/?mlat=\(lat)&mlon=\(lon)#map=16/\(lat)/\(lon)")
            }, map: map,
            units: data.units.map { UnitRowModel($0, today: today, l) },
            unitsLink: PageLink.make("/units", [("customerId", "\(customer.id)")]),
            lists: [
                RowList(id: "history", tableId: "customer-history", rows: data.requests.map { RequestRowModel($0, l) })
            ],
            history: data.history.map { $0.items.map { HistoryLine($0, l) } }, showsHistory: data.history != nil,
            historyMore: data.history?.nextCursor.map {
                PageLink.make("/customers/\(customer.id)", [("history", $0)]) + "#steps"
            },
            canRegister: principal.may(.registerRequests) && !archived,
            canEdit: principal.may(.manageCustomers) && !archived,
            canAddUnit: principal.may(.manageInstalledBase) && !archived, archived: archived, errors: errors)
    }

    struct UnitModel: Encodable {
        struct DateLine: Encodable {
            var label: String
            var value: String
        }

        var id: Int
        var serial: String
        var model: String
        var modelName: String?
        var customerId: Int
        var customerName: String?
        /// Whether the owner's name links to their page (those who may see customers).
        var customerLink: Bool
        var project: String?
        var site: String?
        var coordinates: String?
        var osm: String?
        var status: String
        var dates: [DateLine]
        var warranty: String
        var warrantyPeriod: String?
        /// The contract's own warranty terms, in words; nil when the model's rule applies.
        var warrantyOverride: String?
        var lists: [RowList]
        var history: [HistoryLine]?
        var showsHistory: Bool
        var historyMore: String?
        var canEdit: Bool
        var archived: Bool
        var errors: [FieldMessage]
    }

    /// What the unit page shows, as read from the store for the caller.
    struct UnitData {
        var unit: UnitRecord.View
        /// The unit's requests; empty for those who may not see requests.
        var requests: [ServiceRequestView]
        /// The latest steps of the unit's requests; nil for those who may not see requests.
        var history: Page<HistoryEntry>? = nil
        var customer: CustomerRecord.View? = nil
        var model: ProductModelRecord.View? = nil
        var project: ProjectRecord.View? = nil
    }

    /// the unit page in the reader's language: its owner, model and project by name, its dates, its warranty
    /// on `today`, its requests and their history.
    static func unitModel(
        _ data: UnitData, principal: Principal, _ l: Localizer, today: CalendarDate, errors: [FieldMessage] = []
    ) -> UnitModel {
        let unit = data.unit
        let archived = unit.archivedAt != nil
        let dates: [(String, CalendarDate?)] = [
            ("unit.saleDate", unit.saleDate), ("unit.deliveryDate", unit.deliveryDate),
            ("unit.installationDate", unit.installationDate), ("unit.acceptanceDate", unit.acceptanceDate),
        ]
        var override: String?
        if let end = unit.warrantyOverrideEnd {
            override = l.t("units.overrideEnd").replacingOccurrences(of: "{date}", with: end.description)
        } else if let months = unit.warrantyOverrideMonths {
            override = l.t("units.overrideMonths").replacingOccurrences(of: "{n}", with: l.number(months))
        }
        let site = unit.latitude.flatMap { lat in unit.longitude.map { (lat, $0) } }
        return UnitModel(
            id: unit.id, serial: unit.serialNumber, model: unit.modelCode, modelName: data.model?.name,
            customerId: unit.customerId, customerName: data.customer?.name,
            customerLink: principal.may(.viewCustomers),
            project: data.project.map { "\($0.number) · \($0.name)" }, site: unit.siteAddress,
            coordinates: site.map { "\(l.number($0.0, digits: 5)), \(l.number($0.1, digits: 5))" },
            osm: site.map { "https://www.openstreetmap.org/?mlat=\($0.0)&mlon=\($0.1)#map=16/\($0.0)/\($0.1)" },
            status: l.t("unitStatus.\(unit.status.rawValue)"),
            dates: dates.map { .init(label: l.t($0.0), value: $0.1?.description ?? "—") },
            warranty: l.warranty(unit.warranty, on: today),
            warrantyPeriod: unit.warranty.map { "\($0.start) – \($0.end)" }, warrantyOverride: override,
            lists: [
                RowList(id: "history", tableId: "unit-history", rows: data.requests.map { RequestRowModel($0, l) })
            ],
            history: data.history.map { $0.items.map { HistoryLine($0, l) } }, showsHistory: data.history != nil,
            historyMore: data.history?.nextCursor.map {
                PageLink.make("/units/\(unit.id)", [("history", $0)]) + "#steps"
            },
            canEdit: principal.may(.manageInstalledBase) && !archived, archived: archived, errors: errors)
    }
}

/// one step of a customer's or unit's history, in the reader's language.
struct HistoryLine: Encodable {
    var at: String
    var requestId: Int
    var number: String
    var type: String
    var event: String
    var status: String
    var statusCode: String
    var visit: String?
    var actor: String
    var note: String?

    init(_ entry: HistoryEntry, _ l: Localizer) {
        at = l.dateTime(entry.at)
        requestId = entry.requestId
        number = entry.number
        type = l.t("type.\(entry.type.rawValue)")
        event = l.t("event.\(entry.event)")
        status = l.t("status.\(entry.to.rawValue)")
        statusCode = entry.to.rawValue
        visit = entry.visit.map { l.visit($0) }
        actor = entry.actor
        note = entry.note
    }
}

/// A small map drawn without tiles: each address with coordinates as a numbered pin, placed relative to the
/// customer's other addresses (north up, distances to scale). One address is a pin in the middle.
struct AddressMap: Encodable {
    struct Pin: Encodable {
        var number: String
        var x: String
        var y: String
        var title: String
    }

    static let width = 320.0
    static let height = 180.0
    static let margin = 28.0

    var width: String
    var height: String
    var pins: [Pin]

    /// The map of `points` (latitude, longitude, title); nil when none has coordinates.
    static func make(_ points: [(Double?, Double?, String)]) -> AddressMap? {
        let placed = points.compactMap { lat, lon, title in lat.flatMap { lat in lon.map { (lat, $0, title) } } }
        guard !placed.isEmpty else { return nil }
        let meanLatitude = placed.map(\.0).reduce(0, +) / Double(placed.count)
        let scaleX = cos(meanLatitude * .pi / 180)
        let xs = placed.map { $0.1 * scaleX }
        let ys = placed.map(\.0)
        let spanX = (xs.max()! - xs.min()!)
        let spanY = (ys.max()! - ys.min()!)
        let usableX = width - 2 * margin
        let usableY = height - 2 * margin
        let scale = max(spanX, spanY) == 0 ? 0 : min(usableX / max(spanX, 1e-9), usableY / max(spanY, 1e-9))
        let midX = (xs.max()! + xs.min()!) / 2
        let midY = (ys.max()! + ys.min()!) / 2
        func text(_ value: Double) -> String { String(format: "%.1f", value) }
        let pins = placed.enumerated().map { i, point in
            // Pins are drawn with their tip at (x, y); north is up, so latitude grows upwards.
            Pin(
                number: "\(i + 1)", x: text(width / 2 + (xs[i] - midX) * scale),
                y: text(height / 2 + margin / 2 - (ys[i] - midY) * scale), title: point.2)
        }
        return AddressMap(width: text(width), height: text(height), pins: pins)
    }
}
