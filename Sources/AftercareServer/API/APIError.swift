import AftercareDomain
import AftercareStore
import Foundation
import LeafKit
import Vapor

/// The one error body of the API (DESIGN 12): `{"error":{"code","message","fields":{…}}}`.
struct APIErrorBody: Content {
    struct Field: Codable, Equatable {
        var code: String
        var message: String
    }

    struct Detail: Codable {
        var code: String
        var message: String
        var fields: [String: Field]
        /// With `event_not_allowed`: the events the request accepts now.
        var allowedEvents: [String]?
    }

    var error: Detail
}

/// An error the API answers with its own status, code and message.
struct APIError: Error {
    var status: HTTPStatus
    var code: String
    var message: String
    var fields: [String: APIErrorBody.Field] = [:]
    var allowedEvents: [String]?

    static func badRequest(_ field: String, _ message: String, code: String = "invalid_parameter") -> APIError {
        APIError(
            status: .badRequest, code: code, message: "\(field) \(message)",
            fields: [field: .init(code: code, message: message)])
    }

    /// A lifecycle step its record's status does not allow, with the steps it allows now.
    static func refused<S: CodedEnum, E: CodedEnum>(_ record: String, status: S, event: E, allowed: [E]) -> APIError {
        var refused = APIError(
            status: .conflict, code: "event_not_allowed",
            message: "\(record) is \(status.rawValue) and does not allow \(event.rawValue)")
        refused.allowedEvents = allowed.map(\.rawValue)
        return refused
    }

