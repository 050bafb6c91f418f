import AftercareStore
import Foundation
import Vapor

/// Post/redirect/get for failed forms: a refused form's page (what was typed, each problem named) is kept and the
/// browser is sent to the page's own address with `303 See Other`; that address shows the kept page once, with the
/// refusal's status. The address bar never shows a form's action, and a reload never posts the form again.
enum FormReturn {
    static let cookie = "aftercare_return"

    /// `response` (a page rendered for a failed post) kept for the signed-in user, and a redirect to `page`.
    /// Without a session (sign-in, reset) the page is shown where it was posted.
    static func redirect(_ response: Response, to page: String, for req: Request) async throws -> Response {
        guard let principal = req.principal, let body = response.body.string else { return response }
        let path = String(page.split(whereSeparator: { $0 == "?" || $0 == "#" }).first ?? "/")
        let token = try await FormReturns(req.store).keep(
            userId: principal.userId, path: path, status: Int(response.status.code), body: body)
        let redirect = req.redirect(to: page, redirectType: .normal)
        req.setCookie(cookie, token, maxAge: Int(FormReturns.lifetime), on: redirect)
        return redirect
    }
}

/// Shows a kept page on the GET that follows a failed post, once (see `FormReturn`).
struct FormReturnMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.method == .GET, let token = request.cookieValue(FormReturn.cookie),
            let principal = request.principal
        else { return try await next.respond(to: request) }
        guard
            let kept = try await FormReturns(request.store).take(
                token: token, userId: principal.userId, path: request.url.path)
        else { return try await next.respond(to: request) }
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        let response = Response(
            status: HTTPResponseStatus(statusCode: kept.status), headers: headers, body: .init(string: kept.body))
        request.setCookie(FormReturn.cookie, "", maxAge: 0, on: response)
        CSRF.attach(to: response, for: request)
        return response
    }
}
