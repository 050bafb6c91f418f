import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension ComplaintPages {
    /// Reads what the complaint page shows: the complaint's file and, for the one who may ask, the units to ask.
    func caseData(_ req: Request, id: Int) async throws -> CaseData {
        let principal = try req.requirePrincipal()
        let file = try await Complaints(req.store).file(id, for: principal)
        let asks = file.complaint.status.isOpen && Self.canWork(file.complaint, principal)
        return CaseData(
            file: file, principal: principal, now: req.store.now, today: req.store.today,
            units: asks ? try await req.orgUnitChoices().options : [])
    }

    @Sendable func detail(_ req: Request) async throws -> Response {
        try await renderCase(req, data: try await caseData(req, id: req.pageId()))
    }

    func renderCase(_ req: Request, data: CaseData, status: HTTPStatus = .ok) async throws -> Response {
        try await PageRenderer.render(
            "complaint-case", title: "complaints.caseTitle", Self.caseModel(data, req.localizer), for: req,
            status: status)
    }

    /// A refused form on the complaint page: the page again with the messages and what was typed.
    func again(_ req: Request, id: Int, form: FormReader, names: [String], failure: PageFailure) async throws
        -> Response
    {
        var data = try await caseData(req, id: id)
        data.errors = failure.messages
        data.typed = form.typed(names)
        return try await renderCase(req, data: data, status: failure.status)
    }

    /// the complaint report (投诉处理报告): the complaint, the investigation, the result and the customer's
    /// answer, the compensation, the corrective actions and the timeline, in the reader's language (`?lang=`).
    @Sendable func printReport(_ req: Request) async throws -> Response {
        req.usePrintLanguage()
        let principal = try req.requirePrincipal()
        let data = CaseData(
            file: try await Complaints(req.store).file(req.pageId(), for: principal), principal: principal,
            now: req.store.now, today: req.store.today, units: [])
        var model = Self.caseModel(data, req.localizer)
        model.printedAt = req.localizer.dateTime(req.store.now)
        return try await PageRenderer.render("complaint-print", title: "complaints.reportTitle", model, for: req)
    }

    // MARK: Steps and assignment

    /// One step: the event, its note and the version the page showed.
    @Sendable func step(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        _ = try await Complaints(req.store).get(id, for: principal)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        guard let event = form.value("event", ComplaintEventKind.self, into: &v) else { throw Abort(.badRequest) }
        let needed = Action.for(complaint: event)
        guard principal.may(needed) else { throw Forbidden(action: needed) }
        let version = form.int("expectedVersion", into: &v)
        return try await FormCycle.run(req, page: "/complaints/\(id)", labels: Self.labels) {
            try v.finish()
            _ = try await Complaints(req.store).post(
                ComplaintStepInput(event: event, note: form.string("note"), expectedVersion: version), to: id,
                by: principal)
            return req.redirect(to: "/complaints/\(id)")
        } again: { failure in
            try await again(req, id: id, form: form, names: ["event", "note"], failure: failure)
        }
    }

    /// a handler takes an unassigned complaint (no handler given); the supervisor assigns it to a handler.
    @Sendable func assign(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        _ = try await Complaints(req.store).get(id, for: principal)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let handler = form.int("handlerUserId", into: &v)
        let version = form.int("expectedVersion", into: &v)
        return try await FormCycle.run(req, page: "/complaints/\(id)#handler", labels: Self.labels) {
            try v.finish()
            _ = try await Complaints(req.store).assign(id, to: handler, expectedVersion: version, by: principal)
            return req.redirect(to: "/complaints/\(id)#handler")
        } again: { failure in
            try await again(req, id: id, form: form, names: ["handlerUserId"], failure: failure)
        }
    }

    // MARK: The investigation

    /// the cause, the responsibility, the severity, the customer it turned out to be and the compensation.
    @Sendable func recordFindings(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        _ = try await Complaints(req.store).get(id, for: principal)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let cause = form.value("cause", ComplaintCause.self, into: &v)
        let responsibility = form.value("responsibility", ComplaintResponsibility.self, into: &v)
        let severity = form.value("severity", ComplaintSeverity.self, into: &v)
        let customerId = form.int("customerId", into: &v)
        let kind = form.value("compensationKind", CompensationKind.self, into: &v)
        let amountText = form.string("compensationAmount")
        let amount = amountText.flatMap(Money.minor(parsing:))
        if amountText != nil, amount == nil { v.add("compensationMinor", .invalidFormat(expected: "an amount")) }
        let version = form.int("expectedVersion", into: &v)
        return try await FormCycle.run(req, page: "/complaints/\(id)#findings", labels: Self.labels) {
            try v.finish()
            _ = try await Complaints(req.store).record(
                ComplaintFindingsInput(
                    cause: cause, responsibility: responsibility, severity: severity, customerId: customerId,
                    compensationKind: kind, compensationMinor: amount,
                    compensationNote: form.string("compensationNote"), expectedVersion: version),
                on: id, by: principal)
            return req.redirect(to: "/complaints/\(id)#findings")
        } again: { failure in
            try await again(
                req, id: id, form: form,
                names: [
                    "cause", "responsibility", "severity", "customerId", "compensationKind", "compensationAmount",
                    "compensationNote",
                ], failure: failure)
        }
    }

    /// an investigation note, read by the handlers and the supervisor only.
    @Sendable func addNote(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        _ = try await Complaints(req.store).get(id, for: principal)
        let form = try FormReader(req)
        return try await FormCycle.run(req, page: "/complaints/\(id)#notes", labels: Self.labels) {
            _ = try await Complaints(req.store).addNote(form.string("body") ?? "", to: id, by: principal)
            return req.redirect(to: "/complaints/\(id)#notes")
        } again: { failure in
            try await again(req, id: id, form: form, names: ["body"], failure: failure)
        }
    }

    /// a question to a unit of the service department, answered by a time (two days when none is given).
    @Sendable func ask(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        _ = try await Complaints(req.store).get(id, for: principal)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let unit = form.int("orgUnitId", into: &v)
        if form.string("orgUnitId") == nil { v.add("orgUnitId", .required) }
        let due = form.localTime("dueAt", req.store.timeZone, into: &v)
        return try await FormCycle.run(req, page: "/complaints/\(id)#statements", labels: Self.labels) {
            try v.finish()
            _ = try await Statements(req.store).ask(
                about: id, of: unit ?? 0, question: form.string("question") ?? "", dueAt: due, by: principal)
            return req.redirect(to: "/complaints/\(id)#statements")
        } again: { failure in
            try await again(req, id: id, form: form, names: ["orgUnitId", "question", "dueAt"], failure: failure)
        }
    }

    // MARK: Corrective actions

    /// a corrective action with its owner and the day it is due.
    @Sendable func addAction(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        _ = try await Complaints(req.store).get(id, for: principal)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let due = form.string("dueOn").flatMap(CalendarDate.init(iso:))
        if form.string("dueOn") == nil {
            v.add("dueOn", .required)
        } else if due == nil {
            v.add("dueOn", .invalidFormat(expected: "YYYY-MM-DD"))
        }
        return try await FormCycle.run(req, page: "/complaints/\(id)#actions", labels: Self.labels) {
            try v.finish()
            _ = try await Complaints(req.store).addAction(
                form.string("description") ?? "", owner: form.string("owner") ?? "", dueOn: due!, to: id,
                by: principal)
            return req.redirect(to: "/complaints/\(id)#actions")
        } again: { failure in
            try await again(req, id: id, form: form, names: ["description", "owner", "dueOn"], failure: failure)
        }
    }

    /// a corrective action is done.
    @Sendable func finishAction(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        let actionId = try req.pageId("actionId")
        _ = try await Complaints(req.store).get(id, for: principal)
        return try await FormCycle.run(req, page: "/complaints/\(id)#actions", labels: Self.labels) {
            try await Complaints(req.store).finishAction(actionId, of: id, by: principal)
            return req.redirect(to: "/complaints/\(id)#actions")
        } again: { failure in
            var data = try await caseData(req, id: id)
            data.errors = failure.messages
            return try await renderCase(req, data: data, status: failure.status)
        }
    }

    // MARK: Supervision

    /// the supervisor's verdict on a complaint drawn for review; "reopened" handles it again.
    @Sendable func review(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        _ = try await Complaints(req.store).get(id, for: principal)
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let verdict = form.value("verdict", ReviewVerdict.self, into: &v)
        if form.string("verdict") == nil { v.add("verdict", .required) }
        return try await FormCycle.run(req, page: "/complaints/\(id)#review", labels: Self.labels) {
            try v.finish()
            _ = try await Complaints(req.store).review(
                id, verdict: verdict!, note: form.string("reviewNote"), by: principal)
            return req.redirect(to: "/complaints/\(id)#review")
        } again: { failure in
            try await again(req, id: id, form: form, names: ["verdict", "reviewNote"], failure: failure)
        }
    }
}
