import AftercareDomain
import AftercareStore
import Foundation

/// R-5.1–R-5.4: one service report as a page, for staff (`/reports/…`) and for its customer in the portal
/// (`/portal/reports/…`): the model from store views alone, with the addresses of the area that shows it.
enum ServiceReportPage {
    /// Where the page's links and forms go.
    struct Paths: Encodable {
        /// `/reports` or `/portal/reports`.
        var base: String
        var request: String
        /// The visit, for staff.
        var visit: String?

        static func staff(_ report: ServiceReportView) -> Paths {
            Paths(base: "/reports", request: "/requests/\(report.requestId)", visit: "/visits/\(report.visitId)")
        }

        static func portal(_ report: ServiceReportView) -> Paths {
            Paths(base: "/portal/reports", request: "/portal/requests/\(report.requestId)", visit: nil)
        }
    }

    /// The report form as typed (or as the draft holds it).
    struct ReportForm: Encodable {
        var faultFound = ""
        var cause = ""
        var faultCodeId = ""
        var actions = ""
        var tests = ""
        var result = ""
        var nextStep = ""
        var engineerRemarks = ""
        var labourMinutes = ""
        var difficulty = ""
        var travelKm = ""
        var partEntryIds: [Int]?

        init() {}

        init(_ content: ServiceReportContent) {
            faultFound = content.faultFound ?? ""
            cause = content.cause?.rawValue ?? ""
            faultCodeId = content.faultCodeId.map(String.init) ?? ""
            actions = content.actions ?? ""
            tests = content.tests ?? ""
            result = content.result?.rawValue ?? ""
            nextStep = content.nextStep?.rawValue ?? ""
            engineerRemarks = content.engineerRemarks ?? ""
            labourMinutes = content.labourMinutes.map(String.init) ?? ""
            difficulty = content.difficulty?.rawValue ?? ""
            travelKm = content.travelKm.map(String.init) ?? ""
            partEntryIds = content.partEntryIds
        }
    }

    struct Model: Encodable {
        struct Fact: Encodable {
            var label: String
            var value: String
            var id: String
        }

        struct PartRow: Encodable {
            var entryId: Int
            var number: String
            var name: String
            var quantity: String
            var serial: String?
            var removed: String?
            var checked: Bool
        }

        struct Photo: Encodable {
            var url: String
            var name: String
            var isImage: Bool
            var isVideo: Bool
        }

        struct Note: Encodable {
            var at: String
            var author: String
            var text: String
        }

        struct Rating: Encodable {
            var label: String
            var name: String
            var stars: String
            var options: [SelectOption]
        }

        var id: Int
        var paths: Paths
        var version: Int
        var title: String
        var status: String
        var statusCode: String
        var requestId: Int
        var requestNumber: String
        var visitId: Int
        var facts: [Fact]
        var engineer: String?
        var qualification: String?
        var repeatOf: String?
        var repeatLink: String?
        var content: [Fact]
        var parts: [PartRow]
        var photos: [Photo]
        var signatureUrl: String?
        var signOff: [Fact]
        var addenda: [Note]
        var spotCheck: String?
        var reworkLink: String?
        var tables: FeeScheduleTables?
        /// What the caller may do now.
        var canEdit: Bool
        var canUpload: Bool
        var canSubmit: Bool
        var canReopen: Bool
        var canSign: Bool
        var canRecordNoSignature: Bool
        var canReview: Bool
        var canArchive: Bool
        var canAddAddendum: Bool
        var form: ReportForm
        var causes: [SelectOption]
        var codes: [SelectOption]
        var results: [SelectOption]
        var nextSteps: [SelectOption]
        var difficulties: [SelectOption]
        var choosableParts: [PartRow]
        var signOffForm: SignOffForm
        var ratings: [Rating]
        var addendum: String
        var uploadLimits: String
        /// Where the sign-off form posts.
        var signAction: String
        var errors: [FieldMessage]
    }

    /// What the report page shows, as read from the store.
    struct Data {
        var report: ServiceReportView
        /// The caller's engineer record's id, if they are an engineer.
        var engineerId: Int?
        /// The fault codes of the unit's product line, for a draft.
        var codes: [FaultCodeRecord.View]
        /// The parts fitted on the visit, for a draft.
        var consumption: [ReportPart]
        /// R-5.3: the fee schedule that applied on the day of the visit.
        var schedule: FeeScheduleRecord.View?
    }