    /// Maps domain and store errors to what the API says.
    static func from(_ error: any Error) -> APIError? {
        switch error {
        case let error as APIError:
            return error
        case let error as ValidationError:
            let fields = error.fields.mapValues { APIErrorBody.Field(code: $0.code, message: $0.message) }
            let summary = fields.keys.sorted().map { "\($0) \(fields[$0]!.message)" }.joined(separator: "; ")
            return APIError(
                status: .unprocessableEntity, code: "validation_failed", message: summary, fields: fields)
        case let error as RecordNotFound:
            return APIError(status: .notFound, code: "not_found", message: "no \(error.entity) with id \(error.id)")
        case let error as StaleVersion:
            return APIError(
                status: .conflict, code: "version_conflict",
                message:
                    "\(error.entity) \(error.id) is at version \(error.current), not \(error.expected): reload and retry",
                fields: ["version": .init(code: "stale", message: "is \(error.expected), current is \(error.current)")])
        case let error as RecordArchived:
            return APIError(status: .conflict, code: "archived", message: "\(error.entity) \(error.id) is archived")
        case let error as RequestNotEditable:
            return APIError(
                status: .conflict, code: "not_editable",
                message: "the request is \(error.status.rawValue) and can no longer be changed")
        case LifecycleError.notAllowed(let event, let from, let allowed):
            let names = allowed.map(\.rawValue)
            return APIError(
                status: .conflict, code: "event_not_allowed",
                message:
                    "\(event.rawValue) is not allowed when the request is \(from.rawValue); allowed: \(names.isEmpty ? "none" : names.joined(separator: ", "))",
                fields: [
                    "event": .init(code: "not_allowed", message: "must be one of: \(names.joined(separator: ", "))")
                ],
                allowedEvents: names)
        case LifecycleError.noteRequired(let event):
            return APIError(
                status: .unprocessableEntity, code: "validation_failed",
                message: "note is required to \(event.rawValue)",
                fields: ["note": .init(code: "required", message: "is required to \(event.rawValue)")])
        case VisitLifecycleError.notAllowed(let event, let from, let allowed):
            let names = allowed.map(\.rawValue)
            return APIError(
                status: .conflict, code: "event_not_allowed",
                message:
                    "\(event.rawValue) is not allowed when the visit is \(from.rawValue); allowed: \(names.isEmpty ? "none" : names.joined(separator: ", "))",
                fields: [
                    "event": .init(code: "not_allowed", message: "must be one of: \(names.joined(separator: ", "))")
                ],
                allowedEvents: names)
        case VisitLifecycleError.reasonRequired(let event):
            return APIError(
                status: .unprocessableEntity, code: "validation_failed",
                message: "reason is required to \(event.rawValue)",
                fields: ["reason": .init(code: "required", message: "is required to \(event.rawValue)")])
        case VisitLifecycleError.consentRequired:
            return APIError(
                status: .unprocessableEntity, code: "validation_failed",
                message: "customerConsent must be true to reschedule",
                fields: ["customerConsent": .init(code: "required", message: "must be true: the customer agreed")])
        case VisitLifecycleError.nextStepRequired:
            return APIError(
                status: .unprocessableEntity, code: "validation_failed", message: "nextStep is required",
                fields: ["nextStep": .init(code: "required", message: "is required for an incomplete visit")])
        case let error as AppointmentRefused:
            var fields: [String: APIErrorBody.Field] = [:]
            for (index, conflict) in error.conflicts.enumerated() {
                fields["conflicts[\(index)]"] = .init(code: conflict.code, message: conflict.explanation)
            }
            return APIError(
                status: .conflict, code: "appointment_conflict",
                message: "the appointment conflicts: " + error.conflicts.map(\.explanation).joined(separator: "; "),
                fields: fields)
        case let error as StockShortage:
            return APIError(
                status: .conflict, code: "stock_shortage", message: error.message,
                fields: [
                    "quantity": .init(code: "stock_shortage", message: error.message)
                ])
        case let error as SerialNotAvailable:
            return APIError(
                status: .conflict, code: "serial_unavailable", message: error.message,
                fields: ["serials": .init(code: "serial_unavailable", message: error.message)])
        case let error as RequisitionEventNotAllowed:
            return .refused(
                "the requisition", status: error.status, event: error.event,
                allowed: RequisitionLifecycle.allowed(in: error.status))
        case let error as ApprovalNotAllowed:
            return APIError(
                status: .forbidden, code: "approval_not_allowed",
                message: "a requisition worth \(error.value) needs the approval of a \(error.needed.rawValue)")
        case let error as RequisitionNotSettled:
            return APIError(status: .conflict, code: "not_settled", message: error.message)
        case let error as TransferAlreadyReceived:
            return APIError(
                status: .conflict, code: "already_received", message: "transfer \(error.id) is received already")
        case let error as FeeScheduleInEffect:
            return APIError(
                status: .conflict, code: "in_effect",
                message: "fee schedule \(error.id) applies from \(error.validFrom) and can no longer be withdrawn")
        case let error as NoFeeSchedule:
            return APIError(
                status: .unprocessableEntity, code: "no_fee_schedule",
                message: "no fee schedule applies to organisation unit \(error.orgUnitId) on \(error.date)",
                fields: ["date": .init(code: "no_fee_schedule", message: "has no fee schedule in effect")])
        case let error as VisitNotFinished:
            return APIError(
                status: .conflict, code: "visit_not_finished",
                message:
                    "visit \(error.visitId) is \(error.status.rawValue): a report is written once it is completed or incomplete"
            )
        case let error as ReportNotYours:
            return APIError(
                status: .forbidden, code: "not_yours",
                message: error.event == .sign
                    ? "only the visit's engineer (the customer signing on their device) or the customer signs"
                    : "only the visit's engineer, or the office for a paper report, writes this report")
        case let error as ReportFrozen:
            return APIError(
                status: .conflict, code: "not_editable",
                message:
                    "report \(error.reportId) is \(error.status.rawValue): its content is kept as it was; add an addendum"
            )
        case let error as ReportStepNotAllowed:
            return .refused(
                "report \(error.reportId)", status: error.status, event: error.event, allowed: error.allowed)
        case let error as QuoteNeeded:
            return APIError(
                status: .conflict, code: "quote_needed",
                message: error.latest == nil
                    ? "request \(error.requestId) needs an accepted quote before work starts, and has none"
                    : "request \(error.requestId) needs an accepted quote before work starts; its latest is \(error.latest!.rawValue)"
            )
        case let error as QuoteStepNotAllowed:
            return .refused("quote \(error.id)", status: error.status, event: error.event, allowed: error.allowed)
        case let error as ReturnStepNotAllowed:
            return .refused(
                "return case \(error.id)", status: error.status, event: error.event, allowed: error.allowed)
        case let error as ComplaintStepNotAllowed:
            return .refused("complaint \(error.id)", status: error.status, event: error.event, allowed: error.allowed)
        case let error as NotIndependent:
            let message =
                switch error.conflict {
                case .notHandler: "only complaint handlers and their supervisor work complaints"
                case .subjectPerson: "complaint \(error.id) is about this person, who may not handle it"
                case .workedOn(let numbers):
                    "this person worked on \(numbers.joined(separator: ", ")), which complaint \(error.id) concerns, and may not handle it"
                case .aboutHandler: "complaint \(error.id) is about a complaint handler: only the supervisor handles it"
                }
            return APIError(status: .forbidden, code: "not_independent", message: message)
        case let error as NotTheHandler:
            return APIError(
                status: .forbidden, code: "not_the_handler",
                message:
                    "complaint \(error.id) is handled by \(error.handler ?? "another handler"); the supervisor may reassign it"
            )
        case let error as ComplaintNotEditable:
            return APIError(
                status: .conflict, code: "not_editable",
                message:
                    "complaint \(error.id) is \(error.status.rawValue) and takes no more findings, questions or handlers"
            )
        case let error as StatementClosed:
            return APIError(
                status: .conflict, code: "not_editable",
                message: "statement \(error.id) is \(error.status.rawValue) already")
        case let error as ImprovementClosed:
            return APIError(
                status: .conflict, code: "not_editable",
                message: "improvement action \(error.id) is \(error.status.rawValue) already")
        case let error as PublicFormLimited:
            return APIError(
                status: .tooManyRequests, code: "locked",
                message: "too many submissions from this address; try again after \(Timestamp.format(error.until))")
        case let error as SuggestionStepNotAllowed:
            return .refused("suggestion \(error.id)", status: error.status, event: error.event, allowed: error.allowed)
        case let error as RewardRefused:
            let suggestion = "suggestion \(error.suggestionId.map(String.init) ?? "")"
            let reward = "reward \(error.rewardId.map(String.init) ?? "")"
            switch error.reason {
            case .notAdopted:
                return APIError(
                    status: .conflict, code: "not_adopted",
                    message: "\(suggestion) is not adopted: only an adopted suggestion is rewarded")
            case .alreadyRewarded:
                return APIError(
                    status: .conflict, code: "already_rewarded",
                    message: "\(suggestion) already has a reward proposed or approved")
            case .alreadyDecided:
                return APIError(
                    status: .conflict, code: "not_editable", message: "\(reward) is approved or refused already")
            case .notApprover:
                return APIError(
                    status: .forbidden, code: "forbidden", message: "your roles do not allow approveRewards")
            case .ownProposal:
                return APIError(
                    status: .forbidden, code: "own_proposal",
                    message: "\(reward) was proposed by you: another manager approves or refuses it")
            }
        case let error as CustomerVisitClosed:
            return APIError(
                status: .conflict, code: "not_editable",
                message: "customer visit \(error.id) is \(error.status.rawValue) already")
        case let error as InvitationClosed:
            return APIError(
                status: .conflict, code: "not_editable",
                message: "survey invitation \(error.id) is answered, cancelled or expired and takes no answers")
        case let error as SurveyNotEditable:
            return APIError(
                status: .conflict, code: "not_editable",
                message:
                    "survey \(error.id) is \(error.status.rawValue): only a draft is rewritten, a draft activated, an active one retired or sent"
            )
        case let error as LoanerNotAvailable:
            return APIError(
                status: .conflict, code: "loaner_not_available",
                message: "loaner \(error.serialNumber) is \(error.status.rawValue), not available")
        case let error as ReturnSerialMismatch:
            let message =
                "received serial \(error.received) is not on the case, which expects \(error.expected.joined(separator: ", "))"
            return APIError(
                status: .unprocessableEntity, code: "validation_failed", message: "serials \(message)",
                fields: ["serials": .init(code: "serial_mismatch", message: message)])
        case let error as NotBillable:
            let message =
                switch error.reason {
                case .nothingDone:
                    "request \(error.requestId) has no handed-in report and no accepted quote: send the job to price"
                case .warrantyPending:
                    "the warranty of a unit on request \(error.requestId) is not decided: record the cause of its fault"
                case .alreadyBilled:
                    "request \(error.requestId) is billed by \(error.number ?? "an invoice"): credit it first to bill it again"
                }
            return APIError(status: .conflict, code: "not_billable", message: message)
        case let error as SpotCheckClosed:
            return APIError(
                status: .conflict, code: "event_not_allowed",
                message: "spot check \(error.id) is \(error.status.rawValue) already")
        case let error as PurchaseOrderClosed:
            return APIError(
                status: .conflict, code: "not_editable",
                message: "purchase order \(error.id) is \(error.status.rawValue) and takes no more deliveries")
        case let error as ReceiptAlreadyInspected:
            return APIError(
                status: .conflict, code: "already_inspected", message: "receipt \(error.id) is inspected already")
        case let error as StocktakeOpen:
            return APIError(
                status: .conflict, code: "stocktake_open",
                message: "warehouse \(error.warehouseId) has a stocktake in progress")
        case let error as StocktakeClosed:
            return APIError(
                status: .conflict, code: "not_editable", message: "stocktake \(error.id) is \(error.status.rawValue)")
        case let error as ImportFailed:
            var fields: [String: APIErrorBody.Field] = [:]
            for problem in error.problems.prefix(200) {
                fields["line \(problem.line): \(problem.field)"] = .init(
                    code: problem.problem.code, message: problem.problem.message)
            }
            return APIError(
                status: .unprocessableEntity, code: "import_failed",
                message:
                    "nothing imported: \(error.problems.count) problem(s), first on line \(error.problems.first?.line ?? 0)",
                fields: fields)
        case let error as CSV.ParseError:
            return APIError(
                status: .unprocessableEntity, code: "import_failed",
                message: "nothing imported: line \(error.line): \(error.reason)",
                fields: ["line \(error.line): file": .init(code: "invalid_format", message: error.reason)])
        case let error as NothingToPlan:
            return APIError(status: .conflict, code: "nothing_to_plan", message: error.reason)
        case let error as FollowUpClosed:
            return APIError(
                status: .conflict, code: "not_editable",
                message: "the follow-up is \(error.status.rawValue) and can no longer be recorded")
        case is CursorMismatch:
            return APIError.badRequest("cursor", "belongs to another order of this list; start again without it")
        case let error as Forbidden:
            return APIError(
                status: .forbidden, code: "forbidden",
                message: error.action.map { "your roles do not allow \($0.rawValue)" }
                    ?? "this route is not open to anyone")
        case is CSRFRefused:
            return APIError(
                status: .forbidden, code: "csrf_failed",
                message: "the form or request carries no valid CSRF token; reload the page and try again")
        case is WrongPassword:
            return APIError(
                status: .unprocessableEntity, code: "validation_failed", message: "currentPassword does not match",
                fields: ["currentPassword": .init(code: "wrong_password", message: "does not match")])
        case let error as PasswordCheckLocked:
            return APIError(
                status: .tooManyRequests, code: "locked",
                message: "too many wrong current passwords; try again after \(Timestamp.format(error.until))",
                fields: ["currentPassword": .init(code: "locked", message: "is locked after too many wrong tries")])
        case is ResetLinkInvalid:
            return APIError(status: .notFound, code: "not_found", message: "the reset link is unknown, used or expired")
        case let error as IdempotencyKeyReused:
            return APIError(
                status: .unprocessableEntity, code: "idempotency_key_reused",
                message: "Idempotency-Key \(error.key) was already used with a different body",
                fields: ["Idempotency-Key": .init(code: "reused", message: "was used with a different body")])
        case let error as DecodingError:
            return APIError(decoding: error)
        case let error as any AbortError:
            let code =
                error.status == .notFound
                ? "not_found"
                : error.status.reasonPhrase.lowercased()
                    .replacingOccurrences(of: " ", with: "_")
            return APIError(status: error.status, code: code, message: error.reason)
        default:
            return nil
        }
    }
}

