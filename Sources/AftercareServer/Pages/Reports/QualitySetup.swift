import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// what the quality rules work from, kept by managers on one page: the fault-code catalogue of each
/// product line (code, name, category, usual cause) and each unit's repeat-repair window and spot-check share. The
/// same records as `/api/v1/fault-codes` and `/api/v1/quality/settings`.
struct QualitySetupPages: Sendable {
    func register(_ root: any RoutesBuilder) {
        root.get("quality", "setup", use: page).requires(.action(.viewVisits))
        root.post("quality", "setup", "fault-codes", use: addCode).requires(.action(.manageCatalogue))
        root.post("quality", "setup", "fault-codes", ":id", use: changeCode).requires(.action(.manageCatalogue))
        root.post("quality", "setup", "settings", use: setSettings).requires(.action(.reviewReports))
    }

    static let labels = FieldLabels.area("quality")

    struct Model: Encodable {
        struct Code: Encodable {
            var id: Int
            var version: Int
            var code: String
            var name: String
            var category: String
            var cause: String
            var causeOptions: [SelectOption]
        }

        struct Setting: Encodable {
            var unit: String
            var window: String
            var share: String
        }

        var lineOptions: [SelectOption]
        var productLineId: Int?
        var codes: [Code]
        var canEditCodes: Bool
        var newCode: [String: String]
        var newCauseOptions: [SelectOption]
        var settings: [Setting]
        var unitOptions: [SelectOption]
        var canEditSettings: Bool
        var typedWindow: String
        var typedShare: String
        var errors: [FieldMessage]
    }

    func render(
        _ req: Request, typed: [String: String] = [:], errors: [FieldMessage] = [], status: HTTPStatus = .ok
    ) async throws -> Response {
        let l = req.localizer
        let principal = try req.requirePrincipal()
        let lines = try await Records<ProductLineRecord>(req.store).list(page: PageRequest(limit: 200)).items
        let chosen =
            try QueryReader(req: req).int("productLineId") ?? Int(typed["productLineId"] ?? "")
            ?? lines.first?.id
        let codes =
            chosen == nil
            ? []
            : try await Records<FaultCodeRecord>(req.store).list(
                page: PageRequest(limit: 200), filter: .faultCodes(productLineId: chosen)
            ).items
        let settings = try await Records<QualitySettingsRecord>(req.store).list(page: PageRequest(limit: 200)).items
        let units = try await req.orgUnitChoices()
        let causeOptions = { (selected: FaultCause?) in
            [SelectOption(value: "", label: l.t("quality.noCause"), selected: selected == nil)]
                + SelectOption.of(FaultCause.self, prefix: "cause", selected: selected, l)
        }
        let model = Model(
            lineOptions: lines.map { SelectOption(value: "\($0.id)", label: $0.name, selected: $0.id == chosen) },
            productLineId: chosen,
            codes: codes.map {
                Model.Code(
                    id: $0.id, version: $0.version, code: $0.code, name: $0.name, category: $0.category,
                    cause: $0.cause.map { l.t("cause.\($0.rawValue)") } ?? "—", causeOptions: causeOptions($0.cause))
            }, canEditCodes: principal.may(.manageCatalogue), newCode: typed,
            newCauseOptions: causeOptions(FaultCause(rawValue: typed["cause"] ?? "")),
            settings: settings.map {
                Model.Setting(
                    unit: units.names[$0.orgUnitId] ?? "—",
                    window: l.t("quality.days").replacingOccurrences(of: "{n}", with: l.number($0.repeatWindowDays)),
                    share: l.number(Double($0.spotCheckShare) / 100, digits: 0) + " %")
            },
            unitOptions: units.options.map {
                SelectOption(
                    value: "\($0.id)", label: "\($0.code) · \($0.name)", selected: typed["orgUnitId"] == "\($0.id)")
            }, canEditSettings: principal.may(.reviewReports), typedWindow: typed["repeatWindowDays"] ?? "90",
            typedShare: typed["spotCheckShare"] ?? "10", errors: errors)
        return try await PageRenderer.render(
            "quality-setup", title: "quality.setupTitle", model, for: req, status: status)
    }

