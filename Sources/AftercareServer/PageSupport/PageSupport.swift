import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// What every page shows around its content: language, the signed-in person, navigation, the CSRF token.
struct Chrome: Encodable {
    struct Option: Encodable {
        var code: String
        var name: String
        var selected: Bool
    }

    struct User: Encodable {
        var displayName: String
        var username: String
        var isCustomer: Bool
        var canViewRequests: Bool
        var canRegister: Bool
        var canManageUsers: Bool
        var canManageMail = false
        var canViewSLA = false
        var canManageSLA = false
        var canHandleFollowUps = false
        var canViewVisits = false
        var isEngineer = false
        var canManageEngineers = false
        /// stock pages; the engineer's own van.
        var canViewStock = false
        var canViewFees = false
        /// the fee documents' worklist and the fee report.
        var canBill = false
        /// the depot board, the loaner pool and the nonconformity table.
        var canViewReturns = false
        /// the review worklist and the spot checks.
        var canReviewReports = false
        var canCheckQuality = false
        /// the complaint desk (handlers), the hotline's complaint intake, the statements asked of the service
        /// department, the complaint statistics.
        var canHandleComplaints = false
        var canFileComplaints = false
        var canAnswerStatements = false
        var canViewComplaintStats = false
        var canViewSurveyResults = false
        var canRecordSurveyAnswers = false
        /// suggestions, surveys, customer visits and mystery shopping.
        var canHandleSuggestions = false
        var canPlanCustomerVisits = false
        var canMysteryShop = false
        var hasVan = false
        /// Unread notifications, `99+` beyond 99; `nil` when none.
        var unread: String?
    }

    var csrf: String
    var path: String
    var user: User?
    var languages: [Option]
}

extension Chrome {
    /// The chrome of every page: the navigation the caller's roles open, the unread count, the languages.
    init(principal: Principal?, _ localizer: Localizer, csrf: String, path: String, unread: Int?) {
        self.init(
            csrf: csrf, path: path,
            user: principal.map {
                Chrome.User(
                    displayName: $0.displayName, username: $0.username, isCustomer: $0.roles.contains(.customer),
                    canViewRequests: $0.may(.viewRequests), canRegister: $0.may(.registerRequests),
                    canManageUsers: $0.may(.manageUsers), canManageMail: $0.may(.manageMail),
                    canViewSLA: $0.may(.viewSLA),
                    canManageSLA: $0.may(.manageSLA),
                    canHandleFollowUps: $0.may(.handleFollowUps),
                    canViewVisits: $0.may(.viewVisits),
                    isEngineer: $0.roles.contains(.fieldEngineer) && $0.may(.workVisits),
                    canManageEngineers: $0.may(.manageEngineers),
                    canViewStock: $0.may(.viewStock), canViewFees: $0.may(.viewFees), canBill: $0.may(.billFees),
                    canViewReturns: $0.may(.viewReturns),
                    canReviewReports: $0.may(.reviewReports), canCheckQuality: $0.may(.checkQuality),
                    canHandleComplaints: $0.may(.handleComplaints), canFileComplaints: $0.may(.fileComplaints),
                    canAnswerStatements: $0.may(.answerStatements),
                    canViewComplaintStats: $0.may(.viewComplaintStats),
                    canViewSurveyResults: $0.may(.viewSurveyResults),
                    canRecordSurveyAnswers: $0.may(.recordSurveyAnswers),
                    canHandleSuggestions: $0.may(.handleSuggestions),
                    canPlanCustomerVisits: $0.may(.planCustomerVisits), canMysteryShop: $0.may(.mysteryShopping),
                    hasVan: $0.roles.contains(.fieldEngineer) && $0.may(.requestParts),
                    unread: unread.flatMap { $0 == 0 ? nil : $0 > 99 ? "99+" : localizer.number($0) })
            },
            languages: Language.allCases.map {
                Chrome.Option(code: $0.rawValue, name: $0.nativeName, selected: $0 == localizer.language)
            })
    }
}

/// The context of a page: `lang` on top (the `#t` tag reads it), the chrome, and the page's own model.
struct PageContext<Model: Encodable>: Encodable {
    var lang: String
    var title: String
    var chrome: Chrome
    var page: Model
}

