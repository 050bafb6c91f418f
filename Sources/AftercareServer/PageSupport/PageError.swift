import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// One problem a page shows next to its form: which field, its name in the reader's language, and what is wrong.
struct FieldMessage: Encodable, Sendable {
    var field: String
    var label: String
    var message: String

    /// `label: message`, or the message alone when it names no field (for pages that list plain lines).
    var line: String { label.isEmpty ? message : "\(label): \(message)" }
}

/// What a failed form step shows: the status to answer and the messages, and the error itself for the pages that
/// show more of it (an appointment's conflicts).
struct PageFailure: Sendable {
    var status: HTTPStatus
    var messages: [FieldMessage]
    var error: any Error
}

/// How a page names the fields of its form.
struct FieldLabels: Sendable {
    /// The area whose catalogue names a field first (`parts` → `parts.field.quantity`), before `field.…`.
    var area: String?
    /// Labels the catalogues cannot give by key alone (an SLA target's minutes, the n-th retry).
    var special: (@Sendable (String, Localizer) -> String?)?

    /// The desk's forms: `field.…` only, and a message is attached to the field without its index.
    static let standard = FieldLabels()

    static func area(_ name: String, special: (@Sendable (String, Localizer) -> String?)? = nil) -> FieldLabels {
        FieldLabels(area: name, special: special)
    }

    /// The field a message is attached to: the desk's forms drop the index (`unitIds[0]` → `unitIds`).
    func field(_ path: String) -> String {
        area == nil ? String(path.split(separator: "[").first ?? Substring(path)) : path
    }

    func label(_ path: String, _ l: Localizer) -> String {
        if let special, let label = special(path, l) { return label }
        guard let area else {
            let base = field(path)
            return l.catalogue.has("field.\(base)") ? l.t("field.\(base)") : base
        }
        let base = String(path.split(whereSeparator: { $0 == "." || $0 == "[" }).first ?? Substring(path))
        for key in ["\(area).field.\(path)", "\(area).field.\(base)", "field.\(path)", "field.\(base)"]
        where l.catalogue.has(key) {
            return l.t(key)
        }
        return base
    }
}