    /// R-5.1–R-5.4: the report for `principal` in the reader's language: what it says, the steps they may take
    /// (the same rule as the store's), and what a failed form held.
    static func model(
        _ data: Data, paths: Paths, principal: Principal, _ l: Localizer, typed: ReportForm? = nil,
        signOff: SignOffForm = SignOffForm(), addendum: String = "", errors: [FieldMessage] = []
    ) -> Model {
        let report = data.report
        let may = { (event: ServiceReportEventKind) in
            report.allowedEvents.contains(event)
                && ServiceReports.may(
                    event, on: report, principal, engineerId: data.engineerId, scope: principal.scope)
        }
        let writer = ServiceReports.writes(report, principal, engineerId: data.engineerId)
        let editable = ServiceReportLifecycle.isEditable(report.status) && writer
        let content = report.content
        let form = typed ?? ReportForm(content)
        func fact(_ key: String, _ value: String?, id: String) -> Model.Fact? {
            value.flatMap { $0.isEmpty ? nil : Model.Fact(label: l.t(key), value: $0, id: id) }
        }
        let code = report.faultCode.map { "\($0.code) · \($0.name) (\($0.category))" }
        let qualification = report.engineerLevel.map { level in
            l.qualification(
                l.t("fees.levelN").replacingOccurrences(of: "{n}", with: l.number(level)),
                certifications: report.certifications)
        }
        let chosen = Set(form.partEntryIds ?? data.consumption.map(\.entryId))
        func row(_ part: ReportPart) -> Model.PartRow {
            Model.PartRow(
                entryId: part.entryId, number: part.partNumber, name: part.name,
                quantity: l.quantity(part.quantity), serial: part.serial, removed: part.removedSerial,
                checked: chosen.contains(part.entryId))
        }
        let ratingNames = ["attitude", "quality", "timeliness"]
        let typedRatings = [signOff.attitude, signOff.quality, signOff.timeliness]
        let ratingModels = zip(ratingNames, typedRatings).map { name, typed -> Model.Rating in
            let choices: [SelectOption] = ServiceRatings.scale.reversed().map { value in
                SelectOption(value: String(value), label: Self.stars(value, l), selected: typed == String(value))
            }
            let first = SelectOption(value: "", label: l.t("reports.choose"), selected: typed.isEmpty)
            return Model.Rating(label: l.t("reports.field.\(name)"), name: name, stars: "", options: [first] + choices)
        }
        let signOffFacts: [Model.Fact] =
            [
                fact("reports.field.signerName", report.signerName, id: "signoff-signer"),
                fact("reports.field.signedAt", report.signedAt.map(l.dateTime), id: "signoff-at"),
                fact("reports.field.noSignatureReason", report.noSignatureReason, id: "signoff-reason"),
            ].compactMap { $0 }
            + (report.ratings.map { ratings in
                zip(ratingNames, [ratings.attitude, ratings.quality, ratings.timeliness]).map { name, value in
                    Model.Fact(
                        label: l.t("reports.field.\(name)"), value: Self.stars(value, l), id: "rating-\(name)")
                }
            } ?? [])
            + [fact("reports.field.customerRemarks", report.customerRemarks, id: "signoff-remarks")].compactMap {
                $0
            }
            + [
                fact(
                    "reports.field.reviewed",
                    report.reviewedAt.map { "\(report.reviewedBy ?? "") · \(l.dateTime($0))" }, id: "review-at"),
                fact(
                    "reports.field.archived",
                    report.archivedAt.map { "\(report.archivedBy ?? "") · \(l.dateTime($0))" }, id: "archive-at"),
            ].compactMap { $0 }
        let contentFacts: [Model.Fact] = [
            fact("reports.field.faultFound", content.faultFound, id: "content-fault"),
            fact("reports.field.cause", content.cause.map { l.t("cause.\($0.rawValue)") }, id: "content-cause"),
            fact("reports.field.faultCodeId", code, id: "content-code"),
            fact("reports.field.actions", content.actions, id: "content-actions"),
            fact("reports.field.tests", content.tests, id: "content-tests"),
            fact(
                "reports.field.result", content.result.map { l.t("reportResult.\($0.rawValue)") }, id: "content-result"),
            fact(
                "reports.field.nextStep", content.nextStep.map { l.t("visitNextStep.\($0.rawValue)") },
                id: "content-next"),
            fact(
                "reports.field.labourMinutes",
                content.labourMinutes.map {
                    l.t("reports.minutes").replacingOccurrences(of: "{n}", with: l.number($0))
                },
                id: "content-labour"),
            fact(
                "reports.field.difficulty", content.difficulty.map { l.t("difficulty.\($0.rawValue)") },
                id: "content-difficulty"),
            fact(
                "reports.field.travelKm",
                content.travelKm.map { l.t("reports.km").replacingOccurrences(of: "{n}", with: l.number($0)) },
                id: "content-travel"),
            fact("reports.field.engineerRemarks", content.engineerRemarks, id: "content-remarks"),
        ].compactMap { $0 }
        let causes: [SelectOption] =
            [SelectOption(value: "", label: l.t("reports.choose"), selected: form.cause.isEmpty)]
            + FaultCause.allCases.filter { $0 != .unknown }.map {
                SelectOption(
                    value: $0.rawValue, label: l.t("cause.\($0.rawValue)"), selected: form.cause == $0.rawValue)
            }
        let codes: [SelectOption] =
            [SelectOption(value: "", label: l.t("reports.choose"), selected: form.faultCodeId.isEmpty)]
            + data.codes.map {
                SelectOption(
                    value: String($0.id), label: "\($0.code) · \($0.name)", selected: form.faultCodeId == String($0.id))
            }
        return Model(
            id: report.id, paths: paths, version: report.version,
            title: [report.requestNumber, report.unitSerial, report.modelName].compactMap { $0 }.joined(
                separator: " · "),
            status: l.t("reportStatus.\(report.status.rawValue)"), statusCode: report.status.rawValue,
            requestId: report.requestId, requestNumber: report.requestNumber, visitId: report.visitId,
            facts: [
                fact("field.customer", report.customerName, id: "fact-customer"),
                fact("reports.field.address", report.address, id: "fact-address"),
                fact(
                    "reports.field.visit",
                    l.t("reports.visitN").replacingOccurrences(of: "{n}", with: l.number(report.visitSequence)),
                    id: "fact-visit"),
                fact("reports.field.arrivedAt", report.arrivedAt.map(l.dateTime), id: "fact-arrived"),
                fact("reports.field.finishedAt", report.finishedAt.map(l.dateTime), id: "fact-finished"),
            ].compactMap { $0 },
            engineer: report.engineerName, qualification: qualification,
            repeatOf: report.repeatOf.map { link in
                l.t("reports.repeatOf").replacingOccurrences(of: "{number}", with: link.requestNumber)
                    .replacingOccurrences(of: "{date}", with: link.finishedAt.map(l.date) ?? "—")
            },
            repeatLink: report.repeatOf.map { "\(paths.base)/\($0.reportId)" },
            content: contentFacts,
            parts: report.parts.map(row),
            photos: (report.photos ?? []).map {
                Model.Photo(
                    url: "\(paths.base)/files/\($0.id)", name: $0.fileName, isImage: $0.kind.isImage,
                    isVideo: $0.kind.isVideo)
            },
            signatureUrl: report.signed ? "\(paths.base)/\(report.id)/signature" : nil,
            signOff: signOffFacts,
            addenda: report.addenda.map {
                Model.Note(at: l.dateTime($0.at), author: $0.authorName, text: $0.text ?? "")
            },
            spotCheck: principal.roles.contains(.customer)
                ? nil
                : report.spotCheck.map { check in
                    [l.t("spotCheckStatus.\(check.status.rawValue)"), check.reason].compactMap { $0 }.joined(
                        separator: ": ")
                },
            reworkLink: principal.roles.contains(.customer)
                ? nil : report.spotCheck?.reworkVisitId.map { "/visits/\($0)" },
            tables: data.schedule.map { FeeScheduleTables($0, l) }, canEdit: editable,
            canUpload: writer && (report.status == .draft || report.status == .submitted), canSubmit: may(.submit),
            canReopen: may(.reopen), canSign: may(.sign), canRecordNoSignature: may(.recordNoSignature),
            canReview: may(.review), canArchive: may(.archive), canAddAddendum: may(.addAddendum), form: form,
            causes: causes, codes: codes,
            results: options(ServiceReportResult.self, prefix: "reportResult", selected: form.result, l),
            nextSteps: options(VisitNextStep.self, prefix: "visitNextStep", selected: form.nextStep, l),
            difficulties: options(JobDifficulty.self, prefix: "difficulty", selected: form.difficulty, l),
            choosableParts: data.consumption.map(row), signOffForm: signOff,
            ratings: ratingModels, addendum: addendum,
            uploadLimits: l.t("reports.uploadLimits").replacingOccurrences(
                of: "{n}", with: l.number(ReportMedia.maxPerUpload)
            ).replacingOccurrences(of: "{mb}", with: l.number(ReportMedia.maxPhotoBytes / 1_048_576))
                .replacingOccurrences(of: "{video}", with: l.number(ReportMedia.maxVideoBytes / 1_048_576)),
            signAction: "\(paths.base)/\(report.id)/sign", errors: errors)
    }

    /// A select's options with a first "choose" entry.
    static func options<T: CodedEnum>(_ type: T.Type, prefix: String, selected: String, _ l: Localizer)
        -> [SelectOption]
    {
        [SelectOption(value: "", label: l.t("reports.choose"), selected: selected.isEmpty)]
            + T.allCases.map {
                SelectOption(
                    value: $0.rawValue, label: l.t("\(prefix).\($0.rawValue)"), selected: selected == $0.rawValue)
            }
    }

    /// A rating as stars and its number: "★★★★☆ 4/5".
    static func stars(_ value: Int, _ l: Localizer) -> String {
        let full = max(0, min(5, value))
        return String(repeating: "★", count: full) + String(repeating: "☆", count: 5 - full) + " "
            + l.t("reports.outOfFive").replacingOccurrences(of: "{n}", with: l.number(value))
    }
}
