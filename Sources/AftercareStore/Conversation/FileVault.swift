import Crypto
import Foundation

/// The files of the whole product, kept once by their content: `<directory>/attachments/<ab>/<sha256>`. A file is
/// written to a temporary name, flushed to disk and renamed before any row names it, so a crash leaves at most a
/// file without a row (removed by `orphans`), never a row without its file.
public struct FileVault: Sendable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// The shared default when none is configured (tests, commands without a data directory).
    public static let temporary = FileVault(
        directory: FileManager.default.temporaryDirectory.appendingPathComponent("aftercare-data", isDirectory: true))

    var root: URL { directory.appendingPathComponent("attachments", isDirectory: true) }

    func url(of digest: String) -> URL {
        root.appendingPathComponent(String(digest.prefix(2)), isDirectory: true).appendingPathComponent(digest)
    }

    public static func digest(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// Keeps `bytes` durably and returns their SHA-256; a file already kept is not written again.
    @discardableResult
    public func keep(_ bytes: [UInt8]) throws -> String {
        let digest = Self.digest(bytes)
        let target = url(of: digest)
        let files = FileManager.default
        if files.fileExists(atPath: target.path) { return digest }
        try files.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = target.deletingLastPathComponent().appendingPathComponent(".\(digest).\(UUID().uuidString)")
        guard files.createFile(atPath: temporary.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path])
        }
        let handle = try FileHandle(forWritingTo: temporary)
        do {
            try handle.write(contentsOf: Data(bytes))
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close()
            try? files.removeItem(at: temporary)
            throw error
        }
        if files.fileExists(atPath: target.path) {
            try? files.removeItem(at: temporary)
        } else {
            do {
                try files.moveItem(at: temporary, to: target)
            } catch {
                try? files.removeItem(at: temporary)
                if !files.fileExists(atPath: target.path) { throw error }
            }
        }
        return digest
    }

    /// The bytes kept under `digest`, checked against it.
    public func read(_ digest: String) throws -> Data {
        let data = try Data(contentsOf: url(of: digest))
        guard Self.digest(Array(data)) == digest else { throw CorruptFile(digest: digest) }
        return data
    }

    /// Every file kept, by digest, with when it was written (temporary files left by a crash included, by name).
    func kept() -> [(name: String, url: URL, modified: Date)] {
        let files = FileManager.default
        var result: [(String, URL, Date)] = []
        guard let walker = files.enumerator(at: root, includingPropertiesForKeys: [.contentModificationDateKey])
        else { return [] }
        while let url = walker.nextObject() as? URL {
            guard let values = try? url.resourceValues(forKeys: [.contentModificationDateKey, .isRegularFileKey]),
                values.isRegularFile == true
            else { continue }
            result.append((url.lastPathComponent, url, values.contentModificationDate ?? .distantPast))
        }
        return result
    }
}

/// A kept file whose content no longer matches its checksum.
public struct CorruptFile: Error, Sendable {
    public var digest: String
}
