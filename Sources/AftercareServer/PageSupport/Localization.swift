import AftercareDomain
import Foundation
import LeafKit
import Vapor

/// R-14.3: every UI string in four languages, read from `Resources/Locales/<language>.json`.
struct Catalogue: Sendable {
    let strings: [Language: [String: String]]

    /// Reads the four catalogues from `directory`; a missing or unreadable one stops start-up.
    static func load(from directory: URL) throws -> Catalogue {
        var strings: [Language: [String: String]] = [:]
        for language in Language.allCases {
            let url = directory.appendingPathComponent("\(language.rawValue).json")
            let data = try Data(contentsOf: url)
            strings[language] = try JSONDecoder().decode([String: String].self, from: data)
        }
        return Catalogue(strings: strings)
    }

    /// The text of `key`, falling back to English and then to the key itself.
    func text(_ key: String, _ language: Language) -> String {
        strings[language]?[key] ?? strings[.en]?[key] ?? key
    }

    func has(_ key: String) -> Bool { strings[.en]?[key] != nil }
}

struct CatalogueKey: StorageKey {
    typealias Value = Catalogue
}

/// `#t("key")` or `#t("prefix", value)` (the key `prefix.value`) in the page's language (`lang` in the context).
/// An unknown key fails the render, so that a page cannot show a key nobody translated.
struct TranslateTag: LeafTag {
    let catalogue: Catalogue

    func render(_ ctx: LeafContext) throws -> LeafData {
        let parts = ctx.parameters.compactMap { $0.string }
        guard !parts.isEmpty, parts.count == ctx.parameters.count else {
            throw LeafError(.unknownError("#t needs one or two strings"))
        }
        let key = parts.joined(separator: ".")
        guard catalogue.has(key) else { throw LeafError(.unknownError("no translation for \(key)")) }
        let language = ctx.data["lang"]?.string.flatMap(Language.init) ?? .en
        return .string(catalogue.text(key, language))
    }
}

/// The language, time zone and formats of one page view.
struct Localizer: Sendable {
    let language: Language
    let timeZone: TimeZone
    let catalogue: Catalogue

    var locale: Locale { Locale(identifier: language.rawValue) }

    func t(_ key: String) -> String { catalogue.text(key, language) }

    /// A date and time in the reader's language and the deployment's zone.
    func dateTime(_ date: Date) -> String {
        date.formatted(Date.FormatStyle(date: .numeric, time: .shortened, locale: locale, timeZone: timeZone))
    }

    func date(_ date: Date) -> String {
        date.formatted(Date.FormatStyle(date: .abbreviated, time: .omitted, locale: locale, timeZone: timeZone))
    }

    func number(_ value: Int) -> String {
        value.formatted(.number.locale(locale))
    }

    /// A count that was capped: `1,000+` when there were more.
    func capped(_ value: Int, cap: Int) -> String {
        value > cap ? number(cap) + "+" : number(value)
    }

    /// A duration in hours and minutes, `3 h 05 min`, localized by the catalogue's units.
    func duration(seconds: Int) -> String {
        let minutes = max(0, seconds) / 60
        let days = minutes / 1440
        let hours = (minutes % 1440) / 60
        let rest = minutes % 60
        if days > 0 { return "\(number(days)) \(t("time.days")) \(hours) \(t("time.hours"))" }
        if hours > 0 { return "\(hours) \(t("time.hours")) \(rest) \(t("time.minutes"))" }
        return "\(rest) \(t("time.minutes"))"
    }
}

extension Request {
    /// R-14.3: the user's preference, else the language cookie, else `Accept-Language`, else the deployment's.
    var language: Language {
        if let chosen = principal?.locale { return chosen }
        if let cookie = cookieValue(Cookies.language), let language = Language(rawValue: cookie) {
            return language
        }
        if let header = headers.first(name: .acceptLanguage), let language = Language.negotiate(acceptLanguage: header)
        {
            return language
        }
        return application.storage[PageSettingsKey.self]?.defaultLanguage ?? .zhHans
    }

    var localizer: Localizer {
        Localizer(
            language: language, timeZone: store.timeZone, catalogue: application.storage[CatalogueKey.self]!)
    }
}

struct PageSettingsKey: StorageKey {
    typealias Value = PageSettings
}

struct PageSettings: Sendable {
    var defaultLanguage: Language
}

/// Leaf switches its template cache off in Vapor's development environment (the default of `serve`), which
/// re-reads and re-parses every template on every page. Pages are the product here: templates are parsed once
/// per process, whatever the environment.
final class TemplateCache: LeafCache, @unchecked Sendable {
    private let inner = DefaultLeafCache()

    var isEnabled: Bool {
        get { true }
        set {}
    }

    var count: Int { inner.count }

    func insert(_ document: LeafAST, on loop: any EventLoop, replace: Bool) -> EventLoopFuture<LeafAST> {
        inner.insert(document, on: loop, replace: replace)
    }

    func retrieve(documentName: String, on loop: any EventLoop) -> EventLoopFuture<LeafAST?> {
        inner.retrieve(documentName: documentName, on: loop)
    }

    func remove(_ documentName: String, on loop: any EventLoop) -> EventLoopFuture<Bool?> {
        inner.remove(documentName, on: loop)
    }
}
