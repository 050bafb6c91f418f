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
