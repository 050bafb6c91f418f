import AftercareDomain
import AftercareStore
import Vapor

/// R-3, R-10.1: calendars, policies, clock explanations, the at-risk queue, the compliance report, follow-ups and
/// the notification inbox.
struct SLAController {
    func register(_ api: any RoutesBuilder) {
        RecordController<CalendarRecord>(path: "sla/calendars", read: .viewSLA, write: .manageSLA) { _, q in
            .calendars(orgUnitId: try q.int("orgUnitId"))
        }.register(api)
        RecordController<SLAPolicyRecord>(path: "sla/policies", read: .viewSLA, write: .manageSLA) { _, _ in .all }
            .register(api)
        RecordController<FollowUpRuleRecord>(
            path: "follow-up-rules", read: .handleFollowUps, write: .manageFollowUpRules
        ) { _, _ in .all }.register(api)

        let calendars = api.grouped("sla", "calendars")
        calendars.get(":id", "holidays.csv", use: exportHolidays).requires(.action(.viewSLA))
        calendars.post(":id", "holidays", use: importHolidays).requires(.action(.manageSLA))

        api.get("service-requests", ":id", "sla", use: explain).requires(.action(.viewSLA))
        api.get("sla", "queue", use: queue).requires(.action(.viewSLA))
        api.get("sla", "compliance", use: compliance).requires(.action(.viewSLA))
        api.get("sla", "compliance.csv", use: complianceCSV).requires(.action(.viewSLA))

        api.get("follow-ups", use: followUps).requires(.action(.handleFollowUps))
        api.get("follow-ups", ":id", use: followUp).requires(.action(.handleFollowUps))
        api.post("follow-ups", ":id", "result", use: recordFollowUp).requires(.action(.handleFollowUps))

        api.get("notifications", use: notifications).requires(.signedIn)
        api.post("notifications", "read-all", use: readAll).requires(.signedIn)
        api.post("notifications", ":id", "read", use: read).requires(.signedIn)
    }

    static func id(_ req: Request) throws -> Int { try RecordController<CalendarRecord>.id(req) }

    @Sendable func exportHolidays(_ req: Request) async throws -> Response {
        let calendar = try await Records<CalendarRecord>(req.store).get(Self.id(req))
        let year = try Self.year(QueryReader(req: req))
        let text = CSV.byteOrderMark + HolidayCSV.export(calendar.calendar.exceptions, year: year)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.contentDisposition = .init(
            .attachment, filename: "holidays-\(calendar.id)\(year.map { "-\($0)" } ?? "").csv")
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }

    static func year(_ q: QueryReader) throws -> Int? {
        guard let text = try q.string("year") else { return nil }
        guard let year = Int(text), (1970...2200).contains(year) else {
            throw APIError.badRequest("year", "must be a year from 1970 to 2200")
        }
        return year
    }

    /// `POST /sla/calendars/{id}/holidays?year=2027` with a CSV body (`date,kind,name`): replaces that year's
    /// holidays and make-up days (all of them without `year`). `version` as a query parameter or If-Match.
    @Sendable func importHolidays(_ req: Request) async throws -> CalendarRecord.View {
        let id = try Self.id(req)
        // Outside the caller's scope answers 404 before anything about the body is said.
        _ = try await Records<CalendarRecord>(req.store).get(id)
        let q = QueryReader(req: req)
        let year = try Self.year(q)
        guard
            let version = try q.int("version")
                ?? req.headers.first(name: .ifMatch).flatMap({
                    Int($0.trimmingCharacters(in: CharacterSet(charactersIn: "\"W/")))
                })
        else {
            throw APIError(
                status: .preconditionRequired, code: "version_required",
                message: "send the version you edited, as If-Match or the version query parameter",
                fields: ["version": .init(code: "required", message: "is required (or the If-Match header)")])
        }
        let exceptions: [CalendarException]
        do {
            let text = try CSV.text(utf8: req.body.data?.readableBytesView ?? ByteBuffer().readableBytesView)
            exceptions = try HolidayCSV.parse(text.hasPrefix(CSV.byteOrderMark) ? String(text.dropFirst()) : text)
        } catch let error as CSV.ParseError {
            throw APIError(
                status: .unprocessableEntity, code: "validation_failed", message: "line \(error.line): \(error.reason)",
                fields: ["file": .init(code: "invalid_format", message: "line \(error.line): \(error.reason)")])
        }
        if let year, let stray = exceptions.first(where: { $0.date.year != year }) {
            throw APIError.badRequest("file", "\(stray.date) is not in \(year)")
        }
        return try await Records<CalendarRecord>(req.store).update(id, expectedVersion: version, by: req.actor) {
            var input = $0
            input.calendar.exceptions =
                input.calendar.exceptions.filter { year != nil && $0.date.year != year } + exceptions
            return input
        }
    }

