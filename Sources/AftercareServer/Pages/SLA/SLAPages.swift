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
