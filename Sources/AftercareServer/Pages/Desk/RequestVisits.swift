import AftercareDispatch
import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension DeskPages {
    // MARK: Request page: visits panel (R-4)

    struct RequestVisitsModel: Encodable {
        struct Row: Encodable {
            var id: Int
            var sequence: Int
            var purpose: String
            var status: String
            var statusCode: String
            var engineer: String?
            var window: String?
            /// R-5: the visit's service reports, by unit.
            var reports: [Report]
        }

        struct Report: Encodable {
            var id: Int
            var label: String
            var repeatRepair: Bool
        }

        var rows: [Row]
        /// R-5.4: the request repeats a repair fixed shortly before: which one.
        var repeatNotice: String?
        var repeatLink: String?
        var canAdd: Bool
        var purposeOptions: [SelectOption]
        var durationMinutes: String
        var windowStart: String
        var windowEnd: String
        var tools: String
        var parts: String
        var loanerUnit: Bool

        /// The request's visits in order, and the add-visit form as typed.
        init(
            _ visits: [VisitView], reports: [ServiceReportView] = [], canAdd: Bool, form: VisitForm, _ l: Localizer
        ) {
            rows = visits.sorted { $0.sequence < $1.sequence }.map { visit in
                Row(
                    id: visit.id, sequence: visit.sequence, purpose: l.t("visitPurpose.\(visit.purpose.rawValue)"),
                    status: l.t("visitStatus.\(visit.status.rawValue)"), statusCode: visit.status.rawValue,
                    engineer: visit.engineerName, window: l.window(visit.windowStart, visit.windowEnd),
                    reports: reports.filter { $0.visitId == visit.id }.map {
                        Report(
                            id: $0.id,
                            label: [$0.unitSerial, l.t("reportStatus.\($0.status.rawValue)")].compactMap { $0 }.joined(
                                separator: " · "), repeatRepair: $0.repeatOf != nil)
                    })
            }
            let repeated = reports.first { $0.repeatOf != nil }?.repeatOf
            repeatNotice = repeated.map { link in
                l.t("reports.repeatOf").replacingOccurrences(of: "{number}", with: link.requestNumber)
                    .replacingOccurrences(of: "{date}", with: link.finishedAt.map(l.date) ?? "—")
            }
            repeatLink = repeated.map { "/reports/\($0.reportId)" }
            self.canAdd = canAdd
            purposeOptions = SelectOption.of(
                VisitPurpose.self, prefix: "visitPurpose", selected: form.purpose ?? .repair, l)
            durationMinutes = form.durationMinutes
            windowStart = form.windowStart
            windowEnd = form.windowEnd
            tools = form.tools
            parts = form.parts
            loanerUnit = form.loanerUnit
        }
    }

    /// What the add-visit form held.
    struct VisitForm {
        var purpose: VisitPurpose?
        var durationMinutes = ""
        var windowStart = ""
        var windowEnd = ""
        var tools = ""
        var parts = ""
        var loanerUnit = false
    }

    /// Parts as typed, one a line: `name`, `name × 2` or `part number; name; quantity`.
    static func parts(_ text: String, into v: inout AftercareDomain.Validator) -> [VisitPreparation.Part] {
        var parts: [VisitPreparation.Part] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(omittingEmptySubsequences: false, whereSeparator: { $0 == ";" || $0 == "；" })
                .map { $0.trimmingCharacters(in: .whitespaces) }
            if fields.count == 1 {
                let name = fields[0]
                guard !name.isEmpty else { continue }
                // `name × 2` (or `x 2`, `* 2`): a quantity at the end.
                if let range = name.range(of: #"(\s+[xX*]\s*|\s*×\s*)[0-9]+$"#, options: .regularExpression),
                    range.lowerBound > name.startIndex,
                    let quantity = Int(name[range].filter(\.isNumber))
                {
                    parts.append(.init(name: String(name[..<range.lowerBound]), quantity: quantity))
                } else {
                    parts.append(.init(name: name, quantity: 1))
                }
            } else if fields.count == 3, let quantity = Int(fields[2]) {
                parts.append(
                    .init(partNumber: fields[0].isEmpty ? nil : fields[0], name: fields[1], quantity: quantity))
            } else {
                v.add("preparation.parts", .invalidFormat(expected: "part number; name; quantity"))
            }
        }
        return parts
    }

    /// R-4: a new visit from the request page.
    @Sendable func addVisit(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        let reader = try FormReader(req)
        var v = AftercareDomain.Validator()
        let zone = req.store.timeZone
        var typed = VisitForm()
        typed.purpose = reader.value("purpose", VisitPurpose.self, into: &v)
        if typed.purpose == nil, reader.string("purpose") == nil { v.add("purpose", .required) }
        typed.durationMinutes = reader.string("durationMinutes") ?? ""
        typed.windowStart = reader.string("windowStart") ?? ""
        typed.windowEnd = reader.string("windowEnd") ?? ""
        typed.tools = reader.raw("tools")
        typed.parts = reader.raw("parts")
        typed.loanerUnit = reader.bool("loanerUnit")
        let duration = reader.int("durationMinutes", into: &v)
        let start = reader.localTime("windowStart", zone, into: &v)
        let end = reader.localTime("windowEnd", zone, into: &v)
        let tools = typed.tools.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        let parts = Self.parts(typed.parts, into: &v)
        let input = VisitInput(
            purpose: typed.purpose ?? .repair, durationMinutes: duration,
            preparation: VisitPreparation(
                tools: tools, parts: parts, loanerUnit: typed.loanerUnit, notes: reader.string("preparationNotes")),
            windowStart: start, windowEnd: end, note: reader.string("note"))
        return try await FormCycle.run(req, page: "/requests/\(id)", labels: .area("visit")) {
            try v.finish()
            let visit = try await Visits(req.store).create(input, requestId: id, by: principal.actor)
            return req.redirect(to: "/visits/\(visit.id)")
        } again: { failure in
            let model = try await detailModel(req, id: id, errors: failure.messages.map(\.line), visitForm: typed)
            return try await PageRenderer.render(
                "request", title: "request.title", model, for: req, status: failure.status)
        }
    }
}
