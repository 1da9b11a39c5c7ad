/// Why one value could not be decoded. ``PostgresRow`` turns it into a ``PostgresError`` with
/// code ``PostgresError/Code/decoding`` that names the column, its index and both types.
///
/// Its texts never contain the value's bytes.
public struct PostgresDecodingFailure: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
        case typeMismatch(expected: String)
        case unexpectedNull
        case malformed(String)
    }

    private let kind: Kind

    private init(_ kind: Kind) {
        self.kind = kind
    }

    /// The column's PostgreSQL type is not one the Swift type reads.
    ///
    /// - Parameter expected: The PostgreSQL types the Swift type reads, for the message
    ///   (`"int2, int4 or int8"`).
    public static func typeMismatch(expected: String) -> PostgresDecodingFailure {
        PostgresDecodingFailure(.typeMismatch(expected: expected))
    }

    /// The column is `NULL` and the Swift type is not `Optional`.
    public static let unexpectedNull = PostgresDecodingFailure(.unexpectedNull)

    /// The bytes do not have the expected layout (wrong length, bad array header, …).
    ///
    /// - Parameter reason: What is wrong, without the value (`"expected 8 bytes, got 4"`).
    public static func malformed(_ reason: String) -> PostgresDecodingFailure {
        PostgresDecodingFailure(.malformed(reason))
    }

    /// The PostgreSQL types the Swift type reads, for a type mismatch.
    public var expectedTypes: String? {
        if case .typeMismatch(let expected) = self.kind {
            return expected
        }
        return nil
    }

    /// `true` for ``unexpectedNull``.
    public var isUnexpectedNull: Bool {
        self.kind == .unexpectedNull
    }

    /// What went wrong, without the value.
    public var description: String {
        switch self.kind {
        case .typeMismatch(let expected):
            return "type mismatch (the Swift type reads \(expected))"
        case .unexpectedNull:
            return "unexpected NULL (decode an Optional to accept NULL)"
        case .malformed(let reason):
            return "malformed value: \(reason)"
        }
    }
}