enum PageRenderer {
    /// The page's own address with its query (a filtered list stays filtered when the language changes), or the
    /// path alone when the whole would not be a safe place to come back to.
    static func here(_ req: Request) -> String {
        guard let query = req.url.query, !query.isEmpty else { return req.url.path }
        let whole = req.url.path + "?" + query
        return LocalRedirect.isSafe(whole) ? whole : req.url.path
    }

    /// Renders `template` with the chrome around `model`, with status `status`.
    static func render<Model: Encodable>(
        _ template: String, title: String, _ model: Model, for req: Request, status: HTTPStatus = .ok
    ) async throws -> Response {
        let localizer = req.localizer
        let principal = req.principal
        var unread: Int?
        if let principal { unread = try? await Inbox(store: req.store, userId: principal.userId).unreadCount(cap: 100) }
        let chrome = Chrome(
            principal: principal, localizer, csrf: CSRF.token(for: req), path: Self.here(req), unread: unread)
        let context = PageContext(
            lang: localizer.language.rawValue, title: localizer.t(title), chrome: chrome, page: model)
        let view = try await req.view.render(template, context)
        let response = try await view.encodeResponse(status: status, for: req)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        CSRF.attach(to: response, for: req)
        return response
    }
}

/// Reading HTML form posts: every field a string, checked by the use case.
struct FormReader {
    let req: Request
    private let fields: [String: String]
    private let lists: [String: [String]]

    init(_ req: Request) throws {
        self.req = req
        guard let body = req.body.string else {
            fields = [:]
            lists = [:]
            return
        }
        var fields: [String: String] = [:]
        var lists: [String: [String]] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            if fields[key] == nil { fields[key] = value }
            lists[key, default: []].append(value)
        }
        self.fields = fields
        self.lists = lists
    }

    static func decode(_ text: Substring) -> String {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
    }

    /// The field's text, `nil` when absent or blank.
    func string(_ name: String) -> String? {
        guard let value = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            return nil
        }
        return value
    }

    /// The raw text (passwords are not trimmed).
    func raw(_ name: String) -> String { fields[name] ?? "" }

    /// What was typed in `names` (those not left blank), to give a refused form back as it was.
    func typed(_ names: [String]) -> [String: String] {
        Dictionary(names.compactMap { name in string(name).map { (name, $0) } }, uniquingKeysWith: { a, _ in a })
    }

    func all(_ name: String) -> [String] { lists[name] ?? [] }

    /// The form's one-time nonce as an idempotency key: a double click registers one record, not two.
    func nonceKey(_ scope: String, for principal: Principal) -> IdempotencyKey? {
        string("nonce").map {
            IdempotencyKey(key: String($0.prefix(100)), scope: "form \(scope) \(principal.userId)", fingerprint: "form")
        }
    }

    func bool(_ name: String) -> Bool { ["1", "on", "true", "yes"].contains(fields[name] ?? "") }

    /// An integer field; a present but malformed value is a validation problem.
    func int(_ name: String, into v: inout AftercareDomain.Validator) -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text) else {
            v.add(name, .invalidFormat(expected: "a whole number"))
            return nil
        }
        return value
    }

    func value<T: CodedEnum>(_ name: String, _ type: T.Type, into v: inout AftercareDomain.Validator) -> T? {
        guard let text = string(name) else { return nil }
        guard let value = T(rawValue: text) else {
            v.add(name, .invalidValue(allowed: T.allowedValues))
            return nil
        }
        return value
    }
}

/// Options of a `<select>` in the reader's language.
struct SelectOption: Encodable {
    var value: String
    var label: String
    var selected: Bool

    static func of<T: CodedEnum>(_ type: T.Type, prefix: String, selected: T?, _ l: Localizer) -> [SelectOption] {
        T.allCases.map {
            SelectOption(value: $0.rawValue, label: l.t("\(prefix).\($0.rawValue)"), selected: $0 == selected)
        }
    }
}

extension Language {
    /// The language's name in itself, as a language menu shows it.
    var nativeName: String {
        switch self {
        case .zhHans: "简体中文"
        case .zhHant: "繁體中文"
        case .en: "English"
        case .es: "Español"
        }
    }
}
