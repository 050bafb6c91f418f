import AftercareDispatch
import AftercareDomain
import AftercareStore
import Foundation

extension DispatchPages {
    // MARK: Visit: its model, from store views alone

    struct VisitModel: Encodable {
        struct Entry: Encodable {
            var at: String
            var actor: String
            var event: String
            var status: String
            var detail: String?
        }

        struct Part: Encodable {
            var factor: String
            var points: String
            var weight: String
            var detail: String
        }

        struct Candidate: Encodable {
            var engineerId: Int
            var name: String
            var external: Bool
            var eligible: Bool
            var top: Bool
            var score: String
            var parts: [Part]
            var blockers: [String]
        }

        struct EventForm: Encodable {
            var event: String
            var label: String
            var asksEngineer: Bool
            var asksWindow: Bool
            var asksReason: Bool
            var asksConsent: Bool
            var asksResolved: Bool
            var asksNextStep: Bool
            var asksDisplace: Bool
        }

        struct Conflict: Encodable {
            var code: String
            var message: String
        }

        struct Displaced: Encodable {
            var visitId: Int
            var requestNumber: String
            var customerName: String
            var contactName: String?
            var contactPhone: String?
            var tel: String?
            var window: String?
        }

        var id: Int
        var version: Int
        var sequence: Int
        var requestId: Int
        var requestNumber: String
        var customerName: String
        var contactName: String?
        var contactPhone: String?
        var tel: String?
        var address: String?
        var geo: String?
        var osm: String?
        var window: String?
        var plannedArrival: String?
        var departure: String?
        var engineer: String?
        var status: String
        var statusCode: String
        var purpose: String
        var priority: String
        var priorityCode: String
        var emergency: Bool
        var duration: String
        var tools: [String]
        var parts: [String]
        var loanerUnit: Bool
        var preparationNotes: String?
        var skills: [String]
        var certifications: [String]
        var nextStep: String?
        var note: String?
        var timeline: [Entry]
        var showRecommendations: Bool
        var candidates: [Candidate]
        var recommendedEngineerId: Int?
        var forms: [EventForm]
        var engineerOptions: [SelectOption]
        var nextStepOptions: [SelectOption]
        var windowStart: String
        var windowEnd: String
        var reason: String
        var errors: [FieldMessage]
        var conflicts: [Conflict]
        var displaced: [Displaced]
        var followUpVisitId: Int?
        var partsPanel: PartsPanel?
        var reportsPanel: ReportsPanel
    }

    /// R-4.5: the visit's requisitions and, for those who may ask, the form that turns its likely parts into one.
    struct PartsPanel: Encodable {
        var rows: [RequisitionRow]
        var canRequest: Bool
        var warehouseOptions: [SelectOption]
    }

    /// What was typed into an event form that failed.
    struct Typed {
        var engineerId: Int?
        var windowStart = ""
        var windowEnd = ""
        var reason = ""
    }

    /// The events `principal` may take on `visit` now: a dispatcher any allowed one; an engineer the field events
    /// of their own visits.
    static func events(_ visit: VisitView, _ principal: Principal, engineer: EngineerRecord.View?) -> [VisitEventKind] {
        if principal.may(.dispatchVisits) { return visit.allowedEvents }
        guard let engineer, visit.engineerId == engineer.id else { return [] }
        return visit.allowedEvents.filter { principal.may(Action.for(visit: $0)) }
    }

    /// An appointment conflict in the reader's language.
    /// An overlapping visit is named as people know it: its customer and its time (`others`, by id).
    static func conflict(
        _ conflict: AppointmentConflict, lines: [Int: String], others: [Int: VisitView], _ l: Localizer
    ) -> String {
        let text = l.t("conflict.\(conflict.code)")
        switch conflict {
        case .overlaps(let id):
            guard let other = others[id] else { return l.t("conflict.overlapsUnseen") }
            let time =
                other.plannedArrival.map { l.clock($0) } ?? l.window(other.windowStart, other.windowEnd) ?? ""
            return text.replacingOccurrences(of: "{customer}", with: other.customerName)
                .replacingOccurrences(of: "{time}", with: time)
        case .outsideWorkingHours: return text
        case .absent(let reason): return text.replacingOccurrences(of: "{reason}", with: reason)
        case .dayFull(let limit): return text.replacingOccurrences(of: "{n}", with: l.number(limit))
        case .lacksSkill(let line, let level, let required):
            return text.replacingOccurrences(of: "{line}", with: lines[line] ?? "#\(line)")
                .replacingOccurrences(of: "{level}", with: l.number(level))
                .replacingOccurrences(of: "{required}", with: l.number(required))
        }
    }