/// DESIGN 12: the one place that turns a store or domain error into what a page shows, beside `APIError.from`
/// for the API. `nil` for the errors the error page answers (not found, forbidden, unexpected).
enum PageError {
    static func from(_ error: any Error, _ l: Localizer, labels: FieldLabels = .standard) -> PageFailure? {
        func failure(_ status: HTTPStatus, _ messages: [FieldMessage]) -> PageFailure {
            PageFailure(status: status, messages: messages, error: error)
        }
        func one(_ status: HTTPStatus, _ field: String, _ key: String, _ values: [String: String] = [:])
            -> PageFailure
        {
            failure(status, [message(field, key, values, labels, l)])
        }
        switch error {
        case let error as ValidationError:
            return failure(.unprocessableEntity, messages(error, l, labels: labels))
        case is StaleVersion:
            return one(.conflict, "version", "request.stale")
        case is RecordArchived:
            // An area may say what being archived means for its records (`followUpRules.archived`).
            let own = labels.area.map { "\($0).archived" }.flatMap { l.catalogue.has($0) ? $0 : nil }
            return one(.conflict, "version", own ?? "record.archived")
        // Accounts
        case is WrongPassword:
            return one(.unprocessableEntity, "currentPassword", "account.wrongPassword")
        case let error as PasswordCheckLocked:
            return one(.tooManyRequests, "currentPassword", "account.passwordLocked", ["time": l.dateTime(error.until)])
        // Service requests and follow-ups
        case let error as LifecycleError:
            switch error {
            case .notAllowed:
                return failure(
                    .conflict, [FieldMessage(field: "event", label: "", message: l.t("request.eventNotAllowed"))])
            case .noteRequired:
                return one(.conflict, "note", "problem.required")
            }
        case is FollowUpClosed:
            return one(.conflict, "status", "followUps.closed")
        // Dispatch
        case let error as VisitLifecycleError:
            switch error {
            case .notAllowed: return one(.conflict, "event", "visit.eventNotAllowed")
            case .reasonRequired: return one(.conflict, "reason", "problem.required")
            case .consentRequired: return one(.conflict, "customerConsent", "visit.consentRequired")
            case .nextStepRequired: return one(.conflict, "nextStep", "problem.required")
            }
        case is AppointmentRefused:
            // The page lists the conflicts themselves (`PageFailure.error`).
            return failure(.conflict, [])
        case is NothingToPlan:
            return one(.conflict, "unit", "dispatch.nothingToPlan")
        case is RequestNotEditable:
            return failure(.conflict, [FieldMessage(field: "request", label: "", message: l.t("visit.requestClosed"))])
        // Spare parts
        case let error as StockShortage:
            return one(
                .conflict, "quantity", "parts.error.shortage",
                [
                    "part": error.partNumber, "warehouse": error.warehouseCode,
                    "requested": l.quantity(Quantity.units(error.shortfall.requested)),
                    "present": l.quantity(Quantity.units(error.shortfall.present)),
                    "unit": l.unit(error.unit),
                    "measure": l.t("stock.measure.\(error.shortfall.of.rawValue)"),
                ])
        case let error as SerialNotAvailable:
            return one(.conflict, "serials", "parts.error.serial", ["serial": error.serial, "part": error.partNumber])
        case let error as RequisitionEventNotAllowed:
            return one(
                .conflict, "event", "parts.error.eventNotAllowed",
                [
                    "event": l.t("requisitionEvent.\(error.event.rawValue)"),
                    "status": l.t("requisitionStatus.\(error.status.rawValue)"),
                ])
        case let error as ApprovalNotAllowed:
            return one(
                .forbidden, "event", "parts.error.approvalNotAllowed", ["role": l.t("role.\(error.needed.rawValue)")])
        case let error as RequisitionNotSettled:
            return one(
                .conflict, "event", "parts.error.notSettled", ["parts": error.outstanding.joined(separator: ", ")])
        case let error as FeeScheduleInEffect:
            return one(.conflict, "event", "fees.error.inEffect", ["date": error.validFrom.description])
        case let error as NoFeeSchedule:
            return one(.unprocessableEntity, "date", "fees.error.noSchedule", ["date": error.date.description])
        // Service reports
        case let error as VisitNotFinished:
            return one(
                .conflict, "visitId", "reports.error.visitNotFinished",
                ["status": l.t("visitStatus.\(error.status.rawValue)")])
        case is ReportNotYours:
            return one(.forbidden, "event", "reports.error.notYours")
        case is ReportFrozen:
            return one(.conflict, "event", "reports.error.frozen")
        case let error as ReportStepNotAllowed:
            return one(
                .conflict, "event", "reports.error.stepNotAllowed",
                [
                    "event": l.t("reportEvent.\(error.event.rawValue)"),
                    "status": l.t("reportStatus.\(error.status.rawValue)"),
                ])
        // Quotes and fee documents
        case let error as QuoteNeeded:
            return one(
                .conflict, "event", "billing.error.quoteNeeded",
                ["status": error.latest.map { l.t("quoteStatus.\($0.rawValue)") } ?? l.t("billing.noQuote")])
        case let error as QuoteStepNotAllowed:
            return one(
                .conflict, "event", "billing.error.quoteStep",
                [
                    "event": l.t("quoteEvent.\(error.event.rawValue)"),
                    "status": l.t("quoteStatus.\(error.status.rawValue)"),
                ])
        // Returns and depot repair
        case let error as ReturnStepNotAllowed:
            return one(
                .conflict, "event", "returns.error.stepNotAllowed",
                [
                    "event": l.t("returnEvent.\(error.event.rawValue)"),
                    "status": l.t("returnStatus.\(error.status.rawValue)"),
                ])
        case let error as ReturnSerialMismatch:
            return one(
                .unprocessableEntity, "serials", "returns.error.serialMismatch",
                ["received": error.received, "expected": error.expected.joined(separator: ", ")])
        // Complaints
        case let error as ComplaintStepNotAllowed:
            return one(
                .conflict, "event", "complaints.error.stepNotAllowed",
                [
                    "event": l.t("complaint.event.\(error.event.rawValue)"),
                    "status": l.t("complaint.status.\(error.status.rawValue)"),
                ])
        case let error as NotIndependent:
            switch error.conflict {
            case .notHandler: return one(.forbidden, "handlerUserId", "complaints.error.notHandler")
            case .subjectPerson: return one(.forbidden, "handlerUserId", "complaints.error.subjectPerson")
            case .workedOn(let numbers):
                return one(
                    .forbidden, "handlerUserId", "complaints.error.workedOn",
                    ["numbers": numbers.joined(separator: ", ")])
            case .aboutHandler: return one(.forbidden, "handlerUserId", "complaints.error.aboutHandler")
            }
        case let error as NotTheHandler:
            return one(
                .forbidden, "handlerUserId", "complaints.error.notTheHandler", ["handler": error.handler ?? "—"])
        case let error as ComplaintNotEditable:
            return one(
                .conflict, "event", "complaints.error.notEditable",
                ["status": l.t("complaint.status.\(error.status.rawValue)")])
        case let error as StatementClosed:
            return one(
                .conflict, "answer", "complaints.error.statementClosed",
                ["status": l.t("statement.status.\(error.status.rawValue)")])
        case let error as ImprovementClosed:
            return one(
                .conflict, "status", "complaints.error.improvementClosed",
                ["status": l.t("improvement.status.\(error.status.rawValue)")])
        case let error as PublicFormLimited:
            return one(.tooManyRequests, "form", "complaints.error.tooMany", ["time": l.dateTime(error.until)])
        // Suggestions
        case let error as SuggestionStepNotAllowed:
            return one(
                .conflict, "event", "suggestions.error.stepNotAllowed",
                [
                    "event": l.t("suggestion.event.\(error.event.rawValue)"),
                    "status": l.t("suggestion.status.\(error.status.rawValue)"),
                ])
        case let error as RewardRefused:
            let forbidden = error.reason == .notApprover || error.reason == .ownProposal
            return one(forbidden ? .forbidden : .conflict, "reward", "suggestions.error.\(error.reason.rawValue)")
        case let error as CustomerVisitClosed:
            return one(
                .conflict, "status", "voice.error.visitClosed",
                ["status": l.t("customerVisitStatus.\(error.status.rawValue)")])
        case is InvitationClosed:
            return one(.conflict, "answers", "surveys.error.closed")
        case let error as SurveyNotEditable:
            return one(
                .conflict, "status", "surveys.error.notEditable",
                ["status": l.t("surveyStatus.\(error.status.rawValue)")])
        case let error as LoanerNotAvailable:
            return one(
                .conflict, "loanerId", "returns.error.loanerNotAvailable",
                ["serial": error.serialNumber, "status": l.t("loanerStatus.\(error.status.rawValue)")])
        case let error as NotBillable:
            return one(
                .conflict, "request", "billing.error.\(error.reason.rawValue)", ["number": error.number ?? ""])
        case is SpotCheckClosed:
            return one(.conflict, "event", "reports.error.checkClosed")
        case is PurchaseOrderClosed:
            return one(.conflict, "event", "parts.error.orderClosed")
        case is ReceiptAlreadyInspected:
            return one(.conflict, "event", "parts.error.alreadyInspected")
        case is StocktakeOpen:
            return one(.conflict, "warehouseId", "parts.error.stocktakeOpen")
        case is StocktakeClosed:
            return one(.conflict, "event", "parts.error.stocktakeClosed")
        default:
            return nil
        }
    }

