import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// R-3, R-10.1: the pages of commitments: the at-risk and breached queue, the compliance report, policy and
/// calendar administration, the hotline's follow-up worklist and the notification inbox. They call the same use
/// cases as `SLAController`, through the caller's scoped store.
struct SLAPages: Sendable {
    static let rowsPerPage = 25

    func register(_ root: any RoutesBuilder) {
        root.get("sla", "queue", use: queue).requires(.action(.viewSLA))
        root.get("sla", "report", use: report).requires(.action(.viewSLA))

        root.get("admin", "sla", "policies", use: policies).requires(.action(.manageSLA))
        root.get("admin", "sla", "policies", "new", use: newPolicy).requires(.action(.manageSLA))
        root.post("admin", "sla", "policies", use: createPolicy).requires(.action(.manageSLA))
        root.get("admin", "sla", "policies", ":id", use: editPolicy).requires(.action(.manageSLA))
        root.post("admin", "sla", "policies", ":id", use: updatePolicy).requires(.action(.manageSLA))
        root.post("admin", "sla", "policies", ":id", "archive", use: archivePolicy).requires(.action(.manageSLA))

        root.get("admin", "sla", "calendars", use: calendars).requires(.action(.manageSLA))
        root.get("admin", "sla", "calendars", "new", use: newCalendar).requires(.action(.manageSLA))
        root.post("admin", "sla", "calendars", use: createCalendar).requires(.action(.manageSLA))
        root.get("admin", "sla", "calendars", ":id", use: editCalendar).requires(.action(.manageSLA))
        root.post("admin", "sla", "calendars", ":id", use: updateCalendar).requires(.action(.manageSLA))
        root.post("admin", "sla", "calendars", ":id", "holidays", use: importHolidays).requires(.action(.manageSLA))

        root.get("follow-ups", use: followUps).requires(.action(.handleFollowUps))
        root.get("follow-ups", ":id", use: followUp).requires(.action(.handleFollowUps))
        root.post("follow-ups", ":id", use: recordFollowUp).requires(.action(.handleFollowUps))

        root.get("inbox", use: inbox).requires(.signedIn)
        root.post("inbox", "read-all", use: readAll).requires(.signedIn)
        root.post("inbox", ":id", "read", use: read).requires(.signedIn)
    }

    /// A link to `path` with `items` as its query.
    static func link(_ path: String, _ items: [(String, String?)]) -> String {
        var components = URLComponents()
        components.path = path
        let query = items.compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
        components.queryItems = query.isEmpty ? nil : query
        return components.string ?? path
    }

    // MARK: Queue

    struct QueueModel: Encodable {
        struct Row: Encodable {
            var requestId: Int
            var number: String
            var customerName: String
            var priority: String
            var priorityCode: String
            var status: String
            var target: String
            var state: String
            var due: String
            var remaining: String?
            var overdue: String?
        }

        struct Tab: Encodable {
            var label: String
            var link: String
            var selected: Bool
        }

        var state: String
        var tabs: [Tab]
        var rows: [Row]
        var next: String?
    }

    @Sendable func queue(_ req: Request) async throws -> Response {
        let l = req.localizer
        let q = QueryReader(req: req)
        let state = try q.value("state", QueueState.self) ?? .breached
        let orgUnitId = try q.int("orgUnitId")
        let page = try await SLAReports(req.store).queue(
            state, orgUnitId: orgUnitId, page: try q.page(defaultLimit: Self.rowsPerPage))
        let unit = orgUnitId.map(String.init)
        let model = QueueModel(
            state: state.rawValue,
            tabs: QueueState.allCases.map {
                .init(
                    label: l.t("queueState.\($0.rawValue)"),
                    link: Self.link("/sla/queue", [("state", $0.rawValue), ("orgUnitId", unit)]), selected: $0 == state)
            },
            rows: page.items.map { item in
                let remaining = item.targetSeconds - item.elapsedSeconds
                return .init(
                    requestId: item.requestId, number: item.number, customerName: item.customerName,
                    priority: l.t("priority.\(item.priority.rawValue)"), priorityCode: item.priority.rawValue,
                    status: l.t("status.\(item.status.rawValue)"), target: l.t("slaTarget.\(item.target.rawValue)"),
                    state: l.t("clockState.\(item.state.rawValue)"), due: l.dateTime(item.dueAt),
                    remaining: remaining > 0 ? l.duration(seconds: remaining) : nil,
                    overdue: remaining > 0 ? nil : l.duration(seconds: -remaining))
            },
            next: page.nextCursor.map {
                Self.link("/sla/queue", [("state", state.rawValue), ("orgUnitId", unit), ("cursor", $0)])
            })
        return try await PageRenderer.render("sla-queue", title: "sla.queueTitle", model, for: req)
    }

    // MARK: Compliance report

    struct ReportModel: Encodable {
        struct Row: Encodable {
            var month: String
            var branch: String
            var policy: String
            var target: String
            var met: String
            var breached: String
            var percent: String
        }

        var from: String
        var to: String
        var rows: [Row]
        var csv: String
    }