    /// Why the planner left a visit out, in the reader's language where the page knows the planner's words.
    static func unplannedReason(_ reason: String, _ l: Localizer) -> String {
        let known: [(String, String)] = [
            ("no feasible slot", "noSlot"), ("optional:", "optional"), ("no engineer has the skills", "skills"),
            ("the window lies outside", "window"), ("no coordinates", "noCoordinates"),
            ("its engineer is not working", "engineerAway"), ("no vehicle", "capacity"), ("demand", "capacity"),
            ("pinned vehicle", "engineerAway"),
        ]
        guard let code = known.first(where: { reason.hasPrefix($0.0) })?.1 else { return reason }
        return l.t("unplanned.\(code)")
    }

    /// A recommendation's blocker in the reader's language where the page knows the planner's words.
    static func blocker(_ text: String, lines: [Int: String], _ l: Localizer) -> String {
        let words = text.split(separator: " ").map(String.init)
        if text.hasPrefix("needs level"), words.count == 7, let level = Int(words[2]), let line = Int(words[6]) {
            return l.t("blocker.skill").replacingOccurrences(of: "{level}", with: l.number(level))
                .replacingOccurrences(of: "{line}", with: lines[line] ?? "#\(line)")
        }
        if text.hasPrefix("no valid certification ") {
            return l.t("blocker.certification").replacingOccurrences(
                of: "{name}", with: String(text.dropFirst("no valid certification ".count)))
        }
        if text.hasPrefix("away: ") {
            return l.t("blocker.away").replacingOccurrences(
                of: "{reason}", with: String(text.dropFirst("away: ".count)))
        }
        return text
    }

    /// A score part's fact in the reader's language where the page knows it, else as the planner said it.
    static func partDetail(_ part: AssignmentScore.Part, _ r: Recommendation, max: Int?, _ l: Localizer) -> String {
        switch part.factor {
        case "travel":
            return l.t("recommendation.travel").replacingOccurrences(
                of: "{time}", with: l.duration(seconds: r.travelSeconds))
        case "load":
            guard let max else { return part.detail }
            return l.t("recommendation.load").replacingOccurrences(of: "{n}", with: l.number(r.visitsThatDay))
                .replacingOccurrences(of: "{max}", with: l.number(max))
        case "partner": return l.t("recommendation.partner")
        case "deadline":
            guard let seconds = part.seconds else { return part.detail }
            let key =
                part.againstDue != true
                ? "recommendation.earliest" : seconds >= 0 ? "recommendation.beforeDue" : "recommendation.afterDue"
            return l.t(key).replacingOccurrences(of: "{time}", with: l.duration(seconds: abs(seconds)))
        case "skill":
            let words = part.detail.split(separator: " ")
            if part.detail.hasPrefix("level "), words.count > 1, let margin = Int(words[1]) {
                return l.t("recommendation.skillMargin").replacingOccurrences(of: "{n}", with: l.number(margin))
            }
            return part.detail.hasPrefix("below") ? l.t("recommendation.skillBelow") : part.detail
        default: return part.detail
        }
    }

    /// R-4.5: whether `principal` may turn `visit`'s likely parts into a requisition, as the API allows: an engineer
    /// only on their own visit; a dispatcher (or whoever does more than an engineer) on any visit they can see.
    static func mayRequestParts(_ visit: VisitView, _ principal: Principal, engineer: EngineerRecord.View?) -> Bool {
        guard principal.may(.requestParts) else { return false }
        guard principal.ownRequisitionsOnly else { return true }
        guard let engineer else { return false }
        return visit.engineerId == engineer.id
    }

