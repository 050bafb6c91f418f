import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension FeePages {
    /// what a job would cost, before it is done or while the customer is on the phone. A plain GET (pricing
    /// writes nothing), so the answer can be bookmarked and reloaded; `price=1` asks for the price.
    @Sendable func calculator(_ req: Request) async throws -> Response {
        try await renderCalculator(req, extra: nil)
    }

    /// The calculator as its query asks; `request=` names the request a quote would be for (its units fill the
    /// form when none is typed). `extra` is a failure of saving the answer as a quote, shown with the form.
    func renderCalculator(_ req: Request, extra: PageFailure?) async throws -> Response {
        let l = req.localizer
        let principal = try req.requirePrincipal()
        let q = QueryReader(req: req)
        var form = try Self.readForm(q)
        var forRequest: ServiceRequestView?
        if let requestId = try q.int("request") {
            let request = try await ServiceRequests(req.store).get(requestId)
            forRequest = request
            if !form.units.contains(where: { !$0.serial.isEmpty }) {
                for (index, unit) in request.units.prefix(Self.calculatorUnits).enumerated() {
                    form.units[index] = (unit.serialNumber, request.faultCause)
                }
            }
        }
        var quote: PricingQuote?
        var names = PriceNames()
        var errors: [FieldMessage] = extra?.messages ?? []
        var status = extra?.status ?? HTTPStatus.ok
        if form.asked {
            do {
                let (_, found, priced) = try await Self.pricingRequest(
                    form, store: req.store, home: principal.orgUnitId)
                names = found
                quote = priced
            } catch {
                guard let failure = PageError.from(error, l, labels: Self.calculatorLabels()) else { throw error }
                errors = failure.messages
                status = failure.status
            }
        }
        var model = Self.priceModel(
            form, units: try await req.orgUnitChoices().options, quote: quote, names: names, l, errors: errors)
        if let forRequest {
            model.request = forRequest.number
            model.requestId = forRequest.id
            model.requestLink = "/requests/\(forRequest.id)"
            if quote != nil, principal.may(.quoteJobs) {
                model.quoteAction = "/requests/\(forRequest.id)/quotes?" + (req.url.query ?? "")
            }
        }
        return try await PageRenderer.render(
            "fee-calculator", title: "fees.calculatorTitle", model, for: req, status: status)
    }

    /// The calculator's fields from the query.
    static func readForm(_ q: QueryReader) throws -> PriceForm {
        var form = PriceForm()
        form.asked = try q.bool("price") ?? false
        form.orgUnitId = try q.int("orgUnitId")
        form.date = try q.string("date") ?? ""
        for index in 0..<Self.calculatorUnits {
            form.units[index] = (
                try q.string("units.\(index).serial") ?? "",
                try q.value("units.\(index).cause", FaultCause.self) ?? .unknown
            )
        }
        for index in 0..<Self.calculatorLabour {
            form.labour[index] = (
                try q.string("labour.\(index).unit") ?? "",
                try q.int("labour.\(index).level").map { min(max($0, 1), 5) } ?? 3,
                try q.value("labour.\(index).difficulty", JobDifficulty.self) ?? .b,
                try q.string("labour.\(index).minutes") ?? ""
            )
        }
        form.km = try q.string("km") ?? ""
        for index in 0..<Self.calculatorParts {
            form.parts[index] = (
                try q.string("parts.\(index).partNumber") ?? "", try q.string("parts.\(index).quantity") ?? "",
                try q.string("parts.\(index).unit") ?? "", try q.string("parts.\(index).unitCost") ?? ""
            )
        }
        return form
    }

    /// The job the calculator's query asks for, checked the way the calculator checks it; its problems are named on
    /// the form's rows.
    static func askedPricing(_ req: Request, home: Int) async throws -> (PricingRequest, PriceNames) {
        let (request, names, _) = try await pricingRequest(
            try readForm(QueryReader(req: req)), store: req.store, home: home)
        return (request, names)
    }

    /// `pricingRequest(_:store:home:into:)`, finished: its problems and the pricing's own, named on the form's rows.
    static func pricingRequest(_ form: PriceForm, store: Store, home: Int) async throws
        -> (PricingRequest, PriceNames, PricingQuote)
    {
        var v = AftercareDomain.Validator()
        let (request, rows, found) = try await pricingRequest(form, store: store, home: home, into: &v)
        try v.finish()
        do {
            return (request, found, try await FeeSchedules(store).price(request))
        } catch let error as ValidationError {
            throw onFormRows(
                error, rows: rows, fields: ["units.unitId": "serial", "parts.unitCostMinor": "unitCost"],
                lists: ["travel": "km"])
        }
    }

    /// The pricing request the form asks for: units found by serial and parts by number, within the caller's scope;
    /// a serial or number not found, or a malformed number, is a problem of its field.
    /// The organisation unit is the one chosen, else the units' own, else (no unit named) the caller's `home`.
    static func pricingRequest(
        _ form: PriceForm, store: Store, home: Int, into v: inout AftercareDomain.Validator
    ) async throws -> (PricingRequest, [String: [Int]], PriceNames) {
        // Which form row each position of the pricing request came from.
        var rows: [String: [Int]] = [:]
        var names = PriceNames()
        let named = form.units.contains { !$0.serial.isEmpty }
        var request = PricingRequest(orgUnitId: form.orgUnitId ?? (named ? nil : home))
        if !form.date.isEmpty {
            request.date = CalendarDate(iso: form.date)
            if request.date == nil { v.add("date", .invalidFormat(expected: "YYYY-MM-DD")) }
        }
        var unitIds: [Int: Int] = [:]
        var units: [PricingRequest.Unit] = []
        var unfound: Set<Int> = []
        for (index, row) in form.units.enumerated() where !row.serial.isEmpty {
            // Serials are codes: as typed, else in capitals.
            var found: UnitRecord.View?
            for serial in Set([row.serial, row.serial.uppercased()]).sorted() where found == nil {
                found = try await Records<UnitRecord>(store).list(
                    page: PageRequest(limit: 1), filter: .units(serial: serial)
                ).items.first
            }
            guard let found else {
                v.add("units.\(index).serial", .notFound)
                unfound.insert(index)
                continue
            }
            unitIds[index] = found.id
            names.serials[found.id] = found.serialNumber
            units.append(.init(unitId: found.id, cause: row.cause))
            rows["units", default: []].append(index)
        }
        request.units = units
        func unit(_ text: String, field: String) -> Int? {
            guard let row = Int(text) else { return nil }
            // A row whose serial was not found is named once, on that row.
            if unitIds[row] == nil, !unfound.contains(row) { v.add(field, .notFound) }
            return unitIds[row]
        }
        var labour: [LabourWork] = []
        for (index, row) in form.labour.enumerated() where !row.minutes.isEmpty {
            guard let minutes = Int(row.minutes) else {
                v.add("labour.\(index).minutes", .invalidFormat(expected: "a whole number"))
                continue
            }
            labour.append(
                LabourWork(
                    unitId: unit(row.unit, field: "labour.\(index).unit"), level: row.level,
                    difficulty: row.difficulty, minutes: minutes))
            rows["labour", default: []].append(index)
        }
        request.labour = labour
        if !form.km.isEmpty {
            if let km = TypedNumber.decimal(form.km), (0...10_000).contains(km) {
                request.travel = [TravelWork(meters: Int((km * 1000).rounded()))]
            } else {
                v.add("km", .outOfRange(min: 0, max: 10_000))
            }
        }
        var parts: [PricingRequest.Part] = []
        for (index, row) in form.parts.enumerated() where !row.number.isEmpty {
            let found = try await Records<PartRecord>(store).list(
                page: PageRequest(limit: 1), filter: .parts(number: row.number)
            ).items.first
            guard let found else {
                v.add("parts.\(index).partNumber", .notFound)
                continue
            }
            guard let quantity = TypedNumber.decimal(row.quantity) else {
                v.add("parts.\(index).quantity", .invalidFormat(expected: "a number"))
                continue
            }
            var cost: Int?
            if !row.unitCost.isEmpty {
                cost = Money.minor(parsing: row.unitCost)
                if cost == nil { v.add("parts.\(index).unitCost", .invalidFormat(expected: "an amount")) }
            }
            names.parts[found.id] = "\(found.partNumber) \(found.name)"
            parts.append(
                .init(
                    unitId: unit(row.unit, field: "parts.\(index).unit"), partId: found.id, quantity: quantity,
                    unitCostMinor: cost))
            rows["parts", default: []].append(index)
        }
        request.parts = parts
        return (request, rows, names)
    }

    /// The calculator's rows by number: "设备 2", "工时 1", "配件 3".
    static func calculatorLabels() -> FieldLabels {
        .area("fees") { field, l in
            let parts = field.split(separator: ".").map(String.init)
            guard parts.count >= 2, let index = Int(parts[1]) else { return nil }
            let key: String
            switch parts[0] {
            case "units": key = "fees.unitN"
            case "labour": key = "fees.labourN"
            case "parts": key = "fees.partN"
            default: return nil
            }
            return l.t(key).replacingOccurrences(of: "{n}", with: l.number(index + 1))
        }
    }
}
