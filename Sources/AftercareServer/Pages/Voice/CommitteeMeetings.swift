import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension CustomerVisitPages {
    // MARK: Customer committee meetings

    /// The fields of the new meeting form, given back as typed after a refusal (the decisions' rows apart).
    static let meetingFields = ["orgUnitId", "heldOn", "place", "attendees", "minutes"]

    func renderMeetings(
        _ req: Request, page: PageRequest = PageRequest(limit: CustomerVisitPages.pageSize),
        failed: MeetingsFailed? = nil, status: HTTPStatus = .ok
    ) async throws -> Response {
        let principal = try req.requirePrincipal()
        let data = MeetingsData(
            page: try await CustomerVisits(req.store).meetings(page: page),
            units: try await req.orgUnitChoices().options, today: req.store.today, failed: failed)
        return try await PageRenderer.render(
            "committee-meetings", title: "voice.meetingsTitle",
            Self.meetingsModel(data, principal: principal, req.localizer), for: req, status: status)
    }

    /// `/committee-meetings?cursor=`: the meetings, the latest held first, with their decisions; the form of a new one.
    @Sendable func meetings(_ req: Request) async throws -> Response {
        try await renderMeetings(req, page: try QueryReader(req: req).page(defaultLimit: Self.pageSize))
    }

    /// records a meeting with the decisions typed in its rows (rows left empty are not decisions).
    @Sendable func recordMeeting(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = try FormReader(req)
        var v = AftercareDomain.Validator()
        let orgUnitId = VoiceForms.number(form, "orgUnitId", into: &v)
        let heldOn = VoiceForms.day(form, "heldOn", into: &v)
        let texts = form.all("decisionText")
        let owners = form.all("decisionOwner")
        let dues = form.all("decisionDueOn")
        var decisions: [CommitteeDecisionInput] = []
        var typedDecisions: [[String: String]] = []
        for i in 0..<max(texts.count, owners.count, dues.count) {
            let row = [
                "text": i < texts.count ? texts[i].trimmingCharacters(in: .whitespacesAndNewlines) : "",
                "owner": i < owners.count ? owners[i].trimmingCharacters(in: .whitespacesAndNewlines) : "",
                "dueOn": i < dues.count ? dues[i].trimmingCharacters(in: .whitespacesAndNewlines) : "",
            ]
            guard row.values.contains(where: { !$0.isEmpty }) else { continue }
            typedDecisions.append(row)
            let dueOn = VoiceForms.day(
                row["dueOn"], "decisions[\(decisions.count)].dueOn", optional: true, into: &v)
            decisions.append(
                CommitteeDecisionInput(text: row["text"] ?? "", owner: row["owner"] ?? "", dueOn: dueOn))
        }
        return try await FormCycle.run(req, page: "/committee-meetings", labels: Self.labels) {
            try v.finish()
            guard let orgUnitId, let heldOn else { throw v.error }
            let meeting = try await CustomerVisits(req.store).recordMeeting(
                CommitteeMeetingInput(
                    orgUnitId: orgUnitId, heldOn: heldOn, place: form.string("place"),
                    attendees: form.string("attendees") ?? "", minutes: form.string("minutes") ?? "",
                    decisions: decisions),
                by: principal.actor)
            return req.redirect(to: "/committee-meetings#meeting-\(meeting.id)")
        } again: { failure in
            try await renderMeetings(
                req,
                failed: MeetingsFailed(
                    form: .new, typed: form.typed(Self.meetingFields), decisions: typedDecisions,
                    messages: failure.messages),
                status: failure.status)
        }
    }

    /// one decision of a meeting is done.
    @Sendable func decisionDone(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = try req.pageId()
        let visits = CustomerVisits(req.store)
        _ = try await visits.meeting(id)
        guard let text = req.parameters.get("index"), let index = Int(text), index >= 0 else {
            throw RecordNotFound(entity: "committeeDecision", id: 0)
        }
        return try await FormCycle.run(req, page: "/committee-meetings", labels: Self.labels) {
            _ = try await visits.markDecisionDone(id, index: index, by: principal.actor)
            return req.redirect(to: "/committee-meetings#meeting-\(id)")
        } again: { failure in
            try await renderMeetings(
                req, failed: MeetingsFailed(form: .done(id: id, index: index), messages: failure.messages),
                status: failure.status)
        }
    }
}