    /// R-4.5: whether `principal` may turn `visit`'s likely parts into a requisition now: they may ask for it, the
    /// visit has an engineer, and its preparation list names a catalogue part.
    static func canRequestParts(_ visit: VisitView, _ principal: Principal, engineer: EngineerRecord.View?) -> Bool {
        mayRequestParts(visit, principal, engineer: engineer) && visit.engineerId != nil
            && visit.preparation.parts.contains { !($0.partNumber ?? "").isEmpty }
    }

    /// R-4.5: the visit page's parts panel from its requisitions, for those who may see stock; `nil` for the others.
    static func partsPanel(
        _ requisitions: [RequisitionView]?, warehouses: [WarehouseRecord.View], _ visit: VisitView,
        principal: Principal, engineer: EngineerRecord.View?, warehouseId: Int?, _ l: Localizer
    ) -> PartsPanel? {
        guard principal.may(.viewStock), let requisitions else { return nil }
        let canRequest = canRequestParts(visit, principal, engineer: engineer)
        return PartsPanel(
            rows: requisitions.map { RequisitionRow($0, l) }, canRequest: canRequest,
            warehouseOptions: SelectOption.warehouses(canRequest ? warehouses : [], selected: warehouseId, l))
    }

    /// What the visit page shows, as read from the store for the caller; what the caller may not see is empty or
    /// nil.
    struct VisitData {
        var visit: VisitView
        /// Product line names by id (`code · name`), for the skills and the planner's words.
        var lines: [Int: String]
        /// The caller's own engineer record, if they are an engineer.
        var own: EngineerRecord.View?
        /// The engineers to choose from, for a dispatcher; empty for the others.
        var engineers: [EngineerRecord.View]
        /// The planner's recommendations for an open visit, for a dispatcher; empty otherwise.
        var candidates: [Recommendation]
        /// R-4.5: the visit's requisitions (an engineer-only caller's own), for those who may see stock; nil for the
        /// others.
        var requisitions: [RequisitionView]?
        /// R-4.5: the warehouses that may issue the visit's parts, when the caller may request them; else empty.
        var warehouses: [WarehouseRecord.View]
        /// R-5.1: the request's units and the visit's reports.
        var units: [RequestUnitView] = []
        var reports: [ServiceReportView] = []
    }

