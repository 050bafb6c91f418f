import Vapor

/// A CSV download streamed as it is produced, so an export of millions of rows stays small in memory.
enum CSVResponse {
    static func make(
        filename: String, _ produce: @escaping @Sendable (@Sendable (String) async throws -> Void) async throws -> Void
    ) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
        let body = Response.Body(
            managedAsyncStream: { writer in
                try await produce { text in try await writer.writeBuffer(ByteBuffer(string: text)) }
            }, count: -1)
        return Response(status: .ok, headers: headers, body: body)
    }
}