    @Sendable func page(_ req: Request) async throws -> Response {
        try await render(req)
    }

    /// A new code of the chosen product line.
    @Sendable func addCode(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let line = form.int("productLineId", into: &v)
        let cause = form.value("cause", FaultCause.self, into: &v)
        if line == nil { v.add("productLineId", .required) }
        return try await FormCycle.run(req, page: "/quality/setup", labels: Self.labels) {
            try v.finish()
            _ = try await Records<FaultCodeRecord>(req.store).create(
                .init(
                    productLineId: line!, code: form.string("code") ?? "", name: form.string("name") ?? "",
                    category: form.string("category") ?? "", cause: cause), by: principal.actor)
            return req.redirect(to: "/quality/setup?productLineId=\(line!)")
        } again: { failure in
            try await render(
                req, typed: form.typed(["productLineId", "code", "name", "category", "cause"]),
                errors: failure.messages, status: failure.status)
        }
    }

    /// A code's name, category and usual cause changed (`action=save`), or the code archived (`action=archive`).
    @Sendable func changeCode(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        let current = try await Records<FaultCodeRecord>(req.store).get(id)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let version = form.int("version", into: &v)
        let cause = form.value("cause", FaultCause.self, into: &v)
        let page = "/quality/setup?productLineId=\(current.productLineId)"
        return try await FormCycle.run(req, page: page, labels: Self.labels) {
            try v.finish()
            let records = Records<FaultCodeRecord>(req.store)
            if form.string("action") == "archive" {
                _ = try await records.archive(id, by: principal.actor)
            } else {
                let name = form.string("name") ?? ""
                let category = form.string("category") ?? ""
                _ = try await records.update(id, expectedVersion: version ?? current.version, by: principal.actor) {
                    var input = $0
                    input.name = name
                    input.category = category
                    input.cause = cause
                    return input
                }
            }
            return req.redirect(to: page)
        } again: { failure in
            try await render(
                req, typed: ["productLineId": "\(current.productLineId)"], errors: failure.messages,
                status: failure.status)
        }
    }

    /// A unit's repeat-repair window (days) and spot-check share (percent of fixed jobs): its own settings, created
    /// or changed.
    @Sendable func setSettings(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let unit = form.int("orgUnitId", into: &v)
        let window = form.int("repeatWindowDays", into: &v)
        let share = form.string("spotCheckShare").flatMap(TypedNumber.decimal)
        if unit == nil { v.add("orgUnitId", .required) }
        if window == nil { v.add("repeatWindowDays", .required) }
        if let share, !(0...100).contains(share) {
            v.add("spotCheckShare", .outOfRange(min: 0, max: 100))
        } else if share == nil {
            v.add("spotCheckShare", .invalidFormat(expected: "a percentage"))
        }
        return try await FormCycle.run(req, page: "/quality/setup", labels: Self.labels) {
            try v.finish()
            let input = QualitySettingsRecord.Input(
                orgUnitId: unit!, repeatWindowDays: window!, spotCheckShare: Int((share! * 100).rounded()))
            let records = Records<QualitySettingsRecord>(req.store)
            let existing = try await records.list(
                page: PageRequest(limit: 1), filter: .qualitySettings(orgUnitId: unit!)
            )
            .items.first
            if let existing {
                _ = try await records.update(existing.id, expectedVersion: existing.version, by: principal.actor) { _ in
                    input
                }
            } else {
                _ = try await records.create(input, by: principal.actor)
            }
            return req.redirect(to: "/quality/setup#quality-settings")
        } again: { failure in
            try await render(
                req, typed: form.typed(["orgUnitId", "repeatWindowDays", "spotCheckShare"]),
                errors: failure.messages, status: failure.status)
        }
    }
}
