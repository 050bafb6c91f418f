import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// R-10.4 (issue 17): the periodic customer visits and the customer committee meetings. `/customer-visits` is the
/// visit plan: the overdue visits first, then the upcoming ones, each with its record and cancel forms; "plan now"
/// runs the generator; the plan's rules (which tiers are visited by whom, how often) are edited on the same page.
/// `/committee-meetings` lists the meetings with their decisions and records new ones. The same use cases as
/// `VoiceController`, through the caller's scoped store.
struct CustomerVisitPages: Sendable {
    func register(_ root: any RoutesBuilder) {
        root.get("customer-visits", use: visits).requires(.action(.planCustomerVisits))
        root.post("customer-visits", "plan", use: plan).requires(.action(.planCustomerVisits))
        root.post("customer-visits", "rules", use: setRules).requires(.action(.planCustomerVisits))
        root.post("customer-visits", ":id", "record", use: record).requires(.action(.planCustomerVisits))
        root.post("customer-visits", ":id", "cancel", use: cancel).requires(.action(.planCustomerVisits))
        root.get("committee-meetings", use: meetings).requires(.action(.planCustomerVisits))
        root.post("committee-meetings", use: recordMeeting).requires(.action(.planCustomerVisits))
        root.post("committee-meetings", ":id", "decisions", ":index", "done", use: decisionDone)
            .requires(.action(.planCustomerVisits))
    }

    static let labels = FieldLabels.area("voice")

    /// How many visits (or meetings) a page lists.
    static let pageSize = 50

    /// The fields of the record form, given back as typed after a refusal.
    static let recordFields = ["heldOn", "visitedBy", "metWith", "topics", "satisfaction", "opportunities", "notes"]

    // MARK: Reading

    /// `/customer-visits?show=&visitor=&customerId=&cursor=&planned=`.
    static func visitsQuery(_ req: Request) throws -> (VisitsQuery, PageRequest, Int?) {
        let q = QueryReader(req: req)
        let query = VisitsQuery(
            show: try q.value("show", CustomerVisitStatus.self) ?? .planned,
            visitor: try q.value("visitor", Visitor.self), customerId: try q.int("customerId"))
        let planned = try q.string("planned").flatMap { Int($0) }.flatMap { $0 >= 0 ? $0 : nil }
        return (query, try q.page(defaultLimit: pageSize), planned)
    }

