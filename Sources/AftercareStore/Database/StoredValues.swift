import AftercareDomain
import Foundation
import SQLKit

/// A column holds a value that none of the enum's cases names (written by a newer version, or by hand): reading it
/// is an error that names the column, never a silent default.
public struct UnknownStoredValue: Error, Equatable, Sendable, CustomStringConvertible {
    public var column: String
    public var value: String

    public var description: String { "\(column) holds \"\(value)\", which this version does not know" }
}

extension CodedEnum {
    /// The case stored as `raw` in `column`.
    static func stored(_ raw: String, column: String) throws -> Self {
        guard let value = Self(rawValue: raw) else {
            throw UnknownStoredValue(column: column, value: String(raw.prefix(100)))
        }
        return value
    }
}

extension SQLRow {
    /// The enum case stored in `column`.
    func decodeStored<T: CodedEnum>(_ column: String, as type: T.Type) throws -> T {
        try T.stored(try decode(column: column, as: String.self), column: column)
    }

    /// The enum case stored in a nullable `column`, or nil.
    func decodeStored<T: CodedEnum>(_ column: String, as type: T?.Type) throws -> T? {
        try decode(column: column, as: String?.self).map { try T.stored($0, column: column) }
    }
}