extension APIError {
    /// A body that is not the JSON the endpoint takes: name the field and what is wrong with it.
    init(decoding error: DecodingError) {
        func path(_ keys: [any CodingKey]) -> String {
            JSONPathStep.text(keys.map { key in key.intValue.map(JSONPathStep.index) ?? .key(key.stringValue) })
        }
        let field: String
        let problem: APIErrorBody.Field
        switch error {
        case .keyNotFound(let key, let context):
            field = path(context.codingPath + [key])
            problem = .init(code: "required", message: "is required")
        case .valueNotFound(_, let context):
            field = path(context.codingPath)
            problem = .init(code: "required", message: "must not be null")
        case .typeMismatch(let type, let context):
            field = path(context.codingPath)
            problem = .init(code: "invalid_type", message: "must be \(JSONTypeName.of(type))")
        case .dataCorrupted(let context):
            field = path(context.codingPath)
            problem = .init(code: "invalid_value", message: CodedEnumNames.explain(context.debugDescription))
        @unknown default:
            field = "body"
            problem = .init(code: "invalid", message: "is not valid")
        }
        self.init(
            status: .badRequest, code: "invalid_body", message: "\(field) \(problem.message)", fields: [field: problem])
    }
}

enum JSONTypeName {
    static func of(_ type: Any.Type) -> String {
        switch type {
        case is String.Type, is String?.Type: "a string"
        case is Int.Type, is Int?.Type: "an integer"
        case is Double.Type, is Double?.Type: "a number"
        case is Bool.Type, is Bool?.Type: "true or false"
        case is [Any].Type: "an array"
        default: "of another type (\(type))"
        }
    }
}