    /// R-4.2–R-4.5: the visit page for `principal` in the reader's language (and the deployment's zone,
    /// `l.timeZone`): the events they may take, the recommendations for a dispatcher, the parts panel, and what a
    /// failed form held.
    static func visitModel(
        _ data: VisitData, principal: Principal, _ l: Localizer, typed: Typed? = nil, errors: [FieldMessage] = [],
        conflicts: [VisitModel.Conflict] = [], result: VisitEventResult? = nil, warehouseId: Int? = nil
    ) -> VisitModel {
        let zone = l.timeZone
        let visit = data.visit
        let lines = data.lines
        let own = data.own
        let dispatcher = principal.may(.dispatchVisits)
        let engineers = data.engineers
        let candidates = data.candidates
        let top = candidates.first { $0.eligible }?.engineerId
        let maxima = Dictionary(engineers.map { ($0.id, $0.maxVisitsPerDay) }, uniquingKeysWith: { a, _ in a })
        let forms = Self.events(visit, principal, engineer: own).filter { $0 != .assign }.map { event in
            VisitModel.EventForm(
                event: event.rawValue, label: l.t("visitEvent.\(event.rawValue)"),
                asksEngineer: dispatcher && (event == .schedule || event == .reschedule),
                asksWindow: event == .schedule || event == .reschedule, asksReason: event.requiresReason,
                asksConsent: event == .reschedule, asksResolved: event == .complete,
                asksNextStep: event == .reportIncomplete, asksDisplace: event == .schedule && visit.emergency)
        }
        let chosen = typed?.engineerId ?? visit.engineerId ?? top
        let prep = visit.preparation
        let site = visit.latitude.flatMap { lat in visit.longitude.map { (lat, $0) } }
        return VisitModel(
            id: visit.id, version: visit.version, sequence: visit.sequence, requestId: visit.requestId,
            requestNumber: visit.requestNumber, customerName: visit.customerName, contactName: visit.contactName,
            contactPhone: visit.contactPhone, tel: PageLink.tel(visit.contactPhone), address: visit.address,
            geo: site.map { "geo:\($0.0),\($0.1)" },
            osm: site.map { "https://www.openstreetmap.org/?mlat=\($0.0)&mlon=\($0.1)" },
            window: l.window(visit.windowStart, visit.windowEnd),
            plannedArrival: visit.plannedArrival.map { l.dateTime($0) },
            departure: visit.departureAt.map { l.clock($0) }, engineer: visit.engineerName,
            status: l.t("visitStatus.\(visit.status.rawValue)"), statusCode: visit.status.rawValue,
            purpose: l.t("visitPurpose.\(visit.purpose.rawValue)"),
            priority: l.t("priority.\(visit.priority.rawValue)"),
            priorityCode: visit.priority.rawValue, emergency: visit.emergency,
            duration: l.duration(seconds: visit.durationMinutes * 60), tools: prep.tools,
            parts: prep.parts.map { part in
                [part.partNumber, part.name, "× \(l.number(part.quantity))"].compactMap { $0 }.joined(separator: " ")
            }, loanerUnit: prep.loanerUnit, preparationNotes: prep.notes,
            skills: visit.requiredSkills.map {
                "\(lines[$0.productLineId] ?? "#\($0.productLineId)") ≥ \(l.number($0.minimumLevel))"
            }, certifications: visit.requiredCertifications,
            nextStep: visit.nextStep.map { l.t("visitNextStep.\($0.rawValue)") }, note: visit.note,
            timeline: (visit.timeline ?? []).map { entry in
                var detail: [String] = []
                if let start = entry.windowStart { detail.append(l.window(start, entry.windowEnd) ?? "") }
                if let reason = entry.reason { detail.append(reason) }
                if let followed = entry.followedRecommendation {
                    detail.append(l.t(followed ? "visit.followedRecommendation" : "visit.overrodeRecommendation"))
                }
                return .init(
                    at: l.dateTime(entry.at), actor: entry.actor, event: l.t("visitEvent.\(entry.event.rawValue)"),
                    status: l.t("visitStatus.\(entry.to.rawValue)"),
                    detail: detail.isEmpty ? nil : detail.joined(separator: " · "))
            }, showRecommendations: dispatcher && visit.status.isOpen,
            candidates: candidates.map { r in
                .init(
                    engineerId: r.engineerId, name: r.engineerName, external: r.external, eligible: r.eligible,
                    top: r.engineerId == top, score: l.number(r.score, digits: 1),
                    parts: r.parts.map { part in
                        .init(
                            factor: l.catalogue.has("factor.\(part.factor)")
                                ? l.t("factor.\(part.factor)") : part.factor,
                            points: l.number(part.points, digits: 0),
                            weight: l.number(part.weight, digits: 2),
                            detail: Self.partDetail(part, r, max: maxima[r.engineerId], l))
                    }, blockers: r.blockers.map { Self.blocker($0, lines: lines, l) })
            }, recommendedEngineerId: top,
            forms: forms,
            engineerOptions: engineers.map {
                SelectOption(value: "\($0.id)", label: $0.name, selected: $0.id == chosen)
            },
            nextStepOptions: SelectOption.of(VisitNextStep.self, prefix: "visitNextStep", selected: nil, l),
            windowStart: typed?.windowStart ?? LocalTime.input(visit.windowStart, zone),
            windowEnd: typed?.windowEnd ?? LocalTime.input(visit.windowEnd, zone), reason: typed?.reason ?? "",
            errors: errors, conflicts: conflicts,
            displaced: (result?.displaced ?? []).map {
                .init(
                    visitId: $0.visitId, requestNumber: $0.requestNumber, customerName: $0.customerName,
                    contactName: $0.contactName, contactPhone: $0.contactPhone, tel: PageLink.tel($0.contactPhone),
                    window: l.window($0.windowStart, $0.windowEnd))
            }, followUpVisitId: result?.followUpVisitId,
            partsPanel: Self.partsPanel(
                data.requisitions, warehouses: data.warehouses, visit, principal: principal, engineer: own,
                warehouseId: warehouseId, l),
            reportsPanel: Self.reportsPanel(
                visit, units: data.units, reports: data.reports, principal: principal, engineer: own, l))
    }
}
