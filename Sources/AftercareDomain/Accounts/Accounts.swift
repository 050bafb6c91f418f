import Foundation

/// the languages of the user interface.
public enum Language: String, CodedEnum {
    case zhHans = "zh-Hans"
    case zhHant = "zh-Hant"
    case en
    case es

    /// The best language for an `Accept-Language` header, or `nil` when it names none of ours.
    /// `zh-TW`, `zh-HK`, `zh-MO` and `zh-Hant-*` are Traditional Chinese; any other `zh` is Simplified.
    public static func negotiate(acceptLanguage header: String) -> Language? {
        var choices: [(language: Language, quality: Double, order: Int)] = []
        for (order, part) in header.split(separator: ",").enumerated() {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased(), !tag.isEmpty else { continue }
            var quality = 1.0
            for parameter in pieces.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            guard quality > 0, let language = match(tag) else { continue }
            choices.append((language, quality, order))
        }
        return choices.sorted { ($0.quality, -$0.order) > ($1.quality, -$1.order) }.first?.language
    }

    /// One language tag (`es-MX`, `zh-TW`, `en`) as one of ours.
    public static func match(_ tag: String) -> Language? {
        let parts = tag.lowercased().split(separator: "-").map(String.init)
        switch parts.first {
        case "zh":
            let rest = Set(parts.dropFirst())
            return rest.isDisjoint(with: ["hant", "tw", "hk", "mo"]) ? .zhHans : .zhHant
        case "en": return .en
        case "es": return .es
        default: return nil
        }
    }
}

/// Lockout and back-off after failed sign-ins, per account and per address.
public struct LoginThrottle: Sendable, Equatable {
    /// Failures allowed before the key is locked.
    public var limit: Int
    /// Failures older than this are forgotten.
    public var window: TimeInterval
    /// The first lock's length; each further failure doubles it, up to `maximumLock`.
    public var firstLock: TimeInterval
    public var maximumLock: TimeInterval

    public init(limit: Int, window: TimeInterval, firstLock: TimeInterval, maximumLock: TimeInterval) {
        self.limit = limit
        self.window = window
        self.firstLock = firstLock
        self.maximumLock = maximumLock
    }

    /// One account: five tries, then one minute, doubling to fifteen.
    public static let account = LoginThrottle(limit: 5, window: 900, firstLock: 60, maximumLock: 900)
    /// One address (many accounts tried from one place): twenty tries, then fifteen minutes.
    public static let address = LoginThrottle(limit: 20, window: 900, firstLock: 900, maximumLock: 3600)
    /// the public forms (a complaint, a suggestion, a survey answer) from one address: every
    /// submission counts; ten an hour, then an hour's wait.
    public static let publicForm = LoginThrottle(limit: 10, window: 3600, firstLock: 3600, maximumLock: 3600)

    /// The state of one key after another failure at `now`.
    public func failed(_ state: State?, at now: Date) -> State {
        var state = state ?? State(failures: 0, firstFailureAt: now, lockedUntil: nil)
        if now.timeIntervalSince(state.firstFailureAt) > window, !state.isLocked(at: now) {
            state = State(failures: 0, firstFailureAt: now, lockedUntil: nil)
        }
        state.failures += 1
        if state.failures >= limit {
            let doublings = Double(min(state.failures - limit, 20))
            state.lockedUntil = now.addingTimeInterval(min(maximumLock, firstLock * pow(2, doublings)))
        }
        return state
    }

    /// Failures counted for one key.
    public struct State: Sendable, Equatable {
        public var failures: Int
        public var firstFailureAt: Date
        public var lockedUntil: Date?

        public init(failures: Int, firstFailureAt: Date, lockedUntil: Date?) {
            self.failures = failures
            self.firstFailureAt = firstFailureAt
            self.lockedUntil = lockedUntil
        }

        public func isLocked(at now: Date) -> Bool {
            lockedUntil.map { $0 > now } ?? false
        }
    }
}

/// What a password must be.
public enum PasswordPolicy {
    public static let minimumLength = 10
    /// bcrypt reads at most 72 bytes; a longer password would be cut silently.
    public static let maximumBytes = 72

    /// The problem with `password`, if any.
    public static func problem(_ password: String) -> FieldProblem? {
        if password.count < minimumLength { return .tooShort(min: minimumLength) }
        if password.utf8.count > maximumBytes { return .tooLong(max: maximumBytes) }
        if password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return .invalidFormat(expected: "printable characters")
        }
        return nil
    }
}