/// Turns "Cannot initialize Channel from invalid String value fax" into "must be one of: phone, email, …".
enum CodedEnumNames {
    static let allowed: [String: [String]] = [
        "Channel": AftercareDomain.Channel.allowedValues, "RequestType": RequestType.allowedValues,
        "Priority": Priority.allowedValues, "RequestEventKind": RequestEventKind.allowedValues,
        "FaultCause": FaultCause.allowedValues, "OrgUnitKind": OrgUnitKind.allowedValues,
        "CustomerKind": CustomerKind.allowedValues, "CustomerTier": CustomerTier.allowedValues,
        "ServiceLevel": ServiceLevel.allowedValues, "ServiceFamily": ServiceFamily.allowedValues,
        "UnitStatus": UnitStatus.allowedValues, "WarrantyStart": WarrantyStart.allowedValues,
        "RequestStatus": RequestStatus.allowedValues,
    ]

    static func explain(_ description: String) -> String {
        for (name, values) in allowed where description.contains("Cannot initialize \(name) ") {
            return "must be one of: \(values.joined(separator: ", "))"
        }
        if description.contains("YYYY-MM-DD") { return "must be a date as YYYY-MM-DD" }
        if description.contains("not valid JSON") || description.contains("JSON") { return "is not valid JSON" }
        return "is not valid"
    }
}

