import AftercareDomain
import Foundation
import SQLKit

/// a project or contract under which units were sold.
public enum ProjectRecord: RecordKind {
    public struct Input: Codable, Sendable, Equatable {
        public var number: String
        public var name: String
        public var customerId: Int
        /// Defaults to the customer's owning unit.
        public var orgUnitId: Int?
        public var site: String?

        public init(number: String, name: String, customerId: Int, orgUnitId: Int? = nil, site: String? = nil) {
            self.number = number
            self.name = name
            self.customerId = customerId
            self.orgUnitId = orgUnitId
            self.site = site
        }
    }

    public struct Fields: Codable, Sendable {
        var number: String
        var name: String
        var customerId: Int
        var orgUnitId: Int
        var site: String?
    }

    public typealias Row = Fields

    public struct View: Codable, Sendable, Equatable, Identifiable {
        public var id: Int
        public var number: String
        public var name: String
        public var customerId: Int
        public var orgUnitId: Int?
        public var site: String?
        public var version: Int
        public var createdAt: Date
        public var updatedAt: Date
        public var archivedAt: Date?
    }

    public static let table = "projects"
    public static let entity = "project"

    public static func validate(_ input: Input, id: Int?, on db: any SQLDatabase) async throws -> Fields {
        var v = Validator()
        Checks.code("number", input.number, into: &v)
        v.text("name", input.name, required: true, max: Limits.name)
        v.text("site", input.site, max: Limits.shortText * 2)
        v.reference("customerId", try await Checks.reference(CustomerRecord.table, input.customerId, on: db))
        v.reference("orgUnitId", try await Checks.reference(OrgUnitRecord.table, input.orgUnitId, on: db))
        if try await Checks.taken(table, [("number", input.number)], except: id, on: db) {
            v.add("number", .duplicate)
        }
        try v.finish()
        var unit = input.orgUnitId ?? 0
        if input.orgUnitId == nil { unit = try await Self.owningUnit(ofCustomer: input.customerId, on: db) }
        return Fields(
            number: input.number, name: input.name.trimmed, customerId: input.customerId, orgUnitId: unit,
            site: input.site)
    }

    static func owningUnit(ofCustomer id: Int, on db: any SQLDatabase) async throws -> Int {
        try await db.select().column("org_unit_id").from(CustomerRecord.table).where("id", .equal, id).first()!
            .decode(column: "org_unit_id", as: Int.self)
    }

    public static func view(_ row: Row, meta: RecordMeta) throws -> View {
        View(
            id: meta.id, number: row.number, name: row.name, customerId: row.customerId, orgUnitId: row.orgUnitId,
            site: row.site, version: meta.version, createdAt: meta.createdAt, updatedAt: meta.updatedAt,
            archivedAt: meta.archivedAt)
    }

    public static func input(from view: View) -> Input {
        Input(
            number: view.number, name: view.name, customerId: view.customerId, orgUnitId: view.orgUnitId,
            site: view.site)
    }
}

/// an installed unit, tracked for its whole life. Its warranty period is derived, never typed in.
public enum UnitRecord: RecordKind {
    public struct Input: Codable, Sendable, Equatable {
        public var serialNumber: String
        public var modelId: Int
        public var customerId: Int
        /// Defaults to the customer's owning unit.
        public var orgUnitId: Int?
        public var projectId: Int?
        public var siteAddress: String?
        public var latitude: Double?
        public var longitude: Double?
        public var saleDate: CalendarDate?
        public var deliveryDate: CalendarDate?
        public var installationDate: CalendarDate?
        public var acceptanceDate: CalendarDate?
        /// A contract's own warranty length, in months from the model's start event.
        public var warrantyOverrideMonths: Int?
        /// A contract's own last day of warranty; wins over any length.
        public var warrantyOverrideEnd: CalendarDate?
        public var status: UnitStatus?

        public init(
            serialNumber: String, modelId: Int, customerId: Int, orgUnitId: Int? = nil, projectId: Int? = nil,
            siteAddress: String? = nil, latitude: Double? = nil, longitude: Double? = nil, dates: UnitDates = .init(),
            warrantyOverrideMonths: Int? = nil, warrantyOverrideEnd: CalendarDate? = nil, status: UnitStatus? = nil
        ) {
            self.serialNumber = serialNumber
            self.modelId = modelId
            self.customerId = customerId
            self.orgUnitId = orgUnitId
            self.projectId = projectId
            self.siteAddress = siteAddress
            self.latitude = latitude
            self.longitude = longitude
            self.saleDate = dates.sale
            self.deliveryDate = dates.delivery
            self.installationDate = dates.installation
            self.acceptanceDate = dates.acceptance
            self.warrantyOverrideMonths = warrantyOverrideMonths
            self.warrantyOverrideEnd = warrantyOverrideEnd
            self.status = status
        }

