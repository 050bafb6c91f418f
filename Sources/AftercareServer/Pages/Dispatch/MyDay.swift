import AftercareDispatch
import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension DispatchPages {
    // MARK: My day

    /// Reads the signed-in engineer's visits of `date`; none when the user is not an engineer.
    static func myDayData(_ req: Request, date: CalendarDate) async throws -> MyDayData {
        let principal = try req.requirePrincipal()
        let engineer = try await Engineers(req.store).of(userId: principal.userId)
        var visits: [VisitView] = []
        if let engineer {
            var filter = VisitFilter()
            filter.engineerId = engineer.id
            filter.date = date
            visits = try await Visits(req.store).list(filter, page: PageRequest(limit: 100)).items
        }
        return MyDayData(date: date, engineer: engineer, visits: visits)
    }

    /// the signed-in engineer's visits of a day, in route order, with what to take and the next steps.
    @Sendable func myDay(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let date = try QueryReader(req: req).date("date") ?? req.store.today
        let model = Self.myDayModel(try await Self.myDayData(req, date: date), principal: principal, req.localizer)
        return try await PageRenderer.render("my-day", title: "myDay.title", model, for: req)
    }
}