    /// The field problems of a validation error, in the reader's language.
    static func messages(_ error: ValidationError, _ l: Localizer, labels: FieldLabels = .standard) -> [FieldMessage] {
        error.fields.keys.sorted().map { path in
            FieldMessage(
                field: labels.field(path), label: labels.label(path, l), message: message(error.fields[path]!, l))
        }
    }

    /// One field problem in the reader's language.
    static func message(_ problem: FieldProblem, _ l: Localizer) -> String {
        let text = l.t("problem.\(problem.code)")
        switch problem {
        case .tooLong(let max), .tooMany(let max): return text.replacingOccurrences(of: "{n}", with: l.number(max))
        case .fileTooLarge(let max): return text.replacingOccurrences(of: "{n}", with: l.number(max / 1_048_576))
        case .tooShort(let min): return text.replacingOccurrences(of: "{n}", with: l.number(min))
        case .outOfRange(let min, let max):
            return text.replacingOccurrences(of: "{min}", with: l.number(min))
                .replacingOccurrences(of: "{max}", with: l.number(max))
        default: return text
        }
    }

    /// A message from the catalogue with its `{placeholders}` filled, attached to `field`.
    static func message(
        _ field: String, _ key: String, _ values: [String: String] = [:], _ labels: FieldLabels, _ l: Localizer
    ) -> FieldMessage {
        var text = l.t(key)
        for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return FieldMessage(field: field, label: labels.label(field, l), message: text)
    }
}

/// The one form cycle of the pages: read the form, run the use case (`save`, which redirects after a successful
/// post), and when the store or the domain refuses, show the same page again (`again`) with what was typed, each
/// problem in the reader's language and the status `PageError` chose. Other errors go to the error page.
/// `page` is the address of the page the form belongs to: a refusal is shown there (post/redirect/get, see
/// `FormReturn`), so the address bar never shows the form's action and a reload never posts again.
enum FormCycle {
    static func run(
        _ req: Request, page: String, labels: FieldLabels = .standard, save: () async throws -> Response,
        again: (PageFailure) async throws -> Response
    ) async throws -> Response {
        do {
            return try await save()
        } catch {
            guard let failure = PageError.from(error, req.localizer, labels: labels) else { throw error }
            return try await FormReturn.redirect(try await again(failure), to: page, for: req)
        }
    }
}
