/// A Swift type that can be sent to PostgreSQL as a bound parameter (`$1`) in binary format.
///
/// Every conforming type has exactly one wire format, named in its conformance's doc comment,
/// and declares the PostgreSQL type it sends as ``postgresType``. The server converts implicitly
/// where SQL allows (an `int8` parameter compared with an `int4` column), and an explicit cast in
/// the SQL (`$1::int4`) does the rest.
///
/// Conform a type of your own by writing its binary representation
/// (see `*send` functions in the PostgreSQL sources) into the buffer:
///
/// ```swift
/// extension EmployeeID: PostgresEncodable {
///     static var postgresType: PostgresDataType { .text }
///     func encode(into buffer: inout PostgresEncodingBuffer) { rawValue.encode(into: &buffer) }
/// }
/// ```
public protocol PostgresEncodable: Sendable {
    /// The PostgreSQL type of the encoded value (its OID is sent with the parameter).
    static var postgresType: PostgresDataType { get }

    /// Appends the value's binary representation to `buffer`.
    func encode(into buffer: inout PostgresEncodingBuffer)

    /// `true` when the value is SQL `NULL`. Only `Optional.none` returns `true`; keep the default.
    var isPostgresNull: Bool { get }
}

extension PostgresEncodable {
    /// `false`: values are not `NULL` unless they are `Optional.none`.
    public var isPostgresNull: Bool {
        false
    }
}

/// A type that is both ``PostgresEncodable`` and ``PostgresDecodable``.
public typealias PostgresCodable = PostgresDecodable & PostgresEncodable

// MARK: - Optional

/// `Optional.none` is sent as SQL `NULL` typed as the wrapped type; `NULL` decodes to `nil`.
extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    /// The wrapped type's PostgreSQL type, so that a `NULL` parameter is still typed.
    public static var postgresType: PostgresDataType {
        Wrapped.postgresType
    }

    /// Encodes the wrapped value; encodes nothing for `nil` (it is sent as `NULL`).
    public func encode(into buffer: inout PostgresEncodingBuffer) {
        if let value = self {
            value.encode(into: &buffer)
        }
    }

    /// `true` for `nil`.
    public var isPostgresNull: Bool {
        self == nil
    }
}
