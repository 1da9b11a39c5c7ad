/// A Swift type that can be read from a column of a binary-format result.
///
/// ``decode(from:type:)`` checks the column's type OID first and throws
/// ``PostgresDecodingFailure/typeMismatch(expected:)`` for types it does not read, so a schema that
/// drifted from the code fails loudly instead of misreading bytes.
public protocol PostgresDecodable: Sendable {
    /// Reads a non-`NULL` value of PostgreSQL type `type` from its binary representation.
    ///
    /// - Parameters:
    ///   - buffer: The column's bytes. Do not escape it.
    ///   - type: The column's type, as reported by the server.
    /// - Throws: ``PostgresDecodingFailure`` when the type is not supported or the bytes are malformed.
    static func decode(
        from buffer: inout PostgresDecodingBuffer, type: PostgresDataType
    )
        throws(PostgresDecodingFailure)
        -> Self

    /// The value for SQL `NULL`. Throws ``PostgresDecodingFailure/unexpectedNull`` unless the type is
    /// `Optional`.
    static func decodeNull() throws(PostgresDecodingFailure) -> Self
}

extension PostgresDecodable {
    /// Throws ``PostgresDecodingFailure/unexpectedNull``: only `Optional` decodes `NULL`.
    public static func decodeNull() throws(PostgresDecodingFailure) -> Self {
        throw .unexpectedNull
    }
}

// MARK: - Optional

/// SQL `NULL` decodes to `nil`.
extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    /// Decodes the wrapped type.
    public static func decode(
        from buffer: inout PostgresDecodingBuffer,
        type: PostgresDataType
    ) throws(PostgresDecodingFailure) -> Self {
        try Wrapped.decode(from: &buffer, type: type)
    }

    /// `nil`.
    public static func decodeNull() throws(PostgresDecodingFailure) -> Self {
        nil
    }
}