        var dates: UnitDates {
            UnitDates(
                sale: saleDate, delivery: deliveryDate, installation: installationDate, acceptance: acceptanceDate)
        }
    }

    public struct Fields: Codable, Sendable {
        var serialNumber: String
        var modelId: Int
        var customerId: Int
        var orgUnitId: Int
        var projectId: Int?
        var siteAddress: String?
        var latitude: Double?
        var longitude: Double?
        var saleDate: String?
        var deliveryDate: String?
        var installationDate: String?
        var acceptanceDate: String?
        var warrantyOverrideMonths: Int?
        var warrantyOverrideEnd: String?
        var status: String
    }

    public struct Row: Codable, Sendable {
        var fields: Fields
        var modelCode: String
        var modelWarrantyMonths: Int
        var modelWarrantyStartsFrom: String

        public init(from decoder: any Decoder) throws {
            fields = try Fields(from: decoder)
            let c = try decoder.container(keyedBy: Keys.self)
            modelCode = try c.decode(String.self, forKey: .modelCode)
            modelWarrantyMonths = try c.decode(Int.self, forKey: .modelWarrantyMonths)
            modelWarrantyStartsFrom = try c.decode(String.self, forKey: .modelWarrantyStartsFrom)
        }

        enum Keys: String, CodingKey {
            case modelCode, modelWarrantyMonths, modelWarrantyStartsFrom
        }
    }

    public struct View: Codable, Sendable, Equatable, Identifiable {
        public var id: Int
        public var serialNumber: String
        public var modelId: Int
        public var modelCode: String
        public var customerId: Int
        public var orgUnitId: Int?
        public var projectId: Int?
        public var siteAddress: String?
        public var latitude: Double?
        public var longitude: Double?
        public var saleDate: CalendarDate?
        public var deliveryDate: CalendarDate?
        public var installationDate: CalendarDate?
        public var acceptanceDate: CalendarDate?
        public var warrantyOverrideMonths: Int?
        public var warrantyOverrideEnd: CalendarDate?
        public var status: UnitStatus
        /// Derived from the model's rule or the contract override; `nil` until a start date is known.
        public var warranty: WarrantyPeriod?
        public var version: Int
        public var createdAt: Date
        public var updatedAt: Date
        public var archivedAt: Date?

        var dates: UnitDates {
            UnitDates(
                sale: saleDate, delivery: deliveryDate, installation: installationDate, acceptance: acceptanceDate)
        }
    }

    public static let table = "units"
    /// Dates outside these years are typing mistakes.
    public static let plausibleYears = 1950...2200
    public static let entity = "unit"

    public static func select(on db: any SQLDatabase) -> SQLSelectBuilder {
        db.select().column(SQLColumn(SQLLiteral.all, table: SQLIdentifier(table)))
            .column(SQLColumn("code", table: "product_models"), as: "model_code")
            .column(SQLColumn("warranty_months", table: "product_models"), as: "model_warranty_months")
            .column(SQLColumn("warranty_starts_from", table: "product_models"), as: "model_warranty_starts_from")
            .from(table)
            .join(
                "product_models", on: SQLColumn("model_id", table: table), .equal,
                SQLColumn("id", table: "product_models"))
    }

