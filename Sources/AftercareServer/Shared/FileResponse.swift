import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// R-2.7, R-5.1: a kept file as the browser gets it. Never shown as a page: the type comes from the content, pictures
/// and videos inline, everything else as a download, in a sandbox that runs nothing.
enum FileResponse {
    static func make(_ file: AttachmentFile) -> Response {
        make(data: file.data, kind: file.view.kind, name: file.view.fileName)
    }

    static func make(data: Data, kind: FileKind, name: String) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: kind.mediaType)
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "attachment"
        let ascii = String(
            name.unicodeScalars.filter { $0.isASCII && $0 != "\"" && $0 != "\\" }.map(Character.init))
        let disposition = kind.isImage || kind.isVideo ? "inline" : "attachment"
        headers.replaceOrAdd(
            name: .contentDisposition,
            value: "\(disposition); filename=\"\(ascii.isEmpty ? "attachment" : ascii)\"; filename*=UTF-8''\(encoded)")
        headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        headers.replaceOrAdd(name: "Content-Security-Policy", value: "default-src 'none'; sandbox")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}
