// Issue 4's Domain figure: SLA due instants computed per second (three targets per request, a Shanghai office
// calendar with a holiday week, a timeline with a pause). Built by ../sla_clock.sh with the Domain sources.
import Foundation

let holidays = (1...7).map {
    CalendarException(date: CalendarDate(year: 2026, month: 10, day: $0)!, kind: .holiday, name: "国庆节")
}
let calendar = WorkingTime(BusinessCalendar(timeZone: "Asia/Shanghai", exceptions: holidays))!
let policy = SLAPolicy(
    id: 1, name: "standard", position: 0, isDefault: true,
    targets: [
        TargetRule(target: .firstResponse, minutes: 60, basis: .business),
        TargetRule(target: .onSite, minutes: 1440, basis: .calendar),
        TargetRule(target: .resolution, minutes: 480, basis: .business),
    ])
let base = 1_795_395_600.0
let timelines = (0..<1000).map { i -> ClockTimeline in
    let start = Date(timeIntervalSince1970: base + Double(i * 3571 % (30 * 86_400)))
    return ClockTimeline(
        registeredAt: start,
        events: [
            ClockEvent(at: start.addingTimeInterval(1800), event: "triage", to: .triaged),
            ClockEvent(at: start.addingTimeInterval(7200), event: "waitForCustomer", to: .waitingOnCustomer),
            ClockEvent(at: start.addingTimeInterval(86_400), event: "customerResponded", to: .triaged),
        ])
}
let now = Date(timeIntervalSince1970: base + 40 * 86_400)
var rates: [Double] = []
var sink = 0
for _ in 0..<7 {
    let began = Date()
    for _ in 0..<100 {
        for timeline in timelines {
            sink &+= SLAClock.evaluate(policy, timeline: timeline, workingTime: calendar, now: now).count
        }
    }
    rates.append(100_000 / Date().timeIntervalSince(began))
}
rates.sort()
print("sla_clock: \(Int(rates[3])) requests/s median of 7 runs (min \(Int(rates[0])), max \(Int(rates[6]))), checksum \(sink)")