    public static func validate(_ input: Input, id: Int?, on db: any SQLDatabase) async throws -> Fields {
        var v = Validator()
        Checks.code("serialNumber", input.serialNumber, into: &v)
        v.text("siteAddress", input.siteAddress, max: Limits.shortText * 2)
        Checks.coordinates("", input.latitude, input.longitude, into: &v)
        v.range("warrantyOverrideMonths", input.warrantyOverrideMonths, ProductModelRecord.warrantyMonthsRange)
        for (field, problem) in input.dates.orderProblems() { v.add(field, problem) }
        for (field, date) in [
            ("saleDate", input.saleDate), ("deliveryDate", input.deliveryDate),
            ("installationDate", input.installationDate), ("acceptanceDate", input.acceptanceDate),
            ("warrantyOverrideEnd", input.warrantyOverrideEnd),
        ] {
            if let date, !Self.plausibleYears.contains(date.year) {
                v.add(field, .outOfRange(min: Self.plausibleYears.lowerBound, max: Self.plausibleYears.upperBound))
            }
        }
        v.reference("modelId", try await Checks.reference(ProductModelRecord.table, input.modelId, on: db))
        v.reference("customerId", try await Checks.reference(CustomerRecord.table, input.customerId, on: db))
        v.reference("orgUnitId", try await Checks.reference(OrgUnitRecord.table, input.orgUnitId, on: db))
        v.reference("projectId", try await Checks.reference(ProjectRecord.table, input.projectId, on: db))
        if let projectId = input.projectId, v.error.fields["projectId"] == nil,
            try await !Checks.taken(
                ProjectRecord.table, [("id", projectId), ("customer_id", input.customerId)], except: nil, on: db)
        {
            v.add("projectId", .invalidValue(allowed: ["a project of the same customer"]))
        }
        if v.error.fields["modelId"] == nil,
            try await Checks.taken(
                table, [("model_id", input.modelId), ("serial_number", input.serialNumber)], except: id, on: db)
        {
            v.add("serialNumber", .duplicate)
        }
        if let end = input.warrantyOverrideEnd,
            let start = [input.saleDate, input.deliveryDate, input.installationDate, input.acceptanceDate]
                .compactMap({ $0 }).min(), end < start
        {
            v.add("warrantyOverrideEnd", .mustNotBeBefore(field: "saleDate"))
        }
        try v.finish()
        var unit = input.orgUnitId ?? 0
        if input.orgUnitId == nil { unit = try await ProjectRecord.owningUnit(ofCustomer: input.customerId, on: db) }
        return Fields(
            serialNumber: input.serialNumber, modelId: input.modelId, customerId: input.customerId, orgUnitId: unit,
            projectId: input.projectId, siteAddress: input.siteAddress, latitude: input.latitude,
            longitude: input.longitude, saleDate: input.saleDate?.description,
            deliveryDate: input.deliveryDate?.description, installationDate: input.installationDate?.description,
            acceptanceDate: input.acceptanceDate?.description, warrantyOverrideMonths: input.warrantyOverrideMonths,
            warrantyOverrideEnd: input.warrantyOverrideEnd?.description, status: (input.status ?? .inService).rawValue)
    }

    public static func view(_ row: Row, meta: RecordMeta) throws -> View {
        let f = row.fields
        let dates = UnitDates(
            sale: f.saleDate.flatMap(CalendarDate.init(iso:)),
            delivery: f.deliveryDate.flatMap(CalendarDate.init(iso:)),
            installation: f.installationDate.flatMap(CalendarDate.init(iso:)),
            acceptance: f.acceptanceDate.flatMap(CalendarDate.init(iso:)))
        let overrideEnd = f.warrantyOverrideEnd.flatMap(CalendarDate.init(iso:))
        let terms = WarrantyTerms(
            months: row.modelWarrantyMonths,
            startsFrom: try WarrantyStart.stored(
                row.modelWarrantyStartsFrom, column: "product_models.warranty_starts_from"),
            overrideMonths: f.warrantyOverrideMonths, overrideEnd: overrideEnd)
        return View(
            id: meta.id, serialNumber: f.serialNumber, modelId: f.modelId, modelCode: row.modelCode,
            customerId: f.customerId, orgUnitId: f.orgUnitId, projectId: f.projectId, siteAddress: f.siteAddress,
            latitude: f.latitude, longitude: f.longitude, saleDate: dates.sale, deliveryDate: dates.delivery,
            installationDate: dates.installation, acceptanceDate: dates.acceptance,
            warrantyOverrideMonths: f.warrantyOverrideMonths, warrantyOverrideEnd: overrideEnd,
            status: try UnitStatus.stored(f.status, column: "units.status"),
            warranty: WarrantyPeriod.of(dates, terms: terms),
            version: meta.version, createdAt: meta.createdAt, updatedAt: meta.updatedAt, archivedAt: meta.archivedAt)
    }

    public static func input(from view: View) -> Input {
        Input(
            serialNumber: view.serialNumber, modelId: view.modelId, customerId: view.customerId,
            orgUnitId: view.orgUnitId, projectId: view.projectId, siteAddress: view.siteAddress,
            latitude: view.latitude, longitude: view.longitude, dates: view.dates,
            warrantyOverrideMonths: view.warrantyOverrideMonths, warrantyOverrideEnd: view.warrantyOverrideEnd,
            status: view.status)
    }

    /// the warranty decision for this unit on a day, for a cause.
    public static func decision(for view: View, on day: CalendarDate, cause: FaultCause) -> WarrantyDecision {
        WarrantyDecision.decide(period: view.warranty, requestDate: day, cause: cause)
    }
}
