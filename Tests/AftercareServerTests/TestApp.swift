import AftercareStore
import AftercareTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import AftercareServer

/// Runs `body` against a fresh, migrated server on the given database.
func withTestApp(_ database: TestDatabase, _ body: (Application) async throws -> Void) async throws {
    var drop: (@Sendable () async throws -> Void)?
    let config: AppConfig
    switch database {
    case .sqlite:
        config = AppConfig(database: .sqliteMemory)
    case .postgres:
        let created = try await TestDatabase.createPostgresDatabase()
        drop = created.drop
        config = AppConfig(database: .postgres(url: created.url))
    }
    do {
        try await withApp(
            configure: { app in
                try await configure(app, config: config)
                try await app.autoMigrate()
            },
            { app in try await body(app) })
    } catch {
        try await drop?()
        throw error
    }
    try await drop?()
}

extension TestingHTTPRequest {
    /// Sets a raw JSON body.
    mutating func json(_ text: String) {
        headers.contentType = .json
        body = ByteBuffer(string: text)
    }
}

extension TestingHTTPResponse {
    var errorBody: APIErrorBody? { try? JSONDecoder().decode(APIErrorBody.self, from: Data(body.readableBytesView)) }
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
    }
}