    /// The list a form of the page goes back to: its hidden fields (a value the page could not show is dropped).
    static func postedQuery(_ form: FormReader) -> VisitsQuery {
        VisitsQuery(
            show: form.string("show").flatMap(CustomerVisitStatus.init(rawValue:)) ?? .planned,
            visitor: form.string("visitor").flatMap(Visitor.init(rawValue:)),
            customerId: form.string("customerId").flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil })
    }

    static func link(_ query: VisitsQuery, _ extra: [(String, String?)] = []) -> String {
        PageLink.make("/customer-visits", query.items + extra)
    }

    func render(
        _ req: Request, query: VisitsQuery, page: PageRequest = PageRequest(limit: CustomerVisitPages.pageSize),
        planned: Int? = nil, failed: VisitsFailed? = nil, status: HTTPStatus = .ok
    ) async throws -> Response {
        let principal = try req.requirePrincipal()
        let visits = CustomerVisits(req.store)
        var customerName: String?
        if let id = query.customerId { customerName = try await Records<CustomerRecord>(req.store).get(id).name }
        let data = VisitsData(
            query: query, page: try await visits.list(query.filter, page: page), rules: try await visits.rules(),
            customerName: customerName, planned: planned, today: req.store.today, failed: failed)
        return try await PageRenderer.render(
            "customer-visits", title: "voice.visitsTitle", Self.visitsModel(data, principal: principal, req.localizer),
            for: req, status: status)
    }

    /// The visit plan: planned visits by due day (the overdue ones first), or the held or cancelled ones.
    @Sendable func visits(_ req: Request) async throws -> Response {
        let (query, page, planned) = try Self.visitsQuery(req)
        return try await render(req, query: query, page: page, planned: planned)
    }

    // MARK: The generator and the rules

    /// plans the visits due within the horizon now; the page then says how many.
    @Sendable func plan(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = try FormReader(req)
        let query = Self.postedQuery(form)
        return try await FormCycle.run(req, page: Self.link(query), labels: Self.labels) {
            let planned = try await CustomerVisits(req.store).plan(today: req.store.today, by: principal.actor)
            return req.redirect(to: Self.link(query, [("planned", String(planned))]))
        } again: { failure in
            try await render(
                req, query: query, failed: VisitsFailed(form: .plan, messages: failure.messages),
                status: failure.status)
        }
    }

    /// the plan's rules, one row each (tier, visitor, months); a row without months is left out.
    @Sendable func setRules(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = try FormReader(req)
        let query = Self.postedQuery(form)
        let tiers = form.all("tier")
        let visitors = form.all("visitor")
        let months = form.all("months")
        var v = AftercareDomain.Validator()
        var rules: [VisitPlanRule] = []
        var typed: [[String: String]] = []
        for i in 0..<max(tiers.count, visitors.count, months.count) {
            let row = [
                "tier": i < tiers.count ? tiers[i] : "", "visitor": i < visitors.count ? visitors[i] : "",
                "months": i < months.count ? months[i].trimmingCharacters(in: .whitespaces) : "",
            ]
            guard let monthsText = row["months"], !monthsText.isEmpty else { continue }
            typed.append(row)
            let field = "rules[\(rules.count)]"
            let tier = CustomerTier(rawValue: row["tier"] ?? "")
            let visitor = Visitor(rawValue: row["visitor"] ?? "")
            if tier == nil { v.add("\(field).tier", .invalidValue(allowed: CustomerTier.allowedValues)) }
            if visitor == nil { v.add("\(field).visitor", .invalidValue(allowed: Visitor.allowedValues)) }
            guard let count = Int(monthsText) else {
                v.add("\(field).months", .invalidFormat(expected: "a whole number"))
                continue
            }
            if let tier, let visitor { rules.append(VisitPlanRule(tier: tier, visitor: visitor, months: count)) }
        }
        let page = Self.link(query) + "#visit-rules"
        return try await FormCycle.run(req, page: Self.link(query), labels: Self.labels) {
            try v.finish()
            _ = try await CustomerVisits(req.store).setRules(rules, by: principal.actor)
            return req.redirect(to: page)
        } again: { failure in
            try await render(
                req, query: query, failed: VisitsFailed(form: .rules, rules: typed, messages: failure.messages),
                status: failure.status)
        }
    }

    // MARK: A visit held or cancelled

    /// the visit's record: when it was held, by whom, whom they met, the topics, the customer's satisfaction
    /// (1–5), the opportunities found and notes.
    @Sendable func record(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        let visits = CustomerVisits(req.store)
        _ = try await visits.get(id)
        let form = try FormReader(req)
        let query = Self.postedQuery(form)
        var v = AftercareDomain.Validator()
        let heldOn = VoiceForms.day(form, "heldOn", into: &v)
        let satisfaction = VoiceForms.number(form, "satisfaction", into: &v)
        let version = form.int("version", into: &v)
        return try await FormCycle.run(req, page: Self.link(query), labels: Self.labels) {
            try v.finish()
            guard let heldOn, let satisfaction else { throw v.error }
            _ = try await visits.record(
                id,
                CustomerVisitRecordInput(
                    heldOn: heldOn, visitedBy: form.string("visitedBy") ?? "", metWith: form.string("metWith") ?? "",
                    topics: form.string("topics") ?? "", satisfaction: satisfaction,
                    opportunities: form.string("opportunities"), notes: form.string("notes"),
                    expectedVersion: version),
                by: principal.actor)
            return req.redirect(to: Self.link(query) + "#visits")
        } again: { failure in
            try await render(
                req, query: query,
                failed: VisitsFailed(
                    form: .record(id: id), typed: form.typed(Self.recordFields), messages: failure.messages),
                status: failure.status)
        }
    }

    /// the planned visit will not take place, with the reason.
    @Sendable func cancel(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        let visits = CustomerVisits(req.store)
        _ = try await visits.get(id)
        let form = try FormReader(req)
        let query = Self.postedQuery(form)
        var v = AftercareDomain.Validator()
        let version = form.int("version", into: &v)
        return try await FormCycle.run(req, page: Self.link(query), labels: Self.labels) {
            try v.finish()
            _ = try await visits.cancel(
                id, reason: form.string("reason") ?? "", expectedVersion: version, by: principal.actor)
            return req.redirect(to: Self.link(query) + "#visits")
        } again: { failure in
            try await render(
                req, query: query,
                failed: VisitsFailed(form: .cancel(id: id), typed: form.typed(["reason"]), messages: failure.messages),
                status: failure.status)
        }
    }
}
