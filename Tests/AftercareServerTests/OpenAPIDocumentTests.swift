import AftercareDomain
import AftercareServer
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("The API description")
struct OpenAPIDocumentTests {
    /// Paths and methods named in docs/openapi.yaml, read line by line (paths are the two-space keys under `paths:`).
    static func documented() throws -> Set<String> {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/openapi.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        var result: Set<String> = []
        var inPaths = false
        var current: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("paths:") {
                inPaths = true
                continue
            }
            if inPaths, let first = line.first, first != " ", first != "#" { break }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                current = String(line.dropFirst(2).dropLast()).trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
            } else if let current, line.hasPrefix("    "), !line.hasPrefix("     ") {
                let key = line.trimmingCharacters(in: .whitespaces).dropLast()
                if ["get", "post", "patch", "put", "delete"].contains(String(key)) {
                    result.insert("\(key.uppercased()) \(current)")
                }
            }
        }
        return result
    }

    @Test("every JSON route of the server is described in docs/openapi.yaml, and nothing more")
    func everyRouteIsDocumented() async throws {
        try await withTestApp(.sqlite) { app in
            // given
            // JSON routes only: the API, the health check and the description itself (pages are HTML).
            let json = app.routes.all.filter { route in
                guard let first = route.path.first?.description else { return false }
                return first == "api" || first == "healthz" || first == "openapi.yaml"
            }
            let routes = Set(
                json.map { route in
                    let path = route.path.map { component -> String in
                        switch component {
                        case .parameter(let name): "{\(name)}"
                        default: component.description
                        }
                    }.joined(separator: "/")
                    return "\(route.method.rawValue) /\(path)"
                })
            // when
            let documented = try Self.documented()
            // then
            #expect(routes.subtracting(documented).sorted() == [], "routes missing from docs/openapi.yaml")
            #expect(documented.subtracting(routes).sorted() == [], "documented paths the server does not have")
        }
    }

    /// The values of a top-level schema's `enum:` list under `components/schemas`.
    static func enumValues(_ schema: String) throws -> [String] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/openapi.yaml")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
        guard let start = lines.firstIndex(of: "    \(schema):") else { return [] }
        var values: [String] = []
        for line in lines[(start + 1)...] {
            if line.hasPrefix("    "), !line.hasPrefix("     ") { break }
            if line.hasPrefix("      - ") { values.append(String(line.dropFirst(8))) }
        }
        return values
    }

    @Test("the document's roles and actions are exactly the server's")
    func rolesAndActions() throws {
        #expect(try Self.enumValues("Action") == Action.allowedValues)
        #expect(try Self.enumValues("Role") == Role.allowedValues)
    }

    @Test("the server serves the document at /openapi.yaml")
    func served() async throws {
        try await withTestApp(.sqlite) { app in
            let response = try await app.testing().sendRequest(.GET, "/openapi.yaml")
            #expect(response.status == .ok)
            #expect(response.body.string.contains("\nopenapi: 3"))
        }
    }
}