    @Sendable func explain(_ req: Request) async throws -> SLAExplanation {
        let request = try await ServiceRequests(req.store).get(ServiceRequestController.id(req))
        guard let explanation = try await SLAClocks.explain(request.id, now: req.store.now, in: req.store) else {
            throw RecordNotFound(entity: "serviceRequest", id: request.id)
        }
        return explanation
    }

    @Sendable func queue(_ req: Request) async throws -> Page<QueueItem> {
        let q = QueryReader(req: req)
        let state = try q.value("state", QueueState.self) ?? .breached
        return try await SLAReports(req.store).queue(state, orgUnitId: q.int("orgUnitId"), page: q.page())
    }

    @Sendable func compliance(_ req: Request) async throws -> [ComplianceRow] {
        let (from, to) = try QueryReader(req: req).months()
        return try await SLAReports(req.store).compliance(fromMonth: from, toMonth: to)
    }

    @Sendable func complianceCSV(_ req: Request) async throws -> Response {
        let (from, to) = try QueryReader(req: req).months()
        let rows = try await SLAReports(req.store).compliance(fromMonth: from, toMonth: to)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.contentDisposition = .init(.attachment, filename: "sla-compliance.csv")
        return Response(status: .ok, headers: headers, body: .init(string: CSV.byteOrderMark + SLAReports.csv(rows)))
    }

    @Sendable func followUps(_ req: Request) async throws -> Page<FollowUpView> {
        let q = QueryReader(req: req)
        var filter = FollowUpFilter()
        let statuses = try q.list("status", FollowUpStatus.self)
        if !statuses.isEmpty { filter.statuses = statuses }
        if try q.bool("mine") == true { filter.assigneeId = try req.requirePrincipal().userId }
        filter.dueBefore = try q.instant("dueBefore", timeZone: req.store.timeZone)
        filter.requestId = try q.int("requestId")
        return try await FollowUps(req.store).list(filter, page: q.page())
    }

    @Sendable func followUp(_ req: Request) async throws -> FollowUpView {
        try await FollowUps(req.store).get(Self.id(req))
    }

    @Sendable func recordFollowUp(_ req: Request) async throws -> FollowUpView {
        let id = try Self.id(req)
        _ = try await FollowUps(req.store).get(id)
        let body = try JSONBody.object(req)
        let result = try JSONBody.decode(FollowUpResultInput.self, from: body, ignoring: ["version"])
        let version = try JSONBody.expectedVersion(req, body: body)
        if result.outcome == .notSolved, !(try req.requirePrincipal().may(.reopenRequests)) {
            throw Forbidden(action: .reopenRequests)
        }
        return try await FollowUps(req.store).record(result, for: id, expectedVersion: version, by: req.actor)
    }

    @Sendable func notifications(_ req: Request) async throws -> Page<NotificationView> {
        let q = QueryReader(req: req)
        let inbox = Inbox(store: req.store, userId: try req.requirePrincipal().userId)
        return try await inbox.list(unreadOnly: try q.bool("unread") ?? false, page: q.page())
    }

    @Sendable func read(_ req: Request) async throws -> Response {
        try await Inbox(store: req.store, userId: try req.requirePrincipal().userId).markRead(Self.id(req))
        return Response(status: .noContent)
    }

    @Sendable func readAll(_ req: Request) async throws -> [String: Int] {
        ["read": try await Inbox(store: req.store, userId: try req.requirePrincipal().userId).markAllRead()]
    }
}

extension CalendarRecord.View: Content {}
extension SLAPolicyView: Content {}
extension FollowUpRuleRecord.View: Content {}
extension FollowUpView: Content {}
extension SLAExplanation: Content {}
extension QueueItem: Content {}
extension ComplianceRow: Content {}
extension NotificationView: Content {}