    @Sendable func report(_ req: Request) async throws -> Response {
        let l = req.localizer
        let (from, to) = try SLAController.months(req)
        let rows = try await SLAReports(req.store).compliance(fromMonth: from, toMonth: to)
        func month(_ day: CalendarDate) -> String { String(day.description.prefix(7)) }
        let model = ReportModel(
            from: month(from), to: month(to),
            rows: rows.map {
                .init(
                    month: $0.month, branch: $0.branchName, policy: $0.policyName,
                    target: l.t("slaTarget.\($0.target.rawValue)"), met: l.number($0.met),
                    breached: l.number($0.breached),
                    percent: $0.compliancePercent.formatted(
                        .number.precision(.fractionLength(1)).locale(l.locale)) + " %")
            },
            csv: Self.link("/api/v1/sla/compliance.csv", [("from", month(from)), ("to", month(to))]))
        return try await PageRenderer.render("sla-report", title: "sla.reportTitle", model, for: req)
    }

    // MARK: Field messages

    /// How the policy, calendar and follow-up forms name their fields: `targets.1.minutes` is the second target's
    /// minutes, `calendar.week.mon` is Monday.
    static func labels(targets: [SLATarget] = []) -> FieldLabels {
        .area("sla") { field, l in
            let parts = field.split(separator: ".").map(String.init)
            if parts.first == "targets", parts.count >= 2, let index = Int(parts[1]), index < targets.count {
                let target = l.t("slaTarget.\(targets[index].rawValue)")
                return parts.count > 2 ? "\(target) · \(l.t("sla.field.\(parts[2])"))" : target
            }
            if parts.first == "match", parts.count == 2, l.catalogue.has("sla.match.\(parts[1])") {
                return l.t("sla.match.\(parts[1])")
            }
            if parts.first == "calendar", parts.count >= 2 {
                if parts[1] == "week", parts.count == 3 { return l.t("weekday.\(parts[2])") }
                if l.catalogue.has("sla.field.\(parts[1])") { return l.t("sla.field.\(parts[1])") }
            }
            return nil
        }
    }

    // MARK: Policies

    struct PoliciesModel: Encodable {
        struct Row: Encodable {
            var id: Int
            var name: String
            var position: String
            var isDefault: Bool
            var conditions: String
            var targets: String
        }

        var rows: [Row]
        var next: String?
    }

    @Sendable func policies(_ req: Request) async throws -> Response {
        let l = req.localizer
        let page = try await Records<SLAPolicyRecord>(req.store).list(page: try QueryReader(req: req).page())
        let model = PoliciesModel(
            rows: page.items.sorted { ($0.position, $0.id) < ($1.position, $1.id) }.map { policy in
                .init(
                    id: policy.id, name: policy.name, position: l.number(policy.position), isDefault: policy.isDefault,
                    conditions: Self.conditions(policy.match.conditions, l),
                    targets: policy.targets.map {
                        "\(l.t("slaTarget.\($0.target.rawValue)")) \(l.duration(seconds: $0.minutes * 60))"
                    }.joined(separator: " · "))
            }, next: page.nextCursor.map { Self.link("/admin/sla/policies", [("cursor", $0)]) })
        return try await PageRenderer.render("sla-policies", title: "sla.policiesTitle", model, for: req)
    }