/// Every error leaves as the API's JSON body; unexpected ones are logged and shown as 500 without details.
/// Answers every error in the one JSON shape on the API, and as a localized HTML page elsewhere.
struct ErrorPagesMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let mapped =
                APIError.from(error)
                ?? (error as? Abort).map {
                    APIError(status: $0.status, code: "http_\($0.status.code)", message: $0.reason)
                }
                ?? APIError(status: .internalServerError, code: "internal_error", message: "something went wrong")
            if mapped.status == .internalServerError {
                // Template errors name the template and tag; other errors may quote data, so only their type is logged.
                let detail = error is LeafError ? String(describing: error) : String(describing: type(of: error))
                request.logger.error("internal error", metadata: ["error": .string(String(detail.prefix(500)))])
            }
            if request.speaksJSON {
                let body = APIErrorBody(
                    error: .init(
                        code: mapped.code, message: mapped.message, fields: mapped.fields,
                        allowedEvents: mapped.allowedEvents))
                let response = Response(status: mapped.status)
                try response.content.encode(body, as: .json)
                return response
            }
            return try await ErrorPage.render(mapped, for: request)
        }
    }
}

/// The HTML page for an error, in the reader's language.
enum ErrorPage {
    struct Model: Encodable {
        var code: Int
        var message: String
        var fields: [String]
    }

    static func render(_ error: APIError, for request: Request) async throws -> Response {
        let l = request.localizer
        let key = "error.\(error.status.code)"
        let message = l.catalogue.has(key) ? l.t(key) : l.t("error.other")
        let fields = error.fields.keys.sorted().map { field in
            let label = l.catalogue.has("field.\(field)") ? l.t("field.\(field)") : field
            let problem = "problem.\(error.fields[field]!.code)"
            return "\(label): \(l.catalogue.has(problem) ? l.t(problem) : error.fields[field]!.message)"
        }
        return try await PageRenderer.render(
            "error", title: "error.title", Model(code: Int(error.status.code), message: message, fields: fields),
            for: request, status: error.status)
    }
}
