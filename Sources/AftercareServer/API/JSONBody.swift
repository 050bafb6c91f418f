import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// Reads request bodies strictly: JSON objects only, known fields only, each bad field named.
enum JSONBody {
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "expected an ISO 8601 instant"))
            }
            return date
        }
        return decoder
    }()

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    /// The body as a JSON object, or a 400 that says why not.
    static func object(_ req: Request) throws -> [String: Any] {
        guard let buffer = req.body.data, buffer.readableBytes > 0 else {
            throw APIError.badRequest("body", "is required: a JSON object", code: "invalid_body")
        }
        if let type = req.headers.contentType, type != .json {
            throw APIError(
                status: .unsupportedMediaType, code: "unsupported_media_type",
                message: "the body must be application/json")
        }
        let data = Data(buffer.readableBytesView)
        guard let parsed = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            let problem = JSONDiagnosis.problem(in: data) ?? .init(path: "body", reason: "is not valid JSON")
            throw APIError.badRequest(problem.path, problem.reason, code: "invalid_body")
        }
        guard let object = parsed as? [String: Any] else {
            throw APIError.badRequest("body", "must be a JSON object", code: "invalid_body")
        }
        return object
    }

    /// Decodes `T` from `object`, refusing fields that `T` does not have.
    static func decode<T: Decodable>(_ type: T.Type, from object: [String: Any], ignoring: Set<String> = [])
        throws -> T
    {
        let data = try JSONSerialization.data(withJSONObject: object)
        let value: T
        do {
            value = try decoder.decode(T.self, from: data)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            // The decoder says only "not valid JSON" for a number that does not fit its field: find the number.
            if let problem = numberProblem(T.self, in: object) {
                throw APIError.badRequest(problem.path, problem.reason, code: "invalid_body")
            }
            throw DecodingError.dataCorrupted(context)
        }
        let known = Set(Mirror(reflecting: value).children.compactMap(\.label)).union(ignoring)
        let unknown = object.keys.filter { !known.contains($0) }.sorted()
        if !unknown.isEmpty {
            var fields: [String: APIErrorBody.Field] = [:]
            for key in unknown { fields[key] = .init(code: "unknown_field", message: "is not a known field") }
            throw APIError(
                status: .badRequest, code: "invalid_body",
                message: "unknown field\(unknown.count > 1 ? "s" : ""): \(unknown.joined(separator: ", "))",
                fields: fields)
        }
        return value
    }

    /// The number in `object` that `T` cannot take, with why: each fractional or out-of-range number is set to 0
    /// in turn, and the one whose change makes the root-level failure go away is the culprit.
    static func numberProblem<T: Decodable>(_ type: T.Type, in object: [String: Any]) -> JSONDiagnosis.Problem? {
        var candidates: [(path: [JSONPathStep], number: NSNumber)] = []
        func collect(_ value: Any, _ path: [JSONPathStep]) {
            guard candidates.count < 50 else { return }
            if let dictionary = value as? [String: Any] {
                for (key, item) in dictionary.sorted(by: { $0.key < $1.key }) { collect(item, path + [.key(key)]) }
            } else if let array = value as? [Any] {
                for (index, item) in array.enumerated() { collect(item, path + [.index(index)]) }
            } else if let number = value as? NSNumber, !(value is Bool) {
                let double = number.doubleValue
                if double.rounded() != double || abs(double) >= 9.2e18 { candidates.append((path, number)) }
            }
        }
        collect(object, [])
        for candidate in candidates {
            guard let replaced = JSONPathStep.replacing(candidate.path, in: object, with: 0) as? [String: Any],
                let data = try? JSONSerialization.data(withJSONObject: replaced)
            else { continue }
            do {
                _ = try decoder.decode(T.self, from: data)
            } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
                continue
            } catch {}
            let double = candidate.number.doubleValue
            let reason =
                double.rounded() != double
                ? "must be an integer, not \(candidate.number)"
                : "is too large: at most \(Int.max)"
            return .init(path: JSONPathStep.text(candidate.path), reason: reason)
        }
        return nil
    }

    /// A create body: the whole input.
    static func create<T: Decodable>(_ type: T.Type, _ req: Request) throws -> T {
        try decode(T.self, from: object(req))
    }

    /// PATCH semantics: the fields present replace the stored ones, `null` clears an optional field.
    static func merge<T: Codable>(_ current: T, patch: Data) throws -> T {
        let patchObject = (try JSONSerialization.jsonObject(with: patch)) as? [String: Any] ?? [:]
        var base = (try JSONSerialization.jsonObject(with: encoder.encode(current))) as? [String: Any] ?? [:]
        for (key, value) in patchObject where key != "version" { base[key] = value }
        let merged = try decode(T.self, from: base)
        let known = Set(Mirror(reflecting: merged).children.compactMap(\.label)).union(["version"])
        let unknown = patchObject.keys.filter { !known.contains($0) }.sorted()
        if !unknown.isEmpty {
            var fields: [String: APIErrorBody.Field] = [:]
            for key in unknown { fields[key] = .init(code: "unknown_field", message: "is not a known field") }
            throw APIError(
                status: .badRequest, code: "invalid_body",
                message: "unknown fields: \(unknown.joined(separator: ", "))",
                fields: fields)
        }
        return merged
    }

    /// The version an update is based on: `If-Match` or the body's `version` (DESIGN: optimistic concurrency).
    static func expectedVersion(_ req: Request, body: [String: Any]) throws -> Int {
        if let header = req.headers.first(name: .ifMatch) {
            let digits = header.replacingOccurrences(of: "W/", with: "").trimmingCharacters(
                in: CharacterSet(charactersIn: "\" "))
            guard let version = Int(digits), version > 0 else {
                throw APIError.badRequest("If-Match", "must be the record's version, e.g. \"3\"")
            }
            return version
        }
        if body["version"] != nil {
            struct VersionOnly: Decodable { var version: Int }
            guard let version = try? decode(VersionOnly.self, from: ["version": body["version"]!]).version, version > 0
            else {
                throw APIError(
                    status: .badRequest, code: "invalid_body", message: "version must be a positive integer",
                    fields: ["version": .init(code: "invalid_type", message: "must be a positive integer")])
            }
            return version
        }
        throw APIError(
            status: .preconditionRequired, code: "version_required",
            message: "send the version you edited, as If-Match or the body's version",
            fields: ["version": .init(code: "required", message: "is required (or the If-Match header)")])
    }

    /// The `Idempotency-Key` of a create, bound to the caller, the route and the body. Keys are per user: another
    /// user's key is a different key, so it neither replays their record nor tells that the key exists.
    static func idempotencyKey(_ req: Request, scope: String) throws -> IdempotencyKey? {
        guard let key = req.headers.first(name: "Idempotency-Key") else { return nil }
        guard (1...200).contains(key.count), key.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw APIError.badRequest("Idempotency-Key", "must be 1 to 200 visible ASCII characters")
        }
        let body = req.body.data.map { Data($0.readableBytesView) } ?? Data()
        let digest = SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined()
        let caller = req.principal.map { "user \($0.userId)" } ?? "anonymous"
        return IdempotencyKey(key: key, scope: "\(scope) \(caller)", fingerprint: digest)
    }
}

/// One step into a JSON value: a field or an array element.
enum JSONPathStep {
    case key(String)
    case index(Int)

    /// `units[2].quantity`, or `body` for the whole.
    static func text(_ path: [JSONPathStep]) -> String {
        var text = ""
        for step in path {
            switch step {
            case .key(let key): text += text.isEmpty ? key : "." + key
            case .index(let index): text += "[\(index)]"
            }
        }
        return text.isEmpty ? "body" : text
    }

    /// `value` with the element at `path` replaced.
    static func replacing(_ path: [JSONPathStep], in value: Any, with replacement: Any) -> Any {
        guard let step = path.first else { return replacement }
        switch step {
        case .key(let key):
            guard var dictionary = value as? [String: Any], let inner = dictionary[key] else { return value }
            dictionary[key] = replacing(Array(path.dropFirst()), in: inner, with: replacement)
            return dictionary
        case .index(let index):
            guard var array = value as? [Any], array.indices.contains(index) else { return value }
            array[index] = replacing(Array(path.dropFirst()), in: array[index], with: replacement)
            return array
        }
    }
}
