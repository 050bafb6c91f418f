import AftercareDomain
import AftercareStore
import Foundation

/// the SLA panel of the request page: per target its state, due instant, elapsed and remaining time and
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
        conditions = l.conditions(e.policy?.conditions ?? [])
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