    /// Match conditions (`priority=emergency`) in words.
    static func conditions(_ conditions: [String], _ l: Localizer) -> String {
        guard !conditions.isEmpty else { return l.t("sla.noConditions") }
        return conditions.map { condition -> String in
            let parts = condition.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return condition }
            let name = l.catalogue.has("sla.match.\(parts[0])") ? l.t("sla.match.\(parts[0])") : parts[0]
            let prefix: String? =
                switch parts[0] {
                case "serviceFamily": "serviceFamily"
                case "requestType": "type"
                case "priority": "priority"
                case "customerTier": "tier"
                case "emergency": "sla.bool"
                default: nil
                }
            let value = prefix.map { l.catalogue.has("\($0).\(parts[1])") ? l.t("\($0).\(parts[1])") : parts[1] }
            return "\(name): \(value ?? "#" + parts[1])"
        }.joined(separator: ", ")
    }

    /// One target row of the policy form as typed.
    struct TargetText: Encodable {
        var target: String
        var label: String
        var enabled: Bool
        var minutes: String
        var basisOptions: [SelectOption]
        var warnPercent: String
        var escalations: String
    }

    struct PolicyFormModel: Encodable {
        var id: Int?
        var version: Int?
        var name: String
        var position: String
        var isDefault: Bool
        var archived: Bool
        var canArchive: Bool
        var familyOptions: [SelectOption]
        var typeOptions: [SelectOption]
        var priorityOptions: [SelectOption]
        var emergencyOptions: [SelectOption]
        var tierOptions: [SelectOption]
        var lineOptions: [SelectOption]
        var modelOptions: [SelectOption]
        var unitOptions: [SelectOption]
        var targets: [TargetText]
        var errors: [FieldMessage]
    }

    /// What the policy form holds: the input for the use case and the target rows as typed.
    struct PolicyForm {
        var name = ""
        var position = "100"
        var isDefault = false
        var match = PolicyMatch()
        var targets: [SLATarget: (minutes: String, basis: TimeBasis, warn: String, escalations: String)] = [:]
    }

    static func form(from policy: SLAPolicyView) -> PolicyForm {
        var form = PolicyForm(
            name: policy.name, position: "\(policy.position)", isDefault: policy.isDefault, match: policy.match)
        for rule in policy.targets {
            form.targets[rule.target] = (
                "\(rule.minutes)", rule.basis, "\(rule.warnPercent)",
                rule.escalations.map { "\($0.percent)" }.joined(separator: ",")
            )
        }
        return form
    }

    func policyModel(
        _ req: Request, form: PolicyForm, policy: SLAPolicyView? = nil, errors: [FieldMessage] = []
    ) async throws -> PolicyFormModel {
        let l = req.localizer
        let store = req.store
        let lines = try await Records<ProductLineRecord>(store).list(page: PageRequest(limit: 200))
        let models = try await Records<ProductModelRecord>(store).list(page: PageRequest(limit: 200))
        let units = try await Records<OrgUnitRecord>(store).list(page: PageRequest(limit: 200))
        let match = form.match
        return PolicyFormModel(
            id: policy?.id, version: policy?.version, name: form.name, position: form.position,
            isDefault: form.isDefault, archived: policy?.archivedAt != nil,
            canArchive: policy != nil && policy?.archivedAt == nil,
            familyOptions: SelectOption.of(
                ServiceFamily.self, prefix: "serviceFamily", selected: match.serviceFamily, l),
            typeOptions: SelectOption.of(RequestType.self, prefix: "type", selected: match.requestType, l),
            priorityOptions: SelectOption.of(Priority.self, prefix: "priority", selected: match.priority, l),
            emergencyOptions: [
                SelectOption(value: "true", label: l.t("sla.bool.true"), selected: match.emergency == true),
                SelectOption(value: "false", label: l.t("sla.bool.false"), selected: match.emergency == false),
            ],
            tierOptions: SelectOption.of(CustomerTier.self, prefix: "tier", selected: match.customerTier, l),
            lineOptions: lines.items.map {
                SelectOption(
                    value: "\($0.id)", label: "\($0.code) · \($0.name)", selected: $0.id == match.productLineId)
            },
            modelOptions: models.items.map {
                SelectOption(
                    value: "\($0.id)", label: "\($0.code) · \($0.name)", selected: $0.id == match.productModelId)
            },
            unitOptions: units.items.map {
                SelectOption(value: "\($0.id)", label: "\($0.code) · \($0.name)", selected: $0.id == match.orgUnitId)
            },
            targets: SLATarget.allCases.map { target in
                let row = form.targets[target]
                return TargetText(
                    target: target.rawValue, label: l.t("slaTarget.\(target.rawValue)"), enabled: row != nil,
                    minutes: row?.minutes ?? "",
                    basisOptions: SelectOption.of(
                        TimeBasis.self, prefix: "basis", selected: row?.basis ?? .business, l),
                    warnPercent: row?.warn ?? "75", escalations: row?.escalations ?? "100,150,200")
            }, errors: errors)
    }

    /// Reads the policy form; problems of the form itself go to `v`, the rest the use case checks. `existing`
    /// keeps each target's recipients; new levels get the standard ones.
    static func readPolicy(_ form: FormReader, existing: [TargetRule], into v: inout AftercareDomain.Validator)
        -> (form: PolicyForm, input: SLAPolicyRecord.Input, order: [SLATarget])
    {
        var typed = PolicyForm()
        typed.name = form.string("name") ?? ""
        typed.position = form.string("position") ?? ""
        typed.isDefault = form.bool("isDefault")
        typed.match = PolicyMatch(
            serviceFamily: form.value("serviceFamily", ServiceFamily.self, into: &v),
            requestType: form.value("requestType", RequestType.self, into: &v),
            priority: form.value("priority", Priority.self, into: &v),
            emergency: form.string("emergency").map { $0 == "true" },
            productLineId: form.int("productLineId", into: &v), productModelId: form.int("productModelId", into: &v),
            customerTier: form.value("customerTier", CustomerTier.self, into: &v),
            orgUnitId: form.int("orgUnitId", into: &v))
        var position = 0
        if let number = Int(typed.position) {
            position = number
        } else {
            v.add("position", typed.position.isEmpty ? .required : .invalidFormat(expected: "a whole number"))
        }
        var rules: [TargetRule] = []
        var order: [SLATarget] = []
        for target in SLATarget.allCases {
            let key = "target.\(target.rawValue)"
            guard form.bool("\(key).on") else { continue }
            let minutes = form.string("\(key).minutes") ?? ""
            let warn = form.string("\(key).warnPercent") ?? ""
            let escalations = form.string("\(key).escalations") ?? ""
            let basis = form.value("\(key).basis", TimeBasis.self, into: &v) ?? .business
            typed.targets[target] = (minutes, basis, warn, escalations)
            let field = "targets.\(order.count)"
            order.append(target)
            let minuteValue = Int(minutes)
            if minuteValue == nil {
                v.add("\(field).minutes", minutes.isEmpty ? .required : .invalidFormat(expected: "minutes"))
            }
            let warnValue = Int(warn)
            if warnValue == nil {
                v.add("\(field).warnPercent", warn.isEmpty ? .required : .invalidFormat(expected: "a percent"))
            }
            let percents = escalations.split(whereSeparator: { ", ，;；".contains($0) }).map { Int($0) }
            if percents.contains(nil) { v.add("\(field).escalations", .invalidFormat(expected: "percents")) }
            let before = existing.first { $0.target == target }
            let levels = percents.compactMap { $0 }.enumerated().map { index, percent in
                let standard = TargetRule.standardEscalation
                let notify =
                    before.flatMap { index < $0.escalations.count ? $0.escalations[index].notify : nil }
                    ?? standard[min(index, standard.count - 1)].notify
                return EscalationLevel(percent: percent, notify: notify)
            }
            var rule = TargetRule(
                target: target, minutes: minuteValue ?? 0, basis: basis, warnPercent: warnValue ?? 75,
                escalations: levels)
            if let before { rule.warn = before.warn }
            rules.append(rule)
        }
        let input = SLAPolicyRecord.Input(
            name: typed.name, position: position, isDefault: typed.isDefault, match: typed.match, targets: rules)
        return (typed, input, order)
    }

    @Sendable func newPolicy(_ req: Request) async throws -> Response {
        var form = PolicyForm()
        form.targets[.resolution] = ("1440", .business, "75", "100,150,200")
        return try await PageRenderer.render(
            "sla-policy", title: "sla.policyTitle", try await policyModel(req, form: form), for: req)
    }

    @Sendable func createPolicy(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        var v = AftercareDomain.Validator()
        let (form, input, order) = Self.readPolicy(try FormReader(req), existing: [], into: &v)
        return try await FormCycle.run(req, labels: Self.labels(targets: order)) {
            try v.finish()
            let policy = try await Records<SLAPolicyRecord>(req.store).create(input, by: principal.actor)
            return req.redirect(to: "/admin/sla/policies/\(policy.id)")
        } again: { failure in
            try await PageRenderer.render(
                "sla-policy", title: "sla.policyTitle",
                try await policyModel(req, form: form, errors: failure.messages),
                for: req, status: failure.status)
        }
    }

    @Sendable func editPolicy(_ req: Request) async throws -> Response {
        let policy = try await Records<SLAPolicyRecord>(req.store).get(DeskPages.id(req))
        return try await PageRenderer.render(
            "sla-policy", title: "sla.policyTitle",
            try await policyModel(req, form: Self.form(from: policy), policy: policy), for: req)
    }

    @Sendable func updatePolicy(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let records = Records<SLAPolicyRecord>(req.store)
        let policy = try await records.get(DeskPages.id(req))
        let reader = try FormReader(req)
        var v = AftercareDomain.Validator()
        let (form, input, order) = Self.readPolicy(reader, existing: policy.targets, into: &v)
        let version = reader.int("version", into: &v)
        return try await FormCycle.run(req, labels: Self.labels(targets: order)) {
            try v.finish()
            _ = try await records.update(policy.id, expectedVersion: version ?? 0, by: principal.actor) { _ in input }
            return req.redirect(to: "/admin/sla/policies/\(policy.id)")
        } again: { failure in
            try await PageRenderer.render(
                "sla-policy", title: "sla.policyTitle",
                try await policyModel(req, form: form, policy: policy, errors: failure.messages), for: req,
                status: failure.status)
        }
    }

    @Sendable func archivePolicy(_ req: Request) async throws -> Response {
        let id = try DeskPages.id(req)
        _ = try await Records<SLAPolicyRecord>(req.store).archive(id, by: try req.requirePrincipal().actor)
        return req.redirect(to: "/admin/sla/policies")
    }

    // MARK: Calendars

    struct CalendarsModel: Encodable {
        struct Row: Encodable {
            var id: Int
            var name: String
            var unit: String
            var timeZone: String
            var alwaysOpen: Bool
            var exceptions: String
        }

        var rows: [Row]
        var next: String?
    }

    static func unitNames(_ req: Request) async throws -> (options: [OrgUnitRecord.View], names: [Int: String]) {
        let units = try await Records<OrgUnitRecord>(req.store).list(page: PageRequest(limit: 200)).items
        return (units, Dictionary(units.map { ($0.id, "\($0.code) · \($0.name)") }, uniquingKeysWith: { a, _ in a }))
    }

    @Sendable func calendars(_ req: Request) async throws -> Response {
        let l = req.localizer
        let page = try await Records<CalendarRecord>(req.store).list(page: try QueryReader(req: req).page())
        let names = try await Self.unitNames(req).names
        let model = CalendarsModel(
            rows: page.items.map {
                .init(
                    id: $0.id, name: $0.name, unit: names[$0.orgUnitId] ?? "#\($0.orgUnitId)",
                    timeZone: $0.calendar.timeZone, alwaysOpen: $0.calendar.alwaysOpen,
                    exceptions: l.number($0.calendar.exceptions.count))
            }, next: page.nextCursor.map { Self.link("/admin/sla/calendars", [("cursor", $0)]) })
        return try await PageRenderer.render("sla-calendars", title: "sla.calendarsTitle", model, for: req)
    }

    struct CalendarFormModel: Encodable {
        struct Day: Encodable {
            var code: String
            var label: String
            var periods: String
        }

        struct Exception: Encodable {
            var date: String
            var kind: String
            var name: String
        }

        var id: Int?
        var version: Int?
        var name: String
        var timeZone: String
        var alwaysOpen: Bool
        var unitOptions: [SelectOption]
        var days: [Day]
        var makeUpHours: String
        var exceptions: [Exception]
        var year: String
        var holidaysCSV: String
        var download: String?
        var errors: [FieldMessage]
        var holidayErrors: [FieldMessage]
    }

    /// The calendar form as typed.
    struct CalendarForm {
        var orgUnitId: Int?
        var name = ""
        var timeZone = "Asia/Shanghai"
        var alwaysOpen = false
        var week: [String] = BusinessCalendar.officeWeek.map(CalendarForm.text)
        var makeUpHours = ""

        static func text(_ periods: [WorkingPeriod]) -> String { periods.map(\.description).joined(separator: " ") }
    }

    static func form(from view: CalendarRecord.View) -> CalendarForm {
        CalendarForm(
            orgUnitId: view.orgUnitId, name: view.name, timeZone: view.calendar.timeZone,
            alwaysOpen: view.calendar.alwaysOpen, week: view.calendar.week.map(CalendarForm.text),
            makeUpHours: CalendarForm.text(view.calendar.makeUpHours))
    }

    func calendarModel(
        _ req: Request, form: CalendarForm, calendar: CalendarRecord.View? = nil, errors: [FieldMessage] = [],
        holidaysCSV: String = "", year: String? = nil, holidayErrors: [FieldMessage] = []
    ) async throws -> CalendarFormModel {
        let l = req.localizer
        let units = try await Self.unitNames(req)
        let thisYear = CalendarDate(req.store.now, in: req.store.timeZone).year
        return CalendarFormModel(
            id: calendar?.id, version: calendar?.version, name: form.name, timeZone: form.timeZone,
            alwaysOpen: form.alwaysOpen,
            unitOptions: units.options.map {
                SelectOption(value: "\($0.id)", label: "\($0.code) · \($0.name)", selected: $0.id == form.orgUnitId)
            },
            days: Weekday.allCases.enumerated().map { index, day in
                .init(
                    code: day.rawValue, label: l.t("weekday.\(day.rawValue)"),
                    periods: index < form.week.count ? form.week[index] : "")
            }, makeUpHours: form.makeUpHours,
            exceptions: (calendar?.calendar.exceptions ?? []).sorted { $0.date < $1.date }.map {
                .init(date: $0.date.description, kind: l.t("exceptionKind.\($0.kind.rawValue)"), name: $0.name)
            }, year: year ?? "\(thisYear)", holidaysCSV: holidaysCSV,
            download: calendar.map { "/api/v1/sla/calendars/\($0.id)/holidays.csv" }, errors: errors,
            holidayErrors: holidayErrors)
    }

    /// `08:30-12:00 13:30-18:00` as periods; a malformed one is a problem of `field`.
    static func periods(_ text: String, field: String, into v: inout AftercareDomain.Validator) -> [WorkingPeriod] {
        var result: [WorkingPeriod] = []
        for part in text.split(whereSeparator: { " ,，;；\t".contains($0) }) {
            guard let period = WorkingPeriod(String(part)) else {
                v.add(field, .invalidFormat(expected: "HH:MM-HH:MM"))
                return []
            }
            result.append(period)
        }
        return result
    }

    static func readCalendar(
        _ form: FormReader, exceptions: [CalendarException], into v: inout AftercareDomain.Validator
    ) -> (form: CalendarForm, input: CalendarRecord.Input) {
        var typed = CalendarForm()
        typed.orgUnitId = form.int("orgUnitId", into: &v)
        if typed.orgUnitId == nil, form.string("orgUnitId") == nil { v.add("orgUnitId", .required) }
        typed.name = form.string("name") ?? ""
        typed.timeZone = form.string("timeZone") ?? ""
        typed.alwaysOpen = form.bool("alwaysOpen")
        typed.week = Weekday.allCases.map { form.string("week.\($0.rawValue)") ?? "" }
        typed.makeUpHours = form.string("makeUpHours") ?? ""
        let week = zip(Weekday.allCases, typed.week).map { day, text in
            periods(text, field: "calendar.week.\(day.rawValue)", into: &v)
        }
        let makeUp = periods(typed.makeUpHours, field: "calendar.makeUpHours", into: &v)
        let calendar = BusinessCalendar(
            timeZone: typed.timeZone, alwaysOpen: typed.alwaysOpen, week: week, makeUpHours: makeUp,
            exceptions: exceptions)
        return (typed, CalendarRecord.Input(orgUnitId: typed.orgUnitId ?? 0, name: typed.name, calendar: calendar))
    }

    @Sendable func newCalendar(_ req: Request) async throws -> Response {
        var form = CalendarForm()
        form.timeZone = req.store.timeZone.identifier
        return try await PageRenderer.render(
            "sla-calendar", title: "sla.calendarTitle", try await calendarModel(req, form: form), for: req)
    }

    @Sendable func createCalendar(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        var v = AftercareDomain.Validator()
        let (form, input) = Self.readCalendar(try FormReader(req), exceptions: [], into: &v)
        return try await FormCycle.run(req, labels: Self.labels()) {
            try v.finish()
            let calendar = try await Records<CalendarRecord>(req.store).create(input, by: principal.actor)
            return req.redirect(to: "/admin/sla/calendars/\(calendar.id)")
        } again: { failure in
            let model = try await calendarModel(req, form: form, errors: failure.messages)
            return try await PageRenderer.render(
                "sla-calendar", title: "sla.calendarTitle", model, for: req, status: failure.status)
        }
    }

    @Sendable func editCalendar(_ req: Request) async throws -> Response {
        let calendar = try await Records<CalendarRecord>(req.store).get(DeskPages.id(req))
        return try await PageRenderer.render(
            "sla-calendar", title: "sla.calendarTitle",
            try await calendarModel(req, form: Self.form(from: calendar), calendar: calendar), for: req)
    }

    @Sendable func updateCalendar(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let records = Records<CalendarRecord>(req.store)
        let calendar = try await records.get(DeskPages.id(req))
        let reader = try FormReader(req)
        var v = AftercareDomain.Validator()
        let (form, input) = Self.readCalendar(reader, exceptions: calendar.calendar.exceptions, into: &v)
        let version = reader.int("version", into: &v)
        return try await FormCycle.run(req, labels: Self.labels()) {
            try v.finish()
            _ = try await records.update(calendar.id, expectedVersion: version ?? 0, by: principal.actor) { before in
                var changed = input
                changed.calendar.exceptions = before.calendar.exceptions
                return changed
            }
            return req.redirect(to: "/admin/sla/calendars/\(calendar.id)")
        } again: { failure in
            let model = try await calendarModel(req, form: form, calendar: calendar, errors: failure.messages)
            return try await PageRenderer.render(
                "sla-calendar", title: "sla.calendarTitle", model, for: req, status: failure.status)
        }
    }

    /// R-3.1: replaces one year's holidays and make-up days with the pasted CSV (`date,kind,name`).
    @Sendable func importHolidays(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let l = req.localizer
        let records = Records<CalendarRecord>(req.store)
        let calendar = try await records.get(DeskPages.id(req))
        let reader = try FormReader(req)
        var v = AftercareDomain.Validator()
        let yearText = reader.string("year") ?? ""
        let year = Int(yearText).flatMap { (1970...2200).contains($0) ? $0 : nil }
        if year == nil { v.add("year", yearText.isEmpty ? .required : .outOfRange(min: 1970, max: 2200)) }
        let version = reader.int("version", into: &v)
        var text = reader.raw("csv")
        if text.hasPrefix(CSV.byteOrderMark) { text = String(text.dropFirst()) }
        var problems: [FieldMessage] = []
        var exceptions: [CalendarException] = []
        do {
            exceptions = try HolidayCSV.parse(text)
            if let year, let stray = exceptions.first(where: { $0.date.year != year }) {
                problems.append(
                    FieldMessage(
                        field: "csv", label: l.t("sla.field.csv"),
                        message: l.t("sla.notInYear").replacingOccurrences(of: "{date}", with: stray.date.description)))
            }
        } catch let error as CSV.ParseError {
            problems.append(
                FieldMessage(
                    field: "csv", label: l.t("sla.field.csv"),
                    message: l.t("sla.csvLine").replacingOccurrences(of: "{n}", with: l.number(error.line))))
        }
        func failed(_ messages: [FieldMessage], _ status: HTTPStatus) async throws -> Response {
            let model = try await calendarModel(
                req, form: Self.form(from: calendar), calendar: calendar, holidaysCSV: reader.raw("csv"),
                year: yearText, holidayErrors: messages)
            return try await PageRenderer.render(
                "sla-calendar", title: "sla.calendarTitle", model, for: req, status: status)
        }
        return try await FormCycle.run(req, labels: Self.labels()) {
            try v.finish()
            guard problems.isEmpty, let year else { return try await failed(problems, .unprocessableEntity) }
            let replacing = exceptions
            _ = try await records.update(calendar.id, expectedVersion: version ?? 0, by: principal.actor) {
                var input = $0
                input.calendar.exceptions = input.calendar.exceptions.filter { $0.date.year != year } + replacing
                return input
            }
            return req.redirect(to: "/admin/sla/calendars/\(calendar.id)")
        } again: { failure in
            // The form's own problems are shown with the use case's, all at once.
            try await failed(failure.messages + (failure.error is ValidationError ? problems : []), failure.status)
        }
    }

    // MARK: Follow-ups

    struct FollowUpsModel: Encodable {
        struct Row: Encodable {
            var id: Int
            var requestId: Int
            var requestNumber: String
            var customerName: String
            var contactName: String?
            var contactPhone: String?
            var trigger: String
            var due: String
            var overdue: Bool
            var attempts: String
            var status: String
        }

        var tabs: [QueueModel.Tab]
        var rows: [Row]
        var next: String?
    }

    enum WorklistView: String, CaseIterable {
        case mine, open, today
    }

    static func row(_ item: FollowUpView, now: Date, _ l: Localizer) -> FollowUpsModel.Row {
        .init(
            id: item.id, requestId: item.requestId, requestNumber: item.requestNumber, customerName: item.customerName,
            contactName: item.contactName, contactPhone: item.contactPhone,
            trigger: l.t("followUpTrigger.\(item.trigger.rawValue)"), due: l.dateTime(item.dueAt),
            overdue: item.status == .open && item.dueAt <= now, attempts: l.number(item.attempts),
            status: l.t("followUpStatus.\(item.status.rawValue)"))
    }

    @Sendable func followUps(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let l = req.localizer
        let q = QueryReader(req: req)
        guard let view = WorklistView(rawValue: try q.string("show") ?? "mine") else {
            throw APIError.badRequest("show", "must be mine, open or today")
        }
        var filter = FollowUpFilter()
        switch view {
        case .mine: filter.assigneeId = principal.userId
        case .open: break
        case .today:
            let midnight = Calendar.startOfDay(req.store.now, in: req.store.timeZone)
            filter.dueBefore = Calendar.startOfDay(midnight.addingTimeInterval(36 * 3600), in: req.store.timeZone)
        }
        let page = try await FollowUps(req.store).list(filter, page: try q.page(defaultLimit: Self.rowsPerPage))
        let now = req.store.now
        let model = FollowUpsModel(
            tabs: WorklistView.allCases.map {
                .init(
                    label: l.t("followUps.\($0.rawValue)"), link: Self.link("/follow-ups", [("show", $0.rawValue)]),
                    selected: $0 == view)
            }, rows: page.items.map { Self.row($0, now: now, l) },
            next: page.nextCursor.map { Self.link("/follow-ups", [("show", view.rawValue), ("cursor", $0)]) })
        return try await PageRenderer.render("follow-ups", title: "followUps.title", model, for: req)
    }

    struct FollowUpModel: Encodable {
        var item: FollowUpsModel.Row
        var version: Int
        var isOpen: Bool
        var requestStatus: String
        var requestType: String
        var faultDescription: String
        var warranty: String
        var serials: String
        var outcome: String?
        var channel: String?
        var attitudeRating: String?
        var qualityRating: String?
        var comment: String?
        var completed: String?
        var outcomeOptions: [SelectOption]
        var channelOptions: [SelectOption]
        var attitudeOptions: [SelectOption]
        var qualityOptions: [SelectOption]
        var typedComment: String
        var errors: [FieldMessage]
    }

    func followUpModel(
        _ req: Request, id: Int, typed: FollowUpResultInput? = nil, errors: [FieldMessage] = []
    ) async throws -> FollowUpModel {
        let l = req.localizer
        let item = try await FollowUps(req.store).get(id)
        let request = try await ServiceRequests(req.store).get(item.requestId)
        func ratings(_ selected: Int?) -> [SelectOption] {
            (1...5).map { SelectOption(value: "\($0)", label: l.number($0), selected: $0 == selected) }
        }
        return FollowUpModel(
            item: Self.row(item, now: req.store.now, l), version: item.version, isOpen: item.status == .open,
            requestStatus: l.t("status.\(request.status.rawValue)"), requestType: l.t("type.\(request.type.rawValue)"),
            faultDescription: request.faultDescription,
            warranty: l.t("warranty.\(request.warrantyStatus.rawValue)"),
            serials: request.units.map(\.serialNumber).joined(separator: ", "),
            outcome: item.outcome.map { l.t("followUpOutcome.\($0.rawValue)") },
            channel: item.channel.map { l.t("followUpChannel.\($0.rawValue)") },
            attitudeRating: item.attitudeRating.map { l.number($0) },
            qualityRating: item.qualityRating.map { l.number($0) }, comment: item.comment,
            completed: item.completedAt.map { "\(l.dateTime($0)) · \(item.completedBy ?? "")" },
            outcomeOptions: SelectOption.of(
                FollowUpOutcome.self, prefix: "followUpOutcome", selected: typed?.outcome, l),
            channelOptions: SelectOption.of(
                FollowUpChannel.self, prefix: "followUpChannel", selected: typed?.channel ?? .phone, l),
            attitudeOptions: ratings(typed?.attitudeRating), qualityOptions: ratings(typed?.qualityRating),
            typedComment: typed?.comment ?? "", errors: errors)
    }

    @Sendable func followUp(_ req: Request) async throws -> Response {
        try await PageRenderer.render(
            "follow-up", title: "followUps.itemTitle", try await followUpModel(req, id: DeskPages.id(req)), for: req)
    }

    /// R-10.1: the result of a call, from the form; not solved reopens the request, so it needs that permission.
    @Sendable func recordFollowUp(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try DeskPages.id(req)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let outcome = form.value("outcome", FollowUpOutcome.self, into: &v)
        if outcome == nil, form.string("outcome") == nil { v.add("outcome", .required) }
        let input = FollowUpResultInput(
            outcome: outcome ?? .solved, channel: form.value("channel", FollowUpChannel.self, into: &v),
            attitudeRating: form.int("attitudeRating", into: &v), qualityRating: form.int("qualityRating", into: &v),
            comment: form.string("comment"))
        let version = form.int("version", into: &v)
        func failed(_ errors: [FieldMessage], _ status: HTTPStatus) async throws -> Response {
            try await PageRenderer.render(
                "follow-up", title: "followUps.itemTitle",
                try await followUpModel(req, id: id, typed: input, errors: errors), for: req, status: status)
        }
        return try await FormCycle.run(req, labels: Self.labels()) {
            try v.finish()
            if input.outcome == .notSolved, !principal.may(.reopenRequests) {
                throw Forbidden(action: .reopenRequests)
            }
            _ = try await FollowUps(req.store).record(
                input, for: id, expectedVersion: version ?? 0, by: principal.actor)
            return req.redirect(to: "/follow-ups/\(id)")
        } again: { failure in
            try await failed(failure.messages, failure.status)
        }
    }

    // MARK: Inbox

    struct InboxModel: Encodable {
        struct Row: Encodable {
            var id: Int
            var unread: Bool
            var kind: String
            var target: String?
            var link: String?
            var subject: String?
            var at: String
        }

        var rows: [Row]
        var unread: Bool
        var next: String?
    }

    @Sendable func inbox(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let l = req.localizer
        let inbox = Inbox(store: req.store, userId: principal.userId)
        let page = try await inbox.list(unreadOnly: false, page: try QueryReader(req: req).page())
        // Unread first, each part newest first.
        let ordered = page.items.filter { $0.readAt == nil } + page.items.filter { $0.readAt != nil }
        let model = InboxModel(
            rows: ordered.map { item in
                var link: String?
                if item.kind == .accountLocked {
                    link = "/account"
                } else if let followUp = item.followUpId, item.kind == .followUpDue {
                    link = "/follow-ups/\(followUp)"
                } else if let request = item.requestId {
                    link = "/requests/\(request)"
                }
                var kind = l.t("notification.\(item.kind.rawValue)")
                if item.kind == .slaEscalated {
                    kind += " · " + l.t("sla.level").replacingOccurrences(of: "{n}", with: l.number(item.level))
                }
                return .init(
                    id: item.id, unread: item.readAt == nil, kind: kind,
                    target: item.target.map { l.t("slaTarget.\($0.rawValue)") }, link: link,
                    subject: item.requestNumber, at: l.dateTime(item.createdAt))
            }, unread: try await inbox.unreadCount(cap: 1) > 0,
            next: page.nextCursor.map { Self.link("/inbox", [("cursor", $0)]) })
        return try await PageRenderer.render("inbox", title: "inbox.title", model, for: req)
    }

    @Sendable func read(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        try await Inbox(store: req.store, userId: principal.userId).markRead(DeskPages.id(req))
        return req.redirect(to: "/inbox")
    }

    @Sendable func readAll(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        _ = try await Inbox(store: req.store, userId: principal.userId).markAllRead()
        return req.redirect(to: "/inbox")
    }
}

