import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension DeskPages {
    // MARK: Printable registration form

    /// Reads the request and its customer (whom the form names even beyond the caller's scope).
    static func printData(_ req: Request, id: Int) async throws -> PrintData {
        let view = try await ServiceRequests(req.store).get(id)
        let customer = try? await Records<CustomerRecord>(req.store.seen(within: .everything)).get(view.customerId)
        return PrintData(view: view, customer: customer)
    }

    /// 售后服务登记表: one request, one or several units, in the chosen language (`?lang=`), print-friendly.
    @Sendable func printForm(_ req: Request) async throws -> Response {
        req.usePrintLanguage()
        let l = req.localizer
        let model = Self.printModel(
            try await Self.printData(req, id: req.pageId()), principal: try req.requirePrincipal(), l,
            now: req.store.now)
        return try await PageRenderer.render("print-registration", title: "print.title", model, for: req)
    }
}
