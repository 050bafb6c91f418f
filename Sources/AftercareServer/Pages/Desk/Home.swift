import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension DeskPages {
    // MARK: Home

    /// Reads what the home page shows for the caller: only the lists and figures their roles call for.
    static func homeData(_ req: Request, principal: Principal) async throws -> HomeData {
        let requests = ServiceRequests(req.store)
        var data = HomeData()
        func rows(_ filter: RequestFilter) async throws -> [ServiceRequestView] {
            try await requests.list(filter, page: PageRequest(limit: 10)).items
        }
        if principal.may(.registerRequests) {
            var new = RequestFilter()
            new.statuses = [.registered]
            data.new = try await rows(new)
            var mine = RequestFilter()
            mine.createdBy = principal.username
            data.mine = try await rows(mine)
        }
        if principal.may(.triageRequests) {
            var unassigned = RequestFilter()
            unassigned.statuses = [.triaged]
            data.unassigned = try await rows(unassigned)
            var urgent = RequestFilter()
            urgent.statuses = RequestStatus.allCases.filter(\.isOpen)
            urgent.priorities = [.emergency, .high]
            data.urgent = try await rows(urgent)
        }
        // the quality inspector's cases of product defects, the complaint handler's requests that came
        // back or broke a commitment, the account manager's key customers' open requests.
        if principal.roles.contains(.qualityInspector) {
            var defects = RequestFilter()
            defects.faultCauses = [.qualityDefect]
            data.qualityDefects = try await rows(defects)
        }
        if principal.roles.contains(.complaintHandler) || principal.roles.contains(.accountManager) {
            var key = RequestFilter()
            key.statuses = RequestStatus.allCases.filter(\.isOpen)
            key.customerTiers = [.key]
            data.keyCustomers = try await rows(key)
        }
        if principal.may(.viewSLA),
            !principal.roles.isDisjoint(with: [.serviceManager, .administrator, .complaintHandler])
        {
            data.atRisk = try await SLAReports(req.store).queue(.atRisk, page: PageRequest(limit: 10)).items
        }
        if principal.roles.contains(.serviceManager) || principal.roles.contains(.administrator) {
            let start = Calendar.startOfDay(req.store.now, in: req.store.timeZone)
            var registered = RequestFilter()
            registered.createdFrom = start
            let registeredToday = try await requests.count(registered, cap: 10_000)
            let resolved = try await requests.eventCount(["resolve", "resolveRemotely"], since: start, cap: 10_000)
            var openNow: [(status: RequestStatus, count: Int)] = []
            for status in RequestStatus.allCases where status.isOpen {
                var open = RequestFilter()
                open.statuses = [status]
                openNow.append((status, try await requests.count(open, cap: 10_000)))
            }
            data.figures = HomeFigures(registeredToday: registeredToday, resolvedToday: resolved, openNow: openNow)
        }
        let none =
            data.new == nil && data.mine == nil && data.unassigned == nil && data.urgent == nil
            && data.qualityDefects == nil && data.keyCustomers == nil
        if none && principal.may(.viewRequests) {
            data.recent = try await rows(RequestFilter())
        }
        return data
    }

    @Sendable func home(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        // Each person lands on their daily work (Landing): the board, My day, the requisitions worklist, the portal.
        let landing = Landing.for(principal.roles)
        if landing != .desk { return req.redirect(to: landing.path) }
        let model = Self.homeModel(
            try await Self.homeData(req, principal: principal), principal: principal, req.localizer)
        return try await PageRenderer.render("home", title: "home.title", model, for: req)
    }
}
