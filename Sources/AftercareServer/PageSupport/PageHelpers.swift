import AftercareDomain
import AftercareStore
import Foundation
import Vapor

extension Request {
    /// The record id in a page's path (`/requests/:id`); anything else is a page that does not exist.
    func pageId(_ name: String = "id") throws -> Int {
        guard let text = parameters.get(name), let id = Int(text), id > 0 else {
            throw RecordNotFound(entity: "record", id: 0)
        }
        return id
    }

    /// The organisation units the caller sees, for a choice, and their names (`code · name`) by id.
    func orgUnitChoices() async throws -> (options: [OrgUnitRecord.View], names: [Int: String]) {
        let units = try await Records<OrgUnitRecord>(store).list(page: PageRequest(limit: 200)).items
        return (units, Dictionary(units.map { ($0.id, "\($0.code) · \($0.name)") }, uniquingKeysWith: { a, _ in a }))
    }
}

/// Links between pages.
enum PageLink {
    /// `path` with `items` as its query (nil values left out), percent-encoded.
    static func make(_ path: String, _ items: [(String, String?)]) -> String {
        var components = URLComponents()
        components.path = path
        let query = items.compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
        components.queryItems = query.isEmpty ? nil : query
        return components.string ?? path
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}

extension Calendar {
    /// Midnight of `date`'s day in `zone`.
    static func startOfDay(_ date: Date, in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.startOfDay(for: date)
    }
}

/// Numbers as people type them in a form: `1.5` or `1,5`.
enum TypedNumber {
    static func decimal(_ text: String?) -> Double? {
        guard let text, let value = Double(text.replacingOccurrences(of: ",", with: ".")), value.isFinite else {
            return nil
        }
        return value
    }
}

extension Request {
    /// A print form in the language its links ask for (`?lang=zh-Hant`), for this page only: the reader's own
    /// language is unchanged.
    func usePrintLanguage() {
        if let chosen = (try? query.get(String.self, at: "lang")).flatMap(Language.init) {
            principal?.locale = chosen
        }
    }
}
