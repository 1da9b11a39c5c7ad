import RosterCore
import RosterPostgres

/// `timestamptz` (OID 1184) straight into a ``Timestamp``: both count whole microseconds, so no
/// rounding anywhere, and SQL selects `created_at` rather than a microseconds expression spliced
/// into its text. (The pattern of postgres-nio's `Date+PostgresCodable.swift`.)
///
/// Decodes `timestamptz` and `timestamp` (UTC: the session pins `TimeZone=UTC`). `infinity` has
/// no ``Timestamp`` and fails to decode; no Roster column holds it.
extension Timestamp: PostgresEncodable, PostgresDecodable {
    /// Microseconds from 1970-01-01 (``Timestamp``'s epoch) to 2000-01-01 (PostgreSQL's).
    static let postgresEpochMicroseconds: Int64 = 946_684_800_000_000

    /// ``PostgresDataType/timestamptz``.
    public static var postgresType: PostgresDataType { .timestamptz }

    /// Writes microseconds since 2000-01-01 UTC.
    public func encode(into buffer: inout PostgresEncodingBuffer) {
        buffer.writeInteger(microsecondsSince1970 &- Self.postgresEpochMicroseconds)
    }

    /// Reads `timestamptz` or `timestamp`.
    public static func decode(
        from buffer: inout PostgresDecodingBuffer,
        type: PostgresDataType
    ) throws(PostgresDecodingFailure) -> Timestamp {
        guard type == .timestamptz || type == .timestamp else {
            throw .typeMismatch(expected: "timestamptz or timestamp")
        }
        guard buffer.readableBytes == 8, let micros = buffer.readInteger(as: Int64.self) else {
            throw .malformed("expected 8 bytes, got \(buffer.readableBytes)")
        }
        guard micros != .max, micros != .min else { throw .malformed("infinity is not a Timestamp") }
        let (since1970, overflow) = micros.addingReportingOverflow(postgresEpochMicroseconds)
        guard !overflow else { throw .malformed("\(micros) µs after 2000 is past what a Timestamp holds") }
        return Timestamp(microsecondsSince1970: since1970)
    }
}

extension Timestamp: PostgresArrayElement {
    /// `timestamptz[]`.
    public static var postgresArrayType: PostgresDataType { .timestamptzArray }
}