/// R-3: the SLA panel of the request page: per target its state, due instant, elapsed and remaining time and
/// pauses, and the explanation: the policy and why it applies, the calendar and its time zone.
struct SLAPanelModel: Encodable {
    struct Row: Encodable {
        var target: String
        var stateCode: String
        var state: String
        var basis: String
        var goal: String
        var due: String?
        var elapsed: String
        var remaining: String?
        var overdue: String?
        var completed: String?
        var checkpoints: String
        var pauses: [String]
    }

    var policy: String?
    var isDefault: Bool
    var conditions: String
    var calendar: String
    var timeZone: String
    var alwaysOpen: Bool
    var rows: [Row]

    init(_ e: SLAExplanation, _ l: Localizer) {
        policy = e.policy?.name
        isDefault = e.policy?.isDefault ?? false
        conditions = SLAPages.conditions(e.policy?.conditions ?? [], l)
        calendar = e.calendar.id == nil ? l.t("sla.officeWeek") : e.calendar.name
        timeZone = e.calendar.timeZone
        alwaysOpen = e.calendar.alwaysOpen
        rows = e.targets.map { target in
            let clock = target.clock
            let remaining = clock.remainingSeconds
            let open = clock.state.isOpen
            return Row(
                target: l.t("slaTarget.\(clock.target.rawValue)"), stateCode: clock.state.rawValue,
                state: l.t("clockState.\(clock.state.rawValue)"), basis: l.t("basis.\(clock.basis.rawValue)"),
                goal: l.duration(seconds: clock.targetSeconds), due: clock.dueAt.map(l.dateTime),
                elapsed: l.duration(seconds: clock.elapsedSeconds),
                remaining: open && remaining > 0 ? l.duration(seconds: remaining) : nil,
                overdue: remaining < 0 || clock.overdue ? l.duration(seconds: max(0, -remaining)) : nil,
                completed: clock.completedAt.map(l.dateTime),
                checkpoints: ([target.warnPercent] + target.escalationPercents).map { "\($0) %" }.joined(
                    separator: " · "),
                pauses: clock.pauses.map { pause in
                    "\(l.dateTime(pause.start)) – \(pause.end.map(l.dateTime) ?? l.t("sla.stillWaiting"))"
                })
        }
    }
}
